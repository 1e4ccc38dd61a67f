"""insights_community_figures: this week's and this month's figures of every community, materialised by the
insights-rollup job for the district and street roll-up (issue 19)

Revision ID: 0035_open311
Revises: 0034_calendar
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import backend.core.db

revision = "0035_open311"
down_revision = "0034_calendar"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "insights_community_figures",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("generated_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.CheckConstraint("period IN ('week', 'month')", name=op.f("ck_insights_community_figures_period_known")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_insights_community_figures_community_id_communities")
        ),
        sa.PrimaryKeyConstraint("community_id", "period", name=op.f("pk_insights_community_figures")),
    )


def downgrade():
    op.drop_table("insights_community_figures")
