"""Invoice parties and header as layouts the tuned generator never printed them, built word by
word: a grid of labels with one value column per party, a block whose address comes after its
tax id, an issuer named only in the footer, a buyer block naming a person and an organisation,
bilingual glosses inside the date, a company name that folds into `VAT`."""

from __future__ import annotations

from extractors.fields.invoice import InvoiceExtractor
from tests.support.pages import Rows, placed_document


def _fields(rows: Rows, language: str) -> dict[str, object]:
    return InvoiceExtractor().extract(placed_document(rows, language)).fields


_TABLE: Rows = [
    (
        300,
        [(40, "STT"), (80, "Tên hàng"), (330, "Số lượng"), (400, "Đơn giá"), (480, "Thành tiền")],
    ),
    (316, [(40, "1"), (80, "Giấy in A4"), (340, "10"), (400, "100.000"), (480, "1.000.000")]),
    (340, [(300, "Cộng tiền hàng:"), (480, "1.000.000")]),
    (352, [(300, "Thuế suất GTGT: 10%")]),
    (364, [(300, "Tiền thuế GTGT:"), (480, "100.000")]),
    (376, [(300, "Tổng tiền thanh toán:"), (480, "1.100.000")]),
]


def test_a_party_grid_gives_each_party_the_values_in_its_own_column() -> None:
    # The address cells of both parties sit close enough that the reader joins them into
    # one line; each word still starts in its party's column.
    rows: Rows = [
        (30, [(40, "HÓA ĐƠN GTGT"), (360, "Ký hiệu: 1C26TAA")]),
        (46, [(40, "Ngày (Date) 07 tháng (month) 04 năm (year) 2026"), (360, "Số: 0071715")]),
        (80, [(130, "Bên bán (Seller)"), (250, "Bên mua (Buyer)")]),
        (96, [(40, "Tên đơn vị"), (130, "CÔNG TY TNHH AN PHÁT"), (250, "Công ty CP Bình Minh")]),
        (112, [(40, "Mã số thuế"), (130, "0101243150"), (250, "0100109106")]),
        (128, [(40, "Đ/c"), (130, "Số 5 phố Huế, phường Hai"), (250, "Số 9 Lê Duẩn,")]),
        (140, [(130, "Bà Trưng, Hà Nội"), (250, "Đà Nẵng")]),
        *_TABLE,
    ]
    document = placed_document(rows, "vi")
    assert any(line.text == "Số 5 phố Huế, phường Hai Số 9 Lê Duẩn," for line in document.lines)
    fields = InvoiceExtractor().extract(document).fields
    assert fields["seller"] == {
        "name": "CÔNG TY TNHH AN PHÁT",
        "tax_id": "0101243150",
        "address": "Số 5 phố Huế, phường Hai Bà Trưng, Hà Nội",
        "bank_account": None,
    }
    assert fields["buyer"] == {
        "name": "Công ty CP Bình Minh",
        "tax_id": "0100109106",
        "address": "Số 9 Lê Duẩn, Đà Nẵng",
        "bank_account": None,
    }
    assert fields["issue_date"] == "2026-04-07"


def test_side_by_side_blocks_with_their_own_labels_are_no_grid() -> None:
    rows: Rows = [
        (30, [(40, "HÓA ĐƠN GTGT"), (360, "Ký hiệu: 1C26TAA")]),
        (46, [(40, "Ngày 05 tháng 03 năm 2026"), (360, "Số: 0077287")]),
        (80, [(40, "Người bán"), (310, "Đơn vị mua hàng")]),
        (94, [(40, "CHI NHÁNH CÔNG TY CỔ PHẦN SÀI GÒN"), (310, "TRƯỜNG TIỂU HỌC HÒA BÌNH")]),
        (108, [(40, "GÒN TẠI HÀ NỘI"), (310, "Mã số thuế: 0100109106")]),
        (122, [(40, "Mã số thuế: 0101243150-005"), (310, "Địa chỉ: Số 9 Lê Duẩn, Đà Nẵng")]),
        (136, [(40, "Địa chỉ: Số 5 phố Huế, Hà Nội")]),
        *_TABLE,
    ]
    fields = _fields(rows, "vi")
    assert fields["seller"]["tax_id"] == "0101243150-005"  # type: ignore[index]
    assert fields["seller"]["address"] == "Số 5 phố Huế, Hà Nội"  # type: ignore[index]
    assert fields["buyer"]["tax_id"] == "0100109106"  # type: ignore[index]
    assert fields["buyer"]["address"] == "Số 9 Lê Duẩn, Đà Nẵng"  # type: ignore[index]


def test_wrapped_addresses_under_side_by_side_blocks_make_no_grid() -> None:
    # The wrapped lines start where each address starts, a column of their own in each block.
    rows: Rows = [
        (30, [(40, "HÓA ĐƠN GTGT"), (360, "Ký hiệu: 1C26TAA")]),
        (46, [(40, "Ngày 05 tháng 03 năm 2026"), (360, "Số: 0077287")]),
        (80, [(40, "Người bán"), (310, "Đơn vị mua hàng")]),
        (94, [(40, "CÔNG TY TNHH KỸ THUẬT AN PHÁT"), (310, "TRƯỜNG TIỂU HỌC HÒA BÌNH")]),
        (108, [(40, "MST: 0101243150"), (310, "MST: 0100109106")]),
        (122, [(40, "Địa chỉ: Số 5 phố Huế,"), (310, "Địa chỉ: Số 9 đường Lê Duẩn,")]),
        (134, [(81, "phường Hai Bà Trưng,"), (348, "quận Hải Châu,")]),
        (146, [(81, "thành phố Hà Nội"), (348, "thành phố Đà Nẵng")]),
        *_TABLE,
    ]
    fields = _fields(rows, "vi")
    assert fields["seller"] == {
        "name": "CÔNG TY TNHH KỸ THUẬT AN PHÁT",
        "tax_id": "0101243150",
        "address": "Số 5 phố Huế, phường Hai Bà Trưng, thành phố Hà Nội",
        "bank_account": None,
    }
    assert fields["buyer"] == {
        "name": "TRƯỜNG TIỂU HỌC HÒA BÌNH",
        "tax_id": "0100109106",
        "address": "Số 9 đường Lê Duẩn, quận Hải Châu, thành phố Đà Nẵng",
        "bank_account": None,
    }


_EN_TABLE: Rows = [
    (300, [(40, "Description"), (330, "Qty"), (400, "Unit Price"), (480, "Amount")]),
    (316, [(40, "Ergonomic keyboard"), (340, "10"), (400, "64.70"), (480, "647.00")]),
    (340, [(300, "Sub-total"), (480, "647.00")]),
    (352, [(300, "GST (9%)"), (480, "58.23")]),
    (364, [(300, "Balance due (SGD)"), (480, "705.23")]),
]


def test_a_foreign_registration_number_and_the_address_under_it() -> None:
    rows: Rows = [
        (30, [(40, "COMMERCIAL INVOICE")]),
        (60, [(40, "Invoice # A05232")]),
        (72, [(40, "Issued: 15 Apr 2026")]),
        (84, [(40, "Due: 29 Apr 2026")]),
        (120, [(40, "Supplier")]),
        (134, [(40, "Tanjong Digital Pte. Ltd.")]),
        (148, [(40, "GST Reg No: 201074458K")]),
        (162, [(40, "71 Ayer Rajah Crescent, #05-18, Singapore 139951")]),
        (190, [(40, "Customer")]),
        (204, [(40, "Kallang Fitness Hub Pte. Ltd.")]),
        (218, [(40, "8 Stadium Walk, #01-04, Singapore 397699")]),
        *_EN_TABLE,
    ]
    extraction = InvoiceExtractor().extract(placed_document(rows, "en"))
    fields = extraction.fields
    assert fields["seller"] == {
        "name": "Tanjong Digital Pte. Ltd.",
        "tax_id": "201074458K",
        "address": "71 Ayer Rajah Crescent, #05-18, Singapore 139951",
        "bank_account": None,
    }
    assert fields["buyer"]["address"] == "8 Stadium Walk, #01-04, Singapore 397699"  # type: ignore[index]
    assert (fields["invoice_number"], fields["issue_date"], fields["due_date"]) == (
        "A05232",
        "2026-04-15",
        "2026-04-29",
    )
    assert fields["total"] == "705.23"


def test_an_issuer_named_only_in_the_footer() -> None:
    rows: Rows = [
        (30, [(40, "TAX INVOICE"), (340, "Invoice Number: A09617")]),
        (44, [(340, "Invoice Date: September 26, 2026")]),
        (80, [(40, "Sold to")]),
        (94, [(40, "Orchard Street Bakery Co.")]),
        (108, [(40, "14 Orchard Street, Portland, OR 97205")]),
        *_EN_TABLE,
        (
            400,
            [(40, "Issued by Summit Peak Software, Inc. · 310 W Adams Street, Chicago, IL 60606")],
        ),
        (414, [(40, "Thank you for your business.")]),
    ]
    fields = _fields(rows, "en")
    assert fields["seller"]["name"] == "Summit Peak Software, Inc."  # type: ignore[index]
    assert fields["seller"]["address"] == "310 W Adams Street, Chicago, IL 60606"  # type: ignore[index]
    assert fields["buyer"]["name"] == "Orchard Street Bakery Co."  # type: ignore[index]


def test_the_buyer_is_the_organisation_not_its_contact_person() -> None:
    rows: Rows = [
        (30, [(40, "HÓA ĐƠN GTGT"), (360, "Ký hiệu: 1C26TAA")]),
        (46, [(40, "Ngày 05 tháng 03 năm 2026"), (360, "Số: 0077287")]),
        (80, [(40, "Tên người bán: CÔNG TY TNHH AN PHÁT")]),
        (94, [(40, "Mã số thuế: 0101243150")]),
        (120, [(40, "Người mua hàng: Đặng Hồng Thanh")]),
        (134, [(40, "Tên đơn vị: TRƯỜNG TIỂU HỌC HÒA BÌNH")]),
        (148, [(40, "Mã số thuế: 0100109106")]),
        (162, [(40, "Hình thức TT: TM")]),
        *_TABLE,
    ]
    fields = _fields(rows, "vi")
    assert fields["buyer"]["name"] == "TRƯỜNG TIỂU HỌC HÒA BÌNH"  # type: ignore[index]
    assert fields["payment_method"] == "cash"


def test_a_company_name_folding_into_vat_is_no_vat_amount() -> None:
    # `VẬT TƯ` (supplies) reads `VAT TU` without its diacritics.
    rows: Rows = [
        (30, [(40, "CÔNG TY TNHH VẬT TƯ Y TẾ AN PHÁT")]),
        (44, [(40, "Mã số thuế: 0101243150")]),
        (60, [(200, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG"), (400, "Ký hiệu: 1C26TAA")]),
        (74, [(200, "Ngày 20 tháng 06 năm 2026"), (400, "Số: 00000452")]),
        (100, [(40, "Tên đơn vị: CÔNG TY CP BÌNH MINH")]),
        *_TABLE,
        (420, [(330, "Ký bởi: CÔNG TY TNHH VẬT TƯ Y TẾ AN PHÁT")]),
        (432, [(330, "Ký ngày: 20/06/2026")]),
    ]
    fields = _fields(rows, "vi")
    assert fields["vat_amount"] == "100000"


def test_a_tax_code_printed_one_digit_per_box_after_a_wrapped_label() -> None:
    boxes = [(60 + 32 * index, char) for index, char in enumerate("6190483995-009")]
    rows: Rows = [
        (30, [(0, "Tên người bán: CHI NHÁNH CÔNG TY CỔ PHẦN AN PHÁT"), (400, "HÓA ĐƠN GTGT")]),
        (50, [(0, "Mã số"), *boxes]),
        (62, [(0, "thuế:")]),
        (76, [(0, "Địa chỉ: Số 5 phố Huế, Hà Nội"), (400, "Ký hiệu: 1K26TYY")]),
        (90, [(400, "Số: 0095635")]),
        (104, [(0, "Tên đơn vị: CÔNG TY CP BÌNH MINH")]),
        *_TABLE,
    ]
    fields = _fields(rows, "vi")
    assert fields["seller"]["tax_id"] == "6190483995-009"  # type: ignore[index]
    assert fields["buyer"]["tax_id"] is None  # type: ignore[index]


def test_a_letterhead_name_whose_legal_form_wrapped_is_read_whole() -> None:
    rows: Rows = [
        (20, [(300, "Thistle Data Services")]),
        (32, [(343, "Ltd")]),  # centred under the name
        (46, [(265, "40 George Street, Edinburgh EH2 2LE")]),
        (80, [(40, "INVOICE")]),
        (100, [(40, "Invoice No: INV-96817")]),
        (112, [(40, "Date: 31 January 2026")]),
        (140, [(40, "Bill to: Pennine Office Supplies Ltd")]),
        *_EN_TABLE,
    ]
    fields = _fields(rows, "en")
    assert fields["seller"]["name"] == "Thistle Data Services Ltd"  # type: ignore[index]
    assert fields["seller"]["address"] == "40 George Street, Edinburgh EH2 2LE"  # type: ignore[index]


def test_a_series_cell_placed_away_from_its_label_is_still_the_series() -> None:
    rows: Rows = [
        (0, [(330, "Mẫu số (Form):")]),
        (12, [(330, "1")]),
        (24, [(0, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG")]),
        (40, [(330, "Ký hiệu:")]),
        (52, [(0, "Ngày 16 tháng 09 năm 2026"), (218, "K26TAB")]),
        (66, [(330, "Số: 0021791")]),
        (90, [(0, "Tên người bán: CÔNG TY CỔ PHẦN AN PHÁT")]),
        (102, [(0, "MST: 0101243150")]),
        *_TABLE,
    ]
    fields = _fields(rows, "vi")
    assert (fields["invoice_form"], fields["invoice_series"]) == ("1", "K26TAB")


def test_a_number_cell_placed_away_from_its_empty_label_is_still_the_number() -> None:
    rows: Rows = [
        (0, [(2, "Ký hiệu hóa đơn:"), (218, "1C26TAA")]),
        (14, [(2, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG (VAT"), (218, "0080661")]),
        (31, [(2, "INVOICE) Số:")]),
        (48, [(0, "Ngày lập: 27/08/2026")]),
        (61, [(0, "Tên người bán: CÔNG TY CỔ PHẦN AN PHÁT")]),
        (74, [(0, "Mã số thuế: 0101243150")]),
        *_TABLE,
    ]
    assert _fields(rows, "vi")["invoice_number"] == "0080661"


def test_a_speck_before_a_grid_label_leaves_the_grid_whole() -> None:
    """A scan's cell border read as `-` before one label (`- Mã số thuế`) set that row's
    label further left than the others: the grid was not recognised and the seller's tax
    code went to the buyer. Where a label's text starts is what counts."""
    rows: Rows = [
        (30, [(40, "HÓA ĐƠN GTGT"), (360, "Ký hiệu: 1C26TAA")]),
        (46, [(40, "Ngày (Date) 07 tháng (month) 04 năm (year) 2026"), (360, "Số: 0071715")]),
        (80, [(130, "Bên bán (Seller)"), (250, "Bên mua (Buyer)")]),
        (96, [(40, "Tên đơn vị"), (130, "CÔNG TY TNHH AN PHÁT"), (250, "Công ty CP Bình Minh")]),
        (112, [(32, "- Mã số thuế"), (130, "0101243150"), (250, "0100109106")]),
        (128, [(40, "Đ/c"), (130, "Số 5 phố Huế, Hà Nội"), (250, "Số 9 Lê Duẩn, Đà Nẵng")]),
        *_TABLE,
    ]
    fields = _fields(rows, "vi")
    assert fields["seller"]["tax_id"] == "0101243150"  # type: ignore[index]
    assert fields["buyer"]["tax_id"] == "0100109106"  # type: ignore[index]
    assert fields["seller"]["address"] == "Số 5 phố Huế, Hà Nội"  # type: ignore[index]


def test_a_series_ocr_split_at_a_space_is_read_whole() -> None:
    rows: Rows = [
        (0, [(0, "CÔNG TY TNHH AN PHÁT"), (330, "Mẫu số (Form): 1")]),
        (12, [(0, "Mã số thuế: 0101243150"), (330, "Ký hiệu (Serial): K26T TM")]),
        (24, [(330, "Số (No.): 2664")]),
        (40, [(0, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG")]),
        (52, [(0, "Ngày 19 tháng 04 năm 2026")]),
        *_TABLE,
    ]
    fields = _fields(rows, "vi")
    assert (fields["invoice_form"], fields["invoice_series"]) == ("1", "K26TTM")
    assert fields["invoice_number"] == "2664"


def _scanned(rows: Rows, language: str) -> dict[str, object]:
    """The fields of the page as OCR would give it: the same words, read from an image."""
    from dataclasses import replace

    from extractors.document import Page, group_lines

    document = placed_document(rows, language)
    words = [replace(word, source="ocr", confidence=0.95) for word in document.pages[0].words]
    document.pages = [Page(1, 595, 842, group_lines(words, 1))]
    return InvoiceExtractor().extract(document).fields


def test_an_issuer_and_address_a_scan_set_apart_by_a_hyphen_are_two_fields() -> None:
    """OCR reads the middle dot between a name and its address as `-`."""
    rows: Rows = [
        (30, [(40, "TAX INVOICE"), (340, "Invoice Number: B20417")]),
        (44, [(340, "Invoice Date: March 3, 2026")]),
        (80, [(40, "Sold to")]),
        (94, [(40, "Harbour Light Books Ltd")]),
        (108, [(40, "7 Quay Street, Bristol BS1 4DJ")]),
        *_EN_TABLE,
        (400, [(40, "Issued by Northwind Tools Ltd - 22 Mill Lane, Leeds LS1 5AB")]),
    ]
    seller = _scanned(rows, "en")["seller"]
    assert seller["name"] == "Northwind Tools Ltd"  # type: ignore[index]
    assert seller["address"] == "22 Mill Lane, Leeds LS1 5AB"  # type: ignore[index]
    # A hyphen inside a name joins its parts: only a street address after it is set apart.
    rows = [*rows[:-1], (400, [(40, "Issued by Northwind Tools Ltd - Leeds Branch 2")])]
    assert _scanned(rows, "en")["seller"]["name"] == "Northwind Tools Ltd - Leeds Branch 2"  # type: ignore[index]
