"""The database as a job queue.

A claim is a lease: the job's owner and an expiry, extended by heartbeats. A worker that
dies stops heartbeating, its lease runs out, and the job is claimed again. Results are
written only while the lease is still held, so a job is completed exactly once even when a
slow worker loses its lease to another. PostgreSQL claims with `FOR UPDATE SKIP LOCKED`
so many workers on many machines never block each other; SQLite serialises claims through
short `BEGIN IMMEDIATE` transactions (see pipeline/store/db.py).

Lanes: jobs are claimed by their due time, when they became available plus what their kind
is expected to cost (`EXPECTED_SECONDS`), not first come first served. A document's own job
is cheap (reading a text layer, or assembling pages already read) and is due as soon as it
is available; a page's OCR is due its cost later. So a born-digital file dropped beside a
scan is read at once, and a page waits at most its cost behind any stream of cheap files:
one that arrives later than that is due after the page. A document with one page to OCR
goes back to the queue as an `ocr_document` job, due like a page. One with several pages
parks its job (`park`) and queues one `ocr_page` job per page, read on every idle core;
the page job that stores the last reading wakes the document's job (`wake`), which assembles
the document. A parked job comes back on its own after a while, so a wake-up lost to a
crash only delays the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from pipeline.store.db import rows_changed
from pipeline.store.models import Job, JobState, WorkerBeat, utcnow

PROCESS = "process"
# A document's job found one page to OCR: back in the queue behind cheaper work.
OCR_DOCUMENT = "ocr_document"
OCR_PAGE = "ocr_page"
# Seconds of a worker a job of each kind is expected to take: how much later than cheap work
# it is due. A page's OCR takes 1-4 s here; a few seconds more lets a burst of born-digital
# files pass it, but never an endless stream.
EXPECTED_SECONDS = {PROCESS: 0.0, OCR_DOCUMENT: 5.0, OCR_PAGE: 5.0}

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
    page: int | None = None
    parent_id: int | None = None


def due(kind: str, available_at: datetime) -> datetime:
    """When a job of `kind` available at `available_at` is due (see the module's doc)."""
    return available_at + timedelta(seconds=EXPECTED_SECONDS.get(kind, 0.0))


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
        .order_by(Job.due_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if job is None:
        return None
    job.state = JobState.RUNNING
    job.attempts += 1
    job.lease_owner = owner
    job.lease_expires_at = now + timedelta(seconds=lease_seconds)
    return Claim(job.id, job.document_id, job.kind, job.attempts, owner, job.page, job.parent_id)


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
    available = utcnow() + timedelta(seconds=delay_seconds)
    result = session.execute(
        update(Job)
        .where(_owned(claim))
        .values(
            state=JobState.QUEUED,
            lease_owner=None,
            lease_expires_at=None,
            available_at=available,
            due_at=due(claim.kind, available),
            last_error=error,
        )
    )
    return rows_changed(result) == 1


def park(session: Session, claim: Claim, *, pages: list[int], wait_seconds: float) -> bool:
    """Queue one page job per page of `pages` and give the claimed document job back until
    they are done (woken by the last, see `wake`), or `wait_seconds` from now at the latest.
    Parking is not an attempt: the job comes back to assemble, not to fail again. It keeps
    its due time: back, it is cheap work that waited already, claimed before the rest."""
    now = utcnow()
    result = session.execute(
        update(Job)
        .where(_owned(claim))
        .values(
            state=JobState.QUEUED,
            lease_owner=None,
            lease_expires_at=None,
            available_at=now + timedelta(seconds=wait_seconds),
            attempts=Job.attempts - 1,
        )
    )
    if rows_changed(result) != 1:
        return False
    session.add_all(
        Job(
            document_id=claim.document_id,
            kind=OCR_PAGE,
            page=page,
            parent_id=claim.job_id,
            available_at=now,
            due_at=due(OCR_PAGE, now),
        )
        for page in pages
    )
    return True


def to_ocr_lane(session: Session, claim: Claim) -> bool:
    """Give the claimed document job back as an `ocr_document` job, due behind cheaper work
    (not an attempt): a single page to OCR is not worth a page job of its own."""
    now = utcnow()
    result = session.execute(
        update(Job)
        .where(_owned(claim))
        .values(
            kind=OCR_DOCUMENT,
            state=JobState.QUEUED,
            lease_owner=None,
            lease_expires_at=None,
            available_at=now,
            due_at=due(OCR_DOCUMENT, now),
            attempts=Job.attempts - 1,
        )
    )
    return rows_changed(result) == 1


def has_page_jobs(session: Session, job_id: int) -> bool:
    """Whether the job has queued page jobs before: once back, it reads what is left itself."""
    return bool(session.scalar(select(exists().where(Job.parent_id == job_id))))


def hold_parent(session: Session, claim: Claim) -> Job | None:
    """The page job's document job, locked: the page jobs of one document finish one at a
    time, so exactly one of them sees that it was the last (see `wake`)."""
    if claim.parent_id is None:
        return None
    return session.scalar(select(Job).where(Job.id == claim.parent_id).with_for_update())


def wake(session: Session, parent: Job) -> bool:
    """Make the parked document job available now when none of its page jobs is left open
    (its due time, kept from before, puts it ahead of OCR queued meanwhile). Call with
    `parent` from `hold_parent`, in the transaction that finished a page job."""
    if parent.state is not JobState.QUEUED:
        return False
    open_pages = session.scalar(
        select(func.count())
        .select_from(Job)
        .where(Job.parent_id == parent.id, Job.state.in_([JobState.QUEUED, JobState.RUNNING]))
    )
    if open_pages:
        return False
    parent.available_at = utcnow()
    return True


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
