"""Voting: polls, ballots, frozen results and the recount file.

Guarantees and where they come from:

- one ballot per voter (or household): the UNIQUE (poll_id, voter_key) of the roll, inserted in a
  SAVEPOINT; the IntegrityError of the loser becomes 409 ``already_voted``;
- no ballot outside the window: the same transaction admits a ballot with a conditional
  ``UPDATE polls SET voter_count = voter_count + 1 WHERE state = 'active' AND opens_at <= now < closes_at``,
  which also serialises ballots against closing (closing flips ``state`` first);
- results computed exactly once: ``UPDATE polls SET results = ... WHERE results IS NULL``; whoever
  loses the race reads the winner's results; project outcomes are applied only by the winner;
- secret ballots: roll and ballots share nothing but the poll id (see models.py), and the ballot
  response is not kept by the idempotency layer (it would tie the user to the receipt).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from backend.accounts import services as accounts
from backend.audit import services as audit
from backend.communities import access, lookup
from backend.communities import services as communities
from backend.communities.eligibility import eligible_count, participant_key, participation_problem
from backend.core import actors, unlinkable
from backend.core.db import after_commit, utcnow
from backend.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    register_messages,
)
from backend.core.pagination import Page, SortKey, paginate
from backend.core.spreadsheet import defuse
from backend.extensions import db
from backend.notifications.services import notify
from backend.projects import services as projects
from backend.voting import tally
from backend.voting.models import CHANNELS, POLL_STATES, Ballot, Poll, PollOption, RollEntry

register_messages(
    "voting",
    {
        "not_eligible": {
            "zh-CN": ("无投票资格", "你不在这次投票的投票人范围内。"),
            "en": ("Not eligible", "You are not among the voters of this poll."),
        },
        "already_voted": {
            "zh-CN": ("已经投过票", "你（或你的家庭）已经在这次投票中投过票了，每人（户）只能投一次。"),
            "en": ("Already voted", "You (or your household) have already voted in this poll."),
        },
        "poll_closed": {
            "zh-CN": ("不在投票时间内", "这次投票尚未开始或已经结束。"),
            "en": ("Poll not open", "This poll has not opened yet or has already closed."),
        },
        "poll_not_closed": {
            "zh-CN": ("投票尚未结束", "投票结束后才能查看结果和计票文件。"),
            "en": ("Poll still running", "Results and the recount file are available once the poll closes."),
        },
        "poll_still_open": {
            "zh-CN": ("不能提前结束", "投票进行中不能提前结束，除非所有有资格的投票人都已投票且不允许改票。"),
            "en": (
                "Cannot close early",
                "A running poll closes early only when every eligible voter has voted and revoting is off.",
            ),
        },
        "receipt_reused": {
            "zh-CN": ("回执重复", "这个回执已经用过了，请使用新的回执。"),
            "en": ("Receipt reused", "This receipt was already used; use a new one."),
        },
        "ballot_box_public": {
            "zh-CN": ("记名投票不能投入票箱", "记名投票的选票要写明投票人：请在投票点当场录入选择。"),
            "en": (
                "Not for a public poll",
                "A public poll's ballot names its voter: record the choices at the table instead.",
            ),
        },
        "ballot_box_empty": {
            "zh-CN": ("票箱里没有待计的选票", "投入票箱的纸质选票都已计入，不能再录入。"),
            "en": ("Nothing left to count", "Every paper ballot put in the ballot box has been counted already."),
        },
    },
)

CHOICE_FIELD = {
    "yes_no": "choice",
    "single": "option_id",
    "approval": "option_ids",
    "ranked": "ranking",
    "budget": "option_ids",
}
RECEIPT_BYTES = 18  # 144 random bits, 24 url-safe characters
TABLE_LOOKUP_LIMIT = 20  # voters found at a polling table per search


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()


def receipt_from_revote_key(revote_key: str) -> str:
    """The public receipt of a ballot cast with a revote key: 32 URL-safe characters of SHA-256 of the key.

    The key stays on the voter's device (the PWA makes it and computes this same receipt itself, offline);
    the receipt may be published and its hash is in the recount file. Knowing the receipt does not give the
    key (a preimage of SHA-256), so only the device can replace the ballot (issue 15: before, the published
    receipt was itself what replaced the ballot)."""
    digest = hashlib.sha256(f"linli-receipt:{revote_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


# --- reading -------------------------------------------------------------------------------------


def _poll_or_404(poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise NotFound()
    return poll


def _eligible_voter(actor, poll: Poll):
    """The actor's membership if they may vote in `poll`.

    :raises AuthRequired: anonymous
    :raises Forbidden: ``not_eligible`` with a reason
    """
    access.require_user(actor)
    member = access.membership(actor, poll.community_id)
    problem = participation_problem(member, poll)
    if problem:
        raise Forbidden("not_eligible", reason=problem)
    return member


def _turnout(voters: int, eligible: int) -> float | None:
    return round(voters / eligible, 4) if eligible else None


ACTIONS = ("vote",)  # what a viewer may do with a poll (`can`)


def get_poll(actor, poll_id: int) -> Poll:
    """A poll with the viewer's own ballot state, and turnout for the committee (live) or everyone (closed).

    Reading never writes: a poll whose window has ended reads as closed, its results still being counted
    (`results_available` false) until the close job has frozen them; the read asks for that job.
    """
    return present(actor, [_poll_or_404(poll_id)], detail=True)[0]


def present(actor, polls: list[Poll], *, detail: bool = False) -> list[Poll]:
    """What this viewer sees of the polls besides their columns: the status now; on a poll's page the
    viewer's ballot, why they may not vote, turnout and `can`."""
    now = utcnow()
    for poll in polls:
        poll.status = poll.status_at(now)
    if any(poll.state == "active" and poll.closes_at <= now for poll in polls):
        after_commit(_enqueue_close_due_polls)  # the job freezes their results (a read writes nothing)
    if detail:
        for poll in polls:
            _present_page(actor, poll)
    return polls


def _present_page(actor, poll: Poll) -> None:
    poll.results_available = poll.results is not None
    poll.my_ballot, poll.not_eligible_reason = None, None
    member = access.membership(actor, poll.community_id)
    if member is not None:
        poll.not_eligible_reason = participation_problem(member, poll)
        if poll.not_eligible_reason is None:
            poll.my_ballot = _my_ballot(poll, actor, participant_key(member, poll))
    elif actors.is_signed_in(actor):
        poll.not_eligible_reason = "not_a_member"
    poll.can = abilities(actor, poll)
    poll.turnout = None
    if poll.results is not None and not poll.results.get("cancelled"):
        poll.turnout = {
            "voters": poll.results["voters"],
            "eligible": poll.results["eligible"],
            "share": poll.results["turnout"],
            "live": False,
        }
    elif member is not None and member.is_committee and poll.status != "upcoming":
        eligible = eligible_count(poll)
        poll.turnout = {
            "voters": poll.voter_count,
            "eligible": eligible,
            "share": _turnout(poll.voter_count, eligible),
            "live": True,
        }


def abilities(actor, poll: Poll) -> dict[str, bool]:
    """`can` of a poll presented on its page (its status, the viewer's eligibility and ballot attached)."""
    eligible = actors.is_signed_in(actor) and poll.not_eligible_reason is None
    return {"vote": eligible and poll.status == "open" and (poll.my_ballot is None or poll.allow_revote)}


def _my_ballot(poll: Poll, actor, voter_key: str) -> dict | None:
    entry = db.session.scalar(select(RollEntry).where(RollEntry.poll_id == poll.id, RollEntry.voter_key == voter_key))
    if entry is None:
        return None
    mine = {
        "voted": True,
        "voted_at": entry.voted_at,
        "cast_by_me": entry.user_id == actor.id,
        "channel": entry.channel,
        "choices": None,
        "receipt_hash": None,
    }
    if not poll.is_secret:
        ballot = db.session.scalar(
            select(Ballot).where(Ballot.poll_id == poll.id, Ballot.public_voter_id == entry.user_id)
        )
        if ballot is not None:
            mine["choices"], mine["receipt_hash"] = ballot.choices, ballot.receipt_hash
    return mine


def list_polls(actor, community_id: int, *, status: str | None, limit: int, cursor: str | None) -> Page:
    """A community's polls, newest first, optionally only upcoming, open or closed ones."""
    communities.get_community(community_id)
    now = utcnow()
    stmt = select(Poll).where(Poll.community_id == community_id)
    if status == "upcoming":
        stmt = stmt.where(Poll.state == "active", Poll.opens_at > now)
    elif status == "open":
        stmt = stmt.where(Poll.state == "active", Poll.opens_at <= now, Poll.closes_at > now)
    elif status == "closed":
        stmt = stmt.where((Poll.state == "closed") | (Poll.closes_at <= now))
    page = paginate(stmt, [SortKey(Poll.id, descending=True)], limit=limit, cursor=cursor)
    present(actor, page.items)
    _mark_voted(actor, page.items)
    return page


def _mark_voted(actor, polls: list[Poll]) -> None:
    """`voted` on each poll of a list: on the roll or not (one query for the page); None where the viewer may not
    vote (a visitor, another grid's poll, not verified), so a list can say "not voted yet" only where it matters."""
    for poll in polls:
        poll.voted = None
    member = access.membership(actor, polls[0].community_id) if polls and actors.is_signed_in(actor) else None
    if member is None:
        return
    eligible = [poll for poll in polls if participation_problem(member, poll) is None]
    if not eligible:
        return
    keys = {participant_key(member, poll) for poll in eligible}
    rows = db.session.execute(
        select(RollEntry.poll_id, RollEntry.voter_key).where(
            RollEntry.poll_id.in_([poll.id for poll in eligible]), RollEntry.voter_key.in_(keys)
        )
    )
    on_roll = {(poll_id, key) for poll_id, key in rows}
    for poll in eligible:
        poll.voted = (poll.id, participant_key(member, poll)) in on_roll


def _enqueue_close_due_polls() -> None:
    from backend.jobs import enqueue

    enqueue(close_due_polls)


# --- creating ------------------------------------------------------------------------------------


def _check_window(opens_at: datetime, closes_at: datetime, errors: dict) -> None:
    if closes_at <= opens_at:
        errors.setdefault("closes_at", []).append("must be after opens_at")
    elif closes_at <= utcnow():
        errors.setdefault("closes_at", []).append("must be in the future")


def _check_options(method: str, options: list[dict], max_choices: int | None, errors: dict) -> None:
    def error(field, message):
        errors.setdefault(field, []).append(message)

    if method == "yes_no":
        if options:
            error("options", "a yes/no poll has the fixed choices yes, no and abstain")
        if max_choices is not None:
            error("max_choices", "not used by yes/no polls")
        return
    if len(options) < (1 if method == "budget" else 2):
        error("options", "give at least two options" if method != "budget" else "give at least one project")
    if max_choices is not None and (method == "single" or max_choices > max(len(options), 1)):
        error("max_choices", "at most the number of options (not used by single choice)")
    for index, option in enumerate(options):
        if method != "budget" and (option["project_id"] is not None or option["cost_cents"] is not None):
            error("options", f"option {index + 1}: project_id and cost_cents are for budget polls")
        if method != "budget" and not option["label"]:
            error("options", f"option {index + 1}: a label is required")
        if (
            method == "budget"
            and option["project_id"] is None
            and (not option["label"] or option["cost_cents"] is None)
        ):
            error("options", f"option {index + 1}: a label and cost_cents, or a project_id")
    labels = [option["label"] for option in options if option["label"]]
    if len(set(labels)) != len(labels):
        error("options", "labels must differ")


def _linked_projects(community_id: int, options: list[dict], project_id: int | None, errors: dict) -> dict:
    """The projects this poll decides, validated by the projects domain (accepted and ready for a poll)."""
    wanted = [o["project_id"] for o in options if o["project_id"] is not None] + ([project_id] if project_id else [])
    if not wanted:
        return {}
    if len(set(wanted)) != len(wanted):
        errors.setdefault("options", []).append("a project appears twice")
        return {}
    return {project.id: project for project in projects.projects_ready_for_poll(community_id, wanted)}


def create_poll(
    actor,
    community_id: int,
    *,
    title: str,
    method: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    budget_rule: str | None = None,
    options: list[dict] | None = None,
    eligibility: str = "verified",
    grid_id: int | None = None,
    quorum: float | None = 0.0,
    pass_threshold: float | None = 0.5,
    secret: bool = True,
    budget_cents: int | None = None,
    max_choices: int | None = None,
    allow_revote: bool = False,
    project_id: int | None = None,
) -> Poll:
    """Committee opens a poll (standalone, about one project, or a budget over ready projects).

    :raises ValidationFailed: bad window, options, budget, grid or projects
    """
    communities.get_community(community_id)
    access.require_committee(actor, community_id)
    options = [{"label": None, "project_id": None, "cost_cents": None, **o} for o in options or []]
    errors: dict = {}
    _check_window(opens_at, closes_at, errors)
    _check_options(method, options, max_choices, errors)
    if method == "budget":
        budget_rule = budget_rule or "greedy"
        if budget_cents is None:
            errors.setdefault("budget_cents", []).append("required for a budget poll")
    elif budget_rule is not None or budget_cents is not None:
        errors.setdefault("budget_rule", []).append("budget_rule and budget_cents are for budget polls")
    if project_id is not None and method != "yes_no":
        errors.setdefault("project_id", []).append(
            "only a yes/no poll decides one project; budget options carry theirs"
        )
    if eligibility == "grid":
        if grid_id is None:
            errors.setdefault("grid_id", []).append("required when eligibility is grid")
    elif grid_id is not None:
        errors.setdefault("grid_id", []).append("only for eligibility grid")
    if errors:
        raise ValidationFailed(errors)
    communities.grid_in_community(community_id, grid_id)
    linked = _linked_projects(community_id, options, project_id, errors)
    if errors:
        raise ValidationFailed(errors)

    poll = Poll(
        community_id=community_id,
        title=title,
        description=description or "",
        method=method,
        budget_rule=budget_rule,
        budget_cents=budget_cents,
        eligibility=eligibility,
        grid_id=grid_id,
        project_id=project_id,
        opens_at=opens_at,
        closes_at=closes_at,
        quorum=quorum or 0.0,
        pass_threshold=pass_threshold or 0.5,
        is_secret=secret,
        allow_revote=allow_revote,
        created_by_id=actor.id,
        max_choices=max_choices if max_choices is not None or method != "approval" else len(options),
    )
    for position, option in enumerate(options):
        project = linked.get(option["project_id"])
        poll.options.append(
            PollOption(
                position=position,
                label=option["label"] or project.title,
                project_id=option["project_id"],
                cost_cents=option["cost_cents"]
                if option["cost_cents"] is not None
                else (project.budget_cents if project else None),
            )
        )
    if method == "budget" and any(o.cost_cents is None for o in poll.options):
        raise ValidationFailed({"options": ["every project needs a cost (cost_cents or the project's budget)"]})
    db.session.add(poll)
    db.session.flush()
    if linked:
        projects.mark_voting(list(linked), poll.id, closes_at=closes_at)
    audit.record(
        actor,
        "poll.create",
        "poll",
        poll.id,
        community_id=community_id,
        after={
            "title": title,
            "method": method,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "eligibility": eligibility,
            "secret": secret,
        },
    )
    recipients = communities.community_member_ids(community_id, grid_ids=[grid_id] if grid_id else None)
    notify(
        recipients,
        "poll_opened",
        {"poll_id": poll.id, "poll_title": title, "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()},
        community_id=community_id,
        exclude=[actor.id],
    )
    return poll


# --- casting -------------------------------------------------------------------------------------


def _validated_choices(poll: Poll, body: dict) -> dict:
    """The ballot body checked against the poll: right field, known options, no duplicates, ≤ max_choices.

    :raises ValidationFailed:
    """
    field = CHOICE_FIELD[poll.method]
    errors = {name: ["not used by this poll's method"] for name in body if name not in (field, "receipt", "revote_key")}
    if field not in body:
        errors[field] = ["required for this poll's method"]
    if errors:
        raise ValidationFailed(errors)
    value = body[field]
    known = set(poll.option_ids())
    if poll.method == "yes_no":
        return {field: value}
    if poll.method == "single":
        if value not in known:
            raise ValidationFailed({field: ["not an option of this poll"]})
        return {field: value}
    if poll.method in ("approval", "budget") and not value:
        raise ValidationFailed({field: ["choose at least one option"]})
    if len(set(value)) != len(value):
        raise ValidationFailed({field: ["an option appears twice"]})
    unknown = [v for v in value if v not in known]
    if unknown:
        raise ValidationFailed({field: [f"not options of this poll: {', '.join(map(str, unknown))}"]})
    if poll.max_choices is not None and len(value) > poll.max_choices:
        raise ValidationFailed({field: [f"at most {poll.max_choices} choices"]})
    return {field: value if poll.method == "ranked" else sorted(value)}


def _admit(poll: Poll, now: datetime, *, new_voter: bool) -> None:
    """The conditional UPDATE that admits a ballot only inside the window of a poll not closed.

    :raises Conflict: ``poll_closed`` (reason ``not_yet_open`` or ``closed``)
    """
    admitted = db.session.execute(
        update(Poll)
        .where(Poll.id == poll.id, Poll.state == "active", Poll.opens_at <= now, Poll.closes_at > now)
        .values(voter_count=Poll.voter_count + (1 if new_voter else 0))
        .execution_options(synchronize_session=False)
    ).rowcount
    if not admitted:
        raise Conflict("poll_closed", reason="not_yet_open" if now < poll.opens_at else "closed")


def cast_ballot(actor, poll_id: int, body: dict) -> dict:
    """Cast (or, where allowed, replace) the actor's ballot; returns the receipt, shown only this once.

    :raises Forbidden: ``not_eligible``
    :raises ValidationFailed: wrong options, duplicates, too many choices, a field of another method
    :raises Conflict: ``poll_closed``, ``already_voted``, ``voting.receipt_reused``
    """
    poll = _poll_or_404(poll_id)
    member = _eligible_voter(actor, poll)
    choices = _validated_choices(poll, body)
    now = utcnow()
    status = poll.status_at(now)
    if status != "open":
        raise Conflict("poll_closed", reason="not_yet_open" if status == "upcoming" else "closed")
    revote_key, made_here = _revote_key(poll, body)
    if revote_key:
        receipt = receipt_from_revote_key(revote_key)
    else:
        receipt = body.get("receipt") or secrets.token_urlsafe(RECEIPT_BYTES)
    digest = receipt_hash(receipt)
    try:
        _enter_roll(poll, member, now)
    except IntegrityError:
        # Only the revote key replaces a ballot: a receipt (anyone's, published or not) never does.
        if poll.allow_revote and revote_key and not made_here:
            return _revote(poll, now, digest, receipt, choices)
        raise Conflict("already_voted") from None
    _store_ballot(poll, member, digest, choices)
    return {
        "receipt": receipt,
        "receipt_hash": digest,
        "revoted": False,
        "revote_key": revote_key if made_here else None,  # shown once, kept by the device, never stored here
    }


def _enter_roll(poll: Poll, member, now: datetime, *, recorded_by_id: int | None = None) -> None:
    """Admit the voter (or household) on the roll, whatever the channel: the UNIQUE (poll_id, voter_key) makes
    the second of two ballots (app and app, app and table, two tables) an IntegrityError, raised to the caller.

    :raises Conflict: ``poll_closed``
    :raises IntegrityError: already on the roll (the savepoint is rolled back)
    """
    with db.session.begin_nested():
        _admit(poll, now, new_voter=True)
        db.session.add(
            RollEntry(
                poll_id=poll.id,
                voter_key=participant_key(member, poll),
                user_id=member.user_id,
                voted_at=now,
                channel="app" if recorded_by_id is None else "paper",
                recorded_by_id=recorded_by_id,
            )
        )
        db.session.flush()


def _store_ballot(poll: Poll, member, digest: str, choices: dict) -> None:
    """The ballot, apart from the roll (a public poll's ballot names its voter).

    :raises Conflict: ``voting.receipt_reused`` (a client-made receipt already used: the request rolls back whole)
    """
    try:
        with db.session.begin_nested():
            db.session.add(
                Ballot(
                    poll_id=poll.id,
                    receipt_hash=digest,
                    choices=choices,
                    public_voter_id=None if poll.is_secret or member is None else member.user_id,
                )
            )
            db.session.flush()
    except IntegrityError:
        raise Conflict("voting.receipt_reused") from None


# --- the polling table (issue 18: in-person voting) ------------------------------------------------


def polling_table(actor, poll_id: int, query: str) -> dict:
    """What a polling table shows: the voters found, and the paper ballots in the box not counted yet."""
    found = polling_table_lookup(actor, poll_id, query)
    return {"items": found, "paper_to_count": _paper_to_count(poll_id)}


def polling_table_lookup(actor, poll_id: int, query: str) -> list[dict]:
    """Voters at a polling table, found by household or name: whether each may vote and has voted (any channel).

    :raises Forbidden: not the poll's committee (``role_required``, or why not)
    """
    poll = _poll_or_404(poll_id)
    access.require_committee(actor, poll.community_id)
    members = lookup.find_members(poll.community_id, query, limit=TABLE_LOOKUP_LIMIT)
    keys = {participant_key(member, poll) for member in members if participation_problem(member, poll) is None}
    voted = set(
        db.session.scalars(
            select(RollEntry.voter_key).where(RollEntry.poll_id == poll.id, RollEntry.voter_key.in_(keys))
        )
    )
    found = []
    for member in members:
        problem = participation_problem(member, poll)
        found.append(
            {
                "user": member.user,
                "household": lookup.household_label(member),
                "status": member.status,
                "not_eligible_reason": problem,
                "voted": problem is None and participant_key(member, poll) in voted,
            }
        )
    return found


def record_paper_ballot(actor, poll_id: int, body: dict) -> dict:
    """A committee member at a polling table records a voter's paper ballot; returns its receipt, to hand over.

    Same roll, same window, same checks as a ballot from the app: a voter who voted in the app cannot vote at
    the table and the other way round (the roll's unique key, under any concurrency). A secret ballot stays
    apart from the roll: the roll says the voter voted on paper and who recorded it, the ballot says what.

    :raises Forbidden: the actor is not the poll's committee; ``not_eligible`` (reason) for the voter
    :raises ValidationFailed: no such member of the community; choices as for any ballot
    :raises Conflict: ``poll_closed``, ``already_voted``
    """
    poll = _poll_or_404(poll_id)
    access.require_committee(actor, poll.community_id)
    member = _table_voter(poll, body["voter_id"])
    choices = _validated_choices(poll, {name: value for name, value in body.items() if name != "voter_id"})
    now = utcnow()
    _require_open(poll, now)
    receipt = secrets.token_urlsafe(RECEIPT_BYTES)
    digest = receipt_hash(receipt)
    try:
        _enter_roll(poll, member, now, recorded_by_id=actor.id)
    except IntegrityError:
        raise Conflict("already_voted") from None
    _store_ballot(poll, member, digest, choices)
    # Who recorded whose paper ballot, never what it says (the roll knows as much).
    audit.record(
        actor, "poll.paper_ballot", "poll", poll.id, community_id=poll.community_id, after={"voter_id": member.user_id}
    )
    return {"receipt": receipt, "receipt_hash": digest, "revoted": False, "revote_key": None}


def put_in_ballot_box(actor, poll_id: int, voter_id: int) -> dict:
    """A voter at a polling table puts a sealed paper ballot in the box, to be counted later by the committee.

    The voter goes on the roll now (channel paper, the same unique key as every ballot, so no second ballot in
    the app or at another table), and the poll's ``paper_to_count`` goes up by one: the box can never be counted
    to more ballots than voters put in it. Nothing links the voter to the paper counted later.

    :raises Forbidden: the actor is not the poll's committee; ``not_eligible`` (reason) for the voter
    :raises ValidationFailed: no such member of the community
    :raises Conflict: ``voting.ballot_box_public`` (a public poll's ballot names its voter), ``poll_closed``,
        ``already_voted``
    """
    poll = _poll_or_404(poll_id)
    access.require_committee(actor, poll.community_id)
    member = _table_voter(poll, voter_id)
    if not poll.is_secret:
        raise Conflict("voting.ballot_box_public")
    now = utcnow()
    _require_open(poll, now)
    try:
        _enter_roll(poll, member, now, recorded_by_id=actor.id)
    except IntegrityError:
        raise Conflict("already_voted") from None
    db.session.execute(
        update(Poll)
        .where(Poll.id == poll.id)
        .values(paper_to_count=Poll.paper_to_count + 1)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        actor, "poll.ballot_box", "poll", poll.id, community_id=poll.community_id, after={"voter_id": member.user_id}
    )
    return {"voter_id": member.user_id, "paper_to_count": _paper_to_count(poll.id)}


def count_boxed_ballot(actor, poll_id: int, body: dict) -> dict:
    """The committee counts one paper ballot from the box: its choices become a ballot with a receipt (for the
    recount file), while the poll is not closed, and never more ballots than voters put in the box.

    :raises Forbidden: the actor is not the poll's committee
    :raises ValidationFailed: choices as for any ballot
    :raises Conflict: ``voting.ballot_box_empty``, ``poll_closed`` (the results are frozen)
    """
    poll = _poll_or_404(poll_id)
    access.require_committee(actor, poll.community_id)
    choices = _validated_choices(poll, body)
    taken = db.session.execute(
        update(Poll)
        .where(Poll.id == poll.id, Poll.state == "active", Poll.paper_to_count > 0)
        .values(paper_to_count=Poll.paper_to_count - 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        db.session.refresh(poll)
        if poll.state != "active":
            raise Conflict("poll_closed", reason="closed")
        raise Conflict("voting.ballot_box_empty")
    receipt = secrets.token_urlsafe(RECEIPT_BYTES)
    digest = receipt_hash(receipt)
    _store_ballot(poll, None, digest, choices)
    audit.record(actor, "poll.ballot_box_counted", "poll", poll.id, community_id=poll.community_id)
    return {"receipt": receipt, "receipt_hash": digest, "paper_to_count": _paper_to_count(poll.id)}


def _table_voter(poll: Poll, voter_id: int):
    """The member a polling table records, if they may vote in this poll.

    :raises ValidationFailed: not a member of the poll's community
    :raises Forbidden: ``not_eligible`` (reason)
    """
    voter = accounts.get_user(voter_id)
    member = access.membership(voter, poll.community_id) if voter is not None else None
    if member is None:
        raise ValidationFailed({"voter_id": ["not a member of this community"]})
    problem = participation_problem(member, poll)
    if problem:
        raise Forbidden("not_eligible", reason=problem)
    return member


def _require_open(poll: Poll, now: datetime) -> None:
    status = poll.status_at(now)
    if status != "open":
        raise Conflict("poll_closed", reason="not_yet_open" if status == "upcoming" else "closed")


def _paper_to_count(poll_id: int) -> int:
    return db.session.scalar(select(Poll.paper_to_count).where(Poll.id == poll_id)) or 0


def _revote_key(poll: Poll, body: dict) -> tuple[str | None, bool]:
    """(the ballot's revote key, whether it was made here): the client's own (the PWA makes one on the device,
    so that a ballot queued offline has its receipt already), else a new one on polls that allow revoting.

    :raises ValidationFailed: both a receipt and a revote key (the receipt is derived from the key)
    """
    if body.get("revote_key") and body.get("receipt"):
        raise ValidationFailed({"receipt": ["not with revote_key: the receipt is derived from the key"]})
    if body.get("revote_key"):
        return body["revote_key"], False
    if poll.allow_revote and not body.get("receipt"):
        return secrets.token_urlsafe(RECEIPT_BYTES), True
    return None, False


def _revote(poll: Poll, now: datetime, digest: str, receipt: str, choices: dict) -> dict:
    """Replace the ballot whose receipt the revote key derives, in place: still one row per voter, the last one
    counts. A key that matches no ballot of this poll (a guess, another poll's key) changes nothing: 409."""
    _admit(poll, now, new_voter=False)
    changed = db.session.execute(
        update(Ballot)
        .where(Ballot.poll_id == poll.id, Ballot.receipt_hash == digest)
        .values(choices=choices)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise Conflict("already_voted")
    return {"receipt": receipt, "receipt_hash": digest, "revoted": True, "revote_key": None}


# --- closing and results -------------------------------------------------------------------------


def _close(poll_id: int, *, reason: str | None = None, cancel: bool = False) -> Poll:
    """Flip the poll to closed (no ballot is admitted after this), then set its results once."""
    now = utcnow()
    db.session.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.state.in_(POLL_STATES.sources("close")))
        .values(state=POLL_STATES.target("close"), closed_at=now, close_reason=reason)
        .execution_options(synchronize_session=False)
    )
    poll = _reload(poll_id)
    if poll.results is not None:
        return poll
    eligible = eligible_count(poll)
    results = _cancelled_results(poll) if cancel else compute_results(poll, eligible)
    won = db.session.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.results.is_(None))
        .values(results=results, eligible_count=eligible)
        .execution_options(synchronize_session=False)
    ).rowcount
    poll = _reload(poll_id)
    if won and not cancel:
        _apply_outcome(poll)
    if won and poll.is_secret:
        # Secret ballots leave no trace of their casting order in the files (issue 15).
        ballots = Ballot.__table__
        unlinkable.rewrite_in_random_order([(ballots, ballots.c.poll_id == poll_id)])
        unlinkable.compact_storage_after_commit(ballots.name)
    return poll


def _reload(poll_id: int) -> Poll:
    return db.session.execute(
        select(Poll).where(Poll.id == poll_id).execution_options(populate_existing=True)
    ).scalar_one()


def _cancelled_results(poll: Poll) -> dict:
    return {
        "poll_id": poll.id,
        "method": poll.method,
        "cancelled": True,
        "live": False,
        "voters": 0,
        "eligible": 0,
        "turnout": None,
        "quorum": poll.quorum,
        "quorum_met": None,
        "passed": None,
        "counts": None,
        "winners": [],
        "computed_at": utcnow().isoformat(),
    }


def compute_results(poll: Poll, eligible: int, *, live: bool = False) -> dict:
    """Results from the ballots with the pure tally functions, in the frozen JSON shape."""
    ballots = list(db.session.scalars(select(Ballot.choices).where(Ballot.poll_id == poll.id)))
    channels = _turnout_by_channel(poll.id)
    voters = sum(channels.values())
    has_quorum = tally.quorum_met(voters, eligible, poll.quorum)
    results = {
        "poll_id": poll.id,
        "method": poll.method,
        "live": live,
        "cancelled": False,
        "voters": voters,
        "channels": channels,
        "paper_uncounted": poll.paper_to_count,  # put in the ballot box and not counted (yet, or ever)
        "eligible": eligible,
        "turnout": _turnout(voters, eligible),
        "quorum": poll.quorum,
        "quorum_met": has_quorum,
        "pass_threshold": None,
        "computed_at": utcnow().isoformat(),
    }
    options = poll.options
    labels = {option.id: option.label for option in options}
    ids = [option.id for option in options]
    field = CHOICE_FIELD[poll.method]
    choices = [ballot[field] for ballot in ballots]
    if poll.method == "yes_no":
        outcome = tally.tally_yes_no(choices, pass_threshold=poll.pass_threshold)
        results.update(
            pass_threshold=poll.pass_threshold,
            yes_share=outcome["yes_share"],
            winners=[],
            tie_broken=False,
            passed=has_quorum and outcome["majority_reached"],
            counts=[{"option_id": None, "choice": c, "label": c, "votes": n} for c, n in outcome["counts"].items()],
        )
        return results
    if poll.method == "budget":
        costs = {option.id: option.cost_cents for option in options}
        rule = tally.tally_budget_equal_shares if poll.budget_rule == "equal_shares" else tally.tally_budget_greedy
        outcome = rule(choices, costs, poll.budget_cents, ids)
        project_of = {option.id: option.project_id for option in options}
        results.update(
            rule=poll.budget_rule,
            budget_cents=poll.budget_cents,
            money_used_cents=outcome["money_used"],
            funded=outcome["funded"],
            winners=outcome["funded"],
            tie_broken=False,
            funded_in_order=outcome["funded_in_order"],
            funded_by={str(k): v for k, v in outcome["funded_by"].items()},
            funded_projects=[project_of[o] for o in outcome["funded"] if project_of[o] is not None],
            passed=has_quorum and bool(outcome["funded"]),
        )
    else:
        if poll.method == "single":
            outcome = tally.tally_single(choices, ids)
        elif poll.method == "approval":
            outcome = tally.tally_approval(choices, ids)
        else:
            outcome = tally.tally_ranked(choices, ids)
            results["rounds"] = outcome["rounds"]
        results.update(
            winners=outcome["winners"], tie_broken=outcome["tie_broken"], passed=has_quorum and bool(outcome["winners"])
        )
    results["counts"] = [
        {"option_id": i, "choice": None, "label": labels[i], "votes": outcome["counts"][i]} for i in ids
    ]
    return results


def _turnout_by_channel(poll_id: int) -> dict[str, int]:
    """Voters per channel ({"app": n, "paper": m}), counted on the roll."""
    counts = dict.fromkeys(CHANNELS, 0)
    rows = db.session.execute(
        select(RollEntry.channel, func.count()).where(RollEntry.poll_id == poll_id).group_by(RollEntry.channel)
    )
    for channel, count in rows:
        counts[channel] = count
    return counts


def _apply_outcome(poll: Poll) -> None:
    """Tell the projects domain what the community decided, and the voters and committee the result."""
    results = poll.results
    if poll.method == "yes_no" and poll.project_id is not None:
        projects.apply_poll_outcome(poll.project_id, approved=bool(results["passed"]), poll_id=poll.id)
    if poll.method == "budget":
        funded = set(results["funded"]) if results["quorum_met"] else set()
        for option in poll.options:
            if option.project_id is not None:
                projects.apply_poll_outcome(option.project_id, approved=option.id in funded, poll_id=poll.id)
    voters = db.session.scalars(select(RollEntry.user_id).where(RollEntry.poll_id == poll.id))
    recipients = list(voters) + communities.committee_member_ids(poll.community_id)
    notify(
        recipients,
        "poll_results",
        {"poll_id": poll.id, "poll_title": poll.title, "passed": results["passed"]},
        community_id=poll.community_id,
    )


def get_results(actor, poll_id: int) -> dict:
    """Frozen results for anyone once closed; the committee's live view before (turnout only if secret).

    :raises Conflict: ``voting.poll_not_closed`` for everyone else before the results are frozen (reason
        ``open``, or ``counting`` in the moment between the window's end and the close job)
    """
    poll = present(actor, [_poll_or_404(poll_id)])[0]
    if poll.results is not None:
        return poll.results
    if not access.is_committee(actor, poll.community_id):
        raise Conflict("voting.poll_not_closed", reason="counting" if poll.status == "closed" else "open")
    eligible = eligible_count(poll)
    if poll.is_secret:  # never live counts of a secret poll, even for the committee
        return {
            "poll_id": poll.id,
            "method": poll.method,
            "live": True,
            "cancelled": False,
            "voters": poll.voter_count,
            "channels": _turnout_by_channel(poll.id),
            "paper_uncounted": poll.paper_to_count,
            "eligible": eligible,
            "turnout": _turnout(poll.voter_count, eligible),
            "quorum": poll.quorum,
            "quorum_met": tally.quorum_met(poll.voter_count, eligible, poll.quorum),
            "passed": None,
            "counts": None,
            "winners": None,
        }
    return compute_results(poll, eligible, live=True)


def recount_csv(actor, poll_id: int) -> tuple[str, str]:
    """(filename, CSV text) of every ballot of a closed poll: receipt hash and choices, no voter identity.

    :raises Conflict: ``voting.poll_not_closed``
    """
    poll = present(actor, [_poll_or_404(poll_id)])[0]
    if poll.results is None:
        raise Conflict("voting.poll_not_closed", reason="counting" if poll.status == "closed" else "open")
    labels = {option.id: option.label for option in poll.options}
    field = CHOICE_FIELD[poll.method]
    out = io.StringIO()
    out.write("\ufeff")  # BOM: spreadsheet programs then read the Chinese labels as UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["receipt_hash", "choices", "labels"])
    rows = db.session.execute(
        select(Ballot.receipt_hash, Ballot.choices).where(Ballot.poll_id == poll.id).order_by(Ballot.receipt_hash)
    )
    for digest, choices in rows:
        value = choices[field]
        if poll.method == "yes_no":
            writer.writerow([digest, value, value])
            continue
        chosen = [value] if poll.method == "single" else value
        # Labels are typed by the committee: one that starts like a formula opens as text (CSV injection).
        writer.writerow([digest, ";".join(map(str, chosen)), defuse(";".join(labels[i] for i in chosen))])
    return f"poll-{poll.id}-recount.csv", out.getvalue()


def close_poll(actor, poll_id: int, *, reason: str) -> Poll:
    """Committee closes a poll before its time, only where that cannot be used to pick a convenient moment.

    Before it opens: cancelled (no results). While open: only when every eligible voter (household) has
    voted and revoting is off, so nothing could still change. After closes_at: freezes the results now.

    :raises Conflict: ``voting.poll_still_open``
    """
    poll = _poll_or_404(poll_id)
    access.require_committee(actor, poll.community_id)
    status = poll.status_at(utcnow())
    if status == "closed":
        return get_poll(actor, poll_id)
    if status == "upcoming":
        linked = {poll.project_id} | {option.project_id for option in poll.options}
        projects.release_from_poll(sorted(pid for pid in linked if pid), poll.id)
        _close(poll.id, reason=reason, cancel=True)
        action = "poll.cancel"
    else:
        db.session.refresh(poll)  # voter_count moves by UPDATE ... + 1; count what the database holds now
        if poll.allow_revote or poll.voter_count < eligible_count(poll):
            raise Conflict("voting.poll_still_open")
        _close(poll.id, reason=reason)
        action = "poll.close_early"
    audit.record(
        actor,
        action,
        "poll",
        poll.id,
        community_id=poll.community_id,
        reason=reason,
        before={"status": status},
        after={"status": "closed"},
    )
    return get_poll(actor, poll_id)


REMIND_BEFORE = timedelta(hours=24)


def remind_closing_polls() -> int:
    """Job: once per poll, 24 hours before the close, tell the eligible who have not voted yet."""
    now = utcnow()
    due = list(
        db.session.scalars(
            select(Poll).where(
                Poll.state == "active",
                Poll.reminded_at.is_(None),
                Poll.opens_at <= now,
                Poll.closes_at > now,
                Poll.closes_at <= now + REMIND_BEFORE,
            )
        )
    )
    for poll in due:
        # Conditional UPDATE: two overlapping runs of the job remind once.
        if not db.session.execute(
            update(Poll)
            .where(Poll.id == poll.id, Poll.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount:
            continue
        voted = set(db.session.scalars(select(RollEntry.voter_key).where(RollEntry.poll_id == poll.id)))
        members = communities.verified_member_households(
            poll.community_id, poll.grid_id if poll.eligibility == "grid" else None
        )
        waiting = [
            user_id
            for user_id, household_id in members
            if (f"h{household_id}" if poll.eligibility == "household" else f"u{user_id}") not in voted
            and (household_id is not None or poll.eligibility != "household")
        ]
        notify(
            waiting,
            "poll_closing_soon",
            {"poll_id": poll.id, "poll_title": poll.title, "closes_at": poll.closes_at.isoformat()},
            community_id=poll.community_id,
        )
    return len(due)


BALLOT_BOX_COUNTING_TIME = timedelta(hours=48)  # how long the results wait for a ballot box to be counted


def close_due_polls() -> int:
    """Job `close-polls` (`flask jobs run close-polls`): freeze the results of every poll whose window has ended,
    except while paper ballots in the box are still being counted (at most BALLOT_BOX_COUNTING_TIME; the committee
    may close sooner, and the results say how many were left uncounted)."""
    now = utcnow()
    due = list(
        db.session.scalars(
            select(Poll.id)
            .where(
                Poll.state == "active",
                Poll.closes_at <= now,
                (Poll.paper_to_count == 0) | (Poll.closes_at <= now - BALLOT_BOX_COUNTING_TIME),
            )
            .order_by(Poll.closes_at)
        )
    )
    due += list(db.session.scalars(select(Poll.id).where(Poll.state == "closed", Poll.results.is_(None))))
    for poll_id in due:
        _close(poll_id)
    return len(due)
