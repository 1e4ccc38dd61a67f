"""report_transfers and report_events.agency_id: reports transferred to outside agencies (issue 19, 吹哨)

Revision ID: 0036_agencies
Revises: 0035_open311
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import backend.core.db

revision = "0036_agencies"
down_revision = "0035_open311"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("open_report_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("transferred_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.Column("respond_due_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.Column("resolve_due_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.Column("previous_resolve_due_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.Column("accepted_at", backend.core.db.UTCDateTime(), nullable=True),
        sa.Column("returned_at", backend.core.db.UTCDateTime(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("resolved_at", backend.core.db.UTCDateTime(), nullable=True),
        sa.Column("first_resolved_at", backend.core.db.UTCDateTime(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'accepted', 'returned', 'resolved', 'recalled')",
            name=op.f("ck_report_transfers_state_known"),
        ),
        sa.CheckConstraint("reopen_count >= 0", name=op.f("ck_report_transfers_reopen_count_positive")),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_report_transfers_agency_id_agencies")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_report_transfers_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_transfers_report_id_reports"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["transferred_by_id"], ["users.id"], name=op.f("fk_report_transfers_transferred_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_transfers")),
        sa.UniqueConstraint("open_report_id", name=op.f("uq_report_transfers_open_report_id")),
    )
    op.create_index(
        "ix_report_transfers_agency_id_created_at", "report_transfers", ["agency_id", "created_at"], unique=False
    )
    op.create_index(
        "ix_report_transfers_agency_id_state_id", "report_transfers", ["agency_id", "state", "id"], unique=False
    )
    op.create_index(
        "ix_report_transfers_community_id_created_at",
        "report_transfers",
        ["community_id", "created_at"],
        unique=False,
    )
    op.create_index("ix_report_transfers_report_id_id", "report_transfers", ["report_id", "id"], unique=False)
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_report_events_agency_id_agencies"), "agencies", ["agency_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_report_events_agency_id_agencies"), type_="foreignkey")
        batch_op.drop_column("agency_id")
    op.drop_index("ix_report_transfers_report_id_id", table_name="report_transfers")
    op.drop_index("ix_report_transfers_community_id_created_at", table_name="report_transfers")
    op.drop_index("ix_report_transfers_agency_id_state_id", table_name="report_transfers")
    op.drop_index("ix_report_transfers_agency_id_created_at", table_name="report_transfers")
    op.drop_table("report_transfers")
