"""Volunteering rules: organisations and admins, activities and shifts, sign-ups with a waitlist,
check-in and hours, the volunteer record, recruitment.

Capacity is the database's job: a sign-up takes a place with
``UPDATE shifts SET confirmed_count = confirmed_count + 1 WHERE id = :id AND confirmed_count < capacity``
and the rowcount decides confirmed or waitlisted; (shift_id, user_id) is unique. The shift row is
locked first (FOR UPDATE on PostgreSQL; SQLite write transactions are already serial), so a sign-up
and a cancellation of the same shift never interleave.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, distinct, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from backend.accounts import services as accounts
from backend.audit import services as audit
from backend.communities import access, assisted
from backend.communities import services as communities
from backend.core import actors
from backend.core.db import utcnow
from backend.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    ValidationFailed,
    register_field_messages,
    register_messages,
)
from backend.core.pagination import Page, SortKey, paginate
from backend.core.places import Places
from backend.extensions import db
from backend.moderation import services as moderation
from backend.notifications.services import notify
from backend.projects import services as projects
from backend.volunteering.models import (
    ORGANISATION_STATES,
    SIGNUP_STATES,
    Activity,
    ActivityGrid,
    Organisation,
    OrganisationAdmin,
    RecruitmentMessage,
    Shift,
    ShiftSignup,
    VolunteerProfile,
    VolunteerSkill,
)

register_field_messages({"wrong code": "签到码不对，请核对后再输入。"})
register_messages(
    "volunteering",
    {
        "organisation_name_taken": {
            "zh-CN": ("名称已被使用", "本社区已有同名组织。"),
            "en": ("Name taken", "An organisation with this name already exists in this community."),
        },
        "organisation_not_verified": {
            "zh-CN": ("组织尚未认证", "居委会认证组织后才能发布活动。"),
            "en": ("Organisation not verified", "The committee must verify the organisation before it can publish."),
        },
        "already_admin": {
            "zh-CN": ("已是管理员", "此人已是该组织的管理员。"),
            "en": ("Already an admin", "This person already runs this organisation."),
        },
        "not_verified": {
            "zh-CN": ("尚未认证", "该成员需要先通过认证。"),
            "en": ("Not verified", "This member must be verified first."),
        },
        "shift_started": {
            "zh-CN": ("班次已开始", "班次已经开始或结束，不能再报名或取消。"),
            "en": ("Shift started", "This shift has started or ended; sign-ups and cancellations are closed."),
        },
        "already_signed_up": {
            "zh-CN": ("已经报名", "你已经报名了这个班次。"),
            "en": ("Already signed up", "You are already signed up for this shift."),
        },
        "not_signed_up": {
            "zh-CN": ("未报名", "你没有报名这个班次。"),
            "en": ("Not signed up", "You are not signed up for this shift."),
        },
        "not_confirmed": {
            "zh-CN": ("尚未确认", "只有已确认的志愿者才能签到或记录时长。"),
            "en": ("Not confirmed", "Only confirmed volunteers can check in or have hours."),
        },
        "checkin_closed": {
            "zh-CN": ("不在签到时间", "签到时间为班次开始前 30 分钟至班次结束。"),
            "en": ("Check-in closed", "Check-in is open from 30 minutes before the shift starts until it ends."),
        },
        "wrong_checkin_code": {
            "zh-CN": ("签到码不正确", "请核对现场展示的签到码。"),
            "en": ("Wrong check-in code", "Please check the code shown at the activity."),
        },
        "already_checked_in": {
            "zh-CN": ("已签到", "你已经签到过了。"),
            "en": ("Already checked in", "You have already checked in."),
        },
        "recruitment_already_sent": {
            "zh-CN": ("今天已发送", "每个活动每天只能发送一次招募通知。"),
            "en": ("Already sent today", "One recruitment notification per activity per day."),
        },
        "project_not_open_for_volunteers": {
            "zh-CN": ("项目不招志愿者", "只有已通过且需要志愿者的微项目才能发起活动。"),
            "en": (
                "Project not recruiting",
                "Only an approved micro-project that needs volunteers can open an activity.",
            ),
        },
    },
)

CHECKIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a poster without mistakes
CHECKIN_LENGTH = 6
CHECKIN_EARLY = timedelta(minutes=30)
MAX_SHIFT = timedelta(hours=24)
PROJECT_STATUSES_WITH_VOLUNTEERS = ("approved", "in_progress")
# What a viewer may do (`can`) with an activity, one of its shifts, an organisation.
ACTIVITY_ACTIONS = ("manage", "comment")
SHIFT_ACTIONS = ("sign_up", "cancel", "check_in")
ORGANISATION_ACTIONS = ("manage", "verify")


# --- helpers ------------------------------------------------------------------------------------


def new_checkin_code() -> str:
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_LENGTH))


def normalise_skills(skills) -> list[str]:
    """Trimmed, lower-case, unique, order kept: "急救 " and "急救" are one skill."""
    seen: dict[str, None] = {}
    for skill in skills or []:
        cleaned = " ".join(str(skill).split()).lower()[:30]
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


def _org_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    return organisation


def is_org_admin(user_id: int | None, organisation_id: int | None) -> bool:
    if user_id is None or organisation_id is None:
        return False
    return (
        db.session.scalar(
            select(OrganisationAdmin.id).where(
                OrganisationAdmin.organisation_id == organisation_id, OrganisationAdmin.user_id == user_id
            )
        )
        is not None
    )


def _require_org_admin(actor, organisation: Organisation) -> None:
    access.require_verified(actor, organisation.community_id)
    if not is_org_admin(actor.id, organisation.id):
        raise Forbidden(reason="org_admin_only")


def can_manage(actor, activity: Activity) -> bool:
    """Organisation admins (or, for a project's activity, whoever opened it) and the committee."""
    if not actors.is_signed_in(actor):
        return False
    if access.is_committee(actor, activity.community_id):
        return True
    if activity.organisation_id is not None:
        return is_org_admin(actor.id, activity.organisation_id)
    return activity.created_by_id == actor.id


def _require_manager(actor, activity: Activity) -> None:
    access.require_verified(actor, activity.community_id)
    if not can_manage(actor, activity):
        raise Forbidden(reason="org_admin_only")


def can_see_organisation(actor, organisation: Organisation, *, hidden_too: bool = False) -> bool:
    """Verified organisations are public; a pending one only for its admins and the committee, and so is a
    profile hidden by moderation (unless `hidden_too`: its activities follow their own rule)."""
    if organisation.is_verified and (hidden_too or not organisation.is_hidden):
        return True
    return actors.is_signed_in(actor) and (
        is_org_admin(actor.id, organisation.id) or access.is_committee(actor, organisation.community_id)
    )


def _visible_organisation(actor, organisation: Organisation) -> Organisation:
    """Verified organisations are public; a pending one only for its admins and the committee."""
    if not can_see_organisation(actor, organisation, hidden_too=True):
        raise NotFound()
    return organisation


def _sees_hidden_activity(actor, activity: Activity) -> bool:
    """A hidden activity is seen by its creator, the people who manage it and the committee."""
    return actors.actor_id(actor) == activity.created_by_id or can_manage(actor, activity)


def _hidden_activity_filter(actor, community_id: int):
    """SQL condition for lists: hidden activities only for their creator (the committee sees all)."""
    return access.unhidden_or_own(actor, community_id, Activity.is_hidden, Activity.created_by_id)


def _local_today() -> date:
    return datetime.now(ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE", "Asia/Shanghai"))).date()


# --- organisations ------------------------------------------------------------------------------


def create_organisation(
    actor, community_id: int, *, name: str, kind: str = "volunteer_group", description: str = ""
) -> Organisation:
    """A verified resident registers an organisation; it is pending until the committee verifies it.

    :raises Conflict: ``volunteering.organisation_name_taken``
    """
    access.require_verified(actor, community_id)
    organisation = Organisation(
        community_id=community_id,
        name=name.strip(),
        kind=kind,
        description=description.strip(),
        status="pending",
        created_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(organisation)
            db.session.flush()
    except IntegrityError:
        raise Conflict("volunteering.organisation_name_taken") from None
    db.session.add(OrganisationAdmin(organisation_id=organisation.id, user_id=actor.id))
    db.session.flush()
    moderation.hold_if_filtered("organisation", organisation, organisation.name, organisation.description)
    notify(
        communities.committee_member_ids(community_id),
        "organisation_pending",
        {"organisation_id": organisation.id, "name": organisation.name},
        community_id=community_id,
    )
    return present_organisations(actor, [organisation])[0]


def present_organisations(actor, organisations: list[Organisation]) -> list[Organisation]:
    """What this viewer sees of the organisations besides their columns: admins, whether they are one, `can`."""
    for organisation in organisations:
        organisation.admins = [
            a.user
            for a in db.session.scalars(
                select(OrganisationAdmin)
                .where(OrganisationAdmin.organisation_id == organisation.id)
                .order_by(OrganisationAdmin.id)
            )
        ]
        organisation.is_admin = actors.is_signed_in(actor) and any(u.id == actor.id for u in organisation.admins)
        organisation.can = {
            "manage": organisation.is_admin,
            "verify": (
                ORGANISATION_STATES.allows(organisation, "verify")
                and access.is_committee(actor, organisation.community_id)
            ),
        }
    return organisations


def list_organisations(
    actor, community_id: int, *, status: str | None = None, limit: int = 20, cursor: str | None = None
) -> Page:
    """Verified organisations for anyone; pending ones for the committee (its verification queue)."""
    communities.get_community(community_id)
    status = status or "verified"
    if status != "verified":
        access.require_committee(actor, community_id)
    stmt = select(Organisation).where(Organisation.community_id == community_id, Organisation.status == status)
    if not access.is_committee(actor, community_id):  # hidden profiles: only for their admins
        mine = select(OrganisationAdmin.organisation_id).where(OrganisationAdmin.user_id == actors.actor_id(actor))
        stmt = stmt.where(or_(Organisation.is_hidden.is_(False), Organisation.id.in_(mine)))
    page = paginate(stmt, [SortKey(Organisation.id)], limit=limit, cursor=cursor)
    present_organisations(actor, page.items)
    return page


def my_organisations(actor) -> list[Organisation]:
    access.require_user(actor)
    found = db.session.scalars(
        select(Organisation)
        .join(OrganisationAdmin, OrganisationAdmin.organisation_id == Organisation.id)
        .where(OrganisationAdmin.user_id == actor.id)
        .order_by(Organisation.id)
    )
    return present_organisations(actor, list(found))


def get_organisation(actor, organisation_id: int) -> Organisation:
    organisation = _org_or_404(organisation_id)
    if not can_see_organisation(actor, organisation):
        raise NotFound()
    return present_organisations(actor, [organisation])[0]


def verify_organisation(actor, organisation_id: int) -> Organisation:
    """The committee verifies an organisation: it may now publish activities. Audited.

    :raises Conflict: ``organisation.invalid_transition``
    """
    organisation = _org_or_404(organisation_id)
    access.require_committee(actor, organisation.community_id)
    ORGANISATION_STATES.move(organisation, "verify")
    organisation.verified_at, organisation.verified_by_id = utcnow(), actor.id
    admin_ids = list(
        db.session.scalars(
            select(OrganisationAdmin.user_id).where(OrganisationAdmin.organisation_id == organisation.id)
        )
    )
    for user_id in admin_ids:
        communities.mark_org_admin(organisation.community_id, user_id)
    db.session.flush()
    audit.record(
        actor,
        "organisation.verify",
        "organisation",
        organisation.id,
        community_id=organisation.community_id,
        before={"status": "pending"},
        after={"status": "verified"},
    )
    notify(
        admin_ids,
        "organisation_verified",
        {"organisation_id": organisation.id, "name": organisation.name},
        community_id=organisation.community_id,
    )
    return present_organisations(actor, [organisation])[0]


def add_admin(actor, organisation_id: int, user_id: int) -> Organisation:
    """An admin adds a verified member of the community as another admin.

    :raises Conflict: ``volunteering.not_verified``, ``volunteering.already_admin``
    """
    organisation = _org_or_404(organisation_id)
    _require_org_admin(actor, organisation)
    user = accounts.get_user(user_id)
    member = access.membership(user, organisation.community_id) if user else None
    if member is None:
        raise NotFound()
    if not member.is_verified:
        raise Conflict("volunteering.not_verified")
    try:
        with db.session.begin_nested():
            db.session.add(OrganisationAdmin(organisation_id=organisation.id, user_id=user_id))
            db.session.flush()
    except IntegrityError:
        raise Conflict("volunteering.already_admin") from None
    if organisation.is_verified:
        communities.mark_org_admin(organisation.community_id, user_id)
    db.session.flush()
    notify(
        [user_id],
        "organisation_admin_added",
        {"organisation_id": organisation.id, "name": organisation.name},
        community_id=organisation.community_id,
    )
    return present_organisations(actor, [organisation])[0]


# --- activities and shifts ----------------------------------------------------------------------


def _validated_shifts(shifts: list[dict]) -> list[dict]:
    now = utcnow()
    for index, shift in enumerate(shifts):
        starts_at, ends_at = shift["starts_at"], shift["ends_at"]
        if ends_at <= starts_at:
            raise ValidationFailed({"shifts": {index: {"ends_at": ["must be after starts_at"]}}})
        if ends_at - starts_at > MAX_SHIFT:
            raise ValidationFailed({"shifts": {index: {"ends_at": ["a shift lasts at most 24 hours"]}}})
        if ends_at <= now:
            raise ValidationFailed({"shifts": {index: {"ends_at": ["must be in the future"]}}})
    return shifts


def _build_activity(
    actor,
    community_id: int,
    *,
    organisation_id: int | None,
    project_id: int | None,
    title: str,
    description: str,
    location: str,
    skills,
    grid_ids,
    shifts: list[dict],
    lat: float | None = None,
    lng: float | None = None,
) -> Activity:
    if (lat is None) != (lng is None):
        raise ValidationFailed({"lat": ["give both lat and lng"], "lng": ["give both lat and lng"]})
    grids = [communities.grid_in_community(community_id, gid, "grid_ids") for gid in dict.fromkeys(grid_ids or [])]
    shifts = _validated_shifts(shifts)
    activity = Activity(
        community_id=community_id,
        organisation_id=organisation_id,
        project_id=project_id,
        title=title.strip(),
        description=description.strip(),
        location=location.strip(),
        lat=lat,
        lng=lng,
        skills=normalise_skills(skills),
        created_by_id=actor.id,
        starts_at=min(s["starts_at"] for s in shifts),
        ends_at=max(s["ends_at"] for s in shifts),
        grids=[ActivityGrid(grid_id=g.id) for g in grids],
    )
    activity.shifts = [
        Shift(
            starts_at=s["starts_at"],
            ends_at=s["ends_at"],
            capacity=s["capacity"],
            confirmed_count=0,
            checkin_code=new_checkin_code(),
        )
        for s in shifts
    ]
    db.session.add(activity)
    db.session.flush()
    moderation.hold_if_filtered("activity", activity, activity.title, activity.description, activity.location)
    return present(actor, [activity])[0]


def create_activity(actor, organisation_id: int, **fields) -> Activity:
    """An admin of a VERIFIED organisation publishes an activity with its shifts.

    :raises Conflict: ``volunteering.organisation_not_verified``
    """
    organisation = _org_or_404(organisation_id)
    _require_org_admin(actor, organisation)
    if not organisation.is_verified:
        raise Conflict("volunteering.organisation_not_verified")
    return _build_activity(actor, organisation.community_id, organisation_id=organisation.id, project_id=None, **fields)


def create_project_activity(actor, project_id: int, **fields) -> Activity:
    """An approved micro-project that asks for volunteers opens an activity (committee or the project's author).

    :raises Conflict: ``volunteering.project_not_open_for_volunteers``
    """
    project = projects.get_project(project_id)
    access.require_verified(actor, project.community_id)
    if actor.id != project.author_id and not access.is_committee(actor, project.community_id):
        raise Forbidden(reason="author_or_committee")
    if project.status not in PROJECT_STATUSES_WITH_VOLUNTEERS or not project.volunteers_needed:
        raise Conflict("volunteering.project_not_open_for_volunteers")
    return _build_activity(actor, project.community_id, organisation_id=None, project_id=project.id, **fields)


def project_volunteers(project_id: int) -> dict:
    """What a project's activities gathered: volunteers (confirmed, distinct) and hours recorded."""
    activity_ids = select(Activity.id).where(Activity.project_id == project_id)
    shift_ids = select(Shift.id).where(Shift.activity_id.in_(activity_ids))
    confirmed = (ShiftSignup.shift_id.in_(shift_ids), ShiftSignup.status == "confirmed")
    volunteers, minutes = db.session.execute(
        select(func.count(distinct(ShiftSignup.user_id)), func.coalesce(func.sum(ShiftSignup.minutes), 0)).where(
            *confirmed
        )
    ).one()
    activities = db.session.scalar(select(func.count()).select_from(Activity).where(Activity.project_id == project_id))
    return {
        "project_id": project_id,
        "activities": activities,
        "volunteers": volunteers,
        "hours": round(minutes / 60, 2),
    }


def present(actor, activities: list[Activity]) -> list[Activity]:
    """What this viewer sees of the activities besides their columns: `can` of each, and on each shift the
    waitlist, their own sign-up (with waitlist position) and `can`."""
    _present_shifts(actor, [shift for activity in activities for shift in activity.shifts])
    manages = _manages(actor, activities)
    for activity in activities:
        member = access.membership(actor, activity.community_id)
        activity.can = {"manage": manages[activity.id], "comment": member is not None and member.status != "suspended"}
    return activities


def _present_shifts(actor, shifts: list[Shift]) -> None:
    ids = [s.id for s in shifts]
    waiting = dict(
        db.session.execute(
            select(ShiftSignup.shift_id, func.count())
            .where(ShiftSignup.shift_id.in_(ids), ShiftSignup.status == "waitlisted")
            .group_by(ShiftSignup.shift_id)
        ).all()
    )
    mine = {}
    if actors.is_signed_in(actor) and ids:
        mine = {
            s.shift_id: s
            for s in db.session.scalars(
                select(ShiftSignup).where(
                    ShiftSignup.shift_id.in_(ids), ShiftSignup.user_id == actor.id, ShiftSignup.status != "cancelled"
                )
            )
        }
    _set_waitlist_positions(list(mine.values()))
    now = utcnow()
    for shift in shifts:
        shift.waitlist_count = waiting.get(shift.id, 0)
        shift.my_signup = mine.get(shift.id)
        shift.can = shift_abilities(actor, shift, now)


def shift_abilities(actor, shift: Shift, now) -> dict[str, bool]:
    """`can` of a shift whose viewer's sign-up is attached (`my_signup`)."""
    member = access.membership(actor, shift.activity.community_id)
    mine, upcoming = shift.my_signup, now < shift.starts_at
    return {
        "sign_up": member is not None and member.is_known and upcoming and mine is None,
        "cancel": mine is not None and upcoming,
        "check_in": (
            mine is not None
            and mine.status == "confirmed"
            and mine.checked_in_at is None
            and shift.starts_at - CHECKIN_EARLY <= now <= shift.ends_at
        ),
    }


def list_community_activities(
    actor,
    community_id: int,
    *,
    grid_id: int | None = None,
    organisation_id: int | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Page:
    """Upcoming activities (not yet ended), soonest first; `grid_id` keeps community-wide ones and that grid's."""
    communities.get_community(community_id)
    stmt = (
        select(Activity)
        .outerjoin(Organisation, Organisation.id == Activity.organisation_id)
        .where(
            Activity.community_id == community_id,
            Activity.ends_at > utcnow(),
            or_(Activity.organisation_id.is_(None), Organisation.status == "verified"),
            _hidden_activity_filter(actor, community_id),
        )
    )
    if grid_id:
        stmt = stmt.where(or_(~Activity.grids.any(), Activity.grids.any(ActivityGrid.grid_id == grid_id)))
    if organisation_id:
        stmt = stmt.where(Activity.organisation_id == organisation_id)
    page = paginate(stmt, [SortKey(Activity.starts_at), SortKey(Activity.id)], limit=limit, cursor=cursor)
    present(actor, page.items)
    return page


def list_organisation_activities(actor, organisation_id: int, *, limit: int = 20, cursor: str | None = None) -> Page:
    """All activities of an organisation, newest first (past ones included: its record)."""
    organisation = _visible_organisation(actor, _org_or_404(organisation_id))
    stmt = select(Activity).where(Activity.organisation_id == organisation.id)
    if not (is_org_admin(actors.actor_id(actor), organisation.id)):  # its admins manage hidden ones too
        stmt = stmt.where(_hidden_activity_filter(actor, organisation.community_id))
    page = paginate(
        stmt,
        [SortKey(Activity.starts_at, descending=True), SortKey(Activity.id, descending=True)],
        limit=limit,
        cursor=cursor,
    )
    present(actor, page.items)
    return page


def _manages(actor, activities: list[Activity]) -> dict[int, bool]:
    """{activity id: whether the actor manages it} for a whole page in two lookups (committee per community,
    admin rights in one query): the rule of can_manage without a query per row."""
    if not actors.is_signed_in(actor):
        return dict.fromkeys((a.id for a in activities), False)
    committee_of = {cid: access.is_committee(actor, cid) for cid in {a.community_id for a in activities}}
    organisation_ids = {
        a.organisation_id for a in activities if a.organisation_id is not None and not committee_of[a.community_id]
    }
    admin_of = (
        set(
            db.session.scalars(
                select(OrganisationAdmin.organisation_id).where(
                    OrganisationAdmin.user_id == actor.id, OrganisationAdmin.organisation_id.in_(organisation_ids)
                )
            )
        )
        if organisation_ids
        else set()
    )
    return {
        activity.id: (
            committee_of[activity.community_id]
            if committee_of[activity.community_id]
            else activity.organisation_id in admin_of
            if activity.organisation_id is not None
            else activity.created_by_id == actor.id
        )
        for activity in activities
    }


def can_see_activity(actor, activity: Activity) -> bool:
    """Anyone sees an activity of a verified organisation (or of a project); a hidden one only its creator,
    the people who manage it and the committee."""
    if activity.organisation is not None and not can_see_organisation(actor, activity.organisation, hidden_too=True):
        return False
    return not activity.is_hidden or _sees_hidden_activity(actor, activity)


def _activity_or_404(actor, activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or not can_see_activity(actor, activity):
        raise NotFound()
    return activity


def get_activity(actor, activity_id: int) -> Activity:
    return present(actor, [_activity_or_404(actor, activity_id)])[0]


def _shift_or_404(shift_id: int) -> Shift:
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise NotFound()
    return shift


# A shift's places: confirmed_count of capacity, sign-ups confirmed or waiting (backend/core/places.py holds the rules).
PLACES = Places(
    Shift, Shift.confirmed_count, Shift.capacity, ShiftSignup, ShiftSignup.shift_id, SIGNUP_STATES, "confirmed_at"
)


def _lock_shift(shift_id: int) -> Shift:
    """Serialise sign-ups and cancellations of one shift (row lock on PostgreSQL; SQLite is serial already)."""
    shift = PLACES.lock(shift_id)
    if shift is None:
        raise NotFound()
    return shift


# --- sign-ups -----------------------------------------------------------------------------------


def waitlist_position(signup: ShiftSignup) -> int | None:
    """1 for the first in line; None unless waitlisted. Order: when they joined the queue, then id."""
    if signup.status != "waitlisted":
        return None
    return PLACES.positions([signup.shift_id], [signup.id]).get(signup.id)


def _set_waitlist_positions(signups: list[ShiftSignup]) -> None:
    """`position` (as waitlist_position) for many sign-ups in one query: rank within each shift's waitlist."""
    waiting = [signup for signup in signups if signup.status == "waitlisted"]
    positions = PLACES.positions({signup.shift_id for signup in waiting}, [signup.id for signup in waiting])
    for signup in signups:
        signup.position = positions.get(signup.id) if signup.status == "waitlisted" else None


def sign_up(actor, shift_id: int, *, on_behalf_of: int | None = None) -> ShiftSignup:
    """A known resident (invited or verified) signs up: confirmed while places remain, otherwise waitlisted. Staff
    may sign a resident up in person (`on_behalf_of`): the place is the resident's, the sign-up keeps who entered
    it (`entered_by_id`, shown to organisers) and the audit log says so.

    :raises Conflict: ``volunteering.shift_started``, ``volunteering.already_signed_up``
    :raises Forbidden: acting for someone without being the committee or their grid's worker
    :raises NotFound: acting for someone who is no verified member of the shift's community
    """
    shift = _shift_or_404(shift_id)
    activity = shift.activity
    actor, entered_by = assisted.acting_as(actor, activity.community_id, on_behalf_of)
    access.require_known(actor, activity.community_id)
    if activity.organisation is not None and not activity.organisation.is_verified:
        raise NotFound()
    if activity.is_hidden and not _sees_hidden_activity(actor, activity):
        raise NotFound()
    _lock_shift(shift.id)
    now = utcnow()
    if shift.starts_at <= now:
        raise Conflict("volunteering.shift_started")
    previous = db.session.scalar(
        select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, ShiftSignup.user_id == actor.id)
    )
    if previous is not None and previous.status != "cancelled":
        raise Conflict("volunteering.already_signed_up")
    try:
        with db.session.begin_nested():  # the place and the row stand or fall together
            took_place = PLACES.take(shift.id)
            fields = {
                "queued_at": now,
                "confirmed_at": now if took_place else None,
                "cancelled_at": None,
                "checked_in_at": None,
                "minutes": None,
                "hours_reason": None,
                "entered_by_id": entered_by.id if entered_by else None,
            }
            if previous is not None:  # back after cancelling: a fresh place in the queue, same row
                for name, value in fields.items():
                    setattr(previous, name, value)
                signup = previous
            else:
                signup = ShiftSignup(shift_id=shift.id, user_id=actor.id, **fields)
                db.session.add(signup)
            SIGNUP_STATES.move(signup, "join", to="confirmed" if took_place else "waitlisted")
            db.session.flush()
    except IntegrityError:  # the same person twice at once (two taps): the unique key decides
        raise Conflict("volunteering.already_signed_up") from None
    db.session.refresh(shift)
    signup.position = waitlist_position(signup)
    if entered_by is not None:
        audit.record(
            entered_by,
            "volunteering.signed_up_on_behalf",
            "shift",
            shift.id,
            community_id=activity.community_id,
            after={"user_id": actor.id, "signup_id": signup.id, "status": signup.status},
        )
    return signup


def cancel_signup(actor, shift_id: int, *, on_behalf_of: int | None = None) -> None:
    """The volunteer cancels; a confirmed place passes to the first waitlisted person, who is told. Staff may cancel
    a resident's sign-up at the resident's word (`on_behalf_of`, the same people who may sign them up): audited.
    Staff are not shown the resident's sign-ups: one the resident does not have is a 404, nothing changed.

    :raises Conflict: ``volunteering.shift_started``
    :raises Forbidden: acting for someone without being the committee or their grid's worker
    :raises NotFound: no such sign-up; acting for someone who is no verified member of the shift's community
    """
    access.require_user(actor)
    entered_by = None
    if on_behalf_of is not None:
        actor, entered_by = assisted.acting_as(actor, _shift_or_404(shift_id).activity.community_id, on_behalf_of)
    shift = _lock_shift(shift_id)
    signup = db.session.scalar(
        select(ShiftSignup).where(
            ShiftSignup.shift_id == shift.id, ShiftSignup.user_id == actor.id, ShiftSignup.status != "cancelled"
        )
    )
    if signup is None:
        raise NotFound()
    if shift.starts_at <= utcnow():
        raise Conflict("volunteering.shift_started")
    was_confirmed = signup.status == "confirmed"
    SIGNUP_STATES.move(signup, "cancel")
    signup.cancelled_at = utcnow()
    db.session.flush()
    if entered_by is not None:
        audit.record(
            entered_by,
            "volunteering.cancelled_on_behalf",
            "shift",
            shift.id,
            community_id=shift.activity.community_id,
            after={"user_id": actor.id, "signup_id": signup.id},
        )
    if was_confirmed:
        _pass_place_on(shift)


def _pass_place_on(shift: Shift) -> ShiftSignup | None:
    """Promote the first waitlisted person into the freed place, or give the place back to the shift."""
    while True:
        first = PLACES.first_waiting(shift.id)
        if first is None:
            PLACES.give_back(shift.id)
            db.session.refresh(shift)
            return None
        if PLACES.promote(first):
            activity = shift.activity
            notify(
                [first.user_id],
                "volunteer_promoted",
                {
                    "activity_id": activity.id,
                    "shift_id": shift.id,
                    "title": activity.title,
                    "starts_at": shift.starts_at.isoformat(),
                },
                community_id=activity.community_id,
            )
            return first


def list_shift_signups(actor, shift_id: int, *, limit: int = 100, cursor: str | None = None) -> Page:
    """Sign-ups of a shift for its managers: status, waitlist position, check-in, hours."""
    shift = _shift_or_404(shift_id)
    _require_manager(actor, shift.activity)
    stmt = select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, ShiftSignup.status != "cancelled")
    page = paginate(stmt, [SortKey(ShiftSignup.id)], limit=limit, cursor=cursor)
    queue = list(
        db.session.scalars(
            select(ShiftSignup.id)
            .where(ShiftSignup.shift_id == shift.id, ShiftSignup.status == "waitlisted")
            .order_by(ShiftSignup.queued_at, ShiftSignup.id)
        )
    )
    positions = {signup_id: index + 1 for index, signup_id in enumerate(queue)}
    for signup in page.items:
        signup.position = positions.get(signup.id)
    return page


# --- check-in and hours ---------------------------------------------------------------------------


def checkin_code(actor, shift_id: int) -> dict:
    """The code managers show at the activity (the PWA draws it as a QR code too)."""
    shift = _shift_or_404(shift_id)
    _require_manager(actor, shift.activity)
    return {
        "shift_id": shift.id,
        "code": shift.checkin_code,
        "opens_at": shift.starts_at - CHECKIN_EARLY,
        "closes_at": shift.ends_at,
    }


def check_in(actor, shift_id: int, *, code: str) -> ShiftSignup:
    """A confirmed volunteer checks in with the shift's code, from 30 min before start until the end.
    The hours recorded are the shift's length (managers may correct them).

    :raises Conflict: ``volunteering.not_signed_up``, ``volunteering.not_confirmed``,
        ``volunteering.checkin_closed``, ``volunteering.already_checked_in``
    :raises ValidationFailed: ``volunteering.wrong_checkin_code``
    """
    shift = _shift_or_404(shift_id)
    access.require_known(actor, shift.activity.community_id)
    signup = db.session.scalar(
        select(ShiftSignup).where(
            ShiftSignup.shift_id == shift.id, ShiftSignup.user_id == actor.id, ShiftSignup.status != "cancelled"
        )
    )
    if signup is None:
        raise Conflict("volunteering.not_signed_up")
    if signup.status != "confirmed":
        raise Conflict("volunteering.not_confirmed")
    now = utcnow()
    if not shift.starts_at - CHECKIN_EARLY <= now <= shift.ends_at:
        raise Conflict("volunteering.checkin_closed")
    if signup.checked_in_at is not None:
        raise Conflict("volunteering.already_checked_in")
    if "".join(code.split()).upper() != shift.checkin_code:
        raise ValidationFailed({"code": ["wrong code"]}, code="volunteering.wrong_checkin_code")
    signup.checked_in_at, signup.minutes = now, shift.minutes
    db.session.flush()
    signup.position = None
    return signup


def correct_hours(actor, signup_id: int, *, hours: float, reason: str) -> ShiftSignup:
    """A manager sets a volunteer's hours with a reason (audited; the volunteer is told).

    :raises Conflict: ``volunteering.not_confirmed``
    """
    signup = db.session.get(ShiftSignup, signup_id)
    if signup is None:
        raise NotFound()
    activity = signup.shift.activity
    _require_manager(actor, activity)
    if signup.status != "confirmed":
        raise Conflict("volunteering.not_confirmed")
    before = {"hours": None if signup.minutes is None else round(signup.minutes / 60, 2)}
    signup.minutes, signup.hours_reason = round(hours * 60), reason.strip()
    db.session.flush()
    audit.record(
        actor,
        "signup.correct_hours",
        "shift_signup",
        signup.id,
        community_id=activity.community_id,
        reason=reason,
        before=before,
        after={"hours": round(signup.minutes / 60, 2)},
    )
    notify(
        [signup.user_id],
        "volunteer_hours_corrected",
        {"activity_id": activity.id, "title": activity.title, "hours": round(signup.minutes / 60, 2)},
        community_id=activity.community_id,
    )
    signup.position = None
    return signup


# --- the volunteer's record -----------------------------------------------------------------------


def my_volunteering(actor, *, limit: int = 20, cursor: str | None = None) -> dict:
    """My total hours, how many shifts and activities, and my sign-ups (newest first)."""
    access.require_user(actor)
    mine = (ShiftSignup.user_id == actor.id, ShiftSignup.status == "confirmed")
    # One aggregate: activities count only shifts with recorded minutes, as count(minutes) does.
    minutes, shifts_done, activities = db.session.execute(
        select(
            func.coalesce(func.sum(ShiftSignup.minutes), 0),
            func.count(ShiftSignup.minutes),
            func.count(distinct(case((ShiftSignup.minutes.is_not(None), Shift.activity_id)))),
        )
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(*mine)
    ).one()
    page = paginate(
        select(ShiftSignup).where(ShiftSignup.user_id == actor.id, ShiftSignup.status != "cancelled"),
        [SortKey(ShiftSignup.id, descending=True)],
        limit=limit,
        cursor=cursor,
    )
    # The page's activities in one query (shift.activity then resolves from the identity map); their
    # shifts and grids are not shown here.
    activity_ids = {signup.shift.activity_id for signup in page.items}
    if activity_ids:
        loaded = {
            activity.id: activity
            for activity in db.session.scalars(
                select(Activity)
                .where(Activity.id.in_(activity_ids))
                .options(lazyload(Activity.shifts), lazyload(Activity.grids))
            )
        }
        for signup in page.items:
            set_committed_value(signup.shift, "activity", loaded[signup.shift.activity_id])
    _set_waitlist_positions(page.items)
    return {
        "total_hours": round(minutes / 60, 2),
        "shifts_done": shifts_done,
        "activities_done": activities,
        "items": page.items,
        "next_cursor": page.next_cursor,
    }


def certificate(actor, community_id: int | None = None) -> dict:
    """Data for the printable certificate: hours per activity with organisation and community names."""
    access.require_user(actor)
    stmt = (
        select(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .join(Activity, Activity.id == Shift.activity_id)
        .where(ShiftSignup.user_id == actor.id, ShiftSignup.status == "confirmed", ShiftSignup.minutes > 0)
        .order_by(Shift.starts_at)
    )
    if community_id:
        stmt = stmt.where(Activity.community_id == community_id)
    rows: dict[int, dict] = {}
    community_names: dict[int, str] = {}
    for signup in db.session.scalars(stmt):
        activity = signup.shift.activity
        if activity.community_id not in community_names:
            community_names[activity.community_id] = communities.get_community(activity.community_id).name
        row = rows.setdefault(
            activity.id,
            {
                "title": activity.title,
                "organisation": activity.organisation.name if activity.organisation else None,
                "community": community_names[activity.community_id],
                "first_at": signup.shift.starts_at,
                "minutes": 0,
                "shifts": 0,
            },
        )
        row["minutes"] += signup.minutes
        row["shifts"] += 1
    total = sum(r["minutes"] for r in rows.values())
    return {
        "name": actor.display_name or "",
        "activities": list(rows.values()),
        "total_hours": round(total / 60, 2),
        "communities": sorted(set(community_names.values())),
        "issued_on": _local_today(),
    }


# --- profiles and recruitment ---------------------------------------------------------------------


def get_profile(actor) -> VolunteerProfile:
    access.require_user(actor)
    profile = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == actor.id))
    return profile or VolunteerProfile(user_id=actor.id, skills=[], availability="")


def put_profile(actor, *, skills: list[str], availability: str = "") -> VolunteerProfile:
    """Replace my skills and availability (the skills table mirrors the list, for indexed counting)."""
    access.require_user(actor)
    skills = normalise_skills(skills)
    profile = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == actor.id))
    if profile is None:
        profile = VolunteerProfile(user_id=actor.id)
        db.session.add(profile)
    profile.skills, profile.availability = skills, availability.strip()
    for row in db.session.scalars(select(VolunteerSkill).where(VolunteerSkill.user_id == actor.id)):
        db.session.delete(row)
    db.session.flush()
    db.session.add_all([VolunteerSkill(user_id=actor.id, skill=s) for s in skills])
    db.session.flush()
    return profile


def _matching_member_ids(community_id: int, skills: list[str], exclude_activity_id: int | None = None) -> list[int]:
    members = communities.community_member_ids(community_id)
    if not members or not skills:
        return []
    stmt = (
        select(VolunteerSkill.user_id)
        .distinct()
        .where(VolunteerSkill.skill.in_(skills), VolunteerSkill.user_id.in_(members))
    )
    if exclude_activity_id:  # already signed up: no need to recruit them
        stmt = stmt.where(
            VolunteerSkill.user_id.not_in(
                select(ShiftSignup.user_id)
                .join(Shift, Shift.id == ShiftSignup.shift_id)
                .where(Shift.activity_id == exclude_activity_id, ShiftSignup.status != "cancelled")
            )
        )
    return list(db.session.scalars(stmt))


def recruitment_count(actor, organisation_id: int, *, skills: list[str]) -> dict:
    """How many verified residents list one of these skills: a COUNT, never who they are."""
    organisation = _org_or_404(organisation_id)
    _require_org_admin(actor, organisation)
    skills = normalise_skills(skills)
    if not skills:
        raise ValidationFailed({"skills": ["name at least one skill"]})
    return {"skills": skills, "count": len(_matching_member_ids(organisation.community_id, skills))}


def send_recruitment(actor, organisation_id: int, *, activity_id: int, skills: list[str] | None = None) -> dict:
    """Tell residents with matching skills about an activity: once per activity per day (unique in the DB).

    :raises DomainError: ``volunteering.recruitment_already_sent`` (429)
    :raises Conflict: ``volunteering.organisation_not_verified``
    """
    organisation = _org_or_404(organisation_id)
    _require_org_admin(actor, organisation)
    if not organisation.is_verified:
        raise Conflict("volunteering.organisation_not_verified")
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.organisation_id != organisation.id:
        raise ValidationFailed({"activity_id": ["not an activity of this organisation"]})
    if activity.ends_at <= utcnow():
        raise ValidationFailed({"activity_id": ["this activity is over"]})
    skills = normalise_skills(skills) or list(activity.skills or [])
    if not skills:
        raise ValidationFailed({"skills": ["name at least one skill"]})
    recipients = _matching_member_ids(organisation.community_id, skills, exclude_activity_id=activity.id)
    message = RecruitmentMessage(
        organisation_id=organisation.id,
        activity_id=activity.id,
        sent_on=_local_today(),
        sent_by_id=actor.id,
        skills=skills,
        recipient_count=len(recipients),
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
            db.session.flush()
    except IntegrityError:
        raise DomainError("volunteering.recruitment_already_sent", status=429) from None
    notify(
        recipients,
        "volunteer_recruitment",
        {
            "organisation_id": organisation.id,
            "organisation_name": organisation.name,
            "activity_id": activity.id,
            "title": activity.title,
            "skills": skills,
        },
        community_id=organisation.community_id,
        exclude=[actor.id],
    )
    return {
        "activity_id": activity.id,
        "skills": skills,
        "recipient_count": len(recipients),
        "sent_on": message.sent_on,
    }
