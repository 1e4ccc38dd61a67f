"""Micro-projects and comments in a phone-sized Chromium against the demo community."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .helpers import open_app, sign_in

pytestmark = pytest.mark.e2e


def test_a_resident_creates_and_submits_a_project_and_sees_it_in_the_list(page):
    """Can a verified resident propose a project on a phone and find it among the community's projects?"""
    sign_in(page, "resident@demo.linli")
    open_app(page, "/projects")
    page.wait_for_selector("#project-list .project-card")
    page.click("#new-project")
    page.wait_for_selector("#project-form")
    title = f"楼道照明 {uuid.uuid4().hex[:6]}"
    page.fill("input[name=title]", title)
    page.fill("textarea[name=summary]", "5号楼楼道灯坏了，晚上上下楼很危险。")
    page.select_option("select[name=category]", "safety")
    page.fill("input[name=budget]", "360")
    with page.expect_response(re.compile(r"/api/v1/communities/\d+/projects$")) as created:
        page.click("#project-submit")
    assert created.value.status == 201, created.value.text()
    page.wait_for_url(re.compile(r"/projects/\d+$"))
    page.wait_for_selector("article.project[data-status=submitted]")
    assert page.locator(".project__title").inner_text() == title
    assert "0 / 5" in page.locator("#supports-count").inner_text()

    open_app(page, "/projects")
    card = page.locator("#project-list .project-card", has_text=title)
    card.wait_for()
    assert card.get_attribute("data-status") == "submitted"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing overflows the phone


def test_the_form_keeps_an_unfinished_draft_on_the_device(page):
    """Is a half-written project still there after leaving the page?"""
    sign_in(page, "resident@demo.linli")
    open_app(page, "/projects/new")
    page.fill("input[name=title]", "屋顶加装遮阳棚")
    page.wait_for_function("document.querySelector('#draft-status').textContent.length > 0")
    open_app(page, "/projects/new")
    assert page.input_value("input[name=title]") == "屋顶加装遮阳棚"


def test_a_neighbour_supports_a_project_and_comments_on_it(page):
    """Can a resident support a project, and post and reply in its comment thread?"""
    sign_in(page, "neighbour2@demo.linli")  # 钱老师
    open_app(page, "/projects?sort=most_supported")
    page.locator("#project-list .project-card", has_text="修好3号楼前的长椅").click()
    page.wait_for_selector("article.project")
    label_before = page.inner_text("#support-button")
    with page.expect_response(re.compile(r"/supports$")) as supported:
        page.click("#support-button")
    # 钱老师 already supported it in the demo, so the button takes the support back
    assert supported.value.status in (200, 201)
    # the page redraws after the support; type only into the new comment form
    expect(page.locator("#support-button")).not_to_have_text(label_before)
    page.wait_for_selector("#project-comments .comment")
    text = f"我可以周六来帮忙 {uuid.uuid4().hex[:4]}"
    page.fill("#project-comments form textarea", text)
    with page.expect_response(re.compile(r"/api/v1/projects/\d+/comments$")) as posted:
        page.click("#project-comments form button[type=submit]")
    assert posted.value.status == 201
    mine = page.locator("#project-comments .comment", has_text=text)
    mine.wait_for()
    page.reload()
    page.wait_for_selector("#project-comments .comment")
    assert page.locator("#project-comments .comment", has_text=text).count() == 1


def test_project_screens_work_in_english_and_care_mode(page):
    """Do the list and a detail page read in English and stay usable with care mode's large text?"""
    sign_in(page, "resident@demo.linli")
    page.evaluate("""fetch('/api/v1/auth/session').then(r => r.json()).then(s => fetch('/api/v1/me', {
        method: 'PATCH', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token},
        body: JSON.stringify({locale: 'en', care_mode: true})}))""")
    open_app(page, "/projects?status=completed")
    assert page.evaluate("document.documentElement.classList.contains('care')")
    page.locator("#project-list .project-card").first.click()
    page.wait_for_selector("article.project[data-status=completed]")
    assert "ratings" in page.locator("#rating-average").inner_text()
    assert "null" not in page.locator("article.project").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.evaluate("""fetch('/api/v1/auth/session').then(r => r.json()).then(s => fetch('/api/v1/me', {
        method: 'PATCH', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token},
        body: JSON.stringify({locale: 'zh-CN', care_mode: false})}))""")
