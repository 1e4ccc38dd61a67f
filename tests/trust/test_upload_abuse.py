"""Abuse of resources through uploads (issue 15): small files that cost gigabytes, animations, floods and
abandoned photos, each as a question."""

from __future__ import annotations

import io
import resource
import struct
import time
import zlib
from datetime import timedelta

import pytest
from PIL import Image

from backend.extensions import db


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def thin_png(width: int, height: int) -> bytes:
    """A valid 8-bit grey PNG of width x height, every row the same: tiny on disk, huge when decoded."""
    row = b"\x00" + b"\x80" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row * 100_000) for _ in range(height // 100_000))
    data += compressor.compress(row * (height % 100_000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def needle_png() -> bytes:
    return thin_png(1, 39_000_000)


@pytest.fixture
def member(make_community, make_member):
    community = make_community()
    return make_member(community)


def upload(client, data: bytes, name="p.png"):
    return client.post("/api/v1/uploads", data={"file": (io.BytesIO(data), name)})


def picture(size=(64, 48), fmt="PNG", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, fmt, **save)
    return buffer.getvalue()


def test_a_74_kb_png_of_39_million_pixels_is_refused_fast_and_small(client_for, member, needle_png):
    """Can a 74 KB PNG of 1 x 39,000,000 pixels make a web worker spend gigabytes and seconds?"""
    assert len(needle_png) < 200_000
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.monotonic()
    response = upload(client_for(member), needle_png)
    elapsed = time.monotonic() - started
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert response.status_code == 422 and response.json["code"] == "upload.upload_invalid"
    assert elapsed < 2, f"{elapsed:.1f} s"
    assert grown_mib < 100, f"peak memory grew by {grown_mib:.0f} MiB"


@pytest.mark.parametrize(("size", "accepted"), [((1300, 100), False), ((100, 1300), False), ((1200, 100), True)])
def test_long_thin_images_are_refused(client_for, member, size, accepted):
    """Is a strip of 13:1 refused, and an ordinary panorama (12:1) still taken?"""
    response = upload(client_for(member), picture(size))
    assert (response.status_code == 201) is accepted, response.json


def test_a_side_longer_than_any_camera_is_refused(client_for, member):
    """Can an image stay under the pixel budget with one side of 12,000 px? (No: each side is capped.)"""
    response = upload(client_for(member), thin_png(12_000, 1_500))
    assert response.status_code == 422 and response.json["code"] == "upload.upload_invalid"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animated_images_are_refused(client_for, member, fmt):
    """Can an animation make the server decode every one of its frames?"""
    frames = [Image.new("RGB", (64, 48), (i * 40, 0, 0)) for i in range(5)]
    buffer = io.BytesIO()
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    response = upload(client_for(member), buffer.getvalue(), f"a.{fmt.lower()}")
    assert response.status_code == 422 and response.json["code"] == "upload.upload_invalid"


def test_uploads_are_rate_limited_per_person(app, client_for, member, monkeypatch):
    """Can one account upload without limit? (The limit is per person: RATELIMIT_UPLOADS.)"""
    monkeypatch.setitem(app.config, "RATELIMIT_UPLOADS", "3 per hour")
    client = client_for(member)
    statuses = [upload(client, picture()).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]


def test_photos_never_attached_are_purged_with_their_files(app, client_for, member):
    """Do abandoned uploads fill the disk forever? (The purge job removes rows and files after 48 hours.)"""
    from backend.core.db import commit
    from backend.uploads.models import Upload
    from backend.uploads.purge import purge_never_attached
    from backend.uploads.storage import get_storage

    client = client_for(member)
    old, recent = upload(client, picture()).json, upload(client, picture()).json
    with app.app_context():
        db.session.get(Upload, old["id"]).created_at -= timedelta(hours=49)
        db.session.commit()
        old_keys = [db.session.get(Upload, old["id"]).file_key(size) for size in ("display", "thumb")]
        assert all(get_storage().open(key) for key in old_keys)
        assert purge_never_attached() == 1
        commit()
        assert db.session.get(Upload, old["id"]) is None and db.session.get(Upload, recent["id"]) is not None
        for key in old_keys:
            with pytest.raises(FileNotFoundError):
                get_storage().open(key)
    assert client.get(recent["url"]).status_code == 200


def test_the_purge_is_a_job_of_the_uploads_manifest(app):
    """Is the purge declared where the scheduler finds it (so it actually runs)?"""
    from backend.uploads import DOMAIN

    assert [job.name for job in DOMAIN.jobs] == ["purge-unattached-uploads"]


def test_no_more_than_two_images_decode_at_once_in_a_worker(monkeypatch):
    """Can six simultaneous uploads make one worker decode six images at once (six times the memory)?"""
    import threading

    from backend.uploads import images

    active, peak, lock = 0, 0, threading.Lock()
    decode = images._decode_elsewhere

    def slow_decode(data):
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.2)
        try:
            return decode(data)
        finally:
            with lock:
                active -= 1

    monkeypatch.setattr(images, "_decode_elsewhere", slow_decode)
    data = picture((200, 150))
    threads = [threading.Thread(target=images.process, args=(data,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert peak == images.DECODE_SLOTS == 2


def test_images_decode_in_another_process_and_the_web_worker_does_not_grow(client_for, member):
    """Does a photo's decode run (and spend its memory) inside the web worker?"""
    import os

    from backend.uploads import images

    assert upload(client_for(member), picture((1200, 900), "JPEG")).status_code == 201
    decoders = [child.pid for child in images._pool._processes.values()]
    assert decoders and os.getpid() not in decoders


def test_a_decode_over_its_memory_budget_is_refused_and_the_next_photo_still_goes_through(
    client_for, member, monkeypatch
):
    """Can an image that passes the header checks but needs more memory than a decode may take crash or bloat
    the worker, or leave uploads broken for the next person?"""
    from backend.uploads import images

    wide = picture((4000, 2500))  # 10 MP: 30 MB decoded, ~150 MB with the copies a decode makes
    images.discard_decoders()
    monkeypatch.setattr(images, "DECODE_MEMORY_BYTES", 40 * 1024 * 1024)
    client = client_for(member)
    try:
        response = upload(client, wide)
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["code"] == "upload.upload_invalid"
    finally:
        images.discard_decoders()
    monkeypatch.undo()
    assert upload(client, wide).status_code == 201  # fresh decoders with the normal budget


def test_a_decode_over_its_time_is_refused(client_for, member, monkeypatch):
    from backend.uploads import images

    images.discard_decoders()
    monkeypatch.setattr(images, "DECODE_SECONDS", 0.001)
    try:
        response = upload(client_for(member), picture((3000, 2000), "JPEG"))
    finally:
        images.discard_decoders()
    assert response.status_code == 422
    assert "too long" in str(response.get_json())


def test_only_verified_members_upload(client_for, make_community, make_member, make_user):
    """Can a pending account, a suspended member or someone of no community fill the disk with photos?"""
    community = make_community()
    pending = make_member(community, status="pending")
    suspended = make_member(community, status="suspended")
    for user, reason in ((pending, "not_verified"), (suspended, "suspended"), (make_user(), "not_a_member")):
        response = upload(client_for(user), picture())
        assert response.status_code == 403 and response.json["reason"] == reason, response.json


def test_each_person_has_a_storage_quota(app, client_for, member, monkeypatch):
    """Can one account store photos without limit? (UPLOAD_QUOTA_BYTES per person.)"""
    data = picture((300, 200))
    monkeypatch.setitem(app.config, "UPLOAD_QUOTA_BYTES", 2 * len(data) + 10)
    client = client_for(member)
    assert [upload(client, data).status_code for _ in range(2)] == [201, 201]
    refused = upload(client, data)
    assert refused.status_code == 422 and refused.json["code"] == "upload.quota_exceeded"
