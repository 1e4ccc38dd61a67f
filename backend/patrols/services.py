"""Grid patrols' rules.

Who patrols: the grid's responsible person (a verified grid worker) or a committee member, in that grid. One
active patrol per worker, held by a unique index over the patrols still active (two phones starting at once: one
201, one 409). Positions are optional and bounded (MAX_POINTS per patrol, MAX_POINTS_PER_REQUEST per request,
coordinates in range, times within the patrol). A finding becomes a report in one step through
backend.reports.services, filed by the worker in the patrol's grid; the patrol keeps the report's id (its source).
Who reads a patrol: its worker, the committee, the officials above and platform admins; a read by anyone but the
worker (their positions) is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from backend import jobs
from backend.accounts import services as accounts
from backend.audit import services as audit
from backend.communities import access
from backend.communities import services as communities
from backend.core.actors import actor_id, require_user
from backend.core.db import after_commit, utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, register_messages
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.patrols.models import (
    MAX_FINDINGS,
    MAX_POINTS,
    PATROL_STATES,
    STALE_AFTER_HOURS,
    Patrol,
    PatrolFinding,
    PatrolPoint,
)
from backend.reports import services as reports

ACTIONS = ("add_finding", "end")
MAX_WEEKS = 26

register_messages(
    "patrol",
    {
        "already_active": {
            "zh-CN": ("已有进行中的巡查", "请先结束正在进行的巡查，再开始新的巡查。"),
            "en": ("A patrol is under way", "End the patrol under way before starting another."),
        },
        "too_many_points": {
            "zh-CN": ("位置点太多", "这次巡查记录的位置点已达上限。"),
            "en": ("Too many positions", "This patrol has recorded as many positions as it may."),
        },
        "too_many_findings": {
            "zh-CN": ("发现的问题太多", "一次巡查最多上报 50 个问题，请结束后再开始新的巡查。"),
            "en": ("Too many findings", "A patrol reports at most 50 findings: end it and start another."),
        },
    },
)


# --- access ----------------------------------------------------------------------------------------------


def _patrol_or_404(patrol_id: int) -> Patrol:
    patrol = db.session.get(Patrol, patrol_id)
    if patrol is None:
        raise NotFound()
    return patrol


def _is_overseer(actor, community_id: int) -> bool:
    return bool(
        getattr(actor, "is_platform_admin", False)
        or access.is_committee(actor, community_id)
        or access.oversees(actor, community_id)
    )


def _require_reader(actor, patrol: Patrol) -> None:
    """The worker, the committee, the officials above, platform admins; other members 404, outsiders 403."""
    require_user(actor)
    if actor.id == patrol.worker_id or _is_overseer(actor, patrol.community_id):
        return
    if access.membership(actor, patrol.community_id) is not None:
        raise NotFound()
    raise Forbidden(reason="official_required")


def _require_worker(actor, patrol: Patrol) -> None:
    """Only the worker walking it records on a patrol, while an active member of the community."""
    _require_reader(actor, patrol)
    if actor.id != patrol.worker_id:
        raise Forbidden(reason="role_required")
    access.require_verified(actor, patrol.community_id)


def abilities(actor, patrol: Patrol) -> dict[str, bool]:
    mine = actor_id(actor) == patrol.worker_id and patrol.status == "active"
    return {"add_finding": mine, "end": mine}


# --- points ----------------------------------------------------------------------------------------------


def _checked_points(patrol: Patrol, points: Iterable[dict], now: datetime) -> list[dict]:
    """Points within the patrol's time (a minute of clock skew before its start, five after now)."""
    checked = []
    for index, point in enumerate(points):
        recorded_at = point.get("recorded_at") or now
        if recorded_at < patrol.started_at - timedelta(minutes=1) or recorded_at > now + timedelta(minutes=5):
            raise ValidationFailed({"points": [f"point {index}: its time is outside the patrol"]})
        checked.append({"patrol_id": patrol.id, "lat": point["lat"], "lng": point["lng"], "recorded_at": recorded_at})
    return checked


def _add_points(patrol: Patrol, points: list[dict], now: datetime) -> None:
    """Store points, bounded per patrol by a conditional UPDATE of its count (two requests at once cannot
    pass the bound together)."""
    rows = _checked_points(patrol, points, now)
    if not rows:
        return
    counted = db.session.execute(
        update(Patrol)
        .where(Patrol.id == patrol.id, Patrol.point_count + len(rows) <= MAX_POINTS)
        .values(point_count=Patrol.point_count + len(rows))
        .execution_options(synchronize_session=False)
    ).rowcount
    if not counted:
        raise Conflict("patrol.too_many_points")
    db.session.execute(PatrolPoint.__table__.insert(), rows)


# --- writes ----------------------------------------------------------------------------------------------


def start_patrol(actor, community_id: int, *, grid_id: int, points: Iterable[dict] = (), note: str = "") -> Patrol:
    """Start a patrol of a grid (its grid worker, or a committee member).

    :raises ValidationFailed: a grid of another community or none, points out of range or time
    :raises Forbidden: another grid's worker, a resident, a suspended worker
    :raises Conflict: patrol.already_active (one active patrol per worker: the database decides)
    """
    require_user(actor)
    communities.get_community(community_id)
    grid = communities.grid_in_community(community_id, grid_id)
    access.require_grid_worker_or_committee(actor, grid, community_id)
    now = utcnow()
    patrol = Patrol(community_id=community_id, grid_id=grid.id, worker_id=actor.id, started_at=now, note=note)
    PATROL_STATES.move(patrol, "start")
    try:
        with db.session.begin_nested():
            db.session.add(patrol)
            db.session.flush()
    except IntegrityError:
        raise Conflict("patrol.already_active") from None
    _add_points(patrol, list(points), now)
    db.session.flush()
    db.session.refresh(patrol)
    audit.record(actor, "patrol.start", "patrol", patrol.id, community_id=community_id, after={"grid_id": grid.id})
    return present(actor, [patrol])[0]


def add_points(actor, patrol_id: int, points: Iterable[dict]) -> Patrol:
    """Positions sent while walking (the worker, while the patrol is active)."""
    patrol = _patrol_or_404(patrol_id)
    _require_worker(actor, patrol)
    if patrol.status != "active":
        raise PATROL_STATES.refuse(patrol.status, "end")
    _add_points(patrol, list(points), utcnow())
    db.session.flush()
    db.session.refresh(patrol)
    return present(actor, [patrol])[0]


def end_patrol(actor, patrol_id: int, *, points: Iterable[dict] = (), note: str | None = None) -> Patrol:
    """End the patrol (its worker), with the last positions; ending twice is a 409."""
    patrol = _patrol_or_404(patrol_id)
    _require_worker(actor, patrol)
    now = utcnow()
    if patrol.status == "active":
        _add_points(patrol, list(points), now)
    values = {"status": "ended", "ended_at": now}
    if note is not None:
        values["note"] = note
    ended = db.session.execute(
        update(Patrol)
        .where(Patrol.id == patrol.id, Patrol.status.in_(PATROL_STATES.sources("end")))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not ended:
        db.session.refresh(patrol)
        raise PATROL_STATES.refuse(patrol.status, "end")
    db.session.refresh(patrol)
    audit.record(
        actor,
        "patrol.end",
        "patrol",
        patrol.id,
        community_id=patrol.community_id,
        after={"points": patrol.point_count, "findings": patrol.finding_count},
    )
    return present(actor, [patrol])[0]


def add_finding(
    actor,
    patrol_id: int,
    *,
    category: str,
    description: str,
    lat: float | None = None,
    lng: float | None = None,
    location_text: str | None = None,
    photo_ids: list[int] | None = None,
):
    """Something found on the patrol becomes a report in one step: filed by the worker, in the patrol's grid,
    routed and timed like any report; the patrol keeps it as a finding (the report's source).

    :raises Conflict: the patrol has ended (patrol.invalid_transition), patrol.too_many_findings
    :raises ValidationFailed: as reports.create_report (category, half a point, photos)
    """
    patrol = _patrol_or_404(patrol_id)
    _require_worker(actor, patrol)
    counted = db.session.execute(
        update(Patrol)
        .where(Patrol.id == patrol.id, Patrol.status == "active", Patrol.finding_count < MAX_FINDINGS)
        .values(finding_count=Patrol.finding_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not counted:
        db.session.refresh(patrol)
        if patrol.status != "active":
            raise PATROL_STATES.refuse(patrol.status, "end")
        raise Conflict("patrol.too_many_findings")
    report = reports.create_report(
        actor,
        patrol.community_id,
        category=category,
        description=description,
        lat=lat,
        lng=lng,
        location_text=location_text,
        grid_id=patrol.grid_id,
        photo_ids=photo_ids,
    )
    finding = PatrolFinding(patrol_id=patrol.id, report_id=report.id, category=category)
    db.session.add(finding)
    db.session.flush()
    audit.record(
        actor, "patrol.finding", "patrol", patrol.id, community_id=patrol.community_id, after={"report_id": report.id}
    )
    db.session.refresh(patrol)
    return present(actor, [patrol])[0]


def end_stale_patrols(now=None) -> int:
    """Job: a patrol left running STALE_AFTER_HOURS is ended at its last point (or its start), marked as ended
    by the system, so the worker can start the next one."""
    now = now or utcnow()
    stale = list(
        db.session.scalars(
            select(Patrol).where(
                Patrol.status == "active", Patrol.started_at < now - timedelta(hours=STALE_AFTER_HOURS)
            )
        )
    )
    for patrol in stale:
        last = db.session.scalar(select(func.max(PatrolPoint.recorded_at)).where(PatrolPoint.patrol_id == patrol.id))
        db.session.execute(
            update(Patrol)
            .where(Patrol.id == patrol.id, Patrol.status == "active")
            .values(status="ended", ended_at=max(last or patrol.started_at, patrol.started_at), is_auto_ended=True)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    return len(stale)


# --- reads -----------------------------------------------------------------------------------------------


def present(actor, patrols: list[Patrol]) -> list[Patrol]:
    """Attach the worker's and the grid's names, the minutes walked and `can`."""
    people = accounts.users_by_id({p.worker_id for p in patrols})
    grids = {gid: communities.get_grid(gid) for gid in {p.grid_id for p in patrols}}
    now = utcnow()
    for patrol in patrols:
        worker = people.get(patrol.worker_id)
        patrol.worker_name = (worker.display_name or "") if worker else ""
        patrol.grid_name = grids[patrol.grid_id].name
        patrol.minutes = int(((patrol.ended_at or now) - patrol.started_at).total_seconds() // 60)
        patrol.can = abilities(actor, patrol)
    return patrols


def get_patrol(actor, patrol_id: int) -> Patrol:
    """A patrol with its points and findings (the worker; the committee and officials above, audited)."""
    patrol = _patrol_or_404(patrol_id)
    _require_reader(actor, patrol)
    patrol = present(actor, [patrol])[0]
    patrol.points = list(
        db.session.scalars(select(PatrolPoint).where(PatrolPoint.patrol_id == patrol.id).order_by(PatrolPoint.id))
    )
    findings = list(
        db.session.scalars(select(PatrolFinding).where(PatrolFinding.patrol_id == patrol.id).order_by(PatrolFinding.id))
    )
    for finding in findings:
        finding.url = f"/reports/{finding.report_id}"
    patrol.findings = findings
    if actor.id != patrol.worker_id:
        who = actor.id
        after_commit(lambda: jobs.enqueue(record_read, who, patrol.community_id, patrol.id))
    return patrol


def record_read(user_id: int, community_id: int, patrol_id: int) -> None:
    """Job: the audit entry of a staff read of a worker's patrol (their positions)."""
    audit.record(SimpleNamespace(id=user_id), "patrol.read", "patrol", patrol_id, community_id=community_id)


def list_my_patrols(actor, *, active: bool | None = None, limit: int = 20, cursor: str | None = None) -> Page:
    """My patrols, newest first (`active=true`: the one under way, to resume it)."""
    require_user(actor)
    stmt = select(Patrol).where(Patrol.worker_id == actor.id)
    if active is not None:
        stmt = stmt.where(Patrol.status == ("active" if active else "ended"))
    page = paginate(stmt, [SortKey(Patrol.id, descending=True)], limit=limit, cursor=cursor)
    page.items = present(actor, page.items)
    return page


def list_patrols(
    actor,
    community_id: int,
    *,
    grid_id: int | None = None,
    worker_id: int | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Page:
    """Every patrol of a community, newest first (committee, officials above, platform admins)."""
    access.require_overseer(actor, community_id)
    stmt = select(Patrol).where(Patrol.community_id == community_id)
    if grid_id is not None:
        stmt = stmt.where(Patrol.grid_id == grid_id)
    if worker_id is not None:
        stmt = stmt.where(Patrol.worker_id == worker_id)
    page = paginate(stmt, [SortKey(Patrol.id, descending=True)], limit=limit, cursor=cursor)
    page.items = present(actor, page.items)
    return page


# --- coverage --------------------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE", "Asia/Shanghai"))


def week_starts(weeks: int, now: datetime | None = None) -> list[datetime]:
    """The local Mondays (as aware datetimes at 00:00 local) of the last `weeks` weeks, oldest first, this
    week last."""
    local = (now or utcnow()).astimezone(_zone())
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def coverage(actor, community_id: int, *, weeks: int = 4) -> dict:
    """Per grid per local week: patrols ended or under way that started in the week, their minutes and
    findings; a week of a grid with no patrol is flagged, and so is each grid not patrolled this week
    (committee, officials above, platform admins)."""
    access.require_overseer(actor, community_id)
    weeks = max(1, min(weeks, MAX_WEEKS))
    starts = week_starts(weeks)
    since = starts[0]
    rows = db.session.execute(
        select(Patrol.grid_id, Patrol.started_at, Patrol.ended_at, Patrol.finding_count).where(
            Patrol.community_id == community_id, Patrol.started_at >= since
        )
    ).all()
    now = utcnow()
    cells: dict[tuple[int, int], dict] = {}
    for grid_id, started_at, ended_at, findings in rows:
        index = _week_index(starts, started_at)
        cell = cells.setdefault((grid_id, index), {"patrols": 0, "minutes": 0, "findings": 0})
        cell["patrols"] += 1
        cell["minutes"] += int(((ended_at or now) - started_at).total_seconds() // 60)
        cell["findings"] += findings
    community = communities.get_community(community_id)
    people = accounts.users_by_id({g.responsible_user_id for g in community.grids if g.responsible_user_id})
    grids = []
    for grid in sorted(community.grids, key=lambda g: g.number):
        responsible = people.get(grid.responsible_user_id)
        week_cells = []
        for index, start in enumerate(starts):
            cell = cells.get((grid.id, index), {"patrols": 0, "minutes": 0, "findings": 0})
            week_cells.append({"week_start": start.date(), **cell, "is_unpatrolled": cell["patrols"] == 0})
        grids.append(
            {
                "grid_id": grid.id,
                "grid_name": grid.name,
                "responsible_name": (responsible.display_name or "") if responsible else "",
                "weeks": week_cells,
                "is_unpatrolled_this_week": week_cells[-1]["patrols"] == 0,
            }
        )
    return {
        "community_id": community_id,
        "week_starts": [start.date() for start in starts],
        "grids": grids,
        "unpatrolled_this_week": sum(1 for grid in grids if grid["is_unpatrolled_this_week"]),
    }


def _week_index(starts: list[datetime], moment: datetime) -> int:
    local = moment.astimezone(_zone())
    index = 0
    for position, start in enumerate(starts):
        if local >= start:
            index = position
    return index
