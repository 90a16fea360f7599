"""Invoice layouts the generator does not print, built word by word: a letterhead seller
with no label, wrapped names and addresses, signature blocks, bare `Ngày:` dates, and dates
whose order only the document itself can tell."""

from __future__ import annotations

from extractors.fields.invoice import InvoiceExtractor
from tests.support.pages import placed_document


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
    fields = InvoiceExtractor().extract(placed_document(rows, "vi")).fields
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
    fields = InvoiceExtractor().extract(placed_document(rows, "en")).fields
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
    [item] = InvoiceExtractor().extract(placed_document(rows, "en")).fields["line_items"]
    assert (item["unit_price"], item["vat_rate"], item["amount"]) == ("294.09", "20", "1176.36")


def test_a_centred_letterhead_and_payment_details_under_the_totals_belong_to_the_seller() -> None:
    rows = [
        (30, [(150, "VIET TIEN TECHNOLOGY SOLUTIONS JSC")]),
        (44, [(140, "No. 25 Duy Tan Street, Hanoi, Vietnam")]),
        (58, [(180, "Tax code: 0101243150")]),
        (90, [(260, "INVOICE")]),
        (120, [(40, "Bill to:"), (330, "Invoice No.: VT-2026/0498")]),
        (134, [(40, "Nordlicht Maschinenbau GmbH"), (330, "Date: 11/04/2026")]),
        (148, [(40, "Industriestrasse 12, 70565 Stuttgart, Germany")]),
        (180, [(40, "Description"), (320, "Qty"), (380, "Unit Price"), (480, "Amount")]),
        (196, [(40, "Precision housings"), (330, "10"), (380, "12.50"), (480, "125.00")]),
        (220, [(380, "Total:"), (480, "125.00")]),
        (240, [(40, "Bank account: 0038488694725 - Vietcombank")]),
    ]
    fields = InvoiceExtractor().extract(placed_document(rows, "en")).fields
    assert fields["seller"] == {
        "name": "VIET TIEN TECHNOLOGY SOLUTIONS JSC",
        "tax_id": "0101243150",
        "address": "No. 25 Duy Tan Street, Hanoi, Vietnam",
        "bank_account": "0038488694725",
    }
    assert fields["buyer"]["name"] == "Nordlicht Maschinenbau GmbH"
    assert fields["buyer"]["bank_account"] is None
    assert fields["issue_date"] == "2026-04-11"  # nothing American about it: day first


def test_a_seller_labelled_by_its_name_field() -> None:
    rows = [
        (30, [(40, "Tên người bán: CÔNG TY TNHH THƯƠNG MẠI AN PHÁT")]),
        (44, [(40, "Mã số thuế: 0101243150")]),
        (70, [(40, "Tên người mua: CÔNG TY CỔ PHẦN DƯỢC PHẨM BÌNH MINH")]),
        (84, [(40, "Mã số thuế: 0312345678")]),
    ]
    fields = InvoiceExtractor().extract(placed_document(rows, "vi")).fields
    assert fields["seller"]["name"] == "CÔNG TY TNHH THƯƠNG MẠI AN PHÁT"
    assert fields["seller"]["tax_id"] == "0101243150"
    assert fields["buyer"]["name"] == "CÔNG TY CỔ PHẦN DƯỢC PHẨM BÌNH MINH"
    assert fields["buyer"]["tax_id"] == "0312345678"


def test_an_invoice_number_labelled_without_a_colon_is_read_from_beside_its_label() -> None:
    rows = [
        (30, [(40, "Cascade Print & Design LLC"), (440, "INVOICE")]),
        (60, [(370, "Invoice #"), (530, "2447")]),
        (74, [(370, "Invoice Date"), (495, "Aug 11, 2026")]),
        (100, [(40, "Bill To")]),
        (112, [(40, "Lakeside Dental Partners")]),
    ]
    fields = InvoiceExtractor().extract(placed_document(rows, "en")).fields
    assert fields["invoice_number"] == "2447"
    assert fields["issue_date"] == "2026-08-11"


def test_party_blocks_headed_on_one_row_keep_their_own_tax_codes() -> None:
    """`From` and `Bill To` side by side: each block's `Tax ID` belongs to the heading
    starting nearest to its left, not to whichever heading came first."""
    rows = [
        (30, [(40, "Invoice No.: INV-86457")]),
        (44, [(40, "Invoice Date: 2026-07-15")]),
        (70, [(40, "From"), (260, "Bill To")]),
        (84, [(40, "Harbor Logistics Pte Ltd"), (260, "Greenfield Software Inc.")]),
        (98, [(40, "89 Market Street, Singapore"), (260, "88 King Road, London")]),
        (112, [(40, "Tax ID: 5446168915"), (260, "Tax ID: 4486005457")]),
    ]
    fields = InvoiceExtractor().extract(placed_document(rows, "en")).fields
    assert fields["seller"]["tax_id"] == "5446168915"
    assert fields["buyer"]["tax_id"] == "4486005457"


def test_a_buyer_named_under_an_empty_person_label_loses_the_name_label() -> None:
    rows = [
        (30, [(40, "Tên người bán: CÔNG TY TNHH AN PHÁT")]),
        (44, [(40, "Mã số thuế: 0101243150")]),
        (80, [(40, "Họ tên người mua hàng:")]),
        (94, [(40, "Tên đơn vị: Ngân hàng TMCP Phương Đông - Chi nhánh Thăng Long")]),
        (108, [(40, "Mã số thuế: 1566580016-001")]),
    ]
    fields = InvoiceExtractor().extract(placed_document(rows, "vi")).fields
    assert fields["buyer"]["name"] == "Ngân hàng TMCP Phương Đông - Chi nhánh Thăng Long"
    assert fields["buyer"]["tax_id"] == "1566580016-001"


def test_a_description_wrapping_back_under_the_row_number_is_read_whole() -> None:
    rows = [
        (30, [(40, "Tên người bán: CÔNG TY TNHH AN PHÁT")]),
        (44, [(40, "Mã số thuế: 0101243150")]),
        (
            80,
            [
                (40, "STT"),
                (80, "Tên hàng hóa, dịch vụ"),
                (300, "ĐVT"),
                (360, "Số lượng"),
                (420, "Đơn giá"),
                (490, "Thành tiền"),
            ],
        ),
        (
            96,
            [
                (40, "1"),
                (80, "Cước dịch vụ Internet cáp quang doanh"),
                (300, "Tháng"),
                (370, "6"),
                (420, "1.843.000"),
                (490, "11.058.000"),
            ],
        ),
        (108, [(40, "nghiệp 300Mbps")]),
        (
            124,
            [
                (40, "2"),
                (80, "Ghế xoay văn phòng"),
                (300, "Chiếc"),
                (370, "2"),
                (420, "1.805.000"),
                (490, "3.610.000"),
            ],
        ),
        (150, [(40, "Cộng tiền hàng: 14.668.000")]),
    ]
    items = InvoiceExtractor().extract(placed_document(rows, "vi")).fields["line_items"]
    assert [item["description"] for item in items] == [
        "Cước dịch vụ Internet cáp quang doanh nghiệp 300Mbps",
        "Ghế xoay văn phòng",
    ]
