"""Meetings in the browser, under the real CSP: a resident finds the demo's upcoming 议事会 under the civic tabs,
says they are coming and sees their place and own check-in code, then not coming after all; the committee opens
the door screen with the check-in code drawn as a QR code, and the hearing shows its comments and the form."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, date, datetime, timedelta

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


def test_the_committee_links_an_agenda_item_to_a_project_and_removes_the_link(page):
    """The meeting form's picker: the kind, then one of the community's projects; the meeting's page shows the
    linked project's title; editing keeps the link until "remove link" takes it off."""
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    project = call(page, "GET", "/api/v1/communities/1/projects?limit=50")["body"]["items"][0]
    title = f"议程关联测试 {uuid.uuid4().hex[:6]}"
    open_app(page, "/meetings/new")
    page.fill("input[name=title]", title)
    page.fill("input[name=location]", "居委会会议室")
    page.locator(".meeting-agenda-editor input[name=agenda]").first.fill("讨论项目进展")
    page.get_by_role("button", name="关联项目、报事、投票或问卷").click()
    page.select_option("select[name=link_kind]", "project")
    page.select_option("select[name=link_id]", str(project["id"]))
    page.get_by_role("button", name="关联", exact=True).click()
    page.locator(".meeting-link-picker__chosen").get_by_text(project["title"]).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="保存为草稿").click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    ready(page)
    meeting_id = int(page.url.rsplit("/", 1)[1])
    chip = page.locator(".meeting-agenda .meeting-link")
    assert chip.get_attribute("href") == f"/projects/{project['id']}"
    assert project["title"] in chip.inner_text()
    open_app(page, f"/meetings/{meeting_id}/edit")
    page.locator(".meeting-link-picker__chosen").get_by_text(project["title"]).wait_for()
    page.get_by_role("button", name="取消关联").click()
    page.get_by_role("button", name="保存修改").click()
    page.wait_for_url(re.compile(rf"/meetings/{meeting_id}$"))
    ready(page)
    assert page.locator(".meeting-agenda .meeting-link").count() == 0
    item = call(page, "GET", f"/api/v1/meetings/{meeting_id}")["body"]["agenda"][0]
    assert item["title"] == "讨论项目进展" and item["link"] is None
    assert page.evaluate("window.__csp") == []


def test_the_committee_makes_a_decision_a_task_from_the_minutes(page):
    """转为任务 next to a decision: an owner among the staff and a due date; the task exists and its link opens it."""
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    starts = datetime.now(UTC) + timedelta(seconds=4)
    made = call(
        page,
        "POST",
        "/api/v1/communities/1/meetings",
        {
            "kind": "meeting",
            "title": f"任务测试会 {uuid.uuid4().hex[:6]}",
            "location": "居委会会议室",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "agenda": [{"title": "楼道堆物清理"}],
        },
    )
    assert made["status"] == 201, made
    meeting = made["body"]
    assert call(page, "POST", f"/api/v1/meetings/{meeting['id']}/publish")["status"] == 200
    time.sleep(max(0.0, (starts - datetime.now(UTC)).total_seconds()) + 0.5)  # minutes are written once it began
    item_id = meeting["agenda"][0]["id"]
    minutes = call(
        page,
        "PUT",
        f"/api/v1/meetings/{meeting['id']}/minutes",
        {"summary": "", "items": [{"item_id": item_id, "decision": "本周内清理 3 栋楼道堆物。"}], "answers": []},
    )
    assert minutes["status"] == 200, minutes
    open_app(page, f"/meetings/{meeting['id']}/minutes")
    page.get_by_role("button", name="转为任务").click()
    sheet = page.locator("dialog[open]")
    sheet.locator("select[name=owner_id]").wait_for()  # the sheet opens once the staff are read
    owner_labels = sheet.locator("select[name=owner_id] option").all_inner_texts()
    assert owner_labels and all(("居委会" in label or "网格员" in label) for label in owner_labels), owner_labels
    sheet.locator("input[name=due_on]").fill((date.today() + timedelta(days=5)).isoformat())
    sheet.get_by_role("button", name="派发任务").click()
    link = page.locator(".meeting-task-link")
    link.wait_for()
    task_id = call(page, "GET", f"/api/v1/meetings/{meeting['id']}")["body"]["agenda"][0]["task_id"]
    assert task_id and link.get_attribute("href") == f"/tasks/{task_id}"
    assert page.get_by_role("button", name="转为任务").count() == 0
    link.click()
    page.wait_for_url(re.compile(rf"/tasks/{task_id}$"))
    ready(page)
    page.get_by_text("楼道堆物清理").first.wait_for()
    assert page.evaluate("window.__csp") == []
