"""Fuzzing the API with schemathesis against /api/openapi.json, through the WSGI app (no server).

Signed in as a verified resident and as a committee member of the demo community, with the session's
CSRF token, every operation gets a fixed, derandomized budget of generated requests. Every response
must be below 500 and match what the document says: status, content type (application/json, or
application/problem+json for errors; JSON or XML on the Open311 paths) and body schema. Path ids are drawn
half the time from the demo community's real objects, so that the generated bodies reach the services, not
only the 404 path.
"""

from __future__ import annotations

import contextlib

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.extensions import db, limiter  # noqa: E402
from tests.security_helpers import first_ids  # noqa: E402

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Open311 GeoReport v2 answers in the format its path names (.json or .xml), errors in the specification's
# [{code, description}] shape: the OpenAPI document says so for those paths (backend/open311/routes.py,
# _in_both_formats), so they get every check too.
# Operations that would end the fuzzing session itself (sign out, delete the account, new password).
SESSION_ENDING = {("POST", "/api/v1/auth/logout"), ("DELETE", "/api/v1/me"), ("POST", "/api/v1/auth/password")}


def _session_headers(client, user) -> dict:
    client.sign_in(user)
    cookie = client.get_cookie(client.application.config["SESSION_COOKIE_NAME"])
    return {"Cookie": f"{cookie.key}={cookie.value}", "X-CSRF-Token": client.csrf_token}


@pytest.mark.parametrize("role", ["resident", "committee"])
def test_fuzz_every_operation(app, client_for, role):
    from backend import demo
    from backend.accounts.models import User
    from backend.core.db import commit

    with app.app_context():
        demo.seed()
        commit()
        community_id = db.session.scalar(db.text("SELECT min(id) FROM communities"))
        known = first_ids(community_id)
        known["uid"] = db.session.scalar(db.select(User.id).where(User.email == "resident@demo.linli"))
        user = db.session.scalar(db.select(User).where(User.email == demo.DEMO_ACCOUNTS[role][0]))
        db.session.expunge(user)
    headers = _session_headers(client_for(), user)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)

    failures, operations, examples = [], 0, 0
    limiter.enabled = False  # the rate limits have their own tests; here they would only cut the budget
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in SESSION_ENDING:
                continue
            operations += 1
            names = [p.name for p in operation.path_parameters]
            real_ids = {name: known[name] for name in names if isinstance(known.get(name), int)}
            strategy = operation.as_strategy()
            if real_ids and len(real_ids) == len(names):
                strategy = st.one_of(strategy, operation.as_strategy(path_parameters=real_ids))
            examples += _fuzz(operation, strategy, headers, failures)
    finally:
        limiter.enabled = True
    print(f"\nfuzzed as {role}: {operations} operations, {examples} examples, {len(failures)} failures")
    assert not failures, "\n\n".join(failures[:20])


def _fuzz(operation, strategy, headers, failures) -> int:
    tried = []

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        tried.append(1)
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as failure:  # collect, so that one run reports every failing operation
            failures.append(f"{operation.method.upper()} {operation.path}: {str(failure)[:600]}")
            raise

    with contextlib.suppress(Exception):  # recorded in `failures`; hypothesis re-raises the first failing example
        run()
    return len(tried)
