"""Documents and the review queue."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.deps import DocumentReader, Principal, QueueReader, Reviewer, RulesDep, SessionDep
from api.schemas import (
    ApprovalRefused,
    CorrectionRequest,
    DocumentDetail,
    DocumentSummary,
    EventOut,
    Page,
    RejectRequest,
    RuleFailure,
)
from pipeline import checking, documents, posting
from pipeline.documents import DocumentNotFound, InvalidTransition
from pipeline.models import Document, DocumentStatus

router = APIRouter(prefix="/api/v1", tags=["documents"])

Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]


def _cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid cursor")
    return int(cursor)


def _page(items: list[DocumentSummary], limit: int) -> Page[DocumentSummary]:
    next_cursor = str(items[-1].id) if len(items) == limit else None
    return Page[DocumentSummary](items=items, next_cursor=next_cursor)


def _summaries(session: Session, rows: Sequence[Document]) -> list[DocumentSummary]:
    failed = checking.failed_rules(session, document_ids=[row.id for row in rows])
    return [DocumentSummary.of(row, failed_rules=failed.get(row.id)) for row in rows]


_QUEUE_CURSOR = re.compile(r"(\d{1,4})-(\d{1,18})")


@router.get("/documents", response_model=Page[DocumentSummary])
def list_documents(
    session: SessionDep,
    principal: DocumentReader,
    status_filter: Annotated[DocumentStatus | None, Query(alias="status")] = None,
    doc_type: Annotated[str | None, Query(alias="type", max_length=20)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[DocumentSummary]:
    """Documents, newest first; a clerk sees only the documents they uploaded."""
    rows = documents.list_documents(
        session,
        status=status_filter,
        doc_type=doc_type,
        uploaded_by=None if principal.sees_all_documents else principal.name,
        after_id=_cursor(cursor),
        limit=limit,
    )
    return _page(_summaries(session, rows), limit)


@router.get("/review-queue", response_model=Page[DocumentSummary])
def review_queue(
    session: SessionDep,
    _principal: QueueReader,
    doc_type: Annotated[str | None, Query(alias="type", max_length=20)] = None,
    failed_rule: Annotated[
        str | None,
        Query(alias="rule", max_length=120, description="Only documents failing this rule."),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[DocumentSummary]:
    """Documents waiting for a reviewer: failing errors first, then urgent ones, then the
    rest; oldest first within each."""
    after = None
    if cursor is not None:
        match = _QUEUE_CURSOR.fullmatch(cursor)
        if match is None:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid cursor")
        after = (int(match.group(1)), int(match.group(2)))
    rows = checking.review_queue(
        session, doc_type=doc_type, failed_rule=failed_rule, after=after, limit=limit
    )
    items = _summaries(session, rows)
    last = rows[-1] if len(rows) == limit else None
    next_cursor = f"{last.review_priority}-{last.id}" if last is not None else None
    return Page[DocumentSummary](items=items, next_cursor=next_cursor)


@router.get("/documents/{document_id}", response_model=DocumentDetail)
def get_document(
    document_id: int, session: SessionDep, principal: DocumentReader
) -> DocumentDetail:
    return DocumentDetail.of(_visible(session, document_id, principal))


@router.get("/documents/{document_id}/history", response_model=list[EventOut])
def document_history(
    document_id: int, session: SessionDep, principal: DocumentReader
) -> list[EventOut]:
    """Everything that happened to the document, oldest first: who, when, old and new values."""
    return [EventOut.model_validate(e) for e in _visible(session, document_id, principal).events]


def _visible(session: Session, document_id: int, principal: Principal) -> Document:
    """The document, when the caller may see it; others' uploads are as absent to a clerk."""
    try:
        document = documents.get_document(session, document_id=document_id)
    except DocumentNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    if not principal.sees_all_documents and document.uploaded_by != principal.name:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(DocumentNotFound(document_id)))
    return document


@router.patch(
    "/documents/{document_id}",
    response_model=DocumentDetail,
    responses={409: {"description": "Not in review, or corrected since `version`."}},
)
def correct(
    document_id: int,
    body: CorrectionRequest,
    session: SessionDep,
    rules: RulesDep,
    principal: Reviewer,
) -> DocumentDetail:
    """Correct fields of a document in review; the rules run again on the corrected record
    and the old and new values go into its history."""
    try:
        document = documents.get_document(session, document_id=document_id)
        checking.correct_fields(
            session,
            document=document,
            version=body.version,
            changes=body.fields,
            rules=rules,
            actor=principal.name,
        )
        session.commit()
    except DocumentNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except (InvalidTransition, checking.StaleVersion, StaleDataError) as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    except checking.InvalidFields as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return _fresh(session, document_id)


@router.post(
    "/documents/{document_id}/approve",
    response_model=DocumentDetail,
    responses={422: {"model": ApprovalRefused, "description": "An error rule fails."}},
)
def approve(
    document_id: int, session: SessionDep, rules: RulesDep, principal: Reviewer
) -> DocumentDetail | JSONResponse:
    """Approve a reviewed document; an approved invoice is posted as a journal entry. The
    rules run again first (an earlier copy may have arrived since, or the rules changed);
    while an error rule fails the document cannot be approved: correct it or reject it."""
    try:
        document = documents.get_document(session, document_id=document_id)
        if document.status is DocumentStatus.REVIEW:
            outcomes = checking.recheck(session, document=document, rules=rules)
            failing = checking.failing_errors(outcomes)
            if failing:
                session.commit()  # the fresh results are kept for the reviewer
                refusal = ApprovalRefused(
                    detail=f"document {document_id} fails {len(failing)} error rule(s): "
                    "correct or reject it",
                    failing=[
                        RuleFailure(rule=o.rule, severity=o.severity, message=o.message)
                        for o in failing
                    ],
                )
                return JSONResponse(
                    refusal.model_dump(), status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
                )
        document = posting.approve(session, document_id=document_id, actor=principal.name)
        session.commit()
    except DocumentNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except (InvalidTransition, StaleDataError) as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    except posting.NotPostable as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return _fresh(session, document.id)


@router.post("/documents/{document_id}/reject", response_model=DocumentDetail)
def reject(
    document_id: int, body: RejectRequest, session: SessionDep, principal: Reviewer
) -> DocumentDetail:
    try:
        document = documents.reject(
            session, document_id=document_id, actor=principal.name, reason=body.reason
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
