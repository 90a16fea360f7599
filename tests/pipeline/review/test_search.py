"""Search and saved views over a real database (SQLite FTS5 and PostgreSQL full-text): words
are found whatever their Vietnamese diacritics and case, the last one as a prefix; the index
follows a reviewer's correction and keeps the words of the pages; filters combine; an older
database gets its documents indexed by the migration; a saved view is its owner's alone."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.processing import rule_book
from pipeline.jobs.worker import Worker
from pipeline.review import checking, documents, search, views
from pipeline.store.db import make_engine, transaction
from pipeline.store.migrate import alembic_config, upgrade
from pipeline.store.models import Document, DocumentStatus
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import FIELDS, add_checked, ingest_inbox

HOA_DON = FIELDS | {"seller": {"name": "Công ty TNHH Hóa Đơn Điện Tử Việt", "tax_id": "0101243150"}}
MINH_PHAT = FIELDS | {
    "invoice_number": "0000456",
    "seller": {"name": "Công ty TNHH Minh Phát", "tax_id": "0312345678"},
}
CONTRACT = {
    "title": "HỢP ĐỒNG DỊCH VỤ VẬN CHUYỂN",
    "parties": [{"role": "party_a", "name": "An Bình"}],
}


def found(sessions: sessionmaker[Session], text: str, **filters: Any) -> list[str]:
    """The names of the documents in review the queue shows for `text` and `filters`."""
    with sessions() as session:
        rows = checking.review_queue(
            session, filters=checking.QueueFilter(text=text, **filters), limit=50
        )
        return sorted(row.filename for row in rows)


def listed(sessions: sessionmaker[Session], text: str, **filters: Any) -> list[str]:
    """The same through the document list, any status."""
    with sessions() as session:
        rows = documents.list_documents(
            session, filters=search.DocumentFilter(text=text, **filters), limit=50
        )
        return sorted(row.filename for row in rows)


@pytest.fixture
def three(sessions: sessionmaker[Session], settings: Settings) -> None:
    add_checked(sessions, settings, "a.pdf", fields=HOA_DON)
    add_checked(sessions, settings, "b.pdf", fields=MINH_PHAT)
    add_checked(sessions, settings, "c.pdf", doc_type="contract", fields=CONTRACT)


@pytest.mark.parametrize(
    "typed", ["hoa don", "HOA ĐƠN", "Hóa đơn", "hóa   ĐƠN", "  hoa-don ", "Hoá Đơn"]
)
def test_hoa_don_finds_hoa_don_whatever_the_accents_and_case(
    sessions: sessionmaker[Session], three: None, typed: str
) -> None:
    # "Hoá" (the old accent placement) and "Hóa" are the same word to a reader.
    assert found(sessions, typed) == ["a.pdf"]
    assert listed(sessions, typed) == ["a.pdf"]


def test_the_last_word_is_a_prefix_and_every_word_must_be_found(
    sessions: sessionmaker[Session], three: None
) -> None:
    assert found(sessions, "minh p") == ["b.pdf"]
    assert found(sessions, "hợp đồng dịch") == ["c.pdf"]
    assert found(sessions, "dich vu van chuyen") == ["c.pdf"]
    # Every word must be found: "minh" is b's, "dien" is a's.
    assert found(sessions, "minh dien") == []
    # Numbers and tax codes are words too; quotes and operators are only characters.
    assert found(sessions, "0312345678") == ["b.pdf"]
    assert found(sessions, 'phát" OR "hóa') == []
    assert found(sessions, "minh AND") == []
    # Nothing to search for narrows nothing.
    assert found(sessions, " -- ") == ["a.pdf", "b.pdf", "c.pdf"]


def test_filters_combine_with_the_search_words(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    add_checked(sessions, settings, "sure.pdf", fields=HOA_DON | {"invoice_number": "1"})
    add_checked(
        sessions,
        settings,
        "unsure.pdf",
        fields=HOA_DON | {"invoice_number": "2"},
        confidence=0.5,
    )
    add_checked(
        sessions,
        settings,
        "old.pdf",
        fields=HOA_DON | {"invoice_number": "3", "issue_date": "2020-01-15"},
        received_at=datetime(2020, 1, 20, 3, tzinfo=UTC),
    )
    add_checked(sessions, settings, "other.pdf", fields=MINH_PHAT)
    everything = ["old.pdf", "other.pdf", "sure.pdf", "unsure.pdf"]
    assert found(sessions, "") == everything
    assert found(sessions, "hoa don") == ["old.pdf", "sure.pdf", "unsure.pdf"]
    assert found(sessions, "hoa don", confidence_below=0.9) == ["unsure.pdf"]
    assert found(sessions, "hoa don", dated_to=date(2020, 12, 31)) == ["old.pdf"]
    assert found(sessions, "hoa don", received_before=datetime(2021, 1, 1, tzinfo=UTC)) == [
        "old.pdf"
    ]
    assert found(sessions, "hoa don", supplier="0101243150", dated_from=date(2021, 1, 1)) == [
        "sure.pdf",
        "unsure.pdf",
    ]
    assert found(sessions, "cong ty", supplier="minh phát") == ["other.pdf"]
    assert found(sessions, "hoa don", supplier="0312345678") == []
    assert found(sessions, "hoa don", doc_type="contract") == []
    assert listed(sessions, "hoa don", doc_type="invoice", confidence_below=0.9) == ["unsure.pdf"]
    # The same words over another status.
    with transaction(sessions) as session:
        (row,) = session.scalars(sa.select(Document).where(Document.filename == "sure.pdf"))
        row.status = DocumentStatus.REJECTED
    assert found(sessions, "hoa don", status=DocumentStatus.REJECTED) == ["sure.pdf"]
    assert "sure.pdf" not in found(sessions, "hoa don")


def test_a_failing_rule_narrows_a_search(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    add_checked(sessions, settings, "adds-up.pdf", fields=HOA_DON)
    wrong = HOA_DON | {"invoice_number": "9", "total": "999"}
    add_checked(sessions, settings, "does-not.pdf", fields=wrong)
    assert found(sessions, "hoa don", failed_rule="invoice.totals_add_up") == ["does-not.pdf"]


def test_a_correction_is_found_by_its_new_words_and_the_pages_words_stay(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    generated = docgen.invoice(0)
    docgen.write(generated, settings.inbox / "hd_0001.pdf")
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == 1
    finally:
        worker.close()
    # The words printed on the invoice that are in none of its fields: its title.
    assert found(sessions, "gia tri gia tang") == ["hd_0001.pdf"]
    seller = generated.fields["seller"]["name"]
    assert found(sessions, seller) == ["hd_0001.pdf"]
    assert found(sessions, "Hóa Đơn Điện Tử Việt") == []

    with transaction(sessions) as session:
        (document,) = documents.list_documents(session, limit=1)
        checking.correct_fields(
            session,
            document=document,
            version=document.version,
            changes={"po_number": "ĐH-Hóa-Đơn-77", "seller": {"name": "Hóa Đơn Điện Tử Việt"}},
            rules=rule_book(settings).current(),
            actor="rita",
        )
    assert found(sessions, "dh hoa don 77") == ["hd_0001.pdf"]
    assert found(sessions, "hoa don dien tu viet") == ["hd_0001.pdf"]
    assert found(sessions, "gia tri gia tang") == ["hd_0001.pdf"]


def test_a_cv_is_found_by_its_fields_but_never_by_its_pages(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    generated = docgen.cv(0)
    docgen.write(generated, settings.inbox / "cv.pdf")
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == 1
    finally:
        worker.close()
    with sessions() as session:
        (document,) = documents.list_documents(session, limit=1)
        assert document.doc_type == "cv"
        stored = document.search_text or ""
    # Its name is a field; a national ID number on its pages is never stored in clear.
    assert search.words(generated.fields["full_name"])[0] in stored.split()
    assert " | " not in stored


def test_the_migration_indexes_documents_already_there(database_url: str) -> None:
    command.downgrade(alembic_config(database_url), "0017")
    engine = make_engine(database_url)
    layout = {
        "format": 1,
        "media_type": "application/pdf",
        "pages": [
            {
                "number": 1,
                "width": 1,
                "height": 1,
                "lines": [[["HÓA", 0, 0, 1, 1, 1.0, "t"], ["ĐƠN", 0, 0, 1, 1, 1.0, "t"]]],
            }
        ],
    }
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO documents (id, sha256, filename, relative_path, size, media_type, "
                "received_at, archive_path, status, version, updated_at, review_priority, "
                "doc_type, record) VALUES (1000, 'x', 'a.pdf', 'a.pdf', 1, 'application/pdf', "
                "CURRENT_TIMESTAMP, '', 'review', 1, CURRENT_TIMESTAMP, 0, 'invoice', :record)"
            ),
            # An id of its own: PostgreSQL's sequence does not count it.
            {"record": '{"doc_type": "invoice", "fields": {"seller": {"name": "Minh Phát"}}}'},
        )
        conn.execute(
            sa.text(
                "INSERT INTO document_layouts (document_id, pages, stored_at) "
                "VALUES (1000, :pages, CURRENT_TIMESTAMP)"
            ),
            {"pages": zlib.compress(json.dumps(layout).encode())},
        )
    engine.dispose()
    upgrade(database_url)
    factory = sessionmaker(bind=make_engine(database_url))
    assert found(factory, "hoa don") == ["a.pdf"]
    assert found(factory, "minh phat") == ["a.pdf"]
    # And a document added after the migration is indexed as it is written.
    with transaction(factory) as session:
        session.add(
            Document(
                sha256="y",
                filename="hóa đơn mới.pdf",
                relative_path="b.pdf",
                size=1,
                media_type="application/pdf",
                archive_path="",
                status=DocumentStatus.REVIEW,
                search_text=search.record_words(filename="hóa đơn mới.pdf", record=None),
            )
        )
    assert found(factory, "hoa don moi") == ["hóa đơn mới.pdf"]


def test_a_saved_view_is_its_owners_alone(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        mine, created = views.save_view(
            session, owner="rita", name="Hóa đơn chờ", filters={"q": "hoa don"}
        )
        assert created
        views.save_view(session, owner="ravi", name="Hóa đơn chờ", filters={"type": "invoice"})
        view_id = mine.id
    with transaction(sessions) as session:
        again, created = views.save_view(
            session, owner="rita", name="Hóa đơn chờ", filters={"q": "hoa don", "type": "invoice"}
        )
        assert (again.id, created) == (view_id, False)
    with sessions() as session:
        assert [(v.name, v.filters) for v in views.list_views(session, owner="rita")] == [
            ("Hóa đơn chờ", {"q": "hoa don", "type": "invoice"})
        ]
        assert [v.filters for v in views.list_views(session, owner="ravi")] == [{"type": "invoice"}]
    with transaction(sessions) as session, pytest.raises(views.ViewNotFound):
        views.delete_view(session, owner="ravi", view_id=view_id)
    with transaction(sessions) as session:
        views.delete_view(session, owner="rita", view_id=view_id)
    with sessions() as session:
        assert views.list_views(session, owner="rita") == []
        assert len(views.list_views(session, owner="ravi")) == 1


def test_words_fold_like_a_vietnamese_reader() -> None:
    assert search.words("HÓA ĐƠN GTGT số 0000123, Đà Nẵng") == [
        "hoa",
        "don",
        "gtgt",
        "so",
        "0000123",
        "da",
        "nang",
    ]
