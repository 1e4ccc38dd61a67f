from datetime import UTC

import marshmallow as ma

from backend.core.schemas import InputSchema, abilities_schema, text
from backend.meetings.models import KINDS, LINK_KINDS
from backend.meetings.services import ACTIONS

MAX_AGENDA = 30
MAX_CAPACITY = 10_000
ID = ma.validate.Range(1, 2**31 - 1)


def _aware(**kwargs):
    return ma.fields.AwareDateTime(default_timezone=UTC, **kwargs)


class AgendaInputSchema(InputSchema):
    title = text(200, required=True, min_length=1)
    description = text(2000, load_default="")
    link_kind = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(LINK_KINDS),
        metadata={"description": "what it is about"},
    )
    link_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ID)


class MeetingCreateSchema(InputSchema):
    kind = ma.fields.String(load_default="meeting", validate=ma.validate.OneOf(KINDS))
    title = text(120, required=True, min_length=1)
    description = text(5000, load_default="")
    location = text(200, required=True, min_length=1)
    starts_at = _aware(required=True)
    ends_at = _aware(required=True)
    capacity = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(1, MAX_CAPACITY),
        metadata={"description": "none: no limit"},
    )
    comments_open_at = _aware(load_default=None, allow_none=True, metadata={"description": "hearings: required"})
    comments_close_at = _aware(
        load_default=None, allow_none=True, metadata={"description": "hearings: required, at the latest the start"}
    )
    agenda = ma.fields.List(
        ma.fields.Nested(AgendaInputSchema), load_default=list, validate=ma.validate.Length(max=MAX_AGENDA)
    )


class MeetingUpdateSchema(InputSchema):
    """Only the fields sent change; `agenda` replaces the whole agenda."""

    title = text(120, min_length=1)
    description = text(5000)
    location = text(200, min_length=1)
    starts_at = _aware()
    ends_at = _aware()
    capacity = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(1, MAX_CAPACITY))
    comments_open_at = _aware(allow_none=True)
    comments_close_at = _aware(allow_none=True)
    agenda = ma.fields.List(ma.fields.Nested(AgendaInputSchema), validate=ma.validate.Length(max=MAX_AGENDA))


class CancelInputSchema(InputSchema):
    reason = text(300, load_default="")


class MeetingListArgsSchema(ma.Schema):
    when = ma.fields.String(load_default="upcoming", validate=ma.validate.OneOf(("upcoming", "past")))


class CheckInInputSchema(InputSchema):
    code = text(12, load_default=None, allow_none=True, metadata={"description": "the meeting's code: yourself"})
    attendee_code = text(
        12, load_default=None, allow_none=True, metadata={"description": "a resident's own code: organisers"}
    )


class DecisionInputSchema(InputSchema):
    item_id = ma.fields.Integer(required=True, validate=ID)
    decision = text(5000, required=True)
    comment_ids = ma.fields.List(
        ma.fields.Integer(validate=ID),
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=500),
        metadata={"description": "hearings: the comments this decision answers (replaces the item's list)"},
    )


class CommentAnswerInputSchema(InputSchema):
    comment_id = ma.fields.Integer(required=True, validate=ID)
    answer = text(2000, required=True)


class MinutesInputSchema(InputSchema):
    summary = text(10000, load_default=None, allow_none=True)
    items = ma.fields.List(
        ma.fields.Nested(DecisionInputSchema), load_default=list, validate=ma.validate.Length(max=MAX_AGENDA)
    )
    answers = ma.fields.List(
        ma.fields.Nested(CommentAnswerInputSchema), load_default=list, validate=ma.validate.Length(max=500)
    )


class ToPollInputSchema(InputSchema):
    item_id = ma.fields.Integer(required=True, validate=ID)
    title = text(120, load_default=None, allow_none=True)
    opens_at = _aware(required=True)
    closes_at = _aware(required=True)


class ToTaskInputSchema(InputSchema):
    item_id = ma.fields.Integer(required=True, validate=ID)
    owner_id = ma.fields.Integer(required=True, validate=ID, metadata={"description": "a verified member"})
    due_on = ma.fields.Date(required=True)
    title = text(120, load_default=None, allow_none=True)


class ToTaskResultSchema(ma.Schema):
    task_id = ma.fields.Integer()
    meeting = ma.fields.Nested(lambda: MeetingSchema)


class HearingCommentInputSchema(InputSchema):
    body = text(2000, required=True, min_length=1)


class AgendaLinkSchema(ma.Schema):
    kind = ma.fields.String()
    id = ma.fields.Integer()
    title = ma.fields.String()


class AgendaItemSchema(ma.Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    title = ma.fields.String()
    description = ma.fields.String()
    link = ma.fields.Nested(
        AgendaLinkSchema, allow_none=True, metadata={"description": "what it is about, if the viewer may open it"}
    )
    decision = ma.fields.String()
    poll_id = ma.fields.Integer(allow_none=True, metadata={"description": "the poll the decision opened"})
    task_id = ma.fields.Integer(allow_none=True, metadata={"description": "the task the decision opened"})
    comment_ids = ma.fields.List(ma.fields.Integer(), metadata={"description": "hearing comments it answers"})


class MyRsvpSchema(ma.Schema):
    status = ma.fields.String(metadata={"description": "going or waitlisted"})
    position = ma.fields.Integer(allow_none=True, metadata={"description": "place on the waitlist (1: next)"})
    attendee_code = ma.fields.String(metadata={"description": "my own code: the organiser types it to check me in"})
    checked_in_at = ma.fields.DateTime(allow_none=True)


class MeetingSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "meeting or hearing"})
    title = ma.fields.String()
    location = ma.fields.String()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    status = ma.fields.String(metadata={"description": "draft, published, held, minuted or cancelled"})
    capacity = ma.fields.Integer(allow_none=True)
    going_count = ma.fields.Integer()
    waitlist_count = ma.fields.Integer()
    comments_open_at = ma.fields.DateTime(allow_none=True)
    comments_close_at = ma.fields.DateTime(allow_none=True)
    comments_open = ma.fields.Boolean(attribute="comments_open_now")
    my_rsvp = ma.fields.Nested(MyRsvpSchema, allow_none=True)
    can = ma.fields.Nested(abilities_schema("MeetingAbilitiesSchema", ACTIONS))


class MeetingSchema(MeetingSummarySchema):
    description = ma.fields.String()
    agenda = ma.fields.List(ma.fields.Nested(AgendaItemSchema))
    checkin_opens_at = ma.fields.DateTime()
    minutes_summary = ma.fields.String()
    published_at = ma.fields.DateTime(allow_none=True)
    minuted_at = ma.fields.DateTime(allow_none=True)
    cancelled_at = ma.fields.DateTime(allow_none=True)
    cancel_reason = ma.fields.String()


class AttendeeSchema(ma.Schema):
    id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    display_name = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    position = ma.fields.Integer(allow_none=True)
    queued_at = ma.fields.DateTime()
    checked_in_at = ma.fields.DateTime(allow_none=True)


class MeetingCheckinCodeSchema(ma.Schema):
    meeting_id = ma.fields.Integer()
    code = ma.fields.String()
    opens_at = ma.fields.DateTime()
    closes_at = ma.fields.DateTime()
    going_count = ma.fields.Integer()
    checked_in_count = ma.fields.Integer()


class CheckInResultSchema(ma.Schema):
    meeting_id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    display_name = ma.fields.String(allow_none=True)
    checked_in_at = ma.fields.DateTime()


class ToPollResultSchema(ma.Schema):
    poll_id = ma.fields.Integer()
    meeting = ma.fields.Nested(MeetingSchema)


class HearingCommentSchema(ma.Schema):
    id = ma.fields.Integer()
    meeting_id = ma.fields.Integer()
    author_name = ma.fields.String(allow_none=True)
    body = ma.fields.String()
    created_at = ma.fields.DateTime()
    is_hidden = ma.fields.Boolean()
    answer = ma.fields.String()
    answered_at = ma.fields.DateTime(allow_none=True)
    item_id = ma.fields.Integer(allow_none=True, metadata={"description": "the agenda item whose decision answers it"})
