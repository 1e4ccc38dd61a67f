"""task ledger (issue 19): tasks, their links (target kind and id) and their history

Revision ID: 0029_ledger
Revises: 0028_reach
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_ledger"
down_revision = "0028_reach"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'cancelled')", name=op.f("ck_tasks_status_known")
        ),
        sa.CheckConstraint("(source_kind IS NULL) = (source_id IS NULL)", name=op.f("ck_tasks_source_whole")),
        sa.ForeignKeyConstraint(["assigned_by_id"], ["users.id"], name=op.f("fk_tasks_assigned_by_id_users")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], name=op.f("fk_tasks_community_id_communities")),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_tasks_grid_id_grids")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_tasks_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index("ix_tasks_community_id_id", ["community_id", "id"], unique=False)
        batch_op.create_index("ix_tasks_owner_id_status", ["owner_id", "status"], unique=False)
        batch_op.create_index("ix_tasks_due", ["status", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_assigned_by_id"), ["assigned_by_id"], unique=False)

    op.create_table(
        "task_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_task_links_task_id_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_links")),
        sa.UniqueConstraint("task_id", "kind", "target_id", name=op.f("uq_task_links_task_id_kind_target_id")),
    )
    with op.batch_alter_table("task_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_links_task_id"), ["task_id"], unique=False)

    op.create_table(
        "task_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_task_events_actor_id_users")),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_task_events_task_id_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_events")),
    )
    with op.batch_alter_table("task_events", schema=None) as batch_op:
        batch_op.create_index("ix_task_events_task_id_id", ["task_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_events_actor_id"), ["actor_id"], unique=False)


def downgrade():
    op.drop_table("task_events")
    op.drop_table("task_links")
    op.drop_table("tasks")
