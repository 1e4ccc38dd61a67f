"""Street and district officials (issue 19): who appoints them, what they read (their regions' roll-up and a
drill-down to each community and grid), and that an official of another street or district sees nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.communities.models import RegionOfficial
from backend.extensions import db

# --- appointing --------------------------------------------------------------------------------


def test_a_platform_admin_appoints_an_official_by_id_or_by_phone_and_it_is_audited(app, client_for, make_user, network):
    admin = client_for(network.people.admin)
    newcomer = make_user("新任干部", phone="13912345678")
    by_phone = admin.post(
        f"/api/v1/regions/{network.regions.east}/officials", json={"login": "139 1234 5678", "role": "street_official"}
    )
    assert by_phone.status_code == 201, by_phone.json
    assert by_phone.json["user"]["display_name"] == "新任干部" and by_phone.json["role"] == "street_official"
    assert "phone" not in by_phone.json["user"]
    again = admin.post(
        f"/api/v1/regions/{network.regions.east}/officials", json={"user_id": newcomer.id, "role": "street_official"}
    )
    assert again.status_code == 201  # already appointed: the same appointment, no second row
    listed = admin.get(f"/api/v1/regions/{network.regions.east}/officials").json["items"]
    assert [o["user"]["display_name"] for o in listed] == ["静安寺街道干部", "新任干部"]
    removed = admin.delete(f"/api/v1/regions/{network.regions.east}/officials/{newcomer.id}")
    assert removed.status_code == 204
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("region.official%")).order_by(AuditEntry.id)
        ).all()
        assert actions == ["region.official_appoint", "region.official_remove"]
        assert db.session.scalar(select(RegionOfficial).where(RegionOfficial.user_id == newcomer.id)) is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"user_id": 999999, "role": "street_official"}, "user_id"),
        ({"login": "nobody@example.test", "role": "street_official"}, "login"),
        ({"role": "street_official"}, "user_id"),
        ({"user_id": 1, "login": "a@example.test", "role": "street_official"}, "user_id"),
        ({"user_id": 1, "role": "district_official"}, "role"),  # a street has street officials
        ({"user_id": 1, "role": "mayor"}, "role"),
    ],
)
def test_an_appointment_names_one_real_account_with_the_role_of_the_region(client_for, network, body, field):
    response = client_for(network.people.admin).post(f"/api/v1/regions/{network.regions.west}/officials", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_only_platform_admins_appoint_or_remove(client_for, network):
    people = network.people
    for who in (people.west_official, people.district_official, people.committee, None):
        client = client_for(who)
        appoint = client.post(
            f"/api/v1/regions/{network.regions.west}/officials",
            json={"user_id": people.resident.id, "role": "street_official"},
        )
        remove = client.delete(f"/api/v1/regions/{network.regions.west}/officials/{people.west_official.id}")
        assert (appoint.status_code, remove.status_code) == ((401, 401) if who is None else (403, 403))


def test_an_unknown_region_or_appointment_is_404(client_for, network):
    admin = client_for(network.people.admin)
    assert admin.get("/api/v1/regions/999999/officials").status_code == 404
    assert (
        admin.post("/api/v1/regions/999999/officials", json={"user_id": 1, "role": "street_official"}).status_code
        == 404
    )
    assert (
        admin.delete(f"/api/v1/regions/{network.regions.west}/officials/{network.people.resident.id}").status_code
        == 404
    )


def test_my_profile_names_the_regions_i_officiate(client_for, network):
    me = client_for(network.people.district_official).get("/api/v1/me").json
    assert [(r["kind"], r["name"]) for r in me["official_regions"]] == [("district", "静安区")]
    assert client_for(network.people.resident).get("/api/v1/me").json["official_regions"] == []


def test_a_deleted_account_officiates_nowhere(app, client_for, network):
    from tests.conftest import PASSWORD

    official = network.people.west_official
    response = client_for(official).delete("/api/v1/me", json={"password": PASSWORD})
    assert response.status_code == 204, response.json
    with app.app_context():
        assert db.session.scalar(select(RegionOfficial).where(RegionOfficial.user_id == official.id)) is None


# --- reading the hierarchy -----------------------------------------------------------------------


def test_a_street_official_lists_their_street_and_a_district_official_their_streets(client_for, network):
    west = client_for(network.people.west_official).get("/api/v1/regions")
    assert west.status_code == 200
    assert [(r["name"], [c["name"] for c in r["communities"]]) for r in west.json["items"]] == [
        ("南京西路街道", ["明月社区", "阳光社区"])
    ]
    district = client_for(network.people.district_official).get("/api/v1/regions").json["items"]
    assert [r["name"] for r in district] == ["静安区", "南京西路街道", "静安寺街道"]  # not 徐汇区 nor its street
    assert client_for(network.people.committee).get("/api/v1/regions").status_code == 403


def test_officials_read_the_officials_of_their_region_and_below_only(client_for, network):
    people, regions = network.people, network.regions
    assert client_for(people.west_official).get(f"/api/v1/regions/{regions.west}/officials").status_code == 200
    assert client_for(people.district_official).get(f"/api/v1/regions/{regions.west}/officials").status_code == 200
    assert client_for(people.west_official).get(f"/api/v1/regions/{regions.east}/officials").status_code == 403
    assert client_for(people.west_official).get(f"/api/v1/regions/{regions.jingan}/officials").status_code == 403
    assert client_for(people.far_district_official).get(f"/api/v1/regions/{regions.west}/officials").status_code == 403


# --- the roll-up and the drill-down ----------------------------------------------------------------


def test_a_district_official_reads_the_roll_up_of_every_community_of_the_district(client_for, network):
    response = client_for(network.people.district_official).get(f"/api/v1/regions/{network.regions.jingan}/insights")
    assert response.status_code == 200, response.json
    rows = response.json["communities"]
    assert [(r["community"]["name"], r["street"]["name"]) for r in rows] == [
        ("阳光社区", "南京西路街道"),
        ("明月社区", "南京西路街道"),
        ("星光社区", "静安寺街道"),
    ]
    assert all(r["warnings"] == [] for r in rows) and "totals" in response.json


@pytest.mark.parametrize(
    "who, region, status",
    [
        ("west_official", "west", 200),
        ("district_official", "west", 200),  # a district official reads each of its streets
        ("district_official", "jingan", 200),
        ("west_official", "jingan", 403),  # a street official does not read the whole district
        ("west_official", "east", 403),  # nor another street
        ("far_official", "west", 403),
        ("far_district_official", "jingan", 403),  # nor another district
        ("committee", "west", 403),
        ("resident", "west", 403),
    ],
)
def test_the_roll_up_is_read_at_its_own_level_and_above(client_for, network, who, region, status):
    response = client_for(getattr(network.people, who)).get(
        f"/api/v1/regions/{getattr(network.regions, region)}/insights"
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    "who, community, status",
    [
        ("west_official", "sunshine", 200),
        ("district_official", "star", 200),
        ("east_official", "sunshine", 403),  # another street's community
        ("far_district_official", "sunshine", 403),  # another district's
        ("far_official", "far", 200),
        ("star_committee", "sunshine", 403),  # another community's committee
        ("resident", "sunshine", 403),
    ],
)
def test_officials_drill_down_to_a_community_and_its_grids(client_for, network, who, community, status):
    client = client_for(getattr(network.people, who))
    target = getattr(network, community)
    paths = [
        f"/api/v1/communities/{target.id}/insights",
        f"/api/v1/communities/{target.id}/insights/trends?grid_id={target.grid_ids[0]}",
        f"/api/v1/communities/{target.id}/insights/map",
        f"/api/v1/communities/{target.id}/insights/warnings",
    ]
    assert [client.get(path).status_code for path in paths] == [status] * len(paths)


def test_officials_do_not_download_a_communitys_report_lists(client_for, network):
    """Exports list reports one by one: the committee's, not the street's (the figures are enough above)."""
    response = client_for(network.people.west_official).get(
        f"/api/v1/communities/{network.sunshine.id}/exports/reports.csv"
    )
    assert response.status_code == 403


def test_a_moved_community_leaves_the_old_streets_roll_up(client_for, network):
    admin = client_for(network.people.admin)
    moved = admin.patch(f"/api/v1/communities/{network.moon.id}", json={"street_id": network.regions.east})
    assert moved.status_code == 200
    west = client_for(network.people.west_official)
    assert [
        r["community"]["name"] for r in west.get(f"/api/v1/regions/{network.regions.west}/insights").json["communities"]
    ] == ["阳光社区"]
    assert west.get(f"/api/v1/communities/{network.moon.id}/insights").status_code == 403
    assert (
        client_for(network.people.east_official).get(f"/api/v1/communities/{network.moon.id}/insights").status_code
        == 200
    )


def test_my_data_download_lists_my_appointments(client_for, network):
    download = client_for(network.people.west_official).get("/api/v1/me/export")
    assert download.status_code == 200
    appointments = download.json["communities"]["official_appointments"]
    assert [a["region_id"] for a in appointments] == [network.regions.west]
