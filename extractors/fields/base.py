"""The field-extractor interface: a `ParsedDocument` of one type in, SCHEMA.md fields out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from extractors.document import ParsedDocument
from extractors.fields.layout import Found
from extractors.record import Provenance


@dataclass
class Extraction:
    """Fields in SCHEMA.md shape, with a confidence and provenance per field path."""

    fields: dict[str, object]
    confidence: dict[str, float] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)

    def put(self, path: str, value: object, found: Found | None) -> None:
        """Set a field, noting where it was read when it was read at all."""
        self.fields[path] = value
        if found is not None and value is not None:
            self.note(path, found)

    def note(self, path: str, found: Found) -> None:
        self.confidence[path] = min(found.confidence, _ocr_ceiling(found))
        self.provenance[path] = found.provenance


# Below this, Tesseract's own doubt about a word shows in the value: on scans and photos,
# fields read from words it rated >= 0.9 were right 133 times in 133, from words it rated
# lower 16 times in 18.
SURE_OCR = 0.9


def _ocr_ceiling(found: Found) -> float:
    """A value read from OCR'd words Tesseract doubts is never more certain than they are."""
    ocr = [word.confidence for word in found.line.words if word.source == "ocr"]
    if not ocr or min(ocr) >= SURE_OCR:
        return 1.0
    return min(ocr)


@runtime_checkable
class FieldExtractor(Protocol):
    doc_type: str

    def extract(self, document: ParsedDocument) -> Extraction: ...
