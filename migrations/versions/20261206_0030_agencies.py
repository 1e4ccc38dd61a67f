"""agencies, agency_communities, agency_members: outside agencies serving communities (issue 19, 部门报到)

Revision ID: 0030_agencies
Revises: 0029_ledger
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import backend.core.db

revision = "0030_agencies"
down_revision = "0029_ledger"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('property', 'city_management', 'police', 'utility', 'other')", name=op.f("ck_agencies_kind_known")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_agencies_created_by_id_users")),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_agencies_region_id_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("region_id", "name", name=op.f("uq_agencies_region_id_name")),
    )
    op.create_index(op.f("ix_agencies_region_id"), "agencies", ["region_id"], unique=False)
    op.create_table(
        "agency_communities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_agency_communities_agency_id_agencies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_agency_communities_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_communities")),
        sa.UniqueConstraint("agency_id", "community_id", name=op.f("uq_agency_communities_agency_id_community_id")),
    )
    op.create_index(
        "ix_agency_communities_community_id_agency_id",
        "agency_communities",
        ["community_id", "agency_id"],
        unique=False,
    )
    op.create_table(
        "agency_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", backend.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_agency_members_added_by_id_users")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_agency_members_agency_id_agencies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_agency_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_members")),
        sa.UniqueConstraint("agency_id", "user_id", name=op.f("uq_agency_members_agency_id_user_id")),
    )
    op.create_index(op.f("ix_agency_members_user_id"), "agency_members", ["user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_agency_members_user_id"), table_name="agency_members")
    op.drop_table("agency_members")
    op.drop_index("ix_agency_communities_community_id_agency_id", table_name="agency_communities")
    op.drop_table("agency_communities")
    op.drop_index(op.f("ix_agencies_region_id"), table_name="agencies")
    op.drop_table("agencies")
