"""Names of regions, communities and grids by id, in one query per kind: for lists that show what an id is
(the audit log's "grid #3" becomes "第三网格 · 南苑")."""

from __future__ import annotations

from sqlalchemy import select

from backend.communities.models import Community, Grid, Region
from backend.extensions import db

_MODELS = {"region": Region, "community": Community, "grid": Grid}


def names(kind: str, ids) -> dict[int, str]:
    """{id: name} of the regions, communities or grids with these ids that exist."""
    model = _MODELS[kind]
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(wanted))).all())
