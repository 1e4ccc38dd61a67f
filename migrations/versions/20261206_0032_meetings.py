"""meetings and hearings (issue 20): meetings with their agenda, RSVPs with a waitlist, hearing comments

Revision ID: 0032_meetings
Revises: 0031_open311
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_meetings"
down_revision = "0031_open311"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("going_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("checkin_code", sa.String(length=8), nullable=False),
        sa.Column("comments_open_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comments_close_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes_summary", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minuted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=300), nullable=False),
        sa.CheckConstraint(
            "kind = 'meeting' OR (comments_open_at IS NOT NULL AND comments_close_at IS NOT NULL AND comments_close_at > comments_open_at AND comments_close_at <= starts_at)",
            name=op.f("ck_meetings_hearing_has_comment_period"),
        ),
        sa.CheckConstraint("kind IN ('meeting', 'hearing')", name=op.f("ck_meetings_kind_known")),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'held', 'minuted', 'cancelled')", name=op.f("ck_meetings_status_known")
        ),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 1", name=op.f("ck_meetings_capacity_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_meetings_ends_after_start")),
        sa.CheckConstraint(
            "going_count >= 0 AND (capacity IS NULL OR going_count <= capacity)",
            name=op.f("ck_meetings_going_within_capacity"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_meetings_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_meetings_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index("ix_meetings_community_id_starts_at", "meetings", ["community_id", "starts_at"], unique=False)
    op.create_index(op.f("ix_meetings_created_by_id"), "meetings", ["created_by_id"], unique=False)
    op.create_table(
        "meeting_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("link_kind", sa.String(length=10), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(link_kind IS NULL AND link_id IS NULL) OR (link_kind IN ('project', 'report', 'poll', 'survey') AND link_id IS NOT NULL)",
            name=op.f("ck_meeting_agenda_items_link_known"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_agenda_items_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_agenda_items")),
        sa.UniqueConstraint("meeting_id", "position", name=op.f("uq_meeting_agenda_items_meeting_id_position")),
    )
    op.create_index(op.f("ix_meeting_agenda_items_meeting_id"), "meeting_agenda_items", ["meeting_id"], unique=False)
    op.create_table(
        "meeting_rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attendee_code", sa.String(length=8), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("going_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('going', 'waitlisted', 'cancelled')", name=op.f("ck_meeting_rsvps_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["checked_in_by_id"], ["users.id"], name=op.f("fk_meeting_rsvps_checked_in_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_rsvps_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_meeting_rsvps_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_rsvps")),
        sa.UniqueConstraint("meeting_id", "attendee_code", name=op.f("uq_meeting_rsvps_meeting_id_attendee_code")),
        sa.UniqueConstraint("meeting_id", "user_id", name=op.f("uq_meeting_rsvps_meeting_id_user_id")),
    )
    op.create_index(
        "ix_meeting_rsvps_meeting_id_status_queued_at_id",
        "meeting_rsvps",
        ["meeting_id", "status", "queued_at", "id"],
        unique=False,
    )
    op.create_index("ix_meeting_rsvps_user_id_id", "meeting_rsvps", ["user_id", "id"], unique=False)
    op.create_table(
        "hearing_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_hearing_comments_author_id_users")),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["meeting_agenda_items.id"],
            name=op.f("fk_hearing_comments_item_id_meeting_agenda_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_hearing_comments_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing_comments")),
    )
    op.create_index(op.f("ix_hearing_comments_author_id"), "hearing_comments", ["author_id"], unique=False)
    op.create_index("ix_hearing_comments_meeting_id_id", "hearing_comments", ["meeting_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_hearing_comments_meeting_id_id", table_name="hearing_comments")
    op.drop_index(op.f("ix_hearing_comments_author_id"), table_name="hearing_comments")
    op.drop_table("hearing_comments")
    op.drop_index("ix_meeting_rsvps_user_id_id", table_name="meeting_rsvps")
    op.drop_index("ix_meeting_rsvps_meeting_id_status_queued_at_id", table_name="meeting_rsvps")
    op.drop_table("meeting_rsvps")
    op.drop_index(op.f("ix_meeting_agenda_items_meeting_id"), table_name="meeting_agenda_items")
    op.drop_table("meeting_agenda_items")
    op.drop_index(op.f("ix_meetings_created_by_id"), table_name="meetings")
    op.drop_index("ix_meetings_community_id_starts_at", table_name="meetings")
    op.drop_table("meetings")
