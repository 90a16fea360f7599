"""Official dispatch letters (`công văn`, Decree 30/2020 layout).

The decree fixes the zones: issuer top-left, national motto top-right, number and `V/v`
subject under the issuer, place and date under the motto, `Kính gửi` before the body, the
signer bottom-right and `Nơi nhận` bottom-left.
"""

from __future__ import annotations

import re

from extractors.document import Line, ParsedDocument
from extractors.fields.base import Extraction
from extractors.fields.layout import Found, below, label, value_for
from extractors.normalize import clean_text, find_date
from extractors.text import fold

_NUMBER = label(r"số", r"số hiệu")
_NUMBER_SHAPE = re.compile(r"\d+[\w.]*/[\wĐđ./-]+")
_SUBJECT = re.compile(r"^\s*v/v[:.]?\s*", re.IGNORECASE)
_RECIPIENTS = re.compile(r"^\s*kính gửi\s*:?\s*", re.IGNORECASE)
_CC = re.compile(r"^\s*nơi nhận\s*:?\s*", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"([^\W\d][\w\s.]*?)\s*,\s*ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4}", re.IGNORECASE
)
_MOTTO = re.compile(r"cộng h[oò]a xã hội|độc lập|tự do|hạnh phúc", re.IGNORECASE)
_URGENCY = (("thượng khẩn", "THƯỢNG KHẨN"), ("hỏa tốc", "HỎA TỐC"), ("khẩn", "KHẨN"))
_DEADLINE = re.compile(
    r"(?:trước|chậm nhất|hạn chót|không muộn hơn|hạn)\s*(?:là\s*)?(?:ngày\s*)?"
    r"(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4})",
    re.IGNORECASE,
)
_SIGNER_TITLE = re.compile(
    r"^(?:kt\.|tl\.|tm\.|q\.)?\s*(giám đốc|phó giám đốc|tổng giám đốc|phó tổng giám đốc|"
    r"chủ tịch|phó chủ tịch|bộ trưởng|thứ trưởng|chánh văn phòng|trưởng phòng|"
    r"cục trưởng|vụ trưởng|hiệu trưởng|thủ trưởng|kế toán trưởng)\b",
    re.IGNORECASE,
)


class DispatchExtractor:
    doc_type = "dispatch"

    def extract(self, document: ParsedDocument) -> Extraction:
        out = Extraction(fields={})
        lines = list(document.lines)

        number = value_for(document, _NUMBER, valid=lambda t: bool(_NUMBER_SHAPE.match(t)))
        out.put(
            "dispatch_number",
            _NUMBER_SHAPE.match(number.value).group(0) if number else None,  # type: ignore[union-attr]
            number,
        )

        place = issue_date = None
        for line in lines:
            match = _PLACE_DATE.search(line.text)
            if match is not None:
                found = find_date(line.text)
                place = clean_text(match.group(1))
                issue_date = found[0] if found else None
                out.put("issue_place", place, Found(place, line, 0.9))
                out.put("issue_date", issue_date, Found(line.text, line, 0.9))
                break
        out.fields.setdefault("issue_place", None)
        out.fields.setdefault("issue_date", None)

        out.fields["issuer"] = self._issuer(lines, out)
        self._subject(document, lines, out)
        out.fields["recipients"] = self._list_after(document, lines, _RECIPIENTS, out, "recipients")
        out.fields["cc"] = self._list_after(document, lines, _CC, out, "cc")
        self._signer(document, lines, out)

        text = document.text
        upper_lines = [line.text for line in lines if line.text.isupper()]
        out.fields["urgency"] = next(
            (value for value, mark in _URGENCY if any(mark in t for t in upper_lines)), None
        )
        deadline = _DEADLINE.search(text)
        out.fields["reply_deadline"] = (
            find_date(deadline.group(1))[0] if deadline and find_date(deadline.group(1)) else None
        )
        return out

    def _issuer(self, lines: list[Line], out: Extraction) -> str | None:
        """The issuing body: the upper-case lines of the top-left zone, above `Số:`; with a
        parent body above it, the last line is the issuer itself."""
        zone: list[Line] = []
        for line in lines:
            if _NUMBER.match(fold(line.text).strip()) or _SUBJECT.match(line.text):
                break
            if _MOTTO.search(line.text) or _PLACE_DATE.search(line.text):
                continue
            if line.text.isupper() and any(c.isalpha() for c in line.text):
                zone.append(line)
        if not zone:
            return None
        left = min(line.bbox[0] for line in zone)
        column = [line for line in zone if line.bbox[0] < left + 200]
        issuer = clean_text(column[-1].text)
        out.confidence["issuer"] = 0.8
        out.provenance["issuer"] = Found(issuer, column[-1], 0.8).provenance
        return issuer

    def _subject(self, document: ParsedDocument, lines: list[Line], out: Extraction) -> None:
        for line in lines:
            match = _SUBJECT.match(line.text)
            if match is None:
                continue
            parts = [line.text[match.end() :]]
            current = line
            while (following := below(document, current, max_gap_lines=0.8)) is not None:
                if _RECIPIENTS.match(following.text) or following.text.isupper():
                    break
                parts.append(following.text)
                current = following
            out.put("subject", clean_text(" ".join(parts)), Found(parts[0], line, 0.9))
            return
        out.fields["subject"] = None

    def _list_after(
        self,
        document: ParsedDocument,
        lines: list[Line],
        heading: re.Pattern[str],
        out: Extraction,
        path: str,
    ) -> list[str]:
        """A list printed after its heading: on the same line, or as `- item;` lines below."""
        for line in lines:
            match = heading.match(line.text)
            if match is None:
                continue
            items: list[str] = []
            rest = line.text[match.end() :].strip()
            column_x = line.bbox[0]
            if rest:
                items.append(rest)
                column_x = line.span(match.end(), len(line.text)).bbox[0]
            current = line
            while (following := _next_in_column(document, current, column_x)) is not None:
                text = following.text.strip()
                if not text.startswith(("-", "–", "•", "+")):
                    break
                items.append(text)
                current = following
            cleaned = [clean_text(item.lstrip("-–•+ ").rstrip(";.,")) for item in items]
            cleaned = [item for item in cleaned if item]
            if cleaned:
                out.confidence[path] = 0.85
                out.provenance[path] = Found("", line, 0.85).provenance
            return cleaned
        return []

    def _signer(self, document: ParsedDocument, lines: list[Line], out: Extraction) -> None:
        title_line = next(
            (line for line in reversed(lines) if _SIGNER_TITLE.match(line.text.strip())), None
        )
        title = name = None
        if title_line is not None:
            title = clean_text(_SIGNER_TITLE.match(title_line.text.strip()).group(0))  # type: ignore[union-attr]
            out.put("signer_title", title, Found(title, title_line, 0.85))
            candidates = [
                line
                for line in lines
                if line.page == title_line.page
                and line.bbox[1] > title_line.bbox[3]
                and line.bbox[0] < title_line.bbox[2]
                and line.bbox[2] > title_line.bbox[0]
                and _looks_like_person(line.text)
            ]
            if candidates:
                name = clean_text(candidates[-1].text)
                out.put("signer_name", name, Found(name, candidates[-1], 0.8))
        out.fields.setdefault("signer_title", None)
        out.fields.setdefault("signer_name", None)


def _next_in_column(document: ParsedDocument, line: Line, column_x: float) -> Line | None:
    following = below(document, line, max_gap_lines=1.2)
    if following is None or abs(following.bbox[0] - column_x) > 40:
        return None
    return following


def _looks_like_person(text: str) -> bool:
    words = text.split()
    return (
        2 <= len(words) <= 6
        and all(word[:1].isupper() for word in words)
        and not any(char.isdigit() for char in text)
        and not text.isupper()
    )
