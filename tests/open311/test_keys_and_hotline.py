"""API keys (platform admin; shown once, kept hashed; audited) and the 12345 hotline import (preview, then
confirm once; idempotent on the ticket number; row errors in the reader's language; other communities refused)."""

from __future__ import annotations

import io
import threading

from sqlalchemy import func, select

from backend.extensions import db

HEADER = "工单编号,受理时间,问题分类,诉求内容,事发地址,纬度,经度,来电人,联系电话"
ROWS = (
    "GD20261201001,2026-12-01 09:30,路灯照明,3号楼门口路灯不亮,北苑3号楼,,,李先生,13800138000",
    "GD20261201002,2026-12-01 10:05,市容环卫,垃圾桶满了没人清,北苑小区南门,31.2321,121.4711,王女士,13900139000",
)


def hotline_csv(*rows: str, header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


def upload(client, cid, data: bytes, name: str = "12345.csv"):
    return client.post(
        f"/api/v1/communities/{cid}/hotline-imports",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def count_reports(app, **where) -> int:
    from backend.reports.models import Report

    with app.app_context():
        stmt = select(func.count()).select_from(Report)
        for name, value in where.items():
            stmt = stmt.where(getattr(Report, name) == value)
        return db.session.scalar(stmt)


# --- API keys ---------------------------------------------------------------------------------------


def test_key_is_shown_once_and_kept_only_as_a_hash(app, client_for, city):
    admin = client_for(city.admin)
    issued = admin.post("/api/v1/api-keys", json={"name": "城市网格化平台"})
    assert issued.status_code == 201
    key = issued.get_json()["key"]
    assert key.startswith("l311_") and len(key) > 40
    listed = admin.get("/api/v1/api-keys").get_json()
    assert listed[0]["name"] == "城市网格化平台" and "key" not in listed[0]
    assert key.startswith(listed[0]["prefix"]) and len(listed[0]["prefix"]) < 15
    with app.app_context():
        from sqlalchemy import text

        stored = " ".join(str(r) for r in db.session.execute(text("SELECT * FROM api_keys")))
        audit = [r.action for r in db.session.execute(text("SELECT action FROM audit_entries"))]
    assert key not in stored and key[5:] not in stored
    assert "open311.key_issued" in audit


def test_only_the_platform_admin_manages_keys(client_for, client, city):
    for person in (city.committee, city.resident, city.worker):
        assert client_for(person).post("/api/v1/api-keys", json={"name": "x"}).status_code == 403
        assert client_for(person).get("/api/v1/api-keys").status_code == 403
    assert client.get("/api/v1/api-keys").status_code == 401
    admin = client_for(city.admin)
    admin.post("/api/v1/api-keys", json={"name": "x"})
    key_id = admin.get("/api/v1/api-keys").get_json()[0]["id"]
    assert client_for(city.committee).post(f"/api/v1/api-keys/{key_id}/revoke").status_code == 403
    assert admin.post("/api/v1/api-keys/999999/revoke").status_code == 404
    assert admin.post("/api/v1/api-keys", json={"name": ""}).status_code == 422
    assert admin.post("/api/v1/api-keys", json={"name": "x" * 81}).status_code == 422


def test_revoking_twice_is_a_conflict(client_for, city):
    admin = client_for(city.admin)
    admin.post("/api/v1/api-keys", json={"name": "x"})
    key_id = admin.get("/api/v1/api-keys").get_json()[0]["id"]
    first = admin.post(f"/api/v1/api-keys/{key_id}/revoke")
    assert first.status_code == 200 and first.get_json()["revoked_at"]
    assert admin.post(f"/api/v1/api-keys/{key_id}/revoke").get_json()["code"] == "open311.key_revoked"


# --- the hotline ------------------------------------------------------------------------------------


def test_preview_writes_no_report_and_confirm_makes_hotline_reports(app, client_for, city):
    committee = client_for(city.committee)
    preview = upload(committee, city.north.id, hotline_csv(*ROWS))
    assert preview.status_code == 201, preview.get_json()
    body = preview.get_json()
    assert body["counts"] == {"rows": 2, "new": 2, "already_imported": 0, "invalid": 0}
    assert [t["ticket"] for t in body["tickets"]] == ["GD20261201001", "GD20261201002"]
    assert body["tickets"][1]["category"] == "other"  # 市容环卫 is not one of ours: kept in the description
    assert count_reports(app) == 0
    done = committee.post(f"/api/v1/hotline-imports/{body['id']}/confirm", json={})
    assert done.status_code == 200 and done.get_json() == {"created": 2, "already_imported": 0, "skipped": 0}
    assert count_reports(app, channel="hotline", community_id=city.north.id) == 2
    with app.app_context():
        from backend.reports.models import Report

        reports = list(db.session.scalars(select(Report).order_by(Report.id)))
        assert reports[0].category == "street_lights" and reports[0].filed_by_id == city.committee.id
        assert reports[0].created_at.strftime("%Y-%m-%d %H:%M") == "2026-12-01 01:30"  # 09:30 in Shanghai
        assert reports[1].description.startswith("[12345 市容环卫]")
        assert reports[0].reporter.display_name == "12345 市民热线"
        assert reports[0].assignee_id == city.worker.id or reports[0].assignee_id is None
        dump = " ".join(f"{r.description} {r.location_text}" for r in reports)
        assert "13800138000" not in dump and "李先生" not in dump  # callers' details are not taken in
    # Confirming the same preview again changes nothing.
    again = committee.post(f"/api/v1/hotline-imports/{body['id']}/confirm", json={})
    assert again.status_code == 409 and again.get_json()["code"] == "open311.preview_expired"


def test_the_same_file_twice_changes_nothing(app, client_for, city):
    committee = client_for(city.committee)
    first = upload(committee, city.north.id, hotline_csv(*ROWS)).get_json()
    committee.post(f"/api/v1/hotline-imports/{first['id']}/confirm", json={})
    second = upload(committee, city.north.id, hotline_csv(*ROWS)).get_json()
    assert second["counts"]["new"] == 0 and second["counts"]["already_imported"] == 2
    done = committee.post(f"/api/v1/hotline-imports/{second['id']}/confirm", json={}).get_json()
    assert done["created"] == 0
    assert count_reports(app) == 2


def test_two_previews_of_one_file_confirmed_make_each_ticket_once(app, client_for, city):
    """Two previews taken before either was confirmed: the unique ticket number keeps one report per ticket."""
    committee = client_for(city.committee)
    a = upload(committee, city.north.id, hotline_csv(*ROWS)).get_json()
    b = upload(committee, city.north.id, hotline_csv(*ROWS)).get_json()
    assert committee.post(f"/api/v1/hotline-imports/{a['id']}/confirm", json={}).get_json()["created"] == 2
    late = committee.post(f"/api/v1/hotline-imports/{b['id']}/confirm", json={}).get_json()
    assert late == {"created": 0, "already_imported": 2, "skipped": 0}
    assert count_reports(app) == 2


def test_concurrent_confirmations_of_two_previews(app, client_for, city):
    committee = client_for(city.committee)
    ids = [upload(committee, city.north.id, hotline_csv(*ROWS)).get_json()["id"] for _ in range(3)]
    results = []

    def confirm(import_id):
        response = client_for(city.committee).post(f"/api/v1/hotline-imports/{import_id}/confirm", json={})
        results.append(response.status_code)

    threads = [threading.Thread(target=confirm, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(status in (200, 409) for status in results), results
    assert count_reports(app) == 2


def test_bad_rows_are_reported_by_line_in_the_readers_language(app, client_for, city):
    rows = (
        ROWS[0],
        ",2026-12-01 09:30,路灯照明,没有工单号,北苑3号楼,,,,",
        "GD3,明天上午,路灯照明,时间不对,北苑3号楼,,,,",
        "GD4,2026-12-01 09:30,路灯照明,没有地址,,,,,",
        "GD5,2026-12-01 09:30,路灯照明,半个坐标,北苑,31.2,,,",
        ROWS[0],
        "GD<script>,2026-12-01 09:30,路灯照明,怪编号,北苑,,,,",
    )
    committee = client_for(city.committee)
    body = upload(committee, city.north.id, hotline_csv(*rows)).get_json()
    assert body["counts"]["new"] == 1 and body["counts"]["invalid"] == 6
    problems = {(p["row"], p["field"]): p["message"] for p in body["problems"]}
    assert problems[(3, "ticket")] == "必填"
    assert (4, "received_at") in problems and (5, "address") in problems and (6, "lat") in problems
    assert problems[(7, "ticket")] == "与第 2 行是同一张工单"
    assert (8, "ticket") in problems
    refused = committee.post(f"/api/v1/hotline-imports/{body['id']}/confirm", json={})
    assert refused.status_code == 409 and refused.get_json()["code"] == "open311.import_has_errors"
    assert count_reports(app) == 0
    done = committee.post(f"/api/v1/hotline-imports/{body['id']}/confirm", json={"skip_invalid_rows": True})
    assert done.get_json() == {"created": 1, "already_imported": 0, "skipped": 6}


def test_english_reader_gets_english_row_errors(client_for, city, make_member):
    official = make_member(city.north, role="committee", locale="en")
    body = upload(
        client_for(official), city.north.id, hotline_csv(",x,路灯照明,d,addr,,,,", ROWS[0], ROWS[0])
    ).get_json()
    messages = {(p["row"], p["field"]): p["message"] for p in body["problems"]}
    assert messages[(2, "ticket")] == "Required" and messages[(2, "received_at")].startswith("A time as")
    assert messages[(4, "ticket")] == "The same ticket as line 3"


def test_other_communities_and_residents_are_refused(app, client_for, client, city):
    data = hotline_csv(*ROWS)
    assert upload(client_for(city.south_committee), city.north.id, data).status_code == 403
    assert upload(client_for(city.resident), city.north.id, data).status_code == 403
    assert upload(client_for(city.worker), city.north.id, data).status_code == 403
    assert upload(client, city.north.id, data).status_code == 401
    preview = upload(client_for(city.committee), city.north.id, data).get_json()
    stolen = client_for(city.south_committee).post(f"/api/v1/hotline-imports/{preview['id']}/confirm", json={})
    assert stolen.status_code == 403
    assert client_for(city.committee).post("/api/v1/hotline-imports/999999/confirm", json={}).status_code == 404
    assert count_reports(app) == 0


def test_street_official_above_the_community_may_import(app, client_for, city, make_user):
    from backend.communities.models import Community, Region, RegionOfficial

    official, stranger = make_user("街道办王科长"), make_user("别的街道")
    with app.app_context():
        street, other = Region(kind="street", name="北街道"), Region(kind="street", name="南街道")
        db.session.add_all([street, other])
        db.session.flush()
        db.session.get(Community, city.north.id).street_id = street.id
        db.session.add_all(
            [
                RegionOfficial(region_id=street.id, user_id=official.id),
                RegionOfficial(region_id=other.id, user_id=stranger.id),
            ]
        )
        db.session.commit()
    assert upload(client_for(stranger), city.north.id, hotline_csv(*ROWS)).status_code == 403
    body = upload(client_for(official), city.north.id, hotline_csv(*ROWS)).get_json()
    assert client_for(official).post(f"/api/v1/hotline-imports/{body['id']}/confirm", json={}).status_code == 200
    assert count_reports(app, channel="hotline") == 2


def test_unreadable_and_huge_files_are_refused_whole(app, client_for, city):
    committee = client_for(city.committee)
    assert upload(committee, city.north.id, b"").get_json()["code"] == "open311.empty_file"
    assert upload(committee, city.north.id, b"\x00\x01binary").get_json()["code"] == "open311.unreadable_file"
    missing = upload(committee, city.north.id, b"a,b\n1,2")
    assert missing.status_code == 422 and missing.get_json()["code"] == "open311.missing_columns"
    app.config["HOTLINE_IMPORT_MAX_ROWS"] = 3
    try:
        many = hotline_csv(*[f"T{i},2026-12-01 09:30,路灯照明,d,addr,,,," for i in range(10)])
        assert upload(committee, city.north.id, many).get_json()["code"] == "open311.too_many_rows"
    finally:
        app.config.pop("HOTLINE_IMPORT_MAX_ROWS")
    app.config["HOTLINE_IMPORT_MAX_BYTES"] = 1000
    try:
        big = upload(committee, city.north.id, hotline_csv(*ROWS * 20))
        assert big.status_code == 422 and big.get_json()["code"] == "open311.file_too_large"
    finally:
        app.config.pop("HOTLINE_IMPORT_MAX_BYTES")
    gbk = upload(committee, city.north.id, hotline_csv(*ROWS, encoding="gb18030"))
    assert gbk.status_code == 201 and gbk.get_json()["counts"]["new"] == 2


def test_cli_imports_once_and_refuses_other_communities(app, city, tmp_path):
    path = tmp_path / "12345.csv"
    path.write_bytes(hotline_csv(*ROWS))
    runner = app.test_cli_runner()
    login = f"user{city.committee.id}@example.test"
    with app.app_context():
        from backend.accounts.models import User

        login = db.session.get(User, city.committee.id).email
        south_login = db.session.get(User, city.south_committee.id).email
    first = runner.invoke(
        args=["open311", "import-hotline", str(path), "--community", str(city.north.id), "--as", login]
    )
    assert first.exit_code == 0, first.output
    assert "created 2" in first.output
    second = runner.invoke(
        args=["open311", "import-hotline", str(path), "--community", str(city.north.id), "--as", login]
    )
    assert "created 0, already imported 2" in second.output
    refused = runner.invoke(
        args=["open311", "import-hotline", str(path), "--community", str(city.north.id), "--as", south_login]
    )
    assert refused.exit_code != 0
    assert count_reports(app) == 2


def test_unconfirmed_previews_are_purged_after_a_day(app, client_for, city):
    from datetime import timedelta

    from backend.core.db import utcnow
    from backend.open311.models import HotlineImport
    from backend.open311.services import purge_previews

    upload(client_for(city.committee), city.north.id, hotline_csv(*ROWS))
    with app.app_context():
        assert purge_previews() == 0
        assert purge_previews(utcnow() + timedelta(hours=25)) == 1
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(HotlineImport)) == 0


def test_the_data_download_holds_my_imports_and_keys_without_secrets_or_callers_words(client_for, city):
    admin = client_for(city.admin)
    key = admin.post("/api/v1/api-keys", json={"name": "城市平台"}).get_json()["key"]
    mine = admin.get("/api/v1/me/export").get_json()["open311"]
    assert [k["name"] for k in mine["api_keys_issued_or_revoked"]] == ["城市平台"]
    assert "key_hash" not in mine["api_keys_issued_or_revoked"][0] and key not in str(mine)
    committee = client_for(city.committee)
    preview = upload(committee, city.north.id, hotline_csv(*ROWS)).get_json()
    committee.post(f"/api/v1/hotline-imports/{preview['id']}/confirm", json={})
    exported = committee.get("/api/v1/me/export").get_json()["open311"]
    assert exported["hotline_imports_run"][0]["counts"]["new"] == 2
    assert len(exported["hotline_tickets_taken_in"]) == 2
    assert "路灯不亮" not in str(exported)  # a preview's rows are callers' words, not mine
