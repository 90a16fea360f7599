"""The review pages as served (the browser test drives them; here what the server decides):
the language, numbers as each office writes them, and where signing in may lead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.web_labels import number, pick_lang
from pipeline.store.models import Document
from pipeline.store.settings import Settings
from tests.support.documents import INVOICE_FIELDS, add_document
from tests.support.signin import api, sign_in


@pytest.fixture
def client(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with api(settings) as test_client:
        yield sign_in(test_client, sessions, "rita", "reviewer")


def test_the_queue_shows_totals_as_each_office_writes_them_and_remembers_the_language(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    add_document(sessions, name="hd", fields=INVOICE_FIELDS | {"total": "1234567.5"})
    english = client.get("/review", headers={"Accept-Language": "en-GB"})
    assert "Review queue" in english.text
    assert "1,234,567.5 VND" in english.text
    vietnamese = client.get("/review?lang=vi")
    assert "Hàng chờ duyệt" in vietnamese.text
    assert "1.234.567,5 VND" in vietnamese.text
    assert "Công ty TNHH Minh Phát" in vietnamese.text
    # Chosen once, kept on the next page.
    assert '<html lang="vi">' in client.get("/upload").text


def test_times_on_the_pages_are_the_office_s_clock_not_utc(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="late")
    with sessions() as session, session.begin():
        document = session.get(Document, document_id)
        assert document is not None
        # 23:30 UTC on 5 March is 06:30 on 6 March in Hà Nội, where the clerk dropped it.
        document.received_at = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    assert "06/03/2026 06:30" in client.get("/review?lang=vi").text
    assert "2026-03-06 06:30" in client.get("/review?lang=en").text
    # Filtered by the day the office received it, on both databases.
    that_day = client.get("/review?received_from=2026-03-06&received_to=2026-03-06")
    assert f"/review/{document_id}" in that_day.text
    day_before = client.get("/review?received_from=2026-03-05&received_to=2026-03-05")
    assert f"/review/{document_id}" not in day_before.text


def test_a_vietnamese_browser_gets_vietnamese_until_the_user_switches() -> None:
    assert pick_lang(None, None, "vi-VN,vi;q=0.9,en;q=0.8") == "vi"
    assert pick_lang(None, None, "en-US") == "en"
    assert pick_lang(None, "en", "vi-VN") == "en"
    assert pick_lang("vi", "en", None) == "vi"
    assert pick_lang("fr", None, None) == "en"


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        ("1234567", "1.234.567", "1,234,567"),
        ("1234567.50", "1.234.567,50", "1,234,567.50"),
        ("-1000", "-1.000", "-1,000"),
        ("999", "999", "999"),
        ("KCT", "KCT", "KCT"),
        (None, "", ""),
    ],
)
def test_numbers_are_grouped_the_office_s_way(value: str | None, vi: str, en: str) -> None:
    assert number(value, "vi") == vi
    assert number(value, "en") == en


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [
        ("/review/7", "/review/7"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("", "/"),
    ],
)
def test_signing_in_leads_back_only_to_this_site(
    settings: Settings, asked: str, goes_to: str
) -> None:
    with api(settings) as anonymous:
        page = anonymous.get("/login", params={"next": asked})
    assert page.status_code == 200
    assert f'data-next="{goes_to}"' in page.text


def test_a_document_page_lists_the_record_fields_with_their_kinds(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    page = client.get(f"/review/{document_id}")
    assert page.status_code == 200
    for path, kind in (("total", "money"), ("issue_date", "date"), ("seller.tax_id", "text")):
        assert f'data-path="{path}" data-kind="{kind}"' in page.text
    assert '<label for="f' in page.text
    assert 'title="total">Total</label>' in page.text
    vietnamese = client.get(f"/review/{document_id}?lang=vi").text
    assert 'title="total">Tổng cộng thanh toán</label>' in vietnamese
    assert 'title="buyer.bank_account">Tài khoản người mua</label>' in vietnamese
    assert client.get("/review/999999").status_code == 404
