"""Aid posts in search: found by the verified members of their community, as the aid list shows them: never
a hidden post, never a post of someone who blocked the person or whom the person blocked."""

from sqlalchemy import false, or_, select

from backend.aid.models import AidPost, UserBlock
from backend.communities import access
from backend.core import search


def visible_ids(actor, community_id: int):
    member = access.membership(actor, community_id)
    if member is None or not member.is_verified:
        return select(AidPost.id).where(false())
    blocked = or_(
        select(UserBlock.id)
        .where(UserBlock.blocker_id == AidPost.author_id, UserBlock.blocked_id == actor.id)
        .exists(),
        select(UserBlock.id)
        .where(UserBlock.blocker_id == actor.id, UserBlock.blocked_id == AidPost.author_id)
        .exists(),
    )
    return select(AidPost.id).where(AidPost.community_id == community_id, AidPost.is_hidden.is_(False), ~blocked)


search.register(
    "aid",
    model=AidPost,
    screen="/help/aid/{id}",
    icon="help",
    labels={"zh-CN": ("邻里互助", "互助"), "en": ("Neighbour help", "Help")},
    title=lambda post: post.title,
    body=lambda post: post.body,
    words=("title", "body"),
    visible_ids=visible_ids,
)
