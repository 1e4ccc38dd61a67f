"""The home page's prebuilt statements (backend/home, backend/core/feed.py, the domains' home.py over bound
parameters) answer byte for byte what the ORM-built home page answered (tests/home/orm_home.py, dumped by
HomeSchema as flask-smorest did), for every member of the demo community (committee, grid worker,
resident, newcomer, organisation, neighbours) and members made to cover every shape (pending, invited,
suspended, no grid, no household, a staff member not verified), in zh-CN and en; on SQLite and, in the
services pass, PostgreSQL. The statements are built once per shape and never through the ORM."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.extensions import db
from tests.home import orm_home

LOCALES = ("zh-CN", "en")


@pytest.fixture
def demo(app, make_user):
    """The demo community, plus members in the shapes the demo has none of, and data at the edges of the rules
    (a hidden notice seen by its writer only, a notice to one grid, a report closed long ago and one lately,
    a block between neighbours, a household poll a spouse voted in)."""
    from backend import demo as demo_seed
    from backend.aid.models import AidPost, UserBlock
    from backend.communities.models import Community, Grid, Household, Membership
    from backend.core.db import utcnow
    from backend.notices.models import Notice, NoticeGrid
    from backend.reports.models import Report

    with app.app_context():
        demo_seed.seed()
        db.session.commit()
    newcomers = [make_user() for _ in range(9)]
    with app.app_context():
        community = db.session.scalar(select(Community).order_by(Community.id))
        cid = community.id
        grids = list(db.session.scalars(select(Grid.id).where(Grid.community_id == cid).order_by(Grid.id)))
        household = db.session.scalar(select(Household.id).where(Household.community_id == cid))
        shapes = [
            ("pending", "resident", grids[0], household),
            ("invited", "resident", grids[1], household),
            ("suspended", "resident", grids[0], household),
            ("verified", "resident", None, None),  # neither grid nor household
            ("verified", "resident", grids[1], None),
            ("verified", "resident", None, household),
            ("pending", "committee", grids[0], household),  # staff not verified: no counts
            ("verified", "grid_worker", grids[1], None),  # answers for no grid: only what is assigned
            ("verified", "org_admin", grids[0], household),
        ]
        for user, (status, role, grid, home) in zip(newcomers, shapes, strict=True):
            db.session.add(
                Membership(
                    user_id=user.id,
                    community_id=cid,
                    role=role,
                    status=status,
                    household_id=home,
                    grid_id=grid,
                    verified_at=None if status == "pending" else utcnow(),
                )
            )
        members = list(db.session.scalars(select(Membership).where(Membership.community_id == cid)))
        committee = next(m for m in members if m.role == "committee" and m.status == "verified")
        resident = next(m for m in members if m.role == "resident" and m.status == "verified" and m.grid_id)
        now = utcnow()
        hidden = Notice(
            community_id=cid,
            author_id=committee.user_id,
            title="只给作者看的",
            body="……",
            is_whole_community=True,
            is_hidden=True,
            publish_at=now - timedelta(hours=1),
        )
        to_grid = Notice(
            community_id=cid,
            author_id=committee.user_id,
            title="第二网格停电",
            body="……",
            is_whole_community=False,
            is_urgent=True,
            publish_at=now - timedelta(hours=2),
        )
        old_urgent = Notice(
            community_id=cid,
            author_id=committee.user_id,
            title="上个月的紧急通知",
            body="……",
            is_whole_community=True,
            is_urgent=True,
            publish_at=now - timedelta(days=20),
        )
        db.session.add_all([hidden, to_grid, old_urgent])
        db.session.flush()
        db.session.add(NoticeGrid(notice_id=to_grid.id, grid_id=grids[1]))
        # The resident's reports: one closed lately (still on home), one closed long ago (gone).
        mine = list(db.session.scalars(select(Report).where(Report.reporter_id == resident.user_id)))
        for report, moved in zip(mine, (timedelta(days=1), timedelta(days=10)), strict=False):
            db.session.execute(
                update(Report).where(Report.id == report.id).values(status="confirmed", updated_at=now - moved)
            )
        # A block between the resident and the writer of an open aid post in their grid.
        post = db.session.scalar(
            select(AidPost).where(AidPost.community_id == cid, AidPost.author_id != resident.user_id)
        )
        if post is not None:
            db.session.execute(update(AidPost).where(AidPost.id == post.id).values(grid_id=resident.grid_id))
            db.session.add(UserBlock(blocker_id=post.author_id, blocked_id=resident.user_id))
        db.session.commit()
        people = [(m.user_id, m.community_id, m.role, m.status) for m in members]
    return cid, people


def _as_the_orm_built_it(app, user_id, cid, locale) -> bytes:
    """The bytes of the route before the prebuilt statements: the ORM-built dict, dumped by HomeSchema."""
    from backend.accounts.models import User
    from backend.home.schemas import HomeSchema

    with app.test_request_context():
        reader = db.session.get(User, user_id)
        body = app.json.response(HomeSchema().dump(orm_home.home(reader, cid, locale=locale))).get_data()
        db.session.rollback()
        return body


def _set_locale(app, user_id, locale):
    from backend.accounts.models import User

    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(locale=locale))
        db.session.commit()


def _user(app, user_id):
    from backend.accounts.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_every_member_in_every_language_reads_the_bytes_of_the_orm_path(app, client_for, demo):
    cid, people = demo
    roles = {(role, status) for _user_id, _cid, role, status in people}
    assert {("committee", "verified"), ("grid_worker", "verified"), ("resident", "verified")} <= roles
    assert {"pending", "invited", "suspended"} <= {status for *_rest, status in people}
    filled = set()
    for user_id, community_id, role, status in people:
        client = client_for(_user(app, user_id))
        for locale in LOCALES:
            _set_locale(app, user_id, locale)
            ours = client.get(f"/api/v1/communities/{community_id}/home")
            assert ours.status_code == 200, ours.get_json()
            expected = _as_the_orm_built_it(app, user_id, community_id, locale)
            assert ours.get_data() == expected, (role, status, locale)
            page = ours.get_json()
            filled |= {section for section, value in page.items() if value}
    # The comparison saw every section filled for someone (else it proved little).
    assert filled >= {"urgent", "notices", "polls", "mine", "next_shift", "grid", "staff"}, filled


def test_refusals_are_unchanged(app, client, client_for, demo, make_community, make_member):
    cid, _people = demo
    assert client.get(f"/api/v1/communities/{cid}/home").status_code == 401
    stranger = make_member(make_community("月亮小区"))
    refused = client_for(stranger).get(f"/api/v1/communities/{cid}/home")
    assert refused.status_code == 403 and refused.json["reason"] == "not_a_member"
    assert client_for(stranger).get("/api/v1/communities/999999/home").status_code in (403, 404)


def test_statements_are_built_once_per_shape_and_skip_the_orm(app, client_for, demo):
    from backend.home import services

    cid, people = demo
    services._home_statement.cache_clear()
    services._counts_statement.cache_clear()
    for user_id, community_id, _role, _status in people:
        assert client_for(_user(app, user_id)).get(f"/api/v1/communities/{community_id}/home").status_code == 200
    shapes = services._home_statement.cache_info()
    # 2 (verified) x 2 (grid) x 2 (household) shapes at most, whatever the number of people.
    assert shapes.currsize <= 8 and shapes.hits >= len(people) - 8
    assert services._counts_statement.cache_info().currsize == 2  # the committee's and a grid worker's
    for shape in (services.feed.Shape(v, g, h) for v in (True, False) for g in (True, False) for h in (True, False)):
        prebuilt = services._home_statement(shape)
        # An ORM attribute anywhere in it would send every execution through the ORM's compile and loading.
        assert "compile_state_plugin" not in prebuilt.statement._propagate_attrs
    for role in ("committee", "grid_worker"):
        assert "compile_state_plugin" not in services._counts_statement(role)._propagate_attrs
