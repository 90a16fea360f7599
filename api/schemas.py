"""The API's response and request models."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from extractors.record import Record, RecordError, Source
from pipeline.models import Document, DocumentStatus, JournalEntry

T = TypeVar("T")
# Money leaves the API as a decimal string without grouping, as SCHEMA.md fixes it.
MoneyOut = Annotated[
    Decimal, PlainSerializer(lambda v: format(v.normalize(), "f"), return_type=str)
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class DocumentSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    relative_path: str
    status: DocumentStatus
    doc_type: str | None
    language: str | None
    media_type: str
    size: int
    sha256: str
    received_at: datetime
    error: RecordError | None
    duplicate_count: int

    @classmethod
    def of(cls, document: Document) -> DocumentSummary:
        return cls(
            id=document.id,
            filename=document.filename,
            relative_path=document.relative_path,
            status=document.status,
            doc_type=document.doc_type,
            language=document.language,
            media_type=document.media_type,
            size=document.size,
            sha256=document.sha256,
            received_at=document.received_at,
            error=_error(document),
            duplicate_count=len(document.duplicates),
        )


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    kind: str
    data: dict[str, Any]


class DuplicateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    filename: str
    relative_path: str
    received_at: datetime


class DocumentDetail(Record):
    """The SCHEMA.md record of the document, plus its state in the service."""

    id: int
    status: DocumentStatus
    version: int
    received_at: datetime
    relative_path: str
    history: list[EventOut]
    duplicates: list[DuplicateOut]

    @classmethod
    def of(cls, document: Document) -> DocumentDetail:
        if document.record is not None:
            record = Record.model_validate(document.record)
        else:
            record = Record(
                source=Source(
                    filename=document.filename,
                    sha256=document.sha256,
                    media_type=document.media_type,
                )
            )
        return cls(
            **record.model_dump(exclude={"error"}),
            error=_error(document) or record.error,
            id=document.id,
            status=document.status,
            version=document.version,
            received_at=document.received_at,
            relative_path=document.relative_path,
            history=[EventOut.model_validate(e) for e in document.events],
            duplicates=[DuplicateOut.model_validate(d) for d in document.duplicates],
        )


def _error(document: Document) -> RecordError | None:
    if document.error_code is None:
        return None
    return RecordError.model_validate(
        {"code": document.error_code, "message": document.error_message or ""}
    )


class RejectRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why the document is rejected.")


class JournalLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    account: str
    debit: MoneyOut
    credit: MoneyOut
    description: str
    counterparty_tax_id: str | None


class JournalEntryOut(BaseModel):
    id: int
    document_id: int
    posted_at: datetime
    currency: str
    memo: str
    lines: list[JournalLineOut]

    @classmethod
    def of(cls, entry: JournalEntry) -> JournalEntryOut:
        return cls(
            id=entry.id,
            document_id=entry.document_id,
            posted_at=entry.posted_at,
            currency=entry.currency,
            memo=entry.memo,
            lines=[JournalLineOut.model_validate(line) for line in entry.lines],
        )
