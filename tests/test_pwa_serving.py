"""Flask serves the PWA: the shell at every client route, sw.js at root scope without caching."""

import json


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
