"""The migrations build exactly the schema the models describe, and step back cleanly."""

from __future__ import annotations

import warnings

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, create_engine, select, text
from sqlalchemy.exc import DBAPIError

from pipeline.store.migrate import (
    alembic_config,
    comparison_filter,
    created_on,
    expression_indexes,
    upgrade,
)
from pipeline.store.models import Base


def test_the_migrated_schema_is_the_models_schema(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_object": comparison_filter(conn)}
        context = MigrationContext.configure(conn, opts=opts)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            assert compare_metadata(context, Base.metadata) == []
        if conn.dialect.name == "sqlite":
            # What SQLAlchemy cannot reflect there, read from SQLite itself: each expression
            # index exists, on its table, with the models' columns in place and an
            # expression where the models have one.
            for index in expression_indexes(Base.metadata):
                if not created_on(conn, index):
                    continue  # PostgreSQL's only (full-text search has FTS5 here)
                assert index.table is not None
                table = conn.exec_driver_sql(
                    "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = ?",
                    (index.name,),
                ).scalar()
                assert table == index.table.name, index.name
                terms = conn.exec_driver_sql(f"PRAGMA index_xinfo('{index.name}')").all()
                assert [term.name for term in terms if term.key] == [
                    term.name if isinstance(term, Column) else None for term in index.expressions
                ], index.name
    engine.dispose()


def test_stepping_back_before_the_audit_trail_keeps_document_history(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (id, sha256, filename, relative_path, size, media_type, "
                "received_at, archive_path, status, version, updated_at, review_priority) "
                "VALUES (1, 'x', 'a.pdf', 'a.pdf', 1, 'application/pdf', CURRENT_TIMESTAMP, '', "
                "'review', 1, CURRENT_TIMESTAMP, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO audit_events (document_id, at, actor, kind, data) VALUES "
                "(1, CURRENT_TIMESTAMP, 'rita', 'approved', '{}'), "
                "(NULL, CURRENT_TIMESTAMP, 'rita', 'login', '{}')"
            )
        )
    command.downgrade(alembic_config(database_url), "0004")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT document_id, kind FROM document_events")).all()
    assert rows == [(1, "approved")]  # a login belongs to no document's history
    upgrade(database_url)
    with engine.connect() as conn:
        assert conn.scalars(select(text("kind")).select_from(text("audit_events"))).all() == [
            "approved"
        ]
    engine.dispose()


def test_stepping_back_before_memories_and_up_again(database_url: str) -> None:
    # Memories are learned again from later corrections: stepping back drops them, and the
    # documents keep everything else.
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (id, sha256, filename, relative_path, size, media_type, "
                "received_at, archive_path, status, version, updated_at, review_priority, "
                "sender) VALUES (1, 'x', 'a.pdf', 'a.pdf', 1, 'application/pdf', "
                "CURRENT_TIMESTAMP, '', 'review', 1, CURRENT_TIMESTAMP, 0, 'tax:0101243150')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO memories (doc_type, sender, path, layout, weight, learned_by, "
                "created_at, updated_at, times_used, times_corrected_again) VALUES ('invoice', "
                "'tax:0101243150', 'total', '{\"words\": []}', 1.0, 'rita', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP, 0, 0)"
            )
        )
    command.downgrade(alembic_config(database_url), "0013")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, filename FROM documents")).all() == [(1, "a.pdf")]
    upgrade(database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM memories")).scalar() == 0
        # The change count workers' caches follow is there before the first memory is.
        assert conn.execute(text("SELECT id, changes FROM memory_changes")).all() == [(1, 0)]
        assert conn.execute(text("SELECT sender FROM documents")).scalar() is None
    engine.dispose()


def test_entries_posted_before_periods_keep_their_date_as_document_date_and_stay_immutable(
    database_url: str,
) -> None:
    command.downgrade(alembic_config(database_url), "0014")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (id, sha256, filename, relative_path, size, media_type, "
                "received_at, archive_path, status, version, updated_at, review_priority) "
                "VALUES (1, 'x', 'a.pdf', 'a.pdf', 1, 'application/pdf', CURRENT_TIMESTAMP, '', "
                "'posted', 1, CURRENT_TIMESTAMP, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO journal_entries (id, document_id, voucher_number, entry_date, "
                "posted_at, currency, memo) VALUES (1, 1, 'PN2026/000001', '2026-03-05', "
                "CURRENT_TIMESTAMP, 'VND', 'Invoice 1')"
            )
        )
    upgrade(database_url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT entry_date, document_date FROM journal_entries")).one()
    assert [str(value) for value in row] == ["2026-03-05", "2026-03-05"]
    # The migration's one write to posted entries left them append-only as before.
    with pytest.raises(DBAPIError, match="never changed"), engine.begin() as conn:
        conn.execute(text("UPDATE journal_entries SET memo = 'changed'"))
    command.downgrade(alembic_config(database_url), "0014")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT voucher_number FROM journal_entries")).scalar() == (
            "PN2026/000001"
        )
    engine.dispose()


def test_vat_lines_posted_before_rates_were_kept_get_theirs_from_their_description(
    database_url: str,
) -> None:
    command.downgrade(alembic_config(database_url), "0019")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (id, sha256, filename, relative_path, size, media_type, "
                "received_at, archive_path, status, version, updated_at, review_priority) "
                "VALUES (1, 'x', 'a.pdf', 'a.pdf', 1, 'application/pdf', CURRENT_TIMESTAMP, '', "
                "'posted', 1, CURRENT_TIMESTAMP, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO journal_entries (id, document_id, voucher_number, entry_date, "
                "posted_at, currency, memo) VALUES (1, 1, 'PN2026/000001', '2026-03-05', "
                "CURRENT_TIMESTAMP, 'VND', 'Invoice 1')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO journal_lines (id, entry_id, account, debit, credit, debit_vnd, "
                "credit_vnd, description) VALUES "
                "(1, 1, '642', 1500000, 0, 1500000, 0, 'Invoice 1'), "
                "(2, 1, '1331', 80000, 0, 80000, 0, 'Input VAT 8%, Invoice 1'), "
                "(3, 1, '1332', 50000, 0, 50000, 0, "
                "'Reversal of PN2026/000009: Input VAT 10%, Invoice 1'), "
                "(4, 1, '1331', 1, 0, 1, 0, 'Input VAT, Invoice 1'), "
                "(5, 1, '1331', 55, 0, 55, 0, 'Input VAT 5.5%, Invoice 1'), "
                "(6, 1, '1331', 5, 0, 5, 0, 'Input VAT 5%, Invoice 1'), "
                "(7, 1, '331', 0, 1630061, 0, 1630061, 'Invoice 1')"
            )
        )
    upgrade(database_url)
    with engine.connect() as conn:
        rates = conn.execute(text("SELECT id, vat_rate FROM journal_lines ORDER BY id")).all()
        analysis = conn.execute(text("SELECT vat_analysis FROM journal_entries")).scalar()
    # A rate outside the law's is stored as the journal stores it: `KHAC:5.5`, not `5.5`.
    assert [tuple(row) for row in rates] == [
        (1, None),
        (2, "8"),
        (3, "10"),
        (4, None),
        (5, "KHAC:5.5"),
        (6, "5"),
        (7, None),
    ]
    assert analysis is None  # the bases are not recoverable from the lines
    with pytest.raises(DBAPIError, match="never changed"), engine.begin() as conn:
        conn.execute(text("UPDATE journal_lines SET vat_rate = '5'"))
    engine.dispose()
