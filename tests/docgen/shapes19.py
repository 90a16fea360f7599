"""Shapes real documents print that the main generators do not: a timeline CV with its
dates beside the first bullet, publications with DOIs and year ranges but no phone; an
undated `Title | Employer | 2 năm` CV; a labour contract whose parties sit in label | value
tables under `BÊN A - NGƯỜI SỬ DỤNG LAO ĐỘNG`, the employee's fields left as template blanks;
an English agreement citing a law and another agreement with their own dates; a decision
whose subject follows its title with no `V/v`, signed with a digital signature's stamp.

Each returns a GeneratedDocument whose `fields` hold the values the page prints (null where
it prints none), for the fields the shape is about."""

from __future__ import annotations

import random

from tests.docgen.common import GeneratedDocument, _Pdf, person

_EN_EMPLOYERS = ["Nexora Labs", "Bluefin Analytics", "Harbor Robotics", "Quillstone Research"]
_EN_TITLES = ["Research Intern", "Software Engineer", "Data Scientist", "Co-Founder & CTO"]
_PLACES = ["Austin, TX", "London, UK", "Seattle, WA", "Berlin, Germany"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]


def timeline_cv(seed: int = 0) -> GeneratedDocument:
    """An English CV in a timeline layout: `Employer, Title` (or `Title at Employer`, or
    `Title, Employer – City, ST`) left, the place right, the date range right of the first
    bullet, bullets wrapping onto indented lines; a publication with a DOI and a degree's
    year range; no phone printed."""
    rng = random.Random(f"shapes19-cv-{seed}")
    pdf = _Pdf()
    name = rng.choice(["Alex Morgan", "Jamie Carter", "Robin Hayes", "Casey Brooks"])
    pdf.centre(20, name, bold=True, size=18)
    place = rng.choice(_PLACES)
    email = f"{name.split()[0].lower()}.{rng.randint(10, 99)}@example.com"
    pdf.centre(28, f"{place} | {email} | example.dev | github.com/{name.split()[0].lower()}")
    pdf.text(15, 40, "Education", bold=True, size=12)
    school = rng.choice(["Princeton University", "Boston University", "Imperial College"])
    start_year = rng.randint(2008, 2012)
    pdf.text(18, 47, f"PhD {school}, Computer Science")
    pdf.right(195, 47, "Princeton, NJ")
    pdf.text(24, 52, "• Thesis: Efficient search for compact neural networks")
    pdf.right(195, 52, f"{start_year} - {start_year + 2}")
    pdf.text(15, 64, "Experience", bold=True, size=12)
    style = seed % 3
    jobs = []
    y = 71
    year = 2025
    for number in range(3):
        employer = _EN_EMPLOYERS[(seed + number) % len(_EN_EMPLOYERS)]
        title = _EN_TITLES[(seed + number) % len(_EN_TITLES)]
        city = _PLACES[(seed + number + 1) % len(_PLACES)]
        start_month, end_month = rng.randint(1, 6), rng.randint(7, 12)
        start = f"{year}-{start_month:02d}"
        end = None if number == 0 else f"{year}-{end_month:02d}"
        heading = (
            f"{employer}, {title}"
            if style == 0
            else f"{title} at {employer}"
            if style == 1
            else f"{title}, {employer} – {city}"
        )
        pdf.text(18, y, heading)
        if style != 2:
            pdf.right(195, y, city)
        span = f"{_MONTHS[start_month - 1]} {year} – " + (
            "present" if end is None else f"{_MONTHS[end_month - 1]} {year}"
        )
        y += 5
        pdf.text(20, y, "• Built the evaluation pipeline used across research and platform")
        pdf.right(195, y, span)
        y += 5
        pdf.text(23, y, "teams")
        y += 5
        pdf.text(20, y, "• Shipped three releases with the product group")
        y += 9
        jobs.append({"employer": employer, "title": title, "start": start, "end": end})
        year -= 1 + number
    pdf.text(15, y + 4, "Publications", bold=True, size=12)
    pdf.text(18, y + 11, "Sparse routing at scale")
    pdf.text(18, y + 16, f"{name}, Sarah Williams, David Park")
    pdf.text(18, y + 21, f"10.1234/neurips.{year}.1234 (NeurIPS {year})")
    fields = {
        "full_name": name,
        "email": email,
        "phone": None,
        "location": place,
        "experience": jobs,
        "education": [{"institution": school, "degree": "PhD", "end_year": start_year + 2}],
    }
    return GeneratedDocument("cv", "en", pdf.bytes(), fields)


def undated_cv(seed: int = 0) -> GeneratedDocument:
    """A Vietnamese CV whose jobs are `Title (Trước đây) | Employer | N năm`, no dates; a
    stated `5 năm kinh nghiệm`; the phone after an icon-free `SĐT` label."""
    rng = random.Random(f"shapes19-undated-{seed}")
    pdf = _Pdf()
    name = person(rng)
    pdf.centre(20, name.upper(), bold=True, size=16)
    digits = f"09{rng.randint(10_000_000, 99_999_999)}"
    pdf.centre(
        28, f"SĐT: {digits[:4]} {digits[4:7]} {digits[7:]} | {name.split()[-1].lower()}@example.com"
    )
    pdf.text(15, 40, "MỤC TIÊU NGHỀ NGHIỆP", bold=True)
    stated = rng.randint(3, 9)
    pdf.text(15, 46, f"Với {stated} năm kinh nghiệm, tôi mong muốn đóng góp cho công ty.")
    pdf.text(15, 56, "KINH NGHIỆM LÀM VIỆC", bold=True)
    title = rng.choice(["Chuyên viên Marketing", "Kế toán viên", "Lập trình viên"])
    employers = ["Công ty TNHH Minh Phát", "Công ty Cổ phần Sao Việt"]
    jobs = []
    y = 63
    for number, employer in enumerate(employers):
        note = " (Trước đây)" if number else ""
        pdf.text(15, y, f"{title}{note} | {employer} | {number + 2} năm")
        pdf.text(15, y + 6, "• Phụ trách báo cáo định kỳ cho ban giám đốc")
        y += 14
        jobs.append({"employer": employer, "title": title, "start": None, "end": None})
    pdf.text(15, y, "HỌC VẤN", bold=True)
    pdf.text(15, y + 7, "Kế toán | Đại học Kinh tế Quốc dân | Tốt nghiệp 2016")
    fields = {
        "full_name": name.upper(),
        "phone": f"+84{digits[1:]}",
        "experience": jobs,
        "years_of_experience": float(stated),
    }
    return GeneratedDocument("cv", "vi", pdf.bytes(), fields)


def labour_contract(seed: int = 0) -> GeneratedDocument:
    """A labour contract: `Căn cứ Bộ luật … ngày …` recitals, `Hôm nay, ngày …`, parties
    as label | value tables under `BÊN A - NGƯỜI SỬ DỤNG LAO ĐỘNG` and `BÊN B - NGƯỜI LAO
    ĐỘNG`, the employee's name and address left as `{{…}}` blanks in template form."""
    rng = random.Random(f"shapes19-labour-{seed}")
    pdf = _Pdf()
    template = seed % 2 == 1
    pdf.centre(15, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    pdf.centre(21, "Độc lập - Tự do - Hạnh phúc")
    pdf.centre(32, "HỢP ĐỒNG LAO ĐỘNG", bold=True, size=14)
    pdf.centre(39, f"Số: {rng.randint(10, 99)}/2025/HĐLĐ")
    pdf.text(15, 48, "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;")
    pdf.text(15, 54, "Căn cứ Bộ luật Lao động số 45/2019/QH14 ngày 20 tháng 11 năm 2019;")
    day = rng.randint(1, 28)
    pdf.text(15, 62, f"Hôm nay, ngày {day:02d}/03/2025, chúng tôi gồm có:")
    company = rng.choice(["CÔNG TY TNHH MINH PHÁT", "CÔNG TY CỔ PHẦN SAO VIỆT"])
    employee = person(rng)
    rows_a = [
        ("Tên công ty:", company),
        ("Địa chỉ:", "Số 12 Lê Lợi, Quận 1, TP. Hồ Chí Minh"),
        ("Người đại diện:", "Trần Văn Bình"),
    ]
    rows_b = [
        ("Họ và tên:", "{{HO_TEN}}" if template else employee),
        ("Ngày sinh:", "{{NGAY_SINH}}" if template else "22/03/1992"),
        ("Địa chỉ:", "{{DIA_CHI_THUONG_TRU}}" if template else "Số 5 Trần Phú, Hà Đông, Hà Nội"),
    ]
    y = 72
    for heading, rows in (
        ("BÊN A - NGƯỜI SỬ DỤNG LAO ĐỘNG", rows_a),
        ("BÊN B - NGƯỜI LAO ĐỘNG", rows_b),
    ):
        pdf.text(15, y, heading, bold=True)
        for label, value in rows:
            y += 6
            pdf.text(16, y, label)
            pdf.text(60, y, value)
        y += 9
    pdf.text(15, y, "Điều 1. Công việc và thời hạn hợp đồng", bold=True)
    pdf.text(15, y + 6, "Hợp đồng có hiệu lực từ ngày ký.")
    fields = {
        "signing_date": f"2025-03-{day:02d}",
        "effective_date": f"2025-03-{day:02d}",
        "parties": [
            {"role": "party_a", "name": company, "representative": "Trần Văn Bình"},
            {
                "role": "party_b",
                "name": None if template else employee,
                "address": None if template else "Số 5 Trần Phú, Hà Đông, Hà Nội",
            },
        ],
    }
    return GeneratedDocument("contract", "vi", pdf.bytes(), fields)


def english_agreement(seed: int = 0) -> GeneratedDocument:
    """An English agreement made on no printed day (`as of the date of the Closing`) between
    two parties or three (a list run on with commas), citing the Civil Code and a Master
    Agreement with their own dates; its term ends on a printed date; governed `in all
    respects by the internal laws of` a state."""
    rng = random.Random(f"shapes19-en-{seed}")
    pdf = _Pdf()
    state = rng.choice(["New York", "Ohio", "Delaware"])
    end_year = rng.randint(2028, 2035)
    parties = ["Nexora Holdings, Inc.", "Bluefin Media, LLC"]
    # Three parties run on with commas: `(“Licensor”), Harbor Media Group, LLC (the …), a …`.
    listed = (
        ["Delaware corporation, and Bluefin Media, LLC (“Licensee”)."]
        if seed % 3 != 2
        else [
            "Delaware corporation, Harbor Media Group, LLC (the “Media Company”), a Delaware",
            "limited liability company, and Bluefin Media, LLC (“Licensee”).",
        ]
    )
    if seed % 3 == 2:
        parties.insert(1, "Harbor Media Group, LLC")
    lines = [
        "THIS LICENSE AGREEMENT (this “Agreement”) is made and effective as of the date of the",
        "Closing (the “Effective Date”), by and between Nexora Holdings, Inc. (“Licensor”), a",
        *listed,
        "RECITALS",
        "A. In connection with a Master Transaction Agreement dated December 11, 2018, and with",
        "reference to the Civil Code No. 91/2015/QH13 dated 24 November 2015, the parties wish",
        "to enter into this Agreement.",
        "NOW, THEREFORE, the parties agree as follows:",
        "1. TERM",
        "The term of this Agreement shall commence on the Effective Date and shall terminate",
        f"on December 31, {end_year} (such period, as may be extended, the “Term”).",
        "2. GOVERNING LAW",
        "This Agreement will be governed in all respects by the internal laws of the State of",
        f"{state}, without regard to conflicts of law principles.",
    ]
    pdf.centre(20, "LICENSE AGREEMENT", bold=True, size=14)
    for number, line in enumerate(lines):
        pdf.text(15, 32 + 6 * number, line)
    fields = {
        "signing_date": None,
        "effective_date": None,
        "expiry_date": f"{end_year}-12-31",
        "governing_law": state,
        "parties": [
            {"role": f"party_{'abc'[number]}", "name": name} for number, name in enumerate(parties)
        ],
    }
    return GeneratedDocument("contract", "en", pdf.bytes(), fields)


def decision(seed: int = 0) -> GeneratedDocument:
    """A QUYẾT ĐỊNH whose subject is the line(s) under its title, with (`Về việc …`, longer
    than a line) or without `V/v`, signed digitally: `[ KÝ BỞI CHỮ KÝ SỐ ]`, `Cơ quan: …`,
    `Thời gian ký: …` in the seal's space, the name under them."""
    rng = random.Random(f"shapes19-decision-{seed}")
    pdf = _Pdf()
    signer = person(rng)
    with_about = seed % 2 == 0
    subject = (
        "phê duyệt Kế hoạch chuyển đổi số và lưu trữ hồ sơ điện tử của Sở Tài chính "
        "giai đoạn 2026 - 2030"
    )
    pdf.text(15, 15, "ỦY BAN NHÂN DÂN TỈNH BẮC NINH", bold=True)
    pdf.text(115, 15, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    pdf.text(35, 21, f"Số: {rng.randint(100, 999)}/QĐ-UBND")
    pdf.text(128, 21, "Độc lập - Tự do - Hạnh phúc")
    pdf.text(130, 28, "Bắc Ninh, ngày 11 tháng 08 năm 2026")
    pdf.centre(38, "QUYẾT ĐỊNH", bold=True, size=12)
    first, rest = subject[:70].rsplit(" ", 1)[0], None
    rest = subject[len(first) + 1 :]
    if with_about:
        pdf.centre(44, f"Về việc {first}")
    else:
        pdf.centre(44, first[0].upper() + first[1:])
    pdf.centre(49, rest)
    pdf.centre(57, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC NINH", bold=True)
    pdf.text(15, 65, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;")
    pdf.centre(73, "QUYẾT ĐỊNH:", bold=True)
    pdf.text(15, 80, "Điều 1. Phê duyệt Kế hoạch kèm theo Quyết định này.")
    pdf.text(15, 86, "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký./.")
    pdf.text(15, 96, "Nơi nhận:", bold=True)
    pdf.text(125, 96, "TM. ỦY BAN NHÂN DÂN", bold=True)
    pdf.text(135, 101, "CHỦ TỊCH", bold=True)
    pdf.text(15, 101, "- Như Điều 2;")
    pdf.text(15, 106, "- Lưu: VT.")
    pdf.text(120, 110, "[ KÝ BỞI CHỮ KÝ SỐ HỢP LỆ ]")
    pdf.text(125, 116, f"Cơ quan: {signer}")
    pdf.text(118, 122, "Thời gian ký: 2026.08.14 08:30:15 +07:00")
    pdf.text(130, 134, signer, bold=True)
    fields = {
        "subject": subject if with_about else subject[0].upper() + subject[1:],
        "signer_name": signer,
        "signer_title": "CHỦ TỊCH",
    }
    return GeneratedDocument("dispatch", "vi", pdf.bytes(), fields)
