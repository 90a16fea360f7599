"""The failed view: the documents whose processing failed, with why in words and what can be
done about each (retry, read again as another type, reject). The page only shows; its
script acts through the API routes, which check roles and versions as for any client."""

from __future__ import annotations

import typing
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from api.deps import SessionDep
from api.routers.web import LangQuery, _forbidden, _lang, _render, _viewer
from pipeline.review import failures
from pipeline.review.changes import ReassignableType
from pipeline.store.models import Role

router = APIRouter(include_in_schema=False)

FAILED_PAGE = 200  # as the queue's page: the API lists further (`?status=failed`)


class FailedRow(BaseModel):
    id: int
    version: int
    filename: str
    relative_path: str
    doc_type: str | None
    received_at: datetime
    failed_at: datetime | None
    code: str
    reason: str  # in the page's language
    detail: str


@router.get("/review/failed", response_class=HTMLResponse)
def failed_page(request: Request, session: SessionDep, lang: LangQuery = None) -> HTMLResponse:
    """The failed documents, most recent first, for the people who review documents."""
    principal = _viewer(request, session)
    chosen = _lang(request, lang)
    if not principal.has_role(Role.REVIEWER, Role.APPROVER):
        return _forbidden(request, chosen, principal)
    documents = failures.failed_documents(session, limit=FAILED_PAGE)
    when = failures.failed_times(session, document_ids=[document.id for document in documents])
    rows = [
        FailedRow(
            id=document.id,
            version=document.version,
            filename=document.filename,
            relative_path=document.relative_path,
            doc_type=document.doc_type,
            received_at=document.received_at,
            failed_at=when.get(document.id),
            code=document.error_code or "internal_error",
            reason=failures.reason_in_words(document.error_code, chosen),
            detail=document.error_message or "",
        )
        for document in documents
    ]
    return _render(
        request,
        "failed.html",
        lang=chosen,
        principal=principal,
        rows=rows,
        # Retrying is the reviewers' and approvers'; a type or a rejection the reviewers'.
        can_decide=principal.has_role(Role.REVIEWER),
        doc_types=typing.get_args(ReassignableType),
    )
