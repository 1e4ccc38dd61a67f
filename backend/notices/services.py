"""Notices: the committee publishes, residents addressed read (receipts counted), scheduled ones wait."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, or_, select, update
from sqlalchemy.exc import IntegrityError

from backend import jobs
from backend.audit import services as audit
from backend.communities import access
from backend.communities import services as communities
from backend.core.db import after_commit, utcnow
from backend.core.errors import Conflict, NotFound, register_messages
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.moderation import services as moderation
from backend.notices.models import Notice, NoticeGrid, NoticeRead
from backend.notifications.services import notify
from backend.notifications.sms import reach_by_sms

ACTIONS = ("comment",)  # what a member may do with a notice (`can`)

register_messages(
    "notice",
    {
        "held_for_review": {
            "zh-CN": ("公告待审核", "这条公告因含有过滤词正在等待审核，恢复后才能打印张贴。"),
            "en": ("Notice held for review", "This notice is held for review (a filtered word): restore it first."),
        },
    },
)


def _grid_ids_of(notice_ids: list[int]) -> dict[int, list[int]]:
    grids: dict[int, list[int]] = {nid: [] for nid in notice_ids}
    if notice_ids:
        for notice_id, grid_id in db.session.execute(
            select(NoticeGrid.notice_id, NoticeGrid.grid_id)
            .where(NoticeGrid.notice_id.in_(notice_ids))
            .order_by(NoticeGrid.grid_id)
        ):
            grids[notice_id].append(grid_id)
    return grids


def _announce(notice: Notice, grid_ids: list[int], now: datetime) -> None:
    """Tell the residents addressed (pending and suspended too: a water cut concerns everyone living there)."""
    recipients = communities.community_member_ids(notice.community_id, grid_ids=grid_ids or None, verified_only=False)
    notify(
        recipients,
        "notice_published",
        {
            "notice_id": notice.id,
            "notice_title": notice.title,
            "excerpt": _excerpt(notice.body),
            "urgent": notice.is_urgent,
        },
        community_id=notice.community_id,
        exclude=[notice.author_id],
    )
    if notice.is_urgent:
        _reach_by_sms(notice, grid_ids)
    notice.notified_at = now


def _reach_by_sms(notice: Notice, grid_ids: list[int]) -> None:
    """An urgent notice also goes by SMS to the verified residents addressed whom no push reaches (each SMS costs
    the community money: pending claims nobody has checked get the inbox and push only). notifications.sms
    decides who, once each, in a job after the commit; the SMS links to the notice in the app."""
    community = communities.get_community(notice.community_id)
    reach_by_sms(
        communities.community_member_ids(notice.community_id, grid_ids=grid_ids or None, verified_only=True),
        topic=f"notice-{notice.id}",
        purpose="urgent_notice",
        params={"community": community.name, "title": notice.title, "link": notice_url(notice.id)},
        exclude=[notice.author_id],
    )


def notice_url(notice_id: int) -> str:
    """The notice's address in the app, for an SMS or a poster's QR code (members sign in to read it)."""
    return f"{current_app.config['PUBLIC_URL']}/notices/{notice_id}"


def create_notice(
    actor,
    community_id: int,
    *,
    title: str,
    body: str,
    pinned: bool = False,
    urgent: bool = False,
    grid_ids: list[int] | None = None,
    publish_at: datetime | None = None,
) -> Notice:
    """Publish a notice (committee) to the community or some grids; now, or at publish_at.

    :raises ValidationFailed: a grid of another community
    """
    access.require_committee(actor, community_id)
    grids = [communities.grid_in_community(community_id, gid, "grid_ids") for gid in dict.fromkeys(grid_ids or [])]
    now = utcnow()
    notice = Notice(
        community_id=community_id,
        author_id=actor.id,
        title=title.strip(),
        body=body.strip(),
        is_pinned=pinned,
        is_urgent=urgent,
        is_whole_community=not grids,
        publish_at=publish_at or now,
        created_at=now,
    )
    db.session.add(notice)
    db.session.flush()
    db.session.add_all(NoticeGrid(notice_id=notice.id, grid_id=grid.id) for grid in grids)
    # A notice held by the word filter is announced by publish_due_notices once it is restored.
    held = moderation.hold_if_filtered("notice", notice, notice.title, notice.body)
    if notice.publish_at <= now and not held:
        _announce(notice, [g.id for g in grids], now)
    db.session.flush()
    audit.record(
        actor,
        "notice.publish",
        "notice",
        notice.id,
        community_id=community_id,
        after={
            "title": notice.title,
            "urgent": urgent,
            "pinned": pinned,
            "grid_ids": [g.id for g in grids],
            "publish_at": notice.publish_at.isoformat(),
        },
    )
    return present(actor, [notice], committee=True)[0]


def _excerpt(body: str, length: int = 80) -> str:
    """The first line of the body, short enough for a lock-screen push."""
    first = " ".join(body.split())
    return first if len(first) <= length else first[: length - 1] + "…"


def publish_due_notices(now: datetime | None = None) -> int:
    """Announce scheduled notices whose time has come, each once (conditional UPDATE on notified_at)."""
    now = now or utcnow()
    count = 0
    for notice_id in list(
        db.session.scalars(
            select(Notice.id)
            .where(Notice.notified_at.is_(None), Notice.publish_at <= now, Notice.is_hidden.is_(False))
            .limit(500)
        )
    ):
        won = db.session.execute(
            update(Notice)
            .where(Notice.id == notice_id, Notice.notified_at.is_(None), Notice.is_hidden.is_(False))
            .values(notified_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won:
            notice = db.session.get(Notice, notice_id, populate_existing=True)
            _announce(notice, _grid_ids_of([notice_id])[notice_id], now)
            count += 1
    return count


def _addressed_to(member):
    """SQL conditions: notices this member may see (published, to everyone or to their grid, not hidden by
    moderation unless they wrote it)."""
    to_my_grid = (
        Notice.id.in_(select(NoticeGrid.notice_id).where(NoticeGrid.grid_id == member.grid_id))
        if member.grid_id
        else False
    )
    return (
        Notice.publish_at <= utcnow(),
        or_(Notice.is_whole_community.is_(True), to_my_grid),
        or_(Notice.is_hidden.is_(False), Notice.author_id == member.user_id),
    )


def present(actor, notices: list[Notice], *, committee: bool) -> list[Notice]:
    """What this viewer sees of the notices besides their columns: grids, read or not, scheduled, the read
    count (the committee only), and `can`."""
    ids = [n.id for n in notices]
    grids = _grid_ids_of(ids)
    read = (
        set(
            db.session.scalars(
                select(NoticeRead.notice_id).where(NoticeRead.user_id == actor.id, NoticeRead.notice_id.in_(ids))
            )
        )
        if ids
        else set()
    )
    now = utcnow()
    for notice in notices:
        notice.grid_ids = grids.get(notice.id, [])
        notice.is_read = notice.id in read
        notice.is_scheduled = notice.publish_at > now
        notice.visible_read_count = notice.read_count if committee else None
        notice.can = abilities(actor, notice)
    return notices


def abilities(actor, notice: Notice) -> dict[str, bool]:
    """What a member who sees the notice may do with it (`can`)."""
    member = access.membership(actor, notice.community_id)
    return {"comment": member is not None and member.status != "suspended"}


# An urgent notice heads every list (and the home page's banner) while it is this recent; after that it is a
# notice like the others (a water cut of last month is no longer news).
URGENT_FOR = timedelta(days=7)


def urgency_rank(now: datetime):
    """SQL: 0 for an urgent notice of the last week, 1 for a pinned one, 2 for the rest."""
    return case(
        (Notice.is_urgent.is_(True) & (Notice.publish_at > now - URGENT_FOR), 0),
        (Notice.is_pinned.is_(True), 1),
        else_=2,
    )


def rank_of(notice: Notice, now: datetime) -> int:
    """The same rank in Python (the list's cursor reads it off a notice)."""
    if notice.is_urgent and notice.publish_at > now - URGENT_FOR:
        return 0
    return 1 if notice.is_pinned else 2


def list_notices(actor, community_id: int, *, limit: int = 20, cursor: str | None = None) -> Page:
    """Members see the notices addressed to them, urgent ones first, then pinned, then newest; the committee
    sees all."""
    member = access.require_member(actor, community_id)
    stmt = select(Notice).where(Notice.community_id == community_id)
    if not member.is_committee:
        stmt = stmt.where(*_addressed_to(member))
    now = utcnow()
    # the rank is a number in SQL and in the cursor alike (booleans cannot be compared with < in SQL)
    urgent_first = SortKey(urgency_rank(now), value_of=lambda n: rank_of(n, now))
    keys = [urgent_first, SortKey(Notice.publish_at, descending=True), SortKey(Notice.id, descending=True)]
    page = paginate(stmt, keys, limit=limit, cursor=cursor)
    present(actor, page.items, committee=member.is_committee)
    return page


def read_notice(actor, notice_id: int) -> Notice:
    """Open a notice; a resident's first opening leaves a read receipt (counted once, by the database).

    Reading writes nothing itself: the receipt is written by a job once the read is answered.

    :raises NotFound: unknown, not addressed to this member, or not yet published
    """
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound()
    member = access.require_member(actor, notice.community_id)
    if not can_see(actor, notice):
        raise NotFound()
    present(actor, [notice], committee=member.is_committee)
    if not member.is_committee:
        notice_id, user_id = notice.id, actor.id
        after_commit(lambda: jobs.enqueue(record_read, notice_id, user_id))
        notice.is_read = True  # this opening is the receipt
    return notice


def record_read(notice_id: int, user_id: int) -> bool:
    """Job: the read receipt of one person's first opening, counted once (unique receipt, SQL increment)."""
    try:
        with db.session.begin_nested():
            db.session.add(NoticeRead(notice_id=notice_id, user_id=user_id))
    except IntegrityError:
        return False  # read before: the receipt exists, the count stays
    db.session.execute(
        update(Notice)
        .where(Notice.id == notice_id)
        .values(read_count=Notice.read_count + 1)
        .execution_options(synchronize_session=False)
    )
    return True


def poster(actor, notice_id: int) -> dict:
    """What a printed poster of the notice shows (committee): the notice, the community's name and the notice's
    address, for its QR code. A notice held for review is not printed until the committee restores it.

    :raises NotFound: no such notice
    :raises Forbidden: not on this community's committee
    :raises Conflict: ``notice.held_for_review``
    """
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound()
    access.require_committee(actor, notice.community_id)
    if notice.is_hidden:
        raise Conflict("notice.held_for_review")
    community = communities.get_community(notice.community_id)
    return {"notice": notice, "community_name": community.name, "url": notice_url(notice.id)}


def can_see(actor, notice: Notice) -> bool:
    """Members see the published notices addressed to them (the committee sees all)."""
    member = access.membership(actor, notice.community_id)
    if member is None:
        return False
    if member.is_committee:
        return True
    return db.session.scalar(select(Notice.id).where(Notice.id == notice.id, *_addressed_to(member))) is not None
