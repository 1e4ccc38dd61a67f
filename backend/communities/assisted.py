"""Residents served in person (代办): staff register them without a phone or e-mail, act for them, and hand them an
invitation letter whose one-time code lets them take the account over later.

Who may: the committee for anyone in the community; a grid worker for the residents of the grids they are
responsible for. Everything is in the audit log. The consent the resident gave on paper is recorded with its date
and the staff member who registered them; the resident sees all of it in their data download.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select, update

from backend.accounts import in_person
from backend.accounts.services import users_by_id
from backend.audit import services as audit
from backend.communities import access
from backend.communities.models import AssistedResident, Grid, Household, Membership
from backend.communities.services import _household, get_community, grid_in_community
from backend.core.db import utcnow
from backend.core.errors import Forbidden, NotFound, ValidationFailed, register_messages
from backend.extensions import db

LETTER_DAYS = 30
# No 0/O, 1/I/L: read off paper by an elderly resident or typed for them by a neighbour.
LETTER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LETTER_CODE_LENGTH = 10  # 31^10 ≈ 8·10^14: unguessable under the code-guess limits
CHANNELS = ("phone", "visit", "walk_in", "hotline")

register_messages(
    "member",
    {
        "invalid_letter_code": {
            "zh-CN": ("邀请码无效", "邀请函上的代码不正确、已使用或已过期。请联系居委会重新打印邀请函。"),
            "en": (
                "Letter code not valid",
                "The code of the invitation letter is wrong, already used or expired. "
                "Ask the committee for a new letter.",
            ),
        },
    },
)


def _staff_for(actor, community_id: int, grid: Grid | None):
    """The committee, or the grid worker responsible for `grid`; 403 for anyone else."""
    found = access.require_verified(actor, community_id)
    if found.role == "committee" or (found.role == "grid_worker" and access.is_grid_responsible(actor, grid)):
        return found
    raise Forbidden(reason="role_required")


def _require_staff(actor, community_id: int) -> Membership:
    """The committee or a grid worker of this community (what each may touch is narrowed by the caller)."""
    found = access.require_verified(actor, community_id)
    if found.role not in ("committee", "grid_worker"):
        raise Forbidden(reason="role_required")
    return found


def _letter_hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"letter:{code}".encode(), hashlib.sha256).hexdigest()


def register_resident(
    actor,
    community_id: int,
    *,
    display_name: str,
    building: str,
    unit: str,
    room: str,
    grid_id: int | None = None,
    phone: str | None = None,
    consent_on_paper: bool,
    consent_date: date | None = None,
) -> tuple:
    """Register a resident who has no phone or e-mail (or no app): a verified member of the household, whose
    account nobody can sign in to until they take it over with their letter.

    :raises ValidationFailed: no paper consent, a consent date in the future, a grid of another community
    :raises Forbidden: not the committee, or a grid worker registering outside their grids
    :raises Conflict: ``account.account_exists`` for a phone that has an account already
    """
    get_community(community_id)
    grid = grid_in_community(community_id, grid_id)
    if grid is None and access.require_verified(actor, community_id).role == "grid_worker":
        raise ValidationFailed({"grid_id": ["a grid worker registers residents of their own grid: name it"]})
    _staff_for(actor, community_id, grid)
    if not consent_on_paper:
        raise ValidationFailed({"consent_on_paper": ["the resident's signed consent on paper is needed"]})
    today = utcnow().date()
    consent_on = consent_date or today
    if consent_on > today:
        raise ValidationFailed({"consent_date": ["not in the future"]})
    if not all(part.strip() for part in (building, unit, room)):
        raise ValidationFailed({"room": ["building, unit and room are needed"]})
    user = in_person.create_account_without_sign_in(display_name, phone=phone)
    household = _household(community_id, building, unit, room)
    now = utcnow()
    membership = Membership(
        user_id=user.id,
        community_id=community_id,
        role="resident",
        status="verified",
        household=household,
        grid_id=grid.id if grid else None,
        joined_at=now,
        verified_at=now,
        verified_by_id=actor.id,
    )
    record = AssistedResident(
        user_id=user.id, community_id=community_id, registered_by_id=actor.id, consent_on=consent_on, created_at=now
    )
    db.session.add_all([membership, record])
    db.session.flush()
    audit.record(
        actor,
        "member.registered_in_person",
        "member",
        user.id,
        community_id=community_id,
        after={"household_id": household.id, "grid_id": membership.grid_id, "consent_on": consent_on.isoformat()},
    )
    return user, membership


def _assisted_in(community_id: int, user_id: int) -> tuple[AssistedResident, Membership]:
    row = db.session.execute(
        select(AssistedResident, Membership)
        .join(Membership, (Membership.user_id == AssistedResident.user_id) & (Membership.community_id == community_id))
        .where(AssistedResident.community_id == community_id, AssistedResident.user_id == user_id)
    ).first()
    if row is None:
        raise NotFound()
    return row[0], row[1]


def list_residents(actor, community_id: int, *, building: str | None = None) -> list[dict]:
    """The residents registered in person (staff: the committee all, a grid worker those of their grids)."""
    found = _require_staff(actor, community_id)
    stmt = (
        select(AssistedResident, Membership, Household)
        .join(Membership, (Membership.user_id == AssistedResident.user_id) & (Membership.community_id == community_id))
        .outerjoin(Household, Household.id == Membership.household_id)
        .where(AssistedResident.community_id == community_id)
        .order_by(Household.building, Household.unit, Household.room, AssistedResident.id)
    )
    if found.role == "grid_worker":
        mine = select(Grid.id).where(Grid.community_id == community_id, Grid.responsible_user_id == actor.id)
        stmt = stmt.where(Membership.grid_id.in_(mine))
    if building:
        stmt = stmt.where(Household.building == building.strip().upper())
    rows = db.session.execute(stmt.limit(2000)).all()
    staff = users_by_id([record.registered_by_id for record, _m, _h in rows if record.registered_by_id])
    return [_present(record, membership, household, staff) for record, membership, household in rows]


def _present(record, membership, household, staff) -> dict:
    return {
        "user": record.user,
        "household": household,
        "grid_id": membership.grid_id,
        "registered_by": staff.get(record.registered_by_id),
        "consent_on": record.consent_on,
        "registered_at": record.created_at,
        "letter_expires_at": record.letter_expires_at,
        "taken_over_at": record.taken_over_at,
    }


def print_letters(actor, community_id: int, *, user_ids: list[int] | None = None, building: str | None = None) -> list:
    """New invitation letters (a fresh one-time code each, valid LETTER_DAYS) for the residents named, or every
    resident of a building not yet taken over; an earlier letter's code stops working. The codes are returned
    once, to be printed, and kept only as HMACs.

    :raises ValidationFailed: neither residents nor a building named
    """
    _require_staff(actor, community_id)
    if not user_ids and not building:
        raise ValidationFailed({"building": ["name a building or residents"]})
    residents = [
        r for r in list_residents(actor, community_id, building=building) if not user_ids or r["user"].id in user_ids
    ]
    if user_ids and {r["user"].id for r in residents} != set(user_ids):
        raise NotFound()  # someone not registered in person here, or outside the grid worker's grids
    expires = utcnow() + timedelta(days=LETTER_DAYS)
    letters = []
    for resident in residents:
        if resident["taken_over_at"] is not None:
            continue
        code = "".join(secrets.choice(LETTER_ALPHABET) for _ in range(LETTER_CODE_LENGTH))
        db.session.execute(
            update(AssistedResident)
            .where(AssistedResident.community_id == community_id, AssistedResident.user_id == resident["user"].id)
            .values(letter_code_hash=_letter_hash(code), letter_expires_at=expires)
        )
        letters.append({**resident, "code": code, "letter_expires_at": expires})
    audit.record(
        actor,
        "member.letters_printed",
        "community",
        community_id,
        community_id=community_id,
        after={"user_ids": [letter["user"].id for letter in letters][:500], "building": building},
    )
    db.session.flush()
    return letters


def take_over(code: str, *, login: str, password: str, display_name: str | None = None):
    """The resident takes their account over with the letter's code: their phone or e-mail and a password.

    Single use under concurrency: the code is cleared by a conditional UPDATE that only one request wins.

    :raises NotFound: ``member.invalid_letter_code`` for a wrong, used or expired code, alike
    """
    normalized = "".join(code.split()).upper()
    hashed = _letter_hash(normalized)
    now = utcnow()
    record = db.session.scalar(select(AssistedResident).where(AssistedResident.letter_code_hash == hashed))
    if record is None or record.taken_over_at is not None or (record.letter_expires_at or now) <= now:
        raise NotFound("member.invalid_letter_code")
    won = db.session.execute(
        update(AssistedResident)
        .where(AssistedResident.id == record.id, AssistedResident.letter_code_hash == hashed)
        .where(AssistedResident.taken_over_at.is_(None))
        .values(taken_over_at=now, letter_code_hash=None, letter_expires_at=None)
    ).rowcount
    if won != 1:
        raise NotFound("member.invalid_letter_code")
    user = in_person.set_credentials(record.user, login=login, password=password, display_name=display_name)
    audit.record(user, "member.took_over_account", "member", user.id, community_id=record.community_id)
    return user


def require_acting_for(actor, community_id: int, resident_id: int) -> Membership:
    """The membership of the resident `actor` acts for: the committee for any verified member of the community,
    a grid worker for those of their grids. Other domains call this before they write on someone's behalf.

    :raises Forbidden: not staff here, or a grid worker acting outside their grids
    :raises NotFound: no verified member of this community by that id (another community's resident included)
    """
    staff = _require_staff(actor, community_id)
    resident = access.membership(_Someone(resident_id), community_id)
    if resident is None or resident.status != "verified" or resident_id == actor.id:
        raise NotFound()
    if staff.role == "grid_worker" and not access.is_grid_responsible(actor, resident.grid):
        raise Forbidden(reason="role_required")
    return resident


def acting_as(actor, community_id: int, on_behalf_of: int | None, channel: str | None = None):
    """Who an action is recorded as, and the staff member who entered it: `(actor, None)` when people act for
    themselves, `(the resident, actor)` when staff act for them (checked by `require_acting_for`). A channel other
    than the app only comes with `on_behalf_of`: a resident cannot claim to have phoned the hotline.

    :raises Forbidden: see `require_acting_for`
    :raises NotFound: see `require_acting_for`
    :raises ValidationFailed: a channel without on_behalf_of
    """
    if on_behalf_of is None:
        if channel not in (None, "app"):
            raise ValidationFailed({"channel": ["only with on_behalf_of: staff acting for a resident"]})
        return actor, None
    resident = require_acting_for(actor, community_id, on_behalf_of)
    return users_by_id([resident.user_id])[resident.user_id], actor


class _Someone:
    """A signed-in stand-in for `access.membership`, which looks a person up by id."""

    is_authenticated = True

    def __init__(self, user_id: int):
        self.id = user_id
