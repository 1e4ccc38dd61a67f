"""The search screen learns what search finds from the server: every kind is named in both languages and links
to a page the app really has."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.core import search as registry
from backend.extensions import db
from backend.search.indexer import load_domain_kinds
from tests.search.conftest import project

PWA_JS = Path(__file__).resolve().parents[2] / "pwa" / "js"


def app_route_patterns() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in PWA_JS.rglob("*.js"))


def test_every_kind_is_named_in_both_languages_and_has_a_page_of_the_app(app):
    load_domain_kinds()
    sources = app_route_patterns()
    for kind in registry.all_kinds():
        assert kind.screen and "{id}" in kind.screen, f"{kind.kind}: no page to link results to"
        pattern = kind.screen.replace("{id}", ":id")
        assert f"'{pattern}'" in sources, f"{kind.kind}: the app has no route {pattern}"
        for locale in ("zh-CN", "en"):
            one, many = (kind.labels or {}).get(locale, ("", ""))
            assert one and many, f"{kind.kind}: not named in {locale}"
        assert not any(c.isascii() and c.isalpha() for c in "".join(kind.labels["zh-CN"])), kind.kind


@pytest.mark.parametrize(("locale", "poll_label"), [("zh-CN", "投票"), ("en", "Poll")])
def test_the_kinds_are_served_in_the_askers_language(client, locale, poll_label):
    response = client.get("/api/v1/search/kinds", headers={"Accept-Language": locale})
    assert response.status_code == 200
    items = {item["type"]: item for item in response.get_json()["items"]}
    assert {"project", "report", "aid", "notice", "activity", "poll", "survey"} <= set(items)
    assert items["poll"]["label"] == poll_label
    assert items["poll"]["screen"] == "/polls/{id}"


def test_a_result_links_to_its_page(app, client_for, town):
    with app.app_context():
        project_id = project(town.community.id, town.committee.id, "楼道灯具更换计划")
        db.session.commit()
    response = client_for(town.grid0).get(f"/api/v1/communities/{town.community.id}/search", query_string={"q": "灯具"})
    hits = [item for item in response.get_json()["items"] if item["type"] == "project"]
    assert hits and hits[0]["href"] == f"/projects/{project_id}"
