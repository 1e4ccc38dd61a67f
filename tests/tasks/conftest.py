"""Task ledger fixtures: the network's streets and districts (tests/network/conftest.py) with a grid worker, a
second committee member, a report and a project in 阳光社区, and a report in 星光社区 (another street)."""

from types import SimpleNamespace

import pytest

from backend.accounts.models import User
from backend.extensions import db
from tests.network.conftest import network  # noqa: F401  (the fixture, reused)


@pytest.fixture
def ledger(app, network, make_member):  # noqa: F811
    from backend.projects import services as projects
    from backend.reports import services as reports

    people = network.people
    people.second_committee = make_member(network.sunshine, "committee", display_name="陈委员")
    people.other_worker = make_member(network.sunshine, "grid_worker", grid=1, display_name="周网格员")
    people.star_worker = make_member(network.star, "grid_worker", grid=0, display_name="星光网格员")
    with app.app_context():
        resident = db.session.get(User, people.resident.id)
        report = reports.create_report(
            resident,
            network.sunshine.id,
            category="rubbish",
            description="北门垃圾桶满了",
            location_text="北门",
            grid_id=network.sunshine.grid_ids[1],
        )
        project = projects.create_project(
            resident, network.sunshine.id, title="修好长椅", category="facilities", summary="长椅坏了", submit=True
        )
        star_resident = db.session.get(User, people.star_committee.id)
        star_report = reports.create_report(
            star_resident, network.star.id, category="rubbish", description="星光的垃圾", location_text="南门"
        )
        db.session.commit()
        ids = SimpleNamespace(report=report.id, project=project.id, star_report=star_report.id)
    return SimpleNamespace(**vars(network), ids=ids, cid=network.sunshine.id)
