"""Every layout the generator can draw, by id, and stacks of documents in one PDF.

A layout id is `type/language/family:name`: family `tuned` is the generator the extractors
were developed on (one template per type, its wording varied by seed), `holdout` the layouts
of `tests.docgen.holdout`, `more` the layouts of `invoices_more`, `letters` and `papers`.
`make(seed)` draws one document of exactly that layout, so the benchmark can score each
layout on its own (`bench.layouts`).
"""

from __future__ import annotations

import hashlib
import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pypdfium2 as pdfium

from tests import docgen
from tests.docgen import holdout, invoices_more, letters, papers
from tests.docgen.common import GeneratedDocument


@dataclass(frozen=True)
class Layout:
    doc_type: str
    language: str
    family: str  # tuned, holdout, more
    name: str
    make: Callable[[int], GeneratedDocument]

    @property
    def id(self) -> str:
        return f"{self.doc_type}/{self.language}/{self.family}:{self.name}"


def _tuned(doc_type: str, language: str, seed: int) -> GeneratedDocument:
    make = getattr(docgen, doc_type)
    return make(seed) if doc_type == "dispatch" else make(seed, language=language)


def holdout_seed(doc_type: str, language: str, name: str, k: int) -> int:
    """The k-th seed on which `holdout` draws layout `name` (layout_of walks the layouts
    two seeds at a time)."""
    names = holdout.LAYOUTS[(doc_type, language)]
    return 2 * (len(names) * k + names.index(name)) + k % 2


def _holdout(doc_type: str, language: str, name: str, k: int) -> GeneratedDocument:
    seed = holdout_seed(doc_type, language, name, k)
    make = getattr(holdout, doc_type)
    return make(seed) if doc_type == "dispatch" else make(seed, language=language)


def _catalogue() -> list[Layout]:
    layouts: list[Layout] = []
    kinds = [(t, lang) for t in ("invoice", "contract", "cv") for lang in ("vi", "en")]
    for doc_type, language in [*kinds, ("dispatch", "vi")]:
        template = f"{doc_type}-{language}"
        layouts.append(
            Layout(doc_type, language, "tuned", template, partial(_tuned, doc_type, language))
        )
        for name in holdout.LAYOUTS[(doc_type, language)]:
            make = partial(_holdout, doc_type, language, name)
            layouts.append(Layout(doc_type, language, "holdout", name, make))
    for language, names in invoices_more.LAYOUTS.items():
        for name in names:
            make = partial(invoices_more.invoice, name)
            layouts.append(Layout("invoice", language, "more", name, make))
    for (doc_type, language), names in papers.LAYOUTS.items():
        for name in names:
            make = partial(getattr(papers, doc_type), name)
            layouts.append(Layout(doc_type, language, "more", name, make))
    for language, names in letters.LAYOUTS.items():
        for name in names:
            layouts.append(
                Layout("dispatch", language, "more", name, partial(letters.letter, name))
            )
    return layouts


LAYOUTS: tuple[Layout, ...] = tuple(_catalogue())
BY_ID: dict[str, Layout] = {layout.id: layout for layout in LAYOUTS}


# --- stacks: several documents scanned or printed into one PDF -----------------------------


@dataclass(frozen=True)
class StackPart:
    first_page: int  # 1-based, inclusive
    last_page: int
    layout_id: str
    document: GeneratedDocument


@dataclass(frozen=True)
class Stack:
    content: bytes
    parts: tuple[StackPart, ...]


def stack(seed: int, *, size: int | None = None) -> Stack:
    """Two to four born-digital documents of different layouts (and often types) in one PDF,
    in the order a clerk fed them to the scanner; each part keeps its own truth."""
    rng = random.Random(f"stack-{seed}")
    chosen = rng.sample(LAYOUTS, size or rng.randint(2, 4))
    merged = pdfium.PdfDocument.new()
    parts: list[StackPart] = []
    try:
        for layout in chosen:
            document = layout.make(rng.randint(0, 999))
            source = pdfium.PdfDocument(document.content)
            try:
                first = len(merged) + 1
                merged.import_pages(source)
                parts.append(StackPart(first, len(merged), layout.id, document))
            finally:
                source.close()
        buffer = io.BytesIO()
        merged.save(buffer)
    finally:
        merged.close()
    return Stack(_fixed(buffer.getvalue()), tuple(parts))


def _fixed(pdf: bytes) -> bytes:
    """PDFium stamps a saved file with the clock and a random ID: both are replaced by
    values of the same length (the cross-reference offsets stay right), so a seed always
    gives the same bytes."""
    pdf = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:20260101000000", pdf, count=1)
    ident = re.compile(rb"/ID\[<[0-9A-F]{32}><[0-9A-F]{32}>\]")
    digest = hashlib.md5(ident.sub(b"", pdf), usedforsecurity=False).hexdigest().upper().encode()
    return ident.sub(b"/ID[<" + digest + b"><" + digest + b">]", pdf)
