"""A file that fails in processing is where the clerk looks: its inbox copy in `.failed/`
beside `<name>.error.txt` with the reason in words, written once whatever crashes and
retries happen; a reviewer's retry reads it again once the cause is fixed."""

from __future__ import annotations

import hashlib
import multiprocessing
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.intake.blobs import BlobStore
from pipeline.intake.failed_files import file_failure
from pipeline.intake.ingest import record_upload
from pipeline.jobs import queue
from pipeline.jobs.worker import Worker, worker_main
from pipeline.lifecycle import InvalidTransition
from pipeline.review import changes, failures
from pipeline.review import documents as documents_service
from pipeline.review.checking import StaleVersion
from pipeline.services import build_ingestor
from pipeline.store.db import transaction
from pipeline.store.models import Document, DocumentStatus, Job, JobState
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import ingest_inbox


def run_worker(settings: Settings) -> int:
    worker = Worker(settings)
    try:
        return worker.run(exit_when_idle=True)
    finally:
        worker.close()


def documents_by_name(sessions: sessionmaker[Session]) -> dict[str, Document]:
    with sessions() as session:
        return {d.filename: d for d in session.scalars(select(Document)).all()}


def only(inbox: Path, pattern: str) -> Path:
    (found,) = inbox.glob(pattern)
    return found


def test_a_file_failing_in_processing_moves_to_failed_with_its_reason_once(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    inbox = settings.inbox
    docgen.encrypted_pdf(inbox / "locked.pdf")
    docgen.write(docgen.invoice(2), inbox / "good.pdf")
    ingest_inbox(settings)
    assert run_worker(settings) == 2

    documents = documents_by_name(sessions)
    locked, good = documents["locked.pdf"], documents["good.pdf"]
    assert (locked.status, good.status) == (DocumentStatus.FAILED, DocumentStatus.REVIEW)
    # The failed file left `.done/` for `.failed/`; the good one stays, with no note.
    moved = only(inbox, ".failed/*/locked.pdf")
    assert list(inbox.glob(".done/**/locked.pdf")) == []
    assert locked.archive_path == moved.relative_to(inbox).as_posix()
    assert (inbox / good.archive_path).exists()
    assert list(inbox.glob("**/good.pdf.error.txt")) == []
    # The original is still in the blob store.
    assert BlobStore(settings.resolved_blob_dir).path_for(locked.sha256).exists()

    note = moved.with_name("locked.pdf.error.txt")
    name, when, vi, en, detail = note.read_text(encoding="utf-8").splitlines()
    assert name == "locked.pdf"
    assert when.startswith(locked.received_at.astimezone().date().isoformat())
    assert vi == "Tệp PDF có mật khẩu: hãy gửi bản không khoá."
    assert en == "The PDF is password-protected: please send an unlocked copy."
    assert detail.startswith("encrypted_pdf: ")
    assert detail.removeprefix("encrypted_pdf: ") == locked.error_message

    # Later passes (the watcher's reconcile, the filing run again) write nothing twice.
    before = note.stat()
    build_ingestor(settings).reconcile()
    assert file_failure(sessions, inbox=inbox, document_id=locked.id) is True
    after = note.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(p.name for p in (inbox / ".failed").rglob("*")) == sorted(
        [moved.parent.name, "locked.pdf", "locked.pdf.error.txt"]
    )

    # Rejected, it still needs the clerk (a copy without a password): it stays in `.failed/`.
    with transaction(sessions) as session:
        documents_service.reject(session, document_id=locked.id, actor="rita", reason="khoá")
    build_ingestor(settings).reconcile()
    assert moved.exists() and note.exists()


def test_a_second_file_of_the_same_name_failing_the_same_day_keeps_both_copies(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    """Resent under the same name with other bytes after the first failed: each failure
    keeps its own copy and note, and each document names its own copy."""
    inbox = settings.inbox
    docgen.encrypted_pdf(inbox / "scan.pdf")
    ingest_inbox(settings)
    assert run_worker(settings) == 1
    docgen.truncated_pdf(inbox / "scan.pdf")
    ingest_inbox(settings)
    assert run_worker(settings) == 1

    with sessions() as session:
        documents = session.scalars(select(Document).order_by(Document.id)).all()
    assert [d.status for d in documents] == [DocumentStatus.FAILED, DocumentStatus.FAILED]
    copies = [inbox / d.archive_path for d in documents]
    assert len(set(copies)) == 2
    for document, copy in zip(documents, copies, strict=True):
        assert copy.relative_to(inbox).parts[0] == ".failed"
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == document.sha256
        note = copy.with_name(copy.name + ".error.txt").read_text(encoding="utf-8")
        assert note.splitlines()[4].startswith(f"{document.error_code}: ")
    assert list(inbox.glob(".done/**/*.pdf")) == []


@pytest.mark.slow
@pytest.mark.parametrize("crash_at", ["failure.noted", "failure.moved"])
def test_a_worker_killed_while_filing_a_failure_is_finished_by_the_next_reconcile(
    crash_at: str, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    inbox = settings.inbox
    docgen.truncated_pdf(inbox / "broken.pdf")
    ingest_inbox(settings)
    crashing = settings.model_copy(update={"crash_at": frozenset({crash_at})})
    process = multiprocessing.get_context("spawn").Process(target=worker_main, args=(crashing, 0))
    process.start()
    process.join(timeout=120)
    assert process.exitcode == -9, f"the worker was to be killed at {crash_at}"

    # Killed after the note (before or after the move): the failure is committed, the row
    # still names the copy's place in `.done/`, the note is already in `.failed/`.
    (broken,) = documents_by_name(sessions).values()
    assert broken.status is DocumentStatus.FAILED
    assert broken.archive_path.startswith(".done/")
    assert (inbox / broken.archive_path).exists() is (crash_at == "failure.noted")
    note = only(inbox, ".failed/*/broken.pdf.error.txt")
    before = note.stat()

    build_ingestor(settings).reconcile()

    (broken,) = documents_by_name(sessions).values()
    assert broken.archive_path == note.with_name("broken.pdf").relative_to(inbox).as_posix()
    assert (inbox / broken.archive_path).exists()
    assert list(inbox.glob(".done/**/broken.pdf")) == []
    after = note.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert "Tệp bị hỏng" in note.read_text(encoding="utf-8")


def test_a_retry_reads_the_document_again_once_the_cause_is_fixed(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    docgen.write(docgen.contract(0), settings.inbox / "hop_dong.pdf")  # two pages
    ingest_inbox(settings)
    assert run_worker(settings.model_copy(update={"max_pages": 1})) == 1
    (contract,) = documents_by_name(sessions).values()
    assert (contract.status, contract.error_code) == (DocumentStatus.FAILED, "too_large")
    assert failures.reason_in_words(contract.error_code, "vi").startswith("Tệp quá lớn")
    inbox = settings.inbox
    assert contract.archive_path.startswith(".failed/")
    note = inbox / (contract.archive_path + ".error.txt")
    assert "Tệp quá lớn" in note.read_text(encoding="utf-8")

    # Nothing is queued for it until a reviewer asks; a stale version is refused.
    with transaction(sessions) as session:
        document = session.get_one(Document, contract.id)
        assert queue.count_open(session) == 0
        with pytest.raises(StaleVersion):
            failures.retry(session, document=document, version=document.version + 1, actor="rita")
    with transaction(sessions) as session:
        document = session.get_one(Document, contract.id)
        failures.retry(session, document=document, version=document.version, actor="rita")
    with sessions() as session:
        document = session.get_one(Document, contract.id)
        assert document.status is DocumentStatus.RECEIVED
        assert document.error_code is None
        assert queue.count_open(session) == 1
        with pytest.raises(InvalidTransition):
            failures.retry(session, document=document, version=document.version, actor="rita")

    # The limit raised (default settings): read once, in review as a contract.
    assert run_worker(settings) == 1
    assert run_worker(settings) == 0
    with sessions() as session:
        document = session.get_one(Document, contract.id)
        assert document.status is DocumentStatus.REVIEW
        assert document.doc_type == "contract"
        assert document.error_code is None
        kinds = [event.kind for event in document.events]
        assert kinds.count("failed") == 1 and kinds.count("retried") == 1
        jobs = session.scalars(select(Job.state).where(Job.document_id == contract.id)).all()
        assert jobs == [JobState.DONE, JobState.DONE]
        archived = document.archive_path
    # Read after all: back in `.done/`, its note beside it as its history; `.failed/` empty.
    assert archived == contract.archive_path.replace(".failed/", ".done/", 1)
    original = BlobStore(settings.resolved_blob_dir).path_for(contract.sha256)
    assert (inbox / archived).read_bytes() == original.read_bytes()
    assert "Tệp quá lớn" in (inbox / (archived + ".error.txt")).read_text(encoding="utf-8")
    assert [p for p in (inbox / ".failed").rglob("*") if p.is_file()] == []


def test_an_uploaded_file_that_fails_gets_no_note(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    source = docgen.encrypted_pdf(tmp_path / "locked.pdf")
    blob = BlobStore(settings.resolved_blob_dir).put_file(source)
    with transaction(sessions) as session:
        record_upload(session, blob=blob, filename="locked.pdf", uploaded_by="clara")
    assert run_worker(settings) == 1
    (locked,) = documents_by_name(sessions).values()
    assert locked.status is DocumentStatus.FAILED
    assert file_failure(sessions, inbox=settings.inbox, document_id=locked.id) is False
    assert not (settings.inbox / ".failed").exists()


def test_a_failed_file_read_again_as_another_type_loses_its_failure_and_leaves_failed(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    docgen.write(docgen.contract(0), settings.inbox / "hop_dong.pdf")  # two pages
    ingest_inbox(settings)
    assert run_worker(settings.model_copy(update={"max_pages": 1})) == 1
    (contract,) = documents_by_name(sessions).values()
    assert contract.archive_path.startswith(".failed/")
    with transaction(sessions) as session:
        document = session.get_one(Document, contract.id)
        changes.reassign_type(
            session, document=document, version=document.version, doc_type="contract", actor="rita"
        )
    assert run_worker(settings) == 1
    (contract,) = documents_by_name(sessions).values()
    assert (contract.status, contract.error_code, contract.error_message) == (
        DocumentStatus.REVIEW,
        None,
        None,
    )
    assert contract.archive_path.startswith(".done/")
    assert (settings.inbox / contract.archive_path).exists()
