"""The double entry for a supplier invoice, as pure data: no database, no side effects.

Each line of the invoice is placed on an account by the account mapping (chart and rules,
`pipeline/ledger/account_mapping.py`), and the entry is: Dr one line per expense or stock account,
Dr input VAT per rate (1331, or 1332 for fixed assets), Cr the supplier's payable (331, the
seller's tax code as counterparty) for the invoice total. Non-deductible VAT is added to the
cost of the lines it was charged on.

Amounts are kept twice, in the invoice currency and in VND at the invoice's exchange rate.
Both sides balance exactly in both. VND has no decimals: every line is converted and rounded
to the đồng (half up), the payable from the invoice total, and the difference rounding
leaves between the debits and the payable goes to the largest debit line (the first of
equals), where it weighs least.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

from pydantic import BaseModel, ConfigDict

from extractors.errors import BackofficeError
from extractors.record import InvoiceFields
from pipeline.ledger.account_mapping import AccountMapping, cached_account_mapping
from rules.functions import vat_percent

VND = "VND"
# ISO 4217 currencies without minor units that an invoice here may plausibly use; two
# decimals for every other.
NO_MINOR_UNITS = frozenset({"VND", "JPY", "KRW", "CLP", "ISK"})
# Printed amounts are rounded: the lines may miss the subtotal, and each line's VAT at its
# rate the VAT amount, by this much (currency units) per line, as the rule pack allows.
_TOLERANCE = Decimal(1)
_ZERO = Decimal(0)
_ONE_DONG = Decimal(1)


class JournalError(BackofficeError):
    """The invoice does not make a balanced entry as it stands."""

    code = "unbalanced"
    http_status = 422


@dataclass(frozen=True)
class DraftLine:
    account: str
    debit: Decimal
    credit: Decimal
    description: str
    counterparty_tax_id: str | None = None
    debit_vnd: Decimal = _ZERO
    credit_vnd: Decimal = _ZERO
    # On an input VAT line, the rate of its VAT.
    vat_rate: str | None = None


class VatShare(BaseModel):
    """The purchases of an invoice booked to one account at one VAT rate: their taxable base
    and the VAT charged on it, in the invoice currency and in VND (the VND of the journal
    lines they make up, shared out between them, so that they add up to the books to the
    đồng), and the account the VAT went to: the input VAT account when deductible, the
    expense account when added to the cost, none when no VAT was charged."""

    model_config = ConfigDict(frozen=True)

    account: str
    vat_rate: str | None
    base: Decimal
    base_vnd: Decimal
    vat: Decimal
    vat_vnd: Decimal
    vat_account: str | None
    deductible: bool


@dataclass(frozen=True)
class DraftEntry:
    currency: str
    exchange_rate: Decimal
    entry_date: date
    memo: str
    lines: tuple[DraftLine, ...]
    invoice_form: str | None = None
    invoice_series: str | None = None
    invoice_number: str | None = None
    vat_analysis: tuple[VatShare, ...] = ()

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), _ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), _ZERO)

    @property
    def total_debit_vnd(self) -> Decimal:
        return sum((line.debit_vnd for line in self.lines), _ZERO)

    @property
    def total_credit_vnd(self) -> Decimal:
        return sum((line.credit_vnd for line in self.lines), _ZERO)


@dataclass(frozen=True)
class _Group:
    """Lines booked alike: the same account, VAT treatment and rate."""

    account: str
    deductible: bool
    vat_rate: str | None


def build_entry(invoice: InvoiceFields, mapping: AccountMapping | None = None) -> DraftEntry:
    mapping = mapping or cached_account_mapping(None)
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
    if vat < _ZERO:
        raise JournalError(f"the VAT amount is {vat}; credit notes are not posted yet")
    if not invoice.currency:
        raise JournalError("the invoice has no currency")
    if invoice.issue_date is None:
        raise JournalError("the invoice has no issue date, which dates its entry")
    rate = _exchange_rate(invoice)
    quantum = _quantum(invoice)

    groups = _expense_groups(invoice, mapping, subtotal, quantum)
    _check_vat(invoice, subtotal, vat)
    vat_shares = _vat_shares(groups, vat, quantum)
    payable_vnd = _to_vnd(total, rate)
    cash_over_limit = (
        invoice.payment_method == "cash"
        and mapping.cash_limit > 0
        and payable_vnd >= mapping.cash_limit
    )

    memo = _memo(invoice)
    seller = invoice.seller.tax_id
    costs: dict[str, Decimal] = {}
    non_deductible: dict[str, Decimal] = {}
    input_vat: dict[tuple[str, str | None], Decimal] = {}
    analysis: list[VatShare] = []
    for group, amount in groups.items():
        share = vat_shares[group]
        costs[group.account] = costs.get(group.account, _ZERO) + amount
        deductible = bool(share) and group.deductible and not cash_over_limit
        vat_account = None
        if deductible:
            vat_account = mapping.input_vat_account(group.account)
            key = (vat_account, group.vat_rate)
            input_vat[key] = input_vat.get(key, _ZERO) + share
        elif share:
            vat_account = group.account
            costs[group.account] += share
            non_deductible[group.account] = non_deductible.get(group.account, _ZERO) + share
        analysis.append(
            VatShare(
                account=group.account,
                vat_rate=group.vat_rate,
                base=amount,
                base_vnd=_ZERO,
                vat=share,
                vat_vnd=_ZERO,
                vat_account=vat_account,
                deductible=deductible,
            )
        )

    debits: list[tuple[str, Decimal, str, str | None]] = [
        (account, amount, _cost_description(memo, non_deductible.get(account)), None)
        for account, amount in costs.items()
    ] + [
        (account, amount, f"Input VAT{_rate_label(vat_rate)}, {memo}", vat_rate)
        for (account, vat_rate), amount in input_vat.items()
        if amount
    ]
    debits_vnd = [_to_vnd(amount, rate) for _, amount, _, _ in debits]
    largest = max(range(len(debits)), key=lambda index: (debits[index][1], -index))
    debits_vnd[largest] += payable_vnd - sum(debits_vnd, _ZERO)
    if debits_vnd[largest] < _ZERO:
        raise JournalError(
            f"the lines are worth less than 1 VND each at {rate}: they cannot be booked in VND"
        )
    analysis = _shares_in_vnd(analysis, debits, debits_vnd, expense_lines=len(costs))
    lines = [
        DraftLine(account, amount, _ZERO, description, seller, amount_vnd, _ZERO, vat_rate)
        for (account, amount, description, vat_rate), amount_vnd in zip(
            debits, debits_vnd, strict=True
        )
    ]
    lines.append(DraftLine(mapping.chart.payable, _ZERO, total, memo, seller, _ZERO, payable_vnd))
    entry = DraftEntry(
        currency=invoice.currency,
        exchange_rate=rate,
        entry_date=date.fromisoformat(invoice.issue_date),
        memo=memo,
        lines=tuple(lines),
        invoice_form=invoice.invoice_form,
        invoice_series=invoice.invoice_series,
        invoice_number=invoice.invoice_number,
        vat_analysis=tuple(analysis),
    )
    if entry.total_debit != entry.total_credit or entry.total_debit_vnd != entry.total_credit_vnd:
        raise JournalError(
            f"debits {entry.total_debit} ≠ credits {entry.total_credit} "
            f"(VND {entry.total_debit_vnd} ≠ {entry.total_credit_vnd})"
        )
    return entry


def _shares_in_vnd(
    shares: list[VatShare],
    debits: Sequence[tuple[str, Decimal, str, str | None]],
    debits_vnd: Sequence[Decimal],
    *,
    expense_lines: int,
) -> list[VatShare]:
    """The shares with their VND taken from the debit lines they make up: each line's VND
    split over its parts in proportion to their amounts, so that the MISA import and the
    purchase register add up to the books to the đồng. An expense line is made of the bases
    booked to its account and the VAT added to their cost (the first `expense_lines` debits);
    an input VAT line of the deductible VAT at its rate on its account."""
    parts: dict[tuple[bool, str, str | None], list[tuple[int, str, Decimal]]] = {}
    for index, share in enumerate(shares):
        cost = (False, share.account, None)
        parts.setdefault(cost, []).append((index, "base_vnd", share.base))
        if share.vat and share.vat_account is not None:
            key = (True, share.vat_account, share.vat_rate) if share.deductible else cost
            parts.setdefault(key, []).append((index, "vat_vnd", share.vat))
    converted = [{"base_vnd": _ZERO, "vat_vnd": _ZERO} for _ in shares]
    for position, ((account, _, _, vat_rate), amount_vnd) in enumerate(
        zip(debits, debits_vnd, strict=True)
    ):
        is_vat = position >= expense_lines
        line_parts = parts[(is_vat, account, vat_rate if is_vat else None)]
        amounts = _allocate(amount_vnd, [amount for _, _, amount in line_parts], _ONE_DONG)
        for (index, field, _), amount in zip(line_parts, amounts, strict=True):
            converted[index][field] += amount
    return [
        share.model_copy(update=update) for share, update in zip(shares, converted, strict=True)
    ]


def _exchange_rate(invoice: InvoiceFields) -> Decimal:
    if invoice.currency == VND:
        return Decimal(1)
    if invoice.exchange_rate is None:
        raise JournalError(
            f"the invoice is in {invoice.currency} and states no exchange rate to VND: "
            "enter the rate (exchange_rate) before approving"
        )
    rate = Decimal(invoice.exchange_rate)
    if rate <= _ZERO:
        raise JournalError(f"the exchange rate {rate} is not positive")
    return rate


def _to_vnd(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(_ONE_DONG, rounding=ROUND_HALF_UP)


def _quantum(invoice: InvoiceFields) -> Decimal:
    """The smallest amount the entry splits into: the currency's minor unit, or finer when
    the invoice prints finer amounts."""
    places = 0 if invoice.currency in NO_MINOR_UNITS else 2
    printed = [invoice.subtotal, invoice.vat_amount, invoice.total]
    printed += [line.amount for line in invoice.line_items]
    for amount in printed:
        if amount is not None:
            exponent = Decimal(amount).as_tuple().exponent
            places = max(places, -exponent if isinstance(exponent, int) else 0)
    return Decimal(1).scaleb(-places)


def _expense_groups(
    invoice: InvoiceFields, mapping: AccountMapping, subtotal: Decimal, quantum: Decimal
) -> dict[_Group, Decimal]:
    """The subtotal split by account, VAT treatment and rate, following the lines."""
    seller = invoice.seller.tax_id
    lines = invoice.line_items
    if not lines or any(line.amount is None for line in lines):
        # Without every line's amount the lines cannot share out the subtotal: the invoice
        # is booked as one, placed by what its descriptions say.
        text = " | ".join(line.description or "" for line in lines)
        placement = mapping.place(description=text, unit="", supplier=seller)
        return {_Group(placement.account, placement.deductible, invoice.vat_rate): subtotal}

    groups: dict[_Group, Decimal] = {}
    discounts: list[tuple[str | None, Decimal]] = []
    for line in lines:
        amount = Decimal(line.amount or 0)
        rate = line.vat_rate or invoice.vat_rate
        placement = mapping.place(
            description=line.description or "", unit=line.unit or "", supplier=seller
        )
        if amount < _ZERO and not placement.placed:
            discounts.append((rate, amount))
            continue
        group = _Group(placement.account, placement.deductible, rate)
        groups[group] = groups.get(group, _ZERO) + amount
    for rate, amount in discounts:
        positive = [group for group, value in groups.items() if value > _ZERO]
        targets = [group for group in positive if group.vat_rate == rate] or positive
        if not targets:
            raise JournalError(f"a discount of {amount} with no purchase to reduce")
        shares = _allocate(amount, [groups[group] for group in targets], quantum)
        for group, share in zip(targets, shares, strict=True):
            groups[group] += share

    lines_total = sum(groups.values(), _ZERO)
    if abs(lines_total - subtotal) > _TOLERANCE:
        raise JournalError(
            f"the line amounts add up to {lines_total}, but the subtotal is {subtotal}"
        )
    if lines_total != subtotal:
        # Printed rounding: the subtotal is what the supplier charges, and its cent goes to
        # the largest group, where it weighs least.
        largest = max(groups, key=lambda group: groups[group])
        groups[largest] += subtotal - lines_total
    for group, amount in groups.items():
        if amount < _ZERO:
            raise JournalError(
                f"account {group.account} would be debited {amount}: the discounts exceed "
                "what they discount"
            )
    return {group: amount for group, amount in groups.items() if amount}


def _check_vat(invoice: InvoiceFields, subtotal: Decimal, vat: Decimal) -> None:
    """The VAT amount is what the lines charge at their rates, within the printed rounding
    the rules allow (`invoice.vat_matches_line_rates`, `invoice.vat_matches_rate`)."""
    lines = invoice.line_items
    if lines and all(line.amount is not None for line in lines):
        charged = [(Decimal(line.amount or 0), line.vat_rate or invoice.vat_rate) for line in lines]
    else:
        charged = [(subtotal, invoice.vat_rate)]
    percents = [vat_percent(rate) for _, rate in charged]
    if any(percent is None for percent in percents):
        return  # a rate not stated: nothing to check the amount against
    expected = sum(
        (
            amount * (percent or _ZERO) / 100
            for (amount, _), percent in zip(charged, percents, strict=True)
        ),
        _ZERO,
    )
    if abs(expected - vat) > _TOLERANCE * len(charged):
        raise JournalError(f"the lines' VAT at their rates is {expected}, but the VAT is {vat}")


def _vat_shares(
    groups: dict[_Group, Decimal], vat: Decimal, quantum: Decimal
) -> dict[_Group, Decimal]:
    """The VAT amount split over the groups: in proportion to each group's VAT at its rate
    (the invoice's VAT amount is what is charged, the rates only share it out), or to the
    amounts when a rate is not known or every rate is nil."""
    if not groups:
        raise JournalError("the invoice has nothing to book: its subtotal is 0")
    if not vat:
        return dict.fromkeys(groups, _ZERO)
    weights = list(groups.values())
    percents = [vat_percent(group.vat_rate) for group in groups]
    if all(percent is not None for percent in percents):
        at_rates = [
            amount * (percent or _ZERO) / 100
            for amount, percent in zip(weights, percents, strict=True)
        ]
        if sum(at_rates, _ZERO) > _ZERO:
            weights = at_rates
    return dict(zip(groups, _allocate(vat, weights, quantum), strict=True))


def _allocate(total: Decimal, weights: Sequence[Decimal], quantum: Decimal) -> list[Decimal]:
    """`total` split in proportion to `weights` (positive) into multiples of `quantum` that
    add up to it exactly: each share rounded down, and the quanta left over given to the
    shares that lost most by rounding, then to the larger weight, then the earlier."""
    with localcontext() as context:
        context.prec = 60
        whole = sum(weights, _ZERO)
        if whole <= _ZERO:
            raise JournalError(f"cannot share {total} over amounts adding up to {whole}")
        exact = [total * weight / whole for weight in weights]
        shares = [value.quantize(quantum, rounding=ROUND_FLOOR) for value in exact]
        left = int((total - sum(shares, _ZERO)) / quantum)
        order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], -weights[i], i))
        for index in order[:left]:
            shares[index] += quantum
    return shares


def _memo(invoice: InvoiceFields) -> str:
    seller = invoice.seller
    reference = "/".join(
        part
        for part in (invoice.invoice_form, invoice.invoice_series, invoice.invoice_number)
        if part
    )
    return f"Invoice {reference or '(no number)'} from {seller.name or seller.tax_id or 'unknown'}"


def _cost_description(memo: str, non_deductible_vat: Decimal | None) -> str:
    if non_deductible_vat:
        return f"{memo}, incl. non-deductible VAT {non_deductible_vat}"
    return memo


def _rate_label(rate: str | None) -> str:
    if rate is None:
        return ""
    return f" {rate.removeprefix('KHAC:')}%"
