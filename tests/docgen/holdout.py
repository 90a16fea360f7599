"""Held-out layouts: documents written apart from the extractors, to measure how they generalise.

These generators were written from what real documents look like (Decree 123 / Circular 78
e-invoice prints, US / UK / Singapore invoices, Vietnamese and English contracts, TopCV-style
and English CVs, Decree 30 `công văn`), never from what the extractors handle: other
suppliers, law firms, candidates and ministries than the tuned generators', with other label
wording, arrangements, type faces and sizes, wrapped long names, bilingual labels, grid tables,
two-column pages and absent optional fields. They share only `tests.docgen.common`.

Each function returns a `GeneratedDocument` whose `fields` is the exact record SCHEMA.md asks
for: every value as printed, normalised by SCHEMA's rules. Conventions where a reading could
differ:

- contracts: an expiry computed from a stated term is the start date plus the term in months,
  same day of the month (start days are kept at 28 or below); an expiry printed as a date is
  that date. `governing_law` names the jurisdiction (`Vietnam`, `England and Wales`,
  `California`); a party's `representative` is the person's name without `Ông`/`Bà`/`Mr.`
  (from the signature block when the parties are described in prose); a company
  registration number is not a tax id; the date at the head (`THIS AGREEMENT is dated`,
  `Hôm nay, ngày …`, `Hà Nội, ngày …`) is the signing date; `có hiệu lực kể từ ngày ký` /
  `commence on the date of this agreement` make the effective date the signing date.
- invoices: a bank account is the account number alone (a bank name printed beside it is not
  part of it); a line's `vat_rate` is set only when the table prints a rate per line; an
  individual buyer (no company printed) is the buyer's `name`.
- CVs: languages are the language names (a proficiency printed after them is not part of
  them); `years_of_experience` sums each job's months, both ends included, open-ended jobs up
  to 2026-11, over 12, to one decimal; experience is listed in the order printed (most
  CVs print the newest job first); the graduation year is the education's `end_year`.
- dispatch: `signer_title` is the signer's own office, the line right above the signature
  (not the `TM.` / `KT.` authority lines); `recipients` and `cc` items drop the leading `- `
  and the closing `;` / `.`.

`layout_of()` names the layout a seed uses; `LAYOUTS` lists them per type and language.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fpdf import FPDF

from tests.docgen.common import FONT_DIR, GeneratedDocument, _Pdf, _s, mst, vietnamese_words

PRESENT_MONTH = 2026 * 12 + 10  # open-ended jobs count up to 2026-11 inclusive

LAYOUTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("invoice", "vi"): ("vi_bilingual", "vi_multirate", "vi_compact"),
    ("invoice", "en"): ("en_template", "en_uk", "en_export"),
    ("contract", "vi"): ("vi_service", "vi_lease", "vi_partnership"),
    ("contract", "en"): ("en_uk_msa", "en_us_consulting", "en_sales"),
    ("cv", "vi"): ("vi_topcv", "vi_table", "vi_modern"),
    ("cv", "en"): ("en_us", "en_uk", "en_vn"),
    ("dispatch", "vi"): ("company", "ministry", "province"),
}


def _rng(doc_type: str, language: str, seed: int) -> random.Random:
    return random.Random(f"holdout-{doc_type}-{language}-{seed}")


def layout_of(doc_type: str, seed: int, language: str = "vi") -> str:
    """The layout `doc_type`'s generator uses for `seed`. Consecutive pairs of seeds share
    one, so that the benchmark's alternation (Vietnamese on even seeds, English on odd ones)
    still walks every layout of each language in turn."""
    names = LAYOUTS[(doc_type, language)]
    return names[(seed // 2) % len(names)]


# --- the page writer ---------------------------------------------------------------------

_CREATED = datetime(2026, 1, 1, tzinfo=UTC)  # fixed, so a seed always gives the same bytes
_FACES: dict[str, tuple[str, dict[str, str]]] = {
    "sans": (
        "HoldSans",
        {
            "": "DejaVuSans.ttf",
            "B": "DejaVuSans-Bold.ttf",
            "I": "DejaVuSans-Oblique.ttf",
            "BI": "DejaVuSans-BoldOblique.ttf",
        },
    ),
    "serif": (
        "HoldSerif",
        {
            "": "DejaVuSerif.ttf",
            "B": "DejaVuSerif-Bold.ttf",
            "I": "DejaVuSerif-Italic.ttf",
            "BI": "DejaVuSerif-BoldItalic.ttf",
        },
    ),
    "cond": (
        "HoldCond",
        {
            "": "DejaVuSansCondensed.ttf",
            "B": "DejaVuSansCondensed-Bold.ttf",
            "I": "DejaVuSansCondensed-Oblique.ttf",
            "BI": "DejaVuSansCondensed-BoldOblique.ttf",
        },
    ),
}


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


class _Page(_Pdf):
    """The shared positioned-text writer with more faces (serif, condensed, italics), any
    type size, wrapping, grid tables and a cursor that turns the page."""

    def __init__(self, face: str = "sans", *, top: float = 20.0, bottom: float = 278.0) -> None:
        # `_Pdf.__init__` would parse two sans faces up front; a face is loaded here on its
        # first use instead (parsing fonts is most of a document's cost).
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.add_page()
        self.pdf.set_creation_date(_CREATED)
        self.family, self._files = _FACES[face]
        self._loaded: set[str] = set()
        self.top, self.bottom = top, bottom
        self.y = top

    def font(self, size: float = 10, bold: bool = False, italic: bool = False) -> None:
        style = ("B" if bold else "") + ("I" if italic else "")
        if style not in self._loaded:
            self.pdf.add_font(self.family, style, str(FONT_DIR / self._files[style]))
            self._loaded.add(style)
        self.pdf.set_font(self.family, style, size)

    def width(
        self, value: str, size: float = 10, bold: bool = False, italic: bool = False
    ) -> float:
        self.font(size, bold, italic)
        return float(self.pdf.get_string_width(_nfc(value)))

    def put(
        self,
        x: float,
        y: float,
        value: str,
        size: float = 10,
        bold: bool = False,
        italic: bool = False,
    ) -> None:
        if value:
            self.font(size, bold, italic)
            self.pdf.text(x, y, _nfc(value))

    def put_right(
        self,
        x1: float,
        y: float,
        value: str,
        size: float = 10,
        bold: bool = False,
        italic: bool = False,
    ) -> None:
        self.put(x1 - self.width(value, size, bold, italic), y, value, size, bold, italic)

    def put_centre(
        self,
        cx: float,
        y: float,
        value: str,
        size: float = 10,
        bold: bool = False,
        italic: bool = False,
    ) -> None:
        self.put(cx - self.width(value, size, bold, italic) / 2, y, value, size, bold, italic)

    def wrap(
        self,
        value: str,
        width: float,
        size: float = 10,
        bold: bool = False,
        italic: bool = False,
    ) -> list[str]:
        """Lines of at most `width` mm, broken at spaces; `\\n` forces a break."""
        lines: list[str] = []
        for paragraph in value.split("\n"):
            line = ""
            for word in paragraph.split():
                trial = f"{line} {word}" if line else word
                if line and self.width(trial, size, bold, italic) > width:
                    lines.append(line)
                    line = word
                else:
                    line = trial
            lines.append(line)
        return lines

    def para(
        self,
        x: float,
        y: float,
        value: str,
        width: float,
        size: float = 10,
        bold: bool = False,
        italic: bool = False,
        leading: float | None = None,
    ) -> float:
        """A wrapped paragraph from baseline `y`; returns the last line's baseline."""
        step = leading or size * 0.48
        lines = self.wrap(value, width, size, bold, italic)
        for index, line in enumerate(lines):
            self.put(x, y + index * step, line, size, bold, italic)
        return y + (len(lines) - 1) * step

    def labelled(
        self,
        x: float,
        y: float,
        label: str,
        value: str,
        width: float,
        size: float = 10,
        value_bold: bool = False,
        leading: float | None = None,
        label_bold: bool = False,
    ) -> float:
        """`label value` with the value wrapped under itself; returns the last baseline."""
        self.put(x, y, label, size, bold=label_bold)
        vx = x + self.width(label, size, bold=label_bold) + self.width(" ", size)
        return self.para(vx, y, value, x + width - vx, size, value_bold, leading=leading)

    def flow(
        self,
        x: float,
        value: str,
        width: float,
        size: float = 10,
        bold: bool = False,
        italic: bool = False,
        leading: float | None = None,
        after: float = 0.0,
    ) -> None:
        """A paragraph at the cursor, turning the page when it runs out; the cursor ends one
        line below it (plus `after`)."""
        step = leading or size * 0.48
        for line in self.wrap(value, width, size, bold, italic):
            self.need(step)
            self.put(x, self.y, line, size, bold, italic)
            self.y += step
        self.y += after

    def need(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.pdf.add_page()
            self.y = self.top

    def hline(self, x0: float, y: float, x1: float, width: float = 0.2) -> None:
        self.pdf.set_line_width(width)
        self.pdf.line(x0, y, x1, y)

    def vline(self, x: float, y0: float, y1: float, width: float = 0.2) -> None:
        self.pdf.set_line_width(width)
        self.pdf.line(x, y0, x, y1)

    def box(self, x: float, y: float, w: float, h: float, width: float = 0.2) -> None:
        self.pdf.set_line_width(width)
        self.pdf.rect(x, y, w, h)

    def shade(self, x: float, y: float, w: float, h: float, grey: int = 228) -> None:
        self.pdf.set_fill_color(grey)
        self.pdf.rect(x, y, w, h, style="F")

    def table(
        self,
        edges: Sequence[float],
        y: float,
        rows: Sequence[Sequence[str]],
        aligns: str,
        *,
        size: float = 9,
        bold_rows: Sequence[int] = (),
        italic_rows: Sequence[int] = (),
        grid: bool = True,
        rules: bool = False,
        shade_rows: Sequence[int] = (),
        pad: float = 1.4,
    ) -> float:
        """Rows of cells between column `edges`, each cell wrapped in its column; a full grid,
        or only horizontal `rules`; returns the y under the last row."""
        step = size * 0.45
        top = y
        if grid or rules:
            self.hline(edges[0], top, edges[-1])
        for number, cells in enumerate(rows):
            bold, italic = number in bold_rows, number in italic_rows
            wrapped = [
                self.wrap(cell, edges[i + 1] - edges[i] - 2 * pad, size, bold, italic)
                for i, cell in enumerate(cells)
            ]
            height = max(len(lines) for lines in wrapped) * step + 2.2
            if number in shade_rows:
                self.shade(edges[0], top, edges[-1] - edges[0], height)
            for i, lines in enumerate(wrapped):
                for k, line in enumerate(lines):
                    baseline = top + 1.0 + step * (k + 1) - 0.6
                    align = aligns[i] if i < len(aligns) else "l"
                    if align == "r":
                        self.put_right(edges[i + 1] - pad, baseline, line, size, bold, italic)
                    elif align == "c":
                        centre = (edges[i] + edges[i + 1]) / 2
                        self.put_centre(centre, baseline, line, size, bold, italic)
                    else:
                        self.put(edges[i] + pad, baseline, line, size, bold, italic)
            if grid:
                for x in edges:
                    self.vline(x, top, top + height)
            top += height
            if grid or rules:
                self.hline(edges[0], top, edges[-1])
        return top


# --- values as printed -------------------------------------------------------------------


def _vn_num(value: Decimal) -> str:
    """`1.250,5`: Vietnamese grouping and decimal comma."""
    text = _s(value)
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return grouped + ("," + fraction if fraction else "")


def _en_money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _round(value: Decimal, places: str = "1") -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def _dmy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _dmy_short(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _ngay(day: date, pad_month: bool = False) -> str:
    month = f"{day.month:02d}" if pad_month else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _decree30(day: date) -> str:
    """Decree 30/2020: a day below 10 and a month below 3 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def _uk_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _us_date(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _us_short(day: date) -> str:
    return f"{_MONTHS[day.month - 1][:3]} {day.day}, {day.year}"


def _sg_date(day: date) -> str:
    return f"{day.day:02d} {_MONTHS[day.month - 1][:3]} {day.year}"


def _day(rng: random.Random, first: date = date(2026, 1, 5), span: int = 300) -> date:
    return first + timedelta(days=rng.randint(0, span))


def _day28(rng: random.Random, first: date = date(2026, 1, 5), span: int = 300) -> date:
    """A date whose day of the month is at most 28 (a term in months lands on it)."""
    while True:
        day = _day(rng, first, span)
        if day.day <= 28:
            return day


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    assert day.day <= 28
    return date(day.year + index // 12, index % 12 + 1, day.day)


_ONES = [
    "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _en_words(number: int) -> str:
    """`one hundred twenty-five thousand four hundred`."""
    if number == 0:
        return "zero"
    parts: list[str] = []
    for scale, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (1, "")):
        chunk = number // scale % 1000
        if not chunk:
            continue
        words: list[str] = []
        if chunk >= 100:
            words.append(f"{_ONES[chunk // 100]} hundred")
        rest = chunk % 100
        if rest >= 20:
            words.append(_TENS[rest // 10] + (f"-{_ONES[rest % 10]}" if rest % 10 else ""))
        elif rest:
            words.append(_ONES[rest])
        parts.append(" ".join(words) + (f" {name}" if name else ""))
    return " ".join(parts)


def _title_words(text: str) -> str:
    return " ".join("-".join(p.capitalize() for p in word.split("-")) for word in text.split())


# --- people, organisations, places ---------------------------------------------------------

_HO = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Dương",
    "Lý", "Đinh", "Mai", "Lương", "Tạ", "Châu", "Kiều", "Vương",
]  # fmt: skip
_DEM_NAM = ["Văn", "Đức", "Quốc", "Minh", "Hoàng", "Công", "Thành", "Gia", "Xuân", "Hữu"]
_DEM_NU = ["Thị", "Ngọc", "Thu", "Mỹ", "Kim", "Bảo", "Hồng", "Diệu"]
_DEM2_NAM = ["Anh", "Tuấn", "Nhật", "Khắc"]
_DEM2_NU = ["Thanh", "Phương", "Bích", "Khánh"]
_TEN_NAM = [
    "Khánh", "Phúc", "Trí", "Sơn", "Huy", "Trường", "Tùng", "Nam", "Quân", "Thắng", "Vinh",
    "Đạt", "Hiếu", "Lâm",
]  # fmt: skip
_TEN_NU = [
    "Hương", "Linh", "Trân", "Thảo", "Oanh", "Tuyết", "Ngân", "Vy", "Yến", "Trang", "Nhung",
    "Hạnh", "Quyên",
]  # fmt: skip


def _vi_person(rng: random.Random) -> tuple[str, bool]:
    """A Vietnamese full name (three or four syllables) and whether it is a woman's."""
    female = rng.random() < 0.5
    parts = [rng.choice(_HO), rng.choice(_DEM_NU if female else _DEM_NAM)]
    if rng.random() < 0.35:
        parts.append(rng.choice(_DEM2_NU if female else _DEM2_NAM))
    parts.append(rng.choice(_TEN_NU if female else _TEN_NAM))
    return " ".join(parts), female


def _ascii(text: str) -> str:
    """Vietnamese without diacritics, as typed in English documents."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


_EN_FIRST = ["Jordan", "Emily", "Michael", "Sarah", "David", "Olivia", "James", "Priya", "Hannah"]
_EN_LAST = ["Lee", "Carter", "Nguyen", "O'Connor", "Kim", "Patel", "Walsh", "Brooks", "Reyes"]


def _en_person(rng: random.Random) -> str:
    return f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}"


# city, streets, (ward, district) pairs before the 2025 merger, wards after it
_VI_PLACES: list[tuple[str, list[str], list[tuple[str, str]], list[str]]] = [
    (
        "thành phố Hà Nội",
        ["phố Duy Tân", "phố Thái Hà", "đường Nguyễn Trãi", "phố Huế", "phố Láng Hạ"],
        [
            ("phường Dịch Vọng Hậu", "quận Cầu Giấy"),
            ("phường Trung Liệt", "quận Đống Đa"),
            ("phường Thượng Đình", "quận Thanh Xuân"),
        ],
        ["phường Cầu Giấy", "phường Đống Đa", "phường Thanh Xuân"],
    ),
    (
        "Thành phố Hồ Chí Minh",
        ["đường Nguyễn Thị Minh Khai", "đường Cộng Hòa", "đường Điện Biên Phủ"],
        [("Phường 6", "Quận 3"), ("Phường 13", "quận Tân Bình"), ("phường Tân Phong", "Quận 7")],
        ["phường Xuân Hòa", "phường Tân Sơn Nhất", "phường Tân Mỹ"],
    ),
    (
        "thành phố Đà Nẵng",
        ["đường Nguyễn Văn Linh", "đường Bạch Đằng", "đường Lê Duẩn"],
        [("phường Nam Dương", "quận Hải Châu"), ("phường Thạc Gián", "quận Thanh Khê")],
        ["phường Hải Châu", "phường Thanh Khê"],
    ),
    (
        "thành phố Hải Phòng",
        ["đường Lạch Tray", "phố Điện Biên Phủ"],
        [("phường Đằng Giang", "quận Ngô Quyền")],
        ["phường Gia Viên"],
    ),
]
_BUILDINGS = ["Sông Đà", "Viwaseen", "HITC", "Center Point", "Pacific Place"]


def _vi_address(rng: random.Random) -> str:
    city, streets, old_wards, new_wards = rng.choice(_VI_PLACES)
    street = rng.choice(streets)
    number = rng.randint(2, 250)
    house = rng.choice(
        [
            f"Số {number} {street}",
            f"Số {number}, ngõ {rng.randint(12, 180)} {street}",
            f"Tầng {rng.randint(3, 19)}, tòa nhà {rng.choice(_BUILDINGS)}, số {number} {street}",
        ]
    )
    if rng.random() < 0.6:
        ward, district = rng.choice(old_wards)
        return f"{house}, {ward}, {district}, {city}"
    return f"{house}, {rng.choice(new_wards)}, {city}"


def _vi_mobile(rng: random.Random) -> tuple[str, str]:
    """A mobile number printed one of the ways people type it, and its E.164 form."""
    prefix = rng.choice(["90", "91", "93", "94", "96", "97", "98", "32", "35", "38", "77", "86"])
    rest = f"{rng.randint(0, 9_999_999):07d}"
    digits = "0" + prefix + rest  # 10 digits
    printed = rng.choice(
        [
            f"{digits[:4]} {digits[4:7]} {digits[7:]}",
            f"{digits[:4]}.{digits[4:7]}.{digits[7:]}",
            f"{digits[:3]} {digits[3:6]} {digits[6:]}",
            f"(+84) {digits[1:4]} {digits[4:7]} {digits[7:]}",
            f"+84 {digits[1:4]} {digits[4:7]} {digits[7:]}",
        ]
    )
    return printed, "+84" + digits[1:]


def _vi_landline(rng: random.Random) -> str:
    area = rng.choice(["024", "028", "0236", "0225"])
    return f"({area}) {rng.randint(3000, 3999)} {rng.randint(1000, 9999)}"


def _account(rng: random.Random) -> str:
    return rng.choice(
        [
            f"00{rng.randint(10**10, 10**11 - 1)}",
            f"1903{rng.randint(10**9, 10**10 - 1)}",
            f"{rng.randint(10**11, 10**12 - 1)}",
        ]
    )


_VI_BANKS = [
    "Ngân hàng TMCP Ngoại thương Việt Nam - CN Thành Công",
    "Ngân hàng TMCP Kỹ thương Việt Nam - CN Hoàng Quốc Việt",
    "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam - CN Sở Giao dịch 1",
    "Ngân hàng TMCP Công thương Việt Nam - CN Đống Đa",
    "Ngân hàng TMCP Quân đội - CN Điện Biên Phủ",
]
_VI_BANKS_SHORT = ["Vietcombank CN Thành Công", "Techcombank CN Thăng Long", "BIDV CN Cầu Giấy"]

# name, initials for a logo, web domain
_VI_SELLERS = [
    ("CÔNG TY TNHH THIẾT BỊ VĂN PHÒNG HƯNG THỊNH", "HT", "hungthinh"),
    ("CÔNG TY CỔ PHẦN GIẢI PHÁP CÔNG NGHỆ VIỆT TIẾN", "VT", "viettien"),
    ("CÔNG TY TNHH MỘT THÀNH VIÊN THƯƠNG MẠI DỊCH VỤ VÀ XUẤT NHẬP KHẨU PHÚ QUÝ", "PQ", "phuquy"),
    ("CÔNG TY CỔ PHẦN VẬN TẢI VÀ LOGISTICS TÂN CẢNG MIỀN BẮC", "TC", "tancangmb"),
    ("CÔNG TY TNHH VẬT TƯ Y TẾ THIÊN ÂN", "TA", "thienanmed"),
    ("CÔNG TY CỔ PHẦN IN VÀ BAO BÌ ĐÔNG Á", "ĐA", "dongapack"),
    ("CHI NHÁNH CÔNG TY CỔ PHẦN ĐIỆN MÁY SÀI GÒN TẠI HÀ NỘI", "SG", "dienmaysg"),
    ("CÔNG TY TNHH KỸ THUẬT CƠ ĐIỆN LẠNH BÌNH AN", "BA", "binhanme"),
]
_VI_BUYERS = [
    "Công ty TNHH Kiến trúc Nội thất Lam Sơn",
    "CÔNG TY CỔ PHẦN DƯỢC PHẨM BÌNH MINH",
    "Công ty Cổ phần Đầu tư và Phát triển Nhà Hải Đăng",
    "TRƯỜNG TIỂU HỌC NGUYỄN TRÃI",
    "Công ty TNHH Giáo dục và Đào tạo Ánh Dương",
    "CÔNG TY TNHH SẢN XUẤT BAO BÌ NHỰA TOÀN CẦU VIỆT NAM",
    "Ngân hàng TMCP Phương Đông - Chi nhánh Thăng Long",
]


def _vi_tax_id(rng: random.Random, name: str) -> str:
    """A branch (`Chi nhánh`) has its parent's code and a three-digit suffix."""
    code = mst(rng)
    return f"{code}-{rng.randint(1, 12):03d}" if "chi nhánh" in name.lower() else code


# --- invoices ----------------------------------------------------------------------------

# description, unit, price range in thousands of đồng, fractional quantities allowed
_VI_GOODS: list[tuple[str, str, int, int, bool]] = [
    (
        "Máy tính xách tay Dell Latitude 5440 Core i5-1335U/16GB/512GB SSD",
        "Chiếc",
        18_000,
        26_000,
        False,
    ),
    ("Màn hình LG 27 inch 27MP400-B", "Cái", 2_800, 3_600, False),
    ("Giấy in Paper One A4 70gsm", "Ram", 62, 78, False),
    ("Ghế xoay văn phòng lưng lưới GX-203", "Chiếc", 1_150, 1_900, False),
    (
        "Dịch vụ vận chuyển hàng hóa tuyến Hà Nội - Hải Phòng (xe 5 tấn)",
        "Chuyến",
        3_500,
        5_200,
        False,
    ),
    ("Phí bảo trì hệ thống điều hòa trung tâm VRV tòa nhà văn phòng", "Gói", 8_000, 15_000, False),
    ("Thép cuộn CB240-T phi 8", "Kg", 14, 18, True),
    ("Dầu Diesel 0,05S-II", "Lít", 19, 23, True),
    ("Bộ lưu điện UPS Santak True Online C1K", "Bộ", 5_200, 6_400, False),
    ("Nước rửa tay khô kháng khuẩn 500ml", "Chai", 45, 80, False),
    ("Thùng carton 5 lớp kích thước 60x40x40 cm", "Thùng", 18, 32, False),
    ("Cước dịch vụ Internet cáp quang doanh nghiệp 300Mbps", "Tháng", 880, 2_200, False),
    ("Khẩu trang y tế 4 lớp (hộp 50 chiếc)", "Hộp", 35, 60, False),
    ("Sơn nước nội thất Dulux EasyClean 5L", "Thùng", 980, 1_450, False),
]


def _vi_items(rng: random.Random, count: int) -> list[dict[str, Any]]:
    items = []
    for description, unit, low, high, fractional in rng.sample(_VI_GOODS, count):
        if fractional:
            price = Decimal(rng.randint(low * 10, high * 10) * 100)
            quantity = Decimal(rng.randint(20, 2400)) + rng.choice(
                [Decimal(0), Decimal("0.5"), Decimal("0.25")]
            )
        else:
            price = Decimal(rng.randint(low, high) * 1000)
            if high >= 5_000:
                quantity = Decimal(rng.choice([1, 1, 2, 3, 4]))
            else:
                quantity = Decimal(rng.choice([1, 2, 3, 5, 6, 8, 10, 12, 15, 20, 24, 50, 120]))
        items.append(
            {
                "description": description,
                "unit": unit,
                "quantity": quantity,
                "unit_price": price,
                "amount": quantity * price,
                "vat_rate": None,
            }
        )
    return items


_SERIES_TAILS = ["AA", "YY", "HT", "TM", "AB", "KV"]  # the two letters a seller chooses


def _vi_invoice_parties(rng: random.Random) -> dict[str, Any]:
    seller_name, initials, domain = rng.choice(_VI_SELLERS)
    buyer_name = rng.choice(_VI_BUYERS)
    issued = _day(rng)
    return {
        "issued": issued,
        "series": f"{rng.choice('CK')}{issued.year % 100:02d}T{rng.choice(_SERIES_TAILS)}",
        "initials": initials,
        "domain": domain,
        "seller": {
            "name": seller_name,
            "tax_id": _vi_tax_id(rng, seller_name),
            "address": _vi_address(rng),
            "bank_account": _account(rng) if rng.random() < 0.75 else None,
        },
        "buyer": {
            "name": buyer_name,
            "tax_id": _vi_tax_id(rng, buyer_name),
            "address": _vi_address(rng),
            "bank_account": None,
        },
        "contact": _vi_person(rng)[0] if rng.random() < 0.6 else None,
    }


def _invoice_fields(
    *,
    number: str,
    series: str | None,
    form: str | None,
    issued: date,
    due: date | None,
    currency: str,
    seller: dict[str, Any],
    buyer: dict[str, Any],
    po: str | None,
    items: list[dict[str, Any]],
    subtotal: Decimal,
    vat: Decimal,
    total: Decimal,
    rate: str | None,
    words: str | None,
    paid: str | None = None,
) -> dict[str, Any]:
    """The printed invoice as a record; `paid` is the payment method as printed."""
    return {
        "invoice_number": number,
        "invoice_series": series,
        "invoice_form": form,
        "issue_date": issued.isoformat(),
        "due_date": due.isoformat() if due else None,
        "currency": currency,
        "seller": dict(seller),
        "buyer": dict(buyer),
        "po_number": po,
        "line_items": [
            {
                "description": item["description"],
                "unit": item["unit"],
                "quantity": _s(item["quantity"]),
                "unit_price": _s(item["unit_price"]),
                "amount": _s(item["amount"]),
                "vat_rate": item["vat_rate"],
            }
            for item in items
        ],
        "subtotal": _s(subtotal),
        "vat_amount": _s(vat),
        "total": _s(total),
        "vat_rate": rate,
        "amount_in_words": words,
        "tax_authority_code": None,
        "payment_method": _PAYMENT_METHODS[paid] if paid else None,
        "exchange_rate": None,
    }


# What the record says for each way an invoice prints its payment method.
_PAYMENT_METHODS = {
    "TM/CK": "cash_or_transfer",
    "Chuyển khoản": "transfer",
    "CK": "transfer",
    "TM": "cash",
}


def _inv_vi_bilingual(rng: random.Random) -> GeneratedDocument:
    """A bilingual e-invoice print: seller letterhead across the top, the title centred with
    serial and number beside it, a full grid table with the `6 = 4 x 5` numbering row and
    bordered totals, `Ký bởi` signature box."""
    p = _Page("sans")
    c = _vi_invoice_parties(rng)
    seller, buyer, issued = c["seller"], c["buyer"], c["issued"]
    number = f"{rng.randint(1, 9999):08d}"
    rate = rng.choice([Decimal(8), Decimal(10), Decimal(10), Decimal(5)])
    items = _vi_items(rng, rng.randint(1, 5))
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = _round(subtotal * rate / 100)
    total = subtotal + vat
    buyer_bank = _account(rng) if rng.random() < 0.3 else None
    buyer["bank_account"] = buyer_bank

    y = p.para(15, 16, seller["name"], 182, size=11.5, bold=True, leading=5.5)
    y += 5
    p.put(15, y, f"Mã số thuế (Tax code): {seller['tax_id']}", 9)
    y = p.labelled(15, y + 4.6, "Địa chỉ (Address):", seller["address"], 182, 9) + 4.6
    p.put(15, y, f"Điện thoại (Tel): {_vi_landline(rng)}", 9)
    p.put(110, y, f"Website: www.{c['domain']}.vn", 9)
    if seller["bank_account"]:
        y += 4.6
        p.put(15, y, f"Số tài khoản (A/C No.): {seller['bank_account']}", 9)
        y += 4.6
        p.put(15, y, f"Tại ngân hàng (Bank): {rng.choice(_VI_BANKS)}", 9)
    y += 3.5
    p.hline(15, y, 198, 0.4)
    y += 9
    p.put_centre(98, y, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG", 14, bold=True)
    p.put(150, y - 3.5, f"Ký hiệu (Serial): {'1'}{c['series']}", 8.5)
    p.put(150, y + 1.5, "Số (No.):", 8.5)
    p.put(150 + p.width("Số (No.): ", 8.5), y + 1.5, number, 10, bold=True)
    y += 5
    p.put_centre(98, y, "(VAT INVOICE)", 9, italic=True)
    y += 5
    p.put_centre(
        98,
        y,
        f"Ngày (Date) {issued.day:02d} tháng (month) {issued.month:02d} năm (year) {issued.year}",
        9,
        italic=True,
    )
    y += 4
    p.hline(15, y, 198, 0.4)
    y += 6
    if c["contact"]:
        p.put(15, y, f"Họ tên người mua hàng (Buyer): {c['contact']}", 9)
        y += 4.8
    y = p.labelled(15, y, "Tên đơn vị (Company name):", buyer["name"], 182, 9, value_bold=True)
    y += 4.8
    p.put(15, y, f"Mã số thuế (Tax code): {buyer['tax_id']}", 9)
    y = p.labelled(15, y + 4.8, "Địa chỉ (Address):", buyer["address"], 182, 9) + 4.8
    method = rng.choice(["TM/CK", "Chuyển khoản", "CK"])
    p.put(15, y, f"Hình thức thanh toán (Payment method): {method}", 9)
    if buyer_bank:
        p.put(118, y, f"Số tài khoản (A/C No.): {buyer_bank}", 9)
    y += 4
    edges = [15, 26, 92, 110, 128, 158, 198]
    head = [
        "STT\n(No.)",
        "Tên hàng hóa, dịch vụ\n(Description)",
        "Đơn vị tính\n(Unit)",
        "Số lượng\n(Quantity)",
        "Đơn giá\n(Unit price)",
        "Thành tiền\n(Amount)",
    ]
    y = p.table(edges, y, [head], "cccccc", size=8, bold_rows=[0])
    y = p.table(
        edges, y, [["1", "2", "3", "4", "5", "6 = 4 x 5"]], "cccccc", size=7, italic_rows=[0]
    )
    body = [
        [
            str(n),
            i["description"],
            i["unit"],
            _vn_num(i["quantity"]),
            _vn_num(i["unit_price"]),
            _vn_num(i["amount"]),
        ]
        for n, i in enumerate(items, start=1)
    ]
    y = p.table(edges, y, body, "clcrrr", size=9)
    sums = [15, 82, 158, 198]
    y = p.table(sums, y, [["", "Cộng tiền hàng (Sub total):", _vn_num(subtotal)]], "lrr", size=9)
    y = p.table(
        sums,
        y,
        [[f"Thuế suất GTGT (VAT rate): {_s(rate)}%", "Tiền thuế GTGT (VAT amount):", _vn_num(vat)]],
        "lrr",
        size=9,
    )
    y = p.table(
        sums,
        y,
        [["", "Tổng cộng tiền thanh toán (Total payment):", _vn_num(total)]],
        "lrr",
        size=9,
        bold_rows=[0],
    )
    words = vietnamese_words(int(total))
    y = p.table([15, 198], y, [[f"Số tiền viết bằng chữ (Amount in words): {words}"]], "l", size=9)
    y += 8
    p.put_centre(55, y, "Người mua hàng (Buyer)", 9, bold=True)
    p.put_centre(150, y, "Người bán hàng (Seller)", 9, bold=True)
    p.put_centre(55, y + 4.5, "(Ký, ghi rõ họ tên)", 8, italic=True)
    p.put_centre(150, y + 4.5, "(Ký, đóng dấu, ghi rõ họ tên)", 8, italic=True)
    p.box(112, y + 9, 76, 22, 0.3)
    p.put(115, y + 14, "Signature Valid", 8, bold=True)
    sign_y = p.para(115, y + 18, f"Ký bởi: {seller['name']}", 70, 7.5, leading=3.6)
    p.put(115, sign_y + 3.8, f"Ký ngày: {_dmy(issued)}", 7.5)
    p.put_centre(
        105, 282, "(Cần kiểm tra, đối chiếu khi lập, giao, nhận hóa đơn)", 7.5, italic=True
    )
    code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))
    p.put_centre(
        105, 286, f"Tra cứu hóa đơn tại: https://tracuu.{c['domain']}.vn - Mã tra cứu: {code}", 7.5
    )
    fields = _invoice_fields(
        number=number,
        series=c["series"],
        form="1",
        issued=issued,
        due=None,
        currency="VND",
        seller=seller,
        buyer=buyer,
        po=None,
        items=items,
        subtotal=subtotal,
        vat=vat,
        total=total,
        rate=_s(rate),
        words=words,
        paid=method,
    )
    return GeneratedDocument("invoice", "vi", p.bytes(), fields)


def _inv_vi_multirate(rng: random.Random) -> GeneratedDocument:
    """A `Bản thể hiện` print with a logo, `Mẫu số` and `Ký hiệu` apart, an eight-column
    table with a rate and tax per line (mostly more than one rate), a summary by rate, PO
    reference and payment deadline when the buyer asked for them."""
    p = _Page("sans")
    c = _vi_invoice_parties(rng)
    seller, buyer, issued = c["seller"], c["buyer"], c["issued"]
    number = str(rng.randint(1, 4999))
    count = rng.randint(2, 5)
    items = _vi_items(rng, count)
    multi = rng.random() < 0.7
    rates = [Decimal(5), Decimal(8), Decimal(10)]
    if multi:
        chosen = rng.sample(rates, 2)
        line_rates = [chosen[n % 2] for n in range(count)]
        rng.shuffle(line_rates)
    else:
        line_rates = [rng.choice(rates)] * count
    taxes = []
    for item, rate in zip(items, line_rates, strict=True):
        item["vat_rate"] = _s(rate)
        taxes.append(_round(item["amount"] * rate / 100))
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = sum(taxes, Decimal(0))
    total = subtotal + vat
    po = rng.choice(
        [None, f"4500{rng.randint(100000, 999999)}", f"DDH-{rng.randint(100, 999)}/2026"]
    )
    due = issued + timedelta(days=rng.choice([15, 30, 45])) if rng.random() < 0.5 else None

    p.box(15, 11, 24, 20, 0.6)
    p.put_centre(27, 24, c["initials"], 16, bold=True)
    y = p.para(44, 15, seller["name"], 96, 10, bold=True, leading=4.8)
    y += 4.6
    p.put(44, y, f"Mã số thuế: {seller['tax_id']}", 8.5)
    y = p.labelled(44, y + 4.2, "Địa chỉ:", seller["address"], 96, 8.5, leading=4.2) + 4.2
    p.put(44, y, f"Điện thoại: {_vi_landline(rng)} - Email: ketoan@{c['domain']}.vn", 8.5)
    if seller["bank_account"]:
        y += 4.2
        p.put(44, y, f"STK: {seller['bank_account']} tại {rng.choice(_VI_BANKS_SHORT)}", 8.5)
    p.box(146, 11, 52, 22, 0.3)
    p.put(149, 17, "Mẫu số (Form): 1", 8.5)
    p.put(149, 22.5, f"Ký hiệu (Serial): {c['series']}", 8.5)
    p.put(149, 28, "Số (No.):", 8.5)
    p.put(149 + p.width("Số (No.): ", 8.5), 28, number, 11, bold=True)
    y = max(y, 33) + 10
    p.put_centre(105, y, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG", 16, bold=True)
    p.put_centre(105, y + 5, "Bản thể hiện của hóa đơn điện tử", 8, italic=True)
    p.put_centre(105, y + 10, _ngay(issued, pad_month=True).capitalize(), 10, italic=True)
    y += 19
    if c["contact"]:
        p.put(15, y, f"Người mua hàng: {c['contact']}", 9)
        y += 4.8
    y = p.labelled(15, y, "Tên đơn vị:", buyer["name"], 182, 9, value_bold=True) + 4.8
    p.put(15, y, f"Mã số thuế: {buyer['tax_id']}", 9)
    y = p.labelled(15, y + 4.8, "Địa chỉ:", buyer["address"], 182, 9) + 4.8
    method = rng.choice(["Chuyển khoản", "TM/CK"])
    p.put(15, y, f"Hình thức thanh toán: {method}", 9)
    p.put(110, y, "Đồng tiền thanh toán: VND", 9)
    if po or due:
        y += 4.8
        if po:
            p.put(15, y, f"Số PO: {po}", 9)
        if due:
            p.put(110, y, f"Hạn thanh toán: {_dmy(due)}", 9)
    y += 4
    edges = [15, 23, 76, 89, 105, 126, 152, 166, 198]
    head = [
        "STT",
        "Tên hàng hóa, dịch vụ",
        "ĐVT",
        "Số lượng",
        "Đơn giá",
        "Thành tiền chưa có thuế GTGT",
        "Thuế suất",
        "Tiền thuế GTGT",
    ]
    y = p.table(edges, y, [head], "cccccccc", size=7.5, bold_rows=[0], shade_rows=[0])
    body = [
        [
            str(n),
            i["description"],
            i["unit"],
            _vn_num(i["quantity"]),
            _vn_num(i["unit_price"]),
            _vn_num(i["amount"]),
            f"{i['vat_rate']}%",
            _vn_num(tax),
        ]
        for n, (i, tax) in enumerate(zip(items, taxes, strict=True), start=1)
    ]
    y = p.table(edges, y, body, "clcrrrcr", size=8)
    y += 4
    summary_edges = [60, 100, 133, 163, 198]
    rows = [["Tổng hợp", "Thành tiền chưa có thuế GTGT", "Tiền thuế GTGT", "Cộng tiền thanh toán"]]
    for rate in sorted(set(line_rates)):
        base = sum(
            (i["amount"] for i, r in zip(items, line_rates, strict=True) if r == rate), Decimal(0)
        )
        tax = sum((t for t, r in zip(taxes, line_rates, strict=True) if r == rate), Decimal(0))
        rows.append([f"Thuế suất {_s(rate)}%", _vn_num(base), _vn_num(tax), _vn_num(base + tax)])
    rows.append(["Tổng cộng", _vn_num(subtotal), _vn_num(vat), _vn_num(total)])
    y = p.table(summary_edges, y, rows, "lrrr", size=8, bold_rows=[0, len(rows) - 1])
    words = vietnamese_words(int(total))
    y = p.labelled(15, y + 6, "Số tiền viết bằng chữ:", words, 183, 9, value_bold=True)
    y += 12
    p.put_centre(55, y, "NGƯỜI MUA HÀNG", 9, bold=True)
    p.put_centre(150, y, "NGƯỜI BÁN HÀNG", 9, bold=True)
    p.put_centre(55, y + 4.5, "(Chữ ký số, chữ ký điện tử nếu có)", 7.5, italic=True)
    p.put_centre(150, y + 4.5, "(Chữ ký điện tử, chữ ký số)", 7.5, italic=True)
    fields = _invoice_fields(
        number=number,
        series=c["series"],
        form="1",
        issued=issued,
        due=due,
        currency="VND",
        seller=seller,
        buyer=buyer,
        po=po,
        items=items,
        subtotal=subtotal,
        vat=vat,
        total=total,
        rate=None if multi else _s(line_rates[0]),
        words=words,
        paid=method,
    )
    return GeneratedDocument("invoice", "vi", p.bytes(), fields)


def _boxed_digits(p: _Page, x: float, y: float, digits: str, size: float = 9) -> float:
    """A tax code in one box per digit, as pre-printed forms have; returns the x after."""
    for digit in digits:
        if digit == "-":
            p.put(x + 0.8, y, "-", size)
            x += 3.5
            continue
        p.box(x, y - 3.6, 4.4, 4.8)
        p.put_centre(x + 2.2, y, digit, size)
        x += 4.4
    return x


def _inv_vi_compact(rng: random.Random) -> GeneratedDocument:
    """Condensed type: a boxed two-part header (seller left with the tax code in digit boxes,
    `HÓA ĐƠN GTGT` and a dd/mm/yyyy date right), buyer lines where an individual leaves the
    company and tax code blank, a table with rules only, quantities in kg with decimals,
    sometimes goods exempt from VAT (`KCT`)."""
    p = _Page("cond")
    c = _vi_invoice_parties(rng)
    seller, buyer, issued = c["seller"], c["buyer"], c["issued"]
    number = f"{rng.randint(1, 99999):07d}"
    exempt = rng.random() < 0.2
    rate_text = "KCT" if exempt else rng.choice(["8", "10"])
    items = _vi_items(rng, rng.randint(1, 4))
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = Decimal(0) if exempt else _round(subtotal * Decimal(rate_text) / 100)
    total = subtotal + vat
    individual = rng.random() < 0.35
    if individual:
        person = _vi_person(rng)[0]
        buyer = {"name": person, "tax_id": None, "address": _vi_address(rng), "bank_account": None}

    p.box(15, 10, 183, 46, 0.4)
    p.vline(132, 10, 56, 0.4)
    y = p.labelled(18, 16, "Tên người bán:", seller["name"], 111, 9, value_bold=True)
    y += 5.5
    p.put(18, y, "Mã số thuế:", 9)
    _boxed_digits(p, 18 + p.width("Mã số thuế: ", 9), y, seller["tax_id"])
    y = p.labelled(18, y + 5.5, "Địa chỉ:", seller["address"], 111, 9) + 4.6
    if seller["bank_account"]:
        p.put(18, y, f"Số tài khoản: {seller['bank_account']} - {rng.choice(_VI_BANKS_SHORT)}", 9)
    p.put_centre(165, 18, "HÓA ĐƠN GTGT", 13, bold=True)
    p.put_centre(165, 22.5, "(Bản thể hiện của hóa đơn điện tử)", 7, italic=True)
    p.put(136, 31, f"Ký hiệu: 1{c['series']}", 9)
    p.put(136, 37, f"Số: {number}", 9, bold=True)
    p.put(136, 43, f"Ngày: {_dmy(issued)}", 9)
    y = 64
    if individual:
        p.put(15, y, f"Họ tên người mua hàng: {buyer['name']}", 9)
        p.put(15, y + 5, "Tên đơn vị:", 9)
        p.put(15, y + 10, "Mã số thuế:", 9)
    else:
        p.put(15, y, f"Họ tên người mua hàng: {c['contact'] or ''}", 9)
        p.labelled(15, y + 5, "Tên đơn vị:", buyer["name"], 183, 9)
        p.put(15, y + 10, f"Mã số thuế: {buyer['tax_id']}", 9)
    y = p.labelled(15, y + 15, "Địa chỉ:", buyer["address"], 183, 9) + 5
    method = rng.choice(["TM", "CK", "TM/CK"])
    p.put(15, y, f"Hình thức thanh toán: {method}", 9)
    p.put(110, y, "Đồng tiền thanh toán: VNĐ", 9)
    y += 5
    edges = [15, 25, 98, 114, 134, 161, 198]
    head = ["STT", "Tên hàng hóa, dịch vụ", "ĐVT", "Số lượng", "Đơn giá", "Thành tiền"]
    y = p.table(edges, y, [head], "clcrrr", size=9, bold_rows=[0], grid=False, rules=True)
    body = [
        [
            str(n),
            i["description"],
            i["unit"],
            _vn_num(i["quantity"]),
            _vn_num(i["unit_price"]),
            _vn_num(i["amount"]),
        ]
        for n, i in enumerate(items, start=1)
    ]
    y = p.table(edges, y, body, "clcrrr", size=9, grid=False, rules=True)
    y += 6
    p.put(110, y, "Cộng tiền hàng:", 9)
    p.put_right(198, y, _vn_num(subtotal), 9)
    y += 5
    p.put(15, y, f"Thuế suất GTGT: {rate_text if exempt else rate_text + '%'}", 9)
    p.put(110, y, "Tiền thuế GTGT:", 9)
    p.put_right(198, y, _vn_num(vat), 9)
    y += 5
    p.put(110, y, "Tổng tiền thanh toán:", 9, bold=True)
    p.put_right(198, y, _vn_num(total), 9, bold=True)
    words = vietnamese_words(int(total))
    y = p.labelled(15, y + 6, "Số tiền bằng chữ:", words, 183, 9)
    y += 12
    p.put_centre(50, y, "Người mua hàng", 10, bold=True)
    p.put_centre(155, y, "Người bán hàng", 10, bold=True)
    p.put_centre(50, y + 4.5, "(Ký, ghi rõ họ tên)", 8, italic=True)
    p.put_centre(155, y + 4.5, "(Ký, đóng dấu, ghi rõ họ tên)", 8, italic=True)
    fields = _invoice_fields(
        number=number,
        series=c["series"],
        form="1",
        issued=issued,
        due=None,
        currency="VND",
        seller=seller,
        buyer=buyer,
        po=None,
        items=items,
        subtotal=subtotal,
        vat=vat,
        total=total,
        rate=rate_text,
        words=words,
        paid=method,
    )
    return GeneratedDocument("invoice", "vi", p.bytes(), fields)


# code, description, unit, price range, fractional quantities allowed
_EN_GOODS: list[tuple[str, str, str, int, int, bool]] = [
    ("SRV-110", "Website maintenance retainer", "month", 450, 2400, False),
    ("SRV-205", "UX research workshop (2 days, on-site)", "day", 900, 1800, False),
    ("CON-010", "Senior consultant - data migration", "hr", 95, 210, True),
    ("HW-220", "Ergonomic keyboard, wireless", "pcs", 39, 129, False),
    ("LIC-300", "Annual support plan, Pro tier", "seat", 120, 480, False),
    ("CLD-040", "Managed cloud storage, 1 TB", "month", 25, 90, False),
    ("TRN-500", "Printed training manuals", "copy", 12, 45, False),
    ("SHP-001", "Shipping & handling", "lot", 15, 85, False),
]
_EXPORT_GOODS: list[tuple[str, str, int, int]] = [
    ("Aluminium die-cast housing AL-2201", "pcs", 3, 18),
    ("Wiring harness assembly WH-18, 1.2 m", "set", 8, 40),
    ("Software development services - Sprint 14", "man-month", 2800, 5200),
    ("PCB assembly service, 4-layer board", "pcs", 4, 25),
    ("Injection-moulded ABS front cover", "pcs", 1, 6),
    ("Corrugated export carton, 5-ply", "pcs", 1, 3),
]


def _en_items(
    rng: random.Random, count: int, *, units: bool, zero_rated: bool = False
) -> list[dict[str, Any]]:
    items = []
    for code, description, unit, low, high, fractional in rng.sample(_EN_GOODS, count):
        if fractional:
            price = Decimal(rng.randint(low, high))
            quantity = Decimal(rng.randint(2, 40)) + rng.choice([Decimal(0), Decimal("0.5")])
        else:
            price = Decimal(rng.randint(low * 100, high * 100)) / 100
            quantity = Decimal(rng.choice([1, 1, 1, 2, 3, 4, 5, 6, 10, 12, 25]))
        items.append(
            {
                "code": code,
                "description": description,
                "unit": unit if units else None,
                "quantity": quantity,
                "unit_price": price,
                "amount": quantity * price,
                "vat_rate": None,
            }
        )
    return items


_US_SELLERS = [
    ("Cascade Print & Design LLC", "1200 Pine Street, Suite 400, Seattle, WA 98101"),
    ("Redwood Ridge Consulting Group", "2450 Mission Street, San Francisco, CA 94110"),
    ("Summit Peak Software, Inc.", "310 W Adams Street, Chicago, IL 60606"),
]
_US_BUYERS = [
    ("Lakeside Dental Partners", "88 Broad Street, 5th Floor, Boston, MA 02110"),
    ("Northgate Property Management LLC", "500 Congress Avenue, Suite 1200, Austin, TX 78701"),
    ("Orchard Street Bakery Co.", "14 Orchard Street, Portland, OR 97205"),
]
_SG_SELLERS = [
    (
        "Lion City Components Pte. Ltd.",
        "10 Anson Road, #22-02 International Plaza, Singapore 079903",
    ),
    ("Tanjong Digital Pte. Ltd.", "71 Ayer Rajah Crescent, #05-18, Singapore 139951"),
]
_SG_BUYERS = [
    ("Marina Bay Events Pte. Ltd.", "1 Harbourfront Walk, #03-11, Singapore 098585"),
    ("Kallang Fitness Hub Pte. Ltd.", "8 Stadium Walk, #01-04, Singapore 397699"),
]
_UK_COMPANIES = [
    ("Brightwave Media Ltd", "Unit 4, Riverside Works, Salford M5 4WT"),
    ("Pennine Office Supplies Ltd", "27 Wellington Road, Leeds LS1 4DL"),
    ("Harrow & Finch Consulting LLP", "3 Old Jewry, London EC2R 8DN"),
    ("Thistle Data Services Ltd", "40 George Street, Edinburgh EH2 2LE"),
]
_VN_EXPORTERS = [
    (
        "VIET TIEN TECHNOLOGY SOLUTIONS JOINT STOCK COMPANY",
        "No. 25 Duy Tan Street, Dich Vong Hau Ward, Cau Giay District, Hanoi, Vietnam",
    ),
    (
        "PHU QUY IMPORT EXPORT TRADING SERVICES COMPANY LIMITED",
        "Lot C2, Que Vo Industrial Park, Phuong Lieu Commune, Bac Ninh Province, Vietnam",
    ),
    (
        "DONG A PRINTING AND PACKAGING JOINT STOCK COMPANY",
        "No. 18, Road 3, Tan Tao Industrial Park, Binh Tan District, Ho Chi Minh City, Vietnam",
    ),
]
_FOREIGN_BUYERS = [
    (
        "Sakura Components Co., Ltd.",
        "2-14-5 Shiba, Minato-ku, Tokyo 105-0014, Japan",
        "Mr. Kenji Sato",
    ),
    (
        "Nordlicht Maschinenbau GmbH",
        "Industriestrasse 12, 70565 Stuttgart, Germany",
        "Mr. Lukas Becker",
    ),
    (
        "Pacific Rim Trading Pty Ltd",
        "Level 9, 60 Margaret Street, Sydney NSW 2000, Australia",
        "Ms. Olivia Hughes",
    ),
    (
        "Hanil Precision Co., Ltd.",
        "45 Gasan Digital 1-ro, Geumcheon-gu, Seoul, Korea",
        "Mr. Park Min-jun",
    ),
]


def _inv_en_template(rng: random.Random) -> GeneratedDocument:
    """An invoicing-app template: seller letterhead left, big `INVOICE` / `TAX INVOICE`
    right with a details column, Bill To / Ship To side by side, a shaded item table with
    item codes, totals ending in `Balance Due` (US sales tax, USD) or `Total Payable`
    (Singapore GST, SGD)."""
    p = _Page("sans")
    us = rng.random() < 0.6
    seller_name, seller_address = rng.choice(_US_SELLERS if us else _SG_SELLERS)
    buyer_name, buyer_address = rng.choice(_US_BUYERS if us else _SG_BUYERS)
    issued = _day(rng)
    due = issued + timedelta(days=rng.choice([15, 30, 30, 45]))
    number = f"{rng.choice(['', 'INV-', '2026-'])}{rng.randint(100, 9999):04d}"
    po = f"{rng.randint(1000, 9999)}{rng.choice(['', '-A', '-B'])}" if rng.random() < 0.5 else None
    rate = rng.choice([Decimal("8.25"), Decimal("6"), Decimal("7.25"), Decimal("10.25")])
    rate = rate if us else Decimal(9)
    currency = "USD" if us else "SGD"
    symbol = "$" if us else "S$"
    when = _us_short if us else _sg_date
    items = _en_items(rng, rng.randint(1, 5), units=False)
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = _round(subtotal * rate / 100, "0.01")
    total = subtotal + vat
    bank = f"{rng.randint(10**8, 10**10 - 1)}" if rng.random() < 0.5 else None
    contact = _en_person(rng)

    p.put(15, 22, seller_name, 15, bold=True)
    y = p.para(15, 28, seller_address, 95, 9, leading=4.3)
    p.put(15, y + 4.3, "+1 (206) 555-0182" if us else "+65 6123 4567", 9)
    p.put(15, y + 8.6, f"billing@{seller_name.split()[0].lower()}.com", 9)
    p.put_right(196, 24, "INVOICE" if us else "TAX INVOICE", 24 if us else 20, bold=True)
    details = [
        ("Invoice #" if us else "Invoice No.", number),
        ("Invoice Date" if us else "Date", when(issued)),
        ("Due Date", when(due)),
    ]
    if not us:
        details.insert(2, ("Terms", f"{(due - issued).days} Days"))
    if po:
        details.append(("P.O. #" if us else "Your PO No.", po))
    y = 33
    for label, value in details:
        p.put(130, y, label, 9, bold=True)
        p.put_right(196, y, value, 9)
        y += 5
    y = max(y, 50) + 6
    p.put(15, y, "Bill To", 10, bold=True)
    p.put(110, y, "Ship To", 10, bold=True)
    p.put(15, y + 5.5, buyer_name, 9.5)
    p.put(110, y + 5.5, buyer_name, 9.5)
    p.para(15, y + 10, buyer_address, 85, 9, leading=4.3)
    p.put(110, y + 10, f"Attn: {contact}", 9)
    p.put(110, y + 14.3, "Receiving Dock B" if us else "Loading Bay 2", 9)
    y += 28
    edges = [15, 40, 126, 144, 170, 198]
    y = p.table(
        edges,
        y,
        [["ITEM", "DESCRIPTION", "QTY", "RATE", "AMOUNT"]],
        "llrrr",
        size=8.5,
        bold_rows=[0],
        grid=False,
        shade_rows=[0],
    )
    body = [
        [
            i["code"],
            i["description"],
            _s(i["quantity"]),
            _en_money(i["unit_price"]),
            _en_money(i["amount"]),
        ]
        for i in items
    ]
    y = p.table(edges, y, body, "llrrr", size=9, grid=False, rules=True)
    y += 7
    tax_label = f"Sales Tax ({_s(rate)}%)" if us else f"GST {_s(rate)}%"
    lines: list[tuple[str, str, bool]] = [
        ("Subtotal" if us else "Sub-Total", f"{symbol}{_en_money(subtotal)}", False),
        (tax_label, f"{symbol}{_en_money(vat)}", False),
        ("Total", f"{symbol}{_en_money(total)}", True),
    ]
    if us:
        lines.append(("Amount Paid", f"{symbol}0.00", False))
        lines.append(("Balance Due", f"{symbol}{_en_money(total)}", True))
    else:
        lines[-1] = ("Total Payable (SGD)", f"{symbol}{_en_money(total)}", True)
    for label, value, bold in lines:
        p.put(130, y, label, 9.5, bold=bold)
        p.put_right(196, y, value, 9.5, bold=bold)
        y += 5.5
    y += 8
    p.put(15, y, "Notes / Terms", 9, bold=True)
    terms = f"Net {(due - issued).days}" if us else f"{(due - issued).days} days from invoice date"
    p.put(
        15,
        y + 5,
        f"Payment terms: {terms}. Please include the invoice number with your payment.",
        8.5,
    )
    if bank:
        bank_name = "First Harbor Bank" if us else "DBS Bank Ltd"
        p.put(15, y + 9.5, f"Bank transfer: {bank_name}, Account No. {bank}", 8.5)
    p.put_centre(105, 280, "Thank you for your business!", 9, italic=True)
    fields = _invoice_fields(
        number=number,
        series=None,
        form=None,
        issued=issued,
        due=due,
        currency=currency,
        seller={
            "name": seller_name,
            "tax_id": None,
            "address": seller_address,
            "bank_account": bank,
        },
        buyer={"name": buyer_name, "tax_id": None, "address": buyer_address, "bank_account": None},
        po=po,
        items=items,
        subtotal=subtotal,
        vat=vat,
        total=total,
        rate=_s(rate),
        words=None,
    )
    return GeneratedDocument("invoice", "en", p.bytes(), fields)


def _inv_en_uk(rng: random.Random) -> GeneratedDocument:
    """A UK small-business invoice in serif type: `INVOICE` left, the supplier's block
    right-aligned, `Invoice to`, a VAT column per line (printed matter zero-rated), bank
    details with sort code, company registration footer."""
    p = _Page("serif")
    (seller_name, seller_address), (buyer_name, buyer_address) = rng.sample(_UK_COMPANIES, 2)
    issued = _day(rng)
    due = issued + timedelta(days=rng.choice([14, 30]))
    number = f"INV-{rng.randint(1, 2999):05d}"
    po = f"PO {rng.randint(10000, 99999)}" if rng.random() < 0.5 else None
    items = _en_items(rng, rng.randint(2, 5), units=False)
    for item in items:
        item["vat_rate"] = "0" if item["code"] == "TRN-500" else "20"
    standard = sum((i["amount"] for i in items if i["vat_rate"] == "20"), Decimal(0))
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = _round(standard * Decimal("0.2"), "0.01")
    total = subtotal + vat
    single = all(i["vat_rate"] == "20" for i in items)
    account = f"{rng.randint(10**7, 10**8 - 1)}"

    p.put(15, 24, "INVOICE", 22, bold=True)
    p.put_right(196, 18, seller_name, 11, bold=True)
    p.put_right(196, 23, seller_address, 9)
    p.put_right(196, 27.5, f"Tel: +44 161 496 {rng.randint(1000, 9999)}", 9)
    p.put_right(196, 32, f"accounts@{seller_name.split()[0].lower()}.co.uk", 9)
    p.hline(15, 37, 196, 0.5)
    p.put(15, 45, "Invoice to:", 9, italic=True)
    p.put(15, 50, buyer_name, 10, bold=True)
    p.para(15, 54.5, buyer_address, 80, 9, leading=4.4)
    p.put(15, 63.5, f"FAO: {_en_person(rng)}", 9)
    details = [
        ("Invoice number:", number),
        ("Invoice date:", _uk_date(issued)),
        ("Payment due:", _uk_date(due)),
    ]
    if po:
        details.append(("Your order ref:", po))
    y = 45
    for label, value in details:
        p.put(118, y, label, 9)
        p.put(152, y, value, 9, bold=label.startswith("Invoice number"))
        y += 5
    y = 76
    edges = [15, 104, 122, 148, 164, 196]
    y = p.table(
        edges,
        y,
        [["Description", "Qty", "Unit price", "VAT", "Amount (£)"]],
        "lrrcr",
        size=9,
        bold_rows=[0],
        grid=False,
        rules=True,
    )
    body = [
        [
            i["description"],
            _s(i["quantity"]),
            _en_money(i["unit_price"]),
            f"{i['vat_rate']}%",
            _en_money(i["amount"]),
        ]
        for i in items
    ]
    y = p.table(edges, y, body, "lrrcr", size=9, grid=False, rules=True)
    y += 7
    sums = [
        ("Subtotal", f"£{_en_money(subtotal)}", False),
        ("VAT @ 20%" if single else "VAT", f"£{_en_money(vat)}", False),
        ("Total due", f"£{_en_money(total)}", True),
    ]
    for label, value, bold in sums:
        p.put(130, y, label, 10, bold=bold)
        p.put_right(196, y, value, 10, bold=bold)
        y += 5.5
    y += 10
    p.put(15, y, "Payment details", 10, bold=True)
    p.put(15, y + 5, f"Bank: {rng.choice(['Barclays Bank plc', 'NatWest', 'Lloyds Bank'])}", 9)
    p.put(
        15,
        y + 9.5,
        f"Sort code: {rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
        9,
    )
    p.put(15, y + 14, f"Account number: {account}", 9)
    p.put(
        15, y + 18.5, "Please quote the invoice number as your payment reference.", 9, italic=True
    )
    p.put_centre(
        105,
        282,
        f"{seller_name} - Registered in England and Wales No. {rng.randint(10**7, 10**8 - 1):08d}",
        7.5,
    )
    fields = _invoice_fields(
        number=number,
        series=None,
        form=None,
        issued=issued,
        due=due,
        currency="GBP",
        seller={
            "name": seller_name,
            "tax_id": None,
            "address": seller_address,
            "bank_account": account,
        },
        buyer={"name": buyer_name, "tax_id": None, "address": buyer_address, "bank_account": None},
        po=po,
        items=items,
        subtotal=subtotal,
        vat=vat,
        total=total,
        rate="20" if single else None,
        words=None,
    )
    return GeneratedDocument("invoice", "en", p.bytes(), fields)


def _money_words_en(amount: Decimal, currency: str) -> str:
    name = {"USD": "US Dollars", "EUR": "Euros"}[currency]
    whole = int(amount)
    cents = int(_round((amount - whole) * 100))
    text = f"{name} {_title_words(_en_words(whole))}"
    if cents:
        text += f" and {_title_words(_en_words(cents))} Cents"
    return text + " Only"


def _inv_en_export(rng: random.Random) -> GeneratedDocument:
    """An English invoice of a Vietnamese exporter: centred letterhead with the tax code,
    `Bill to` left and invoice details right (with a contract number and payment terms),
    unit column, VAT 0% on exports, amount in words, beneficiary bank details."""
    p = _Page("sans")
    seller_name, seller_address = rng.choice(_VN_EXPORTERS)
    buyer_name, buyer_address, buyer_contact = rng.choice(_FOREIGN_BUYERS)
    seller_tax = mst(rng)
    issued = _day(rng)
    due = issued + timedelta(days=rng.choice([30, 45, 60]))
    currency = rng.choice(["USD", "USD", "EUR"])
    number = f"{rng.choice(['VT', 'PQ', 'DA'])}-2026/{rng.randint(1, 999):04d}"
    items = []
    for description, unit, low, high in rng.sample(_EXPORT_GOODS, rng.randint(1, 4)):
        price = Decimal(rng.randint(low * 100, high * 100)) / 100
        if unit == "man-month":
            quantity = Decimal(rng.randint(1, 4))
        else:
            quantity = Decimal(rng.choice([200, 500, 1200, 2000, 5000, 12000]))
        items.append(
            {
                "description": description,
                "unit": unit,
                "quantity": quantity,
                "unit_price": price,
                "amount": quantity * price,
                "vat_rate": None,
            }
        )
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = Decimal(0)
    total = subtotal
    account = f"00{rng.randint(10**10, 10**11 - 1)}"
    words = _money_words_en(total, currency)

    y = p.para(105 - 90, 16, seller_name, 180, 12, bold=True, leading=5.5)
    p.put_centre(105, y + 5.5, seller_address, 8.5)
    p.put_centre(
        105, y + 10, f"Tax code: {seller_tax}  |  Tel: +84 24 3795 {rng.randint(1000, 9999)}", 8.5
    )
    y += 14
    p.hline(15, y, 196, 0.6)
    y += 10
    p.put_centre(105, y, "INVOICE", 16, bold=True)
    y += 10
    top = y
    p.put(15, y, "Bill to:", 9, bold=True)
    yb = p.para(15, y + 5, buyer_name, 85, 9.5, bold=True, leading=4.6)
    yb = p.para(15, yb + 4.6, buyer_address, 85, 9, leading=4.4)
    p.put(
        15,
        yb + 4.6,
        f"Attn: {buyer_contact}",
        9,
    )
    details = [
        ("Invoice No.:", number),
        ("Date:", _dmy(issued)),
        ("Contract No.:", f"{rng.randint(1, 40):02d}/2026/{rng.choice(['SC', 'PO', 'HDKT'])}"),
        ("Payment terms:", f"T/T {(due - issued).days} days"),
        ("Due date:", _dmy(due)),
    ]
    for label, value in details:
        p.put(118, top, label, 9)
        p.put(146, top, value, 9)
        top += 5
    y = max(yb + 12, top + 6)
    edges = [15, 25, 93, 113, 133, 163, 196]
    head = [
        "No.",
        "Description",
        "Unit",
        "Quantity",
        f"Unit price ({currency})",
        f"Amount ({currency})",
    ]
    y = p.table(edges, y, [head], "cccccc", size=8.5, bold_rows=[0])
    body = [
        [
            str(n),
            i["description"],
            i["unit"],
            f"{i['quantity']:,}",
            _en_money(i["unit_price"]),
            _en_money(i["amount"]),
        ]
        for n, i in enumerate(items, start=1)
    ]
    y = p.table(edges, y, body, "clcrrr", size=9)
    sums = [15, 133, 196]
    y = p.table(sums, y, [["Total before VAT:", _en_money(subtotal)]], "rr", size=9)
    y = p.table(sums, y, [["VAT (0%):", _en_money(vat)]], "rr", size=9)
    y = p.table(
        sums, y, [["Total amount:", f"{currency} {_en_money(total)}"]], "rr", size=9, bold_rows=[0]
    )
    y = p.labelled(15, y + 6, "Amount in words:", words, 181, 9, value_bold=True)
    y += 10
    p.put(15, y, "Beneficiary bank details", 9.5, bold=True)
    p.put(15, y + 5, "Beneficiary: " + seller_name, 8.5)
    p.put(
        15,
        y + 9.5,
        "Bank: Joint Stock Commercial Bank for Foreign Trade of Vietnam (Vietcombank)",
        8.5,
    )
    p.put(15, y + 14, f"{currency} Account No.: {account}", 8.5)
    p.put(15, y + 18.5, "SWIFT code: BFTVVNVX", 8.5)
    p.put_centre(150, y + 32, "For and on behalf of the Seller", 9, bold=True)
    fields = _invoice_fields(
        number=number,
        series=None,
        form=None,
        issued=issued,
        due=due,
        currency=currency,
        seller={
            "name": seller_name,
            "tax_id": seller_tax,
            "address": seller_address,
            "bank_account": account,
        },
        buyer={"name": buyer_name, "tax_id": None, "address": buyer_address, "bank_account": None},
        po=None,
        items=items,
        subtotal=subtotal,
        vat=vat,
        total=total,
        rate="0",
        words=words,
    )
    return GeneratedDocument("invoice", "en", p.bytes(), fields)


def invoice(seed: int = 0, *, language: str = "vi") -> GeneratedDocument:
    rng = _rng("invoice", language, seed)
    name = layout_of("invoice", seed, language)
    builders: dict[str, Callable[[random.Random], GeneratedDocument]] = {
        "vi_bilingual": _inv_vi_bilingual,
        "vi_multirate": _inv_vi_multirate,
        "vi_compact": _inv_vi_compact,
        "en_template": _inv_en_template,
        "en_uk": _inv_en_uk,
        "en_export": _inv_en_export,
    }
    return builders[name](rng)


# --- contracts ---------------------------------------------------------------------------

CLAUSE_ORDER = (
    "payment",
    "confidentiality",
    "termination",
    "dispute_resolution",
    "force_majeure",
    "liability",
    "warranty",
    "penalty",
    "governing_law",
)
_VI_NUMBER_WORDS = {
    6: "sáu",
    12: "mười hai",
    18: "mười tám",
    24: "hai mươi bốn",
    36: "ba mươi sáu",
}
_EN_MONTH_WORDS = {6: "six", 12: "twelve", 18: "eighteen", 24: "twenty-four", 36: "thirty-six"}

_VI_CONTRACT_COMPANIES = [
    "CÔNG TY CỔ PHẦN GIẢI PHÁP CÔNG NGHỆ VIỆT TIẾN",
    "CÔNG TY TNHH KỸ THUẬT CƠ ĐIỆN LẠNH BÌNH AN",
    "CÔNG TY CỔ PHẦN DƯỢC PHẨM BÌNH MINH",
    "CÔNG TY TNHH DỊCH VỤ KẾ TOÁN VÀ TƯ VẤN THUẾ MINH BẠCH",
    "CÔNG TY CỔ PHẦN ĐẦU TƯ THƯƠNG MẠI HẢI ĐĂNG",
    "CÔNG TY TNHH MỘT THÀNH VIÊN THƯƠNG MẠI DỊCH VỤ VÀ XUẤT NHẬP KHẨU PHÚ QUÝ",
    "CÔNG TY TNHH QUẢN LÝ BẤT ĐỘNG SẢN PHƯƠNG NAM",
    "CÔNG TY CỔ PHẦN VẬN TẢI VÀ LOGISTICS TÂN CẢNG MIỀN BẮC",
    "CÔNG TY TNHH GIÁO DỤC VÀ ĐÀO TẠO ÁNH DƯƠNG",
]
_VI_OFFICES = ["Giám đốc", "Tổng Giám đốc", "Phó Giám đốc", "Chủ tịch Hội đồng quản trị"]


def _vi_company(rng: random.Random, name: str) -> dict[str, Any]:
    person, female = _vi_person(rng)
    return {
        "name": name,
        "tax_id": _vi_tax_id(rng, name),
        "address": _vi_address(rng),
        "representative": person,
        "honorific": "Bà" if female else "Ông",
        "office": rng.choice(_VI_OFFICES),
    }


def _party(role: str, party: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": role,
        "name": party["name"],
        "tax_id": party["tax_id"],
        "representative": party["representative"],
        "address": party["address"],
    }


def _contract_fields(
    *,
    number: str | None,
    title: str,
    signed: date | None,
    effective: date | None,
    expiry: date | None,
    parties: list[dict[str, Any]],
    value: Decimal | None,
    currency: str | None,
    law: str | None,
    clauses: set[str],
    auto: bool,
) -> dict[str, Any]:
    return {
        "contract_number": number,
        "title": title,
        "signing_date": signed.isoformat() if signed else None,
        "effective_date": effective.isoformat() if effective else None,
        "expiry_date": expiry.isoformat() if expiry else None,
        "parties": [_party(f"party_{'abcdef'[n]}", party) for n, party in enumerate(parties)],
        "total_value": _s(value) if value is not None else None,
        "currency": currency,
        "governing_law": law,
        "clauses": [clause for clause in CLAUSE_ORDER if clause in clauses],
        "auto_renewal": auto,
    }


# A Vietnamese article: heading, paragraphs, the clauses it is (empty: none of SCHEMA's).
_Article = tuple[str, list[str], set[str]]

_VI_CONFIDENTIALITY = (
    "Mỗi bên có trách nhiệm giữ bí mật các thông tin, tài liệu nhận được từ bên kia trong quá "
    "trình thực hiện Hợp đồng và không được tiết lộ cho bất kỳ bên thứ ba nào khi chưa có sự "
    "đồng ý bằng văn bản của bên kia. Nghĩa vụ này tiếp tục có hiệu lực trong thời hạn 02 năm "
    "sau khi Hợp đồng kết thúc."
)
_VI_TERMINATION = (
    "Hợp đồng chấm dứt trong các trường hợp sau: a) Hết thời hạn mà các bên không gia hạn; "
    "b) Các bên thỏa thuận chấm dứt trước thời hạn; c) Một bên vi phạm nghiêm trọng nghĩa vụ "
    "và không khắc phục trong vòng 15 ngày kể từ ngày nhận được thông báo bằng văn bản của "
    "bên kia."
)
_VI_DISPUTE = (
    "Mọi tranh chấp phát sinh từ hoặc liên quan đến Hợp đồng này trước hết được giải quyết "
    "thông qua thương lượng, hòa giải. Trường hợp không thương lượng được trong vòng 30 ngày, "
    "một trong các bên có quyền đưa tranh chấp ra Tòa án nhân dân có thẩm quyền để giải quyết."
)
_VI_LAW = "Hợp đồng này được điều chỉnh và giải thích theo pháp luật Việt Nam."
_VI_LAW_LONG = (
    "Hợp đồng này được điều chỉnh và giải thích theo pháp luật nước Cộng hòa xã hội chủ nghĩa "
    "Việt Nam."
)
_VI_FORCE_MAJEURE = (
    "Sự kiện bất khả kháng là sự kiện xảy ra một cách khách quan, không thể lường trước được "
    "và không thể khắc phục được mặc dù đã áp dụng mọi biện pháp cần thiết, như thiên tai, hỏa "
    "hoạn, dịch bệnh, chiến tranh. Bên gặp sự kiện bất khả kháng phải thông báo cho bên kia "
    "bằng văn bản trong vòng 05 ngày kể từ khi sự kiện xảy ra."
)
_VI_LIABILITY = (
    "Bên vi phạm nghĩa vụ hợp đồng gây thiệt hại cho bên kia có trách nhiệm bồi thường toàn "
    "bộ thiệt hại thực tế, trực tiếp phát sinh do hành vi vi phạm gây ra."
)
_VI_PENALTY = (
    "Bên vi phạm nghĩa vụ hợp đồng phải chịu phạt vi phạm với mức phạt bằng 8% giá trị phần "
    "nghĩa vụ hợp đồng bị vi phạm."
)
_VI_WARRANTY = (
    "Bên B bảo hành chất lượng sản phẩm, dịch vụ cung cấp trong thời hạn 12 tháng kể từ ngày "
    "nghiệm thu. Trong thời gian bảo hành, Bên B có trách nhiệm khắc phục các lỗi phát sinh "
    "trong vòng 48 giờ kể từ khi nhận được thông báo của Bên A."
)
_VI_AUTO_RENEWAL = (
    "Khi hết thời hạn, nếu không bên nào có thông báo bằng văn bản về việc chấm dứt Hợp đồng "
    "ít nhất 30 ngày trước ngày hết hạn, Hợp đồng sẽ được tự động gia hạn thêm 12 tháng với "
    "các điều khoản và điều kiện tương tự."
)


def _vi_optional_articles(rng: random.Random, *, warranty: bool) -> list[_Article]:
    """The optional articles a Vietnamese contract may carry, in the usual order; the
    governing law is its own article or a sentence of the dispute article."""
    articles: list[_Article] = []
    if rng.random() < 0.7:
        articles.append(("Bảo mật thông tin", [_VI_CONFIDENTIALITY], {"confidentiality"}))
    if warranty and rng.random() < 0.6:
        articles.append((rng.choice(["Bảo hành", "Chế độ bảo hành"]), [_VI_WARRANTY], {"warranty"}))
    style = rng.choice(["both", "penalty", "liability", "none"])
    if style == "both":
        articles.append(
            (
                "Phạt vi phạm và bồi thường thiệt hại",
                [_VI_PENALTY, _VI_LIABILITY],
                {"penalty", "liability"},
            )
        )
    elif style == "penalty":
        articles.append(("Phạt vi phạm hợp đồng", [_VI_PENALTY], {"penalty"}))
    elif style == "liability":
        articles.append(("Trách nhiệm bồi thường thiệt hại", [_VI_LIABILITY], {"liability"}))
    if rng.random() < 0.6:
        articles.append(("Sự kiện bất khả kháng", [_VI_FORCE_MAJEURE], {"force_majeure"}))
    if rng.random() < 0.75:
        articles.append(
            (
                rng.choice(["Chấm dứt hợp đồng", "Đơn phương chấm dứt hợp đồng"]),
                [_VI_TERMINATION],
                {"termination"},
            )
        )
    law_apart = rng.random() < 0.5
    if rng.random() < 0.85 or law_apart is False:
        body = [_VI_DISPUTE] if law_apart else [_VI_DISPUTE + " " + _VI_LAW]
        keys = {"dispute_resolution"} if law_apart else {"dispute_resolution", "governing_law"}
        articles.append(("Giải quyết tranh chấp", body, keys))
    if law_apart:
        articles.append(("Luật áp dụng", [_VI_LAW_LONG], {"governing_law"}))
    return articles


def _vi_heading(p: _Page, number: int, heading: str, style: str, x: float, size: float) -> None:
    if style == "upper":
        text = f"ĐIỀU {number}: {heading.upper()}"
    elif style == "dash":
        text = f"Điều {number} – {heading}"
    else:
        text = f"Điều {number}. {heading}"
    p.need(size * 1.2)
    p.put(x, p.y, text, size, bold=True)
    p.y += size * 0.5


def _vi_national_header(p: _Page, size: float, y: float = 16) -> float:
    p.put_centre(105, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size, bold=True)
    p.put_centre(105, y + 5.5, "Độc lập - Tự do - Hạnh phúc", size, bold=True)
    half = p.width("Độc lập - Tự do - Hạnh phúc", size, bold=True) / 2
    p.hline(105 - half, y + 7.2, 105 + half, 0.3)
    return y + 7.2


def _vi_sign_block(p: _Page, left: tuple[str, str], right: tuple[str, str], size: float) -> None:
    p.need(42)
    p.y += 6
    for cx, (heading, name) in ((55, left), (155, right)):
        p.put_centre(cx, p.y, heading, size, bold=True)
        p.put_centre(cx, p.y + 5, "(Ký, ghi rõ họ tên, đóng dấu)", size - 2, italic=True)
        p.put_centre(cx, p.y + 30, name, size, bold=True)
    p.y += 34


def _con_vi_service(rng: random.Random) -> GeneratedDocument:
    """A law-firm style service contract in serif type: national motto, `Căn cứ` recitals
    citing laws with their own dates, `BÊN A (BÊN SỬ DỤNG DỊCH VỤ)` blocks with `Mã số doanh
    nghiệp`, value with VAT and in words, a term in months, optional auto-renewal, optional
    articles; often two pages."""
    p = _Page("serif")
    kind = rng.choice(
        [
            ("HỢP ĐỒNG CUNG CẤP DỊCH VỤ", "HĐDV", "dịch vụ vệ sinh công nghiệp tòa nhà văn phòng"),
            (
                "HỢP ĐỒNG DỊCH VỤ BẢO TRÌ HỆ THỐNG",
                "HĐBT",
                "dịch vụ bảo trì hệ thống điều hòa trung tâm",
            ),
            ("HỢP ĐỒNG DỊCH VỤ KẾ TOÁN", "HĐDVKT", "dịch vụ kế toán và lập báo cáo tài chính"),
        ]
    )
    title, code, service = kind
    names = rng.sample(_VI_CONTRACT_COMPANIES, 2)
    a, b = (_vi_company(rng, name) for name in names)
    signed = _day28(rng)
    months = rng.choice([6, 12, 12, 24, 36])
    expiry = _add_months(signed, months)
    auto = rng.random() < 0.35
    pre_vat = Decimal(rng.randint(20, 900) * 1_000_000)
    vat_rate = rng.choice([8, 10])
    value = pre_vat + pre_vat * vat_rate / 100
    number = f"{rng.randint(1, 99):02d}/{signed.year}/{code}/{rng.choice(['VT', 'BA', 'MB', 'HĐ'])}"
    size = 10.5
    _vi_national_header(p, size + 0.5)
    p.put_centre(105, 38, title, 15, bold=True)
    p.put_centre(105, 44.5, f"Số: {number}", size, italic=True)
    p.y = 54
    recitals = [
        "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;",
        "Căn cứ Luật Thương mại số 36/2005/QH11 ngày 14 tháng 6 năm 2005;",
        "Căn cứ nhu cầu và khả năng thực tế của các bên.",
    ]
    for recital in recitals:
        p.flow(20, "- " + recital, 175, size - 0.5, italic=True, leading=5)
    p.y += 2
    where = rng.choice(["trụ sở Bên A", "Văn phòng Bên B", "Hà Nội"])
    when = _ngay(signed) if rng.random() < 0.6 else f"ngày {_dmy(signed)}"
    p.flow(15, f"Hôm nay, {when}, tại {where}, chúng tôi gồm:", 180, size, leading=5.2, after=1.5)
    for label, party in (("BÊN A (BÊN SỬ DỤNG DỊCH VỤ)", a), ("BÊN B (BÊN CUNG CẤP DỊCH VỤ)", b)):
        p.flow(15, f"{label}: {party['name']}", 180, size, bold=True, leading=5.2)
        p.flow(20, f"Địa chỉ trụ sở: {party['address']}", 175, size, leading=5.2)
        p.flow(20, f"Mã số doanh nghiệp: {party['tax_id']}", 175, size, leading=5.2)
        p.need(5.2)
        p.put(20, p.y, f"Điện thoại: {_vi_landline(rng)}", size)
        p.put(110, p.y, f"Tài khoản số: {_account(rng)}", size)
        p.y += 5.2
        p.need(5.2)
        p.put(20, p.y, f"Người đại diện: {party['honorific']} {party['representative']}", size)
        p.put(125, p.y, f"Chức vụ: {party['office']}", size)
        p.y += 7
    p.flow(
        15,
        "Hai bên thống nhất ký kết Hợp đồng với các điều khoản sau đây:",
        180,
        size,
        leading=5.2,
        after=1,
    )
    term = f"Hợp đồng có thời hạn {months:02d} ({_VI_NUMBER_WORDS[months]}) tháng kể từ ngày ký."
    articles: list[_Article] = [
        (
            "Nội dung dịch vụ",
            [
                (
                    f"Bên B cung cấp cho Bên A {service} theo phạm vi và tiêu chuẩn "
                    "kỹ thuật quy định tại Phụ lục 01 đính kèm Hợp đồng này."
                )
            ],
            set(),
        ),
        (
            "Giá trị hợp đồng và phương thức thanh toán",
            [
                (
                    f"Tổng giá trị hợp đồng: {_vn_num(value)} đồng (Bằng chữ: "
                    f"{vietnamese_words(int(value))}), đã bao gồm thuế GTGT {vat_rate}%."
                ),
                (
                    "Bên A thanh toán cho Bên B bằng hình thức chuyển khoản, chia "
                    "làm 02 đợt: đợt 1 tạm ứng 30% giá trị hợp đồng trong vòng 07 "
                    "ngày làm việc kể từ ngày ký; đợt 2 thanh toán phần còn lại sau "
                    "khi nghiệm thu và nhận đủ hóa đơn GTGT hợp lệ."
                ),
            ],
            {"payment"},
        ),
        ("Thời hạn hợp đồng", [term + (" " + _VI_AUTO_RENEWAL if auto else "")], set()),
        (
            "Quyền và nghĩa vụ của Bên A",
            [
                (
                    "Cung cấp đầy đủ thông tin, tài liệu và tạo điều kiện thuận lợi "
                    "để Bên B thực hiện công việc; cử người phối hợp, giám sát và "
                    "nghiệm thu kết quả dịch vụ."
                )
            ],
            set(),
        ),
        (
            "Quyền và nghĩa vụ của Bên B",
            [
                (
                    "Thực hiện dịch vụ đúng phạm vi, tiến độ và chất lượng đã thỏa "
                    "thuận; bố trí nhân sự có chuyên môn phù hợp; tuân thủ nội quy "
                    "làm việc của Bên A."
                )
            ],
            set(),
        ),
    ]
    articles += _vi_optional_articles(rng, warranty=True)
    articles.append(
        (
            "Điều khoản chung",
            [
                (
                    "Hợp đồng có hiệu lực kể từ ngày ký. Mọi sửa đổi, bổ sung Hợp "
                    "đồng phải được lập thành văn bản có chữ ký của đại diện hợp "
                    "pháp các bên. Hợp đồng được lập thành 04 bản có giá trị pháp "
                    "lý như nhau, mỗi bên giữ 02 bản."
                )
            ],
            set(),
        )
    )
    style = rng.choice(["dot", "upper"])
    clauses: set[str] = set()
    for number_, (heading, paragraphs, keys) in enumerate(articles, start=1):
        _vi_heading(p, number_, heading, style, 15, size)
        for index, text in enumerate(paragraphs, start=1):
            prefix = f"{number_}.{index}. " if len(paragraphs) > 1 else ""
            p.flow(20, prefix + text, 175, size, leading=5.2)
        p.y += 1.5
        clauses |= keys
    _vi_sign_block(
        p, ("ĐẠI DIỆN BÊN A", a["representative"]), ("ĐẠI DIỆN BÊN B", b["representative"]), size
    )
    fields = _contract_fields(
        number=number,
        title=title,
        signed=signed,
        effective=signed,
        expiry=expiry,
        parties=[a, b],
        value=value,
        currency="VND",
        law="Vietnam",
        clauses=clauses,
        auto=auto,
    )
    return GeneratedDocument("contract", "vi", p.bytes(), fields)


def _personal_tax_id(rng: random.Random) -> str:
    while True:
        code = mst(rng)
        if code.startswith("8"):
            return code


def _con_vi_lease(rng: random.Random) -> GeneratedDocument:
    """An office lease in sans type: `BÊN CHO THUÊ (sau đây gọi là Bên A)`, the lessor often a
    private person (date of birth, CCCD issued on a date, personal tax code), upper-case
    `ĐIỀU 1:` headings, rent per month plus the contract total and a deposit, the lease term
    with both start and end dates printed; the contract number is sometimes left off."""
    p = _Page("sans")
    title = rng.choice(
        ["HỢP ĐỒNG THUÊ VĂN PHÒNG", "HỢP ĐỒNG THUÊ MẶT BẰNG KINH DOANH", "HỢP ĐỒNG THUÊ KHO"]
    )
    signed = _day(rng, date(2026, 1, 5), 240)
    start = date(signed.year + signed.month // 12, signed.month % 12 + 1, 1)
    months = rng.choice([12, 24, 36])
    end = _add_months(start, months) - timedelta(days=1)
    rent = Decimal(rng.randint(12, 160) * 1_000_000)
    value = rent * months
    auto = rng.random() < 0.3
    individual = rng.random() < 0.5
    company_names = rng.sample(_VI_CONTRACT_COMPANIES, 2)
    tenant = _vi_company(rng, company_names[1])
    number = f"{rng.randint(1, 60):02d}/{signed.year}/HĐTVP" if rng.random() < 0.7 else None
    size = 10
    _vi_national_header(p, size + 0.5, 15)
    p.put_centre(105, 34, title, 14, bold=True)
    p.y = 40
    if number:
        p.put_centre(105, 40, f"Số: {number}", size)
        p.y = 46
    p.y += 4
    for recital in (
        "Căn cứ Bộ luật Dân sự năm 2015;",
        "Căn cứ Luật Kinh doanh bất động sản năm 2023;",
        "Căn cứ vào nhu cầu và sự thỏa thuận của các bên.",
    ):
        p.flow(15, recital, 180, size - 0.5, italic=True, leading=4.8)
    p.y += 2
    p.flow(
        15,
        (
            f"Hôm nay, ngày {_dmy(signed)}, tại "
            f"{rng.choice(['Hà Nội', 'TP. Hồ Chí Minh', 'Đà Nẵng'])}, chúng tôi gồm có:"
        ),
        180,
        size,
        leading=5,
    )
    p.y += 1
    p.flow(15, "BÊN CHO THUÊ (sau đây gọi là Bên A):", 180, size, bold=True, leading=5)
    if individual:
        person, female = _vi_person(rng)
        born = date(rng.randint(1960, 1985), rng.randint(1, 12), rng.randint(1, 28))
        issued_id = date(rng.randint(2021, 2024), rng.randint(1, 12), rng.randint(1, 28))
        landlord = {
            "name": person,
            "tax_id": _personal_tax_id(rng),
            "address": _vi_address(rng),
            "representative": None,
        }
        p.put(20, p.y, f"{'Bà' if female else 'Ông'}: {person}", size, bold=True)
        p.put(120, p.y, f"Sinh ngày: {_dmy(born)}", size)
        p.y += 5
        p.flow(
            20,
            (
                f"Số CCCD: 0{rng.randint(10**10, 10**11 - 1)} cấp ngày {_dmy(issued_id)} "
                "tại Cục Cảnh sát QLHC về TTXH"
            ),
            175,
            size,
            leading=5,
        )
        p.flow(20, f"Mã số thuế cá nhân: {landlord['tax_id']}", 175, size, leading=5)
        p.flow(20, f"Địa chỉ thường trú: {landlord['address']}", 175, size, leading=5)
    else:
        landlord = _vi_company(rng, company_names[0])
        p.flow(20, f"Tên doanh nghiệp: {landlord['name']}", 175, size, leading=5)
        p.flow(20, f"Mã số thuế: {landlord['tax_id']}", 175, size, leading=5)
        p.flow(20, f"Trụ sở: {landlord['address']}", 175, size, leading=5)
        p.flow(
            20,
            (
                f"Đại diện bởi: {landlord['honorific']} {landlord['representative']} "
                f"– {landlord['office']}"
            ),
            175,
            size,
            leading=5,
        )
    p.y += 1.5
    p.flow(15, "BÊN THUÊ (sau đây gọi là Bên B):", 180, size, bold=True, leading=5)
    p.flow(20, f"Tên doanh nghiệp: {tenant['name']}", 175, size, leading=5)
    p.flow(20, f"Mã số thuế: {tenant['tax_id']}", 175, size, leading=5)
    p.flow(20, f"Trụ sở: {tenant['address']}", 175, size, leading=5)
    p.flow(
        20,
        f"Đại diện bởi: {tenant['honorific']} {tenant['representative']} – {tenant['office']}",
        175,
        size,
        leading=5,
    )
    p.y += 2
    area = rng.randint(60, 450)
    lease_term = (
        f"Thời hạn thuê là {months} tháng, kể từ ngày {_dmy(start)} đến hết ngày {_dmy(end)}."
    )
    if auto:
        lease_term += (
            " Hết thời hạn thuê, Hợp đồng được tự động gia hạn thêm 12 tháng nếu không bên nào "
            "có yêu cầu chấm dứt bằng văn bản trước ít nhất 60 ngày."
        )
    articles: list[_Article] = [
        (
            "Đối tượng của hợp đồng",
            [
                (
                    f"Bên A đồng ý cho Bên B thuê diện tích sử dụng {area} m2 tại "
                    f"địa chỉ {_vi_address(rng)} để làm văn phòng làm việc."
                )
            ],
            set(),
        ),
        ("Thời hạn thuê", [lease_term], set()),
        (
            "Giá thuê và phương thức thanh toán",
            [
                (
                    f"Giá thuê: {_vn_num(rent)} đồng/tháng (đã bao gồm thuế GTGT). "
                    f"Tổng giá trị hợp đồng: {_vn_num(value)} đồng."
                ),
                f"Tiền đặt cọc: {_vn_num(rent * 3)} đồng, được hoàn trả khi hết hạn hợp đồng.",
                (
                    "Bên B thanh toán tiền thuê 03 tháng một lần, vào 05 ngày đầu "
                    "tiên của kỳ thanh toán, bằng chuyển khoản."
                ),
            ],
            {"payment"},
        ),
        (
            "Quyền và nghĩa vụ của Bên A",
            [
                (
                    "Bàn giao mặt bằng đúng hiện trạng đã thỏa thuận; bảo đảm quyền "
                    "sử dụng ổn định của Bên B trong thời hạn thuê."
                )
            ],
            set(),
        ),
        (
            "Quyền và nghĩa vụ của Bên B",
            [
                (
                    "Sử dụng mặt bằng đúng mục đích; giữ gìn tài sản thuê; không "
                    "được cho thuê lại khi chưa có sự đồng ý bằng văn bản của Bên "
                    "A."
                )
            ],
            set(),
        ),
    ]
    articles += _vi_optional_articles(rng, warranty=False)
    articles.append(
        (
            "Điều khoản thi hành",
            [
                (
                    f"Hợp đồng có hiệu lực kể từ ngày {_dmy(start)}. Hợp đồng được "
                    "lập thành 02 bản, mỗi bên giữ 01 bản có giá trị pháp lý như "
                    "nhau."
                )
            ],
            set(),
        )
    )
    clauses: set[str] = set()
    for number_, (heading, paragraphs, keys) in enumerate(articles, start=1):
        _vi_heading(p, number_, heading, "upper", 15, size)
        for text in paragraphs:
            p.flow(15, text, 180, size, leading=5)
        p.y += 1.5
        clauses |= keys
    _vi_sign_block(
        p,
        ("BÊN CHO THUÊ", landlord["name"] if individual else landlord["representative"]),
        ("BÊN THUÊ", tenant["representative"]),
        size,
    )
    fields = _contract_fields(
        number=number,
        title=title,
        signed=signed,
        effective=start,
        expiry=end,
        parties=[landlord, tenant],
        value=value,
        currency="VND",
        law="Vietnam",
        clauses=clauses,
        auto=auto,
    )
    return GeneratedDocument("contract", "vi", p.bytes(), fields)


def _con_vi_partnership(rng: random.Random) -> GeneratedDocument:
    """A business co-operation agreement (BCC) between two or three companies in condensed
    type: place and date on the right under the motto, `BÊN A:` blocks with the enterprise
    code and its first registration date, `Điều 1 –` headings, no contract value, a term
    counted from an effective date printed in the final article."""
    p = _Page("cond")
    count = rng.choice([2, 3, 3])
    parties = [_vi_company(rng, name) for name in rng.sample(_VI_CONTRACT_COMPANIES, count)]
    signed = _day28(rng, date(2026, 1, 5), 280)
    effective = signed if rng.random() < 0.5 else _add_months(signed, 1)
    months = rng.choice([12, 18, 24, 36])
    expiry = _add_months(effective, months)
    title = "HỢP ĐỒNG HỢP TÁC KINH DOANH" if count == 3 else "HỢP ĐỒNG HỢP TÁC"
    number = f"{rng.randint(1, 30):02d}/{signed.year}/HĐHT"
    size = 10.5
    p.put(15, 15, "Số: " + number, size)
    _vi_national_header(p, size, 15)
    city = rng.choice(["Hà Nội", "Đà Nẵng", "Hải Phòng"])
    p.put_right(196, 30, f"{city}, {_ngay(signed)}", size, italic=True)
    p.put_centre(105, 42, title, 15, bold=True)
    p.y = 52
    p.flow(
        15,
        (
            "Căn cứ Bộ luật Dân sự năm 2015, Luật Đầu tư năm 2020 và các "
            "văn bản hướng dẫn thi hành; căn cứ nhu cầu và năng lực của các "
            "bên, các bên gồm:"
        ),
        180,
        size,
        italic=True,
        leading=5.2,
        after=1.5,
    )
    for letter, party in zip("ABC", parties, strict=False):
        p.flow(15, f"BÊN {letter}: {party['name']}", 180, size, bold=True, leading=5.2)
        registered = date(rng.randint(2008, 2020), rng.randint(1, 12), rng.randint(1, 28))
        p.flow(
            20,
            f"Mã số doanh nghiệp: {party['tax_id']}, đăng ký lần đầu ngày {_dmy(registered)}",
            175,
            size,
            leading=5.2,
        )
        p.flow(20, f"Trụ sở chính: {party['address']}", 175, size, leading=5.2)
        p.flow(
            20,
            (
                f"Đại diện: {party['honorific']} {party['representative']} - Chức "
                f"vụ: {party['office']}"
            ),
            175,
            size,
            leading=5.2,
            after=1.5,
        )
    shares = {2: [60, 40], 3: [40, 35, 25]}[count]
    split = ", ".join(
        f"Bên {letter} {share}%" for letter, share in zip("ABC", shares, strict=False)
    )
    articles: list[_Article] = [
        (
            "Mục đích hợp tác",
            [
                (
                    "Các bên thống nhất hợp tác đầu tư, khai thác chuỗi cửa hàng "
                    "phân phối thiết bị y tế tại khu vực miền Bắc trên cơ sở phát "
                    "huy thế mạnh của mỗi bên."
                )
            ],
            set(),
        ),
        (
            "Thời hạn hợp tác",
            [
                (
                    f"Thời hạn hợp tác là {months} ({_VI_NUMBER_WORDS[months]}) tháng "
                    "kể từ ngày Hợp đồng có hiệu lực."
                )
            ],
            set(),
        ),
        (
            "Phân chia kết quả kinh doanh",
            [
                (
                    f"Lợi nhuận sau thuế được phân chia theo tỷ lệ: {split}. Việc "
                    "phân chia được thực hiện mỗi năm một lần sau khi quyết toán."
                )
            ],
            set(),
        ),
        (
            "Quyền và nghĩa vụ của các bên",
            [
                (
                    "Các bên có nghĩa vụ đóng góp nguồn lực đúng cam kết, phối hợp "
                    "điều hành hoạt động chung và cung cấp thông tin trung thực cho "
                    "nhau."
                )
            ],
            set(),
        ),
    ]
    articles += _vi_optional_articles(rng, warranty=False)
    articles.append(
        (
            "Hiệu lực hợp đồng",
            [
                (
                    f"Hợp đồng có hiệu lực kể từ ngày {_dmy(effective)}. Hợp đồng "
                    f"được lập thành {count * 2:02d} bản, mỗi bên giữ 02 bản."
                )
            ],
            set(),
        )
    )
    clauses: set[str] = set()
    for number_, (heading, paragraphs, keys) in enumerate(articles, start=1):
        _vi_heading(p, number_, heading, "dash", 15, size)
        for text in paragraphs:
            p.flow(15, text, 180, size, leading=5.2)
        p.y += 1.5
        clauses |= keys
    p.need(45)
    p.y += 6
    centres = [40, 105, 170] if count == 3 else [55, 155]
    for cx, letter, party in zip(centres, "ABC", parties, strict=False):
        p.put_centre(cx, p.y, f"ĐẠI DIỆN BÊN {letter}", size, bold=True)
        p.put_centre(cx, p.y + 30, party["representative"], size, bold=True)
    fields = _contract_fields(
        number=number,
        title=title,
        signed=signed,
        effective=effective,
        expiry=expiry,
        parties=parties,
        value=None,
        currency=None,
        law="Vietnam",
        clauses=clauses,
        auto=False,
    )
    return GeneratedDocument("contract", "vi", p.bytes(), fields)


# English clauses: heading, text, the clauses it is.
_EN_UK_CLAUSES: dict[str, tuple[str, str]] = {
    "confidentiality": (
        "CONFIDENTIALITY",
        "Each party undertakes that it shall not at any time during this agreement, and for a "
        "period of two years after its termination or expiry, disclose to any person any "
        "confidential information concerning the business, affairs, customers, clients or "
        "suppliers of the other party, except as permitted by this clause.",
    ),
    "liability": (
        "LIMITATION OF LIABILITY",
        "Nothing in this agreement limits any liability which cannot legally be limited. "
        "Subject to that, each party's total liability to the other arising under or in "
        "connection with this agreement shall not exceed the total fee.",
    ),
    "warranty": (
        "WARRANTIES",
        "The Supplier warrants that the Services will be provided using reasonable care and "
        "skill, in accordance with good industry practice.",
    ),
    "termination": (
        "TERMINATION",
        "Without affecting any other right or remedy available to it, either party may "
        "terminate this agreement with immediate effect by giving written notice to the other "
        "party if the other party commits a material breach of any term of this agreement and "
        "fails to remedy that breach within 30 days of being notified in writing to do so.",
    ),
    "force_majeure": (
        "FORCE MAJEURE",
        "Neither party shall be in breach of this agreement nor liable for delay in performing, "
        "or failure to perform, any of its obligations if such delay or failure results from "
        "events, circumstances or causes beyond its reasonable control.",
    ),
}


def _con_en_uk_msa(rng: random.Random) -> GeneratedDocument:
    """An English-law (or Singapore-law) agreement in serif type as a law firm drafts it:
    `THIS AGREEMENT is dated`, numbered `PARTIES` described in prose (company number,
    registered office, defined names), `BACKGROUND`, `AGREED TERMS` with upper-case numbered
    clauses, a commencement date and initial term in months, optional automatic renewal,
    `Signed by … for and on behalf of` blocks; two pages."""
    p = _Page("serif")
    singapore = rng.random() < 0.3
    kind = rng.choice(
        ["MASTER SERVICES AGREEMENT", "SOFTWARE DEVELOPMENT AGREEMENT", "SUPPLY AGREEMENT"]
    )
    if singapore:
        (name_a, address_a), (name_b, address_b) = rng.sample(_SG_SELLERS + _SG_BUYERS, 2)
        law, currency, symbol = "Singapore", "SGD", "S$"
    else:
        (name_a, address_a), (name_b, address_b) = rng.sample(_UK_COMPANIES, 2)
        law, currency, symbol = "England and Wales", "GBP", "£"
    name_a, name_b = name_a.upper(), name_b.upper()
    signed = _day28(rng)
    commence = signed if rng.random() < 0.5 else _add_months(signed, 1)
    months = rng.choice([12, 24, 36])
    expiry = _add_months(commence, months)
    auto = rng.random() < 0.45
    value = Decimal(rng.randint(12, 400) * 1000)
    number = f"MSA-{signed.year}-{rng.randint(1, 300):03d}" if rng.random() < 0.6 else None
    rep_a, rep_b = _en_person(rng), _en_person(rng)
    size = 10
    p.y = 30
    p.put_centre(105, p.y, kind, 15, bold=True)
    p.y += 8
    if number:
        p.put_centre(105, p.y, f"Agreement No. {number}", size)
        p.y += 8
    p.flow(
        15, f"THIS AGREEMENT is dated {_uk_date(signed)}", 180, size, bold=True, leading=5, after=4
    )
    p.flow(15, "PARTIES", 180, size + 1, bold=True, leading=5.5, after=1)

    def described(name: str, address: str) -> str:
        if singapore:
            return (
                f"{name}, a company incorporated in Singapore whose registered "
                f"office is at {address}"
            )
        return (
            f"{name} incorporated and registered in England and Wales with company number "
            f"{rng.randint(10**7, 10**8 - 1):08d} whose registered office is at {address}"
        )

    p.flow(
        15, f'(1) {described(name_a, address_a)} (the "Customer");', 180, size, leading=5, after=1.5
    )
    p.flow(
        15, f'(2) {described(name_b, address_b)} (the "Supplier").', 180, size, leading=5, after=4
    )
    p.flow(15, "BACKGROUND", 180, size + 1, bold=True, leading=5.5, after=1)
    p.flow(
        15,
        ("(A) The Supplier is in the business of providing technology and consultancy services."),
        180,
        size,
        leading=5,
    )
    p.flow(
        15,
        (
            "(B) The Customer wishes to obtain, and the Supplier wishes to "
            "provide, the Services on the terms of this agreement."
        ),
        180,
        size,
        leading=5,
        after=4,
    )
    p.flow(15, "AGREED TERMS", 180, size + 1, bold=True, leading=5.5, after=1)
    if commence == signed:
        start = "This agreement shall commence on the date of this agreement"
    else:
        start = f'This agreement shall commence on {_uk_date(commence)} (the "Commencement Date")'
    term = f"{start} and shall continue for an initial term of {months} months"
    if auto:
        term += (
            ", after which it shall automatically renew for successive periods of 12 months "
            "unless either party gives the other not less than three months' written notice "
            "of termination before the end of the initial term or the relevant renewal period."
        )
    else:
        term += ", unless terminated earlier in accordance with its terms."
    clauses_text: list[tuple[str, str, set[str]]] = [
        (
            "INTERPRETATION",
            (
                "The definitions and rules of interpretation in this clause apply "
                "in this agreement. Clause headings shall not affect the interpretation "
                "of this agreement."
            ),
            set(),
        ),
        ("COMMENCEMENT AND TERM", term, set()),
        (
            "SUPPLY OF SERVICES",
            (
                "The Supplier shall provide the Services to the Customer in accordance "
                "with the statement of work set out in Schedule 1."
            ),
            set(),
        ),
        (
            "CHARGES AND PAYMENT",
            (
                "In consideration of the provision of the Services, the Customer "
                f"shall pay the Supplier a total fee of {symbol}{_en_money(value)} "
                "(exclusive of VAT). The Supplier shall invoice the Customer "
                "monthly in arrears and the Customer shall pay each valid invoice "
                "within 30 days of receipt."
            ),
            {"payment"},
        ),
    ]
    for key in ("warranty", "confidentiality", "liability", "termination", "force_majeure"):
        if rng.random() < 0.7:
            heading, text = _EN_UK_CLAUSES[key]
            clauses_text.append((heading, text, {key}))
    clauses_text.append(
        (
            "GOVERNING LAW",
            (
                "This agreement and any dispute or claim (including non-contractual "
                "disputes or claims) arising out of or in connection with it "
                "or its subject matter or formation shall be governed by and "
                f"construed in accordance with the law of {law}."
            ),
            {"governing_law"},
        )
    )
    if rng.random() < 0.8:
        if singapore:
            text = (
                "Any dispute arising out of or in connection with this agreement "
                "shall be referred to and finally resolved by arbitration administered "
                "by the Singapore International Arbitration Centre."
            )
        else:
            text = (
                "Each party irrevocably agrees that the courts of England and "
                "Wales shall have exclusive jurisdiction to settle any dispute "
                "or claim arising out of or in connection with this agreement."
            )
        clauses_text.append(
            (
                "JURISDICTION" if not singapore else "DISPUTE RESOLUTION",
                text,
                {"dispute_resolution"},
            )
        )
    clauses_text.append(
        (
            "ENTIRE AGREEMENT",
            (
                "This agreement constitutes the entire agreement between the "
                "parties and supersedes all previous agreements between them "
                "relating to its subject matter."
            ),
            set(),
        )
    )
    clauses: set[str] = set()
    for number_, (heading, text, keys) in enumerate(clauses_text, start=1):
        p.need(12)
        p.y += 1.5
        p.put(15, p.y, f"{number_}.", size, bold=True)
        p.put(24, p.y, heading, size, bold=True)
        p.y += 5
        p.flow(24, f"{number_}.1 {text}", 171, size, leading=5)
        clauses |= keys
    p.y += 3
    p.flow(
        15,
        ("This agreement has been entered into on the date stated at the beginning of it."),
        180,
        size,
        leading=5,
        after=6,
    )
    p.need(50)
    for rep, name in ((rep_a, name_a), (rep_b, name_b)):
        p.put(15, p.y, f"Signed by {rep}", size)
        p.put(126, p.y, "....................................", size)
        p.put(126, p.y + 5, "Director", size)
        p.y = p.para(15, p.y + 5, f"for and on behalf of {name}", 104, size, leading=5) + 12
    parties = [
        {"name": name_a, "tax_id": None, "address": address_a, "representative": rep_a},
        {"name": name_b, "tax_id": None, "address": address_b, "representative": rep_b},
    ]
    fields = _contract_fields(
        number=number,
        title=kind,
        signed=signed,
        effective=commence,
        expiry=expiry,
        parties=parties,
        value=value,
        currency=currency,
        law=law,
        clauses=clauses,
        auto=auto,
    )
    return GeneratedDocument("contract", "en", p.bytes(), fields)


_US_STATES = [
    ("California", "San Francisco", "CA"),
    ("New York", "New York", "NY"),
    ("Delaware", "Wilmington", "DE"),
    ("Texas", "Austin", "TX"),
]
_US_CONSULTANTS_LLC = [
    ("Redwood Ridge Consulting Group LLC", "2450 Mission Street, San Francisco, CA 94110"),
    ("Harborview Analytics LLC", "18 Seaport Boulevard, Boston, MA 02210"),
]
_US_CLIENTS = [
    (
        "Blue Heron Analytics, Inc.",
        "500 Congress Avenue, Suite 1200, Austin, TX 78701",
        "Delaware corporation",
    ),
    ("Summit Peak Software, Inc.", "310 W Adams Street, Chicago, IL 60606", "Delaware corporation"),
    (
        "Lakeside Dental Partners, P.C.",
        "88 Broad Street, 5th Floor, Boston, MA 02110",
        "Massachusetts professional corporation",
    ),
]


def _con_en_us_consulting(rng: random.Random) -> GeneratedDocument:
    """A US consulting agreement in sans type: one opening sentence naming both parties
    (`entered into as of … (the "Effective Date") by and between`), run-in numbered section
    headings, a fixed fee in monthly instalments, the term in words and figures, a consultant
    who is a person or an LLC, `By: / Name: / Title:` signature blocks."""
    p = _Page("sans")
    title = rng.choice(["CONSULTING AGREEMENT", "INDEPENDENT CONTRACTOR AGREEMENT"])
    client_name, client_address, client_kind = rng.choice(_US_CLIENTS)
    individual = rng.random() < 0.5
    if individual:
        consultant_name = _en_person(rng)
        consultant_address = rng.choice(
            [
                "77 Elm Street, Apt 3B, Somerville, MA 02144",
                "1420 Oak Lane, Evanston, IL 60201",
                "905 Cedar Avenue, Austin, TX 78704",
            ]
        )
        consultant_rep = None
        descriptor = f"an individual residing at {consultant_address}"
    else:
        consultant_name, consultant_address = rng.choice(_US_CONSULTANTS_LLC)
        consultant_rep = _en_person(rng)
        descriptor = (
            f"a limited liability company with its principal office at {consultant_address}"
        )
    client_rep = _en_person(rng)
    while client_rep == consultant_rep:
        client_rep = _en_person(rng)
    state, city, _abbr = rng.choice(_US_STATES)
    effective = _day28(rng)
    months = rng.choice([6, 12, 18, 24])
    expiry = _add_months(effective, months)
    monthly = Decimal(rng.randint(20, 160) * 100)
    value = monthly * months
    auto = rng.random() < 0.35
    size = 10
    p.put_centre(105, 25, title, 14, bold=True)
    p.y = 38
    p.flow(
        15,
        (
            f'This {_title_words(title.lower())} (this "Agreement") is entered '
            f'into as of {_us_date(effective)} (the "Effective Date"), by '
            f"and between {client_name}, a {client_kind} with its principal "
            f'place of business at {client_address} ("Company"), and {consultant_name}, '
            f'{descriptor} ("Consultant").'
        ),
        180,
        size,
        leading=5.2,
        after=3,
    )
    p.flow(15, "The parties agree as follows:", 180, size, leading=5.2, after=2)
    term = (
        "This Agreement shall commence on the Effective Date and shall continue for a period "
        f"of {_EN_MONTH_WORDS[months]} ({months}) months, unless earlier terminated as "
        "provided herein."
    )
    if auto:
        term += (
            " Thereafter, this Agreement shall automatically renew for successive "
            "one-year terms unless either party provides written notice of "
            "non-renewal at least thirty (30) days before the end of the "
            "then-current term."
        )
    sections: list[tuple[str, str, set[str]]] = [
        (
            "Services.",
            (
                "Consultant shall perform the services described in Exhibit A "
                '(the "Services") in a timely and professional manner.'
            ),
            set(),
        ),
        (
            "Compensation.",
            (
                "As full compensation for the Services, Company shall pay Consultant "
                f"a fixed fee of ${_en_money(value)}, payable in {_EN_MONTH_WORDS[months]} "
                f"equal monthly installments of ${_en_money(monthly)} within fifteen "
                "(15) days after receipt of Consultant's invoice."
            ),
            {"payment"},
        ),
    ]
    if rng.random() < 0.7:
        sections.append(
            (
                "Term and Termination.",
                term
                + (
                    " Either party may terminate this Agreement at any time upon "
                    "thirty (30) days' prior written notice to the other party."
                ),
                {"termination"},
            )
        )
    else:
        sections.append(("Term.", term, set()))
    sections.append(
        (
            "Independent Contractor.",
            (
                "Consultant is an independent contractor and not an employee "
                "of Company, and shall be responsible for all taxes on amounts "
                "paid under this Agreement."
            ),
            set(),
        )
    )
    optional = [
        (
            "Confidential Information.",
            (
                "Consultant shall hold all non-public information of Company "
                "in strict confidence and shall not disclose it to any third "
                "party without Company's prior written consent."
            ),
            {"confidentiality"},
        ),
        (
            "Warranties.",
            (
                "Consultant warrants that the Services will be performed in a "
                "professional and workmanlike manner consistent with industry "
                "standards."
            ),
            {"warranty"},
        ),
        (
            "Limitation of Liability.",
            (
                "IN NO EVENT SHALL EITHER PARTY BE LIABLE FOR ANY INDIRECT, INCIDENTAL "
                "OR CONSEQUENTIAL DAMAGES ARISING OUT OF THIS AGREEMENT."
            ),
            {"liability"},
        ),
        (
            "Force Majeure.",
            (
                "Neither party shall be liable for any failure to perform caused "
                "by circumstances beyond its reasonable control, including acts "
                "of God, fire, flood, epidemic or government action."
            ),
            {"force_majeure"},
        ),
    ]
    sections += [section for section in optional if rng.random() < 0.6]
    sections.append(
        (
            "Governing Law.",
            (
                "This Agreement shall be governed by and construed in accordance "
                f"with the laws of the State of {state}, without regard to its "
                "conflict of laws principles."
            ),
            {"governing_law"},
        )
    )
    if rng.random() < 0.75:
        sections.append(
            (
                "Dispute Resolution.",
                (
                    "Any dispute arising out of or relating to this Agreement shall "
                    "be resolved by binding arbitration administered by the American "
                    f"Arbitration Association in {city}, {state}."
                ),
                {"dispute_resolution"},
            )
        )
    sections.append(
        (
            "Entire Agreement.",
            (
                "This Agreement constitutes the entire agreement between the "
                "parties with respect to its subject matter and may be amended "
                "only in a writing signed by both parties."
            ),
            set(),
        )
    )
    clauses: set[str] = set()
    for number_, (heading, text, keys) in enumerate(sections, start=1):
        lead = f"{number_}. {heading}"
        p.need(10)
        p.put(15, p.y, lead, size, bold=True)
        first_width = 180 - p.width(lead + " ", size, bold=True)
        lines = p.wrap(text, first_width, size)
        first = lines[0]
        p.put(15 + p.width(lead + " ", size, bold=True), p.y, first, size)
        p.y += 5.2
        rest = text[len(first) :].strip()
        if rest:
            p.flow(15, rest, 180, size, leading=5.2)
        p.y += 1.5
        clauses |= keys
    p.y += 4
    p.flow(
        15,
        ("IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date."),
        180,
        size,
        leading=5.2,
        after=6,
    )
    p.need(40)
    y = p.y
    p.put(15, y, "COMPANY:", size, bold=True)
    p.put(15, y + 5, client_name, size)
    p.put(15, y + 15, "By: ______________________", size)
    p.put(15, y + 20, f"Name: {client_rep}", size)
    p.put(15, y + 25, "Title: Chief Executive Officer", size)
    p.put(110, y, "CONSULTANT:", size, bold=True)
    if individual:
        p.put(110, y + 15, "______________________", size)
        p.put(110, y + 20, consultant_name, size)
    else:
        p.put(110, y + 5, consultant_name, size)
        p.put(110, y + 15, "By: ______________________", size)
        p.put(110, y + 20, f"Name: {consultant_rep}", size)
        p.put(110, y + 25, "Title: Managing Member", size)
    parties = [
        {
            "name": client_name,
            "tax_id": None,
            "address": client_address,
            "representative": client_rep,
        },
        {
            "name": consultant_name,
            "tax_id": None,
            "address": consultant_address,
            "representative": consultant_rep,
        },
    ]
    fields = _contract_fields(
        number=None,
        title=title,
        signed=effective,
        effective=effective,
        expiry=expiry,
        parties=parties,
        value=value,
        currency="USD",
        law=state,
        clauses=clauses,
        auto=auto,
    )
    return GeneratedDocument("contract", "en", p.bytes(), fields)


def _con_en_sales(rng: random.Random) -> GeneratedDocument:
    """A Vietnamese exporter's English sales contract: `No.` and `Date` under the title,
    `THE SELLER:` / `THE BUYER:` blocks with `Represented by: Mr. … – General Director`,
    `ARTICLE 1: COMMODITY – QUANTITY – PRICE` with a goods table and the total in words,
    arbitration at VIAC, validity until a printed date."""
    p = _Page("sans")
    title = rng.choice(["SALES CONTRACT", "PURCHASE CONTRACT", "SUPPLY CONTRACT"])
    seller_name, seller_address = rng.choice(_VN_EXPORTERS)
    buyer_name, buyer_address, buyer_contact = rng.choice(_FOREIGN_BUYERS)
    seller_tax = mst(rng)
    seller_person, female = _vi_person(rng)
    seller_rep = _ascii(seller_person)
    seller_title = "Ms." if female else "Mr."
    buyer_title, buyer_rep = buyer_contact.split(" ", 1)
    signed = _day(rng, date(2026, 1, 5), 250)
    valid_until = rng.choice([date(signed.year, 12, 31), date(signed.year + 1, 6, 30)])
    currency = rng.choice(["USD", "USD", "EUR"])
    number = f"{signed.month:02d}{signed.day:02d}/{signed.year}/SC-{rng.choice(['VT', 'PQ', 'DA'])}"
    goods = []
    for description, unit, low, high in rng.sample(_EXPORT_GOODS, rng.randint(1, 3)):
        price = Decimal(rng.randint(low * 100, high * 100)) / 100
        quantity = Decimal(
            rng.randint(1, 4) if unit == "man-month" else rng.choice([1000, 2500, 5000, 10000])
        )
        goods.append((description, unit, quantity, price, quantity * price))
    value = sum((g[4] for g in goods), Decimal(0))
    size = 10
    p.put_centre(105, 22, title, 16, bold=True)
    p.put_centre(105, 29, f"No.: {number}", size)
    p.put_centre(105, 34, f"Date: {_uk_date(signed)}", size)
    p.y = 44
    p.flow(15, "This contract is made by and between:", 180, size, leading=5, after=1)
    blocks = [
        (
            "THE SELLER",
            seller_name,
            seller_address,
            f"Tax code: {seller_tax}",
            f"{seller_title} {seller_rep}",
            "General Director",
        ),
        ("THE BUYER", buyer_name, buyer_address, None, f"{buyer_title} {buyer_rep}", "President"),
    ]
    for label, name, address, tax, rep, office in blocks:
        p.flow(15, f"{label}: {name}", 180, size, bold=True, leading=5)
        p.flow(20, f"Address: {address}", 175, size, leading=5)
        if tax:
            p.flow(20, tax, 175, size, leading=5)
        p.flow(20, f"Represented by: {rep} – {office}", 175, size, leading=5)
        p.flow(
            20,
            f'(hereinafter referred to as "{label.title()[4:]}")',
            175,
            size,
            italic=True,
            leading=5,
            after=1.5,
        )
    p.flow(
        15,
        ("Both parties agree to sign this contract with the following terms and conditions:"),
        180,
        size,
        leading=5,
        after=2,
    )
    p.flow(15, "ARTICLE 1: COMMODITY – QUANTITY – PRICE", 180, size, bold=True, leading=5)
    edges = [15, 25, 95, 115, 138, 165, 196]
    rows = [
        [
            "No.",
            "Description",
            "Unit",
            "Quantity",
            f"Unit price ({currency})",
            f"Amount ({currency})",
        ]
    ]
    rows += [
        [str(n), d, u, f"{q:,}", _en_money(pr), _en_money(a)]
        for n, (d, u, q, pr, a) in enumerate(goods, start=1)
    ]
    p.y = p.table(edges, p.y - 2, rows, "clcrrr", size=8.5, bold_rows=[0]) + 5
    words = _money_words_en(value, currency)
    p.flow(
        15, f"Total contract value: {currency} {_en_money(value)}", 180, size, bold=True, leading=5
    )
    p.flow(15, f"(In words: {words})", 180, size, italic=True, leading=5, after=2)
    articles: list[tuple[str, str, set[str]]] = [
        (
            "QUALITY AND PACKING",
            (
                "Goods are brand new, manufactured in 2026, packed in export "
                "standard cartons suitable for sea transport."
            ),
            set(),
        ),
        (
            "DELIVERY",
            (
                "Delivery term: FOB Hai Phong Port, Vietnam (Incoterms 2020). "
                "Partial shipment and transhipment are allowed."
            ),
            set(),
        ),
        (
            "PAYMENT",
            (
                "By T/T: 30% of the contract value in advance within 07 days "
                "after signing the contract; 70% balance within 30 days against "
                "a copy of the bill of lading."
            ),
            {"payment"},
        ),
    ]
    if rng.random() < 0.6:
        articles.append(
            (
                "WARRANTY",
                (
                    "The Seller warrants the goods against defects in material and "
                    "workmanship for 12 months from the date of shipment."
                ),
                {"warranty"},
            )
        )
    if rng.random() < 0.6:
        articles.append(
            (
                "PENALTY",
                (
                    "In case of late delivery, the Seller shall pay a penalty of "
                    "0.5% of the value of the delayed goods per week, up to 5% of "
                    "the contract value."
                ),
                {"penalty"},
            )
        )
    if rng.random() < 0.6:
        articles.append(
            (
                "FORCE MAJEURE",
                (
                    "Neither party shall be responsible for failure or delay in performing "
                    "its obligations due to force majeure events such as natural "
                    "disasters, war, epidemics or government prohibitions."
                ),
                {"force_majeure"},
            )
        )
    articles.append(
        (
            "ARBITRATION",
            (
                "All disputes arising out of or in connection with this contract "
                "shall be settled by negotiation; failing which, they shall be "
                "finally settled at the Vietnam International Arbitration Centre "
                "(VIAC). This contract shall be governed by the laws of Vietnam."
            ),
            {"dispute_resolution", "governing_law"},
        )
    )
    articles.append(
        (
            "GENERAL TERMS",
            (
                "This contract takes effect from the signing date and remains "
                f"valid until {_uk_date(valid_until)}. It is made in 04 English "
                "originals, each party keeping 02."
            ),
            set(),
        )
    )
    clauses: set[str] = set()
    for number_, (heading, text, keys) in enumerate(articles, start=2):
        p.need(12)
        p.flow(15, f"ARTICLE {number_}: {heading}", 180, size, bold=True, leading=5)
        p.flow(15, text, 180, size, leading=5, after=1.5)
        clauses |= keys
    p.need(40)
    p.y += 6
    p.put_centre(55, p.y, "FOR THE SELLER", size, bold=True)
    p.put_centre(155, p.y, "FOR THE BUYER", size, bold=True)
    p.put_centre(55, p.y + 28, seller_rep, size, bold=True)
    p.put_centre(155, p.y + 28, buyer_rep, size, bold=True)
    parties = [
        {
            "name": seller_name,
            "tax_id": seller_tax,
            "address": seller_address,
            "representative": seller_rep,
        },
        {"name": buyer_name, "tax_id": None, "address": buyer_address, "representative": buyer_rep},
    ]
    fields = _contract_fields(
        number=number,
        title=title,
        signed=signed,
        effective=signed,
        expiry=valid_until,
        parties=parties,
        value=value,
        currency=currency,
        law="Vietnam",
        clauses=clauses,
        auto=False,
    )
    return GeneratedDocument("contract", "en", p.bytes(), fields)


def contract(seed: int = 0, *, language: str = "vi") -> GeneratedDocument:
    rng = _rng("contract", language, seed)
    name = layout_of("contract", seed, language)
    builders: dict[str, Callable[[random.Random], GeneratedDocument]] = {
        "vi_service": _con_vi_service,
        "vi_lease": _con_vi_lease,
        "vi_partnership": _con_vi_partnership,
        "en_uk_msa": _con_en_uk_msa,
        "en_us_consulting": _con_en_us_consulting,
        "en_sales": _con_en_sales,
    }
    return builders[name](rng)


# --- CVs ---------------------------------------------------------------------------------

# employers, titles (junior to senior), skills, school, degree
_VI_TRACKS: list[tuple[list[str], list[str], list[str], str, str]] = [
    (
        [
            "Công ty TNHH Kiểm toán Sao Mai",
            "Công ty CP Dược phẩm Bình Minh",
            "Công ty TNHH Thương mại Hưng Thịnh",
        ],
        ["Kế toán viên", "Kế toán tổng hợp", "Kế toán trưởng"],
        [
            "MISA SME",
            "Excel nâng cao",
            "Lập báo cáo tài chính",
            "Quyết toán thuế TNDN",
            "Fast Accounting",
        ],
        "Học viện Tài chính",
        "Cử nhân Kế toán doanh nghiệp",
    ),
    (
        [
            "Công ty CP Giải pháp Công nghệ Việt Tiến",
            "Công ty TNHH Phần mềm Sông Hàn",
            "Công ty CP Fintech Ánh Dương",
        ],
        ["Lập trình viên Backend", "Kỹ sư phần mềm", "Trưởng nhóm phát triển"],
        ["Python", "Django", "PostgreSQL", "Docker", "Git", "REST API"],
        "Trường Đại học Bách khoa Hà Nội",
        "Kỹ sư Công nghệ thông tin",
    ),
    (
        [
            "Công ty TNHH Giáo dục và Đào tạo Ánh Dương",
            "Công ty CP Bán lẻ Phương Nam",
            "Công ty TNHH Nhân lực Toàn Cầu",
        ],
        ["Chuyên viên tuyển dụng", "Chuyên viên C&B", "Trưởng phòng Hành chính - Nhân sự"],
        ["Tuyển dụng", "Tính lương và bảo hiểm", "Luật Lao động", "Excel", "Kỹ năng phỏng vấn"],
        "Trường Đại học Lao động - Xã hội",
        "Cử nhân Quản trị nhân lực",
    ),
    (
        [
            "Công ty CP Bán lẻ Phương Nam",
            "Công ty TNHH Thiết bị Văn phòng Hưng Thịnh",
            "Công ty CP Đầu tư Thương mại Hải Đăng",
        ],
        ["Nhân viên kinh doanh", "Chuyên viên Marketing", "Trưởng nhóm kinh doanh"],
        ["Đàm phán", "Chăm sóc khách hàng", "Facebook Ads", "CRM", "Thuyết trình"],
        "Trường Đại học Kinh tế Quốc dân",
        "Cử nhân Marketing",
    ),
]
_VI_LOCATIONS = [
    "Quận Cầu Giấy, Hà Nội",
    "Quận 7, TP. Hồ Chí Minh",
    "Hải Châu, Đà Nẵng",
    "TP. Thủ Đức, TP. Hồ Chí Minh",
    "Thanh Xuân, Hà Nội",
]
_VI_LANGUAGES = [
    ("Tiếng Anh", ["TOEIC 750", "IELTS 6.5", "giao tiếp tốt"]),
    ("Tiếng Nhật", ["JLPT N3", "N2"]),
    ("Tiếng Hàn", ["TOPIK 3", "sơ cấp"]),
    ("Tiếng Trung", ["HSK 4", "giao tiếp cơ bản"]),
]
_EN_TRACKS: list[tuple[list[str], list[str], list[str], str, str]] = [
    (
        ["Brightwave Media Ltd", "Pennine Office Supplies Ltd", "Harrow & Finch Consulting LLP"],
        ["Marketing Executive", "Senior Marketing Executive", "Marketing Manager"],
        ["Content strategy", "Google Analytics", "SEO", "HubSpot", "Copywriting"],
        "University of Leeds",
        "BA (Hons) Marketing",
    ),
    (
        ["Northgate Property Management", "Cascade Print & Design", "Summit Peak Software"],
        ["Data Analyst", "Senior Data Analyst", "Analytics Lead"],
        ["SQL", "Python", "Tableau", "A/B testing", "dbt", "Looker"],
        "University of Washington",
        "B.S. in Statistics",
    ),
    (
        [
            "Viet Tien Technology Solutions JSC",
            "Song Han Software Co., Ltd",
            "Anh Duong Fintech JSC",
        ],
        ["Software Engineer", "Senior Software Engineer", "Technical Lead"],
        ["Java", "Spring Boot", "Kafka", "Kubernetes", "AWS", "Microservices"],
        "Hanoi University of Science and Technology",
        "Bachelor of Engineering in Information Technology",
    ),
]
_EN_LANGUAGES = [
    ("English", ["native", "fluent"]),
    ("Spanish", ["professional working", "conversational"]),
    ("French", ["conversational", "B2"]),
    ("Vietnamese", ["native"]),
    ("Japanese", ["JLPT N3", "basic"]),
]


def _career(rng: random.Random, count: int) -> list[tuple[int, int | None]]:
    """Consecutive jobs as (first month, last month) indices (year * 12 + month - 1); the
    last is often still held (None)."""
    start = rng.randint(2012, 2019) * 12 + rng.randint(0, 11)
    jobs: list[tuple[int, int | None]] = []
    for index in range(count):
        length = rng.randint(10, 40)
        end = start + length - 1
        if index == count - 1:
            if rng.random() < 0.75 or end > PRESENT_MONTH - 1:
                jobs.append((start, None))
            else:
                jobs.append((start, end))
            break
        jobs.append((start, end))
        start = end + 1 + rng.choice([0, 0, 1, 2])
        if start > PRESENT_MONTH - 6:
            break
    return jobs


def _ym(index: int) -> str:
    return f"{index // 12}-{index % 12 + 1:02d}"


def _years(jobs: list[tuple[int, int | None]]) -> float:
    months = sum((PRESENT_MONTH if end is None else end) - start + 1 for start, end in jobs)
    return round(months / 12, 1)


def _month_text(index: int, style: str) -> str:
    year, month = index // 12, index % 12 + 1
    if style == "mm/yyyy":
        return f"{month:02d}/{year}"
    if style == "thang":
        return f"Tháng {month:02d}/{year}"
    if style == "mon":
        return f"{_MONTHS[month - 1][:3]} {year}"
    return f"{_MONTHS[month - 1]} {year}"


def _cv_people(rng: random.Random, track_list: list[Any]) -> dict[str, Any]:
    track = rng.choice(track_list)
    employers, titles, skills, school, degree = track
    jobs = _career(rng, rng.randint(1, 3))
    chosen = rng.sample(employers, len(jobs))
    experience = []
    for n, ((start, end), employer) in enumerate(zip(jobs, chosen, strict=True)):
        rank = min(n + (len(titles) - len(jobs)), len(titles) - 1)
        experience.append((employer, titles[rank], start, end))
    first_year = jobs[0][0] // 12
    graduated = first_year if jobs[0][0] % 12 >= 6 else first_year - 1
    return {
        "experience": experience,
        "skills": rng.sample(skills, rng.randint(3, min(5, len(skills)))),
        "school": school,
        "degree": degree,
        "graduated": graduated,
        "born": date(graduated - 22, rng.randint(1, 12), rng.randint(1, 28)),
        "jobs": jobs,
    }


def _cv_fields(
    *,
    name: str,
    email: str | None,
    phone: str | None,
    location: str | None,
    born: date | None,
    national_id: bool,
    skills: list[str],
    languages: list[str],
    education: list[tuple[str, str, int]],
    experience: list[tuple[str, str, int, int | None]],
) -> dict[str, Any]:
    return {
        "full_name": name,
        "email": email,
        "phone": phone,
        "location": location,
        "date_of_birth": born.isoformat() if born else None,
        "national_id_present": national_id,
        "sensitive_data": [],  # no held-out layout prints any
        "skills": list(skills),
        "languages": list(languages),
        "education": [
            {"institution": school, "degree": degree, "end_year": year}
            for school, degree, year in education
        ],
        "experience": [
            {
                "employer": employer,
                "title": title,
                "start": _ym(start),
                "end": _ym(end) if end is not None else None,
            }
            for employer, title, start, end in experience
        ],
        "years_of_experience": _years([(start, end) for _, _, start, end in experience]),
    }


def _vi_email(rng: random.Random, name: str) -> str:
    parts = _ascii(name).lower().split()
    local = rng.choice(
        [
            f"{parts[-1]}.{''.join(p[0] for p in parts[:-1])}{rng.randint(88, 99)}",
            f"{parts[0]}{parts[-1]}{rng.randint(1, 999)}",
            f"{''.join(p[0] for p in parts[:-1])}{parts[-1]}",
        ]
    )
    return f"{local}@{rng.choice(['gmail.com', 'yahoo.com.vn', 'outlook.com'])}"


def _cv_vi_topcv(rng: random.Random) -> GeneratedDocument:
    """TopCV-style two columns: a shaded sidebar (photo box, personal details, skills one per
    line, languages with a level, hobbies) beside the main column (name and wanted position,
    `Mục tiêu nghề nghiệp`, experience with right-aligned dates `03/2021 - Hiện tại`,
    education, certificates)."""
    p = _Page("sans")
    c = _cv_people(rng, _VI_TRACKS)
    name, female = _vi_person(rng)
    phone_text, phone = _vi_mobile(rng)
    email = _vi_email(rng, name)
    location = rng.choice(_VI_LOCATIONS)
    languages = rng.sample(_VI_LANGUAGES, rng.randint(1, 2))
    p.shade(0, 0, 68, 297, 236)
    p.box(16, 12, 36, 44, 0.4)
    p.put_centre(34, 36, "ẢNH", 10, italic=True)
    wanted = c["experience"][-1][1]
    p.put(76, 26, name, 20, bold=True)
    p.put(76, 34, f"Vị trí ứng tuyển: {wanted}", 11, italic=True)
    p.hline(76, 38, 198, 0.5)

    def side_heading(y: float, text: str) -> float:
        p.put(8, y, text, 10, bold=True)
        p.hline(8, y + 1.5, 62, 0.3)
        return y + 6.5

    y = side_heading(66, "THÔNG TIN CÁ NHÂN")
    side = [
        f"Ngày sinh: {_dmy(c['born'])}",
        f"Giới tính: {'Nữ' if female else 'Nam'}",
        f"Điện thoại: {phone_text}",
        f"Email: {email}",
        f"Địa chỉ: {location}",
    ]
    for line in side:
        y = p.para(8, y, line, 56, 8.5, leading=4.2) + 5
    y = side_heading(y + 3, "KỸ NĂNG")
    for skill in c["skills"]:
        y = p.para(8, y, f"• {skill}", 56, 8.5, leading=4.2) + 5
    y = side_heading(y + 3, "NGOẠI NGỮ")
    for language, levels in languages:
        p.put(8, y, f"{language} ({rng.choice(levels)})", 8.5)
        y += 5
    y = side_heading(y + 3, "SỞ THÍCH")
    p.para(8, y, "Đọc sách, chạy bộ, du lịch", 56, 8.5, leading=4.2)

    def main_heading(y: float, text: str) -> float:
        p.put(76, y, text, 11, bold=True)
        p.hline(76, y + 1.8, 198, 0.3)
        return y + 7

    y = main_heading(48, "MỤC TIÊU NGHỀ NGHIỆP")
    objective = (
        f"Phát huy kinh nghiệm ở vị trí {wanted.lower()} để đóng góp vào sự phát triển bền vững "
        "của công ty; trong 3 năm tới trở thành nhân sự nòng cốt, có khả năng dẫn dắt đội nhóm."
    )
    y = p.para(76, y, objective, 122, 9, leading=4.5) + 9
    y = main_heading(y, "KINH NGHIỆM LÀM VIỆC")
    for employer, title, start, end in reversed(c["experience"]):
        span = f"{_month_text(start, 'mm/yyyy')} - " + (
            _month_text(end, "mm/yyyy") if end is not None else "Hiện tại"
        )
        p.put_right(198, y, span, 9, italic=True)
        y = p.para(76, y, employer, 118 - p.width(span, 9, italic=True), 10, bold=True, leading=5)
        p.put(76, y + 5, title, 9.5, italic=True)
        y = p.para(
            80,
            y + 10,
            (
                "- Thực hiện các nhiệm vụ chuyên môn theo phân công, phối hợp "
                "với các phòng ban liên quan và báo cáo định kỳ cho quản lý trực "
                "tiếp."
            ),
            118,
            8.5,
            leading=4.2,
        )
        y += 8
    y = main_heading(y, "HỌC VẤN")
    p.put(76, y, c["school"], 10, bold=True)
    p.put_right(198, y, f"{c['graduated'] - 4} - {c['graduated']}", 9, italic=True)
    p.put(76, y + 5, c["degree"], 9.5)
    p.put(76, y + 10, f"Xếp loại tốt nghiệp: {rng.choice(['Khá', 'Giỏi'])}", 9)
    y += 19
    y = main_heading(y, "CHỨNG CHỈ")
    p.put(
        76,
        y,
        rng.choice(["Chứng chỉ Tin học ứng dụng cơ bản", "Chứng chỉ Kỹ năng quản lý thời gian"]),
        9,
    )
    fields = _cv_fields(
        name=name,
        email=email,
        phone=phone,
        location=location,
        born=c["born"],
        national_id=False,
        skills=c["skills"],
        languages=[language for language, _ in languages],
        education=[(c["school"], c["degree"], c["graduated"])],
        experience=c["experience"][::-1],  # printed newest first
    )
    return GeneratedDocument("cv", "vi", p.bytes(), fields)


def _cv_vi_table(rng: random.Random) -> GeneratedDocument:
    """A traditional application form in serif type: `HỒ SƠ ỨNG TUYỂN`, Roman-numbered
    sections, personal details in a four-column grid (CCCD often given), the full home
    address, training and work history as grid tables, a signed declaration with its own
    place and date."""
    p = _Page("serif")
    c = _cv_people(rng, _VI_TRACKS)
    name, female = _vi_person(rng)
    phone_text, phone = _vi_mobile(rng)
    email = _vi_email(rng, name)
    location = _vi_address(rng)
    national_id = rng.random() < 0.6
    languages = rng.sample(_VI_LANGUAGES, rng.randint(1, 2))
    signed = _day(rng, date(2026, 2, 1), 200)
    p.put_centre(105, 20, "HỒ SƠ ỨNG TUYỂN", 16, bold=True)
    p.put_centre(105, 27, f"Vị trí ứng tuyển: {c['experience'][-1][1]}", 10.5, italic=True)
    y = 38
    p.put(15, y, "I. THÔNG TIN CÁ NHÂN", 11, bold=True)
    rows = [
        ["Họ và tên:", name, "Giới tính:", "Nữ" if female else "Nam"],
        [
            "Ngày sinh:",
            _dmy(c["born"]),
            "Tình trạng hôn nhân:",
            rng.choice(["Độc thân", "Đã kết hôn"]),
        ],
        ["Điện thoại:", phone_text, "Email:", email],
    ]
    if national_id:
        rows.insert(
            2, ["Số CCCD:", f"0{rng.randint(10**10, 10**11 - 1)}", "Quốc tịch:", "Việt Nam"]
        )
    y = p.table([15, 45, 100, 140, 196], y + 3, rows, "llll", size=9.5)
    y = p.table([15, 45, 196], y, [["Nơi ở hiện tại:", location]], "ll", size=9.5)
    y += 9
    p.put(15, y, "II. QUÁ TRÌNH ĐÀO TẠO", 11, bold=True)
    edu_rows = [
        ["Thời gian", "Trường / Cơ sở đào tạo", "Văn bằng / Chuyên ngành"],
        [f"09/{c['graduated'] - 4} - 06/{c['graduated']}", c["school"], c["degree"]],
    ]
    y = p.table([15, 55, 125, 196], y + 3, edu_rows, "lll", size=9.5, bold_rows=[0])
    y += 9
    p.put(15, y, "III. QUÁ TRÌNH CÔNG TÁC", 11, bold=True)
    work_rows = [["Thời gian", "Đơn vị công tác", "Vị trí / Chức danh"]]
    for employer, title, start, end in c["experience"]:
        span = f"{_month_text(start, 'mm/yyyy')} - " + (
            _month_text(end, "mm/yyyy") if end is not None else "nay"
        )
        work_rows.append([span, employer, title])
    y = p.table([15, 55, 135, 196], y + 3, work_rows, "lll", size=9.5, bold_rows=[0])
    y += 9
    p.put(15, y, "IV. KỸ NĂNG", 11, bold=True)
    y += 6
    for skill in c["skills"]:
        p.put(20, y, f"- {skill}", 10)
        y += 5
    y += 4
    p.put(15, y, "V. NGOẠI NGỮ", 11, bold=True)
    y += 6
    for language, levels in languages:
        p.put(20, y, f"- {language}: {rng.choice(levels)}", 10)
        y += 5
    y += 6
    p.put(15, y, "Tôi xin cam đoan những thông tin trên là đúng sự thật.", 10, italic=True)
    p.put_centre(
        150,
        y + 10,
        f"{rng.choice(['Hà Nội', 'TP. Hồ Chí Minh'])}, {_ngay(signed)}",
        10,
        italic=True,
    )
    p.put_centre(150, y + 16, "Người khai", 10, bold=True)
    p.put_centre(150, y + 36, name, 10, bold=True)
    fields = _cv_fields(
        name=name,
        email=email,
        phone=phone,
        location=location,
        born=c["born"],
        national_id=national_id,
        skills=c["skills"],
        languages=[language for language, _ in languages],
        education=[(c["school"], c["degree"], c["graduated"])],
        experience=c["experience"],
    )
    return GeneratedDocument("cv", "vi", p.bytes(), fields)


def _cv_vi_modern(rng: random.Random) -> GeneratedDocument:
    """A modern one-column CV in condensed type: name and title, one contact line split by
    `|`, date of birth only sometimes, dates in a left gutter (`Tháng 03/2021 - Hiện tại`),
    skills on one line split by middle dots, sections in either order."""
    p = _Page("cond")
    c = _cv_people(rng, _VI_TRACKS)
    name, _female = _vi_person(rng)
    phone_text, phone = _vi_mobile(rng)
    email = _vi_email(rng, name)
    location = rng.choice(_VI_LOCATIONS)
    born = c["born"] if rng.random() < 0.5 else None
    languages = rng.sample(_VI_LANGUAGES, rng.randint(1, 2))
    p.put(15, 24, name, 22, bold=True)
    p.put(15, 32, c["experience"][-1][1], 12)
    p.put(15, 40, f"{phone_text}  |  {email}  |  {location}", 9)
    y = 45
    if born:
        p.put(15, y, f"Ngày sinh: {_dmy(born)}", 9)
        y += 5
    p.hline(15, y, 196, 0.8)
    y += 9

    def heading(y: float, text: str) -> float:
        p.put(15, y, text, 11.5, bold=True)
        return y + 6.5

    y = heading(y, "GIỚI THIỆU")
    y = (
        p.para(
            15,
            y,
            (
                "Có kinh nghiệm thực tế trong môi trường doanh nghiệp, chủ động, "
                "cẩn thận và có khả năng làm việc độc lập cũng như theo nhóm."
            ),
            181,
            9.5,
            leading=4.7,
        )
        + 10
    )
    order = ["experience", "education"]
    if rng.random() < 0.3:
        order.reverse()
    for section in order:
        if section == "experience":
            y = heading(y, "KINH NGHIỆM LÀM VIỆC")
            for employer, title, start, end in reversed(c["experience"]):
                span = f"{_month_text(start, 'thang')} - " + (
                    _month_text(end, "thang") if end is not None else "Hiện tại"
                )
                p.put(15, y, span, 9)
                p.put(68, y, employer, 10, bold=True)
                p.put(68, y + 5, title, 9.5, italic=True)
                y = (
                    p.para(
                        68,
                        y + 10,
                        (
                            "Phụ trách mảng công việc chuyên môn, đề xuất cải tiến quy trình "
                            "và hướng dẫn nhân sự mới."
                        ),
                        128,
                        9,
                        leading=4.5,
                    )
                    + 8
                )
        else:
            y = heading(y, "HỌC VẤN")
            p.put(15, y, f"{c['graduated'] - 4} - {c['graduated']}", 9)
            p.put(68, y, c["school"].upper(), 10, bold=True)
            p.put(68, y + 5, c["degree"], 9.5)
            y += 13
        y += 2
    y = heading(y, "KỸ NĂNG")
    p.para(15, y, " · ".join(c["skills"]), 181, 9.5, leading=4.7)
    y += 10
    y = heading(y, "NGOẠI NGỮ")
    p.put(
        15,
        y,
        " · ".join(f"{language} ({rng.choice(levels)})" for language, levels in languages),
        9.5,
    )
    fields = _cv_fields(
        name=name,
        email=email,
        phone=phone,
        location=location,
        born=born,
        national_id=False,
        skills=c["skills"],
        languages=[language for language, _ in languages],
        education=[(c["school"].upper(), c["degree"], c["graduated"])],
        experience=c["experience"][::-1],  # printed newest first
    )
    return GeneratedDocument("cv", "vi", p.bytes(), fields)


_US_CITIES = [
    ("Austin, TX", "512"),
    ("Seattle, WA", "206"),
    ("Chicago, IL", "312"),
    ("Boston, MA", "617"),
]
_UK_CITIES = ["Manchester, UK", "Leeds", "London", "Bristol, United Kingdom"]


def _en_email(rng: random.Random, name: str) -> str:
    first, last = name.lower().replace("'", "").split()
    local = rng.choice(
        [f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}{rng.randint(1, 99)}"]
    )
    return f"{local}@{rng.choice(['gmail.com', 'outlook.com', 'protonmail.com'])}"


def _cv_en_us(rng: random.Random) -> GeneratedDocument:
    """A US résumé: centred name, one centred contact line (city, phone, email, LinkedIn),
    upper-case ruled sections, employer and city on one line with the title and dates
    under them, graduation month and year, skills as one comma list, languages with their
    proficiency; no date of birth."""
    p = _Page("sans")
    c = _cv_people(rng, _EN_TRACKS)
    name = _en_person(rng)
    email = _en_email(rng, name)
    city, area = rng.choice(_US_CITIES)
    local = f"555-0{rng.randint(100, 199)}"
    phone_text = f"+1 ({area}) {local}"
    phone = f"+1{area}{local.replace('-', '')}"
    languages = rng.sample(_EN_LANGUAGES[:3], rng.randint(1, 2)) if rng.random() < 0.7 else []
    slug = name.lower().replace(" ", "").replace("'", "")
    p.put_centre(105, 22, name, 20, bold=True)
    p.put_centre(105, 29, f"{city} | {phone_text} | {email} | linkedin.com/in/{slug}", 9)
    y = 40

    def heading(y: float, text: str) -> float:
        p.put(15, y, text, 10.5, bold=True)
        p.hline(15, y + 1.5, 196, 0.4)
        return y + 7

    y = heading(y, "SUMMARY")
    y = (
        p.para(
            15,
            y,
            (
                f"{c['experience'][-1][1]} with a record of delivering measurable "
                "results, comfortable with stakeholders at every level and eager "
                "to take on broader ownership."
            ),
            181,
            9.5,
            leading=4.7,
        )
        + 10
    )
    y = heading(y, "EXPERIENCE")
    for employer, title, start, end in reversed(c["experience"]):
        span = f"{_month_text(start, 'mon')} – " + (
            _month_text(end, "mon") if end is not None else "Present"
        )
        p.put(15, y, employer, 10, bold=True)
        p.put_right(196, y, city, 9)
        p.put(15, y + 5, title, 9.5, italic=True)
        p.put_right(196, y + 5, span, 9, italic=True)
        y = (
            p.para(
                19,
                y + 10,
                (
                    "• Led cross-functional initiatives, improved reporting turnaround "
                    "by 30% and mentored two junior colleagues."
                ),
                177,
                9,
                leading=4.5,
            )
            + 8
        )
    y = heading(y + 2, "EDUCATION")
    p.put(15, y, c["school"], 10, bold=True)
    p.put_right(196, y, f"May {c['graduated']}", 9)
    p.put(15, y + 5, c["degree"], 9.5, italic=True)
    y += 15
    y = heading(y, "SKILLS")
    y = p.para(15, y, ", ".join(c["skills"]), 181, 9.5, leading=4.7) + 10
    if languages:
        y = heading(y, "LANGUAGES")
        p.put(
            15,
            y,
            ", ".join(f"{language} ({rng.choice(levels)})" for language, levels in languages),
            9.5,
        )
    fields = _cv_fields(
        name=name,
        email=email,
        phone=phone,
        location=city,
        born=None,
        national_id=False,
        skills=c["skills"],
        languages=[language for language, _ in languages],
        education=[(c["school"], c["degree"], c["graduated"])],
        experience=c["experience"][::-1],  # printed newest first
    )
    return GeneratedDocument("cv", "en", p.bytes(), fields)


def _cv_en_uk(rng: random.Random) -> GeneratedDocument:
    """A UK CV in serif type with a shaded right-hand sidebar (contact, personal details
    with date of birth and sometimes a passport number, key skills one per line, languages),
    main column `Profile`, `Work history` (title, then employer, then `March 2021 – present`),
    `Education` as degree then `University, year`."""
    p = _Page("serif")
    c = _cv_people(rng, _EN_TRACKS)
    name = _en_person(rng)
    email = _en_email(rng, name)
    location = rng.choice(_UK_CITIES)
    mobile = f"7700 900{rng.randint(100, 999)}"
    phone_text = f"+44 {mobile}"
    phone = "+44" + mobile.replace(" ", "")
    passport = rng.random() < 0.4
    languages = rng.sample(_EN_LANGUAGES[:3], rng.randint(1, 2))
    p.shade(138, 0, 72, 297, 238)
    p.put(15, 26, name, 22, bold=True)
    p.put(15, 34, c["experience"][-1][1], 12, italic=True)
    y = 22

    def side(y: float, text: str) -> float:
        p.put(143, y, text, 10.5, bold=True)
        return y + 6

    y = side(y, "Contact")
    for line in (phone_text, email, location):
        p.put(143, y, line, 8.5)
        y += 4.6
    y = side(y + 5, "Personal details")
    p.put(143, y, f"Date of birth: {_uk_date(c['born'])}", 8.5)
    y += 4.6
    p.put(143, y, "Nationality: British", 8.5)
    y += 4.6
    if passport:
        p.put(143, y, f"Passport no.: {rng.randint(10**8, 10**9 - 1)}", 8.5)
        y += 4.6
    y = side(y + 5, "Key skills")
    for skill in c["skills"]:
        p.put(143, y, skill, 8.5)
        y += 4.6
    y = side(y + 5, "Languages")
    for language, levels in languages:
        p.put(143, y, f"{language} – {rng.choice(levels)}", 8.5)
        y += 4.6

    def heading(y: float, text: str) -> float:
        p.put(15, y, text, 12, bold=True)
        p.hline(15, y + 1.6, 130, 0.3)
        return y + 7

    y = heading(48, "Profile")
    y = (
        p.para(
            15,
            y,
            (
                "A results-driven professional with a track record of planning "
                "and delivering work on time and to budget, looking for a role "
                "with more responsibility."
            ),
            115,
            9.5,
            leading=4.7,
        )
        + 10
    )
    y = heading(y, "Work history")
    for employer, title, start, end in reversed(c["experience"]):
        span = f"{_month_text(start, 'month')} – " + (
            _month_text(end, "month") if end is not None else "present"
        )
        p.put(15, y, title, 10, bold=True)
        p.put(15, y + 5, employer, 9.5, italic=True)
        p.put(15, y + 10, span, 9)
        y = (
            p.para(
                19,
                y + 15,
                (
                    "• Planned and ran campaigns and reports for senior stakeholders "
                    "across the business."
                ),
                111,
                9,
                leading=4.5,
            )
            + 8
        )
    y = heading(y + 2, "Education")
    p.put(15, y, c["degree"], 10, bold=True)
    p.put(15, y + 5, f"{c['school']}, {c['graduated']}", 9.5)
    fields = _cv_fields(
        name=name,
        email=email,
        phone=phone,
        location=location,
        born=c["born"],
        national_id=passport,
        skills=c["skills"],
        languages=[language for language, _ in languages],
        education=[(c["school"], c["degree"], c["graduated"])],
        experience=c["experience"][::-1],  # printed newest first
    )
    return GeneratedDocument("cv", "en", p.bytes(), fields)


def _cv_en_vn(rng: random.Random) -> GeneratedDocument:
    """A Vietnamese candidate's English CV: `CURRICULUM VITAE`, the name in capitals without
    diacritics, `Label: value` personal lines (ID card sometimes), `CAREER OBJECTIVE`, work
    and education as three-column rows (dates | organisation | role), skills as dashes,
    languages with certificates."""
    p = _Page("sans")
    c = _cv_people(rng, _EN_TRACKS[2:])
    person, _female = _vi_person(rng)
    name = _ascii(person).upper()
    phone_text, phone = _vi_mobile(rng)
    email = _vi_email(rng, person)
    location = rng.choice(
        ["District 7, Ho Chi Minh City", "Cau Giay District, Hanoi", "Hai Chau, Da Nang"]
    )
    national_id = rng.random() < 0.5
    languages = [("English", ["IELTS 7.0", "TOEIC 850"])] + (
        [("Japanese", ["JLPT N3", "JLPT N2"])] if rng.random() < 0.4 else []
    )
    p.put_centre(105, 20, "CURRICULUM VITAE", 16, bold=True)
    p.put_centre(105, 29, name, 13, bold=True)
    y = 40
    lines = [
        ("Date of birth:", _dmy(c["born"])),
        ("Phone:", phone_text),
        ("Email:", email),
        ("Address:", location),
    ]
    if national_id:
        lines.append(("ID card No.:", f"0{rng.randint(10**10, 10**11 - 1)}"))
    for label, value in lines:
        p.put(15, y, label, 10, bold=True)
        p.put(50, y, value, 10)
        y += 5.5

    def heading(y: float, text: str) -> float:
        p.shade(15, y - 4.5, 181, 6.5, 225)
        p.put(17, y, text, 10.5, bold=True)
        return y + 8

    y = heading(y + 6, "CAREER OBJECTIVE")
    y = (
        p.para(
            15,
            y,
            (
                "To grow as a software engineer in a product company, building "
                "reliable systems and taking technical ownership of a team within "
                "three years."
            ),
            181,
            9.5,
            leading=4.7,
        )
        + 10
    )
    y = heading(y, "WORK EXPERIENCE")
    rows = []
    for employer, title, start, end in reversed(c["experience"]):
        span = f"{_month_text(start, 'mm/yyyy')} – " + (
            _month_text(end, "mm/yyyy") if end is not None else "Present"
        )
        rows.append([span, employer, title])
    y = p.table([15, 52, 130, 196], y - 4, rows, "lll", size=9.5, grid=False) + 6
    y = heading(y, "EDUCATION")
    y = p.table(
        [15, 52, 130, 196],
        y - 4,
        [[f"{c['graduated'] - 4} – {c['graduated']}", c["school"], c["degree"]]],
        "lll",
        size=9.5,
        grid=False,
    )
    y = heading(y + 6, "SKILLS")
    for skill in c["skills"]:
        p.put(17, y, f"- {skill}", 9.5)
        y += 5
    y = heading(y + 4, "LANGUAGES")
    for language, levels in languages:
        p.put(17, y, f"{language}: {rng.choice(levels)}", 9.5)
        y += 5
    fields = _cv_fields(
        name=name,
        email=email,
        phone=phone,
        location=location,
        born=c["born"],
        national_id=national_id,
        skills=c["skills"],
        languages=[language for language, _ in languages],
        education=[(c["school"], c["degree"], c["graduated"])],
        experience=c["experience"][::-1],  # printed newest first
    )
    return GeneratedDocument("cv", "en", p.bytes(), fields)


def cv(seed: int = 0, *, language: str = "vi") -> GeneratedDocument:
    """A CV; `years_of_experience` counts open-ended jobs up to 2026-11."""
    rng = _rng("cv", language, seed)
    name = layout_of("cv", seed, language)
    builders: dict[str, Callable[[random.Random], GeneratedDocument]] = {
        "vi_topcv": _cv_vi_topcv,
        "vi_table": _cv_vi_table,
        "vi_modern": _cv_vi_modern,
        "en_us": _cv_en_us,
        "en_uk": _cv_en_uk,
        "en_vn": _cv_en_vn,
    }
    return builders[name](rng)


# --- dispatch (công văn) -------------------------------------------------------------------

_URGENCIES = [None, None, None, "khẩn", "thượng khẩn", "hỏa tốc"]


def _deadline_text(rng: random.Random, day: date) -> str:
    return rng.choice([_dmy_short(day), _dmy(day), f"{day.day} tháng {day.month} năm {day.year}"])


def _dispatch_letter(
    rng: random.Random,
    *,
    parent: list[tuple[str, bool]],
    issuer_lines: list[str],
    number: str,
    place: str,
    subject: str,
    recipients: list[str],
    body: list[str],
    authority: list[str],
    signer_title: str,
    cc: list[str],
    face: str,
    size: float,
) -> dict[str, Any]:
    """Decree 30 layout: the issuer's block top left (parent in regular type, issuer bold,
    underlined), the national motto top right, `Số:` and `V/v` under the issuer, place and
    date in italics on the right, the urgency stamp in a box, `Kính gửi`, body, `Nơi nhận`
    bottom left and the signature block bottom right."""
    p = _Page(face)
    issued = _day(rng, date(2026, 1, 5), 290)
    urgency = rng.choice(_URGENCIES)
    signer = _vi_person(rng)[0]
    left = 52
    y = 16
    for text, bold in parent:
        p.put_centre(left, y, text, size - 1, bold=bold)
        y += 5
    widest = 0.0
    for text in [line for lines in issuer_lines for line in p.wrap(lines, 66, size, bold=True)]:
        p.put_centre(left, y, text, size, bold=True)
        widest = max(widest, p.width(text, size, bold=True))
        y += 5
    p.hline(left - min(widest, 40) / 2, y - 2.6, left + min(widest, 40) / 2, 0.3)
    p.put_centre(148, 16, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size, bold=True)
    motto = "Độc lập - Tự do - Hạnh phúc"
    p.put_centre(148, 21, motto, size + 1, bold=True)
    half = p.width(motto, size + 1, bold=True) / 2
    p.hline(148 - half, 22.6, 148 + half, 0.3)
    y = max(y + 2, 32)
    p.put_centre(left, y, f"Số: {number}", size)
    p.put_centre(148, y, f"{place}, {_decree30(issued)}", size, italic=True)
    y += 5
    for line in p.wrap(f"V/v {subject}", 74, size - 1):
        p.put_centre(left, y, line, size - 1)
        y += 4.6
    if urgency:
        stamp = urgency.upper()
        width = p.width(stamp, size + 1, bold=True) + 6
        p.box(left - width / 2, y + 1, width, 7.5, 0.5)
        p.put_centre(left, y + 6.6, stamp, size + 1, bold=True)
        y += 9
    y += 9
    if len(recipients) == 1:
        p.put_centre(105, y, f"Kính gửi: {recipients[0]}", size + 0.5)
        y += 6
    else:
        p.put(45, y, "Kính gửi:", size + 0.5)
        for n, recipient in enumerate(recipients):
            end = "." if n == len(recipients) - 1 else ";"
            y = p.para(68, y, f"- {recipient}{end}", 125, size + 0.5, leading=5.4) + 5.4
    y += 4
    deadline = issued + timedelta(days=rng.randint(7, 30)) if rng.random() < 0.6 else None
    paragraphs = list(body)
    if deadline:
        paragraphs.append(
            rng.choice(
                [
                    (
                        f"Văn bản đề nghị gửi về trước ngày {_deadline_text(rng, deadline)} "
                        "để tổng hợp, báo cáo."
                    ),
                    f"Thời hạn gửi báo cáo: chậm nhất ngày {_deadline_text(rng, deadline)}.",
                ]
            )
        )
    paragraphs.append(
        rng.choice(
            [
                "Trân trọng./.",
                "Trân trọng cảm ơn./.",
                "Đề nghị các đơn vị quan tâm phối hợp thực hiện./.",
            ]
        )
    )
    for text in paragraphs:
        lines = p.wrap(text, 172, size + 0.5)
        for k, line in enumerate(lines):
            p.put(22 if k == 0 else 15, y, line, size + 0.5)
            y += 5.4
        y += 1.2
    y += 5
    p.put(15, y, "Nơi nhận:", size - 0.5, bold=True, italic=True)
    for n, item in enumerate(cc):
        end = "." if n == len(cc) - 1 else ";"
        p.put(15, y + 4.6 * (n + 1), f"- {item}{end}", size - 1.5)
    sy = y
    for line in [*authority, signer_title]:
        p.put_centre(150, sy, line, size, bold=True)
        sy += 5
    p.put_centre(150, sy + 22, signer, size, bold=True)
    return {
        "content": p.bytes(),
        "issued": issued,
        "urgency": urgency,
        "deadline": deadline,
        "signer": signer,
    }


def _dispatch_fields(
    letter: dict[str, Any],
    *,
    number: str,
    issuer: str,
    place: str,
    subject: str,
    recipients: list[str],
    signer_title: str,
    cc: list[str],
) -> dict[str, Any]:
    deadline = letter["deadline"]
    return {
        "dispatch_number": number,
        "issuer": issuer,
        "issue_place": place,
        "issue_date": letter["issued"].isoformat(),
        "subject": subject,
        "recipients": recipients,
        "signer_name": letter["signer"],
        "signer_title": signer_title,
        "cc": cc,
        "urgency": letter["urgency"],
        "reply_deadline": deadline.isoformat() if deadline else None,
    }


def _dis_company(rng: random.Random) -> dict[str, Any]:
    """A company's letter to partners and authorities (serif type): a parent group line
    sometimes, the company name over two lines when long, `KT. TỔNG GIÁM ĐỐC` signatures."""
    issuer = rng.choice(
        [
            "CÔNG TY CỔ PHẦN GIẢI PHÁP CÔNG NGHỆ VIỆT TIẾN",
            "CÔNG TY TNHH KỸ THUẬT CƠ ĐIỆN LẠNH BÌNH AN",
            "CÔNG TY CỔ PHẦN VẬN TẢI VÀ LOGISTICS TÂN CẢNG MIỀN BẮC",
        ]
    )
    parent = [("TẬP ĐOÀN ĐẦU TƯ PHÁT TRIỂN HƯNG THỊNH", False)] if rng.random() < 0.5 else []
    words = issuer.split()
    issuer_lines = [issuer]  # wrapped on the page
    code = "".join(w[0] for w in words[-2:])
    number = f"{rng.randint(12, 480)}/{code}-{rng.choice(['TCKT', 'HCNS', 'KD', 'VP'])}"
    place = rng.choice(["Hà Nội", "Hải Phòng", "Đà Nẵng"])
    subject = rng.choice(
        [
            "đề nghị đối chiếu và xác nhận công nợ quý I năm 2026",
            "thông báo thay đổi địa chỉ trụ sở và thông tin xuất hóa đơn",
            "cử cán bộ tham dự hội nghị khách hàng năm 2026",
            "đề nghị gia hạn thời gian thực hiện hợp đồng cung cấp thiết bị",
        ]
    )
    recipients = rng.sample(
        [
            "Ngân hàng TMCP Phương Đông - Chi nhánh Thăng Long",
            "Công ty TNHH Kiến trúc Nội thất Lam Sơn",
            "Cục Thuế thành phố Hà Nội",
            "Các đơn vị thành viên",
        ],
        rng.randint(1, 3),
    )
    if rng.random() < 0.5:
        authority, title = ["KT. TỔNG GIÁM ĐỐC"], "PHÓ TỔNG GIÁM ĐỐC"
    else:
        authority, title = [], rng.choice(["TỔNG GIÁM ĐỐC", "GIÁM ĐỐC"])
    cc = ["Như trên", "HĐQT (để b/c)", "Ban Tổng Giám đốc", "Lưu: VT, TCKT"][: rng.randint(2, 4)]
    if cc[-1] != "Lưu: VT, TCKT":
        cc.append("Lưu: VT, TCKT")
    body = [
        (
            "Lời đầu tiên, Công ty xin gửi tới Quý đơn vị lời chào trân trọng "
            "và lời cảm ơn vì sự hợp tác trong thời gian qua."
        ),
        (
            "Để có cơ sở thực hiện các công việc liên quan, Công ty trân "
            "trọng đề nghị Quý đơn vị xem xét, phối hợp và phản hồi bằng "
            "văn bản về nội dung nêu trên."
        ),
    ]
    letter = _dispatch_letter(
        rng,
        parent=parent,
        issuer_lines=issuer_lines,
        number=number,
        place=place,
        subject=subject,
        recipients=recipients,
        body=body,
        authority=authority,
        signer_title=title,
        cc=cc,
        face="serif",
        size=10.5,
    )
    letter["fields"] = _dispatch_fields(
        letter,
        number=number,
        issuer=issuer,
        place=place,
        subject=subject,
        recipients=recipients,
        signer_title=title,
        cc=cc,
    )
    return letter


def _dis_ministry(rng: random.Random) -> dict[str, Any]:
    """A ministry (or one of its departments) writing to provinces and agencies: numbered
    body items, `KT. BỘ TRƯỞNG / THỨ TRƯỞNG`, a long `Nơi nhận` list."""
    ministry, code = rng.choice(
        [("BỘ TÀI CHÍNH", "BTC"), ("BỘ CÔNG THƯƠNG", "BCT"), ("BỘ Y TẾ", "BYT")]
    )
    department = rng.random() < 0.35
    if department:
        parent = [(ministry, False)]
        issuer = {
            "BTC": "CỤC THUẾ",
            "BCT": "CỤC XUẤT NHẬP KHẨU",
            "BYT": "CỤC QUẢN LÝ KHÁM, CHỮA BỆNH",
        }[code]
        unit = {"BTC": "CT", "BCT": "XNK", "BYT": "KCB"}[code]
        number = f"{rng.randint(100, 9999)}/{unit}-{rng.choice(['CS', 'TH', 'VP'])}"
        authority = ["KT. CỤC TRƯỞNG"]
        title = "PHÓ CỤC TRƯỞNG"
    else:
        parent = []
        issuer = ministry
        number = f"{rng.randint(100, 9999)}/{code}-{rng.choice(['CST', 'KHTC', 'PC', 'VP'])}"
        authority = ["KT. BỘ TRƯỞNG"]
        title = "THỨ TRƯỞNG"
    subject = rng.choice(
        {
            "BTC": [
                "hướng dẫn triển khai hóa đơn điện tử khởi tạo từ máy tính tiền",
                (
                    "góp ý dự thảo Thông tư sửa đổi, bổ sung một số điều của Thông "
                    "tư số 78/2021/TT-BTC"
                ),
            ],
            "BCT": [
                "báo cáo tình hình thực hiện kế hoạch đầu tư công 6 tháng đầu năm 2026",
                "tăng cường quản lý hoạt động xuất khẩu hàng hóa qua biên giới",
            ],
            "BYT": [
                "tăng cường công tác khám, chữa bệnh dịp cao điểm",
                "báo cáo tình hình thực hiện kế hoạch đầu tư công 6 tháng đầu năm 2026",
            ],
        }[code]
    )
    recipients = rng.sample(
        [
            "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
            "Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ",
            "Sở Tài chính các tỉnh, thành phố",
            "Hiệp hội Doanh nghiệp nhỏ và vừa Việt Nam",
        ],
        rng.randint(1, 3),
    )
    cc = ["Như trên", "Thủ tướng Chính phủ (để b/c)", "Văn phòng Chính phủ", "Lưu: VT, PC (3b)"]
    body = [
        (
            f"Thực hiện chỉ đạo của Chính phủ, {'Cục' if department else 'Bộ'} "
            "đề nghị các cơ quan, đơn vị thực hiện một số nội dung sau:"
        ),
        (
            "1. Rà soát, tổng hợp tình hình triển khai tại cơ quan, đơn vị "
            "và địa phương; xác định các khó khăn, vướng mắc phát sinh."
        ),
        "2. Đề xuất giải pháp cụ thể, phân công đầu mối theo dõi và báo cáo kết quả thực hiện.",
    ]
    letter = _dispatch_letter(
        rng,
        parent=parent,
        issuer_lines=[issuer],
        number=number,
        place="Hà Nội",
        subject=subject,
        recipients=recipients,
        body=body,
        authority=authority,
        signer_title=title,
        cc=cc,
        face="sans",
        size=10,
    )
    letter["fields"] = _dispatch_fields(
        letter,
        number=number,
        issuer=issuer,
        place="Hà Nội",
        subject=subject,
        recipients=recipients,
        signer_title=title,
        cc=cc,
    )
    return letter


def _dis_province(rng: random.Random) -> dict[str, Any]:
    """A province's people's committee (its name over two bold lines) or one of its
    departments (`UBND TỈNH …` above, the department bold), signed `TM. ỦY BAN NHÂN DÂN /
    KT. CHỦ TỊCH / PHÓ CHỦ TỊCH` or `KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC`; the place is the
    province."""
    province = rng.choice(["Quảng Ninh", "Bắc Ninh", "Nghệ An", "Lâm Đồng"])
    committee = rng.random() < 0.5
    if committee:
        parent: list[tuple[str, bool]] = []
        issuer_lines = ["ỦY BAN NHÂN DÂN", f"TỈNH {province.upper()}"]
        issuer = f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}"
        number = f"{rng.randint(100, 6000)}/UBND-{rng.choice(['KT', 'TH', 'VX', 'XD'])}"
        authority = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
        title = "PHÓ CHỦ TỊCH"
        recipients_pool = [
            "Các sở, ban, ngành thuộc tỉnh",
            "Ủy ban nhân dân các huyện, thị xã, thành phố",
            "Ban Quản lý các khu công nghiệp tỉnh",
        ]
        cc = [
            "Như trên",
            "TT Tỉnh ủy, TT HĐND tỉnh (để b/c)",
            "CT, các PCT UBND tỉnh",
            "Lưu: VT, KT",
        ]
    else:
        department, abbr = rng.choice(
            [("SỞ XÂY DỰNG", "SXD"), ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT"), ("SỞ Y TẾ", "SYT")]
        )
        parent = [(f"UBND TỈNH {province.upper()}", False)]
        issuer_lines = [department]
        issuer = department
        number = f"{rng.randint(10, 3000)}/{abbr}-{rng.choice(['VP', 'KHTC', 'QLCL'])}"
        if rng.random() < 0.5:
            authority, title = ["KT. GIÁM ĐỐC"], "PHÓ GIÁM ĐỐC"
        else:
            authority, title = [], "GIÁM ĐỐC"
        recipients_pool = [
            "Phòng Kinh tế - Hạ tầng các huyện",
            "Các đơn vị trực thuộc Sở",
            "Ban Quản lý dự án đầu tư xây dựng tỉnh",
        ]
        cc = ["Như trên", "UBND tỉnh (để b/c)", "Giám đốc, các PGĐ Sở", "Lưu: VT, VP"]
    subject = rng.choice(
        [
            "tăng cường công tác phòng cháy, chữa cháy tại các khu công nghiệp",
            "rà soát, tổng hợp nhu cầu kinh phí sửa chữa trường học năm 2026",
            "triển khai thực hiện chuyển đổi số trong giải quyết thủ tục hành chính",
        ]
    )
    recipients = rng.sample(recipients_pool, rng.randint(1, 3))
    body = [
        (
            "Thực hiện Kế hoạch công tác năm 2026, để bảo đảm tiến độ và "
            "hiệu quả thực hiện nhiệm vụ được giao, đề nghị các cơ quan, "
            "đơn vị khẩn trương triển khai, tổ chức thực hiện nghiêm túc "
            "nội dung nêu trên."
        ),
        (
            "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn "
            "vị kịp thời phản ánh để được hướng dẫn, giải quyết."
        ),
    ]
    letter = _dispatch_letter(
        rng,
        parent=parent,
        issuer_lines=issuer_lines,
        number=number,
        place=province,
        subject=subject,
        recipients=recipients,
        body=body,
        authority=authority,
        signer_title=title,
        cc=cc,
        face="cond",
        size=10.5,
    )
    letter["fields"] = _dispatch_fields(
        letter,
        number=number,
        issuer=issuer,
        place=province,
        subject=subject,
        recipients=recipients,
        signer_title=title,
        cc=cc,
    )
    return letter


def dispatch(seed: int = 0) -> GeneratedDocument:
    rng = _rng("dispatch", "vi", seed)
    name = layout_of("dispatch", seed, "vi")
    builders: dict[str, Callable[[random.Random], dict[str, Any]]] = {
        "company": _dis_company,
        "ministry": _dis_ministry,
        "province": _dis_province,
    }
    letter = builders[name](rng)
    return GeneratedDocument("dispatch", "vi", letter["content"], letter["fields"])
