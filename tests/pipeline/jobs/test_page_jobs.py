"""Lanes and page jobs: cheap work is claimed before OCR, a scan's pages are read by jobs of
their own on every idle worker, and the document is still stored exactly once, as the one
worker reading every page would store it, whatever crashes on the way.

Crashes are real SIGKILLs of spawned worker processes at named points.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs import queue
from pipeline.jobs.processing import build_documents
from pipeline.jobs.worker import Worker
from pipeline.review import checking
from pipeline.store.db import transaction
from pipeline.store.models import (
    Document,
    DocumentEvent,
    DocumentStatus,
    Job,
    JobState,
    PageReading,
    utcnow,
)
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import ingest_inbox
from tests.support.workers import processed_counts, spawn_workers, wait_until_drained


def add_document(session: Session, name: str) -> Document:
    document = Document(
        sha256=name.rjust(64, "0"),
        filename=name,
        relative_path=name,
        size=1,
        media_type="application/pdf",
        archive_path=f".done/{name}",
    )
    session.add(document)
    session.flush()
    return document


def claimed_order(sessions: sessionmaker[Session]) -> list[str]:
    order = []
    while True:
        with transaction(sessions) as session:
            claim = queue.claim(session, owner="w", lease_seconds=30)
            if claim is None:
                return order
            document = session.get_one(Document, claim.document_id)
            order.append(f"{document.filename}:{claim.kind}")


def test_cheap_jobs_are_claimed_before_page_ocr_queued_earlier_but_not_forever(
    sessions: sessionmaker[Session],
) -> None:
    now = utcnow()
    cost = timedelta(seconds=queue.EXPECTED_SECONDS[queue.OCR_PAGE])
    with transaction(sessions) as session:

        def add(name: str, kind: str, available: timedelta) -> None:
            document = add_document(session, name)
            at = now - cost * 3 + available
            session.add(
                Job(
                    document_id=document.id,
                    kind=kind,
                    page=1 if kind == queue.OCR_PAGE else None,
                    available_at=at,
                    due_at=queue.due(kind, at),
                )
            )

        add("scan.pdf", queue.OCR_PAGE, timedelta(0))
        # Dropped after the scan's page was queued, within its cost: read first.
        add("soon.pdf", queue.PROCESS, cost / 2)
        # Dropped longer than the page's cost after it: the page does not wait for it.
        add("late.pdf", queue.PROCESS, cost * 2)
    assert claimed_order(sessions) == [
        "soon.pdf:process",
        "scan.pdf:ocr_page",
        "late.pdf:process",
    ]


def test_a_document_woken_by_its_last_page_is_assembled_before_ocr_queued_meanwhile(
    sessions: sessionmaker[Session],
) -> None:
    long_ago = utcnow() - timedelta(seconds=60)
    with transaction(sessions) as session:
        scan = add_document(session, "scan.pdf")
        session.add(Job(document_id=scan.id, available_at=long_ago, due_at=long_ago))
    with transaction(sessions) as session:
        parent = queue.claim(session, owner="w", lease_seconds=30)
        assert parent is not None
        assert queue.park(session, parent, pages=[1, 2], wait_seconds=600)
    with transaction(sessions) as session:
        pages = [queue.claim(session, owner="w", lease_seconds=30) for _ in range(2)]
        # A scanned photo dropped while the pages were read, due before they were done.
        photo = add_document(session, "photo.png")
        dropped = utcnow() - timedelta(seconds=30)
        session.add(
            Job(
                document_id=photo.id,
                kind=queue.OCR_DOCUMENT,
                available_at=dropped,
                due_at=queue.due(queue.OCR_DOCUMENT, dropped),
            )
        )
    for page in pages:
        assert page is not None and page.kind == queue.OCR_PAGE
        with transaction(sessions) as session:
            held = queue.hold_parent(session, page)
            assert held is not None
            assert queue.complete(session, page)
            queue.wake(session, held)
    assert claimed_order(sessions) == ["scan.pdf:process", "photo.png:ocr_document"]


SCAN = "scan.pdf"


@pytest.fixture
def scan(settings: Settings) -> Path:
    """A three-page contract, scanned: three pages to OCR."""
    path = settings.inbox / SCAN
    path.write_bytes(docgen.scanned_pdf(docgen.contract(3), noise=0.0005))
    ingest_inbox(settings)
    return path


def one_worker_record(settings: Settings, sessions: sessionmaker[Session]) -> dict[str, Any]:
    """The record one worker reading every page itself makes of the scan (the old path)."""
    with sessions() as session:
        document = session.scalars(select(Document)).one()
        blob, received = document.blob_sha256, document.received_at
    worker = Worker(settings)
    try:
        path = worker.blobs.path_for(blob)
    finally:
        worker.close()
    ((record, _),) = build_documents(
        path, filename=SCAN, settings=settings, as_of=checking.business_day(received)
    )
    return record.model_dump(mode="json")


def the_scan(sessions: sessionmaker[Session]) -> Document:
    with sessions() as session:
        return session.scalars(select(Document)).one()


def jobs(sessions: sessionmaker[Session]) -> list[tuple[str, int | None, JobState, int]]:
    with sessions() as session:
        return [
            (job.kind, job.page, job.state, job.attempts)
            for job in session.scalars(select(Job).order_by(Job.id))
        ]


def assert_stored_once_as_one_worker_would(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document = the_scan(sessions)
    assert document.status is DocumentStatus.REVIEW
    assert document.record is not None
    expected = one_worker_record(settings, sessions)
    assert {k: v for k, v in document.record.items() if k != "rules"} == {
        k: v for k, v in expected.items() if k != "rules"
    }
    assert list(processed_counts(sessions).values()) == [1]
    with sessions() as session:
        kinds = Counter(
            session.scalars(
                select(DocumentEvent.kind).where(DocumentEvent.document_id == document.id)
            )
        )
        assert session.scalar(select(func.count()).select_from(PageReading)) == 0
        assert queue.count_open(session) == 0
    assert all(count == 1 for count in kinds.values()), kinds


@pytest.mark.slow
def test_a_scans_pages_are_read_by_page_jobs_and_assembled_once(
    settings: Settings, sessions: sessionmaker[Session], scan: Path
) -> None:
    worker = Worker(settings)
    try:
        # The document's job, its three pages, the document's job again.
        assert worker.run(exit_when_idle=True) == 5
    finally:
        worker.close()
    assert jobs(sessions) == [
        ("process", None, JobState.DONE, 1),
        ("ocr_page", 1, JobState.DONE, 1),
        ("ocr_page", 2, JobState.DONE, 1),
        ("ocr_page", 3, JobState.DONE, 1),
    ]
    assert_stored_once_as_one_worker_would(settings, sessions)


def test_a_born_digital_file_dropped_after_a_one_page_scan_is_read_first_and_the_scan_stays_one_job(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    (settings.inbox / "a-scan.pdf").write_bytes(docgen.scanned_pdf(docgen.invoice(2)))
    ingest_inbox(settings)
    docgen.write(docgen.invoice(3), settings.inbox / "b-digital.pdf")
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        # The scan's text layer looked at, the born-digital file, the scan's OCR.
        assert worker.run(exit_when_idle=True) == 3
    finally:
        worker.close()
    assert jobs(sessions) == [
        ("ocr_document", None, JobState.DONE, 1),
        ("process", None, JobState.DONE, 1),
    ]
    with sessions() as session:
        processed = session.scalars(
            select(Document.filename)
            .join(DocumentEvent, DocumentEvent.document_id == Document.id)
            .where(DocumentEvent.kind == "processed")
            .order_by(DocumentEvent.id)
        ).all()
        assert {d.status for d in session.scalars(select(Document))} == {DocumentStatus.REVIEW}
    assert processed == ["b-digital.pdf", "a-scan.pdf"]


@pytest.mark.slow
def test_a_worker_killed_reading_a_page_leaves_it_to_be_read_again_after_its_lease(
    settings: Settings, sessions: sessionmaker[Session], scan: Path
) -> None:
    doomed = spawn_workers(settings.model_copy(update={"crash_at": {"worker.page_read"}}), 1)
    doomed[0].join(120)
    assert doomed[0].exitcode == -9
    survivor = Worker(settings, name="survivor")
    try:
        # The other pages (and the killed one's, when its lease ran out meanwhile).
        survivor.run(exit_when_idle=True)
        time.sleep(settings.lease_seconds)
        survivor.run(exit_when_idle=True)
    finally:
        survivor.close()
    assert jobs(sessions) == [
        ("process", None, JobState.DONE, 1),
        ("ocr_page", 1, JobState.DONE, 2),
        ("ocr_page", 2, JobState.DONE, 1),
        ("ocr_page", 3, JobState.DONE, 1),
    ]
    assert_stored_once_as_one_worker_would(settings, sessions)


@pytest.mark.slow
def test_a_document_whose_wake_up_is_lost_is_assembled_after_the_wait(
    settings: Settings, sessions: sessionmaker[Session], scan: Path
) -> None:
    # Killed as it stores a page (before its wake-up commits): with a long lease, that
    # page's job is not back before the document's wait is over.
    slow = settings.model_copy(update={"lease_seconds": 600, "page_wait_seconds": 0.5})
    doomed = spawn_workers(slow.model_copy(update={"crash_at": {"worker.page_stored"}}), 1)
    doomed[0].join(120)
    assert doomed[0].exitcode == -9
    survivor = Worker(slow, name="survivor")
    try:
        survivor.run(exit_when_idle=True)
        while the_scan(sessions).status is DocumentStatus.PROCESSING:
            time.sleep(0.2)
            survivor.run(exit_when_idle=True)
        # Assembled without waiting for the killed page's job, still held by the dead worker.
        assert ("ocr_page", 1, JobState.RUNNING, 1) in jobs(sessions)
        with transaction(sessions) as session:
            session.execute(
                update(Job)
                .where(Job.state == JobState.RUNNING)
                .values(lease_expires_at=utcnow() - timedelta(seconds=1))
            )
        # Back after its lease, the page's job finds the document done.
        survivor.run(exit_when_idle=True)
    finally:
        survivor.close()
    assert ("ocr_page", 1, JobState.DONE, 2) in jobs(sessions)
    assert all(state is JobState.DONE for _, _, state, _ in jobs(sessions))
    assert_stored_once_as_one_worker_would(settings, sessions)


@pytest.mark.slow
def test_two_workers_reading_one_documents_pages_at_once_store_it_once(
    settings: Settings, sessions: sessionmaker[Session], scan: Path
) -> None:
    workers = spawn_workers(settings.model_copy(update={"poll_seconds": 0.05}), 2)
    try:
        wait_until_drained(sessions, timeout=300)
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            process.join(60)
    assert [kind for kind, _, _, _ in jobs(sessions)].count("ocr_page") == 3
    assert_stored_once_as_one_worker_would(settings, sessions)
