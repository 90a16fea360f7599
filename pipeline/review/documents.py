"""Document services: queries and review decisions. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from extractors.errors import BackofficeError
from pipeline.lifecycle import InvalidTransition, transition
from pipeline.review import approval, search
from pipeline.store.models import Document, DocumentStatus, DuplicateDrop


class DocumentNotFound(BackofficeError):
    code = "document_not_found"
    http_status = 404

    def __init__(self, document_id: int) -> None:
        super().__init__(f"document {document_id} not found")
        self.document_id = document_id


def get_document(session: Session, *, document_id: int) -> Document:
    document = session.scalar(
        select(Document)
        .where(Document.id == document_id)
        .options(selectinload(Document.events), selectinload(Document.duplicates))
    )
    if document is None:
        raise DocumentNotFound(document_id)
    return document


def list_documents(
    session: Session,
    *,
    status: DocumentStatus | None = None,
    doc_type: str | None = None,
    uploaded_by: str | None = None,
    after_id: int | None = None,
    limit: int = 50,
    oldest_first: bool = False,
    filters: search.DocumentFilter | None = None,
) -> Sequence[Document]:
    """A page of documents, keyed by id so pages stay stable while new files arrive;
    narrowed by `filters` (search words among them) when given."""
    query = select(Document).options(selectinload(Document.duplicates))
    if filters is not None:
        query = search.narrow(query, filters=filters)
    if status is not None:
        query = query.where(Document.status == status)
    if doc_type is not None:
        query = query.where(Document.doc_type == doc_type)
    if uploaded_by is not None:
        query = query.where(Document.uploaded_by == uploaded_by)
    if after_id is not None:
        query = query.where(Document.id > after_id if oldest_first else Document.id < after_id)
    order = Document.id.asc() if oldest_first else Document.id.desc()
    return session.scalars(query.order_by(order).limit(limit)).all()


def count_documents(session: Session, *, status: DocumentStatus | None = None) -> int:
    query = select(func.count(Document.id))
    if status is not None:
        query = query.where(Document.status == status)
    return session.scalar(query) or 0


def count_duplicates(session: Session) -> int:
    return session.scalar(select(func.count(DuplicateDrop.id))) or 0


def reject(session: Session, *, document_id: int, actor: str, reason: str) -> Document:
    """Reject a document in review, one whose processing failed, or an invoice still
    awaiting its second approval (the first approval goes with it)."""
    document = get_document(session, document_id=document_id)
    rejectable = (DocumentStatus.REVIEW, DocumentStatus.FAILED)
    if document.status not in rejectable and not approval.is_awaiting_second(document):
        raise InvalidTransition(document, "reject")
    transition(session, document, "rejected", actor=actor, data={"reason": reason}, action="reject")
    return document
