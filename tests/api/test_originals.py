"""Originals and page images over a real database and blob store (SQLite and PostgreSQL):
the bytes as dropped with their name, pages rendered in the render processes and cached,
and the page sizes provenance boxes are drawn with; for those who may read the document."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from api.routers.originals import content_disposition
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import drop
from tests.support.signin import api, sign_in

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def client(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with api(settings) as test_client:
        yield sign_in(test_client, sessions, "rita", "reviewer")


def test_the_original_comes_back_byte_for_byte_under_its_vietnamese_name(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    content = docgen.invoice(1).content
    document_id = drop(settings, sessions, 'Hóa đơn tháng 3 "gấp".pdf', content)
    response = client.get(f"/api/v1/documents/{document_id}/file")
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('inline; filename="Hoa don thang 3 _gap_.pdf"; ')
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == 'Hóa đơn tháng 3 "gấp".pdf'
    assert client.get("/api/v1/documents/424242/file").status_code == 404


@pytest.mark.slow  # LibreOffice
def test_a_word_original_is_served_as_word_and_shown_as_the_pages_libreoffice_lays_out(
    client: TestClient,
    sessions: sessionmaker[Session],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    word = docgen.as_docx(docgen.contract(95))
    document_id = drop(settings, sessions, "hợp đồng.docx", word.content)
    response = client.get(f"/api/v1/documents/{document_id}/file")
    assert response.content == word.content
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["content-disposition"].startswith("attachment;")
    sizes = client.get(f"/api/v1/documents/{document_id}/pages").json()["pages"]
    assert len(sizes) >= 2
    assert (round(sizes[0]["width_points"]), round(sizes[0]["height_points"])) == (595, 842)
    page = client.get(f"/api/v1/documents/{document_id}/pages/2.png", params={"scale": 0.5})
    assert page.status_code == 200 and page.content.startswith(PNG)
    with Image.open(io.BytesIO(page.content)) as image:
        assert image.size == (298, 421)
    # Converted once: the PDF is kept, keyed by the original's sha256, and the next page
    # comes from it even with LibreOffice gone.
    assert (
        len(
            list(
                (settings.data_dir / "pages").rglob(
                    f"{hashlib.sha256(word.content).hexdigest()}.pdf"
                )
            )
        )
        == 1
    )
    monkeypatch.setenv("PATH", "")
    again = client.get(f"/api/v1/documents/{document_id}/pages/1.png", params={"scale": 0.5})
    assert again.status_code == 200 and again.content.startswith(PNG)


def test_without_libreoffice_a_word_original_says_why_it_has_no_pages(
    client: TestClient,
    sessions: sessionmaker[Session],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "")  # no soffice to be found
    word = docgen.as_docx(docgen.invoice(2))
    document_id = drop(settings, sessions, "hd.docx", word.content)
    for path in ("pages", "pages/1.png"):
        refused = client.get(f"/api/v1/documents/{document_id}/{path}")
        assert refused.status_code == 404
        assert "LibreOffice" in refused.json()["detail"]
        assert "/file" in refused.json()["detail"]
    assert client.get(f"/api/v1/documents/{document_id}/pages").json()["code"] == "no_converter"


def test_an_einvoice_xml_is_shown_as_its_invoice_escaped_and_framable_only_here(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    generated = docgen.einvoice_xml(7)
    fields = generated.fields
    xml = generated.content
    # A seller's name with markup in it is shown as text, never as markup.
    seller = "Công ty &lt;script&gt;alert(1)&lt;/script&gt;".encode()
    xml = re.sub(rb"(<NBan>\s*<Ten>)[^<]*", lambda m: m.group(1) + seller, xml)
    document_id = drop(settings, sessions, "hd.xml", xml)
    view = client.get(f"/api/v1/documents/{document_id}/einvoice", params={"lang": "vi"})
    assert view.status_code == 200, view.text
    assert view.headers["content-type"].startswith("text/html")
    policy = view.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy and "sandbox" in policy
    assert "script-src" not in policy and view.headers["x-frame-options"] == "SAMEORIGIN"
    page = view.text
    assert "Công ty &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert fields["buyer"]["name"] in page
    assert fields["invoice_number"] in page and fields["invoice_series"] in page
    total = Decimal(fields["total"])
    assert f"{total:,f}".translate({ord(","): ".", ord("."): ","}) in page  # 1.234.567
    assert len(fields["line_items"]) == page.count("<tr>") - 3  # its lines; head, totals
    english = client.get(f"/api/v1/documents/{document_id}/einvoice", params={"lang": "en"})
    assert f"{total:,f}" in english.text and "Seller" in english.text
    pdf = drop(settings, sessions, "hd.pdf", docgen.invoice(8).content)
    assert client.get(f"/api/v1/documents/{pdf}/einvoice").status_code == 404


def test_pdf_pages_render_at_the_asked_scale_with_their_size_in_points_and_are_cached(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    document_id = drop(settings, sessions, "dense.pdf", docgen.dense_pdf(2))
    url = f"/api/v1/documents/{document_id}/pages"
    sizes = client.get(url).json()["pages"]
    assert [(p["number"], round(p["width_points"]), round(p["height_points"])) for p in sizes] == [
        (1, 595, 842),
        (2, 595, 842),
    ]
    response = client.get(f"{url}/2.png", params={"scale": 0.5})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(PNG)
    assert float(response.headers["x-page-width-points"]) == pytest.approx(595.28, abs=0.01)
    assert response.headers["x-page-scale"] == "0.5"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (298, 421)
    cached = list((settings.data_dir / "pages").rglob("*-p2-s50.png"))
    assert len(cached) == 1
    cached[0].write_bytes(PNG + b"cached")  # proof that the next answer is the cached file
    assert client.get(f"{url}/2.png", params={"scale": 0.5}).content == PNG + b"cached"

    assert client.get(f"{url}/3.png").status_code == 404
    assert client.get(f"{url}/0.png").status_code == 422
    assert client.get(f"{url}/99999999999999999999.png").status_code == 422
    assert client.get(f"{url}/1.png", params={"scale": 10}).status_code == 422
    assert client.get(f"{url}/1.png", params={"scale": "nan"}).status_code == 422


def test_a_photo_page_is_measured_in_points_at_its_resolution(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    photo = docgen.photo(docgen.invoice(4), dpi=150)
    with Image.open(io.BytesIO(photo)) as original:
        width, height = original.size
    document_id = drop(settings, sessions, "anh.png", photo)
    response = client.get(f"/api/v1/documents/{document_id}/pages/1.png", params={"scale": 1})
    assert response.status_code == 200, response.text
    assert float(response.headers["x-page-width-points"]) == pytest.approx(width * 72 / 150, 0.01)
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (round(width * 72 / 150), round(height * 72 / 150))


def test_a_damaged_pdf_has_no_page_images_instead_of_an_error(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    broken = docgen.truncated_pdf(tmp_path / "t.pdf").read_bytes()
    document_id = drop(settings, sessions, "broken.pdf", broken)
    assert client.get(f"/api/v1/documents/{document_id}/pages/1.png").status_code == 404


def test_content_disposition_never_lets_a_name_break_the_header() -> None:
    header = content_disposition('a\r\nSet-Cookie: x=1;"\\.pdf')
    assert "\r" not in header and "\n" not in header
    assert header.startswith('inline; filename="a__Set-Cookie: x=1;__.pdf"')


def test_a_clerk_reads_the_original_and_pages_of_own_uploads_only(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    shared = drop(settings, sessions, "shared.pdf", docgen.dense_pdf(1))
    content = docgen.invoice(6).content
    with api(settings) as clerk:
        assert clerk.get(f"/api/v1/documents/{shared}/file").status_code == 401
        sign_in(clerk, sessions, "carol", "clerk")
        uploaded = clerk.post("/api/v1/documents", files={"file": ("hd 6.pdf", content)})
        assert uploaded.status_code == 201, uploaded.text
        own = uploaded.json()["id"]
        assert clerk.get(f"/api/v1/documents/{own}/file").content == content
        assert clerk.get(f"/api/v1/documents/{own}/pages").json()["pages"][0]["number"] == 1
        page = clerk.get(f"/api/v1/documents/{own}/pages/1.png", params={"scale": 0.25})
        assert page.status_code == 200 and page.content.startswith(PNG)
        # Another's document is as absent as one that does not exist.
        for path in ("file", "pages", "pages/1.png"):
            refused = clerk.get(f"/api/v1/documents/{shared}/{path}")
            assert refused.status_code == 404, path
            assert refused.json()["detail"] == f"document {shared} not found"
