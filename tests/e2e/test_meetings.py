"""Meetings in the browser, under the real CSP: a resident finds the demo's upcoming 议事会 under the civic tabs,
says they are coming and sees their place and own check-in code, then not coming after all; the committee opens
the door screen with the check-in code drawn as a QR code, and the hearing shows its comments and the form."""

from __future__ import annotations

import re

import pytest

from .helpers import open_app, ready, sign_in, use_chinese_without_care_mode
from .test_phone_defects import CSP_WATCH, NULLISH, call

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(new_context, new_page):
    strict = new_page(new_context(bypass_csp=False, service_workers="block"))
    strict.add_init_script(CSP_WATCH)
    return strict


def _meeting_id(page, title: str) -> int:
    listed = call(page, "GET", "/api/v1/communities/1/meetings?limit=50")["body"]["items"]
    return next(m["id"] for m in listed if m["title"] == title)


def test_a_resident_rsvps_sees_their_code_and_cancels(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    meeting_id = _meeting_id(page, "12 月居民议事会")
    call(page, "DELETE", f"/api/v1/meetings/{meeting_id}/rsvp")  # the demo account is shared: start not coming
    open_app(page, "/projects")
    page.locator(".civic-tabs").get_by_role("link", name="议事会").click()
    ready(page)
    page.get_by_role("link", name=re.compile("12 月居民议事会")).click()
    ready(page)
    page.get_by_role("button", name="我要参加").click()
    page.get_by_text("你已报名，会议当天凭签到码入场。").wait_for()
    code = page.locator("#my-attendee-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{6}", code), code
    main = page.inner_text("main")
    assert not NULLISH.search(main) and "mt." not in main
    page.get_by_role("button", name="不去了，取消报名").click()
    page.get_by_role("button", name="我要参加").wait_for()
    assert page.evaluate("window.__csp") == []


def test_the_committee_shows_the_check_in_qr_and_the_hearing_its_comments(page):
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    meeting_id = _meeting_id(page, "12 月居民议事会")
    open_app(page, f"/meetings/{meeting_id}")
    page.get_by_role("link", name="签到（二维码）").click()
    ready(page)
    code = call(page, "GET", f"/api/v1/meetings/{meeting_id}/checkin-code")["body"]["code"]
    assert page.locator("#meeting-checkin-code").inner_text() == code
    assert page.locator(".meeting-qr svg").count() == 1
    hearing_id = _meeting_id(page, "加装电梯听证会（5 号楼）")
    open_app(page, f"/meetings/{hearing_id}")
    page.get_by_text("支持加装，家里老人上下楼太难了。").wait_for()
    assert page.get_by_role("button", name="提交意见").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("window.__csp") == []
