"""Push endpoints can never make the server call into a private network, at subscribe time or send time."""

from __future__ import annotations

import pytest
import requests

from backend.notifications.endpoints import SafePushSession, UnsafeEndpoint, check_endpoint, is_public
from tests.push_service import PushService


def resolver_for(*addresses):
    return lambda host, port: list(addresses)


REFUSED_ADDRESSES = [
    "127.0.0.1",
    "127.8.9.10",
    "::1",
    "0.0.0.0",
    "10.0.0.5",
    "172.16.3.4",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "169.254.10.10",
    "100.64.0.1",
    "100.127.255.254",  # link-local, carrier-grade NAT
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%eth0",  # unique-local, link-local
    "64:ff9b::a9fe:a9fe",
    "64:ff9b::a00:1",  # NAT64 of metadata and of 10.0.0.1
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",  # IPv4-mapped
    "2002:a00:1::1",  # 6to4 wrapping 10.0.0.1
    "224.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "192.0.2.10",
    "240.0.0.1",
    "::",
]
PUBLIC_ADDRESSES = ["142.250.72.10", "17.57.144.10", "2607:f8b0:4005:80a::200a", "2a00:1450:4001:82b::200e"]


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_endpoint_resolving_to_an_internal_address_is_refused(address):
    assert not is_public(address)
    with pytest.raises(UnsafeEndpoint) as error:
        check_endpoint("https://push.example.net/sub/1", resolver=resolver_for(address))
    assert error.value.reason == "private_address"


@pytest.mark.parametrize("address", [a for a in REFUSED_ADDRESSES if not a.startswith(("127.", "::1", "::ffff:127"))])
def test_loopback_setting_still_refuses_private_link_local_and_metadata(address):
    with pytest.raises(UnsafeEndpoint):
        check_endpoint("https://push.example.net/sub/1", allow_loopback=True, resolver=resolver_for(address))


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_endpoint_on_a_public_address_is_admitted(address):
    assert is_public(address)
    check_endpoint("https://fcm.googleapis.com/fcm/send/abc", resolver=resolver_for(address))


def test_one_private_answer_among_public_ones_is_enough_to_refuse():
    with pytest.raises(UnsafeEndpoint):
        check_endpoint("https://push.example.net/x", resolver=resolver_for("142.250.72.10", "10.0.0.1"))


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://push.example.net/x", "not_https"),
        ("http://127.0.0.1:8080/push/x", "not_https"),  # loopback only with PUSH_ALLOW_LOOPBACK=1
        ("ftp://push.example.net/x", "not_https"),
        ("https://user:pw@push.example.net/x", "credentials"),
        ("https:///nohost", "no_host"),
        ("https://push.example.net:99999/x", "no_host"),
        ("https://push.example.net/" + "a" * 1000, "too_long"),
    ],
)
def test_malformed_or_plain_http_endpoints_are_refused(url, reason):
    with pytest.raises(UnsafeEndpoint) as error:
        check_endpoint(url, resolver=resolver_for("142.250.72.10"))
    assert error.value.reason == reason


def test_loopback_setting_admits_http_on_127_0_0_1_only():
    check_endpoint("http://127.0.0.1:8080/push/x", allow_loopback=True, resolver=resolver_for("127.0.0.1"))
    with pytest.raises(UnsafeEndpoint):
        check_endpoint("http://localhost:8080/push/x", allow_loopback=True, resolver=resolver_for("127.0.0.1"))
    with pytest.raises(UnsafeEndpoint):  # numeric tricks resolve to loopback and are judged on the answer
        check_endpoint("https://2130706433/push/x", resolver=resolver_for("127.0.0.1"))


def test_allowed_hosts_restrict_to_known_push_services():
    hosts = ["fcm.googleapis.com", "*.push.apple.com", "updates.push.services.mozilla.com"]
    public = resolver_for("142.250.72.10")
    check_endpoint("https://fcm.googleapis.com/fcm/send/a", allowed_hosts=hosts, resolver=public)
    check_endpoint("https://api.push.apple.com/3/device/a", allowed_hosts=hosts, resolver=public)
    for url in ("https://evil.example.com/x", "https://push.apple.com.evil.net/x", "https://push.apple.com/x"):
        with pytest.raises(UnsafeEndpoint) as error:
            check_endpoint(url, allowed_hosts=hosts, resolver=public)
        assert error.value.reason == "host_not_allowed"


def test_send_time_check_refuses_a_host_whose_dns_changed_to_a_private_address():
    """Rebinding: the name was public at subscribe time; now it answers 10.0.0.1. No request leaves."""
    session = SafePushSession(resolver=resolver_for("10.0.0.1"))
    with pytest.raises(requests.ConnectionError, match="push endpoint refused"):
        session.post("https://push.example.net/x", data=b"x")


def test_send_time_check_refuses_loopback_without_the_setting():
    with PushService() as service:
        device = service.new_subscriber()
        with pytest.raises(requests.ConnectionError, match="push endpoint refused"):
            SafePushSession(allow_loopback=False).post(device.endpoint, data=b"x")
        assert service.requests_seen == 0


def test_redirects_are_never_followed_and_timeouts_are_capped():
    """A push service answering 307 to a loopback address must not make us call that address."""
    with PushService() as service, PushService() as internal:
        device = service.new_subscriber()
        target = internal.new_subscriber()
        service.redirect(device, target.endpoint)
        session = SafePushSession(allow_loopback=True)
        response = session.post(device.endpoint, data=b"x", timeout=10000)
        assert response.status_code == 307
        assert internal.requests_seen == 0
        assert session.timeout <= 10
        assert SafePushSession(timeout=60).timeout == 10


def test_pywebpush_with_our_session_does_not_follow_a_redirect(app, make_user, push_service):
    """The whole send path (pywebpush + hardened session): a 307 counts as a refusal, nothing is followed."""
    from backend.notifications.push import FAILED, PushItem, send_one, session_for
    from backend.notifications.vapid import signer

    with PushService() as internal:
        device, target = push_service.new_subscriber(), internal.new_subscriber()
        push_service.redirect(device, target.endpoint)
        with app.app_context():
            item = PushItem(1, device.subscription_json(), {"title": "t"}, ttl=60, urgency="normal", topic="t")
            outcome = send_one(item, session_for({"PUSH_ALLOW_LOOPBACK": True}), signer())
        assert outcome.result == FAILED and outcome.status == 307
        assert internal.requests_seen == 0
