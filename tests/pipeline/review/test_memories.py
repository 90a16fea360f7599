"""Layout memories over a real database and real workers: a reviewer's correction on one
worker's document reads the sender's next document on another worker, after a restart;
forgetting it restores the generic reading; a memory never overrides a cross-checked
reading; two reviewers at once leave one memory; CVs are never learned from."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from extractors.fields import confidence as level
from extractors.limits import ReadLimits
from extractors.memory import get_path, matching
from extractors.readers import reader_for
from extractors.sniff import sniff_media_type
from pipeline.jobs import queue
from pipeline.jobs.processing import rule_book
from pipeline.jobs.worker import Worker, worker_main
from pipeline.review import changes, checking, memories
from pipeline.store.db import transaction
from pipeline.store.models import AuditEvent, Document, DocumentStatus, LayoutMemory
from pipeline.store.settings import Settings
from tests import docgen
from tests.docgen import catalogue
from tests.docgen.common import GeneratedDocument
from tests.support.documents import ingest_inbox

# A layout whose seller (a firm printed by name, without a tax code) the generic reader
# gets wrong: it takes the firm's e-mail for its name and misses its address. On these seeds
# the generator draws the same firm with other numbers, dates, buyers and amounts: one
# sender's invoices, month after month.
LAYOUT = catalogue.BY_ID["invoice/en/holdout:en_uk"]
FIRST, NEXT = 705, 710
SENDER = "name:harrow finch consulting llp"


def _drop(settings: Settings, seed: int) -> GeneratedDocument:
    doc = LAYOUT.make(seed)
    docgen.write(doc, settings.inbox / f"{seed}.pdf")
    ingest_inbox(settings)
    return doc


def _work(settings: Settings, name: str) -> None:
    worker = Worker(settings, name=name)
    try:
        worker.run(exit_when_idle=True)
    finally:
        worker.close()


def _work_in_new_process(settings: Settings, sessions: sessionmaker[Session]) -> None:
    """A worker started afresh (a restart, or another machine): its own process, engine and
    sessions, nothing remembered in memory."""
    process = multiprocessing.get_context("spawn").Process(target=worker_main, args=(settings, 9))
    process.start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with sessions() as session:
                if queue.count_open(session) == 0:
                    break
            time.sleep(0.5)
        else:
            pytest.fail("the worker did not finish its jobs in 120 s")
    finally:
        process.terminate()
        process.join(30)


def _document(sessions: sessionmaker[Session], seed: int) -> Document:
    with sessions() as session:
        return session.scalars(select(Document).where(Document.filename == f"{seed}.pdf")).one()


def _correct(
    sessions: sessionmaker[Session],
    settings: Settings,
    document_id: int,
    changes: dict[str, Any],
    *,
    actor: str = "rita",
) -> None:
    with transaction(sessions) as session:
        document = session.get_one(Document, document_id)
        checking.correct_fields(
            session,
            document=document,
            version=document.version,
            changes=changes,
            rules=rule_book(settings).current(),
            actor=actor,
        )


def _seller_fixed(doc: GeneratedDocument) -> dict[str, Any]:
    """What a reviewer types on the first invoice: the seller as printed."""
    seller = doc.fields["seller"]
    return {"seller": {"name": seller["name"], "address": seller["address"]}}


def _events(sessions: sessionmaker[Session], kind: str) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)).all())


def test_a_correction_on_one_worker_reads_the_senders_next_invoice_on_a_restarted_other(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = _drop(settings, FIRST)
    _work(settings, "worker-a")
    before = _document(sessions, FIRST)
    assert before.record is not None
    assert get_path(before.record["fields"], "seller.address") is None  # what a memory mends

    _correct(sessions, settings, before.id, _seller_fixed(first))

    with sessions() as session:
        [memory] = memories.list_memories(session, sender=SENDER)
        assert memory.path == "seller.address"
        assert (memory.learned_from_document_id, memory.learned_by) == (before.id, "rita")
        assert memory.live
        assert memories.get_memory(session, memory_id=memory.id) == memory
        assert session.get_one(Document, before.id).sender == SENDER
    [learned] = _events(sessions, "memory_learned")
    assert (learned.document_id, learned.actor) == (before.id, "rita")
    assert learned.data["memory_id"] == memory.id

    following = _drop(settings, NEXT)
    _work_in_new_process(settings, sessions)

    after = _document(sessions, NEXT)
    assert after.record is not None
    assert after.status is DocumentStatus.REVIEW
    address = following.fields["seller"]["address"]
    assert following.fields["invoice_number"] != first.fields["invoice_number"]
    assert get_path(after.record["fields"], "seller.address") == address
    assert after.record["provenance"]["seller.address"]["learned_from"] == memory.id
    assert after.record["confidence"]["seller.address"] == level.LEARNED
    with sessions() as session:
        used = memories.get_memory(session, memory_id=memory.id)
    assert used is not None
    assert (used.times_used, used.updated_at) == (1, memory.updated_at)
    with sessions() as session:
        curve = memories.learning_curve(session, sender=SENDER)
    # The name and address were corrected on the first; nothing yet on the next.
    assert [(p.document_id, p.corrected_fields) for p in curve] == [(before.id, 2), (after.id, 0)]


def test_forgetting_a_memory_restores_the_generic_reading(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = _drop(settings, FIRST)
    _work(settings, "worker-a")
    document_id = _document(sessions, FIRST).id
    _correct(sessions, settings, document_id, _seller_fixed(first))
    with transaction(sessions) as session:
        [memory] = memories.list_memories(session, sender=SENDER)
        assert memories.live_memories(session) != []
        assert memories.forget_memory(session, memory_id=memory.id, actor="admin")
    with sessions() as session:
        assert memories.list_memories(session) == []
        assert memories.live_memories(session) == []
        assert not memories.forget_memory(session, memory_id=memory.id, actor="admin")
    [forgotten] = _events(sessions, "memory_forgotten")
    assert forgotten.actor == "admin"
    assert forgotten.data["memory_id"] == memory.id

    _drop(settings, NEXT)
    _work(settings, "worker-b")

    after = _document(sessions, NEXT)
    assert after.record is not None
    assert get_path(after.record["fields"], "seller.address") is None
    assert not any("learned_from" in where for where in after.record["provenance"].values())


def _read(path: Path) -> Any:
    with reader_for(sniff_media_type(path.read_bytes()[:4096]), path) as reader:
        return reader.read(path, limits=ReadLimits())


def test_a_wrong_memory_never_overrides_a_reading_the_totals_confirm(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    # A reviewer's slip: the VAT amount typed as the total. It is learned like any other
    # correction, and it does match the sender's next invoice; the generic total, which adds
    # up with subtotal and VAT there, stands.
    first = _drop(settings, FIRST)
    _work(settings, "worker-a")
    document_id = _document(sessions, FIRST).id
    slip = _seller_fixed(first) | {"total": first.fields["vat_amount"]}
    _correct(sessions, settings, document_id, slip)
    with sessions() as session:
        learned = {m.path: m for m in memories.list_memories(session, sender=SENDER)}
        live = memories.live_memories(session)
    assert set(learned) == {"seller.address", "total"}

    following = _drop(settings, NEXT)
    _work(settings, "worker-b")

    copy = docgen.write(following, tmp_path / "next.pdf")
    serving = {m.id for m in matching(_read(copy), doc_type="invoice", memories=live)}
    assert learned["total"].id in serving
    after = _document(sessions, NEXT)
    assert after.record is not None
    assert after.record["fields"]["total"] == following.fields["total"]
    assert "learned_from" not in after.record["provenance"].get("total", {})
    # The same correction's right memory did serve it.
    assert (
        after.record["provenance"]["seller.address"]["learned_from"] == learned["seller.address"].id
    )


def test_two_reviewers_correcting_one_sender_at_once_leave_one_memory(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    docs = {seed: _drop(settings, seed) for seed in (FIRST, NEXT)}
    _work(settings, "worker-a")
    ids = {seed: _document(sessions, seed).id for seed in docs}
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def review(seed: int, actor: str) -> None:
        try:
            # Met before the transaction opens: SQLite's BEGIN IMMEDIATE would otherwise hold
            # one reviewer at the door while the other waits here for it.
            start.wait(timeout=30)
            _correct(sessions, settings, ids[seed], _seller_fixed(docs[seed]), actor=actor)
        except BaseException as exc:  # reported by the test thread
            failures.append(exc)

    threads = [
        threading.Thread(target=review, args=(seed, actor))
        for seed, actor in ((FIRST, "rita"), (NEXT, "sam"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []

    with sessions() as session:
        rows = session.scalars(
            select(LayoutMemory).where(
                LayoutMemory.sender == SENDER, LayoutMemory.path == "seller.address"
            )
        ).all()
    assert len(rows) == 1
    events = _events(sessions, "memory_learned")
    assert sorted(e.actor for e in events) == ["rita", "sam"]
    assert {e.data["memory_id"] for e in events} == {rows[0].id}
    # The later correction is the one kept: its document and its reviewer.
    last = max(events, key=lambda e: e.id)
    assert (rows[0].learned_from_document_id, rows[0].learned_by) == (last.document_id, last.actor)


def test_cvs_are_never_learned_from(settings: Settings, sessions: sessionmaker[Session]) -> None:
    cv = docgen.cv(1)
    docgen.write(cv, settings.inbox / "cv.pdf")
    ingest_inbox(settings)
    _work(settings, "worker-a")
    with transaction(sessions) as session:
        document = session.scalars(select(Document)).one()
        assert document.doc_type == "cv"
        assert document.sender is None
        # A value the CV prints, where a memory could be learned if CVs were learned from.
        learned = memories.learn_from_correction(
            session, document=document, changed={"location": cv.fields["location"]}, actor="rita"
        )
        assert learned == []
    _correct(sessions, settings, document.id, {"full_name": cv.fields["location"]})
    with sessions() as session:
        assert memories.list_memories(session) == []
    assert _events(sessions, "memory_learned") == []


def test_the_sender_is_kept_as_read_until_a_reviewer_corrects_it(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = _drop(settings, FIRST)
    _work(settings, "worker-a")
    document = _document(sessions, FIRST)
    # Read generically, the seller is taken for its e-mail address.
    assert document.sender == "name:accounts harrow co uk"
    _correct(sessions, settings, document.id, _seller_fixed(first))
    assert _document(sessions, FIRST).sender == SENDER


def test_a_memory_corrected_again_wears_down_once_per_correction(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = _drop(settings, FIRST)
    _work(settings, "worker-a")
    _correct(sessions, settings, _document(sessions, FIRST).id, _seller_fixed(first))
    following = _drop(settings, NEXT)
    _work(settings, "worker-b")
    after = _document(sessions, NEXT)
    assert after.record is not None
    [memory] = _memories_of(sessions)
    assert after.record["provenance"]["seller.address"]["learned_from"] == memory.id

    # The reviewer says the recalled address is not the seller's: the memory that read it
    # loses weight, and moves to where the reviewer's value is printed (one memory still).
    elsewhere = following.fields["buyer"]["address"]
    _correct(sessions, settings, after.id, {"seller": {"address": elsewhere}})
    [worn] = _memories_of(sessions)
    assert (worn.id, worn.weight, worn.times_corrected_again) == (memory.id, 0.5, 1)
    assert worn.learned_from_document_id == after.id
    # Correcting the reviewer's own value again is not the memory's fault.
    _correct(sessions, settings, after.id, {"seller": following.fields["seller"]})
    [kept] = _memories_of(sessions)
    assert (kept.weight, kept.times_corrected_again) == (0.5, 1)


def _memories_of(sessions: sessionmaker[Session]) -> list[memories.MemoryRow]:
    with sessions() as session:
        return memories.list_memories(session, sender=SENDER)


def test_the_type_a_reviewer_gives_a_senders_document_is_its_next_ones(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    _drop(settings, FIRST)
    _work(settings, "worker-a")
    before = _document(sessions, FIRST)
    assert before.doc_type == "invoice"
    with transaction(sessions) as session:
        document = session.get_one(Document, before.id)
        changes.reassign_type(
            session, document=document, version=document.version, doc_type="dispatch", actor="rita"
        )
    [learned] = _events(sessions, "memory_learned")
    assert learned.data["doc_type_as"] == "dispatch"

    _drop(settings, NEXT)
    _work(settings, "worker-b")

    after = _document(sessions, NEXT)
    assert after.record is not None
    assert after.doc_type == "dispatch"
    assert after.record["confidence"]["doc_type"] == level.LEARNED
