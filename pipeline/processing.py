"""The processing of one document, with no database: read, classify, extract, check."""

from __future__ import annotations

from pathlib import Path

from extractors.record import Record
from extractors.service import extract_file
from pipeline.settings import Settings
from rules.engine import evaluate


def build_record(path: Path, *, filename: str, settings: Settings) -> Record:
    record = extract_file(path, filename=filename, limits=settings.read_limits)
    if record.error is None:
        record.rules = evaluate(record)
    return record
