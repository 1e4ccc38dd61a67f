"""A street official's way into a community's task ledger, and the agencies' monthly scorecards, at phone size
(issue 19): from the street's roll-up (/region/{id}) to the community's dashboard, its ledger with filters, and
assigning a task there; the committee opens the agencies' scorecards from its dashboard and changes the month;
a plain resident is told the scorecards are not theirs to see."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import api, ready, sign_in, sign_up, use_chinese_without_care_mode

pytestmark = pytest.mark.e2e


def street_official(new_context, new_page):
    """A new account appointed official of the demo community's street by the platform admin; signed in."""
    admin = new_page(new_context())
    sign_in(admin, "admin@demo.linli")
    street = next(r for r in api(admin, "GET", "/api/v1/regions")[1]["items"] if r["kind"] == "street")
    page = new_page(new_context())
    email = sign_up(page, name="街道干部")
    status, _ = api(
        admin, "POST", f"/api/v1/regions/{street['id']}/officials", {"login": email, "role": "street_official"}
    )
    assert status == 201
    page.reload()
    ready(page)
    return page, street["id"]


def test_street_official_reaches_the_ledger_and_assigns_a_task(new_context, new_page):
    page, street_id = street_official(new_context, new_page)
    page.goto(f"/region/{street_id}")
    ready(page)
    page.click(".net-row__link")  # the community's row opens its dashboard
    page.wait_for_url(re.compile(r"/committee/insights\?community=\d+"))
    ready(page)
    page.click("a[href^='/communities/'][href*='/tasks']")
    page.wait_for_url(re.compile(r"/communities/\d+/tasks\?region=\d+$"))
    page.wait_for_selector("#community-tasks")
    assert "任务台账" in page.inner_text("#appbar-title")
    with page.expect_response(re.compile(r"/tasks\?.*overdue=true")) as filtered:
        page.get_by_role("button", name="只看逾期").click()
    assert filtered.value.status == 200
    page.click("a[href*='/tasks/new']")
    page.wait_for_selector("select[name=owner_id] option", state="attached")
    title = f"巡查东门 {uuid.uuid4().hex[:6]}"
    page.fill("input[name=title]", title)
    grid_worker = page.locator("select[name=owner_id] option", has_text="李网格员").first.get_attribute("value")
    page.select_option("select[name=owner_id]", value=grid_worker)
    with page.expect_response(re.compile(r"/api/v1/communities/\d+/tasks$")) as made:
        page.click("form button[type=submit]")
    assert made.value.status == 201, made.value.text()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    ready(page)  # (already set by the form's screen: the task's own screen is drawn a moment after the URL)
    page.locator("main", has_text=title).wait_for()
    assert title in page.inner_text("main")
    # back from the task leads to the community's ledger (the official owns no task), which lists it
    assert page.get_attribute("#appbar-back", "href") == f"/communities/{made.value.json()['community_id']}/tasks"


def test_committee_reads_the_agency_scorecards_by_month(page):
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    page.goto("/committee/insights")
    ready(page)
    page.click("a[href$='/agency-scorecards']")
    page.wait_for_selector("#agency-scorecards .ag-card")
    text = page.inner_text("main")
    assert "阳光物业服务中心" in text and "按时办结" in text and "null" not in text
    shown = page.input_value("select[name=month]")
    with page.expect_response(re.compile(r"/agency-scorecards\?month=\d{4}-\d{2}$")) as earlier:
        page.get_by_role("link", name="上个月").click()
    assert earlier.value.status == 200
    year, month = (int(part) for part in shown.split("-"))
    before = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    expect(page.locator("select[name=month]")).to_have_value(before)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # the street's published league table for the same month is one tap away
    page.click("#agency-scorecards a[href*='/agency-league?month=']")
    page.wait_for_selector("#agency-league")
    assert f"month={before}" in page.url


def test_a_resident_is_not_shown_the_agency_scorecards(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    page.goto("/communities/1/agency-scorecards")
    ready(page)
    assert "只有本社区居委会" in page.inner_text("main")
    assert page.locator(".ag-card").count() == 0
