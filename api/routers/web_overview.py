"""The overview page (for whoever reviews or approves) and the audit page (for admins).

Server-rendered from the same services as `GET /api/v1/overview` and `GET /api/v1/audit`:
the filters of the audit page are the audit API's, its rows the API's `AuditEventOut`, its
paging the API's cursor. Like the other pages they are not API (left out of OpenAPI), and an
anonymous visitor is sent to sign in."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BeforeValidator, Field

from api.deps import SessionDep
from api.routers.audit import AuditEventOut
from api.routers.web import LangQuery, _forbidden, _lang, _render, _viewer
from api.search_query import business_day_start
from api.web_labels import FIELD_LABELS
from pipeline.access import audit
from pipeline.review import overview
from pipeline.store.models import Role

router = APIRouter(include_in_schema=False)

AUDIT_PAGE = 50
# The filter form sends every field, those left empty as ``: no filter, not a bad value.
_BLANK = BeforeValidator(lambda value: None if value == "" else value)
DocumentId = Annotated[int, Field(ge=1, le=2**31 - 1)]
# Who may open each page (admin may open all): the roles of the API route the page shows.
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "/overview": frozenset({Role.REVIEWER, Role.APPROVER}),
    "/audit": frozenset(),
}


@router.get("/overview", response_class=HTMLResponse)
def overview_page(request: Request, session: SessionDep, lang: LangQuery = None) -> HTMLResponse:
    """How much is waiting and how old, what moved each day, how long approval takes, and
    what reviewers correct most."""
    principal = _viewer(request, session)
    chosen = _lang(request, lang)
    if not principal.has_role(*PAGE_ROLES["/overview"]):
        return _forbidden(request, chosen, principal)
    figures = overview.overview(session)
    busiest = max((max(day.processed, day.approved) for day in figures.per_day), default=0)
    return _render(
        request,
        "overview.html",
        lang=chosen,
        principal=principal,
        o=figures,
        bands=overview.AGE_BANDS,
        busiest=busiest or 1,
        field_labels=FIELD_LABELS[chosen],
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: SessionDep,
    lang: LangQuery = None,
    actor: Annotated[str | None, Query(max_length=255)] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    document_id: Annotated[DocumentId | None, _BLANK, Query(alias="document")] = None,
    since: Annotated[date | None, _BLANK, Query(alias="from")] = None,
    until: Annotated[date | None, _BLANK, Query(alias="to")] = None,
    cursor: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """The audit trail with the audit API's filters, a page at a time; the dates are whole
    days on the company's clock, both included."""
    principal = _viewer(request, session)
    chosen = _lang(request, lang)
    if not principal.has_role(*PAGE_ROLES["/audit"]):
        return _forbidden(request, chosen, principal)
    rows = audit.list_events(
        session,
        actor=actor or None,
        kind=kind or None,
        document_id=document_id,
        since=business_day_start(since),
        until=business_day_start(until + timedelta(days=1) if until else None),
        after_id=cursor,
        limit=AUDIT_PAGE,
    )
    events = [AuditEventOut.model_validate(row) for row in rows]
    filters = {
        "actor": actor or "",
        "kind": kind or "",
        "document": document_id or "",
        "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
    }
    return _render(
        request,
        "audit.html",
        lang=chosen,
        principal=principal,
        events=events,
        filters=filters,
        kinds=audit.kinds(session),
        next_cursor=events[-1].id if len(events) == AUDIT_PAGE else None,
        paged=cursor is not None,
    )
