"""The agencies I work for (export: accounts.personal_data)."""

from sqlalchemy import select

from backend.agencies.models import AgencyMember
from backend.core.personal_data import rows_of

TABLES = ("agency_members",)


def export(user) -> dict:
    # Who added me is the registrar's own record, not my data.
    return {"agency_memberships": rows_of(select(AgencyMember).where(AgencyMember.user_id == user.id))}
