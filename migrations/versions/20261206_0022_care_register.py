"""care register (issue 18): care records, visits, counsellors, requests for emotional support

Revision ID: 0022_care
Revises: 0021_onbehalf
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_care"
down_revision = "0021_onbehalf"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "care_counsellors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("designated_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_care_counsellors_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["designated_by_id"], ["users.id"], name=op.f("fk_care_counsellors_designated_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_care_counsellors_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_counsellors")),
        sa.UniqueConstraint("community_id", "user_id", name=op.f("uq_care_counsellors_community_id_user_id")),
    )
    with op.batch_alter_table("care_counsellors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_counsellors_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_counsellors_user_id"), ["user_id"], unique=False)

    op.create_table(
        "care_support_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'taken', 'closed')", name=op.f("ck_care_support_requests_status_known")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_care_support_requests_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["users.id"], name=op.f("fk_care_support_requests_counsellor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["users.id"], name=op.f("fk_care_support_requests_requester_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_support_requests")),
    )
    with op.batch_alter_table("care_support_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_support_requests_community_status", ["community_id", "status", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_care_support_requests_counsellor_id"), ["counsellor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_support_requests_requester_id"), ["requester_id"], unique=False)

    op.create_table(
        "care_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("visit_every_days", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("next_visit_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_visit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assignee_alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("committee_alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "category IN ('alone_elderly', 'disability', 'hardship', 'other')",
            name=op.f("ck_care_records_category_known"),
        ),
        sa.CheckConstraint("visit_every_days BETWEEN 1 AND 90", name=op.f("ck_care_records_visit_every_days_range")),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_care_records_assignee_id_users")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_care_records_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_care_records_created_by_id_users")),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_care_records_grid_id_grids")),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["register_residents.id"], name=op.f("fk_care_records_resident_id_register_residents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_records")),
        sa.UniqueConstraint("resident_id", name=op.f("uq_care_records_resident_id")),
    )
    with op.batch_alter_table("care_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_records_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index("ix_care_records_community_id_id", ["community_id", "id"], unique=False)
        batch_op.create_index("ix_care_records_due", ["is_active", "next_visit_due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_records_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "care_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.String(length=1000), nullable=False),
        sa.Column("needs", sa.String(length=500), nullable=False),
        sa.Column("follow_up_kind", sa.String(length=10), nullable=True),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "follow_up_kind IS NULL OR follow_up_kind IN ('aid', 'report')", name=op.f("ck_care_visits_follow_up_known")
        ),
        sa.CheckConstraint(
            "outcome IN ('well', 'needs_found', 'not_home', 'other')", name=op.f("ck_care_visits_outcome_known")
        ),
        sa.ForeignKeyConstraint(["record_id"], ["care_records.id"], name=op.f("fk_care_visits_record_id_care_records")),
        sa.ForeignKeyConstraint(["visitor_id"], ["users.id"], name=op.f("fk_care_visits_visitor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_visits")),
    )
    with op.batch_alter_table("care_visits", schema=None) as batch_op:
        batch_op.create_index("ix_care_visits_record_id_id", ["record_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_visits_visitor_id"), ["visitor_id"], unique=False)


def downgrade():
    with op.batch_alter_table("care_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_visits_visitor_id"))
        batch_op.drop_index("ix_care_visits_record_id_id")

    op.drop_table("care_visits")
    with op.batch_alter_table("care_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_records_grid_id"))
        batch_op.drop_index("ix_care_records_due")
        batch_op.drop_index("ix_care_records_community_id_id")
        batch_op.drop_index(batch_op.f("ix_care_records_assignee_id"))

    op.drop_table("care_records")
    with op.batch_alter_table("care_support_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_support_requests_requester_id"))
        batch_op.drop_index(batch_op.f("ix_care_support_requests_counsellor_id"))
        batch_op.drop_index("ix_care_support_requests_community_status")

    op.drop_table("care_support_requests")
    with op.batch_alter_table("care_counsellors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_counsellors_user_id"))
        batch_op.drop_index(batch_op.f("ix_care_counsellors_community_id"))

    op.drop_table("care_counsellors")
