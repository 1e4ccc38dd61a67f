"""Creating reports: validation, routing by grid and by point, duplicates nearby, me too, anonymity."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.notifications.models import Notification
from backend.reports.models import Report
from tests.reports.conftest import IN_EAST, IN_WEST, OUTSIDE


def notified(app, kind):
    with app.app_context():
        return sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_a_report_in_a_chosen_grid_goes_to_its_grid_worker(app, place, new_report):
    report = new_report(lat=None, lng=None, location_text="3号楼东门", grid_id=place.grid1)
    assert report["grid"]["id"] == place.grid1
    assert report["assignee"]["id"] == place.worker.id
    assert report["status"] == "submitted"
    assert notified(app, "report_submitted") == [place.worker.id]


def test_the_grid_is_found_from_the_point(app, place, new_report):
    report = new_report(lat=IN_WEST[0], lng=IN_WEST[1])
    assert report["grid"]["id"] == place.grid1 and report["assignee"]["id"] == place.worker.id


def test_a_grid_without_a_worker_sends_the_report_to_the_committee(app, place, new_report):
    report = new_report(lat=IN_EAST[0], lng=IN_EAST[1])
    assert report["grid"]["id"] == place.grid2
    assert report["assignee"] is None
    assert notified(app, "report_submitted") == [place.committee.id]


def test_a_point_outside_every_grid_goes_to_the_committee(app, place, new_report):
    report = new_report(lat=OUTSIDE[0], lng=OUTSIDE[1])
    assert report["grid"] is None and report["assignee"] is None
    assert notified(app, "report_submitted") == [place.committee.id]


def test_the_submission_is_the_first_event_on_the_public_timeline(client_for, new_report):
    report = new_report()
    timeline = client_for().get(f"/api/v1/reports/{report['id']}").json["events"]
    assert [(e["action"], e["actor_role"], e["actor"]) for e in timeline] == [("submitted", "reporter", None)]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"category": "unicorns"}, "category"),
        ({"description": ""}, "description"),
        ({"description": "长" * 2001}, "description"),
        ({"lat": None, "lng": None}, "location_text"),
        ({"lng": None}, "lat"),
        ({"lat": 91}, "lat"),
        ({"grid_id": 999_999}, "grid_id"),
        ({"photo_ids": [999_999]}, "photo_ids"),
        ({"secret": 1}, "secret"),
    ],
)
def test_bad_reports_are_refused_with_field_errors(client_for, place, body, field):
    payload = {"category": "rubbish", "description": "垃圾堆积", "lat": IN_WEST[0], "lng": IN_WEST[1], **body}
    response = client_for(place.reporter).post(f"/api/v1/communities/{place.cid}/reports", json=payload)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


@pytest.mark.parametrize("who, status", [("visitor", 401), ("pending", 403), ("stranger", 403)])
def test_only_verified_residents_may_report(client_for, make_user, place, who, status):
    user = {"visitor": None, "pending": place.pending, "stranger": make_user()}[who]
    response = client_for(user).post(
        f"/api/v1/communities/{place.cid}/reports",
        json={"category": "rubbish", "description": "垃圾堆积", "location_text": "北门"},
    )
    assert response.status_code == status


def test_a_community_can_narrow_its_categories(app, client_for, place):
    from backend.communities.models import Community

    with app.app_context():
        db.session.get(Community, place.cid).settings = {"report_categories": ["rubbish", "noise"]}
        db.session.commit()
    keys = [c["key"] for c in client_for().get(f"/api/v1/communities/{place.cid}/report-categories").json["items"]]
    assert keys == ["rubbish", "noise"]
    response = client_for(place.reporter).post(
        f"/api/v1/communities/{place.cid}/reports",
        json={"category": "street_lights", "description": "路灯不亮", "location_text": "北门"},
    )
    assert response.status_code == 422


def test_photos_come_with_the_report(client_for, place, new_report):
    from tests.uploads.test_uploads import jpeg_bytes, post_file

    upload = post_file(client_for(place.reporter), jpeg_bytes()).json
    report = new_report(photo_ids=[upload["id"]])
    assert [p["id"] for p in report["photos"]] == [upload["id"]]
    assert client_for().get(upload["url"]).status_code == 200  # public now that it illustrates a report
    # the same photo cannot illustrate a second report
    response = client_for(place.reporter).post(
        f"/api/v1/communities/{place.cid}/reports",
        json={"category": "rubbish", "description": "x", "location_text": "y", "photo_ids": [upload["id"]]},
    )
    assert response.status_code == 422 and response.json["code"] == "upload.upload_not_attachable"


# --- anonymity --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "viewer, sees_name",
    [
        ("visitor", False),
        ("neighbour", False),
        ("other", False),
        ("reporter", True),
        ("worker", True),
        ("committee", True),
    ],
)
def test_the_reporter_is_anonymous_except_to_themself_the_assignee_and_the_committee(
    client_for, place, new_report, viewer, sees_name
):
    report = new_report()
    client = client_for(getattr(place, viewer) if viewer != "visitor" else None)
    headers = {"Accept-Language": "zh-CN"}
    detail = client.get(f"/api/v1/reports/{report['id']}", headers=headers).json
    listed = client.get(f"/api/v1/communities/{place.cid}/reports", headers=headers).json["items"][0]
    for shown in (detail, listed):
        assert shown["reporter_label"] == "第1网格的居民"
        if sees_name:
            assert shown["reporter"]["display_name"] == "张阿姨"
        else:
            assert shown["reporter"] is None
            assert "张阿姨" not in str(shown)


def test_the_anonymous_label_speaks_english_too(client_for, new_report):
    report = new_report()
    shown = client_for().get(f"/api/v1/reports/{report['id']}", headers={"Accept-Language": "en"}).json
    assert shown["reporter_label"] == "A resident of grid 1"
    assert shown["category_label"] == "Street lights"


# --- duplicates and me too ---------------------------------------------------------------------------


def test_nearby_open_reports_of_the_same_category_are_hinted(app, client_for, place, new_report):
    near = new_report()
    new_report(lat=IN_WEST[0] + 0.0023, lng=IN_WEST[1])  # ~250 m north: too far (measured to rounded points)
    new_report(category="rubbish")  # same place, other category
    url = f"/api/v1/communities/{place.cid}/reports/nearby"
    found = (
        client_for(place.neighbour)
        .get(url, query_string={"category": "street_lights", "lat": IN_WEST[0] + 0.0002, "lng": IN_WEST[1]})
        .json["items"]
    )  # ~22 m
    assert [r["id"] for r in found] == [near["id"]]
    with app.app_context():
        db.session.get(Report, near["id"]).status = "rejected"
        db.session.commit()
    assert (
        client_for()
        .get(url, query_string={"category": "street_lights", "lat": IN_WEST[0], "lng": IN_WEST[1]})
        .json["items"]
        == []
    )


def test_me_too_counts_once_per_neighbour_and_they_follow(app, client_for, place, new_report, act):
    report = new_report()
    url = f"/api/v1/reports/{report['id']}/me-too"
    first = client_for(place.neighbour).post(url)
    assert first.status_code == 200 and first.json["me_too_count"] == 1 and first.json["my_me_too"] is True
    again = client_for(place.neighbour).post(url)
    assert again.status_code == 409 and again.json["code"] == "report.already_me_too"
    assert client_for(place.reporter).post(url).json["code"] == "report.own_report"
    assert client_for(place.other).post(url).json["me_too_count"] == 2
    act(place.worker, report["id"], "accept")
    assert notified(app, "report_status_changed") == sorted([place.reporter.id, place.neighbour.id, place.other.id])


def test_two_me_toos_at_once_count_once(app, client_for, place, new_report):
    import threading

    report = new_report()
    barrier = threading.Barrier(2)
    codes = []

    def press():
        client = client_for(place.neighbour)
        barrier.wait()
        codes.append(client.post(f"/api/v1/reports/{report['id']}/me-too").status_code)

    threads = [threading.Thread(target=press) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(codes) == [200, 409]
    assert client_for().get(f"/api/v1/reports/{report['id']}").json["me_too_count"] == 1


# --- the board's filters -------------------------------------------------------------------------------


def test_board_filters_and_my_reports(client_for, place, new_report, act):
    lamp = new_report()
    rubbish = new_report(category="rubbish", lat=IN_EAST[0], lng=IN_EAST[1])
    mine_by_other = new_report(by=place.other, category="noise", description="夜间施工噪音")
    act(place.worker, lamp["id"], "accept")
    board = f"/api/v1/communities/{place.cid}/reports"
    ids = lambda client, **q: [r["id"] for r in client.get(board, query_string=q).json["items"]]  # noqa: E731
    visitor = client_for()
    assert ids(visitor) == [mine_by_other["id"], rubbish["id"], lamp["id"]]
    assert ids(visitor, status="accepted") == [lamp["id"]]
    assert ids(visitor, category="rubbish") == [rubbish["id"]]
    assert ids(visitor, grid_id=place.grid2) == [rubbish["id"]]
    assert ids(client_for(place.other), mine="true") == [mine_by_other["id"]]
    assert visitor.get(board, query_string={"mine": "true"}).status_code == 401
    assert ids(visitor, limit=2) == [mine_by_other["id"], rubbish["id"]]
    cursor = visitor.get(board, query_string={"limit": 2}).json["next_cursor"]
    assert ids(visitor, limit=2, cursor=cursor) == [lamp["id"]]


def test_neighbours_comment_on_a_report_and_the_reporter_is_told(app, client_for, place, new_report):
    report = new_report()
    url = f"/api/v1/reports/{report['id']}/comments"
    posted = client_for(place.neighbour).post(url, json={"body": "我家楼下那盏也不亮"})
    assert posted.status_code == 201, posted.json
    assert client_for().get(url).json["items"][0]["body"] == "我家楼下那盏也不亮"
