"""Approval and posting: an approved invoice becomes a balanced journal entry, once.

Cross-domain work (documents → entries) lives here, not in either domain's services.
Callers own the transaction; the document's version column makes a concurrent second
approval fail at commit instead of posting twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from extractors.record import InvoiceFields
from pipeline import journal
from pipeline.audit import change
from pipeline.documents import InvalidTransition, get_document
from pipeline.models import (
    Document,
    DocumentEvent,
    DocumentStatus,
    JournalEntry,
    JournalLine,
)


class NotPostable(Exception):
    """The invoice cannot become a balanced entry as it stands; it needs correcting first."""


def approve(session: Session, *, document_id: int, actor: str) -> Document:
    document = get_document(session, document_id=document_id)
    if document.status is not DocumentStatus.REVIEW:
        raise InvalidTransition(document, "approve")
    document.status = DocumentStatus.APPROVED
    session.add(
        DocumentEvent(
            document_id=document.id,
            actor=actor,
            kind="approved",
            data={"status": change(DocumentStatus.REVIEW, DocumentStatus.APPROVED)},
        )
    )
    if document.doc_type == "invoice":
        post_invoice(session, document=document, actor=actor)
    return document


def post_invoice(session: Session, *, document: Document, actor: str) -> JournalEntry:
    record = document.record or {}
    try:
        fields = InvoiceFields.model_validate(record.get("fields") or {})
        draft = journal.build_entry(fields)
    except (ValidationError, journal.JournalError) as exc:
        raise NotPostable(f"invoice {document.id} cannot be posted: {exc}") from exc
    entry = JournalEntry(
        document_id=document.id,
        currency=draft.currency,
        memo=draft.memo,
        lines=[
            JournalLine(
                account=line.account,
                debit=line.debit,
                credit=line.credit,
                description=line.description,
                counterparty_tax_id=line.counterparty_tax_id,
            )
            for line in draft.lines
        ],
    )
    session.add(entry)
    session.flush()
    previous, document.status = document.status, DocumentStatus.POSTED
    session.add(
        DocumentEvent(
            document_id=document.id,
            actor=actor,
            kind="posted",
            data={"entry_id": entry.id, "status": change(previous, DocumentStatus.POSTED)},
        )
    )
    return entry


def list_entries(
    session: Session, *, after_id: int | None = None, limit: int = 100
) -> Sequence[JournalEntry]:
    query = select(JournalEntry).options(selectinload(JournalEntry.lines))
    if after_id is not None:
        query = query.where(JournalEntry.id > after_id)
    return session.scalars(query.order_by(JournalEntry.id).limit(limit)).all()
