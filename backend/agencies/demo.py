"""Three agencies serving the demo community, two with a staff account (password demo-pass-2026)."""

from __future__ import annotations

from types import SimpleNamespace

from backend.accounts import services as accounts
from backend.agencies import services as agencies
from backend.communities.demo import DEMO_PASSWORD

DEMO_AGENCIES = (
    # (name, kind, staff account, staff name)
    ("阳光物业服务中心", "property", "property@demo.linli", "物业孙经理"),
    ("南京西路街道城管中队", "city_management", "citymgmt@demo.linli", "城管周队员"),
    ("南京西路派出所社区警务室", "police", None, None),
)


def seed_agencies(ctx: SimpleNamespace) -> SimpleNamespace:
    street_id = ctx.community.street_id
    ctx.agencies = {}
    for name, kind, email, staff_name in DEMO_AGENCIES:
        agency = agencies.create_agency(ctx.admin, street_id, name=name, kind=kind, community_ids=[ctx.community.id])
        if email:
            staff = accounts.register(
                email=email, password=DEMO_PASSWORD, display_name=staff_name, privacy_consent=True
            )
            agencies.add_member(ctx.admin, agency.id, user_id=staff.id)
            ctx.users[f"agency_{kind}"] = staff
        ctx.agencies[kind] = agency
    return ctx
