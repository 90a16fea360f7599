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
