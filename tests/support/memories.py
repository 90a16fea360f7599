"""Layout memories learned as the service learns them: a generated invoice dropped in the
inbox and read by the real worker (which keeps the words it read), two of its values then
stored misread, a reviewer's correction of them learned in the correction's transaction, and a
fresh copy of the same PDF read by the worker with the live memories."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from extractors.memory import get_path
from pipeline.jobs.processing import rule_book
from pipeline.jobs.worker import Worker
from pipeline.review import checking, memories
from pipeline.store.db import transaction
from pipeline.store.models import Document
from pipeline.store.settings import Settings
from tests.docgen import catalogue
from tests.support.documents import drop

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


def grid_invoice() -> bytes:
    return catalogue.BY_ID[GRID].make(700).content


def read_by_worker(
    settings: Settings, sessions: sessionmaker[Session], name: str, content: bytes
) -> int:
    """The file dropped in the inbox, ingested and read by a worker."""
    document_id = drop(settings, sessions, name, content)
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == 1
    finally:
        worker.close()
    return document_id


def _correct(
    settings: Settings,
    sessions: sessionmaker[Session],
    document_id: int,
    *,
    to: str | None,
    actor: str,
) -> None:
    """Set both parties' addresses: to `to`, or (None) to what the invoice prints."""
    made = catalogue.BY_ID[GRID].make(700)
    with transaction(sessions) as session:
        document = session.get_one(Document, document_id)
        fields = (document.record or {})["fields"]
        checking.correct_fields(
            session,
            document=document,
            version=document.version,
            changes={
                party: fields[party] | {"address": to or get_path(made.fields, f"{party}.address")}
                for party in ("seller", "buyer")
            },
            rules=rule_book(settings).current(),
            actor=actor,
        )


def teach(settings: Settings, sessions: sessionmaker[Session]) -> Taught:
    """The grid invoice with its two addresses misread, which a reviewer corrects; a fresh
    copy of it is then read by the two memories learned."""
    corrected_id = read_by_worker(settings, sessions, "grid.pdf", grid_invoice())
    # As if the generic reader had got them wrong: nothing is learned from a value that is not
    # printed on the page.
    _correct(settings, sessions, corrected_id, to="Số 1 đường Sai", actor="misreading")
    _correct(settings, sessions, corrected_id, to=None, actor=REVIEWER)
    # The same PDF sent again: new bytes (a trailing line), so not a duplicate of the first.
    learned_id = read_by_worker(settings, sessions, "grid-copy.pdf", grid_invoice() + b"\n")
    with sessions() as session:
        sender = session.scalars(select(Document.sender).where(Document.id == corrected_id)).one()
        assert sender is not None
        learned = memories.list_memories(session, sender=sender)
    return Taught(
        corrected_id=corrected_id,
        learned_id=learned_id,
        memory_ids={row.path or "": row.id for row in learned},
        sender=sender,
    )
