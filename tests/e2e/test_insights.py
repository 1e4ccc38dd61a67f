"""The committee's dashboard in Chromium against the demo community: phone and desk widths."""

from __future__ import annotations

import re

import pytest

from .helpers import open_app, sign_in

pytestmark = pytest.mark.e2e


def test_committee_starts_the_day_on_the_dashboard_on_a_phone(page):
    """Does a committee member see big numbers, warnings, the map, grids and exports on a phone?"""
    sign_in(page, "committee@demo.linli")
    with page.expect_response(re.compile(r"/api/v1/communities/\d+/insights\?")) as answer:
        open_app(page, "/committee/insights")
    assert answer.value.status == 200
    page.wait_for_selector(".insights .itile")
    assert page.locator(".itile").count() == 8
    assert page.locator(".itable tbody tr").count() >= 4  # at least the demo's four grids
    assert page.locator(".iexports a[href*='/exports/reports.csv']").count() == 1
    page.wait_for_selector(".imap__svg path.imap__grid, .imap p.muted")
    assert page.locator(".bars").count() == 8
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing overflows the phone


def test_tapping_a_grid_shows_its_figures_and_responsible_person(new_context, new_page):
    page = new_page(new_context(viewport={"width": 1280, "height": 900}, is_mobile=False, has_touch=False))
    sign_in(page, "committee@demo.linli")
    open_app(page, "/committee/insights?period=month")
    page.wait_for_selector(".itile")
    grid = page.locator(".imap__svg path.imap__grid").first
    if grid.count():
        grid.click()
    else:
        page.locator(".itable tbody th button").first.click()
    sheet = page.locator("dialog.sheet")
    sheet.wait_for()
    assert sheet.locator(".kv").count() == 1
    assert sheet.locator("p strong").count() == 1
    page.keyboard.press("Escape")
    page.locator(".imap-section .chip", has_text="满意度").click()
    assert "figure=mean_stars" in page.url


def test_a_resident_is_told_the_dashboard_is_for_the_committee(page):
    sign_in(page, "resident@demo.linli")
    open_app(page, "/committee/insights")
    page.wait_for_selector(".empty")
    assert "居委会" in page.locator(".empty").inner_text()
