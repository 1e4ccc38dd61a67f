"""Push in the service worker (delivered through the DevTools protocol), the inbox and the push prompt."""

from __future__ import annotations

import json
import time

import pytest

from .helpers import open_app, sign_in, use_chinese_without_care_mode

pytestmark = pytest.mark.e2e

NOTIFICATIONS_JS = """() => navigator.serviceWorker.ready
  .then((r) => r.getNotifications())
  .then((ns) => ns.map((n) => ({title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data})))"""


def _notifications(page, until=lambda shown: len(shown) > 0, timeout: float = 10) -> list[dict]:
    """The notifications the worker shows, polled until `until` holds (they appear asynchronously)."""
    deadline = time.monotonic() + timeout
    shown = page.evaluate(NOTIFICATIONS_JS)
    while not until(shown) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        shown = page.evaluate(NOTIFICATIONS_JS)
    return shown


def _registration_id(page, cdp, origin: str, timeout: float = 10) -> str:
    """ServiceWorker.enable replays the registrations as events; take the one for our root scope."""
    found = {}

    def on_registration(event):
        for registration in event.get("registrations", []):
            if registration["scopeURL"] == origin + "/" and not registration.get("isDeleted"):
                found["id"] = registration["registrationId"]

    def on_version(event):
        for version in event.get("versions", []):
            if version.get("scriptURL", "").startswith(origin) and version.get("status") == "activated":
                found.setdefault("id", version["registrationId"])

    cdp.on("ServiceWorker.workerRegistrationUpdated", on_registration)
    cdp.on("ServiceWorker.workerVersionUpdated", on_version)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + timeout
    while "id" not in found and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # lets Playwright's sync API dispatch the CDP events
    assert "id" in found, "no service worker registration reported over CDP"
    return found["id"]


def _page_with_worker(page, context, live_server):
    context.grant_permissions(["notifications"], origin=live_server)
    sign_in(page, "resident@demo.linli")
    state = page.evaluate("navigator.serviceWorker.ready.then((r) => r.active && r.active.state)")
    assert state in ("activated", "activating")
    page.wait_for_function("navigator.serviceWorker.controller !== null || true")
    return context.new_cdp_session(page)


def test_a_push_shows_a_notification_and_a_click_opens_the_deep_link(page, context, live_server):
    """Does a delivered push become a system notification, and does tapping it open the report?"""
    cdp = _page_with_worker(page, context, live_server)
    registration_id = _registration_id(page, cdp, live_server)
    payload = {
        "title": "随手拍有新进展",
        "body": "“路灯不亮”：处理中",
        "url": "/reports/42",
        "tag": "rep-42",
        "badge_count": 3,
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server, "registrationId": registration_id, "data": json.dumps(payload, ensure_ascii=False)},
    )

    [shown] = _notifications(page)
    assert shown["title"] == payload["title"] and shown["body"] == payload["body"] and shown["tag"] == "rep-42"
    assert shown["data"] == {"url": "/reports/42"} and shown["icon"].endswith("/icons/icon-192.png")

    # A second update about the same report replaces the first (same tag).
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server, "registrationId": registration_id, "data": json.dumps({**payload, "body": "已解决"})},
    )
    assert [n["body"] for n in _notifications(page, lambda ns: ns and ns[0]["body"] == "已解决")] == ["已解决"]

    # Headless Chromium cannot click a system notification: run the worker's own click handler on the
    # shown notification (the test hook is Playwright's evaluate in the service worker, not app code).
    [worker] = [w for w in context.service_workers if w.url.startswith(live_server)]
    worker.evaluate("""() => self.registration.getNotifications().then((ns) =>
        handleNotificationClick({notification: ns[0]}))""")
    page.wait_for_url(f"{live_server}/reports/42")
    assert _notifications(page, lambda ns: ns == []) == []  # the click closed it


def test_a_payload_link_to_another_site_opens_the_inbox_instead(page, context, live_server):
    cdp = _page_with_worker(page, context, live_server)
    registration_id = _registration_id(page, cdp, live_server)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server,
            "registrationId": registration_id,
            "data": json.dumps({"title": "x", "url": "https://evil.example/"}),
        },
    )
    assert _notifications(page)[0]["data"] == {"url": "/notifications"}


REGISTER_SCREENS = """async () => {
  window.__notifications = await import('/js/screens/notifications.js');
}"""


def test_the_inbox_lists_demo_notifications_and_marks_all_read(page, live_server):
    """Does the inbox (routed by the shell) list the demo's notifications and mark them all read?"""
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    page.evaluate(REGISTER_SCREENS)
    page.evaluate("import('/js/router.js').then((r) => r.navigate('/notifications'))")
    page.wait_for_selector("#notif-list .notif-item")
    assert page.locator(".notif-item__title").all_inner_texts()
    # Other tests of the session may have put newer rows on top: look for the demo's one in the whole inbox.
    everything = page.evaluate("fetch('/api/v1/notifications?limit=100').then((r) => r.json())")["items"]
    assert any(item["title"].startswith("新投票：") for item in everything)  # the demo's history (home/demo.py)
    assert page.locator(".notif-item--unread").count() >= 1
    assert "未读" in page.inner_text("#notif-unread")
    page.click("#notif-read-all")
    page.wait_for_function("document.querySelectorAll('.notif-item--unread').length === 0")
    assert page.inner_text("#notif-unread") == "全部已读"

    page.evaluate("import('/js/router.js').then((r) => r.navigate('/me/notifications'))")
    page.click("#pref-details summary")  # each kind's switches are folded behind the presets
    page.wait_for_selector("[data-kind=notice_published] input[role=switch]")
    push_switch = page.locator("#pref-notice_published-push")
    assert push_switch.is_checked()  # the demo resident asked for notices by push
    with page.expect_response("**/api/v1/me/notification-preferences") as response:
        push_switch.click()
    assert response.value.status == 200
    assert page.input_value("#pref-digest") == "weekly"


def test_push_is_offered_after_a_first_action_not_on_first_load(page, context, live_server):
    """The prompt appears only when a screen calls maybeAskForPush (e.g. after a first report)."""
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/")
    assert page.locator("#push-ask").count() == 0
    page.evaluate(REGISTER_SCREENS)
    page.evaluate("() => { window.__asked = window.__notifications.maybeAskForPush('report'); }")
    page.wait_for_selector("#push-ask")
    assert "随手拍" in page.inner_text("dialog.sheet")
    page.get_by_role("button", name="以后再说").click()
    assert page.evaluate("window.__asked") is False
    # Asked once this week: calling again does not nag.
    assert page.evaluate("window.__notifications.maybeAskForPush('vote')") is False
    assert page.locator("#push-ask").count() == 0
