"""Pages read by OCR apart from their document, so a scan's pages can be read on every idle
core: the seam between the readers and the job queue's page jobs.

The readers ask `needs` before rendering a page for OCR, and hand the pages they cannot
read from a text layer to `ocr_pages` here. With no plan in force (`backoffice extract`,
tests, any caller outside a worker) both are no-ops: `extractors.ocr.ocr_pages` unchanged.
A worker reads a document under `plan()`: pages read earlier by page jobs are taken as
stored; with `defer`, a document with pages still to OCR stops with `OcrDeferred`
naming them before any is rendered, and the worker queues one job per page (or, for one
page, the document's job again behind cheaper work).
`read_page` is what such a job runs: one page of a file, read exactly as the document's
own read would read it.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from extractors.document import Line, Page, Word
from extractors.errors import ExtractionError
from extractors.limits import ReadLimits
from extractors.record import ErrorCode

# The OCR stack (numpy, PIL) is imported where pages are OCR'd: `backoffice extract` reads
# its files under a deferring plan here, and a born-digital file never needs it.
if TYPE_CHECKING:
    from extractors.ocr import OcrOutcome, PageImage, PageToRead

# Bumped when the stored form or what a page's reading depends on changes: a reading made
# by other code is then not taken.
_FORMAT = 1

PageItem: TypeAlias = "tuple[int, PageImage, float] | PageToRead"


class OcrDeferred(Exception):  # noqa: N818 - a signal to the caller, not an error
    """The document has pages to OCR and the caller asked to read them later."""

    def __init__(self, pages: list[int]) -> None:
        super().__init__(f"pages {pages} to OCR")
        self.pages = pages


class _Captured(Exception):  # noqa: N818 - ends a read once its one page is read
    pass


@dataclass
class _Plan:
    stored: Mapping[int, bytes]
    defer: bool = False
    only: int | None = None
    captured: OcrOutcome | None = None
    taken: list[int] = field(default_factory=list)  # stored pages the reader reached
    missing: list[int] = field(default_factory=list)  # pages to OCR, when deferring


_PLAN: ContextVar[_Plan | None] = ContextVar("page_plan", default=None)


def reader_version(limits: ReadLimits) -> str:
    """What a page's reading depends on besides the file: the stored form and the render."""
    return f"ocr{_FORMAT}:{limits.ocr_dpi}dpi:{limits.max_pixels}px"


@contextmanager
def plan(*, stored: Mapping[int, bytes], defer: bool) -> Iterator[None]:
    """Read documents with the pages in `stored` (page number → `dumps` form) taken as they
    are; with `defer`, stop with `OcrDeferred` when any other page needs OCR."""
    token = _PLAN.set(_Plan(stored=stored, defer=defer))
    try:
        yield
    finally:
        _PLAN.reset(token)


def needs(number: int) -> bool:
    """Whether the reader is to render page `number`, which has no usable text layer, and
    hand it to `ocr_pages`: not when its reading is stored, belongs to another page job, or
    is to be read later (deferring)."""
    current = _PLAN.get()
    if current is None:
        return True
    if current.only is not None:
        return number == current.only
    if number in current.stored:
        current.taken.append(number)
        return False
    if current.defer:
        current.missing.append(number)
        return False
    return True


def ocr_pages(
    images: Iterable[PageItem], *, timeout: float, parallelism: int
) -> Iterator[OcrOutcome]:
    """`extractors.ocr.ocr_pages`, following the plan in force (see the module's doc)."""
    current = _PLAN.get()
    if current is None:
        from extractors import ocr

        return ocr.ocr_pages(images, timeout=timeout, parallelism=parallelism)
    if current.only is not None:
        return _capture(current, current.only, images, timeout=timeout)
    return _planned(current, images, timeout=timeout, parallelism=parallelism)


def _planned(
    current: _Plan, images: Iterable[PageItem], *, timeout: float, parallelism: int
) -> Iterator[OcrOutcome]:
    if current.defer:
        # Every page is looked at (see `needs`) before any is read.
        images = list(images)
        if current.missing:
            raise OcrDeferred(current.missing)
    from extractors import ocr

    outcomes = list(ocr.ocr_pages(images, timeout=timeout, parallelism=parallelism))
    outcomes.extend(loads(current.stored[number]) for number in current.taken)
    # Readers yield pages in page order: the merged outcomes keep it.
    return iter(sorted(outcomes, key=lambda outcome: outcome.page.number))


def _capture(
    current: _Plan, number: int, images: Iterable[PageItem], *, timeout: float
) -> Iterator[OcrOutcome]:
    from extractors import ocr

    for item in images:
        if item[0] == number:
            current.captured = ocr.ocr_page(*item, timeout=timeout)
            raise _Captured
    return iter(())


def read_page(path: Path, number: int, *, limits: ReadLimits) -> OcrOutcome | None:
    """Page `number` of the file read by OCR as reading the whole file would read it; None
    when that page is not OCR'd (it has a text layer) or the file cannot be read (its
    document's job then finds out why)."""
    # Imported here: the readers import this module.
    from extractors.readers import reader_for
    from extractors.sniff import SNIFF_BYTES, sniff_media_type

    with path.open("rb") as file:
        media_type = sniff_media_type(file.read(SNIFF_BYTES))
    current = _Plan(stored={}, only=number)
    token = _PLAN.set(current)
    try:
        with reader_for(media_type, path) as reader:
            reader.read(path, limits=limits)
    except _Captured:
        pass
    except ExtractionError:
        return None
    finally:
        _PLAN.reset(token)
    return current.captured


def dumps(outcome: OcrOutcome) -> bytes:
    """A compact form of a page's reading: every word with its box and confidence."""
    page = outcome.page
    data = {
        "n": page.number,
        "w": page.width,
        "h": page.height,
        "pn": page.notes,
        "l": [
            [[w.text, *w.bbox, w.confidence, w.source] for w in line.words] for line in page.lines
        ],
        "lang": outcome.language,
        "f": outcome.failed,
        "c": outcome.code,
        "on": outcome.notes,
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def loads(data: bytes) -> OcrOutcome:
    from extractors.ocr import OcrOutcome

    raw: dict[str, Any] = json.loads(zlib.decompress(data))
    number: int = raw["n"]
    lines = [
        Line(
            tuple(
                Word(
                    text=w[0],
                    bbox=(w[1], w[2], w[3], w[4]),
                    page=number,
                    confidence=w[5],
                    source=w[6],
                )
                for w in words
            ),
            number,
        )
        for words in raw["l"]
    ]
    page = Page(number=number, width=raw["w"], height=raw["h"], lines=lines, notes=raw["pn"])
    return OcrOutcome(
        page, raw["lang"], failed=raw["f"], code=cast("ErrorCode | None", raw["c"]), notes=raw["on"]
    )
