"""Born-digital PDFs: words and their boxes from the text layer, via pypdfium2.

pypdfium2 is about 100x faster than pdfplumber per page; pdfplumber is kept for the places
where its table finding is needed.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from types import TracebackType
from typing import Self

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.document import Page, ParsedDocument, Word, group_lines
from extractors.errors import ExtractionError

_MEDIA_TYPES = frozenset({"application/pdf"})


class PdfTextReader:
    name = "pdf-text"

    def __init__(self) -> None:
        self._pdf: pdfium.PdfDocument | None = None

    def supported_media_types(self) -> frozenset[str]:
        return _MEDIA_TYPES

    def score(self, media_type: str, path: Path) -> int:
        return 10 if media_type in _MEDIA_TYPES else 0

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None

    def read(self, path: Path, *, max_pages: int) -> ParsedDocument:
        self._pdf = pdf = _open(path)
        count = len(pdf)
        if count == 0:
            raise ExtractionError("corrupt_file", "the PDF has no pages")
        if count > max_pages:
            raise ExtractionError(
                "too_large", f"the PDF has {count} pages; the limit is {max_pages}"
            )
        pages = []
        for index in range(count):
            page = pdf[index]
            try:
                pages.append(_read_page(page, index + 1))
            finally:
                page.close()
        return ParsedDocument(media_type="application/pdf", pages=pages)


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise ExtractionError(
                "encrypted_pdf", "the PDF is password-protected; send it without a password"
            ) from exc
        raise ExtractionError("corrupt_file", f"not a readable PDF ({exc})") from exc


def _read_page(page: pdfium.PdfPage, number: int) -> Page:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        words = _words(textpage, number, height)
    finally:
        textpage.close()
    result = Page(number=number, width=width, height=height, lines=group_lines(words, number))
    if not words:
        result.notes.append("no_text_layer")
    return result


def _words(textpage: pdfium.PdfTextPage, number: int, page_height: float) -> list[Word]:
    """Assemble words from characters: a word ends at whitespace, at a jump to another line,
    or at a horizontal gap, since many generators position glyphs without space characters."""
    raw = textpage.raw
    words: list[Word] = []
    chars: list[str] = []
    box: list[float] = []  # x0, top, x1, bottom of the word so far

    def flush() -> None:
        if chars:
            text = unicodedata.normalize("NFC", "".join(chars))
            words.append(Word(text=text, bbox=(box[0], box[1], box[2], box[3]), page=number))
            chars.clear()

    for index in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        char = chr(code) if 0 < code < 0x110000 else " "
        if char.isspace() or pdfium_c.FPDFText_IsGenerated(raw, index) == 1:
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        char_box = (left, page_height - top, right, page_height - bottom)
        if chars:
            char_height = max(char_box[3] - char_box[1], 1.0)
            centre = (char_box[1] + char_box[3]) / 2
            same_line = box[1] <= centre <= box[3]
            gap = char_box[0] - box[2]
            if not same_line or gap > 0.25 * char_height or gap < -char_height:
                flush()
        if chars:
            box[0], box[1] = min(box[0], char_box[0]), min(box[1], char_box[1])
            box[2], box[3] = max(box[2], char_box[2]), max(box[3], char_box[3])
        else:
            box[:] = list(char_box)
        chars.append(char)
    flush()
    return words
