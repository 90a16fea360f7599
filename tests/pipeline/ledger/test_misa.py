"""MISA SME's purchase voucher import file: the template's sheet and headers in order, one row
per voucher line with the supplier's code, Vietnamese descriptions and VAT columns, amounts as
numbers, read back as MISA and LibreOffice would.

The LibreOffice round trip needs `libreoffice` (scripts/setup.sh test): outside CI the test
skips without it, under CI=true it fails.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger import suppliers
from pipeline.ledger.exports import ExportError
from pipeline.ledger.misa import TEMPLATE, purchase_vouchers, to_xlsx
from pipeline.ledger.periods import Month, close_month
from pipeline.ledger.posting import current_mapping, reverse_posted
from pipeline.store.db import transaction
from tests.support.documents import INVOICE_FIELDS
from tests.support.machine import ROOT, convert
from tests.support.purchases import (
    ACCOUNTANT,
    CANCELLED,
    IN_DOLLARS,
    MARCH,
    MIXED,
    ODD_RATE,
    post,
)

AMOUNTS = ("Tỷ giá", "Thành tiền", "Thành tiền quy đổi", "Tiền thuế GTGT", "Tiền thuế GTGT quy đổi")
# The template as kept in the repository, read on its own: what MISA's import expects.
TEMPLATE_HEADERS = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["headers"]


def code_supplier(sessions: sessionmaker[Session], tax_id: str, code: str) -> None:
    with transaction(sessions) as session:
        suppliers.update_supplier(
            session,
            tax_id=tax_id,
            changes=suppliers.SupplierChanges(code=code),
            actor=ACCOUNTANT,
            mapping=current_mapping(),
        )


@pytest.fixture
def march(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """March 2026: a mixed-rate invoice, a dollar one, and one posted and reversed; the
    supplier coded NCC001."""
    post(sessions, "a", MIXED)
    post(sessions, "b", IN_DOLLARS)
    cancelled = post(sessions, "c", CANCELLED)
    with transaction(sessions) as session:
        reverse_posted(session, document_id=cancelled, actor=ACCOUNTANT)
    code_supplier(sessions, "0101243150", "NCC001")
    return sessions


def written(sessions: sessionmaker[Session], tmp_path: Path) -> Path:
    with sessions() as session:
        misa = purchase_vouchers(session, start=MARCH[0], end=MARCH[1])
    path = tmp_path / "misa.xlsx"
    path.write_bytes(to_xlsx(misa))
    return path


def test_one_row_per_voucher_line_under_the_templates_headers_amounts_as_numbers(
    march: sessionmaker[Session], tmp_path: Path
) -> None:
    sheet = load_workbook(written(march, tmp_path)).worksheets[0]
    assert sheet.title == "Mua hang trong nuoc"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == TEMPLATE_HEADERS
    body = [dict(zip(TEMPLATE_HEADERS, row, strict=True)) for row in rows[1:]]
    # The reversed invoice and its reversal cancel; no totals row: every row is a voucher's.
    assert [
        (
            row["Số phiếu nhập (*)"],
            row["TK kho/TK chi phí (*)"],
            row["% thuế GTGT"],
            row["Thành tiền"],
            row["Tiền thuế GTGT"],
            row["TK thuế GTGT"],
        )
        for row in body
    ] == [
        ("PN2026/000001", "156", 10, 3000000, 300000, "1331"),
        ("PN2026/000001", "642", 8, 1000000, 80000, "1331"),
        ("PN2026/000001", "156", "KCT", 500000, 0, None),
        ("PN2026/000002", "642", 10, 100.5, 10.05, "1331"),
    ]
    for row in body:
        assert all(isinstance(row[header], int | float) for header in AMOUNTS), row
        assert (row["Mã nhà cung cấp"], row["Mã số thuế"]) == ("NCC001", "0101243150")
        assert row["TK công nợ/TK tiền (*)"] == "331"
        assert row["Ngày hạch toán (*)"].date() == date(2026, 3, 5) or row["Loại tiền"] == "USD"
    first, dollars = body[0], body[-1]
    assert (first["Mẫu số HĐ"], first["Ký hiệu HĐ"], first["Số hóa đơn"]) == (
        "1",
        "C26TAA",
        "0000300",
    )
    assert first["Ngày hóa đơn"].date() == date(2026, 3, 5)
    assert first["Diễn giải"] == (
        "Mua hàng của Công ty TNHH Minh Phát theo hóa đơn số 0000300 ký hiệu 1C26TAA "
        "ngày 05/03/2026"
    )
    assert (first["Tên hàng"], body[1]["Tên hàng"]) == ("Hàng hóa", "Chi phí quản lý doanh nghiệp")
    assert (dollars["Loại tiền"], dollars["Tỷ giá"], dollars["Thành tiền quy đổi"]) == (
        "USD",
        25400,
        2552700,
    )
    assert dollars["Tiền thuế GTGT quy đổi"] == 255270


def test_a_foreign_invoices_rows_add_up_to_what_is_owed_in_the_books(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    post(sessions, "e", ODD_RATE)
    code_supplier(sessions, "0101243150", "NCC001")
    sheet = load_workbook(written(sessions, tmp_path)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    body = [dict(zip(TEMPLATE_HEADERS, row, strict=True)) for row in rows[1:]]
    # 32.69 USD at 25,432.5 is 831,388 owed; each purchase converted on its own made 831,389.
    assert [(row["Thành tiền quy đổi"], row["Tiền thuế GTGT quy đổi"]) for row in body] == [
        (254579, 25433),
        (509412, 40692),
        (1272, 0),
    ]
    assert sum(row["Thành tiền quy đổi"] + row["Tiền thuế GTGT quy đổi"] for row in body) == 831388


def test_suppliers_without_a_code_refuse_the_file_naming_each(
    sessions: sessionmaker[Session],
) -> None:
    post(sessions, "a", MIXED)
    post(
        sessions,
        "b",
        INVOICE_FIELDS
        | {
            "invoice_number": "0000900",
            "issue_date": "2026-03-20",
            "seller": {"name": "Công ty CP Sao Mai", "tax_id": "0309876543"},
        },
    )
    code_supplier(sessions, "0101243150", "NCC001")
    with sessions() as session, pytest.raises(ExportError) as refused:
        purchase_vouchers(session, start=MARCH[0], end=MARCH[1])
    assert "0309876543 Công ty CP Sao Mai" in str(refused.value)
    assert "0101243150" not in str(refused.value)


def test_a_reversal_of_an_invoice_outside_the_range_is_left_out_and_reported(
    march: sessionmaker[Session],
) -> None:
    with transaction(march) as session:
        close_month(session, month=Month(2026, 3), actor="admin")
    with transaction(march) as session:
        # March is closed: the reversal posts today, and March's file keeps the invoice.
        reversal = reverse_posted(session, document_id=1, actor=ACCOUNTANT)
        reversed_on = reversal.entry_date
    with march() as session:
        march_file = purchase_vouchers(session, start=MARCH[0], end=MARCH[1])
        today_file = purchase_vouchers(session, start=reversed_on, end=reversed_on)
    assert {row["Số phiếu nhập (*)"] for row in march_file.rows} == {
        "PN2026/000001",
        "PN2026/000002",
    }
    assert today_file.rows == []
    assert today_file.left_out == [
        f"{reversal.voucher_number} reverses PN2026/000001, posted outside the range: "
        "cancel that voucher in MISA"
    ]


# Field separator, quote, UTF-8, from line 1; then the raw values, not the formatted text.
_CSV_RAW = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false"


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_libreoffice_opens_the_file_with_the_templates_headers_and_numbers(
    march: sessionmaker[Session], tmp_path: Path
) -> None:
    opened = convert(written(march, tmp_path), _CSV_RAW, tmp_path).read_text("utf-8")
    table = list(csv.reader(io.StringIO(opened)))
    assert table[0] == TEMPLATE_HEADERS
    body = [dict(zip(TEMPLATE_HEADERS, row, strict=True)) for row in table[1:]]
    assert len(body) == 4
    for row in body:
        for header in AMOUNTS:
            Decimal(row[header])  # a number, as LibreOffice holds it
    assert sum(Decimal(row["Thành tiền quy đổi"]) for row in body) == 4500000 + 2552700
    assert body[0]["Mã số thuế"] == "0101243150"


@pytest.fixture
def settings_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    return env | {"BACKOFFICE_DATABASE_URL": database_url, "BACKOFFICE_DATA_DIR": str(tmp_path)}


def test_the_command_writes_the_file_or_says_which_suppliers_need_a_code(
    sessions: sessionmaker[Session], settings_env: dict[str, str], tmp_path: Path
) -> None:
    post(sessions, "a", MIXED)
    output = tmp_path / "misa.xlsx"
    command = [sys.executable, "-m", "pipeline.cli", "export", "misa"]
    command += ["--from", "2026-03-01", "--to", "2026-03-31", "--output", str(output)]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, capture_output=True, text=True, timeout=120, cwd=ROOT, env=settings_env
        )

    refused = run()
    assert refused.returncode == 1
    assert "0101243150 Công ty TNHH Minh Phát" in refused.stderr
    assert not output.exists()
    code_supplier(sessions, "0101243150", "NCC001")
    done = run()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{output}: 1 vouchers, 3 rows"
    assert load_workbook(output).worksheets[0].max_row == 4
