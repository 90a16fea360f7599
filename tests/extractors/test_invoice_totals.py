"""Invoice totals, rates and references as printed in layouts beyond `Label: value`: a VAT
summary table for several rates, a rate printed beside the VAT label, an order reference with
its prefix, a buyer block headed `Invoice to:`."""

from __future__ import annotations

from dataclasses import replace

from extractors.document import Page, ParsedDocument, group_lines
from extractors.fields.invoice import InvoiceExtractor
from tests.support.pages import placed_document


def test_a_vat_summary_table_gives_the_totals_and_no_single_rate() -> None:
    """Several rates: the summary's last row holds before-VAT, VAT and payable side by side,
    under column headers, not after labels of their own."""
    document = placed_document(
        [
            (100, [(40, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG")]),
            (300, [(170, "Tổng hợp"), (300, "Thành tiền chưa"), (410, "Tiền thuế GTGT"),
                   (485, "Cộng tiền thanh")]),
            (310, [(300, "có thuế GTGT"), (485, "toán")]),
            (326, [(170, "Thuế suất 5%"), (320, "21.092.000"), (410, "1.054.600"),
                   (500, "22.146.600")]),
            (342, [(170, "Thuế suất 8%"), (320, "3.300.000"), (410, "264.000"),
                   (500, "3.564.000")]),
            (358, [(170, "Tổng cộng"), (320, "24.392.000"), (410, "1.318.600"),
                   (500, "25.710.600")]),
        ],
        "vi",
    )  # fmt: skip
    fields = InvoiceExtractor().extract(document).fields
    assert (fields["subtotal"], fields["vat_amount"], fields["total"]) == (
        "24392000",
        "1318600",
        "25710600",
    )
    assert fields["vat_rate"] is None


def test_a_rate_beside_the_vat_label_is_the_rate_not_the_amount() -> None:
    document = placed_document(
        [
            (100, [(40, "INVOICE")]),
            (300, [(360, "Subtotal"), (500, "£7,786.60")]),
            (316, [(360, "VAT @ 20%"), (500, "£1,557.32")]),
            (332, [(360, "Total due"), (500, "£9,343.92")]),
        ],
        "en",
    )
    fields = InvoiceExtractor().extract(document).fields
    assert (fields["vat_amount"], fields["vat_rate"]) == ("1557.32", "20")


def test_an_order_reference_keeps_its_prefix_and_the_buyer_is_under_invoice_to() -> None:
    document = placed_document(
        [
            (40, [(40, "INVOICE")]),
            (120, [(40, "Invoice to:"), (330, "Invoice number: INV-01421")]),
            (134, [(40, "Thistle Data Services Ltd"), (330, "Invoice date: 28 April 2026")]),
            (148, [(40, "40 George Street, Edinburgh EH2 2LE")]),
            (162, [(330, "Your order ref: PO 98496")]),
        ],
        "en",
    )
    fields = InvoiceExtractor().extract(document).fields
    assert fields["po_number"] == "PO 98496"
    assert fields["buyer"]["name"] == "Thistle Data Services Ltd"  # type: ignore[index]


def _scanned(rows: list[tuple[float, list[tuple[float, str]]]]) -> ParsedDocument:
    """The rows as OCR reads them: the same words, from Tesseract, fairly sure of each."""
    printed = placed_document(rows, "en")
    words = [
        replace(word, source="ocr", confidence=0.95)
        for page in printed.pages
        for line in page.lines
        for word in line.words
    ]
    return ParsedDocument("application/pdf", [Page(1, 595, 842, group_lines(words, 1))], "en")


def test_a_scanned_vat_that_lost_its_decimal_point_gets_it_back_when_rate_and_total_agree() -> None:
    rows = [
        (100, [(40, "INVOICE")]),
        (300, [(360, "Subtotal"), (500, "195.00")]),
        (316, [(360, "Sales Tax 5.0%"), (500, "975")]),
        (332, [(360, "TOTAL"), (500, "$204.75")]),
    ]
    fields = InvoiceExtractor().extract(_scanned(rows)).fields
    assert (fields["subtotal"], fields["vat_amount"], fields["total"]) == ("195", "9.75", "204.75")


def test_a_born_digital_vat_that_does_not_add_up_stays_as_printed_for_the_rules() -> None:
    rows = [
        (100, [(40, "INVOICE")]),
        (300, [(360, "Subtotal"), (500, "195.00")]),
        (316, [(360, "Sales Tax 5.0%"), (500, "975")]),
        (332, [(360, "TOTAL"), (500, "$204.75")]),
    ]
    fields = InvoiceExtractor().extract(placed_document(rows, "en")).fields
    assert fields["vat_amount"] == "975"


def test_a_scanned_vat_is_not_rescaled_when_no_rate_confirms_it() -> None:
    rows = [
        (100, [(40, "INVOICE")]),
        (300, [(360, "Subtotal"), (500, "195.00")]),
        (316, [(360, "Sales Tax"), (500, "975")]),
        (332, [(360, "TOTAL"), (500, "$204.75")]),
    ]
    fields = InvoiceExtractor().extract(_scanned(rows)).fields
    assert fields["vat_amount"] == "975"


def test_a_description_joined_from_two_lines_or_led_by_a_stray_figure_is_not_vouched_for() -> None:
    rows = [
        (100, [(40, "INVOICE")]),
        (200, [(40, "Description"), (260, "Quantity"), (340, "Unit Price"), (480, "Amount")]),
        (220, [(40, "Office Chair"), (270, "2"), (350, "70.00"), (480, "140.00")]),
        (240, [(40, "Olive Oil"), (270, "1"), (350, "10.00"), (480, "10.00")]),
        (252, [(40, "delivered in a glass jar")]),
        (272, [(40, "1 Brake cables"), (270, "1"), (350, "100.00"), (480, "100.00")]),
        (300, [(340, "Subtotal"), (480, "250.00")]),
    ]
    extraction = InvoiceExtractor().extract(placed_document(rows, "en"))
    descriptions = [item["description"] for item in extraction.fields["line_items"]]
    assert descriptions == ["Office Chair", "Olive Oil delivered in a glass jar", "1 Brake cables"]
    confidence = extraction.confidence
    assert confidence["line_items[0].description"] >= 0.9
    assert confidence["line_items[1].description"] < 0.9
    assert confidence["line_items[2].description"] < 0.9
    # The figures, which agree, keep their confidence.
    assert confidence["line_items[1].amount"] >= 0.9


def test_a_rate_and_an_amount_on_one_line_give_each_its_own_figure() -> None:
    document = placed_document(
        [
            (100, [(40, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG (VAT INVOICE)")]),
            (300, [(300, "Cộng tiền hàng (Sub total):"), (500, "7.154.000")]),
            (316, [(40, "Thuế suất GTGT (VAT rate): 10% Tiền thuế GTGT (VAT amount): 715.400")]),
            (332, [(300, "Tổng cộng tiền thanh toán (Total payment):"), (500, "7.869.400")]),
        ],
        "vi",
    )
    fields = InvoiceExtractor().extract(document).fields
    assert (fields["subtotal"], fields["vat_rate"], fields["vat_amount"], fields["total"]) == (
        "7154000",
        "10",
        "715400",
        "7869400",
    )


def test_vat_in_a_vietnamese_name_is_not_the_vat_label() -> None:
    """`VẬT TƯ` folds to `VAT TU`: the seller's name in the signature under the totals, and
    the signing date under it, are no VAT amount."""
    document = placed_document(
        [
            (100, [(40, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG")]),
            (300, [(300, "Cộng tiền hàng:"), (500, "151.000.950")]),
            (316, [(40, "Thuế suất GTGT: 5%"), (300, "Tiền thuế GTGT:"), (500, "7.550.048")]),
            (332, [(300, "Tổng cộng tiền thanh toán:"), (500, "158.550.998")]),
            (400, [(320, "Ký bởi: CÔNG TY TNHH VẬT TƯ Y TẾ THIÊN ÂN")]),
            (412, [(320, "Ký ngày: 30/03/2026")]),
        ],
        "vi",
    )
    fields = InvoiceExtractor().extract(document).fields
    assert (fields["vat_amount"], fields["total"]) == ("7550048", "158550998")


def test_english_totals_under_net_total_and_balance_due() -> None:
    document = placed_document(
        [
            (100, [(40, "TAX INVOICE")]),
            (300, [(320, "Net total"), (500, "5,533.86")]),
            (316, [(320, "Sales tax (5%)"), (500, "276.69")]),
            (332, [(320, "Balance due (GBP)"), (500, "5,810.55")]),
        ],
        "en",
    )
    fields = InvoiceExtractor().extract(document).fields
    assert (fields["subtotal"], fields["vat_amount"], fields["total"]) == (
        "5533.86",
        "276.69",
        "5810.55",
    )


def test_amount_due_and_a_total_including_vat() -> None:
    for label in ("Amount due", "Total incl. VAT", "Total due", "Grand total"):
        document = placed_document(
            [
                (100, [(40, "INVOICE")]),
                (300, [(320, "Total excl. VAT"), (500, "1,000.00")]),
                (316, [(320, "VAT 10%"), (500, "100.00")]),
                (332, [(320, label), (500, "1,100.00")]),
            ],
            "en",
        )
        fields = InvoiceExtractor().extract(document).fields
        assert (fields["subtotal"], fields["vat_amount"], fields["total"]) == (
            "1000",
            "100",
            "1100",
        ), label


def test_of_two_figures_labelled_total_the_one_that_adds_up_is_the_total() -> None:
    """A count printed under the totals (`Total quantity: 12`) is labelled like a total but
    is none: subtotal + VAT = total tells the two apart, whatever their order."""
    document = placed_document(
        [
            (100, [(40, "INVOICE")]),
            (300, [(320, "Subtotal"), (500, "1,000.00")]),
            (316, [(320, "VAT 10%"), (500, "100.00")]),
            (332, [(320, "Total"), (500, "1,100.00")]),
            (360, [(40, "Total quantity: 12")]),
        ],
        "en",
    )
    fields = InvoiceExtractor().extract(document).fields
    assert (fields["subtotal"], fields["vat_amount"], fields["total"]) == ("1000", "100", "1100")


def test_a_grid_rule_read_between_a_label_and_its_figure_is_passed_over() -> None:
    """On a scan the rule between a label's cell and its figure's comes out as `|`."""
    document = placed_document(
        [
            (100, [(40, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG")]),
            (300, [(300, "Tổng tiền chưa thuế:"), (453, "|"), (498, "78.812.100")]),
            (316, [(300, "Tổng tiền thuế:"), (453, "|"), (503, "3.940.605")]),
            (332, [(300, "Tổng cộng:"), (453, "|"), (492, "82.752.705")]),
        ],
        "vi",
    )
    fields = InvoiceExtractor().extract(document).fields
    assert (fields["subtotal"], fields["vat_amount"], fields["total"]) == (
        "78812100",
        "3940605",
        "82752705",
    )
