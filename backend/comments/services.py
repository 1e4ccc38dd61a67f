"""Comments: one generic thread mechanism for every kind the targets registry marks `commentable`.

A thread is (kind, id) of a registered target (backend.core.targets): its domain says who may see it
(`can_see`), which community it belongs to (posting needs an active membership there), who wrote it and
who follows it (told of new comments). A kind nobody registered as commentable answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import event, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from backend.comments.models import Comment, CommentThread
from backend.communities import access
from backend.core import actors, targets
from backend.core.db import utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, register_messages
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.moderation import services as moderation
from backend.notifications.outbox import notify_after_commit

EDIT_WINDOW = timedelta(minutes=15)
REPLIES_PREVIEW = 20
ORDERS = ("newest", "oldest")
ACTIONS = ("edit", "delete", "reply", "flag")  # what a viewer may do with a comment (`can`)

register_messages(
    "comment",
    {
        "edit_window_closed": {
            "zh-CN": ("无法修改", "评论只能在发布后 15 分钟内修改。"),
            "en": ("Too late to edit", "A comment can only be edited within 15 minutes of posting."),
        },
        "comment_deleted": {
            "zh-CN": ("评论已删除", "这条评论已被删除。"),
            "en": ("Comment deleted", "This comment has been deleted."),
        },
        "reply_depth": {
            "zh-CN": ("无法回复", "只能回复一级评论，不能回复回复。"),
            "en": ("Cannot reply here", "Replies go to top-level comments only, not to other replies."),
        },
    },
)


def _thread_target(kind: str) -> targets.Target:
    """:raises NotFound: a kind that has no threads (an unknown path is a page that does not exist)"""
    target = targets.get(kind)
    if target is None or not target.commentable:
        raise NotFound()
    return target


def _visible_target(actor, kind: str, target_id: int):
    """(registration, item) of a thread the actor may read.

    :raises NotFound: unknown kind or item, or one the actor may not see (its thread does not exist for them)
    """
    target = _thread_target(kind)
    return target, target.get_visible(actor, target_id)


def can_see(actor, comment: Comment) -> bool:
    """Whoever sees the thread sees its comments; a hidden comment only its author."""
    if comment.is_hidden and getattr(actor, "id", None) != comment.author_id:
        return False
    target = targets.get(comment.target_type)
    item = target.load(comment.target_id) if target is not None else None
    return item is not None and target.can_see(actor, item)


def _visible_to(actor):
    """Hidden comments are absent for everyone but their author."""
    actor_id = actors.actor_id(actor)
    if actor_id is None:
        return Comment.is_hidden.is_(False)
    return or_(Comment.is_hidden.is_(False), Comment.author_id == actor_id)


def present(actor, comments: Iterable[Comment]) -> list[Comment]:
    """What this viewer sees of the comments besides their columns: whether each is theirs, and `can`."""
    comments = list(comments)
    actor_id = actors.actor_id(actor)
    for comment in comments:
        comment.is_mine = actor_id is not None and comment.author_id == actor_id
        comment.can = abilities(actor, comment)
    return comments


def abilities(actor, comment: Comment) -> dict[str, bool]:
    """What this viewer may do with the comment now (`can`; the services check again)."""
    if not actors.is_signed_in(actor) or comment.is_deleted:
        return dict.fromkeys(ACTIONS, False)
    member = access.membership(actor, comment.community_id)  # loaded once per request and community
    active = member is not None and member.status != "suspended"
    mine = comment.author_id == actor.id
    return {
        "edit": mine and active and utcnow() - comment.created_at <= EDIT_WINDOW,
        "delete": mine,
        "reply": active and comment.parent_id is None,
        "flag": active and not mine,
    }


# --- reading -------------------------------------------------------------------------------------


def list_comments(
    actor,
    target_type: str,
    target_id: int,
    *,
    order: str = "oldest",
    parent_id: int | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Page:
    """One page of a thread: top-level comments with their first replies, or the replies of `parent_id`.

    :raises NotFound: unknown or invisible target, or a parent that is not a top-level comment of it
    """
    if order not in ORDERS:
        raise ValidationFailed({"order": [f"one of {', '.join(ORDERS)}"]})
    _visible_target(actor, target_type, target_id)
    stmt = select(Comment).where(Comment.target_type == target_type, Comment.target_id == target_id, _visible_to(actor))
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if (
            parent is None
            or (parent.target_type, parent.target_id) != (target_type, target_id)
            or parent.parent_id is not None
        ):
            raise NotFound()
        stmt = stmt.where(Comment.parent_id == parent_id)
    else:
        stmt = stmt.where(Comment.parent_id.is_(None))
    # Ids grow with time, so the id alone is a unique, chronological key.
    page = paginate(stmt, [SortKey(Comment.id, descending=order == "newest")], limit=limit, cursor=cursor)
    if parent_id is None:
        _attach_replies(actor, page.items)
    present(actor, page.items)
    return page


def _attach_replies(actor, comments: list[Comment]) -> None:
    """The first replies (oldest first) of each top-level comment, in one query."""
    for comment in comments:
        comment.replies = []
    ids = [c.id for c in comments]
    if not ids:
        return
    ranked = (
        select(
            Comment.id, func.row_number().over(partition_by=Comment.parent_id, order_by=Comment.id).label("position")
        )
        .where(Comment.parent_id.in_(ids), _visible_to(actor))
        .subquery()
    )
    replies = db.session.scalars(
        select(Comment)
        .join(ranked, ranked.c.id == Comment.id)
        .where(ranked.c.position <= REPLIES_PREVIEW)
        .order_by(Comment.id)
    ).all()
    by_id = {c.id: c for c in comments}
    for reply in replies:
        by_id[reply.parent_id].replies.append(reply)
    present(actor, replies)


def counts_for(target_type: str, target_ids: Iterable[int]) -> dict[int, int]:
    """Visible comment counts of many targets, for lists (targets without comments are absent)."""
    ids = list(target_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(CommentThread.target_id, CommentThread.comments_count).where(
                CommentThread.target_type == target_type, CommentThread.target_id.in_(ids)
            )
        ).all()
    )


def count_column(target_type: str, target_id_column):
    """SQL: the visible comment count of each row's target (0 without comments), for a list's own SELECT:
    counts_for's figure as a correlated scalar subquery (issue 17's prebuilt reads)."""
    threads = CommentThread.__table__  # the table's columns: a Core statement stays free of ORM entities
    count = (
        select(threads.c.comments_count)
        .where(threads.c.target_type == target_type, threads.c.target_id == target_id_column)
        .scalar_subquery()
    )
    return func.coalesce(count, 0)


def get_comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound()
    return comment


# --- writing -------------------------------------------------------------------------------------


def _change_count(target_type: str, target_id: int, delta: int) -> None:
    """comments_count += delta in SQL; the thread row is created by the first comment (race-safe)."""
    stmt = (
        update(CommentThread)
        .where(CommentThread.target_type == target_type, CommentThread.target_id == target_id)
        .values(comments_count=CommentThread.comments_count + delta)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(stmt).rowcount or delta < 0:
        return
    try:
        with db.session.begin_nested():
            db.session.add(CommentThread(target_type=target_type, target_id=target_id, comments_count=delta))
    except IntegrityError:  # a concurrent first comment created the row: count on it
        db.session.execute(stmt)


def post_comment(actor, target_type: str, target_id: int, *, body: str, parent_id: int | None = None) -> Comment:
    """A member (pending included, not suspended) comments on a target they can see, or replies once deep.

    :raises NotFound: unknown/invisible target or parent
    :raises Forbidden: not a member, suspended
    :raises Conflict: ``comment.reply_depth`` (replying to a reply), ``comment.comment_deleted`` (replying to a
        deleted one)
    """
    access.require_user(actor)
    target, item = _visible_target(actor, target_type, target_id)
    community_id = target.community_id(item)
    access.require_active_member(actor, community_id)
    body = body.strip()
    if not body:
        raise ValidationFailed({"body": ["must not be empty"]})
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if (
            parent is None
            or (parent.target_type, parent.target_id) != (target_type, target_id)
            or (parent.is_hidden and parent.author_id != actor.id)
        ):
            raise ValidationFailed({"parent_id": ["no such comment in this thread"]})
        if parent.parent_id is not None:
            raise Conflict("comment.reply_depth")
        if parent.is_deleted:
            raise Conflict("comment.comment_deleted")
    comment = Comment(
        community_id=community_id,
        target_type=target_type,
        target_id=target_id,
        parent_id=parent_id,
        author_id=actor.id,
        body=body,
    )
    db.session.add(comment)
    db.session.flush()
    if parent is not None:
        db.session.execute(
            update(Comment)
            .where(Comment.id == parent.id)
            .values(replies_count=Comment.replies_count + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(parent, ["replies_count"])
    _change_count(target_type, target_id, +1)
    moderation.hold_if_filtered("comment", comment, body)  # a filtered word hides it until reviewed
    _tell_about(actor, target, item, comment, parent)
    comment.replies = []
    present(actor, [comment])
    return comment


def _tell_about(actor, target: targets.Target, item, comment: Comment, parent: Comment | None) -> None:
    context = {
        "target_type": comment.target_type,
        "target_id": comment.target_id,
        "comment_id": comment.id,
        "title": target.title(item),
    }
    author_id = target.author_id(item)
    # Told by a job after the commit (backend.notifications.outbox): the comment's transaction writes one row.
    if parent is not None:
        notify_after_commit(
            [parent.author_id, author_id],
            "comment_reply",
            context,
            community_id=comment.community_id,
            exclude=[actor.id],
        )
    else:
        notify_after_commit(
            [author_id],
            "comment_posted",
            context,
            community_id=comment.community_id,
            exclude=[actor.id],
            followers_of=(comment.target_type, comment.target_id),
        )


def _own_comment(actor, comment_id: int) -> Comment:
    access.require_user(actor)
    comment = get_comment(comment_id)
    if comment.author_id != actor.id:
        raise Forbidden(reason="not_author")
    return comment


def edit_comment(actor, comment_id: int, *, body: str) -> Comment:
    """The author corrects a comment within 15 minutes of posting it.

    :raises Forbidden: not the author, suspended
    :raises Conflict: ``comment.edit_window_closed``, ``comment.comment_deleted``
    """
    comment = _own_comment(actor, comment_id)
    access.require_active_member(actor, comment.community_id)
    if comment.is_deleted:
        raise Conflict("comment.comment_deleted")
    now = utcnow()
    if now - comment.created_at > EDIT_WINDOW:
        raise Conflict("comment.edit_window_closed")
    body = body.strip()
    if not body:
        raise ValidationFailed({"body": ["must not be empty"]})
    comment.body, comment.edited_at = body, now
    db.session.flush()
    moderation.hold_if_filtered("comment", comment, body)
    comment.replies = []
    present(actor, [comment])
    return comment


def delete_comment(actor, comment_id: int) -> None:
    """The author deletes a comment: its text is erased, a placeholder keeps its replies in place.

    Deleting twice is harmless (DELETE is idempotent); the count drops once.
    """
    comment = _own_comment(actor, comment_id)
    if comment.is_deleted:
        return
    moderation.require_not_evidence(actor, "comment", comment.id, comment.community_id)
    comment.deleted_at, comment.body = utcnow(), ""
    db.session.flush()
    if not comment.is_hidden:
        _change_count(comment.target_type, comment.target_id, -1)


def set_hidden(comment_id: int, hidden: bool) -> Comment:
    """Hide or restore a comment (moderation checks the committee; the count follows by itself)."""
    comment = get_comment(comment_id)
    comment.is_hidden = hidden
    db.session.flush()
    return comment


# Moderation sets `is_hidden` on the item it loads; the thread's count follows whoever changes it.
@event.listens_for(Comment.is_hidden, "set")
def _hidden_changed(comment, value, oldvalue, _initiator):
    if oldvalue not in (True, False) or bool(value) == bool(oldvalue) or comment.is_deleted:
        return  # a new comment (counted when posted), no change, or a placeholder (no longer counted)
    session = object_session(comment)
    if session is not None:
        session.info.setdefault("comment_count_deltas", []).append(
            (comment.target_type, comment.target_id, -1 if value else +1)
        )


@event.listens_for(Session, "after_flush")
def _apply_count_deltas(session, _flush_context):
    threads = CommentThread.__table__
    for target_type, target_id, delta in session.info.pop("comment_count_deltas", []):
        session.connection().execute(
            update(threads)
            .where(threads.c.target_type == target_type, threads.c.target_id == target_id)
            .values(comments_count=threads.c.comments_count + delta)
        )
