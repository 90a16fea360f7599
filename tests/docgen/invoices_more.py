"""Twelve more invoice layouts (six per language) drawn from one renderer and a style table.

Each layout fixes what a supplier's template fixes — where the header and the parties sit,
whether the parties are labelled, in prose blocks, side by side or in a grid, the order and
names of the table's columns (per-line VAT, a column-number row `1 2 3 4 5 6=4x5`), ruled,
gridded, shaded or bare tables, where the totals go — while the label wording is drawn per
seed from lexicons of synonyms in both languages. The truth follows the conventions written
at the head of `tests.docgen.holdout`; a value not printed is null.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tests.docgen.common import GeneratedDocument, vietnamese_words
from tests.docgen.holdout import (
    _FOREIGN_BUYERS,
    _SG_BUYERS,
    _SG_SELLERS,
    _UK_COMPANIES,
    _US_BUYERS,
    _US_SELLERS,
    _VN_EXPORTERS,
    _en_items,
    _en_money,
    _invoice_fields,
    _Page,
    _round,
    _sg_date,
    _uk_date,
    _us_date,
    _vi_invoice_parties,
    _vi_items,
    _vn_num,
    mst,
)


@dataclass(frozen=True)
class InvoiceStyle:
    face: str  # sans, serif, cond
    header: str  # centre, left, banner, letterhead
    meta: str  # beside (label value), below (value under label), box (a grid)
    parties: str  # stacked, side, grid, letterhead, footer
    columns: tuple[str, ...]  # no, desc, unit, qty, price, amount, rate, tax, gross
    table: str  # grid, rules, plain, shaded
    numbers_row: bool  # the `1 2 3 4 5 6=4x5` row under the headings
    totals: str  # right, left, grid
    rates: str  # one (one rate for the invoice), multi (several rates, per line)
    words: bool
    payment: bool


STYLES: dict[str, InvoiceStyle] = {
    "vi_lexicon_grid": InvoiceStyle(
        "sans", "centre", "beside", "stacked",
        ("no", "desc", "unit", "qty", "price", "amount"),
        "grid", True, "grid", "one", True, True,
    ),
    "vi_multirate_rules": InvoiceStyle(
        "cond", "letterhead", "below", "letterhead",
        ("no", "desc", "unit", "qty", "price", "amount", "rate", "tax"),
        "rules", True, "right", "multi", True, False,
    ),
    "vi_side_plain": InvoiceStyle(
        "serif", "banner", "beside", "side",
        ("desc", "qty", "unit", "price", "amount"),
        "plain", False, "left", "one", False, True,
    ),
    "vi_party_grid": InvoiceStyle(
        "sans", "left", "box", "grid",
        ("no", "desc", "unit", "qty", "price", "amount", "rate"),
        "shaded", False, "right", "one", True, False,
    ),
    "vi_price_first": InvoiceStyle(
        "cond", "centre", "below", "stacked",
        ("no", "desc", "unit", "price", "qty", "amount"),
        "rules", False, "right", "one", False, True,
    ),
    "vi_gross_column": InvoiceStyle(
        "serif", "centre", "box", "stacked",
        ("no", "desc", "unit", "qty", "price", "amount", "rate", "tax", "gross"),
        "grid", True, "grid", "multi", True, True,
    ),
    "en_letterhead": InvoiceStyle(
        "sans", "letterhead", "beside", "letterhead",
        ("desc", "qty", "price", "amount"),
        "rules", False, "right", "one", False, False,
    ),
    "en_side_grid": InvoiceStyle(
        "serif", "left", "box", "side",
        ("no", "desc", "qty", "unit", "price", "amount"),
        "grid", False, "grid", "one", False, False,
    ),
    "en_vat_column": InvoiceStyle(
        "cond", "banner", "beside", "grid",
        ("desc", "qty", "price", "rate", "amount"),
        "shaded", False, "right", "multi", False, False,
    ),
    "en_qty_first": InvoiceStyle(
        "sans", "banner", "below", "stacked",
        ("qty", "desc", "price", "amount"),
        "plain", False, "left", "one", False, False,
    ),
    "en_footer_seller": InvoiceStyle(
        "serif", "left", "beside", "footer",
        ("desc", "qty", "price", "amount"),
        "shaded", False, "right", "one", False, False,
    ),
    "en_export_grid": InvoiceStyle(
        "sans", "centre", "box", "stacked",
        ("no", "desc", "unit", "qty", "price", "amount"),
        "grid", True, "grid", "one", False, False,
    ),
}  # fmt: skip

LAYOUTS: dict[str, tuple[str, ...]] = {
    "vi": tuple(name for name in STYLES if name.startswith("vi_")),
    "en": tuple(name for name in STYLES if name.startswith("en_")),
}

# --- lexicons: one synonym is drawn per document -----------------------------------------

_VI = {
    "title": ["HÓA ĐƠN GIÁ TRỊ GIA TĂNG", "HÓA ĐƠN GTGT", "HÓA ĐƠN GIÁ TRỊ GIA TĂNG (VAT INVOICE)"],
    "form": ["Mẫu số:", "Mẫu số (Form):", "Mẫu số hóa đơn:"],
    "series": ["Ký hiệu:", "Ký hiệu (Serial):", "Ký hiệu hóa đơn:"],
    "number": ["Số:", "Số hóa đơn:", "Số (No.):"],
    "seller": ["Đơn vị bán hàng:", "Tên người bán:", "Người bán:", "Đơn vị bán:"],
    "buyer": ["Tên đơn vị:", "Đơn vị mua hàng:", "Người mua:", "Khách hàng:", "Tên người mua:"],
    "contact": ["Họ tên người mua hàng:", "Người mua hàng:", "Người liên hệ:"],
    "tax": ["Mã số thuế:", "MST:", "Mã số thuế (Tax code):"],
    "address": ["Địa chỉ:", "Địa chỉ (Address):", "Đ/c:"],
    "bank": ["Số tài khoản:", "STK:", "Tài khoản số:"],
    "payment": ["Hình thức thanh toán:", "HTTT:", "Hình thức TT:"],
    "no": ["STT", "TT", "Số TT"],
    "desc": ["Tên hàng hóa, dịch vụ", "Hàng hóa, dịch vụ", "Diễn giải", "Tên hàng"],
    "unit": ["Đơn vị tính", "ĐVT", "Đ.vị"],
    "qty": ["Số lượng", "SL", "Khối lượng"],
    "price": ["Đơn giá", "Giá bán", "Đơn giá (VNĐ)"],
    "amount": ["Thành tiền", "Thành tiền chưa thuế", "Tiền hàng"],
    "rate": ["Thuế suất", "TS GTGT", "Thuế suất GTGT"],
    "tax_col": ["Tiền thuế", "Tiền thuế GTGT", "Thuế GTGT"],
    "gross": ["Thành tiền sau thuế", "Tổng cộng", "Cộng"],
    "subtotal": ["Cộng tiền hàng:", "Tổng tiền chưa thuế:", "Cộng tiền hàng hóa, dịch vụ:"],
    "vat": ["Tiền thuế GTGT:", "Tổng tiền thuế:", "Thuế GTGT:"],
    "total": ["Tổng cộng tiền thanh toán:", "Tổng tiền thanh toán:", "Tổng cộng:"],
    "words": ["Số tiền viết bằng chữ:", "Bằng chữ:", "Số tiền bằng chữ:"],
}
_EN = {
    "title": ["INVOICE", "TAX INVOICE", "Invoice", "COMMERCIAL INVOICE"],
    "number": ["Invoice No.:", "Invoice #", "Invoice Number:", "Invoice no:"],
    "date": ["Date:", "Invoice Date:", "Date of issue:", "Issued:"],
    "due": ["Due Date:", "Payment due:", "Due:"],
    "po": ["PO Number:", "Your order:", "P.O. #", "Purchase Order:"],
    "seller": ["From", "Seller", "Supplier", "Vendor"],
    "buyer": ["Bill to", "Sold to", "Invoice to", "Customer", "Billed to"],
    "tax": ["VAT No:", "VAT Reg. No.:", "Tax ID:", "VAT ID:"],
    "no": ["#", "No.", "Item"],
    "desc": ["Description", "Item", "Details", "Service"],
    "unit": ["Unit", "UoM"],
    "qty": ["Qty", "Quantity", "Units"],
    "price": ["Unit Price", "Rate", "Price", "Unit cost"],
    "amount": ["Amount", "Line Total", "Net", "Total"],
    "rate": ["VAT %", "VAT rate", "Tax %"],
    "subtotal": ["Subtotal", "Net total", "Sub-total", "Total net"],
    "vat": ["VAT", "Tax", "Sales tax"],
    "total": ["Total", "Amount due", "Balance due", "Total due", "Grand total"],
}
_WIDTHS = {
    "no": 10, "unit": 17, "qty": 17, "price": 26, "amount": 29, "rate": 15, "tax": 25,
    "gross": 29,
}  # fmt: skip
_EU = [
    ("Nordlicht Maschinenbau GmbH", "Industriestrasse 12, 70565 Stuttgart, Germany", "DE"),
    ("Van der Berg Logistics B.V.", "Keizersgracht 221, 1016 DV Amsterdam, Netherlands", "NL"),
    ("Atelier Lumière SARL", "14 rue de la Paix, 75002 Paris, France", "FR"),
    ("Brightwave Media Ltd", "Unit 4, Riverside Works, Salford M5 4WT", "GB"),
]


def _digits(rng: random.Random, count: int) -> list[int]:
    return [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(count - 1)]


def _eu_vat(rng: random.Random, country: str) -> tuple[str, str]:
    """An EU/UK VAT number whose check digits hold, as printed (grouped) and as the record
    keeps it (SCHEMA: country prefix, no spaces)."""
    if country == "DE":  # ISO 7064 MOD 11,10 over eight digits
        while True:
            body, product = _digits(rng, 8), 10
            for digit in body:
                total = (digit + product) % 10 or 10
                product = 2 * total % 11
            check = (11 - product) % 10
            number = "".join(map(str, body)) + str(check)
            if (11 - product) != 10:
                break
    elif country == "GB":  # weights 8..2, the last two digits bring the sum to a multiple of 97
        body = _digits(rng, 7)
        total = sum(w * d for w, d in zip(range(8, 1, -1), body, strict=True))
        number = "".join(map(str, body)) + f"{-total % 97:02d}"
    elif country == "NL":  # the 11-test over nine digits, then the B01 suffix
        while True:
            body = _digits(rng, 8)
            check = sum(w * d for w, d in zip(range(9, 1, -1), body, strict=True)) % 11
            if check < 10:
                break
        number = "".join(map(str, body)) + f"{check}B{rng.randint(1, 3):02d}"
        return f"NL{number}", f"NL{number}"
    else:  # FR: a key from the Luhn-valid SIREN
        while True:
            siren = _digits(rng, 9)
            luhn = sum(
                d if i % 2 == 0 else (2 * d - 9 if d > 4 else 2 * d) for i, d in enumerate(siren)
            )
            if luhn % 10 == 0:
                break
        digits = "".join(map(str, siren))
        key = f"{(12 + 3 * (int(digits) % 97)) % 97:02d}"
        return f"FR {key} {digits}", f"FR{key}{digits}"
    return f"{country} {number[:3]} {number[3:6]} {number[6:]}", f"{country}{number}"


# --- the renderer -----------------------------------------------------------------------


def invoice(layout: str, seed: int) -> GeneratedDocument:
    style = STYLES[layout]
    rng = random.Random(f"more-invoice-{layout}-{seed}")
    if layout.startswith("vi_"):
        return _vi(rng, style)
    return _en(rng, style, layout)


def _pick(rng: random.Random, lexicon: dict[str, list[str]]) -> dict[str, str]:
    return {key: rng.choice(words) for key, words in lexicon.items()}


def _rates(
    rng: random.Random, items: list[dict[str, Any]], style: InvoiceStyle, choices: list[int]
) -> str | None:
    """Sets each line's rate when the table prints one; the invoice's rate, or None when
    lines carry different rates."""
    if style.rates == "multi":
        distinct = rng.sample(choices, 2)
        for index, item in enumerate(items):
            item["vat_rate"] = str(distinct[index % 2] if index < 2 else rng.choice(distinct))
        if len({item["vat_rate"] for item in items}) > 1:
            return None
        return items[0]["vat_rate"]
    rate = str(rng.choice(choices))
    if "rate" in style.columns:
        for item in items:
            item["vat_rate"] = rate
    return rate


def _line_tax(items: list[dict[str, Any]], rate: str | None, places: str) -> Decimal:
    if items[0]["vat_rate"] is not None:
        return sum(
            (_round(i["amount"] * Decimal(i["vat_rate"]) / 100, places) for i in items), Decimal(0)
        )
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    return _round(subtotal * Decimal(rate or 0) / 100, places)


def _table(
    p: _Page,
    style: InvoiceStyle,
    heads: dict[str, str],
    items: list[dict[str, Any]],
    money: Any,
    places: str,
) -> None:
    fixed = sum(_WIDTHS[c] for c in style.columns if c != "desc")
    shrink = min(1.0, 125 / fixed)  # a wide table narrows its figures, not the description
    edges = [15.0]
    for column in style.columns:
        width = 180 - fixed * shrink if column == "desc" else _WIDTHS[column] * shrink
        edges.append(edges[-1] + width)
    titles = {**heads, "tax": heads.get("tax_col", "Tax")}
    rows: list[list[str]] = [[titles[c] for c in style.columns]]
    if style.numbers_row:
        numbers, at = [], {}
        for index, column in enumerate(style.columns, start=1):
            at[column] = index
            label = str(index)
            if column == "amount" and "qty" in at and "price" in at:
                label = f"{index}={at['qty']}x{at['price']}"
            elif column == "tax" and "amount" in at and "rate" in at:
                label = f"{index}={at['amount']}x{at['rate']}"
            elif column == "gross" and "amount" in at and "tax" in at:
                label = f"{index}={at['amount']}+{at['tax']}"
            numbers.append(label)
        rows.append(numbers)
    for number, item in enumerate(items, start=1):
        tax = _round(item["amount"] * Decimal(item["vat_rate"] or 0) / 100, places)
        cells = {
            "no": str(number),
            "desc": item["description"],
            "unit": item["unit"] or "",
            "qty": money(item["quantity"], quantity=True),
            "price": money(item["unit_price"]),
            "amount": money(item["amount"]),
            "rate": f"{item['vat_rate']}%",
            "tax": money(tax),
            "gross": money(item["amount"] + tax),
        }
        rows.append([cells[c] for c in style.columns])
    aligns = "".join(
        "l" if c in ("desc", "unit") else "c" if c == "no" else "r" for c in style.columns
    )
    header_rows = (0, 1) if style.numbers_row else (0,)
    p.y = (
        p.table(
            edges,
            p.y,
            rows,
            aligns,
            size=8.5,
            bold_rows=(0,),
            italic_rows=(1,) if style.numbers_row else (),
            grid=style.table == "grid",
            rules=style.table in ("rules", "shaded"),
            shade_rows=header_rows if style.table == "shaded" else (),
        )
        + 6
    )


def _totals(p: _Page, style: InvoiceStyle, rows: list[tuple[str, str]]) -> None:
    if style.totals == "grid":
        p.y = (
            p.table(
                [110, 160, 195],
                p.y - 3,
                [list(r) for r in rows],
                "lr",
                size=9,
                bold_rows=(len(rows) - 1,),
            )
            + 6
        )
        return
    x = 120 if style.totals == "right" else 15
    for index, (label, value) in enumerate(rows):
        bold = index == len(rows) - 1
        p.put(x, p.y, label, 9.5, bold=bold)
        p.put_right(195 if style.totals == "right" else 110, p.y, value, 9.5, bold=bold)
        p.y += 5.5
    p.y += 2


def _party_lines(
    p: _Page,
    x: float,
    width: float,
    heading: str | None,
    party: dict[str, Any],
    labels: dict[str, str],
    *,
    inline: bool,
) -> None:
    """A party as a block of labelled lines from the cursor; `inline` puts the heading
    before the name on one line (`Đơn vị bán hàng: CÔNG TY …`)."""
    if heading and inline:
        p.y = p.labelled(x, p.y, heading, party["name"], width, 9.5, value_bold=True) + 5
    else:
        if heading:
            p.put(x, p.y, heading, 9.5, bold=True)
            p.y += 5
        p.y = p.para(x, p.y, party["name"], width, 9.5, bold=not heading) + 5
    if party.get("tax_printed"):
        p.put(x, p.y, f"{labels['tax']} {party['tax_printed']}", 9.5)
        p.y += 5
    if party["address"] and "address" in labels:
        p.y = p.labelled(x, p.y, labels["address"], party["address"], width, 9.5) + 5
    elif party["address"]:  # English blocks print the address bare under the name
        p.y = p.para(x, p.y, party["address"], width, 9.5) + 5
    if party.get("bank_account"):
        p.put(x, p.y, f"{labels['bank']} {party['bank_account']}", 9.5)
        p.y += 5


def _parties(
    p: _Page,
    style: InvoiceStyle,
    labels: dict[str, str],
    seller: dict[str, Any],
    buyer: dict[str, Any],
    grid_heads: tuple[str, str, str, str, str],
    contact: str | None = None,
) -> None:
    """The seller and buyer blocks as the style places them (letterhead: the seller is
    already printed at the top; footer: the seller is printed at the foot)."""
    if style.parties in ("stacked", "letterhead", "footer"):
        if style.parties == "stacked":
            _party_lines(
                p, 15, 180, labels["seller"], seller, labels, inline=":" in labels["seller"]
            )
            p.hline(15, p.y - 2.5, 195)
            p.y += 3
        if contact:
            p.put(15, p.y, f"{labels['contact']} {contact}", 9.5)
            p.y += 5
        _party_lines(p, 15, 180, labels["buyer"], buyer, labels, inline=":" in labels["buyer"])
    elif style.parties == "side":
        top = p.y
        p.y = top
        _party_lines(p, 15, 85, labels["seller"].rstrip(":"), seller, labels, inline=False)
        left = p.y
        p.y = top
        _party_lines(p, 110, 85, labels["buyer"].rstrip(":"), buyer, labels, inline=False)
        p.y = max(left, p.y)
    else:  # a grid: one column per party, one row per kind of value
        corner, seller_head, buyer_head, name, tax = grid_heads
        rows = [[corner, seller_head, buyer_head], [name, seller["name"], buyer["name"]]]
        rows.append([tax, seller.get("tax_printed") or "", buyer.get("tax_printed") or ""])
        where = labels.get("address", "Address").rstrip(":")
        rows.append([where, seller["address"] or "", buyer["address"] or ""])
        if seller.get("bank_account") or buyer.get("bank_account"):
            bank = labels.get("bank", "Bank account").rstrip(":")
            rows.append([bank, seller.get("bank_account") or "", buyer.get("bank_account") or ""])
        p.y = p.table([15, 45, 120, 195], p.y - 3, rows, "lll", size=8.5, bold_rows=(0,)) + 5
    p.y += 4


def _meta(p: _Page, style: InvoiceStyle, pairs: list[tuple[str, str]], x: float, y: float) -> float:
    """Label/value pairs of the invoice's identity; returns the y below them."""
    if style.meta == "box":
        x = min(x, 128)
        return p.table([x, x + 34, 195], y - 3, [list(pair) for pair in pairs], "ll", size=8.5)
    for label, value in pairs:
        p.put(x, y, label, 9)
        if style.meta == "below":
            p.put(x, y + 4.2, value, 9.5, bold=True)
            y += 9.5
        else:
            p.put(x + p.width(label, 9) + 2, y, value, 9.5, bold=True)
            y += 5
    return y


def _vi(rng: random.Random, style: InvoiceStyle) -> GeneratedDocument:
    p = _Page(style.face)
    labels = _pick(rng, _VI)
    c = _vi_invoice_parties(rng)
    seller, buyer, issued = dict(c["seller"]), dict(c["buyer"]), c["issued"]
    for party in (seller, buyer):
        party["tax_printed"] = party["tax_id"]
    number = f"{rng.randint(1, 99999):0{rng.choice([7, 8])}d}"
    together = rng.random() < 0.4  # `Ký hiệu: 1C26TAA` rather than form and series apart
    items = _vi_items(rng, rng.randint(2, 5))
    rate = _rates(rng, items, style, [5, 8, 10])
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = _line_tax(items, rate, "1")
    total = subtotal + vat
    words = vietnamese_words(int(total)) if style.words else None
    paid = rng.choice(["TM/CK", "Chuyển khoản", "CK", "TM"]) if style.payment else None
    if not style.words:  # the currency is still printed: on the price heading
        labels["price"] = "Đơn giá (VNĐ)"

    d, m, y = issued.day, issued.month, issued.year
    dated = rng.choice(
        [
            f"Ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}",
            f"Ngày (Date) {d:02d} tháng (month) {m:02d} năm (year) {y}",
            f"Ngày lập: {issued.day:02d}/{issued.month:02d}/{issued.year}",
        ]
    )
    ident = (
        [(labels["series"], f"1{c['series']}"), (labels["number"], number)]
        if together
        else [(labels["form"], "1"), (labels["series"], c["series"]), (labels["number"], number)]
    )
    if style.header == "letterhead":
        p.para(15, 16, seller["name"], 120, 11, bold=True)
        p.put(15, 27, f"{labels['tax']} {seller['tax_printed']}", 9)
        p.para(15, 32, f"{labels['address']} {seller['address']}", 120, 9)
        if seller["bank_account"]:
            p.put(15, 42, f"{labels['bank']} {seller['bank_account']}", 9)
        _meta(p, style, ident, 150, 16)
        p.hline(15, 46, 195, 0.4)
        p.put_centre(105, 55, labels["title"], 14, bold=True)
        p.put_centre(105, 61, dated, 9.5, italic=True)
        p.y = 72
    elif style.header == "banner":
        p.shade(15, 12, 180, 12, 215)
        p.put(18, 20, labels["title"], 13, bold=True)
        p.put_right(192, 20, dated, 9)
        p.y = _meta(p, style, ident, 15, 32) + 6
    elif style.header == "left":
        p.put(15, 18, labels["title"], 14, bold=True)
        p.put(15, 25, dated, 9.5, italic=True)
        p.y = max(34.0, _meta(p, style, ident, 125, 16) + 6)
    else:  # centre, identity right
        cx = 70 if style.meta == "box" else 95  # clear of the identity box
        p.put_centre(cx, 20, labels["title"], 13, bold=True)
        p.put_centre(cx, 27, dated, 9.5, italic=True)
        p.y = max(38.0, _meta(p, style, ident, 152, 14) + 4)
    heads = ("", "Bên bán (Seller)", "Bên mua (Buyer)", "Tên đơn vị", labels["tax"].rstrip(":"))
    _parties(p, style, labels, seller, buyer, heads, c["contact"])
    if paid:
        p.put(15, p.y - 3, f"{labels['payment']} {paid}", 9.5)
        p.y += 5
    _table(p, style, labels, items, lambda v, quantity=False: _vn_num(v), "1")
    rows = [(labels["subtotal"], _vn_num(subtotal))]
    if rate is not None and "rate" not in style.columns:
        rows.append((f"Thuế suất GTGT: {rate}%", ""))
    rows += [(labels["vat"], _vn_num(vat)), (labels["total"], _vn_num(total))]
    rows = [r for r in rows if r[1]] if style.totals == "grid" else rows
    if rate is not None and "rate" not in style.columns and style.totals == "grid":
        p.put(15, p.y, f"Thuế suất GTGT: {rate}%", 9.5)
    _totals(p, style, rows)
    if words:
        p.y = p.labelled(15, p.y, labels["words"], words, 180, 9.5) + 10
    p.need(20)
    p.put_centre(50, p.y, "Người mua hàng", 9.5, bold=True)
    p.put_centre(155, p.y, "Người bán hàng", 9.5, bold=True)
    p.put_centre(155, p.y + 5, "(Ký, ghi rõ họ tên)", 8.5, italic=True)
    for party in (seller, buyer):
        party.pop("tax_printed")
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
        rate=rate,
        words=words,
        paid=paid,
    )
    return GeneratedDocument("invoice", "vi", p.bytes(), fields)


def _en(rng: random.Random, style: InvoiceStyle, layout: str) -> GeneratedDocument:
    p = _Page(style.face)
    labels = _pick(rng, _EN)
    issued = date(2026, 1, 5) + timedelta(days=rng.randint(0, 300))
    # Who trades, in what currency, with which tax ids and date style.
    if layout == "en_export_grid":
        name, addr = rng.choice(_VN_EXPORTERS)
        seller = {"name": name, "address": addr, "tax_id": mst(rng), "tax_printed": None}
        seller["tax_printed"] = seller["tax_id"]
        labels["tax"] = "Tax code (MST):"
        bname, baddr, _ = rng.choice(_FOREIGN_BUYERS)
        buyer = {"name": bname, "address": baddr, "tax_id": None, "tax_printed": None}
        currency, symbol, when = "USD", "USD ", _uk_date
    elif layout in ("en_vat_column", "en_letterhead"):
        (sname, saddr, scc), (bname, baddr, bcc) = rng.sample(_EU, 2)
        sp, sk = _eu_vat(rng, scc)
        seller = {"name": sname, "address": saddr, "tax_id": sk, "tax_printed": sp}
        if rng.random() < 0.5:
            bp, bk = _eu_vat(rng, bcc)
        else:
            bp = bk = None
        buyer = {"name": bname, "address": baddr, "tax_id": bk, "tax_printed": bp}
        currency, symbol = ("GBP", "£") if scc == "GB" else ("EUR", "€")
        when = _uk_date
    elif layout == "en_qty_first":
        (sname, saddr), (bname, baddr) = rng.choice(_SG_SELLERS), rng.choice(_SG_BUYERS)
        reg = f"{rng.randint(199000000, 202699999)}{rng.choice('KMNWZ')}"
        seller = {"name": sname, "address": saddr, "tax_id": reg, "tax_printed": reg}
        labels["tax"] = "GST Reg No:"
        buyer = {"name": bname, "address": baddr, "tax_id": None, "tax_printed": None}
        currency, symbol, when = "SGD", "S$", _sg_date
    elif layout == "en_side_grid":
        (sname, saddr), (bname, baddr) = rng.sample(_UK_COMPANIES, 2)
        sp, sk = _eu_vat(rng, "GB")
        seller = {"name": sname, "address": saddr, "tax_id": sk, "tax_printed": sp}
        buyer = {"name": bname, "address": baddr, "tax_id": None, "tax_printed": None}
        currency, symbol, when = "GBP", "£", _uk_date
    else:
        (sname, saddr), (bname, baddr) = rng.choice(_US_SELLERS), rng.choice(_US_BUYERS)
        seller = {"name": sname, "address": saddr, "tax_id": None, "tax_printed": None}
        buyer = {"name": bname, "address": baddr, "tax_id": None, "tax_printed": None}
        currency, symbol, when = "USD", "$", _us_date
    for party in (seller, buyer):
        party["bank_account"] = None
    number = rng.choice(
        [
            f"INV-{rng.randint(1000, 99999)}",
            f"{rng.randint(2026001, 2026999)}",
            f"A{rng.randint(100, 9999):05d}",
        ]
    )
    due = issued + timedelta(days=rng.choice([14, 30])) if rng.random() < 0.7 else None
    po = f"PO-{rng.randint(10000, 99999)}" if rng.random() < 0.5 else None
    items = _en_items(rng, rng.randint(2, 5), units="unit" in style.columns)
    choices = {"GBP": [20, 5], "EUR": [20, 10], "SGD": [9], "USD": [8, 10]}[currency]
    rate = _rates(rng, items, style, choices)
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    vat = _line_tax(items, rate, "0.01")
    total = subtotal + vat

    meta = [(labels["number"], number), (labels["date"], when(issued))]
    if due:
        meta.append((labels["due"], when(due)))
    if po:
        meta.append((labels["po"], po))
    if style.header == "letterhead":
        p.put(15, 18, seller["name"], 13, bold=True)
        p.y = p.para(15, 24, seller["address"], 95, 9) + 5
        if seller["tax_printed"]:
            p.put(15, p.y, f"{labels['tax']} {seller['tax_printed']}", 9)
        p.put_right(195, 18, labels["title"], 18, bold=True)
        p.y = max(p.y + 10, _meta(p, style, meta, 130, 28) + 6)
    elif style.header == "banner":
        p.shade(15, 12, 180, 13, 210)
        p.put(18, 21, labels["title"], 15, bold=True)
        p.y = _meta(p, style, meta, 15, 34) + 6
    elif style.header == "left":
        p.put(15, 20, labels["title"], 18, bold=True)
        p.y = max(32.0, _meta(p, style, meta, 120, 16) + 6)
    else:
        p.put_centre(105, 20, labels["title"], 16, bold=True)
        p.y = _meta(p, style, meta, 120, 30) + 6
    heads = ("", labels["seller"], labels["buyer"], "Name", labels["tax"].rstrip(":"))
    if style.parties == "footer":
        _party_lines(p, 15, 180, labels["buyer"], buyer, labels, inline=False)
        p.y += 4
    else:
        _parties(p, style, labels, seller, buyer, heads)
    money = lambda v, quantity=False: _en_money(v) if not quantity else f"{v:,}"  # noqa: E731
    _table(p, style, labels, items, money, "0.01")
    rate_text = f" ({rate}%)" if rate is not None else ""
    rows = [
        (labels["subtotal"], f"{symbol}{_en_money(subtotal)}"),
        (labels["vat"] + rate_text, f"{symbol}{_en_money(vat)}"),
        (f"{labels['total']} ({currency})", f"{symbol}{_en_money(total)}"),
    ]
    _totals(p, style, rows)
    if style.parties == "footer":
        p.need(20)
        p.hline(15, p.y, 195)
        line = f"Issued by {seller['name']} · {seller['address']}"
        p.y = p.para(15, p.y + 5, line, 180, 8.5) + 5
        p.put(15, p.y, "Thank you for your business.", 8.5, italic=True)
    for party in (seller, buyer):
        party.pop("tax_printed")
    fields = _invoice_fields(
        number=number,
        series=None,
        form=None,
        issued=issued,
        due=due,
        currency=currency,
        seller=seller,
        buyer=buyer,
        po=po,
        items=items,
        subtotal=subtotal,
        vat=vat,
        total=total,
        rate=rate,
        words=None,
    )
    return GeneratedDocument("invoice", "en", p.bytes(), fields)
