"""The API's response and request models."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlalchemy.orm import Session

from api.security import NO_CONTROL_PATTERN, control_character_at
from extractors.record import LineItem, Record, RecordError, RuleResult, Source
from pipeline.ledger import portal, posting
from pipeline.ledger.errors import NotPostable
from pipeline.review import approval, failures
from pipeline.review.approval import ApprovalPolicy, ApprovalState
from pipeline.review.bulk import MAX_BATCH
from pipeline.store.models import Document, DocumentStatus, JournalEntry

T = TypeVar("T")


def _as_utc(moment: datetime) -> datetime:
    # Moments are stored in UTC, but SQLite gives them back without an offset, and a
    # date-time without one is not the RFC 3339 date-time the API documents.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]

_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _not_a_number(value: Any) -> Any:
    # Pydantic would read a bare number as Unix time; the API takes the ISO 8601 it documents.
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        raise ValueError("an ISO 8601 date or date-time, not a number")
    return value


def _in_utc(moment: datetime) -> datetime:
    # Stored moments are UTC (SQLite keeps no offset at all), so filters compare in UTC; a
    # moment without an offset is taken as UTC.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:  # 0001-01-01T00:00+01:00 is before the first day there is
        raise ValueError("date out of range") from exc


IsoDateTime = Annotated[datetime, BeforeValidator(_not_a_number), AfterValidator(_in_utc)]
IsoDate = Annotated[date, BeforeValidator(_not_a_number)]
# Money leaves the API as a decimal string without grouping, as SCHEMA.md fixes it.
MoneyOut = Annotated[
    Decimal, PlainSerializer(lambda v: format(v.normalize(), "f"), return_type=str)
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class FailureReasonOut(BaseModel):
    """Why a document's processing failed, in words for people and as the code for machines."""

    code: str = Field(description="The `error.code`, e.g. `encrypted_pdf`.")
    vi: str = Field(description="What went wrong and what to do, in Vietnamese.")
    en: str = Field(description="What went wrong and what to do, in English.")
    detail: str = Field(description="The technical message (`error.message`).")

    @classmethod
    def of(cls, document: Document) -> FailureReasonOut | None:
        if document.status is not DocumentStatus.FAILED:
            return None
        code = document.error_code or "internal_error"
        return cls(
            code=code,
            vi=failures.reason_in_words(code, "vi"),
            en=failures.reason_in_words(code, "en"),
            detail=document.error_message or "",
        )


class DocumentSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    relative_path: str
    status: DocumentStatus
    doc_type: str | None
    language: str | None
    media_type: str
    size: int
    sha256: str
    received_at: UtcDateTime
    error: RecordError | None
    duplicate_count: int
    review_priority: int = Field(
        description="Queue order, highest first: 2 when an error rule fails, +1 when urgent."
    )
    failed_rules: list[str] = Field(description="Ids of the rules that fail, errors first.")
    duplicate_of_id: int | None = Field(
        description="The document first holding the same invoice, in any format, when this "
        "is a copy; or probably the same (seller, issue date and total, a number not read) "
        "until a reviewer marks it not a duplicate."
    )
    min_confidence: float | None = Field(
        default=None, description="The lowest confidence of any field of the record."
    )
    record_date: date | None = Field(
        default=None, description="An invoice's or dispatch's issue date, a contract's signing."
    )
    source_document_id: int | None = Field(
        default=None,
        description="For a further part of a file holding several documents (its pages are "
        "in the record's `source.part`): the document of the file's first part.",
    )
    failure_reason: FailureReasonOut | None = Field(
        default=None, description="Why processing failed, in words; null unless `failed`."
    )

    @classmethod
    def of(cls, document: Document, *, failed_rules: list[str] | None = None) -> DocumentSummary:
        return cls(
            id=document.id,
            filename=document.filename,
            relative_path=document.relative_path,
            status=document.status,
            doc_type=document.doc_type,
            language=document.language,
            media_type=document.media_type,
            size=document.size,
            sha256=document.blob_sha256,
            received_at=document.received_at,
            error=_error(document),
            duplicate_count=len(document.duplicates),
            review_priority=document.review_priority,
            failed_rules=failed_rules or [],
            duplicate_of_id=document.duplicate_of_id,
            min_confidence=document.min_confidence,
            record_date=document.record_date,
            source_document_id=document.source_document_id,
            failure_reason=FailureReasonOut.of(document),
        )


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: UtcDateTime
    actor: str
    kind: str
    data: dict[str, Any]


class DuplicateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    filename: str
    relative_path: str
    received_at: UtcDateTime


class RuleResultOut(RuleResult):
    """A rule's latest result on the document, with the values its message names."""

    values: dict[str, str] = Field(default_factory=dict)
    flag: str | None = None


class ApprovalOut(BaseModel):
    actor: str
    at: UtcDateTime
    step: int = Field(description="1 for the first approval, 2 for the approver's second.")


class ApprovalStateOut(BaseModel):
    """Segregation of duties: how many approvals the document needs before it posts, why,
    and those given so far (since it was last reopened)."""

    required: int = Field(
        description="Approvals needed as the document stands: 2 for an invoice above "
        "`BACKOFFICE_DUAL_APPROVAL_ABOVE` (in VND) or with amounts changed by a person, else 1."
    )
    reasons: list[str] = Field(description="Why a second approval is needed; empty when not.")
    amounts_changed_by: list[str] = Field(
        description="Who changed an amount since the record was read: none of them may give "
        "the second approval."
    )
    given: list[ApprovalOut]
    awaiting_second: bool = Field(
        description="Approved once and waiting for an approver's second approval "
        "(`POST /api/v1/documents/{id}/second-approval`) to post."
    )

    @classmethod
    def of(cls, state: ApprovalState) -> ApprovalStateOut:
        return cls(
            required=state.required,
            reasons=list(state.reasons),
            amounts_changed_by=list(state.amounts_changed_by),
            given=[
                ApprovalOut(actor=given.actor, at=given.at, step=given.step)
                for given in state.given
            ],
            awaiting_second=state.awaiting_second,
        )


class RateOut(BaseModel):
    currency: str
    rate: MoneyOut = Field(description="Đồng per unit.")
    day: date = Field(description="The day the rate is of: the asked day, or one before it.")
    kind: str = Field(description="`sell`, `transfer` or `cash`: the company's rule's kind.")
    source: str
    label: str = Field(description="What an entry posted at it records as its rate's origin.")


class DocumentDetail(Record):
    """The SCHEMA.md record of the document, plus its state in the service."""

    rules: list[RuleResultOut] = Field(default_factory=list)  # type: ignore[assignment]
    id: int
    status: DocumentStatus
    review_priority: int
    duplicate_of_id: int | None
    version: int
    received_at: UtcDateTime
    relative_path: str
    forced_type: str | None = Field(
        default=None, description="The type a reviewer chose, which the reading honours."
    )
    source_document_id: int | None = Field(
        default=None,
        description="For a further part of a file holding several documents (its pages are "
        "in `source.part`): the document of the file's first part.",
    )
    failure_reason: FailureReasonOut | None = Field(
        default=None, description="Why processing failed, in words; null unless `failed`."
    )
    history: list[EventOut]
    duplicates: list[DuplicateOut]
    approval: ApprovalStateOut
    exchange_rate_proposal: RateOut | None = Field(
        default=None,
        description="For a foreign-currency invoice in review that prints no exchange rate: "
        "the rate table's rate of its date, which approving it posts at (or which a reviewer "
        "may enter as the invoice's). Null otherwise, and when the table has none.",
    )

    portal_flags: list[portal.FlagOut] = Field(
        default_factory=list,
        description="What the tax portal's list says of the invoice when it marks it "
        "cancelled, replaced or adjusted: open (`cleared_at` null) it blocks posting until a "
        "reviewer decides (`POST /api/v1/documents/{id}/portal-decision`).",
    )

    @classmethod
    def of(cls, document: Document, *, policy: ApprovalPolicy, session: Session) -> DocumentDetail:
        if document.record is not None:
            record = Record.model_validate(document.record)
        else:
            record = Record(
                source=Source(
                    filename=document.filename,
                    sha256=document.blob_sha256,
                    media_type=document.media_type,
                )
            )
        checks = [
            RuleResultOut(
                rule=check.rule,
                severity=check.severity,  # type: ignore[arg-type]
                passed=check.passed,
                message=check.message,
                values=check.values,
                flag=check.flag,
            )
            for check in document.rule_checks
        ]
        # Records from before rule results were stored carry only their `rules` list.
        rules = checks or [RuleResultOut(**result.model_dump()) for result in record.rules]
        return cls(
            **record.model_dump(exclude={"error", "rules"}),
            rules=rules,
            error=_error(document) or record.error,
            id=document.id,
            status=document.status,
            review_priority=document.review_priority,
            duplicate_of_id=document.duplicate_of_id,
            version=document.version,
            received_at=document.received_at,
            relative_path=document.relative_path,
            forced_type=document.forced_type,
            source_document_id=document.source_document_id,
            failure_reason=FailureReasonOut.of(document),
            history=[EventOut.model_validate(e) for e in document.events],
            duplicates=[DuplicateOut.model_validate(d) for d in document.duplicates],
            approval=ApprovalStateOut.of(approval.state(document, policy=policy)),
            exchange_rate_proposal=_rate_proposal(session, document),
            portal_flags=portal.flags_of(session, document=document),
        )


def _rate_proposal(session: Session, document: Document) -> RateOut | None:
    if document.doc_type != "invoice" or document.status not in (
        DocumentStatus.REVIEW,
        DocumentStatus.APPROVED,
    ):
        return None
    try:
        found = posting.table_rate(session, document=document)
    except NotPostable:  # no rate in the table: approving says so
        return None
    if found is None:
        return None
    return RateOut(
        currency=found.currency,
        rate=found.rate,
        day=found.day,
        kind=found.kind,
        source=found.source,
        label=found.label(),
    )


def _error(document: Document) -> RecordError | None:
    if document.error_code is None:
        return None
    return RecordError.model_validate(
        {"code": document.error_code, "message": document.error_message or ""}
    )


# A document's version as clients send it back; the bound keeps absurd numbers out.
Version = Annotated[
    int,
    Field(
        ge=1,
        le=2**31 - 1,
        description="The document's `version` the change was made on; a stale one gets 409.",
    ),
]


class Problem(BaseModel):
    """Why a request was refused."""

    detail: str


# What FastAPI answers, before any route runs, to a body it cannot read at all (JSON that
# is not UTF-8, a broken multipart form): documented on every route taking a body.
UNREADABLE_BODY: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "A body that cannot be read at all."}
}


class FieldProblem(BaseModel):
    loc: list[str | int] = Field(description="Where the value is: `body`/`query`, then its path.")
    msg: str
    type: str


class ValidationProblem(BaseModel):
    """A request whose values do not fit (the shape FastAPI gives its own 422s)."""

    detail: list[FieldProblem]


# Free text as a person types it: no control characters but tab and line breaks (PostgreSQL
# refuses NUL in text and JSON outright). Query parameters are held to it by
# api.security.InputHygieneMiddleware, request bodies by their models.
NO_CONTROL = NO_CONTROL_PATTERN


class RequestBody(BaseModel):
    """A JSON request body: every value of its declared fields, nested keys and strings
    included, is refused with 422 if it holds a control character. Undeclared fields are
    ignored, as before, and so never checked nor kept."""

    # Fields whose values the service checks itself, naming the exact path of a bad value
    # (a record correction: `fields.seller.tax_id`), which a field validator cannot.
    checked_by_the_service: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name in cls.checked_by_the_service:
            return value
        where = control_character_at(value)
        if where is not None:
            path = ".".join(str(part) for part in [info.field_name, *where])
            raise PydanticCustomError(
                "control_characters",
                "control characters are not allowed (at {path})",
                {"path": path},
            )
        return value


class CorrectionRequest(RequestBody):
    checked_by_the_service: ClassVar[frozenset[str]] = frozenset({"fields"})

    version: Version
    fields: dict[str, Any] = Field(
        min_length=1,
        description="Field values to change, in the record's format (money as decimal strings, "
        'dates ISO). Objects merge (`{"seller": {"tax_id": "…"}}` changes one key); '
        "lists and values replace.",
    )


class RuleFailure(BaseModel):
    rule: str
    severity: str
    message: str


class ApprovalRefused(BaseModel):
    detail: str
    failing: list[RuleFailure]


class RejectRequest(RequestBody):
    reason: str = Field(
        min_length=1,
        max_length=2000,
        pattern=NO_CONTROL,
        description="Why the document is rejected.",
    )
    version: Version | None = None


class ApproveRequest(RequestBody):
    version: Version | None = None


class VersionRequest(RequestBody):
    version: Version


class LineItemAdd(RequestBody):
    version: Version
    item: LineItem = Field(description="The line item, in the record's format.")
    position: int | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description="Where to insert it (0 first); the end when omitted.",
    )


class LineItemEdit(RequestBody):
    version: Version
    changes: LineItem = Field(
        description="The values to change; keys left out stay as they are, null clears one."
    )


class ReopenRequest(RequestBody):
    version: Version
    reason: str | None = Field(default=None, max_length=2000, pattern=NO_CONTROL)


class PortalDecisionRequest(RequestBody):
    reason: str = Field(
        min_length=3,
        max_length=2000,
        pattern=NO_CONTROL,
        description="Why the invoice stands although the tax portal marks it cancelled, "
        "replaced or adjusted (kept in the history).",
    )


class NotDuplicateRequest(RequestBody):
    version: Version
    reason: str = Field(
        min_length=1,
        max_length=2000,
        pattern=NO_CONTROL,
        description="How the reviewer knows it is another invoice (kept in the history).",
    )


class TypeRequest(RequestBody):
    version: Version
    doc_type: Literal["invoice", "contract", "cv", "dispatch"] = Field(
        description="The type to extract the document as, whatever the classifier said."
    )


class JournalLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    account: str
    debit: MoneyOut
    credit: MoneyOut
    debit_vnd: MoneyOut = Field(description="The debit in đồng, at the entry's exchange rate.")
    credit_vnd: MoneyOut = Field(description="The credit in đồng, at the entry's exchange rate.")
    description: str
    counterparty_tax_id: str | None
    vat_rate: str | None = Field(
        default=None,
        description="On an input VAT line, the rate of its VAT (`10`, `8`, `KHAC:5.5`); null "
        "on other lines and where the invoice stated no rate.",
    )


class JournalEntryOut(BaseModel):
    id: int
    position: int = Field(
        description="The entry's place in the feed, in commit order and gap-free: pass the "
        "last one taken as `after`."
    )
    document_id: int
    voucher_number: str = Field(description="`PN2026/000123`: one sequence per year.")
    entry_date: date = Field(
        description="The accounting (posting) date, in an open month: the approval day, or "
        "the invoice's date while its month is open when the service posts on document dates; "
        "a reversal keeps its original's while that month is open. The voucher number follows "
        "its year."
    )
    document_date: date | None = Field(
        description="The invoice's issue date, whichever month the entry posted in."
    )
    posted_at: UtcDateTime
    currency: str
    exchange_rate: MoneyOut | None = Field(
        description="Đồng per unit of `currency` (1 for VND); null when none was known."
    )
    memo: str
    invoice_form: str | None
    invoice_series: str | None
    invoice_number: str | None
    reverses_id: int | None = Field(
        description="The entry this one cancels (a reopened invoice); null for a posting."
    )
    lines: list[JournalLineOut]

    @classmethod
    def of(cls, entry: JournalEntry, *, position: int) -> JournalEntryOut:
        return cls(
            id=entry.id,
            position=position,
            document_id=entry.document_id,
            voucher_number=entry.voucher_number,
            entry_date=entry.entry_date,
            document_date=entry.document_date,
            posted_at=entry.posted_at,
            currency=entry.currency,
            exchange_rate=entry.exchange_rate,
            memo=entry.memo,
            invoice_form=entry.invoice_form,
            invoice_series=entry.invoice_series,
            invoice_number=entry.invoice_number,
            reverses_id=entry.reverses_id,
            lines=[JournalLineOut.model_validate(line) for line in entry.lines],
        )


class AckRequest(RequestBody):
    """Items taken from a feed, by `position`, by `id`, or both."""

    positions: list[Annotated[int, Field(ge=1, le=2**62)]] = Field(
        default_factory=list, max_length=1000, description="Positions of the items taken."
    )
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=list, max_length=1000, description="Ids of the items taken."
    )

    @model_validator(mode="after")
    def _names_something(self) -> AckRequest:
        if not self.positions and not self.ids:
            raise ValueError("name the items taken in `positions` or `ids`")
        return self


class AckOut(BaseModel):
    acknowledged: list[int] = Field(
        description="The positions of every item the request named: all acknowledged now."
    )
    new: list[int] = Field(
        description="Those not acknowledged before this request (empty on a repeat)."
    )
    pending: int = Field(description="Items of the feed the caller has still not acknowledged.")


# --- bulk approval ---


class BulkApproveItem(RequestBody):
    id: int = Field(ge=1, le=2**31 - 1, description="The document's id.")
    version: Version | None = Field(
        default=None,
        description="The `version` the caller saw; a document changed since is refused "
        "(`stale_version`), the others go on.",
    )


class BulkApproveRequest(RequestBody):
    documents: list[BulkApproveItem] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="The documents to approve, each checked as if approved alone (one "
        "named twice is approved once, as first named).",
    )


class BulkApproveResult(BaseModel):
    id: int
    approved: bool
    status: DocumentStatus | None = Field(
        description="The document's status now (`posted`, `approved` awaiting a second "
        "approval, `registered`...); null for a document that does not exist."
    )
    code: str | None = Field(
        default=None,
        description="Why it was not approved: `rules_failed`, `stale_version`, "
        "`type_not_chosen`, `invalid_transition`, `second_approval_refused`, "
        "`approver_role_needed`, `reviewer_role_needed`, `not_postable`, "
        "`duplicate_invoice`, `document_not_found`, `changed_meanwhile`.",
    )
    reason: str | None = Field(default=None, description="The refusal in words.")
    failing: list[RuleFailure] = Field(
        default_factory=list, description="For `rules_failed`: the error rules that fail."
    )


class BulkApproveOut(BaseModel):
    approved: int = Field(description="How many were approved.")
    refused: int = Field(description="How many were not.")
    results: list[BulkApproveResult] = Field(
        description="One per document, in the order first named."
    )
