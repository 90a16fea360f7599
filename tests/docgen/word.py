"""Word (.docx) versions of generated documents, built the way people type them in Word.

The printed page is read back with pdfplumber (not with the project's own reader, so the
fixture does not inherit the reader's mistakes) and retyped: a lone line becomes a paragraph
with its size, weight and centring; two blocks side by side become either a borderless
two-column table or `left<tab>right`, as office staff do both; rows of three or more columns
become a table whose cells follow the header's columns.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from typing import Any

from tests.docgen.common import GeneratedDocument

# Between two blocks on one printed row: wider than a word space (about 0.3 em).
_COLUMN_GAP_EM = 0.6
_ROW_TOLERANCE = 2.5
_WRAP_TOLERANCE = 3.0  # points between a cell's first line and its wrapped lines


@dataclass
class _Segment:
    text: str
    x0: float
    x1: float
    size: float
    bold: bool


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
                            _Segment(word["text"], word["x0"], word["x1"], word["size"], bold)
                        )
                rows.append(segments)
    return rows


def as_docx(doc: GeneratedDocument) -> GeneratedDocument:
    """The same document typed in Word (see the module's docstring)."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    rng = random.Random(f"docx-{doc.doc_type}-{doc.fields!r}")
    side_by_side_as_table = rng.random() < 0.5
    word = docx.Document()
    page_centre = 297.6

    def paragraph(segment: _Segment, container: Any = None) -> None:
        target = container if container is not None else word
        para = target.add_paragraph()
        run = para.add_run(segment.text)
        run.font.size = Pt(round(segment.size))
        run.bold = segment.bold
        centre = (segment.x0 + segment.x1) / 2
        if abs(centre - page_centre) < 15 and segment.x0 > 100:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif segment.x0 - margin > 200:  # a block printed on the right: indented to it
            para.paragraph_format.left_indent = at(segment.x0)

    def fill(cell: Any, segment: _Segment | None) -> None:
        cell.text = ""
        if segment is not None:
            run = cell.paragraphs[0].add_run(segment.text)
            run.font.size = Pt(round(segment.size))
            run.bold = segment.bold

    rows = _rows(doc.content)
    margin = min((segment.x0 for row in rows if row for segment in row), default=0.0)
    # Word's text column is narrower than the printed page's: positions scale to it.
    section = word.sections[0]
    text_width = (section.page_width - section.left_margin - section.right_margin) / 12700
    scale = min(1.0, text_width / max(1.0, 595.0 - 2 * margin))

    def at(x: float) -> Any:
        return Pt((x - margin) * scale)

    index = 0
    while index < len(rows):
        row = rows[index]
        if row is None:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            index += 1
            continue
        if len(row) >= 3:
            # A table: this row's segments are its columns; following rows of the table
            # (including a wrapped description alone in one column) fill cells by position.
            anchors = [(segment.x0, segment.x1) for segment in row]
            table = word.add_table(rows=0, cols=len(anchors))
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            # Each cell's text of the current table row: a wrapped line of a cell is
            # aligned with it.
            starts: dict[int, _Segment] = {}
            while index < len(rows) and (current := rows[index]) is not None:
                if len(current) >= 3:
                    if table.rows and len(current) >= len(anchors) + 2:
                        # Columns this table does not have: the next table (the line items
                        # under a grid of party details) starts here. One column more is
                        # this table's, under two headings printed touching.
                        break
                    cells = table.add_row().cells
                    placed: dict[int, _Segment] = {}
                    for segment in current:
                        column = _nearest(anchors, segment)
                        if column in placed:
                            placed[column].text += " " + segment.text
                        else:
                            placed[column] = segment
                    for column, cell in enumerate(cells):
                        fill(cell, placed.get(column))
                    starts = dict(placed)
                elif (
                    table.rows
                    and (_continues(anchors, current) or _continues_values(anchors, current))
                    and (columns := _wrapped(starts, current)) is not None
                ):
                    # Wrapped text, of one cell or of several at once (side-by-side party
                    # blocks): in Word it is the same cell, wrapping on its own.
                    for segment, column in zip(current, columns, strict=True):
                        cell = table.rows[-1].cells[column]
                        cell.paragraphs[0].add_run(" " + segment.text)
                else:
                    break
                index += 1
            continue
        if len(row) == 2 and side_by_side_as_table:
            table = word.add_table(rows=0, cols=2)
            while index < len(rows) and (current := rows[index]) is not None and len(current) == 2:
                cells = table.add_row().cells
                fill(cells[0], current[0])
                fill(cells[1], current[1])
                index += 1
            continue
        if len(row) >= 2:
            para = word.add_paragraph()
            if row[0].x0 - margin > 40:  # the first column is not at the margin: tab to it
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
            paragraph(row[0])
        index += 1
    buffer = io.BytesIO()
    word.save(buffer)
    return GeneratedDocument(doc.doc_type, doc.language, buffer.getvalue(), doc.fields, ".docx")


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
