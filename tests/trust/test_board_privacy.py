"""Privacy of the public board (issue 15): where a report was made, photos in shared caches, names that hide
or imitate, each as a question."""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image

from backend.communities.models import Community
from backend.extensions import db

HOME = (31.230416, 121.473701)  # a flat in Shanghai: where a noise complaint was made from


def metres(a, b) -> float:
    dlat = (a[0] - b[0]) * 111_320
    dlng = (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0]))
    return math.hypot(dlat, dlng)


@pytest.fixture
def street(app, make_community, make_member):
    community = make_community()
    return {
        "cid": community.id,
        "community": community,
        "reporter": make_member(community, display_name="报告人"),
        "neighbour": make_member(community),
        "committee": make_member(community, "committee", display_name="李主任"),
        "worker": make_member(community, "grid_worker", grid=0),
    }


def report_at(client, street, point, category="noise", **extra):
    response = client.post(
        f"/api/v1/communities/{street['cid']}/reports",
        json={"category": category, "description": "楼上每晚噪音", "lat": point[0], "lng": point[1], **extra},
    )
    assert response.status_code == 201, response.json
    return response.json


def seen_point(client, report_id):
    body = client.get(f"/api/v1/reports/{report_id}").json
    return body["position_precision"], (body["lat"], body["lng"])


def test_a_noise_complaint_does_not_reveal_the_home(app, client_for, street):
    """Can a neighbour or a visitor read the exact point a noise complaint was made from?"""
    report = report_at(client_for(street["reporter"]), street, HOME, grid_id=street["community"].grid_ids[0])
    for viewer in (client_for(street["neighbour"]), client_for()):
        precision, point = seen_point(viewer, report["id"])
        assert precision == "rounded" and point != HOME
        assert metres(point, HOME) < 100  # still useful: within the ~100 m cell
        listed = viewer.get(f"/api/v1/communities/{street['cid']}/reports").json["items"]
        assert [(r["lat"], r["lng"]) for r in listed if r["id"] == report["id"]] == [point]
    for insider in (street["reporter"], street["committee"]):
        assert seen_point(client_for(insider), report["id"]) == ("exact", HOME)


def test_two_homes_in_one_cell_look_the_same(app, client_for, street):
    """Does the rounded point still tell two flats 20 m apart from each other? (It must not.)"""
    other_home = (HOME[0] + 0.00018, HOME[1])  # 20 m north
    first = report_at(client_for(street["reporter"]), street, HOME)
    second = report_at(client_for(street["neighbour"]), street, other_home, category="rubbish")
    viewer = client_for()
    assert seen_point(viewer, first["id"]) == seen_point(viewer, second["id"])


def test_the_community_may_show_the_grid_only(app, client_for, street):
    """With `report_position: grid`, does any point reach a neighbour?"""
    with app.app_context():
        community = db.session.get(Community, street["cid"])
        community.settings = {"report_position": "grid"}
        db.session.commit()
    report = report_at(client_for(street["reporter"]), street, HOME)
    assert seen_point(client_for(street["neighbour"]), report["id"]) == ("grid", (None, None))
    assert seen_point(client_for(street["committee"]), report["id"]) == ("exact", HOME)


def test_probing_the_nearby_search_does_not_find_the_exact_point(app, client_for, street):
    """Can a neighbour locate the home by asking "already reported near here?" from many points?"""
    shifted = (HOME[0] + 0.0002, HOME[1] + 0.0002)  # about 30 m away, same cell
    first = report_at(client_for(street["reporter"]), street, HOME, category="noise")
    second = report_at(client_for(street["reporter"]), street, shifted, category="rubbish")
    prober = client_for(street["neighbour"])

    def found_from(category, report_id) -> set:
        hits = set()
        for i in range(-6, 7):
            for j in range(-6, 7):
                probe = {"category": category, "lat": HOME[0] + i * 0.0002, "lng": HOME[1] + j * 0.0002}
                items = prober.get(f"/api/v1/communities/{street['cid']}/reports/nearby", query_string=probe).json
                if any(item["id"] == report_id for item in items["items"]):
                    hits.add((i, j))
        return hits

    # what the probes learn depends on the cell only: the same answers for both exact points
    assert found_from("noise", first["id"]) == found_from("rubbish", second["id"])


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_hidden_reports_photo_leaves_shared_caches_within_minutes(app, client_for, street):
    """Once a report is hidden, may a shared cache keep serving its photo for a year?"""
    reporter = client_for(street["reporter"])
    photo = reporter.post("/api/v1/uploads", data={"file": (io.BytesIO(png_bytes()), "p.png")}).json
    report = report_at(reporter, street, HOME, photo_ids=[photo["id"]])
    first = client_for().get(photo["url"])
    cache_control = first.headers["Cache-Control"]
    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert max_age <= 600 and "must-revalidate" in cache_control and "immutable" not in cache_control
    hide = client_for(street["committee"]).post(
        "/api/v1/moderation/actions",
        json={"target_type": "report", "target_id": report["id"], "action": "hide", "reason": "含住址"},
    )
    assert hide.status_code == 201
    revalidated = client_for().get(photo["url"], headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 404


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("李\u200b主任", "李主任"),  # zero-width space
        ("王\u202e芳", "王芳"),  # right-to-left override
        ("张\u2066三\u2069", "张三"),  # bidi isolates
        ("Amy\x07\x1b", "Amy"),  # control characters
        ("  Li    Ming  ", "Li Ming"),  # runs of spaces
        ("\ufeff赵六", "赵六"),  # byte-order mark
    ],
)
def test_invisible_characters_are_removed_from_names(client, typed, stored):
    """Can a display name carry zero-width, bidi-override or control characters to the neighbours' screens?"""
    response = client.post(
        "/api/v1/auth/register",
        json={
            "email": "n@example.test",
            "password": "correct-horse-battery",
            "display_name": typed,
            "privacy_consent": True,
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["display_name"] == stored


@pytest.mark.parametrize("typed", ["   ", "\u200b\u200b", "\u202e \u202c", "\u3000"])
def test_names_of_nothing_visible_are_refused(client, client_for, make_user, typed):
    """Can someone register, or rename themselves, with a name of only spaces or invisible characters?"""
    response = client.post(
        "/api/v1/auth/register",
        json={
            "email": "x@example.test",
            "password": "correct-horse-battery",
            "display_name": typed,
            "privacy_consent": True,
        },
    )
    assert response.status_code == 422 and "display_name" in response.json["errors"]
    renamed = client_for(make_user()).patch("/api/v1/me", json={"display_name": typed})
    assert renamed.status_code == 422 and "display_name" in renamed.json["errors"]


@pytest.mark.parametrize("imitation", ["李 主任", "李主任。", "李\u200b主任", "李主任(居委会)"])
def test_the_committee_is_warned_of_a_name_imitating_a_member(app, client_for, make_member, street, imitation):
    """Can a newcomer pass as committee member 李主任 without the committee being warned?"""
    impostor = make_member(street["community"], status="pending", display_name=imitation)
    members = client_for(street["committee"]).get(f"/api/v1/communities/{street['cid']}/members").json["items"]
    by_user = {m["user"]["id"]: m for m in members}
    assert by_user[impostor.id]["imitates"] == "李主任"
    assert by_user[street["neighbour"].id]["imitates"] is None
    assert by_user[street["committee"].id]["imitates"] is None


def test_latin_look_alikes_are_caught(app, client_for, make_member, make_community):
    """Does a Cyrillic 'а' in 'Wаng Fang' slip past the warning about committee member 'Wang Fang'?"""
    community = make_community()
    committee = make_member(community, "committee", display_name="Wang Fang")
    impostor = make_member(community, status="pending", display_name="W\u0430ng  fang")
    members = client_for(committee).get(f"/api/v1/communities/{community.id}/members").json["items"]
    assert {m["user"]["id"]: m["imitates"] for m in members}[impostor.id] == "Wang Fang"
