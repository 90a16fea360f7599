"""Contracts as offices and law firms print them, Vietnamese and English, with exact truth.

Each seed draws a kind of contract and how it is typed:

- Vietnamese: sale of goods, services, office lease, a service contract with an individual,
  a confidentiality agreement and a three-party cooperation contract. The national motto
  heads the page (sometimes beside the drafting company's name), `Căn cứ` preambles, the
  date line (`Hôm nay, ngày … tháng … năm …` or `Hà Nội, ngày …` at the top), parties as
  `Label: value` lines (one or two labels a row), as a bordered label | value table, side by
  side in two columns, or as a lawyer's paragraph; `Điều 1.` articles whose bodies wrap and
  run over pages; a goods table; the signature block.
- English: a Vietnam-style agreement with `PARTY A:` blocks, a sales contract with `The
  Seller`/`The Buyer`, a US master services agreement (`by and between … ("Provider")`,
  numbered sections, the representative only in the `By:/Name:/Title:` signature block), a
  mutual NDA, a UK agreement (`THIS AGREEMENT is dated`, `PARTIES (1) (2)`, `BACKGROUND`,
  `Signed by … for and on behalf of …`) and an office lease.

Fonts, sizes, margins, line spacing, article heading styles, label wording, which optional
facts are printed (number, tax code, a stated value, an effective date, a term or an explicit
end date, auto-renewal present, absent or negated, the governing law) and which standard
clauses are present (as an article of their own or a sentence inside another) all vary.

Truth conventions:
- `title` as printed; a title wrapped onto two lines is joined with one space.
- party `name` as printed, without an individual's honorific (`Ông`, `Mr.`); `representative`
  is the person who signs for a company, honorific and position left out, null for an
  individual party; `tax_id` only from a tax label (`Mã số thuế`, `Mã số doanh nghiệp`,
  `Tax code`, `Enterprise code`): a foreign registration number (UK company number,
  Singapore UEN, US EIN) is not a Vietnamese tax code, and is null.
- `effective_date` is the date the text says the contract takes effect (the signing date when
  it says "from signing"), null when the text does not say.
- `expiry_date` is an end date printed as such, or else the start of a stated term plus the
  term: the same day of the month that many months or years later, the last day of the month
  when that month is shorter (Civil Code 2015 art. 147-148 and the common-law corresponding
  date rule both leave the starting day out of the count). The term starts at the signing
  date, the effective date or a printed start date, as the sentence says.
- `total_value` is the contract's total price; a monthly rent or fee is not one (null), and
  `currency` is the currency of the total value (null with it).
- `governing_law` is the law the text says governs the contract or its disputes
  (`pháp luật Việt Nam` → `Vietnam`, `the laws of the State of New York` → `New York`); the
  clause `governing_law` is present exactly when it is stated.
- `clauses` are the standard provisions the contract makes, under a heading of their own or
  as a sentence inside another article.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fpdf import FPDF

from extractors.record import CONTRACT_CLAUSES
from tests.docgen.common import FONT_DIR, GeneratedDocument, mst, vietnamese_words

LAYOUTS = {
    "vi": ("sale", "service", "lease", "individual", "nda", "cooperation"),
    "en": ("agreement", "sales", "msa", "nda", "uk", "lease"),
}
_WEIGHTS = {"vi": (4, 4, 3, 2, 2, 1), "en": (4, 3, 3, 2, 2, 2)}

# --- content pools --------------------------------------------------------------------------

_VI_KINDS = ["CÔNG TY TNHH", "CÔNG TY CỔ PHẦN", "CÔNG TY CP", "CÔNG TY TNHH MTV"]
_VI_TRADES = [
    "THƯƠNG MẠI", "DỊCH VỤ", "XÂY DỰNG", "ĐẦU TƯ", "CÔNG NGHỆ", "VẬN TẢI", "THỰC PHẨM",
    "THƯƠNG MẠI VÀ DỊCH VỤ", "XUẤT NHẬP KHẨU", "ĐẦU TƯ VÀ PHÁT TRIỂN", "TƯ VẤN THIẾT KẾ",
    "GIẢI PHÁP PHẦN MỀM", "THIẾT BỊ VĂN PHÒNG", "BẤT ĐỘNG SẢN", "LOGISTICS", "IN ẤN",
]  # fmt: skip
_VI_BRANDS = [
    "MINH PHÁT", "AN BÌNH", "HOÀNG GIA", "SAO VIỆT", "ĐỨC THÀNH", "PHÚ THỊNH", "TÂN LONG",
    "HƯNG THỊNH", "THÀNH ĐẠT", "ĐẠI DƯƠNG", "BẮC NAM", "TRƯỜNG SƠN", "KIM CƯƠNG",
    "HÒA BÌNH", "NAM VIỆT", "VIỆT Á", "THIÊN LONG", "LỘC PHÁT", "QUANG MINH", "SÔNG HỒNG",
    "ÁNH DƯƠNG", "PHƯƠNG ĐÔNG", "HẢI ÂU", "TRÀNG AN",
]  # fmt: skip
_EN_FOR_VI_KIND = {
    "CÔNG TY TNHH": "COMPANY LIMITED",
    "CÔNG TY CỔ PHẦN": "JOINT STOCK COMPANY",
    "CÔNG TY CP": "JSC",
    "CÔNG TY TNHH MTV": "ONE MEMBER COMPANY LIMITED",
}
_EN_FOR_VI_TRADE = {
    "THƯƠNG MẠI": "TRADING", "DỊCH VỤ": "SERVICES", "XÂY DỰNG": "CONSTRUCTION",
    "ĐẦU TƯ": "INVESTMENT", "CÔNG NGHỆ": "TECHNOLOGY", "VẬN TẢI": "TRANSPORT",
    "THỰC PHẨM": "FOODS", "THƯƠNG MẠI VÀ DỊCH VỤ": "TRADING AND SERVICES",
    "XUẤT NHẬP KHẨU": "IMPORT EXPORT", "ĐẦU TƯ VÀ PHÁT TRIỂN": "INVESTMENT AND DEVELOPMENT",
    "TƯ VẤN THIẾT KẾ": "DESIGN CONSULTING", "GIẢI PHÁP PHẦN MỀM": "SOFTWARE SOLUTIONS",
    "THIẾT BỊ VĂN PHÒNG": "OFFICE EQUIPMENT", "BẤT ĐỘNG SẢN": "REAL ESTATE",
    "LOGISTICS": "LOGISTICS", "IN ẤN": "PRINTING",
}  # fmt: skip
_SURNAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
    "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Cao", "Mai",
]  # fmt: skip
_MIDDLE = [
    "Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Xuân", "Công",
    "Đình", "Hoài", "Kim", "Mạnh", "Anh", "Bảo", "Thế",
]  # fmt: skip
_GIVEN = [
    "An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Lan", "Long", "Mai", "Phương", "Tuấn",
    "Hùng", "Hương", "Khánh", "Linh", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Thảo", "Trung",
    "Việt", "Yến", "Cường", "Giang", "Hiếu", "Thắng", "Tâm",
]  # fmt: skip
_FOREIGN_PEOPLE = [
    "John Smith", "Sarah Johnson", "David Miller", "Emily Clarke", "Michael Brown",
    "James Wilson", "Laura Bennett", "Tan Wei Ming", "Lim Hui Ling", "Park Min-jun",
    "Kenji Watanabe", "Oliver Hughes", "Charlotte Evans", "Daniel Kim", "Rachel Green",
]  # fmt: skip
_VI_TITLES = ["Giám đốc", "Tổng Giám đốc", "Phó Giám đốc", "Chủ tịch Hội đồng quản trị"]
_EN_TITLES = ["Director", "General Director", "Chief Executive Officer", "Managing Director"]
_STREETS = [
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ",
    "Nguyễn Thị Minh Khai", "Cách Mạng Tháng Tám", "Láng Hạ", "Kim Mã", "Trần Phú",
    "Hoàng Quốc Việt", "Võ Văn Tần", "Pasteur", "Nguyễn Văn Linh",
]  # fmt: skip
_WARDS = [
    ("Phường Bến Nghé", "Quận 1", "Thành phố Hồ Chí Minh"),
    ("Phường Võ Thị Sáu", "Quận 3", "Thành phố Hồ Chí Minh"),
    ("Phường 13", "Quận Tân Bình", "Thành phố Hồ Chí Minh"),
    ("Phường Tràng Tiền", "Quận Hoàn Kiếm", "Thành phố Hà Nội"),
    ("Phường Láng Hạ", "Quận Đống Đa", "Hà Nội"),
    ("Phường Dịch Vọng Hậu", "Quận Cầu Giấy", "TP. Hà Nội"),
    ("Phường Hải Châu I", "Quận Hải Châu", "Thành phố Đà Nẵng"),
    ("Phường Lê Chân", "Quận Lê Chân", "Hải Phòng"),
    ("Phường Tân An", "Quận Ninh Kiều", "Cần Thơ"),
    ("Phường Sài Gòn", None, "Thành phố Hồ Chí Minh"),
    ("Phường Ba Đình", None, "Thành phố Hà Nội"),
]
_BUILDINGS = ["Tòa nhà Center Point", "Tòa nhà Sun Tower", "Tòa nhà Hà Thành Plaza",
              "Tòa nhà Viettel Complex", "Tòa nhà Saigon Trade Center"]  # fmt: skip
_PARKS = [
    ("KCN Quế Võ", "Tỉnh Bắc Ninh"),
    ("KCN VSIP", "Tỉnh Bình Dương"),
    ("KCN Thăng Long", "Thành phố Hà Nội"),
    ("KCN Tân Thuận", "Thành phố Hồ Chí Minh"),
]
_BANKS = ["Vietcombank", "BIDV", "VietinBank", "Techcombank", "ACB", "MB Bank", "VPBank"]

_EN_BRANDS = [
    "Greenfield", "Northwind", "Blue River", "Harbor", "Thistle", "Redwood", "Silverline",
    "Oakridge", "Bright Path", "Summit", "Lakeside", "Ironbridge", "Kestrel", "Meridian",
]  # fmt: skip
_EN_SECTORS = [
    "Software",
    "Logistics",
    "Consulting",
    "Trading",
    "Data Services",
    "Engineering",
    "Foods",
    "Medical Supplies",
    "Analytics",
    "Packaging",
]
# Country: company suffixes, addresses, how its companies are described, the governing law
# as printed and as the truth names it.
_FOREIGN = {
    "us": {
        "suffixes": ["Inc.", "LLC", "Corp."],
        "addresses": [
            "100 Main Street, Suite 200, Austin, TX 78701, USA",
            "250 Park Avenue, 12th Floor, New York, NY 10177, USA",
            "1 Market Street, San Francisco, CA 94105, USA",
            "77 West Wacker Drive, Chicago, IL 60601, USA",
        ],
        "laws": [
            ("the State of New York", "New York"),
            ("the State of California", "California"),
            ("the State of Delaware", "Delaware"),
        ],
    },
    "uk": {
        "suffixes": ["Ltd", "Limited", "PLC"],
        "addresses": [
            "10 King Street, London EC2V 8EH, United Kingdom",
            "3 Thistle Street, Edinburgh EH2 1DF, United Kingdom",
            "45 Deansgate, Manchester M3 2AY, United Kingdom",
        ],
        "laws": [("England and Wales", "England and Wales"), ("England", "England")],
    },
    "sg": {
        "suffixes": ["Pte. Ltd.", "Pte Ltd"],
        "addresses": [
            "1 Raffles Place, #20-01 One Raffles Place, Singapore 048616",
            "8 Marina View, #15-08 Asia Square Tower 1, Singapore 018960",
        ],
        "laws": [("Singapore", "Singapore"), ("the Republic of Singapore", "Singapore")],
    },
}
_VN_LAWS_EN = [
    ("Vietnam", "Vietnam"),
    ("Viet Nam", "Vietnam"),
    ("the Socialist Republic of Vietnam", "Vietnam"),
]
_GOODS_VI = [
    ("Máy tính xách tay Dell Latitude 5440", "Chiếc", 18_500_000),
    ("Màn hình LG 24 inch", "Chiếc", 3_200_000),
    ("Máy in laser HP LaserJet Pro", "Chiếc", 6_450_000),
    ("Giấy in A4 Double A", "Ram", 78_000),
    ("Bàn làm việc gỗ công nghiệp", "Bộ", 2_750_000),
    ("Ghế xoay văn phòng", "Chiếc", 1_150_000),
    ("Cáp mạng Cat6 AMP", "Thùng", 2_300_000),
    ("Điều hòa Daikin 12000BTU", "Bộ", 11_900_000),
]
_GOODS_EN = [
    ("Stainless steel valves DN50", "pcs", Decimal("42.50")),
    ("Industrial sewing machines", "units", Decimal("1250.00")),
    ("Frozen shrimp, 1 kg packs", "cartons", Decimal("96.00")),
    ("Cotton yarn Ne 30/1", "kg", Decimal("3.80")),
    ("LED panel lights 60x60", "pcs", Decimal("18.90")),
    ("Office chairs, ergonomic", "pcs", Decimal("89.00")),
]
_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
         "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_VI_NUMBER_WORDS = {
    1: "một",
    2: "hai",
    3: "ba",
    5: "năm",
    6: "sáu",
    12: "mười hai",
    18: "mười tám",
    24: "hai mươi bốn",
    36: "ba mươi sáu",
}


def _en_words(number: int) -> str:
    """An integer in English words: `12500` → `twelve thousand five hundred`."""
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, units = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[units]}" if units else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_ONES[hundreds]} hundred" + (f" and {_en_words(rest)}" if rest else "")
    for scale, name in ((1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand")):
        if number >= scale:
            head, rest = divmod(number, scale)
            tail = "" if not rest else (" and " if rest < 100 else " ") + _en_words(rest)
            return f"{_en_words(head)} {name}{tail}"
    raise AssertionError(number)


# --- the page writer ------------------------------------------------------------------------

_FONTS = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", FONT_DIR),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", FONT_DIR),
    "times": (
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        FONT_DIR.parent / "liberation2",
    ),
    "arial": (
        "LiberationSans-Regular.ttf",
        "LiberationSans-Bold.ttf",
        FONT_DIR.parent / "liberation2",
    ),
}
Run = tuple[str, bool]  # text, bold


@dataclass
class _Style:
    font: str
    size: float  # points, body text
    spacing: float  # line advance as a multiple of the size
    left: float  # margins, mm
    right: float
    top: float
    bottom: float


class _Writer:
    """Flowing text on A4 pages: paragraphs wrapped at word boundaries, rows of columns,
    bordered tables, a new page whenever the next line would not fit."""

    def __init__(self, style: _Style, footer: str | None) -> None:
        self.style = style
        self.footer = footer
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(False)
        regular, bold, folder = _FONTS[style.font]
        self.pdf.add_font("Body", "", str(folder / regular))
        self.pdf.add_font("Body", "B", str(folder / bold))
        self.pages = 0
        self.y = 0.0
        self._new_page()

    # geometry helpers
    @property
    def width(self) -> float:
        return 210 - self.style.left - self.style.right

    def advance(self, size: float | None = None) -> float:
        return (size or self.style.size) * self.style.spacing * 0.3528

    def measure(self, text: str, bold: bool = False, size: float | None = None) -> float:
        self.pdf.set_font("Body", "B" if bold else "", size or self.style.size)
        return self.pdf.get_string_width(text)

    def _new_page(self) -> None:
        if self.pages and self.footer:
            self.pdf.set_font("Body", "", 8)
            label = f"{self.footer} {self.pages}"
            self.pdf.text((210 - self.pdf.get_string_width(label)) / 2, 287, label)
        self.pdf.add_page()
        self.pages += 1
        self.y = self.style.top

    def ensure(self, height: float) -> None:
        if self.y + height > 297 - self.style.bottom:
            self._new_page()

    def space(self, lines: float = 0.5) -> None:
        self.y += self.advance() * lines

    def _put(self, x: float, text: str, bold: bool, size: float) -> None:
        self.pdf.set_font("Body", "B" if bold else "", size)
        self.pdf.text(x, self.y, unicodedata.normalize("NFC", text))

    # text
    def centre(
        self,
        text: str,
        *,
        bold: bool = False,
        size: float | None = None,
        centre_x: float | None = None,
    ) -> None:
        size = size or self.style.size
        self.ensure(self.advance(size))
        self.y += self.advance(size)
        middle = centre_x if centre_x is not None else self.style.left + self.width / 2
        self._put(middle - self.measure(text, bold, size) / 2, text, bold, size)

    def wrap(
        self, runs: list[Run], width: float, size: float, first_indent: float = 0.0
    ) -> list[list[Run]]:
        """Runs broken into lines no wider than `width` (the first line `first_indent` in)."""
        words = [(word, bold) for text, bold in runs for word in text.split()]
        if not words:
            return []
        lines: list[list[Run]] = [[]]
        used = first_indent
        space = self.measure(" ", False, size)
        for word, bold in words:
            needed = self.measure(word, bold, size)
            if lines[-1] and used + space + needed > width:
                lines.append([])
                used = 0.0
            if lines[-1]:
                used += space
            lines[-1].append((word, bold))
            used += needed
        return lines

    def _render(self, x: float, line: list[Run], size: float) -> None:
        # Consecutive words of one weight go out as one string, like a typed line.
        chunk: list[str] = []
        bold = line[0][1] if line else False
        for word, weight in [*line, ("", not bold)]:
            if weight != bold or not word:
                if chunk:
                    text = " ".join(chunk)
                    self._put(x, text, bold, size)
                    x += self.measure(text + " ", bold, size)
                chunk, bold = [], weight
            if word:
                chunk.append(word)

    def paragraph(
        self,
        runs: list[Run] | str,
        *,
        indent: float = 0.0,
        first_indent: float = 0.0,
        size: float | None = None,
        hanging: str | None = None,
        bold: bool = False,
    ) -> None:
        """A wrapped paragraph; `hanging` is a list marker (`1.`, `-`, `(a)`) printed in the
        indent, the text aligned after it."""
        size = size or self.style.size
        if isinstance(runs, str):
            runs = [(runs, bold)]
        left = self.style.left + indent
        marker_width = 0.0
        if hanging:
            marker_width = max(self.measure(hanging + "  ", False, size), 7.0)
        width = self.width - indent - marker_width
        for number, line in enumerate(self.wrap(runs, width, size, first_indent)):
            self.ensure(self.advance(size))
            self.y += self.advance(size)
            x = left + marker_width + (first_indent if number == 0 else 0)
            if hanging and number == 0:
                self._put(left, hanging, False, size)
            self._render(x, line, size)

    def columns(
        self, cells: list[tuple[float, float, list[Run] | str, bool]], size: float | None = None
    ) -> None:
        """One row of side-by-side cells (x0, x1 in mm from the left margin, text, centred),
        each wrapping inside its own width."""
        size = size or self.style.size
        wrapped = []
        for x0, x1, runs, centred in cells:
            if isinstance(runs, str):
                runs = [(runs, False)]
            wrapped.append((x0, x1, self.wrap(runs, x1 - x0, size) if runs else [], centred))
        height = max([len(lines) for *_, lines, _ in wrapped] + [1])
        self.ensure(self.advance(size) * height)
        top = self.y
        for x0, x1, lines, centred in wrapped:
            self.y = top
            for line in lines:
                self.y += self.advance(size)
                text_width = self.measure(" ".join(w for w, _ in line), line[0][1], size)
                x = self.style.left + (x0 + (x1 - x0 - text_width) / 2 if centred else x0)
                self._render(x, line, size)
        self.y = top + self.advance(size) * height

    def table(
        self, rows: list[list[str]], widths: list[float], *, header: bool, aligns: str | None = None
    ) -> None:
        """A bordered table; cells wrap inside their column; the header row is bold."""
        size = self.style.size
        pad = 1.5
        aligns = aligns or "l" * len(widths)
        # The previous line's descenders stay clear of the top border.
        self.y += self.advance() * 0.3
        for number, row in enumerate(rows):
            bold = header and number == 0
            wrapped = [
                self.wrap([(cell, bold)], width - 2 * pad, size) if cell else []
                for cell, width in zip(row, widths, strict=True)
            ]
            height = max(len(lines) for lines in wrapped) * self.advance(size) + 2 * pad
            self.ensure(height)
            top = self.y
            x = self.style.left
            for lines, width, align in zip(wrapped, widths, aligns, strict=True):
                self.pdf.rect(x, top, width, height)
                self.y = top + pad
                for line in lines:
                    self.y += self.advance(size)
                    text = " ".join(w for w, _ in line)
                    if align == "r":
                        self._put(
                            x + width - pad - self.measure(text, bold, size), text, bold, size
                        )
                    elif align == "c":
                        self._put(
                            x + (width - self.measure(text, bold, size)) / 2, text, bold, size
                        )
                    else:
                        self._render(x + pad, line, size)
                x += width
            self.y = top + height

    def rule(self, x0: float, x1: float) -> None:
        self.pdf.line(self.style.left + x0, self.y + 1.5, self.style.left + x1, self.y + 1.5)
        self.y += 2

    def bytes(self) -> bytes:
        if self.footer:
            self.pdf.set_font("Body", "", 8)
            label = f"{self.footer} {self.pages}"
            self.pdf.text((210 - self.pdf.get_string_width(label)) / 2, 287, label)
        return bytes(self.pdf.output())


# --- people, companies, addresses -----------------------------------------------------------


def _ascii(text: str) -> str:
    """Vietnamese written without diacritics, as English-language contracts print names."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _person(rng: random.Random) -> tuple[str, str]:
    """A Vietnamese name and its honorific."""
    middle = rng.choice(_MIDDLE)
    name = f"{rng.choice(_SURNAMES)} {middle} {rng.choice(_GIVEN)}"
    return name, "Bà" if middle == "Thị" or rng.random() < 0.2 else "Ông"


@dataclass
class _Party:
    name: str
    tax_id: str | None
    representative: str | None
    honorific: str  # "Ông", "Bà", "Mr.", "Ms." or ""
    position: str | None
    address: str
    country: str = "vn"
    individual: bool = False
    phone: str = ""
    fax: str | None = None
    email: str | None = None
    account: str | None = None
    bank: str | None = None
    extra: list[tuple[str, str]] = field(default_factory=list)  # other labelled facts
    description: str = ""  # English: "a Delaware corporation"
    registration: str | None = None  # English: a foreign registration, not a tax code
    heading: str = ""  # `BÊN A (BÊN MUA)`, `PARTY A`, `THE SELLER`
    alias: str = ""  # the defined term: `Bên A`, `Supplier`

    def truth(self, role: str) -> dict[str, Any]:
        return {
            "role": role,
            "name": self.name,
            "tax_id": self.tax_id,
            "representative": self.representative,
            "address": self.address,
        }


def _vi_address(rng: random.Random, english: bool = False) -> str:
    """A Vietnamese address; in English as foreign-language contracts spell it (`No. 12 Le Loi
    Street, Ben Nghe Ward, District 1, Ho Chi Minh City, Vietnam`)."""
    ward, district, city = rng.choice(_WARDS)
    street = rng.choice(_STREETS)
    number = rng.randint(1, 300)
    shape = rng.random()
    if english:
        ward_en = _ascii(ward.removeprefix("Phường ")) + " Ward"
        district_en = ""
        if district:
            bare = _ascii(district.removeprefix("Quận "))
            district_en = f"District {bare}, " if bare.isdigit() else f"{bare} District, "
        city_en = _ascii(city.removeprefix("Thành phố ").removeprefix("TP. ")) + " City"
        if shape < 0.3:
            head = f"Floor {rng.randint(2, 25)}, {_ascii(rng.choice(_BUILDINGS)).removeprefix('Toa nha ')}, "  # noqa: E501
        else:
            head = ""
        return (
            f"{head}No. {number} {_ascii(street)} Street, {ward_en}, {district_en}{city_en}, "
            "Vietnam"
        )
    middle = f"{ward}, {district + ', ' if district else ''}{city}"
    if shape < 0.15:
        park, province = rng.choice(_PARKS)
        return f"Lô {rng.choice('ABCDE')}{rng.randint(1, 12)}, {park}, {province}"
    if shape < 0.35:
        return (
            f"Tầng {rng.randint(2, 25)}, {rng.choice(_BUILDINGS)}, số {number} đường {street}, "
            f"{middle}"
        )
    if shape < 0.5:
        return f"Số {number}, ngõ {rng.randint(2, 150)} đường {street}, {middle}"
    return f"Số {number} {street}, {middle}"


def _phone(rng: random.Random) -> str:
    return (
        rng.choice(["028", "024", "0236", "0225"])
        + f" {rng.randint(3000, 3999)} {rng.randint(1000, 9999)}"
    )


def _vi_company(rng: random.Random, taken: set[str]) -> _Party:
    while True:
        kind = rng.choice(_VI_KINDS)
        trade, brand = rng.choice(_VI_TRADES), rng.choice(_VI_BRANDS)
        name = f"{kind} {trade} {brand}"
        if name not in taken:
            break
    if rng.random() < 0.1:
        name = f"CHI NHÁNH {name} TẠI {rng.choice(['HÀ NỘI', 'ĐÀ NẴNG', 'CẦN THƠ'])}"
        tax = f"{mst(rng)}-{rng.randint(1, 12):03d}"
    else:
        tax = mst(rng)
    taken.add(name)
    person, honorific = _person(rng)
    return _Party(
        name=name,
        tax_id=tax,
        representative=person,
        honorific=honorific,
        position=rng.choice(_VI_TITLES),
        address=_vi_address(rng),
        phone=_phone(rng),
        fax=_phone(rng) if rng.random() < 0.3 else None,
        email=f"info@{_ascii(brand).lower().replace(' ', '')}.com.vn"
        if rng.random() < 0.4
        else None,
        account=str(rng.randint(10**11, 10**13)),
        bank=rng.choice(_BANKS),
    )


def _vi_individual(rng: random.Random) -> _Party:
    name, honorific = _person(rng)
    born = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
    issued = date(rng.randint(2021, 2024), rng.randint(1, 12), rng.randint(1, 28))
    card = f"0{rng.randint(1, 96):02d}{rng.randint(0, 1)}{born.year % 100:02d}{rng.randint(0, 999999):06d}"  # noqa: E501
    return _Party(
        name=name,
        tax_id=mst(rng) if rng.random() < 0.5 else None,
        representative=None,
        honorific=honorific,
        position=None,
        address=_vi_address(rng),
        individual=True,
        phone=f"09{rng.randint(10_000_000, 99_999_999)}",
        account=str(rng.randint(10**9, 10**12)) if rng.random() < 0.6 else None,
        bank=rng.choice(_BANKS),
        extra=[
            ("Sinh ngày", born.strftime("%d/%m/%Y")),
            (
                "Số CCCD",
                f"{card} cấp ngày {issued.strftime('%d/%m/%Y')} tại Cục Cảnh sát QLHC về TTXH",
            ),
        ],
    )


def _en_vn_company(rng: random.Random, taken: set[str]) -> _Party:
    """A Vietnamese company as English-language contracts name it."""
    while True:
        kind = rng.choice(_VI_KINDS)
        trade, brand = rng.choice(_VI_TRADES), rng.choice(_VI_BRANDS)
        name = f"{_ascii(brand)} {_EN_FOR_VI_TRADE[trade]} {_EN_FOR_VI_KIND[kind]}"
        if rng.random() < 0.3:
            name = name.title().replace("Jsc", "JSC")
        if name not in taken:
            break
    taken.add(name)
    person, honorific = _person(rng)
    english_honorific = "Ms." if honorific == "Bà" else "Mr."
    return _Party(
        name=name,
        tax_id=mst(rng),
        representative=_ascii(person) if rng.random() < 0.6 else person,
        honorific=english_honorific,
        position=rng.choice(_EN_TITLES),
        address=_vi_address(rng, english=True),
        phone="+84 " + _phone(rng)[1:],
        account=str(rng.randint(10**11, 10**13)),
        bank=rng.choice(_BANKS),
        description=rng.choice(
            [
                "a company duly established under the laws of Vietnam",
                "a limited liability company organised under the laws of Vietnam",
                "a company incorporated in Vietnam",
            ]
        ),
    )


def _foreign_company(rng: random.Random, country: str, taken: set[str]) -> _Party:
    info = _FOREIGN[country]
    while True:
        name = f"{rng.choice(_EN_BRANDS)} {rng.choice(_EN_SECTORS)} {rng.choice(info['suffixes'])}"
        if name not in taken:
            break
    taken.add(name)
    person = rng.choice(_FOREIGN_PEOPLE)
    registration = {
        "us": f"EIN {rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}",
        "uk": f"company number {rng.randint(10**7, 10**8 - 1):08d}",
        "sg": f"UEN {rng.randint(2000, 2023)}{rng.randint(10000, 99999)}{rng.choice('KMNRWZ')}",
    }[country]
    description = {
        "us": f"a {rng.choice(['Delaware', 'New York', 'California'])} corporation",
        "uk": "a company incorporated and registered in England and Wales",
        "sg": "a company incorporated in Singapore",
    }[country]
    return _Party(
        name=name.upper() if country == "uk" and rng.random() < 0.5 else name,
        tax_id=None,
        representative=person,
        honorific=rng.choice(["Mr.", "Ms.", ""])
        if person.split()[0] not in ("Sarah", "Emily", "Laura", "Charlotte", "Rachel", "Lim")
        else "Ms.",
        position=rng.choice(_EN_TITLES),
        address=rng.choice(info["addresses"]),
        country=country,
        phone=f"+{rng.choice(['1', '44', '65'])} {rng.randint(200, 999)} {rng.randint(1000000, 9999999)}",  # noqa: E501
        description=description,
        registration=registration,
    )


# --- facts: dates, term, value, renewal, law ------------------------------------------------


def _add_months(start: date, months: int) -> date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(start.day, last))


def _vi_date(rng: random.Random, day: date, *, prefix: bool = True) -> str:
    style = rng.random()
    if style < 0.45:
        text = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    elif style < 0.6:
        text = f"ngày {day.day} tháng {day.month} năm {day.year}"
    elif style < 0.85:
        text = f"ngày {day.strftime('%d/%m/%Y')}"
    else:
        text = f"ngày {day.day}/{day.month}/{day.year}"
    return text if prefix else text.removeprefix("ngày ")


def _en_date(rng: random.Random, day: date) -> str:
    style = rng.random()
    if style < 0.4:
        return f"{day.day} {day.strftime('%B')} {day.year}"
    if style < 0.8:
        return f"{day.strftime('%B')} {day.day}, {day.year}"
    suffix = "th" if 10 < day.day < 14 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day.day}{suffix} {day.strftime('%B')} {day.year}"


def _vi_term(rng: random.Random, months: int) -> str:
    if months % 12 == 0 and rng.random() < 0.6:
        years = months // 12
        return rng.choice(
            [
                f"{years:02d} năm",
                f"{years} năm",
                f"{_VI_NUMBER_WORDS.get(years, str(years))} ({years:02d}) năm",
            ]
        )
    return rng.choice(
        [
            f"{months} tháng",
            f"{months:02d} tháng",
            f"{months} ({_VI_NUMBER_WORDS.get(months, str(months))}) tháng",
        ]
    )


def _en_term(rng: random.Random, months: int) -> str:
    if months % 12 == 0 and rng.random() < 0.6:
        years = months // 12
        unit = "year" if years == 1 else "years"
        return rng.choice(
            [
                f"{_en_words(years)} ({years}) {unit}",
                f"{years} {unit}",
                f"{_en_words(years)} {unit}",
            ]
        )
    return rng.choice([f"{_en_words(months)} ({months}) months", f"{months} months"])


@dataclass
class _Facts:
    signed: date | None
    effective: date | None = None
    expiry: date | None = None
    term_text: list[str] = field(default_factory=list)  # sentences of the term article
    months: int = 12  # the stated term
    value: Decimal | None = None
    currency: str | None = None
    law: str | None = None
    renewal: bool = False


def _vi_effect(rng: random.Random, facts: _Facts, kind: str, *, signing_known: bool) -> None:
    """The effect/term sentences of a Vietnamese contract and the dates they mean; with the
    signing date left blank, only sentences that do not count from it."""
    signed = facts.signed
    assert signed is not None
    months = rng.choice(
        [6, 12, 12, 18, 24, 24, 36, 60] if kind == "lease" else [3, 6, 12, 12, 24, 36]
    )
    facts.months = months
    start = signed + timedelta(days=rng.choice([0, 1, 5, 10, 15, 20]))
    if not signing_known:
        shapes = ["explicit", "start_term", "effective_term"]
    elif kind == "lease":
        shapes = ["lease", "lease", "explicit", "start_term"]
    else:
        shapes = ["signed_term", "explicit", "term_article", "start_term", "effective_term", "open"]
    shape = rng.choice(shapes)
    sentences: list[str] = []
    if shape == "signed_term":
        facts.effective, facts.expiry = signed, _add_months(signed, months)
        sentences.append(
            rng.choice(
                [
                    f"Hợp đồng có hiệu lực kể từ ngày ký và có thời hạn {_vi_term(rng, months)}.",
                    f"Hợp đồng này có hiệu lực kể từ ngày hai bên ký kết và có giá trị trong "
                    f"thời hạn "
                    f"{_vi_term(rng, months)}.",
                ]
            )
        )
    elif shape == "explicit":
        end = _add_months(start, months) - timedelta(days=1)
        facts.effective, facts.expiry = start, end
        sentences.append(
            f"Hợp đồng có hiệu lực từ {_vi_date(rng, start)} đến hết {_vi_date(rng, end)}."
        )
    elif shape == "term_article":
        facts.effective, facts.expiry = signed, _add_months(signed, months)
        sentences.append(f"Thời hạn hợp đồng: {_vi_term(rng, months)} kể từ ngày ký.")
        sentences.append("Hợp đồng có hiệu lực kể từ ngày ký.")
    elif shape == "start_term":
        facts.expiry = _add_months(start, months)
        sentences.append(
            f"Thời hạn {'thuê' if kind == 'lease' else 'hợp đồng'} là "
            f"{_vi_term(rng, months)}, kể từ {_vi_date(rng, start)}."
        )
    elif shape == "effective_term":
        facts.effective, facts.expiry = start, _add_months(start, months)
        sentences.append(
            f"Hợp đồng có hiệu lực kể từ {_vi_date(rng, start)}. Thời hạn của hợp "
            f"đồng là {_vi_term(rng, months)} kể từ ngày hợp đồng có hiệu lực."
        )
    elif shape == "lease":
        end = _add_months(start, months) - timedelta(days=1)
        facts.effective, facts.expiry = signed, end
        sentences.append(
            f"Thời hạn thuê: {_vi_term(rng, months)}, từ {_vi_date(rng, start)} "
            f"đến {_vi_date(rng, end)}."
        )
        sentences.append("Hợp đồng có hiệu lực kể từ ngày ký.")
    else:
        facts.effective = signed
        sentences.append(
            "Hợp đồng có hiệu lực kể từ ngày ký và chấm dứt khi hai bên hoàn thành "
            "mọi nghĩa vụ theo hợp đồng."
        )
    renewal = rng.random()
    if facts.expiry is not None and renewal < 0.3:
        facts.renewal = True
        sentences.append(
            rng.choice(
                [
                    "Khi hết thời hạn, nếu không bên nào thông báo bằng văn bản về việc không "
                    "tiếp tục "
                    f"hợp đồng ít nhất 30 ngày trước ngày hết hạn, hợp đồng sẽ được tự động gia "
                    f"hạn thêm "
                    f"{_vi_term(rng, 12)}.",
                    "Hợp đồng được tự động gia hạn mỗi lần 12 tháng nếu các bên không có ý kiến "
                    "khác.",
                ]
            )
        )
    elif facts.expiry is not None and renewal < 0.55:
        sentences.append(
            rng.choice(
                [
                    "Hợp đồng không tự động gia hạn; việc gia hạn (nếu có) do hai bên thỏa "
                    "thuận bằng phụ lục.",
                    "Hết thời hạn trên, hợp đồng sẽ không được tự động gia hạn.",
                ]
            )
        )
    elif renewal < 0.75:
        sentences.append("Trước khi hết hạn 30 ngày, hai bên sẽ trao đổi về việc gia hạn hợp đồng.")
    facts.term_text = sentences


def _en_effect(rng: random.Random, facts: _Facts, kind: str, *, defined: bool) -> None:
    """The term sentences of an English agreement; `defined`: the preamble defines the
    Effective Date as the signing date."""
    signed = facts.signed
    assert signed is not None
    months = rng.choice([12, 12, 24, 36, 60] if kind == "lease" else [6, 12, 12, 24, 36])
    start = signed + timedelta(days=rng.choice([0, 1, 10, 14, 25]))
    sentences: list[str] = []
    shapes = (
        ["defined", "defined", "open"]
        if defined
        else ["signed", "explicit", "start", "expires", "open"]
    )
    shape = rng.choice(shapes)
    if shape == "defined":
        facts.effective, facts.expiry = signed, _add_months(signed, months)
        sentences.append(
            rng.choice(
                [
                    "The term of this Agreement shall commence on the Effective Date and "
                    "continue for "
                    f"a period of {_en_term(rng, months)}",
                    f"This Agreement shall remain in force for an initial term of "
                    f"{_en_term(rng, months)} "
                    "from the Effective Date",
                ]
            )
            + ' (the "Initial Term").'
        )
    elif shape == "signed":
        facts.effective, facts.expiry = signed, _add_months(signed, months)
        sentences.append(
            f"This Agreement shall come into force on the date of signing and "
            f"remain in force for a period of {_en_term(rng, months)}."
        )
    elif shape == "explicit":
        end = _add_months(start, months) - timedelta(days=1)
        facts.effective, facts.expiry = start, end
        sentences.append(
            f"This Agreement is effective from {_en_date(rng, start)} until {_en_date(rng, end)}."
        )
    elif shape == "start":
        facts.effective, facts.expiry = start, _add_months(start, months)
        sentences.append(
            f"This Agreement shall commence on {_en_date(rng, start)} and shall "
            f"continue for an initial term of {_en_term(rng, months)}."
        )
    elif shape == "expires":
        end = _add_months(start, months)
        facts.effective, facts.expiry = signed, end
        sentences.append(
            "This Agreement takes effect on the date first written above and "
            f"expires on {_en_date(rng, end)}."
        )
    elif defined:
        # The preamble's Effective Date stays the effective date.
        sentences.append(
            "This Agreement shall remain in effect until terminated by either "
            "Party in accordance with its terms."
        )
    else:
        facts.effective = signed
        sentences.append(
            "This Agreement takes effect on the date of signing and shall remain "
            "in effect until terminated by either Party in accordance with its "
            "terms."
        )
    renewal = rng.random()
    if facts.expiry is not None and renewal < 0.3:
        facts.renewal = True
        sentences.append(
            rng.choice(
                [
                    "Upon expiry, this Agreement shall automatically renew for successive "
                    "periods of "
                    "one (1) year unless either Party gives written notice of non-renewal at least "
                    "sixty (60) days before the end of the then-current term.",
                    "Thereafter, the Agreement will be renewed automatically for further "
                    "twelve-month "
                    "periods unless terminated earlier.",
                ]
            )
        )
    elif facts.expiry is not None and renewal < 0.55:
        sentences.append(
            rng.choice(
                [
                    "This Agreement shall not automatically renew.",
                    "There shall be no automatic renewal; any extension shall be agreed in "
                    "writing.",
                    "This Agreement will not be renewed automatically.",
                ]
            )
        )
    elif renewal < 0.7:
        sentences.append("The Parties may extend this Agreement by written amendment.")
    facts.term_text = sentences


# --- standard clauses -----------------------------------------------------------------------

# Per clause: heading variants, and the sentences of its article; the first sentence also
# stands alone inside another article (`Điều khoản chung`, `Miscellaneous`).
_VI_CLAUSES: dict[str, tuple[list[str], list[str]]] = {
    "payment": (
        ["Phương thức thanh toán", "Thanh toán", "Điều khoản thanh toán"],
        [
            "Bên A thanh toán cho Bên B bằng hình thức chuyển khoản trong vòng 30 ngày kể từ "
            "ngày nhận được hóa đơn giá trị gia tăng hợp lệ và biên bản nghiệm thu.",
            "Đồng tiền thanh toán là Việt Nam đồng. Mọi chi phí chuyển tiền do bên chuyển chịu.",
        ],
    ),
    "confidentiality": (
        ["Bảo mật thông tin", "Bảo mật", "Điều khoản bảo mật"],
        [
            "Mỗi bên cam kết giữ bí mật mọi thông tin liên quan đến hợp đồng này và không tiết lộ "
            "cho bên thứ ba khi chưa có sự đồng ý bằng văn bản của bên kia.",
            "Nghĩa vụ bảo mật tiếp tục có hiệu lực trong thời hạn 02 năm kể từ ngày chấm dứt hợp "
            "đồng.",
        ],
    ),
    "termination": (
        [
            "Chấm dứt hợp đồng",
            "Tạm ngừng, đơn phương chấm dứt hợp đồng",
            "Chấm dứt và thanh lý hợp đồng",
        ],
        [
            "Mỗi bên có quyền đơn phương chấm dứt hợp đồng nếu bên kia vi phạm nghiêm trọng nghĩa "
            "vụ và không khắc phục trong vòng 15 ngày kể từ ngày nhận được thông báo bằng văn bản.",
            "Trong trường hợp chấm dứt hợp đồng trước thời hạn, các bên có trách nhiệm đối chiếu "
            "công nợ và thanh lý hợp đồng trong vòng 30 ngày.",
        ],
    ),
    "dispute_resolution": (
        ["Giải quyết tranh chấp", "Tranh chấp và giải quyết tranh chấp"],
        [
            "Mọi tranh chấp phát sinh từ hoặc liên quan đến hợp đồng này trước hết được giải quyết "
            "bằng thương lượng, hòa giải giữa các bên.",
            "Trường hợp không thương lượng được trong vòng 30 ngày, một trong các bên có quyền đưa "
            "tranh chấp ra {forum} để giải quyết{law}.",
        ],
    ),
    "force_majeure": (
        ["Bất khả kháng", "Sự kiện bất khả kháng", "Trường hợp bất khả kháng"],
        [
            "Bên bị ảnh hưởng bởi sự kiện bất khả kháng phải thông báo cho bên kia trong vòng 07 "
            "ngày kể từ ngày xảy ra sự kiện và được miễn trách nhiệm trong thời gian bị ảnh hưởng.",
            "Sự kiện bất khả kháng bao gồm thiên tai, hỏa hoạn, dịch bệnh, chiến tranh và các sự "
            "kiện khách quan khác không thể lường trước.",
        ],
    ),
    "liability": (
        ["Trách nhiệm bồi thường thiệt hại", "Bồi thường thiệt hại", "Giới hạn trách nhiệm"],
        [
            "Bên vi phạm có trách nhiệm bồi thường toàn bộ thiệt hại thực tế, trực tiếp phát sinh "
            "cho bên bị vi phạm do hành vi vi phạm gây ra.",
            "Tổng mức bồi thường của mỗi bên không vượt quá giá trị hợp đồng.",
        ],
    ),
    "warranty": (
        ["Bảo hành", "Bảo hành và bảo trì", "Chế độ bảo hành"],
        [
            "Bên B bảo hành hàng hóa, sản phẩm trong thời hạn {warranty} kể từ ngày bàn giao, "
            "nghiệm thu.",
            "Trong thời gian bảo hành, Bên B có trách nhiệm sửa chữa hoặc thay thế miễn phí trong "
            "vòng 72 giờ kể từ khi nhận được yêu cầu.",
        ],
    ),
    "penalty": (
        ["Phạt vi phạm hợp đồng", "Phạt vi phạm"],
        [
            "Bên vi phạm nghĩa vụ hợp đồng phải chịu phạt vi phạm bằng {rate}% giá trị phần nghĩa "
            "vụ hợp đồng bị vi phạm.",
            "Trường hợp chậm thanh toán, bên chậm trả phải trả thêm tiền lãi trên số tiền chậm trả "
            "theo lãi suất cho vay trung bình của ngân hàng.",
        ],
    ),
    "governing_law": (
        ["Luật áp dụng", "Luật điều chỉnh"],
        ["Hợp đồng này được điều chỉnh và giải thích theo pháp luật {country}."],
    ),
}
_EN_CLAUSES: dict[str, tuple[list[str], list[str]]] = {
    "payment": (
        ["Payment", "Fees and Payment", "Payment Terms", "Price and Payment"],
        [
            "{payer} shall pay each undisputed invoice within thirty (30) days of receipt by bank "
            "transfer to the account designated by {payee}.",
            "Late payments shall bear interest at the rate of one percent (1%) per month.",
        ],
    ),
    "confidentiality": (
        ["Confidentiality", "Confidential Information"],
        [
            "Each Party shall keep confidential all Confidential Information received from the "
            "other Party and shall not disclose it to any third party without prior written "
            "consent.",
            "These obligations shall survive for three (3) years after the end of this Agreement.",
        ],
    ),
    "termination": (
        ["Termination", "Termination of Agreement"],
        [
            "Either Party may terminate this Agreement by giving thirty (30) days' written notice "
            "to the other Party if the other Party commits a material breach that is not cured "
            "within that period.",
            "Termination shall not affect any rights accrued before the date of termination.",
        ],
    ),
    "dispute_resolution": (
        ["Dispute Resolution", "Disputes", "Arbitration"],
        [
            "Any dispute arising out of or in connection with this Agreement shall first be "
            "settled amicably by negotiation between the Parties.",
            "If the dispute cannot be settled within thirty (30) days, it shall be finally "
            "resolved "
            "by {forum}.",
        ],
    ),
    "force_majeure": (
        ["Force Majeure"],
        [
            "Neither Party shall be responsible for any failure or delay in performance caused by "
            "an event of force majeure, including natural disasters, epidemics, war and acts of "
            "government.",
            "The affected Party shall notify the other Party in writing within seven (7) days of "
            "the event.",
        ],
    ),
    "liability": (
        ["Limitation of Liability", "Liability", "Indemnity"],
        [
            "Each Party's aggregate liability under this Agreement shall not exceed the total "
            "amounts paid under this Agreement in the twelve (12) months preceding the claim.",
            "Neither Party shall be liable for any indirect or consequential loss.",
        ],
    ),
    "warranty": (
        ["Warranties", "Warranty", "Representations and Warranties"],
        [
            "{warrantor} warrants that the {subject} shall be free from defects in materials and "
            "workmanship for a period of {warranty} from acceptance.",
            "Defective items shall be repaired or replaced free of charge.",
        ],
    ),
    "penalty": (
        ["Penalties", "Liquidated Damages", "Penalty for Late Performance"],
        [
            "If {warrantor} fails to perform on time, it shall pay a penalty of 0.5% of the value "
            "of the delayed obligation for each week of delay, up to a maximum of 8% of the "
            "Contract Price.",
            "The Parties agree that such amounts are a genuine pre-estimate of loss.",
        ],
    ),
    "governing_law": (
        ["Governing Law", "Applicable Law"],
        ["This Agreement shall be governed by and construed in accordance with the laws of {law}."],
    ),
}


def _pick_clauses(
    rng: random.Random, always: tuple[str, ...], likely: tuple[str, ...], rare: tuple[str, ...]
) -> list[str]:
    chosen = list(always)
    chosen += [name for name in likely if rng.random() < 0.75]
    chosen += [name for name in rare if rng.random() < 0.3]
    return [name for name in CONTRACT_CLAUSES if name in chosen]


# --- Vietnamese contracts -------------------------------------------------------------------

_VI_TITLES_BY_KIND = {
    "sale": [
        "HỢP ĐỒNG MUA BÁN HÀNG HÓA",
        "HỢP ĐỒNG MUA BÁN",
        "HỢP ĐỒNG KINH TẾ",
        "HỢP ĐỒNG CUNG CẤP HÀNG HÓA",
        "HỢP ĐỒNG NGUYÊN TẮC MUA BÁN HÀNG HÓA",
    ],
    "service": [
        "HỢP ĐỒNG DỊCH VỤ",
        "HỢP ĐỒNG CUNG CẤP DỊCH VỤ",
        "HỢP ĐỒNG TƯ VẤN",
        "HỢP ĐỒNG CUNG CẤP DỊCH VỤ VỆ SINH CÔNG NGHIỆP TÒA NHÀ VĂN PHÒNG",
        "HỢP ĐỒNG DỊCH VỤ BẢO TRÌ HỆ THỐNG ĐIỀU HÒA KHÔNG KHÍ VÀ THÔNG GIÓ",
        "HỢP ĐỒNG PHÁT TRIỂN PHẦN MỀM QUẢN LÝ BÁN HÀNG",
    ],
    "lease": [
        "HỢP ĐỒNG THUÊ VĂN PHÒNG",
        "HỢP ĐỒNG CHO THUÊ VĂN PHÒNG",
        "HỢP ĐỒNG THUÊ MẶT BẰNG KINH DOANH",
        "HỢP ĐỒNG THUÊ NHÀ XƯỞNG",
    ],
    "individual": ["HỢP ĐỒNG DỊCH VỤ", "HỢP ĐỒNG CỘNG TÁC VIÊN", "HỢP ĐỒNG KHOÁN VIỆC"],
    "nda": ["THỎA THUẬN BẢO MẬT THÔNG TIN", "HỢP ĐỒNG BẢO MẬT THÔNG TIN"],
    "cooperation": ["HỢP ĐỒNG HỢP TÁC KINH DOANH", "HỢP ĐỒNG HỢP TÁC"],
}
_VI_ROLES = {
    "sale": [("BÊN A", "BÊN MUA"), ("BÊN B", "BÊN BÁN")],
    "service": [("BÊN A", "BÊN SỬ DỤNG DỊCH VỤ"), ("BÊN B", "BÊN CUNG CẤP DỊCH VỤ")],
    "lease": [("BÊN A", "BÊN CHO THUÊ"), ("BÊN B", "BÊN THUÊ")],
    "individual": [("BÊN A", "BÊN THUÊ DỊCH VỤ"), ("BÊN B", "BÊN CUNG CẤP DỊCH VỤ")],
    "nda": [("BÊN A", "BÊN TIẾT LỘ THÔNG TIN"), ("BÊN B", "BÊN NHẬN THÔNG TIN")],
    "cooperation": [("BÊN A", ""), ("BÊN B", ""), ("BÊN C", "")],
}
_VI_NUMBER_SUFFIX = {
    "sale": "HĐMB",
    "service": "HĐDV",
    "lease": "HĐTVP",
    "individual": "HĐDV",
    "nda": "TTBM",
    "cooperation": "HĐHT",
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:].lower()


def _vi_heading(letter: str, role: str, rng: random.Random, upper: bool) -> str:
    """`BÊN A (BÊN MUA)`, `Bên mua (Bên A)`, `BÊN A - BÊN MUA`, or `BÊN A` alone."""
    letter_text = letter if upper else f"Bên {letter.split()[-1]}"
    role_text = role if upper else _cap(role)
    if not role:
        return letter_text
    return rng.choice(
        [
            f"{letter_text} ({role_text})",
            f"{role_text} ({letter_text})",
            f"{letter_text} - {role_text}",
        ]
    )


def _vi_rows(party: _Party, rng: random.Random, *, paired: bool) -> list[list[tuple[str, str]]]:
    """A party's labelled facts as rows of (label, value): one pair a row, or two on some
    rows (`Điện thoại … Fax …`, `Đại diện … Chức vụ …`)."""
    honorific = f"{party.honorific} " if party.honorific and rng.random() < 0.85 else ""
    rows: list[list[tuple[str, str]]] = []
    address_label = (
        "Địa chỉ thường trú"
        if party.individual
        else rng.choice(["Địa chỉ", "Địa chỉ", "Trụ sở chính", "Địa chỉ trụ sở chính"])
    )
    rows.append([(address_label, party.address)])
    for label, value in party.extra:
        rows.append([(label, value)])
    phone = [(rng.choice(["Điện thoại", "Điện thoại", "ĐT", "Số điện thoại"]), party.phone)]
    if party.fax:
        phone.append(("Fax", party.fax))
    rows += [phone] if paired else [[pair] for pair in phone]
    if party.tax_id:
        tax_label = (
            "Mã số thuế cá nhân"
            if party.individual
            else rng.choice(["Mã số thuế", "Mã số thuế", "MST", "Mã số doanh nghiệp"])
        )
        rows.insert(rng.choice([0, len(rows)]), [(tax_label, party.tax_id)])
    if party.account:
        bank = f"{party.account} tại Ngân hàng {party.bank}"
        rows.append([(rng.choice(["Số tài khoản", "Tài khoản số", "STK"]), bank)])
    if party.email:
        rows.append([("Email", party.email)])
    if party.representative:
        label = rng.choice(
            [
                "Đại diện",
                "Đại diện",
                "Người đại diện",
                "Người đại diện theo pháp luật",
                "Đại diện bởi",
            ]
        )
        represent = [
            (label, f"{honorific}{party.representative}"),
            ("Chức vụ", party.position or ""),
        ]
        at = rng.choice([len(rows), len(rows), 1])
        if paired:
            rows.insert(at, represent)
        else:
            rows[at:at] = [[represent[0]], [represent[1]]]
        if rng.random() < 0.15:
            rows.insert(
                at + (1 if paired else 2),
                [
                    (
                        "",
                        f"(Theo Giấy ủy quyền số {rng.randint(1, 30):02d}/2026/GUQ ngày "
                        f"{rng.randint(1, 28):02d}/01/2026)",
                    )
                ],
            )
    return rows


def _vi_parties(
    w: _Writer, rng: random.Random, parties: list[_Party], headings: list[str], style: str
) -> None:
    size = w.style.size
    if style == "grid":
        label_width = 38.0
        column = (w.width - label_width) / len(parties)
        widths = [label_width] + [column] * len(parties)
        rows = [[""] + headings]
        rows.append(
            [rng.choice(["Tên doanh nghiệp", "Tên công ty", "Tên đơn vị"])]
            + [party.name for party in parties]
        )
        labels = [
            ("Địa chỉ", "address"),
            ("Mã số thuế", "tax_id"),
            ("Điện thoại", "phone"),
            ("Người đại diện", "representative"),
            ("Chức vụ", "position"),
        ]
        for label, key in labels:
            values = []
            for party in parties:
                value = getattr(party, key) or ""
                if key == "representative" and value and party.honorific:
                    value = f"{party.honorific} {value}"
                values.append(value)
            if any(values):
                rows.append([label] + values)
        w.table(rows, widths, header=True)
        return
    if style == "side":
        half = w.width / 2
        gap = 7.0
        cells = [(0.0, half - gap), (half + gap, w.width)]
        w.columns(
            [
                (x0, x1, [(heading + ":", True)], False)
                for (x0, x1), heading in zip(cells, headings, strict=True)
            ]
        )
        w.columns(
            [
                (x0, x1, [(party.name, True)], False)
                for (x0, x1), party in zip(cells, parties, strict=True)
            ]
        )
        tables = [_vi_rows(party, rng, paired=False) for party in parties]
        for number in range(max(len(rows) for rows in tables)):
            row_cells: list[tuple[float, float, list[Run] | str, bool]] = []
            for (x0, x1), rows in zip(cells, tables, strict=True):
                if number < len(rows) and rows[number][0][1]:
                    label, value = rows[number][0]
                    row_cells.append((x0, x1, f"{label}: {value}" if label else value, False))
            w.columns(row_cells, size=size)
        return
    for number, (party, heading) in enumerate(zip(parties, headings, strict=True)):
        w.space(0.4)
        if style == "paragraph":
            _vi_paragraph(w, rng, party, number)
            continue
        name_shape = rng.random()
        honorific = f"{party.honorific} " if party.individual and party.honorific else ""
        if name_shape < 0.55:
            w.paragraph([(f"{heading}: ", True), (f"{honorific}{party.name}", True)])
        elif name_shape < 0.8:
            w.paragraph([(heading, True)])
            label = (
                "Họ và tên"
                if party.individual
                else rng.choice(["Tên doanh nghiệp", "Tên công ty", "Tên đơn vị"])
            )
            w.paragraph([(f"{label}: ", False), (f"{honorific}{party.name}", True)])
        else:
            w.paragraph([(heading + ":", True)])
            w.paragraph([(f"{honorific}{party.name}", True)])
        rows = _vi_rows(party, rng, paired=style == "lines2")
        if style == "table":
            flat = [pair for row in rows for pair in row if pair[0]]
            w.table([[label, value] for label, value in flat], [45.0, w.width - 45.0], header=False)
            continue
        for row in rows:
            if len(row) == 1:
                label, value = row[0]
                w.paragraph(f"{label}: {value}" if label else value, indent=4)
            else:
                # Two facts on one row, the second at a tab stop.
                (l1, v1), (l2, v2) = row
                w.columns(
                    [
                        (4.0, w.width * 0.58, f"{l1}: {v1}", False),
                        (w.width * 0.62, w.width, f"{l2}: {v2}", False),
                    ]
                )


def _vi_paragraph(w: _Writer, rng: random.Random, party: _Party, number: int) -> None:
    alias = f"Bên {'ABC'[number]}"
    honorific = party.honorific or "Ông"
    if party.individual:
        born = party.extra[0][1]
        card = party.extra[1][1]
        text = (
            f"{honorific} {party.name}, sinh ngày {born}, CCCD số {card}, địa chỉ thường "
            f"trú: {party.address}"
        )
        if party.tax_id:
            text += f", mã số thuế cá nhân: {party.tax_id}"
        text += f" (sau đây gọi là “{alias}”);"
        w.paragraph([(text, False)], hanging=f"{number + 1}.")
        return
    runs: list[Run] = [(party.name, True)]
    if rng.random() < 0.5:
        tail = f", có trụ sở tại {party.address}"
        if party.tax_id:
            tail += f", mã số thuế {party.tax_id}"
        tail += (
            f", do {honorific} {party.representative}, chức vụ {party.position}, làm đại "
            f"diện (sau đây gọi là “{alias}”);"
        )
    else:
        tail = f" (sau đây gọi là “{alias}”), địa chỉ: {party.address}"
        if party.tax_id:
            tail += f"; mã số doanh nghiệp: {party.tax_id}"
        tail += f"; người đại diện: {honorific} {party.representative} – {party.position};"
    runs.append((tail, False))
    w.paragraph(runs, hanging=f"{number + 1}.")


def _vi_value(rng: random.Random, kind: str, facts: _Facts) -> list[Any]:
    """The paragraphs (and goods table) stating the price, and the truth they make."""
    items: list[Any] = []
    chan = " chẵn" if rng.random() < 0.4 else ""
    if kind == "sale":
        goods = rng.sample(_GOODS_VI, rng.randint(2, 5))
        rows = [["STT", "Tên hàng hóa", "ĐVT", "Số lượng", "Đơn giá (đồng)", "Thành tiền (đồng)"]]
        subtotal = 0
        for number, (name, unit, price) in enumerate(goods, start=1):
            quantity = rng.randint(1, 40)
            subtotal += quantity * price
            rows.append(
                [str(number), name, unit, str(quantity), _vnd(price), _vnd(quantity * price)]
            )
        vat = subtotal * rng.choice([8, 10]) // 100
        total = subtotal + vat
        rows.append(["", "Cộng tiền hàng", "", "", "", _vnd(subtotal)])
        rows.append(["", f"Thuế GTGT ({vat * 100 // subtotal}%)", "", "", "", _vnd(vat)])
        in_table = rng.random() < 0.25
        rows.append(
            ["", "Tổng giá trị hợp đồng" if in_table else "Tổng cộng", "", "", "", _vnd(total)]
        )
        items.append(("table", rows, [10, 58, 16, 18, 28, 30], "clcrrr"))
        if not in_table:
            items.append(
                f"Tổng giá trị hợp đồng: {_vnd(total)} đồng (Bằng chữ: "
                f"{vietnamese_words(total)}{chan})."
            )
        facts.value, facts.currency = Decimal(total), "VND"
        return items
    if kind == "nda":
        return items
    if kind == "cooperation":
        amount = rng.randint(10, 500) * 100_000_000
        items.append(
            f"Tổng vốn góp của các bên là {_vnd(amount)} đồng, được góp theo tỷ lệ thỏa "
            "thuận tại Phụ lục 01 của hợp đồng này."
        )
        return items
    amount = rng.randint(20_000, 3_000_000) * 1000
    if kind == "lease":
        amount = rng.randint(15, 300) * 1_000_000
    words = vietnamese_words(amount)
    if kind == "lease":
        area = rng.randint(50, 600)
        items.append(
            f"Giá thuê: {_vnd(amount)} đồng/tháng (Bằng chữ: {words} mỗi tháng), đã "
            f"bao gồm phí dịch vụ quản lý, chưa bao gồm thuế GTGT. Diện tích thuê: {area} m²."
        )
        items.append(f"Tiền đặt cọc: {_vnd(amount * 3)} đồng, tương đương 03 tháng tiền thuê.")
        if rng.random() < 0.4:
            total = amount * facts.months
            items.append(f"Tổng giá trị hợp đồng trong toàn bộ thời hạn thuê: {_vnd(total)} đồng.")
            facts.value, facts.currency = Decimal(total), "VND"
        return items
    if rng.random() < 0.3:
        unit = "đồng/tháng" if kind == "service" else "đồng/tháng"
        label = "Phí dịch vụ" if kind == "service" else "Mức thù lao"
        items.append(f"{label}: {_vnd(amount)} {unit} (chưa bao gồm thuế GTGT).")
        return items
    shape = rng.random()
    if shape < 0.35 and kind == "service":
        pre = amount
        vat = pre // 10
        total = pre + vat
        items.append(
            f"Giá trị hợp đồng trước thuế: {_vnd(pre)} đồng. Thuế GTGT 10%: {_vnd(vat)} "
            f"đồng. Tổng giá trị hợp đồng sau thuế: {_vnd(total)} đồng (Bằng chữ: "
            f"{vietnamese_words(total)}{chan})."
        )
        facts.value = Decimal(total)
    elif shape < 0.45 and kind == "service":
        usd = rng.randint(2, 90) * 500
        items.append(
            f"Tổng giá trị hợp đồng: {_vnd(usd)} USD (Bằng chữ: "
            f"{vietnamese_words(usd)[:-5]} đô la Mỹ)."
        )
        facts.value, facts.currency = Decimal(usd), "USD"
        return items
    else:
        label = rng.choice(
            [
                "Tổng giá trị hợp đồng là",
                "Giá trị hợp đồng",
                "Tổng giá trị hợp đồng (đã bao gồm thuế GTGT)",
            ]
            + (["Tổng thù lao"] if kind == "individual" else [])
        )
        currency = rng.choice(["đồng", "đồng", "VNĐ", "VND"])
        items.append(f"{label}: {_vnd(amount)} {currency} (bằng chữ: {words}{chan}).")
        facts.value = Decimal(amount)
    facts.currency = "VND"
    return items


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _vi_articles(
    rng: random.Random,
    kind: str,
    facts: _Facts,
    clauses: list[str],
    value_items: list[Any],
    parties: list[_Party],
) -> list[tuple[str, list[Any]]]:
    """The contract's articles: (heading, body items) in order. Adds `governing_law` to
    `clauses` when the dispute article names the law."""
    forum = rng.choice(
        ["Tòa án nhân dân có thẩm quyền", "Trung tâm Trọng tài Quốc tế Việt Nam (VIAC)"]
    )
    law_article = "governing_law" in clauses
    law_in_dispute = "dispute_resolution" in clauses and rng.random() < 0.5
    if law_article or law_in_dispute:
        facts.law = "Vietnam"
        if "governing_law" not in clauses:
            clauses.append("governing_law")
    fill = {
        "warranty": _vi_term(rng, rng.choice([6, 12, 24])),
        "forum": forum,
        "rate": str(rng.choice([5, 8])),
        "law": " theo quy định của pháp luật Việt Nam" if law_in_dispute else "",
        "country": rng.choice(["Việt Nam", "nước Cộng hòa xã hội chủ nghĩa Việt Nam"]),
    }
    # Some clauses are a sentence of the closing article rather than an article of their own
    # (not a dispute clause that names the law: the law is its second sentence).
    embedded = [
        name
        for name in CONTRACT_CLAUSES
        if name in clauses
        and name != "payment"
        and (name != "governing_law" or law_article)
        and (name != "dispute_resolution" or not law_in_dispute)
        and rng.random() < 0.2
    ]
    subject = {
        "sale": (
            "Hàng hóa, số lượng và giá trị hợp đồng",
            ["Bên B đồng ý bán và Bên A đồng ý mua các mặt hàng sau:"],
        ),
        "service": (
            "Nội dung dịch vụ và giá trị hợp đồng",
            [
                "Bên B cung cấp cho Bên A dịch vụ theo phạm vi, khối lượng và tiêu chuẩn quy "
                "định tại Phụ lục 01 kèm theo hợp đồng này."
            ],
        ),
        "lease": (
            "Đối tượng thuê và giá thuê",
            [
                f"Bên A đồng ý cho Bên B thuê văn phòng tại {parties[0].address} để làm văn "
                "phòng làm việc."
            ],
        ),
        "individual": (
            "Nội dung công việc và thù lao",
            [
                "Bên B thực hiện công việc tư vấn, hỗ trợ chuyên môn theo yêu cầu của "
                "Bên A và báo cáo kết quả hằng tháng."
            ],
        ),
        "nda": (
            "Thông tin bảo mật",
            [
                "Thông tin bảo mật là mọi thông tin kỹ thuật, tài chính, khách hàng và kinh "
                "doanh mà Bên A cung cấp cho Bên B dưới mọi hình thức."
            ],
        ),
        "cooperation": (
            "Mục đích hợp tác và vốn góp",
            [
                "Các bên hợp tác đầu tư, kinh doanh trên cơ sở cùng góp vốn và cùng "
                "phân chia kết quả kinh doanh."
            ],
        ),
    }[kind]
    articles: list[tuple[str, list[Any]]] = [(subject[0], subject[1] + value_items)]
    if kind == "sale":
        delivery = (facts.signed or date(2026, 1, 1)) + timedelta(days=20)
        articles.append(
            (
                "Thời gian, địa điểm và phương thức giao hàng",
                [
                    f"Bên B giao hàng tại kho của Bên A chậm nhất {_vi_date(rng, delivery)}. "
                    "Chi phí vận chuyển do Bên B chịu."
                ],
            )
        )
    if kind == "nda":
        articles.append(
            (
                "Nghĩa vụ của bên nhận thông tin",
                [
                    "Bên B chỉ sử dụng thông tin bảo mật cho mục đích đánh giá khả năng hợp "
                    "tác giữa các bên.",
                    "Khi Bên A yêu cầu, Bên B phải hoàn trả hoặc tiêu hủy toàn bộ tài liệu "
                    "chứa thông tin bảo mật.",
                ],
            )
        )
    done: set[str] = set(embedded)
    for name in CONTRACT_CLAUSES:
        if name not in clauses or name in done or (name == "governing_law" and not law_article):
            continue
        headings, body = _VI_CLAUSES[name]
        count = 2 if name == "dispute_resolution" and law_in_dispute else rng.randint(1, 2)
        sentences = [sentence.format(**fill) for sentence in body[:count]]
        if name == "liability" and "penalty" in done:
            continue
        if (
            name == "penalty"
            and "liability" in clauses
            and "liability" not in done
            and rng.random() < 0.4
        ):
            articles.append(
                (
                    "Phạt vi phạm và bồi thường thiệt hại",
                    [sentences[0], _VI_CLAUSES["liability"][1][0].format(**fill)],
                )
            )
            done.update(("penalty", "liability"))
            continue
        articles.append((rng.choice(headings), sentences))
        done.add(name)
        if name == "payment":
            articles.append(
                (
                    rng.choice(["Quyền và nghĩa vụ của các bên", "Trách nhiệm của các bên"]),
                    [
                        "Bên A có trách nhiệm phối hợp, cung cấp thông tin và tạo điều kiện "
                        "để Bên B thực hiện hợp đồng.",
                        "Bên B chịu trách nhiệm về chất lượng công việc, hàng hóa theo đúng "
                        "thỏa thuận.",
                    ],
                )
            )
    closing = list(facts.term_text)
    closing += [_VI_CLAUSES[name][1][0].format(**fill) for name in embedded]
    closing.append(
        f"Hợp đồng được lập thành {rng.choice(['02', '04', '06'])} bản có giá trị "
        "pháp lý như nhau, mỗi bên giữ số bản bằng nhau."
    )
    heading = rng.choice(
        ["Hiệu lực hợp đồng", "Thời hạn và hiệu lực hợp đồng", "Điều khoản chung"]
        if not embedded
        else ["Điều khoản chung"]
    )
    articles.append((heading, closing))
    return articles


def _vietnamese(rng: random.Random, kind: str) -> GeneratedDocument:
    style = _Style(
        font=rng.choice(["times", "times", "sans", "serif", "arial"]),
        size=rng.choice([10.0, 10.5, 11.0, 11.5, 12.0]),
        spacing=rng.uniform(1.3, 1.6),
        left=rng.uniform(20, 30),
        right=rng.uniform(15, 20),
        top=rng.uniform(12, 20),
        bottom=rng.uniform(18, 24),
    )
    w = _Writer(style, rng.choice([None, None, "Trang"]))
    taken: set[str] = set()
    count = 3 if kind == "cooperation" else 2
    parties = [_vi_company(rng, taken) for _ in range(count)]
    if kind == "individual":
        parties[1] = _vi_individual(rng)
    if kind == "lease" and rng.random() < 0.3:
        parties[0] = _vi_individual(rng)
    blank_date = rng.random() < 0.06
    signed = date(2025, 6, 1) + timedelta(days=rng.randint(0, 420))
    facts = _Facts(signed)
    _vi_effect(rng, facts, kind, signing_known=not blank_date)
    if blank_date:
        # A template whose date was left blank: nothing counts from an unknown signing.
        facts.signed = None
    value_items = _vi_value(rng, kind, facts)
    clauses = _pick_clauses(
        rng,
        {
            "sale": ("payment",),
            "service": ("payment",),
            "lease": ("payment",),
            "individual": ("payment",),
            "nda": ("confidentiality",),
            "cooperation": (),
        }[kind],
        ("dispute_resolution", "termination", "force_majeure"),
        ("confidentiality", "liability", "penalty", "governing_law")
        + (("warranty",) if kind in ("sale", "service") else ()),
    )
    articles = _vi_articles(rng, kind, facts, clauses, value_items, parties)
    title = rng.choice(_VI_TITLES_BY_KIND[kind])
    year = (facts.signed or signed).year
    number = None
    if rng.random() < 0.88:
        number = rng.choice(
            [
                f"{rng.randint(1, 99):02d}/{year}/{_VI_NUMBER_SUFFIX[kind]}",
                f"{rng.randint(1, 250)}/{year}/{_VI_NUMBER_SUFFIX[kind]}-{rng.choice(['MP', 'AB', 'SV', 'HG'])}",  # noqa: E501
                f"{rng.randint(1, 999):03d}-{year}/{_VI_NUMBER_SUFFIX[kind]}",
                f"HĐ{year}{rng.randint(1, 9999):04d}",
            ]
        )

    # Header: the national motto, alone or beside the drafting company's name.
    beside = rng.random() < 0.12
    if beside:
        left = (0.0, w.width * 0.42)
        right = (w.width * 0.42, w.width)
        w.columns(
            [
                (*left, [(parties[0].name, True)], True),
                (*right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True)], True),
            ],
            size=9.5,
        )
        w.columns(
            [
                (*left, f"Số: {number}" if number else "", True),
                (*right, [("Độc lập - Tự do - Hạnh phúc", True)], True),
            ],
            size=9.5,
        )
    else:
        w.centre("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
        w.centre("Độc lập - Tự do - Hạnh phúc", bold=True)
        separator = rng.choice(["---oOo---", "-------***-------", None, None])
        if separator:
            w.centre(separator)
    top_date = facts.signed is not None and rng.random() < 0.25
    if top_date:
        city = rng.choice(["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Hải Phòng"])
        text = f"{city}, {_vi_date(rng, facts.signed)}"
        w.columns([(w.width * 0.45, w.width, text, True)])
    w.space(1.0)
    title_size = style.size + rng.choice([3, 4, 5])
    if w.measure(title, True, title_size) > w.width * 0.9:
        words = title.split()
        for cut in range(len(words) - 1, 0, -1):
            if w.measure(" ".join(words[:cut]), True, title_size) <= w.width * 0.9:
                break
        w.centre(" ".join(words[:cut]), bold=True, size=title_size)
        w.centre(" ".join(words[cut:]), bold=True, size=title_size)
    else:
        w.centre(title, bold=True, size=title_size)
    if number and not beside:
        w.centre(
            rng.choice(
                [f"Số: {number}", f"Số: {number}", f"(Số: {number})", f"Số hợp đồng: {number}"]
            )
        )
    w.space(0.6)
    bases = [
        "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24/11/2015 của Quốc hội;",
        "Căn cứ Luật Thương mại số 36/2005/QH11 ngày 14/6/2005;",
    ]
    if kind == "lease":
        bases.append("Căn cứ Luật Kinh doanh bất động sản số 29/2023/QH15;")
    bases.append(
        rng.choice(
            [
                "Căn cứ nhu cầu và khả năng của các bên.",
                "Căn cứ vào nhu cầu và khả năng thực tế của hai bên;",
            ]
        )
    )
    if rng.random() < 0.75:
        bullet = "-" if rng.random() < 0.5 else None
        for line in bases[rng.randint(0, 1) :]:
            w.paragraph(line, hanging=bullet)
    place = rng.choice(["tại Hà Nội", "tại trụ sở Bên A", "tại TP. Hồ Chí Minh"])
    if facts.signed is None:
        w.paragraph(f"Hôm nay, ngày ..... tháng ..... năm {year}, {place}, chúng tôi gồm:")
    elif top_date:
        w.paragraph(rng.choice(["Chúng tôi gồm:", "Chúng tôi gồm có:"]))
    else:
        w.paragraph(
            rng.choice(
                [
                    f"Hôm nay, {_vi_date(rng, facts.signed)}, {place}, chúng tôi gồm:",
                    f"Hôm nay, {_vi_date(rng, facts.signed)}, chúng tôi gồm có:",
                    f"Hợp đồng này được lập và ký {_vi_date(rng, facts.signed)} {place} giữa "
                    f"các bên "
                    "sau đây:",
                ]
            )
        )
    shape = rng.choice(["upper", "upper", "mixed"])
    headings = [
        _vi_heading(letter, role, rng, shape == "upper") for letter, role in _VI_ROLES[kind]
    ]
    styles = ["lines", "lines", "lines2", "table", "paragraph"]
    if count == 2 and not any(party.individual for party in parties):
        styles += ["grid", "side"]
    _vi_parties(w, rng, parties, headings, rng.choice(styles))
    w.space(0.5)
    w.paragraph(
        rng.choice(
            [
                "Sau khi bàn bạc, hai bên thống nhất ký kết hợp đồng với các điều khoản sau:",
                "Các bên thỏa thuận ký kết hợp đồng với những điều khoản và điều kiện sau đây:",
            ]
        )
    )
    heading_style = rng.choice(
        ["Điều {n}. {h}", "ĐIỀU {n}: {H}", "Điều {n}: {h}", "ĐIỀU {n}. {H}", "Điều {n} - {h}"]
    )
    numbering = rng.choice(["dotted", "dash", "plain"])
    for n, (heading, body) in enumerate(articles, start=1):
        w.space(0.4)
        w.paragraph(heading_style.format(n=n, h=heading, H=heading.upper()), bold=True)
        for k, item in enumerate(body, start=1):
            if isinstance(item, tuple):
                _, rows, widths, aligns = item
                scale = w.width / sum(widths)
                w.table(rows, [width * scale for width in widths], header=True, aligns=aligns)
            elif numbering == "dotted" and len(body) > 1:
                w.paragraph(item, hanging=f"{n}.{k}.")
            elif numbering == "dash" and len(body) > 1:
                w.paragraph(item, hanging="-")
            else:
                w.paragraph(item, first_indent=rng.choice([0.0, 8.0]))
    _vi_signatures(w, rng, parties, [role or letter for letter, role in _VI_ROLES[kind]])
    fields = {
        "contract_number": number,
        "title": title,
        "signing_date": _iso(facts.signed),
        "effective_date": _iso(facts.effective),
        "expiry_date": _iso(facts.expiry),
        "parties": [party.truth(f"party_{'abc'[index]}") for index, party in enumerate(parties)],
        "total_value": _money(facts.value),
        "currency": facts.currency if facts.value is not None else None,
        "governing_law": facts.law,
        "clauses": [name for name in CONTRACT_CLAUSES if name in clauses],
        "auto_renewal": facts.renewal,
    }
    return GeneratedDocument("contract", "vi", w.bytes(), fields)


def _vi_signatures(w: _Writer, rng: random.Random, parties: list[_Party], roles: list[str]) -> None:
    w.space(1.5)
    width = w.width / len(parties)
    cells = [(index * width, (index + 1) * width) for index in range(len(parties))]
    prefix = rng.choice(["ĐẠI DIỆN ", ""])
    w.columns(
        [
            (x0, x1, [(f"{prefix}{role}", True)], True)
            for (x0, x1), role in zip(cells, roles, strict=True)
        ]
    )
    w.columns(
        [
            (x0, x1, "(Ký, ghi rõ họ tên" + ("" if party.individual else ", đóng dấu") + ")", True)
            for (x0, x1), party in zip(cells, parties, strict=True)
        ],
        size=9,
    )
    if rng.random() < 0.5:
        w.columns(
            [
                (x0, x1, [((party.position or "").upper(), True)], True)
                for (x0, x1), party in zip(cells, parties, strict=True)
            ]
        )
    w.space(4)
    w.columns(
        [
            (x0, x1, [(party.representative or party.name, True)], True)
            for (x0, x1), party in zip(cells, parties, strict=True)
        ]
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _money(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- English contracts ----------------------------------------------------------------------

_EN_TITLES_BY_KIND = {
    "agreement": [
        "SERVICE AGREEMENT",
        "CONSULTING SERVICES AGREEMENT",
        "ECONOMIC CONTRACT",
        "SUPPLY AGREEMENT",
        "SOFTWARE DEVELOPMENT AGREEMENT",
    ],
    "sales": ["SALES CONTRACT", "SALE AND PURCHASE CONTRACT", "SALES AND PURCHASE AGREEMENT"],
    "msa": [
        "MASTER SERVICES AGREEMENT",
        "Master Services Agreement",
        "PROFESSIONAL SERVICES AGREEMENT",
    ],
    "nda": [
        "MUTUAL NON-DISCLOSURE AGREEMENT",
        "NON-DISCLOSURE AGREEMENT",
        "CONFIDENTIALITY AGREEMENT",
    ],
    "uk": [
        "SERVICES AGREEMENT",
        "SUPPLY OF SERVICES AGREEMENT",
        "DATA PROCESSING SERVICES AGREEMENT",
    ],
    "lease": ["OFFICE LEASE AGREEMENT", "LEASE AGREEMENT", "OFFICE LEASE CONTRACT"],
}
# Per kind: party headings and defined terms.
_EN_ROLES = {
    "agreement": [("PARTY A", "Party A"), ("PARTY B", "Party B")],
    "sales": [("THE SELLER", "Seller"), ("THE BUYER", "Buyer")],
    "msa": [("", "Provider"), ("", "Customer")],
    "nda": [("", "Party A"), ("", "Party B")],
    "uk": [("", "Supplier"), ("", "Customer")],
    "lease": [("LESSOR", "Lessor"), ("LESSEE", "Lessee")],
}
_CURRENCY_PRINT = {
    "USD": ["USD {a}", "US${a}", "${a}"],
    "EUR": ["EUR {a}"],
    "GBP": ["GBP {a}", "£{a}"],
    "SGD": ["SGD {a}"],
    "VND": ["VND {a}"],
}
_CURRENCY_WORDS = {
    "USD": "United States dollars",
    "EUR": "euros",
    "GBP": "pounds sterling",
    "SGD": "Singapore dollars",
    "VND": "Vietnamese dong",
}


def _en_amount(rng: random.Random, value: Decimal, currency: str) -> str:
    cents = value != value.to_integral_value() or rng.random() < 0.4
    figures = f"{value:,.2f}" if cents and currency != "VND" else f"{int(value):,}"
    return rng.choice(_CURRENCY_PRINT[currency]).format(a=figures)


def _en_rows(party: _Party, rng: random.Random, *, paired: bool) -> list[list[tuple[str, str]]]:
    honorific = f"{party.honorific} " if party.honorific and rng.random() < 0.8 else ""
    rows: list[list[tuple[str, str]]] = [
        [
            (
                rng.choice(
                    ["Address", "Address", "Registered address", "Head office", "Registered office"]
                ),
                party.address,
            )
        ]
    ]
    if party.tax_id:
        rows.insert(
            rng.choice([0, 1]),
            [
                (
                    rng.choice(
                        [
                            "Tax code",
                            "Tax code",
                            "Tax ID",
                            "Enterprise code",
                            "Tax identification number",
                        ]
                    ),
                    party.tax_id,
                )
            ],
        )
    elif party.registration:
        rows.append([("Registration No.", party.registration.split()[-1])])
    rows.append([(rng.choice(["Tel", "Telephone", "Phone"]), party.phone)])
    if party.account and rng.random() < 0.6:
        rows.append([("Bank account", f"{party.account} at {party.bank}")])
    represent = [
        (
            rng.choice(
                ["Represented by", "Represented by", "Representative", "Legal representative"]
            ),
            f"{honorific}{party.representative}",
        ),
        (rng.choice(["Position", "Title", "Designation"]), party.position or ""),
    ]
    at = rng.choice([len(rows), len(rows), 1])
    if paired:
        rows.insert(at, represent)
    else:
        rows[at:at] = [[represent[0]], [represent[1]]]
    return rows


def _en_labelled_parties(
    w: _Writer, rng: random.Random, parties: list[_Party], headings: list[str], style: str
) -> None:
    for party, heading in zip(parties, headings, strict=True):
        w.space(0.4)
        if rng.random() < 0.65:
            w.paragraph([(f"{heading}: ", True), (party.name, True)])
        else:
            w.paragraph([(heading, True)])
            w.paragraph([(rng.choice(["Company name", "Name"]) + ": ", False), (party.name, True)])
        rows = _en_rows(party, rng, paired=style == "lines2")
        if style == "table":
            flat = [pair for row in rows for pair in row]
            w.table([[label, value] for label, value in flat], [42.0, w.width - 42.0], header=False)
            continue
        for row in rows:
            if len(row) == 1:
                w.paragraph(f"{row[0][0]}: {row[0][1]}", indent=4)
            else:
                (l1, v1), (l2, v2) = row
                w.columns(
                    [
                        (4.0, w.width * 0.58, f"{l1}: {v1}", False),
                        (w.width * 0.62, w.width, f"{l2}: {v2}", False),
                    ]
                )


def _en_party_sentence(party: _Party, alias: str, rng: random.Random, *, represented: bool) -> str:
    """A party as an English recital describes it: name, what it is, where, its tax code,
    who represents it, and the defined term it goes by."""
    office = rng.choice(
        [
            "whose registered office is at",
            "with its registered office at",
            "having its principal place of business at",
        ]
    )
    text = f"{party.name}, {party.description}, {office} {party.address}"
    if party.tax_id:
        text += f", {rng.choice(['tax code', 'enterprise code', 'Tax ID'])} {party.tax_id}"
    elif party.registration and rng.random() < 0.6:
        text += f", {party.registration}"
    if represented:
        honorific = f"{party.honorific} " if party.honorific else ""
        text += f", represented by {honorific}{party.representative}, {party.position}"
    return text + f" (the \u201c{alias}\u201d)"


def _en_signatures(
    w: _Writer,
    rng: random.Random,
    kind: str,
    parties: list[_Party],
    headings: list[str],
    aliases: list[str],
) -> None:
    w.space(1.2)
    half = w.width / 2
    cells = [(0.0, half - 5), (half + 5, w.width)]
    if kind == "uk":
        for party in parties:
            w.space(0.8)
            w.paragraph(
                f"Signed by {party.representative}, {party.position}, for and on behalf "
                f"of {party.name}"
            )
            w.paragraph("..............................................")
        return
    w.paragraph(
        rng.choice(
            [
                "IN WITNESS WHEREOF, the Parties have caused this Agreement to be executed by "
                "their "
                "duly authorised representatives as of the date first written above.",
                "This Agreement is made in two (2) originals of equal validity, each Party "
                "keeping one.",
            ]
        )
    )
    w.space(0.8)
    if kind in ("msa", "nda"):
        first = "For and on behalf of" if kind == "nda" else None
        if first:
            w.columns([(x0, x1, first, False) for x0, x1 in cells])
        w.columns(
            [
                (x0, x1, [(party.name.upper(), True)], False)
                for (x0, x1), party in zip(cells, parties, strict=True)
            ]
        )
        w.space(2)
        w.columns([(x0, x1, "By: ______________________", False) for x0, x1 in cells])
        w.columns(
            [
                (x0, x1, f"Name: {party.representative}", False)
                for (x0, x1), party in zip(cells, parties, strict=True)
            ]
        )
        w.columns(
            [
                (x0, x1, f"Title: {party.position}", False)
                for (x0, x1), party in zip(cells, parties, strict=True)
            ]
        )
        return
    if kind == "sales":
        labels = [f"FOR {heading}" for heading in headings]
    else:
        prefix = rng.choice(["ON BEHALF OF", "REPRESENTATIVE OF", "FOR AND ON BEHALF OF"])
        labels = [f"{prefix} {alias.upper()}" for alias in aliases]
    w.columns(
        [(x0, x1, [(label, True)], True) for (x0, x1), label in zip(cells, labels, strict=True)]
    )
    w.columns([(x0, x1, "(Signature, full name and seal)", True) for x0, x1 in cells], size=9)
    w.space(4)
    w.columns(
        [
            (x0, x1, [(party.representative or "", True)], True)
            for (x0, x1), party in zip(cells, parties, strict=True)
        ]
    )
    w.columns(
        [
            (x0, x1, party.position or "", True)
            for (x0, x1), party in zip(cells, parties, strict=True)
        ]
    )


def _english(rng: random.Random, kind: str) -> GeneratedDocument:
    style = _Style(
        font=rng.choice(["times", "arial", "sans", "serif"]),
        size=rng.choice([10.0, 10.5, 11.0, 11.5]),
        spacing=rng.uniform(1.25, 1.55),
        left=rng.uniform(20, 28),
        right=rng.uniform(18, 25),
        top=rng.uniform(15, 22),
        bottom=rng.uniform(18, 24),
    )
    w = _Writer(style, rng.choice([None, None, "Page"]))
    taken: set[str] = set()
    foreign = rng.choice(["us", "uk", "sg"])
    if kind == "uk":
        foreign = "uk"
    elif kind == "msa":
        foreign = "us" if rng.random() < 0.7 else foreign
    local = _en_vn_company(rng, taken)
    if kind == "agreement" and rng.random() < 0.6:
        parties = [local, _en_vn_company(rng, taken)]
    else:
        other = _foreign_company(rng, foreign, taken)
        parties = (
            [other, local]
            if kind in ("msa", "uk", "sales") and rng.random() < 0.6
            else [local, other]
        )
    roles = _EN_ROLES[kind]
    headings = [heading for heading, _ in roles]
    aliases = [alias for _, alias in roles]
    signed = date(2025, 6, 1) + timedelta(days=rng.randint(0, 420))
    facts = _Facts(signed)
    # The recital of an MSA or NDA defines the Effective Date as the date it is entered into.
    defined = kind in ("msa", "nda")
    if defined:
        facts.effective = signed
    _en_effect(rng, facts, kind, defined=defined)
    title = rng.choice(_EN_TITLES_BY_KIND[kind])
    number = None
    if rng.random() < (0.5 if kind in ("msa", "uk", "nda") else 0.9):
        number = rng.choice(
            [
                f"{rng.randint(1, 99):02d}/{signed.year}/{''.join(p[0] for p in title.split()[:2]).upper()}",  # noqa: E501
                f"{rng.choice(['SA', 'SC', 'MSA', 'AGR'])}-{signed.year}-{rng.randint(1, 999):03d}",
                f"{rng.randint(100, 999)}/{signed.year}/HD-{rng.choice(['NW', 'GF', 'MP'])}",
            ]
        )

    # Value and currency.
    foreign_currency = {"us": "USD", "uk": "GBP", "sg": rng.choice(["SGD", "USD"])}[foreign]
    currency = "VND" if all(p.country == "vn" for p in parties) else foreign_currency
    if kind == "sales":
        currency = rng.choice(["USD", "USD", "EUR"])
    value_items: list[Any] = []
    if kind == "sales":
        goods = rng.sample(_GOODS_EN, rng.randint(2, 4))
        rows = [
            [
                "No.",
                "Commodity",
                "Unit",
                "Quantity",
                f"Unit price ({currency})",
                f"Amount ({currency})",
            ]
        ]
        total = Decimal(0)
        for number_, (name, unit, price) in enumerate(goods, start=1):
            quantity = rng.randint(10, 2000)
            total += quantity * price
            rows.append(
                [
                    str(number_),
                    name,
                    unit,
                    f"{quantity:,}",
                    f"{price:,.2f}",
                    f"{quantity * price:,.2f}",
                ]
            )
        rows.append(["", "Total", "", "", "", f"{total:,.2f}"])
        value_items.append(("table", rows, [10, 60, 14, 20, 28, 30], "clcrrr"))
        value_items.append(
            f"Total Contract Value: {_en_amount(rng, total, currency)} (Say: "
            f"{_CURRENCY_WORDS[currency]} {_en_words(int(total))} only)."
        )
        facts.value, facts.currency = total, currency
    elif kind != "nda":
        amount = Decimal(rng.randint(4, 400) * (1_000_000 if currency == "VND" else 250))
        printed = _en_amount(rng, amount, currency)
        words = f"{_en_words(int(amount))} {_CURRENCY_WORDS[currency]}"
        monthly = rng.random() < (0.6 if kind == "lease" else 0.25)
        if monthly:
            what = "monthly rent" if kind == "lease" else "monthly service fee"
            value_items.append(f"The {what} is {printed} ({words}) per month, exclusive of VAT.")
        else:
            value_items.append(
                rng.choice(
                    [
                        f"The total Contract Price is {printed} ({words}), inclusive of VAT.",
                        f"Contract value: {printed}.",
                        f"In consideration of the Services, the "
                        f"{aliases[1] if kind != 'lease' else 'Lessee'}"
                        f" shall pay a total fee of {printed} ({words}).",
                        f"Total Contract Value: {printed} ({words}).",
                    ]
                )
            )
            facts.value, facts.currency = amount, currency

    clauses = _pick_clauses(
        rng,
        {
            "agreement": ("payment",),
            "sales": ("payment",),
            "msa": ("payment",),
            "nda": ("confidentiality",),
            "uk": ("payment",),
            "lease": ("payment",),
        }[kind],
        ("dispute_resolution", "termination", "governing_law"),
        ("confidentiality", "force_majeure", "liability", "penalty")
        + (("warranty",) if kind in ("sales", "agreement", "msa") else ()),
    )
    if "governing_law" in clauses:
        if any(p.country != "vn" for p in parties) and rng.random() < 0.6:
            printed_law, facts.law = rng.choice(_FOREIGN[foreign]["laws"])
        else:
            printed_law, facts.law = rng.choice(_VN_LAWS_EN)
    else:
        printed_law = ""
    forum = rng.choice(
        [
            "arbitration at the Singapore International Arbitration Centre (SIAC) in accordance "
            "with its rules",
            "arbitration at the Vietnam International Arbitration Centre (VIAC)",
            "the competent courts" + (f" of {printed_law}" if printed_law else ""),
        ]
    )
    payer, payee = (aliases[1], aliases[0]) if kind in ("msa", "uk") else (aliases[0], aliases[1])
    fill = {
        "payer": payer if kind != "lease" else "Lessee",
        "payee": payee if kind != "lease" else "Lessor",
        "warrantor": aliases[0] if kind in ("msa", "uk") else aliases[1],
        "subject": "Goods" if kind == "sales" else "Services",
        "warranty": _en_term(rng, rng.choice([6, 12, 24])),
        "forum": forum,
        "law": printed_law,
    }
    subject = {
        "agreement": (
            "Scope of Services",
            [
                "Party B shall provide the services described in "
                "Appendix 1 to Party A in a professional manner."
            ],
        ),
        "sales": (
            "Commodity, Quantity and Price",
            ["The Seller agrees to sell and the Buyer agrees to buy the following goods:"],
        ),
        "msa": (
            "Services",
            [
                "Provider shall perform the services described in each Statement "
                "of Work agreed by the Parties."
            ],
        ),
        "nda": (
            "Purpose",
            [
                "The Parties wish to exchange information to evaluate a possible "
                "business relationship (the \u201cPurpose\u201d)."
            ],
        ),
        "uk": (
            "Supply of Services",
            [
                "The Supplier shall supply the Services to the Customer "
                "from the Commencement Date in accordance with this "
                "agreement."
            ],
        ),
        "lease": (
            "Premises",
            [
                f"The Lessor leases to the Lessee the office premises at "
                f"{parties[0].address} (the \u201cPremises\u201d)."
            ],
        ),
    }[kind]
    articles: list[tuple[str, list[Any]]] = []
    if kind in ("msa", "uk"):
        definitions = [
            "In this Agreement, \u201cServices\u201d means the services described in Schedule 1."
        ]
        if "confidentiality" in clauses:
            definitions.append(
                "\u201cConfidential Information\u201d means all information of "
                "a Party that is marked or would reasonably be regarded as "
                "confidential."
            )
        articles.append(("Definitions and Interpretation", definitions))
    articles.append((subject[0], subject[1] + value_items))
    term_heading = (
        "Term and Termination" if "termination" in clauses and rng.random() < 0.4 else "Term"
    )
    embedded = [
        name
        for name in clauses
        if name not in ("payment", "confidentiality") and rng.random() < 0.15
    ]
    for name in CONTRACT_CLAUSES:
        if name not in clauses or name in embedded:
            continue
        if name == "termination" and term_heading == "Term and Termination":
            continue
        headings_, body = _EN_CLAUSES[name]
        articles.append(
            (
                rng.choice(headings_),
                [sentence.format(**fill) for sentence in body[: rng.randint(1, 2)]],
            )
        )
        if name == "payment" and kind != "nda":
            articles.append(
                (
                    "Obligations of the Parties",
                    [
                        "Each Party shall perform its obligations in good faith and provide the "
                        "other "
                        "Party with the information reasonably required.",
                    ],
                )
            )
    term_body = list(facts.term_text)
    if term_heading == "Term and Termination":
        term_body.append(_EN_CLAUSES["termination"][1][0].format(**fill))
    articles.insert(min(len(articles), 2 + (kind in ("msa", "uk"))), (term_heading, term_body))
    closing = [_EN_CLAUSES[name][1][0].format(**fill) for name in embedded]
    closing.append(
        "This Agreement constitutes the entire agreement between the Parties and "
        "may only be amended in writing signed by both Parties."
    )
    articles.append(
        (
            "Miscellaneous" if embedded else rng.choice(["Entire Agreement", "Miscellaneous"]),
            closing,
        )
    )

    # Header and preamble.
    w.space(0.5)
    title_size = style.size + rng.choice([3, 4, 5])
    w.centre(title, bold=True, size=title_size)
    if number:
        w.centre(
            rng.choice(
                [
                    f"No.: {number}",
                    f"No. {number}",
                    f"Contract No.: {number}",
                    f"Ref: {number}",
                    f"Agreement No. {number}",
                ]
            )
        )
    w.space(0.8)
    date_text = _en_date(rng, signed)
    if kind == "uk":
        w.paragraph([("THIS AGREEMENT", True), (f" is dated {date_text}", False)])
        w.space(0.5)
        w.paragraph("PARTIES", bold=True)
        for index, (party, alias) in enumerate(zip(parties, aliases, strict=True)):
            text = (
                f"{party.name} {party.description.removeprefix('a company ')} "
                f"{'with ' + party.registration if party.registration else ''} whose "
                f"registered office is at {party.address} ({alias})"
            )
            if party.tax_id:
                text = (
                    f"{party.name}, a company incorporated in Vietnam with enterprise code "
                    f"{party.tax_id}, whose registered office is at {party.address} ({alias})"
                )
            w.paragraph(
                " ".join(text.split()) + ("; and" if index == 0 else "."), hanging=f"({index + 1})"
            )
        w.space(0.5)
        w.paragraph("BACKGROUND", bold=True)
        w.paragraph(
            f"The {aliases[1]} wishes to obtain services and the {aliases[0]} has agreed "
            "to supply them on the terms of this agreement.",
            hanging="(A)",
        )
        w.space(0.5)
        w.paragraph("AGREED TERMS", bold=True)
    elif kind in ("msa", "nda"):
        represented = kind == "nda" and rng.random() < 0.6
        opening = (
            f"This {title.title()} (the \u201cAgreement\u201d) is entered into as of "
            f"{date_text} (the \u201cEffective Date\u201d) by and between"
        )
        if kind == "msa" or rng.random() < 0.4:
            sentences = [
                _en_party_sentence(party, alias, rng, represented=represented)
                for party, alias in zip(parties, aliases, strict=True)
            ]
            w.paragraph(f"{opening} {sentences[0]}, and {sentences[1]}.")
        else:
            w.paragraph(f"{opening}:")
            for index, (party, alias) in enumerate(zip(parties, aliases, strict=True)):
                sentence = _en_party_sentence(party, alias, rng, represented=represented)
                w.paragraph(sentence + ("; and" if index == 0 else "."), hanging=f"({index + 1})")
        w.space(0.4)
        w.paragraph(
            "WHEREAS, the Parties wish to set out the terms on which they will work "
            "together; NOW, THEREFORE, the Parties agree as follows:"
        )
    else:
        if rng.random() < 0.5:
            w.paragraph(
                rng.choice(
                    [
                        f"This Agreement is made on {date_text} by and between:",
                        f"Today, {date_text}, we, the undersigned, are:",
                        f"This Contract is made and entered into on {date_text} between:",
                    ]
                )
            )
        else:
            w.paragraph(f"Date: {date_text}")
        _en_labelled_parties(
            w, rng, parties, headings, rng.choice(["lines", "lines", "lines2", "table"])
        )
        w.space(0.4)
        w.paragraph(
            "After discussion, the Parties agree to enter into this "
            f"{'Contract' if 'CONTRACT' in title else 'Agreement'} on the following "
            "terms and conditions:"
        )
    heading_style = rng.choice(
        ["Article {n}. {h}", "ARTICLE {n}: {H}", "{n}. {H}", "Clause {n} - {h}", "{n}. {h}"]
    )
    if kind in ("msa", "uk"):
        heading_style = rng.choice(["{n}. {H}", "{n}. {h}"])
    for n, (heading, body) in enumerate(articles, start=1):
        w.space(0.4)
        w.paragraph(heading_style.format(n=n, h=heading, H=heading.upper()), bold=True)
        for k, item in enumerate(body, start=1):
            if isinstance(item, tuple):
                _, rows, widths, aligns = item
                scale = w.width / sum(widths)
                w.table(rows, [width * scale for width in widths], header=True, aligns=aligns)
            elif len(body) > 1 or kind in ("msa", "uk"):
                w.paragraph(item, hanging=f"{n}.{k}")
            else:
                w.paragraph(item)
    _en_signatures(w, rng, kind, parties, headings, aliases)
    fields = {
        "contract_number": number,
        "title": title,
        "signing_date": signed.isoformat(),
        "effective_date": _iso(facts.effective),
        "expiry_date": _iso(facts.expiry),
        "parties": [party.truth(f"party_{'ab'[index]}") for index, party in enumerate(parties)],
        "total_value": _money(facts.value),
        "currency": facts.currency if facts.value is not None else None,
        "governing_law": facts.law,
        "clauses": [name for name in CONTRACT_CLAUSES if name in clauses],
        "auto_renewal": facts.renewal,
    }
    return GeneratedDocument("contract", "en", w.bytes(), fields)


def contract(
    seed: int = 0, *, language: str = "vi", layout: str | None = None
) -> GeneratedDocument:
    """A contract drawn from the seed; `layout` picks the kind (see LAYOUTS)."""
    rng = random.Random(f"contract-{language}-{seed}")
    kind = layout or rng.choices(LAYOUTS[language], weights=_WEIGHTS[language])[0]
    if kind not in LAYOUTS[language]:
        raise ValueError(f"no {language} contract layout {kind!r}")
    return _vietnamese(rng, kind) if language == "vi" else _english(rng, kind)
