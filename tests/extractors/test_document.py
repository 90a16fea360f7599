"""The document model: words that share a row become one line unless a column gap or a change of
type size separates them; how sure a value read from those words can be."""

from __future__ import annotations

from extractors.document import Word, group_lines


def _word(text: str, x0: float, top: float, x1: float, bottom: float, *, ocr: bool = True) -> Word:
    return Word(text, (x0, top, x1, bottom), 1, source="ocr" if ocr else "text_layer")


def test_an_ocr_dash_a_point_tall_does_not_split_a_date_range() -> None:
    words = [
        _word("03/2019", 42.6, 306.5, 80.0, 315.4),
        _word("-", 87.0, 311.1, 92.0, 312.1),
        _word("06/2022", 95.4, 306.3, 133.0, 315.2),
        _word("|", 136.0, 305.0, 138.0, 317.0),
        _word("Kế", 141.0, 306.3, 152.0, 317.0),
    ]
    lines = group_lines(words, 1)
    assert [line.text for line in lines] == ["03/2019 - 06/2022 | Kế"]


def test_a_column_gap_splits_a_row_into_two_lines() -> None:
    words = [
        _word("Mã", 40.0, 100.0, 55.0, 110.0),
        _word("số:", 58.0, 100.0, 72.0, 110.0),
        _word("Ngày", 320.0, 100.0, 345.0, 110.0),
    ]
    assert [line.text for line in group_lines(words, 1)] == ["Mã số:", "Ngày"]


def test_a_large_title_beside_small_text_is_its_own_line() -> None:
    words = [
        _word("Số:", 40.0, 100.0, 55.0, 109.0, ocr=False),
        _word("0012", 58.0, 100.0, 80.0, 109.0, ocr=False),
        _word("HÓA", 100.0, 96.0, 130.0, 114.0, ocr=False),
        _word("ĐƠN", 134.0, 96.0, 164.0, 114.0, ocr=False),
    ]
    assert [line.text for line in group_lines(words, 1)] == ["Số: 0012", "HÓA ĐƠN"]


def test_ocr_boxes_of_one_font_stay_on_one_line_though_their_ink_heights_differ() -> None:
    # Tesseract's boxes hug the ink: a digit is shorter than a word with diacritics.
    words = [
        _word("1", 49.3, 335.3, 53.0, 342.7),
        _word("Giấy", 77.1, 332.0, 98.0, 344.6),
        _word("in", 101.0, 334.4, 108.0, 342.0),
    ]
    assert [line.text for line in group_lines(words, 1)] == ["1 Giấy in"]


def test_an_ocr_title_beside_a_small_value_is_its_own_line() -> None:
    words = [
        _word("GIA", 330.0, 42.9, 356.0, 59.3),
        _word("TĂNG", 360.0, 42.9, 404.0, 59.3),
        _word("1", 426.5, 44.7, 430.0, 52.1),
    ]
    assert [line.text for line in group_lines(words, 1)] == ["GIA TĂNG", "1"]


def test_a_value_read_from_doubtful_ocr_words_is_never_high_confidence() -> None:
    from extractors.document import Line
    from extractors.fields.base import Extraction
    from extractors.fields.layout import Found

    sure = Word("0011683", (425.8, 100.8, 470.0, 109.0), 1, confidence=0.96, source="ocr")
    doubtful = Word("K26TBM", (426.3, 72.5, 470.0, 80.7), 1, confidence=0.42, source="ocr")
    typed = Word("K26TBM", (426.3, 72.5, 470.0, 80.7), 1, source="text_layer")
    extraction = Extraction(fields={})
    extraction.put("invoice_number", "0011683", Found("0011683", Line((sure,), 1), 0.9))
    extraction.put("invoice_series", "K26TBM", Found("K26TBM", Line((doubtful,), 1), 0.9))
    extraction.put("po_number", "K26TBM", Found("K26TBM", Line((typed,), 1), 0.9))
    assert extraction.confidence == {
        "invoice_number": 0.9,
        "invoice_series": 0.42,
        "po_number": 0.9,
    }
