"""Label–value geometry shared by the field extractors.

A value is looked for where people print it: after its label on the same line, in the next
column of the same row, or on the line just below the label. Nothing depends on absolute
positions, so a new layout with the same labels reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from extractors.document import BBox, Line, Page, ParsedDocument
from extractors.fields import confidence as level
from extractors.record import Provenance
from extractors.text import fold, folded_pattern

# What may sit between a label and its value: a bilingual gloss like "(Serial)", then ":".
_LABEL_TAIL = re.compile(r"^\s*(?:\([^)]{0,40}\)\s*)?[:.\-–]?\s*")


@dataclass(frozen=True)
class Found:
    """A value read from the page, where it was, and how sure the reading is."""

    value: str
    line: Line
    confidence: float

    @property
    def provenance(self) -> Provenance:
        # Word and XML sources have no geometry: their virtual positions are not a place.
        virtual = any(word.source in ("docx", "xml") for word in self.line.words)
        return Provenance(page=self.line.page, bbox=None if virtual else _round(self.line.bbox))


def _round(bbox: BBox) -> tuple[float, float, float, float]:
    return (round(bbox[0], 1), round(bbox[1], 1), round(bbox[2], 1), round(bbox[3], 1))


Validator = Callable[[str], bool]


def _always(_: str) -> bool:
    return True


def label_matches(
    document: ParsedDocument,
    label: re.Pattern[str],
    *,
    lines: Iterable[Line] | None = None,
) -> list[tuple[Line, int]]:
    """Every line (of `lines`, by default the document's) holding the label, with the offset
    where the value would start."""
    found = []
    for line in document.lines if lines is None else lines:
        match = _search(label, line.text) or label.search(line.text)
        if match is not None:
            tail = _LABEL_TAIL.match(line.text[match.end() :])
            found.append((line, match.end() + (tail.end() if tail else 0)))
    return found


def _search(label: re.Pattern[str], text: str) -> re.Match[str] | None:
    folded = fold(text)
    accented = _ACCENTED.get(label)
    for match in label.finditer(folded):
        printed = text[match.start() : match.end()]
        if accented is None or printed == fold(printed):
            return match
        if accented.match(folded, match.start()):
            return match  # a variant written with diacritics, which OCR may have lost
    return None


# For labels made with `ascii_exact`: the variants written with diacritics. The others match
# only text printed without diacritics: `VAT` is not `VẬT` (`Vật tư`, supplies).
_ACCENTED: dict[re.Pattern[str], re.Pattern[str] | None] = {}


def value_for(
    document: ParsedDocument,
    label: re.Pattern[str],
    *,
    valid: Validator = _always,
    last: bool = False,
    lines: Iterable[tuple[Line, int]] | None = None,
    prefer_below: bool = False,
) -> Found | None:
    """The value printed for `label`; `valid` rejects candidates of the wrong kind (a date
    label followed by a name is not a date). With `last`, the final occurrence wins, as for
    totals printed at the foot of a document. A block heading (`Bill To`) has its value
    below it, while the next column on its row is usually the neighbouring block:
    `prefer_below` says so."""
    candidates = list(lines if lines is not None else label_matches(document, label))
    if last:
        candidates.reverse()
    for line, start in candidates:
        rest = line.text[start:].strip()
        if rest and valid(rest):
            return Found(rest, line.span(start, len(line.text)), level.LABELLED)
        neighbours = (below(document, line), right_of(document, line))
        for neighbour in neighbours if prefer_below else reversed(neighbours):
            if neighbour is not None and valid(neighbour.text):
                return Found(neighbour.text, neighbour, level.BY_CONTEXT)
    return None


def right_of(document: ParsedDocument, line: Line) -> Line | None:
    """The next segment on the same row, to the right of `line`."""
    x1, top, bottom = line.bbox[2], line.bbox[1], line.bbox[3]
    centre = (top + bottom) / 2
    best: Line | None = None
    for other in document.pages[line.page - 1].lines:
        other_top, other_bottom = other.bbox[1], other.bbox[3]
        if other is line or not (other_top <= centre <= other_bottom) or other.bbox[0] < x1:
            continue
        if best is None or other.bbox[0] < best.bbox[0]:
            best = other
    return best


def below(document: ParsedDocument, line: Line, *, max_gap_lines: float = 1.8) -> Line | None:
    """The nearest line under `line` that overlaps it horizontally."""
    x0, x1, bottom = line.bbox[0], line.bbox[2], line.bbox[3]
    height = max(line.bbox[3] - line.bbox[1], 1.0)
    best: Line | None = None
    for other in document.pages[line.page - 1].lines:
        if other is line or other.bbox[1] < bottom - 0.3 * height:
            continue
        if other.bbox[1] - bottom > max_gap_lines * height:
            continue
        if other.bbox[0] > x1 or other.bbox[2] < x0:
            continue
        if best is None or other.bbox[1] < best.bbox[1]:
            best = other
    return best


def label(*variants: str, ascii_exact: bool = False) -> re.Pattern[str]:
    """A label regex matching any variant at a word start, case-insensitively, with or
    without diacritics. With `ascii_exact`, `label_matches` takes a variant written without
    diacritics (an English word) only where the text has none either: `vat` is a word of
    both languages once folded."""
    alternatives = "|".join(variants)
    # `re` caches compiled patterns by source: the comment keeps an `ascii_exact` label a
    # pattern of its own, so marking it never marks a plain label of the same words.
    marker = "(?#ascii-exact)" if ascii_exact else ""
    pattern = folded_pattern(rf"(?<![\w])(?:{alternatives})(?![\w]){marker}")
    if ascii_exact:
        accented = "|".join(variant for variant in variants if fold(variant) != variant)
        _ACCENTED[pattern] = (
            folded_pattern(rf"(?<![\w])(?:{accented})(?![\w])") if accented else re.compile("(?!)")
        )
    return pattern


def block_label(*variants: str) -> re.Pattern[str]:
    """A label that opens a block, so it starts its line: "From" inside a sentence is not the
    seller's heading."""
    alternatives = "|".join(variants)
    return folded_pattern(rf"^\s*(?:{alternatives})(?![\w])")


def continued(
    document: ParsedDocument,
    found: Found,
    *,
    accept: Validator,
    max_lines: int = 2,
    word_wraps: bool = False,
) -> Found:
    """`found` with the lines it wraps onto: each next line just below, starting where the
    value or its line starts (a wrapped cell or paragraph), that `accept` takes as more of
    the same value rather than a new label. On a Word file's virtual page the paragraph's
    alignment places each wrapped line, so its left edge says nothing: with `word_wraps`,
    a line just below there that overlaps the value continues it too."""
    value, line = found.value, found.line
    # A wrapped value continues under itself or, like a paragraph, at its label's margin.
    first = found.line.words[0]
    printed = next(
        (other for other in document.pages[line.page - 1].lines if first in other.words), line
    )
    lefts = {line.bbox[0], printed.bbox[0]}
    page = document.pages[line.page - 1]
    text_right = max((other.bbox[2] for other in page.lines), default=line.bbox[2])
    reach = Line((*printed.words, *line.words), line.page)
    for _ in range(max_lines):
        nxt = _own_column(below(document, line, max_gap_lines=1.0), line)
        if nxt is None and (line.bbox[2] >= 0.85 * text_right or word_wraps):
            # A paragraph wrapped at the page's edge may go on with a short line at the
            # label's margin ("Hà Nội"), not under the value: only a full line wraps, or
            # any line of a Word paragraph, which wraps at its cell's edge.
            nxt = _own_column(below(document, reach, max_gap_lines=1.0), reach)
        if nxt is None:
            nxt = below_interleaved(page, line, min(reach.bbox[0], line.bbox[0]))
        if nxt is None:
            break
        aligned = any(abs(nxt.bbox[0] - left) <= 4 for left in lefts)
        if not aligned and not (word_wraps and _wrapped_in_word(page, line, nxt)):
            break
        if nxt.words[0] in line.words:
            break  # the joined lines' box reaches down to the line just taken
        if _LABEL_LIKE.search(nxt.text) or not accept(nxt.text):
            break
        value = f"{value} {nxt.text}"
        line = Line((*line.words, *nxt.words), line.page)
        reach = Line((*reach.words, *nxt.words), line.page)
    return Found(value, line, found.confidence) if line is not found.line else found


def _own_column(nxt: Line | None, line: Line) -> Line | None:
    """`nxt`, unless it starts in the last quarter of a long `line`: the neighbouring
    column's line, under the end of one reaching into it."""
    if nxt is not None and nxt.bbox[0] > line.bbox[0] + 0.75 * (line.bbox[2] - line.bbox[0]):
        return None
    return nxt


def _wrapped_in_word(page: Page, line: Line, nxt: Line) -> bool:
    """Whether `nxt` may be the next visual line of `line`'s Word paragraph: both placed by
    the Word reader, and `nxt` not a cell of a table's row (three cells or more)."""
    if not all(word.source == "docx" for word in (*line.words, *nxt.words)):
        return False
    row = [other for other in page.lines if abs(other.bbox[1] - nxt.bbox[1]) <= 2]
    return len(row) < 3


def below_interleaved(page: Page, line: Line, left: float) -> Line | None:
    """On a Word file's virtual page, the next line under `line` past lines of another
    column: Word flows paragraphs one after another, so a block retyped beside another
    (`BÌNH` / `Mẫu số: 1` / `AN`) has the neighbour's lines between its own. Only lines
    clear of `line` and its label (from `left`) sideways, or starting in its last quarter,
    may stand between, each worth one line of the gap."""
    if not any(word.source == "docx" for word in line.words):
        return None
    x0, x1, bottom = left, line.bbox[2], line.bbox[3]
    step = 1.3 * (line.words[-1].bbox[3] - line.words[-1].bbox[1])
    later = sorted(
        (other for other in page.lines if other.bbox[1] >= bottom - 1.0),
        key=lambda other: other.bbox[1],
    )
    between = 0
    for other in later:
        if other.bbox[1] - bottom > (between + 1) * step:
            return None
        # A long line may reach into the neighbouring column: a line starting in its last
        # quarter is the neighbour's.
        if other.bbox[0] > x0 + 0.75 * (x1 - x0) or other.bbox[2] < x0:
            between += 1
            continue
        return other if between else None
    return None


# A line that opens with its own label ("Địa chỉ:", "MST:") starts a new field.
_LABEL_LIKE = re.compile(r"^[^:]{1,40}:")
