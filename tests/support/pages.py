"""Pages laid out word by word, for extractor tests that need one exact geometry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from extractors.document import Page, ParsedDocument, Word, group_lines

# Rows of (top, [(x0, text)]): each cell's words set from x0 in a 10-point font.
Rows = Sequence[tuple[float, Sequence[tuple[float, str]]]]


def placed_document(rows: Rows, language: str, *, as_of: date | None = None) -> ParsedDocument:
    """A one-page A4 text-layer document whose words sit where `rows` put them, 5 points per
    character and 3 between words, grouped into lines as the PDF reader groups them."""
    words = []
    for top, cells in rows:
        for x0, text in cells:
            x = x0
            for token in text.split():
                words.append(Word(token, (x, top, x + 5 * len(token), top + 10), 1))
                x += 5 * len(token) + 3
    page = Page(1, 595, 842, group_lines(words, 1))
    document = ParsedDocument("application/pdf", [page], language=language)  # type: ignore[arg-type]
    document.as_of = as_of
    return document
