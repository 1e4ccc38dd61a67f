"""The committee's register record of me (once linked to my account) with its household, and the imports I
ran as staff (counts only: the rows of a preview are other people's data)."""

from sqlalchemy import select

from backend.core.personal_data import row_dict, rows_of
from backend.extensions import db
from backend.register.models import RegisterImport, RegisterResident

TABLES = ("register_residents", "register_households", "register_imports")


def export(user) -> dict:
    mine = db.session.scalars(
        select(RegisterResident).where(RegisterResident.user_id == user.id).order_by(RegisterResident.id)
    )  # the household comes in the same SELECT (joined)
    return {
        "records": [{**row_dict(record), "household": row_dict(record.household)} for record in mine],
        "imports_run": rows_of(
            select(RegisterImport).where(RegisterImport.created_by_id == user.id), leave_out=("rows",)
        ),
    }
