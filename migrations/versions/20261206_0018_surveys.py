"""surveys: surveys, their questions, the roll (THAT someone answered), responses and answers (WHAT)

survey_roll and survey_responses / survey_answers share no column but survey_id; responses and answers have
random ids (INTEGER PRIMARY KEY on SQLite, so no hidden sequential rowid either) and no timestamp.

Revision ID: 0018_surveys
Revises: 0016_network
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_surveys"
down_revision = "0016_network"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("eligibility", sa.String(length=10), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("is_anonymous", sa.Boolean(), nullable=False),
        sa.Column("results_public", sa.Boolean(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_count", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "eligibility IN ('verified', 'household', 'grid')", name=op.f("ck_surveys_eligibility_known")
        ),
        sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name=op.f("ck_surveys_status_known")),
        sa.CheckConstraint("response_count >= 0", name=op.f("ck_surveys_response_count_positive")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], name=op.f("fk_surveys_community_id_communities")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_surveys_created_by_id_users")),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_surveys_grid_id_grids")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index("ix_surveys_community_id_id", ["community_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_surveys_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_surveys_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index("ix_surveys_status_closes_at", ["status", "closes_at"], unique=False)

    op.create_table(
        "survey_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("prompt", sa.String(length=300), nullable=False),
        sa.Column("is_required", sa.Boolean(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('single', 'multiple', 'scale', 'text', 'ranking')", name=op.f("ck_survey_questions_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_questions_survey_id_surveys"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_questions")),
        sa.UniqueConstraint("survey_id", "position", name=op.f("uq_survey_questions_survey_id_position")),
    )
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["respondent_id"], ["users.id"], name=op.f("fk_survey_responses_respondent_id_users")),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_responses_survey_id_surveys"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_responses_respondent_id"), ["respondent_id"], unique=False)
        batch_op.create_index("ix_survey_responses_survey_id", ["survey_id"], unique=False)

    op.create_table(
        "survey_roll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("respondent_key", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_roll_survey_id_surveys"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_survey_roll_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_roll")),
        sa.UniqueConstraint("survey_id", "respondent_key", name=op.f("uq_survey_roll_survey_id_respondent_key")),
    )
    with op.batch_alter_table("survey_roll", schema=None) as batch_op:
        batch_op.create_index("ix_survey_roll_user_id_survey_id", ["user_id", "survey_id"], unique=False)

    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("response_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_questions.id"],
            name=op.f("fk_survey_answers_question_id_survey_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["respondent_id"], ["users.id"], name=op.f("fk_survey_answers_respondent_id_users")),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_answers_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_answers_survey_id_surveys"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
        sa.UniqueConstraint("response_id", "question_id", name=op.f("uq_survey_answers_response_id_question_id")),
    )
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_answers_response_id"), ["response_id"], unique=False)
        batch_op.create_index("ix_survey_answers_survey_id_question_id", ["survey_id", "question_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_survey_answers_respondent_id"), ["respondent_id"], unique=False)


def downgrade():
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_answers_respondent_id"))
        batch_op.drop_index("ix_survey_answers_survey_id_question_id")
        batch_op.drop_index(batch_op.f("ix_survey_answers_response_id"))

    op.drop_table("survey_answers")
    with op.batch_alter_table("survey_roll", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_roll_user_id_survey_id")

    op.drop_table("survey_roll")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_responses_survey_id")
        batch_op.drop_index(batch_op.f("ix_survey_responses_respondent_id"))

    op.drop_table("survey_responses")
    op.drop_table("survey_questions")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_status_closes_at")
        batch_op.drop_index(batch_op.f("ix_surveys_grid_id"))
        batch_op.drop_index(batch_op.f("ix_surveys_created_by_id"))
        batch_op.drop_index("ix_surveys_community_id_id")

    op.drop_table("surveys")
