"""Register fixtures: a community with its committee, a grid worker and a resident; spreadsheet builders."""

import io
from types import SimpleNamespace

import pytest

HEADER = "居民编号,姓名,楼栋,单元,房号,网格,性别,出生日期,电话,与户主关系,备注"


@pytest.fixture
def town(make_community, make_member):
    community = make_community("阳光社区", grids=2)
    return SimpleNamespace(
        community=community,
        cid=community.id,
        committee=make_member(community, role="committee", display_name="王主任"),
        grid_worker=make_member(community, role="grid_worker", grid=0, display_name="李网格"),
        resident=make_member(community, display_name="张阿姨"),
        pending=make_member(community, status="pending"),
    )


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return "\n".join([header, *lines]).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, cid, data: bytes, name: str = "residents.csv"):
    return client.post(
        f"/api/v1/communities/{cid}/register-imports",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def import_file(client, cid, data: bytes, name: str = "residents.csv", **confirm):
    preview = upload(client, cid, data, name)
    assert preview.status_code == 201, preview.get_json()
    done = client.post(f"/api/v1/register-imports/{preview.get_json()['id']}/confirm", json=confirm)
    assert done.status_code == 200, done.get_json()
    return preview.get_json(), done.get_json()
