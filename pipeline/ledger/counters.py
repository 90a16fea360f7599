"""Gap-free sequences: voucher numbers and letters' arrival numbers per prefix and year, and
the feeds' positions. Each sequence is a counter row that its next number locks."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline.store.models import Base, VoucherCounter

Counter = TypeVar("Counter", bound=Base)


def next_number(session: Session, *, prefix: str, year: int) -> int:
    """The next number of the prefix's sequence for the year, gap-free: the counter row
    stays locked until the caller's transaction ends, and a rollback gives the number back."""
    counter = locked(session, VoucherCounter, prefix=prefix, year=year)
    counter.last_number += 1
    session.flush()
    return counter.last_number


def locked(session: Session, model: type[Counter], **key: Any) -> Counter:
    """The counter row with this key, created when it is the first of its sequence, and
    locked (FOR UPDATE on PostgreSQL; SQLite transactions write one at a time) until the
    caller's transaction ends."""
    counter = _locked(session, model, key)
    if counter is None:
        try:
            with session.begin_nested():
                session.add(model(**key))
        except IntegrityError:
            pass  # another transaction opened the sequence first; its row is locked below
        counter = _locked(session, model, key)
        if counter is None:
            raise RuntimeError(f"counter {model.__tablename__} {key} vanished while being opened")
    return counter


def _locked(session: Session, model: type[Counter], key: dict[str, Any]) -> Counter | None:
    return session.scalar(
        select(model)
        .filter_by(**key)
        .with_for_update()
        # A counter read in an earlier transaction of this session is stale.
        .execution_options(populate_existing=True)
    )
