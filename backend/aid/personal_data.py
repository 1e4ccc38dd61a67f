"""My aid posts and responses, thanks given and received, my time-bank ledger, people I blocked.

Who blocked me is theirs to keep: blocks are exported only from the blocker's side.
"""

from sqlalchemy import or_, select

from backend.aid.models import AidPost, AidResponse, AidThanks, TimeBankEntry, UserBlock
from backend.core.personal_data import rows_of

TABLES = ("aid_posts", "aid_responses", "aid_thanks", "time_bank_entries", "user_blocks")


def export(user) -> dict:
    return {
        "posts": rows_of(select(AidPost).where(or_(AidPost.author_id == user.id, AidPost.helper_id == user.id))),
        "responses": rows_of(select(AidResponse).where(AidResponse.responder_id == user.id)),
        "thanks": rows_of(
            select(AidThanks).where(or_(AidThanks.from_user_id == user.id, AidThanks.to_user_id == user.id))
        ),
        "time_bank": rows_of(
            select(TimeBankEntry).where(or_(TimeBankEntry.giver_id == user.id, TimeBankEntry.receiver_id == user.id))
        ),
        "blocked": rows_of(select(UserBlock).where(UserBlock.blocker_id == user.id)),
    }
