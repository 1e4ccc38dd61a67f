"""A wrong check-in code is told in the volunteer's language (it said "wrong code" on a Chinese screen)."""

import pytest

from .conftest import make_activity


@pytest.mark.parametrize("locale, words", [("zh-CN", "签到码不对，请核对后再输入。"), ("en", "wrong code")])
def test_a_wrong_code_is_said_in_the_volunteers_language(app, hood, client_for, locale, words):
    admin, volunteer = client_for(hood.org), client_for(hood.residents[0])
    assert volunteer.patch("/api/v1/me", json={"locale": locale}).status_code == 200
    sid = make_activity(admin, hood.oid, (20, 120, 3))["shifts"][0]["id"]
    volunteer.post(f"/api/v1/shifts/{sid}/signups")
    code = admin.get(f"/api/v1/shifts/{sid}/checkin-code").get_json()["code"]
    wrong = volunteer.post(f"/api/v1/shifts/{sid}/checkin", json={"code": "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY"})
    assert wrong.status_code == 422 and wrong.get_json()["errors"]["code"] == [words]
