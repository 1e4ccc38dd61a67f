"""Accounts made at the committee's desk for residents without a phone or e-mail (issue 18, 代办), and taken over
later by the resident with the code of their invitation letter. Communities decides who may do either
(backend/communities/assisted.py); this module only writes the account."""

from __future__ import annotations

from sqlalchemy import select

from backend.accounts import names
from backend.accounts.identifiers import normalize_email, normalize_phone
from backend.accounts.models import User
from backend.accounts.passwords import hash_password
from backend.accounts.services import check_password_strength, revoke_sessions
from backend.core.db import utcnow
from backend.core.errors import Conflict, ValidationFailed
from backend.extensions import db

NO_PASSWORD = "!"  # matches no argon2 hash: nobody signs in with a password until the resident sets one


def _taken(column, value) -> bool:
    return db.session.scalar(select(User.id).where(column == value)) is not None


def create_account_without_sign_in(display_name: str, *, phone: str | None = None, locale: str = "zh-CN") -> User:
    """An account nobody can sign in to yet: a name, perhaps a phone (for SMS notices), no password.

    :raises ValidationFailed: a phone that is no mainland mobile number
    :raises Conflict: ``account.account_exists`` when the phone has an account already (sign them up as members)
    """
    normalized = None
    if phone:
        normalized = normalize_phone(phone)
        if not normalized:
            raise ValidationFailed({"phone": ["not a mainland China mobile number"]})
        if _taken(User.phone, normalized):
            raise Conflict("account.account_exists")
    user = User(phone=normalized, password_hash=NO_PASSWORD, display_name=names.clean(display_name), locale=locale)
    # Staff took the number down face to face, with the resident's consent on paper: it counts as verified
    # (urgent notices reach this resident by SMS, which is why it was asked for).
    user.phone_verified_at = utcnow() if normalized else None
    db.session.add(user)
    db.session.flush()
    return user


def set_credentials(user: User, *, login: str, password: str, display_name: str | None = None) -> User:
    """The resident takes the account over: their phone or e-mail and a password of their own.

    :raises ValidationFailed: a login that is neither, a weak password
    :raises Conflict: ``account.account_exists`` when another account has that phone or e-mail
    """
    check_password_strength(password)
    if "@" in login:
        email = normalize_email(login)
        if not email:
            raise ValidationFailed({"login": ["not a valid e-mail address"]})
        if _taken(User.email, email) and user.email != email:
            raise Conflict("account.account_exists")
        user.email = email
    else:
        phone = normalize_phone(login)
        if not phone:
            raise ValidationFailed({"login": ["not a mainland China mobile number"]})
        if _taken(User.phone, phone) and user.phone != phone:
            raise Conflict("account.account_exists")
        if user.phone != phone:  # a number nobody has checked yet: verified when a code sent to it is redeemed
            user.phone_verified_at = None
        user.phone = phone
    user.password_hash = hash_password(password)
    if display_name:
        user.display_name = names.clean(display_name)
    user.last_login_at = utcnow()
    revoke_sessions(user)
    db.session.flush()
    return user
