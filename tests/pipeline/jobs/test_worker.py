"""Workers over a real database: exactly-once processing, crashes, bad files.

Worker processes are real (spawned, as `backoffice run` starts them); crashes are real
SIGKILLs at named points, like a power cut or the OOM killer.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.worker import Worker
from pipeline.store.models import Document, DocumentEvent, DocumentStatus, Job, JobState
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import BILLION_LAUGHS, ingest_inbox
from tests.support.workers import processed_counts, spawn_workers, wait_until_drained

# Slow: spawned worker processes and real SIGKILLs.
pytestmark = pytest.mark.slow


def statuses(sessions: sessionmaker[Session]) -> dict[str, DocumentStatus]:
    with sessions() as session:
        return {d.filename: d.status for d in session.scalars(select(Document)).all()}


def test_a_processed_invoice_waits_for_review_with_its_record(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    generated = docgen.invoice(3)
    docgen.write(generated, settings.inbox / "hd.pdf")
    ingest_inbox(settings)

    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == 1
    finally:
        worker.close()

    with sessions() as session:
        document = session.scalars(select(Document)).one()
        assert document.status is DocumentStatus.REVIEW
        assert document.doc_type == "invoice"
        assert document.record is not None
        assert document.record["fields"]["total"] == generated.fields["total"]
        assert document.record["source"]["sha256"] == document.sha256
        assert any(rule["rule"] == "invoice.totals_add_up" for rule in document.record["rules"])


def test_bad_files_fail_with_a_reason_and_the_next_good_file_is_processed(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    inbox = settings.inbox
    docgen.empty_file(inbox / "empty.pdf")
    docgen.truncated_pdf(inbox / "truncated.pdf")
    docgen.encrypted_pdf(inbox / "locked.pdf")
    docgen.zip_as_pdf(inbox / "archive.pdf")
    outside = docgen.write(docgen.invoice(1), tmp_path / "outside.pdf")
    (inbox / "link.pdf").symlink_to(outside)
    (inbox / "laughs.xml").write_bytes(BILLION_LAUGHS)
    (inbox / "huge.png").write_bytes(docgen.photo(docgen.invoice(3), dpi=300))
    docgen.write(docgen.invoice(2), inbox / "zz-good.pdf")
    ingest_inbox(settings)

    # A page over the pixel limit stands for a decompression bomb
    # (tests/extractors/test_ocr.py has one).
    worker = Worker(settings.model_copy(update={"max_pixels": 5_000_000}))
    try:
        worker.run(exit_when_idle=True)
    finally:
        worker.close()

    with sessions() as session:
        documents = {d.filename: d for d in session.scalars(select(Document)).all()}
    assert {name: (d.status, d.error_code) for name, d in documents.items()} == {
        "truncated.pdf": (DocumentStatus.FAILED, "corrupt_file"),
        "locked.pdf": (DocumentStatus.FAILED, "encrypted_pdf"),
        "archive.pdf": (DocumentStatus.FAILED, "unsupported_type"),
        "laughs.xml": (DocumentStatus.FAILED, "corrupt_file"),
        "huge.png": (DocumentStatus.FAILED, "too_large"),
        "zz-good.pdf": (DocumentStatus.REVIEW, None),
    }
    assert all(d.error_message for d in documents.values() if d.status is DocumentStatus.FAILED)
    # Refused at the door, before any database row: kept in .failed/ with the reason.
    failed = inbox / ".failed"
    assert (failed / "empty.pdf").exists()
    assert "empty" in (failed / "empty.pdf.error.txt").read_text()
    assert (failed / "link.pdf").is_symlink()
    assert "outside the inbox" in (failed / "link.pdf.error.txt").read_text()
    assert outside.exists()


def test_a_worker_killed_mid_job_leaves_it_to_be_reclaimed_after_the_lease(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    docgen.write(docgen.invoice(5), settings.inbox / "hd.pdf")
    ingest_inbox(settings)

    doomed = spawn_workers(settings.model_copy(update={"crash_at": {"worker.claimed"}}), 1)[0]
    doomed.join(60)
    assert doomed.exitcode == -signal.SIGKILL
    with sessions() as session:
        job = session.scalars(select(Job)).one()
        assert job.state is JobState.RUNNING
        assert job.lease_expires_at is not None
        lease_ends = job.lease_expires_at
    assert statuses(sessions) == {"hd.pdf": DocumentStatus.PROCESSING}

    survivor = Worker(settings, name="survivor")
    try:
        assert survivor.run_once() is False  # the lease still protects the job
        survivor.run(max_jobs=1)
    finally:
        survivor.close()

    with sessions() as session:
        job = session.scalars(select(Job)).one()
        assert job.state is JobState.DONE
        assert job.attempts == 2
        assert job.finished_at is not None and job.finished_at >= lease_ends
    assert statuses(sessions) == {"hd.pdf": DocumentStatus.REVIEW}
    assert list(processed_counts(sessions).values()) == [1]


def test_four_worker_processes_drain_a_thousand_documents_exactly_once(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    docgen.distinct_pdfs(settings.inbox, 1000)
    ingest_inbox(settings)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 1000

    workers = spawn_workers(settings.model_copy(update={"poll_seconds": 0.05}), 4)
    try:
        wait_until_drained(sessions, timeout=600)
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            process.join(60)
    assert [process.exitcode for process in workers] == [0, 0, 0, 0]

    counts = processed_counts(sessions)
    assert len(counts) == 1000
    assert set(counts.values()) == {1}
    with sessions() as session:
        owners = session.scalars(
            select(DocumentEvent.actor).where(DocumentEvent.kind == "processed").distinct()
        ).all()
        assert (
            session.scalar(select(func.count()).select_from(Job).where(Job.state == JobState.DONE))
            == 1000
        )
    assert len(owners) == 4, "every worker took a share"
    assert set(statuses(sessions).values()) == {DocumentStatus.REVIEW}


@pytest.mark.parametrize("xml_first", [False, True])
def test_an_invoice_arriving_as_pdf_and_xml_is_reviewed_once_from_the_xml(
    settings: Settings, sessions: sessionmaker[Session], xml_first: bool
) -> None:
    pdf, xml = docgen.invoice(9), docgen.einvoice_xml(9)
    first, second = (xml, pdf) if xml_first else (pdf, xml)
    worker = Worker(settings)
    try:
        for doc in (first, second):
            docgen.write(doc, settings.inbox / f"hd{doc.suffix}")
            ingest_inbox(settings)
            worker.run(exit_when_idle=True)
    finally:
        worker.close()

    with sessions() as session:
        documents = {d.filename: d for d in session.scalars(select(Document)).all()}
    view, original = documents["hd.pdf"], documents["hd.xml"]
    assert original.status is DocumentStatus.REVIEW
    assert view.status is DocumentStatus.SUPERSEDED
    assert view.superseded_by_id == original.id
    assert original.record is not None
    assert original.record["fields"]["total"] == xml.fields["total"]
