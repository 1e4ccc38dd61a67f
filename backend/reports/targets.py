"""Reports and their timeline steps as targets: commented, flagged, hidden, followed, illustrated."""

from backend.core import targets
from backend.reports import services
from backend.reports.models import Report, ReportEvent

report = targets.register(
    "report",
    model=Report,
    can_see=services.can_see,
    path="reports",
    author_id=lambda report: report.reporter_id,
    title=lambda report: report.description[:60],
    excerpt=targets.excerpt_of("description"),
    # Everyone who said "me too" hears of new comments, as the reporter does.
    follower_ids=lambda report: services.follower_ids(report)[1:],
    flaggable=True,
    hideable=True,
    followable=True,
    commentable=True,
    photos=True,
)
# A timeline step's photos go with its report (hidden with it).
targets.register_timeline_step("report_event", ReportEvent, parent=report, parent_id="report_id")
