"""Bulk approval over a real database (SQLite and PostgreSQL): each selected document is
checked as if approved alone, and one refused (a failing error rule, segregation of duties,
a stale version, an unknown type) undoes nothing of the others."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.processing import rule_book
from pipeline.ledger import posting
from pipeline.review import bulk
from pipeline.review.approval import ApprovalPolicy
from pipeline.store.db import transaction
from pipeline.store.models import DocumentEvent, DocumentStatus, JournalEntry, RuleCheck
from pipeline.store.settings import Settings
from tests.support.documents import FIELDS, add_checked, settle, stored
from tests.support.signin import api, sign_in

BULK = "/api/v1/approvals"
# FIELDS is an invoice of 1,100,000 VND: above this, every invoice needs two approvals.
DUAL = ApprovalPolicy(dual_approval_above=Decimal(1_000_000))
SINGLE = ApprovalPolicy()


def invoice(sessions: sessionmaker[Session], settings: Settings, number: str) -> int:
    return add_checked(
        sessions, settings, f"hd-{number}.pdf", fields=FIELDS | {"invoice_number": number}
    )


def approve_many(
    sessions: sessionmaker[Session],
    settings: Settings,
    wanted: list[bulk.Wanted],
    *,
    actor: str,
    policy: ApprovalPolicy,
    may_approve: bool = True,
    may_second: bool = True,
) -> dict[int, bulk.Outcome]:
    with transaction(sessions) as session:
        outcomes = bulk.approve_many(
            session,
            wanted=wanted,
            actor=actor,
            may_approve=may_approve,
            may_second=may_second,
            rules=rule_book(settings).current(),
            policy=policy,
        )
    assert [o.document_id for o in outcomes] == [w.document_id for w in wanted]
    return {outcome.document_id: outcome for outcome in outcomes}


def entries(sessions: sessionmaker[Session], document_id: int) -> int:
    with sessions() as session:
        count = session.scalar(
            select(func.count(JournalEntry.id)).where(JournalEntry.document_id == document_id)
        )
    return count or 0


def test_one_refused_by_a_rule_and_one_by_segregation_of_duties_the_others_approved(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = invoice(sessions, settings, "0000201")
    second = invoice(sessions, settings, "0000202")
    wrong = settle(
        sessions, settings, "wrong.pdf", FIELDS | {"invoice_number": "0000203", "total": "1"}
    )
    mine = invoice(sessions, settings, "0000204")  # victor gives its first approval
    theirs = invoice(sessions, settings, "0000205")  # anna gives its first approval
    with transaction(sessions) as session:
        posting.approve(session, document_id=mine, actor="victor", policy=DUAL)
        posting.approve(session, document_id=theirs, actor="anna", policy=DUAL)

    got = approve_many(
        sessions,
        settings,
        [bulk.Wanted(d) for d in (first, wrong, second, mine, theirs)],
        actor="victor",
        policy=DUAL,
    )

    # Approved once each, awaiting a second approval; anna's invoice got victor's second.
    assert got[first] == bulk.Outcome(first, approved=True, status=DocumentStatus.APPROVED)
    assert got[second] == bulk.Outcome(second, approved=True, status=DocumentStatus.APPROVED)
    assert got[theirs] == bulk.Outcome(theirs, approved=True, status=DocumentStatus.POSTED)
    assert entries(sessions, theirs) == 1
    # Refused, each with its reason.
    assert (got[wrong].approved, got[wrong].code) == (False, "rules_failed")
    assert got[wrong].status is DocumentStatus.REVIEW
    assert "invoice.totals_add_up" in [o.rule for o in got[wrong].failing]
    assert (got[mine].approved, got[mine].code) == (False, "second_approval_refused")
    assert got[mine].reason is not None and "victor gave the first approval" in got[mine].reason
    assert got[mine].status is DocumentStatus.APPROVED and entries(sessions, mine) == 0
    # What was stored is what was said: the refusals undid nothing of the others.
    assert [stored(sessions, d).status for d in (first, second, wrong, mine, theirs)] == [
        DocumentStatus.APPROVED,
        DocumentStatus.APPROVED,
        DocumentStatus.REVIEW,
        DocumentStatus.APPROVED,
        DocumentStatus.POSTED,
    ]
    with sessions() as session:
        approvals = session.scalars(
            select(DocumentEvent.document_id).where(
                DocumentEvent.kind == "approved", DocumentEvent.actor == "victor"
            )
        ).all()
        assert sorted(approvals) == sorted([first, second, mine, theirs])
        # The refused one keeps its failing results for the reviewer.
        checks = session.scalars(
            select(RuleCheck).where(RuleCheck.document_id == wrong, RuleCheck.passed.is_(False))
        ).all()
        assert "invoice.totals_add_up" in {check.rule for check in checks}


def test_each_is_held_to_its_version_its_type_and_the_actors_roles(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    fresh = invoice(sessions, settings, "0000301")
    changed = invoice(sessions, settings, "0000302")
    unknown = add_checked(sessions, settings, "la.pdf", doc_type="unknown", fields={})
    awaiting = invoice(sessions, settings, "0000303")
    with transaction(sessions) as session:
        posting.approve(session, document_id=awaiting, actor="anna", policy=DUAL)
    stale = stored(sessions, changed).version - 1 or 99

    got = approve_many(
        sessions,
        settings,
        [
            bulk.Wanted(fresh, stored(sessions, fresh).version),
            bulk.Wanted(changed, stale),
            bulk.Wanted(unknown),
            bulk.Wanted(awaiting),
            bulk.Wanted(2**31 - 1),
        ],
        actor="rita",
        policy=SINGLE,
        may_second=False,  # a reviewer, not an approver
    )

    assert got[fresh] == bulk.Outcome(fresh, approved=True, status=DocumentStatus.POSTED)
    assert entries(sessions, fresh) == 1
    assert (got[changed].code, got[changed].status) == ("stale_version", DocumentStatus.REVIEW)
    assert (got[unknown].code, got[unknown].status) == ("type_not_chosen", DocumentStatus.REVIEW)
    assert (got[awaiting].code, got[awaiting].status) == (
        "approver_role_needed",
        DocumentStatus.APPROVED,
    )
    assert (got[2**31 - 1].code, got[2**31 - 1].status) == ("document_not_found", None)
    assert entries(sessions, awaiting) == 0


@pytest.fixture
def victor(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    """A signed-in browser of a reviewer who is also an approver, on a service where every
    invoice of FIELDS needs two approvals."""
    configured = settings.model_copy(update={"dual_approval_above": DUAL.dual_approval_above})
    with ExitStack() as stack:
        yield sign_in(
            stack.enter_context(api(configured)), sessions, "victor", "reviewer", "approver"
        )


def test_the_api_answers_per_document_and_a_repeat_with_its_key_is_not_run_again(
    victor: TestClient, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    ok = invoice(sessions, settings, "0000401")
    wrong = settle(
        sessions, settings, "w.pdf", FIELDS | {"invoice_number": "0000402", "total": "1"}
    )
    body = {"documents": [{"id": ok, "version": stored(sessions, ok).version}, {"id": wrong}]}
    headers = {"Idempotency-Key": "bulk-1"}

    answer = victor.post(BULK, json=body, headers=headers)

    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert (got["approved"], got["refused"]) == (1, 1)
    assert got["results"][0] == {
        "id": ok,
        "approved": True,
        "status": "approved",
        "code": None,
        "reason": None,
        "failing": [],
    }
    refused = got["results"][1]
    assert (refused["id"], refused["approved"], refused["code"]) == (wrong, False, "rules_failed")
    assert "invoice.totals_add_up" in [f["rule"] for f in refused["failing"]]
    assert all(f["message"] for f in refused["failing"])
    # The repeat is given the first answer; nothing is approved twice.
    repeat = victor.post(BULK, json=body, headers=headers)
    assert repeat.json() == got and repeat.headers["Idempotent-Replayed"] == "true"
    # Without the key it runs again: now the first is not in review any more. Named twice,
    # a document is approved (or refused) once.
    again = victor.post(BULK, json={"documents": [{"id": ok}, {"id": wrong}, {"id": ok}]})
    assert [r["id"] for r in again.json()["results"]] == [ok, wrong]
    assert (again.json()["results"][0]["code"]) == "second_approval_refused"


@pytest.mark.parametrize(
    "documents",
    [[], [{"id": n} for n in range(1, 202)], [{"id": 0}], [{"id": 1, "version": 0}]],
    ids=["none", "too-many", "bad-id", "bad-version"],
)
def test_a_malformed_selection_is_refused_whole(
    victor: TestClient, documents: list[dict[str, int]]
) -> None:
    assert victor.post(BULK, json={"documents": documents}).status_code == 422
