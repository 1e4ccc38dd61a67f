"""VAPID (RFC 8292): the server's key pair and the signed JWT that identifies it to push services.

The private key comes from VAPID_PRIVATE_KEY (PEM, or the base64url 32-byte scalar py-vapid prints), or
is created on first run in instance/vapid_private_key.pem. The JWT is signed once per push-service
origin and reused for hours (RFC 8292 allows up to 24 h): in this process, and through Redis across
RQ work horses when REDIS_URL is set.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from flask import current_app

log = logging.getLogger(__name__)

KEY_FILE = "vapid_private_key.pem"
TOKEN_LIFETIME = 12 * 3600  # signed for 12 h …
TOKEN_RENEW_BEFORE = 3600  # … and replaced when less than 1 h is left, so no push carries a stale one


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _load_configured(value: str) -> ec.EllipticCurvePrivateKey:
    value = value.strip()
    if value.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(value.encode(), password=None)
    else:
        raw = b64url_decode(value)
        if len(raw) == 32:
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        else:
            key = serialization.load_der_private_key(raw, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("VAPID_PRIVATE_KEY must be a P-256 private key")
    return key


def _load_or_create_file(instance_dir: str) -> ec.EllipticCurvePrivateKey:
    path = Path(instance_dir) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:  # O_EXCL: when several workers start at once, exactly one key is written
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
        except FileExistsError:
            pass
    for _ in range(50):  # another process may be between create and write
        data = path.read_bytes()
        if data:
            return serialization.load_pem_private_key(data, password=None)
        time.sleep(0.02)
    raise RuntimeError(f"empty VAPID key file {path}")


class VapidSigner:
    """Signs and caches `Authorization: vapid t=<jwt>, k=<public key>` per push-service origin."""

    def __init__(self, private_key: ec.EllipticCurvePrivateKey, subject: str, *, redis=None):
        self.private_key = private_key
        self.subject = subject
        self.public_key = b64url(
            private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )
        self.redis = redis
        self._tokens: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()
        self.signed_count = 0  # for tests and the benchmark: how many JWTs were actually signed

    def sign(self, audience: str, expires: int) -> str:
        header = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
        claims = b64url(
            json.dumps({"aud": audience, "exp": expires, "sub": self.subject}, separators=(",", ":")).encode()
        )
        signing_input = f"{header}.{claims}".encode()
        r, s = decode_dss_signature(self.private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        self.signed_count += 1
        return f"{header}.{claims}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def _redis_key(self, audience: str) -> str:
        return f"linli:vapid:{self.public_key[:16]}:{audience}"

    def token(self, audience: str) -> str:
        now = int(time.time())
        with self._lock:
            cached = self._tokens.get(audience)
            if cached and cached[1] - now > TOKEN_RENEW_BEFORE:
                return cached[0]
            token = expires = None
            if self.redis is not None:
                try:
                    stored = self.redis.get(self._redis_key(audience))
                    if stored:
                        token, expires = json.loads(stored)
                        if expires - now <= TOKEN_RENEW_BEFORE:
                            token = None
                except Exception:  # noqa: BLE001 - Redis is a cache here: sign locally when it is away
                    token = None
            if token is None:
                expires = now + TOKEN_LIFETIME
                token = self.sign(audience, expires)
                if self.redis is not None:
                    try:
                        self.redis.set(
                            self._redis_key(audience),
                            json.dumps([token, expires]),
                            ex=TOKEN_LIFETIME - TOKEN_RENEW_BEFORE,
                        )
                    except Exception:  # noqa: BLE001 - a cache miss next time costs one signature
                        log.info("VAPID token not cached in Redis", exc_info=True)
            self._tokens[audience] = (token, expires)
            return token

    def authorization(self, endpoint: str) -> str:
        parts = urlsplit(endpoint)
        return f"vapid t={self.token(f'{parts.scheme}://{parts.netloc}')}, k={self.public_key}"


def signer(app=None) -> VapidSigner:
    """This process's signer for the app (built once: key loaded or created, Redis attached)."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("linli_vapid")
    if found is None:
        configured = app.config.get("VAPID_PRIVATE_KEY")
        key = _load_configured(configured) if configured else _load_or_create_file(app.config["INSTANCE_DIR"])
        redis = None
        if app.config.get("REDIS_URL"):
            from redis import Redis

            redis = Redis.from_url(app.config["REDIS_URL"], socket_timeout=2)
        found = app.extensions["linli_vapid"] = VapidSigner(key, app.config["VAPID_SUBJECT"], redis=redis)
    return found


def public_key(app=None) -> str:
    """The application server key the browser subscribes with (base64url uncompressed P-256 point)."""
    return signer(app).public_key
