"""Rewrite known_findings.json from the last full journey run (a command for people, never run by a test).

    .venv/bin/python -m pytest tests/e2e/journeys -q        # a full run: all roles × modes
    .venv/bin/python -m tests.e2e.journeys.update_known     # the list now says exactly what that run saw

Entries that stay keep their hand-written `issue` and `defect`; new ones get a best guess from DEFECTS.
Review the diff before committing: the list is meant to shrink. `--allow-growth` is needed to add entries.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from .findings import OUTPUT, compress, groups, load_run, missing
from .known import KNOWN_FILE, load_entries, normalise

# (rule, regex over "screen snippet") → the defect of issue 16 it belongs to; the first match wins.
DEFECTS = [
    ("bad-text", r"^/reports/:id null", "16: a literal null under a report when the viewer has no actions"),
    ("bad-text", r"^/polls null", "16: a literal null at the top of the polls list"),
    ("bad-text", r"ISO timestamp", "16: dates and times must follow the person's language and time zone"),
    ("csp", r"style-src", "16: inline style blocked by our CSP (support bar always full, certificate)"),
    ("overflow", r"activities/new", "16: 发布活动 shift row makes the page wider than the phone"),
    ("slow", r"^/me/notifications", "16: 通知设置 opened as the first page hangs on the splash"),
    ("not-found", r"^not-found", "16: inbox links that open 找不到这个页面"),
    ("inbox-target", r"", "16: an inbox item opens another item (or says a state the item is not in)"),
    ("raw-key", r"^/notifications", "16: notification texts contain raw category / status keys"),
    ("raw-key", r"^/committee/audit", "16: the audit log shows member.verify, shift_signup and other codes"),
    ("raw-key", r"missing translation", "16: a message key shown before its translations arrived"),
    ("script", r"^/notifications", "16: notification texts are composed in one language (zh) with raw keys"),
    ("script", r"^/privacy", "16: the privacy notice mixes languages"),
    ("target-size", r"", "16: tap targets (checkbox 13×13, chips and comment actions 36 px, 加入其他社区 19 px)"),
]
RULE_DEFECT = {
    "bad-text": "16: text no person should see",
    "raw-key": "16: untranslated message key",
    "script": "16: English on a Chinese screen / Chinese on an English one",
    "overflow": "16: nothing wider than the phone",
    "csp": "16: CSP violation",
    "console": "16: console error",
    "not-found": "16: every link lands somewhere real",
    "slow": "16: content within 3 s",
}


def guess_defect(rule: str, screen: str, snippet: str) -> str:
    text = f"{screen} {snippet}"
    for r, pattern, defect in DEFECTS:
        if r == rule and re.search(pattern, text):
            return defect
    return RULE_DEFECT.get(rule, f"16: {rule}")


def entry_key(e: dict) -> tuple:
    return (e["role"], e["mode"], e["screen"], e["rule"], normalise(e["snippet"]))


def build(runs: dict, old: list[dict]) -> list[dict]:
    notes = {entry_key(e): e for e in old}
    notes_loose = {(e["screen"], e["rule"], normalise(e["snippet"])): e for e in old}
    entries = []
    for group in groups(runs):
        racy = "[missing translation]" in group.snippet
        # A race may hit any walk: its (flaky) entry allows it everywhere and requires it nowhere.
        for role, mode in [("*", "*")] if racy else compress(group.where):
            entry = {"role": role, "mode": mode, "screen": group.screen, "rule": group.rule, "snippet": group.snippet}
            previous = notes.get(entry_key(entry)) or notes_loose.get(
                (group.screen, group.rule, normalise(group.snippet))
            )
            entry["issue"] = previous["issue"] if previous else "16"
            entry["defect"] = previous["defect"] if previous else guess_defect(group.rule, group.screen, group.snippet)
            if (previous and previous.get("flaky")) or racy:
                entry["flaky"] = True  # a race: see known.py
            entries.append(entry)
    # A race that did not show this time is still a race: its entry stays until someone fixes it and removes it.
    kept = {entry_key(e) for e in entries}
    entries += [e for e in old if e.get("flaky") and entry_key(e) not in kept]
    return entries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(OUTPUT), help="the journey output directory")
    parser.add_argument("--allow-growth", action="store_true", help="accept entries that are not in the list yet")
    args = parser.parse_args(argv)
    from pathlib import Path

    runs = load_run(Path(args.output))
    absent = missing(runs)
    if absent:
        print(f"not a full run, missing: {', '.join(absent)}", file=sys.stderr)
        return 2
    old = load_entries()
    entries = build(runs, old)
    old_keys = {entry_key(e) for e in old}
    added = [e for e in entries if entry_key(e) not in old_keys]
    removed = len({entry_key(e) for e in old} - {entry_key(e) for e in entries})
    if added and not args.allow_growth:
        print(f"{len(added)} new entries (use --allow-growth if they are meant to be listed):", file=sys.stderr)
        for e in added[:40]:
            print(f"  {e['role']}/{e['mode']} [{e['rule']}] {e['screen']}: {e['snippet']}", file=sys.stderr)
        return 1
    KNOWN_FILE.write_text(
        json.dumps(
            {
                "_about": "Findings of tests/e2e/journeys that are known and being fixed (issue 16). The journey test "
                "fails on a finding not listed here and on a listed one that no longer occurs: this list only "
                'shrinks. role/mode "*" = every role/mode. Rewrite with python -m tests.e2e.journeys.update_known.',
                "findings": entries,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{KNOWN_FILE.name}: {len(entries)} entries ({len(added)} added, {removed} removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
