"""GET-only iCalendar routes: a community's feed to subscribe to, and one item's file to add."""

from flask import Response
from flask_smorest import Blueprint

from backend.calendars import services
from backend.core.i18n import request_locale
from backend.core.web import actor

blp = Blueprint(
    "calendars", __name__, url_prefix="/api/v1", description="iCalendar feeds of a community's public events"
)

ICS = "text/calendar; charset=utf-8"


def _ical_doc(description: str) -> dict:
    return {
        "responses": {"200": {"description": description, "content": {"text/calendar": {"schema": {"type": "string"}}}}}
    }


def _ical(body: bytes, file_name: str, *, attachment: bool) -> Response:
    disposition = "attachment" if attachment else "inline"
    return Response(
        body,
        headers={
            "Content-Type": ICS,
            "Content-Disposition": f'{disposition}; filename="{file_name}"',
            # Calendar apps poll the feed; an hour's copy is fine, and the feed has nothing personal.
            "Cache-Control": "public, max-age=3600",
        },
    )


@blp.route("/communities/<int:cid>/calendar.ics", methods=["GET"])
@blp.doc(**_ical_doc("iCalendar (RFC 5545): the community's public events, a month back to a year ahead"))
def community_feed(cid):
    """The community's public calendar to subscribe to: activities' shifts and meetings (anyone; drafts,
    hidden items and grid-scoped items never appear)."""
    body = services.community_feed(actor(), cid, locale=request_locale())
    return _ical(body, f"community-{cid}.ics", attachment=False)


@blp.route("/calendar/<string:source>/<int:item_id>.ics", methods=["GET"])
@blp.doc(**_ical_doc("iCalendar (RFC 5545): one item's events, to add to a calendar"))
def item_file(source, item_id):
    """One public item's events ("add to calendar"): `source` is a calendar source (activity, meeting)."""
    file_name, body = services.item_file(actor(), source, item_id, locale=request_locale())
    return _ical(body, file_name, attachment=True)


@blp.route("/activities/<int:activity_id>.ics", methods=["GET"])
@blp.doc(**_ical_doc("iCalendar (RFC 5545): the activity's shifts"))
def activity_file(activity_id):
    """One public activity's shifts to add to a calendar (the same as /calendar/activity/{id}.ics)."""
    file_name, body = services.item_file(actor(), "activity", activity_id, locale=request_locale())
    return _ical(body, file_name, attachment=True)
