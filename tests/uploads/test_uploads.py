"""Uploads: type from content, size and pixel limits, metadata stripped, served safely, attached once."""

from __future__ import annotations

import io
import struct
import threading
import zlib

import pytest
from PIL import Image

from backend.extensions import db
from backend.uploads import services as uploads
from backend.uploads.models import Upload


def jpeg_bytes(size=(64, 48), color=(200, 40, 40), exif=None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def png_bytes(size=(32, 32), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 10, 128) if mode == "RGBA" else 0).save(out, "PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions: a decompression bomb's signature."""
    data = bytearray(png_bytes((1, 1), "L"))
    ihdr_start = 8 + 4  # signature, chunk length
    body = b"IHDR" + struct.pack(">II", width, height) + bytes(data[ihdr_start + 12 : ihdr_start + 17])
    data[ihdr_start : ihdr_start + 17] = body
    data[ihdr_start + 17 : ihdr_start + 21] = struct.pack(">I", zlib.crc32(body))
    return bytes(data)


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (31.0, 13.0, 58.0), "E", (121.0, 28.0, 12.0)
    return exif


def post_file(client, data: bytes, name="photo.jpg", mimetype="image/jpeg"):
    return client.post(
        "/api/v1/uploads", data={"file": (io.BytesIO(data), name, mimetype)}, content_type="multipart/form-data"
    )


@pytest.fixture
def community(make_community):
    return make_community()


@pytest.fixture
def member(community, make_member):
    return make_member(community)


@pytest.fixture
def member_client(client_for, member):
    return client_for(member)


def test_a_jpeg_from_a_member_is_stored_with_display_and_thumbnail(member_client):
    response = post_file(member_client, jpeg_bytes((3000, 2000)))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["url"] == f"/api/v1/uploads/{body['id']}/display.jpg"
    display = Image.open(io.BytesIO(member_client.get(body["url"]).data))
    thumb = Image.open(io.BytesIO(member_client.get(body["thumb_url"]).data))
    assert max(display.size) == 1600 and max(thumb.size) == 400
    assert display.format == thumb.format == "JPEG"


def test_png_with_transparency_and_webp_are_accepted(member_client):
    assert post_file(member_client, png_bytes(), "a.png", "image/png").status_code == 201
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, "WEBP")
    assert post_file(member_client, out.getvalue(), "a.webp", "image/webp").status_code == 201


def test_a_text_file_named_jpg_is_refused(member_client):
    response = post_file(member_client, b"hello, I am not a photo\n" * 20, "photo.jpg")
    assert response.status_code == 422
    assert response.json["code"] == "upload.upload_invalid"


def test_an_image_of_another_format_is_refused_by_its_content(member_client):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    response = post_file(member_client, out.getvalue(), "looks.jpg")
    assert response.status_code == 422
    assert response.json["code"] == "upload.upload_unsupported_type"


@pytest.mark.parametrize("width, height", [(100_000, 100_000), (20_000, 20_000), (9_000, 9_000)])
def test_a_decompression_bomb_is_refused_before_decoding(member_client, width, height):
    response = post_file(member_client, png_claiming(width, height), "bomb.png", "image/png")
    assert response.status_code == 422
    assert response.json["code"] == "upload.upload_invalid"


def test_a_12_mb_file_is_refused_as_too_large(member_client):
    response = post_file(member_client, b"\xff\xd8\xff" + b"\0" * (12 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json["code"] == "upload.upload_too_large"


def test_a_file_just_over_10_mb_is_refused_as_too_large(member_client):
    response = post_file(member_client, b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json["code"] == "upload.upload_too_large"


def test_gps_and_every_other_metadata_is_stripped(member_client):
    original = jpeg_bytes((120, 80), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo does carry GPS
    body = post_file(member_client, original).json
    for url in (body["url"], body["thumb_url"]):
        served = member_client.get(url).data
        image = Image.open(io.BytesIO(served))
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"PhoneMaker" not in served and b"Exif" not in served


def test_exif_orientation_is_applied_before_stripping(member_client):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    body = post_file(member_client, jpeg_bytes((200, 100), exif=exif)).json
    image = Image.open(io.BytesIO(member_client.get(body["url"]).data))
    assert image.size == (100, 200)


def test_served_files_are_briefly_cached_nosniff_jpeg_once_attached(member_client, community):
    body = post_file(member_client, jpeg_bytes()).json
    report = member_client.post(
        f"/api/v1/communities/{community.id}/reports",
        json={"category": "rubbish", "description": "垃圾桶满了", "location_text": "3号楼", "photo_ids": [body["id"]]},
    )
    assert report.status_code == 201, report.json
    response = member_client.get(body["url"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, max-age=300, must-revalidate"  # hideable: tests/trust


def test_an_unattached_photo_is_only_shown_to_its_uploader(member_client, client_for, make_user):
    body = post_file(member_client, jpeg_bytes()).json
    assert member_client.get(body["url"]).headers["Cache-Control"].startswith("private")
    assert client_for(make_user()).get(body["url"]).status_code == 404
    assert client_for().get(body["url"]).status_code == 404


@pytest.mark.parametrize("who, status", [("visitor", 401), ("no_community", 403)])
def test_only_members_of_a_community_may_upload(client_for, make_user, who, status):
    client = client_for() if who == "visitor" else client_for(make_user())
    assert post_file(client, jpeg_bytes()).status_code == status


def test_a_missing_file_field_is_a_validation_error(member_client):
    response = member_client.post("/api/v1/uploads", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["code"] == "upload.upload_missing"


def test_only_the_uploader_can_attach_and_only_once(app, member_client, member, make_user):
    upload_id = post_file(member_client, jpeg_bytes()).json["id"]
    stranger = make_user()
    with app.app_context():
        with pytest.raises(uploads.ValidationFailed) as refused:
            uploads.attach(stranger, [upload_id], "report", 1)
        assert refused.value.code == "upload.upload_not_attachable"
        assert [u.id for u in uploads.attach(member, [upload_id], "report", 1)] == [upload_id]
        db.session.commit()
        with pytest.raises(uploads.ValidationFailed):
            uploads.attach(member, [upload_id], "report", 2)


def test_two_attaches_at_once_leave_one_winner(app, member_client, member):
    upload_id = post_file(member_client, jpeg_bytes()).json["id"]
    results = []
    barrier = threading.Barrier(2)

    def attach_to(target_id):
        with app.app_context():
            barrier.wait()
            try:
                uploads.attach(member, [upload_id], "report", target_id)
                db.session.commit()
                results.append(target_id)
            except uploads.ValidationFailed:
                db.session.rollback()

    threads = [threading.Thread(target=attach_to, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 1
    with app.app_context():
        assert db.session.get(Upload, upload_id).target_id == results[0]
