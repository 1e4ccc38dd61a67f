"""Notification settings, read from the app config (config.py documents each and reads the environment)."""

from __future__ import annotations

from flask import current_app


def setting(name: str):
    return current_app.config[name]


def allowed_hosts() -> list[str]:
    value = setting("PUSH_ALLOWED_HOSTS")
    if isinstance(value, str):
        value = value.split(",")
    return [host.strip() for host in value if host and host.strip()]


def push_config() -> dict:
    """What the push session is built from (see push.session_for)."""
    return {
        "PUSH_ALLOW_LOOPBACK": bool(current_app.config.get("PUSH_ALLOW_LOOPBACK")),
        "PUSH_TIMEOUT_SECONDS": setting("PUSH_TIMEOUT_SECONDS"),
        "PUSH_CONCURRENCY": setting("PUSH_CONCURRENCY"),
    }
