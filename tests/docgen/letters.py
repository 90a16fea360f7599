"""Official letters and memos: six English layouts and two more Vietnamese ones.

English letters have no `Kính gửi` or `V/v`; they are still `dispatch` records, read by the
same contract (SCHEMA.md):

- `dispatch_number`: the sender's own reference (`Our ref:`, `Ref:`, `No.:`, `Circular
  No.`), null when none is printed (a `Your ref:` is the addressee's and never ours);
- `issuer`: the organisation in the letterhead; `issue_place` only when printed with the
  date (`Hanoi, March 5, 2026`), otherwise null;
- `subject`: the subject line without its `Re:` / `Subject:` / `RE:` label;
- `recipients`: the lines after `To:` (one per addressee), or, in a letter, the first line of
  the inside address (the person or office it is addressed to);
- `signer_name` / `signer_title`: the name and office under the closing (`Yours sincerely`),
  or a memo's `From:` line (`Name, Title`);
- `cc`: the `cc:` / `Copy to:` / `Distribution:` items; `urgency` is always null (the record
  knows only the Vietnamese stamps); `reply_deadline`: a reply date stated in the body.

The Vietnamese layouts follow `tests.docgen.holdout`'s conventions: a `Thông báo` whose
subject is the `Về việc` line under its title (no `V/v`) and no `Kính gửi`, and a public
service unit's letter with recipients one per line and `KT.` signatures.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from tests.docgen.common import GeneratedDocument
from tests.docgen.holdout import (
    _UK_COMPANIES,
    _US_SELLERS,
    _day,
    _decree30,
    _dmy,
    _en_person,
    _Page,
    _uk_date,
    _us_date,
    _vi_person,
)

LAYOUTS: dict[str, tuple[str, ...]] = {
    "en": (
        "en_uk_letter",
        "en_us_letter",
        "en_memo",
        "en_memo_table",
        "en_vn_official",
        "en_notice",
    ),
    "vi": ("vi_thong_bao", "vi_su_nghiep"),
}

_SUBJECTS_EN = [
    "Renewal of the office cleaning contract for 2027",
    "Change of bank details for supplier payments",
    "Annual stock count on 31 December 2026",
    "Invitation to the supplier quality review meeting",
    "Request for confirmation of outstanding balances",
    "Revised travel and expense policy",
]
_TITLES_EN = [
    "Finance Director",
    "Head of Procurement",
    "Managing Director",
    "Operations Manager",
    "Chief Executive Officer",
]
_BODY_EN = [
    "We write further to our recent correspondence on the matter above and would like to set "
    "out the arrangements we propose for the coming period.",
    "The attached schedule gives the details. Please review it with your team and let us know "
    "whether the proposed dates and responsibilities are acceptable to you.",
    "We appreciate your continued cooperation and remain at your disposal for any question.",
]


def letter(layout: str, seed: int) -> GeneratedDocument:
    rng = random.Random(f"letter-{layout}-{seed}")
    build = {
        "en_uk_letter": _uk_letter,
        "en_us_letter": _us_letter,
        "en_memo": _memo,
        "en_memo_table": _memo_table,
        "en_vn_official": _vn_official,
        "en_notice": _notice,
        "vi_thong_bao": _thong_bao,
        "vi_su_nghiep": _su_nghiep,
    }[layout]
    fields = build(rng)
    content = fields.pop("_content")
    return GeneratedDocument(
        "dispatch", "vi" if layout.startswith("vi_") else "en", content, fields
    )


def _fields(**values: Any) -> dict[str, Any]:
    record = {
        "dispatch_number": None,
        "issuer": None,
        "issue_place": None,
        "issue_date": None,
        "subject": None,
        "recipients": [],
        "signer_name": None,
        "signer_title": None,
        "cc": [],
        "urgency": None,
        "reply_deadline": None,
    }
    record.update(values)
    return record


def _body(p: _Page, rng: random.Random, issued: date, size: float = 10) -> date | None:
    """The body paragraphs at the cursor; a reply date in one of them, or None."""
    deadline = issued + timedelta(days=rng.randint(7, 30)) if rng.random() < 0.5 else None
    paragraphs = list(_BODY_EN[: rng.randint(2, 3)])
    if deadline:
        when = rng.choice([_uk_date, _us_date])(deadline)
        paragraphs.insert(
            2,
            rng.choice(
                [
                    f"Please reply by {when}.",
                    f"We would be grateful for your response no later than {when}.",
                ]
            ),
        )
    for text in paragraphs:
        p.flow(15, text, 180, size, leading=5, after=2.5)
    return deadline


def _org(rng: random.Random) -> tuple[str, str]:
    return rng.choice(_UK_COMPANIES + _US_SELLERS)


def _uk_letter(rng: random.Random) -> dict[str, Any]:
    """Letterhead centred, `Our ref / Your ref`, date right, inside address, subject in bold
    without a label, `Yours sincerely`."""
    p = _Page("serif")
    (issuer, where), (to_org, to_where) = rng.sample(_UK_COMPANIES, 2)
    issued = _day(rng)
    ours = f"{rng.choice(['FIN', 'PROC', 'HR'])}/{rng.randint(100, 999)}/{issued.year}"
    p.put_centre(105, 18, issuer, 15, bold=True)
    p.put_centre(105, 24, where, 9)
    p.hline(15, 27, 195, 0.4)
    p.put(15, 36, f"Our ref: {ours}", 9.5)
    p.put(15, 41, f"Your ref: {rng.choice(['JS', 'AB', 'KM'])}/{rng.randint(10, 99)}", 9.5)
    p.put_right(195, 36, _uk_date(issued), 10)
    person = f"{rng.choice(['Ms', 'Mr', 'Dr'])} {_en_person(rng)}"
    p.y = 52
    for line in (person, rng.choice(_TITLES_EN), to_org, *to_where.split(", ")):
        p.put(15, p.y, line, 10)
        p.y += 5
    subject = rng.choice(_SUBJECTS_EN)
    p.y += 5
    p.put(15, p.y, f"Dear {person.split()[0]} {person.split()[-1]},", 10)
    p.y += 8
    p.put(15, p.y, subject, 10, bold=True)
    p.y += 8
    deadline = _body(p, rng, issued)
    signer, title = _en_person(rng), rng.choice(_TITLES_EN)
    p.put(15, p.y + 4, "Yours sincerely,", 10)
    p.put(15, p.y + 24, signer, 10, bold=True)
    p.put(15, p.y + 29, title, 10)
    cc = rng.sample(["Accounts Department", "Legal Counsel", "File"], rng.randint(0, 2))
    if cc:
        p.put(15, p.y + 40, "cc: " + "; ".join(cc), 9)
    return _fields(
        _content=p.bytes(), dispatch_number=ours, issuer=issuer, issue_date=issued.isoformat(),
        subject=subject, recipients=[person], signer_name=signer, signer_title=title, cc=cc,
        reply_deadline=deadline.isoformat() if deadline else None,
    )  # fmt: skip


def _us_letter(rng: random.Random) -> dict[str, Any]:
    """Letterhead left with address beside, US date, `Subject:` after the salutation,
    `Sincerely,` — and no reference number at all."""
    p = _Page("sans")
    issuer, where = rng.choice(_US_SELLERS)
    issued = _day(rng)
    p.put(15, 18, issuer.upper(), 12, bold=True)
    p.para(120, 14, where, 75, 8.5)
    p.hline(15, 24, 195, 0.8)
    p.put(15, 34, _us_date(issued), 10)
    person = f"{rng.choice(['Ms.', 'Mr.'])} {_en_person(rng)}"
    to_org = rng.choice(["Lakeside Dental Partners", "Northgate Property Management LLC"])
    p.y = 45
    for line in (person, to_org, "88 Broad Street, 5th Floor", "Boston, MA 02110"):
        p.put(15, p.y, line, 10)
        p.y += 5
    p.y += 5
    p.put(15, p.y, f"Dear {person.split()[0]} {person.split()[-1]}:", 10)
    p.y += 8
    subject = rng.choice(_SUBJECTS_EN)
    p.put(15, p.y, f"Subject: {subject}", 10, bold=True)
    p.y += 8
    deadline = _body(p, rng, issued)
    signer, title = _en_person(rng), rng.choice(_TITLES_EN)
    p.put(15, p.y + 4, "Sincerely,", 10)
    p.put(15, p.y + 22, signer, 10)
    p.put(15, p.y + 27, f"{title}, {issuer}", 10)
    return _fields(
        _content=p.bytes(), issuer=issuer, issue_date=issued.isoformat(), subject=subject,
        recipients=[person], signer_name=signer, signer_title=title,
        reply_deadline=deadline.isoformat() if deadline else None,
    )  # fmt: skip


def _memo(rng: random.Random) -> dict[str, Any]:
    """`MEMORANDUM` with aligned To / From / Date / Subject lines, a reference top right,
    `Copy to:` at the foot and no signature block (the sender is the `From:` line)."""
    p = _Page("cond")
    issuer, _ = _org(rng)
    issued = _day(rng)
    number = f"MEMO-{issued.year}-{rng.randint(1, 99):03d}"
    p.put(15, 18, issuer, 10, bold=True)
    p.put_right(195, 18, f"Ref: {number}", 9.5)
    p.put(15, 32, "MEMORANDUM", 18, bold=True)
    signer, title = _en_person(rng), rng.choice(_TITLES_EN)
    recipients = rng.sample(
        ["All Department Heads", "Finance Team", "Regional Sales Managers", "Warehouse Staff"],
        rng.randint(1, 2),
    )
    subject = rng.choice(_SUBJECTS_EN)
    rows = [("To:", recipients[0])]
    rows += [("", extra) for extra in recipients[1:]]
    rows += [("From:", f"{signer}, {title}"), ("Date:", _uk_date(issued)), ("Subject:", subject)]
    p.y = 44
    for label, value in rows:
        p.put(15, p.y, label, 10, bold=True)
        p.put(40, p.y, value, 10)
        p.y += 6
    p.hline(15, p.y - 2, 195, 0.6)
    p.y += 6
    deadline = _body(p, rng, issued)
    cc = rng.sample(
        ["Chief Executive Officer", "Internal Audit", "HR Department"], rng.randint(1, 2)
    )
    p.put(15, p.y + 6, "Copy to: " + ", ".join(cc), 9)
    return _fields(
        _content=p.bytes(), dispatch_number=number, issuer=issuer, issue_date=issued.isoformat(),
        subject=subject, recipients=recipients, signer_name=signer, signer_title=title, cc=cc,
        reply_deadline=deadline.isoformat() if deadline else None,
    )  # fmt: skip


def _memo_table(rng: random.Random) -> dict[str, Any]:
    """`INTERNAL MEMO` whose header is a grid (To, CC, From, Date, Re); no number; the
    sender signs with initials under the body."""
    p = _Page("sans")
    issuer, _ = _org(rng)
    issued = _day(rng)
    p.shade(15, 12, 180, 11, 200)
    p.put(18, 20, f"{issuer} — INTERNAL MEMO", 12, bold=True)
    signer, title = _en_person(rng), rng.choice(_TITLES_EN)
    recipient = rng.choice(["All staff", "Board of Directors", "Accounts Payable Team"])
    cc = rng.sample(["Company Secretary", "IT Department", "Facilities"], rng.randint(1, 2))
    subject = rng.choice(_SUBJECTS_EN)
    rows = [
        ["To", recipient],
        ["CC", "; ".join(cc)],
        ["From", f"{signer}, {title}"],
        ["Date", _dmy(issued)],
        ["Re", subject],
    ]
    p.y = p.table([15, 40, 195], 30, rows, "ll", size=9.5, bold_rows=()) + 10
    deadline = _body(p, rng, issued)
    initials = "".join(part[0] for part in signer.split())
    p.put(15, p.y + 4, initials, 10, italic=True)
    return _fields(
        _content=p.bytes(), issuer=issuer, issue_date=issued.isoformat(), subject=subject,
        recipients=[recipient], signer_name=signer, signer_title=title, cc=cc,
        reply_deadline=deadline.isoformat() if deadline else None,
    )  # fmt: skip


_VN_AGENCIES = [
    ("MINISTRY OF FINANCE", "GENERAL DEPARTMENT OF TAXATION", "TCT-HTQT"),
    ("MINISTRY OF INDUSTRY AND TRADE", "AGENCY OF FOREIGN TRADE", "XNK-QLTM"),
    ("HANOI PEOPLE'S COMMITTEE", "DEPARTMENT OF PLANNING AND INVESTMENT", "SKHĐT-ĐTNN"),
]


def _vn_official(rng: random.Random) -> dict[str, Any]:
    """A Vietnamese agency's English letter: the Decree 30 arrangement in English — `No.:`,
    place and date, `Re:` under the number, `To:` centred, `Recipients:` at the foot and
    `FOR THE DIRECTOR GENERAL / DEPUTY DIRECTOR GENERAL` over the signer."""
    p = _Page("serif")
    parent, issuer, code = rng.choice(_VN_AGENCIES)
    issued = _day(rng)
    number = f"{rng.randint(100, 9999)}/{code}"
    p.put_centre(52, 16, parent, 9)
    p.put_centre(52, 21, issuer, 9.5, bold=True)
    p.put_centre(150, 16, "SOCIALIST REPUBLIC OF VIETNAM", 9.5, bold=True)
    p.put_centre(150, 21, "Independence - Freedom - Happiness", 9.5, bold=True)
    p.put_centre(52, 30, f"No.: {number}", 9.5)
    place = rng.choice(["Hanoi", "Ho Chi Minh City"])
    p.put_centre(150, 30, f"{place}, {_us_date(issued)}", 9.5, italic=True)
    subject = rng.choice(
        [
            "guidance on electronic invoices for exported goods",
            "the annual investment monitoring report of foreign-invested enterprises",
            "certificates of origin for textile shipments",
        ]
    )
    p.para(22, 35, f"Re: {subject}", 62, 9)
    recipient = rng.choice(["Embassy of Japan in Vietnam", "EuroCham Vietnam", "KORCHAM Vietnam"])
    p.put_centre(105, 52, f"To: {recipient}", 11)
    p.y = 62
    deadline = _body(p, rng, issued, 10.5)
    cc = ["As above", "Director General (for reporting)", "Archives: Office"][: rng.randint(2, 3)]
    p.y += 4
    p.put(15, p.y, "Recipients:", 9, bold=True, italic=True)
    for n, item in enumerate(cc):
        p.put(15, p.y + 4.5 * (n + 1), f"- {item}{'.' if n == len(cc) - 1 else ';'}", 8.5)
    signer = _vi_person(rng)[0]
    p.put_centre(150, p.y, "FOR THE DIRECTOR GENERAL", 9.5, bold=True)
    title = "DEPUTY DIRECTOR GENERAL"
    p.put_centre(150, p.y + 5, title, 9.5, bold=True)
    p.put_centre(150, p.y + 28, signer, 10, bold=True)
    return _fields(
        _content=p.bytes(), dispatch_number=number, issuer=issuer, issue_place=place,
        issue_date=issued.isoformat(), subject=subject, recipients=[recipient],
        signer_name=signer, signer_title=title, cc=cc,
        reply_deadline=deadline.isoformat() if deadline else None,
    )  # fmt: skip


def _notice(rng: random.Random) -> dict[str, Any]:
    """A circular letter to many addressees: `Circular No.`, a `To:` list with bullets,
    `SUBJECT:` in capitals, signed `For and on behalf of`."""
    p = _Page("sans")
    issuer, where = _org(rng)
    issued = _day(rng)
    number = f"{rng.randint(1, 40):02d}/{issued.year}"
    p.put(15, 18, issuer, 13, bold=True)
    p.put(15, 23, where, 8.5)
    p.put_centre(105, 36, "CIRCULAR LETTER", 14, bold=True)
    p.put_centre(105, 42, f"Circular No. {number}", 10)
    p.put(15, 52, f"Date: {_uk_date(issued)}", 10)
    recipients = rng.sample(
        ["All approved suppliers", "Logistics partners", "Sub-contractors", "Branch managers"],
        rng.randint(2, 3),
    )
    p.put(15, 59, "To:", 10, bold=True)
    p.y = 59
    for item in recipients:
        p.put(25, p.y, f"• {item}", 10)
        p.y += 5.5
    subject = rng.choice(_SUBJECTS_EN)
    p.y += 3
    p.put(15, p.y, f"SUBJECT: {subject.upper()}", 10, bold=True)
    p.y += 9
    deadline = _body(p, rng, issued)
    signer, title = _en_person(rng), rng.choice(_TITLES_EN)
    p.put(15, p.y + 4, f"For and on behalf of {issuer}", 10)
    p.put(15, p.y + 22, signer, 10, bold=True)
    p.put(15, p.y + 27, title, 10)
    return _fields(
        _content=p.bytes(), dispatch_number=number, issuer=issuer, issue_date=issued.isoformat(),
        subject=subject.upper(), recipients=recipients, signer_name=signer, signer_title=title,
        reply_deadline=deadline.isoformat() if deadline else None,
    )  # fmt: skip


# --- Vietnamese -------------------------------------------------------------------------


def _vi_head(p: _Page, issuer: str, parent: str | None, number: str, dated: str) -> None:
    if parent:
        p.put_centre(52, 16, parent, 9.5)
    p.put_centre(52, 21, issuer, 10, bold=True)
    p.hline(37, 22.6, 67, 0.3)
    p.put_centre(148, 16, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 10, bold=True)
    p.put_centre(148, 21, "Độc lập - Tự do - Hạnh phúc", 10.5, bold=True)
    p.put_centre(52, 30, f"Số: {number}", 10)
    p.put_centre(148, 30, dated, 10, italic=True)


def _vi_sign(p: _Page, cc: list[str], authority: list[str], title: str, signer: str) -> None:
    p.y += 6
    p.put(15, p.y, "Nơi nhận:", 9.5, bold=True, italic=True)
    for n, item in enumerate(cc):
        p.put(15, p.y + 4.6 * (n + 1), f"- {item}{'.' if n == len(cc) - 1 else ';'}", 8.5)
    for k, line in enumerate([*authority, title]):
        p.put_centre(150, p.y + 5 * k, line, 10, bold=True)
    p.put_centre(150, p.y + 30, signer, 10, bold=True)


def _thong_bao(rng: random.Random) -> dict[str, Any]:
    """A `THÔNG BÁO`: the subject is the `Về việc …` line under the title (no `V/v`), and it
    is addressed to no one by name (no `Kính gửi`)."""
    p = _Page("serif")
    issuer = rng.choice(
        ["CÔNG TY CỔ PHẦN IN VÀ BAO BÌ ĐÔNG Á", "CÔNG TY TNHH VẬT TƯ Y TẾ THIÊN ÂN"]
    )
    issued = _day(rng)
    number = f"{rng.randint(10, 300)}/TB-{rng.choice(['HCNS', 'BGĐ', 'TCKT'])}"
    place = rng.choice(["Hà Nội", "Bắc Ninh", "Thành phố Hồ Chí Minh"])
    _vi_head(p, issuer, None, number, f"{place}, {_decree30(issued)}")
    p.put_centre(105, 46, "THÔNG BÁO", 14, bold=True)
    subject = rng.choice(
        [
            "lịch nghỉ Tết Dương lịch năm 2027",
            "điều chỉnh thời gian làm việc mùa đông",
            "tổ chức khám sức khỏe định kỳ năm 2026 cho người lao động",
        ]
    )
    p.put_centre(105, 52, f"Về việc {subject}", 10.5, bold=True)
    p.y = 64
    deadline = issued + timedelta(days=rng.randint(5, 20)) if rng.random() < 0.5 else None
    body = [
        "Căn cứ Bộ luật Lao động số 45/2019/QH14 ngày 20 tháng 11 năm 2019;",
        "Ban Giám đốc Công ty thông báo đến toàn thể cán bộ, nhân viên nội dung nêu trên như sau:",
    ]
    if deadline:
        body.append(f"Các phòng ban đăng ký danh sách trước ngày {_dmy(deadline)}.")
    body.append("Đề nghị các đơn vị, cá nhân nghiêm túc thực hiện./.")
    for text in body:
        p.flow(15, text, 180, 10.5, leading=5.4, after=1.5)
    cc = ["Ban Giám đốc", "Các phòng ban", "Lưu: VT, HCNS"]
    signer = _vi_person(rng)[0]
    _vi_sign(p, cc, ["TM. BAN GIÁM ĐỐC"], "GIÁM ĐỐC", signer)
    return _fields(
        _content=p.bytes(), dispatch_number=number, issuer=issuer, issue_place=place,
        issue_date=issued.isoformat(), subject=subject, signer_name=signer,
        signer_title="GIÁM ĐỐC", cc=cc, reply_deadline=deadline.isoformat() if deadline else None,
    )  # fmt: skip


def _su_nghiep(rng: random.Random) -> dict[str, Any]:
    """A public service unit (hospital, school) under its parent: `V/v` over two lines,
    `Kính gửi:` followed by recipients one per line, a boxed `KHẨN` sometimes."""
    p = _Page("sans")
    parent, issuer, code = rng.choice(
        [
            ("SỞ Y TẾ HÀ NỘI", "BỆNH VIỆN ĐA KHOA ĐỨC GIANG", "BVĐG-KHTH"),
            ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "TRƯỜNG THPT CHU VĂN AN", "CVA-VP"),
        ]
    )
    issued = _day(rng)
    number = f"{rng.randint(10, 900)}/{code}"
    _vi_head(p, issuer, parent, number, f"Hà Nội, {_decree30(issued)}")
    subject = rng.choice(
        [
            "đề nghị cung cấp hồ sơ năng lực và báo giá thiết bị phục vụ chuyên môn năm 2027",
            "phối hợp tổ chức chương trình ngoại khóa và tham quan thực tế cho học sinh khối 11",
        ]
    )
    y = 35.0
    for line in p.wrap(f"V/v {subject}", 62, 9.5):
        p.put_centre(52, y, line, 9.5)
        y += 4.6
    urgency = rng.choice([None, "khẩn"])
    if urgency:
        p.box(40, y + 1, 24, 7.5, 0.5)
        p.put_centre(52, y + 6.6, "KHẨN", 11, bold=True)
        y += 9
    recipients = rng.sample(
        [
            "Công ty Cổ phần Thiết bị Y tế Việt Nhật",
            "Công ty TNHH Du lịch Hồng Ngọc",
            "Sở Tài chính thành phố Hà Nội",
        ],
        2,
    )
    p.y = y + 10
    p.put(30, p.y, "Kính gửi:", 10.5)
    for n, item in enumerate(recipients):
        p.put(55, p.y, f"- {item}{'.' if n == len(recipients) - 1 else ';'}", 10.5)
        p.y += 5.6
    p.y += 4
    deadline = issued + timedelta(days=rng.randint(7, 25))
    for text in (
        f"{issuer.title()} trân trọng đề nghị Quý đơn vị phối hợp thực hiện nội dung nêu trên.",
        f"Văn bản phản hồi đề nghị gửi về trước ngày {_dmy(deadline)}.",
        "Trân trọng./.",
    ):
        p.flow(15, text, 180, 10.5, leading=5.4, after=1.5)
    cc = ["Như trên", "Giám đốc (để b/c)", "Lưu: VT"]
    signer = _vi_person(rng)[0]
    head = "GIÁM ĐỐC" if "BỆNH VIỆN" in issuer else "HIỆU TRƯỞNG"
    title = f"PHÓ {head}"
    _vi_sign(p, cc, [f"KT. {head}"], title, signer)
    return _fields(
        _content=p.bytes(), dispatch_number=number, issuer=issuer, issue_place="Hà Nội",
        issue_date=issued.isoformat(), subject=subject, recipients=recipients, signer_name=signer,
        signer_title=title, cc=cc, urgency=urgency, reply_deadline=deadline.isoformat(),
    )  # fmt: skip
