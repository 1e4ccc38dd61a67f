"""Meetings in the community's iCalendar feed and "add to calendar": published ones only, read back by a parser."""

from icalendar import Calendar


def _events(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return {str(e["UID"]).split("@")[0]: e for e in Calendar.from_ical(response.data).walk("VEVENT")}


def test_published_meetings_are_in_the_feed_drafts_never(town, new_meeting, client_for):
    shown = new_meeting(title="停车难议事会")
    draft = new_meeting(published=False, title="草稿会议")
    events = _events(client_for(), f"/api/v1/communities/{town.cid}/calendar.ics")
    assert f"meeting-{draft['id']}" not in events
    event = events[f"meeting-{shown['id']}"]
    assert str(event["SUMMARY"]) == "停车难议事会" and str(event["LOCATION"]) == "社区会议室"
    assert "1. 停车难" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/meetings/{shown['id']}")
    one = _events(client_for(), f"/api/v1/calendar/meeting/{shown['id']}.ics")
    assert list(one) == [f"meeting-{shown['id']}"]
    assert client_for().get(f"/api/v1/calendar/meeting/{draft['id']}.ics").status_code == 404
    assert client_for(town.committee).get(f"/api/v1/calendar/meeting/{draft['id']}.ics").status_code == 404


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(town, new_meeting, client_for):
    meeting = new_meeting()
    client_for(town.committee).post(f"/api/v1/meetings/{meeting['id']}/cancel", json={})
    event = _events(client_for(), f"/api/v1/communities/{town.cid}/calendar.ics")[f"meeting-{meeting['id']}"]
    assert str(event["STATUS"]) == "CANCELLED"
