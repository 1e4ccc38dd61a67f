"""activities.lat, activities.lng: an activity's own place on the map, WGS-84, both or neither (issue 20)

Revision ID: 0034_calendar
Revises: 0033_ledger
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_calendar"
down_revision = "0033_ledger"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("lng", sa.Float(), nullable=True))
        batch_op.create_check_constraint("point_complete", "(lat IS NULL) = (lng IS NULL)")


def downgrade():
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_activities_point_complete"), type_="check")
        batch_op.drop_column("lng")
        batch_op.drop_column("lat")
