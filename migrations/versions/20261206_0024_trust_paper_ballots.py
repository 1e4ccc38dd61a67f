"""paper ballots: the roll says through which channel a voter voted, and who recorded a paper ballot (issue 18)

Revision ID: 0024_trust
Revises: 0023_trust
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_trust"
down_revision = "0023_trust"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("poll_roll", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=10), server_default="app", nullable=False))
        batch_op.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_poll_roll_recorded_by_id_users"), "users", ["recorded_by_id"], ["id"]
        )
        batch_op.create_check_constraint("channel_known", "channel IN ('app', 'paper')")


def downgrade():
    with op.batch_alter_table("poll_roll", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_poll_roll_channel_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_poll_roll_recorded_by_id_users"), type_="foreignkey")
        batch_op.drop_column("recorded_by_id")
        batch_op.drop_column("channel")
