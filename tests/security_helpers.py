"""Shared by the authorisation matrix and the fuzzer: the demo community's ids, OpenAPI paths, bodies."""

from __future__ import annotations

import re

from sqlalchemy import text

from backend.extensions import db

# Flask URL variable name -> table whose first row (in the seeded community) fills it.
PATH_TABLES = {
    "cid": "communities",
    "gid": "grids",
    "pid": "projects",
    "rid": "reports",
    "aid_id": "aid_posts",
    "poll_id": "polls",
    "survey_id": "surveys",
    "meeting_id": "meetings",
    "nid": "notices",
    "oid": "organisations",
    "activity_id": "activities",
    "item_id": "activities",  # a calendar item: GET /calendar/activity/{item_id}.ics
    "sid": "shifts",
    "signup_id": "shift_signups",
    "upload_id": "uploads",
    "comment_id": "comments",
    "appeal_id": "appeals",
    "target_id": "projects",
    "resident_id": "register_residents",
    "import_id": "register_imports",
    "record_id": "care_records",
    "visit_id": "care_visits",
    "request_id": "care_support_requests",
    "task_id": "tasks",
    "patrol_id": "patrols",
    "key_id": "api_keys",
    "agency_id": "agencies",
}
# Variables that are not ids of a table row.
PATH_WORDS = {
    "target": "projects",
    "size": "display",
    "name": "reports",
    "path": "index.html",
    "fmt": "json",  # Open311: services.json
    "service_code": "street_lights",
    "source": "activity",  # a calendar source
}

_VARIABLE = re.compile(r"<(?:[^>]*:)?(\w+)>")


def openapi_path(rule: str) -> str:
    """The OpenAPI path flask-smorest documents for a Flask rule (`<int:pid>` -> `{pid}`)."""
    return _VARIABLE.sub(r"{\1}", rule)


def first_ids(community_id: int) -> dict[str, int]:
    """Smallest id per path variable among the rows of `community_id` (or of the whole table)."""
    ids = {"cid": community_id}
    for variable, table in PATH_TABLES.items():
        if variable == "cid":
            continue
        # Projects: a public one (a draft is 404 for everyone, which would prove nothing).
        where = " WHERE status NOT IN ('draft', 'withdrawn')" if table == "projects" else ""
        ids[variable] = db.session.execute(text(f"SELECT min(id) FROM {table}{where}")).scalar() or 999_999
    # Regions: the street the community belongs to.
    ids["rid_region"] = (
        db.session.execute(text("SELECT street_id FROM communities WHERE id = :c"), {"c": community_id}).scalar()
        or 999_999
    )
    ids["rid_response"] = db.session.execute(text("SELECT min(id) FROM aid_responses")).scalar() or 999_999
    return ids


def resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def example(schema: dict, spec: dict, depth: int = 0):
    """A minimal valid-looking value for a JSON schema (required properties only)."""
    schema = resolve(schema, spec)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {
            name: example(properties[name], spec, depth + 1)
            for name in schema.get("required", [])
            if name in properties and depth < 4
        }
    if kind == "array":
        return [example(schema.get("items", {}), spec, depth + 1) for _ in range(schema.get("minItems", 0) or 0)]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return True
    if kind == "string":
        formats = {
            "date-time": "2030-06-01T10:00:00+08:00",
            "date": "2030-06-01",
            "email": "x@example.test",
            "uri": "https://example.test/x",
            "url": "https://example.test/x",
        }
        if schema.get("format") in formats:
            return formats[schema["format"]]
        length = max(schema.get("minLength", 0), 4)
        length = min(length, schema.get("maxLength", length))
        return "测试内容文字"[:length] if length <= 6 else "测" * length
    return None


def request_body(spec: dict, path: str, method: str):
    operation = spec["paths"].get(path, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return example(content["application/json"]["schema"], spec)
    return None
