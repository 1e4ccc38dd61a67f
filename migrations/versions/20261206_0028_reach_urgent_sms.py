"""Urgent notices by SMS (issue 18): users.phone_verified_at, notification_settings.urgent_sms, and urgent_sms (one
SMS per person and topic, held by its unique key)

Revision ID: 0028_reach
Revises: 0027_table
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_reach"
down_revision = "0027_table"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_verified_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("notification_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgent_sms", sa.Boolean(), server_default="1", nullable=False))
    op.create_table(
        "urgent_sms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_urgent_sms_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urgent_sms")),
        sa.UniqueConstraint("topic", "user_id", name=op.f("uq_urgent_sms_topic_user_id")),
    )
    op.create_index("ix_urgent_sms_user_id", "urgent_sms", ["user_id"], unique=False)


def downgrade():
    op.drop_index("ix_urgent_sms_user_id", table_name="urgent_sms")
    op.drop_table("urgent_sms")
    with op.batch_alter_table("notification_settings", schema=None) as batch_op:
        batch_op.drop_column("urgent_sms")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("phone_verified_at")
