from flask_smorest import Blueprint

from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import per_user
from backend.core.web import actor
from backend.moderation import services
from backend.moderation.schemas import (
    ActionCreateSchema,
    ActionSchema,
    AppealCreateSchema,
    AppealDecisionSchema,
    AppealListArgsSchema,
    AppealSchema,
    AuditArgsSchema,
    AuditEntrySchema,
    FlagCreateSchema,
    FlagReceiptSchema,
    MyActionSchema,
    QueueArgsSchema,
    QueueItemSchema,
    SettingsSchema,
    TransparencyMonthSchema,
)

blp = Blueprint("moderation", __name__, url_prefix="/api/v1", description="Flags, moderation, audit log, appeals")


@blp.route("/flags", methods=["POST"])
@per_user("RATELIMIT_FLAGGING")
@blp.arguments(FlagCreateSchema)
@blp.response(201, FlagReceiptSchema)
def create_flag(data):
    """Flag content or a profile with a reason (members; once per item; never your own)."""
    services.flag(actor(), data["target_type"], data["target_id"], data["reason"], data["text"])
    return {"flagged": True}


@blp.route("/communities/<int:cid>/moderation/queue", methods=["GET"])
@blp.arguments(QueueArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(QueueItemSchema))
def moderation_queue(filters, page, cid):
    """Flagged and hidden items, most flagged first (committee)."""
    return services.queue(actor(), cid, **filters, **page)


@blp.route("/moderation/actions", methods=["POST"])
@blp.arguments(ActionCreateSchema)
@blp.response(201, ActionSchema)
def create_action(data):
    """Hide, restore, warn, suspend or lift a suspension, with a reason shown to the author (committee)."""
    return services.act(actor(), **data)


@blp.route("/communities/<int:cid>/moderation/mine", methods=["GET"])
@blp.response(200, MyActionSchema(many=True))
def my_moderation(cid):
    """What the committee did about my content or me: why, until when, and my appeal."""
    return services.actions_about_me(actor(), cid)


@blp.route("/communities/<int:cid>/audit-log", methods=["GET"])
@blp.arguments(AuditArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(AuditEntrySchema))
def audit_log(filters, page, cid):
    """Append-only log of committee actions (committee)."""
    return services.audit_log(actor(), cid, **filters, **page)


@blp.route("/appeals", methods=["POST"])
@blp.arguments(AppealCreateSchema)
@blp.response(201, AppealSchema)
def create_appeal(data):
    """Appeal a moderation action once (its author)."""
    return services.appeal(actor(), data["action_id"], data["text"])


@blp.route("/communities/<int:cid>/appeals", methods=["GET"])
@blp.arguments(AppealListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(AppealSchema))
def list_appeals(filters, page, cid):
    """Appeals to decide (committee)."""
    return services.list_appeals(actor(), cid, **filters, **page)


@blp.route("/appeals/<int:appeal_id>/decision", methods=["POST"])
@blp.arguments(AppealDecisionSchema)
@blp.response(200, AppealSchema)
def decide_appeal(data, appeal_id):
    """Uphold or reverse (a committee member other than the one who acted)."""
    return services.decide_appeal(actor(), appeal_id, data["decision"], data["reason"])


@blp.route("/communities/<int:cid>/moderation/settings", methods=["GET"])
@blp.response(200, SettingsSchema)
def get_settings(cid):
    """Flag threshold and word filter (committee)."""
    return services.settings(actor(), cid)


@blp.route("/communities/<int:cid>/moderation/settings", methods=["PUT"])
@blp.arguments(SettingsSchema)
@blp.response(200, SettingsSchema)
def put_settings(data, cid):
    """Change the flag threshold or the word filter (committee; audited)."""
    return services.update_settings(actor(), cid, data)


@blp.route("/communities/<int:cid>/moderation/transparency", methods=["GET"])
@blp.response(200, TransparencyMonthSchema(many=True))
def transparency(cid):
    """Public monthly counts of moderation actions by type (no content, no names)."""
    return services.transparency(cid)
