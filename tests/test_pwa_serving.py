"""Flask serves the PWA: the shell at every client route, sw.js at root scope without caching; what the
first load carries."""

import gzip
import json
import re
from pathlib import Path

from backend.pwa import PWA_DIR


def test_shell_at_root_and_at_deep_links(client):
    for path in ("/", "/profile", "/communities/3", "/join"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html"
        assert b'type="module"' in response.data


def test_service_worker_is_served_from_root_and_not_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any("maskable" in icon.get("purpose", "") for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_missing_asset_is_404_not_the_shell(client):
    assert client.get("/js/does-not-exist.js").status_code == 404


def test_path_traversal_is_refused(client):
    assert client.get("/../config.py").status_code == 404
    assert client.get("/%2e%2e/config.py").status_code == 404


def test_locales_have_the_same_keys(client):
    zh = client.get("/locales/zh-CN.json").json
    en = client.get("/locales/en.json").json
    assert zh and set(zh) == set(en)


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["checks"]["database"] == "ok"


def test_text_files_are_sent_gzipped_to_browsers_that_take_it(client):
    import gzip

    from backend.pwa import PWA_DIR

    plain = client.get("/js/app.js")
    assert "Content-Encoding" not in plain.headers and plain.data == (PWA_DIR / "js/app.js").read_bytes()
    packed = client.get("/js/app.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data) / 2
    assert packed.mimetype == plain.mimetype and packed.headers["Cache-Control"] == "no-cache"
    again = client.get("/js/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    shell = client.get("/projects/12", headers={"Accept-Encoding": "gzip"})
    assert shell.mimetype == "text/html" and gzip.decompress(shell.data) == client.get("/projects/12").data
    icon = client.get("/icons/icon-192.png", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in icon.headers  # already compressed


# --- the first load: the shell's modules only (issue 17) -----------------------------------------------

# `import ... from '...'`, `import '...'` and `export ... from '...'` at the start of a line: the static
# dependencies a browser fetches before a module runs (import() is dynamic, loaded on demand).
STATIC_DEPENDENCY = re.compile(r"^(?:import|export)\s(?:[^;'\"]*?\sfrom\s)?\s*'([^']+)';", re.M | re.S)
SHELL_BUDGET_GZIP_BYTES = 40 * 1024


def _static_closure(entry: Path) -> set[Path]:
    """Every module the browser must fetch before `entry` runs (itself included)."""
    seen, todo = set(), [entry]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for target in STATIC_DEPENDENCY.findall(module.read_text(encoding="utf-8")):
            resolved = PWA_DIR / target.lstrip("/") if target.startswith("/") else (module.parent / target)
            todo.append(resolved.resolve())
    return seen


def _shell_modules() -> set[Path]:
    return _static_closure((PWA_DIR / "js" / "app.js").resolve())


def test_the_dependency_pattern_sees_multi_line_imports_and_re_exports():
    """Would the checks below miss a module imported over several lines, or re-exported?"""
    source = (
        "import {\n  a, b\n} from '../ui.js';\nimport './side.js';\n"
        "export { c } from './c.js';\nconst d = import('./lazy.js');\n"
    )
    assert STATIC_DEPENDENCY.findall(source) == ["../ui.js", "./side.js", "./c.js"]


def test_the_shell_imports_no_screen_statically():
    """A first visit fetches the shell and the screen being opened, not every screen (LAZY_SCREENS in app.js)."""
    screens = sorted(p.name for p in _shell_modules() if "screens" in p.parts)
    assert screens == []


def test_every_lazy_screen_module_exists():
    app = (PWA_DIR / "js" / "app.js").read_text(encoding="utf-8")
    lazy = re.findall(r"import\('\./(screens/[\w-]+\.js)'\)", app)
    assert len(lazy) >= 15
    assert [m for m in lazy if not (PWA_DIR / "js" / m).is_file()] == []


def test_index_html_preloads_exactly_the_shells_modules():
    """modulepreload fetches the shell's modules beside app.js instead of one level at a time; a preload of
    anything else would spend the first load's bytes on what the screen does not need."""
    index = (PWA_DIR / "index.html").read_text(encoding="utf-8")
    preloads = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', index))
    entry = (PWA_DIR / "js" / "app.js").resolve()
    wanted = {"/" + p.relative_to(PWA_DIR.resolve()).as_posix() for p in _shell_modules() - {entry}}
    assert preloads == wanted


def test_the_shell_fits_its_share_of_the_first_load_budget():
    """The page, its stylesheet, the shell's modules and the shell's Chinese words, gzipped as served: at most
    40 KB of the first load's 60 KB (docs/benchmarks.md), leaving the rest to the screen being opened."""
    files = [PWA_DIR / "index.html", PWA_DIR / "css" / "app.css", PWA_DIR / "locales" / "zh-CN.json", *_shell_modules()]
    sizes = {p.name: len(gzip.compress(p.read_bytes(), compresslevel=9, mtime=0)) for p in files}
    assert sum(sizes.values()) <= SHELL_BUDGET_GZIP_BYTES, sizes
