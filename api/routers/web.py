"""The reviewers' and clerks' pages: sign-in, the review queue, one document beside its page
image, and uploads. Server-rendered; the pages' scripts call the JSON API with the session
cookie and its CSRF header, so the API stays the one place that checks and changes data.

Pages are not API: they are left out of the OpenAPI document, and an anonymous visitor is
sent to the sign-in page instead of getting 401. Who may open which page follows the API
routes it uses (`PAGE_ROLES`)."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from api.deps import (
    SESSION_COOKIE,
    PolicyDep,
    Principal,
    RulesDep,
    SessionDep,
    get_principal,
    sign_in_allowed,
    visible_document,
)
from api.routers.views import ViewOut
from api.schemas import DocumentDetail
from api.search_query import QueueQuery
from api.web_labels import (
    FIELD_LABELS,
    LABELS,
    LANGS,
    Lang,
    field_label,
    number,
    pick_lang,
)
from extractors.record import FIELDS_BY_TYPE, DocType, IsoDate, LineItem, Money, YearMonth
from pipeline.doc_types import spec_of
from pipeline.review import checking, memories, views
from pipeline.review.changes import ReassignableType
from pipeline.store.models import Document, DocumentStatus, Role
from rules.functions import BUSINESS_TZ

router = APIRouter(include_in_schema=False)


def moment(value: datetime, lang: str, *, seconds: bool = False) -> str:
    """A stored instant as the office reads it: on the company's clock (stored times are UTC;
    a document received at 06:30 in Hà Nội is not shown at 23:30 the day before), day first
    in Vietnamese."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    day = "%d/%m/%Y" if lang == "vi" else "%Y-%m-%d"
    return aware.astimezone(BUSINESS_TZ).strftime(f"{day} {clock}")


templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
templates.env.filters["number"] = number
templates.env.filters["moment"] = moment

LANG_COOKIE = "bo_lang"
LOW_CONFIDENCE = 0.9
QUEUE_PAGE = 200  # one screenful of work and then some; the API pages further
LINE_COLUMNS = tuple(LineItem.model_fields)
DOC_TYPES = typing.get_args(DocType)

# Who may open each page (admin may open all): the roles of the API routes the page uses.
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "/": frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER}),
    "/review": frozenset({Role.REVIEWER, Role.APPROVER}),
    "/review/{document_id}": frozenset({Role.REVIEWER, Role.APPROVER}),
    "/upload": frozenset({Role.CLERK}),
}


def _viewer(request: Request, session: SessionDep) -> Principal:
    """The signed-in browser user; anyone else is sent to sign in and brought back after.
    Only the session cookie counts: pages are for people, API tokens are for systems."""
    try:
        return get_principal(request, session, None, request.cookies.get(SESSION_COOKIE))
    except HTTPException as refused:
        if refused.status_code != status.HTTP_401_UNAUTHORIZED:
            raise
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(
            status.HTTP_303_SEE_OTHER,
            "sign in first",
            headers={"Location": f"/login?next={quote(target, safe='')}"},
        ) from refused


def _lang(request: Request, lang: str | None) -> Lang:
    return pick_lang(lang, request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def _render(
    request: Request,
    name: str,
    *,
    lang: Lang,
    principal: Principal | None,
    status_code: int = status.HTTP_200_OK,
    **context: Any,
) -> HTMLResponse:
    response = templates.TemplateResponse(
        request,
        name,
        {
            "t": LABELS[lang],
            "lang": lang,
            "other_langs": [other for other in LANGS if other != lang],
            "principal": principal,
            "can_review": principal is not None
            and principal.has_role(Role.REVIEWER, Role.APPROVER),
            "can_upload": principal is not None and principal.has_role(Role.CLERK),
            **context,
        },
        status_code=status_code,
    )
    # The language chosen once stays chosen on every page after.
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def _allowed(principal: Principal, page: str) -> bool:
    return principal.has_role(*PAGE_ROLES[page])


def _forbidden(request: Request, lang: Lang, principal: Principal) -> HTMLResponse:
    return _render(
        request,
        "forbidden.html",
        lang=lang,
        principal=principal,
        status_code=status.HTTP_403_FORBIDDEN,
    )


LangQuery = Annotated[str | None, Query(max_length=2)]


def _local(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another site's
    address (`//evil.example` is one)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    lang: LangQuery = None,
    next_page: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
) -> HTMLResponse:
    """The sign-in form; over plain HTTP from another computer, why signing in needs HTTPS
    (the form would send a password in clear, and the session cookie would not be kept)."""
    chosen = _lang(request, lang)
    if not sign_in_allowed(request):
        return _render(request, "login_https.html", lang=chosen, principal=None)
    return _render(request, "login.html", lang=chosen, principal=None, next=_local(next_page))


@router.get("/")
def home(request: Request, session: SessionDep, lang: LangQuery = None) -> Response:
    """Each role's page: reviewers the queue, clerks the upload form."""
    principal = _viewer(request, session)
    if principal.has_role(Role.REVIEWER, Role.APPROVER):
        return RedirectResponse("/review", status.HTTP_303_SEE_OTHER)
    if principal.has_role(Role.CLERK):
        return RedirectResponse("/upload", status.HTTP_303_SEE_OTHER)
    return _forbidden(request, _lang(request, lang), principal)


def _queue(session: SessionDep, filters: checking.QueueFilter | None = None) -> list[Document]:
    return list(
        checking.review_queue(session, filters=filters or checking.QueueFilter(), limit=QUEUE_PAGE)
    )


def _queue_query(request: Request) -> tuple[QueueQuery, list[str]]:
    """The page's search and filters from its query string, and the names of those that
    could not be read: a mistyped filter is left out with a word, not a 422 page."""
    given = {
        name: request.query_params[name]
        for name in QueueQuery.model_fields
        if name in request.query_params
    }
    bad: list[str] = []
    while True:
        try:
            return QueueQuery.model_validate(given), bad
        except ValidationError as refused:
            names = {str(error["loc"][0]) for error in refused.errors() if error["loc"]}
            if not names & given.keys():
                return QueueQuery(), sorted(given)
            bad.extend(sorted(names & given.keys()))
            given = {name: value for name, value in given.items() if name not in names}


def _party(record: dict[str, Any]) -> str | None:
    fields = record.get("fields") or {}
    match record.get("doc_type"):
        case "invoice":
            return (fields.get("seller") or {}).get("name")
        case "dispatch":
            return fields.get("issuer")
        case "contract":
            parties = fields.get("parties") or []
            return parties[0].get("name") if parties else None
        case "cv":
            return fields.get("full_name")
    return None


def _total(record: dict[str, Any]) -> str | None:
    fields = record.get("fields") or {}
    value = fields.get("total") if record.get("doc_type") == "invoice" else None
    return value or fields.get("total_value")


class QueueRow(BaseModel):
    id: int
    doc_type: str | None
    filename: str
    party: str | None
    total: str | None
    currency: str | None
    failing: int
    received_at: datetime


@router.get("/review", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, lang: LangQuery = None) -> HTMLResponse:
    """The documents waiting for review, in the API's queue order, narrowed by the search
    words and filters in the query string (as the review-queue API takes them); for
    approvers, first the invoices awaiting their second approval. Above them, the person's
    saved views."""
    principal = _viewer(request, session)
    chosen = _lang(request, lang)
    if not _allowed(principal, "/review"):
        return _forbidden(request, chosen, principal)
    query, bad_filters = _queue_query(request)
    awaiting = None
    if principal.has_role(Role.APPROVER) and query.is_empty():
        awaiting = _rows(session, _awaiting_second_approval(session))
    rows = _rows(session, _queue(session, query.to_filter()))
    saved = [ViewOut.of(view) for view in views.list_views(session, owner=principal.name)]
    return _render(
        request,
        "queue.html",
        lang=chosen,
        principal=principal,
        rows=rows,
        awaiting=awaiting,
        query=query,
        filtered=not query.is_empty(),
        # Filters beyond the search words are shown open, so that what narrows the list shows.
        filters_open=bool(query.model_dump(exclude_none=True).keys() - {"q"}),
        bad_filters=bad_filters,
        saved_views=saved,
        doc_types=DOC_TYPES,
        statuses=[member.value for member in DocumentStatus],
    )


def _awaiting_second_approval(session: SessionDep) -> list[Document]:
    filters = checking.QueueFilter(status=DocumentStatus.APPROVED, awaiting_second_approval=True)
    return list(checking.review_queue(session, filters=filters, limit=QUEUE_PAGE))


def _rows(session: SessionDep, documents: list[Document]) -> list[QueueRow]:
    ids = [document.id for document in documents]
    # The queue defers records (most of a row's bytes); the few columns shown come in one go.
    records: dict[int, dict[str, Any] | None] = {
        document_id: record
        for document_id, record in session.execute(
            select(Document.id, Document.record).where(Document.id.in_(ids))
        )
    }
    failed = checking.failed_rules(session, document_ids=ids)
    return [
        QueueRow(
            id=document.id,
            doc_type=document.doc_type,
            filename=document.filename,
            party=_party(records.get(document.id) or {}),
            total=_total(records.get(document.id) or {}),
            currency=((records.get(document.id) or {}).get("fields") or {}).get("currency"),
            failing=len(failed.get(document.id, [])),
            received_at=document.received_at,
        )
        for document in documents
    ]


class FieldRow(BaseModel):
    """One value of the record as the form shows it."""

    path: str  # as confidence and provenance name it: `seller.tax_id`, `parties[0].name`
    label: str  # what the page calls it, in the reviewer's language
    kind: str  # money, date, month, number, bool, list or text: how the page reads it back
    value: Any
    confidence: float | None
    has_box: bool


def _kind(annotation: Any) -> tuple[str, Any]:
    """How a record field is edited, from its type in the record model."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "object", annotation
    if typing.get_origin(annotation) is list:
        (inner,) = typing.get_args(annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "objects", inner
        return "list", None
    known = {Money: "money", IsoDate: "date", YearMonth: "month", bool: "bool"}
    for kind_type, kind in known.items():
        if annotation == kind_type:
            return kind, None
    if annotation in (int, float):
        return "number", None
    return "text", None


def _leaves(
    model: type[BaseModel], values: dict[str, Any], prefix: str
) -> Iterator[tuple[str, str, Any]]:
    """Every editable value under a model: nested objects and lists of objects by path.
    Invoice line items are left out: they have a table of their own."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        value = values.get(name)
        kind, inner = _kind(info.annotation)
        if kind == "object":
            yield from _leaves(inner, value or {}, f"{path}.")
        elif kind == "objects":
            if path == "line_items":
                continue
            for index, item in enumerate(value or []):
                yield from _leaves(inner, item or {}, f"{path}[{index}].")
        else:
            yield path, kind, value


def _neighbours(queue: list[Document], document_id: int) -> tuple[int | None, int | None]:
    """The documents before and after this one in the queue (J and K), or, for one no longer
    in it, the queue's first."""
    ids = [document.id for document in queue]
    if document_id not in ids:
        return None, (ids[0] if ids else None)
    at = ids.index(document_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


@router.get("/review/{document_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    session: SessionDep,
    policy: PolicyDep,
    rules: RulesDep,
    document_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
    lang: LangQuery = None,
) -> HTMLResponse:
    """One document: its page image beside its fields, rules and line items."""
    principal = _viewer(request, session)
    chosen = _lang(request, lang)
    if not _allowed(principal, "/review/{document_id}"):
        return _forbidden(request, chosen, principal)
    document = visible_document(session, document_id, principal)
    detail = DocumentDetail.of(document, policy=policy, session=session)
    record = detail.model_dump(mode="json")
    model = FIELDS_BY_TYPE.get(detail.doc_type or "")
    rows = [
        FieldRow(
            path=path,
            label=field_label(path, chosen, detail.doc_type),
            kind=kind,
            value=value,
            confidence=detail.confidence.get(path),
            has_box=path in detail.provenance,
        )
        for path, kind, value in (_leaves(model, detail.fields, "") if model else ())
    ]
    previous_id, next_id = _neighbours(_queue(session), document_id)
    return _render(
        request,
        "document.html",
        lang=chosen,
        principal=principal,
        doc=detail,
        record=record,
        rows=rows,
        field_labels=FIELD_LABELS[chosen],
        line_columns=LINE_COLUMNS if spec_of(detail.doc_type).line_items else (),
        line_headers=[field_label(f"line_items.{column}", chosen) for column in LINE_COLUMNS],
        rule_messages=_rule_messages(rules, detail.doc_type),
        low=LOW_CONFIDENCE,
        previous_id=previous_id,
        next_id=next_id,
        can_second=principal.has_role(Role.APPROVER),
        can_decide=principal.has_role(Role.REVIEWER),
        sender=document.sender,
        curve=[
            point.model_dump(mode="json")
            for point in (
                memories.learning_curve(session, sender=document.sender) if document.sender else ()
            )
        ],
        learned=_learned(session, detail),
        # The types a reviewer may choose: the reassign-type API's.
        doc_types=typing.get_args(ReassignableType),
    )


def _rule_messages(rules: RulesDep, doc_type: str | None) -> dict[str, Any]:
    """Each rule of the type's pack, its message in each language as parts the page fills
    from a result's `values`: results carry the English message, the page shows the
    reviewer's language."""
    pack = rules.packs.get(doc_type or "")
    return {rule.rule.id: rule.templates() for rule in (pack.rules if pack else ())}


class LearnedNote(BaseModel):
    """What the page says of a memory that read one of the document's values."""

    learned_from_document_id: int | None
    learned_by: str


def _learned(session: SessionDep, detail: DocumentDetail) -> dict[str, dict[str, Any] | None]:
    """The memories the record's values were read by (`provenance.learned_from`), by id, as
    the page's script takes them; None for one forgotten since, which the badge still names."""
    ids = {where.learned_from for where in detail.provenance.values() if where.learned_from}
    notes: dict[str, dict[str, Any] | None] = {}
    for memory_id in sorted(ids):
        row = memories.get_memory(session, memory_id=memory_id)
        notes[str(memory_id)] = (
            None
            if row is None
            else LearnedNote(
                learned_from_document_id=row.learned_from_document_id, learned_by=row.learned_by
            ).model_dump()
        )
    return notes


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, session: SessionDep, lang: LangQuery = None) -> HTMLResponse:
    principal = _viewer(request, session)
    chosen = _lang(request, lang)
    if not _allowed(principal, "/upload"):
        return _forbidden(request, chosen, principal)
    return _render(request, "upload.html", lang=chosen, principal=principal)
