"""Accounting periods: the months of the books, open until an admin closes them.

An entry posts on its posting date (the accounting date): the approval day, or with
`BACKOFFICE_POSTING_DATE=document` the invoice's date while its month is open. Nothing posts
or reverses into a closed month: a reversal of an entry whose month has closed since posts on
the day it is made, and a posting whose day falls in a closed month is refused until an admin
reopens it. Each posting locks its month's row, as closing does, so a month cannot close
under an approval that is posting into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.errors import BackofficeError
from pipeline.access import audit
from pipeline.ledger import counters
from pipeline.ledger.errors import NotPostable
from pipeline.store.models import AccountingPeriod, utcnow
from pipeline.store.settings import get_settings

# Today in the company's time zone: an approval at 06:30 in Hà Nội is today's, not
# yesterday's UTC date.
from rules.functions import business_today

PostingRule = Literal["approval", "document"]


class PeriodClosed(NotPostable):
    """The day an entry would post on falls in a closed month: like any invoice that cannot
    post as it stands, an auto-approval of it leaves it in review."""

    code = "period_closed"
    http_status = 409


class InvalidPeriod(BackofficeError):
    code = "invalid_period"
    http_status = 422


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """`2026-11`."""
        try:
            moment = datetime.strptime(text.strip(), "%Y-%m")
        except ValueError as exc:
            raise InvalidPeriod(f"{text!r} is not a month: write it YYYY-MM, e.g. 2026-11") from exc
        return cls(moment.year, moment.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def current_rule() -> PostingRule:
    return get_settings().posting_date


def is_closed(session: Session, *, month: Month) -> bool:
    period = session.get(AccountingPeriod, (month.year, month.month))
    return period is not None and period.closed


def _lock(session: Session, month: Month) -> AccountingPeriod:
    return counters.locked(session, AccountingPeriod, year=month.year, month=month.month)


def lock_books(session: Session) -> None:
    """Take the current month's lock first thing in any transaction that approves, posts or
    reverses, before any document row: every such transaction then queues on this one row
    before it holds anything else, and two of them (a bulk approval and a single one of a
    document it also holds) can never wait on each other in a circle."""
    _lock(session, Month.of(business_today()))


def posting_date(
    session: Session,
    *,
    document_date: date,
    rule: PostingRule | None = None,
    today: date | None = None,
) -> date:
    """The day an invoice dated `document_date` posts on, its month locked open until the
    caller's transaction ends; PeriodClosed when that month is closed."""
    today = today or business_today()
    rule = rule or current_rule()
    if rule == "document" and document_date <= today:
        period = _lock(session, Month.of(document_date))
        if not period.closed:
            return document_date
    return _open_day(session, today)


def reversal_date(session: Session, *, original: date, today: date | None = None) -> date:
    """The day a reversal posts on: its original's, so that month nets to nothing, while the
    month is open; once it has closed, the day the reversal is made."""
    today = today or business_today()
    period = _lock(session, Month.of(original))
    if not period.closed:
        return original
    return _open_day(session, today)


def _open_day(session: Session, day: date) -> date:
    month = Month.of(day)
    if _lock(session, month).closed:
        raise PeriodClosed(
            f"{month} is closed: nothing can post into it; an admin reopens it with "
            f"`backoffice periods reopen {month}`"
        )
    return day


def close_month(session: Session, *, month: Month, actor: str) -> AccountingPeriod:
    """Close a month: nothing posts or reverses into it any more. Closing a closed month
    changes nothing and is not audited again."""
    return _set_closed(session, month=month, actor=actor, closed=True)


def reopen_month(session: Session, *, month: Month, actor: str) -> AccountingPeriod:
    return _set_closed(session, month=month, actor=actor, closed=False)


def _set_closed(session: Session, *, month: Month, actor: str, closed: bool) -> AccountingPeriod:
    period = _lock(session, month)
    if period.closed is closed:
        return period
    period.closed = closed
    period.changed_at = utcnow()
    period.changed_by = actor[:255]
    audit.record(
        session,
        actor=actor,
        kind="period_closed" if closed else "period_reopened",
        data={"period": str(month)},
    )
    session.flush()
    return period


def list_periods(session: Session) -> Sequence[AccountingPeriod]:
    """Every month that was ever posted into, closed or reopened, latest first."""
    return session.scalars(
        select(AccountingPeriod).order_by(
            AccountingPeriod.year.desc(), AccountingPeriod.month.desc()
        )
    ).all()
