"""The calendar registry: domains register their sources; the feed asks every one of them."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.core import calendar
from backend.core.db import utcnow
from tests.volunteering.conftest import make_activity


def test_a_source_registered_twice_fails_at_import(app):
    assert "activity" in calendar.sources()
    with pytest.raises(ValueError, match="registered twice"):
        calendar.register_calendar_source("activity", lambda *a, **k: [])


def test_an_event_needs_aware_times_and_a_known_status():
    start = datetime(2026, 12, 24, 10, tzinfo=UTC)
    with pytest.raises(ValueError):
        calendar.CalendarEvent("x-1", "t", "", start.replace(tzinfo=None), start + timedelta(hours=1))
    with pytest.raises(ValueError):
        calendar.CalendarEvent("x-1", "t", "", start, start + timedelta(hours=1), status="postponed")


def test_activities_are_a_source_with_one_event_per_shift(app, hood, client_for):
    activity = make_activity(client_for(hood.org), hood.oid, (60, 120, 3), (24 * 60, 60, 5))
    with app.app_context():
        assert "activity" in calendar.sources()
        found = calendar.events(
            hood.cid, actor=None, since=utcnow() - timedelta(days=1), until=utcnow() + timedelta(days=30)
        )
    mine = [event for event in found if event.url == f"/activities/{activity['id']}"]
    assert [event.uid for event in mine] == [f"activity-{activity['id']}-shift-{s['id']}" for s in activity["shifts"]]
    assert mine[0].title == "社区清洁日" and mine[0].location == "中心花园"
    assert mine[0].start < mine[1].start
