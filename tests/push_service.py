"""A local Web Push service for tests and benchmarks: a real HTTP server on 127.0.0.1 in a thread.

It behaves as a browser vendor's push service does, so tests can assert what a phone would receive:

- checks the VAPID `Authorization: vapid t=<JWT>, k=<key>` header (RFC 8292): ES256 signature with the
  key, `aud` = this service's origin, `exp` in the future and at most 24 h ahead, `sub` a mailto: or
  https: contact — and, when told the server's key, that `k` is it;
- decrypts the `aes128gcm` body (RFC 8291/8188) with the subscriber's private key and auth secret and
  records the JSON payload with the TTL, Urgency and Topic headers;
- answers 201, or what it is told: 404, 410, 429 (with Retry-After), 500, any status, or a 307 redirect.

Subscribers are made with real P-256 key pairs (`cryptography`); `new_subscriber(reuse_keys_of=...)`
lets a benchmark share a few hundred key pairs across thousands of endpoints.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_JWT_LIFETIME = 24 * 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscriber:
    """A browser's side of one subscription: the endpoint and the keys only the browser holds."""

    token: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def subscription_json(self) -> dict:
        """What PushSubscription.toJSON() gives the page."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)},
        }

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm")


@dataclass
class Received:
    token: str
    payload: dict
    ttl: int
    urgency: str | None
    topic: str | None
    claims: dict
    jwt: str
    at: float = field(default_factory=time.monotonic)


def verify_vapid(header: str | None, audience: str, expected_key: str | None = None) -> tuple[dict, str]:
    """The JWT claims and the token of a valid `vapid t=..., k=...` header; ValueError says what is wrong."""
    if not header or not header.lower().startswith("vapid "):
        raise ValueError("no vapid authorization")
    params = dict(part.strip().split("=", 1) for part in header[6:].split(",") if "=" in part)
    token, key = params.get("t"), params.get("k")
    if not token or not key:
        raise ValueError("t and k are required")
    if expected_key and key != expected_key:
        raise ValueError("k is not the application server key")
    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
        head_b64, claims_b64, signature_b64 = token.split(".")
        head = json.loads(b64url_decode(head_b64))
        claims = json.loads(b64url_decode(claims_b64))
        raw = b64url_decode(signature_b64)
    except (ValueError, TypeError) as error:
        raise ValueError(f"malformed token: {error}") from None
    if head.get("alg") != "ES256" or len(raw) != 64:
        raise ValueError("not ES256")
    signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(signature, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("bad signature") from None
    now = time.time()
    if claims.get("aud") != audience:
        raise ValueError(f"aud {claims.get('aud')!r} is not {audience!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= now or exp > now + MAX_JWT_LIFETIME:
        raise ValueError("exp must be in the future and at most 24 h ahead")
    sub = claims.get("sub", "")
    if not (isinstance(sub, str) and sub.startswith(("mailto:", "https:"))):
        raise ValueError("sub must be a mailto: or https: contact")
    return claims, token


class PushService:
    """Start with `with PushService() as service:` (or start()/stop())."""

    def __init__(self, *, expected_key: str | None = None, decrypt: bool = True):
        self.expected_key = expected_key
        self.decrypt = decrypt
        self.subscribers: dict[str, Subscriber] = {}
        self.received: list[Received] = []
        self.refused: list[tuple[str, str]] = []  # (token, reason) of requests it did not accept
        self.requests_seen = 0
        self.accepted_count = 0
        self._answers: dict[str, deque] = defaultdict(deque)  # token (or "*") -> statuses to give next
        self._redirects: dict[str, str] = {}
        self._lock = threading.Lock()
        self._accepted = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle -----

    def start(self) -> PushService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real push services allow

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers = service._handle(self.path, self.headers, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.request_queue_size = 128
        self._thread = threading.Thread(target=self._server.serve_forever, name="push-service", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> PushService:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ----- subscribers and behaviour -----

    def new_subscriber(self, *, reuse_keys_of: Subscriber | None = None) -> Subscriber:
        token = secrets.token_urlsafe(12)
        if reuse_keys_of is not None:
            key, auth = reuse_keys_of.private_key, reuse_keys_of.auth_secret
        else:
            key, auth = ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16)
        subscriber = Subscriber(token, f"{self.origin}/push/{token}", key, auth)
        with self._lock:
            self.subscribers[token] = subscriber
        return subscriber

    def answer(self, status: int, *, subscriber: Subscriber | None = None, times: int = 1) -> None:
        """The next `times` requests (for one subscriber, or any) get `status` instead of 201."""
        with self._lock:
            self._answers[subscriber.token if subscriber else "*"].extend([status] * times)

    def redirect(self, subscriber: Subscriber, location: str) -> None:
        """Requests for this subscriber get `307 Temporary Redirect` to `location`."""
        with self._lock:
            self._redirects[subscriber.token] = location

    def for_subscriber(self, subscriber: Subscriber) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.token == subscriber.token]

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Block until `count` pushes in all were accepted (201)."""
        deadline = time.monotonic() + timeout
        with self._accepted:
            while self.accepted_count < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._accepted.wait(left)
        return True

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            self.refused.clear()
            self._answers.clear()
            self._redirects.clear()
            self.requests_seen = self.accepted_count = 0

    # ----- the protocol -----

    def _next_answer(self, token: str) -> int | None:
        for key in (token, "*"):
            if self._answers[key]:
                return self._answers[key].popleft()
        return None

    def _refuse(self, token: str, reason: str, status: int) -> tuple[int, dict]:
        with self._lock:
            self.refused.append((token, reason))
        return status, {}

    def _handle(self, path: str, headers, body: bytes) -> tuple[int, dict]:
        token = path.rsplit("/", 1)[-1]
        with self._lock:
            self.requests_seen += 1
            subscriber = self.subscribers.get(token)
            location = self._redirects.get(token)
            forced = self._next_answer(token) if subscriber else None
        if subscriber is None:
            return self._refuse(token, "unknown subscription", 404)
        if location:
            return 307, {"Location": location}
        try:
            claims, jwt = verify_vapid(headers.get("Authorization"), self.origin, self.expected_key)
        except ValueError as error:
            return self._refuse(token, f"vapid: {error}", 403)
        ttl = headers.get("TTL")
        if ttl is None or not ttl.isdigit():
            return self._refuse(token, "TTL header missing", 400)
        if forced is not None:
            extra = {"Retry-After": "1"} if forced == 429 else {}
            return forced, extra
        if headers.get("Content-Encoding") != "aes128gcm":
            return self._refuse(token, "content-encoding must be aes128gcm", 415)
        payload = {}
        if self.decrypt:
            try:
                payload = json.loads(subscriber.decrypt(body))
            except Exception as error:  # any decryption failure is the sender's fault
                return self._refuse(token, f"decrypt: {error!r}", 400)
        with self._accepted:
            self.received.append(
                Received(token, payload, int(ttl), headers.get("Urgency"), headers.get("Topic"), claims, jwt)
            )
            self.accepted_count += 1
            self._accepted.notify_all()
        return 201, {"Location": f"{self.origin}/message/{secrets.token_hex(4)}"}
