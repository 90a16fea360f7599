"""Posted journal entries, pulled and acknowledged by accounting systems."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AUTH_RESPONSES, EntriesReader, SessionDep
from api.schemas import (
    UNREADABLE_BODY,
    AckOut,
    AckRequest,
    JournalEntryOut,
    Page,
    Problem,
    ValidationProblem,
)
from pipeline.ledger import feed, posting
from pipeline.store.models import FeedStream

router = APIRouter(prefix="/api/v1", tags=["entries"], responses=AUTH_RESPONSES)


@router.get("/entries", response_model=Page[JournalEntryOut])
def list_entries(
    session: SessionDep,
    principal: EntriesReader,
    after: Annotated[
        int | None,
        # Positions are 64-bit: a larger number is no position at all, not a database error.
        Query(ge=0, le=2**63 - 1, description="The `position` of the last entry already taken."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    unacked: Annotated[
        bool,
        Query(
            description="Only entries the caller (this token, or this user) has not "
            "acknowledged with `POST /api/v1/entries/ack`."
        ),
    ] = False,
) -> Page[JournalEntryOut]:
    """Posted entries in commit order after a cursor: an entry committed late by a slower
    transaction still comes after every entry already returned, never before the cursor."""
    rows = posting.entry_feed(
        session, after=after, limit=limit, unacked_by=principal.name if unacked else None
    )
    items = [JournalEntryOut.of(entry, position=position) for position, entry in rows]
    return Page[JournalEntryOut](
        items=items, next_cursor=str(items[-1].position) if len(items) == limit else None
    )


@router.post(
    "/entries/ack",
    response_model=AckOut,
    responses=UNREADABLE_BODY
    | {
        422: {
            "model": Problem | ValidationProblem,
            "description": "A position or id not in the feed, or a malformed body.",
        }
    },
)
def acknowledge_entries(body: AckRequest, session: SessionDep, principal: EntriesReader) -> AckOut:
    """Acknowledge entries the caller has taken (stored on its side), by position or id.
    Acknowledging an entry again changes nothing, so a system that crashed before it saw the
    answer sends the same request again. `GET /api/v1/entries?unacked=true` then lists what
    the caller has not yet taken."""
    done = feed.acknowledge(
        session,
        stream=FeedStream.ENTRIES,
        consumer=principal.name,
        positions=body.positions,
        item_ids=body.ids,
    )
    session.commit()
    return AckOut(acknowledged=done.positions, new=done.new, pending=done.pending)
