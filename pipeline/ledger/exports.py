"""Posted entries as a voucher sheet for Vietnamese accounting software (MISA-style import).

One row per line of an entry, paired with the entry's single line on the other side: an
invoice's entry gives a row per debit (expense, stock, VAT) against 331, its reversal a row
per credit against 331. Headers are Vietnamese, as the import templates name them.

Formats:
- XLSX: amounts stay numbers (summable, sortable) shown with `#,##0` (`#,##0.00` for a
  currency with cents): a spreadsheet in a Vietnamese locale shows `1.080.000`, in an
  English one `1,080,000`; dates are dates shown `dd/mm/yyyy`; tax codes, accounts and
  invoice numbers are text, so their leading zeros stay; a bold totals row ends the sheet.
- CSV: for software imports, so unambiguous rather than localised: UTF-8 with a BOM (Excel
  then reads the Vietnamese text right), comma-separated, CRLF, amounts as plain decimals with
  a `.` point and no grouping (`1080000`, `108.54`), dates ISO (`2026-03-05`), no totals row
  (an import would take it for a voucher). An import should read the code columns (voucher
  number, accounts, tax code, invoice form, series, number) as text: a spreadsheet that
  guesses types turns the tax code `0101243150` into a number and drops its leading zero.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from extractors.errors import BackofficeError
from pipeline.ledger.export_options import DateBasis
from pipeline.ledger.safe_cells import append_row, csv_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pipeline.store.models import JournalEntry

HEADERS = (
    "Ngày hạch toán",
    "Ngày chứng từ",
    "Số chứng từ",
    "Diễn giải",
    "TK Nợ",
    "TK Có",
    "Số tiền",
    "Loại tiền",
    "Tỷ giá",
    "Số tiền quy đổi (VND)",
    "Mã số thuế đối tượng",
    "Mẫu số HĐ",
    "Ký hiệu HĐ",
    "Số HĐ",
    "Ngày HĐ",
)
TOTAL_LABEL = "Tổng cộng"


class ExportError(BackofficeError):
    """The entries cannot be shown as the sheet asks."""

    code = "export_refused"
    http_status = 422


class VoucherRow(BaseModel):
    """One row of the voucher sheet: an amount moved from `credit_account` to `debit_account`."""

    model_config = ConfigDict(frozen=True)

    posting_date: date
    voucher_date: date
    voucher_number: str
    description: str
    debit_account: str
    credit_account: str
    amount: Decimal
    currency: str
    exchange_rate: Decimal | None
    amount_vnd: Decimal
    counterparty_tax_id: str | None
    invoice_form: str | None
    invoice_series: str | None
    invoice_number: str | None
    invoice_date: date

    def cells(self) -> tuple[object, ...]:
        return (
            self.posting_date,
            self.voucher_date,
            self.voucher_number,
            self.description,
            self.debit_account,
            self.credit_account,
            self.amount,
            self.currency,
            self.exchange_rate,
            self.amount_vnd,
            self.counterparty_tax_id,
            self.invoice_form,
            self.invoice_series,
            self.invoice_number,
            self.invoice_date,
        )


def voucher_rows(entries: Iterable[JournalEntry]) -> list[VoucherRow]:
    """The sheet's rows for `entries`, in their order. The accounting date serves as posting
    and voucher date: an invoice is booked on its issue date, its reversal on the same day."""
    rows: list[VoucherRow] = []
    for entry in entries:
        debits = [line for line in entry.lines if line.debit]
        credits = [line for line in entry.lines if line.credit]
        if len(credits) == 1:
            pairs = [(line, credits[0], line.debit, line.debit_vnd) for line in debits]
        elif len(debits) == 1:
            pairs = [(debits[0], line, line.credit, line.credit_vnd) for line in credits]
        else:
            raise ExportError(
                f"entry {entry.voucher_number} has several debits and several credits: "
                "it cannot be shown as pairs of accounts"
            )
        for debit, credit, amount, amount_vnd in pairs:
            single = credit if len(credits) == 1 else debit
            many = debit if single is credit else credit
            rows.append(
                VoucherRow(
                    posting_date=entry.entry_date,
                    voucher_date=entry.entry_date,
                    voucher_number=entry.voucher_number,
                    description=many.description or entry.memo,
                    debit_account=debit.account,
                    credit_account=credit.account,
                    amount=amount,
                    currency=entry.currency,
                    exchange_rate=entry.exchange_rate,
                    amount_vnd=amount_vnd,
                    counterparty_tax_id=single.counterparty_tax_id or many.counterparty_tax_id,
                    invoice_form=entry.invoice_form,
                    invoice_series=entry.invoice_series,
                    invoice_number=entry.invoice_number,
                    invoice_date=entry.document_date or entry.entry_date,
                )
            )
    return rows


def totals(rows: Sequence[VoucherRow]) -> tuple[Decimal | None, Decimal]:
    """The amounts added up, in the rows' currency (None when they mix currencies) and in
    VND."""
    currencies = {row.currency for row in rows}
    in_currency = sum((row.amount for row in rows), Decimal(0)) if len(currencies) <= 1 else None
    return in_currency, sum((row.amount_vnd for row in rows), Decimal(0))


def to_csv(rows: Sequence[VoucherRow]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(_csv_cell(value) for value in row.cells())
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, date):
        return value.isoformat()
    return csv_text(value) if isinstance(value, str) else str(value)


def plain_decimal(value: Decimal) -> str:
    """`1080000`, `108.54`, `25432.5`: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_xlsx(rows: Sequence[VoucherRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from pipeline.ledger.journal import NO_MINOR_UNITS

    def amount_format(currency: str) -> str:
        return "#,##0" if currency in NO_MINOR_UNITS else "#,##0.00"

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Chứng từ"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = {
        "Ngày hạch toán": "dd/mm/yyyy",
        "Ngày chứng từ": "dd/mm/yyyy",
        "Ngày HĐ": "dd/mm/yyyy",
        "Tỷ giá": "#,##0.00",
        "Số tiền quy đổi (VND)": "#,##0",
    }
    column = {header: index for index, header in enumerate(HEADERS, start=1)}
    for row in rows:
        append_row(sheet, row.cells())
        cells = sheet[sheet.max_row]
        for header, number_format in formats.items():
            cells[column[header] - 1].number_format = number_format
        cells[column["Số tiền"] - 1].number_format = amount_format(row.currency)
    in_currency, in_vnd = totals(rows)
    total_row: list[str | Decimal | None] = [None] * len(HEADERS)
    total_row[column["Diễn giải"] - 1] = TOTAL_LABEL
    total_row[column["Số tiền"] - 1] = in_currency
    total_row[column["Số tiền quy đổi (VND)"] - 1] = in_vnd
    sheet.append(total_row)
    cells = sheet[sheet.max_row]
    for cell in cells:
        cell.font = Font(bold=True)
    currencies = {row.currency for row in rows}
    cells[column["Số tiền"] - 1].number_format = amount_format(next(iter(currencies), "VND"))
    cells[column["Số tiền quy đổi (VND)"] - 1].number_format = "#,##0"
    widths = {"Diễn giải": 60, "Số chứng từ": 16, "Mã số thuế đối tượng": 18}
    for header, index in column.items():
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(
            header, max(12, len(header) + 2)
        )
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def entries_between(
    session: Session, *, start: date, end: date, basis: DateBasis = DateBasis.POSTING
) -> Sequence[JournalEntry]:
    """Entries whose posting (accounting) date, or invoice date, is within [start, end], by
    posting date then voucher number."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from pipeline.store.models import JournalEntry

    column = JournalEntry.entry_date if basis is DateBasis.POSTING else JournalEntry.document_date
    return session.scalars(
        select(JournalEntry)
        .where(column >= start, column <= end)
        .options(selectinload(JournalEntry.lines))
        .order_by(JournalEntry.entry_date, JournalEntry.voucher_number)
    ).all()
