"""One document lifecycle: the statuses a document may move between, who causes each move,
and the audit event it leaves. `transition()` is the only code that assigns
`Document.status`, so the table below is the whole story of a document's life.

A move is named by the event it writes (`approved`, `rejected`, …). Two moves are queue
mechanics rather than decisions and leave no event of their own: a worker claiming the job
or giving it back untouched (the job row records the attempt) and the rules step handing the
processed document to review (the worker's `processed` event says what was read)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from extractors.errors import BackofficeError
from pipeline.access.audit import change
from pipeline.store.models import Document, DocumentEvent, DocumentStatus

S = DocumentStatus


@dataclass(frozen=True)
class Move:
    sources: frozenset[DocumentStatus]
    target: DocumentStatus
    by: str
    audited: bool = True


LIFECYCLE: dict[str, Move] = {
    "claimed": Move(
        frozenset({S.RECEIVED, S.PROCESSING}),
        S.PROCESSING,
        "a worker claiming the document's job",
        audited=False,
    ),
    "released": Move(
        frozenset({S.PROCESSING}),
        S.RECEIVED,
        "a worker giving its job back untouched (stopping, or no disk space)",
        audited=False,
    ),
    "checked": Move(
        frozenset({S.PROCESSING}),
        S.REVIEW,
        "the rules step, once the record is read and checked",
        audited=False,
    ),
    "failed": Move(
        frozenset({S.RECEIVED, S.PROCESSING}),
        S.FAILED,
        "a worker: the file cannot be read, or the job failed too often",
    ),
    "superseded": Move(
        frozenset({S.REVIEW, S.FAILED}),
        S.SUPERSEDED,
        "pairing: the e-invoice XML of the same invoice arrived",
    ),
    "approved": Move(
        frozenset({S.REVIEW}),
        S.APPROVED,
        "a reviewer, or auto-approval when every rule and field allow it",
    ),
    "posted": Move(
        frozenset({S.APPROVED}),
        S.POSTED,
        "the approval in force (the first, or an approver's second)",
    ),
    "rejected": Move(
        frozenset({S.REVIEW, S.APPROVED, S.FAILED}),
        S.REJECTED,
        "a reviewer (a failed document too: nothing to read); an approver for an invoice "
        "awaiting its second approval",
    ),
    "reversed": Move(
        frozenset({S.POSTED}), S.REVIEW, "reopening a posted invoice: its entry is reversed"
    ),
    "reopened": Move(
        frozenset({S.APPROVED, S.POSTED, S.REJECTED}),
        S.REVIEW,
        "a reviewer bringing a decided document back to review",
    ),
    "type_reassigned": Move(
        frozenset({S.REVIEW, S.FAILED}),
        S.RECEIVED,
        "a reviewer choosing the type; the document is read again",
    ),
    "retried": Move(
        frozenset({S.FAILED}),
        S.RECEIVED,
        "a reviewer sending a failed document to be read again, its cause fixed",
    ),
}


class InvalidTransition(BackofficeError):
    code = "invalid_transition"
    http_status = 409

    def __init__(self, document: Document, action: str) -> None:
        super().__init__(
            f"cannot {action} document {document.id}: its status is {document.status.value}"
        )
        self.document = document
        self.action = action


def transition(
    session: Session,
    document: Document,
    kind: str,
    *,
    actor: str,
    data: dict[str, Any] | None = None,
    began_in: DocumentStatus | None = None,
    action: str | None = None,
) -> DocumentStatus:
    """Move `document` by the move named `kind` and write its audit event (with the status
    change), or raise InvalidTransition naming `action` (default: the move's name). A move
    that completes a compound step names the status the step `began_in` (reopening a posted
    invoice reverses its entry first). Returns the status the document left."""
    move = LIFECYCLE[kind]
    previous = began_in or document.status
    if previous not in move.sources:
        raise InvalidTransition(document, action or kind.replace("_", " "))
    document.status = move.target
    if move.audited:
        session.add(
            DocumentEvent(
                document_id=document.id,
                actor=actor,
                kind=kind,
                data=(data or {}) | {"status": change(previous, move.target)},
            )
        )
    return previous
