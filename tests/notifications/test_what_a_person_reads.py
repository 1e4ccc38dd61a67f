"""Notification texts as a person reads them (issue 16): links that land on the item's screen, no raw keys or
state words, times written as the app writes them, user content told apart; settings that list only the
kinds a person's roles receive; the demo inbox about real items."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend.notifications import catalogue

PWA_JS = Path(__file__).resolve().parents[2] / "pwa" / "js"

RAW = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a snake_case key on screen


@pytest.mark.parametrize(
    "kind, context, path",
    [
        ("aid_response", {"aid_id": 7, "aid_title": "帮忙取快递", "responder_name": "周师傅"}, "/help/aid/7"),
        ("aid_thanked", {"aid_id": 7, "title": "帮忙取快递"}, "/help/aid/7"),
        ("volunteer_promoted", {"activity_id": 3, "shift_id": 9, "title": "社区义诊"}, "/help/activities/3"),
        ("shift_reminder", {"activity_id": 3, "shift_id": 9, "activity_title": "社区义诊"}, "/help/activities/3"),
        ("volunteer_recruitment", {"activity_id": 3, "activity_title": "社区义诊"}, "/help/activities/3"),
        ("organisation_pending", {"organisation_id": 4, "name": "花园种植小组"}, "/help/organisations/4"),
        ("organisation_verified", {"organisation_id": 4, "name": "花园种植小组"}, "/help/organisations/4"),
        ("organisation_admin_added", {"organisation_id": 4, "name": "花园种植小组"}, "/help/organisations/4"),
        ("comment_posted", {"target_type": "report", "target_id": 5, "title": "路灯"}, "/reports/5"),
        ("comment_reply", {"target_type": "aid", "target_id": 6, "title": "取快递"}, "/help/aid/6"),
        ("comment_posted", {"target_type": "activity", "target_id": 2, "title": "义诊"}, "/help/activities/2"),
        ("comment_posted", {"target_type": "notice", "target_id": 8, "title": "停水"}, "/notices/8"),
        ("comment_posted", {"target_type": "project", "target_id": 1, "title": "花园"}, "/projects/1"),
        ("survey_opened", {"survey_id": 3, "survey_title": "社区服务需求调查"}, "/surveys/3"),
    ],
)
def test_each_kind_links_to_the_screen_of_its_item(kind, context, path):
    assert catalogue.deep_link(kind, context) == path


def test_no_kind_links_to_a_path_the_pwa_does_not_have():
    """Every kind's link is a route of the PWA: a literal path or a pattern (`/meetings/:id`) some screen module
    declares, so a notification never opens on "page not found"."""
    sources = "\n".join(path.read_text(encoding="utf-8") for path in PWA_JS.rglob("*.js"))
    for kind, spec in catalogue.KINDS.items():
        pattern = re.sub(r"\\\{\w+\\\}", ":[A-Za-z]+", re.escape(spec.url))
        assert re.search(f"['\"]{pattern}['\"]", sources), (kind, spec.url)


def test_a_report_is_named_by_its_words_never_by_a_category_key():
    text = catalogue.render("report_submitted", {"report_id": 1, "category": "noise", "status": "submitted"}, "zh-CN")
    assert "noise" not in text["title"] + text["body"]
    named = catalogue.render(
        "report_status_changed",
        {"report_id": 1, "category": "noise", "status": "accepted", "report_title": "晚上施工太吵"},
        "en",
    )
    assert named["body"] == "“晚上施工太吵”: accepted" and named["user_content"] == ["晚上施工太吵"]


@pytest.mark.parametrize(
    "state",
    [
        "draft",
        "submitted",
        "in_review",
        "ready",
        "voting",
        "approved",
        "rejected",
        "in_progress",
        "completed",
        "withdrawn",
        "some_new_state",
    ],
)
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_projects_state_is_never_shown_raw(state, locale):
    text = catalogue.render(
        "project_transition", {"project_id": 1, "project_title": "楼道照明", "state": state}, locale
    )
    assert text["body"] and not RAW.search(text["body"]), text
    if state == "some_new_state":  # a state without words: the fallback, not the raw word
        assert text["body"] in ("项目有了新进展。", "The project has moved on.")


def test_every_state_word_of_a_report_or_project_has_words_in_both_languages():
    from backend.projects.models import STATUSES as PROJECT_STATUSES
    from backend.reports.models import STATUSES as REPORT_STATUSES

    assert set(REPORT_STATUSES) <= set(catalogue.LABELS["status_label"])
    assert set(PROJECT_STATUSES) <= set(catalogue.LABELS["state_label"])


@pytest.mark.parametrize(
    "locale, expected", [("zh-CN", "社区义诊 · 12月7日 10:00"), ("en", "社区义诊 · Dec 7, 10:00 AM")]
)
def test_times_are_written_as_the_app_writes_them(locale, expected):
    this_year = datetime.now(UTC).year
    starts = datetime(this_year, 12, 7, 2, 0, tzinfo=UTC).isoformat()  # 10:00 in Shanghai
    text = catalogue.render(
        "shift_reminder",
        {"activity_id": 1, "activity_title": "社区义诊", "starts_at": starts},
        locale,
        timezone="Asia/Shanghai",
    )
    assert text["body"] == expected


def test_another_years_time_says_its_year():
    text = catalogue.render(
        "shift_reminder",
        {"activity_id": 1, "activity_title": "义诊", "starts_at": "2031-03-04T01:30:00+00:00"},
        "zh-CN",
        timezone="Asia/Shanghai",
    )
    assert text["body"] == "义诊 · 2031年3月4日 09:30"


def test_user_content_is_listed_apart_from_the_words_of_the_app():
    text = catalogue.render("aid_response", {"aid_id": 1, "aid_title": "帮忙取快递", "responder_name": "周师傅"}, "en")
    assert text["body"] == "周师傅 answered “帮忙取快递”."
    assert text["user_content"] == ["帮忙取快递", "周师傅"]
    assert catalogue.render("moderation_queue", {}, "zh-CN")["user_content"] == []


def test_the_inbox_sends_user_content_apart(app, client_for, make_community, make_member):
    from backend.notifications.services import notify

    community = make_community()
    resident = make_member(community)
    with app.app_context():
        notify([resident.id], "poll_opened", {"poll_id": 3, "poll_title": "小花园改造方案"}, community_id=community.id)
        from backend.extensions import db

        db.session.commit()
    item = client_for(resident).get("/api/v1/notifications").json["items"][0]
    assert item["title"] == "新投票：小花园改造方案" and item["user_content"] == ["小花园改造方案"]
    assert item["url"] == "/polls/3"


# ---------- preferences: the kinds a person's roles can receive ----------


def kinds_of(client_for, user):
    response = client_for(user).get("/api/v1/me/notification-preferences")
    assert response.status_code == 200
    return {k["kind"]: k for k in response.json["kinds"]}


def test_a_resident_is_offered_no_staff_kind_and_no_kind_twice(client_for, make_community, make_member):
    community = make_community()
    kinds = kinds_of(client_for, make_member(community))
    offered = {kind for kind, k in kinds.items() if k["applies"]}
    assert not offered & {
        "report_submitted",
        "report_assigned",
        "report_overdue",
        "moderation_queue",
        "appeal_submitted",
        "insights_warning",
        "organisation_pending",
        "report_escalated",
    }
    assert {"report_status_changed", "poll_opened", "notice_published", "aid_response"} <= offered
    labels = [k["label"] for kind, k in kinds.items() if k["applies"]]
    assert len(labels) == len(set(labels))


def test_staff_are_offered_their_kinds(client_for, make_community, make_member):
    community = make_community()
    worker = kinds_of(client_for, make_member(community, "grid_worker"))
    committee = kinds_of(client_for, make_member(community, "committee"))
    assert worker["report_assigned"]["applies"] and not worker["moderation_queue"]["applies"]
    assert committee["report_assigned"]["applies"] and committee["moderation_queue"]["applies"]
    assert committee["report_assigned"]["audience"] == "staff"


def test_someone_in_no_community_is_offered_only_member_kinds(client_for, make_user):
    kinds = kinds_of(client_for, make_user())
    assert all(k["audience"] == "member" for k in kinds.values() if k["applies"])
