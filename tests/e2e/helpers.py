"""Steps shared by the e2e tests, written the way a person uses the app."""

from __future__ import annotations

import re
import uuid

DEMO_PASSWORD = "demo-pass-2026"


def ready(page):
    """Wait until the app has booted and drawn a screen."""
    page.wait_for_selector("html[data-ready]")


def open_app(page, path="/"):
    page.goto(path)
    ready(page)


def sign_in(page, login, password=DEMO_PASSWORD, *, next_path=None):
    open_app(page, "/signin" + (f"?next={next_path}" if next_path else ""))
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    with page.expect_response(re.compile(r"/api/v1/auth/login$")) as resp:
        page.click("form button[type=submit]")
    assert resp.value.status == 200, resp.value.text()
    page.wait_for_url(lambda url: "/signin" not in url)
    ready(page)


def use_chinese_without_care_mode(page):
    """Demo accounts are shared by the session's tests, and some switch them to English or care mode:
    put the signed-in account back to the default before asserting Chinese text."""
    page.evaluate("""fetch('/api/v1/auth/session').then((r) => r.json()).then((s) => fetch('/api/v1/me', {
        method: 'PATCH', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token},
        body: JSON.stringify({locale: 'zh-CN', care_mode: false})}))""")
    page.reload()
    ready(page)


def unique_email(prefix="e2e"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.org"


def fill_sign_up(page, *, name, email, password="correct horse battery"):
    page.fill("input[name=display_name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.check("#privacy-consent")
    with page.expect_response(re.compile(r"/api/v1/auth/register$")) as resp:
        page.click("form button[type=submit]")
    assert resp.value.status == 201, resp.value.text()
    page.wait_for_url(lambda url: "/signup" not in url)
    ready(page)


def sign_up(page, *, name="测试居民", email=None, password="correct horse battery"):
    email = email or unique_email()
    open_app(page, "/signup")
    fill_sign_up(page, name=name, email=email, password=password)
    return email


def session(page):
    """The session as the page sees it (GET /api/v1/auth/session)."""
    return page.evaluate("fetch('/api/v1/auth/session', {credentials: 'same-origin'}).then(r => r.json())")


# fetch() from inside the page: the session cookie and the CSRF token are the signed-in person's own.
_API_FETCH = """async ([method, url, body]) => {
  const s = await (await fetch('/api/v1/auth/session')).json();
  const r = await fetch(url, {method, credentials: 'same-origin', cache: 'no-store',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token},
    body: body === null ? undefined : JSON.stringify(body)});
  return [r.status, await r.json().catch(() => null)];
}"""


def api(page, method, url, body=None):
    """Call the API as the page's signed-in person: ``(status, json body or None)``."""
    return page.evaluate(_API_FETCH, [method, url, body])


def go(page, path):
    """Navigate inside the app (the router, as a tapped link does) and wait for the screen."""
    page.evaluate("async (p) => { const r = await import('/js/router.js'); await r.navigate(p); }", path)
    ready(page)


def first_community_id(page):
    """The demo community (the first the page's person is listed in)."""
    return api(page, "GET", "/api/v1/communities")[1]["items"][0]["id"]
