"""The shape of backend/, read from its source: an import graph without cycles, domains in layers.

Every import counts, at module level or inside a function (a function-level import is still a
dependency: it only hides it until the function runs). Layers come from the manifests
(backend/core/manifest.LAYERS, `layer=` in each domain's `__init__.py`); what a lower layer needs from a
higher one goes through a registry in core (targets, account erasers, profile parts), never an import.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from backend.core.manifest import LAYERS
from backend.domains import DOMAINS

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"
DOMAIN_LAYER = {domain.name: domain.layer for domain in DOMAINS}
# Modules outside the domain packages: infrastructure every layer may use, and the app that wires them.
CORE_MODULES = {"backend.extensions", "backend.jobs", "backend.pwa", "backend.core"}
APP_MODULES = {"backend", "backend.cli", "backend.scheduler", "backend.demo", "backend.backup"}
# The services every domain calls, which must never know the content they serve.
GENERIC = ("notifications", "moderation", "comments", "uploads")
CONTENT = tuple(name for name, layer in DOMAIN_LAYER.items() if layer in ("content", "overview"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in BACKEND.rglob("*.py")}


def _existing(name: str) -> str | None:
    """The module of this tree an import names (`backend.a.b.func` -> `backend.a.b`)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    """Every module of backend/ that `module` imports, wherever the import statement stands."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(_existing(alias.name) for alias in node.names if alias.name.startswith("backend"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            if base.startswith("backend"):
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    found.add(submodule if submodule in MODULES else _existing(base))
    return found - {module, None}


GRAPH = {module: imports_of(module) for module in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def owner(module: str) -> str:
    """The domain a module belongs to, "core" for infrastructure, "app" for the wiring on top."""
    parts = module.split(".")
    if module in APP_MODULES:
        return "app"
    if module in CORE_MODULES or parts[:2] == ["backend", "core"]:
        return "core"
    if module == "backend.domains":
        return "declarations"
    return parts[1]


def is_manifest(module: str) -> bool:
    """A domain package's `__init__.py` (its manifest) or the list of them: declarations, importing only core."""
    return module == "backend.domains" or (module.count(".") == 1 and MODULES[module].name == "__init__.py")


def domain_edges() -> dict[tuple[str, str], list[str]]:
    """(importing domain, imported domain) -> the module imports behind it, manifests left out."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module, targets in GRAPH.items():
        for target in targets:
            if is_manifest(target) or owner(module) == owner(target):
                continue
            edges[(owner(module), owner(target))].append(f"{module} -> {target}")
    return edges


def test_the_module_graph_has_no_cycle():
    assert cycles(GRAPH) == []


def test_the_domain_graph_has_no_cycle():
    graph: dict[str, set[str]] = defaultdict(set)
    for importer, imported in domain_edges():
        graph[importer].add(imported)
    assert cycles(graph) == []


def test_every_domain_package_is_listed_once_in_backend_domains():
    packages = {path.parent.name for path in BACKEND.glob("*/__init__.py")}
    assert sorted(domain.name for domain in DOMAINS) == sorted(packages)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if is_manifest(m)))
def test_manifests_import_only_the_manifest_types(module):
    """Importing a manifest (or the list of them) loads no domain code: the scheduler starts light."""
    allowed = {"backend.core.manifest"} | {m for m in MODULES if is_manifest(m)}
    assert GRAPH[module] <= allowed


def test_imports_go_down_the_layers():
    """core < identity < messaging < community < shared < content < overview < app."""
    rank = {name: LAYERS.index(layer) for name, layer in DOMAIN_LAYER.items()} | {"app": len(LAYERS)}
    upward = {
        f"{a} ({DOMAIN_LAYER.get(a, a)}) -> {b} ({DOMAIN_LAYER.get(b, b)})": lines
        for (a, b), lines in domain_edges().items()
        if b != "declarations" and rank[b] > rank.get(a, len(LAYERS))
    }
    assert upward == {}


def test_core_imports_no_domain():
    assert {edge: lines for edge, lines in domain_edges().items() if edge[0] == "core"} == {}


@pytest.mark.parametrize("generic", GENERIC)
def test_generic_services_never_import_the_content_they_serve(generic):
    """Notifications, moderation, comments and uploads ask the targets registry, never the domains."""
    assert {edge: lines for edge, lines in domain_edges().items() if edge[0] == generic and edge[1] in CONTENT} == {}


def test_no_domain_reads_another_domains_models_or_routes():
    """Domains talk through services; shared output schemas come from the owner's schemas.py."""
    reach_ins = [
        line
        for (_a, b), lines in domain_edges().items()
        if b in DOMAIN_LAYER
        for line in lines
        if line.rsplit(".", 1)[-1] in ("models", "routes")
    ]
    assert reach_ins == []


def test_services_are_given_the_locale_never_read_it_from_the_request():
    """Routes pass `locale` (request_locale()); a service that read it would depend on the HTTP layer."""
    reading = [
        module
        for module, path in MODULES.items()
        if path.name == "services.py"
        and "request_locale"
        in {getattr(node, "id", getattr(node, "attr", None)) for node in ast.walk(ast.parse(path.read_text()))}
    ]
    assert reading == []
