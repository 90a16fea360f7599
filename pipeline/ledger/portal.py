"""Reconciliation with the tax authority's e-invoice portal (hoadondientu.gdt.gov.vn): the
list of purchase invoices an accountant exports there (XLSX, or CSV) is imported, then a
period's report sets it beside the invoices received here.

The report's classes: invoices on the portal not received (a supplier's invoice to ask for;
cancelled and replaced ones are not owed, so they are left out), invoices received that the
portal does not list (not reported by the seller, or a number misread here), amount
mismatches (which amount, both values), and invoices the portal marks cancelled, replaced or
adjusted. Those last flag our record: it may not post (`PortalFlagged`, 409) until a reviewer
decides and clears the flag with a reason, which is audited.

Invoices are matched by seller tax code, series and number, normalised as the review stage
keys them (`pipeline.intake.pairing.invoice_key`): the series without the form digit printed
before it, the number without leading zeros.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.errors import BackofficeError
from extractors.record import Record
from pipeline.access import audit
from pipeline.intake import pairing
from pipeline.ledger import periods
from pipeline.ledger.errors import NotPostable
from pipeline.ledger.sheets import TableError, cell_date, cell_number, cell_text, folded_header
from pipeline.ledger.sheets import read_rows as read_table
from pipeline.store.db import slices
from pipeline.store.models import Document, DocumentStatus, PortalFlag, PortalInvoice, utcnow

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
# A reconciliation loads every invoice of its period on both sides: a year at most, so that
# `0001-01-01..9999-12-31` cannot load the whole database.
MAX_PERIOD_DAYS = 366
# The portal's title, filter and date lines above the header, with room to spare.
_HEADER_SEARCH_ROWS = 25

PortalStatus = Literal["new", "replacement", "adjustment", "replaced", "adjusted", "cancelled"]
# What the portal says of an invoice that makes ours doubtful until someone looks at it.
FLAGGING: frozenset[str] = frozenset({"replaced", "adjusted", "cancelled"})
# Invoices not owed: nothing to ask the supplier for when they were never received.
_NOT_OWED: frozenset[str] = frozenset({"replaced", "cancelled"})
# Documents that are no invoice of the books: nothing to reconcile.
_SET_ASIDE = (DocumentStatus.REJECTED, DocumentStatus.FAILED, DocumentStatus.SUPERSEDED)
AMOUNTS = ("subtotal", "vat_amount", "total")
# Ten digits and a branch suffix; a foreign seller's as printed, within what the column holds.
_TAX_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,31}")
# What the amount columns hold (20 digits, 4 after the point): no invoice comes near.
_MAX_AMOUNT = Decimal(10) ** 15


class PortalError(BackofficeError):
    code = "unreadable_portal_list"
    http_status = 422


class PortalFlagged(NotPostable):
    """The portal marks the invoice cancelled, replaced or adjusted, and no reviewer has
    decided yet that it stands."""

    code = "portal_flagged"
    http_status = 409


class NothingToDecide(BackofficeError):
    code = "no_portal_flag"
    http_status = 409


# Header words, folded, of each column: the portal's Vietnamese export, English ones, and the
# portal's XML element names (which some tools export under).
_HEADERS: dict[str, tuple[str, ...]] = {
    "form": ("ky hieu mau so", "mau so", "ky hieu mau so hoa don", "form", "invoice form"),
    "series": ("ky hieu hoa don", "ky hieu", "series", "invoice series", "khhdon"),
    "number": ("so hoa don", "so", "invoice number", "invoice no", "number", "shdon"),
    "issue_date": ("ngay lap", "ngay hoa don", "ngay lap hoa don", "issue date", "invoice date"),
    "seller_tax_id": (
        "mst nguoi ban",
        "ma so thue nguoi ban",
        "mst nguoi ban/mst nguoi xuat hang",
        "seller tax code",
        "seller tax id",
        "nbmst",
    ),
    "seller_name": (
        "ten nguoi ban",
        "ten nguoi ban/ten nguoi xuat hang",
        "seller name",
        "seller",
        "nbten",
    ),
    "subtotal": (
        "tong tien chua thue",
        "tong tien hang",
        "subtotal",
        "total before vat",
        "amount before vat",
        "tgtcthue",
    ),
    "vat_amount": ("tong tien thue", "vat amount", "tax amount", "total vat", "tgtthue"),
    "total": ("tong tien thanh toan", "total payment", "total amount", "total", "tgtttbso"),
    "currency": ("don vi tien te", "currency", "dvtte"),
    "status": ("trang thai hoa don", "trang thai", "invoice status", "status", "tthai"),
    "check_result": (
        "ket qua kiem tra hoa don",
        "ket qua kiem tra",
        "check result",
        "processing result",
        "ttxly",
    ),
}
_COLUMN_OF = {alias: column for column, aliases in _HEADERS.items() for alias in aliases}
_REQUIRED = ("series", "number", "issue_date", "seller_tax_id", "status")

# The portal's status codes (`tthai` in its data) and words, most specific first: "đã bị
# thay thế" (replaced) contains "thay thế" (replacement).
_STATUS_CODES: dict[str, PortalStatus] = {
    "1": "new",
    "2": "replacement",
    "3": "adjustment",
    "4": "replaced",
    "5": "adjusted",
    "6": "cancelled",
}
_STATUS_WORDS: tuple[tuple[str, PortalStatus], ...] = (
    ("bi huy", "cancelled"),
    ("da huy", "cancelled"),
    ("xoa bo", "cancelled"),
    ("cancelled", "cancelled"),
    ("canceled", "cancelled"),
    ("bi thay the", "replaced"),
    ("replaced", "replaced"),
    ("bi dieu chinh", "adjusted"),
    ("adjusted", "adjusted"),
    ("thay the", "replacement"),
    ("replacement", "replacement"),
    ("dieu chinh", "adjustment"),
    ("adjustment", "adjustment"),
    ("moi", "new"),
    ("new", "new"),
    ("original", "new"),
)


def invoice_key(*, seller_tax_id: str, series: str, number: str) -> str:
    """The key our invoices are matched by (`pipeline.intake.pairing.invoice_key`'s form)."""
    return f"{seller_tax_id}|{series}|{int(number) if number.isdigit() else number}"


def _tax_id(text: str) -> str:
    return re.sub(r"[\s.]", "", text)


def _series(text: str, form: str | None) -> str:
    """`C26TAA`; `1C26TAA` printed with its form digit loses it."""
    series = re.sub(r"\s", "", text).upper()
    if len(series) == 7 and series[0].isdigit() and (form is None or series[0] == form):
        return series[1:]
    return series


def status_of(text: str) -> PortalStatus | None:
    folded = folded_header(text)
    if folded in _STATUS_CODES:
        return _STATUS_CODES[folded]
    for words, status in _STATUS_WORDS:
        if re.search(rf"\b{words}\b", folded):
            return status
    return None


class ImportProblem(BaseModel):
    row: int
    problem: str


class ImportReport(BaseModel):
    listed: int = Field(description="Invoices in the file.")
    added: int = Field(description="Invoices the portal list held none of before.")
    updated: int = Field(description="Invoices already imported whose status or amounts changed.")
    flagged: list[int] = Field(
        description="Documents newly flagged: the portal marks them cancelled, replaced or "
        "adjusted."
    )
    problems: list[ImportProblem] = Field(
        description="Why rows were refused; when any is, nothing was imported."
    )


class _Row(BaseModel):
    key: str
    seller_tax_id: str
    seller_name: str | None
    invoice_form: str | None
    invoice_series: str
    invoice_number: str
    issue_date: date
    currency: str
    subtotal: Decimal | None
    vat_amount: Decimal | None
    total: Decimal | None
    status: PortalStatus
    status_text: str | None
    check_result: str | None


def read_list(content: bytes) -> tuple[list[_Row], list[ImportProblem]]:
    """The invoices of a portal export, and the rows that could not be read."""
    if not content.strip():
        raise PortalError("the file is empty: export the list from the portal again")
    try:
        rows = read_table(content, max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS)
    except TableError as exc:
        raise PortalError(str(exc)) from exc
    first, columns = _header(rows)
    found: list[_Row] = []
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows[first:], start=first + 1):

        def cell(column: str, cells: list[object] = cells) -> object:
            index = columns.get(column)
            return cells[index] if index is not None and index < len(cells) else None

        raw_number = cell_text(cell("number"))
        if raw_number is None:
            continue  # blank rows, and the totals or notes under the list
        row, problem = _read_row(cell, raw_number)
        if problem is not None:
            problems.append(ImportProblem(row=number, problem=problem))
            continue
        assert row is not None
        if row.key in seen:
            problems.append(
                ImportProblem(row=number, problem=f"the same invoice as row {seen[row.key]}")
            )
            continue
        seen[row.key] = number
        found.append(row)
    if not found and not problems:
        raise PortalError("the list holds no invoice")
    return found, problems


def _read_row(cell: Callable[[str], object], raw_number: str) -> tuple[_Row | None, str | None]:
    form = cell_text(cell("form"))
    series_text, tax_text = cell_text(cell("series")), cell_text(cell("seller_tax_id"))
    if not series_text:
        return None, "no series (ký hiệu hóa đơn)"
    if not tax_text:
        return None, "no seller tax code (MST người bán)"
    if not re.fullmatch(r"[0-9A-Za-z-]{1,16}", raw_number):
        return None, f"{raw_number!r} is not an invoice number"
    issued = cell_date(cell("issue_date"))
    if issued is None:
        return None, f"no date: {cell('issue_date')!r}"
    status_text = cell_text(cell("status"))
    status = status_of(status_text or "")
    if status is None:
        return None, f"{status_text!r} is not an invoice status the portal gives"
    amounts: dict[str, Decimal | None] = {}
    for name in AMOUNTS:
        raw = cell(name)
        if cell_text(raw) is None:
            amounts[name] = None
            continue
        amount = cell_number(raw)
        if amount is None or not amount.is_finite() or abs(amount) >= _MAX_AMOUNT:
            return None, f"{name}: {raw!r} is not an amount"
        amounts[name] = amount
    tax_id, series = _tax_id(tax_text), _series(series_text, form)
    if not _TAX_ID.fullmatch(tax_id):
        return None, f"{tax_text!r} is not a tax code"
    if not re.fullmatch(r"[0-9A-Z]{1,16}", series):
        return None, f"{series_text!r} is not an invoice series"
    if form is not None and not re.fullmatch(r"[0-9A-Za-z]{1,8}", form):
        return None, f"{form!r} is not an invoice form"
    currency = (cell_text(cell("currency")) or "VND").upper()
    if currency in ("VNĐ", "ĐỒNG", "DONG", "Đ"):
        currency = "VND"
    if not re.fullmatch(r"[A-Z]{3}", currency):
        return None, f"{currency!r} is not a currency code"
    return (
        _Row(
            key=invoice_key(seller_tax_id=tax_id, series=series, number=raw_number),
            seller_tax_id=tax_id,
            seller_name=(cell_text(cell("seller_name")) or "")[:1024] or None,
            invoice_form=form,
            invoice_series=series,
            invoice_number=raw_number,
            issue_date=issued,
            currency=currency,
            status=status,
            status_text=status_text[:255] if status_text else None,
            check_result=(cell_text(cell("check_result")) or "")[:255] or None,
            **amounts,
        ),
        None,
    )


def _header(rows: list[list[object]]) -> tuple[int, dict[str, int]]:
    """Where the invoices start, and each column's position. The portal heads the seller's
    tax code and name with a merged `Thông tin hóa đơn` cell, their names on the row below:
    the two rows are read as one header."""
    for index, cells in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        columns = _columns(cells)
        if "number" not in columns or len(columns) < 3:
            continue
        first = index + 1
        if first < len(rows):
            below = _columns(rows[first])
            if below and not below.keys() & {"number"}:
                columns = below | columns
                first += 1
        missing = [name for name in _REQUIRED if name not in columns]
        if missing:
            raise PortalError(
                "the header row has no column for "
                + ", ".join(_HEADERS[name][0] for name in missing)
                + ": is this the portal's list of purchase invoices?"
            )
        return first, columns
    raise PortalError(
        "no header row naming the invoice columns (`Ký hiệu hóa đơn`, `Số hóa đơn`, `MST người "
        f"bán`, …) in the first {_HEADER_SEARCH_ROWS} rows: is this the portal's list of "
        "purchase invoices?"
    )


def _columns(cells: list[object]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        folded = folded_header(cell)
        column = _COLUMN_OF.get(folded) or _COLUMN_OF.get(folded.split("/")[0].strip())
        if column is not None and column not in columns:
            columns[column] = position
    return columns


def import_list(session: Session, *, content: bytes, actor: str) -> ImportReport:
    """Store the invoices a portal export lists, all or nothing, and flag our invoices it
    marks cancelled, replaced or adjusted."""
    found, problems = read_list(content)
    if problems:
        return ImportReport(listed=0, added=0, updated=0, flagged=[], problems=problems)
    # Queued with approvals and other imports on the books' lock: two imports of one list
    # would each insert its invoices (one failing on the key), and an approval checking for
    # flags while an import adds one would post an invoice the portal says is cancelled.
    periods.lock_books(session)
    held = {
        row.key: row
        for keys in slices(r.key for r in found)
        for row in session.scalars(select(PortalInvoice).where(PortalInvoice.key.in_(keys)))
    }
    added = updated = 0
    for row in found:
        values = row.model_dump()
        stored = held.get(row.key)
        if stored is None:
            session.add(PortalInvoice(**values, imported_by=actor[:255]))
            added += 1
            continue
        if any(getattr(stored, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(stored, name, value)
            stored.imported_at, stored.imported_by = utcnow(), actor[:255]
            updated += 1
    session.flush()
    flagging = [row for row in found if row.status in FLAGGING]
    flagged = _flag(session, rows=flagging, actor=actor)
    audit.record(
        session,
        actor=actor,
        kind="portal_list_imported",
        data={"listed": len(found), "added": added, "updated": updated, "flagged": flagged},
    )
    return ImportReport(
        listed=len(found), added=added, updated=updated, flagged=flagged, problems=[]
    )


def _flag(session: Session, *, rows: list[_Row], actor: str) -> list[int]:
    if not rows:
        return []
    documents = _ours_by_key(session, keys=[row.key for row in rows])
    flagged: list[int] = []
    for row in rows:
        for document in documents.get(row.key, []):
            exists = session.scalar(
                select(PortalFlag).where(
                    PortalFlag.document_id == document.id, PortalFlag.portal_status == row.status
                )
            )
            if exists is not None:
                continue  # flagged already, or decided: a reviewer's decision stands
            session.add(
                PortalFlag(
                    document_id=document.id,
                    portal_key=row.key,
                    portal_status=row.status,
                    flagged_by=actor[:255],
                )
            )
            audit.record(
                session,
                actor=actor,
                kind="portal_flagged",
                document_id=document.id,
                data={"portal_status": row.status, "key": row.key},
            )
            flagged.append(document.id)
    session.flush()
    return flagged


def _ours_by_key(session: Session, *, keys: Iterable[str]) -> dict[str, list[Document]]:
    ours: dict[str, list[Document]] = {}
    for wanted in slices(keys):
        for document in session.scalars(
            select(Document).where(
                Document.invoice_key.in_(wanted),
                Document.doc_type == "invoice",
                Document.status.not_in(_SET_ASIDE),
                Document.duplicate_of_id.is_(None),
            )
        ):
            assert document.invoice_key is not None
            ours.setdefault(document.invoice_key, []).append(document)
    return ours


# --- flags: what blocks posting, and a reviewer's decision ----------------------------------


class FlagOut(BaseModel):
    portal_status: PortalStatus
    flagged_at: datetime | None = Field(description="Null until the flag is stored.")
    cleared_at: datetime | None
    cleared_by: str | None
    clear_reason: str | None


def _key_of(document: Document) -> str | None:
    if document.invoice_key is not None:
        return document.invoice_key
    if document.record is None:
        return None
    return pairing.invoice_key(Record.model_validate(document.record))


def flags_of(session: Session, *, document: Document) -> list[FlagOut]:
    """The portal's flags on the document, decided or not: those stored, and one the portal
    list holds for an invoice received after the list was imported."""
    key = _key_of(document) if document.doc_type == "invoice" else None
    if key is None:
        return []
    stored = {
        flag.portal_status: flag
        for flag in session.scalars(select(PortalFlag).where(PortalFlag.document_id == document.id))
    }
    listed = session.get(PortalInvoice, key)
    out = [
        FlagOut(
            portal_status=flag.portal_status,  # type: ignore[arg-type]
            flagged_at=flag.flagged_at,
            cleared_at=flag.cleared_at,
            cleared_by=flag.cleared_by,
            clear_reason=flag.clear_reason,
        )
        for flag in stored.values()
    ]
    if listed is not None and listed.status in FLAGGING and listed.status not in stored:
        out.append(
            FlagOut(
                portal_status=listed.status,  # type: ignore[arg-type]
                flagged_at=None,
                cleared_at=None,
                cleared_by=None,
                clear_reason=None,
            )
        )
    return out


def open_flag(session: Session, *, document: Document) -> FlagOut | None:
    return next(
        (flag for flag in flags_of(session, document=document) if flag.cleared_at is None), None
    )


def refuse_flagged(session: Session, *, document: Document) -> None:
    """PortalFlagged while the portal's word on the invoice waits for a reviewer's decision."""
    flag = open_flag(session, document=document)
    if flag is not None:
        raise PortalFlagged(
            f"invoice {document.id} is marked {flag.portal_status} on the tax portal: a "
            "reviewer must decide that it stands (clear the flag with a reason) or reject it"
        )


def clear_flag(session: Session, *, document: Document, reason: str, actor: str) -> FlagOut:
    """A reviewer's decision that the invoice stands despite what the portal says of it
    (audited); it may post again."""
    reason = " ".join(reason.split())
    if len(reason) < 3:
        raise PortalError("say why the invoice stands: a reason of a few words")
    flag = open_flag(session, document=document)
    if flag is None:
        raise NothingToDecide(f"invoice {document.id} has no open flag from the tax portal")
    row = session.scalar(
        select(PortalFlag).where(
            PortalFlag.document_id == document.id, PortalFlag.portal_status == flag.portal_status
        )
    )
    if row is None:
        key = _key_of(document)
        assert key is not None
        row = PortalFlag(
            document_id=document.id,
            portal_key=key,
            portal_status=flag.portal_status,
            flagged_by=actor[:255],
        )
        session.add(row)
    row.cleared_at, row.cleared_by, row.clear_reason = utcnow(), actor[:255], reason[:2000]
    audit.record(
        session,
        actor=actor,
        kind="portal_flag_cleared",
        document_id=document.id,
        data={"portal_status": flag.portal_status, "reason": reason[:2000]},
    )
    session.flush()
    return FlagOut(
        portal_status=flag.portal_status,
        flagged_at=row.flagged_at,
        cleared_at=row.cleared_at,
        cleared_by=row.cleared_by,
        clear_reason=row.clear_reason,
    )


# --- the report -------------------------------------------------------------------------------

ReportClass = Literal["missing", "not_on_portal", "amount_mismatch", "portal_status"]


class Mismatch(BaseModel):
    amount: Literal["subtotal", "vat_amount", "total", "currency"]
    portal: str | None
    ours: str | None


class ReportItem(BaseModel):
    key: str = Field(description="Seller tax code | series | number, as matched.")
    seller_tax_id: str | None
    seller_name: str | None
    invoice_form: str | None
    invoice_series: str | None
    invoice_number: str | None
    issue_date: date | None
    total: str | None = Field(description="The portal's total; ours when not on the portal.")
    currency: str | None
    document_id: int | None = Field(description="Ours; null when not received.")
    portal_status: PortalStatus | None = Field(description="Null when not on the portal.")
    mismatches: list[Mismatch] = Field(default_factory=list)
    flag: FlagOut | None = Field(
        default=None, description="The portal's flag on our invoice: open until decided."
    )


class Reconciliation(BaseModel):
    start: date
    end: date
    on_portal: int = Field(description="Invoices the portal lists for the period.")
    received: int = Field(description="Invoices received here dated in the period.")
    matched: int
    missing: list[ReportItem] = Field(description="On the portal, not received.")
    not_on_portal: list[ReportItem] = Field(description="Received, not on the portal.")
    amount_mismatches: list[ReportItem]
    portal_status: list[ReportItem] = Field(
        description="Received, and the portal marks them cancelled, replaced or adjusted."
    )


def reconcile(session: Session, *, start: date, end: date) -> Reconciliation:
    """The period's portal list beside the invoices received dated in it."""
    if end < start:
        raise PortalError(f"the period ends ({end}) before it starts ({start})")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise PortalError(
            f"the period spans {(end - start).days + 1} days: reconcile at most "
            f"{MAX_PERIOD_DAYS} days at a time"
        )
    listed = list(
        session.scalars(
            select(PortalInvoice)
            .where(PortalInvoice.issue_date >= start, PortalInvoice.issue_date <= end)
            .order_by(PortalInvoice.issue_date, PortalInvoice.key)
        )
    )
    received = list(
        session.scalars(
            select(Document)
            .where(
                Document.doc_type == "invoice",
                Document.record_date >= start,
                Document.record_date <= end,
                Document.status.not_in(_SET_ASIDE),
                Document.duplicate_of_id.is_(None),
            )
            .order_by(Document.record_date, Document.id)
        )
    )
    # Either side may date an invoice outside the period (a misread date): matched anyway.
    ours = _ours_by_key(session, keys=[row.key for row in listed])
    our_keys = [key for key in (_key_of(document) for document in received) if key]
    portal_by_key = {row.key: row for row in listed} | {
        row.key: row
        for keys in slices(our_keys)
        for row in session.scalars(select(PortalInvoice).where(PortalInvoice.key.in_(keys)))
    }
    report = Reconciliation(
        start=start,
        end=end,
        on_portal=len(listed),
        received=len(received),
        matched=0,
        missing=[],
        not_on_portal=[],
        amount_mismatches=[],
        portal_status=[],
    )
    for row in listed:
        documents = ours.get(row.key, [])
        if not documents:
            if row.status not in _NOT_OWED:
                report.missing.append(_item(row, None))
            continue
        report.matched += 1
        for document in documents:
            item = _item(row, document)
            item.mismatches = _mismatches(row, document)
            if item.mismatches:
                report.amount_mismatches.append(item)
            if row.status in FLAGGING:
                flags = [
                    f for f in flags_of(session, document=document) if f.portal_status == row.status
                ]
                report.portal_status.append(
                    item.model_copy(update={"flag": next(iter(flags), None)})
                )
    for document in received:
        key = _key_of(document)
        if key is None or key not in portal_by_key:
            report.not_on_portal.append(_our_item(document, key))
    return report


def _item(row: PortalInvoice, document: Document | None) -> ReportItem:
    return ReportItem(
        key=row.key,
        seller_tax_id=row.seller_tax_id,
        seller_name=row.seller_name,
        invoice_form=row.invoice_form,
        invoice_series=row.invoice_series,
        invoice_number=row.invoice_number,
        issue_date=row.issue_date,
        total=_text(row.total),
        currency=row.currency,
        document_id=document.id if document is not None else None,
        portal_status=row.status,  # type: ignore[arg-type]
    )


def _our_item(document: Document, key: str | None) -> ReportItem:
    fields = (document.record or {}).get("fields") or {}
    seller = fields.get("seller") or {}
    return ReportItem(
        key=key or "",
        seller_tax_id=seller.get("tax_id"),
        seller_name=seller.get("name"),
        invoice_form=fields.get("invoice_form"),
        invoice_series=fields.get("invoice_series"),
        invoice_number=fields.get("invoice_number"),
        issue_date=document.record_date,
        total=fields.get("total"),
        currency=fields.get("currency"),
        document_id=document.id,
        portal_status=None,
    )


def _mismatches(row: PortalInvoice, document: Document) -> list[Mismatch]:
    fields = (document.record or {}).get("fields") or {}
    currency = fields.get("currency")
    if currency and currency != row.currency:
        return [Mismatch(amount="currency", portal=row.currency, ours=currency)]
    found: list[Mismatch] = []
    for name in AMOUNTS:
        theirs: Decimal | None = getattr(row, name)
        ours = _decimal(fields.get(name))
        # A value one side does not hold is no mismatch: nothing to compare.
        if theirs is not None and ours is not None and theirs != ours:
            found.append(Mismatch(amount=name, portal=_text(theirs), ours=_text(ours)))  # type: ignore[arg-type]
    return found


def _decimal(value: object) -> Decimal | None:
    """A record's money: a decimal string (the record's form), or null."""
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount.normalize():f}"
