"""Is a generated document's truth what its page shows? Values looked up in the page's text
the ways documents print them (dates, money, months, words wrapped beside another column),
and per-type checks of a whole record; shared by the generator's own tests."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from tests.docgen import holdout

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def _flat(text: str) -> str:
    return " ".join(text.split())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def position(value: str, text: str) -> int | None:
    """Where `value` starts on the page, counted in words: as one run of text, or (wrapped,
    beside another column) its words in order within a short stretch; None when absent."""
    tokens, words = value.split(), _flat(text).split()
    window = len(tokens) * 4 + 12
    for start, word in enumerate(words):
        if word != tokens[0]:
            continue
        if words[start : start + len(tokens)] == tokens:
            return start
    for start, word in enumerate(words):
        if word != tokens[0]:
            continue
        at, found = start, 1
        for token in tokens[1:]:
            try:
                at = words.index(token, at + 1, start + window)
            except ValueError:
                break
            found += 1
        if found == len(tokens):
            return start
    return None


def printed(value: str, text: str) -> bool:
    return _flat(value) in _flat(text) or position(value, text) is not None


def standalone(form: str, text: str) -> bool:
    """`form` as a whole number or word: not part of a longer number."""
    return re.search(rf"(?<![\w.,]){re.escape(form)}(?![\w]|[.,]\d)", _flat(text)) is not None


def date_forms(iso: str) -> set[str]:
    d = date.fromisoformat(iso)
    name = MONTHS[d.month - 1]
    return {
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.day}/{d.month}/{d.year}",
        f"ngày {d.day:02d} tháng {d.month} năm {d.year}",
        f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}",
        f"{d.day:02d} tháng (month) {d.month:02d} năm (year) {d.year}",
        f"{d.day} tháng {d.month} năm {d.year}",
        f"{d.day} {name} {d.year}",
        f"{name} {d.day}, {d.year}",
        f"{name[:3]} {d.day}, {d.year}",
        f"{d.day:02d} {name[:3]} {d.year}",
    }


def date_printed(iso: str, text: str) -> bool:
    flat = _flat(text)
    flat = flat.lower()
    return any(form.lower() in flat for form in date_forms(iso))


def money_forms(value: str) -> set[str]:
    amount = Decimal(value)
    whole, _, fraction = value.partition(".")
    vietnamese = f"{int(whole):,}".replace(",", ".") + ("," + fraction if fraction else "")
    return {vietnamese, f"{amount:,.2f}", f"{amount:,}", value}


def money_printed(value: str, text: str) -> bool:
    return any(standalone(form, text) for form in money_forms(value))


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, min(day.day, 28))


def month_forms(ym: str) -> set[str]:
    year, month = int(ym[:4]), int(ym[5:])
    name = MONTHS[month - 1]
    return {f"{month:02d}/{year}", f"{name[:3]} {year}", f"{name} {year}"}


CURRENCY_MARKS = {
    "VND": ("VND", "VNĐ", "đồng"),
    "USD": ("USD", "$"),
    "EUR": ("EUR", "€"),
    "GBP": ("GBP", "£"),
    "SGD": ("SGD", "S$"),
}


def _check_invoice(f: dict[str, Any], text: str) -> None:
    flat, despaced = _flat(text), re.sub(r"\s", "", text)
    assert standalone(f["invoice_number"], text), f["invoice_number"]
    if f["invoice_series"]:
        together = f"{f['invoice_form']}{f['invoice_series']}"
        apart = re.search(rf"Mẫu số[^:]*:\s*{f['invoice_form']}\b", flat) and standalone(
            f["invoice_series"], text
        )
        assert together in flat or apart, together
    else:
        assert f["invoice_form"] is None
    assert date_printed(f["issue_date"], text), f["issue_date"]
    if f["due_date"]:
        assert date_printed(f["due_date"], text), f["due_date"]
    assert any(mark in flat for mark in CURRENCY_MARKS[f["currency"]]), f["currency"]
    for role in ("seller", "buyer"):
        party = f[role]
        assert printed(party["name"], text), party["name"]
        assert party["address"] is None or printed(party["address"], text), party["address"]
        assert party["tax_id"] is None or party["tax_id"] in despaced, party["tax_id"]
        assert party["bank_account"] is None or standalone(party["bank_account"], text)
    assert f["po_number"] is None or printed(f["po_number"], text), f["po_number"]
    assert f["line_items"]
    for item in f["line_items"]:
        assert printed(item["description"], text), item["description"]
        assert item["unit"] is None or printed(item["unit"], text), item["unit"]
        for key in ("quantity", "unit_price", "amount"):
            assert money_printed(item[key], text), (key, item[key])
        assert Decimal(item["quantity"]) * Decimal(item["unit_price"]) == Decimal(item["amount"])
        assert item["vat_rate"] is None or f"{item['vat_rate']}%" in flat
    for key in ("subtotal", "vat_amount", "total"):
        assert money_printed(f[key], text), (key, f[key])
    subtotal, vat, total = (Decimal(f[k]) for k in ("subtotal", "vat_amount", "total"))
    assert sum(Decimal(i["amount"]) for i in f["line_items"]) == subtotal
    assert subtotal + vat == total
    unit = Decimal(1) if f["currency"] == "VND" else Decimal("0.01")
    if f["vat_rate"] == "KCT":
        assert "KCT" in flat and vat == 0
    elif f["vat_rate"] is not None:
        assert f"{f['vat_rate']}%" in flat
        # tax worked out per line (each rounded) when the table has a rate column
        per_line = f["line_items"][0]["vat_rate"] is not None
        tolerance = unit * len(f["line_items"]) if per_line else unit / 2
        assert abs(subtotal * Decimal(f["vat_rate"]) / 100 - vat) <= tolerance
    else:
        rates = [i["vat_rate"] for i in f["line_items"]]
        assert None not in rates and len(set(rates)) > 1, "no invoice rate needs rates per line"
        expected = sum(Decimal(i["amount"]) * Decimal(i["vat_rate"]) / 100 for i in f["line_items"])
        assert abs(expected - vat) <= unit * len(rates)
    if f["amount_in_words"]:
        assert printed(f["amount_in_words"], text), f["amount_in_words"]
    assert f["tax_authority_code"] is None


_CLAUSE_WORDS = {
    "payment": r"thanh toán|payment|compensation",
    "confidentiality": r"bảo mật|confidential",
    "termination": r"chấm dứt|termination",
    "dispute_resolution": r"tranh chấp|dispute|jurisdiction|arbitration",
    "force_majeure": r"bất khả kháng|force majeure",
    "liability": r"bồi thường|liability",
    "warranty": r"bảo hành|warrant",
    "penalty": r"phạt|penalty",
    "governing_law": r"luật áp dụng|governing law",
}


_HEADING = re.compile(
    r"^\s*(?:(?:Điều|ĐIỀU|ARTICLE)\s+\d+\s*[.:–]\s*(.+)|\d+\.\s+([A-Z][A-Z ,]+)\s*$"
    r"|\d+\.\s+([A-Z][A-Za-z ]+?)\.\s)",
    re.MULTILINE,
)


_LAW_SENTENCE = re.compile(
    r"điều chỉnh và giải thích theo pháp luật|governed by .{0,40}?the laws? of", re.IGNORECASE
)


def _check_contract(f: dict[str, Any], text: str) -> None:
    flat, despaced = _flat(text), re.sub(r"\s", "", text)
    assert f["contract_number"] is None or f["contract_number"] in flat
    assert printed(f["title"], text)
    for key in ("signing_date", "effective_date"):
        assert f[key] is None or date_printed(f[key], text), (key, f[key])
    if re.search(r"đến hết ngày|valid until", flat):  # an end date printed wins over a term
        assert f["expiry_date"] and date_printed(f["expiry_date"], text)
    elif f["expiry_date"]:
        # computed from a stated term: the effective date plus a term printed in months
        pattern = r"(?:(\d+) (?:\([^)]*\) )?|\((\d+)\) )(?:tháng|months)"
        terms = {int(a or b) for a, b in re.findall(pattern, flat)}
        expiry = date.fromisoformat(f["expiry_date"])
        effective = date.fromisoformat(f["effective_date"])
        assert any(add_months(effective, n) == expiry for n in terms), (expiry, terms)
    assert [p["role"] for p in f["parties"]] == [
        f"party_{letter}" for letter in "abcdef"[: len(f["parties"])]
    ]
    for party in f["parties"]:
        for key in ("name", "address", "representative"):
            assert party[key] is None or printed(party[key], text), (key, party[key])
        assert party["tax_id"] is None or party["tax_id"] in despaced, party["tax_id"]
    if f["total_value"]:
        assert money_printed(f["total_value"], text), f["total_value"]
        assert any(mark in flat for mark in CURRENCY_MARKS[f["currency"]]), f["currency"]
    else:
        assert f["currency"] is None
    law = f["governing_law"]
    if law == "Vietnam":
        assert re.search(
            r"pháp luật (nước Cộng hòa xã hội chủ nghĩa )?Việt Nam|laws of Vietnam", flat
        )
    else:
        assert law and printed(law, text), law
    headings = [next(g for g in m.groups() if g) for m in _HEADING.finditer(text)]
    found = {
        clause
        for clause, words in _CLAUSE_WORDS.items()
        for heading in headings
        if re.search(words, heading, re.IGNORECASE)
    }
    if _LAW_SENTENCE.search(flat):
        found.add("governing_law")
    assert set(f["clauses"]) == found, (headings, f["clauses"])
    assert f["clauses"] == [c for c in holdout.CLAUSE_ORDER if c in found]
    renews = re.search(r"tự động (được )?gia hạn|automatically renew", flat) is not None
    assert f["auto_renewal"] is renews


def _check_cv(f: dict[str, Any], text: str) -> None:
    flat, digits = _flat(text), _digits(text)
    assert printed(f["full_name"], text)
    assert f["email"] is None or (f["email"] == f["email"].lower() and f["email"] in flat)
    if f["phone"]:
        assert re.fullmatch(r"\+\d{8,15}", f["phone"]), f["phone"]
        national = f["phone"][3:] if f["phone"].startswith("+84") else f["phone"][1:]
        assert national in digits, f["phone"]
    assert f["location"] is None or printed(f["location"], text), f["location"]
    assert f["date_of_birth"] is None or date_printed(f["date_of_birth"], text)
    has_id = re.search(r"CCCD|CMND|Passport no|ID card", flat) is not None
    assert f["national_id_present"] is has_id
    for item in f["skills"] + f["languages"]:
        assert printed(item, text), item
    lines = text.splitlines()
    for school in f["education"]:
        assert printed(school["institution"], text), school["institution"]
        assert printed(school["degree"], text), school["degree"]
        start = " ".join(school["institution"].split()[:2])
        assert any(start in line and standalone(str(school["end_year"]), line) for line in lines), (
            school
        )  # the year on the institution's line
    months = 0
    for job in f["experience"]:
        assert printed(job["employer"], text), job["employer"]
        assert printed(job["title"], text), job["title"]
        ends = month_forms(job["end"]) if job["end"] else {"Hiện tại", "nay", "Present", "present"}
        spans = [
            rf"{re.escape(start)}\s*[-–]\s*(?:Tháng )?{re.escape(end)}\b"
            for start in month_forms(job["start"])
            for end in ends
        ]
        assert any(re.search(span, flat) for span in spans), (job["start"], job["end"])
        first = int(job["start"][:4]) * 12 + int(job["start"][5:]) - 1
        end = job["end"] or "2026-11"
        months += int(end[:4]) * 12 + int(end[5:]) - 1 - first + 1
    assert f["years_of_experience"] == round(months / 12, 1)
    starts = [position(job["employer"], text) for job in f["experience"]]
    found = [start for start in starts if start is not None]
    assert found == sorted(found) and len(found) == len(starts), "experience as printed, in order"


def _check_dispatch(f: dict[str, Any], text: str) -> None:
    flat = _flat(text)
    assert re.search(rf"Số:\s*{re.escape(f['dispatch_number'])}", flat)
    assert printed(f["issuer"], text), f["issuer"]
    issued = date.fromisoformat(f["issue_date"])
    month = f"{issued.month:02d}" if issued.month < 3 else str(issued.month)  # Decree 30
    dated = f"{f['issue_place']}, ngày {issued.day:02d} tháng {month} năm {issued.year}"
    assert dated in flat, dated
    assert printed("V/v " + f["subject"], text), f["subject"]
    assert f["recipients"]
    assert "Kính gửi:" in flat
    for recipient in f["recipients"]:
        assert printed(recipient, text), recipient
    assert f["signer_name"] in flat and f["signer_title"] in flat
    assert flat.rindex(f["signer_title"]) < flat.rindex(f["signer_name"])
    assert "Nơi nhận:" in flat
    for item in f["cc"]:
        assert printed(f"- {item}", text), item
    stamps = re.findall(r"THƯỢNG KHẨN|HỎA TỐC|(?<!THƯỢNG )KHẨN", text)
    if f["urgency"]:
        assert stamps == [f["urgency"].upper()]
    else:
        assert stamps == []
    assert f["reply_deadline"] is None or date_printed(f["reply_deadline"], text)
