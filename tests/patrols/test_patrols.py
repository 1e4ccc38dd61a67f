"""Grid patrols: who starts and reads them, one active patrol per worker (also when two phones start at once),
bounded and checked positions, findings that become reports, coverage per grid per week, the stale-patrol job,
audit and the data download; every rule attacked."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.audit.models import AuditEntry
from backend.core.db import utcnow
from backend.extensions import db
from backend.patrols import services
from backend.patrols.models import MAX_POINTS, Patrol
from tests.conftest import ApiClient

from .conftest import start

POINT = {"lat": 31.2304, "lng": 121.4737}


def test_a_grid_worker_starts_walks_and_ends_a_patrol_of_their_grid(app, town, client_for):
    worker = client_for(town.people.worker)
    started = start(worker, town, points=[POINT], note="早巡")
    assert started.status_code == 201, started.get_json()
    patrol = started.get_json()
    assert patrol["status"] == "active" and patrol["point_count"] == 1 and patrol["grid_name"] == "Grid 1"
    assert patrol["worker_name"] == "李网格员" and patrol["can"] == {"add_finding": True, "end": True}
    again = start(worker, town)
    assert again.status_code == 409 and again.get_json()["code"] == "patrol.already_active"
    mine = worker.get("/api/v1/me/patrols?active=true").get_json()["items"]
    assert [p["id"] for p in mine] == [patrol["id"]]
    walked = worker.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": [POINT, POINT]})
    assert walked.status_code == 200 and walked.get_json()["point_count"] == 3
    ended = worker.post(f"/api/v1/patrols/{patrol['id']}/end", json={"points": [POINT], "note": "一切正常"})
    assert ended.status_code == 200, ended.get_json()
    assert ended.get_json()["status"] == "ended" and ended.get_json()["point_count"] == 4
    assert ended.get_json()["can"] == {"add_finding": False, "end": False}
    twice = worker.post(f"/api/v1/patrols/{patrol['id']}/end", json={})
    assert twice.status_code == 409 and twice.get_json()["code"] == "patrol.invalid_transition"
    assert start(worker, town).status_code == 201  # the next one
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "patrol")).all()
        assert sorted(actions) == ["patrol.end", "patrol.start", "patrol.start"]


@pytest.mark.parametrize(
    "who, grid, status",
    [
        ("visitor", 0, 401),
        ("resident", 0, 403),
        ("other_worker", 0, 403),  # another grid's worker
        ("star_committee", 0, 403),  # another community's committee
        ("star_worker", 0, 403),
        ("west_official", 0, 403),  # officials oversee, they do not patrol
        ("worker", 1, 403),  # the worker, on another grid of the community
        ("committee", 1, 201),
        ("worker", 0, 201),
    ],
)
def test_who_may_start_a_patrol_of_which_grid(town, client_for, who, grid, status):
    response = start(client_for(getattr(town.people, who, None)), town, grid=grid)
    assert response.status_code == status, response.get_json()


def test_a_grid_of_another_community_or_none_is_refused(town, client_for):
    worker = client_for(town.people.worker)
    url = f"/api/v1/communities/{town.cid}/patrols"
    assert worker.post(url, json={"grid_id": town.star.grid_ids[0]}).status_code == 422
    assert worker.post(url, json={"grid_id": 999_999}).status_code == 422
    assert worker.post(url, json={}).status_code == 422


@pytest.mark.parametrize(
    "points",
    [
        [{"lat": 91, "lng": 121}],
        [{"lat": 31, "lng": -181}],
        [{"lat": "NaN", "lng": 121}],
        [{"lat": 31}],
        [POINT] * 201,  # more than a request may carry
        [{**POINT, "recorded_at": "2020-01-01T00:00:00+08:00"}],  # before the patrol
        [{**POINT, "recorded_at": "2099-01-01T00:00:00+08:00"}],  # in the future
        [{**POINT, "recorded_at": "2030-01-01T00:00:00"}],  # no time zone
    ],
)
def test_bad_positions_are_refused_and_nothing_is_written(app, town, client_for, points):
    worker = client_for(town.people.worker)
    patrol = start(worker, town).get_json()
    response = worker.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": points})
    assert response.status_code == 422, response.get_json()
    assert worker.get(f"/api/v1/patrols/{patrol['id']}").get_json()["point_count"] == 0


def test_a_patrol_holds_at_most_max_points(app, town, client_for):
    worker = client_for(town.people.worker)
    patrol = start(worker, town).get_json()
    with app.app_context():
        db.session.execute(update(Patrol).where(Patrol.id == patrol["id"]).values(point_count=MAX_POINTS - 1))
        db.session.commit()
    url = f"/api/v1/patrols/{patrol['id']}/points"
    refused = worker.post(url, json={"points": [POINT, POINT]})
    assert refused.status_code == 409 and refused.get_json()["code"] == "patrol.too_many_points"
    assert worker.post(url, json={"points": [POINT]}).status_code == 200


def test_two_phones_starting_at_once_start_one_patrol(app, town, client_for):
    clients = [client_for(town.people.worker) for _ in range(3)]
    barrier, answers = threading.Barrier(3), []

    def go(client: ApiClient):
        barrier.wait()
        answers.append(start(client, town).status_code)

    threads = [threading.Thread(target=go, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409, 409], answers
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Patrol)) == 1


def test_a_finding_becomes_a_report_in_one_step_with_the_patrol_as_its_source(app, town, client_for):
    worker = client_for(town.people.worker)
    patrol = start(worker, town).get_json()
    url = f"/api/v1/patrols/{patrol['id']}/findings"
    found = worker.post(url, json={"category": "rubbish", "description": "3号楼垃圾满溢", **POINT})
    assert found.status_code == 201, found.get_json()
    assert found.get_json()["finding_count"] == 1
    detail = worker.get(f"/api/v1/patrols/{patrol['id']}").get_json()
    [finding] = detail["findings"]
    assert finding["url"] == f"/reports/{finding['report_id']}"
    report = client_for(town.people.committee).get(f"/api/v1/reports/{finding['report_id']}")
    assert report.status_code == 200 and report.get_json()["description"] == "3号楼垃圾满溢"
    assert report.get_json()["grid"]["id"] == town.grids[0]
    bad = worker.post(url, json={"category": "no-such-category", "description": "x", "location_text": "北门"})
    assert bad.status_code == 422
    assert worker.get(f"/api/v1/patrols/{patrol['id']}").get_json()["finding_count"] == 1  # nothing half-written
    assert (
        client_for(town.people.committee).post(url, json={"category": "rubbish", "description": "x"}).status_code == 403
    )
    assert (
        client_for(town.people.resident).post(url, json={"category": "rubbish", "description": "x"}).status_code == 404
    )
    assert (
        client_for(town.people.star_committee).post(url, json={"category": "rubbish", "description": "x"}).status_code
        == 403
    )
    worker.post(f"/api/v1/patrols/{patrol['id']}/end", json={})
    late = worker.post(url, json={"category": "rubbish", "description": "结束之后", "location_text": "北门"})
    assert late.status_code == 409


@pytest.mark.parametrize(
    "who, status",
    [
        ("visitor", 401),
        ("resident", 404),
        ("other_worker", 404),
        ("star_committee", 403),
        ("east_official", 403),  # another street
        ("far_district_official", 403),
        ("worker", 200),
        ("committee", 200),
        ("west_official", 200),
        ("district_official", 200),
    ],
)
def test_who_reads_a_patrol_and_staff_reads_are_audited(app, town, client_for, who, status):
    patrol = start(client_for(town.people.worker), town, points=[POINT]).get_json()
    response = client_for(getattr(town.people, who, None)).get(f"/api/v1/patrols/{patrol['id']}")
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["points"][0]["lat"] == POINT["lat"]
    else:
        assert "31.2304" not in response.get_data(as_text=True)
    with app.app_context():
        reads = db.session.scalars(select(AuditEntry.actor_id).where(AuditEntry.action == "patrol.read")).all()
    assert reads == ([getattr(town.people, who).id] if status == 200 and who != "worker" else [])


def test_coverage_per_grid_per_week_flags_grids_not_patrolled(app, town, client_for):
    worker = client_for(town.people.worker)
    this_week = start(worker, town).get_json()
    worker.post(
        f"/api/v1/patrols/{this_week['id']}/findings",
        json={"category": "rubbish", "description": "x", "location_text": "北门"},
    )
    worker.post(f"/api/v1/patrols/{this_week['id']}/end", json={})
    last_week = start(client_for(town.people.other_worker), town, grid=1).get_json()
    client_for(town.people.other_worker).post(f"/api/v1/patrols/{last_week['id']}/end", json={})
    with app.app_context():
        a_week_ago = utcnow() - timedelta(days=7)
        db.session.execute(
            update(Patrol)
            .where(Patrol.id == last_week["id"])
            .values(started_at=a_week_ago, ended_at=a_week_ago + timedelta(minutes=45))
        )
        db.session.commit()
    url = f"/api/v1/communities/{town.cid}/patrol-coverage?weeks=3"
    coverage = client_for(town.people.committee).get(url)
    assert coverage.status_code == 200, coverage.get_json()
    body = coverage.get_json()
    assert len(body["week_starts"]) == 3 and body["unpatrolled_this_week"] == 1
    first, second = body["grids"]
    assert first["responsible_name"] == "李网格员" and first["is_unpatrolled_this_week"] is False
    assert [w["patrols"] for w in first["weeks"]] == [0, 0, 1] and first["weeks"][-1]["findings"] == 1
    assert second["is_unpatrolled_this_week"] is True
    assert [w["patrols"] for w in second["weeks"]] == [0, 1, 0] and second["weeks"][1]["minutes"] == 45
    assert [w["is_unpatrolled"] for w in second["weeks"]] == [True, False, True]
    assert client_for(town.people.west_official).get(url).status_code == 200
    for who in ("worker", "resident", "east_official", "star_committee"):
        assert client_for(getattr(town.people, who)).get(url).status_code == 403, who
    assert client_for(None).get(url).status_code == 401
    assert client_for(town.people.committee).get(url.replace("weeks=3", "weeks=99")).status_code == 422


def test_the_community_list_and_its_readers(town, client_for):
    patrol = start(client_for(town.people.worker), town).get_json()
    url = f"/api/v1/communities/{town.cid}/patrols"
    assert [p["id"] for p in client_for(town.people.committee).get(url).get_json()["items"]] == [patrol["id"]]
    assert client_for(town.people.committee).get(url + f"?grid_id={town.grids[1]}").get_json()["items"] == []
    assert client_for(town.people.district_official).get(url).status_code == 200
    assert client_for(town.people.worker).get(url).status_code == 403
    assert client_for(town.people.far_official).get(url).status_code == 403


def test_a_forgotten_patrol_is_ended_by_the_job(app, town, client_for):
    worker = client_for(town.people.worker)
    patrol = start(worker, town).get_json()
    with app.app_context():
        db.session.execute(
            update(Patrol).where(Patrol.id == patrol["id"]).values(started_at=utcnow() - timedelta(hours=13))
        )
        db.session.commit()
        assert services.end_stale_patrols() == 1
        db.session.commit()
        assert services.end_stale_patrols() == 0
        ended = db.session.get(Patrol, patrol["id"])
        assert ended.status == "ended" and ended.is_auto_ended and ended.ended_at == ended.started_at
    assert start(worker, town).status_code == 201


def test_a_suspended_worker_neither_starts_nor_records(app, town, client_for):
    from backend.communities.models import Membership

    worker = client_for(town.people.worker)
    patrol = start(worker, town).get_json()
    with app.app_context():
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == town.people.worker.id)
            .values(status="suspended", suspended_until=utcnow() + timedelta(days=3))
        )
        db.session.commit()
    assert worker.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": [POINT]}).status_code == 403
    assert worker.post(f"/api/v1/patrols/{patrol['id']}/end", json={}).status_code == 403


def test_my_patrols_are_in_my_data_download(town, client_for):
    patrol = start(client_for(town.people.worker), town, points=[POINT]).get_json()
    export = client_for(town.people.worker).get("/api/v1/me/export").get_json()["patrols"]
    assert [p["id"] for p in export["patrols"]] == [patrol["id"]] and len(export["points"]) == 1


def test_a_grid_workers_scorecard_counts_the_patrols_done_in_the_period(app, town, client_for):
    worker, other = client_for(town.people.worker), client_for(town.people.other_worker)
    for _ in range(2):
        patrol = start(worker, town).get_json()
        worker.post(f"/api/v1/patrols/{patrol['id']}/end", json={})
    old = start(other, town, grid=1).get_json()
    other.post(f"/api/v1/patrols/{old['id']}/end", json={})
    with app.app_context():
        long_ago = utcnow() - timedelta(days=80)
        db.session.execute(update(Patrol).where(Patrol.id == old["id"]).values(started_at=long_ago, ended_at=long_ago))
        db.session.commit()
    cards = client_for(town.people.committee).get(f"/api/v1/communities/{town.cid}/insights/scorecards?period=month")
    assert cards.status_code == 200, cards.get_json()
    done = {card["handler"]["id"]: card["figures"]["patrols_done"] for card in cards.get_json()["items"]}
    assert done[town.people.worker.id] == 2
    assert done[town.people.other_worker.id] == 0  # the patrol 80 days ago is outside the month
