"""Care fixtures: a community whose register has three residents, its committee, two grid workers, a volunteer,
a resident, and another community's committee."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from backend.extensions import db

REGISTER = "居民编号,姓名,楼栋,单元,房号,网格\nR1,吴桂英,3,1,101,1\nR2,李建国,3,1,102,1\nR3,赵玉珍,7,1,602,2\n"


@pytest.fixture
def town(app, make_community, make_member):
    from backend.accounts.models import User
    from backend.register import services as register
    from backend.register.models import RegisterResident

    community = make_community("阳光社区", grids=2)
    other = make_community("别的社区")
    people = SimpleNamespace(
        community=community,
        cid=community.id,
        committee=make_member(community, role="committee", display_name="王主任"),
        worker=make_member(community, role="grid_worker", grid=0, display_name="李网格"),
        other_worker=make_member(community, role="grid_worker", grid=1, display_name="周网格"),
        volunteer=make_member(community, display_name="志愿者小陈"),
        resident=make_member(community, display_name="张阿姨"),
        other_committee=make_member(other, role="committee", display_name="外社区主任"),
        other=other,
    )
    with app.app_context():
        committee = db.session.get(User, people.committee.id)
        preview = register.preview_import(committee, community.id, REGISTER.encode())
        register.confirm_import(committee, preview.id)
        db.session.commit()
        people.resident_ids = list(db.session.scalars(select(RegisterResident.id).order_by(RegisterResident.id)))
    return people


def add_record(client, town, index=0, **overrides):
    body = {
        "resident_id": town.resident_ids[index],
        "category": "alone_elderly",
        "visit_every_days": 7,
        "assignee_id": town.worker.id,
        **overrides,
    }
    response = client.post(f"/api/v1/communities/{town.cid}/care-records", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
