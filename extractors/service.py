"""One file in, one SCHEMA.md record out per document it holds: sniff, read, split,
classify, extract.

A file that cannot be read yields a record whose `error` says why. A bug (any other
exception) propagates, so the worker can retry it and the failure is never mistaken for a
property of the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from extractors.classify import Classification, classify, detect_language
from extractors.document import ParsedDocument
from extractors.errors import ExtractionError
from extractors.fields import Extraction, extractor_for
from extractors.fields import confidence as level
from extractors.limits import ReadLimits
from extractors.readers import reader_for
from extractors.record import FIELDS_BY_TYPE, DocType, Record, RecordError, Source, SourcePart
from extractors.sniff import SNIFF_BYTES, sniff_media_type
from extractors.split import Part, file_page, part_document, split

if TYPE_CHECKING:
    from extractors.memory import Memory

_CHUNK = 1 << 20

# A record and the document (or part's pages) it was read from; None when unreadable.
Extracted = tuple[Record, ParsedDocument | None]


def extract_file(
    path: Path,
    *,
    filename: str | None = None,
    limits: ReadLimits,
    doc_type: DocType | None = None,
    as_of: date | None = None,
    part: SourcePart | None = None,
    memories: Sequence[Memory] = (),
) -> Record:
    """The file read as one document, or only the pages of `part` when given (a part of a
    stack, read again: its record names the part, and its provenance the file's pages).
    `doc_type`, when given, is the type a person chose: it is extracted as that type,
    without classifying. `as_of` is the day it is read as of (see `ParsedDocument.as_of`).
    `memories` are what reviewers' corrections taught (`extractors.memory`): a sender's
    remembered type and the places its layouts print fields."""
    record, _ = extract_file_with_document(
        path,
        filename=filename,
        limits=limits,
        doc_type=doc_type,
        as_of=as_of,
        part=part,
        memories=memories,
    )
    return record


def extract_file_with_document(
    path: Path,
    *,
    filename: str | None = None,
    limits: ReadLimits,
    doc_type: DocType | None = None,
    as_of: date | None = None,
    part: SourcePart | None = None,
    memories: Sequence[Memory] = (),
) -> Extracted:
    """`extract_file`, with the document its record was read from (None when the file
    could not be read): a reviewer's correction is later learned from its words."""
    source, document = _read(path, filename=filename, limits=limits)
    if isinstance(document, RecordError):
        return Record(source=source, error=document), None
    if part is None:
        record = _extract(document, source, doc_type=doc_type, as_of=as_of, memories=memories)
        return record, document
    pages = part_document(document, Part(part.pages[0], part.pages[-1]))
    return _extract_part(
        pages, source, part, doc_type=doc_type, as_of=as_of, memories=memories
    ), pages


def extract_parts(
    path: Path,
    *,
    filename: str | None = None,
    limits: ReadLimits,
    as_of: date | None = None,
    memories: Sequence[Memory] = (),
) -> list[Record]:
    """One record per document the file holds, in page order (see `extractors.split`): a
    stack of papers scanned into one PDF gives one record per paper, each naming its part of
    the file; a file holding one document gives exactly the record `extract_file` gives."""
    return [
        record
        for record, _ in extract_parts_with_documents(
            path, filename=filename, limits=limits, as_of=as_of, memories=memories
        )
    ]


def extract_parts_with_documents(
    path: Path,
    *,
    filename: str | None = None,
    limits: ReadLimits,
    as_of: date | None = None,
    memories: Sequence[Memory] = (),
) -> list[Extracted]:
    """`extract_parts`, each record with the document (its part's pages) it was read from."""
    source, document = _read(path, filename=filename, limits=limits)
    if isinstance(document, RecordError):
        return [(Record(source=source, error=document), None)]
    parts = split(document)
    if len(parts) < 2:
        return [
            (_extract(document, source, doc_type=None, as_of=as_of, memories=memories), document)
        ]
    extracted: list[Extracted] = []
    for index, part in enumerate(parts, start=1):
        pages = part_document(document, part)
        record = _extract_part(
            pages,
            source,
            SourcePart(index=index, count=len(parts), pages=part.pages),
            doc_type=None,
            as_of=as_of,
            memories=memories,
        )
        extracted.append((record, pages))
    return extracted


def is_image(path: Path) -> bool:
    """Whether the file is an image, read by OCR whatever it shows (from its first bytes),
    to schedule it where OCR runs; never a reason to read it differently."""
    try:
        # Opening a named pipe would wait for a writer forever. `is_file` raises, rather
        # than says False, for a name too long or a folder that cannot be entered.
        if not path.is_file():
            return False
        with path.open("rb") as handle:
            return sniff_media_type(handle.read(SNIFF_BYTES)).startswith("image/")
    except OSError:
        return False


def _read(
    path: Path, *, filename: str | None, limits: ReadLimits
) -> tuple[Source, ParsedDocument | RecordError]:
    """The file's source and its document, or why it cannot be read."""
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
        return source, RecordError(code=exc.code, message=exc.message)
    source.pages = len(document.pages)
    return source, document


def _extract_part(
    document: ParsedDocument,
    source: Source,
    part: SourcePart,
    *,
    doc_type: DocType | None,
    as_of: date | None,
    memories: Sequence[Memory],
) -> Record:
    """The part's pages (`document`, see `part_document`) extracted as a document of their
    own; its positions are the file's."""
    own = source.model_copy(update={"part": part})
    record = _extract(document, own, doc_type=doc_type, as_of=as_of, memories=memories)
    pages = Part(part.pages[0], part.pages[-1])
    for provenance in record.provenance.values():
        provenance.page = file_page(pages, provenance.page)
    return record


def _extract(
    document: ParsedDocument,
    source: Source,
    *,
    doc_type: DocType | None,
    as_of: date | None,
    memories: Sequence[Memory],
) -> Record:
    document.as_of = as_of
    document.language = detect_language(document.text)
    if doc_type is not None:
        classification = Classification(doc_type, 1.0, 1.0)
    elif document.declared_type is not None:
        classification = Classification(document.declared_type, 1.0, 1.0)  # type: ignore[arg-type]
    elif memories and (taught := _remembered_type(document, memories)) is not None:
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
        from extractors.memory import recall_into

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


def _remembered_type(document: ParsedDocument, memories: Sequence[Memory]) -> str | None:
    # Imported with the first memory: a service that has learned nothing never loads them.
    from extractors.memory import remembered_type

    return remembered_type(document, memories)


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
