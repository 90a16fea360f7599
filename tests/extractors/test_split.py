"""A file holding several documents (a stack of papers scanned into one PDF) gives one record
per document, in page order, each naming its pages of the file; a document of several pages
stays one record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractors.document import Page, ParsedDocument
from extractors.limits import ReadLimits
from extractors.record import Record
from extractors.service import extract_file, extract_parts
from extractors.split import Part, part_document
from tests.docgen import catalogue
from tests.docgen.common import _Pdf

LIMITS = ReadLimits()


def _parts(path: Path) -> list[Record]:
    return extract_parts(path, limits=LIMITS)


@pytest.mark.parametrize("seed", [1, 7, 13, 21])
def test_a_stack_gives_one_record_per_document_in_page_order(tmp_path: Path, seed: int) -> None:
    made = catalogue.stack(seed)
    path = tmp_path / "stack.pdf"
    path.write_bytes(made.content)

    records = _parts(path)

    assert [(r.doc_type, r.source.part.pages if r.source.part else None) for r in records] == [
        (part.document.doc_type, list(range(part.first_page, part.last_page + 1)))
        for part in made.parts
    ]
    count = len(made.parts)
    whole = extract_file(path, limits=LIMITS).source
    for index, record in enumerate(records, start=1):
        assert record.source.part is not None
        assert (record.source.part.index, record.source.part.count) == (index, count)
        # The file's identity and page count, whichever part.
        assert (record.source.filename, record.source.sha256) == ("stack.pdf", whole.sha256)
        assert record.source.pages == made.parts[-1].last_page


def test_a_part_s_positions_are_pages_of_the_file(tmp_path: Path) -> None:
    made = catalogue.stack(3)
    path = tmp_path / "stack.pdf"
    path.write_bytes(made.content)

    records = _parts(path)

    assert len(records) == len(made.parts) and made.parts[-1].first_page > 1
    for record, part in zip(records, made.parts, strict=True):
        pages = {provenance.page for provenance in record.provenance.values()}
        assert pages, record.doc_type
        assert pages <= set(range(part.first_page, part.last_page + 1))
        assert part.first_page in pages


def test_a_part_read_again_alone_gives_the_same_record(tmp_path: Path) -> None:
    """A reviewer choosing the type of one part has only that part read again."""
    made = catalogue.stack(3)
    path = tmp_path / "stack.pdf"
    path.write_bytes(made.content)
    last = _parts(path)[-1]
    assert last.source.part is not None

    again = extract_file(path, limits=LIMITS, part=last.source.part)

    assert again.source.part == last.source.part
    assert (again.doc_type, again.fields) == (last.doc_type, last.fields)
    assert again.provenance == last.provenance


def _multi_page_layouts() -> list[tuple[str, int]]:
    found = []
    for layout in catalogue.LAYOUTS:
        for seed in (0, 1):
            pdf = pdfium.PdfDocument(layout.make(seed).content)
            try:
                if len(pdf) > 1:
                    found.append((layout.id, seed))
            finally:
                pdf.close()
    return found


@pytest.mark.parametrize(("layout_id", "seed"), _multi_page_layouts())
def test_a_document_of_several_pages_stays_one(tmp_path: Path, layout_id: str, seed: int) -> None:
    document = catalogue.BY_ID[layout_id].make(seed)
    path = tmp_path / "one.pdf"
    path.write_bytes(document.content)

    records = _parts(path)

    assert len(records) == 1
    assert records[0].source.part is None
    assert records[0].doc_type == document.doc_type


# --- documents drawn page by page ------------------------------------------------------------


def _pdf(pages: list[Callable[[_Pdf], None]]) -> bytes:
    pdf = _Pdf()
    for index, draw in enumerate(pages):
        if index:
            pdf.pdf.add_page()
        draw(pdf)
    return pdf.bytes()


def _invoice_page(
    number: str, rows: range, *, page: str | None, totals: bool
) -> Callable[[_Pdf], None]:
    def draw(pdf: _Pdf) -> None:
        pdf.centre(20, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG", bold=True, size=16)
        pdf.text(20, 32, "Ký hiệu: 1C26TAA")
        pdf.text(140, 32, f"Số: {number}")
        pdf.text(20, 40, "Đơn vị bán hàng: CÔNG TY TNHH THƯƠNG MẠI MINH AN")
        pdf.text(20, 47, "Mã số thuế: 0101243150")
        pdf.text(
            20, 60, "STT   Tên hàng hóa, dịch vụ        ĐVT    Số lượng    Đơn giá    Thành tiền"
        )
        for offset, row in enumerate(rows):
            y = 70 + offset * 8
            pdf.text(
                20, y, f"{row}     Giấy in A4 loại {row}          Ram    2    50.000    100.000"
            )
        if totals:
            y = 70 + len(rows) * 8 + 10
            pdf.text(
                20, y, f"Cộng tiền hàng: {100_000 * len(range(1, rows.stop)):,}".replace(",", ".")
            )
        if page is not None:
            pdf.centre(285, page)

    return draw


def test_a_two_page_invoice_numbered_by_page_stays_one(tmp_path: Path) -> None:
    path = tmp_path / "hd.pdf"
    path.write_bytes(
        _pdf(
            [
                _invoice_page("0000123", range(1, 25), page="Trang 1/2", totals=False),
                _invoice_page("0000123", range(25, 31), page="Trang 2/2", totals=True),
            ]
        )
    )

    records = _parts(path)

    assert [(r.doc_type, r.source.part) for r in records] == [("invoice", None)]


def test_an_invoice_repeating_its_header_on_each_page_stays_one(tmp_path: Path) -> None:
    path = tmp_path / "hd.pdf"
    path.write_bytes(
        _pdf(
            [
                _invoice_page("0000123", range(1, 25), page=None, totals=False),
                _invoice_page("0000123", range(25, 31), page=None, totals=True),
            ]
        )
    )

    assert len(_parts(path)) == 1


def test_two_invoices_of_one_seller_are_two_records(tmp_path: Path) -> None:
    path = tmp_path / "hd.pdf"
    path.write_bytes(
        _pdf(
            [
                _invoice_page("0000123", range(1, 4), page=None, totals=True),
                _invoice_page("0000124", range(1, 3), page=None, totals=True),
            ]
        )
    )

    records = _parts(path)

    assert [(r.doc_type, r.fields["invoice_number"]) for r in records] == [
        ("invoice", "0000123"),
        ("invoice", "0000124"),
    ]


def _note(lines: list[str], *, page: str) -> Callable[[_Pdf], None]:
    def draw(pdf: _Pdf) -> None:
        for index, line in enumerate(lines):
            pdf.text(20, 30 + index * 8, line)
        pdf.text(170, 285, page)

    return draw


_BODY = [
    "Following our meeting of last week, we set out below the points agreed.",
    "The delivery schedule remains as planned and the second batch follows in May.",
    "Please let us know of any change to the quantities before the end of the month.",
]


def test_page_numbering_starting_again_starts_a_document(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(
        _pdf(
            [
                _note(_BODY, page="Page 1 of 2"),
                _note(_BODY[::-1], page="Page 2 of 2"),
                _note(_BODY, page="Page 1 of 1"),
            ]
        )
    )

    records = _parts(path)

    assert [r.source.part.pages if r.source.part else None for r in records] == [[1, 2], [3]]


def test_a_page_s_reading_problem_stays_with_the_part_holding_that_page() -> None:
    pages = [Page(number, 595, 842) for number in (1, 2, 3)]
    problems = ["page 3: OCR timed out after 60 s", "the file's text layer is damaged"]
    document = ParsedDocument("application/pdf", pages, problems=problems)

    assert part_document(document, Part(1, 2)).problems == ["the file's text layer is damaged"]
    assert part_document(document, Part(3, 3)).problems == problems
