"""The tax portal reconciliation page: a period's report of `GET /api/v1/portal-reconciliation`
in its four classes, server-rendered in the reader's language. Like the other pages it is not
API (left out of OpenAPI), and an anonymous visitor is sent to sign in. A flagged invoice is
decided on its own review page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BeforeValidator

from api.deps import SessionDep
from api.routers.web import LangQuery, _forbidden, _lang, _render, _viewer
from api.web_labels import FIELD_LABELS
from pipeline.ledger import portal
from pipeline.store.models import Role
from rules.functions import business_today

router = APIRouter(include_in_schema=False)

# Who may open each page (admin may open all): the roles of the API route the page shows.
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "/reconciliation": frozenset({Role.REVIEWER, Role.APPROVER, Role.ACCOUNTANT}),
}
# The form sends its empty fields as ``: no date, the month's default.
_BLANK = BeforeValidator(lambda value: None if value == "" else value)


def _last_month() -> tuple[date, date]:
    """Accountants reconcile the month just closed."""
    end = business_today().replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


@router.get("/reconciliation", response_class=HTMLResponse)
def reconciliation_page(
    request: Request,
    session: SessionDep,
    lang: LangQuery = None,
    start: Annotated[date | None, _BLANK, Query(alias="from")] = None,
    end: Annotated[date | None, _BLANK, Query(alias="to")] = None,
) -> HTMLResponse:
    """The portal's purchase-invoice list beside the invoices received, for a period (the
    last month by default)."""
    principal = _viewer(request, session)
    chosen = _lang(request, lang)
    if not principal.has_role(*PAGE_ROLES["/reconciliation"]):
        return _forbidden(request, chosen, principal)
    default_start, default_end = _last_month()
    start, end = start or default_start, end or default_end
    if end < start:
        start, end = end, start
    # Too long a period is cut to the longest one reconciled, and the page says so.
    shortened = (end - start).days + 1 > portal.MAX_PERIOD_DAYS
    if shortened:
        end = start + timedelta(days=portal.MAX_PERIOD_DAYS - 1)
    return _render(
        request,
        "reconciliation.html",
        lang=chosen,
        principal=principal,
        report=portal.reconcile(session, start=start, end=end),
        classes=("missing", "not_on_portal", "amount_mismatch", "portal_status"),
        field_labels=FIELD_LABELS[chosen],
        shortened=shortened,
        max_days=portal.MAX_PERIOD_DAYS,
    )
