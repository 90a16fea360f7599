"""The double entry for a supplier invoice, as pure data: no database, no side effects.

Thin first pass of the mapping (issue 8 makes it data-driven): every line is an expense
(Dr 642), VAT is deductible input VAT (Dr 1331), and the total is owed to the supplier
(Cr 331, the supplier's tax code as counterparty).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from extractors.record import InvoiceFields

EXPENSE_ACCOUNT = "642"
INPUT_VAT_ACCOUNT = "1331"
PAYABLE_ACCOUNT = "331"
_ZERO = Decimal(0)


class JournalError(Exception):
    """The invoice does not make a balanced entry as it stands."""


@dataclass(frozen=True)
class DraftLine:
    account: str
    debit: Decimal
    credit: Decimal
    description: str
    counterparty_tax_id: str | None = None


@dataclass(frozen=True)
class DraftEntry:
    currency: str
    memo: str
    lines: tuple[DraftLine, ...]

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), _ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), _ZERO)


def build_entry(invoice: InvoiceFields) -> DraftEntry:
    if invoice.total is None:
        raise JournalError("the invoice has no total")
    total = Decimal(invoice.total)
    vat = Decimal(invoice.vat_amount) if invoice.vat_amount is not None else _ZERO
    subtotal = Decimal(invoice.subtotal) if invoice.subtotal is not None else total - vat
    if subtotal + vat != total:
        raise JournalError(
            f"subtotal {subtotal} + VAT {vat} = {subtotal + vat}, but the total is {total}"
        )
    if total <= _ZERO:
        raise JournalError(f"the total is {total}; credit notes are not posted yet")
    if not invoice.currency:
        raise JournalError("the invoice has no currency")
    seller = invoice.seller
    reference = "/".join(
        part for part in (invoice.invoice_form, invoice.invoice_series, invoice.invoice_number)
        if part
    )
    memo = f"Invoice {reference or '(no number)'} from {seller.name or seller.tax_id or 'unknown'}"
    lines = [DraftLine(EXPENSE_ACCOUNT, subtotal, _ZERO, memo)]
    if vat:
        lines.append(DraftLine(INPUT_VAT_ACCOUNT, vat, _ZERO, f"Input VAT, {memo}"))
    lines.append(DraftLine(PAYABLE_ACCOUNT, _ZERO, total, memo, seller.tax_id))
    entry = DraftEntry(currency=invoice.currency, memo=memo, lines=tuple(lines))
    if entry.total_debit != entry.total_credit:
        raise JournalError(f"debits {entry.total_debit} ≠ credits {entry.total_credit}")
    return entry
