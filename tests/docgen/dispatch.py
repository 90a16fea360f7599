"""Official dispatch letters (`công văn`) in the Decree 30/2020/NĐ-CP layout, as offices print
them.

The decree fixes the zones: the issuing body top-left (a parent authority above it in plain
capitals, the issuer itself in bold, a short rule under it), the national motto top-right, the
number and the `V/v` excerpt under the issuer, place and date under the motto, `Kính gửi`
before the body, `Nơi nhận` bottom-left and the signer bottom-right (a delegation line such as
`KT. GIÁM ĐỐC` above the signer's own title, then the signature space, then the name). Within
that, each seed draws what real letters vary: the kind of body (a provincial department, a
people's committee, a central agency or its branch, a company, a Party committee, which prints
`ĐẢNG CỘNG SẢN VIỆT NAM` instead of the motto and numbers `Số 12-CV/TU`), one- or two-line
issuer names, the number's shape, a subject wrapping over up to three lines, one recipient
inline or a bulleted list, a body of `Căn cứ` references, meeting times and other dates around
a reply deadline phrased one of several ways (or none), one or two pages, the signer's
delegation form, the `Nơi nhận` list, urgency marks, fonts, sizes, margins and spacing.

Truth conventions: `signer_title` is the signer's own title, the last title line above the
signature (`PHÓ GIÁM ĐỐC` under `KT. GIÁM ĐỐC`); a delegation line (`KT.`, `TM.`, `TL.`, `TUQ.`,
`T/M`) is not part of it. List items are kept without their bullet and closing `;`, `,` or `.`;
wrapped values are joined with one space.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from fpdf import FPDF

from extractors.text import fold
from tests.docgen.common import FONT_DIR, GeneratedDocument, some_date

LAYOUTS = ("department", "committee", "agency", "enterprise", "party")
_LAYOUT_WEIGHTS = (3, 3, 3, 4, 1)

# --- content --------------------------------------------------------------------------------

_PROVINCES = [
    "Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hồ Chí Minh", "Nghệ An", "Thanh Hóa",
    "Quảng Ninh", "Bắc Ninh", "Thái Nguyên", "Lào Cai", "Hà Tĩnh", "Quảng Bình",
    "Thừa Thiên Huế", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Gia Lai", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu", "Long An",
    "Tiền Giang", "An Giang", "Kiên Giang", "Cà Mau", "Nam Định", "Ninh Bình", "Thái Bình",
    "Hải Dương", "Phú Thọ", "Sơn La", "Lạng Sơn", "Tây Ninh", "Đồng Tháp", "Vĩnh Long",
    "Bình Thuận",
]  # fmt: skip
# Centrally governed cities: `THÀNH PHỐ HÀ NỘI`, not `TỈNH …`.
_CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hồ Chí Minh"}
_DISTRICTS = [
    "Nam Đàn", "Thanh Chương", "Diễn Châu", "Gia Lâm", "Đông Anh", "Cẩm Lệ", "Hòa Vang",
    "Phú Lộc", "Yên Thành", "Tam Dương", "Krông Pắc", "Châu Thành", "Long Thành",
    "Tân Uyên", "Thạch Hà", "Hoằng Hóa", "Quế Võ", "Đức Trọng",
]  # fmt: skip
# (name in capitals, abbreviation used in numbers, body noun in running text)
_DEPARTMENTS = [
    ("SỞ TÀI CHÍNH", "STC", "Sở Tài chính"),
    ("SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SKHĐT", "Sở Kế hoạch và Đầu tư"),
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT", "Sở Giáo dục và Đào tạo"),
    ("SỞ Y TẾ", "SYT", "Sở Y tế"),
    ("SỞ XÂY DỰNG", "SXD", "Sở Xây dựng"),
    ("SỞ NỘI VỤ", "SNV", "Sở Nội vụ"),
    ("SỞ TƯ PHÁP", "STP", "Sở Tư pháp"),
    ("SỞ CÔNG THƯƠNG", "SCT", "Sở Công Thương"),
    ("SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "SNN", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "STNMT", "Sở Tài nguyên và Môi trường"),
    ("SỞ GIAO THÔNG VẬN TẢI", "SGTVT", "Sở Giao thông vận tải"),
    ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "STTTT", "Sở Thông tin và Truyền thông"),
    ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "SLĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SKHCN", "Sở Khoa học và Công nghệ"),
]
_MINISTRIES = [
    ("BỘ TÀI CHÍNH", "BTC"),
    ("BỘ CÔNG THƯƠNG", "BCT"),
    ("BỘ XÂY DỰNG", "BXD"),
    ("BỘ Y TẾ", "BYT"),
    ("BỘ NỘI VỤ", "BNV"),
    ("BỘ GIÁO DỤC VÀ ĐÀO TẠO", "BGDĐT"),
    ("BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "BTNMT"),
    ("BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "BKHĐT"),
    ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "BTTTT"),
    ("BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "BNN"),
]
_MINISTRY_UNITS = [
    ("CỤC QUẢN LÝ GIÁ", "QLG", "CỤC TRƯỞNG"),
    ("CỤC TIN HỌC VÀ THỐNG KÊ TÀI CHÍNH", "THTK", "CỤC TRƯỞNG"),
    ("CỤC KIỂM TRA VĂN BẢN", "KTrVB", "CỤC TRƯỞNG"),
    ("VỤ KẾ HOẠCH - TÀI CHÍNH", "KHTC", "VỤ TRƯỞNG"),
    ("VỤ TỔ CHỨC CÁN BỘ", "TCCB", "VỤ TRƯỞNG"),
    ("VĂN PHÒNG BỘ", "VP", "CHÁNH VĂN PHÒNG"),
    ("THANH TRA BỘ", "TTr", "CHÁNH THANH TRA"),
    ("TRUNG TÂM CÔNG NGHỆ THÔNG TIN", "TTCNTT", "GIÁM ĐỐC"),
]
_UNITS = ["VP", "KHTC", "TCCB", "QLNS", "TTr", "KT", "NV", "TH", "QLDA", "PC", "HCTH", "TCHC"]
_COMMITTEE_UNITS = ["VP", "KT", "KTN", "VX", "NC", "TH", "TCD", "NN", "ĐT", "KGVX"]
_BRANDS = [
    "MINH PHÁT", "AN BÌNH", "HOÀNG GIA", "SAO VIỆT", "ĐỨC THÀNH", "PHÚ THỊNH", "TÂN LONG",
    "HƯNG THỊNH", "THÀNH ĐẠT", "ĐẠI DƯƠNG", "BẮC NAM", "TRƯỜNG SƠN", "KIM CƯƠNG",
    "HÒA BÌNH", "NAM VIỆT", "VIỆT Á", "THIÊN LONG", "LỘC PHÁT", "QUANG MINH", "SÔNG HỒNG",
]  # fmt: skip
_COMPANY_KINDS = ["CÔNG TY TNHH", "CÔNG TY CỔ PHẦN", "CÔNG TY CP", "CÔNG TY TNHH MTV"]
_TRADES = [
    "THƯƠNG MẠI", "DỊCH VỤ", "XÂY DỰNG", "ĐẦU TƯ", "CÔNG NGHỆ", "VẬN TẢI", "THỰC PHẨM",
    "DƯỢC PHẨM", "THƯƠNG MẠI VÀ DỊCH VỤ", "XUẤT NHẬP KHẨU", "ĐẦU TƯ VÀ PHÁT TRIỂN",
    "TƯ VẤN THIẾT KẾ", "CƠ KHÍ", "MÔI TRƯỜNG ĐÔ THỊ",
]  # fmt: skip
_SURNAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Tạ", "Cao", "Mai",
]  # fmt: skip
_MIDDLE = [
    "Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Xuân", "Công",
    "Đình", "Hoài", "Kim", "Mạnh", "Anh", "Bảo", "Thế",
]  # fmt: skip
_GIVEN = [
    "An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Lan", "Long", "Mai", "Phương", "Tuấn",
    "Hùng", "Hương", "Khánh", "Linh", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Thảo", "Trung",
    "Việt", "Yến", "Cường", "Đông", "Giang", "Hiếu", "Thắng", "Tâm",
]  # fmt: skip

_SUBJECT_ACTIONS = [
    ("đề nghị", [
        "thanh toán công nợ theo Hợp đồng số {n}/{y}/HĐKT",
        "cung cấp hồ sơ, tài liệu phục vụ công tác thanh tra",
        "bố trí kinh phí thực hiện nhiệm vụ năm {y1}",
        "phối hợp kiểm tra công tác an toàn thực phẩm",
        "gia hạn thời gian thực hiện hợp đồng",
    ]),
    ("báo cáo", [
        "tình hình thực hiện dự toán ngân sách 6 tháng đầu năm {y}",
        "kết quả triển khai chương trình chuyển đổi số",
        "tình hình tài chính quý {q} năm {y}",
    ]),
    ("hướng dẫn", [
        "quyết toán kinh phí năm {y}",
        "thực hiện chế độ báo cáo thống kê",
        "triển khai phần mềm quản lý văn bản và điều hành",
    ]),
    ("góp ý", [
        "dự thảo Kế hoạch phát triển kinh tế - xã hội năm {y1}",
        "dự thảo Quy chế phối hợp trong công tác quản lý nhà nước",
    ]),
    ("tăng cường", [
        "công tác phòng cháy, chữa cháy trong mùa khô",
        "công tác phòng, chống dịch bệnh trên địa bàn",
    ]),
    ("cử cán bộ", [
        "tham gia tập huấn nghiệp vụ",
        "tham dự Hội nghị tổng kết công tác năm {y}",
    ]),
    ("mời", ["tham dự Hội nghị triển khai nhiệm vụ năm {y1}", "họp bàn phương án bồi thường"]),
    ("đăng ký", ["nhu cầu đào tạo, bồi dưỡng cán bộ, công chức năm {y1}"]),
    ("xin ý kiến", ["về phương án điều chỉnh quy hoạch chi tiết khu công nghiệp"]),
]  # fmt: skip

_STATE_RECIPIENTS = [
    "Ủy ban nhân dân các huyện, thị xã, thành phố", "Các sở, ban, ngành cấp tỉnh",
    "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Kho bạc Nhà nước {p}", "Cục Thuế {area}",
    "Văn phòng Ủy ban nhân dân tỉnh", "Các đơn vị trực thuộc",
    "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh",
    "Trung tâm Công nghệ thông tin và Truyền thông", "Đài Phát thanh và Truyền hình tỉnh",
    "Phòng Tài chính - Kế hoạch các huyện, thành phố", "Ủy ban nhân dân huyện {d}",
    "Bảo hiểm xã hội {area}",
]  # fmt: skip
_BUSINESS_RECIPIENTS = [
    "Công ty TNHH {b}", "Công ty Cổ phần {b}",
    "Ngân hàng TMCP Công thương Việt Nam - Chi nhánh {p}",
    "Ngân hàng TMCP Ngoại thương Việt Nam - Chi nhánh {p}", "Quý khách hàng",
    "Cục Thuế {area}", "Chi cục Thuế khu vực {d}", "Ban Quản lý các khu công nghiệp {area}",
    "Ông Giám đốc Công ty TNHH {b}", "Các nhà cung cấp",
]  # fmt: skip
_CC_ITEMS = [
    "{head} (để báo cáo)", "{head} (b/c)", "Ban Giám đốc", "Các Phó Giám đốc",
    "Chủ tịch, các Phó Chủ tịch UBND tỉnh (để báo cáo)", "Website {short}",
    "Cổng thông tin điện tử tỉnh", "Phòng Kế hoạch - Tài chính (để thực hiện)",
    "Thanh tra {short}", "Các phòng chuyên môn",
]  # fmt: skip

_LEGAL = [
    ("Luật", "{n}/{y0}/QH14", "Ngân sách nhà nước"),
    ("Nghị định", "{n}/{y0}/NĐ-CP", "quy định chi tiết một số điều của Luật Đầu tư công"),
    ("Thông tư", "{n}/{y0}/TT-BTC", "hướng dẫn quản lý, sử dụng kinh phí sự nghiệp"),
    ("Quyết định", "{n}/QĐ-UBND", "ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh"),
    ("Kế hoạch", "{n}/KH-UBND", "triển khai nhiệm vụ trọng tâm năm {y}"),
]
_FILLER = [
    "Để kịp thời tổng hợp, báo cáo cấp có thẩm quyền, đề nghị các cơ quan, đơn vị "
    "quan tâm, phối hợp thực hiện đầy đủ các nội dung nêu trên.",
    "Trong quá trình triển khai, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời "
    "để được hướng dẫn, giải quyết theo thẩm quyền.",
    "Các đơn vị chịu trách nhiệm về tính chính xác của số liệu báo cáo và chủ động rà soát, "
    "đối chiếu với số liệu của cơ quan tài chính cùng cấp.",
    "Nội dung báo cáo cần nêu rõ kết quả đạt được, tồn tại, hạn chế, nguyên nhân và đề xuất "
    "giải pháp khắc phục trong thời gian tới.",
    "Thông tin chi tiết xin liên hệ bộ phận đầu mối qua số điện thoại {phone} hoặc thư điện "
    "tử {email}.",
    "Việc triển khai thực hiện phải bảo đảm đúng quy định, công khai, minh bạch, tiết kiệm và "
    "hiệu quả, không để phát sinh khiếu nại, tố cáo.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách năm {y} đã giao cho đơn vị và các "
    "nguồn kinh phí hợp pháp khác theo quy định.",
    "Thủ trưởng các cơ quan, đơn vị có trách nhiệm phổ biến nội dung văn bản này đến toàn "
    "thể cán bộ, công chức, viên chức và người lao động thuộc phạm vi quản lý.",
    "Qua theo dõi, tổng hợp cho thấy một số đơn vị chưa thực hiện nghiêm chế độ thông tin, "
    "báo cáo; số liệu gửi chậm, thiếu, chưa phản ánh đúng thực tế, ảnh hưởng đến công tác "
    "chỉ đạo, điều hành chung.",
    "Rà soát, thống kê đầy đủ danh mục hồ sơ, tài liệu, hợp đồng, chứng từ có liên quan; "
    "lập biên bản đối chiếu công nợ với từng đối tác và đề xuất phương án xử lý cụ thể.",
    "Tổ chức kiểm tra, đánh giá hiện trạng cơ sở vật chất, trang thiết bị; xây dựng kế hoạch "
    "sửa chữa, bảo dưỡng định kỳ, bảo đảm an toàn trong quá trình vận hành.",
    "Phân công lãnh đạo phụ trách và bố trí cán bộ đầu mối theo dõi, đôn đốc việc thực hiện; "
    "định kỳ hằng tháng tổng hợp kết quả, báo cáo lãnh đạo đơn vị.",
    "Đẩy mạnh ứng dụng công nghệ thông tin, sử dụng văn bản điện tử và chữ ký số trong "
    "trao đổi, xử lý công việc giữa các cơ quan, đơn vị.",
    "Các khoản chi phải có đầy đủ hóa đơn, chứng từ hợp pháp, hợp lệ theo quy định; tuyệt "
    "đối không sử dụng kinh phí sai mục đích.",
]


@dataclass
class _Letter:
    """What one letter says, before it is laid out; `fields` is its truth."""

    parent: list[str]
    issuer: list[str]
    number_label: str
    number: str
    place: str
    issued: date
    subject_prefix: str
    subject: str
    recipients: list[str]
    body: list[str]
    titles: list[str]
    signer: str
    cc: list[str]
    urgency_mark: str | None
    party: bool = False
    footer: str | None = None
    letterhead: list[str] = field(default_factory=list)
    closing_punct: tuple[str, str] = (";", ".")
    fields: dict[str, object] = field(default_factory=dict)


def dispatch(seed: int = 0, *, layout: str | None = None) -> GeneratedDocument:
    """A `công văn` of the given issuer family (`LAYOUTS`), or one drawn from the seed."""
    rng = random.Random(f"dispatch-{seed}")
    family = layout or rng.choices(LAYOUTS, weights=_LAYOUT_WEIGHTS)[0]
    if family not in LAYOUTS:
        raise ValueError(f"unknown dispatch layout {family!r}; one of {LAYOUTS}")
    letter = _compose(rng, family)
    return GeneratedDocument("dispatch", "vi", _render(rng, letter), letter.fields)


def _person(rng: random.Random) -> str:
    middle = rng.choice(_MIDDLE)
    if rng.random() < 0.25:
        middle += " " + rng.choice([m for m in _MIDDLE if m != middle])
    return f"{rng.choice(_SURNAMES)} {middle} {rng.choice(_GIVEN)}"


def _place_of(rng: random.Random, province: str) -> str:
    if province == "Hồ Chí Minh":
        return rng.choice(["TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh", "TP Hồ Chí Minh"])
    return province


def _upper(text: str) -> str:
    return unicodedata.normalize("NFC", text.upper())


def _compose(rng: random.Random, family: str) -> _Letter:
    province = rng.choice(_PROVINCES)
    city = province in _CITIES
    district = rng.choice(_DISTRICTS)
    year = rng.choice([2025, 2026])
    issued = some_date(rng, year)
    place = _place_of(rng, province)
    admin = ("THÀNH PHỐ " if city else "TỈNH ") + _upper(province)
    number_value = rng.choice([rng.randint(1, 99), rng.randint(100, 999), rng.randint(1000, 4999)])
    # Offices that pad single-digit numbers print `05/UBND-VP`.
    padded = number_value < 10 and rng.random() < 0.5
    number_text = f"{number_value:02d}" if padded else str(number_value)
    parent: list[str] = []
    party = False
    head = "Giám đốc"
    closing = (";", ".")
    if family == "department":
        name, abbr, short = rng.choice(_DEPARTMENTS)
        parent = [rng.choice(["UBND ", "ỦY BAN NHÂN DÂN "]) + admin]
        issuer = [name]
        number = f"{number_text}/{abbr}-{rng.choice(_UNITS)}"
        titles = rng.choice(
            [
                ["GIÁM ĐỐC"],
                ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
                ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"],
                ["TUQ. GIÁM ĐỐC", "TRƯỞNG PHÒNG KẾ HOẠCH - TÀI CHÍNH"],
            ]
        )
    elif family == "committee":
        level = rng.random()
        if level < 0.6:
            issuer = ["ỦY BAN NHÂN DÂN", admin]
        elif level < 0.85:
            issuer = ["ỦY BAN NHÂN DÂN", "HUYỆN " + _upper(district)]
            place = district
        else:
            issuer = ["UBND " + admin]
        short = "Ủy ban nhân dân"
        head = "Chủ tịch UBND"
        number = f"{number_text}/UBND-{rng.choice(_COMMITTEE_UNITS)}"
        titles = rng.choice(
            [
                ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"],
            ]
        )
    elif family == "agency":
        kind = rng.randrange(5)
        if kind == 0:
            name, abbr = rng.choice(_MINISTRIES)
            issuer, short, head = [name], "Bộ", "Bộ trưởng"
            number = f"{number_text}/{abbr}-{rng.choice(_UNITS)}"
            titles = rng.choice(
                [
                    ["BỘ TRƯỞNG"],
                    ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"],
                    ["TUQ. BỘ TRƯỞNG", "CHÁNH VĂN PHÒNG"],
                ]
            )
            place = "Hà Nội"
        elif kind == 1:
            ministry, _ = rng.choice(_MINISTRIES)
            unit, abbr, own = rng.choice(_MINISTRY_UNITS)
            parent, issuer, short, head = [ministry], [unit], "Cục", "Lãnh đạo Bộ"
            number = f"{number_text}/{abbr}-{rng.choice(_UNITS)}"
            titles = rng.choice([[own], ["KT. " + own, "PHÓ " + own]])
            place = "Hà Nội"
        elif kind == 2:
            parent = [rng.choice(["TỔNG CỤC THUẾ", "BỘ TÀI CHÍNH"])]
            issuer, short, head = ["CỤC THUẾ " + admin], "Cục Thuế", "Tổng cục Thuế"
            number = f"{number_text}/CT-{rng.choice(['TTHT', 'KK', 'TTr', 'HCQTTV'])}"
            titles = rng.choice([["CỤC TRƯỞNG"], ["KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG"]])
        elif kind == 3:
            parent = ["BẢO HIỂM XÃ HỘI VIỆT NAM"]
            issuer, short, head = ["BẢO HIỂM XÃ HỘI " + admin], "Bảo hiểm xã hội tỉnh", "BHXH VN"
            number = f"{number_text}/BHXH-{rng.choice(['QLT', 'TCKT', 'VP', 'CĐBHXH'])}"
            titles = rng.choice([["GIÁM ĐỐC"], ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]])
        else:
            parent = ["UBND HUYỆN " + _upper(district)]
            issuer = [rng.choice(["PHÒNG TÀI CHÍNH - KẾ HOẠCH", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"])]
            short, head = "Phòng", "UBND huyện"
            number = f"{number_text}/{'TCKH' if 'TÀI' in issuer[0] else 'PGDĐT'}"
            titles = rng.choice([["TRƯỞNG PHÒNG"], ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]])
            place = district
    elif family == "enterprise":
        brand = rng.choice(_BRANDS)
        company = f"{rng.choice(_COMPANY_KINDS)} {rng.choice(_TRADES)} {brand}"
        abbr = fold("".join(word[0] for word in brand.split()))
        style = rng.random()
        if style < 0.3:
            parent = [rng.choice(["TẬP ĐOÀN", "TỔNG CÔNG TY"]) + " " + rng.choice(_BRANDS)]
        elif style < 0.4:
            parent = [company]
            company = "CHI NHÁNH " + _upper(province)
        issuer, short, head = [company], "Công ty", "Tổng Giám đốc"
        number = rng.choice(
            [
                f"{number_text}/{year}/CV-{abbr}",
                f"{number_text}/CV-{rng.choice(['TCKT', 'HCNS', 'KD', 'VP', 'KT'])}",
                f"{number_text}/{abbr}-{rng.choice(['TCKT', 'HCNS', 'KD', 'VP'])}",
                f"{number_text}/{year}/{abbr}",
            ]
        )
        titles = rng.choice(
            [
                ["GIÁM ĐỐC"],
                ["TỔNG GIÁM ĐỐC"],
                ["KT. TỔNG GIÁM ĐỐC", "PHÓ TỔNG GIÁM ĐỐC"],
                ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
                ["TM. HỘI ĐỒNG QUẢN TRỊ", "CHỦ TỊCH"],
                ["TUQ. TỔNG GIÁM ĐỐC", "KẾ TOÁN TRƯỞNG"],
            ]
        )
    else:  # party
        party = True
        if rng.random() < 0.6:
            parent, issuer, abbr = ["ĐẢNG BỘ " + admin], [("THÀNH ỦY" if city else "TỈNH ỦY")], "TU"
        else:
            parent = ["ĐẢNG BỘ " + admin]
            issuer, abbr = ["HUYỆN ỦY " + _upper(district)], "HU"
            place = district
        short, head = "Ban Thường vụ", "Thường trực Tỉnh ủy"
        number = f"{number_text}-CV/{abbr}"
        titles = rng.choice([["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"], ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]])
        closing = (",", ".")
    number_label = "Số " if party else rng.choice(["Số: ", "Số: ", "Số: ", "Số ", "Số:"])

    action, objects = rng.choice(_SUBJECT_ACTIONS)
    subject = f"{action} {rng.choice(objects)}".format(
        n=rng.randint(1, 99), y=year, y1=year + 1, q=rng.choice(["I", "II", "III", "IV"])
    )
    subject_prefix = rng.choice(["V/v ", "V/v ", "V/v ", "V/v: ", "V/V ", "Về việc: ", "Về việc "])

    pool = _BUSINESS_RECIPIENTS if family == "enterprise" else _STATE_RECIPIENTS
    brands = [b.title() for b in _BRANDS]
    count = rng.choice([1, 1, 2, 2, 3, 4, 5])
    recipients: list[str] = []
    for template in rng.sample(pool, len(pool)):
        area = ("thành phố " if city else "tỉnh ") + province
        item = template.format(p=province, d=district, b=rng.choice(brands), area=area)
        if item not in recipients:
            recipients.append(item)
        if len(recipients) == count:
            break

    cc: list[str] = []
    if len(recipients) > 1 or rng.random() < 0.6:
        cc.append("Như trên")
    extra = rng.sample(_CC_ITEMS, rng.randint(0, 3))
    cc += [item.format(head=head, short=short) for item in extra]
    unit = number.split("-")[-1] if "-" in number else "VP"
    cc.append(
        rng.choice([f"Lưu: VT, {unit}", "Lưu: VT", f"Lưu VT, {unit}", f"Lưu: VT, {unit} (02b)"])
    )
    if party:
        cc[-1] = "Lưu Văn phòng " + ("Thành ủy" if "THÀNH" in issuer[0] else "Tỉnh ủy")
    cc = cc[:5]

    urgency = rng.choice([None, None, None, "khẩn", "thượng khẩn", "hỏa tốc", "hỏa tốc hẹn giờ"])
    mark = _upper(urgency) if urgency else None
    deadline = issued + timedelta(days=rng.randint(3, 30)) if rng.random() < 0.55 else None
    body = _body(rng, issued, deadline, short, province, rng.random() < 0.3)
    footer = None
    letterhead: list[str] = []
    signer = _person(rng)
    if family == "enterprise":
        phone = f"0{rng.randint(20, 29)}.{rng.randint(3000, 3999)}.{rng.randint(1000, 9999)}"
        street = (
            f"Số {rng.randint(1, 300)} đường {rng.choice(['Lê Lợi', 'Trần Phú', 'Hùng Vương'])}"
        )
        contact = rng.random()
        if contact < 0.3:
            footer = f"Địa chỉ: {street}, {province} - ĐT: {phone} - Email: info@{abbr.lower()}.vn"
        elif contact < 0.5:
            # A company letterhead: address and telephone under the name, in small type.
            letterhead = [f"Đ/c: {street}, {province}", f"ĐT: {phone}"]
        if rng.random() < 0.15:
            signer = _upper(signer)
    letter = _Letter(
        parent=parent,
        issuer=issuer,
        number_label=number_label,
        number=number,
        place=place,
        issued=issued,
        subject_prefix=subject_prefix,
        subject=subject,
        recipients=recipients,
        body=body,
        titles=titles,
        signer=signer,
        cc=cc,
        urgency_mark=mark,
        party=party,
        footer=footer,
        letterhead=letterhead,
        closing_punct=closing,
    )
    letter.fields = {
        "dispatch_number": number,
        "issuer": " ".join(issuer),
        "issue_place": place,
        "issue_date": issued.isoformat(),
        "subject": subject,
        "recipients": recipients,
        "signer_name": letter.signer,
        "signer_title": titles[-1],
        "cc": cc,
        "urgency": "hỏa tốc" if urgency == "hỏa tốc hẹn giờ" else urgency,
        "reply_deadline": deadline.isoformat() if deadline else None,
    }
    return letter


def _numeric(day: date, rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"{day.day}/{day.month}/{day.year}"
    if style == 1:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if style == 2:
        return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def _with_ngay(day: date, rng: random.Random) -> str:
    """A date after a deadline cue: `ngày 15/3/2026` or `ngày 15 tháng 3 năm 2026`."""
    text = _numeric(day, rng)
    return text if text.startswith("ngày") else f"ngày {text}"


def _body(
    rng: random.Random,
    issued: date,
    deadline: date | None,
    short: str,
    province: str,
    long: bool,
) -> list[str]:
    """Paragraphs: references with their own numbers and dates, the request, other dates that
    are not deadlines (a meeting, a reporting cut-off, a start date), the deadline when there
    is one, and a closing formula."""
    y0 = issued.year - rng.randint(1, 6)
    paragraphs: list[str] = []
    for kind, number, about in rng.sample(_LEGAL, rng.randint(0, 2)):
        when = date(y0, 1, 1) + timedelta(days=rng.randint(0, 360))
        number = number.format(n=rng.randint(10, 199), y0=y0)
        paragraphs.append(
            f"Căn cứ {kind} số {number} ngày {_numeric(when, rng).removeprefix('ngày ')} "
            f"{about.format(y=issued.year)};"
        )
    earlier = issued - timedelta(days=rng.randint(5, 60))
    opening = rng.choice(
        [
            f"Thực hiện Công văn số {rng.randint(100, 3999)}/UBND-KT ngày "
            f"{earlier.day:02d}/{earlier.month:02d}/{earlier.year} của Ủy ban nhân dân tỉnh "
            f"{province}, {short} đề nghị các cơ quan, đơn vị thực hiện một số nội dung sau:",
            f"Phúc đáp Công văn số {rng.randint(10, 999)}/CV ngày {earlier.day}/{earlier.month}/"
            f"{earlier.year} của Quý cơ quan, {short} có ý kiến như sau:",
            f"Nhằm bảo đảm tiến độ thực hiện nhiệm vụ được giao, {short} trân trọng đề nghị "
            "Quý cơ quan phối hợp thực hiện các nội dung sau:",
        ]
    )
    paragraphs.append(opening)
    fillers = rng.sample(_FILLER, rng.randint(7, 10) if long else rng.randint(1, 3))
    phone = f"0{rng.randint(20, 29)}{rng.randint(1000000, 9999999)}"
    numbered = rng.random() < 0.5
    for index, filler in enumerate(fillers, start=1):
        text = filler.format(phone=phone, email="vanthu@example.gov.vn", y=issued.year)
        paragraphs.append(f"{index}. {text}" if numbered else text)
    others = rng.sample(range(4), rng.randint(0, 2))
    for other in others:
        when = issued + timedelta(days=rng.randint(2, 40))
        if other == 0:
            paragraphs.append(
                f"Thời gian họp: {rng.choice(['08 giờ 00', '14 giờ 00', '8h30'])}, "
                f"ngày {_numeric(when, rng).removeprefix('ngày ')}; địa điểm: Phòng họp số "
                f"{rng.randint(1, 5)}, trụ sở {short}."
            )
        elif other == 1:
            cutoff = date(issued.year - 1, 12, 31)
            paragraphs.append(
                f"Số liệu báo cáo tính đến ngày {cutoff.day}/{cutoff.month}/{cutoff.year}, "
                "chia theo từng nguồn vốn."
            )
        elif other == 2:
            paragraphs.append(
                f"Quy định này được áp dụng kể từ ngày {_numeric(when, rng).removeprefix('ngày ')}."
            )
        else:
            before = issued - timedelta(days=rng.randint(10, 90))
            paragraphs.append(
                f"Các hồ sơ đã tiếp nhận trước ngày {before.day:02d}/{before.month:02d}/"
                f"{before.year} tiếp tục được giải quyết theo quy định hiện hành."
            )
    if deadline is not None:
        paragraphs.insert(
            rng.randint(len(paragraphs) - len(others), len(paragraphs)),
            rng.choice(
                [
                    f"Văn bản đề nghị gửi về {short} trước {_with_ngay(deadline, rng)} để "
                    "tổng hợp, báo cáo.",
                    f"Báo cáo gửi về {short} chậm nhất {_with_ngay(deadline, rng)}.",
                    f"Đề nghị Quý cơ quan phản hồi bằng văn bản trước "
                    f"{rng.choice(['17 giờ 00', '16 giờ 30', '10h00'])} "
                    f"{_with_ngay(deadline, rng)}.",
                    f"Thời hạn nộp hồ sơ: chậm nhất là {_with_ngay(deadline, rng)}.",
                    f"Hạn cuối tiếp nhận hồ sơ đăng ký là {_with_ngay(deadline, rng)}.",
                    f"Các đơn vị hoàn thành và gửi kết quả trước {_with_ngay(deadline, rng)}; "
                    "quá thời hạn trên, đơn vị nào không gửi được xem như thống nhất.",
                    f"Hạn chót gửi ý kiến: {_numeric(deadline, rng).removeprefix('ngày ')}.",
                    f"Ý kiến tham gia đề nghị gửi không muộn hơn {_with_ngay(deadline, rng)}.",
                ]
            ),
        )
    paragraphs.append(
        rng.choice(
            [
                "Trân trọng./.",
                "Trân trọng cảm ơn./.",
                f"{short} trân trọng đề nghị Quý cơ quan quan tâm, phối hợp thực hiện./.",
                "Rất mong nhận được sự quan tâm, phối hợp của Quý cơ quan./.",
            ]
        )
    )
    return paragraphs


# --- layout ---------------------------------------------------------------------------------

_MM_PER_PT = 25.4 / 72
_PAGE_BOTTOM = 282.0


class _Writer:
    """fpdf2 with sans and serif DejaVu faces, text measured in millimetres."""

    def __init__(self, family: str) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(False)
        face = "DejaVuSerif" if family == "serif" else "DejaVuSans"
        self.pdf.add_font("F", "", str(FONT_DIR / f"{face}.ttf"))
        self.pdf.add_font("F", "B", str(FONT_DIR / f"{face}-Bold.ttf"))
        self.pdf.add_page()
        self.pages = 1

    def width(self, text: str, size: float, bold: bool = False) -> float:
        self.pdf.set_font("F", "B" if bold else "", size)
        return self.pdf.get_string_width(unicodedata.normalize("NFC", text))

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False) -> None:
        self.pdf.set_font("F", "B" if bold else "", size)
        self.pdf.text(x, y, unicodedata.normalize("NFC", text))

    def centre(
        self, x0: float, x1: float, y: float, text: str, size: float, bold: bool = False
    ) -> None:
        self.text((x0 + x1 - self.width(text, size, bold)) / 2, y, text, size, bold)

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}".strip()
            if current and self.width(candidate, size, bold) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
        return lines

    def new_page(self, number_y: float) -> None:
        self.pdf.add_page()
        self.pages += 1
        # Decree 30: from the second page on, the page number is printed top centre.
        self.centre(0, 210, number_y, str(self.pages), 11)


@dataclass
class _Style:
    left: float
    right: float
    split: float  # where the left header column ends
    header: float  # header type size
    body: float
    leading: float  # line height as a multiple of the type size


def _render(rng: random.Random, letter: _Letter) -> bytes:
    out = _Writer(rng.choice(["sans", "serif", "serif"]))
    left = rng.uniform(18, 30)
    right = 210 - rng.uniform(12, 20)
    style = _Style(
        left=left,
        right=right,
        split=left + (right - left) * rng.uniform(0.38, 0.44),
        header=rng.choice([11, 11.5, 12, 12.5]),
        body=rng.choice([11, 11.5, 12, 13]),
        leading=rng.uniform(1.25, 1.5),
    )
    y = _header(out, rng, letter, style)
    y = _recipients(out, rng, letter, style, y)
    y = _paragraphs(out, rng, letter, style, y)
    _signature(out, rng, letter, style, y)
    return bytes(out.pdf.output())


def _line_height(size: float, style: _Style) -> float:
    return size * _MM_PER_PT * style.leading


def _header(out: _Writer, rng: random.Random, letter: _Letter, style: _Style) -> float:
    """Issuer block and motto side by side, then number and place-date, the subject and the
    urgency mark; returns where the next block may start."""
    size = style.header
    x0, x1 = style.left - rng.uniform(4, 10), style.split - 4
    rx0, rx1 = style.split + 2, style.right + 4
    step = _line_height(size, style) * 0.9
    top = rng.uniform(15, 24)
    y = top
    for line in letter.parent:
        for part in out.wrap(line, x1 - x0, size):
            out.centre(x0, x1, y, part, size)
            y += step
    last = ""
    for line in letter.issuer:
        for part in out.wrap(line, x1 - x0, size, bold=True):
            out.centre(x0, x1, y, part, size, bold=True)
            last = part
            y += step
    for line in letter.letterhead:
        out.centre(x0, x1, y - 0.5, line, size - 2.5)
        y += step * 0.8
    underline = rng.random()
    if letter.party:
        out.centre(x0, x1, y - 0.5, "*", size)
        y += step * 0.6
    elif underline < 0.8:
        length = out.width(last, size, True) * rng.uniform(0.3, 0.5)
        centre = (x0 + x1) / 2
        out.pdf.line(centre - length / 2, y - step + 2.6, centre + length / 2, y - step + 2.6)
        y += step * 0.3
    else:
        out.centre(x0, x1, y - 1, rng.choice(["-------", "_______", "***"]), size)
        y += step * 0.6
    left_end = y

    y = top
    if letter.party:
        out.centre(rx0, rx1, y, "ĐẢNG CỘNG SẢN VIỆT NAM", size + 0.5, bold=True)
        width = out.width("ĐẢNG CỘNG SẢN VIỆT NAM", size + 0.5, True)
        out.pdf.line((rx0 + rx1 - width) / 2, y + 2.6, (rx0 + rx1 + width) / 2, y + 2.6)
        y += step * 1.5
    else:
        motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        motto_size = size
        while out.width(motto, motto_size, True) > rx1 - rx0:
            motto_size -= 0.5
        out.centre(rx0, rx1, y, motto, motto_size, bold=True)
        y += step
        slogan = rng.choice(["Độc lập - Tự do - Hạnh phúc", "Độc lập – Tự do – Hạnh phúc"])
        out.centre(rx0, rx1, y, slogan, motto_size + 0.5, bold=True)
        width = out.width(slogan, motto_size + 0.5, True)
        if rng.random() < 0.85:
            centre = (rx0 + rx1) / 2
            out.pdf.line(centre - width / 2, y + 2.6, centre + width / 2, y + 2.6)
        else:
            out.centre(rx0, rx1, y + step * 0.7, "-" * 24, size)
        y += step
    y = max(left_end, y) + rng.uniform(3, 7)

    number = letter.number_label + letter.number
    out.centre(x0, x1, y, number, size)
    place_date = (
        f"{letter.place}, ngày {_day_of(letter.issued, rng)} tháng "
        f"{_month_of(letter.issued, rng)} năm {letter.issued.year}"
    )
    date_size = size
    while out.width(place_date, date_size) > rx1 - rx0:
        date_size -= 0.5
    date_y = y + (step if rng.random() < 0.2 else 0)
    out.centre(rx0, rx1, date_y, place_date, date_size)
    y += step
    subject_size = size - rng.choice([0, 0.5, 1])
    first = letter.subject_prefix + letter.subject
    parts = out.wrap(first, x1 - x0 - rng.uniform(0, 8), subject_size)
    centred = rng.random() < 0.75
    for part in parts:
        if centred:
            out.centre(x0, x1, y, part, subject_size)
        else:
            out.text(x0 + 2, y, part, subject_size)
        y += _line_height(subject_size, style) * 0.85
    y = max(y, date_y + step)
    if letter.urgency_mark is not None:
        y += 2
        width = out.width(letter.urgency_mark, size + 1, True)
        # Decree 30 puts the mark under the excerpt; a stamp may land under the date instead.
        mark_x = (x0 + x1 - width) / 2 if rng.random() < 0.7 else (rx0 + rx1 - width) / 2
        out.text(mark_x, y + 3, letter.urgency_mark, size + 1, bold=True)
        if rng.random() < 0.5:
            out.pdf.rect(mark_x - 2, y - 2, width + 4, 7)
        y += 8
    return y + rng.uniform(4, 10)


def _day_of(day: date, rng: random.Random) -> str:
    # Decree 30 pads days below 10 with a zero; many offices do not.
    return f"{day.day:02d}" if rng.random() < 0.7 else str(day.day)


def _month_of(day: date, rng: random.Random) -> str:
    # Decree 30 pads January and February only.
    if day.month <= 2 and rng.random() < 0.7:
        return f"{day.month:02d}"
    return f"{day.month:02d}" if rng.random() < 0.2 else str(day.month)


def _recipients(
    out: _Writer, rng: random.Random, letter: _Letter, style: _Style, y: float
) -> float:
    size = style.body + rng.choice([0, 0.5, 1])
    step = _line_height(size, style)
    label = rng.choice(["Kính gửi:", "Kính gửi:", "Kính gửi:", "Kính gởi:"])
    bold = rng.random() < 0.3
    label_x = style.left + rng.uniform(10, 35)
    value_x = label_x + out.width(label + " ", size, bold) + rng.uniform(0, 3)
    if len(letter.recipients) == 1:
        text = letter.recipients[0] + rng.choice([".", ";"])
        out.text(label_x, y, label, size, bold)
        for part in out.wrap(text, style.right - value_x, size):
            out.text(value_x, y, part, size)
            y += step
        return y + rng.uniform(2, 6)
    out.text(label_x, y, label, size, bold)
    if rng.random() < 0.35:
        y += step
    bullet = rng.choice(["- ", "- ", "– "])
    text_x = value_x + out.width(bullet, size)
    for index, recipient in enumerate(letter.recipients):
        end = "." if index == len(letter.recipients) - 1 else ";"
        parts = out.wrap(recipient + end, style.right - text_x, size)
        out.text(value_x, y, bullet + parts[0], size)
        for part in parts[1:]:
            y += step
            out.text(text_x, y, part, size)
        y += step
    return y + rng.uniform(2, 6)


def _paragraphs(
    out: _Writer, rng: random.Random, letter: _Letter, style: _Style, y: float
) -> float:
    size = style.body
    step = _line_height(size, style)
    indent = rng.uniform(8, 13)
    gap = rng.uniform(0.5, 3)
    for paragraph in letter.body:
        lines = out.wrap(paragraph, style.right - style.left - indent, size)
        if len(lines) > 1:
            # Wrap the rest to the full width: only the first line is indented.
            rest = " ".join(lines[1:])
            lines = [lines[0], *out.wrap(rest, style.right - style.left, size)]
        for index, line in enumerate(lines):
            if y > _PAGE_BOTTOM - 8:
                out.new_page(12)
                y = rng.uniform(22, 28)
            out.text(style.left + (indent if index == 0 else 0), y, line, size)
            y += step
        y += gap
    return y


def _signature(out: _Writer, rng: random.Random, letter: _Letter, style: _Style, y: float) -> None:
    """`Nơi nhận` bottom-left, the signer bottom-right, side by side."""
    title_size = style.header + rng.choice([0, 0.5])
    title_step = _line_height(title_size, style) * 0.9
    cc_size = rng.choice([10, 10.5, 11])
    cc_step = _line_height(cc_size, style) * 0.9
    cc_width = style.split - style.left + rng.uniform(5, 15)
    cc_lines: list[tuple[float, str]] = []
    bullet = rng.choice(["- ", "- ", "– "])
    indent = out.width(bullet, cc_size)
    for index, item in enumerate(letter.cc):
        end = letter.closing_punct[1] if index == len(letter.cc) - 1 else letter.closing_punct[0]
        parts = out.wrap(item + end, cc_width - indent, cc_size)
        cc_lines.append((0, bullet + parts[0]))
        cc_lines += [(indent, part) for part in parts[1:]]
    space = rng.uniform(18, 30)
    placeholder = rng.random() < 0.15
    height = max(
        len(letter.titles) * title_step + space + title_step,
        (len(cc_lines) + 1) * cc_step,
    )
    y += rng.uniform(3, 8)
    if y + height > _PAGE_BOTTOM:
        out.new_page(12)
        y = rng.uniform(22, 28)
    sx0 = style.split + rng.uniform(0, 15)
    sx1 = style.right + 3
    title_y = y
    for line in letter.titles:
        out.centre(sx0, sx1, title_y, line, title_size, bold=True)
        title_y += title_step
    if placeholder:
        out.centre(sx0, sx1, title_y + space / 2 - title_step, "(Đã ký)", title_size - 1)
    out.centre(sx0, sx1, title_y + space - title_step, letter.signer, title_size, bold=True)
    cc_y = y + (title_step if rng.random() < 0.3 else 0)
    out.text(style.left - 5, cc_y, "Nơi nhận:", cc_size + 1, bold=True)
    for offset, line in cc_lines:
        cc_y += cc_step
        out.text(style.left - 5 + offset, cc_y, line, cc_size)
    if letter.footer is not None:
        out.pdf.line(style.left - 5, 284, style.right, 284)
        out.text(style.left - 5, 288, letter.footer, 8)
