"""Accounts: registration, sign-in, profile, deletion. Services flush; the request commits."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import bindparam, select, update

from backend.accounts import names, privacy, session_cache
from backend.accounts.identifiers import normalize_email, normalize_login, normalize_phone
from backend.accounts.models import User, UserSession
from backend.accounts.passwords import burn_time, hash_password, needs_rehash, verify_password
from backend.core.actors import require_user
from backend.core.db import utcnow
from backend.core.errors import AuthRequired, Conflict, ValidationFailed, register_messages
from backend.extensions import db

MIN_PASSWORD_LENGTH = 10
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

register_messages(
    "account",
    {
        "invalid_credentials": {
            "zh-CN": ("登录失败", "账号或密码不正确。"),
            "en": ("Sign-in failed", "The account or password is not correct."),
        },
        "account_exists": {
            "zh-CN": ("账号已存在", "该邮箱或手机号已注册，请直接登录。"),
            "en": ("Account exists", "This e-mail or phone number is already registered; please sign in."),
        },
    },
)

# Other domains register functions that erase what they hold about a person who deletes the account.
_account_erasers: list[Callable[[User], None]] = []
# ... and what a person's own profile shows besides the account (communities: their memberships).
_profile_parts: dict[str, Callable[[User], object]] = {}
# ... and who reacts to a new display name (communities: the committee is warned of a look-alike of theirs).
_rename_listeners: list[Callable[[User], None]] = []


def register_account_eraser(eraser: Callable[[User], None]) -> None:
    _account_erasers.append(eraser)


def register_rename_listener(listener: Callable[[User], None]) -> None:
    """`listener(user)` runs after a user changed their display name, in the same transaction."""
    if listener not in _rename_listeners:
        _rename_listeners.append(listener)


def register_profile_part(name: str, loader: Callable[[User], object]) -> None:
    """`loader(user)` becomes the attribute `name` of the user whose own profile is shown (GET /me)."""
    if name in _profile_parts:
        raise ValueError(f"profile part {name!r} is registered twice")
    _profile_parts[name] = loader


def with_profile_parts(user: User) -> User:
    """The user with every registered part attached, for the profile schema (accounts.schemas.MeSchema)."""
    for name, loader in _profile_parts.items():
        setattr(user, name, loader(user))
    return user


def _identifier_errors(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
    if bool(email) == bool(phone):
        raise ValidationFailed({"email": ["give an e-mail address or a phone number, not both"]})
    if email:
        normalized = normalize_email(email)
        if not normalized:
            raise ValidationFailed({"email": ["not a valid e-mail address"]})
        return normalized, None
    normalized = normalize_phone(phone)
    if not normalized:
        raise ValidationFailed({"phone": ["not a mainland China mobile number"]})
    return None, normalized


def check_password_strength(password: str, *, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({field: [f"at least {MIN_PASSWORD_LENGTH} characters"]})
    if len(set(password)) < 4:
        raise ValidationFailed({field: ["too easy to guess"]})


def register(
    *,
    password: str,
    display_name: str,
    email: str | None = None,
    phone: str | None = None,
    locale: str = "zh-CN",
    privacy_consent: bool | None = None,
) -> User:
    """Create an account, recording consent to the privacy notice when given.

    :raises ValidationFailed: bad identifier, weak password, ``consent_required`` (consent refused)
    :raises Conflict: ``account.account_exists`` when the e-mail or phone is taken
    """
    privacy.require_consent_at_sign_up(privacy_consent)
    email, phone = _identifier_errors(email, phone)
    check_password_strength(password)
    column, value = (User.email, email) if email else (User.phone, phone)
    if db.session.scalar(select(User.id).where(column == value)):
        raise Conflict("account.account_exists")
    user = User(
        email=email,
        phone=phone,
        password_hash=hash_password(password),
        display_name=names.clean(display_name),
        locale=locale,
    )
    if privacy_consent:
        privacy.record_consent(user)
    db.session.add(user)
    db.session.flush()
    return user


def accept_privacy_notice(actor, version: str) -> User:
    """Record that the signed-in person accepted the notice `version` they were shown.

    :raises Conflict: ``privacy_notice_changed`` when a newer notice replaced it meanwhile
    """
    require_user(actor)
    privacy.record_consent(actor, version)
    db.session.flush()
    return actor


def authenticate(login: str, password: str) -> User:
    """The account for these credentials, rehashing the password if the parameters changed.

    :raises AuthRequired: ``invalid_credentials`` for an unknown account or a wrong password alike
    """
    identifier = normalize_login(login)
    user = None
    if identifier:
        column = User.email if "@" in identifier else User.phone
        user = db.session.scalar(select(User).where(column == identifier, User.deleted_at.is_(None)))
    if user is None:
        burn_time(password)
        raise AuthRequired("invalid_credentials")
    if not verify_password(user.password_hash, password):
        raise AuthRequired("invalid_credentials")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    """A new signed-in device: the random token goes into the cookie, its hash into the database."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_token_hash(token)))
    db.session.flush()
    return token


def load_session_user(user_id: str, token: str | None, *, max_age: timedelta) -> User | None:
    """The user of a cookie session, if its token is neither revoked nor older than `max_age`."""
    if not token or not user_id.isdigit():
        return None
    token_hash, oldest = _token_hash(token), utcnow() - max_age
    cache = session_cache.cache()
    epoch = cache.epoch() if cache else None  # read before the lookup (see session_cache)
    if cache is not None:
        entry = cache.get(token_hash, epoch)
        if entry is not None and entry.user_id == int(user_id) and entry.session_created_at > oldest:
            return session_cache.attach(entry)
    row = db.session.execute(
        _session_user_statement(), {"user_id": int(user_id), "token_hash": token_hash, "oldest": oldest}
    ).first()
    if row is None:
        return None
    user, created_at = row
    if cache is not None:
        cache.put(token_hash, epoch, user, created_at)
    return user


@functools.cache
def _session_user_statement():
    """The user of a live session token, built once with its values bound (issue 17: a signed-in request the
    session cache does not answer pays for the lookup, not for building it). Built on first use, once the
    mappers are configured."""
    return (
        select(User, UserSession.created_at)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == bindparam("user_id"),
            User.deleted_at.is_(None),
            UserSession.token_hash == bindparam("token_hash"),
            UserSession.revoked_at.is_(None),
            UserSession.created_at > bindparam("oldest"),
        )
    )


def end_session(token: str | None) -> None:
    if token:
        session_cache.mark_stale()
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def revoke_sessions(user: User) -> None:
    """Sign the user out everywhere (password change, account deletion)."""
    session_cache.mark_stale()
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_user_by_login(login: str) -> User | None:
    """The live account with this phone number or e-mail address, or None (a platform admin naming an official)."""
    identifier = normalize_login(login)
    if not identifier:
        return None
    column = User.email if "@" in identifier else User.phone
    return db.session.scalar(select(User).where(column == identifier, User.deleted_at.is_(None)))


def users_by_id(user_ids) -> dict[int, User]:
    """{id: user} of the ids that exist, in one query (names for lists other domains show)."""
    ids = list(set(user_ids))
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def platform_admin_ids() -> list[int]:
    """The platform admins: who decides what no committee member is left to decide (an appeal)."""
    return list(db.session.scalars(select(User.id).where(User.is_platform_admin.is_(True), User.deleted_at.is_(None))))


def display_name_of(user_id_column):
    """SQL for the display name of the user whose id is in `user_id_column` (NULL when none), so that
    another domain's export lists people by name in its own query, without reading this domain's table."""
    return select(User.display_name).where(User.id == user_id_column).scalar_subquery()


def delivery_profiles(user_ids: list[int]) -> dict[int, tuple[str, str, str | None, str | None]]:
    """{user id: (locale, timezone, quiet start, quiet end)} of live accounts, one query, for notifications."""
    rows = db.session.execute(
        select(User.id, User.locale, User.timezone, User.quiet_hours_start, User.quiet_hours_end).where(
            User.id.in_(user_ids), User.deleted_at.is_(None)
        )
    )
    return {row.id: (row.locale, row.timezone, row.quiet_hours_start, row.quiet_hours_end) for row in rows}


def verified_phones(user_ids: list[int]) -> dict[int, tuple[str, str]]:
    """{user id: (phone, locale)} of the live accounts among `user_ids` whose phone is verified (urgent SMS)."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.phone, User.locale).where(
            User.id.in_(user_ids),
            User.deleted_at.is_(None),
            User.phone.is_not(None),
            User.phone_verified_at.is_not(None),
        )
    )
    return {row.id: (row.phone, row.locale) for row in rows}


def has_verified_phone(user: User) -> bool:
    return bool(user.phone and user.phone_verified_at)


def update_profile(actor: User, changes: dict) -> User:
    """Change the actor's own profile; quiet hours are both times or none. A new display name is announced
    (rename listeners: the committees of the person's communities are warned of a look-alike of theirs)."""
    renamed = False
    if "display_name" in changes:
        name = names.clean(changes["display_name"])
        renamed = name != actor.display_name
        actor.display_name = name
    if "locale" in changes:
        actor.locale = changes["locale"]
    if "care_mode" in changes:
        actor.care_mode = changes["care_mode"]
    if "timezone" in changes:
        actor.timezone = changes["timezone"]
    if "quiet_hours" in changes:
        quiet = changes["quiet_hours"]
        if quiet is None:
            actor.quiet_hours_start = actor.quiet_hours_end = None
        else:
            bad = [k for k in ("start", "end") if not _TIME.match(quiet.get(k) or "")]
            if bad:
                raise ValidationFailed({"quiet_hours": [f"{', '.join(bad)} must be HH:MM"]})
            actor.quiet_hours_start, actor.quiet_hours_end = quiet["start"], quiet["end"]
    db.session.flush()
    if renamed:
        for listener in _rename_listeners:
            listener(actor)
    return actor


def change_password(actor: User, current_password: str, new_password: str) -> User:
    """Set a new password and sign out every session (the caller starts a new one for this device)."""
    if not verify_password(actor.password_hash, current_password):
        raise ValidationFailed({"current_password": ["not correct"]}, code="invalid_credentials")
    check_password_strength(new_password, field="new_password")
    actor.password_hash = hash_password(new_password)
    revoke_sessions(actor)
    db.session.flush()
    return actor


def delete_account(actor: User) -> None:
    """Erase personal data; keep the row so content stays, shown under a "former resident" name."""
    for eraser in _account_erasers:
        eraser(actor)
    actor.email = None
    actor.phone = None
    actor.phone_verified_at = None
    actor.display_name = None
    actor.password_hash = "!"  # matches no argon2 hash
    actor.quiet_hours_start = actor.quiet_hours_end = None
    actor.is_platform_admin = False
    actor.deleted_at = utcnow()
    revoke_sessions(actor)
    db.session.flush()


def create_platform_admin(*, email: str, password: str, display_name: str = "Platform admin") -> User:
    """For the CLI: a new account with platform rights, or grant them to the existing one."""
    normalized = normalize_email(email)
    if not normalized:
        raise ValidationFailed({"email": ["not a valid e-mail address"]})
    user = db.session.scalar(select(User).where(User.email == normalized))
    if user is None:
        user = register(email=normalized, password=password, display_name=display_name)
    user.is_platform_admin = True
    db.session.flush()
    return user
