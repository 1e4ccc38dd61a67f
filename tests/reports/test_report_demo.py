"""The demo seed: reports in every state with photos, and notices of every kind."""

from types import SimpleNamespace

from sqlalchemy import select

from backend.communities.demo import seed_foundation
from backend.extensions import db
from backend.notices.demo import seed_notices
from backend.notices.models import Notice
from backend.reports.demo import seed_reports
from backend.reports.models import STATUSES, Report
from backend.uploads.models import Upload


def test_the_demo_has_reports_in_every_state_and_notices_of_every_kind(ctx):
    ctx = seed_foundation(SimpleNamespace())
    seed_reports(ctx)
    seed_notices(ctx)
    reports = list(db.session.scalars(select(Report)))
    assert {r.status for r in reports} == set(STATUSES)
    assert any(r.escalated_at for r in reports) and any(r.is_confirmed_by_default for r in reports)
    assert {r.reject_reason for r in reports} >= {"duplicate", "not_our_responsibility"}
    assert db.session.scalar(select(db.func.count()).select_from(Upload).where(Upload.target_type == "report")) >= 6
    notices = list(db.session.scalars(select(Notice)))
    assert any(n.is_pinned for n in notices) and any(n.is_urgent for n in notices)
    assert any(not n.is_whole_community for n in notices) and any(n.notified_at is None for n in notices)
