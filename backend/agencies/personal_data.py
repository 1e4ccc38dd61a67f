"""The agencies I work for, and the agencies I registered as an official (export: accounts.personal_data)."""

from sqlalchemy import select

from backend.agencies.models import Agency, AgencyMember
from backend.core.personal_data import rows_of

TABLES = ("agency_members", "agencies")


def export(user) -> dict:
    # Who added me is the registrar's own record, not my data.
    return {
        "agency_memberships": rows_of(select(AgencyMember).where(AgencyMember.user_id == user.id)),
        "agencies_registered": rows_of(select(Agency).where(Agency.created_by_id == user.id)),
    }
