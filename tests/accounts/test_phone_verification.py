"""Adding a phone number from the settings: a code by SMS, typed back, makes it the person's verified phone.
Attacked: another person's code or number, a code for another number, guesses, reuse, floods, a number taken."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select

from backend.accounts.models import LoginCode, User
from backend.extensions import db
from backend.messaging.models import Message
from tests.accounts.test_login_codes import _race, _sign_in
from tests.conftest import ApiClient

PHONE = "+8613812345678"


def _ask(client, phone=PHONE, **kwargs):
    return client.post("/api/v1/me/phone", json={"phone": phone}, **kwargs)


def _confirm(client, code, phone=PHONE, **kwargs):
    return client.post("/api/v1/me/phone/verify", json={"phone": phone, "code": code}, **kwargs)


def _last_code(app, to=PHONE) -> str:
    with app.app_context():
        body = db.session.scalar(select(Message.body).where(Message.to_address == to).order_by(Message.id.desc()))
    return re.search(r"\d{6}", body)[0]


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _phone_of(app, user):
    with app.app_context():
        row = db.session.get(User, user.id)
        return row.phone, row.phone_verified_at is not None


def test_a_resident_adds_a_phone_and_can_then_sign_in_with_it(app, client_for, make_user):
    """Can a resident who signed up by e-mail add their phone, verify it and then sign in by an SMS code?"""
    user = make_user(email="mei@example.test")
    client = client_for(user)
    answer = _ask(client, "138 1234 5678")
    assert (answer.status_code, answer.json) == (202, {"channel": "sms", "expires_in_seconds": 600})
    assert _phone_of(app, user) == (None, False)  # nothing changes until the code comes back
    confirmed = _confirm(client, _last_code(app), phone="+86 138-1234-5678")
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["phone"] == PHONE and confirmed.json["phone_verified_at"]
    assert _phone_of(app, user) == (PHONE, True)
    with app.app_context():
        message = db.session.scalar(select(Message).where(Message.to_address == PHONE))
        assert (message.channel, message.purpose, message.user_id) == ("sms", "phone_verify_code", user.id)
    stranger = ApiClient(app, app.response_class, use_cookies=True)
    stranger.post("/api/v1/auth/codes", json={"login": PHONE, "purpose": "sign_in"})
    assert _sign_in(stranger, _last_code(app)).json["id"] == user.id


def test_a_code_is_used_once_and_only_by_the_person_who_asked(app, client_for, make_user):
    """May someone else type my code (or their code for my number) to take the number? May I use it twice?"""
    me, other = make_user(email="me@example.test"), make_user(email="other@example.test")
    _ask(client_for(me))
    code = _last_code(app)
    refused = _confirm(client_for(other), code)
    assert refused.status_code == 422 and refused.json["code"] == "account.phone_code_invalid"
    assert _confirm(client_for(me), code).status_code == 200
    again = _confirm(client_for(me), code)
    assert again.status_code == 422 and again.json["code"] == "account.phone_code_invalid"


def test_a_code_sent_to_one_number_does_not_verify_another(app, client_for, make_user):
    """Can I ask a code for my number and type it back with someone else's number?"""
    me = make_user(email="me@example.test")
    client = client_for(me)
    _ask(client)
    refused = _confirm(client, _last_code(app), phone="+8613900000000")
    assert refused.status_code == 422 and refused.json["code"] == "account.phone_code_invalid"
    assert _phone_of(app, me) == (None, False)


def test_a_number_of_another_account_is_refused_and_gets_no_message(app, client_for, make_user):
    make_user(phone=PHONE)
    me = make_user(email="me@example.test")
    answer = _ask(client_for(me))
    assert answer.status_code == 409 and answer.json["code"] == "account.phone_taken"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_a_number_taken_between_the_code_and_its_confirmation_is_refused(app, client_for, make_user):
    me = make_user(email="me@example.test")
    client = client_for(me)
    _ask(client)
    code = _last_code(app)
    make_user(phone=PHONE)  # someone registered with it in the meantime
    answer = _confirm(client, code)
    assert answer.status_code == 409 and answer.json["code"] == "account.phone_taken"
    assert _phone_of(app, me) == (None, False)


def test_five_wrong_tries_kill_the_code_and_are_kept(app, client_for, make_user):
    me = make_user(email="me@example.test")
    client = client_for(me)
    _ask(client)
    code = _last_code(app)
    answers = [_confirm(client, _other(code)).status_code for _ in range(5)]
    assert answers == [422] * 5
    with app.app_context():
        assert db.session.scalar(select(LoginCode.tries)) == 5
    assert _confirm(client, code).status_code == 422
    assert _phone_of(app, me) == (None, False)


def test_asking_again_retires_the_earlier_code(app, client_for, make_user):
    me = make_user(email="me@example.test")
    client = client_for(me)
    _ask(client)
    first = _last_code(app)
    _ask(client, "+8613900000001")
    assert _confirm(client, first).status_code == 422


def test_a_verified_phone_asked_again_is_a_conflict(app, client_for, make_user):
    me = make_user(email="me@example.test")
    client = client_for(me)
    _ask(client)
    _confirm(client, _last_code(app))
    answer = _ask(client)
    assert answer.status_code == 409 and answer.json["code"] == "account.phone_already_verified"


@pytest.mark.parametrize("phone", ["12345", "+1 202 555 0100", "x" * 41, ""])
def test_what_is_no_mainland_mobile_number_is_a_clear_422(client_for, make_user, phone):
    client = client_for(make_user(email="me@example.test"))
    for answer in (_ask(client, phone), _confirm(client, "123456", phone)):
        assert answer.status_code == 422
        assert answer.headers["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("code", ["12345", "1234567", ""])
def test_a_code_is_six_characters(client_for, make_user, code):
    assert _confirm(client_for(make_user(email="me@example.test")), code).status_code == 422


def test_signed_out_people_cannot_ask_nor_confirm(client):
    assert _ask(client).status_code == 401
    assert _confirm(client, "123456").status_code == 401


def test_codes_for_one_account_are_limited_whatever_the_number(app, client_for, make_user):
    client = client_for(make_user(email="me@example.test"))
    statuses = [_ask(client, f"+86139000000{n:02d}").status_code for n in range(4)]
    assert statuses == [202, 202, 202, 429]


def test_one_number_is_limited_whoever_asks(app, client_for, make_user):
    """Can many accounts flood one stranger's phone with codes?"""
    statuses = [_ask(client_for(make_user(email=f"p{n}@example.test"))).status_code for n in range(4)]
    assert statuses == [202, 202, 202, 429]


def test_wrong_codes_are_limited_per_account_across_codes(app, client_for, make_user):
    """Asking for fresh codes does not buy fresh guesses: ten wrong codes an hour per account."""
    me = make_user(email="me@example.test")
    statuses = []
    for n in range(11):
        client = client_for(me)
        if n % 5 == 0:
            _ask(client, f"+861390000000{n // 5}", environ_base={"REMOTE_ADDR": f"10.0.3.{n}"})
        answer = _confirm(client, "000000", f"+861390000000{n // 5}", environ_base={"REMOTE_ADDR": f"10.0.4.{n}"})
        statuses.append(answer.status_code)
    assert statuses == [422] * 10 + [429]


def test_parallel_confirmations_of_one_code_verify_once(app, client_for, make_user):
    me = make_user(email="me@example.test")
    _ask(client_for(me))
    code = _last_code(app)
    answers = _race(app, 4, lambda client, n: _confirm(_signed_in(app, client, me), code).status_code)
    assert sorted(answers) == [200, 422, 422, 422], answers


def _signed_in(app, client, user):
    from tests.conftest import PASSWORD

    client.post("/api/v1/auth/login", json={"login": user.email, "password": PASSWORD})
    return client


def test_the_code_and_the_number_are_never_logged(app, client_for, make_user, caplog):
    """Only the development outbox prints the message (that is its purpose, the number masked); no request log,
    limiter breach or error line holds the code or the whole number, even for a wrong code."""
    caplog.set_level(logging.DEBUG)
    client = client_for(make_user(email="me@example.test"))
    _ask(client)
    code = _last_code(app)
    _confirm(client, _other(code))
    _confirm(client, code)
    outbox = [r for r in caplog.records if r.name == "linli.messaging" and r.getMessage().startswith("outbox sms")]
    assert len(outbox) == 1 and PHONE not in outbox[0].getMessage()
    others = "\n".join(r.getMessage() for r in caplog.records if r not in outbox)
    assert code not in others and PHONE not in others and "13812345678" not in others
