"""SQL expressions that differ between SQLite and PostgreSQL."""

from sqlalchemy import func

from backend.extensions import db


def month_of(column):
    """'YYYY-MM' of a UTC timestamp column, for GROUP BY month on either database."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)
