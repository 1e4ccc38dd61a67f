"""Anonymous surveys keep answers unlinkable from respondents; the database keeps one response per person or
household under real concurrency; a person's data download has their named answers and nothing anonymous."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from backend.extensions import db
from tests.surveys.conftest import answers_for


def _all_at_once(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _count(app, model, **where):
    with app.app_context():
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return db.session.scalar(stmt)


def test_roll_and_answers_share_nothing_but_the_survey():
    """What a database reader could join on: the answer tables have no user, no time, no roll id."""
    from backend.surveys.models import SurveyAnswer, SurveyResponse, SurveyRollEntry

    roll = {c.name for c in SurveyRollEntry.__table__.columns}
    for model in (SurveyResponse, SurveyAnswer):
        columns = {c.name for c in model.__table__.columns}
        assert roll & columns <= {"id", "survey_id"}
        assert not any(name.endswith("_at") for name in columns)
        assert not any(fk.column.table.name == "survey_roll" for fk in model.__table__.foreign_keys)


def test_an_anonymous_response_names_nobody_and_its_storage_order_is_not_the_answering_order(
    app, town, make_member, new_survey, answer
):
    from backend.surveys.models import SurveyAnswer, SurveyResponse

    survey = new_survey(anonymous=True)
    respondents = town.residents + [make_member(town.community) for _ in range(8)]
    for number, person in enumerate(respondents):
        assert answer(person, survey, text=f"第{number}位").status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(SurveyResponse.respondent_id.is_not(None))) == 0
        assert db.session.scalar(select(func.count()).where(SurveyAnswer.respondent_id.is_not(None))) == 0
        # Ids (on SQLite the rowid, the storage order) of the text answers, read in id order.
        stored = list(
            db.session.scalars(
                select(SurveyAnswer.text).where(SurveyAnswer.text.is_not(None)).order_by(SurveyAnswer.id)
            )
        )
    # Twelve random ids drawn in the answering order by chance: 1 in 12! (about 2e-9).
    assert sorted(stored) == sorted(f"第{n}位" for n in range(len(respondents)))
    assert stored != [f"第{n}位" for n in range(len(respondents))]


def test_an_anonymous_survey_shows_nobody_their_answers_but_a_named_one_does(client_for, town, new_survey, answer):
    anonymous, named = new_survey(anonymous=True), new_survey(anonymous=False)
    mine = answer(town.residents[0], anonymous).json["my_response"]
    assert mine["answered_at"] and mine["answers"] is None
    shown = answer(town.residents[0], named).json["my_response"]["answers"]
    assert {a["question_id"] for a in shown} == {q["id"] for q in named["questions"]}


def test_the_data_download_has_my_named_answers_and_no_anonymous_one(client_for, town, new_survey, answer):
    anonymous, named = new_survey(anonymous=True), new_survey(anonymous=False)
    answer(town.residents[0], anonymous, text="匿名的话不该出现在下载里")
    answer(town.residents[0], named, text="署名的话属于我")
    body = client_for(town.residents[0]).get("/api/v1/me/export")
    assert body.status_code == 200
    section = body.json["surveys"]
    raw = json.dumps(section, ensure_ascii=False)
    assert "署名的话属于我" in raw and "匿名的话不该出现在下载里" not in raw
    assert {row["survey_id"] for row in section["answered"]} == {anonymous["id"], named["id"]}
    assert all("respondent_key" not in row for row in section["answered"])


def test_threads_answering_at_once_leave_one_response_each(app, town, make_member, new_survey, client_for):
    from backend.surveys.models import Survey, SurveyResponse, SurveyRollEntry

    survey = new_survey()
    people = town.residents + [make_member(town.community) for _ in range(3)]
    attempts = 3
    clients = [client_for(person) for person in people for _ in range(attempts)]
    body = {"answers": answers_for(survey)}
    url = f"/api/v1/surveys/{survey['id']}/responses"
    statuses = [r.status_code for r in _all_at_once([(lambda c=c: c.post(url, json=body)) for c in clients])]
    assert statuses.count(201) == len(people)
    assert statuses.count(409) == len(people) * (attempts - 1)
    assert _count(app, SurveyRollEntry, survey_id=survey["id"]) == len(people)
    assert _count(app, SurveyResponse, survey_id=survey["id"]) == len(people)
    with app.app_context():
        assert db.session.get(Survey, survey["id"]).response_count == len(people)


def test_two_of_one_household_at_the_same_moment_give_one_response(app, town, make_member, new_survey, client_for):
    from backend.surveys.models import SurveyResponse

    survey = new_survey(eligibility="household")
    pairs = [
        tuple(make_member(town.community, household=("8", "2", str(room))) for _ in range(2))
        for room in (201, 202, 203)
    ]
    url = f"/api/v1/surveys/{survey['id']}/responses"
    body = {"answers": answers_for(survey)}
    clients = [client_for(m) for pair in pairs for m in pair]
    calls = [(lambda c=c: c.post(url, json=body)) for c in clients]
    statuses = [r.status_code for r in _all_at_once(calls)]
    for index in range(len(pairs)):
        assert sorted(statuses[2 * index : 2 * index + 2]) == [201, 409]
    assert _count(app, SurveyResponse, survey_id=survey["id"]) == len(pairs)


def test_closing_while_people_answer_admits_nothing_after_the_close(app, town, make_member, new_survey, client_for):
    from backend.surveys.models import Survey, SurveyRollEntry

    survey = new_survey()
    people = town.residents + [make_member(town.community) for _ in range(4)]
    url = f"/api/v1/surveys/{survey['id']}/responses"
    body = {"answers": answers_for(survey)}
    clients = [client_for(p) for p in people]
    committee = client_for(town.committee)
    calls = [(lambda c=c: c.post(url, json=body)) for c in clients]
    calls.append(lambda: committee.post(f"/api/v1/surveys/{survey['id']}/close"))
    results = _all_at_once(calls)
    assert results[-1].status_code == 200
    assert {r.status_code for r in results[:-1]} <= {201, 409}
    admitted = sum(r.status_code == 201 for r in results[:-1])
    assert _count(app, SurveyRollEntry, survey_id=survey["id"]) == admitted
    with app.app_context():
        assert db.session.get(Survey, survey["id"]).response_count == admitted


def test_converting_twice_at_once_makes_one_project(app, town, new_survey, answer, client_for):
    survey = new_survey()
    answer(town.residents[0], survey)
    client_for(town.committee).post(f"/api/v1/surveys/{survey['id']}/close")
    url = f"/api/v1/surveys/{survey['id']}/convert"
    clients = [client_for(town.committee) for _ in range(3)]
    results = _all_at_once([(lambda c=c: c.post(url, json={"into": "project"})) for c in clients])
    assert sorted(r.status_code for r in results) == [201, 409, 409]


def test_at_the_close_an_anonymous_surveys_answers_are_stored_again_in_random_order(
    app, town, make_member, new_survey, answer, client_for
):
    """The storage order of the answers (SQLite: the key order its file keeps; PostgreSQL: the heap's ctid
    order, which follows insertion) says nothing about the order of the roll once the survey has closed."""
    from sqlalchemy import text

    from backend.surveys.models import SurveyAnswer

    survey = new_survey(anonymous=True)
    respondents = town.residents + [make_member(town.community) for _ in range(10)]
    for number, person in enumerate(respondents):
        assert answer(person, survey, text=f"第{number}位").status_code == 201
    assert client_for(town.committee).post(f"/api/v1/surveys/{survey['id']}/close").status_code == 200
    answering_order = [f"第{n}位" for n in range(len(respondents))]
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            stored = list(
                db.session.scalars(text("SELECT text FROM survey_answers WHERE text IS NOT NULL ORDER BY ctid"))
            )
        else:
            stored = list(
                db.session.scalars(
                    select(SurveyAnswer.text).where(SurveyAnswer.text.is_not(None)).order_by(SurveyAnswer.id)
                )
            )
        ids = set(db.session.scalars(select(SurveyAnswer.id)))
    assert sorted(stored) == sorted(answering_order) and stored != answering_order
    assert len(ids) == len(respondents) * 5  # every answer kept, under its key (flags and cases still point at it)
