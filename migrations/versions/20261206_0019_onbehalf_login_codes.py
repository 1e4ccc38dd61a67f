"""login codes: one-time codes by SMS or e-mail to sign in or reset the password, kept as hashes (issue 18)

Revision ID: 0019_onbehalf
Revises: 0018_surveys
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_onbehalf"
down_revision = "0018_surveys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("login_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("purpose IN ('sign_in', 'reset_password')", name=op.f("ck_login_codes_purpose_known")),
        sa.CheckConstraint("tries >= 0", name=op.f("ck_login_codes_tries_not_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_codes")),
    )
    with op.batch_alter_table("login_codes", schema=None) as batch_op:
        batch_op.create_index("ix_login_codes_login_hash_purpose", ["login_hash", "purpose"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_codes_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_codes_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("login_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_codes_user_id"))
        batch_op.drop_index(batch_op.f("ix_login_codes_created_at"))
        batch_op.drop_index("ix_login_codes_login_hash_purpose")
    op.drop_table("login_codes")
