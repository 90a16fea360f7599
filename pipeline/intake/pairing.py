"""One invoice, two files: the e-invoice XML is the legal original and its PDF only a view.

When both arrive (in either order), the PDF's document (born-digital, scan or photo) is marked
`superseded` by the XML's, so reviewers see the invoice once, read exactly. A PDF that was
already approved or posted is left alone, and the XML is a duplicate of it (its record says
so too), so the invoice is not posted twice.

Callers hold the invoice's lock (`lock_invoice`): without it, a PDF and its
XML finishing at the same moment in two workers would each miss the other.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from extractors.record import Record
from pipeline.lifecycle import transition
from pipeline.store.models import Document, DocumentStatus

XML = "application/xml"
_REPLACEABLE = (DocumentStatus.REVIEW, DocumentStatus.FAILED)


def lock_invoice(session: Session, key: str) -> None:
    """Hold the invoice's lock until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(lock_id(key))))


def lock_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), signed=True)


def invoice_key(record: Record) -> str | None:
    if record.doc_type != "invoice":
        return None
    fields = record.fields
    seller = (fields.get("seller") or {}).get("tax_id")
    series, number = fields.get("invoice_series"), fields.get("invoice_number")
    if not (seller and series and number and str(number).isdigit()):
        return None
    # XML states the number as an integer; the PDF prints it with leading zeros.
    return f"{seller}|{series}|{int(number)}"


def invoice_content_key(record: Record) -> str | None:
    """The invoice by what it says rather than its symbol: seller, number, issue date and
    total. A copy whose series a scan lost, or misread, is still the same invoice; two
    invoices of one seller sharing number, date and total to the last đồng are not."""
    if record.doc_type != "invoice":
        return None
    fields = record.fields
    seller = (fields.get("seller") or {}).get("tax_id")
    number, issued, total = (fields.get(k) for k in ("invoice_number", "issue_date", "total"))
    if not (seller and number and str(number).isdigit() and issued and total):
        return None
    try:
        amount = Decimal(str(total)).normalize()
    except InvalidOperation:
        return None
    return f"{seller}|{int(number)}|{issued}|{amount:f}"


def same_invoice(document: Document) -> list[ColumnElement[bool]]:
    """What another document of the document's invoice matches, in any format: its symbol
    (seller | series | number) or its content (seller | number | date | total); empty when
    the document has neither."""
    return [
        column == value
        for column, value in (
            (Document.invoice_key, document.invoice_key),
            (Document.invoice_content_key, document.invoice_content_key),
        )
        if value is not None
    ]


def pair(session: Session, *, document: Document, actor: str) -> None:
    """Pair by symbol or, for a scan that lost its series, by content; whatever the view's
    format (born-digital PDF, scan, photo). A copy whose number was not read is not paired
    by guess: the rules flag it a probable duplicate for a reviewer (review/checking.py)."""
    same = same_invoice(document)
    if not same:
        return
    others = session.scalars(
        select(Document).where(
            or_(*same),
            Document.id != document.id,
            Document.superseded_by_id.is_(None),
        )
    ).all()
    if document.media_type == XML:
        for other in others:
            if other.media_type == XML:
                continue
            if other.status in _REPLACEABLE:
                _supersede(session, other, by=document, actor=actor)
            elif document.record is not None:
                document.record = {
                    **document.record,
                    "warnings": [
                        *document.record.get("warnings", []),
                        f"the PDF of this invoice (document {other.id}) is already "
                        f"{other.status.value}: do not post it twice",
                    ],
                }
        return
    original = next((other for other in others if other.media_type == XML), None)
    if original is not None and document.status in _REPLACEABLE:
        _supersede(session, document, by=original, actor=actor)


def _supersede(session: Session, view: Document, *, by: Document, actor: str) -> None:
    transition(
        session,
        view,
        "superseded",
        actor=actor,
        data={"by": by.id, "reason": "the e-invoice XML of the same invoice arrived"},
    )
    view.superseded_by_id = by.id
