"""Reports and their timeline steps as targets: commented, flagged, hidden, followed, illustrated."""

from backend.core import targets
from backend.reports import services
from backend.reports.models import Report, ReportEvent


def _can_see_event(actor, event: ReportEvent) -> bool:
    """A timeline step's photos go with its report (hidden with it)."""
    return services.can_see(actor, services.get_report(event.report_id))


targets.register("report", model=Report, can_see=services.can_see, path="reports",
                 author_id=lambda report: report.reporter_id, title=lambda report: report.description[:60],
                 excerpt=targets.excerpt_of("description"),
                 # Everyone who said "me too" hears of new comments, as the reporter does.
                 follower_ids=lambda report: services.follower_ids(report)[1:],
                 flaggable=True, hideable=True, followable=True, commentable=True, photos=True)
targets.register("report_event", model=ReportEvent, can_see=_can_see_event, photos=True,
                 community_id=lambda event: services.get_report(event.report_id).community_id,
                 author_id=lambda event: event.actor_id)
