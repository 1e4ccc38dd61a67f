from datetime import UTC

import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.core.schemas import InputSchema, abilities_schema, text
from backend.voting.models import BUDGET_RULES, ELIGIBILITIES, METHODS
from backend.voting.services import ACTIONS
from backend.voting.tally import YES_NO_CHOICES

MAX_OPTIONS = 50
MAX_BUDGET_CENTS = 10**12


def _aware(**kwargs):
    return ma.fields.AwareDateTime(default_timezone=UTC, **kwargs)


class PollOptionInputSchema(InputSchema):
    label = text(200, min_length=1, load_default=None)
    project_id = ma.fields.Integer(load_default=None, allow_none=True)
    cost_cents = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(0, MAX_BUDGET_CENTS))


class PollCreateSchema(InputSchema):
    title = text(120, required=True, min_length=1)
    description = text(5000, load_default="")
    method = ma.fields.String(required=True, validate=ma.validate.OneOf(METHODS))
    budget_rule = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.OneOf(BUDGET_RULES))
    options = ma.fields.List(
        ma.fields.Nested(PollOptionInputSchema), load_default=list, validate=ma.validate.Length(max=MAX_OPTIONS)
    )
    opens_at = _aware(required=True)
    closes_at = _aware(required=True)
    eligibility = ma.fields.String(load_default="verified", validate=ma.validate.OneOf(ELIGIBILITIES))
    grid_id = ma.fields.Integer(load_default=None, allow_none=True)
    quorum = ma.fields.Float(load_default=0.0, allow_none=True, validate=ma.validate.Range(0, 1))
    pass_threshold = ma.fields.Float(
        load_default=0.5, allow_none=True, validate=ma.validate.Range(0, 1, min_inclusive=False, max_inclusive=False)
    )
    secret = ma.fields.Boolean(load_default=True)
    budget_cents = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(1, MAX_BUDGET_CENTS)
    )
    max_choices = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(1, MAX_OPTIONS))
    allow_revote = ma.fields.Boolean(load_default=False)
    # Beyond the contract rows of docs/api.md: the project a yes/no poll decides.
    project_id = ma.fields.Integer(load_default=None, allow_none=True)


class ChoicesInputSchema(InputSchema):
    """The choices of a ballot, one field per method; the service checks that they match the poll's method."""

    choice = ma.fields.String(validate=ma.validate.OneOf(YES_NO_CHOICES))
    option_id = ma.fields.Integer()
    option_ids = ma.fields.List(ma.fields.Integer(), validate=ma.validate.Length(max=MAX_OPTIONS))
    ranking = ma.fields.List(ma.fields.Integer(), validate=ma.validate.Length(min=1, max=MAX_OPTIONS))


class BallotInputSchema(ChoicesInputSchema):
    """One body for every method; the service checks that the fields match the poll's method."""

    # Optional: a receipt made by the client (offline casting on a poll without revoting).
    receipt = ma.fields.String(validate=[ma.validate.Length(min=22, max=64), ma.validate.Regexp(r"^[A-Za-z0-9_-]+$")])
    revote_key = ma.fields.String(
        validate=[ma.validate.Length(min=22, max=64), ma.validate.Regexp(r"^[A-Za-z0-9_-]+$")],
        metadata={
            "description": "the device's secret for this ballot (polls with allow_revote): the receipt is derived "
            "from it, and sending the same key again replaces the ballot; never send it with a receipt"
        },
    )


class PaperBallotInputSchema(ChoicesInputSchema):
    """A paper ballot recorded at a polling table: the voter, and the choices as in the app (no receipt or key:
    the server makes the receipt, to hand over on paper)."""

    voter_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))


class PollingTableArgsSchema(ma.Schema):
    q = text(100, load_default="", metadata={"description": "a household (3-1-101), a room, or part of a name"})


class PollingTableVoterSchema(ma.Schema):
    user = ma.fields.Nested(PublicUserSchema)
    household = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    not_eligible_reason = ma.fields.String(allow_none=True)
    voted = ma.fields.Boolean(metadata={"description": "on the roll already, through any channel"})


class PollingTableSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PollingTableVoterSchema))
    paper_to_count = ma.fields.Integer(metadata={"description": "paper ballots in the ballot box not counted yet"})


class BallotBoxInputSchema(InputSchema):
    """A voter at a polling table puts a sealed paper ballot in the ballot box, to be counted later."""

    voter_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))


class BallotBoxEntrySchema(ma.Schema):
    voter_id = ma.fields.Integer(metadata={"description": "on the roll now, through the paper channel"})
    paper_to_count = ma.fields.Integer(metadata={"description": "paper ballots in the ballot box not counted yet"})


class CountedPaperBallotSchema(ma.Schema):
    receipt = ma.fields.String(required=True, metadata={"description": "to write on the paper ballot, shown once"})
    receipt_hash = ma.fields.String(required=True, metadata={"description": "as listed in the recount file"})
    paper_to_count = ma.fields.Integer(metadata={"description": "paper ballots in the ballot box still to count"})


class BallotReceiptSchema(ma.Schema):
    receipt = ma.fields.String(required=True)
    receipt_hash = ma.fields.String(required=True)
    revoted = ma.fields.Boolean()
    revote_key = ma.fields.String(
        allow_none=True,
        metadata={"description": "made by the server when the client sent none (allow_revote): keep it, shown once"},
    )


class PollCloseSchema(InputSchema):
    reason = text(500, required=True, min_length=2)


class PollListArgsSchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(("upcoming", "open", "closed")))


class PollOptionSchema(ma.Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    label = ma.fields.String()
    project_id = ma.fields.Integer(allow_none=True)
    cost_cents = ma.fields.Integer(allow_none=True)


class PollTurnoutSchema(ma.Schema):
    voters = ma.fields.Integer()
    eligible = ma.fields.Integer()
    share = ma.fields.Float(allow_none=True)
    live = ma.fields.Boolean()


class MyPollBallotSchema(ma.Schema):
    voted = ma.fields.Boolean()
    voted_at = ma.fields.DateTime(allow_none=True)
    cast_by_me = ma.fields.Boolean()
    channel = ma.fields.String(metadata={"description": "app, or paper at a polling table"})
    # Public polls only (secret ballots cannot be found again without the receipt).
    choices = ma.fields.Dict(allow_none=True)
    receipt_hash = ma.fields.String(allow_none=True)


class PollSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    title = ma.fields.String()
    method = ma.fields.String()
    budget_rule = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    opens_at = ma.fields.DateTime()
    closes_at = ma.fields.DateTime()
    eligibility = ma.fields.String()
    grid_id = ma.fields.Integer(allow_none=True)
    secret = ma.fields.Boolean(attribute="is_secret")
    project_id = ma.fields.Integer(allow_none=True)
    voted = ma.fields.Boolean(
        allow_none=True,
        metadata={
            "description": "in lists: whether I (or my household, for household polls) voted; null when I may not vote"
        },
    )


class PollSchema(PollSummarySchema):
    description = ma.fields.String()
    options = ma.fields.List(ma.fields.Nested(PollOptionSchema))
    quorum = ma.fields.Float()
    pass_threshold = ma.fields.Float()
    budget_cents = ma.fields.Integer(allow_none=True)
    max_choices = ma.fields.Integer(allow_none=True)
    allow_revote = ma.fields.Boolean()
    created_by = ma.fields.Nested(PublicUserSchema)
    created_at = ma.fields.DateTime()
    closed_at = ma.fields.DateTime(allow_none=True)
    close_reason = ma.fields.String(allow_none=True)
    my_ballot = ma.fields.Nested(MyPollBallotSchema, allow_none=True)
    can = ma.fields.Nested(abilities_schema("PollAbilitiesSchema", ACTIONS))
    not_eligible_reason = ma.fields.String(allow_none=True)
    turnout = ma.fields.Nested(PollTurnoutSchema, allow_none=True)
    results_available = ma.fields.Boolean()


class PollResultsSchema(ma.Schema):
    """Frozen at close (``live`` false) or a committee's live view while open (``live`` true).

    Every method: method, live, voters, eligible, turnout, quorum, quorum_met, passed, counts
    [{option_id, choice, label, votes}], winners [option ids]. Ranked: rounds. Budget: rule, budget_cents,
    funded [option ids], funded_projects [project ids], money_used_cents, funded_by. Secret polls while
    open: counts null (turnout only).
    """

    class Meta:
        unknown = ma.INCLUDE

    poll_id = ma.fields.Integer()
    method = ma.fields.String()
    live = ma.fields.Boolean()
    cancelled = ma.fields.Boolean()
    voters = ma.fields.Integer()
    channels = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        allow_none=True,
        metadata={"description": "voters per channel: app, paper"},
    )
    paper_uncounted = ma.fields.Integer(
        allow_none=True, metadata={"description": "paper ballots put in the ballot box and not counted"}
    )
    eligible = ma.fields.Integer()
    turnout = ma.fields.Float(allow_none=True)
    quorum = ma.fields.Float()
    quorum_met = ma.fields.Boolean(allow_none=True)
    pass_threshold = ma.fields.Float(allow_none=True)
    passed = ma.fields.Boolean(allow_none=True)
    counts = ma.fields.List(ma.fields.Dict(), allow_none=True)
    winners = ma.fields.List(ma.fields.Integer(), allow_none=True)
    tie_broken = ma.fields.Boolean(allow_none=True)
    rounds = ma.fields.List(ma.fields.Dict(), allow_none=True)
    rule = ma.fields.String(allow_none=True)
    budget_cents = ma.fields.Integer(allow_none=True)
    money_used_cents = ma.fields.Integer(allow_none=True)
    funded = ma.fields.List(ma.fields.Integer(), allow_none=True)
    funded_projects = ma.fields.List(ma.fields.Integer(), allow_none=True)
    funded_by = ma.fields.Dict(allow_none=True)
    computed_at = ma.fields.String(allow_none=True)
