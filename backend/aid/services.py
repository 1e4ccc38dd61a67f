"""Mutual aid rules: who may post, respond, accept, complete, thank; blocks; the time bank.

Completion is defined so that nobody waits on the other side: the FIRST of the two parties (author or
accepted helper) who marks the post done completes it. The other may mark it done later too. Hours
go into the time bank once per post (unique in the ledger): the first figure given wins.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from backend.accounts import services as accounts
from backend.aid.models import (
    AID_RESPONSE_STATES,
    AID_STATES,
    AidPost,
    AidResponse,
    AidThanks,
    TimeBankEntry,
    UserBlock,
)
from backend.audit import services as audit
from backend.communities import access, assisted
from backend.communities import services as communities
from backend.core.db import utcnow
from backend.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    register_messages,
)
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.moderation import services as moderation
from backend.notifications.services import notify

register_messages(
    "aid",
    {
        "aid_not_open": {
            "zh-CN": ("已不再接受回应", "这条互助已经匹配、完成或关闭。"),
            "en": ("No longer open", "This post is already matched, completed or closed."),
        },
        "aid_expired": {
            "zh-CN": ("已过期", "这条互助的时间已经过了。"),
            "en": ("Expired", "The date of this post has passed."),
        },
        "own_post": {
            "zh-CN": ("不能回应自己", "你不能回应自己发布的互助。"),
            "en": ("Your own post", "You cannot respond to your own post."),
        },
        "already_responded": {
            # A contract code, one message whoever raises it (aid posts, surveys).
            "zh-CN": ("已经回应过", "你已经回应过了，不能重复提交。"),
            "en": ("Already responded", "You have already responded; a second response is not accepted."),
        },
        "aid_not_matched": {
            "zh-CN": ("尚未匹配", "先接受一位邻居的回应，才能标记完成。"),
            "en": ("Not matched", "Accept a neighbour's response before marking it done."),
        },
        "already_done": {
            "zh-CN": ("已标记完成", "你已经标记过完成。"),
            "en": ("Already marked done", "You have already marked this done."),
        },
        "already_thanked": {
            "zh-CN": ("已经致谢", "这条互助已经有一条感谢了。"),
            "en": ("Already thanked", "This help has already been thanked."),
        },
        "aid_not_completed": {
            "zh-CN": ("尚未完成", "互助完成后才能致谢。"),
            "en": ("Not completed", "Thanks can be given once the help is done."),
        },
    },
)

MAX_HOURS = 24
ACTIONS = ("respond", "accept", "complete", "thank", "close", "reopen")  # what a viewer may do with a post
RESPONSE_FIELDS_SHOWN_TO_AUTHOR = "all"  # the author sees every response; others only their own


# --- helpers ------------------------------------------------------------------------------------


def time_bank_enabled(community_id: int) -> bool:
    return bool(communities.get_community(community_id).setting("time_bank", True))


def _blocked_either_way(user_id: int):
    """Ids of people who blocked `user_id` or whom `user_id` blocked: hidden from each other's board."""
    return (
        select(UserBlock.blocker_id)
        .where(UserBlock.blocked_id == user_id)
        .union(select(UserBlock.blocked_id).where(UserBlock.blocker_id == user_id))
    )


def is_blocked_by(blocker_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(UserBlock.id).where(UserBlock.blocker_id == blocker_id, UserBlock.blocked_id == user_id)
        )
        is not None
    )


def _post_or_404(post_id: int) -> AidPost:
    post = db.session.get(AidPost, post_id)
    if post is None:
        raise NotFound()
    return post


def can_see(actor, post: AidPost) -> bool:
    """Verified members of its community see a post, except people blocked either way; once moderation hid
    it, only its author and the committee."""
    member = access.membership(actor, post.community_id)
    if member is None or not member.is_verified:
        return False
    if post.author_id != actor.id and (
        is_blocked_by(post.author_id, actor.id) or is_blocked_by(actor.id, post.author_id)
    ):
        return False
    return not post.is_hidden or access.sees_hidden(actor, post.author_id, post.community_id)


def _visible_post(actor, post_id: int) -> AidPost:
    """The post, for those who may see it (:func:`can_see`).

    :raises AuthRequired, Forbidden: not a verified member of its community
    :raises NotFound: no such post, or one this member may not see
    """
    post = _post_or_404(post_id)
    access.require_verified(actor, post.community_id)
    if not can_see(actor, post):
        raise NotFound()
    return post


def _require_not_hidden_from(actor, post: AidPost) -> None:
    """:raises NotFound: the post is hidden by moderation and `actor` is neither its author nor the committee"""
    if post.is_hidden and not access.sees_hidden(actor, post.author_id, post.community_id):
        raise NotFound()


def _is_past(moment: datetime | None) -> bool:
    return moment is not None and moment <= utcnow()


def _minutes(hours: float | None) -> int | None:
    if hours is None:
        return None
    if not 0 < hours <= MAX_HOURS:
        raise ValidationFailed({"hours": [f"between 0 and {MAX_HOURS}"]})
    return max(1, round(hours * 60))


def _context(post: AidPost, **extra) -> dict:
    return {"aid_id": post.id, "title": post.title, "kind": post.kind, "category": post.category, **extra}


def present(actor, posts: list[AidPost], *, detail: bool = False) -> list[AidPost]:
    """What this viewer sees of the posts besides their columns: how many responses; on a post's page the
    responses (its author only), their own response, hours, thanks, their role and `can`."""
    if not detail:
        counts = (
            dict(
                db.session.execute(
                    select(AidResponse.post_id, func.count())
                    .where(AidResponse.post_id.in_([p.id for p in posts]))
                    .group_by(AidResponse.post_id)
                ).all()
            )
            if posts
            else {}
        )
        for post in posts:
            post.response_count = counts.get(post.id, 0)
        return posts
    for post in posts:
        responses = list(
            db.session.scalars(select(AidResponse).where(AidResponse.post_id == post.id).order_by(AidResponse.id))
        )
        post.response_count = len(responses)
        post.responses = responses if actor.id == post.author_id else []
        post.my_response = next((r for r in responses if r.responder_id == actor.id), None)
        entry = db.session.scalar(select(TimeBankEntry).where(TimeBankEntry.post_id == post.id))
        post.hours = round(entry.minutes / 60, 2) if entry else None
        post.thanks = db.session.scalar(select(AidThanks).where(AidThanks.post_id == post.id))
        post.viewer_role = (
            "author"
            if actor.id == post.author_id
            else "helper"
            if actor.id == post.helper_id
            else "responder"
            if post.my_response
            else None
        )
        post.can = abilities(actor, post)
    return posts


def abilities(actor, post: AidPost) -> dict[str, bool]:
    """What this viewer may do with the post now (`can`), on its page (its responses and thanks attached)."""
    member = access.membership(actor, post.community_id)
    if member is None or not member.is_verified:
        return dict.fromkeys(ACTIONS, False)
    author, status = actor.id == post.author_id, post.status
    side_done = post.author_done_at if author else post.helper_done_at
    return {
        # Whoever sees the post is not blocked by its author (can_see): no block to look up again.
        "respond": not author and status == "open" and not _is_past(post.needed_at) and post.my_response is None,
        "accept": author and status == "open" and any(r.status == "open" for r in post.responses),
        "complete": (
            post.is_party(actor.id)
            and post.helper_id is not None
            and status in ("matched", "completed")
            and side_done is None
        ),
        "thank": actor.id == post.receiver_id and status == "completed" and post.thanks is None,
        "close": author and AID_STATES.allows(post, "close"),
        "reopen": author and AID_STATES.allows(post, "reopen"),
    }


# --- posts --------------------------------------------------------------------------------------


def create_post(
    actor,
    community_id: int,
    *,
    kind: str,
    category: str,
    title: str,
    body: str = "",
    needed_at: datetime | None = None,
    grid_id: int | None = None,
    at_home: bool = False,
    on_behalf_of: int | None = None,
    channel: str | None = None,
) -> AidPost:
    """A verified resident offers or asks for help. Contact details are never part of a post. Staff may post it for
    a resident (`on_behalf_of`, with the `channel` they heard it through): the resident is the author, the post says
    it was filed on their behalf, the audit log says by whom.

    :raises Forbidden: not a verified member; acting for someone without being the committee or their grid's worker
    :raises NotFound: acting for someone who is no verified member of this community
    :raises ValidationFailed: a date in the past, a grid of another community, a channel without on_behalf_of
    """
    actor, filed_by = assisted.acting_as(actor, community_id, on_behalf_of, channel)
    access.require_verified(actor, community_id)
    communities.grid_in_community(community_id, grid_id)
    if needed_at is not None and _is_past(needed_at):
        raise ValidationFailed({"needed_at": ["must be in the future"]})
    if needed_at is not None and needed_at > utcnow() + timedelta(days=366):
        raise ValidationFailed({"needed_at": ["at most one year ahead"]})
    post = AidPost(
        community_id=community_id,
        author_id=actor.id,
        kind=kind,
        category=category,
        title=title.strip(),
        body=body.strip(),
        grid_id=grid_id,
        needed_at=needed_at,
        is_at_home=at_home,
        status="open",
        filed_by_id=filed_by.id if filed_by else None,
        channel=(channel or "visit") if filed_by else "app",
    )
    db.session.add(post)
    db.session.flush()
    moderation.hold_if_filtered("aid", post, post.title, post.body)
    if filed_by is not None:
        audit.record(
            filed_by,
            "aid.filed_on_behalf",
            "aid",
            post.id,
            community_id=community_id,
            after={"author_id": actor.id, "kind": kind, "channel": post.channel},
        )
    return present(actor, [post], detail=True)[0]


def list_posts(
    actor,
    community_id: int,
    *,
    kind: str | None = None,
    category: str | None = None,
    grid_id: int | None = None,
    status: str | None = None,
    mine: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Page:
    """The aid board (open, not past their date, by default), newest first; `mine` = authored | responded."""
    access.require_verified(actor, community_id)
    stmt = select(AidPost).where(
        AidPost.community_id == community_id, AidPost.author_id.not_in(_blocked_either_way(actor.id))
    )
    stmt = stmt.where(access.unhidden_or_own(actor, community_id, AidPost.is_hidden, AidPost.author_id))
    if mine == "authored":
        stmt = stmt.where(AidPost.author_id == actor.id)
    elif mine == "responded":
        stmt = stmt.where(AidPost.id.in_(select(AidResponse.post_id).where(AidResponse.responder_id == actor.id)))
    if status or not mine:
        stmt = stmt.where(AidPost.status == (status or "open"))
    if (status or "open") == "open" and not mine:  # past their date: hidden even before the expiry job ran
        stmt = stmt.where(or_(AidPost.needed_at.is_(None), AidPost.needed_at > utcnow()))
    if kind:
        stmt = stmt.where(AidPost.kind == kind)
    if category:
        stmt = stmt.where(AidPost.category == category)
    if grid_id:
        stmt = stmt.where(AidPost.grid_id == grid_id)
    page = paginate(stmt, [SortKey(AidPost.id, descending=True)], limit=limit, cursor=cursor)
    present(actor, page.items)
    return page


def get_post(actor, post_id: int) -> AidPost:
    return present(actor, [_visible_post(actor, post_id)], detail=True)[0]


def respond(actor, post_id: int, *, message: str) -> AidResponse:
    """Offer help (on a request) or ask for what is offered. One response per person and post.

    :raises Forbidden: unverified, or blocked by the author (reason ``blocked``)
    :raises Conflict: ``aid.own_post``, ``aid.aid_not_open``, ``aid.aid_expired``, ``already_responded``
    """
    post = _post_or_404(post_id)
    access.require_verified(actor, post.community_id)
    _require_not_hidden_from(actor, post)
    if post.author_id == actor.id:
        raise Conflict("aid.own_post")
    if is_blocked_by(post.author_id, actor.id):
        raise Forbidden(reason="blocked")
    if post.status != "open":
        raise Conflict("aid.aid_not_open")
    if _is_past(post.needed_at):
        raise Conflict("aid.aid_expired")
    response = AidResponse(post_id=post.id, responder_id=actor.id, message=message.strip(), status="open")
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        raise Conflict("already_responded") from None
    notify([post.author_id], "aid_response", _context(post, response_id=response.id), community_id=post.community_id)
    return response


def _require_author(actor, post: AidPost) -> None:
    access.require_verified(actor, post.community_id)
    if post.author_id != actor.id:
        raise Forbidden(reason="author_only")


def accept_response(actor, post_id: int, response_id: int) -> AidPost:
    """The author picks one response: the post is matched; the other responders are told kindly.

    :raises Conflict: ``aid.aid_not_open``, ``aid_response.invalid_transition``
    """
    post = _post_or_404(post_id)
    _require_author(actor, post)
    response = db.session.get(AidResponse, response_id)
    if response is None or response.post_id != post.id:
        raise NotFound()
    AID_RESPONSE_STATES.check(response, "accept")
    # Conditional update: two accepts racing (two tabs) cannot both match the post.
    matched = db.session.execute(
        update(AidPost)
        .where(AidPost.id == post.id, AidPost.status.in_(AID_STATES.sources("match")))
        .values(status=AID_STATES.target("match"), helper_id=response.responder_id, accepted_response_id=response.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not matched:
        raise Conflict("aid.aid_not_open")
    db.session.refresh(post)
    others = list(
        db.session.scalars(
            select(AidResponse).where(
                AidResponse.post_id == post.id, AidResponse.id != response.id, AidResponse.status == "open"
            )
        )
    )
    AID_RESPONSE_STATES.move(response, "accept")
    for other in others:
        AID_RESPONSE_STATES.move(other, "decline")
    db.session.flush()
    notify([response.responder_id], "aid_accepted", _context(post), community_id=post.community_id)
    notify([o.responder_id for o in others], "aid_not_selected", _context(post), community_id=post.community_id)
    return present(actor, [post], detail=True)[0]


def complete(actor, post_id: int, *, hours: float | None = None, thanks: str | None = None) -> AidPost:
    """Either party marks the help done; the first mark completes the post (see module docstring).

    :raises Forbidden: not the author or the accepted helper (reason ``not_a_party``)
    :raises Conflict: ``aid.aid_not_matched``, ``aid.already_done``
    """
    post = _post_or_404(post_id)
    access.require_verified(actor, post.community_id)
    if not post.is_party(actor.id) or post.helper_id is None:
        if post.status == "open" and post.author_id == actor.id:
            raise Conflict("aid.aid_not_matched")
        raise Forbidden(reason="not_a_party")
    if post.status not in ("matched", "completed"):
        raise Conflict("aid.aid_not_matched")
    minutes = _minutes(hours)
    if thanks and actor.id != post.receiver_id:
        raise ValidationFailed({"thanks": ["only the person who was helped can say thanks"]})
    side = "author_done_at" if actor.id == post.author_id else "helper_done_at"
    if getattr(post, side) is not None:
        raise Conflict("aid.already_done")
    now = utcnow()
    setattr(post, side, now)
    if AID_STATES.allows(post, "complete"):  # the first of the two marks completes it
        AID_STATES.move(post, "complete")
        post.completed_at = now
    db.session.flush()
    if minutes and time_bank_enabled(post.community_id):
        _record_hours(post, minutes)
    if thanks:
        _add_thanks(post, actor, thanks)
    other = post.helper_id if actor.id == post.author_id else post.author_id
    notify([other], "aid_completed", _context(post), community_id=post.community_id)
    return present(actor, [post], detail=True)[0]


def _record_hours(post: AidPost, minutes: int) -> None:
    """One ledger row per post; a second figure (from the other side) is ignored: the first one wins."""
    try:
        with db.session.begin_nested():
            db.session.add(
                TimeBankEntry(
                    community_id=post.community_id,
                    post_id=post.id,
                    giver_id=post.giver_id,
                    receiver_id=post.receiver_id,
                    minutes=minutes,
                )
            )
            db.session.flush()
    except IntegrityError:
        pass


def _add_thanks(post: AidPost, actor, text: str) -> AidThanks:
    thanks = AidThanks(
        post_id=post.id,
        community_id=post.community_id,
        from_user_id=actor.id,
        to_user_id=post.giver_id,
        text=text.strip(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(thanks)
            db.session.flush()
    except IntegrityError:
        raise Conflict("aid.already_thanked") from None
    notify([post.giver_id], "aid_thanked", _context(post), community_id=post.community_id)
    return thanks


def thank(actor, post_id: int, *, text: str) -> AidPost:
    """The person helped leaves a short public thank-you on the helper's profile.

    :raises Forbidden: not the person helped (reason ``receiver_only``)
    :raises Conflict: ``aid.aid_not_completed``, ``aid.already_thanked``
    """
    post = _post_or_404(post_id)
    access.require_verified(actor, post.community_id)
    if post.receiver_id != actor.id:
        raise Forbidden(reason="receiver_only")
    if post.status != "completed":
        raise Conflict("aid.aid_not_completed")
    _add_thanks(post, actor, text)
    return present(actor, [post], detail=True)[0]


def close(actor, post_id: int) -> AidPost:
    """The author withdraws an open or matched post (the matched helper is told).

    :raises Conflict: ``aid.invalid_transition`` (not open or matched)
    """
    post = _post_or_404(post_id)
    _require_author(actor, post)
    was_matched = post.status == "matched"
    AID_STATES.move(post, "close")
    db.session.flush()
    if was_matched:
        notify([post.helper_id], "aid_closed", _context(post), community_id=post.community_id)
    return present(actor, [post], detail=True)[0]


def reopen(actor, post_id: int, *, needed_at: datetime | None = None) -> AidPost:
    """The author opens a closed or expired post again; earlier responders may be chosen afresh.

    :raises Conflict: ``aid.invalid_transition`` (not closed or expired)
    :raises ValidationFailed: a date in the past
    """
    post = _post_or_404(post_id)
    _require_author(actor, post)
    AID_STATES.check(post, "reopen")
    if needed_at is not None and _is_past(needed_at):
        raise ValidationFailed({"needed_at": ["must be in the future"]})
    if needed_at is not None or _is_past(post.needed_at):
        post.needed_at = needed_at  # a past date would hide the post again at once
    AID_STATES.move(post, "reopen")
    post.helper, post.accepted_response_id = None, None
    post.author_done_at = post.helper_done_at = post.completed_at = None
    for response in db.session.scalars(select(AidResponse).where(AidResponse.post_id == post.id)):
        AID_RESPONSE_STATES.move(response, "reopen")
    db.session.flush()
    return present(actor, [post], detail=True)[0]


def expire_posts(now: datetime | None = None) -> int:
    """Mark open posts whose date has passed as expired (job `expire-aid`, `flask jobs run expire-aid`)."""
    return db.session.execute(
        update(AidPost)
        .where(
            AidPost.status.in_(AID_STATES.sources("expire")),
            AidPost.needed_at.is_not(None),
            AidPost.needed_at <= (now or utcnow()),
        )
        .values(status=AID_STATES.target("expire"))
        .execution_options(synchronize_session=False)
    ).rowcount


# --- thanks on a profile -----------------------------------------------------------------------


def list_thanks(actor, user_id: int, community_id: int, *, limit: int = 20, cursor: str | None = None) -> Page:
    """Thank-yous a person received in a community: text, category, who said it. Nothing personal."""
    access.require_member(actor, community_id)
    stmt = select(AidThanks).where(AidThanks.to_user_id == user_id, AidThanks.community_id == community_id)
    return paginate(stmt, [SortKey(AidThanks.id, descending=True)], limit=limit, cursor=cursor)


# --- blocks -------------------------------------------------------------------------------------


def block(actor, user_id: int) -> UserBlock:
    """Stop someone from responding to my posts and from seeing them (idempotent). A write: refused while
    suspended (unblocking stays possible)."""
    access.require_user(actor)
    if communities.is_suspended_anywhere(actor):
        raise Forbidden(reason="suspended")
    if user_id == actor.id:
        raise ValidationFailed({"user_id": ["you cannot block yourself"]})
    if accounts.get_user(user_id) is None:
        raise NotFound()
    existing = db.session.scalar(
        select(UserBlock).where(UserBlock.blocker_id == actor.id, UserBlock.blocked_id == user_id)
    )
    if existing:
        return existing
    entry = UserBlock(blocker_id=actor.id, blocked_id=user_id)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:  # the same block from another tab won the race
        entry = db.session.scalar(
            select(UserBlock).where(UserBlock.blocker_id == actor.id, UserBlock.blocked_id == user_id)
        )
    return entry


def unblock(actor, user_id: int) -> None:
    access.require_user(actor)
    entry = db.session.scalar(
        select(UserBlock).where(UserBlock.blocker_id == actor.id, UserBlock.blocked_id == user_id)
    )
    if entry:
        db.session.delete(entry)
        db.session.flush()


def list_blocks(actor, *, limit: int = 20, cursor: str | None = None) -> Page:
    access.require_user(actor)
    stmt = select(UserBlock).where(UserBlock.blocker_id == actor.id)
    return paginate(stmt, [SortKey(UserBlock.id, descending=True)], limit=limit, cursor=cursor)


# --- time bank ----------------------------------------------------------------------------------


def _sum_minutes(*conditions) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(TimeBankEntry.minutes), 0)).where(*conditions)) or 0


def my_time_bank(actor, community_id: int, *, limit: int = 20, cursor: str | None = None) -> dict:
    """My balance (hours given minus hours received) and history in a community's time bank."""
    access.require_member(actor, community_id)
    given = _sum_minutes(TimeBankEntry.community_id == community_id, TimeBankEntry.giver_id == actor.id)
    received = _sum_minutes(TimeBankEntry.community_id == community_id, TimeBankEntry.receiver_id == actor.id)
    page = paginate(
        select(TimeBankEntry).where(
            TimeBankEntry.community_id == community_id,
            or_(TimeBankEntry.giver_id == actor.id, TimeBankEntry.receiver_id == actor.id),
        ),
        [SortKey(TimeBankEntry.id, descending=True)],
        limit=limit,
        cursor=cursor,
    )
    people = accounts.users_by_id({e.giver_id for e in page.items} | {e.receiver_id for e in page.items})
    for entry in page.items:
        entry.direction = "given" if entry.giver_id == actor.id else "received"
        entry.other = people.get(entry.receiver_id if entry.direction == "given" else entry.giver_id)
    return {
        "enabled": time_bank_enabled(community_id),
        "given_hours": round(given / 60, 2),
        "received_hours": round(received / 60, 2),
        "balance_hours": round((given - received) / 60, 2),
        "items": page.items,
        "next_cursor": page.next_cursor,
    }


def community_time_bank(actor, community_id: int) -> dict:
    """Committee totals: hours exchanged, people giving and receiving, by category."""
    access.require_committee(actor, community_id)
    in_community = TimeBankEntry.community_id == community_id
    entries, minutes, givers, receivers = db.session.execute(
        select(
            func.count(TimeBankEntry.id),
            func.coalesce(func.sum(TimeBankEntry.minutes), 0),
            func.count(func.distinct(TimeBankEntry.giver_id)),
            func.count(func.distinct(TimeBankEntry.receiver_id)),
        ).where(in_community)
    ).one()
    by_category = db.session.execute(
        select(AidPost.category, func.count(TimeBankEntry.id), func.sum(TimeBankEntry.minutes))
        .join(AidPost, AidPost.id == TimeBankEntry.post_id)
        .where(in_community)
        .group_by(AidPost.category)
        .order_by(AidPost.category)
    ).all()
    completed = db.session.scalar(
        select(func.count())
        .select_from(AidPost)
        .where(AidPost.community_id == community_id, AidPost.status == "completed")
    )
    return {
        "enabled": time_bank_enabled(community_id),
        "entries": entries,
        "total_hours": round(minutes / 60, 2),
        "givers": givers,
        "receivers": receivers,
        "completed_posts": completed,
        "by_category": [{"category": c, "entries": n, "hours": round((m or 0) / 60, 2)} for c, n, m in by_category],
    }
