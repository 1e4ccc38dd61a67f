"""Every screen a person can reach, as each role, in zh-CN, English and care mode, checked the way a person looks.

For each role × mode: sign in as the demo account (or stay a visitor), set its language and care mode, open
the app once, then walk breadth-first over every visible link (tab bar, app bar, menus, home cards, list
items) and every inbox item, and look at each screen for what no person should see (sheets.RULE_HELP). In
zh-CN every screen is also opened as the first page of a visit (no app running, no service worker).

Findings are compared to known_findings.json (known.py): a test fails on a finding not in the list and on a
listed finding that no longer occurs. Contact sheets of every screen with its findings go to
tests/e2e/output/journeys/ (sheets.py). After fixes land: `python -m tests.e2e.journeys.update_known` rewrites
the list from the last full run, and `python -m tests.e2e.journeys.summary` the readable summary.

The walks run two at a time in the background (pool.py); each test waits for its own.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ..conftest import OUTPUT
from .known import compare, load_entries
from .people import MODES, ROLES
from .pool import WalkPool
from .sheets import write_walk

pytestmark = pytest.mark.e2e

# LINLI_JOURNEY_OUTPUT: elsewhere, e.g. to keep a baseline run apart (summary.py --before reads it).
JOURNEYS_OUTPUT = Path(os.environ.get("LINLI_JOURNEY_OUTPUT", OUTPUT / "journeys"))
COMBINATIONS = [(role, mode) for role in ROLES for mode in MODES]
WALK_TIMEOUT = 280  # seconds a test waits for its walk (pytest's own timeout is 300)


def out_dir(role, mode):
    return JOURNEYS_OUTPUT / f"{role.name}-{mode.name}"


def _fresh_shots_dir(role, mode):
    directory = out_dir(role, mode)
    shutil.rmtree(directory, ignore_errors=True)
    (directory / "shots").mkdir(parents=True)
    return directory / "shots"


@pytest.fixture(scope="module")
def walks(request, live_server):
    """The walks of the role × mode tests selected in this session, started at once, two at a time."""
    selected = [
        item.callspec.params
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_journey" and hasattr(item, "callspec")
    ]
    jobs = [(params["role"], params["mode"]) for params in selected]
    pool = WalkPool(live_server, jobs, _fresh_shots_dir)
    yield pool
    pool.close()


def _describe(comparison) -> str:
    lines = []
    if comparison.unexpected:
        lines.append(f"{len(comparison.unexpected)} finding(s) not in known_findings.json:")
        lines += [f"  [{f.rule}] {f.screen}: {f.snippet}  ({f.detail[:160]}) at {f.url}" for f in comparison.unexpected]
    if comparison.stale:
        lines.append(f"{len(comparison.stale)} known finding(s) no longer seen (fixed? remove them from the list):")
        lines += [f"  [{e['rule']}] {e['screen']}: {e['snippet']}" for e in comparison.stale]
    return "\n".join(lines)


@pytest.mark.parametrize(("role", "mode"), COMBINATIONS, ids=[f"{r.name}-{m.name}" for r, m in COMBINATIONS])
def test_journey(role, mode, walks):
    walk = walks.result(role, mode, timeout=WALK_TIMEOUT)
    entries = load_entries()
    comparison = compare(walk.findings, role.name, mode.name, entries)
    directory = out_dir(role, mode)
    write_walk(directory, walk, entries, comparison)
    print(
        f"\n{role.name}-{mode.name}: {len(walk.visits)} visits, {len({v.screen for v in walk.visits})} screens, "
        f"{len(walk.findings)} findings, {walk.seconds:.1f} s; contact sheet {directory / 'index.html'}"
    )
    assert len(walk.visits) > 1, "the walk found no link to follow from the first screen"
    assert not walk.unvisited, (
        f"the walk stopped at {len(walk.visits)} visits with {walk.unvisited} links left (MAX_VISITS)"
    )
    if not comparison.ok:
        pytest.fail(
            f"{role.name} / {mode.name}: see {directory / 'index.html'}\n" + _describe(comparison), pytrace=False
        )
