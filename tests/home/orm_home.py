"""The home page as the ORM built it before issue 17 (every part rebuilt per request from the member's values),
kept as the oracle that tests/home/test_home_prebuilt.py compares the prebuilt statements with.

This is the code of backend/home/services.py, backend/core/feed.py and the domains' home.py of commit
33a913d, gathered in one module; change it only to follow a deliberate change of what the home page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)

from backend.aid.models import AidPost
from backend.aid.services import _blocked_either_way
from backend.communities import access
from backend.communities.models import Grid, Membership
from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db
from backend.moderation.models import Appeal, ModerationCase
from backend.notices.models import Notice, NoticeRead
from backend.notices.services import _addressed_to, urgency_rank
from backend.projects.models import PUBLIC_STATUSES, Project
from backend.reports import categories as report_categories
from backend.reports.models import OPEN_STATUSES, Report
from backend.surveys.models import Survey, SurveyRollEntry
from backend.volunteering.models import Activity, ActivityGrid, Organisation, Shift, ShiftSignup
from backend.voting.models import Poll, RollEntry

NEW_FOR = timedelta(days=7)
RECENTLY_CLOSED = timedelta(days=3)


@dataclass(frozen=True)
class Part:
    select: object
    order_by: tuple
    limit: int


def _text(value):
    return cast(null(), String) if value is None else type_coerce(value, String)


def row(section, kind, id_, title, *, state=None, at=None, detail=None) -> tuple:
    when = cast(null(), DateTime(timezone=True)) if at is None else at
    return (
        literal(section, String).label("section"),
        literal(kind, String).label("kind"),
        type_coerce(id_, Integer).label("id"),
        _text(title).label("title"),
        (literal(state, String) if isinstance(state, str) else _text(state)).label("state"),
        type_coerce(when, UTCDateTime()).label("at"),
        _text(detail).label("detail"),
    )


def union(parts):
    parts = [part for part in parts if part is not None]
    wrapped = []
    for position, part in enumerate(parts):
        ranked = part.select.add_columns(func.row_number().over(order_by=part.order_by).label("rank"))
        sub = ranked.order_by(*part.order_by).limit(part.limit).subquery()
        wrapped.append(select(literal(position, Integer).label("part"), *sub.c))
    rows = db.session.execute(union_all(*wrapped)).all()
    return sorted(rows, key=lambda r: (r.part, r.rank))


def counts(expressions):
    found = db.session.execute(select(*(expr.label(name) for name, expr in expressions.items()))).one()
    return {name: int(found._mapping[name] or 0) for name in expressions}


# --- the domains' parts -------------------------------------------------------------------------------------


def notices_latest(member, *, limit=3):
    now = utcnow()
    rank = urgency_rank(now)
    read = exists().where(NoticeRead.notice_id == Notice.id, NoticeRead.user_id == member.user_id)
    stmt = select(
        *row(
            "notices",
            "notice",
            Notice.id,
            Notice.title,
            state=case((rank == 0, "urgent"), (rank == 1, "pinned"), else_="normal"),
            at=Notice.publish_at,
            detail=case((read, "read"), else_="unread"),
        )
    )
    stmt = stmt.where(Notice.community_id == member.community_id, *_addressed_to(member))
    return Part(stmt, (rank, Notice.publish_at.desc(), Notice.id.desc()), limit)


def _eligible(model, member):
    rules = [model.eligibility == "verified"]
    if member.household_id is not None:
        rules.append(model.eligibility == "household")
    if member.grid_id is not None:
        rules.append(and_(model.eligibility == "grid", model.grid_id == member.grid_id))
    return or_(*rules)


def _keys(member):
    return [f"u{member.user_id}"] + ([f"h{member.household_id}"] if member.household_id is not None else [])


def polls_awaiting(member, *, limit=5):
    now = utcnow()
    not_voted = ~exists().where(RollEntry.poll_id == Poll.id, RollEntry.voter_key.in_(_keys(member)))
    stmt = select(*row("polls", "poll", Poll.id, Poll.title, state=Poll.method, at=Poll.closes_at)).where(
        Poll.community_id == member.community_id,
        Poll.state == "active",
        Poll.opens_at <= now,
        Poll.closes_at > now,
        _eligible(Poll, member) if member.status == "verified" else false(),
        not_voted,
    )
    return Part(stmt, (Poll.closes_at, Poll.id), limit)


def surveys_awaiting(member, *, limit=3):
    now = utcnow()
    not_answered = ~exists().where(
        SurveyRollEntry.survey_id == Survey.id, SurveyRollEntry.respondent_key.in_(_keys(member))
    )
    stmt = select(
        *row("surveys", "survey", Survey.id, Survey.title, state=Survey.eligibility, at=Survey.closes_at)
    ).where(
        Survey.community_id == member.community_id,
        Survey.started(now),
        Survey.not_ended(now),
        _eligible(Survey, member) if member.status == "verified" else false(),
        not_answered,
    )
    return Part(stmt, (Survey.closes_at.is_(None), Survey.closes_at, Survey.id.desc()), limit)


def reports_mine(member, *, limit=3):
    recent = utcnow() - RECENTLY_CLOSED
    stmt = select(
        *row(
            "mine",
            "report",
            Report.id,
            Report.description,
            state=Report.status,
            at=Report.updated_at,
            detail=Report.category,
        )
    ).where(
        Report.community_id == member.community_id,
        Report.reporter_id == member.user_id,
        or_(Report.status.in_((*OPEN_STATUSES, "resolved")), Report.updated_at > recent),
    )
    return Part(stmt, (Report.updated_at.desc(), Report.id.desc()), limit)


def reports_new_in_grid(member, since, *, limit=3):
    if member.grid_id is None:
        return None
    stmt = select(
        *row(
            "grid",
            "report",
            Report.id,
            Report.description,
            state=Report.status,
            at=Report.created_at,
            detail=Report.category,
        )
    ).where(
        Report.community_id == member.community_id,
        Report.grid_id == member.grid_id,
        Report.created_at >= since,
        Report.is_hidden.is_(False),
    )
    return Part(stmt, (Report.created_at.desc(), Report.id.desc()), limit)


def aid_mine(member, *, limit=3):
    if member.status != "verified":
        return None
    stmt = select(
        *row("mine", "aid", AidPost.id, AidPost.title, state=AidPost.status, at=AidPost.created_at, detail=AidPost.kind)
    ).where(
        AidPost.community_id == member.community_id,
        AidPost.status.in_(("open", "matched")),
        or_(AidPost.author_id == member.user_id, AidPost.helper_id == member.user_id),
    )
    return Part(stmt, (AidPost.id.desc(),), limit)


def aid_new_in_grid(member, since, *, limit=3):
    if member.status != "verified" or member.grid_id is None:
        return None
    stmt = select(
        *row("grid", "aid", AidPost.id, AidPost.title, state=AidPost.status, at=AidPost.created_at, detail=AidPost.kind)
    ).where(
        AidPost.community_id == member.community_id,
        AidPost.grid_id == member.grid_id,
        AidPost.status == "open",
        AidPost.created_at >= since,
        AidPost.is_hidden.is_(False),
        AidPost.author_id != member.user_id,
        AidPost.author_id.not_in(_blocked_either_way(member.user_id)),
    )
    return Part(stmt, (AidPost.id.desc(),), limit)


def next_shift(member):
    stmt = (
        select(
            *row(
                "mine",
                "shift",
                Activity.id,
                Activity.title,
                state=ShiftSignup.status,
                at=Shift.starts_at,
                detail=Activity.location,
            )
        )
        .select_from(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .join(Activity, Activity.id == Shift.activity_id)
        .where(
            ShiftSignup.user_id == member.user_id,
            ShiftSignup.status.in_(("confirmed", "waitlisted")),
            Shift.ends_at > utcnow(),
            Activity.community_id == member.community_id,
        )
    )
    return Part(stmt, (Shift.starts_at, Shift.id), 1)


def projects_new_in_grid(member, since, *, limit=3):
    for_my_grid = (
        Project.grid_id.is_(None)
        if member.grid_id is None
        else or_(Project.grid_id.is_(None), Project.grid_id == member.grid_id)
    )
    stmt = select(
        *row("grid", "project", Project.id, Project.title, state=Project.status, at=Project.created_at)
    ).where(
        Project.community_id == member.community_id,
        Project.created_at >= since,
        Project.status.in_(PUBLIC_STATUSES),
        Project.is_hidden.is_(False),
        Project.author_id != member.user_id,
        for_my_grid,
    )
    return Part(stmt, (Project.created_at.desc(), Project.id.desc()), limit)


def activities_new_for_grid(member, since, *, limit=3):
    for_my_grid = ~Activity.grids.any()
    if member.grid_id is not None:
        for_my_grid = or_(for_my_grid, Activity.grids.any(ActivityGrid.grid_id == member.grid_id))
    stmt = (
        select(*row("grid", "activity", Activity.id, Activity.title, at=Activity.starts_at, detail=Activity.location))
        .outerjoin(Organisation, Organisation.id == Activity.organisation_id)
        .where(
            Activity.community_id == member.community_id,
            Activity.created_at >= since,
            Activity.ends_at > utcnow(),
            or_(Activity.organisation_id.is_(None), Organisation.status == "verified"),
            Activity.is_hidden.is_(False),
            for_my_grid,
        )
    )
    return Part(stmt, (Activity.created_at.desc(), Activity.id.desc()), limit)


# --- staff counts ---------------------------------------------------------------------------------------------


def _count(model, *conditions):
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()


def _late():
    return and_(Report.status.in_(OPEN_STATUSES), Report.next_due_at < utcnow())


def staff_counts(member):
    if member.status != "verified":
        return None
    cid = member.community_id
    if member.role == "committee":
        wanted = {
            "members_pending": _count(Membership, Membership.community_id == cid, Membership.status == "pending"),
            "reports_new": _count(Report, Report.community_id == cid, Report.status == "submitted"),
            "reports_overdue": _count(Report, Report.community_id == cid, _late()),
            "projects_to_review": _count(Project, Project.community_id == cid, Project.status == "in_review"),
            "moderation_open": _count(
                ModerationCase, ModerationCase.community_id == cid, ModerationCase.state != "resolved"
            ),
            "appeals_pending": _count(Appeal, Appeal.community_id == cid, Appeal.status == "pending"),
            "organisations_pending": _count(
                Organisation, Organisation.community_id == cid, Organisation.status == "pending"
            ),
        }
    elif member.role == "grid_worker":
        grids = select(Grid.id).where(Grid.community_id == cid, Grid.responsible_user_id == member.user_id)
        mine_or_my_grids = or_(Report.assignee_id == member.user_id, Report.grid_id.in_(grids))
        handling = tuple(status for status in OPEN_STATUSES if status != "submitted")
        wanted = {
            "reports_new": _count(Report, Report.community_id == cid, Report.status == "submitted", mine_or_my_grids),
            "reports_in_progress": _count(
                Report, Report.community_id == cid, Report.assignee_id == member.user_id, Report.status.in_(handling)
            ),
            "reports_overdue": _count(Report, Report.community_id == cid, mine_or_my_grids, _late()),
        }
    else:
        return None
    return {"role": member.role, "counts": counts(wanted)}


def _item(r, locale):
    item = {
        "kind": r.kind,
        "id": r.id,
        "title": r.title or "",
        "state": r.state,
        "at": r.at,
        "detail": r.detail,
        "detail_label": None,
    }
    if r.kind == "report" and r.detail:
        item["detail_label"] = report_categories.label(r.detail, locale)
    return item


def home(actor, community_id, *, locale):
    """The dict backend/home/services.home returned before issue 17 (HomeSchema dumps it)."""
    member = access.require_member(actor, community_id)
    since = utcnow() - NEW_FOR
    rows = union(
        [
            notices_latest(member),
            polls_awaiting(member),
            surveys_awaiting(member),
            reports_mine(member),
            aid_mine(member),
            next_shift(member),
            reports_new_in_grid(member, since, limit=2),
            projects_new_in_grid(member, since, limit=2),
            aid_new_in_grid(member, since, limit=2),
            activities_new_for_grid(member, since, limit=2),
        ]
    )
    by_section = {"notices": [], "polls": [], "surveys": [], "mine": [], "grid": []}
    shift = None
    for r in rows:
        if r.kind == "shift":
            shift = _item(r, locale)
        else:
            by_section[r.section].append(_item(r, locale))
    notices = by_section["notices"]
    return {
        "community_id": community_id,
        "urgent": [n for n in notices if n["state"] == "urgent"],
        "notices": [n for n in notices if n["state"] != "urgent"],
        "polls": by_section["polls"],
        "surveys": by_section["surveys"],
        "mine": by_section["mine"],
        "next_shift": shift,
        "grid": by_section["grid"],
        "staff": staff_counts(member),
    }
