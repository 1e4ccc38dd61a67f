"""What the audit log's ids are, for the committee reading it: the target's label (a person's name, an item's
title) and the names behind the ids inside `before` / `after` (`assignee_id: 14` is "李网格员").

Nothing beyond what the committee already sees: members' public names, titles of their community's items,
names of regions and grids. Labels are looked up in a handful of batched queries per page, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from backend.accounts.schemas import public_name
from backend.accounts.services import users_by_id
from backend.communities import labels as community_labels
from backend.core import targets
from backend.extensions import db
from backend.moderation.models import Appeal

# before/after keys that hold ids, and what they are ids of
ID_FIELDS = {
    "assignee_id": "user",
    "responsible_user_id": "user",
    "user_id": "user",
    "voter_id": "user",
    "grid_id": "grid",
    "grid_ids": "grid",
    "street_id": "region",
    "parent_id": "region",
    "community_id": "community",
    "project_id": "project",
    "poll_id": "poll",
    "report_id": "report",
    "duplicate_of_id": "report",
}
# target types whose label is a person's name (the audit log names "member.verify" targets as users)
PERSON_TYPES = {"user"}


def _ids_in(value) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return []


def _lookup(wanted: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    found: dict[str, dict[int, str]] = {}
    for kind, ids in wanted.items():
        if not ids:
            continue
        if kind in PERSON_TYPES:
            found[kind] = {uid: public_name(user) for uid, user in users_by_id(ids).items()}
        elif kind in ("region", "community", "grid"):
            found[kind] = community_labels.names(kind, ids)
        elif kind == "appeal":  # an appeal is named after the person who made it
            rows = db.session.execute(select(Appeal.id, Appeal.author_id).where(Appeal.id.in_(ids)))
            authors = dict(rows.all())
            people = users_by_id(authors.values())
            found[kind] = {aid: public_name(people[uid]) for aid, uid in authors.items() if uid in people}
        else:
            target = targets.get(kind)
            found[kind] = (
                {}
                if target is None
                else {item_id: str(target.title(item) or "") for item_id, item in target.load_many(sorted(ids)).items()}
            )
    return found


def _labelled(values: dict | None, names: dict[str, dict[int, str]]) -> dict | None:
    """{field: name(s)} for the id fields of `values` that name something that exists."""
    if not values:
        return None
    out = {}
    for field, value in values.items():
        kind = ID_FIELDS.get(field)
        if kind is None:
            continue
        labels = [names.get(kind, {}).get(i) for i in _ids_in(value)]
        labels = [label for label in labels if label]
        if labels:
            out[field] = labels if isinstance(value, list) else labels[0]
    return out or None


def label_entries(entries) -> None:
    """Attach `target_label`, `before_labels` and `after_labels` to each audit entry of a page."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.target_id is not None:
            wanted[entry.target_type].add(entry.target_id)
        for values in (entry.before, entry.after):
            for field, value in (values or {}).items():
                if field in ID_FIELDS:
                    wanted[ID_FIELDS[field]].update(_ids_in(value))
    names = _lookup(wanted)
    for entry in entries:
        entry.target_label = names.get(entry.target_type, {}).get(entry.target_id) if entry.target_id else None
        entry.before_labels = _labelled(entry.before, names)
        entry.after_labels = _labelled(entry.after, names)
