"""Database models: documents, the job queue, history, duplicates and journal entries."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


# JSONB on PostgreSQL so later filters on record fields can be indexed.
JsonColumn = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JsonColumn}


class DocumentStatus(enum.StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    REVIEW = "review"
    APPROVED = "approved"
    POSTED = "posted"
    REJECTED = "rejected"
    FAILED = "failed"
    # A PDF view replaced by the e-invoice XML of the same invoice, its legal original.
    SUPERSEDED = "superseded"


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings: adding a state later needs no ALTER TYPE on PostgreSQL.
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(1024))
    relative_path: Mapped[str] = mapped_column(String(4096))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Where ingest moves the inbox file; `filed_at` stays null until that move is done, so a
    # restart after a crash recognises the same drop instead of calling it a duplicate.
    archive_path: Mapped[str] = mapped_column(String(4096))
    filed_at: Mapped[datetime | None] = mapped_column(default=None)

    status: Mapped[DocumentStatus] = mapped_column(
        _enum(DocumentStatus), default=DocumentStatus.RECEIVED, index=True
    )
    error_code: Mapped[str | None] = mapped_column(String(64), default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    doc_type: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    record: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, default=None)
    # Seller tax code | series | number: the same invoice arriving as PDF and as XML.
    invoice_key: Mapped[str | None] = mapped_column(String(120), default=None, index=True)
    # Seller tax code | number | issue date | total: finds a copy whose series was not read.
    invoice_content_key: Mapped[str | None] = mapped_column(
        String(160), default=None, index=True
    )
    superseded_by_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # The earlier document holding the same invoice (same key, same kind of file), when this
    # one is a second copy; null for the original. Set under the invoice key's lock.
    duplicate_of_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # Review queue order, highest first: 2 when an error rule fails, +1 when a rule flags it
    # urgent (see pipeline/checking.py).
    review_priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    events: Mapped[list[DocumentEvent]] = relationship(
        back_populates="document", order_by="DocumentEvent.id"
    )
    duplicates: Mapped[list[DuplicateDrop]] = relationship(
        back_populates="document", order_by="DuplicateDrop.id"
    )
    rule_checks: Mapped[list[RuleCheck]] = relationship(
        back_populates="document", order_by="RuleCheck.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_documents_review_queue", "status", "review_priority", "id"),)


class RuleCheck(Base):
    """The latest result of one rule on one document; replaced whenever the rules run again
    (after processing, a correction, before approval)."""

    __tablename__ = "rule_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    rule: Mapped[str] = mapped_column(String(120), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    passed: Mapped[bool] = mapped_column(Boolean)
    message: Mapped[str] = mapped_column(Text)
    # What the message names, as text: {"subtotal + vat_amount": "1080000", "total": "…"}.
    values: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    flag: Mapped[str | None] = mapped_column(String(32), default=None)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="rule_checks")

    __table_args__ = (
        UniqueConstraint("document_id", "rule", name="uq_rule_results_document_rule"),
    )


class DuplicateDrop(Base):
    """A later drop of bytes already held by a document: kept on record, not processed."""

    __tablename__ = "duplicate_drops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    filename: Mapped[str] = mapped_column(String(1024))
    relative_path: Mapped[str] = mapped_column(String(4096))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    archive_path: Mapped[str] = mapped_column(String(4096))
    filed_at: Mapped[datetime | None] = mapped_column(default=None)

    document: Mapped[Document] = relationship(back_populates="duplicates")


class Job(Base):
    """A unit of queued work. The database is the queue; a claim is a lease that expires."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="process")
    state: Mapped[JobState] = mapped_column(_enum(JobState), default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(255), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_jobs_claim", "state", "available_at"),)


class DocumentEvent(Base):
    """Append-only history of a document: what happened, when, by whom."""

    __tablename__ = "document_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)

    document: Mapped[Document] = relationship(back_populates="events")


class VoucherCounter(Base):
    """The last voucher number given per prefix and year, locked while the next is taken."""

    __tablename__ = "voucher_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class JournalEntry(Base):
    """A posted double entry. Never updated or deleted (PostgreSQL and SQLite triggers refuse
    it): a mistake is undone by a reversing entry, which `reverses_id` links to the one it
    cancels."""

    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    # `PN2026/000123`: gap-free per prefix and year (see pipeline/posting.py).
    voucher_number: Mapped[str] = mapped_column(String(20), unique=True)
    # The accounting date: the invoice's issue date; a reversal keeps its original's.
    entry_date: Mapped[date] = mapped_column(Date, index=True)
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    currency: Mapped[str] = mapped_column(String(3))
    # VND per unit of `currency`; null on entries posted before amounts were kept in VND.
    exchange_rate: Mapped[Decimal | None] = mapped_column(Numeric(20, 6), default=None)
    memo: Mapped[str] = mapped_column(Text)
    invoice_form: Mapped[str | None] = mapped_column(String(8), default=None)
    invoice_series: Mapped[str | None] = mapped_column(String(16), default=None)
    invoice_number: Mapped[str | None] = mapped_column(String(32), default=None)
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id"), unique=True, default=None
    )

    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.id", cascade="all, delete-orphan"
    )


class JournalLine(Base):
    __tablename__ = "journal_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    account: Mapped[str] = mapped_column(String(16))
    debit: Mapped[Decimal] = mapped_column(Numeric(20, 4), default=Decimal(0))
    credit: Mapped[Decimal] = mapped_column(Numeric(20, 4), default=Decimal(0))
    debit_vnd: Mapped[Decimal] = mapped_column(Numeric(20, 0), default=Decimal(0))
    credit_vnd: Mapped[Decimal] = mapped_column(Numeric(20, 0), default=Decimal(0))
    description: Mapped[str] = mapped_column(Text, default="")
    counterparty_tax_id: Mapped[str | None] = mapped_column(String(32), default=None)

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")

