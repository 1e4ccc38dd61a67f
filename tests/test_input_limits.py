"""Every text field of every request body has a length limit (read from the OpenAPI document).

An unbounded string lets one request store megabytes in a title; the schemas bound every one with
core.schemas.text(max). Files (format binary) are bounded in bytes by the upload limit instead. Walks every
JSON request body (and nested objects and arrays in it).
"""


def _unbounded_strings(schema, spec, where, seen=()):
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        seen = (*seen, name)
        schema = spec["components"]["schemas"][name]
    kind = schema.get("type")
    if (
        kind == "string"
        and "maxLength" not in schema
        and "enum" not in schema
        and schema.get("format") not in {"date", "date-time", "uuid", "binary"}
    ):
        yield where
    for name, prop in schema.get("properties", {}).items():
        yield from _unbounded_strings(prop, spec, f"{where}.{name}", seen)
    if "items" in schema:
        yield from _unbounded_strings(schema["items"], spec, f"{where}[]", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _unbounded_strings(schema["additionalProperties"], spec, f"{where}{{}}", seen)


def test_every_string_in_every_request_body_has_a_max_length(client):
    spec = client.get("/api/openapi.json").get_json()
    unbounded, checked = [], 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            for media, body in content.items():
                checked += 1
                unbounded += list(_unbounded_strings(body["schema"], spec, f"{method.upper()} {path} {media}"))
    print(f"\nrequest bodies checked: {checked}")
    assert checked > 40
    assert not unbounded, "string fields without maxLength:\n" + "\n".join(unbounded)
