"""Surveys through the HTTP API: who may do what, answering once, validation, results, moderation, export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from tests.surveys.conftest import QUESTIONS, answers_for, survey_body


def surveys_url(cid):
    return f"/api/v1/communities/{cid}/surveys"


@pytest.fixture
def people(town, make_member, make_community, make_user):
    elsewhere = make_community("别的社区")
    return {
        "visitor": None,
        "outsider": make_user(),
        "pending": make_member(town.community, status="pending"),
        "suspended": make_member(town.community, status="suspended"),
        "resident": town.residents[0],
        "grid_worker": make_member(town.community, "grid_worker"),
        "committee": town.committee,
        "other_committee": make_member(elsewhere, "committee"),
    }


# --- writing and opening ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("visitor", 401),
        ("outsider", 403),
        ("pending", 403),
        ("suspended", 403),
        ("resident", 403),
        ("grid_worker", 403),
        ("other_committee", 403),
        ("committee", 201),
    ],
)
def test_only_the_committee_writes_surveys(client_for, town, people, who, status):
    response = client_for(people[who]).post(surveys_url(town.cid), json=survey_body())
    assert response.status_code == status, response.json


@pytest.mark.parametrize("who", ["visitor", "resident", "other_committee"])
def test_a_draft_does_not_exist_for_anyone_but_the_committee(client_for, town, people, new_survey, who):
    draft = new_survey(opened=False)
    assert client_for(people[who]).get(f"/api/v1/surveys/{draft['id']}").status_code == 404
    listed = client_for(people[who]).get(surveys_url(town.cid)).json["items"]
    assert draft["id"] not in [s["id"] for s in listed]
    assert client_for(town.committee).get(f"/api/v1/surveys/{draft['id']}").json["status"] == "draft"


@pytest.mark.parametrize("action", ["open", "close"])
def test_another_communitys_committee_cannot_open_or_close(client_for, people, new_survey, action):
    survey = new_survey(opened=action == "close")
    response = client_for(people["other_committee"]).post(f"/api/v1/surveys/{survey['id']}/{action}")
    assert response.status_code == 403


def test_opening_twice_is_an_invalid_transition(client_for, town, new_survey):
    survey = new_survey()
    response = client_for(town.committee).post(f"/api/v1/surveys/{survey['id']}/open")
    assert response.status_code == 409 and response.json["code"] == "survey.invalid_transition"


@pytest.mark.parametrize(
    "question, field",
    [
        ({"kind": "single", "prompt": "只有一个选项", "options": ["是"]}, "questions"),
        ({"kind": "single", "prompt": "重复", "options": ["是", "是"]}, "questions"),
        ({"kind": "scale", "prompt": "打分", "options": ["a", "b"]}, "questions"),
        ({"kind": "multiple", "prompt": "多选", "options": ["a", "b"], "max_choices": 3}, "questions"),
        ({"kind": "single", "prompt": "   ", "options": ["a", "b"]}, "questions"),
        ({"kind": "essay", "prompt": "未知题型"}, "questions"),
    ],
)
def test_questions_that_cannot_be_answered_are_refused(client_for, town, question, field):
    response = client_for(town.committee).post(surveys_url(town.cid), json=survey_body(questions=[question]))
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_huge_input_is_refused_before_anything_is_written(app, client_for, town):
    from backend.surveys.models import Survey

    committee = client_for(town.committee)
    too_many = [{"kind": "text", "prompt": f"问题{i}"} for i in range(51)]
    assert committee.post(surveys_url(town.cid), json=survey_body(questions=too_many)).status_code == 422
    long_prompt = [{"kind": "text", "prompt": "长" * 301}]
    assert committee.post(surveys_url(town.cid), json=survey_body(questions=long_prompt)).status_code == 422
    many_options = [{"kind": "single", "prompt": "选", "options": [str(i) for i in range(21)]}]
    assert committee.post(surveys_url(town.cid), json=survey_body(questions=many_options)).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_grid_of_another_community_is_refused(client_for, town, make_community):
    other = make_community("别处", grids=1)
    body = survey_body(eligibility="grid", grid_id=other.grid_ids[0])
    response = client_for(town.committee).post(surveys_url(town.cid), json=body)
    assert response.status_code == 422, response.json


def test_a_draft_is_edited_whole_but_an_open_survey_keeps_its_questions(client_for, town, new_survey):
    committee = client_for(town.committee)
    draft = new_survey(opened=False)
    changed = committee.patch(
        f"/api/v1/surveys/{draft['id']}",
        json={"title": "改过的标题", "questions": [{"kind": "scale", "prompt": "打分"}]},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["title"] == "改过的标题" and [q["kind"] for q in changed.json["questions"]] == ["scale"]
    committee.post(f"/api/v1/surveys/{draft['id']}/open")
    refused = committee.patch(f"/api/v1/surveys/{draft['id']}", json={"questions": QUESTIONS})
    assert refused.status_code == 409 and refused.json["code"] == "survey.not_editable"
    later = committee.patch(f"/api/v1/surveys/{draft['id']}", json={"results_public": False})
    assert later.status_code == 200 and later.json["results_public"] is False


# --- answering ----------------------------------------------------------------------------------


def test_a_resident_answers_once_and_the_survey_says_so(client_for, town, new_survey, answer):
    survey = new_survey()
    assert survey["can"]["answer"] is True or survey["not_eligible_reason"] is None
    first = answer(town.residents[0], survey)
    assert first.status_code == 201, first.json
    assert first.json["answered"] is True and first.json["can"]["answer"] is False
    assert first.json["responses"] == 1
    second = answer(town.residents[0], survey)
    assert second.status_code == 409 and second.json["code"] == "already_responded"
    listed = client_for(town.residents[0]).get(surveys_url(town.cid)).json["items"]
    assert [s["answered"] for s in listed if s["id"] == survey["id"]] == [True]


def test_one_response_per_household_when_the_survey_says_so(town, make_member, new_survey, answer):
    survey = new_survey(eligibility="household")
    first, second = (make_member(town.community, household=("9", "1", "101")) for _ in range(2))
    assert answer(first, survey).status_code == 201
    refused = answer(second, survey)
    assert refused.status_code == 409 and refused.json["code"] == "already_responded"


@pytest.mark.parametrize(
    "who, status, reason",
    [
        ("visitor", 401, None),
        ("outsider", 403, "not_a_member"),
        ("pending", 403, "not_verified"),
        ("suspended", 403, "suspended"),
        ("other_committee", 403, "not_a_member"),
        ("grid_worker", 201, None),
        ("committee", 201, None),
    ],
)
def test_who_may_answer(town, people, new_survey, answer, who, status, reason):
    response = answer(people[who], new_survey())
    assert response.status_code == status, response.json
    if reason:
        assert response.json["code"] == "not_eligible" and response.json["reason"] == reason


def test_a_grid_survey_is_for_that_grids_residents(town, make_member, new_survey, answer):
    survey = new_survey(eligibility="grid", grid_id=town.community.grid_ids[0])
    inside, outside = make_member(town.community, grid=0), make_member(town.community, grid=1)
    assert answer(inside, survey).status_code == 201
    refused = answer(outside, survey)
    assert refused.status_code == 403 and refused.json["reason"] == "other_grid"


def _by_kind(survey):
    return {q["kind"]: q["id"] for q in survey["questions"]}


@pytest.mark.parametrize(
    "kind, value, message",
    [
        ("single", {"option": 3}, "not an option"),
        ("multiple", {"options": [0, 1, 2]}, "at most 2"),
        ("multiple", {"options": [1, 1]}, "twice"),
        ("ranking", {"ranking": [0, 1]}, "rank every option"),
        ("ranking", {"ranking": [0, 1, 7]}, "not an option"),
        ("single", {"scale": 3}, "not used"),
    ],
)
def test_answers_that_do_not_fit_the_question_are_refused(town, new_survey, answer, kind, value, message):
    survey = new_survey()
    answers = [a for a in answers_for(survey) if a["question_id"] != _by_kind(survey)[kind]]
    answers.append({"question_id": _by_kind(survey)[kind], **value})
    response = answer(town.residents[0], survey, answers)
    assert response.status_code == 422, response.json
    assert message in " ".join(response.json["errors"][f"answers.{_by_kind(survey)[kind]}"])


def test_a_required_question_left_blank_is_named_and_nothing_is_written(app, town, new_survey, answer):
    from backend.surveys.models import SurveyAnswer, SurveyRollEntry

    survey = new_survey()
    scale_id = _by_kind(survey)["scale"]
    answers = [a for a in answers_for(survey) if a["question_id"] != scale_id]
    response = answer(town.residents[0], survey, answers)
    assert response.status_code == 422
    assert response.json["errors"] == {f"answers.{scale_id}": ["this question needs an answer"]}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyRollEntry)) == 0
        assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


def test_an_optional_question_may_be_left_blank(town, new_survey, answer):
    assert answer(town.residents[0], new_survey(), text=None).status_code == 201


def test_questions_of_another_survey_and_repeated_questions_are_refused(town, new_survey, answer):
    survey, other = new_survey(), new_survey()
    foreign = answers_for(survey) + [answers_for(other)[0]]
    assert answer(town.residents[0], survey, foreign).status_code == 422
    repeated = answers_for(survey) + [answers_for(survey)[0]]
    assert answer(town.residents[0], survey, repeated).status_code == 422


def test_huge_answers_are_refused(town, new_survey, answer):
    survey = new_survey()
    text_id = _by_kind(survey)["text"]
    answers = [a for a in answers_for(survey) if a["question_id"] != text_id] + [
        {"question_id": text_id, "text": "长" * 2001}
    ]
    assert answer(town.residents[0], survey, answers).status_code == 422
    assert answer(town.residents[0], survey, [{"question_id": 1, "option": 0}] * 51).status_code == 422
    assert answer(town.residents[0], survey, [{"question_id": 2**40, "option": 0}]).status_code == 422


def test_no_answer_after_the_close_nor_once_closes_at_has_passed(client_for, town, new_survey, answer, end_survey):
    closed = new_survey()
    client_for(town.committee).post(f"/api/v1/surveys/{closed['id']}/close")
    refused = answer(town.residents[0], closed)
    assert refused.status_code == 409 and refused.json["code"] == "survey.not_open"
    due = new_survey()
    end_survey(due["id"])
    assert client_for(town.residents[0]).get(f"/api/v1/surveys/{due['id']}").json["status"] == "closed"
    refused = answer(town.residents[0], due)
    assert refused.status_code == 409 and refused.json["code"] == "survey.not_open"


def test_the_job_writes_down_the_close_of_due_surveys(app, new_survey, end_survey):
    from backend.surveys.models import Survey
    from backend.surveys.services import close_due_surveys

    survey = new_survey()
    end_survey(survey["id"])
    with app.app_context():
        assert close_due_surveys() == 1
        db.session.commit()
        assert db.session.get(Survey, survey["id"]).status == "closed"
        assert close_due_surveys() == 0


# --- results ------------------------------------------------------------------------------------


def _results(client, survey):
    return client.get(f"/api/v1/surveys/{survey['id']}/results")


def test_results_count_every_kind_of_question(client_for, town, new_survey, answer):
    survey = new_survey()
    answer(town.residents[0], survey, single=0, multiple=(0, 1), scale=5, ranking=(0, 1, 2), text="好")
    answer(town.residents[1], survey, single=0, multiple=(1,), scale=3, ranking=(1, 0, 2), text=None)
    answer(town.residents[2], survey, single=2, multiple=(1, 3), scale=4, ranking=(0, 2, 1), text="不错")
    results = _results(client_for(town.committee), survey)
    assert results.status_code == 200, results.json
    body = results.json
    assert body["responses"] == 3 and body["live"] is True and body["eligible"] == 5
    by_kind = {q["kind"]: q for q in body["questions"]}
    assert [o["count"] for o in by_kind["single"]["options"]] == [2, 0, 1]
    assert [o["count"] for o in by_kind["multiple"]["options"]] == [1, 3, 0, 1]
    assert by_kind["scale"]["mean"] == 4.0
    assert [s["count"] for s in by_kind["scale"]["scale"]] == [0, 0, 1, 1, 1]
    # Borda over 3 options: first 2 points, second 1, last 0.
    assert [o["points"] for o in by_kind["ranking"]["options"]] == [5, 3, 1]
    assert by_kind["text"]["answered"] == 2
    assert sorted(t["text"] for t in by_kind["text"]["texts"]) == ["不错", "好"]


@pytest.mark.parametrize("who", ["visitor", "resident", "other_committee"])
def test_private_results_are_the_committees_only(client_for, town, people, new_survey, answer, who):
    survey = new_survey(results_public=False)
    answer(town.residents[1], survey)
    client_for(town.committee).post(f"/api/v1/surveys/{survey['id']}/close")
    response = _results(client_for(people[who]), survey)
    assert response.status_code == 403 and response.json["reason"] == "results_private"
    assert _results(client_for(town.committee), survey).status_code == 200


def test_public_results_are_published_at_the_close(client_for, town, new_survey, answer):
    survey = new_survey(results_public=True)
    answer(town.residents[1], survey)
    early = _results(client_for(None), survey)
    assert early.status_code == 409 and early.json["code"] == "survey.results_not_ready"
    client_for(town.committee).post(f"/api/v1/surveys/{survey['id']}/close")
    published = _results(client_for(None), survey)
    assert published.status_code == 200 and published.json["live"] is False
    assert published.json["responses"] == 1


def test_a_flagged_and_hidden_text_answer_leaves_the_public_results(client_for, town, new_survey, answer):
    survey = new_survey()
    answer(town.residents[0], survey, text="楼上302天天半夜装修，物业不管")
    answer(town.residents[1], survey, text="希望多办活动")
    client_for(town.committee).post(f"/api/v1/surveys/{survey['id']}/close")
    text_id = _by_kind(survey)["text"]
    page = client_for(town.residents[2]).get(f"/api/v1/surveys/{survey['id']}/text-answers?question_id={text_id}")
    assert page.status_code == 200 and len(page.json["items"]) == 2
    target = next(item["id"] for item in page.json["items"] if "302" in item["text"])
    flagged = client_for(town.residents[2]).post(
        "/api/v1/flags", json={"target_type": "survey_answer", "target_id": target, "reason": "personal_info"}
    )
    assert flagged.status_code in (200, 201), flagged.json
    acted = client_for(town.committee).post(
        "/api/v1/moderation/actions",
        json={"target_type": "survey_answer", "target_id": target, "action": "hide", "reason": "提到了门牌号"},
    )
    assert acted.status_code in (200, 201), acted.json
    public = client_for(None).get(f"/api/v1/surveys/{survey['id']}/results").json
    texts = [t["text"] for q in public["questions"] if q["kind"] == "text" for t in q["texts"]]
    assert texts == ["希望多办活动"]
    committee_page = client_for(town.committee).get(
        f"/api/v1/surveys/{survey['id']}/text-answers?question_id={text_id}"
    )
    assert [t["is_hidden"] for t in committee_page.json["items"] if t["id"] == target] == [True]


def test_text_answers_of_a_choice_question_are_not_found(client_for, town, new_survey):
    survey = new_survey()
    url = f"/api/v1/surveys/{survey['id']}/text-answers?question_id={_by_kind(survey)['single']}"
    assert client_for(town.committee).get(url).status_code == 404


# --- export -------------------------------------------------------------------------------------


def test_the_export_has_one_row_per_response_nothing_personal_and_no_formulas(
    app, client_for, town, new_survey, answer
):
    from backend.audit.models import AuditEntry

    survey = new_survey(anonymous=False)
    answer(town.residents[0], survey, text='=HYPERLINK("http://evil.test","点我")')
    answer(town.residents[1], survey, text=None)
    response = client_for(town.committee).get(f"/api/v1/surveys/{survey['id']}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 3 and len(rows[0]) == 1 + len(QUESTIONS)
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body
    for resident in town.residents[:2]:
        assert resident.display_name not in body and str(resident.email or "x@") not in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "survey.export")) == 1


@pytest.mark.parametrize("who", ["visitor", "resident", "other_committee"])
def test_only_the_committee_exports(client_for, people, new_survey, who):
    survey = new_survey()
    assert client_for(people[who]).get(f"/api/v1/surveys/{survey['id']}/export.csv").status_code in (401, 403)


# --- from a result to a project or a poll -------------------------------------------------------


def test_a_closed_survey_becomes_a_project_draft_once(app, client_for, town, new_survey, answer):
    committee = client_for(town.committee)
    survey = new_survey()
    answer(town.residents[0], survey)
    early = committee.post(f"/api/v1/surveys/{survey['id']}/convert", json={"into": "project"})
    assert early.status_code == 409 and early.json["code"] == "survey.not_closed"
    committee.post(f"/api/v1/surveys/{survey['id']}/close")
    made = committee.post(
        f"/api/v1/surveys/{survey['id']}/convert", json={"into": "project", "category": "elderly_care"}
    )
    assert made.status_code == 201, made.json
    project = committee.get(f"/api/v1/projects/{made.json['id']}").json
    assert project["status"] == "draft" and project["title"] == survey["title"]
    assert "1" in project["body"] and survey["questions"][0]["prompt"] in project["body"]
    assert made.json["survey"]["project_id"] == made.json["id"]
    again = committee.post(f"/api/v1/surveys/{survey['id']}/convert", json={"into": "project"})
    assert again.status_code == 409 and again.json["code"] == "survey.already_converted"


def test_a_choice_question_becomes_a_poll_with_its_options(client_for, town, new_survey, answer):
    from datetime import timedelta

    from backend.core.db import utcnow

    committee = client_for(town.committee)
    survey = new_survey()
    answer(town.residents[0], survey)
    committee.post(f"/api/v1/surveys/{survey['id']}/close")
    window = {"opens_at": utcnow().isoformat(), "closes_at": (utcnow() + timedelta(days=3)).isoformat()}
    text_q = _by_kind(survey)["text"]
    refused = committee.post(
        f"/api/v1/surveys/{survey['id']}/convert", json={"into": "poll", "question_id": text_q, **window}
    )
    assert refused.status_code == 422
    made = committee.post(
        f"/api/v1/surveys/{survey['id']}/convert",
        json={"into": "poll", "question_id": _by_kind(survey)["ranking"], **window},
    )
    assert made.status_code == 201, made.json
    poll = client_for(None).get(f"/api/v1/polls/{made.json['id']}").json
    assert poll["method"] == "ranked" and [o["label"] for o in poll["options"]] == ["电梯", "车位", "花园"]


@pytest.mark.parametrize("who", ["resident", "other_committee"])
def test_only_the_committee_converts(client_for, town, people, new_survey, who):
    survey = new_survey()
    client_for(town.committee).post(f"/api/v1/surveys/{survey['id']}/close")
    response = client_for(people[who]).post(f"/api/v1/surveys/{survey['id']}/convert", json={"into": "project"})
    assert response.status_code == 403


# --- a scheduled survey ---------------------------------------------------------------------------


def test_a_draft_with_opens_at_opens_by_itself_and_the_job_writes_it_down(app, client_for, town, new_survey, answer):
    from datetime import timedelta

    from sqlalchemy import update

    from backend.core.db import utcnow
    from backend.surveys.models import Survey
    from backend.surveys.services import close_due_surveys

    soon = (utcnow() + timedelta(hours=1)).isoformat()
    scheduled = new_survey(opened=False, opens_at=soon)
    assert scheduled["status"] == "draft"
    assert client_for(town.residents[0]).get(f"/api/v1/surveys/{scheduled['id']}").status_code == 404
    with app.app_context():
        db.session.execute(
            update(Survey).where(Survey.id == scheduled["id"]).values(opens_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    seen = client_for(town.residents[0]).get(f"/api/v1/surveys/{scheduled['id']}")
    assert seen.status_code == 200 and seen.json["status"] == "open" and seen.json["can"]["answer"] is True
    assert answer(town.residents[0], scheduled).status_code == 201
    with app.app_context():
        close_due_surveys()
        db.session.commit()
        assert db.session.get(Survey, scheduled["id"]).status == "open"


def test_closes_before_opens_is_refused(client_for, town):
    from datetime import timedelta

    from backend.core.db import utcnow

    body = survey_body(
        opens_at=(utcnow() + timedelta(days=2)).isoformat(), closes_at=(utcnow() + timedelta(days=1)).isoformat()
    )
    response = client_for(town.committee).post(surveys_url(town.cid), json=body)
    assert response.status_code == 422 and "closes_at" in response.json["errors"]


def test_search_finds_open_surveys_and_only_the_committee_finds_drafts(client_for, town, new_survey):
    new_survey(title="加装电梯意见问卷")
    new_survey(opened=False, title="电梯草稿问卷")
    url = f"/api/v1/communities/{town.cid}/search?q=电梯&types=survey"
    found = client_for(town.residents[0]).get(url)
    assert found.status_code == 200, found.json
    assert [item["title"] for item in found.json["items"]] == ["加装电梯意见问卷"]
    by_committee = client_for(town.committee).get(url).json["items"]
    assert sorted(item["title"] for item in by_committee) == ["加装电梯意见问卷", "电梯草稿问卷"]


def test_results_show_twenty_text_answers_and_count_them_all(client_for, town, make_member, new_survey, answer):
    survey = new_survey()
    people = town.residents + [make_member(town.community) for _ in range(21)]
    for number, person in enumerate(people):
        assert answer(person, survey, text=f"建议{number}").status_code == 201
    text = next(q for q in _results(client_for(town.committee), survey).json["questions"] if q["kind"] == "text")
    assert text["answered"] == 25 and len(text["texts"]) == 20


def test_someone_who_answered_hears_so_whatever_they_send(town, new_survey, answer):
    survey = new_survey()
    assert answer(town.residents[0], survey).status_code == 201
    again = answer(town.residents[0], survey, [{"question_id": 2**30, "option": 7}])
    assert again.status_code == 409 and again.json["code"] == "already_responded"
