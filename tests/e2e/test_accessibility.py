"""axe-core on every PWA screen, in normal and in care mode, at 360×740: no WCAG 2.1 A/AA violation.

axe-core comes from tests/audit (npm ci --prefix tests/audit). It is injected with `page.evaluate`
of the file's text, which runs through the DevTools protocol: the page keeps its real, strict CSP
(`script-src 'self'`, no bypass), so the audit sees exactly what a resident's phone shows.

Screens are audited if their route is registered (app.js / the domain modules): a screen whose path
still renders the not-found screen is skipped, and shows up as SKIPPED in the summary. Detail screens
(a project, a poll, a report, ...) are reached through the first link on their list.
Results per screen and mode go to tests/e2e/output/axe-results.json.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import OUTPUT
from .helpers import open_app, sign_in, sign_up

pytestmark = pytest.mark.e2e

AXE_JS = Path(__file__).resolve().parents[1] / "audit" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RESULTS = OUTPUT / "axe-results.json"


@dataclass(frozen=True)
class Screen:
    name: str
    who: str  # visitor | newcomer (signed up, no community) | resident | committee
    path: str
    follow: tuple[str, ...] = ()  # regexes: follow the first link matching each, in turn (detail screens)
    suffix: str = ""  # then open the path reached plus this (a sub-screen linked only in some states)
    click: str | None = None  # then click this (a state of the screen: field errors, a bottom sheet)


SCREENS = [
    Screen("home-visitor", "visitor", "/"),
    Screen("signin", "visitor", "/signin"),
    Screen("signup", "visitor", "/signup"),
    Screen("signup-errors", "visitor", "/signup", click="form button[type=submit]"),
    Screen("communities", "visitor", "/communities"),
    Screen("community", "visitor", "/communities", (r"^/communities/\d+$",)),
    Screen("join-search", "visitor", "/join?code=ABC"),
    Screen("join-form", "newcomer", "/communities", (r"^/communities/\d+$", r"^/join/\d+$")),
    Screen("home-resident", "resident", "/"),
    Screen("me", "resident", "/me"),
    Screen("me-invite-sheet", "resident", "/me", click="#create-invite"),
    Screen("me-delete-sheet", "resident", "/me", click="main .btn--danger-text"),
    Screen("privacy", "visitor", "/privacy"),
    Screen("signup-privacy-sheet", "visitor", "/signup", click="main a[href='/privacy']"),
    Screen("committee-members", "committee", "/committee/members"),
    # Domain screens (other engineers'): audited once their routes are registered.
    Screen("projects", "resident", "/projects"),
    Screen("project", "resident", "/projects", (r"^/projects/\d+$",)),
    Screen("project-new", "resident", "/projects/new"),
    Screen("polls", "resident", "/polls"),
    Screen("poll", "resident", "/polls", (r"^/polls/\d+$",)),
    Screen("poll-results", "resident", "/polls", (r"^/polls/\d+$",), suffix="/results"),
    Screen("poll-new", "committee", "/polls/new"),
    Screen("report-new", "resident", "/report"),
    Screen("reports", "resident", "/reports"),
    Screen("report", "resident", "/reports", (r"^/reports/\d+$",)),
    Screen("reports-mine", "resident", "/reports/mine"),
    Screen("reports-queue", "committee", "/reports/queue"),
    Screen("reports-map", "resident", "/reports/map"),
    Screen("help", "resident", "/help"),
    Screen("aid", "resident", "/help/aid"),
    Screen("aid-post", "resident", "/help/aid", (r"^/help/aid/\d+$",)),
    Screen("aid-new", "resident", "/help/aid/new"),
    Screen("time-bank", "resident", "/help/time-bank"),
    Screen("activities", "resident", "/help/activities"),
    Screen("activity", "resident", "/help/activities", (r"^/help/activities/\d+$",)),
    Screen("calendar-subscribe-sheet", "resident", "/help/activities", click=".calendar-subscribe"),
    Screen("volunteering", "resident", "/help/volunteering"),
    Screen("organisations", "committee", "/help/organisations"),
    Screen("notices", "resident", "/notices"),
    Screen("notice", "resident", "/notices", (r"^/notices/\d+$",)),
    Screen("notifications", "resident", "/notifications"),
    Screen("notification-settings", "resident", "/me/notifications"),
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci --prefix tests/audit` (make test-deps)", pytrace=False)
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pages(browser, live_server):
    """One phone-sized context per kind of person, signed in once for the whole module."""
    from .conftest import PHONE

    made, contexts = {}, []

    def page_for(who: str):
        if who not in made:
            context = browser.new_context(base_url=live_server, **PHONE)
            context.set_default_timeout(15_000)
            contexts.append(context)
            page = context.new_page()
            page.page_errors = []
            page.on("pageerror", lambda exc, p=page: p.page_errors.append(str(exc)))
            if who in ("resident", "committee"):
                sign_in(page, f"{who}@demo.linli")
            elif who == "newcomer":
                sign_up(page, name="无障碍测试")
            made[who] = page
        return made[who]

    yield page_for
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def results():
    collected: dict = {}
    yield collected
    OUTPUT.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(collected, ensure_ascii=False, indent=2))
    print("\naxe-core " + _axe_version() + ": WCAG 2.1 A/AA violations per screen (normal / care)")
    for name, modes in collected.items():
        counts = " / ".join(
            str(len(modes[mode]["violations"])) if mode in modes else "-" for mode in ("normal", "care")
        )
        print(f"  {name:24} {counts}")


def _axe_version() -> str:
    package = AXE_JS.parent / "package.json"
    return json.loads(package.read_text())["version"] if package.exists() else "?"


def settle(page) -> None:
    """Wait for the screen to be drawn and its data to arrive."""
    page.wait_for_function("document.documentElement.dataset.route !== undefined")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('main [aria-busy=true], main .skeleton')")


def open_screen(page, screen: Screen) -> str:
    open_app(page, screen.path)
    settle(page)
    if page.evaluate("document.documentElement.dataset.route") == "not-found":
        pytest.skip(f"{screen.path} is not a registered route yet")
    for pattern in screen.follow:
        hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
        target = next((href for href in hrefs if re.match(pattern, href.split("?")[0])), None)
        if target is None:
            pytest.skip(f"no link matching {pattern} on {page.url} (no such item in the demo data)")
        open_app(page, target)
        settle(page)
    if screen.suffix:
        open_app(page, page.evaluate("location.pathname") + screen.suffix)
        settle(page)
    if screen.click:
        page.click(screen.click)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(400)  # the sheet's opening transition, the errors' rendering
    return page.evaluate("location.pathname + location.search")


def run_axe(page, axe_source: str, incomplete: list | None = None) -> list[dict]:
    """WCAG 2.1 A/AA violations; what axe could not decide alone ("needs review") goes to `incomplete`."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source)  # DevTools-protocol evaluation: not subject to the page's CSP
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete']})""",
        WCAG_TAGS,
    )
    if incomplete is not None:
        incomplete.extend(
            {"id": v["id"], "targets": [n["target"] for n in v["nodes"][:5]]} for v in result["incomplete"]
        )
    return violations_of(result)


def violations_of(result: dict) -> list[dict]:
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "tags": [t for t in v["tags"] if t in WCAG_TAGS],
            "nodes": [{"target": n["target"], "summary": n.get("failureSummary", "")[:300]} for n in v["nodes"][:5]],
        }
        for v in result["violations"]
    ]


def set_care_mode(page, on: bool) -> None:
    """Care mode is what prefs.applyCare does: a class on <html> (bigger type, higher contrast, less detail)."""
    page.evaluate("on => document.documentElement.classList.toggle('care', on)", on)
    page.wait_for_timeout(50)


@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
def test_screen_has_no_wcag_violations(screen, pages, axe_source, results):
    page = pages(screen.who)
    path = open_screen(page, screen)
    found, review = {}, {}
    for mode in ("normal", "care"):
        set_care_mode(page, mode == "care")
        review[mode] = []
        found[mode] = run_axe(page, axe_source, review[mode])
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"axe-{screen.name}-{mode}.png"))
    set_care_mode(page, False)
    results[screen.name] = {
        mode: {"path": path, "violations": found[mode], "needs_review": review[mode]} for mode in found
    }
    problems = [
        f"{mode}: {v['id']} ({v['impact']}) {v['help']} at {[n['target'] for n in v['nodes']]}"
        for mode, violations in found.items()
        for v in violations
    ]
    assert not problems, f"{screen.name} ({path}):\n" + "\n".join(problems)


def test_the_audit_catches_planted_violations(pages, axe_source):
    """The harness itself: an image without alt text and grey-on-white text must be reported."""
    page = pages("visitor")
    open_app(page, "/signin")
    settle(page)
    page.evaluate("""() => {
        const img = document.createElement('img'); img.src = '/icons/icon-192.png'; img.id = 'planted-img';
        const p = document.createElement('p'); p.textContent = 'faint'; p.id = 'planted-text';
        p.style.color = '#eeeeee'; p.style.background = '#ffffff';
        document.querySelector('main').append(img, p);
    }""")
    found = {v["id"] for v in run_axe(page, axe_source)}
    # ...and the page audited is under the app's real CSP: an inline script does not run.
    from playwright.sync_api import Error as PlaywrightError

    with contextlib.suppress(PlaywrightError):  # Playwright may report the refused script as an error
        page.add_script_tag(content="window.__inlineRan = true")
    assert page.evaluate("window.__inlineRan === undefined"), "the audit context bypasses the CSP"
    page.evaluate(
        "() => { document.getElementById('planted-img').remove(); document.getElementById('planted-text').remove(); }"
    )
    assert {"image-alt", "color-contrast"} <= found, found
