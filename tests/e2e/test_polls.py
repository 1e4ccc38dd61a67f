"""Polls in the PWA at phone size: ballots for each method, confirmation, receipt, results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.helpers import ready, sign_in

pytestmark = pytest.mark.e2e


def use_poll_screens(page):
    """The shell registers the poll routes (pwa/js/app.js): check it did."""
    pattern = page.evaluate("async () => (await import('/js/router.js')).match('/polls/1').pattern")
    assert pattern == "/polls/:id"


def go(page, path):
    page.evaluate(
        "async (path) => { const router = await import('/js/router.js'); await router.navigate(path); }", path
    )
    ready(page)


def demo_polls(page, status):
    return page.evaluate(
        """async (status) => {
      const communities = await (await fetch('/api/v1/communities')).json();
      const cid = communities.items.find((c) => c.name === '阳光社区').id;
      return (await (await fetch(`/api/v1/communities/${cid}/polls?status=${status}&limit=50`)).json()).items;
    }""",
        status,
    )


def poll_titled(page, status, fragment):
    return next(p for p in demo_polls(page, status) if fragment in p["title"])


def test_a_resident_ranks_options_with_buttons_confirms_and_keeps_the_receipt(page):
    sign_in(page, "resident@demo.linli")
    use_poll_screens(page)
    poll = poll_titled(page, "open", "物业服务")
    go(page, f"/polls/{poll['id']}")
    page.get_by_role("button", name=re.compile("把电梯经常停运加入排序")).click()
    page.get_by_role("button", name=re.compile("把地下车库漏水加入排序")).click()
    announcer = page.locator(".poll__ranking ~ .poll__pool ~ [aria-live]")
    assert "地下车库漏水" in announcer.text_content()
    page.get_by_role("button", name="把地下车库漏水上移").click()
    assert announcer.text_content() == "地下车库漏水 现在是第 1 位"
    # focus stays on the moved item, so a screen-reader user keeps their place
    assert page.evaluate("document.activeElement.dataset.id") is not None
    labels = page.locator(".poll__rank-label").all_text_contents()
    assert labels == ["地下车库漏水", "电梯经常停运"]
    page.get_by_role("button", name="投票", exact=True).click()
    sheet = page.locator("dialog.sheet")
    assert sheet.locator("li").all_text_contents() == ["第 1 位：地下车库漏水", "第 2 位：电梯经常停运"]
    with page.expect_response(re.compile(r"/ballots$")) as response:
        sheet.get_by_role("button", name="确认投票").click()
    assert response.value.status == 201
    receipt = page.locator(".poll__receipt").text_content()
    assert len(receipt) >= 22 and response.value.json()["receipt"] == receipt
    # "tell me when the results are out?" may ask first, a moment after the receipt shows (later on a busy
    # machine): wait for it a little, and close it if it comes
    try:
        page.wait_for_selector("dialog.sheet[open]", timeout=3_000)
        page.keyboard.press("Escape")
        page.wait_for_selector("dialog.sheet[open]", state="detached", timeout=5_000)
    except PlaywrightTimeoutError:
        pass
    page.click(".poll__details summary")  # how to check the vote, and the fingerprint, are folded away
    page.wait_for_selector(".poll__fingerprint code")
    # back on the poll later: it says we voted and still shows the receipt kept on this device
    go(page, "/polls")
    go(page, f"/polls/{poll['id']}")
    assert "你已于" in page.locator(".poll__voted").text_content()
    assert page.locator(".poll__receipt").text_content() == receipt


def test_yes_no_uses_big_buttons_and_a_second_try_is_refused(page):
    sign_in(page, "resident@demo.linli")
    use_poll_screens(page)
    poll = poll_titled(page, "open", "充电棚")
    go(page, f"/polls/{poll['id']}")
    page.get_by_role("button", name="投票", exact=True).click()
    assert page.locator(".form-error").text_content() == "请先做出选择。"
    page.get_by_role("button", name="赞成").click()
    assert page.get_by_role("button", name="赞成").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="投票", exact=True).click()
    page.locator("dialog.sheet").get_by_role("button", name="确认投票").click()
    page.wait_for_selector(".poll__receipt")
    status = page.evaluate(
        """async (id) => {
      const session = await (await fetch('/api/v1/auth/session')).json();
      const r = await fetch(`/api/v1/polls/${id}/ballots`, {method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token},
        body: JSON.stringify({choice: 'no'})});
      return [r.status, (await r.json()).code];
    }""",
        poll["id"],
    )
    assert status == [409, "already_voted"]


def test_budget_ballot_shows_the_running_total_against_the_budget(page):
    sign_in(page, "resident@demo.linli")
    use_poll_screens(page)
    poll = poll_titled(page, "open", "微基金")
    go(page, f"/polls/{poll['id']}")
    total = page.locator(".poll__total")
    page.get_by_text("楼道感应灯改造（全小区）").click()
    assert "36,000" in total.text_content() and "80,000" in total.text_content()
    page.get_by_text("无障碍坡道（1、4、7号楼）").click()
    page.get_by_text("儿童游乐区软垫").click()
    assert "86,000" in total.text_content()
    assert "超出预算" in page.locator(".poll__over").text_content()


def test_closed_ranked_poll_shows_a_chart_and_every_round(page):
    sign_in(page, "resident@demo.linli")
    use_poll_screens(page)
    poll = poll_titled(page, "closed", "楼组长")
    go(page, f"/polls/{poll['id']}/results")
    page.wait_for_selector("svg.poll-chart")
    assert page.locator("svg.poll-chart rect").count() == 3
    assert "胜出" in page.locator(".poll__winner").text_content()
    assert page.locator("table.poll__rounds thead th").count() >= 2
    href = page.locator("a[download]").get_attribute("href")
    assert href.endswith("/recount.csv")


def test_closed_budget_poll_in_english_lists_funded_projects(new_context, new_page):
    context = new_context(locale="en-GB")
    page = new_page(context)
    sign_in(page, "resident@demo.linli")
    page.evaluate(
        "async () => { await fetch('/api/v1/me', {method: 'PATCH', credentials: 'same-origin', "
        "headers: {'Content-Type': 'application/json', 'X-CSRF-Token': "
        "(await (await fetch('/api/v1/auth/session')).json()).csrf_token}, "
        "body: JSON.stringify({locale: 'en', care_mode: true})}); }"
    )
    page.reload()
    ready(page)
    use_poll_screens(page)
    poll = poll_titled(page, "closed", "第四季度")
    go(page, f"/polls/{poll['id']}/results")
    page.wait_for_selector(".poll__funded")
    assert page.locator("h2", has_text="Funded projects").count() == 1
    assert page.locator(".poll__funded .is-funded").count() >= 1
    assert page.evaluate("document.documentElement.classList.contains('care')")
