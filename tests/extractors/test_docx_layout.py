"""Word structures laid out where Word puts them: a CV's sidebar as a two-cell table or as
section columns, floating text boxes at their anchor, nested tables inside their cell."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement, parse_xml
from docx.shared import Pt

from extractors.document import Line
from extractors.limits import ReadLimits
from extractors.readers.docx import DocxReader
from extractors.record import Record
from extractors.service import extract_file
from rules.loader import load_rules
from tests import docgen
from tests.docgen import catalogue

LIMITS = ReadLimits()


def _layout(name: str) -> catalogue.Layout:
    return next(layout for layout in catalogue.LAYOUTS if layout.id.endswith(name))


def _lines(path: Path) -> dict[str, Line]:
    page = DocxReader().read(path, limits=LIMITS).pages[0]
    return {line.text: line for line in page.lines}


@pytest.mark.parametrize("structure", ["table", "columns"])
@pytest.mark.parametrize(
    "name", ["more:en_two_column", "holdout:vi_topcv", "more:vi_right_sidebar"]
)
def test_a_sidebar_cv_typed_in_word_reads_as_its_pdf(
    name: str, structure: str, tmp_path: Path
) -> None:
    doc = _layout(name).make(1)
    word = docgen.as_docx(doc, sidebar=structure)
    record = extract_file(docgen.write(word, tmp_path / "cv.docx"), limits=LIMITS)
    for key in ("full_name", "experience", "education", "skills"):
        assert record.fields[key] == doc.fields[key], key


def _document_with(body_xml: str, tmp_path: Path) -> Path:
    document = docx.Document()
    body = document.element.body
    for element in parse_xml(
        '<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
        ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
        ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"{body_xml}</w:body>"
    ):
        body.insert(len(body) - 1, element)
    path = tmp_path / "made.docx"
    document.save(str(path))
    return path


def _box(x_pt: float, y_pt: float, width_pt: float, text: list[str], relative: str) -> str:
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text)
    emu = 12700
    return (
        '<w:r><w:drawing><wp:anchor behindDoc="0" locked="0" layoutInCell="1"'
        ' allowOverlap="1" simplePos="0" relativeHeight="1" distT="0" distB="0" distL="0"'
        ' distR="0"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="{relative}"><wp:posOffset>{int(x_pt * emu)}'
        "</wp:posOffset></wp:positionH>"
        f'<wp:positionV relativeFrom="{relative}"><wp:posOffset>{int(y_pt * emu)}'
        "</wp:posOffset></wp:positionV>"
        f'<wp:extent cx="{int(width_pt * emu)}" cy="{int(200 * emu)}"/>'
        '<wp:docPr id="1" name="Box"/><a:graphic><a:graphicData'
        ' uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        f"<wps:txbx><w:txbxContent>{paragraphs}</w:txbxContent></wps:txbx><wps:bodyPr/>"
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
    )


def test_a_floating_text_box_sits_at_its_anchor_beside_the_text(tmp_path: Path) -> None:
    sidebar = _box(300, 0, 150, ["CONTACT", "0912 345 678", "SKILLS", "Excel"], "margin")
    main = "".join(
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
        for text in ("EXPERIENCE", "Accountant at Song Han Co.", "2019 - 2024")
    )
    path = _document_with(f"<w:p>{sidebar}<w:r><w:t>Nguyen Van A</w:t></w:r></w:p>{main}", tmp_path)
    lines = _lines(path)
    # The box's text starts at its offset (less its inner margin), from the anchor's top,
    # and does not push the main column down.
    assert lines["CONTACT"].bbox[0] == pytest.approx(307.2, abs=1)
    assert lines["CONTACT"].bbox[1] == pytest.approx(lines["Nguyen Van A"].bbox[1], abs=1)
    assert lines["EXPERIENCE"].bbox[0] < 50
    assert lines["EXPERIENCE"].bbox[1] < lines["SKILLS"].bbox[1]
    assert lines["Accountant at Song Han Co."].bbox[2] < lines["Excel"].bbox[0]


def test_a_box_placed_from_the_page_edge_counts_the_margin(tmp_path: Path) -> None:
    margin = docx.Document().sections[0].left_margin
    assert margin is not None
    left_margin = margin.pt
    box = _box(left_margin + 200, 0, 120, ["Ha Noi, 5 May 2026"], "page")
    lines = _lines(_document_with(f"<w:p>{box}<w:r><w:t>Body</w:t></w:r></w:p>", tmp_path))
    assert lines["Ha Noi, 5 May 2026"].bbox[0] == pytest.approx(207.2, abs=1)


def test_section_columns_start_side_by_side_at_the_section_top(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tran Thi B")
    document.add_section(WD_SECTION.CONTINUOUS)
    cols = document.sections[-1]._sectPr.find(qn("w:cols"))  # noqa: SLF001
    cols.set(qn("w:num"), "2")
    cols.set(qn("w:equalWidth"), "0")
    cols.set(qn("w:space"), "360")
    for width in (2600, 5000):
        col = OxmlElement("w:col")
        col.set(qn("w:w"), str(width))
        col.set(qn("w:space"), "360")
        cols.append(col)
    for text in ("LIÊN HỆ", "0912 345 678", "KỸ NĂNG"):
        document.add_paragraph(text)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.COLUMN)
    for text in ("KINH NGHIỆM", "Kế toán trưởng"):
        document.add_paragraph(text)
    document.add_section(WD_SECTION.CONTINUOUS)
    document.sections[-1]._sectPr.find(qn("w:cols")).set(qn("w:num"), "1")  # noqa: SLF001
    document.add_paragraph("Footer note")
    path = tmp_path / "cols.docx"
    document.save(str(path))
    lines = _lines(path)
    assert lines["KINH NGHIỆM"].bbox[1] == lines["LIÊN HỆ"].bbox[1]
    assert lines["KINH NGHIỆM"].bbox[0] == pytest.approx((2600 + 360) / 20, abs=1)
    assert lines["Kế toán trưởng"].bbox[1] < lines["KỸ NĂNG"].bbox[1]
    assert lines["Footer note"].bbox[1] > lines["KỸ NĂNG"].bbox[1]
    assert lines["Footer note"].bbox[0] == 0


def test_columns_without_a_break_are_balanced(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_section(WD_SECTION.CONTINUOUS)
    document.sections[-1]._sectPr.find(qn("w:cols")).set(qn("w:num"), "2")  # noqa: SLF001
    for number in range(6):
        document.add_paragraph(f"Item {number}")
    path = tmp_path / "balanced.docx"
    document.save(str(path))
    lines = _lines(path)
    assert lines["Item 3"].bbox[1] == lines["Item 0"].bbox[1]
    assert lines["Item 3"].bbox[0] > lines["Item 2"].bbox[2]


def test_a_nested_table_stays_inside_its_cell(tmp_path: Path) -> None:
    document = docx.Document()
    outer = document.add_table(rows=1, cols=2)
    outer.autofit = False
    outer.columns[0].width = Pt(120)
    outer.columns[1].width = Pt(300)
    outer.rows[0].cells[0].text = "CONTACT"
    inner = outer.rows[0].cells[1].add_table(rows=1, cols=2)
    inner.columns[0].width = Pt(200)
    inner.columns[1].width = Pt(90)
    inner.rows[0].cells[0].text = "Song Han Co."
    inner.rows[0].cells[1].text = "2019 - 2024"
    path = tmp_path / "nested.docx"
    document.save(str(path))
    lines = _lines(path)
    assert lines["Song Han Co."].bbox[0] == pytest.approx(124, abs=1)
    assert lines["2019 - 2024"].bbox[0] == pytest.approx(324, abs=1)
    assert lines["CONTACT"].bbox[1] == lines["Song Han Co."].bbox[1]


def test_a_hanging_indent_puts_wrapped_lines_under_the_value(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph(
        "Địa chỉ: Số 241 đường Nguyễn Thị Minh Khai, Phường 13, quận Tân Bình, "
        "Thành phố Hồ Chí Minh, Việt Nam"
    )
    paragraph.paragraph_format.left_indent = Pt(60)
    paragraph.paragraph_format.first_line_indent = Pt(-60)
    paragraph.paragraph_format.right_indent = Pt(150)
    path = tmp_path / "hanging.docx"
    document.save(str(path))
    page = DocxReader().read(path, limits=LIMITS).pages[0]
    lefts = [line.bbox[0] for line in page.lines]
    assert len(lefts) >= 2
    assert lefts[0] == 0
    assert all(left == 60 for left in lefts[1:])
    section = docx.Document().sections[0]
    sizes = (section.page_width, section.left_margin, section.right_margin)
    assert all(size is not None for size in sizes)
    width = sizes[0].pt - sizes[1].pt - sizes[2].pt  # type: ignore[union-attr]
    assert max(line.bbox[2] for line in page.lines) <= width - 150 + 5


def test_space_after_a_paragraph_keeps_the_table_under_it_apart(tmp_path: Path) -> None:
    document = docx.Document()
    address = document.add_paragraph("Address: 30 Dien Bien Phu Street, Ho Chi Minh City")
    address.paragraph_format.space_after = Pt(24)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("No.", "Description", "Amount"), strict=True):
        cell.text = text
    path = tmp_path / "spaced.docx"
    document.save(str(path))
    lines = _lines(path)
    # On paper the blank sets the address apart; read as one line step below, the
    # table's first cell would run on into the address.
    step = lines["No."].bbox[1] - lines[address.text].bbox[1]
    assert step >= 24 + (lines[address.text].bbox[3] - lines[address.text].bbox[1])


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("more:en_memo", ("dispatch_number",)),
        ("more:en_side_grid", ("buyer", "issue_date", "invoice_number")),
        ("more:vi_multirate_rules", ("buyer",)),
    ],
)
def test_a_document_typed_in_word_reads_as_its_pdf(
    name: str, keys: tuple[str, ...], tmp_path: Path
) -> None:
    # A reference flush with the margin, a "Bill to" block under the invoice number, an
    # address just above the items table: each once ran into its neighbour in Word.
    for seed in (900, 901):
        doc = _layout(name).make(seed)
        record = extract_file(
            docgen.write(docgen.as_docx(doc), tmp_path / f"{seed}.docx"), limits=LIMITS
        )
        for key in keys:
            assert record.fields[key] == doc.fields[key], (seed, key)


def test_a_price_typed_in_a_table_apart_from_its_heading_is_read_under_it(
    tmp_path: Path,
) -> None:
    # Headings typed as one Word table and the numbered rows as the next, their column
    # borders dragged apart: the prices sat between `Giá bán` and `Thành tiền`, and a
    # row's price and amount were read as one number, `1374900013749000`.
    doc = _layout("more:vi_lexicon_grid").make(900)
    record = extract_file(docgen.write(docgen.as_docx(doc), tmp_path / "inv.docx"), limits=LIMITS)
    assert record.fields["line_items"] == doc.fields["line_items"]
    assert _failing_error_rules(record) == []


def _stacked_tables(tmp_path: Path, *, between: bool) -> dict[str, Line]:
    """A heading row typed as one table and a line item as another right under it (or, with
    `between`, under a paragraph), the item's column borders dragged apart from the
    headings'."""
    document = docx.Document()
    for widths, texts in (
        ((200, 90, 90), ("Description", "Unit price", "Amount")),
        ((200, 130, 50), ("Office chairs", "1.250.000", "2.500.000")),
    ):
        if between and texts[0] == "Office chairs":
            document.add_paragraph("Goods")
        table = document.add_table(rows=1, cols=3)
        table.autofit = False
        for column, (width, text) in enumerate(zip(widths, texts, strict=True)):
            table.columns[column].width = Pt(width)
            table.rows[0].cells[column].width = Pt(width)
            table.rows[0].cells[column].text = text
    path = tmp_path / "stacked.docx"
    document.save(str(path))
    return _lines(path)


def test_tables_with_nothing_between_share_their_columns(tmp_path: Path) -> None:
    lines = _stacked_tables(tmp_path, between=False)
    # Each cell lies mostly under the heading of its rank: it is read in that column.
    assert lines["1.250.000"].bbox[0] == lines["Unit price"].bbox[0]
    assert lines["2.500.000"].bbox[0] == lines["Amount"].bbox[0]
    assert lines["Office chairs"].bbox[0] == lines["Description"].bbox[0]


def test_a_table_after_a_paragraph_keeps_its_own_columns(tmp_path: Path) -> None:
    lines = _stacked_tables(tmp_path, between=True)
    assert lines["2.500.000"].bbox[0] == pytest.approx(lines["Amount"].bbox[0] + 40, abs=1)


def test_a_figure_wider_than_its_cell_stays_inside_it(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    table.autofit = False
    for column, (width, text) in enumerate(
        zip((120, 30, 120), ("Phí bảo trì", "13.749.000", "Ghi chú"), strict=True)
    ):
        table.columns[column].width = Pt(width)
        table.rows[0].cells[column].width = Pt(width)
        table.rows[0].cells[column].text = text
    path = tmp_path / "narrow.docx"
    document.save(str(path))
    lines = _lines(path)
    figure, note = lines["13.749.000"], lines["Ghi chú"]
    # Word keeps it in its column; spilling over, it would touch the next cell's text.
    assert figure.bbox[0] >= 120 and figure.bbox[2] <= 150
    assert figure.bbox[2] < note.bbox[0]


@pytest.mark.parametrize(
    ("name", "seed", "keys"),
    [
        # The title and its date typed as one paragraph too long for a line: the year
        # wraps onto the next line, and the issue date was lost.
        ("more:vi_side_plain", 1300, ("issue_date",)),
        # The items table's headings typed right under the seller/buyer grid: its rows
        # were read as more of the grid, the seller's cells as the buyer's.
        ("more:vi_party_grid", 1300, ("seller", "buyer")),
    ],
)
def test_a_word_invoice_passes_its_rules_as_its_pdf_does(
    name: str, seed: int, keys: tuple[str, ...], tmp_path: Path
) -> None:
    doc = _layout(name).make(seed)
    record = extract_file(docgen.write(docgen.as_docx(doc), tmp_path / "inv.docx"), limits=LIMITS)
    for key in keys:
        assert record.fields[key] == doc.fields[key], key
    assert _failing_error_rules(record) == []


def _failing_error_rules(record: Record) -> list[str]:
    """The `error` rules a clean generated invoice fails: false alarms."""
    outcomes = load_rules().evaluate(record)
    return [o.rule for o in outcomes if o.severity == "error" and not o.passed]
