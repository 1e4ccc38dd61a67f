"""insights: sent early warnings; indexes the period figures need on reports

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_reports_community_id_created_at", "reports", ["community_id", "created_at"]),
    ("ix_reports_community_id_resolved_at_created_at", "reports", ["community_id", "resolved_at", "created_at"]),
    ("ix_reports_community_id_accepted_at_created_at", "reports", ["community_id", "accepted_at", "created_at"]),
    ("ix_reports_community_id_closed_at", "reports", ["community_id", "closed_at"]),
)


def upgrade():
    op.create_table(
        "insights_sent_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=50), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('grid_surge', 'reopen_rising')", name=op.f("ck_insights_sent_warnings_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_insights_sent_warnings_community_id_communities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights_sent_warnings")),
        sa.UniqueConstraint(
            "community_id",
            "kind",
            "subject",
            "week_start",
            name=op.f("uq_insights_sent_warnings_community_id_kind_subject_week_start"),
        ),
    )
    for name, table, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    op.drop_table("insights_sent_warnings")
