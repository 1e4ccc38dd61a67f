"""household agreements: a verified resident agrees to (or refuses) a claim on their flat (issue 15)

Revision ID: 0023_trust
Revises: 0021_register
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_trust"
down_revision = "0021_register"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "household_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IN ('agree', 'refuse')", name=op.f("ck_household_agreements_decision_known")),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_agreements_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_household_agreements_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["resident_id"], ["users.id"], name=op.f("fk_household_agreements_resident_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_agreements")),
        sa.UniqueConstraint(
            "membership_id", "household_id", name=op.f("uq_household_agreements_membership_id_household_id")
        ),
    )
    with op.batch_alter_table("household_agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_agreements_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_agreements_resident_id"), ["resident_id"], unique=False)


def downgrade():
    op.drop_table("household_agreements")
