"""The migrations build exactly the schema the models describe, and step back cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from pipeline.migrate import alembic_config, upgrade
from pipeline.models import Base


def test_the_migrated_schema_is_the_models_schema(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
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
