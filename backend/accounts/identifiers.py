"""Pure helpers: normalise the e-mail addresses and mainland phone numbers people sign in with."""

import re

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_email(value: str) -> str | None:
    """Lower-cased, trimmed e-mail, or None when it is not one."""
    email = value.strip().lower()
    return email if len(email) <= 254 and _EMAIL.match(email) else None


def normalize_phone(value: str) -> str | None:
    """E.164 form (+8613812345678) of a mainland mobile number written any common way, or None."""
    digits = _PHONE_SEPARATORS.sub("", value.strip())
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
            break
    return f"+86{digits}" if _MAINLAND_MOBILE.match(digits) else None


def normalize_login(value: str) -> str | None:
    """The stored form of what someone typed to sign in: an e-mail if it has an @, else a phone."""
    return normalize_email(value) if "@" in value else normalize_phone(value)


def mask_phone(phone: str | None) -> str | None:
    """+8613812345678 -> 138****5678, for logs and for views that must not show the whole number."""
    if not phone:
        return None
    local = phone.removeprefix("+86")
    return f"{local[:3]}****{local[-4:]}"
