"""Search in the PWA at phone size: from the app bar to a result, matched words marked, type chips, and
what a visitor may not open never shown."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import open_app, ready, sign_in, use_chinese_without_care_mode

pytestmark = pytest.mark.e2e


def search_for(page, words):
    page.fill("#search-input", words)
    with page.expect_response(re.compile(r"/api/v1/communities/\d+/search\?")) as response:
        page.press("#search-input", "Enter")
    assert response.value.status == 200
    page.wait_for_selector("#search-list .search-hit, #search-results .empty")


def test_a_resident_finds_a_report_by_two_chinese_characters_and_opens_it(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    page.click("#search-open")  # the app bar's search, on the home screen
    page.wait_for_selector("#search-input")
    assert page.url.endswith("/search")
    search_for(page, "路灯")
    hits = page.locator("#search-list .search-hit")
    assert hits.count() >= 2
    first = hits.first
    assert first.get_attribute("data-type") == "report"
    assert first.locator(".search-hit__kind").inner_text() == "随手拍"
    # the matched words are <mark>s around text: exactly what was typed, nothing read as HTML
    assert set(first.locator("mark.search-mark").all_inner_texts()) == {"路灯"}
    assert "q=%E8%B7%AF%E7%81%AF" in page.url  # the query is in the address: back from a result comes back to it
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    first.click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    ready(page)
    page.go_back()
    page.wait_for_selector("#search-list .search-hit")
    assert page.input_value("#search-input") == "路灯"


def test_type_chips_keep_one_kind_and_an_empty_search_says_so(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/search?q=%E5%9E%83%E5%9C%BE%E5%88%86%E7%B1%BB")  # 垃圾分类
    page.wait_for_selector("#search-list .search-hit")
    assert len(set(page.locator("#search-list .search-hit").evaluate_all("els => els.map(e => e.dataset.type)"))) > 1
    with page.expect_response(re.compile(r"types=notice")):
        page.get_by_role("button", name="公告").click()
    page.wait_for_selector("#search-list .search-hit")
    types = page.locator("#search-list .search-hit").evaluate_all("els => els.map(e => e.dataset.type)")
    assert types and set(types) == {"notice"}
    search_for(page, "不存在的词语组合xyz")
    assert "没有找到" in page.inner_text("#search-results")


def test_a_visitor_finds_public_items_but_no_notice_or_aid_post(page):
    open_app(page, "/communities")
    page.evaluate("""async () => {
      const communities = await (await fetch('/api/v1/communities')).json();
      localStorage.setItem('linli.community', String(communities.items.find((c) => c.name === '阳光社区').id));
    }""")
    open_app(page, "/search?q=%E5%9E%83%E5%9C%BE%E5%88%86%E7%B1%BB")  # 垃圾分类: a notice and projects say it
    page.wait_for_selector("#search-list .search-hit")
    types = set(page.locator("#search-list .search-hit").evaluate_all("els => els.map(e => e.dataset.type)"))
    assert types and not types & {"notice", "aid"}
