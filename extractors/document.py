"""The one document model every extractor consumes, whatever the file was.

Coordinates are PDF points with the origin at the top-left of the page, so that "below" means a
larger `top` on every source (text layer, OCR, DOCX, XML).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom
WordSource = Literal["text_layer", "ocr", "docx", "xml"]


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    bbox: BBox
    page: int  # 1-based
    confidence: float = 1.0
    source: WordSource = "text_layer"

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


@dataclass(frozen=True, slots=True)
class Line:
    """Words sharing a baseline, left to right. `text` joins them with single spaces."""

    words: tuple[Word, ...]
    page: int
    # Worked out from the (immutable) words on first use and kept: field extractors ask a
    # line for its text and box thousands of times a page.
    _text: str | None = field(default=None, init=False, repr=False, compare=False)
    _bbox: BBox | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def text(self) -> str:
        text = self._text
        if text is None:
            text = " ".join(word.text for word in self.words)
            object.__setattr__(self, "_text", text)
        return text

    @property
    def bbox(self) -> BBox:
        bbox = self._bbox
        if bbox is None:
            bbox = union(word.bbox for word in self.words)
            object.__setattr__(self, "_bbox", bbox)
        return bbox

    @property
    def confidence(self) -> float:
        return min((word.confidence for word in self.words), default=0.0)

    def span(self, start: int, end: int) -> Line:
        """The words covering characters `start:end` of `text`."""
        chosen: list[Word] = []
        offset = 0
        for word in self.words:
            word_end = offset + len(word.text)
            if word_end > start and offset < end:
                chosen.append(word)
            offset = word_end + 1
        return Line(tuple(chosen), self.page)


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def words(self) -> Iterator[Word]:
        for line in self.lines:
            yield from line.words

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(slots=True)
class ParsedDocument:
    media_type: str
    pages: list[Page]
    language: Literal["vi", "en"] = "vi"
    # Pages that could not be read (e.g. an OCR timeout): the document is partial, not whole.
    problems: list[str] = field(default_factory=list)
    # A structured source (e-invoice XML) already states its type and fields exactly.
    declared_type: str | None = None
    declared_fields: dict[str, object] | None = None
    # The day the document is read as of: what `present` / `nay` means in a CV's job dates
    # (the day it was received, or a reproducible run's date). None: today.
    as_of: date | None = None

    @property
    def lines(self) -> Iterator[Line]:
        for page in self.pages:
            yield from page.lines

    @property
    def text(self) -> str:
        """Plain text in reading order, pages separated by a form feed."""
        return "\f".join(page.text for page in self.pages)


def union(boxes: Iterator[BBox] | list[BBox] | tuple[BBox, ...]) -> BBox:
    x0s, tops, x1s, bottoms = zip(*boxes, strict=True)
    return (min(x0s), min(tops), max(x1s), max(bottoms))


_SIZE_RATIO = 1.3
_OCR_SIZE_RATIO = 1.8


def group_lines(words: list[Word], page: int) -> list[Line]:
    """Group words into lines by vertical overlap, then split a line where a wide horizontal
    gap separates two columns, so a label in one column is never glued to the next column."""
    rows: list[list[Word]] = []
    extents: list[list[float]] = []  # top and bottom of each row so far
    # Keys worked out once per word, not once per comparison; the index keeps the sort stable.
    keyed = sorted(
        [
            (round((bbox[1] + bbox[3]) / 2, 1), bbox[0], index)
            for index, bbox in enumerate([word.bbox for word in words])
        ]
    )
    for _, _, index in keyed:
        word = words[index]
        _, top, _, bottom = word.bbox
        centre = (top + bottom) / 2
        for candidate in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            extent = extents[candidate]
            if extent[0] <= centre <= extent[1]:
                rows[candidate].append(word)
                if top < extent[0]:
                    extent[0] = top
                if bottom > extent[1]:
                    extent[1] = bottom
                break
        else:
            rows.append([word])
            extents.append([top, bottom])
    lines: list[Line] = []
    for row in rows:
        if len(row) > 1:
            row.sort(key=_left)
        current: list[Word] = [row[0]]
        previous = row[0]
        previous_height = previous.bbox[3] - previous.bbox[1]
        if previous_height < 1.0:
            previous_height = 1.0
        for word in row[1:]:
            x0, top, _, bottom = word.bbox
            gap = x0 - previous.bbox[2]
            height = bottom - top
            if height < 1.0:
                height = 1.0
            # The two heights in order, as sorted() gives them.
            if height < previous_height:
                small, large = height, previous_height
            else:
                small, large = previous_height, height
            # A centred title beside a header block: different type sizes are different blocks.
            # Punctuation (an OCR'd dash is a point or two tall) says nothing about type size.
            # OCR boxes hug the ink, so `1` is 1.4 times shorter than `Giấy` in one font: a
            # size change there takes a larger ratio.
            if gap > 2.5 * large or (
                large > (_OCR_SIZE_RATIO if word.source == "ocr" else _SIZE_RATIO) * small
                and gap > small
                and _has_letters(previous.text)
                and _has_letters(word.text)
            ):
                lines.append(Line(tuple(current), page))
                current = []
            current.append(word)
            previous, previous_height = word, height
        lines.append(Line(tuple(current), page))
    return lines


def _left(word: Word) -> float:
    return word.bbox[0]


def _has_letters(text: str) -> bool:
    return any(character.isalnum() for character in text)
