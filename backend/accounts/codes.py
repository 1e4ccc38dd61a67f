"""One-time codes by SMS or e-mail: sign in without the password, or set a new one.

The rules, and why:
- The answer to "send me a code" is the same whether or not an account has that phone or address (202, the
  same body), and both cases write a code row, so neither the status, the body nor the work done tells.
  Only an existing account gets a message.
- Codes are six digits, valid LOGIN_CODE_MINUTES (10), stored as HMACs with the server's key; asking again
  retires the codes asked before.
- A code takes at most LOGIN_CODE_MAX_TRIES (5) wrong tries, counted by a conditional UPDATE that survives the
  401 it leads to (core.db.keep_when_refused): parallel guesses queue on the row and cannot share one try.
  It is used once: a second redeemer, even at the same instant, loses the conditional UPDATE of `used_at`.
- Requests and wrong tries are also limited per phone or address and per client address (routes, through the
  shared limiter store).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from backend.accounts.identifiers import normalize_login, normalize_phone
from backend.accounts.models import LoginCode, User
from backend.accounts.passwords import hash_password
from backend.accounts.services import check_password_strength, register_account_eraser, revoke_sessions
from backend.core.db import keep_when_refused, utcnow
from backend.core.errors import AuthRequired, Conflict, ValidationFailed, register_messages
from backend.extensions import db
from backend.messaging import services as messaging

PURPOSES = ("sign_in", "reset_password")
MESSAGE_OF = {"sign_in": "sign_in_code", "reset_password": "password_reset_code"}

register_messages(
    "account",
    {
        "invalid_code": {
            "zh-CN": ("验证码无效", "验证码不正确、已使用或已过期。请重新获取验证码。"),
            "en": ("Code not valid", "The code is wrong, already used or expired. Ask for a new code."),
        },
        "phone_code_invalid": {
            "zh-CN": ("验证码无效", "验证码不正确、已使用或已过期，或不是发给这个手机号的。请重新获取验证码。"),
            "en": ("Code not valid", "The code is wrong, used, expired or was sent to another number. Ask again."),
        },
        "phone_taken": {
            "zh-CN": ("手机号已被使用", "这个手机号已绑定其他账号。如是您的号码，请用它登录那个账号。"),
            "en": ("Number in use", "Another account has this phone number. If it is yours, sign in to that one."),
        },
        "phone_already_verified": {
            "zh-CN": ("已验证", "这个手机号已经绑定并验证过了。"),
            "en": ("Already verified", "This phone number is already on your account and verified."),
        },
    },
)


def _key() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def login_hash(identifier: str) -> str:
    """The phone number or e-mail address, as the code table keeps it (an HMAC: the table lists no numbers)."""
    return hmac.new(_key(), f"login:{identifier}".encode(), hashlib.sha256).hexdigest()


def _code_hash(code_login_hash: str, purpose: str, code: str) -> str:
    return hmac.new(_key(), f"code:{code_login_hash}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def _identifier(login: str) -> str:
    identifier = normalize_login(login)
    if not identifier:
        raise ValidationFailed({"login": ["give a mainland mobile number or an e-mail address"]})
    return identifier


def channel_of(identifier: str) -> str:
    return "email" if "@" in identifier else "sms"


def request_code(login: str, purpose: str, *, locale: str = "zh-CN") -> dict:
    """Make a code for this phone or address and, if an account has it, send it there; the same answer either way.

    :raises ValidationFailed: a login that is neither a mainland mobile number nor an e-mail address
    """
    identifier = _identifier(login)
    hashed = login_hash(identifier)
    user = db.session.scalar(
        select(User).where((User.email if "@" in identifier else User.phone) == identifier, User.deleted_at.is_(None))
    )
    now, minutes = utcnow(), current_app.config.get("LOGIN_CODE_MINUTES", 10)
    db.session.execute(
        update(LoginCode)
        .where(LoginCode.login_hash == hashed, LoginCode.purpose == purpose, LoginCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(
        LoginCode(
            purpose=purpose,
            login_hash=hashed,
            user_id=user.id if user else None,
            code_hash=_code_hash(hashed, purpose, code),
            tries=0,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    if user is not None:
        messaging.send(
            channel=channel_of(identifier),
            to=identifier,
            purpose=MESSAGE_OF[purpose],
            params={"code": code, "minutes": minutes},
            locale=user.locale or locale,
            user_id=user.id,
        )
    db.session.flush()
    return {"channel": channel_of(identifier), "expires_in_seconds": minutes * 60}


def redeem_code(login: str, code: str, purpose: str) -> User:
    """The account this code was sent to, the code now used.

    :raises AuthRequired: ``account.invalid_code`` for a wrong, used, expired or exhausted code, or one sent
        to an address with no account, alike
    """
    identifier = normalize_login(login)
    if not identifier:
        raise AuthRequired("account.invalid_code")
    hashed, now = login_hash(identifier), utcnow()
    latest = db.session.execute(
        select(LoginCode.id, LoginCode.user_id, LoginCode.code_hash)
        .where(
            LoginCode.login_hash == hashed,
            LoginCode.purpose == purpose,
            LoginCode.used_at.is_(None),
            LoginCode.expires_at > now,
        )
        .order_by(LoginCode.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        raise AuthRequired("account.invalid_code")
    # The try is counted first, under the row's lock, and kept whatever the answer.
    keep_when_refused()
    counted = db.session.execute(
        update(LoginCode)
        .where(
            LoginCode.id == latest.id,
            LoginCode.used_at.is_(None),
            LoginCode.tries < current_app.config.get("LOGIN_CODE_MAX_TRIES", 5),
        )
        .values(tries=LoginCode.tries + 1)
    ).rowcount
    right = hmac.compare_digest(latest.code_hash, _code_hash(hashed, purpose, code))
    if counted != 1 or not right or latest.user_id is None:
        raise AuthRequired("account.invalid_code")
    used = db.session.execute(
        update(LoginCode).where(LoginCode.id == latest.id, LoginCode.used_at.is_(None)).values(used_at=now)
    ).rowcount
    user = db.session.get(User, latest.user_id)
    if used != 1 or user is None or user.is_deleted:
        raise AuthRequired("account.invalid_code")
    # From here on the request commits or rolls back as any other.
    keep_when_refused(False)
    user.last_login_at = now
    if channel_of(identifier) == "sms" and user.phone == identifier:
        user.phone_verified_at = now  # the code reached this phone: it is theirs
    db.session.flush()
    return user


def _mobile(phone: str) -> str:
    normalized = normalize_phone(phone or "")
    if not normalized:
        raise ValidationFailed({"phone": ["not a mainland China mobile number"]})
    return normalized


def _refuse_if_taken(actor: User, phone: str) -> None:
    taken = db.session.scalar(
        select(User.id).where(User.phone == phone, User.id != actor.id, User.deleted_at.is_(None)).limit(1)
    )
    if taken is not None:
        raise Conflict("account.phone_taken")


def request_phone_code(actor: User, phone: str, *, locale: str = "zh-CN") -> dict:
    """Send a code by SMS to a phone number the signed-in person adds in the settings. The number becomes theirs
    (verified, and a way to sign in) only once the code is typed back: the code row names the person and the
    number, so nobody else can confirm it, and a code for another number does not fit. Asking again retires the
    person's earlier phone codes.

    :raises ValidationFailed: not a mainland mobile number
    :raises Conflict: ``account.phone_taken`` (another live account has it), ``account.phone_already_verified``
    """
    number = _mobile(phone)
    if actor.phone == number and actor.phone_verified_at is not None:
        raise Conflict("account.phone_already_verified")
    _refuse_if_taken(actor, number)
    now, minutes = utcnow(), current_app.config.get("LOGIN_CODE_MINUTES", 10)
    db.session.execute(
        update(LoginCode)
        .where(LoginCode.user_id == actor.id, LoginCode.purpose == "verify_phone", LoginCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    hashed = login_hash(number)
    db.session.add(
        LoginCode(
            purpose="verify_phone",
            login_hash=hashed,
            user_id=actor.id,
            code_hash=_code_hash(hashed, "verify_phone", code),
            tries=0,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    messaging.send(
        channel="sms",
        to=number,
        purpose="phone_verify_code",
        params={"code": code, "minutes": minutes},
        locale=actor.locale or locale,
        user_id=actor.id,
    )
    db.session.flush()
    return {"channel": "sms", "expires_in_seconds": minutes * 60}


def confirm_phone(actor: User, phone: str, code: str) -> User:
    """The code sent to `phone` for this person, typed back: the number is now theirs, verified.

    Tries are counted as sign-in codes' are (a conditional UPDATE kept whatever the answer), the code is used once.

    :raises ValidationFailed: ``account.phone_code_invalid`` for a wrong, used, expired or exhausted code, or one
        sent for another number or person, alike; a number that is not a mainland mobile number
    :raises Conflict: ``account.phone_taken`` when another account took the number in the meantime
    """
    number = _mobile(phone)
    invalid = ValidationFailed({"code": ["wrong, used or expired code"]}, code="account.phone_code_invalid")
    hashed, now = login_hash(number), utcnow()
    latest = db.session.execute(
        select(LoginCode.id, LoginCode.code_hash)
        .where(
            LoginCode.login_hash == hashed,
            LoginCode.purpose == "verify_phone",
            LoginCode.user_id == actor.id,
            LoginCode.used_at.is_(None),
            LoginCode.expires_at > now,
        )
        .order_by(LoginCode.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        raise invalid
    keep_when_refused()  # the try is counted first, under the row's lock, and kept whatever the answer
    counted = db.session.execute(
        update(LoginCode)
        .where(
            LoginCode.id == latest.id,
            LoginCode.used_at.is_(None),
            LoginCode.tries < current_app.config.get("LOGIN_CODE_MAX_TRIES", 5),
        )
        .values(tries=LoginCode.tries + 1)
    ).rowcount
    if counted != 1 or not hmac.compare_digest(latest.code_hash, _code_hash(hashed, "verify_phone", code)):
        raise invalid
    used = db.session.execute(
        update(LoginCode).where(LoginCode.id == latest.id, LoginCode.used_at.is_(None)).values(used_at=now)
    ).rowcount
    if used != 1:
        raise invalid
    keep_when_refused(False)  # from here on the request commits or rolls back as any other
    _refuse_if_taken(actor, number)
    try:
        with db.session.begin_nested():  # two accounts confirming one number at once: the unique key keeps one
            actor.phone, actor.phone_verified_at = number, now
            db.session.flush()
    except IntegrityError:
        raise Conflict("account.phone_taken") from None
    return actor


def purge_spent_codes(now=None) -> int:
    """Job: delete codes a day after they expired (they open nothing; a day keeps the counts for the limits)."""
    cutoff = (now or utcnow()) - timedelta(days=1)
    return db.session.execute(LoginCode.__table__.delete().where(LoginCode.expires_at < cutoff)).rowcount


def reset_password(login: str, code: str, new_password: str) -> User:
    """Set a new password with a code sent for it, and sign out every session (the caller signs this one in).

    :raises ValidationFailed: a weak password (checked before the code is touched, so it stays usable)
    :raises AuthRequired: ``account.invalid_code``
    """
    check_password_strength(new_password, field="new_password")
    user = redeem_code(login, code, "reset_password")
    user.password_hash = hash_password(new_password)
    revoke_sessions(user)
    db.session.flush()
    return user


# The messages sent to a person go with their account (their addresses are personal data).
register_account_eraser(messaging.erase_messages_of)
