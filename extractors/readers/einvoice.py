"""Vietnamese e-invoice XML (Circular 78/2021, Decision 1450/QĐ-TCT): the legal original of
an invoice, read exactly.

`HDon/DLHDon/TTChung` holds the form, series, number, date and currency; `NDHDon` the seller
(`NBan`), buyer (`NMua`), lines (`DSHHDVu/HHDVu`) and totals (`TToan`); `MCCQT` is the tax
authority's code and `DSCKS` the signatures. Files come with and without namespaces, so
elements are found by local name. defusedxml refuses entity declarations (billion laughs,
external entities) before anything is expanded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from extractors.document import Line, Page, ParsedDocument, Word
from extractors.errors import ExtractionError
from extractors.limits import ReadLimits
from extractors.normalize import clean_text, format_decimal, parse_payment_method, parse_vat_rate
from extractors.readers.base import ClosingReader


class EInvoiceXmlReader(ClosingReader):
    name = "einvoice-xml"
    media_types = frozenset({"application/xml"})

    def read(self, path: Path, *, limits: ReadLimits) -> ParsedDocument:
        try:
            root = SafeET.parse(path, forbid_dtd=True).getroot()
        except DefusedXmlException as exc:
            raise ExtractionError(
                "corrupt_file", f"XML with a DTD or entity declarations is refused ({exc})"
            ) from exc
        except ET.ParseError as exc:
            raise ExtractionError("corrupt_file", f"not well-formed XML ({exc})") from exc
        if _local(root.tag) != "HDon" or _find(root, "DLHDon") is None:
            raise ExtractionError(
                "unsupported_type", f"XML <{_local(root.tag)}> is not a Vietnamese e-invoice"
            )
        fields = invoice_fields(root)
        return ParsedDocument(
            media_type="application/xml",
            pages=[_text_page(root)],
            declared_type="invoice",
            declared_fields=fields,
        )


def invoice_fields(root: ET.Element) -> dict[str, object]:
    general = _find(root, "DLHDon", "TTChung")
    content = _find(root, "DLHDon", "NDHDon")
    totals = _find(content, "TToan")
    lines = [
        {
            "description": _text(item, "THHDVu"),
            "unit": _text(item, "DVTinh"),
            "quantity": _number(item, "SLuong"),
            "unit_price": _number(item, "DGia"),
            "amount": _number(item, "ThTien"),
            "vat_rate": _rate(_text(item, "TSuat")),
        }
        for item in _all(_find(content, "DSHHDVu"), "HHDVu")
    ]
    rates = {_rate(_text(rate, "TSuat")) for rate in _all(_find(totals, "THTTLTSuat"), "LTSuat")}
    rates |= {line["vat_rate"] for line in lines if line["vat_rate"]}
    rates.discard(None)
    currency = _text(general, "DVTTe") or "VND"
    return {
        "invoice_number": _text(general, "SHDon"),
        "invoice_series": _text(general, "KHHDon"),
        "invoice_form": _text(general, "KHMSHDon"),
        "issue_date": (_text(general, "NLap") or "")[:10] or None,
        "due_date": None,
        "currency": currency,
        # `TGia`: the rate the seller converted at, which posting uses for the VND amounts
        # (a VND invoice states 1; its record carries none).
        "exchange_rate": _number(general, "TGia") if currency != "VND" else None,
        "seller": _party(_find(content, "NBan")),
        "buyer": _party(_find(content, "NMua")),
        "po_number": None,
        "line_items": lines,
        "subtotal": _number(totals, "TgTCThue"),
        "vat_amount": _number(totals, "TgTThue"),
        "total": _number(totals, "TgTTTBSo"),
        "vat_rate": rates.pop() if len(rates) == 1 else None,
        "amount_in_words": _text(totals, "TgTTTBChu"),
        "tax_authority_code": _text(root, "MCCQT"),
        "payment_method": parse_payment_method(_text(general, "HTTToan") or ""),
    }


def _party(element: ET.Element | None) -> dict[str, str | None]:
    return {
        "name": _text(element, "Ten") or _text(element, "HVTNMHang"),
        "tax_id": _text(element, "MST"),
        "address": _text(element, "DChi"),
        "bank_account": _text(element, "STKNHang"),
    }


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element: ET.Element | None, *path: str) -> ET.Element | None:
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if _local(child.tag) == name), None)
    return element


def _all(element: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if element is None else [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element | None, name: str) -> str | None:
    found = _find(element, name)
    if found is None or found.text is None:
        return None
    return clean_text(found.text) or None


def _number(element: ET.Element | None, name: str) -> str | None:
    text = _text(element, name)
    if text is None:
        return None
    try:
        return format_decimal(Decimal(text))
    except InvalidOperation:
        return None


def _rate(text: str | None) -> str | None:
    return parse_vat_rate(text) if text else None


def _text_page(root: ET.Element) -> Page:
    """The invoice's text, one element per line, for classification and search. XML has no
    geometry: lines are stacked on a virtual page."""
    lines: list[Line] = []
    for index, element in enumerate(root.iter()):
        if element.text and element.text.strip() and _local(element.tag) != "SignatureValue":
            top = 12.0 * len(lines)
            word = Word(
                text=clean_text(element.text)[:500],
                bbox=(0.0, top, 500.0, top + 10.0),
                page=1,
                source="xml",
            )
            lines.append(Line((word,), 1))
        if index > 20_000:
            break
    return Page(
        number=1,
        width=595.0,
        height=12.0 * max(1, len(lines)),
        lines=lines,
        notes=["virtual_layout"],
    )
