"""How residents come to a survey: the home page lists the open surveys they may still answer, and the members
who may answer are told when one opens (their preferences respected; once, whoever opens it)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from backend.core.db import utcnow
from backend.extensions import db
from backend.notifications.models import Notification
from backend.surveys.models import Survey
from backend.surveys.services import close_due_surveys


def home_surveys(client, cid):
    response = client.get(f"/api/v1/communities/{cid}/home")
    assert response.status_code == 200, response.json
    return [(item["kind"], item["id"]) for item in response.json["surveys"]]


def told(app, survey_id) -> list[int]:
    """Who has a survey_opened row about this survey, in id order."""
    with app.app_context():
        rows = db.session.scalars(select(Notification).where(Notification.kind == "survey_opened")).all()
        return sorted(row.user_id for row in rows if (row.context or {}).get("survey_id") == survey_id)


def test_an_open_survey_is_on_the_home_page_until_answered(client_for, town, new_survey, answer):
    """Is an open survey on a resident's home page, gone once they answered, and never a draft?"""
    survey = new_survey()
    draft = new_survey(opened=False, title="还没开放的问卷")
    resident = client_for(town.residents[0])
    assert home_surveys(resident, town.cid) == [("survey", survey["id"])]
    assert answer(town.residents[0], survey).status_code == 201
    assert home_surveys(resident, town.cid) == []
    assert home_surveys(client_for(town.residents[1]), town.cid) == [("survey", survey["id"])]
    assert draft["id"] not in [i for _, i in home_surveys(client_for(town.committee), town.cid)]


def test_home_follows_eligibility_household_and_grid(client_for, town, new_survey, answer, make_member):
    """A household survey leaves a housemate's home once the household answered; a grid survey is on its grid's
    homes only; a pending member and another community's resident see none."""
    housemate = make_member(town.community, display_name="同户", household=("9", "1", "101"))
    first_of_household = make_member(town.community, display_name="户主", household=("9", "1", "101"))
    pending = make_member(town.community, status="pending", display_name="新来的")
    household_survey = new_survey(title="每户一份", eligibility="household")
    grid_survey = new_survey(title="二网格的问卷", eligibility="grid", grid_id=town.community.grid_ids[1])
    in_second_grid = make_member(town.community, grid=1, display_name="二网格居民")

    assert home_surveys(client_for(housemate), town.cid) == [("survey", household_survey["id"])]
    assert answer(first_of_household, household_survey).status_code == 201
    assert home_surveys(client_for(housemate), town.cid) == []
    assert ("survey", grid_survey["id"]) in home_surveys(client_for(in_second_grid), town.cid)
    assert ("survey", grid_survey["id"]) not in home_surveys(client_for(town.residents[0]), town.cid)
    assert home_surveys(client_for(pending), town.cid) == []


def test_closed_and_ended_surveys_leave_the_home_page(app, client_for, town, new_survey):
    closed = new_survey(title="已关闭")
    assert client_for(town.committee).post(f"/api/v1/surveys/{closed['id']}/close").status_code == 200
    ended = new_survey(title="已过期", closes_at=(utcnow() + timedelta(hours=1)).isoformat())
    with app.app_context():
        db.session.execute(update(Survey).where(Survey.id == ended["id"]).values(closes_at=utcnow()))
        db.session.commit()
    assert home_surveys(client_for(town.residents[0]), town.cid) == []


def test_opening_tells_the_members_who_may_answer_but_not_the_opener(app, client_for, town, new_survey, make_member):
    pending = make_member(town.community, status="pending", display_name="新来的")
    survey = new_survey()
    assert told(app, survey["id"]) == sorted(r.id for r in town.residents)
    assert pending.id not in told(app, survey["id"]) and town.committee.id not in told(app, survey["id"])
    inbox = client_for(town.residents[0]).get("/api/v1/notifications", headers={"Accept-Language": "zh-CN"}).json
    mine = [n for n in inbox["items"] if n["kind"] == "survey_opened"]
    assert mine[0]["title"] == "新问卷：社区服务需求调查" and mine[0]["url"] == f"/surveys/{survey['id']}"


def test_a_grid_survey_tells_that_grid_only(app, town, new_survey, make_member):
    in_second_grid = make_member(town.community, grid=1, display_name="二网格居民")
    survey = new_survey(eligibility="grid", grid_id=town.community.grid_ids[1])
    assert told(app, survey["id"]) == [in_second_grid.id]


def test_a_resident_who_turned_survey_news_off_is_not_told(app, client_for, town, new_survey):
    quiet = client_for(town.residents[0])
    saved = quiet.put(
        "/api/v1/me/notification-preferences",
        json={"kinds": [{"kind": "survey_opened", "inbox": False, "push": False}]},
    )
    assert saved.status_code == 200, saved.json
    assert {k["kind"]: k for k in saved.json["kinds"]}["survey_opened"]["label"] == "新问卷"
    survey = new_survey()
    assert town.residents[0].id not in told(app, survey["id"]) and town.residents[1].id in told(app, survey["id"])


def test_a_scheduled_survey_tells_its_members_once_when_the_job_writes_it_open(app, town, new_survey):
    """A draft whose opens_at has come is open to people at once; the job writes it down and tells the members,
    once, however often it runs."""
    survey = new_survey(opened=False, opens_at=(utcnow() + timedelta(hours=1)).isoformat())
    assert told(app, survey["id"]) == []
    with app.app_context():
        db.session.execute(
            update(Survey).where(Survey.id == survey["id"]).values(opens_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
        close_due_surveys()
        db.session.commit()
        close_due_surveys()
        db.session.commit()
        assert db.session.get(Survey, survey["id"]).status == "open"
    assert told(app, survey["id"]) == sorted(r.id for r in town.residents)
