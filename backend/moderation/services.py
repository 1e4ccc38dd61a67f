"""Moderation: flags with auto-hide, the committee's queue and actions, appeals, word filter.

Every committee action has a reason the author is shown, is written to the audit log, and can be
appealed once; the appeal is decided by a different committee member.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from backend.accounts import services as accounts
from backend.audit import services as audit
from backend.communities import access
from backend.communities import services as communities
from backend.core import targets
from backend.core.db import utcnow
from backend.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    register_messages,
)
from backend.core.pagination import Page, SortKey, paginate
from backend.core.sql import month_of
from backend.extensions import db
from backend.moderation import audit_labels
from backend.moderation.models import (
    APPEAL_STATES,
    MODERATION_CASE_STATES,
    Appeal,
    Flag,
    ModerationAction,
    ModerationCase,
)
from backend.notifications.services import notify

DEFAULT_FLAG_THRESHOLD = 3
QUEUE_ACTIONS = ("hide", "restore", "warn", "suspend")  # what the committee may do about a queued item
MAX_SUSPENSION_DAYS = 365
# Flags that arrive together from new members are marked as a brigade in the queue.
NEW_MEMBER_AGE = timedelta(days=7)  # a member who joined less than this before flagging is new
BRIGADE_SIZE = 3
BRIGADE_WINDOW = timedelta(hours=1)

register_messages(
    "moderation",
    {
        "cannot_flag_own": {
            "zh-CN": ("不能举报自己", "你不能举报自己发布的内容。"),
            "en": ("Cannot flag your own", "You cannot flag your own content."),
        },
        "already_flagged": {
            "zh-CN": ("已经举报过", "你已经举报过这条内容，居委会会尽快处理。"),
            "en": ("Already flagged", "You already flagged this; the committee will review it."),
        },
        "action_not_applicable": {
            "zh-CN": ("无法执行", "这项处理不适用于该内容。"),
            "en": ("Not applicable", "This action does not apply to this item."),
        },
        "already_appealed": {
            "zh-CN": ("已经申诉过", "每项处理只能申诉一次。"),
            "en": ("Already appealed", "Each action can be appealed once."),
        },
        "last_committee_member": {
            "zh-CN": ("不能暂停", "这是社区最后一位在任的居委会成员，不能被暂停。"),
            "en": ("Cannot suspend", "This is the community's last active committee member: they cannot be suspended."),
        },
        "own_appeal": {
            "zh-CN": ("不能裁决自己的申诉", "申诉须由申诉人以外的居委会成员或平台管理员裁决。"),
            "en": (
                "Not your own appeal",
                "An appeal is decided by a committee member other than the appellant, or the platform admin.",
            ),
        },
        "own_action": {
            "zh-CN": ("需要其他委员", "申诉须由做出原处理以外的居委会成员裁决。"),
            "en": (
                "Another member must decide",
                "An appeal is decided by a committee member other than the one who acted.",
            ),
        },
    },
)


# --- flags ------------------------------------------------------------------------------------


def flag(actor, target_type: str, target_id: int, reason: str, text: str = "") -> None:
    """One member flags one item they can see. Every flag reaches the queue; only flags of verified members
    of distinct households count toward the community's threshold, which hides the item, or, for what the
    committee issued or wrote (never hidden by flags alone), tells the other committee members.

    :raises NotFound: no such item, or one the actor may not see (flagging is a write to it)
    :raises Conflict: ``moderation.cannot_flag_own``, ``moderation.already_flagged``
    """
    target = targets.require(target_type, "flaggable")
    access.require_user(actor)
    item = target.get_visible(actor, target_id)
    community_id = target.community_id(item)
    access.require_active_member(actor, community_id)
    if target.author_id(item) == actor.id:
        raise Conflict("moderation.cannot_flag_own")
    if reason == "other" and not text.strip():
        raise ValidationFailed({"text": ["say what is wrong"]})
    case = _case_for(target, item)
    try:
        with db.session.begin_nested():
            db.session.add(
                Flag(case_id=case.id, community_id=community_id, flagger_id=actor.id, reason=reason, text=text.strip())
            )
    except IntegrityError:
        raise Conflict("moderation.already_flagged") from None
    # Counted in the database so that simultaneous flags all count; the UPDATE also locks the case's row
    # (PostgreSQL), so the households counted below include every flag committed before this one.
    db.session.execute(
        update(ModerationCase)
        .where(ModerationCase.id == case.id)
        .values(flag_count=ModerationCase.flag_count + 1, updated_at=utcnow())
    )
    db.session.refresh(case)
    if MODERATION_CASE_STATES.allows(case, "reopen"):  # new flags after a restore open the case again
        MODERATION_CASE_STATES.move(case, "reopen")
    threshold = communities.get_community(community_id).setting("flag_threshold", DEFAULT_FLAG_THRESHOLD)
    households, counted = _counted_households(case, actor.id)
    if not counted or len(households) < threshold:
        return
    author_id = target.author_id(item)
    if _never_auto_hidden(target, item, community_id, author_id):
        if len(households) == threshold:  # once, when the threshold is reached
            _escalate(case, author_id)
    elif target.hideable:
        _auto_hide(target, case, item)


def _counted_households(case: ModerationCase, flagger_id: int) -> tuple[set[int], bool]:
    """The distinct households of the verified members who flagged the case, and whether this flagger's
    flag added one (a pending, invited or suspended account, or a second person of a household, adds none:
    three invented accounts must not silence a neighbour)."""
    flagger_ids = db.session.scalars(select(Flag.flagger_id).where(Flag.case_id == case.id)).all()
    members = communities.memberships_by_user(case.community_id, flagger_ids)
    households: set[int] = set()
    for uid in flagger_ids:
        member = members.get(uid)
        if uid != flagger_id and _counts(member):
            households.add(member.household_id)
    mine = members.get(flagger_id)
    counted = _counts(mine) and mine.household_id not in households
    if counted:
        households.add(mine.household_id)
    return households, counted


def _counts(member) -> bool:
    return member is not None and member.status == "verified" and member.household_id is not None


def _never_auto_hidden(target: targets.Target, item, community_id: int, author_id: int | None) -> bool:
    """What the committee issues (a notice) or a committee member wrote: flags alone never hide it."""
    if target.official(item):
        return True
    author = communities.memberships_by_user(community_id, [author_id]).get(author_id) if author_id else None
    return author is not None and author.is_committee


def escalation_recipients(community_id: int, author_id: int | None) -> list[int]:
    """Who is told when flags reach the threshold on what flags may not hide (committee content): the officials
    of the community's street, who oversee its committee; with no street official, the committee members
    who did not write it are the check."""
    officials = [uid for uid in communities.street_official_ids(community_id) if uid != author_id]
    return officials or [uid for uid in communities.committee_member_ids(community_id) if uid != author_id]


def _escalate(case: ModerationCase, author_id: int | None) -> None:
    context = {"target_type": case.target_type, "target_id": case.target_id, "escalated": True}
    recipients = escalation_recipients(case.community_id, author_id)
    notify(recipients, "moderation_queue", context, community_id=case.community_id)


def _load(kind: str, target_id: int) -> tuple[targets.Target, object]:
    """:raises ValidationFailed: a kind moderation does not handle; :raises NotFound: no such item"""
    target = targets.require(kind, "flaggable")
    return target, target.get(target_id)


def _case_for(target: targets.Target, item) -> ModerationCase:
    """The item's case, created on first flag (a unique constraint settles two first flags at once)."""
    same = (ModerationCase.target_type == target.kind, ModerationCase.target_id == item.id)
    found = db.session.scalar(select(ModerationCase).where(*same))
    if found:
        return found
    try:
        with db.session.begin_nested():
            case = ModerationCase(
                community_id=target.community_id(item),
                target_type=target.kind,
                target_id=item.id,
                author_id=target.author_id(item),
            )
            MODERATION_CASE_STATES.move(case, "open")
            db.session.add(case)
        return case
    except IntegrityError:
        return db.session.scalar(select(ModerationCase).where(*same))


def _auto_hide(target: targets.Target, case: ModerationCase, item) -> None:
    hidden_now = db.session.execute(
        update(ModerationCase)
        .where(ModerationCase.id == case.id, ModerationCase.state.in_(MODERATION_CASE_STATES.sources("auto_hide")))
        .values(state=MODERATION_CASE_STATES.target("auto_hide"))
    ).rowcount
    if not hidden_now:
        return  # already hidden, or a committee member resolved it meanwhile
    item.is_hidden = True
    db.session.flush()
    context = {"target_type": case.target_type, "target_id": case.target_id, "auto": True}
    notify([target.author_id(item)], "moderation_action", {**context, "action": "hide"}, community_id=case.community_id)
    notify(
        communities.committee_member_ids(case.community_id), "moderation_queue", context, community_id=case.community_id
    )


# --- word filter ------------------------------------------------------------------------------


def matches_word_filter(community_id: int, *texts: str) -> bool:
    words = [w.lower() for w in communities.get_community(community_id).setting("word_filter", []) if w]
    content = " ".join(t for t in texts if t).lower()
    return any(word in content for word in words)


def hold_if_filtered(target_type: str, item, *texts: str) -> bool:
    """Content domains call this on create/edit: a filtered word holds the item for review."""
    target = targets.require(target_type, "hideable")
    community_id = target.community_id(item)
    if not matches_word_filter(community_id, *texts):
        return False
    item.is_hidden = True
    db.session.flush()
    case = _case_for(target, item)
    MODERATION_CASE_STATES.move(case, "hide")
    case.is_held_by_filter, case.updated_at = True, utcnow()
    db.session.flush()
    notify(
        communities.committee_member_ids(community_id),
        "moderation_queue",
        {"target_type": target_type, "target_id": item.id, "held": True},
        community_id=community_id,
    )
    return True


# --- the committee's queue and actions -------------------------------------------------------


@dataclass
class QueueItem:
    case: ModerationCase
    excerpt: str
    is_hidden: bool
    reasons: dict
    flag_texts: list[str]
    counted_flags: int
    new_member_flags: int
    brigade: bool
    author: object
    author_history: list[ModerationAction]
    can: dict

    def __getattr__(self, name):  # id, target_type, flag_count... come from the case
        return getattr(self.case, name)


def queue(
    actor, community_id: int, *, target_type: str | None, state: str | None, limit: int, cursor: str | None
) -> Page:
    """Flagged and hidden items, most flagged first, with reasons and the author's history."""
    access.require_committee(actor, community_id)
    stmt = select(ModerationCase).where(ModerationCase.community_id == community_id)
    stmt = stmt.where(ModerationCase.state == state) if state else stmt.where(ModerationCase.state != "resolved")
    if target_type:
        stmt = stmt.where(ModerationCase.target_type == target_type)
    page = paginate(
        stmt,
        [SortKey(ModerationCase.flag_count, descending=True), SortKey(ModerationCase.id, descending=True)],
        limit=limit,
        cursor=cursor,
    )
    page.items = _queue_items(page.items)
    return page


def _queue_items(cases: list[ModerationCase]) -> list[QueueItem]:
    case_ids = [c.id for c in cases]
    author_ids = {c.author_id for c in cases if c.author_id}
    flags = db.session.scalars(select(Flag).where(Flag.case_id.in_(case_ids))).all() if case_ids else []
    history = (
        db.session.scalars(
            select(ModerationAction)
            .where(ModerationAction.author_id.in_(author_ids))
            .order_by(ModerationAction.id.desc())
        ).all()
        if author_ids
        else []
    )
    authors = accounts.users_by_id(author_ids)  # author names for the committee's view
    flaggers = {
        community_id: communities.memberships_by_user(
            community_id, {f.flagger_id for f in flags if f.community_id == community_id}
        )
        for community_id in {c.community_id for c in cases}
    }
    loaded: dict[tuple[str, int], object] = {}
    for kind in {c.target_type for c in cases}:
        target = targets.get(kind)
        if target is not None:
            ids = [c.target_id for c in cases if c.target_type == kind]
            loaded.update({(kind, i): item for i, item in target.load_many(ids).items()})
    items = []
    for case in cases:
        case_flags = [f for f in flags if f.case_id == case.id]
        item = loaded.get((case.target_type, case.target_id))
        excerpt, hidden = (
            (targets.get(case.target_type).excerpt(item), getattr(item, "is_hidden", False))
            if item is not None
            else ("", True)
        )
        items.append(
            QueueItem(
                case=case,
                excerpt=excerpt,
                is_hidden=hidden,
                reasons=dict(Counter(f.reason for f in case_flags)),
                flag_texts=[f.text for f in case_flags if f.text],
                **_flag_standing(case_flags, flaggers.get(case.community_id, {})),
                author=authors.get(case.author_id),
                author_history=[a for a in history if a.author_id == case.author_id][:10],
                can=abilities(case, hidden),
            )
        )
    return items


def _flag_standing(case_flags: list[Flag], members: dict) -> dict:
    """What the committee needs to weigh the flags: how many households counted toward the threshold, how
    many flags came from new members, and whether they look like a brigade (at least BRIGADE_SIZE flags
    from new members within BRIGADE_WINDOW of one another)."""
    households = {members[f.flagger_id].household_id for f in case_flags if _counts(members.get(f.flagger_id))}
    new_times = sorted(
        f.created_at
        for f in case_flags
        if (member := members.get(f.flagger_id)) is None or f.created_at - member.joined_at < NEW_MEMBER_AGE
    )
    brigade = any(
        later - earlier <= BRIGADE_WINDOW
        for earlier, later in zip(new_times, new_times[BRIGADE_SIZE - 1 :], strict=False)
    )
    return {"counted_flags": len(households), "new_member_flags": len(new_times), "brigade": brigade}


def abilities(case: ModerationCase, hidden: bool) -> dict[str, bool]:
    """What the committee may do about a queued item (`can`): hide or restore what can be hidden, warn or
    suspend whoever wrote it."""
    target = targets.get(case.target_type)
    hideable = target is not None and target.hideable
    return {
        "hide": hideable and not hidden,
        "restore": hideable and hidden,
        "warn": case.author_id is not None,
        "suspend": case.author_id is not None,
    }


def act(
    actor, *, target_type: str, target_id: int, action: str, reason: str, days: int | None = None
) -> ModerationAction:
    """A committee member hides, restores, warns, suspends or lifts a suspension, with a reason.

    :raises Forbidden: not a committee member of the item's community
    :raises Conflict: ``moderation.action_not_applicable``
    """
    target, item = _load(target_type, target_id)
    community_id, author_id = target.community_id(item), target.author_id(item)
    _require_moderator(actor, community_id)
    if not reason.strip():
        raise ValidationFailed({"reason": ["a reason is required; the author is shown it"]})
    if action in {"hide", "restore"} and not target.hideable:
        raise Conflict("moderation.action_not_applicable")
    if action in {"suspend", "lift_suspension", "warn"} and not author_id:
        raise Conflict("moderation.action_not_applicable")
    if action == "suspend" and not (days and 1 <= days <= MAX_SUSPENSION_DAYS):
        raise ValidationFailed({"days": [f"1 to {MAX_SUSPENSION_DAYS}"]})
    case = _case_for(target, item)
    agreed_with = None
    if action == "suspend" and _is_committee_member(community_id, author_id):
        _refuse_suspending_the_last_committee_member(community_id, author_id)
        if not actor.is_platform_admin:
            agreed_with = _second_agreement(actor, community_id, author_id)
            if agreed_with is None:
                return _request_suspension(actor, target_type, target_id, community_id, author_id, reason, days)
    record = ModerationAction(
        community_id=community_id,
        case_id=case.id,
        actor_id=actor.id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        author_id=author_id,
        reason=reason.strip(),
        days=days if action == "suspend" else None,
    )
    db.session.add(record)
    _apply(action, case, item, community_id, author_id, days)
    db.session.flush()
    hidden = getattr(item, "is_hidden", False)
    audit.record(
        actor,
        f"moderation.{action}",
        target_type,
        target_id,
        community_id=community_id,
        reason=reason.strip(),
        before={"hidden": not hidden} if action in {"hide", "restore"} else None,
        after=(
            {"hidden": hidden, "days": days, **({"requested_by_id": agreed_with.actor_id} if agreed_with else {})}
            if action in {"hide", "restore", "suspend"}
            else None
        ),
    )
    notify(
        [author_id],
        "moderation_action",
        {
            "action": action,
            "reason": record.reason,
            "days": record.days,
            "target_type": target_type,
            "target_id": target_id,
            "action_id": record.id,
        },
        community_id=community_id,
    )
    return record


def _require_moderator(actor, community_id: int) -> None:
    """A committee member of the community, or a platform admin (who may suspend a committee member alone)."""
    access.require_user(actor)
    if not actor.is_platform_admin:
        access.require_committee(actor, community_id)


def _is_committee_member(community_id: int, user_id: int | None) -> bool:
    member = communities.memberships_by_user(community_id, [user_id]).get(user_id) if user_id else None
    return member is not None and member.role == "committee"


def _refuse_suspending_the_last_committee_member(community_id: int, author_id: int) -> None:
    """:raises Conflict: ``moderation.last_committee_member`` (a community never loses its last check)"""
    if not [uid for uid in communities.committee_member_ids(community_id) if uid != author_id]:
        raise Conflict("moderation.last_committee_member")


SUSPENSION_REQUEST = "moderation.suspend_requested"
SUSPENSION_REQUEST_TTL = timedelta(days=7)


def _second_agreement(actor, community_id: int, author_id: int):
    """Another committee member's still-open request to suspend this committee member, or None.

    A request is an audit entry (append-only, so the committee sees who asked); it is used up by the
    suspension that follows it, and expires after a week.
    """
    last_suspension = db.session.scalar(
        select(func.max(ModerationAction.created_at)).where(
            ModerationAction.community_id == community_id,
            ModerationAction.author_id == author_id,
            ModerationAction.action == "suspend",
        )
    )
    requests = audit.recent(
        community_id, SUSPENSION_REQUEST, "user", author_id, since=utcnow() - SUSPENSION_REQUEST_TTL
    )
    return next(
        (
            r
            for r in requests
            if r.actor_id not in (actor.id, author_id) and (last_suspension is None or r.created_at > last_suspension)
        ),
        None,
    )


def _request_suspension(
    actor, target_type: str, target_id: int, community_id: int, author_id: int, reason: str, days: int
) -> ModerationAction:
    """One committee member cannot suspend another alone: the request waits for a second member's agreement
    (the same suspension asked by another member within a week). Nothing is applied yet."""
    audit.record(
        actor,
        SUSPENSION_REQUEST,
        "user",
        author_id,
        community_id=community_id,
        reason=reason.strip(),
        after={"days": days, "target_type": target_type, "target_id": target_id},
    )
    others = [uid for uid in communities.committee_member_ids(community_id) if uid not in (actor.id, author_id)]
    notify(
        others,
        "moderation_queue",
        {"target_type": target_type, "target_id": target_id, "suspension_requested": True},
        community_id=community_id,
    )
    pending = ModerationAction(
        community_id=community_id,
        actor_id=actor.id,
        action="suspend",
        target_type=target_type,
        target_id=target_id,
        author_id=author_id,
        reason=reason.strip(),
        days=days,
        created_at=utcnow(),
    )
    pending.awaiting_second = True  # not stored: a second committee member must agree
    return pending


def _apply(action: str, case: ModerationCase, item, community_id: int, author_id: int | None, days: int | None) -> None:
    if action == "hide":
        item.is_hidden = True
        MODERATION_CASE_STATES.move(case, "hide")
    elif action == "restore":
        item.is_hidden, case.flag_count, case.is_held_by_filter = False, 0, False
        MODERATION_CASE_STATES.move(case, "resolve")
        db.session.execute(delete(Flag).where(Flag.case_id == case.id))  # restoring clears the flags
    elif action == "warn" and not getattr(item, "is_hidden", False):
        MODERATION_CASE_STATES.move(case, "resolve")
    elif action == "suspend":
        communities.suspend_member(community_id, author_id, utcnow() + timedelta(days=days))
    elif action == "lift_suspension":
        communities.lift_suspension(community_id, author_id)
    case.updated_at = utcnow()


def require_not_evidence(actor, target_type: str, target_id: int, community_id: int) -> None:
    """A member suspended for an item may not delete, withdraw or edit it: it is the evidence of the
    appeal. Content domains call this where the author takes something back.

    :raises Forbidden: reason ``evidence``
    """
    member = access.membership(actor, community_id)
    if member is None or member.status != "suspended":
        return
    suspended_for = db.session.scalar(
        select(ModerationAction.id)
        .where(
            ModerationAction.community_id == community_id,
            ModerationAction.author_id == actor.id,
            ModerationAction.action == "suspend",
            ModerationAction.target_type == target_type,
            ModerationAction.target_id == target_id,
        )
        .limit(1)
    )
    if suspended_for is not None:
        raise Forbidden(reason="evidence")


def _undo(action: ModerationAction) -> None:
    """Reverse an action after a successful appeal."""
    target, item = _load(action.target_type, action.target_id)
    case = _case_for(target, item)
    reverse = {"hide": "restore", "suspend": "lift_suspension"}.get(action.action)
    if reverse:
        _apply(reverse, case, item, action.community_id, action.author_id, None)


# --- appeals ----------------------------------------------------------------------------------


def appeal(actor, action_id: int, text: str) -> Appeal:
    """The author appeals one action, once.

    :raises Forbidden: not the author of the moderated content
    :raises Conflict: ``moderation.already_appealed``
    """
    access.require_user(actor)
    action = db.session.get(ModerationAction, action_id)
    if action is None or action.author_id != actor.id:
        raise NotFound() if action is None else Forbidden(reason="not_author")
    if action.action == "lift_suspension":
        raise Conflict("moderation.action_not_applicable")
    try:
        with db.session.begin_nested():
            record = Appeal(
                action_id=action.id, community_id=action.community_id, author_id=actor.id, text=text.strip()
            )
            db.session.add(record)
    except IntegrityError:
        raise Conflict("moderation.already_appealed") from None
    notify(
        appeal_deciders(action, actor.id),
        "appeal_submitted",
        {"appeal_id": record.id, "action": action.action},
        community_id=action.community_id,
    )
    return _attach_actions([record])[0]


def appeal_deciders(action: ModerationAction, appellant_id: int) -> list[int]:
    """Who may decide an appeal: the active committee members who neither took the action nor appeal it;
    when none is left, the officials of the community's street (the level above the committee); when the
    street has none either, the platform admins."""
    return (
        _committee_deciders(action, appellant_id)
        or [uid for uid in communities.street_official_ids(action.community_id) if uid != appellant_id]
        or accounts.platform_admin_ids()
    )


def _committee_deciders(action: ModerationAction, appellant_id: int) -> list[int]:
    return [
        uid
        for uid in communities.committee_member_ids(action.community_id)
        if uid not in (action.actor_id, appellant_id)
    ]


def _require_appeal_decider(actor, record: Appeal, action: ModerationAction) -> None:
    """A committee member or platform admin; or an official of the community's street when no committee
    member is left to decide (all of them acted or appeal).

    :raises Forbidden: anyone else
    """
    access.require_user(actor)
    no_committee_left = not _committee_deciders(action, record.author_id)
    if not (no_committee_left and actor.id in communities.street_official_ids(record.community_id)):
        _require_moderator(actor, record.community_id)


def decide_appeal(actor, appeal_id: int, decision: str, reason: str) -> Appeal:
    """A committee member other than the one who acted upholds or reverses the action.

    :raises Conflict: ``moderation.own_action``, ``appeal.invalid_transition`` (decided already)
    """
    record = db.session.get(Appeal, appeal_id)
    if record is None:
        raise NotFound()
    action = db.session.get(ModerationAction, record.action_id)
    _require_appeal_decider(actor, record, action)
    if action.actor_id == actor.id:
        raise Conflict("moderation.own_action")
    if record.author_id == actor.id:  # a committee member's appeal about their own content
        raise Conflict("moderation.own_appeal")
    # Conditional UPDATE: two members deciding at once cannot both decide.
    decided = db.session.execute(
        update(Appeal)
        .where(Appeal.id == record.id, Appeal.status.in_(APPEAL_STATES.sources(decision)))
        .values(
            status=APPEAL_STATES.target(decision),
            decided_by_id=actor.id,
            decision_reason=reason.strip(),
            decided_at=utcnow(),
        )
    ).rowcount
    if not decided:
        db.session.refresh(record)
        raise APPEAL_STATES.refuse(record.status, decision)
    db.session.refresh(record)
    if decision == "reverse":
        _undo(action)
    audit.record(
        actor,
        f"appeal.{record.status}",
        "appeal",
        record.id,
        community_id=record.community_id,
        reason=reason.strip(),
        after={"action_id": action.id, "action": action.action},
    )
    notify(
        [record.author_id],
        "appeal_decided",
        {"appeal_id": record.id, "decision": record.status, "reason": record.decision_reason},
        community_id=record.community_id,
    )
    return _attach_actions([record])[0]


def list_appeals(actor, community_id: int, *, status: str | None, limit: int, cursor: str | None) -> Page:
    """The community's appeals: its committee, a platform admin, or its street's officials (who decide the
    appeals no committee member is left to decide)."""
    access.require_user(actor)
    if actor.id not in communities.street_official_ids(community_id):
        _require_moderator(actor, community_id)
    stmt = select(Appeal).where(Appeal.community_id == community_id)
    if status:
        stmt = stmt.where(Appeal.status == status)
    page = paginate(stmt, [SortKey(Appeal.id, descending=True)], limit=limit, cursor=cursor)
    _attach_actions(page.items)
    return page


def _attach_actions(appeals: list[Appeal]) -> list[Appeal]:
    """The action each appeal is about (one query per page), so the deciding member sees what was done."""
    ids = {a.action_id for a in appeals}
    actions = (
        {a.id: a for a in db.session.scalars(select(ModerationAction).where(ModerationAction.id.in_(ids)))}
        if ids
        else {}
    )
    for record in appeals:
        record.action = actions.get(record.action_id)
    return appeals


def actions_about_me(actor, community_id: int) -> list[ModerationAction]:
    """What the committee did about my content or me, so I can see why and until when, and appeal."""
    access.require_member(actor, community_id)
    actions = list(
        db.session.scalars(
            select(ModerationAction)
            .where(ModerationAction.community_id == community_id, ModerationAction.author_id == actor.id)
            .order_by(ModerationAction.id.desc())
            .limit(50)
        )
    )
    appeals = {
        appeal.action_id: appeal
        for appeal in db.session.scalars(select(Appeal).where(Appeal.action_id.in_([action.id for action in actions])))
    }
    for action in actions:
        action.my_appeal = appeals.get(action.id)
    return actions


# --- audit log, settings, transparency --------------------------------------------------------


def audit_log(
    actor,
    community_id: int,
    *,
    action: str | None,
    actor_id: int | None,
    target_type: str | None,
    limit: int,
    cursor: str | None,
) -> Page:
    """The community's audit log for its committee, newest first."""
    access.require_committee(actor, community_id)
    page = audit.entries(
        community_id, action=action, actor_id=actor_id, target_type=target_type, limit=limit, cursor=cursor
    )
    audit_labels.label_entries(page.items)
    return page


def settings(actor, community_id: int) -> dict:
    access.require_committee(actor, community_id)
    community = communities.get_community(community_id)
    return {
        "flag_threshold": community.setting("flag_threshold", DEFAULT_FLAG_THRESHOLD),
        "word_filter": community.setting("word_filter", []),
    }


def update_settings(actor, community_id: int, changes: dict) -> dict:
    before = settings(actor, community_id)
    community = communities.get_community(community_id)
    community.settings = {**(community.settings or {}), **changes}  # a new dict, so the JSON column is saved
    db.session.flush()
    after = settings(actor, community_id)
    audit.record(
        actor, "moderation.settings", "community", community_id, community_id=community_id, before=before, after=after
    )
    return after


def transparency(community_id: int) -> list[dict]:
    """Public monthly counts of moderation actions by type: no content, no names."""
    communities.get_community(community_id)
    month = month_of(ModerationAction.created_at)
    rows = db.session.execute(
        select(month.label("month"), ModerationAction.action, func.count())
        .where(ModerationAction.community_id == community_id)
        .group_by(month, ModerationAction.action)
        .order_by(month.desc())
    )
    months: dict[str, dict] = {}
    for month_value, action, count in rows:
        months.setdefault(month_value, {"month": month_value, "counts": {}})["counts"][action] = count
    return list(months.values())
