"""The demo community 阳光社区: its region, grids and people of every role (the other domains' seeds build on it)."""

from __future__ import annotations

from types import SimpleNamespace

from backend.accounts import services as accounts
from backend.accounts.privacy import NOTICE_VERSION
from backend.communities import services as communities
from backend.extensions import db

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ACCOUNTS = {
    "committee": ("committee@demo.linli", "王主任"),
    "grid": ("grid@demo.linli", "李网格员"),
    "resident": ("resident@demo.linli", "张阿姨"),
    "newcomer": ("newcomer@demo.linli", "小陈"),
    "org": ("org@demo.linli", "刘志愿"),
}
# Neighbours who make the community feel lived in (verified residents).
NEIGHBOURS = [
    ("赵大爷", "1", "1", "101"),
    ("钱老师", "1", "2", "502"),
    ("孙姐", "2", "1", "303"),
    ("周师傅", "3", "1", "201"),
    ("吴奶奶", "4", "2", "601"),
    ("郑小妹", "5", "1", "402"),
    ("冯叔", "6", "3", "1102"),
    ("陈妈妈", "7", "1", "801"),
]

# Four grids as rough quarters of the community, for the map (lng, lat around a Shanghai block).
_W, _E, _S, _N, _MX, _MY = 121.4700, 121.4760, 31.2300, 31.2350, 121.4730, 31.2325


def _box(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


GRIDS = [
    (1, "第一网格 · 东苑", _box(_MX, _MY, _E, _N)),
    (2, "第二网格 · 西苑", _box(_W, _MY, _MX, _N)),
    (3, "第三网格 · 南苑", _box(_W, _S, _MX, _MY)),
    (4, "第四网格 · 花园", _box(_MX, _S, _E, _MY)),
]


def seed_foundation(ctx: SimpleNamespace) -> SimpleNamespace:
    """The region, the community and its grids, the demo accounts and verified neighbours, into `ctx`."""
    admin = accounts.create_platform_admin(email="admin@demo.linli", password=DEMO_PASSWORD, display_name="平台管理员")
    accounts.accept_privacy_notice(admin, NOTICE_VERSION)
    district = communities.create_region(admin, kind="district", name="静安区")
    street = communities.create_region(admin, kind="street", name="南京西路街道", parent_id=district.id)
    community = communities.create_community(
        admin,
        name="阳光社区",
        name_en="Sunshine Community",
        street_id=street.id,
        description="阳光社区位于南京西路街道，约 3,200 户。小事大家议，难事大家帮。",
    )
    grids = [
        communities.create_grid(admin, community.id, number=n, name=name, polygon=polygon) for n, name, polygon in GRIDS
    ]

    # Demo people accepted the privacy notice when they signed up, as everyone does in the PWA.
    users = {
        key: accounts.register(email=email, password=DEMO_PASSWORD, display_name=name, privacy_consent=True)
        for key, (email, name) in DEMO_ACCOUNTS.items()
    }
    committee = users["committee"]
    # The first committee member is appointed by the platform admin, as in a real deployment.
    communities.join(committee, community.id, building="1", unit="1", room="102", grid_id=grids[0].id)
    communities.verify_member(admin, community.id, committee.id)
    communities.set_role(admin, community.id, committee.id, "committee")
    for key, grid, household in (
        ("grid", grids[0], ("2", "1", "201")),
        ("resident", grids[0], ("3", "2", "1202")),
        ("org", grids[1], ("8", "1", "301")),
    ):
        communities.join(
            users[key], community.id, building=household[0], unit=household[1], room=household[2], grid_id=grid.id
        )
        communities.verify_member(committee, community.id, users[key].id)
    communities.set_role(committee, community.id, users["grid"].id, "grid_worker", [grids[0].id])
    communities.join(users["newcomer"], community.id, building="9", unit="1", room="501", grid_id=grids[2].id)

    neighbours = []
    for index, (name, building, unit, room) in enumerate(NEIGHBOURS):
        neighbour = accounts.register(
            email=f"neighbour{index + 1}@demo.linli", password=DEMO_PASSWORD, display_name=name, privacy_consent=True
        )
        communities.join(neighbour, community.id, building=building, unit=unit, room=room, grid_id=grids[index % 4].id)
        communities.verify_member(committee, community.id, neighbour.id)
        neighbours.append(neighbour)
    db.session.flush()
    ctx.__dict__.update(admin=admin, community=community, grids=grids, users=users, neighbours=neighbours)
    return ctx
