"""The care register: who may see and act on a record, visits, follow-ups, overdue alerts, coverage, audit."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.audit.models import AuditEntry
from backend.care import services
from backend.care.models import CareRecord
from backend.core.db import utcnow
from backend.extensions import db
from backend.notifications.models import Notification

from .conftest import add_record


def kinds_for(app, user_id):
    with app.app_context():
        return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user_id))]


def test_the_committee_puts_a_resident_on_the_list_and_the_assignee_is_told(app, town, client_for):
    record = add_record(client_for(town.committee), town)
    assert record["resident_name"] == "吴桂英" and record["address"] == "3-1-101"
    assert record["grid_id"] == town.community.grid_ids[0]
    assert record["is_overdue"] is True  # the first visit is due at once
    assert "care_assigned" in kinds_for(app, town.worker.id)
    again = client_for(town.committee).post(
        f"/api/v1/communities/{town.cid}/care-records",
        json={"resident_id": town.resident_ids[0], "category": "hardship"},
    )
    assert again.status_code == 409 and again.get_json()["code"] == "care.already_on_list"


def test_another_communitys_resident_or_an_outsider_assignee_is_refused(town, client_for, make_user):
    client = client_for(town.committee)
    url = f"/api/v1/communities/{town.cid}/care-records"
    other_register = client.post(url, json={"resident_id": 999999, "category": "other"})
    assert other_register.status_code == 422
    outsider = client.post(
        url, json={"resident_id": town.resident_ids[1], "category": "other", "assignee_id": make_user().id}
    )
    assert outsider.status_code == 422
    foreign = client.post(
        url, json={"resident_id": town.resident_ids[1], "category": "other", "assignee_id": town.other_committee.id}
    )
    assert foreign.status_code == 422


@pytest.mark.parametrize(
    "who, read, write",
    [
        ("visitor", 401, 401),
        ("resident", 404, 404),
        ("other_worker", 404, 404),
        ("volunteer", 404, 404),
        ("other_committee", 403, 403),
        ("worker", 200, 201),
        ("committee", 200, 201),
    ],
)
def test_only_the_committee_and_the_assignee_see_or_visit(town, client_for, who, read, write):
    record = add_record(client_for(town.committee), town)
    client = client_for(getattr(town, who, None))
    detail = client.get(f"/api/v1/care-records/{record['id']}")
    assert detail.status_code == read
    if read != 200:
        assert "吴桂英" not in detail.get_data(as_text=True)
    visit = client.post(f"/api/v1/care-records/{record['id']}/visits", json={"outcome": "well"})
    assert visit.status_code == write
    listing = client.get(f"/api/v1/communities/{town.cid}/care-records")
    if who in ("committee", "worker"):
        assert [r["id"] for r in listing.get_json()["items"]] == [record["id"]]
    elif listing.status_code == 200:
        assert listing.get_json()["items"] == []  # other members: only their own assignments, here none
    else:
        assert listing.status_code in (401, 403)
    coverage = client.get(f"/api/v1/communities/{town.cid}/care-coverage")
    assert coverage.status_code == (200 if who == "committee" else 401 if who == "visitor" else 403)


def test_a_previous_assignee_loses_access(town, client_for):
    committee = client_for(town.committee)
    record = add_record(committee, town)
    moved = committee.patch(f"/api/v1/care-records/{record['id']}", json={"assignee_id": town.volunteer.id})
    assert moved.status_code == 200
    assert client_for(town.worker).get(f"/api/v1/care-records/{record['id']}").status_code == 404
    assert client_for(town.volunteer).get(f"/api/v1/care-records/{record['id']}").status_code == 200


def test_a_visit_sets_the_next_due_date_and_every_read_is_audited(app, town, client_for):
    worker = client_for(town.worker)
    record = add_record(client_for(town.committee), town, visit_every_days=14)
    visit = worker.post(
        f"/api/v1/care-records/{record['id']}/visits",
        json={"outcome": "needs_found", "notes": "腿疼，行动不便", "needs": "需要有人帮忙买菜"},
    )
    assert visit.status_code == 201
    detail = worker.get(f"/api/v1/care-records/{record['id']}").get_json()
    assert [v["needs"] for v in detail["visits"]] == ["需要有人帮忙买菜"]
    assert detail["is_overdue"] is False
    with app.app_context():
        stored = db.session.get(CareRecord, record["id"])
        assert timedelta(days=13, hours=23) < stored.next_visit_due_at - stored.last_visit_at <= timedelta(days=14)
        reads = [
            (e.actor_id, e.action)
            for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("care.")))
        ]
    assert (town.worker.id, "care.read") in reads and (town.committee.id, "care.create") in reads


def test_a_future_visit_is_refused(town, client_for):
    record = add_record(client_for(town.committee), town)
    future = (utcnow() + timedelta(days=2)).isoformat()
    response = client_for(town.worker).post(
        f"/api/v1/care-records/{record['id']}/visits", json={"outcome": "well", "visited_at": future}
    )
    assert response.status_code == 422


def test_a_need_becomes_an_aid_request_in_one_step_once(app, town, client_for):
    worker = client_for(town.worker)
    record = add_record(client_for(town.committee), town)
    visit = worker.post(f"/api/v1/care-records/{record['id']}/visits", json={"outcome": "needs_found"}).get_json()
    body = {"kind": "aid", "category": "errands", "title": "帮老人买菜", "description": "每周二上午买一次菜"}
    done = worker.post(f"/api/v1/care-visits/{visit['id']}/follow-up", json=body)
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["follow_up_kind"] == "aid"
    post = worker.get(f"/api/v1/aid/{done.get_json()['follow_up_id']}").get_json()
    assert post["title"] == "帮老人买菜" and "吴桂英" not in str(post)
    again = worker.post(f"/api/v1/care-visits/{visit['id']}/follow-up", json=body)
    assert again.status_code == 409 and again.get_json()["code"] == "care.follow_up_done"
    stranger = client_for(town.other_worker).post(f"/api/v1/care-visits/{visit['id']}/follow-up", json=body)
    assert stranger.status_code == 404


def test_a_need_becomes_a_report(town, client_for):
    committee = client_for(town.committee)
    record = add_record(committee, town)
    visit = committee.post(f"/api/v1/care-records/{record['id']}/visits", json={"outcome": "needs_found"}).get_json()
    body = {
        "kind": "report",
        "category": "street_lights",
        "title": "楼道灯坏了",
        "description": "3号楼1单元楼道灯不亮",
        "location_text": "3号楼1单元",
    }
    done = committee.post(f"/api/v1/care-visits/{visit['id']}/follow-up", json=body)
    assert done.status_code == 201, done.get_json()
    report = committee.get(f"/api/v1/reports/{done.get_json()['follow_up_id']}").get_json()
    assert report["description"] == "3号楼1单元楼道灯不亮" and "吴桂英" not in str(report)
    bad = dict(body, category="not_a_category")
    other_visit = committee.post(f"/api/v1/care-records/{record['id']}/visits", json={"outcome": "well"}).get_json()
    refused = committee.post(f"/api/v1/care-visits/{other_visit['id']}/follow-up", json=bad)
    assert refused.status_code == 422  # the report service's own rule, and nothing is linked to the visit


def test_an_overdue_visit_alerts_the_assignee_then_the_committee_once(app, town, client_for):
    record = add_record(client_for(town.committee), town)
    with app.app_context():
        db.session.execute(
            update(CareRecord)
            .where(CareRecord.id == record["id"])
            .values(next_visit_due_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
        assert services.alert_overdue_visits() == {"assignee": 1, "committee": 0}
        assert services.alert_overdue_visits() == {"assignee": 0, "committee": 0}
        db.session.commit()
        later = utcnow() + timedelta(days=3)
        assert services.alert_overdue_visits(now=later) == {"assignee": 0, "committee": 1}
        assert services.alert_overdue_visits(now=later) == {"assignee": 0, "committee": 0}
        db.session.commit()
    assert kinds_for(app, town.worker.id).count("care_visit_overdue") == 1
    assert kinds_for(app, town.committee.id).count("care_visit_escalated") == 1
    # Nobody else hears of it.
    assert "care_visit_overdue" not in kinds_for(app, town.other_worker.id)
    assert not [k for k in kinds_for(app, town.resident.id) if k.startswith("care")]


def test_coverage_per_grid(app, town, client_for):
    committee = client_for(town.committee)
    first = add_record(committee, town, 0)
    add_record(committee, town, 2, assignee_id=None)
    committee.post(f"/api/v1/care-records/{first['id']}/visits", json={"outcome": "well"})
    rows = {r["grid_id"]: r for r in committee.get(f"/api/v1/communities/{town.cid}/care-coverage").get_json()}
    grid1, grid2 = town.community.grid_ids
    assert (rows[grid1]["people"], rows[grid1]["assigned"], rows[grid1]["visited_on_time"]) == (1, 1, 1)
    assert (rows[grid2]["people"], rows[grid2]["assigned"], rows[grid2]["overdue"]) == (1, 0, 1)


def test_care_is_in_the_persons_own_download_only_and_in_no_search_or_open_data(app, town, client_for):
    from backend.register.models import RegisterResident

    record = add_record(client_for(town.committee), town)
    client_for(town.worker).post(
        f"/api/v1/care-records/{record['id']}/visits", json={"outcome": "well", "notes": "精神很好"}
    )
    with app.app_context():
        db.session.execute(
            update(RegisterResident).where(RegisterResident.id == town.resident_ids[0]).values(user_id=town.resident.id)
        )
        db.session.commit()
    mine = client_for(town.resident).get("/api/v1/me/export").get_json()["care"]
    assert [r["id"] for r in mine["records"]] == [record["id"]] and mine["visits"][0]["notes"] == "精神很好"
    theirs = client_for(town.volunteer).get("/api/v1/me/export").get_data(as_text=True)
    assert "精神很好" not in theirs and "alone_elderly" not in theirs
    worker_download = client_for(town.worker).get("/api/v1/me/export").get_json()["care"]
    assert worker_download["assigned_records"] == [record["id"]]
    assert "精神很好" not in str(worker_download)
    committee = client_for(town.committee)
    for url in (
        f"/api/v1/communities/{town.cid}/search?q=吴桂英",
        f"/api/v1/communities/{town.cid}/open-data.json",
        f"/api/v1/communities/{town.cid}/exports/reports.csv",
    ):
        body = committee.get(url).get_data(as_text=True)
        assert "吴桂英" not in body and "精神很好" not in body, url
