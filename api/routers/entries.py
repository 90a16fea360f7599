"""Posted journal entries, pulled by accounting systems."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AUTH_RESPONSES, EntriesReader, SessionDep
from api.schemas import JournalEntryOut, Page
from pipeline import posting

router = APIRouter(prefix="/api/v1", tags=["entries"], responses=AUTH_RESPONSES)


@router.get("/entries", response_model=Page[JournalEntryOut])
def list_entries(
    session: SessionDep,
    _principal: EntriesReader,
    after: Annotated[
        int | None,
        # Positions are 64-bit: a larger number is no position at all, not a database error.
        Query(ge=0, le=2**63 - 1, description="The `position` of the last entry already taken."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[JournalEntryOut]:
    """Posted entries in commit order after a cursor: an entry committed late by a slower
    transaction still comes after every entry already returned, never before the cursor."""
    feed = posting.entry_feed(session, after=after, limit=limit)
    items = [JournalEntryOut.of(entry, position=position) for position, entry in feed]
    return Page[JournalEntryOut](
        items=items, next_cursor=str(items[-1].position) if len(items) == limit else None
    )
