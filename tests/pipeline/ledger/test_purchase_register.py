"""The purchase invoice register (bảng kê hóa đơn mua vào): invoices by VAT rate, with subtotals
and a total that are the ledger's, reversals cancelling, as an accountant files it."""

from __future__ import annotations

import csv
import io
import itertools
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger.export_options import DateBasis
from pipeline.ledger.periods import Month, close_month
from pipeline.ledger.posting import reverse_posted
from pipeline.ledger.purchase_register import (
    GRAND_TOTAL,
    HEADERS,
    XLSX_HEADER_ROW,
    purchase_register,
    to_csv,
    to_xlsx,
)
from pipeline.store.db import transaction
from pipeline.store.models import JournalEntry, JournalLine
from rules.functions import business_today
from tests.support.documents import INVOICE_FIELDS
from tests.support.machine import convert
from tests.support.purchases import (
    ACCOUNTANT,
    CANCELLED,
    FEBRUARY,
    IN_DOLLARS,
    MARCH,
    MIXED,
    ODD_RATE,
    post,
)


@pytest.fixture
def march(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """March 2026: a mixed-rate invoice, a dollar one, one posted and reversed in March; and a
    February invoice reversed in March, after February closed."""
    for name, fields in (("a", MIXED), ("b", IN_DOLLARS)):
        post(sessions, name, fields)
    cancelled = post(sessions, "c", CANCELLED)
    february = post(sessions, "d", FEBRUARY)
    with transaction(sessions) as session:
        reverse_posted(session, document_id=cancelled, actor=ACCOUNTANT)
        close_month(session, month=Month(2026, 2), actor="admin")
    with transaction(sessions) as session:
        # February is closed: the reversal posts today, in the month open now.
        reverse_posted(session, document_id=february, actor=ACCOUNTANT)
    return sessions


def groups_of(sessions: sessionmaker[Session], start: date, end: date, basis: DateBasis) -> dict:  # type: ignore[type-arg]
    with sessions() as session:
        register = purchase_register(session, start=start, end=end, basis=basis)
    return {
        group.label: [(row.invoice_number, row.base, row.vat) for row in group.rows]
        for group in register.groups
    }


def test_invoices_are_grouped_by_rate_and_a_reversal_in_the_period_cancels(
    march: sessionmaker[Session],
) -> None:
    assert groups_of(march, *MARCH, DateBasis.POSTING) == {
        "Thuế suất 8%": [("0000300", Decimal(1000000), Decimal(80000))],
        "Thuế suất 10%": [
            ("0000300", Decimal(3000000), Decimal(300000)),
            ("0000301", Decimal(2552700), Decimal(255270)),
        ],
        "Không chịu thuế GTGT (KCT)": [("0000300", Decimal(500000), Decimal(0))],
    }


def test_a_reversal_of_an_earlier_period_is_a_negative_row_naming_what_it_cancels(
    march: sessionmaker[Session],
) -> None:
    today = business_today()
    with march() as session:
        register = purchase_register(
            session, start=today.replace(day=1), end=today, basis=DateBasis.POSTING
        )
    (group,) = register.groups
    (row,) = group.rows
    assert (group.label, row.invoice_number, row.base, row.vat) == (
        "Thuế suất 8%",
        "0000303",
        Decimal(-1000000),
        Decimal(-80000),
    )
    assert row.invoice_date == date(2026, 2, 20)
    assert "hủy chứng từ PN2026/" in row.note and "ngày 20/02/2026" in row.note
    # By invoice date, February's invoice and its reversal cancel wherever they posted.
    assert groups_of(march, date(2026, 2, 1), date(2026, 2, 28), DateBasis.DOCUMENT) == {}


def test_the_bases_of_a_foreign_invoice_add_up_to_its_expense_line(
    sessions: sessionmaker[Session],
) -> None:
    post(sessions, "e", ODD_RATE)
    with sessions() as session:
        (expense,) = session.scalars(
            select(JournalLine.debit_vnd).where(JournalLine.account == "642")
        ).all()
    # Each converted on its own, 254,579 + 509,413 + 1,272 would be 765,264.
    assert expense == 765263
    assert groups_of(sessions, *MARCH, DateBasis.POSTING) == {
        "Thuế suất 8%": [("0000304", Decimal(509412), Decimal(40692))],
        "Thuế suất 10%": [("0000304", Decimal(254579), Decimal(25433))],
        "Không chịu thuế GTGT (KCT)": [("0000304", Decimal(1272), Decimal(0))],
    }


def test_a_reversal_states_the_vat_it_takes_off_the_cost_negative(
    sessions: sessionmaker[Session],
) -> None:
    over_the_cash_limit = FEBRUARY | {
        "payment_method": "cash",
        "subtotal": "30000000",
        "vat_amount": "2400000",
        "total": "32400000",
    }
    february = post(sessions, "f", over_the_cash_limit)
    with transaction(sessions) as session:
        close_month(session, month=Month(2026, 2), actor="admin")
    with transaction(sessions) as session:
        reverse_posted(session, document_id=february, actor=ACCOUNTANT)
    today = business_today()
    with sessions() as session:
        posted = purchase_register(
            session, start=date(2026, 2, 1), end=date(2026, 2, 28), basis=DateBasis.POSTING
        )
        reversed_ = purchase_register(
            session, start=today.replace(day=1), end=today, basis=DateBasis.POSTING
        )
    ((row,),) = [group.rows for group in posted.groups]
    ((reversal,),) = [group.rows for group in reversed_.groups]
    assert row.base == 30000000
    assert "thuế GTGT 2.400.000 đ không được khấu trừ" in row.note
    assert reversal.base == -30000000
    assert "thuế GTGT -2.400.000 đ không được khấu trừ" in reversal.note


def test_csv_has_the_forms_columns_subtotals_per_rate_and_the_total(
    march: sessionmaker[Session],
) -> None:
    with march() as session:
        register = purchase_register(session, start=MARCH[0], end=MARCH[1])
    content = to_csv(register)
    assert content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert tuple(table[0]) == HEADERS
    assert [row[0] for row in table[1:]] == [
        "1. Thuế suất 8%",
        "1",
        "Cộng: Thuế suất 8%",
        "2. Thuế suất 10%",
        "1",
        "2",
        "Cộng: Thuế suất 10%",
        "3. Không chịu thuế GTGT (KCT)",
        "1",
        "Cộng: Không chịu thuế GTGT (KCT)",
        GRAND_TOTAL,
    ]
    assert table[2][1:9] == [
        "1",
        "C26TAA",
        "0000300",
        "2026-03-05",
        "Công ty TNHH Minh Phát",
        "0101243150",
        "1000000",
        "80000",
    ]
    assert table[-1][7:9] == ["7052700", "635270"]
    assert all(len(row) == len(HEADERS) for row in table)


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_libreoffice_opens_the_register_with_numbers_and_marked_subtotals(
    march: sessionmaker[Session], tmp_path: Path
) -> None:
    with march() as session:
        register = purchase_register(session, start=MARCH[0], end=MARCH[1])
    path = tmp_path / "bang_ke.xlsx"
    path.write_bytes(to_xlsx(register))
    sheet = load_workbook(convert(path, "xlsx", tmp_path)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=XLSX_HEADER_ROW)]
    assert tuple(rows[0]) == HEADERS
    body = [row for row in rows[1:] if isinstance(row[0], int)]
    subtotals = [row for row in rows[1:] if str(row[0]).startswith("Cộng")]
    assert all(isinstance(row[7], int | float) and isinstance(row[8], int | float) for row in body)
    assert [row[8] for row in subtotals] == [80000, 555270, 0]
    assert rows[-1][0] == GRAND_TOTAL and rows[-1][7:9] == [7052700, 635270]
    assert sheet.cell(XLSX_HEADER_ROW + 3, 1).font.b  # a subtotal is bold


# --- the register's totals are the ledger's ---------------------------------------------------

_RATES = ["0", "5", "8", "10", "KCT", "KKKNT"]
_PERCENT = {"0": 0, "5": 5, "8": 8, "10": 10, "KCT": 0, "KKKNT": 0}
_DESCRIPTIONS = ["Hàng hóa: gạo", "Dịch vụ vận chuyển", "Văn phòng phẩm"]
# Past years, each example its own: closed months and windows stay its own.
_years = itertools.count(1000)


@st.composite
def invoice_lines(draw: st.DrawFn) -> list[tuple[str, str, int]]:
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(_DESCRIPTIONS),
                st.sampled_from(_RATES),
                st.integers(min_value=1, max_value=10**9),
            ),
            min_size=1,
            max_size=4,
        )
    )


def _fields(number: str, day: date, lines: list[tuple[str, str, int]]) -> dict:  # type: ignore[type-arg]
    subtotal = sum(amount for _, _, amount in lines)
    vat = sum(
        (Decimal(amount) * _PERCENT[rate] / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        for _, rate, amount in lines
    )
    return INVOICE_FIELDS | {
        "invoice_number": number,
        "issue_date": day.isoformat(),
        "line_items": [
            {"description": text, "amount": str(amount), "vat_rate": rate}
            for text, rate, amount in lines
        ],
        "subtotal": str(subtotal),
        "vat_amount": str(vat),
        "total": str(subtotal + vat),
        "vat_rate": None,
    }


def _ledger_vat(session: Session, start: date, end: date) -> dict[str | None, Decimal]:
    """The input VAT lines of the entries posted in [start, end], by rate, signed."""
    vat: dict[str | None, Decimal] = defaultdict(Decimal)
    lines = session.execute(
        select(JournalLine.vat_rate, JournalLine.debit_vnd - JournalLine.credit_vnd)
        .join(JournalEntry)
        .where(
            JournalEntry.entry_date >= start,
            JournalEntry.entry_date <= end,
            JournalLine.account.like("133%"),
        )
    )
    for rate, amount in lines:
        vat[rate] += amount
    return {rate: amount for rate, amount in vat.items() if amount}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    invoices=st.lists(
        st.tuples(
            invoice_lines(),
            st.integers(min_value=1, max_value=3),  # the month
            st.sampled_from(["kept", "reversed", "reversed after closing"]),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_register_totals_per_rate_are_the_posted_vat_lines_and_the_invoices_bases(
    sessions: sessionmaker[Session],
    invoices: list[tuple[list[tuple[str, str, int]], int, str]],
) -> None:
    year = next(_years)
    # By basis, the bases each month's register holds: by invoice date an invoice and its
    # reversal always cancel; by posting date, a reversal made after its month closed posts
    # in the month open now, and the invoice stays in its own month's register.
    bases: dict[DateBasis, dict[int, dict[str, Decimal]]] = {
        basis: defaultdict(lambda: defaultdict(Decimal)) for basis in DateBasis
    }
    posted: dict[str, list[int]] = defaultdict(list)
    for index, (lines, month, fate) in enumerate(invoices):
        day = date(year, month, 10 + index)
        document_id = post(sessions, f"p{year}-{index}", _fields(f"{year}{index:03d}", day, lines))
        posted[fate].append(document_id)
        held = {"kept": list(DateBasis), "reversed": [], "reversed after closing": []}[fate]
        if fate == "reversed after closing":
            held = [DateBasis.POSTING]
        for basis in held:
            for _, rate, amount in lines:
                bases[basis][month][rate] += amount
    # Reversals once all are posted, those after closing last: a closed month takes nothing.
    for document_id in posted["reversed"]:
        with transaction(sessions) as session:
            reverse_posted(session, document_id=document_id, actor=ACCOUNTANT)
    with transaction(sessions) as session:
        for month in {month for _, month, fate in invoices if fate == "reversed after closing"}:
            close_month(session, month=Month(year, month), actor="admin")
    for document_id in posted["reversed after closing"]:
        with transaction(sessions) as session:
            reverse_posted(session, document_id=document_id, actor=ACCOUNTANT)
    today = business_today()
    windows = [
        (date(year, 1, 1), date(year, 1, 31)),
        (date(year, 2, 1), date(year, 3, 31)),
        (date(year, 1, 1), date(year, 12, 31)),
        (today.replace(day=1), today),  # where reversals after closing land
    ]
    with sessions() as session:
        for start, end in windows:
            for basis in DateBasis:
                register = purchase_register(session, start=start, end=end, basis=basis)
                vat = {g.vat_rate: g.vat for g in register.groups if g.vat}
                base = {g.vat_rate: g.base for g in register.groups if g.base}
                assert register.vat == sum(vat.values(), Decimal(0))
                if basis is DateBasis.POSTING:
                    assert vat == _ledger_vat(session, start, end)
                if start.year != year:
                    continue
                expected: dict[str, Decimal] = defaultdict(Decimal)
                for month, by_rate in bases[basis].items():
                    if start.month <= month <= end.month:
                        for rate, amount in by_rate.items():
                            expected[rate] += amount
                assert base == {rate: amount for rate, amount in expected.items() if amount}
