import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.core.schemas import InputSchema, abilities_schema, text
from backend.moderation.models import ACTIONS, CASE_STATES, FLAG_REASONS
from backend.moderation.services import QUEUE_ACTIONS

TARGET_TYPE = text(30, required=True, min_length=1)


class FlagCreateSchema(InputSchema):
    target_type = TARGET_TYPE
    target_id = ma.fields.Integer(required=True, strict=True)
    reason = ma.fields.String(required=True, validate=ma.validate.OneOf(FLAG_REASONS))
    text = text(500, load_default="")


class FlagReceiptSchema(ma.Schema):
    flagged = ma.fields.Boolean()


class ActionCreateSchema(InputSchema):
    target_type = TARGET_TYPE
    target_id = ma.fields.Integer(required=True, strict=True)
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(ACTIONS))
    reason = text(1000, required=True, min_length=1)
    days = ma.fields.Integer(load_default=None, allow_none=True)


class ActionSchema(ma.Schema):
    id = ma.fields.Integer()
    action = ma.fields.String()
    target_type = ma.fields.String()
    target_id = ma.fields.Integer()
    reason = ma.fields.String()
    days = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    awaiting_second = ma.fields.Boolean(
        dump_default=False,
        metadata={
            "description": "a suspension of a committee member asked by one member: nothing applied until a second "
            "member asks the same (id is then null)"
        },
    )


class MyActionSchema(ActionSchema):
    """An action about me, with whether I appealed and how it ended."""

    suspended_until = ma.fields.Method("_until")
    appeal = ma.fields.Method("_appeal")

    def _until(self, action):
        from datetime import timedelta

        return (action.created_at + timedelta(days=action.days)).isoformat() if action.action == "suspend" else None

    def _appeal(self, action):
        found = action.my_appeal  # loaded for the whole list by services.actions_about_me
        return {"id": found.id, "status": found.status, "decision_reason": found.decision_reason} if found else None


class QueueArgsSchema(ma.Schema):
    target_type = text(30, load_default=None)
    state = ma.fields.String(load_default=None, validate=ma.validate.OneOf(CASE_STATES))


class QueueItemSchema(ma.Schema):
    id = ma.fields.Integer()
    target_type = ma.fields.String()
    target_id = ma.fields.Integer()
    state = ma.fields.String()
    flag_count = ma.fields.Integer()
    is_held_by_filter = ma.fields.Boolean()
    is_hidden = ma.fields.Boolean()
    excerpt = ma.fields.String()
    reasons = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    flag_texts = ma.fields.List(ma.fields.String())
    counted_flags = ma.fields.Integer(
        metadata={"description": "distinct households of verified flaggers (what the threshold counts)"}
    )
    new_member_flags = ma.fields.Integer(
        metadata={"description": "flags from members who joined less than 7 days before flagging"}
    )
    brigade = ma.fields.Boolean(
        metadata={"description": "at least 3 flags from new members within an hour: possibly a coordinated brigade"}
    )
    author = ma.fields.Nested(PublicUserSchema, allow_none=True)
    author_history = ma.fields.List(ma.fields.Nested(ActionSchema))
    can = ma.fields.Nested(abilities_schema("QueueItemAbilitiesSchema", QUEUE_ACTIONS))
    updated_at = ma.fields.DateTime()


class AppealCreateSchema(InputSchema):
    action_id = ma.fields.Integer(required=True, strict=True)
    text = text(2000, required=True, min_length=1)


class AppealDecisionSchema(InputSchema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(("uphold", "reverse")))
    reason = text(1000, required=True, min_length=1)


class AppealSchema(ma.Schema):
    id = ma.fields.Integer()
    action_id = ma.fields.Integer()
    # What was done and why, so the member deciding reads the appeal against it.
    action = ma.fields.Nested(ActionSchema, allow_none=True)
    author = ma.fields.Nested(PublicUserSchema)
    text = ma.fields.String()
    status = ma.fields.String()
    decision_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    decided_at = ma.fields.DateTime(allow_none=True)


class AppealListArgsSchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(("pending", "upheld", "reversed")))


class AuditArgsSchema(ma.Schema):
    action = text(50, load_default=None)
    actor_id = ma.fields.Integer(load_default=None)
    target_type = text(30, load_default=None)


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    actor = ma.fields.Nested(PublicUserSchema, allow_none=True)
    action = ma.fields.String()
    target_type = ma.fields.String()
    target_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String()
    before = ma.fields.Dict(allow_none=True)
    after = ma.fields.Dict(allow_none=True)
    created_at = ma.fields.DateTime()
    target_label = ma.fields.String(allow_none=True, metadata={"description": "the person's name or the item's title"})
    before_labels = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "names for the ids in `before` ({assignee_id: name, grid_ids: [names]})"},
    )
    after_labels = ma.fields.Dict(allow_none=True, metadata={"description": "names for the ids in `after`"})


class SettingsSchema(InputSchema):
    flag_threshold = ma.fields.Integer(validate=ma.validate.Range(1, 50))
    word_filter = ma.fields.List(text(50, min_length=1), validate=ma.validate.Length(max=500))


class TransparencyMonthSchema(ma.Schema):
    month = ma.fields.String()
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
