"""Layout memories for admins (list, inspect, forget) and, for reviewers too, each sender's
learning curve. Thin: pipeline.review.memories does the work, this router owns the commit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from api.deps import AUTH_RESPONSES, Admin, QueueReader, SessionDep
from api.schemas import NO_CONTROL, Problem, UtcDateTime
from pipeline.review import memories

router = APIRouter(prefix="/api/v1", tags=["memories"], responses=AUTH_RESPONSES)

MemoryId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="The memory's id.")]
# As `extractors.memory.sender_of` keys a sender (the column holds at most 300 characters).
# No control character at all: api.security refuses any in a path, line breaks included.
Sender = Annotated[
    str,
    PathParam(
        min_length=1,
        max_length=300,
        pattern=r"^[^\x00-\x1f\x7f-\x9f]*$",
        description="`tax:<seller tax code>` or `name:<folded name>`, as memories name it.",
    ),
]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such memory (never learned, or forgotten)."}
}


class MemoryOut(BaseModel):
    """What a reviewer's correction taught: where a sender's layout prints a field, or which
    type reviewers give its documents."""

    id: int
    doc_type: str
    sender: str = Field(description="`tax:<seller tax code>`, or `name:<folded name>`.")
    path: str | None = Field(description="The field it reads; null for a remembered type.")
    field: dict[str, Any] | None = Field(
        description="Where the value lies: its anchor words, offset from them and format."
    )
    doc_type_as: str | None = Field(description="The type it gives the sender's documents.")
    weight: float = Field(description="Halved each time a value it read is corrected again.")
    live: bool = Field(description="Still used: its weight is 0.5 or more.")
    layout_words: int = Field(description="Label words in its layout fingerprint.")
    learned_from_document_id: int | None
    learned_by: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    times_used: int
    times_corrected_again: int


class MemoryList(BaseModel):
    items: list[MemoryOut]
    next_offset: int | None = Field(
        description="Pass as `offset` for the next page; null on the last page."
    )


class CurvePointOut(BaseModel):
    document_id: int
    received_at: UtcDateTime
    corrected_fields: int = Field(description="Distinct fields reviewers corrected on it.")


class LearningCurve(BaseModel):
    sender: str
    points: list[CurvePointOut] = Field(
        description="The sender's most recent documents, oldest first: the counts fall as "
        "memories learn its layouts. Empty for a sender with no documents."
    )


@router.get("/memories", response_model=MemoryList)
def list_memories(
    session: SessionDep,
    _admin: Admin,
    doc_type: Annotated[str | None, Query(max_length=20, pattern=NO_CONTROL)] = None,
    sender: Annotated[str | None, Query(max_length=300, pattern=NO_CONTROL)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> MemoryList:
    """Memories in the order they were learned, optionally of one type or sender."""
    rows = memories.list_memories(
        session, doc_type=doc_type, sender=sender, limit=limit, offset=offset
    )
    items = [MemoryOut.model_validate(row.model_dump()) for row in rows]
    return MemoryList(items=items, next_offset=offset + limit if len(items) == limit else None)


@router.get("/memories/{memory_id}", response_model=MemoryOut, responses=_NOT_FOUND)
def get_memory(memory_id: MemoryId, session: SessionDep, _admin: Admin) -> MemoryOut:
    row = memories.get_memory(session, memory_id=memory_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no memory {memory_id}")
    return MemoryOut.model_validate(row.model_dump())


@router.delete(
    "/memories/{memory_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_NOT_FOUND
)
def forget_memory(memory_id: MemoryId, session: SessionDep, admin: Admin) -> Response:
    """Forget a memory: the sender's next documents are read generically again. The audit
    trail keeps who forgot what (`memory_forgotten`)."""
    if not memories.forget_memory(session, memory_id=memory_id, actor=admin.name):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no memory {memory_id}")
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/senders/{sender}/learning-curve", response_model=LearningCurve)
def learning_curve(
    sender: Sender,
    session: SessionDep,
    _reader: QueueReader,
    limit: Annotated[int, Query(ge=1, le=100, description="How many recent documents.")] = 10,
) -> LearningCurve:
    """How many fields reviewers corrected on each of the sender's recent documents."""
    points = memories.learning_curve(session, sender=sender, limit=limit)
    return LearningCurve(
        sender=sender,
        points=[CurvePointOut.model_validate(point.model_dump()) for point in points],
    )
