"""Fixtures: the local push service, devices subscribed through the service layer, notify-and-commit."""

from __future__ import annotations

import pytest

from backend.extensions import db
from tests.push_service import PushService


@pytest.fixture
def push_service(app):
    """A real Web Push receiver on 127.0.0.1 that checks our VAPID key and decrypts every payload."""
    from backend.notifications.vapid import public_key

    with app.app_context():
        key = public_key()
    with PushService(expected_key=key) as service:
        yield service


def load_user(user_id: int):
    from backend.accounts.models import User

    return db.session.get(User, user_id)


@pytest.fixture
def subscribe(app, push_service):
    """subscribe(user) -> Subscriber: a device of `user` subscribed to the local push service."""
    from backend.core.db import commit
    from backend.notifications import services

    def make(user, *, reuse_keys_of=None):
        device = push_service.new_subscriber(reuse_keys_of=reuse_keys_of)
        with app.app_context():
            data = device.subscription_json()
            services.subscribe(load_user(user.id), endpoint=data["endpoint"], keys=data["keys"])
            commit()
        return device

    return make


@pytest.fixture
def send(app):
    """send(recipients, kind, context, **kw): notify() and commit, as a request would (jobs run inline)."""
    from backend.core.db import commit
    from backend.notifications.services import notify

    def run(recipients, kind, context=None, **kwargs):
        with app.app_context():
            ids = [getattr(r, "id", r) for r in recipients]
            row_ids = notify(ids, kind, context, **kwargs)
            commit()
            return row_ids

    return run
