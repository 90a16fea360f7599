"""The database as a job queue.

A claim is a lease: the job's owner and an expiry, extended by heartbeats. A worker that
dies stops heartbeating, its lease runs out, and the job is claimed again. Results are
written only while the lease is still held, so a job is completed exactly once even when a
slow worker loses its lease to another. PostgreSQL claims with `FOR UPDATE SKIP LOCKED`
so many workers on many machines never block each other; SQLite serialises claims through
short `BEGIN IMMEDIATE` transactions (see pipeline/store/db.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session

from pipeline.store.db import rows_changed
from pipeline.store.models import Job, JobState, WorkerBeat, utcnow

# A worker row not updated for this long belonged to a process long gone: deleted.
FORGOTTEN_AFTER = timedelta(days=1)
# Inbox watchers say they are alive in the same table, told apart by this prefix.
WATCHER_PREFIX = "watcher:"


@dataclass(frozen=True)
class Claim:
    job_id: int
    document_id: int
    kind: str
    attempt: int
    owner: str


def claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        (Job.state == JobState.QUEUED) & (Job.available_at <= now),
        (Job.state == JobState.RUNNING) & (Job.lease_expires_at < now),
    )


def claim(session: Session, *, owner: str, lease_seconds: float) -> Claim | None:
    now = utcnow()
    job = session.scalar(
        select(Job)
        .where(claimable(now))
        .order_by(Job.available_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if job is None:
        return None
    job.state = JobState.RUNNING
    job.attempts += 1
    job.lease_owner = owner
    job.lease_expires_at = now + timedelta(seconds=lease_seconds)
    return Claim(job.id, job.document_id, job.kind, job.attempts, owner)


def _owned(claim: Claim) -> ColumnElement[bool]:
    return (
        (Job.id == claim.job_id)
        & (Job.state == JobState.RUNNING)
        & (Job.lease_owner == claim.owner)
    )


def heartbeat(session: Session, claim: Claim, *, lease_seconds: float) -> bool:
    """Extend the lease; False when it was lost (expired and claimed by another)."""
    result = session.execute(
        update(Job)
        .where(_owned(claim))
        .values(lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
    )
    return rows_changed(result) == 1


def complete(session: Session, claim: Claim) -> bool:
    """Mark the job done if this claim still holds it. Write results in the same session."""
    result = session.execute(
        update(Job)
        .where(_owned(claim))
        .values(state=JobState.DONE, lease_owner=None, lease_expires_at=None, finished_at=utcnow())
    )
    return rows_changed(result) == 1


def fail(session: Session, claim: Claim, *, error: str) -> bool:
    result = session.execute(
        update(Job)
        .where(_owned(claim))
        .values(
            state=JobState.FAILED,
            lease_owner=None,
            lease_expires_at=None,
            finished_at=utcnow(),
            last_error=error,
        )
    )
    return rows_changed(result) == 1


def retry_later(session: Session, claim: Claim, *, error: str, delay_seconds: float) -> bool:
    result = session.execute(
        update(Job)
        .where(_owned(claim))
        .values(
            state=JobState.QUEUED,
            lease_owner=None,
            lease_expires_at=None,
            available_at=utcnow() + timedelta(seconds=delay_seconds),
            last_error=error,
        )
    )
    return rows_changed(result) == 1


def release(session: Session, claim: Claim) -> bool:
    """Give the job back untouched (shutdown): the attempt does not count."""
    result = session.execute(
        update(Job)
        .where(_owned(claim))
        .values(
            state=JobState.QUEUED,
            lease_owner=None,
            lease_expires_at=None,
            attempts=Job.attempts - 1,
        )
    )
    return rows_changed(result) == 1


def count_open(session: Session) -> int:
    """Jobs still to be done: queued, or held by a worker."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Job)
            .where(Job.state.in_([JobState.QUEUED, JobState.RUNNING]))
        )
        or 0
    )


def oldest_waiting(session: Session) -> datetime | None:
    """When the longest-waiting queued job was queued; None when nothing waits."""
    return session.scalar(select(func.min(Job.created_at)).where(Job.state == JobState.QUEUED))


def count_waiting(session: Session) -> int:
    return session.scalar(select(func.count()).where(Job.state == JobState.QUEUED)) or 0


def beat(session: Session, *, worker: str) -> None:
    """Say that this worker process is alive (its row, made on the first beat)."""
    now = utcnow()
    result = session.execute(
        update(WorkerBeat).where(WorkerBeat.name == worker).values(seen_at=now)
    )
    if rows_changed(result) == 0:
        session.execute(delete(WorkerBeat).where(WorkerBeat.seen_at < now - FORGOTTEN_AFTER))
        session.add(WorkerBeat(name=worker, started_at=now, seen_at=now))


def forget(session: Session, *, worker: str) -> None:
    """A worker stopping cleanly takes its row with it."""
    session.execute(delete(WorkerBeat).where(WorkerBeat.name == worker))


def live_workers(session: Session, *, seen_since: datetime) -> list[str]:
    """Worker processes that said they were alive at or after `seen_since`."""
    return list(
        session.scalars(
            select(WorkerBeat.name)
            .where(WorkerBeat.seen_at >= seen_since)
            .where(WorkerBeat.name.not_like(f"{WATCHER_PREFIX}%"))
            .order_by(WorkerBeat.name)
        )
    )


def last_inbox_scan(session: Session) -> datetime | None:
    """When an inbox watcher last went round its loop; None when no watcher runs or ran
    lately (a deployment without one, or one that stopped cleanly)."""
    # A watcher gone for good (its host lost) with none started since leaves its last row:
    # past a day it tells nothing about the inbox, and is not taken for a stuck watcher.
    return session.scalar(
        select(func.max(WorkerBeat.seen_at)).where(
            WorkerBeat.name.like(f"{WATCHER_PREFIX}%"),
            WorkerBeat.seen_at >= utcnow() - FORGOTTEN_AFTER,
        )
    )
