"""register_residents: one account linked to at most one record of a community (issue 18, the register's link
to members' accounts)

Revision ID: 0036_reach
Revises: 0036_agencies
Create Date: 2026-12-06
"""

from alembic import op

revision = "0036_reach"
down_revision = "0036_agencies"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("register_residents", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_register_residents_community_id_user_id"), ["community_id", "user_id"]
        )


def downgrade():
    with op.batch_alter_table("register_residents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_register_residents_community_id_user_id"), type_="unique")
