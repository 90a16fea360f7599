"""Feeds that other systems pull with a cursor: posted entries and the registers.

Ordering by an item's id would skip items: ids are handed out when a row is inserted, not
when its transaction commits, so a poller that has read id 12 may later see id 11 appear
(committed by a slower reviewer) and never fetch it. Instead each item, as the last step of
its transaction, takes the next position from its feed's counter row and keeps that row
locked until it commits. The next item can only take a position once this one has committed
or rolled back, so positions follow commit order and have no gaps (a rollback gives its
position back); a cursor over positions misses nothing.

The price is that publishing into one feed is serialised from the moment a position is taken
to commit: callers publish last, after the work that may fail.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline.models import FeedCounter, FeedItem, FeedStream


def publish(session: Session, *, stream: FeedStream, item_id: int) -> int:
    """Give the item the feed's next position; it becomes visible when the caller commits."""
    counter = _locked_counter(session, stream)
    if counter is None:
        try:
            with session.begin_nested():
                session.add(FeedCounter(stream=stream.value, last_position=0))
        except IntegrityError:
            pass  # another transaction opened the feed first; its row is locked below
        counter = _locked_counter(session, stream)
        if counter is None:
            raise RuntimeError(f"feed counter {stream} vanished while being opened")
    counter.last_position += 1
    session.add(FeedItem(stream=stream.value, position=counter.last_position, item_id=item_id))
    session.flush()
    return counter.last_position


def positions(
    session: Session, *, stream: FeedStream, after: int | None = None, limit: int = 100
) -> Sequence[FeedItem]:
    """The feed's items after a cursor (a position), in order."""
    query = select(FeedItem).where(FeedItem.stream == stream.value)
    if after is not None:
        query = query.where(FeedItem.position > after)
    return session.scalars(query.order_by(FeedItem.position).limit(limit)).all()


def _locked_counter(session: Session, stream: FeedStream) -> FeedCounter | None:
    return session.scalar(
        select(FeedCounter)
        .where(FeedCounter.stream == stream.value)
        .with_for_update()
        # A counter read in an earlier transaction of this session is stale.
        .execution_options(populate_existing=True)
    )
