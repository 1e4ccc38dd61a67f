"""aid and volunteering: aid posts, responses, thanks, time bank, blocks; organisations, activities,
shifts, sign-ups, volunteer profiles and skills, recruitment log

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 23:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    # Hand-checked: only the aid and volunteering tables (autogenerate output filtered to them).
    op.create_table(
        "user_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("blocker_id <> blocked_id", name=op.f("ck_user_blocks_not_self")),
        sa.ForeignKeyConstraint(
            ["blocked_id"], ["users.id"], name=op.f("fk_user_blocks_blocked_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"], ["users.id"], name=op.f("fk_user_blocks_blocker_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_blocks")),
        sa.UniqueConstraint("blocker_id", "blocked_id", name=op.f("uq_user_blocks_blocker_id_blocked_id")),
    )
    with op.batch_alter_table("user_blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_blocks_blocked_id"), ["blocked_id"], unique=False)

    op.create_table(
        "volunteer_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("availability", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_volunteer_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_volunteer_profiles_user_id")),
    )
    op.create_table(
        "volunteer_skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_volunteer_skills_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_skills")),
        sa.UniqueConstraint("user_id", "skill", name=op.f("uq_volunteer_skills_user_id_skill")),
    )
    with op.batch_alter_table("volunteer_skills", schema=None) as batch_op:
        batch_op.create_index("ix_volunteer_skills_skill_user_id", ["skill", "user_id"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('volunteer_group', 'social_organisation', 'enterprise')", name=op.f("ck_organisations_kind_known")
        ),
        sa.CheckConstraint("status IN ('pending', 'verified')", name=op.f("ck_organisations_status_known")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_organisations_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_organisations_created_by_id_users")),
        sa.ForeignKeyConstraint(["verified_by_id"], ["users.id"], name=op.f("fk_organisations_verified_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("community_id", "name", name=op.f("uq_organisations_community_id_name")),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index("ix_organisations_community_id_status_id", ["community_id", "status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisations_created_by_id"), ["created_by_id"], unique=False)

    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "organisation_id IS NOT NULL OR project_id IS NOT NULL", name=op.f("ck_activities_has_organiser")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_activities_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_activities_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_activities_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activities_community_id_starts_at_id", ["community_id", "starts_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_activities_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activities_ends_at"), ["ends_at"], unique=False)
        batch_op.create_index(
            "ix_activities_organisation_id_starts_at_id", ["organisation_id", "starts_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_activities_project_id"), ["project_id"], unique=False)

    op.create_table(
        "aid_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("needed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_at_home", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=True),
        sa.Column("accepted_response_id", sa.Integer(), nullable=True),
        sa.Column("author_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("helper_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "category IN ('errands', 'elderly_companionship', 'childcare', 'repairs', 'lending', 'tutoring', 'health_escort', 'emotional_support', 'other')",
            name=op.f("ck_aid_posts_category_known"),
        ),
        sa.CheckConstraint("kind IN ('offer', 'request')", name=op.f("ck_aid_posts_kind_known")),
        sa.CheckConstraint(
            "status IN ('open', 'matched', 'completed', 'closed', 'expired')", name=op.f("ck_aid_posts_status_known")
        ),
        sa.CheckConstraint("helper_id IS NULL OR helper_id <> author_id", name=op.f("ck_aid_posts_helper_not_author")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_aid_posts_author_id_users")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_aid_posts_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_aid_posts_grid_id_grids")),
        sa.ForeignKeyConstraint(["helper_id"], ["users.id"], name=op.f("fk_aid_posts_helper_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_posts")),
    )
    with op.batch_alter_table("aid_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aid_posts_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_aid_posts_community_id_status_id", ["community_id", "status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_aid_posts_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_aid_posts_helper_id"), ["helper_id"], unique=False)
        batch_op.create_index("ix_aid_posts_status_needed_at", ["status", "needed_at"], unique=False)

    op.create_table(
        "organisation_admins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_admins_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_organisation_admins_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_admins")),
        sa.UniqueConstraint("organisation_id", "user_id", name=op.f("uq_organisation_admins_organisation_id_user_id")),
    )
    with op.batch_alter_table("organisation_admins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_admins_user_id"), ["user_id"], unique=False)

    op.create_table(
        "activity_grids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_grids_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_activity_grids_grid_id_grids")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_grids")),
        sa.UniqueConstraint("activity_id", "grid_id", name=op.f("uq_activity_grids_activity_id_grid_id")),
    )
    with op.batch_alter_table("activity_grids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_grids_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "aid_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("responder_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'accepted', 'declined')", name=op.f("ck_aid_responses_status_known")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["aid_posts.id"], name=op.f("fk_aid_responses_post_id_aid_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["responder_id"], ["users.id"], name=op.f("fk_aid_responses_responder_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_responses")),
        sa.UniqueConstraint("post_id", "responder_id", name=op.f("uq_aid_responses_post_id_responder_id")),
    )
    with op.batch_alter_table("aid_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aid_responses_post_id"), ["post_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_aid_responses_responder_id"), ["responder_id"], unique=False)

    op.create_table(
        "aid_thanks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=False),
        sa.Column("to_user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_aid_thanks_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["from_user_id"], ["users.id"], name=op.f("fk_aid_thanks_from_user_id_users")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["aid_posts.id"], name=op.f("fk_aid_thanks_post_id_aid_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["to_user_id"], ["users.id"], name=op.f("fk_aid_thanks_to_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_thanks")),
        sa.UniqueConstraint("post_id", name=op.f("uq_aid_thanks_post_id")),
    )
    with op.batch_alter_table("aid_thanks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_aid_thanks_to_user_id_community_id_id", ["to_user_id", "community_id", "id"], unique=False
        )

    op.create_table(
        "recruitment_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_recruitment_messages_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_recruitment_messages_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["sent_by_id"], ["users.id"], name=op.f("fk_recruitment_messages_sent_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recruitment_messages")),
        sa.UniqueConstraint("activity_id", "sent_on", name=op.f("uq_recruitment_messages_activity_id_sent_on")),
    )
    with op.batch_alter_table("recruitment_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recruitment_messages_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("confirmed_count", sa.Integer(), nullable=False),
        sa.Column("checkin_code", sa.String(length=6), nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_shifts_capacity_positive")),
        sa.CheckConstraint(
            "confirmed_count >= 0 AND confirmed_count <= capacity", name=op.f("ck_shifts_count_within_capacity")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_shifts_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_shifts_activity_id_activities"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
    )
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shifts_activity_id"), ["activity_id"], unique=False)

    op.create_table(
        "time_bank_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("giver_id <> receiver_id", name=op.f("ck_time_bank_entries_giver_not_receiver")),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_time_bank_entries_minutes_positive")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_time_bank_entries_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["giver_id"], ["users.id"], name=op.f("fk_time_bank_entries_giver_id_users")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["aid_posts.id"], name=op.f("fk_time_bank_entries_post_id_aid_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["receiver_id"], ["users.id"], name=op.f("fk_time_bank_entries_receiver_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_bank_entries")),
        sa.UniqueConstraint("post_id", name=op.f("uq_time_bank_entries_post_id")),
    )
    with op.batch_alter_table("time_bank_entries", schema=None) as batch_op:
        batch_op.create_index("ix_time_bank_entries_community_id_giver_id", ["community_id", "giver_id"], unique=False)
        batch_op.create_index(
            "ix_time_bank_entries_community_id_receiver_id", ["community_id", "receiver_id"], unique=False
        )

    op.create_table(
        "shift_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("hours_reason", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'cancelled')", name=op.f("ck_shift_signups_status_known")
        ),
        sa.CheckConstraint(
            "minutes IS NULL OR (minutes >= 0 AND minutes <= 1440)", name=op.f("ck_shift_signups_minutes_in_day")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_shift_signups_shift_id_shifts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_shift_signups_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_signups")),
        sa.UniqueConstraint("shift_id", "user_id", name=op.f("uq_shift_signups_shift_id_user_id")),
    )
    with op.batch_alter_table("shift_signups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_shift_signups_shift_id_status_queued_at_id", ["shift_id", "status", "queued_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shift_signups_user_id"), ["user_id"], unique=False)


def downgrade():
    # Indexes go with their tables; children before parents.
    op.drop_table("shift_signups")
    op.drop_table("time_bank_entries")
    op.drop_table("shifts")
    op.drop_table("recruitment_messages")
    op.drop_table("aid_thanks")
    op.drop_table("aid_responses")
    op.drop_table("activity_grids")
    op.drop_table("organisation_admins")
    op.drop_table("aid_posts")
    op.drop_table("activities")
    op.drop_table("organisations")
    op.drop_table("volunteer_skills")
    op.drop_table("volunteer_profiles")
    op.drop_table("user_blocks")
