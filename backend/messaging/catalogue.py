"""What each kind of message says, in both languages, and the order of its SMS template's parameters.

An SMS template approved by the carrier has numbered slots ({1}, {2}); `SMS_PARAMS` gives the message's
parameters in that order. The texts here are what the e-mail and the development outbox show; the
deployment's approved SMS templates should say the same (docs/operations.md lists them).
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "sign_in_code": {
        "zh-CN": (
            "邻里登录验证码",
            "【邻里】您的登录验证码是 {code}，{minutes} 分钟内有效。如非本人操作，请忽略本消息。",
        ),
        "en": (
            "Your Linli sign-in code",
            "Your Linli sign-in code is {code}. It expires in {minutes} minutes. If you did not ask for it, "
            "ignore this message.",
        ),
    },
    "password_reset_code": {
        "zh-CN": (
            "邻里重设密码验证码",
            "【邻里】您正在重设密码，验证码是 {code}，{minutes} 分钟内有效。如非本人操作，请忽略本消息。",
        ),
        "en": (
            "Your Linli password reset code",
            "Your code to reset your Linli password is {code}. It expires in {minutes} minutes. If you did not "
            "ask for it, ignore this message.",
        ),
    },
    "phone_verify_code": {
        "zh-CN": (
            "邻里手机号验证码",
            "【邻里】您正在为账号绑定此手机号，验证码是 {code}，{minutes} 分钟内有效。如非本人操作，请忽略本消息。",
        ),
        "en": (
            "Your Linli phone number code",
            "Your code to add this phone number to your Linli account is {code}. It expires in {minutes} minutes. "
            "If you did not ask for it, ignore this message.",
        ),
    },
    "urgent_notice": {
        "zh-CN": ("邻里紧急通知", "【邻里】{community}紧急通知：{title}。详情：{link}"),
        "en": ("Urgent notice from Linli", "Urgent notice from {community}: {title}. Details: {link}"),
    },
}

SMS_PARAMS: dict[str, tuple[str, ...]] = {
    "sign_in_code": ("code", "minutes"),
    "password_reset_code": ("code", "minutes"),
    "phone_verify_code": ("code", "minutes"),
    "urgent_notice": ("community", "title", "link"),
}

PURPOSES = tuple(TEXTS)


def render(purpose: str, locale: str, params: dict) -> tuple[str, str]:
    """(subject, body) of a message in `locale` (zh-CN when the language is not known)."""
    subject, body = TEXTS[purpose].get(locale) or TEXTS[purpose]["zh-CN"]
    return subject, body.format(**params)


def sms_params(purpose: str, params: dict) -> list[str]:
    return [str(params[name]) for name in SMS_PARAMS[purpose]]
