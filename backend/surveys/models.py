"""Surveys, their questions, the roll (THAT someone answered) and the responses (WHAT was answered).

Anonymous surveys keep answers unlinkable from respondents as secret ballots do (backend/voting/models.py):
`survey_roll` and `survey_responses` / `survey_answers` share nothing but the survey id. Responses and answers
have random primary keys (neither ids nor row order follow the order of answering) and no timestamp.
Named surveys additionally record the respondent on the response (`respondent_id`), so people see and
download their own answers.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.core.states import Machine
from backend.extensions import db

KINDS = ("single", "multiple", "scale", "text", "ranking")
CHOICE_KINDS = ("single", "multiple", "ranking")  # questions with labelled options
ELIGIBILITIES = ("verified", "household", "grid")
STATUSES = ("draft", "open", "closed")
SCALE = (1, 5)

SURVEY_STATES = Machine(
    "survey", {"open": ("draft", "open"), "close": ("open", "closed")}, noun=("这份问卷", "The survey")
)


def random_id() -> int:
    """A random positive 63-bit id: ids and storage order say nothing about when an answer came."""
    return secrets.randbits(63) or 1


def random_small_id() -> int:
    """A random id below 2^31: an answer's id is a moderation target id (INTEGER columns in moderation, flags).
    At that size two answers may draw the same id; the service draws again (services._add_answers)."""
    return secrets.randbelow(2**31 - 1) + 1


# On SQLite an INTEGER primary key *is* the rowid, so there is no hidden sequential rowid either.
RANDOM_KEY = BigInteger().with_variant(Integer, "sqlite")


class Survey(db.Model):
    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status_known"),
        CheckConstraint("eligibility IN ('verified', 'household', 'grid')", name="eligibility_known"),
        CheckConstraint("response_count >= 0", name="response_count_positive"),
        Index("ix_surveys_community_id_id", "community_id", "id"),
        Index("ix_surveys_status_closes_at", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    eligibility: Mapped[str] = mapped_column(String(10), default="verified")
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    results_public: Mapped[bool] = mapped_column(Boolean, default=False)
    # A draft with opens_at opens by itself then (read as open at once; the close-surveys job writes it down).
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Respondents (or households) on the roll, bumped by the conditional UPDATE that admits a response.
    response_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the committee made of the result (owned by projects and voting: no cross-domain FK).
    project_id: Mapped[int | None] = mapped_column(Integer)
    poll_id: Mapped[int | None] = mapped_column(Integer)

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", order_by="SurveyQuestion.position", cascade="all, delete-orphan", lazy="selectin"
    )

    def status_at(self, now: datetime) -> str:
        """draft / open / closed: what people see (open from opens_at, closed as soon as closes_at has passed)."""
        if self.status == "closed":
            return "closed"
        started = self.status == "open" or (self.opens_at is not None and self.opens_at <= now)
        if not started:
            return "draft"
        return "closed" if self.closes_at is not None and now >= self.closes_at else "open"

    @classmethod
    def started(cls, now: datetime):
        """SQL: opened by the committee, or a draft whose opens_at has come (status_at in SQL)."""
        return (cls.status == "open") | ((cls.status == "draft") & cls.opens_at.is_not(None) & (cls.opens_at <= now))

    @classmethod
    def not_ended(cls, now: datetime):
        return cls.closes_at.is_(None) | (cls.closes_at > now)

    @classmethod
    def status_is(cls, status: str, now: datetime):
        """SQL: the rows whose status_at(now) is `status`."""
        if status == "draft":
            return (cls.status == "draft") & (cls.opens_at.is_(None) | (cls.opens_at > now))
        if status == "open":
            return cls.started(now) & cls.not_ended(now)
        return (cls.status == "closed") | (cls.started(now) & ~cls.not_ended(now))


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (
        UniqueConstraint("survey_id", "position"),
        CheckConstraint("kind IN ('single', 'multiple', 'scale', 'text', 'ranking')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(String(300))
    is_required: Mapped[bool] = mapped_column(Boolean, default=True)
    # The labels of single, multiple and ranking questions; an answer names options by their index.
    options: Mapped[list] = mapped_column(JSON, default=list)
    max_choices: Mapped[int | None] = mapped_column(Integer)  # multiple choice only

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyRollEntry(db.Model):
    """THAT someone (or a household) answered: the UNIQUE (survey_id, respondent_key) is the one-response rule."""

    __tablename__ = "survey_roll"
    __table_args__ = (
        UniqueConstraint("survey_id", "respondent_key"),
        Index("ix_survey_roll_user_id_survey_id", "user_id", "survey_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    # "u<user id>" or "h<household id>" according to the survey's eligibility.
    respondent_key: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyResponse(db.Model):
    """WHAT one respondent answered, as a whole. Nothing here points at the roll; no timestamp."""

    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_survey_id", "survey_id"),)

    id: Mapped[int] = mapped_column(RANDOM_KEY, primary_key=True, autoincrement=False, default=random_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    # Named surveys only: who answered. Always NULL on anonymous surveys.
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)


class SurveyAnswer(db.Model):
    """One question's answer within a response. Text answers can be flagged and hidden (target `survey_answer`)."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id"),
        Index("ix_survey_answers_survey_id_question_id", "survey_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, default=random_small_id)
    response_id: Mapped[int] = mapped_column(
        RANDOM_KEY, ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    # single: an option index; multiple and ranking: a list of option indexes; scale: 1..5; text: NULL.
    choice: Mapped[int | list | None] = mapped_column(JSON(none_as_null=True))
    text: Mapped[str | None] = mapped_column(Text)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Named surveys only (as on the response): whom moderation tells when it hides a text answer.
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
