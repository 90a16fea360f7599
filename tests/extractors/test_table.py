"""Tables read by their header's geometry: wrapped header names, wrapped cells, numbers
centred in tall rows, tables continued on the next page."""

from __future__ import annotations

import pytest

from extractors.document import Page, ParsedDocument, Word, group_lines
from extractors.fields.invoice import _COLUMNS
from extractors.fields.table import read_table
from extractors.text import folded_pattern

_TOTALS = folded_pattern(r"cộng tiền hàng|tổng cộng")


def _page(number: int, rows: list[tuple[float, list[tuple[float, str]]]]) -> Page:
    """Rows of (top, [(x0, text)]) in a 10-point font, 5 points per character."""
    words = []
    for top, cells in rows:
        for x0, text in cells:
            x = x0
            for token in text.split():
                words.append(Word(token, (x, top, x + 5 * len(token), top + 10), number))
                x += 5 * len(token) + 3
    return Page(number, 595, 842, group_lines(words, number))


def _read(*pages: Page) -> list[dict[str, str]]:
    document = ParsedDocument("application/pdf", list(pages))
    rows = read_table(document, _COLUMNS, key="amount", is_end=lambda t: bool(_TOTALS.search(t)))
    return [{name: row.text(name) for name in row.cells} for row in rows]


HEADER = [
    (
        100,
        [
            (40, "STT"),
            (80, "Tên hàng"),
            (250, "Đơn vị"),
            (320, "Số lượng"),
            (400, "Đơn giá"),
            (480, "Thành tiền"),
        ],
    ),
    (112, [(80, "hóa, dịch vụ"), (250, "tính")]),
]


def test_a_header_wrapped_over_two_rows_and_a_wrapped_description() -> None:
    rows = [
        *HEADER,
        (
            130,
            [
                (40, "1"),
                (80, "Giấy in A4"),
                (250, "Ram"),
                (330, "19"),
                (400, "346.000"),
                (480, "6.574.000"),
            ],
        ),
        (142, [(80, "Double A")]),
        (
            160,
            [
                (40, "2"),
                (80, "Bàn làm việc"),
                (250, "Chiếc"),
                (330, "2"),
                (400, "838.000"),
                (480, "1.676.000"),
            ],
        ),
        (180, [(80, "Cộng tiền hàng:"), (480, "8.250.000")]),
    ]
    assert _read(_page(1, rows)) == [
        {
            "no": "1",
            "description": "Giấy in A4 Double A",
            "unit": "Ram",
            "quantity": "19",
            "unit_price": "346.000",
            "amount": "6.574.000",
        },
        {
            "no": "2",
            "description": "Bàn làm việc",
            "unit": "Chiếc",
            "quantity": "2",
            "unit_price": "838.000",
            "amount": "1.676.000",
        },
    ]


def test_numbers_centred_in_a_tall_row_take_the_lines_above_them() -> None:
    rows = [
        *HEADER,
        (130, [(80, "Dịch vụ bảo trì")]),
        (
            142,
            [
                (40, "1"),
                (80, "máy chủ"),
                (250, "Tháng"),
                (330, "1"),
                (400, "390.000"),
                (480, "390.000"),
            ],
        ),
        (154, [(80, "và thiết bị mạng")]),
        (172, [(80, "Tổng cộng:"), (480, "390.000")]),
    ]
    [row] = _read(_page(1, rows))
    assert row["description"] == "Dịch vụ bảo trì máy chủ và thiết bị mạng"
    assert row["amount"] == "390.000"


def test_a_table_continues_on_the_next_page_without_its_header() -> None:
    first = _page(
        1,
        [
            *HEADER,
            (
                130,
                [
                    (40, "1"),
                    (80, "Giấy in A4"),
                    (250, "Ram"),
                    (330, "19"),
                    (400, "346.000"),
                    (480, "6.574.000"),
                ],
            ),
        ],
    )
    second = _page(
        2,
        [
            (30, [(40, "CÔNG TY TNHH AN PHÁT"), (400, "Trang 2/2")]),
            (
                60,
                [
                    (40, "2"),
                    (80, "Bàn làm việc"),
                    (250, "Chiếc"),
                    (330, "2"),
                    (400, "838.000"),
                    (480, "1.676.000"),
                ],
            ),
            (80, [(80, "Cộng tiền hàng:"), (480, "8.250.000")]),
        ],
    )
    rows = _read(first, second)
    assert [row["amount"] for row in rows] == ["6.574.000", "1.676.000"]
    assert rows[1]["description"] == "Bàn làm việc"


def test_a_line_above_the_table_is_not_taken_for_a_wrapped_header() -> None:
    rows = [
        (88, [(40, "Hình thức thanh toán: Chuyển khoản, đơn vị tiền tệ VND")]),
        *HEADER,
        (
            130,
            [
                (40, "1"),
                (80, "Giấy in A4"),
                (250, "Ram"),
                (330, "19"),
                (400, "346.000"),
                (480, "6.574.000"),
            ],
        ),
    ]
    [row] = _read(_page(1, rows))
    assert row["description"] == "Giấy in A4" and row["no"] == "1"


def test_the_column_numbering_row_under_a_vietnamese_header_is_not_an_item() -> None:
    rows = [
        *HEADER,
        (124, [(40, "A"), (80, "B"), (250, "C"), (330, "1"), (400, "2"), (480, "3=1x2")]),
        (
            140,
            [
                (40, "1"),
                (80, "Giấy in A4"),
                (250, "Ram"),
                (330, "19"),
                (400, "346.000"),
                (480, "6.574.000"),
            ],
        ),
    ]
    assert [row["amount"] for row in _read(_page(1, rows))] == ["6.574.000"]


@pytest.mark.parametrize(
    "numbers",
    [
        ["1.", "2.", "3.", "4.", "5.", "6=4x5"],  # a rule's stub read after each digit
        ["1_", "2-", "3", "4", "5", "6=4x5"],
        ["1", "2", "3", "4", "S]", "6=4x5"],  # an italic 5 OCR could not read
        ["1.2", "", "3", "4", "5", "6=4x5"],  # two cells read as one word
    ],
)
def test_a_column_numbering_row_misread_by_ocr_is_not_an_item(numbers: list[str]) -> None:
    columns = (40, 80, 250, 330, 400, 480)
    rows = [
        *HEADER,
        (124, [(x, text) for x, text in zip(columns, numbers, strict=True) if text]),
        (
            140,
            [
                (40, "1"),
                (80, "Giấy in A4"),
                (250, "Ram"),
                (330, "19"),
                (400, "346.000"),
                (480, "6.574.000"),
            ],
        ),
    ]
    assert [row["description"] for row in _read(_page(1, rows))] == ["Giấy in A4"]


def test_a_left_aligned_description_under_a_centred_header_keeps_its_first_word() -> None:
    rows = [
        (
            100,
            [
                (40, "STT"),
                (150, "Tên hàng hóa"),
                (330, "Số lượng"),
                (400, "Đơn giá"),
                (480, "Thành tiền"),
            ],
        ),
        (
            120,
            [
                (40, "1"),
                (60, "Phí bảo trì điều hòa trung tâm"),
                (340, "1"),
                (400, "5.000.000"),
                (480, "5.000.000"),
            ],
        ),
        (136, [(40, "2"), (60, "Thay lọc gió"), (340, "4"), (400, "250.000"), (480, "1.000.000")]),
    ]
    assert [row["description"] for row in _read(_page(1, rows))] == [
        "Phí bảo trì điều hòa trung tâm",
        "Thay lọc gió",
    ]


def test_bilingual_glosses_and_a_spaced_numbering_row_belong_to_the_header() -> None:
    rows = [
        (
            100,
            [
                (40, "STT"),
                (80, "Tên hàng hóa"),
                (250, "Đơn vị"),
                (320, "Số lượng"),
                (400, "Đơn giá"),
                (480, "Thành tiền"),
            ],
        ),
        (
            112,
            [
                (40, "(No.)"),
                (80, "(Description)"),
                (250, "tính"),
                (320, "(Quantity)"),
                (400, "(Unit price)"),
                (480, "(Amount)"),
            ],
        ),
        (124, [(250, "(Unit)")]),
        (136, [(40, "1"), (90, "2"), (260, "3"), (330, "4"), (410, "5"), (480, "6 = 4 x 5")]),
        (
            150,
            [
                (40, "1"),
                (80, "Thép cuộn"),
                (250, "Kg"),
                (330, "1.566"),
                (400, "17.100"),
                (480, "26.778.600"),
            ],
        ),
    ]
    assert _read(_page(1, rows)) == [
        {
            "no": "1",
            "description": "Thép cuộn",
            "unit": "Kg",
            "quantity": "1.566",
            "unit_price": "17.100",
            "amount": "26.778.600",
        },
    ]


def _ocr_page(quantity: str, confidence: float, source: str = "ocr") -> Page:
    words = []
    for top, cells in [
        *HEADER,
        (
            130,
            [
                (40, "1"),
                (80, "Giấy in A4"),
                (250, "Ram"),
                (330, quantity),
                (400, "346.000"),
                (480, "6.574.000"),
            ],
        ),
    ]:
        for x0, text in cells:
            x = x0
            for token in text.split():
                sure = confidence if token == quantity and top == 130 else 0.96
                words.append(
                    Word(token, (x, top, x + 5 * len(token), top + 10), 1, sure, source)  # type: ignore[arg-type]
                )
                x += 5 * len(token) + 3
    return Page(1, 595, 842, group_lines(words, 1))


def _line(page: Page) -> dict[str, str | None]:
    from extractors.fields.invoice import _line_items

    (item,) = _line_items(ParsedDocument("application/pdf", [page]), "vi")
    return item.fields


def test_a_smudged_quantity_is_the_one_its_price_and_amount_imply() -> None:
    # OCR read 19 as 5 and doubted it: 6.574.000 / 346.000 = 19 exactly.
    assert _line(_ocr_page("5", 0.4))["quantity"] == "19"


def test_a_quantity_read_with_confidence_or_printed_in_a_text_layer_stays_as_printed() -> None:
    # A line that does not add up is the supplier's, for the rules to flag, not to mend.
    assert _line(_ocr_page("5", 0.97))["quantity"] == "5"
    assert _line(_ocr_page("5", 1.0, source="text_layer"))["quantity"] == "5"


def test_no_quantity_is_implied_when_the_division_is_not_tidy() -> None:
    # 6.574.123 / 346.000 = 19.0004: no whole count of that price makes the amount
    odd = _ocr_page("5", 0.4)
    words = [
        Word("6.574.123", w.bbox, w.page, w.confidence, w.source) if w.text == "6.574.000" else w
        for line in odd.lines
        for w in line.words
    ]
    assert _line(Page(1, 595, 842, group_lines(words, 1)))["quantity"] == "5"


def _dropped_amounts_page() -> Page:
    """Three rows; OCR lost the amounts of the first two (it happens in a right-aligned
    column beside a rule), so only the last row has a key value."""
    return _page(
        1,
        [
            *HEADER,
            (130, [(40, "1"), (80, "Vận chuyển hàng hóa"), (250, "Chuyến"), (330, "20"),
                   (400, "6.000")]),
            (150, [(40, "2"), (80, "Giấy in A4"), (250, "Ram"), (330, "30"),
                   (400, "688.000")]),
            (162, [(80, "Double A")]),
            (180, [(40, "3"), (80, "Mực in HP 85A"), (250, "Hộp"), (330, "7"),
                   (400, "217.000"), (480, "1.519.000")]),
            (200, [(80, "Cộng tiền hàng:"), (480, "22.279.000")]),
        ],
    )  # fmt: skip


def test_rows_whose_amount_was_not_read_stay_rows_of_their_own() -> None:
    """A printed row repeating the quantity and price columns is a new row, not the wrapped
    end of the one above: three items, not one item holding three descriptions."""
    rows = _read(_dropped_amounts_page())
    assert [row["description"] for row in rows] == [
        "Vận chuyển hàng hóa",
        "Giấy in A4 Double A",
        "Mực in HP 85A",
    ]
    assert [row.get("amount") for row in rows] == [None, None, "1.519.000"]
    assert [row["quantity"] for row in rows] == ["20", "30", "7"]


def test_a_lost_amount_is_taken_from_quantity_and_price_only_when_the_subtotal_agrees() -> None:
    from extractors.fields.invoice import InvoiceExtractor

    document = ParsedDocument("application/pdf", [_dropped_amounts_page()])
    out = InvoiceExtractor().extract(document)
    amounts = [item["amount"] for item in out.fields["line_items"]]  # type: ignore[union-attr,index]
    assert amounts == ["120000", "20640000", "1519000"]  # 20 × 6.000 + 30 × 688.000 + ...
    assert out.confidence["line_items[0].amount"] <= 0.85  # inferred, never certain
    assert "line_items[1].amount" in out.provenance

    # The subtotal disagrees: the amounts stay unread (null), for a reviewer, not guessed.
    # (A row whose amount was lost may be the last one, too: it is kept all the same.)
    page = _dropped_amounts_page()
    page.lines = [
        line
        if "22.279.000" not in line.text
        else group_lines(
            [w if w.text != "22.279.000" else Word("22.279.500", w.bbox, 1) for w in line.words],
            1,
        )[0]
        for line in page.lines
    ]
    out = InvoiceExtractor().extract(ParsedDocument("application/pdf", [page]))
    amounts = [item["amount"] for item in out.fields["line_items"]]  # type: ignore[union-attr,index]
    assert amounts == [None, None, "1519000"]


def test_a_speck_between_two_rows_does_not_end_the_table() -> None:
    """A scan's speck beside a row reads as `-`, a word half a point tall: measured by it,
    the ordinary gap to the next row looked like the table's end, and the rows below were
    lost."""
    page = _page(
        1,
        [
            *HEADER,
            (130, [(40, "1"), (80, "Giấy in A4"), (250, "Ram"), (330, "19"), (400, "346.000"),
                   (480, "6.574.000")]),
            (150, [(40, "2"), (80, "Bút bi"), (250, "Hộp"), (330, "5"), (400, "60.000"),
                   (480, "300.000")]),
            (180, [(80, "Cộng tiền hàng:"), (480, "6.874.000")]),
        ],
    )  # fmt: skip
    speck = Word("-", (561.9, 146.0, 562.4, 146.5), 1, 0.6, "ocr")
    page.lines = group_lines([*page.words, speck], 1)
    assert [row["amount"] for row in _read(page)] == ["6.574.000", "300.000"]


def test_an_item_code_column_beside_the_description_stays_out_of_it() -> None:
    """`ITEM | DESCRIPTION | QTY | RATE | AMOUNT`: both names could head the description;
    the fuller one does, and the item codes are not read into it."""
    rows = [
        (100, [(40, "ITEM"), (110, "DESCRIPTION"), (330, "QTY"), (400, "RATE"), (480, "AMOUNT")]),
        (
            120,
            [
                (40, "CON-010"),
                (110, "Senior consultant - data migration"),
                (335, "19"),
                (400, "190.00"),
                (480, "3,610.00"),
            ],
        ),
        (140, [(40, "SHP-001"), (110, "Shipping"), (335, "1"), (400, "25.00"), (480, "25.00")]),
    ]
    read = _read(_page(1, rows))
    assert [row["description"] for row in read] == [
        "Senior consultant - data migration",
        "Shipping",
    ]
    assert [row["amount"] for row in read] == ["3,610.00", "25.00"]


def test_heading_ends_wrapped_under_columns_of_figures_are_no_row() -> None:
    """`Thành tiền` / `chưa thuế GTGT` centred and wider than its first line, `(VNĐ)` under
    the price, both just below the header: the headings' ends, not a first row."""
    rows = [
        (100, [(40, "STT"), (80, "Tên hàng"), (300, "Đơn giá"), (400, "Thành tiền"), (480, "TS")]),
        (112, [(300, "(VNĐ)"), (390, "chưa thuế GTGT")]),
        (130, [(40, "1"), (80, "Giấy in A4"), (300, "68.000"), (400, "1.632.000"), (480, "10%")]),
        (146, [(40, "2"), (80, "Màn hình LG"), (300, "3.157.000"), (400, "25.256.000")]),
        (170, [(300, "Cộng tiền hàng:"), (400, "26.888.000")]),
    ]
    document = ParsedDocument("application/pdf", [_page(1, rows)])
    read = read_table(
        document,
        _COLUMNS,
        key="amount",
        is_end=lambda t: bool(_TOTALS.search(t)),
        figures=frozenset({"unit_price", "amount"}),
    )
    assert [row.text("amount") for row in read] == ["1.632.000", "25.256.000"]
    assert [row.text("description") for row in read] == ["Giấy in A4", "Màn hình LG"]
