"""Workers: processes that claim queued documents, process them and store the results.

CPU-heavy reading and OCR run here, one process per core, never in the API's event loop.

A worker outlives database outages and a full disk: a failed claim is tried again with
back-off, and a finished job's result is kept in memory and written when the database is
back, as long as the lease still holds (see pipeline/jobs/queue.py), so no job is lost or
completed twice. Each worker also says it is alive every `heartbeat_seconds` (a row of
`worker_beats`), which readiness reads.

A document with several scanned pages is not OCR'd by the worker that claims it: its job
queues one page job per page and parks (see pipeline/jobs/queue.py), so every idle worker
reads a page; each page's reading is stored (`page_readings`), and the document's job,
woken by the last, assembles the document from them exactly as if it had read them itself.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from types import FrameType
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from extractors.memory import Memory
from extractors.pages import OcrDeferred, dumps, plan, read_page, reader_version
from extractors.record import SourcePart
from extractors.service import Extracted
from pipeline.intake.blobs import BlobStore
from pipeline.intake.failed_files import file_failure
from pipeline.jobs import queue
from pipeline.jobs.faults import crash_point
from pipeline.jobs.processing import build_documents, build_record, rule_book
from pipeline.jobs.queue import Claim
from pipeline.jobs.supervisor import ChildSpec
from pipeline.lifecycle import transition
from pipeline.review import checking, memories, search
from pipeline.store.db import make_engine, make_session_factory, transaction
from pipeline.store.models import Document, DocumentEvent, Job, JobState, PageReading, part_key
from pipeline.store.outage import Backoff, ErrorDigest, is_outage, reconnect
from pipeline.store.settings import Settings

log = logging.getLogger(__name__)

# The longest wait between tries while the database or disk is out: short enough that work
# resumes within seconds of its return, long enough not to hammer a struggling server.
OUTAGE_MAX_WAIT_SECONDS = 5.0

T = TypeVar("T")


class Stopped(Exception):
    """Told to stop while waiting out an outage: the job's lease brings it back later."""


class Worker:
    def __init__(self, settings: Settings, *, name: str | None = None) -> None:
        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.engine = make_engine(settings.resolved_database_url)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)
        self.blobs = BlobStore(settings.resolved_blob_dir)
        self.rules = rule_book(settings)  # refuses to start on broken rules
        self.stop = threading.Event()
        self.errors = ErrorDigest(log)

    def run(self, *, max_jobs: int | None = None, exit_when_idle: bool = False) -> int:
        """Process jobs until stopped; returns how many were handled. Database outages and a
        full disk are waited out; any other error ends the process (its supervisor starts a
        new one, and the job's lease brings the job back)."""
        handled = 0
        backoff = self._backoff()
        with self._alive():
            while not self.stop.is_set() and (max_jobs is None or handled < max_jobs):
                try:
                    worked = self.run_once()
                except Stopped:
                    break
                except Exception as exc:
                    if not is_outage(exc):
                        raise
                    self._outage("claiming a job", exc)
                    self.stop.wait(backoff.next_delay())
                    continue
                self.errors.cleared()
                backoff.reset()
                if worked:
                    handled += 1
                elif exit_when_idle:
                    break
                else:
                    self.stop.wait(self.settings.poll_seconds)
        return handled

    def _backoff(self) -> Backoff:
        return Backoff(initial=self.settings.poll_seconds, maximum=OUTAGE_MAX_WAIT_SECONDS)

    def _outage(self, what: str, exc: Exception) -> None:
        self.errors.error(what, exc)
        reconnect(self.engine)

    def _persist(self, what: str, step: Callable[[], T]) -> T:
        """Run a database step until it goes through: a result already computed is not
        thrown away because the database was out for a while."""
        backoff = self._backoff()
        while True:
            try:
                result = step()
            except Exception as exc:
                if not is_outage(exc):
                    raise
                self._outage(what, exc)
                if self.stop.wait(backoff.next_delay()):
                    raise Stopped from exc
                continue
            self.errors.cleared()
            return result

    def run_once(self) -> bool:
        with transaction(self.sessions) as session:
            claim = queue.claim(session, owner=self.name, lease_seconds=self.settings.lease_seconds)
            if claim is None:
                return False
            abandoned = claim.attempt > self.settings.max_attempts
            # Claimed again after its lease ran out too often: the job kills workers.
            message = f"abandoned after {claim.attempt - 1} attempts (worker crashed)"
            if claim.kind == queue.OCR_PAGE:
                if abandoned:
                    # The document's job reads the page itself, and fails the document if
                    # the page kills it there too.
                    _end_page(session, claim, error=message)
            else:
                document = session.get_one(Document, claim.document_id)
                if abandoned:
                    queue.fail(session, claim, error=message)
                    _set_failed(session, document, code="internal_error", message=message)
                else:
                    transition(session, document, "claimed", actor=claim.owner)
        if claim.kind == queue.OCR_PAGE:
            if not abandoned:
                crash_point("worker.page_claimed", self.settings.crash_at)
                self._process_page(claim)
            return True
        if abandoned:
            self._file_failure(claim.document_id)
            return True
        crash_point("worker.claimed", self.settings.crash_at)
        self._process(claim)
        return True

    def _process(self, claim: Claim) -> None:
        def read() -> _Job:
            with transaction(self.sessions) as session:
                document = session.get_one(Document, claim.document_id)
                readings = session.execute(
                    select(PageReading.page, PageReading.reading).where(
                        PageReading.sha256 == document.blob_sha256,
                        PageReading.reader == reader_version(self.settings.read_limits),
                    )
                )
                return _Job(
                    filename=document.filename,
                    blob=document.blob_sha256,
                    forced_type=document.forced_type,
                    # A CV's "until now" means the day it arrived, however late it is processed.
                    received=checking.business_day(document.received_at),
                    part=_part_of(document),
                    # Loaded per job: a correction committed a moment ago on another worker
                    # already serves this document.
                    memories=tuple(memories.live_memories(session)),
                    pages={page: reading for page, reading in readings},
                    # Back in the OCR lane, or after its page jobs (or without them, after
                    # the wait): what is still missing is read here.
                    defer=claim.kind == queue.PROCESS
                    and not queue.has_page_jobs(session, claim.job_id),
                )

        job = self._persist("reading a claimed job", read)
        try:
            with self._heartbeat(claim):
                records = self._read(job)
        except OcrDeferred as deferred:
            pages = deferred.pages
            self._persist("queuing page jobs", lambda: self._park(claim, pages))
            return
        except Exception as exc:
            if is_outage(exc):
                # The disk is full (OCR's temporary files), not the file at fault: the job
                # goes back uncounted and is read again once there is room.
                self.errors.error("reading a document", exc)
                self._persist("giving a job back", lambda: self._release(claim))
                self.stop.wait(OUTAGE_MAX_WAIT_SECONDS)
                return
            log.exception("job %s attempt %s failed", claim.job_id, claim.attempt)
            error = "".join(traceback.format_exception_only(exc)).strip()
            self._persist("recording a failed attempt", lambda: self._retry_or_fail(claim, error))
            self._file_failure(claim.document_id)
            return
        crash_point("worker.processed", self.settings.crash_at)
        self._persist("storing a result", lambda: self._complete(claim, records))
        self._file_failure(claim.document_id)

    def _file_failure(self, document_id: int) -> None:
        """Once a document failed for good, tell the clerk where they look: its inbox copy
        goes to `.failed/` with the reason beside it; read after a retry, it goes back to
        `.done/` (a no-op for any other outcome). Done after the outcome is committed, so a
        crash or an unreachable inbox here loses nothing: the inbox watcher's next
        reconcile finishes it."""
        try:
            file_failure(
                self.sessions,
                inbox=self.settings.inbox,
                document_id=document_id,
                crash_at=self.settings.crash_at,
            )
        except Exception as exc:
            if not (isinstance(exc, OSError) or is_outage(exc)):
                raise
            self.errors.error(f"filing failed document {document_id} in the inbox", exc)

    def _read(self, job: _Job) -> list[Extracted]:
        """The records of the job's document: its part's pages when it is a part of a file
        (or a reviewer chose its type: the whole document, as that type); otherwise one per
        document the file holds."""
        path = self.blobs.path_for(job.blob)
        with plan(stored=job.pages, defer=job.defer):
            if job.part is not None or job.forced_type is not None:
                extracted = build_record(
                    path,
                    filename=job.filename,
                    settings=self.settings,
                    doc_type=job.forced_type,  # type: ignore[arg-type]
                    as_of=job.received,
                    part=job.part,
                    memories=job.memories,
                )
                return [extracted]
            return build_documents(
                path,
                filename=job.filename,
                settings=self.settings,
                as_of=job.received,
                memories=job.memories,
            )

    def _park(self, claim: Claim, pages: list[int]) -> None:
        with transaction(self.sessions) as session:
            if len(pages) == 1:
                queue.to_ocr_lane(session, claim)
                return
            queue.park(session, claim, pages=pages, wait_seconds=self.settings.page_wait_seconds)

    def _process_page(self, claim: Claim) -> None:
        """Read one page of a document by OCR and store the reading, unless the document's
        job no longer needs it (read meanwhile, or finished)."""
        assert claim.page is not None  # a page job names its page

        def read() -> str | None:
            with transaction(self.sessions) as session:
                document = session.get_one(Document, claim.document_id)
                parent = session.get(Job, claim.parent_id) if claim.parent_id else None
                stored = session.get(
                    PageReading,
                    (document.blob_sha256, claim.page, reader_version(self.settings.read_limits)),
                )
                if parent is None or parent.state in (JobState.DONE, JobState.FAILED) or stored:
                    return None
                return document.blob_sha256

        blob = self._persist("reading a claimed page job", read)
        reading: bytes | None = None
        if blob is not None:
            try:
                with self._heartbeat(claim):
                    outcome = read_page(
                        self.blobs.path_for(blob), claim.page, limits=self.settings.read_limits
                    )
            except Exception as exc:
                if is_outage(exc):
                    self.errors.error("reading a page", exc)
                    self._persist("giving a job back", lambda: self._release(claim))
                    self.stop.wait(OUTAGE_MAX_WAIT_SECONDS)
                    return
                log.exception("page job %s attempt %s failed", claim.job_id, claim.attempt)
                error = "".join(traceback.format_exception_only(exc)).strip()
                self._persist(
                    "recording a failed attempt", lambda: self._retry_or_fail(claim, error)
                )
                return
            reading = dumps(outcome) if outcome is not None else None
        crash_point("worker.page_read", self.settings.crash_at)
        self._persist("storing a page", lambda: self._complete_page(claim, blob, reading))

    def _complete_page(self, claim: Claim, blob: str | None, reading: bytes | None) -> None:
        with transaction(self.sessions) as session:
            parent = queue.hold_parent(session, claim)
            if not queue.complete(session, claim):
                log.warning("page job %s: lease lost, reading discarded", claim.job_id)
                session.rollback()
                return
            if blob is not None and reading is not None:
                assert claim.page is not None
                version = reader_version(self.settings.read_limits)
                # Read twice (a lease lost mid-read, and both finished): one reading is kept.
                if session.get(PageReading, (blob, claim.page, version)) is None:
                    session.add(
                        PageReading(sha256=blob, page=claim.page, reader=version, reading=reading)
                    )
            crash_point("worker.page_stored", self.settings.crash_at)
            if parent is not None:
                queue.wake(session, parent)

    def _complete(self, claim: Claim, records: list[Extracted]) -> None:
        # Tried again after an outage: the lease decides, so a result is stored once even
        # when the first try did commit, or another worker took the job over meanwhile.
        # The file's further parts are made in the same transaction, so they exist exactly
        # when the job is done.
        with transaction(self.sessions) as session:
            if not queue.complete(session, claim):
                log.warning("job %s: lease lost, result discarded", claim.job_id)
                session.rollback()
                return
            document = session.get_one(Document, claim.document_id)
            first, *further = records
            if first[0].source.part is not None and document.source_document_id is None:
                _mark_part(document, first[0].source.part)
            self._store(session, document, first, attempt=claim.attempt)
            for extracted in further:
                self._store_part(session, document, extracted, attempt=claim.attempt)
            # The pages page jobs read served their purpose; read again later, a document
            # is OCR'd afresh (with the OCR of that day).
            session.execute(delete(PageReading).where(PageReading.sha256 == document.blob_sha256))
            crash_point("worker.parts_stored", self.settings.crash_at)

    def _store(
        self, session: Session, document: Document, extracted: Extracted, *, attempt: int
    ) -> None:
        record, parsed = extracted
        if parsed is not None:
            memories.store_layout(
                session, document_id=document.id, doc_type=record.doc_type, document=parsed
            )
        document.record = record.model_dump(mode="json")
        document.doc_type = record.doc_type
        document.language = record.language
        search.index_pages(document, doc_type=record.doc_type, parsed=parsed)
        if record.error is not None:
            _set_failed(session, document, code=record.error.code, message=record.error.message)
        else:
            # Read this time (retried, or as the type a reviewer chose): an earlier failure
            # is history, kept in the events.
            document.error_code = None
            document.error_message = None
            memories.note_recalled(session, record=record)
            checking.settle(
                session,
                document=document,
                record=record,
                rules=self.rules.current(),
                settings=self.settings,
                actor=f"worker {self.name}",
            )
        session.add(
            DocumentEvent(
                document_id=document.id,
                actor=f"worker {self.name}",
                kind="processed",
                data={
                    "attempt": attempt,
                    "doc_type": record.doc_type,
                    "status": document.status.value,
                },
            )
        )

    def _store_part(
        self, session: Session, source: Document, extracted: Extracted, *, attempt: int
    ) -> None:
        """A further part of the file as a document of its own, through the rules and review
        like any other; made once, whatever happened to an earlier try."""
        part = extracted[0].source.part
        assert part is not None  # a file's further records are its parts
        existing = session.scalar(
            select(Document).where(
                Document.source_document_id == source.id, Document.part_index == part.index
            )
        )
        if existing is not None:
            return
        document = Document(
            sha256=part_key(source.sha256, part.index),
            file_sha256=source.sha256,
            source_document_id=source.id,
            filename=source.filename,
            relative_path=source.relative_path,
            size=source.size,
            media_type=source.media_type,
            received_at=source.received_at,
            archive_path=source.archive_path,
            filed_at=source.filed_at,
            uploaded_by=source.uploaded_by,
        )
        _mark_part(document, part)
        session.add(document)
        session.flush()
        actor = f"worker {self.name}"
        session.add(
            DocumentEvent(
                document_id=document.id,
                actor=actor,
                kind="received",
                data={"part_of": source.id, "part": part.index, "pages": part.pages},
            )
        )
        # Read with the file: the part's own job would read it again for nothing.
        transition(session, document, "claimed", actor=actor)
        self._store(session, document, extracted, attempt=attempt)

    def _release(self, claim: Claim) -> None:
        with transaction(self.sessions) as session:
            if queue.release(session, claim) and claim.kind != queue.OCR_PAGE:
                document = session.get_one(Document, claim.document_id)
                transition(session, document, "released", actor=claim.owner)

    def _retry_or_fail(self, claim: Claim, error: str) -> None:
        with transaction(self.sessions) as session:
            if claim.attempt < self.settings.max_attempts:
                delay = self.settings.retry_backoff_seconds * 2 ** (claim.attempt - 1)
                queue.retry_later(session, claim, error=error, delay_seconds=delay)
                return
            if claim.kind == queue.OCR_PAGE:
                _end_page(session, claim, error=error)
                return
            if queue.fail(session, claim, error=error):
                document = session.get_one(Document, claim.document_id)
                _set_failed(
                    session,
                    document,
                    code="internal_error",
                    message=f"failed after {claim.attempt} attempts: {error}",
                )

    @contextmanager
    def _heartbeat(self, claim: Claim) -> Iterator[None]:
        done = threading.Event()

        errors = ErrorDigest(log)  # this thread's own: digests are not thread-safe

        def beat() -> None:
            while not done.wait(self.settings.heartbeat_seconds):
                try:
                    with transaction(self.sessions) as session:
                        held = queue.heartbeat(
                            session, claim, lease_seconds=self.settings.lease_seconds
                        )
                except Exception as exc:
                    if not is_outage(exc):
                        raise
                    # The lease may run out meanwhile; storing the result checks it.
                    errors.error(f"extending the lease of job {claim.job_id}", exc)
                    continue
                errors.cleared()
                if not held:
                    log.warning("job %s: lease lost during processing", claim.job_id)
                    return

        thread = threading.Thread(target=beat, name=f"heartbeat-{claim.job_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    @contextmanager
    def _alive(self) -> Iterator[None]:
        """Say this process is alive every `heartbeat_seconds` while it runs, in a thread of
        its own so a long OCR job does not silence it; its row goes when it stops."""
        done = threading.Event()
        errors = ErrorDigest(log)

        def beat() -> None:
            while True:
                try:
                    with transaction(self.sessions) as session:
                        queue.beat(session, worker=self.name)
                except Exception as exc:
                    if not is_outage(exc):
                        raise
                    errors.error("saying the worker is alive", exc)
                else:
                    errors.cleared()
                if done.wait(self.settings.heartbeat_seconds):
                    return

        thread = threading.Thread(target=beat, name="alive", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()
            try:
                with transaction(self.sessions) as session:
                    queue.forget(session, worker=self.name)
            except Exception as exc:
                if not is_outage(exc):
                    raise
                log.warning("worker %s: row left behind (%s); it ages out", self.name, exc)

    def close(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class _Job:
    filename: str
    blob: str
    forced_type: str | None
    received: date
    part: SourcePart | None
    memories: tuple[Memory, ...]
    pages: dict[int, bytes]  # readings page jobs stored, by page number
    defer: bool  # whether pages to OCR are left for later (page jobs, or the OCR lane)


def _part_of(document: Document) -> SourcePart | None:
    if document.part_index is None or document.first_page is None or document.last_page is None:
        return None
    return SourcePart(
        index=document.part_index,
        count=document.part_count or document.part_index,
        pages=list(range(document.first_page, document.last_page + 1)),
    )


def _mark_part(document: Document, part: SourcePart) -> None:
    document.part_index = part.index
    document.part_count = part.count
    document.first_page = part.pages[0]
    document.last_page = part.pages[-1]


def _end_page(session: Session, claim: Claim, *, error: str) -> None:
    """A page job that failed for good: its document's job is woken to read the page."""
    parent = queue.hold_parent(session, claim)
    if queue.fail(session, claim, error=error) and parent is not None:
        queue.wake(session, parent)


def _set_failed(session: Session, document: Document, *, code: str, message: str) -> None:
    transition(session, document, "failed", actor="worker", data={"code": code, "message": message})
    document.error_code = code
    document.error_message = message


def worker_main(settings: Settings, index: int) -> None:
    """Entry point of one worker process: finish the current job on SIGTERM, then exit."""
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s worker-{index} %(message)s")
    worker = Worker(settings)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        worker.stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        worker.run()
    finally:
        worker.close()


def worker_specs(settings: Settings, count: int) -> list[ChildSpec]:
    """The worker processes a supervisor keeps running, one per index."""
    return [ChildSpec(f"worker-{i}", worker_main, (settings, i)) for i in range(count)]
