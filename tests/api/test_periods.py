"""Closing a month over the API, on both databases: an admin closes it (audited, with the
caller as actor); an approval whose posting day falls in it is refused with 409 and why, and
posts once the month is reopened."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger.periods import Month
from pipeline.store.settings import Settings
from rules.functions import business_today
from tests.support.documents import add_document
from tests.support.signin import api, sign_in


@pytest.fixture
def admin(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with api(settings) as test_client:
        yield sign_in(test_client, sessions, "ada", "admin")


def test_a_closed_month_refuses_approvals_until_it_is_reopened(
    admin: TestClient, sessions: sessionmaker[Session]
) -> None:
    month = str(Month.of(business_today()))
    closed = admin.post(f"/api/v1/periods/{month}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json() | {"changed_at": None} == {
        "period": month,
        "closed": True,
        "changed_at": None,
        "changed_by": "ada",
    }
    assert admin.get("/api/v1/periods").json()[0]["closed"] is True

    document_id = add_document(sessions, name="hd")
    refused = admin.post(f"/api/v1/documents/{document_id}/approve")
    assert refused.status_code == 409
    assert f"{month} is closed" in refused.json()["detail"]
    assert admin.get(f"/api/v1/documents/{document_id}").json()["status"] == "review"

    assert admin.post(f"/api/v1/periods/{month}/reopen").json()["closed"] is False
    assert admin.post(f"/api/v1/documents/{document_id}/approve").json()["status"] == "posted"
    for kind in ("period_closed", "period_reopened"):
        events = admin.get("/api/v1/audit", params={"kind": kind}).json()["items"]
        assert [(e["actor"], e["data"]) for e in events] == [("ada", {"period": month})]


def test_a_month_that_is_not_one_is_refused_in_words(admin: TestClient) -> None:
    for wrong in ("2026-13", "2026-1", "11-2026", "2026-11-01"):
        assert admin.post(f"/api/v1/periods/{wrong}/close").status_code == 422, wrong
