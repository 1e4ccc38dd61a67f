"""The demo community 阳光社区: accounts for every role and content in every state.

Built through the services, so demo data obeys the same rules as real data. Each domain adds its part
with the seed its manifest names, in the order of backend/domains.py: the communities domain builds the
community and its people first (backend/communities/demo.py), every later seed adds to the same `ctx`.
"""

from __future__ import annotations

from types import SimpleNamespace

from backend.communities.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from backend.communities.services import community_count
from backend.core.manifest import resolve
from backend.domains import DOMAINS

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "database_is_empty", "seed"]


def database_is_empty() -> bool:
    return not community_count()


def seed() -> str:
    ctx = SimpleNamespace()
    for domain in DOMAINS:
        if domain.seed:
            resolve(domain.seed)(ctx)
    return (
        f"seeded {ctx.community.name} (id {ctx.community.id}) with {len(ctx.community.grids)} grids; "
        f"demo accounts ({DEMO_PASSWORD}): " + ", ".join(email for email, _ in DEMO_ACCOUNTS.values())
    )
