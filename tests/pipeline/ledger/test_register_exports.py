"""The registers as sheets: what a clerk opens in a spreadsheet or imports elsewhere.

The LibreOffice round trip skips without LibreOffice outside CI and fails under CI=true, as
in tests/pipeline/ledger/test_exports.py.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.processing import rule_book
from pipeline.ledger.register_exports import HEADERS, to_csv, to_xlsx
from pipeline.ledger.registers import Register, rows_between
from pipeline.review.changes import reopen
from pipeline.review.documents import get_document
from pipeline.store.db import transaction
from pipeline.store.models import AuditEvent
from pipeline.store.settings import Settings
from tests.support.machine import ROOT, convert
from tests.support.registers import CONTRACT, CV, REVIEWER, add, approve_one, letter

EVER = (date(2000, 1, 1), date(2100, 12, 31))
# Field separator, quote, UTF-8, from line 1; then the raw values, not the formatted text.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
RAW_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false"


@pytest.fixture
def registered(sessions: sessionmaker[Session], settings: Settings) -> sessionmaker[Session]:
    """Two contracts (one in dollars, one approved twice), a CV, and four letters: three
    arrived in 2026 (one of them approved twice), one on the last day of 2025."""
    rules = rule_book(settings).current()
    approve_one(sessions, add(sessions, "hd1", "contract", CONTRACT))
    dollars = CONTRACT | {
        "contract_number": "SA-2026-07",
        "title": "SERVICE AGREEMENT",
        "total_value": "12500.50",
        "currency": "USD",
        "auto_renewal": False,
    }
    twice = add(sessions, "hd2", "contract", dollars | {"total_value": "1"})
    approve_one(sessions, twice)
    _reopen(sessions, twice, rules, fields=dollars)
    approve_one(sessions, twice)
    approve_one(sessions, add(sessions, "cv", "cv", CV))
    arrivals = (
        datetime(2026, 1, 5, 2, tzinfo=UTC),
        datetime(2025, 12, 31, 2, tzinfo=UTC),
        datetime(2026, 1, 6, 2, tzinfo=UTC),
        datetime(2026, 2, 1, 2, tzinfo=UTC),
    )
    letters = [
        add(sessions, f"cv-{n}-", "dispatch", letter(n), received_at=arrived)
        for n, arrived in enumerate(arrivals)
    ]
    for document_id in letters:
        approve_one(sessions, document_id)
    _reopen(sessions, letters[0], rules, fields=letter(0) | {"subject": "Mời họp"})
    approve_one(sessions, letters[0])
    return sessions


def _reopen(sessions: sessionmaker[Session], document_id: int, rules, *, fields: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    with transaction(sessions) as session:
        document = get_document(session, document_id=document_id)
        reopen(
            session,
            document=document,
            version=document.version,
            reason="corrected",
            rules=rules,
            actor=REVIEWER,
        )
        document.record = (document.record or {}) | {"fields": fields}


def rows(sessions: sessionmaker[Session], register: Register, start: date, end: date) -> list:  # type: ignore[type-arg]
    with sessions() as session:
        return list(rows_between(session, register=register, start=start, end=end))


def test_a_sheet_lists_the_rows_in_force_in_register_order_within_the_range(
    registered: sessionmaker[Session],
) -> None:
    letters = rows(registered, Register.CORRESPONDENCE, date(2026, 1, 1), date(2026, 1, 31))
    # the letter approved twice is listed once, as last approved, with its first number
    assert [(row.arrival_number, row.version, row.subject) for row in letters] == [
        (1, 3, "Mời họp"),  # approved, reopened (withdrawn), approved again
        (2, 1, "Hướng dẫn quyết toán thuế TNCN năm 2025"),
    ]
    contracts = rows(registered, Register.CONTRACTS, *EVER)
    assert [(row.contract_number, row.value) for row in contracts] == [
        ("15/2026/HĐMB", 250000000),
        ("SA-2026-07", Decimal("12500.50")),
    ]


def test_csv_has_vietnamese_headers_plain_numbers_and_iso_dates(
    registered: sessionmaker[Session],
) -> None:
    content = to_csv("correspondence", rows(registered, Register.CORRESPONDENCE, *EVER))
    assert content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == [
        "Số đến",
        "Ngày đến",
        "Tác giả",
        "Số, ký hiệu",
        "Ngày văn bản",
        "Trích yếu nội dung",
        "Độ khẩn",
        "Đơn vị xử lý",
        "Hạn trả lời",
    ]
    assert table[1] == [
        "1",
        "2025-12-31",
        "Cục Thuế TP Hà Nội",
        "1/CV-TCKT",
        "2026-02-10",
        "Hướng dẫn quyết toán thuế TNCN năm 2025",
        "khẩn",
        "",
        "2026-03-15",
    ]
    assert [(row[0], row[1]) for row in table[2:]] == [
        ("1", "2026-01-05"),
        ("2", "2026-01-06"),
        ("3", "2026-02-01"),
    ]

    contracts = to_csv("contracts", rows(registered, Register.CONTRACTS, *EVER))
    [_, vnd, usd] = list(csv.reader(io.StringIO(contracts.decode("utf-8-sig"))))
    assert vnd[3:9] == [
        "Công ty CP An Bình",
        "0312345678",
        "Công ty TNHH Minh Phát",
        "0101243150",
        "250000000",
        "VND",
    ]
    assert (usd[7], usd[12], vnd[12], vnd[13]) == ("12500.5", "Không", "Có", "2027-02-02")

    candidates = to_csv("candidates", rows(registered, Register.CANDIDATES, *EVER))
    [header, lan] = list(csv.reader(io.StringIO(candidates.decode("utf-8-sig"))))
    assert header == list(HEADERS["candidates"])
    assert lan[1:4] == ["Nguyễn Thị Lan", "lan.nguyen@example.vn", "+84912345678"]
    assert (lan[6], lan[7], lan[8]) == ("Python; SQL", "Tiếng Việt; English", "9.5")


def test_xlsx_keeps_dates_and_numbers_with_vietnamese_formats(
    registered: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "contracts.xlsx"
    path.write_bytes(to_xlsx("contracts", rows(registered, Register.CONTRACTS, *EVER)))
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "Sổ hợp đồng"
    assert tuple(cell.value for cell in sheet[1]) == HEADERS["contracts"]
    vnd, usd = sheet[2], sheet[3]
    assert vnd[4].value == "0312345678"  # a tax code stays text, leading zero and all
    assert vnd[7].value == 250000000 and vnd[7].number_format == "#,##0"
    assert usd[7].value == 12500.5 and usd[7].number_format == "#,##0.00"
    assert vnd[9].value == datetime(2026, 3, 1) and vnd[9].number_format == "dd/mm/yyyy"

    letters = load_workbook(
        io.BytesIO(to_xlsx("correspondence", rows(registered, Register.CORRESPONDENCE, *EVER)))
    ).worksheets[0]
    assert letters.title == "Sổ công văn đến"
    assert [row[0].value for row in letters.iter_rows(min_row=2)] == [1, 1, 2, 3]
    assert letters["B2"].value == datetime(2025, 12, 31)


@pytest.fixture
def settings_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    return env | {"BACKOFFICE_DATABASE_URL": database_url, "BACKOFFICE_DATA_DIR": str(tmp_path)}


def backoffice(env: dict[str, str], *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )


@pytest.mark.slow
def test_the_export_commands_write_the_range_asked(
    registered: sessionmaker[Session], settings_env: dict[str, str], tmp_path: Path
) -> None:
    output = tmp_path / "letters.csv"
    done = backoffice(
        settings_env,
        *("export", "correspondence", "--from", "2025-12-01", "--to", "2025-12-31"),
        *("--format", "csv", "--output", output),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{output}: 1 rows"
    table = list(csv.reader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    assert [row[:2] for row in table[1:]] == [["1", "2025-12-31"]]

    workbook = tmp_path / "candidates.xlsx"
    done = backoffice(
        settings_env,
        *("export", "candidates", "--from", "2000-01-01", "--to", "2100-12-31"),
        *("--output", workbook),
    )
    assert done.returncode == 0, done.stderr
    assert load_workbook(workbook).worksheets[0]["B2"].value == "Nguyễn Thị Lan"

    wrong_way = backoffice(
        settings_env, "export", "contracts", "--from", "2026-12-31", "--to", "2026-01-01"
    )
    assert wrong_way.returncode == 2
    assert "--to 2026-01-01 is before --from 2026-12-31" in wrong_way.stderr


@pytest.mark.slow
def test_the_purge_command_anonymises_candidates_past_retention(
    registered: sessionmaker[Session], settings_env: dict[str, str]
) -> None:
    [candidate] = rows(registered, Register.CANDIDATES, *EVER)
    on_time = backoffice(settings_env, "registers", "purge", "--today", candidate.retain_until)
    assert on_time.returncode == 0, on_time.stderr
    assert on_time.stdout.strip() == "0 candidate row(s) past retention anonymised"
    day_after = date.fromordinal(candidate.retain_until.toordinal() + 1)
    late = backoffice(settings_env, "registers", "purge", "--today", day_after)
    assert late.returncode == 0, late.stderr
    assert late.stdout.strip() == "1 candidate row(s) past retention anonymised"
    [purged] = rows(registered, Register.CANDIDATES, *EVER)
    assert (purged.full_name, purged.email, purged.anonymised_at is not None) == (
        None,
        None,
        True,
    )
    with registered() as session:
        events = session.query(AuditEvent).filter_by(kind="candidate_anonymised").all()
        assert [event.document_id for event in events] == [candidate.document_id]


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("register", ["contracts", "candidates", "correspondence"])
def test_libreoffice_opens_each_register_sheet_as_written(
    registered: sessionmaker[Session], tmp_path: Path, register: str
) -> None:
    in_force = rows(registered, Register(register), *EVER)
    xlsx = tmp_path / f"{register}.xlsx"
    xlsx.write_bytes(to_xlsx(register, in_force))
    opened = convert(xlsx, RAW_CSV, tmp_path).read_text("utf-8")
    exported = to_csv(register, in_force).decode("utf-8-sig")
    # LibreOffice reads back what the CSV says, cell for cell; raw dates come out in the
    # default form of its fresh profile (month first), and are compared as dates.
    table = list(csv.reader(io.StringIO(opened)))
    expected = list(csv.reader(io.StringIO(exported)))
    assert table[0] == expected[0] == list(HEADERS[register])
    assert len(table) == len(expected) == 1 + len(in_force)
    for got, want in zip(table[1:], expected[1:], strict=True):
        for header, cell, value in zip(HEADERS[register], got, want, strict=True):
            if ISO_DAY.fullmatch(value):
                shown = datetime.strptime(cell, "%m/%d/%Y").date()
                assert shown == date.fromisoformat(value), header
            elif value and value.replace(".", "", 1).isdigit() and not value.startswith("0"):
                assert Decimal(cell) == Decimal(value), header
            else:
                assert cell == value, header
