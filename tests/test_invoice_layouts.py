"""Invoice layouts the generator does not print, built word by word: a letterhead seller
with no label, wrapped names and addresses, signature blocks, bare `Ngày:` dates, and dates
whose order only the document itself can tell."""

from __future__ import annotations

from extractors.document import Page, ParsedDocument, Word, group_lines
from extractors.fields.invoice import InvoiceExtractor


def _document(rows: list[tuple[float, list[tuple[float, str]]]], language: str) -> ParsedDocument:
    words = []
    for top, cells in rows:
        for x0, text in cells:
            x = x0
            for token in text.split():
                words.append(Word(token, (x, top, x + 5 * len(token), top + 10), 1))
                x += 5 * len(token) + 3
    page = Page(1, 595, 842, group_lines(words, 1))
    return ParsedDocument("application/pdf", [page], language=language)  # type: ignore[arg-type]


def test_a_letterhead_seller_with_a_wrapped_address_and_a_signature_block() -> None:
    rows = [
        (30, [(40, "CÔNG TY CỔ PHẦN VẬN TẢI VÀ LOGISTICS TÂN CẢNG")]),
        (42, [(40, "MIỀN BẮC")]),
        (56, [(40, "Mã số thuế: 0101243150")]),
        (68, [(40, "Địa chỉ: Số 175, ngõ 121 đường Nguyễn Thị Minh Khai,")]),
        (80, [(40, "phường Tân Mỹ, Thành phố Hồ Chí Minh")]),
        (110, [(200, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG")]),
        (124, [(230, "Ngày: 10/06/2026")]),
        (140, [(40, "Người mua hàng: Trần Văn An")]),
        (152, [(40, "Mã số thuế: 0312345678")]),
        (
            180,
            [
                (40, "STT"),
                (80, "Tên hàng hóa, dịch vụ"),
                (330, "Số lượng"),
                (400, "Đơn giá"),
                (480, "Thành tiền"),
            ],
        ),
        (
            196,
            [
                (40, "1"),
                (80, "Cước vận chuyển container"),
                (340, "2"),
                (400, "1.500.000"),
                (480, "3.000.000"),
            ],
        ),
        (220, [(40, "Cộng tiền hàng:"), (480, "3.000.000")]),
        (232, [(40, "Thuế suất GTGT: 8%"), (300, "Tiền thuế GTGT:"), (480, "240.000")]),
        (244, [(40, "Tổng cộng tiền thanh toán:"), (480, "3.240.000")]),
        (270, [(60, "Người mua hàng"), (380, "Người bán hàng")]),
        (282, [(40, "(Ký, ghi rõ họ tên)"), (360, "(Ký, đóng dấu, ghi rõ họ tên)")]),
    ]
    fields = InvoiceExtractor().extract(_document(rows, "vi")).fields
    assert fields["seller"] == {
        "name": "CÔNG TY CỔ PHẦN VẬN TẢI VÀ LOGISTICS TÂN CẢNG MIỀN BẮC",
        "tax_id": "0101243150",
        "address": "Số 175, ngõ 121 đường Nguyễn Thị Minh Khai, phường Tân Mỹ, "
        "Thành phố Hồ Chí Minh",
        "bank_account": None,
    }
    assert fields["issue_date"] == "2026-06-10"
    assert fields["total"] == "3240000"


def test_an_english_invoice_writing_the_month_first_says_so_itself() -> None:
    rows = [
        (30, [(40, "INVOICE")]),
        (50, [(40, "Invoice No.: INV-1001")]),
        (62, [(40, "Invoice Date: 04/11/2026")]),
        (74, [(40, "Due Date: 04/25/2026")]),
        (100, [(40, "Description"), (300, "Qty"), (380, "Unit Price"), (480, "Amount")]),
        (116, [(40, "Consulting"), (305, "1"), (380, "100.00"), (480, "100.00")]),
        (140, [(380, "Total:"), (480, "100.00")]),
    ]
    fields = InvoiceExtractor().extract(_document(rows, "en")).fields
    assert fields["issue_date"] == "2026-04-11"
    assert fields["due_date"] == "2026-04-25"


def test_a_bare_vat_column_of_rates_gives_each_line_its_rate() -> None:
    rows = [
        (30, [(40, "INVOICE")]),
        (50, [(40, "Invoice No.: 2026-2808")]),
        (
            100,
            [(40, "Description"), (320, "Qty"), (365, "Unit price"), (432, "VAT"), (494, "Amount")],
        ),
        (
            116,
            [
                (40, "Annual support plan"),
                (336, "4"),
                (384, "294.09"),
                (432, "20%"),
                (512, "1,176.36"),
            ],
        ),
        (140, [(380, "Total:"), (512, "1,411.63")]),
    ]
    [item] = InvoiceExtractor().extract(_document(rows, "en")).fields["line_items"]
    assert (item["unit_price"], item["vat_rate"], item["amount"]) == ("294.09", "20", "1176.36")
