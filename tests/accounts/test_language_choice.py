"""The language a person chose in the app wins over their browser's; the privacy notice is in one language."""

import re

import pytest

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_a_signed_in_person_reads_their_saved_language_whatever_the_browser_says(client_for, make_user):
    person = make_user(locale="en")
    client = client_for(person)
    response = client.get("/api/v1/communities/999999", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 404 and not HAN.search(response.json["title"] + response.json["detail"])
    client.patch("/api/v1/me", json={"locale": "zh-CN"})
    response = client.get("/api/v1/communities/999999", headers={"Accept-Language": "en"})
    assert HAN.search(response.json["title"])


def test_a_visitor_reads_the_browsers_language(client_for):
    response = client_for(None).get("/api/v1/communities/999999", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert not HAN.search(response.json["title"])


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_privacy_notice_never_mixes_both_languages(client_for, language):
    notice = client_for(None).get("/api/v1/auth/privacy-notice", headers={"Accept-Language": language}).json
    text = " ".join([notice["title"], notice["contact"], *(s["heading"] + s["body"] for s in notice["sections"])])
    if language == "en":
        assert not HAN.search(text), text
    else:
        assert "the committee office" not in text and notice["contact"] == "居委会办公室"


def test_a_deployment_names_its_own_contact_in_each_language(app, client_for):
    app.config.update(PRIVACY_CONTACT="街道办 021-1234", PRIVACY_CONTACT_EN="Street office 021-1234")
    try:
        zh = client_for(None).get("/api/v1/auth/privacy-notice", headers={"Accept-Language": "zh-CN"}).json
        en = client_for(None).get("/api/v1/auth/privacy-notice", headers={"Accept-Language": "en"}).json
        assert (zh["contact"], en["contact"]) == ("街道办 021-1234", "Street office 021-1234")
    finally:
        app.config.update(PRIVACY_CONTACT=None, PRIVACY_CONTACT_EN=None)
