"""reports, uploads, notices

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 23:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # ### checked by hand: only the tables of reports, uploads and notices ###
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=100), nullable=False),
        sa.Column("source_format", sa.String(length=10), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target_type", sa.String(length=30), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(target_type IS NULL) = (target_id IS NULL)", name=op.f("ck_uploads_target_complete")),
        sa.ForeignKeyConstraint(["uploader_id"], ["users.id"], name=op.f("fk_uploads_uploader_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
    )
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.create_index(op.f("ix_uploads_target_type_target_id"), ["target_type", "target_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_uploads_uploader_id"), ["uploader_id"], unique=False)

    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_pinned", sa.Boolean(), nullable=False),
        sa.Column("is_urgent", sa.Boolean(), nullable=False),
        sa.Column("is_whole_community", sa.Boolean(), nullable=False),
        sa.Column("publish_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_count", sa.Integer(), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.CheckConstraint("read_count >= 0", name=op.f("ck_notices_read_count_positive")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_notices_author_id_users")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], name=op.f("fk_notices_community_id_communities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            op.f("ix_notices_community_id_is_pinned_publish_at_id"),
            ["community_id", "is_pinned", "publish_at", "id"],
            unique=False,
        )
        batch_op.create_index(op.f("ix_notices_notified_at_publish_at"), ["notified_at", "publish_at"], unique=False)

    op.create_table(
        "notice_grids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_notice_grids_grid_id_grids")),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_grids_notice_id_notices"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_grids")),
        sa.UniqueConstraint("notice_id", "grid_id", name=op.f("uq_notice_grids_notice_id_grid_id")),
    )
    with op.batch_alter_table("notice_grids", schema=None) as batch_op:
        batch_op.create_index(op.f("ix_notice_grids_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "notice_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_reads_notice_id_notices"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notice_reads_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_reads")),
        sa.UniqueConstraint("notice_id", "user_id", name=op.f("uq_notice_reads_notice_id_user_id")),
    )
    with op.batch_alter_table("notice_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_reads_user_id"), ["user_id"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lng", sa.Float(), nullable=True),
        sa.Column("location_text", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("reject_reason", sa.String(length=30), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("redirect_to", sa.String(length=200), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("me_too_count", sa.Integer(), nullable=False),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolve_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_overdue", sa.Boolean(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating_stars", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=False),
        sa.Column("is_confirmed_by_default", sa.Boolean(), nullable=False),
        sa.Column("still_broken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "reject_reason IS NULL OR reject_reason IN ('duplicate', 'not_our_responsibility', 'cannot_reproduce')",
            name=op.f("ck_reports_reject_reason_known"),
        ),
        sa.CheckConstraint(
            "status IN ('submitted', 'accepted', 'assigned', 'in_progress', 'resolved', 'confirmed', 'reopened', 'rejected')",
            name=op.f("ck_reports_status_known"),
        ),
        sa.CheckConstraint("(lat IS NULL) = (lng IS NULL)", name=op.f("ck_reports_point_complete")),
        sa.CheckConstraint("me_too_count >= 0 AND reopen_count >= 0", name=op.f("ck_reports_counts_positive")),
        sa.CheckConstraint(
            "rating_stars IS NULL OR rating_stars BETWEEN 1 AND 5", name=op.f("ck_reports_rating_range")
        ),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_reports_assignee_id_users")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], name=op.f("fk_reports_community_id_communities")),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["reports.id"], name=op.f("fk_reports_duplicate_of_id_reports")),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_reports_grid_id_grids")),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], name=op.f("fk_reports_reporter_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(op.f("ix_reports_assignee_id_next_due_at"), ["assignee_id", "next_due_at"], unique=False)
        batch_op.create_index(
            op.f("ix_reports_community_id_category_lat"), ["community_id", "category", "lat"], unique=False
        )
        batch_op.create_index(op.f("ix_reports_community_id_id"), ["community_id", "id"], unique=False)
        batch_op.create_index(op.f("ix_reports_community_id_status_id"), ["community_id", "status", "id"], unique=False)
        batch_op.create_index(
            op.f("ix_reports_escalated_at_next_due_at"), ["escalated_at", "next_due_at"], unique=False
        )
        batch_op.create_index(op.f("ix_reports_grid_id_id"), ["grid_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reports_project_id"), ["project_id"], unique=False)
        batch_op.create_index(op.f("ix_reports_reporter_id_id"), ["reporter_id", "id"], unique=False)
        batch_op.create_index(op.f("ix_reports_status_resolved_at"), ["status", "resolved_at"], unique=False)

    op.create_table(
        "report_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_report_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_events_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_events")),
    )
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.create_index(op.f("ix_report_events_report_id_id"), ["report_id", "id"], unique=False)

    op.create_table(
        "report_me_toos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_me_toos_report_id_reports"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_report_me_toos_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_me_toos")),
        sa.UniqueConstraint("report_id", "user_id", name=op.f("uq_report_me_toos_report_id_user_id")),
    )
    with op.batch_alter_table("report_me_toos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_me_toos_user_id"), ["user_id"], unique=False)

    # ### end ###


def downgrade():
    # ### checked by hand ###
    with op.batch_alter_table("report_me_toos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_me_toos_user_id"))

    op.drop_table("report_me_toos")
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_report_events_report_id_id"))

    op.drop_table("report_events")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_reports_status_resolved_at"))
        batch_op.drop_index(op.f("ix_reports_reporter_id_id"))
        batch_op.drop_index(batch_op.f("ix_reports_project_id"))
        batch_op.drop_index(op.f("ix_reports_grid_id_id"))
        batch_op.drop_index(op.f("ix_reports_escalated_at_next_due_at"))
        batch_op.drop_index(op.f("ix_reports_community_id_status_id"))
        batch_op.drop_index(op.f("ix_reports_community_id_id"))
        batch_op.drop_index(op.f("ix_reports_community_id_category_lat"))
        batch_op.drop_index(op.f("ix_reports_assignee_id_next_due_at"))

    op.drop_table("reports")
    with op.batch_alter_table("notice_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_reads_user_id"))

    op.drop_table("notice_reads")
    with op.batch_alter_table("notice_grids", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_notice_grids_grid_id"))

    op.drop_table("notice_grids")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_notices_notified_at_publish_at"))
        batch_op.drop_index(op.f("ix_notices_community_id_is_pinned_publish_at_id"))
        batch_op.drop_index(batch_op.f("ix_notices_author_id"))

    op.drop_table("notices")
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_uploads_uploader_id"))
        batch_op.drop_index(op.f("ix_uploads_target_type_target_id"))

    op.drop_table("uploads")
    # ### end ###
