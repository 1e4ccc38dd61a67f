"""The documentation tells the truth about the code it describes.

- docs/api.md (the API contract) and the generated OpenAPI document list the same endpoints; the rows
  under "Planned (open issues)" are not built yet (once one is, its row moves into its domain's table).
- docs/operations.md documents every environment variable the code reads.
- README.md's relative links land on files (and headings) that exist.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
API_MD = ROOT / "docs" / "api.md"
OPERATIONS_MD = ROOT / "docs" / "operations.md"
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PLANNED_SECTION = "Planned (open issues)"
PLANNED_ADDITIONS = "Additions to existing endpoints"

# ---------------------------------------------------------------------------------------------------
# Reading the endpoint tables of docs/api.md
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One endpoint named in a table of api.md: where it is listed and what it names."""

    method: str
    path: str  # normalised: every placeholder is "{}"
    section: str  # the "## " heading above it
    subsection: str  # the "### " heading above it ("" when none)
    line: int

    @property
    def is_planned_new(self) -> bool:
        return self.section == PLANNED_SECTION and self.subsection != PLANNED_ADDITIONS

    @property
    def is_planned_addition(self) -> bool:
        return self.section == PLANNED_SECTION and self.subsection == PLANNED_ADDITIONS


def normalise_path(path: str) -> str:
    """`/a/{cid}/b/<int:id>` and `/a/{x}/b/{y}` compare equal: every placeholder becomes `{}`."""
    path = path.split("?", 1)[0].strip().rstrip("/")
    path = re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "{}", path)
    return re.sub(r"\{[^{},]*\}", "{}", path)


def _expand_alternatives(path: str) -> list[str]:
    """`/requests.{json,xml}` names two paths; braces with a comma are alternatives, not placeholders."""
    match = re.search(r"\{([^{}]*,[^{}]*)\}", path)
    if not match:
        return [path]
    head, tail = path[: match.start()], path[match.end() :]
    return [p for choice in match.group(1).split(",") for p in _expand_alternatives(head + choice.strip() + tail)]


_GROUP = re.compile(r"^\s*((?:GET|POST|PUT|PATCH|DELETE)(?:\s*,\s*(?:GET|POST|PUT|PATCH|DELETE))*)\s+(\S+)\s*$")


def endpoints_in_cell(cell: str) -> list[tuple[str, str]]:
    """`GET, POST /api/v1/x/{cid}; PATCH /api/v1/y/{id}` → [(GET, /api/v1/x/{}), (POST, ...), (PATCH, ...)].

    Raises ValueError for a cell that is not a list of "METHODS path" groups, so that a typo in api.md
    fails the test instead of silently naming nothing.
    """
    found = []
    for group in cell.replace("`", "").split(";"):
        match = _GROUP.match(group)
        if not match:
            raise ValueError(f"not 'METHOD[, METHOD] /path': {group.strip()!r}")
        methods = [m.strip() for m in match.group(1).split(",")]
        for path in _expand_alternatives(match.group(2)):
            found.extend((method, normalise_path(path)) for method in methods)
    return found


def _first_cell(line: str) -> str:
    """The first cell of a markdown table row (`| a | b \\| c |` → `a`)."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    return cells[1].strip() if len(cells) > 2 else ""


def read_api_rows(text: str) -> list[Row]:
    """Every endpoint in every table whose header's first cell is "method and path"."""
    rows: list[Row] = []
    section = subsection = ""
    in_endpoint_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            section, subsection, in_endpoint_table = line[3:].strip(), "", False
        elif line.startswith("### "):
            subsection, in_endpoint_table = line[4:].strip(), False
        elif not line.lstrip().startswith("|"):
            in_endpoint_table = False
        elif not in_endpoint_table:
            in_endpoint_table = _first_cell(line).lower() == "method and path"
        elif not re.fullmatch(r"[\s|:-]+", line):  # skip the |---|---| separator
            try:
                pairs = endpoints_in_cell(_first_cell(line))
            except ValueError as error:
                raise AssertionError(f"docs/api.md line {number}: {error}") from None
            rows.extend(Row(method, path, section, subsection, number) for method, path in pairs)
    return rows


@pytest.fixture(scope="module")
def api_rows() -> list[Row]:
    return read_api_rows(API_MD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def openapi_operations(app) -> set[tuple[str, str]]:
    spec = app.test_client().get("/api/openapi.json").json
    return {
        (method.upper(), normalise_path(path))
        for path, item in spec["paths"].items()
        for method in item
        if method.upper() in HTTP_METHODS
    }


@pytest.fixture(scope="module")
def routed_operations(app) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, documented in OpenAPI or not (Open311, /healthz, the PWA)."""
    return {
        (method, normalise_path(rule.rule))
        for rule in app.url_map.iter_rules()
        for method in rule.methods
        if method in HTTP_METHODS
    }


def _where(rows: list[Row]) -> str:
    return "\n".join(
        f"  line {r.line}: {r.method} {r.path}  ({r.section}{' / ' + r.subsection if r.subsection else ''})"
        for r in sorted(rows, key=lambda r: r.line)
    )


# ---------------------------------------------------------------------------------------------------
# The parser reads what api.md writes (it must be able to fail)
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("POST /api/v1/auth/login", [("POST", "/api/v1/auth/login")]),
        ("GET, PATCH /api/v1/projects/{pid}", [("GET", "/api/v1/projects/{}"), ("PATCH", "/api/v1/projects/{}")]),
        ("`GET /api/v1/communities/{cid}/members?status=pending`", [("GET", "/api/v1/communities/{}/members")]),
        (
            "GET, POST /api/v1/communities/{cid}/tasks; PATCH /api/v1/tasks/{id}",
            [
                ("GET", "/api/v1/communities/{}/tasks"),
                ("POST", "/api/v1/communities/{}/tasks"),
                ("PATCH", "/api/v1/tasks/{}"),
            ],
        ),
        (
            "GET /open311/v2/requests/{id}.{json,xml}",
            [("GET", "/open311/v2/requests/{}.json"), ("GET", "/open311/v2/requests/{}.xml")],
        ),
        ("GET /api/v1/uploads/{id}/{size}.jpg", [("GET", "/api/v1/uploads/{}/{}.jpg")]),
    ],
)
def test_api_md_cells_are_read_as_endpoints(cell, expected):
    assert endpoints_in_cell(cell) == expected


def test_a_malformed_cell_is_an_error_not_nothing():
    with pytest.raises(ValueError):
        endpoints_in_cell("FETCH /api/v1/x")


def test_flask_and_openapi_placeholders_compare_equal():
    assert normalise_path("/api/v1/aid/<int:aid_id>/responses/<int:rid>/accept") == normalise_path(
        "/api/v1/aid/{id}/responses/{rid}/accept"
    )


def test_api_md_has_contract_tables_and_a_planned_section(api_rows):
    """Guards the reader itself: if a heading is renamed, the other tests would check the wrong rows."""
    assert len([r for r in api_rows if r.section != PLANNED_SECTION]) > 100
    # (every planned new endpoint may be built: the additions keep the section's heading guarded)
    assert any(r.section == PLANNED_SECTION for r in api_rows), f"no rows under '## {PLANNED_SECTION}'"
    assert any(r.is_planned_addition for r in api_rows), f"no rows under '### {PLANNED_ADDITIONS}'"


# ---------------------------------------------------------------------------------------------------
# api.md and the OpenAPI document agree
# ---------------------------------------------------------------------------------------------------


def _exists(row: Row, openapi: set, routed: set) -> bool:
    """API endpoints must be in the OpenAPI document; others (Open311) need only be routed."""
    key = (row.method, row.path)
    return key in openapi if row.path.startswith("/api/") else key in routed


def test_every_endpoint_api_md_lists_exists(api_rows, openapi_operations, routed_operations):
    listed = [r for r in api_rows if not r.is_planned_new]
    missing = [r for r in listed if not _exists(r, openapi_operations, routed_operations)]
    assert not missing, "docs/api.md lists endpoints the OpenAPI document does not have:\n" + _where(missing)


def test_every_endpoint_that_exists_is_in_api_md(api_rows, openapi_operations):
    documented = {(r.method, r.path) for r in api_rows if r.section != PLANNED_SECTION}
    undocumented = sorted(openapi_operations - documented)
    assert not undocumented, (
        "endpoints missing from docs/api.md (add them to the contract table or the domain's "
        "'more endpoints' table):\n" + "\n".join(f"  {m} {p}" for m, p in undocumented)
    )


def test_planned_endpoints_are_not_built_yet(api_rows, openapi_operations, routed_operations):
    built = [r for r in api_rows if r.is_planned_new and _exists(r, openapi_operations, routed_operations)]
    assert not built, (
        f"built, but still under '{PLANNED_SECTION}' in docs/api.md: move these rows into "
        "their domain's table:\n" + _where(built)
    )


def test_no_endpoint_is_listed_twice_outside_the_planned_section(api_rows):
    seen: dict[tuple[str, str], Row] = {}
    twice = []
    for row in (r for r in api_rows if r.section != PLANNED_SECTION):
        if (row.method, row.path) in seen:
            twice.append(row)
        seen.setdefault((row.method, row.path), row)
    assert not twice, "listed twice in docs/api.md:\n" + _where(twice)


# ---------------------------------------------------------------------------------------------------
# Every environment variable is documented in docs/operations.md
# ---------------------------------------------------------------------------------------------------


def _env_reads(source: str) -> set[str]:
    """Names read with os.environ.get / os.environ[...] / os.getenv / a helper whose name starts with _env."""
    names = set()
    tree = ast.parse(source)
    # the process environment is `os.environ`, or `environ` where the module imports it from os; a WSGI
    # `environ` (the request's variables) is not configuration
    environ_names = {"os.environ"} | {
        "environ"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "os" and any(a.name == "environ" for a in node.names)
    }
    # ...and a parameter whose default is the process environment (gunicorn.conf.py's `environ=os.environ`)
    for node in ast.walk(tree):
        if isinstance(node, ast.arguments):
            positional = node.posonlyargs + node.args
            defaults = [None] * (len(positional) - len(node.defaults)) + list(node.defaults)
            pairs = list(zip(positional, defaults, strict=True)) + list(
                zip(node.kwonlyargs, node.kw_defaults, strict=True)
            )
            environ_names |= {
                arg.arg for arg, default in pairs if default is not None and ast.unparse(default) == "os.environ"
            }
    readers = {f"{name}.{method}" for name in environ_names for method in ("get", "setdefault")} | {
        "os.getenv",
        "getenv",
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = ast.unparse(node.func)
            if function in readers or function.split(".")[-1].startswith("_env"):
                names.add(node.args[0].value)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) in environ_names
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.ctx, ast.Load)
        ):
            names.add(node.slice.value)
    return {name for name in names if isinstance(name, str)}


def test_the_env_reader_finds_every_form():
    source = (
        'import os\nA = os.environ.get("A_VAR", 1)\nB = os.environ["B_VAR"]\nC = os.getenv("C_VAR")\n'
        'D = _env_bool("D_VAR", True)\nos.environ["SET_ONLY"] = "1"\n'
        'def app(environ, start):\n    return environ.get("PATH_INFO"), environ["REQUEST_METHOD"]\n'
    )
    assert _env_reads(source) == {"A_VAR", "B_VAR", "C_VAR", "D_VAR"}
    assert _env_reads('from os import environ\nE = environ.get("E_VAR")\nF = environ["F_VAR"]\n') == {"E_VAR", "F_VAR"}


def _sources_that_read_the_environment() -> list[Path]:
    return [ROOT / "config.py", ROOT / "gunicorn.conf.py", *sorted((ROOT / "backend").rglob("*.py"))]


def test_every_environment_variable_is_documented_in_operations_md():
    documented = OPERATIONS_MD.read_text(encoding="utf-8")
    read = {
        (name, path.relative_to(ROOT).as_posix())
        for path in _sources_that_read_the_environment()
        for name in _env_reads(path.read_text(encoding="utf-8"))
    }
    config_names = {name for name, where in read if where == "config.py"}
    assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL"} <= config_names, "the reader found nothing in config.py"
    missing = sorted((name, where) for name, where in read if f"`{name}`" not in documented)
    assert not missing, "environment variables missing from docs/operations.md:\n" + "\n".join(
        f"  {name} (read in {where})" for name, where in missing
    )


# ---------------------------------------------------------------------------------------------------
# README.md's links
# ---------------------------------------------------------------------------------------------------


def test_readme_relative_links_resolve():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check-readme-links")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_link_check_catches_a_broken_link(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# T\n\nSee [the docs](docs/nowhere.md) and [a heading](#t) and [gone](#missing).\n")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check-readme-links"), str(readme)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "broken link: docs/nowhere.md " in done.stdout and "broken link: #missing " in done.stdout
    assert "broken link: #t " not in done.stdout
