"""search: the words each document is found by, indexed for full-text search (an FTS5 table
on SQLite, a GIN index on PostgreSQL), the record's date indexed for the date filter, and
people's saved views

Revision ID: 0018
Revises: 0017
"""

import json
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_BATCH = 500
_FTS = "documents_search"
_WORD = re.compile(r"[^\W_]+")
_MAX_PAGE_CHARS = 200_000

# The FTS5 table indexes `documents.search_text` without a copy of it (external content);
# these triggers keep it in step with every write to the column, whoever makes it. A later
# migration must not rebuild `documents` (a batch operation would): the triggers go with it.
_SQLITE_FTS = [
    f"CREATE VIRTUAL TABLE {_FTS} USING fts5(search_text, content='documents', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {_FTS}_insert AFTER INSERT ON documents BEGIN "
    f"INSERT INTO {_FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {_FTS}_delete AFTER DELETE ON documents BEGIN "
    f"INSERT INTO {_FTS}({_FTS}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER {_FTS}_update AFTER UPDATE OF search_text ON documents BEGIN "
    f"INSERT INTO {_FTS}({_FTS}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {_FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def upgrade() -> None:
    # A plain ADD COLUMN: rebuilding `documents` on SQLite is refused while rows refer to it.
    op.add_column("documents", sa.Column("search_text", sa.Text(), nullable=True))
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("filters", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner", "name", name="uq_saved_views_owner_name"),
    )
    op.create_index("ix_documents_record_date", "documents", ["record_date"])
    _backfill()
    if op.get_bind().dialect.name == "postgresql":
        # Stored, so that checking a row against a query reads its words instead of parsing
        # its text again (the planner walks the newest rows first when a word is common),
        # and so that ANALYZE keeps per-word statistics to choose that plan or the index.
        # Stripped of positions: search needs none, and the value stays small, in the row.
        op.execute(
            "ALTER TABLE documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(strip(to_tsvector('simple'::regconfig, coalesce(search_text, '')))) STORED"
        )
        op.execute("CREATE INDEX ix_documents_search ON documents USING gin (search_vector)")
    else:
        for statement in _SQLITE_FTS:
            op.execute(statement)
        op.execute(f"INSERT INTO {_FTS}({_FTS}) VALUES ('rebuild')")


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    return unicodedata.normalize("NFD", char)[0]


def _words(text: str) -> str:
    folded = "".join(_fold_char(c) for c in unicodedata.normalize("NFC", text)).casefold()
    return " ".join(_WORD.findall(folded))


def _values(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)
    elif isinstance(value, str):
        yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)


def _page_text(packed: bytes | None) -> str:
    if packed is None:
        return ""
    try:
        data = json.loads(zlib.decompress(packed))
        return "\n".join(
            " ".join(str(word[0]) for word in line)
            for page in data["pages"]
            for line in page["lines"]
        )
    except (ValueError, KeyError, TypeError, IndexError, zlib.error):
        return ""  # a layout in a format this cannot read: the record's words still count


def _backfill() -> None:
    """The words of documents already processed, as review.search sets them (a copy: a
    migration must not change when the application's code does)."""
    connection = op.get_bind()
    documents = sa.table(
        "documents",
        sa.column("id", sa.Integer),
        sa.column("filename", sa.String),
        sa.column("doc_type", sa.String),
        sa.column("record", sa.JSON),
        sa.column("search_text", sa.Text),
    )
    layouts = sa.table(
        "document_layouts", sa.column("document_id", sa.Integer), sa.column("pages", sa.LargeBinary)
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(
                documents.c.id,
                documents.c.filename,
                documents.c.doc_type,
                documents.c.record,
                layouts.c.pages,
            )
            .select_from(documents.outerjoin(layouts, layouts.c.document_id == documents.c.id))
            .where(documents.c.id > last)
            .order_by(documents.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            fields = (row.record or {}).get("fields") or {}
            text = _words(" ".join([row.filename, *_values(fields)]))
            # A CV's pages carry a national ID number, never stored in clear.
            pages = "" if row.doc_type == "cv" else _words(_page_text(row.pages)[:_MAX_PAGE_CHARS])
            connection.execute(
                documents.update()
                .where(documents.c.id == row.id)
                .values(search_text=text + (" | " + pages if pages else ""))
            )
        last = rows[-1].id


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_documents_search", table_name="documents")
        op.drop_column("documents", "search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER {_FTS}_{trigger}")
        op.execute(f"DROP TABLE {_FTS}")
    op.drop_table("saved_views")
    op.drop_index("ix_documents_record_date", table_name="documents")
    # A plain DROP COLUMN (SQLite 3.35+), as in 0005: rebuilding `documents` is refused
    # while audit events and other rows refer to it.
    op.drop_column("documents", "search_text")
