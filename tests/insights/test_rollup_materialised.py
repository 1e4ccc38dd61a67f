"""The district roll-up read from the rows the insights-rollup job materialised: the same answer as computed
live at the job's moment, for both periods and languages; live again when the rows are stale, of another
period, incomplete, or a custom period is asked (issue 19: the roll-up's speed)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from backend.core.db import utcnow
from backend.extensions import db
from tests.insights.conftest import add_report


@pytest.fixture
def region(app, known_week, make_community, make_member):
    """A district with two streets and three communities, with reports of this week in each."""
    from backend.communities.models import Community, Region

    second, third = make_community("月亮社区"), make_community("星星社区", grids=1)
    reporter = make_member(second, display_name="周阿姨")
    now = utcnow()
    with app.app_context():
        top = Region(kind="district", name="黄浦区")
        db.session.add(top)
        db.session.flush()
        east = Region(kind="street", name="南京东路街道", parent_id=top.id)
        west = Region(kind="street", name="外滩街道", parent_id=top.id)
        db.session.add_all([east, west])
        db.session.flush()
        db.session.get(Community, known_week.cid).street_id = east.id
        db.session.get(Community, second.id).street_id = east.id
        db.session.get(Community, third.id).street_id = west.id
        since = _start_of_this_week_and_month(app, now)
        for hours, status in ((1, "submitted"), (3, "resolved"), (30, "confirmed"), (50, "in_progress")):
            created = _this_week_and_month(now - timedelta(hours=hours), since, now, hours)
            done = created + timedelta(minutes=90) if status in ("resolved", "confirmed") else None
            for cid, grid in ((known_week.cid, known_week.grid_a), (second.id, second.grid_ids[0])):
                add_report(
                    cid,
                    grid,
                    reporter.id if cid == second.id else known_week.a1.id,
                    "street_lights",
                    created,
                    status=status,
                    accepted=created + timedelta(minutes=10),
                    resolved=done,
                    closed=done if status == "confirmed" else None,
                    next_due=None if done else created + timedelta(hours=2),
                    stars=4 if status == "confirmed" else None,
                )
        db.session.commit()
        return {"district": top.id, "east": east.id, "west": west.id}


def _start_of_this_week_and_month(app, now):
    """The later of the local week's and month's starts: reports after it count in both periods."""
    from backend.insights import periods

    zone = periods.local_zone(app.config)
    return max(periods.resolve("week", now, zone).start, periods.resolve("month", now, zone).start)


def _this_week_and_month(created, since, now, hours):
    """`created`, or, when the local week or month began less than `hours` ago (a run early on a Monday in
    Shanghai, Sunday evening UTC), a moment between that start and now in the same order, so that every
    report of the fixture is "this week" and "this month" whatever the hour the suite runs."""
    if created >= since:
        return created
    return since + (now - since) * (1 - hours / 60)


def _dump(app, body) -> str:
    from backend.insights.schemas import RegionInsightsSchema

    with app.test_request_context():
        return json.dumps(RegionInsightsSchema().dump(body), sort_keys=True, ensure_ascii=False)


def _live_and_stored(app, admin_id, region_id, period, locale):
    from backend.accounts.models import User
    from backend.insights import services

    with app.app_context():
        admin = db.session.get(User, admin_id)
        moment = utcnow()
        live = _dump(app, services.region_insights(admin, region_id, period=period, now=moment, locale=locale))
        services.materialise_rollups(now=moment)
        db.session.commit()
        stored = _dump(app, services.region_insights(admin, region_id, period=period, locale=locale))
        return live, stored


@pytest.mark.parametrize("period", ["week", "month"])
@pytest.mark.parametrize("level", ["district", "east", "west"])
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_materialised_roll_up_is_the_live_answer_of_its_moment(app, make_user, region, period, level, locale):
    admin = make_user(platform_admin=True)
    live, stored = _live_and_stored(app, admin.id, region[level], period, locale)
    assert stored == live
    assert json.loads(live)["totals"]["reports"]["new"] >= (8 if level != "west" else 0)


def test_the_route_reads_the_materialised_rows(app, client_for, make_user, region):
    from backend.insights import services
    from backend.insights.models import CommunityFigures

    admin = make_user(platform_admin=True)
    with app.app_context():
        services.materialise_rollups()
        db.session.commit()
        generated = db.session.scalars(db.select(CommunityFigures.generated_at)).first()
        # Mark the stored figures so that reading them shows: a live computation would say 8.
        for row in db.session.scalars(db.select(CommunityFigures).where(CommunityFigures.period == "week")):
            if row.figures:
                row.figures = {**row.figures, "new": 1000}
        db.session.commit()
    body = client_for(admin).get(f"/api/v1/regions/{region['district']}/insights?period=week").get_json()
    assert body["totals"]["reports"]["new"] == 2000
    assert body["generated_at"].startswith(generated.strftime("%Y-%m-%dT%H:%M"))
    # A custom period, or a quarter, is computed live.
    today = utcnow().date().isoformat()
    custom = client_for(admin).get(
        f"/api/v1/regions/{region['district']}/insights",
        query_string={"period": "custom", "start": today, "end": today},
    )
    assert custom.status_code == 200 and custom.get_json()["totals"]["reports"]["new"] < 1000


def test_stale_or_incomplete_rows_are_not_used(app, client_for, make_user, make_community, region):
    from backend.communities.models import Community
    from backend.insights import services
    from backend.insights.models import CommunityFigures

    admin = client_for(make_user(platform_admin=True))
    url = f"/api/v1/regions/{region['district']}/insights?period=week"
    with app.app_context():
        services.materialise_rollups()
        for row in db.session.scalars(db.select(CommunityFigures)):
            row.figures = {**row.figures, "new": 1000}
        db.session.commit()
    assert admin.get(url).get_json()["totals"]["reports"]["new"] == 3000
    # A community joins the district after the run: its row is missing, so the answer is computed live.
    newcomer = make_community("新社区")
    with app.app_context():
        db.session.get(Community, newcomer.id).street_id = region["west"]
        db.session.commit()
    assert admin.get(url).get_json()["totals"]["reports"]["new"] == 8
    with app.app_context():
        services.materialise_rollups(now=utcnow() - timedelta(hours=2))  # a run older than the limit
        for row in db.session.scalars(db.select(CommunityFigures)):
            row.figures = {**row.figures, "new": 1000}
        db.session.commit()
    assert admin.get(url).get_json()["totals"]["reports"]["new"] == 8


def test_the_job_twice_keeps_one_row_per_community_and_period(app, region):
    from backend.insights import services
    from backend.insights.models import CommunityFigures

    with app.app_context():
        assert services.materialise_rollups() == 3  # the three communities
        services.materialise_rollups()
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(CommunityFigures)) == 6
