"""projects and comments: micro-projects, supports, ratings, timeline events; generic comments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:21:33

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comment_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("comments_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("comments_count >= 0", name=op.f("ck_comment_threads_comments_count_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_threads")),
        sa.UniqueConstraint("target_type", "target_id", name=op.f("uq_comment_threads_target_type_target_id")),
    )

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("replies_count", sa.Integer(), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("replies_count >= 0", name=op.f("ck_comments_replies_count_not_negative")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_comments_author_id_users")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_comments_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["comments.id"], name=op.f("fk_comments_parent_id_comments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comments_community_id"), ["community_id"], unique=False)
        batch_op.create_index("ix_comments_parent_id_id", ["parent_id", "id"], unique=False)
        batch_op.create_index(
            "ix_comments_target_parent_id", ["target_type", "target_id", "parent_id", "id"], unique=False
        )

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_organisation_id", sa.Integer(), nullable=True),
        sa.Column("source_report_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("budget_cents", sa.Integer(), nullable=False),
        sa.Column("volunteers_needed", sa.Integer(), nullable=False),
        sa.Column("photo_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("supports_count", sa.Integer(), nullable=False),
        sa.Column("support_threshold", sa.Integer(), nullable=True),
        sa.Column("percent_done", sa.Integer(), nullable=False),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.Column("rating_average", sa.Float(), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'in_review', 'ready', 'voting', 'approved', 'rejected', 'in_progress', 'completed', 'withdrawn')",
            name=op.f("ck_projects_status_known"),
        ),
        sa.CheckConstraint("budget_cents >= 0", name=op.f("ck_projects_budget_not_negative")),
        sa.CheckConstraint("percent_done BETWEEN 0 AND 100", name=op.f("ck_projects_percent_done_range")),
        sa.CheckConstraint("rating_count >= 0", name=op.f("ck_projects_rating_count_not_negative")),
        sa.CheckConstraint("supports_count >= 0", name=op.f("ck_projects_supports_count_not_negative")),
        sa.CheckConstraint("volunteers_needed >= 0", name=op.f("ck_projects_volunteers_not_negative")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_projects_author_id_users")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_projects_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_projects_grid_id_grids")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projects_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_projects_community_closes", ["community_id", "closes_at", "id"], unique=False)
        batch_op.create_index("ix_projects_community_created", ["community_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_projects_community_status", ["community_id", "status", "id"], unique=False)
        batch_op.create_index("ix_projects_community_supports", ["community_id", "supports_count", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_projects_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_projects_poll_id"), ["poll_id"], unique=False)

    op.create_table(
        "project_supports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_supports_project_id_projects"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_project_supports_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_supports")),
        sa.UniqueConstraint("project_id", "user_id", name=op.f("uq_project_supports_project_id_user_id")),
    )
    with op.batch_alter_table("project_supports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_supports_user_id"), ["user_id"], unique=False)

    op.create_table(
        "project_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name=op.f("ck_project_ratings_stars_range")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_ratings_project_id_projects"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_project_ratings_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_ratings")),
        sa.UniqueConstraint("project_id", "user_id", name=op.f("uq_project_ratings_project_id_user_id")),
    )
    with op.batch_alter_table("project_ratings", schema=None) as batch_op:
        batch_op.create_index("ix_project_ratings_project_id_id", ["project_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_ratings_user_id"), ["user_id"], unique=False)

    op.create_table(
        "project_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("percent_done", sa.Integer(), nullable=True),
        sa.Column("photo_ids", sa.JSON(), nullable=True),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_project_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_events_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_events")),
    )
    with op.batch_alter_table("project_events", schema=None) as batch_op:
        batch_op.create_index("ix_project_events_project_id_id", ["project_id", "id"], unique=False)


def downgrade():
    op.drop_table("project_events")
    op.drop_table("project_ratings")
    op.drop_table("project_supports")
    op.drop_table("projects")
    op.drop_table("comments")
    op.drop_table("comment_threads")
