"""What Vietnamese official letters are made of, for the dispatch extractor: the words that
open an organisation's name, the titles signers hold, delegation marks, urgency marks and
the surnames most Vietnamese carry.

Every pattern is written on accent-folded, upper-cased text (`fold(text).upper()`), so it
matches what OCR prints without diacritics as well as what was typed with them.
"""

from __future__ import annotations

import re

from extractors.text import fold

# A line of an issuer block that opens with one of these names a body of its own (a parent
# authority above the issuer, or the issuer under it); any other line continues the name on
# the line above (`ỦY BAN NHÂN DÂN` / `TỈNH NGHỆ AN`). Decree 30/2020 Appendix I and the
# names state bodies, Party committees and enterprises print. Written with diacritics:
# folded, `TRƯỜNG` (a school) is `TRƯỞNG`'s and `TRƯỜNG SƠN`'s twin and `ĐÀI` is `ĐẠI`'s.
_HEADS = (
    r"BỘ|UBND|ỦY BAN|HỘI ĐỒNG|HĐND|SỞ|CỤC|TỔNG CỤC|CHI CỤC|VỤ|VIỆN|HỌC VIỆN|BAN|PHÒNG|"
    r"VĂN PHÒNG|TRUNG TÂM|TRƯỜNG|BỆNH VIỆN|CÔNG TY|TỔNG CÔNG TY|TẬP ĐOÀN|CHI NHÁNH|"
    r"NGÂN HÀNG|KHO BẠC|BẢO HIỂM|THANH TRA|TÒA ÁN|VIỆN KIỂM SÁT|CÔNG AN|BỘ CHỈ HUY|"
    r"ĐẢNG BỘ|ĐẢNG ỦY|(?:TỈNH|THÀNH|HUYỆN|QUẬN|THỊ) ỦY|BAN CHẤP HÀNH|MẶT TRẬN|HỘI|"
    r"LIÊN ĐOÀN|LIÊN HIỆP|ĐOÀN|HỢP TÁC XÃ|ĐẠI HỌC|XÍ NGHIỆP|NHÀ MÁY|ĐÀI|BÁO|CẢNG VỤ|KHU|QUỸ"
)
ORGANISATION_HEADS = re.compile(rf"^(?:{_HEADS})(?!\w)")
ORGANISATION_HEADS_FOLDED = re.compile(rf"^(?:{fold(_HEADS)})(?!\w)")


def modern_tones(text: str) -> str:
    """Upper-case `text` with the tone mark of `UỶ`, `OÀ`, `OÁ` … on the first vowel, as the
    patterns here are written: old and new tone placement print the same word."""
    for old, new in (("UỶ", "ỦY"), ("OÀ", "ÒA"), ("OÁ", "ÓA"), ("OẢ", "ỎA"), ("OẠ", "ỌA")):
        text = text.replace(old, new)
    return text


# Party committees: the head word is the whole name.
COMMITTEE = re.compile(r"^(?:(?:TINH|THANH|HUYEN|QUAN|THI|DANG) UY|BAN THUONG VU)$")

# Compounds whose second syllable is also an organisation word: a name wrapped between the
# two syllables (`… DỊCH` / `VỤ …`, `… XÃ` / `HỘI`) goes on, it does not start a new body.
COMPOUNDS = frozenset(
    re.split(
        r"\s*\|\s*",
        "DICH VU|NHIEM VU|PHUC VU|NGHIEP VU|MOI TRUONG|THI TRUONG|CONG TRUONG|QUANG TRUONG|"
        "HIEN TRUONG|XA HOI|DAI HOI|QUOC HOI|CO SO|TRU SO|CAN BO|DONG BO|TOAN BO|NOI BO|"
        "TIEN BO|QUOC PHONG|DU PHONG|VAN PHONG|THONG BAO|TAP DOAN|BENH VIEN|HOC VIEN|"
        "LIEN DOAN|CONG DOAN|HOC VIEN|THU VIEN|KY BAO|NHAT BAO",
    )
)

# Words that carry a name on even though they open with an organisation word.
CONTINUING = re.compile(r"^(?:KHU VUC|DOAN KET|BAO VE|BAO DAM|BAO HANH|SO \d)")

# A legal form alone (`CÔNG TY CỔ PHẦN` with the name wrapped onto the next line) or a line
# ending in a connective does not finish a name.
UNFINISHED_NAME = re.compile(
    r"(?:\b(?:VA|CUA|THUOC|TAI|VE)|[-–,&])$|^(?:CONG TY|TONG CONG TY)"
    r"(?: (?:TNHH|CO PHAN|CP|TNHH MTV|TNHH MOT THANH VIEN|HOP DANH))*$"
    # A company's line of business comes before its own name (`CÔNG TY TNHH CÔNG NGHỆ` /
    # `TRƯỜNG SƠN`): a name ending in one is not finished.
    r"|^(?:CONG TY|TONG CONG TY)\b.*\b(?:CONG NGHE|THUONG MAI|DICH VU|DAU TU|XAY DUNG"
    r"|SAN XUAT|XUAT NHAP KHAU|VAN TAI|TU VAN|PHAT TRIEN|GIAI PHAP|KY THUAT|TRUYEN THONG"
    r"|VAT TU|THIET BI)$"
)

# Delegation before the signer's own title: ký thay (KT.), thay mặt (TM., T/M), thừa lệnh
# (TL., T/L), thừa ủy quyền (TUQ.); Q. (quyền, acting) is part of the title itself.
DELEGATION = re.compile(r"^(?:KT|K/T|TM|T/M|TL|T/L|TUQ|T\.U\.Q)\s*[.:]?\s+(?=\S)")

# The signer's own title: a head of a body or unit, their deputy, a secretary of a Party
# committee, a chief accountant signing on a director's authority.
SIGNER_TITLE = re.compile(
    r"^(?:Q\.\s*|QUYEN\s+)?(?:PHO\s+)?(?:"
    r"(?:TONG\s+)?GIAM\s+DOC|CHU\s+TICH|CHU\s+NHIEM|BI\s+THU|TONG\s+THU\s+KY|"
    r"(?:BO|THU|CUC|VU|VIEN|HIEU|CHI\s+CUC|KE\s+TOAN|TONG\s+CUC|TRUONG)\s+TRUONG|"
    r"TRUONG\s+\w+|CHANH\s+\w+|THU\s+TRUONG|UY\s+VIEN|GIAM\s+DOC\s+\w+"
    r")\b"
)

# SCHEMA values for the urgency marks Decree 30/2020 prints (a timed `HỎA TỐC HẸN GIỜ` is
# still `hỏa tốc`), keyed by the mark without diacritics.
URGENCY = {
    "KHAN": "khẩn",
    "THUONG KHAN": "thượng khẩn",
    "HOA TOC": "hỏa tốc",
    "HOA TOC HEN GIO": "hỏa tốc",
}

# The commonest Vietnamese surnames (together well over nine in ten people), folded: a name
# printed in capitals is told from a title by its first word.
SURNAMES = frozenset(
    re.split(
        r"\s+",
        "NGUYEN TRAN LE PHAM HOANG HUYNH PHAN VU VO DANG BUI DO HO NGO DUONG LY DINH TRINH "
        "LUONG TA CAO MAI LAM HA TRUONG QUACH TO THAI KIEU VUONG DOAN PHUNG LUU TANG LA "
        "CHU KHUONG NONG THAN TONG TIEU HUA TRIEU MAC LANG CAN KIM AU",
    )
)


# --- English letters and memos -------------------------------------------------------------
# Labels English letters and memos print, each for the field it introduces. Matched at the
# start of a line, case-insensitively, before a `:` (or alone in a cell, the value beside).
# `Your ref` is the addressee's reference, never the sender's number: it is its own label so
# that it is recognised and skipped.
EN_LABELS: dict[str, str] = {
    "your_ref": r"your\s+ref(?:erence)?(?:\s+no\.?)?",
    "number": (
        r"(?:our\s+)?ref(?:erence)?(?:\s+no\.?)?|"
        r"(?:(?:circular|letter|memo|notice|document|doc|dispatch|file|our)\s+)?(?:no\.?|number)"
    ),
    "recipients": r"to|attention|attn\.?|for\s+the\s+attention\s+of|addressees?",
    "cc": (
        r"cc|c\.c\.|bcc|copy|copy\s+to|copies\s+to|copied\s+to|distribution(?:\s+list)?|"
        r"recipients"
    ),
    "from": r"from|sender",
    "date": r"date|dated",
    "subject": r"subject|subj\.?|re|regarding",
}
EN_LABEL = re.compile(
    r"^\W{0,2}(?:"
    + "|".join(f"(?P<{key}>{pattern})" for key, pattern in EN_LABELS.items())
    + r")\s*(?::|$)\s*",
    re.IGNORECASE,
)
# A reference number printed after its label without a colon: `Circular No. 40/2026`.
EN_NUMBER_NO_COLON = re.compile(
    r"^\W{0,2}(?:(?:circular|letter|memo|notice|document|dispatch|our)\s+)?(?:no\.|number|ref\.?)"
    r"\s+(?=\S*\d)",
    re.IGNORECASE,
)

# A closing before the signature (`Yours sincerely,`), or a delegation in its place
# (`For and on behalf of …`, `FOR THE DIRECTOR GENERAL`, `p.p.`).
EN_CLOSING = re.compile(
    r"^\W*(?:yours\s+(?:sincerely|faithfully|truly|respectfully)|sincerely(?:\s+yours)?|"
    r"(?:with\s+)?(?:best|kind|warm|warmest)?\s*regards|respectfully(?:\s+yours)?|"
    r"(?:for\s+and\s+)?on\s+behalf\s+of\b.*|p\.\s?p\.\s.*)\W*$",
    re.IGNORECASE,
)
EN_DELEGATION = re.compile(r"^\W*(?:FOR|ON BEHALF OF|P\.P\.)\s+(?:THE\s+)?[A-Z]")

# The national motto a Vietnamese agency prints on its English letters: its column is not
# the issuer's. Any two words of a line suffice (OCR misreads `OF` as `OE`).
EN_MOTTO = re.compile(
    r"socialist\s+republic|republic\s+of\s+viet\s*nam|independence\s*\W\s*freedom|"
    r"freedom\s*\W\s*happiness",
    re.IGNORECASE,
)
# Words that open the name of a body of its own in an English letterhead of an authority
# (`MINISTRY OF FINANCE` above `GENERAL DEPARTMENT OF TAXATION`).
EN_ORGANISATION_HEADS = re.compile(
    r"^(?:MINISTRY|GENERAL\s+DEPARTMENT|DEPARTMENT|AGENCY|OFFICE|AUTHORITY|COMMITTEE|"
    r"[A-Z' ]+PEOPLE'S\s+COMMITTEE|PEOPLE'S\s+COMMITTEE|BOARD|COMMISSION|DIRECTORATE|"
    r"BUREAU|DIVISION|INSTITUTE|COUNCIL|EMBASSY|CONSULATE|BANK|UNIVERSITY|SCHOOL|"
    r"HOSPITAL|CORPORATION|COMPANY|BRANCH)\b",
    re.IGNORECASE,
)
# What a letterhead prints under the name: an address, contact details, a registration.
EN_CONTACT = re.compile(
    r"^\W*\d|@|www\.|https?:|\b(?:tel|phone|fax|e-?mail|mobile|website|street|st\.|road|rd\.|"
    r"avenue|ave\.|lane|floor|suite|building|p\.?\s?o\.?\s+box|registered|company\s+no|"
    r"vat\s+(?:no|reg)|district|ward|city|postcode|zip)\b",
    re.IGNORECASE,
)
# A document title standing where a letterhead might (`MEMORANDUM`, `CIRCULAR LETTER`).
EN_TITLE = re.compile(
    r"^\W*(?:(?:internal|inter-office|office)\s+)?(?:memorandum|memo|circular(?:\s+letter)?|"
    r"letter|notice|notification|announcement|official\s+letter|bulletin)\W*$",
    re.IGNORECASE,
)
# A salutation, after which an unlabelled subject line may stand.
EN_SALUTATION = re.compile(
    r"^\W*(?:dear|to whom it may concern|gentlemen|ladies and gentlemen)\b", re.IGNORECASE
)
# The legal forms that make a `From:` value an organisation rather than a person.
EN_LEGAL_FORM = re.compile(
    r"\b(?:ltd|limited|inc|incorporated|llc|llp|plc|corp|corporation|company|co\.|group|"
    r"gmbh|ag|s\.?a\.?|b\.?v\.?|jsc|pte|pty|ministry|department|agency)\b",
    re.IGNORECASE,
)

_EN_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
EN_MONTH_NUMBER = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
# A date as English letters print it: `5 March 2026`, `5th of March, 2026`, `March 5, 2026`,
# `2026-03-05`, `05/03/2026` (day first, unless the first number cannot be a month's day
# order: `03/25/2026` is American).
EN_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_EN_MONTHS})\.?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_EN_MONTHS})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})"
    r"|(?P<a4>\d{1,2})[/.](?P<b4>\d{1,2})[/.](?P<y4>\d{4}))\b",
    re.IGNORECASE,
)
# A deadline in the body: a cue, then the date (`reply by 24 May 2026`, `no later than …`).
EN_DEADLINE_CUE = re.compile(
    r"\b(?:by|before|no\s+later\s+than|not\s+later\s+than|deadline\s+(?:is|of)|until|"
    r"on\s+or\s+before)\s+(?:the\s+)?(?:close\s+of\s+business\s+(?:on\s+)?|"
    r"end\s+of\s+(?:the\s+)?day\s+(?:on\s+)?)?(?:[a-z]+day,?\s+)?$",
    re.IGNORECASE,
)
