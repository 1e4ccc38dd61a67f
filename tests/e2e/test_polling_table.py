"""The polling table (投票点) in the PWA at phone size: a committee member finds voters by flat or name, records a
paper ballot (the receipt to hand over), puts a sealed one in the ballot box, counts the box; whoever voted in the
app shows as voted and cannot be chosen; residents are not let in."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.helpers import api, first_community_id, go, ready, sign_in, use_chinese_without_care_mode

pytestmark = pytest.mark.e2e


def open_poll(page, cid, title):
    now = datetime.now(UTC)
    status, poll = api(
        page,
        "POST",
        f"/api/v1/communities/{cid}/polls",
        {
            "title": title,
            "method": "yes_no",
            "secret": True,
            "opens_at": (now - timedelta(minutes=1)).isoformat(),
            "closes_at": (now + timedelta(days=2)).isoformat(),
        },
    )
    assert status == 201, poll
    return poll


def search(page, text):
    page.fill("input[name=q]", text)
    page.wait_for_selector(".ptable__voters, .ptable__none")


def test_a_committee_member_records_a_paper_ballot_boxes_another_and_counts_the_box(page, register_resident):
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    cid = first_community_id(page)
    building = str(600 + uuid.uuid4().int % 300)  # a building of this test's own
    elder = register_resident(page, "周桂英", f"{building}-1-301")
    neighbour = register_resident(page, "吴建国", f"{building}-1-302")
    poll = open_poll(page, cid, f"{building}号楼加装电梯意见")

    go(page, f"/polls/{poll['id']}")
    page.get_by_role("link", name="投票点：录入纸质选票").click()
    ready(page)
    page.wait_for_selector(".ptable__turnout:not(:empty)")
    assert "纸质 0" in page.locator(".ptable__turnout").text_content()

    search(page, f"{building}-1-301")
    row = page.locator(f".ptable__voters [data-voter='{elder}']")
    assert "可以投票" in row.text_content() and f"门牌 {building}-1-301" in row.text_content()
    row.click()
    page.get_by_role("button", name="录入这张选票").click()
    assert page.locator(".form-error").text_content() == "请先做出选择。"
    page.get_by_role("button", name="反对").click()
    page.get_by_role("button", name="录入这张选票").click()
    sheet = page.locator("dialog.sheet")
    assert sheet.locator("li").all_text_contents() == ["反对"]
    with page.expect_response(re.compile(r"/paper-ballots$")) as response:
        sheet.get_by_role("button", name="确认录入").click()
    assert response.value.status == 201
    assert page.locator(".ptable__receipt").text_content() == response.value.json()["receipt"]
    page.get_by_role("button", name="下一位").click()

    search(page, f"{building}-1-301")  # on the roll now: shown as voted, not a button to choose
    assert "已投票" in page.locator(f".ptable__voters [data-voter='{elder}']").text_content()
    assert page.locator(f".ptable__voters button[data-voter='{elder}']").count() == 0

    search(page, "吴建国")
    page.locator(f".ptable__voters button[data-voter='{neighbour}']").click()
    with page.expect_response(re.compile(r"/ballot-box$")) as response:
        page.get_by_role("button", name="投入票箱，稍后计票").click()
    assert response.value.status == 201
    page.wait_for_selector(".ptable__next")
    assert "票箱里现有 1 张" in page.locator(".ptable__stage").text_content()
    page.get_by_role("link", name="清点票箱").click()
    ready(page)
    assert page.locator(".ptable__left").text_content() == "票箱里还有 1 张待清点"
    page.get_by_role("button", name="赞成").click()
    page.get_by_role("button", name="计入这张选票").click()
    page.wait_for_selector(".ptable__counted")
    assert page.locator(".ptable__counted").text_content() == "已计入：赞成"
    assert page.locator(".ptable__left").text_content() == "票箱里没有待清点的选票"

    status, live = api(page, "GET", f"/api/v1/polls/{poll['id']}/results")
    assert status == 200 and live["channels"]["paper"] == 2 and live["paper_uncounted"] == 0
    go(page, f"/polls/{poll['id']}/results")  # the committee's live view: turnout per channel
    assert page.locator(".poll__channels").text_content() == "其中手机投票 0 人，投票点纸质投票 2 人"


def test_whoever_voted_in_the_app_shows_as_voted_at_the_table(new_context, new_page):
    committee = new_page(new_context())
    sign_in(committee, "committee@demo.linli")
    use_chinese_without_care_mode(committee)
    cid = first_community_id(committee)
    poll = open_poll(committee, cid, "楼道堆物清理方案")
    resident = new_page(new_context())
    sign_in(resident, "resident@demo.linli")
    me = api(resident, "GET", "/api/v1/auth/session")[1]["user"]
    assert api(resident, "POST", f"/api/v1/polls/{poll['id']}/ballots", {"choice": "yes"})[0] == 201

    go(committee, f"/polls/{poll['id']}/table")
    search(committee, me["display_name"])
    row = committee.locator(f".ptable__voters [data-voter='{me['id']}']")
    assert "已投票" in row.text_content()
    assert committee.locator(f".ptable__voters button[data-voter='{me['id']}']").count() == 0
    paper = api(committee, "POST", f"/api/v1/polls/{poll['id']}/paper-ballots", {"voter_id": me["id"], "choice": "no"})
    assert paper[0] == 409 and paper[1]["code"] == "already_voted"


def test_a_resident_is_not_let_in_to_the_table(new_context, new_page):
    committee = new_page(new_context())
    sign_in(committee, "committee@demo.linli")
    poll = open_poll(committee, first_community_id(committee), "健身器材选址")
    page = new_page(new_context())
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    go(page, f"/polls/{poll['id']}")
    assert page.get_by_role("link", name="投票点：录入纸质选票").count() == 0
    go(page, f"/polls/{poll['id']}/table")
    assert page.locator(".empty__title").text_content() == "仅限本社区居委会"
    assert page.locator("input[name=q]").count() == 0
