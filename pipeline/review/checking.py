"""The rules step over stored documents: facts from the database, results stored, the route.

Rules are pure (rules/), so what only the database knows — is there an earlier copy of this
invoice? when did the file arrive? — is looked up here and handed to them as `Facts`. The
step runs inside the caller's transaction (the worker's, or a request's after a correction or
before an approval); it never commits.

Two copies of one invoice processed at the same moment by two workers, in any formats, must
end as one original and one duplicate. Each transaction that decides about an invoice first
takes locks keyed on the invoice (seller tax code | series | number, its content, and seller
| issue date | total for a copy whose number was not read): a PostgreSQL transaction-scoped
advisory lock, released at commit, so the second decision waits for the first and, in READ
COMMITTED, then sees it. SQLite needs none: every transaction there is `BEGIN IMMEDIATE`, so
writers are serialised anyway. The same lock covers pairing an invoice's PDF with its XML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, or_, select, tuple_
from sqlalchemy.orm import Session, defer, selectinload

from extractors.errors import BackofficeError
from extractors.normalize import decimal_or_none
from extractors.record import FIELDS_BY_TYPE, Record, merge_fields
from extractors.text import CONTROL
from pipeline.doc_types import spec_of, with_dual_approval
from pipeline.intake import pairing
from pipeline.intake.pairing import lock_id as _lock_id
from pipeline.intake.pairing import lock_invoice
from pipeline.ledger import periods, posting
from pipeline.ledger.errors import NotPostable
from pipeline.lifecycle import InvalidTransition, transition
from pipeline.review import approval, memories, search
from pipeline.review.search import TAX_ID, fold
from pipeline.store.models import Document, DocumentEvent, DocumentStatus, RuleCheck, utcnow
from pipeline.store.settings import Settings
from rules.engine import RuleOutcome, RuleSet
from rules.functions import BUSINESS_TZ, Facts, business_today

XML = "application/xml"
# Documents that still hold their invoice: a rejected, failed or superseded one does not.
_LIVE = (DocumentStatus.REVIEW, DocumentStatus.APPROVED, DocumentStatus.POSTED)
AUTO_APPROVER = "rules (auto-approval)"
# A reviewer's word that a probable duplicate is another invoice (the event's kind).
NOT_DUPLICATE = "not_duplicate"


def find_original(session: Session, *, document: Document) -> Document | None:
    """The live document that first held the same invoice, in whatever format (XML, PDF,
    scan, photo), by its symbol or, when a copy's series was lost, by its content. An XML
    and a PDF or scan of it still in review are a pair, not duplicates: pairing supersedes
    the view (pipeline/intake/pairing.py)."""
    same = pairing.same_invoice(document)
    if not same:
        return None
    query = select(Document).where(
        or_(*same),
        Document.id != document.id,
        Document.duplicate_of_id.is_(None),
        Document.status.in_(_LIVE),
    )
    if document.media_type == XML:
        query = query.where(
            or_(Document.media_type == XML, Document.status != DocumentStatus.REVIEW)
        )
    return session.scalar(query.order_by(Document.id).limit(1))


def find_probable_original(
    session: Session, *, document: Document, record: Record
) -> Document | None:
    """The live document that first held an invoice of the same seller, issue date and total
    where this copy's number or that one's was not read (a smudged or stamped scan), unless a
    reviewer marked the two "not a duplicate" (`not_duplicate` events, either way round)."""
    fields = record.fields if record.doc_type == "invoice" else {}
    amount = decimal_or_none(fields.get("total"))
    if amount is None or document.seller_tax_id is None or document.record_date is None:
        return None
    candidates = [
        other
        for other in session.scalars(
            select(Document)
            .where(
                Document.seller_tax_id == document.seller_tax_id,
                Document.record_date == document.record_date,
                Document.doc_type == "invoice",
                Document.id != document.id,
                Document.duplicate_of_id.is_(None),
                Document.status.in_(_LIVE),
            )
            .order_by(Document.id)
        )
        if decimal_or_none(_fields(other).get("total")) == amount
        and not (_number_read(fields) and _number_read(_fields(other)))
    ]
    if not candidates:
        return None
    ids = [document.id, *(other.id for other in candidates)]
    told_apart = {
        frozenset((document_id, (data or {}).get("of")))
        for document_id, data in session.execute(
            select(DocumentEvent.document_id, DocumentEvent.data).where(
                DocumentEvent.kind == NOT_DUPLICATE, DocumentEvent.document_id.in_(ids)
            )
        )
    }
    return next((o for o in candidates if frozenset((document.id, o.id)) not in told_apart), None)


def _fields(document: Document) -> Mapping[str, Any]:
    return (document.record or {}).get("fields") or {}


def _number_read(fields: Mapping[str, Any]) -> bool:
    return bool(fields.get("invoice_number"))


def probable_duplicate_lock(record: Record) -> str | None:
    """Seller | issue date | total: the lock every invoice with them takes, so that a copy
    whose number was not read and one whose number was meet under one lock."""
    fields = record.fields if record.doc_type == "invoice" else {}
    seller = (fields.get("seller") or {}).get("tax_id")
    amount, issued = decimal_or_none(fields.get("total")), fields.get("issue_date")
    if not (seller and issued and amount is not None):
        return None
    return f"probable|{seller}|{issued}|{amount.normalize():f}"


def check(
    session: Session, *, document: Document, record: Record, rules: RuleSet
) -> list[RuleOutcome]:
    """Run the rules on the record with what the database knows, and keep the results: on the
    record (its `rules` list), one row per rule, and the document's queue priority."""
    key = pairing.invoice_key(record)
    content_key = pairing.invoice_content_key(record)
    # Every key, in one order: a copy knowing only some of them still meets the other copy.
    keys = (key, content_key, probable_duplicate_lock(record))
    for held in sorted({k for k in keys if k is not None}, key=_lock_id):
        lock_invoice(session, held)
    document.invoice_key = key
    document.invoice_content_key = content_key
    _copy_queue_columns(document, record)
    sender = memories.sender_of_record(session, record, own_tax_ids=rules.master_data.own_tax_codes)
    document.sender = sender[:300] if sender is not None else None
    original = find_original(session, document=document)
    probable = (
        find_probable_original(session, document=document, record=record)
        if original is None
        else None
    )
    flagged = original or probable
    document.duplicate_of_id = flagged.id if flagged is not None else None
    facts = Facts(
        today=business_today(),
        received=business_day(document.received_at),
        duplicate_of=_describe(original) if original is not None else None,
        probable_duplicate_of=_describe(probable) if probable is not None else None,
    )
    outcomes = rules.evaluate(record, facts=facts)
    record.rules = [outcome.as_result() for outcome in outcomes]
    document.record = record.model_dump(mode="json")
    _store(document, outcomes)
    document.review_priority = review_priority(outcomes)
    return outcomes


class NotAProbableDuplicate(Exception):
    """Only a probable duplicate (same seller, date and total, a number not read) can be
    told apart by a reviewer; the same seller, series and number is the same invoice."""


def mark_not_duplicate(
    session: Session,
    *,
    document: Document,
    version: int,
    reason: str,
    rules: RuleSet,
    actor: str,
) -> list[RuleOutcome]:
    """A reviewer's word that a probable duplicate is another invoice than the document it
    was matched with: recorded in the history (for both, either way round), rules run again."""
    record = editable_record(document, version=version)
    original = find_original(session, document=document)
    if original is not None:
        raise NotAProbableDuplicate(
            f"document {document.id} has the same seller, series and number as document "
            f"{original.id}: it is the same invoice; reject one of them"
        )
    probable = find_probable_original(session, document=document, record=record)
    if probable is None:
        raise NotAProbableDuplicate(f"document {document.id} is not flagged a probable duplicate")
    session.add(
        DocumentEvent(
            document_id=document.id,
            actor=actor,
            kind=NOT_DUPLICATE,
            data={"of": probable.id, "reason": reason},
        )
    )
    session.flush()
    return check(session, document=document, record=record, rules=rules)


def _copy_queue_columns(document: Document, record: Record) -> None:
    fields = record.fields
    field_confidences = [v for path, v in record.confidence.items() if path != "doc_type"]
    document.min_confidence = min(field_confidences) if field_confidences else None
    sender_field = spec_of(record.doc_type).sender_field
    seller = fields.get(sender_field) if sender_field else None
    name = seller.get("name") if isinstance(seller, Mapping) else None
    tax_id = seller.get("tax_id") if isinstance(seller, Mapping) else None
    document.seller_name_folded = fold(name)[:1024] if isinstance(name, str) else None
    document.seller_tax_id = tax_id[:32] if isinstance(tax_id, str) else None
    date_field = spec_of(record.doc_type).date_field
    value = fields.get(date_field) if date_field else None
    try:
        document.record_date = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        document.record_date = None
    search.index_record(document, record=record)


def recheck(session: Session, *, document: Document, rules: RuleSet) -> list[RuleOutcome]:
    """Run the rules again on the stored record (after a correction, before an approval)."""
    record = Record.model_validate(document.record)
    return check(session, document=document, record=record, rules=rules)


def settle(
    session: Session,
    *,
    document: Document,
    record: Record,
    rules: RuleSet,
    settings: Settings,
    actor: str,
) -> list[RuleOutcome]:
    """A freshly processed document's rules, pairing and route: to review, or straight to
    approved when every rule and every required field allow it."""
    outcomes = check(session, document=document, record=record, rules=rules)
    transition(session, document, "checked", actor=actor)
    document.error_code = document.error_message = None
    session.flush()
    pairing.pair(session, document=document, actor=actor)
    if document.status is not DocumentStatus.REVIEW:  # superseded by its XML
        return outcomes
    decision = decide_route(
        # as pairing left it: an XML whose PDF was already posted carries a warning
        record=Record.model_validate(document.record),
        outcomes=outcomes,
        required=rules.required(record.doc_type),
        settings=settings,
    )
    if not decision.holds:
        _auto_approve(session, document=document, decision=decision)
    return outcomes


@dataclass(frozen=True)
class RouteDecision:
    # Why a person must look; none means the document may be approved without review.
    holds: tuple[str, ...]
    confidence: Mapping[str, float]  # the required fields' confidence, for the audit event


def decide_route(
    *,
    record: Record,
    outcomes: Sequence[RuleOutcome],
    required: Sequence[str],
    settings: Settings,
) -> RouteDecision:
    holds: list[str] = []
    if record.doc_type not in settings.auto_approve_types:
        holds.append(f"auto-approval is off for {record.doc_type}")
    holds += [f"{o.rule} failed" for o in outcomes if not o.passed and o.severity == "error"]
    holds += [f"{o.rule}: {o.flag}" for o in outcomes if not o.passed and o.flag == "legal_review"]
    if record.warnings:
        holds.append("the record is partial: " + "; ".join(record.warnings))
    threshold = settings.dual_approval_above
    if spec_of(record.doc_type).dual_approval and threshold is not None:
        # Segregation of duties: above the threshold two people approve, never the rules.
        total = approval.vnd_total(record.fields)
        if total is None or total > threshold:
            holds.append(f"dual approval: the total in VND is unknown or above {threshold:f}")
    confidence = {path: field_confidence(record.confidence, path) for path in required}
    holds += [
        f"{path} read with confidence {value:.2f} < {settings.auto_approve_confidence:.2f}"
        for path, value in confidence.items()
        if value < settings.auto_approve_confidence
    ]
    return RouteDecision(holds=tuple(holds), confidence=confidence)


def field_confidence(confidence: Mapping[str, float], path: str) -> float:
    """A field's confidence, or its nearest enclosing field's (an e-invoice XML states whole
    parties at once); 0 for a field nobody vouched for."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        value = confidence.get(".".join(parts[:end]))
        if value is not None:
            return value
    return 0.0


def review_priority(outcomes: Sequence[RuleOutcome]) -> int:
    """Failing errors first in the review queue, then urgent documents, then the rest."""
    failing = [outcome for outcome in outcomes if not outcome.passed]
    errors = any(outcome.severity == "error" for outcome in failing)
    urgent = any(outcome.flag == "urgent" for outcome in failing)
    return 2 * errors + urgent


def failing_errors(outcomes: Sequence[RuleOutcome]) -> list[RuleOutcome]:
    return [outcome for outcome in outcomes if not outcome.passed and outcome.severity == "error"]


def _auto_approve(session: Session, *, document: Document, decision: RouteDecision) -> None:
    try:
        # A savepoint: an invoice that cannot be posted stays in review, results kept.
        with session.begin_nested():
            periods.lock_books(session)
            transition(
                session,
                document,
                "approved",
                actor=AUTO_APPROVER,
                data={"auto": True, "confidence": dict(decision.confidence)},
            )
            posting.carry_out(session, document=document, actor=AUTO_APPROVER)
    except NotPostable as error:
        session.add(
            DocumentEvent(
                document_id=document.id,
                actor=AUTO_APPROVER,
                kind="auto_approval_refused",
                data={"reason": str(error)},
            )
        )


def _store(document: Document, outcomes: Sequence[RuleOutcome]) -> None:
    """Update the rows in place: replacing them would insert a rule's new row before the
    old one is deleted, against the one-row-per-rule constraint."""
    now = utcnow()
    existing = {check.rule: check for check in document.rule_checks}
    current: list[RuleCheck] = []
    for outcome in outcomes:
        row = existing.pop(outcome.rule, None) or RuleCheck(rule=outcome.rule)
        row.severity = outcome.severity
        row.passed = outcome.passed
        row.message = outcome.message
        row.values = dict(outcome.values)
        row.flag = outcome.flag
        row.checked_at = now
        current.append(row)
    document.rule_checks = current  # rules no longer reported lose their rows


def _describe(document: Document) -> str:
    return f"document {document.id} ({document.filename}, {document.status.value})"


def business_day(moment: datetime) -> date:
    """The calendar day in the business's time zone (Vietnam) at `moment`."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(BUSINESS_TZ).date()


# --- review: the queue, corrections -------------------------------------------------------


class StaleVersion(BackofficeError):
    code = "stale_version"
    http_status = 409

    def __init__(self, document: Document, version: int) -> None:
        super().__init__(
            f"document {document.id} is at version {document.version}, not {version}: "
            "reload it and apply the correction again"
        )


Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldError:
    loc: Loc  # the path of the offending value in what the caller sent
    msg: str
    type: str


class InvalidFields(BackofficeError):
    """A correction that would break the record contract."""

    code = "invalid_fields"
    http_status = 422

    def __init__(self, message: str, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)

    def detail(self) -> list[dict[str, Any]]:
        """In the shape of a request validation error: where in the body, and why."""
        errors = self.errors or [FieldError(("fields",), str(self), "value_error")]
        return [{"loc": ["body", *e.loc], "msg": e.msg, "type": e.type} for e in errors]


@dataclass(frozen=True)
class QueueFilter(search.DocumentFilter):
    """What a reviewer narrows the queue to; every filter given must hold."""

    status: DocumentStatus = DocumentStatus.REVIEW
    # Invoices approved once and waiting for an approver's second approval (then `status`
    # is `approved`: see pipeline/review/approval.py).
    awaiting_second_approval: bool = False


def review_queue(
    session: Session,
    *,
    filters: QueueFilter = QueueFilter(),  # noqa: B008 - frozen, so a safe default
    after: tuple[int, int] | None = None,
    limit: int = 50,
) -> Sequence[Document]:
    """Documents waiting for review: highest priority first (failing errors, then urgent),
    oldest first within a priority. `after` is the (priority, id) of the last one seen."""
    query = queue_query(filters=filters, after=after, limit=limit)
    # A page lists documents, not their records: the JSON is most of a row's bytes.
    options = (selectinload(Document.duplicates), defer(Document.record))
    return session.scalars(query.options(*options)).all()


def queue_query(
    *, filters: QueueFilter, after: tuple[int, int] | None, limit: int
) -> Select[Document]:
    query = select(Document).where(Document.status == filters.status)
    if filters.awaiting_second_approval:
        query = query.where(
            Document.status == DocumentStatus.APPROVED, Document.doc_type.in_(with_dual_approval())
        )
    query = search.narrow(query, filters=filters)
    # The order is (-priority, id) ascending, as ix_documents_review_queue holds it, so that
    # the cursor is one row-value comparison: a range of the index even pages deep.
    rank = (-Document.review_priority, Document.id)
    if after is not None:
        priority, last_id = after
        query = query.where(tuple_(*rank) > tuple_(-priority, last_id))
    return query.order_by(*rank).limit(limit)


def failed_rules(session: Session, *, document_ids: Sequence[int]) -> dict[int, list[str]]:
    """The failing rules of each document, errors first, in one query for a page of them."""
    rows = session.execute(
        select(RuleCheck.document_id, RuleCheck.rule, RuleCheck.severity)
        .where(RuleCheck.document_id.in_(document_ids), RuleCheck.passed.is_(False))
        .order_by(RuleCheck.document_id, RuleCheck.id)
    ).all()
    rank = {"error": 0, "warning": 1, "info": 2}
    failed: dict[int, list[tuple[int, str]]] = {}
    for document_id, rule, severity in rows:
        failed.setdefault(document_id, []).append((rank.get(severity, 3), rule))
    return {key: [rule for _, rule in sorted(value)] for key, value in failed.items()}


def correct_fields(
    session: Session,
    *,
    document: Document,
    version: int,
    changes: Mapping[str, Any],
    rules: RuleSet,
    actor: str,
) -> list[RuleOutcome]:
    """Lay a reviewer's corrections over the record's fields (nested objects merge, anything
    else replaces), check them against the record contract, keep the old and new values in
    the history, and run the rules again."""
    record = editable_record(document, version=version)
    merged = merge_fields(record.fields, changes)
    fields = validate_fields(record.doc_type, merged, loc=("fields",))
    format_errors = contract_errors(changes, record.fields, loc=("fields",))
    if format_errors:
        raise InvalidFields("values break the record contract", format_errors)
    changed = {
        name: {"old": record.fields.get(name), "new": fields[name]}
        for name in changes
        if record.fields.get(name) != fields.get(name)
    }
    # A corrected value is what a person typed: as certain as the record can be.
    for path in list(record.confidence):
        if re.split(r"[.\[]", path, maxsplit=1)[0] in changed:
            record.confidence[path] = 1.0
    record.confidence.update(dict.fromkeys(changed, 1.0))
    outcomes = apply_correction(
        session,
        document=document,
        record=record,
        fields=fields,
        rules=rules,
        actor=actor,
        kind="corrected",
        data={"fields": changed},
    )
    # Learned in this transaction, so a memory never outlives a correction rolled back; a
    # failure to learn loses the memory, never the correction.
    with memories.learning(session, document_id=document.id):
        memories.learn_from_correction(
            session,
            document=document,
            changed=memories.corrected_paths(
                {name: change["old"] for name, change in changed.items()},
                {name: change["new"] for name, change in changed.items()},
            ),
            actor=actor,
        )
    return outcomes


def editable_record(document: Document, *, version: int) -> Record:
    """The record of a document a reviewer may change: in review, and at `version`."""
    if document.status is not DocumentStatus.REVIEW:
        raise InvalidTransition(document, "correct")
    if document.version != version:
        raise StaleVersion(document, version)
    record = Record.model_validate(document.record)
    if record.doc_type not in FIELDS_BY_TYPE:
        raise InvalidFields(f"a {record.doc_type} document has no fields to correct")
    return record


def validate_fields(doc_type: str, fields: Mapping[str, Any], *, loc: Loc) -> dict[str, Any]:
    """`fields` in the shape of the type's record model, or InvalidFields naming each value
    that does not fit, by its path under `loc`."""
    try:
        return FIELDS_BY_TYPE[doc_type].model_validate(fields).model_dump(mode="json")
    except ValidationError as error:
        raise InvalidFields(
            "values do not fit the record",
            [
                FieldError(loc=loc + tuple(e["loc"]), msg=e["msg"], type=e["type"])
                for e in error.errors(include_url=False)
            ],
        ) from error


# The SCHEMA.md formats of values the record models keep as plain strings, by field name.
_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "tax_id": (
        TAX_ID,
        "a tax id: 10 digits with an optional -NNN branch, or 12 digits, or a foreign VAT "
        "number with its country prefix and no spaces ('DE182917077')",
    ),
    "vat_rate": (
        re.compile(r"[0-9]{1,2}(\.[0-9]{1,2})?|KCT|KKKNT"),
        "a VAT rate: the percent as a number ('8', '5.0') or KCT / KKKNT",
    ),
    "currency": (re.compile(r"[A-Z]{3}"), "an ISO 4217 currency code ('VND')"),
    "phone": (re.compile(r"\+[1-9][0-9]{6,14}"), "a phone number in E.164 form ('+84912345678')"),
    "email": (re.compile(r"[^@\sA-Z]+@[^@\sA-Z]+\.[^@\sA-Z]+"), "an e-mail address in lower case"),
}
# The record model's money pattern lets any script's digits through ('٣', '８').
_MONEY_FORM = (re.compile(r"-?[0-9]+(\.[0-9]+)?"), "a decimal string ('1234567.5')")
_MONEY = frozenset(
    {"quantity", "unit_price", "amount", "subtotal", "vat_amount", "total", "total_value"}
)
_DATES = frozenset(
    {
        "issue_date",
        "due_date",
        "signing_date",
        "effective_date",
        "expiry_date",
        "date_of_birth",
        "reply_deadline",
    }
)


def contract_errors(new: Any, old: Any, *, loc: Loc) -> list[FieldError]:
    """Values in `new` that break a SCHEMA.md format; a value left as it was (`old` at the
    same path) is not held against the correction, whatever was read."""
    errors: list[FieldError] = []
    if isinstance(new, Mapping):
        for key, value in new.items():
            previous = old.get(key) if isinstance(old, Mapping) else None
            path = (*loc, key)
            if isinstance(value, str) and value != previous:
                errors += _format_error(key, value, path)
            else:
                errors += contract_errors(value, previous, loc=path)
    elif isinstance(new, list):
        for index, value in enumerate(new):
            previous = old[index] if isinstance(old, list) and index < len(old) else None
            errors += contract_errors(value, previous, loc=(*loc, index))
    return errors


def _format_error(key: str, value: str, loc: Loc) -> list[FieldError]:
    if "\x00" in value:  # PostgreSQL's JSON cannot hold it; no document prints it
        return [FieldError(loc, "a NUL character is not text", "string_nul")]
    if CONTROL.search(value):  # no document prints one: a paste gone wrong, or a probe
        return [FieldError(loc, "control characters are not allowed", "control_characters")]
    if key in _DATES:
        try:
            date.fromisoformat(value)
        except ValueError:
            return [FieldError(loc, "not a date of the calendar (YYYY-MM-DD)", "date_invalid")]
        return []
    if key in _FORMATS or key in _MONEY:
        pattern, what = _FORMATS.get(key, _MONEY_FORM)
        if not pattern.fullmatch(value):
            return [FieldError(loc, f"expected {what}", "format_invalid")]
    return []


def apply_correction(
    session: Session,
    *,
    document: Document,
    record: Record,
    fields: dict[str, Any],
    rules: RuleSet,
    actor: str,
    kind: str,
    data: dict[str, Any],
) -> list[RuleOutcome]:
    """Store corrected fields, run the rules on them, and record the change in the history."""
    record.fields = fields
    outcomes = check(session, document=document, record=record, rules=rules)
    failing = [outcome.rule for outcome in outcomes if not outcome.passed]
    session.add(
        DocumentEvent(
            document_id=document.id, actor=actor, kind=kind, data=data | {"failing": failing}
        )
    )
    return outcomes
