"""The register's link to members' accounts (issue 18): the committee links a record to the account of the person
it describes, chosen among the verified members at the record's address; audited; one account, one record."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.extensions import db
from tests.conftest import ApiClient
from tests.register.conftest import csv_bytes, import_file


@pytest.fixture
def world(town, client_for, make_member, make_community):
    import_file(
        client_for(town.committee),
        town.cid,
        csv_bytes("A1,王秀英,3,2,401,1,女,1948-05-01,13800000001,户主,", "A2,刘建国,3,2,401,1,男,1946-01-09,,配偶,"),
    )
    records = client_for(town.committee).get(f"/api/v1/communities/{town.cid}/register/residents").get_json()["items"]
    town.records = {r["name"]: r["id"] for r in records}
    town.wang = make_member(town.community, household=("3", "2", "401"), display_name="王秀英")
    town.son = make_member(town.community, household=("3", "2", "401"), display_name="刘小明")
    town.pending_here = make_member(town.community, status="pending", household=("3", "2", "401"))
    town.elsewhere = make_member(town.community, household=("5", "1", "101"), display_name="王秀英")
    other = make_community()
    town.other_committee = make_member(other, "committee")
    town.outsider = make_member(other, household=("3", "2", "401"), display_name="王秀英")
    return town


def link(client, resident_id, user_id):
    return client.put(f"/api/v1/register/residents/{resident_id}/account", json={"user_id": user_id})


def audit_actions(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_candidates_are_the_verified_members_at_that_address_the_same_name_first(client_for, world):
    answer = client_for(world.committee).get(f"/api/v1/register/residents/{world.records['王秀英']}/account-candidates")
    assert answer.status_code == 200
    items = answer.get_json()["items"]
    assert [(c["user"]["id"], c["name_matches"], c["linked_resident_id"]) for c in items] == [
        (world.wang.id, True, None),
        (world.son.id, False, None),
    ]
    assert set(items[0]["user"]) == {"id", "display_name"}  # nothing personal: no phone, no e-mail


def test_the_committee_links_and_unlinks_and_both_are_audited(app, client_for, world):
    committee = client_for(world.committee)
    record_id = world.records["王秀英"]
    linked = link(committee, record_id, world.wang.id)
    assert linked.status_code == 200
    assert (linked.get_json()["has_account"], linked.get_json()["user_id"]) == (True, world.wang.id)
    [entry] = audit_actions(app, "register.link")
    assert (entry.actor_id, entry.target_id, entry.after) == (world.committee.id, record_id, {"user_id": world.wang.id})
    assert link(committee, record_id, world.wang.id).status_code == 200  # again: nothing changes
    assert len(audit_actions(app, "register.link")) == 1
    listed = committee.get(f"/api/v1/communities/{world.cid}/register/residents").get_json()["items"]
    assert {r["name"]: r["has_account"] for r in listed} == {"王秀英": True, "刘建国": False}
    candidates = committee.get(f"/api/v1/register/residents/{world.records['刘建国']}/account-candidates")
    assert candidates.get_json()["items"][0]["linked_resident_id"] == record_id
    unlinked = committee.delete(f"/api/v1/register/residents/{record_id}/account")
    assert unlinked.status_code == 200 and unlinked.get_json()["has_account"] is False
    [entry] = audit_actions(app, "register.unlink")
    assert entry.before == {"user_id": world.wang.id}


def test_the_linked_person_finds_their_record_in_their_data_download(client_for, world):
    assert link(client_for(world.committee), world.records["王秀英"], world.wang.id).status_code == 200
    download = json.loads(client_for(world.wang).get("/api/v1/me/export").get_data(as_text=True))
    assert "王秀英" in json.dumps(download["register"], ensure_ascii=False)
    others = json.loads(client_for(world.son).get("/api/v1/me/export").get_data(as_text=True))
    assert "王秀英" not in json.dumps(others.get("register", {}), ensure_ascii=False)


@pytest.mark.parametrize("who", ["pending_here", "outsider", "other_committee"])
def test_only_a_verified_member_of_this_community_can_be_linked(client_for, world, who):
    answer = link(client_for(world.committee), world.records["王秀英"], getattr(world, who).id)
    assert answer.status_code == 422 and "user_id" in answer.get_json()["errors"]


def test_an_invented_account_is_refused(client_for, world):
    assert link(client_for(world.committee), world.records["王秀英"], 99_999_999).status_code == 422
    assert link(client_for(world.committee), world.records["王秀英"], 0).status_code == 422


def test_one_account_is_linked_to_one_record(client_for, world):
    committee = client_for(world.committee)
    assert link(committee, world.records["王秀英"], world.wang.id).status_code == 200
    refused = link(committee, world.records["刘建国"], world.wang.id)
    assert (refused.status_code, refused.get_json()["code"]) == (409, "register.account_linked_elsewhere")
    record = committee.get(f"/api/v1/register/residents/{world.records['刘建国']}").get_json()
    assert record["user_id"] is None


def test_two_links_of_one_account_at_once_leave_one(app, client_for, world):
    barrier, answers = threading.Barrier(2), []

    def run(record_id):
        client = ApiClient(app, app.response_class, use_cookies=True).sign_in(world.committee)
        barrier.wait()
        answers.append(link(client, record_id, world.wang.id).status_code)

    threads = [threading.Thread(target=run, args=(world.records[name],)) for name in ("王秀英", "刘建国")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 409], answers


@pytest.mark.parametrize(
    "who, status", [("grid_worker", 403), ("resident", 403), ("other_committee", 403), (None, 401)]
)
def test_only_this_communitys_committee_links(client_for, world, who, status):
    client = client_for(getattr(world, who) if who else None)
    record_id = world.records["王秀英"]
    assert link(client, record_id, world.wang.id).status_code == status
    assert client.delete(f"/api/v1/register/residents/{record_id}/account").status_code == status
    assert client.get(f"/api/v1/register/residents/{record_id}/account-candidates").status_code == status


def test_an_unknown_record_is_404(client_for, world):
    committee = client_for(world.committee)
    assert link(committee, 99_999_999, world.wang.id).status_code == 404
    assert committee.get("/api/v1/register/residents/99999999/account-candidates").status_code == 404
