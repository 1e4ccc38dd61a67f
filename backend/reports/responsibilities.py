"""Who is responsible for what (权责清单, issue 19): per community and report category, who handles it (the
grid's worker or the committee) and with which deadlines. Published to anyone, edited by the committee
(audited), applied when a report is made (`routing_for`, `categories.deadline_for`).

Stored in the community's settings beside the deadlines it already had: ``report_sla`` ({category:
{accept_hours, resolve_days}}), ``report_handlers`` ({category: "grid_worker" | "committee" | "agency"}) and
``report_agencies`` ({category: agency id}). A category given to an agency is transferred to it as soon as a
report is made (backend.reports.transfers); if the agency no longer serves the community, the grid's worker
has it again.
"""

from __future__ import annotations

from backend.agencies import services as agencies
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


def agency_for(community, category: str) -> int | None:
    """The agency the list gives `category` to, if it still serves the community."""
    if (community.setting("report_handlers", {}) or {}).get(category) != "agency":
        return None
    agency_id = (community.setting("report_agencies", {}) or {}).get(category)
    return agency_id if isinstance(agency_id, int) and agencies.serves(agency_id, community.id) else None


def handler_for(community, category: str) -> str:
    """Who a new report of `category` goes to: the grid's worker (the default), the committee or an agency."""
    chosen = (community.setting("report_handlers", {}) or {}).get(category)
    if chosen == "agency":
        return "agency" if agency_for(community, category) is not None else DEFAULT_HANDLER
    return chosen if chosen in ("grid_worker", "committee") else DEFAULT_HANDLER


def list_for(community_id: int, *, locale: str = DEFAULT_LOCALE) -> dict:
    """The community's list, one row per category it offers (anyone may read it: it is published)."""
    community = communities.get_community(community_id)
    items = []
    for category in cats.categories_of(community):
        deadline = cats.deadline_for(community, category)
        handler = handler_for(community, category)
        items.append(
            {
                "category": category,
                "label": cats.label(category, locale),
                "handler": handler,
                "agency_id": agency_for(community, category) if handler == "agency" else None,
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
        if row["handler"] == "agency" and not (
            row.get("agency_id") and agencies.serves(row["agency_id"], community_id)
        ):
            errors.setdefault("items", []).append("no such agency serves this community")
        seen.add(row["category"])
    if errors:
        raise ValidationFailed({field: sorted(set(messages)) for field, messages in errors.items()})
    before = list_for(community_id, locale=locale)["items"]
    settings = dict(community.settings or {})
    sla = dict(settings.get("report_sla") or {})
    handlers = dict(settings.get("report_handlers") or {})
    by_agency = dict(settings.get("report_agencies") or {})
    for row in items:
        sla[row["category"]] = {"accept_hours": row["respond_hours"], "resolve_days": row["resolve_days"]}
        handlers[row["category"]] = row["handler"]
        if row["handler"] == "agency":
            by_agency[row["category"]] = row["agency_id"]
        else:
            by_agency.pop(row["category"], None)
    # a new dict: saved
    community.settings = {**settings, "report_sla": sla, "report_handlers": handlers, "report_agencies": by_agency}
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
