"""Layout memories over a real database and real workers: a reviewer's correction on one
worker's document reads the sender's next document on another worker, after a restart;
forgetting it restores the generic reading; a memory never overrides a cross-checked
reading; two reviewers at once leave one memory; CVs are never learned from; a correction is
kept whatever becomes of what it would teach."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from extractors.document import Line, Page, ParsedDocument, Word
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
from pipeline.store.models import (
    AuditEvent,
    Document,
    DocumentLayout,
    DocumentStatus,
    LayoutMemory,
    MemoryChanges,
)
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
FIRST, NEXT, THIRD = 705, 710, 713
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
    """What a reviewer types on the first invoice: the seller as printed. Both are learned:
    the address under the name, the name (the letterhead, no label) at the page's head."""
    seller = doc.fields["seller"]
    return {"seller": {"name": seller["name"], "address": seller["address"]}}


def _events(
    sessions: sessionmaker[Session], kind: str, path: str | None = None
) -> list[AuditEvent]:
    """The audit events of `kind`; of memories of `path` only, when given."""
    with sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)).all()
    return [e for e in events if path is None or e.data["path"] == path]


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
        learned_paths = {m.path for m in memories.list_memories(session, sender=SENDER)}
        assert learned_paths == {"seller.name", "seller.address"}
        [memory] = _of(memories.list_memories(session, sender=SENDER), "seller.address")
        assert (memory.learned_from_document_id, memory.learned_by) == (before.id, "rita")
        assert memory.live
        assert memories.get_memory(session, memory_id=memory.id) == memory
        assert session.get_one(Document, before.id).sender == SENDER
    [learned] = _events(sessions, "memory_learned", "seller.address")
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
        taught = memories.list_memories(session, sender=SENDER)
        assert len(taught) == 2  # the name and the address
        assert memories.live_memories(session) != []
        for memory in taught:
            assert memories.forget_memory(session, memory_id=memory.id, actor="admin")
    with sessions() as session:
        assert memories.list_memories(session) == []
        assert memories.live_memories(session) == []
        assert not memories.forget_memory(session, memory_id=taught[0].id, actor="admin")
    forgotten = _events(sessions, "memory_forgotten")
    assert [e.actor for e in forgotten] == ["admin", "admin"]
    assert {e.data["memory_id"] for e in forgotten} == {m.id for m in taught}

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
    assert set(learned) == {"seller.name", "seller.address", "total"}

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
    _at_once(
        lambda: _correct(sessions, settings, ids[FIRST], _seller_fixed(docs[FIRST]), actor="rita"),
        lambda: _correct(sessions, settings, ids[NEXT], _seller_fixed(docs[NEXT]), actor="sam"),
    )

    for path in ("seller.name", "seller.address"):
        with sessions() as session:
            rows = session.scalars(
                select(LayoutMemory).where(LayoutMemory.sender == SENDER, LayoutMemory.path == path)
            ).all()
        assert len(rows) == 1
        events = _events(sessions, "memory_learned", path)
        assert sorted(e.actor for e in events) == ["rita", "sam"]
        assert {e.data["memory_id"] for e in events} == {rows[0].id}
        # The later correction is the one kept: its document and its reviewer.
        last = max(events, key=lambda e: e.id)
        kept = (rows[0].learned_from_document_id, rows[0].learned_by)
        assert kept == (last.document_id, last.actor)


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
        # A person's words are not kept to learn from either.
        assert session.get(DocumentLayout, document.id) is None
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
    [memory] = _memories_of(sessions, "seller.address")
    assert after.record["provenance"]["seller.address"]["learned_from"] == memory.id

    # The reviewer says the recalled address is not the seller's: the memory that read it
    # loses weight, and moves to where the reviewer's value is printed (one memory still).
    elsewhere = following.fields["buyer"]["address"]
    _correct(sessions, settings, after.id, {"seller": {"address": elsewhere}})
    [worn] = _memories_of(sessions, "seller.address")
    assert (worn.id, worn.weight, worn.times_corrected_again) == (memory.id, 0.5, 1)
    assert worn.learned_from_document_id == after.id
    # Correcting the reviewer's own value again is not the memory's fault.
    _correct(sessions, settings, after.id, {"seller": following.fields["seller"]})
    [kept] = _memories_of(sessions, "seller.address")
    assert (kept.weight, kept.times_corrected_again) == (0.5, 1)


def _memories_of(
    sessions: sessionmaker[Session], path: str | None = None
) -> list[memories.MemoryRow]:
    """The sender's memories; of `path` only, when given."""
    with sessions() as session:
        return _of(memories.list_memories(session, sender=SENDER), path)


def _of(rows: list[memories.MemoryRow], path: str | None) -> list[memories.MemoryRow]:
    return [row for row in rows if path is None or row.path == path]


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


def _reassign(
    sessions: sessionmaker[Session], document_id: int, doc_type: changes.ReassignableType
) -> None:
    with transaction(sessions) as session:
        document = session.get_one(Document, document_id)
        changes.reassign_type(
            session, document=document, version=document.version, doc_type=doc_type, actor="rita"
        )


def test_an_invoice_reassigned_as_a_cv_teaches_nothing_and_its_words_are_dropped(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    _drop(settings, FIRST)
    _work(settings, "worker-a")
    document = _document(sessions, FIRST)
    assert document.sender == "name:accounts harrow co uk"
    with sessions() as session:
        assert session.get(DocumentLayout, document.id) is not None

    _reassign(sessions, document.id, "cv")

    with sessions() as session:
        assert memories.list_memories(session) == []
        assert session.get(DocumentLayout, document.id) is None
        assert session.get_one(Document, document.id).forced_type == "cv"
    assert _events(sessions, "memory_learned") == []


def test_a_correction_is_kept_when_learning_from_it_fails(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = _drop(settings, FIRST)
    _work(settings, "worker-a")
    document_id = _document(sessions, FIRST).id
    with transaction(sessions) as session:
        # The stored words are unreadable (a disk fault, a bug in an older version).
        session.get_one(DocumentLayout, document_id).pages = b"not a layout"

    _correct(sessions, settings, document_id, _seller_fixed(first))

    after = _document(sessions, FIRST)
    assert after.record is not None
    assert after.record["fields"]["seller"]["address"] == first.fields["seller"]["address"]
    assert [e.document_id for e in _events(sessions, "corrected")] == [document_id]
    assert _memories_of(sessions) == []
    assert _events(sessions, "memory_learned") == []


def test_a_senders_reviewers_at_once_one_wearing_its_memory_both_keep_their_corrections(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    # One document was read by the sender's memory and its reviewer wears it (a row lock);
    # the other was read before the memory existed and its reviewer learns onto it. Taken
    # in opposite orders, the sender's lock and the row's deadlocked on PostgreSQL.
    docs = {seed: _drop(settings, seed) for seed in (FIRST, THIRD)}
    _work(settings, "worker-a")
    ids = {seed: _document(sessions, seed).id for seed in docs}
    _correct(sessions, settings, ids[FIRST], _seller_fixed(docs[FIRST]))
    docs[NEXT] = _drop(settings, NEXT)
    _work(settings, "worker-b")
    ids[NEXT] = _document(sessions, NEXT).id
    [memory] = _memories_of(sessions, "seller.address")
    read = _document(sessions, NEXT).record
    assert read is not None and read["provenance"]["seller.address"]["learned_from"] == memory.id

    wanted = {
        NEXT: {"seller": {"address": docs[NEXT].fields["buyer"]["address"]}},
        THIRD: _seller_fixed(docs[THIRD]),
    }
    _at_once(
        lambda: _correct(sessions, settings, ids[NEXT], wanted[NEXT], actor="rita"),
        lambda: _correct(sessions, settings, ids[THIRD], wanted[THIRD], actor="sam"),
    )

    for seed, change in wanted.items():
        stored = _document(sessions, seed).record
        assert stored is not None
        assert stored["fields"]["seller"]["address"] == change["seller"]["address"]
    [kept] = _memories_of(sessions, "seller.address")
    assert kept.id == memory.id
    assert kept.times_corrected_again == 1
    learned_address = _events(sessions, "memory_learned", "seller.address")
    assert sorted(e.actor for e in learned_address) == ["rita", "rita", "sam"]


def test_forgetting_a_memory_while_a_reviewer_corrects_what_it_read_keeps_the_correction(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = _drop(settings, FIRST)
    _work(settings, "worker-a")
    _correct(sessions, settings, _document(sessions, FIRST).id, _seller_fixed(first))
    following = _drop(settings, NEXT)
    _work(settings, "worker-b")
    after_id = _document(sessions, NEXT).id
    [memory] = _memories_of(sessions, "seller.address")
    elsewhere = following.fields["buyer"]["address"]

    def forget() -> None:
        with transaction(sessions) as session:
            memories.forget_memory(session, memory_id=memory.id, actor="admin")

    _at_once(
        forget,
        lambda: _correct(sessions, settings, after_id, {"seller": {"address": elsewhere}}),
    )

    stored = _document(sessions, NEXT).record
    assert stored is not None
    assert stored["fields"]["seller"]["address"] == elsewhere
    [forgotten] = _events(sessions, "memory_forgotten")
    assert forgotten.data["memory_id"] == memory.id
    # Whichever came first, the forgotten memory is gone; the correction may have taught a
    # new one (it came after) or moved the old one before it was forgotten.
    assert memory.id not in {m.id for m in _memories_of(sessions)}


def test_a_retired_memory_is_learned_again(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = _drop(settings, FIRST)
    _work(settings, "worker-a")
    _correct(sessions, settings, _document(sessions, FIRST).id, _seller_fixed(first))
    [memory] = _memories_of(sessions, "seller.address")
    with transaction(sessions) as session:
        # As two corrections of values it read leave it: worn below recall.
        session.execute(
            update(LayoutMemory).where(LayoutMemory.id == memory.id).values(weight=0.25)
        )
    following = _drop(settings, NEXT)
    _work(settings, "worker-b")
    after = _document(sessions, NEXT)
    assert after.record is not None
    assert get_path(after.record["fields"], "seller.address") is None  # not recalled

    _correct(sessions, settings, after.id, _seller_fixed(following))

    rows = {m.id: m for m in _memories_of(sessions, "seller.address")}
    [relearned] = [m for m in rows.values() if m.id != memory.id]
    assert (relearned.live, relearned.learned_from_document_id) == (True, after.id)
    assert not rows[memory.id].live
    with sessions() as session:
        assert relearned.id in {m.id for m in memories.live_memories(session)}
    _drop(settings, THIRD)
    _work(settings, "worker-c")
    third = _document(sessions, THIRD).record
    assert third is not None
    assert third["provenance"]["seller.address"]["learned_from"] == relearned.id


def test_a_contracts_sender_is_the_counterparty_not_the_company(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    contract = docgen.contract(1)
    company, counterparty = contract.fields["parties"]
    master = tmp_path / "company.yaml"
    master.write_text(
        f'own_tax_codes: {{"{company["tax_id"]}": {company["name"]}}}\n', encoding="utf-8"
    )
    ours = settings.model_copy(update={"master_data": master})
    docgen.write(contract, ours.inbox / "contract.pdf")
    ingest_inbox(ours)
    _work(ours, "worker-a")
    with sessions() as session:
        document = session.scalars(select(Document)).one()
    assert document.doc_type == "contract"
    assert document.sender == f"tax:{counterparty['tax_id']}"


def test_one_unreadable_memory_does_not_stop_recalling_the_others(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = _drop(settings, FIRST)
    _work(settings, "worker-a")
    _correct(sessions, settings, _document(sessions, FIRST).id, _seller_fixed(first))
    taught = _memories_of(sessions)
    assert len(taught) == 2  # the name and the address
    with transaction(sessions) as session:
        broken = LayoutMemory(
            doc_type="invoice",
            sender="tax:0101243150",
            path="total",
            layout={"words": "not a layout"},
            learned_by="rita",
        )
        session.add(broken)
        # Counted as any change is, so workers do read it.
        session.execute(update(MemoryChanges).values(changes=MemoryChanges.changes + 1))
    with sessions() as session:
        assert [m.id for m in memories.live_memories(session)] == [m.id for m in taught]


def test_a_long_reviewer_name_is_cut_to_fit(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = _drop(settings, FIRST)
    _work(settings, "worker-a")
    document_id = _document(sessions, FIRST).id
    _correct(sessions, settings, document_id, _seller_fixed(first))
    name = "r" * 400  # an account named by a directory without the column's limit
    with transaction(sessions) as session:
        document = session.get_one(Document, document_id)
        address = first.fields["seller"]["address"]
        [learned] = memories.learn_from_correction(
            session, document=document, changed={"seller.address": address}, actor=name
        )
    assert learned.learned_by == name[:255]
    [memory] = _memories_of(sessions, "seller.address")
    assert memory.learned_by == name[:255]
    learned_address = _events(sessions, "memory_learned", "seller.address")
    assert [e.actor for e in learned_address] == ["rita", name[:255]]


def _at_once(*actions: Callable[[], object]) -> None:
    """Run `actions` in threads released together, and fail with what any of them raised.
    They meet before a transaction opens: SQLite's BEGIN IMMEDIATE would otherwise hold one
    at the door while the other waits at the meeting point for it."""
    start = threading.Barrier(len(actions))
    failures: list[BaseException] = []

    def run(action: Callable[[], object]) -> None:
        try:
            start.wait(timeout=30)
            action()
        except BaseException as exc:  # reported by the test thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []


def _pages(*pages: list[str]) -> ParsedDocument:
    """A document as its reader gives it: each page's lines, one under the other."""
    read = []
    for number, lines in enumerate(pages, start=1):
        rows = []
        for index, text in enumerate(lines):
            words, x, y = [], 50.0, 60.0 + 20 * index
            for token in text.split():
                words.append(Word(token, (x, y, x + 6 * len(token), y + 10), number))
                x += 6 * len(token) + 4
            rows.append(Line(tuple(words), number))
        read.append(Page(number, 600, 800, rows))
    return ParsedDocument("application/pdf", read, "en")


def test_values_printed_deep_in_a_long_contract_and_a_yes_no_answer_are_learned(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    # A contract's term and governing law sit pages into its body; the words of only its
    # first pages were kept, so a correction of them taught nothing. A yes/no the reviewer
    # answers is learned from the answer word the page prints.
    _drop(settings, FIRST)
    _work(settings, "worker-a")
    body = [f"Clause {n} of the agreement between the parties" for n in range(1, 12)]
    contract = _pages(
        ["SERVICE AGREEMENT", "Harrow Finch Consulting LLP", *body],
        *[body] * 6,
        [*body, "Governing law: England and Wales", "Automatic renewal: Yes"],
    )
    with transaction(sessions) as session:
        document = session.get_one(Document, _document(sessions, FIRST).id)
        document.doc_type = "contract"
        memories.store_layout(
            session, document_id=document.id, doc_type="contract", document=contract
        )
        learned = memories.learn_from_correction(
            session,
            document=document,
            changed={"governing_law": "England and Wales", "auto_renewal": True},
            actor="rita",
        )

    assert {row.path: (row.field or {}).get("page") for row in learned} == {
        "governing_law": 8,
        "auto_renewal": 8,
    }
