"""Task ledger views: the owner, whoever assigned it, the committee and the officials above read the same task."""

import marshmallow as ma

from backend.core.schemas import InputSchema, abilities_schema, text
from backend.tasks.models import LINK_KINDS, SOURCE_KINDS, TASK_STATUSES
from backend.tasks.services import ACTIONS

IDS = ma.validate.Range(1, 2**31 - 1)
STEPS = ("start", "complete", "cancel", "reopen")


class LinkInSchema(InputSchema):
    kind = ma.fields.String(required=True, data_key="type", validate=ma.validate.OneOf(LINK_KINDS))
    id = ma.fields.Integer(required=True, validate=IDS)


class SourceSchema(InputSchema):
    kind = ma.fields.String(required=True, data_key="type", validate=ma.validate.OneOf(SOURCE_KINDS))
    id = ma.fields.Integer(required=True, validate=IDS)


class TaskCreateSchema(InputSchema):
    title = text(120, load_default=None, allow_none=True, metadata={"description": "defaults to the source's"})
    description = text(2000, load_default="")
    owner_id = ma.fields.Integer(required=True, validate=IDS)
    due_on = ma.fields.Date(required=True)
    grid_id = ma.fields.Integer(load_default=None, allow_none=True, validate=IDS)
    links = ma.fields.List(ma.fields.Nested(LinkInSchema), load_default=list, validate=ma.validate.Length(max=10))
    source = ma.fields.Nested(SourceSchema, load_default=None, allow_none=True)

    @ma.post_load
    def as_pairs(self, data, **_kwargs):
        data["links"] = [(link["kind"], link["id"]) for link in data["links"]]
        if data["source"] is not None:
            data["source"] = (data["source"]["kind"], data["source"]["id"])
        return data


class TaskUpdateSchema(InputSchema):
    title = text(120, min_length=2)
    description = text(2000)
    owner_id = ma.fields.Integer(validate=IDS)
    due_on = ma.fields.Date()
    grid_id = ma.fields.Integer(allow_none=True, validate=IDS)
    links = ma.fields.List(ma.fields.Nested(LinkInSchema), validate=ma.validate.Length(max=10))

    @ma.post_load
    def as_pairs(self, data, **_kwargs):
        if "links" in data:
            data["links"] = [(link["kind"], link["id"]) for link in data["links"]]
        return data


class TaskStepSchema(InputSchema):
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(STEPS))
    note = text(500, load_default="")


class TaskListArgsSchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(TASK_STATUSES))
    overdue = ma.fields.Boolean(load_default=None)


class CommunityTaskListArgsSchema(TaskListArgsSchema):
    owner_id = ma.fields.Integer(load_default=None, validate=IDS)
    grid_id = ma.fields.Integer(load_default=None, validate=IDS)


class LinkSchema(ma.Schema):
    kind = ma.fields.String(data_key="type", metadata={"enum": list(LINK_KINDS)})
    id = ma.fields.Integer()
    title = ma.fields.String(metadata={"description": "empty when the viewer may not see the item"})
    url = ma.fields.String(allow_none=True, metadata={"description": "the PWA's page of the item"})


class TaskSchema(ma.Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    grid_id = ma.fields.Integer(allow_none=True)
    grid_name = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    owner_id = ma.fields.Integer()
    owner_name = ma.fields.String()
    assigned_by_id = ma.fields.Integer()
    assigned_by_name = ma.fields.String()
    due_on = ma.fields.Date()
    status = ma.fields.String(metadata={"enum": list(TASK_STATUSES)})
    is_overdue = ma.fields.Boolean()
    source_kind = ma.fields.String(allow_none=True)
    source_id = ma.fields.Integer(allow_none=True)
    links = ma.fields.List(ma.fields.Nested(LinkSchema))
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    done_at = ma.fields.DateTime(allow_none=True)
    escalated_at = ma.fields.DateTime(allow_none=True)
    can = ma.fields.Nested(abilities_schema("TaskAbilitiesSchema", ACTIONS))


class TaskEventSchema(ma.Schema):
    id = ma.fields.Integer()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_name = ma.fields.String()
    action = ma.fields.String()
    note = ma.fields.String()
    created_at = ma.fields.DateTime()


class TaskDetailSchema(TaskSchema):
    events = ma.fields.List(ma.fields.Nested(TaskEventSchema))
