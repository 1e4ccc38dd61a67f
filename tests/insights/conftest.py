"""A known dataset for the insights figures: every figure of the week 2026-11-16..22 (Asia/Shanghai) is
worked out by hand in the docstrings of test_figures.py.

Rows are inserted as models with fixed timestamps (the services would stamp "now"). W is the start of
that week, Monday 00:00 in Shanghai = 2026-11-15 16:00 UTC; NOW is Thursday noon (W + 84 h).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from backend.extensions import db

W = datetime(2026, 11, 15, 16, 0, tzinfo=UTC)
NOW = W + timedelta(hours=84)
FAR = datetime(2030, 1, 1, tzinfo=UTC)
WEEK_ARGS = {"period": "custom", "start": "2026-11-16", "end": "2026-11-22"}
POLYGON_A = {
    "type": "Polygon",
    "coordinates": [[[121.470, 31.230], [121.473, 31.230], [121.473, 31.235], [121.470, 31.235], [121.470, 31.230]]],
}


def h(hours: float) -> datetime:
    return W + timedelta(hours=hours)


def add_report(
    community_id,
    grid_id,
    reporter_id,
    category,
    created,
    *,
    status="submitted",
    accepted=None,
    resolved=None,
    closed=None,
    response_due=None,
    resolve_due=None,
    next_due=None,
    reopen_count=0,
    stars=None,
    by_default=False,
    point=(31.232, 121.471),
):
    from backend.reports.models import Report

    report = Report(
        community_id=community_id,
        grid_id=grid_id,
        reporter_id=reporter_id,
        category=category,
        description="知道的问题",
        lat=point[0] if point else None,
        lng=point[1] if point else None,
        status=status,
        created_at=created,
        updated_at=created,
        accepted_at=accepted,
        resolved_at=resolved,
        closed_at=closed,
        response_due_at=response_due or created + timedelta(hours=24),
        resolve_due_at=resolve_due or created + timedelta(days=3),
        next_due_at=next_due,
        reopen_count=reopen_count,
        rating_stars=stars,
        is_confirmed_by_default=by_default,
    )
    db.session.add(report)
    db.session.flush()
    return report


def build_dataset(app, community, people):
    """The reports, ballots, projects, aid, volunteering and moderation of the known week."""
    from backend.aid.models import AidPost, AidResponse, TimeBankEntry
    from backend.communities.models import Grid
    from backend.moderation.models import Appeal, Flag, ModerationAction, ModerationCase
    from backend.projects.models import Project, ProjectRating
    from backend.volunteering.models import (
        Activity,
        ActivityGrid,
        Organisation,
        Shift,
        ShiftSignup,
    )
    from backend.voting.models import Poll, RollEntry

    cid, (grid_a, grid_b) = community.id, community.grid_ids
    r = people
    with app.app_context():
        db.session.get(Grid, grid_a).polygon = POLYGON_A
        # Grid A, rubbish
        add_report(
            cid,
            grid_a,
            r.a1.id,
            "rubbish",
            h(1),
            status="confirmed",
            accepted=h(2),
            resolved=h(11),
            resolve_due=h(48),
            closed=h(12),
            stars=5,
        )
        add_report(
            cid,
            grid_a,
            r.a1.id,
            "rubbish",
            h(2),
            status="confirmed",
            accepted=h(4),
            resolved=h(32),
            resolve_due=h(26),
            closed=h(33),
            stars=3,
        )
        add_report(
            cid,
            grid_a,
            r.a2.id,
            "rubbish",
            h(3),
            status="resolved",
            accepted=h(6),
            resolved=h(23),
            resolve_due=h(51),
            reopen_count=1,
        )
        add_report(cid, grid_a, r.a2.id, "rubbish", h(4), response_due=h(5), next_due=h(5))  # overdue
        add_report(cid, grid_a, r.a3.id, "rubbish", h(5), status="in_progress", accepted=h(9), next_due=FAR)
        # Grid B, street lights
        add_report(
            cid,
            grid_b,
            r.b1.id,
            "street_lights",
            h(1),
            status="confirmed",
            accepted=h(1.5),
            resolved=h(6),
            resolve_due=h(73),
            closed=h(48),
            by_default=True,
        )
        add_report(
            cid,
            grid_b,
            r.b1.id,
            "street_lights",
            h(-72),
            status="confirmed",
            accepted=h(-71),
            resolved=h(6),
            resolve_due=h(0),
            closed=h(7),
            stars=4,
        )
        add_report(
            cid,
            grid_b,
            r.b2.id,
            "street_lights",
            h(-200),
            status="confirmed",
            accepted=h(-199),
            resolved=h(-150),
            closed=h(-100),
            stars=1,
        )  # before the week: in no period figure
        # No grid, noise: overdue for acceptance; no point
        add_report(cid, None, r.b2.id, "noise", h(20), response_due=h(68), next_due=h(68), point=None)

        # Voting: two ballots in the week from one household (a1, a2), one before the week (b1).
        poll = Poll(
            community_id=cid,
            title="加装电梯",
            method="yes_no",
            eligibility="verified",
            opens_at=h(-200),
            closes_at=h(200),
            quorum=0.0,
            pass_threshold=0.5,
            created_by_id=r.committee.id,
            state="active",
        )
        db.session.add(poll)
        db.session.flush()
        db.session.add_all(
            [
                RollEntry(poll_id=poll.id, voter_key=f"u{r.a1.id}", user_id=r.a1.id, voted_at=h(10)),
                RollEntry(poll_id=poll.id, voter_key=f"u{r.a2.id}", user_id=r.a2.id, voted_at=h(30)),
                RollEntry(poll_id=poll.id, voter_key=f"u{r.b1.id}", user_id=r.b1.id, voted_at=h(-20)),
            ]
        )

        # Projects: one submitted, one approved by vote, one completed (rated 5 and 4) in the week.
        common = {"community_id": cid, "author_id": r.a1.id, "category": "environment", "summary": "", "body": ""}
        db.session.add(
            Project(**common, title="楼道绿植", grid_id=grid_a, status="submitted", submitted_at=h(8), created_at=h(7))
        )
        db.session.add(
            Project(
                **common,
                title="儿童乐园",
                grid_id=grid_a,
                status="approved",
                submitted_at=h(-300),
                decided_at=h(40),
                poll_id=poll.id,
                created_at=h(-300),
            )
        )
        done = Project(
            **common,
            title="修路灯",
            grid_id=grid_b,
            status="completed",
            submitted_at=h(-500),
            decided_at=h(-400),
            completed_at=h(30),
            created_at=h(-500),
        )
        db.session.add(done)
        db.session.flush()
        db.session.add_all(
            [
                ProjectRating(project_id=done.id, user_id=r.b1.id, stars=5, created_at=h(31)),
                ProjectRating(project_id=done.id, user_id=r.b2.id, stars=4, created_at=h(32)),
            ]
        )

        # Aid: a request matched after 2 h (grid A), an open offer (grid A), a completed request matched after
        # 1 h with 90 minutes in the time bank (grid B).
        def post(grid_id, author, created, status, kind="request"):
            item = AidPost(
                community_id=cid,
                author_id=author.id,
                kind=kind,
                category="errands",
                title="帮忙取快递",
                body="",
                grid_id=grid_id,
                status=status,
                created_at=created,
            )
            db.session.add(item)
            db.session.flush()
            return item

        def accept(item, helper, at):
            answer = AidResponse(post_id=item.id, responder_id=helper.id, status="accepted", created_at=at)
            db.session.add(answer)
            db.session.flush()
            item.helper_id, item.accepted_response_id = helper.id, answer.id

        first = post(grid_a, r.a1, h(12), "matched")
        accept(first, r.a3, h(14))
        post(grid_a, r.a2, h(13), "open", kind="offer")
        third = post(grid_b, r.b1, h(15), "completed")
        accept(third, r.b2, h(16))
        third.completed_at = h(20)
        db.session.add(
            TimeBankEntry(
                community_id=cid, post_id=third.id, giver_id=r.b2.id, receiver_id=r.b1.id, minutes=90, created_at=h(21)
            )
        )

        # Volunteering: a grid-A activity whose shift is over (2 confirmed, 1 checked in for 120 min, 1 waitlisted,
        # 1 cancelled), and a community-wide one later in the week (1 confirmed).
        org = Organisation(
            community_id=cid, name="绿色家园", kind="volunteer_group", status="verified", created_by_id=r.committee.id
        )
        db.session.add(org)
        db.session.flush()
        cleanup = Activity(
            community_id=cid,
            organisation_id=org.id,
            title="清洁家园",
            created_by_id=r.committee.id,
            starts_at=h(24),
            ends_at=h(26),
        )
        later = Activity(
            community_id=cid,
            organisation_id=org.id,
            title="敬老探访",
            created_by_id=r.committee.id,
            starts_at=h(110),
            ends_at=h(112),
        )
        db.session.add_all([cleanup, later])
        db.session.flush()
        db.session.add(ActivityGrid(activity_id=cleanup.id, grid_id=grid_a))
        over = Shift(
            activity_id=cleanup.id,
            starts_at=h(24),
            ends_at=h(26),
            capacity=10,
            confirmed_count=2,
            checkin_code="123456",
        )
        coming = Shift(
            activity_id=later.id,
            starts_at=h(110),
            ends_at=h(112),
            capacity=10,
            confirmed_count=1,
            checkin_code="654321",
        )
        db.session.add_all([over, coming])
        db.session.flush()
        db.session.add_all(
            [
                ShiftSignup(
                    shift_id=over.id,
                    user_id=r.a1.id,
                    status="confirmed",
                    queued_at=h(1),
                    checked_in_at=h(24),
                    minutes=120,
                ),
                ShiftSignup(shift_id=over.id, user_id=r.a2.id, status="confirmed", queued_at=h(2)),
                ShiftSignup(shift_id=over.id, user_id=r.a3.id, status="waitlisted", queued_at=h(3)),
                ShiftSignup(shift_id=over.id, user_id=r.b1.id, status="cancelled", queued_at=h(4), cancelled_at=h(5)),
                ShiftSignup(shift_id=coming.id, user_id=r.a1.id, status="confirmed", queued_at=h(6)),
            ]
        )

        # Moderation: 3 flags in the week (1 before), hide x2 and warn in the week, one appeal filed in the week
        # (pending) and one filed before and reversed in the week.
        case_ = ModerationCase(
            community_id=cid, target_type="comment", target_id=1, author_id=r.b2.id, state="hidden", flag_count=4
        )
        db.session.add(case_)
        db.session.flush()
        for flagger, at in ((r.a1, h(5)), (r.a2, h(6)), (r.a3, h(7)), (r.b1, h(-30))):
            db.session.add(
                Flag(case_id=case_.id, community_id=cid, flagger_id=flagger.id, reason="spam", created_at=at)
            )
        actions = []
        for name, at in (("hide", h(8)), ("warn", h(9)), ("hide", h(10)), ("hide", h(-50))):
            action = ModerationAction(
                community_id=cid,
                case_id=case_.id,
                actor_id=r.committee.id,
                action=name,
                target_type="comment",
                target_id=1,
                author_id=r.b2.id,
                reason="广告",
                created_at=at,
            )
            db.session.add(action)
            actions.append(action)
        db.session.flush()
        db.session.add_all(
            [
                Appeal(
                    action_id=actions[0].id,
                    community_id=cid,
                    author_id=r.b2.id,
                    text="误会",
                    status="pending",
                    created_at=h(12),
                ),
                Appeal(
                    action_id=actions[3].id,
                    community_id=cid,
                    author_id=r.b2.id,
                    text="误会",
                    status="reversed",
                    created_at=h(-40),
                    decided_at=h(11),
                    decided_by_id=r.committee.id,
                ),
            ]
        )
        db.session.commit()


@pytest.fixture
def town(app, make_community, make_member):
    """Grid A: committee member, a1 and a2 (one household), a3; grid B: b1, b2 and a pending newcomer."""
    community = make_community("阳光社区", grids=2)
    shared = ("3", "1", "301")
    people = SimpleNamespace(
        committee=make_member(community, "committee", grid=0, display_name="王主任"),
        a1=make_member(community, grid=0, household=shared, display_name="张阿姨", phone="13800000001"),
        a2=make_member(community, grid=0, household=shared, display_name="张叔叔", email="zhang@example.test"),
        a3=make_member(community, grid=0, display_name="李老师"),
        b1=make_member(community, grid=1, display_name="赵大爷"),
        b2=make_member(community, grid=1, display_name="钱阿姨"),
        newcomer=make_member(community, status="pending", grid=1, display_name="小陈"),
    )
    return SimpleNamespace(
        community=community,
        cid=community.id,
        grid_a=community.grid_ids[0],
        grid_b=community.grid_ids[1],
        people=people,
        **vars(people),
    )


@pytest.fixture
def known_week(app, town):
    build_dataset(app, town.community, town.people)
    return town
