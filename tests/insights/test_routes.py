"""Insights over HTTP: who may see what, the CSV exports, open data without personal data, the roll-up."""

from __future__ import annotations

import csv
import io
import json

import pytest

from backend.extensions import db
from tests.insights.conftest import NOW, WEEK_ARGS

COMMITTEE_PATHS = ["/insights", "/insights/trends", "/insights/map", "/insights/warnings", "/exports/reports.csv"]
ZH, EN = 0, 1
EXPORT_HEADERS = {  # (zh-CN header cells, en header cells)
    "reports": (
        [
            "编号",
            "提交时间",
            "类别",
            "网格",
            "状态",
            "位置",
            "描述",
            "反映人",
            "处理人",
            "受理时间",
            "办结时间",
            "办结期限",
            "按期办结",
            "关闭时间",
            "重办次数",
            "附议人数",
            "评价星级",
            "默认好评",
            "驳回原因",
        ],
        [
            "id",
            "submitted at",
            "category",
            "grid",
            "status",
            "location",
            "description",
            "reporter",
            "handler",
            "accepted at",
            "resolved at",
            "resolve deadline",
            "resolved within deadline",
            "closed at",
            "reopened",
            "me too",
            "stars",
            "confirmed by default",
            "reject reason",
        ],
    ),
    "projects": (
        [
            "编号",
            "标题",
            "类别",
            "网格",
            "状态",
            "发起人",
            "预算（元）",
            "支持人数",
            "创建时间",
            "提交时间",
            "决定时间",
            "完成时间",
            "完成度",
            "评价数",
            "平均星级",
            "投票编号",
        ],
        [
            "id",
            "title",
            "category",
            "grid",
            "status",
            "author",
            "budget (yuan)",
            "supporters",
            "created at",
            "submitted at",
            "decided at",
            "completed at",
            "percent done",
            "ratings",
            "mean stars",
            "poll id",
        ],
    ),
    "polls": (
        [
            "编号",
            "标题",
            "方式",
            "投票资格",
            "网格",
            "项目编号",
            "开始时间",
            "截止时间",
            "状态",
            "无记名",
            "投票人数",
            "有资格人数",
            "投票率",
            "达到法定人数",
            "通过",
            "结果",
            "已取消",
        ],
        [
            "id",
            "title",
            "method",
            "eligibility",
            "grid",
            "project id",
            "opens at",
            "closes at",
            "state",
            "secret",
            "voters",
            "eligible",
            "turnout",
            "quorum met",
            "passed",
            "results",
            "cancelled",
        ],
    ),
    "aid": (
        ["编号", "发布时间", "类型", "类别", "标题", "网格", "状态", "发布人", "帮助人", "完成时间", "时长（小时）"],
        ["id", "posted at", "kind", "category", "title", "grid", "status", "author", "helper", "completed at", "hours"],
    ),
    "volunteer-hours": (
        ["组织", "活动编号", "活动", "开始时间", "结束时间", "志愿者", "签到时间", "时长（小时）", "时长说明"],
        [
            "organisation",
            "activity id",
            "activity",
            "starts at",
            "ends at",
            "volunteer",
            "checked in at",
            "hours",
            "hours note",
        ],
    ),
}


@pytest.fixture
def outsider(make_community, make_member):
    return make_member(make_community("别的社区"), "committee", display_name="别处主任")


@pytest.mark.parametrize("path", COMMITTEE_PATHS)
@pytest.mark.parametrize(
    "who, status",
    [("committee", 200), ("resident", 403), ("visitor", 401), ("outsider", 403), ("admin", 200), ("grid_worker", 403)],
)
def test_who_may_see_the_dashboard(client_for, make_user, make_member, town, outsider, path, who, status):
    """Can anyone but the committee (or a platform admin) see the dashboard, map, warnings or exports?"""
    users = {
        "committee": town.committee,
        "resident": town.a1,
        "visitor": None,
        "outsider": outsider,
        "admin": make_user(platform_admin=True),
        "grid_worker": make_member(town.community, "grid_worker", grid=1),
    }
    response = client_for(users[who]).get(f"/api/v1/communities/{town.cid}{path}")
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 401:
        assert response.get_json()["code"] == "auth_required"


def test_dashboard_over_http_gives_the_known_figures(client_for, known_week):
    response = client_for(known_week.committee).get(
        f"/api/v1/communities/{known_week.cid}/insights", query_string=WEEK_ARGS
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["period"]["start"] == "2026-11-16"
    assert body["figures"]["reports"]["resolve_hours"] == {"count": 5, "median": 20.0, "p90": 58.8}
    assert body["figures"]["participation"]["household_vote_share"] == 0.2
    assert len(body["grids"]) == 3


def test_custom_period_must_be_ordered(client_for, town):
    response = client_for(town.committee).get(
        f"/api/v1/communities/{town.cid}/insights",
        query_string={"period": "custom", "start": "2026-11-22", "end": "2026-11-01"},
    )
    assert response.status_code == 422
    assert "end" in response.get_json()["errors"]


@pytest.mark.parametrize("name", sorted(EXPORT_HEADERS))
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_exports_start_with_bom_and_header(client_for, known_week, name, locale):
    client = client_for(known_week.committee)
    client.patch("/api/v1/me", json={"locale": locale})  # the committee member's own language
    response = client.get(f"/api/v1/communities/{known_week.cid}/exports/{name}.csv", query_string=WEEK_ARGS)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    first_line = raw.decode("utf-8")[1:].split("\r\n")[0]
    assert first_line == ",".join(EXPORT_HEADERS[name][ZH if locale == "zh-CN" else EN])


def _rows(response):
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_reports_export_names_the_reporter_but_never_contact_data(client_for, known_week):
    response = client_for(known_week.committee).get(
        f"/api/v1/communities/{known_week.cid}/exports/reports.csv", query_string=WEEK_ARGS
    )
    rows = _rows(response)
    assert len(rows) == 1 + 7  # header + the reports made that week
    text = response.get_data(as_text=True)
    assert "张阿姨" in text and "垃圾环境" in text
    assert "13800000001" not in text and "zhang@example.test" not in text and "301" not in text
    first = dict(zip(rows[0], rows[1], strict=False))
    assert first["提交时间"] == "2026-11-16 01:00" and first["按期办结"] == "1" and first["评价星级"] == "5"


def test_exports_of_other_domains_have_their_rows(client_for, known_week):
    client = client_for(known_week.committee)
    url = f"/api/v1/communities/{known_week.cid}/exports"
    assert len(_rows(client.get(f"{url}/aid.csv", query_string=WEEK_ARGS))) == 1 + 3
    hours = _rows(client.get(f"{url}/volunteer-hours.csv", query_string=WEEK_ARGS))
    assert [(r[5], r[7]) for r in hours[1:]] == [("张阿姨", "2.0"), ("张叔叔", ""), ("张阿姨", "")]
    assert len(_rows(client.get(f"{url}/polls.csv", query_string=WEEK_ARGS))) == 1 + 1
    assert len(_rows(client.get(f"{url}/projects.csv", query_string=WEEK_ARGS))) == 1 + 3


def test_a_cell_that_looks_like_a_formula_is_defused(app, client_for, town):
    from backend.reports.models import Report
    from tests.insights.conftest import h

    with app.app_context():
        from tests.insights.conftest import add_report

        report = add_report(town.cid, town.grid_a, town.a1.id, "rubbish", h(1))
        db.session.get(Report, report.id).description = '=HYPERLINK("http://evil")'
        db.session.commit()
    rows = _rows(
        client_for(town.committee).get(f"/api/v1/communities/{town.cid}/exports/reports.csv", query_string=WEEK_ARGS)
    )
    assert rows[1][6] == '\'=HYPERLINK("http://evil")'


def test_unknown_export_is_404(client_for, town):
    response = client_for(town.committee).get(f"/api/v1/communities/{town.cid}/exports/passwords.csv")
    assert response.status_code == 404 and response.get_json()["code"] == "insights.unknown_export"


# --- open data -----------------------------------------------------------------------------------

PERSONAL_KEYS = {
    "display_name",
    "phone",
    "email",
    "household",
    "building",
    "unit",
    "room",
    "reporter",
    "reporter_id",
    "author",
    "lat",
    "lng",
    "description",
    "responsible",
    "user_id",
}


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_open_data_is_public_and_has_nothing_personal(client_for, known_week):
    response = client_for(None).get(f"/api/v1/communities/{known_week.cid}/open-data.json")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]
    body = response.get_json()
    assert not PERSONAL_KEYS & set(_keys(body))
    text = json.dumps(body, ensure_ascii=False)
    for person in vars(known_week.people).values():
        assert person.display_name not in text
    assert "13800000001" not in text and "zhang@example.test" not in text


def test_open_data_suppresses_small_counts(app, known_week):
    """November (local): 9 reports made (7 this week, 2 earlier), 6 resolved (4 in time: 0.6667), resolve times
    5, 10, 20, 30, 50, 78 h (median 25 h); 4 ratings, 3 aid posts and 3 ballots: below 5, so null.
    Grid A made 5 and grid B 3: B is hidden, so A (the only other shown value) is hidden too."""
    from backend.insights import services

    with app.app_context():
        body = services.open_data_of(known_week.cid, now=NOW)
    assert body["suppression"]["threshold"] == 5 and body["suppression"]["note"]["en"]
    months = body["months"]
    assert len(months) == 12 and months[-1] == "2026-11" and months[0] == "2025-12"
    index = months.index("2026-11")
    november = body["totals"][index]["figures"]
    assert november == {
        "reports_new": 9,
        "reports_resolved": 6,
        "within_deadline_share": 0.6667,
        "resolve_hours_median": 25.0,
        "ratings": None,
        "mean_stars": None,
        "aid_posts": None,
        "volunteer_signups": None,
        "volunteer_hours": None,
        "ballots": None,
    }
    grids = {row["grid"]["number"]: row["months"][index]["figures"] for row in body["grids"]}
    assert grids[1]["reports_new"] is None and grids[2]["reports_new"] is None
    assert all(value is None for value in grids[2].values())
    assert body["totals"][0]["figures"]["reports_new"] is None  # zero is below 5 too


def test_open_data_of_missing_community_is_404(client_for):
    assert client_for(None).get("/api/v1/communities/999999/open-data.json").status_code == 404


# --- district / street -----------------------------------------------------------------------------


@pytest.fixture
def district(app, known_week, make_community):
    from backend.communities.models import Community, Region

    other = make_community("月亮社区")
    with app.app_context():
        top = Region(kind="district", name="黄浦区")
        db.session.add(top)
        db.session.flush()
        street = Region(kind="street", name="南京东路街道", parent_id=top.id)
        db.session.add(street)
        db.session.flush()
        for cid in (known_week.cid, other.id):
            db.session.get(Community, cid).street_id = street.id
        db.session.commit()
        return {"district": top.id, "street": street.id, "other": other.id}


@pytest.mark.parametrize("level", ["district", "street"])
def test_region_roll_up_compares_communities(client_for, make_user, known_week, district, level):
    response = client_for(make_user(platform_admin=True)).get(
        f"/api/v1/regions/{district[level]}/insights", query_string=WEEK_ARGS
    )
    assert response.status_code == 200
    body = response.get_json()
    rows = {row["community"]["id"]: row["figures"] for row in body["communities"]}
    assert set(rows) == {known_week.cid, district["other"]}
    assert rows[known_week.cid]["reports"]["resolve_hours"]["median"] == 20.0
    assert rows[district["other"]]["reports"]["new"] == 0
    assert body["totals"]["reports"]["new"] == 7
    assert body["totals"]["reports"]["resolve_hours"]["median"] is None  # medians do not add up


@pytest.mark.parametrize("who, status", [("committee", 403), ("visitor", 401)])
def test_only_platform_admins_see_regions(client_for, known_week, district, who, status):
    user = known_week.committee if who == "committee" else None
    assert client_for(user).get(f"/api/v1/regions/{district['district']}/insights").status_code == status


def test_unknown_region_is_404(client_for, make_user):
    assert client_for(make_user(platform_admin=True)).get("/api/v1/regions/424242/insights").status_code == 404
