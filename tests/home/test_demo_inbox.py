"""The demo inbox is about real items: "新投票：…" opens that very poll, a report's message says the state the
report is in, and every message's link opens an item that exists."""

from __future__ import annotations

import re

import pytest

from backend.extensions import db


@pytest.fixture
def demo(app):
    from backend import demo

    with app.app_context():
        demo.seed()
        db.session.commit()


def inbox(client_for, app, email):
    from sqlalchemy import select

    from backend.accounts.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
    client = client_for(user)
    return client, client.get("/api/v1/notifications?limit=100").json["items"]


@pytest.mark.parametrize("email", ["resident@demo.linli", "committee@demo.linli", "grid@demo.linli"])
def test_every_demo_message_opens_an_item_that_exists_and_says_its_title(client_for, app, demo, email):
    client, items = inbox(client_for, app, email)
    assert items
    for item in items:
        match = re.fullmatch(
            r"/(polls|reports|projects|notices|help/aid|help/activities|help/organisations)/(\d+)", item["url"]
        )
        if not match:
            continue
        api = {"help/aid": "aid", "help/activities": "activities", "help/organisations": "organisations"}.get(
            match[1], match[1]
        )
        found = client.get(f"/api/v1/{api}/{match[2]}")
        assert found.status_code == 200, (item, found.status_code)
        named = found.json.get("title") or found.json.get("description") or found.json.get("name")
        for words in item["user_content"]:
            if words.endswith("…"):
                words = words[:-1]
            assert words in (named or "") or words in str(found.json), (item["title"], item["body"], named)


def test_the_new_poll_message_opens_that_poll(client_for, app, demo):
    client, items = inbox(client_for, app, "resident@demo.linli")
    opened = [i for i in items if i["title"].startswith("新投票：")]
    assert opened
    for item in opened:
        poll = client.get("/api/v1" + item["url"]).json
        assert item["title"] == f"新投票：{poll['title']}"


def test_no_message_says_a_report_is_in_a_state_it_is_not_in(client_for, app, demo):
    labels = {
        "已提交": "submitted",
        "已受理": "accepted",
        "已分派": "assigned",
        "处理中": "in_progress",
        "已解决": "resolved",
        "已确认": "confirmed",
        "重新处理": "reopened",
        "已驳回": "rejected",
    }
    for email in ("resident@demo.linli", "grid@demo.linli"):
        client, items = inbox(client_for, app, email)
        for item in items:
            if item["title"] != "随手拍有新进展":
                continue
            report = client.get("/api/v1" + item["url"]).json
            been = {report["status"]} | {event["to_status"] for event in report["events"]}
            said = item["body"].rsplit("：", 1)[-1]
            assert labels[said] in been, (item, been)
