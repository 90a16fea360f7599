"""Contract text as one flow: every line in reading order, so a phrase wrapped over two lines
("có hiệu lực kể từ ngày ký và có thời hạn 12 / tháng") matches one pattern, while each match
still knows the words, and so the page and box, it was read from.

Also the date and term readers contracts need beyond `find_date`: `the 5th day of March,
2026`, term lengths written in figures or words (`12 tháng`, `hai (02) năm`, `two (2)
years`), and adding a term to a date.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from extractors.document import Line, ParsedDocument, Word
from extractors.fields.layout import Found
from extractors.normalize import clean_text, find_date
from extractors.text import fold


@dataclass
class Flow:
    """The document's lines joined by newlines; `folded` is the same text without
    diacritics, offset for offset."""

    lines: list[Line]

    @cached_property
    def starts(self) -> list[int]:
        starts, offset = [], 0
        for line in self.lines:
            starts.append(offset)
            offset += len(line.text) + 1
        return starts

    @cached_property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    def index_at(self, offset: int) -> int:
        """The index of the line holding character `offset`."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def words(self, start: int, end: int) -> list[Word]:
        """The words covering characters `start:end`, on the page where the span starts."""
        chosen: list[Word] = []
        first = self.index_at(start)
        page = self.lines[first].page
        for index in range(first, self.index_at(max(start, end - 1)) + 1):
            line = self.lines[index]
            if line.page != page:
                break
            offset = self.starts[index]
            for word in line.words:
                word_end = offset + len(word.text)
                if word_end > start and offset < end:
                    chosen.append(word)
                offset = word_end + 1
        return chosen

    def found(self, start: int, end: int, confidence: float) -> Found:
        """The span `start:end` as a value read from the page."""
        words = self.words(start, end) or list(self.lines[self.index_at(start)].words)
        return Found(
            clean_text(self.text[start:end]), Line(tuple(words), words[0].page), confidence
        )

    def line_found(self, index: int, confidence: float) -> Found:
        line = self.lines[index]
        return Found(clean_text(line.text), line, confidence)


def flow_of(document: ParsedDocument) -> Flow:
    return Flow(list(document.lines))


def spaced(source: str) -> str:
    """`source` with each run of spaces outside a character class matching any whitespace,
    so a phrase still matches where the page wrapped it onto the next line."""
    out: list[str] = []
    depth = 0
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            out.append(source[index : index + 2])
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
        if char == " " and not depth:
            while index < len(source) and source[index] == " ":
                index += 1
            # A space the pattern quantifies itself (` *`, ` +`) is one whitespace character.
            quantified = index < len(source) and source[index] in "*+?{"
            out.append(r"\s" if quantified else r"\s+")
            continue
        out.append(char)
        index += 1
    return "".join(out)


# --- sentences --------------------------------------------------------------------------------

# A sentence ends at a full stop or semicolon before the next capital, figure or bracket,
# not inside `No. 12`, `Co., Ltd.`, `Mr.` or a decimal `0.5%`.
_SENTENCE_END = re.compile(
    r"(?<!\bno)(?<!\bco)(?<!\bltd)(?<!\bmr)(?<!\bms)(?<!\bmrs)(?<!\bdr)(?<!\bst)(?<!\binc)"
    r"(?<!\bpte)(?<!\bcorp)[.;](?=\s+[\"“(\[]?[A-Z\d])",
    re.IGNORECASE,
)
# A heading line also ends what came before it.
_HEADING_START = re.compile(
    r"\n(?=\s*(?:dieu|article|clause|section|\d{1,2}(?:\.\d{1,2})*\.?\s|\(?[a-z\d]\)|[-•]\s))",
    re.IGNORECASE,
)


def sentence_at(flow: Flow, start: int, end: int, reach: int = 400) -> tuple[int, int]:
    """The bounds of the sentence holding `start:end`."""
    folded = flow.folded
    left_limit = max(0, start - reach)
    left = left_limit
    for pattern in (_SENTENCE_END, _HEADING_START):
        for match in pattern.finditer(folded, left_limit, start):
            left = max(left, match.end())
    right = min(len(folded), end + reach)
    for pattern in (_SENTENCE_END, _HEADING_START):
        stop = pattern.search(folded, end, right)
        if stop is not None:
            right = min(right, stop.start() + (1 if pattern is _SENTENCE_END else 0))
    return left, right


# --- dates and terms -------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_DAY_OF = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?\s+day\s+of\s+(" + "|".join(_MONTHS) + r")\.?,?\s+(\d{4})",
    re.IGNORECASE,
)
# OCR and careless typing: `ngày 05 tháng 3 năm 2026` with the words folded or split.
_VI_SPELLED = re.compile(
    r"(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})", re.IGNORECASE
)


def date_in(text: str, *, day_first: bool) -> tuple[str, int, int] | None:
    """The first date in `text`: ISO form and where it is."""
    found = find_date(text, day_first=day_first)
    candidates: list[tuple[int, int, str]] = []
    if found is not None:
        candidates.append((found[1].start(), found[1].end(), found[0]))
    for pattern, order in ((_DAY_OF, "dMy"), (_VI_SPELLED, "dmy")):
        match = pattern.search(fold(text))
        if match is None:
            continue
        day, month, year = (
            match.groups()
            if order == "dmy"
            else (match.group(1), str(_MONTHS[match.group(2).lower()]), match.group(3))
        )
        try:
            iso = date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            continue
        candidates.append((match.start(), match.end(), iso))
    if not candidates:
        return None
    start, end, iso = min(candidates)
    return iso, start, end


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24,
    "thirty-six": 36, "forty-eight": 48, "sixty": 60,
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
    "muoi": 10, "muoi hai": 12, "muoi tam": 18, "hai muoi bon": 24, "ba muoi sau": 36,
}  # fmt: skip
_WORD_NUMBER = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
# `12 tháng`, `02 (hai) năm`, `hai (02) năm`, `two (2) years`, `an initial term of one year`
TERM = re.compile(
    rf"(?<![\w/.,])(?:(\d{{1,3}})\s*(?:\([^)]{{1,25}}\)\s*)?|({_WORD_NUMBER})\s*(?:\(\s*(\d{{1,3}})\s*\)\s*)?)"
    r"(thang|nam|months?|years?)(?![\w])(?!\s*\d)",
    re.IGNORECASE,
)


def term_months(match: re.Match[str]) -> int | None:
    """A TERM match (on folded text) in months."""
    figures, words, in_brackets, unit = match.groups()
    if figures:
        amount = int(figures)
    elif in_brackets:
        amount = int(in_brackets)
    else:
        amount = _NUMBER_WORDS[words.lower()]
    if amount <= 0:
        return None
    return amount if unit.lower().startswith(("thang", "month")) else amount * 12


def add_months(start: str, months: int) -> str:
    """`start` plus a term of `months`: the same day of the month that many months later, or
    the month's last day when it is shorter (Civil Code 2015 art. 147-148: the starting day
    is not counted, so the term ends with the corresponding day; the common-law
    corresponding date rule agrees)."""
    day = date.fromisoformat(start)
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last)).isoformat()
