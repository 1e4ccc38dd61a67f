"""Survey fixtures: a community with a committee member and verified neighbours, a survey factory, answers."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from backend.core.db import utcnow
from backend.extensions import db

QUESTIONS = [
    {"kind": "single", "prompt": "您家有几位老人？", "options": ["没有", "1 位", "2 位及以上"]},
    {"kind": "multiple", "prompt": "希望增加哪些服务？", "options": ["助餐", "课堂", "维修", "义诊"], "max_choices": 2},
    {"kind": "scale", "prompt": "对活动室的满意度"},
    {"kind": "ranking", "prompt": "改造项目排序", "options": ["电梯", "车位", "花园"]},
    {"kind": "text", "prompt": "还有什么想说的？", "required": False},
]


def survey_body(**overrides) -> dict:
    body = {
        "title": "社区服务需求调查",
        "description": "请每户填写。",
        "questions": QUESTIONS,
        "eligibility": "verified",
        "anonymous": True,
        "results_public": True,
    }
    body.update(overrides)
    return body


def answers_for(survey: dict, single=1, multiple=(0, 3), scale=4, ranking=(2, 0, 1), text="谢谢") -> list[dict]:
    """A valid answer to every question of a survey made from QUESTIONS (text None: left blank)."""
    values = {"single": single, "multiple": list(multiple), "scale": scale, "ranking": list(ranking), "text": text}
    fields = {"single": "option", "multiple": "options", "scale": "scale", "ranking": "ranking", "text": "text"}
    return [
        {"question_id": q["id"], fields[q["kind"]]: values[q["kind"]]}
        for q in survey["questions"]
        if values[q["kind"]] is not None
    ]


@pytest.fixture
def town(make_community, make_member):
    """阳光小区: a committee member and four verified residents, each their own household."""
    community = make_community("阳光小区", grids=2)
    committee = make_member(community, "committee", display_name="王主任")
    residents = [make_member(community, display_name=f"邻居{i}") for i in range(4)]
    return SimpleNamespace(community=community, cid=community.id, committee=committee, residents=residents)


@pytest.fixture
def new_survey(client_for, town):
    """new_survey(opened=True, **body overrides) -> survey JSON, written (and opened) by the town's committee."""

    def make(opened: bool = True, **overrides) -> dict:
        committee = client_for(town.committee)
        response = committee.post(f"/api/v1/communities/{town.cid}/surveys", json=survey_body(**overrides))
        assert response.status_code == 201, response.json
        if opened:
            response = committee.post(f"/api/v1/surveys/{response.json['id']}/open")
            assert response.status_code == 200, response.json
        return response.json

    return make


@pytest.fixture
def answer(client_for):
    """answer(user, survey_json, answers=None) -> response."""

    def post(user, survey: dict, answers: list[dict] | None = None, **kwargs):
        return client_for(user).post(
            f"/api/v1/surveys/{survey['id']}/responses",
            json={"answers": answers if answers is not None else answers_for(survey, **kwargs)},
        )

    return post


@pytest.fixture
def end_survey(app):
    """end_survey(survey_id): closes_at moves into the past (the close job has not run yet)."""

    def move(survey_id: int) -> None:
        from backend.surveys.models import Survey

        with app.app_context():
            db.session.execute(
                update(Survey).where(Survey.id == survey_id).values(closes_at=utcnow() - timedelta(seconds=1))
            )
            db.session.commit()

    return move
