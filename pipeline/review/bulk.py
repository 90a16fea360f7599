"""Approving documents: one at a time, or many selected at once.

A bulk approval is a row of single approvals, not a shortcut: each document goes through
`approve_checked`, the same checks the single approval route runs (its version, a type
chosen, the rules run again with no failing error, segregation of duties, postable), and
each runs in a savepoint of its own, so one refusal undoes nothing of the others. What
comes back says, for every document, whether it was approved or why not (a code and
words), in the order asked.

An invoice awaiting its second approval is given it (an approver's second approval, under
the same refusals as alone): the approvers' list of such invoices is approved in bulk too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from extractors.errors import BackofficeError
from pipeline.ledger import periods, posting
from pipeline.review import approval, checking, documents
from pipeline.review.approval import ApprovalPolicy
from pipeline.store.models import Document, DocumentStatus
from rules.engine import RuleOutcome, RuleSet

# One screenful of the queue and then some; a bigger batch would hold its transaction long.
MAX_BATCH = 200

RULES_FAILED = "rules_failed"
CHANGED_MEANWHILE = "changed_meanwhile"


class ReviewerRoleNeeded(BackofficeError):
    """Only a reviewer gives a document its (first) approval."""

    code = "reviewer_role_needed"
    http_status = 403


class ApproverRoleNeeded(BackofficeError):
    """Only an approver gives an invoice its second approval."""

    code = "approver_role_needed"
    http_status = 403


@dataclass(frozen=True)
class Wanted:
    document_id: int
    version: int | None = None  # the version the caller saw; None: whatever it is now


@dataclass(frozen=True)
class Outcome:
    document_id: int
    approved: bool
    status: DocumentStatus | None = None  # the document's status after; None if not found
    code: str | None = None  # why it was refused
    reason: str | None = None
    failing: tuple[RuleOutcome, ...] = field(default=())  # the error rules that refused it


def approve_checked(
    session: Session,
    *,
    document_id: int,
    version: int | None,
    actor: str,
    rules: RuleSet,
    policy: ApprovalPolicy,
) -> list[RuleOutcome]:
    """A reviewer's approval with every check of a single approval. The failing error rules
    when the rules, run again first, refuse it (nothing approved; the fresh results are in
    the session, for the caller to keep); an empty list once approved. Other refusals raise
    their BackofficeError (stale version, unknown type, not in review, not postable)."""
    periods.lock_books(session)  # before the rules touch the document (periods.lock_books)
    document = _current(session, document_id=document_id, version=version)
    if document.status is DocumentStatus.REVIEW:
        # Before the rules: an unknown document has none worth reporting.
        approval.check_type_chosen(document)
        failing = checking.failing_errors(checking.recheck(session, document=document, rules=rules))
        if failing:
            return failing
    posting.approve(session, document_id=document_id, actor=actor, policy=policy)
    return []


def second_approval_checked(
    session: Session, *, document_id: int, version: int | None, actor: str
) -> None:
    """An approver's second approval with every check of the single route (version, the
    invoice awaiting it, the actor neither its first approver nor an editor of its amounts)."""
    periods.lock_books(session)
    _current(session, document_id=document_id, version=version)
    posting.second_approval(session, document_id=document_id, actor=actor)


def approve_many(
    session: Session,
    *,
    wanted: Sequence[Wanted],
    actor: str,
    may_approve: bool,
    may_second: bool,
    rules: RuleSet,
    policy: ApprovalPolicy,
) -> list[Outcome]:
    """Approve each document in turn (see the module's note); the caller commits once.
    `may_approve`: the actor is a reviewer; `may_second`: an approver. One outcome per
    document, in the order first asked (a document named twice is approved once, as first
    named). The work is done in the order of the ids, so two selections approved at once
    take their documents' locks in the same order and never wait on each other in a circle."""
    periods.lock_books(session)  # held from before the first document (periods.lock_books)
    first_named: dict[int, Wanted] = {}
    for item in wanted:
        first_named.setdefault(item.document_id, item)
    done = {
        document_id: _one(
            session,
            item=item,
            actor=actor,
            may_approve=may_approve,
            may_second=may_second,
            rules=rules,
            policy=policy,
        )
        for document_id, item in sorted(first_named.items())
    }
    return [done[document_id] for document_id in first_named]


def _one(
    session: Session,
    *,
    item: Wanted,
    actor: str,
    may_approve: bool,
    may_second: bool,
    rules: RuleSet,
    policy: ApprovalPolicy,
) -> Outcome:
    try:
        with session.begin_nested():
            document = _current(session, document_id=item.document_id, version=item.version)
            if approval.is_awaiting_second(document):
                if not may_second:
                    raise ApproverRoleNeeded(
                        f"document {item.document_id} awaits its second approval, which only "
                        "an approver may give"
                    )
                second_approval_checked(
                    session, document_id=item.document_id, version=item.version, actor=actor
                )
            else:
                if not may_approve:
                    raise ReviewerRoleNeeded(
                        f"document {item.document_id} is approved by a reviewer, first"
                    )
                failing = approve_checked(
                    session,
                    document_id=item.document_id,
                    version=item.version,
                    actor=actor,
                    rules=rules,
                    policy=policy,
                )
                if failing:
                    # Refused, but the fresh rule results stay (the savepoint is kept), as a
                    # single approval keeps them for the reviewer.
                    return Outcome(
                        item.document_id,
                        approved=False,
                        status=document.status,
                        code=RULES_FAILED,
                        reason=f"document {item.document_id} fails {len(failing)} error "
                        "rule(s): correct or reject it",
                        failing=tuple(failing),
                    )
            session.flush()
            return Outcome(item.document_id, approved=True, status=document.status)
    except BackofficeError as exc:
        return _refused(session, item.document_id, exc.code, str(exc))
    except StaleDataError:
        return _refused(
            session,
            item.document_id,
            CHANGED_MEANWHILE,
            f"document {item.document_id} changed meanwhile: reload it",
        )


def _refused(session: Session, document_id: int, code: str, reason: str) -> Outcome:
    # The savepoint is rolled back: the status is the one the document still has.
    document = session.get(Document, document_id, populate_existing=True)
    return Outcome(
        document_id,
        approved=False,
        status=document.status if document is not None else None,
        code=code,
        reason=reason,
    )


def _current(session: Session, *, document_id: int, version: int | None) -> Document:
    document = documents.get_document(session, document_id=document_id)
    if version is not None and version != document.version:
        raise checking.StaleVersion(document, version)
    return document
