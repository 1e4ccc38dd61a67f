"""Privacy: the notice and consent at sign-up, consent again when the notice changes, and a person's
download of everything Linli holds about them, with nobody else's personal data and no secrets in it."""

from __future__ import annotations

import json

import pytest

from backend.accounts import personal_data, privacy
from backend.extensions import db
from tests.uploads.test_uploads import jpeg_bytes, post_file
from tests.voting.conftest import poll_body


def sign_up(client, **extra):
    return client.post(
        "/api/v1/auth/register",
        json={"email": "new@example.test", "password": "a-long-passphrase-1", "display_name": "新邻居", **extra},
    )


@pytest.mark.parametrize("language, title", [("zh-CN", "隐私说明"), ("en", "Privacy notice")])
def test_anyone_can_read_the_privacy_notice_in_their_language(client, language, title):
    response = client.get("/api/v1/auth/privacy-notice", headers={"Accept-Language": language})
    assert response.status_code == 200
    notice = response.json
    assert notice["version"] == privacy.NOTICE_VERSION and notice["title"] == title
    assert len(notice["sections"]) >= 6 and all(s["heading"] and s["body"] for s in notice["sections"])
    text = " ".join(s["body"] for s in notice["sections"])
    assert ("住址" in text and "下载" in text) if language == "zh-CN" else ("address" in text and "download" in text)


def test_consent_given_at_sign_up_is_recorded_with_the_notice_version(client):
    response = sign_up(client, privacy_consent=True)
    assert response.status_code == 201, response.json
    state = response.json["privacy"]
    assert state["accepted_version"] == state["current_version"] == privacy.NOTICE_VERSION
    assert state["accepted_at"] and state["needs_consent"] is False


def test_refusing_consent_creates_no_account(app, client):
    from backend.accounts.models import User

    response = sign_up(client, privacy_consent=False)
    assert response.status_code == 422 and response.json["code"] == "consent_required"
    assert "privacy_consent" in response.json["errors"]
    with app.app_context():
        assert db.session.query(User).count() == 0
    assert client.get("/api/v1/auth/session").json["user"] is None


def test_an_account_made_without_consent_is_asked_for_it_and_can_give_it(client):
    assert sign_up(client).json["privacy"]["needs_consent"] is True
    stale = client.post("/api/v1/me/privacy-consent", json={"version": "2020-01-01"})
    assert stale.status_code == 409 and stale.json["code"] == "privacy_notice_changed"
    assert client.get("/api/v1/me").json["privacy"]["needs_consent"] is True

    accepted = client.post("/api/v1/me/privacy-consent", json={"version": privacy.NOTICE_VERSION})
    assert accepted.status_code == 200 and accepted.json["privacy"]["needs_consent"] is False
    assert client.get("/api/v1/auth/session").json["user"]["privacy"]["needs_consent"] is False


def test_a_new_notice_version_asks_everyone_again(client, monkeypatch):
    sign_up(client, privacy_consent=True)
    monkeypatch.setattr(privacy, "NOTICE_VERSION", "2027-01-01")
    state = client.get("/api/v1/me").json["privacy"]
    assert state["needs_consent"] is True and state["current_version"] == "2027-01-01"


def test_consent_and_download_need_a_signed_in_person(client):
    assert client.post("/api/v1/me/privacy-consent", json={"version": privacy.NOTICE_VERSION}).status_code == 401
    assert client.get("/api/v1/me/export").status_code == 401


# --- the download -----------------------------------------------------------------------------------


@pytest.fixture
def busy_resident(app, client_for, make_community, make_member):
    """A resident who has done a bit of everything, next to a neighbour with personal data of their own."""
    community = make_community("阳光小区")
    committee = make_member(community, "committee", display_name="王主任")
    me = make_member(community, display_name="张阿姨", phone="13912345678", household=("7", "2", "301"))
    neighbour = make_member(community, display_name="李叔", phone="13800000001", household=("9", "1", "502"))
    mine = client_for(me)
    cid = community.id
    photo = post_file(mine, jpeg_bytes()).json
    report = mine.post(
        f"/api/v1/communities/{cid}/reports",
        json={
            "category": "rubbish",
            "description": "垃圾桶满了",
            "location_text": "7号楼门口",
            "photo_ids": [photo["id"]],
        },
    )
    project = mine.post(
        f"/api/v1/communities/{cid}/projects",
        json={"title": "修好7号楼前的长椅", "summary": "长椅坏了。", "category": "facilities"},
    )
    comment = client_for(neighbour).post(f"/api/v1/reports/{report.json['id']}/comments", json={"body": "同感"})
    flag = mine.post(
        "/api/v1/flags", json={"target_type": "comment", "target_id": comment.json["id"], "reason": "spam"}
    )
    my_comment = mine.post(f"/api/v1/reports/{report.json['id']}/comments", json={"body": "谢谢大家关注"})
    committee_client = client_for(committee)
    secret = committee_client.post(f"/api/v1/communities/{cid}/polls", json=poll_body("yes_no", secret=True)).json
    public = committee_client.post(
        f"/api/v1/communities/{cid}/polls", json=poll_body("single", secret=False, title="活动时间")
    ).json
    secret_ballot = mine.post(f"/api/v1/polls/{secret['id']}/ballots", json={"choice": "no"})
    public_ballot = mine.post(f"/api/v1/polls/{public['id']}/ballots", json={"option_id": public["options"][1]["id"]})
    assert {r.status_code for r in (report, project, comment, flag, my_comment, secret_ballot, public_ballot)} == {201}
    with app.app_context():
        from backend.notifications.models import PushSubscription

        db.session.add(
            PushSubscription(
                user_id=me.id,
                endpoint="https://push.example.test/device-1",
                p256dh="BPUBLICKEYOFTHEDEVICE",
                auth="DEVICEAUTHSECRET",
            )
        )
        db.session.commit()
    return {
        "me": me,
        "neighbour": neighbour,
        "client": mine,
        "report": report.json,
        "project": project.json,
        "comment": my_comment.json,
        "photo": photo,
        "secret_poll": secret,
        "public_poll": public,
        "secret_receipt": secret_ballot.json["receipt"],
        "public_option": public["options"][1]["id"],
    }


def download(client) -> dict:
    response = client.get("/api/v1/me/export")
    assert response.status_code == 200, response.json
    assert response.headers["Content-Disposition"].startswith('attachment; filename="linli-my-data-')
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.data)


def test_the_download_holds_what_i_gave_and_did(busy_resident):
    data = download(busy_resident["client"])
    assert data["format_version"] == 1 and data["user_id"] == busy_resident["me"].id
    assert data["account"]["profile"]["phone"] == "+8613912345678"
    assert data["account"]["profile"]["display_name"] == "张阿姨" and data["account"]["sessions"]
    household = data["communities"]["households"]
    assert [(h["building"], h["unit"], h["room"]) for h in household] == [("7", "2", "301")]
    assert [m["status"] for m in data["communities"]["memberships"]] == ["verified"]
    assert [r["id"] for r in data["reports"]["reports"]] == [busy_resident["report"]["id"]]
    assert [p["id"] for p in data["projects"]["projects"]] == [busy_resident["project"]["id"]]
    assert [c["id"] for c in data["comments"]["comments"]] == [busy_resident["comment"]["id"]]
    assert [p["id"] for p in data["uploads"]["photos"]] == [busy_resident["photo"]["id"]]
    assert data["uploads"]["photos"][0]["url"] == busy_resident["photo"]["url"]
    assert [f["reason"] for f in data["moderation"]["flags_raised"]] == ["spam"]
    assert {n["kind"] for n in data["notifications"]["inbox"]} >= {"poll_opened"}
    assert sorted(r["poll_id"] for r in data["voting"]["voted_in"]) == sorted(
        [busy_resident["secret_poll"]["id"], busy_resident["public_poll"]["id"]]
    )
    [public_ballot] = data["voting"]["public_ballots"]
    assert public_ballot["poll_id"] == busy_resident["public_poll"]["id"]
    assert public_ballot["choices"] == {"option_id": busy_resident["public_option"]}


def test_the_download_has_no_secrets_and_nobody_elses_personal_data(busy_resident):
    raw = json.dumps(download(busy_resident["client"]), ensure_ascii=False)
    assert "push.example.test/device-1" in raw
    for leaked in (
        "password_hash",
        "token_hash",
        "BPUBLICKEYOFTHEDEVICE",
        "DEVICEAUTHSECRET",
        "storage_key",
        "voter_key",
        "13800000001",
        "李叔",
        '"502"',
    ):
        assert leaked not in raw, leaked
    # A secret ballot was never linked to its voter: neither its receipt nor its choice can be in here.
    assert busy_resident["secret_receipt"] not in raw
    secret_poll = busy_resident["secret_poll"]["id"]
    assert all(b["poll_id"] != secret_poll for b in json.loads(raw)["voting"]["public_ballots"])


def test_downloads_are_rate_limited_per_person(busy_resident, client_for):
    statuses = [busy_resident["client"].get("/api/v1/me/export").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert client_for(busy_resident["neighbour"]).get("/api/v1/me/export").status_code == 200


def test_every_table_about_a_person_is_in_the_download(app):
    """A new table with a user column fails here until its domain's export covers it (or it is exempt)."""
    exempt = {"idempotency_records": "a 24-hour replay cache of responses the person already received"}
    covered = set(personal_data.TABLES) | set(exempt)
    for module in personal_data.section_modules().values():
        covered |= set(module.TABLES)
    about_people = {
        table.name
        for table in db.metadata.tables.values()
        if any(fk.column.table.name == "users" for fk in table.foreign_keys)
    }
    assert about_people - covered == set()
