"""one-time codes may confirm a phone number added in the settings (purpose verify_phone)

Revision ID: 0038_journey_phone
Revises: 0037_writes_outbox
Create Date: 2026-12-06
"""

from alembic import op

revision = "0038_journey_phone"
down_revision = "0037_writes_outbox"
branch_labels = None
depends_on = None


def _purposes(*purposes: str) -> None:
    listed = ", ".join(f"'{purpose}'" for purpose in purposes)
    with op.batch_alter_table("login_codes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_login_codes_purpose_known"), type_="check")
        batch_op.create_check_constraint("purpose_known", f"purpose IN ({listed})")


def upgrade():
    _purposes("sign_in", "reset_password", "verify_phone")


def downgrade():
    op.execute("DELETE FROM login_codes WHERE purpose = 'verify_phone'")
    _purposes("sign_in", "reset_password")
