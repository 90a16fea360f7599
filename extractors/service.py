"""One file in, one SCHEMA.md record out: sniff, read, classify, extract.

A file that cannot be read yields a record whose `error` says why. A bug (any other
exception) propagates, so the worker can retry it and the failure is never mistaken for a
property of the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from extractors.classify import Classification, classify, detect_language
from extractors.errors import ExtractionError
from extractors.fields import Extraction, extractor_for
from extractors.fields import confidence as level
from extractors.limits import ReadLimits
from extractors.memory import Memory, recall_into, remembered_type
from extractors.readers import reader_for
from extractors.record import FIELDS_BY_TYPE, DocType, Record, RecordError, Source
from extractors.sniff import SNIFF_BYTES, sniff_media_type

_CHUNK = 1 << 20


def extract_file(
    path: Path,
    *,
    filename: str | None = None,
    limits: ReadLimits,
    doc_type: DocType | None = None,
    as_of: date | None = None,
    memories: Sequence[Memory] = (),
) -> Record:
    """`doc_type`, when given, is the type a person chose: it is extracted as that type,
    without classifying. `as_of` is the day it is read as of (see `ParsedDocument.as_of`).
    `memories` are what reviewers' corrections taught (`extractors.memory`): a sender's
    remembered type and the places its layouts print fields."""
    sha256, head, size = _digest(path)
    source = Source(
        filename=filename or path.name, sha256=sha256, media_type=sniff_media_type(head)
    )
    try:
        if size == 0:
            raise ExtractionError("empty_file", "the file is empty")
        if size > limits.max_file_bytes:
            raise ExtractionError(
                "too_large", f"the file has {size} bytes; the limit is {limits.max_file_bytes}"
            )
        with reader_for(source.media_type, path) as reader:
            document = reader.read(path, limits=limits)
    except ExtractionError as exc:
        return Record(source=source, error=RecordError(code=exc.code, message=exc.message))

    source.pages = len(document.pages)
    document.as_of = as_of
    document.language = detect_language(document.text)
    if doc_type is not None:
        classification = Classification(doc_type, 1.0, 1.0)
    elif document.declared_type is not None:
        classification = Classification(document.declared_type, 1.0, 1.0)  # type: ignore[arg-type]
    elif (taught := remembered_type(document, memories)) is not None:
        classification = Classification(taught, 1.0, level.LEARNED)  # type: ignore[arg-type]
    else:
        classification = classify(document)
    record = Record(
        source=source,
        doc_type=classification.doc_type,
        language=document.language,
        warnings=document.problems,
    )
    record.confidence["doc_type"] = classification.confidence
    extractor = extractor_for(classification.doc_type)
    if extractor is None:
        return record
    declared = document.declared_fields is not None and (
        document.declared_type == classification.doc_type
    )
    extraction = (
        _declared(document.declared_fields)  # type: ignore[arg-type]
        if declared
        else extractor.extract(document)
    )
    if memories and not declared:
        recall_into(
            document, doc_type=classification.doc_type, extraction=extraction, memories=memories
        )
    try:
        fields = FIELDS_BY_TYPE[classification.doc_type].model_validate(extraction.fields)
    except ValidationError as exc:
        # An extractor producing the wrong shape is a bug, not a property of the file.
        raise RuntimeError(
            f"the {classification.doc_type} extractor broke the record contract: {exc}"
        ) from exc
    record.fields = fields.model_dump(mode="json")
    record.confidence.update(extraction.confidence)
    record.provenance = extraction.provenance
    return record


def _digest(path: Path) -> tuple[str, bytes, int]:
    digest = hashlib.sha256()
    head = b""
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if not head:
                head = chunk[:SNIFF_BYTES]
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), head, size


def _declared(fields: dict[str, object]) -> Extraction:
    """Fields a structured source states outright are certain, and have no position."""
    return Extraction(
        fields=fields,
        confidence={path: 1.0 for path, value in fields.items() if value not in (None, [])},
    )
