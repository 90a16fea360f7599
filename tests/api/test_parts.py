"""A part of a file holding several documents, as the API shows it: its record names its
pages of the file and the file's document, and its original is the whole file, whose pages
its positions point at."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.worker import Worker
from pipeline.store.models import Document
from pipeline.store.settings import Settings
from tests.docgen import catalogue
from tests.support.documents import drop
from tests.support.signin import api, sign_in


@pytest.fixture
def client(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with api(settings) as test_client:
        yield sign_in(test_client, sessions, "rita", "reviewer")


def test_a_part_shows_its_pages_and_its_source_and_serves_the_whole_file(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    made = catalogue.stack(3)
    source_id = drop(settings, sessions, "stack.pdf", made.content)
    worker = Worker(settings)
    try:
        worker.run(exit_when_idle=True)
    finally:
        worker.close()
    with sessions() as session:
        last_id = session.scalars(select(Document.id).order_by(Document.id.desc())).first()
    last = made.parts[-1]

    detail = client.get(f"/api/v1/documents/{last_id}").json()

    assert detail["source_document_id"] == source_id
    assert detail["source"]["filename"] == "stack.pdf"
    assert detail["source"]["part"] == {
        "index": len(made.parts),
        "count": len(made.parts),
        "pages": list(range(last.first_page, last.last_page + 1)),
    }
    assert detail["doc_type"] == last.document.doc_type
    assert client.get(f"/api/v1/documents/{source_id}").json()["source_document_id"] is None
    original = client.get(f"/api/v1/documents/{last_id}/file")
    assert original.status_code == 200 and original.content == made.content
    pages = client.get(f"/api/v1/documents/{last_id}/pages").json()["pages"]
    assert len(pages) == last.last_page
