"""Segregation of duties over a real database (SQLite and PostgreSQL): an invoice above the
dual-approval threshold, or with amounts a person changed, posts only after a second
approval by a different user with the `approver` role; the same user cannot give both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger import posting
from pipeline.review import changes
from pipeline.review.approval import TypeNotChosen
from pipeline.store.db import transaction
from pipeline.store.models import (
    AuditEvent,
    Document,
    DocumentStatus,
    JournalEntry,
)
from pipeline.store.settings import Settings
from tests.support.documents import FIELDS, add_checked, settle, stored
from tests.support.signin import api, sign_in

# FIELDS is an invoice of 1,100,000 VND.
ABOVE = Decimal(1_000_000)
WELL_ABOVE = Decimal(1_000_000_000)
SECOND = "/api/v1/documents/{}/second-approval"
QUEUE = "/api/v1/review-queue"


@pytest.fixture
def people(
    settings: Settings, sessions: sessionmaker[Session]
) -> Iterator[Callable[[Decimal | None], dict[str, TestClient]]]:
    """Signed-in browsers on a service with the given threshold: rita reviews, anna and
    bao approve, victor does both."""
    with ExitStack() as stack:

        def start(threshold: Decimal | None) -> dict[str, TestClient]:
            configured = settings.model_copy(update={"dual_approval_above": threshold})
            roles = {
                "rita": ("reviewer",),
                "anna": ("approver",),
                "bao": ("approver",),
                "victor": ("reviewer", "approver"),
            }
            return {
                name: sign_in(stack.enter_context(api(configured)), sessions, name, *held)
                for name, held in roles.items()
            }

        yield start


def entries(sessions: sessionmaker[Session], document_id: int) -> int:
    with sessions() as session:
        return (
            session.scalar(
                select(func.count(JournalEntry.id)).where(JournalEntry.document_id == document_id)
            )
            or 0
        )


def approve(client: TestClient, document_id: int) -> dict[str, Any]:
    response = client.post(f"/api/v1/documents/{document_id}/approve")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def detail(client: TestClient, document_id: int) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/api/v1/documents/{document_id}").json()
    return body


def test_above_the_threshold_one_approval_does_not_post_and_a_second_approver_does(
    people: Callable[[Decimal | None], dict[str, TestClient]],
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    by = people(ABOVE)
    invoice = add_checked(sessions, settings, "big.pdf")
    before = detail(by["victor"], invoice)["approval"]
    assert before["required"] == 2 and before["given"] == []
    assert "1100000 VND" in before["reasons"][0]

    first = approve(by["victor"], invoice)
    assert first["status"] == "approved"
    assert first["approval"]["awaiting_second"] is True
    assert [(a["actor"], a["step"]) for a in first["approval"]["given"]] == [("victor", 1)]
    assert entries(sessions, invoice) == 0
    # The approvers' list; the reviewers' queue no longer holds it.
    awaiting = by["anna"].get(QUEUE, params={"awaiting_second_approval": "true"})
    assert [item["id"] for item in awaiting.json()["items"]] == [invoice]
    assert invoice not in [item["id"] for item in by["rita"].get(QUEUE).json()["items"]]

    # The same user cannot give both approvals, a reviewer cannot give the second, and
    # approving again in review's way is not a second approval.
    same = by["victor"].post(SECOND.format(invoice))
    assert same.status_code == 403
    assert "victor gave the first approval" in same.json()["detail"]
    assert by["rita"].post(SECOND.format(invoice)).status_code == 403
    assert by["rita"].post(f"/api/v1/documents/{invoice}/approve").status_code == 409
    assert entries(sessions, invoice) == 0

    second = by["anna"].post(SECOND.format(invoice), json={"version": first["version"]})
    assert second.status_code == 200, second.text
    body = second.json()
    assert body["status"] == "posted"
    assert body["approval"]["awaiting_second"] is False
    assert [(a["actor"], a["step"]) for a in body["approval"]["given"]] == [
        ("victor", 1),
        ("anna", 2),
    ]
    assert [(e["kind"], e["actor"]) for e in body["history"]][-3:] == [
        ("approved", "victor"),
        ("approved", "anna"),
        ("posted", "anna"),
    ]
    assert body["history"][-2]["data"] == {"step": 2, "of": 2, "first_approver": "victor"}
    assert entries(sessions, invoice) == 1
    # Exactly once: a third approver finds nothing left to approve.
    assert by["bao"].post(SECOND.format(invoice)).status_code == 409
    assert entries(sessions, invoice) == 1
    with sessions() as session:
        audited = session.scalars(
            select(AuditEvent).where(
                AuditEvent.document_id == invoice, AuditEvent.kind == "approved"
            )
        ).all()
        assert [(e.actor, e.data["step"], e.data["of"]) for e in audited] == [
            ("victor", 1, 2),
            ("anna", 2, 2),
        ]


@pytest.mark.slow
def test_an_untouched_invoice_under_the_threshold_posts_at_once(
    people: Callable[[Decimal | None], dict[str, TestClient]],
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    by = people(WELL_ABOVE)
    invoice = add_checked(sessions, settings, "small.pdf")
    # A correction that changes no amount is no reason for a second approval.
    version = detail(by["rita"], invoice)["version"]
    corrected = by["rita"].patch(
        f"/api/v1/documents/{invoice}", json={"version": version, "fields": {"po_number": "PO-7"}}
    )
    assert corrected.status_code == 200, corrected.text
    line = by["rita"].patch(
        f"/api/v1/documents/{invoice}/line-items/0",
        json={"version": corrected.json()["version"], "changes": {"unit": "ram"}},
    )
    assert line.status_code == 200, line.text
    assert line.json()["approval"] | {"given": []} == {
        "required": 1,
        "reasons": [],
        "amounts_changed_by": [],
        "given": [],
        "awaiting_second": False,
    }
    body = approve(by["rita"], invoice)
    assert body["status"] == "posted"
    assert [(a["actor"], a["step"]) for a in body["approval"]["given"]] == [("rita", 1)]
    assert entries(sessions, invoice) == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "change",
    [
        ("PATCH", "", {"fields": {"vat_amount": "100001"}}),
        ("PATCH", "", {"fields": {"line_items": [FIELDS["line_items"][0] | {"amount": "9"}]}}),
        ("PATCH", "", {"fields": {"currency": "USD", "exchange_rate": "25000"}}),
        ("PATCH", "/line-items/0", {"changes": {"unit_price": "100001"}}),
        ("PATCH", "/line-items/0", {"changes": {"quantity": "11"}}),
        ("POST", "/line-items", {"item": {"description": "Phí", "amount": "1"}}),
        ("DELETE", "/line-items/0", {}),
    ],
)
def test_any_amount_a_person_changes_calls_for_a_second_approval(
    people: Callable[[Decimal | None], dict[str, TestClient]],
    sessions: sessionmaker[Session],
    settings: Settings,
    change: tuple[str, str, dict[str, Any]],
) -> None:
    by = people(WELL_ABOVE)
    invoice = add_checked(sessions, settings, "edited.pdf")
    method, path, payload = change
    version = detail(by["victor"], invoice)["version"]
    edited = by["victor"].request(
        method, f"/api/v1/documents/{invoice}{path}", json={"version": version} | payload
    )
    assert edited.status_code in (200, 201), edited.text
    approval = edited.json()["approval"]
    assert (approval["required"], approval["amounts_changed_by"]) == (2, ["victor"])
    assert approval["reasons"][-1] == "its amounts were changed by victor"


def test_an_amount_corrected_below_the_threshold_needs_an_approver_who_did_not_correct_it(
    people: Callable[[Decimal | None], dict[str, TestClient]],
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    by = people(WELL_ABOVE)
    misread = FIELDS | {"vat_amount": "10000"}  # the totals no longer add up
    invoice = add_checked(sessions, settings, "misread.pdf", fields=misread)
    version = detail(by["victor"], invoice)["version"]
    corrected = by["victor"].patch(
        f"/api/v1/documents/{invoice}",
        json={"version": version, "fields": {"vat_amount": "100000"}},
    )
    assert corrected.status_code == 200, corrected.text

    first = approve(by["rita"], invoice)
    assert first["status"] == "approved" and entries(sessions, invoice) == 0
    assert first["approval"]["awaiting_second"] is True
    # victor changed an amount: he may not be the one vouching for it a second time.
    refused = by["victor"].post(SECOND.format(invoice))
    assert refused.status_code == 403
    assert "victor changed an amount" in refused.json()["detail"]
    posted = by["anna"].post(SECOND.format(invoice))
    assert posted.status_code == 200, posted.text
    assert posted.json()["status"] == "posted" and entries(sessions, invoice) == 1


def test_reopening_voids_a_pending_first_approval_and_rejecting_works_while_it_waits(
    people: Callable[[Decimal | None], dict[str, TestClient]],
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    by = people(ABOVE)
    invoice = add_checked(sessions, settings, "big.pdf")
    first = approve(by["rita"], invoice)
    reopened = by["rita"].post(
        f"/api/v1/documents/{invoice}/reopen",
        json={"version": first["version"], "reason": "wrong supplier"},
    )
    assert reopened.status_code == 200, reopened.text
    body = reopened.json()
    assert body["status"] == "review"
    assert body["approval"]["given"] == [] and body["approval"]["awaiting_second"] is False
    assert body["history"][-1]["data"]["voided_approvals"] == ["rita"]
    assert by["anna"].post(SECOND.format(invoice)).status_code == 409
    assert entries(sessions, invoice) == 0

    # Approved again, it waits for a second approval again, and gets it.
    again = approve(by["victor"], invoice)
    assert [a["actor"] for a in again["approval"]["given"]] == ["victor"]
    assert by["anna"].post(SECOND.format(invoice)).json()["status"] == "posted"
    assert entries(sessions, invoice) == 1

    other = add_checked(sessions, settings, "other.pdf", fields=FIELDS | {"invoice_number": "9"})
    approve(by["rita"], other)
    rejected = by["rita"].post(f"/api/v1/documents/{other}/reject", json={"reason": "no PO"})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["history"][-1]["data"]["status"] == {
        "old": "approved",
        "new": "rejected",
    }
    assert by["anna"].post(SECOND.format(other)).status_code == 409
    assert entries(sessions, other) == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fields", "required"),
    [
        ({"currency": "USD", "exchange_rate": "25000", "total": "44"}, 2),  # 1,100,000 VND
        ({"currency": "USD", "exchange_rate": "25000", "total": "40"}, 1),  # 1,000,000 VND
        ({"currency": "USD", "exchange_rate": None, "total": "1"}, 2),  # unknown in VND
        ({"total": None}, 2),
    ],
)
def test_the_threshold_compares_the_total_in_dong(
    people: Callable[[Decimal | None], dict[str, TestClient]],
    sessions: sessionmaker[Session],
    settings: Settings,
    fields: dict[str, Any],
    required: int,
) -> None:
    by = people(ABOVE)
    invoice = add_checked(sessions, settings, "usd.pdf", fields=FIELDS | fields)
    assert detail(by["rita"], invoice)["approval"]["required"] == required


def test_without_a_threshold_every_approval_posts_at_once(
    people: Callable[[Decimal | None], dict[str, TestClient]],
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    by = people(None)
    invoice = add_checked(sessions, settings, "big.pdf")
    version = detail(by["rita"], invoice)["version"]
    by["rita"].patch(
        f"/api/v1/documents/{invoice}/line-items/0",
        json={"version": version, "changes": {"description": "Giấy A4 80gsm"}},
    )
    assert approve(by["rita"], invoice)["status"] == "posted"


def test_auto_approval_leaves_an_invoice_above_the_threshold_to_people(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    master = tmp_path / "company.yaml"
    master.write_text('own_tax_codes: {"0100109106": An Bình}\n', encoding="utf-8")
    auto = settings.model_copy(
        update={"auto_approve_types": frozenset({"invoice"}), "master_data": master}
    )
    small = stored(sessions, settle(sessions, auto, "ok.pdf"))
    assert small.status is DocumentStatus.POSTED
    dual = auto.model_copy(update={"dual_approval_above": ABOVE})
    big = stored(sessions, settle(sessions, dual, "big.pdf", FIELDS | {"invoice_number": "8"}))
    assert big.status is DocumentStatus.REVIEW
    with sessions() as session:
        assert session.get_one(Document, big.id).status is DocumentStatus.REVIEW


def test_approvers_find_the_invoices_awaiting_them_on_the_review_page(
    people: Callable[[Decimal | None], dict[str, TestClient]],
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    by = people(ABOVE)
    invoice = add_checked(sessions, settings, "big.pdf")
    approve(by["rita"], invoice)
    page = by["anna"].get("/review?lang=vi")
    assert "Chờ duyệt lần hai" in page.text
    assert f'<a href="/review/{invoice}">big.pdf</a>' in page.text
    assert "Chờ duyệt lần hai" not in by["rita"].get("/review?lang=vi").text
    document = by["anna"].get(f"/review/{invoice}?lang=en").text
    assert 'id="second-approval" hidden>Second approval</button>' in document
    assert 'data-can-second="true"' in document
    assert 'data-can-second=""' in by["rita"].get(f"/review/{invoice}").text


def test_an_unknown_document_is_not_approved_until_its_type_is_chosen(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    unknown = add_checked(sessions, settings, "scan.pdf", doc_type="unknown", fields={})
    with (
        pytest.raises(TypeNotChosen, match="choose its type") as refused,
        transaction(sessions) as session,
    ):
        posting.approve(session, document_id=unknown, actor="rita")
    assert refused.value.http_status == 422
    document = stored(sessions, unknown)
    assert document.status is DocumentStatus.REVIEW
    with sessions() as session:
        kinds = session.scalars(
            select(AuditEvent.kind).where(AuditEvent.document_id == unknown)
        ).all()
        assert "approved" not in kinds

    # Chosen: it leaves review to be read again as an invoice.
    with transaction(sessions) as session:
        document = session.get_one(Document, unknown)
        changes.reassign_type(
            session, document=document, version=document.version, doc_type="invoice", actor="rita"
        )
    again = stored(sessions, unknown)
    assert again.status is DocumentStatus.RECEIVED
    assert again.forced_type == "invoice"


def test_auto_approval_leaves_an_unknown_document_to_people(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    # Every type the setting can name approved automatically, at any confidence.
    auto = settings.model_copy(
        update={
            "auto_approve_types": frozenset({"invoice", "contract", "cv", "dispatch"}),
            "auto_approve_confidence": 0.0,
        }
    )
    unknown = stored(
        sessions, add_checked(sessions, auto, "scan.pdf", doc_type="unknown", fields={})
    )
    assert unknown.status is DocumentStatus.REVIEW
    with sessions() as session:
        kinds = session.scalars(
            select(AuditEvent.kind).where(AuditEvent.document_id == unknown.id)
        ).all()
        assert "approved" not in kinds
