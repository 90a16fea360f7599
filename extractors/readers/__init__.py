"""Reader registry: the media type (from magic bytes) chooses the reader with the best score."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from extractors.errors import ExtractionError
from extractors.readers.base import Reader
from extractors.readers.docx import DocxReader
from extractors.readers.einvoice import EInvoiceXmlReader
from extractors.readers.image import ImageReader
from extractors.readers.pdf import PdfTextReader

ReaderFactory = Callable[[], Reader]

_FACTORIES: list[ReaderFactory] = [PdfTextReader, ImageReader, EInvoiceXmlReader, DocxReader]


def register(factory: ReaderFactory) -> ReaderFactory:
    _FACTORIES.append(factory)
    return factory


def reader_for(media_type: str, path: Path) -> Reader:
    candidates = [factory() for factory in _FACTORIES]
    scored = [
        (reader.score(media_type, path), index, reader) for index, reader in enumerate(candidates)
    ]
    score, _, best = max(scored, key=lambda item: (item[0], -item[1]))
    if score <= 0:
        raise ExtractionError("unsupported_type", f"no reader for media type {media_type}")
    return best


__all__ = ["Reader", "reader_for", "register"]
