"""CVs: name, contacts, birth date, national ID (detected, never stored), skills, languages,
education and experience by section, in any section order."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from extractors.document import Line, ParsedDocument
from extractors.fields import confidence as level
from extractors.fields.base import Extraction
from extractors.fields.cv_lexicon import names_a_job
from extractors.fields.layout import Found, below, continued, label, value_for
from extractors.normalize import clean_text, find_email, find_phone, parse_date
from extractors.text import fold, folded_pattern

_NAME = label(r"họ và tên", r"họ tên", r"full name", r"name")
_BIRTH = label(
    r"ngày sinh", r"ngày, tháng, năm sinh", r"date of birth", r"dob", r"birth ?date", r"born"
)
_LOCATION_LABELS = r"địa chỉ|nơi ở(?: hiện tại)?|chỗ ở|address|location|city"
# A label opens its line or ends in a colon: `City` closing `Ho Chi Minh City` is a value.
_LOCATION = folded_pattern(
    rf"^[\W_]*(?:{_LOCATION_LABELS})(?![\w])|(?<![\w])(?:{_LOCATION_LABELS})\s*(?:\([^)]*\))?\s*:"
)
_NATIONAL_ID = re.compile(
    r"(cccd|cmnd|căn cước(?: công dân)?|chứng minh nhân dân|national id|id card|passport|"
    r"hộ chiếu)\D{0,20}[A-Z]?\d{8,12}",
    re.IGNORECASE,
)
# A field a CV fills in about the candidate: the label, then a colon. Matched on folded text,
# at the start of a line or after a wide gap (forms print two fields a line).
_SENSITIVE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"(?:^|\s{{2,}}|\|\s*)(?:{labels})\s*(?:\([^)]*\)\s*)?:", re.I))
    for kind, labels in (
        ("ethnicity", r"dan toc|ethnicity|ethnic group"),
        ("religion", r"ton giao|religion|faith"),
        ("health", r"(?:tinh trang )?suc khoe|health(?: status| condition)?|nhom mau|blood type"),
        ("political", r"dang vien|ngay vao dang|political (?:affiliation|party)|party member"),
        ("criminal_record", r"tien an|tien su|criminal record|convictions"),
        ("sex_life", r"xu huong tinh duc|sexual orientation"),
    )
)
# Headings may be numbered: `II. KINH NGHIỆM LÀM VIỆC`, `3) Skills`.
# A scan may add a speck before them (`_KINH NGHIỆM`).
_NUMBERING = r"^[\W_]*(?:[IVX]{1,4}\.|\d{1,2}[.)])?\s*"
_SECTIONS: dict[str, re.Pattern[str]] = {
    "experience": re.compile(
        _NUMBERING + r"(kinh nghiệm(?: làm việc| công tác)?|quá trình (?:công tác|làm việc)|"
        r"(?:work |professional |relevant |employment )?experience|employment|career|"
        r"(?:employment|work|career|job|professional) (?:history|timeline|record|background|path))"
        r"\s*:?\s*$",
        re.I,
    ),
    "education": re.compile(
        _NUMBERING + r"(học vấn|trình độ học vấn|quá trình đào tạo|education)\s*:?\s*$", re.I
    ),
    "skills": re.compile(
        _NUMBERING + r"(kỹ năng|kĩ năng|(?:technical |key )?skills)\s*:?\s*$", re.I
    ),
    "languages": re.compile(_NUMBERING + r"(ngoại ngữ|ngôn ngữ|languages?)\s*:?\s*$", re.I),
    # The candidate's own details: a number or place printed alone here is theirs.
    "contacts": re.compile(
        _NUMBERING + r"((?:thông tin )?liên hệ|thông tin cá nhân|"
        r"contacts?(?: details| information| info)?|personal (?:details|information|info))"
        r"\s*:?\s*$",
        re.I,
    ),
    "other": re.compile(
        _NUMBERING + r"(mục tiêu nghề nghiệp|career objective|objective|summary|giới thiệu|"
        r"sở thích|interests|hobbies|"
        r"chứng chỉ|certifications?|references|người tham chiếu|dự án|projects|"
        r"lời cam đoan|declaration|tôi xin cam đoan.*|i hereby (?:declare|certify).*)\s*:?\s*$",
        re.I,
    ),
}
_MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# `Tháng 10/2014`, `10/2014`, `10.2014`, `Oct 2014`, `October 2014`, `2014`.
_POINT = r"(?:(?:tháng\s*)?(\d{1,2})\s*[/.]\s*(\d{4})|([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})|(\d{4}))"
# A scan may read a speck beside the dash (`Dec 2021 -.Present`).
_RANGE = re.compile(
    rf"{_POINT}\s*(?:-|–|—|to|đến)[\s.,]*(?:{_POINT}|(nay|hiện tại|present|now|current))",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_DEGREE = re.compile(
    r"(?<![\w.])(cử nhân|kỹ sư|thạc sĩ|tiến sĩ|cao đẳng|bachelor|master|mba|ph\.?d|engineer(?!ing)|"
    r"diploma|b\.?sc|m\.?sc|b\.a\.|b\.s\.|m\.s\.|m\.a\.|associate|"
    # British and short forms, in capitals only: `ba` is also Vietnamese for three.
    r"(?-i:(?:BA|BS|BSc|BEng|MEng|MA|MS|MSc|LLB|LLM|BBA)\b))[^,;|]*",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(
    r"(trường|đại học|học viện|university|college|institute|school)", re.IGNORECASE
)


class CvExtractor:
    doc_type = "cv"

    def extract(self, document: ParsedDocument) -> Extraction:
        out = Extraction(fields={})
        lines = _split_columns(list(document.lines))
        text = document.text
        sections = _sections(lines)

        name = value_for(document, _NAME, valid=_looks_like_name)
        if name is None:
            name = next(
                (
                    Found(line.text, line, level.UNCHECKED)
                    for line in lines[:6]
                    if _looks_like_name(line.text) and not _is_heading(line.text)
                ),
                None,
            )
        out.put("full_name", clean_text(name.value) if name else None, name)
        email = find_email(text)
        where = next((line for line in lines if find_email(line.text) == email), None)
        # A shape checked by its own parser (a mailbox): the reading is as good as the words
        # it came from.
        out.put("email", email, Found(email, where, level.PRINTED) if email and where else None)
        contacts = sections.get("contacts", [])
        phone = _contact_phone(lines, contacts)
        out.put("phone", phone.value if phone else None, phone)
        birth = value_for(document, _BIRTH, valid=lambda t: parse_date(t) is not None)
        out.put("date_of_birth", parse_date(birth.value) if birth else None, birth)
        location = value_for(document, _LOCATION, valid=lambda t: len(t.strip()) > 2)
        if location is not None:
            # An address wrapped mid-phrase goes on in lower case (`Thành` / `phố Hồ Chí Minh`),
            # or mid-name (`thành phố Đà` / `Nẵng`).
            location = continued(
                document, location, accept=_address_goes_on(location.value.split()[-1])
            )
            location = _after_comma(document, location)
        else:
            location = (
                _contact_line_place(lines[:8])
                or _place_beside_contacts(lines)
                or _place_in_contacts(contacts, name.value if name else None)
            )
            if location is not None and location.line is not None:
                # A place in a narrow cell wraps too (`Quận 7, TP. Hồ Chí` / `Minh`).
                location = continued(
                    document, location, accept=_address_goes_on(location.value.split()[-1])
                )
        # A scan reads a cell's rule or a speck before the value as `-` or `|`.
        place = clean_text(location.value).lstrip("-–—|:.,_ ") if location else None
        out.put("location", place or None, location)
        id_line = next((line for line in lines if _NATIONAL_ID.search(line.text)), None)
        if id_line is None and _NATIONAL_ID.search(text):  # the number wrapped below its label
            id_line = next((line for line in lines if _NATIONAL_ID_LABEL.search(line.text)), None)
        out.fields["national_id_present"] = bool(_NATIONAL_ID.search(text))
        if id_line is not None:  # where it is, so the reviewer sees what was masked
            out.note("national_id_present", Found("true", id_line, _LISTED))
        sensitive = _sensitive_kinds(lines)
        out.fields["sensitive_data"] = [kind for kind, _ in sensitive]
        for index, (kind, line) in enumerate(sensitive):  # where, for the reviewer to check
            out.note(f"sensitive_data[{index}]", Found(kind, line, _LISTED))

        skills = _items(sections.get("skills", []))
        out.fields["skills"] = [item for item, _ in skills]
        languages = [
            (re.split(r"\s*[:(–-]\s*", item)[0], line)
            for item, line in _items(sections.get("languages", []))
        ]
        out.fields["languages"] = [item for item, _ in languages]
        for key, listed in (("skills", skills), ("languages", languages)):
            for index, (item, line) in enumerate(listed):
                out.note(f"{key}[{index}]", Found(item, line, _LISTED))
        right = _Edges(lines)
        education = _education(sections.get("education", []), right)
        experience = _experience(sections.get("experience", []), right)
        for key, entries in (("education", education), ("experience", experience)):
            for index, entry in enumerate(entries):
                origin = entry.pop("_line")
                assert isinstance(origin, Line)
                for part, value in entry.items():
                    if value is not None:
                        out.note(f"{key}[{index}].{part}", Found(str(value), origin, _LISTED))
        out.fields["education"] = education
        out.fields["experience"] = experience
        stated = _stated_years(lines)
        if stated is not None:  # what the candidate says beats a sum of the periods read
            out.put("years_of_experience", float(stated.value), stated)
        else:
            out.fields["years_of_experience"] = _years(experience, document.as_of or date.today())
        return out


def _after_comma(document: ParsedDocument, found: Found) -> Found:
    """An address cut after a comma goes on on the line just below, wherever in the
    value's width that line starts (a form wraps it under its value column, not under the
    value's first word)."""
    if not found.value.rstrip().endswith(","):
        return found
    nxt = below(document, found.line, max_gap_lines=1.0)
    if (
        nxt is None
        or nxt.bbox[0] < found.line.bbox[0] - 4
        or not _address_goes_on(found.value.split()[-1])(nxt.text)
    ):
        return found
    return Found(
        f"{found.value} {nxt.text}",
        Line((*found.line.words, *nxt.words), nxt.page),
        found.confidence,
    )


def _address_goes_on(last_word: str) -> Callable[[str], bool]:
    """Whether a line carries on an address ending in `last_word`: lower case first, short,
    not a sentence; or, after a capitalised word with nothing closing it, the rest of that
    place's name (a word or two in capitals, no digits, not a heading)."""

    def accept(text: str) -> bool:
        if len(text) > 50 or text.rstrip().endswith("."):
            return False
        if text[:1].islower():
            return True
        words = text.split()
        return (
            last_word[:1].isupper()
            and last_word[-1:].isalpha()
            and len(words) <= 2
            and all(word[:1].isupper() and word.isalpha() for word in words)
            and not text.isupper()
            and not _is_heading(text)
        )

    return accept


# Contact lines separate their parts with bars, bullets, icons (emoji, or an icon font's
# private-use glyphs) or wide gaps.
_CONTACT_SEPARATOR = re.compile(
    r"\s*(?:[|•·\ue000-\uf8ff\u2600-\u27bf\ufe0f]|[\U0001f300-\U0001faff])\s*|\s{3,}"
)
# OCR reads a contact line's dots and bars as spaced colons and dashes.
_SCANNED_SEPARATOR = re.compile(r"\s+[:\-–]\s+")


def _contact_parts(text: str) -> list[str]:
    """A contact line's parts; on a line holding an e-mail address and no separator a
    reader kept, at spaced colons and dashes too."""
    parts = _CONTACT_SEPARATOR.split(text)
    if len(parts) == 1 and find_email(text) is not None:
        parts = _SCANNED_SEPARATOR.split(text)
    return parts


_PHONE_LABEL = re.compile(
    r"(?<![\w])(?:dien thoai|dt|sdt|dd|di dong|mobile|mob|phone|tel|telephone|cell|hotline)"
    r"(?![\w])|[☎📱📞✆]",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^[+(]{0,2}\d[\d\s().-]*\d$")  # `(+84) 777 540 088`


def _contact_phone(lines: list[Line], contacts: list[Line]) -> Found | None:
    """The candidate's phone: a number printed as a phone, where CVs print contacts. A
    number of a possible length is not enough (a DOI, a year range, a date, an id make
    some): it must be on a line with a phone label or icon, or stand alone as a part of a
    line that holds an e-mail address, sits above the first section or under a contacts
    heading."""
    first_section = next(
        (
            index
            for index, line in enumerate(lines)
            if any(pattern.match(line.text) for pattern in _SECTIONS.values())
        ),
        len(lines),
    )
    for index, line in enumerate(lines):
        # The label on the line, or alone on the line above (`Phone:` / `+84 986 …`).
        above = lines[index - 1].text if index else ""
        labelled = _PHONE_LABEL.search(fold(line.text)) is not None or (
            _PHONE_LABEL.fullmatch(fold(above).strip(" :.()")) is not None
        )
        in_contacts = (
            index < first_section
            or find_email(line.text) is not None
            or any(line is other for other in contacts)
        )
        for part in _contact_parts(line.text):
            phone = find_phone(part)
            if phone is None:
                continue
            if labelled:
                return Found(phone, line, level.PRINTED)
            if in_contacts and _BARE_NUMBER.match(part.strip()):
                return Found(phone, line, level.LABELLED)
    return None


_URL = re.compile(r"(?:https?://|www\.|linkedin\.com|github\.com)|\.\w{2,3}/", re.IGNORECASE)


def _contact_line_place(lines: list[Line]) -> Found | None:
    """The place on a résumé's contact line (`Seattle, WA | +1 (206) 555-0198 | s@x.com`):
    of its parts, the one that is not a phone, an e-mail or a link."""
    for index, line in enumerate(lines):
        parts = [part for part in _contact_parts(line.text) if part.strip()]
        if len(parts) < 2 or not any(find_email(p) or find_phone(p) for p in parts):
            continue
        for number, part in enumerate(parts):
            if find_email(part) or find_phone(part) or _URL.search(part):
                continue
            if re.search(r"[^\W\d_]{2}", part) and len(part) <= 60:
                value = part.strip()
                nxt = lines[index + 1] if index + 1 < len(lines) else None
                if (
                    number == len(parts) - 1
                    and value.endswith(",")
                    and nxt is not None
                    and _carries_on(line, nxt)
                ):  # the last part wrapped onto the next line (`…, Quận 3,` / `700000`)
                    return Found(
                        f"{value} {nxt.text.strip()}",
                        Line(line.words + nxt.words, line.page),
                        level.BY_POSITION,
                    )
                return Found(value.rstrip(","), line, level.BY_CONTEXT)
    return None


def _carries_on(line: Line, nxt: Line) -> bool:
    """Whether `nxt` is the rest of a contact line cut short: just below it, within its
    width, short, and not a contact, heading or sentence of its own."""
    height = max(line.bbox[3] - line.bbox[1], 1.0)
    return (
        nxt.page == line.page
        and 0 <= nxt.bbox[1] - line.bbox[3] <= 0.8 * height
        and nxt.bbox[0] >= line.bbox[0] - 2
        and nxt.bbox[2] <= line.bbox[2] + 2
        and len(nxt.text) <= 40
        and not (find_email(nxt.text) or _URL.search(nxt.text) or _is_heading(nxt.text))
        and not nxt.text.rstrip().endswith(".")
    )


_PLACE = re.compile(r"^[^\W\d_][\w .'’-]{1,30}(?:,\s*[^\W\d_][\w .'’-]{1,30}){1,2}$")


def _place_beside_contacts(lines: list[Line]) -> Found | None:
    """An unlabelled place in a block of contacts (`Manchester, UK` under the phone and
    e-mail, or beside them on their row): a `Town, Country` line in the same column within
    two lines of either, or on the same row."""
    for index, line in enumerate(lines):
        if not (find_email(line.text) or find_phone(line.text)):
            continue
        for at in range(max(0, index - 4), min(len(lines), index + 5)):
            other = lines[at]
            same_row = other.page == line.page and abs(other.bbox[1] - line.bbox[1]) <= 2
            near = abs(at - index) <= 2
            if (
                other is not line
                and ((near and abs(other.bbox[0] - line.bbox[0]) <= 3) or same_row)
                and _PLACE.match(other.text)
                and not (find_email(other.text) or find_phone(other.text))
                and not _is_heading(other.text)
            ):
                return Found(other.text, other, level.UNCHECKED)
    return None


def _place_in_contacts(contacts: list[Line], name: str | None) -> Found | None:
    """The place in a block under a contacts heading (`London` under the phone and e-mail):
    the short line that is none of the other things such a block holds (a phone, an
    e-mail, a link, a labelled detail, the candidate's name or job)."""
    for line in contacts:
        text = line.text.strip()
        if (
            len(text) <= 60
            and re.search(r"[^\W\d_]{2}", text)
            and ":" not in text
            and text != (name or "").strip()
            and not (find_email(text) or find_phone(text) or _URL.search(text))
            and not (names_a_job(text) or _is_heading(text))
        ):
            return Found(text, line, level.UNCHECKED)
    return None


def _sensitive_kinds(lines: list[Line]) -> list[tuple[str, Line]]:
    """The kinds of sensitive personal data the CV fills in, in a fixed order, each with
    the first line that shows it."""
    folded = [(fold(line.text), line) for line in lines]
    found: list[tuple[str, Line]] = []
    for kind, pattern in _SENSITIVE:
        line = next((line for text, line in folded if pattern.search(text)), None)
        if line is not None:
            found.append((kind, line))
    return found


def _is_heading(text: str) -> bool:
    return any(pattern.match(text) for pattern in _SECTIONS.values()) or bool(
        re.match(r"^\s*(curriculum vitae|resume|cv|sơ yếu lý lịch)\s*$", text, re.I)
    )


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return (
        2 <= len(words) <= 6
        and all(word[:1].isupper() for word in words)
        and not any(char.isdigit() or char in "@:/" for char in text)
    )


def _headings(lines: list[Line]) -> list[tuple[Line, str]]:
    return [
        (line, name)
        for line in lines
        for name, pattern in _SECTIONS.items()
        if pattern.match(line.text)
    ]


def _column_starts(lines: list[Line], headings: list[tuple[Line, str]]) -> list[float]:
    """Columns start where headings start, when something prints beside them."""
    starts: list[float] = []
    for heading, _ in sorted(headings, key=lambda item: item[0].bbox[0]):
        if not starts or heading.bbox[0] - starts[-1] > 40:
            starts.append(heading.bbox[0])
    return _side_by_side(starts, lines)


def _split_columns(lines: list[Line]) -> list[Line]:
    """Lines cut where they cross from one column into the next: a reader may join a
    main column's line and the sidebar's on the same baseline into one (`… Phương Nam`
    + `0860 155 460`). The cut is a gap wider than the text is tall before a word that
    starts where a column starts."""
    starts = _column_starts(lines, _headings(lines))[1:]
    if not starts:
        return lines
    return [piece for line in lines for piece in _cut(line, starts)]


def _sections(lines: list[Line]) -> dict[str, list[Line]]:
    """Lines under each section heading. Two-column CVs put a sidebar beside the main
    column, so a line belongs to the nearest heading above it in its own column."""
    headings = _headings(lines)
    # A line is in the column starting last at or left of it (a right-aligned date at
    # x=480 is in the column whose headings start at 215).
    starts = _column_starts(lines, headings)

    def column(x: float) -> int:
        return _column(starts, x)

    result: dict[str, list[Line]] = {}
    for line in lines:
        if any(line is heading for heading, _ in headings):
            continue
        best: tuple[tuple[int, float], str] | None = None
        for heading, name in headings:
            same_column = column(heading.bbox[0]) == column(line.bbox[0])
            order = (line.page - heading.page, line.bbox[1] - heading.bbox[1])
            if not same_column or order < (0, 0):
                continue
            if best is None or order < best[0]:
                best = (order, name)
        if best is not None:
            result.setdefault(best[1], []).append(line)
    return result


def _column(starts: list[float], x: float) -> int:
    return max((index for index, start in enumerate(starts) if start <= x + 40), default=0)


def _side_by_side(starts: list[float], lines: list[Line]) -> list[float]:
    """The column starts that are columns: each prints beside the one on its left on some
    row. A sidebar retyped in Word may sit partly in a table's right cell and partly in
    paragraphs indented further; both are one column, since nothing is ever beside it."""
    kept = list(starts)
    changed = True
    while changed and len(kept) > 1:
        changed = False
        rows: dict[tuple[int, int], set[int]] = {}
        for line in lines:
            key = (line.page, round(line.bbox[1] / 4))
            rows.setdefault(key, set()).add(_column(kept, line.bbox[0]))
        for index in range(1, len(kept)):
            if not any(index in row and index - 1 in row for row in rows.values()):
                del kept[index]
                changed = True
                break
    return kept


# Items read from a section's lists: where is known, but nothing cross-checks them.
_LISTED = level.INFERRED
_NATIONAL_ID_LABEL = re.compile(
    r"cccd|cmnd|căn cước|chứng minh nhân dân|national id|id card|passport|hộ chiếu", re.I
)


_ITEM_SEPARATORS = re.compile(r"[,;•|·▪●]|\s-\s")


def _items(lines: list[Line]) -> list[tuple[str, Line]]:
    """A section's items (split at commas, bullets, bars), each once, with its line."""
    items: list[tuple[str, Line]] = []
    for line in _unwrapped(lines):
        for part in _ITEM_SEPARATORS.split(line.text):
            part = clean_text(part.lstrip("-–•*+ "))
            if part and all(part != item for item, _ in items):
                items.append((part, line))
    return items


def _unwrapped(lines: list[Line]) -> list[Line]:
    """A list's lines with an item cut at the column's edge joined back (`Lập báo cáo
    tài` / `chính, Excel`): a line of several items that filled the column without ending
    on a separator, and the line just below it, under it, going on in lower case (one
    item a line never wraps into the next: `Looker` / `dbt`)."""
    widest = max((line.bbox[2] for line in lines), default=0.0)
    joined: list[Line] = []
    for line in lines:
        last = joined[-1] if joined else None
        if (
            last is not None
            and line.text[:1].islower()
            and line.page == last.page
            and abs(line.bbox[0] - last.bbox[0]) <= 3
            and 0 <= line.bbox[1] - last.bbox[3] <= 0.8 * (last.bbox[3] - last.bbox[1])
            and last.bbox[2] >= 0.85 * widest
            and _ITEM_SEPARATORS.search(last.text) is not None
            and not _ITEM_SEPARATORS.search(last.text.rstrip()[-1:])
        ):
            joined[-1] = Line((*last.words, *line.words), line.page)
        else:
            joined.append(line)
    return joined


def _education(lines: list[Line], right: _Edges) -> list[dict[str, object]]:
    # By rows: the years are often right-aligned on the institution's row.
    rows = _join_wrapped(_rows(_cells(lines)), right)
    texts = [" | ".join(part.text for part in row) for row in rows]
    entries: list[dict[str, object]] = []
    for index, text in enumerate(texts):
        institution = _INSTITUTION.search(text)
        degree = _DEGREE.search(text)
        if institution is None and degree is None:
            continue
        if degree is not None and institution is not None:
            degree = _degree_before(degree, institution) or degree
        following = texts[index + 1 : index + 3]
        years = [int(m.group(0)) for m in _YEAR.finditer(text)]
        if not years:  # the years on the line below (`2008 – 2012`), not another entry's
            below = next((t for t in following if _YEAR.search(t)), "")
            if below and not _INSTITUTION.search(below) and not _DEGREE.search(below):
                years = [int(m.group(0)) for m in _YEAR.finditer(below)]
        degree_text = clean_text(degree.group(0)) if degree else None
        if degree_text:  # a year range printed after the degree is not part of it
            degree_text = re.sub(r"\s*[-–—(]?\s*\d{4}.*$", "", degree_text) or None
        if degree_text and following and _OPEN_ENDED.search(degree_text):
            degree_text = clean_text(f"{degree_text} {following[0]}")  # wrapped onto the next
        institution_text = None
        if institution is not None:
            # From the keyword to what follows the name: the degree, a year, a `|`.
            stops = [m.start() for m in (_YEAR.search(text, institution.start()),) if m]
            if degree is not None and degree.start() > institution.start():
                stops.append(degree.start())
            bar = text.find("|", institution.start())
            stops += [bar] if bar >= 0 else []
            comma = text.find(", ", institution.start())
            if degree is not None and degree.end() <= institution.start() and comma >= 0:
                stops.append(comma)  # `PhD Princeton University, Computer Science`: the field
            end = min(stops, default=len(text))
            # ... and back to the start of its part: `National Economics University`.
            found = [(text.rfind(sep, 0, institution.start()), sep) for sep in _PART_SEPARATORS]
            begin = max((at + len(sep) for at, sep in found if at >= 0), default=0)
            if degree is not None and begin <= degree.start() < institution.start():
                begin = max(begin, degree.end())
            # ... without a period printed before it (`06/2016 Học viện Tài chính`)
            name = re.sub(r"^[\d/.\s–—-]+", "", text[max(begin, 0) : end]).strip(" -–—,|:(")
            institution_text = clean_text(name) or None
        if degree_text is None and not years:
            continue  # a table's column heading (`Trường / Cơ sở đào tạo`), not a school
        if institution_text is None and entries and entries[-1]["degree"] is None:
            entries[-1]["degree"] = degree_text
            continue
        last = entries[-1] if entries else None
        if (
            degree_text is None
            and last is not None
            and last["institution"] is None
            and last["end_year"] is None
        ):  # the degree printed first, its school and year below (`BA (Hons) Marketing`)
            last["institution"] = institution_text
            last["end_year"] = max(years, default=None)
            continue
        entries.append(
            {
                "institution": institution_text,
                "degree": degree_text,
                "end_year": max(years, default=None),
                "_line": _row_line(rows[index]),
            }
        )
    return entries


def _degree_before(degree: re.Match[str], institution: re.Match[str]) -> re.Match[str] | None:
    """A degree read up to the school printed right after it (`PhD Princeton University`):
    the degree ends where the school's capitalised name starts before its keyword."""
    if not degree.end(1) <= institution.start() < degree.end():
        return None
    text = degree.string
    start = institution.start()
    for word in reversed(list(re.finditer(r"\S+", text[degree.end(1) : start]))):
        if not word.group(0)[:1].isupper():
            break
        start = degree.end(1) + word.start()
    # The same reading over the text cut where the school starts: offsets stay the row's.
    return _DEGREE.match(text[:start].rstrip(), degree.start())


_PART_SEPARATORS = ("|", " – ", " — ", " - ", ", ")
_OPEN_ENDED = re.compile(r"\b(?:in|of|and|về|ngành|chuyên ngành)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[•\-–*▪●◦+·]\s*")
_EMPLOYER = re.compile(
    r"công ty|\bcty\b|tnhh|cổ phần|\bcp\b|tập đoàn|ngân hàng|chi nhánh|bệnh viện|trường|"
    r"\bco\.|\bltd\b|\binc\b|\bllc\b|\bcorp|\bcompany\b|\bgroup\b|\bbank\b|\bjsc\b|"
    r"\bplc\b|\bgmbh\b|\bpte\b|\buniversity\b|\bagency\b|\bholdings?\b|\bpartners\b",
    re.IGNORECASE,
)
# A job's heading lines are short; a longer line is its description.
_HEADING_LENGTH = 80


def _experience(lines: list[Line], right: _Edges) -> list[dict[str, object]]:
    """Jobs anchored on their date ranges. A job's employer and title are on the range's own
    row (`03/2021 – nay | Company | Title`, or the title left of a right-aligned range), on
    the short rows right after it, and, when that leaves one of them, on the row before it;
    only on the rows before it when the section opens with a job's heading above the first
    range (a sidebar CV's `Title — Employer` / `May 2020 – Present`). Of a row, only its
    leftmost text counts: a location or date is printed right."""
    rows = _join_wrapped(_rows(_cells(lines)), right)
    dated = [index for index, row in enumerate(rows) if any(_RANGE.search(p.text) for p in row)]
    if not dated:
        return _undated(rows)
    described = _described(rows)
    # A job's heading (naming a job or an employer) opening the section above the first
    # period, with nothing beside that period: every job prints its heading above its
    # period, and the rows after a period are its description or the next job's heading.
    first = dated[0]
    opening: list[str] = []  # the heading lines right above the first period
    for index in range(first - 1, max(first - 3, -1), -1):
        if index in described or not _is_heading_line(rows[index][0].text):
            break
        opening.append(rows[index][0].text)
    headed_above = not _on_row(rows[first])[2] and any(
        names_a_job(text) or _EMPLOYER.search(text) for text in opening
    )
    entries: list[dict[str, object]] = []
    taken = -1  # the last row read as part of a job
    for number, index in enumerate(dated):
        row = rows[index]
        holder, match, heading = _on_row(row)
        start = _month(match.groups()[:5])
        end = None if match.group(11) else _month(match.groups()[5:10])
        limit = dated[number + 1] if number + 1 < len(dated) else len(rows)
        after = index + 1
        # A range printed beside a job's first bullet (a timeline's right column) has the
        # job's heading above it; the rows after it are that bullet's wrapped text.
        beside_bullet = any(_BULLET.match(part.text) for part in row if part is not holder)
        while (
            not (beside_bullet or headed_above)
            and after < limit
            and len(_heading_parts(heading)) < 2
            and after not in described
            and _is_heading_line(rows[after][0].text)
        ):
            heading.append(rows[after][0].text)
            after += 1
        before = index - 1
        while (
            len(_heading_parts(heading)) < 2
            and before > taken
            and before not in described
            and _is_heading_line(rows[before][0].text)
        ):
            heading.insert(0, rows[before][0].text)
            before -= 1
        taken = max(taken, after - 1)
        employer, title = _employer_and_title(heading)
        entries.append(
            {
                "employer": employer,
                "title": title,
                "start": start,
                "end": end,
                "_line": _row_line(row),
            }
        )
        taken = max(taken, index)
    return entries


def _on_row(row: list[Line]) -> tuple[Line, re.Match[str], list[str]]:
    """A dated row's part holding the period, the period, and the heading printed on the
    row beside it (`Technical Lead at Acme | 2019 – 2021`)."""
    holder = next(part for part in row if _RANGE.search(part.text))
    match = _RANGE.search(holder.text)
    assert match is not None
    remainder = (holder.text[: match.start()] + " " + holder.text[match.end() :]).strip(" |:–—-,()")
    heading = [part.text for part in row if part is not holder and _is_heading_line(part.text)]
    heading += [clean_text(p) for p in _split_heading(remainder) if p.strip(" :")]
    return holder, match, heading


_WORD = re.compile(r"[^\W\d_]{2}")


def _described(rows: list[list[Line]]) -> set[int]:
    """The rows that describe a job rather than head it: bullets, and the lines a bullet
    wraps onto (indented past the bullet's mark, no mark of their own)."""
    described: set[int] = set()
    indent: float | None = None  # where the current bullet's wrapped lines start
    for index, row in enumerate(rows):
        first = row[0]
        if _BULLET.match(first.text):
            described.add(index)
            # A hanging indent: under the bullet's text when the mark is a word of its own.
            text = next((w for w in first.words if not _BULLET.fullmatch(w.text + " ")), None)
            indent = text.bbox[0] if text is not None and text is not first.words[0] else None
            if indent is None:
                indent = first.bbox[0] + 1.5
        elif (
            (indent is not None and len(row) == 1 and first.bbox[0] > indent - 3)
            or _is_sentence(first.text)
            or (index - 1 in described and _ends_sentence(first.text))
        ):
            described.add(index)
        else:
            indent = None
    return described


_DURATION = re.compile(
    r"^\(?\d+(?:[.,]\d+)?\+?\s*(?:năm|tháng|years?|yrs?|months?|mos?)\)?$", re.IGNORECASE
)


def _undated(rows: list[list[Line]]) -> list[dict[str, object]]:
    """Jobs printed without dates (`Title | Employer | 2 năm`): a heading row whose parts
    are a title and an employer, told apart by the job lexicon and legal forms."""
    entries: list[dict[str, object]] = []
    for row in rows:
        text = " | ".join(part.text for part in row)
        if _BULLET.match(text) or _RANGE.search(text):
            continue
        parts = _heading_parts([text])
        if len(parts) < 2 or any(len(part) > _HEADING_LENGTH for part in parts):
            continue
        employer, title = _employer_and_title([text])
        if employer is None or title is None:
            continue
        if not (_EMPLOYER.search(employer) or names_a_job(title)):
            continue
        entries.append(
            {
                "employer": employer,
                "title": title,
                "start": None,
                "end": None,
                "_line": _row_line(row),
            }
        )
    return entries


def _row_line(row: list[Line]) -> Line:
    """A row's parts as one line: the place an entry read from the row is shown at."""
    return Line(tuple(word for part in row for word in part.words), row[0].page)


def _split_heading(text: str) -> list[str]:
    """A job heading's parts: split at bars, else at spaced en or em dashes; a hyphen or a
    comma belongs to names (`Hành chính - Nhân sự`, `Co., Ltd`)."""
    for separator in (r"\s*\|\s*", r"\s+[–—]\s+"):
        parts = re.split(separator, text)
        if len(parts) > 1:
            return parts
    return [text] if text else []


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Lines sharing a baseline (tops or middles within 4 points: OCR boxes a cell's words
    by their own heights), each row left to right, rows top down."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: (line.page, line.bbox[1], line.bbox[0])):
        last = rows[-1][0] if rows else None
        if (
            last is not None
            and last.page == line.page
            and (
                abs(last.bbox[1] - line.bbox[1]) <= 4
                or abs(last.bbox[1] + last.bbox[3] - line.bbox[1] - line.bbox[3]) <= 8
            )
        ):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda line: line.bbox[0]) for row in rows]


def _cells(lines: list[Line]) -> list[Line]:
    """Lines cut where a table's cells were read as one (`04/2014 - 12/2015 Công ty … Kỹ
    sư`) before a word that starts where a cell starts on another row, and without the
    specks a scan leaves (a timeline's dot read as `Ò`), which would stand between a
    row's parts."""
    starts = [part.bbox[0] for row in _rows(lines) if len(row) > 1 for part in row]
    return [
        piece
        for line in lines
        for piece in _cut(line, starts)
        if _WORD.search(piece.text) or any(char.isdigit() for char in piece.text)
    ]


def _cut(line: Line, starts: list[float]) -> list[Line]:
    """`line` in pieces at each gap wider than the text is tall before a word that starts
    at one of `starts`."""
    pieces: list[Line] = []
    piece = [line.words[0]]
    for previous, word in zip(line.words, line.words[1:], strict=False):
        if word.bbox[0] - previous.bbox[2] > word.height and any(
            abs(word.bbox[0] - start) <= 3 for start in starts
        ):
            pieces.append(Line(tuple(piece), line.page))
            piece = []
        piece.append(word)
    pieces.append(Line(tuple(piece), line.page))
    return pieces


class _Edges:
    """Where a cell in a section's last column must stop: where the next column of the
    page starts on its row (a sidebar), else where the page's text ends."""

    def __init__(self, lines: list[Line]) -> None:
        self._lines = lines
        self._right: dict[int, float] = {}
        for line in lines:
            self._right[line.page] = max(self._right.get(line.page, 0.0), line.bbox[2])

    def limit(self, cell: Line) -> tuple[float, bool]:
        """The edge, and whether it is another column's start (which keeps a gutter)."""
        top, bottom = cell.bbox[1], cell.bbox[3]
        beside = [
            line.bbox[0]
            for line in self._lines
            if line.page == cell.page
            and line.bbox[0] > cell.bbox[2]
            and line.bbox[1] < bottom
            and line.bbox[3] > top
        ]
        if beside:
            return min(beside), True
        return self._right[cell.page], False


def _join_wrapped(rows: list[list[Line]], right: _Edges) -> list[list[Line]]:
    """Rows with the lines their cells wrap onto joined back (`Viet Tien Technology` /
    `Solutions JSC`): a row just below whose every part starts where a part above starts,
    and whose first word would not have fitted before that column's neighbour (or the
    text's right edge), so the writer's program had to break there. A title stacked under
    a short employer fits beside it, so it stays a row of its own. When only the gutter a
    column keeps before its neighbour says it could not fit, the line is not a wrap when a
    job's description follows it: then it is the job's title. Before a period, it is when
    the row above already names a title and an employer (`Title — Công ty … Văn phòng` /
    `Hưng Thịnh`)."""
    joined: list[list[Line]] = []
    for number, row in enumerate(rows):
        above = joined[-1] if joined else None
        fit = _wrapped_into(above, row, right) if above is not None else None
        if above is None or fit is None:
            joined.append(list(row))
            continue
        targets, sure = fit
        following = rows[number + 1] if number + 1 < len(rows) else None
        if (
            not sure
            and following is not None
            and not _is_heading_line(following[0].text)
            and not (
                any(_RANGE.search(part.text) for part in following)
                and len(_heading_parts([part.text for part in above])) >= 2
            )
        ):
            joined.append(list(row))
            continue
        for part, index in zip(row, targets, strict=True):
            above[index] = Line((*above[index].words, *part.words), part.page)
    return joined


def _wrapped_into(
    above: list[Line], row: list[Line], right: _Edges
) -> tuple[list[int], bool] | None:
    """For each part of `row`, the part of `above` it carries on, and whether its first
    word could not have fitted even without a gutter; None if `row` is a row of its own."""
    first = row[0]
    height = max(part.words[0].bbox[3] - part.words[0].bbox[1] for part in row)
    bottom = max(part.words[-1].bbox[3] for part in above)
    if first.page != above[0].page or first.bbox[1] - bottom > 0.6 * height:
        return None
    targets: list[int] = []
    sure = True
    for part in row:
        if (
            _RANGE.search(part.text)
            or _BULLET.match(part.text)
            or part.text.endswith(":")
            or _is_sentence(part.text)
        ):
            return None
        index = next(
            (i for i, cell in enumerate(above) if abs(cell.bbox[0] - part.bbox[0]) <= 3), None
        )
        if index is None or index in targets:
            return None
        cell = above[index]
        if _RANGE.search(cell.text):
            return None  # a period does not wrap into a name: what follows is the next field
        word = part.words[0].bbox
        height = word[3] - word[1]
        # A column leaves a gutter before its neighbour (a right-aligned date's box starts
        # later than its column does); a page's columns, a wider one.
        if index + 1 < len(above):
            limit, gutter = above[index + 1].bbox[0], height
        else:
            limit, beside = right.limit(cell)
            gutter = 2 * height if beside else height
        reach = cell.words[-1].bbox[2] + 0.25 * height + (word[2] - word[0])
        if reach <= limit - gutter:
            return None  # it would have fitted: not a wrap
        sure = sure and reach > limit
        targets.append(index)
    return targets, sure


def _is_heading_line(text: str) -> bool:
    return (
        bool(text.strip())
        and not _BULLET.match(text)
        and len(text) <= _HEADING_LENGTH
        and _RANGE.search(text) is None
        and not _is_sentence(text)
    )


def _is_sentence(text: str) -> bool:
    """A line of prose, not a name or title: several words ending on a lower-case word
    with a full stop (`…across teams.`; a name's `Co., Ltd.` ends capitalised)."""
    return len(text.split()) >= 5 and _ends_sentence(text)


def _ends_sentence(text: str) -> bool:
    words = text.split()
    return bool(words) and words[-1].endswith((".", "!")) and words[-1][:1].islower()


_LOCATION_PART = re.compile(
    r"^[^\W\d_][\w.'’ -]{1,30},\s*(?:[A-Z]{2,3}|[^\W\d_][\w'’-]+(?:\s[^\W\d_][\w'’-]+)?)$"
)
# A note on a title, not part of it: `Specialist (Trước đây)`, `Engineer (current)`.
_TITLE_NOTE = re.compile(
    r"\s*\((?:trước đây|hiện tại|hiện nay|former(?:ly)?|previous(?:ly)?|current(?:ly)?|now)\)$",
    re.IGNORECASE,
)


def _heading_parts(heading: list[str]) -> list[str]:
    """A job heading's fields: its lines split at bars and dashes, without a place
    (`Santa Clara, CA`) or a duration (`2 năm`); a single part naming a job and something
    else is split at ` at ` or a comma (`Research Intern at Google`, `Nexus AI, CTO`)."""
    parts: list[str] = []
    for text in heading:
        parts += [clean_text(part.strip(" |:–—-")) for part in _split_heading(text)]
    parts = [part for part in parts if part and not _DURATION.match(part)]
    if len(parts) > 1:
        parts = [
            part
            for part in parts
            if not (
                _LOCATION_PART.match(part) and not names_a_job(part) and not _EMPLOYER.search(part)
            )
        ] or parts[:1]
    if len(parts) == 1:
        for separator in (r"\s+(?:at|@|tại)\s+", r",\s+"):
            pieces = re.split(separator, parts[0], maxsplit=1)
            if len(pieces) == 2 and sum(names_a_job(piece) for piece in pieces) == 1:
                return [piece.strip() for piece in pieces]
    return parts


def _employer_and_title(heading: list[str]) -> tuple[str | None, str | None]:
    employer, title = _employer_or_title(heading)
    if title is not None:
        title = _TITLE_NOTE.sub("", title) or None
    return employer, title


def _employer_or_title(heading: list[str]) -> tuple[str | None, str | None]:
    parts = _heading_parts(heading)
    if not parts:
        return None, None
    employers = [part for part in parts if _EMPLOYER.search(part)]
    if len(employers) == 1:
        employer = employers[0]
        others = [part for part in parts if part != employer]
        return employer, others[0] if others else None
    # No legal form to go by (`Northgate Property Management`): the title is the one part
    # naming a job.
    titles = [part for part in parts[:2] if names_a_job(part)]
    if len(parts) > 1 and len(titles) == 1:
        title = titles[0]
        return next(part for part in parts if part != title), title
    return parts[0], parts[1] if len(parts) > 1 else None


def _month(groups: tuple[str | None, ...]) -> str | None:
    month, year, month_name, named_year, bare_year = groups
    if month and year:
        return f"{int(year):04d}-{int(month):02d}"
    if month_name and named_year and month_name.lower()[:3] in _MONTH_NAMES:
        return f"{int(named_year):04d}-{_MONTH_NAMES.index(month_name.lower()[:3]) + 1:02d}"
    if bare_year:
        return f"{int(bare_year):04d}-01"
    return None


_STATED_YEARS = re.compile(
    r"(?<![\w.,])(\d{1,2}(?:[.,]\d)?)\+?\s*(?:years?|yrs?|năm)\s+(?:of\s+)?"
    r"(?:(?:professional|work|working|relevant|industry|hands-on)\s+)?(?:experience|kinh nghiệm)"
    r"|(?:kinh nghiệm|experience)\s*(?:làm việc\s*)?:?\s*"
    r"(\d{1,2}(?:[.,]\d)?)\+?\s*(?:năm|years?)\b",
    re.IGNORECASE,
)


def _stated_years(lines: list[Line]) -> Found | None:
    """Years of experience as the CV states them (`14 years of experience`, `5 năm kinh
    nghiệm`, `Kinh nghiệm: 3 năm`)."""
    for line in lines:
        match = _STATED_YEARS.search(line.text)
        if match is not None:
            value = (match.group(1) or match.group(2)).replace(",", ".")
            return Found(value, line, level.LABELLED)
    return None


def _years(experience: list[dict[str, object]], today: date) -> float | None:
    """Total years worked, counting overlapping jobs once."""
    spans: list[tuple[int, int]] = []
    now = today.year * 12 + today.month - 1
    for entry in experience:
        start = entry["start"]
        if not isinstance(start, str):
            continue
        end = entry["end"]
        first = int(start[:4]) * 12 + int(start[5:7]) - 1
        last = int(end[:4]) * 12 + int(end[5:7]) - 1 if isinstance(end, str) else now
        if last >= first:
            spans.append((first, last + 1))
    if not spans:
        return None
    spans.sort()
    months, current_start, current_end = 0, spans[0][0], spans[0][1]
    for first, last in spans[1:]:
        if first > current_end:
            months += current_end - current_start
            current_start, current_end = first, last
        else:
            current_end = max(current_end, last)
    months += current_end - current_start
    return round(months / 12, 1)
