"""Aid and volunteering in the PWA, phone-sized, against the demo data."""

from __future__ import annotations

import re

import pytest

from .helpers import ready, sign_in
from .test_reworked_screens import sign_in_as_a_new_pending_resident

pytestmark = pytest.mark.e2e


def open_help(page, path):
    """Open an aid/volunteering screen through the app's own router (as a tap on a link does)."""
    page.evaluate(
        "async (path) => { const router = await import('/js/router.js'); await router.navigate(path); }", path
    )
    ready(page)


def test_a_resident_signs_up_for_a_shift_and_sees_confirmed(page):
    """On a phone: activities list → an activity with places left → sign up → "已确认"."""
    sign_in(page, "resident@demo.linli")
    open_help(page, "/help/activities")
    page.locator("#activity-list a", has_text="防诈骗宣传进楼道").click()
    page.wait_for_selector("#activity-detail .shift")
    shift = page.locator("#activity-detail .shift").first
    assert "剩余 8 / 8 个名额" in shift.inner_text()
    with page.expect_response(re.compile(r"/api/v1/shifts/\d+/signups$")) as response:
        shift.locator(".shift-signup").click()
    assert response.value.status == 201 and response.value.json()["status"] == "confirmed"
    page.wait_for_selector("#activity-detail .shift__status[data-status=confirmed]")
    assert "已确认" in page.locator("#activity-detail .shift").first.inner_text()
    assert "剩余 7 / 8 个名额" in page.locator("#activity-detail .shift").first.inner_text()


def test_a_full_shift_offers_the_waitlist_and_pending_residents_cannot_sign_up(page, new_context, new_page):
    """A full shift says how many wait and puts a verified resident in line; a pending one gets no button."""
    sign_in(page, "grid@demo.linli")
    open_help(page, "/help/activities")
    page.locator("#activity-list a", has_text="社区清洁日").click()
    full = page.locator("#activity-detail .shift").first
    full.wait_for()
    assert "已满 · 候补 2 人" in full.inner_text()
    full.get_by_role("button", name="加入候补").click()
    page.wait_for_selector("#activity-detail .shift__status[data-status=waitlisted]")
    assert "候补第 3 位" in page.locator("#activity-detail .shift").first.inner_text()

    pending = new_page(new_context())
    sign_in_as_a_new_pending_resident(pending)  # not the demo newcomer: test_pwa verifies that one
    open_help(pending, page.url.replace(page.url.split("/help")[0], ""))
    pending.wait_for_selector("#activity-detail .shift")
    assert pending.locator(".shift-signup").count() == 0 and pending.locator("#activity-detail .notice").is_visible()


def test_an_organiser_shows_the_code_and_a_volunteer_checks_in(page, new_context, new_page):
    """The organiser's screen shows the code and its QR; the resident checks in with it."""
    sign_in(page, "org@demo.linli")
    open_help(page, "/help/activities")
    page.locator("#activity-list a", has_text="敬老院探访").click()
    page.locator("#activity-detail .shift").first.get_by_role("link", name="管理").click()
    page.wait_for_selector("#checkin-code")
    code = page.locator("#checkin-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    assert page.locator(".checkin-qr svg path").get_attribute("d").count("M") > 100
    assert "张阿姨" in page.locator("#signup-list").inner_text()
    sid = re.search(r"/help/shifts/(\d+)/manage", page.url).group(1)

    volunteer = new_page(new_context())
    sign_in(volunteer, "resident@demo.linli")
    open_help(volunteer, f"/help/checkin/{sid}?code={code}")
    assert volunteer.input_value("input[name=code]") == code
    volunteer.click("#checkin-submit")
    volunteer.wait_for_selector("#checkin-result[data-status=checked-in]")
    assert "签到成功" in volunteer.locator("#checkin-result").inner_text()


def test_a_resident_posts_an_aid_request(page):
    """The post form (through the outbox) creates a request and opens it."""
    sign_in(page, "resident@demo.linli")
    open_help(page, "/help/aid")
    page.wait_for_selector("#aid-board .aid-card")
    page.click("#aid-new")
    page.wait_for_selector("#aid-form")
    page.select_option("select[name=category]", "lending")
    page.fill("input[name=title]", "借一把电钻挂画")
    page.fill("textarea[name=body]", "周六上午用一小时，用完马上还。")
    with page.expect_response(re.compile(r"/api/v1/communities/\d+/aid$")) as response:
        page.click("#aid-form button[type=submit]")
    assert response.value.status == 201
    page.wait_for_url(re.compile(r"/help/aid/\d+$"))
    page.wait_for_selector("#aid-detail h2")
    assert page.locator("#aid-detail h2").inner_text() == "借一把电钻挂画"
    assert "求助" in page.locator("#aid-detail").inner_text()
