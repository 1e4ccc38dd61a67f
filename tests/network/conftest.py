"""Two streets of one district, and a street of another district, each with communities, officials and staff."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from backend.communities.models import Community, Region, RegionOfficial
from backend.extensions import db


@pytest.fixture
def network(app, make_community, make_member, make_user):
    """静安区 (南京西路街道: 阳光社区, 明月社区; 静安寺街道: 星光社区) and 徐汇区 (天平路街道: 远方社区)."""
    sunshine = make_community("阳光社区")
    moon = make_community("明月社区")
    star = make_community("星光社区")
    far = make_community("远方社区")
    people = SimpleNamespace(
        admin=make_user("平台管理员", platform_admin=True),
        west_official=make_user("南京西路街道干部"),
        east_official=make_user("静安寺街道干部"),
        district_official=make_user("静安区干部"),
        far_official=make_user("天平路街道干部"),
        far_district_official=make_user("徐汇区干部"),
        committee=make_member(sunshine, "committee", display_name="王主任"),
        worker=make_member(sunshine, "grid_worker", grid=0, display_name="李网格员"),
        resident=make_member(sunshine, display_name="张阿姨"),
        star_committee=make_member(star, "committee", display_name="星光主任"),
    )
    with app.app_context():
        jingan = Region(kind="district", name="静安区")
        xuhui = Region(kind="district", name="徐汇区")
        db.session.add_all([jingan, xuhui])
        db.session.flush()
        west = Region(kind="street", name="南京西路街道", parent_id=jingan.id)
        east = Region(kind="street", name="静安寺街道", parent_id=jingan.id)
        far_street = Region(kind="street", name="天平路街道", parent_id=xuhui.id)
        db.session.add_all([west, east, far_street])
        db.session.flush()
        for community, street in ((sunshine, west), (moon, west), (star, east), (far, far_street)):
            db.session.get(Community, community.id).street_id = street.id
        for user, region in (
            (people.west_official, west),
            (people.east_official, east),
            (people.district_official, jingan),
            (people.far_official, far_street),
            (people.far_district_official, xuhui),
        ):
            db.session.add(RegionOfficial(region_id=region.id, user_id=user.id))
        db.session.commit()
        regions = SimpleNamespace(jingan=jingan.id, xuhui=xuhui.id, west=west.id, east=east.id, far=far_street.id)
    return SimpleNamespace(
        people=people,
        regions=regions,
        sunshine=sunshine,
        moon=moon,
        star=star,
        far=far,
    )
