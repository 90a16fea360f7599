"""Idempotency keys: the first answer to a request is kept and given again to its repeats.

A client that sends a POST and loses the answer (a timeout, a dropped connection, a crash)
cannot tell whether it was carried out. Sent with the same `Idempotency-Key`, the repeat is
not carried out again: it gets the first answer. Keys belong to a principal, so two systems
cannot collide, and a key is bound to its request by a fingerprint, so a client reusing a
key for another request is told so instead of being handed an unrelated answer.

A claim is committed before the request runs, so a repeat arriving while the first is still
running sees it (and is told to wait) instead of running alongside it. Callers own the
transactions: claim, run the request, then complete or release, each committed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline.store.db import rows_changed
from pipeline.store.models import IdempotencyKey, utcnow

# A claim whose request has not answered in this long died with its process (a request
# runs for seconds): a repeat may take it over rather than be refused until the key expires.
ABANDONED_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    media_type: str | None
    body: bytes


class KeyReused(Exception):
    """The key was first used on another request."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Idempotency-Key {key!r} was used on a different request (method, path or body): "
            "use a new key for a new request"
        )


class StillRunning(Exception):
    """The first request with this key has not answered yet."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"a request with Idempotency-Key {key!r} is still being processed: "
            "retry once it has answered"
        )


def claim(
    session: Session, *, principal: str, key: str, fingerprint: str, lifetime: timedelta
) -> StoredAnswer | None:
    """None when the request is to run now (the key is claimed for it); the stored answer
    when it already ran. Raises KeyReused or StillRunning."""
    now = utcnow()
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
    try:
        with session.begin_nested():
            session.add(
                IdempotencyKey(
                    principal=principal,
                    key=key,
                    fingerprint=fingerprint,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
        return None
    except IntegrityError:
        pass  # the key was used before; what became of that request decides
    existing = session.scalars(
        select(IdempotencyKey)
        .where(IdempotencyKey.principal == principal, IdempotencyKey.key == key)
        .execution_options(populate_existing=True)
    ).one()
    if existing.fingerprint != fingerprint:
        raise KeyReused(key)
    if existing.status_code is not None:
        return StoredAnswer(existing.status_code, existing.media_type, existing.body or b"")
    if _aware(existing.created_at) > now - ABANDONED_AFTER:
        raise StillRunning(key)
    # Only one repeat takes an abandoned claim over: the one whose update finds it unchanged.
    taken = session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.principal == principal,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at == existing.created_at,
            IdempotencyKey.status_code.is_(None),
        )
        .values(created_at=now, expires_at=now + lifetime)
    )
    if rows_changed(taken) != 1:
        raise StillRunning(key)
    return None


def complete(session: Session, *, principal: str, key: str, answer: StoredAnswer) -> None:
    """Keep the answer of the request that claimed the key."""
    session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.principal == principal,
            IdempotencyKey.key == key,
            IdempotencyKey.status_code.is_(None),
        )
        .values(status_code=answer.status_code, media_type=answer.media_type, body=answer.body)
    )


def release(session: Session, *, principal: str, key: str) -> None:
    """Give the key back: the request did not run to an answer worth repeating (it failed
    unexpectedly or was refused before it ran), so a repeat runs it."""
    session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.principal == principal,
            IdempotencyKey.key == key,
            IdempotencyKey.status_code.is_(None),
        )
    )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back UTC timestamps without their zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
