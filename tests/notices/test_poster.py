"""A notice as a poster (issue 18): the committee prints any notice with a QR code of its address in the app."""

from __future__ import annotations

import pytest


@pytest.fixture
def town(make_community, make_member):
    community, other = make_community("幸福里社区"), make_community()
    return {
        "community": community,
        "committee": make_member(community, "committee"),
        "grid_worker": make_member(community, "grid_worker"),
        "resident": make_member(community),
        "other_committee": make_member(other, "committee"),
    }


def publish(client_for, town, **body):
    payload = {"title": "停水通知", "body": "12月8日 9:00–15:00 管道检修停水，请提前储水。", **body}
    answer = client_for(town["committee"]).post(f"/api/v1/communities/{town['community'].id}/notices", json=payload)
    assert answer.status_code == 201, answer.json
    return answer.json


def test_the_committee_gets_the_notice_its_community_and_a_qr_code_of_its_address(client_for, town):
    notice = publish(client_for, town, urgent=True)
    answer = client_for(town["committee"]).get(f"/api/v1/notices/{notice['id']}/poster")
    assert answer.status_code == 200, answer.json
    poster = answer.json
    assert poster["community_name"] == "幸福里社区"
    assert poster["notice"] == {
        "id": notice["id"],
        "title": "停水通知",
        "body": "12月8日 9:00–15:00 管道检修停水，请提前储水。",
        "urgent": True,
        "publish_at": notice["publish_at"],
    }
    assert poster["url"] == f"http://localhost/notices/{notice['id']}"
    assert poster["qr_svg"].lstrip().startswith("<?xml") and "<svg" in poster["qr_svg"] and "<path" in poster["qr_svg"]
    assert "<script" not in poster["qr_svg"]


def test_the_qr_code_holds_the_address(client_for, town):
    """The SVG is the qrcode library's rendering of exactly the notice's URL (same modules as a fresh one)."""
    from backend.core.qr import qr_svg

    notice = publish(client_for, town)
    poster = client_for(town["committee"]).get(f"/api/v1/notices/{notice['id']}/poster").json
    assert poster["qr_svg"] == qr_svg(f"http://localhost/notices/{notice['id']}")
    assert poster["qr_svg"] != qr_svg(f"http://localhost/notices/{notice['id'] + 1}")


@pytest.mark.parametrize(
    "who, status", [("resident", 403), ("grid_worker", 403), ("other_committee", 403), (None, 401)]
)
def test_only_this_communitys_committee_prints_it(client_for, town, who, status):
    notice = publish(client_for, town)
    answer = client_for(town[who] if who else None).get(f"/api/v1/notices/{notice['id']}/poster")
    assert answer.status_code == status
    assert "qr_svg" not in (answer.json or {})


def test_an_unknown_notice_is_404_in_the_one_error_shape(client_for, town):
    answer = client_for(town["committee"]).get("/api/v1/notices/999999/poster")
    assert answer.status_code == 404 and answer.json["code"] == "not_found"
    assert client_for(town["committee"]).get("/api/v1/notices/abc/poster").status_code == 404


def test_a_notice_held_for_review_is_not_printed(client_for, make_community, make_member):
    community = make_community(settings={"word_filter": ["代开发票"]})
    committee = make_member(community, "committee")
    answer = client_for(committee).post(
        f"/api/v1/communities/{community.id}/notices", json={"title": "代开发票", "body": "广告"}
    )
    assert answer.status_code == 201
    refused = client_for(committee).get(f"/api/v1/notices/{answer.json['id']}/poster")
    assert (refused.status_code, refused.json["code"]) == (409, "notice.held_for_review")
    assert refused.headers["Content-Type"].startswith("application/problem+json")
