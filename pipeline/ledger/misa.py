"""Posted purchase invoices as MISA SME's import file for purchase vouchers (chứng từ mua hàng
hóa, dịch vụ): the template's sheet and headers in its order (`data/misa_purchase_template.yaml`,
which names its source), one row per line of a voucher, the voucher's columns repeated on each.

A voucher's lines are the invoice's purchases by expense account and VAT rate (the entry's
`vat_analysis`): the amount before VAT on the stock or expense account (`TK kho/TK chi phí`)
against the payable (`TK công nợ`), with its VAT rate, VAT and VAT account; in the invoice's
currency and converted to đồng. Descriptions are Vietnamese. Dates are dates shown
`dd/mm/yyyy`, amounts numbers, codes (voucher, invoice form, series and number, supplier code,
tax code, accounts) text so their leading zeros stay. No totals row: MISA would import it as a
voucher.

The supplier is named by its code in the supplier master (pipeline/ledger/suppliers.py), as
MISA knows it: an invoice of a supplier without a code refuses the whole file, listing every
such supplier, rather than import payables MISA cannot put on an account. Entries posted
before purchases were kept by rate (migration 0020) are refused the same way: the generic
voucher sheet (`export entries`) still has them.

Reversals: an invoice and its reversal both in the range cancel, and neither is written; an
invoice reversed after the range is written, as it stood. A reversal of an invoice outside
the range is no purchase to import: it is left out and reported, for the accountant to
cancel that voucher in MISA.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, ConfigDict

from pipeline.ledger.export_options import DateBasis
from pipeline.ledger.exports import (
    ExportError,
    entries_between,
)
from pipeline.ledger.safe_cells import append_row

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pipeline.ledger.journal import VatShare
    from pipeline.store.models import JournalEntry

TEMPLATE = Path(__file__).parent / "data" / "misa_purchase_template.yaml"
DATE_FORMAT = "dd/mm/yyyy"
# What the stock and expense accounts hold, by the start of their number, for a line's name.
_ACCOUNT_NOUNS = (
    ("152", "Nguyên liệu, vật liệu"),
    ("153", "Công cụ, dụng cụ"),
    ("156", "Hàng hóa"),
    ("211", "Tài sản cố định hữu hình"),
    ("213", "Tài sản cố định vô hình"),
    ("242", "Chi phí trả trước"),
    ("627", "Chi phí sản xuất chung"),
    ("641", "Chi phí bán hàng"),
    ("642", "Chi phí quản lý doanh nghiệp"),
)
_STOCK = ("152", "153", "155", "156")
# Columns of codes, kept as text.
_CODE_HEADERS = (
    "Số phiếu nhập (*)",
    "Mẫu số HĐ",
    "Ký hiệu HĐ",
    "Số hóa đơn",
    "Mã nhà cung cấp",
    "Mã số thuế",
    "TK kho/TK chi phí (*)",
    "TK công nợ/TK tiền (*)",
    "TK thuế GTGT",
)
_DATE_HEADERS = ("Ngày hạch toán (*)", "Ngày chứng từ (*)", "Ngày hóa đơn")


class Template(BaseModel):
    model_config = ConfigDict(frozen=True)

    sheet: str
    headers: tuple[str, ...]


class NotImportable(ExportError):
    """What the range holds cannot become MISA vouchers until the books say more: a supplier's
    code, or an entry's purchases by rate."""

    code = "misa_not_importable"
    http_status = 409


@cache
def template() -> Template:
    with TEMPLATE.open(encoding="utf-8") as stream:
        return Template.model_validate(yaml.safe_load(stream))


Cell = str | int | Decimal | date | None


@dataclass(frozen=True)
class MisaFile:
    """The rows, each by header, and what was left out and why."""

    rows: list[dict[str, Cell]]
    left_out: list[str]


def purchase_vouchers(
    session: Session, *, start: date, end: date, basis: DateBasis = DateBasis.POSTING
) -> MisaFile:
    from sqlalchemy import select

    from pipeline.ledger.journal import VatShare
    from pipeline.store.db import slices
    from pipeline.store.models import Document, Supplier

    entries = entries_between(session, start=start, end=end, basis=basis)
    in_range = {entry.id for entry in entries}
    cancelled = {entry.reverses_id for entry in entries if entry.reverses_id in in_range}
    invoices = [
        entry for entry in entries if entry.reverses_id is None and entry.id not in cancelled
    ]
    left_out = [
        f"{entry.voucher_number} reverses {_reversed_number(session, entry)}, posted outside "
        "the range: cancel that voucher in MISA"
        for entry in entries
        if entry.reverses_id is not None and entry.reverses_id not in in_range
    ]
    unanalysed = [entry.voucher_number for entry in invoices if entry.vat_analysis is None]
    if unanalysed:
        raise NotImportable(
            "these entries were posted before their purchases were kept by VAT rate, so they "
            f"cannot be written as MISA vouchers: {', '.join(unanalysed)}; "
            "`backoffice export entries` has them"
        )
    tax_ids = {_seller_tax_id(entry) for entry in invoices}
    suppliers = {
        supplier.tax_id: supplier
        for coded in slices(t for t in tax_ids if t)
        for supplier in session.scalars(select(Supplier).where(Supplier.tax_id.in_(coded)))
    }
    records = {
        document_id: record or {}
        for ids in slices(entry.document_id for entry in invoices)
        for document_id, record in session.execute(
            select(Document.id, Document.record).where(Document.id.in_(ids))
        )
    }
    uncoded = sorted(
        {
            f"{tax_id or '(no tax code)'} {_seller(records, entry).get('name') or ''}".strip()
            for entry in invoices
            if (tax_id := _seller_tax_id(entry)) is None
            or tax_id not in suppliers
            or not suppliers[tax_id].code
        }
    )
    if uncoded:
        raise NotImportable(
            "MISA knows suppliers by their code, and these have none: "
            f"{'; '.join(uncoded)}. Give each one "
            "(`backoffice suppliers set TAX_ID --code C`, or PATCH /api/v1/suppliers/{tax_id})"
        )
    rows: list[dict[str, Cell]] = []
    for entry in invoices:
        tax_id = _seller_tax_id(entry) or ""
        supplier = suppliers[tax_id]
        seller = _seller(records, entry)
        voucher = _voucher_cells(entry, code=supplier.code, name=supplier.name, seller=seller)
        payable = next(line.account for line in entry.lines if line.credit)
        for share in (VatShare.model_validate(value) for value in entry.vat_analysis or []):
            rows.append(voucher | _line_cells(share, payable=payable))
    return MisaFile(rows=rows, left_out=left_out)


def _reversed_number(session: Session, entry: JournalEntry) -> str:
    from pipeline.store.models import JournalEntry

    original = session.get(JournalEntry, entry.reverses_id)
    return original.voucher_number if original is not None else f"entry {entry.reverses_id}"


def _seller_tax_id(entry: JournalEntry) -> str | None:
    return next(
        (line.counterparty_tax_id for line in entry.lines if line.counterparty_tax_id), None
    )


def _seller(records: dict[int, dict[str, object]], entry: JournalEntry) -> dict[str, str]:
    fields = records.get(entry.document_id, {}).get("fields")
    seller = fields.get("seller") if isinstance(fields, dict) else None
    return seller if isinstance(seller, dict) else {}


def _voucher_cells(
    entry: JournalEntry, *, code: str | None, name: str, seller: dict[str, str]
) -> dict[str, Cell]:
    invoice_date = entry.document_date or entry.entry_date
    stock = any(line.debit and line.account.startswith(_STOCK) for line in entry.lines)
    reference = " ".join(
        part
        for part in (
            f"số {entry.invoice_number}" if entry.invoice_number else None,
            f"ký hiệu {entry.invoice_form or ''}{entry.invoice_series or ''}"
            if entry.invoice_series
            else None,
            f"ngày {invoice_date:%d/%m/%Y}",
        )
        if part
    )
    return {
        # MISA's template puts the kind of purchase here, whatever its header says.
        "Hình thức thanh toán": "Mua hàng trong nước nhập kho"
        if stock
        else "Mua hàng trong nước không qua kho",
        "Phương thức thanh toán": "Chưa thanh toán",
        "Nhận kèm hóa đơn": "Có",
        "Ngày hạch toán (*)": entry.entry_date,
        "Ngày chứng từ (*)": entry.entry_date,
        "Số phiếu nhập (*)": entry.voucher_number,
        "Mẫu số HĐ": entry.invoice_form,
        "Ký hiệu HĐ": entry.invoice_series,
        "Số hóa đơn": entry.invoice_number,
        "Ngày hóa đơn": invoice_date,
        "Mã nhà cung cấp": code,
        "Tên nhà cung cấp": name,
        "Địa chỉ": seller.get("address"),
        "Mã số thuế": _seller_tax_id(entry),
        "Diễn giải": f"Mua hàng của {name} theo hóa đơn {reference}",
        "Loại tiền": entry.currency,
        "Tỷ giá": entry.exchange_rate,
    }


def _line_cells(share: VatShare, *, payable: str) -> dict[str, Cell]:
    noun = next(
        (noun for prefix, noun in _ACCOUNT_NOUNS if share.account.startswith(prefix)),
        "Hàng hóa, dịch vụ mua vào",
    )
    percent, other = _rate_cells(share.vat_rate)
    return {
        "Tên hàng": noun,
        "Là dòng ghi chú": "Không",
        "TK kho/TK chi phí (*)": share.account,
        "TK công nợ/TK tiền (*)": payable,
        "Thành tiền": share.base,
        "Thành tiền quy đổi": share.base_vnd,
        "% thuế GTGT": percent,
        "% thuế suất KHAC": other,
        "Tiền thuế GTGT": share.vat,
        "Tiền thuế GTGT quy đổi": share.vat_vnd,
        "TK thuế GTGT": share.vat_account,
    }


def _rate_cells(rate: str | None) -> tuple[Cell, Cell]:
    """`% thuế GTGT` as MISA lists rates: the percentage as a number, `KCT`, `KKKNT`, or
    `KHAC` with the percentage in `% thuế suất KHAC`; nothing when the invoice stated none."""
    if rate is None or rate in ("KCT", "KKKNT"):
        return rate, None
    if rate.startswith("KHAC:"):
        return "KHAC", _number(rate.removeprefix("KHAC:"))
    return _number(rate), None


def _number(text: str) -> Cell:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return int(value) if value == value.to_integral_value() else value


def to_xlsx(misa: MisaFile) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from pipeline.ledger.journal import NO_MINOR_UNITS

    layout = template()
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = layout.sheet
    sheet.append(layout.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    column = {header: index for index, header in enumerate(layout.headers)}
    for row in misa.rows:
        append_row(sheet, (row.get(header) for header in layout.headers))
        cells = sheet[sheet.max_row]
        currency = str(row.get("Loại tiền") or "VND")
        formats = {
            "Tỷ giá": "#,##0.00",
            "Thành tiền": "#,##0" if currency in NO_MINOR_UNITS else "#,##0.00",
            "Tiền thuế GTGT": "#,##0" if currency in NO_MINOR_UNITS else "#,##0.00",
            "Thành tiền quy đổi": "#,##0",
            "Tiền thuế GTGT quy đổi": "#,##0",
        }
        formats |= dict.fromkeys(_DATE_HEADERS, DATE_FORMAT) | dict.fromkeys(_CODE_HEADERS, "@")
        for header, number_format in formats.items():
            if header in column:
                cells[column[header]].number_format = number_format
    for index, header in enumerate(layout.headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
