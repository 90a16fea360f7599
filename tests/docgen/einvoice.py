"""Vietnamese e-invoices in the Circular 78 XML structure."""

from __future__ import annotations

import random
from typing import Any

from tests.docgen.common import GeneratedDocument
from tests.docgen.invoice import invoice

# --- e-invoice XML -------------------------------------------------------------------------

_EINVOICE_NS = (
    "http://kekhaithue.gdt.gov.vn/TKhaiThue"  # placeholder namespace, as some issuers use
)


# The short forms e-invoice software writes in `HTTToan`.
_PRINTED_METHOD = {"cash_or_transfer": "TM/CK", "transfer": "CK", "cash": "TM"}


def einvoice_xml(seed: int = 0, *, namespaced: bool = False) -> GeneratedDocument:
    """A Vietnamese e-invoice in the Circular 78 XML structure, with the truth it states.
    Seeds vary issuer, lines and totals; `namespaced` puts every element in a namespace."""
    from xml.sax.saxutils import escape

    rng = random.Random(f"einvoice-{seed}")
    printed = invoice(seed).fields
    number = str(int(printed["invoice_number"]))
    coded = printed["invoice_series"].startswith("C")
    mccqt = f"00{rng.randrange(16**30):030X}" if coded else None
    rate = printed["vat_rate"]

    def element(name: str, value: object) -> str:
        return f"<{name}>{escape(str(value))}</{name}>" if value is not None else f"<{name}/>"

    def party(tag: str, data: dict[str, Any]) -> str:
        return (
            f"<{tag}>"
            + element("Ten", data["name"])
            + element("MST", data["tax_id"])
            + element("DChi", data["address"])
            + (element("STKNHang", data["bank_account"]) if data["bank_account"] else "")
            + f"</{tag}>"
        )

    items = "".join(
        "<HHDVu>"
        + element("TChat", 1)
        + element("STT", index)
        + element("THHDVu", item["description"])
        + element("DVTinh", item["unit"])
        + element("SLuong", item["quantity"])
        + element("DGia", item["unit_price"])
        + element("ThTien", item["amount"])
        + element("TSuat", f"{rate}%")
        + "</HHDVu>"
        for index, item in enumerate(printed["line_items"], start=1)
    )
    body = (
        '<DLHDon Id="data">'
        "<TTChung>"
        + element("PBan", "2.0.0")
        + element("THDon", "Hóa đơn giá trị gia tăng")
        + element("KHMSHDon", printed["invoice_form"])
        + element("KHHDon", printed["invoice_series"])
        + element("SHDon", number)
        + element("NLap", printed["issue_date"])
        + element("DVTTe", "VND")
        + element("TGia", 1)
        + element("HTTToan", _PRINTED_METHOD[printed["payment_method"]])
        + "</TTChung>"
        "<NDHDon>"
        + party("NBan", printed["seller"])
        + party("NMua", printed["buyer"])
        + "<DSHHDVu>"
        + items
        + "</DSHHDVu>"
        + "<TToan><THTTLTSuat><LTSuat>"
        + element("TSuat", f"{rate}%")
        + element("ThTien", printed["subtotal"])
        + element("TThue", printed["vat_amount"])
        + "</LTSuat></THTTLTSuat>"
        + element("TgTCThue", printed["subtotal"])
        + element("TgTThue", printed["vat_amount"])
        + element("TgTTTBSo", printed["total"])
        + element("TgTTTBChu", printed["amount_in_words"])
        + "</TToan></NDHDon></DLHDon>"
    )
    signature = (
        "<DSCKS><NBan><Signature><SignatureValue>c2lnbmF0dXJl</SignatureValue>"
        "</Signature></NBan></DSCKS>"
    )
    root_open = f'<HDon xmlns="{_EINVOICE_NS}">' if namespaced else "<HDon>"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        + root_open
        + body
        + (element("MCCQT", mccqt) if mccqt else "")
        + signature
        + "</HDon>"
    )
    fields = dict(printed)
    fields["invoice_number"] = number
    fields["line_items"] = [item | {"vat_rate": rate} for item in printed["line_items"]]
    fields["tax_authority_code"] = mccqt
    return GeneratedDocument("invoice", "vi", xml.encode("utf-8"), fields, suffix=".xml")
