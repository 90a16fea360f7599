"""Tables read by the geometry of their header: line items, whatever the layout.

A table is found by its header band: one to three printed rows whose words, grouped into
columns by their horizontal extent, name at least three known columns (`Tên hàng hóa,
dịch vụ` wrapped over two rows is one column). Below it, every word goes to the column its
box overlaps most. A new row of the table starts where its key column (the amount) holds a
value; printed rows without one are the wrapped lines of a cell and join the row above (or
the row below, before the first). A table continues on the next page under a repeated
header, or without one from the first row holding a key value, and ends at a row the caller
recognises as the totals, or at a wide vertical gap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from extractors.document import Line, ParsedDocument, Word
from extractors.fields.layout import Found
from extractors.text import fold

_ROW_GAP_LINES = 3.5  # a gap this many rows tall ends the table
OTHER = "other"  # a column the caller did not ask for, kept so its words stay out of others
# A header cell no pattern names (`SL`, `Đ.vị`, a heading in another wording): still a
# column, so its words are never merged into a neighbour's; the caller may name it from
# its content. Its name is this prefix and its left edge.
UNNAMED = "?"


def is_unnamed(name: str) -> bool:
    return name.startswith(UNNAMED)


@dataclass(frozen=True)
class Column:
    name: str
    x0: float
    x1: float
    named: int = 0  # characters of the header the name's pattern matched


@dataclass
class TableRow:
    """One row of the table: each column's words, over every printed line of the row."""

    page: int
    cells: dict[str, list[Word]] = field(default_factory=dict)

    def text(self, name: str) -> str:
        return " ".join(word.text for word in self.cells.get(name, []))

    def found(self, name: str, value: str, confidence: float) -> Found | None:
        words = self.cells.get(name)
        if not words:
            return None
        return Found(value, Line(tuple(words), self.page), confidence)


def read_table(
    document: ParsedDocument,
    columns: dict[str, re.Pattern[str]],
    *,
    key: str,
    is_end: Callable[[str], bool],
    min_columns: int = 3,
    is_section_total: Callable[[str], bool] | None = None,
    figures: frozenset[str] = frozenset(),
) -> list[TableRow]:
    """The rows of the first table whose header names `key` and `min_columns` columns of
    `columns` (patterns over accent-folded text, most specific first). `is_end` sees each
    printed row's folded text and says where the table stops (a totals row); a row that
    `is_section_total` takes for a subtotal does not end it when more line items follow
    (a table grouped in sections, each with its own subtotal). `figures` names the columns
    (besides `key`) that hold only numbers: words printed under them just below the header
    are its wrapped names (`Thành tiền` / `chưa thuế`), never a row."""
    rows: list[TableRow] = []
    header: list[Column] | None = None
    for page in document.pages:
        printed = _printed_rows(list(page.words))
        start = 0
        found = _find_header(
            printed, columns, key=key, min_columns=min_columns, figures=figures | {key}
        )
        if found is not None:
            start, header = found
        elif header is None:
            continue
        assert header is not None
        groups, ended = _group_rows(
            printed[start:],
            header,
            columns,
            key=key,
            is_end=is_end,
            minimum=min_columns,
            continued=found is None,
            is_section_total=is_section_total,
        )
        column_of = _column_map(
            [word for group in groups for line in group for word in line], header
        )
        for group in groups:
            row = TableRow(page.number)
            for line in group:
                for word in line:
                    row.cells.setdefault(column_of[id(word)], []).append(word)
            rows.append(row)
        if ended:
            break
    return rows


def _group_rows(
    printed: list[list[Word]],
    header: list[Column],
    columns: dict[str, re.Pattern[str]],
    *,
    key: str,
    is_end: Callable[[str], bool],
    minimum: int,
    continued: bool,
    is_section_total: Callable[[str], bool] | None = None,
) -> tuple[list[list[list[Word]]], bool]:
    """The printed rows under a header grouped into table rows: a row holding a key value
    starts one; rows without one are its wrapped lines (or, before the first, lines of the
    next), unless they repeat its figures. True when the table ends on this page."""
    groups: list[list[list[Word]]] = []
    pending: list[list[Word]] = []
    last_bottom: float | None = None
    last_height = 0.0
    for index, words in enumerate(printed):
        text = fold(" ".join(word.text for word in words))
        if is_end(text):
            if (
                is_section_total is not None
                and is_section_total(text)
                and _items_follow(printed[index + 1 :], header, key, is_end)
            ):
                groups.extend([pending] if pending else [])
                pending = []
                continue  # a section's subtotal: the table goes on with the next section
            return _close_pending(groups, pending, header, key), True
        if not any(char.isalnum() for char in text):
            continue  # a speck or a rule's stub read as `-` or `'`: nothing of the table
        top = min(word.bbox[1] for word in words)
        # A row is at least as tall as the one above: a tiny word must not make an ordinary
        # row gap look like the table's end.
        height = max(max(word.height for word in words), last_height)
        if last_bottom is not None and top - last_bottom > _ROW_GAP_LINES * height:
            return _close_pending(groups, pending, header, key), True
        last_height = max(word.height for word in words)
        if _is_repeated_header(text, columns, minimum):
            continue
        cells = _assign(words, header, 0).cells
        figures = _figures(cells, key)
        # Quantity and price again: the lines above were a whole row whose key value was
        # not read (a scan dropping an amount), not the first lines of this one.
        whole = len(figures & _group_figures(pending, header, key)) >= 2
        if cells.get(key):
            groups.extend([pending, [words]] if whole else [[*pending, words]])
            pending = []
        elif whole:
            groups.append(pending)
            pending = [words]
        elif pending and groups:
            pending.append(words)  # a wrapped line of the row whose key value was not read
        elif groups and len(figures & _group_figures(groups[-1], header, key)) < 2:
            groups[-1].append(words)
        elif groups:
            groups.append([words])  # a row of its own, its key value unread
        elif not continued:
            # Lines above the first key value: a cell's first lines, printed higher than
            # its vertically centred numbers.
            pending.append(words)
        else:
            continue  # a continued page: skip its letterhead until the table resumes
        last_bottom = max(word.bbox[3] for word in words)
    return _close_pending(groups, pending, header, key), False


def _items_follow(
    printed: list[list[Word]], header: list[Column], key: str, is_end: Callable[[str], bool]
) -> bool:
    """Whether a line item (a key value and two more figures) comes before the next totals
    row."""
    for words in printed[:6]:
        if is_end(fold(" ".join(word.text for word in words))):
            return False
        cells = _assign(words, header, 0).cells
        if cells.get(key) and len(_figures(cells, key)) >= 2:
            return True
    return False


def _close_pending(
    groups: list[list[list[Word]]], pending: list[list[Word]], header: list[Column], key: str
) -> list[list[list[Word]]]:
    """The rows, with the last one kept even though its key value was not read, when it
    holds figures of a row (a quantity and a price) and not just a cell's first lines."""
    if len(_group_figures(pending, header, key)) >= 2:
        return [*groups, pending]
    return groups


def _column_map(words: list[Word], header: list[Column]) -> dict[int, str]:
    """Each word's column, by the table's own whitespace: words whose boxes overlap from
    row to row, or sit a word space apart, form one printed column, which takes the header
    column it overlaps most. A centred header over a left-aligned column, or a narrow `STT`
    beside a wide description, no longer decides where a cell's first word belongs."""
    if not words:
        return {}
    heights = sorted(word.height for word in words)
    space = 0.5 * heights[len(heights) // 2]
    segments: list[tuple[float, float, list[Word]]] = []
    for word in sorted(words, key=lambda w: w.bbox[0]):
        if segments and word.bbox[0] <= segments[-1][1] + space:
            x0, x1, members = segments[-1]
            members.append(word)
            segments[-1] = (x0, max(x1, word.bbox[2]), members)
        else:
            segments.append((word.bbox[0], word.bbox[2], [word]))
    column_of: dict[int, str] = {}
    # Two printed columns under one heading (`Thành tiền` printed wide over the rate beside
    # the amounts): a column of percentages among figures is one of its own.
    under = [_most_overlapped(x0, x1, header) for x0, x1, _ in segments]
    shared: dict[str, int] = {}
    for name in under:
        if name is not None:
            shared[name] = shared.get(name, 0) + 1
    for (x0, _, members), name in zip(segments, under, strict=True):
        if (
            name is not None
            and shared[name] > 1
            and all(_PERCENTAGE.fullmatch(word.text) for word in members)
        ):
            for word in members:
                column_of[id(word)] = f"{UNNAMED}{x0:.0f}"
    for x0, x1, members in segments:
        if any(id(word) in column_of for word in members):
            continue
        overlaps = [(min(x1, c.x1) - max(x0, c.x0), c) for c in header]
        best_overlap, best = max(overlaps, key=lambda pair: pair[0])
        if best_overlap <= 0:
            # No header above it: fall back to each word's own nearest column.
            for word in members:
                column_of[id(word)] = next(iter(_assign([word], header, 0).cells))
            continue
        touched = [c for overlap, c in overlaps if overlap > 0]
        for word in members:
            if len(touched) == 1:
                column_of[id(word)] = best.name
            else:
                # Neighbouring columns printed without a gap: split by each word's overlap,
                # but a word ending before a heading starts is not that column's (a
                # description wrapped up to the unit column beside it).
                started = [c for c in touched if c.x0 < word.bbox[2]] or touched
                column_of[id(word)] = next(iter(_assign([word], started, 0).cells))
    return column_of


def _most_overlapped(x0: float, x1: float, header: list[Column]) -> str | None:
    overlap, name = max((min(x1, c.x1) - max(x0, c.x0), c.name) for c in header)
    return name if overlap > 0 else None


def printed_rows(words: list[Word]) -> list[list[Word]]:
    """Words sharing a baseline band, top to bottom, each row left to right."""
    return _printed_rows(words)


def _printed_rows(words: list[Word]) -> list[list[Word]]:
    """Words sharing a baseline band, top to bottom, each row left to right."""
    rows: list[list[Word]] = []
    extents: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2):
        centre = (word.bbox[1] + word.bbox[3]) / 2
        if rows and extents[-1][0] <= centre <= extents[-1][1]:
            rows[-1].append(word)
            top, bottom = extents[-1]
            extents[-1] = (min(top, word.bbox[1]), max(bottom, word.bbox[3]))
        else:
            rows.append([word])
            extents.append((word.bbox[1], word.bbox[3]))
    for row in rows:
        row.sort(key=lambda w: w.bbox[0])
    return rows


def _find_header(
    printed: list[list[Word]],
    columns: dict[str, re.Pattern[str]],
    *,
    key: str,
    min_columns: int,
    figures: frozenset[str] = frozenset(),
) -> tuple[int, list[Column]] | None:
    """The first band of one to three rows naming the key and enough columns: the index of
    the first row after it, and its columns left to right."""
    for first in range(len(printed)):
        # A header starts with a row that names columns itself; the rows under it may hold
        # only the wrapped ends of those names.
        if len(_known(_columns(printed[first : first + 1], columns))) < 2:
            continue
        for size in (1, 2, 3):
            band = printed[first : first + size]
            if len(band) < size or not _close(band):
                break
            found = _columns(band, columns)
            # Fewer names suffice when headings no lexicon knows make up the columns (`SL`,
            # `Đ.vị`, `Giá bán`): their content names them later.
            known = len(_known(found))
            enough = known >= min_columns or (known >= 2 and len(found) > min_columns)
            if enough and any(column.name == key for column in found):
                # Rows just under it without figures are wrapped column names.
                end = first + size
                while end < min(first + 3, len(printed)) and _close(printed[end - 1 : end + 1]):
                    if any(char.isdigit() for word in printed[end] for char in word.text):
                        break
                    more = _columns(printed[first : end + 1], columns)
                    # It must complete a name (`Tên hàng` + `hóa, dịch vụ`), or it is the
                    # first line of a cell.
                    completes = len(_known(more)) >= len(_known(found)) and _named(more) > _named(
                        found
                    )
                    if (
                        not completes
                        and not _is_gloss(printed[end])
                        and not _under_headings(printed[end], found, figures)
                    ):
                        break
                    if completes:
                        found = more
                    end += 1
                while end < len(printed):
                    if _is_numbering(printed[end]):
                        end += 1
                        continue
                    # The last wrapped words of long names, just above the column numbers.
                    wrapped = 0
                    while (
                        wrapped < 3
                        and end + wrapped < len(printed)
                        and not any(c.isdigit() for w in printed[end + wrapped] for c in w.text)
                        and _close(printed[end + wrapped - 1 : end + wrapped + 1])
                    ):
                        wrapped += 1
                    if not wrapped or end + wrapped >= len(printed):
                        break
                    if not _is_numbering(printed[end + wrapped]):
                        break
                    end += wrapped + 1
                return end, found
    return None


def _named(header: list[Column]) -> int:
    return sum(column.named for column in header)


def _known(header: list[Column]) -> list[Column]:
    return [column for column in header if not is_unnamed(column.name)]


# Vietnamese invoices number their columns under the header: `A  B  C  1  2  3=1x2`.
_NUMBERING = re.compile(r"(?:\(?(?:[A-Z]|\d{1,2})\)?|[=x×*+-])+")


# What OCR adds to or makes of a column number: the stub of a rule read after its digit
# (`1.`, `1_`, `1-`), and two neighbouring cells read as one word (`1.2`).
_STUBS = "._-|"
_GLUED = re.compile(r"(\d{1,2})[.,](\d{1,2})")


def _labels(text: str) -> list[str]:
    """The column numbers a word reads as: none, one, or two glued ones."""
    text = text.rstrip(_STUBS) or text
    glued = _GLUED.fullmatch(text)
    if glued and int(glued[2]) == int(glued[1]) + 1:
        return [glued[1], glued[2]]
    return [text] if _NUMBERING.fullmatch(text) else []


def _is_numbering(words: list[Word]) -> bool:
    """Column numbers count through the columns (`1 2 3 4 5 6=4x5`, `A B C`); a row of
    figures that repeat (`1 1 1 1 1`, a one-unit line) is the first line item."""
    labels: list[str] = []
    rest: list[Word] = []
    for word in words:
        found = _labels(word.text)
        labels.extend(found)
        if not found:
            rest.append(word)
    # A wrapped header word can share the row's band (`GTGT` ending `Thuế suất`): a word
    # of letters alone is tolerated when the numbers count up 1, 2, 3 without it. So is
    # one short cell OCR could not read (`S]` for an italic `5`), where the count skips it.
    unreadable = [word for word in rest if not word.text.isalpha()]
    if rest and (
        len(rest) > 2
        or len(unreadable) > 1
        or any(len(word.text) > 3 for word in unreadable)
        or not _counts_up(labels, skips=len(unreadable))
    ):
        return False
    return len(labels) >= 3 and len({label.strip("()") for label in labels}) >= 3


def _counts_up(labels: list[str], *, skips: int = 0) -> bool:
    """Whether the labels' leading numbers go up one at a time, missing at most `skips`."""
    leading = [re.match(r"\(?(\d+)", label) for label in labels]
    values = [int(match.group(1)) for match in leading if match is not None]
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    return (
        len(values) >= 3
        and all(step in (1, 2) for step in steps)
        and sum(step == 2 for step in steps) <= skips
    )


def _under_headings(words: list[Word], header: list[Column], figures: frozenset[str]) -> bool:
    """A row whose words all sit under headings no lexicon names (`Số` / `TT`) or over
    columns of numbers (`Thành tiền` / `chưa thuế GTGT`, centred and wider than the first
    line): the wrapped ends of those headings, not a cell's first line, which sits under
    a column of words."""
    return all(
        any(
            (is_unnamed(c.name) or c.name in figures)
            and c.x0 - 2 <= (w.bbox[0] + w.bbox[2]) / 2 <= c.x1 + 2
            for c in header
        )
        for w in words
    )


def _is_gloss(words: list[Word]) -> bool:
    """A row of bilingual glosses under the header: `(Unit)`, `(Unit price)`."""
    return all(word.text.startswith("(") or word.text.endswith(")") for word in words)


def _close(band: list[list[Word]]) -> bool:
    """Rows near enough to be one header wrapped over lines."""
    for upper, lower in zip(band, band[1:], strict=False):
        height = max(word.height for word in upper)
        gap = min(w.bbox[1] for w in lower) - max(w.bbox[3] for w in upper)
        if gap > 0.8 * height:
            return False
    return True


def _columns(band: list[list[Word]], patterns: dict[str, re.Pattern[str]]) -> list[Column]:
    """Header words grouped into columns by horizontal extent, each group named by the most
    specific pattern its text matches; a group naming two columns (headers printed too close
    together) is split where the second name starts."""
    order = {id(word): (index, word.bbox[0]) for index, row in enumerate(band) for word in row}
    groups = _groups([word for row in band for word in row])
    result: list[Column] = []
    for group in groups:
        in_reading_order = sorted(group, key=lambda word: order[id(word)])
        text = fold(" ".join(word.text for word in in_reading_order))
        x0 = min(word.bbox[0] for word in group)
        x1 = max(word.bbox[2] for word in group)
        matches: list[tuple[int, int, str]] = []
        remaining = text
        for name, pattern in patterns.items():
            match = pattern.search(remaining)
            if match is None:
                continue
            matches.append((match.start(), match.end(), name))
            blank = " " * (match.end() - match.start())
            remaining = remaining[: match.start()] + blank + remaining[match.end() :]
        if not matches:
            if any(char.isalpha() for char in text):
                result.append(Column(f"{UNNAMED}{x0:.0f}", x0, x1, 0))
            continue
        matches.sort()
        width = max(len(text), 1)
        for index, (start, stop, name) in enumerate(matches):
            left = x0 + (x1 - x0) * start / width if index else x0
            end = matches[index + 1][0] if index + 1 < len(matches) else width
            right = x0 + (x1 - x0) * end / width if index + 1 < len(matches) else x1
            result.append(Column(name, left, right, stop - start))
    # Two columns answering to one name (`ITEM` and `DESCRIPTION`): the name goes to the
    # one that states it more fully; the other stays a column, so its values (item codes)
    # are not read into the first one's cells.
    named: dict[str, Column] = {}
    others: list[Column] = []
    for column in result:
        kept = named.get(column.name)
        if kept is None:
            named[column.name] = column
            continue
        weaker, named[column.name] = (kept, column) if column.named > kept.named else (column, kept)
        others.append(Column(OTHER, weaker.x0, weaker.x1, 0))
    return sorted([*named.values(), *others], key=lambda column: column.x0)


def _groups(words: list[Word]) -> list[list[Word]]:
    """Words whose boxes overlap horizontally, or sit a word space apart, are one column."""
    groups: list[tuple[float, float, list[Word]]] = []
    for word in sorted(words, key=lambda w: w.bbox[0]):
        space = 0.6 * max(word.height, 1.0)
        if groups and word.bbox[0] <= groups[-1][1] + space:
            x0, x1, members = groups[-1]
            members.append(word)
            groups[-1] = (x0, max(x1, word.bbox[2]), members)
        else:
            groups.append((word.bbox[0], word.bbox[2], [word]))
    return [members for _, _, members in groups]


_FIGURE = re.compile(r"[\d.,]*\d")
_PERCENTAGE = re.compile(r"\d{1,2}(?:[.,]\d+)?\s*%")


def _figures(cells: dict[str, list[Word]], key: str) -> set[str]:
    """The columns other than `key` holding a number. A wrapped line of a row repeats none
    of its row's figures: a line repeating two of them (quantity and price) starts a row."""
    return {
        name
        for name, words in cells.items()
        if name != key and any(_FIGURE.fullmatch(word.text) for word in words)
    }


def _group_figures(group: list[list[Word]], header: list[Column], key: str) -> set[str]:
    if not group:
        return set()
    return _figures(_assign([word for line in group for word in line], header, 0).cells, key)


def _is_repeated_header(text: str, columns: dict[str, re.Pattern[str]], minimum: int) -> bool:
    return sum(1 for pattern in columns.values() if pattern.search(text)) >= minimum


def _assign(words: list[Word], header: list[Column], page: int) -> TableRow:
    """Each word to the column it overlaps most; one overlapping none goes to the nearest.
    Columns are widened to the midpoints between neighbours, since values are often wider
    than their column's name."""
    bounds: list[tuple[float, float]] = []
    for index, column in enumerate(header):
        left = (header[index - 1].x1 + column.x0) / 2 if index else float("-inf")
        right = (column.x1 + header[index + 1].x0) / 2 if index + 1 < len(header) else float("inf")
        bounds.append((left, right))
    row = TableRow(page)
    for word in words:
        best, best_overlap = None, 0.0
        for column, (left, right) in zip(header, bounds, strict=True):
            overlap = min(right, word.bbox[2]) - max(left, word.bbox[0])
            if overlap > best_overlap:
                best, best_overlap = column, overlap
        if best is None:
            centre = (word.bbox[0] + word.bbox[2]) / 2
            best = min(header, key=lambda column: abs((column.x0 + column.x1) / 2 - centre))
        row.cells.setdefault(best.name, []).append(word)
    return row
