"""Issue 18, the staff screens as staff use them on a 360 px phone: residents served in person (代办), the resident
register and its link to accounts, the care register, a notice printed as a poster, and a one-time code read from
the development outbox (what a tester does; the outbox is the platform admin's)."""

from __future__ import annotations

import re
import uuid

import pytest

from .helpers import open_app, sign_in, sign_up
from .test_phone_defects import call, go, set_prefs

pytestmark = pytest.mark.e2e


def no_wider_than_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_committee_registers_a_resident_on_paper_and_prints_the_letter(page):
    sign_in(page, "committee@demo.linli")
    set_prefs(page)
    name = f"孙阿婆{uuid.uuid4().hex[:4]}"
    go(page, "/committee/residents/new")
    page.fill("input[name=display_name]", name)
    page.fill("input[name=building]", "9")
    page.fill("input[name=unit]", "1")
    page.fill("input[name=room]", "101")
    page.click("form button[type=submit]")
    assert page.locator("#consent-paper").is_visible()  # refused without the paper consent: still on the form
    assert "/committee/residents/new" in page.url
    page.check("#consent-paper")
    with page.expect_response(re.compile(r"/api/v1/communities/\d+/residents$")) as answer:
        page.click("form button[type=submit]")
    assert answer.value.status == 201
    user_id = answer.value.json()["user"]["id"]
    page.wait_for_url(re.compile(rf"/committee/residents/{user_id}/report"))
    go(page, "/committee/residents")
    page.wait_for_selector(f"text={name}")
    no_wider_than_the_phone(page)
    go(page, f"/committee/residents/letters?user={user_id}")
    page.click("form button[type=submit]")
    letter = page.wait_for_selector("article.letter")
    assert name in letter.inner_text()
    assert page.locator("article.letter img.letter__qr").get_attribute("src").startswith("data:image/svg+xml")
    assert re.search(r"[A-Z0-9]{5} [A-Z0-9]{5}", page.locator(".letter__code").inner_text())
    no_wider_than_the_phone(page)


def test_a_resident_is_told_the_residents_screen_is_for_staff(page):
    sign_in(page, "resident@demo.linli")
    set_prefs(page)
    go(page, "/committee/residents")
    page.wait_for_selector("text=仅限居委会和网格员")
    assert call(page, "GET", "/api/v1/communities/1/residents")["status"] == 403


def test_the_register_is_searched_opened_and_linked_to_an_account(page, new_context):
    # 吴桂英's grandson signs up and joins at her address (3-1-101); the committee verifies him
    grandson = new_context().new_page()
    sign_up(grandson, name="吴小军")
    assert call(grandson, "POST", "/api/v1/communities/1/join", {"building": "3", "unit": "1", "room": "101"})[
        "status"
    ] in (200, 201)
    grandson_id = call(grandson, "GET", "/api/v1/me")["body"]["id"]
    sign_in(page, "committee@demo.linli")
    assert call(page, "POST", f"/api/v1/communities/1/members/{grandson_id}/verify")["status"] == 200
    set_prefs(page)
    go(page, "/committee/register")
    page.wait_for_selector("#register-results .list-item")
    page.fill("input[name=q]", "吴桂英")
    page.wait_for_function("document.querySelectorAll('#register-results .list-item').length === 1")
    page.click("#register-results .list-item")
    page.wait_for_selector("#register-account")
    assert "已记入审计日志" in page.inner_text("main")
    assert "邻里账号" in page.inner_text("main")
    no_wider_than_the_phone(page)
    # a verified member at that address, then the committee links the record to them
    page.wait_for_selector("#register-candidates >> text=吴小军")
    page.click("#register-candidates li:has-text('吴小军') button")
    page.wait_for_selector("#register-unlink")
    assert "已关联：吴小军" in page.inner_text("#register-account")
    page.click("#register-unlink")
    page.wait_for_selector("#register-candidates")


def test_a_grid_worker_cannot_open_the_register(page):
    sign_in(page, "grid@demo.linli")
    set_prefs(page)
    go(page, "/committee/register")
    page.wait_for_selector("text=只有居委会成员可以查看居民信息库")
    assert call(page, "GET", "/api/v1/communities/1/register/residents")["status"] == 403


def test_the_committee_sees_the_care_list_with_coverage_and_opens_a_record(page):
    sign_in(page, "committee@demo.linli")
    set_prefs(page)
    go(page, "/care")
    page.wait_for_selector("table.care-coverage")
    first = page.locator("main .list-item").first
    first.wait_for()
    first.click()
    page.wait_for_url(re.compile(r"/care/\d+$"))
    page.wait_for_selector("#care-visits")
    no_wider_than_the_phone(page)
    assert "null" not in page.inner_text("main") and "undefined" not in page.inner_text("main")


def test_the_committee_prints_a_notice_as_a_poster_with_its_qr_code(page):
    sign_in(page, "committee@demo.linli")
    set_prefs(page)
    notices = call(page, "GET", "/api/v1/communities/1/notices")["body"]["items"]
    urgent = next(n for n in notices if n["urgent"])
    go(page, f"/notices/{urgent['id']}")
    page.click("#notice-poster-link")
    page.wait_for_selector("#poster")
    assert page.inner_text(".poster__kind") == "紧急通知"
    assert page.inner_text(".poster__title") == urgent["title"]
    assert page.locator(".poster__qr").get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert page.inner_text(".poster__url").endswith(f"/notices/{urgent['id']}")
    no_wider_than_the_phone(page)
    page.emulate_media(media="print")
    assert not page.locator("#poster-print").is_visible()  # the tools and the app's bars do not print
    assert not page.locator("#tabbar").is_visible()
    assert page.locator("#poster").is_visible()


def test_a_resident_does_not_get_the_poster(page):
    sign_in(page, "resident@demo.linli")
    set_prefs(page)
    notices = call(page, "GET", "/api/v1/communities/1/notices")["body"]["items"]
    go(page, f"/notices/{notices[0]['id']}")
    page.wait_for_selector(".nt-body")
    assert page.locator("#notice-poster-link").count() == 0
    go(page, f"/notices/{notices[0]['id']}/poster")
    page.wait_for_selector("text=只有居委会可以打印公告海报")


def test_a_code_read_from_the_outbox_signs_a_person_in(page, new_context):
    """A tester asks for a code on the sign-in screen and reads it on the platform admin's outbox screen."""
    admin_context = new_context()
    admin = admin_context.new_page()
    sign_in(admin, "admin@demo.linli")
    open_app(page, "/signin/code")
    page.fill("input[name=login]", "resident@demo.linli")
    with page.expect_response(re.compile(r"/api/v1/auth/codes$")) as sent:
        page.click("form button[type=submit]")
    assert sent.value.status == 202
    page.wait_for_selector("input[name=code]")
    open_app(admin, "/admin")  # the admin page leads to the outbox screen, which lists the code as sent
    admin.click("a[href='/admin/outbox']")
    admin.wait_for_selector("#outbox-list .outbox-message")
    newest = admin.locator("#outbox-list .outbox-message").first
    assert "resident@demo.linli" in newest.inner_text()
    no_wider_than_the_phone(admin)
    code = re.search(r"\b(\d{6})\b", newest.locator(".outbox-message__body").inner_text()).group(1)
    page.fill("input[name=code]", code)
    with page.expect_response(re.compile(r"/api/v1/auth/login$")) as signed:
        page.click("form button[type=submit]")
    assert signed.value.status == 200
    page.wait_for_url(lambda url: "/signin" not in url)
    assert call(page, "GET", "/api/v1/me")["status"] == 200
    assert call(page, "GET", "/api/v1/admin/outbox")["status"] == 403  # the resident never reads the outbox
