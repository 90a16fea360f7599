"""Reader registry: the media type (from magic bytes) chooses the reader with the best score.
The built-in readers are imported when a file of their media types arrives: a PDF is read
without loading the Word or image stacks."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import ExtractionError
from extractors.readers.base import Reader

ReaderFactory = Callable[[], Reader]


@dataclass(frozen=True)
class BuiltIn:
    """A built-in reader by where it lives and the media types it reads: it scores them, as
    every `ClosingReader` does, and nothing else."""

    media_types: frozenset[str]
    module: str
    name: str

    def __call__(self) -> Reader:
        reader: Reader = getattr(importlib.import_module(self.module), self.name)()
        return reader


_FACTORIES: list[ReaderFactory] = [
    BuiltIn(frozenset({"application/pdf"}), "extractors.readers.pdf", "PdfTextReader"),
    BuiltIn(
        frozenset({"image/png", "image/jpeg", "image/tiff", "image/webp"}),
        "extractors.readers.image",
        "ImageReader",
    ),
    BuiltIn(frozenset({"application/xml"}), "extractors.readers.einvoice", "EInvoiceXmlReader"),
    BuiltIn(frozenset({"application/zip"}), "extractors.readers.docx", "DocxReader"),
]


def register(factory: ReaderFactory) -> ReaderFactory:
    _FACTORIES.append(factory)
    return factory


def reader_for(media_type: str, path: Path) -> Reader:
    candidates = [
        factory()
        for factory in _FACTORIES
        if not isinstance(factory, BuiltIn) or media_type in factory.media_types
    ]
    scored = [
        (reader.score(media_type, path), index, reader) for index, reader in enumerate(candidates)
    ]
    score, _, best = max(scored, key=lambda item: (item[0], -item[1]), default=(0, 0, None))
    if score <= 0 or best is None:
        raise ExtractionError("unsupported_type", f"no reader for media type {media_type}")
    return best


__all__ = ["Reader", "reader_for", "register"]
