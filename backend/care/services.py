"""The care register's rules. Who sees a care record: the committee of its community and the person assigned
to visit (nobody else, and a previous assignee no longer); every staff read is audited (by a job after the
read). Support requests: the requester and the community's designated counsellors only, never the committee
as such, never the aid board.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, case, func, or_, select, update

from backend import jobs
from backend.aid import services as aid
from backend.audit import services as audit
from backend.care.models import SUPPORT_REQUEST_STATES, CareRecord, CareVisit, Counsellor, SupportRequest
from backend.communities import access
from backend.communities import services as communities
from backend.core.actors import actor_id
from backend.core.db import after_commit, utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, register_messages
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.notifications import services as notifications
from backend.register import services as register
from backend.reports import services as reports

# An overdue visit is told to the assignee at once, and to the committee this long after.
ESCALATE_AFTER = timedelta(days=2)
ACTIONS = ("visit", "edit")

register_messages(
    "care",
    {
        "already_on_list": {
            "zh-CN": ("已在关爱名单上", "这位居民已经在关爱名单上了。"),
            "en": ("Already on the care list", "This resident is on the care list already."),
        },
        "follow_up_done": {
            "zh-CN": ("已经转办过", "这次走访发现的需求已经转成了求助或随手拍。"),
            "en": ("Already followed up", "This visit's needs have already become an aid request or a report."),
        },
    },
)


# --- access ----------------------------------------------------------------------------------------------


def _record_or_404(record_id: int) -> CareRecord:
    record = db.session.get(CareRecord, record_id)
    if record is None:
        raise NotFound()
    return record


def _require_record_access(actor, record: CareRecord):
    """The committee of the record's community, or its assignee; anyone else in the community gets a 404 (the
    record's existence is itself private), outsiders and suspended members a 403."""
    member = access.require_active_member(actor, record.community_id)
    if member.is_committee or (record.assignee_id is not None and record.assignee_id == actor.id):
        return member
    raise NotFound()


def abilities(actor, record: CareRecord) -> dict[str, bool]:
    is_committee = access.is_committee(actor, record.community_id)
    return {"visit": is_committee or record.assignee_id == actor_id(actor), "edit": is_committee}


def _audit_read_later(actor, community_id: int, action: str, target_type: str, target_id, detail: dict) -> None:
    who = actor_id(actor)
    after_commit(lambda: jobs.enqueue(record_read, who, community_id, action, target_type, target_id, detail))


def record_read(user_id: int, community_id: int, action: str, target_type: str, target_id, detail: dict) -> None:
    """Job: the audit entry of one staff read of the care register."""
    audit.record(SimpleNamespace(id=user_id), action, target_type, target_id, community_id=community_id, after=detail)


# --- records ---------------------------------------------------------------------------------------------


def _check_assignee(community_id: int, assignee_id: int | None) -> None:
    """A grid worker or a volunteer: any verified, not suspended member of the community."""
    if assignee_id is None:
        return
    member = communities.memberships_by_user(community_id, [assignee_id]).get(assignee_id)
    if member is None or member.status != "verified":
        raise ValidationFailed({"assignee_id": ["not a verified member of this community"]})


def create_record(
    actor,
    community_id: int,
    *,
    resident_id: int,
    category: str,
    visit_every_days: int = 7,
    assignee_id: int | None = None,
    note: str = "",
) -> CareRecord:
    """Put a resident of the register on the care list (committee). The first visit is due at once.

    :raises ValidationFailed: a resident of another community or none, an assignee who is not a verified member
    :raises Conflict: care.already_on_list
    """
    access.require_committee(actor, community_id)
    resident = register.resident_in_community(community_id, resident_id)
    if resident is None:
        raise ValidationFailed({"resident_id": ["not a resident of this community's register"]})
    _check_assignee(community_id, assignee_id)
    if db.session.scalar(select(CareRecord.id).where(CareRecord.resident_id == resident_id)) is not None:
        raise Conflict("care.already_on_list")
    record = CareRecord(
        community_id=community_id,
        resident_id=resident_id,
        grid_id=resident.household.grid_id,
        category=category,
        visit_every_days=visit_every_days,
        assignee_id=assignee_id,
        note=note,
        next_visit_due_at=utcnow(),
        created_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()  # the unique resident_id settles two committee members adding the same person at once
    audit.record(
        actor,
        "care.create",
        "care_record",
        record.id,
        community_id=community_id,
        after={"category": category, "assignee_id": assignee_id, "visit_every_days": visit_every_days},
    )
    if assignee_id and assignee_id != actor.id:
        notifications.notify(
            [assignee_id],
            "care_assigned",
            {"record_id": record.id},
            community_id=community_id,
            url=f"/care/{record.id}",
        )
    return present(actor, [record])[0]


def update_record(actor, record_id: int, changes: dict) -> CareRecord:
    """Change the category, the plan, the assignee, the note or take someone off the list (committee)."""
    record = _record_or_404(record_id)
    access.require_committee(actor, record.community_id)
    if "assignee_id" in changes:
        _check_assignee(record.community_id, changes["assignee_id"])
    before = {key: getattr(record, key) for key in changes}
    for key, value in changes.items():
        setattr(record, key, value)
    if "visit_every_days" in changes and record.last_visit_at is not None:
        record.next_visit_due_at = record.last_visit_at + timedelta(days=record.visit_every_days)
    db.session.flush()
    audit.record(
        actor,
        "care.update",
        "care_record",
        record.id,
        community_id=record.community_id,
        before=before,
        after=dict(changes),
    )
    new_assignee = changes.get("assignee_id")
    if new_assignee and new_assignee != before.get("assignee_id") and new_assignee != actor.id:
        notifications.notify(
            [new_assignee],
            "care_assigned",
            {"record_id": record.id},
            community_id=record.community_id,
            url=f"/care/{record.id}",
        )
    return present(actor, [record])[0]


def list_records(
    actor,
    community_id: int,
    *,
    grid_id: int | None = None,
    overdue: bool | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Page:
    """The care list: all of it for the committee, one's own assignments for anyone else (audited)."""
    member = access.require_active_member(actor, community_id)
    stmt = select(CareRecord).where(CareRecord.community_id == community_id, CareRecord.is_active.is_(True))
    if not member.is_committee:
        stmt = stmt.where(CareRecord.assignee_id == actor.id)
    if grid_id is not None:
        stmt = stmt.where(CareRecord.grid_id == grid_id)
    if overdue:
        stmt = stmt.where(CareRecord.next_visit_due_at < utcnow())
    page = paginate(stmt, [SortKey(CareRecord.id)], limit=limit, cursor=cursor)
    page.items = present(actor, page.items)
    if page.items:
        _audit_read_later(
            actor, community_id, "care.list", "community", community_id, {"shown": [r.id for r in page.items]}
        )
    return page


def get_record(actor, record_id: int) -> CareRecord:
    """One care record with its visits (committee, assignee; audited)."""
    record = _record_or_404(record_id)
    _require_record_access(actor, record)
    record = present(actor, [record])[0]
    record.visits = list(
        db.session.scalars(select(CareVisit).where(CareVisit.record_id == record.id).order_by(CareVisit.id.desc()))
    )
    _audit_read_later(actor, record.community_id, "care.read", "care_record", record.id, {})
    return record


def present(actor, records: list[CareRecord]) -> list[CareRecord]:
    """Attach the resident (name, address) from the register, whether the visit is overdue, and `can`."""
    residents = register.residents_by_id(r.resident_id for r in records)
    now = utcnow()
    for record in records:
        resident = residents.get(record.resident_id)
        record.resident_name = resident.name if resident else ""
        record.address = resident.household.address if resident else ""
        record.is_overdue = record.is_active and record.next_visit_due_at < now
        record.can = abilities(actor, record)
    return records


# --- visits ----------------------------------------------------------------------------------------------


def log_visit(
    actor,
    record_id: int,
    *,
    visited_at: datetime | None = None,
    outcome: str,
    notes: str = "",
    needs: str = "",
) -> CareVisit:
    """Log a visit (assignee, committee); the next one is due a plan's interval after it.

    :raises ValidationFailed: a visit in the future
    """
    record = _record_or_404(record_id)
    _require_record_access(actor, record)
    now = utcnow()
    visited_at = visited_at or now
    if visited_at > now + timedelta(minutes=5):
        raise ValidationFailed({"visited_at": ["a visit cannot be in the future"]})
    visit = CareVisit(
        record_id=record.id, visitor_id=actor.id, visited_at=visited_at, outcome=outcome, notes=notes, needs=needs
    )
    db.session.add(visit)
    if record.last_visit_at is None or visited_at >= record.last_visit_at:
        record.last_visit_at = visited_at
        record.next_visit_due_at = visited_at + timedelta(days=record.visit_every_days)
        record.assignee_alerted_at = None
        record.committee_alerted_at = None
    db.session.flush()
    return visit


def follow_up_visit(
    actor,
    visit_id: int,
    *,
    kind: str,
    category: str,
    title: str,
    description: str,
    location_text: str | None = None,
    locale: str = "zh-CN",
):
    """Turn a need found on a visit into an aid request or a report, in one step, through their own services
    (in the staff member's name: the aid board is public, so the text is the staff member's, never the care
    record's). Returns the visit with the new item's kind and id.

    :raises Conflict: care.follow_up_done
    """
    visit = db.session.get(CareVisit, visit_id)
    if visit is None:
        raise NotFound()
    record = _record_or_404(visit.record_id)
    _require_record_access(actor, record)
    if visit.follow_up_kind is not None:
        raise Conflict("care.follow_up_done")
    if kind == "aid":
        item = aid.create_post(
            actor,
            record.community_id,
            kind="request",
            category=category,
            title=title,
            body=description,
            grid_id=record.grid_id,
            at_home=True,
        )
    else:
        item = reports.create_report(
            actor,
            record.community_id,
            category=category,
            description=description,
            location_text=location_text or title,
            grid_id=record.grid_id,
        )
    claimed = db.session.execute(
        update(CareVisit)
        .where(CareVisit.id == visit.id, CareVisit.follow_up_kind.is_(None))
        .values(follow_up_kind=kind, follow_up_id=item.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:  # a second follow-up of the same visit at the same moment: this one is undone
        raise Conflict("care.follow_up_done")
    db.session.refresh(visit)
    audit.record(
        actor,
        "care.follow_up",
        "care_visit",
        visit.id,
        community_id=record.community_id,
        after={"kind": kind, "id": item.id},
    )
    return visit


# --- overdue visits and coverage -------------------------------------------------------------------------


def alert_overdue_visits(now=None) -> dict:
    """Job: an overdue visit is told to its assignee once, and ESCALATE_AFTER later (or at once when nobody is
    assigned) to the committee once; the rows are claimed by conditional UPDATEs, so two runs tell nobody twice."""
    now = now or utcnow()
    told = {"assignee": 0, "committee": 0}
    due = select(CareRecord.id, CareRecord.assignee_id, CareRecord.community_id).where(
        CareRecord.is_active.is_(True), CareRecord.next_visit_due_at < now
    )
    for record_id, assignee_id, community_id in db.session.execute(
        due.where(CareRecord.assignee_id.is_not(None), CareRecord.assignee_alerted_at.is_(None))
    ).all():
        if _claim(record_id, CareRecord.assignee_alerted_at, now):
            notifications.notify(
                [assignee_id],
                "care_visit_overdue",
                {"record_id": record_id},
                community_id=community_id,
                url=f"/care/{record_id}",
            )
            told["assignee"] += 1
    escalate = due.where(
        CareRecord.committee_alerted_at.is_(None),
        or_(CareRecord.assignee_id.is_(None), CareRecord.next_visit_due_at < now - ESCALATE_AFTER),
    )
    for record_id, _assignee_id, community_id in db.session.execute(escalate).all():
        if _claim(record_id, CareRecord.committee_alerted_at, now):
            notifications.notify(
                communities.committee_member_ids(community_id),
                "care_visit_escalated",
                {"record_id": record_id},
                community_id=community_id,
                url=f"/care/{record_id}",
            )
            told["committee"] += 1
    return told


def _claim(record_id: int, column, now) -> bool:
    return bool(
        db.session.execute(
            update(CareRecord)
            .where(CareRecord.id == record_id, column.is_(None))
            .values({column.key: now})
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def coverage(actor, community_id: int) -> list[dict]:
    """Per grid: people on the list, with an assignee, visited within their plan, overdue (committee; counts
    only, one aggregate query)."""
    access.require_committee(actor, community_id)
    now = utcnow()
    overdue = CareRecord.next_visit_due_at < now
    rows = db.session.execute(
        select(
            CareRecord.grid_id,
            func.count(),
            func.sum(case((CareRecord.assignee_id.is_not(None), 1), else_=0)),
            func.sum(case((and_(CareRecord.last_visit_at.is_not(None), ~overdue), 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
        )
        .where(CareRecord.community_id == community_id, CareRecord.is_active.is_(True))
        .group_by(CareRecord.grid_id)
    ).all()
    counts = {row[0]: row[1:] for row in rows}
    result = []
    for grid in [*communities.get_community(community_id).grids, None]:
        grid_id = grid.id if grid else None
        people, assigned, visited, late = counts.get(grid_id, (0, 0, 0, 0))
        if grid is None and not people:
            continue
        result.append(
            {
                "grid_id": grid_id,
                "grid_name": grid.name if grid else "",
                "people": people,
                "assigned": int(assigned or 0),
                "visited_on_time": int(visited or 0),
                "overdue": int(late or 0),
            }
        )
    return result


# --- emotional support -----------------------------------------------------------------------------------


def is_counsellor(actor, community_id: int) -> bool:
    return (
        db.session.scalar(
            select(Counsellor.id).where(Counsellor.community_id == community_id, Counsellor.user_id == actor_id(actor))
        )
        is not None
    )


def list_counsellors(actor, community_id: int) -> list[Counsellor]:
    access.require_committee(actor, community_id)
    return list(db.session.scalars(select(Counsellor).where(Counsellor.community_id == community_id)))


def designate_counsellor(actor, community_id: int, user_id: int) -> Counsellor:
    """Make a verified member a counsellor (committee; audited). Designating twice changes nothing."""
    access.require_committee(actor, community_id)
    _check_assignee(community_id, user_id)
    found = db.session.scalar(
        select(Counsellor).where(Counsellor.community_id == community_id, Counsellor.user_id == user_id)
    )
    if found is not None:
        return found
    counsellor = Counsellor(community_id=community_id, user_id=user_id, designated_by_id=actor.id)
    db.session.add(counsellor)
    db.session.flush()
    audit.record(actor, "care.counsellor_add", "user", user_id, community_id=community_id)
    return counsellor


def remove_counsellor(actor, community_id: int, user_id: int) -> None:
    access.require_committee(actor, community_id)
    found = db.session.scalar(
        select(Counsellor).where(Counsellor.community_id == community_id, Counsellor.user_id == user_id)
    )
    if found is None:
        raise NotFound()
    db.session.delete(found)
    db.session.flush()
    audit.record(actor, "care.counsellor_remove", "user", user_id, community_id=community_id)


def ask_for_support(actor, community_id: int, *, message: str = "", contact: str = "") -> SupportRequest:
    """A member asks for a private conversation; the counsellors are told (without the message)."""
    access.require_active_member(actor, community_id)
    request = SupportRequest(community_id=community_id, requester_id=actor.id, message=message, contact=contact)
    SUPPORT_REQUEST_STATES.move(request, "ask")
    db.session.add(request)
    db.session.flush()
    counsellor_ids = list(db.session.scalars(select(Counsellor.user_id).where(Counsellor.community_id == community_id)))
    notifications.notify(
        counsellor_ids,
        "care_support_requested",
        {"request_id": request.id},
        community_id=community_id,
        exclude=[actor.id],
        url="/care/support",
    )
    return request


def list_support_requests(actor, community_id: int, *, limit: int = 20, cursor: str | None = None) -> Page:
    """Counsellors: the open requests and those they took; anyone else: their own requests only."""
    access.require_member(actor, community_id)
    stmt = select(SupportRequest).where(SupportRequest.community_id == community_id)
    if is_counsellor(actor, community_id):
        stmt = stmt.where(
            or_(
                SupportRequest.status == "open",
                SupportRequest.counsellor_id == actor.id,
                SupportRequest.requester_id == actor.id,
            )
        )
    else:
        stmt = stmt.where(SupportRequest.requester_id == actor.id)
    page = paginate(stmt, [SortKey(SupportRequest.id, descending=True)], limit=limit, cursor=cursor)
    # A counsellor reading other residents' requests (their words, how to reach them) is a staff read of
    # sensitive records: audited, by a job after the read. One's own requests are no one else's read.
    others = [request.id for request in page.items if request.requester_id != actor.id]
    if others:
        _audit_read_later(actor, community_id, "care.support_read", "community", community_id, {"shown": others})
    return page


def _request_or_404(actor, request_id: int) -> SupportRequest:
    request = db.session.get(SupportRequest, request_id)
    if request is None:
        raise NotFound()
    access.require_member(actor, request.community_id)
    if request.requester_id != actor.id and not is_counsellor(actor, request.community_id):
        raise NotFound()
    return request


def take_support_request(actor, request_id: int) -> SupportRequest:
    """A counsellor takes an open request (one counsellor per request: a conditional UPDATE decides)."""
    request = _request_or_404(actor, request_id)
    if not is_counsellor(actor, request.community_id):
        raise Forbidden(reason="not_counsellor")
    access.require_active_member(actor, request.community_id)
    taken = db.session.execute(
        update(SupportRequest)
        .where(SupportRequest.id == request.id, SupportRequest.status.in_(SUPPORT_REQUEST_STATES.sources("take")))
        .values(status="taken", counsellor_id=actor.id, taken_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        db.session.refresh(request)
        raise SUPPORT_REQUEST_STATES.refuse(request.status, "take")
    db.session.refresh(request)
    notifications.notify(
        [request.requester_id],
        "care_support_taken",
        {"request_id": request.id},
        community_id=request.community_id,
        url="/care/support",
    )
    return request


def close_support_request(actor, request_id: int) -> SupportRequest:
    """The requester, or the counsellor who took it, closes a request."""
    request = _request_or_404(actor, request_id)
    if actor.id not in (request.requester_id, request.counsellor_id):
        raise Forbidden(reason="not_counsellor")
    SUPPORT_REQUEST_STATES.move(request, "close")
    request.closed_at = utcnow()
    db.session.flush()
    return request
