"""Who is responsible for what (权责清单, issue 19): per community and report category, who handles it (the
grid's worker or the committee) and with which deadlines. Published to anyone, edited by the committee
(audited), applied when a report is made (`routing_for`, `categories.deadline_for`).

Stored in the community's settings beside the deadlines it already had: ``report_sla`` ({category:
{accept_hours, resolve_days}}) and ``report_handlers`` ({category: "grid_worker" | "committee"}).
Outside agencies (the contract's ``handler: agency``) are the next part of issue 19: until they exist an
agency handler is refused.
"""

from __future__ import annotations

from backend.audit import services as audit
from backend.communities import access
from backend.communities import services as communities
from backend.core.errors import ValidationFailed, register_field_messages
from backend.core.i18n import DEFAULT_LOCALE
from backend.extensions import db
from backend.reports import categories as cats

HANDLERS = ("grid_worker", "committee", "agency")
DEFAULT_HANDLER = "grid_worker"

register_field_messages(
    {
        "not a category of this community": "这个社区没有这个问题类别。",
        "each category once": "每个类别只能出现一次。",
        "no such agency serves this community": "没有为本社区服务的这个部门。",
    }
)


def handler_for(community, category: str) -> str:
    """Who a new report of `category` goes to: the grid's worker (the default) or the committee."""
    chosen = (community.setting("report_handlers", {}) or {}).get(category)
    return chosen if chosen in ("grid_worker", "committee") else DEFAULT_HANDLER


def list_for(community_id: int, *, locale: str = DEFAULT_LOCALE) -> dict:
    """The community's list, one row per category it offers (anyone may read it: it is published)."""
    community = communities.get_community(community_id)
    items = []
    for category in cats.categories_of(community):
        deadline = cats.deadline_for(community, category)
        items.append(
            {
                "category": category,
                "label": cats.label(category, locale),
                "handler": handler_for(community, category),
                "agency_id": None,
                "respond_hours": deadline.accept_hours,
                "resolve_days": deadline.resolve_days,
            }
        )
    return {"community": community, "items": items}


def update(actor, community_id: int, items: list[dict], *, locale: str = DEFAULT_LOCALE) -> dict:
    """Set who handles which categories and their deadlines (committee; audited). Categories left out keep
    what they had.

    :raises Forbidden: not the community's committee
    :raises ValidationFailed: a category the community does not offer, a category twice, an agency
    """
    access.require_committee(actor, community_id)
    community = communities.get_community(community_id)
    offered = set(cats.categories_of(community))
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for row in items:
        if row["category"] not in offered:
            errors.setdefault("items", []).append("not a category of this community")
        elif row["category"] in seen:
            errors.setdefault("items", []).append("each category once")
        if row["handler"] == "agency":
            errors.setdefault("items", []).append("no such agency serves this community")
        seen.add(row["category"])
    if errors:
        raise ValidationFailed({field: sorted(set(messages)) for field, messages in errors.items()})
    before = list_for(community_id, locale=locale)["items"]
    settings = dict(community.settings or {})
    sla = dict(settings.get("report_sla") or {})
    handlers = dict(settings.get("report_handlers") or {})
    for row in items:
        sla[row["category"]] = {"accept_hours": row["respond_hours"], "resolve_days": row["resolve_days"]}
        handlers[row["category"]] = row["handler"]
    community.settings = {**settings, "report_sla": sla, "report_handlers": handlers}  # a new dict: saved
    db.session.flush()
    after = list_for(community_id, locale=locale)
    changed = [row for row in after["items"] if row not in before]
    audit.record(
        actor,
        "responsibilities.update",
        "community",
        community_id,
        community_id=community_id,
        before={"items": [row for row in before if row["category"] in {c["category"] for c in changed}]},
        after={"items": changed},
    )
    return after
