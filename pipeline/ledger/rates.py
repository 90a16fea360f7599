"""The exchange rate table: a day's rate of each currency in đồng, by the kinds a bank quotes
(cash buying, transfer buying, selling), imported from the bank's published table or entered.

A foreign-currency invoice that prints no rate is booked at the table's rate of its date, of
the kind the company's rule names (`BACKOFFICE_EXCHANGE_RATE_KIND`, the selling rate by
default); a day with none (a weekend, a holiday) takes the latest rate of the days before,
up to `BACKOFFICE_EXCHANGE_RATE_MAX_AGE_DAYS`. The entry records which rate it used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.errors import BackofficeError
from pipeline.access import audit
from pipeline.ledger.sheets import TableError, cell_date, cell_number, folded_header, read_rows
from pipeline.store.models import ExchangeRate, utcnow
from pipeline.store.settings import get_settings

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
RateKind = Literal["cash", "transfer", "sell"]
KINDS: tuple[RateKind, ...] = ("cash", "transfer", "sell")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# A rate of đồng per unit: from a yen's ~170 to a pound's ~33,000, with room either side.
_MIN_RATE, _MAX_RATE = Decimal("0.0001"), Decimal("10000000")


class RateError(BackofficeError):
    code = "invalid_rate"
    http_status = 422


@dataclass(frozen=True)
class FoundRate:
    currency: str
    day: date
    kind: str
    rate: Decimal
    source: str

    def label(self) -> str:
        """What the entry records as its rate's origin."""
        return f"table {self.day.isoformat()} {self.kind} {self.source}"[:120]


class RateProblem(BaseModel):
    row: int
    problem: str


class RatesReport(BaseModel):
    stored: int = Field(description="Rates added or changed.")
    unchanged: int
    problems: list[RateProblem] = Field(
        description="Why rows were refused; when any is, nothing was imported."
    )


def rate_for(
    session: Session,
    *,
    currency: str,
    day: date,
    kind: RateKind | None = None,
    max_age_days: int | None = None,
) -> FoundRate | None:
    """The table's rate of the currency on the day, or the latest of the days before within
    the allowed age; None when there is none."""
    settings = get_settings()
    kind = kind or settings.exchange_rate_kind
    age = settings.exchange_rate_max_age_days if max_age_days is None else max_age_days
    row = session.scalar(
        select(ExchangeRate)
        .where(
            ExchangeRate.currency == currency.upper(),
            ExchangeRate.kind == kind,
            ExchangeRate.day <= day,
            ExchangeRate.day >= day - timedelta(days=age),
        )
        .order_by(ExchangeRate.day.desc())
        .limit(1)
    )
    if row is None:
        return None
    return FoundRate(row.currency, row.day, row.kind, row.rate, row.source)


def set_rate(
    session: Session,
    *,
    currency: str,
    day: date,
    kind: RateKind,
    rate: Decimal,
    source: str,
    actor: str,
) -> bool:
    """Store a rate (audited); False when the table already held exactly it."""
    currency = currency.strip().upper()
    if not _CURRENCY.fullmatch(currency) or currency == "VND":
        raise RateError(f"{currency!r} is not a foreign currency code (USD, EUR, JPY, …)")
    if not _MIN_RATE <= rate <= _MAX_RATE:
        raise RateError(f"{rate} is not a rate in đồng per {currency}")
    row = session.get(ExchangeRate, (currency, day, kind))
    if row is not None and row.rate == rate:
        return False
    if row is None:
        session.add(
            ExchangeRate(
                currency=currency,
                day=day,
                kind=kind,
                rate=rate,
                source=source[:60],
                entered_by=actor[:255],
            )
        )
        before = None
    else:
        before = str(row.rate)
        row.rate, row.source, row.entered_by, row.entered_at = rate, source[:60], actor, utcnow()
    audit.record(
        session,
        actor=actor,
        kind="exchange_rate_set",
        data={
            "currency": currency,
            "day": day.isoformat(),
            "kind": kind,
            "rate": str(rate),
            "before": before,
            "source": source[:60],
        },
    )
    session.flush()
    return True


# Header words, folded, of each column: ours, and those of the tables banks publish.
_HEADERS: dict[str, tuple[str, ...]] = {
    "day": ("day", "date", "ngay", "ngay ap dung"),
    "currency": (
        "currency",
        "currency code",
        "ma ngoai te",
        "ma nt",
        "ngoai te",
        "loai ngoai te",
    ),
    "cash": ("cash", "cash buying", "buy cash", "mua tien mat", "mua tm"),
    "transfer": (
        "transfer",
        "transfer buying",
        "buy transfer",
        "telegraphic buying",
        "mua chuyen khoan",
        "mua ck",
    ),
    "sell": ("sell", "selling", "ban", "ban ra", "gia ban"),
}
_COLUMN_OF = {alias: column for column, aliases in _HEADERS.items() for alias in aliases}


def import_rates(
    session: Session,
    *,
    content: bytes,
    source: str,
    actor: str,
    day: date | None = None,
) -> RatesReport:
    """Store the rates a bank's table (CSV or XLSX) lists, all or nothing. A table without a
    date column is the rates of `day`."""
    try:
        rows = read_rows(content, max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS)
    except TableError as exc:
        raise RateError(str(exc)) from exc
    header_index, columns = _header(rows)
    if "day" not in columns and day is None:
        raise RateError("the table has no date column: say which day its rates are of")
    problems: list[RateProblem] = []
    wanted: list[tuple[str, date, RateKind, Decimal]] = []
    # Some banks quote a currency once per note size (`USD (1-2)`, `USD (50-100)`): which
    # one the company books at is its decision, not the last row's.
    seen: dict[tuple[str, date], int] = {}
    for number, cells in enumerate(rows[header_index + 1 :], start=header_index + 2):

        def cell(column: str, cells: list[object] = cells) -> object:
            index = columns.get(column)
            return cells[index] if index is not None and index < len(cells) else None

        code = str(cell("currency") or "").strip().upper()[:3]
        if not code:
            continue  # blank rows, and a table's footnotes
        if not _CURRENCY.fullmatch(code) or code == "VND":
            problems.append(RateProblem(row=number, problem=f"{code!r} is not a currency code"))
            continue
        row_day = day
        if "day" in columns:
            row_day = cell_date(cell("day"))
            if row_day is None:
                problems.append(RateProblem(row=number, problem=f"no date: {cell('day')!r}"))
                continue
        assert row_day is not None
        if (code, row_day) in seen:
            problems.append(
                RateProblem(
                    row=number,
                    problem=f"{code} of {row_day} is listed already, row {seen[code, row_day]}: "
                    "keep the row of the rate the company books at",
                )
            )
            continue
        seen[code, row_day] = number
        for kind in KINDS:
            if kind not in columns:
                continue
            raw = cell(kind)
            if raw is None or str(raw).strip() in ("", "-", "—"):
                continue  # banks quote no cash rate for some currencies
            rate = cell_number(raw)
            if rate is None or not _MIN_RATE <= rate <= _MAX_RATE:
                problems.append(RateProblem(row=number, problem=f"{kind}: {raw!r} is not a rate"))
                continue
            wanted.append((code, row_day, kind, rate))
    if problems:
        return RatesReport(stored=0, unchanged=0, problems=problems)
    stored = unchanged = 0
    for code, row_day, kind, rate in wanted:
        changed = set_rate(
            session, currency=code, day=row_day, kind=kind, rate=rate, source=source, actor=actor
        )
        stored += changed
        unchanged += not changed
    return RatesReport(stored=stored, unchanged=unchanged, problems=[])


def _header(rows: list[list[object]]) -> tuple[int, dict[str, int]]:
    for index, cells in enumerate(rows[:15]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(cells):
            column = _COLUMN_OF.get(folded_header(cell))
            if column is not None and column not in columns:
                columns[column] = position
        if "currency" in columns and any(kind in columns for kind in KINDS):
            return index, columns
    raise RateError(
        "no header row naming a currency column and a rate column (`Mã ngoại tệ`, `Bán`, …) "
        "in the first 15 rows"
    )
