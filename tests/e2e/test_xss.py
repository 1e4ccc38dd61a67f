"""Script payloads through the PWA: user text is always shown as text, never run as HTML.

The demo resident, signed in through the PWA, sends each payload with the app's own session and CSRF
token as a project (title, body), a comment, a report description, an aid post and their display
name. The committee member then opens every screen that shows them. Each payload would set
window.__xss or open a dialog if it ran; under the CSP an inline handler would also log a console
error. The test asserts none of that happened and that the payload is on screen literally.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.e2e.helpers import open_app, sign_in

pytestmark = pytest.mark.e2e

PAYLOADS = [
    '<img src=x onerror="window.__xss=1;alert(1)">',
    "<script>window.__xss=1;alert(1)</script>",
    "javascript:window.__xss=1",
    '"><svg onload="window.__xss=1">',
]

_POST = """async ([url, method, body]) => {
  const session = await (await fetch('/api/v1/auth/session')).json();
  const response = await fetch(url, {method, headers: {'Content-Type': 'application/json',
    'X-CSRF-Token': session.csrf_token}, body: JSON.stringify(body)});
  return {status: response.status, body: await response.json()};
}"""


def _send(page, url, body, method="POST"):
    result = page.evaluate(_POST, [url, method, body])
    assert result["status"] in (200, 201), (url, result)
    return result["body"]


def _enum(spec, schema_name, field):
    return spec["components"]["schemas"][schema_name]["properties"][field]["enum"][0]


def test_script_payloads_are_shown_as_text_and_never_run(live_server, new_context, new_page):
    spec = json.load(urllib.request.urlopen(f"{live_server}/api/openapi.json"))
    author = new_page(new_context())
    sign_in(author, "resident@demo.linli")
    community_id = author.evaluate("fetch('/api/v1/me').then(r => r.json()).then(m => m.memberships[0].community.id)")
    project_category = author.evaluate(
        f"fetch('/api/v1/communities/{community_id}/project-categories').then(r => r.json())"
    )["items"][0]["key"]
    report_category = author.evaluate(
        f"fetch('/api/v1/communities/{community_id}/report-categories').then(r => r.json())"
    )["items"][0]["key"]
    aid_schema = spec["paths"]["/api/v1/communities/{cid}/aid"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]["$ref"].rsplit("/", 1)[-1]

    screens = []
    for payload in PAYLOADS:
        _send(author, "/api/v1/me", {"display_name": payload[:40]}, method="PATCH")
        project = _send(
            author,
            f"/api/v1/communities/{community_id}/projects",
            {"title": payload, "body": payload, "summary": payload, "submit": True, "category": project_category},
        )
        _send(author, f"/api/v1/projects/{project['id']}/comments", {"body": payload})
        report = _send(
            author,
            f"/api/v1/communities/{community_id}/reports",
            {"description": payload + " 楼道灯坏了", "location_text": payload[:60], "category": report_category},
        )
        aid = _send(
            author,
            f"/api/v1/communities/{community_id}/aid",
            {
                "title": payload,
                "body": payload,
                "kind": _enum(spec, aid_schema, "kind"),
                "category": _enum(spec, aid_schema, "category"),
            },
        )
        screens += [
            (payload, "/projects"),
            (payload, f"/projects/{project['id']}"),
            (payload, "/reports"),
            (payload, f"/reports/{report['id']}"),
            (payload, f"/help/aid/{aid['id']}"),
        ]

    reader = new_page(new_context())
    dialogs = []
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(reader, "committee@demo.linli")
    for payload, path in screens:
        open_app(reader, path)
        reader.wait_for_load_state("networkidle")
        assert reader.evaluate("window.__xss") is None, f"{payload!r} ran on {path}"
        if path != "/reports":  # the board may list newer reports first; the detail is checked below
            assert payload in reader.inner_text("main") or payload[:40] in reader.inner_text("main"), (
                f"{payload!r} not shown literally on {path}"
            )
    assert not dialogs, dialogs
    assert not reader.console_errors, reader.console_errors
    print(
        f"\nXSS: {len(PAYLOADS)} payloads x {len(screens) // len(PAYLOADS)} screens = {len(screens)} views, "
        "none executed"
    )
