"""Segregation of duties: which invoices need a second approval, and who may give it.

An invoice needs two approvals before it posts when its total, in đồng, is above
`BACKOFFICE_DUAL_APPROVAL_ABOVE`, or when a person changed any of its amounts after it was
read. The second must come from a user with the `approver` role who neither gave the first
nor changed an amount: the person who changed a figure is never the only one vouching for it.
Unset, the setting turns the whole requirement off, and every approval posts at once.

Everything here is derived from the document's record and its history (the audit events), so
there is no flag to drift from what happened: the amounts changed are the corrections and
line-item events since the record was last read, and the approvals in force are the
`approved` events since the last decision that undid them (reopening, rejection, reversal,
a type reassigned for a new reading).

No document is approved before its type is known: an `unknown` one has no register, no
fields and no rules to check, so a reviewer chooses its type first (it is then read again).

An invoice awaiting its second approval is `approved` and not yet `posted`: a single approval
posts an invoice in the same transaction, so an invoice is never left `approved` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from extractors.errors import BackofficeError
from extractors.normalize import decimal_or_none
from pipeline.doc_types import SPECS, spec_of
from pipeline.store.models import AuditEvent, Document, DocumentStatus
from pipeline.store.settings import Settings, get_settings

VND = "VND"
# The invoice's own amounts, and what gives them their value in đồng: a changed currency or
# exchange rate changes every amount without touching a figure.
AMOUNT_FIELDS = frozenset({"subtotal", "vat_amount", "total", "currency", "exchange_rate"})
# A line's figures: its quantity counts, since the amount booked is quantity × unit price.
LINE_AMOUNT_FIELDS = frozenset({"quantity", "unit_price", "amount"})
# Events after which the record is what the reader read, not what anyone typed.
_READ = frozenset({"processed"})
# Events that take back the approvals given before them. Not `processed`: the worker writes
# it after an auto-approval, and a document is only read again after `type_reassigned`.
_UNDO_APPROVAL = frozenset({"reopened", "rejected", "reversed", "type_reassigned"})


class SecondApprovalRefused(BackofficeError):
    """The caller may not give this invoice's second approval (segregation of duties)."""

    code = "second_approval_refused"
    http_status = 403


class TypeNotChosen(BackofficeError):
    """The document's type is unknown: a reviewer must choose it before approving."""

    code = "type_not_chosen"
    http_status = 422  # as every other approval the document's content refuses


def check_type_chosen(document: Document) -> None:
    """TypeNotChosen unless the document is one of the known types; approving an `unknown`
    one would file it nowhere, with nothing on it checked."""
    if document.doc_type not in SPECS:
        raise TypeNotChosen(
            f"document {document.id} has no type (read as {document.doc_type or 'unknown'}): "
            "choose its type (invoice, contract, CV or official letter) before approving it; "
            "it is then read again as that type"
        )


@dataclass(frozen=True)
class ApprovalPolicy:
    # Đồng; None: no invoice needs a second approval.
    dual_approval_above: Decimal | None = None

    @classmethod
    def of(cls, settings: Settings) -> ApprovalPolicy:
        return cls(dual_approval_above=settings.dual_approval_above)


def current_policy() -> ApprovalPolicy:
    """The policy of the service's settings (`BACKOFFICE_DUAL_APPROVAL_ABOVE`)."""
    return ApprovalPolicy.of(get_settings())


@dataclass(frozen=True)
class Approval:
    actor: str
    at: datetime
    step: int


@dataclass(frozen=True)
class ApprovalState:
    """What a document needs before it posts, and what it has been given."""

    required: int  # approvals needed: 1, or 2 for an invoice under segregation of duties
    reasons: tuple[str, ...]  # why a second one is needed
    amounts_changed_by: tuple[str, ...]  # who changed an amount since the record was read
    given: tuple[Approval, ...]  # approvals in force, first one first
    awaiting_second: bool


def state(document: Document, *, policy: ApprovalPolicy) -> ApprovalState:
    events = list(document.events)
    editors = amounts_changed_by(events)
    reasons = _reasons(document, policy=policy, editors=editors)
    return ApprovalState(
        required=2 if reasons else 1,
        reasons=tuple(reasons),
        amounts_changed_by=tuple(sorted(editors)),
        given=tuple(approvals_in_force(events)),
        awaiting_second=is_awaiting_second(document),
    )


def is_awaiting_second(document: Document) -> bool:
    """An invoice approved once and not posted (see the module's note)."""
    return spec_of(document.doc_type).dual_approval and document.status is DocumentStatus.APPROVED


def check_second_approver(document: Document, *, actor: str) -> Approval:
    """The first approval the actor may second (the invoice awaits its second approval), or
    SecondApprovalRefused when the actor already vouched for the invoice: gave the first
    approval, or changed one of its amounts."""
    events = list(document.events)
    first = approvals_in_force(events)[0]
    if actor == first.actor:
        raise SecondApprovalRefused(
            f"{actor} gave the first approval: the second must come from a different approver"
        )
    if actor in amounts_changed_by(events):
        raise SecondApprovalRefused(
            f"{actor} changed an amount of this invoice: the second approval must come from "
            "an approver who did not"
        )
    return first


def amounts_changed_by(events: Sequence[AuditEvent]) -> set[str]:
    """Who changed an amount of the record since it was last read."""
    editors: set[str] = set()
    for event in _since_last(events, _READ):
        if _changes_amounts(event.kind, event.data or {}):
            editors.add(event.actor)
    return editors


def rate_entered_by(events: Sequence[AuditEvent]) -> set[str]:
    """Who typed the invoice's exchange rate since it was last read: it was not printed."""
    return {
        event.actor
        for event in _since_last(events, _READ)
        if event.kind == "corrected" and "exchange_rate" in ((event.data or {}).get("fields") or {})
    }


def vnd_total(fields: Mapping[str, Any]) -> Decimal | None:
    """The invoice's total in đồng at its own exchange rate; None when it cannot be known
    (no total, or a foreign invoice without a rate)."""
    total = decimal_or_none(fields.get("total"))
    currency = fields.get("currency") or VND
    rate = Decimal(1) if currency == VND else decimal_or_none(fields.get("exchange_rate"))
    if total is None or rate is None:
        return None
    return total * rate


def _reasons(document: Document, *, policy: ApprovalPolicy, editors: set[str]) -> list[str]:
    threshold = policy.dual_approval_above
    if not spec_of(document.doc_type).dual_approval or threshold is None:
        return []
    reasons: list[str] = []
    fields = (document.record or {}).get("fields") or {}
    total = vnd_total(fields)
    if total is None:
        # Not knowing how much it is must not let an invoice through on one approval.
        reasons.append("its total in VND is unknown (no total, or no exchange rate)")
    elif total > threshold:
        reasons.append(f"its total, {total.normalize():f} VND, is above {threshold:f} VND")
    if editors:
        reasons.append(f"its amounts were changed by {', '.join(sorted(editors))}")
    return reasons


def approvals_in_force(events: Sequence[AuditEvent]) -> list[Approval]:
    """The approvals given since the last decision that undid them, first one first."""
    return [
        Approval(actor=event.actor, at=event.at, step=int((event.data or {}).get("step", 1)))
        for event in _since_last(events, _UNDO_APPROVAL)
        if event.kind == "approved"
    ]


def _since_last(events: Sequence[AuditEvent], kinds: frozenset[str]) -> Sequence[AuditEvent]:
    for at in range(len(events) - 1, -1, -1):
        if events[at].kind in kinds:
            return events[at + 1 :]
    return events


def _changes_amounts(kind: str, data: Mapping[str, Any]) -> bool:
    if kind == "corrected":
        changed: Mapping[str, Any] = data.get("fields") or {}
        if AMOUNT_FIELDS & set(changed):
            return True
        lines = changed.get("line_items")
        return lines is not None and _lines_differ(lines.get("old"), lines.get("new"))
    if kind in ("line_item_added", "line_item_changed", "line_item_removed"):
        return _lines_differ(
            [data["old"]] if data.get("old") else [], [data["new"]] if data.get("new") else []
        )
    return False


def _lines_differ(old: Any, new: Any) -> bool:
    """Whether two lists of line items differ in any figure (a line added or removed with a
    figure on it counts; one that carries none changes no amount)."""
    figures = [
        [
            tuple(decimal_or_none((item or {}).get(key)) for key in sorted(LINE_AMOUNT_FIELDS))
            for item in items or []
        ]
        for items in (old, new)
    ]
    blank = (None,) * len(LINE_AMOUNT_FIELDS)
    return [f for f in figures[0] if f != blank] != [f for f in figures[1] if f != blank]
