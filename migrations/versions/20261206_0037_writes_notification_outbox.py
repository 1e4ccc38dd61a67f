"""notification_outbox: a write's notifications fanned out by a job after its commit (issue 17, writes)

Revision ID: 0037_writes_outbox
Revises: 0036_reach
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from backend.core.db import UTCDateTime

revision = "0037_writes_outbox"
down_revision = "0036_reach"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("recipient_ids", sa.JSON(), nullable=False),
        sa.Column("exclude_ids", sa.JSON(), nullable=False),
        sa.Column("followers_of_type", sa.String(length=20), nullable=True),
        sa.Column("followers_of_id", sa.Integer(), nullable=True),
        sa.Column("is_urgent", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=True),
        sa.Column("url", sa.String(length=300), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_notification_outbox_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_outbox")),
    )
    with op.batch_alter_table("notification_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_outbox_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("notification_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_outbox_created_at"))
    op.drop_table("notification_outbox")
