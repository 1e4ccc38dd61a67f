"""Open311 GeoReport v2: the specification's request and response shapes (JSON and XML), public view only,
POST with an API key, errors in the specification's shape, limits per key."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest

from backend.core.db import utcnow
from backend.extensions import db

# The published examples of https://wiki.open311.org/GeoReport_v2 (the fields and their JSON types).
SPEC_SERVICE = json.loads(
    """{"service_code":"001","service_name":"Cans left out 24x7","description":"Garbage or recycling cans that
    have been left out for more than 24 hours after collection. Violators will be cited.","metadata":true,
    "type":"realtime","keywords":"lorem, ipsum, dolor","group":"sanitation"}""".replace("\n", " ")
)
SPEC_DEFINITION_KEYS = {"service_code", "attributes"}
SPEC_REQUEST = json.loads(
    """{"service_request_id":638344,"status":"closed","status_notes":"Duplicate request.",
    "service_name":"Sidewalk and Curb Issues","service_code":"006","description":null,"agency_responsible":null,
    "service_notice":null,"requested_datetime":"2010-04-14T06:37:38-08:00","updated_datetime":"2010-04-14T06:37:38-08:00",
    "expected_datetime":"2010-04-15T06:37:38-08:00","address":"8TH AVE and JUDAH ST","address_id":545483,
    "zipcode":94122,"lat":37.762221815,"long":-122.4651145483,
    "media_url":"http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"}"""
)
SPEC_POSTED_KEYS = {"service_request_id", "service_notice", "account_id"}
SPEC_ERROR = {"code": 403, "description": "Invalid api_key received -- can't proceed with create_request."}

LAT, LNG = 31.23251, 121.47183


def post(client, key, cid, fmt="json", **fields):
    body = {
        "api_key": key,
        "jurisdiction_id": None if cid is None else str(cid),
        "service_code": "street_lights",
        "description": "3号楼门口路灯不亮",
        "lat": LAT,
        "long": LNG,
        **fields,
    }
    body = {k: v for k, v in body.items() if v is not None}
    return client.post(f"/open311/v2/requests.{fmt}", data=body)


def test_service_list_has_the_fields_and_types_of_the_specification(client, city):
    response = client.get(f"/open311/v2/services.json?jurisdiction_id={city.north.id}")
    assert response.status_code == 200
    services = response.get_json()
    assert isinstance(services, list) and services
    for service in services:
        assert set(service) == set(SPEC_SERVICE)
        for name, example in SPEC_SERVICE.items():
            assert type(service[name]) is type(example), name
        assert service["type"] in ("realtime", "batch", "blackbox")
    assert "street_lights" in {s["service_code"] for s in services}


def test_service_list_in_xml_uses_the_specification_element_names(client, city):
    response = client.get(f"/open311/v2/services.xml?jurisdiction_id={city.north.id}")
    assert response.status_code == 200 and response.mimetype == "text/xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == "services"
    first = root.findall("service")[0]
    assert [child.tag for child in first] == list(SPEC_SERVICE)
    assert first.findtext("metadata") == "false"


def test_service_names_are_in_the_readers_language(client, city):
    zh = client.get(f"/open311/v2/services.json?jurisdiction_id={city.north.id}").get_json()
    en = client.get(
        f"/open311/v2/services.json?jurisdiction_id={city.north.id}", headers={"Accept-Language": "en"}
    ).get_json()
    assert {s["service_name"] for s in zh} >= {"路灯照明"}
    assert {s["service_name"] for s in en} >= {"Street lights"}


def test_service_definition_json_and_xml(client, city):
    response = client.get(f"/open311/v2/services/street_lights.json?jurisdiction_id={city.north.id}")
    assert response.status_code == 200
    assert set(response.get_json()) == SPEC_DEFINITION_KEYS
    xml = ElementTree.fromstring(
        client.get(f"/open311/v2/services/street_lights.xml?jurisdiction_id={city.north.id}").data
    )
    assert xml.tag == "service_definition" and xml.findtext("service_code") == "street_lights"
    missing = client.get(f"/open311/v2/services/parking_lot.json?jurisdiction_id={city.north.id}")
    assert missing.status_code == 404 and set(missing.get_json()[0]) == set(SPEC_ERROR)


def test_posting_needs_a_valid_key_and_answers_in_the_specification_shape(client, city, issue_key):
    refused = post(client, "l311_made-up", city.north.id)
    assert refused.status_code == 403
    error = refused.get_json()
    assert isinstance(error, list) and set(error[0]) == set(SPEC_ERROR) and error[0]["code"] == 403
    no_key = post(client, None, city.north.id, fmt="xml")
    assert no_key.status_code == 403
    root = ElementTree.fromstring(no_key.data)
    assert root.tag == "errors" and root.find("error").findtext("code") == "403"
    assert root.find("error").findtext("description")

    key = issue_key()
    created = post(client, key, city.north.id)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert isinstance(body, list) and set(body[0]) == SPEC_POSTED_KEYS
    assert isinstance(body[0]["service_request_id"], int)


def test_posted_request_is_a_report_with_channel_open311_routed_to_the_grid_worker(app, client, city, issue_key):
    key = issue_key("城市网格化平台")
    rid = post(client, key, city.north.id, address_string="3号楼东侧").get_json()[0]["service_request_id"]
    with app.app_context():
        from backend.reports.models import Report

        report = db.session.get(Report, rid)
        assert report.channel == "open311" and report.community_id == city.north.id
        assert report.reporter.display_name == "城市网格化平台"
        assert report.location_text == "3号楼东侧" and report.status == "submitted"


def test_posting_keeps_nothing_about_the_person(app, client, city, issue_key):
    """e-mail, names and phone are accepted (clients send them) and not stored anywhere."""
    key = issue_key()
    response = post(
        client,
        key,
        city.north.id,
        email="caller@example.test",
        first_name="Li",
        last_name="Lei",
        phone="13800138000",
        device_id="abc",
    )
    assert response.status_code == 201
    with app.app_context():
        from sqlalchemy import text

        dump = " ".join(
            str(row)
            for table in ("reports", "report_events", "users", "audit_entries")
            for row in db.session.execute(text(f"SELECT * FROM {table}"))
        )
    assert "13800138000" not in dump and "caller@example.test" not in dump


def test_posting_checks_its_fields(client, city, issue_key):
    key = issue_key()
    assert post(client, key, city.north.id, service_code="not_ours").status_code == 422
    assert post(client, key, city.north.id, lat=None, long=None).status_code == 422  # nowhere
    assert post(client, key, city.north.id, lat=95).status_code == 422
    assert post(client, key, city.north.id, description="x" * 2001).status_code == 422
    assert post(client, key, "999999").status_code == 404
    assert post(client, key, "1 OR 1=1").status_code == 404
    assert post(client, key, None).status_code in (422,)
    half = post(client, key, city.north.id, long=None)
    assert half.status_code == 422 and "lat" in half.get_json()[0]["description"]


def test_revoked_key_is_refused_at_once(client, client_for, city, issue_key):
    key = issue_key()
    admin = client_for(city.admin)
    key_id = admin.get("/api/v1/api-keys").get_json()[0]["id"]
    assert admin.post(f"/api/v1/api-keys/{key_id}/revoke").status_code == 200
    assert post(client, key, city.north.id).status_code == 403


def test_posts_are_limited_per_key(app, client, city, issue_key):
    app.config["OPEN311_POST_LIMIT"] = "3 per minute"
    try:
        first, second = issue_key("甲系统"), issue_key("乙系统")
        statuses = [post(client, first, city.north.id).status_code for _ in range(4)]
        assert statuses == [201, 201, 201, 429]
        limited = post(client, first, city.north.id, fmt="xml")
        assert limited.status_code == 429 and ElementTree.fromstring(limited.data).tag == "errors"
        assert post(client, second, city.north.id).status_code == 201  # another key has its own budget
    finally:
        app.config.pop("OPEN311_POST_LIMIT")


def test_requests_show_the_public_view_only(app, client, client_for, city, issue_key):
    key = issue_key()
    rid = post(client, key, city.north.id).get_json()[0]["service_request_id"]
    response = client.get(f"/open311/v2/requests.json?jurisdiction_id={city.north.id}")
    assert response.status_code == 200
    found = {r["service_request_id"]: r for r in response.get_json()}
    request = found[rid]
    assert set(request) == set(SPEC_REQUEST)
    for name in ("service_request_id", "status", "service_code", "requested_datetime", "lat", "long"):
        assert type(request[name]) is type(SPEC_REQUEST[name]), name
    assert request["status"] == "open"
    # The position as the public board shows it: the centre of its 0.001° cell, never the exact point.
    assert (request["lat"], request["long"]) == (31.2325, 121.4715)
    assert request["requested_datetime"].endswith("+08:00")
    text = response.get_data(as_text=True)
    assert "平台" not in text and "王主任" not in text  # no reporter, no handler


def test_hidden_report_is_not_listed_nor_found(app, client, city, issue_key):
    key = issue_key()
    rid = post(client, key, city.north.id).get_json()[0]["service_request_id"]
    with app.app_context():
        from backend.reports.models import Report

        db.session.get(Report, rid).is_hidden = True
        db.session.commit()
    assert client.get(f"/open311/v2/requests/{rid}.json?jurisdiction_id={city.north.id}").status_code == 404
    listed = client.get(f"/open311/v2/requests.json?jurisdiction_id={city.north.id}").get_json()
    assert rid not in {r["service_request_id"] for r in listed}


def test_one_request_in_json_and_xml_and_not_from_another_community(client, city, issue_key):
    key = issue_key()
    rid = post(client, key, city.north.id).get_json()[0]["service_request_id"]
    one = client.get(f"/open311/v2/requests/{rid}.json?jurisdiction_id={city.north.id}")
    assert one.status_code == 200 and len(one.get_json()) == 1
    xml = ElementTree.fromstring(client.get(f"/open311/v2/requests/{rid}.xml?jurisdiction_id={city.north.id}").data)
    assert xml.tag == "service_requests"
    request = xml.find("request")
    assert [child.tag for child in request] == list(SPEC_REQUEST)
    assert request.findtext("service_request_id") == str(rid) and request.findtext("status") == "open"
    other = client.get(f"/open311/v2/requests/{rid}.json?jurisdiction_id={city.south.id}")
    assert other.status_code == 404 and other.get_json()[0]["code"] == 404


def test_status_maps_our_states_to_open_and_closed(app, client, city, issue_key):
    from backend.open311.services import open311_status

    assert [open311_status(s) for s in ("submitted", "accepted", "assigned", "in_progress", "reopened")] == ["open"] * 5
    assert [open311_status(s) for s in ("resolved", "confirmed", "rejected")] == ["closed"] * 3
    key = issue_key()
    open_id = post(client, key, city.north.id).get_json()[0]["service_request_id"]
    closed_id = post(client, key, city.north.id, service_code="rubbish").get_json()[0]["service_request_id"]
    with app.app_context():
        from backend.reports.models import Report

        db.session.get(Report, closed_id).status = "resolved"
        db.session.commit()
    base = f"/open311/v2/requests.json?jurisdiction_id={city.north.id}"
    assert [r["service_request_id"] for r in client.get(base + "&status=open").get_json()] == [open_id]
    assert [r["service_request_id"] for r in client.get(base + "&status=closed").get_json()] == [closed_id]
    assert len(client.get(base + "&status=open,closed").get_json()) == 2
    assert [r["service_request_id"] for r in client.get(base + "&service_code=rubbish").get_json()] == [closed_id]
    assert client.get(base + "&status=pending").status_code == 422


def test_filters_by_ids_and_dates(app, client, city, issue_key):
    key = issue_key()
    ids = [post(client, key, city.north.id).get_json()[0]["service_request_id"] for _ in range(3)]
    with app.app_context():
        from backend.reports.models import Report

        db.session.get(Report, ids[0]).created_at = utcnow() - timedelta(days=200)
        db.session.commit()
    base = f"/open311/v2/requests.json?jurisdiction_id={city.north.id}"
    # Without dates: the last 90 days (the specification's default).
    assert sorted(r["service_request_id"] for r in client.get(base).get_json()) == ids[1:]
    by_id = client.get(base + f"&service_request_id={ids[0]},{ids[2]}").get_json()
    assert sorted(r["service_request_id"] for r in by_id) == [ids[0], ids[2]]
    old = client.get(
        base
        + "&start_date=2000-01-01T00:00:00Z&end_date="
        + (utcnow() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    assert [r["service_request_id"] for r in old.get_json()] == [ids[0]]
    assert client.get(base + "&start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z").status_code == 422
    assert client.get(base + "&start_date=yesterday").status_code == 422
    assert client.get(base + "&service_request_id=" + ",".join(["1"] * 101)).status_code == 422


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_jurisdiction_is_required_and_must_exist(client, fmt):
    missing = client.get(f"/open311/v2/services.{fmt}")
    assert missing.status_code == 422
    unknown = client.get(f"/open311/v2/requests.{fmt}?jurisdiction_id=424242")
    assert unknown.status_code == 404
    if fmt == "xml":
        assert ElementTree.fromstring(unknown.data).find("error").findtext("code") == "404"
    else:
        assert unknown.get_json()[0]["code"] == 404
    assert client.get("/open311/v2/services.csv?jurisdiction_id=1").status_code == 404


def test_huge_and_hostile_input_is_refused_cleanly(client, city, issue_key):
    key = issue_key()
    assert client.get("/open311/v2/requests.json?jurisdiction_id=" + "9" * 5000).status_code in (404, 422)
    assert post(client, key, city.north.id, description="<b>&</b>" * 200).status_code == 201
    xml = client.get(f"/open311/v2/requests.xml?jurisdiction_id={city.north.id}")
    assert ElementTree.fromstring(xml.data).find("request").findtext("description").startswith("<b>&</b>")
    assert client.post("/open311/v2/requests.json", data={"api_key": "x" * 5000}).status_code in (403, 422)


def test_posting_in_xml_answers_the_specification_element_names(client, city, issue_key):
    key = issue_key()
    created = post(client, key, city.north.id, fmt="xml")
    assert created.status_code == 201 and created.mimetype == "text/xml"
    root = ElementTree.fromstring(created.data)
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == ["service_request_id", "service_notice", "account_id"]
    assert root.find("request").findtext("service_request_id").isdigit()
