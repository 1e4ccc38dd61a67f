"""A member's profile as a target: flagged, and its person warned or suspended, never hidden."""

from backend.accounts.schemas import public_name
from backend.communities import access, services
from backend.core import targets

targets.register(
    "member",
    load=services.get_membership,
    can_see=lambda actor, member: access.membership(actor, member.community_id) is not None,
    author_id=lambda member: member.user_id,
    title=lambda member: public_name(member.user),
    flaggable=True,
)
