"""Open311 and the 12345 hotline (issue 19): API keys of outside systems (hashed), hotline tickets taken in
(unique ticket number), hotline import previews, the hotline's reporting account; reports.channel may be open311

Revision ID: 0031_open311
Revises: 0030_agencies
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import backend.core.db

revision = "0031_open311"
down_revision = "0030_agencies"
branch_labels = None
depends_on = None

OLD_CHANNELS = "channel IN ('app', 'phone', 'visit', 'walk_in', 'hotline')"
NEW_CHANNELS = "channel IN ('app', 'phone', 'visit', 'walk_in', 'hotline', 'open311')"


def upgrade():
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", backend.core.db.UTCDateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("last_used_at", backend.core.db.UTCDateTime(), nullable=True),
        sa.Column("requests_posted", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["users.id"], name=op.f("fk_api_keys_account_id_users")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_api_keys_created_by_id_users")),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_api_keys_revoked_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "hotline_accounts",
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_hotline_accounts_user_id_users")),
        sa.PrimaryKeyConstraint("purpose", name=op.f("pk_hotline_accounts")),
    )
    op.create_table(
        "hotline_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_number", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_hotline_tickets_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["imported_by_id"], ["users.id"], name=op.f("fk_hotline_tickets_imported_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_tickets")),
        sa.UniqueConstraint("ticket_number", name=op.f("uq_hotline_tickets_ticket_number")),
    )
    with op.batch_alter_table("hotline_tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_tickets_community_id"), ["community_id"], unique=False)
    op.create_table(
        "hotline_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("created_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('previewed', 'applied')", name=op.f("ck_hotline_imports_status_known")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_hotline_imports_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_hotline_imports_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_imports")),
    )
    with op.batch_alter_table("hotline_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_imports_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_imports_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_reports_channel_known"), type_="check")
        batch_op.create_check_constraint("channel_known", NEW_CHANNELS)


def downgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_reports_channel_known"), type_="check")
        batch_op.create_check_constraint("channel_known", OLD_CHANNELS)
    with op.batch_alter_table("hotline_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_imports_created_at"))
        batch_op.drop_index(batch_op.f("ix_hotline_imports_community_id"))
    op.drop_table("hotline_imports")
    with op.batch_alter_table("hotline_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_tickets_community_id"))
    op.drop_table("hotline_tickets")
    op.drop_table("hotline_accounts")
    op.drop_table("api_keys")
