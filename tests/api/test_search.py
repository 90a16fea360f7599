"""Search and saved views through the API and the queue page: `q` on the document list and
the review queue, the list's new filters beside its old ones, saved views per person, and
the queue page narrowed by its query string."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from pipeline.store.settings import Settings
from tests.support.documents import FIELDS, add_checked, add_document
from tests.support.signin import api, sign_in

HOA_DON = FIELDS | {"seller": {"name": "Công ty TNHH Hóa Đơn Điện Tử", "tax_id": "0101243150"}}
OTHER = FIELDS | {
    "invoice_number": "0000456",
    "seller": {"name": "Công ty TNHH Minh Phát", "tax_id": "0312345678"},
}


@pytest.fixture
def two(sessions: sessionmaker[Session], settings: Settings) -> tuple[int, int]:
    return (
        add_checked(sessions, settings, "a.pdf", fields=HOA_DON),
        add_checked(sessions, settings, "b.pdf", fields=OTHER, confidence=0.5),
    )


def ids(response: object) -> list[int]:
    assert getattr(response, "status_code", None) == 200, getattr(response, "text", "")
    return [item["id"] for item in response.json()["items"]]  # type: ignore[attr-defined]


def test_the_document_list_and_the_queue_find_hoa_don(
    client: TestClient, two: tuple[int, int]
) -> None:
    a, b = two
    for url in ("/api/v1/documents", "/api/v1/review-queue"):
        assert ids(client.get(url, params={"q": "hoa don"})) == [a]
        assert ids(client.get(url, params={"q": "HOA ĐƠN"})) == [a]
        assert ids(client.get(url, params={"q": "minh p"})) == [b]
        assert sorted(ids(client.get(url, params={"q": "  "}))) == [a, b]


def test_the_document_list_takes_the_queue_s_filters_and_its_old_ones_still_work(
    client: TestClient, sessions: sessionmaker[Session], two: tuple[int, int]
) -> None:
    a, b = two
    unprocessed = add_document(sessions, name="c.pdf", doc_type="contract", fields={})
    docs = "/api/v1/documents"
    assert ids(client.get(docs)) == [unprocessed, b, a]
    assert ids(client.get(docs, params={"type": "invoice", "status": "review"})) == [b, a]
    assert ids(client.get(docs, params={"confidence_below": 0.9})) == [b]
    assert ids(client.get(docs, params={"supplier": "0101243150"})) == [a]
    assert ids(client.get(docs, params={"supplier": "MINH PHÁT", "q": "cong ty"})) == [b]
    assert ids(client.get(docs, params={"q": "hoa don", "dated_to": "2000-01-01"})) == []
    assert ids(client.get(docs, params={"q": "hoa don", "limit": 1})) == [a]
    refused = client.get(docs, params={"confidence_below": 2})
    assert refused.status_code == 422
    assert client.get(docs, params={"q": "x" * 201}).status_code == 422


def test_saved_views_are_each_person_s_own(
    settings: Settings, sessions: sessionmaker[Session], client: TestClient
) -> None:
    saved = client.post(
        "/api/v1/views",
        json={"name": "Hóa đơn chờ", "filters": {"q": "hoa don", "type": "invoice"}},
    )
    assert saved.status_code == 201, saved.text
    view = saved.json()
    assert view["href"] == "/review?q=hoa+don&type=invoice"
    again = client.post("/api/v1/views", json={"name": "Hóa đơn chờ", "filters": {"q": "hoa don"}})
    assert (again.status_code, again.json()["id"]) == (200, view["id"])
    assert [v["filters"] for v in client.get("/api/v1/views").json()["items"]] == [
        {"q": "hoa don"}
        | dict.fromkeys(
            [
                "status",
                "type",
                "supplier",
                "rule",
                "confidence_below",
                "received_from",
                "received_to",
                "dated_from",
                "dated_to",
            ]
        )
    ]
    bad = client.post("/api/v1/views", json={"name": "x", "filters": {"colour": "red"}})
    assert bad.status_code == 422
    with api(settings) as other:
        sign_in(other, sessions, "ravi", "reviewer")
        assert other.get("/api/v1/views").json() == {"items": []}
        assert other.delete(f"/api/v1/views/{view['id']}").status_code == 404
    assert client.delete(f"/api/v1/views/{view['id']}").status_code == 204
    assert client.get("/api/v1/views").json() == {"items": []}
    assert client.delete(f"/api/v1/views/{view['id']}").status_code == 404


@pytest.fixture
def page(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with api(settings) as test_client:
        yield sign_in(test_client, sessions, "rita", "reviewer")


def test_the_queue_page_shows_what_its_search_finds(page: TestClient, two: tuple[int, int]) -> None:
    a, b = two
    html = page.get("/review", params={"q": "hoa don", "lang": "vi"}).text
    assert f'data-id="{a}"' in html and f'data-id="{b}"' not in html
    assert 'value="hoa don"' in html
    nothing = page.get("/review", params={"q": "không có gì", "lang": "vi"}).text
    assert "Không có chứng từ nào khớp với tìm kiếm này." in nothing
    # A filter that cannot be read is left out with a word, the others still apply.
    html = page.get("/review", params={"q": "minh", "confidence_below": "much", "lang": "en"})
    assert html.status_code == 200
    assert f'data-id="{b}"' in html.text and f'data-id="{a}"' not in html.text
    assert "A filter could not be read and was left out: confidence_below" in html.text
    unsure = page.get("/review", params={"confidence_below": "0.9", "type": "invoice"}).text
    assert f'data-id="{b}"' in unsure and f'data-id="{a}"' not in unsure


def test_the_queue_page_lists_only_the_viewer_s_saved_views(
    settings: Settings, sessions: sessionmaker[Session], page: TestClient
) -> None:
    page.post("/api/v1/views", json={"name": "Của Rita", "filters": {"q": "hoa don"}})
    assert 'href="/review?q=hoa+don">Của Rita</a>' in page.get("/review").text
    with api(settings) as other:
        sign_in(other, sessions, "ravi", "reviewer")
        assert "Của Rita" not in other.get("/review").text
