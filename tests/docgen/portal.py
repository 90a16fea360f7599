"""Purchase-invoice lists as the tax authority's e-invoice portal (hoadondientu.gdt.gov.vn)
exports them: a title and the search's period above the header, the seller's tax code and
name under a merged `Thông tin hóa đơn` header cell, amounts as numbers (XLSX) or grouped
the Vietnamese way (CSV), the status and check result in words. English headers too, as a
translated export or another tool writes them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook

Status = Literal["new", "replacement", "adjustment", "replaced", "adjusted", "cancelled"]

STATUS_VI: dict[Status, str] = {
    "new": "Hóa đơn mới",
    "replacement": "Hóa đơn thay thế",
    "adjustment": "Hóa đơn điều chỉnh",
    "replaced": "Hóa đơn đã bị thay thế",
    "adjusted": "Hóa đơn đã bị điều chỉnh",
    "cancelled": "Hóa đơn đã bị hủy",
}
STATUS_EN: dict[Status, str] = {
    "new": "New invoice",
    "replacement": "Replacement invoice",
    "adjustment": "Adjustment invoice",
    "replaced": "Replaced",
    "adjusted": "Adjusted",
    "cancelled": "Cancelled",
}
HEADERS_VI = (
    "STT",
    "Ký hiệu mẫu số",
    "Ký hiệu hóa đơn",
    "Số hóa đơn",
    "Ngày lập",
    "Thông tin hóa đơn",
    None,
    "Tổng tiền chưa thuế",
    "Tổng tiền thuế",
    "Tổng tiền chiết khấu thương mại",
    "Tổng tiền phí",
    "Tổng tiền thanh toán",
    "Đơn vị tiền tệ",
    "Trạng thái hóa đơn",
    "Kết quả kiểm tra hóa đơn",
)
SUBHEADERS_VI = (None, None, None, None, None, "MST người bán", "Tên người bán")
HEADERS_EN = (
    "No.",
    "Invoice form",
    "Invoice series",
    "Invoice number",
    "Issue date",
    "Seller tax code",
    "Seller name",
    "Subtotal",
    "VAT amount",
    "Trade discount",
    "Fees",
    "Total payment",
    "Currency",
    "Invoice status",
    "Check result",
)


@dataclass(frozen=True)
class PortalInvoice:
    seller_tax_id: str
    seller_name: str
    series: str
    number: str
    issued: date
    subtotal: Decimal
    vat_amount: Decimal
    status: Status = "new"
    form: str = "1"
    currency: str = "VND"

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.vat_amount


def _cells(invoice: PortalInvoice, index: int, english: bool) -> list[object]:
    return [
        index,
        invoice.form,
        invoice.series,
        # The portal drops the number's leading zeros.
        int(invoice.number),
        invoice.issued.strftime("%d/%m/%Y"),
        invoice.seller_tax_id,
        invoice.seller_name,
        invoice.subtotal,
        invoice.vat_amount,
        0,
        0,
        invoice.total,
        invoice.currency,
        (STATUS_EN if english else STATUS_VI)[invoice.status],
        "Checked" if english else "Đã cấp mã hóa đơn",
    ]


def _banner(buyer_tax_id: str, start: date, end: date) -> list[list[object]]:
    return [
        ["DANH SÁCH HÓA ĐƠN"],
        [f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"],
        [f"MST người mua: {buyer_tax_id}"],
        [],
    ]


def portal_xlsx(
    invoices: list[PortalInvoice],
    *,
    start: date,
    end: date,
    buyer_tax_id: str = "0312345678",
    english: bool = False,
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Danh sách hóa đơn"
    for row in _banner(buyer_tax_id, start, end):
        sheet.append(row)
    if english:
        sheet.append(list(HEADERS_EN))
    else:
        sheet.append(list(HEADERS_VI))
        sheet.append(list(SUBHEADERS_VI))
        header = sheet.max_row - 1
        for column in range(1, 6):
            sheet.merge_cells(
                start_row=header, end_row=header + 1, start_column=column, end_column=column
            )
        sheet.merge_cells(start_row=header, end_row=header, start_column=6, end_column=7)
    for index, invoice in enumerate(invoices, start=1):
        sheet.append(
            [float(c) if isinstance(c, Decimal) else c for c in _cells(invoice, index, english)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def portal_csv(
    invoices: list[PortalInvoice],
    *,
    start: date,
    end: date,
    buyer_tax_id: str = "0312345678",
) -> bytes:
    """The list saved as CSV: semicolons, amounts grouped with dots as Vietnamese offices
    write them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in _banner(buyer_tax_id, start, end):
        writer.writerow(row)
    writer.writerow(["" if c is None else c for c in HEADERS_VI])
    writer.writerow(["" if c is None else c for c in SUBHEADERS_VI])
    for index, invoice in enumerate(invoices, start=1):
        writer.writerow(
            [
                f"{c:,.0f}".replace(",", ".") if isinstance(c, Decimal) else c
                for c in _cells(invoice, index, False)
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
