"""Reading a journey run back: every role × mode's findings.json under tests/e2e/output/journeys/, grouped."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .known import normalise
from .people import MODE_NAMES, ROLE_NAMES

OUTPUT = Path(__file__).resolve().parents[1] / "output" / "journeys"


@dataclass
class Group:
    """One defect as seen: the same rule, screen and (normalised) snippet, for some roles and modes."""

    rule: str
    screen: str
    snippet: str
    where: set[tuple[str, str]] = field(default_factory=set)  # (role, mode)
    details: list[dict] = field(default_factory=list)  # one example finding per role × mode


def load_run(output: Path = OUTPUT) -> dict[tuple[str, str], dict]:
    runs = {}
    for path in sorted(output.glob("*/findings.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        runs[(data["role"], data["mode"])] = data
    return runs


def missing(runs: dict) -> list[str]:
    return [f"{r}-{m}" for r in ROLE_NAMES for m in MODE_NAMES if (r, m) not in runs]


def groups(runs: dict) -> list[Group]:
    found: dict[tuple[str, str, str], Group] = {}
    for (role, mode), data in runs.items():
        for f in data["findings"]:
            key = (f["rule"], f["screen"], normalise(f["snippet"]))
            group = found.setdefault(key, Group(f["rule"], f["screen"], f["snippet"]))
            if (role, mode) not in group.where:
                group.where.add((role, mode))
                group.details.append({**f, "role": role, "mode": mode})
    return sorted(found.values(), key=lambda g: (g.rule, g.screen, g.snippet))


def compress(where: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """(role, mode) pairs as few entries as the "*" semantics allow: "*" means EVERY role (or mode)."""
    roles_by_mode = defaultdict(set)
    for role, mode in where:
        roles_by_mode[mode].add(role)
    all_roles = set(ROLE_NAMES)
    full_modes = [m for m in MODE_NAMES if roles_by_mode[m] == all_roles]
    if len(full_modes) == len(MODE_NAMES):
        return [("*", "*")]
    out = [("*", m) for m in full_modes]
    rest = sorted((r, m) for r, m in where if m not in full_modes)
    rest_modes = [m for m in MODE_NAMES if m not in full_modes]
    by_role = defaultdict(set)
    for r, m in rest:
        by_role[r].add(m)
    for role in ROLE_NAMES:
        modes = by_role.get(role)
        if not modes:
            continue
        if not full_modes and modes == set(rest_modes):
            out.append((role, "*"))
        else:
            out += [(role, m) for m in MODE_NAMES if m in modes]
    return out


def where_text(where: set[tuple[str, str]]) -> str:
    parts = []
    for role, mode in compress(where):
        parts.append(
            "every role"
            if role == "*" and mode == "*"
            else f"every role in {mode}"
            if role == "*"
            else f"{role} in every mode"
            if mode == "*"
            else f"{role}/{mode}"
        )
    return ", ".join(parts)
