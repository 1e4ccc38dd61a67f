"""Moderation in a phone-sized Chromium: a neighbour flags, the committee hides from its queue with a reason,
the author sees what was done and why, and appeals."""

from __future__ import annotations

import re
import uuid

import pytest

from .conftest import OUTPUT
from .helpers import open_app, session, sign_in, sign_up

pytestmark = pytest.mark.e2e

CREATE_PROJECT = """async (title) => {
  const s = await (await fetch('/api/v1/auth/session')).json();
  const cid = s.user.memberships[0].community.id;
  const res = await fetch(`/api/v1/communities/${cid}/projects`, {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token},
    body: JSON.stringify({title, summary: '周末在小区里卖保健品，价格优惠', category: 'other', submit: true})});
  return (await res.json()).id;
}"""


def test_a_flagged_project_is_hidden_by_the_committee_and_its_author_appeals(page, new_context, new_page):
    """Flag → queue → hide with a reason → the author sees why and appeals, all on a phone."""
    author = page
    sign_in(author, "resident@demo.linli")  # 张阿姨 writes a project a neighbour finds objectionable
    title = f"团购保健品 {uuid.uuid4().hex[:6]}"
    project_id = author.evaluate(CREATE_PROJECT, title)
    assert isinstance(project_id, int)

    neighbour = new_page(new_context())
    sign_in(neighbour, "neighbour2@demo.linli")
    open_app(neighbour, f"/projects/{project_id}")
    neighbour.wait_for_selector("article.project")
    neighbour.click(".mod-flag__button")
    neighbour.locator("dialog.sheet .chip", has_text="垃圾广告").click()
    neighbour.fill("dialog.sheet textarea[name=text]", "在社区里推销保健品")
    with neighbour.expect_response(re.compile(r"/api/v1/flags$")) as flagged:
        neighbour.click("#flag-send")
    assert flagged.value.status == 201, flagged.value.text()
    neighbour.locator(".toast", has_text="居委会").wait_for()

    committee = new_page(new_context())
    sign_in(committee, "committee@demo.linli")
    open_app(committee, "/")
    committee.click("a[href='/committee/moderation']")
    case = committee.locator(f".mod-case[data-target-type=project][data-target-id='{project_id}']")
    case.wait_for()
    assert title in case.locator(".mod-case__excerpt").inner_text()
    assert "垃圾广告 × 1" in case.inner_text()
    case.locator("button[data-action=hide]").click()
    committee.locator("dialog.sheet .chip", has_text="垃圾广告").click()  # the preset fills the reason
    assert "广告" in committee.input_value("dialog.sheet textarea[name=reason]")
    with committee.expect_response(re.compile(r"/api/v1/moderation/actions$")) as acted:
        committee.click("#reason-send")
    assert acted.value.status == 201, acted.value.text()
    committee.locator(f".mod-case[data-target-id='{project_id}'][data-state=hidden]").wait_for()
    OUTPUT.mkdir(exist_ok=True)
    committee.screenshot(path=str(OUTPUT / "moderation-queue.png"))

    # no-store: past the service worker's data cache, which still holds the page the neighbour saw
    gone = neighbour.evaluate(f"fetch('/api/v1/projects/{project_id}', {{cache: 'no-store'}}).then(r => r.status)")
    assert gone == 404  # hidden from neighbours

    open_app(author, f"/projects/{project_id}")
    author.wait_for_selector(".mod-hidden-mark")  # the author still sees it, marked hidden
    open_app(author, "/me")
    author.click("a[href='/moderation/mine']")
    mine = author.locator(".mod-mine[data-action=hide]").first
    mine.wait_for()
    assert "广告" in mine.locator(".mod-mine__reason").inner_text()
    mine.locator("button[data-open-appeal]").click()
    author.fill(".mod-appeal-form textarea", "这是邻居团购，不是广告，请再看一下。")
    with author.expect_response(re.compile(r"/api/v1/appeals$")) as appealed:
        author.click(".mod-appeal-form button[type=submit]")
    assert appealed.value.status == 201, appealed.value.text()
    mine.locator(".mod-mine__appeal[data-appeal-status=pending]").wait_for()  # newest first: this action
    assert mine.locator("button[data-open-appeal]").count() == 0  # one appeal per action
    assert author.evaluate("document.documentElement.scrollWidth") <= 360

    open_app(committee, "/committee/appeals")
    appeal = committee.locator(f".mod-appeal[data-appeal-id='{appealed.value.json()['id']}'][data-status=pending]")
    appeal.wait_for()
    assert "不是广告" in appeal.inner_text()
    assert appeal.locator(f"a[href='/projects/{project_id}']").count() == 1


API_CALL = """async ([method, path, body]) => {
  const s = await (await fetch('/api/v1/auth/session')).json();
  const res = await fetch(`/api/v1${path}`, {method,
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token},
    body: body === null ? undefined : JSON.stringify(body)});
  return {status: res.status, body: await res.text()};
}"""


def test_suspending_a_committee_member_from_the_queue_says_a_second_member_must_agree(page, new_context, new_page):
    """Issue 15: one committee member cannot suspend another alone. The first request applies nothing, so the
    queue must not tell the committee the colleague is suspended."""
    colleague = page
    sign_up(colleague, name="新委员")
    colleague_id = session(colleague)["user"]["id"]
    committee = new_page(new_context())
    sign_in(committee, "committee@demo.linli")
    cid = session(committee)["user"]["memberships"][0]["community"]["id"]
    joined = colleague.evaluate(
        API_CALL, ["POST", f"/communities/{cid}/join", {"building": "9", "unit": "1", "room": "901"}]
    )
    assert joined["status"] == 201, joined
    for method, path, body in (
        ("POST", f"/communities/{cid}/members/{colleague_id}/verify", None),
        ("PUT", f"/communities/{cid}/members/{colleague_id}/role", {"role": "committee"}),
    ):
        done = committee.evaluate(API_CALL, [method, path, body])
        assert done["status"] == 200, done
    colleague.reload()
    title = f"委员的项目 {uuid.uuid4().hex[:6]}"
    project_id = colleague.evaluate(CREATE_PROJECT, title)
    neighbour = new_page(new_context())
    sign_in(neighbour, "neighbour3@demo.linli")
    flagged = neighbour.evaluate(
        API_CALL, ["POST", "/flags", {"target_type": "project", "target_id": project_id, "reason": "spam"}]
    )
    assert flagged["status"] == 201, flagged

    open_app(committee, "/committee/moderation")
    case = committee.locator(f".mod-case[data-target-type=project][data-target-id='{project_id}']")
    case.locator("button[data-action=suspend]").click()
    committee.fill("dialog.sheet textarea[name=reason]", "多次发布广告")
    with committee.expect_response(re.compile(r"/api/v1/moderation/actions$")) as acted:
        committee.click("#reason-send")
    assert acted.value.status == 201 and acted.value.json()["awaiting_second"] is True, acted.value.text()
    toast = committee.locator(".toast", has_text="另一位居委会成员同意")
    toast.wait_for()
    assert "已暂停" not in toast.inner_text()
    # The session's server is shared with the tests that follow: the colleague steps down again.
    stepped_down = committee.evaluate(
        API_CALL, ["PUT", f"/communities/{cid}/members/{colleague_id}/role", {"role": "resident"}]
    )
    assert stepped_down["status"] == 200, stepped_down
