"""privacy consent: which version of the privacy notice a person accepted, and when

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("privacy_notice_version", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("privacy_accepted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("privacy_accepted_at")
        batch_op.drop_column("privacy_notice_version")
