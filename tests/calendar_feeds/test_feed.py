"""The iCalendar feed (RFC 5545): parsed back by two parsers (icalendar, which built it, and `ics`, which
has its own grammar), stable UIDs, escaping, folding, time zones, and what never appears in it."""

from datetime import timedelta

import ics
import pytest
from icalendar import Calendar

from backend.core.db import utcnow
from tests.volunteering.conftest import make_activity


def feed(client, cid):
    response = client.get(f"/api/v1/communities/{cid}/calendar.ics")
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return response.data


def vevents(body: bytes):
    return Calendar.from_ical(body).walk("VEVENT")


def hide(client, activity_id):
    response = client.post(
        "/api/v1/moderation/actions",
        json={"target_type": "activity", "target_id": activity_id, "action": "hide", "reason": "核实后处理"},
    )
    assert response.status_code == 201, response.get_json()


def test_feed_is_valid_for_two_parsers_with_timezone_and_stable_uids(hood, client_for):
    """Can a calendar app read the feed, in Shanghai time, and recognise the same events on its next poll?"""
    activity = make_activity(client_for(hood.org), hood.oid, (60, 120, 3), (3 * 24 * 60, 90, 5))
    body = feed(client_for(), hood.cid)

    parsed = Calendar.from_ical(body)
    assert str(parsed["VERSION"]) == "2.0" and "Linli" in str(parsed["PRODID"])
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert str(parsed["X-PUBLISHED-TTL"]) == "PT1H" and parsed["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    events = parsed.walk("VEVENT")
    shift_ids = [shift["id"] for shift in activity["shifts"]]
    assert [str(e["UID"]) for e in events] == [f"activity-{activity['id']}-shift-{sid}@localhost" for sid in shift_ids]
    first = events[0]
    assert first["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert first["DTSTART"].dt.utcoffset() == timedelta(hours=8)
    assert first.get("DTSTAMP") is not None and str(first["SUMMARY"]) == "社区清洁日"
    assert str(first["LOCATION"]) == "中心花园"
    assert str(first["URL"]) == f"http://localhost/activities/{activity['id']}"
    assert first["DTEND"].dt - first["DTSTART"].dt == timedelta(minutes=120)

    # A second, independent parser (its own grammar) reads the same events at the same instants.
    other = ics.Calendar(body.decode("utf-8"))
    by_uid = {event.uid: event for event in other.events}
    for event in events:
        assert by_uid[str(event["UID"])].name == str(event["SUMMARY"])
        assert by_uid[str(event["UID"])].begin.datetime == event["DTSTART"].dt

    # The next poll gets the same bytes: same UIDs, same DTSTAMPs (when the item last changed, not now).
    assert feed(client_for(hood.residents[0]), hood.cid) == body


def test_chinese_text_commas_semicolons_and_long_lines_survive(hood, client_for):
    """Are 、，, ; \\ and new lines escaped, and long Chinese lines folded without breaking a character?"""
    title = "垃圾分类督导, 志愿者招募; 第1期"
    description = "请带上手套，雨天照常。\n地点: 3栋门口; 联系人 刘志愿\\王主任 " + "社区清洁" * 40
    make_activity(client_for(hood.org), hood.oid, title=title, description=description, location="中心花园, 东门;北侧")
    body = feed(client_for(), hood.cid)

    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    assert all(line.decode("utf-8") for line in lines if line)  # every folded line is whole UTF-8
    assert b"SUMMARY:\xe5\x9e\x83" in body and b"\\, \xe5\xbf\x97" in body and b"\\; " in body  # escaped , and ;
    event = vevents(body)[0]
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]).startswith(description)
    assert str(event["LOCATION"]) == "中心花园, 东门;北侧"
    assert ics.Calendar(body.decode("utf-8")).events.pop().name == title


def test_only_public_events_of_this_community_in_the_window(hood, client_for, make_community, make_member):
    """Do hidden activities and other communities' activities stay out of the feed, for a visitor, the
    organiser and the committee alike (a feed is copied into other apps: public events only)?"""
    org_client = client_for(hood.org)
    shown = make_activity(org_client, hood.oid, title="公开活动")
    hidden = make_activity(org_client, hood.oid, title="被隐藏的活动")
    hide(client_for(hood.committee), hidden["id"])
    elsewhere = make_community("别的社区")
    other_org = make_member(elsewhere, display_name="别处组织者")
    created = client_for(other_org).post(
        f"/api/v1/communities/{elsewhere.id}/organisations", json={"name": "别处协会", "kind": "volunteer_group"}
    )
    assert created.status_code == 201
    committee_elsewhere = make_member(elsewhere, role="committee")
    assert (
        client_for(committee_elsewhere).post(f"/api/v1/organisations/{created.get_json()['id']}/verify").status_code
        == 200
    )
    make_activity(client_for(other_org), created.get_json()["id"], title="别处的活动")

    for reader in (None, hood.committee, hood.org):
        titles = {str(e["SUMMARY"]) for e in vevents(feed(client_for(reader), hood.cid))}
        assert titles == {"公开活动"}, reader
    assert client_for().get(f"/api/v1/activities/{shown['id']}.ics").status_code == 200
    for reader in (None, hood.committee):
        response = client_for(reader).get(f"/api/v1/activities/{hidden['id']}.ics")
        assert response.status_code == 404 and response.is_json


def test_activity_file_has_every_shift_as_an_attachment(hood, client_for):
    """Does 'add to calendar' give one file with each of the activity's shifts?"""
    activity = make_activity(client_for(hood.org), hood.oid, (60, 60, 2), (2 * 24 * 60, 60, 2), (9 * 24 * 60, 30, 1))
    for url in (f"/api/v1/activities/{activity['id']}.ics", f"/api/v1/calendar/activity/{activity['id']}.ics"):
        response = client_for().get(url)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == f'attachment; filename="activity-{activity["id"]}.ics"'
        events = vevents(response.data)
        assert len(events) == 3 and len(ics.Calendar(response.data.decode()).events) == 3
        assert [e["DTSTART"].dt for e in events] == sorted(e["DTSTART"].dt for e in events)


def test_old_shifts_leave_the_feed(hood, client_for, app):
    """Is a shift that ended more than a month ago out of the feed, and one from last week still in it?"""
    from backend.extensions import db
    from backend.volunteering.models import Shift

    activity = make_activity(client_for(hood.org), hood.oid, (60, 60, 2), (120, 60, 2))
    old, recent = activity["shifts"]
    with app.app_context():
        for shift_id, days in ((old["id"], 40), (recent["id"], 7)):
            shift = db.session.get(Shift, shift_id)
            shift.starts_at = utcnow() - timedelta(days=days)
            shift.ends_at = shift.starts_at + timedelta(hours=1)
        db.session.commit()
    uids = [str(e["UID"]) for e in vevents(feed(client_for(), hood.cid))]
    assert uids == [f"activity-{activity['id']}-shift-{recent['id']}@localhost"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/communities/999999/calendar.ics",
        "/api/v1/communities/99999999999999/calendar.ics",
        "/api/v1/calendar/nosuchsource/1.ics",
        "/api/v1/calendar/activity/999999.ics",
        "/api/v1/activities/999999.ics",
        "/api/v1/calendar/activity/abc.ics",
        "/api/v1/calendar/" + "a" * 5000 + "/1.ics",
    ],
)
def test_unknown_things_are_a_problem_404(client_for, url):
    response = client_for().get(url)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_empty_community_feed_is_still_a_valid_calendar(hood, client_for):
    body = feed(client_for(), hood.cid)
    parsed = Calendar.from_ical(body)
    assert parsed.walk("VEVENT") == [] and "社区日历" in str(parsed["X-WR-CALNAME"])
    english = client_for().get(f"/api/v1/communities/{hood.cid}/calendar.ics", headers={"Accept-Language": "en"})
    assert "community calendar" in str(Calendar.from_ical(english.data)["X-WR-CALNAME"])
    assert len(ics.Calendar(body.decode()).events) == 0
