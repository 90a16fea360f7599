"""A layout memory learned the way the service learns one: a generated invoice read with the
real readers and extractors and stored as the worker stores it (record, rules, the words it
was read as) with two values misread, a reviewer's correction of them learned from those
words, and a fresh copy of the same PDF read again with the live memories, whose values the
memories now read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from extractors.memory import get_path, sender_of, set_path
from extractors.readers import reader_for
from extractors.service import extract_file
from extractors.sniff import sniff_media_type
from pipeline.intake.blobs import BlobStore
from pipeline.jobs.processing import check_record, rule_book
from pipeline.review import checking, memories
from pipeline.store.db import transaction
from pipeline.store.models import Document, DocumentStatus, Job
from pipeline.store.settings import Settings
from tests.docgen import catalogue
from tests.support.documents import file_row

# A layout the generic reader is unsure of (parties side by side in a grid): its addresses are
# read below corroborated confidence, so a memory's reading of them is used.
GRID = "invoice/vi/more:vi_party_grid"
CORRECTED = ("seller.address", "buyer.address")
REVIEWER = "rita"


@dataclass(frozen=True)
class Taught:
    corrected_id: int  # the document the reviewer corrected, which the memories were learned on
    learned_id: int  # a fresh copy of it, read with the memories
    memory_ids: dict[str, int]  # by field path
    sender: str


def read_as_worker(
    settings: Settings,
    sessions: sessionmaker[Session],
    name: str,
    content: bytes,
    *,
    received_at: datetime | None = None,
    misread: Mapping[str, str] | None = None,
) -> int:
    """The document as the worker leaves it: read with the memories live now (`misread`
    values put in place of what was read), its rules run, its words kept to learn from; its
    original stored, so the review page shows it."""
    path = settings.data_dir / "read" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    limits = settings.read_limits
    with reader_for(sniff_media_type(content[:4096]), path) as reader:
        words = reader.read(path, limits=limits)
    with transaction(sessions) as session:
        record = extract_file(path, limits=limits, memories=memories.live_memories(session))
        for field_path, value in (misread or {}).items():
            set_path(record.fields, field_path, value)
        check_record(record, settings=settings)
        document = file_row(
            name,
            status=DocumentStatus.PROCESSING,
            received_at=received_at or datetime.now(UTC),
        )
        session.add(document)
        session.flush()
        session.add(Job(document_id=document.id))
        checking.settle(
            session,
            document=document,
            record=record,
            rules=rule_book(settings).current(),
            settings=settings,
            actor="worker",
        )
        memories.store_layout(session, document_id=document.id, document=words)
        # Who sent it, as memories key a sender (the worker's reading keeps it with the record).
        document.sender = sender_of(record.doc_type or "", record.fields)
        blob = BlobStore(settings.resolved_blob_dir).path_for(document.sha256)
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(content)
        return document.id


def teach(settings: Settings, sessions: sessionmaker[Session]) -> Taught:
    """The grid invoice read with its two addresses wrong, which a reviewer corrects; a fresh
    copy of it is then read by the two memories learned."""
    made = catalogue.BY_ID[GRID].make(700)
    start = datetime.now(UTC) - timedelta(minutes=10)
    corrected_id = read_as_worker(
        settings,
        sessions,
        "grid.pdf",
        made.content,
        received_at=start,
        misread=dict.fromkeys(CORRECTED, "Số 1 đường Sai"),
    )
    truth = {path: get_path(made.fields, path) for path in CORRECTED}
    with transaction(sessions) as session:
        document = session.get_one(Document, corrected_id)
        record_fields = document.record["fields"] if document.record else {}
        checking.correct_fields(
            session,
            document=document,
            version=document.version,
            changes={
                party: record_fields[party] | {"address": truth[f"{party}.address"]}
                for party in ("seller", "buyer")
            },
            rules=rule_book(settings).current(),
            actor=REVIEWER,
        )
        learned = memories.learn_from_correction(
            session, document=document, changed=truth, actor=REVIEWER
        )
        sender = document.sender
    assert sender is not None
    learned_id = read_as_worker(
        settings, sessions, "grid-copy.pdf", made.content, received_at=start + timedelta(minutes=1)
    )
    return Taught(
        corrected_id=corrected_id,
        learned_id=learned_id,
        memory_ids={row.path or "": row.id for row in learned},
        sender=sender,
    )
