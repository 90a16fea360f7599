"""Posted journal entries, pulled by accounting systems."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import EntriesReader, SessionDep
from api.schemas import JournalEntryOut, Page
from pipeline import posting

router = APIRouter(prefix="/api/v1", tags=["entries"])


@router.get("/entries", response_model=Page[JournalEntryOut])
def list_entries(
    session: SessionDep,
    _principal: EntriesReader,
    after: Annotated[int | None, Query(ge=0, description="Last entry id already taken.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[JournalEntryOut]:
    """Posted entries in posting order, after a cursor."""
    entries = posting.list_entries(session, after_id=after, limit=limit)
    items = [JournalEntryOut.of(e) for e in entries]
    return Page[JournalEntryOut](
        items=items, next_cursor=str(items[-1].id) if len(items) == limit else None
    )
