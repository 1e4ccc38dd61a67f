"""Meetings and hearings (议事会、听证会): the committee writes a meeting with its agenda and publishes it; residents
RSVP (a capacity and a waitlist), check in on the day, and read the minutes: a decision per agenda item, which can
open a poll in one step. A hearing has a public comment period before it; the committee answers the comments in
the minutes and each decision names the comments it answers.

Guarantees and where they come from:

- capacity: ``UPDATE meetings SET going_count = going_count + 1 WHERE going_count < capacity`` (the rowcount
  decides going or waitlisted), the meeting row locked first (FOR UPDATE on PostgreSQL; SQLite write
  transactions are serial), so RSVPs and cancellations of one meeting never interleave; a CHECK keeps
  going_count within capacity whatever happens;
- one RSVP per person and meeting: UNIQUE (meeting_id, user_id);
- one poll per decision: the item's poll_id is claimed by a conditional UPDATE before the poll is written.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from backend.accounts import services as accounts
from backend.audit import services as audit
from backend.communities import access
from backend.communities import services as communities
from backend.core import actors, targets
from backend.core.db import utcnow
from backend.core.errors import Conflict, DomainError, NotFound, ValidationFailed, register_messages
from backend.core.pagination import Page, SortKey, paginate
from backend.core.places import Places
from backend.extensions import db
from backend.meetings.models import (
    LINK_KINDS,
    MEETING_STATES,
    RSVP_STATES,
    AgendaItem,
    HearingComment,
    Meeting,
    Rsvp,
)
from backend.moderation import services as moderation
from backend.notifications.services import notify
from backend.surveys import services as surveys
from backend.tasks import services as tasks
from backend.voting import services as voting

register_messages(
    "meeting",
    {
        "not_open": {
            "zh-CN": ("不接受报名", "这次会议目前不接受报名（尚未发布、已取消或已结束）。"),
            "en": ("Not taking RSVPs", "This meeting is not taking RSVPs (not published, cancelled or over)."),
        },
        "meeting_started": {
            "zh-CN": ("会议已开始", "会议已经开始或结束，不能再报名或取消报名。"),
            "en": ("Meeting started", "This meeting has started or ended; RSVPs are closed."),
        },
        "already_going": {
            "zh-CN": ("已经报名", "你已经报名参加这次会议了。"),
            "en": ("Already signed up", "You have already said you are coming to this meeting."),
        },
        "not_going": {
            "zh-CN": ("没有正式报名", "只有正式报名（不在候补中）的居民才能签到。"),
            "en": ("No place", "Only people with a place (not on the waitlist) can check in."),
        },
        "checkin_closed": {
            "zh-CN": ("不在签到时间", "会议当天开始至会议结束前可以签到。"),
            "en": ("Check-in closed", "Check-in is open on the day of the meeting until it ends."),
        },
        "wrong_checkin_code": {
            "zh-CN": ("签到码不正确", "请核对会场展示的签到码。"),
            "en": ("Wrong check-in code", "Please check the code shown at the meeting."),
        },
        "already_checked_in": {
            "zh-CN": ("已签到", "已经签到过了。"),
            "en": ("Already checked in", "Already checked in."),
        },
        "not_started": {
            "zh-CN": ("会议尚未开始", "会议开始后才能记录纪要。"),
            "en": ("Not started yet", "Minutes can be written once the meeting has started."),
        },
        "comments_closed": {
            "zh-CN": ("不在意见征集期", "这次听证会目前不收集意见。"),
            "en": ("Comment period closed", "This hearing is not collecting comments now."),
        },
        "not_a_hearing": {
            "zh-CN": ("不是听证会", "只有听证会收集公众意见。"),
            "en": ("Not a hearing", "Only hearings collect public comments."),
        },
        "no_decision": {
            "zh-CN": ("还没有决定", "先在纪要中写下这一议题的决定。"),
            "en": ("No decision yet", "Write this item's decision in the minutes first."),
        },
        "poll_already_opened": {
            "zh-CN": ("已经发起过投票", "这一决定已经发起过投票了。"),
            "en": ("Poll already opened", "This decision has already opened a poll."),
        },
        "task_already_opened": {
            "zh-CN": ("已经派发过任务", "这一决定已经派发过任务了。"),
            "en": ("Task already opened", "This decision has already opened a task."),
        },
        "not_editable": {
            "zh-CN": ("不能修改", "会议开始后就不能再修改时间、地点和议程了。"),
            "en": ("Cannot be edited", "Time, place and agenda cannot change once the meeting has started."),
        },
    },
)

ACTIONS = (
    "rsvp",
    "cancel_rsvp",
    "check_in",
    "comment",
    "edit",
    "publish",
    "cancel",
    "write_minutes",
    "publish_minutes",
)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a screen without mistakes
CODE_LENGTH = 6


# --- helpers --------------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound()
    return meeting


def can_see(actor, meeting: Meeting) -> bool:
    """Published, held, minuted and cancelled meetings are public (as activities are); drafts are the committee's."""
    return meeting.status != "draft" or access.is_committee(actor, meeting.community_id)


def _visible_meeting(actor, meeting_id: int) -> Meeting:
    meeting = _meeting_or_404(meeting_id)
    if not can_see(actor, meeting):
        raise NotFound()
    return meeting


def _managed_meeting(actor, meeting_id: int) -> Meeting:
    """The meeting, for its community's committee (others: 404 for a draft they cannot see, else 403)."""
    meeting = _visible_meeting(actor, meeting_id)
    access.require_committee(actor, meeting.community_id)
    return meeting


# A meeting's places: going_count of capacity, RSVPs going or waiting (backend/core/places.py holds the rules).
PLACES = Places(Meeting, Meeting.going_count, Meeting.capacity, Rsvp, Rsvp.meeting_id, RSVP_STATES, "going_at")


def _lock_meeting(meeting_id: int) -> Meeting:
    """Serialise RSVPs and cancellations of one meeting (row lock on PostgreSQL; SQLite is serial already)."""
    meeting = PLACES.lock(meeting_id)
    if meeting is None:
        raise NotFound()
    return meeting


def _timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE", "Asia/Shanghai"))


def checkin_opens_at(meeting: Meeting) -> datetime:
    """Midnight (local time) of the meeting's day: no check-in before the day."""
    local = meeting.starts_at.astimezone(_timezone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(meeting.starts_at.tzinfo)


def comments_open(meeting: Meeting, now: datetime) -> bool:
    return (
        meeting.kind == "hearing"
        and meeting.status == "published"
        and meeting.comments_open_at <= now < meeting.comments_close_at
    )


# --- presenting -------------------------------------------------------------------------------------


def _links_of(actor, agenda: list[AgendaItem]) -> dict[tuple[str, int], dict]:
    """What the viewer sees of the agenda's links: {(kind, id): {kind, id, title}} for those they may open (one
    query per kind through the targets registry; surveys through their service)."""
    seen: dict[tuple[str, int], dict] = {}
    wanted: dict[str, set[int]] = {}
    for item in agenda:
        if item.link_kind is not None:
            wanted.setdefault(item.link_kind, set()).add(item.link_id)
    for kind, ids in wanted.items():
        if kind == "survey":
            for link_id in ids:
                with suppress(DomainError):  # a survey the viewer may not open is left out
                    title = surveys.get_survey(actor, link_id).title
                    seen[(kind, link_id)] = {"kind": kind, "id": link_id, "title": title}
            continue
        target = targets.get(kind)
        found = target.load_many(sorted(ids)) if target is not None else {}
        for link_id, thing in found.items():
            if target.can_see(actor, thing):
                seen[(kind, link_id)] = {"kind": kind, "id": link_id, "title": str(target.title(thing))[:200]}
    return seen


def _comment_ids_by_item(meeting: Meeting) -> dict[int, list[int]]:
    rows = db.session.execute(
        select(HearingComment.item_id, HearingComment.id)
        .where(
            HearingComment.meeting_id == meeting.id,
            HearingComment.item_id.is_not(None),
            HearingComment.is_hidden.is_(False),
        )
        .order_by(HearingComment.id)
    )
    found: dict[int, list[int]] = {}
    for item_id, comment_id in rows:
        found.setdefault(item_id, []).append(comment_id)
    return found


def present(actor, meetings: list[Meeting], *, detail: bool = False) -> list[Meeting]:
    """Besides the columns: the viewer's RSVP (with waitlist place and own check-in code), the waitlist's length,
    on a meeting's page the agenda's links as the viewer may see them, and `can`."""
    if not meetings:
        return meetings
    ids = [meeting.id for meeting in meetings]
    waiting = dict(
        db.session.execute(
            select(Rsvp.meeting_id, func.count())
            .where(Rsvp.meeting_id.in_(ids), Rsvp.status == "waitlisted")
            .group_by(Rsvp.meeting_id)
        ).all()
    )
    mine: dict[int, Rsvp] = {}
    if actors.is_signed_in(actor):
        mine = {
            rsvp.meeting_id: rsvp
            for rsvp in db.session.scalars(
                select(Rsvp).where(Rsvp.meeting_id.in_(ids), Rsvp.user_id == actor.id, Rsvp.status != "cancelled")
            )
        }
    positions = PLACES.positions(ids, [r.id for r in mine.values() if r.status == "waitlisted"])
    member = access.membership(actor, meetings[0].community_id) if actors.is_signed_in(actor) else None
    committee = member is not None and member.is_committee and member.status == "verified"
    now = utcnow()
    for meeting in meetings:
        meeting.waitlist_count = waiting.get(meeting.id, 0)
        rsvp = mine.get(meeting.id)
        if rsvp is not None:
            rsvp.position = positions.get(rsvp.id)
        meeting.my_rsvp = rsvp
        meeting.comments_open_now = comments_open(meeting, now)
        meeting.checkin_opens_at = checkin_opens_at(meeting)
        meeting.can = abilities(actor, meeting, member=member, committee=committee, now=now)
        if detail:
            answered = _comment_ids_by_item(meeting) if meeting.kind == "hearing" else {}
            links = _links_of(actor, meeting.agenda)
            for item in meeting.agenda:
                item.link = links.get((item.link_kind, item.link_id))
                item.comment_ids = answered.get(item.id, [])
    return meetings


def abilities(actor, meeting: Meeting, *, member, committee: bool, now: datetime) -> dict[str, bool]:
    """`can` of a presented meeting (`my_rsvp` attached)."""
    rsvp = meeting.my_rsvp
    known = member is not None and member.is_known and member.status != "suspended"
    before_start = now < meeting.starts_at
    open_for_rsvp = meeting.status == "published" and before_start
    in_checkin_window = checkin_opens_at(meeting) <= now <= meeting.ends_at
    return {
        "rsvp": known and open_for_rsvp and rsvp is None,
        "cancel_rsvp": open_for_rsvp and rsvp is not None,
        "check_in": meeting.status in ("published", "held")
        and in_checkin_window
        and rsvp is not None
        and rsvp.status == "going"
        and rsvp.checked_in_at is None,
        "comment": known and comments_open(meeting, now),
        "edit": committee and meeting.status in ("draft", "published") and before_start,
        "publish": committee and meeting.status == "draft",
        "cancel": committee and meeting.status in ("draft", "published") and before_start,
        "write_minutes": committee and meeting.status in ("published", "held") and not before_start,
        "publish_minutes": committee and meeting.status == "held",
    }


def get_meeting(actor, meeting_id: int) -> Meeting:
    return present(actor, [_visible_meeting(actor, meeting_id)], detail=True)[0]


def list_meetings(actor, community_id: int, *, when: str | None, limit: int, cursor: str | None) -> Page:
    """A community's meetings: upcoming ones soonest first, past ones (ended, or minuted) latest first; drafts for
    the committee only."""
    communities.get_community(community_id)
    now = utcnow()
    stmt = select(Meeting).where(Meeting.community_id == community_id)
    if not access.is_committee(actor, community_id):
        stmt = stmt.where(Meeting.status != "draft")
    if when == "past":
        stmt = stmt.where((Meeting.ends_at <= now) | (Meeting.status == "minuted"))
        keys = [SortKey(Meeting.starts_at, descending=True), SortKey(Meeting.id, descending=True)]
    else:
        stmt = stmt.where(Meeting.ends_at > now, Meeting.status != "minuted")
        keys = [SortKey(Meeting.starts_at), SortKey(Meeting.id)]
    page = paginate(stmt, keys, limit=limit, cursor=cursor)
    present(actor, page.items)
    return page


# --- writing the meeting ------------------------------------------------------------------------------


def _check_times(fields: dict, kind: str) -> None:
    errors: dict = {}
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = ["after starts_at"]
    if starts_at is not None and ends_at is not None and ends_at - starts_at > timedelta(hours=24):
        errors["ends_at"] = ["within 24 hours of starts_at"]
    if kind == "hearing":
        opens, closes = fields.get("comments_open_at"), fields.get("comments_close_at")
        for name in ("comments_open_at", "comments_close_at"):
            if fields.get(name) is None:
                errors[name] = ["required for a hearing"]
        if opens is not None and closes is not None and closes <= opens:
            errors["comments_close_at"] = ["after comments_open_at"]
        elif closes is not None and starts_at is not None and closes > starts_at:
            errors["comments_close_at"] = ["before the hearing starts"]
    else:
        for name in ("comments_open_at", "comments_close_at"):
            if fields.get(name) is not None:
                errors[name] = ["only for a hearing"]
    if errors:
        raise ValidationFailed(errors)


def _check_link(actor, community_id: int, kind: str | None, link_id: int | None, index: int) -> None:
    """An agenda item's link must name something of this community that the committee can open."""
    field = f"agenda.{index}.link_id"
    if (kind is None) != (link_id is None):
        raise ValidationFailed({field: ["give link_kind and link_id together"]})
    if kind is None:
        return
    if kind == "survey":
        try:
            survey = surveys.get_survey(actor, link_id)
        except DomainError:
            raise ValidationFailed({field: ["no such survey in this community"]}) from None
        if survey.community_id != community_id:
            raise ValidationFailed({field: ["no such survey in this community"]})
        return
    target = targets.get(kind)
    item = target.load(link_id) if target is not None else None
    if item is None or not target.can_see(actor, item) or target.community_id(item) != community_id:
        raise ValidationFailed({field: [f"no such {kind} in this community"]})


def _set_agenda(actor, meeting: Meeting, agenda: list[dict]) -> None:
    for index, entry in enumerate(agenda):
        if entry.get("link_kind") is not None and entry["link_kind"] not in LINK_KINDS:
            raise ValidationFailed({f"agenda.{index}.link_kind": [f"one of {', '.join(LINK_KINDS)}"]})
        _check_link(actor, meeting.community_id, entry.get("link_kind"), entry.get("link_id"), index)
    meeting.agenda.clear()
    db.session.flush()  # the old items go before the new ones take their positions
    for position, entry in enumerate(agenda):
        meeting.agenda.append(
            AgendaItem(
                position=position,
                title=entry["title"].strip(),
                description=(entry.get("description") or "").strip(),
                link_kind=entry.get("link_kind"),
                link_id=entry.get("link_id"),
            )
        )


def create_meeting(actor, community_id: int, *, agenda: list[dict], **fields) -> Meeting:
    """The committee writes a meeting or a hearing (a draft) with its agenda.

    :raises ValidationFailed: times, a hearing without its comment period, an agenda link elsewhere
    """
    communities.get_community(community_id)
    access.require_committee(actor, community_id)
    _check_times(fields, fields["kind"])
    meeting = Meeting(
        community_id=community_id,
        created_by_id=actor.id,
        checkin_code=new_code(),
        status="draft",
        going_count=0,
        **{name: value.strip() if isinstance(value, str) else value for name, value in fields.items()},
    )
    db.session.add(meeting)
    db.session.flush()
    _set_agenda(actor, meeting, agenda)
    db.session.flush()
    audit.record(
        actor, "meeting.create", "meeting", meeting.id, community_id=community_id, after={"title": meeting.title}
    )
    return meeting


def update_meeting(actor, meeting_id: int, changes: dict) -> Meeting:
    """Edit a draft or a published meeting before it starts; the capacity never drops below the places taken. A
    published meeting's new time or place is told to those coming or waiting (``meeting_changed``).

    :raises Conflict: ``meeting.not_editable``
    """
    meeting = _managed_meeting(actor, meeting_id)
    _lock_meeting(meeting.id)
    if meeting.status not in ("draft", "published") or meeting.starts_at <= utcnow():
        raise Conflict("meeting.not_editable")
    merged = {
        name: changes.get(name, getattr(meeting, name))
        for name in ("starts_at", "ends_at", "comments_open_at", "comments_close_at")
    }
    _check_times(merged, meeting.kind)
    if changes.get("capacity") is not None and changes["capacity"] < meeting.going_count:
        raise ValidationFailed({"capacity": [f"at least the {meeting.going_count} places already taken"]})
    agenda = changes.pop("agenda", None)
    when_and_where = _when_and_where(meeting)
    for name, value in changes.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    if agenda is not None:
        _set_agenda(actor, meeting, agenda)
    db.session.flush()
    if "capacity" in changes:
        _fill_free_places(meeting)
    if meeting.status == "published" and _when_and_where(meeting) != when_and_where:
        _tell_attendees_of_the_move(actor, meeting)
    return get_meeting(actor, meeting.id)


def _when_and_where(meeting: Meeting) -> tuple:
    return meeting.starts_at, meeting.ends_at, meeting.location


def _tell_attendees_of_the_move(actor, meeting: Meeting) -> None:
    """Those coming or waiting are told the new time and place (a draft has nobody to tell)."""
    notify(
        _rsvp_user_ids(meeting.id, ("going", "waitlisted")),
        "meeting_changed",
        {
            "meeting_id": meeting.id,
            "meeting_title": meeting.title,
            "starts_at": meeting.starts_at.isoformat(),
            "meeting_location": meeting.location,
        },
        community_id=meeting.community_id,
        exclude=[actor.id],
    )


def publish_meeting(actor, meeting_id: int) -> Meeting:
    """Publish a draft: the community is told (a new meeting, or a hearing collecting comments)."""
    meeting = _managed_meeting(actor, meeting_id)
    if meeting.starts_at <= utcnow():
        raise Conflict("meeting.meeting_started")
    MEETING_STATES.move(meeting, "publish")
    meeting.published_at = utcnow()
    db.session.flush()
    audit.record(actor, "meeting.publish", "meeting", meeting.id, community_id=meeting.community_id)
    notify(
        communities.community_member_ids(meeting.community_id),
        "meeting_published",
        {"meeting_id": meeting.id, "meeting_title": meeting.title, "starts_at": meeting.starts_at.isoformat()},
        community_id=meeting.community_id,
        exclude=[actor.id],
    )
    return get_meeting(actor, meeting.id)


def cancel_meeting(actor, meeting_id: int, *, reason: str = "") -> Meeting:
    """Cancel a meeting before it starts; everyone who RSVPed is told."""
    meeting = _managed_meeting(actor, meeting_id)
    _lock_meeting(meeting.id)
    if meeting.starts_at <= utcnow():
        raise Conflict("meeting.meeting_started")
    was_published = meeting.status == "published"
    MEETING_STATES.move(meeting, "cancel")
    meeting.cancelled_at, meeting.cancel_reason = utcnow(), reason.strip()
    db.session.flush()
    audit.record(actor, "meeting.cancel", "meeting", meeting.id, community_id=meeting.community_id)
    if was_published:
        notify(
            _rsvp_user_ids(meeting.id, ("going", "waitlisted")),
            "meeting_cancelled",
            {"meeting_id": meeting.id, "meeting_title": meeting.title, "starts_at": meeting.starts_at.isoformat()},
            community_id=meeting.community_id,
        )
    return get_meeting(actor, meeting.id)


def _rsvp_user_ids(meeting_id: int, statuses: tuple[str, ...]) -> list[int]:
    return list(
        db.session.scalars(select(Rsvp.user_id).where(Rsvp.meeting_id == meeting_id, Rsvp.status.in_(statuses)))
    )


# --- RSVPs ----------------------------------------------------------------------------------------------


def rsvp(actor, meeting_id: int) -> Meeting:
    """A known resident says they are coming: a place while places remain, otherwise the waitlist.

    :raises Conflict: ``meeting.meeting_started``, ``meeting.already_going``, ``meeting.invalid_transition``
    """
    meeting = _visible_meeting(actor, meeting_id)
    access.require_known(actor, meeting.community_id)
    _lock_meeting(meeting.id)
    if meeting.status != "published":
        raise Conflict("meeting.not_open")
    now = utcnow()
    if meeting.starts_at <= now:
        raise Conflict("meeting.meeting_started")
    previous = db.session.scalar(select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.user_id == actor.id))
    if previous is not None and previous.status != "cancelled":
        raise Conflict("meeting.already_going")
    try:
        with db.session.begin_nested():  # the place and the row stand or fall together
            took_place = PLACES.take(meeting.id)
            if previous is None:
                entry = Rsvp(meeting_id=meeting.id, user_id=actor.id, attendee_code=new_code())
                db.session.add(entry)
            else:  # back after cancelling: a fresh place in the queue, same row and code
                entry = previous
            entry.queued_at, entry.going_at, entry.cancelled_at = now, now if took_place else None, None
            RSVP_STATES.move(entry, "join", to="going" if took_place else "waitlisted")
            db.session.flush()
    except IntegrityError:  # the same person twice at once (two taps), or a code drawn twice: the keys decide
        raise Conflict("meeting.already_going") from None
    db.session.refresh(meeting)
    return get_meeting(actor, meeting.id)


def cancel_rsvp(actor, meeting_id: int) -> Meeting:
    """The resident is not coming after all; a place they held passes to the first on the waitlist, who is told.

    :raises Conflict: ``meeting.meeting_started``
    """
    access.require_user(actor)
    meeting = _visible_meeting(actor, meeting_id)
    _lock_meeting(meeting.id)
    entry = db.session.scalar(
        select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.user_id == actor.id, Rsvp.status != "cancelled")
    )
    if entry is None:
        raise NotFound()
    if meeting.starts_at <= utcnow():
        raise Conflict("meeting.meeting_started")
    was_going = entry.status == "going"
    RSVP_STATES.move(entry, "cancel")
    entry.cancelled_at = utcnow()
    db.session.flush()
    if was_going:
        PLACES.give_back(meeting.id)
        _fill_free_places(meeting)
    db.session.refresh(meeting)
    return get_meeting(actor, meeting.id)


def _fill_free_places(meeting: Meeting) -> None:
    """Promote the waitlist, first come first served, into the places free now (after a cancellation or a larger
    capacity); each promoted person is told."""
    while True:
        first = PLACES.first_waiting(meeting.id)
        if first is None or not PLACES.take(meeting.id):
            break
        PLACES.promote(first)
        notify(
            [first.user_id],
            "meeting_promoted",
            {"meeting_id": meeting.id, "meeting_title": meeting.title, "starts_at": meeting.starts_at.isoformat()},
            community_id=meeting.community_id,
        )
    db.session.refresh(meeting)


def list_attendees(actor, meeting_id: int, *, limit: int, cursor: str | None) -> Page:
    """The committee's list: who is coming, who waits (with their place), who has checked in (the read audited)."""
    meeting = _managed_meeting(actor, meeting_id)
    stmt = select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.status != "cancelled")
    page = paginate(stmt, [SortKey(Rsvp.id)], limit=limit, cursor=cursor)
    ids = [entry.id for entry in page.items]
    names = dict(
        db.session.execute(select(Rsvp.id, accounts.display_name_of(Rsvp.user_id)).where(Rsvp.id.in_(ids))).all()
    )
    positions = PLACES.positions([meeting.id], [entry.id for entry in page.items if entry.status == "waitlisted"])
    for entry in page.items:
        entry.display_name, entry.position = names.get(entry.id), positions.get(entry.id)
    # Who RSVPed to a meeting is personal (where a person will be, and when): each staff read is in the log.
    audit.record_read_later(
        actor,
        "meeting.attendees_read",
        "meeting",
        meeting.id,
        community_id=meeting.community_id,
        detail={"shown": [entry.user_id for entry in page.items]},
    )
    return page


# --- check-in ----------------------------------------------------------------------------------------------


def checkin_code(actor, meeting_id: int) -> dict:
    """The code the organiser shows at the door (the PWA draws it as a QR code too)."""
    meeting = _managed_meeting(actor, meeting_id)
    return {
        "meeting_id": meeting.id,
        "code": meeting.checkin_code,
        "opens_at": checkin_opens_at(meeting),
        "closes_at": meeting.ends_at,
        "going_count": meeting.going_count,
        "checked_in_count": db.session.scalar(
            select(func.count()).select_from(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.checked_in_at.is_not(None))
        ),
    }


def _normalised(code: str) -> str:
    return "".join(code.split()).upper()


def check_in(actor, meeting_id: int, *, code: str | None = None, attendee_code: str | None = None) -> dict:
    """Check in on the day: a resident types (or scans) the meeting's code for themselves, or the organiser types a
    resident's own code. Nobody checks in someone else with the meeting's code.

    :raises Conflict: ``meeting.not_going``, ``meeting.checkin_closed``, ``meeting.already_checked_in``
    :raises ValidationFailed: ``meeting.wrong_checkin_code``
    """
    if (code is None) == (attendee_code is None):
        raise ValidationFailed({"code": ["give code (yourself) or attendee_code (organisers)"]})
    meeting = _visible_meeting(actor, meeting_id)
    if attendee_code is not None:
        access.require_committee(actor, meeting.community_id)
        entry = db.session.scalar(
            select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.attendee_code == _normalised(attendee_code))
        )
        if entry is None or entry.status == "cancelled":
            raise ValidationFailed({"attendee_code": ["wrong code"]}, code="meeting.wrong_checkin_code")
    else:
        access.require_known(actor, meeting.community_id)
        entry = db.session.scalar(
            select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.user_id == actor.id, Rsvp.status != "cancelled")
        )
        if entry is None:
            raise Conflict("meeting.not_going")
    if entry.status != "going":
        raise Conflict("meeting.not_going")
    now = utcnow()
    if meeting.status not in ("published", "held") or not checkin_opens_at(meeting) <= now <= meeting.ends_at:
        raise Conflict("meeting.checkin_closed")
    if code is not None and _normalised(code) != meeting.checkin_code:
        raise ValidationFailed({"code": ["wrong code"]}, code="meeting.wrong_checkin_code")
    claimed = db.session.execute(  # two check-ins at once (a scan and a typed code): one wins
        update(Rsvp)
        .where(Rsvp.id == entry.id, Rsvp.checked_in_at.is_(None))
        .values(checked_in_at=now, checked_in_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict("meeting.already_checked_in")
    db.session.refresh(entry)
    name = db.session.scalar(select(accounts.display_name_of(entry.user_id)))
    return {"meeting_id": meeting.id, "user_id": entry.user_id, "display_name": name, "checked_in_at": now}


# --- minutes and decisions -------------------------------------------------------------------------------


def save_minutes(actor, meeting_id: int, *, summary: str | None = None, items: list[dict], answers: list[dict]):
    """The committee writes the minutes once the meeting has begun: a decision per agenda item, the comments it
    answers (hearings), and an answer to each comment. Saving again replaces what was written, until published.

    :raises Conflict: ``meeting.not_started``, ``meeting.invalid_transition``
    :raises ValidationFailed: an item or comment of another meeting
    """
    meeting = _managed_meeting(actor, meeting_id)
    _lock_meeting(meeting.id)
    if meeting.status == "published":
        if meeting.starts_at > utcnow():
            raise Conflict("meeting.not_started")
        MEETING_STATES.move(meeting, "hold")
    elif meeting.status != "held":
        raise MEETING_STATES.refuse(meeting.status, "hold")
    by_id = {item.id: item for item in meeting.agenda}
    comments = {
        comment.id: comment
        for comment in db.session.scalars(select(HearingComment).where(HearingComment.meeting_id == meeting.id))
    }
    errors: dict = {}
    for index, entry in enumerate(items):
        if entry["item_id"] not in by_id:
            errors[f"items.{index}.item_id"] = ["an agenda item of this meeting"]
        for comment_id in entry.get("comment_ids") or []:
            if comment_id not in comments:
                errors[f"items.{index}.comment_ids"] = ["comments on this hearing"]
    for index, entry in enumerate(answers):
        if entry["comment_id"] not in comments:
            errors[f"answers.{index}.comment_id"] = ["a comment on this hearing"]
    if errors:
        raise ValidationFailed(errors)
    if summary is not None:
        meeting.minutes_summary = summary.strip()
    now = utcnow()
    for entry in items:
        item = by_id[entry["item_id"]]
        item.decision = entry["decision"].strip()
        if entry.get("comment_ids") is not None:
            for comment in comments.values():
                if comment.item_id == item.id:
                    comment.item_id = None
            for comment_id in entry["comment_ids"]:
                comments[comment_id].item_id = item.id
    for entry in answers:
        comment = comments[entry["comment_id"]]
        comment.answer = entry["answer"].strip()
        comment.answered_at = now if comment.answer else None
    db.session.flush()
    return get_meeting(actor, meeting.id)


def publish_minutes(actor, meeting_id: int) -> Meeting:
    """Publish the minutes: those who came or RSVPed and those who commented are told."""
    meeting = _managed_meeting(actor, meeting_id)
    MEETING_STATES.move(meeting, "minute")
    meeting.minuted_at = utcnow()
    db.session.flush()
    audit.record(actor, "meeting.minutes", "meeting", meeting.id, community_id=meeting.community_id)
    commenters = db.session.scalars(
        select(HearingComment.author_id).where(HearingComment.meeting_id == meeting.id).distinct()
    )
    notify(
        [*_rsvp_user_ids(meeting.id, ("going", "waitlisted")), *commenters],
        "meeting_minutes",
        {"meeting_id": meeting.id, "meeting_title": meeting.title},
        community_id=meeting.community_id,
        exclude=[actor.id],
    )
    return get_meeting(actor, meeting.id)


def _claim_decision(actor, meeting_id: int, item_id: int, column, already_code: str):
    """Claim an agenda item's decision for one follow-up (a poll or a task) before creating it.

    The claim is a conditional UPDATE from NULL to the placeholder 0, so two organisers clicking at once open
    one follow-up: the database decides, and the loser gets ``already_code``. Returns ``(meeting, item)``.
    """
    meeting = _managed_meeting(actor, meeting_id)
    if meeting.status not in ("held", "minuted"):
        raise MEETING_STATES.refuse(meeting.status, "minute")
    item = next((item for item in meeting.agenda if item.id == item_id), None)
    if item is None:
        raise ValidationFailed({"item_id": ["an agenda item of this meeting"]})
    if not item.decision:
        raise Conflict("meeting.no_decision")
    claimed = db.session.execute(
        update(AgendaItem)
        .where(AgendaItem.id == item.id, column.is_(None))
        .values({column.key: 0})
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict(already_code)
    return meeting, item


def _settle_claim(item: AgendaItem, column, follow_up_id: int) -> None:
    """Replace the claim's placeholder with the follow-up's id (the item is re-read on next access)."""
    db.session.execute(
        update(AgendaItem)
        .where(AgendaItem.id == item.id)
        .values({column.key: follow_up_id})
        .execution_options(synchronize_session=False)
    )
    db.session.expire(item)


def decision_to_poll(actor, meeting_id: int, *, item_id: int, opens_at: datetime, closes_at: datetime, **fields):
    """One step from an agenda item's decision to a yes/no poll on it (through voting), once per item.

    :raises Conflict: ``meeting.no_decision``, ``meeting.poll_already_opened``, ``meeting.invalid_transition``
    """
    meeting, item = _claim_decision(actor, meeting_id, item_id, AgendaItem.poll_id, "meeting.poll_already_opened")
    poll = voting.create_poll(
        actor,
        meeting.community_id,
        title=(fields.get("title") or item.title)[:120],
        method="yes_no",
        opens_at=opens_at,
        closes_at=closes_at,
        description=f"{meeting.title} · {item.title}\n\n{item.decision}"[:5000],
    )
    _settle_claim(item, AgendaItem.poll_id, poll.id)
    audit.record(
        actor, "meeting.to_poll", "meeting", meeting.id, community_id=meeting.community_id, after={"poll_id": poll.id}
    )
    return {"poll_id": poll.id, "meeting": get_meeting(actor, meeting.id)}


# Agenda links a task may carry besides the meeting itself (the ledger's kinds).
TASK_LINK_KINDS = ("project", "report", "poll")


def decision_to_task(actor, meeting_id: int, *, item_id: int, owner_id: int, due_on: date, title: str | None = None):
    """One step from an agenda item's decision to a task in the ledger (through tasks), once per item: the task
    links back to the meeting and to what the item is about.

    :raises Conflict: ``meeting.no_decision``, ``meeting.task_already_opened``, ``meeting.invalid_transition``
    :raises ValidationFailed: an owner who is no verified member, a past due date (the ledger's rules)
    """
    meeting, item = _claim_decision(actor, meeting_id, item_id, AgendaItem.task_id, "meeting.task_already_opened")
    links = [(item.link_kind, item.link_id)] if item.link_kind in TASK_LINK_KINDS else []
    task = tasks.create_task(
        actor,
        meeting.community_id,
        title=(title or item.title)[:120],
        description=f"{meeting.title} · {item.title}\n\n{item.decision}"[:5000],
        owner_id=owner_id,
        due_on=due_on,
        links=links,
        source=("meeting", meeting.id),
    )
    _settle_claim(item, AgendaItem.task_id, task.id)
    audit.record(
        actor, "meeting.to_task", "meeting", meeting.id, community_id=meeting.community_id, after={"task_id": task.id}
    )
    return {"task_id": task.id, "meeting": get_meeting(actor, meeting.id)}


# --- hearing comments ----------------------------------------------------------------------------------


def hearing_comment_visible(actor, comment: HearingComment) -> bool:
    meeting = db.session.get(Meeting, comment.meeting_id)
    if meeting is None or not can_see(actor, meeting):
        return False
    return not comment.is_hidden or access.sees_hidden(actor, comment.author_id, meeting.community_id)


def list_hearing_comments(actor, meeting_id: int, *, limit: int, cursor: str | None) -> Page:
    """A hearing's comments, oldest first, with the committee's answers (hidden ones: their author and staff)."""
    meeting = _visible_meeting(actor, meeting_id)
    stmt = select(HearingComment).where(
        HearingComment.meeting_id == meeting.id,
        access.unhidden_or_own(actor, meeting.community_id, HearingComment.is_hidden, HearingComment.author_id),
    )
    page = paginate(stmt, [SortKey(HearingComment.id)], limit=limit, cursor=cursor)
    ids = [comment.id for comment in page.items]
    names = dict(
        db.session.execute(
            select(HearingComment.id, accounts.display_name_of(HearingComment.author_id)).where(
                HearingComment.id.in_(ids)
            )
        ).all()
    )
    for comment in page.items:
        comment.author_name = names.get(comment.id)
    return page


def post_hearing_comment(actor, meeting_id: int, *, body: str) -> HearingComment:
    """A known member comments on a hearing during its comment period (a filtered word holds it for review).

    :raises Conflict: ``meeting.not_a_hearing``, ``meeting.comments_closed``
    """
    access.require_user(actor)
    meeting = _visible_meeting(actor, meeting_id)
    access.require_known(actor, meeting.community_id)
    if meeting.kind != "hearing":
        raise Conflict("meeting.not_a_hearing")
    if not comments_open(meeting, utcnow()):
        raise Conflict("meeting.comments_closed")
    body = body.strip()
    if not body:
        raise ValidationFailed({"body": ["must not be empty"]})
    comment = HearingComment(meeting_id=meeting.id, author_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    moderation.hold_if_filtered("hearing_comment", comment, body)
    comment.author_name = actor.display_name
    return comment
