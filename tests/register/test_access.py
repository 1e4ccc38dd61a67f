"""Who may see the register: the committee of its community only; every staff read is in the audit log."""

import pytest
from sqlalchemy import select, update

from backend.audit.models import AuditEntry
from backend.extensions import db
from backend.register.models import RegisterResident

from .conftest import csv_bytes, import_file, upload

ROWS = ("R1,吴桂英,3,1,101,1,女,1941-05-12,13900000101,户主,独居", "R2,李建国,3,1,102,2,男,1950-11-03,,户主,")


@pytest.fixture
def filled(app, town, client_for):
    import_file(client_for(town.committee), town.cid, csv_bytes(*ROWS))
    with app.app_context():
        town.resident_ids = list(db.session.scalars(select(RegisterResident.id).order_by(RegisterResident.id)))
    return town


def _people(town, make_community, make_member, make_user):
    other = make_community("别的社区")
    return {
        "visitor": None,
        "outsider": make_user(),
        "pending": town.pending,
        "resident": town.resident,
        "grid_worker": town.grid_worker,
        "other_committee": make_member(other, role="committee"),
        "platform_admin": make_user(platform_admin=True),
    }


@pytest.mark.parametrize(
    "who", ["visitor", "outsider", "pending", "resident", "grid_worker", "other_committee", "platform_admin"]
)
def test_nobody_but_the_committee_reads_or_imports(filled, client_for, make_community, make_member, make_user, who):
    town = filled
    client = client_for(_people(town, make_community, make_member, make_user)[who])
    expected = 401 if who == "visitor" else 403
    reads = [
        f"/api/v1/communities/{town.cid}/register/residents",
        f"/api/v1/register/residents/{town.resident_ids[0]}",
        f"/api/v1/communities/{town.cid}/register/export",
        f"/api/v1/communities/{town.cid}/register/export?format=xlsx",
    ]
    for url in reads:
        response = client.get(url)
        assert response.status_code == expected, url
        assert "吴桂英" not in response.get_data(as_text=True)
    assert upload(client, town.cid, csv_bytes(*ROWS)).status_code == expected
    import_id = upload(client_for(town.committee), town.cid, csv_bytes(*ROWS)).get_json()["id"]
    confirm = client.post(f"/api/v1/register-imports/{import_id}/confirm", json={})
    assert confirm.status_code == expected
    missing = client.post("/api/v1/register-imports/999999/confirm", json={})
    assert missing.status_code == (401 if who == "visitor" else 404)


def test_another_communitys_committee_cannot_confirm_this_communitys_preview(
    app, town, client_for, make_community, make_member
):
    import_id = upload(client_for(town.committee), town.cid, csv_bytes(*ROWS)).get_json()["id"]
    other = make_community("别的社区")
    intruder = client_for(make_member(other, role="committee"))
    response = intruder.post(f"/api/v1/register-imports/{import_id}/confirm", json={})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(RegisterResident.id)) is None


def test_the_committee_reads_and_each_read_is_audited(app, filled, client_for):
    town = filled
    client = client_for(town.committee)
    page = client.get(f"/api/v1/communities/{town.cid}/register/residents?q=吴").get_json()
    assert [r["name"] for r in page["items"]] == ["吴桂英"]
    assert page["items"][0]["address"] == "3-1-101" and page["items"][0]["phone"] == "13900000101"
    by_grid = client.get(f"/api/v1/communities/{town.cid}/register/residents?grid_id={town.community.grid_ids[1]}")
    assert [r["name"] for r in by_grid.get_json()["items"]] == ["李建国"]
    one = client.get(f"/api/v1/register/residents/{town.resident_ids[1]}")
    assert one.status_code == 200 and one.get_json()["name"] == "李建国"
    client.get(f"/api/v1/communities/{town.cid}/register/export")
    with app.app_context():
        entries = [
            (e.actor_id, e.action, e.target_type, e.target_id)
            for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("register.")))
        ]
    assert (town.committee.id, "register.list", "community", town.cid) in entries
    assert (town.committee.id, "register.read", "register_resident", town.resident_ids[1]) in entries
    assert (town.committee.id, "register.export", "community", town.cid) in entries
    assert (town.committee.id, "register.import", "register_import", 1) in entries


def test_a_missing_record_is_404_and_an_enormous_id_too(filled, client_for):
    client = client_for(filled.committee)
    assert client.get("/api/v1/register/residents/999999").status_code == 404
    assert client.get(f"/api/v1/register/residents/{2**40}").status_code == 404


def test_huge_search_input_is_refused_cleanly(filled, client_for):
    client = client_for(filled.committee)
    response = client.get(f"/api/v1/communities/{filled.cid}/register/residents?q={'吴' * 5000}")
    assert response.status_code == 422
    response = client.get(f"/api/v1/communities/{filled.cid}/register/residents?q=%25_%5C")
    assert response.status_code == 200 and response.get_json()["items"] == []


def test_a_linked_record_is_in_the_persons_data_download_and_nobody_elses(app, filled, client_for):
    town = filled
    with app.app_context():
        db.session.execute(
            update(RegisterResident).where(RegisterResident.id == town.resident_ids[0]).values(user_id=town.resident.id)
        )
        db.session.commit()
    mine = client_for(town.resident).get("/api/v1/me/export").get_json()
    assert [r["name"] for r in mine["register"]["records"]] == ["吴桂英"]
    theirs = client_for(town.grid_worker).get("/api/v1/me/export").get_data(as_text=True)
    assert "吴桂英" not in theirs and "13900000101" not in theirs
    # The committee member's download lists the imports they ran, never the rows of other people.
    staff = client_for(town.committee).get("/api/v1/me/export")
    assert staff.get_json()["register"]["imports_run"] and "吴桂英" not in staff.get_data(as_text=True)


def test_the_register_is_in_no_open_data_or_search(app, filled, client_for):
    town = filled
    client = client_for(town.committee)
    for url in (
        f"/api/v1/communities/{town.cid}/search?q=吴桂英",
        f"/api/v1/communities/{town.cid}/open-data.json",
        f"/api/v1/communities/{town.cid}/exports/reports.csv",
    ):
        response = client.get(url)
        assert response.status_code < 500
        assert "吴桂英" not in response.get_data(as_text=True), url
