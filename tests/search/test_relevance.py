"""Does search find Chinese, English and mixed text as people type it, rank it and mark what matched?"""

from __future__ import annotations

import pytest

from backend.extensions import db
from tests.search.conftest import notice, project, report


def found(client, cid, q, **params):
    response = client.get(f"/api/v1/communities/{cid}/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def kinds_and_titles(items):
    return [(item["type"], item["title"]) for item in items]


@pytest.mark.parametrize(
    ("query", "kind", "title"),
    [
        ("路灯", "report", "3栋门口路灯不亮了"),  # two characters: shorter than a trigram
        ("垃圾分类", "activity", "垃圾分类督导志愿者招募"),
        ("WiFi密码", "notice", "小区WiFi密码更新"),  # Chinese and English in one word
        ("wifi 密码", "notice", "小区WiFi密码更新"),  # two terms, case folded
        ("灯", "report", "3栋门口路灯不亮了"),  # one character
        ("长椅 花园", "project", "楼下花园加装长椅"),
        ("快递", "aid", "谁能帮我取个快递"),
        ("2单元", "report", "3栋门口路灯不亮了"),  # the place in words is part of a report's document
    ],
)
def test_chinese_and_mixed_queries_find_what_was_written(client_for, town, query, kind, title):
    items = found(client_for(town.grid0), town.community.id, query)
    assert (kind, title) in kinds_and_titles(items)


def test_every_term_must_match(client_for, town):
    assert found(client_for(town.grid0), town.community.id, "路灯 快递") == []


def test_highlights_are_character_ranges_of_the_plain_text(client_for, town):
    [hit] = found(client_for(town.grid0), town.community.id, "路灯")
    assert hit["title"] == "3栋门口路灯不亮了"
    assert hit["highlights"]["title"] == [[4, 6]]
    # a report's title is the start of its description: the excerpt goes on from there (here, the place)
    assert hit["excerpt"] == "3栋2单元门口" and hit["highlights"]["excerpt"] == []


def test_highlights_of_a_mixed_query_mark_each_term_as_written(client_for, town):
    [hit] = found(client_for(town.committee), town.community.id, "wifi 密码")
    assert [hit["title"][s:e] for s, e in hit["highlights"]["title"]] == ["WiFi密码"]  # adjacent terms merge


def test_title_matches_rank_above_body_matches_then_newest_first(app, client_for, town):
    cid, author = town.community.id, town.grid0.id
    with app.app_context():
        old_title = project(cid, author, "修补健身器材", age_days=30)
        new_title = project(cid, author, "健身器材更新", age_days=1)
        in_body = project(cid, author, "广场改造", body="顺便看看健身器材")
        db.session.commit()
    items = found(client_for(town.grid0), cid, "健身器材")
    assert [item["id"] for item in items] == [new_title, old_title, in_body]


def test_type_filter_keeps_only_the_chosen_kinds(client_for, town):
    client = client_for(town.committee)
    items = found(client, town.community.id, "长椅", types="poll")
    assert kinds_and_titles(items) == [("poll", "是否在花园加装长椅")]
    both = found(client, town.community.id, "长椅", types="poll,project")
    assert {item["type"] for item in both} == {"poll", "project"}


def test_results_open_the_items_they_name(client_for, town):
    """Each hit carries the type and id of the item's own screen: the API of that item answers for it."""
    client = client_for(town.grid0)
    paths = {
        "report": "reports",
        "project": "projects",
        "activity": "activities",
        "aid": "aid",
        "notice": "notices",
        "poll": "polls",
    }
    for item in found(client, town.community.id, "长椅") + found(client, town.community.id, "路灯"):
        assert client.get(f"/api/v1/{paths[item['type']]}/{item['id']}").status_code == 200


def test_pages_follow_one_another_without_repeats(app, client_for, town):
    cid = town.community.id
    with app.app_context():
        for n in range(5):
            report(cid, town.grid0.id, f"电梯{n}号故障")
        db.session.commit()
    client, seen, cursor = client_for(town.grid0), [], None
    while True:
        params = {"q": "电梯", "limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get(f"/api/v1/communities/{cid}/search", query_string=params).get_json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 == len(set(seen))


@pytest.mark.parametrize("query", ["%", "_", "\\", '"', "AND", "*", "NEAR(", "'; DROP TABLE x; --", '门口"路灯'])
def test_special_characters_are_taken_literally(client_for, town, query):
    items = found(client_for(town.committee), town.community.id, query)
    assert all(query.lower() in (item["title"] + item["excerpt"]).lower() for item in items)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "灯", "types": "secret"}, "types"),
        ({"q": "灯", "cursor": "!!"}, "cursor"),
        ({"q": "灯", "limit": 0}, "limit"),
    ],
)
def test_bad_queries_are_a_clear_422(client_for, town, params, field):
    response = client_for(town.grid0).get(f"/api/v1/communities/{town.community.id}/search", query_string=params)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_an_unknown_community_is_404(client_for, town):
    assert client_for(town.grid0).get("/api/v1/communities/999999/search?q=灯").status_code == 404


def test_a_notice_s_body_is_searched_and_excerpted_around_the_match(app, client_for, town):
    with app.app_context():
        notice(town.community.id, town.committee.id, "停水通知", body="因管道维修，" * 20 + "周六上午九点到十二点停水")
        db.session.commit()
    [hit] = found(client_for(town.grid0), town.community.id, "九点")
    assert hit["excerpt"].startswith("…") and "九点" in hit["excerpt"]
    assert [hit["excerpt"][s:e] for s, e in hit["highlights"]["excerpt"]] == ["九点"]
