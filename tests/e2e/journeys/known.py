"""The allow-list of findings that are known and being fixed: known_findings.json.

Each entry names role, mode, screen (route pattern), rule and a snippet of what was seen, plus the issue and
defect it belongs to. A journey fails on a finding no entry covers AND on an entry that no longer occurs, so
the list can only shrink. `role` or `mode` may be "*": the finding occurs for EVERY role (or mode), and each
of them must still show it.

An entry with "flaky": true is allowed but not required: a race that shows on some runs only (a string
drawn before its translations arrived). Keep such entries few; fix the race rather than listing it.

Snippets are compared after normalisation (digits → #, spaces collapsed), so an id or a count that moves
with the demo data does not make a known finding look new.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

KNOWN_FILE = Path(__file__).resolve().parent / "known_findings.json"


def normalise(snippet: str) -> str:
    text = re.sub(r"\d+", "#", snippet)
    return re.sub(r"\s+", " ", text).strip()[:160]


def finding_key(screen: str, rule: str, snippet: str) -> tuple[str, str, str]:
    return (screen, rule, normalise(snippet))


@dataclass
class Comparison:
    unexpected: list  # findings no entry covers
    stale: list[dict]  # entries for this role and mode that did not occur

    @property
    def ok(self) -> bool:
        return not self.unexpected and not self.stale


def load_entries(path: Path = KNOWN_FILE) -> list[dict]:
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["findings"]


def applies(entry: dict, role: str, mode: str) -> bool:
    return entry["role"] in (role, "*") and entry["mode"] in (mode, "*")


def compare(findings, role: str, mode: str, entries: list[dict]) -> Comparison:
    """`findings` have .screen, .rule, .snippet (crawler.Finding)."""
    mine = [e for e in entries if applies(e, role, mode)]
    known = {finding_key(e["screen"], e["rule"], e["snippet"]) for e in mine}
    seen = {finding_key(f.screen, f.rule, f.snippet) for f in findings}
    unexpected = [f for f in findings if finding_key(f.screen, f.rule, f.snippet) not in known]
    stale = [e for e in mine if not e.get("flaky") and finding_key(e["screen"], e["rule"], e["snippet"]) not in seen]
    return Comparison(unexpected, stale)


def is_known(finding, role: str, mode: str, entries: list[dict]) -> bool:
    key = finding_key(finding.screen, finding.rule, finding.snippet)
    return any(applies(e, role, mode) and finding_key(e["screen"], e["rule"], e["snippet"]) == key for e in entries)
