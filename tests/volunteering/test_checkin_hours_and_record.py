"""Check-in window and code, hours from the shift, corrections (audited), the record and certificate."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.db import utcnow
from backend.extensions import db
from backend.volunteering.models import Shift

from .conftest import make_activity


def _code(client, sid):
    response = client.get(f"/api/v1/shifts/{sid}/checkin-code")
    assert response.status_code == 200
    return response.get_json()["code"]


def _move_shift(app, sid, start_minutes, length=120):
    with app.app_context():
        shift = db.session.get(Shift, sid)
        shift.starts_at = utcnow() + timedelta(minutes=start_minutes)
        shift.ends_at = shift.starts_at + timedelta(minutes=length)
        db.session.commit()


@pytest.mark.parametrize("who, status", [("visitor", 401), ("volunteer", 403), ("committee", 200), ("admin", 200)])
def test_only_organisers_see_the_checkin_code_and_signups(hood, client_for, who, status):
    sid = make_activity(client_for(hood.org), hood.oid)["shifts"][0]["id"]
    user = {"visitor": None, "volunteer": hood.residents[0], "committee": hood.committee, "admin": hood.org}[who]
    assert client_for(user).get(f"/api/v1/shifts/{sid}/checkin-code").status_code == status
    assert client_for(user).get(f"/api/v1/shifts/{sid}/signups").status_code == status


def test_check_in_inside_the_window_with_the_right_code_records_the_shift_length(app, hood, client_for):
    """Wrong code refused; outside the window refused; inside: hours = shift length, once."""
    admin, volunteer = client_for(hood.org), client_for(hood.residents[0])
    sid = make_activity(admin, hood.oid, (20, 150, 3))["shifts"][0]["id"]  # starts in 20 minutes, 2.5 h
    volunteer.post(f"/api/v1/shifts/{sid}/signups")
    code = _code(admin, sid)
    wrong = volunteer.post(f"/api/v1/shifts/{sid}/checkin", json={"code": "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY"})
    assert wrong.status_code == 422 and wrong.get_json()["code"] == "volunteering.wrong_checkin_code"
    checked = volunteer.post(f"/api/v1/shifts/{sid}/checkin", json={"code": code.lower()})
    assert checked.status_code == 200
    assert checked.get_json()["hours"] == 2.5 and checked.get_json()["checked_in_at"]
    again = volunteer.post(f"/api/v1/shifts/{sid}/checkin", json={"code": code})
    assert again.get_json()["code"] == "volunteering.already_checked_in"
    listed = admin.get(f"/api/v1/shifts/{sid}/signups").get_json()["items"][0]
    assert listed["checked_in_at"] and listed["hours"] == 2.5


@pytest.mark.parametrize("start, length", [(45, 60), (-180, 60)])
def test_check_in_outside_the_window_is_refused(app, hood, client_for, start, length):
    """Too early (more than 30 minutes before) or after the end: checkin_closed."""
    admin, volunteer = client_for(hood.org), client_for(hood.residents[0])
    sid = make_activity(admin, hood.oid, (24 * 60, 60, 3))["shifts"][0]["id"]
    volunteer.post(f"/api/v1/shifts/{sid}/signups")
    _move_shift(app, sid, start, length)
    response = volunteer.post(f"/api/v1/shifts/{sid}/checkin", json={"code": _code(admin, sid)})
    assert response.status_code == 409 and response.get_json()["code"] == "volunteering.checkin_closed"


def test_only_confirmed_volunteers_check_in(app, hood, client_for):
    admin = client_for(hood.org)
    sid = make_activity(admin, hood.oid, (10, 60, 1))["shifts"][0]["id"]
    client_for(hood.residents[0]).post(f"/api/v1/shifts/{sid}/signups")
    client_for(hood.residents[1]).post(f"/api/v1/shifts/{sid}/signups")
    code = _code(admin, sid)
    assert (
        client_for(hood.residents[1]).post(f"/api/v1/shifts/{sid}/checkin", json={"code": code}).get_json()["code"]
        == "volunteering.not_confirmed"
    )
    assert (
        client_for(hood.residents[2]).post(f"/api/v1/shifts/{sid}/checkin", json={"code": code}).get_json()["code"]
        == "volunteering.not_signed_up"
    )


def test_hours_corrections_need_a_reason_are_audited_and_count_in_totals(app, hood, client_for):
    admin, volunteer = client_for(hood.org), client_for(hood.residents[0])
    activity = make_activity(admin, hood.oid, (15, 120, 3), (24 * 60, 60, 3))
    first, second = (s["id"] for s in activity["shifts"])
    volunteer.post(f"/api/v1/shifts/{first}/signups")
    volunteer.post(f"/api/v1/shifts/{second}/signups")
    volunteer.post(f"/api/v1/shifts/{first}/checkin", json={"code": _code(admin, first)})
    signup_id = admin.get(f"/api/v1/shifts/{first}/signups").get_json()["items"][0]["id"]
    assert (
        volunteer.patch(f"/api/v1/signups/{signup_id}/hours", json={"hours": 8, "reason": "我多干了"}).status_code
        == 403
    )
    assert admin.patch(f"/api/v1/signups/{signup_id}/hours", json={"hours": 3}).status_code == 422
    corrected = admin.patch(f"/api/v1/signups/{signup_id}/hours", json={"hours": 3, "reason": "提前到场帮忙布置"})
    assert corrected.status_code == 200 and corrected.get_json()["hours"] == 3
    assert corrected.get_json()["hours_reason"] == "提前到场帮忙布置"
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "signup.correct_hours"))
        assert (entry.before, entry.after, entry.reason) == ({"hours": 2.0}, {"hours": 3.0}, "提前到场帮忙布置")
    # The second shift: no check-in, the organiser records the hours (the volunteer forgot to check in).
    other_id = admin.get(f"/api/v1/shifts/{second}/signups").get_json()["items"][0]["id"]
    admin.patch(f"/api/v1/signups/{other_id}/hours", json={"hours": 1.5, "reason": "忘记签到，现场确认"})
    record = volunteer.get("/api/v1/me/volunteering").get_json()
    assert (record["total_hours"], record["shifts_done"], record["activities_done"]) == (4.5, 2, 1)
    assert {i["activity"]["organisation"] for i in record["items"]} == {"阳光志愿者协会"}


def test_the_certificate_is_printable_html_with_names_escaped(app, hood, client_for):
    admin, volunteer = client_for(hood.org), client_for(hood.residents[0])
    sid = make_activity(admin, hood.oid, (15, 90, 3), title="<b>敬老院探访</b>")["shifts"][0]["id"]
    volunteer.post(f"/api/v1/shifts/{sid}/signups")
    volunteer.post(f"/api/v1/shifts/{sid}/checkin", json={"code": _code(admin, sid)})
    page = volunteer.get("/api/v1/me/volunteering/certificate", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "志愿服务证明" in html and "阳光志愿者协会" in html and "阳光社区" in html and "1.5" in html
    assert "&lt;b&gt;敬老院探访&lt;/b&gt;" in html and "<b>敬老院探访" not in html
    # print styles and the Print button are same-origin static files: the CSP blocks inline <style> and onclick
    assert 'href="/css/certificate.css"' in html and 'src="/js/certificate.js"' in html
    assert "<style" not in html and "onclick" not in html and "<script>" not in html
    assert "年" in html and "月" in html  # dates written the Chinese way, not ISO
    assert client_for().get("/api/v1/me/volunteering/certificate").status_code == 401
