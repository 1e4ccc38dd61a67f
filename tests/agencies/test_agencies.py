"""Agencies (部门报到, issue 19): registered at a street or a district by its officials or a platform admin, serving
communities under that region, with staff accounts. Every rule is attacked from a sibling street, another
district, a committee, a resident and an invented account."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.agencies.models import AgencyMember
from backend.audit.models import AuditEntry
from backend.extensions import db


def _register(client, region, name="阳光物业", kind="property", communities=()):
    body = {"name": name, "kind": kind, "community_ids": [c.id for c in communities]}
    return client.post(f"/api/v1/regions/{region}/agencies", json=body)


def test_a_street_official_registers_an_agency_for_the_streets_communities_and_it_is_audited(app, client_for, network):
    official = client_for(network.people.west_official)
    response = _register(official, network.regions.west, communities=[network.sunshine, network.moon])
    assert response.status_code == 201, response.json
    agency = response.json
    assert (agency["name"], agency["kind"], agency["region_name"]) == ("阳光物业", "property", "南京西路街道")
    assert sorted(c["name"] for c in agency["communities"]) == ["明月社区", "阳光社区"]
    assert agency["members"] == [] and agency["member_count"] == 0
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "agency.create"))
        assert entry.actor_id == network.people.west_official.id and entry.target_id == agency["id"]
    listed = official.get(f"/api/v1/regions/{network.regions.west}/agencies").json["items"]
    assert [a["name"] for a in listed] == ["阳光物业"]


@pytest.mark.parametrize(
    "who, region, community, status",
    [
        ("west_official", "west", "star", 422),  # a community of the sibling street
        ("west_official", "east", "star", 403),  # the sibling street itself
        ("district_official", "west", "moon", 201),  # the district above
        ("district_official", "jingan", "star", 201),  # at district level, any street's community below
        ("district_official", "jingan", "far", 422),  # another district's community
        ("far_official", "west", "sunshine", 403),  # another district's street official
        ("far_district_official", "west", "sunshine", 403),
        ("committee", "west", "sunshine", 403),  # a committee does not register agencies
        ("resident", "west", "sunshine", 403),
        ("admin", "far", "far", 201),
        ("admin", "far", "sunshine", 422),
    ],
)
def test_agencies_are_registered_at_ones_own_region_for_its_own_communities(
    client_for, network, who, region, community, status
):
    client = client_for(getattr(network.people, who))
    response = _register(client, getattr(network.regions, region), communities=[getattr(network, community)])
    assert response.status_code == status, response.json


def test_visitors_are_asked_to_sign_in_and_unknown_regions_are_404(client_for, network):
    assert _register(client_for(), network.regions.west).status_code == 401
    assert _register(client_for(network.people.admin), 99_999).status_code == 404
    assert client_for(network.people.admin).get("/api/v1/regions/99999/agencies").status_code == 404


def test_one_name_per_region_and_bad_input_is_refused_without_writing(app, client_for, network):
    admin = client_for(network.people.admin)
    assert _register(admin, network.regions.west, communities=[network.sunshine]).status_code == 201
    again = _register(admin, network.regions.west, communities=[network.moon])
    assert again.status_code == 409 and again.json["code"] == "agency.name_taken"
    assert _register(admin, network.regions.east, communities=[network.star]).status_code == 201  # other street
    assert _register(admin, network.regions.west, name="x" * 101).status_code == 422
    assert _register(admin, network.regions.west, name="新物业", kind="bank").status_code == 422
    too_many = {"name": "大物业", "kind": "property", "community_ids": list(range(1, 502))}
    assert admin.post(f"/api/v1/regions/{network.regions.west}/agencies", json=too_many).status_code == 422
    invented = {"name": "空物业", "kind": "property", "community_ids": [2**31 - 1]}
    assert admin.post(f"/api/v1/regions/{network.regions.west}/agencies", json=invented).status_code == 422
    listed = admin.get(f"/api/v1/regions/{network.regions.west}/agencies").json["items"]
    assert [a["name"] for a in listed] == ["阳光物业"]


def test_who_serves_a_community_is_public_without_staff(client_for, agencies, network):
    shown = client_for().get(f"/api/v1/communities/{network.sunshine.id}/agencies")
    assert shown.status_code == 200
    assert sorted((a["name"], a["kind"]) for a in shown.json["items"]) == [
        ("阳光物业", "property"),
        ("静安城管", "city_management"),
    ]
    assert "members" not in shown.text and "物业孙经理" not in shown.text
    far = client_for().get(f"/api/v1/communities/{network.far.id}/agencies").json["items"]
    assert far == []
    assert client_for().get("/api/v1/communities/99999/agencies").status_code == 404


def test_staff_are_added_by_phone_or_email_once_and_removed_by_the_registrars(
    app, client_for, make_user, agencies, network
):
    west = agencies.west["id"]
    official = client_for(network.people.west_official)
    newcomer = make_user("物业小王", phone="13800138000")
    added = official.post(f"/api/v1/agencies/{west}/members", json={"login": "13800138000"})
    assert added.status_code == 201, added.json
    assert added.json["user"] == {"id": newcomer.id, "display_name": "物业小王"}
    again = official.post(f"/api/v1/agencies/{west}/members", json={"user_id": newcomer.id})
    assert again.status_code == 201
    detail = official.get(f"/api/v1/agencies/{west}").json
    assert [m["user"]["display_name"] for m in detail["members"]] == ["物业孙经理", "物业小王"]
    assert official.delete(f"/api/v1/agencies/{west}/members/{newcomer.id}").status_code == 204
    assert official.delete(f"/api/v1/agencies/{west}/members/{newcomer.id}").status_code == 404
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "agency")))
        assert actions.count("agency.member_add") == 4 and actions.count("agency.member_remove") == 1


@pytest.mark.parametrize(
    "body",
    [{"login": "13999999999"}, {"user_id": 2**31 - 1}, {}, {"user_id": 1, "login": "a@b.c"}],
)
def test_an_invented_account_is_never_made_staff(client_for, agencies, network, body):
    response = client_for(network.people.admin).post(f"/api/v1/agencies/{agencies.west['id']}/members", json=body)
    assert response.status_code == 422, response.json


def test_another_streets_official_and_the_agencys_own_staff_do_not_manage_its_staff(
    client_for, make_user, agencies, network
):
    west = agencies.west["id"]
    outsider = make_user("路人")
    for who in (
        network.people.east_official,
        network.people.far_official,
        agencies.staff.west,
        network.people.committee,
    ):
        client = client_for(who)
        assert client.post(f"/api/v1/agencies/{west}/members", json={"user_id": outsider.id}).status_code == 403
        assert client.delete(f"/api/v1/agencies/{west}/members/{agencies.staff.west.id}").status_code == 403
        assert client.patch(f"/api/v1/agencies/{west}", json={"name": "改名"}).status_code == 403
    # the district above manages a street's agency
    district = client_for(network.people.district_official)
    assert district.patch(f"/api/v1/agencies/{west}", json={"name": "阳光物业公司"}).status_code == 200


def test_an_agency_is_read_by_its_staff_and_its_registrars_only(client_for, agencies, network):
    west = agencies.west["id"]
    assert client_for(agencies.staff.west).get(f"/api/v1/agencies/{west}").status_code == 200
    assert client_for(network.people.district_official).get(f"/api/v1/agencies/{west}").status_code == 200
    for who in (agencies.staff.east, network.people.east_official, network.people.committee, network.people.resident):
        assert client_for(who).get(f"/api/v1/agencies/{west}").status_code == 403
    assert client_for().get(f"/api/v1/agencies/{west}").status_code == 401
    assert client_for(network.people.admin).get("/api/v1/agencies/99999").status_code == 404


def test_changing_the_communities_served_stays_inside_the_region(client_for, agencies, network):
    official = client_for(network.people.west_official)
    west = agencies.west["id"]
    moved = official.patch(f"/api/v1/agencies/{west}", json={"community_ids": [network.sunshine.id]})
    assert moved.status_code == 200 and [c["name"] for c in moved.json["communities"]] == ["阳光社区"]
    refused = official.patch(f"/api/v1/agencies/{west}", json={"community_ids": [network.star.id]})
    assert refused.status_code == 422
    taken = official.patch(f"/api/v1/agencies/{west}", json={"name": "静安城管"})
    assert taken.status_code == 200  # 静安城管 is the district's: names are unique per region
    clash = client_for(network.people.admin).post(
        f"/api/v1/regions/{network.regions.west}/agencies",
        json={"name": "静安城管", "kind": "other", "community_ids": []},
    )
    assert clash.status_code == 409


def test_my_agencies_and_my_data_download(client_for, agencies, network):
    mine = client_for(agencies.staff.city).get("/api/v1/me/agencies")
    assert mine.status_code == 200 and [a["name"] for a in mine.json["items"]] == ["静安城管"]
    assert client_for(network.people.resident).get("/api/v1/me/agencies").json["items"] == []
    assert client_for().get("/api/v1/me/agencies").status_code == 401
    export = client_for(agencies.staff.city).get("/api/v1/me/export").json
    assert [row["agency_id"] for row in export["agencies"]["agency_memberships"]] == [agencies.city["id"]]


def test_a_deleted_account_works_for_no_agency(app, client_for, agencies):
    from tests.conftest import PASSWORD

    staff = agencies.staff.west
    assert client_for(staff).delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    with app.app_context():
        assert db.session.scalar(select(AgencyMember).where(AgencyMember.user_id == staff.id)) is None
