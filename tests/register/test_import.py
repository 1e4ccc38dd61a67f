"""The resident register's import: preview, confirm, idempotence, changed rows, bad rows and bad files."""

import io
import zipfile

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.register.models import RegisterHousehold, RegisterImport, RegisterResident

from .conftest import HEADER, csv_bytes, import_file, upload, xlsx_bytes

ROWS = (
    "R1,吴桂英,3,1,101,1,女,1941-05-12,139 0000 0101,户主,独居",
    "R2,李建国,3,1,102,1,男,1950/11/03,13900000102,户主,",
    "R3,王秀兰,3,1,102,1,女,19530220,,配偶,",
)


def resident_count(app, cid):
    with app.app_context():
        return db.session.scalar(select(func.count()).where(RegisterResident.community_id == cid))


def test_preview_writes_nothing_to_the_register_and_confirm_applies_it(app, town, client_for):
    """Is anything written before the committee confirms?"""
    client = client_for(town.committee)
    preview = upload(client, town.cid, csv_bytes(*ROWS))
    assert preview.status_code == 201, preview.get_json()
    body = preview.get_json()
    assert body["counts"] == {"rows": 3, "new": 3, "changed": 0, "unchanged": 0, "invalid": 0, "new_households": 2}
    assert (body["rows"], body["valid"], body["errors"]) == (3, 3, [])
    assert [c["action"] for c in body["changes"]] == ["new"] * 3
    assert resident_count(app, town.cid) == 0
    done = client.post(f"/api/v1/register-imports/{body['id']}/confirm", json={})
    assert done.status_code == 200
    assert done.get_json() == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0, "new_households": 2}
    with app.app_context():
        wu = db.session.scalar(select(RegisterResident).where(RegisterResident.ref == "R1"))
        assert (wu.name, wu.gender, wu.birth_date.isoformat(), wu.phone) == (
            "吴桂英",
            "female",
            "1941-05-12",
            "13900000101",
        )
        assert wu.household.grid_id == town.community.grid_ids[0]
        # The preview's copy of the rows is gone once applied: the register is the only copy.
        assert db.session.scalar(select(RegisterImport.rows).where(RegisterImport.id == body["id"])) is None


def test_a_preview_is_applied_once_only(town, client_for):
    client = client_for(town.committee)
    import_id = upload(client, town.cid, csv_bytes(*ROWS)).get_json()["id"]
    url = f"/api/v1/register-imports/{import_id}/confirm"
    assert client.post(url).status_code == 200
    again = client.post(url)
    assert again.status_code == 409 and again.get_json()["code"] == "register.preview_expired"


def test_reimporting_the_same_file_changes_nothing(app, town, client_for):
    client = client_for(town.committee)
    import_file(client, town.cid, csv_bytes(*ROWS))
    with app.app_context():
        before = [
            (r.id, r.updated_at) for r in db.session.scalars(select(RegisterResident).order_by(RegisterResident.id))
        ]
    preview, done = import_file(client, town.cid, csv_bytes(*ROWS))
    assert preview["counts"]["unchanged"] == 3 and preview["changes"] == []
    assert done == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0, "new_households": 0}
    with app.app_context():
        after = [
            (r.id, r.updated_at) for r in db.session.scalars(select(RegisterResident).order_by(RegisterResident.id))
        ]
    assert after == before


def test_the_same_register_exported_and_imported_again_changes_nothing(town, client_for):
    """Export in the import's format: the exported file is a no-op import (both formats, both languages)."""
    client = client_for(town.committee)
    import_file(client, town.cid, csv_bytes(*ROWS))
    for file_format in ("csv", "xlsx"):
        for language in ("zh-CN", "en"):
            exported = client.get(
                f"/api/v1/communities/{town.cid}/register/export?format={file_format}",
                headers={"Accept-Language": language},
            )
            assert exported.status_code == 200
            preview = upload(client, town.cid, exported.get_data(), f"r.{file_format}").get_json()
            assert preview["counts"]["unchanged"] == 3, (file_format, language, preview)
            assert preview["counts"]["changed"] == preview["counts"]["new"] == 0


def test_a_changed_row_updates_the_person_and_moves_them_to_their_new_household(app, town, client_for):
    client = client_for(town.committee)
    import_file(client, town.cid, csv_bytes(*ROWS))
    moved = (
        "R1,吴桂英,3,1,101,1,女,1941-05-12,13900000101,户主,独居",
        "R2,李建国,9,2,1201,2,男,1950-11-03,13700000000,户主,",  # moved flat and grid, new phone
        "R3,王秀兰,3,1,102,1,女,1953-02-20,,配偶,",
    )
    preview, done = import_file(client, town.cid, csv_bytes(*moved))
    assert preview["counts"]["changed"] == 1 and preview["counts"]["new_households"] == 1
    assert preview["changes"][0]["fields"] == ["phone", "household"]
    assert done["updated"] == 1
    with app.app_context():
        li = db.session.scalar(select(RegisterResident).where(RegisterResident.ref == "R2"))
        assert (li.household.address, li.phone, li.household.grid_id) == (
            "9-2-1201",
            "13700000000",
            town.community.grid_ids[1],
        )
        assert db.session.scalar(select(func.count()).select_from(RegisterResident)) == 3


def test_without_numbers_people_are_known_by_household_and_name(app, town, client_for):
    client = client_for(town.committee)
    header = "姓名,楼栋,单元,房号,电话"
    import_file(client, town.cid, csv_bytes("吴桂英,3,1,101,13900000101", header=header))
    preview, _ = import_file(client, town.cid, csv_bytes("吴桂英,3,1,101,13900000109", header=header))
    assert preview["counts"]["changed"] == 1 and preview["counts"]["new"] == 0
    assert resident_count(app, town.cid) == 1


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_bad_rows_are_listed_by_line_in_the_readers_language(app, town, client_for, make_member, language):
    client = client_for(make_member(town.community, role="committee", locale=language))
    bad = (
        "R1,吴桂英,3,1,101,1,女,1941-05-12,13900000101,户主,",
        ",,3,1,102,1,,,,,",  # no name
        "R3,王秀兰,3,1,103,7,女,1953-02-30,12ab,配偶,",  # no grid 7, no Feb 30, bad phone
        "R4,赵玉珍,3,1,104,1,不详,2999-01-01,,,",  # unknown gender, future date
        "R1,吴桂英,3,1,101,1,女,1941-05-12,,,",  # line 2 again
        "R6," + "长" * 51 + ",3,1,105,1,,,,,",
    )
    response = client.post(
        f"/api/v1/communities/{town.cid}/register-imports",
        data={"file": (io.BytesIO(csv_bytes(*bad)), "r.csv")},
        content_type="multipart/form-data",
    )
    body = response.get_json()
    assert response.status_code == 201
    assert body["counts"]["invalid"] == 5 and body["counts"]["new"] == 1
    by_line = {}
    for problem in body["errors"]:
        by_line.setdefault(problem["row"], {})[problem["field"]] = problem["message"]
    assert set(by_line) == {3, 4, 5, 6, 7}
    assert set(by_line[4]) == {"grid", "birth_date", "phone"}
    assert set(by_line[5]) == {"gender", "birth_date"}
    if language == "zh-CN":
        assert by_line[3]["name"] == "必填" and by_line[6]["name"] == "与第 2 行是同一个人"
        assert by_line[7]["name"] == "不能超过 50 个字"
    else:
        assert by_line[3]["name"] == "Required" and by_line[6]["name"] == "The same person as line 2"
    # Rows with errors are not applied unless the committee says to skip them.
    confirm = f"/api/v1/register-imports/{body['id']}/confirm"
    refused = client.post(confirm, json={})
    assert refused.status_code == 409 and refused.get_json()["code"] == "register.import_has_errors"
    assert resident_count(app, town.cid) == 0
    applied = client.post(confirm, json={"skip_invalid_rows": True})
    assert applied.get_json() == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 5, "new_households": 1}


def test_a_second_person_of_the_same_name_in_a_household_is_refused_by_row(town, client_for):
    client = client_for(town.committee)
    import_file(client, town.cid, csv_bytes("R1,吴桂英,3,1,101,1,女,,,,"))
    preview = upload(client, town.cid, csv_bytes("R9,吴桂英,3,1,101,1,女,,,,")).get_json()
    assert preview["counts"]["invalid"] == 1 and preview["errors"][0]["field"] == "name"


def test_gbk_csv_from_excel_reads_as_chinese(app, town, client_for):
    """Chinese Excel and WPS save CSV as GBK."""
    client = client_for(town.committee)
    import_file(client, town.cid, csv_bytes(*ROWS, encoding="gbk"))
    with app.app_context():
        names = set(db.session.scalars(select(RegisterResident.name)))
    assert names == {"吴桂英", "李建国", "王秀兰"}


def test_utf16_tab_separated_text_from_excel_reads_too(app, town, client_for):
    data = "\n".join([HEADER.replace(",", "\t"), ROWS[0].replace(",", "\t")]).encode("utf-16")
    preview, done = import_file(client_for(town.committee), town.cid, data, "r.txt")
    assert done["created"] == 1


def test_xlsx_with_dates_and_numbers_as_excel_stores_them(app, town, client_for):
    from datetime import datetime

    client = client_for(town.committee)
    rows = [HEADER.split(","), ["R1", "吴桂英", 3, 1, 101, 1, "女", datetime(1941, 5, 12), 13900000101.0, "户主", ""]]
    preview, done = import_file(client, town.cid, xlsx_bytes(rows), "r.xlsx")
    assert done["created"] == 1
    with app.app_context():
        wu = db.session.scalar(select(RegisterResident))
        assert (wu.household.address, wu.phone, wu.birth_date.isoformat()) == ("3-1-101", "13900000101", "1941-05-12")


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (100 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    "data, name, code",
    [
        (b"", "r.csv", "register.no_file"),
        (b"\n\n", "r.csv", "register.empty_file"),
        (bytes([0x81, 0x30, 0x81]) + b"\xff\xfe\xfd" * 10, "r.csv", "register.bad_encoding"),
        ("姓名,电话\n吴桂英,1\n".encode(), "r.csv", "register.missing_columns"),
        (b"PK\x03\x04 not really a zip", "r.xlsx", "register.unreadable_file"),
        (b"\x00\x01\x02binary\x00", "r.csv", "register.unreadable_file"),
    ],
)
def test_files_that_are_not_a_register_are_a_clear_422(app, town, client_for, data, name, code):
    response = upload(client_for(town.committee), town.cid, data, name)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["code"] == code
    assert response.get_json()["detail"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RegisterImport)) == 0


def test_an_xlsx_zip_bomb_is_refused_before_it_unpacks(town, client_for):
    bomb = _zip_bomb()
    assert len(bomb) < 200 * 1024
    response = upload(client_for(town.committee), town.cid, bomb, "bomb.xlsx")
    assert response.status_code == 422 and response.get_json()["code"] == "register.file_too_large_unpacked"


def test_size_and_row_limits(app, town, client_for):
    client = client_for(town.committee)
    app.config["REGISTER_IMPORT_MAX_ROWS"] = 5
    app.config["REGISTER_IMPORT_MAX_BYTES"] = 4096
    try:
        many = [f"R{n},居民{n},1,1,{n},,,,,," for n in range(10)]
        response = upload(client, town.cid, csv_bytes(*many))
        assert response.status_code == 422 and response.get_json()["code"] == "register.too_many_rows"
        assert "5" in response.get_json()["detail"]
        huge = csv_bytes(*[f"R{n},居民{n},1,1,{n},,,,,," for n in range(3)]) + b" " * 5000
        response = upload(client, town.cid, huge)
        assert response.status_code == 422 and response.get_json()["code"] == "register.file_too_large"
    finally:
        app.config.pop("REGISTER_IMPORT_MAX_ROWS")
        app.config.pop("REGISTER_IMPORT_MAX_BYTES")


def test_a_formula_in_a_cell_is_text_in_the_export(town, client_for):
    client = client_for(town.committee)
    import_file(client, town.cid, csv_bytes('R1,=HYPERLINK("http://x"),3,1,101,,,,,,@SUM(A1)'))
    exported = client.get(f"/api/v1/communities/{town.cid}/register/export").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "'@SUM(A1)" in exported
    xlsx = client.get(f"/api/v1/communities/{town.cid}/register/export?format=xlsx").get_data()
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    values = [cell.value for cell in sheet[2]]
    assert values[1] == '\'=HYPERLINK("http://x")' and sheet.cell(2, 2).data_type == "s"


def test_a_preview_expires_after_a_day_and_the_job_drops_it(app, town, client_for):
    from datetime import timedelta

    from sqlalchemy import update

    from backend.core.db import utcnow
    from backend.register import services

    client = client_for(town.committee)
    import_id = upload(client, town.cid, csv_bytes(*ROWS)).get_json()["id"]
    with app.app_context():
        db.session.execute(update(RegisterImport).values(created_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
    response = client.post(f"/api/v1/register-imports/{import_id}/confirm")
    assert response.status_code == 409
    with app.app_context():
        assert services.purge_previews() == 1
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(RegisterImport)) == 0


def test_households_are_shared_by_their_residents(app, town, client_for):
    import_file(client_for(town.committee), town.cid, csv_bytes(*ROWS))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RegisterHousehold)) == 2
