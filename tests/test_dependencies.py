"""Dependencies: `pip-audit -r requirements.txt` finds no known vulnerability, and nothing goes unaudited.

pip-audit asks PyPI's per-version JSON API (/pypi/<name>/<version>/json) for each resolved
dependency. Where that endpoint is not served (this workplace's PyPI mirror answers 404 for it, so
pip-audit reports every package as "not found" and exits 0: a silent pass), the test audits the
skipped packages itself from the project JSON (/pypi/<name>/json), whose `vulnerabilities` list is
that of the latest release: it applies when the pin is the latest release. A pin that is older than
a release this Python can install, and so cannot be audited, fails the test (bump it) once that
release is more than BUMP_GRACE_DAYS old: a release published yesterday must not break a clean
checkout's CI run, but a pin may not stay unaudited for longer than the grace period. A pin older
than the latest only because newer releases need a newer Python is the best there is: listed, not failed.

PyPI unreachable (a network failure, twice) is an expected failure (XFAIL, with the reason in the
summary), not a pass: flaky network must not fail the suite, but must not look like a clean audit.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"
PYPI_PROJECT = "https://pypi.org/pypi/{name}/json"
NETWORK_TROUBLE = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|timed out|Max retries exceeded|"
    r"Name or service not known|Temporary failure in name resolution|Network is unreachable"
)
NOT_ON_PYPI = re.compile(
    r"^Dependency not found on PyPI and could not be audited: (?P<name>\S+) \((?P<version>[^()]+)\)$"
)

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="the dependency audit does not depend on the database: run in the SQLite run",
)
HERE = ".".join(map(str, sys.version_info[:2]))
# How long a newer release may wait for its bump before an older, unauditable pin fails the test.
BUMP_GRACE_DAYS = 30


def run_pip_audit(output: Path) -> dict:
    if not PIP_AUDIT.exists():
        pytest.fail(f"{PIP_AUDIT} is missing: `make test-deps` installs requirements-test.txt", pytrace=False)
    for _attempt in range(2):
        done = subprocess.run(
            [
                str(PIP_AUDIT),
                "-r",
                "requirements.txt",
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(output),
                "--timeout",
                "30",
            ],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        # 0: nothing found; 1: vulnerabilities found. Anything else did not finish the audit.
        if done.returncode in (0, 1) and output.exists():
            return json.loads(output.read_text())
        if not NETWORK_TROUBLE.search(done.stderr):
            pytest.fail(f"pip-audit failed ({done.returncode}):\n{done.stderr[-3000:]}", pytrace=False)
    pytest.xfail(f"PyPI unreachable, dependencies NOT audited: {done.stderr.strip().splitlines()[-1][:300]}")


def pypi_project(name: str) -> dict:
    for _attempt in range(2):
        try:
            with urllib.request.urlopen(PYPI_PROJECT.format(name=name), timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError:
            raise
        except OSError as error:  # URLError, timeouts, resets
            trouble = error
    pytest.xfail(f"PyPI unreachable, dependencies NOT audited: {name}: {trouble}")


def released_at(files: list[dict]) -> datetime | None:
    """When a release's first file was uploaded (None when PyPI gives no time)."""
    times = [f.get("upload_time_iso_8601") or f.get("upload_time") for f in files]
    times = [datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times if t]
    times = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in times]
    return min(times) if times else None


def installable_here(files: list[dict]) -> bool:
    """Whether a release has a file whose Requires-Python admits the running interpreter."""
    if not files:
        return False
    running = Version(".".join(map(str, sys.version_info[:3])))
    for file in files:
        if file.get("yanked"):
            continue
        try:
            if running in SpecifierSet(file.get("requires_python") or ""):
                return True
        except InvalidSpecifier:
            return True
    return False


def audit_from_project_json(name: str, pinned: str, now: datetime | None = None) -> tuple[str, list[dict]]:
    """("latest" | "newest-for-python" | "bump due: why" | "unaudited: why", vulnerabilities) for one skipped
    package; "bump due" is a newer release still inside the grace period."""
    project = pypi_project(name)
    latest = project["info"]["version"]
    if latest == pinned:
        return "latest", [v for v in project.get("vulnerabilities") or [] if not v.get("withdrawn")]
    newer_here = []
    for release, files in project.get("releases", {}).items():
        try:
            version = Version(release)
        except InvalidVersion:
            continue
        if version > Version(pinned) and not version.is_prerelease and installable_here(files):
            newer_here.append(release)
    if newer_here:
        newest = max(newer_here, key=Version)
        release_times = [released_at(project["releases"][release]) for release in newer_here]
        first_newer = min(release_times) if all(release_times) else None  # unknown time: no grace
        age = (now or datetime.now(UTC)) - first_newer if first_newer else None
        if age is not None and age < timedelta(days=BUMP_GRACE_DAYS):
            return f"bump due: {pinned} is older than {newest}, released {age.days} days ago", []
        return f"unaudited: {pinned} is older than {newest}, which this Python can install", []
    return "newest-for-python", []


@pytest.mark.slow
def test_requirements_have_no_known_vulnerabilities(tmp_path):
    report = run_pip_audit(tmp_path / "pip-audit.json")
    dependencies = report["dependencies"]
    vulnerable = {
        f"{d['name']} {d['version']}": [
            f"{v['id']} (fixed in {', '.join(v['fix_versions']) or '-'})" for v in d["vulns"]
        ]
        for d in dependencies
        if d.get("vulns")
    }
    skipped = [d for d in dependencies if d.get("skip_reason")]
    unparsed = [d for d in skipped if not NOT_ON_PYPI.match(d["skip_reason"])]
    assert not unparsed, f"pip-audit could not audit: {[d['skip_reason'] for d in unparsed]}"

    pins = [(m["name"], m["version"]) for m in (NOT_ON_PYPI.match(d["skip_reason"]) for d in skipped)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        fallback = dict(zip(pins, pool.map(lambda pin: audit_from_project_json(*pin), pins), strict=False))
    for (name, version), (_status, vulns) in fallback.items():
        if vulns:
            vulnerable[f"{name} {version}"] = [
                f"{v['id']} (fixed in {', '.join(v.get('fixed_in') or []) or '-'})" for v in vulns
            ]
    unaudited = {
        f"{name} {version}": status
        for (name, version), (status, _) in fallback.items()
        if status.startswith("unaudited")
    }
    bump_due = sorted(
        f"{name} {version} ({status})"
        for (name, version), (status, _) in fallback.items()
        if status.startswith("bump due")
    )
    held_back = sorted(
        f"{name} {version}" for (name, version), (status, _) in fallback.items() if status == "newest-for-python"
    )

    print(
        f"\npip-audit: {len(dependencies)} dependencies resolved from requirements.txt; "
        f"{len(dependencies) - len(skipped)} audited by pip-audit, {len(skipped)} skipped by it "
        f"(per-version PyPI JSON not served) and audited from the project JSON instead; "
        f"vulnerable: {len(vulnerable)}; newest for this Python but not the latest (unauditable here): "
        f"{', '.join(held_back) or 'none'}; newer releases inside the {BUMP_GRACE_DAYS}-day grace period: "
        f"{', '.join(bump_due) or 'none'}"
    )
    assert not vulnerable, f"known vulnerabilities (bump these pins in requirements.txt): {vulnerable}"
    assert not unaudited, f"dependencies that could not be audited (bump the pins to the latest release): {unaudited}"


def _project(latest: str, releases: dict[str, str], vulnerabilities=(), uploaded="2026-01-01T00:00:00Z") -> dict:
    return {
        "info": {"version": latest},
        "vulnerabilities": list(vulnerabilities),
        "releases": {
            version: [{"requires_python": python, "yanked": False, "upload_time_iso_8601": uploaded}]
            for version, python in releases.items()
        },
    }


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        (
            _project("2.0", {"1.0": "", "2.0": ""}, [{"id": "PYSEC-1", "fixed_in": ["2.1"], "withdrawn": None}]),
            ("latest", [{"id": "PYSEC-1", "fixed_in": ["2.1"], "withdrawn": None}]),
        ),
        (_project("2.0", {"1.0": "", "2.0": ""}, [{"id": "OLD", "withdrawn": "2026-01-01"}]), ("latest", [])),
        (
            _project("3.0", {"2.0": "", "3.0": f">={HERE}"}),
            ("unaudited: 2.0 is older than 3.0, which this Python can install", []),
        ),
        (_project("3.0", {"2.0": "", "3.0": ">=99.0"}), ("newest-for-python", [])),
        (
            _project("3.0", {"2.0": "", "3.0": ""}, uploaded="2026-03-25T00:00:00Z"),
            ("bump due: 2.0 is older than 3.0, released 7 days ago", []),
        ),
    ],
    ids=["latest-vulnerable", "withdrawn-advisory", "older-pin-fails", "held-back-by-python", "fresh-release-grace"],
)
def test_project_json_fallback_judges_a_skipped_pin(monkeypatch, project, expected):
    """The fallback, on canned project JSON: vulnerable latest found, and no older pin slips through."""
    monkeypatch.setattr(sys.modules[__name__], "pypi_project", lambda name: project)
    pinned = "2.0"
    assert audit_from_project_json("example", pinned, now=datetime(2026, 4, 1, tzinfo=UTC)) == expected
