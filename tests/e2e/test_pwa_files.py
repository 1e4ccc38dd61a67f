"""Static checks on pwa/ that need no browser: the precache list, translations, CSP-safe HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

PWA = Path(__file__).resolve().parents[2] / "pwa"

pytestmark = pytest.mark.e2e


def _served_service_worker(client) -> str:
    return client.get("/sw.js").get_data(as_text=True)


def test_the_service_worker_precaches_every_shell_file(client):
    """Would an offline start miss a module, a locale or an icon?"""
    wanted = {"/index.html", "/offline.html", "/manifest.webmanifest"}
    for folder, pattern in (("js", "**/*.js"), ("css", "*.css"), ("locales", "*.json"), ("icons", "*.*")):
        wanted |= {"/" + p.relative_to(PWA).as_posix() for p in (PWA / folder).glob(pattern)}
    block = re.search(r"const SHELL = \[(.*?)\];", _served_service_worker(client), re.S).group(1)
    shell = set(json.loads(f"[{block}]"))
    assert wanted - shell == set()
    assert {p for p in shell if not (PWA / p.lstrip("/")).is_file()} == set()


def test_the_cache_version_changes_with_any_shell_file(client, tmp_path, monkeypatch):
    """Does editing a module install a new service worker without anyone bumping a number?"""
    from backend import pwa

    version = re.search(r"const VERSION = '(\w+)';", _served_service_worker(client)).group(1)
    assert version != "dev"
    changed = tmp_path / "pwa"
    import shutil

    shutil.copytree(PWA, changed)
    (changed / "js" / "app.js").write_text("// changed\n" + (PWA / "js" / "app.js").read_text(encoding="utf-8"))
    monkeypatch.setattr(pwa, "PWA_DIR", changed)
    assert re.search(r"const VERSION = '(\w+)';", _served_service_worker(client)).group(1) != version


def test_both_locales_have_the_same_keys_and_cover_the_code():
    """Does every t('key') used in the code exist in zh-CN and en?"""
    zh = json.loads((PWA / "locales" / "zh-CN.json").read_text(encoding="utf-8"))
    en = json.loads((PWA / "locales" / "en.json").read_text(encoding="utf-8"))
    assert set(zh) == set(en)
    used = set()
    for path in (PWA / "js").rglob("*.js"):
        used |= set(re.findall(r"\bt\('([\w.]+)'", path.read_text(encoding="utf-8")))
    assert used - set(zh) == set()


def _bundle_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".zh-CN.json") for p in (PWA / "locales").glob("*.zh-CN.json") if p.name != "zh-CN.json"
    )


@pytest.mark.parametrize("name", _bundle_names())
def test_each_domain_bundle_says_the_same_things_in_both_languages(name):
    """Would an English screen show a raw key (or lose a {count}) that the Chinese one has, or the reverse?"""
    zh = json.loads((PWA / "locales" / f"{name}.zh-CN.json").read_text(encoding="utf-8"))
    en = json.loads((PWA / "locales" / f"{name}.en.json").read_text(encoding="utf-8"))
    assert sorted(set(zh) ^ set(en)) == []
    assert [k for k in zh if not str(zh[k]).strip() or not str(en[k]).strip()] == []
    placeholders = re.compile(r"\{(\w+)\}")
    assert [k for k in zh if set(placeholders.findall(zh[k])) != set(placeholders.findall(en[k]))] == []


def test_there_are_domain_bundles_to_compare():
    assert {"projects", "polls", "reports", "notifications", "home"} <= set(_bundle_names())


@pytest.mark.parametrize("name", ["index.html", "offline.html"])
def test_html_has_no_inline_script_or_style(name):
    """Can a strict CSP (script-src 'self'; style-src 'self') be applied?"""
    html = (PWA / name).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "http://" not in html and "https://" not in html  # no external resources


def test_manifest_is_installable():
    manifest = json.loads((PWA / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["display"] == "standalone"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert (PWA / icon["src"].lstrip("/")).is_file()


def test_no_screen_puts_data_into_inner_html():
    """User text must go through textContent / DOM APIs (XSS)."""
    offenders = [
        p.name
        for p in (PWA / "js").rglob("*.js")
        if re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
