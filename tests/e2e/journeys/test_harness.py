"""The journey suite's own checks must catch what they are for: a screen with one planted defect per rule
is reported under every rule, and user content (marked) is left alone. Plus the allow-list's bookkeeping."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from . import crawler
from .crawler import Walker, init_script
from .findings import compress
from .known import compare
from .people import MODES, ROLES
from .pool import PHONE

pytestmark = pytest.mark.e2e

VISITOR = next(r for r in ROLES if r.name == "visitor")
ZH = next(m for m in MODES if m.name == "zh")

PLANT = """() => {
  const main = document.getElementById('main');
  const add = (tag, text, attrs = {}) => {
    const el = document.createElement(tag);
    el.textContent = text;
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    el.classList.add('planted');
    main.append(el);
    return el;
  };
  add('p', '已支持 null 人');
  add('p', 'projects.form.newTitle');
  add('p', '现在是 Submitted for review');
  add('p', 'Hello neighbours', {'data-user-content': ''});
  add('p', '2026-12-07T10:00:00.123456');
  const wide = add('div', '宽');
  wide.classList.add('planted-wide');
  wide.style.width = '640px';            // CSSOM: allowed by the CSP, and wider than the phone
  const a = add('button', '·');
  const b = add('button', '·');
  for (const btn of [a, b]) { btn.style.width = '10px'; btn.style.height = '10px'; btn.style.padding = '0'; btn.style.display = 'inline-block'; }
  add('span', '', {style: 'color: red'}); // an inline style attribute: the CSP refuses it
  console.error('planted console error');
}"""


class PlantingWalker(Walker):
    plant = True

    def _before_inspect(self) -> None:
        if self.plant:
            self.page.evaluate(PLANT)
        super()._before_inspect()


@pytest.fixture
def visitor_page(browser, live_server, tmp_path):
    context = browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)
    context.add_init_script(init_script())
    context.add_init_script("localStorage.setItem('linli.locale', 'zh-CN'); localStorage.setItem('linli.care', '0');")
    context.set_default_timeout(15_000)
    yield context, context.new_page(), tmp_path
    context.close()


def test_every_rule_catches_its_planted_defect(visitor_page):
    _context, page, shots = visitor_page
    walker = PlantingWalker(page, VISITOR, ZH, shots)
    walker.open_first("/signin")
    visit = walker.open(1, "/signin", "planted")
    walker.finish()
    seen = {(f.rule, f.snippet) for f in visit.findings}
    rules = {rule for rule, _ in seen}
    assert {"bad-text", "raw-key", "script", "overflow", "csp", "console", "target-size"} <= rules, seen
    assert ("bad-text", "null") in seen
    assert ("bad-text", "ISO timestamp") in seen
    assert ("raw-key", "projects.form.newTitle") in seen
    assert ("script", "Submitted for review") in seen
    assert not any("Hello" in snippet for _, snippet in seen), "marked user content was reported"
    assert any(rule == "overflow" and "planted-wide" in snippet for rule, snippet in seen), seen
    assert any(rule == "csp" and "style-src" in snippet for rule, snippet in seen), seen

    walker.plant = False
    lost = walker.open(2, "/no/such/screen", "planted link")
    assert [f.snippet for f in lost.findings if f.rule == "not-found"] == ["/no/such/screen"]
    assert not [f for f in lost.findings if f.rule in ("bad-text", "csp", "overflow")], (
        "planted defects leaked into the next screen"
    )


def test_content_later_than_three_seconds_is_slow(visitor_page, monkeypatch):
    context, page, shots = visitor_page
    # the planted 3.3 s judged as on an idle machine (the load allowance has a test of its own)
    with monkeypatch.context() as idle:
        idle.setattr(crawler.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
        _planted_slow_screen_is_reported(context, page, shots)


def _planted_slow_screen_is_reported(context, page, shots):
    def late(route):
        time.sleep(3.3)  # the browser keeps running; only this response waits
        route.continue_()

    walker = Walker(page, VISITOR, ZH, shots)
    walker.open_first("/signin")
    context.route("**/api/v1/communities?**", late)
    visit = walker.open(1, "/communities", "slow on purpose")
    assert [f.rule for f in visit.findings if f.rule == "slow"] == ["slow"], visit.findings
    context.unroute("**/api/v1/communities?**")


def test_a_quick_screen_is_not_slow(visitor_page):
    context, page, shots = visitor_page
    walker = Walker(page, VISITOR, ZH, shots)
    walker.open_first("/signin")
    quick = walker.open(1, "/signup", "fast")
    assert not [f for f in quick.findings if f.rule == "slow"]


def _finding(screen, rule, snippet):
    return SimpleNamespace(screen=screen, rule=rule, snippet=snippet)


def test_the_list_fails_on_new_and_on_fixed_findings():
    entries = [
        {"role": "resident", "mode": "zh", "screen": "/polls", "rule": "bad-text", "snippet": "null"},
        {"role": "*", "mode": "zh", "screen": "/privacy", "rule": "script", "snippet": "the office"},
        {"role": "grid", "mode": "en", "screen": "/x", "rule": "slow", "snippet": "late"},
    ]
    same = compare(
        [_finding("/polls", "bad-text", "null"), _finding("/privacy", "script", "the office")],
        "resident",
        "zh",
        entries,
    )
    assert same.ok
    counts_move = compare(
        [_finding("/polls", "bad-text", "null"), _finding("/privacy", "script", "the office")],
        "resident",
        "zh",
        [{**entries[0], "snippet": "null"}, entries[1]],
    )
    assert counts_move.ok
    fixed = compare([_finding("/privacy", "script", "the office")], "resident", "zh", entries)
    assert [e["screen"] for e in fixed.stale] == ["/polls"] and not fixed.unexpected
    new = compare(
        [
            _finding("/polls", "bad-text", "null"),
            _finding("/privacy", "script", "the office"),
            _finding("/me", "overflow", "div.row"),
        ],
        "resident",
        "zh",
        entries,
    )
    assert [f.screen for f in new.unexpected] == ["/me"] and not new.stale
    # "*" means every role: a role that no longer shows it makes the entry stale for that role.
    assert [e["screen"] for e in compare([], "visitor", "zh", entries).stale] == ["/privacy"]
    assert compare([], "visitor", "en", entries).ok
    # A race (flaky) may show or not; either way it is no failure.
    flaky = [
        {
            "role": "grid",
            "mode": "zh",
            "screen": "*",
            "rule": "raw-key",
            "snippet": "inbox.bell [missing translation]",
            "flaky": True,
        }
    ]
    assert compare([], "grid", "zh", flaky).ok
    assert compare([_finding("*", "raw-key", "inbox.bell [missing translation]")], "grid", "zh", flaky).ok


def test_entries_compress_only_when_every_role_or_mode_has_them():
    roles = [r.name for r in ROLES]
    modes = [m.name for m in MODES]
    assert compress({(r, m) for r in roles for m in modes}) == [("*", "*")]
    assert compress({(r, "zh") for r in roles}) == [("*", "zh")]
    assert compress({("grid", m) for m in modes}) == [("grid", "*")]
    assert compress({("grid", "zh"), ("grid", "en")}) == [("grid", "zh"), ("grid", "en")]
    assert compress({(r, "zh") for r in roles} | {("grid", "en")}) == [("*", "zh"), ("grid", "en")]


@pytest.mark.parametrize(
    ("load", "cores", "allowed"),
    [(0.5, 2, 3000), (4.0, 2, 3000), (6.0, 2, 4500), (40.0, 2, 9000), (8.0, 8, 3000)],
)
def test_the_slow_rule_allows_3_s_unless_the_machine_is_overloaded(monkeypatch, load, cores, allowed):
    """3 s on a machine with up to two runnable processes per core; more load stretches it, at most 3 times."""
    monkeypatch.setattr(crawler.os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(crawler.os, "cpu_count", lambda: cores)
    assert crawler.slow_ms() == allowed


@pytest.mark.parametrize(("status", "reported"), [(200, False), (429, False), (404, True), (403, True), (500, True)])
def test_a_download_link_is_broken_when_missing_or_refused_not_when_rate_limited(status, reported):
    # the data download's limit (5 an hour per person) is reached by repeated walks on one server with limits on
    fetched = []
    request = SimpleNamespace(get=lambda path, max_redirects: fetched.append(path) or SimpleNamespace(status=status))
    added = []
    walker = SimpleNamespace(
        page=SimpleNamespace(context=SimpleNamespace(request=request)),
        walk=SimpleNamespace(add=lambda visit, finding: added.append(finding)),
    )
    visit = SimpleNamespace(screen="me")
    checked: set[str] = set()
    Walker._check_file(walker, visit, "/api/v1/me/export", "link 下载我的数据", checked)
    Walker._check_file(walker, visit, "/api/v1/me/export", "link 下载我的数据", checked)
    assert fetched == ["/api/v1/me/export"]  # once per walk
    assert [f.rule for f in added] == (["not-found"] if reported else [])
