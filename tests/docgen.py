"""The project's own document generator: realistic PDFs with their ground truth.

Tests never depend on files from outside the repository: every fixture is generated here,
seeded, with layout choices (label wording, value beside or below its label, column
positions) drawn from the seed so extractors are exercised on more than one layout.
"""

from __future__ import annotations

import io
import random
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF
from PIL import Image

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


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


# --- invoices --------------------------------------------------------------------------


def invoice(seed: int = 0, *, language: str = "vi") -> GeneratedDocument:
    rng = random.Random(f"invoice-{language}-{seed}")
    return _invoice_vi(rng) if language == "vi" else _invoice_en(rng)


def _lines(rng: random.Random, goods: list[tuple[str, str]], cents: bool) -> list[dict[str, Any]]:
    items = []
    for description, unit in rng.sample(goods, rng.randint(1, min(6, len(goods)))):
        quantity = Decimal(rng.randint(1, 40))
        if cents:
            unit_price = Decimal(rng.randint(500, 90000)) / 100
        else:
            unit_price = Decimal(rng.randint(5, 900) * 1000)
        items.append(
            {
                "description": description,
                "unit": unit,
                "quantity": quantity,
                "unit_price": unit_price,
                "amount": quantity * unit_price,
            }
        )
    return items


def _s(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _invoice_vi(rng: random.Random) -> GeneratedDocument:
    pdf = _Pdf()
    issued = some_date(rng)
    series = f"{rng.choice('CK')}{issued.year % 100:02d}T{rng.choice('ABCDE')}{rng.choice('AEKM')}"
    number = f"{rng.randint(1, 99999):07d}"
    rate = rng.choice([Decimal(8), Decimal(10), Decimal(5)])
    seller = {
        "name": rng.choice(_COMPANIES_VI),
        "tax_id": mst(rng),
        "address": address(rng),
        "bank_account": str(rng.randint(10**11, 10**13)),
    }
    buyer = {
        "name": rng.choice([c for c in _COMPANIES_VI if c != seller["name"]])
        .title()
        .replace("Tnhh", "TNHH")
        .replace("Cp", "CP"),
        "tax_id": mst(rng),
        "address": address(rng),
        "bank_account": None,
    }
    items = _lines(rng, _GOODS, cents=False)
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = (subtotal * rate / 100).quantize(Decimal(1), ROUND_HALF_UP)
    total = subtotal + vat

    below = rng.random() < 0.4  # header values under their labels instead of beside them
    pdf.centre(18, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG", bold=True, size=14)
    pdf.centre(25, f"Ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}")
    hx = rng.choice([150, 156])  # right of the centred title, as printed
    labels = rng.choice(
        [("Mẫu số:", "Ký hiệu:", "Số:"), ("Mẫu số (Form):", "Ký hiệu (Serial):", "Số (No.):")]
    )
    for offset, (label_text, value) in enumerate(zip(labels, ("1", series, number), strict=True)):
        y = 12 + offset * (10 if below else 6)
        pdf.text(hx, y, label_text)
        if below:
            pdf.text(hx, y + 4.5, value, bold=True)
        else:
            pdf.text(hx + pdf.pdf.get_string_width(label_text) + 2, y, value, bold=True)
    tax_label = rng.choice(["Mã số thuế:", "MST:"])
    y = 48
    pdf.text(15, y, f"Đơn vị bán hàng: {seller['name']}", bold=True)
    pdf.text(15, y + 6, f"{tax_label} {seller['tax_id']}")
    pdf.text(15, y + 12, f"Địa chỉ: {seller['address']}")
    pdf.text(15, y + 18, f"Số tài khoản: {seller['bank_account']}")
    pdf.rule(15, y + 22, 195)
    y += 30
    pdf.text(15, y, f"Họ tên người mua hàng: {person(rng)}")
    pdf.text(15, y + 6, f"Tên đơn vị: {buyer['name']}")
    pdf.text(15, y + 12, f"{tax_label} {buyer['tax_id']}")
    pdf.text(15, y + 18, f"Địa chỉ: {buyer['address']}")
    pdf.text(15, y + 24, f"Hình thức thanh toán: {rng.choice(['TM/CK', 'Chuyển khoản'])}")

    columns = [15, 27, 92, 112, 132, 160]
    widths = [12, 65, 20, 20, 28, 35]
    y += 34
    pdf.rule(15, y - 5, 195)
    for x, title in zip(
        columns,
        ["STT", "Tên hàng hóa, dịch vụ", "Đơn vị tính", "Số lượng", "Đơn giá", "Thành tiền"],
        strict=True,
    ):
        pdf.text(x, y, title, bold=True)
    pdf.rule(15, y + 2, 195)
    for index, item in enumerate(items, start=1):
        y += 7
        pdf.text(columns[0] + 2, y, str(index))
        pdf.text(columns[1], y, item["description"])
        pdf.text(columns[2], y, item["unit"])
        pdf.right(columns[3] + widths[3] - 2, y, str(item["quantity"]))
        pdf.right(columns[4] + widths[4] - 2, y, vn_amount(item["unit_price"]))
        pdf.right(195, y, vn_amount(item["amount"]))
    pdf.rule(15, y + 3, 195)
    y += 10
    pdf.text(15, y, "Cộng tiền hàng:")
    pdf.right(195, y, vn_amount(subtotal))
    pdf.text(15, y + 6, f"Thuế suất GTGT: {rate}%")
    pdf.text(100, y + 6, "Tiền thuế GTGT:")
    pdf.right(195, y + 6, vn_amount(vat))
    pdf.text(15, y + 12, "Tổng cộng tiền thanh toán:", bold=True)
    pdf.right(195, y + 12, vn_amount(total), bold=True)
    words = vietnamese_words(int(total))
    pdf.text(15, y + 18, f"Số tiền viết bằng chữ: {words}")
    pdf.text(30, y + 32, "Người mua hàng", bold=True)
    pdf.text(140, y + 32, "Người bán hàng", bold=True)

    fields = {
        "invoice_number": number,
        "invoice_series": series,
        "invoice_form": "1",
        "issue_date": issued.isoformat(),
        "due_date": None,
        "currency": "VND",
        "seller": seller,
        "buyer": buyer,
        "po_number": None,
        "line_items": [
            {
                "description": i["description"],
                "unit": i["unit"],
                "quantity": _s(i["quantity"]),
                "unit_price": _s(i["unit_price"]),
                "amount": _s(i["amount"]),
                "vat_rate": None,
            }
            for i in items
        ],
        "subtotal": _s(subtotal),
        "vat_amount": _s(vat),
        "total": _s(total),
        "vat_rate": _s(rate),
        "amount_in_words": words,
        "tax_authority_code": None,
    }
    return GeneratedDocument("invoice", "vi", pdf.bytes(), fields)


def _invoice_en(rng: random.Random) -> GeneratedDocument:
    pdf = _Pdf()
    issued = some_date(rng)
    due = issued + timedelta(days=rng.choice([14, 30, 45]))
    currency, symbol = rng.choice([("USD", "$"), ("EUR", "€")])
    number = f"INV-{rng.randint(1000, 99999)}"
    po = f"PO-{rng.randint(10000, 99999)}"
    rate = rng.choice([Decimal(10), Decimal(8), Decimal(20)])
    seller = {
        "name": rng.choice(_COMPANIES_EN),
        "tax_id": mst(rng),
        "address": f"{rng.randint(1, 99)} Market Street, Singapore",
        "bank_account": None,
    }
    buyer = {
        "name": rng.choice([c for c in _COMPANIES_EN if c != seller["name"]]),
        "tax_id": mst(rng),
        "address": f"{rng.randint(1, 99)} King Road, London",
        "bank_account": None,
    }
    items = _lines(rng, _GOODS_EN, cents=True)
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = (subtotal * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    total = subtotal + vat

    def when(day: date) -> str:
        return rng.choice([day.strftime("%B %-d, %Y"), day.strftime("%d %b %Y"), day.isoformat()])

    pdf.text(15, 20, rng.choice(["INVOICE", "TAX INVOICE"]), bold=True, size=16)
    meta = [
        ("Invoice No.:", number),
        ("Invoice Date:", when(issued)),
        ("Due Date:", when(due)),
        ("PO Number:", po),
    ]
    for offset, (label_text, value) in enumerate(meta):
        pdf.text(120, 15 + offset * 6, label_text)
        pdf.text(155, 15 + offset * 6, value)
    two_columns = rng.random() < 0.5
    seller_x, buyer_x = 15, (110 if two_columns else 15)
    seller_y = 50
    buyer_y = 50 if two_columns else 80
    for x, y, heading, party in (
        (seller_x, seller_y, rng.choice(["From", "Seller"]), seller),
        (buyer_x, buyer_y, rng.choice(["Bill To", "Customer"]), buyer),
    ):
        pdf.text(x, y, heading, bold=True)
        pdf.text(x, y + 6, party["name"])
        pdf.text(x, y + 12, party["address"])
        pdf.text(x, y + 18, f"Tax ID: {party['tax_id']}")
    y = 115
    columns = [15, 110, 135, 170]
    for x, title in zip(columns, ["Description", "Qty", "Unit Price", "Amount"], strict=True):
        pdf.text(x, y, title, bold=True)
    pdf.rule(15, y + 2, 195)
    for item in items:
        y += 7
        pdf.text(15, y, item["description"])
        pdf.right(125, y, str(item["quantity"]))
        pdf.right(160, y, en_amount(item["unit_price"]))
        pdf.right(195, y, en_amount(item["amount"]))
    y += 12
    for label_text, value in (
        ("Subtotal", subtotal),
        (f"VAT ({rate}%)", vat),
        (f"Total ({currency})", total),
    ):
        pdf.text(130, y, label_text + ":", bold=label_text.startswith("Total"))
        pdf.right(195, y, f"{symbol}{en_amount(value)}")
        y += 6
    fields = {
        "invoice_number": number,
        "invoice_series": None,
        "invoice_form": None,
        "issue_date": issued.isoformat(),
        "due_date": due.isoformat(),
        "currency": currency,
        "seller": seller,
        "buyer": buyer,
        "po_number": po,
        "line_items": [
            {
                "description": i["description"],
                "unit": None,
                "quantity": _s(i["quantity"]),
                "unit_price": _s(i["unit_price"]),
                "amount": _s(i["amount"]),
                "vat_rate": None,
            }
            for i in items
        ],
        "subtotal": _s(subtotal),
        "vat_amount": _s(vat),
        "total": _s(total),
        "vat_rate": _s(rate),
        "amount_in_words": None,
        "tax_authority_code": None,
    }
    return GeneratedDocument("invoice", "en", pdf.bytes(), fields)


# --- contracts, CVs, dispatch letters -------------------------------------------------------


def contract(seed: int = 0, *, language: str = "vi") -> GeneratedDocument:
    rng = random.Random(f"contract-{language}-{seed}")
    pdf = _Pdf()
    signed = some_date(rng)
    months = rng.choice([6, 12, 24, 36])
    end_month = signed.month - 1 + months
    expiry = date(signed.year + end_month // 12, end_month % 12 + 1, min(signed.day, 28))
    value = Decimal(rng.randint(10, 900) * 1_000_000)
    parties = []
    for role in ("party_a", "party_b"):
        parties.append(
            {
                "role": role,
                "name": rng.choice(_COMPANIES_VI),
                "tax_id": mst(rng),
                "representative": person(rng),
                "address": address(rng),
            }
        )
    if parties[0]["name"] == parties[1]["name"]:
        parties[1]["name"] = "CÔNG TY TNHH KỸ THUẬT BẮC NAM"
    number = f"{rng.randint(1, 99):02d}/{signed.year}/HĐMB"
    clauses = ["payment", "confidentiality", "termination", "dispute_resolution"]
    if language == "vi":
        pdf.centre(15, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
        pdf.centre(21, "Độc lập - Tự do - Hạnh phúc")
        title = "HỢP ĐỒNG MUA BÁN HÀNG HÓA"
        pdf.centre(35, title, bold=True, size=14)
        pdf.centre(42, f"Số: {number}")
        y = 55
        pdf.text(
            15,
            y,
            f"Hôm nay, ngày {signed.day:02d} tháng {signed.month:02d} năm "
            f"{signed.year}, chúng tôi gồm:",
        )
        for label_text, party in zip(
            ("BÊN A (Bên mua):", "BÊN B (Bên bán):"), parties, strict=True
        ):
            y += 10
            pdf.text(15, y, f"{label_text} {party['name']}", bold=True)
            pdf.text(20, y + 6, f"Mã số thuế: {party['tax_id']}")
            pdf.text(20, y + 12, f"Địa chỉ: {party['address']}")
            pdf.text(20, y + 18, f"Đại diện: Ông {party['representative']} - Chức vụ: Giám đốc")
            y += 18
        articles = [
            f"Điều 1. Giá trị hợp đồng: {vn_amount(value)} đồng",
            "Điều 2. Thanh toán: chuyển khoản trong 30 ngày",
            f"Điều 3. Thời hạn hợp đồng: {months} tháng kể từ ngày ký",
            "Điều 4. Bảo mật thông tin",
            "Điều 5. Chấm dứt hợp đồng",
            "Điều 6. Giải quyết tranh chấp theo pháp luật Việt Nam",
        ]
        law = "Vietnam"
    else:
        title = "SERVICE AGREEMENT"
        pdf.centre(20, title, bold=True, size=14)
        pdf.centre(27, f"No. {number}")
        y = 40
        pdf.text(15, y, f"This Agreement is made on {signed.strftime('%B %-d, %Y')}")
        pdf.text(15, y + 8, f"BETWEEN {parties[0]['name']}, a company incorporated in Vietnam")
        pdf.text(20, y + 14, f"Tax code: {parties[0]['tax_id']}")
        pdf.text(20, y + 20, f"Address: {parties[0]['address']}")
        pdf.text(20, y + 26, f"Represented by: {parties[0]['representative']}")
        pdf.text(15, y + 34, f"AND {parties[1]['name']}, a company incorporated in Vietnam")
        pdf.text(20, y + 40, f"Tax code: {parties[1]['tax_id']}")
        pdf.text(20, y + 46, f"Address: {parties[1]['address']}")
        pdf.text(20, y + 52, f"Represented by: {parties[1]['representative']}")
        y += 60
        years = {12: "one (1) year", 24: "two (2) years", 36: "three (3) years"}
        term = years.get(months, f"{months} months")
        articles = [
            f"Article 1. Contract value: VND {en_amount(value)[:-3]}",
            "Article 2. Payment within 30 days of invoice",
            f"Article 3. Term: {term} from the date of signing",
            "Article 4. Confidentiality",
            "Article 5. Termination",
            "Article 6. Dispute resolution: governed by the laws of Vietnam.",
        ]
        law = "Vietnam"
    for article in articles:
        y += 8
        pdf.text(15, y, article)
    fields = {
        "contract_number": number,
        "title": title,
        "signing_date": signed.isoformat(),
        "effective_date": signed.isoformat(),
        "expiry_date": expiry.isoformat(),
        "parties": parties,
        "total_value": _s(value),
        "currency": "VND",
        "governing_law": law,
        "clauses": clauses + ["governing_law"],
        "auto_renewal": False,
    }
    return GeneratedDocument("contract", language, pdf.bytes(), fields)


def cv(seed: int = 0, *, language: str = "vi") -> GeneratedDocument:
    """A CV; `years_of_experience` counts open-ended jobs up to 2026-11."""
    rng = random.Random(f"cv-{language}-{seed}")
    pdf = _Pdf()
    name = person(rng)
    phone_digits = f"09{rng.randint(10_000_000, 99_999_999)}"
    printed_phone = f"{phone_digits[:4]} {phone_digits[4:7]} {phone_digits[7:]}"
    email = f"{rng.choice(['minh', 'lan', 'tuan', 'ha'])}.{rng.randint(10, 99)}@example.com"
    born = date(rng.randint(1980, 2000), rng.randint(1, 12), rng.randint(1, 28))
    city = rng.choice(_CITIES)
    national_id = rng.random() < 0.5
    first_start = rng.randint(2015, 2020)
    employers = (
        [("Công ty CP Sao Việt", "Kế toán viên"), ("Công ty TNHH Minh Phát", "Kế toán trưởng")]
        if language == "vi"
        else [("Sao Viet JSC", "Accountant"), ("Minh Phat Co., Ltd", "Chief Accountant")]
    )
    jobs = [
        (*employers[0], f"{first_start}-03", f"{first_start + 3}-06"),
        (*employers[1], f"{first_start + 3}-07", None),
    ]
    school, degree = (
        ("Đại học Kinh tế Quốc dân", "Cử nhân Kế toán")
        if language == "vi"
        else ("National Economics University", "Bachelor of Accounting")
    )
    skills = rng.sample(["Excel", "MISA", "SAP", "Python", "SQL", "Power BI"], 3)
    heads = dict(
        zip(
            ("experience", "education", "skills", "languages"),
            ("Kinh nghiệm làm việc", "Học vấn", "Kỹ năng", "Ngoại ngữ")
            if language == "vi"
            else ("Experience", "Education", "Skills", "Languages"),
            strict=True,
        )
    )
    pdf.text(15, 20, name, bold=True, size=16)
    pdf.text(15, 28, f"Email: {email}")
    pdf.text(15, 34, f"{'Điện thoại' if language == 'vi' else 'Phone'}: {printed_phone}")
    pdf.text(
        15,
        40,
        f"{'Ngày sinh' if language == 'vi' else 'Date of birth'}: "
        f"{born.day:02d}/{born.month:02d}/{born.year}",
    )
    pdf.text(15, 46, f"{'Địa chỉ' if language == 'vi' else 'Address'}: {city}")
    if national_id:
        pdf.text(15, 52, f"CCCD: 0{rng.randint(10**10, 10**11 - 1)}")
    sections = ["experience", "education", "skills", "languages"]
    rng.shuffle(sections)
    y = 62
    present = "nay" if language == "vi" else "Present"
    for section in sections:
        y += 6
        pdf.text(15, y, heads[section], bold=True, size=12)
        if section == "experience":
            for employer, title, start, end in jobs:
                y += 7
                span = f"{start[5:]}/{start[:4]} – " + (f"{end[5:]}/{end[:4]}" if end else present)
                pdf.text(15, y, f"{span} | {employer} | {title}")
        elif section == "education":
            y += 7
            pdf.text(15, y, f"{school} | {degree} | {first_start - 1}")
        elif section == "skills":
            y += 7
            pdf.text(15, y, ", ".join(skills))
        else:
            y += 7
            pdf.text(15, y, "Tiếng Anh, Tiếng Nhật" if language == "vi" else "English, Japanese")
        y += 4
    months = 0
    for _, _, start, end in jobs:
        first = int(start[:4]) * 12 + int(start[5:]) - 1
        last = (int(end[:4]) * 12 + int(end[5:]) - 1) if end else 2026 * 12 + 10
        months += last - first + 1
    fields = {
        "full_name": name,
        "email": email,
        "phone": "+84" + phone_digits[1:],
        "location": city,
        "date_of_birth": born.isoformat(),
        "national_id_present": national_id,
        "skills": skills,
        "languages": ["Tiếng Anh", "Tiếng Nhật"] if language == "vi" else ["English", "Japanese"],
        "education": [{"institution": school, "degree": degree, "end_year": first_start - 1}],
        "experience": [{"employer": e, "title": t, "start": s, "end": d} for e, t, s, d in jobs],
        "years_of_experience": round(months / 12, 1),
    }
    return GeneratedDocument("cv", language, pdf.bytes(), fields)


def dispatch(seed: int = 0) -> GeneratedDocument:
    rng = random.Random(f"dispatch-{seed}")
    pdf = _Pdf()
    issued = some_date(rng)
    issuer = rng.choice(_COMPANIES_VI)
    number = f"{rng.randint(1, 999)}/CV-{rng.choice(['TCKT', 'HCNS', 'KD', 'VP'])}"
    place = rng.choice(["Hà Nội", "Đà Nẵng", "Hải Phòng"])
    subject = rng.choice(
        [
            "báo cáo tình hình tài chính quý I",
            "đề nghị thanh toán công nợ",
            "cử cán bộ tham gia tập huấn",
        ]
    )
    recipients = rng.sample(
        ["Sở Tài chính Hà Nội", "Cục Thuế Hà Nội", "Ngân hàng Vietcombank", "Phòng Kế hoạch"],
        rng.randint(1, 3),
    )
    urgency = rng.choice([None, None, "khẩn", "hỏa tốc"])
    deadline = issued + timedelta(days=rng.randint(5, 20)) if rng.random() < 0.6 else None
    signer, title = person(rng), rng.choice(["GIÁM ĐỐC", "TỔNG GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"])
    pdf.text(15, 15, "TẬP ĐOÀN ĐẦU TƯ VIỆT", size=10)
    pdf.text(15, 20, issuer, bold=True, size=9)
    pdf.text(115, 15, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    pdf.text(128, 20, "Độc lập - Tự do - Hạnh phúc", bold=True)
    pdf.text(25, 30, f"Số: {number}")
    pdf.text(15, 36, f"V/v {subject}")
    pdf.text(118, 30, f"{place}, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}")
    if urgency:
        pdf.text(25, 44, urgency.upper(), bold=True)
    y = 58
    if len(recipients) == 1:
        pdf.text(50, y, f"Kính gửi: {recipients[0]}")
    else:
        pdf.text(50, y, "Kính gửi:")
        for recipient in recipients:
            pdf.text(70, y, f"- {recipient};")
            y += 6
    y += 12
    pdf.text(20, y, "Công ty trân trọng đề nghị Quý cơ quan xem xét và phối hợp thực hiện.")
    if deadline:
        y += 7
        pdf.text(
            20, y, f"Đề nghị gửi ý kiến trước ngày {deadline.day}/{deadline.month}/{deadline.year}."
        )
    y += 20
    pdf.text(15, y, "Nơi nhận:", bold=True)
    cc = ["Như trên", "Lưu: VT"]
    for offset, item in enumerate(cc):
        pdf.text(15, y + 6 * (offset + 1), f"- {item};")
    pdf.text(135, y, title, bold=True)
    pdf.text(130, y + 30, signer, bold=True)
    fields = {
        "dispatch_number": number,
        "issuer": issuer,
        "issue_place": place,
        "issue_date": issued.isoformat(),
        "subject": subject,
        "recipients": recipients,
        "signer_name": signer,
        "signer_title": title,
        "cc": cc,
        "urgency": urgency,
        "reply_deadline": deadline.isoformat() if deadline else None,
    }
    return GeneratedDocument("dispatch", "vi", pdf.bytes(), fields)


# --- bad inputs ----------------------------------------------------------------------------


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated_pdf(path: Path) -> Path:
    data = invoice(99).pdf
    path.write_bytes(data[: int(len(data) * 0.4)])
    return path


def encrypted_pdf(path: Path) -> Path:
    from fpdf.enums import EncryptionMethod

    pdf = _Pdf()
    pdf.text(20, 20, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG")
    pdf.pdf.set_encryption(
        owner_password="owner", user_password="secret", encryption_method=EncryptionMethod.RC4
    )
    path.write_bytes(pdf.bytes())
    return path


def zip_as_pdf(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("invoice.xml", "<HDon/>")
    path.write_bytes(buffer.getvalue())
    return path


def distinct_pdfs(directory: Path, count: int, *, prefix: str = "doc") -> list[Path]:
    """`count` byte-distinct one-page invoices, fast: one font subset, numbers varied."""
    paths = []
    for index in range(count):
        pdf = FPDF(format="A4")
        pdf.set_font("Helvetica", size=11)
        pdf.add_page()
        pdf.text(15, 20, "INVOICE")
        pdf.text(15, 30, f"Invoice No.: {index + 1:07d}")
        pdf.text(15, 36, "Invoice Date: 2026-03-05")
        pdf.text(15, 46, f"Subtotal: {1000 + index}.00")
        pdf.text(15, 52, "VAT: 0.00")
        pdf.text(15, 58, f"Total: {1000 + index}.00")
        path = directory / f"{prefix}_{index:05d}.pdf"
        path.write_bytes(bytes(pdf.output()))
        paths.append(path)
    return paths


# --- scans and photos --------------------------------------------------------------------


def scan_image(
    doc: GeneratedDocument,
    *,
    dpi: int = 300,
    rotation: int = 0,
    skew: float = 0.0,
    noise: float = 0.0,
    blur: float = 0.0,
    seed: int = 0,
) -> list[Image.Image]:
    """The document's pages as a scanner or phone would deliver them: rasterised, turned by
    `rotation` degrees clockwise, slightly skewed, blurred and speckled."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

    rng = random.Random(seed)
    pdf = pdfium.PdfDocument(doc.pdf)
    images = []
    for page in pdf:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if skew:
            image = image.rotate(skew, expand=True, fillcolor=255, resample=Image.BICUBIC)
        if blur:
            image = image.filter(ImageFilter.GaussianBlur(blur))
        if noise:
            pixels = image.load()
            for _ in range(int(image.width * image.height * noise)):
                x, y = rng.randrange(image.width), rng.randrange(image.height)
                pixels[x, y] = rng.choice((0, 255))
        if rotation:
            image = image.rotate(-rotation, expand=True)
        images.append(image)
    return images


def scanned_pdf(
    doc: GeneratedDocument, *, dpi: int = 300, jpeg_quality: int = 75, **effects: Any
) -> bytes:
    """An image-only PDF, JPEG-compressed like a scanner's output: no text layer at all."""
    images = scan_image(doc, dpi=dpi, **effects)
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="PDF",
        resolution=dpi,
        save_all=True,
        append_images=images[1:],
        quality=jpeg_quality,
    )
    return buffer.getvalue()


def photo(
    doc: GeneratedDocument, *, image_format: str = "PNG", dpi: int = 300, **effects: Any
) -> bytes:
    """The first page as a PNG/JPEG/WebP/TIFF file (every page for TIFF)."""
    images = scan_image(doc, dpi=dpi, **effects)
    buffer = io.BytesIO()
    if image_format == "TIFF":
        images[0].save(
            buffer, format="TIFF", save_all=True, append_images=images[1:], dpi=(dpi, dpi)
        )
    else:
        images[0].save(buffer, format=image_format, dpi=(dpi, dpi), quality=85)
    return buffer.getvalue()


_PROSE = (
    "Căn cứ hợp đồng kinh tế đã ký giữa hai bên, công ty đề nghị thanh toán các khoản công "
    "nợ phát sinh trong quý theo đúng thời hạn. The parties agree that all invoices shall be "
    "settled within thirty days of receipt, including value added tax at the applicable rate. "
)


def dense_pdf(pages: int, *, characters_per_page: int = 2000) -> bytes:
    """Pages of running text, about `characters_per_page` characters each, for reading
    benchmarks."""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=9)
    text = (_PROSE * (characters_per_page // len(_PROSE) + 1))[:characters_per_page]
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 4.2, text)
    return bytes(pdf.output())


# --- e-invoice XML -------------------------------------------------------------------------

_EINVOICE_NS = (
    "http://kekhaithue.gdt.gov.vn/TKhaiThue"  # placeholder namespace, as some issuers use
)


def einvoice_xml(seed: int = 0, *, namespaced: bool = False) -> GeneratedDocument:
    """A Vietnamese e-invoice in the Circular 78 XML structure, with the truth it states.
    Seeds vary issuer, lines and totals; `namespaced` puts every element in a namespace."""
    from xml.sax.saxutils import escape

    rng = random.Random(f"einvoice-{seed}")
    printed = invoice(seed).fields
    number = str(int(printed["invoice_number"]))
    coded = printed["invoice_series"].startswith("C")
    mccqt = f"00{rng.randrange(16**30):030X}" if coded else None
    rate = printed["vat_rate"]

    def element(name: str, value: object) -> str:
        return f"<{name}>{escape(str(value))}</{name}>" if value is not None else f"<{name}/>"

    def party(tag: str, data: dict[str, Any]) -> str:
        return (
            f"<{tag}>"
            + element("Ten", data["name"])
            + element("MST", data["tax_id"])
            + element("DChi", data["address"])
            + (element("STKNHang", data["bank_account"]) if data["bank_account"] else "")
            + f"</{tag}>"
        )

    items = "".join(
        "<HHDVu>"
        + element("TChat", 1)
        + element("STT", index)
        + element("THHDVu", item["description"])
        + element("DVTinh", item["unit"])
        + element("SLuong", item["quantity"])
        + element("DGia", item["unit_price"])
        + element("ThTien", item["amount"])
        + element("TSuat", f"{rate}%")
        + "</HHDVu>"
        for index, item in enumerate(printed["line_items"], start=1)
    )
    body = (
        '<DLHDon Id="data">'
        "<TTChung>"
        + element("PBan", "2.0.0")
        + element("THDon", "Hóa đơn giá trị gia tăng")
        + element("KHMSHDon", printed["invoice_form"])
        + element("KHHDon", printed["invoice_series"])
        + element("SHDon", number)
        + element("NLap", printed["issue_date"])
        + element("DVTTe", "VND")
        + element("TGia", 1)
        + element("HTTToan", "TM/CK")
        + "</TTChung>"
        "<NDHDon>"
        + party("NBan", printed["seller"])
        + party("NMua", printed["buyer"])
        + "<DSHHDVu>"
        + items
        + "</DSHHDVu>"
        + "<TToan><THTTLTSuat><LTSuat>"
        + element("TSuat", f"{rate}%")
        + element("ThTien", printed["subtotal"])
        + element("TThue", printed["vat_amount"])
        + "</LTSuat></THTTLTSuat>"
        + element("TgTCThue", printed["subtotal"])
        + element("TgTThue", printed["vat_amount"])
        + element("TgTTTBSo", printed["total"])
        + element("TgTTTBChu", printed["amount_in_words"])
        + "</TToan></NDHDon></DLHDon>"
    )
    signature = (
        "<DSCKS><NBan><Signature><SignatureValue>c2lnbmF0dXJl</SignatureValue>"
        "</Signature></NBan></DSCKS>"
    )
    root_open = f'<HDon xmlns="{_EINVOICE_NS}">' if namespaced else "<HDon>"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        + root_open
        + body
        + (element("MCCQT", mccqt) if mccqt else "")
        + signature
        + "</HDon>"
    )
    fields = dict(printed)
    fields["invoice_number"] = number
    fields["line_items"] = [item | {"vat_rate": rate} for item in printed["line_items"]]
    fields["tax_authority_code"] = mccqt
    return GeneratedDocument("invoice", "vi", xml.encode("utf-8"), fields, suffix=".xml")


# --- Word files ------------------------------------------------------------------------------


def as_docx(doc: GeneratedDocument) -> GeneratedDocument:
    """The same document typed in Word: each printed row becomes a paragraph, and rows of
    three or more columns (line-item tables) become a Word table."""
    import docx

    from extractors.document import ParsedDocument
    from extractors.limits import ReadLimits
    from extractors.readers.pdf import PdfTextReader

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "source.pdf"
        path.write_bytes(doc.content)
        with PdfTextReader() as reader:
            parsed: ParsedDocument = reader.read(path, limits=ReadLimits())
    word = docx.Document()
    rows: list[list[str]] = []
    last_top: float | None = None
    for line in parsed.lines:
        top = line.bbox[1]
        if last_top is not None and abs(top - last_top) < 3:
            rows[-1].append(line.text)
        else:
            rows.append([line.text])
        last_top = top
    table = None
    for row in rows:
        if len(row) >= 3:
            if table is None or len(table.columns) != len(row):
                table = word.add_table(rows=0, cols=len(row))
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
        else:
            table = None
            word.add_paragraph("    ".join(row))
    buffer = io.BytesIO()
    word.save(buffer)
    return GeneratedDocument(doc.doc_type, doc.language, buffer.getvalue(), doc.fields, ".docx")
