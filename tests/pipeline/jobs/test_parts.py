"""A file holding several documents (a stack scanned into one PDF) becomes one document per
part, made exactly once: the first part stays the file's document, each further part is a
document of its own that goes through the rules and review, and names its source."""

from __future__ import annotations

import multiprocessing
import signal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.worker import Worker, worker_main
from pipeline.store.models import Document, DocumentEvent, DocumentStatus, Job, JobState
from pipeline.store.settings import Settings
from tests.docgen import catalogue
from tests.docgen.catalogue import Stack
from tests.support.documents import ingest_inbox

SEED = 3  # a stack of three documents, the last starting past page 1


def _drop_stack(settings: Settings) -> Stack:
    made = catalogue.stack(SEED)
    (settings.inbox / "stack.pdf").write_bytes(made.content)
    ingest_inbox(settings)
    return made


def _documents(sessions: sessionmaker[Session]) -> list[Document]:
    with sessions() as session:
        return list(session.scalars(select(Document).order_by(Document.id)).all())


def _run_worker(settings: Settings) -> int:
    worker = Worker(settings)
    try:
        return worker.run(exit_when_idle=True)
    finally:
        worker.close()


def _assert_one_document_per_part(sessions: sessionmaker[Session], made: Stack) -> None:
    with sessions() as session:
        _check_parts(list(session.scalars(select(Document).order_by(Document.id))), made)


def _check_parts(documents: list[Document], made: Stack) -> None:
    first = documents[0]
    assert [(d.source_document_id, d.part_index, d.first_page, d.last_page) for d in documents] == [
        (None if index == 1 else first.id, index, part.first_page, part.last_page)
        for index, part in enumerate(made.parts, start=1)
    ]
    for document, part in zip(documents, made.parts, strict=True):
        assert document.status is DocumentStatus.REVIEW
        assert document.doc_type == part.document.doc_type
        assert document.record is not None
        source = document.record["source"]
        assert (source["filename"], source["sha256"]) == ("stack.pdf", first.sha256)
        assert source["part"] == {
            "index": document.part_index,
            "count": len(made.parts),
            "pages": list(range(part.first_page, part.last_page + 1)),
        }
        # The review page shows the original file: positions are its pages.
        pages = {p["page"] for p in document.record["provenance"].values()}
        assert pages and pages <= set(range(part.first_page, part.last_page + 1))
        assert document.blob_sha256 == first.sha256
        assert document.rule_checks, "each part goes through the rules"


def test_a_stack_becomes_one_document_per_part(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    made = _drop_stack(settings)

    assert _run_worker(settings) == 1  # one job: the file is read once

    _assert_one_document_per_part(sessions, made)
    with sessions() as session:
        kinds = session.execute(
            select(DocumentEvent.document_id, DocumentEvent.kind).order_by(DocumentEvent.id)
        ).all()
    documents = _documents(sessions)
    for document in documents[1:]:
        assert [k for d, k in kinds if d == document.id] == ["received", "processed"]


def test_a_part_cannot_be_made_twice(settings: Settings, sessions: sessionmaker[Session]) -> None:
    _drop_stack(settings)
    _run_worker(settings)
    first, second, *_ = _documents(sessions)

    with sessions() as session, pytest.raises(IntegrityError):
        session.add(
            Document(
                sha256="0" * 64,
                filename=second.filename,
                relative_path=second.relative_path,
                size=second.size,
                media_type=second.media_type,
                archive_path=second.archive_path,
                source_document_id=first.id,
                part_index=second.part_index,
            )
        )
        session.commit()


@pytest.mark.slow  # a spawned worker process and a real SIGKILL
def test_a_worker_killed_while_storing_the_parts_leaves_them_to_the_retry(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    made = _drop_stack(settings)
    doomed_settings = settings.model_copy(update={"crash_at": {"worker.parts_stored"}})
    context = multiprocessing.get_context("spawn")
    doomed = context.Process(target=worker_main, args=(doomed_settings, 0))
    doomed.start()
    doomed.join(120)
    assert doomed.exitcode == -signal.SIGKILL
    # Killed with the parts made but not committed: none of them is left behind.
    assert [d.filename for d in _documents(sessions)] == ["stack.pdf"]

    survivor = Worker(settings, name="survivor")
    try:
        survivor.run(max_jobs=1)  # once the lease runs out
    finally:
        survivor.close()

    _assert_one_document_per_part(sessions, made)
    with sessions() as session:
        job = session.scalars(select(Job)).one()
        assert (job.state, job.attempts) == (JobState.DONE, 2)
