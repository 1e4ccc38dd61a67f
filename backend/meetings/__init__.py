"""Meetings and hearings (议事会、听证会): an agenda linked to projects, reports, polls and surveys, RSVPs with a
capacity and a waitlist, check-in on the day, minutes with a decision per agenda item; a hearing also has a
public comment period before it, answered in the minutes."""

from backend.core.manifest import Domain

DOMAIN = Domain(
    "meetings",
    layer="content",
    models="backend.meetings.models",
    blueprints=("backend.meetings.routes:blp",),
    targets="backend.meetings.targets",
    personal_data="backend.meetings.personal_data",
    search="backend.meetings.search",
    calendar="backend.meetings.calendar",
    seed="backend.meetings.demo:seed_meetings",
)
