"""the three-level network, part one (issue 19): street and district officials, escalation beyond the committee

`region_officials` (who officiates a street or a district, appointed by a platform admin) and, on reports,
`street_escalated_at` / `district_escalated_at`: the sla-sweep's next levels once the committee (then the
street) let its own deadline pass.

Revision ID: 0016_network
Revises: 0017_onbehalf
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_network"
down_revision = "0017_onbehalf"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "region_officials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("appointed_by_id", sa.Integer(), nullable=True),
        sa.Column("appointed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointed_by_id"], ["users.id"], name=op.f("fk_region_officials_appointed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_region_officials_region_id_regions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_region_officials_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_officials")),
        sa.UniqueConstraint("region_id", "user_id", name=op.f("uq_region_officials_region_id_user_id")),
    )
    with op.batch_alter_table("region_officials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_officials_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("street_escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("district_escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_reports_street_escalated_at_escalated_at", ["street_escalated_at", "escalated_at"], unique=False
        )
        batch_op.create_index(
            "ix_reports_district_escalated_at_street_escalated_at",
            ["district_escalated_at", "street_escalated_at"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_district_escalated_at_street_escalated_at")
        batch_op.drop_index("ix_reports_street_escalated_at_escalated_at")
        batch_op.drop_column("district_escalated_at")
        batch_op.drop_column("street_escalated_at")
    with op.batch_alter_table("region_officials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_officials_user_id"))
    op.drop_table("region_officials")
