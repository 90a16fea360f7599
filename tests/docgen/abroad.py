"""Documents from outside the main generators' families, for the classes of reading they
got wrong on real files: English letters and memos, a Vietnamese notice full of CV words,
invoices in German, French and Dutch, and English invoices whose issuer is an unlabelled
letterhead, whose buyer is a `Bill to` block or a window-envelope address, which print an EU
VAT number, a discount and a taxes column, quantities with their unit, and the tax base
beside the VAT; and a Vietnamese e-invoice whose one-unit line repeats its figures under
the column numbers. Wording is drawn from lexicons and positions from the seed.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from tests.docgen.common import GeneratedDocument, _Pdf, address, mst, person, some_date

_ORGS = (
    "Northwind Logistics",
    "Harbour Point Consulting",
    "Riverside Medical Centre",
    "Bluegate Engineering",
    "Office of the Registrar",
    "Department of Public Works",
    "Eastfield Borough Council",
)
_PEOPLE = ("Alice Morgan", "Daniel Reyes", "Priya Nair", "Tom Becker", "Laura Chen", "Omar Haddad")
_TOPICS = (
    ("Subject", "Office relocation schedule"),
    ("Re", "Annual maintenance shutdown"),
    ("Subject", "Change of opening hours"),
    ("Ref", "Request for updated records"),
    ("Re", "Safety inspection on site"),
)
_SENTENCES = (
    "We write to inform you that the arrangements described below take effect next month.",
    "Please review the attached schedule and let us know of any conflicts by Friday.",
    "Staff should plan their work so that no deliveries are due during this period.",
    "The facilities team will be available to answer questions at the front desk.",
    "We appreciate your cooperation and apologise for any inconvenience caused.",
    "A copy of this notice has been sent to every department head.",
    "Payments under the existing service agreement are not affected by this change.",
)


def english_letter(seed: int = 0) -> GeneratedDocument:
    """A business letter or an internal memo: no Vietnamese, no title naming a type."""
    rng = random.Random(seed)
    pdf = _Pdf()
    sender, recipient = rng.sample(_ORGS, 2)
    writer, reader = rng.sample(_PEOPLE, 2)
    label, subject = rng.choice(_TOPICS)
    day = some_date(rng).strftime(rng.choice(("%d %B %Y", "%B %d, %Y")))
    y = 20.0
    if rng.random() < 0.5:
        pdf.centre(y, rng.choice(("MEMORANDUM", "MEMO", "Inter-office Memorandum")), bold=True)
        y += 14
        for key, value in rng.sample(
            [("TO", f"{reader}, {recipient}"), ("FROM", writer), ("DATE", day)], 3
        ):
            pdf.text(20, y, f"{key.title() if rng.random() < 0.5 else key}:")
            pdf.text(45, y, value)
            y += 7
        if rng.random() < 0.5:
            pdf.text(20, y, f"CC: {rng.choice(_PEOPLE)}")
            y += 7
        pdf.text(20, y, f"{label.upper()}: {subject}", bold=True)
        y += 12
    else:
        pdf.text(20, y, sender, bold=True, size=13)
        pdf.text(20, y + 6, address(rng).split(",")[0])
        pdf.right(190, y + 14, day)
        y += 26
        pdf.text(20, y, reader)
        pdf.text(20, y + 6, recipient)
        y += 18
        pdf.text(20, y, f"{label}: {subject}", bold=True)
        y += 10
        pdf.text(20, y, rng.choice((f"Dear {reader.split()[0]},", "Dear Sir or Madam,")))
        y += 10
    for sentence in rng.sample(_SENTENCES, 4):
        pdf.text(20, y, sentence)
        y += 7
    y += 6
    pdf.text(20, y, rng.choice(("Yours sincerely,", "Kind regards,", "Yours faithfully,")))
    pdf.text(20, y + 18, writer)
    pdf.text(20, y + 24, rng.choice(("Operations Manager", "Head of Facilities", "Registrar")))
    return GeneratedDocument("dispatch", "en", pdf.bytes(), {})


def vietnamese_notice(seed: int = 0) -> GeneratedDocument:
    """A recruitment notice (`THÔNG BÁO`): an official letter whose body lists what a CV
    holds (experience, skills, education, date of birth)."""
    rng = random.Random(seed)
    pdf = _Pdf()
    agency = rng.choice(("SỞ NỘI VỤ TỈNH BẮC NINH", "ỦY BAN NHÂN DÂN QUẬN HAI BÀ TRƯNG"))
    pdf.text(20, 20, agency, bold=True)
    pdf.text(110, 20, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    pdf.text(125, 26, "Độc lập - Tự do - Hạnh phúc")
    pdf.text(20, 32, f"Số: {rng.randint(10, 999)}/TB-{rng.choice(('SNV', 'UBND'))}")
    pdf.text(120, 34, f"Ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm 2026")
    pdf.centre(50, rng.choice(("THÔNG BÁO", "KẾ HOẠCH")), bold=True, size=13)
    pdf.centre(57, "Về việc tuyển dụng viên chức năm 2026")
    body = [
        "Hồ sơ ứng tuyển gồm: đơn đăng ký dự tuyển, sơ yếu lý lịch có xác nhận,",
        "bản sao văn bằng, chứng chỉ theo yêu cầu của vị trí ứng tuyển.",
        "Yêu cầu: trình độ đại học trở lên; có kinh nghiệm làm việc tối thiểu 02 năm;",
        "kỹ năng tin học văn phòng, ngoại ngữ tiếng Anh trình độ B1.",
        "Ghi rõ họ tên, ngày sinh, số điện thoại liên hệ trên phong bì hồ sơ.",
    ]
    y = 70.0
    for line in rng.sample(body, len(body)):
        pdf.text(20, y, line)
        y += 7
    pdf.text(20, y + 8, "Nơi nhận:", bold=True)
    pdf.text(20, y + 14, "- Như trên;")
    pdf.text(20, y + 20, "- Lưu: VT.")
    pdf.text(130, y + 8, "GIÁM ĐỐC", bold=True)
    pdf.text(130, y + 30, person(rng))
    return GeneratedDocument("dispatch", "vi", pdf.bytes(), {})


# Title, number label, date label, line-item header, tax and total words, by language.
_FOREIGN: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {
        "title": ("Rechnung", "RECHNUNG", "Handelsrechnung"),
        "number": ("Rechnungsnr.", "Rechnungsnummer", "Rechnungs-Nr."),
        "date": ("Rechnungsdatum", "Datum"),
        "header": ("Pos.", "Beschreibung", "Menge", "Einzelpreis", "Betrag"),
        "tax": ("MwSt. 19%", "USt. 19%"),
        "total": ("Gesamtbetrag", "Rechnungsbetrag"),
        "goods": ("Wartungsvertrag", "Druckerpatronen", "Beratung vor Ort"),
    },
    "fr": {
        "title": ("Facture", "FACTURE"),
        "number": ("Numéro de facture", "Facture n°"),
        "date": ("Date de facture", "Date"),
        "header": ("Réf.", "Désignation", "Quantité", "Prix unitaire", "Montant"),
        "tax": ("TVA 20%",),
        "total": ("Total TTC", "Montant total"),
        "goods": ("Maintenance annuelle", "Cartouches d'encre", "Conseil sur site"),
    },
    "nl": {
        "title": ("Factuur", "FACTUUR"),
        "number": ("Factuurnummer", "Factuur nr."),
        "date": ("Factuurdatum", "Datum"),
        "header": ("Artikel", "Omschrijving", "Hoeveelheid", "Prijs", "Bedrag"),
        "tax": ("BTW 21%",),
        "total": ("Totaal", "Totaalbedrag"),
        "goods": ("Onderhoudsset", "Inktpatronen", "Advies op locatie"),
    },
}


def foreign_invoice(seed: int = 0, *, language: str = "de") -> GeneratedDocument:
    """An invoice in German, French or Dutch (outside the record's languages: its type is
    what is measured)."""
    rng = random.Random(seed)
    words = _FOREIGN[language]
    pdf = _Pdf()
    pdf.text(
        20, 20, rng.choice(("Lieferant GmbH", "Atelier Dupont SARL", "Van Dijk B.V.")), bold=True
    )
    pdf.text(20, 26, "Hauptstraße 12, 80333 München" if language == "de" else "12 rue Haute")
    pdf.text(20, 45, rng.choice(("Kunden AG", "Client SA", "Klant BV")))
    pdf.text(20, 62, rng.choice(words["title"]), bold=True, size=14)
    pdf.text(120, 62, f"{rng.choice(words['number'])}: {rng.randint(10000, 99999)}")
    pdf.text(120, 68, f"{rng.choice(words['date'])}: {some_date(rng):%d.%m.%Y}")
    xs = (20, 35, 110, 140, 170)
    for x, name in zip(xs, words["header"], strict=True):
        pdf.text(x, 85, name, bold=True)
    y, net = 93.0, Decimal(0)
    for number, good in enumerate(rng.sample(words["goods"], 2), start=1):
        quantity, price = rng.randint(1, 9), Decimal(rng.randint(500, 9000)) / 100
        amount = quantity * price
        net += amount
        for x, text in zip(
            xs, (str(number), good, str(quantity), f"{price:.2f}", f"{amount:.2f}"), strict=True
        ):
            pdf.text(x, y, text.replace(".", ","))
        y += 7
    tax = rng.choice(words["tax"])
    rate = Decimal(tax.split()[-1].rstrip("%"))
    vat = (net * rate / 100).quantize(Decimal("0.01"))
    pdf.text(110, y + 6, tax)
    pdf.text(170, y + 6, f"{vat:.2f}".replace(".", ","))
    pdf.text(110, y + 13, rng.choice(words["total"]), bold=True)
    pdf.text(170, y + 13, f"{net + vat:.2f}".replace(".", ","), bold=True)
    return GeneratedDocument("invoice", language, pdf.bytes(), {})


_TRADERS = ("Sammy Maystone", "Olive & Thyme", "Jonas Weber", "Kestrel Studio", "Maria Lindqvist")
_CUSTOMERS = ("Taylor Riddel", "Brightline Retail", "Harbour Point Consulting", "Nora Feld")
_BUYER_LABELS = ("Bill To:", "Sold To:", "Invoice To:", "Customer:", "Billed To:")
_VAT_LABELS = ("VAT ID:", "VAT No.", "VAT Reg. No.:", "USt-IdNr.:", "VAT number:")
_GOODS = (("Beeswax XL", "kg"), ("Office Chair", "Units"), ("Olive Oil", "L"), ("Truffles", "g"))


def _vat_number(rng: random.Random) -> tuple[str, str]:
    """An EU VAT number as printed (grouped by spaces) and as SCHEMA.md keeps it."""
    country = rng.choice(("DE", "NL", "FR", "AT"))
    body = {
        "DE": "".join(rng.choice("0123456789") for _ in range(9)),
        "FR": "".join(rng.choice("0123456789") for _ in range(11)),
        "NL": "".join(rng.choice("0123456789") for _ in range(9)) + "B01",
        "AT": "U" + "".join(rng.choice("0123456789") for _ in range(8)),
    }[country]
    printed = f"{country} {' '.join(body[i : i + 3] for i in range(0, len(body), 3))}"
    return printed, country + body


def english_invoice(seed: int = 0) -> GeneratedDocument:
    """An English invoice from a trader named only by its letterhead (no company word, no
    label); the buyer under a `Bill to`-like label or, without one, as the address block set
    to the right; an EU VAT number; a table with discount and taxes columns and the unit
    printed after the quantity; the VAT printed with its rate and its base."""
    rng = random.Random(seed)
    pdf = _Pdf()
    seller, buyer = rng.choice(_TRADERS), rng.choice(_CUSTOMERS)
    seller_street, buyer_street = (f"{rng.randint(10, 999)} {s} St" for s in ("Vine", "Oak"))
    printed_vat, vat_id = _vat_number(rng)
    number = rng.choice(
        (
            f"INV/2026/{rng.randint(1, 12):02d}/{rng.randint(1, 999):04d}",
            f"{rng.randint(1000, 9999)}",
            f"A-{rng.randint(100, 999)}",
        )
    )
    pdf.text(20, 18, seller, bold=True, size=13)
    pdf.text(20, 25, seller_street)
    pdf.text(20, 31, "Springfield 12345")
    pdf.text(20, 37, f"{rng.choice(_VAT_LABELS)} {printed_vat}")
    labelled = rng.random() < 0.6
    if labelled:
        pdf.text(20, 52, rng.choice(_BUYER_LABELS), bold=True)
        pdf.text(20, 58, buyer)
        pdf.text(20, 64, buyer_street)
    else:  # a window-envelope address, right and lower
        pdf.text(120, 52, buyer)
        pdf.text(120, 58, buyer_street)
        pdf.text(120, 64, "Fairview 54321")
    style = rng.choice(("title", "hash", "label"))
    if style == "title":
        pdf.text(20, 80, f"Invoice {number}", bold=True, size=14)
    else:
        pdf.text(20, 80, "INVOICE", bold=True, size=14)
        pdf.text(120, 80, f"# {number}" if style == "hash" else f"Invoice No: {number}")
    issued = some_date(rng)
    pdf.text(20, 88, f"Invoice Date: {issued:%d/%m/%Y}")
    xs = {
        "description": 20,
        "quantity": 85,
        "unit_price": 115,
        "disc": 138,
        "taxes": 155,
        "amount": 178,
    }
    for name, title in (
        ("description", "Description"),
        ("quantity", "Quantity"),
        ("unit_price", "Unit Price"),
        ("disc", "Disc.%"),
        ("taxes", "Taxes"),
        ("amount", "Amount"),
    ):
        pdf.text(xs[name], 100, title, bold=True)
    rate = rng.choice((Decimal(10), Decimal(15), Decimal(20)))
    items: list[dict[str, Any]] = []
    y = 108.0
    subtotal = Decimal(0)
    goods = rng.sample(_GOODS, rng.randint(2, 3))
    # Some invoices group their lines in sections, each closed by its own subtotal.
    sections = [goods[:1], goods[1:]] if rng.random() < 0.5 else [goods]
    for section in sections:
        if len(sections) > 1:
            pdf.text(xs["description"], y, rng.choice(("--- Non Food ---", "== Supplies ==")))
            y += 8
        section_sum = Decimal(0)
        for good, unit in section:
            quantity = Decimal(rng.randint(1, 20))
            price = Decimal(rng.randint(100, 9000)) / 100
            amount = quantity * price
            section_sum += amount
            pdf.text(xs["description"], y, good)
            pdf.text(xs["quantity"], y, f"{quantity:.2f} {unit}")
            pdf.text(xs["unit_price"], y, f"{price:.2f}")
            pdf.text(xs["disc"], y, "0.00")
            pdf.text(xs["taxes"], y, f"{rate}%")
            pdf.text(xs["amount"], y, f"$ {amount:.2f}")
            if rng.random() < 0.5:  # an attribute printed under the item's name
                y += 6
                pdf.text(xs["description"], y, rng.choice(("Notes: fragile", "Serial No: A7")))
            items.append(
                {
                    "description": good,
                    "unit": unit,
                    "quantity": f"{quantity:.2f}",
                    "unit_price": f"{price:.2f}",
                    "amount": f"{amount:.2f}",
                    "vat_rate": str(rate),
                }
            )
            y += 8
        if len(sections) > 1:
            pdf.text(120, y, "Subtotal")
            pdf.text(178, y, f"$ {section_sum:.2f}")
            y += 8
        subtotal += section_sum
    vat = (subtotal * rate / 100).quantize(Decimal("0.01"))
    pdf.text(120, y + 6, "Subtotal")
    pdf.text(178, y + 6, f"$ {subtotal:.2f}")
    pdf.text(120, y + 13, f"Tax {rate}% on $ {subtotal:.2f}")
    pdf.text(178, y + 13, f"$ {vat:.2f}")
    pdf.text(120, y + 20, "Total", bold=True)
    pdf.text(178, y + 20, f"$ {subtotal + vat:.2f}", bold=True)
    pdf.text(20, y + 34, f"{seller} · {seller.split()[0].lower()}@example.com")
    fields = {
        "invoice_number": number,
        "issue_date": issued.isoformat(),
        "seller": {"name": seller, "tax_id": vat_id},
        "buyer": {"name": buyer, "tax_id": None},
        "line_items": items,
        "subtotal": f"{subtotal:.2f}",
        "vat_amount": f"{vat:.2f}",
        "total": f"{subtotal + vat:.2f}",
    }
    return GeneratedDocument("invoice", "en", pdf.bytes(), fields)


def dark_header_invoice(seed: int = 0) -> GeneratedDocument:
    """An English invoice whose item table has its header in white on a dark band (which OCR
    of a scan loses): only the figures' agreement says which column is which."""
    rng = random.Random(seed)
    pdf = _Pdf()
    seller, buyer = rng.choice(_TRADERS), rng.choice(_CUSTOMERS)
    pdf.text(20, 18, seller, bold=True, size=13)
    pdf.text(20, 30, "Bill To:", bold=True)
    pdf.text(20, 36, buyer)
    pdf.text(150, 18, "INVOICE", bold=True, size=14)
    fpdf = pdf.pdf
    fpdf.set_fill_color(45, 45, 45)
    fpdf.rect(18, 52, 178, 8, style="F")
    fpdf.set_text_color(255, 255, 255)
    xs = (20, 110, 140, 172)
    for x, title in zip(xs, ("Item", "Quantity", "Rate", "Amount"), strict=True):
        pdf.text(x, 57.5, title, bold=True)
    fpdf.set_text_color(0, 0, 0)
    services = rng.sample(("Service A", "Engine tune-up", "Window cleaning", "Site survey"), 2)
    items: list[dict[str, Any]] = []
    y, subtotal = 70.0, Decimal(0)
    for service in services:
        quantity = Decimal(rng.randint(1, 15))
        price = Decimal(rng.randint(100, 5000)) / 100
        amount = quantity * price
        subtotal += amount
        for x, text in zip(
            xs, (service, str(quantity), f"${price:.2f}", f"${amount:.2f}"), strict=True
        ):
            pdf.text(x, y, text, size=11)
        pdf.text(20, y + 6, f"Notes: {rng.choice(('Replaced part', 'Removed debris'))}")
        items.append(
            {
                "description": service,
                "quantity": str(quantity),
                "unit_price": f"{price:.2f}",
                "amount": f"{amount:.2f}",
            }
        )
        y += 16
    pdf.text(130, y + 4, "Subtotal:")
    pdf.text(172, y + 4, f"${subtotal:.2f}")
    pdf.text(130, y + 11, "Total:", bold=True)
    pdf.text(172, y + 11, f"${subtotal:.2f}", bold=True)
    return GeneratedDocument("invoice", "en", pdf.bytes(), {"line_items": items})


def glued_columns_invoice(seed: int = 0) -> GeneratedDocument:
    """A Vietnamese invoice whose right-aligned quantity column ends where the left-aligned
    unit price column starts, so each line's quantity and price touch (`17755.000`)."""
    rng = random.Random(seed)
    pdf = _Pdf()
    pdf.centre(18, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG", bold=True, size=13)
    pdf.text(20, 30, "Đơn vị bán hàng: CÔNG TY TNHH THƯƠNG MẠI BÌNH AN")
    pdf.text(20, 36, f"Mã số thuế: {mst(rng)}")
    for x, title in ((12, "STT"), (25, "Tên hàng hóa, dịch vụ"), (88, "ĐVT"), (103, "Số lượng"),
                     (125, "Đơn giá"), (165, "Thành tiền")):  # fmt: skip
        pdf.text(x, 50, title, bold=True)
    goods = rng.sample(("Giấy A4 Double A", "Mực in HP 12A", "Bút bi Thiên Long", "Kẹp giấy"), 3)
    items: list[dict[str, Any]] = []
    y, subtotal = 58.0, 0
    for number, good in enumerate(goods, start=1):
        quantity, price = rng.randint(11, 40), rng.randint(12, 99) * 5000
        amount = quantity * price
        subtotal += amount
        pdf.text(13, y, str(number))
        pdf.text(25, y, good)
        pdf.text(88, y, "Hộp")
        pdf.right(124.2, y, str(quantity))
        pdf.text(124.3, y, f"{price:,}".replace(",", "."))
        pdf.right(190, y, f"{amount:,}".replace(",", "."))
        items.append({"quantity": str(quantity), "unit_price": str(price), "amount": str(amount)})
        y += 7
    pdf.text(100, y + 5, "Cộng tiền hàng:")
    pdf.right(190, y + 5, f"{subtotal:,}".replace(",", "."))
    return GeneratedDocument("invoice", "vi", pdf.bytes(), {"line_items": items})


def vietnamese_one_unit_invoice(seed: int = 0) -> GeneratedDocument:
    """A Vietnamese e-invoice numbering its columns `(1) … (6 = 4 x 5)` over a one-unit line
    of small repeated figures (`1  3  1  3  3`), which is a line item, not more numbering."""
    rng = random.Random(seed)
    pdf = _Pdf()
    seller_tax = mst(rng)
    pdf.centre(18, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG", bold=True, size=13)
    pdf.text(20, 30, "Đơn vị bán hàng: CÔNG TY TNHH NƯỚC SẠCH HÀ ĐÔNG")
    pdf.text(20, 36, f"Mã số thuế: {seller_tax}")
    pdf.text(20, 46, f"Họ tên người mua hàng: {person(rng)}")
    header = (
        (12, "STT"),
        (40, "Tên hàng hóa, dịch vụ"),
        (95, "Đơn vị tính"),
        (122, "Số lượng"),
        (148, "Đơn giá"),
        (172, "Thành tiền"),
    )
    for x, title in header:
        pdf.text(x, 62, title, bold=True)
    numbers = ("(1)", "(2)", "(3)", "(4)", "(5)", "(6 = 4 x 5)")
    for (x, _), label in zip(header, numbers, strict=True):
        pdf.text(x + 2, 68, label)
    figure = str(rng.randint(1, 9))
    for x, text in ((13, "1"), (42, figure), (130, "1"), (155, figure), (180, figure)):
        pdf.text(x, 75, text)
    pdf.text(95, 86, "Cộng tiền hàng:")
    pdf.text(180, 86, figure)
    pdf.text(95, 93, "Tổng tiền thanh toán:")
    pdf.text(180, 93, figure)
    pdf.text(30, 110, "Người mua hàng")
    pdf.text(140, 110, "Người bán hàng")
    provider = rng.choice(("Tập đoàn Công nghiệp - Viễn thông Quân đội", "Công ty CP MISA"))
    pdf.text(12, 140, f"Đơn vị cung cấp dịch vụ Hóa đơn điện tử: {provider}, MST: {mst(rng)}")
    fields = {
        "seller": {"tax_id": seller_tax},
        "buyer": {"tax_id": None},
        "line_items": [
            {"description": figure, "quantity": "1", "unit_price": figure, "amount": figure}
        ],
    }
    return GeneratedDocument("invoice", "vi", pdf.bytes(), fields)
