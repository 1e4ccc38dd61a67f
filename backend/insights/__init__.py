"""Insights: the committee's dashboard, trends, grid map, early warnings, CSV exports, open data and the
district/street roll-up. Each domain's aggregate SQL lives in that domain's `figures.py`; this package
composes them, checks permissions and shapes the API."""

from backend.core.manifest import HOUR, MINUTE, Domain, Job

DOMAIN = Domain(
    "insights",
    layer="overview",
    models="backend.insights.models",
    blueprints=("backend.insights.routes:blp",),
    jobs=(
        Job(
            "insights-warnings",
            "backend.insights.services:send_warnings",
            HOUR,
            description="notify each committee once of this week's early warnings",
        ),
        Job(
            "insights-rollup",
            "backend.insights.services:materialise_rollups",
            10 * MINUTE,
            description="store this week's and this month's figures of every community for the district roll-up",
        ),
    ),
)
