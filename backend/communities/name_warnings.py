"""Names that imitate a committee member's (issue 15): the committee is warned when someone joins, or renames
themselves, with a name that looks like one of theirs ("李主任" and "李 主任", "Wang" and "Wаng" with a Cyrillic
а; see backend/accounts/names.py for what counts as looking alike).

The member list shows the same warning (`imitates`) to the committee; this module also tells them, through the
`name_imitation` notification, once per person and name: `memberships.name_warning_skeleton` holds the look-alike
of the last name they were warned about, claimed by a conditional UPDATE, so a second change to the same name (or
two requests at once) tells nobody twice. The person is never told (that would teach them what passes).

This module imports no other module of the communities domain but its models, so that `services` may use it.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update

from backend.accounts.names import skeleton
from backend.accounts.services import register_rename_listener, users_by_id
from backend.communities.models import Membership
from backend.extensions import db
from backend.notifications.services import notify

SKELETON_MAX = 100  # the column's size; NFKC may make a 40-character name longer


def committee_skeletons(community_id: int) -> list[tuple[int, str, str]]:
    """(user id, name, skeleton) of the community's committee members: one query for a page of members."""
    ids = db.session.scalars(
        select(Membership.user_id).where(Membership.community_id == community_id, Membership.role == "committee")
    )
    users = users_by_id(ids)
    return [(uid, user.display_name, skeleton(user.display_name)) for uid, user in users.items() if user.display_name]


def imitated_name(user_id: int, name: str | None, committee: list[tuple[int, str, str]]) -> str | None:
    """A committee member's name that `name` looks like, or contains (a name of two or more characters:
    "李主任" in "李主任(居委会)"); never a person's own name."""
    mine = skeleton(name)
    for uid, their_name, theirs in committee:
        if uid != user_id and mine and theirs and (mine == theirs or (len(theirs) >= 2 and theirs in mine)):
            return their_name
    return None


def warn_committee(member: Membership) -> bool:
    """Tell the committee when this member's name imitates one of theirs, unless told already about this name.

    Returns whether they were told. Committee members themselves are never reported.
    """
    if member.role == "committee" or member.user is None:
        return False
    name = member.user.display_name
    committee = committee_skeletons(member.community_id)
    imitated = imitated_name(member.user_id, name, committee)
    if imitated is None:
        return False
    mark = skeleton(name)[:SKELETON_MAX]
    claimed = db.session.execute(
        update(Membership)
        .where(
            Membership.id == member.id,
            or_(Membership.name_warning_skeleton.is_(None), Membership.name_warning_skeleton != mark),
        )
        .values(name_warning_skeleton=mark)
    ).rowcount
    if claimed != 1:
        return False
    committee_ids = db.session.scalars(
        select(Membership.user_id).where(Membership.community_id == member.community_id, Membership.role == "committee")
    )
    notify(
        committee_ids,
        "name_imitation",
        {
            "community_id": member.community_id,
            "community_name": member.community.name,
            "member_name": name,
            "imitated_name": imitated,
            "user_id": member.user_id,
        },
        community_id=member.community_id,
        exclude=[member.user_id],
    )
    return True


def warn_on_rename(user) -> None:
    """A new display name is checked against the committee of every community the person belongs to."""
    for member in db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all():
        warn_committee(member)


register_rename_listener(warn_on_rename)
