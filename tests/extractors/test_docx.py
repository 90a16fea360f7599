"""Word files: text in document order, tables kept as rows, zip bombs refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests import docgen
from tests.docgen import catalogue

LIMITS = ReadLimits()


@pytest.mark.parametrize(
    "doc",
    [
        docgen.invoice(1),
        docgen.invoice(2, language="en"),
        docgen.contract(1),
        docgen.cv(2, language="en"),
        docgen.dispatch(3),
    ],
    ids=["invoice-vi", "invoice-en", "contract-vi", "cv-en", "dispatch"],
)
def test_word_files_are_classified_and_read(doc: docgen.GeneratedDocument, tmp_path: Path) -> None:
    path = docgen.write(docgen.as_docx(doc), tmp_path / "doc.docx")
    record = extract_file(path, limits=LIMITS)
    assert record.error is None
    assert record.source.media_type == "application/zip"
    assert record.doc_type == doc.doc_type
    assert record.language == doc.language


def test_a_contract_typed_in_word_yields_its_fields_without_positions(tmp_path: Path) -> None:
    doc = docgen.contract(4)
    record = extract_file(docgen.write(docgen.as_docx(doc), tmp_path / "hd.docx"), limits=LIMITS)
    assert record.fields == doc.fields
    assert all(p.bbox is None for p in record.provenance.values())


def test_invoice_totals_from_a_word_table(tmp_path: Path) -> None:
    doc = docgen.invoice(5)
    record = extract_file(docgen.write(docgen.as_docx(doc), tmp_path / "hd.docx"), limits=LIMITS)
    for key in ("invoice_number", "issue_date", "subtotal", "vat_amount", "total"):
        assert record.fields[key] == doc.fields[key], key


def test_a_zip_bomb_dressed_as_a_word_file_is_refused_unopened(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 50_000_000)
    assert path.stat().st_size < 1_000_000
    record = extract_file(path, limits=LIMITS)
    assert record.error is not None
    assert record.error.code == "too_large"


def test_a_zip_that_is_not_a_word_file_is_unsupported(tmp_path: Path) -> None:
    record = extract_file(docgen.zip_as_pdf(tmp_path / "archive.zip"), limits=LIMITS)
    assert record.error is not None
    assert record.error.code == "unsupported_type"


def _read_docx(word: object, tmp_path: Path) -> list[tuple[float, float, str]]:
    from extractors.readers.docx import DocxReader

    path = tmp_path / "typed.docx"
    word.save(str(path))  # type: ignore[attr-defined]
    document = DocxReader().read(path, limits=LIMITS)
    return [(line.bbox[0], line.bbox[1], line.text) for line in document.lines]


def _at(lines: list[tuple[float, float, str]], text: str) -> tuple[float, float]:
    matches = [(x, top) for x, top, line in lines if line == text]
    assert len(matches) == 1, (text, lines)
    return matches[0]


def test_a_tabbed_label_keeps_its_value_on_its_right(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    word.add_paragraph("Mã số thuế:\t0101243150")
    word.add_paragraph("Địa chỉ:\t\tSố 1 Tràng Tiền, Hà Nội")
    lines = _read_docx(word, tmp_path)
    label_x, label_top = _at(lines, "Mã số thuế:")
    value_x, value_top = _at(lines, "0101243150")
    assert value_top == label_top and value_x > label_x
    address_x, _ = _at(lines, "Số 1 Tràng Tiền, Hà Nội")
    assert address_x > value_x  # two tabs reach a later stop


def test_a_paragraphs_own_tab_stops_and_indent_put_its_columns_where_its_author_did(
    tmp_path: Path,
) -> None:
    """Two blocks side by side typed with a tab stop at the second one's column, and a block
    indented to the right half: they sit where Word shows them, not at the default stops."""
    import docx
    from docx.shared import Pt

    word = docx.Document()
    heading = word.add_paragraph("Seller\tCustomer")
    heading.paragraph_format.tab_stops.add_tab_stop(Pt(270))
    names = word.add_paragraph("Northwind Trading Co.\tHarbor Logistics Pte Ltd")
    names.paragraph_format.tab_stops.add_tab_stop(Pt(270))
    right = word.add_paragraph("Invoice No.: INV-98728")
    right.paragraph_format.left_indent = Pt(300)
    lines = _read_docx(word, tmp_path)
    assert _at(lines, "Customer")[0] == _at(lines, "Harbor Logistics Pte Ltd")[0] == 270
    assert _at(lines, "Invoice No.: INV-98728")[0] == 300


def test_table_cells_sit_side_by_side_with_their_paragraphs_stacked(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    table = word.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.text = "Nguyễn Thị Lan"
    left.add_paragraph("lan@example.com")
    left.add_paragraph("0912 345 678")
    right.text = "KINH NGHIỆM LÀM VIỆC"
    right.add_paragraph("03/2021 – nay | Công ty CP Sao Việt | Kế toán trưởng")
    lines = _read_docx(word, tmp_path)
    name_x, name_top = _at(lines, "Nguyễn Thị Lan")
    email_x, email_top = _at(lines, "lan@example.com")
    phone_x, phone_top = _at(lines, "0912 345 678")
    heading_x, heading_top = _at(lines, "KINH NGHIỆM LÀM VIỆC")
    assert name_x == email_x == phone_x
    assert name_top < email_top < phone_top
    assert heading_top == name_top and heading_x > name_x + 100


def test_merged_cells_are_read_once(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    table = word.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 2))
    merged.text = "BẢNG KÊ HÀNG HÓA"
    for column, text in enumerate(("STT", "Tên hàng", "Thành tiền")):
        table.cell(1, column).text = text
    lines = _read_docx(word, tmp_path)
    assert [text for _, _, text in lines].count("BẢNG KÊ HÀNG HÓA") == 1
    assert _at(lines, "STT")[0] < _at(lines, "Tên hàng")[0] < _at(lines, "Thành tiền")[0]


def test_headers_and_text_boxes_are_read_and_a_fallback_copy_is_not(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    word = docx.Document()
    word.sections[0].header.paragraphs[0].text = "CÔNG TY TNHH AN PHÁT - MST: 0101243150"
    anchor = word.add_paragraph("Kính gửi: Sở Tài chính")
    namespaces = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    )
    box = "<w:txbxContent><w:p><w:r><w:t>Hỏa tốc</w:t></w:r></w:p></w:txbxContent>"
    anchor._p.append(  # noqa: SLF001 - python-docx has no text-box API
        parse_xml(
            f'<w:r {namespaces}><mc:AlternateContent><mc:Choice Requires="wps">{box}'
            f"</mc:Choice><mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    lines = _read_docx(word, tmp_path)
    texts = [text for _, _, text in lines]
    assert texts[0] == "CÔNG TY TNHH AN PHÁT - MST: 0101243150"
    assert texts.count("Hỏa tốc") == 1
    assert "Kính gửi: Sở Tài chính" in texts


def test_a_long_cell_wraps_inside_its_column(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    table = word.add_table(rows=1, cols=3)
    description, unit, amount = table.rows[0].cells
    description.text = "Dịch vụ bảo trì hệ thống máy chủ và thiết bị mạng nội bộ quý III"
    unit.text = "Tháng"
    amount.text = "390.000"
    lines = _read_docx(word, tmp_path)
    unit_x, unit_top = _at(lines, "Tháng")
    cell_lines = [(x, top, text) for x, top, text in lines if x < unit_x and text != "Tháng"]
    assert len(cell_lines) >= 2  # wrapped, as Word shows it
    assert " ".join(text for _, _, text in cell_lines) == description.text
    assert cell_lines[0][1] == unit_top


def test_a_cv_whose_table_cells_wrap_keeps_each_employer_and_school_whole(
    tmp_path: Path,
) -> None:
    """A Word CV's timeline as a table (period | employer | title): a name too long for its
    cell wraps onto the next line of that cell, and is read whole, while the title in the
    next column stays the title."""
    import docx
    from docx.shared import Pt

    word = docx.Document()
    word.add_paragraph("Nguyễn Thị Minh Khai").runs[0].font.size = Pt(20)
    word.add_paragraph("Email: khai.ntm@example.com")
    rows = {
        "WORK EXPERIENCE": [
            ("03/2021 – Present", "Saigon Riverside Logistics Holdings JSC", "Operations Lead"),
            ("07/2016 – 02/2021", "Dong A Trading and Technology Solutions JSC", "Analyst"),
        ],
        "EDUCATION": [("2012 – 2016", "Hanoi University of Science and Technology", "BEng")],
    }
    for heading, entries in rows.items():
        word.add_paragraph(heading)
        table = word.add_table(rows=0, cols=3)
        for period, place, role in entries:
            cells = table.add_row().cells
            for cell, text in zip(cells, (period, place, role), strict=True):
                cell.text = text
                cell.paragraphs[0].runs[0].font.size = Pt(10)
    path = tmp_path / "cv.docx"
    word.save(str(path))
    record = extract_file(path, limits=LIMITS)
    assert record.doc_type == "cv"
    jobs = record.fields["experience"]
    assert [(job["employer"], job["title"]) for job in jobs] == [
        ("Saigon Riverside Logistics Holdings JSC", "Operations Lead"),
        ("Dong A Trading and Technology Solutions JSC", "Analyst"),
    ]
    assert record.fields["education"][0]["institution"] == (
        "Hanoi University of Science and Technology"
    )


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_a_word_invoice_keeps_its_last_line_item_apart_from_the_totals_under_it(
    seed: int, tmp_path: Path
) -> None:
    doc = catalogue.BY_ID["invoice/en/holdout:en_uk"].make(seed)
    record = extract_file(docgen.write(docgen.as_docx(doc), tmp_path / "inv.docx"), limits=LIMITS)
    assert len(record.fields["line_items"]) == len(doc.fields["line_items"])
    last, want = record.fields["line_items"][-1], doc.fields["line_items"][-1]
    assert (last["description"], last["amount"]) == (want["description"], want["amount"])
    for key in ("subtotal", "total"):
        assert record.fields[key] == doc.fields[key], key
