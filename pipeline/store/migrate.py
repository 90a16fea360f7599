"""Schema migrations (Alembic), run programmatically so no alembic.ini is needed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Column, Connection, Index, MetaData
from sqlalchemy.schema import CreateIndex

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# What migration 0018 makes for full-text search outside the models (pipeline/review/
# search.py queries them): SQLite's FTS5 table; PostgreSQL's generated `tsvector` column on
# documents and its GIN index.
SEARCH_TABLE = "documents_search"
SEARCH_VECTOR = "search_vector"
SEARCH_INDEX = "ix_documents_search"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def created_on(connection: Connection, index: Index) -> bool:
    """Whether the models create this index on this connection's database (an index declared
    with `.ddl_if(dialect=...)`, as the PostgreSQL-only trigram index, is not created on
    SQLite)."""
    ddl_if = index._ddl_if
    return ddl_if is None or ddl_if._should_execute(CreateIndex(index), index, connection)


def expression_indexes(metadata: MetaData) -> list[Index]:
    """Indexes over an expression, not only columns: SQLAlchemy cannot reflect them from
    SQLite, so a schema comparison there has to check them another way."""
    return [
        index
        for table in metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(term, Column) for term in index.expressions)
    ]


def comparison_filter(connection: Connection) -> Callable[..., bool]:
    """Alembic's `include_object` for comparing the models with this database: leaves out the
    indexes the models do not create here, and on SQLite the expression indexes it cannot
    reflect (`expression_indexes`)."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool, _to: Any) -> bool:
        if type_ == "table" and reflected and (name or "").startswith(SEARCH_TABLE):
            # SQLite's full-text index (and FTS5's own tables behind it) is no model's table.
            return False
        if reflected and (type_, name) in (("column", SEARCH_VECTOR), ("index", SEARCH_INDEX)):
            return False
        if type_ != "index" or reflected:
            return True
        if not created_on(connection, obj):
            return False
        if connection.dialect.name == "sqlite":
            return all(isinstance(term, Column) for term in obj.expressions)
        return True

    return include
