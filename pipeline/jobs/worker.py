"""Workers: processes that claim queued documents, process them and store the results.

CPU-heavy reading and OCR run here, one process per core, never in the API's event loop.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from sqlalchemy.orm import Session, sessionmaker

from pipeline.intake.blobs import BlobStore
from pipeline.jobs import queue
from pipeline.jobs.faults import crash_point
from pipeline.jobs.processing import build_record, rule_book
from pipeline.jobs.queue import Claim
from pipeline.lifecycle import transition
from pipeline.review import checking
from pipeline.store.db import make_engine, make_session_factory, transaction
from pipeline.store.models import Document, DocumentEvent
from pipeline.store.settings import Settings

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, settings: Settings, *, name: str | None = None) -> None:
        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.engine = make_engine(settings.resolved_database_url)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)
        self.blobs = BlobStore(settings.resolved_blob_dir)
        self.rules = rule_book(settings)  # refuses to start on broken rules
        self.stop = threading.Event()

    def run(self, *, max_jobs: int | None = None, exit_when_idle: bool = False) -> int:
        """Process jobs until stopped; returns how many were handled."""
        handled = 0
        while not self.stop.is_set() and (max_jobs is None or handled < max_jobs):
            if self.run_once():
                handled += 1
            elif exit_when_idle:
                break
            else:
                self.stop.wait(self.settings.poll_seconds)
        return handled

    def run_once(self) -> bool:
        with transaction(self.sessions) as session:
            claim = queue.claim(session, owner=self.name, lease_seconds=self.settings.lease_seconds)
            if claim is None:
                return False
            document = session.get_one(Document, claim.document_id)
            if claim.attempt > self.settings.max_attempts:
                # Claimed again after its lease ran out too often: the job kills workers.
                message = f"abandoned after {claim.attempt - 1} attempts (worker crashed)"
                queue.fail(session, claim, error=message)
                _set_failed(session, document, code="internal_error", message=message)
                return True
            transition(session, document, "claimed", actor=claim.owner)
        crash_point("worker.claimed", self.settings.crash_at)
        self._process(claim)
        return True

    def _process(self, claim: Claim) -> None:
        with transaction(self.sessions) as session:
            document = session.get_one(Document, claim.document_id)
            filename, sha256 = document.filename, document.sha256
            forced_type = document.forced_type
            # A CV's "until now" means the day it arrived, however late it is processed.
            received = checking.business_day(document.received_at)
        try:
            with self._heartbeat(claim):
                record = build_record(
                    self.blobs.path_for(sha256),
                    filename=filename,
                    settings=self.settings,
                    doc_type=forced_type,  # type: ignore[arg-type]
                    as_of=received,
                )
        except Exception as exc:
            self._retry_or_fail(claim, exc)
            return
        crash_point("worker.processed", self.settings.crash_at)

        with transaction(self.sessions) as session:
            if not queue.complete(session, claim):
                log.warning("job %s: lease lost, result discarded", claim.job_id)
                session.rollback()
                return
            document = session.get_one(Document, claim.document_id)
            document.record = record.model_dump(mode="json")
            document.doc_type = record.doc_type
            document.language = record.language
            if record.error is not None:
                _set_failed(session, document, code=record.error.code, message=record.error.message)
            else:
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
                        "attempt": claim.attempt,
                        "doc_type": record.doc_type,
                        "status": document.status.value,
                    },
                )
            )

    def _retry_or_fail(self, claim: Claim, exc: Exception) -> None:
        error = "".join(traceback.format_exception_only(exc)).strip()
        log.exception("job %s attempt %s failed", claim.job_id, claim.attempt)
        with transaction(self.sessions) as session:
            if claim.attempt < self.settings.max_attempts:
                delay = self.settings.retry_backoff_seconds * 2 ** (claim.attempt - 1)
                queue.retry_later(session, claim, error=error, delay_seconds=delay)
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

        def beat() -> None:
            while not done.wait(self.settings.heartbeat_seconds):
                with transaction(self.sessions) as session:
                    if not queue.heartbeat(
                        session, claim, lease_seconds=self.settings.lease_seconds
                    ):
                        log.warning("job %s: lease lost during processing", claim.job_id)
                        return

        thread = threading.Thread(target=beat, name=f"heartbeat-{claim.job_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def close(self) -> None:
        self.engine.dispose()


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


def start_worker_processes(settings: Settings, count: int) -> list[multiprocessing.Process]:
    # Spawned, not forked: a fork would copy database connections and threads.
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=worker_main, args=(settings, i), name=f"worker-{i}")
        for i in range(count)
    ]
    for process in processes:
        process.start()
    return processes
