"""Lighthouse at mobile settings on the screens people use most: accessibility must score at least 95.

Lighthouse comes from tests/audit (npm ci --prefix tests/audit) and drives Debian's Chromium
(CHROME_PATH, `--headless=new --no-sandbox --disable-gpu`) against the e2e server, signed in as the
demo resident (the session cookie is sent as an extra header). Pages: home, a project, a poll and a
report when those routes are registered (else the profile screen stands in). Lighthouse 12 has no
PWA category any more: installability is Chrome's own verdict (DevTools `Page.getInstallabilityErrors`).

Each page's report is kept as tests/e2e/output/lighthouse-<page>.json; the scores are summarised in
tests/e2e/output/lighthouse-summary.json and printed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import OUTPUT, PHONE
from .helpers import open_app, sign_in

pytestmark = pytest.mark.e2e

AUDIT_DIR = Path(__file__).resolve().parents[1] / "audit"
LIGHTHOUSE = AUDIT_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CATEGORIES = ("accessibility", "best-practices", "seo")
MIN_ACCESSIBILITY = 95

# (name, list screen, regex of the detail link to follow on it)
DETAIL_PAGES = [
    ("project", "/projects", r"^/projects/\d+$"),
    ("poll", "/polls", r"^/polls/\d+$"),
    ("report", "/reports", r"^/reports/\d+$"),
]


def _route_of(page) -> str:
    page.wait_for_function("document.documentElement.dataset.route !== undefined")
    page.wait_for_load_state("networkidle")
    return page.evaluate("document.documentElement.dataset.route")


@pytest.fixture(scope="module")
def targets(browser, playwright_instance, live_server):
    """The pages to audit, the resident's session cookie, and Chrome's installability verdict."""
    context = browser.new_context(base_url=live_server, **PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, "resident@demo.linli")
        pages = {"home": "/"}
        for name, list_path, detail in DETAIL_PAGES:
            open_app(page, list_path)
            if _route_of(page) == "not-found":
                continue
            hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
            found = next((href for href in hrefs if re.match(detail, href.split("?")[0].split("#")[0])), None)
            if found:
                pages[name] = found
        if len(pages) < 1 + len(DETAIL_PAGES):
            pages["profile"] = "/me"
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    finally:
        context.close()
    return {"pages": pages, "cookie": cookie, "installability": installability_errors(playwright_instance, live_server)}


def installability_errors(playwright_instance, live_server) -> list:
    """Chrome's installability verdict on the home page; it needs a profile (a plain context is incognito)."""
    from .conftest import CHROMIUM, CHROMIUM_ARGS

    with tempfile.TemporaryDirectory(prefix="linli-profile-") as profile:
        context = playwright_instance.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=live_server, **PHONE
        )
        try:
            page = context.new_page()
            open_app(page, "/")
            page.evaluate("async () => { await navigator.serviceWorker.ready; }")
            return context.new_cdp_session(page).send("Page.getInstallabilityErrors").get("installabilityErrors", [])
        finally:
            context.close()


def run_lighthouse(url: str, cookie: str, output: Path) -> dict:
    if not LIGHTHOUSE.exists():
        pytest.fail(f"{LIGHTHOUSE} is missing: run `npm ci --prefix tests/audit` (make test-deps)", pytrace=False)
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--form-factor=mobile",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    done = subprocess.run(
        command, check=False, env={**os.environ, "CHROME_PATH": CHROME}, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0 and output.exists(), f"lighthouse failed ({done.returncode}):\n{done.stderr[-3000:]}"
    return json.loads(output.read_text())


def failing_audits(report: dict, category: str) -> list[str]:
    refs = report["categories"][category]["auditRefs"]
    return [
        f"{ref['id']}: {report['audits'][ref['id']]['title']}"
        for ref in refs
        if ref["weight"]
        and (report["audits"][ref["id"]].get("score") is not None)
        and report["audits"][ref["id"]]["score"] < 1
    ]


def test_lighthouse_scores_on_mobile(targets, live_server):
    OUTPUT.mkdir(exist_ok=True)
    summary = {"installability_errors": targets["installability"], "pages": {}}
    low = []
    # Two at a time: each run waits on its own page load as much as it computes.
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(
            zip(
                targets["pages"],
                pool.map(
                    lambda item: run_lighthouse(
                        live_server + item[1], targets["cookie"], OUTPUT / f"lighthouse-{item[0]}.json"
                    ),
                    targets["pages"].items(),
                ),
                strict=False,
            )
        )
    for name, path in targets["pages"].items():
        report = reports[name]
        final_path = re.sub(r"^https?://[^/]+", "", report.get("finalDisplayedUrl") or report.get("finalUrl", ""))
        scores = {category: round(report["categories"][category]["score"] * 100) for category in CATEGORIES}
        summary["pages"][name] = {
            "path": path,
            "final_path": final_path,
            "scores": scores,
            "not_perfect": {c: failing_audits(report, c) for c in CATEGORIES if failing_audits(report, c)},
        }
        summary["lighthouse"] = report["lighthouseVersion"]
        assert final_path == path, f"{name}: Lighthouse ended on {final_path}, not {path} (signed out?)"
        if scores["accessibility"] < MIN_ACCESSIBILITY:
            low.append(f"{name} {scores['accessibility']}: {failing_audits(report, 'accessibility')}")
    (OUTPUT / "lighthouse-summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(f"\nLighthouse {summary.get('lighthouse')} (mobile): " + ", ".join(CATEGORIES))
    for name, page in summary["pages"].items():
        print(
            f"  {name:8} {page['path']:16} "
            + " / ".join(str(page["scores"][c]) for c in CATEGORIES)
            + (f"   not perfect: {page['not_perfect']}" if page["not_perfect"] else "")
        )
    print(f"  installable (Chrome): {'yes' if not targets['installability'] else targets['installability']}")
    assert not low, f"accessibility below {MIN_ACCESSIBILITY}: {low}"
    assert not targets["installability"], f"Chrome does not find the PWA installable: {targets['installability']}"
