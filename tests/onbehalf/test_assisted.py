"""Acting on behalf of residents (代办): staff register a resident without phone or e-mail, file a report for them,
print their invitation letters; the resident takes the account over. Attacked from every side: other communities'
staff, plain residents, grid workers outside their grids, invented accounts, code guessing and reuse."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.audit.models import AuditEntry
from backend.communities.models import AssistedResident
from backend.core.db import utcnow
from backend.extensions import db
from tests.conftest import ApiClient

NEW_PASSWORD = "wang-ayi-2026-spring"


def _register(client, cid, **body):
    payload = {"display_name": "王阿姨", "building": "3", "unit": "2", "room": "401", "consent_on_paper": True, **body}
    return client.post(f"/api/v1/communities/{cid}/residents", json=payload)


@pytest.fixture
def world(make_community, make_member, make_user):
    community, other = make_community(), make_community()
    return {
        "community": community,
        "other": other,
        "committee": make_member(community, "committee"),
        "grid_worker": make_member(community, "grid_worker", grid=0),
        "other_grid_worker": make_member(community, "grid_worker", grid=1),
        "resident": make_member(community),
        "other_committee": make_member(other, "committee"),
        "outsider": make_member(other),
    }


def _audit(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_committee_registers_a_resident_without_phone_or_e_mail(app, client_for, world):
    cid = world["community"].id
    answer = _register(client_for(world["committee"]), cid, consent_date="2026-12-01")
    assert answer.status_code == 201, answer.json
    user_id = answer.json["user"]["id"]
    assert answer.json["user"]["display_name"] == "王阿姨"
    membership = answer.json["membership"]
    assert (membership["status"], membership["role"]) == ("verified", "resident")
    assert membership["household"] == {"building": "3", "unit": "2", "room": "401"}
    [entry] = _audit(app, "member.registered_in_person")
    assert (entry.actor_id, entry.target_id, entry.after["consent_on"]) == (
        world["committee"].id,
        user_id,
        "2026-12-01",
    )
    listed = client_for(world["committee"]).get(f"/api/v1/communities/{cid}/residents").json["items"]
    assert [(r["user"]["id"], r["consent_on"], r["registered_by"]["id"]) for r in listed] == [
        (user_id, "2026-12-01", world["committee"].id)
    ]
    with app.app_context():
        from backend.accounts.models import User

        user = db.session.get(User, user_id)
        assert (user.email, user.phone, user.password_hash) == (None, None, "!")


def test_nobody_signs_in_to_a_registered_account_before_it_is_taken_over(client, client_for, world):
    answer = _register(client_for(world["committee"]), world["community"].id, phone="13912345678")
    assert answer.status_code == 201
    for password in ("!", "", "x" * 12):
        assert (
            client.post("/api/v1/auth/login", json={"login": "13912345678", "password": password or "y"}).status_code
            == 401
        )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"consent_on_paper": False}, "consent_on_paper"),
        ({"consent_date": "2999-01-01"}, "consent_date"),
        ({"phone": "12345"}, "phone"),
        ({"room": " "}, "room"),
    ],
)
def test_registration_refuses_missing_consent_and_bad_input(client_for, world, body, field):
    answer = _register(client_for(world["committee"]), world["community"].id, **body)
    assert answer.status_code == 422 and field in answer.json["errors"], answer.json


def test_a_phone_that_has_an_account_is_refused(client_for, world, make_user):
    make_user(phone="13912345678")
    answer = _register(client_for(world["committee"]), world["community"].id, phone="139 1234 5678")
    assert (answer.status_code, answer.json["code"]) == (409, "account.account_exists")


def test_a_grid_worker_registers_residents_of_their_own_grid_only(client_for, world):
    community = world["community"]
    worker = client_for(world["grid_worker"])
    assert _register(worker, community.id, grid_id=community.grid_ids[0]).status_code == 201
    assert _register(worker, community.id, grid_id=community.grid_ids[1]).status_code == 403
    assert _register(worker, community.id).status_code == 422  # they name their grid


@pytest.mark.parametrize("who, status", [("resident", 403), ("other_committee", 403), ("outsider", 403), (None, 401)])
def test_who_may_not_register_residents(client_for, world, who, status):
    client = client_for(world[who] if who else None)
    assert _register(client, world["community"].id).status_code == status
    assert client.get(f"/api/v1/communities/{world['community'].id}/residents").status_code == status


def test_registering_in_a_grid_of_another_community_is_refused(client_for, world):
    answer = _register(client_for(world["committee"]), world["community"].id, grid_id=world["other"].grid_ids[0])
    assert answer.status_code == 422 and "grid_id" in answer.json["errors"]


# --- filing a report for a resident ---------------------------------------------------------------------------


def _registered(client_for, world, **body):
    return _register(client_for(world["committee"]), world["community"].id, **body).json["user"]["id"]


def _report_for(client, cid, resident_id, **body):
    payload = {"category": "street_lights", "description": "楼道灯坏了", "location_text": "3栋2单元", **body}
    if resident_id is not None:
        payload["on_behalf_of"] = resident_id
    return client.post(f"/api/v1/communities/{cid}/reports", json=payload)


def test_staff_file_a_report_for_a_resident_and_the_timeline_says_so(app, client_for, world):
    cid = world["community"].id
    resident_id = _registered(client_for, world, grid_id=world["community"].grid_ids[0])
    answer = _report_for(client_for(world["grid_worker"]), cid, resident_id, channel="phone")
    assert answer.status_code == 201, answer.json
    report = answer.json
    assert report["channel"] == "phone"
    steps = [(e["action"], e.get("actor_role"), e.get("note")) for e in report["events"]]
    assert ("filed_on_behalf", "grid_worker", "phone") in steps
    with app.app_context():
        from backend.reports.models import Report

        stored = db.session.get(Report, report["id"])
        assert (stored.reporter_id, stored.filed_by_id) == (resident_id, world["grid_worker"].id)
    [entry] = _audit(app, "report.filed_on_behalf")
    assert (entry.actor_id, entry.after) == (world["grid_worker"].id, {"reporter_id": resident_id, "channel": "phone"})


def test_a_report_filed_in_person_defaults_to_a_visit(client_for, world):
    resident_id = _registered(client_for, world)
    answer = _report_for(client_for(world["committee"]), world["community"].id, resident_id)
    assert answer.status_code == 201 and answer.json["channel"] == "visit"


@pytest.mark.parametrize(
    "who, target, status",
    [
        ("resident", "registered", 403),  # a plain resident acting for a neighbour
        ("other_grid_worker", "registered", 403),  # a grid worker for a resident of another grid
        ("other_committee", "registered", 403),  # staff of another community
        ("committee", "outsider", 404),  # acting for a resident of another community
        ("committee", "invented", 404),  # an account that does not exist
        ("committee", "self", 404),  # "on behalf of" oneself
    ],
)
def test_who_may_not_act_for_whom(app, client_for, world, who, target, status):
    resident_id = _registered(client_for, world, grid_id=world["community"].grid_ids[0])
    target_id = {
        "registered": resident_id,
        "outsider": world["outsider"].id,
        "invented": 2_000_000,
        "self": world[who].id,
    }[target]
    answer = _report_for(client_for(world[who]), world["community"].id, target_id, channel="phone")
    assert answer.status_code == status, answer.json
    with app.app_context():
        from backend.reports.models import Report

        assert db.session.scalar(select(Report.id)) is None


def test_a_channel_without_on_behalf_of_is_refused(client_for, world):
    answer = _report_for(client_for(world["resident"]), world["community"].id, None, channel="hotline")
    assert answer.status_code == 422 and "channel" in answer.json["errors"]


def test_what_was_done_for_a_resident_is_in_their_data_download(app, client_for, world):
    resident_id = _registered(client_for, world, consent_date="2026-11-30")
    _report_for(client_for(world["committee"]), world["community"].id, resident_id, channel="walk_in")
    with app.app_context():
        from backend.accounts.models import User

        resident = db.session.get(User, resident_id)
        db.session.expunge(resident)
    data = client_for(resident).get("/api/v1/me/export").json
    [record] = data["communities"]["registered_in_person"]
    assert (record["consent_on"], record["registered_by_id"]) == ("2026-11-30", world["committee"].id)
    assert "letter_code_hash" not in record
    [report] = data["reports"]["reports"]
    assert (report["channel"], report["filed_by_id"]) == ("walk_in", world["committee"].id)


# --- invitation letters and taking the account over ------------------------------------------------------------


def _letters(client, cid, **body):
    return client.post(f"/api/v1/communities/{cid}/residents/letters", json=body)


def _take_over(client, code, login="13700001111", **body):
    return client.post(
        "/api/v1/residents/takeover", json={"code": code, "login": login, "password": NEW_PASSWORD, **body}
    )


def test_letters_for_a_building_and_the_resident_takes_the_account_over(app, client_for, world):
    cid = world["community"].id
    first = _registered(client_for, world, room="401")
    second = _registered(client_for, world, room="402", display_name="李大爷")
    _registered(client_for, world, building="5", room="101", display_name="赵奶奶")
    answer = _letters(client_for(world["committee"]), cid, building="3")
    assert answer.status_code == 201
    letters = answer.json["letters"]
    assert sorted(letter["user"]["id"] for letter in letters) == [first, second]
    letter = next(letter for letter in letters if letter["user"]["id"] == first)
    assert len(letter["code"]) == 10 and letter["url"].endswith(f"/takeover?code={letter['code']}")
    assert letter["qr_svg"].startswith("<?xml") and "<svg" in letter["qr_svg"]
    assert letter["household"] == {"building": "3", "unit": "2", "room": "401"}
    visitor = client_for(None)
    taken = _take_over(visitor, letter["code"].lower(), display_name="王秀英")
    assert taken.status_code == 200, taken.json
    assert (taken.json["id"], taken.json["phone"], taken.json["display_name"]) == (first, "+8613700001111", "王秀英")
    assert visitor.get("/api/v1/auth/session").json["user"]["id"] == first
    assert (
        client_for(None).post("/api/v1/auth/login", json={"login": "13700001111", "password": NEW_PASSWORD}).status_code
        == 200
    )
    assert _take_over(client_for(None), letter["code"], login="13700002222").status_code == 404  # used
    assert sorted(_audit(app, "member.letters_printed")[0].after["user_ids"]) == [first, second]
    assert [e.target_id for e in _audit(app, "member.took_over_account")] == [first]
    listed = client_for(world["committee"]).get(f"/api/v1/communities/{cid}/residents?building=3").json["items"]
    assert [r["taken_over_at"] is not None for r in listed if r["user"]["id"] == first] == [True]
    again = _letters(client_for(world["committee"]), cid, user_ids=[first])
    assert again.status_code == 201 and again.json["letters"] == []  # taken over: no new letter


def test_a_new_letter_retires_the_old_code_and_codes_expire(app, client_for, world):
    cid = world["community"].id
    resident_id = _registered(client_for, world)
    old = _letters(client_for(world["committee"]), cid, user_ids=[resident_id]).json["letters"][0]["code"]
    new = _letters(client_for(world["committee"]), cid, user_ids=[resident_id]).json["letters"][0]["code"]
    assert _take_over(client_for(None), old).status_code == 404
    with app.app_context():
        db.session.execute(update(AssistedResident).values(letter_expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    refused = _take_over(client_for(None), new)
    assert (refused.status_code, refused.json["code"]) == (404, "member.invalid_letter_code")


def test_a_weak_password_or_a_taken_phone_leaves_the_code_usable(client_for, world, make_user):
    make_user(phone="13700009999")
    resident_id = _registered(client_for, world)
    code = _letters(client_for(world["committee"]), world["community"].id, user_ids=[resident_id]).json["letters"][0][
        "code"
    ]
    weak = client_for(None).post(
        "/api/v1/residents/takeover", json={"code": code, "login": "13700001111", "password": "short"}
    )
    assert weak.status_code == 422
    assert _take_over(client_for(None), code, login="13700009999").status_code == 409
    assert _take_over(client_for(None), code).status_code == 200


def test_who_may_print_letters(client_for, world):
    cid = world["community"].id
    resident_id = _registered(client_for, world, grid_id=world["community"].grid_ids[0])
    assert _letters(client_for(world["grid_worker"]), cid, user_ids=[resident_id]).status_code == 201
    assert _letters(client_for(world["other_grid_worker"]), cid, user_ids=[resident_id]).status_code == 404
    assert _letters(client_for(world["other_committee"]), cid, user_ids=[resident_id]).status_code == 403
    assert _letters(client_for(world["resident"]), cid, building="3").status_code == 403
    assert _letters(client_for(world["committee"]), cid, user_ids=[world["resident"].id]).status_code == 404
    assert _letters(client_for(world["committee"]), cid).status_code == 422


def test_guessing_letter_codes_is_limited(client_for, world):
    client = client_for(None)
    statuses = [_take_over(client, f"ABCDEFGH{n:02d}").status_code for n in range(11)]
    assert statuses == [404] * 10 + [429]


def test_can_one_letter_be_used_twice_at_the_same_instant(app, client_for, world):
    resident_id = _registered(client_for, world)
    code = _letters(client_for(world["committee"]), world["community"].id, user_ids=[resident_id]).json["letters"][0][
        "code"
    ]
    barrier, answers = threading.Barrier(4), []

    def use(n):
        client = ApiClient(app, app.response_class, use_cookies=True)
        barrier.wait()
        answers.append(_take_over(client, code, login=f"1370000{n:04d}").status_code)

    threads = [threading.Thread(target=use, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 404, 404, 404], answers
