"""memberships.name_warning_skeleton: the committee is warned once per person and name of a name that imitates
one of theirs (issue 15)

Revision ID: 0026_names
Revises: 0025_onbehalf
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_names"
down_revision = "0025_onbehalf"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_warning_skeleton", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("name_warning_skeleton")
