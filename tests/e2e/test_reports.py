"""随手拍 in the browser: a report written offline (with its photo) is sent once when back online."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image

from .helpers import open_app, sign_in, use_chinese_without_care_mode

pytestmark = pytest.mark.e2e


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 40, 70)).save(out, "JPEG")
    return out.getvalue()


def my_reports_with(page, description: str) -> list[dict]:
    return page.evaluate(
        """async (text) => {
        const me = await (await fetch('/api/v1/auth/session', {cache: 'no-store'})).json();
        const cid = me.user.memberships[0].community.id;
        const res = await fetch(`/api/v1/communities/${cid}/reports?mine=true&limit=100`, {cache: 'no-store'});
        return (await res.json()).items.filter((r) => r.description === text);
    }""",
        description,
    )


def test_a_report_written_offline_is_sent_once_with_its_photo_when_back_online(page, context):
    description = f"路灯不亮（离线测试 {uuid.uuid4().hex[:6]}）"
    sign_in(page, "resident@demo.linli")
    open_app(page, "/report")
    page.wait_for_selector("#report-form .chips .chip")
    page.set_input_files("#rp-photo", files=[{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}])
    page.wait_for_selector(".rp-preview img")
    page.click("#report-form .chips .chip >> nth=0")
    page.fill("textarea[name=description]", description)
    page.fill("input[name=location_text]", "3号楼东侧小路")

    context.set_offline(True)
    page.click("#report-form button[type=submit]")
    page.wait_for_selector(f"#rp-waiting-list >> text={description}")

    with page.expect_response(
        lambda r: re.search(r"/api/v1/communities/\d+/reports$", r.url) and r.request.method == "POST", timeout=20_000
    ) as sent:
        context.set_offline(False)
    assert sent.value.status == 201, sent.value.text()
    page.wait_for_selector("#rp-waiting-list", state="detached")

    found = my_reports_with(page, description)
    assert len(found) == 1
    assert len(found[0]["photos"]) == 1
    # a second replay (interval, reload) must not create it again
    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.wait_for_timeout(500)
    assert len(my_reports_with(page, description)) == 1


def test_the_grid_worker_accepts_from_the_queue_and_the_timeline_shows_it(page):
    sign_in(page, "grid@demo.linli")
    open_app(page, "/reports/queue")
    page.click("#report-list a.list-item >> nth=0")
    page.wait_for_selector("#rp-timeline")
    button = page.locator("#rp-actions [data-action=accept], #rp-actions [data-action=start]").first
    action = button.get_attribute("data-action")
    button.click()
    page.fill("dialog textarea[name=note]", "收到，马上处理")
    page.click("dialog button[type=submit]")
    page.wait_for_selector(f"#rp-timeline [data-action={action}]")
    assert "收到，马上处理" in page.inner_text("#rp-timeline")


def test_notices_list_this_weeks_urgent_one_first_then_the_pinned_one(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/notices")
    rows = page.locator("#notice-list .list-item")
    first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "紧急" in first and "停水" in first  # issue 16: the water cut is not last in the list
    assert "置顶" in second and "置顶" not in first
    rows.first.click()
    page.wait_for_selector(".nt-body")
