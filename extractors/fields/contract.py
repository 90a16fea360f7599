"""Contracts: title, number, parties, dates, term, value, governing law, standard clauses."""

from __future__ import annotations

import re
from datetime import date

from extractors.document import Line, ParsedDocument
from extractors.fields.base import Extraction
from extractors.fields.layout import Found, block_label, label, label_matches, value_for
from extractors.normalize import (
    clean_text,
    find_currency,
    find_date,
    parse_money,
    parse_tax_id,
)
from extractors.text import fold

_TITLE = re.compile(r"hợp đồng|\b(agreement|contract)\b", re.IGNORECASE)
_NUMBER = label(r"số hợp đồng", r"số", r"contract (?:no\.?|number)", r"agreement no\.?", r"no\.?")
_NUMBER_SHAPE = re.compile(r"[\w.]*\d[\w./-]*")
_PARTY = block_label(r"bên ([a-e])", r"party ([a-e])")
_BETWEEN = re.compile(r"^\s*(between|and)\b[:\s]*", re.IGNORECASE)
_TAX_ID = label(r"mã số thuế", r"mst", r"tax (?:id|code|number)", r"registration (?:no\.?|number)")
_REPRESENTATIVE = label(
    r"đại diện(?: bởi)?", r"người đại diện", r"represented by", r"representative"
)
_ADDRESS = label(r"địa chỉ", r"trụ sở(?: chính)?", r"address", r"registered office")
_VALUE = label(
    r"giá trị hợp đồng",
    r"tổng giá trị(?: hợp đồng)?",
    r"contract (?:value|price)",
    r"total (?:value|contract price|fee)",
    r"tổng số tiền",
)
_SIGNING = re.compile(
    r"(hôm nay|ký ngày|made on|dated|entered into on|signed on|this agreement is made)",
    re.IGNORECASE,
)
_EFFECTIVE = re.compile(r"(hiệu lực (?:kể )?từ|effective (?:from|as of|date)|commence)", re.I)
_TERM = re.compile(
    r"(?:thời hạn|term|period)[^.\n]{0,80}?(?:\(\s*)?(\d{1,3})(?:\s*\))?\s*"
    r"(tháng|năm|months?|years?)",
    re.IGNORECASE,
)
_CLAUSES = {
    "payment": r"thanh toán|payment",
    "confidentiality": r"bảo mật|confidential",
    "termination": r"chấm dứt|termination",
    "dispute_resolution": r"tranh chấp|dispute",
    "force_majeure": r"bất khả kháng|force majeure",
    "liability": r"trách nhiệm bồi thường|liabilit",
    "warranty": r"bảo hành|warrant",
    "penalty": r"phạt vi phạm|penalt",
    "governing_law": r"luật áp dụng|governing law|governed by",
}
_LAW = re.compile(
    r"(?:pháp luật|luật)(?: của)? (?:nước )?(?:cộng hòa xã hội chủ nghĩa )?(việt nam)|"
    r"(?:governed by|in accordance with) the laws? of ([A-Z][\w ]+?)(?:[.,;]|$)",
    re.IGNORECASE,
)
_AUTO_RENEWAL = re.compile(
    r"tự động (?:được )?gia hạn|automatically (?:be )?renew|auto-?renew", re.IGNORECASE
)


class ContractExtractor:
    doc_type = "contract"

    def extract(self, document: ParsedDocument) -> Extraction:
        out = Extraction(fields={})
        lines = list(document.lines)
        text = document.text
        day_first = document.language == "vi"

        title_line = next(
            (line for line in lines[:15] if line.text.isupper() and _TITLE.search(line.text)), None
        ) or next((line for line in lines[:15] if _TITLE.search(line.text)), None)
        out.put(
            "title",
            clean_text(title_line.text) if title_line else None,
            Found("", title_line, 0.9) if title_line else None,
        )

        number = value_for(document, _NUMBER, valid=lambda t: bool(_NUMBER_SHAPE.match(t)))
        out.put(
            "contract_number",
            _NUMBER_SHAPE.match(number.value).group(0) if number else None,  # type: ignore[union-attr]
            number,
        )

        signing = self._date_after(lines, _SIGNING, day_first) or self._first_date(lines, day_first)
        out.put("signing_date", signing[0] if signing else None, signing[1] if signing else None)
        effective = self._date_after(lines, _EFFECTIVE, day_first)
        effective_date = effective[0] if effective else (signing[0] if signing else None)
        out.put(
            "effective_date",
            effective_date,
            effective[1] if effective else (signing[1] if signing else None),
        )
        out.fields["expiry_date"] = _expiry(effective_date, text)

        out.fields["parties"] = self._parties(document, lines)
        value = value_for(document, _VALUE, valid=lambda t: parse_money(t) is not None)
        out.put(
            "total_value",
            parse_money(value.value, language=document.language) if value else None,
            value,
        )
        currency = find_currency(value.value) if value else None
        if value is not None and currency is None:
            currency = find_currency(text) or ("VND" if document.language == "vi" else None)
        out.fields["currency"] = currency
        law = _LAW.search(text)
        out.fields["governing_law"] = (
            "Vietnam" if law and law.group(1) else clean_text(law.group(2)) if law else None
        )
        headings = (
            "\n".join(
                line.text
                for line in lines
                if re.match(r"\s*(điều|article|clause|section)\s*\d+", line.text, re.IGNORECASE)
            )
            or text
        )
        clauses = [name for name, pattern in _CLAUSES.items() if re.search(pattern, headings, re.I)]
        if out.fields["governing_law"] and "governing_law" not in clauses:
            clauses.append("governing_law")
        out.fields["clauses"] = clauses
        out.fields["auto_renewal"] = bool(_AUTO_RENEWAL.search(text))
        return out

    def _date_after(
        self, lines: list[Line], cue: re.Pattern[str], day_first: bool
    ) -> tuple[str, Found] | None:
        for line in lines:
            match = cue.search(line.text)
            if match is None:
                continue
            found = find_date(line.text[match.end() :], day_first=day_first)
            if found is not None:
                return found[0], Found(found[1].group(0), line, 0.85)
        return None

    def _first_date(self, lines: list[Line], day_first: bool) -> tuple[str, Found] | None:
        for line in lines[:30]:
            found = find_date(line.text, day_first=day_first)
            if found is not None:
                return found[0], Found(found[1].group(0), line, 0.6)
        return None

    def _parties(self, document: ParsedDocument, lines: list[Line]) -> list[dict[str, object]]:
        """Parties in the order introduced: `BÊN A:` / `Party A:` headings, or the English
        `BETWEEN … AND …` recital; each party's details are the labelled lines that follow
        its heading, up to the next heading."""
        starts: list[tuple[int, str]] = []
        for index, line in enumerate(lines):
            match = _PARTY.match(fold(line.text))
            if match is not None:
                rest = line.text[match.end() :]
                rest = re.sub(r"^\s*(\([^)]*\))?\s*[:.\-]?\s*", "", rest)
                starts.append((index, rest))
        if not starts:
            for index, line in enumerate(lines):
                match = _BETWEEN.match(line.text)
                if match is not None:
                    starts.append((index, line.text[match.end() :]))
        parties: list[dict[str, object]] = []
        for number, (index, rest) in enumerate(starts):
            end = starts[number + 1][0] if number + 1 < len(starts) else min(len(lines), index + 8)
            block = lines[index:end]
            name = clean_text(re.split(r",\s*(?:a|an)\s+\w+|\(", rest)[0]) if rest else None
            if not name and index + 1 < len(lines):
                name = clean_text(lines[index + 1].text)
            party: dict[str, object] = {
                "role": f"party_{chr(ord('a') + number)}",
                "name": name,
                "tax_id": None,
                "representative": None,
                "address": None,
            }
            for key, pattern, parse in (
                ("tax_id", _TAX_ID, parse_tax_id),
                ("representative", _REPRESENTATIVE, _person),
                ("address", _ADDRESS, lambda t: clean_text(t) or None),
            ):
                found = value_for(
                    document,
                    pattern,
                    lines=[
                        (line, start)
                        for line, start in label_matches(document, pattern)
                        if line in block
                    ],
                    valid=lambda t, p=parse: bool(p(t)),
                )
                if found is not None:
                    party[key] = parse(found.value)
            parties.append(party)
        return parties


def _person(text: str) -> str | None:
    name = re.split(r"\s*[,(;]|\s+-\s+|\s*chức vụ|\s*title", text, flags=re.IGNORECASE)[0]
    name = re.sub(r"^(ông|bà|mr\.?|mrs\.?|ms\.?)\s+", "", name.strip(), flags=re.IGNORECASE)
    return clean_text(name) or None


def _expiry(effective: str | None, text: str) -> str | None:
    """The expiry date, from a stated term when the contract gives only the term."""
    if effective is None:
        return None
    match = _TERM.search(text)
    if match is None:
        return None
    amount = int(match.group(1))
    months = amount if match.group(2).lower().startswith(("tháng", "month")) else amount * 12
    start = date.fromisoformat(effective)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(
        start.day,
        [
            31,
            29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month - 1],
    )
    return date(year, month, day).isoformat()
