"""The demo inbox's lived-in history, about the demo community's real items (the last seed: every item exists).

The other seeds notify through the services as real use does; these few older-looking messages fill the
demo resident's, committee's and grid worker's inboxes. Each names a real item with its real title and state,
so "新投票：…" opens that very poll and a report's message says the state the report is really in.
"""

from __future__ import annotations

from backend.notices import services as notices
from backend.notifications.services import mark_read, notify
from backend.reports import services as reports
from backend.voting import services as voting


def seed_home(ctx) -> None:
    community, users = ctx.community, ctx.users
    resident, committee, grid = users["resident"], users["committee"], users["grid"]
    cid = community.id
    read_later: dict[int, list[int]] = {}

    def tell(person, kind: str, context: dict, *, read: bool = False) -> None:
        ids = notify([person.id], kind, context, community_id=cid)
        if read:
            read_later.setdefault(person.id, []).extend(ids)

    open_polls = voting.list_polls(committee, cid, status="open", limit=50, cursor=None).items
    garden = next((p for p in open_polls if "花园" in p.title), open_polls[0] if open_polls else None)
    if garden is not None:
        tell(resident, "poll_opened", {"poll_id": garden.id, "poll_title": garden.title}, read=True)

    mine = reports.list_reports(resident, cid, mine=True, limit=20).items
    if mine:
        report = mine[-1]
        tell(
            resident,
            "report_status_changed",
            {"report_id": report.id, "report_title": report.description, "status": report.status},
            read=True,
        )

    latest = notices.list_notices(resident, cid, limit=1).items
    if latest:
        notice = latest[0]
        tell(
            resident,
            "notice_published",
            {
                "notice_id": notice.id,
                "notice_title": notice.title,
                "excerpt": notice.body[:80],
                "urgent": notice.is_urgent,
            },
        )

    overdue = reports.list_reports(committee, cid, overdue=True, limit=1).items
    if overdue:
        tell(committee, "report_overdue", {"report_id": overdue[0].id, "report_title": overdue[0].description})

    in_hand = reports.list_reports(grid, cid, assigned_to="me", limit=1).items
    if in_hand:
        tell(
            grid,
            "report_status_changed",
            {"report_id": in_hand[0].id, "report_title": in_hand[0].description, "status": in_hand[0].status},
        )

    for person in (resident, committee, grid):
        if read_later.get(person.id):
            mark_read(person, ids=read_later[person.id])
