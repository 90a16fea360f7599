"""Word (.docx) versions of generated documents, built the way people type them in Word.

The printed page is read back with pdfplumber (not with the project's own reader, so the
fixture does not inherit the reader's mistakes) and retyped: a lone line becomes a paragraph
with its size, weight and centring; two blocks side by side become either a borderless
two-column table or `left<tab>right`, as office staff do both; rows of three or more columns
become a table whose column borders sit where the printed columns start. A page printed as a
sidebar beside a main column (a CV) is not retyped line by line, which would interleave the
two: it becomes a borderless two-cell table or a section in two columns (`w:cols`), the ways
CV templates are built. The Word page is A4 with the printed margins, as for a retyped A4
document.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass
from typing import Any

from tests.docgen.common import GeneratedDocument

# Between two blocks on one printed row: wider than a word space (about 0.3 em).
_COLUMN_GAP_EM = 0.6
_ROW_TOLERANCE = 2.5
_WRAP_TOLERANCE = 3.0  # points between a cell's first line and its wrapped lines
_ALIGNED = 8.0  # points between two starts of what is one printed column
_LINE_STEP = 1.3  # a printed line's height per point of its size
_BLANK = 0.8  # a gap between rows this many sizes taller than a line is a blank
_CELL_PADDING = 5.4  # Word's default left and right cell margins (0.075 inch)


@dataclass
class _Segment:
    text: str
    x0: float
    x1: float
    size: float
    bold: bool
    top: float = 0.0


def _rows(pdf_bytes: bytes) -> list[list[_Segment] | None]:
    """Printed rows, top to bottom, as segments split at column gaps; None marks a page
    break."""
    import pdfplumber

    rows: list[list[_Segment] | None] = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for number, page in enumerate(pdf.pages):
            if number:
                rows.append(None)
            words = page.extract_words(extra_attrs=["size", "fontname"], x_tolerance=1.5)
            lines: list[list[dict[str, Any]]] = []
            for word in sorted(words, key=lambda w: (round(w["bottom"], 0), w["x0"])):
                if lines and abs(lines[-1][0]["bottom"] - word["bottom"]) <= _ROW_TOLERANCE:
                    lines[-1].append(word)
                else:
                    lines.append([word])
            for line in lines:
                line.sort(key=lambda w: w["x0"])
                segments: list[_Segment] = []
                for word in line:
                    bold = "Bold" in word["fontname"]
                    gap = word["x0"] - segments[-1].x1 if segments else 0.0
                    if segments and gap <= _COLUMN_GAP_EM * word["size"]:
                        last = segments[-1]
                        last.text += " " + word["text"]
                        last.x1 = word["x1"]
                        last.size = max(last.size, word["size"])
                        last.bold = last.bold and bold
                    else:
                        segments.append(
                            _Segment(
                                word["text"],
                                word["x0"],
                                word["x1"],
                                word["size"],
                                bold,
                                word["top"],
                            )
                        )
                rows.append(segments)
    return rows


def as_docx(doc: GeneratedDocument, *, sidebar: str | None = None) -> GeneratedDocument:
    """The same document typed in Word (see the module's docstring). A page printed as a
    sidebar beside a main column becomes a two-cell `"table"` or a section in two
    `"columns"`: `sidebar` chooses, else the document's own draw does."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    rng = random.Random(f"docx-{doc.doc_type}-{doc.fields!r}")
    side_by_side_as_table = rng.random() < 0.5
    # A sidebar beside a main column: a two-cell table or a section in two columns, the two
    # ways Word users (and CV templates) build one.
    sidebar_as_columns = rng.random() < 0.5 if sidebar is None else sidebar == "columns"
    word = docx.Document()
    rows = _rows(doc.content)
    margin = min((segment.x0 for row in rows if row for segment in row), default=0.0)
    # Word's text column is narrower than the printed page's: positions scale to it.
    section = word.sections[0]
    # Retyping an A4 document, one sets A4 and its margins, so columns keep their widths.
    section.page_width, section.page_height = Pt(595.0), Pt(842.0)
    section.left_margin = section.right_margin = Pt(max(36.0, margin))
    text_width = (section.page_width - section.left_margin - section.right_margin) / 12700
    scale = min(1.0, text_width / max(1.0, 595.0 - 2 * margin))
    typist = _Typist(scale, side_by_side_as_table)
    pages: list[list[list[_Segment]]] = [[]]
    for row in rows:
        if row is None:
            pages.append([])
        else:
            pages[-1].append(row)
    for number, page in enumerate(pages):
        if number:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        split = _sidebar(page, margin)
        if split is None:
            typist.type(word, page, margin, 595.0 - margin)
            continue
        first, last, gutter = split
        typist.type(word, page[:first], margin, 595.0 - margin)
        left = [[s for s in row if s.x1 < gutter] for row in page[first:last]]
        right = [[s for s in row if s.x0 > gutter] for row in page[first:last]]
        columns = (
            ([row for row in left if row], margin, gutter),
            ([row for row in right if row], gutter, 595.0 - margin),
        )
        if sidebar_as_columns:
            _type_section_columns(word, typist, columns, text_width)
        else:
            _type_sidebar_table(word, typist, columns, scale)
        typist.type(word, page[last:], margin, 595.0 - margin)
    buffer = io.BytesIO()
    word.save(buffer)
    return GeneratedDocument(doc.doc_type, doc.language, buffer.getvalue(), doc.fields, ".docx")


_Column = tuple[list[list[_Segment]], float, float]


def _type_sidebar_table(
    word: Any, typist: _Typist, columns: tuple[_Column, ...], scale: float
) -> None:
    """One borderless row of two cells, each as wide as its printed column."""
    from docx.shared import Pt

    table = word.add_table(rows=1, cols=len(columns))
    table.autofit = False
    for index, (column_rows, x0, x1) in enumerate(columns):
        width = Pt((x1 - x0) * scale)
        table.columns[index].width = width
        cell = table.rows[0].cells[index]
        cell.width = width
        typist.type(cell, column_rows, x0, x1)
        # A new cell holds one empty paragraph; the typed text replaces it.
        if len(cell._element) > 2:  # noqa: SLF001 - python-docx exposes no way to remove it
            empty = cell.paragraphs[0]._element  # noqa: SLF001
            if not "".join(empty.itertext()):
                cell._element.remove(empty)  # noqa: SLF001


def _type_section_columns(
    word: Any, typist: _Typist, columns: tuple[_Column, ...], text_width: float
) -> None:
    """A continuous section in unequal columns (`w:cols`), a column break between them."""
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    word.add_section(WD_SECTION.CONTINUOUS)
    sentinel = word.sections[-1]._sectPr  # noqa: SLF001 - python-docx has no columns API
    # The template's section already has a (one-column) `w:cols`, in its schema place.
    cols = sentinel.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        sentinel.append(cols)
    spans = [x1 - x0 for _, x0, x1 in columns]
    gap = 18.0
    widths = [(text_width - gap) * span / sum(spans) for span in spans]
    cols.set(qn("w:num"), str(len(columns)))
    cols.set(qn("w:space"), str(round(gap * 20)))
    cols.set(qn("w:equalWidth"), "0")
    for width in widths:
        col = OxmlElement("w:col")
        col.set(qn("w:w"), str(round(width * 20)))
        col.set(qn("w:space"), str(round(gap * 20)))
        cols.append(col)
    for index, (column_rows, x0, x1) in enumerate(columns):
        if index:
            word.add_paragraph().add_run().add_break(WD_BREAK.COLUMN)
        typist.type(word, column_rows, x0, x1)
    word.add_section(WD_SECTION.CONTINUOUS)
    sentinel = word.sections[-1]._sectPr  # noqa: SLF001
    for old in sentinel.findall(qn("w:cols")):
        old.set(qn("w:num"), "1")
        old.attrib.pop(qn("w:equalWidth"), None)
        for col in list(old):
            old.remove(col)


def _sidebar(page: list[list[_Segment]], margin: float) -> tuple[int, int, float] | None:
    """Rows `first:last` of a page printed as two columns side by side (a CV's sidebar and
    main column), and the x of the gutter between them: a run of most of the page's rows, down
    to its foot, that no segment crosses, with many lines on each side that have nothing
    beside them (a table's cells or a header's two blocks stand side by side line by line)."""
    best: tuple[int, int, float] | None = None
    for gutter in range(int(margin) + 80, int(595 - margin) - 80, 2):
        first = 0
        for index in range(len(page) + 1):
            crossing = index == len(page) or any(
                s.x0 - 4 <= gutter <= s.x1 + 4 for s in page[index]
            )
            if not crossing:
                continue
            run = page[first:index]
            lefts = sum(1 for row in run if all(s.x1 < gutter for s in row))
            rights = sum(1 for row in run if all(s.x0 > gutter for s in row))
            if (
                len(run) >= 8
                and len(run) * 2 >= len(page)
                # the columns run down to the page's foot (a footer may cross them)
                and index >= len(page) - 2
                and min(lefts, rights) >= max(3, len(run) / 4)
                and _column_edge(run, gutter, left_side=True)
                and _column_edge(run, gutter, left_side=False)
                and (best is None or len(run) > best[1] - best[0])
            ):
                best = (first, index, float(gutter))
            first = index + 1
    if best is None:
        return None
    # The boundary sits where the right column starts (less a cell's padding), not at the
    # first gap found: the sidebar's cell spans up to the main column.
    first, last, _ = best
    start = min(s.x0 for row in page[first:last] for s in row if s.x0 > best[2])
    return first, last, start - 6.0


def _column_edge(run: list[list[_Segment]], gutter: float, *, left_side: bool) -> bool:
    """Most lines on one side of the gutter start at one x, as a column's text does (a
    signature block or a table's cells beside the body's text do not)."""
    starts = [
        min(s.x0 for s in side)
        for row in run
        if (side := [s for s in row if (s.x1 < gutter) == left_side])
    ]
    if not starts:
        return False
    common = max(sum(1 for x in starts if abs(x - start) <= 2.0) for start in starts)
    return common >= 0.7 * len(starts)


class _Typist:
    """Types printed rows into a Word container (the body, a cell, a column) spanning
    x0..x1 of the printed page."""

    def __init__(self, scale: float, side_by_side_as_table: bool) -> None:
        self.scale = scale
        self.side_by_side_as_table = side_by_side_as_table

    def type(self, target: Any, rows: list[list[_Segment]], x0: float, x1: float) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Pt

        def at(x: float) -> Any:
            return Pt((x - x0) * self.scale)

        def paragraph(segment: _Segment) -> None:
            para = target.add_paragraph()
            run = para.add_run(segment.text)
            run.font.size = Pt(round(segment.size))
            run.bold = segment.bold
            centre = (segment.x0 + segment.x1) / 2
            if abs(centre - (x0 + x1) / 2) < 15 and segment.x0 - x0 > 100:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif segment.x0 - x0 > 100 and segment.x1 >= x1 - 8:
                # A block flush with the right margin (a letterhead, a date): right-aligned.
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif segment.x0 - x0 > 200:  # a block printed on the right: indented to it
                para.paragraph_format.left_indent = at(segment.x0)

        def fill(cell: Any, segment: _Segment | None) -> None:
            cell.text = ""
            if segment is not None:
                run = cell.paragraphs[0].add_run(segment.text)
                run.font.size = Pt(round(segment.size))
                run.bold = segment.bold

        right = max((segment.x1 for row in rows for segment in row), default=x1)
        index = 0
        while index < len(rows):
            row = rows[index]
            if index:
                # A blank printed between blocks (parties, then the items table) is space
                # after the paragraph above, as a typist sets it, not an empty line.
                above = rows[index - 1]
                gap = row[0].top - above[0].top - _LINE_STEP * max(s.size for s in above)
                last = _last_block(target)
                if gap > _BLANK * row[0].size and last is not None and last.tag == qn("w:p"):
                    spacing = last.get_or_add_pPr().get_or_add_spacing()
                    spacing.set(qn("w:after"), str(round(gap * self.scale * 20)))
            if len(row) >= 3:
                # A table: this row's segments are its columns; following rows of the table
                # (including a wrapped description alone in one column) fill cells by
                # position.
                anchors = [(segment.x0, segment.x1) for segment in row]
                table = target.add_table(rows=0, cols=len(anchors))
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                # Column borders dragged to where the printed columns start.
                table.autofit = False
                edges = [left for left, _ in anchors[1:]] + [max(x1, anchors[-1][1])]
                for column, (left, _) in enumerate(anchors):
                    table.columns[column].width = Pt(max(12.0, edges[column] - left) * self.scale)
                # Each cell's text of the current table row: a wrapped line of a cell is
                # aligned with it.
                starts: dict[int, _Segment] = {}
                while index < len(rows):
                    current = rows[index]
                    if len(current) >= 3 or (table.rows and _on_columns(anchors, current)):
                        if table.rows and len(current) >= len(anchors) + 2:
                            # Columns this table does not have: the next table (the line
                            # items under a grid of party details) starts here. One column
                            # more is this table's, under two headings printed touching.
                            break
                        cells = table.add_row().cells
                        placed: dict[int, _Segment] = {}
                        for segment in current:
                            column = _nearest(anchors, segment)
                            if column in placed:
                                placed[column].text += " " + segment.text
                            else:
                                placed[column] = segment
                        # A value running across the columns to its right (an address
                        # beside its label) is one cell merged over them.
                        for column, segment in placed.items():
                            end = column
                            while (
                                end + 1 < len(anchors)
                                and end + 1 not in placed
                                and anchors[end + 1][0] < segment.x1
                            ):
                                end += 1
                            if end > column:
                                cells[column].merge(cells[end])
                        cells = table.rows[-1].cells
                        for column, cell in enumerate(cells):
                            if column in placed or all(
                                cell._tc is not cells[c]._tc
                                for c in placed  # noqa: SLF001
                            ):
                                fill(cell, placed.get(column))
                        starts = dict(placed)
                    elif (
                        table.rows
                        and (_continues(anchors, current) or _continues_values(anchors, current))
                        and (columns := _wrapped(starts, current)) is not None
                    ):
                        # Wrapped text, of one cell or of several at once (side-by-side
                        # party blocks): in Word it is the same cell, wrapping on its own.
                        for segment, column in zip(current, columns, strict=True):
                            cell = table.rows[-1].cells[column]
                            cell.paragraphs[0].add_run(" " + segment.text)
                    else:
                        break
                    index += 1
                continue
            if len(row) == 2 and self.side_by_side_as_table:
                table = target.add_table(rows=0, cols=2)
                table.autofit = False
                # The border between the cells a cell's padding left of where the right
                # block starts, when the gap leaves room: a typist drags it there so the
                # block's text sits where it was printed and keeps its line (a reference
                # flush with the margin). A narrow gap (`(1)` and a party) keeps it at
                # the block, or the left cell's text would not fit.
                wide = row[1].x0 - row[0].x1 > 3 * _CELL_PADDING
                border = max(x0 + 12.0, row[1].x0 - (_CELL_PADDING if wide else 0.0))
                table.columns[0].width = Pt((border - x0) * self.scale)
                table.columns[1].width = Pt(max(12.0, x1 - border) * self.scale)
                # Rows whose right block starts elsewhere (a "Bill to" block under an
                # invoice number) are the next table, with its own border.
                while (
                    index < len(rows)
                    and len(current := rows[index]) == 2
                    and abs(current[1].x0 - row[1].x0) <= _ALIGNED
                ):
                    cells = table.add_row().cells
                    fill(cells[0], current[0])
                    fill(cells[1], current[1])
                    index += 1
                continue
            if len(row) >= 2:
                para = target.add_paragraph()
                if row[0].x0 - x0 > 40:  # the first column is not at the margin: tab to it
                    para.paragraph_format.tab_stops.add_tab_stop(at(row[0].x0))
                    para.add_run("\t")
                for position, segment in enumerate(row):
                    if position:
                        # A tab stop where the column is printed, as a typist sets one.
                        para.paragraph_format.tab_stops.add_tab_stop(at(segment.x0))
                        para.add_run("\t")
                    run = para.add_run(segment.text)
                    run.font.size = Pt(round(segment.size))
                    run.bold = segment.bold
            else:
                # A paragraph the printer wrapped is typed as one: Word wraps it again.
                segment, last = row[0], row[0]
                while index + 1 < len(rows) and _wraps_onto(last, rows[index + 1], right):
                    index += 1
                    last = rows[index][0]
                    segment = _Segment(
                        f"{segment.text} {last.text}",
                        segment.x0,
                        max(segment.x1, last.x1),
                        segment.size,
                        segment.bold,
                        segment.top,
                    )
                paragraph(segment)
            index += 1


def _last_block(target: Any) -> Any:
    """The last paragraph or table typed into a document, a cell or a column, if any."""
    from docx.oxml.ns import qn

    element = target._element  # noqa: SLF001 - python-docx exposes no block list
    if element.tag == qn("w:document"):
        element = element.body
    blocks = [child for child in element if child.tag in (qn("w:p"), qn("w:tbl"))]
    return blocks[-1] if blocks else None


def _wraps_onto(line: _Segment, row: list[_Segment], right: float) -> bool:
    """`row` goes on with the paragraph `line` ends: one segment at the same margin, in the
    same type, on the next line, after a full line that its first word would not have fitted
    on before the block's right edge (why the printer broke the line there)."""
    if len(row) != 1:
        return False
    after = row[0]
    if _LINE_OF_ITS_OWN.match(after.text):
        return False
    first = after.text.split(" ")[0]
    first_width = (after.x1 - after.x0) * len(first) / max(1, len(after.text))
    return (
        abs(after.x0 - line.x0) <= 1.5
        and after.size == line.size
        and after.bold == line.bold
        and 0 < after.top - line.top <= 1.6 * line.size
        # a full line: a short one ended its paragraph, whatever the next word's length
        and line.x1 - line.x0 >= 0.85 * (right - line.x0)
        and line.x1 + 0.3 * line.size + first_width > right - 1.0
    )


# A label (`Đại diện:`), a bullet or a dash starts a line of its own, never a wrapped one.
_LINE_OF_ITS_OWN = re.compile(r"[-–•+*·]|[^:]{1,30}:(\s|$)")


def _on_columns(anchors: list[tuple[float, float]], row: list[_Segment]) -> bool:
    """Fewer segments than columns, each starting where a column starts, the first in the
    first column: a row of the table with some cells spanning several columns."""
    return (
        len(row) >= 2
        and all(
            any(abs(segment.x0 - left) <= _WRAP_TOLERANCE for left, _ in anchors) for segment in row
        )
        and abs(row[0].x0 - anchors[0][0]) <= _WRAP_TOLERANCE
    )


def _continues(anchors: list[tuple[float, float]], row: list[_Segment]) -> bool:
    """One segment right of the first column: perhaps a wrapped line of a cell."""
    return len(row) == 1 and row[0].x0 > anchors[0][1]


def _continues_values(anchors: list[tuple[float, float]], row: list[_Segment]) -> bool:
    """Segments that are the wrapped ends of the previous row's value cells: inside the
    table, fewer than its columns, none in the first (label) column, none a label."""
    return (
        1 < len(row) < len(anchors)
        and all(_inside(anchors, segment) for segment in row)
        and all(_nearest(anchors, segment) != 0 for segment in row)
        # a label starts a row of its own (`Due Date:` under `Invoice Date:`)
        and not any(segment.text.rstrip().endswith(":") for segment in row)
    )


def _wrapped(starts: dict[int, _Segment], row: list[_Segment]) -> list[int] | None:
    """The cell of the row above each segment continues: one holding text that the
    segment is aligned with (left, centred or right), as a wrapped line is; None when a
    segment continues none (totals printed under the last line item's figures). A
    heading centred over a left-aligned column does not say where its cells are."""
    columns = []
    for segment in row:
        column = next((column for column, cell in starts.items() if _aligned(cell, segment)), None)
        if column is None:
            return None
        columns.append(column)
    return columns


def _aligned(cell: _Segment, segment: _Segment) -> bool:
    return (
        abs(cell.x0 - segment.x0) <= _WRAP_TOLERANCE
        or abs(cell.x1 - segment.x1) <= _WRAP_TOLERANCE
        or abs((cell.x0 + cell.x1) - (segment.x0 + segment.x1)) <= 2 * _WRAP_TOLERANCE
    )


def _nearest(anchors: list[tuple[float, float]], segment: _Segment) -> int:
    """The column whose header overlaps the segment most, else the closest by centre."""
    best, best_overlap = 0, 0.0
    for column, (left, right) in enumerate(anchors):
        overlap = min(right, segment.x1) - max(left, segment.x0)
        if overlap > best_overlap:
            best, best_overlap = column, overlap
    if best_overlap > 0:
        return best
    centre = (segment.x0 + segment.x1) / 2
    return min(
        range(len(anchors)),
        key=lambda column: abs((anchors[column][0] + anchors[column][1]) / 2 - centre),
    )


def _inside(anchors: list[tuple[float, float]], segment: _Segment) -> bool:
    """A segment within one inner column of the table: the wrapped part of a cell."""
    return (
        any(left - 5 <= segment.x0 and segment.x1 <= right + 60 for left, right in anchors[1:])
        and segment.x0 > anchors[0][1]
    )
