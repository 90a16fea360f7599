"""Confidence an invoice's values earn from checks independent of how they were read.

A value read by its label is usually right; one the page confirms another way is right
nearly always, and only those may reach auto-approval's threshold (`confidence.PRINTED`):

- the amounts: subtotal + VAT = total, and a second, independent reading agrees (the lines
  sum to the subtotal, the amount in words states the total, the rate makes the VAT);
- the seller's tax code: its check digit holds, and it is not the buyer's;
- the invoice number and issue date: printed beside a label that names nothing else
  (`Invoice No.`, `Số hóa đơn`, `Invoice date`, `Ngày … tháng … năm …`), in their own form,
  and no other such label says otherwise; a date only when its day and month cannot be
  swapped;
- the seller's name: a company's name (its legal form), not the buyer's, vouched for by its
  block (a seller label, or the seller's valid tax code; on a Vietnamese invoice the tax code
  always) or, for a letterhead, printed again on the page or matching its own e-mail domain;
- the currency đồng, when nothing prints it, by the amount in words agreeing in đồng.

A check that disagrees lowers the values it involves to `DISPUTED`, and a value any check
contradicts never rises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from stdnum.eu import vat as eu_vat
from stdnum.vn import mst

from extractors.amount_words import words_to_amount
from extractors.document import Line, ParsedDocument
from extractors.fields import confidence as level
from extractors.fields.base import SURE_OCR, Extraction
from extractors.fields.layout import below, label, label_matches, right_of
from extractors.normalize import parse_date
from extractors.text import fold

# Labels that name the invoice's own number or date and nothing else: not `No.` (a PO's,
# an account's), not a bare `Date` after another word (`Due date`, `Order date`).
_NUMBER_LABEL = label(r"invoice\s*(?:no\.?|number|#)", r"inv\.?\s*no\.?")
# Not `Mẫu số` (the form) nor `Tài khoản số` (an account).
_SO = r"(?<!mẫu )(?<!khoản )(?<!tài khoản )"
_VI_NUMBER_LABEL = label(
    rf"{_SO}số hóa đơn",
    rf"{_SO}số hđ",
    # `Số:` heads a Vietnamese e-invoice's number beside its form and series.
    rf"{_SO}số(?=\s*(?:\([^)]{{0,20}}\))?\s*:)",
)
# Circular 78/2021: a Vietnamese invoice's number is at most 8 digits.
_VI_NUMBER = re.compile(r"\d{1,8}")
_DATE_LABEL = label(
    r"invoice date",
    r"date of issue",
    r"issue date",
    r"date issued",
    r"issued(?=\s*(?:on\s*)?:)",
    r"ngày lập(?: hóa đơn)?",
    r"ngày hóa đơn",
    r"ngày xuất(?: hóa đơn)?",
)
# `Date:` opening its line or cell, with no other word before it (not `Due date`).
_LEADING_DATE = re.compile(r"^\s*(?:date|ngày)\s*(?:\([^)]{0,20}\)\s*)?(?::|$)", re.IGNORECASE)
_VI_LONG_DATE = re.compile(r"ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4}", re.IGNORECASE)
_REFERENCE = re.compile(r"[^\W_][\w\-/]*")
_COMPANY = re.compile(
    r"\bcong ty\b|\btnhh\b|\bco phan\b|\bdoanh nghiep\b|\bchi nhanh\b|\bcompany\b|\bltd\b|"
    r"\bllc\b|\binc\b|\bjsc\b|\bcorp|\bgmbh\b|\bco\.|\bpte\b|\bplc\b|\bb\.?v\.?\b|\bs\.?a\.?s?\b|"
    r"\blimited\b|\bag\b|\bsarl\b|\bllp\b",
)
_LABEL_WORDS = re.compile(
    r"^(?:ten|name|seller|buyer|supplier|vendor|customer|from|to|sold to|bill to|ship to|"
    r"ben|don vi|nguoi)\b"
)
_EMAIL_DOMAIN = re.compile(r"@([a-z0-9-]+)\.", re.IGNORECASE)
_AMOUNTS = ("subtotal", "vat_amount", "total")
# Money agrees within one unit: amounts rounded line by line differ by at most that.
_TOLERANCE = Decimal(1)


def confirm(document: ParsedDocument, out: Extraction) -> None:
    """Raise or lower `out`'s confidences by what the page confirms or contradicts."""
    disputed = _amounts(out)
    _currency(out, disputed)
    _number(document, out)
    _issue_date(document, out)
    _seller_tax_id(out)
    _seller_name(document, out)


# --- amounts --------------------------------------------------------------------------------


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _amounts(out: Extraction) -> set[str]:
    """The totals and line amounts: agreement raises them, disagreement disputes them.
    Returns the fields a check contradicted."""
    fields, confidence = out.fields, out.confidence
    subtotal, vat, total = (_decimal(fields.get(key)) for key in _AMOUNTS)
    disputed: set[str] = set()
    items = fields.get("line_items")
    amounts = [
        _decimal(item.get("amount")) if isinstance(item, Mapping) else None
        for item in (items if isinstance(items, list) else [])
    ]
    lines_sum = (
        sum((a for a in amounts if a is not None), Decimal(0))
        if amounts and None not in amounts
        else None
    )
    words = fields.get("amount_in_words")
    stated = words_to_amount(str(words)) if words else None
    words_agree = stated is not None and total is not None and stated == total
    if stated is not None and total is not None and not words_agree:
        # Two readings of one amount disagree: either may be the misprint, neither is sure.
        disputed |= {"total", "amount_in_words"}

    adds_up = None
    if subtotal is not None and vat is not None and total is not None:
        adds_up = abs(subtotal + vat - total) <= _TOLERANCE
        if not adds_up:
            disputed |= set(_AMOUNTS)
    lines_agree = None
    if lines_sum is not None:
        base = subtotal if subtotal is not None else (total if vat is None else None)
        if base is not None:
            lines_agree = abs(lines_sum - base) <= _TOLERANCE
            if not lines_agree:
                disputed |= {"subtotal"} if subtotal is not None else {"total"}
                disputed |= {f"line_items[{i}].amount" for i in range(len(amounts))}
    rate_agrees = _rate_agrees(fields.get("vat_rate"), subtotal, vat)

    if adds_up:
        # Three figures adding up could all come from one wrong row (a rate's own
        # subtotal): a second, independent reading is what confirms them.
        second = bool(lines_agree or words_agree or rate_agrees)
        for key in _AMOUNTS:
            confidence[key] = (
                level.CONFIRMED if second else max(confidence.get(key, 0.0), level.LABELLED)
            )
    elif subtotal is None and total is not None and lines_sum is not None and vat is not None:
        # No subtotal printed or read: the table's lines and the VAT make the total.
        if abs(lines_sum + vat - total) <= _TOLERANCE:
            for key in ("vat_amount", "total"):
                confidence[key] = max(confidence.get(key, 0.0), level.CORROBORATED)
            lines_agree = True
    elif adds_up is None and total is not None and lines_agree and subtotal is None:
        confidence["total"] = level.CORROBORATED  # no VAT printed: the lines make the total
    if words_agree and "total" not in disputed:
        confidence["total"] = max(confidence.get("total", 0.0), level.CORROBORATED)
    if lines_agree:
        for index in range(len(amounts)):
            confidence[f"line_items[{index}].amount"] = level.CORROBORATED
    for key in disputed:
        confidence[key] = min(confidence.get(key, level.DISPUTED), level.DISPUTED)
    return disputed


def _rate_agrees(rate: object, subtotal: Decimal | None, vat: Decimal | None) -> bool:
    percent = (
        _decimal(rate) if rate is not None and re.fullmatch(r"\d+(\.\d+)?", str(rate)) else None
    )
    if percent is None or subtotal is None or vat is None:
        return False
    return abs(subtotal * percent / 100 - vat) <= _TOLERANCE


def _currency(out: Extraction, disputed: set[str]) -> None:
    """đồng assumed for a Vietnamese invoice printing no currency is confirmed by its amount
    in words, in đồng, stating the total."""
    words = out.fields.get("amount_in_words")
    if (
        out.fields.get("currency") == "VND"
        and words
        and "total" not in disputed
        and re.search(r"\bdong\b", fold(str(words)).lower())
        and words_to_amount(str(words)) == _decimal(out.fields.get("total"))
    ):
        out.confidence["currency"] = max(out.confidence.get("currency", 0.0), level.PRINTED)


# --- header ---------------------------------------------------------------------------------


def _sure(line: Line) -> bool:
    """Read from a text layer, or from words OCR was sure of."""
    return all(word.source != "ocr" or word.confidence >= SURE_OCR for word in line.words)


def _beside(document: ParsedDocument, pattern: re.Pattern[str]) -> list[Line]:
    """What is printed beside each occurrence of a label: the rest of its line, else the
    next cell on its row, else the line just below it."""
    found = []
    for line, start in label_matches(document, pattern):
        rest = line.text[start:].strip()
        if rest:
            found.append(line.span(start, len(line.text)))
            continue
        neighbour = right_of(document, line) or below(document, line)
        if neighbour is not None:
            found.append(neighbour)
    return found


def _earned(
    out: Extraction, path: str, candidates: Sequence[tuple[Line, Callable[[str], str | None]]]
) -> None:
    """`path` earns PRINTED when a candidate beside a naming label reads as its value, all
    such candidates that read as a value agree, and the page's words are sure."""
    value = out.fields.get(path)
    if value is None:
        return
    readings = [(reading, line) for line, read in candidates if (reading := read(line.text))]
    if not readings or any(reading != value for reading, _ in readings):
        return
    if all(_sure(line) for _, line in readings):
        out.confidence[path] = max(out.confidence.get(path, 0.0), level.PRINTED)


def _number(document: ParsedDocument, out: Extraction) -> None:
    def read(text: str) -> str | None:
        match = _REFERENCE.match(text.strip())
        if match is None or not re.search(r"\d", match.group(0)):
            return None
        return match.group(0)

    def read_vietnamese(text: str) -> str | None:
        match = _REFERENCE.match(text.strip())
        return match.group(0) if match and _VI_NUMBER.fullmatch(match.group(0)) else None

    candidates = [(line, read) for line in _beside(document, _NUMBER_LABEL)]
    candidates += [(line, read_vietnamese) for line in _beside(document, _VI_NUMBER_LABEL)]
    _earned(out, "invoice_number", candidates)


def _issue_date(document: ParsedDocument, out: Extraction) -> None:
    value = out.fields.get("issue_date")
    due = out.fields.get("due_date")
    if value is None or (isinstance(due, str) and isinstance(value, str) and due < value):
        return  # due before issue: one of the two dates is not what its label says
    candidates = _beside(document, _DATE_LABEL)
    for line in document.lines:
        match = _VI_LONG_DATE.search(line.text)
        if match is not None:
            candidates.append(line.span(match.start(), match.end()))
        elif (lead := _LEADING_DATE.match(line.text)) is not None:
            start = lead.end()
            if line.text[start:].strip():
                candidates.append(line.span(start, len(line.text)))
            elif (neighbour := right_of(document, line) or below(document, line)) is not None:
                candidates.append(neighbour)

    day_first = _day_first(document)

    def read(text: str) -> str | None:
        first, second = parse_date(text, day_first=True), parse_date(text, day_first=False)
        if first is None or second is None or first == second:
            return first or second
        # Day and month could be swapped: only the page's own way of writing dates says.
        return _AMBIGUOUS if day_first is None else (first if day_first else second)

    _earned(out, "issue_date", [(line, read) for line in candidates])


_AMBIGUOUS = "ambiguous"
_SLASHED_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")


def _day_first(document: ParsedDocument) -> bool | None:
    """Whether the page writes the day first: its dates that can only be read one way say
    so; a Vietnamese document always does. None when nothing says."""
    first_is_day = second_is_day = 0
    for match in _SLASHED_DATE.finditer(document.text):
        first, second = int(match.group(1)), int(match.group(2))
        first_is_day += first > 12 >= second
        second_is_day += second > 12 >= first
    if first_is_day and second_is_day:
        return None
    if first_is_day or second_is_day:
        return bool(first_is_day)
    return True if document.language == "vi" else None


# --- seller ---------------------------------------------------------------------------------


def _valid_tax_id(value: str) -> bool:
    if re.fullmatch(r"\d{10}(?:-\d{3})?|\d{12}", value):
        return bool(mst.is_valid(value.replace("-", "")))
    return bool(eu_vat.is_valid(value))


def _seller_tax_id(out: Extraction) -> None:
    """A seller's tax code read in the seller's block whose check digits hold, and that is
    not the buyer's."""
    seller, buyer = out.fields.get("seller"), out.fields.get("buyer")
    if not isinstance(seller, Mapping):
        return
    tax_id = seller.get("tax_id")
    other = buyer.get("tax_id") if isinstance(buyer, Mapping) else None
    path = "seller.tax_id"
    if not isinstance(tax_id, str) or tax_id == other or not _valid_tax_id(tax_id):
        return
    if out.confidence.get(path, 0.0) >= level.BY_CONTEXT:
        out.confidence[path] = max(out.confidence[path], level.PRINTED)


def _seller_name(document: ParsedDocument, out: Extraction) -> None:
    seller, buyer = out.fields.get("seller"), out.fields.get("buyer")
    if not isinstance(seller, Mapping):
        return
    name = seller.get("name")
    if not isinstance(name, str):
        return
    folded = fold(name).lower().strip()
    other = buyer.get("name") if isinstance(buyer, Mapping) else None
    if (
        not _COMPANY.search(folded)
        # A legal form alone (`Ltd`, `Công ty TNHH`) is a piece of a name, not one.
        or sum(char.isalpha() for char in _COMPANY.sub("", folded)) < 3
        or _LABEL_WORDS.match(folded)
        or ":" in name
        or (isinstance(other, str) and fold(other).lower().strip() == folded)
    ):
        return
    path = "seller.name"
    read = out.confidence.get(path, 0.0)
    tax_id = seller.get("tax_id")
    tax_id_sure = (
        isinstance(tax_id, str) and out.confidence.get("seller.tax_id", 0.0) >= level.PRINTED
    )
    if out.fields.get("invoice_series") is not None or out.fields.get("currency") == "VND":
        # A Vietnamese invoice prints the seller's tax code in the seller's block: a name
        # read without a valid one was not read with its block.
        vouched = tax_id_sure
    else:
        vouched = (
            read >= level.BY_CONTEXT  # under or beside a seller label
            or tax_id_sure
            or _printed_again(document, name)
        )
    if vouched and read >= level.GUESS and _sure_name(document, folded):
        out.confidence[path] = max(read, level.PRINTED)


def _sure_name(document: ParsedDocument, folded: str) -> bool:
    """The name is printed as read, in reading order: within one line, or starting at the end
    of one and going on at the start of the next one below; and its lines were read from a
    text layer or from words OCR was sure of. A cross-check vouches for where a name was
    read, not for pieces of lines joined out of order nor for how OCR spelled it."""
    lines = [(line, fold(line.text).lower().strip()) for line in document.lines]
    for index, (line, text) in enumerate(lines):
        if folded in text:
            return (
                _sure(line)
                and _one_baseline(line)
                and not (text.endswith(folded) and _wraps_on(document, line))
            )
        cut = next(
            (n for n in range(len(folded) - 1, 3, -1) if text.endswith(folded[:n].rstrip())),
            None,
        )
        if cut is None or not folded[:cut].endswith(" "):
            continue
        rest = folded[cut:].strip()
        for other, other_text in lines[index + 1 :]:
            below_it = other.page == line.page and other.bbox[1] > line.bbox[1]
            if below_it and other_text.startswith(rest):
                return all(_sure(one) and _one_baseline(one) for one in (line, other))
    return False


def _one_baseline(line: Line) -> bool:
    """Words printed on one line: a cell's two wrapped lines grouped into one read their
    words across both, out of order."""
    tops = [word.bbox[1] for word in line.words]
    height = min(word.bbox[3] - word.bbox[1] for word in line.words)
    return max(tops) - min(tops) <= 0.5 * height


def _wraps_on(document: ParsedDocument, line: Line) -> bool:
    """A name in capitals whose next line, just below, goes on in capitals with no label
    nor figure: the name wraps, and a reading that stopped at the line's end lost its end."""
    if not line.words[-1].text.isupper():
        return False
    nxt = below(document, line, max_gap_lines=1.0)
    return nxt is not None and nxt.text.isupper() and not re.search(r"[:\d]", nxt.text)


def _printed_again(document: ParsedDocument, name: str) -> bool:
    """A letterhead's name printed a second time (a footer, a payee line), or naming the
    domain of an e-mail address printed on the page."""
    wanted = fold(name).lower()
    if len(wanted.split()) < 2:
        return False  # one word recurs by chance
    holding = [line for line in document.lines if wanted in fold(line.text).lower()]
    if len(holding) >= 2:
        return True
    words = {word for word in re.findall(r"[a-z0-9]+", wanted) if len(word) >= 4}
    domains = {match.lower() for match in _EMAIL_DOMAIN.findall(document.text)}
    return any(domain in words for domain in domains)
