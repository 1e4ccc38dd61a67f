"""Household claims (issue 15): someone who joins giving a flat where verified residents already live claims that
household, and that needs the agreement of one of those residents or of the committee.

- The verified residents of the flat are told when someone joins giving it (`household_claim`).
- One of them agrees or refuses (`decide`): one answer per claim and flat, held by the database
  (UNIQUE (membership_id, household_id): two residents answering at once, the first answer counts, the other gets
  `409 community.claim_answered`). The claimant is told the answer (not who gave it), the committee is told both.
- The committee agrees by verifying, as before; it sees every claim on an occupied flat with its answer (`listed`).
- Nobody else can answer: not the claimant, not a resident of another flat (404: they do not learn the claim
  exists), not another community's members, not pending, invited or suspended members.

An answer does not verify anyone: verifying a person stays the committee's, so a resident cannot turn invented
accounts into voters by "agreeing" to them. The committee sees a refusal before it verifies.

This module imports no other module of the communities domain but its models and access rules, so that
`services.join` may call `announce_claim` without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.accounts.services import users_by_id
from backend.audit import services as audit
from backend.communities import access
from backend.communities.models import HOUSEHOLD_DECISIONS, Community, Household, HouseholdAgreement, Membership
from backend.core.errors import Conflict, Forbidden, NotFound, register_messages
from backend.extensions import db
from backend.notifications.services import notify

register_messages(
    "community",
    {
        "claim_answered": {
            "zh-CN": ("已有答复", "这户的住户已经答复过这份登记申请了。"),
            "en": ("Already answered", "A resident of this household has already answered this claim."),
        },
        "claim_settled": {
            "zh-CN": ("无需确认", "这位邻居已经通过居委会核实，或已被暂停，不需要再确认同住。"),
            "en": (
                "Nothing to confirm",
                "This neighbour has been verified by the committee or is suspended: there is no claim to answer.",
            ),
        },
    },
)

OPEN_CLAIM_STATES = ("pending", "invited")  # not verified yet: their household claim is still a claim


@dataclass
class Claim:
    """One member's claim on an occupied flat, as one viewer sees it."""

    user: object
    status: str
    joined_at: datetime
    household: Household
    agreement: dict | None
    can: dict[str, bool]


def _verified_residents(household_id: int, *, besides: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.household_id == household_id,
                Membership.recorded_status == "verified",
                Membership.user_id != besides,
            )
        )
    )


def _household_label(household: Household) -> str:
    return f"{household.building}-{household.unit}-{household.room}"


def announce_claim(member: Membership) -> None:
    """Tell the verified residents of the flat a new member gave that someone says they live there."""
    if member.household_id is None or member.recorded_status not in OPEN_CLAIM_STATES:
        return
    residents = _verified_residents(member.household_id, besides=member.user_id)
    if not residents:
        return
    household = db.session.get(Household, member.household_id)
    community = db.session.get(Community, member.community_id)
    claimant = users_by_id([member.user_id]).get(member.user_id)
    notify(
        residents,
        "household_claim",
        {
            "community_id": member.community_id,
            "community_name": community.name,
            "claimant_name": claimant.display_name if claimant else "",
            "household": _household_label(household),
            "user_id": member.user_id,
        },
        community_id=member.community_id,
    )


def _community_or_404(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound()
    return community


def _claim_or_404(community_id: int, user_id: int) -> Membership:
    member = db.session.scalar(
        select(Membership).where(Membership.community_id == community_id, Membership.user_id == user_id)
    )
    if member is None:
        raise NotFound()
    return member


def decide(actor, community_id: int, user_id: int, *, decision: str, reason: str | None = None) -> Claim:
    """A verified resident of the flat agrees to, or refuses, another member's claim to live there.

    :raises Forbidden: not a verified member of the community (reasons as for any write), ``own_claim``
    :raises NotFound: no such member, or a member who gave another flat
    :raises Conflict: ``community.claim_settled`` (verified or suspended already), ``community.claim_answered``
    """
    if decision not in HOUSEHOLD_DECISIONS:  # the schema refuses it first; a service stays safe on its own
        raise Conflict("community.claim_settled")
    community = _community_or_404(community_id)
    resident = access.require_verified(actor, community_id)
    claimant = _claim_or_404(community_id, user_id)
    if claimant.user_id == actor.id:
        raise Forbidden(reason="own_claim")
    if resident.household_id is None or claimant.household_id != resident.household_id:
        raise NotFound()
    if claimant.recorded_status not in OPEN_CLAIM_STATES:
        raise Conflict("community.claim_settled")
    answer = HouseholdAgreement(
        membership_id=claimant.id,
        household_id=claimant.household_id,
        resident_id=actor.id,
        decision=decision,
        reason=reason or None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(answer)
            db.session.flush()
    except IntegrityError:  # another resident of the flat answered first
        raise Conflict("community.claim_answered") from None
    audit.record(
        actor,
        f"member.household_{decision}",
        "user",
        user_id,
        community_id=community_id,
        reason=reason or "",
        after={"decision": decision, "household_id": claimant.household_id},
    )
    context = {"community_id": community_id, "community_name": community.name}
    told = "household_claim_agreed" if decision == "agree" else "household_claim_refused"
    notify([user_id], told, context, community_id=community_id)
    committee = db.session.scalars(
        select(Membership.user_id).where(
            Membership.community_id == community_id,
            Membership.role == "committee",
            Membership.recorded_status == "verified",
        )
    )
    notify(
        list(committee),
        "household_claim_answered",
        {**context, "claimant_name": claimant.user.display_name, "decision": decision, "user_id": user_id},
        community_id=community_id,
        exclude=[actor.id],
    )
    return _present(actor, [claimant], manager=False, household_id=resident.household_id)[0]


def listed(actor, community_id: int) -> list[Claim]:
    """The open claims this viewer deals with: for the committee (or a platform admin) every claim on a flat
    where verified residents live, with its answer and who gave it; for a verified resident the claims on
    their own flat. At most 200, oldest first (a committee that lets more wait has a bigger problem).

    :raises Forbidden: pending, invited, suspended and non-members (reasons as for any member-only read)
    """
    _community_or_404(community_id)
    access.require_user(actor)
    manager = actor.is_platform_admin or access.is_committee(actor, community_id)
    household_id = None
    if not manager:
        household_id = access.require_verified(actor, community_id).household_id
        if household_id is None:
            return []
    verified = (
        select(Membership.household_id)
        .where(
            Membership.community_id == community_id,
            Membership.recorded_status == "verified",
            Membership.household_id.is_not(None),
        )
        .distinct()
    )
    stmt = select(Membership).where(
        Membership.community_id == community_id,
        Membership.recorded_status.in_(OPEN_CLAIM_STATES),
        Membership.household_id.in_(verified),
    )
    if household_id is not None:
        stmt = stmt.where(Membership.household_id == household_id, Membership.user_id != actor.id)
    members = list(db.session.scalars(stmt.order_by(Membership.id).limit(200)))
    return _present(actor, members, manager=manager, household_id=household_id)


def _present(actor, members: list[Membership], *, manager: bool, household_id: int | None) -> list[Claim]:
    """Claims with their answers (one query for the page); who answered only for the committee."""
    answers = {}
    if members:
        rows = db.session.scalars(
            select(HouseholdAgreement).where(HouseholdAgreement.membership_id.in_([m.id for m in members]))
        )
        answers = {(a.membership_id, a.household_id): a for a in rows}
    residents = users_by_id({a.resident_id for a in answers.values()}) if manager else {}
    claims = []
    for member in members:
        answer = answers.get((member.id, member.household_id))
        agreement = None
        if answer is not None:
            agreement = {
                "decision": answer.decision,
                "decided_at": answer.decided_at,
                # The reason is for the committee (and whoever wrote it), not for the rest of the flat.
                "reason": answer.reason if manager or answer.resident_id == getattr(actor, "id", None) else None,
                "resident": residents.get(answer.resident_id) if manager else None,
            }
        may_answer = (
            answer is None
            and member.recorded_status in OPEN_CLAIM_STATES
            and member.user_id != getattr(actor, "id", None)
            and household_id is not None
            and member.household_id == household_id
        )
        claims.append(
            Claim(
                user=member.user,
                status=member.status,
                joined_at=member.joined_at,
                household=member.household,
                agreement=agreement,
                can={"agree": may_answer, "refuse": may_answer},
            )
        )
    return claims
