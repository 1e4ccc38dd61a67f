"""Surveys (问卷): the committee writes a survey of several questions, opens and closes it; eligible residents
answer once (per person or per household); results per question, free-text answers (moderated), a CSV
without personal data, and one step from a result to a project draft or a poll.

Guarantees and where they come from:

- one response per person (or household): the UNIQUE (survey_id, respondent_key) of the roll, inserted in a
  SAVEPOINT; the loser of a race gets 409 ``already_responded``;
- no response outside the window: the same transaction admits it with a conditional
  ``UPDATE surveys SET response_count = response_count + 1 WHERE status = 'open' AND closes_at > now``, which
  also serialises responses against closing (closing flips ``status`` first);
- anonymous surveys: roll and responses share nothing but the survey id (models.py); a response's answers
  carry random keys and no time.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from backend.audit import services as audit
from backend.communities import access
from backend.communities import services as communities
from backend.communities.eligibility import eligible_count, participant_key, participation_problem
from backend.core import actors, unlinkable
from backend.core.db import after_commit, utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, register_messages
from backend.core.i18n import DEFAULT_LOCALE
from backend.core.pagination import Page, SortKey, paginate
from backend.core.spreadsheet import defuse
from backend.extensions import db
from backend.moderation import services as moderation
from backend.notifications.services import notify
from backend.projects import services as projects
from backend.surveys.models import (
    CHOICE_KINDS,
    SCALE,
    SURVEY_STATES,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRollEntry,
)
from backend.voting import services as voting

register_messages(
    "survey",
    {
        "not_open": {
            "zh-CN": ("问卷未开放", "这份问卷尚未开放或已经结束。"),
            "en": ("Survey not open", "This survey is not open for answers (not yet, or no longer)."),
        },
        "results_not_ready": {
            "zh-CN": ("结果尚未公布", "问卷结束后才公布结果。"),
            "en": ("Results not published yet", "The results are published once the survey closes."),
        },
        "not_editable": {
            "zh-CN": ("不能修改", "问卷开放后就不能再修改问题了。"),
            "en": ("Cannot be edited", "A survey's questions cannot change once it has opened."),
        },
        "already_converted": {
            "zh-CN": ("已经转换过", "这份问卷的结果已经转成过{into}了。"),
            "en": ("Already converted", "This survey's result has already become a {into}."),
        },
        "not_closed": {
            "zh-CN": ("问卷尚未结束", "问卷结束后才能把结果转成项目草稿或投票。"),
            "en": ("Survey still open", "A survey's result becomes a project draft or a poll once it has closed."),
        },
    },
)

ACTIONS = ("answer", "edit", "open", "close", "see_results", "export", "convert")
ANSWER_FIELD = {"single": "option", "multiple": "options", "scale": "scale", "text": "text", "ranking": "ranking"}
POLL_METHOD = {"single": "single", "multiple": "approval", "ranking": "ranked"}
TEXT_SAMPLES = 20  # free-text answers shown with the results; the rest page through list_text_answers


# --- reading -------------------------------------------------------------------------------------


def _survey_or_404(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise NotFound()
    return survey


def can_see(actor, survey: Survey) -> bool:
    """Open and closed surveys are public (as polls are); drafts are the committee's."""
    return survey.status_at(utcnow()) != "draft" or access.is_committee(actor, survey.community_id)


def _visible_survey(actor, survey_id: int) -> Survey:
    survey = _survey_or_404(survey_id)
    if not can_see(actor, survey):
        raise NotFound()
    return survey


def _results_visible(actor, survey: Survey, status: str) -> bool:
    if status == "draft":
        return False
    return access.is_committee(actor, survey.community_id) or (survey.results_public and status == "closed")


def present(actor, surveys: list[Survey], *, detail: bool = False) -> list[Survey]:
    """What this viewer sees besides the columns: the status now, `answered` (None where they may not answer),
    and on a survey's page `my_response`, why they may not answer, and `can`."""
    now = utcnow()
    for survey in surveys:
        survey.status_now = survey.status_at(now)
        survey.answered, survey.not_eligible_reason, survey.my_response = None, None, None
    if any(s.status != s.status_now for s in surveys):
        after_commit(_enqueue_close_due_surveys)  # a read writes nothing: the job writes the close down
    if not surveys:
        return surveys
    member = access.membership(actor, surveys[0].community_id) if actors.is_signed_in(actor) else None
    committee = member is not None and member.is_committee
    answerable = []
    for survey in surveys:
        survey.not_eligible_reason = (
            participation_problem(member, survey) if actors.is_signed_in(actor) else "not_signed_in"
        )
        if survey.not_eligible_reason is None:
            answerable.append(survey)
    keys = {(s.id, participant_key(member, s)) for s in answerable}
    on_roll = {}
    if keys:
        rows = db.session.execute(
            select(SurveyRollEntry.survey_id, SurveyRollEntry.respondent_key, SurveyRollEntry.answered_at).where(
                SurveyRollEntry.survey_id.in_([s.id for s in answerable]),
                SurveyRollEntry.respondent_key.in_({key for _, key in keys}),
            )
        )
        on_roll = {(survey_id, key): at for survey_id, key, at in rows}
    for survey in answerable:
        answered_at = on_roll.get((survey.id, participant_key(member, survey)))
        survey.answered = answered_at is not None
        if detail and answered_at is not None:
            survey.my_response = {"answered_at": answered_at, "answers": _my_answers(actor, survey)}
    for survey in surveys:
        survey.can = abilities(actor, survey, committee=committee)
    return surveys


def abilities(actor, survey: Survey, *, committee: bool) -> dict[str, bool]:
    """`can` of a presented survey (its status now, the viewer's eligibility and `answered` attached)."""
    status = survey.status_now
    results = committee or (survey.results_public and status == "closed")
    return {
        "answer": survey.not_eligible_reason is None and status == "open" and survey.answered is False,
        "edit": committee and status == "draft",
        "open": committee and status == "draft",
        "close": committee and status == "open",
        "see_results": results and status != "draft",
        "export": committee and status != "draft",
        "convert": committee and status == "closed",
    }


def _my_answers(actor, survey: Survey) -> list[dict] | None:
    """A named survey's respondent sees what they answered; an anonymous survey's answers are nobody's."""
    if survey.is_anonymous:
        return None
    response_id = db.session.scalar(
        select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id, SurveyResponse.respondent_id == actor.id)
    )
    if response_id is None:
        return None
    rows = db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.choice, SurveyAnswer.text).where(
            SurveyAnswer.response_id == response_id
        )
    )
    return [{"question_id": qid, "choice": choice, "text": text} for qid, choice, text in rows]


def get_survey(actor, survey_id: int) -> Survey:
    return present(actor, [_visible_survey(actor, survey_id)], detail=True)[0]


def list_surveys(actor, community_id: int, *, status: str | None, limit: int, cursor: str | None) -> Page:
    """A community's surveys, newest first; drafts only for its committee."""
    communities.get_community(community_id)
    now = utcnow()
    stmt = select(Survey).where(Survey.community_id == community_id)
    if not access.is_committee(actor, community_id):
        stmt = stmt.where(~Survey.status_is("draft", now))
    if status:
        stmt = stmt.where(Survey.status_is(status, now))
    page = paginate(stmt, [SortKey(Survey.id, descending=True)], limit=limit, cursor=cursor)
    present(actor, page.items)
    return page


def _enqueue_close_due_surveys() -> None:
    from backend.jobs import enqueue

    enqueue(close_due_surveys)


# --- writing the survey --------------------------------------------------------------------------


def _check_questions(questions: list[dict]) -> None:
    """:raises ValidationFailed: a question that cannot be answered as written"""
    errors: dict[str, list[str]] = {}

    def error(message: str) -> None:
        errors.setdefault("questions", []).append(message)

    if not questions:
        error("give at least one question")
    for number, question in enumerate(questions, start=1):
        kind, options = question["kind"], question.get("options") or []
        if kind in CHOICE_KINDS:
            labels = [label.strip() for label in options]
            if len(labels) < 2:
                error(f"question {number}: give at least two options")
            if any(not label for label in labels):
                error(f"question {number}: an option is empty")
            if len(set(labels)) != len(labels):
                error(f"question {number}: options must differ")
        elif options:
            error(f"question {number}: options are for single, multiple and ranking questions")
        max_choices = question.get("max_choices")
        if max_choices is not None and (kind != "multiple" or max_choices > len(options)):
            error(f"question {number}: max_choices is for multiple choice, at most the number of options")
        if not question["prompt"].strip():
            error(f"question {number}: the question is empty")
    if errors:
        raise ValidationFailed(errors)


def _check_settings(community_id: int, fields: dict) -> None:
    errors: dict[str, list[str]] = {}
    if "title" in fields and not fields["title"].strip():
        errors["title"] = ["must not be empty"]
    if fields.get("eligibility") == "grid" and fields.get("grid_id") is None:
        errors["grid_id"] = ["required when eligibility is grid"]
    elif fields.get("eligibility") not in (None, "grid") and fields.get("grid_id") is not None:
        errors["grid_id"] = ["only for eligibility grid"]
    if fields.get("closes_at") is not None and fields["closes_at"] <= utcnow():
        errors["closes_at"] = ["must be in the future"]
    elif fields.get("opens_at") and fields.get("closes_at") and fields["closes_at"] <= fields["opens_at"]:
        errors["closes_at"] = ["must be after opens_at"]
    if errors:
        raise ValidationFailed(errors)
    communities.grid_in_community(community_id, fields.get("grid_id"))


def _set_questions(survey: Survey, questions: list[dict]) -> None:
    survey.questions.clear()
    db.session.flush()  # the old rows go before the new take their positions (UNIQUE survey_id, position)
    for position, question in enumerate(questions):
        kind = question["kind"]
        survey.questions.append(
            SurveyQuestion(
                position=position,
                kind=kind,
                prompt=question["prompt"].strip(),
                is_required=question.get("required", True),
                options=[label.strip() for label in question.get("options") or []] if kind in CHOICE_KINDS else [],
                max_choices=question.get("max_choices") if kind == "multiple" else None,
            )
        )


def create_survey(
    actor,
    community_id: int,
    *,
    title: str,
    questions: list[dict],
    description: str = "",
    eligibility: str = "verified",
    grid_id: int | None = None,
    anonymous: bool = True,
    results_public: bool = False,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> Survey:
    """The committee writes a survey (a draft: nobody else sees it until it opens).

    :raises ValidationFailed: empty title, questions that cannot be answered, a grid of another community
    """
    communities.get_community(community_id)
    access.require_committee(actor, community_id)
    fields = {
        "title": title,
        "eligibility": eligibility,
        "grid_id": grid_id,
        "opens_at": opens_at,
        "closes_at": closes_at,
    }
    _check_settings(community_id, fields)
    _check_questions(questions)
    survey = Survey(
        community_id=community_id,
        title=title.strip(),
        description=(description or "").strip(),
        eligibility=eligibility,
        grid_id=grid_id,
        is_anonymous=anonymous,
        results_public=results_public,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by_id=actor.id,
        status="draft",
    )
    db.session.add(survey)
    _set_questions(survey, questions)
    db.session.flush()
    audit.record(actor, "survey.create", "survey", survey.id, community_id=community_id, after={"title": survey.title})
    return survey


SETTINGS = ("title", "description", "eligibility", "grid_id", "anonymous", "results_public", "opens_at", "closes_at")


def update_survey(actor, survey_id: int, changes: dict) -> Survey:
    """The committee edits a draft: settings and the whole list of questions; once open, only closes_at and
    results_public (a survey's questions never change under its respondents).

    :raises Conflict: ``survey.not_editable``
    """
    survey = _survey_or_404(survey_id)
    access.require_committee(actor, survey.community_id)
    status = survey.status_at(utcnow())
    late = set(changes) - {"closes_at", "results_public"}
    if status == "closed" or (status == "open" and late):
        raise Conflict("survey.not_editable")
    merged = {
        "title": changes.get("title", survey.title),
        "eligibility": changes.get("eligibility", survey.eligibility),
        "grid_id": changes.get("grid_id", survey.grid_id),
        "opens_at": changes.get("opens_at", survey.opens_at),
        "closes_at": changes.get("closes_at"),
    }
    if changes.get("eligibility") not in (None, "grid") and "grid_id" not in changes:
        merged["grid_id"] = None
    _check_settings(survey.community_id, merged)
    if "questions" in changes:
        _check_questions(changes["questions"])
        _set_questions(survey, changes["questions"])
    for name in SETTINGS:
        if name in changes:
            value = changes[name]
            setattr(
                survey,
                "is_anonymous" if name == "anonymous" else name,
                value.strip()
                if name
                in (
                    "title",
                    "description",
                )
                else value,
            )
    survey.grid_id = merged["grid_id"]
    db.session.flush()
    return get_survey(actor, survey.id)


def open_survey(actor, survey_id: int) -> Survey:
    """The committee opens a draft for answers.

    :raises Conflict: ``survey.invalid_transition``; ``validation_failed`` if closes_at has passed meanwhile
    """
    survey = _survey_or_404(survey_id)
    access.require_committee(actor, survey.community_id)
    if survey.closes_at is not None and survey.closes_at <= utcnow():
        raise ValidationFailed({"closes_at": ["must be in the future"]})
    now_status = survey.status_at(utcnow())
    if now_status != survey.status:  # a draft whose opens_at has come is open already
        raise SURVEY_STATES.refuse(now_status, "open")
    before, after = SURVEY_STATES.move(survey, "open")
    survey.opened_at = utcnow()
    db.session.flush()
    _tell_survey_opened(survey, exclude=[actor.id])
    audit.record(
        actor,
        "survey.open",
        "survey",
        survey.id,
        community_id=survey.community_id,
        before={"status": before},
        after={"status": after},
    )
    return get_survey(actor, survey.id)


def _close(survey_id: int) -> bool:
    """Flip an open survey (or a draft whose opens_at has come) to closed; no response is admitted after this
    (conditional UPDATE: the same condition admits responses). The winner of the flip rewrites an anonymous
    survey's answers in random order."""
    closed = db.session.execute(
        update(Survey)
        .where(Survey.id == survey_id, Survey.started(utcnow()))
        .values(status=SURVEY_STATES.target("close"), closed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if closed and db.session.scalar(select(Survey.is_anonymous).where(Survey.id == survey_id)):
        # Anonymous answers leave no trace of their order in the files, as secret ballots (issue 15).
        responses, answers = SurveyResponse.__table__, SurveyAnswer.__table__
        unlinkable.rewrite_in_random_order(
            [(responses, responses.c.survey_id == survey_id), (answers, answers.c.survey_id == survey_id)]
        )
        unlinkable.compact_storage_after_commit(responses.name, answers.name)
    return bool(closed)


def close_survey(actor, survey_id: int) -> Survey:
    """The committee closes an open survey (before its closes_at, or one the job has not closed yet).

    :raises Conflict: ``survey.invalid_transition``
    """
    survey = _survey_or_404(survey_id)
    access.require_committee(actor, survey.community_id)
    if not _close(survey.id):
        raise SURVEY_STATES.refuse(survey.status_at(utcnow()), "close")
    db.session.refresh(survey)
    audit.record(
        actor,
        "survey.close",
        "survey",
        survey.id,
        community_id=survey.community_id,
        before={"status": "open"},
        after={"status": "closed"},
    )
    return get_survey(actor, survey.id)


def _tell_survey_opened(survey: Survey, *, exclude=()) -> None:
    """Tell the members who may answer (the survey's grid only, for a grid survey) that it is open; each
    person's preferences for survey_opened decide inbox and push."""
    recipients = communities.community_member_ids(
        survey.community_id, grid_ids=[survey.grid_id] if survey.eligibility == "grid" else None
    )
    context = {"survey_id": survey.id, "survey_title": survey.title}
    if survey.closes_at is not None:
        context["closes_at"] = survey.closes_at.isoformat()
    notify(recipients, "survey_opened", context, community_id=survey.community_id, exclude=exclude)


def close_due_surveys() -> int:
    """Job `close-surveys`: write down what the clock already decided: drafts whose opens_at has come are open
    (and their members are told, once: the conditional UPDATE that writes it down is claimed by one run),
    surveys whose closes_at has passed are closed. Returns how many were closed."""
    now = utcnow()
    due_to_open = list(
        db.session.scalars(
            select(Survey.id).where(
                Survey.status == "draft", Survey.opens_at.is_not(None), Survey.opens_at <= now, Survey.not_ended(now)
            )
        )
    )
    for survey_id in due_to_open:
        opened = db.session.execute(
            update(Survey)
            .where(Survey.id == survey_id, Survey.status == "draft")
            .values(status="open", opened_at=Survey.opens_at)
            .execution_options(synchronize_session=False)
        ).rowcount
        if opened:
            survey = db.session.get(Survey, survey_id)
            _tell_survey_opened(survey, exclude=[survey.created_by_id])  # its writer knows
    due = list(db.session.scalars(select(Survey.id).where(Survey.status_is("closed", now), Survey.status != "closed")))
    return sum(_close(survey_id) for survey_id in due)


# --- answering -----------------------------------------------------------------------------------


def _checked_answer(question: SurveyQuestion, answer: dict) -> tuple[object, str | None] | None:
    """(choice, text) of one answer, or None for an optional question left blank.

    :raises ValueError: with the message for the person
    """
    field = ANSWER_FIELD[question.kind]
    stray = [name for name in ANSWER_FIELD.values() if name != field and answer.get(name) is not None]
    if stray:
        raise ValueError(f"{', '.join(stray)} not used by a {question.kind} question (answer with {field})")
    value = answer.get(field)
    if value is None or value == [] or (question.kind == "text" and not value.strip()):
        if question.is_required:
            raise ValueError("this question needs an answer")
        return None
    count = len(question.options)
    if question.kind == "single":
        if not 0 <= value < count:
            raise ValueError("not an option of this question")
        return value, None
    if question.kind == "scale":
        if not SCALE[0] <= value <= SCALE[1]:
            raise ValueError(f"from {SCALE[0]} to {SCALE[1]}")
        return value, None
    if question.kind == "text":
        return None, value.strip()
    if len(set(value)) != len(value):
        raise ValueError("an option appears twice")
    if any(not 0 <= index < count for index in value):
        raise ValueError("not an option of this question")
    if question.kind == "ranking":
        if len(value) != count:
            raise ValueError("rank every option")
        return list(value), None
    if question.max_choices is not None and len(value) > question.max_choices:
        raise ValueError(f"at most {question.max_choices} choices")
    return sorted(value), None


def _checked_answers(survey: Survey, answers: list[dict]) -> dict[int, tuple[object, str | None]]:
    """{question_id: (choice, text)} of a response checked against the survey's questions.

    :raises ValidationFailed: keyed ``answers.<question_id>`` (``answers`` for unknown or repeated questions)
    """
    by_id = {question.id: question for question in survey.questions}
    errors: dict[str, list[str]] = {}
    given: dict[int, dict] = {}
    for answer in answers:
        qid = answer["question_id"]
        if qid not in by_id:
            errors.setdefault("answers", []).append(f"question {qid} is not in this survey")
        elif qid in given:
            errors.setdefault("answers", []).append(f"question {qid} answered twice")
        else:
            given[qid] = answer
    checked = {}
    for qid, question in by_id.items():
        try:
            value = _checked_answer(question, given.get(qid, {}))
        except ValueError as problem:
            errors[f"answers.{qid}"] = [str(problem)]
            continue
        if value is not None:
            checked[qid] = value
    if errors:
        raise ValidationFailed(errors)
    if not checked:
        raise ValidationFailed({"answers": ["answer at least one question"]})
    return checked


def _not_open_reason(survey: Survey, now: datetime) -> str:
    return "closed" if survey.status_at(now) == "closed" or survey.status == "open" else "not_yet_open"


def _admit(survey: Survey, now: datetime) -> None:
    """:raises Conflict: ``survey.not_open`` (the survey closed, or was never opened)"""
    admitted = db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id, Survey.started(now), Survey.not_ended(now))
        .values(response_count=Survey.response_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not admitted:
        raise Conflict("survey.not_open", reason=_not_open_reason(survey, now))


ID_DRAWS = 5


def _add_answers(response: SurveyResponse, checked: dict, respondent_id: int | None) -> list[SurveyAnswer]:
    """Insert a response's answers under random ids below 2^31, drawing again if one is taken (rare: the
    savepoint's IntegrityError can only be the primary key, the rest was checked)."""
    for _draw in range(ID_DRAWS):
        rows = [
            SurveyAnswer(
                response_id=response.id,
                survey_id=response.survey_id,
                question_id=qid,
                choice=choice,
                text=text,
                respondent_id=respondent_id,
            )
            for qid, (choice, text) in checked.items()
        ]
        try:
            with db.session.begin_nested():
                db.session.add_all(rows)
                db.session.flush()
            return rows
        except IntegrityError:
            continue
    raise Conflict("conflict")


def submit_response(actor, survey_id: int, answers: list[dict]) -> Survey:
    """An eligible resident answers, once (per household where the survey says so).

    :raises NotFound: a draft (for anyone but the committee)
    :raises Forbidden: ``not_eligible`` with a reason
    :raises ValidationFailed: a required question unanswered, an unknown option, a field of another kind
    :raises Conflict: ``survey.not_open``, ``already_responded``
    """
    survey = _visible_survey(actor, survey_id)
    access.require_user(actor)
    member = access.membership(actor, survey.community_id)
    problem = participation_problem(member, survey)
    if problem:
        raise Forbidden("not_eligible", reason=problem)
    now = utcnow()
    if survey.status_at(now) != "open":
        raise Conflict("survey.not_open", reason=_not_open_reason(survey, now))
    key = participant_key(member, survey)
    # Said before the answers are checked (someone who answered has nothing to fix); the UNIQUE roll decides races.
    if db.session.scalar(
        select(SurveyRollEntry.id).where(SurveyRollEntry.survey_id == survey.id, SurveyRollEntry.respondent_key == key)
    ):
        raise Conflict("already_responded")
    checked = _checked_answers(survey, answers)
    try:
        with db.session.begin_nested():
            _admit(survey, now)
            db.session.add(
                SurveyRollEntry(
                    survey_id=survey.id,
                    respondent_key=key,
                    user_id=actor.id,
                    answered_at=now,
                )
            )
            db.session.flush()
    except IntegrityError:
        raise Conflict("already_responded") from None
    respondent_id = None if survey.is_anonymous else actor.id
    response = SurveyResponse(survey_id=survey.id, respondent_id=respondent_id)
    db.session.add(response)
    db.session.flush()
    rows = _add_answers(response, checked, respondent_id)
    for row in rows:
        if row.text:
            moderation.hold_if_filtered("survey_answer", row, row.text)
    db.session.expire(survey, ["response_count"])
    return get_survey(actor, survey.id)


# --- results -------------------------------------------------------------------------------------


def _require_results(actor, survey: Survey) -> str:
    """The survey's status now, if this viewer may see its results.

    :raises Forbidden: ``forbidden`` reason ``results_private`` (only the committee sees them)
    :raises Conflict: ``survey.results_not_ready`` (public results, survey still open)
    """
    status = survey.status_at(utcnow())
    if _results_visible(actor, survey, status):
        return status
    if survey.results_public and status != "draft":
        raise Conflict("survey.results_not_ready")
    raise Forbidden(reason="results_private")


def get_results(actor, survey_id: int) -> dict:
    """Counts per question (options, the 1-5 scale, ranking points), free-text samples; the committee sees them
    live, everyone else once closed and only where the survey made its results public."""
    survey = _visible_survey(actor, survey_id)
    status = _require_results(actor, survey)
    committee = access.is_committee(actor, survey.community_id)
    eligible = eligible_count(survey)
    # One statement for every choice and a count of the text answers, one for the text samples of every text
    # question: the cost of the results does not grow with the number of questions.
    answers = db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.choice, SurveyAnswer.text.is_not(None)).where(
            SurveyAnswer.survey_id == survey.id
        )
    ).all()
    by_question: dict[int, list] = {}
    text_counts: dict[int, int] = {}
    for qid, choice, is_text in answers:
        if is_text:
            text_counts[qid] = text_counts.get(qid, 0) + 1
        else:
            by_question.setdefault(qid, []).append(choice)
    samples = _text_samples(survey.id, committee) if text_counts else {}
    questions = []
    for question in survey.questions:
        summary = {
            "id": question.id,
            "position": question.position,
            "kind": question.kind,
            "prompt": question.prompt,
            "required": question.is_required,
        }
        if question.kind == "text":
            summary["answered"] = text_counts.get(question.id, 0)
            summary["texts"] = samples.get(question.id, [])
        else:
            summary.update(_tally(question, by_question.get(question.id, [])))
        questions.append(summary)
    responses = survey.response_count
    return {
        "survey_id": survey.id,
        "status": status,
        "live": status != "closed",
        "responses": responses,
        "eligible": eligible,
        "turnout": round(responses / eligible, 4) if eligible else None,
        "questions": questions,
    }


def _text_samples(survey_id: int, committee: bool) -> dict[int, list[dict]]:
    """The first TEXT_SAMPLES text answers of each text question (in random key order), in one statement."""
    conditions = [SurveyAnswer.survey_id == survey_id, SurveyAnswer.text.is_not(None)]
    if not committee:
        conditions.append(SurveyAnswer.is_hidden.is_(False))
    place = func.row_number().over(partition_by=SurveyAnswer.question_id, order_by=SurveyAnswer.id).label("place")
    ranked = (
        select(SurveyAnswer.id, SurveyAnswer.question_id, SurveyAnswer.text, SurveyAnswer.is_hidden, place)
        .where(*conditions)
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.id, ranked.c.question_id, ranked.c.text, ranked.c.is_hidden)
        .where(ranked.c.place <= TEXT_SAMPLES)
        .order_by(ranked.c.question_id, ranked.c.id)
    )
    samples: dict[int, list[dict]] = {}
    for answer_id, qid, text, hidden in rows:
        samples.setdefault(qid, []).append({"id": answer_id, "text": text, "is_hidden": hidden})
    return samples


def _share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def _tally(question: SurveyQuestion, choices: list) -> dict:
    """One question's counts from its answers (pure: choices as stored)."""
    answered = len(choices)
    if question.kind == "scale":
        counts = [sum(1 for c in choices if c == value) for value in range(SCALE[0], SCALE[1] + 1)]
        mean = round(sum(choices) / answered, 2) if answered else None
        return {
            "answered": answered,
            "mean": mean,
            "scale": [
                {"value": v, "count": n, "share": _share(n, answered)} for v, n in zip(range(1, 6), counts, strict=True)
            ],
        }
    options = question.options
    if question.kind == "ranking":
        # Borda: first of n places earns n-1 points, last 0; mean rank 1 = always first.
        points, ranks = [0] * len(options), [0] * len(options)
        for ranking in choices:
            for place, index in enumerate(ranking):
                points[index] += len(options) - 1 - place
                ranks[index] += place + 1
        return {
            "answered": answered,
            "options": [
                {
                    "index": i,
                    "label": label,
                    "count": sum(1 for r in choices if r and r[0] == i),
                    "points": points[i],
                    "mean_rank": round(ranks[i] / answered, 2) if answered else None,
                    "share": None,
                }
                for i, label in enumerate(options)
            ],
        }
    picked = [[c] if question.kind == "single" else c for c in choices]
    counts = [sum(1 for chosen in picked if i in chosen) for i in range(len(options))]
    return {
        "answered": answered,
        "options": [
            {
                "index": i,
                "label": label,
                "count": counts[i],
                "share": _share(counts[i], answered),
                "points": None,
                "mean_rank": None,
            }
            for i, label in enumerate(options)
        ],
    }


def _text_page(actor, survey: Survey, question_id: int, committee: bool, *, limit: int, cursor: str | None = None):
    stmt = select(SurveyAnswer).where(
        SurveyAnswer.survey_id == survey.id, SurveyAnswer.question_id == question_id, SurveyAnswer.text.is_not(None)
    )
    if not committee:
        stmt = stmt.where(SurveyAnswer.is_hidden.is_(False))
    # Random ids: this order says nothing about when the answers came.
    return paginate(stmt, [SortKey(SurveyAnswer.id)], limit=limit, cursor=cursor)


def list_text_answers(actor, survey_id: int, *, question_id: int, limit: int, cursor: str | None) -> Page:
    """A text question's answers (hidden ones only for the committee, marked), to read and flag.

    :raises NotFound: a question of another survey, or not a text question
    """
    survey = _visible_survey(actor, survey_id)
    _require_results(actor, survey)
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None or question.kind != "text":
        raise NotFound()
    return _text_page(
        actor, survey, question_id, access.is_committee(actor, survey.community_id), limit=limit, cursor=cursor
    )


def text_answer_visible(actor, answer: SurveyAnswer) -> bool:
    """The targets registry's rule for a text answer: who may see its survey's results sees it."""
    survey = db.session.get(Survey, answer.survey_id)
    return (
        survey is not None and answer.text is not None and _results_visible(actor, survey, survey.status_at(utcnow()))
    )


def export_csv(actor, survey_id: int, locale: str = DEFAULT_LOCALE) -> tuple[str, str]:
    """(filename, CSV text): one row per response in random order, one column per question; no respondent, no
    time (nothing personal); hidden text answers left out; every cell defused against spreadsheet formulas.
    Audited: it is the committee's copy of every answer.
    """
    survey = _survey_or_404(survey_id)
    access.require_committee(actor, survey.community_id)
    if survey.status_at(utcnow()) == "draft":
        raise Conflict("survey.not_open", reason="not_yet_open")
    questions = survey.questions
    out = io.StringIO()
    out.write("\ufeff")  # BOM: spreadsheet programs then read Chinese as UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["response"] + [defuse(f"Q{q.position + 1} {q.prompt}") for q in questions])
    rows: dict[int, dict[int, str]] = {}
    answers = db.session.execute(
        select(
            SurveyAnswer.response_id,
            SurveyAnswer.question_id,
            SurveyAnswer.choice,
            SurveyAnswer.text,
            SurveyAnswer.is_hidden,
        ).where(SurveyAnswer.survey_id == survey.id)
    )
    by_id = {q.id: q for q in questions}
    for response_id, qid, choice, text, hidden in answers:
        rows.setdefault(response_id, {})[qid] = _cell(by_id[qid], choice, text, hidden, locale)
    for number, response_id in enumerate(sorted(rows), start=1):
        cells = rows[response_id]
        writer.writerow([number] + [defuse(cells.get(q.id, "")) for q in questions])
    # A read writes nothing itself: the audit entry of this copy of every answer is written by a job after it.
    reader, responses = actor.id, len(rows)
    after_commit(lambda: _enqueue_export_audit(reader, survey.id, survey.community_id, responses))
    return f"survey-{survey.id}.csv", out.getvalue()


def _enqueue_export_audit(reader_id: int, survey_id: int, community_id: int, responses: int) -> None:
    from backend.jobs import enqueue

    enqueue(record_export, reader_id, survey_id, community_id, responses)


class _Reader:
    """The reader by id, for audit.record (a job has no user object)."""

    def __init__(self, user_id: int):
        self.id = user_id


def record_export(reader_id: int, survey_id: int, community_id: int, responses: int) -> None:
    """Job: the audit entry of one export of a survey's answers (who, which survey, how many responses)."""
    audit.record(
        _Reader(reader_id),
        "survey.export",
        "survey",
        survey_id,
        community_id=community_id,
        after={"responses": responses},
    )


HIDDEN_CELL = {"zh-CN": "（已隐藏）", "en": "(hidden)"}


def _cell(question: SurveyQuestion, choice, text, hidden: bool, locale: str) -> str:
    if question.kind == "text":
        return HIDDEN_CELL.get(locale, HIDDEN_CELL["en"]) if hidden else text or ""
    if question.kind == "scale":
        return str(choice)
    if question.kind == "single":
        return question.options[choice]
    separator = " > " if question.kind == "ranking" else "; "
    return separator.join(question.options[i] for i in choice)


# --- converting the result -----------------------------------------------------------------------

CONVERT_WORDS = {
    "zh-CN": {
        "project": "项目草稿",
        "poll": "投票",
        "from": "来自问卷“{title}”：{n} 份答卷。",
        "mean": "平均 {mean} 分",
    },
    "en": {
        "project": "project draft",
        "poll": "poll",
        "from": "From the survey “{title}”: {n} responses.",
        "mean": "mean {mean}",
    },
}


def _summary(survey: Survey, results: dict, locale: str) -> str:
    """The result in words, for the description of the project draft or poll made from it."""
    words = CONVERT_WORDS.get(locale, CONVERT_WORDS["en"])
    lines = [words["from"].format(title=survey.title, n=results["responses"])]
    for question in results["questions"]:
        if question["kind"] == "text":
            continue
        if question["kind"] == "scale":
            detail = words["mean"].format(mean=question["mean"]) if question["mean"] is not None else "—"
        else:
            key = "points" if question["kind"] == "ranking" else "count"
            best = sorted(question["options"], key=lambda o: -o[key])[:3]
            detail = ", ".join(f"{o['label']} ({o[key]})" for o in best)
        lines.append(f"{question['position'] + 1}. {question['prompt']}: {detail}")
    return "\n".join(lines)[:5000]


def _claim_conversion(survey: Survey, into: str, locale: str) -> None:
    """One project draft and one poll per survey, even when the committee taps twice at once.

    :raises Conflict: ``survey.already_converted``
    """
    column = Survey.project_id if into == "project" else Survey.poll_id
    claimed = db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id, column.is_(None))
        .values({column.key: 0})
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        words = CONVERT_WORDS.get(locale, CONVERT_WORDS["en"])
        raise Conflict("survey.already_converted", into=words[into])


def convert(actor, survey_id: int, *, into: str, locale: str = DEFAULT_LOCALE, **fields) -> dict:
    """The committee turns a closed survey's result into a project draft or a poll, through their services.

    :raises Conflict: ``survey.not_closed``, ``survey.already_converted``
    :raises ValidationFailed: a poll from a question without options, a bad poll window
    """
    survey = _survey_or_404(survey_id)
    access.require_committee(actor, survey.community_id)
    if survey.status_at(utcnow()) != "closed":
        raise Conflict("survey.not_closed")
    results = get_results(actor, survey.id)
    summary = _summary(survey, results, locale)
    if into == "project":
        made_id = _to_project(actor, survey, summary, fields, locale)
    else:
        made_id = _to_poll(actor, survey, summary, fields, locale)
    column = "project_id" if into == "project" else "poll_id"
    db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id)
        .values({column: made_id})
        .execution_options(synchronize_session=False)
    )
    db.session.expire(survey)
    audit.record(
        actor, f"survey.to_{into}", "survey", survey.id, community_id=survey.community_id, after={column: made_id}
    )
    return {"into": into, "id": made_id, "survey": get_survey(actor, survey.id)}


def _to_project(actor, survey: Survey, summary: str, fields: dict, locale: str) -> int:
    _claim_conversion(survey, "project", locale)
    project = projects.create_project(
        actor,
        survey.community_id,
        title=fields.get("title") or survey.title,
        category=fields.get("category") or "other",
        summary=(survey.description or "")[:300],
        body=summary,
        grid_id=survey.grid_id,
    )
    return project.id


def _to_poll(actor, survey: Survey, summary: str, fields: dict, locale: str) -> int:
    question = next((q for q in survey.questions if q.id == fields.get("question_id")), None)
    if question is None or question.kind not in POLL_METHOD:
        raise ValidationFailed({"question_id": ["a single, multiple or ranking question of this survey"]})
    errors = {name: ["required for a poll"] for name in ("opens_at", "closes_at") if fields.get(name) is None}
    if errors:
        raise ValidationFailed(errors)
    _claim_conversion(survey, "poll", locale)
    poll = voting.create_poll(
        actor,
        survey.community_id,
        title=(fields.get("title") or question.prompt)[:120],
        method=POLL_METHOD[question.kind],
        opens_at=fields["opens_at"],
        closes_at=fields["closes_at"],
        description=summary,
        options=[{"label": label[:200]} for label in question.options],
        eligibility=survey.eligibility,
        grid_id=survey.grid_id,
        secret=True,
    )
    return poll.id
