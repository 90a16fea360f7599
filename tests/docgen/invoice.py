"""Invoices, Vietnamese (Decree 123 layout) and English, with varied labels and placement."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.docgen.common import (
    _COMPANIES_EN,
    _COMPANIES_VI,
    _GOODS,
    _GOODS_EN,
    CORPUS_TODAY,
    GeneratedDocument,
    _Pdf,
    _s,
    address,
    en_amount,
    mst,
    person,
    some_date,
    vietnamese_words,
    vn_amount,
)

# --- invoices --------------------------------------------------------------------------


# Deliberate faults a compliance rule must catch, as a careless or dishonest supplier makes
# them: a total that is not subtotal + VAT (its words agreeing with the wrong total), a seller
# tax code with a wrong check digit, words that state another amount (Vietnamese invoices
# print them), an issue date after FAULT_TODAY. The truth is what is printed.
FAULTS = ("total", "tax_code", "words", "future")
FAULT_TODAY = CORPUS_TODAY
# How invoices print the way they are paid, and what the record says for each.
PAYMENT_METHODS = {
    "TM/CK": "cash_or_transfer",
    "Chuyển khoản": "transfer",
    "Tiền mặt": "cash",
    "TM": "cash",
    "CK": "transfer",
}


def invoice(
    seed: int = 0,
    *,
    language: str = "vi",
    fault: str | None = None,
    number_legible: bool = True,
) -> GeneratedDocument:
    """An invoice; with `fault`, the same invoice (same random draws) carrying that fault.
    Without `number_legible`, the same invoice whose number (`Số`) is covered by an ink blot,
    as on a stamped or smudged copy: the truth's number is then null."""
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"no fault {fault!r}; faults: {', '.join(FAULTS)}")
    if fault == "words" and language != "vi":
        raise ValueError("only Vietnamese invoices print the amount in words")
    if not number_legible and language != "vi":
        raise ValueError("only Vietnamese invoices can have their number blotted")
    rng = random.Random(f"invoice-{language}-{seed}")
    if language == "vi":
        return _invoice_vi(rng, fault, number_legible=number_legible)
    return _invoice_en(rng, fault)


def _wrong_check_digit(tax_id: str) -> str:
    return tax_id[:-1] + str((int(tax_id[-1]) + 1) % 10)


def _future(issued: date) -> date:
    return FAULT_TODAY + timedelta(days=10 + issued.toordinal() % 20)


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


def _invoice_vi(
    rng: random.Random, fault: str | None = None, *, number_legible: bool = True
) -> GeneratedDocument:
    pdf = _Pdf()
    issued = some_date(rng)
    if fault == "future":
        issued = _future(issued)
    series = f"{rng.choice('CK')}{issued.year % 100:02d}T{rng.choice('ABCDE')}{rng.choice('AEKM')}"
    number = f"{rng.randint(1, 99999):07d}"
    rate = rng.choice([Decimal(8), Decimal(10), Decimal(5)])
    seller = {
        "name": rng.choice(_COMPANIES_VI),
        "tax_id": mst(rng),
        "address": address(rng),
        "bank_account": str(rng.randint(10**11, 10**13)),
    }
    if fault == "tax_code":
        seller["tax_id"] = _wrong_check_digit(seller["tax_id"])
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
    total = subtotal + vat + (Decimal(1000) if fault == "total" else 0)

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
        vx, vy = (hx, y + 4.5) if below else (hx + pdf.pdf.get_string_width(label_text) + 2, y)
        if offset == 2 and not number_legible:  # the number, after form and series
            pdf.blot(vx - 1, vy - 4, 24, 5.5)
        else:
            pdf.text(vx, vy, value, bold=True)
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
    paid = rng.choice(["TM/CK", "Chuyển khoản", "Tiền mặt"])
    pdf.text(15, y + 24, f"Hình thức thanh toán: {paid}")

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
    words = vietnamese_words(int(total) + (100000 if fault == "words" else 0))
    pdf.text(15, y + 18, f"Số tiền viết bằng chữ: {words}")
    pdf.text(30, y + 32, "Người mua hàng", bold=True)
    pdf.text(140, y + 32, "Người bán hàng", bold=True)

    fields = {
        "invoice_number": number if number_legible else None,
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
        "payment_method": PAYMENT_METHODS[paid],
        "exchange_rate": None,
    }
    return GeneratedDocument("invoice", "vi", pdf.bytes(), fields)


def _invoice_en(rng: random.Random, fault: str | None = None) -> GeneratedDocument:
    pdf = _Pdf()
    issued = some_date(rng)
    if fault == "future":
        issued = _future(issued)
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
    if fault == "tax_code":
        seller["tax_id"] = _wrong_check_digit(seller["tax_id"])
    buyer = {
        "name": rng.choice([c for c in _COMPANIES_EN if c != seller["name"]]),
        "tax_id": mst(rng),
        "address": f"{rng.randint(1, 99)} King Road, London",
        "bank_account": None,
    }
    items = _lines(rng, _GOODS_EN, cents=True)
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = (subtotal * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    total = subtotal + vat + (Decimal(10) if fault == "total" else 0)

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
        "payment_method": None,
        "exchange_rate": None,
    }
    return GeneratedDocument("invoice", "en", pdf.bytes(), fields)
