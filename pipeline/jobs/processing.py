"""The processing of one document, with no database: read, classify, extract, check."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.record import DocType, Record, SourcePart
from extractors.service import Extracted, extract_file_with_document, extract_parts_with_documents
from pipeline.store.settings import Settings
from rules.book import RuleBook
from rules.data import DATA_DIR
from rules.engine import RuleOutcome, RuleSet
from rules.functions import Facts
from rules.loader import PACK_DIR, load_rules

if TYPE_CHECKING:
    from extractors.memory import Memory


def build_record(
    path: Path,
    *,
    filename: str,
    settings: Settings,
    facts: Facts | None = None,
    doc_type: DocType | None = None,
    as_of: date | None = None,
    part: SourcePart | None = None,
    memories: Sequence[Memory] = (),
) -> Extracted:
    """The file's record (or only its part `part`'s) with its rules run on what the record
    alone shows (and `facts`, when the caller knows more, e.g. an earlier copy of the same
    invoice); extracted as `doc_type` when a reviewer chose the type, and read as of the day
    `as_of` (the day it arrived; today when None), with what `memories` taught. With it, the
    document it was read from (None when unreadable), which corrections are learned from."""
    record, document = extract_file_with_document(
        path,
        filename=filename,
        limits=settings.read_limits,
        doc_type=doc_type,
        as_of=as_of,
        part=part,
        memories=memories,
    )
    if record.error is None:
        check_record(record, settings=settings, facts=facts)
    return record, document


def build_records(
    path: Path,
    *,
    filename: str,
    settings: Settings,
    facts: Facts | None = None,
    as_of: date | None = None,
) -> list[Record]:
    """One checked record per document the file holds, in page order (see `build_record`)."""
    return [
        record
        for record, _ in build_documents(
            path, filename=filename, settings=settings, facts=facts, as_of=as_of
        )
    ]


def build_documents(
    path: Path,
    *,
    filename: str,
    settings: Settings,
    facts: Facts | None = None,
    as_of: date | None = None,
    memories: Sequence[Memory] = (),
) -> list[Extracted]:
    """`build_records`, each with the document it was read from (see `build_record`)."""
    extracted = extract_parts_with_documents(
        path, filename=filename, limits=settings.read_limits, as_of=as_of, memories=memories
    )
    for record, _ in extracted:
        if record.error is None:
            check_record(record, settings=settings, facts=facts)
    return extracted


def check_record(
    record: Record, *, settings: Settings, facts: Facts | None = None
) -> list[RuleOutcome]:
    """Run the rules on the record, setting its `rules` list; the outcomes carry the values
    and flags the list leaves out."""
    outcomes = rule_book(settings).current().evaluate(record, facts=facts)
    record.rules = [outcome.as_result() for outcome in outcomes]
    return outcomes


def rule_book(settings: Settings) -> RuleBook:
    """This process's rules for these settings, reloaded when their files change."""
    return _book(settings.rules_overlay, settings.master_data, settings.resolved_cache_dir)


@lru_cache(maxsize=8)
def _book(overlay: Path | None, master_data: Path | None, cache_dir: Path | None) -> RuleBook:
    def load() -> RuleSet:
        return load_rules(overlay=overlay, master_data=master_data, cache_dir=cache_dir)

    def watch() -> list[Path]:
        company = (path for path in (overlay, master_data) if path is not None)
        return [PACK_DIR, DATA_DIR, *company]

    return RuleBook(load, watch=watch)
