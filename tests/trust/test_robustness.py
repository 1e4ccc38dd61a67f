"""Robustness: oversized numbers, mixed-type cursors, deep JSON, NUL bytes, a full disk, the audit log.

Every request below was a 500 (or, for NUL on SQLite, silently stored) before issue 15. The sweeps walk the
OpenAPI document, so a route added later is attacked too.
"""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from sqlalchemy import func, select, text

from backend.extensions import db
from tests.security_helpers import PATH_WORDS, first_ids, request_body, resolve

HUGE = 10**25
WRITE_METHODS = ("post", "put", "patch", "delete")


@pytest.fixture
def demo_world(app, client_for):
    """The demo community (one object of every kind), and its committee member signed in."""
    from backend import demo
    from backend.accounts.models import User
    from backend.core.db import commit

    with app.app_context():
        demo.seed()
        commit()
        community_id = db.session.scalar(text("SELECT min(id) FROM communities"))
        ids = first_ids(community_id)
        ids["uid"] = db.session.scalar(select(User.id).where(User.email == "resident@demo.linli"))
        committee = db.session.scalar(select(User).where(User.email == "committee@demo.linli"))
        db.session.expunge(committee)
    return ids, client_for(committee)


def _operations(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and path.startswith("/api/v1"):
                yield path, method, operation


def _url(path: str, ids: dict) -> str:
    def value(match):
        name = match.group(1)
        return str(PATH_WORDS.get(name, ids.get(name, 1)))

    return re.sub(r"\{(\w+)\}", value, path)


def _json_properties(spec, operation) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return {}
    return resolve(content["application/json"]["schema"], spec).get("properties", {})


def _kind(spec, schema) -> str | None:
    schema = resolve(schema, spec)
    if schema.get("type") == "array":
        return "array-of-" + str(resolve(schema.get("items", {}), spec).get("type"))
    return schema.get("type")


def _assert_no_server_error(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}"


def test_can_an_id_of_ten_to_the_25_in_a_query_string_crash_any_list(demo_world, client):
    """Can an integer of 10^25 in any query string give a 500 (SQLite cannot bind it)?"""
    ids, committee = demo_world
    spec = client.get("/api/openapi.json").get_json()
    tried = 0
    for path, method, operation in _operations(spec):
        if method != "get":
            continue
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and parameter["schema"].get("type") == "integer":
                response = committee.get(_url(path, ids), query_string={parameter["name"]: str(HUGE)})
                _assert_no_server_error(response, f"GET {path}?{parameter['name']}=10^25")
                assert response.status_code in (404, 422), (path, parameter["name"], response.status_code)
                tried += 1
    print(f"\nquery-string integers attacked: {tried}")
    assert tried >= 30


def test_can_an_id_of_ten_to_the_25_in_a_body_crash_any_write(demo_world, client):
    """Can an integer of 10^25 (or 2^40, past a 32-bit id column) in any request body give a 500?"""
    ids, committee = demo_world
    spec = client.get("/api/openapi.json").get_json()
    tried = 0
    for path, method, operation in _operations(spec):
        if method not in WRITE_METHODS:
            continue
        base = request_body(spec, path, method)
        if not isinstance(base, dict):
            continue
        for name, schema in _json_properties(spec, operation).items():
            kind = _kind(spec, schema)
            if kind not in ("integer", "array-of-integer"):
                continue
            for number in (HUGE, 2**40):
                body = {**base, name: [number] if kind == "array-of-integer" else number}
                response = committee.open(_url(path, ids), method=method.upper(), json=body)
                _assert_no_server_error(response, f"{method.upper()} {path} {name}={number}")
                tried += 1
    print(f"\nbody integers attacked: {tried}")
    assert tried >= 40


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/flags", {"target_type": "project", "target_id": HUGE, "reason": "spam"}),
        ("/api/v1/follows", {"target_type": "project", "target_id": HUGE}),
        ("/api/v1/communities/{cid}/reports", {"category": "other", "description": "路灯坏了很久", "grid_id": HUGE}),
        ("/api/v1/communities/{cid}/reports", {"category": "other", "description": "路灯坏了", "photo_ids": [HUGE]}),
    ],
)
def test_is_a_huge_id_in_a_valid_body_a_422(demo_world, path, body):
    """Does a body that is valid except for one enormous id get a clear 422 (not a 500, not a 404 guess)?"""
    ids, committee = demo_world
    response = committee.post(_url(path, ids), json=body)
    assert response.status_code == 422, response.json
    assert response.json["code"] == "validation_failed"


BAD_CURSORS = {
    "a string for an integer key": ["abc"],
    "a list inside": [[1, 2]],
    "an object inside": [{"x": 1}],
    "a boolean": [True],
    "an enormous integer": [HUGE],
    "a date without time zone": [{"dt": "2024-01-01T00:00:00"}],
    "a date that is no date": [{"dt": "yesterday"}],
    "a float for an id": [1.5e300],
}


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def test_can_a_forged_cursor_of_the_wrong_type_crash_any_list(demo_world, client):
    """Can a cursor holding a string, list, object, boolean, 10^25 or a naive date crash a list (PostgreSQL
    refuses to compare an integer column with 'abc')?"""
    ids, committee = demo_world
    spec = client.get("/api/openapi.json").get_json()
    lists = [
        path
        for path, method, operation in _operations(spec)
        if method == "get" and any(p.get("name") == "cursor" for p in operation.get("parameters", []))
    ]
    tried = 0
    for path in lists:
        # as many values as the list has sort keys: take them from a real cursor when there is one
        for label, values in BAD_CURSORS.items():
            for width in (1, 2, 3):
                padded = (values * width)[:width]
                response = committee.get(_url(path, ids), query_string={"cursor": _cursor(padded)})
                _assert_no_server_error(response, f"GET {path} cursor {label} x{width}")
                tried += 1
    print(f"\nlists: {len(lists)}, forged cursors tried: {tried}")
    assert len(lists) >= 15


def test_is_deeply_nested_json_a_422(demo_world, client):
    """Does a body of 100,000 nested brackets (Python's parser overflows its stack) get a 422 on every write?"""
    ids, committee = demo_world
    spec = client.get("/api/openapi.json").get_json()
    tried = 0
    for depth in (40, 100_000):
        nested = "[" * depth + "]" * depth
        for path, method, operation in _operations(spec):
            if method not in WRITE_METHODS or "application/json" not in operation.get("requestBody", {}).get(
                "content", {}
            ):
                continue
            response = committee.open(
                _url(path, ids), method=method.upper(), data=nested, content_type="application/json"
            )
            _assert_no_server_error(response, f"{method.upper()} {path} nested {depth}")
            assert response.status_code in (400, 403, 404, 409, 422), (path, response.status_code)
            tried += 1
    # a deep structure inside a field that takes free-form JSON (a grid's GeoJSON polygon)
    polygon = {"type": "Polygon", "coordinates": json.loads("[" * 60 + "]" * 60)}
    response = committee.patch(f"/api/v1/grids/{ids['gid']}", json={"polygon": polygon})
    assert response.status_code == 422
    print(f"\nnested bodies tried: {tried}")


def test_is_a_number_with_ten_thousand_digits_or_nan_a_422(demo_world):
    """Python refuses to parse an integer of more than 4,300 digits with a ValueError; NaN and Infinity are no
    JSON: are they 422?"""
    ids, committee = demo_world
    for raw in (
        '{"target_type": "project", "target_id": ' + "9" * 10_000 + ', "reason": "spam"}',
        '{"target_type": "project", "target_id": NaN, "reason": "spam"}',
        '{"target_type": "project", "target_id": 1e999, "reason": "spam"}',
    ):
        response = committee.post("/api/v1/flags", data=raw, content_type="application/json")
        assert response.status_code == 422, (raw[:60], response.status_code)


def test_are_nul_bytes_refused_in_every_text_on_every_database(demo_world, client, app):
    """A NUL byte crashes PostgreSQL's text columns and is stored as is by SQLite: is it refused everywhere
    (bodies, query strings, the Idempotency-Key header) before anything is written?"""
    ids, committee = demo_world
    spec = client.get("/api/openapi.json").get_json()
    tried = 0
    for path, method, operation in _operations(spec):
        if method not in WRITE_METHODS:
            continue
        base = request_body(spec, path, method)
        if not isinstance(base, dict):
            continue
        for name, schema in _json_properties(spec, operation).items():
            if (
                _kind(spec, schema) != "string"
                or resolve(schema, spec).get("format")
                or "enum" in resolve(schema, spec)
            ):
                continue
            response = committee.open(_url(path, ids), method=method.upper(), json={**base, name: "水\x00电"})
            _assert_no_server_error(response, f"{method.upper()} {path} {name} with NUL")
            assert response.status_code != 201 and response.status_code != 200, (path, name)
            tried += 1
    with app.app_context():
        comments_before = db.session.scalar(text("SELECT count(*) FROM comments"))
    response = committee.post(f"/api/v1/projects/{ids['pid']}/comments", json={"body": "好主意\x00"})
    assert response.status_code == 422 and "body" in response.json["errors"]
    response = committee.get("/api/v1/communities", query_string={"q": "阳光\x00"})
    assert response.status_code == 422
    response = committee.post(
        f"/api/v1/projects/{ids['pid']}/comments", json={"body": "好主意"}, headers={"Idempotency-Key": "k\x00"}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM comments")) == comments_before
    print(f"\ntext fields given a NUL: {tried}")
    assert tried >= 40


def test_can_anyone_change_or_delete_an_audit_entry_with_plain_sql(app, make_community, make_member, client_for):
    """The ORM refuses to change audit entries; does the database itself refuse an UPDATE or DELETE sent past
    the ORM (a raw connection, as a bug or an injection would)? PostgreSQL had a trigger; SQLite had none."""
    from backend.audit import services as audit
    from backend.core.db import commit

    community = make_community()
    committee = make_member(community, "committee")
    with app.app_context():
        from backend.accounts.models import User

        audit.record(
            db.session.get(User, committee.id),
            "test.action",
            "community",
            community.id,
            community_id=community.id,
            reason="the record",
        )
        commit()
    for statement in ("UPDATE audit_entries SET reason = 'rewritten'", "DELETE FROM audit_entries"):
        with app.app_context(), db.engine.connect() as connection:
            with pytest.raises(Exception, match="append-only"):
                connection.exec_driver_sql(statement)
                connection.commit()
            connection.rollback()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(text("audit_entries"))) == 1
        assert db.session.scalar(text("SELECT reason FROM audit_entries")) == "the record"


# --- a full disk ----------------------------------------------------------------------------------------------


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB tmpfs (a real filesystem that fills up) when this process may mount one (root), else None."""
    import subprocess

    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount_point)], capture_output=True
        ).returncode
        == 0
    )
    yield mount_point if mounted else None
    if mounted:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def _fill(directory) -> None:
    """Write a filler file until the filesystem refuses another byte."""
    import errno
    import os

    chunk = b"\0" * 65536
    with open(directory / "filler", "wb", buffering=0) as handle:
        while True:
            try:
                handle.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC
                break
        for size in (4096, 512, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError:
                continue
        os.fsync(handle.fileno())


def test_does_a_really_full_disk_give_503_with_nothing_half_written(small_disk):
    """SQLite's file and the uploads on a small tmpfs, filled to the last byte: does a report answer 503
    (not 500), write nothing, leave no temporary file, and does /healthz name the stores that are full?
    Simulated with a real filesystem (tmpfs mounted by root); without root the fault-injected test below
    covers the same paths."""
    if small_disk is None:
        pytest.skip("mounting a tmpfs needs root; test_does_a_refused_write_give_503... injects the fault instead")
    from flask_migrate import upgrade

    from backend import create_app
    from backend.communities.models import Community, Grid, Household, Membership
    from backend.core.db import commit, utcnow
    from tests.conftest import ApiClient, SuiteConfig

    class SmallDiskConfig(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{small_disk / 'linli.db'}"
        UPLOAD_DIR = str(small_disk / "uploads")
        HEALTH_MIN_FREE_BYTES = 64 * 1024

    app = create_app(SmallDiskConfig)
    with app.app_context():
        upgrade(revision="heads")
        from backend.accounts import services as accounts

        user = accounts.register(email="full@example.test", password="correct-horse-battery", display_name="满")
        community = Community(name="满盘社区", description="", settings={})
        db.session.add(community)
        db.session.flush()
        grid = Grid(community_id=community.id, number=1, name="一")
        household = Household(community_id=community.id, building="1", unit="1", room="101")
        db.session.add_all([grid, household])
        db.session.flush()
        db.session.add(
            Membership(
                user_id=user.id,
                community_id=community.id,
                status="verified",
                household=household,
                grid_id=grid.id,
                verified_at=utcnow(),
            )
        )
        commit()
        db.session.refresh(user)
        db.session.expunge(user)
        cid = community.id
    resident = ApiClient(app, app.response_class, use_cookies=True).sign_in(user)
    assert resident.post("/api/v1/uploads", data={"file": (io.BytesIO(_png()), "a.png")}).status_code == 201
    with app.app_context():
        from backend.core.db import checkpoint_sqlite_wal

        db.session.remove()
        assert checkpoint_sqlite_wal()
        reports_before = db.session.scalar(text("SELECT count(*) FROM reports"))
        uploads_before = db.session.scalar(text("SELECT count(*) FROM uploads"))
        db.session.remove()
    files_before = sorted(p.name for p in (small_disk / "uploads").rglob("*") if p.is_file())
    _fill(small_disk)
    try:
        report = resident.post(
            f"/api/v1/communities/{cid}/reports",
            json={"category": "other", "description": "水管爆了" * 400, "location_text": "3号楼"},
        )
        assert report.status_code == 503, report.json.get("errors")
        assert report.json["code"] == "storage_full"
        photo = resident.post("/api/v1/uploads", data={"file": (io.BytesIO(_png()), "b.png")})
        assert photo.status_code == 503, photo.json
        health = resident.get("/healthz")
        assert health.status_code == 503
        assert health.json["checks"]["database"].startswith("error: disk full")
        assert health.json["checks"]["uploads"].startswith("error: disk full")
    finally:
        (small_disk / "filler").unlink()
    files_after = sorted(p.name for p in (small_disk / "uploads").rglob("*") if p.is_file())
    assert files_after == files_before  # no temporary file, no file without a row
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM reports")) == reports_before
        assert db.session.scalar(text("SELECT count(*) FROM uploads")) == uploads_before
        db.session.remove()
    # room again: the same requests go through, and /healthz is green once a write succeeded
    assert (
        resident.post(
            f"/api/v1/communities/{cid}/reports",
            json={"category": "other", "description": "水管爆了", "location_text": "3号楼"},
        ).status_code
        == 201
    )
    assert resident.post("/api/v1/uploads", data={"file": (io.BytesIO(_png()), "c.png")}).status_code == 201
    assert resident.get("/healthz").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_does_a_refused_write_give_503_on_every_database(app, demo_world, tmp_path, monkeypatch):
    """Fault injection, for PostgreSQL (whose disk the tests cannot fill) and for a rolled-back request: the
    driver reports a full disk (SQLite's SQLITE_FULL, PostgreSQL's disk_full 53100) on the comment's INSERT,
    and the uploads' filesystem refuses the second file: 503 storage_full, nothing written, no file left."""
    import errno

    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from backend.core import health
    from backend.uploads import storage as storage_module

    ids, committee = demo_world
    with app.app_context():
        engine = db.engine
        comments_before = db.session.scalar(text("SELECT count(*) FROM comments"))
        uploads_before = db.session.scalar(text("SELECT count(*) FROM uploads"))
        sqlite = engine.dialect.name == "sqlite"
        full = "database or disk is full" if sqlite else "could not extend file: No space left on device"

    class DiskFull(Exception):
        sqlstate = "53100"

    def refuse(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO COMMENTS"):
            raise OperationalError(statement, {}, DiskFull(full))

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        response = committee.post(f"/api/v1/projects/{ids['pid']}/comments", json={"body": "停水通知收到了"})
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    assert response.status_code == 503 and response.json["code"] == "storage_full"
    assert committee.get("/healthz").json["checks"]["database"].startswith("error: disk full")

    written = []
    real_save = storage_module.LocalStorage.save

    def save_then_fill(self, key, data, content_type):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(self, key, data, content_type)
        written.append(key)

    uploads_dir = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(uploads_dir))
    monkeypatch.setitem(app.extensions, "linli_upload_storage", storage_module.LocalStorage(uploads_dir))
    monkeypatch.setattr(storage_module.LocalStorage, "save", save_then_fill)
    photo = committee.post("/api/v1/uploads", data={"file": (io.BytesIO(_png()), "a.png")})
    assert photo.status_code == 503 and photo.json["code"] == "storage_full"
    assert written and not [p for p in uploads_dir.rglob("*") if p.is_file()]  # the first file went again
    assert committee.get("/healthz").json["checks"]["uploads"].startswith("error: disk full")
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM comments")) == comments_before
        assert db.session.scalar(text("SELECT count(*) FROM uploads")) == uploads_before
    health.record_success("database")
    health.record_success("uploads")
