"""invited members: an invite makes a neighbour known, not verified (issue 15)

A new membership state, `invited`, between pending and verified, and `invited_by_id` (whose invite brought
the member: the invite chain the committee sees). Members verified by an invite before this revision keep
their state; their inviter is filled in from the invites they used.

Revision ID: 0015_trust
Revises: 0014_trust
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_trust"
down_revision = "0014_trust"
branch_labels = None
depends_on = None

OLD_STATES = "status IN ('pending', 'verified', 'suspended')"
NEW_STATES = "status IN ('pending', 'invited', 'verified', 'suspended')"


def upgrade():
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_memberships_invited_by_id"), ["invited_by_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_memberships_invited_by_id_users"), "users", ["invited_by_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_memberships_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", NEW_STATES)
    op.execute(
        "UPDATE memberships SET invited_by_id = (SELECT invites.created_by_id FROM invites "
        "WHERE invites.used_by_id = memberships.user_id AND invites.community_id = memberships.community_id "
        "ORDER BY invites.used_at LIMIT 1)"
    )


def downgrade():
    # No state to go back to for invited members: they are pending again (an invite verified at once before).
    op.execute("UPDATE memberships SET status = 'pending' WHERE status = 'invited'")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_memberships_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", OLD_STATES)
        batch_op.drop_constraint(batch_op.f("fk_memberships_invited_by_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_memberships_invited_by_id"))
        batch_op.drop_column("invited_by_id")
