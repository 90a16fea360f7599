"""Where one file holds several documents: a clerk scanned a stack of papers into one PDF.

A new document starts on a page whose top opens a document (a national motto block, a type
title set larger than the text, a large masthead) or whose numbering starts again at 1;
the classifier's reading of the page, and the identifiers it prints (tax codes, e-mail
addresses), corroborate a masthead. Splitting a document that is one is worse than leaving
a stack whole (a reviewer sees half a contract), so every rule leans towards one document:
a page numbered past 1, a page opening mid-sentence, a header repeating the part's own figures
or an annex's title continues the part before it, and a masthead alone splits nothing.

Pure functions over a ParsedDocument: the parts are page ranges, and each part can be read
as a document of its own (`part_document`) whose pages are numbered from 1, as every
extractor expects; `file_page` maps its page numbers back to the file's.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from extractors.classify import classify
from extractors.document import Line, Page, ParsedDocument
from extractors.normalize import find_date
from extractors.text import fold

# The top of a page, where a document's opening sits: this share of the page's height,
# and no more than this many lines.
_TOP_SHARE = 0.3
_TOP_LINES = 25
# A title is short, and set larger than the page's text (a running header is not).
_TITLE_WORDS = 10
_TITLE_SIZE = 1.15
# A masthead (a CV's name, a letterhead) is set much larger than the text.
_MASTHEAD_SIZE = 1.5
_MASTHEAD_WORDS = 8
# The classifier's reading of a page counts when it is this sure of it (`Classification`).
_SURE_TYPE = 0.8
_LIKELY_TYPE = 0.6
_MIN_TEXT_WORDS = 5
# A date line: the date, and at most this many words (a place, "ngày", "Date:").
_DATE_LINE_WORDS = 6
# A header repeated on each page of one document shows at least this many lines with figures.
_REPEATED_FIGURES = 2

_MOTTO = re.compile(
    r"cong hoa xa hoi chu nghia viet nam|socialist republic of viet ?nam", re.IGNORECASE
)
# A document of the Party opens with its name on a line of its own.
_PARTY = re.compile(r"^\W*dang cong san viet nam\W*$", re.IGNORECASE)
_MOTTO_SECOND = re.compile(
    r"doc lap\s*[-–—]\s*tu do\s*[-–—]\s*hanh phuc|"
    r"independence\s*[-–—]\s*freedom\s*[-–—]\s*happiness",
    re.IGNORECASE,
)
# "Page 2 of 5", "Trang 2/5", "2/5", "- 2 -", "Page 2", alone on a line.
_NUMBERING = re.compile(
    r"^\s*[-–(]?\s*(?:(?:page|trang|tr\.|p\.)\s*)?(\d{1,3})"
    r"(?:\s*(?:/|of|trên|tren)\s*(\d{1,3}))?\s*[-–)]?\s*$",
    re.IGNORECASE,
)
_PAGE_WORD = re.compile(r"^\W*(page|trang|tr\.|p\.)", re.IGNORECASE)
_NAMED_NUMBERING = re.compile(
    r"\b(?:page|trang)\s+(\d{1,3})(?:\s*(?:/|of|trên|tren)\s*(\d{1,3}))?\b", re.IGNORECASE
)
# A type of document named by a title: Vietnamese names it first ("HỢP ĐỒNG KINH TẾ"),
# English last ("SALES CONTRACT") or before its number ("Invoice No. 12"), which keeps a
# heading like "CONTRACT PRICE" out.
_TITLE_VI = re.compile(
    r"^\W*(hoa don|hop dong|cong van|thong bao|quyet dinh|to trinh|giay moi|cong dien|"
    r"chi thi|so yeu ly lich|ho so ung (vien|tuyen)|don (xin viec|ung tuyen))\b",
    re.IGNORECASE,
)
_TITLE_EN = re.compile(
    r"\b(invoice|rechnung|facture|factuur|contract|agreement|curriculum vitae|resume|"
    r"memorandum|memo|circular( letter)?)\W*((no|nr|number|of|for)\b.*|[#(:].*|\d.*)?$",
    re.IGNORECASE,
)
# Titles that belong to the document before them.
_ANNEX = re.compile(
    r"^\W*(phu luc|annex|appendix|schedule|exhibit|attachment|dinh kem|bang ke|"
    r"continued|tiep theo)\b",
    re.IGNORECASE,
)
# A heading of the body (`Điều 7`, `8. TERMINATION`, `II.`), not a document's title.
_SECTION = re.compile(r"^\W*(\d+(\.\d+)*\.?\s|[ivxlc]+[.)]\s|(dieu|article|section|muc)\s)")
_LABELLED_FIGURE = re.compile(r":.*\d")
_TAX_ID = re.compile(r"(?<![\d-])(\d{10}(?:-\d{3})?)(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True, slots=True)
class Part:
    """Pages `first` to `last` of the file (1-based, inclusive)."""

    first: int
    last: int

    @property
    def pages(self) -> list[int]:
        return list(range(self.first, self.last + 1))


def split(document: ParsedDocument) -> list[Part]:
    """The documents the file holds, in page order; one part for a single document.

    A structured source (an e-invoice XML) is one document by definition."""
    count = len(document.pages)
    if count < 2 or document.declared_type is not None:
        return [Part(1, count)] if count else []
    starts = [0]
    for index in range(1, count):
        if _starts_document(document.pages, starts[-1], index):
            starts.append(index)
    ends = [*(start - 1 for start in starts[1:]), count - 1]
    return [
        Part(document.pages[start].number, document.pages[end].number)
        for start, end in zip(starts, ends, strict=True)
    ]


def part_document(document: ParsedDocument, part: Part) -> ParsedDocument:
    """The part's pages as a document of their own, numbered from 1."""
    offset = part.first - 1
    pages = [
        Page(
            number=page.number - offset,
            width=page.width,
            height=page.height,
            lines=[_renumbered(line, line.page - offset) for line in page.lines],
            notes=list(page.notes),
        )
        for page in document.pages
        if part.first <= page.number <= part.last
    ]
    problems = [problem for problem in document.problems if _concerns(problem, part)]
    return dataclasses.replace(document, pages=pages, problems=problems)


_PROBLEM_PAGE = re.compile(r"^page (\d+):")


def _concerns(problem: str, part: Part) -> bool:
    """A reader's problem with one page (`page 5: OCR timed out`, in the file's numbering)
    belongs to the part holding that page; any other belongs to every part."""
    page = _PROBLEM_PAGE.match(problem)
    return page is None or part.first <= int(page.group(1)) <= part.last


def file_page(part: Part, page: int) -> int:
    """The file's page number of page `page` of the part's own document."""
    return page + part.first - 1


def _renumbered(line: Line, page: int) -> Line:
    if line.page == page:
        return line
    return Line(tuple(dataclasses.replace(word, page=page) for word in line.words), page)


def _starts_document(pages: list[Page], part_start: int, index: int) -> bool:
    page, previous = pages[index], pages[index - 1]
    if _word_count(page) < _MIN_TEXT_WORDS:
        return False  # a blank or near-blank sheet (a separator, a back side) goes with the rest
    numbering = _numbering(page)
    if numbering is not None and numbering[0] > 1:
        return False  # the page says it continues something
    if _opens_mid_sentence(page):
        return False
    if numbering is not None and numbering[0] == 1 and numbering[2]:
        return True
    before = _numbering(previous)
    if before is not None and before[1] is not None and before[0] == before[1]:
        return True  # the page before said it was the last of its document
    top = _top_lines(page)
    if _repeats_header(_top_lines(pages[part_start]), top):
        return False
    body = _body_height(page)
    if _has_motto(top):
        return True
    if any(_is_title(line, body) for line in top):
        return True
    # A masthead or a heading is how a CV or a letter opens, but also how a report sets a
    # chapter: it splits only where what follows is dated like a letter, or is something
    # else, or someone else's.
    if not _has_masthead(top, body, _TITLE_SIZE):
        # OCR boxes of a capitalised letterhead hug the ink: a dated top reading as another
        # type, surely, still opens a letter.
        return _is_dated(top) and _type_changes(pages, part_start, index, sure=_SURE_TYPE)
    if _is_dated(top) or _type_changes(pages, part_start, index, sure=_SURE_TYPE):
        return True
    return _has_masthead(top, body, _MASTHEAD_SIZE) and (
        _type_changes(pages, part_start, index, sure=_LIKELY_TYPE)
        or _identity_changes(pages, part_start, index)
    )


def _word_count(page: Page) -> int:
    return sum(1 for word in page.words if any(char.isalpha() for char in word.text))


def _numbering(page: Page) -> tuple[int, int | None, bool] | None:
    """The page's own number, its document's page count when printed, and whether the
    number is named as one (`Page 1`, `Trang 1/2`, `1/2`), read from a line at the top or
    the bottom of the page that holds nothing else. A bare `1` may be the first row of a
    table running on: it can say a page continues, never that one starts."""
    if not page.lines:
        return None
    ordered = sorted(page.lines, key=lambda line: line.bbox[1])
    edges = [*ordered[:3], *ordered[-3:]]
    for line in edges:
        text = line.text.strip()
        match = _NUMBERING.match(text) or _NAMED_NUMBERING.search(text)
        if match is None:
            continue
        number = int(match.group(1))
        total = int(match.group(2)) if match.group(2) else None
        if number == 0 or (total is not None and not number <= total):
            continue
        bare = match.re is _NUMBERING and total is None and not _PAGE_WORD.match(text)
        # A bare number is a page number only on a line of its own at the very edge.
        if bare and line not in (ordered[0], ordered[-1]):
            continue
        return number, total, not bare
    return None


def _opens_mid_sentence(page: Page) -> bool:
    """The page's first line of text starts in lower case: a sentence running on from the
    page before."""
    for line in sorted(page.lines, key=lambda line: line.bbox[1]):
        text = line.text.strip()
        if _numbering(Page(page.number, page.width, page.height, [line])) is not None:
            continue
        first = next((char for char in text if char.isalpha()), None)
        if first is None:
            continue
        return first.islower()
    return False


def _top_lines(page: Page) -> list[Line]:
    ordered = sorted(page.lines, key=lambda line: (line.bbox[1], line.bbox[0]))
    return [line for line in ordered if line.bbox[1] <= page.height * _TOP_SHARE][:_TOP_LINES]


def _body_height(page: Page) -> float:
    """The size of the page's running text: the median height of its lines. A line's
    tallest word (a capital, an ascender) stands for its size: OCR boxes hug the ink, and
    a word of small letters alone is shorter than its type."""
    heights = [_line_height(line) for line in page.lines if _has_letters(line)] or [1.0]
    return statistics.median(heights)


def _has_letters(line: Line) -> bool:
    return any(char.isalpha() for char in line.text)


def _line_height(line: Line) -> float:
    return max(word.height for word in line.words)


def _repeats_header(first: list[Line], top: list[Line]) -> bool:
    """The page's top repeats the labelled figures of the part's first page (number, date,
    tax code: `Số: 0000123`), every one: a long invoice printing its header on every page,
    not the next invoice, whose number at least differs. Rows of a table carry figures
    without labels, and differ from page to page."""
    figures = {_figure_line(line) for line in top if _LABELLED_FIGURE.search(line.text)}
    if len(figures) < _REPEATED_FIGURES:
        return False
    return figures <= {_figure_line(line) for line in first}


def _figure_line(line: Line) -> str:
    return " ".join(fold(line.text).casefold().split())


def _has_motto(top: list[Line]) -> bool:
    """The national motto block of a Vietnamese official document or contract: the
    republic's name, and its second line beside or right below it."""
    folded = [fold(line.text) for line in top]
    for index, text in enumerate(folded):
        if _PARTY.match(text):
            return True
        if _MOTTO.search(text) and any(
            _MOTTO_SECOND.search(other) for other in folded[index : index + 4]
        ):
            return True
    return False


def _is_title(line: Line, body: float) -> bool:
    """A short line set larger than the text that names a type of document. Only its large
    words count, from the start of the line: a label of the header block may share its
    baseline."""
    large: list[str] = []
    for word in line.words:
        if word.height < body * _TITLE_SIZE:
            break
        large.append(word.text)
    text = fold(" ".join(large)).strip()
    if not large or len(text.split()) > _TITLE_WORDS:
        return False
    if _ANNEX.match(text) or _SECTION.match(fold(line.text).lower()):
        return False
    return bool(_TITLE_VI.match(text) or _TITLE_EN.search(text))


def _has_masthead(top: list[Line], body: float, size: float) -> bool:
    """The page opens with a short line set `size` times larger than the text and larger
    than any other near the top: a CV's name, a letterhead; not a numbered section."""
    if not top:
        return False
    largest = max(top[:3], key=_line_height)
    return (
        _line_height(largest) >= body * size
        and len(largest.text.split()) <= _MASTHEAD_WORDS
        and _line_height(largest) >= max(_line_height(line) for line in top)
        and not _SECTION.match(fold(largest.text).lower())
    )


def _is_dated(top: list[Line]) -> bool:
    """A line near the top holds a date and little else (a place, `Date:`)."""
    for line in top:
        found = find_date(line.text)
        if found is None:
            continue
        start, end = found[1].span()
        if len((line.text[:start] + " " + line.text[end:]).split()) <= _DATE_LINE_WORDS:
            return True
    return False


def _type_changes(pages: list[Page], part_start: int, index: int, *, sure: float) -> bool:
    """The classifier reads the page as another type than the part so far, sure of the
    part's type, and of the page's at least `sure`."""
    before = classify(_pages_document(pages[part_start:index]))
    after = classify(_pages_document(pages[index : index + 1]))
    return (
        before.doc_type != "unknown"
        and after.doc_type != "unknown"
        and before.doc_type != after.doc_type
        and before.confidence >= _SURE_TYPE
        and after.confidence >= sure
    )


def _identity_changes(pages: list[Page], part_start: int, index: int) -> bool:
    """The top of the page prints tax codes or e-mail addresses, and none of them appears in
    the part so far: another issuer, another person."""
    ids = _identifiers(_top_lines(pages[index]))
    if not ids:
        return False
    seen = _identifiers(line for page in pages[part_start:index] for line in page.lines)
    return not ids & seen


def _identifiers(lines: Iterable[Line]) -> set[str]:
    found: set[str] = set()
    for line in lines:
        found.update(_TAX_ID.findall(line.text.replace(" ", "")))
        found.update(email.lower() for email in _EMAIL.findall(line.text))
    return found


def _pages_document(pages: list[Page]) -> ParsedDocument:
    return ParsedDocument("text/plain", list(pages))
