"""Walk the app as one person in one mode: breadth-first over every link they can see, and every inbox item.

One browser context per role × mode, one full page load at the start; every other screen is opened the way
a tapped link opens it (History API + the router's popstate), so a walk of ~40 screens takes seconds, not
minutes. Screens are deduplicated by route pattern (`/projects/:id`) plus the state the link shows (its
`data-status`, pills, list meta), at most MAX_STATES per pattern, so `/projects/1` and `/projects/2` count
once unless one is "voting" and the other "completed".
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from .people import DEMO_PASSWORD, Mode, Role

PROBE_JS = (Path(__file__).resolve().parent / "probe.js").read_text(encoding="utf-8")
LOCALES_DIR = Path(__file__).resolve().parents[3] / "pwa" / "locales"

PHONE_WIDTH = 360  # CSS pixels: the phone the walk is on
SLOW_MS = 3000  # the content must be there 3 s after the shell (or after the tap)
MAX_SLACK = 3  # an overloaded machine stretches that allowance, at most 3 times (see slow_ms)
GIVE_UP_MS = 8000  # ...and if it is not there after 8 s we stop waiting and say so
MAX_STATES = 4  # distinct states visited per route pattern
MAX_VISITS = 200  # a bound on one walk, so a link explosion cannot blow the time budget (the test fails then)
NOT_A_SCREEN = re.compile(r"\.(json|webmanifest|png|jpe?g|svg|webp|csv|ics|pdf|js|css|html|geojson)$")


def slow_ms() -> float:
    """3 s, unless the machine running the walk (browser and server together) is overloaded: with more than
    two runnable processes per core (the 1-minute load average), the allowance grows with the load, up to
    MAX_SLACK × 3 s. A screen slow on an idle machine is still slow; one delayed by other work is not the app's."""
    try:
        per_core = os.getloadavg()[0] / (os.cpu_count() or 1)
    except OSError:  # no load average on this platform
        return SLOW_MS
    return SLOW_MS * min(MAX_SLACK, max(1.0, per_core / 2))


# Latin words a Chinese screen may show: the brand, units, formats people know by these letters.
ALLOWED_LATIN = [
    "Linli",
    "QR",
    "CSV",
    "Excel",  # 导出 Excel: the spreadsheet is called by its name
    "WPS",
    "JSON",
    "PDF",
    "SMS",
    "GPS",
    "Wi-Fi",
    "WiFi",
    "GeoJSON",
    "iCalendar",
    "Open311",  # the standard outside systems speak (the platform admin's key screen)
    "ICS",
    "km",
    "kg",
    "cm",
    "mm",
    "ml",
    "kWh",
]
# Han on an English screen: the brand only (邻里 is part of "邻里 Linli").
ALLOWED_HAN = ["邻里"]


def locale_keys() -> list[str]:
    keys: set[str] = set()
    for path in LOCALES_DIR.glob("*.json"):
        keys.update(json.loads(path.read_text(encoding="utf-8")))
    return sorted(keys)


# A screen whose main content is one of these messages is an error page, however it was reached.
ERROR_KEYS = ["error.title", "common.error", "error.generic", "error.network", "inbox.failed", "projects.notFound"]


def error_titles() -> list[str]:
    titles: set[str] = set()
    for path in LOCALES_DIR.glob("*.json"):
        messages = json.loads(path.read_text(encoding="utf-8"))
        titles.update(messages[k] for k in ERROR_KEYS if k in messages)
    return sorted(titles)


def init_script() -> str:
    config = {
        "localeKeys": locale_keys(),
        "allowedLatin": ALLOWED_LATIN,
        "allowedHan": ALLOWED_HAN,
        "errorTitles": error_titles(),
        "viewportWidth": PHONE_WIDTH,
    }
    return f"window.__journeyConfig = {json.dumps(config, ensure_ascii=False)};\n{PROBE_JS}"


@dataclass
class Finding:
    screen: str
    rule: str
    snippet: str
    detail: str = ""
    url: str = ""
    selector: str = ""


@dataclass
class Visit:
    index: int
    url: str
    via: str
    inbox: bool = False
    screen: str = ""
    state: str = ""
    path: str = ""
    title: str = ""
    ms: int | None = None
    findings: list[Finding] = field(default_factory=list)
    shot: str = ""
    shoot: bool = True  # photograph it (a new screen or state)
    main_text: str | None = None  # what <main> said, read once for the inbox items that open this screen
    links: list[dict] = field(default_factory=list)


@dataclass
class Walk:
    role: Role
    mode: Mode
    visits: list[Visit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # deduplicated over the walk
    writes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    unvisited: int = 0  # links left in the queue when MAX_VISITS stopped the walk
    retried: list[str] = field(default_factory=list)  # screens opened twice (slow, or the server said 503)

    def add(self, visit: Visit, finding: Finding) -> None:
        visit.findings.append(finding)
        key = (finding.screen, finding.rule, finding.snippet)
        if all((f.screen, f.rule, f.snippet) != key for f in self.findings):
            self.findings.append(finding)


def _normalise_url_text(text: str) -> str:
    return re.sub(r"https?://127\.0\.0\.1:\d+", "", text)


def _csrf(context) -> str:
    return context.request.get("/api/v1/auth/session").json()["csrf_token"]


def set_account_preferences(context, *, locale: str, care: bool) -> None:
    resp = context.request.patch(
        "/api/v1/me", data={"locale": locale, "care_mode": care}, headers={"X-CSRF-Token": _csrf(context)}
    )
    assert resp.ok, f"PATCH /api/v1/me: {resp.status} {resp.text()[:300]}"


def sign_in(context, login: str) -> None:
    resp = context.request.post(
        "/api/v1/auth/login", data={"login": login, "password": DEMO_PASSWORD}, headers={"X-CSRF-Token": _csrf(context)}
    )
    assert resp.ok, f"sign-in as {login}: {resp.status} {resp.text()[:300]}"


class Walker:
    """One person's walk: `run()` returns a Walk with every visit, finding and screenshot."""

    def __init__(self, page, role: Role, mode: Mode, shots_dir: Path, *, walk: Walk | None = None):
        self.page = page
        self.role = role
        self.mode = mode
        self.shots_dir = shots_dir
        self.walk = walk or Walk(role, mode)
        self.console: list[tuple[str, str, str]] = []
        self.timers = {"go": 0.0, "inspect": 0.0, "screenshot": 0.0}
        self.script_candidates: list[tuple[Visit, dict]] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console.append(("pageerror", str(exc).splitlines()[0][:200], "")))

    def _on_console(self, msg) -> None:
        if msg.type == "error" or (msg.type == "warning" and msg.text.startswith("missing translation")):
            location = (msg.location or {}).get("url", "")
            self.console.append((msg.type, msg.text[:300], _normalise_url_text(location)))

    # ---------- one screen ----------

    def _settle(self, since=None) -> dict:
        return self.page.evaluate("o => window.__journey.settle(o)", {"timeoutMs": GIVE_UP_MS, "since": since})

    def _go(self, url: str) -> dict:
        try:
            return self.page.evaluate(
                "async ([url, timeoutMs]) => { window.__journey.go(url); return window.__journey.settle({timeoutMs}); }",
                [url, GIVE_UP_MS],
            )
        except Exception as exc:  # the app left the single-page world (a full load): wait for the new page
            if "context was destroyed" not in str(exc) and "navigation" not in str(exc).lower():
                raise
            self.page.wait_for_load_state("domcontentloaded")
            return self._settle(since=0)

    def open_first(self, url: str = "/", *, via: str = "first page load", shoot: bool = True) -> Visit:
        """A full page load: the time counts from the shell (DOMContentLoaded of index.html) to the content."""
        visit = Visit(len(self.walk.visits), url, via, shoot=shoot)
        timing = self._load(url)
        if not timing["ok"] or timing["ms"] > SLOW_MS or self._server_was_busy():
            self._forget_attempt(visit)
            timing = self._load(url)  # once more: a busy machine is no defect of the app
        self._record(visit, timing, url=url)
        return visit

    def _server_was_busy(self) -> bool:
        """503 from the server: SQLite's write lock was taken (two walks run side by side) or the machine is
        overloaded. The screen is opened once more, and the walk notes it (Walk.retried)."""
        return any("status of 503" in text for _, text, _ in self.console)

    def _forget_attempt(self, visit: Visit) -> None:
        busy = [text for _, text, location in self.console if "status of 503" in text]
        self.walk.retried.append(f"{visit.url}: {'server busy (503) ' + busy[0][:80] if busy else 'slow'}")
        self.console.clear()
        self.page.evaluate("() => window.__journey.drain()")

    def _load(self, url: str) -> dict:
        self.page.goto(url, wait_until="domcontentloaded")
        shell = self.page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        return self._settle(since=shell)

    def open(
        self, index: int, url: str, via: str, *, inbox: bool = False, state: str = "", shoot: bool = True
    ) -> Visit:
        visit = Visit(index, url, via, inbox, state=state, shoot=shoot)
        t = time.monotonic()
        timing = self._go(url)
        if not timing["ok"] or timing["ms"] > SLOW_MS or self._server_was_busy():
            self._forget_attempt(visit)
            timing = self._go(url)  # once more: a busy machine is no defect of the app
        self.timers["go"] += time.monotonic() - t
        self._record(visit, timing, url=url)
        return visit

    def _inspect_options(self) -> dict:
        return {"lang": self.mode.lang, "minTarget": self.mode.min_target, "spacingException": not self.mode.care}

    def _before_inspect(self) -> None:
        """The inbox pages 20 at a time: load all of it, so every item is checked and visited."""
        if self.page.evaluate("document.documentElement.dataset.route") != "/notifications":
            return
        for _ in range(10):
            # the previous page may still be loading (the button is disabled and busy meanwhile)
            self.page.wait_for_function(
                "() => { const b = document.getElementById('notif-more'); return !b || b.hidden || !b.disabled; }",
                timeout=20_000,
            )
            more = self.page.locator("#notif-more")
            if not more.count() or not more.is_visible():
                return
            more.click()
            self._settle(since="now")

    def _record(self, visit: Visit, timing: dict, url: str) -> None:
        page = self.page
        self._before_inspect()
        t = time.monotonic()
        result = page.evaluate("o => window.__journey.inspect(o)", self._inspect_options())
        self.timers["inspect"] += time.monotonic() - t
        # A screen that never drew is named by the route its URL matches, so it is the same screen in the list.
        visit.screen = result["route"] or result["pattern"] or "(not drawn)"
        visit.path = result["path"]
        visit.title = result["title"]
        visit.ms = timing.get("ms")
        visit.links = result["links"]
        screen = visit.screen
        for f in result["findings"]:
            if f["rule"] == "script":  # decided at the end of the walk, when all user content has arrived
                self.script_candidates.append((visit, f))
                continue
            self.walk.add(visit, Finding(screen, f["rule"], f["snippet"], f["detail"], url, f.get("selector", "")))
        if not timing["ok"] or timing["ms"] > slow_ms():
            state = timing.get("state")
            detail = (
                f"content after {timing['ms']} ms (allowed {slow_ms():.0f} ms at this load)"
                if timing["ok"]
                else f"not drawn after {timing['ms']} ms: {json.dumps(state)}"
            )
            self.walk.add(visit, Finding(screen, "slow", "content later than 3 s", detail, url))
        if screen == "not-found":
            self.walk.add(
                visit,
                Finding(screen, "not-found", re.sub(r"\d+", ":n", url.split("?")[0]), f"reached by {visit.via}", url),
            )
        elif result.get("errorScreen"):
            self.walk.add(
                visit,
                Finding(screen, "not-found", f"error screen: {result['errorScreen']}", f"reached by {visit.via}", url),
            )
        drained = page.evaluate("() => window.__journey.drain()")
        self.walk.writes.extend(drained["writes"])
        csp_seen = bool(drained["csp"])
        for v in drained["csp"]:
            what = v["blocked"] or "inline"
            sample = f" {v['sample']}" if v["sample"] else ""
            self.walk.add(
                visit,
                Finding(
                    screen,
                    "csp",
                    f"{v['directive']} blocked {what} in {v['source'] or 'page'}",
                    f"line {v['line']}{sample}",
                    url,
                ),
            )
        for kind, text, location in self.console:
            if kind == "warning":  # i18n.t() falls back to the key and says so
                # Reported once per walk, not per screen: a string drawn before its translations arrived
                # is a race that hits whichever screens happen to lose it (the URL is in the detail).
                key = text.split(" ", 2)[-1]
                self.walk.add(visit, Finding("*", "raw-key", f"{key} [missing translation]", f"{text} on {url}", url))
            elif "Content Security Policy" in text:
                if not csp_seen:
                    self.walk.add(visit, Finding(screen, "csp", text[:120], location, url))
            else:
                where = f" ({location})" if location and "Failed to load resource" in text else ""
                self.walk.add(visit, Finding(screen, "console", f"{kind}: {text[:160]}{where}", location, url))
        self.console.clear()
        # Every new screen or state is photographed; an inbox item that opens a screen already on the sheet
        # only when it shows something wrong.
        if visit.shoot or visit.findings:
            t = time.monotonic()
            page.evaluate("window.scrollTo(0, 0)")  # what a person sees first (the inbox scrolled to "more")
            visit.shot = f"{visit.index:03d}.png"
            page.screenshot(path=str(self.shots_dir / visit.shot), scale="css")
            self.timers["screenshot"] += time.monotonic() - t
        self.walk.visits.append(visit)

    # ---------- the walk ----------

    def run(self) -> Walk:
        started = time.monotonic()
        queue: deque[tuple[str, str, list[dict] | None, str, bool]] = deque()
        states: dict[str, set[str]] = {}
        inbox_items: dict[str, list[dict]] = {}  # target path → the inbox items that open it
        checked_files: set[str] = set()

        def new_state(path: str, link: dict) -> bool:
            """Register the screen and state this link opens; False if already visited (or enough of its states)."""
            query_keys = sorted(k for k in re.findall(r"[?&]([^=&#]+)", path) if k != "next")
            pattern = link.get("pattern") or f"not-found {re.sub(r'[0-9]+', ':n', path.split('?')[0])}"
            key = pattern + ("?" + "&".join(query_keys) if query_keys else "")
            seen = states.setdefault(key, set())
            if link["hint"] in seen or len(seen) >= MAX_STATES:
                return False
            seen.add(link["hint"])
            return True

        def consider(visit: Visit) -> None:
            for link in visit.links:
                href = link["href"]
                via = f"{link['area']} link “{link['text']}” on {visit.screen}"
                if not link["sameOrigin"] or link["external"]:
                    continue
                path = href.split("#")[0]
                if link["download"] or path.startswith("/api/") or NOT_A_SCREEN.search(path.split("?")[0]):
                    self._check_file(visit, path, via, checked_files)
                    continue
                if link["inbox"]:  # every inbox item, whatever screen it opens
                    if path in inbox_items:  # same target as an earlier item: checked on that one visit
                        inbox_items[path].append(link)
                        continue
                    inbox_items[path] = [link]
                    fresh = new_state(path, link)
                    queue.append(
                        (
                            href,
                            f"inbox item “{link['inboxTitle'] or link['text']}”",
                            inbox_items[path],
                            link["hint"],
                            fresh,
                        )
                    )
                    continue
                if new_state(path, link):
                    queue.append((href, via, None, link["hint"], True))

        first = self.open_first()
        states.setdefault("/", set()).add("")  # the home screen, opened first
        consider(first)
        while queue and len(self.walk.visits) < MAX_VISITS:
            href, via, inbox_links, hint, fresh = queue.popleft()
            visit = self.open(len(self.walk.visits), href, via, inbox=inbox_links is not None, state=hint, shoot=fresh)
            for link in inbox_links or ():
                self._check_inbox_target(visit, link)
            consider(visit)
        self.walk.unvisited = len(queue)
        self.walk.seconds = time.monotonic() - started
        return self.walk

    def open_each_screen_first(self, new_context) -> None:
        """Open every screen of the walk as the FIRST page of a visit (a reload, a link from a chat or a
        push): a full page load with no app running and no service worker (`new_context(storage_state)`
        must block service workers), so a screen that waits for one shows up as slow."""
        started = time.monotonic()
        firsts: dict[str, str] = {}
        for visit in self.walk.visits:
            if visit.screen.startswith("/") and visit.screen not in firsts and not visit.inbox:
                firsts[visit.screen] = visit.path.split("#")[0]
        context = new_context(self.page.context.storage_state())
        try:
            cold = Walker(context.new_page(), self.role, self.mode, self.shots_dir, walk=self.walk)
            cold.script_candidates = self.script_candidates
            for url in firsts.values():
                cold.open_first(url, via="opened as the first page (no service worker)", shoot=False)
        finally:
            context.close()
        self.walk.seconds += time.monotonic() - started

    def finish(self) -> Walk:
        self._decide_script_findings()
        return self.walk

    def _decide_script_findings(self) -> None:
        """Text in the wrong script is interface text unless the API sent it (a title, a name, a grid):
        decided against everything the walk received, so the verdict does not depend on the visit order."""
        runs = sorted({f["run"] for _, f in self.script_candidates})
        user_content = (
            set(self.page.evaluate("runs => window.__journey.userContentRuns(runs)", runs)) if runs else set()
        )
        for visit, f in self.script_candidates:
            if f["run"] not in user_content:
                self.walk.add(
                    visit, Finding(visit.screen, "script", f["snippet"], f["detail"], visit.url, f.get("selector", ""))
                )

    def _check_file(self, visit: Visit, path: str, via: str, checked: set[str]) -> None:
        """A download or API link (CSV export, certificate) must answer, not 404/403/500."""
        key = re.sub(r"\d+", ":n", path.split("?")[0])
        if key in checked:
            return
        checked.add(key)
        resp = self.page.context.request.get(path, max_redirects=0)
        # 429: the route is there and its rate limit held this request back. The data download allows 5 an hour
        # per person, and every mode's walk of a role checks the same account's link: on a server whose limits
        # are on (LINLI_E2E_BASE_URL), repeated walks reach it. A link that exists is not a broken link.
        if resp.status >= 400 and resp.status != 429:
            self.walk.add(visit, Finding(visit.screen, "not-found", f"{key} answers {resp.status}", via, path))

    def _check_inbox_target(self, visit: Visit, link: dict) -> None:
        """An inbox item about “小花园改造方案” must open a screen that shows 小花园改造方案."""
        if visit.screen == "not-found":
            return  # already a finding of its own
        title, body = link["inboxTitle"], link["inboxBody"]
        subjects = re.findall(r"“([^”]{2,60})”", f"{title} {body}")
        if not subjects:
            tail = re.split(r"[：:]\s*", title)
            if len(tail) > 1 and len(tail[-1].strip()) >= 2:
                subjects = [tail[-1].strip()]
        if not subjects:
            return
        if visit.main_text is None:
            visit.main_text = self.page.evaluate("document.getElementById('main').innerText + ' ' + document.title")
        text = visit.main_text
        for subject in subjects:
            if re.fullmatch(r"[a-z_.]+", subject):
                continue  # a raw status key: the raw-key rule reports it
            # case aside: “ready for a vote” in a sentence is the status pill's “Ready for a vote”
            if subject.casefold() not in text.casefold():
                self.walk.add(
                    visit,
                    Finding(
                        visit.screen,
                        "inbox-target",
                        f"“{subject}” not on the screen it opens",
                        f"inbox item “{title}” / “{body}” → {visit.path}",
                        visit.url,
                    ),
                )
