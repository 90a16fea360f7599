"""Official dispatch letters (`công văn`) in the Decree 30/2020 layout."""

from __future__ import annotations

import random
from datetime import timedelta

from tests.docgen.common import _COMPANIES_VI, GeneratedDocument, _Pdf, person, some_date


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
