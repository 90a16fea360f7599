"""Official dispatch letters (`công văn`, Decree 30/2020/NĐ-CP layout).

The decree fixes the zones, and the extractor reads them in that order: the issuing body
top-left (a parent authority may stand above the issuer), the national motto top-right (a
Party committee prints `ĐẢNG CỘNG SẢN VIỆT NAM` there), `Số:` and the `V/v` excerpt under the
issuer, place and date under the motto, an urgency mark, `Kính gửi` before the body, then
`Nơi nhận` bottom-left and the signer bottom-right: delegation lines (`KT.`, `TM.`, `TL.`,
`TUQ.`), the signer's own title, the signature space, the name.

Positions are only compared with each other (below, same column, same row), never with fixed
coordinates. A Word file's virtual layout keeps reading order and tab columns but not the
printed columns, so there the extractor leans on order and text shape instead.

`signer_title` is the signer's own title, the last title line above the name: `PHÓ GIÁM ĐỐC`
under `KT. GIÁM ĐỐC`, `CHỦ TỊCH` under `TM. ỦY BAN NHÂN DÂN`. List items (`recipients`, `cc`)
lose their bullet and their closing `;`, `,` or `.`; a wrapped item is joined with a space.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from extractors.document import Line, ParsedDocument, Word
from extractors.fields import confidence as level
from extractors.fields.base import Extraction
from extractors.fields.dispatch_lexicon import (
    COMMITTEE,
    COMPOUNDS,
    CONTINUING,
    DELEGATION,
    EN_CLOSING,
    EN_CONTACT,
    EN_DATE,
    EN_DEADLINE_CUE,
    EN_DELEGATION,
    EN_LABEL,
    EN_LEGAL_FORM,
    EN_MONTH_NUMBER,
    EN_MOTTO,
    EN_NUMBER_NO_COLON,
    EN_ORGANISATION_HEADS,
    EN_SALUTATION,
    EN_TITLE,
    ORGANISATION_HEADS,
    ORGANISATION_HEADS_FOLDED,
    SIGNER_TITLE,
    SURNAMES,
    UNFINISHED_NAME,
    URGENCY,
    modern_tones,
)
from extractors.fields.layout import Found
from extractors.normalize import clean_text
from extractors.text import fold

# --- patterns, on accent-folded text (fold keeps character offsets) ------------------------

_MOTTO = re.compile(
    r"cong\s*hoa\s*xa\s*hoi|doc\s*lap\s*\W*\s*tu\s*do|hanh\s*phuc$|dang\s*cong\s*san\s*viet",
    re.IGNORECASE,
)
# Where the motto's column starts, when a text layer ran the issuer block into it.
_MOTTO_START = re.compile(
    r"\b(?:cong\s*hoa\s*xa\s*hoi|doc\s*lap\s*\W*\s*tu\s*do|dang\s*cong\s*san\s*viet)",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"^\W{0,3}so\b\s*[:.;]?\s*"
    r"(?P<value>\d{1,5}[a-z]?(?:\s*[/-]\s*[0-9a-z&.]+)+)",
    re.IGNORECASE,
)
# A number without its label (OCR lost `Số`): digits, then symbol parts with letters.
_BARE_NUMBER = re.compile(r"^\W{0,3}(?P<value>\d{1,5}\s*/\s*[0-9a-z]*[a-z][0-9a-z&./-]*)$", re.I)
_DATE_WORDS = r"ngay\s*(?P<d>\d{1,2})\s*thang\s*(?P<m>\d{1,2})\s*,?\s*nam\s*(?P<y>\d{4})"
_PLACE_DATE = re.compile(
    rf"^\W{{0,2}}(?P<place>[^\d,:;]{{2,45}}?)\s*[,.]?\s*{_DATE_WORDS}", re.IGNORECASE
)
_PLACE_DATE_START = re.compile(r"^\W{0,2}[^\d,:;]{2,45}?\s*,\s*ngay\b", re.IGNORECASE)
_SUBJECT = re.compile(r"^\W{0,2}(?:v\s*[/|]\s*v|ve\s+viec)\b\s*[:.]?\s*", re.IGNORECASE)
# The title of a decision, notice, submission, plan or report, alone on its line.
_DOC_TITLE = re.compile(
    r"^\W*(?:quyet dinh|thong bao|to trinh|ke hoach|bao cao|nghi quyet|chi thi|huong dan"
    r"|giay moi|bien ban|de an|chuong trinh|quy che|quy dinh)\W*$",
    re.IGNORECASE,
)
# The recitals a decision opens with (`Căn cứ …`, `Theo đề nghị …`).
_GROUNDS = re.compile(r"^\W*(?:can cu|xet de nghi|theo de nghi)\b", re.IGNORECASE)
_RECIPIENTS = re.compile(r"^\W{0,2}kinh\s*g[uo]i\b\s*[:;.]?\s*", re.IGNORECASE)
_CC = re.compile(r"^\W{0,2}noi\s*nhan\b\s*[:;.]?\s*", re.IGNORECASE)
_BULLET = re.compile(r"^[\s_]*[-–—•+*·]\s*")
_ITEM_END = re.compile(r"[\s;.,:_]+$")
_TERMINATED = re.compile(r"[;.,]\s*$")
# A paragraph of the body, not a wrapped list item: it opens with a reference or a number.
_PARAGRAPH_START = re.compile(
    r"^(?:can cu|thuc hien|phuc dap|theo|de nghi|nham|tiep theo|ngay|\d+[.)]\s)", re.IGNORECASE
)
# What stands in the signature space of a copy: `(Đã ký)`, `(Ký, ghi rõ họ tên)`.
_PLACEHOLDER = re.compile(
    r"^[\s(\[]*(?:da\s+ky|ky(?:\s+ten)?(?:\s*,|\s+va\b|\s+ghi\b|\s*[)\]]|\s*$))", re.IGNORECASE
)
# A digital signature's stamp printed in the seal's space: `[ KÝ BỞI CHỮ KÝ SỐ ]`, then its
# `Cơ quan: …` / `Thời gian ký: …` fields. The signer's name is printed under it.
_STAMP = re.compile(
    r"^\W*(?:ky boi|chu ky so|signed by|digitally signed|signature valid)"
    r"|^[^:]{1,30}:\s*\S",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^\W*\d{1,3}\W*$")

_DAY = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
_LONG_DAY = r"(?P<d2>\d{1,2})\s*thang\s*(?P<m2>\d{1,2})\s*,?\s*nam\s*(?P<y2>\d{4})"
# A reply deadline: a cue, at most a short stretch with no sentence break and no other date
# (a time of day may sit there: `trước 17 giờ 00 ngày …`), then the date.
_DEADLINE = re.compile(
    r"\b(?P<cue>truoc(?!\s+(?:khi|do|day|het|mat|tien|tien))|cham\s+nhat|han\s+cuoi|"
    r"han\s+chot|khong\s+muon\s+hon|khong\s+qua|thoi\s+han)\b"
    r"(?P<gap>(?:[^\d.;!?]|\d{1,2}\s*(?:gio|h|:)\s*\d{0,2}(?:\s*phut)?){0,45}?)"
    rf"(?:ngay\s*)?(?:{_DAY}|{_LONG_DAY})",
    re.IGNORECASE,
)
# A request around the deadline: the letter asks for something by that date.
_REQUEST = re.compile(
    r"\b(?:de nghi|yeu cau|gui|nop|bao cao|phan hoi|hoan thanh|dang ky|tiep nhan|y kien|"
    r"cung cap|tra loi|hoan thien)\b",
    re.IGNORECASE,
)
_PAST = re.compile(r"\bda\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:.]")


# --- text helpers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """A line with its NFC text and the text's accent-folded twin (same offsets)."""

    line: Line
    text: str
    folded: str

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.line.bbox

    @property
    def height(self) -> float:
        return max(self.line.bbox[3] - self.line.bbox[1], 1.0)

    @property
    def virtual(self) -> bool:
        return any(word.source in ("docx", "xml") for word in self.line.words)


def _row(line: Line) -> _Row:
    text = unicodedata.normalize("NFC", line.text)
    return _Row(line, text, fold(text))


def _span(row: _Row, start: int) -> Line:
    """The words of `row` from character `start` of its NFC text on."""
    words = []
    offset = 0
    for word in row.line.words:
        end = offset + len(unicodedata.normalize("NFC", word.text))
        if end > start:
            words.append(word)
        offset = end + 1
    return Line(tuple(words or row.line.words), row.line.page)


def _joined(lines: Iterable[Line]) -> Line:
    lines = list(lines)
    first = lines[0]
    words = [word for line in lines if line.page == first.page for word in line.words]
    return Line(tuple(words), first.page)


def _letters(text: str) -> str:
    return "".join(char for char in text if char.isalpha())


def _upper(text: str) -> bool:
    letters = _letters(text)
    return len(letters) >= 2 and letters.isupper()


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _overlaps(a: tuple[float, ...], b: tuple[float, ...], slack: float = 0.0) -> bool:
    return a[0] - slack < b[2] and b[0] - slack < a[2]


# --- the extractor ---------------------------------------------------------------------------


class DispatchExtractor:
    doc_type = "dispatch"

    def extract(self, document: ParsedDocument) -> Extraction:
        out = Extraction(fields={})
        rows = [_row(piece) for line in document.lines for piece in _unmerged(line)]
        # Reading order after the splits: top to bottom by a line's middle, then left to right.
        rows.sort(key=lambda row: (row.line.page, _middle(row.line), row.bbox[0]))
        reader = _Letter if _vietnamese(rows) else _EnglishLetter
        reader(document, rows).read(out)
        return out


class _Letter:
    """One letter's lines and the anchors found in them, read zone by zone."""

    def __init__(self, document: ParsedDocument, rows: list[_Row]) -> None:
        self.document = document
        self.rows = rows
        self.index = {id(row.line): position for position, row in enumerate(rows)}
        first_page = [row for row in rows if row.line.page == 1]
        self.recipients_at = _first(rows, lambda row: bool(_RECIPIENTS.match(row.folded)))
        # The header zone: page 1 before `Kính gửi`; without one, before the first long line
        # (a `Về việc` line may be as long) or the `Căn cứ` recitals a decision opens with.
        end = self.recipients_at
        if end is None:
            end = _first(
                rows,
                lambda row: (
                    (len(row.text) > 90 and not _SUBJECT.match(row.folded))
                    or bool(_GROUNDS.match(row.folded))
                ),
            ) or len(first_page)
        self.header = rows[: min(end, len(first_page))]
        self.motto = [row for row in self.header if _MOTTO.search(row.folded)]
        self.used: set[int] = set()

    def read(self, out: Extraction) -> None:
        number = self._number(out)
        place_date = self._place_date(out)
        subject = self._subject(out)
        self._issuer(out, number, place_date, subject)
        self._urgency(out)
        after = self._recipients(out)
        cc_rows = self._cc(out)
        self._signer(out, cc_rows)
        self._deadline(out, after)

    # --- header ------------------------------------------------------------------------

    def _number(self, out: Extraction) -> _Row | None:
        for row in self.header:
            match = _NUMBER.match(row.folded)
            confidence = level.PRINTED
            if match is None:
                match = _BARE_NUMBER.match(row.folded)
                confidence = level.UNCHECKED
            if match is None or not re.search(r"[a-z]", match.group("value"), re.IGNORECASE):
                continue
            value = re.sub(r"\s+", "", row.text[match.start("value") : match.end("value")])
            value = value.rstrip(".,;:")
            out.put(
                "dispatch_number", value, Found(value, _span(row, match.start("value")), confidence)
            )
            return row
        out.fields["dispatch_number"] = None
        return None

    def _place_date(self, out: Extraction) -> _Row | None:
        for row in self.header:
            match = _PLACE_DATE.search(row.folded)
            line = row.line
            if match is None and _PLACE_DATE_START.search(row.folded):
                # A narrow column wraps the date: `…, ngày 21 tháng 9 năm` / `2025`.
                following = self._below(row, column=row)
                if following is not None:
                    joined = _row(_joined([row.line, following.line]))
                    match = _PLACE_DATE.search(joined.folded)
                    row, line = joined, joined.line
            if match is None:
                continue
            issued = _iso(match.group("d"), match.group("m"), match.group("y"))
            place = clean_text(row.text[match.start("place") : match.end("place")]).strip(" .-")
            out.put("issue_date", issued, Found(row.text, line, level.PRINTED))
            out.put("issue_place", place or None, Found(place, line, level.STATED))
            return row
        out.fields["issue_date"] = None
        out.fields["issue_place"] = None
        return None

    def _subject(self, out: Extraction) -> _Row | None:
        for row in self.header:
            match = _SUBJECT.match(row.folded)
            if match is None:
                continue
            # `V/v:` may stand alone with the excerpt on the lines under it.
            parts = [row.text[match.end() :]] if match.end() < len(row.text) else []
            lines = [_span(row, match.end())]
            width = row.bbox[2] - row.bbox[0]
            current = row
            while (following := self._continuation(current, row, width)) is not None:
                parts.append(following.text)
                lines.append(following.line)
                width = max(width, following.bbox[2] - following.bbox[0])
                current = following
            subject = clean_text(" ".join(parts))
            confidence = level.PRINTED if len(parts) == 1 else level.LABELLED
            out.put("subject", subject, Found(subject, _joined(lines), confidence))
            return row
        return self._titled_subject(out)

    def _titled_subject(self, out: Extraction) -> _Row | None:
        """A decision, notice or submission without `V/v` says what it is about on the
        line(s) under its title (`QUYẾT ĐỊNH` / `Phê duyệt kế hoạch …`), in sentence case,
        above the authority line in capitals and the `Căn cứ` recitals."""
        out.fields["subject"] = None
        limit = self.recipients_at if self.recipients_at is not None else len(self.rows)
        for row in self.rows[:limit]:
            if row.line.page != 1 or not _DOC_TITLE.match(clean_text(row.folded)):
                continue
            first = self._below(row, column=row, gap=1.5)
            if (
                first is None
                or _upper(first.text)
                or _RECIPIENTS.match(first.folded)
                or _GROUNDS.match(first.folded)
                or _BULLET.match(first.text)
            ):
                return None
            parts, lines = [first.text], [first.line]
            width = first.bbox[2] - first.bbox[0]
            current = first
            while (following := self._continuation(current, first, width)) is not None:
                if _GROUNDS.match(following.folded):
                    break
                parts.append(following.text)
                lines.append(following.line)
                current = following
            subject = clean_text(" ".join(parts))
            out.put("subject", subject, Found(subject, _joined(lines), level.INFERRED))
            return first
        return None

    def _continuation(self, current: _Row, first: _Row, width: float) -> _Row | None:
        """The next line of a wrapped subject: just below, in the subject's column, no wider
        than the column and not a block of its own."""
        following = self._below(current, column=first)
        if following is None:
            return None
        if (
            _RECIPIENTS.match(following.folded)
            or _GROUNDS.match(following.folded)  # the recitals after `Về việc …`
            or _PLACE_DATE.search(following.folded)
            or _MOTTO.search(following.folded)
            or (_upper(following.text) and not re.search(r"\d", following.text))
            or _BULLET.match(following.text)
            or following.bbox[2] - following.bbox[0] > 1.25 * width
        ):
            return None
        return following

    def _below(self, row: _Row, *, column: _Row, gap: float = 1.0) -> _Row | None:
        """The nearest line under `row` in `column`'s column: on a printed page, overlapping
        it and within `gap` line heights; in a Word file's virtual layout, the next line in
        reading order that starts where the column's lines start."""
        position = self.index[id(row.line)]
        if row.virtual:
            for other in self.rows[position + 1 :]:
                if other.bbox[1] <= row.bbox[1] + 0.5 or other.bbox[0] > column.bbox[0] + 40:
                    continue  # a tab or table column beside this one
                return other
            return None
        best: _Row | None = None
        for other in self.rows[position + 1 :]:
            if other.line.page != row.line.page:
                break
            if other.bbox[1] < row.bbox[3] - 0.3 * row.height:
                continue
            if other.bbox[1] - row.bbox[3] > gap * row.height + 2:
                break
            if not _overlaps(other.bbox, column.bbox):
                continue
            if self._right_column(other) and not self._right_column(column):
                continue
            if best is None or other.bbox[1] < best.bbox[1]:
                best = other
        return best

    def _right_column(self, row: _Row) -> bool:
        """Whether a printed line stands in the motto's column, right of the issuer block."""
        lefts = [motto.bbox[0] for motto in self.motto if not motto.virtual]
        return bool(lefts) and not row.virtual and row.bbox[0] >= min(lefts) - 2

    def _issuer(
        self,
        out: Extraction,
        number: _Row | None,
        place_date: _Row | None,
        subject: _Row | None,
    ) -> None:
        """The issuing body: the name block above `Số:`, beside the motto. A parent authority
        may stand above the issuer; a line opening with an organisation word starts a body
        of its own, any other line continues the name above it."""
        anchor = number or subject or place_date
        limit = self.index[id(anchor.line)] if anchor is not None else len(self.header)
        block: list[_Row] = []
        for row in self.header[:limit]:
            if anchor is not None and row.bbox[1] >= anchor.bbox[1] - 0.3 * anchor.height:
                break
            letters = _letters(row.text)
            if (
                not letters
                or _MOTTO.search(row.folded)
                or _PLACE_DATE.search(row.folded)
                or ":" in row.text
                or "@" in row.text
                or fold(letters).upper() in URGENCY
                or _PAGE_NUMBER.match(row.text)
            ):
                continue
            if self._right_column(row):
                continue
            block.append(row)
        if not block:
            out.fields["issuer"] = None
            return
        units: list[list[_Row]] = []
        for row in block:
            if units and not _opens_unit(_unit_key(units[-1]), row.text):
                units[-1].append(row)
            else:
                units.append([row])
        issuer_rows = units[-1]
        issuer = clean_text(" ".join(_respelt(row.line) for row in issuer_rows))
        clear = (
            all(_upper(row.text) for row in block)
            and len(units) <= 3
            and all(_head(" ".join(row.text for row in unit)) for unit in units)
            and len(issuer_rows) <= 3
        )
        out.put(
            "issuer",
            issuer,
            Found(
                issuer,
                _joined(row.line for row in issuer_rows),
                level.STATED if clear else level.UNCHECKED,
            ),
        )

    def _urgency(self, out: Extraction) -> None:
        for row in self.header:
            letters = re.sub(r"[^A-Z ]", "", fold(row.text).upper())
            key = " ".join(letters.split())
            if key in URGENCY and _upper(row.text):
                exact = fold(row.text) != row.text
                value = URGENCY[key]
                out.put(
                    "urgency",
                    value,
                    Found(value, row.line, level.PRINTED if exact else level.LABELLED),
                )
                return
        out.fields["urgency"] = None

    # --- lists -------------------------------------------------------------------------

    def _recipients(self, out: Extraction) -> int:
        """`Kính gửi` items; returns the position of the first line after the list."""
        out.fields["recipients"] = []
        if self.recipients_at is None:
            return len(self.header)
        label = self.rows[self.recipients_at]
        items, end = self._list(label, _RECIPIENTS, left_column=False)
        self._put_items(out, "recipients", items)
        return end

    def _cc(self, out: Extraction) -> set[int]:
        out.fields["cc"] = []
        start = self.recipients_at or 0
        heading_at = None
        for position in range(len(self.rows) - 1, start - 1, -1):
            if _CC.match(self.rows[position].folded):
                heading_at = position
                break
        if heading_at is None:
            return set()
        items, _ = self._list(self.rows[heading_at], _CC, left_column=True)
        self._put_items(out, "cc", items)
        used = {id(self.rows[heading_at].line)}
        used |= {id(line) for _, lines, _ in items for line in lines}
        return used

    def _list(
        self, label: _Row, heading: re.Pattern[str], *, left_column: bool
    ) -> tuple[list[tuple[str, list[Line], float]], int]:
        """Items after a heading: on its line, then `- item;` lines below (or items each on
        their own line under the first, or one item wrapped onto the next lines)."""
        match = heading.match(label.folded)
        assert match is not None
        items: list[tuple[str, list[Line], float]] = []
        first_text = label.text[match.end() :].strip(" _")
        value_row: _Row | None = None
        current = label
        if _letters(first_text):
            value_row = _row(_span(label, match.end()))
        elif not left_column:
            # `Nơi nhận` has the signer's title beside it; `Kính gửi` may have its value.
            beside = self._beside(label)
            if beside is not None and _letters(beside.text):
                value_row = current = beside
        item_x: float | None = None
        bulleted = value_row is not None and bool(_BULLET.match(value_row.text))
        if value_row is not None:
            text = _BULLET.sub("", value_row.text)
            items.append(
                (
                    text,
                    [value_row.line],
                    level.PRINTED if _TERMINATED.search(text) else level.INFERRED,
                )
            )
            item_x = value_row.bbox[0]
        position = self.index[id(label.line)] + 1
        column = label
        while True:
            following = self._next_in_list(current, column, left_column)
            if following is None:
                break
            text = following.text
            if left_column and following.virtual and _signer_line(following):
                # Word's flattened rows interleave the signer's block with `Nơi nhận`.
                current = following
                continue
            bullet = _BULLET.match(text)
            if bullet and items and self._hyphen_wrap(items, following, item_x, bulleted):
                # `… Việt Nam` / `- Chi nhánh Phú Thọ;`: a name wrapped at its own dash.
                previous, lines, confidence = items[-1]
                items[-1] = (
                    f"{previous} {text}",
                    [*lines, following.line],
                    min(confidence, level.INFERRED),
                )
            elif bullet:
                if not _letters(text):
                    break
                items.append((text[bullet.end() :], [following.line], level.PRINTED))
                item_x = following.bbox[0]
                bulleted = True
            elif items and self._continues(items[-1][0], following, item_x, bulleted):
                previous, lines, confidence = items[-1]
                if not bulleted and _TERMINATED.search(previous):
                    # An unbulleted list: one item per line, each closed by `;`.
                    items.append((text, [following.line], level.INFERRED))
                else:
                    items[-1] = (
                        f"{previous} {text}",
                        [*lines, following.line],
                        min(confidence, level.LABELLED),
                    )
            else:
                break
            current = following
            position = self.index[id(following.line)] + 1
            if items and items[-1][0].rstrip().endswith(".") and not left_column:
                break
        cleaned = []
        for text, lines, confidence in items:
            value = clean_text(_ITEM_END.sub("", text))
            if _letters(value):
                cleaned.append((value, lines, confidence))
        return cleaned, position

    def _beside(self, label: _Row) -> _Row | None:
        """The line to the right of `label` on its row."""
        centre = (label.bbox[1] + label.bbox[3]) / 2
        best = None
        for other in self.rows:
            if other.line.page != label.line.page or other is label:
                continue
            beside = other.bbox[1] <= centre <= other.bbox[3] and other.bbox[0] >= label.bbox[2]
            if beside and (best is None or other.bbox[0] < best.bbox[0]):
                best = other
        return best

    def _next_in_list(self, current: _Row, column: _Row, left_column: bool) -> _Row | None:
        """The next line of a list: the nearest line below that starts in the list's column
        (for `Nơi nhận`, the left column: the signer's block beside it is not the list)."""
        position = self.index[id(current.line)]
        if current.virtual:
            for other in self.rows[position + 1 :]:
                if other.bbox[1] <= current.bbox[1] + 0.5:
                    continue
                if left_column and other.bbox[0] > column.bbox[0] + 40:
                    continue  # a tab column beside the list
                return other
            return None
        best: _Row | None = None
        for other in self.rows[position + 1 :]:
            if other.line.page != current.line.page:
                break
            if other.bbox[1] < current.bbox[3] - 0.3 * current.height:
                continue
            if other.bbox[1] - current.bbox[3] > 1.6 * current.height + 2:
                break
            if (
                left_column
                and other.bbox[0] > column.bbox[0] + 0.5 * (column.bbox[2] - column.bbox[0]) + 40
            ):
                continue
            if not left_column and other.bbox[2] < column.bbox[0]:
                continue
            if best is None or other.bbox[1] < best.bbox[1]:
                best = other
        return best

    def _hyphen_wrap(
        self,
        items: list[tuple[str, list[Line], float]],
        row: _Row,
        item_x: float | None,
        bulleted: bool,
    ) -> bool:
        """Whether a line opening with a dash continues the item above rather than starting
        one: the item above was left open, and either the list has no bullets, or the line
        sits at the items' hanging indent, or (without geometry) the list closes its items
        and this one was not closed."""
        if _TERMINATED.search(items[-1][0]):
            return False
        if not bulleted:
            return True
        if not row.virtual and item_x is not None:
            return row.bbox[0] > item_x + 3
        return any(_TERMINATED.search(text) for text, _, _ in items[:-1])

    def _continues(self, previous: str, row: _Row, item_x: float | None, bulleted: bool) -> bool:
        """Whether `row` carries on the list (a wrapped item, or the next item of a list
        without bullets) rather than starting the body or the signer's block. On a printed
        page that is a line starting where the items start (or at their hanging indent);
        in a Word file's flattened layout, a short line after an item left open, or after
        an item closed by `;` when the list has no bullets and the line closes likewise."""
        if (_upper(row.text) and not re.search(r"\d", row.text)) or _CC.match(row.folded):
            return False
        if not row.virtual and item_x is not None:
            return abs(row.bbox[0] - item_x) <= 18
        if len(row.text) >= 60 or (
            _PARAGRAPH_START.match(row.folded) and not row.text[:1].islower()
        ):
            return False
        if re.search(r"[;.]\s*$", previous):
            return (
                not bulleted
                and previous.rstrip().endswith(";")
                and bool(_TERMINATED.search(row.text))
            )
        return bulleted or not previous.rstrip().endswith(",")

    def _put_items(
        self, out: Extraction, path: str, items: list[tuple[str, list[Line], float]]
    ) -> None:
        items = [(_tidy_item(value), lines, confidence) for value, lines, confidence in items]
        out.fields[path] = [value for value, _, _ in items]
        for position, (value, lines, confidence) in enumerate(items):
            out.note(f"{path}[{position}]", Found(value, _joined(lines), confidence))

    # --- signature -----------------------------------------------------------------------

    def _signer(self, out: Extraction, cc_rows: set[int]) -> None:
        """The last group of title lines in the letter (delegation lines, then the signer's
        own title), and the first name-shaped line under it."""
        out.fields["signer_title"] = None
        out.fields["signer_name"] = None
        start = self.recipients_at if self.recipients_at is not None else len(self.header)
        tail = [row for row in self.rows[start:] if id(row.line) not in cc_rows]
        group: list[_Row] = []
        group_end = -1
        for position, row in enumerate(tail):
            if _title_line(row.text):
                if group and position - group_end > 3:
                    group = []
                group.append(row)
                group_end = position
        if not group:
            return
        last = group[-1]
        own = DELEGATION.sub("", fold(clean_text(last.text)).upper())
        title = clean_text(last.text)
        confidence = (
            level.PRINTED
            if SIGNER_TITLE.match(own) and not DELEGATION.match(fold(title).upper())
            else level.BY_POSITION
        )
        out.put("signer_title", title, Found(title, last.line, confidence))
        name = self._name_under(tail[group_end + 1 :], last)
        if name is not None:
            row, confidence = name
            value = clean_text(row.text)
            out.put("signer_name", value, Found(value, row.line, confidence))

    def _name_under(self, rows: list[_Row], title: _Row) -> tuple[_Row, float] | None:
        for row in rows:
            if row.line.page < title.line.page:
                continue
            if not row.virtual and not _overlaps(row.bbox, title.bbox, slack=20):
                continue
            if (
                _PLACEHOLDER.match(row.folded)
                or _PAGE_NUMBER.match(row.text)
                or _STAMP.match(row.folded)
            ):
                continue
            shape = _name_shape(row.text)
            if shape is None:
                if _BULLET.match(row.text) or not _letters(row.text):
                    continue
                return None
            return row, shape
        return None

    # --- body ------------------------------------------------------------------------------

    def _deadline(self, out: Extraction, start: int) -> None:
        """The first date the body sets as a deadline (`trước ngày …`, `chậm nhất ngày …`,
        `hạn chót …`), not a date the letter cites or schedules, and not one before the
        letter's own date."""
        out.fields["reply_deadline"] = None
        pieces: list[tuple[int, _Row]] = []
        text = ""
        for row in self.rows[start:]:
            if _CC.match(row.folded) or _title_line(row.text):
                break
            if _PAGE_NUMBER.match(row.text):
                continue
            pieces.append((len(text), row))
            text += row.folded + " "
        issued = out.fields.get("issue_date")
        for match in _DEADLINE.finditer(text):
            if match.group("d"):
                value = _iso(match.group("d"), match.group("m"), match.group("y"))
            else:
                value = _iso(match.group("d2"), match.group("m2"), match.group("y2"))
            if value is None:
                continue
            clause_start = max(
                (found.end() for found in _CLAUSE_BREAK.finditer(text, 0, match.start())),
                default=0,
            )
            clause = text[clause_start : match.start()]
            if _PAST.search(clause):
                continue  # `hồ sơ đã tiếp nhận trước ngày …`: a past cut-off, not a deadline
            if isinstance(issued, str) and value < issued:
                continue
            sentence_start = text.rfind(".", 0, match.start()) + 1
            sentence_end = text.find(".", match.end())
            sentence = text[sentence_start : sentence_end if sentence_end > 0 else None]
            confidence = (
                level.STATED
                if _REQUEST.search(sentence) and isinstance(issued, str)
                else level.BY_CONTEXT
            )
            rows = [
                row
                for offset, row in pieces
                if match.start() <= offset + len(row.folded) and offset <= match.end()
            ]
            out.put(
                "reply_deadline", value, Found(value, _joined(row.line for row in rows), confidence)
            )
            return


# Words of administrative names OCR misspells by one tone mark, as they are always written
# there: `TÍNH ĐỒNG NAI` is `TỈNH ĐỒNG NAI`, `BẢO HIẾM` is `BẢO HIỂM`. Only OCR'd words.
_ADMINISTRATIVE_SPELLING = {"TÍNH": "TỈNH", "TINH": "TỈNH", "HIẾM": "HIỂM", "HIÊM": "HIỂM"}


def _respelt(line: Line) -> str:
    return " ".join(
        _ADMINISTRATIVE_SPELLING.get(word.text, word.text) if word.source == "ocr" else word.text
        for word in line.words
    )


# Decree 30/2020 files the original with the clerical office: `Lưu: VT, <unit>`. OCR reads
# its `VT` as `VI` or `V1` more often than not; no unit is called that.
_ARCHIVE_OFFICE = re.compile(r"^(lưu\s*:?\s*)V[I1l|](?=\W|$)", re.IGNORECASE)


def _tidy_item(value: str) -> str:
    """A list item without a speck of punctuation before it, the archive office spelt."""
    return _ARCHIVE_OFFICE.sub(r"\1VT", value.lstrip(".,;:·•-– "))


def _middle(line: Line) -> float:
    return round((line.bbox[1] + line.bbox[3]) / 2, 1)


def _unmerged(line: Line) -> list[Line]:
    """`line` as the lines it was printed as. Row grouping can chain two small lines through
    a taller word beside them (two `Nơi nhận` items through the signer's name), and a wide
    issuer line can run into the motto beside it; both are split back here."""
    if any(word.source in ("docx", "xml") for word in line.words):
        return [line]
    pieces = [line]
    heights = sorted(word.bbox[3] - word.bbox[1] for word in line.words)
    median = heights[len(heights) // 2]
    if line.bbox[3] - line.bbox[1] > 1.6 * median:
        bands: list[list[Word]] = []
        for word in sorted(line.words, key=lambda word: (word.bbox[1] + word.bbox[3]) / 2):
            centre = (word.bbox[1] + word.bbox[3]) / 2
            if bands and centre - _centre_of(bands[-1]) < 0.5 * median:
                bands[-1].append(word)
            else:
                bands.append([word])
        pieces = [
            Line(tuple(sorted(band, key=lambda word: word.bbox[0])), line.page) for band in bands
        ]
    split: list[Line] = []
    for piece in pieces:
        text = unicodedata.normalize("NFC", piece.text)
        motto = _MOTTO_START.search(fold(text))
        if motto is not None and motto.start() > 0 and _letters(text[: motto.start()]):
            split += [_span_to(piece, motto.start()), _span(_row(piece), motto.start())]
        else:
            split.append(piece)
    return split


def _centre_of(words: list[Word]) -> float:
    return sum((word.bbox[1] + word.bbox[3]) / 2 for word in words) / len(words)


def _span_to(line: Line, end: int) -> Line:
    """The words of `line` before character `end` of its NFC text."""
    words = []
    offset = 0
    for word in line.words:
        if offset >= end:
            break
        words.append(word)
        offset += len(unicodedata.normalize("NFC", word.text)) + 1
    return Line(tuple(words), line.page)


def _first(rows: list[_Row], test: object) -> int | None:
    for position, row in enumerate(rows):
        if test(row):  # type: ignore[operator]
            return position
    return None


def _unit_key(unit: list[_Row]) -> str:
    return fold(clean_text(" ".join(row.text for row in unit))).upper()


def _head(text: str) -> re.Match[str] | None:
    """The organisation word `text` opens with: matched with its diacritics when it has
    them, else (OCR dropped them) folded."""
    text = modern_tones(clean_text(unicodedata.normalize("NFC", text)).upper())
    if fold(text) != text:
        return ORGANISATION_HEADS.match(text)
    return ORGANISATION_HEADS_FOLDED.match(text)


def _opens_unit(above: str, text: str) -> bool:
    """Whether an issuer-block line names a body of its own rather than continuing the name
    above it (`above`, folded capitals): it opens with an organisation word followed by a
    name (a committee such as `TỈNH ỦY` is a whole name), that word does not complete a
    compound with the last word above (`DỊCH` / `VỤ`, `MÔI` / `TRƯỜNG`), and the name above
    is finished."""
    head = _head(text)
    key = fold(clean_text(text)).upper()
    if head is None or UNFINISHED_NAME.search(above):
        return False
    if not key[head.end() :].strip() and not COMMITTEE.match(key):
        return False
    words = above.split()
    bridge = f"{words[-1]} {key.split()[0]}" if words else ""
    return bridge not in COMPOUNDS and not CONTINUING.match(key)


def _signer_line(row: _Row) -> bool:
    return (
        _title_line(row.text)
        or bool(_PLACEHOLDER.match(row.folded))
        or _name_shape(row.text) is not None
    )


def _title_line(text: str) -> bool:
    """A line of the signer's block: a delegation (`KT. GIÁM ĐỐC`) or a title, in capitals."""
    if not _upper(text) or len(text) > 60:
        return False
    key = fold(clean_text(text)).upper()
    return bool(DELEGATION.match(key) or SIGNER_TITLE.match(key))


def _name_shape(text: str) -> float | None:
    """How surely `text` is a person's name as signers print it (`Nguyễn Văn An`): 2 to 6
    capitalised words of letters; in capitals only with a common surname first."""
    words = clean_text(text).split()
    if not 2 <= len(words) <= 6 or any(not word.isalpha() for word in words):
        return None
    if not all(word[0].isupper() for word in words):
        return None
    surname = fold(words[0]).upper() in SURNAMES
    if _upper(text):
        return level.BY_CONTEXT if surname else None
    if not all(word[1:].islower() or len(word) == 1 for word in words):
        return None
    return level.PRINTED if surname else level.INFERRED


# --- English letters and memos ---------------------------------------------------------------


# The motto without its wrapped tail alone: `hạnh phúc` ends names too (`Huỳnh Thành Phúc`).
_VI_MOTTO = re.compile(
    r"cong\s*hoa\s*xa\s*hoi|doc\s*lap\s*\W*\s*tu\s*do|^\W*hanh\s*phuc\W*$|dang\s*cong\s*san\s*viet",
    re.IGNORECASE,
)


def _vietnamese(rows: list[_Row]) -> bool:
    """Whether the letter is laid out as a công văn: any of the marks Decree 30 prints (the
    motto, `Số:`, `V/v`, `Kính gửi`, `Nơi nhận`, a `…, ngày … tháng … năm …` date line)."""
    return any(
        _VI_MOTTO.search(row.folded)
        or _NUMBER.match(row.folded)
        or _SUBJECT.match(row.folded)
        or _RECIPIENTS.match(row.folded)
        or _CC.match(row.folded)
        or _PLACE_DATE.search(row.folded)
        for row in rows
    )


@dataclass(frozen=True)
class _Labelled:
    """A labelled line: the field its label introduces and the value printed on its row."""

    key: str
    row: _Row
    value: _Row | None


def _en_date(match: re.Match[str]) -> str | None:
    if match.group("y1"):
        month = EN_MONTH_NUMBER[match.group("m1").lower()]
        return _iso(match.group("d1"), str(month), match.group("y1"))
    if match.group("y2"):
        month = EN_MONTH_NUMBER[match.group("m2").lower()]
        return _iso(match.group("d2"), str(month), match.group("y2"))
    if match.group("y3"):
        return _iso(match.group("d3"), match.group("m3"), match.group("y3"))
    first, second = match.group("a4"), match.group("b4")
    if int(second) > 12 >= int(first):
        return None if int(first) > 12 else _iso(second, first, match.group("y4"))
    return _iso(first, second, match.group("y4"))


def _en_name(text: str) -> bool:
    """A person's name as printed under a signature or in a `From:` line: 2 to 5 words, each
    opening with a capital, of letters (and `.`, `'`, `-`), with at least one lower-case
    letter (a line in capitals is a title in English letters)."""
    words = clean_text(text).split()
    if not 2 <= len(words) <= 5:
        return False
    if not all(re.fullmatch(r"[^\W\d_][\w.'-]*", word) and word[0].isupper() for word in words):
        return False
    return any(char.islower() for char in text)


def _en_items(text: str, *, commas: bool) -> list[str]:
    """The items of a list printed on one line: split at `;` (and at `,` in a copy list,
    where every item is an office or a person's name)."""
    parts = re.split(r"[;,]" if commas else r";", text)
    items = [clean_text(_ITEM_END.sub("", _BULLET.sub("", part))) for part in parts]
    return [item for item in items if _letters(item)]


def _speck(row: _Row) -> bool:
    """A bullet or a speck OCR read as a line of its own (`s`, `s®`, `-`)."""
    return len(row.text.strip()) <= 3 and len(_letters(row.text)) < 2


def _title_alone(text: str, issuer: object) -> str:
    """The signer's title without the organisation it is followed by
    (`Managing Director, Summit Peak Software, Inc.`)."""
    title = clean_text(text).rstrip(".;:, ")
    head, comma, rest = title.partition(",")
    rest = rest.strip().lower()
    # The organisation after the comma: by its legal form, or (OCR garbled the form) by the
    # issuer's first word.
    issuer_words = str(issuer or "").lower().split()
    names_issuer = bool(issuer_words) and len(issuer_words[0]) >= 3
    if comma and (
        EN_LEGAL_FORM.search(rest) or (names_issuer and rest.split()[:1] == issuer_words[:1])
    ):
        return head.strip()
    return title


class _EnglishLetter(_Letter):
    """An English letter or memo: fields are read from their labels (EN_LABEL), the issuer
    from the letterhead, the date from a dated line near the top, the signer from under the
    closing. Nothing is read by position where the position says nothing: a field whose
    label or block is not printed stays null."""

    def read(self, out: Extraction) -> None:
        for key in ("urgency", "issue_place", "issue_date", "dispatch_number", "subject"):
            out.fields[key] = None
        out.fields["recipients"] = []
        out.fields["cc"] = []
        self.word_index = {
            id(word): position for position, row in enumerate(self.rows) for word in row.line.words
        }
        self.labels = self._labels()
        self.closing_at = _first(
            self.rows, lambda row: self._closing(row) and not self._is_label(row)
        )
        self._en_number(out)
        self._en_date_line(out)
        self._en_subject(out)
        self._en_list(out, "recipients")
        self._en_list(out, "cc")
        self._en_issuer(out)
        self._en_signer(out)
        self._en_deadline(out)

    # --- labels ----------------------------------------------------------------------------

    def _labels(self) -> list[_Labelled]:
        found = []
        for row in self.rows:
            match = EN_LABEL.match(row.text)
            if match is None or match.lastgroup is None:
                continue
            rest = row.text[match.end() :].strip()
            # A label alone in its cell is short; a word that opens a line of prose is not one.
            if not rest and not re.search(r":\s*$", row.text) and len(row.text.strip()) > 24:
                continue
            value = None
            if _letters(rest) or re.search(r"\d", rest):
                value = _row(_span(row, match.end()))
            else:
                value = self._value_beside(row)
            found.append(_Labelled(match.lastgroup, row, value))
        return found

    def _value_beside(self, label: _Row) -> _Row | None:
        """The value of a label alone on its row: the line beside it, unless a list starts
        under the label (then the caller reads the list below)."""
        below = self._next_below(label)
        beside = self._beside(label)
        bulleted = beside is not None and _BULLET.match(beside.text)
        if below is not None and _BULLET.match(below.text) and not bulleted:
            return None
        if beside is None or EN_LABEL.match(beside.text) or EN_CLOSING.match(beside.text):
            return None
        if EN_DELEGATION.match(beside.text):
            return None
        return beside

    def _next_below(self, row: _Row) -> _Row | None:
        # A value cut from its label's line is found by its first word.
        position = self.word_index[id(row.line.words[0])]
        for other in self.rows[position + 1 :]:
            if other.line.page != row.line.page:
                return None
            if other.bbox[1] < row.bbox[3] - 0.3 * row.height:
                continue
            if other.bbox[1] - row.bbox[3] > 1.8 * row.height + 2:
                return None
            if _speck(other):
                continue
            # A Word file's table cells and tab stops do not keep printed columns: there the
            # next line in reading order is the one below.
            if row.virtual or _overlaps(other.bbox, row.bbox, slack=30):
                return other
        return None

    def _label(self, key: str, before: int | None = None) -> _Labelled | None:
        for labelled in self.labels:
            if labelled.key != key:
                continue
            if before is not None and self.index[id(labelled.row.line)] >= before:
                continue
            return labelled
        return None

    def _is_label(self, row: _Row) -> bool:
        return any(labelled.row is row for labelled in self.labels)

    def _label_on_row(self, row: _Row) -> bool:
        """Whether a label stands left of `row` on the same line (a memo's next header)."""
        centre = (row.bbox[1] + row.bbox[3]) / 2
        return any(
            labelled.row.line.page == row.line.page
            and labelled.row.bbox[1] <= centre <= labelled.row.bbox[3]
            and labelled.row.bbox[0] < row.bbox[0]
            for labelled in self.labels
        ) or self._is_label(row)

    # --- header ----------------------------------------------------------------------------

    def _en_number(self, out: Extraction) -> None:
        labelled = self._label("number", self.closing_at)
        row: _Row | None = None
        if labelled is not None and labelled.value is not None:
            row = labelled.value
        else:
            for candidate in self.rows[: self.closing_at]:
                match = EN_NUMBER_NO_COLON.match(candidate.text)
                # Without a colon, `No. 5 Tran Hung Dao Street` is an address: the number must
                # look like one (`40/2026`, `HR-12`) and the line must not be a contact line.
                if (
                    match
                    and not self._is_label(candidate)
                    and not EN_CONTACT.search(candidate.text)
                    and re.match(r"\S*\d\S*[/-]|\S*[/-]\S*\d", candidate.text[match.end() :])
                ):
                    row = _row(_span(candidate, match.end()))
                    break
        if row is None:
            return
        token = re.match(r"\s*(?P<value>[^\W_][\w./&-]*)", row.text)
        if token is None or not re.search(r"\d", token.group("value")):
            return
        value = token.group("value").rstrip(".,;:")
        out.put("dispatch_number", value, Found(value, row.line, level.PRINTED))

    def _en_date_line(self, out: Extraction) -> None:
        labelled = self._label("date", self.closing_at)
        if labelled is not None and labelled.value is not None:
            match = EN_DATE.search(labelled.value.text)
            if match is not None and (value := _en_date(match)):
                out.put("issue_date", value, Found(value, labelled.value.line, level.PRINTED))
                return
        # A line that is only a date (or `Place, date`) before the closing: where letters
        # print their date. A date inside a sentence is not the letter's.
        for row in self.rows[: self.closing_at]:
            match = EN_DATE.search(row.text)
            if match is None or self._is_label(row):
                continue
            head = row.text[: match.start()].strip()
            if re.sub(r"[\W\d_]", "", row.text[match.end() :]):
                continue
            place = None
            if head:
                shape = re.fullmatch(r"(?P<place>[^\W\d_][^\d,:;]{1,40}?)\s*,", head)
                if shape is None:
                    continue
                place = clean_text(shape.group("place"))
            value = _en_date(match)
            if value is None:
                continue
            out.put("issue_date", value, Found(value, row.line, level.STATED))
            if place:
                out.put("issue_place", place, Found(place, row.line, level.STATED))
            return

    def _en_subject(self, out: Extraction) -> None:
        labelled = self._label("subject", self.closing_at)
        if labelled is not None and labelled.value is not None:
            rows = [labelled.value]
            lefts = {labelled.row.bbox[0], labelled.value.bbox[0]}
            current = labelled.value
            while (following := self._next_below(current)) is not None:
                gap = following.bbox[1] - current.bbox[3]
                if (
                    gap > 0.6 * current.height
                    or min(abs(following.bbox[0] - left) for left in lefts) > 4
                    or self._label_on_row(following)
                    or rows[-1].text.rstrip().endswith(".")
                    or len(following.text) > 80
                ):
                    break
                rows.append(following)
                current = following
            value = clean_text(" ".join(row.text for row in rows))
            found = Found(value, _joined(row.line for row in rows), level.PRINTED)
            out.put("subject", value, found)
            return
        # Unlabelled: a short line right under the salutation, before the body (British
        # letters print the subject there in bold).
        salutation = _first(self.rows, lambda row: bool(EN_SALUTATION.match(row.text)))
        if salutation is None or salutation + 2 >= len(self.rows):
            return
        line, after = self.rows[salutation + 1], self.rows[salutation + 2]
        widest = max(row.bbox[2] - row.bbox[0] for row in self.rows)
        if (
            line.text.rstrip().endswith((".", ",", ":"))
            or line.bbox[2] - line.bbox[0] > 0.7 * widest
            or self._is_label(line)
            or not line.text[:1].isupper()
            # On a printed page a paragraph's lines are set close; a Word file's flattened
            # layout spaces every line alike, and the short width alone tells.
            or (not line.virtual and after.bbox[1] - line.bbox[3] < 0.6 * line.height)
        ):
            return
        value = clean_text(line.text)
        out.put("subject", value, Found(value, line.line, level.BY_POSITION))

    # --- lists -----------------------------------------------------------------------------

    def _inside_address(self, out: Extraction) -> None:
        """A letter without a `To:` line is addressed in its inside address: the block of
        lines right above the salutation, whose first line names the addressee."""
        salutation = _first(self.rows, lambda row: bool(EN_SALUTATION.match(row.text)))
        if salutation is None:
            return
        block: list[_Row] = []
        below = self.rows[salutation]
        for row in reversed(self.rows[:salutation]):
            if _speck(row):
                continue
            if row.line.page != below.line.page or abs(row.bbox[0] - below.bbox[0]) > 6:
                break
            gap = below.bbox[1] - row.bbox[3]
            if block and gap > 0.8 * row.height:
                break
            if self._label_on_row(row) or EN_DATE.search(row.text):
                break
            block.insert(0, row)
            below = row
        if len(block) < 2:
            return  # one line alone above `Dear` is not an address block
        first = block[0]
        value = clean_text(first.text.rstrip(",")).lstrip("-–—•·*.,;: ")
        if _letters(value) and not EN_CONTACT.search(value):
            self._put_items(out, "recipients", [(value, [first.line], level.BY_POSITION)])

    def _en_list(self, out: Extraction, key: str) -> None:
        before = self.closing_at if key == "recipients" else None
        labelled = self._label(key, before)
        if labelled is None and key == "recipients":
            self._inside_address(out)
            return
        if labelled is None and key == "cc":
            # `cc:` usually follows the signature; take the last one.
            candidates = [item for item in self.labels if item.key == "cc"]
            labelled = candidates[-1] if candidates else None
        if labelled is None:
            return
        commas = key == "cc"
        items: list[tuple[str, list[Line], float]] = []
        if labelled.value is not None:
            for item in _en_items(labelled.value.text, commas=commas):
                items.append((item, [labelled.value.line], level.PRINTED))
        anchor = labelled.value or labelled.row
        item_x = labelled.value.bbox[0] if labelled.value is not None else None
        current = anchor if anchor.bbox[1] >= labelled.row.bbox[1] else labelled.row
        while (following := self._next_below(current)) is not None:
            if following.bbox[1] - current.bbox[3] > 1.2 * current.height:
                break
            if self._label_on_row(following) or EN_CLOSING.match(following.text):
                break
            bullet = _BULLET.match(following.text)
            aligned = item_x is not None and abs(following.bbox[0] - item_x) <= 6
            if not bullet and not aligned and not self._between_labels(following):
                break
            if not bullet and len(following.text) > 60:
                break
            for item in _en_items(following.text, commas=commas):
                items.append((item, [following.line], level.LABELLED))
            item_x = item_x if item_x is not None else following.bbox[0]
            current = following
        if items:
            self._put_items(out, key, items)

    def _between_labels(self, row: _Row) -> bool:
        """A short line with a header label right under it continues the label above (a
        memo's second addressee, whose value a Word file slid into the empty label cell)."""
        following = self._next_below(row)
        return (
            following is not None
            and len(row.text) <= 60
            and not row.text.rstrip().endswith(".")
            and self._label_on_row(following)
        )

    # --- issuer ----------------------------------------------------------------------------

    def _en_issuer(self, out: Extraction) -> None:
        out.fields["issuer"] = None
        page = [row for row in self.rows if row.line.page == 1]
        motto = [row for row in page if EN_MOTTO.search(row.text)]
        if motto:
            self._authority_issuer(out, page, motto)
            return
        # The letterhead stands above everything else: a label, a date or a salutation ends
        # the search (a letter printed without one starts with its date or addressee, who is
        # not the issuer).
        middle = (min(row.bbox[0] for row in page) + max(row.bbox[2] for row in page)) / 2
        for row in page[:5]:
            text = clean_text(row.text)
            if self._label_on_row(row) or EN_DATE.search(text) or EN_SALUTATION.match(text):
                if row.bbox[0] > middle:
                    continue  # a reference or date printed beside the letterhead
                break
            if EN_CONTACT.search(text) or EN_TITLE.match(text):
                continue
            # `Brightwave Media Ltd — INTERNAL MEMO`: the name before a title it runs into.
            name = re.split(r"\s+[—–|]\s+|\s+-\s+(?=[A-Z ]+$)", text)[0].strip()
            if EN_TITLE.match(name) or not _letters(name) or len(name) > 80:
                continue
            found = self._as_written(name) or Found(name, row.line, level.BY_POSITION)
            out.put("issuer", found.value, found)
            return
        sender = self._label("from", self.closing_at)
        if sender is not None and sender.value is not None:
            text = clean_text(sender.value.text)
            if EN_LEGAL_FORM.search(text) and not _en_name(text.split(",")[0]):
                out.put("issuer", text, Found(text, sender.value.line, level.LABELLED))

    def _as_written(self, name: str) -> Found | None:
        """A letterhead set in capitals (`SUMMIT PEAK SOFTWARE, INC.`) is a typeface, not the
        name's spelling: where the letter writes the same name in running text or under the
        signature in mixed case, that form is the name as the company writes it."""
        if not _letters(name) or name.upper() != name:
            return None
        pattern = re.compile(
            r"(?<!\w)" + r"\s+".join(re.escape(word) for word in name.split()) + r"(?!\w)",
            re.IGNORECASE,
        )
        for row in self.rows:
            match = pattern.search(row.text)
            if match is None or match.group(0).upper() == match.group(0):
                continue
            value = clean_text(match.group(0))
            return Found(value, row.line.span(match.start(), match.end()), level.BY_POSITION)
        return None

    def _authority_issuer(self, out: Extraction, page: list[_Row], motto: list[_Row]) -> None:
        """A Vietnamese authority's English letter: the issuer block left of the motto, above
        the number; a parent authority may stand above the issuer."""
        motto_left = min(row.bbox[0] for row in motto)
        number = self._label("number", self.closing_at)
        limit = number.row.bbox[1] if number is not None else motto[-1].bbox[3] + 1
        block = [
            row
            for row in page
            if row.bbox[3] <= limit
            and row.bbox[2] < motto_left + 5
            and not EN_MOTTO.search(row.text)
            and _letters(row.text)
            and not self._label_on_row(row)
        ]
        if not block:
            return
        units: list[list[_Row]] = []
        for row in block:
            if units and not EN_ORGANISATION_HEADS.match(clean_text(row.text)):
                units[-1].append(row)
            else:
                units.append([row])
        issuer_rows = units[-1]
        value = clean_text(" ".join(row.text for row in issuer_rows))
        found = Found(value, _joined(row.line for row in issuer_rows), level.STATED)
        out.put("issuer", value, found)

    # --- signature -------------------------------------------------------------------------

    def _closing(self, row: _Row) -> bool:
        text = clean_text(row.text)
        return len(text) <= 80 and bool(
            EN_CLOSING.match(text) or (EN_DELEGATION.match(text) and _upper(text))
        )

    def _en_signer(self, out: Extraction) -> None:
        out.fields["signer_name"] = None
        out.fields["signer_title"] = None
        if self.closing_at is not None:
            closing = self.rows[self.closing_at]
            block: list[_Row] = []
            for row in self.rows[self.closing_at + 1 :]:
                if row.line.page != closing.line.page and len(block) >= 1:
                    break
                if not _overlaps(row.bbox, closing.bbox, slack=20):
                    continue
                if self._label_on_row(row) or _PAGE_NUMBER.match(row.text):
                    break
                if len(_letters(row.text)) < 2:
                    continue  # a signature's stroke or a speck OCR read as a character
                block.append(row)
                if len(block) >= 4:
                    break
            name_at = next((n for n, row in enumerate(block) if _en_name(row.text)), None)
            if name_at is not None:
                name = clean_text(block[name_at].text)
                out.put("signer_name", name, Found(name, block[name_at].line, level.BY_CONTEXT))
                titles = [row for row in block[:name_at] if _upper(row.text)]
                title_row = titles[-1] if titles else None
                if title_row is None and name_at + 1 < len(block):
                    title_row = block[name_at + 1]
                if title_row is not None and not EN_DATE.search(title_row.text):
                    title = _title_alone(title_row.text, out.fields.get("issuer"))
                    if len(_letters(title)) >= 2:
                        found = Found(title, title_row.line, level.BY_CONTEXT)
                        out.put("signer_title", title, found)
                return
        sender = self._label("from", self.closing_at)
        if sender is None or sender.value is None:
            return
        text = clean_text(sender.value.text)
        name, _, title = (part.strip() for part in text.partition(","))
        if _en_name(name):
            out.put("signer_name", name, Found(name, sender.value.line, level.LABELLED))
            if title and _letters(title):
                out.put("signer_title", title, Found(title, sender.value.line, level.LABELLED))

    # --- body ------------------------------------------------------------------------------

    def _en_deadline(self, out: Extraction) -> None:
        out.fields["reply_deadline"] = None
        end = self.closing_at if self.closing_at is not None else len(self.rows)
        rows = [row for row in self.rows[:end] if not self._label_on_row(row)]
        text = ""
        pieces: list[tuple[int, _Row]] = []
        for row in rows:
            pieces.append((len(text), row))
            text += row.text + " "
        issued = out.fields.get("issue_date")
        for match in EN_DATE.finditer(text):
            if not EN_DEADLINE_CUE.search(text[max(0, match.start() - 60) : match.start()]):
                continue
            value = _en_date(match)
            if value is None or (isinstance(issued, str) and value < issued):
                continue
            lines = [
                row.line
                for offset, row in pieces
                if match.start() <= offset + len(row.text) and offset <= match.end()
            ]
            confidence = level.STATED if isinstance(issued, str) else level.BY_CONTEXT
            out.put("reply_deadline", value, Found(value, _joined(lines), confidence))
            return
