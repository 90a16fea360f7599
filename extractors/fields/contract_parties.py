"""Contract parties, in the order the contract introduces them.

Contracts introduce parties in four ways, all read here by geometry and labels rather than by
any template:

- a heading per party (`BÊN A (BÊN MUA):`, `Bên cho thuê`, `PARTY A:`, `THE SELLER:`) with
  the name after it, on a `Tên công ty:` line or on the line below, then `Label: value` lines
  (one or two a row, or a label | value table);
- headings side by side (`BÊN A` | `BÊN B`), the parties in columns under them: each column's
  own `Label: value` lines, or a grid whose left column holds the labels. A text layer may
  run neighbouring cells into one line; the headings' positions split them again;
- numbered recitals (`1. CÔNG TY …, có trụ sở tại …, do Ông … làm đại diện (sau đây gọi là
  “Bên A”);`, `(1) ACME LIMITED … whose registered office is at …`);
- one English sentence, `… by and between X, a Delaware corporation with its principal place
  of business at … (“Provider”), and Y … (“Customer”)`.

A company's representative missing from its block is looked for where it signs: a `Name:`
line under the party's name, or `Signed by … for and on behalf of …`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stdnum.vn import mst

from extractors.document import Line, Word
from extractors.fields import confidence as level
from extractors.fields.contract_text import Flow, spaced
from extractors.fields.layout import Found
from extractors.normalize import clean_text, parse_tax_id
from extractors.text import fold

_ROLE_WORDS = (
    r"seller|buyer|supplier|customer|client|lessor|lessee|landlord|tenant|contractor"
    r"|(?:service\s+)?provider|consultant|vendor|purchaser|licensor|licensee|employer"
    r"|disclosing party|receiving party|distributor"
)
_HEAD = (
    r"ben\s+(?:[a-e]|thu (?:nhat|hai|ba)|(?:ban|mua|cho|thue|cung|su|nhan|giao|tiet|duoc|dat"
    r"|van|gui|bao|vay|chuyen|uy|dai|khoan|hop|lien|tu)\b(?:\s+[^\W\d]\w*){0,4}?)"
    rf"|party\s+[a-e1-3]|(?:the\s+)?(?:{_ROLE_WORDS})"
)
_NUMBERING = r"(?:\(?\d{1,2}[.)]|\(?[ivx]{1,4}[.)]|\(?[a-e][.)]|[-•])?\s*"
_HEADING = re.compile(
    rf"^\s*{_NUMBERING}(?P<head>{_HEAD})\s*(?:\([^)]*\)?)?\s*(?P<end>:|[-–]\s|$)",
    re.IGNORECASE,
)
# Where a second heading starts inside a line that ran two cells together.
_HEAD_START = re.compile(
    rf"^(?:ben\s+\w|party\s+[a-e1-3]\b|the\s+(?:{_ROLE_WORDS})\b)", re.IGNORECASE
)
# The older English form: `BETWEEN ACME LTD, a company …` / `AND …`, in capitals.
_BETWEEN = re.compile(r"^\s*(?P<head>BETWEEN|AND)\s*:?\s+(?=\S)")
# Where the parties end and the terms begin.
_BODY_START = re.compile(
    spaced(
        r"(?:thong nhat|thoa thuan|dong y) (?:ky ket|ky|cung|giao ket)"
        r"|cac dieu khoan (?:va dieu kien )?sau|nhung dieu khoan|agree(?:d)? as follows"
        r"|following terms|now,? therefore|^ *agreed terms|it is (?:hereby )?agreed"
        r"|^ *background\b|^ *recitals\b|^ *whereas\b|^ *(?:dieu|article|clause) (?:1|i|01)\b"
    ),
    re.IGNORECASE | re.MULTILINE,
)
_LABELS: dict[str, str] = {
    "name": r"ten (?:doanh nghiep|cong ty|don vi|to chuc|khach hang|giao dich)|ho (?:va )?ten"
    r"|ong\s*/\s*ba|company name|name of (?:the )?company|full name|name"
    # A person party named after a bare honorific (`Ông: Võ Công Khắc Trường`).
    r"|ong|ba|mr|mrs|ms",
    "address": r"dia chi(?: tru so(?: chinh)?| thuong tru| lien he| giao dich| dang ky)?"
    r"|tru so(?: chinh)?|(?:registered |business |head office |office |principal )?address"
    r"|head office|registered office|principal place of business",
    "tax_id": r"ma so thue(?: ca nhan)?|mst|ma so (?:doanh nghiep|dn)|so dkkd|tax (?:code|id"
    r"|identification (?:number|no\.?)|number|registration (?:number|no\.?))|tin"
    r"|enterprise (?:code|(?:registration )?(?:number|no\.?))"
    r"|business registration (?:number|no\.?|certificate(?: no\.?)?)",
    "representative": r"(?:nguoi )?dai dien(?:(?: theo)? phap luat)?(?: boi)?|represented by"
    r"|(?:legal |authori[sz]ed )?representative",
    "position": r"chuc vu|chuc danh|position|title|designation",
    "other": r"(?:so )?dien thoai|dt|di dong|fax|e-?mail|website|tel|telephone|phone|mobile"
    r"|(?:so )?tai khoan(?: so)?|stk|(?:bank )?account(?: no\.?| number)?"
    r"|(?:tai |mo tai )?ngan hang|mo tai|bank|sinh ngay|ngay sinh|(?:so )?(?:cccd|cmnd)(?:/cmnd)?"
    r"|can cuoc(?: cong dan)?|passport|ho chieu|quoc tich|nationality|registration no\.?"
    r"|company (?:number|no\.?)|uen|ein|date of birth|id card|cap ngay|noi cap|giay uy quyen",
}
_ALTERNATIVES = "|".join(f"(?P<{key}>{pattern})" for key, pattern in _LABELS.items())
# A label at a line's start or after a separator, then its colon.
_LABEL = re.compile(
    rf"(?:^|(?<=[\s;,.]))(?:{_ALTERNATIVES})\s*(?:\([^)]{{0,30}}\))?\s*:", re.IGNORECASE
)
_ANY_LABEL = "|".join(f"(?:{pattern})" for pattern in _LABELS.values())
# A cell holding a label alone (a table's left column), colon or not; one cell may name two
# facts either of which its value may be (`Tax code / Company No.`).
_LABEL_CELL = re.compile(
    rf"^\s*(?:{_ALTERNATIVES})\s*(?:\([^)]{{0,30}}\))?(?:\s*/\s*(?:{_ANY_LABEL})\.?)*\s*:?\s*$",
    re.IGNORECASE,
)
# A value that opens with a label of its own (`Company No. 68421371` under `Tax code /
# Company No.`) is the fact that label names.
_LABEL_OPENING = re.compile(rf"^\s*(?:{_ALTERNATIVES})\b\.?\s*:?\s*(?=\S)", re.IGNORECASE)
_LABEL_LIKE = re.compile(r"^[^:]{1,40}:")
_HONORIFIC = re.compile(r"^(?:ông|bà|anh|chị|mr|mrs|ms|miss|dr|madam|sir)\.?\s+", re.IGNORECASE)
_PERSON_END = re.compile(
    r"\s*(?:[,(;]|\s[-–]\s|[-–]\s|chức vụ|chức danh|\btitle\b|\bposition\b|\bdesignation\b"
    r"|\blàm đại diện|\bas\s|$)",
    re.IGNORECASE,
)
_COMPANY = re.compile(
    r"\b(?:cong ty|chi nhanh|tong cong ty|tap doan|ngan hang|truong|vien|trung tam|hop tac xa"
    r"|doanh nghiep|limited|ltd|llc|llp|inc|corp|corporation|company|co\.|plc|jsc|pte|pty"
    r"|gmbh|sarl|group|bank|partners)\b",
    re.IGNORECASE,
)

# Facts written into a recital's sentence.
_ADDRESS_CUE = re.compile(
    spaced(
        r"(?:co tru so(?: chinh)?(?: tai)?|tru so(?: chinh)?(?: tai)?:?"
        r"|dia chi(?: tru so(?: chinh)?"
        r"| thuong tru)?(?: tai)?:?|whose registered office is(?: situated)? at"
        r"|with (?:its )?(?:registered office|principal place of business|principal office"
        r"|head office|offices?|address) (?:at|in)|(?:residing|resident|living|domiciled) at"
        r"|whose address is|having (?:its )?(?:registered office"
        r"|principal place of business|principal office|head office) at|located at"
        r"|address:?) *"
    ),
    re.IGNORECASE,
)
_ADDRESS_END = re.compile(
    spaced(
        r" *(?:[;(]|\)|, *(?:(?:with )?(?:ma so|mst|tax|enterprise|company (?:number|no)"
        r"|registration|represented|do (?:ong|ba)|dai dien|nguoi dai dien|dien thoai|tel\b|phone"
        r"|email|sinh ngay|cccd|uen|ein|hereinafter|sau day|and its|acting))"
        r"| with (?:enterprise|tax|company)|\.\s*$|$)"
    ),
    re.IGNORECASE,
)
_TAX_CUE = re.compile(
    spaced(
        r"(?:ma so (?:thue|doanh nghiep)(?: ca nhan)?|\bmst|tax (?:code|id|identification number)"
        r"|enterprise (?:code|registration (?:number|no\.?))|business registration (?:number"
        r"|no\.?))"
        r" *(?:la|is|no\.?)? *:? *"
    ),
    re.IGNORECASE,
)
_REPRESENTATIVE_CUE = re.compile(
    spaced(
        r"(?:(?<![\w])do (?=(?:ong|ba|mr|ms)\b)|represented by|dai dien boi|nguoi dai dien:?"
        r"|dai dien:?|acting through) *"
    ),
    re.IGNORECASE,
)
_NAME_END = re.compile(
    spaced(
        r" *(?:\(|, *(?:a |an |the |co tru so|tru so|ma so|mst|dia chi|sinh ngay|incorporated"
        r"|registered|organi[sz]ed|established|whose|with |having|located|of |do (?:ong|ba)"
        r"|duoc thanh lap|dang ky)|,? (?:incorporated|registered|organi[sz]ed|established)\b"
        r"| with (?:its )?(?:registered|principal)| whose |;|$)"
    ),
    re.IGNORECASE,
)


@dataclass
class _Party:
    """A party as found: its fields with where they were read."""

    name: Found | None = None
    facts: dict[str, Found] = field(default_factory=dict)

    def record(self, role: str) -> dict[str, object]:
        values: dict[str, object] = {
            "role": role,
            "name": None,
            "tax_id": None,
            "representative": None,
            "address": None,
        }
        if self.name is not None:
            values["name"] = self.name.value
        for key in ("tax_id", "representative", "address"):
            if key in self.facts:
                values[key] = self.facts[key].value
        return values


def read_parties(flow: Flow) -> tuple[list[dict[str, object]], dict[str, Found]]:
    """The parties in SCHEMA shape, and where each of their fields was read (`parties[0].name`
    → Found)."""
    first = next((index for index, line in enumerate(flow.lines) if _pieces(line)), 0)
    end = _body_start(flow, first)
    preamble_end = _body_start(flow, 0)
    if first >= preamble_end:
        # The first heading comes after the terms begin: a signature block's `COMPANY:`,
        # not a party block; the parties are in the preamble's sentence.
        end = preamble_end
    headings = [
        (index, piece) for index, line in enumerate(flow.lines[:end]) for piece in _pieces(line)
    ]
    parties = _headed(flow, headings, end) if headings else _recitals(flow, end)
    _signatures(flow, end, parties)
    records: list[dict[str, object]] = []
    where: dict[str, Found] = {}
    for number, party in enumerate(parties):
        role = f"party_{chr(ord('a') + number)}"
        records.append(party.record(role))
        # The role is the order parties are introduced in: shown where the name was read
        # (or, with no name, the first fact of the party), no surer than that order (INFERRED).
        anchor = party.name or next(
            (
                party.facts[key]
                for key in ("tax_id", "representative", "address")
                if key in party.facts
            ),
            None,
        )
        if party.name is not None:
            where[f"parties[{number}].name"] = party.name
        if anchor is not None:
            where[f"parties[{number}].role"] = Found(
                role, anchor.line, min(anchor.confidence, level.INFERRED)
            )
        for key in ("tax_id", "representative", "address"):
            if key in party.facts:
                where[f"parties[{number}].{key}"] = party.facts[key]
    return records, where


def _body_start(flow: Flow, after: int) -> int:
    start = flow.starts[after] if after < len(flow.starts) else 0
    match = _BODY_START.search(flow.folded, start)
    return flow.index_at(match.start()) if match else len(flow.lines)


# --- headings ---------------------------------------------------------------------------------


_LETTER_IN_PARENTHESES = re.compile(r"\(\s*(?:ben|party)\s+[a-e]\s*\)\s*$", re.IGNORECASE)


def _heading_end(text: str) -> int | None:
    """Where a party heading ends in `text`, or None when the text is no heading."""
    match = _HEADING.match(fold(text))
    if match is not None:
        head = match.group("head").lower()
        if (
            head.startswith("ben ")
            and match.group("end") == ""
            and len(head.split()) > 3
            and not _LETTER_IN_PARENTHESES.search(match.group(0))
        ):
            return None  # a sentence about a party, not its heading (`(BÊN B)` makes one)
        return match.end()
    between = _BETWEEN.match(text)
    return between.end() if between is not None else None


def _pieces(line: Line) -> list[Line]:
    """The party headings on a line: one, or several where the text layer ran the cells of a
    heading row together (a second heading starts after a gap wider than a word space)."""
    words = line.words
    cuts = [0]
    for index in range(1, len(words)):
        gap = words[index].bbox[0] - words[index - 1].bbox[2]
        if gap > 0.5 * max(words[index].height, 1.0) and _HEAD_START.match(
            fold(" ".join(word.text for word in words[index : index + 2]))
        ):
            cuts.append(index)
    pieces = [
        Line(words[a:b], line.page) for a, b in zip(cuts, [*cuts[1:], len(words)], strict=True)
    ]
    headed = [piece for piece in pieces if _heading_end(piece.text) is not None]
    return headed if headed and headed[0] is pieces[0] else []


def _same_row(a: Line, b: Line) -> bool:
    return a.page == b.page and a.bbox[1] < b.bbox[3] and b.bbox[1] < a.bbox[3]


def _headed(flow: Flow, headings: list[tuple[int, Line]], end: int) -> list[_Party]:
    parties: list[_Party] = []
    position = 0
    while position < len(headings):
        row = [headings[position]]
        while position + len(row) < len(headings) and _same_row(
            row[0][1], headings[position + len(row)][1]
        ):
            row.append(headings[position + len(row)])
        after = position + len(row)
        following = headings[after][0] if after < len(headings) else end
        if len(row) > 1:
            parties += _columns(flow, sorted(row, key=lambda item: item[1].bbox[0]), following)
        else:
            parties.append(_block(flow, row[0][0], following))
        position = after
    return parties


# --- one party under its heading ---------------------------------------------------------------


def _block(flow: Flow, heading: int, end: int) -> _Party:
    """A party under its own heading: the lines down to the next heading."""
    party = _Party()
    block = flow.lines[heading + 1 : end]
    party.name = _name_after_heading(flow.lines[heading], block)
    _read_labels(block, party)
    if party.name is None and block:
        first = block[0]
        named = _name_cut(Found(clean_text(first.text), first, level.INFERRED))
        if (
            named is not None
            and not _LABEL_LIKE.match(first.text)
            and not first.text.startswith("(")
        ):
            party.name = _continued_name(first, block[1:], named)
    if party.name is not None:
        party.name = _without_honorific(party.name)
    stop = flow.starts[end] - 1 if end < len(flow.starts) else len(flow.text)
    _read_inline(flow, flow.starts[heading], stop, party)
    return party


def _name_after_heading(heading: Line, block: list[Line]) -> Found | None:
    rest_start = _heading_end(heading.text) or 0
    rest = heading.text[rest_start:]
    # `BÊN A - BÊN MUA: CÔNG TY …`: the role after the dash is not the name.
    role = re.match(r"^[^:]{0,30}:\s*", rest)
    if role is not None and not _COMPANY.search(fold(role.group(0))):
        rest_start += role.end()
        rest = heading.text[rest_start:]
    stripped = rest.strip()
    label = _LABEL.match(fold(stripped))
    if label is not None and label.lastgroup != "name":
        return None
    if not stripped or _is_role(stripped):
        return None
    offset = heading.text.index(stripped, rest_start)
    found = _name_cut(
        Found(clean_text(stripped), heading.span(offset, len(heading.text)), level.PHRASED)
    )
    if found is None:
        return None
    return _continued_name(heading, block, found)


def _name_cut(found: Found) -> Found | None:
    """A name line running on into the party's description ends where the description starts
    (`CÔNG TY ABC, có trụ sở tại …`, `ACME LTD, a company incorporated …`)."""
    end = _NAME_END.search(fold(found.value))
    value = found.value[: end.start()].strip(" ,;") if end else found.value
    if not value:
        return None
    if value == found.value:
        return found
    words = found.line.words[: len(value.split())]
    return Found(value, Line(tuple(words), found.line.page), found.confidence)


def _is_role(text: str) -> bool:
    """`(Bên mua)`, `BÊN BÁN`, `(sau đây gọi là Bên A)`, `NGƯỜI SỬ DỤNG LAO ĐỘNG`: a role,
    not a name."""
    folded = fold(text).strip(" :()").lower()
    return bool(
        re.fullmatch(r"(?:ben|party|the)\b[\w ]{0,30}|sau day goi la[\w ]*", folded)
        or re.fullmatch(_ROLE_NOUNS, folded)
    )


# What a party is called by its role in the contract, in a heading after `BÊN A -`.
_ROLE_NOUNS = (
    rf"(?:(?:the )?(?:{_ROLE_WORDS}|employee|worker|landlord|licensee|owner|shipper"
    r"|transporter|principal|agent|lender|borrower|guarantor)"
    r"|nguoi (?:su dung )?lao dong|nguoi (?:thue|cho thue|ban|mua|nhan|giao|uy quyen"
    r"|duoc uy quyen|vay|cho vay|bao lanh)(?: [a-z]+){0,2}"
    r"|(?:ben )?(?:ban|mua|thue|cho thue|cung cap|cung ung|su dung|nhan|giao|dat hang"
    r"|nhan thau|giao thau|van chuyen|dich vu|tu van|khach hang)(?: [a-z]+){0,2})"
)


def _continued_name(line: Line, following: list[Line], found: Found) -> Found:
    """A name in capitals wrapped onto the next line(s), which carry no label of their own."""
    value = found.value
    if value.upper() != value:
        return found
    words = list(found.line.words)
    previous = line
    for nxt in following[:2]:
        text = nxt.text.strip()
        height = max(previous.bbox[3] - previous.bbox[1], 1.0)
        if (
            nxt.page != previous.page
            or nxt.bbox[1] - previous.bbox[3] > 1.2 * height
            or not text
            or text.upper() != text
            or text.startswith("(")
            or _LABEL_LIKE.match(text)
            or _LABEL_CELL.match(fold(text))
            or not any(abs(nxt.bbox[0] - left) <= 4 for left in (line.bbox[0], found.line.bbox[0]))
        ):
            break
        value = f"{value} {clean_text(text)}"
        words += nxt.words
        previous = nxt
    if previous is line:
        return found
    return Found(value, Line(tuple(words), found.line.page), min(found.confidence, level.LABELLED))


def _read_labels(block: list[Line], party: _Party) -> None:
    """`Label: value` facts of a block; a label alone in a cell takes the cell to its right."""
    block = _label_cells(_cells(block))
    for position, line in enumerate(block):
        folded = fold(line.text)
        cell = _LABEL_CELL.match(folded)
        if cell is not None:
            key = cell.lastgroup or "other"
            if key != "other":
                value = _right_cell(line, block)
                if value is not None:
                    if _names_other(value, key):
                        continue
                    if key in ("address", "name"):
                        value = _spilled(line, value, block)
                    _store(party, key, value)
            continue
        matches = list(_LABEL.finditer(folded))
        for number, match in enumerate(matches):
            key = match.lastgroup or "other"
            stop = matches[number + 1].start() if number + 1 < len(matches) else len(line.text)
            text = line.text[match.end() : stop].strip()
            if not text or key == "other":
                continue
            offset = line.text.index(text, match.end())
            found = Found(clean_text(text), line.span(offset, offset + len(text)), level.PHRASED)
            if number + 1 == len(matches) and key in ("address", "name"):
                found = _continued(line, block[position + 1 :], found)
            _store(party, key, found)


def _names_other(value: Found, key: str) -> bool:
    """Whether a value cell opens with a label of another fact (`Company No. 68421371` under
    `Tax code / Company No.`): it is that fact's value. An honorific opens a name, not a
    label (`Ms. Hoang Bao Hung`)."""
    own = _LABEL_OPENING.match(fold(value.value))
    return own is not None and own.lastgroup != key and not _HONORIFIC.match(value.value)


def _cells(block: list[Line]) -> list[Line]:
    """The block's lines cut where a gap wider than a word space parts two cells: a text
    layer runs a table's label cell and value cell into one line (`Tax code 6162021558`)."""
    cells: list[Line] = []
    for line in block:
        words = line.words
        start = 0
        for index in range(1, len(words)):
            gap = words[index].bbox[0] - words[index - 1].bbox[2]
            height = max(words[index].height, 1.0)
            before = " ".join(word.text for word in words[start:index])
            # A label cell (short, no colon) ends at a narrower gap than other text does.
            label_like = ":" not in before and len(before) <= 40
            if gap > 1.2 * height or (label_like and gap > 0.6 * height):
                cells.append(Line(words[start:index], line.page))
                start = index
        cells.append(Line(words[start:], line.page) if start else line)
    return cells


def _alone(cell: Line, cells: list[Line]) -> bool:
    """Whether nothing stands right of `cell` on its row."""
    return not any(
        other is not cell and _same_row(other, cell) and other.bbox[0] > cell.bbox[2]
        for other in cells
    )


def _label_cells(cells: list[Line]) -> list[Line]:
    """Label cells wrapped within their column (`Tax identification` / `number`, `Legal` /
    `representative`) joined into one: the fragment below stands alone at the label's left
    edge, maybe after the value's own wrapped lines, and only the two together are a label."""
    out = list(cells)
    position = 0
    while position < len(out):
        cell = out[position]
        folded = fold(cell.text)
        if _LABEL_CELL.match(folded) or _LABEL_LIKE.match(cell.text) or len(folded) > 40:
            position += 1
            continue
        height = max(cell.bbox[3] - cell.bbox[1], 1.0)
        for below in out[position + 1 : position + 4]:
            if below.page != cell.page or below.bbox[1] - cell.bbox[3] > 2.5 * height:
                break
            if abs(below.bbox[0] - cell.bbox[0]) > 4 or not _alone(below, out):
                continue
            if _LABEL_CELL.match(f"{folded} {fold(below.text)}"):
                out[position] = Line((*cell.words, *below.words), cell.page)
                out.remove(below)
            break
        position += 1
    return out


def _spilled(label: Line, found: Found, cells: list[Line]) -> Found:
    """A value cell's last line retyped at the table's left margin (a Word table whose
    wrapped cell became a paragraph): alone on its row, right under the value, no label and
    no heading, it continues the address or name."""
    last = max(found.line.words, key=lambda word: word.bbox[1])
    height = max(last.bbox[3] - last.bbox[1], 1.0)
    below = [
        cell
        for cell in cells
        if cell.page == label.page
        and cell.bbox[1] > last.bbox[1] + 0.5 * height
        and cell.bbox[1] - last.bbox[3] <= 0.8 * height
    ]
    if len(below) != 1:
        return found
    spill = below[0]
    text = spill.text.strip()
    folded = fold(text)
    if (
        abs(spill.bbox[0] - label.bbox[0]) > 4
        or spill.bbox[0] >= found.line.bbox[0] - 4
        or not _alone(spill, cells)
        or _LABEL_CELL.match(folded)
        or _LABEL.search(folded)
        or _LABEL_LIKE.match(text)
        or text.startswith("(")
        or _heading_end(text) is not None
        or _BODY_START.search(folded)
    ):
        return found
    words = (*found.line.words, *spill.words)
    return Found(
        clean_text(f"{found.value} {text}"), Line(words, found.line.page), found.confidence
    )


def _store(party: _Party, key: str, found: Found) -> None:
    """A labelled value, checked for its kind; the first reading of a fact wins."""
    value = found.value.strip(" ,;")
    if key == "name":
        if party.name is None and value:
            party.name = Found(value, found.line, found.confidence)
        return
    if key in party.facts:
        return
    if key == "tax_id":
        tax = parse_tax_id(value)
        if tax is not None:
            # A tax code whose check digit fails was misread or mistyped as often as not.
            sure = level.PRINTED if mst.is_valid(tax.split("-")[0]) else level.UNCHECKED
            party.facts[key] = Found(tax, found.line, min(found.confidence, sure))
    elif key == "representative":
        person = _person(value)
        if person:
            party.facts[key] = Found(person, found.line, min(found.confidence, level.LABELLED))
    elif key == "address" and value:
        party.facts[key] = Found(value, found.line, min(found.confidence, level.LABELLED))


def _right_cell(label: Line, block: list[Line], stop_top: float | None = None) -> Found | None:
    """The value cell right of a label cell, with the lines it wraps onto in its column, down
    to the next label cell."""
    candidates = [
        other
        for other in block
        if other is not label and _same_row(other, label) and other.bbox[0] > label.bbox[2]
    ]
    if not candidates:
        return None
    # The nearest column's first line: a wrapped line below can share the label's row too.
    left = min(other.bbox[0] for other in candidates)
    value_line = min(
        (other for other in candidates if other.bbox[0] <= left + 4),
        key=lambda other: other.bbox[1],
    )
    if stop_top is None:
        stop_top = min(
            (
                other.bbox[1]
                for other in block
                if other.page == label.page
                and other.bbox[1] > label.bbox[3] - 1
                and other.bbox[2] <= value_line.bbox[0] + 1
            ),
            default=float("inf"),
        )
    words = list(value_line.words)
    previous = value_line
    for nxt in block:
        if (
            nxt.page != value_line.page
            or nxt.bbox[1] <= previous.bbox[1] + 1
            or nxt.bbox[1] >= stop_top - 1
            or abs(nxt.bbox[0] - value_line.bbox[0]) > 4
        ):
            continue
        if nxt.bbox[1] - previous.bbox[3] > 1.2 * max(previous.bbox[3] - previous.bbox[1], 1.0):
            break
        words += nxt.words
        previous = nxt
    text = " ".join(word.text for word in words)
    return Found(clean_text(text), Line(tuple(words), value_line.page), level.LABELLED)


def _continued(line: Line, rest: list[Line], found: Found) -> Found:
    """A value wrapped onto following lines: under the value or at the label's margin, with
    no label of its own."""
    lefts = (line.bbox[0], found.line.bbox[0])
    value, words, previous = found.value, list(found.line.words), line
    for nxt in rest[:6]:  # a narrow column wraps an address over many lines
        text = nxt.text.strip()
        height = max(previous.bbox[3] - previous.bbox[1], 1.0)
        if (
            nxt.page != previous.page
            or nxt.bbox[1] - previous.bbox[3] > 1.2 * height
            or nxt.bbox[1] <= previous.bbox[1] + 0.5 * height
            or not any(abs(nxt.bbox[0] - left) <= 4 for left in lefts)
        ):
            break
        folded = fold(text)
        if (
            not text
            or _LABEL_LIKE.match(text)
            or _LABEL.search(folded)
            or _LABEL_CELL.match(folded)
            or text.startswith("(")
            or _heading_end(text) is not None
        ):
            break
        value = f"{value} {clean_text(text)}"
        words += nxt.words
        previous = nxt
    if previous is line:
        return found
    return Found(value, Line(tuple(words), line.page), min(found.confidence, level.LABELLED))


# --- parties side by side ---------------------------------------------------------------------


def _split(line: Line, bounds: list[float]) -> list[Line | None]:
    """A line cut at column bounds: its words left of the first bound, then per column."""
    parts: list[list[Word]] = [[] for _ in range(len(bounds) + 1)]
    for word in line.words:
        column = sum(1 for bound in bounds if word.bbox[0] >= bound)
        parts[column].append(word)
    return [Line(tuple(part), line.page) if part else None for part in parts]


def _columns(flow: Flow, row: list[tuple[int, Line]], end: int) -> list[_Party]:
    """Parties side by side: each heading's column holds its party, as `Label: value` lines
    or as the cells of a grid whose left column holds the labels."""
    heads = [piece for _, piece in row]
    bottom = max(head.bbox[3] for head in heads)
    first = min(index for index, _ in row)
    end = _grid_end(flow, first, end, heads)
    starts = _value_columns(flow, first, end, heads, bottom) or [head.bbox[0] for head in heads]
    bounds = [start - 4 for start in starts]
    labels: list[Line] = []
    cells: list[list[Line]] = [[] for _ in heads]
    for index in range(first, end):
        line = flow.lines[index]
        if line.page != heads[0].page or line.bbox[1] < bottom - 1:
            continue
        left, *columns = _split(line, bounds)
        if left is not None:
            labels.append(left)
        for number, part in enumerate(columns):
            if part is not None:
                cells[number].append(part)
    labels = _label_cells(labels)
    # A grid's rows start below the heading row; a heading wrapped in its cell is not a row.
    first_row = min(
        (label.bbox[1] for label in labels if _LABEL_CELL.match(fold(label.text))), default=None
    )
    parties = []
    for number, head in enumerate(heads):
        party = _Party(name=_name_after_heading(head, cells[number]))
        mine = cells[number]
        if labels and first_row is not None:
            # Stacked diacritics (`CỔ PHẦN`) lift a cell's top above its row's: its middle counts.
            mine = [cell for cell in mine if (cell.bbox[1] + cell.bbox[3]) / 2 >= first_row]
            for label in labels:
                match = _LABEL_CELL.match(fold(label.text))
                key = match.lastgroup if match else None
                if key in (None, "other") or (key == "name" and party.name is not None):
                    continue
                stop = min(
                    (other.bbox[1] for other in labels if other.bbox[1] > label.bbox[3] - 1),
                    default=float("inf"),
                )
                value = _right_cell(label, [label, *mine], stop)
                if value is not None and not _names_other(value, key):
                    _store(party, key, value)
            if party.name is None and mine:
                party.name = _first_cell(mine, labels)
        else:
            _read_labels(mine, party)
            if party.name is None and mine and not _LABEL_LIKE.match(mine[0].text):
                party.name = _continued_name(
                    mine[0], mine[1:], Found(clean_text(mine[0].text), mine[0], level.INFERRED)
                )
        if party.name is not None:
            party.name = _without_honorific(party.name)
        parties.append(party)
    return parties


def _grid_end(flow: Flow, first: int, end: int, heads: list[Line]) -> int:
    """Where the parties' columns end when no heading of the terms was recognised: at the
    first line of prose, which starts at the left margin and runs across the columns."""
    page = heads[0].page
    lines = [line for line in flow.lines if line.page == page]
    left = min(line.bbox[0] for line in lines)
    width = max(line.bbox[2] for line in lines) - left
    for index in range(first + 1, end):
        line = flow.lines[index]
        if line.page != page:
            return index
        if (
            line.bbox[0] <= left + 10
            and line.bbox[2] - line.bbox[0] > 0.6 * width
            and len(_cells([line])) == 1  # a row of cells run together is no prose
            and not _LABEL.match(fold(line.text))
        ):
            return index
    return end


def _value_columns(
    flow: Flow, first: int, end: int, heads: list[Line], bottom: float
) -> list[float] | None:
    """Where a grid's value columns start, when its left column holds labels: the headings
    need not sit over them (a Word table whose heading row was typed as a separate line).
    None when there is no label column or the values do not fall into one column per
    heading."""
    lines = [
        line
        for line in flow.lines[first:end]
        if line.page == heads[0].page and line.bbox[1] >= bottom - 1
    ]
    label_cells = [line for line in lines if _LABEL_CELL.match(fold(line.text))]
    if len(label_cells) < 2:
        return None
    label_right = max(line.bbox[0] for line in label_cells) + 20
    counts: dict[int, int] = {}
    for line in lines:
        if line.bbox[0] > label_right and not _LABEL_CELL.match(fold(line.text)):
            bucket = round(line.bbox[0] / 8)
            counts[bucket] = counts.get(bucket, 0) + 1
    common = sorted(
        bucket for bucket, count in counts.items() if count >= len(label_cells) // 2 + 1
    )
    if len(common) != len(heads):
        return None
    return [bucket * 8.0 for bucket in common]


def _first_cell(mine: list[Line], labels: list[Line]) -> Found:
    """A grid without a name label: the party's first cell is its name, wrapped within the
    cell down to the next label row."""
    first = mine[0]
    stop = min(
        (
            label.bbox[1]
            for label in labels
            if label.bbox[1] > first.bbox[1] + 1 and _LABEL_CELL.match(fold(label.text))
        ),
        default=float("inf"),
    )
    words = list(first.words)
    for cell in mine[1:]:
        if cell.bbox[1] < stop - 1 and abs(cell.bbox[0] - first.bbox[0]) <= 4:
            words += cell.words
    return Found(
        clean_text(" ".join(word.text for word in words)),
        Line(tuple(words), first.page),
        level.INFERRED,
    )


# --- recitals ---------------------------------------------------------------------------------

_ITEM = re.compile(r"^\s*(?:\(\d\)|\d[.)])\s+(?=\S)")
_BY_AND_BETWEEN = re.compile(spaced(r"\b(?:by and )?between\b *:? *"), re.IGNORECASE)
# Where one party's description ends and the next begins: its alias, maybe a short
# description after it (`("Transporter"), an Arkansas corporation, and`), then `and`.
# A list of three or more runs on with a comma instead, maybe after a short description:
# `(“PFHOF”), HOF Village Media Group, LLC (the “Village Media Company”)`, `(“Licensor”), a
# Delaware corporation, Harbor Media Group, LLC (…)`: the next name ends in a legal form, then
# its alias.
_ALIAS_SPLIT = re.compile(
    spaced(r"\) *(?:, *[^();]{0,60}?)?[,;]? *(?:and|va) +(?=\S)")
    + r"|\)\s*(?:,\s*(?:a|an)\s[^();,]{0,50}?)?\s*,\s*"
    r"(?=(?-i:(?!(?:A|An|The)\s)[A-Z][^\n(),;]{1,50}?,? (?:LLC|L\.L\.C\.|Inc\.?"
    r"|Ltd\.?|Limited|Corporation|Corp\.?|Company|L\.P\.|LP|LLP|plc|PLC|GmbH|JSC))\s*\()",
    re.IGNORECASE,
)


_ITEM_ALONE = re.compile(r"^\s*(?:\(\d\)|\d[.)])\s*$")


def _item_start(flow: Flow, index: int) -> int | None:
    """Where the numbered item on line `index` starts its text: after `1.` on the line, or
    on the next line of the same row when the number sits in a cell of its own (a Word
    table's `1.` | `CÔNG TY …`)."""
    line = flow.lines[index]
    item = _ITEM.match(line.text)
    if item is not None:
        return flow.starts[index] + item.end()
    if _ITEM_ALONE.match(line.text) and index + 1 < len(flow.lines):
        beside = flow.lines[index + 1]
        if _same_row(line, beside) and beside.bbox[0] > line.bbox[2]:
            return flow.starts[index + 1]
    return None


def _recitals(flow: Flow, end: int) -> list[_Party]:
    """Parties described in numbered items or in one `by and between` sentence."""
    limit = flow.starts[end] if end < len(flow.starts) else len(flow.text)
    items = [index for index in range(end) if _item_start(flow, index) is not None]
    spans: list[tuple[int, int]] = []
    for number, index in enumerate(items):
        start = _item_start(flow, index)
        assert start is not None
        stop = flow.starts[items[number + 1]] - 1 if number + 1 < len(items) else limit
        text = flow.folded[start:stop]
        if (
            _COMPANY.search(text[:120])
            or _HONORIFIC.match(flow.text[start:stop])
            or re.search(r"sau\s+day\s+goi\s+la|hereinafter|\(the\s", text)
        ):
            spans.append((start, stop))
    if len(spans) < 2:
        spans = []
        between = _BY_AND_BETWEEN.search(flow.folded, 0, limit)
        if between is not None:
            start = between.end()
            for split in _ALIAS_SPLIT.finditer(flow.folded, start, limit):
                spans.append((start, split.start() + 1))
                start = split.end()
            if spans:
                closing = flow.folded.find(")", start, limit)
                spans.append((start, closing + 1 if closing >= 0 else limit))
    parties = []
    for start, stop in spans:
        party = _Party()
        name_end = _NAME_END.search(flow.folded, start, stop)
        name_stop = name_end.start() if name_end else stop
        if name_stop > start:
            party.name = _without_honorific(flow.found(start, name_stop, level.INFERRED))
        _read_inline(flow, start, stop, party)
        parties.append(party)
    return parties


def _read_inline(flow: Flow, start: int, stop: int, party: _Party) -> None:
    """Address, tax code and representative written into a sentence, when no label gave
    them."""
    folded = flow.folded
    if "address" not in party.facts:
        cue = _ADDRESS_CUE.search(folded, start, stop)
        if cue is not None:
            end = _ADDRESS_END.search(folded, cue.end(), stop)
            value_end = end.start() if end else stop
            if value_end > cue.end() + 3:
                party.facts["address"] = flow.found(cue.end(), value_end, level.INFERRED)
    if "tax_id" not in party.facts:
        cue = _TAX_CUE.search(folded, start, stop)
        if cue is not None:
            digits = re.match(r"[\d .-]*\d", flow.text[cue.end() : stop])
            tax = parse_tax_id(digits.group(0)) if digits else None
            if digits is not None and tax is not None:
                sure = level.LABELLED if mst.is_valid(tax.split("-")[0]) else level.UNCHECKED
                found = flow.found(cue.end(), cue.end() + digits.end(), sure)
                party.facts["tax_id"] = Found(tax, found.line, sure)
    if "representative" not in party.facts:
        cue = _REPRESENTATIVE_CUE.search(folded, start, stop)
        if cue is not None:
            text = flow.text[cue.end() : stop]
            person = _person(text)
            if person:
                offset = cue.end() + max(0, text.find(person.split()[0]))
                found = flow.found(offset, offset + len(person), level.INFERRED)
                party.facts["representative"] = Found(person, found.line, level.INFERRED)


def _person(text: str) -> str | None:
    """A person's name without honorific, position or anything after it."""
    text = clean_text(text)
    label = re.match(r"^[^\W\d][^:\d]{0,30}:\s*(?=\S)", text)
    if label is not None:  # the rest of a label (`pháp luật: Bà …`): the name follows it
        text = text[label.end() :]
    text = _HONORIFIC.sub("", text)
    end = _PERSON_END.search(text)
    cut = end.start() if end is not None else len(text)
    name = _HONORIFIC.sub("", text[:cut].strip(" :.-–")).strip(" .,")
    if not name or any(char.isdigit() for char in name) or len(name.split()) > 6:
        return None
    return name


def _without_honorific(found: Found) -> Found:
    if _COMPANY.search(fold(found.value)):
        return found  # `ANH DUONG TRADING … LIMITED`: a company's name, not Anh Dương
    value = re.sub(r"^(?:ông|bà)\s*/\s*(?:bà|ông)\s*:?\s*", "", found.value, flags=re.IGNORECASE)
    value = _HONORIFIC.sub("", value).strip()
    return Found(value, found.line, found.confidence) if value != found.value else found


# --- signature blocks -------------------------------------------------------------------------

_SIGNED_BY = re.compile(
    spaced(
        r"signed by +(?P<person>[^,\n]+?),? +(?:[.…_]{3,} +)?(?:[^,\n]{0,40}, +)?"
        r"for and on behalf of +(?P<party>[^\n]+)"
    ),
    re.IGNORECASE,
)
_NAME_LABEL = re.compile(
    r"^\s*(?:name|full name|họ (?:và )?tên|họ tên)\s*:\s*(?P<person>.+)$", re.IGNORECASE
)


def _signatures(flow: Flow, end: int, parties: list[_Party]) -> None:
    """Representatives missing from the party blocks, from where they sign at the end: a
    `Name:` line under the party's name, or `Signed by X for and on behalf of Y`. A party
    that is a person signs for itself and has no representative."""
    missing = [
        party
        for party in parties
        if "representative" not in party.facts
        and party.name is not None
        and _COMPANY.search(fold(party.name.value))
    ]
    if not missing:
        return
    lines = flow.lines
    tail = max(end, len(lines) // 2)
    start = flow.starts[tail] if tail < len(lines) else len(flow.text)
    for match in _SIGNED_BY.finditer(flow.text, start):
        party = _matching(parties, match.group("party"))
        person = _person(match.group("person"))
        if party in missing and person and party and "representative" not in party.facts:
            found = flow.found(
                match.start("person"), match.start("person") + len(person), level.BY_CONTEXT
            )
            party.facts["representative"] = Found(person, found.line, level.BY_CONTEXT)
    names = [
        (index, m)
        for index in range(tail, len(lines))
        if (m := _NAME_LABEL.match(lines[index].text)) is not None
    ]
    columns = sorted({round(lines[index].bbox[0] / 40) for index, _ in names})
    for index, match in names:
        line = lines[index]
        party = None
        for above in range(index - 1, max(tail, index - 8) - 1, -1):
            other = lines[above]
            if other.page == line.page and abs(other.bbox[0] - line.bbox[0]) < 30:
                party = _matching(parties, other.text)
                if party is not None:
                    break
        if party is None:
            column = columns.index(round(line.bbox[0] / 40))
            party = parties[column] if column < len(parties) else None
        person = _person(match.group("person"))
        if party in missing and person and party and "representative" not in party.facts:
            start = match.start("person")
            party.facts["representative"] = Found(
                person, line.span(start, len(line.text)), level.BY_CONTEXT
            )


def _matching(parties: list[_Party], text: str) -> _Party | None:
    key = _key(text)
    if len(key) < 4:
        return None
    for party in parties:
        name = _key(party.name.value) if party.name is not None else ""
        if name and (name in key or key in name):
            return party
    return None


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text).lower())
