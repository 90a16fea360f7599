"""More contract and CV layouts: contracts whose parties sit in a table, and timeline and
two-column CVs whose jobs are printed `Title — Employer`, `Title at Employer` or
`Employer | Title`.

Conventions as in `tests.docgen.holdout`: a party's representative is the name without
`Ông` / `Bà` / `Mr.` / `Ms.`; the date in `Hôm nay, ngày …` / `made on …` is the signing
date; `có hiệu lực kể từ ngày ký` / `from the date of signature` makes the effective date the
signing date; an expiry from a term is the effective date plus the term in months; the
date of a cited law (`Bộ luật Dân sự … ngày 24 tháng 11 năm 2015`) is no date of the
contract. A CV's experience is listed as printed; years of experience sum the jobs' months.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from tests.docgen.common import GeneratedDocument, mst, vietnamese_words
from tests.docgen.holdout import (
    _EN_LANGUAGES,
    _EN_MONTH_WORDS,
    _EN_TRACKS,
    _EN_UK_CLAUSES,
    _UK_COMPANIES,
    _VI_CONTRACT_COMPANIES,
    _VI_LANGUAGES,
    _VI_LOCATIONS,
    _VI_NUMBER_WORDS,
    _VI_TRACKS,
    _add_months,
    _contract_fields,
    _cv_fields,
    _cv_people,
    _day28,
    _dmy,
    _en_money,
    _en_person,
    _month_text,
    _ngay,
    _Page,
    _uk_date,
    _vi_company,
    _vi_email,
    _vi_mobile,
    _vi_national_header,
    _vi_optional_articles,
    _vi_person,
    _vn_num,
)

LAYOUTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("contract", "vi"): ("vi_party_rows", "vi_party_columns"),
    ("contract", "en"): ("en_party_rows", "en_party_columns"),
    ("cv", "vi"): ("vi_timeline", "vi_right_sidebar"),
    ("cv", "en"): ("en_timeline", "en_two_column"),
}


# --- contracts ----------------------------------------------------------------------------


def contract(layout: str, seed: int) -> GeneratedDocument:
    rng = random.Random(f"paper-contract-{layout}-{seed}")
    if layout.startswith("vi_"):
        return _contract_vi(rng, columns=layout == "vi_party_columns")
    return _contract_en(rng, columns=layout == "en_party_columns")


def _party_table(
    p: _Page, parties: list[dict[str, Any]], heads: list[str], labels: list[str], *, columns: bool
) -> None:
    """Parties as a grid: one column per party (`columns`), or one block of rows per party
    under a shaded role row."""
    keys = ["name", "tax_printed", "address", "rep_printed", "office"]
    if columns:
        rows = [["", *heads]]
        rows += [
            [label] + [party[key] or "" for party in parties]
            for label, key in zip(labels, keys, strict=True)
        ]
        p.y = (
            p.table([15, 50, 122.5, 195], p.y, rows, "lll", size=9, bold_rows=(0,), shade_rows=(0,))
            + 6
        )
        return
    rows, shaded = [], []
    for head, party in zip(heads, parties, strict=True):
        shaded.append(len(rows))
        rows.append([head, ""])
        rows += [
            [label, party[key] or ""] for label, key in zip(labels, keys, strict=True) if party[key]
        ]
    p.y = (
        p.table(
            [15, 62, 195],
            p.y,
            rows,
            "ll",
            size=9,
            bold_rows=tuple(shaded),
            shade_rows=tuple(shaded),
        )
        + 6
    )


def _contract_vi(rng: random.Random, *, columns: bool) -> GeneratedDocument:
    p = _Page(rng.choice(["serif", "sans"]))
    buyer_name, seller_name = rng.sample(_VI_CONTRACT_COMPANIES, 2)
    parties = [_vi_company(rng, buyer_name), _vi_company(rng, seller_name)]
    for party in parties:
        party["tax_printed"] = party["tax_id"]
        party["rep_printed"] = f"{party['honorific']} {party['representative']}"
    kind, code, goods = rng.choice(
        [
            ("HỢP ĐỒNG CUNG CẤP DỊCH VỤ", "HĐDV", "dịch vụ vệ sinh công nghiệp tòa nhà văn phòng"),
            ("HỢP ĐỒNG MUA BÁN HÀNG HÓA", "HĐMB", "thiết bị văn phòng theo Phụ lục 01"),
            ("HỢP ĐỒNG KINH TẾ", "HĐKT", "bảo trì hệ thống điều hòa không khí"),
        ]
    )
    signed = _day28(rng)
    number = f"{rng.randint(1, 250):02d}/{signed.year}/{code}-{rng.choice(['VT', 'BA', 'HĐ'])}"
    y = _vi_national_header(p, 11)
    p.put_centre(105, y + 14, kind, 15, bold=True)
    p.put_centre(105, y + 21, f"Số: {number}", 10.5)
    p.y = y + 31
    for text in (
        "- Căn cứ Bộ luật Dân sự số 91/2015/QH13 được Quốc hội thông qua "
        "ngày 24 tháng 11 năm 2015;",
        "- Căn cứ Luật Thương mại số 36/2005/QH11 ngày 14 tháng 6 năm 2005;",
        "- Căn cứ nhu cầu và khả năng của hai bên.",
    ):
        p.flow(20, text, 170, 10, italic=True, leading=5)
    p.y += 2
    place = rng.choice(["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"])
    p.flow(
        15,
        f"Hôm nay, {_ngay(signed)}, tại {place}, chúng tôi gồm có:",
        180,
        10.5,
        leading=5.4,
        after=2,
    )
    heads = ["BÊN A (BÊN MUA)", "BÊN B (BÊN BÁN)"]
    if "DỊCH VỤ" in kind:
        heads = ["BÊN A (BÊN SỬ DỤNG DỊCH VỤ)", "BÊN B (BÊN CUNG CẤP DỊCH VỤ)"]
    labels = ["Tên doanh nghiệp", "Mã số thuế", "Địa chỉ trụ sở", "Người đại diện", "Chức vụ"]
    _party_table(p, parties, heads, labels, columns=columns)
    p.flow(
        15,
        "Hai bên thống nhất ký kết hợp đồng với các điều khoản sau:",
        180,
        10.5,
        leading=5.4,
        after=3,
    )
    value = Decimal(rng.randint(40, 900) * 1_000_000)
    months = rng.choice([6, 12, 18, 24])
    from_signing = rng.random() < 0.5
    effective = signed if from_signing else _day28(rng, signed, 20)
    if effective.day > 28:
        effective = signed
    auto = rng.random() < 0.4
    term = [
        f"Hợp đồng có thời hạn {months:02d} ({_VI_NUMBER_WORDS[months]}) tháng"
        + (
            " và có hiệu lực kể từ ngày ký."
            if from_signing
            else f", có hiệu lực từ ngày {_dmy(effective)}."
        )
    ]
    if auto:
        term.append(
            "Khi hết thời hạn, Hợp đồng sẽ được tự động gia hạn thêm 12 tháng "
            "nếu không bên nào thông báo chấm dứt."
        )
    articles = [
        ("Nội dung hợp đồng", [f"Bên B cung cấp cho Bên A {goods} theo yêu cầu của Bên A."], set()),
        (
            "Giá trị hợp đồng và phương thức thanh toán",
            [
                f"Tổng giá trị Hợp đồng là {_vn_num(value)} đồng "
                f"(Bằng chữ: {vietnamese_words(int(value))}), đã bao gồm thuế GTGT.",
                "Bên A thanh toán bằng chuyển khoản trong vòng 15 ngày kể từ ngày nhận đủ hóa đơn.",
            ],
            {"payment"},
        ),
        ("Thời hạn hợp đồng", term, set()),
        *_vi_optional_articles(rng, warranty="MUA BÁN" in kind),
    ]
    clauses: set[str] = set()
    for number_, (heading, paragraphs, keys) in enumerate(articles, start=1):
        p.need(14)
        p.put(15, p.y, f"Điều {number_}. {heading}", 10.5, bold=True)
        p.y += 5.6
        for text in paragraphs:
            p.flow(15, text, 180, 10.5, leading=5.2, after=1)
        p.y += 2
        clauses |= keys
    p.need(45)
    p.y += 4
    for cx, head, party in (
        (55, "ĐẠI DIỆN BÊN A", parties[0]),
        (155, "ĐẠI DIỆN BÊN B", parties[1]),
    ):
        p.put_centre(cx, p.y, head, 10.5, bold=True)
        p.put_centre(cx, p.y + 5, party["office"], 10, italic=True)
        p.put_centre(cx, p.y + 30, party["representative"], 10.5, bold=True)
    fields = _contract_fields(
        number=number, title=kind, signed=signed, effective=effective,
        expiry=_add_months(effective, months), parties=parties, value=value, currency="VND",
        law="Vietnam", clauses=clauses, auto=auto,
    )  # fmt: skip
    return GeneratedDocument("contract", "vi", p.bytes(), fields)


_EN_CLIENTS = [
    ("Marina Bay Events Pte. Ltd.", "1 Harbourfront Walk, #03-11, Singapore 098585"),
    ("Lakeside Dental Partners", "88 Broad Street, 5th Floor, Boston, MA 02110"),
    ("Viet Tien Technology Solutions JSC", "No. 25 Duy Tan Street, Cau Giay, Hanoi, Vietnam"),
]


def _contract_en(rng: random.Random, *, columns: bool) -> GeneratedDocument:
    p = _Page(rng.choice(["serif", "sans"]))
    (client, client_at), (supplier, supplier_at) = (
        rng.choice(_EN_CLIENTS),
        rng.choice(_UK_COMPANIES),
    )
    law = rng.choice(["England and Wales", "Singapore", "Vietnam"])
    parties = []
    for name, where in ((client, client_at), (supplier, supplier_at)):
        person = _en_person(rng)
        vn = "Vietnam" in where
        tax = mst(rng) if vn else None
        parties.append(
            {
                "name": name, "address": where, "tax_id": tax, "representative": person,
                "tax_printed": tax or f"Company No. {rng.randint(10**7, 10**8 - 1)}",
                "rep_printed": f"{rng.choice(['Mr.', 'Ms.'])} {person}",
                "office": rng.choice(["Director", "Chief Executive Officer", "Managing Partner"]),
            }
        )  # fmt: skip
    title = rng.choice(["SERVICES AGREEMENT", "SUPPLY AGREEMENT", "MASTER SERVICES AGREEMENT"])
    signed = _day28(rng)
    number = (
        f"{rng.choice(['SA', 'MSA', 'SUP'])}-{signed.year}-{rng.randint(1, 300):03d}"
        if rng.random() < 0.7
        else None
    )
    p.put_centre(105, 24, title, 16, bold=True)
    if number:
        p.put_centre(105, 31, f"Agreement No.: {number}", 10)
    p.y = 42
    p.flow(
        15,
        f"This Agreement is made on {_uk_date(signed)} "
        "between the parties set out in the table below.",
        180,
        10.5,
        leading=5.2,
        after=3,
    )
    if law == "Vietnam":
        p.flow(
            15,
            "It is entered into in accordance with the Civil Code of Vietnam "
            "No. 91/2015/QH13 dated 24 November 2015.",
            180,
            10.5,
            leading=5.2,
            after=3,
        )
    heads = ["PARTY A (the Client)", "PARTY B (the Supplier)"]
    labels = [
        "Company name",
        "Tax code / Company No.",
        "Registered address",
        "Represented by",
        "Position",
    ]
    _party_table(p, parties, heads, labels, columns=columns)
    months = rng.choice([6, 12, 24, 36])
    fee = Decimal(rng.randint(12, 480) * 1000)
    currency, symbol = rng.choice([("USD", "US$"), ("GBP", "£")])
    auto = rng.random() < 0.4
    term = (
        "This Agreement commences on the date of signature and continues for "
        f"{_EN_MONTH_WORDS[months]} ({months}) months."
    )
    if auto:
        term += (
            " It shall automatically renew for successive periods of twelve months"
            " unless either party gives notice."
        )
    sections: list[tuple[str, str, set[str]]] = [
        (
            "SCOPE OF SERVICES",
            "The Supplier shall provide the services described in Schedule 1.",
            set(),
        ),
        (
            "FEES AND PAYMENT",
            f"The Client shall pay the Supplier a total fee of {symbol}{_en_money(fee)} "
            f"({currency}), within thirty days of each invoice.",
            {"payment"},
        ),
        ("TERM", term, set()),
    ]
    for key in rng.sample(sorted(_EN_UK_CLAUSES), rng.randint(2, 4)):
        heading, text = _EN_UK_CLAUSES[key]
        sections.append((heading, text, {key}))
    sections.append(
        (
            "GOVERNING LAW AND DISPUTES",
            f"This Agreement shall be governed by the laws of {law}. "
            f"Any dispute shall be referred to the courts of {law}.",
            {"governing_law", "dispute_resolution"},
        )
    )
    clauses: set[str] = set()
    numbered = rng.random() < 0.5
    for n, (heading, text, keys) in enumerate(sections, start=1):
        p.need(14)
        p.put(
            15, p.y, f"ARTICLE {n}: {heading}" if numbered else f"{n}. {heading}", 10.5, bold=True
        )
        p.y += 5.6
        p.flow(15, text, 180, 10.5, leading=5.2, after=3)
        clauses |= keys
    p.need(40)
    p.y += 4
    for cx, head, party in (
        (55, "For and on behalf of Party A", parties[0]),
        (155, "For and on behalf of Party B", parties[1]),
    ):
        p.put_centre(cx, p.y, head, 10, bold=True)
        p.put_centre(cx, p.y + 25, party["representative"], 10)
        p.put_centre(cx, p.y + 30, party["office"], 9.5, italic=True)
    fields = _contract_fields(
        number=number, title=title, signed=signed, effective=signed,
        expiry=_add_months(signed, months), parties=parties, value=fee, currency=currency,
        law=law, clauses=clauses, auto=auto,
    )  # fmt: skip
    return GeneratedDocument("contract", "en", p.bytes(), fields)


# --- CVs -------------------------------------------------------------------------------------


def cv(layout: str, seed: int) -> GeneratedDocument:
    rng = random.Random(f"paper-cv-{layout}-{seed}")
    vi = layout.startswith("vi_")
    c = _cv_people(rng, _VI_TRACKS if vi else _EN_TRACKS)
    name = _vi_person(rng)[0] if vi else _en_person(rng)
    phone_text, phone = _vi_mobile(rng)
    email = _vi_email(rng, name)
    location = rng.choice(
        _VI_LOCATIONS if vi else ["Hanoi, Vietnam", "Manchester, UK", "Ho Chi Minh City"]
    )
    languages = [lang for lang, _ in rng.sample(_VI_LANGUAGES if vi else _EN_LANGUAGES, 2)]
    p = _Page(rng.choice(["sans", "cond"]))
    jobs = c["experience"][::-1]  # newest first
    if layout.endswith("timeline"):
        _timeline(p, rng, vi, name, phone_text, email, location, c, jobs, languages)
    else:
        _two_column(p, rng, vi, name, phone_text, email, location, c, jobs, languages, right=vi)
    fields = _cv_fields(
        name=name, email=email, phone=phone, location=location, born=None, national_id=False,
        skills=c["skills"], languages=languages,
        education=[(c["school"], c["degree"], c["graduated"])], experience=jobs,
    )  # fmt: skip
    return GeneratedDocument("cv", "vi" if vi else "en", p.bytes(), fields)


def _span(start: int, end: int | None, vi: bool) -> str:
    style = "mm/yyyy" if vi else "mon"
    last = _month_text(end, style) if end is not None else ("Hiện tại" if vi else "Present")
    return f"{_month_text(start, style)} – {last}"


def _job_line(rng: random.Random, employer: str, title: str, vi: bool) -> str:
    form = rng.choice(["dash", "at", "pipe"])
    if form == "dash":
        return f"{title} — {employer}"
    if form == "at":
        return f"{title} {'tại' if vi else 'at'} {employer}"
    return f"{employer} | {title}"


def _timeline(
    p: _Page,
    rng: random.Random,
    vi: bool,
    name: str,
    phone: str,
    email: str,
    location: str,
    c: dict[str, Any],
    jobs: list[Any],
    languages: list[str],
) -> None:
    """Dates in a left rail with a vertical line and dots; each job on one line
    (`Title — Employer`, `Title at Employer` or `Employer | Title`)."""
    p.put(15, 22, name, 20, bold=True)
    p.put(15, 30, f"{phone}  ·  {email}  ·  {location}", 9)
    p.hline(15, 34, 195, 0.6)
    p.y = 46
    p.put(15, p.y, "KINH NGHIỆM LÀM VIỆC" if vi else "CAREER TIMELINE", 11, bold=True)
    p.y += 9
    rail_top = p.y - 4
    for employer, title, start, end in jobs:
        p.put(15, p.y, _span(start, end, vi), 8.5)
        p.pdf.circle(x=55, y=p.y - 1.2, radius=1.2, style="F")
        p.y = p.para(60, p.y, _job_line(rng, employer, title, vi), 135, 10, bold=True) + 5
        text = (
            "Phụ trách các nhiệm vụ chuyên môn, phối hợp với các phòng ban."
            if vi
            else "Led day-to-day delivery and worked with stakeholders across teams."
        )
        p.y = p.para(60, p.y, text, 135, 9, leading=4.5) + 9
    p.vline(55, rail_top, p.y - 8, 0.4)
    p.put(15, p.y, "HỌC VẤN" if vi else "EDUCATION", 11, bold=True)
    p.y += 8
    p.put(15, p.y, str(c["graduated"]), 9)
    p.put(60, p.y, c["school"], 10, bold=True)
    p.put(60, p.y + 5, c["degree"], 9.5)
    p.y += 16
    p.put(15, p.y, "KỸ NĂNG" if vi else "SKILLS", 11, bold=True)
    p.y = p.para(60, p.y, ", ".join(c["skills"]), 135, 9.5) + 9
    p.put(15, p.y, "NGOẠI NGỮ" if vi else "LANGUAGES", 11, bold=True)
    p.put(60, p.y, ", ".join(languages), 9.5)


def _two_column(
    p: _Page,
    rng: random.Random,
    vi: bool,
    name: str,
    phone: str,
    email: str,
    location: str,
    c: dict[str, Any],
    jobs: list[Any],
    languages: list[str],
    *,
    right: bool,
) -> None:
    """A sidebar (contact, skills, languages) on the left or right of the main column
    (profile, experience, education); the sidebar's lines sit beside the main column's."""
    side_x, main_x = (140.0, 15.0) if right else (15.0, 72.0)
    main_w = 118.0 if right else 123.0
    p.shade(side_x - 4, 0, 62 if right else 55, 297, 232)
    p.put(main_x, 24, name, 19, bold=True)
    y = 40.0
    for heading, lines in (
        ("LIÊN HỆ" if vi else "CONTACT", [phone, email, location]),
        ("KỸ NĂNG" if vi else "SKILLS", c["skills"]),
        ("NGOẠI NGỮ" if vi else "LANGUAGES", languages),
    ):
        p.put(side_x, y, heading, 10, bold=True)
        y += 6
        for line in lines:
            y = p.para(side_x, y, line, 50, 8.5, leading=4.2) + 5
        y += 4
    p.y = 40
    p.put(main_x, p.y, "KINH NGHIỆM" if vi else "EXPERIENCE", 11, bold=True)
    p.y += 7
    for employer, title, start, end in jobs:
        p.y = p.para(main_x, p.y, _job_line(rng, employer, title, vi), main_w, 10, bold=True) + 5
        p.put(main_x, p.y, _span(start, end, vi), 8.5, italic=True)
        p.y += 9
    p.put(main_x, p.y, "HỌC VẤN" if vi else "EDUCATION", 11, bold=True)
    p.y += 7
    p.put(main_x, p.y, f"{c['school']} ({c['graduated']})", 10, bold=True)
    p.put(main_x, p.y + 5, c["degree"], 9.5)
