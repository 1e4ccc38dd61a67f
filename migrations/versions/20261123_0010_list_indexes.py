"""indexes for two lists that read far more rows than they show at district size

"My sign-ups" (shift_signups by user, newest first) and a community's members page of every status.
Found by bench/explain_pg.py on the bench/generate.py district (100 communities, 24.9 M rows).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shift_signups", schema=None) as batch_op:
        batch_op.drop_index("ix_shift_signups_user_id")
        batch_op.create_index("ix_shift_signups_user_id_id", ["user_id", "id"], unique=False)
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index("ix_memberships_community_id_id", ["community_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index("ix_memberships_community_id_id")
    with op.batch_alter_table("shift_signups", schema=None) as batch_op:
        batch_op.drop_index("ix_shift_signups_user_id_id")
        batch_op.create_index("ix_shift_signups_user_id", ["user_id"], unique=False)
