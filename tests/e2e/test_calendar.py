"""The calendar and an activity's place in the browser, under the real CSP: a visitor sees the activity's pin
on its page and gets its shifts as an iCalendar file from 'add to calendar'; an organiser places a new
activity on the map and residents find it there; the community page offers the subscription."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar

from .helpers import open_app, sign_in, use_chinese_without_care_mode
from .test_phone_defects import CSP_WATCH, call

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(new_context, new_page):
    """A phone under the app's real CSP, without the service worker."""
    strict = new_page(new_context(bypass_csp=False, service_workers="block"))
    strict.add_init_script(CSP_WATCH)
    return strict


def test_a_visitor_sees_the_activitys_pin_and_adds_it_to_the_calendar(page):
    open_app(page, "/help/activities/1")  # the demo's 社区清洁日, placed at the central garden
    page.wait_for_selector("#activity-position-map .map-pin--place", state="attached", timeout=15_000)
    link = page.locator("a.calendar-add")
    assert link.text_content().strip() == "添加到日历"
    with page.expect_download() as download:
        link.click()
    body = Path(download.value.path()).read_bytes()
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 2 and {str(e["SUMMARY"]) for e in events} == {"社区清洁日"}
    assert (events[0]["GEO"].latitude, events[0]["GEO"].longitude) == pytest.approx((31.2313, 121.4745))
    assert page.evaluate("window.__csp") == []


def test_an_organiser_places_a_new_activity_on_the_map(page):
    sign_in(page, "org@demo.linli")
    use_chinese_without_care_mode(page)
    organisation = call(page, "GET", "/api/v1/me/organisations")["body"][0]["id"]
    open_app(page, f"/help/organisations/{organisation}/activities/new")
    page.fill("input[name=title]", "花园除草")
    page.fill("input[name=location]", "中心花园东侧")
    page.click("#activity-place-on-map")
    map_box = page.locator("#rp-pin-map")
    map_box.wait_for(state="visible", timeout=15_000)
    page.wait_for_selector("#rp-pin-map .map-grid-label", state="attached", timeout=20_000)  # grids drawn
    map_box.scroll_into_view_if_needed()
    box = map_box.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.45)
    page.wait_for_selector("#rp-pin-map[data-pin-shown]", state="attached")
    with page.expect_response(lambda r: r.url.endswith("/activities") and r.request.method == "POST") as created:
        page.click("form button[type=submit]")
    activity = created.value.json()
    assert created.value.status == 201 and activity["lat"] is not None and activity["lng"] is not None
    page.wait_for_selector("#activity-position-map .map-pin--place", state="attached", timeout=15_000)
    on_map = call(page, "GET", "/api/v1/communities/1/map?layers=activities")["body"]["activities"]
    assert any(a["id"] == activity["id"] and a["lat"] == activity["lat"] for a in on_map)
    assert page.evaluate("window.__csp") == []


def test_the_community_page_offers_the_subscription(page, live_server):
    open_app(page, "/communities/1")
    page.click(".calendar-subscribe")
    sheet = page.locator("dialog.sheet")
    assert "订阅社区日历" in sheet.text_content()
    assert sheet.locator("#calendar-open-app").get_attribute("href") == (
        live_server.replace("http:", "webcal:") + "/api/v1/communities/1/calendar.ics"
    )
    assert page.evaluate("window.__csp") == []
