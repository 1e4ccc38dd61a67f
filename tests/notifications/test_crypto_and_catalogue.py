"""Encryption against RFC 8291's worked example, VAPID tokens, and the text catalogue."""

from __future__ import annotations

import time

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from backend.notifications import catalogue
from backend.notifications.vapid import VapidSigner, b64url_decode
from tests.push_service import Subscriber, verify_vapid

# RFC 8291, Appendix A.
RFC = {
    "plaintext": b"When I grow up, I want to be a watermelon",
    "as_private": "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
    "ua_public": "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
    "ua_private": "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
    "salt": "DGv6ra1nlYgDCS1FRnbzlw",
    "auth": "BTBZMqHH6r4Tts7J_aSIgg",
    "body": "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInm"
    "YWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
}


def _key(scalar_b64: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(b64url_decode(scalar_b64), "big"), ec.SECP256R1())


def test_our_encryption_reproduces_rfc_8291_appendix_a():
    """pywebpush encrypts with http_ece.encrypt(...aes128gcm): given the RFC's keys and salt, same bytes."""
    body = http_ece.encrypt(
        RFC["plaintext"],
        salt=b64url_decode(RFC["salt"]),
        private_key=_key(RFC["as_private"]),
        dh=b64url_decode(RFC["ua_public"]),
        auth_secret=b64url_decode(RFC["auth"]),
        version="aes128gcm",
    )
    assert body == b64url_decode(RFC["body"])


def test_the_test_push_service_decrypts_the_rfc_message():
    subscriber = Subscriber("t", "http://x/t", _key(RFC["ua_private"]), b64url_decode(RFC["auth"]))
    assert subscriber.p256dh == RFC["ua_public"]
    assert subscriber.decrypt(b64url_decode(RFC["body"])) == RFC["plaintext"]


def test_vapid_token_is_valid_for_the_push_service_and_reused():
    signer = VapidSigner(ec.generate_private_key(ec.SECP256R1()), "mailto:ops@linli.example")
    header = signer.authorization("https://push.example.net/send/abc")
    claims, _token = verify_vapid(header, "https://push.example.net", expected_key=signer.public_key)
    assert claims["sub"] == "mailto:ops@linli.example"
    assert time.time() + 11 * 3600 < claims["exp"] <= time.time() + 24 * 3600
    assert signer.authorization("https://push.example.net/send/other") == header
    assert signer.signed_count == 1
    signer.authorization("https://other.example.org/x")
    assert signer.signed_count == 2  # one per push-service origin


def test_a_vapid_token_for_another_origin_is_rejected():
    signer = VapidSigner(ec.generate_private_key(ec.SECP256R1()), "mailto:a@b.c")
    with pytest.raises(ValueError, match="aud"):
        verify_vapid(signer.authorization("https://a.example/x"), "https://b.example")
    other = VapidSigner(ec.generate_private_key(ec.SECP256R1()), "mailto:a@b.c")
    with pytest.raises(ValueError):
        verify_vapid(signer.authorization("https://a.example/x"), "https://a.example", expected_key=other.public_key)


SAMPLE_CONTEXT = {
    "report_id": 1,
    "report_title": "路灯",
    "status": "resolved",
    "project_id": 2,
    "project_title": "花园",
    "state": "approved",
    "poll_id": 3,
    "poll_title": "电梯",
    "aid_id": 4,
    "aid_title": "取快递",
    "responder_name": "周师傅",
    "shift_id": 5,
    "activity_id": 6,
    "activity_title": "义诊",
    "starts_at": "2026-11-23T01:00:00+00:00",
    "notice_id": 7,
    "notice_title": "停水",
    "excerpt": "周六停水",
    "action": "hide",
    "reason": "广告",
    "decision": "upheld",
    "community_id": 8,
    "community_name": "阳光社区",
    "organisation_name": "青年志愿队",
    "appeal_id": 9,
    "action_id": 10,
}


@pytest.mark.parametrize("kind", list(catalogue.KINDS))
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_kind_renders_short_text_without_placeholders(kind, locale):
    for context in (SAMPLE_CONTEXT, {}):
        text = catalogue.render(kind, context, locale)
        assert text["title"] and "{" not in text["title"] + text["body"]
        assert len(text["title"]) <= catalogue.TITLE_MAX and len(text["body"]) <= catalogue.BODY_MAX
    assert catalogue.deep_link(kind, SAMPLE_CONTEXT).startswith("/")
    assert len(catalogue.topic_for(kind, SAMPLE_CONTEXT)) <= 32


def test_unknown_kind_gets_a_generic_text_that_shows_nothing_from_the_context():
    text = catalogue.render("brand_new_kind", {"secret": "13812345678"}, "zh-CN")
    assert text == {"title": "邻里有新消息", "body": "打开邻里查看。", "user_content": []}
    assert catalogue.deep_link("brand_new_kind", {"url": "https://evil.example"}) == "/notifications"


@pytest.mark.parametrize("url", ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)", "/ok\n<script>"])
def test_deep_links_are_local_paths_only(url):
    assert catalogue.deep_link("notice_published", {"notice_id": 1}, url) == "/notifications"


def test_times_are_shown_in_the_readers_timezone():
    text = catalogue.render("shift_reminder", SAMPLE_CONTEXT, "en", timezone="Europe/London")
    assert text["body"].startswith("义诊 · Nov 23") and text["body"].endswith(" 1:00 AM")  # as the app writes it
