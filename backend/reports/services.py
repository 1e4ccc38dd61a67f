"""Problem reports: create and route, handle through a state machine, deadlines, public board, satisfaction."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from backend.audit import services as audit
from backend.communities import access, assisted
from backend.communities import services as communities
from backend.core import actors
from backend.core.db import utcnow
from backend.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    register_field_messages,
    register_messages,
)
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.moderation import services as moderation
from backend.notifications.outbox import notify_after_commit
from backend.notifications.services import notify
from backend.projects import services as projects
from backend.reports import categories as cats
from backend.reports import geo, places, responsibilities, transfers
from backend.reports.models import OPEN_STATUSES, REPORT_STATES, Report, ReportEvent, ReportMeToo
from backend.uploads import services as uploads

register_field_messages(
    {
        "share your location or describe the place": "请共享位置，或写一下在哪里。",
        "required to assign": "请选择要派给的人。",
        "a verified grid worker or committee member of this community": "请选择本社区已认证的网格员或居委会成员。",
        "required to reject": "请选择驳回原因。",
        "the report this one duplicates": "请选择与之重复的那一条问题。",
        "tell the resident where to go instead": "请告诉居民应该向哪里反映。",
        "photos go with 'resolve'": "只有“已解决”时可以附照片。",
    }
)
register_messages(
    "report",
    {
        "report_changed": {
            "zh-CN": ("问题刚被他人更新", "其他人刚刚处理了这个问题，请刷新后再试。"),
            "en": ("Changed meanwhile", "Someone else just acted on this report; reload and try again."),
        },
        "already_me_too": {
            "zh-CN": ("已经附议过了", "你已经表示过“我也遇到了”。"),
            "en": ("Already counted", "You already said you have this problem too."),
        },
        "own_report": {
            "zh-CN": ("这是你自己的反映", "不能为自己提交的问题附议。"),
            "en": ("Your own report", "You cannot add a 'me too' to your own report."),
        },
        "report_closed": {
            "zh-CN": ("问题已关闭", "这个问题已经处理完毕或被驳回。"),
            "en": ("Report closed", "This report is already closed or was rejected."),
        },
        "already_reopened_once": {
            "zh-CN": ("已经重新打开过", "“还没修好”只能让一个问题重新打开一次。"),
            "en": ("Already reopened", "'Still not fixed' can reopen a report only once."),
        },
        "still_broken_too_late": {
            "zh-CN": ("超过 30 天", "解决超过 30 天后，请提交新的问题。"),
            "en": ("More than 30 days", "It was resolved more than 30 days ago; please file a new report."),
        },
        "already_a_project": {
            "zh-CN": ("已转为项目", "这个问题已经转成了微项目。"),
            "en": ("Already a project", "This report has already been turned into a micro-project."),
        },
    },
)

NEARBY_RADIUS_M = 50
CONFIRM_BY_DEFAULT_AFTER = timedelta(days=7)
STILL_BROKEN_WINDOW = timedelta(days=30)
STAFF_ROLES = ("grid_worker", "committee")
# What staff do to a report (POST /reports/{id}/transition), and everything a viewer may do with one (`can`).
HANDLER_ACTIONS = ("accept", "assign", "start", "resolve", "reject")
ACTIONS = (
    *HANDLER_ACTIONS,
    *transfers.STAFF_ACTIONS,
    *transfers.AGENCY_ACTIONS,
    "to_project",
    "confirm",
    "reopen",
    "me_too",
    "still_broken",
)


# --- helpers ---------------------------------------------------------------------------------------


def get_report(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound()
    return report


def can_see(actor, report: Report) -> bool:
    """A report hidden by moderation exists only for its reporter and the committee."""
    return not report.is_hidden or access.sees_hidden(actor, report.reporter_id, report.community_id)


def get_visible_report(actor, report_id: int) -> Report:
    """:raises NotFound: missing, or hidden from this viewer"""
    report = get_report(report_id)
    if not can_see(actor, report):
        raise NotFound()
    return report


def _role_in(actor, report: Report) -> str:
    """How an actor appears on the timeline: staff by their role, residents only as residents."""
    member = access.membership(actor, report.community_id)
    if member is not None and member.is_verified and member.role in STAFF_ROLES:
        return member.role
    return "reporter" if getattr(actor, "id", None) == report.reporter_id else "resident"


def _event(
    report: Report, actor, action: str, *, from_status: str | None = None, note: str = "", role: str | None = None
) -> ReportEvent:
    event = ReportEvent(
        report_id=report.id,
        actor_id=getattr(actor, "id", None),
        action=action,
        note=note or "",
        actor_role=role or (_role_in(actor, report) if actor is not None else "system"),
        from_status=from_status,
        to_status=report.status,
        created_at=utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def follower_ids(report: Report) -> list[int]:
    """The reporter and everyone who said "me too": told as the report moves."""
    supporters = db.session.scalars(select(ReportMeToo.user_id).where(ReportMeToo.report_id == report.id))
    return [report.reporter_id, *supporters]


def _context(report: Report, **extra) -> dict:
    return {
        "report_id": report.id,
        "report_title": report.description[:60],
        "category": report.category,
        "status": report.status,
        **extra,
    }


def _flush_or_conflict() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("report.report_changed") from None


def _reset_resolve_deadline(report: Report, now: datetime) -> None:
    """A reopened report gets a fresh resolve deadline, and may be escalated again if it misses it."""
    deadline = cats.deadline_for(communities.get_community(report.community_id), report.category)
    report.resolve_due_at = now + timedelta(days=deadline.resolve_days)
    report.escalated_at = None
    report.street_escalated_at = None
    report.district_escalated_at = None
    report.is_overdue = False
    report.closed_at = None


# --- categories ------------------------------------------------------------------------------------


def list_categories(community_id: int, locale: str) -> list[dict]:
    community = communities.get_community(community_id)
    result = []
    for key in cats.categories_of(community):
        deadline = cats.deadline_for(community, key)
        result.append(
            {
                "key": key,
                "label": cats.label(key, locale),
                "accept_hours": deadline.accept_hours,
                "resolve_days": deadline.resolve_days,
            }
        )
    return result


# --- create, route, duplicates ---------------------------------------------------------------------


def _route(report: Report) -> None:
    """The grid's responsible person gets it, unless the community's responsibility list (权责清单) gives the
    category to the committee or to an agency (transferred at once); with no grid or nobody named, the committee
    does. Called once the report's first steps are on its timeline."""
    grid = report.grid
    community = communities.get_community(report.community_id)
    handler = responsibilities.handler_for(community, report.category)
    if handler == "agency":
        transfers.route_to_agency(report, responsibilities.agency_for(community, report.category))
        return
    by_grid_worker = handler == "grid_worker"
    # Told by a job after the commit (backend.notifications.outbox): the report's transaction writes one row.
    if by_grid_worker and grid is not None and grid.responsible_user_id:
        report.assignee_id = grid.responsible_user_id
        notify_after_commit(
            [grid.responsible_user_id],
            "report_submitted",
            _context(report, routed_to="grid_worker"),
            community_id=report.community_id,
        )
    else:
        notify_after_commit(
            communities.committee_member_ids(report.community_id),
            "report_submitted",
            _context(report, routed_to="committee"),
            community_id=report.community_id,
        )


def create_report(
    actor,
    community_id: int,
    *,
    category: str,
    description: str,
    lat: float | None = None,
    lng: float | None = None,
    location_text: str | None = None,
    grid_id: int | None = None,
    photo_ids: list[int] | None = None,
    on_behalf_of: int | None = None,
    channel: str | None = None,
) -> Report:
    """A verified resident reports a problem; it is routed to the grid worker (or the committee) at once. Staff may
    file it for a resident (`on_behalf_of`, with the `channel` they heard it through): the resident is the reporter,
    the timeline and the audit log say who filed it.

    :raises ValidationFailed: unknown category, no location, half a point, a grid of another community,
        ``upload_not_attachable``, a channel without on_behalf_of
    :raises Forbidden: acting for someone without being the committee or their grid's worker
    :raises NotFound: acting for someone who is no verified member of this community
    """
    actor, filed_by = assisted.acting_as(actor, community_id, on_behalf_of, channel)
    access.require_verified(actor, community_id)
    community = communities.get_community(community_id)
    if category not in cats.categories_of(community):
        raise ValidationFailed({"category": ["not a category of this community"]})
    if (lat is None) != (lng is None):
        raise ValidationFailed({"lat": ["give both lat and lng"], "lng": ["give both lat and lng"]})
    location_text = (location_text or "").strip()
    if lat is None and not location_text and grid_id is None:
        raise ValidationFailed({"location_text": ["share your location or describe the place"]})
    grid = places.grid_of_report(community_id, grid_id=grid_id, lat=lat, lng=lng)
    now = utcnow()
    response_due, resolve_due = cats.deadline_for(community, category).due_times(now)
    report = Report(
        community_id=community_id,
        grid=grid,
        grid_id=grid.id if grid else None,
        reporter_id=actor.id,
        filed_by_id=filed_by.id if filed_by else None,
        channel=(channel or "visit") if filed_by else "app",
        category=category,
        description=description.strip(),
        lat=lat,
        lng=lng,
        location_text=location_text,
        status="submitted",
        created_at=now,
        updated_at=now,
        response_due_at=response_due,
        resolve_due_at=resolve_due,
        next_due_at=response_due,
    )
    db.session.add(report)
    db.session.flush()
    uploads.attach(filed_by or actor, photo_ids, "report", report.id)  # staff attach the photos they took
    moderation.hold_if_filtered("report", report, report.description, report.location_text)
    _event(report, actor, "submitted", role="reporter")
    if filed_by is not None:
        _event(report, filed_by, "filed_on_behalf", note=report.channel)
        audit.record(
            filed_by,
            "report.filed_on_behalf",
            "report",
            report.id,
            community_id=community_id,
            after={"reporter_id": actor.id, "channel": report.channel},
        )
    _route(report)
    return report


OUTSIDE_CHANNELS = ("hotline", "open311")


def file_from_outside(
    community_id: int,
    *,
    reporter_id: int,
    channel: str,
    category: str,
    description: str,
    lat: float | None = None,
    lng: float | None = None,
    location_text: str = "",
    filed_by=None,
    created_at: datetime | None = None,
) -> Report:
    """A report that came from outside the app (a 12345 hotline ticket, an Open311 request), routed like any
    other. The caller (backend.open311) has decided who may bring it in; `reporter_id` is the account of the
    outside system, `filed_by` the staff member who imported it (on the timeline and in the audit log).

    :raises ValidationFailed: unknown category, half a point, neither a point nor a place
    """
    community = communities.get_community(community_id)
    if channel not in OUTSIDE_CHANNELS:
        raise ValueError(f"not an outside channel: {channel}")
    if category not in cats.categories_of(community):
        raise ValidationFailed({"category": ["not a category of this community"]})
    if (lat is None) != (lng is None):
        raise ValidationFailed({"lat": ["give both lat and lng"], "lng": ["give both lat and lng"]})
    location_text = (location_text or "").strip()
    if lat is None and not location_text:
        raise ValidationFailed({"location_text": ["share your location or describe the place"]})
    grid = places.grid_of_report(community_id, grid_id=None, lat=lat, lng=lng)
    now = utcnow()
    created_at = min(created_at or now, now)  # a ticket's own time, never in the future
    response_due, resolve_due = cats.deadline_for(community, category).due_times(now)
    report = Report(
        community_id=community_id,
        grid=grid,
        grid_id=grid.id if grid else None,
        reporter_id=reporter_id,
        filed_by_id=filed_by.id if filed_by is not None else None,
        channel=channel,
        category=category,
        description=description.strip(),
        lat=lat,
        lng=lng,
        location_text=location_text,
        status="submitted",
        created_at=created_at,
        updated_at=now,
        response_due_at=response_due,
        resolve_due_at=resolve_due,
        next_due_at=response_due,
    )
    db.session.add(report)
    db.session.flush()
    moderation.hold_if_filtered("report", report, report.description, report.location_text)
    _event(report, _UserRef(reporter_id), "submitted", role="reporter")
    if filed_by is not None:
        _event(report, filed_by, "filed_on_behalf", note=channel)
    _route(report)
    return report


def outside_reports(
    community_id: int,
    *,
    ids: list[int] | None = None,
    categories: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    open_now: bool | None = None,
    limit: int = 1000,
) -> list[Report]:
    """Reports as a visitor sees them (Open311's public list): none hidden, positions rounded, no reporter;
    newest first."""
    stmt = select(Report).where(Report.community_id == community_id, Report.is_hidden.is_(False))
    if ids is not None:
        stmt = stmt.where(Report.id.in_(ids))
    if categories:
        stmt = stmt.where(Report.category.in_(categories))
    if since is not None:
        stmt = stmt.where(Report.created_at >= since)
    if until is not None:
        stmt = stmt.where(Report.created_at <= until)
    if open_now is not None:
        stmt = stmt.where(Report.status.in_(OPEN_STATUSES) if open_now else Report.status.not_in(OPEN_STATUSES))
    return present(None, list(db.session.scalars(stmt.order_by(Report.id.desc()).limit(limit)).unique()))


# --- where a report is, for whom -------------------------------------------------------------------
# A noise complaint made from home must not reveal the home: neighbours and visitors see a report's point
# snapped to the centre of its cell of POSITION_CELL_DEGREES (about 110 m north-south, 95 m east-west at
# Shanghai's latitude), or no point at all where the community chose `report_position: "grid"`; the exact
# point stays with the reporter, the assignee and the committee.
POSITION_CELL_DEGREES = 0.001
POSITION_MODES = ("rounded", "grid")


def rounded_position(lat: float | None, lng: float | None) -> tuple[float | None, float | None]:
    """The centre of the cell the point falls in (the same for every point of the cell)."""
    if lat is None or lng is None:
        return None, None

    def centre(value: float) -> float:
        return round((math.floor(value / POSITION_CELL_DEGREES) + 0.5) * POSITION_CELL_DEGREES, 6)

    return centre(lat), centre(lng)


def _public_position(report: Report, community) -> tuple[str, float | None, float | None]:
    if community.setting("report_position", "rounded") == "grid":
        return "grid", None, None
    return ("rounded", *rounded_position(report.lat, report.lng))


def nearby_open_reports(community_id: int, *, category: str, lat: float, lng: float) -> list[Report]:
    """Open reports of the same category within 50 m: "is this already reported?" before submitting.

    Measured to each report's rounded position (with half a cell's diagonal of slack), never its exact
    point: otherwise probing this search from many points would find where a neighbour stood."""
    communities.get_community(community_id)
    slack = geo.haversine_m(0, 0, POSITION_CELL_DEGREES / 2, POSITION_CELL_DEGREES / 2)
    radius = NEARBY_RADIUS_M + slack
    # the exact points lie up to `slack` from their rounded ones: the box takes them all in
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, radius + slack)
    candidates = db.session.scalars(
        select(Report)
        .where(
            Report.community_id == community_id,
            Report.category == category,
            Report.lat.between(min_lat, max_lat),
            Report.lng.between(min_lng, max_lng),
            Report.status.in_(OPEN_STATUSES),
            Report.is_hidden.is_(False),
        )
        .order_by(Report.id.desc())
        .limit(50)
    )
    found = [(geo.haversine_m(lat, lng, *rounded_position(r.lat, r.lng)), r) for r in candidates]
    return [report for distance, report in sorted(found, key=lambda pair: pair[0]) if distance <= radius][:10]


def me_too(actor, report_id: int) -> Report:
    """A verified neighbour has the same problem: counted once (by the database) and they follow it.

    :raises Conflict: ``report.already_me_too``, ``report.own_report``, ``report.report_closed``
    """
    report = get_visible_report(actor, report_id)
    access.require_verified(actor, report.community_id)
    if report.reporter_id == actor.id:
        raise Conflict("report.own_report")
    if not report.is_open and report.status != "resolved":
        raise Conflict("report.report_closed")
    try:
        with db.session.begin_nested():
            db.session.add(ReportMeToo(report_id=report.id, user_id=actor.id))
    except IntegrityError:
        raise Conflict("report.already_me_too") from None
    db.session.execute(update(Report).where(Report.id == report.id).values(me_too_count=Report.me_too_count + 1))
    db.session.refresh(report)
    return report


# --- handling: the state machine with roles ----------------------------------------------------------


def _require_handler(actor, report: Report):
    """The committee, the grid's responsible person, or the staff member it was assigned to."""
    member = access.require_verified(actor, report.community_id)
    if member.role == "committee":
        return member
    if member.role == "grid_worker" and (
        access.is_grid_responsible(actor, report.grid) or report.assignee_id == actor.id
    ):
        return member
    raise Forbidden(reason="role_required")


def _assignee_for(actor_member, report: Report, assignee_id: int | None):
    """A verified grid worker or committee member; a grid worker may only hand on within their grid."""
    if assignee_id is None:
        raise ValidationFailed({"assignee_id": ["required to assign"]})
    target = access.membership(_UserRef(assignee_id), report.community_id)
    if target is None or not target.is_verified or target.role not in STAFF_ROLES:
        raise ValidationFailed({"assignee_id": ["a verified grid worker or committee member of this community"]})
    if actor_member.role != "committee":
        in_grid = report.grid_id is not None and (
            target.grid_id == report.grid_id or (report.grid and report.grid.responsible_user_id == assignee_id)
        )
        if not in_grid:
            raise Forbidden(reason="outside_your_grid")
    return target


class _UserRef:
    """Enough of a user for access.membership() when we only know an id."""

    is_authenticated = True

    def __init__(self, user_id: int):
        self.id = user_id


def _validate_rejection(
    report: Report, reason: str | None, duplicate_of_id: int | None, redirect_to: str | None
) -> None:
    if reason is None:
        raise ValidationFailed({"reason": ["required to reject"]})
    if reason == "duplicate":
        original = db.session.get(Report, duplicate_of_id) if duplicate_of_id else None
        if original is None or original.community_id != report.community_id or original.id == report.id:
            raise ValidationFailed({"duplicate_of_id": ["the report this one duplicates"]})
        report.duplicate_of_id = original.id
    if reason == "not_our_responsibility":
        if not (redirect_to or "").strip():
            raise ValidationFailed({"redirect_to": ["tell the resident where to go instead"]})
        report.redirect_to = redirect_to.strip()
    report.reject_reason = reason


def transition(
    actor,
    report_id: int,
    *,
    action: str,
    note: str = "",
    assignee_id: int | None = None,
    reason: str | None = None,
    duplicate_of_id: int | None = None,
    redirect_to: str | None = None,
    photo_ids: list[int] | None = None,
    agency_id: int | None = None,
) -> Report:
    """Accept, assign, start, resolve or reject a report (grid worker of its grid or committee); transfer it to
    an agency or recall the transfer; the agency's staff accept or return a transfer, start and resolve
    (backend.reports.transfers).

    :raises Forbidden: not staff of this report, or assigning outside one's grid
    :raises Conflict: ``report.invalid_transition``, ``report.report_changed``, ``transfer.with_agency``
    :raises ValidationFailed: missing assignee, reason, duplicate or redirect
    """
    report = get_report(report_id)
    if action in transfers.AGENCY_ACTIONS or (
        action in ("start", "resolve") and transfers.staff_transfer(actor, report) is not None
    ):
        return transfers.agency_transition(actor, report, action=action, note=note, photo_ids=photo_ids)
    member = _require_handler(actor, report)
    if action in transfers.STAFF_ACTIONS:
        return transfers.staff_transition(actor, member, report, action=action, note=note, agency_id=agency_id)
    transfers.refuse_while_held(report)
    REPORT_STATES.check(report, action)
    now = utcnow()
    before = {"status": report.status, "assignee_id": report.assignee_id}
    if action == "assign":
        target = _assignee_for(member, report, assignee_id)
        report.assignee_id = target.user_id
    elif action == "reject":
        _validate_rejection(report, reason, duplicate_of_id, redirect_to)
    elif action in ("accept", "start") and report.assignee_id is None:
        report.assignee_id = actor.id  # whoever takes it on owns it
    previous = report.move(action, now)
    _flush_or_conflict()
    event = _event(report, actor, action, from_status=previous, note=note)
    if action == "resolve":
        uploads.attach(actor, photo_ids, "report_event", event.id)
    elif photo_ids:
        raise ValidationFailed({"photo_ids": ["photos go with 'resolve'"]})
    if action == "assign" and report.assignee_id != actor.id:
        notify([report.assignee_id], "report_assigned", _context(report), community_id=report.community_id)
    notify(
        follower_ids(report),
        "report_status_changed",
        _context(report, action=action),
        community_id=report.community_id,
        exclude=[actor.id],
    )
    if member.role == "committee":
        audit.record(
            actor,
            f"report.{action}",
            "report",
            report.id,
            community_id=report.community_id,
            reason=note,
            before=before,
            after={"status": report.status, "assignee_id": report.assignee_id},
        )
    return report


def _notify_handlers(report: Report, kind: str, **extra) -> None:
    recipients = [report.assignee_id] if report.assignee_id else communities.committee_member_ids(report.community_id)
    notify(recipients, kind, _context(report, **extra), community_id=report.community_id)


def confirm(actor, report_id: int, *, stars: int | None = None, comment: str = "", reopen: bool = False) -> Report:
    """The reporter judges the result: 1–5 stars closes it; "reopen" sends it back to be handled.

    :raises Forbidden: ``reporter_only``
    :raises Conflict: ``report.invalid_transition``
    """
    access.require_user(actor)
    report = get_report(report_id)
    if report.reporter_id != actor.id:
        raise Forbidden(reason="reporter_only")
    access.require_active_member(actor, report.community_id)  # a suspended reporter cannot rate or reopen
    action = "reopen" if reopen else "confirm"
    REPORT_STATES.check(report, action)
    now = utcnow()
    if reopen:
        report.reopen_count += 1
        _reset_resolve_deadline(report, now)
    else:
        report.rating_stars, report.rating_comment = stars, (comment or "").strip()
    previous = report.move(action, now)
    _flush_or_conflict()
    _event(report, actor, "reopened" if reopen else "confirmed", from_status=previous, note=comment, role="reporter")
    if reopen:
        transfers.reopened(report, now)
        _notify_handlers(report, "report_reopened")
    elif report.assignee_id:
        notify([report.assignee_id], "report_rated", _context(report, stars=stars), community_id=report.community_id)
    return report


def still_broken(actor, report_id: int, *, comment: str) -> Report:
    """ "Fixed but not fixed": the reporter or a me-too neighbour reopens a resolved report, once, within 30 days.

    The conditional UPDATE (still_broken_at IS NULL) makes "once" hold even when two neighbours press at once.

    :raises Forbidden: ``followers_only``
    :raises Conflict: ``report.already_reopened_once``, ``report.still_broken_too_late``, ``report.invalid_transition``
    """
    report = get_visible_report(actor, report_id)
    access.require_verified(actor, report.community_id)
    if actor.id not in follower_ids(report):
        raise Forbidden(reason="followers_only")
    if report.still_broken_at is not None:
        raise Conflict("report.already_reopened_once")
    REPORT_STATES.check(report, "still_broken")
    now = utcnow()
    if report.resolved_at is None or report.resolved_at < now - STILL_BROKEN_WINDOW:
        raise Conflict("report.still_broken_too_late")
    deadline = cats.deadline_for(communities.get_community(report.community_id), report.category)
    resolve_due = now + timedelta(days=deadline.resolve_days)
    previous = report.status
    won = db.session.execute(
        update(Report)
        .where(
            Report.id == report.id,
            Report.still_broken_at.is_(None),
            Report.status.in_(REPORT_STATES.sources("still_broken")),
        )
        .values(
            status=REPORT_STATES.target("still_broken"),
            still_broken_at=now,
            reopen_count=Report.reopen_count + 1,
            resolve_due_at=resolve_due,
            next_due_at=resolve_due,
            escalated_at=None,
            street_escalated_at=None,
            district_escalated_at=None,
            is_overdue=False,
            closed_at=None,
            updated_at=now,
            version=Report.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        raise Conflict("report.already_reopened_once")
    db.session.refresh(report)
    transfers.reopened(report, now)
    _event(report, actor, "still_broken", from_status=previous, note=comment)
    _notify_handlers(report, "report_reopened", still_broken=True)
    notify(
        follower_ids(report),
        "report_status_changed",
        _context(report, action="still_broken"),
        community_id=report.community_id,
        exclude=[actor.id],
    )
    return report


# --- deadlines: the sweep --------------------------------------------------------------------------


def _escalate_overdue(now: datetime, batch: int) -> int:
    """Mark overdue open reports escalated in ONE conditional UPDATE ... RETURNING: a report another
    process escalated first no longer matches `escalated_at IS NULL`, so each is escalated once."""
    due = (
        select(Report.id)
        .where(Report.escalated_at.is_(None), Report.next_due_at < now, Report.status.in_(OPEN_STATUSES))
        .order_by(Report.next_due_at)
        .limit(batch)
    )
    won = db.session.execute(
        update(Report)
        .where(Report.id.in_(due.scalar_subquery()), Report.escalated_at.is_(None))
        .values(is_overdue=True, escalated_at=now, version=Report.version + 1)
        .returning(Report.id, Report.community_id, Report.assignee_id, Report.status, Report.category)
        .execution_options(synchronize_session=False)
    ).all()
    committees: dict[int, list[int]] = {}
    # A report an agency holds missed the agency's deadline: the timeline says so and its staff are told too.
    held_by = transfers.holding_agency_ids(row[0] for row in won)
    for report_id, community_id, assignee_id, status, category in won:
        if community_id not in committees:
            committees[community_id] = communities.committee_member_ids(community_id)
        agency_id = held_by.get(report_id)
        missed = "response" if status == "submitted" or (agency_id and status == "assigned") else "resolve"
        db.session.add(
            ReportEvent(
                report_id=report_id,
                actor_id=None,
                actor_role="system",
                action="escalated",
                from_status=status,
                to_status=status,
                note=f"agency_{missed}" if agency_id else missed,
                agency_id=agency_id,
                created_at=now,
            )
        )
        notify(
            [*committees[community_id], assignee_id, *(transfers.agency_member_ids(agency_id) if agency_id else [])],
            "report_escalated",
            {"report_id": report_id, "category": category, "status": status, "missed": missed},
            community_id=community_id,
        )
    db.session.flush()
    return len(won)


# How long each level has, once told, before the report goes one level up (issue 19): the committee's
# deadline after the first escalation, then the street's.
COMMITTEE_DEADLINE = timedelta(hours=72)
STREET_DEADLINE = timedelta(hours=120)


def _escalate_up(now: datetime, batch: int, *, level: str) -> int:
    """Pass reports one level up, once: to the street's officials when the committee let COMMITTEE_DEADLINE
    pass after its own escalation, to the district's when the street let STREET_DEADLINE pass. One
    conditional UPDATE ... RETURNING, as at the first level, so two sweeps at once escalate each report once;
    only reports of communities that belong to a street climb (a community with no street has no one above)."""
    stamp, after, window = (
        (Report.street_escalated_at, Report.escalated_at, COMMITTEE_DEADLINE)
        if level == "street"
        else (Report.district_escalated_at, Report.street_escalated_at, STREET_DEADLINE)
    )
    community_ids = communities.community_ids_under_regions()
    if not community_ids:
        return 0
    due = (
        select(Report.id)
        .where(
            stamp.is_(None),
            after < now - window,
            Report.status.in_(OPEN_STATUSES),
            Report.community_id.in_(community_ids),
        )
        .order_by(after)
        .limit(batch)
    )
    won = db.session.execute(
        update(Report)
        .where(Report.id.in_(due.scalar_subquery()), stamp.is_(None))
        .values({stamp.key: now, "version": Report.version + 1})
        .returning(Report.id, Report.community_id, Report.status, Report.category)
        .execution_options(synchronize_session=False)
    ).all()
    officials_of = communities.street_official_ids if level == "street" else communities.district_official_ids
    recipients: dict[int, list[int]] = {}
    for report_id, community_id, status, category in won:
        if community_id not in recipients:
            recipients[community_id] = officials_of(community_id)
        db.session.add(
            ReportEvent(
                report_id=report_id,
                actor_id=None,
                actor_role="system",
                action=f"escalated_{level}",
                from_status=status,
                to_status=status,
                note="",
                created_at=now,
            )
        )
        notify(
            recipients[community_id],
            f"report_escalated_{level}",
            {"report_id": report_id, "category": category, "status": status},
            community_id=community_id,
        )
    db.session.flush()
    return len(won)


def _close_by_default(report_id: int, now: datetime) -> bool:
    won = db.session.execute(
        update(Report)
        .where(Report.id == report_id, Report.status.in_(REPORT_STATES.sources("confirm")))
        .values(
            status=REPORT_STATES.target("confirm"),
            is_confirmed_by_default=True,
            closed_at=now,
            next_due_at=None,
            updated_at=now,
            version=Report.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        return False
    report = db.session.get(Report, report_id, populate_existing=True)
    _event(report, None, "confirmed_by_default", from_status="resolved", role="system")
    notify(
        [report.reporter_id],
        "report_status_changed",
        _context(report, action="confirmed_by_default"),
        community_id=report.community_id,
    )
    return True


def sla_sweep(now: datetime | None = None, batch: int = 500) -> dict:
    """Escalate overdue open reports to the committee once, then to the street and the district once each when
    the level below let its own deadline pass, and close week-old resolved ones as confirmed.

    Idempotent and safe to run from several processes at once: each change is a conditional UPDATE
    that only one transaction can win. The caller commits (CLI, job runner).
    """
    now = now or utcnow()
    escalated = _escalate_overdue(now, batch)
    to_street = _escalate_up(now, batch, level="street")
    to_district = _escalate_up(now, batch, level="district")
    closed = 0
    stale_ids = list(
        db.session.scalars(
            select(Report.id)
            .where(Report.status == "resolved", Report.resolved_at < now - CONFIRM_BY_DEFAULT_AFTER)
            .limit(batch)
        )
    )
    for report_id in stale_ids:
        closed += _close_by_default(report_id, now)
    return {
        "escalated": escalated,
        "escalated_to_street": to_street,
        "escalated_to_district": to_district,
        "confirmed_by_default": closed,
    }


# --- reading: public board, queue, detail ----------------------------------------------------------


def present(actor, reports: list[Report], *, detail: bool = False) -> list[Report]:
    """What this viewer sees of the reports besides their columns: the reporter's identity only for the
    reporter, the assignee and the committee; photos; lateness. On a report's page also its timeline with
    photos, whether the viewer said "me too", and `can`."""
    viewer_id = actors.actor_id(actor)
    committee_of: dict[int, bool] = {}
    photos = uploads.photos_by_target("report", [r.id for r in reports])
    for report in reports:
        if report.community_id not in committee_of:
            committee_of[report.community_id] = access.is_committee(actor, report.community_id)
        sees = committee_of[report.community_id] or viewer_id in (report.reporter_id, report.assignee_id)
        report.visible_reporter = report.reporter if sees and viewer_id is not None else None
        report.shown_position = (
            ("exact", report.lat, report.lng)
            if sees and viewer_id is not None
            else _public_position(report, communities.get_community(report.community_id))
        )
        report.is_mine = viewer_id is not None and viewer_id == report.reporter_id
        report.photos = photos.get(report.id, [])
        report.is_late = report.is_open and report.next_due_at is not None and report.next_due_at < utcnow()
    if detail:
        transfers.present(actor, reports)  # who handles it (an agency), the exact point for the agency's staff
        for report in reports:
            _present_page(actor, report, viewer_id)
    return reports


def _present_page(actor, report: Report, viewer_id: int | None) -> None:
    report.events = list(
        db.session.scalars(select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(ReportEvent.id))
    )
    event_photos = uploads.photos_by_target("report_event", [e.id for e in report.events])
    for event in report.events:
        event.photos = event_photos.get(event.id, [])
    report.can = abilities(actor, report)
    report.my_me_too = (
        viewer_id is not None
        and db.session.scalar(
            select(ReportMeToo.id).where(ReportMeToo.report_id == report.id, ReportMeToo.user_id == viewer_id)
        )
        is not None
    )


def list_reports(
    actor,
    community_id: int,
    *,
    status: str | None = None,
    category: str | None = None,
    grid_id: int | None = None,
    overdue: bool | None = None,
    mine: bool = False,
    assigned_to: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Page:
    """The public board (newest first), "my reports", or a worker's queue (assigned_to=me: next deadline first)."""
    communities.get_community(community_id)
    stmt = select(Report).where(
        Report.community_id == community_id,
        access.unhidden_or_own(actor, community_id, Report.is_hidden, Report.reporter_id),
    )
    keys = [SortKey(Report.id, descending=True)]
    if mine:
        access.require_user(actor)
        stmt = stmt.where(Report.reporter_id == actor.id)
    if assigned_to == "me":
        access.require_user(actor)
        stmt = stmt.where(Report.assignee_id == actor.id, Report.status.in_(OPEN_STATUSES))
        keys = [SortKey(Report.next_due_at), SortKey(Report.id)]  # overdue (earliest deadline) first
    if status:
        stmt = stmt.where(Report.status == status)
    if category:
        stmt = stmt.where(Report.category == category)
    if grid_id is not None:
        stmt = stmt.where(Report.grid_id == grid_id)
    if overdue is not None:
        late = and_(Report.status.in_(OPEN_STATUSES), Report.next_due_at < utcnow())
        stmt = stmt.where(late if overdue else ~late)
    page = paginate(stmt, keys, limit=limit, cursor=cursor)
    present(actor, page.items)
    return page


def nearby(actor, community_id: int, **query) -> list[Report]:
    return present(actor, nearby_open_reports(community_id, **query))


def abilities(actor, report: Report) -> dict[str, bool]:
    """What this viewer may do now (`can`: the PWA shows these buttons; the services check again)."""
    can = dict.fromkeys(ACTIONS, False)
    if not actors.is_signed_in(actor):
        return can
    member = access.membership(actor, report.community_id)
    is_handler = (
        member is not None
        and member.is_verified
        and (
            member.role == "committee"
            or (
                member.role == "grid_worker"
                and (access.is_grid_responsible(actor, report.grid) or report.assignee_id == actor.id)
            )
        )
    )
    for action in HANDLER_ACTIONS:
        can[action] = is_handler and report.can(action)
    can["to_project"] = member is not None and member.is_committee and report.project_id is None
    can["confirm"] = can["reopen"] = actor.id == report.reporter_id and report.status == "resolved"
    verified = member is not None and member.is_verified
    can_follow = report.is_open or report.status == "resolved"
    can["me_too"] = verified and not is_handler and actor.id != report.reporter_id and can_follow
    can["still_broken"] = bool(
        verified
        and report.still_broken_at is None
        and report.can("still_broken")
        and report.resolved_at
        and report.resolved_at >= utcnow() - STILL_BROKEN_WINDOW
        and actor.id in follower_ids(report)
    )
    transfers.abilities(actor, report, can, is_handler=is_handler)
    return can


def report_detail(actor, report_id: int) -> Report:
    """One report with its photos and public timeline; the reporter's identity only for those allowed."""
    return present(actor, [get_visible_report(actor, report_id)], detail=True)[0]


# --- report to micro-project ------------------------------------------------------------------------


def to_project(actor, report_id: int, *, title: str | None = None, body: str | None = None):
    """The committee turns a report that needs more than a repair into a micro-project draft, linked both ways.

    :raises Conflict: ``report.already_a_project``
    """
    report = get_report(report_id)
    access.require_committee(actor, report.community_id)
    if report.project_id is not None:
        raise Conflict("report.already_a_project")
    photos = uploads.photos_of("report", report.id)
    # The draft may become public: it carries the rounded point, never the exact one.
    lat, lng = rounded_position(report.lat, report.lng)
    place = report.location_text or (f"{lat:.4f}, {lng:.4f}" if lat is not None else "")
    project = projects.create_draft_from_report(
        actor,
        community_id=report.community_id,
        title=title or report.description[:60],
        body=body or f"{report.description}\n\n{place}".strip(),
        category=report.category,
        grid_id=report.grid_id,
        photo_ids=uploads.copy_for(actor, [p.id for p in photos]),
        source_report_id=report.id,
    )
    report.project_id = project.id
    report.updated_at = utcnow()
    _flush_or_conflict()
    _event(report, actor, "to_project", from_status=report.status, note=str(project.id))
    audit.record(
        actor,
        "report.to_project",
        "report",
        report.id,
        community_id=report.community_id,
        after={"project_id": project.id},
    )
    return report
