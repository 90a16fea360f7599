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

A consumer (a system's token, or a user) acknowledges the positions it has stored. A cursor
is enough to read every item once; acknowledgements are what let a consumer that lost its
cursor, or crashed between reading and storing, ask for exactly what it has not yet taken.
They are per consumer and feed, only ever added, so acknowledging twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from extractors.errors import BackofficeError
from pipeline.access import audit
from pipeline.ledger import counters
from pipeline.store.models import FeedAck, FeedCounter, FeedItem, FeedStream


class UnknownItems(BackofficeError):
    """An acknowledgement naming positions or items the feed does not hold (yet)."""

    code = "unknown_items"
    http_status = 422

    def __init__(
        self, stream: FeedStream, positions: Collection[int], item_ids: Collection[int]
    ) -> None:
        named = [f"position {p}" for p in sorted(positions)] + [
            f"item {i}" for i in sorted(item_ids)
        ]
        super().__init__(f"not in the {stream.value} feed: {', '.join(named)}")


@dataclass(frozen=True)
class Acknowledged:
    positions: list[int]  # every position the request named, now acknowledged
    new: list[int]  # those not acknowledged before it
    pending: int  # items of the feed the consumer has still not acknowledged


Item = TypeVar("Item")
Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])


def publish(session: Session, *, stream: FeedStream, item_id: int) -> int:
    """Give the item the feed's next position; it becomes visible when the caller commits."""
    counter = counters.locked(session, FeedCounter, stream=stream.value)
    counter.last_position += 1
    session.add(FeedItem(stream=stream.value, position=counter.last_position, item_id=item_id))
    session.flush()
    return counter.last_position


def positions(
    session: Session,
    *,
    stream: FeedStream,
    after: int | None = None,
    limit: int = 100,
    unacked_by: str | None = None,
) -> Sequence[FeedItem]:
    """The feed's items after a cursor (a position), in order; with `unacked_by`, only those
    that consumer has not acknowledged."""
    query = _window(select(FeedItem), stream, after, limit, unacked_by)
    return session.scalars(query).all()


def items(
    session: Session,
    *,
    stream: FeedStream,
    model: type[Item],
    after: int | None = None,
    limit: int = 100,
    unacked_by: str | None = None,
    options: Sequence[ORMOption] = (),
) -> list[tuple[int, Item]]:
    """The feed's items as rows of their own table (`model`, whose `id` the feed holds),
    each with its position, in order after a cursor; with `unacked_by`, only those that
    consumer has not acknowledged."""
    joined = select(FeedItem.position, model).join(model, model.id == FeedItem.item_id)  # type: ignore[attr-defined]
    query = _window(joined.options(*options), stream, after, limit, unacked_by)
    return [(position, item) for position, item in session.execute(query).all()]


def _window(
    query: Query, stream: FeedStream, after: int | None, limit: int, unacked_by: str | None
) -> Query:
    query = query.where(FeedItem.stream == stream.value)
    if after is not None:
        query = query.where(FeedItem.position > after)
    if unacked_by is not None:
        query = query.where(not_acknowledged(unacked_by))
    return query.order_by(FeedItem.position).limit(limit)


def not_acknowledged(consumer: str) -> ColumnElement[bool]:
    """A condition on FeedItem, for queries joining a feed to its items' own table."""
    return ~exists().where(
        FeedAck.stream == FeedItem.stream,
        FeedAck.consumer == consumer,
        FeedAck.position == FeedItem.position,
    )


def acknowledge(
    session: Session,
    *,
    stream: FeedStream,
    consumer: str,
    positions: Collection[int] = (),
    item_ids: Collection[int] = (),
) -> Acknowledged:
    """Record that the consumer has taken these items (named by position or by item id).
    Naming one already acknowledged is no error: a consumer that crashed before it saw the
    answer simply sends the same acknowledgement again. Naming one the feed does not hold is
    refused, so a consumer's mistake does not pass for progress."""
    wanted = set(positions)
    by_id: dict[int, int] = {}
    if item_ids:
        named = session.execute(
            select(FeedItem.item_id, FeedItem.position).where(
                FeedItem.stream == stream.value, FeedItem.item_id.in_(set(item_ids))
            )
        )
        by_id = {item_id: position for item_id, position in named}
        wanted |= set(by_id.values())
    found = set(
        session.scalars(
            select(FeedItem.position).where(
                FeedItem.stream == stream.value, FeedItem.position.in_(wanted)
            )
        )
    )
    missing_ids = set(item_ids) - set(by_id)
    if wanted - found or missing_ids:
        raise UnknownItems(stream, wanted - found, missing_ids)
    rows = [{"stream": stream.value, "consumer": consumer, "position": p} for p in wanted]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # What was acknowledged before, by an earlier request or a concurrent one, is left as it
    # is; the rows actually added say what is new.
    added = session.scalars(
        insert(FeedAck).values(rows).on_conflict_do_nothing().returning(FeedAck.position)
    )
    new = sorted(added)
    if new:
        audit.record(
            session,
            actor=consumer,
            kind="feed_acknowledged",
            data={"stream": stream.value, "positions": new},
        )
    session.flush()
    return Acknowledged(
        positions=sorted(wanted),
        new=new,
        pending=pending(session, stream=stream, consumer=consumer),
    )


def pending(session: Session, *, stream: FeedStream, consumer: str) -> int:
    """How many items of the feed the consumer has not acknowledged."""
    query = select(func.count()).where(FeedItem.stream == stream.value, not_acknowledged(consumer))
    return session.scalar(query) or 0
