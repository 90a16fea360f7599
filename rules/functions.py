"""Functions rule expressions call as `$name(...)`, with the types the engine checks them by.

Each function is registered with `@expression_function(returns, *arguments)` using rule-engine
data types, so a call with the wrong number or kind of arguments is refused when a pack is
loaded, not on the first record that reaches it. An argument typed `DataType.NULLABLE(...)`
accepts null (the function decides what null means); any other argument that turns out null at
evaluation time makes the rule "could not be checked".

Rules stay pure: a function never reads the clock, the database or a file. What a rule may
know beyond the record (today's date, an earlier document with the same invoice key, the
company's master data, the dated VAT table) is handed to the evaluation as a `Scope` by
whoever evaluates — the worker fills it from the database, a test from a literal — and the
functions below read it from there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from rule_engine import DataType
from stdnum.vn import mst

from extractors.amount_words import words_to_amount as read_amount_words
from extractors.normalize import is_foreign_tax_id
from rules.data import MasterData, VatTable, compact_account

# Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact and
# needs no tz database on the host. Record dates are read as midnight here, and "today" is the
# date in Vietnam, not on the server, which may run in UTC.
BUSINESS_TZ = timezone(timedelta(hours=7), "ICT")

# [0-9], not \d: \d would admit other scripts' digits, which no tax code contains.
_TAX_CODE = re.compile(r"([0-9]{10})(-[0-9]{3})?|[0-9]{12}")
_RATE = re.compile(r"(?:KHAC:)?([0-9]+(?:[.][0-9]+)?)")


def business_today() -> date:
    return datetime.now(UTC).astimezone(BUSINESS_TZ).date()


class Facts(BaseModel):
    """What the evaluator knows about the document beyond its record. Supplied, never fetched:
    the pipeline reads them from the database before it evaluates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    today: date
    # The day the document arrived; retention periods run from it.
    received: date
    # An earlier live document holding the same invoice (same seller tax code, series and
    # number, or the same bytes), described for the reviewer: "document 12 (hd_0001.pdf)".
    duplicate_of: str | None = None
    # An earlier live document of the same seller, issue date and total where one of the two
    # numbers was not read: probably the same invoice, until a reviewer says it is not.
    probable_duplicate_of: str | None = None

    @classmethod
    def now(cls, *, duplicate_of: str | None = None) -> Facts:
        today = business_today()
        return cls(today=today, received=today, duplicate_of=duplicate_of)


@dataclass(frozen=True)
class Scope:
    """Everything one evaluation may consult besides the record's fields."""

    facts: Facts
    master_data: MasterData
    vat: VatTable
    media_type: str
    # The record's fields as JSON and the paths its pack requires, for `$missing()`.
    fields: Mapping[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    # The record's line items as expressions see them (typed), for the `$line_*` functions.
    lines: tuple[Any, ...] = ()


_scope: ContextVar[Scope] = ContextVar("rule_scope")


@contextmanager
def scoped(scope: Scope) -> Iterator[None]:
    token = _scope.set(scope)
    try:
        yield
    finally:
        _scope.reset(token)


def current_scope() -> Scope:
    try:
        return _scope.get()
    except LookupError:
        raise RuntimeError("rule functions run only inside an evaluation") from None


@dataclass(frozen=True)
class ExpressionFunction:
    implementation: Callable[..., Any]
    returns: Any  # a rule-engine DataType definition
    arguments: tuple[Any, ...]


FUNCTIONS: dict[str, ExpressionFunction] = {}

_F = TypeVar("_F", bound=Callable[..., Any])


def expression_function(returns: Any, *arguments: Any) -> Callable[[_F], _F]:
    """Register the decorated function as `$<its name>` with the given rule-engine types."""

    def register(function: _F) -> _F:
        FUNCTIONS[function.__name__] = ExpressionFunction(function, returns, arguments)
        return function

    return register


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=BUSINESS_TZ)


def _business_date(moment: datetime) -> date:
    return moment.astimezone(BUSINESS_TZ).date()


# --- pure functions -----------------------------------------------------------------------


@expression_function(DataType.BOOLEAN, DataType.NULLABLE(DataType.STRING))
def valid_tax_code(value: str | None) -> bool:
    """A Vietnamese tax code (MST) in its normalised form: 10 digits whose last is the check
    digit of the first nine, optionally a `-NNN` branch suffix; or the 12-digit personal ID
    that individuals and household businesses use as their tax code since 2025-07-01, which
    carries no check digit (its shape is all that can be checked). Null is not a valid code."""
    if value is None:
        return False
    match = _TAX_CODE.fullmatch(value)
    if match is None:
        return False
    if match.group(1) is None:
        return True
    # stdnum also refuses a zero sequence number and branch 000, which the GDT never issues.
    return mst.is_valid(value)


@expression_function(DataType.BOOLEAN, DataType.NULLABLE(DataType.STRING))
def foreign_tax_id(value: str | None) -> bool:
    """A foreign VAT number with its country prefix (`DE182917077`), or a foreign number
    holding letters (a Singapore UEN, `201074458K`): not an MST, so the MST check digit says
    nothing about it."""
    return value is not None and is_foreign_tax_id(value)


@expression_function(DataType.NULLABLE(DataType.FLOAT), DataType.NULLABLE(DataType.STRING))
def words_to_amount(text: str | None) -> Decimal | None:
    """The amount an amount-in-words states (`Một triệu không trăm tám mươi nghìn đồng`,
    `One thousand and eighty dollars`), or null when the words cannot be read as one."""
    return read_amount_words(text) if text else None


@expression_function(DataType.FLOAT, DataType.DATETIME, DataType.DATETIME)
def days_between(first: datetime, second: datetime) -> Decimal:
    """Calendar days in Vietnam from `first` to `second`; negative when `second` is earlier."""
    return Decimal((_business_date(second) - _business_date(first)).days)


@expression_function(DataType.DATETIME, DataType.DATETIME, DataType.FLOAT)
def add_days(day: datetime, days: Decimal) -> datetime:
    """The date `days` calendar days after `day` (before it when negative)."""
    if days != days.to_integral_value():
        raise ValueError(f"add_days takes whole days, not {days}")
    return _midnight(_business_date(day) + timedelta(days=int(days)))


@expression_function(DataType.NULLABLE(DataType.FLOAT), DataType.NULLABLE(DataType.STRING))
def vat_percent(rate: str | None) -> Decimal | None:
    """The percentage a VAT rate charges: `8` → 8, `KHAC:5.26` → 5.26, and 0 for `KCT` (not
    subject to VAT) and `KKKNT` (not declared); null for anything else."""
    if rate in ("KCT", "KKKNT"):
        return Decimal(0)
    match = _RATE.fullmatch(rate or "")
    if match is None:
        return None
    try:
        return Decimal(match.group(1))
    except InvalidOperation:
        return None


@expression_function(DataType.NULLABLE(DataType.STRING), DataType.NULLABLE(DataType.STRING))
def compact(text: str | None) -> str | None:
    """The text without spaces, dots and dashes, upper case: bank account numbers are printed
    grouped in many ways (`0011 0023 4567`, `001.100.234.567`)."""
    return None if text is None else compact_account(text)


# Over an invoice's lines, which they take from the scope (the record's `line_items`, typed
# once per evaluation). rule-engine type-checks a list member by member each time an
# expression names it, and again for every attribute a comprehension reads: line rules
# written over `line_items` cost ~0.4 ms a line (12 ms for a 20-line invoice).


@expression_function(DataType.ARRAY(DataType.STRING), DataType.FLOAT, DataType.FLOAT)
def line_amount_errors(tolerance: Decimal, price_rounding: Decimal) -> tuple[str, ...]:
    """Each line whose quantity × unit price is not its amount, within `tolerance` plus
    `price_rounding` per unit (printed unit prices are rounded), described as
    `Giấy A4: 10 × 50000 = 500000 (printed 400000)`. Lines missing a figure are not judged."""
    wrong = []
    for line in current_scope().lines:
        quantity, price, amount = line.quantity, line.unit_price, line.amount
        if quantity is None or price is None or amount is None:
            continue
        product = quantity * price
        if abs(product - amount) > tolerance + abs(quantity) * price_rounding:
            name = line.description or "a line"
            wrong.append(
                f"{name}: {_plain(quantity)} × {_plain(price)} = {_plain(product)} "
                f"(printed {_plain(amount)})"
            )
    return tuple(wrong)


@expression_function(DataType.NULLABLE(DataType.FLOAT))
def line_sum() -> Decimal | None:
    """The lines' amounts added up; null when there are no lines or one has no amount."""
    amounts = [line.amount for line in current_scope().lines]
    if not amounts or None in amounts:
        return None
    return sum(amounts, Decimal(0))


@expression_function(DataType.NULLABLE(DataType.FLOAT))
def line_vat() -> Decimal | None:
    """The VAT the lines charge, each amount at its own rate; null when there are no lines or
    one lacks an amount or a rate."""
    lines = current_scope().lines
    total = Decimal(0)
    for line in lines:
        percent = vat_percent(line.vat_rate)
        if line.amount is None or percent is None:
            return None
        total += line.amount * percent / 100
    return total if lines else None


@expression_function(DataType.ARRAY(DataType.STRING))
def line_rates() -> tuple[str, ...]:
    """The VAT rates printed on the lines, each once, in order."""
    lines = current_scope().lines
    return tuple(dict.fromkeys(line.vat_rate for line in lines if line.vat_rate is not None))


def _plain(value: Decimal) -> str:
    return format(value, "f")


# --- functions over the evaluation's scope ------------------------------------------------


@expression_function(DataType.DATETIME)
def today() -> datetime:
    """Midnight at the start of the evaluation's today in Vietnam, comparable with dates."""
    return _midnight(current_scope().facts.today)


@expression_function(DataType.DATETIME)
def received() -> datetime:
    """The day the document arrived."""
    return _midnight(current_scope().facts.received)


@expression_function(DataType.ARRAY(DataType.STRING), DataType.DATETIME)
def vat_rates_allowed(day: datetime) -> tuple[str, ...]:
    """The VAT rates an invoice issued on `day` may carry, from the dated table in
    `rules/data/vat_rates.yaml`; `KHAC` there admits every `KHAC:x` (another rate, x percent),
    which `$vat_rate_allowed` knows."""
    return current_scope().vat.allowed(_business_date(day))


@expression_function(DataType.BOOLEAN, DataType.NULLABLE(DataType.STRING), DataType.DATETIME)
def vat_rate_allowed(rate: str | None, day: datetime) -> bool:
    """Whether an invoice issued on `day` may carry `rate`; null (no rate printed) may."""
    return rate is None or current_scope().vat.permits(rate, _business_date(day))


@expression_function(DataType.BOOLEAN)
def is_duplicate() -> bool:
    """Whether an earlier live document holds the same invoice (see `Facts.duplicate_of`)."""
    return current_scope().facts.duplicate_of is not None


@expression_function(DataType.NULLABLE(DataType.STRING))
def duplicate_of() -> str | None:
    """The earlier document this one duplicates, described for the reviewer, or null."""
    return current_scope().facts.duplicate_of


@expression_function(DataType.NULLABLE(DataType.STRING))
def probable_duplicate_of() -> str | None:
    """The earlier document this one probably duplicates (see `Facts.probable_duplicate_of`),
    described for the reviewer, or null."""
    return current_scope().facts.probable_duplicate_of


@expression_function(DataType.UNDEFINED, DataType.STRING, DataType.NULLABLE(DataType.STRING))
def lookup(table: str, key: str | None) -> Any:
    """The company master data's entry for `key` in `table`, null when there is none. Tables:
    `own_tax_codes` (code → company name), `supplier_names` (tax code → name),
    `supplier_bank_accounts` (tax code → its known accounts, compacted), `thresholds`
    (name → amount)."""
    return None if key is None else current_scope().master_data.lookup(table, key)


@expression_function(DataType.ARRAY(DataType.STRING), DataType.STRING)
def keys(table: str) -> tuple[str, ...]:
    """Every key of a master data table; empty when the company has not filled it in."""
    return current_scope().master_data.keys(table)


@expression_function(DataType.BOOLEAN)
def is_xml() -> bool:
    """Whether the record was read from a structured e-invoice XML file (the legal original)
    rather than from a print, scan or photo of it."""
    return current_scope().media_type == "application/xml"


@expression_function(DataType.ARRAY(DataType.STRING))
def missing() -> tuple[str, ...]:
    """The paths of the pack's `required` fields that are null or empty in the record."""
    scope = current_scope()
    return tuple(path for path in scope.required if _empty(_at(scope.fields, path)))


def _at(fields: Mapping[str, Any], path: str) -> Any:
    value: Any = fields
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list) and len(value) == 0)
