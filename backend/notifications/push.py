"""Sending Web Push messages: pywebpush for the encryption, a hardened pooled session for the HTTP.

One `SafePushSession` per worker process is reused by every job (keep-alive connections to each push
service); a batch is sent with bounded concurrency. The result of each request is classified so the
caller can update the subscriptions in one go: sent, gone (404/410: delete), retry (429/5xx/network:
back off) or failed (any other refusal: three in a row disable the subscription).
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

from backend.notifications.endpoints import SafePushSession

log = logging.getLogger(__name__)

SENT, GONE, RETRY, FAILED = "sent", "gone", "retry", "failed"

_sessions: dict[tuple, SafePushSession] = {}
_sessions_lock = threading.Lock()


@dataclass(frozen=True)
class PushItem:
    """One message to one device."""

    subscription_id: int
    subscription_info: dict
    payload: dict
    ttl: int
    urgency: str
    topic: str
    message_index: int = 0


@dataclass(frozen=True)
class Outcome:
    subscription_id: int
    result: str
    status: int | None = None
    retry_after: int | None = None
    message_index: int = 0


def session_for(config) -> SafePushSession:
    """This process's pooled push session for these settings (created once, reused by every job)."""
    key = (
        bool(config.get("PUSH_ALLOW_LOOPBACK")),
        float(config.get("PUSH_TIMEOUT_SECONDS", 10)),
        int(config.get("PUSH_CONCURRENCY", 8)),
    )
    with _sessions_lock:
        found = _sessions.get(key)
        if found is None:
            found = _sessions[key] = SafePushSession(allow_loopback=key[0], timeout=key[1], pool_size=max(key[2], 4))
        return found


def classify(status: int, retry_after: str | None = None) -> tuple[str, int | None]:
    if 200 <= status < 300:
        return SENT, None
    if status in (404, 410):
        return GONE, None
    if status == 429 or status >= 500:
        seconds = int(retry_after) if retry_after and retry_after.strip().isdigit() else None
        return RETRY, seconds
    return FAILED, None  # 3xx (never followed), 400, 401, 403, 413 ...


def encode_payload(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def send_one(item: PushItem, session: SafePushSession, signer) -> Outcome:
    # Imported here: pywebpush and its crypto stack add ~20 MB to a process, and web workers that hand
    # pushes to RQ (or only plan them) never send one.
    from pywebpush import WebPusher, WebPushException

    headers = {
        "Authorization": signer.authorization(item.subscription_info["endpoint"]),
        "Urgency": item.urgency,
        "Topic": item.topic,
    }
    try:
        response = WebPusher(item.subscription_info, requests_session=session).send(
            data=encode_payload(item.payload),
            headers=headers,
            ttl=item.ttl,
            content_encoding="aes128gcm",
            timeout=session.timeout,
        )
    except WebPushException as error:  # unusable keys: the device must subscribe again
        log.info("push to subscription %s refused locally: %s", item.subscription_id, error)
        return Outcome(item.subscription_id, FAILED, message_index=item.message_index)
    except requests.ConnectionError as error:
        if "push endpoint refused" in str(error):  # resolves to a private address now
            log.warning("push to subscription %s refused: unsafe address", item.subscription_id)
            return Outcome(item.subscription_id, FAILED, message_index=item.message_index)
        return Outcome(item.subscription_id, RETRY, message_index=item.message_index)
    except requests.RequestException:
        return Outcome(item.subscription_id, RETRY, message_index=item.message_index)
    result, retry_after = classify(response.status_code, response.headers.get("Retry-After"))
    response.close()
    return Outcome(item.subscription_id, result, response.status_code, retry_after, item.message_index)


def deliver(items: list[PushItem], *, session: SafePushSession, signer, concurrency: int) -> list[Outcome]:
    """Send every item, at most `concurrency` requests in flight; never raises for one bad device."""
    if not items:
        return []
    if concurrency <= 1 or len(items) == 1:
        return [send_one(item, session, signer) for item in items]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items)), thread_name_prefix="linli-push") as pool:
        return list(pool.map(lambda item: send_one(item, session, signer), items))
