"""Is the index in step with the content, in the same transaction, whatever writes it?"""

from __future__ import annotations

from sqlalchemy import func, select, text

from backend.extensions import db
from backend.search.models import FTS_TABLE, SearchDocument
from tests.search.conftest import project


def titles(client, cid, q):
    response = client.get(f"/api/v1/communities/{cid}/search", query_string={"q": q})
    assert response.status_code == 200
    return [item["title"] for item in response.get_json()["items"]]


def test_a_notice_published_through_the_api_is_found_at_once(client_for, town):
    committee = client_for(town.committee)
    response = committee.post(
        f"/api/v1/communities/{town.community.id}/notices", json={"title": "电梯年检通知", "body": "周三上午电梯停运"}
    )
    assert response.status_code == 201, response.get_json()
    assert titles(client_for(town.grid1), town.community.id, "年检") == ["电梯年检通知"]


def test_changed_words_replace_the_old_ones_in_the_same_transaction(app, client_for, town):
    from backend.projects.models import Project

    with app.app_context():
        item = db.session.get(Project, town.ids["project"])
        item.title = "楼下花园加装凉亭"
        db.session.flush()
        # inside the transaction already, before the commit
        assert db.session.scalar(select(SearchDocument.title).filter_by(kind="project", item_id=item.id)) == item.title
        db.session.commit()
    client = client_for(town.grid0)
    assert "楼下花园加装凉亭" in titles(client, town.community.id, "凉亭")
    assert "楼下花园加装长椅" not in titles(client, town.community.id, "长椅")


def test_a_rolled_back_change_leaves_no_words_behind(app, client_for, town):
    with app.app_context():
        project(town.community.id, town.grid0.id, "从未存在的喷泉")
        db.session.rollback()
    assert titles(client_for(town.grid0), town.community.id, "喷泉") == []


def test_a_deleted_item_takes_its_words_with_it(app, client_for, town):
    from backend.projects.models import Project

    with app.app_context():
        db.session.delete(db.session.get(Project, town.ids["project"]))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(SearchDocument).filter_by(kind="project")) == 0
    assert titles(client_for(town.grid0), town.community.id, "长椅") == ["是否在花园加装长椅"]


def test_a_failed_request_indexes_nothing(client_for, town):
    """A 4xx rolls the request back; its flushed words go with it."""
    response = client_for(town.grid0).post(
        f"/api/v1/communities/{town.community.id}/notices", json={"title": "居民不能发的公告", "body": "x"}
    )
    assert response.status_code == 403
    assert titles(client_for(town.committee), town.community.id, "不能发") == []


def test_reindex_rebuilds_the_same_documents(app, town):
    from backend.search.indexer import reindex_all

    def documents():
        return sorted(
            db.session.execute(
                select(SearchDocument.kind, SearchDocument.item_id, SearchDocument.title, SearchDocument.body)
            ).all()
        )

    with app.app_context():
        before = documents()
        db.session.execute(SearchDocument.__table__.delete())
        assert reindex_all() == len(before) == 6  # one of each kind
        db.session.commit()
        assert documents() == before


def test_sqlite_looks_long_terms_up_through_the_trigram_index(app, town):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            plan = db.session.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'search_documents'"))
            assert {"ix_search_documents_title_trgm", "ix_search_documents_body_trgm"} <= set(plan.scalars())
            return
        rows = db.session.execute(
            text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"), {"q": '"垃圾分类"'}
        ).all()
        assert len(rows) == 1


def test_a_search_costs_the_same_few_statements_however_many_results(app, client_for, town, count_queries):
    """Visibility is asked in the one search statement, not per result: 6 is the API's GET budget."""
    client = client_for(town.committee)
    url = f"/api/v1/communities/{town.community.id}/search"
    client.get(url, query_string={"q": "电梯"})  # warm: the session's own first reads
    with count_queries() as few:
        assert client.get(url, query_string={"q": "电梯"}).status_code == 200
    with app.app_context():
        for n in range(30):
            project(town.community.id, town.grid0.id, f"电梯加装第{n}期")
        db.session.commit()
    with count_queries() as many:
        body = client.get(url, query_string={"q": "电梯"}).get_json()
    assert len(body["items"]) == 20
    assert many.count == few.count <= 6, many.statements
