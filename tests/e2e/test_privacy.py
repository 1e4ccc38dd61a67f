"""Privacy in the PWA: consent at sign-up, the notice before anything else for someone who has not
accepted it, and the download of one's own data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .helpers import DEMO_PASSWORD, open_app, ready, session, sign_in, unique_email

pytestmark = pytest.mark.e2e


def test_sign_up_needs_the_privacy_notice_accepted(page):
    """Can someone create an account without agreeing? No: the box is explained, and nothing is sent."""
    open_app(page, "/signup")
    page.fill("input[name=display_name]", "谨慎的邻居")
    page.fill("input[name=email]", unique_email("consent"))
    page.fill("input[name=password]", "correct horse battery")
    sent = []
    page.on("request", lambda request: request.url.endswith("/auth/register") and sent.append(request))
    page.click("form button[type=submit]")
    box = page.locator("#privacy-consent")
    assert box.get_attribute("aria-invalid") == "true"
    assert page.locator("#privacy-consent-error").inner_text().strip() != ""
    assert sent == []

    page.click("main a[href='/privacy']")  # the notice opens over the form, which keeps its input
    page.locator("dialog.sheet h3").first.wait_for()
    assert "住址" in page.locator("dialog.sheet").inner_text()
    page.click("dialog.sheet .sheet__actions button")
    assert page.input_value("input[name=display_name]") == "谨慎的邻居"

    box.check()
    with page.expect_response(re.compile(r"/api/v1/auth/register$")) as resp:
        page.click("form button[type=submit]")
    assert resp.value.status == 201
    page.wait_for_url(lambda url: "/signup" not in url)
    assert session(page)["user"]["privacy"]["needs_consent"] is False


def test_an_account_without_consent_sees_the_notice_first_and_goes_on_after_accepting(page, live_server):
    """An account made by an older client (no consent) is stopped at the notice, then let through."""
    email = unique_email("noconsent")
    open_app(page, "/")
    status = page.evaluate(
        """async (email) => {
        const s = await (await fetch('/api/v1/auth/session')).json();
        const r = await fetch('/api/v1/auth/register', {method: 'POST', headers: {'Content-Type': 'application/json',
            'X-CSRF-Token': s.csrf_token}, body: JSON.stringify({email, password: 'correct horse battery',
            display_name: '老客户端'})});
        return r.status; }""",
        email,
    )
    assert status == 201
    open_app(page, "/projects")
    page.wait_for_url(re.compile(r"/privacy\?next=%2Fprojects"))
    page.locator("#privacy-accept").wait_for()
    page.click("#privacy-accept")
    page.wait_for_url(re.compile(r"/projects$"))
    ready(page)
    assert session(page)["user"]["privacy"]["needs_consent"] is False
    open_app(page, "/me")
    assert "/privacy" not in page.url


def test_a_resident_downloads_their_own_data_from_me(page):
    """Does "download my data" give a JSON file of this person's data?"""
    sign_in(page, "resident@demo.linli", DEMO_PASSWORD, next_path="/me")
    with page.expect_download() as download:
        page.click("#download-my-data")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert download.value.suggested_filename.startswith("linli-my-data-")
    assert data["account"]["profile"]["email"] == "resident@demo.linli"
    assert data["communities"]["households"] and "password_hash" not in json.dumps(data)
