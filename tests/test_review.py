"""The reviewer's API over a real database (SQLite and PostgreSQL): the queue's filters and
cursor, field and line-item corrections with their types checked and their versions
enforced, reopening, and reassigning a document's type."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from extractors.record import Record, Source
from pipeline import checking
from pipeline.db import transaction
from pipeline.models import Document, DocumentStatus, Job
from pipeline.processing import rule_book
from pipeline.settings import Settings
from tests.test_checking import FIELDS, TODAY

QUEUE = "/api/v1/review-queue"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def add_checked(
    sessions: sessionmaker[Session],
    settings: Settings,
    name: str,
    *,
    doc_type: str = "invoice",
    fields: dict[str, Any] = FIELDS,
    confidence: float = 0.99,
    received_at: datetime | None = None,
    status: DocumentStatus | None = None,
) -> int:
    """A processed document as the worker leaves it: record stored, rules run, in review."""
    record = Record(
        source=Source(filename=name, sha256=name.ljust(64, "0"), media_type="application/pdf"),
        doc_type=doc_type,  # type: ignore[arg-type]
        language="vi",
        fields=fields,
        confidence={"doc_type": 0.3} | dict.fromkeys(list(fields)[:4], confidence),
    )
    with transaction(sessions) as session:
        document = Document(
            sha256=name.ljust(64, "0"),
            filename=name,
            relative_path=name,
            size=10,
            media_type="application/pdf",
            archive_path=f".done/{name}",
            status=DocumentStatus.PROCESSING,
            doc_type=doc_type,
            received_at=received_at or datetime.now(UTC),
        )
        session.add(document)
        session.flush()
        session.add(Job(document_id=document.id))
        checking.settle(
            session,
            document=document,
            record=record,
            rules=rule_book(settings).current(),
            settings=settings,
            actor="test",
        )
        if status is not None:
            document.status = status
        return document.id


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


# --- the queue ----------------------------------------------------------------------------


def test_queue_filters_by_type_status_rule_confidence_supplier_and_dates(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    minh_phat = add_checked(
        sessions, settings, "a.pdf", received_at=datetime(2026, 1, 10, 9, tzinfo=UTC)
    )
    other_seller = FIELDS | {
        "invoice_number": "77",
        "seller": {"name": "CÔNG TY CP ĐÔNG Á", "tax_id": "0100109106-001"},
        "issue_date": f"{TODAY.year}-01-02",
    }
    dong_a = add_checked(
        sessions,
        settings,
        "b.pdf",
        fields=other_seller,
        confidence=0.4,
        received_at=datetime(2026, 1, 12, 9, tzinfo=UTC),
    )
    wrong_total = add_checked(
        sessions,
        settings,
        "c.pdf",
        fields=FIELDS | {"invoice_number": "78", "total": "1"},
        received_at=datetime(2026, 1, 14, 9, tzinfo=UTC),
    )
    contract = add_checked(
        sessions,
        settings,
        "d.pdf",
        doc_type="contract",
        fields={"title": "HỢP ĐỒNG", "signing_date": f"{TODAY.year}-01-03"},
        received_at=datetime(2026, 1, 15, 9, tzinfo=UTC),
    )
    approved = add_checked(
        sessions,
        settings,
        "e.pdf",
        fields=FIELDS | {"invoice_number": "79"},
        status=DocumentStatus.APPROVED,
    )

    # Failing errors first (the bare contract lacks its parties), oldest first within.
    assert ids(client.get(QUEUE)) == [wrong_total, contract, minh_phat, dong_a]
    assert ids(client.get(QUEUE, params={"type": "contract"})) == [contract]
    assert ids(client.get(QUEUE, params={"status": "approved"})) == [approved]
    assert ids(client.get(QUEUE, params={"rule": "invoice.totals_add_up"})) == [wrong_total]
    # The document type's own confidence (0.3 here) is not a field's.
    assert ids(client.get(QUEUE, params={"confidence_below": 0.5})) == [dong_a]
    assert ids(client.get(QUEUE, params={"confidence_below": 1})) == [
        wrong_total,
        contract,
        minh_phat,
        dong_a,
    ]
    # Any case, Vietnamese letters included; a tax id exactly, branch and all.
    assert ids(client.get(QUEUE, params={"supplier": "đông á"})) == [dong_a]
    assert ids(client.get(QUEUE, params={"supplier": "minh PHÁT"})) == [wrong_total, minh_phat]
    assert ids(client.get(QUEUE, params={"supplier": "0100109106-001"})) == [dong_a]
    assert ids(client.get(QUEUE, params={"supplier": "0100109106"})) == []
    assert ids(client.get(QUEUE, params={"supplier": "100%"})) == []
    received = {"received_from": "2026-01-11T00:00:00", "received_before": "2026-01-15T00:00Z"}
    assert ids(client.get(QUEUE, params=received)) == [wrong_total, dong_a]
    # An offset is honoured: 16:00 at UTC+7 is 09:00 UTC, when a.pdf arrived.
    assert ids(client.get(QUEUE, params={"received_before": "2026-01-10T16:00:01+07:00"})) == [
        minh_phat
    ]
    dated = {"dated_from": f"{TODAY.year}-01-02", "dated_to": f"{TODAY.year}-01-03"}
    assert ids(client.get(QUEUE, params=dated)) == [contract, dong_a]


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "x"},
        {"cursor": "MS0x" * 20},
        {"cursor": "bm9wZQ"},  # base64 of "nope"
        {"status": "nope"},
        {"confidence_below": "2"},
        {"confidence_below": "nan"},
        {"supplier": ""},
        {"received_from": "yesterday"},
        {"received_before": "9999-12-31T23:00:00-05:00"},
        {"dated_from": "2026-02-30"},
        {"limit": "99999999999999999999999"},
    ],
)
def test_a_malformed_queue_request_is_refused_with_422(
    client: TestClient, params: dict[str, str]
) -> None:
    assert client.get(QUEUE, params=params).status_code == 422


def test_the_queue_pages_in_priority_order_with_opaque_cursors(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    clean = [
        add_checked(sessions, settings, f"ok{i}.pdf", fields=FIELDS | {"invoice_number": str(i)})
        for i in range(3)
    ]
    wrong = [
        add_checked(
            sessions,
            settings,
            f"bad{i}.pdf",
            fields=FIELDS | {"invoice_number": f"9{i}", "total": "1"},
        )
        for i in range(2)
    ]
    seen: list[int] = []
    cursor = None
    while True:
        page = client.get(QUEUE, params={"limit": 2} | ({"cursor": cursor} if cursor else {}))
        seen += ids(page)
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
        assert "-" not in cursor  # nothing for a client to take apart
    assert seen == wrong + clean
