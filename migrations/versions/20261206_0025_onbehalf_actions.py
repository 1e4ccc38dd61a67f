"""acting on behalf (代办), the remaining actions: aid posts filed by staff for a resident (with the channel),
shift sign-ups and project supports entered by staff for a resident (issue 18)

Revision ID: 0025_onbehalf
Revises: 0022_care
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_onbehalf"
down_revision = "0022_care"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("aid_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("channel", sa.String(length=10), nullable=False, server_default="app"))
        batch_op.create_foreign_key(batch_op.f("fk_aid_posts_filed_by_id_users"), "users", ["filed_by_id"], ["id"])
        batch_op.create_check_constraint("channel_known", "channel IN ('app', 'phone', 'visit', 'walk_in', 'hotline')")
    with op.batch_alter_table("shift_signups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_shift_signups_entered_by_id_users"), "users", ["entered_by_id"], ["id"]
        )
    with op.batch_alter_table("project_supports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_project_supports_entered_by_id_users"), "users", ["entered_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("project_supports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_project_supports_entered_by_id_users"), type_="foreignkey")
        batch_op.drop_column("entered_by_id")
    with op.batch_alter_table("shift_signups", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_shift_signups_entered_by_id_users"), type_="foreignkey")
        batch_op.drop_column("entered_by_id")
    with op.batch_alter_table("aid_posts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_aid_posts_channel_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_aid_posts_filed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("channel")
        batch_op.drop_column("filed_by_id")
