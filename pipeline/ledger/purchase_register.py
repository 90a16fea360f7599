"""The purchase invoice register (bảng kê hóa đơn, chứng từ hàng hóa, dịch vụ mua vào) of a
period, from the posted entries: one row per invoice and VAT rate, grouped by the rates that
appear (0%, 5%, 8%, 10%, then KCT, KKKNT, other rates, unknown last), a subtotal per group and
a grand total. Amounts are in
đồng: the taxable base from the entry's purchases by rate (`vat_analysis`), the VAT from its
input VAT lines of that rate, so the register's VAT per rate is the ledger's.

A period is selected by posting date (the entries posted in it) or by document date (the
invoices dated in it). Reversals: an entry and its reversal both in the period cancel, and
neither is listed; a reversal in the period of an entry outside it is listed with negative
amounts, noting the voucher it cancels; an entry whose reversal falls after the period is
listed, as it stood in the period. By document date an entry and its reversal share the
invoice's date, so they are always in the same period and cancel.

VAT not deductible (added to the cost: over the cash limit, or the account's treatment) is in
no VAT line: the row shows the base with no VAT and says how much went to the cost. Entries
posted before their purchases were kept by rate (0020) have no base: the row leaves it empty
and says why.

Formats follow the other exports (pipeline/ledger/exports.py): XLSX with numbers and dates as
such, Vietnamese formats, a title above the table, group headings and subtotals in bold;
CSV UTF-8 with a BOM, plain numbers, ISO dates, the same rows. A row of the register has its
number (STT) in the first column; a heading or subtotal row has text there instead.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from pipeline.ledger.export_options import DateBasis, ExportFormat
from pipeline.ledger.exports import entries_between
from pipeline.ledger.safe_cells import append_row, csv_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pipeline.store.models import JournalEntry

TITLE = "BẢNG KÊ HÓA ĐƠN, CHỨNG TỪ HÀNG HÓA, DỊCH VỤ MUA VÀO"
HEADERS = (
    "STT",
    "Ký hiệu mẫu số hóa đơn",
    "Ký hiệu hóa đơn",
    "Số hóa đơn",
    "Ngày, tháng, năm lập hóa đơn",
    "Tên người bán",
    "Mã số thuế người bán",
    "Giá trị HHDV mua vào chưa có thuế",
    "Thuế GTGT",
    "Ghi chú",
)
GRAND_TOTAL = "Tổng cộng"
_ZERO = Decimal(0)
_VAT_PREFIX = "133"  # deductible input VAT, in the charts of Circulars 99 and 133


class RegisterRow(BaseModel):
    """An invoice's purchases at one VAT rate, in đồng; negative for a reversal."""

    model_config = ConfigDict(frozen=True)

    voucher_number: str
    invoice_form: str | None
    invoice_series: str | None
    invoice_number: str | None
    invoice_date: date
    seller_name: str | None
    seller_tax_id: str | None
    base: Decimal | None
    vat: Decimal
    note: str


class RateGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    vat_rate: str | None
    label: str
    rows: tuple[RegisterRow, ...]

    @property
    def base(self) -> Decimal:
        return sum((row.base or _ZERO for row in self.rows), _ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((row.vat for row in self.rows), _ZERO)


class PurchaseRegister(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    basis: DateBasis
    groups: tuple[RateGroup, ...]

    @property
    def base(self) -> Decimal:
        return sum((group.base for group in self.groups), _ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((group.vat for group in self.groups), _ZERO)


def rate_label(rate: str | None) -> str:
    if rate is None:
        return "Không rõ thuế suất"
    if rate == "KCT":
        return "Không chịu thuế GTGT (KCT)"
    if rate == "KKKNT":
        return "Không kê khai, tính nộp thuế GTGT (KKKNT)"
    if rate.startswith("KHAC:"):
        return f"Thuế suất khác {rate.removeprefix('KHAC:')}%"
    return f"Thuế suất {rate}%"


def _rate_order(rate: str | None) -> tuple[int, Decimal, str]:
    """Stated percentages by value, then KCT, KKKNT, other rates, and unknown last."""
    if rate is None:
        return (4, _ZERO, "")
    if rate in ("KCT", "KKKNT"):
        return (1 if rate == "KCT" else 2, _ZERO, rate)
    try:
        return (0, Decimal(rate), "")
    except InvalidOperation:
        return (3, _ZERO, rate)


def purchase_register(
    session: Session, *, start: date, end: date, basis: DateBasis = DateBasis.POSTING
) -> PurchaseRegister:
    from sqlalchemy import select

    from pipeline.store.db import slices
    from pipeline.store.models import Document, JournalEntry, Supplier

    entries = entries_between(session, start=start, end=end, basis=basis)
    in_period = {entry.id for entry in entries}
    cancelled = {entry.reverses_id for entry in entries if entry.reverses_id in in_period}
    listed = [
        entry
        for entry in entries
        if entry.id not in cancelled
        and not (entry.reverses_id is not None and entry.reverses_id in in_period)
    ]
    originals = {
        original.id: original
        for ids in slices(entry.reverses_id for entry in listed if entry.reverses_id is not None)
        for original in session.scalars(select(JournalEntry).where(JournalEntry.id.in_(ids)))
    }
    sellers = [tax_id for entry in listed if (tax_id := _seller_tax_id(entry))]
    names = {
        tax_id: name
        for tax_ids in slices(sellers)
        for tax_id, name in session.execute(
            select(Supplier.tax_id, Supplier.name).where(Supplier.tax_id.in_(tax_ids))
        )
    }
    records = {
        document_id: record
        for ids in slices(entry.document_id for entry in listed)
        for document_id, record in session.execute(
            select(Document.id, Document.record).where(Document.id.in_(ids))
        )
    }
    by_rate: dict[str | None, list[RegisterRow]] = {}
    for entry in listed:
        tax_id = _seller_tax_id(entry)
        fields = (records.get(entry.document_id) or {}).get("fields") or {}
        name = names.get(tax_id or "") or (fields.get("seller") or {}).get("name")
        original = originals.get(entry.reverses_id) if entry.reverses_id else None
        for rate, row in _rows(entry, original=original, seller_name=name, tax_id=tax_id):
            by_rate.setdefault(rate, []).append(row)
    groups = tuple(
        RateGroup(
            vat_rate=rate,
            label=rate_label(rate),
            rows=tuple(sorted(rows, key=lambda row: (row.invoice_date, row.voucher_number))),
        )
        for rate, rows in sorted(by_rate.items(), key=lambda item: _rate_order(item[0]))
    )
    return PurchaseRegister(start=start, end=end, basis=basis, groups=groups)


def _seller_tax_id(entry: JournalEntry) -> str | None:
    return next(
        (line.counterparty_tax_id for line in entry.lines if line.counterparty_tax_id), None
    )


def _rows(
    entry: JournalEntry,
    *,
    original: JournalEntry | None,
    seller_name: str | None,
    tax_id: str | None,
) -> list[tuple[str | None, RegisterRow]]:
    """The entry's rows, one per VAT rate it has purchases or VAT at."""
    from pipeline.ledger.journal import VatShare

    sign = Decimal(-1) if entry.reverses_id is not None else Decimal(1)
    shares = (
        [VatShare.model_validate(share) for share in entry.vat_analysis]
        if entry.vat_analysis is not None
        else None
    )
    # The input VAT accounts are those the entry's deductible VAT went to; entries posted
    # before that was kept used the charts' 133x.
    vat_accounts = {share.vat_account for share in shares or [] if share.deductible}
    vat_by_rate: dict[str | None, Decimal] = {}
    for line in entry.lines:
        if (
            line.account in vat_accounts
            if shares is not None
            else line.account.startswith(_VAT_PREFIX)
        ):
            vat_by_rate[line.vat_rate] = (
                vat_by_rate.get(line.vat_rate, _ZERO) + line.debit_vnd - line.credit_vnd
            )
    rates = list(vat_by_rate)
    for share in shares or []:
        if share.vat_rate not in rates:
            rates.append(share.vat_rate)
    if not rates:  # posted before rates were kept, with no VAT: its rate is not known
        rates.append(None)
    rows: list[tuple[str | None, RegisterRow]] = []
    for rate in rates:
        notes = [entry.voucher_number]
        if original is not None:
            notes.append(
                f"hủy chứng từ {original.voucher_number} ngày {original.entry_date:%d/%m/%Y}"
            )
        base: Decimal | None = None
        if shares is None:
            notes.append("giá trị chưa thuế không được lưu khi hạch toán")
        else:
            at_rate = [share for share in shares if share.vat_rate == rate]
            base = sign * sum((share.base_vnd for share in at_rate), _ZERO)
            to_cost = sign * sum(
                (share.vat_vnd for share in at_rate if not share.deductible), _ZERO
            )
            if to_cost:
                amount = f"{to_cost:,}".replace(",", ".")
                notes.append(f"thuế GTGT {amount} đ không được khấu trừ, tính vào chi phí")
        rows.append(
            (
                rate,
                RegisterRow(
                    voucher_number=entry.voucher_number,
                    invoice_form=entry.invoice_form,
                    invoice_series=entry.invoice_series,
                    invoice_number=entry.invoice_number,
                    invoice_date=entry.document_date or entry.entry_date,
                    seller_name=seller_name,
                    seller_tax_id=tax_id,
                    base=base,
                    vat=vat_by_rate.get(rate, _ZERO),
                    note="; ".join(notes),
                ),
            )
        )
    return rows


Cell = str | int | Decimal | date | None


def table(register: PurchaseRegister) -> list[tuple[Cell, ...]]:
    """The register's rows under its headers: per group a heading, its rows, its subtotal;
    then the grand total."""
    blank: tuple[None, ...] = (None,) * (len(HEADERS) - 4)  # between the label and the base
    rows: list[tuple[Cell, ...]] = []
    for index, group in enumerate(register.groups, start=1):
        rows.append((f"{index}. {group.label}", *(None,) * (len(HEADERS) - 1)))
        for number, row in enumerate(group.rows, start=1):
            rows.append(
                (
                    number,
                    row.invoice_form,
                    row.invoice_series,
                    row.invoice_number,
                    row.invoice_date,
                    row.seller_name,
                    row.seller_tax_id,
                    row.base,
                    row.vat,
                    row.note,
                )
            )
        rows.append((f"Cộng: {group.label}", *blank, group.base, group.vat, None))
    rows.append((GRAND_TOTAL, *blank, register.base, register.vat, None))
    return rows


def to_csv(register: PurchaseRegister) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in table(register):
        writer.writerow(_csv_cell(value) for value in row)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return csv_text(value) if isinstance(value, str) else str(value)


# The table starts under the title and the period: headers on this row of the sheet.
XLSX_HEADER_ROW = 4


def to_xlsx(register: PurchaseRegister) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Bảng kê mua vào"
    sheet.append((TITLE,))
    sheet["A1"].font = Font(bold=True, size=13)
    by = "ngày hạch toán" if register.basis is DateBasis.POSTING else "ngày hóa đơn"
    sheet.append((f"Kỳ: từ {register.start:%d/%m/%Y} đến {register.end:%d/%m/%Y} (theo {by})",))
    sheet.append(())
    sheet.append(HEADERS)
    for cell in sheet[XLSX_HEADER_ROW]:
        cell.font = Font(bold=True)
    marked = PatternFill("solid", start_color="FFF2CC")
    for row in table(register):
        append_row(sheet, row)
        cells = sheet[sheet.max_row]
        cells[4].number_format = "dd/mm/yyyy"
        cells[7].number_format = cells[8].number_format = "#,##0;-#,##0"
        if not isinstance(row[0], int):  # a heading, a subtotal or the total
            for cell in cells:
                cell.font = Font(bold=True)
                if row[7] is not None or row[8] is not None:
                    cell.fill = marked
    widths = {1: 30, 6: 40, 8: 22, 9: 18, 10: 50}
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(
            index, max(14, len(header) // 2 + 4)
        )
    sheet.freeze_panes = f"A{XLSX_HEADER_ROW + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(register: PurchaseRegister, export_format: ExportFormat) -> bytes:
    return to_xlsx(register) if export_format is ExportFormat.XLSX else to_csv(register)
