"""Documents and the review queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.deps import SessionDep
from api.schemas import DocumentDetail, DocumentSummary, Page, RejectRequest
from pipeline import documents, posting
from pipeline.documents import DocumentNotFound, InvalidTransition
from pipeline.models import DocumentStatus

router = APIRouter(prefix="/api/v1", tags=["documents"])

Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
ACTOR = "api"  # until issue 7 brings users, decisions are attributed to the API


def _cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid cursor")
    return int(cursor)


def _page(items: list[DocumentSummary], limit: int) -> Page[DocumentSummary]:
    next_cursor = str(items[-1].id) if len(items) == limit else None
    return Page[DocumentSummary](items=items, next_cursor=next_cursor)


@router.get("/documents", response_model=Page[DocumentSummary])
def list_documents(
    session: SessionDep,
    status_filter: Annotated[DocumentStatus | None, Query(alias="status")] = None,
    doc_type: Annotated[str | None, Query(alias="type", max_length=20)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[DocumentSummary]:
    """Documents, newest first."""
    rows = documents.list_documents(
        session, status=status_filter, doc_type=doc_type, after_id=_cursor(cursor), limit=limit
    )
    return _page([DocumentSummary.of(d) for d in rows], limit)


@router.get("/review-queue", response_model=Page[DocumentSummary])
def review_queue(
    session: SessionDep,
    doc_type: Annotated[str | None, Query(alias="type", max_length=20)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[DocumentSummary]:
    """Documents waiting for a reviewer, oldest first."""
    rows = documents.list_documents(
        session,
        status=DocumentStatus.REVIEW,
        doc_type=doc_type,
        after_id=_cursor(cursor),
        limit=limit,
        oldest_first=True,
    )
    return _page([DocumentSummary.of(d) for d in rows], limit)


@router.get("/documents/{document_id}", response_model=DocumentDetail)
def get_document(document_id: int, session: SessionDep) -> DocumentDetail:
    try:
        return DocumentDetail.of(documents.get_document(session, document_id=document_id))
    except DocumentNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


@router.post("/documents/{document_id}/approve", response_model=DocumentDetail)
def approve(document_id: int, session: SessionDep) -> DocumentDetail:
    """Approve a reviewed document; an approved invoice is posted as a journal entry."""
    try:
        document = posting.approve(session, document_id=document_id, actor=ACTOR)
        session.commit()
    except DocumentNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except (InvalidTransition, StaleDataError) as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    except posting.NotPostable as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return _fresh(session, document.id)


@router.post("/documents/{document_id}/reject", response_model=DocumentDetail)
def reject(document_id: int, body: RejectRequest, session: SessionDep) -> DocumentDetail:
    try:
        document = documents.reject(
            session, document_id=document_id, actor=ACTOR, reason=body.reason
        )
        session.commit()
    except DocumentNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except (InvalidTransition, StaleDataError) as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    return _fresh(session, document.id)


def _fresh(session: Session, document_id: int) -> DocumentDetail:
    """The document as committed, history included (the session still holds the old one)."""
    session.expire_all()
    return DocumentDetail.of(documents.get_document(session, document_id=document_id))
