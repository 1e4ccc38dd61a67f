"""polls.paper_to_count: paper ballots put in the ballot box at a polling table, counted later (issue 18)

Revision ID: 0027_table
Revises: 0026_names
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_table"
down_revision = "0026_names"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paper_to_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint("paper_to_count_positive", "paper_to_count >= 0")


def downgrade():
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_polls_paper_to_count_positive"), type_="check")
        batch_op.drop_column("paper_to_count")
