"""What a person saw on a 360 × 740 phone (issue 16, "Seen on a phone"), one test per defect.

Each test looks at the screen the way the person did — the text shown, the size of what they tap, the
width of the page, the language of every word — not at what the code meant to draw.
"""

from __future__ import annotations

import re
import string
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backend.notifications.catalogue import KINDS

from .helpers import (
    open_app,
    ready,
    sign_in,
    unique_email,
    use_chinese_without_care_mode,
)

pytestmark = pytest.mark.e2e

PWA = Path(__file__).resolve().parents[2] / "pwa"
NULLISH = re.compile(r"\b(null|undefined|NaN|Invalid Date)\b|\[object Object\]")
CSP_WATCH = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "(e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def call(page, method, path, body=None):
    """The API as the signed-in page calls it (session cookie, CSRF header); returns {status, body}."""
    return page.evaluate(
        """async ([method, path, body]) => {
        const s = await (await fetch('/api/v1/auth/session', {cache: 'no-store'})).json();
        const headers = {'X-CSRF-Token': s.csrf_token, 'Content-Type': 'application/json'};
        const init = {method, cache: 'no-store', headers};
        if (body !== null) init.body = JSON.stringify(body);
        const res = await fetch(path, init);
        const text = await res.text();
        return {status: res.status, body: text ? JSON.parse(text) : null};
    }""",
        [method, path, body],
    )


def set_prefs(page, *, locale="zh-CN", care=False):
    """The signed-in person's language and care mode (shared demo accounts: tests put them back)."""
    assert call(page, "PATCH", "/api/v1/me", {"locale": locale, "care_mode": care})["status"] == 200


def go(page, path):
    """Open a screen through the app's router, as a tapped link does (the service worker stays in charge)."""
    page.evaluate(
        "async (path) => { const router = await import('/js/router.js'); await router.navigate(path); }", path
    )
    ready(page)


def wait_for_worker(page):
    """Until the service worker controls the page.

    On a loaded machine the first install (precaching the shell) can outlast a short wait, and a page
    opened before the worker activated is only controlled once `clients.claim()` reaches it: wait for
    the worker to be active, and if the page is still not controlled, reload it (a page loaded under an
    active worker is always controlled)."""
    page.evaluate(
        """() => Promise.race([
            navigator.serviceWorker.ready.then(() => true),
            new Promise((_, fail) => setTimeout(() => fail(new Error('service worker not active in 60 s')), 60000)),
        ])"""
    )
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
        ready(page)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)


def main_text(page) -> str:
    return page.locator("main").inner_text()


# ---------- a literal null ----------


def test_no_literal_null_under_a_report_without_actions_or_above_the_polls_list(page):
    """Does a resident see words, not "null", where there is nothing to do?"""
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    reports = call(page, "GET", "/api/v1/communities/1/reports?limit=20")["body"]["items"]
    checked_without_actions = 0
    for report in reports:
        open_app(page, f"/reports/{report['id']}")
        page.wait_for_selector("#report-detail .card")
        assert not NULLISH.search(main_text(page)), report["id"]
        checked_without_actions += page.locator("#rp-actions").count() == 0
    assert checked_without_actions, "the demo data has a report this resident cannot act on"
    open_app(page, "/polls")
    page.wait_for_selector("main .list-item")
    assert not NULLISH.search(main_text(page))
    assert page.locator("main .polls").evaluate("(el) => el.firstChild.nodeType") == 1  # no stray text node


# ---------- inline styles under the CSP ----------


def test_the_support_bar_draws_the_share_of_supporters_under_the_real_csp(new_context, new_page):
    """Does 2 supporters of 5 draw 40 % of the bar, with the server's CSP in force?"""
    page = new_page(new_context(bypass_csp=False))
    page.add_init_script(CSP_WATCH)
    sign_in(page, "resident@demo.linli")
    projects = call(page, "GET", "/api/v1/communities/1/projects?status=submitted&limit=20")["body"]["items"]
    project = next(p for p in projects if p["support_threshold"] and p["supports_count"] < p["support_threshold"])
    open_app(page, f"/projects/{project['id']}")
    page.wait_for_selector("#supports-count")
    shown = page.locator(".project .progress").first.evaluate(
        "(bar) => bar.querySelector('.progress__bar').getBoundingClientRect().width / bar.getBoundingClientRect().width"
    )
    expected = project["supports_count"] / project["support_threshold"]
    assert abs(shown - expected) < 0.02, (shown, expected)
    assert page.evaluate("window.__csp") == []


def test_no_screen_writes_an_inline_style():
    """Is every width drawn through a class or a CSS custom property (setProperty), which the CSP allows?"""
    offenders = []
    for path in (PWA / "js").rglob("*.js"):
        source = path.read_text(encoding="utf-8")
        for pattern in (
            r"\bstyle:\s*[`'\"][^`'\"]*:",  # h('span', {style: 'width: 40%'})
            r"\.style\.(?!setProperty\b)\w+\s*=(?!=)",
            r"cssText",
            r"setAttribute\(\s*['\"]style",
            r"<[a-z][^>]*\sstyle=",
            r"<style",
        ):
            offenders += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, source)]
    assert offenders == []


def test_the_volunteer_certificate_is_styled_and_prints_under_the_csp(new_context, new_page):
    """Do the certificate's stylesheet and its Print button work with the server's CSP in force?"""
    page = new_page(new_context(bypass_csp=False))
    page.add_init_script(CSP_WATCH + " window.print = () => { window.__printed = true; };")
    sign_in(page, "resident@demo.linli")
    page.goto("/api/v1/me/volunteering/certificate")
    page.wait_for_selector("#print-certificate")
    assert page.locator("h1").evaluate("(el) => getComputedStyle(el).color") == "rgb(15, 118, 110)"
    page.click("#print-certificate")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__printed === true")
    assert page.evaluate("window.__csp") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page.locator("main").inner_text())  # dates written for a person


# ---------- forms on a 360 px phone ----------


def organisation_id(page) -> int:
    orgs = call(page, "GET", "/api/v1/me/organisations")["body"]
    return next(o["id"] for o in orgs if o["status"] == "verified")


@pytest.mark.parametrize("mode", ["zh", "en", "care"])
def test_the_new_activity_form_with_two_shifts_fits_a_360_px_phone(page, mode):
    """Are the end time, capacity, submit button and tab bar on screen, not pushed off to the right?"""
    sign_in(page, "org@demo.linli")
    set_prefs(page, locale="en" if mode == "en" else "zh-CN", care=mode == "care")
    try:
        open_app(page, f"/help/organisations/{organisation_id(page)}/activities/new")
        page.wait_for_selector(".shift-row")
        page.locator("#activity-add-shift").click()  # a second shift
        assert page.locator(".shift-row").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        for selector in ("input[name=ends_at_1]", "input[name=capacity_1]", "form button[type=submit]", "#tabbar"):
            box = page.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, selector
    finally:
        set_prefs(page)


FORMS = [
    ("committee@demo.linli", "/polls/new"),
    ("committee@demo.linli", "/notices/new"),
    ("committee@demo.linli", "/committee/insights?period=custom"),
    ("resident@demo.linli", "/projects/new"),
    ("resident@demo.linli", "/report"),
    ("resident@demo.linli", "/help/aid/new"),
    ("resident@demo.linli", "/me"),
]


@pytest.mark.parametrize("login,path", FORMS)
def test_every_form_fits_a_360_px_phone_in_care_mode(page, login, path):
    """Care mode's large type is where a row of fields would push the page sideways."""
    sign_in(page, login)
    set_prefs(page, care=True)
    try:
        open_app(page, path)
        page.wait_for_selector("main form, main input")
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        set_prefs(page)


# ---------- notification settings as the first page ----------


def test_notification_settings_opened_first_without_a_service_worker_show_the_settings(new_context, new_page):
    """With no service worker yet (blocked here), does 通知设置 draw instead of hanging on the splash?"""
    page = new_page(new_context(service_workers="block"))
    sign_in(page, "resident@demo.linli")
    page.goto("/me/notifications")
    page.wait_for_selector("html[data-ready]", timeout=3_000)
    page.wait_for_selector(".notif-preset", timeout=3_000)  # the kinds themselves are folded behind the presets
    status = page.locator("#push-status")
    page.wait_for_function("!document.querySelector('#push-status').textContent.includes('正在')", timeout=8_000)
    assert status.inner_text().strip()


# ---------- deep links ----------


def catalogue_paths() -> set[str]:
    """Every path the notification catalogue builds, with 1 for each id."""
    paths = set()
    for spec in KINDS.values():
        names = [name for _, name, _, _ in string.Formatter().parse(spec.url) if name]
        paths.add(spec.url.format(**{name: "1" for name in names}).split("?")[0])
    return paths


def test_every_deep_link_the_notification_catalogue_builds_has_a_screen(page):
    """Does no notification open "找不到这个页面"? (Matched by the app's own router.)"""
    open_app(page, "/")
    unmatched = page.evaluate(
        """async (paths) => {
        const router = await import('/js/router.js');
        return paths.filter((p) => router.match(p).pattern === null);
    }""",
        sorted(catalogue_paths()),
    )
    assert unmatched == []


@pytest.mark.parametrize("link,route", [("/activities/1", "/help/activities/:id"), ("/help/1", "/help/aid/:id")])
def test_short_links_from_the_inbox_open_the_activity_and_the_aid_post(page, link, route):
    sign_in(page, "resident@demo.linli")
    open_app(page, link)
    page.wait_for_selector(f"html[data-route='{route}']")
    assert "找不到" not in main_text(page)


def test_every_inbox_item_of_the_demo_residents_opens_a_screen(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    items = call(page, "GET", "/api/v1/notifications?limit=100")["body"]["items"]
    links = sorted({n["url"] for n in items})
    assert links
    for link in links:
        go(page, link)
        assert page.evaluate("document.documentElement.dataset.route") != "not-found", link


# ---------- language: check-in code, categories, tab bar ----------


def test_a_wrong_check_in_code_is_explained_in_chinese(page, new_context, new_page):
    organiser = new_page(new_context())
    sign_in(organiser, "org@demo.linli")
    starts = datetime.now(UTC) + timedelta(minutes=5)
    created = call(
        organiser,
        "POST",
        f"/api/v1/organisations/{organisation_id(organiser)}/activities",
        {
            "title": f"签到测试 {uuid.uuid4().hex[:4]}",
            "description": "",
            "location": "活动室",
            "skills": [],
            "shifts": [
                {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(), "capacity": 3}
            ],
        },
    )
    assert created["status"] == 201, created
    shift_id = created["body"]["shifts"][0]["id"]

    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    assert call(page, "POST", f"/api/v1/shifts/{shift_id}/signups")["status"] == 201
    open_app(page, f"/help/checkin/{shift_id}")
    page.fill("input[name=code]", "WRONG1")
    page.click("#checkin-submit")
    page.wait_for_selector("input[name=code][aria-invalid=true]")
    error = page.locator("input[name=code]").evaluate(
        "(input) => document.getElementById(input.getAttribute('aria-describedby').split(' ').pop()).textContent"
    )
    assert error and "签到码" in error
    assert not re.search(r"[A-Za-z]{3,}", main_text(page).replace("WRONG1", ""))


def test_report_categories_follow_the_language_after_switching(page):
    """Seen in Chinese first (and cached by the service worker), are the categories English after the switch?"""
    sign_in(page, "resident@demo.linli")
    wait_for_worker(page)
    use_chinese_without_care_mode(page)
    try:
        go(page, "/report")
        page.wait_for_selector("#report-form .chips .chip")
        assert "路灯" in page.locator("#report-form .chips").inner_text()
        go(page, "/me")
        page.click("button[data-locale=en]")  # switched in the app, as a person does: no reload
        page.wait_for_selector("html[lang=en]")
        go(page, "/report")
        page.wait_for_selector("#report-form .chips .chip")
        chips = page.locator("#report-form .chips").inner_text()
        assert "Street lights" in chips and not re.search(r"[\u4e00-\u9fff]", chips)
    finally:
        set_prefs(page)


@pytest.mark.parametrize("care", [False, True])
def test_tab_labels_stay_on_one_line_in_english(page, care):
    sign_in(page, "resident@demo.linli")
    set_prefs(page, locale="en", care=care)
    try:
        open_app(page, "/")
        labels = page.locator(".tabbar__label")
        assert labels.count() == 5
        for i in range(5):
            fits = labels.nth(i).evaluate(
                "(el) => el.scrollWidth <= el.clientWidth + 1 && el.getClientRects().length === 1"
            )
            assert fits, labels.nth(i).inner_text()
            line = labels.nth(i).evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight) || 20")
            assert labels.nth(i).bounding_box()["height"] < 1.6 * line
    finally:
        set_prefs(page)


# ---------- the audit log ----------


def test_the_audit_log_reads_as_sentences_in_the_committees_language(page):
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/committee/audit?action=member")
    page.wait_for_selector("#audit-log .mod-audit")
    text = page.locator("#audit-log").inner_text()
    assert "核实了居民" in text and "待核实 → 已认证" in text
    assert not re.search(r"member\.verify|pending|verified|T\d{2}:\d{2}:\d{2}\.\d+", text)
    options = page.locator("select[name=target_type] option").all_inner_texts()
    assert not [o for o in options if re.search(r"[a-z]_[a-z]", o)]
    set_prefs(page, locale="en")
    try:
        page.reload()
        ready(page)
        page.wait_for_selector("#audit-log .mod-audit")
        text = page.locator("#audit-log").inner_text()
        assert "Verified a resident" in text and "pending → verified" in text
        assert "member.verify" not in text
    finally:
        set_prefs(page)


# ---------- offline ----------


def test_offline_a_list_already_seen_shows_from_cache_marked_offline_and_errors_are_translated(page, context):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    wait_for_worker(page)
    go(page, "/projects")
    page.wait_for_selector("#project-list .project-card")
    context.set_offline(True)
    try:
        go(page, "/")
        go(page, "/projects")
        page.wait_for_selector("#project-list .project-card")
        page.wait_for_selector("main .offline-mark")
        assert "离线" in page.locator("main .offline-mark").inner_text()
        assert "Failed to fetch" not in main_text(page)
        go(page, "/polls/999999")  # never seen: nothing cached
        text = main_text(page)
        assert "Failed to fetch" not in text and "网络" in text
    finally:
        context.set_offline(False)


def test_a_queued_report_waits_without_an_error_and_says_sent_when_the_outbox_flushes(page, context):
    description = f"楼道灯坏了（发送测试 {uuid.uuid4().hex[:6]}）"
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    wait_for_worker(page)
    go(page, "/reports/mine")
    page.wait_for_selector("#report-list, main .empty")
    go(page, "/report")
    page.wait_for_selector("#report-form .chips .chip")
    page.click("#report-form .chips .chip >> nth=0")
    page.fill("textarea[name=description]", description)
    page.fill("input[name=location_text]", "5号楼")
    context.set_offline(True)
    page.click("#report-form button[type=submit]")
    page.wait_for_selector(f"#rp-waiting-list >> text={description}")
    text = main_text(page)
    assert "等待发送" in text and "操作没有成功" not in text and "Failed to fetch" not in text
    assert page.locator("#outbox-button .badge").inner_text() == "1"  # the shell's outbox counts it too
    context.set_offline(False)
    page.wait_for_selector("#rp-waiting-list [data-state=sent]", timeout=20_000)
    assert "已发送" in page.locator("#rp-waiting-list").inner_text()
    page.locator("#toasts").get_by_text("已发送").first.wait_for()


# ---------- dates ----------


def test_dates_follow_the_language_and_the_persons_time_zone(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    shanghai_year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    moment = f"{shanghai_year}-12-07T02:00:00Z"
    shown = page.evaluate(
        """async (moment) => {
        const i18n = await import('/js/i18n.js');
        const out = {zh: i18n.formatDateTime(moment)};
        i18n.setTimeZone('America/New_York');
        out.newYork = i18n.formatDateTime(moment);
        await i18n.setLocale('en');
        i18n.setTimeZone('Asia/Shanghai');
        out.en = i18n.formatDateTime(moment);
        await i18n.setLocale('zh-CN');
        return out;
    }""",
        moment,
    )
    assert shown == {"zh": "12月7日 10:00", "newYork": "12月6日 21:00", "en": "Dec 7, 10:00 AM"}

    report = call(page, "GET", "/api/v1/communities/1/reports?limit=1")["body"]["items"][0]
    open_app(page, f"/reports/{report['id']}")
    page.wait_for_selector("#rp-timeline time")
    created = datetime.fromisoformat(report["created_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{created.month}月{created.day}日 {created:%H:%M}" in page.locator("#rp-timeline").inner_text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", main_text(page))


def test_one_date_formatter_serves_every_screen():
    """No screen formats dates or numbers on its own (i18n.js is the one place)."""
    own_formatting = re.compile(r"toLocale\w*String|Intl\.DateTimeFormat|Intl\.NumberFormat")
    offenders = [
        f"{p.name}: {m.group(0)}"
        for p in (PWA / "js").rglob("*.js")
        if p.name != "i18n.js"
        for m in own_formatting.finditer(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# ---------- tap targets ----------


def test_sign_up_consent_is_a_real_target_and_its_error_is_not_covered(page):
    for care in (False, True):
        page.goto("/")
        page.evaluate("(care) => localStorage.setItem('linli.care', care ? '1' : '0')", care)
        open_app(page, "/signup")
        minimum = 44 if care else 24
        box = page.locator("#privacy-consent").bounding_box()
        assert box["width"] >= minimum and box["height"] >= minimum, (care, box)
        page.fill("input[name=display_name]", "同意测试")
        page.fill("input[name=email]", unique_email("consent"))
        page.fill("input[name=password]", "correct horse battery")
        page.click("form button[type=submit]")
        error = page.locator("#privacy-consent-error")
        error.wait_for()
        assert error.inner_text().strip()
        covered = error.evaluate("""(el) => {
            const r = el.getBoundingClientRect();
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return !(top === el || el.contains(top));
        }""")
        assert not covered, care
    page.evaluate("localStorage.setItem('linli.care', '0')")


@pytest.mark.parametrize("care", [False, True])
def test_chips_comment_actions_and_join_another_community_are_big_enough(page, care):
    sign_in(page, "resident@demo.linli")
    set_prefs(page, care=care)
    minimum = 44
    try:
        open_app(page, "/projects")
        page.wait_for_selector(".chip")
        heights = page.locator(".chip").evaluate_all("(els) => els.map((e) => e.getBoundingClientRect().height)")
        for height in heights:
            assert height >= minimum
        project = call(page, "GET", "/api/v1/communities/1/projects?limit=1")["body"]["items"][0]
        posted = call(page, "POST", f"/api/v1/projects/{project['id']}/comments", {"body": "按钮够大吗？"})
        assert posted["status"] == 201, posted
        open_app(page, f"/projects/{project['id']}")
        page.wait_for_selector(".comment__actions .btn")
        for box in page.locator(".comment__actions .btn").evaluate_all(
            "(els) => els.map((e) => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])"
        ):
            assert box[0] >= 24 and box[1] >= minimum, box
        open_app(page, "/me")
        join = page.locator("main a[href='/communities']")
        assert join.bounding_box()["height"] >= minimum
    finally:
        set_prefs(page)


def test_a_missing_report_category_is_said_where_the_sticky_send_button_does_not_cover_it(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/report")
    page.wait_for_selector("#report-form .chips .chip")
    page.fill("textarea[name=description]", "没有选类别")
    page.click("#report-form button[type=submit]")
    error = page.locator("#rp-category-error")
    error.wait_for()
    page.wait_for_timeout(300)  # the smooth scroll settles
    assert error.inner_text().strip()
    assert error.evaluate("""(el) => {
        const r = el.getBoundingClientRect();
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return top === el || el.contains(top);
    }""")
