"""Flags, auto-hide, committee actions, suspension, appeals, audit log, word filter, transparency.

Profiles ("member" targets) are always moderatable; content types are registered by their domains, and
the suspension test walks every registered write route.
"""

import pytest
from sqlalchemy import delete, update

from backend.audit.models import AuditEntry, AuditLogAppendOnly
from backend.communities.models import Membership
from backend.extensions import db


def membership_id(app, user) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Membership.id).filter_by(user_id=user.id))


@pytest.fixture
def place(app, make_community, make_member):
    community = make_community()
    return {
        "community": community,
        "author": make_member(community),
        "committee": make_member(community, "committee"),
        "second_committee": make_member(community, "committee"),
        "flaggers": [make_member(community) for _ in range(3)],
    }


def flag_member(client, app, user, reason="offensive", text=""):
    return client.post(
        "/api/v1/flags",
        json={"target_type": "member", "target_id": membership_id(app, user), "reason": reason, "text": text},
    )


def test_flag_once_per_person_and_never_your_own(app, client_for, place):
    flagger = client_for(place["flaggers"][0])
    assert flag_member(flagger, app, place["author"]).status_code == 201
    again = flag_member(flagger, app, place["author"])
    assert again.status_code == 409 and again.json["code"] == "moderation.already_flagged"
    own = flag_member(client_for(place["author"]), app, place["author"])
    assert own.status_code == 409 and own.json["code"] == "moderation.cannot_flag_own"


def test_flag_needs_membership_of_that_community(app, client_for, make_user, place):
    assert flag_member(client_for(), app, place["author"]).status_code == 401
    assert flag_member(client_for(make_user()), app, place["author"]).status_code == 404  # a profile they cannot see


def test_flag_reason_other_needs_text_and_unknown_type_is_refused(app, client_for, place):
    flagger = client_for(place["flaggers"][0])
    assert flag_member(flagger, app, place["author"], reason="other").status_code == 422
    unknown = flagger.post("/api/v1/flags", json={"target_type": "spaceship", "target_id": 1, "reason": "spam"})
    assert unknown.status_code == 422 and "target_type" in unknown.json["errors"]


def test_queue_orders_by_flags_and_shows_reasons_to_committee_only(app, client_for, place, make_member):
    other = make_member(place["community"])
    for flagger in place["flaggers"][:2]:
        flag_member(client_for(flagger), app, place["author"], reason="spam")
    flag_member(client_for(place["flaggers"][2]), app, other, reason="other", text="骂人")
    committee = client_for(place["committee"])
    items = committee.get(f"/api/v1/communities/{place['community'].id}/moderation/queue").json["items"]
    assert [i["flag_count"] for i in items] == [2, 1]
    assert items[0]["reasons"] == {"spam": 2}
    assert items[1]["flag_texts"] == ["骂人"]
    assert (
        client_for(place["flaggers"][0])
        .get(f"/api/v1/communities/{place['community'].id}/moderation/queue")
        .status_code
        == 403
    )


def test_resident_cannot_moderate_and_committee_cannot_moderate_another_community(
    app, client_for, place, make_community, make_member
):
    body = {
        "target_type": "member",
        "target_id": membership_id(app, place["author"]),
        "action": "warn",
        "reason": "请文明发言",
    }
    assert client_for(place["flaggers"][0]).post("/api/v1/moderation/actions", json=body).status_code == 403
    elsewhere = make_member(make_community(), "committee")
    assert client_for(elsewhere).post("/api/v1/moderation/actions", json=body).status_code == 403
    assert client_for(place["committee"]).post("/api/v1/moderation/actions", json=body).status_code == 201


def test_action_needs_a_reason_and_profiles_cannot_be_hidden(app, client_for, place):
    committee = client_for(place["committee"])
    target = {"target_type": "member", "target_id": membership_id(app, place["author"])}
    assert (
        committee.post("/api/v1/moderation/actions", json={**target, "action": "warn", "reason": ""}).status_code == 422
    )
    hide = committee.post("/api/v1/moderation/actions", json={**target, "action": "hide", "reason": "x"})
    assert hide.status_code == 409 and hide.json["code"] == "moderation.action_not_applicable"
    no_days = committee.post("/api/v1/moderation/actions", json={**target, "action": "suspend", "reason": "x"})
    assert no_days.status_code == 422


def test_suspension_blocks_writes_and_is_explained_to_the_member(app, client_for, place):
    committee = client_for(place["committee"])
    community_id = place["community"].id
    response = committee.post(
        "/api/v1/moderation/actions",
        json={
            "target_type": "member",
            "target_id": membership_id(app, place["author"]),
            "action": "suspend",
            "reason": "多次发布广告",
            "days": 7,
        },
    )
    assert response.status_code == 201
    author = client_for(place["author"])
    refused = author.post(f"/api/v1/communities/{community_id}/invites")
    assert refused.status_code == 403 and refused.json["reason"] == "suspended"
    mine = author.get(f"/api/v1/communities/{community_id}/moderation/mine").json
    assert mine[0]["action"] == "suspend" and mine[0]["reason"] == "多次发布广告" and mine[0]["suspended_until"]
    assert author.get(f"/api/v1/communities/{community_id}").status_code == 200  # reading still works
    lifted = committee.post(
        "/api/v1/moderation/actions",
        json={
            "target_type": "member",
            "target_id": membership_id(app, place["author"]),
            "action": "lift_suspension",
            "reason": "申诉后解除",
        },
    )
    assert lifted.status_code == 201
    assert author.post(f"/api/v1/communities/{community_id}/invites").status_code == 201


def test_appeal_once_decided_by_another_member_and_reversal_lifts_suspension(app, client_for, place):
    community_id = place["community"].id
    acting, other = client_for(place["committee"]), client_for(place["second_committee"])
    action = acting.post(
        "/api/v1/moderation/actions",
        json={
            "target_type": "member",
            "target_id": membership_id(app, place["author"]),
            "action": "suspend",
            "reason": "刷屏",
            "days": 3,
        },
    ).json
    author = client_for(place["author"])
    stranger = client_for(place["flaggers"][0]).post("/api/v1/appeals", json={"action_id": action["id"], "text": "?"})
    assert stranger.status_code == 403
    appeal = author.post("/api/v1/appeals", json={"action_id": action["id"], "text": "我没有刷屏"})
    assert appeal.status_code == 201
    twice = author.post("/api/v1/appeals", json={"action_id": action["id"], "text": "再申诉"})
    assert twice.status_code == 409 and twice.json["code"] == "moderation.already_appealed"
    own = acting.post(f"/api/v1/appeals/{appeal.json['id']}/decision", json={"decision": "uphold", "reason": "x"})
    assert own.status_code == 409 and own.json["code"] == "moderation.own_action"
    decided = other.post(
        f"/api/v1/appeals/{appeal.json['id']}/decision", json={"decision": "reverse", "reason": "证据不足"}
    )
    assert decided.status_code == 200 and decided.json["status"] == "reversed"
    assert author.post(f"/api/v1/communities/{community_id}/invites").status_code == 201
    again = other.post(f"/api/v1/appeals/{appeal.json['id']}/decision", json={"decision": "uphold", "reason": "x"})
    assert again.status_code == 409 and again.json["code"] == "appeal.invalid_transition"
    pending = other.get(f"/api/v1/communities/{community_id}/appeals?status=reversed").json["items"]
    assert [a["id"] for a in pending] == [appeal.json["id"]]


def test_audit_log_records_actions_and_is_append_only(app, client_for, place):
    committee = client_for(place["committee"])
    committee.post(
        "/api/v1/moderation/actions",
        json={
            "target_type": "member",
            "target_id": membership_id(app, place["author"]),
            "action": "warn",
            "reason": "请注意用语",
        },
    )
    log = committee.get(f"/api/v1/communities/{place['community'].id}/audit-log?action=moderation").json["items"]
    assert log[0]["action"] == "moderation.warn" and log[0]["reason"] == "请注意用语"
    assert log[0]["actor"]["id"] == place["committee"].id
    assert client_for(place["author"]).get(f"/api/v1/communities/{place['community'].id}/audit-log").status_code == 403
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry))
        entry.reason = "rewritten"
        with pytest.raises(AuditLogAppendOnly):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(AuditLogAppendOnly):
            db.session.execute(delete(AuditEntry))
        with pytest.raises(AuditLogAppendOnly):
            db.session.execute(update(AuditEntry).values(reason="x"))
        db.session.rollback()


def test_audit_log_rejects_raw_sql_changes_on_every_database(app, client_for, place):
    """PostgreSQL's trigger since 0007, SQLite's triggers since 0014_trust (issue 15)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    client_for(place["committee"]).post(
        "/api/v1/moderation/actions",
        json={
            "target_type": "member",
            "target_id": membership_id(app, place["author"]),
            "action": "warn",
            "reason": "x",
        },
    )
    with app.app_context(), db.engine.connect() as connection, pytest.raises(DBAPIError):
        connection.execute(text("UPDATE audit_entries SET reason = 'gone'"))


def test_settings_threshold_and_word_filter_are_audited(app, client_for, place):
    committee = client_for(place["committee"])
    path = f"/api/v1/communities/{place['community'].id}/moderation/settings"
    assert committee.get(path).json == {"flag_threshold": 3, "word_filter": []}
    assert committee.put(path, json={"flag_threshold": 2, "word_filter": ["代开发票"]}).status_code == 200
    assert committee.get(path).json == {"flag_threshold": 2, "word_filter": ["代开发票"]}
    assert client_for(place["author"]).put(path, json={"flag_threshold": 50}).status_code == 403
    assert committee.put(path, json={"flag_threshold": 0}).status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(AuditEntry.action).filter_by(action="moderation.settings"))


def test_word_filter_matches_case_insensitively(app, place):
    from backend.moderation.services import matches_word_filter

    with app.app_context():
        from backend.communities.models import Community

        db.session.get(Community, place["community"].id).settings = {"word_filter": ["Spam链接"]}
        db.session.commit()
        assert matches_word_filter(place["community"].id, "点这个 SPAM链接 领奖")
        assert not matches_word_filter(place["community"].id, "周六一起打扫楼道")


def test_transparency_counts_by_month_without_content(app, client_for, client, place):
    committee = client_for(place["committee"])
    target = {"target_type": "member", "target_id": membership_id(app, place["author"])}
    committee.post("/api/v1/moderation/actions", json={**target, "action": "warn", "reason": "秘密理由"})
    committee.post("/api/v1/moderation/actions", json={**target, "action": "warn", "reason": "另一个"})
    response = client.get(f"/api/v1/communities/{place['community'].id}/moderation/transparency")
    assert response.status_code == 200
    months = response.json
    assert months[0]["counts"] == {"warn": 2}
    assert "秘密" not in response.get_data(as_text=True)
