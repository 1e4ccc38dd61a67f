"""audit log append-only on SQLite too: triggers refuse UPDATE and DELETE, as on PostgreSQL (issue 15)

The application refuses to change an audit entry (an ORM event), and PostgreSQL has had a trigger since
0007; SQLite had nothing below the ORM, so a raw statement (a bug, an injection, a script) could rewrite
the log. These triggers make the database itself refuse.

Revision ID: 0014_trust
Revises: 0013_search
Create Date: 2026-12-06
"""

from alembic import op

revision = "0014_trust"
down_revision = "0013_search"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "audit_entries_no_update": "BEFORE UPDATE",
    "audit_entries_no_delete": "BEFORE DELETE",
}


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, when in SQLITE_TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} {when} ON audit_entries "
            "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END"
        )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
