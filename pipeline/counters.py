"""Gap-free sequences per prefix and year: voucher numbers, letters' arrival numbers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline.models import VoucherCounter


def next_number(session: Session, *, prefix: str, year: int) -> int:
    """The next number of the prefix's sequence for the year, gap-free: the counter row
    stays locked (FOR UPDATE on PostgreSQL; SQLite transactions write one at a time) until
    the caller's transaction ends, and a rollback gives the number back."""
    counter = _locked_counter(session, prefix=prefix, year=year)
    if counter is None:
        try:
            with session.begin_nested():
                session.add(VoucherCounter(prefix=prefix, year=year, last_number=0))
        except IntegrityError:
            pass  # another transaction opened the year first; its row is locked below
        counter = _locked_counter(session, prefix=prefix, year=year)
        if counter is None:
            raise RuntimeError(f"counter {prefix} {year} vanished while being opened")
    counter.last_number += 1
    session.flush()
    return counter.last_number


def _locked_counter(session: Session, *, prefix: str, year: int) -> VoucherCounter | None:
    return session.scalar(
        select(VoucherCounter)
        .where(VoucherCounter.prefix == prefix, VoucherCounter.year == year)
        .with_for_update()
        # A counter read in an earlier transaction of this session is stale.
        .execution_options(populate_existing=True)
    )
