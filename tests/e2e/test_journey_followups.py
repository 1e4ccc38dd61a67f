"""Small gaps residents and staff met (session 6 journeys, at phone size): the task form's owner picker lists the
staff and finds anyone by name as one types; a date input's day is also written out in the screen's language
(Chromium draws the input in the browser's own locale, 12/13/2026 on a Chinese screen); a resident adds and
verifies a phone number from the settings; the committee takes back, at a resident's word, a support it recorded
for them and cancels a shift sign-up."""

from __future__ import annotations

import random
import re
import uuid

import pytest

from tests.e2e.helpers import api, go, ready, sign_in, sign_up, use_chinese_without_care_mode

pytestmark = pytest.mark.e2e


def owner_labels(page):
    return page.locator("select[name=owner_id] option").all_inner_texts()


def test_task_owner_picker_lists_the_staff_and_searches_by_name(page):
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    with page.expect_response(re.compile(r"/members\?status=verified&role=committee&role=grid_worker")) as staff:
        page.goto("/tasks/new")
    assert staff.value.status == 200
    page.wait_for_selector("select[name=owner_id] option", state="attached")
    labels = owner_labels(page)
    assert any("李网格员" in label for label in labels) and not any("居民" in label for label in labels), labels
    with page.expect_response(re.compile(r"/members\?status=verified&q=%E5%BC%A0")) as found:
        page.fill("input[name=owner_search]", "张")
    assert found.value.status == 200
    page.locator("select[name=owner_id] option", has_text="张阿姨").wait_for(state="attached")
    assert owner_labels(page) == ["张阿姨 · 居民"]
    page.get_by_text("找到 1 人").wait_for()
    page.fill("input[name=owner_search]", "没有这个人")
    page.get_by_text("没有这个名字的成员").wait_for()
    page.fill("input[name=owner_search]", "")
    page.locator("select[name=owner_id] option", has_text="王主任").wait_for(state="attached")
    assert not any("居民" in label for label in owner_labels(page))


def test_the_due_date_is_written_out_in_chinese_beside_the_input(page):
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    page.goto("/tasks/new")
    ready(page)
    due = page.locator("input[name=due_on]")
    due.fill("2027-01-05")
    readout = page.locator(".field__readout")
    assert readout.inner_text() == "2027年1月5日星期二"
    # read with the field by a screen reader
    assert readout.get_attribute("id") in due.get_attribute("aria-describedby").split()


def test_a_resident_adds_and_verifies_a_phone_from_the_settings(new_context, new_page):
    page = new_page()
    sign_up(page, name="绑定手机")
    page.goto("/me")
    ready(page)
    row = page.locator("a[href='/me/phone']")
    assert "未绑定" in row.inner_text()
    row.click()
    page.wait_for_selector("input[name=phone]")
    assert "还没有绑定手机号" in page.inner_text("#phone-state")
    number = f"139{random.randrange(10**8):08d}"
    with page.expect_response(re.compile(r"/api/v1/me/phone$")) as asked:
        page.fill("input[name=phone]", f"{number[:3]} {number[3:7]} {number[7:]}")
        page.click("form button[type=submit]")
    assert asked.value.status == 202, asked.value.text()
    page.wait_for_selector("input[name=code]")
    admin = new_page(new_context())
    sign_in(admin, "admin@demo.linli")
    outbox = api(admin, "GET", "/api/v1/admin/outbox")[1]["items"]
    body = next(m["body"] for m in outbox if m["to"] == f"+86{number}" and m["purpose"] == "phone_verify_code")
    code = re.search(r"\d{6}", body)[0]
    page.fill("input[name=code]", f"{(int(code) + 1) % 10**6:06d}")
    page.click("form button[type=submit]")
    page.get_by_text("验证码不正确").first.wait_for()
    page.fill("input[name=code]", code)
    with page.expect_response(re.compile(r"/api/v1/me/phone/verify$")) as verified:
        page.click("form button[type=submit]")
    assert verified.value.status == 200, verified.value.text()
    page.wait_for_url(re.compile(r"/me$"))
    ready(page)
    page.locator("a[href='/me/phone']", has_text="已验证").wait_for()
    go(page, "/me/phone")
    page.wait_for_selector("#phone-state")
    assert f"{number[:3]} {number[3:7]} {number[7:]}" in page.inner_text("#phone-state")
    assert "已验证" in page.inner_text("#phone-state")


def test_the_committee_takes_back_a_support_it_recorded_for_a_resident(new_context, new_page, register_resident):
    author = new_page(new_context())
    sign_in(author, "resident@demo.linli")
    cid = api(author, "GET", "/api/v1/communities")[1]["items"][0]["id"]
    title = f"单元门口加装扶手 {uuid.uuid4().hex[:4]}"
    status, project = api(
        author,
        "POST",
        f"/api/v1/communities/{cid}/projects",
        {"title": title, "summary": "老人进出不便", "category": "facilities", "submit": True},
    )
    assert status == 201, project
    page = new_page(new_context())
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    uid = register_resident(page, "周桂英", f"{900 + uuid.uuid4().int % 90}-2-202")
    row = f"li[data-project='{project['id']}']"
    go(page, f"/committee/residents/{uid}/support")
    page.wait_for_selector(row)
    # nothing recorded yet: taking it back says so and changes nothing
    page.locator(f"{row} .ob-withdraw").click()
    with page.expect_response(re.compile(r"/supports\?on_behalf_of=\d+$")) as refused:
        page.locator("dialog.sheet .btn").first.click()
    assert refused.value.status == 409
    page.get_by_text("周桂英 没有支持这个项目，无需撤回").wait_for()
    assert api(page, "POST", f"/api/v1/projects/{project['id']}/supports", {"on_behalf_of": uid})[0] == 201
    go(page, f"/committee/residents/{uid}/support")
    page.wait_for_selector(row)
    page.locator(f"{row} .ob-withdraw").click()
    page.wait_for_selector("dialog.sheet[open]")
    assert "按 周桂英 本人意愿" in page.inner_text("dialog.sheet")
    with page.expect_response(re.compile(r"/supports\?on_behalf_of=\d+$")) as taken:
        page.locator("dialog.sheet .btn").first.click()
    assert taken.value.status == 200 and taken.value.json()["supports_count"] == 0
    page.wait_for_url(re.compile(rf"/projects/{project['id']}$"))
    ready(page)
    page.get_by_text("工作人员按居民本人意愿代为撤回支持（代办）").last.wait_for()


def test_the_committee_cancels_a_shift_sign_up_for_a_resident(page, register_resident):
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    uid = register_resident(page, "吴凤英", f"{900 + uuid.uuid4().int % 90}-3-303")
    go(page, f"/committee/residents/{uid}/shift")
    page.wait_for_selector("li.ob-shift .ob-withdraw")
    shift_id = page.locator("li.ob-shift").last.get_attribute("data-shift")
    assert api(page, "POST", f"/api/v1/shifts/{shift_id}/signups", {"on_behalf_of": uid})[0] == 201
    page.locator(f"li[data-shift='{shift_id}'] .ob-withdraw").click()
    page.wait_for_selector("dialog.sheet[open]")
    assert "按 吴凤英 本人意愿" in page.inner_text("dialog.sheet")
    with page.expect_response(re.compile(r"/signups/me\?on_behalf_of=\d+$")) as cancelled:
        page.locator("dialog.sheet .btn").first.click()
    assert cancelled.value.status == 204
    page.get_by_text("已取消 吴凤英 的报名").wait_for()
    # a second time: nothing to cancel, said plainly
    page.wait_for_selector(f"li[data-shift='{shift_id}'] .ob-withdraw")
    page.locator(f"li[data-shift='{shift_id}'] .ob-withdraw").click()
    with page.expect_response(re.compile(r"/signups/me\?on_behalf_of=\d+$")) as refused:
        page.locator("dialog.sheet .btn").first.click()
    assert refused.value.status == 404
    page.get_by_text("吴凤英 没有报名这一班，无需取消").wait_for()
