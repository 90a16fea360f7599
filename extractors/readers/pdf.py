"""Born-digital PDFs: words and their boxes from the text layer, via pypdfium2.

pypdfium2 is about 100x faster than pdfplumber per page; pdfplumber is kept for the places
where its table finding is needed.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.document import Page, ParsedDocument, Word, group_lines
from extractors.errors import ExtractionError
from extractors.limits import ReadLimits
from extractors.readers.base import ClosingReader

if TYPE_CHECKING:
    from PIL import Image

    from extractors.ocr import OcrOutcome


class PdfTextReader(ClosingReader):
    name = "pdf-text"
    media_types = frozenset({"application/pdf"})

    def read(self, path: Path, *, limits: ReadLimits) -> ParsedDocument:
        pdf = self.hold(_open(path))
        count = len(pdf)
        if count == 0:
            raise ExtractionError("corrupt_file", "the PDF has no pages")
        if count > limits.max_pages:
            raise ExtractionError(
                "too_large", f"the PDF has {count} pages; the limit is {limits.max_pages}"
            )
        pages: list[Page] = []
        # Pages are read in order; a page needing OCR is rendered only when a tesseract is
        # free for it (see `ocr_pages`), so memory stays flat however many pages are scans.
        wanted: list[int] = []
        scans = self._scans(pdf, pages, limits, wanted)
        first = next(scans, None)
        if first is None and not wanted:
            # Every page has its text: nothing of the OCR stack is needed.
            return ParsedDocument(media_type="application/pdf", pages=pages, problems=[])
        from extractors.pages import ocr_pages

        # Through the page-job seam: pages a page job read already come back as stored.
        outcomes = ocr_pages(
            itertools.chain([] if first is None else [first], scans),
            timeout=limits.ocr_timeout_seconds,
            parallelism=limits.ocr_parallelism,
        )
        done: list[OcrOutcome] = []
        for outcome in outcomes:
            done.append(outcome)
            if outcome.failed:
                continue
            number = outcome.page.number
            # Keep the page's size in PDF points; the OCR boxes were computed at render scale.
            outcome.page.width, outcome.page.height = (
                pages[number - 1].width,
                pages[number - 1].height,
            )
            outcome.page.notes[:0] = pages[number - 1].notes
            pages[number - 1] = outcome.page
        problems = [f"page {o.page.number}: {o.failed}" for o in done if o.failed]
        if done and len(problems) == len(pages):
            from extractors.ocr import failure

            raise failure(done)
        return ParsedDocument(media_type="application/pdf", pages=pages, problems=problems)

    @staticmethod
    def _scans(
        pdf: pdfium.PdfDocument, pages: list[Page], limits: ReadLimits, wanted: list[int]
    ) -> Iterator[tuple[int, Image.Image, float]]:
        """Read every page's text layer into `pages`, and yield the pages that need OCR,
        rendered, one at a time as they are asked for; each page needing OCR is noted in
        `wanted`, also one a page job read already (not rendered again)."""
        for index in range(len(pdf)):
            number = index + 1
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                # The page tree names more pages than it holds, or a page is not a page.
                raise ExtractionError(
                    "corrupt_file", f"page {number}: a damaged page tree ({exc})"
                ) from exc
            try:
                parsed, needs_ocr = _read_page(page, number)
                pages.append(parsed)
                scan = None
                if needs_ocr:
                    wanted.append(number)
                    from extractors.pages import needs

                    if needs(number):
                        scan = (number, *_render(page, limits))
            except pdfium.PdfiumError as exc:
                raise ExtractionError(
                    "corrupt_file", f"page {number}: a damaged page ({exc})"
                ) from exc
            finally:
                page.close()
            if scan is not None:
                yield scan
                del scan  # the OCR task holds the page now; let it go when that ends


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise ExtractionError(
                "encrypted_pdf", "the PDF is password-protected; send it without a password"
            ) from exc
        raise ExtractionError("corrupt_file", f"not a readable PDF ({exc})") from exc


def _read_page(page: pdfium.PdfPage, number: int) -> tuple[Page, bool]:
    """The page from its text layer, and whether it must be OCR'd instead: no text, text
    that is garbage (unmapped glyphs), or a page that is mostly a picture with little text
    on it (a scan with a stamp or a page number typed over it)."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        words = _words(textpage, number, height)
    finally:
        textpage.close()
    result = Page(number=number, width=width, height=height, lines=group_lines(words, number))
    if not words:
        result.notes.append("no_text_layer")
        return result, True
    text = "".join([word.text for word in words])
    if len(_GARBAGE.findall(text)) > 0.3 * len(text):
        result.notes.append("garbage_text_layer")
        return result, True
    if len(text) < _SPARSE_TEXT and _image_coverage(page, width * height) > 0.5:
        result.notes.append("image_page_with_sparse_text")
        return result, True
    return result, False


_SPARSE_TEXT = 200


def _image_coverage(page: pdfium.PdfPage, area: float) -> float:
    covered = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        covered += max(0.0, right - left) * max(0.0, top - bottom)
    return min(1.0, covered / area) if area > 0 else 0.0


def _render(page: pdfium.PdfPage, limits: ReadLimits) -> tuple[Image.Image, float]:
    """The page as a grayscale image at the OCR resolution, reduced if it would exceed the
    pixel limit (a huge page size is a cheap way to ask for gigabytes of pixels)."""
    width, height = page.get_size()
    dpi = float(limits.ocr_dpi)
    pixels = (width * dpi / 72) * (height * dpi / 72)
    if pixels > limits.max_pixels:
        dpi *= math.sqrt(limits.max_pixels / pixels)
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        return bitmap.to_pil().copy(), dpi
    finally:
        bitmap.close()


def _words(textpage: pdfium.PdfTextPage, number: int, page_height: float) -> list[Word]:
    """Assemble words from characters: a word ends at whitespace (pdfium's generated spaces
    and line breaks included), at a jump to another line, or at a horizontal gap, since many
    generators position glyphs without space characters."""
    raw = textpage.raw
    text = _page_text(raw)
    boxes = _char_boxes(raw, text)
    words: list[Word] = []
    for run in _NON_SPACE.finditer(text):
        start, end = run.span()
        at = 4 * start
        x0, top, x1, bottom = (
            boxes[at],
            page_height - boxes[at + 1],
            boxes[at + 2],
            page_height - boxes[at + 3],
        )
        for index in range(start + 1, end):
            at = 4 * index
            c_x0, c_top, c_x1, c_bottom = (
                boxes[at],
                page_height - boxes[at + 1],
                boxes[at + 2],
                page_height - boxes[at + 3],
            )
            centre = (c_top + c_bottom) / 2
            gap = c_x0 - x1
            height = c_bottom - c_top
            if height < 1.0:
                height = 1.0
            if not (top <= centre <= bottom) or gap > 0.25 * height or gap < -height:
                words.append(_word(text[start:index], (x0, top, x1, bottom), number))
                start = index
                x0, top, x1, bottom = c_x0, c_top, c_x1, c_bottom
                continue
            # Spelled out rather than min()/max(): a builtin call per character costs more
            # than the comparison, and these pick the same value min/max would.
            if c_x0 < x0:
                x0 = c_x0
            if c_top < top:
                top = c_top
            if c_x1 > x1:
                x1 = c_x1
            if c_bottom > bottom:
                bottom = c_bottom
        words.append(_word(text[start:end], (x0, top, x1, bottom), number))
    return words


# Runs of characters between whitespace: `\s` is `str.isspace` for str patterns.
_NON_SPACE = re.compile(r"\S+")
# Glyphs without a Unicode mapping (private use), the replacement character, black and
# white squares, and control characters other than whitespace: text no one can read.
_GARBAGE = re.compile("[\x00-\x08\x0e-\x1b\ue000-\uf8ff\ufffd\u25a0\u25a1]")


def _char_boxes(raw: pdfium_c.FPDF_TEXTPAGE, text: str) -> list[float]:
    """Every non-space character's loose box as left, top, right, bottom at 4 * its index
    (zeros for whitespace, never read), in PDF coordinates. One pdfium call per character
    is unavoidable; the boxes land in one array read back in one go, since a ctypes
    structure's field reads and a fresh wrapper per call cost more than the calls."""
    count = len(text)
    boxes = (pdfium_c.FS_RECTF * count)()
    base = ctypes.addressof(boxes)
    size = ctypes.sizeof(pdfium_c.FS_RECTF)
    get_box = _GET_LOOSE_CHAR_BOX
    handle = ctypes.cast(raw, ctypes.c_void_p).value
    for run in _NON_SPACE.finditer(text):
        for index in range(*run.span()):
            get_box(handle, index, base + index * size)
    floats: list[float] = memoryview(boxes).cast("B").cast("f").tolist()  # type: ignore[assignment]
    return floats


# FPDFText_GetLooseCharBox typed to take plain addresses, so that a box can be written into
# an element of one array (pypdfium2's binding only takes a pointer to a lone FS_RECTF).
_GET_LOOSE_CHAR_BOX = ctypes.cast(
    pdfium_c.FPDFText_GetLooseCharBox,
    ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p),
)


def _page_text(raw: pdfium_c.FPDF_TEXTPAGE) -> str:
    """Every character of the page, one per pdfium char index, fetched in one call. Where
    pdfium's text view does not line up with its char list (rare: inserted or excluded
    chars), characters are asked for one by one."""
    count = pdfium_c.FPDFText_CountChars(raw)
    if count <= 0:
        return ""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(raw, 0, count, buffer)
    text = bytes(buffer)[: max(0, written - 1) * 2].decode("utf-16-le", errors="replace")
    if len(text) == count:
        return text
    codes = (pdfium_c.FPDFText_GetUnicode(raw, index) for index in range(count))
    return "".join(chr(code) if 0 < code < 0x110000 else " " for code in codes)


def _word(text: str, bbox: tuple[float, float, float, float], number: int) -> Word:
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return Word(text=text, bbox=bbox, page=number)
