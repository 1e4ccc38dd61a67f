"""Lists: who sees what, filters, and keyset pagination for every sort."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from backend.core.db import utcnow
from backend.extensions import db
from backend.projects.models import Project


def collect(client, url, limit=2):
    """Every item of a list, page by page, asserting no page repeats an item."""
    items, cursor, pages = [], None, 0
    while True:
        sep = "&" if "?" in url else "?"
        page = client.get(f"{url}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")).json
        items.extend(page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            return items, pages


@pytest.fixture
def seven_projects(app, make_project):
    """Projects with distinct and tied supports and deadlines, to exercise every sort's tie-break."""
    titles = ["修好3号楼前的长椅", "屋顶菜园", "老年助餐点", "儿童游乐区围栏", "楼道照明", "垃圾分类亭", "社区读书角"]
    ids = [
        make_project("submitted", title=title, category="environment" if i % 2 else "facilities")
        for i, title in enumerate(titles)
    ]
    supports = [2, 0, 2, 1, 0, 2, 1]
    deadlines = [5, None, 1, 3, None, 1, 8]
    now = utcnow()
    with app.app_context():
        for project_id, count, days in zip(ids, supports, deadlines, strict=False):
            db.session.execute(
                update(Project)
                .where(Project.id == project_id)
                .values(
                    supports_count=count,
                    closes_at=now + timedelta(days=days) if days is not None else None,
                    created_at=now - timedelta(hours=project_id % 3),
                )
            )
        db.session.commit()
    return ids


@pytest.mark.parametrize("sort", ["newest", "most_supported", "closing_soon"])
def test_every_sort_pages_through_all_items_once_in_order(app, world, as_role, seven_projects, sort):
    url = f"/api/v1/communities/{world.community.id}/projects?sort={sort}"
    paged, pages = collect(as_role("visitor"), url, limit=2)
    everything = as_role("visitor").get(f"{url}&limit=100").json["items"]
    assert pages == 4
    assert [p["id"] for p in paged] == [p["id"] for p in everything]
    assert sorted(p["id"] for p in paged) == sorted(seven_projects)
    with app.app_context():
        rows = {p.id: p for p in db.session.query(Project).all()}
    if sort == "newest":
        expected = sorted(seven_projects, key=lambda i: (rows[i].created_at, i), reverse=True)
    elif sort == "most_supported":
        expected = sorted(seven_projects, key=lambda i: (rows[i].supports_count, i), reverse=True)
    else:
        far = utcnow() + timedelta(days=10_000)
        expected = sorted(seven_projects, key=lambda i: (rows[i].closes_at or far, i))
    assert [p["id"] for p in paged] == expected


def test_a_new_project_does_not_shift_the_next_page(world, as_role, seven_projects, make_project):
    client = as_role("visitor")
    url = f"/api/v1/communities/{world.community.id}/projects?limit=3"
    first = client.get(url).json
    make_project("submitted", title="新来的项目")
    second = client.get(f"{url}&cursor={first['next_cursor']}").json
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}


def test_filters_by_status_category_and_grid(world, as_role, make_project):
    grid = world.community.grid_ids[1]
    in_grid = make_project("submitted", title="二网格的花坛", category="environment", grid_id=grid)
    make_project("submitted", title="楼道照明", category="safety")
    in_review = make_project("in_review", title="老年助餐点", category="elderly_care")
    client = as_role("visitor")
    base = f"/api/v1/communities/{world.community.id}/projects"
    assert [p["id"] for p in client.get(f"{base}?grid_id={grid}").json["items"]] == [in_grid]
    assert [p["id"] for p in client.get(f"{base}?category=elderly_care").json["items"]] == [in_review]
    assert [p["id"] for p in client.get(f"{base}?status=in_review").json["items"]] == [in_review]
    assert client.get(f"{base}?status=flying").status_code == 422
    assert client.get(f"{base}?sort=random").status_code == 422
    assert client.get(f"{base}?cursor=not-a-cursor").status_code == 422


def test_drafts_are_listed_only_for_their_author(world, as_role, make_project):
    draft = make_project("draft", title="还在想的点子")
    public = make_project("submitted", title="屋顶菜园")
    withdrawn = make_project("withdrawn", title="撤回的项目")
    base = f"/api/v1/communities/{world.community.id}/projects"
    for role in ("visitor", "resident", "committee"):
        ids = [p["id"] for p in as_role(role).get(base).json["items"]]
        assert ids == [public], role
        assert as_role(role).get(f"{base}?status=draft").json["items"] == [], role
    assert [p["id"] for p in as_role("author").get(f"{base}?status=draft").json["items"]] == [draft]
    assert {p["id"] for p in as_role("author").get(f"{base}?mine=true").json["items"]} == {draft, public, withdrawn}
    assert [p["id"] for p in as_role("committee").get(f"{base}?status=withdrawn").json["items"]] == [withdrawn]
    assert as_role("resident").get(f"{base}?status=withdrawn").json["items"] == []
    assert as_role("visitor").get(f"{base}?mine=true").status_code == 401


def test_list_items_show_counts_and_my_support_but_nothing_personal(world, as_role, make_project):
    project_id = make_project("submitted")
    as_role("resident").post(f"/api/v1/projects/{project_id}/supports")
    as_role("resident").post(f"/api/v1/projects/{project_id}/comments", json={"body": "支持！"})
    item = as_role("resident").get(f"/api/v1/communities/{world.community.id}/projects").json["items"][0]
    assert item["supports_count"] == 1 and item["supported_by_me"] is True and item["comments_count"] == 1
    assert set(item["author"]) == {"id", "display_name"}
    assert (
        as_role("visitor").get(f"/api/v1/communities/{world.community.id}/projects").json["items"][0]["supported_by_me"]
        is False
    )


def test_unknown_community_and_project_are_404(as_role):
    assert as_role("visitor").get("/api/v1/communities/99999/projects").status_code == 404
    assert as_role("visitor").get("/api/v1/projects/99999").status_code == 404
    assert as_role("visitor").get("/api/v1/projects/99999/events").status_code == 404
