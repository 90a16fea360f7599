"""Ingest: every dropped file is recorded once, stored, and moved out of the inbox."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.intake.blobs import BlobStore
from pipeline.intake.ingest import Ingestor, Outcome
from pipeline.store.models import Document, DuplicateDrop, Job, JobState
from pipeline.store.settings import Settings


def make_ingestor(settings: Settings, sessions: sessionmaker[Session]) -> Ingestor:
    return Ingestor(
        inbox=settings.inbox,
        blobs=BlobStore(settings.resolved_blob_dir),
        session_factory=sessions,
        max_file_bytes=settings.max_file_bytes,
    )


def remaining_in_inbox(inbox: Path) -> list[str]:
    return sorted(
        p.relative_to(inbox).as_posix()
        for p in inbox.rglob("*")
        if (p.is_file() or p.is_symlink()) and not p.relative_to(inbox).parts[0].startswith(".")
    )


def test_new_file_is_stored_recorded_queued_and_moved(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    payload = b"%PDF-1.4 a scanned invoice"
    (settings.inbox / "suppliers").mkdir()
    dropped = settings.inbox / "suppliers" / "hd_0001.pdf"
    dropped.write_bytes(payload)

    result = make_ingestor(settings, sessions).ingest(dropped)

    assert result.outcome is Outcome.NEW
    sha = hashlib.sha256(payload).hexdigest()
    blob = settings.resolved_blob_dir / sha[:2] / sha[2:4] / sha
    assert blob.read_bytes() == payload
    with sessions() as session:
        document = session.scalars(select(Document)).one()
        assert (document.filename, document.relative_path) == (
            "hd_0001.pdf",
            "suppliers/hd_0001.pdf",
        )
        assert (document.sha256, document.size) == (sha, len(payload))
        assert document.media_type == "application/pdf"
        assert document.filed_at is not None
        job = session.scalars(select(Job)).one()
        assert (job.document_id, job.state) == (document.id, JobState.QUEUED)
    assert not dropped.exists()
    archived = settings.inbox / document.archive_path
    assert archived.read_bytes() == payload
    assert archived.parts[-4] == ".done"


def test_same_bytes_again_is_a_recorded_duplicate_not_a_second_document(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    ingestor = make_ingestor(settings, sessions)
    for name in ("a.pdf", "copy of a.pdf", "a.pdf"):
        path = settings.inbox / name
        path.write_bytes(b"%PDF-1.4 same bytes")
        ingestor.ingest(path)

    with sessions() as session:
        assert session.scalar(select(func.count(Document.id))) == 1
        assert session.scalar(select(func.count(Job.id))) == 1
        drops = session.scalars(select(DuplicateDrop).order_by(DuplicateDrop.id)).all()
        assert [d.filename for d in drops] == ["copy of a.pdf", "a.pdf"]
        assert all(d.filed_at is not None for d in drops)
    assert remaining_in_inbox(settings.inbox) == []
    assert len(list((settings.inbox / ".done").rglob("*.pdf"))) == 3


def test_empty_file_is_kept_in_failed_with_its_reason(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    empty = settings.inbox / "blank.pdf"
    empty.touch()

    result = make_ingestor(settings, sessions).ingest(empty)

    assert result.outcome is Outcome.FAILED
    kept = settings.inbox / ".failed" / "blank.pdf"
    assert kept.exists()
    assert "empty" in (settings.inbox / ".failed" / "blank.pdf.error.txt").read_text()
    with sessions() as session:
        assert session.scalar(select(func.count(Document.id))) == 0


def test_symlink_out_of_the_inbox_is_not_followed(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    secret = tmp_path / "outside" / "payroll.pdf"
    secret.parent.mkdir()
    secret.write_bytes(b"%PDF-1.4 confidential")
    link = settings.inbox / "payroll.pdf"
    link.symlink_to(secret)

    result = make_ingestor(settings, sessions).ingest(link)

    assert result.outcome is Outcome.FAILED
    assert "outside the inbox" in (settings.inbox / ".failed" / "payroll.pdf.error.txt").read_text()
    assert (settings.inbox / ".failed" / "payroll.pdf").is_symlink()
    assert secret.read_bytes() == b"%PDF-1.4 confidential"
    assert not settings.resolved_blob_dir.exists() or not any(
        p.is_file() and "tmp" not in p.parts for p in settings.resolved_blob_dir.rglob("*")
    )
    with sessions() as session:
        assert session.scalar(select(func.count(Document.id))) == 0


def test_file_changing_while_copied_is_left_for_later(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    growing = settings.inbox / "scan.pdf"
    growing.write_bytes(b"%PDF-1.4 first half")
    ingestor = make_ingestor(settings, sessions)
    original_put = ingestor.blobs.put_file

    def put_then_append(source: Path, *, max_bytes: int | None = None):  # type: ignore[no-untyped-def]
        stored = original_put(source, max_bytes=max_bytes)
        with source.open("ab") as handle:  # the scanner is still writing
            handle.write(b" second half")
        os.utime(source, ns=(0, source.stat().st_mtime_ns + 1_000_000))
        return stored

    ingestor.blobs.put_file = put_then_append  # type: ignore[method-assign]
    assert ingestor.ingest(growing).outcome is Outcome.UNSTABLE
    assert growing.exists()
    ingestor.blobs.put_file = original_put  # type: ignore[method-assign]
    assert ingestor.ingest(growing).outcome is Outcome.NEW
    with sessions() as session:
        assert session.scalars(select(Document)).one().size == len(
            b"%PDF-1.4 first half second half"
        )


def test_too_large_file_is_refused_before_copying(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    settings.max_file_bytes = 1000
    big = settings.inbox / "huge.tif"
    big.write_bytes(b"II*\x00" + b"\x00" * 5000)

    result = make_ingestor(settings, sessions).ingest(big)

    assert result.outcome is Outcome.FAILED
    assert "too large" in (settings.inbox / ".failed" / "huge.tif.error.txt").read_text()


def test_a_name_that_is_not_utf8_is_kept_aside_with_its_reason_not_retried_forever(
    settings: Settings, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    """A name in an old code page cannot be stored as text: before, every try failed in the
    database and the file waited in the inbox for good."""
    name = os.fsdecode(b"h\xf3a-\xf0\xee\xed.pdf")
    dropped = settings.inbox / name
    dropped.write_bytes(b"%PDF-1.4 an invoice\n%%EOF\n")

    result = make_ingestor(settings, sessions).ingest(dropped)

    assert result.outcome is Outcome.FAILED
    kept = settings.inbox / ".failed" / name
    assert kept.read_bytes() == b"%PDF-1.4 an invoice\n%%EOF\n"
    reason = (settings.inbox / ".failed" / f"{name}.error.txt").read_text(encoding="utf-8")
    assert "not UTF-8" in reason
    assert not dropped.exists()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
    # The log says which file, in UTF-8 text a log reader takes (escaped bytes).
    assert "kept h\\xf3a-\\xf0\\xee\\xed.pdf in .failed" in caplog.text
