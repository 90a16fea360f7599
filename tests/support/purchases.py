"""Purchase invoices of March 2026 posted as an accountant would, for the purchase register and
the MISA file."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger.posting import approve
from pipeline.store.db import transaction
from tests.support.documents import INVOICE_FIELDS, add_document

ACCOUNTANT = "ke-toan@example.vn"
MARCH = (date(2026, 3, 1), date(2026, 3, 31))

MIXED = INVOICE_FIELDS | {
    "invoice_number": "0000300",
    "issue_date": "2026-03-05",
    "line_items": [
        {"description": "Hàng hóa: bàn ghế", "amount": "3000000", "vat_rate": "10"},
        {"description": "Dịch vụ lắp đặt", "amount": "1000000", "vat_rate": "8"},
        {"description": "Hàng hóa: sách", "amount": "500000", "vat_rate": "KCT"},
    ],
    "subtotal": "4500000",
    "vat_amount": "380000",
    "total": "4880000",
    "vat_rate": None,
}
IN_DOLLARS = INVOICE_FIELDS | {
    "invoice_number": "0000301",
    "issue_date": "2026-03-10",
    "currency": "USD",
    "exchange_rate": "25400",
    "subtotal": "100.50",
    "vat_amount": "10.05",
    "total": "110.55",
    "vat_rate": "10",
}
# At a rate that makes each purchase's VND, rounded on its own, a đồng off the books'.
ODD_RATE = INVOICE_FIELDS | {
    "invoice_number": "0000304",
    "issue_date": "2026-03-16",
    "currency": "USD",
    "exchange_rate": "25432.5",
    "line_items": [
        {"description": "Dịch vụ tư vấn", "amount": "10.01", "vat_rate": "10"},
        {"description": "Dịch vụ tư vấn", "amount": "20.03", "vat_rate": "8"},
        {"description": "Dịch vụ tư vấn", "amount": "0.05", "vat_rate": "KCT"},
    ],
    "subtotal": "30.09",
    "vat_amount": "2.60",
    "total": "32.69",
    "vat_rate": None,
}
CANCELLED = INVOICE_FIELDS | {"invoice_number": "0000302", "issue_date": "2026-03-12"}
FEBRUARY = INVOICE_FIELDS | {"invoice_number": "0000303", "issue_date": "2026-02-20"}


def post(sessions: sessionmaker[Session], name: str, fields: dict[str, Any]) -> int:
    """Approve (and so post, on its own date) an invoice with these fields."""
    document_id = add_document(sessions, name=name, fields=fields)
    with transaction(sessions) as session:
        approve(session, document_id=document_id, actor=ACCOUNTANT, posting_rule="document")
    return document_id
