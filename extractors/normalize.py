"""Normalisers shared by every extractor: printed values to the forms SCHEMA.md promises.

Each returns None when the text does not hold a value of its kind: an absent value is null,
never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from extractors.text import fold

_MONTHS_EN = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAME = "|".join(sorted(_MONTHS_EN, key=len, reverse=True))

_VI_LONG = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\b")
_EN_MONTH_FIRST = re.compile(
    rf"\b({_MONTH_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_EN_DAY_FIRST = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_NAME})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)


def clean_text(text: str) -> str:
    """As printed, whitespace collapsed, NFC (Vietnamese diacritics kept in one form), without
    the bars and underscores OCR reads from a table's borders at either end."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return re.sub(r"^(?:[|_]+\s*)+|(?:\s*[|_]+)+$", "", text)


def find_date(text: str, *, day_first: bool = True) -> tuple[str, re.Match[str]] | None:
    """The first date in `text` as ISO `YYYY-MM-DD`, with the match that held it."""
    text = unicodedata.normalize("NFC", text)
    candidates: list[tuple[int, str, re.Match[str]]] = []
    for pattern, order in (
        (_VI_LONG, "dmy"),
        (_ISO, "ymd"),
        (_EN_MONTH_FIRST, "Mdy"),
        (_EN_DAY_FIRST, "dMy"),
        (_NUMERIC, "dmy" if day_first else "mdy"),
    ):
        for match in pattern.finditer(text):
            iso = _to_iso(match.groups(), order)
            if iso is not None:
                candidates.append((match.start(), iso, match))
                break
    if not candidates:
        return None
    _, iso, match = min(candidates, key=lambda item: item[0])
    return iso, match


def parse_date(text: str, *, day_first: bool = True) -> str | None:
    found = find_date(text, day_first=day_first)
    return found[0] if found else None


def _to_iso(groups: tuple[str | None, ...], order: str) -> str | None:
    parts = dict(zip(order, groups, strict=True))
    try:
        month = _MONTHS_EN[str(parts["M"]).lower()] if "M" in parts else int(str(parts["m"]))
        return date(int(str(parts["y"])), month, int(str(parts["d"]))).isoformat()
    except (ValueError, KeyError):
        return None


_AMOUNT = re.compile(r"-?\d[\d.,\s]*\d|-?\d")


def parse_money(text: str, *, language: str = "vi") -> str | None:
    """The first amount in `text` as a plain decimal string (`1.234.567,5` → `1234567.5`).

    Grouping and decimal marks are told apart by their positions, not by the language alone:
    a separator followed by exactly three digits and repeated is grouping; the language only
    settles the truly ambiguous single `1.234` / `1,234` (grouping in both conventions here,
    since invoices print whole đồng and cents always come with two digits)."""
    match = _AMOUNT.search(text.replace("\u00a0", " "))
    if match is None:
        return None
    raw = re.sub(r"\s+(?=\d{3}\b)", "", match.group(0)).replace(" ", "")
    negative = raw.startswith("-")
    raw = raw.lstrip("-")
    marks = [char for char in raw if char in ".,"]
    if not marks:
        number = raw
    else:
        last = raw.rfind(marks[-1])
        tail = raw[last + 1 :]
        distinct = set(marks)
        if len(distinct) == 2:
            decimal_mark = marks[-1]
        elif len(marks) > 1:
            decimal_mark = None  # the same mark repeated is always grouping
        elif len(tail) == 3:
            decimal_mark = None
        else:
            decimal_mark = marks[-1]
        if decimal_mark is None:
            number = raw.replace(".", "").replace(",", "")
        else:
            grouping = "," if decimal_mark == "." else "."
            number = raw.replace(grouping, "").replace(decimal_mark, ".")
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return format_decimal(-value if negative else value)


def decimal_or_none(value: object) -> Decimal | None:
    """A record's money or quantity (a decimal string, or None) as a number; None when it is
    absent or not a number."""
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def format_decimal(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_CURRENCIES = (
    (re.compile(r"\bVN[ĐD]\b|đồng|(?<![^\W\d_])đ(?!\w)|₫", re.IGNORECASE), "VND"),
    # A bare `$` is the US dollar; one with a country's letters before it is not (`S$`).
    (re.compile(r"\bUSD\b|US\$|(?<![A-Za-z])\$"), "USD"),
    (re.compile(r"\bAUD\b|\bA\$|\bAU\$"), "AUD"),
    (re.compile(r"\bCAD\b|\bC\$|\bCA\$"), "CAD"),
    (re.compile(r"\bHKD\b|\bHK\$"), "HKD"),
    (re.compile(r"\bNZD\b|\bNZ\$"), "NZD"),
    (re.compile(r"\bEUR\b|€"), "EUR"),
    (re.compile(r"\bGBP\b|£"), "GBP"),
    (re.compile(r"\bJPY\b|¥"), "JPY"),
    (re.compile(r"\bCNY\b|\bRMB\b"), "CNY"),
    (re.compile(r"\bSGD\b|\bS\$"), "SGD"),
)


def find_currency(text: str) -> str | None:
    found = [
        (match.start(), code)
        for pattern, code in _CURRENCIES
        if (match := pattern.search(text)) is not None
    ]
    return min(found)[1] if found else None


_VAT_RATE = re.compile(r"(\d{1,2}(?:[.,]\d+)?)\s*%|\b(KCT|KKKNT)\b", re.IGNORECASE)


def parse_vat_rate(text: str) -> str | None:
    match = _VAT_RATE.search(text)
    if match is None:
        return None
    if match.group(2):
        return match.group(2).upper()
    return format_decimal(Decimal(match.group(1).replace(",", ".")))


# Digits may be printed one per box (`0 1 0 1 2 4 3 1 5 0 - 0 0 1`), the branch too.
_TAX_ID = re.compile(
    r"(?<![\d])(\d(?:[ .]?\d){9}(?:[ .]?\d{2})?)(?:\s*-\s*(\d(?: ?\d){2}))?(?![\d])"
)


# EU VAT numbers (Greece as EL, Northern Ireland as XI) and the UK's carry their country's
# prefix; SCHEMA.md keeps them as printed, without spaces or dots: `DE182917077`.
_VAT_COUNTRIES = (
    "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI|GB"
)
# 8 to 12 characters after the prefix, in every member state: a postcode (`DE 80333`) is not one.
FOREIGN_TAX_ID = re.compile(rf"(?:{_VAT_COUNTRIES})(?=(?:[A-Z]*[0-9]){{6}})[0-9A-Z]{{8,12}}")
_FOREIGN_PRINTED = re.compile(
    rf"(?<![0-9A-Za-z])({_VAT_COUNTRIES})[ .-]?((?:[0-9A-Z][ .]?){{1,13}}[0-9A-Z])(?![0-9A-Za-z])"
)


def parse_foreign_tax_id(text: str) -> str | None:
    """A VAT number printed with its country prefix (`DE 182 917 077`, `NL 8532.58.123.B01`),
    in SCHEMA.md's form: without spaces or dots."""
    for match in _FOREIGN_PRINTED.finditer(text):
        value = match.group(1) + re.sub(r"[ .]", "", match.group(2))
        if FOREIGN_TAX_ID.fullmatch(value):
            return value
    return None


# Elsewhere a company or tax registration number may hold letters (Singapore's UEN
# `201074458K`, a GST number): an MST never does. At least six digits, so a word is not one.
_LETTERED_TAX_ID = re.compile(
    r"(?=[0-9-]*[A-Z])(?=(?:[A-Z-]*[0-9]){6})[0-9A-Z][0-9A-Z-]{5,18}[0-9A-Z]"
)
_LETTERED_PRINTED = re.compile(r"(?<![\w-])[0-9A-Z][0-9A-Z-]{5,18}[0-9A-Z](?![\w-])")


# Letters OCR reads for digits: `O` and `I` anywhere (no registration scheme prints them among
# digits), the others only between digits (a Singapore UEN ends in a check letter).
_DIGIT_LOOKALIKES = str.maketrans("OIDZSGB", "0102568")
_ONLY_AMONG_DIGITS = re.compile(r"[DZSGB](?=[0-9])")


def _misread_mst(value: str) -> bool:
    """An MST with a digit OCR read as a letter (`01O1243150`): no foreign id, so its check
    digit must still be checked."""
    if not re.search(r"[OI]", value) and not _ONLY_AMONG_DIGITS.search(value):
        return False
    digits = value.translate(_DIGIT_LOOKALIKES)
    return re.fullmatch(r"\d{10}(?:-\d{3})?|\d{12}", digits) is not None


def _lettered(value: str) -> bool:
    return _LETTERED_TAX_ID.fullmatch(value) is not None and not _misread_mst(value)


def parse_lettered_tax_id(text: str) -> str | None:
    """A foreign tax or registration number holding letters, as printed (`201074458K`)."""
    for match in _LETTERED_PRINTED.finditer(text):
        if _lettered(match.group(0)):
            return match.group(0)
    return None


def is_foreign_tax_id(value: str) -> bool:
    """A tax id that is no MST: an EU VAT number with its prefix, or one holding letters
    that are not an MST's digits misread."""
    return bool(FOREIGN_TAX_ID.fullmatch(value) or _lettered(value))


def parse_tax_id(text: str) -> str | None:
    """A Vietnamese MST: 10 digits, an optional `-NNN` branch, or a 12-digit personal ID.

    Printed digits are kept even when the checksum fails, so the rules can flag them."""
    match = _TAX_ID.search(text)
    if match is None:
        return None
    digits = re.sub(r"\D", "", match.group(1))
    if len(digits) not in (10, 12):
        return None
    branch = match.group(2).replace(" ", "") if match.group(2) else None
    return f"{digits}-{branch}" if branch and len(digits) == 10 else digits


# RFC 5322's local part (`o'connor`, `a+b`, `x=y`), begun by a letter or digit so a quote
# or bracket around the address stays outside it. `/` and `|` part cells and fields on a
# page more often than they sit in an address, so they end it.
_EMAIL = re.compile(r"\w[\w!#$%&'*+=?^`{}~.-]*@[\w-]+(?:\.[\w-]+)+")


def find_email(text: str) -> str | None:
    match = _EMAIL.search(text)
    return match.group(0).lower() if match else None


_PHONE = re.compile(r"(?<![\w])(\+?\d[\d\s.()-]{7,16}\d)(?![\w])")


# Numbers printed after these are identity, tax or account numbers, never phones.
_NOT_PHONE_LABEL = re.compile(
    r"(cccd|cmnd|căn cước|chứng minh|hộ chiếu|passport|\bid\b|identity|mst|mã số thuế|"
    r"tax|tài khoản|\bstk\b|account|a/c|số hiệu|fax)[^\d]{0,12}$",
    re.IGNORECASE,
)


# Digits that are printed as something else: a year range (`2009 - 2011`), a date, a period
# of years. Their digits may still make a number of a possible length.
_NOT_PHONE_SHAPE = re.compile(
    r"^(?:19|20)\d{2}\s*[-–.]\s*(?:19|20)\d{2}$"
    r"|\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)\d{2}\b"
    r"|\b(?:19|20)\d{2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}\b"
)


def _printed_as_phone(text: str, match: re.Match[str]) -> bool:
    """Whether a run of digits stands on its own as a number: not a year range or a date,
    and not part of a longer token (`10.1234/abc.2023.1234`, a DOI; `v2.2023.1234`)."""
    if _NOT_PHONE_SHAPE.search(match.group(1)):
        return False
    before = text[match.start() - 1 : match.start()] if match.start() else ""
    after = text[match.end() : match.end() + 2]
    return not (before in ("/", ".", "-", "_") or re.match(r"[/.]\w|-\d", after))


def find_phone(text: str, *, default_region: str = "VN") -> str | None:
    """The first phone number as E.164, national numbers read as Vietnamese: the first one
    valid in phonenumbers' numbering plans, else the first of a possible length (the plans
    lag behind new prefixes). Numbers labelled as an ID, a tax code, an account or a fax
    are skipped, and so are digits printed as something else (a year range, a date, part of
    a DOI or an identifier)."""
    import phonenumbers  # loaded with the first document that prints a phone number

    possible: str | None = None
    for match in _PHONE.finditer(text):
        if _NOT_PHONE_LABEL.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        if not _printed_as_phone(text, match):
            continue
        try:
            number = phonenumbers.parse(match.group(1), default_region)
        except phonenumbers.NumberParseException:
            continue
        formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(number):
            return formatted
        if possible is None and phonenumbers.is_possible_number(number):
            possible = formatted
    return possible


# Most specific first: `TM/CK` names both ways, `CK` alone one. Matched on folded text.
_PAYMENT_METHODS = (
    (
        r"\btm\s*[/,-]\s*ck\b|\bck\s*[/,-]\s*tm\b|tien mat\s*(?:/|,|hoac)\s*chuyen khoan"
        r"|chuyen khoan\s*(?:/|,|hoac)\s*tien mat|\bcash\s*(?:/|or)\s*(?:bank )?transfer",
        "cash_or_transfer",
    ),
    (r"\bbu tru\b|\bdoi tru\b|\boffset\b|\bnetting\b", "offset"),
    # `thẻ` folds to the English `the`: only alone or naming a kind of card
    (r"^\W*the\W*$|\bthe (?:tin dung|ghi no|ngan hang|atm|visa)|\bcard\b|\bpos\b", "card"),
    (
        r"\bck\b|chuyen khoan|\bunc\b|uy nhiem chi|\btransfer\b|\bwire\b|\bbank\b",
        "transfer",
    ),
    (r"\btm\b|tien mat|\bcash\b", "cash"),
)


def parse_payment_method(text: str) -> str | None:
    """How an invoice is paid, as printed (`TM/CK`, `Chuyển khoản`, `Tiền mặt`, `Bank
    transfer`, `Credit card`, `Bù trừ công nợ`): `cash`, `transfer`, `cash_or_transfer`,
    `card`, `offset`; None for anything else."""
    folded = fold(text).lower()
    for pattern, method in _PAYMENT_METHODS:
        if re.search(pattern, folded):
            return method
    return None
