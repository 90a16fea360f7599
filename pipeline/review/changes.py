"""Reviewers' changes beyond single fields: an invoice's line items, reopening a decided
document, and reassigning a document's type. Callers own the transaction.

Every change names the document `version` it was made on; a stale one raises StaleVersion
here, and a concurrent change committed between this check and the flush makes the
document's version column raise StaleDataError at flush: never a silent overwrite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

from pydantic import ValidationError
from sqlalchemy.orm import Session

from extractors.errors import BackofficeError
from extractors.memory import NEVER_LEARNED
from extractors.record import LineItem, Record
from pipeline.doc_types import spec_of
from pipeline.ledger import posting, registers
from pipeline.lifecycle import InvalidTransition, transition
from pipeline.review import approval, memories
from pipeline.review.checking import (
    FieldError,
    InvalidFields,
    Loc,
    StaleVersion,
    apply_correction,
    contract_errors,
    editable_record,
    recheck,
    validate_fields,
)
from pipeline.store.models import Document, DocumentStatus, Job
from rules.engine import RuleOutcome, RuleSet

ReassignableType = Literal["invoice", "contract", "cv", "dispatch"]
V = TypeVar("V")
_ITEM_PATH = re.compile(r"line_items\[(\d+)\](.*)", re.DOTALL)


class LineItemNotFound(BackofficeError):
    code = "line_item_not_found"
    http_status = 404

    def __init__(self, document: Document, index: int, count: int) -> None:
        super().__init__(
            f"document {document.id} has {count} line item(s): there is no line item {index}"
        )


# --- line items ---------------------------------------------------------------------------


def add_line_item(
    session: Session,
    *,
    document: Document,
    version: int,
    item: Mapping[str, Any],
    position: int | None,
    rules: RuleSet,
    actor: str,
) -> list[RuleOutcome]:
    """Insert a line item at `position` (default: the end); what the reviewer typed is
    certain, and the items after it keep their confidences and provenance."""
    record = editable_record(document, version=version)
    items = _line_items(record)
    position = len(items) if position is None else position
    if position > len(items):
        raise LineItemNotFound(document, position, len(items))
    new = _valid_item(item, old={}, loc=("item",))
    items.insert(position, new)
    _renumber_paths(record, lambda i: i + 1 if i >= position else i)
    for key, value in new.items():
        if value is not None:
            record.confidence[f"line_items[{position}].{key}"] = 1.0
    return _store_items(
        session,
        document=document,
        record=record,
        items=items,
        rules=rules,
        actor=actor,
        kind="line_item_added",
        data={"index": position, "old": None, "new": new},
    )


def edit_line_item(
    session: Session,
    *,
    document: Document,
    version: int,
    index: int,
    changes: Mapping[str, Any],
    rules: RuleSet,
    actor: str,
) -> list[RuleOutcome]:
    """Change some values of one line item."""
    record = editable_record(document, version=version)
    items = _line_items(record)
    if index >= len(items):
        raise LineItemNotFound(document, index, len(items))
    old = items[index]
    new = _valid_item(old | dict(changes), old=old, loc=("changes",))
    items[index] = new
    for key in changes:
        if new.get(key) != old.get(key):
            record.confidence[f"line_items[{index}].{key}"] = 1.0
    return _store_items(
        session,
        document=document,
        record=record,
        items=items,
        rules=rules,
        actor=actor,
        kind="line_item_changed",
        data={"index": index, "old": old, "new": new},
    )


def remove_line_item(
    session: Session,
    *,
    document: Document,
    version: int,
    index: int,
    rules: RuleSet,
    actor: str,
) -> list[RuleOutcome]:
    record = editable_record(document, version=version)
    items = _line_items(record)
    if index >= len(items):
        raise LineItemNotFound(document, index, len(items))
    old = items.pop(index)
    _renumber_paths(record, lambda i: None if i == index else i - 1 if i > index else i)
    return _store_items(
        session,
        document=document,
        record=record,
        items=items,
        rules=rules,
        actor=actor,
        kind="line_item_removed",
        data={"index": index, "old": old, "new": None},
    )


def _line_items(record: Record) -> list[dict[str, Any]]:
    if not spec_of(record.doc_type).line_items:
        raise InvalidFields(
            f"a {record.doc_type} has no line items",
            [FieldError(("fields", "line_items"), "only invoices have line items", "no_items")],
        )
    return [dict(item) for item in record.fields.get("line_items") or []]


def _valid_item(item: Mapping[str, Any], *, old: Mapping[str, Any], loc: Loc) -> dict[str, Any]:
    try:
        valid = LineItem.model_validate(item).model_dump(mode="json")
    except ValidationError as error:
        raise InvalidFields(
            "the line item does not fit the record",
            [
                FieldError(loc=loc + tuple(e["loc"]), msg=e["msg"], type=e["type"])
                for e in error.errors(include_url=False)
            ],
        ) from error
    errors = contract_errors(dict(item), dict(old), loc=loc)
    if errors:
        raise InvalidFields("the line item breaks the record contract", errors)
    return valid


def _store_items(
    session: Session,
    *,
    document: Document,
    record: Record,
    items: list[dict[str, Any]],
    rules: RuleSet,
    actor: str,
    kind: str,
    data: dict[str, Any],
) -> list[RuleOutcome]:
    fields = validate_fields(
        record.doc_type, record.fields | {"line_items": items}, loc=("fields",)
    )
    return apply_correction(
        session,
        document=document,
        record=record,
        fields=fields,
        rules=rules,
        actor=actor,
        kind=kind,
        data=data,
    )


def _renumber_paths(record: Record, new_index: Callable[[int], int | None]) -> None:
    """Move the confidence and provenance of line items to their items' new places (None:
    the item is gone)."""
    record.confidence = _renumbered(record.confidence, new_index)
    record.provenance = _renumbered(record.provenance, new_index)


def _renumbered(paths: Mapping[str, V], new_index: Callable[[int], int | None]) -> dict[str, V]:
    renumbered: dict[str, V] = {}
    for path, value in paths.items():
        match = _ITEM_PATH.fullmatch(path)
        if match is None:
            renumbered[path] = value
            continue
        index = new_index(int(match.group(1)))
        if index is not None:
            renumbered[f"line_items[{index}]{match.group(2)}"] = value
    return renumbered


# --- decisions taken back, types reassigned ----------------------------------------------


def reopen(
    session: Session,
    *,
    document: Document,
    version: int,
    reason: str | None,
    rules: RuleSet,
    actor: str,
) -> list[RuleOutcome]:
    """Bring an approved, posted or rejected document back to review, its rules run again
    (they may have changed, or a copy of the invoice arrived since). A posted invoice's entry
    is cancelled by a reversing entry, an approved document's register row by a withdrawn
    version; approving again posts a new entry, or registers it again."""
    reopenable = (DocumentStatus.APPROVED, DocumentStatus.POSTED, DocumentStatus.REJECTED)
    if document.status not in reopenable:
        raise InvalidTransition(document, "reopen")
    if document.version != version:
        raise StaleVersion(document, version)
    previous = document.status
    # An invoice awaiting its second approval loses its first: approving it again starts over.
    voided = (
        approval.approvals_in_force(document.events)
        if approval.is_awaiting_second(document)
        else []
    )
    if previous is DocumentStatus.POSTED:
        posting.reverse_posted(session, document_id=document.id, actor=actor)
    elif previous is DocumentStatus.APPROVED:
        registers.withdraw(session, document=document, actor=actor)
    transition(
        session,
        document,
        "reopened",
        actor=actor,
        began_in=previous,
        data={"from": previous.value, "reason": reason}
        | ({"voided_approvals": [a.actor for a in voided]} if voided else {}),
        action="reopen",
    )
    outcomes = recheck(session, document=document, rules=rules) if document.record else []
    return outcomes


def reassign_type(
    session: Session,
    *,
    document: Document,
    version: int,
    doc_type: ReassignableType,
    actor: str,
) -> Job:
    """Have the document read again as `doc_type`: a job for the workers (reading and OCR
    are too heavy for a request), which extract it as that type without classifying. The
    document leaves the queue until the job is done."""
    if document.status not in (DocumentStatus.REVIEW, DocumentStatus.FAILED):
        raise InvalidTransition(document, "reassign the type of")
    if document.version != version:
        raise StaleVersion(document, version)
    # Remembered for the sender (before the document leaves review, its type still the one
    # it was read as), so its next document of this layout is read as `doc_type`.
    with memories.learning(session, document_id=document.id):
        memories.learn_type(session, document=document, doc_type=doc_type, actor=actor)
    if doc_type in NEVER_LEARNED:
        # A CV's words are a person's: not kept once a reviewer says it is one.
        memories.drop_layout(session, document_id=document.id)
    transition(
        session,
        document,
        "type_reassigned",
        actor=actor,
        data={"old": document.doc_type, "new": doc_type},
        action="reassign the type of",
    )
    document.forced_type = doc_type
    job = Job(document_id=document.id, kind="process")
    session.add(job)
    return job
