"""Word files (DOCX): the body, headers, footers, tables and text boxes, laid out on a page.

DOCX has no page geometry of its own, but it states enough to rebuild a faithful one: table
grid widths (so a table cell sits where the author put it, several paragraphs stacked inside
it), tab stops (Word's default every half inch, so `Label:<tab>value` keeps the value to the
right of its label), run sizes (a name in 20 pt stands out as it does on paper) and paragraph
alignment. Extractors then read a Word file with the same geometry they use on a PDF. Such a
page is virtual: provenance from it carries the page and no box.

A DOCX is a ZIP archive: sizes are checked from the archive's directory before anything is
decompressed (a zip bomb expands thousands of times), and a ZIP that is not a Word file is
`unsupported_type`.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import docx

from extractors.document import Line, Page, ParsedDocument, Word
from extractors.errors import ExtractionError
from extractors.limits import ReadLimits
from extractors.normalize import clean_text
from extractors.readers.base import ClosingReader

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_EMU = 12700.0  # DrawingML lengths per point
_BOX_INSET = 7.2  # a text box's default inner margin (0.1 inch) on the left and right
_TAB_STOP = 36.0  # Word's default tab stops: every half inch
_DEFAULT_SIZE = 11.0
_PAGE_WIDTH = 523.0  # A4 less Word's default margins, when the file states none
_MAX_EXPANSION = 200  # a real document.xml compresses about 10x; bombs thousands of times
_MAX_DEPTH = 8  # tables nested deeper than this are read as text, not laid out


class DocxReader(ClosingReader):
    name = "docx"
    media_types = frozenset({"application/zip"})

    def read(self, path: Path, *, limits: ReadLimits) -> ParsedDocument:
        _check_archive(path, limits)
        try:
            document = docx.Document(str(path))
        except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on bad files
            raise ExtractionError("corrupt_file", f"not a readable Word file ({exc})") from exc
        width = _content_width(document)
        layout = _Layout(_default_size(document), _page_margins(document))
        headers, footers = _margins(document)
        top = 0.0
        for container in headers:
            top = layout.blocks(_block_children(container), 0.0, width, top, depth=0)
        layout.body_top = top
        for blocks, properties in _sections(document.element.body):
            top = layout.section(blocks, _columns(properties, width), top)
        for container in footers:
            top = layout.blocks(_block_children(container), 0.0, width, top, depth=0)
        page = Page(
            number=1,
            width=max(width, max((line.bbox[2] for line in layout.lines), default=0.0)),
            height=max(top, 1.0),
            # Reading order as on a PDF page: top to bottom, then left to right.
            lines=sorted(layout.lines, key=lambda line: (line.bbox[1], line.bbox[0])),
            notes=["virtual_layout"],
        )
        return ParsedDocument(
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            pages=[page],
        )


class _Layout:
    """Places paragraphs and tables top to bottom within a horizontal span."""

    def __init__(self, default_size: float, margins: tuple[float, float] = (0.0, 0.0)) -> None:
        self.default_size = default_size
        self.left_margin, self.top_margin = margins
        self.body_top = 0.0
        self.lines: list[Line] = []

    def section(self, blocks: list[Any], columns: list[tuple[float, float]], top: float) -> float:
        """A section's blocks in its columns (`w:cols`): each column starts at the
        section's top; text moves to the next column at a column break or, with none, where
        Word would balance the columns of a continuous section."""
        if len(columns) < 2:
            return self.blocks(blocks, columns[0][0], columns[0][1], top, depth=0)
        chunks = _column_chunks(blocks, len(columns))
        if len(chunks) == 1:
            chunks = self._balanced(blocks, columns)
        bottom = top
        for chunk, (x0, x1) in zip(chunks, columns, strict=False):
            bottom = max(bottom, self.blocks(chunk, x0, x1, top, depth=0))
        # More breaks than columns: the rest starts a new row of columns, below.
        for chunk in chunks[len(columns) :]:
            bottom = self.blocks(chunk, columns[0][0], columns[0][1], bottom, depth=0)
        return bottom

    def _balanced(self, blocks: list[Any], columns: list[tuple[float, float]]) -> list[list[Any]]:
        heights = []
        for block in blocks:
            scratch = _Layout(self.default_size)
            heights.append(scratch.blocks([block], columns[0][0], columns[0][1], 0.0, depth=0))
        share = sum(heights) / len(columns)
        chunks: list[list[Any]] = [[]]
        filled = 0.0
        for block, height in zip(blocks, heights, strict=True):
            if chunks[-1] and filled + height / 2 > share and len(chunks) < len(columns):
                chunks.append([])
                filled = 0.0
            chunks[-1].append(block)
            filled += height
        return chunks

    def blocks(
        self, elements: Iterable[Any], x0: float, x1: float, top: float, depth: int
    ) -> float:
        # Tables with nothing between them are one table to Word (it joins them) and to
        # the eye: the column borders of the rows met so far, by their number of cells.
        stacked: dict[int, list[tuple[float, float]]] = {}
        for element in elements:
            if element.tag == f"{_W}p":
                stacked = {}
                top = self.paragraph(element, x0, x1, top, depth)
            elif element.tag == f"{_W}tbl":
                top = self.table(element, x0, x1, top, depth, stacked)
        return top

    def paragraph(self, element: Any, x0: float, x1: float, top: float, depth: int) -> float:
        size = _paragraph_size(element, self.default_size)
        align = _attribute(element.find(f"{_W}pPr/{_W}jc"), "val") or "left"
        stops = _tab_stops(element)
        indent = element.find(f"{_W}pPr/{_W}ind")
        left = max(_twips(indent, "left"), _twips(indent, "start"))
        right = max(_twips(indent, "right"), _twips(indent, "end"))
        # A hanging indent starts the first line left of the rest (`Label: value` with the
        # value's wrapped lines under the value); a first-line indent, right of them.
        first = _twips(indent, "firstLine") - _twips(indent, "hanging")
        span_left = x0
        # An indent leaves at least 40 pt of text, or all a narrower cell has.
        x1 = max(x1 - right, x0 + min(40.0, x1 - x0))
        x0 = min(x0 + left, max(x0, x1 - 40.0))  # an indent never pushes text off the span
        first_x0 = min(max(span_left, x0 + first), max(span_left, x1 - 40.0))
        spacing = element.find(f"{_W}pPr/{_W}spacing")
        top += _twips(spacing, "before")
        paragraph_top = top
        for row in _paragraph_text(element).split("\n"):
            segments = [clean_text(part) for part in row.split("\t")]
            if not any(segments):
                continue
            # Word wraps a paragraph at its cell's or page's edge; so does the virtual page,
            # or a long cell would run into its neighbour's column.
            wrapped = (
                _wrap(segments[0], x1 - x0, size, first=x1 - first_x0)
                if len(segments) == 1
                else [segments]
            )
            for number, visual in enumerate(wrapped):
                start = first_x0 if number == 0 else x0
                self.lines.extend(_place(visual, start, x1, top, size, align, stops, fit=depth > 0))
                top += size * 1.3
            first_x0 = x0  # after a break (`w:br`) the line starts at the indent
        # Space after a paragraph keeps what follows apart, as on paper: an address does
        # not run on into the table under it.
        top += _twips(spacing, "after")
        # Text boxes anchored here (a CV's sidebar, a letterhead) sit where their anchor
        # puts them, beside the text that flows on; one inline in the text takes its place.
        for box in _text_boxes(element):
            anchor = _ancestor(box, f"{_WP}anchor")
            if anchor is None:
                top = self.blocks(_block_children(box), x0, x1, top, depth + 1)
                continue
            left, right, box_top = self._anchored(anchor, x0, x1, paragraph_top)
            self.blocks(_block_children(box), left, right, box_top, depth + 1)
        return top

    def _anchored(
        self, anchor: Any, x0: float, x1: float, paragraph_top: float
    ) -> tuple[float, float, float]:
        """The span and top of a floating text box's text, from `wp:positionH/V` and
        `wp:extent`, in the virtual page's coordinates (x from the left margin)."""
        extent = anchor.find(f"{_WP}extent")
        width = _emu(extent, "cx") or (x1 - x0)
        horizontal = anchor.find(f"{_WP}positionH")
        origin = {
            "page": -self.left_margin,
            "leftMargin": -self.left_margin,
            "character": x0,
            "column": x0,
        }.get(_plain(horizontal, "relativeFrom") or "column", 0.0)
        align = _text(horizontal, f"{_WP}align")
        if align in ("right", "outside"):
            left = x1 - width
        elif align == "center":
            left = (x0 + x1 - width) / 2
        elif align in ("left", "inside"):
            left = x0
        else:
            left = origin + _emu_text(horizontal, f"{_WP}posOffset")
        vertical = anchor.find(f"{_WP}positionV")
        base = {
            "page": self.body_top - self.top_margin,
            "topMargin": self.body_top - self.top_margin,
            "paragraph": paragraph_top,
            "line": paragraph_top,
        }.get(_plain(vertical, "relativeFrom") or "paragraph", self.body_top)
        box_top = base + _emu_text(vertical, f"{_WP}posOffset")
        inset = min(_BOX_INSET, width / 4)
        return left + inset, left + width - inset, max(box_top, 0.0)

    def table(
        self,
        element: Any,
        x0: float,
        x1: float,
        top: float,
        depth: int,
        stacked: dict[int, list[tuple[float, float]]] | None = None,
    ) -> float:
        """The table's rows top to bottom, each cell's blocks inside its column. `stacked`
        holds the column borders of the tables just above it, by number of cells, and
        gains this table's."""
        grid = [_twips(col, "w") for col in element.findall(f"{_W}tblGrid/{_W}gridCol")]
        total = sum(grid)
        if depth >= _MAX_DEPTH or total <= 0:
            for row in element.iter(f"{_W}tr"):
                top = self.blocks(_cell_blocks(row), x0, x1, top, depth + 1)
            return top
        above = dict(stacked) if stacked is not None else {}
        # Tables wider than the span are scaled to fit it, as Word's autofit would.
        scale = min(1.0, (x1 - x0) / total)
        starts = [x0 + sum(grid[:index]) * scale for index in range(len(grid) + 1)]
        for row in _rows(element):
            cells: list[tuple[Any, float, float]] = []
            column = 0
            for cell in _cells(row):
                properties = cell.find(f"{_W}tcPr")
                span = int(_attribute(_find(properties, "gridSpan"), "val") or 1)
                end = min(column + span, len(grid))
                cells.append((cell, starts[min(column, len(grid))], starts[end]))
                column = end
            spans = [(left, right) for _, left, right in cells]
            if stacked is not None:
                stacked.setdefault(len(spans), spans)
            # A table typed as pieces (the header one table, the numbered rows another)
            # has its columns dragged a little apart from piece to piece; a row whose every
            # cell lies mostly under the same cell of a row above is in that row's
            # columns, so its values sit under their headings, as a reader sees them.
            reference = above.get(len(spans))
            if reference is not None and _corresponds(spans, reference):
                cells = [
                    (cell, left, right)
                    for (cell, _, _), (left, right) in zip(cells, reference, strict=True)
                ]
            bottom = top
            for cell, left, right in cells:
                merge = _find(cell.find(f"{_W}tcPr"), "vMerge")
                if merge is not None and _attribute(merge, "val") != "restart":
                    continue  # the cell above holds the merged text
                cell_bottom = self.blocks(
                    _block_children(cell), left + 2.0, max(right - 2.0, left + 4.0), top, depth + 1
                )
                bottom = max(bottom, cell_bottom)
            top = max(bottom, top + self.default_size * 1.3)
        return top


def _corresponds(spans: list[tuple[float, float]], reference: list[tuple[float, float]]) -> bool:
    """Whether each cell overlaps the reference row's cell of its rank more than any other."""

    def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
        return min(a[1], b[1]) - max(a[0], b[0])

    return all(
        overlap(span, reference[rank]) > 0
        and all(overlap(span, reference[rank]) >= overlap(span, other) for other in reference)
        for rank, span in enumerate(spans)
    )


def _place(
    segments: list[str],
    x0: float,
    x1: float,
    top: float,
    size: float,
    align: str,
    stops: Sequence[float] = (),
    *,
    fit: bool = False,
) -> list[Line]:
    """One line per tab-separated segment, each starting at the tab stop after the last:
    the paragraph's own stops first (where its author aligned a column), then Word's
    default ones. With `fit`, a line wider than its span (a figure longer than its narrow
    column) is narrowed to it: in Word it stays inside its cell, and spilling over would
    make it touch the next cell's text as if the two were one."""
    char = size * 0.5
    placed: list[tuple[str, float]] = []
    x = x0
    for index, text in enumerate(segments):
        if index:
            own = next((stop for stop in stops if stop > x - x0 + 1.0), None)
            default = _TAB_STOP * math.ceil((x - x0 + 1.0) / _TAB_STOP)
            x = x0 + (own if own is not None else default)
        if text:
            placed.append((text, x))
            x += char * len(text)
    width = x - x0
    if fit and width > x1 - x0 > 0:
        squeeze = (x1 - x0) / width
        char *= squeeze
        placed = [(text, x0 + (start - x0) * squeeze) for text, start in placed]
        width = x1 - x0
    shift = 0.0
    if align == "center":
        shift = max(0.0, (x1 - x0 - width) / 2)
    elif align in ("right", "end"):
        shift = max(0.0, x1 - x0 - width)
    lines = []
    for text, start in placed:
        words = []
        left = start + shift
        for token in text.split(" "):
            right = left + char * len(token)
            words.append(Word(token, (left, top, right, top + size), 1, source="docx"))
            left = right + char
        lines.append(Line(tuple(words), 1))
    return lines


def _tab_stops(paragraph: Any) -> list[float]:
    """The paragraph's own tab stops, in points from its left edge, in order."""
    stops = [
        _twips(tab, "pos")
        for tab in paragraph.findall(f"{_W}pPr/{_W}tabs/{_W}tab")
        if _attribute(tab, "val") not in ("clear", "bar")
    ]
    return sorted(stop for stop in stops if stop > 0)


def _wrap(text: str, width: float, size: float, first: float | None = None) -> list[list[str]]:
    """`text` broken into lines no wider than `width` (`first` for the first line), at
    spaces, as Word breaks them."""
    lines: list[list[str]] = []
    current = ""
    for token in text.split(" "):
        candidate = f"{current} {token}" if current else token
        span = first if first is not None and not lines else width
        limit = max(1, int(span / (size * 0.5)))
        if current and len(candidate) > limit:
            lines.append([current])
            current = token
        else:
            current = candidate
    lines.append([current])
    return lines


def _paragraph_text(element: Any) -> str:
    """Runs' text with tabs and breaks, leaving out text boxes (laid out on their own),
    deleted revisions and the fallback copy Word keeps for old readers."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag
            if tag in (f"{_W}txbxContent", f"{_MC}Fallback", f"{_W}del", f"{_W}pPr", f"{_W}rPr"):
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(element)
    return "".join(parts)


def _text_boxes(paragraph: Any) -> Iterator[Any]:
    seen: set[int] = set()
    for box in paragraph.iter(f"{_W}txbxContent"):
        if any(ancestor.tag == f"{_MC}Fallback" for ancestor in box.iterancestors()):
            continue
        # A text box inside another text box is laid out with its parent.
        if any(ancestor.tag == f"{_W}txbxContent" for ancestor in box.iterancestors()):
            continue
        if id(box) not in seen:
            seen.add(id(box))
            yield box


def _block_children(container: Any) -> Iterator[Any]:
    """Paragraphs and tables in order, looking through content controls."""
    for child in container:
        if child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _block_children(content)
        elif child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child


def _sections(body: Any) -> list[tuple[list[Any], Any]]:
    """The body's blocks by section, each with its properties: a section ends at a
    paragraph holding a `w:sectPr`; the body's own `w:sectPr` is the last one's."""
    sections: list[tuple[list[Any], Any]] = []
    current: list[Any] = []
    for block in _block_children(body):
        current.append(block)
        properties = block.find(f"{_W}pPr/{_W}sectPr") if block.tag == f"{_W}p" else None
        if properties is not None:
            sections.append((current, properties))
            current = []
    sections.append((current, body.find(f"{_W}sectPr")))
    return sections


def _columns(properties: Any, width: float) -> list[tuple[float, float]]:
    """A section's text columns (`w:cols`) as spans of the page's text width: the widths
    given column by column, or equal ones."""
    cols = _find(properties, "cols")
    count = int(_attribute(cols, "num") or 1) if cols is not None else 1
    if count < 2:
        return [(0.0, width)]
    given = [(_twips(col, "w"), _twips(col, "space")) for col in cols.findall(f"{_W}col")]
    if _attribute(cols, "equalWidth") in ("0", "false") and len(given) >= 2 and given[0][0] > 0:
        spans = given
    else:
        space = _twips(cols, "space") if _attribute(cols, "space") else _TAB_STOP
        each = max(1.0, (width - space * (count - 1)) / count)
        spans = [(each, space)] * count
    # Columns wider than the page's text are shrunk to it, as Word does.
    scale = min(1.0, width / max(1.0, sum(w for w, _ in spans) + sum(g for _, g in spans[:-1])))
    columns = []
    x = 0.0
    for column_width, space in spans:
        columns.append((x, x + column_width * scale))
        x += (column_width + space) * scale
    return columns


def _column_chunks(blocks: list[Any], count: int) -> list[list[Any]]:
    """Blocks split after each paragraph that ends its column with a column break."""
    chunks: list[list[Any]] = [[]]
    for block in blocks:
        chunks[-1].append(block)
        if block.tag == f"{_W}p" and any(
            _attribute(br, "type") == "column" for br in block.iter(f"{_W}br")
        ):
            chunks.append([])
    if not chunks[-1] and len(chunks) > 1:
        chunks.pop()
    return chunks


def _ancestor(element: Any, tag: str) -> Any:
    return next((node for node in element.iterancestors() if node.tag == tag), None)


def _plain(element: Any, name: str) -> str | None:
    """An attribute without a namespace, as DrawingML writes them."""
    return None if element is None else element.get(name)


def _text(element: Any, tag: str) -> str | None:
    child = None if element is None else element.find(tag)
    return None if child is None else (child.text or "").strip()


def _emu(element: Any, name: str) -> float:
    try:
        return float(_plain(element, name) or 0) / _EMU
    except ValueError:
        return 0.0


def _emu_text(element: Any, tag: str) -> float:
    try:
        return float(_text(element, tag) or 0) / _EMU
    except ValueError:
        return 0.0


def _page_margins(document: Any) -> tuple[float, float]:
    """The first section's left and top margins: where page-relative positions start."""
    try:
        section = document.sections[0]
        return float(section.left_margin.pt), float(section.top_margin.pt)
    except (IndexError, AttributeError, TypeError):
        return 0.0, 0.0


def _rows(table: Any) -> Iterator[Any]:
    for child in table:
        if child.tag == f"{_W}tr":
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from (row for row in content if row.tag == f"{_W}tr")


def _cells(row: Any) -> Iterator[Any]:
    for child in row:
        if child.tag == f"{_W}tc":
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from (cell for cell in content if cell.tag == f"{_W}tc")


def _cell_blocks(row: Any) -> Iterator[Any]:
    for cell in _cells(row):
        yield from _block_children(cell)


def _paragraph_size(element: Any, default: float) -> float:
    sizes = [
        _half_points(size)
        for run in element.iter(f"{_W}r")
        if (size := run.find(f"{_W}rPr/{_W}sz")) is not None and run.find(f"{_W}t") is not None
    ]
    sizes = [size for size in sizes if size]
    if sizes:
        return max(sizes)
    style_size = element.find(f"{_W}pPr/{_W}rPr/{_W}sz")
    return _half_points(style_size) or default


def _default_size(document: Any) -> float:
    styles = document.styles.element
    size = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}sz")
    return _half_points(size) or _DEFAULT_SIZE


def _content_width(document: Any) -> float:
    try:
        section = document.sections[0]
        width = section.page_width.pt - section.left_margin.pt - section.right_margin.pt
    except (IndexError, AttributeError, TypeError):
        return _PAGE_WIDTH
    return width if width > 50 else _PAGE_WIDTH


def _margins(document: Any) -> tuple[list[Any], list[Any]]:
    """Header and footer parts, each once, however many sections share them."""
    headers: list[Any] = []
    footers: list[Any] = []
    seen: set[int] = set()
    for section in document.sections:
        for part, target in (
            (section.first_page_header, headers),
            (section.header, headers),
            (section.footer, footers),
            (section.first_page_footer, footers),
        ):
            try:
                if part.is_linked_to_previous:
                    continue
                element = part._element  # noqa: SLF001 - python-docx exposes no public handle
            except (AttributeError, KeyError, ValueError):
                continue
            if id(element) not in seen:
                seen.add(id(element))
                target.append(element)
    return headers, footers


def _find(properties: Any, name: str) -> Any:
    return None if properties is None else properties.find(f"{_W}{name}")


def _attribute(element: Any, name: str) -> str | None:
    return None if element is None else element.get(f"{_W}{name}")


def _twips(element: Any, name: str) -> float:
    try:
        return float(_attribute(element, name) or 0) / 20.0
    except ValueError:
        return 0.0


def _half_points(element: Any) -> float:
    try:
        return float(_attribute(element, "val") or 0) / 2.0
    except ValueError:
        return 0.0


def _check_archive(path: Path, limits: ReadLimits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    # zipfile raises NotImplementedError for a directory entry claiming a ZIP version it
    # does not know (damage, not a feature: Word writes 2.0), ValueError or EOFError on
    # other broken headers.
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError) as exc:
        raise ExtractionError("corrupt_file", f"a damaged ZIP archive ({exc})") from exc
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names:
        raise ExtractionError(
            "unsupported_type", "a ZIP archive, not a Word document; send the files inside it"
        )
    expanded = sum(entry.file_size for entry in entries)
    compressed = max(1, sum(entry.compress_size for entry in entries))
    if expanded > limits.max_file_bytes or expanded > _MAX_EXPANSION * compressed:
        raise ExtractionError(
            "too_large",
            f"the Word file expands to {expanded} bytes from {compressed}: refused as a "
            "decompression bomb",
        )
