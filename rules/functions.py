"""Pure functions that rule expressions call as `$name(...)`.

Each is deterministic given its arguments (`today` aside), so a rule's outcome depends only on
the record it reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TAX_ID_SHAPE = re.compile(r"^(\d{10})(?:-(\d{3}))?$|^(\d{12})$")


def valid_tax_code(value: str | None) -> bool:
    """A Vietnamese tax code (MST): 10 digits with a valid check digit, optionally a `-NNN`
    branch suffix, or the 12-digit personal ID individuals use since 2025-07-01."""
    if not value:
        return False
    match = _TAX_ID_SHAPE.match(value.strip())
    if match is None:
        return False
    if match.group(3):
        return True
    digits = [int(d) for d in match.group(1)]
    check = 10 - sum(d * w for d, w in zip(digits, _MST_WEIGHTS, strict=False)) % 11
    return check < 10 and digits[9] == check


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def days_between(first: Any, second: Any) -> Decimal:
    """Whole days from `first` to `second` (negative when `second` is earlier)."""
    return Decimal((_as_date(second) - _as_date(first)).days)


def today() -> datetime:
    return datetime.combine(datetime.now(UTC).date(), datetime.min.time(), tzinfo=UTC)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "valid_tax_code": valid_tax_code,
    "days_between": days_between,
    "today": today,
}
