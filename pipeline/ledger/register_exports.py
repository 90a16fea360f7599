"""The registers as sheets over a date range, with Vietnamese headers: the contract register,
the candidate register and the register of incoming letters (laid out like the `sổ đăng ký
văn bản đến` of Decree 30/2020/ND-CP: arrival number, arrival date, issuer, number and
symbol, date, subject, handling unit).

A sheet lists the rows in force (the latest version of each document) whose register day
falls in the range: the arrival date for letters, the day of entry otherwise. Formats follow
the entries export (pipeline/ledger/exports.py): XLSX keeps numbers and dates as such, shown in
Vietnamese formats, codes as text; CSV is UTF-8 with a BOM, plain numbers, ISO dates. A list
(skills, languages) is one cell, its items joined by `; `.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from pipeline.ledger.safe_cells import append_row, csv_text

if TYPE_CHECKING:
    from pipeline.store.models import ContractRegisterRow, RegisterRow

Cell = str | int | float | Decimal | date | None

# By register name (pipeline.ledger.registers.Register): the command line lists them without
# loading the database models.
SHEET_TITLES = {
    "contracts": "Sổ hợp đồng",
    "candidates": "Sổ ứng viên",
    "correspondence": "Sổ công văn đến",
}
HEADERS: dict[str, tuple[str, ...]] = {
    "contracts": (
        "Ngày vào sổ",
        "Số hợp đồng",
        "Tên hợp đồng",
        "Bên A",
        "MST bên A",
        "Bên B",
        "MST bên B",
        "Giá trị",
        "Loại tiền",
        "Ngày ký",
        "Ngày hiệu lực",
        "Ngày hết hạn",
        "Tự động gia hạn",
        "Ngày nhắc hạn",
    ),
    "candidates": (
        "Ngày vào sổ",
        "Họ và tên",
        "Email",
        "Điện thoại",
        "Nơi ở",
        "Ngày sinh",
        "Kỹ năng",
        "Ngoại ngữ",
        "Số năm kinh nghiệm",
        "Chức danh gần nhất",
        "Nơi làm việc gần nhất",
        "Lưu đến ngày",
    ),
    "correspondence": (
        "Số đến",
        "Ngày đến",
        "Tác giả",
        "Số, ký hiệu",
        "Ngày văn bản",
        "Trích yếu nội dung",
        "Độ khẩn",
        "Đơn vị xử lý",
        "Hạn trả lời",
    ),
}
DATE_FORMAT = "dd/mm/yyyy"
YES, NO = "Có", "Không"


def _party(row: ContractRegisterRow, role: str) -> tuple[str | None, str | None]:
    party = next((p for p in row.parties if p.get("role") == role), {})
    return party.get("name"), party.get("tax_id")


def cells(row: RegisterRow) -> tuple[Cell, ...]:
    """A row's cells, in its register's column order."""
    from pipeline.store.models import (
        CandidateRegisterRow,
        ContractRegisterRow,
        CorrespondenceRegisterRow,
    )

    if isinstance(row, ContractRegisterRow):
        return (
            row.registered_on,
            row.contract_number,
            row.title,
            *_party(row, "party_a"),
            *_party(row, "party_b"),
            row.value,
            row.currency,
            row.signing_date,
            row.effective_date,
            row.expiry_date,
            YES if row.auto_renewal else NO,
            row.reminder_date,
        )
    if isinstance(row, CandidateRegisterRow):
        return (
            row.registered_on,
            row.full_name,
            row.email,
            row.phone,
            row.location,
            row.date_of_birth,
            "; ".join(row.skills),
            "; ".join(row.languages),
            row.years_of_experience,
            row.latest_title,
            row.latest_employer,
            row.retain_until,
        )
    if isinstance(row, CorrespondenceRegisterRow):
        return (
            row.arrival_number,
            row.arrival_date,
            row.issuer,
            row.dispatch_number,
            row.issue_date,
            row.subject,
            row.urgency,
            row.handling_unit,
            row.reply_deadline,
        )
    raise TypeError(f"{type(row).__name__} is no register row")


def to_csv(register: str, rows: Sequence[RegisterRow]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS[register])
    for row in rows:
        writer.writerow(_csv_cell(value) for value in cells(row))
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, date):
        return value.isoformat()
    return csv_text(value) if isinstance(value, str) else str(value)


def to_xlsx(register: str, rows: Sequence[RegisterRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from pipeline.ledger.journal import NO_MINOR_UNITS
    from pipeline.store.models import CandidateRegisterRow, ContractRegisterRow

    headers = HEADERS[register]
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = SHEET_TITLES[register]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, cells(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date | datetime):
                cell.number_format = DATE_FORMAT
        if isinstance(row, ContractRegisterRow):
            value = sheet.cell(sheet.max_row, headers.index("Giá trị") + 1)
            value.number_format = (
                "#,##0" if (row.currency or "VND") in NO_MINOR_UNITS else "#,##0.00"
            )
        elif isinstance(row, CandidateRegisterRow):
            sheet.cell(sheet.max_row, headers.index("Số năm kinh nghiệm") + 1).number_format = "0.0"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
