"""Documents as the stages leave them, made through the real models and services: stored
for review (`add_document`), settled by the rules (`settle`, `add_checked`), ingested from
the inbox (`ingest_inbox`, `drop`); and the records and files they are made of."""

from __future__ import annotations

import io
import threading
import time
from datetime import UTC, date, datetime
from typing import Any

import pypdfium2 as pdfium
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from extractors.record import Record, Source
from pipeline.intake.watcher import scan
from pipeline.jobs.processing import rule_book
from pipeline.review import checking
from pipeline.services import build_ingestor
from pipeline.store.db import transaction
from pipeline.store.models import Document, DocumentStatus, Job
from pipeline.store.settings import Settings
from rules.functions import business_today

INVOICE_FIELDS = {
    "invoice_number": "0000123",
    "invoice_series": "C26TAA",
    "invoice_form": "1",
    "issue_date": "2026-03-05",
    "currency": "VND",
    "seller": {"name": "Công ty TNHH Minh Phát", "tax_id": "0101243150"},
    "buyer": {"name": "Công ty CP An Bình", "tax_id": "0312345678"},
    "subtotal": "1000000",
    "vat_amount": "80000",
    "total": "1080000",
    "vat_rate": "8",
}


def file_row(
    name: str,
    *,
    status: DocumentStatus,
    doc_type: str = "invoice",
    media_type: str = "application/pdf",
    **columns: Any,
) -> Document:
    """The row ingest makes for a 10-byte file `name`, filed in `.done/`, keyed by its name."""
    return Document(
        sha256=name.ljust(64, "0"),
        filename=name,
        relative_path=name,
        size=10,
        media_type=media_type,
        archive_path=f".done/{name}",
        status=status,
        doc_type=doc_type,
        **columns,
    )


def add_document(
    sessions: sessionmaker[Session],
    *,
    name: str,
    doc_type: str = "invoice",
    fields: dict | None = None,  # type: ignore[type-arg]
    status: DocumentStatus = DocumentStatus.REVIEW,
) -> int:
    record = {
        "source": {
            "filename": name,
            "sha256": name.ljust(64, "0"),
            "media_type": "application/pdf",
        },
        "doc_type": doc_type,
        "language": "vi",
        "fields": fields if fields is not None else INVOICE_FIELDS,
    }
    with sessions() as session, session.begin():
        document = file_row(name, status=status, doc_type=doc_type, record=record)
        session.add(document)
        session.flush()
        session.add(Job(document_id=document.id))
        return document.id


TODAY = business_today()


FIELDS: dict[str, Any] = {
    "invoice_number": "0000123",
    "invoice_series": f"C{TODAY.year % 100:02d}TAA",
    "invoice_form": "1",
    "issue_date": date(TODAY.year, TODAY.month, 1).isoformat(),
    "currency": "VND",
    "seller": {"name": "Công ty TNHH Minh Phát", "tax_id": "0101243150"},
    "buyer": {"name": "Công ty CP An Bình", "tax_id": "0100109106"},
    "line_items": [
        {"description": "Giấy A4", "quantity": "10", "unit_price": "100000", "amount": "1000000"}
    ],
    "subtotal": "1000000",
    "vat_amount": "100000",
    "total": "1100000",
    "vat_rate": "10",
    "amount_in_words": "Một triệu một trăm nghìn đồng",
}


def make_record(name: str, fields: dict[str, Any]) -> Record:
    return Record(
        source=Source(filename=name, sha256=name.ljust(64, "0"), media_type="application/pdf"),
        doc_type="invoice",
        language="vi",
        fields=fields,
        confidence=dict.fromkeys(
            ["invoice_number", "issue_date", "currency", "seller.name", "total"], 0.99
        ),
    )


def add_processing(sessions: sessionmaker[Session], name: str) -> int:
    with transaction(sessions) as session:
        document = file_row(name, status=DocumentStatus.PROCESSING)
        session.add(document)
        session.flush()
        session.add(Job(document_id=document.id))
        return document.id


def settle(
    sessions: sessionmaker[Session],
    settings: Settings,
    name: str,
    fields: dict[str, Any] = FIELDS,
    *,
    hold_seconds: float = 0.0,
    start: threading.Barrier | None = None,
) -> int:
    document_id = add_processing(sessions, name)
    if start is not None:
        start.wait()
    with transaction(sessions) as session:
        document = session.get_one(Document, document_id)
        checking.settle(
            session,
            document=document,
            record=make_record(name, fields),
            rules=rule_book(settings).current(),
            settings=settings,
            actor="test",
        )
        # A slow transaction: a second decision that did not wait for this one would miss it.
        time.sleep(hold_seconds)
    return document_id


def stored(sessions: sessionmaker[Session], document_id: int) -> Document:
    with sessions() as session:
        document = session.get_one(Document, document_id)
        document.rule_checks  # noqa: B018 - loaded before the session closes
        session.expunge_all()
        return document


def add_checked(
    sessions: sessionmaker[Session],
    settings: Settings,
    name: str,
    *,
    doc_type: str = "invoice",
    fields: dict[str, Any] = FIELDS,
    confidence: float = 0.99,
    received_at: datetime | None = None,
    status: DocumentStatus | None = None,
) -> int:
    """A processed document as the worker leaves it: record stored, rules run, in review."""
    record = Record(
        source=Source(filename=name, sha256=name.ljust(64, "0"), media_type="application/pdf"),
        doc_type=doc_type,  # type: ignore[arg-type]
        language="vi",
        fields=fields,
        confidence={"doc_type": 0.3} | dict.fromkeys(list(fields)[:4], confidence),
    )
    with transaction(sessions) as session:
        document = file_row(
            name,
            status=DocumentStatus.PROCESSING,
            doc_type=doc_type,
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
            actor="test",
        )
        if status is not None:
            document.status = status
        return document.id


def ingest_inbox(settings: Settings) -> None:
    ingestor = build_ingestor(settings)
    for path in sorted(scan(settings.inbox.resolve())):
        ingestor.ingest(path)


def drop(settings: Settings, sessions: sessionmaker[Session], name: str, content: bytes) -> int:
    (settings.inbox / name).write_bytes(content)
    ingest_inbox(settings)
    with sessions() as session:
        return session.scalars(select(Document.id).where(Document.filename == name)).one()


def _one_page_pdf() -> bytes:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(200, 100)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


ONE_PAGE_PDF = _one_page_pdf()


LINE = {"description": "Giấy A4", "quantity": "10", "unit_price": "100000", "amount": "1000000"}


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<HDon><DLHDon><TTChung><SHDon>&lol3;</SHDon></TTChung></DLHDon></HDon>"""
