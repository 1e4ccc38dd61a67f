"""The domains of Linli, listed once. The app factory registers their models, targets and blueprints in this
order; the data download has a section per domain in this order; the scheduler runs their jobs; the demo
seeds run in this order (the communities domain first: it builds the community the others fill).

To add a domain: write its package with a manifest (`DOMAIN = Domain(...)` in its `__init__.py`, see
backend/core/manifest.py) and add it here.
"""

from backend import (
    accounts,
    agencies,
    aid,
    audit,
    calendars,
    care,
    comments,
    communities,
    core,
    home,
    insights,
    maps,
    meetings,
    messaging,
    moderation,
    notices,
    notifications,
    open311,
    patrols,
    projects,
    register,
    reports,
    search,
    surveys,
    tasks,
    uploads,
    volunteering,
    voting,
)

DOMAINS = (
    core.DOMAIN,
    accounts.DOMAIN,
    audit.DOMAIN,
    messaging.DOMAIN,
    communities.DOMAIN,
    agencies.DOMAIN,
    register.DOMAIN,
    care.DOMAIN,
    notifications.DOMAIN,
    aid.DOMAIN,
    volunteering.DOMAIN,
    uploads.DOMAIN,
    reports.DOMAIN,
    notices.DOMAIN,
    projects.DOMAIN,
    comments.DOMAIN,
    voting.DOMAIN,
    surveys.DOMAIN,
    meetings.DOMAIN,
    tasks.DOMAIN,
    patrols.DOMAIN,
    moderation.DOMAIN,
    insights.DOMAIN,
    home.DOMAIN,
    search.DOMAIN,
    maps.DOMAIN,
    open311.DOMAIN,
    calendars.DOMAIN,
)


def jobs():
    """Every domain's periodic jobs, by name (`flask jobs run NAME`)."""
    return {job.name: job for domain in DOMAINS for job in domain.jobs}
