"""Acting for a resident (代办) in the PWA at phone size: from the resident's row on /committee/residents the
committee asks for aid for them (the post is theirs and says staff filed it, with the channel), signs them up for a
shift and records their support for a project (the project's timeline says staff recorded it); a plain resident is
not let in."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.helpers import api, go, ready, sign_in, use_chinese_without_care_mode

pytestmark = pytest.mark.e2e


def confirm_sheet(page):
    page.wait_for_selector("dialog.sheet[open]")
    page.locator("dialog.sheet .btn").first.click()


def test_the_committee_asks_for_aid_signs_up_and_supports_for_a_resident(new_context, new_page, register_resident):
    author = new_page(new_context())  # a neighbour's project gathering support, for the resident to support
    sign_in(author, "resident@demo.linli")
    cid = api(author, "GET", "/api/v1/communities")[1]["items"][0]["id"]
    status, project = api(
        author,
        "POST",
        f"/api/v1/communities/{cid}/projects",
        {
            "title": f"楼下加装休息长椅 {uuid.uuid4().hex[:4]}",
            "summary": "给老人歇脚",
            "category": "facilities",
            "submit": True,
        },
    )
    assert status == 201 and project["status"] == "submitted", project
    page = new_page(new_context())
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    building = str(900 + uuid.uuid4().int % 90)  # a building of this test's own
    uid = register_resident(page, "孙秀兰", f"{building}-1-101")

    go(page, f"/committee/residents?building={building}")
    page.locator(f"a[href='/committee/residents/{uid}']").click()
    ready(page)
    assert page.locator(".card__title").first.text_content() == "孙秀兰"
    page.get_by_role("link", name=re.compile("代为求助或提供帮助")).click()
    ready(page)
    page.fill("input[name=title]", "每周二需要人陪同去医院复查")
    page.select_option("select[name=channel]", "phone")
    with page.expect_response(re.compile(r"/communities/\d+/aid$")) as response:
        page.get_by_role("button", name="代为发布").click()
    assert response.value.status == 201
    post = response.value.json()
    assert post["author"]["id"] == uid and post["filed_on_behalf"] is True and post["channel"] == "phone"
    page.wait_for_url(re.compile(rf"/help/aid/{post['id']}$"))
    ready(page)
    assert page.locator(".aid-onbehalf").text_content() == "由社区工作人员代办（电话）"

    go(page, f"/committee/residents/{uid}/shift")
    page.wait_for_selector(".ob-shift__go, .empty")
    if page.locator(".ob-shift__go").count():  # the demo's upcoming shifts (places or a waiting list)
        shift_id = page.locator("li.ob-shift").first.get_attribute("data-shift")
        page.locator(".ob-shift__go").first.click()
        with page.expect_response(re.compile(r"/shifts/\d+/signups$")) as response:
            confirm_sheet(page)
        assert response.value.status == 201, response.value.text()
        assert response.value.json()["entered_by_id"] is not None
        again = api(page, "POST", f"/api/v1/shifts/{shift_id}/signups", {"on_behalf_of": uid})
        assert again[0] == 409  # one place per volunteer, whoever enters it

    go(page, f"/committee/residents/{uid}/support")
    page.wait_for_selector(".ob-shift__go, .empty")
    project_id = project["id"]
    page.locator(f"li[data-project='{project_id}'] .ob-shift__go").click()
    with page.expect_response(re.compile(r"/projects/\d+/supports$")) as response:
        confirm_sheet(page)
    assert response.value.status in (200, 201), response.value.text()
    page.wait_for_url(re.compile(rf"/projects/{project_id}$"))
    ready(page)
    page.get_by_text("工作人员代居民登记支持（代办）").last.wait_for()


def test_a_resident_cannot_act_for_a_neighbour(new_context, new_page, register_resident):
    committee = new_page(new_context())
    sign_in(committee, "committee@demo.linli")
    uid = register_resident(committee, "孙秀兰", f"{900 + uuid.uuid4().int % 90}-1-101")
    page = new_page(new_context())
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    go(page, f"/committee/residents/{uid}")
    assert page.locator(".empty__title").text_content() == "仅限居委会和网格员"
    go(page, f"/committee/residents/{uid}/aid")
    assert page.locator("input[name=title]").count() == 0
