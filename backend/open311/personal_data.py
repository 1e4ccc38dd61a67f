"""What I did here as staff: the API keys I issued or revoked (never the key's hash), the hotline imports I ran
(counts only: a preview's rows are callers' words) and the tickets I took in. `hotline_accounts` names the one
account hotline reports are reported by: nobody's personal data."""

from sqlalchemy import or_, select

from backend.core.personal_data import rows_of
from backend.open311.models import ApiKey, HotlineImport, HotlineTicket

TABLES = ("api_keys", "hotline_accounts", "hotline_tickets", "hotline_imports")


def export(user) -> dict:
    return {
        "api_keys_issued_or_revoked": rows_of(
            select(ApiKey).where(or_(ApiKey.created_by_id == user.id, ApiKey.revoked_by_id == user.id)),
            leave_out=("key_hash",),
        ),
        "hotline_imports_run": rows_of(
            select(HotlineImport).where(HotlineImport.created_by_id == user.id), leave_out=("rows",)
        ),
        "hotline_tickets_taken_in": rows_of(select(HotlineTicket).where(HotlineTicket.imported_by_id == user.id)),
    }
