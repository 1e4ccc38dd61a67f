"""grid patrols (issue 19): patrols (one active per worker: a partial unique index), positions, findings

Revision ID: 0033_ledger
Revises: 0032_meetings
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_ledger"
down_revision = "0032_meetings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "patrols",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_auto_ended", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("point_count", sa.Integer(), nullable=False),
        sa.Column("finding_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('active', 'ended')", name=op.f("ck_patrols_status_known")),
        sa.CheckConstraint("(status = 'active') = (ended_at IS NULL)", name=op.f("ck_patrols_ended_when_ended")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], name=op.f("fk_patrols_community_id_communities")),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_patrols_grid_id_grids")),
        sa.ForeignKeyConstraint(["worker_id"], ["users.id"], name=op.f("fk_patrols_worker_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrols")),
    )
    with op.batch_alter_table("patrols", schema=None) as batch_op:
        batch_op.create_index(
            "uq_patrols_worker_active",
            ["worker_id"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.create_index("ix_patrols_community_started", ["community_id", "started_at"], unique=False)
        batch_op.create_index("ix_patrols_grid_started", ["grid_id", "started_at"], unique=False)

    op.create_table(
        "patrol_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patrol_id", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180", name=op.f("ck_patrol_points_coordinates_valid")
        ),
        sa.ForeignKeyConstraint(["patrol_id"], ["patrols.id"], name=op.f("fk_patrol_points_patrol_id_patrols")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_points")),
    )
    with op.batch_alter_table("patrol_points", schema=None) as batch_op:
        batch_op.create_index("ix_patrol_points_patrol_id_id", ["patrol_id", "id"], unique=False)

    op.create_table(
        "patrol_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patrol_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patrol_id"], ["patrols.id"], name=op.f("fk_patrol_findings_patrol_id_patrols")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_findings")),
    )
    with op.batch_alter_table("patrol_findings", schema=None) as batch_op:
        batch_op.create_index("ix_patrol_findings_patrol_id_id", ["patrol_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_findings_report_id"), ["report_id"], unique=True)


def downgrade():
    op.drop_table("patrol_findings")
    op.drop_table("patrol_points")
    op.drop_table("patrols")
