from flask import current_app, request
from flask_smorest import Blueprint

from backend.core.i18n import request_locale
from backend.core.pagination import PageArgsSchema
from backend.core.ratelimit import per_user
from backend.core.web import actor
from backend.notifications import reads, services
from backend.notifications.schemas import (
    FollowArgsSchema,
    FollowInputSchema,
    FollowSchema,
    InboxArgsSchema,
    InboxPageSchema,
    MarkReadResultSchema,
    MarkReadSchema,
    PreferencesInputSchema,
    PreferencesSchema,
    SubscriptionDeleteSchema,
    SubscriptionInputSchema,
    SubscriptionSchema,
    VapidKeySchema,
)
from backend.notifications.vapid import public_key

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/v1",
    description="Inbox, Web Push subscriptions, preferences and follows",
)


@blp.route("/notifications", methods=["GET"])
@blp.arguments(InboxArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, InboxPageSchema)
def list_notifications(filters, page):
    """My inbox, newest first, with the unread count."""
    # The schema above documents the page; reads.inbox_page builds it already dumped (same bytes, no ORM).
    found = reads.inbox_page(actor(), unread=filters["unread"], locale=request_locale(), **page)
    return current_app.json.response(found)


@blp.route("/notifications/read", methods=["POST"])
@blp.arguments(MarkReadSchema)
@blp.response(200, MarkReadResultSchema)
def mark_read(data):
    """Mark notifications read: `{ids: [...]}` or `{all: true}`."""
    return services.mark_read(actor(), ids=data.get("ids"), all_=bool(data.get("all")))


@blp.route("/push/vapid-public-key", methods=["GET"])
@blp.response(200, VapidKeySchema)
def vapid_public_key():
    """The application server key to pass to pushManager.subscribe()."""
    return {"key": public_key()}


@blp.route("/push/subscriptions", methods=["POST"])
@per_user("RATELIMIT_PUSH_SUBSCRIPTIONS")
@blp.arguments(SubscriptionInputSchema)
@blp.response(201, SubscriptionSchema)
def subscribe(data):
    """Save this browser's PushSubscription (the same endpoint again updates it)."""
    data.pop("expirationTime", None)
    return services.subscribe(actor(), user_agent=request.headers.get("User-Agent"), **data)


@blp.route("/push/subscriptions", methods=["DELETE"])
@blp.arguments(SubscriptionDeleteSchema)
@blp.response(204)
def unsubscribe(data):
    """Forget this browser's subscription (body: `{endpoint}`)."""
    services.unsubscribe(actor(), endpoint=data["endpoint"])


@blp.route("/me/notification-preferences", methods=["GET"])
@blp.response(200, PreferencesSchema)
def get_preferences():
    """Per kind: inbox and push on or off; the digest; quiet hours (set through PATCH /me)."""
    return services.preferences(actor(), locale=request_locale())


@blp.route("/me/notification-preferences", methods=["PUT"])
@blp.arguments(PreferencesInputSchema)
@blp.response(200, PreferencesSchema)
def put_preferences(data):
    """Change kinds' inbox/push choices and the digest (kinds not listed keep theirs)."""
    return services.update_preferences(actor(), data, locale=request_locale())


@blp.route("/follows", methods=["GET"])
@blp.arguments(FollowArgsSchema, location="query")
@blp.response(200, FollowSchema)
def get_follow(args):
    """Do I follow this item?"""
    return services.follow_status(actor(), args["target_type"], args["target_id"])


@blp.route("/follows", methods=["POST"])
@blp.arguments(FollowInputSchema)
@blp.response(200, FollowSchema)
def follow(data):
    """Follow a project, report, poll, aid post, activity or notice."""
    return services.set_follow(actor(), data["target_type"], data["target_id"], following=True)


@blp.route("/follows", methods=["DELETE"])
@blp.arguments(FollowInputSchema)
@blp.response(200, FollowSchema)
def unfollow(data):
    """Stop following an item."""
    return services.set_follow(actor(), data["target_type"], data["target_id"], following=False)
