"""The notifications API (API.md "Notifications"): inbox, read, VAPID key, subscriptions, preferences, follows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.notifications.models import Follow, PushSubscription


def test_inbox_lists_newest_first_in_the_readers_language_with_unread_count(client_for, make_user, send):
    reader = make_user()
    send([reader], "poll_opened", {"poll_id": 1, "poll_title": "加装电梯"})
    send([reader], "report_status_changed", {"report_id": 2, "report_title": "路灯", "status": "resolved"})
    client = client_for(reader)

    client.patch("/api/v1/me", json={"locale": "en"})
    page = client.get("/api/v1/notifications").json
    assert page["unread_count"] == 2 and page["next_cursor"] is None
    first = page["items"][0]
    assert first["kind"] == "report_status_changed" and first["title"] == "Your report has moved"
    assert first["body"] == "“路灯”: resolved" and first["url"] == "/reports/2" and first["is_read"] is False
    client.patch("/api/v1/me", json={"locale": "zh-CN"})
    zh = client.get("/api/v1/notifications").json
    assert zh["items"][1]["title"] == "新投票：加装电梯"


def test_inbox_pages_with_a_cursor(client_for, make_user, send):
    reader = make_user()
    for n in range(5):
        send([reader], "aid_thanked", {"aid_id": n + 1, "aid_title": f"#{n}"})
    client = client_for(reader)
    first = client.get("/api/v1/notifications?limit=3").json
    second = client.get(f"/api/v1/notifications?limit=3&cursor={first['next_cursor']}").json
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(ids) == 5 == len(set(ids)) and ids == sorted(ids, reverse=True)
    assert second["next_cursor"] is None


def test_mark_some_then_all_read_only_touches_my_own(client_for, make_user, send):
    reader, other = make_user(), make_user()
    mine = send([reader], "aid_thanked", {"aid_id": 1}) + send([reader], "aid_thanked", {"aid_id": 2})
    theirs = send([other], "aid_thanked", {"aid_id": 3})
    client = client_for(reader)
    result = client.post("/api/v1/notifications/read", json={"ids": [mine[0], theirs[0]]}).json
    assert result == {"updated": 1, "unread_count": 1}
    assert client.post("/api/v1/notifications/read", json={"all": True}).json == {"updated": 1, "unread_count": 0}
    assert client_for(other).get("/api/v1/notifications").json["unread_count"] == 1
    assert client.get("/api/v1/notifications?unread=true").json["items"] == []


def test_mark_read_needs_ids_or_all(client_for, make_user):
    response = client_for(make_user()).post("/api/v1/notifications/read", json={})
    assert response.status_code == 422


def test_vapid_public_key_is_a_base64url_uncompressed_point(client):
    from backend.notifications.vapid import b64url_decode

    key = client.get("/api/v1/push/vapid-public-key").json["key"]
    raw = b64url_decode(key)
    assert len(raw) == 65 and raw[0] == 4 and "=" not in key
    assert client.get("/api/v1/push/vapid-public-key").json["key"] == key  # kept, not regenerated


def test_subscribe_then_resubscribe_updates_the_same_device(app, client_for, make_user, push_service):
    owner, next_owner = make_user(), make_user()
    device = push_service.new_subscriber()
    body = device.subscription_json()
    first = client_for(owner).post("/api/v1/push/subscriptions", json=body)
    assert first.status_code == 201, first.json
    again = client_for(next_owner).post("/api/v1/push/subscriptions", json=body)
    assert again.status_code == 201 and again.json["id"] == first.json["id"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1
        assert db.session.scalar(select(PushSubscription.user_id)) == next_owner.id


def test_one_person_many_devices_and_delete_one(app, client_for, make_user, push_service):
    client = client_for(make_user())
    phone, laptop = push_service.new_subscriber(), push_service.new_subscriber()
    for device in (phone, laptop):
        assert client.post("/api/v1/push/subscriptions", json=device.subscription_json()).status_code == 201
    assert client.delete("/api/v1/push/subscriptions", json={"endpoint": phone.endpoint}).status_code == 204
    assert client.delete("/api/v1/push/subscriptions", json={"endpoint": phone.endpoint}).status_code == 404
    with app.app_context():
        assert list(db.session.scalars(select(PushSubscription.endpoint))) == [laptop.endpoint]


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.net/x",
        "https://10.0.0.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[fd00::1]/x",
        "https://[::ffff:192.168.0.1]/x",
        "https://100.64.1.1/x",
        "https://[fe80::1]/x",
        "https://[64:ff9b::a9fe:a9fe]/x",
        "http://10.0.0.1:8080/x",
        "https://user:pw@push.example.net/x",
    ],
)
def test_unsafe_endpoint_is_refused_with_422(client_for, make_user, push_service, endpoint):
    body = push_service.new_subscriber().subscription_json() | {"endpoint": endpoint}
    response = client_for(make_user()).post("/api/v1/push/subscriptions", json=body)
    assert response.status_code == 422
    assert response.json["code"] == "unsafe_push_endpoint"
    assert "endpoint" in response.json["errors"]


def test_loopback_endpoint_needs_the_loopback_setting(app, client_for, make_user, push_service):
    body = push_service.new_subscriber().subscription_json()
    app.config["PUSH_ALLOW_LOOPBACK"] = False
    try:
        response = client_for(make_user()).post("/api/v1/push/subscriptions", json=body)
    finally:
        app.config["PUSH_ALLOW_LOOPBACK"] = True
    assert response.status_code == 422 and response.json["code"] == "unsafe_push_endpoint"


@pytest.mark.parametrize(
    "keys",
    [
        {"p256dh": "bm90LWEta2V5", "auth": "BTBZMqHH6r4Tts7J_aSIgg"},
        {"p256dh": "B" + "A" * 86, "auth": "BTBZMqHH6r4Tts7J_aSIgg"},
        {"p256dh": None, "auth": "x"},
    ],
)
def test_bad_subscription_keys_are_refused(client_for, make_user, push_service, keys):
    body = push_service.new_subscriber().subscription_json() | {"keys": keys}
    assert client_for(make_user()).post("/api/v1/push/subscriptions", json=body).status_code == 422


def test_preferences_show_defaults_and_save_changes(client_for, make_user):
    client = client_for(make_user())
    prefs = client.get("/api/v1/me/notification-preferences", headers={"Accept-Language": "en"}).json
    by_kind = {k["kind"]: k for k in prefs["kinds"]}
    assert by_kind["report_status_changed"]["push"] is True  # about me: pushed
    assert by_kind["notice_published"]["push"] is False and by_kind["notice_published"]["inbox"] is True
    assert prefs["digest"] == "off" and prefs["urgent_always_pushed"] is True
    saved = client.put(
        "/api/v1/me/notification-preferences",
        json={
            "kinds": [{"kind": "notice_published", "push": True}, {"kind": "aid_thanked", "inbox": False}],
            "digest": "weekly",
        },
    ).json
    by_kind = {k["kind"]: k for k in saved["kinds"]}
    assert by_kind["notice_published"]["push"] is True and by_kind["aid_thanked"]["inbox"] is False
    assert by_kind["aid_thanked"]["push"] is True and saved["digest"] == "weekly"


@pytest.mark.parametrize(
    "body",
    [
        {"kinds": [{"kind": "nope", "push": True}]},
        {"digest": "hourly"},
        {"kinds": [{"kind": "aid_thanked", "push": True, "extra": 1}]},
    ],
)
def test_bad_preferences_are_refused(client_for, make_user, body):
    assert client_for(make_user()).put("/api/v1/me/notification-preferences", json=body).status_code == 422


def test_quiet_hours_come_from_the_profile(client_for, make_user):
    client = client_for(make_user())
    assert client.patch("/api/v1/me", json={"quiet_hours": {"start": "22:00", "end": "07:00"}}).status_code == 200
    assert client.get("/api/v1/me/notification-preferences").json["quiet_hours"] == {"start": "22:00", "end": "07:00"}


def test_follow_and_unfollow(app, client_for, make_community, make_member):
    community = make_community()
    user = make_member(community)
    client = client_for(user)
    category = client.get(f"/api/v1/communities/{community.id}/project-categories").json["items"][0]["key"]
    project = client.post(
        f"/api/v1/communities/{community.id}/projects",
        json={"title": "楼道加装扶手", "category": category, "submit": True},
    ).json
    target = {"target_type": "project", "target_id": project["id"]}
    assert client.post("/api/v1/follows", json=target).json["following"] is True
    assert client.post("/api/v1/follows", json=target).status_code == 200  # idempotent
    assert client.get(f"/api/v1/follows?target_type=project&target_id={project['id']}").json["following"] is True
    with app.app_context():
        from backend.notifications.services import follower_ids

        assert user.id in follower_ids("project", project["id"])  # the author follows on creating it too
    assert client.delete("/api/v1/follows", json=target).json["following"] is False
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Follow).where(Follow.user_id == user.id)) == 0
    assert client.post("/api/v1/follows", json={"target_type": "user", "target_id": 1}).status_code == 422


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "/api/v1/notifications", None),
        ("post", "/api/v1/notifications/read", {"all": True}),
        (
            "post",
            "/api/v1/push/subscriptions",
            {"endpoint": "https://x.example/1", "keys": {"p256dh": "a", "auth": "b"}},
        ),
        ("delete", "/api/v1/push/subscriptions", {"endpoint": "https://x.example/1"}),
        ("get", "/api/v1/me/notification-preferences", None),
        ("put", "/api/v1/me/notification-preferences", {}),
        ("post", "/api/v1/follows", {"target_type": "poll", "target_id": 1}),
    ],
)
def test_signed_out_visitors_get_401(client, method, path, body):
    response = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
    assert response.status_code == 401


def test_an_item_one_may_not_see_cannot_be_followed(client_for, make_user):
    """A follow would push the item's news: following an unknown or invisible item is 404."""
    client = client_for(make_user())
    assert client.post("/api/v1/follows", json={"target_type": "aid", "target_id": 12}).status_code == 404
