"""Early warnings: a grid's report surge and a category's rising reopen rate, notified to the committee once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from tests.insights.conftest import NOW, W, add_report


def _weekly(cid, grid_id, reporter_id, counts_oldest_first, category="rubbish"):
    """counts[i] new reports in week i of the 8 weeks before W; counts[8] in the current week (before NOW)."""
    for week, count in enumerate(counts_oldest_first):
        start = W - timedelta(weeks=8 - week)
        for n in range(count):
            add_report(cid, grid_id, reporter_id, category, start + timedelta(hours=1 + n))


def _resolved(cid, reporter_id, category, at, count, reopened):
    for n in range(count):
        add_report(
            cid,
            None,
            reporter_id,
            category,
            at - timedelta(days=2),
            status="resolved",
            resolved=at + timedelta(minutes=n),
            reopen_count=1 if n < reopened else 0,
        )


@pytest.fixture
def trouble(app, town):
    """Grid A: 1,2,1,2,1,2,1,2 then 5 (threshold 1.5 + 2 * 0.5 = 2.5, floor 5): a surge.
    Grid B: nothing for 8 weeks then 4: above mean + 2 sd (0) but below the floor of 5: no warning.
    Rubbish: 1 of 10 reopened over the 8 weeks before, 3 of 6 in the last 4: rising by 40 points.
    Noise: 1 of 5 reopened recently after 0 of 5 before: only 1 reopened, below the minimum of 2."""
    with app.app_context():
        _weekly(town.cid, town.grid_a, town.a1.id, [1, 2, 1, 2, 1, 2, 1, 2, 5])
        _weekly(town.cid, town.grid_b, town.b1.id, [0, 0, 0, 0, 0, 0, 0, 0, 4], category="parking")
        _resolved(town.cid, town.a1.id, "rubbish", W - timedelta(weeks=6), 10, 1)
        _resolved(town.cid, town.a1.id, "rubbish", W - timedelta(weeks=1), 6, 3)
        _resolved(town.cid, town.a1.id, "noise", W - timedelta(weeks=6), 5, 0)
        _resolved(town.cid, town.a1.id, "noise", W + timedelta(hours=3), 5, 1)
        db.session.commit()
    return town


def test_surge_and_rising_reopen_rate_are_flagged(app, trouble):
    from backend.insights import services

    with app.app_context():
        items = services.warnings(trouble.committee, trouble.cid, now=NOW)["items"]
    surge = [w for w in items if w["kind"] == "grid_surge"]
    rising = [w for w in items if w["kind"] == "reopen_rising"]
    assert len(surge) == 1
    assert surge[0]["grid"]["id"] == trouble.grid_a
    assert (surge[0]["count"], surge[0]["baseline_mean"], surge[0]["baseline_sd"], surge[0]["threshold"]) == (
        5,
        1.5,
        0.5,
        2.5,
    )
    assert [w["category"] for w in rising] == ["rubbish"]
    assert (rising[0]["recent_rate"], rising[0]["baseline_rate"]) == (0.5, 0.1)
    assert rising[0]["label"] == "垃圾环境"
    assert all(w["notified"] is False for w in items)


def test_surge_needs_the_floor_of_five(app, town):
    from backend.insights import early_warnings, periods

    with app.app_context():
        _weekly(town.cid, town.grid_b, town.b1.id, [0, 0, 0, 0, 0, 0, 0, 0, 4])
        db.session.commit()
        assert early_warnings.grid_surges([town.cid], NOW, periods.local_zone()) == []
        add_report(town.cid, town.grid_b, town.b1.id, "rubbish", W + timedelta(hours=50))
        db.session.commit()
        assert [w["count"] for w in early_warnings.grid_surges([town.cid], NOW, periods.local_zone())] == [5]


def test_committee_is_notified_once(app, trouble):
    from backend.core.db import commit
    from backend.insights import services
    from backend.notifications.models import Notification

    with app.app_context():
        assert services.send_warnings(now=NOW) == 2
        commit()
        assert services.send_warnings(now=NOW) == 0
        commit()
        sent = db.session.execute(
            select(Notification.user_id, Notification.kind, Notification.context).where(
                Notification.kind == "insights_warning"
            )
        ).all()
        assert {row.user_id for row in sent} == {trouble.committee.id}
        assert len(sent) == 2
        assert {row.context["warning_kind"] for row in sent} == {"grid_surge", "reopen_rising"}
        items = services.warnings(trouble.committee, trouble.cid, now=NOW)["items"]
        assert all(w["notified"] for w in items)


def test_flask_jobs_run_sends_the_warnings(app, trouble):
    from backend.insights.models import SentWarning

    result = app.test_cli_runner().invoke(args=["jobs", "run", "insights-warnings"])
    assert result.exit_code == 0, result.output
    sent = int(result.output.split()[1])
    with app.app_context():  # what was sent depends on today's date; each sent warning is recorded
        assert db.session.scalar(select(func.count()).select_from(SentWarning)) == sent
