"""one name per target kind: stored plural target types become the registry's singular kinds

Comments and their threads stored "projects", "reports", "activities", "notices"; uploads stored
"projects" and "project_events"; moderation and follows already used "project", "report"... Every table
now stores the kind of backend.core.targets (project, report, aid, activity, notice, project_event), so
comment notifications' contexts are rewritten too. The check constraint that listed the followable
kinds in the follows table goes: the registry decides what can be followed, at the service's edge.

Revision ID: 0011_arch
Revises: 0010
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_arch"
down_revision = "0010"
branch_labels = None
depends_on = None

COMMENT_KINDS = {"projects": "project", "reports": "report", "activities": "activity", "notices": "notice"}
UPLOAD_KINDS = {"projects": "project", "project_events": "project_event"}
FOLLOWABLE = ("project", "report", "poll", "aid", "activity", "notice")
COMMENT_NOTIFICATIONS = ("comment_posted", "comment_reply")


def _rename(table: str, renames: dict[str, str]) -> None:
    for old, new in renames.items():
        op.execute(
            sa.text(f"UPDATE {table} SET target_type = :new WHERE target_type = :old").bindparams(old=old, new=new)
        )


def _rename_in_contexts(table: str, renames: dict[str, str]) -> None:
    """context.target_type of comment notifications (a JSON column)."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for old, new in renames.items():
        if postgresql:
            statement = (
                f"UPDATE {table} SET context = jsonb_set(context::jsonb, '{{target_type}}', "
                f"to_jsonb(CAST(:new AS text)))::json "
                f"WHERE kind IN :kinds AND context->>'target_type' = :old"
            )
        else:
            statement = (
                f"UPDATE {table} SET context = json_set(context, '$.target_type', :new) "
                f"WHERE kind IN :kinds AND json_extract(context, '$.target_type') = :old"
            )
        op.execute(
            sa.text(statement)
            .bindparams(sa.bindparam("kinds", expanding=True))
            .bindparams(old=old, new=new, kinds=list(COMMENT_NOTIFICATIONS))
        )


def upgrade():
    _rename("comments", COMMENT_KINDS)
    _rename("comment_threads", COMMENT_KINDS)
    _rename("uploads", UPLOAD_KINDS)
    _rename_in_contexts("notifications", COMMENT_KINDS)
    _rename_in_contexts("held_pushes", COMMENT_KINDS)
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_follows_target_type_known"), type_="check")


def downgrade():
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "target_type_known", "target_type IN (" + ", ".join(f"'{kind}'" for kind in FOLLOWABLE) + ")"
        )
    back = {new: old for old, new in COMMENT_KINDS.items()}
    _rename_in_contexts("held_pushes", back)
    _rename_in_contexts("notifications", back)
    _rename("uploads", {new: old for old, new in UPLOAD_KINDS.items()})
    _rename("comment_threads", back)
    _rename("comments", back)
