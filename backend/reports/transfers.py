"""Transfers to outside agencies ("吹哨", 街道吹哨、部门报到, issue 19).

A grid worker or the committee transfers a report to an agency that serves its community (or the responsibility
list routes a category there as soon as a report is made). The agency's staff accept it or send it back with a
reason, work it against the agency's own deadlines and resolve it; the resident rates the result as for any
report, and a reopened report goes back to the same agency. Each step is on the public timeline with the
agency's name, never its staff's. The community may recall a transfer the agency sits on; an agency past its
deadline is escalated like any report (committee, then street, then district: `services.sla_sweep`).

Guarantees held by the database: one open transfer per report (the unique `open_report_id`), and each answer
(accept, return, resolve, recall) is a conditional UPDATE on the transfer's state, so of two staff answering at
once exactly one wins; the report itself carries an optimistic lock (`version`).

`services` calls this module; it never imports `services` (no cycle): the few helpers it needs are its own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from backend.agencies import services as agencies
from backend.audit import services as audit
from backend.communities import access
from backend.communities import services as communities
from backend.core import actors
from backend.core.db import utcnow
from backend.core.errors import Conflict, Forbidden, ValidationFailed, register_field_messages, register_messages
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.notifications.services import notify
from backend.reports import categories as cats
from backend.reports.models import REPORT_STATES, Report, ReportEvent, ReportMeToo, ReportTransfer
from backend.uploads import services as uploads

STAFF_ACTIONS = ("transfer", "recall")  # grid worker of the grid, committee
AGENCY_ACTIONS = ("accept_transfer", "return")  # the agency's staff (and start, resolve while it holds the report)
OPEN_STATES = ("pending", "accepted", "resolved")  # the agency holds the report (resolved: until it is closed)
HOLDING_STATES = ("pending", "accepted")  # the community may not act on the report meanwhile

register_messages(
    "transfer",
    {
        "with_agency": {
            "zh-CN": ("已转交部门", "这个问题已转交给部门处理；如需收回，请先收回转交。"),
            "en": ("With an agency", "This report is with an agency; recall the transfer first."),
        },
        "already_transferred": {
            "zh-CN": ("已经转交", "这个问题已经转交给一个部门了。"),
            "en": ("Already transferred", "This report has already been transferred to an agency."),
        },
        "already_answered": {
            "zh-CN": ("部门已经答复", "这次转交已经被接收、退回或收回了，请刷新。"),
            "en": ("Already answered", "This transfer was already accepted, returned or recalled; reload."),
        },
        "not_transferred": {
            "zh-CN": ("没有转交", "这个问题没有转交给部门。"),
            "en": ("Not transferred", "This report is not with an agency."),
        },
        "not_accepted": {
            "zh-CN": ("尚未接收", "请先接收这次转交。"),
            "en": ("Not accepted yet", "Accept the transfer first."),
        },
    },
)
register_field_messages(
    {
        "required to transfer": "请选择要转交的部门。",
        "say why it is sent back": "请写明退回的原因。",
    }
)


# --- reading ---------------------------------------------------------------------------------------------


def open_transfer(report_id: int) -> ReportTransfer | None:
    return db.session.scalar(select(ReportTransfer).where(ReportTransfer.open_report_id == report_id))


def open_transfers(report_ids) -> dict[int, ReportTransfer]:
    ids = list(report_ids)
    if not ids:
        return {}
    found = db.session.scalars(select(ReportTransfer).where(ReportTransfer.open_report_id.in_(ids)))
    return {t.report_id: t for t in found}


def holding_agency_ids(report_ids) -> dict[int, int]:
    """report id -> the agency holding it (pending or accepted): the sweep names it when it misses a deadline."""
    return {rid: t.agency_id for rid, t in open_transfers(report_ids).items() if t.state in HOLDING_STATES}


def agency_member_ids(agency_id: int) -> list[int]:
    return agencies.member_ids(agency_id)


def staff_transfer(actor, report: Report) -> ReportTransfer | None:
    """The report's open transfer if the actor is staff of its agency (they act on it as the agency)."""
    if not actors.is_signed_in(actor):
        return None
    transfer = open_transfer(report.id)
    return transfer if transfer is not None and agencies.is_member(actor, transfer.agency_id) else None


def present(actor, reports: list[Report]) -> None:
    """Who handles each report now (`agency`, its name: residents see it), and the exact point for the staff of
    the agency holding it (they go there). Never the reporter's identity."""
    transfers = open_transfers(r.id for r in reports)
    mine = agencies.member_agency_ids(actor) if transfers else set()
    for report in reports:
        transfer = transfers.get(report.id)
        report.agency = transfer.agency if transfer is not None else None
        report.transfer = transfer
        if transfer is not None and transfer.agency_id in mine:
            report.shown_position = ("exact", report.lat, report.lng)


def abilities(actor, report: Report, can: dict, *, is_handler: bool) -> None:
    """What staff and the agency's staff may do about transfers (`can`), and nothing else while an agency
    holds the report."""
    transfer = getattr(report, "transfer", None) if hasattr(report, "transfer") else open_transfer(report.id)
    holding = transfer is not None and transfer.state in HOLDING_STATES
    can["transfer"] = is_handler and transfer is None and report.can("assign")
    can["recall"] = is_handler and holding
    if holding:
        for action in ("accept", "assign", "start", "resolve", "reject"):
            can[action] = False
    is_agency = transfer is not None and agencies.is_member(actor, transfer.agency_id)
    can["accept_transfer"] = can["return"] = is_agency and transfer.state == "pending"
    if is_agency and transfer.state == "accepted":
        can["start"] = report.can("start") and report.status != "in_progress"
        can["resolve"] = report.can("resolve")


INBOX_STATES = ("open", "pending", "accepted", "resolved", "returned", "recalled")


def agency_inbox(actor, agency_id: int, *, state: str = "open", limit: int = 20, cursor: str | None = None) -> Page:
    """The agency's transfers, newest first: `open` (pending and accepted: its inbox), or one state. Its staff and
    its registrars; each with the report's public fields (no reporter) and whether it is late.

    :raises Forbidden: ``agency_member_required`` / ``official_required``
    """
    agencies.require_member_or_registrar(actor, agency_id)
    stmt = select(ReportTransfer).where(ReportTransfer.agency_id == agency_id)
    wanted = HOLDING_STATES if state == "open" else (state,)
    stmt = stmt.where(ReportTransfer.state.in_(wanted))
    page = paginate(stmt, [SortKey(ReportTransfer.id, descending=True)], limit=limit, cursor=cursor)
    now = utcnow()
    for transfer in page.items:
        due = transfer.respond_due_at if transfer.state == "pending" else transfer.report.next_due_at
        transfer.is_late = transfer.state in HOLDING_STATES and due is not None and due < now
    return page


# --- small helpers of this module ---------------------------------------------------------------------------


def _event(report: Report, actor, action: str, *, role: str, agency_id: int, previous: str, note: str = ""):
    event = ReportEvent(
        report_id=report.id,
        actor_id=getattr(actor, "id", None),
        actor_role=role,
        action=action,
        from_status=previous,
        to_status=report.status,
        note=note or "",
        agency_id=agency_id,
        created_at=utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def _flush_or_conflict() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("report.report_changed") from None


def _followers(report: Report) -> list[int]:
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


def _tell_followers(report: Report, action: str, actor) -> None:
    notify(
        _followers(report),
        "report_status_changed",
        _context(report, action=action),
        community_id=report.community_id,
        exclude=[getattr(actor, "id", None)],
    )


def _answer(transfer: ReportTransfer, from_states: tuple[str, ...], **values) -> None:
    """Move the transfer on with one conditional UPDATE: of two answers at once, one wins, the other is a 409."""
    won = db.session.execute(
        update(ReportTransfer)
        .where(ReportTransfer.id == transfer.id, ReportTransfer.state.in_(from_states))
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        raise Conflict("transfer.already_answered")
    db.session.refresh(transfer)


# --- transferring ------------------------------------------------------------------------------------------


def _start(report: Report, agency_id: int, *, by, now: datetime) -> ReportTransfer:
    """Hand the report to the agency with the agency's own deadlines (the category's, counted from now); the
    community's escalations start again from the bottom, for the agency's lateness."""
    deadline = cats.deadline_for(communities.get_community(report.community_id), report.category)
    respond_due, resolve_due = deadline.due_times(now)
    transfer = ReportTransfer(
        report_id=report.id,
        open_report_id=report.id,
        community_id=report.community_id,
        agency_id=agency_id,
        state="pending",
        transferred_by_id=getattr(by, "id", None),
        created_at=now,
        updated_at=now,
        respond_due_at=respond_due,
        resolve_due_at=resolve_due,
        previous_resolve_due_at=report.resolve_due_at,
    )
    try:
        with db.session.begin_nested():
            db.session.add(transfer)
    except IntegrityError:
        raise Conflict("transfer.already_transferred") from None
    report.move("assign", now)
    report.assignee_id = None  # the agency handles it: no one of the community is charged with it meanwhile
    report.resolve_due_at = resolve_due
    report.next_due_at = respond_due
    report.escalated_at = report.street_escalated_at = report.district_escalated_at = None
    report.is_overdue = False
    return transfer


def route_to_agency(report: Report, agency_id: int) -> None:
    """A new report of a category the responsibility list gives to an agency goes to it at once (by the system)."""
    now = utcnow()
    previous = report.status
    transfer = _start(report, agency_id, by=None, now=now)
    _flush_or_conflict()
    _event(report, None, "transferred", role="system", agency_id=agency_id, previous=previous)
    notify(
        agencies.member_ids(transfer.agency_id),
        "report_assigned",
        _context(report),
        community_id=report.community_id,
    )


def staff_transition(actor, member, report: Report, *, action: str, note: str, agency_id: int | None) -> Report:
    """Transfer the report to an agency serving the community, or recall a transfer (the report's staff).

    :raises ValidationFailed: no agency, or one that does not serve this community
    :raises Conflict: ``transfer.already_transferred``, ``transfer.not_transferred``, ``transfer.already_answered``,
        ``report.invalid_transition``
    """
    now = utcnow()
    previous = report.status
    if action == "transfer":
        if agency_id is None:
            raise ValidationFailed({"agency_id": ["required to transfer"]})
        if not agencies.serves(agency_id, report.community_id):
            raise ValidationFailed({"agency_id": ["no such agency serves this community"]})
        if open_transfer(report.id) is not None:
            raise Conflict("transfer.already_transferred")
        REPORT_STATES.check(report, "assign")
        transfer = _start(report, agency_id, by=actor, now=now)
        _flush_or_conflict()
        _event(report, actor, "transferred", role=member.role, agency_id=agency_id, previous=previous, note=note)
        notify(agencies.member_ids(agency_id), "report_assigned", _context(report), community_id=report.community_id)
    else:
        transfer = open_transfer(report.id)
        if transfer is None or transfer.state not in HOLDING_STATES:
            raise Conflict("transfer.not_transferred")
        _answer(transfer, HOLDING_STATES, state="recalled", open_report_id=None)
        _give_back(report, transfer, assignee_id=actor.id, now=now)
        _flush_or_conflict()
        _event(report, actor, "transfer_recalled", role=member.role, agency_id=transfer.agency_id, previous=previous)
        notify(
            agencies.member_ids(transfer.agency_id),
            "report_status_changed",
            _context(report, action="transfer_recalled"),
            community_id=report.community_id,
        )
    _tell_followers(report, "transferred" if action == "transfer" else "transfer_recalled", actor)
    audit.record(
        actor,
        f"report.{action}",
        "report",
        report.id,
        community_id=report.community_id,
        reason=note,
        after={"agency_id": transfer.agency_id, "transfer_id": transfer.id, "state": transfer.state},
    )
    return report


def _give_back(report: Report, transfer: ReportTransfer, *, assignee_id: int | None, now: datetime) -> None:
    """The community has the report again, with the resolve deadline it had before the transfer."""
    report.assignee_id = assignee_id
    report.resolve_due_at = transfer.previous_resolve_due_at
    if report.is_open:
        report.next_due_at = report.resolve_due_at if report.status != "submitted" else report.response_due_at
    report.updated_at = now


def _back_to(transfer: ReportTransfer, report: Report) -> int | None:
    """Who has a returned report again: whoever transferred it, if they are still its staff; else the grid's
    worker; else nobody (the committee is told)."""
    by = transfer.transferred_by_id
    if by is not None:
        member = access.membership(_UserRef(by), report.community_id)
        if member is not None and member.is_verified and member.role in ("grid_worker", "committee"):
            return by
    return report.grid.responsible_user_id if report.grid is not None else None


class _UserRef:
    is_authenticated = True

    def __init__(self, user_id: int):
        self.id = user_id


def agency_transition(actor, report: Report, *, action: str, note: str, photo_ids: list[int] | None) -> Report:
    """The agency's staff accept the transfer, send it back with a reason, start, or resolve the report.

    :raises Forbidden: ``agency_member_required`` (not staff of the agency holding it)
    :raises Conflict: ``transfer.not_transferred``, ``transfer.already_answered``, ``transfer.not_accepted``,
        ``report.invalid_transition``, ``report.report_changed``
    :raises ValidationFailed: a return without a reason
    """
    access.require_user(actor)
    transfer = open_transfer(report.id)
    if transfer is None:
        raise Conflict("transfer.not_transferred")
    if not agencies.is_member(actor, transfer.agency_id):
        raise Forbidden(reason="agency_member_required")
    now = utcnow()
    previous = report.status
    if action == "accept_transfer":
        REPORT_STATES.check(report, "start")
        _answer(transfer, ("pending",), state="accepted", accepted_at=now)
        report.move("start", now)  # in progress, against the agency's resolve deadline
    elif action == "return":
        if not (note or "").strip():
            raise ValidationFailed({"note": ["say why it is sent back"]})
        _answer(
            transfer, ("pending",), state="returned", returned_at=now, return_reason=note.strip(), open_report_id=None
        )
        _give_back(report, transfer, assignee_id=_back_to(transfer, report), now=now)
    else:  # start, resolve: the agency works it once accepted
        if transfer.state != "accepted":
            raise Conflict("transfer.not_accepted")
        REPORT_STATES.check(report, action)
        if action == "resolve":
            _answer(
                transfer,
                ("accepted",),
                state="resolved",
                resolved_at=now,
                first_resolved_at=transfer.first_resolved_at or now,
            )
        report.move(action, now)
    _flush_or_conflict()
    name = {"accept_transfer": "transfer_accepted", "return": "transfer_returned"}.get(action, action)
    event = _event(report, actor, name, role="agency", agency_id=transfer.agency_id, previous=previous, note=note)
    if action == "resolve":
        uploads.attach(actor, photo_ids, "report_event", event.id)
    elif photo_ids:
        raise ValidationFailed({"photo_ids": ["photos go with 'resolve'"]})
    if action == "return":
        back_to = [report.assignee_id] if report.assignee_id else communities.committee_member_ids(report.community_id)
        notify(back_to, "report_assigned", _context(report), community_id=report.community_id)
    _tell_followers(report, name, actor)
    audit.record(
        actor,
        f"report.agency_{action}",
        "report",
        report.id,
        community_id=report.community_id,
        reason=note,
        after={"agency_id": transfer.agency_id, "transfer_id": transfer.id, "status": report.status},
    )
    return report


def reopened(report: Report, now: datetime) -> None:
    """A resolved report reopened by its reporter (or 'still not fixed'): back to the same agency, counted
    against it, with the report's fresh resolve deadline."""
    transfer = open_transfer(report.id)
    if transfer is None or transfer.state != "resolved":
        return
    db.session.execute(
        update(ReportTransfer)
        .where(ReportTransfer.id == transfer.id, ReportTransfer.state == "resolved")
        .values(state="accepted", reopen_count=ReportTransfer.reopen_count + 1, resolved_at=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(transfer)
    notify(
        agencies.member_ids(transfer.agency_id),
        "report_reopened",
        _context(report),
        community_id=report.community_id,
    )


def refuse_while_held(report: Report) -> None:
    """:raises Conflict: ``transfer.with_agency`` while an agency holds the report (pending or accepted)"""
    transfer = open_transfer(report.id)
    if transfer is not None and transfer.state in HOLDING_STATES:
        raise Conflict("transfer.with_agency")
