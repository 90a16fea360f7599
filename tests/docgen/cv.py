"""CVs in Vietnamese and English, sections in any order."""

from __future__ import annotations

import random
from datetime import date

from tests.docgen.common import _CITIES, GeneratedDocument, _Pdf, person


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
    # Vietnamese CV forms often ask for ethnicity and religion (sensitive personal data);
    # drawn last so the rest of the CV is the same with or without them.
    sensitive = language == "vi" and rng.random() < 0.4
    if sensitive:
        pdf.text(110, 40, "Dân tộc: Kinh")
        pdf.text(110, 46, f"Tôn giáo: {rng.choice(['Không', 'Phật giáo', 'Công giáo'])}")
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
        "sensitive_data": ["ethnicity", "religion"] if sensitive else [],
        "skills": skills,
        "languages": ["Tiếng Anh", "Tiếng Nhật"] if language == "vi" else ["English", "Japanese"],
        "education": [{"institution": school, "degree": degree, "end_year": first_start - 1}],
        "experience": [{"employer": e, "title": t, "start": s, "end": d} for e, t, s, d in jobs],
        "years_of_experience": round(months / 12, 1),
    }
    return GeneratedDocument("cv", language, pdf.bytes(), fields)
