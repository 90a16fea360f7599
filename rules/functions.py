"""Functions rule expressions call as `$name(...)`, with the types the engine checks them by.

Each function is registered with `@expression_function(returns, *arguments)` using rule-engine
data types, so a call with the wrong number or kind of arguments is refused when a pack is
loaded, not on the first record that reaches it. An argument typed `DataType.NULLABLE(...)`
accepts null (the function decides what null means); any other argument that turns out null at
evaluation time makes the rule "could not be checked". Adding a function is writing it here
with its decorator; the engine picks up the whole registry.

All but `today` are pure: a rule's outcome depends only on the record it reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

from rule_engine import DataType

# Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact and
# needs no tz database on the host. Record dates are read as midnight here, and "today" is the
# date in Vietnam, not on the server, which may run in UTC.
BUSINESS_TZ = timezone(timedelta(hours=7), "ICT")

_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
# [0-9], not \d: \d would admit other scripts' digits, which no tax code contains.
_TAX_CODE = re.compile(r"([0-9]{10})(-[0-9]{3})?|[0-9]{12}")


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


@expression_function(DataType.BOOLEAN, DataType.NULLABLE(DataType.STRING))
def valid_tax_code(value: str | None) -> bool:
    """A Vietnamese tax code (MST) in its normalised form: 10 digits whose last is the check
    digit of the first nine, optionally a `-NNN` branch suffix; or the 12-digit personal ID
    that individuals use as their tax code. Null is not a valid code."""
    if value is None:
        return False
    match = _TAX_CODE.fullmatch(value)
    if match is None:
        return False
    body = match.group(1)
    if body is None:  # the 12-digit personal ID carries no MST check digit
        return True
    weighted = sum(int(digit) * weight for digit, weight in zip(body, _MST_WEIGHTS, strict=False))
    check = 10 - weighted % 11
    # A remainder of 0 would need check digit 10: the tax authority never issues such bodies.
    return check != 10 and int(body[9]) == check


@expression_function(DataType.FLOAT, DataType.DATETIME, DataType.DATETIME)
def days_between(first: datetime, second: datetime) -> Decimal:
    """Calendar days in Vietnam from `first` to `second`; negative when `second` is earlier."""
    return Decimal((_business_date(second) - _business_date(first)).days)


@expression_function(DataType.DATETIME)
def today() -> datetime:
    """Midnight at the start of today in Vietnam, comparable with the record's dates."""
    now = datetime.now(UTC).astimezone(BUSINESS_TZ)
    return datetime(now.year, now.month, now.day, tzinfo=BUSINESS_TZ)


def _business_date(moment: datetime) -> date:
    return moment.astimezone(BUSINESS_TZ).date()
