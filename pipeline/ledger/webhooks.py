"""Webhook notifications for systems that prefer push: "the feed has new items".

The feed is the outbox. Its items are written in the transaction that posts them, and in
commit order (pipeline/ledger/feed.py), so the notifier needs no table of its own deliveries: per
feed it keeps how far it has notified, and sends everything after that, oldest first, in one
POST per batch. A notification names positions and ids; the receiver pulls the items with
`GET /api/v1/entries?after=…` as any poller does (or simply pulls on every notification),
so the webhook only saves it the waiting, and a lost notification loses nothing.

Each body is signed with HMAC-SHA256 over `<timestamp>.<body>` with the shared secret,
sent as `X-Backoffice-Signature: sha256=<hex>` beside `X-Backoffice-Timestamp` (Unix
seconds): the receiver recomputes it, compares in constant time and refuses old timestamps,
so a captured notification cannot be replayed later. A failed notification (no answer, or
not 2xx) is retried after `BACKOFFICE_WEBHOOK_RETRY_SECONDS`, doubled on each failure up to
`BACKOFFICE_WEBHOOK_RETRY_MAX_SECONDS`; later items wait behind it, so order holds.
Delivery is at least once: a crash after the receiver answered and before the cursor moved
sends that notification again, with the same `X-Backoffice-Delivery` id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger import feed
from pipeline.store.models import FeedStream, WebhookCursor, utcnow
from pipeline.store.outage import Backoff, ErrorDigest

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Backoffice-Signature"
TIMESTAMP_HEADER = "X-Backoffice-Timestamp"
DELIVERY_HEADER = "X-Backoffice-Delivery"
BATCH = 100


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    """The value of the signature header for this body sent at this moment."""
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@dataclass(frozen=True)
class Attempt:
    stream: FeedStream
    positions: list[int]
    delivered: bool
    error: str | None = None


class Notifier:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        url: str,
        secret: bytes,
        timeout: float = 10.0,
        retry_seconds: float = 5.0,
        retry_max_seconds: float = 3600.0,
    ) -> None:
        self.sessions = sessions
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.retry_seconds = retry_seconds
        self.retry_max_seconds = retry_max_seconds

    def deliver_due(self) -> list[Attempt]:
        """One notification per feed that has unnotified items and is not backing off."""
        return [attempt for stream in FeedStream if (attempt := self._deliver(stream)) is not None]

    def run(self, stop: threading.Event, *, idle_seconds: float = 1.0) -> None:
        """Notify until told to stop; a feed with more waiting is notified again at once."""
        errors = ErrorDigest(log)
        backoff = Backoff(initial=idle_seconds, maximum=max(idle_seconds, 30.0))
        while not stop.is_set():
            try:
                attempts = self.deliver_due()
            except Exception as exc:  # noqa: BLE001 - a database hiccup must not end the loop
                # Logged once with a count: an outage would otherwise log a traceback a second.
                errors.error("webhook delivery", exc)
                stop.wait(backoff.next_delay())
                continue
            errors.cleared()
            backoff.reset()
            busy = any(a.delivered and len(a.positions) == BATCH for a in attempts)
            if not busy:
                stop.wait(idle_seconds)

    def _deliver(self, stream: FeedStream) -> Attempt | None:
        with self.sessions() as session, session.begin():
            cursor = _cursor(session, stream)
            if cursor.next_attempt_at is not None and _aware(cursor.next_attempt_at) > utcnow():
                return None
            items = feed.positions(
                session, stream=stream, after=cursor.delivered_position, limit=BATCH
            )
            delivered_before = cursor.delivered_position
            attempts_before = cursor.attempts
        if not items:
            return None
        positions = [item.position for item in items]
        body = json.dumps(
            {
                "stream": stream.value,
                "after": delivered_before,
                "positions": positions,
                "ids": [item.item_id for item in items],
            },
            separators=(",", ":"),
        ).encode()
        error = self._post(body, delivery=f"{stream.value}:{positions[0]}-{positions[-1]}")
        with self.sessions() as session, session.begin():
            # Moved only from where it was read: another notifier that got there first wins.
            where = (
                WebhookCursor.stream == stream.value,
                WebhookCursor.delivered_position == delivered_before,
            )
            if error is None:
                values: dict[str, Any] = {
                    "delivered_position": positions[-1],
                    "attempts": 0,
                    "next_attempt_at": None,
                    "last_error": None,
                }
            else:
                attempts = attempts_before + 1
                values = {
                    "attempts": attempts,
                    "next_attempt_at": utcnow() + self.backoff(attempts),
                    "last_error": error[:2000],
                }
                log.warning("webhook %s: attempt %d failed: %s", stream.value, attempts, error)
            session.execute(update(WebhookCursor).where(*where).values(**values))
        return Attempt(stream, positions, delivered=error is None, error=error)

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the n-th failure in a row: doubled each time, up to the maximum."""
        seconds = self.retry_seconds * 2 ** min(attempts - 1, 30)
        return timedelta(seconds=min(seconds, self.retry_max_seconds))

    def _post(self, body: bytes, *, delivery: str) -> str | None:
        """None when the receiver took it (2xx); otherwise what went wrong."""
        timestamp = int(time.time())
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "backoffice-webhook/1",
                SIGNATURE_HEADER: signature(self.secret, timestamp, body),
                TIMESTAMP_HEADER: str(timestamp),
                DELIVERY_HEADER: delivery,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                answer.read()
                return None
        except urllib.error.HTTPError as exc:
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            return str(getattr(exc, "reason", exc))


def _cursor(session: Session, stream: FeedStream) -> WebhookCursor:
    cursor = session.scalar(select(WebhookCursor).where(WebhookCursor.stream == stream.value))
    if cursor is None:
        try:
            with session.begin_nested():
                cursor = WebhookCursor(stream=stream.value, delivered_position=0, attempts=0)
                session.add(cursor)
        except IntegrityError:  # another notifier opened it first
            cursor = session.scalars(
                select(WebhookCursor).where(WebhookCursor.stream == stream.value)
            ).one()
    return cursor


def _aware(moment: datetime) -> datetime:
    # SQLite hands back UTC timestamps without their zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
