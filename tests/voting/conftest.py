"""Voting fixtures: a community with a committee member and verified neighbours, poll factories, time travel."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from backend.core.db import utcnow
from backend.extensions import db

OPTIONS = {
    "single": [{"label": "周六上午"}, {"label": "周日下午"}, {"label": "周三晚上"}],
    "approval": [{"label": "健身角"}, {"label": "儿童沙坑"}, {"label": "晾衣架"}, {"label": "花坛"}],
    "ranked": [{"label": "张师傅"}, {"label": "李阿姨"}, {"label": "王老师"}],
    "budget": [
        {"label": "楼道灯", "cost_cents": 3000_00},
        {"label": "无障碍坡道", "cost_cents": 5000_00},
        {"label": "休息长椅", "cost_cents": 4000_00},
    ],
    "yes_no": [],
}
BALLOTS = {
    "yes_no": lambda ids: {"choice": "yes"},
    "single": lambda ids: {"option_id": ids[0]},
    "approval": lambda ids: {"option_ids": ids[:2]},
    "ranked": lambda ids: {"ranking": ids},
    "budget": lambda ids: {"option_ids": ids[:2]},
}


def iso(moment) -> str:
    return moment.isoformat()


def poll_body(method: str = "yes_no", **overrides) -> dict:
    now = utcnow()
    body = {
        "title": "加装电梯意见征集",
        "description": "请大家投票。",
        "method": method,
        "options": OPTIONS[method],
        "opens_at": iso(now - timedelta(minutes=5)),
        "closes_at": iso(now + timedelta(days=3)),
        "eligibility": "verified",
        "secret": True,
    }
    if method == "budget":
        body.update(budget_cents=8000_00, budget_rule="greedy")
    body.update(overrides)
    return body


@pytest.fixture
def town(make_community, make_member):
    """阳光小区: a committee member and four verified residents in grid 1 (index 0), each their own household."""
    community = make_community("阳光小区", grids=2)
    committee = make_member(community, "committee", display_name="王主任")
    residents = [make_member(community, display_name=f"邻居{i}") for i in range(4)]
    return SimpleNamespace(community=community, cid=community.id, committee=committee, residents=residents)


@pytest.fixture
def new_poll(client_for, town):
    """new_poll(method, **body overrides) -> poll JSON, created by the town's committee through the API."""

    def make(method: str = "yes_no", **overrides) -> dict:
        response = client_for(town.committee).post(
            f"/api/v1/communities/{town.cid}/polls", json=poll_body(method, **overrides)
        )
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def end_poll(app):
    """end_poll(poll_id): move the window into the past, as if closes_at had gone by and the close job (every
    minute) had run; `end_poll(poll_id, closed=False)` stops in between: due, still counting."""

    def move(poll_id: int, *, closed: bool = True) -> None:
        from backend.voting.models import Poll
        from backend.voting.services import close_due_polls

        now = utcnow()
        with app.app_context():
            db.session.execute(
                update(Poll)
                .where(Poll.id == poll_id)
                .values(opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1))
            )
            db.session.commit()
            if closed:
                close_due_polls()
                db.session.commit()

    return move


@pytest.fixture
def vote(client_for):
    """vote(user, poll_json, body=None) -> response; the default body is valid for the poll's method."""

    def cast(user, poll: dict, body: dict | None = None, **kwargs):
        ids = [o["id"] for o in poll["options"]]
        return client_for(user).post(
            f"/api/v1/polls/{poll['id']}/ballots",
            json=body if body is not None else BALLOTS[poll["method"]](ids),
            **kwargs,
        )

    return cast
