"""acting on behalf (代办): residents registered in person, with their paper consent and letter code; reports
filed by staff for a resident, with the channel (issue 18)

Revision ID: 0021_onbehalf
Revises: 0024_trust
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_onbehalf"
down_revision = "0024_trust"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assisted_residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("consent_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("letter_code_hash", sa.String(length=64), nullable=True),
        sa.Column("letter_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("taken_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_assisted_residents_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"], ["users.id"], name=op.f("fk_assisted_residents_registered_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_assisted_residents_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assisted_residents")),
        sa.UniqueConstraint("letter_code_hash", name=op.f("uq_assisted_residents_letter_code_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_assisted_residents_user_id")),
    )
    with op.batch_alter_table("assisted_residents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assisted_residents_community_id"), ["community_id"], unique=False)
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("channel", sa.String(length=10), nullable=False, server_default="app"))
        batch_op.create_foreign_key(batch_op.f("fk_reports_filed_by_id_users"), "users", ["filed_by_id"], ["id"])
        batch_op.create_check_constraint("channel_known", "channel IN ('app', 'phone', 'visit', 'walk_in', 'hotline')")


def downgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_reports_channel_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_reports_filed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("channel")
        batch_op.drop_column("filed_by_id")
    with op.batch_alter_table("assisted_residents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assisted_residents_community_id"))
    op.drop_table("assisted_residents")
