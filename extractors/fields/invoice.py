"""Invoice fields: header by label geometry, party blocks by position, line items by the
columns of the table header, totals cross-checked against each other."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from extractors.amount_words import mostly_number_words, words_to_amount
from extractors.document import Line, Page, ParsedDocument, Word
from extractors.fields import confidence as level
from extractors.fields import crosscheck
from extractors.fields.base import SURE_OCR, Extraction
from extractors.fields.layout import (
    Found,
    below,
    below_interleaved,
    block_label,
    continued,
    label,
    label_matches,
    value_for,
)
from extractors.fields.table import (
    OTHER,
    UNNAMED,
    TableRow,
    is_unnamed,
    printed_rows,
    read_table,
)
from extractors.normalize import (
    clean_text,
    find_currency,
    find_email,
    find_phone,
    format_decimal,
    parse_date,
    parse_foreign_tax_id,
    parse_lettered_tax_id,
    parse_money,
    parse_payment_method,
    parse_tax_id,
    parse_vat_rate,
)
from extractors.text import fold, folded_pattern

_FORM = label(r"mẫu số", r"form(?: no\.?)?", r"template")
# OCR often loses the space of `Ký hiệu` on a scan.
_SERIES = label(r"ký ?hiệu", r"serial(?: no\.?)?", r"series", r"khhđ")
_NUMBER = re.compile(
    # `invoice\s*[^\s\d]?`: a speck OCR reads as a letter before `No.` (`Invoice ÑNo.:`)
    r"(?<![\w])(?<!mẫu\s)(?:(?:số hóa đơn|số hđ|invoice\s*[^\s\d]?(?:no\.?|number|#)|số|no\.?)"
    r"(?:\s*\([^)]{0,20}\))?\s*:"
    # Without a colon only when the label is all its cell says (`Invoice #`, value beside).
    r"|(?:số hóa đơn|invoice\s*(?:no\.?|number|#))\s*$"
    # ... or the value beside it on the line, when the value holds a digit (`Invoice # 2026822`).
    r"|(?:số hóa đơn|invoice\s*(?:no\.?|number|#))(?=\s+[^\s:]*\d)"
    # `# 1042` heading a line, and a title naming its own number (`Invoice INV/2023/0008`).
    r"|^\s*#(?=\s*\S*\d)|^\s*(?:tax\s+)?invoice(?=\s+[^\s:]*\d))",
    re.IGNORECASE,
)
_ISSUE_DATE = label(
    r"invoice date",
    r"issued(?: on)?(?=\s*:)",
    r"dated(?=\s*:)",
    r"date of issue",
    r"issue date",
    r"ngày lập",
    r"ngày hóa đơn",
    r"ngày xuất",
    r"date",
    r"ngày(?=\s*:)",  # "Ngày: 10/06/2026", not "Ngày đến hạn"
)
_DUE_DATE = label(
    r"due date",
    r"payment due",
    r"due(?=\s*:)",  # `Due: 21 February 2026`, not `Balance due`'s amount
    r"hạn thanh toán",
    r"ngày đến hạn",
    r"hạn trả",
)
_PO = label(
    r"po (?:number|no\.?)",
    r"po ?#",
    r"p\.o\.(?: no\.?)?",
    r"purchase order(?: no\.?)?",
    r"(?:your )?order ref(?:erence)?\.?",
    r"(?:your )?order (?:no\.?|number)",
    r"(?:your |customer )?order(?=\s*:)",  # `Your order: PO-88807`
    r"số đơn (?:đặt )?hàng",
    r"số po",
    r"đơn đặt hàng số",
)
_PAYMENT = label(
    r"hình thức thanh toán",
    r"phương thức thanh toán",
    r"hình thức tt",
    r"httt",
    r"payment method",
    r"method of payment",
    r"payment mode",
    r"paid by",
)
# The totals' labels in each language. Vietnamese ones match with or without diacritics (a
# typist or OCR drops them); English ones only where the text has none (`ascii_exact`), since
# Vietnamese words fold onto them (`VẬT TƯ` → `VAT TU`).
_SUBTOTAL_VI = (
    r"cộng tiền hàng(?: hóa, dịch vụ)?",
    r"(?:tổng |cộng )?tiền (?:hàng )?chưa (?:có )?thuế(?: gtgt)?",
    r"(?:tổng |cộng )?(?:tiền|giá trị|thành tiền) trước thuế",
    r"tổng tiền hàng",
    r"tiền hàng",
)
_SUBTOTAL_EN = (
    r"sub-? ?total",
    r"(?:total|amount) before (?:tax|vat|gst)",
    r"(?:total|amount) (?:excl\.?|excluding|ex\.?|net of) (?:tax|vat|gst)",
    r"net (?:amount|total)",
    r"total net(?: amount)?",
)
_VAT_AMOUNT_VI = (r"tiền thuế gtgt", r"tiền thuế", r"thuế gtgt")
_VAT_AMOUNT_EN = (
    r"(?:vat|tax|gst) amount",
    r"(?:total|sales) (?:vat|tax|gst)",
    r"vat",
    r"tax",
    r"gst",
)
_TOTAL_VI = (
    r"tổng cộng tiền thanh toán",
    r"tổng (?:số )?tiền (?:phải )?thanh toán",
    r"tổng thanh toán",
    r"số tiền (?:phải )?thanh toán",
    r"tổng cộng",
    r"tổng tiền",
)
_TOTAL_EN = (
    r"total amount(?: due| payable)?",
    r"(?:amount|balance|total) (?:due|payable|to pay)",
    r"grand total",
    r"invoice total",
    r"total (?:incl\.?|including|inc\.?) (?:tax|vat|gst)",
    r"total",
)
_VAT_RATE_VI = (r"thuế suất(?: gtgt)?", r"mức thuế(?: gtgt)?")
_VAT_RATE_EN = (r"(?:vat|tax|gst) rate",)
_SUBTOTAL = label(*_SUBTOTAL_VI, *_SUBTOTAL_EN, ascii_exact=True)
_VAT_AMOUNT = label(*_VAT_AMOUNT_VI, *_VAT_AMOUNT_EN, ascii_exact=True)
_TOTAL = label(*_TOTAL_VI, *_TOTAL_EN, ascii_exact=True)
_VAT_RATE = label(*_VAT_RATE_VI, *_VAT_RATE_EN, ascii_exact=True)
# `VAT 15% on $ 112.90`: the rate, and the base it is charged on, are not the VAT amount.
_RATE_BESIDE_LABEL = re.compile(
    r"^\s*[@(]?\s*\d{1,2}(?:[.,]\d+)?\s*%\s*\)?(?:\s*(?:on|of|trên)\s+\D{0,4}[\d.,]*\d)?\s*:?",
    re.IGNORECASE,
)
_IN_WORDS = label(
    r"số tiền viết bằng chữ", r"viết bằng chữ", r"bằng chữ", r"amount in words", r"in words", r"say"
)
_SELLER = block_label(
    r"(?:tên )?đơn vị bán(?: hàng)?",
    r"(?:tên |họ tên )?người bán(?: hàng)?",
    r"bên bán",
    r"seller",
    r"supplier",
    r"vendor",
    r"from",
)
# The issuer named on a line of its own, often in the footer under the totals, where the
# signature labels are no party's heading but this one still is.
_ISSUED_BY = block_label(
    r"issued by",
    r"remit(?:tance)? to",
    r"(?:please )?make (?:cheques|checks|payments?) payable to",
    r"payable to",
    r"phát hành bởi đơn vị",
)
_BUYER = block_label(
    r"(?:tên )?đơn vị mua(?: hàng)?",
    r"(?:tên |họ tên )?người mua(?: hàng)?",
    r"tên đơn vị",
    r"bên mua",
    r"buyer",
    r"bill to",
    r"billed to",
    r"invoice to",
    r"invoiced to",
    r"to(?=\s*:)",
    r"customer",
    r"khách hàng",
    r"sold to",
)
_TAX_ID = label(
    r"mã số thuế",
    r"mst",
    r"tax (?:id|code|number|reg(?:istration)?\.? (?:no\.?|number))",
    r"gst (?:reg(?:istration)?\.? )?(?:no\.?|number|id)",
    r"uen",
    r"abn",
    r"vat (?:reg(?:istration)?\.? )?(?:no\.?|number|id)",
    r"tin",
    # The VAT number in the words of the seller's own country.
    r"ust\.?[- ]?id(?:\.?[- ]?nr)?\.?",
    r"btw[- ]?(?:nummer|nr|id)\.?",
    r"(?:n° |numéro de )?tva(?: intracom(?:munautaire)?)?",
)
_ADDRESS = label(r"địa chỉ", r"đ/c", r"đ/chỉ", r"address", r"addr\.?")
_BANK = label(
    r"số tài khoản",
    r"stk",
    r"tài khoản",
    r"bank account(?: no\.?)?",
    r"account (?:no\.?|number)",
    r"iban",
)
_NAME = label(r"tên đơn vị", r"tên công ty", r"company(?: name)?", r"name")
_PARENTHESES = re.compile(r"\([^)]*\)")
# A VAT line that is not a total ("Total VAT"), and a total that is not VAT's.
_VAT_ONLY = folded_pattern(
    r"^(?!.*(tổng cộng|total amount|grand total|incl|including|gồm|sau thuế|after tax))"
    r".*(thuế|vat|tax|gst)"
)
_TOTAL_ONLY = folded_pattern(
    r"tổng cộng tiền thanh toán|tổng (?:số )?tiền (?:phải )?thanh toán|tổng thanh toán"
    r"|grand total|(?:amount|balance|total) (?:due|payable)|invoice total"
    r"|total (?:incl|including|inc)\b"
)
_COMPANY = re.compile(
    r"công ty|tnhh|cổ phần|doanh nghiệp|chi nhánh|\bcompany\b|\bltd\b|\bllc\b|\binc\b|\bjsc\b|"
    r"\bcorp|\bgmbh\b|\bco\.",
    re.IGNORECASE,
)

# The letters are always capitals; OCR lowers the C or K now and then (`c26TBE`).
# OCR may split the series' letters at one space (`K26T TM`); the shape holds it whole.
_SERIES_SHAPE = re.compile(r"\b([1-9])?([CKck]\d{2}(?:[A-Z]{3}|[A-Z] [A-Z]{2}|[A-Z]{2} [A-Z]))\b")
# A reference holding a digit: `0000123`, `INV-2026-001`, `INV/2023/03/0008`, `inv_1`.
_NUMBER_SHAPE = re.compile(r"^(?=[\w\-/]*\d)[^\W_][\w\-/]*")


def _is_money(text: str) -> bool:
    return parse_money(text) is not None


class InvoiceExtractor:
    doc_type = "invoice"

    def extract(self, document: ParsedDocument) -> Extraction:
        out = Extraction(fields={})
        language = document.language
        self._header(document, out)
        self._parties(document, out)
        items = _line_items(document, language)
        out.fields["line_items"] = [item.fields for item in items]
        for index, item in enumerate(items):
            for name, found in item.cells.items():
                if found is not None:
                    out.note(f"line_items[{index}].{name}", found)
        self._totals(document, out, language)
        amended = _confirm_amounts(items, out.fields.get("subtotal"))
        scanned = any(word.source == "ocr" for page in document.pages for word in page.words)
        inferred = (_lost_point(out) if scanned else []) or _repair_totals(out)
        crosscheck.confirm(document, out)
        for key in inferred:  # inferred, not read: never certain
            out.confidence[key] = min(out.confidence.get(key, level.INFERRED), level.INFERRED)
        for index in amended:  # inferred, not read: never certain
            path = f"line_items[{index}].amount"
            out.confidence[path] = min(out.confidence.get(path, level.INFERRED), level.INFERRED)
            if path not in out.provenance:  # an amount the scan lost: where its row is
                out.note(path, items[index].found)
                out.confidence[path] = min(out.confidence[path], level.INFERRED)
        return out

    def _header(self, document: ParsedDocument, out: Extraction) -> None:
        day_first = _day_first(document)
        series_found = value_for(
            document, _SERIES, valid=lambda t: bool(_SERIES_SHAPE.search(t))
        ) or _series_near_label(document)
        form_found = value_for(document, _FORM, valid=lambda t: bool(re.match(r"\d", t)))
        series = form = None
        if series_found is not None:
            match = _SERIES_SHAPE.search(series_found.value)
            assert match is not None
            form, series = match.group(1), match.group(2).upper().replace(" ", "")
        if form_found is not None:
            form = re.match(r"\d+", form_found.value).group(0)  # type: ignore[union-attr]
        out.put("invoice_series", series, series_found)
        out.put("invoice_form", form, form_found or series_found)
        if form is None and series is not None:
            # A lone form digit is what OCR drops most; the digit is the invoice's kind
            # (Circular 78/2021 art. 4: 1 VAT invoice, 2 sales invoice), which the title says.
            kind = _form_from_title(document)
            if kind is not None:
                out.put("invoice_form", kind.value, kind)

        number_found = value_for(
            document, _NUMBER, valid=lambda t: bool(_NUMBER_SHAPE.match(t))
        ) or _number_near_label(document)
        number = None
        if number_found is not None:
            number = _NUMBER_SHAPE.match(number_found.value).group(0)  # type: ignore[union-attr]
        out.put("invoice_number", number, number_found)

        date_found = _vietnamese_date_line(document) or value_for(
            document, _ISSUE_DATE, valid=lambda t: parse_date(t, day_first=day_first) is not None
        )
        issue = parse_date(date_found.value, day_first=day_first) if date_found else None
        out.put("issue_date", issue, date_found)
        due_found = value_for(
            document, _DUE_DATE, valid=lambda t: parse_date(t, day_first=day_first) is not None
        )
        due = parse_date(due_found.value, day_first=day_first) if due_found else None
        out.put("due_date", due, due_found)
        po_found = value_for(document, _PO, valid=lambda t: bool(re.search(r"\d", t)))
        out.put("po_number", _reference(po_found.value) if po_found else None, po_found)
        paid_found = value_for(
            document, _PAYMENT, valid=lambda t: parse_payment_method(t) is not None
        )
        paid = parse_payment_method(paid_found.value) if paid_found else None
        out.put("payment_method", paid, paid_found)

        currency = find_currency(document.text)
        printed = next(
            (line for line in document.lines if currency and find_currency(line.text) == currency),
            None,
        )
        if printed is not None and currency is not None:
            out.put("currency", currency, Found(currency, printed, level.PRINTED))
        elif currency is None and document.language == "vi":
            # Nothing printed: a Vietnamese invoice is in đồng unless it says otherwise.
            out.fields["currency"] = "VND"
            out.confidence["currency"] = level.BY_CONTEXT
        else:
            out.fields["currency"] = currency

    def _parties(self, document: ParsedDocument, out: Extraction) -> None:
        anchors = [(line, start, "seller") for line, start in label_matches(document, _SELLER)]
        anchors += [(line, start, "buyer") for line, start in label_matches(document, _BUYER)]
        # "Người bán hàng" over the signatures names no party.
        foot = _signature_zone(document)
        totals = _first_total(document)
        anchors = [anchor for anchor in anchors if not _below(anchor[0], foot)]
        # `Issued by …` names the issuer wherever it is printed, the footer included.
        anchors += [
            (line, start, "seller")
            for line, start in label_matches(document, _ISSUED_BY)
            if not _PROVIDER.search(fold(line.text))
        ]
        owners = [(line, role, _COLUMN_SLACK) for line, _, role in anchors]
        letterhead = None
        if not any(role == "seller" for _, _, role in anchors):
            letterhead = _letterhead(document, [line for line, _, _ in anchors])
            if letterhead is not None:
                # The letterhead's block spans the page's width: its tax code or address
                # may be printed under it at the margin while the name is centred.
                owners.append((letterhead.line, "seller", letterhead.line.bbox[0]))
        recipient = None
        if letterhead is not None and not any(role == "buyer" for _, _, role in anchors):
            recipient = _recipient(document, [line for line, _, _ in anchors], letterhead)
            if recipient is not None:
                owners.append((recipient.line, "buyer", _COLUMN_SLACK))
        parties: dict[str, dict[str, str | None]] = {
            role: {"name": None, "tax_id": None, "address": None, "bank_account": None}
            for role in ("seller", "buyer")
        }
        parsers: dict[str, Callable[[str], str | None]] = {
            "name": lambda t: clean_text(t) if _looks_like_name(t) else None,
            "tax_id": _any_tax_id,
            "address": lambda t: clean_text(t) or None,
            "bank_account": _bank_account,
        }
        named: dict[str, Found] = {}
        grid, labels = _party_grid(document, anchors)
        for (role, key), cell in grid.items():
            value = parsers[key](cell.value)
            if value is not None:
                parties[role][key] = value
                out.note(f"{role}.{key}", cell)
                if key == "name":
                    named[role] = cell
        inline: dict[str, Found] = {}  # `Issued by Name · address`: the address printed beside
        for role in ("seller", "buyer"):
            if parties[role]["name"] is not None:
                continue
            names = [
                (found, fold(line.text[:start]))
                for line, start, anchor_role in anchors
                if anchor_role == role
                and (
                    found := value_for(
                        document,
                        _SELLER,
                        lines=[(line, start)],
                        valid=_looks_like_name,
                        prefer_below=True,
                    )
                )
                is not None
            ]
            names = [(_without_own_label(found), heading) for found, heading in names]
            # A buyer block names both the person and the company; the company is the party,
            # named with a company word or under the organisation's own label.
            names.sort(
                key=lambda pair: (
                    not _COMPANY.search(pair[0].value),
                    bool(_PERSON_LABEL.search(pair[1])),
                )
            )
            chosen = [found for found, _ in names]
            if not chosen and role == "seller" and letterhead is not None:
                chosen = [letterhead]
            if not chosen and role == "buyer" and recipient is not None:
                chosen = [recipient]
            if chosen:
                name, beside = _split_inline(chosen[0])
                if beside is not None:
                    inline[role] = beside
                name = continued(document, name, accept=_continues_name)
                parties[role]["name"] = clean_text(name.value)
                named[role] = name
                out.note(f"{role}.name", name)
        readers: tuple[tuple[re.Pattern[str], str], ...] = (
            (_TAX_ID, "tax_id"),
            (_ADDRESS, "address"),
            (_BANK, "bank_account"),
        )
        for pattern, key in readers:
            parse = parsers[key]
            for line, start in label_matches(document, pattern):
                if _PROVIDER.search(fold(line.text)):
                    continue  # the e-invoice service's own details, printed in the footer
                if line in labels:
                    continue  # a grid's label: its row was read across both parties' columns
                owner = _owner(line, owners)
                if key == "bank_account" and _below(line, totals):
                    owner = "seller"  # payment details under the totals name the payee
                if owner is None or parties[owner][key] is not None:
                    continue
                found = value_for(
                    document, pattern, lines=[(line, start)], valid=partial(_parses, parse)
                )
                if found is not None:
                    if key == "address":
                        found = continued(
                            document,
                            found,
                            accept=_continues_address,
                            word_wraps=True,
                            max_lines=3,
                        )
                    parties[owner][key] = parse(found.value)
                    out.note(f"{owner}.{key}", found)
        for line, digits in _boxed_digits(document):
            owner = _owner(line, owners)
            tax_id = parse_tax_id(digits.value)
            if owner is not None and parties[owner]["tax_id"] is None and tax_id is not None:
                parties[owner]["tax_id"] = tax_id
                out.note(f"{owner}.tax_id", digits)
        for role, name in named.items():
            if parties[role]["address"] is None:
                address = inline.get(role)
                if address is None:
                    under = _unlabelled_address(document, name)
                    if under is not None:
                        address = continued(
                            document, under, accept=_continues_address, word_wraps=True
                        )
                if address is not None:
                    parties[role]["address"] = clean_text(address.value)
                    out.note(f"{role}.address", address)
        out.fields["seller"] = parties["seller"]
        out.fields["buyer"] = parties["buyer"]

    def _totals(self, document: ParsedDocument, out: Extraction, language: str) -> None:
        def money(text: str) -> str | None:
            # `VAT @ 20%: 1,557.32`: the rate printed beside the label is not the amount.
            text = _RATE_BESIDE_LABEL.sub("", _PARENTHESES.sub("", text))
            return parse_money(text, language=language)

        candidates = {path: _figure_candidates(document, path, money) for path in _FIGURES_SUMMED}
        for path, found in candidates.items():
            out.put(path, money(found[0].value) if found else None, found[0] if found else None)
        if out.fields.get("subtotal") is None:
            self._subtotal_by_lines(document, out, money)
        rate_found = value_for(
            document,
            _VAT_RATE,
            lines=_figure_labels(document, "vat_rate"),
            valid=lambda t: parse_vat_rate(t) is not None,
        )
        if rate_found is None:
            # "VAT (10%): 100.00" gives the rate inside the VAT amount's own label.
            rate_found = next(
                (
                    Found(line.text, line, level.BY_CONTEXT)
                    for line, start in reversed(label_matches(document, _VAT_AMOUNT))
                    if parse_vat_rate(line.text[:start]) is not None
                    or _RATE_BESIDE_LABEL.match(line.text[start:])
                ),
                None,
            )
        rate = parse_vat_rate(rate_found.value) if rate_found else None
        line_rates = {item.get("vat_rate") for item in _items(out.fields)}
        if len(_printed_rates(document) | {r for r in line_rates if r is not None}) > 1:
            rate, rate_found = None, None  # several rates: no one rate for the whole invoice
        elif rate is None and len(line_rates) == 1:
            rate_found = self._rate_of_every_line(document, out)
            rate = parse_vat_rate(rate_found.value) if rate_found else None
        out.put("vat_rate", rate, rate_found)
        _agreeing(out, candidates, money)
        self._summary_row(document, out, money)
        words = value_for(document, _IN_WORDS, valid=_is_words)
        if words is not None:
            words = continued(
                document, words, accept=lambda t: _is_words(t) and mostly_number_words(t)
            )
        out.put("amount_in_words", clean_text(words.value) if words else None, words)

    def _rate_of_every_line(self, document: ParsedDocument, out: Extraction) -> Found | None:
        """The one rate every line item prints, as the invoice's, when the VAT is that rate
        of the subtotal: a table with a rate column and no rate under the totals."""
        rate = _items(out.fields)[0].get("vat_rate")
        subtotal, vat = out.fields.get("subtotal"), out.fields.get("vat_amount")
        if rate is None or not str(rate).isdigit() or subtotal is None or vat is None:
            return None
        expected = Decimal(str(subtotal)) * Decimal(str(rate)) / 100
        if abs(expected - Decimal(str(vat))) > 1:
            return None
        for line in document.lines:
            for word in line.words:
                if "%" in word.text and parse_vat_rate(word.text) == rate:
                    return Found(word.text, Line((word,), line.page), level.CORROBORATED)
        return None

    def _subtotal_by_lines(
        self, document: ParsedDocument, out: Extraction, money: Callable[[str], str | None]
    ) -> None:
        """The subtotal under a label no lexicon knows (`Goods value`, `Merchandise`): the
        figure on a total's row that the line items add up to, when it is not the total
        itself (an invoice without VAT prints one figure, the total, and no subtotal)."""
        amounts = [item.get("amount") for item in _items(out.fields)]
        if not amounts or any(amount is None for amount in amounts):
            return
        lines_sum = sum((Decimal(str(amount)) for amount in amounts), Decimal(0))
        total = out.fields.get("total")
        if total is not None and abs(Decimal(str(total)) - lines_sum) <= Decimal("0.01"):
            return
        for line, _ in label_matches(document, _TOTAL):
            if _is_header_row(line):
                continue
            for value, found in _row_figures(document, line, money):
                if abs(Decimal(value) - lines_sum) <= Decimal("0.01"):
                    out.put("subtotal", value, Found(found.value, found.line, level.CORROBORATED))
                    return

    def _summary_row(
        self, document: ParsedDocument, out: Extraction, money: Callable[[str], str | None]
    ) -> None:
        """Invoices at several VAT rates sum them up in a table, its last row the totals
        (`Tổng cộng | 24.392.000 | 1.318.600 | 25.710.600`: before VAT, VAT, payable, as the
        columns say). Three figures on a total's row of which the first two make the third
        are taken as such when the figures read by their labels do not add up."""
        fields = out.fields
        keys = ("subtotal", "vat_amount", "total")
        if None not in (fields.get(key) for key in keys):
            trio = [Decimal(str(fields[key])) for key in keys]
            if abs(trio[0] + trio[1] - trio[2]) <= 1:
                return
        for line, _ in reversed(label_matches(document, _TOTAL)):
            row = _row_figures(document, line, money)
            if len(row) != 3:
                continue
            values = [Decimal(value) for value, _ in row]
            if values[2] > 0 and abs(values[0] + values[1] - values[2]) <= 1:
                for key, (value, found) in zip(keys, row, strict=True):
                    out.put(key, value, found)
                return


_FIGURES_SUMMED = ("subtotal", "vat_amount", "total")
_LEXICONS = {
    "subtotal": (_SUBTOTAL_VI, _SUBTOTAL_EN),
    "vat_amount": (_VAT_AMOUNT_VI, _VAT_AMOUNT_EN),
    "total": (_TOTAL_VI, _TOTAL_EN),
    "vat_rate": (_VAT_RATE_VI, _VAT_RATE_EN),
}
_LABELS = {
    "subtotal": _SUBTOTAL,
    "vat_amount": _VAT_AMOUNT,
    "total": _TOTAL,
    "vat_rate": _VAT_RATE,
}
_OPENS = [
    (folded_pattern(rf"^(?:{'|'.join(vi)})(?![\w])"), False) for vi, _ in _LEXICONS.values()
] + [
    (re.compile(rf"^(?:{'|'.join(en)})(?![\w])", re.IGNORECASE), True)
    for _, en in _LEXICONS.values()
]
# Labels overlap ("Sub-total" holds "total", "Tax ID" holds "tax"): a label counts for a
# figure only when what precedes its value names no other figure.
_OTHERS = {
    "subtotal": (_TAX_ID, _VAT_RATE),
    "vat_amount": (_TAX_ID, _VAT_RATE, _SUBTOTAL, _TOTAL_ONLY),
    "total": (_TAX_ID, _VAT_RATE, _SUBTOTAL, _VAT_ONLY),
}
# A figure reading in one of so many ways, at most, is worth cross-checking.
_MOST_CANDIDATES = 4


def _opens_figure(text: str) -> bool:
    return any(
        pattern.match(text if printed else fold(text)) is not None for pattern, printed in _OPENS
    )


def _segments(document: ParsedDocument) -> list[Line]:
    """The document's lines cut where one label's figure ends and another label starts:
    `Thuế suất GTGT (VAT rate): 10% Tiền thuế GTGT (VAT amount): 715.400` is two pairs."""
    pieces: list[Line] = []
    for line in document.lines:
        words = list(line.words)
        first = 0
        for index in range(1, len(words)):
            if not re.search(r"[\d%]$", words[index - 1].text):
                continue
            if _opens_figure(" ".join(word.text for word in words[index:])):
                pieces.append(Line(tuple(words[first:index]), line.page))
                first = index
        pieces.append(line if first == 0 else Line(tuple(words[first:]), line.page))
    return pieces


def _figure_labels(document: ParsedDocument, path: str) -> list[tuple[Line, int]]:
    """Where a totals figure is labelled, in reading order: each segment holding one of its
    labels, with the offset where the value would start."""
    return label_matches(document, _LABELS[path], lines=_segments(document))


def _figure_candidates(
    document: ParsedDocument, path: str, money: Callable[[str], str | None]
) -> list[Found]:
    """The readings of a totals figure, the last printed first (totals close a document),
    one per distinct value."""
    lines = [
        (line, start)
        for line, start in _figure_labels(document, path)
        if not _is_header_row(line)
        and not any(
            other.search(fold(_PARENTHESES.sub("", line.text[:start]))) for other in _OTHERS[path]
        )
    ]
    found: list[Found] = []
    for line, start in reversed(lines):
        beside = None if line.text[start:].strip() else _past_specks(document, line)
        reading = (
            Found(beside.text, beside, level.BY_CONTEXT)
            if beside is not None and money(beside.text) is not None
            else value_for(
                document,
                _LABELS[path],
                lines=[(line, start)],
                valid=lambda t: money(t) is not None,
            )
        )
        if reading is not None and all(money(reading.value) != money(f.value) for f in found):
            found.append(reading)
    return found[:_MOST_CANDIDATES]


def _past_specks(document: ParsedDocument, line: Line) -> Line | None:
    """The next segment right of a label on its row, past the specks a scan reads between a
    label and its figure (a grid rule as `|`, a dot as `Ï`): one character, not a digit."""
    top, bottom = line.bbox[1], line.bbox[3]
    centre = (top + bottom) / 2
    beside = sorted(
        (
            other
            for other in document.pages[line.page - 1].lines
            if other is not line
            and other.bbox[0] >= line.bbox[2]
            and other.bbox[1] <= centre <= other.bbox[3]
        ),
        key=lambda other: other.bbox[0],
    )
    return next(
        (other for other in beside if len(other.text.strip()) > 1 or other.text.isdigit()), None
    )


def _agreeing(
    out: Extraction, candidates: dict[str, list[Found]], money: Callable[[str], str | None]
) -> None:
    """When the figures read first do not add up and another reading of them does (subtotal
    + VAT = total, and the VAT is the rate of the subtotal when a rate is printed), that one:
    a VAT rate printed on the VAT amount's line, a tax id beside a total, are not figures."""
    fields = out.fields
    rate = fields.get("vat_rate")
    percent = Decimal(str(rate)) if rate and re.fullmatch(r"\d+(\.\d+)?", str(rate)) else None

    def agrees(values: dict[str, Decimal]) -> bool:
        subtotal, vat, total = (values.get(key) for key in _FIGURES_SUMMED)
        if subtotal is None or vat is None:
            return False
        if percent is not None and abs(subtotal * percent / 100 - vat) > 1:
            return False
        if total is None:
            return percent is not None
        return abs(subtotal + vat - total) <= 1

    def read(found: Found) -> Decimal | None:
        value = money(found.value)
        return Decimal(value) if value is not None else None

    now = {key: Decimal(str(fields[key])) for key in _FIGURES_SUMMED if fields.get(key) is not None}
    if agrees(now):
        return
    # A figure with no labelled reading (a subtotal the line items gave) stays as it is.
    options: list[list[tuple[Decimal | None, Found | None]]] = [
        [(read(found), found) for found in candidates[key]] or [(now.get(key), None)]
        for key in _FIGURES_SUMMED
    ]
    for trio in itertools.product(*options):
        values = {
            key: value
            for key, (value, _) in zip(_FIGURES_SUMMED, trio, strict=True)
            if value is not None
        }
        if agrees(values):
            for key, (_, found) in zip(_FIGURES_SUMMED, trio, strict=True):
                if found is not None:
                    out.put(key, money(found.value), found)
            return


def _repair_totals(out: Extraction) -> list[str]:
    """When subtotal + VAT is not the total and OCR doubted one of the three (below 0.9)
    more than the two others, the value those two imply replaces it, but only when a third,
    independent reading confirms it: the VAT rate for the VAT amount, the line amounts for the
    subtotal, the amount in words for the total. Returns the fields replaced."""
    fields = out.fields
    keys = ("subtotal", "vat_amount", "total")
    if any(fields.get(key) is None for key in keys):
        return []
    subtotal, vat, total = (Decimal(str(fields[key])) for key in keys)
    if abs(subtotal + vat - total) <= 1:
        return []
    sureness = {key: out.confidence.get(key, 0.0) for key in keys}
    weakest = min(keys, key=lambda key: sureness[key])
    others = [key for key in keys if key != weakest]
    if sureness[weakest] >= SURE_OCR or min(sureness[k] for k in others) <= sureness[weakest]:
        return []
    implied = {
        "subtotal": total - vat,
        "vat_amount": total - subtotal,
        "total": subtotal + vat,
    }[weakest]
    if not _confirmed(out, weakest, implied, subtotal):
        return []
    fields[weakest] = format_decimal(implied)
    return [weakest]


def _lost_point(out: Extraction) -> list[str]:
    """On a scan, a total OCR read without its decimal point (`975` printed as `9.75`): when
    subtotal + VAT is not the total, and the figure the two others imply has exactly the
    printed digits and a third reading confirms it (see `_confirmed`), the point is put
    back. The digits are the printed ones; only the point is restored. Returns the fields
    replaced."""
    fields = out.fields
    keys = ("subtotal", "vat_amount", "total")
    if any(fields.get(key) is None for key in keys):
        return []
    subtotal, vat, total = (Decimal(str(fields[key])) for key in keys)
    if abs(subtotal + vat - total) <= 1:
        return []
    implied = {"subtotal": total - vat, "vat_amount": total - subtotal, "total": subtotal + vat}
    for key, value in implied.items():
        printed = re.sub(r"\D", "", str(fields[key]))
        point_free = re.sub(r"\D", "", f"{value:.2f}").lstrip("0")
        if value <= 0 or printed.lstrip("0") != point_free or str(fields[key]) == f"{value:.2f}":
            continue
        base = implied["subtotal"] if key == "subtotal" else subtotal
        if _confirmed(out, key, value, base):
            fields[key] = format_decimal(value)
            return [key]
    return []


def _confirmed(out: Extraction, key: str, value: Decimal, subtotal: Decimal) -> bool:
    fields = out.fields
    if key == "vat_amount":
        rate = fields.get("vat_rate")
        percent = Decimal(str(rate)) if rate and re.fullmatch(r"\d+(\.\d+)?", str(rate)) else None
        return percent is not None and abs(subtotal * percent / 100 - value) <= 1
    if key == "subtotal":
        amounts = [item.get("amount") for item in _items(fields)]
        if not amounts or None in amounts:
            return False
        return abs(sum((Decimal(str(a)) for a in amounts), Decimal(0)) - value) <= 1
    words = fields.get("amount_in_words")
    return bool(words) and words_to_amount(str(words)) == value


_FORM_BY_TITLE = (
    (folded_pattern(r"^\s*hóa đơn giá trị gia tăng\b|^\s*hóa đơn gtgt\b"), "1"),
    (folded_pattern(r"^\s*hóa đơn bán hàng\b"), "2"),
)


def _number_near_label(document: ParsedDocument) -> Found | None:
    """A number cell the reader placed away from its empty `Số:` label (a Word table's
    cells laid out one after another): the nearest line above the line items that is a run
    of digits and nothing else, within two lines of the label."""
    limit = _first_total(document)
    labels = [
        line for line, start in label_matches(document, _NUMBER) if not line.text[start:].strip()
    ]
    cells = [
        line
        for line in document.lines
        if re.fullmatch(r"\d{3,8}", line.text.strip()) and not _below(line, limit)
    ]
    pairs = [
        (abs(cell.bbox[1] - label.bbox[1]) + abs(cell.bbox[0] - label.bbox[0]), cell)
        for label in labels
        for cell in cells
        if cell.page == label.page
        and abs(cell.bbox[1] - label.bbox[1]) <= 2.5 * (label.bbox[3] - label.bbox[1])
    ]
    if not pairs:
        return None
    cell = min(pairs, key=lambda pair: pair[0])[1]
    return Found(cell.text.strip(), cell, level.BY_POSITION)


def _series_near_label(document: ParsedDocument) -> Found | None:
    """A series cell the reader placed away from its label (a Word table's cells laid out
    one after another): a line that is a series and nothing else, the nearest to a series
    label. The shape (`C26TAA`: C or K, the year, three capitals) is the series' own."""
    labels = label_matches(document, _SERIES)
    cells = [line for line in document.lines if _SERIES_SHAPE.fullmatch(line.text.strip())]
    pairs = [
        (abs(cell.bbox[1] - label.bbox[1]) + abs(cell.bbox[0] - label.bbox[0]), cell)
        for label, _ in labels
        for cell in cells
        if cell.page == label.page
    ]
    if not pairs:
        return None
    cell = min(pairs, key=lambda pair: pair[0])[1]
    return Found(cell.text.strip(), cell, level.BY_POSITION)


def _form_from_title(document: ParsedDocument) -> Found | None:
    for line in list(document.lines)[:15]:
        for pattern, form in _FORM_BY_TITLE:
            if pattern.search(fold(line.text)):
                return Found(form, line, level.INFERRED)
    return None


def _vietnamese_date_line(document: ParsedDocument) -> Found | None:
    """Vietnamese invoices print the issue date as `Ngày 05 tháng 03 năm 2026` near the top,
    usually without any label, bilingual ones with a gloss after each word
    (`Ngày (Date) 07 tháng (month) 04 năm (year) 2026`)."""
    lines = list(document.lines)
    for index, line in enumerate(lines):
        match = _VI_DATE_LINE.search(line.text)
        if match is None and (wrapped := _with_wrapped_line(lines, index)) is not None:
            # A title with the date beside it, too long for one line, wraps the date's end
            # onto the next (`… tháng 09 năm` / `(year) 2026`).
            match = _VI_DATE_LINE.search(wrapped.text)
            if match is not None and match.start() < len(line.text):
                line = wrapped
            else:
                match = None
        if match is not None:
            value = clean_text(_PARENTHESES.sub(" ", match.group(0)))
            return Found(value, line.span(match.start(), match.end()), level.LABELLED)
    return None


def _with_wrapped_line(lines: list[Line], index: int) -> Line | None:
    """The line and its paragraph's next line: the first just under it, at its left edge."""
    line = lines[index]
    height = line.bbox[3] - line.bbox[1]
    for under in lines[index + 1 :]:
        if under.page != line.page or under.bbox[1] > line.bbox[3] + height:
            return None
        if under.bbox[1] >= line.bbox[3] - 0.2 * height and abs(under.bbox[0] - line.bbox[0]) <= 4:
            return Line(line.words + under.words, line.page)
    return None


_GLOSS = r"\s*(?:\([^)\d]{0,12}\)\s*)?"
_VI_DATE_LINE = re.compile(
    rf"ngày{_GLOSS}\d{{1,2}}\s*tháng{_GLOSS}\d{{1,2}}\s*năm{_GLOSS}\d{{4}}", re.IGNORECASE
)


_US_ADDRESS = re.compile(r"\b(?:USA|U\.S\.A\.?|United States)\b|,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")
_SLASHED_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")


def _day_first(document: ParsedDocument) -> bool:
    """Whether `04/11/2026` is 4 November: a document's own unambiguous dates say how it
    writes them (a 23 can only be a day); failing that, Vietnamese documents and most of
    the world write the day first."""
    first_is_day = second_is_day = 0
    for match in _SLASHED_DATE.finditer(document.text):
        first, second = int(match.group(1)), int(match.group(2))
        first_is_day += first > 12 >= second
        second_is_day += second > 12 >= first
    if first_is_day != second_is_day:
        return first_is_day > second_is_day
    # Only the United States writes the month first; an invoice says it is American by its
    # addresses.
    return _US_ADDRESS.search(document.text) is None


def _continues_block(text: str) -> bool:
    """A wrapped line of a party's block, not the next labelled line of it."""
    folded = fold(text)
    return not any(
        pattern.search(folded) for pattern in (_TAX_ID, _ADDRESS, _BANK, _SELLER, _BUYER, _NAME)
    )


_OWN_LABEL = re.compile(r"^([^:]{1,40}):\s*(\S.*)$")


def _without_own_label(found: Found) -> Found:
    """A name read from under an empty label (`Họ tên người mua hàng:` with no person) is
    the next labelled line: its value without that line's own name label (`Tên đơn vị:`)."""
    match = _OWN_LABEL.match(found.value)
    if match is None:
        return found
    folded = fold(match.group(1))
    if not any(pattern.search(folded) for pattern in (_NAME, _SELLER, _BUYER)):
        return found
    text = found.line.text
    start = text.rfind(match.group(2))
    line = found.line.span(start, len(text)) if start >= 0 else found.line
    return Found(match.group(2), line, found.confidence)


def _continues_address(text: str) -> bool:
    """A wrapped line of an unlabelled address, not the contact line printed under it nor
    the first cell of the line-item table's header (`ITEM`)."""
    folded = fold(text).strip()
    return (
        _continues_block(text)
        and not any(pattern.fullmatch(folded) for pattern in _COLUMNS.values())
        and find_phone(text) is None
        and find_email(text) is None
        and not _URL.search(text)
    )


_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
# The e-invoice service that issued the file names itself, with its own tax code.
_PROVIDER = folded_pattern(
    r"(?:đơn vị )?cung cấp (?:dịch vụ|giải pháp)|giải pháp hóa đơn điện tử|phát hành bởi|"
    r"e-?invoice (?:service )?provider|provided by|powered by"
)


def _continues_name(text: str) -> bool:
    """A company name wrapped onto a second line is printed in the same capitals."""
    return _continues_block(text) and text.isupper() and not any(c.isdigit() for c in text)


def _first_total(document: ParsedDocument) -> Line | None:
    """The first totals line: what follows it is totals, payment details and signatures."""
    for line in document.lines:
        folded = fold(line.text)
        if any(p.search(folded) for p in (_SUBTOTAL, _TOTAL_ONLY, _TOTAL)) and not (
            _is_header_row(line)
        ):
            return line
    return None


def _signature_zone(document: ParsedDocument) -> Line | None:
    """The last totals or amount-in-words line: signatures are printed below it."""
    last = None
    for line in document.lines:
        folded = fold(line.text)
        if _IN_WORDS.search(folded) or _TOTAL_ONLY.search(folded):
            last = line
    return last


def _below(line: Line, foot: Line | None) -> bool:
    if foot is None:
        return False
    return line.page > foot.page or (line.page == foot.page and line.bbox[1] > foot.bbox[3])


def _looks_like_name(text: str) -> bool:
    text = text.strip()
    return (
        not text.startswith("(")
        and len(text) >= 3
        and sum(char.isalpha() for char in text) >= 3
        and not re.match(r"^(mã số thuế|mst|địa chỉ|address|tax)", text, re.IGNORECASE)
    )


def _letterhead(document: ParsedDocument, anchors: list[Line]) -> Found | None:
    """The seller printed as a letterhead, with no label: the first company name at the top
    of the first page, above every party label and the table; failing one, an issuer named
    without a company word (a trader's own name, a brand): the first name at the top that
    heads an address, else the first name at the top."""
    names = _top_names(document, anchors)
    company = next((line for line in names if _COMPANY.search(line.text)), None)
    if company is not None:
        lines = document.pages[company.page - 1].lines
        above = next(
            (line for line in lines if line is not company and _wraps_onto(line, company)), None
        )
        if above is not None:
            # `Thistle Data Services` / `Ltd`: the legal form wrapped onto a line of its own
            company = Line((*above.words, *company.words), company.page)
        return Found(clean_text(company.text), company, level.BY_POSITION)
    addressed = next((line for line in names if _heads_address(document, line)), None)
    chosen = addressed or (names[0] if names else None)
    return Found(clean_text(chosen.text), chosen, level.GUESS) if chosen is not None else None


def _wraps_onto(first: Line, second: Line) -> bool:
    """Whether `second` is a short tail of `first` wrapped onto the next line: just under it,
    at its margin or centred under it, in type of the same size."""
    height = first.bbox[3] - first.bbox[1]
    centres = ((first.bbox[0] + first.bbox[2]) / 2, (second.bbox[0] + second.bbox[2]) / 2)
    return (
        0 <= second.bbox[1] - first.bbox[3] <= 0.8 * height
        and abs((second.bbox[3] - second.bbox[1]) - height) <= 0.2 * height
        and (abs(second.bbox[0] - first.bbox[0]) <= 4 or abs(centres[0] - centres[1]) <= 8)
        and len(second.text.split()) <= 2
        and not _COMPANY.search(first.text)
        and ":" not in first.text
        and not any(char.isdigit() for char in first.text)
    )


def _recipient(document: ParsedDocument, anchors: list[Line], issuer: Found) -> Found | None:
    """With no buyer label, the buyer is the other name-and-address block at the top, set
    apart from the issuer's (the window-envelope address of a letter)."""
    for line in _top_names(document, anchors):
        if line is issuer.line or not _heads_address(document, line):
            continue
        apart = abs(line.bbox[0] - issuer.line.bbox[0]) > 50 or line.bbox[1] > issuer.line.bbox[3]
        if apart and line.bbox[1] > issuer.line.bbox[1]:
            return Found(clean_text(line.text), line, level.GUESS)
    return None


def _top_names(document: ParsedDocument, anchors: list[Line]) -> list[Line]:
    """Lines above every party label and the title's number that could be a party's name."""
    if not document.pages:
        return []
    first = document.pages[0]
    limit = min((line.bbox[1] for line in anchors if line.page == 1), default=first.height / 3)
    names = []
    for line in first.lines:
        if line.bbox[1] >= limit:
            break
        text = line.text.strip()
        if ":" in text or _TITLE.search(fold(text)) or len(text) > 90:
            continue  # a label, the title, or a sentence
        if _COMPANY.search(text) or _person_or_brand(text):
            names.append(line)
    return names


def _person_or_brand(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 6
        and not any(char.isdigit() for char in text)
        and sum(char.isalpha() for char in text) >= 3
        and text[0].isupper()
        and find_email(text) is None
        and not _URL.search(text)
        and not any(p.search(fold(text)) for p in (_TAX_ID, _ADDRESS, _BANK, *_COLUMNS.values()))
    )


def _heads_address(document: ParsedDocument, line: Line) -> bool:
    return _unlabelled_address(document, Found(line.text, line, level.GUESS)) is not None


_TITLE = folded_pattern(r"hóa đơn|invoice|phiếu|bill\b")


_COLUMN_SLACK = 30.0


def _owner(line: Line, anchors: list[tuple[Line, str, float]]) -> str | None:
    """The party block a labelled line belongs to: the nearest anchor above it, in the same
    column (two-column From / Bill To layouts keep each party on its own side)."""
    best: tuple[float, float, str] | None = None
    x0, top = line.bbox[0], line.bbox[1]
    for anchor, role, slack in anchors:
        if anchor.page != line.page or anchor.bbox[1] > top + 1:
            continue
        if not (anchor.bbox[0] - slack <= x0 <= max(anchor.bbox[2], anchor.bbox[0] + 250)):
            continue
        # Of two blocks headed on one row (`From` / `Bill To`), the line is under the one
        # starting nearest to its left.
        candidate = (round(top - anchor.bbox[1], 1), abs(x0 - anchor.bbox[0]), role)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    return best[2] if best else None


def _unlabelled_address(document: ParsedDocument, name: Found) -> Found | None:
    """English blocks often print the address, unlabelled, under the name, sometimes with
    the party's tax id or contact line between them."""
    page = document.pages[name.line.page - 1]
    line = name.line
    for _ in range(3):
        following = below(document, line, max_gap_lines=1.2) or below_interleaved(
            page, line, line.bbox[0]
        )
        if following is None or not _in_block(page, name.line, following):
            return None
        folded = fold(following.text)
        if any(p.search(folded) for p in (_SELLER, _BUYER, _ISSUED_BY)):
            return None
        if _contact_line(following.text):
            line = following  # the block goes on under its tax id or contact line
            continue
        if ":" in following.text:
            return None
        if not re.search(r"\d", following.text) or not re.search(r"[^\W\d]{3}", following.text):
            return None
        return Found(following.text, following, level.GUESS)
    return None


def _boxed_digits(document: ParsedDocument) -> list[tuple[Line, Found]]:
    """Tax codes printed one digit per box (`0 1 0 1 2 4 3 1 5 0 - 0 0 1`), each box a cell
    of its own, after a tax code label (which may wrap in its narrow cell: `Mã số` /
    `thuế:`): the label's line, and the digits read together."""
    found = []
    for page in document.pages:
        rows: dict[float, list[Line]] = {}
        for line in page.lines:
            rows.setdefault(round(line.bbox[1]), []).append(line)
        for row in rows.values():
            row.sort(key=lambda line: line.bbox[0])
            boxes = [line for line in row if re.fullmatch(r"[\d-]", line.text.strip())]
            if len(boxes) < 10 or boxes[0] is row[0]:
                continue
            under = below(document, row[0], max_gap_lines=1.0)
            heading = row[0].text + (" " + under.text if under is not None else "")
            if not _TAX_ID.search(fold(heading)):
                continue
            digits = Line(tuple(word for box in boxes for word in box.words), page.number)
            value = "".join(box.text.strip() for box in boxes)
            found.append((row[0], Found(value, digits, level.BY_CONTEXT)))
    return found


def _in_block(page: Page, name: Line, following: Line) -> bool:
    """Under the name at the same margin, centred under a centred letterhead, ending where a
    right-aligned one ends, or centred on the page as a letterhead's lines often are."""
    x0, x1 = name.bbox[0], name.bbox[2]
    below_centre = (following.bbox[0] + following.bbox[2]) / 2
    return (
        abs(following.bbox[0] - x0) <= 5
        or abs(below_centre - (x0 + x1) / 2) <= 10
        or abs(following.bbox[2] - x1) <= 5
        or abs(below_centre - page.width / 2) <= 10
    )


def _contact_line(text: str) -> bool:
    """A party's tax id, bank account, phone, e-mail or web address line."""
    folded = fold(text)
    return bool(
        any(p.search(folded) for p in (_TAX_ID, _BANK, _CONTACT))
        or find_email(text)
        or find_phone(text)
        or _URL.search(text)
    )


_CONTACT = label(
    r"tel", r"phone", r"fax", r"điện thoại", r"đt", r"email", r"e-mail", r"web(?:site)?"
)
# Parts of one line naming several things: `Summit Peak Software, Inc. · 310 W Adams Street`.
_INLINE_SEPARATOR = re.compile(r"\s+[·•|]\s+")
# OCR reads a middle dot as a hyphen, which also joins the parts of a name (`Công ty ABC -
# Chi nhánh 2`): on a scan a hyphen sets apart only what starts as a street address does.
_OCR_SEPARATOR = re.compile(r"\s+[·•|]\s+|\s+-\s+(?=\d)")
_PERSON_LABEL = folded_pattern(
    r"họ (?:và )?tên|người mua hàng|người bán hàng|contact|attn|attention|"
    r"(?:buyer|customer)'?s? name"
)


def _split_inline(found: Found) -> tuple[Found, Found | None]:
    """A name printed with its address on one line, set apart by a dot or a bar: the name,
    and the address when the rest reads as one."""
    scanned = any(word.source == "ocr" for word in found.line.words)
    parts = (_OCR_SEPARATOR if scanned else _INLINE_SEPARATOR).split(found.value)
    if len(parts) < 2:
        return found, None
    text = found.line.text
    offset = text.find(found.value)
    name_end = offset + len(parts[0]) if offset >= 0 else len(text)
    name = Found(parts[0], found.line.span(max(offset, 0), name_end), found.confidence)
    for part in parts[1:]:
        if re.search(r"\d", part) and re.search(r"[^\W\d]{3}", part) and not _contact_line(part):
            start = text.find(part)
            where = found.line.span(start, start + len(part)) if start >= 0 else found.line
            return name, Found(part, where, level.GUESS)
    return name, None


def _party_grid(
    document: ParsedDocument, anchors: list[tuple[Line, int, str]]
) -> tuple[dict[tuple[str, str], Found], set[Line]]:
    """Seller and buyer side by side under headings on one row, their details in a grid: a
    column of labels at the left (`Tên đơn vị`, `Mã số thuế`, `Địa chỉ`) and one column of
    values per party. A value belongs to the party whose column it starts in, whatever line
    the reader joined it into; a row without a label continues the row above. The values,
    and the grid's label lines."""
    for seller, _, role in anchors:
        if role != "seller":
            continue
        for buyer, _, other in anchors:
            if (
                other == "buyer"
                and buyer.page == seller.page
                and abs(buyer.bbox[1] - seller.bbox[1]) <= 3
                and abs(buyer.bbox[0] - seller.bbox[0]) >= 50
            ):
                found, labels = _read_grid(document, seller, buyer)
                if found:
                    return found, labels
    return {}, set()


def _read_grid(
    document: ParsedDocument, seller: Line, buyer: Line
) -> tuple[dict[tuple[str, str], Found], set[Line]]:
    page = document.pages[seller.page - 1]
    rows = _rows_under(page, max(seller.bbox[3], buyer.bbox[3]), seller.bbox[3] - seller.bbox[1])
    segments = [line for row in rows for line in row]
    if not segments:
        return {}, set()
    label_x = min(_left_edge_of_text(line) for line in segments)
    clusters: list[list[float]] = []
    for x in sorted(
        _left_edge_of_text(line) for line in segments if _left_edge_of_text(line) > label_x + 20
    ):
        if not clusters or x - clusters[-1][-1] > 20:
            clusters.append([])
        clusters[-1].append(x)
    # A lone cell off its column (a Word table's empty neighbour) does not make a column.
    columns = sorted(
        cluster[0] for cluster in sorted(clusters, key=len, reverse=True)[:2] if len(cluster) > 1
    )
    if len(columns) != 2:
        return {}, set()
    # The labels: the words of a line at the left margin that end before the first value
    # column (the reader may have joined a label to its value). They hold no figures, and
    # two of them at least name a detail.
    heads = [
        [
            word
            for line in row
            if abs(_left_edge_of_text(line) - label_x) <= 4
            for word in line.words
            if word.bbox[2] < columns[0] - 2
        ]
        for row in rows
    ]
    printed = [" ".join(word.text for word in head) for head in heads if head]
    if (
        any(re.search(r"\d", text) for text in printed)
        or sum(_grid_key(text) is not None for text in printed) < 2
        or not all(_label_cell(row, head, columns) for row, head in zip(rows, heads, strict=True))
    ):
        return {}, set()
    roles = ("seller", "buyer") if seller.bbox[0] < buyer.bbox[0] else ("buyer", "seller")
    pieces: dict[tuple[str, str], list[Word]] = {}
    labels: set[Line] = set()
    key: str | None = None
    for row, head in zip(rows, heads, strict=True):
        words = [word for line in row for word in line.words if word not in head]
        if head:
            key = _grid_key(" ".join(word.text for word in head))
            labels.update(line for line in row if head[0] in line.words)
        if key is None:
            continue
        for word in sorted(words, key=lambda word: word.bbox[0]):
            role = roles[1] if word.bbox[0] >= columns[1] - 4 else roles[0]
            pieces.setdefault((role, key), []).append(word)
    if {role for role, _ in pieces} != set(roles):
        return {}, set()
    found = {}
    for where, words in pieces.items():
        line = Line(tuple(words), page.number)
        found[where] = Found(line.text, line, level.BY_CONTEXT)
    return found, labels


def _left_edge_of_text(line: Line) -> float:
    """Where a line's text starts: a speck or a rule's stub OCR read before it (`- Mã số
    thuế` at a cell's border) does not move a grid's label column."""
    return next(
        (word.bbox[0] for word in line.words if any(char.isalnum() for char in word.text)),
        line.bbox[0],
    )


def _label_cell(row: list[Line], head: list[Word], columns: list[float]) -> bool:
    """Whether a grid row's label stands in a cell of its own: what follows it on its line,
    if anything, starts at a value column, not just after the label as a value would."""
    if not head:
        return True
    line = next(line for line in row if head[0] in line.words)
    rest = [word for word in line.words if word not in head]
    return not rest or any(abs(rest[0].bbox[0] - column) <= 4 for column in columns)


def _rows_under(page: Page, top: float, height: float) -> list[list[Line]]:
    """The rows of lines under `top`, as long as they follow one another closely and the
    line-item table has not begun."""
    rows: list[list[Line]] = []
    bottom = top
    for line in sorted(
        (line for line in page.lines if line.bbox[1] >= top - 1), key=lambda line: line.bbox[1]
    ):
        if rows and abs(line.bbox[1] - rows[-1][0].bbox[1]) <= 3:
            rows[-1].append(line)
            bottom = max(bottom, line.bbox[3])
            continue
        if line.bbox[1] - bottom > 1.8 * max(height, 1.0) or len(rows) >= 12:
            break
        rows.append([line])
        bottom = line.bbox[3]
    for index, row in enumerate(rows):
        joined = Line(tuple(word for line in row for word in line.words), page.number)
        if _is_header_row(joined) or _first_line_of_totals(joined) or _heads_items(row):
            return rows[:index]
    return rows


def _heads_items(row: list[Line]) -> bool:
    """More cells than a label and two parties' values, two of them naming line-item
    columns: the items table's header, typed right under the grid with no blank between
    (Word tables with nothing between them)."""
    named = sum(any(p.search(fold(line.text)) for p in _COLUMNS.values()) for line in row)
    return len(row) > 3 and named >= 2


def _first_line_of_totals(line: Line) -> bool:
    folded = fold(line.text)
    return any(p.search(folded) for p in (_SUBTOTAL, _TOTAL_ONLY))


def _grid_key(text: str) -> str | None:
    folded = fold(text)
    for pattern, key in (
        (_TAX_ID, "tax_id"),
        (_ADDRESS, "address"),
        (_BANK, "bank_account"),
        (_NAME, "name"),
        (_SELLER, "name"),
        (_BUYER, "name"),
    ):
        if pattern.search(folded):
            return key
    return None


def _any_tax_id(text: str) -> str | None:
    """An MST, a foreign VAT number printed with its country prefix, or another country's
    number holding letters."""
    return parse_tax_id(text) or parse_foreign_tax_id(text) or parse_lettered_tax_id(text)


def _bank_account(text: str) -> str | None:
    # An IBAN keeps its country letters (`DE89 3704 …`, `US1234567890` as printed).
    match = re.search(r"(?<![^\W\d_])(?:[A-Z]{2}(?=\d))?\d[\d\s.-]{5,}\d", text)
    return re.sub(r"[\s.-]", "", match.group(0)) if match else None


# --- line items -------------------------------------------------------------------------

# Most specific first: each match consumes its words before the next column is looked for.
_COLUMNS: dict[str, re.Pattern[str]] = {
    "no": folded_pattern(r"\bstt\b|^\s*(?:no\.?|#)(?=\s|$)"),
    # Before the price: `VAT rate` is a rate, not a price's `Rate`.
    "vat_rate": folded_pattern(r"thuế suất|(?:vat|tax) ?(?:%|rate)"),
    # OCR runs header words together on scans: `Đơngiá`, `tín§ố lượng`.
    "unit_price": folded_pattern(r"đơn ?giá|unit price|\bprice\b|\brate\b(?!.*%)"),
    "quantity": folded_pattern(r"số lượng|\blượng\b|\bqty\b|\bquantity\b"),
    # `Tiền hàng` (goods value, before VAT) heads the amount on many e-invoices.
    "amount": folded_pattern(r"thành tiền|tiền hàng|\bamount\b|line total|\btotal\b|^\s*net\s*$"),
    # "Đơn vị" alone heads the unit column too, and OCR often clips "tính".
    "unit": folded_pattern(r"đơn vị(?: tính)?(?!\s*(?:bán|mua|tiền))|\bđvt\b|\bunit\b|\buom\b"),
    "description": folded_pattern(
        r"tên hàng(?: hóa)?(?:,? dịch vụ)?|hàng hóa(?:,? dịch vụ)?|diễn giải|nội dung|"
        r"\bdescription\b|\bitems?\b|\bservices?\b|\bproducts?\b"
    ),
    # A bare "VAT" column holds a rate or a tax amount; its values tell which.
    "tax": folded_pattern(r"^\s*(?:vat|tax(?:es)?|gst|thuế(?: gtgt)?)\s*(?:\(%\))?\s*$|\btaxes\b"),
    # Read only to keep its figures out of the price beside it.
    "discount": folded_pattern(r"\bdisc(?:ount)?\b\.?\s*%?|chiết khấu|\brabatt\b|\bkorting\b"),
}


@dataclass
class _Item:
    fields: dict[str, str | None]
    found: Found
    confidence: float
    cells: dict[str, Found | None]
    # The amount the line's quantity and price make, when OCR doubted the printed one more
    # than them; taken only when the subtotal confirms it (see `_confirm_amounts`).
    implied_amount: str | None = None


def _confirm_amounts(items: list[_Item], subtotal: object) -> list[int]:
    """Replace OCR'd line amounts by the ones their quantities and prices make, when the
    lines then add up to the subtotal and did not before: all proposed at once, else one
    alone. The indexes replaced."""
    proposed = [index for index, item in enumerate(items) if item.implied_amount is not None]
    if not proposed or subtotal is None:
        return []
    target = Decimal(str(subtotal))
    printed = sum((_amount(item) for item in items), Decimal(0))
    if abs(printed - target) <= 1 and all(item.fields["amount"] for item in items):
        return []

    def change(index: int) -> Decimal:
        return Decimal(str(items[index].implied_amount)) - _amount(items[index])

    for chosen in [proposed, *([index] for index in proposed if len(proposed) > 1)]:
        if abs(printed + sum(change(index) for index in chosen) - target) <= 1:
            for index in chosen:
                items[index].fields["amount"] = items[index].implied_amount
            return chosen
    return []


def _amount(item: _Item) -> Decimal:
    return Decimal(str(item.fields["amount"] or 0))


def _line_items(document: ParsedDocument, language: str) -> list[_Item]:
    items: list[_Item] = []
    rows = read_table(
        document,
        _COLUMNS,
        key="amount",
        is_end=_ends_table,
        is_section_total=lambda folded: bool(_SUBTOTAL.search(folded)),
        figures=_FIGURE_COLUMNS,
    )
    _name_columns(rows, language)
    for row in rows:
        amount = _cell_money(row.text("amount"), language)
        unit, printed_quantity = _split_unit(
            clean_text(row.text("unit")) or None, row.text("quantity") or None
        )
        quantity = _cell_money(printed_quantity or "", language)
        unit_price = _cell_money(row.text("unit_price"), language)
        if amount is None and (quantity is None or unit_price is None):
            continue  # not a line item: a note inside the table, a blank row
        _wrapped_under_the_number(row)
        _without_notes(row)
        description = clean_text(_SECTION_HEADING.sub(" ", row.text("description"))) or None
        fields: dict[str, str | None] = {
            "description": description,
            "unit": unit,
            "quantity": quantity,
            "unit_price": unit_price,
            "amount": amount,
            "vat_rate": parse_vat_rate(row.text("vat_rate"))
            or (parse_vat_rate(row.text("tax")) if "%" in row.text("tax") else None),
        }
        _unglue(fields, row, language)
        repaired, implied_amount = _repair_line(fields, row)
        if implied_amount is None:
            implied_amount = _ocr_product(fields, row)
        quantity, unit_price = fields["quantity"], fields["unit_price"]
        confidence = level.INFERRED
        if quantity is not None and unit_price is not None and amount is not None:
            product = Decimal(quantity) * Decimal(unit_price)
            agrees = abs(product - Decimal(amount)) <= Decimal("1")
            confidence = level.PRINTED if agrees else level.DISPUTED
        cells = {
            # A quantity split off its unit's cell was read where the unit was, a rate from
            # a bare `VAT` column where that column is.
            name: row.found(name, value, confidence)
            or row.found("tax" if name == "vat_rate" else "unit", value, confidence)
            for name, value in fields.items()
            if value is not None
        }
        described = cells.get("description")
        if described is not None and _joined_or_prefixed(row):
            # The figures agreeing vouch for the figures, not for which printed lines or
            # stray leading marks belong to the item's name.
            cells["description"] = Found(
                described.value, described.line, min(described.confidence, level.INFERRED)
            )
        for name in repaired:
            cell = cells.get(name)
            if cell is not None:  # inferred, not read: never certain
                cells[name] = Found(cell.value, cell.line, min(cell.confidence, level.INFERRED))
        # A line whose amount a scan lost is still a line: its price stands for it.
        found = cells.get("amount") or cells.get("unit_price")
        assert found is not None
        items.append(_Item(fields, found, confidence, cells, implied_amount))
    return items or _headerless_items(document, language)


def _name_columns(rows: list[TableRow], language: str) -> None:
    """Columns named from what they hold, cross-checked down the rows. A header cell no
    lexicon named: small integers counting 1, 2, 3 are row numbers, percentages the VAT
    rate, short words the unit. Then of all the figure columns, the three where one times
    another makes the third on every row are quantity, unit price and amount, whatever the
    headers said (a `Total` heading the gross column after VAT is not the line's amount).
    A column whose content fits nothing stays unnamed, its words kept out of every field."""
    present = {name for row in rows for name in row.cells}
    taken = {name for name in present if not is_unnamed(name) and name != OTHER}
    renamed: dict[str, str] = {}

    def texts(name: str) -> list[str]:
        return [row.text(name) for row in rows if row.text(name)]

    figures: list[str] = []
    for name in sorted(present, key=_left_edge):
        printed = texts(name)
        if not printed:
            continue
        loose = is_unnamed(name) or name == OTHER
        if loose and "no" not in taken and _counts_rows(printed, rows):
            renamed[name] = "no"
        elif (
            (loose or name == "tax")
            and "vat_rate" not in taken
            and all("%" in text and parse_vat_rate(text) for text in printed)
        ):
            renamed[name] = "vat_rate"
        elif (
            loose
            and "unit" not in taken
            and all(re.fullmatch(r"[^\W\d_][^\d]{0,14}", text) for text in printed)
        ):
            renamed[name] = "unit"
        elif (loose or name in (*_FIGURES, "unit")) and all(_FIGURE_WORD.match(t) for t in printed):
            figures.append(name)
            if name == "unit":  # `Unit cost`: figures are no unit of measure
                renamed[name] = f"{UNNAMED}unit"
            continue
        else:
            continue
        taken.add(renamed[name])
    # The item's name is the wordy column: under a heading no lexicon knows (`Details`), or
    # beside row numbers whose heading reads as the item's (`Item`).
    numbered = "no" not in taken and _counts_rows(texts("description"), rows)
    if "description" not in present or numbered:
        wordy = [
            name
            for name in present - renamed.keys()
            if (is_unnamed(name) or name == OTHER)
            and all(re.search(r"[^\W\d_]{2}", text) for text in texts(name))
            and len(texts(name)) == len(rows)
        ]
        if wordy:
            if numbered:
                renamed["description"] = "no"
            renamed[max(wordy, key=lambda n: sum(len(t) for t in texts(n)))] = "description"
    roles = _figure_roles(rows, figures, language)
    for role, name in roles.items():
        if name == role:
            continue
        if role in present and role not in roles.values():
            renamed[role] = f"{UNNAMED}{role}"  # what its heading said, its figures did not
        renamed[name] = role
    for row in rows:
        moved = {new: row.cells.pop(old) for old, new in renamed.items() if old in row.cells}
        for new, words in moved.items():
            row.cells.setdefault(new, []).extend(words)


def _counts_rows(printed: list[str], rows: list[TableRow]) -> bool:
    """Row numbers: one per row, counting 1, 2, 3 down the table."""
    return len(printed) == len(rows) and all(
        text.rstrip(".") == str(number) for number, text in enumerate(printed, start=1)
    )


def _left_edge(name: str) -> float:
    return float(name[1:]) if is_unnamed(name) and name[1:].replace(".", "").isdigit() else 0.0


def _figure_roles(rows: list[TableRow], figures: list[str], language: str) -> dict[str, str]:
    """Which figure columns are quantity, unit price and amount: the triple whose product
    holds on every row holding all three (more than half the rows), the headers' names
    preferred among several, then a quantity below the price on most rows. Empty when the
    named columns already check out, or no triple does."""
    values: dict[str, list[Decimal | None]] = {}
    for name in figures:
        parsed = [_cell_money(row.text(name), language) for row in rows]
        values[name] = [Decimal(value) if value is not None else None for value in parsed]

    def holds(names: tuple[str, ...]) -> bool:
        complete = [
            (q, p, a)
            for q, p, a in zip(*(values[name] for name in names), strict=True)
            if q is not None and p is not None and a is not None
        ]
        return 2 * len(complete) > len(rows) and all(
            abs(q * p - a) <= Decimal("0.011") + a / 1000 for q, p, a in complete
        )

    if all(name in values for name in _FIGURES) and holds(_FIGURES):
        return {}
    best: tuple[int, int] | None = None
    chosen: dict[str, str] = {}
    for triple in itertools.permutations(values, 3):
        if not holds(triple):
            continue
        agreeing = sum(name == role for name, role in zip(triple, _FIGURES, strict=True))
        quantity, price = values[triple[0]], values[triple[1]]
        smaller = sum(1 for q, p in zip(quantity, price, strict=True) if q and p and q <= p)
        if best is None or (agreeing, smaller) > best:
            best, chosen = (agreeing, smaller), dict(zip(_FIGURES, triple, strict=True))
    return chosen


_FIGURE_WORD = re.compile(r"^[$€£¥₫]?\d[\d.,]*$")


def _headerless_items(document: ParsedDocument, language: str) -> list[_Item]:
    """Line items of a table whose header was not read (white on a dark band, which OCR
    loses): rows ending in three figures of which the first two make the third are quantity,
    unit price and amount; the words before them are the description."""
    items: list[_Item] = []
    for page in document.pages:
        for words in printed_rows(list(page.words)):
            text = fold(" ".join(word.text for word in words))
            if items and _ends_table(text):
                return items
            if len(words) < 4 or not all(_FIGURE_WORD.match(w.text) for w in words[-3:]):
                continue
            figures = [_cell_money(word.text, language) for word in words[-3:]]
            if None in figures:
                continue
            quantity, price, amount = (Decimal(str(value)) for value in figures)
            if quantity <= 0 or abs(quantity * price - amount) > Decimal("0.01") * max(
                Decimal(1), amount
            ):
                continue
            described = [word for word in words[:-3] if not _ORDINAL.fullmatch(word.text)]
            if not described or not any(char.isalpha() for w in described for char in w.text):
                continue
            line = Line(tuple(described), page.number)
            # every figure agrees, but no header says which column is which
            confidence = level.BY_CONTEXT
            cells: dict[str, Found | None] = {"description": Found(line.text, line, confidence)}
            fields: dict[str, str | None] = {"description": clean_text(line.text), "unit": None}
            for name, value, word in zip(_FIGURES, figures, words[-3:], strict=True):
                fields[name] = value
                cells[name] = Found(str(value), Line((word,), page.number), confidence)
            fields["vat_rate"] = None
            found = cells["amount"]
            assert found is not None
            items.append(_Item(fields, found, confidence, cells))
    return items


# `--- Non Food ---`: a heading grouping the lines under it, not part of a line's text.
_SECTION_HEADING = re.compile(r"(?:^|\s)([-=*#_]{2,})[^-=*#_]{1,40}\1(?=\s|$)")
# `Notes: Replaced capacitor`, `Serial No: 123`: an attribute printed under an item's name.
_NOTE = re.compile(r"^[^\W\d_][^\d:]{0,24}:\s*\S")


def _joined_or_prefixed(row: TableRow) -> bool:
    """A description joined from several printed lines, or opening with a lone figure or
    mark (`1 Front and rear brake cables`, `$ Labor`: another column's value, or a speck)."""
    words = row.cells.get("description", [])
    if not words:
        return False
    tops = sorted(word.bbox[1] for word in words)
    several = tops[-1] - tops[0] > 0.5 * max(word.height for word in words)
    first = min(words, key=lambda word: (word.bbox[1], word.bbox[0])).text
    return several or (len(words) > 1 and not any(char.isalpha() for char in first))


def _without_notes(row: TableRow) -> None:
    """An item's description without the `Label: value` lines printed under its first line
    (notes, parts, serial numbers): they describe the item, they are not its name."""
    words = row.cells.get("description", [])
    if not words:
        return
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.bbox[1], w.bbox[0])):
        if lines and abs(word.bbox[1] - lines[-1][0].bbox[1]) <= 0.5 * word.height:
            lines[-1].append(word)
        else:
            lines.append([word])
    kept = [lines[0]] + [
        line
        for line in lines[1:]
        if not _NOTE.match(" ".join(w.text for w in sorted(line, key=lambda w: w.bbox[0])))
    ]
    if len(kept) < len(lines):
        row.cells["description"] = [word for word in words if any(word in line for line in kept)]


_ORDINAL = re.compile(r"\(?(?:\d{1,3}|[ivxlc]{1,5})[.)]?", re.IGNORECASE)


def _wrapped_under_the_number(row: TableRow) -> None:
    """A description that wraps back to the row's left edge (`Cước dịch vụ Internet cáp
    quang doanh` / `nghiệp 300Mbps` under the `STT` column): a row number's column holds
    only the number, so words under it, below the row's first line, are the description's."""
    number, described = row.cells.get("no", []), row.cells.get("description", [])
    if not number or not described:
        return
    first = min(word.bbox[1] for word in described)
    stray = [
        word for word in number if word.bbox[1] > first + 1 and not _ORDINAL.fullmatch(word.text)
    ]
    if stray:
        row.cells["no"] = [word for word in number if word not in stray]
        # In reading order: after the description's lines above them, before any below.
        top = min(word.bbox[1] for word in stray) - 3
        row.cells["description"] = [
            *(word for word in described if word.bbox[1] < top),
            *sorted(stray, key=lambda word: (word.bbox[1], word.bbox[0])),
            *(word for word in described if word.bbox[1] >= top),
        ]


# A cell is repaired only when OCR doubted it and trusted the two figures that imply it
# more: fairly well read (>= _FAIRLY_SURE) and better than it.
_FAIRLY_SURE = 0.6
_FIGURES = ("quantity", "unit_price", "amount")
_FIGURE_COLUMNS = frozenset({*_FIGURES, "no", "vat_rate", "tax", "discount"})


def _repair_line(fields: dict[str, str | None], row: TableRow) -> tuple[list[str], str | None]:
    """The figure of a line OCR trusted least, below 0.9, when it disagrees with the two
    others, read instead from them. A quantity or unit price is replaced when the one they
    imply is a tidy number (a quantity to 3 decimals, a price to 2): `5 × 135.78 = 3122.94`
    read from a smudged `23`. An amount is only proposed (the second value returned), for
    the subtotal to confirm: any quantity times price is tidy. Only OCR'd cells are doubted,
    so a born-digital line that does not add up stays as printed for the rules to flag.
    Returns the names replaced and the amount proposed."""
    sureness = {name: _sureness(row, name, fields[name]) for name in _FIGURES}
    name = min(_FIGURES, key=lambda n: sureness[n])
    others = [other for other in _FIGURES if other != name]
    values = [fields[other] for other in others]
    if (
        sureness[name] >= SURE_OCR
        or min(sureness[other] for other in others) < max(_FAIRLY_SURE, sureness[name])
        or None in values
    ):
        return [], None
    first, second = (Decimal(str(value)) for value in values)
    current = fields[name]
    if name == "amount":
        product = first * second
        if current is not None and abs(product - Decimal(current)) <= 1:
            return [], None
        return [], format_decimal(product.quantize(Decimal("0.01")))
    amount, known = second, first  # others are (the other of quantity/price, amount)
    if known == 0:
        return [], None
    if current is not None and abs(Decimal(current) * known - amount) <= 1:
        return [], None
    tidy = (amount / known).quantize(Decimal("0.001") if name == "quantity" else Decimal("0.01"))
    quantity = tidy if name == "quantity" else known
    if tidy <= 0 or abs(tidy * known - amount) > 1 + abs(quantity) / 2:
        return [], None
    fields[name] = format_decimal(tidy)
    return [name], None


def _unglue(fields: dict[str, str | None], row: TableRow, language: str) -> None:
    """A quantity and a unit price printed so close that they read as one number (`17` and
    `755000` as `17755000`, right-aligned quantity against a left-aligned price): the one
    cut of its digits whose parts multiply to the line's printed amount. The digits are the
    printed ones; only where one figure ends is inferred, and only when exactly one cut fits."""
    amount = fields["amount"]
    if amount is None or (fields["quantity"] is None) == (fields["unit_price"] is None):
        return
    name = "quantity" if fields["quantity"] is not None else "unit_price"
    words = row.cells.get(name, [])
    if len(words) != 1 or not re.fullmatch(r"\d[\d.,]*\d", words[0].text):
        return
    text, target = words[0].text, Decimal(amount)
    fits = []
    for cut in range(1, len(text)):
        left, right = text[:cut], text[cut:]
        if not right[0].isdigit() or not left[-1].isdigit():
            continue
        quantity = _cell_money(left, language)
        price = _cell_money(right, language)
        if quantity is None or price is None or Decimal(quantity) <= 0:
            continue
        if Decimal(quantity) * Decimal(price) == target:
            fits.append((quantity, price))
    if len(fits) == 1:
        fields["quantity"], fields["unit_price"] = fits[0]


def _ocr_product(fields: dict[str, str | None], row: TableRow) -> str | None:
    """Quantity times price of an OCR'd line whose amount disagrees with them: an amount OCR
    read wrong with confidence (`2` for `2,308.68`) is proposed for the subtotal to confirm."""
    quantity, price, amount = fields["quantity"], fields["unit_price"], fields["amount"]
    if quantity is None or price is None or amount is None:
        return None
    found = row.found("amount", amount, 1.0)
    if found is None or not any(word.source == "ocr" for word in found.line.words):
        return None
    product = Decimal(quantity) * Decimal(price)
    if abs(product - Decimal(amount)) <= 1:
        return None
    return format_decimal(product.quantize(Decimal("0.01")))


def _sureness(row: TableRow, name: str, value: str | None) -> float:
    """How sure OCR was of a cell: its least sure word; 0 for an unread cell, 1 for a cell
    from a text layer."""
    if value is None:
        return 0.0
    found = row.found(name, value, 1.0)
    if found is None:
        return 1.0
    ocr = [w.confidence for w in found.line.words if w.source == "ocr"]
    return min(ocr, default=1.0)


_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*%")


def _cell_money(text: str, language: str) -> str | None:
    """A cell's amount, a rate printed beside it (a column without a header) left out."""
    return parse_money(_PERCENT.sub(" ", text), language=language)


def _printed_rates(document: ParsedDocument) -> set[str]:
    """The VAT rates printed against a rate label (`Thuế suất 5%`, `VAT rate: 8%`)."""
    rates = set()
    for line, start in label_matches(document, _VAT_RATE):
        rate = parse_vat_rate(line.text[start:])
        if rate is not None:
            rates.add(rate)
    return rates


def _row_figures(
    document: ParsedDocument, line: Line, money: Callable[[str], str | None]
) -> list[tuple[str, Found]]:
    """The amounts printed on `line`'s row, left to right: on the line itself after its
    label, and in the cells to its right at the same height."""
    top, bottom = line.bbox[1], line.bbox[3]
    middle = (top + bottom) / 2
    row = [
        other
        for other in document.pages[line.page - 1].lines
        if other is line
        or (other.bbox[0] > line.bbox[0] and other.bbox[1] <= middle <= other.bbox[3])
    ]
    figures: list[tuple[str, Found]] = []
    for cell in sorted(row, key=lambda other: other.bbox[0]):
        for word in cell.words:
            if not re.search(r"\d", word.text) or "%" in word.text:
                continue
            value = money(word.text)
            if value is not None:
                found = Found(word.text, Line((word,), line.page), level.LABELLED)
                figures.append((value, found))
    return figures


def _reference(text: str) -> str:
    """A reference as printed, up to its first word holding a digit: `PO 98496`, `DDH-128/2026`
    (not the next field printed on the same line)."""
    tokens = text.split()
    end = next((i for i, token in enumerate(tokens) if re.search(r"\d", token)), 0)
    return " ".join(tokens[: end + 1])


def _is_words(text: str) -> bool:
    """Letters, no figures: an amount written out."""
    return bool(re.search(r"[^\W\d]", text)) and not re.search(r"\d", text)


def _split_unit(unit: str | None, quantity: str | None) -> tuple[str | None, str | None]:
    """A unit cell holding the quantity too (`Ram 19`: columns printed too close, or read
    as one by OCR) is split: no unit of measure is a number. So is a quantity cell printing
    its unit after the figure (`1.00 kg`) in a table without a unit column."""
    if unit is None and quantity is not None:
        match = re.fullmatch(r"\s*(\d[\d.,]*)\s+([^\W\d_][^\d]{0,14})", quantity)
        if match is not None:
            return match.group(2).strip(), match.group(1)
    if unit is None or quantity is not None:
        return unit, quantity
    match = re.fullmatch(r"(.*[^\d\s.,])\s+(\d[\d.,]*)", unit)
    if match is None:
        return unit, quantity
    return match.group(1), match.group(2)


def _ends_table(folded: str) -> bool:
    return any(pattern.search(folded) for pattern in (_SUBTOTAL, _TOTAL, _IN_WORDS, _RATE_SUMMARY))


# A row opening with a VAT rate (`Thuế suất 5%  125.000  6.250  131.250`, `VAT rate: 10%`):
# the totals per rate under the items, or the invoice's one rate, never a line item.
_RATE_SUMMARY = folded_pattern(
    r"^\W*(?:thuế suất|mức thuế|(?:vat|tax|gst) rate)(?: gtgt)?\W*\d{1,2}(?:[.,]\d+)?\s*%"
)


def _is_header_row(line: Line) -> bool:
    return sum(1 for pattern in _COLUMNS.values() if pattern.search(fold(line.text))) >= 3


def _items(fields: Mapping[str, object]) -> list[Mapping[str, object]]:
    items = fields.get("line_items")
    return [item for item in items if isinstance(item, Mapping)] if isinstance(items, list) else []


def _parses(parse: Callable[[str], str | None], text: str) -> bool:
    return bool(parse(text))
