"""resident register (issue 18): the committee's households and residents, and import previews

Revision ID: 0021_register
Revises: 0019_onbehalf
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_register"
down_revision = "0019_onbehalf"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "register_households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("building", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("room", sa.String(length=20), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_register_households_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_register_households_grid_id_grids")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_households")),
        sa.UniqueConstraint(
            "community_id",
            "building",
            "unit",
            "room",
            name=op.f("uq_register_households_community_id_building_unit_room"),
        ),
    )
    op.create_index(op.f("ix_register_households_community_id"), "register_households", ["community_id"])
    op.create_index(op.f("ix_register_households_grid_id"), "register_households", ["grid_id"])
    op.create_table(
        "register_residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("gender IN ('', 'female', 'male')", name=op.f("ck_register_residents_gender_known")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_register_residents_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["register_households.id"],
            name=op.f("fk_register_residents_household_id_register_households"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_register_residents_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_residents")),
        sa.UniqueConstraint("community_id", "ref", name=op.f("uq_register_residents_community_id_ref")),
        sa.UniqueConstraint("household_id", "name", name=op.f("uq_register_residents_household_id_name")),
    )
    op.create_index("ix_register_residents_community_id_id", "register_residents", ["community_id", "id"])
    op.create_index(op.f("ix_register_residents_household_id"), "register_residents", ["household_id"])
    op.create_index(op.f("ix_register_residents_user_id"), "register_residents", ["user_id"])
    op.create_table(
        "register_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('previewed', 'applied')", name=op.f("ck_register_imports_status_known")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_register_imports_community_id_communities")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_register_imports_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_imports")),
    )
    op.create_index(op.f("ix_register_imports_community_id"), "register_imports", ["community_id"])
    op.create_index(op.f("ix_register_imports_created_by_id"), "register_imports", ["created_by_id"])


def downgrade():
    op.drop_table("register_imports")
    op.drop_table("register_residents")
    op.drop_table("register_households")
