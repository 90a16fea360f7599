"""Finding documents: full-text search over each document's words and its record's values,
and the filters the queue and the document list narrow by. Callers own the transaction.

Text is folded here, in Python, before either database sees it: Vietnamese diacritics
dropped (`Hóa đơn` is `hoa don`), `đ`/`Đ` made `d` (Unicode does not decompose them, so
neither FTS5's `remove_diacritics` nor every `unaccent` rules file does), case folded, and
cut into words of letters and digits. `documents.search_text` holds those words, space
separated; a query is folded the same way. So both databases match exactly alike, and each
only has to index plain words: SQLite with an FTS5 table over the column (kept in step by
triggers, see migration 0017), PostgreSQL with a GIN index on a generated column holding
`to_tsvector('simple', …)` of it. `unaccent` is not needed there: the column is folded
already, the same way as for SQLite (and `unaccent`, not immutable, could not be indexed
without a wrapper). The last word of a query matches as a prefix (`hoa d`), as
people expect of a search box that answers while they type.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    select,
)
from sqlalchemy import table as table_clause
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from extractors.document import ParsedDocument
from extractors.normalize import FOREIGN_TAX_ID
from extractors.record import Record
from extractors.text import fold as fold_diacritics
from pipeline.store.migrate import SEARCH_TABLE as FTS_TABLE
from pipeline.store.migrate import SEARCH_VECTOR
from pipeline.store.models import Document, RuleCheck

# Types whose page text is never kept for search: a CV's pages carry a national ID number,
# which is never stored in clear (SCHEMA.md); its record's values are searchable.
NO_PAGE_TEXT = frozenset({"cv"})
# Between the record's words and the pages' words in `search_text`: a correction replaces
# the first part only, without reading the file again. Not a word character, so both
# databases take it for a space.
_PAGES = " | "
# Enough for a long contract; a tsvector holds at most 1 MB.
MAX_PAGE_CHARS = 200_000
# The most query words used: more narrows nothing a person types.
MAX_QUERY_WORDS = 12

_WORD = re.compile(r"[^\W_]+")

# A tax id as SCHEMA.md writes it: 10 digits with an optional branch, or a 12-digit personal ID
# (ASCII digits: a regex's \d takes any script's); or a foreign VAT number with its country
# prefix.
TAX_ID = re.compile(rf"[0-9]{{10}}(-[0-9]{{3}})?|[0-9]{{12}}|{FOREIGN_TAX_ID.pattern}")


def fold(text: str) -> str:
    """A name as the supplier filter compares it: NFC, case-folded, spaces collapsed (SQL's
    lower() is ASCII-only on SQLite, so folding happens here on both sides)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def words(text: str) -> list[str]:
    """The words of `text` as search compares them: no diacritics, `đ` as `d`, case folded."""
    return _WORD.findall(fold_diacritics(text).casefold())


def _values(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)
    elif isinstance(value, str):
        yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)


def record_words(*, filename: str, record: Record | Mapping[str, Any] | None) -> str:
    """The searchable words of a document's name and its record's values."""
    fields: Any = None
    if isinstance(record, Record):
        fields = record.fields
    elif isinstance(record, Mapping):
        fields = record.get("fields")
    return " ".join(words(" ".join([filename, *_values(fields or {})])))


def page_words(*, doc_type: str | None, parsed: ParsedDocument | None) -> str:
    if parsed is None or doc_type in NO_PAGE_TEXT:
        return ""
    return " ".join(words(parsed.text[:MAX_PAGE_CHARS]))


def index_record(document: Document, *, record: Record | Mapping[str, Any] | None) -> None:
    """Make the document findable by its record as it is now (after processing, a correction,
    a reopening); the words of its pages stay as the worker read them."""
    _, _, pages = (document.search_text or "").partition(_PAGES)
    kind = record.doc_type if isinstance(record, Record) else (record or {}).get("doc_type")
    if kind in NO_PAGE_TEXT:
        pages = ""
    document.search_text = record_words(filename=document.filename, record=record) + (
        _PAGES + pages if pages else ""
    )


def index_pages(document: Document, *, doc_type: str | None, parsed: ParsedDocument | None) -> None:
    """Make the document findable by the words the worker read on its pages (none for a CV,
    nor for a file that could not be read)."""
    head = record_words(filename=document.filename, record=document.record)
    pages = page_words(doc_type=doc_type, parsed=parsed)
    document.search_text = head + (_PAGES + pages if pages else "")


class _Matches(ColumnElement[bool]):
    """`documents` rows whose words hold every query word, the last as a prefix: compiled
    for each database's full-text index."""

    type = Boolean()
    inherit_cache = False  # the query words are compiled in; nothing to cache on
    # A condition already, like a comparison: SQLite must not get `… = 1` (which hides the
    # `id IN (…)` from its planner, scanning every document instead of looking hits up).
    _is_implicitly_boolean = True

    def __init__(self, query_words: list[str]) -> None:
        self.query_words = query_words


@compiles(_Matches, "postgresql")
def _postgresql(element: _Matches, compiler: SQLCompiler, **kw: Any) -> str:
    *whole, last = element.query_words
    # Words are letters and digits only, so nothing in them is tsquery syntax.
    tsquery = " & ".join([*whole, f"{last}:*"])
    vector: ColumnElement[Any] = literal_column(f"{Document.__tablename__}.{SEARCH_VECTOR}")
    clause = vector.bool_op("@@")(
        func.to_tsquery(
            literal_column("'simple'::regconfig"),
            bindparam("search_query", tsquery, unique=True),
        )
    )
    return compiler.process(clause, **kw)


@compiles(_Matches)
def _sqlite(element: _Matches, compiler: SQLCompiler, **kw: Any) -> str:
    *whole, last = element.query_words
    # Quoted, each is one word to FTS5 whatever it spells (`and`, `near`); the last a prefix.
    fts_query = " ".join([*(f'"{w}"' for w in whole), f'"{last}"*'])
    table = table_clause(FTS_TABLE, column(FTS_TABLE), column("rowid"))
    hits: Select[Any] = select(table.c.rowid).where(
        table.c[FTS_TABLE].op("MATCH")(bindparam("search_query", fts_query, unique=True))
    )
    return compiler.process(Document.id.in_(hits.scalar_subquery()), **kw)


def matches(text: str) -> ColumnElement[bool] | None:
    """The condition finding `text` in documents; None for a query with no word in it (it
    narrows nothing)."""
    query_words = words(text)[:MAX_QUERY_WORDS]
    return _Matches(query_words) if query_words else None


@dataclass(frozen=True)
class DocumentFilter:
    """What a person narrows documents to; every filter given must hold."""

    # Words anywhere in the document or its record, diacritics and case aside.
    text: str | None = None
    doc_type: str | None = None
    failed_rule: str | None = None
    # Documents with some field read with less confidence than this (their lowest one).
    confidence_below: float | None = None
    # A tax id (exact) or part of the seller's name (case-insensitive).
    supplier: str | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None
    dated_from: date | None = None
    dated_to: date | None = None


def narrow(query: Select[Any], *, filters: DocumentFilter) -> Select[Any]:
    """`query` over documents, narrowed to those every given filter holds for."""
    if filters.text is not None:
        found = matches(filters.text)
        if found is not None:
            query = query.where(found)
    if filters.doc_type is not None:
        query = query.where(Document.doc_type == filters.doc_type)
    if filters.failed_rule is not None:
        query = query.where(
            select(RuleCheck.id)
            .where(
                RuleCheck.document_id == Document.id,
                RuleCheck.rule == filters.failed_rule,
                RuleCheck.passed.is_(False),
            )
            .exists()
        )
    if filters.confidence_below is not None:
        query = query.where(Document.min_confidence < filters.confidence_below)
    if filters.supplier is not None:
        if TAX_ID.fullmatch(filters.supplier):
            query = query.where(Document.seller_tax_id == filters.supplier)
        else:
            query = query.where(
                Document.seller_name_folded.contains(fold(filters.supplier), autoescape=True)
            )
    if filters.received_from is not None:
        query = query.where(Document.received_at >= filters.received_from)
    if filters.received_before is not None:
        query = query.where(Document.received_at < filters.received_before)
    if filters.dated_from is not None:
        query = query.where(Document.record_date >= filters.dated_from)
    if filters.dated_to is not None:
        query = query.where(Document.record_date <= filters.dated_to)
    return query
