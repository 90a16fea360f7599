"""Shared building blocks: the positioned-text PDF writer, people, companies, addresses,
tax codes, amounts in figures and words."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


# The day the generated corpus is true as of: CVs' open-ended jobs ("– nay", "– Present")
# are counted to its month, so `backoffice extract --today` this day reads them as written.
CORPUS_TODAY = date(2026, 11, 30)


@dataclass(frozen=True)
class GeneratedDocument:
    doc_type: str
    language: str
    content: bytes
    fields: dict[str, Any]
    suffix: str = ".pdf"

    @property
    def pdf(self) -> bytes:
        return self.content


def write(doc: GeneratedDocument, path: Path) -> Path:
    path.write_bytes(doc.content)
    return path


# --- building blocks -------------------------------------------------------------------


class _Pdf:
    """A thin fpdf2 wrapper: text at positions in millimetres, DejaVu for Vietnamese."""

    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.pdf.add_page()
        self.size(10)

    def size(self, points: float, bold: bool = False) -> None:
        self.pdf.set_font("DejaVu", "B" if bold else "", points)

    def text(self, x: float, y: float, value: str, *, bold: bool = False, size: float = 10) -> None:
        self.size(size, bold)
        self.pdf.text(x, y, unicodedata.normalize("NFC", value))

    def right(self, x1: float, y: float, value: str, *, bold: bool = False) -> None:
        self.size(10, bold)
        self.text(x1 - self.pdf.get_string_width(value), y, value, bold=bold)

    def centre(self, y: float, value: str, *, bold: bool = False, size: float = 10) -> None:
        self.size(size, bold)
        self.text((210 - self.pdf.get_string_width(value)) / 2, y, value, bold=bold, size=size)

    def rule(self, x0: float, y: float, x1: float) -> None:
        self.pdf.line(x0, y, x1, y)

    def blot(self, x: float, y: float, width: float, height: float) -> None:
        """An ink blot hiding what is under it."""
        self.pdf.rect(x, y, width, height, style="F")

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def mst(rng: random.Random) -> str:
    """A 10-digit Vietnamese tax code whose check digit validates."""
    while True:
        body = [rng.randint(0, 9) for _ in range(9)]
        body[0] = rng.randint(0, 8)
        check = 10 - sum(d * w for d, w in zip(body, _MST_WEIGHTS, strict=True)) % 11
        if check < 10:
            return "".join(map(str, body)) + str(check)


def vn_amount(value: Decimal) -> str:
    return f"{int(value):,}".replace(",", ".")


def en_amount(value: Decimal) -> str:
    return f"{value:,.2f}"


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three(number: int, full: bool) -> list[str]:
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens > 1:
            words.append("mốt")
        elif units == 5 and tens > 0:
            words.append("lăm")
        elif units == 4 and tens > 1:
            words.append("tư")
        else:
            words.append(_DIGITS[units])
    return words


def vietnamese_words(amount: int) -> str:
    """An amount in Vietnamese words as printed on invoices: `Một triệu không trăm tám mươi
    nghìn đồng`."""
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    scales = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ"]
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _three(group, full=index < len(groups) - 1)
        if scales[index]:
            words.append(scales[index])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
_MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hữu"]
_GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Lan", "Long", "Mai", "Phương", "Tuấn"]
_COMPANIES_VI = [
    "CÔNG TY TNHH THƯƠNG MẠI MINH PHÁT",
    "CÔNG TY CỔ PHẦN AN BÌNH",
    "CÔNG TY TNHH DỊCH VỤ HOÀNG GIA",
    "CÔNG TY CP CÔNG NGHỆ SAO VIỆT",
    "CÔNG TY TNHH XÂY DỰNG ĐỨC THÀNH",
    "CÔNG TY CỔ PHẦN THỰC PHẨM HÀ NỘI",
]
_COMPANIES_EN = [
    "Acme Supplies Ltd",
    "Northwind Trading Co.",
    "Blue River Consulting LLC",
    "Greenfield Software Inc.",
    "Harbor Logistics Pte Ltd",
]
_STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt"]
_CITIES = ["Hà Nội", "TP Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ"]
_GOODS = [
    ("Giấy in A4 Double A", "Ram"),
    ("Mực in HP 85A", "Hộp"),
    ("Dịch vụ bảo trì máy chủ", "Tháng"),
    ("Bàn làm việc gỗ", "Chiếc"),
    ("Cáp mạng Cat6", "Mét"),
    ("Phần mềm kế toán", "Bộ"),
    ("Nước uống đóng chai", "Thùng"),
    ("Vận chuyển hàng hóa", "Chuyến"),
]
_GOODS_EN = [
    ("Consulting services", "hour"),
    ("Laptop stand", "pcs"),
    ("Cloud hosting", "month"),
    ("Office chairs", "pcs"),
    ("Software licence", "seat"),
    ("Printer toner", "box"),
]


def person(rng: random.Random) -> str:
    return f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"


def address(rng: random.Random) -> str:
    return f"Số {rng.randint(1, 300)} {rng.choice(_STREETS)}, {rng.choice(_CITIES)}"


def some_date(rng: random.Random, year: int = 2026) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randint(0, 300))


def _s(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
