"""Documents and the review queue."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, status
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from api.deps import (
    AUTH_RESPONSES,
    Approver,
    DocumentReader,
    PolicyDep,
    QueueReader,
    Reviewer,
    RulesDep,
    SessionDep,
    visible_document,
)
from api.schemas import (
    NO_CONTROL,
    UNREADABLE_BODY,
    ApprovalRefused,
    ApproveRequest,
    BulkApproveOut,
    BulkApproveRequest,
    BulkApproveResult,
    CorrectionRequest,
    DocumentDetail,
    DocumentSummary,
    EventOut,
    IsoDate,
    IsoDateTime,
    LineItemAdd,
    LineItemEdit,
    NotDuplicateRequest,
    Page,
    PortalDecisionRequest,
    Problem,
    RejectRequest,
    ReopenRequest,
    RuleFailure,
    TypeRequest,
    ValidationProblem,
    VersionRequest,
)
from pipeline.ledger import portal, posting
from pipeline.review import bulk, changes, checking, documents, failures, search
from pipeline.review.approval import ApprovalPolicy
from pipeline.store.models import Document, DocumentStatus, Role

router = APIRouter(prefix="/api/v1", tags=["documents"], responses=AUTH_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
MAX_ID = 2**31 - 1
Cursor = Annotated[
    str | None,
    Query(pattern=r"^[0-9]{1,18}$", description="`next_cursor` of the previous page."),
]
QueueCursor = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9_-]{1,40}$",
        description="`next_cursor` of the previous page: opaque, only one this service "
        "handed out is taken.",
    ),
]

SearchText = Annotated[
    str | None,
    Query(
        alias="q",
        max_length=200,
        pattern=NO_CONTROL,
        description="Words anywhere in the document's text or its record's values, whatever "
        "their diacritics and case (`hoa don` finds `Hóa đơn`); the last word may be the start "
        "of one (`hoa d`). Every word must be found.",
    ),
]
FailedRule = Annotated[
    str | None,
    Query(
        alias="rule",
        max_length=120,
        pattern=NO_CONTROL,
        description="Only documents failing this rule.",
    ),
]
ConfidenceBelow = Annotated[
    float | None,
    Query(
        ge=0,
        le=1,
        description="Only documents with some field read with a confidence below this: "
        "their lowest field confidence (the document type's is not a field). Documents "
        "with no field confidences at all never match.",
    ),
]
Supplier = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=NO_CONTROL,
        description="An invoice's seller: a tax id (`0101243150`, `0101243150-001`, 12 "
        "digits) matches it exactly; anything else is part of the seller's name, any case.",
    ),
]
ReceivedFrom = Annotated[
    IsoDateTime | None,
    Query(description="Received at or after this moment (UTC unless an offset is given)."),
]
ReceivedBefore = Annotated[IsoDateTime | None, Query(description="Received before this moment.")]
DatedFrom = Annotated[
    IsoDate | None,
    Query(
        description="The record's own date on or after this day: an invoice's or a "
        "dispatch's `issue_date`, a contract's `signing_date` (CVs have none)."
    ),
]
DatedTo = Annotated[IsoDate | None, Query(description="The record's date on or before.")]


def _blank_none(value: str | None) -> str | None:
    # Blank: no filter, not "every name contains ''".
    return None if value is None else (value.strip() or None)


def _bad_query(name: str, message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": ["query", name], "msg": message, "type": "value_error"}],
    )


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
    doc_type: Annotated[str | None, Query(alias="type", max_length=20, pattern=NO_CONTROL)] = None,
    text: SearchText = None,
    failed_rule: FailedRule = None,
    confidence_below: ConfidenceBelow = None,
    supplier: Supplier = None,
    received_from: ReceivedFrom = None,
    received_before: ReceivedBefore = None,
    dated_from: DatedFrom = None,
    dated_to: DatedTo = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[DocumentSummary]:
    """Documents, newest first; a clerk sees only the documents they uploaded. Search words
    and filters narrow them as they narrow the review queue."""
    filters = search.DocumentFilter(
        text=_blank_none(text),
        failed_rule=failed_rule,
        confidence_below=confidence_below,
        supplier=_blank_none(supplier),
        received_from=received_from,
        received_before=received_before,
        dated_from=dated_from,
        dated_to=dated_to,
    )
    rows = documents.list_documents(
        session,
        status=status_filter,
        doc_type=doc_type,
        uploaded_by=None if principal.sees_all_documents else principal.name,
        # Ids are 32-bit: a larger cursor lists from the newest, as the largest id would
        # (PostgreSQL refuses to compare an integer column with it).
        after_id=None if cursor is None else min(int(cursor), MAX_ID),
        limit=limit,
        filters=filters,
    )
    return _page(_summaries(session, rows), limit)


@router.get(
    "/review-queue",
    response_model=Page[DocumentSummary],
    responses={422: {"model": ValidationProblem, "description": "A malformed filter or cursor."}},
)
def review_queue(
    session: SessionDep,
    _principal: QueueReader,
    status_filter: Annotated[
        DocumentStatus | None,
        Query(alias="status", description="Documents in this status (the queue: `review`)."),
    ] = None,
    awaiting_second_approval: Annotated[
        bool,
        Query(
            description="Only invoices approved once and waiting for an approver's second "
            "approval (status `approved`; any other `status` is refused)."
        ),
    ] = False,
    doc_type: Annotated[str | None, Query(alias="type", max_length=20, pattern=NO_CONTROL)] = None,
    text: SearchText = None,
    failed_rule: FailedRule = None,
    confidence_below: ConfidenceBelow = None,
    supplier: Supplier = None,
    received_from: ReceivedFrom = None,
    received_before: ReceivedBefore = None,
    dated_from: DatedFrom = None,
    dated_to: DatedTo = None,
    cursor: QueueCursor = None,
    limit: Limit = 50,
) -> Page[DocumentSummary]:
    """Documents waiting for a reviewer: failing errors first, then urgent ones, then the
    rest; oldest first within each."""
    supplier = _blank_none(supplier)
    if awaiting_second_approval:
        if status_filter not in (None, DocumentStatus.APPROVED):
            raise _bad_query("status", "documents awaiting a second approval are `approved`")
        status_filter = DocumentStatus.APPROVED
    filters = checking.QueueFilter(
        status=status_filter or DocumentStatus.REVIEW,
        awaiting_second_approval=awaiting_second_approval,
        text=_blank_none(text),
        doc_type=doc_type,
        failed_rule=failed_rule,
        confidence_below=confidence_below,
        supplier=supplier,
        received_from=received_from,
        received_before=received_before,
        dated_from=dated_from,
        dated_to=dated_to,
    )
    rows = checking.review_queue(session, filters=filters, after=_queue_cursor(cursor), limit=limit)
    items = _summaries(session, rows)
    last = rows[-1] if len(rows) == limit else None
    next_cursor = _encode_queue_cursor(last) if last is not None else None
    return Page[DocumentSummary](items=items, next_cursor=next_cursor)


def _encode_queue_cursor(document: Document) -> str:
    raw = f"{document.review_priority}-{document.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _queue_cursor(cursor: str | None) -> tuple[int, int] | None:
    """The (priority, id) a queue cursor stands for. Cursors are opaque to clients, so any
    that this service did not hand out is refused."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raw = ""
    match = _QUEUE_CURSOR.fullmatch(raw)
    if match is None:
        raise _bad_query("cursor", "invalid cursor")
    return int(match.group(1)), int(match.group(2))


DocumentId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="The document's id.")]
LineIndex = Annotated[
    int, PathParam(ge=0, le=100_000, description="The line item's place in `line_items`, from 0.")
]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such document."}
}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Problem,
        "description": "The document is not in a state that allows this, or it changed since "
        "`version` (reload it and apply the change again).",
    }
}
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ValidationProblem,
        "description": "A value that does not fit the record, with its path in `loc`.",
    }
}


@router.get("/documents/{document_id}", response_model=DocumentDetail, responses=_NOT_FOUND)
def get_document(
    document_id: DocumentId, session: SessionDep, policy: PolicyDep, principal: DocumentReader
) -> DocumentDetail:
    return DocumentDetail.of(
        visible_document(session, document_id, principal), policy=policy, session=session
    )


@router.get("/documents/{document_id}/history", response_model=list[EventOut], responses=_NOT_FOUND)
def document_history(
    document_id: DocumentId, session: SessionDep, principal: DocumentReader
) -> list[EventOut]:
    """Everything that happened to the document, oldest first: who, when, old and new values."""
    document = visible_document(session, document_id, principal)
    return [EventOut.model_validate(event) for event in document.events]


@contextmanager
def _decision(session: Session) -> Iterator[None]:
    """Commit a review decision; a typed refusal passes to the app's one error handler."""
    yield
    session.commit()


@router.patch(
    "/documents/{document_id}",
    response_model=DocumentDetail,
    responses=_NOT_FOUND | _CONFLICT | _INVALID | UNREADABLE_BODY,
)
def correct(
    document_id: DocumentId,
    body: CorrectionRequest,
    session: SessionDep,
    policy: PolicyDep,
    rules: RulesDep,
    principal: Reviewer,
) -> DocumentDetail:
    """Correct fields of a document in review; the rules run again on the corrected record
    and the old and new values go into its history. Values are checked against the type's
    record model and the SCHEMA.md formats (money a decimal string, dates ISO, VAT rates,
    tax ids...): a value that does not fit is refused with its path, nothing is stored."""
    with _decision(session):
        document = documents.get_document(session, document_id=document_id)
        checking.correct_fields(
            session,
            document=document,
            version=body.version,
            changes=body.fields,
            rules=rules,
            actor=principal.name,
        )
    return _fresh(session, document_id, policy)


@router.post(
    "/documents/{document_id}/line-items",
    response_model=DocumentDetail,
    status_code=status.HTTP_201_CREATED,
    responses=_NOT_FOUND | _CONFLICT | _INVALID | UNREADABLE_BODY,
)
def add_line_item(
    document_id: DocumentId,
    body: LineItemAdd,
    session: SessionDep,
    policy: PolicyDep,
    rules: RulesDep,
    principal: Reviewer,
) -> DocumentDetail:
    """Add a line item to an invoice in review (at `position`, or at the end); the rules run
    again and the history records it."""
    with _decision(session):
        changes.add_line_item(
            session,
            document=documents.get_document(session, document_id=document_id),
            version=body.version,
            item=body.item.model_dump(mode="json"),
            position=body.position,
            rules=rules,
            actor=principal.name,
        )
    return _fresh(session, document_id, policy)


@router.patch(
    "/documents/{document_id}/line-items/{index}",
    response_model=DocumentDetail,
    responses=_NOT_FOUND | _CONFLICT | _INVALID | UNREADABLE_BODY,
)
def edit_line_item(
    document_id: DocumentId,
    index: LineIndex,
    body: LineItemEdit,
    session: SessionDep,
    policy: PolicyDep,
    rules: RulesDep,
    principal: Reviewer,
) -> DocumentDetail:
    """Change values of one line item; the old and new item go into the history."""
    with _decision(session):
        changes.edit_line_item(
            session,
            document=documents.get_document(session, document_id=document_id),
            version=body.version,
            index=index,
            changes=body.changes.model_dump(mode="json", exclude_unset=True),
            rules=rules,
            actor=principal.name,
        )
    return _fresh(session, document_id, policy)


@router.delete(
    "/documents/{document_id}/line-items/{index}",
    response_model=DocumentDetail,
    responses=_NOT_FOUND | _CONFLICT | _INVALID | UNREADABLE_BODY,
)
def remove_line_item(
    document_id: DocumentId,
    index: LineIndex,
    body: VersionRequest,
    session: SessionDep,
    policy: PolicyDep,
    rules: RulesDep,
    principal: Reviewer,
) -> DocumentDetail:
    """Remove one line item (the version travels in the body, as for every change)."""
    with _decision(session):
        changes.remove_line_item(
            session,
            document=documents.get_document(session, document_id=document_id),
            version=body.version,
            index=index,
            rules=rules,
            actor=principal.name,
        )
    return _fresh(session, document_id, policy)


@router.post(
    "/documents/{document_id}/approve",
    response_model=DocumentDetail,
    responses=_NOT_FOUND
    | _CONFLICT
    | UNREADABLE_BODY
    | {
        422: {
            "model": ApprovalRefused | Problem | ValidationProblem,
            "description": "The document's type is unknown (`type_not_chosen`: choose it "
            "first), an error rule fails, the invoice cannot be posted as it stands, or the "
            "body is malformed.",
        }
    },
)
def approve(
    document_id: DocumentId,
    session: SessionDep,
    policy: PolicyDep,
    rules: RulesDep,
    principal: Reviewer,
    body: Annotated[ApproveRequest | None, Body()] = None,
) -> DocumentDetail | JSONResponse:
    """Approve a reviewed document; an approved invoice is posted as a journal entry. The
    rules run again first (an earlier copy may have arrived since, or the rules changed);
    while an error rule fails the document cannot be approved: correct it or reject it.
    With a `version`, a document changed since is refused with 409.

    Segregation of duties: an invoice above `BACKOFFICE_DUAL_APPROVAL_ABOVE` (in VND), or
    with amounts changed by a person, stays `approved` and is not posted until an approver
    gives the second approval (`approval.awaiting_second` in the answer).

    A document of type `unknown` is refused with 422 `type_not_chosen`: choose its type
    (`POST /documents/{id}/type`) and it is read again as that type."""
    failing = bulk.approve_checked(
        session,
        document_id=document_id,
        version=body.version if body is not None else None,
        actor=principal.name,
        rules=rules,
        policy=policy,
    )
    session.commit()  # refused by the rules: their fresh results are kept for the reviewer
    if failing:
        refusal = ApprovalRefused(
            detail=f"document {document_id} fails {len(failing)} error rule(s): "
            "correct or reject it",
            failing=[
                RuleFailure(rule=o.rule, severity=o.severity, message=o.message) for o in failing
            ],
        )
        return JSONResponse(refusal.model_dump(), status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)
    return _fresh(session, document_id, policy)


# Not `/documents/approve`: that path is also `/documents/{document_id}` (GET, PATCH), so a
# client asking it the wrong method would be told of methods this route does not have.
@router.post(
    "/approvals",
    response_model=BulkApproveOut,
    responses=UNREADABLE_BODY
    | {
        422: {
            "model": ValidationProblem,
            "description": "A malformed body: no documents, more than 200, or one named twice.",
        }
    },
)
def approve_many(
    body: BulkApproveRequest,
    session: SessionDep,
    policy: PolicyDep,
    rules: RulesDep,
    principal: QueueReader,
) -> BulkApproveOut:
    """Approve the selected documents, each as if approved alone: its `version` (when
    given), a type chosen, the rules run again with no failing error, segregation of duties,
    postable. One refused does not hold back the others: the answer says, per document and
    in the order asked, whether it was approved and why not (`code`, `reason`, the failing
    rules). A document in review gets a reviewer's approval; an invoice awaiting its second
    approval gets an approver's second approval (refused to whoever gave the first or
    changed an amount). 200 even when none was approved."""
    outcomes = bulk.approve_many(
        session,
        wanted=[bulk.Wanted(item.id, item.version) for item in body.documents],
        actor=principal.name,
        may_approve=principal.has_role(Role.REVIEWER),
        may_second=principal.has_role(Role.APPROVER),
        rules=rules,
        policy=policy,
    )
    session.commit()
    results = [
        BulkApproveResult(
            id=outcome.document_id,
            approved=outcome.approved,
            status=outcome.status,
            code=outcome.code,
            reason=outcome.reason,
            failing=[
                RuleFailure(rule=o.rule, severity=o.severity, message=o.message)
                for o in outcome.failing
            ],
        )
        for outcome in outcomes
    ]
    approved = sum(result.approved for result in results)
    return BulkApproveOut(approved=approved, refused=len(results) - approved, results=results)


@router.post(
    "/documents/{document_id}/second-approval",
    response_model=DocumentDetail,
    responses=_NOT_FOUND
    | {
        403: {
            "model": Problem,
            "description": "Not an approver, or the caller already vouched for the invoice: "
            "gave its first approval or changed one of its amounts.",
        },
        409: {
            "model": Problem,
            "description": "The document is not an invoice awaiting a second approval, or it "
            "changed since `version`.",
        },
        422: {
            "model": Problem | ValidationProblem,
            "description": "The invoice cannot be posted as it stands, or the body is malformed.",
        },
    }
    | UNREADABLE_BODY,
)
def second_approval(
    document_id: DocumentId,
    session: SessionDep,
    policy: PolicyDep,
    principal: Approver,
    body: Annotated[ApproveRequest | None, Body()] = None,
) -> DocumentDetail:
    """Give the second approval to an invoice awaiting one (`approval.awaiting_second`): it
    is posted as a journal entry. Only an approver who neither gave the first approval nor
    changed an amount of the invoice may give it (403 otherwise). With a `version`, a
    document changed since is refused with 409."""
    document = documents.get_document(session, document_id=document_id)
    if body is not None and body.version is not None and body.version != document.version:
        raise checking.StaleVersion(document, body.version)
    posting.second_approval(session, document_id=document_id, actor=principal.name)
    session.commit()
    return _fresh(session, document_id, policy)


@router.post(
    "/documents/{document_id}/reject",
    response_model=DocumentDetail,
    responses=_NOT_FOUND | _CONFLICT | UNREADABLE_BODY,
)
def reject(
    document_id: DocumentId,
    body: RejectRequest,
    session: SessionDep,
    policy: PolicyDep,
    principal: Reviewer,
) -> DocumentDetail:
    """Reject a document in review, or an invoice awaiting its second approval, with the
    reason; with a `version`, a document changed since is refused with 409."""
    with _decision(session):
        if body.version is not None:
            current = documents.get_document(session, document_id=document_id)
            if current.version != body.version:
                raise checking.StaleVersion(current, body.version)
        documents.reject(session, document_id=document_id, actor=principal.name, reason=body.reason)
    return _fresh(session, document_id, policy)


@router.post(
    "/documents/{document_id}/reopen",
    response_model=DocumentDetail,
    responses=_NOT_FOUND | _CONFLICT | UNREADABLE_BODY,
)
def reopen(
    document_id: DocumentId,
    body: ReopenRequest,
    session: SessionDep,
    policy: PolicyDep,
    rules: RulesDep,
    principal: Reviewer,
) -> DocumentDetail:
    """Bring an approved, posted or rejected document back to review; its rules run again.
    A posted invoice's journal entry is cancelled by a reversing entry (pulled from
    `/entries` like any other); approving the invoice again posts a new entry."""
    with _decision(session):
        changes.reopen(
            session,
            document=documents.get_document(session, document_id=document_id),
            version=body.version,
            reason=body.reason,
            rules=rules,
            actor=principal.name,
        )
    return _fresh(session, document_id, policy)


@router.post(
    "/documents/{document_id}/not-duplicate",
    response_model=DocumentDetail,
    responses=_NOT_FOUND | _CONFLICT | UNREADABLE_BODY,
)
def mark_not_duplicate(
    document_id: DocumentId,
    body: NotDuplicateRequest,
    session: SessionDep,
    policy: PolicyDep,
    rules: RulesDep,
    principal: Reviewer,
) -> DocumentDetail:
    """Say that an invoice flagged a probable duplicate (`invoice.not_probable_duplicate`:
    same seller, issue date and total as another, a number not read) is another invoice;
    the reason is kept in the history and the rules run again. A duplicate by seller,
    series and number is the same invoice: refused with 409, reject it instead."""
    with _decision(session):
        try:
            checking.mark_not_duplicate(
                session,
                document=documents.get_document(session, document_id=document_id),
                version=body.version,
                reason=body.reason,
                rules=rules,
                actor=principal.name,
            )
        except checking.NotAProbableDuplicate as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    return _fresh(session, document_id, policy)


@router.post(
    "/documents/{document_id}/type",
    response_model=DocumentDetail,
    status_code=status.HTTP_202_ACCEPTED,
    responses=_NOT_FOUND | _CONFLICT | UNREADABLE_BODY,
)
def reassign_type(
    document_id: DocumentId,
    body: TypeRequest,
    session: SessionDep,
    policy: PolicyDep,
    principal: Reviewer,
) -> DocumentDetail:
    """Have a document in review (or failed) read again as another type: it is queued for
    the workers, which extract it as `doc_type` from the stored original, and comes back to
    review when done. 202: the document as queued (status `received`)."""
    with _decision(session):
        changes.reassign_type(
            session,
            document=documents.get_document(session, document_id=document_id),
            version=body.version,
            doc_type=body.doc_type,
            actor=principal.name,
        )
    return _fresh(session, document_id, policy)


@router.post(
    "/documents/{document_id}/retry",
    response_model=DocumentDetail,
    status_code=status.HTTP_202_ACCEPTED,
    responses=_NOT_FOUND | _CONFLICT | UNREADABLE_BODY,
)
def retry(
    document_id: DocumentId,
    body: VersionRequest,
    session: SessionDep,
    policy: PolicyDep,
    principal: QueueReader,
) -> DocumentDetail:
    """Have a failed document read again once the cause of its failure is fixed (a limit
    raised, OCR repaired, a worker restarted): it is queued for the workers like a new file
    and read once. 202: the document as queued (status `received`); the failure stays in
    its history. A document that is not `failed` is refused with 409."""
    with _decision(session):
        failures.retry(
            session,
            document=documents.get_document(session, document_id=document_id),
            version=body.version,
            actor=principal.name,
        )
    return _fresh(session, document_id, policy)


@router.post(
    "/documents/{document_id}/portal-decision",
    response_model=DocumentDetail,
    responses=_NOT_FOUND | _CONFLICT | UNREADABLE_BODY,
)
def portal_decision(
    document_id: DocumentId,
    body: PortalDecisionRequest,
    session: SessionDep,
    policy: PolicyDep,
    principal: Reviewer,
) -> DocumentDetail:
    """Decide that an invoice stands although the tax portal's list marks it cancelled,
    replaced or adjusted: its open flag is cleared with the reason (audited, in its history)
    and it may post again. An invoice without an open flag is refused with 409."""
    with _decision(session):
        portal.clear_flag(
            session,
            document=documents.get_document(session, document_id=document_id),
            reason=body.reason,
            actor=principal.name,
        )
    return _fresh(session, document_id, policy)


def _fresh(session: Session, document_id: int, policy: ApprovalPolicy) -> DocumentDetail:
    """The document as committed, history included (the session still holds the old one)."""
    session.expire_all()
    document = documents.get_document(session, document_id=document_id)
    return DocumentDetail.of(document, policy=policy, session=session)
