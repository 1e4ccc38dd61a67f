"""The request's language: the signed-in person's saved choice, then Accept-Language, then zh-CN."""

from flask import has_request_context, request

SUPPORTED_LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"


def normalize_locale(value: str | None) -> str | None:
    """Map browser tags (zh, zh-Hans-CN, en-GB) to one of our two locales."""
    if not value:
        return None
    tag = value.strip().lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return None


def request_locale() -> str:
    """A signed-in person reads the language they chose in the app, whatever their browser says; a visitor
    the browser's (Accept-Language); else zh-CN."""
    if not has_request_context():
        return DEFAULT_LOCALE
    from flask_login import current_user

    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in SUPPORTED_LOCALES:
        return user_locale
    return locale_of_accept(request.accept_languages)


def locale_of_accept(accept_languages) -> str:
    """The first supported language of an Accept-Language header (werkzeug's LanguageAccept), else zh-CN."""
    for tag, _quality in accept_languages:
        locale = normalize_locale(tag)
        if locale:
            return locale
    return DEFAULT_LOCALE
