"""voting: polls, options, the roll and ballots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 23:40:00

poll_roll (THAT someone voted) and ballots (WHAT was voted) deliberately share no column but poll_id.
ballots.id is random (INTEGER PRIMARY KEY on SQLite, so no hidden sequential rowid either).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("budget_rule", sa.String(length=12), nullable=True),
        sa.Column("budget_cents", sa.BigInteger(), nullable=True),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("eligibility", sa.String(length=10), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("quorum", sa.Float(), nullable=False),
        sa.Column("pass_threshold", sa.Float(), nullable=False),
        sa.Column("is_secret", sa.Boolean(), nullable=False),
        sa.Column("allow_revote", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("voter_count", sa.Integer(), nullable=False),
        sa.Column("eligible_count", sa.Integer(), nullable=True),
        sa.Column("results", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "method IN ('yes_no', 'single', 'approval', 'ranked', 'budget')", name=op.f("ck_polls_method_known")
        ),
        sa.CheckConstraint(
            "budget_rule IS NULL OR budget_rule IN ('greedy', 'equal_shares')", name=op.f("ck_polls_budget_rule_known")
        ),
        sa.CheckConstraint("eligibility IN ('verified', 'household', 'grid')", name=op.f("ck_polls_eligibility_known")),
        sa.CheckConstraint("state IN ('active', 'closed')", name=op.f("ck_polls_state_known")),
        sa.CheckConstraint("opens_at < closes_at", name=op.f("ck_polls_window_ordered")),
        sa.CheckConstraint("quorum >= 0 AND quorum <= 1", name=op.f("ck_polls_quorum_share")),
        sa.CheckConstraint("pass_threshold > 0 AND pass_threshold < 1", name=op.f("ck_polls_threshold_share")),
        sa.CheckConstraint("voter_count >= 0", name=op.f("ck_polls_voter_count_positive")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], name=op.f("fk_polls_community_id_communities")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_polls_created_by_id_users")),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_polls_grid_id_grids")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index("ix_polls_community_id_id", ["community_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_polls_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_polls_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_polls_project_id"), ["project_id"], unique=False)
        batch_op.create_index("ix_polls_state_closes_at", ["state", "closes_at"], unique=False)

    op.create_table(
        "poll_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("cost_cents", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("cost_cents IS NULL OR cost_cents >= 0", name=op.f("ck_poll_options_cost_positive")),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_options_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_options")),
        sa.UniqueConstraint("poll_id", "position", name=op.f("uq_poll_options_poll_id_position")),
    )
    with op.batch_alter_table("poll_options", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_options_project_id"), ["project_id"], unique=False)

    op.create_table(
        "poll_roll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["polls.id"], name=op.f("fk_poll_roll_poll_id_polls"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_poll_roll_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_roll")),
        sa.UniqueConstraint("poll_id", "voter_key", name=op.f("uq_poll_roll_poll_id_voter_key")),
    )
    with op.batch_alter_table("poll_roll", schema=None) as batch_op:
        batch_op.create_index("ix_poll_roll_user_id_poll_id", ["user_id", "poll_id"], unique=False)

    op.create_table(
        "ballots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("public_voter_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["poll_id"], ["polls.id"], name=op.f("fk_ballots_poll_id_polls"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["public_voter_id"], ["users.id"], name=op.f("fk_ballots_public_voter_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
        sa.UniqueConstraint("poll_id", "receipt_hash", name=op.f("uq_ballots_poll_id_receipt_hash")),
    )
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballots_public_voter_id"), ["public_voter_id"], unique=False)


def downgrade():
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballots_public_voter_id"))
    op.drop_table("ballots")
    with op.batch_alter_table("poll_roll", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_roll_user_id_poll_id")
    op.drop_table("poll_roll")
    with op.batch_alter_table("poll_options", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_options_project_id"))
    op.drop_table("poll_options")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_index("ix_polls_state_closes_at")
        batch_op.drop_index(batch_op.f("ix_polls_project_id"))
        batch_op.drop_index(batch_op.f("ix_polls_grid_id"))
        batch_op.drop_index(batch_op.f("ix_polls_created_by_id"))
        batch_op.drop_index("ix_polls_community_id_id")
    op.drop_table("polls")
