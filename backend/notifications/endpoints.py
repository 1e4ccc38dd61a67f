"""Push endpoint safety: a subscription must never make the server call into its own network (SSRF).

An endpoint is admitted when it is https on a host whose every DNS answer is a public address (and,
when PUSH_ALLOWED_HOSTS is set, the host is one of the known push services). PUSH_ALLOW_LOOPBACK=1,
for tests and benchmarks only, also admits loopback (http://127.0.0.1:PORT/...); private, link-local,
carrier-grade NAT and metadata addresses stay refused even then.

The check runs again for every connection at send time: `SafePushSession` resolves the host itself,
refuses private answers and connects to the address it checked (so a DNS answer that changes between
check and connect cannot slip through), never follows redirects and always has a timeout.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.util.connection import create_connection

MAX_ENDPOINT_LENGTH = 1000
MAX_TIMEOUT_SECONDS = 10.0

# Addresses that is_global misses or that can wrap an internal address.
_REFUSED_NETWORKS = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "240.0.0.0/4",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "2002::/16",
        "2001::/32",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
    )
]
_LOOPBACK = [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")]

Resolver = Callable[[str, int], Iterable[str]]


class UnsafeEndpoint(ValueError):
    """The endpoint would make the server call somewhere it must not; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _unwrap(address: ipaddress.IPv4Address | ipaddress.IPv6Address):
    """The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:10.0.0.1 is 10.0.0.1)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback(address: str) -> bool:
    ip = _unwrap(ipaddress.ip_address(address.split("%")[0]))
    return any(ip in network for network in _LOOPBACK if ip.version == network.version)


def is_public(address: str) -> bool:
    """True for a globally routable unicast address that wraps no internal one."""
    try:
        ip = _unwrap(ipaddress.ip_address(address.split("%")[0]))
    except ValueError:
        return False
    if (
        ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
        or ip.is_link_local
        or ip.is_private
        or ip.is_loopback
        or not ip.is_global
    ):
        return False
    return not any(ip in network for network in _REFUSED_NETWORKS if ip.version == network.version)


def address_allowed(address: str, *, allow_loopback: bool) -> bool:
    return is_public(address) or (allow_loopback and is_loopback(address))


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (A and AAAA)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeEndpoint("unresolvable") from error
    return list(dict.fromkeys(answer[4][0] for answer in answers))


def host_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    """`push.example.com` matches itself; `*.example.com` matches any name under example.com."""
    host = host.lower().rstrip(".")
    for pattern in allowed_hosts:
        pattern = pattern.strip().lower().rstrip(".")
        if not pattern:
            continue
        if pattern.startswith("*.") and host.endswith(pattern[1:]) and host != pattern[2:]:
            return True
        if host == pattern:
            return True
    return False


def check_endpoint(
    url: str, *, allow_loopback: bool = False, allowed_hosts: Iterable[str] = (), resolver: Resolver = system_resolver
) -> None:
    """Raise UnsafeEndpoint unless `url` is an endpoint the server may post to.

    :raises UnsafeEndpoint: with reason ``too_long``, ``not_https``, ``credentials``, ``no_host``,
        ``host_not_allowed``, ``unresolvable`` or ``private_address``
    """
    if not isinstance(url, str) or len(url) > MAX_ENDPOINT_LENGTH:
        raise UnsafeEndpoint("too_long")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeEndpoint("no_host") from error
    host = parts.hostname
    if not host:
        raise UnsafeEndpoint("no_host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeEndpoint("credentials")
    loopback_literal = allow_loopback and host == "127.0.0.1"
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback_literal):
        raise UnsafeEndpoint("not_https")
    allowed_hosts = [h for h in allowed_hosts if h and h.strip()]
    if allowed_hosts and not loopback_literal and not host_allowed(host, allowed_hosts):
        raise UnsafeEndpoint("host_not_allowed")
    answers = list(resolver(host, port or (443 if parts.scheme == "https" else 80)))
    if not answers:
        raise UnsafeEndpoint("unresolvable")
    # Every answer must be acceptable: a client picks any of them, and so could an attacker's DNS.
    if not all(address_allowed(answer, allow_loopback=allow_loopback) for answer in answers):
        raise UnsafeEndpoint("private_address")


# ---------- send time: a requests session that checks every connection it opens ----------


class _CheckedConnectionMixin:
    """Resolve, refuse unsafe answers, connect to the checked address (TLS still verifies the name)."""

    allow_loopback = False
    resolver: Resolver = staticmethod(system_resolver)

    def _new_conn(self):
        try:
            answers = list(self.resolver(self._dns_host, self.port))
        except UnsafeEndpoint as error:
            raise NewConnectionError(self, f"push endpoint refused: {error.reason}") from None
        if not answers or not all(address_allowed(a, allow_loopback=self.allow_loopback) for a in answers):
            raise NewConnectionError(self, "push endpoint refused: private_address")
        last_error = None
        for address in answers:
            try:
                return create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except OSError as error:
                last_error = error
        raise NewConnectionError(self, f"failed to connect: {last_error}")


def _pool_classes(allow_loopback: bool, resolver: Resolver):
    attrs = {"allow_loopback": allow_loopback, "resolver": staticmethod(resolver)}
    http_conn = type("CheckedHTTPConnection", (_CheckedConnectionMixin, HTTPConnection), attrs)
    https_conn = type("CheckedHTTPSConnection", (_CheckedConnectionMixin, HTTPSConnection), attrs)
    http_pool = type("CheckedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("CheckedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})
    return {"http": http_pool, "https": https_pool}


class _CheckedAdapter(HTTPAdapter):
    def __init__(self, *, allow_loopback: bool, resolver: Resolver, pool_size: int):
        self._pool_classes = _pool_classes(allow_loopback, resolver)
        super().__init__(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes


class SafePushSession(requests.Session):
    """A pooled session for push requests: checked connections, no redirects, a timeout ≤ 10 s always.

    pywebpush passes `timeout=10000` by default and lets requests follow redirects; both are overridden
    here whatever the caller asks for.
    """

    def __init__(
        self,
        *,
        allow_loopback: bool = False,
        timeout: float = MAX_TIMEOUT_SECONDS,
        pool_size: int = 16,
        resolver: Resolver = system_resolver,
    ):
        super().__init__()
        self.timeout = min(float(timeout), MAX_TIMEOUT_SECONDS)
        self.trust_env = False  # no proxy from the environment: the address checked is the one called
        adapter = _CheckedAdapter(allow_loopback=allow_loopback, resolver=resolver, pool_size=pool_size)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def _clamp(self, kwargs: dict) -> dict:
        kwargs["allow_redirects"] = False
        asked = kwargs.get("timeout")
        kwargs["timeout"] = self.timeout if not isinstance(asked, (int, float)) else min(float(asked), self.timeout)
        return kwargs

    def request(self, method, url, *args, **kwargs):
        return super().request(method, url, *args, **self._clamp(kwargs))

    def send(self, request, **kwargs):  # also when a caller bypasses request()
        return super().send(request, **self._clamp(kwargs))
