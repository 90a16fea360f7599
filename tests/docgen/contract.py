"""Contracts: Vietnamese `Bên A`/`Bên B` and English `BETWEEN … AND …` agreements."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from tests.docgen.common import (
    _COMPANIES_VI,
    GeneratedDocument,
    _Pdf,
    _s,
    address,
    en_amount,
    mst,
    person,
    some_date,
    vn_amount,
)


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
