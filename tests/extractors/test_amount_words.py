"""Amounts in words read back into numbers: the figures are stated here, not taken from any
number-to-words library (num2words' Vietnamese was measured wrong for 1015 and 2024)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from extractors.amount_words import words_to_amount
from tests.docgen.common import vietnamese_words


@pytest.mark.parametrize(
    ("words", "amount"),
    [
        ("Một triệu không trăm tám mươi nghìn đồng", "1080000"),
        ("Một nghìn không trăm mười lăm đồng", "1015"),
        ("Hai nghìn không trăm hai mươi tư đồng chẵn", "2024"),
        ("Hai ngàn không trăm hai mươi bốn đồng", "2024"),
        ("Một trăm lẻ năm nghìn đồng", "105000"),
        ("Một trăm linh năm nghìn đồng", "105000"),
        ("Hai mươi mốt triệu đồng", "21000000"),
        ("Mười lăm triệu năm trăm nghìn đồng chẵn./.", "15500000"),
        ("Ba mươi lăm tỷ không trăm linh một đồng", "35000000001"),
        ("Một nghìn tỷ đồng", "1000000000000"),
        ("Bảy tỉ hai trăm triệu Việt Nam đồng", "7200000000"),
        ("Bẩy trăm nhăm nghìn đồng", None),  # `nhăm` follows tens only
        ("Một trăm lẻ tư nghìn đồng", "104000"),
        ("Mốt nghìn đồng", None),
        ("Bảy mươi nhăm nghìn đồng", "75000"),
        ("Mười nghìn đồng", "10000"),
        ("Không đồng", "0"),
        ("Năm phẩy hai lăm", "5.25"),  # the fraction read digit by digit
        ("Năm phẩy không năm", "5.05"),
        ("Một nghìn đô la Mỹ và năm mươi xu", "1000.50"),
        ("Bằng chữ: Năm triệu đồng", "5000000"),
        # diacritics OCR got wrong, read by the letters
        ("Bốn mươi tư triệu Hải trăm chín mươi ba nghìn sáu trăm đồng", "44293600"),
        ("Mười triệu tám trăm bốn mươi hai nghìn sáu trắm đồng", "10842600"),
        ("Mot trieu khong tram tam muoi nghin dong", "1080000"),
        ("One million eighty thousand dong", "1080000"),
        ("One thousand two hundred thirty-four dollars and fifty cents", "1234.50"),
        ("One hundred and five US dollars only", "105"),
        ("Two thousand twenty-four", "2024"),
        ("Twelve thousand five hundred and 50/100 dollars", "12500.50"),
        ("Say: Five hundred euros", "500"),
        ("One point five", "1.5"),
        ("A hundred dollars", "100"),
    ],
)
def test_reads_amounts(words: str, amount: str | None) -> None:
    assert words_to_amount(words) == (Decimal(amount) if amount is not None else None)


@pytest.mark.parametrize(
    "words",
    [
        "hai ba nghìn đồng",  # two digits with no multiplier between them
        "một mươi đồng",  # `mươi` needs two or more tens
        "nghìn nghìn đồng",
        "mười không đồng",
        "nine eleven dollars",
        "thousand thousand",
        "Xem hóa đơn đính kèm",  # no number at all
        "",
        "Một triệu đồng abc xyz",  # an unknown word: not guessed around
    ],
)
def test_refuses_what_no_one_writes(words: str) -> None:
    assert words_to_amount(words) is None


def test_round_trip_through_an_independent_writer() -> None:
    generator = random.Random(5)
    amounts = [generator.randrange(0, 10**13) for _ in range(3000)]
    amounts += list(range(0, 2100)) + [10**n for n in range(13)]
    wrong = [a for a in amounts if words_to_amount(vietnamese_words(a)) != Decimal(a)]
    assert wrong == []
