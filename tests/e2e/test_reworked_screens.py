"""Issue 16, "screens that make people hunt": home, polls, people not ids, notification settings, plain language,
dead ends, platform admin, sharing. Each test is a person doing the thing on a 360 px phone."""

from __future__ import annotations

import re

import pytest

from .helpers import open_app, sign_in, sign_up, use_chinese_without_care_mode
from .test_phone_defects import call, go, set_prefs

pytestmark = pytest.mark.e2e


def demo_polls(page, status):
    return call(page, "GET", f"/api/v1/communities/1/polls?status={status}&limit=50")["body"]["items"]


# ---------- home ----------


def test_the_urgent_notice_heads_a_residents_home_and_opens(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/")
    banner = page.locator("#home-urgent .home-urgent").first
    banner.wait_for()
    assert "停水" in banner.inner_text()
    # it is the first thing on the screen, above the greeting
    assert banner.bounding_box()["y"] < page.locator("#membership-card").bounding_box()["y"]
    banner.click()
    page.wait_for_url(re.compile(r"/notices/\d+$"))


def test_home_lists_polls_i_have_not_voted_in_and_one_tap_opens_the_ballot(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/")
    page.wait_for_selector("#home-polls li")
    listed = page.locator("#home-polls li a").evaluate_all("(els) => els.map((a) => a.getAttribute('href'))")
    home = call(page, "GET", "/api/v1/communities/1/home")["body"]
    assert listed == [f"/polls/{p['id']}" for p in home["polls"]]
    assert "还没投" in page.locator("#home-polls").inner_text()
    page.locator("#home-polls li a").first.click()
    page.wait_for_url(re.compile(r"/polls/\d+$"))
    page.wait_for_selector(".poll__submit, .poll__yesno")


@pytest.mark.parametrize(
    "count, lands",
    [
        ("members_pending", "/committee/members"),
        ("reports_overdue", "/reports/queue?view=overdue"),
        ("organisations_pending", "/committee/organisations"),
    ],
)
def test_committee_counts_on_home_open_their_queue_in_one_tap(page, count, lands):
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/")
    tile = page.locator(f"#home-staff a[data-count={count}]")
    expected = call(page, "GET", "/api/v1/communities/1/home")["body"]["staff"]["counts"][count]
    assert tile.locator(".home-tile__count").inner_text() == str(expected)
    tile.click()
    page.wait_for_url(lambda url: url.endswith(lands))
    page.wait_for_selector("main .list-item, main .card, main .empty")
    assert "找不到这个页面" not in page.locator("main").inner_text()


def sign_in_as_a_new_pending_resident(page):
    """Someone who joined 阳光社区 and waits for the committee's check. Not the demo newcomer: other tests of
    the session verify that one (test_pwa's committee verifies it from the list)."""
    sign_up(page, name="待核实的新邻居")
    joined = call(page, "POST", "/api/v1/communities/1/join", {"building": "9", "unit": "1", "room": "502"})
    assert joined["status"] == 201 and joined["body"]["status"] == "pending", joined
    use_chinese_without_care_mode(page)


def test_a_pending_resident_is_told_the_truth_on_home_and_on_the_report_tab(page):
    sign_in_as_a_new_pending_resident(page)
    open_app(page, "/")
    assert "不用再加入" in page.locator("#pending-note").inner_text()
    open_app(page, "/report")
    text = page.locator("main").inner_text()
    assert "不用再加入" in text and "核实" in text
    assert page.locator("main a[href='/communities']").count() == 0  # never "join a community" again
    page.locator("main a[href='/reports']").click()
    page.wait_for_url(lambda url: url.endswith("/reports"))


def test_a_pending_resident_opening_an_aid_post_gets_an_explanation_not_an_error(page):
    sign_in_as_a_new_pending_resident(page)
    open_app(page, "/help/aid/1")
    main = page.locator("main").inner_text()
    assert "核实" in main and "出错" not in main
    assert page.locator("main a[href='/help/activities']").count() == 1


def test_a_visitor_on_the_report_board_gets_a_sentence_and_a_button(page):
    open_app(page, "/reports")
    assert page.locator("main .empty p").count() >= 2
    page.locator("main a[href^='/signin']").click()
    page.wait_for_url(re.compile(r"/signin"))


# ---------- polls ----------


def test_polls_are_one_tap_from_the_projects_tab_open_ones_first(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/projects")
    page.locator("nav.civic-tabs a[data-tab=polls]").click()
    page.wait_for_url(lambda url: url.endswith("/polls"))
    page.wait_for_selector("#polls-open li")
    sections = page.locator("main section[id^=polls-]:not([hidden])").evaluate_all("(els) => els.map((e) => e.id)")
    assert sections[0] == "polls-open" and sections[-1] == "polls-closed"
    statuses = page.locator("main li[data-status]").evaluate_all("(els) => els.map((e) => e.dataset.status)")
    assert statuses == sorted(statuses, key=["open", "upcoming", "closed"].index)
    # every method is there to vote in
    methods = {p["method"] for p in demo_polls(page, "open")}
    assert methods == {"yes_no", "single", "approval", "ranked", "budget"}


@pytest.mark.parametrize("method", ["ranked", "budget"])
def test_ranked_and_budget_ballots_carry_a_one_line_picture(page, method):
    # The picture is on the ballot: open the poll as a demo voter who has not voted in it yet (other tests of
    # the session vote as the resident).
    for account in ("resident@demo.linli", "committee@demo.linli", "grid@demo.linli", "org@demo.linli"):
        sign_in(page, account)
        poll = next(p for p in demo_polls(page, "open") if p["method"] == method)
        if poll["voted"] is False:
            break
        call(page, "POST", "/api/v1/auth/logout")
    else:
        pytest.fail(f"every demo voter has voted in the open {method} poll")
    use_chinese_without_care_mode(page)
    go(page, f"/polls/{poll['id']}")
    page.wait_for_selector(".poll__picture figcaption")
    assert page.locator(".poll__picture figcaption").inner_text().strip()


# ---------- people, not ids ----------


def test_a_grid_worker_assigns_by_name_and_marks_a_duplicate_from_the_list(page):
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    reports = call(page, "GET", "/api/v1/communities/1/reports?status=submitted&limit=50")["body"]["items"]
    report = reports[0]
    go(page, f"/reports/{report['id']}")
    page.locator("#rp-actions [data-action=assign]").click()
    sheet = page.locator("dialog.sheet[open]")
    sheet.locator(".rp-pick__row").first.wait_for()
    assert sheet.locator("input[type=number]").count() == 0  # no "staff number" to type
    names = sheet.locator(".rp-pick__title").all_inner_texts()
    assert names and all(not n.strip().isdigit() for n in names)
    page.keyboard.press("Escape")
    page.locator("#rp-actions [data-action=reject]").click()
    sheet = page.locator("dialog.sheet[open]")
    # only the fields the chosen reason needs
    assert not sheet.locator("input[name=redirect_to]").is_visible()
    sheet.get_by_role("button", name="重复反映").click()
    sheet.locator(".rp-pick, .field p.muted").first.wait_for()
    assert not sheet.locator("input[name=redirect_to]").is_visible()
    sheet.get_by_role("button", name="不属于社区职责").click()
    assert sheet.locator("input[name=redirect_to]").is_visible()
    page.keyboard.press("Escape")


# ---------- plain language, care mode ----------


def test_rating_is_five_tappable_stars(page, new_context, new_page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    made = call(
        page,
        "POST",
        "/api/v1/communities/1/reports",
        {"category": "greenery", "description": "花坛里的树倒了", "location_text": "中心花园"},
    )
    assert made["status"] == 201, made
    staff = new_page(new_context())
    sign_in(staff, "committee@demo.linli")
    for action in ("accept", "start", "resolve"):
        moved = call(staff, "POST", f"/api/v1/reports/{made['body']['id']}/transition", {"action": action, "note": ""})
        assert moved["status"] == 200, moved
    go(page, f"/reports/{made['body']['id']}")
    page.locator("#rp-actions [data-action=confirm]").click()
    stars = page.locator("dialog.sheet[open] .star-input__star")
    assert stars.count() == 5
    for box in stars.evaluate_all("(els) => els.map((e) => e.getBoundingClientRect().height)"):
        assert box >= 44
    stars.nth(2).click()
    assert page.locator("dialog.sheet[open] input[type=radio]:checked").get_attribute("value") == "3"
    with page.expect_response(re.compile(r"/confirm$")) as resp:
        page.locator("dialog.sheet[open] button[type=submit]").click()
    assert resp.value.request.post_data_json["stars"] == 3


def test_care_mode_has_no_sideways_chip_rows_and_big_targets_on_home_and_polls(page):
    sign_in(page, "committee@demo.linli")
    set_prefs(page, care=True)
    try:
        for path in ("/", "/polls", "/projects", "/reports/queue"):
            open_app(page, path)
            page.wait_for_selector("main .list-item, main .home-tile, main .empty, main .project-card", timeout=15_000)
            page.wait_for_selector("main [aria-busy=true]", state="detached")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            sideways = page.evaluate("""[...document.querySelectorAll('main .chips')].filter((c) =>
                getComputedStyle(c).overflowX !== 'visible' || c.scrollWidth > c.clientWidth + 1).length""")
            assert sideways == 0, path
            small = page.evaluate("""[...document.querySelectorAll('main a, main button')].filter((e) => {
                const r = e.getBoundingClientRect(); return r.width && r.height && r.height < 48 && !e.closest('p, li > span');
            }).map((e) => e.textContent.trim().slice(0, 20))""")
            assert small == [], (path, small)
    finally:
        set_prefs(page)


# ---------- notification settings ----------


def test_notification_settings_offer_three_presets_and_fold_the_kinds_away(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/me/notifications")
    presets = page.locator(".notif-preset")
    assert presets.count() == 3
    assert not page.locator("#pref-details .notif-kind").first.is_visible()  # folded away
    with page.expect_response(lambda r: r.url.endswith("/me/notification-preferences") and r.request.method == "PUT"):
        page.locator(".notif-preset[data-preset=quiet]").click()
    page.locator(".notif-preset[data-preset=quiet][aria-pressed=true]").wait_for()
    prefs = call(page, "GET", "/api/v1/me/notification-preferences")["body"]
    applying = [k for k in prefs["kinds"] if k.get("applies", True)]
    assert applying and not any(k["push"] for k in applying)
    page.locator(".notif-preset[data-preset=mine]").click()
    page.locator(".notif-preset[data-preset=mine][aria-pressed=true]").wait_for()
    labels = page.locator("#pref-details .notif-kind__label").evaluate_all("(els) => els.map((e) => e.textContent)")
    assert len(labels) == len(set(labels))  # no kind twice


# ---------- platform admin ----------


def test_only_platform_admins_get_the_admin_screens(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/admin")
    assert "只有平台管理员" in page.locator("main").inner_text()


def test_a_grid_area_is_drawn_by_tapping_corners_and_checked(page):
    sign_in(page, "admin@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/admin/communities/1/grids/new")
    canvas = page.locator(".map-canvas")
    box = canvas.bounding_box()
    page.fill("input[name=name]", "第五网格 · 北苑")
    # two corners only: refused here, before the server
    for fx, fy in ((0.2, 0.2), (0.8, 0.2)):
        canvas.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
    page.locator("form button[type=submit]").click()
    assert "至少需要 3 个角" in page.locator(".form-error").inner_text()
    for fx, fy in ((0.8, 0.8), (0.2, 0.8)):
        canvas.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
    with page.expect_response(re.compile(r"/api/v1/communities/1/grids$")) as resp:
        page.locator("form button[type=submit]").click()
    assert resp.value.status == 201, resp.value.text()
    ring = resp.value.json()["polygon"]["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1]


def test_geojson_is_checked_in_the_browser(page):
    sign_in(page, "admin@demo.linli")
    open_app(page, "/admin")
    check = """async (text) => (await import('/js/screens/admin-map.js')).parseGeoJSON(text)"""
    square = '{"type":"Polygon","coordinates":[[[121.47,31.23],[121.48,31.23],[121.48,31.24],[121.47,31.24],[121.47,31.23]]]}'
    assert page.evaluate(check, square)["ring"][0] == [121.47, 31.23]
    bow_tie = '{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}'
    assert page.evaluate(check, bow_tie) == {"error": "map.error.crossing"}
    assert page.evaluate(check, '{"type":"Polygon","coordinates":[[[200,0],[1,1],[1,0],[200,0]]]}') == {
        "error": "map.error.range"
    }
    assert page.evaluate(check, "not json") == {"error": "map.error.json"}
    two = (
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":' + square + "},"
        '{"type":"Feature","geometry":' + square + "}]}"
    )
    assert page.evaluate(check, two) == {"error": "map.error.onePolygon"}


# ---------- sharing ----------


def test_a_poll_is_shared_as_a_link_or_a_poster_with_a_qr_code(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    poll = demo_polls(page, "open")[0]
    go(page, f"/polls/{poll['id']}")
    page.evaluate("delete navigator.share")  # a browser without the Web Share API: copy the link instead
    page.locator(".share-button").click()
    sheet = page.locator("dialog.sheet[open]")
    assert sheet.locator(".share__link").inner_text().endswith(f"/polls/{poll['id']}")
    sheet.locator("#share-make-poster").click()
    download = sheet.locator("#share-download")
    download.wait_for()
    assert download.get_attribute("download").endswith(".png")
    size = page.evaluate("""async () => { const img = document.querySelector('.share-poster__img'); await img.decode();
        return [img.naturalWidth, img.naturalHeight]; }""")
    assert size == [720, 1080]
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.endswith(".png")


# ---------- offline ----------

SEEN_LISTS = ("/", "/polls", "/notices", "/reports", "/reports/mine", "/help", "/help/activities", "/notifications")


def settled(page):
    """The screen has drawn its list (no skeleton, nothing busy)."""
    page.wait_for_selector("main > *")
    page.wait_for_function("!document.querySelector('main .skeleton, main [aria-busy=true]')")


def test_every_list_already_seen_shows_offline_from_the_cache_marked_offline(page, context):
    from .test_phone_defects import main_text, wait_for_worker

    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    wait_for_worker(page)
    for path in SEEN_LISTS:
        go(page, path)
        settled(page)
    context.set_offline(True)
    try:
        for path in SEEN_LISTS:
            go(page, "/me")
            go(page, path)
            settled(page)
            page.wait_for_selector("main .offline-mark")
            text = main_text(page)
            assert "离线" in text and "Failed to fetch" not in text, path
    finally:
        context.set_offline(False)
