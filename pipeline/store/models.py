"""Database models: documents, the job queue, the audit trail, duplicates, journal entries,
the registers, what reviewers' corrections taught, and the people and systems allowed to use
the API."""

from __future__ import annotations

import enum
import hashlib
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
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


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
    # The file's bytes; for a further part of a file holding several documents, a key of
    # its own derived from the file's (`part_key`), the bytes being the file's
    # (`file_sha256`).
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
    invoice_content_key: Mapped[str | None] = mapped_column(String(160), default=None, index=True)
    superseded_by_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # The earlier document holding the same invoice (same key, in any format; or, probably,
    # same seller, date and total where a number was not read), when this one is a second
    # copy; null for the original. Set under the invoice key's lock.
    duplicate_of_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # Review queue order, highest first: 2 when an error rule fails, +1 when a rule flags it
    # urgent (see pipeline/review/checking.py).
    review_priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Copies of record values the review queue filters on, set whenever the rules run on the
    # record (processing, correction, reopening), so that the filters are plain indexed
    # columns rather than JSON paths: the lowest field confidence, the seller (name folded
    # for case-insensitive search), and the record's own date (issue or signing date).
    min_confidence: Mapped[float | None] = mapped_column(Float, default=None)
    seller_name_folded: Mapped[str | None] = mapped_column(String(1024), default=None)
    seller_tax_id: Mapped[str | None] = mapped_column(String(32), default=None)
    record_date: Mapped[date | None] = mapped_column(Date, default=None)
    # Who sent it, as layout memories key a sender (`extractors.memory.sender_of`): set
    # whenever the rules run on the record, so a sender's documents are one indexed lookup.
    sender: Mapped[str | None] = mapped_column(String(300), default=None, index=True)
    # The type a reviewer chose: the worker extracts with it instead of classifying.
    forced_type: Mapped[str | None] = mapped_column(String(20), default=None)
    # A file holding several documents (a stack scanned into one PDF): each is the
    # `part_index`-th of `part_count`, on the file's pages `first_page` to `last_page`. The
    # first part is the file's own document; each further part is a document of its own,
    # made once by the worker that read the file, with `source_document_id` naming the
    # file's document and `file_sha256` its bytes. All null for a file holding one document.
    source_document_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    file_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    part_index: Mapped[int | None] = mapped_column(Integer, default=None)
    part_count: Mapped[int | None] = mapped_column(Integer, default=None)
    first_page: Mapped[int | None] = mapped_column(Integer, default=None)
    last_page: Mapped[int | None] = mapped_column(Integer, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The words search finds the document by, folded (see pipeline/review/search.py): its
    # name and record's values, then the words of its pages. Indexed for full-text search
    # by an FTS5 table on SQLite; on PostgreSQL, by a GIN index on a generated `tsvector`
    # column beside it, `search_vector`, which only migration 0017 and search's queries
    # know (SQLite has no such column). Deferred: only search itself reads it.
    search_text: Mapped[str | None] = mapped_column(Text, default=None, deferred=True)

    # Who uploaded it through the API (a user's or a token's name); null for files from the
    # shared folder, which belong to no clerk.
    uploaded_by: Mapped[str | None] = mapped_column(String(255), default=None, index=True)

    events: Mapped[list[AuditEvent]] = relationship(
        back_populates="document", order_by="AuditEvent.id"
    )
    duplicates: Mapped[list[DuplicateDrop]] = relationship(
        back_populates="document", order_by="DuplicateDrop.id"
    )
    rule_checks: Mapped[list[RuleCheck]] = relationship(
        back_populates="document", order_by="RuleCheck.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def blob_sha256(self) -> str:
        """Where its bytes are in the blob store: the file's, for a part of a file."""
        return self.file_sha256 or self.sha256


def part_key(file_sha256: str, index: int) -> str:
    """The `sha256` of the `index`-th part of a file: one value per part, so a part made
    twice collides with itself."""
    return hashlib.sha256(f"{file_sha256}:part:{index}".encode()).hexdigest()


# A retried job finds the parts an earlier try made instead of making them again.
Index("uq_documents_source_part", Document.source_document_id, Document.part_index, unique=True)
# The review queue's order (priority high to low, then oldest), as one ascending key so a
# cursor is a row-value range of the index; and the filters a plain queue scan is slow for.
Index("ix_documents_review_queue", Document.status, -Document.review_priority, Document.id)
Index("ix_documents_queue_confidence", Document.status, Document.min_confidence)
Index("ix_documents_seller_tax_id", Document.seller_tax_id)
# The record's date filter (issue or signing date): a month of it is a few percent of the
# documents, which walking them newest first (as a search's list does) would take long to find.
Index("ix_documents_record_date", Document.record_date)
Index(
    "ix_documents_seller_name_trgm",
    Document.seller_name_folded,
    postgresql_using="gin",
    postgresql_ops={"seller_name_folded": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")


class DocumentLayout(Base):
    """The words of a document as the worker read them (pages, lines, boxes, confidences),
    zlib-compressed JSON: a correction is learned from them in the request that makes it,
    without reading or OCR-ing the file again."""

    __tablename__ = "document_layouts"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    pages: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)


class LayoutMemory(Base):
    """Where a sender's layout prints a field (`field`, for `path`), or the type reviewers
    gave its documents (`doc_type_as`, no path), as `extractors.memory.Memory` describes.
    One row per doc type, sender, path and layout: learning again on a like layout updates
    the row, under the sender's lock (see pipeline/review/memories.py)."""

    __tablename__ = "memories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20))
    sender: Mapped[str] = mapped_column(String(300))
    path: Mapped[str | None] = mapped_column(String(200), default=None)
    layout: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    field: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, default=None)
    doc_type_as: Mapped[str | None] = mapped_column(String(20), default=None)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    learned_from_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id"), default=None
    )
    learned_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    times_used: Mapped[int] = mapped_column(Integer, default=0)
    times_corrected_again: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_memories_doc_type_sender", "doc_type", "sender"),)


class MemoryChanges(Base):
    """One row counting every change to what workers recall (a memory learned, worn,
    forgotten): bumped in the transaction making the change, so a worker's cache of live
    memories is stale exactly when the count moved, whatever the hosts' clocks say."""

    __tablename__ = "memory_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changes: Mapped[int] = mapped_column(Integer, default=0)


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
    # When the job is due: `available_at` plus what its kind is expected to cost. Jobs are
    # claimed in this order, so cheap work goes first and costly work waits at most its
    # own cost behind any stream of cheap work (see pipeline/jobs/queue.py).
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An `ocr_page` job: the page of the document it reads, and the job that waits for it.
    page: Mapped[int | None] = mapped_column(Integer, default=None)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), default=None, index=True)

    __table_args__ = (
        Index("ix_jobs_claim", "state", "available_at"),
        Index("ix_jobs_due", "state", "due_at"),
    )


class PageReading(Base):
    """One page of a file as OCR read it (words, boxes, confidences; zlib-compressed JSON),
    stored by the page job that read it, so the document's own job assembles the document
    without reading the page again. Keyed by the reader's version too: a reading made by
    other OCR code or settings is not taken. Deleted once the document's record is stored."""

    __tablename__ = "page_readings"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    page: Mapped[int] = mapped_column(Integer, primary_key=True)
    reader: Mapped[str] = mapped_column(String(64), primary_key=True)
    reading: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """The append-only audit trail: what happened, when, by whom, from which client. Events
    about a document carry its id (its history); logins, tokens and users carry none. Nothing
    updates or deletes a row: the API has no such route, and database triggers refuse it."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id"), default=None, index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # A user's name, `token:<name>` for an API token, or a part of the service (`ingest`).
    actor: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    # Changes as {"old": …, "new": …}: per field under "fields", a decision under "status".
    data: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    client_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    user_agent: Mapped[str | None] = mapped_column(String(512), default=None)

    document: Mapped[Document | None] = relationship(back_populates="events")

    # Failed logins per username and per client are counted here (the login rate limit).
    __table_args__ = (Index("ix_audit_events_kind_client_at", "kind", "client_ip", "at"),)


# The pipeline writes a document's history through this name; it is the same table.
DocumentEvent = AuditEvent


class VoucherCounter(Base):
    """The last number given per prefix and year (voucher numbers, letters' arrival numbers),
    locked while the next is taken (see pipeline/ledger/counters.py)."""

    __tablename__ = "voucher_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class AccountingPeriod(Base):
    """A month of the books. Open unless closed; a month's row is also what a posting into it
    locks, so a month cannot close under an approval posting into it (pipeline/ledger/
    periods.py)."""

    __tablename__ = "accounting_periods"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime | None] = mapped_column(default=None)
    changed_by: Mapped[str | None] = mapped_column(String(255), default=None)


class Supplier(Base):
    """The company's master data of a supplier, by tax code: its code in the accounting
    software, name, default expense account and payment terms. Made uncoded from the first
    approved invoice of a new seller, for an accountant to code (pipeline/ledger/suppliers.py)."""

    __tablename__ = "suppliers"

    tax_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(400))
    default_account: Mapped[str | None] = mapped_column(String(16), default=None)
    payment_terms_days: Mapped[int | None] = mapped_column(Integer, default=None)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(255))


class ExchangeRate(Base):
    """A day's rate of a currency in đồng, as a bank published it (imported) or an accountant
    entered it; each kind the bank quotes (cash buying, transfer buying, selling) its own row.
    Which kind the company books purchases at is a setting (pipeline/ledger/rates.py)."""

    __tablename__ = "exchange_rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(20, 6))
    source: Mapped[str] = mapped_column(String(60))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    entered_by: Mapped[str] = mapped_column(String(255))


class PortalInvoice(Base):
    """A purchase invoice as the tax authority's e-invoice portal lists it, from the list an
    accountant exported there and imported (pipeline/ledger/portal.py); a later import of the
    same invoice updates it (its status changes when it is cancelled, replaced or adjusted)."""

    __tablename__ = "portal_invoices"

    # Seller tax code | series | number, normalised as our invoices' are.
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    seller_tax_id: Mapped[str] = mapped_column(String(32))
    seller_name: Mapped[str | None] = mapped_column(String(1024), default=None)
    invoice_form: Mapped[str | None] = mapped_column(String(8), default=None)
    invoice_series: Mapped[str] = mapped_column(String(16))
    invoice_number: Mapped[str] = mapped_column(String(16))
    issue_date: Mapped[date] = mapped_column(Date, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal | None] = mapped_column(Numeric(20, 4), default=None)
    vat_amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 4), default=None)
    total: Mapped[Decimal | None] = mapped_column(Numeric(20, 4), default=None)
    # new, replacement, adjustment, replaced, adjusted or cancelled; as printed beside it.
    status: Mapped[str] = mapped_column(String(16))
    status_text: Mapped[str | None] = mapped_column(String(255), default=None)
    check_result: Mapped[str | None] = mapped_column(String(255), default=None)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(255))


class PortalFlag(Base):
    """The portal marks one of our invoices cancelled, replaced or adjusted: it may not post
    until a reviewer decides (clears the flag with a reason). One row per document and portal
    status, so a decision on `adjusted` does not clear a later `cancelled`."""

    __tablename__ = "portal_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    portal_key: Mapped[str] = mapped_column(String(120))
    portal_status: Mapped[str] = mapped_column(String(16))
    flagged_at: Mapped[datetime] = mapped_column(default=utcnow)
    flagged_by: Mapped[str] = mapped_column(String(255))
    cleared_at: Mapped[datetime | None] = mapped_column(default=None)
    cleared_by: Mapped[str | None] = mapped_column(String(255), default=None)
    clear_reason: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (UniqueConstraint("document_id", "portal_status"),)


class FeedStream(enum.StrEnum):
    """The feeds other systems pull, each in the order its items were committed."""

    ENTRIES = "entries"
    CONTRACTS = "contracts"
    CANDIDATES = "candidates"
    CORRESPONDENCE = "correspondence"


class FeedCounter(Base):
    """The last position in a feed, locked while the next is taken (pipeline/ledger/feed.py)."""

    __tablename__ = "feed_counters"

    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_position: Mapped[int] = mapped_column(BigInteger, default=0)


class FeedItem(Base):
    """An item's place in a feed: positions are gap-free and follow commit order, so a
    cursor over them never passes an item that a slower transaction commits later."""

    __tablename__ = "feed_items"
    __table_args__ = (UniqueConstraint("stream", "item_id", name="uq_feed_items_stream_item"),)

    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedAck(Base):
    """A consumer's word that it has taken (stored) the item at a position of a feed: what a
    system has not acknowledged is what it may still be missing. Acks are only ever added."""

    __tablename__ = "feed_acks"

    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    # The principal that took it, as the audit trail names it (`token:erp`, a user's name).
    consumer: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    acked_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookCursor(Base):
    """How far the webhook has been told about a feed. The feed itself is the outbox: its
    items are written in the transaction that posts them, in commit order, so notifying
    everything after this position misses nothing and needs no second write there."""

    __tablename__ = "webhook_cursors"

    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    delivered_position: Mapped[int] = mapped_column(BigInteger, default=0)
    # Failed attempts at the next notification, and when to try it again (back-off).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)


class IdempotencyKey(Base):
    """The first answer to a POST sent with an `Idempotency-Key`, replayed to its repeats
    (see api/idempotency.py). While the first request runs, `status_code` is null."""

    __tablename__ = "idempotency_keys"

    principal: Mapped[str] = mapped_column(String(255), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # SHA-256 of the method, path and body: the same key on another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    media_type: Mapped[str | None] = mapped_column(String(255), default=None)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class JournalEntry(Base):
    """A posted double entry. Never updated or deleted (PostgreSQL and SQLite triggers refuse
    it): a mistake is undone by a reversing entry, which `reverses_id` links to the one it
    cancels."""

    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    # `PN2026/000123`: gap-free per prefix and year (see pipeline/ledger/posting.py).
    voucher_number: Mapped[str] = mapped_column(String(20), unique=True)
    # The accounting (posting) date, in an open period: the approval day, or the invoice's
    # date when `BACKOFFICE_POSTING_DATE=document` and its month is open (pipeline/ledger/
    # periods.py). The voucher number follows its year.
    entry_date: Mapped[date] = mapped_column(Date, index=True)
    # The invoice's issue date, whatever the period it posted in; null on no entry (those
    # posted before periods were kept were posted on it: their entry_date).
    document_date: Mapped[date | None] = mapped_column(Date, index=True, default=None)
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    currency: Mapped[str] = mapped_column(String(3))
    # VND per unit of `currency`; null on entries posted before amounts were kept in VND.
    exchange_rate: Mapped[Decimal | None] = mapped_column(Numeric(20, 6), default=None)
    # Where the rate came from: `invoice` (printed on it), or the rate table's day, kind and
    # source (`table 2026-03-05 sell VCB`) when the invoice printed none; null for VND.
    exchange_rate_source: Mapped[str | None] = mapped_column(String(120), default=None)
    memo: Mapped[str] = mapped_column(Text)
    invoice_form: Mapped[str | None] = mapped_column(String(8), default=None)
    invoice_series: Mapped[str | None] = mapped_column(String(16), default=None)
    invoice_number: Mapped[str | None] = mapped_column(String(32), default=None)
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id"), unique=True, default=None
    )
    # The invoice's purchases by expense account and VAT rate, each with its taxable base and
    # VAT (pipeline/ledger/journal.py VatShare), for the purchase register and the MISA file: a
    # rate that charges no VAT (0%, KCT) has no VAT line to carry it. A reversal repeats its
    # original's. Null on entries posted before it was kept (0020): their bases are not known.
    vat_analysis: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonColumn, default=None)

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
    # On an input VAT line, the rate of the VAT it carries (`10`, `8`, `KHAC:5.5`, as the
    # record states rates); null on other lines, and on VAT lines whose rate was not stated.
    vat_rate: Mapped[str | None] = mapped_column(String(16), default=None)

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")


class RegisterRow:
    """What every register row has. Rows are append-only: approving a reopened document
    again appends its next `version`, which `supersedes` the earlier row and is published
    again; the document's row in force is the one nothing supersedes (see
    pipeline/ledger/registers.py)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_by: Mapped[str] = mapped_column(String(255))
    # A version appended when the document left the approved state (reopened): the register
    # no longer holds it in force until it is approved again.
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)

    @declared_attr
    def supersedes_id(cls) -> Mapped[int | None]:
        return mapped_column(
            ForeignKey(f"{cls.__tablename__}.id"),  # type: ignore[attr-defined]
            unique=True,
            default=None,
        )


class ContractRegisterRow(RegisterRow, Base):
    """The contract register (sổ theo dõi hợp đồng)."""

    __tablename__ = "contract_register"
    __table_args__ = (
        UniqueConstraint("document_id", "version", name="uq_contract_register_document_version"),
    )

    # The day the contract entered the register (its first approval, in Vietnam).
    registered_on: Mapped[date] = mapped_column(Date, index=True)
    contract_number: Mapped[str | None] = mapped_column(String(120), default=None)
    title: Mapped[str | None] = mapped_column(Text, default=None)
    # [{"role": "party_a", "name": …, "tax_id": …}, …] in the order the contract names them.
    parties: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn, default=list)
    value: Mapped[Decimal | None] = mapped_column(Numeric(20, 4), default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    signing_date: Mapped[date | None] = mapped_column(Date, default=None)
    effective_date: Mapped[date | None] = mapped_column(Date, default=None)
    expiry_date: Mapped[date | None] = mapped_column(Date, default=None)
    auto_renewal: Mapped[bool] = mapped_column(Boolean, default=False)
    # When someone should act before the contract lapses: the expiry date less the lead time
    # in force when it was registered (`BACKOFFICE_CONTRACT_REMINDER_DAYS`).
    reminder_date: Mapped[date | None] = mapped_column(Date, default=None, index=True)


class CandidateRegisterRow(RegisterRow, Base):
    """The candidate register, from approved CVs. Personal data is kept only until
    `retain_until`; then the purge blanks it and stamps `anonymised_at`. A national ID number
    is never here: the record itself only says whether the CV showed one."""

    __tablename__ = "candidate_register"
    __table_args__ = (
        UniqueConstraint("document_id", "version", name="uq_candidate_register_document_version"),
    )

    registered_on: Mapped[date] = mapped_column(Date, index=True)
    full_name: Mapped[str | None] = mapped_column(String(255), default=None)
    email: Mapped[str | None] = mapped_column(String(255), default=None)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    location: Mapped[str | None] = mapped_column(Text, default=None)
    date_of_birth: Mapped[date | None] = mapped_column(Date, default=None)
    skills: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    languages: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    years_of_experience: Mapped[float | None] = mapped_column(Float, default=None)
    latest_title: Mapped[str | None] = mapped_column(String(255), default=None)
    latest_employer: Mapped[str | None] = mapped_column(String(255), default=None)
    retain_until: Mapped[date] = mapped_column(Date, index=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(default=None)


class CorrespondenceRegisterRow(RegisterRow, Base):
    """The register of incoming official letters (sổ công văn đến). `arrival_number` (số
    đến) counts the letters arrived in `year` from 1, without gaps or repeats; the versions
    of one letter share its number."""

    __tablename__ = "correspondence_register"
    __table_args__ = (
        UniqueConstraint(
            "document_id", "version", name="uq_correspondence_register_document_version"
        ),
        UniqueConstraint(
            "year", "arrival_number", "version", name="uq_correspondence_register_number"
        ),
    )

    year: Mapped[int] = mapped_column(Integer)
    arrival_number: Mapped[int] = mapped_column(Integer)
    arrival_date: Mapped[date] = mapped_column(Date, index=True)
    issuer: Mapped[str | None] = mapped_column(Text, default=None)
    dispatch_number: Mapped[str | None] = mapped_column(String(120), default=None)
    issue_date: Mapped[date | None] = mapped_column(Date, default=None)
    subject: Mapped[str | None] = mapped_column(Text, default=None)
    urgency: Mapped[str | None] = mapped_column(String(20), default=None)
    # The unit a reviewer hands the letter to; null until one is named.
    handling_unit: Mapped[str | None] = mapped_column(String(255), default=None)
    reply_deadline: Mapped[date | None] = mapped_column(Date, default=None)


class Role(enum.StrEnum):
    CLERK = "clerk"  # uploads, sees own uploads
    REVIEWER = "reviewer"  # corrects, approves, rejects
    APPROVER = "approver"  # second approval above a threshold
    ACCOUNTANT = "accountant"  # reads and acknowledges journal entries and the registers
    ADMIN = "admin"  # users, settings, rules; may do everything


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # argon2id, with its parameters and salt in the string.
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A system's credential: one role, shown once, kept only as the SHA-256 of a 256-bit
    random secret (a slow hash adds nothing against guessing at that entropy, and would cost
    every request)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255))
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # Past it the token is refused like a revoked one; None: until revoked.
    expires_at: Mapped[datetime | None] = mapped_column(default=None)


class LoginSession(Base):
    """A browser's signed-in session: the cookie holds a random secret, the row its SHA-256,
    so logging out or disabling the user ends it at once on every worker."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    client_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    user_agent: Mapped[str | None] = mapped_column(String(512), default=None)

    user: Mapped[User] = relationship()


class SavedView(Base):
    """A set of search words and filters a person keeps under a name, to narrow the queue the
    same way again; each person sees and deletes only their own."""

    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The principal's name, as the audit trail names it (a user's name, `token:<name>`).
    owner: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120))
    # The query parameters the queue takes: {"q": "hoa don", "type": "invoice", …}.
    filters: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("owner", "name", name="uq_saved_views_owner_name"),)


class WorkerBeat(Base):
    """A worker process saying it is alive: each updates its own row every few seconds, so
    readiness can tell live workers from ones that died or cannot reach the database."""

    __tablename__ = "worker_beats"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
