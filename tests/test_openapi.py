"""The OpenAPI document is valid OpenAPI 3, generated from the schemas, and lists every API route."""

import re

from openapi_spec_validator import validate


def test_openapi_document_is_valid_and_complete(app, client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    documented = {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        routes |= {(path, m) for m in rule.methods if m in {"GET", "POST", "PUT", "PATCH", "DELETE"}}
    missing = routes - documented
    assert not missing, f"routes missing from the OpenAPI document: {sorted(missing)}"


def test_error_responses_are_documented_as_problem_json(client):
    spec = client.get("/api/openapi.json").json
    default_error = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert "application/problem+json" in default_error["content"]
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert "422" in login["responses"] and "default" in login["responses"]
