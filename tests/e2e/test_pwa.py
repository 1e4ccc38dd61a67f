"""The PWA in a phone-sized headless Chromium against a real server with the demo data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .helpers import fill_sign_up, open_app, ready, session, sign_in, sign_up, unique_email

pytestmark = pytest.mark.e2e


def test_a_visitor_can_sign_up_and_is_asked_to_choose_a_community(page):
    """Can someone new create an account from the welcome screen?"""
    open_app(page, "/")
    page.click("main a[href='/signup']")
    email = unique_email("signup")
    fill_sign_up(page, name="新邻居", email=email)
    assert page.url.endswith("/communities")
    user = session(page)["user"]
    assert user["email"] == email and user["display_name"] == "新邻居"
    page.locator("main").get_by_text("阳光社区").first.wait_for()


def test_sign_up_shows_field_errors_for_a_short_password(page):
    """Is a too-short password explained next to the field, not only in a toast?"""
    open_app(page, "/signup")
    page.fill("input[name=display_name]", "短密码")
    page.fill("input[name=email]", unique_email())
    page.fill("input[name=password]", "short")
    page.click("form button[type=submit]")
    password = page.locator("input[name=password]")
    assert password.get_attribute("aria-invalid") == "true"
    error_id = password.get_attribute("aria-describedby").split()[-1]
    assert page.locator(f"#{error_id}").inner_text().strip() != ""


def test_an_invite_code_from_a_resident_makes_a_new_neighbour_invited_and_says_so(page, new_context, new_page):
    """Does a verified resident's invite code let a neighbour join 阳光社区 as invited (known, not yet verified:
    only the committee verifies a household, issue 15), told so in words, never a raw state?"""
    sign_in(page, "resident@demo.linli")
    open_app(page, "/me")
    page.click("#create-invite")
    code = page.locator("#invite-code").inner_text().strip()
    link = page.locator("#invite-link").inner_text().strip()
    assert code and code in link

    neighbour = new_page(new_context())
    neighbour.goto(link)  # the join link sends a visitor to sign up, then back to the join form
    ready(neighbour)
    neighbour.wait_for_url(re.compile(r"/signup\?next="))
    fill_sign_up(neighbour, name="被邀请的邻居", email=unique_email("invited"))
    neighbour.wait_for_selector("input[name=invite_code]")
    assert neighbour.input_value("input[name=invite_code]") == code
    neighbour.fill("input[name=building]", "7")
    neighbour.fill("input[name=unit]", "1")
    neighbour.fill("input[name=room]", "302")
    neighbour.locator("[role=radio]").nth(2).click()
    neighbour.click("form button[type=submit]")
    result = neighbour.locator("#join-result[data-status=invited]")
    result.wait_for()
    assert "受邀加入，待核实" in result.inner_text() and "status." not in result.inner_text()
    membership = session(neighbour)["user"]["memberships"][0]
    assert membership["status"] == "invited"
    assert membership["household"]["room"] == "302"
    neighbour.locator("#join-result a[href='/']").click()
    neighbour.wait_for_selector("#pending-note")  # home tells the truth: the committee checks the household


def test_joining_without_a_code_leaves_the_member_pending(page):
    """Without an invite, does the home screen say the committee will verify?"""
    sign_up(page, name="待核实邻居")
    open_app(page, "/communities")
    page.get_by_role("link", name=re.compile("阳光社区")).click()
    page.get_by_role("link", name="加入社区").click()
    page.fill("input[name=building]", "9")
    page.fill("input[name=unit]", "2")
    page.fill("input[name=room]", "101")
    page.click("form button[type=submit]")
    page.wait_for_selector("#join-result[data-status=pending]")
    open_app(page, "/")
    card = page.locator("#membership-card")
    assert card.get_attribute("data-status") == "pending"
    assert "居委会" in page.locator("main .notice").inner_text()


def test_switching_to_english_changes_the_ui_and_survives_a_reload(page):
    """Does the language switch apply at once and is it saved to the account?"""
    sign_up(page, name="Language Tester")
    open_app(page, "/me")
    assert page.locator("a[data-tab=me]").inner_text().strip() == "我的"
    with page.expect_response(lambda r: r.url.endswith("/api/v1/me") and r.request.method == "PATCH") as resp:
        page.click("button[data-locale=en]")
    assert resp.value.status == 200
    page.wait_for_function("document.querySelector('a[data-tab=me]').textContent.trim() === 'Me'")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.reload()
    ready(page)
    assert page.locator("a[data-tab=me]").inner_text().strip() == "Me"
    assert page.locator("#appbar-title").inner_text().strip() == "Me"
    assert session(page)["user"]["locale"] == "en"


def test_care_mode_enlarges_text_and_survives_a_reload(page):
    """Does care mode put `care` on <html>, raise the base font size and persist?"""
    sign_up(page, name="关怀模式")
    open_app(page, "/me")
    base = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/me") and r.request.method == "PATCH") as resp:
        page.check("#care-switch")
    assert resp.value.status == 200
    assert page.evaluate("document.documentElement.classList.contains('care')")
    larger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert larger >= 20 > base
    page.reload()
    ready(page)
    assert page.evaluate("document.documentElement.classList.contains('care')")
    tab_height = page.locator("a[data-tab=home]").bounding_box()["height"]
    assert tab_height >= 56
    assert session(page)["user"]["care_mode"] is True


def test_service_worker_controls_the_page_and_serves_the_shell_offline(page, context):
    """Is the app shell there after a reload without a network?"""
    open_app(page, "/")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15_000)
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope.endswith("/")
    context.set_offline(True)
    try:
        page.reload()
        ready(page)
        assert page.locator("#tabbar a[data-tab=home]").is_visible()
        assert page.locator("#appbar-title").inner_text().strip() == "邻里"
        assert page.locator("#net-banner").is_visible()
        page.goto("/me")  # a deep link works offline too
        ready(page)
        assert page.locator("#tabbar").is_visible()
    finally:
        context.set_offline(False)


def test_offline_changes_wait_in_the_outbox_and_are_sent_once_online(page, context):
    """Is a change made offline queued, shown as waiting, and sent when the connection returns?"""
    sign_up(page, name="离线前")
    open_app(page, "/me")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    context.set_offline(True)
    page.fill("input[name=display_name]", "离线后改名")
    page.locator("form:has(input[name=display_name]) button[type=submit]").click()
    page.wait_for_selector("#outbox-button:not([hidden])")
    assert page.locator("#outbox-button .badge").inner_text() == "1"
    page.click("#outbox-button")
    page.locator("dialog.sheet[open]").get_by_text("修改称呼").wait_for()
    page.keyboard.press("Escape")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/me") and r.request.method == "PATCH") as resp:
        context.set_offline(False)
    assert resp.value.status == 200
    assert resp.value.request.header_value("idempotency-key")
    page.wait_for_selector("#outbox-button[hidden]", state="attached")
    assert session(page)["user"]["display_name"] == "离线后改名"


def test_committee_verifies_a_pending_member(page):
    """Can a committee member verify the demo newcomer from the list of members to verify?"""
    sign_in(page, "committee@demo.linli")
    page.click("a[href='/committee/members']")
    page.wait_for_selector("#pending-list")
    cards = page.locator("#pending-list .card")
    assert cards.count() >= 1
    newcomer = cards.filter(has_text="newcomer@demo.linli")
    target = newcomer if newcomer.count() else cards.first
    user_id = target.get_attribute("data-user-id")
    with page.expect_response(re.compile(rf"/members/{user_id}/verify$")) as resp:
        target.get_by_role("button", name=re.compile(r"^认证")).click()  # not 不通过 (reject), its neighbour
    assert resp.value.status == 200
    assert resp.value.json()["status"] == "verified"
    page.wait_for_selector(f"#pending-list .card[data-user-id='{user_id}']", state="detached")


def test_a_verified_residents_home_shows_the_verified_membership(page):
    """Does a verified demo resident's home show their verified membership? (The screen of the docs'
    phone screenshot, which scripts/docs-screenshots refreshes: a test never writes tracked files.)"""
    sign_in(page, "resident@demo.linli")
    open_app(page, "/")
    page.wait_for_selector("#membership-card[data-status=verified]")


def test_the_app_runs_under_the_servers_strict_content_security_policy(new_context, new_page):
    """Does the shell need no inline script or style, so that the server's `script-src 'self'` holds?"""
    page = new_page(new_context(bypass_csp=False))
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    sign_in(page, "resident@demo.linli")
    open_app(page, "/me")
    page.click("#create-invite")
    page.wait_for_selector("#invite-code")
    assert page.evaluate("window.__csp") == []
    # control: the policy really is in force, so the empty list above means something
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    for _ in range(50):
        if page.evaluate("window.__csp.length"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__csp.length") > 0


def test_user_text_is_shown_as_text_not_markup(page):
    """Is a display name full of HTML rendered literally (no XSS)?"""
    name = '<img src=x onerror="window.__xss=1">'
    sign_up(page, name=name)
    open_app(page, "/")
    assert page.locator("main").get_by_text(name, exact=False).count() >= 1
    assert page.locator("main img[src=x]").count() == 0
    assert page.evaluate("window.__xss") is None


def test_signing_out_ends_the_session(page):
    """Does “sign out” on the Me screen leave a visitor behind?"""
    sign_up(page, name="退出测试")
    open_app(page, "/me")
    with page.expect_response(re.compile(r"/api/v1/auth/logout$")) as resp:
        page.click("#sign-out")
    assert resp.value.status == 204
    page.wait_for_selector("main a[href='/signup']")
    assert session(page)["user"] is None


def test_deleting_the_account_asks_first_then_signs_out(page):
    """Is deletion confirmed in a sheet, and is the person signed out afterwards?"""
    email = sign_up(page, name="要注销的人")
    open_app(page, "/me")
    page.get_by_role("button", name="注销账号").click()
    sheet = page.locator("dialog.sheet[open]")
    sheet.get_by_role("button", name="取消").click()
    assert session(page)["user"]["email"] == email
    page.get_by_role("button", name="注销账号").click()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/me") and r.request.method == "DELETE") as resp:
        page.locator("dialog.sheet[open]").get_by_role("button", name="确认注销").click()
    assert resp.value.status == 204
    page.wait_for_selector("main a[href='/signup']")
    assert session(page)["user"] is None


def test_a_new_version_is_applied_only_when_the_user_accepts(page):
    """Does a new service worker wait, show “update available”, and take over only after a tap?"""
    open_app(page, "/")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    # A different script URL for the same scope is an update, as a changed sw.js would be.
    page.evaluate("navigator.serviceWorker.register('/sw.js?next=1', {scope: '/'})")
    toast = page.locator("#toasts .toast", has_text="有新版本可用")
    toast.wait_for(timeout=15_000)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")  # still the old one
    with page.expect_event("load", timeout=15_000):
        toast.get_by_role("button", name="立即更新").click()
    ready(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js?next=1")


APP_JS = Path(__file__).resolve().parents[2] / "pwa" / "js" / "app.js"
LAZY_ENTRY = re.compile(r"\[\(\) => import\('\./(screens/[\w-]+\.js)'\), \[(.*?)\]\]", re.S)


def lazy_screens() -> dict[str, list[str]]:
    """LAZY_SCREENS of app.js as {module: [patterns]}."""
    entries = LAZY_ENTRY.findall(APP_JS.read_text(encoding="utf-8"))
    return {module: re.findall(r"'([^']+)'", patterns) for module, patterns in entries}


def test_every_screen_module_exports_the_routes_the_shell_lists_for_it(page):
    """A pattern listed in LAZY_SCREENS but missing from its module's ROUTES would open an error screen; one in
    ROUTES but not listed would never open."""
    open_app(page, "/")
    listed = lazy_screens()
    assert len(listed) >= 15
    exported = page.evaluate(
        "async (modules) => Object.fromEntries(await Promise.all(modules.map(async (m) =>"
        " [m, Object.keys((await import(`/js/${m}`)).ROUTES)])))",
        list(listed),
    )
    assert {m: sorted(p) for m, p in exported.items()} == {m: sorted(p) for m, p in listed.items()}
    # where a named path and a parameter both match, the named one opens, whatever the order of the list
    matched = page.evaluate(
        "async (paths) => { const r = await import('/js/router.js'); return paths.map((p) => r.match(p).pattern); }",
        ["/help/mine", "/help/7", "/help/organisations", "/reports/mine", "/projects/new", "/polls/3/results"],
    )
    assert matched == [
        "/help/mine",
        "/help/:id",
        "/help/organisations",
        "/reports/mine",
        "/projects/new",
        "/polls/:id/results",
    ]


def test_a_first_visit_loads_the_shell_and_only_the_screen_it_opens(new_context, new_page):
    """Opening a project in a new browser fetches the projects screen and what it uses, not the polls, reports,
    help or committee screens; the service worker registers afterwards and precaches the rest for offline use."""
    page = new_page(new_context(service_workers="block"))
    screens = []
    page.on("request", lambda r: screens.append(r.url.split("/js/screens/")[1]) if "/js/screens/" in r.url else None)
    open_app(page, "/projects/12")
    page.wait_for_load_state("networkidle")
    assert "projects.js" in screens
    others = {"polls.js", "reports.js", "aid.js", "moderation.js", "insights.js", "notifications.js", "me.js"}
    assert others & set(screens) == set()
    screens.clear()
    page.click("a[href='/me']")
    page.wait_for_function("document.documentElement.dataset.route === '/me'")
    assert "me.js" in screens
