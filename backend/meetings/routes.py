from flask_smorest import Blueprint

from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import per_user
from backend.core.web import actor
from backend.meetings import services
from backend.meetings.schemas import (
    AttendeeSchema,
    CancelInputSchema,
    CheckInInputSchema,
    CheckInResultSchema,
    HearingCommentInputSchema,
    HearingCommentSchema,
    MeetingCheckinCodeSchema,
    MeetingCreateSchema,
    MeetingListArgsSchema,
    MeetingSchema,
    MeetingSummarySchema,
    MeetingUpdateSchema,
    MinutesInputSchema,
    ToPollInputSchema,
    ToPollResultSchema,
    ToTaskInputSchema,
    ToTaskResultSchema,
)

blp = Blueprint(
    "meetings", __name__, url_prefix="/api/v1", description="Meetings and hearings: agenda, RSVPs, check-in, minutes"
)


@blp.route("/communities/<int:cid>/meetings", methods=["POST"])
@blp.arguments(MeetingCreateSchema)
@blp.response(201, MeetingSchema)
def create_meeting(data, cid):
    """Write a meeting or a hearing with its agenda (committee): a draft."""
    meeting = services.create_meeting(actor(), cid, **data)
    return services.get_meeting(actor(), meeting.id)


@blp.route("/communities/<int:cid>/meetings", methods=["GET"])
@blp.arguments(MeetingListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(MeetingSummarySchema))
def list_meetings(filters, page, cid):
    """A community's meetings: upcoming soonest first, or past latest first (drafts for the committee only)."""
    return services.list_meetings(actor(), cid, when=filters["when"], **page)


@blp.route("/meetings/<int:meeting_id>", methods=["GET"])
@blp.response(200, MeetingSchema)
def get_meeting(meeting_id):
    """A meeting with its agenda, decisions, my RSVP (waitlist place, my check-in code) and `can`."""
    return services.get_meeting(actor(), meeting_id)


@blp.route("/meetings/<int:meeting_id>", methods=["PATCH"])
@blp.arguments(MeetingUpdateSchema)
@blp.response(200, MeetingSchema)
def update_meeting(data, meeting_id):
    """Edit a meeting before it starts (committee); `agenda` replaces the agenda."""
    return services.update_meeting(actor(), meeting_id, data)


@blp.route("/meetings/<int:meeting_id>/publish", methods=["POST"])
@blp.response(200, MeetingSchema)
def publish_meeting(meeting_id):
    """Publish a draft (committee): the community is told."""
    return services.publish_meeting(actor(), meeting_id)


@blp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@blp.arguments(CancelInputSchema, required=False)
@blp.response(200, MeetingSchema)
def cancel_meeting(data, meeting_id):
    """Cancel a meeting before it starts (committee): those who RSVPed are told."""
    return services.cancel_meeting(actor(), meeting_id, reason=(data or {}).get("reason", ""))


@blp.route("/meetings/<int:meeting_id>/rsvp", methods=["POST"])
@blp.response(200, MeetingSchema)
def rsvp(meeting_id):
    """I am coming: a place while places remain, else the waitlist."""
    return services.rsvp(actor(), meeting_id)


@blp.route("/meetings/<int:meeting_id>/rsvp", methods=["DELETE"])
@blp.response(200, MeetingSchema)
def cancel_rsvp(meeting_id):
    """I am not coming after all: my place goes to the first on the waitlist."""
    return services.cancel_rsvp(actor(), meeting_id)


@blp.route("/meetings/<int:meeting_id>/attendees", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(AttendeeSchema))
def list_attendees(page, meeting_id):
    """Who is coming, who waits, who has checked in (committee)."""
    return services.list_attendees(actor(), meeting_id, **page)


@blp.route("/meetings/<int:meeting_id>/checkin-code", methods=["GET"])
@blp.response(200, MeetingCheckinCodeSchema)
def checkin_code(meeting_id):
    """The code to show at the door, also drawn as a QR code (committee)."""
    return services.checkin_code(actor(), meeting_id)


@blp.route("/meetings/<int:meeting_id>/checkin", methods=["POST"])
@blp.arguments(CheckInInputSchema)
@blp.response(200, CheckInResultSchema)
def check_in(data, meeting_id):
    """Check in on the day: myself with the meeting's `code`, or a resident by their `attendee_code` (committee)."""
    return services.check_in(actor(), meeting_id, **data)


@blp.route("/meetings/<int:meeting_id>/minutes", methods=["PUT"])
@blp.arguments(MinutesInputSchema)
@blp.response(200, MeetingSchema)
def save_minutes(data, meeting_id):
    """Write the minutes once the meeting has begun (committee): decisions, answers to hearing comments."""
    return services.save_minutes(actor(), meeting_id, **data)


@blp.route("/meetings/<int:meeting_id>/minutes/publish", methods=["POST"])
@blp.response(200, MeetingSchema)
def publish_minutes(meeting_id):
    """Publish the minutes (committee): attendees and commenters are told."""
    return services.publish_minutes(actor(), meeting_id)


@blp.route("/meetings/<int:meeting_id>/decisions/poll", methods=["POST"])
@blp.arguments(ToPollInputSchema)
@blp.response(201, ToPollResultSchema)
def decision_to_poll(data, meeting_id):
    """Open a yes/no poll on an agenda item's decision (committee), once per item."""
    return services.decision_to_poll(actor(), meeting_id, **data)


@blp.route("/meetings/<int:meeting_id>/decisions/task", methods=["POST"])
@blp.arguments(ToTaskInputSchema)
@blp.response(201, ToTaskResultSchema)
def decision_to_task(data, meeting_id):
    """Open a task in the ledger on an agenda item's decision (committee), once per item."""
    return services.decision_to_task(actor(), meeting_id, **data)


@blp.route("/meetings/<int:meeting_id>/hearing-comments", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(HearingCommentSchema))
def list_hearing_comments(page, meeting_id):
    """A hearing's comments, oldest first, with the committee's answers."""
    return services.list_hearing_comments(actor(), meeting_id, **page)


@blp.route("/meetings/<int:meeting_id>/hearing-comments", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.arguments(HearingCommentInputSchema)
@blp.response(201, HearingCommentSchema)
def post_hearing_comment(data, meeting_id):
    """Comment on a hearing during its comment period (known members)."""
    return services.post_hearing_comment(actor(), meeting_id, **data)
