"""Adding the same person twice at once (an official to a region, staff to an agency) keeps one row and one
audit line: the unique constraint decides (backend.core.unique.find_or_insert), every caller gets the row."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from backend.agencies.models import AgencyMember
from backend.audit.models import AuditEntry
from backend.communities.models import RegionOfficial
from backend.extensions import db


def _post_at_once(clients, url, body):
    """Every client POSTs the same body at the same moment, each in its own thread and session."""
    barrier = threading.Barrier(len(clients))
    results, errors = [None] * len(clients), []

    def run(index, client):
        try:
            barrier.wait()
            response = client.post(url, json=body)
            results[index] = (response.status_code, response.get_json())
        except Exception as exc:  # noqa: BLE001 -- surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_four_admins_appointing_the_same_official_at_once_make_one_appointment(app, client_for, make_user, network):
    newcomer = make_user("同时任命的干部")
    admins = [client_for(network.people.admin) for _ in range(4)]
    url = f"/api/v1/regions/{network.regions.east}/officials"
    results = _post_at_once(admins, url, {"user_id": newcomer.id, "role": "street_official"})
    assert [code for code, _ in results] == [201] * 4, results
    assert {body["user"]["id"] for _, body in results} == {newcomer.id}
    with app.app_context():
        assert _count(RegionOfficial, RegionOfficial.user_id == newcomer.id) == 1
        assert _count(AuditEntry, AuditEntry.action == "region.official_appoint") == 1


def test_four_registrars_adding_the_same_staff_at_once_make_one_membership(
    app, client_for, make_user, network, agencies
):
    newcomer = make_user("同时加入的物业员工")
    admins = [client_for(network.people.admin) for _ in range(4)]
    url = f"/api/v1/agencies/{agencies.west['id']}/members"
    with app.app_context():
        before = _count(AuditEntry, AuditEntry.action == "agency.member_add")
    results = _post_at_once(admins, url, {"user_id": newcomer.id})
    assert [code for code, _ in results] == [201] * 4, results
    with app.app_context():
        assert _count(AgencyMember, AgencyMember.user_id == newcomer.id) == 1
        assert _count(AuditEntry, AuditEntry.action == "agency.member_add") == before + 1
