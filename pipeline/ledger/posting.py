"""Approval and posting: an approved invoice becomes a balanced journal entry, once. One
that segregation of duties holds (pipeline/review/approval.py) posts on its second approval.

Cross-domain work (documents → entries) lives here, not in either domain's services.
Callers own the transaction; the document's version column makes a concurrent second
approval fail at commit instead of posting twice.

Approved contracts, CVs and letters are entered in their registers instead (see
pipeline/ledger/registers.py).

Entries are never changed once posted. Reopening a posted invoice posts a reversing entry
(the same lines, debit and credit swapped, on the same accounting date while its month is
open, else today) and returns the invoice to review; approving it again posts a new entry.
The three net to the new one. An entry posts on its posting date in an open month
(pipeline/ledger/periods.py), numbered in that date's year, and keeps the invoice's date.

An invoice the tax portal marks cancelled, replaced or adjusted posts only once a reviewer
has decided it stands (pipeline/ledger/portal.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from extractors.record import InvoiceFields
from pipeline.doc_types import OnApproval, spec_of
from pipeline.intake import pairing
from pipeline.ledger import counters, feed, journal, periods, portal, rates, registers, suppliers
from pipeline.ledger.account_mapping import AccountMapping, cached_account_mapping
from pipeline.ledger.errors import DuplicateInvoice, NotPostable
from pipeline.lifecycle import InvalidTransition, transition
from pipeline.review import approval
from pipeline.review.approval import ApprovalPolicy
from pipeline.review.documents import get_document
from pipeline.store.models import (
    Document,
    DocumentEvent,
    DocumentStatus,
    FeedStream,
    JournalEntry,
    JournalLine,
)
from pipeline.store.settings import get_settings

# Purchase vouchers (phiếu nhập / chứng từ mua hàng): one sequence per year for invoices and
# their reversals alike.
VOUCHER_PREFIX = "PN"


def current_mapping() -> AccountMapping:
    """The built-in account mapping with the company's overlay (`BACKOFFICE_ACCOUNT_MAPPING`)."""
    return cached_account_mapping(get_settings().account_mapping)


def approve(
    session: Session,
    *,
    document_id: int,
    actor: str,
    mapping: AccountMapping | None = None,
    policy: ApprovalPolicy | None = None,
    posting_rule: periods.PostingRule | None = None,
) -> Document:
    """A reviewer's approval. An invoice posts at once, unless segregation of duties asks
    for a second approval (pipeline/review/approval.py): then it stays `approved` until an approver
    gives it, and is only checked now to be postable, so the approver is not handed an
    invoice that could never post."""
    periods.lock_books(session)
    document = get_document(session, document_id=document_id)
    if document.status is not DocumentStatus.REVIEW:
        raise InvalidTransition(document, "approve")
    approval.check_type_chosen(document)
    needed = approval.state(document, policy=policy or approval.current_policy())
    transition(
        session,
        document,
        "approved",
        actor=actor,
        data={"step": 1, "of": needed.required}
        | ({"reasons": list(needed.reasons)} if needed.reasons else {}),
        action="approve",
    )
    if needed.required > 1:  # only a type under segregation of duties needs more than one
        portal.refuse_flagged(session, document=document)
        found = table_rate(session, document=document)
        draft_entry(document, mapping=mapping, exchange_rate=found.rate if found else None)
    else:
        carry_out(
            session, document=document, actor=actor, mapping=mapping, posting_rule=posting_rule
        )
    return document


def carry_out(
    session: Session,
    *,
    document: Document,
    actor: str,
    mapping: AccountMapping | None = None,
    posting_rule: periods.PostingRule | None = None,
) -> None:
    """What an approval in force does, by a reviewer or automatically: an invoice is posted,
    a contract, CV or letter entered in its register."""
    if spec_of(document.doc_type).on_approval is OnApproval.POST:
        post_invoice(
            session, document=document, actor=actor, mapping=mapping, posting_rule=posting_rule
        )
    else:
        registers.register_approved(session, document=document, actor=actor)


def second_approval(
    session: Session,
    *,
    document_id: int,
    actor: str,
    mapping: AccountMapping | None = None,
    posting_rule: periods.PostingRule | None = None,
) -> JournalEntry:
    """An approver's second approval of an invoice awaiting one; it posts the invoice.
    Refused (SecondApprovalRefused) to whoever gave the first or changed an amount."""
    periods.lock_books(session)
    document = get_document(session, document_id=document_id)
    if not approval.is_awaiting_second(document) or not approval.approvals_in_force(
        document.events
    ):
        raise InvalidTransition(document, "give a second approval to")
    first = approval.check_second_approver(document, actor=actor)
    session.add(
        DocumentEvent(
            document_id=document.id,
            actor=actor,
            kind="approved",
            data={"step": 2, "of": 2, "first_approver": first.actor},
        )
    )
    return post_invoice(
        session, document=document, actor=actor, mapping=mapping, posting_rule=posting_rule
    )


def draft_entry(
    document: Document,
    *,
    mapping: AccountMapping | None = None,
    exchange_rate: Decimal | None = None,
) -> journal.DraftEntry:
    """The entry the invoice would post as, or NotPostable saying what stands in the way.
    `exchange_rate` is the rate table's for an invoice that prints none."""
    record = document.record or {}
    given = dict(record.get("fields") or {})
    if exchange_rate is not None:
        given["exchange_rate"] = str(exchange_rate)
    try:
        fields = InvoiceFields.model_validate(given)
        return journal.build_entry(fields, mapping or current_mapping())
    except (ValidationError, journal.JournalError) as exc:
        raise NotPostable(f"invoice {document.id} cannot be posted: {exc}") from exc


def table_rate(session: Session, *, document: Document) -> rates.FoundRate | None:
    """The rate table's rate for a foreign invoice that prints no rate; None when it prints
    one, is in đồng, or has no date to look one up by. NotPostable when the table has none."""
    fields = (document.record or {}).get("fields") or {}
    currency, day = fields.get("currency"), fields.get("issue_date")
    if not currency or currency == "VND" or fields.get("exchange_rate") or not day:
        return None
    try:
        issued = date.fromisoformat(day)
    except ValueError:
        return None  # the journal says what is wrong with the date
    found = rates.rate_for(session, currency=currency, day=issued)
    if found is None:
        settings = get_settings()
        raise NotPostable(
            f"invoice {document.id} is in {currency} and prints no exchange rate, and the rate "
            f"table has no {settings.exchange_rate_kind} rate of {currency} for {issued} or the "
            f"{settings.exchange_rate_max_age_days} days before: import the bank's rates "
            "(`backoffice rates import`) or enter the rate on the invoice"
        )
    return found


def rate_source(
    session: Session, *, document: Document, found: rates.FoundRate | None, rate: Decimal | None
) -> str | None:
    """Where a foreign invoice's rate came from, as the entry records it: the table (looked up
    now), the invoice, or a reviewer who typed it. A typed rate equal to the table's for the
    invoice's date is the table's (the review page proposes it): its day, kind and bank kept."""
    if found is not None:
        return found.label()
    fields = (document.record or {}).get("fields") or {}
    currency = fields.get("currency")
    if not currency or currency == "VND":
        return None
    if not approval.rate_entered_by(document.events):
        return "invoice"
    try:
        table = rates.rate_for(
            session, currency=currency, day=date.fromisoformat(fields.get("issue_date") or "")
        )
    except ValueError:
        table = None
    if table is not None and rate is not None and table.rate == rate:
        return table.label()
    return "entered by a reviewer"


def post_invoice(
    session: Session,
    *,
    document: Document,
    actor: str,
    mapping: AccountMapping | None = None,
    posting_rule: periods.PostingRule | None = None,
) -> JournalEntry:
    live = live_entry(session, document_id=document.id)
    if live is not None:
        raise NotPostable(
            f"invoice {document.id} is already posted as {live.voucher_number}: reopen it first"
        )
    refuse_second_posting(session, document=document)
    portal.refuse_flagged(session, document=document)
    seller = ((document.record or {}).get("fields") or {}).get("seller") or {}
    mapping = suppliers.with_default_account(
        session, tax_id=seller.get("tax_id"), mapping=mapping or current_mapping()
    )
    found = table_rate(session, document=document)
    draft = draft_entry(document, mapping=mapping, exchange_rate=found.rate if found else None)
    posted_on = periods.posting_date(session, document_date=draft.entry_date, rule=posting_rule)
    entry = JournalEntry(
        document_id=document.id,
        voucher_number=next_voucher_number(session, year=posted_on.year),
        entry_date=posted_on,
        document_date=draft.entry_date,
        currency=draft.currency,
        exchange_rate=draft.exchange_rate,
        exchange_rate_source=rate_source(
            session, document=document, found=found, rate=draft.exchange_rate
        ),
        memo=draft.memo,
        invoice_form=draft.invoice_form,
        invoice_series=draft.invoice_series,
        invoice_number=draft.invoice_number,
        vat_analysis=[share.model_dump(mode="json") for share in draft.vat_analysis],
        lines=[
            JournalLine(
                account=line.account,
                debit=line.debit,
                credit=line.credit,
                debit_vnd=line.debit_vnd,
                credit_vnd=line.credit_vnd,
                description=line.description,
                counterparty_tax_id=line.counterparty_tax_id,
                vat_rate=line.vat_rate,
            )
            for line in draft.lines
        ],
    )
    session.add(entry)
    session.flush()
    suppliers.note_seller(
        session, tax_id=seller.get("tax_id"), name=seller.get("name"), actor=actor
    )
    feed.publish(session, stream=FeedStream.ENTRIES, item_id=entry.id)
    transition(
        session,
        document,
        "posted",
        actor=actor,
        data={"entry_id": entry.id, "voucher_number": entry.voucher_number},
        action="post",
    )
    return entry


def refuse_second_posting(session: Session, *, document: Document) -> None:
    """DuplicateInvoice when the rules flagged the invoice a (probable) duplicate, or another
    document of it, in any format, is posted: whatever path an approval took, one invoice
    posts once. Under the invoice's lock, so two approvals of two copies cannot both pass."""
    if document.duplicate_of_id is not None:
        raise DuplicateInvoice(
            f"invoice {document.id} is flagged a duplicate of document "
            f"{document.duplicate_of_id}: reject it, or mark it not a duplicate when only "
            "probable (a number was not read)"
        )
    same = pairing.same_invoice(document)
    keys = {k for k in (document.invoice_key, document.invoice_content_key) if k is not None}
    for key in sorted(keys, key=pairing.lock_id):  # the order checking takes them in
        pairing.lock_invoice(session, key)
    twin = (
        session.scalar(
            select(Document.id).where(
                or_(*same), Document.id != document.id, Document.status == DocumentStatus.POSTED
            )
        )
        if same
        else None
    )
    if twin is not None:
        raise DuplicateInvoice(
            f"invoice {document.id} is the same invoice as document {twin}, already posted"
        )


def reverse_posted(session: Session, *, document_id: int, actor: str) -> JournalEntry:
    """Cancel a posted invoice's entry with a reversing entry and return the invoice to
    review, where it can be corrected and approved again (which posts a new entry)."""
    periods.lock_books(session)
    document = get_document(session, document_id=document_id)
    original = live_entry(session, document_id=document_id)
    if document.status is not DocumentStatus.POSTED or original is None:
        raise InvalidTransition(document, "reopen")
    # The same accounting date while its month is open, so that month nets to nothing (or to
    # the new entry once the invoice is approved again); today once the month has closed.
    reversed_on = periods.reversal_date(session, original=original.entry_date)
    reversal = JournalEntry(
        document_id=document.id,
        voucher_number=next_voucher_number(session, year=reversed_on.year),
        entry_date=reversed_on,
        document_date=original.document_date,
        currency=original.currency,
        exchange_rate=original.exchange_rate,
        exchange_rate_source=original.exchange_rate_source,
        memo=f"Reversal of {original.voucher_number}: {original.memo}",
        invoice_form=original.invoice_form,
        invoice_series=original.invoice_series,
        invoice_number=original.invoice_number,
        reverses_id=original.id,
        vat_analysis=original.vat_analysis,
        lines=[
            JournalLine(
                account=line.account,
                debit=line.credit,
                credit=line.debit,
                debit_vnd=line.credit_vnd,
                credit_vnd=line.debit_vnd,
                description=f"Reversal of {original.voucher_number}: {line.description}",
                counterparty_tax_id=line.counterparty_tax_id,
                vat_rate=line.vat_rate,
            )
            for line in original.lines
        ],
    )
    session.add(reversal)
    session.flush()
    feed.publish(session, stream=FeedStream.ENTRIES, item_id=reversal.id)
    transition(
        session,
        document,
        "reversed",
        actor=actor,
        data={
            "entry_id": reversal.id,
            "voucher_number": reversal.voucher_number,
            "reverses_id": original.id,
        },
        action="reopen",
    )
    return reversal


def live_entry(session: Session, *, document_id: int) -> JournalEntry | None:
    """The document's entry in force: posted, and not reversed since."""
    reversed_ids = select(JournalEntry.reverses_id).where(JournalEntry.reverses_id.is_not(None))
    return session.scalar(
        select(JournalEntry)
        .where(
            JournalEntry.document_id == document_id,
            JournalEntry.reverses_id.is_(None),
            JournalEntry.id.not_in(reversed_ids),
        )
        .options(selectinload(JournalEntry.lines))
        .order_by(JournalEntry.id.desc())
    )


def next_voucher_number(session: Session, *, year: int, prefix: str = VOUCHER_PREFIX) -> str:
    """The year's next voucher number, gap-free (see pipeline/ledger/counters.py)."""
    return f"{prefix}{year}/{counters.next_number(session, prefix=prefix, year=year):06d}"


def entry_feed(
    session: Session, *, after: int | None = None, limit: int = 100, unacked_by: str | None = None
) -> list[tuple[int, JournalEntry]]:
    """Posted entries with their feed positions, in commit order, after a cursor (see
    pipeline/ledger/feed.py for why not in id order); with `unacked_by`, only those that consumer
    has not acknowledged."""
    return feed.items(
        session,
        stream=FeedStream.ENTRIES,
        model=JournalEntry,
        after=after,
        limit=limit,
        unacked_by=unacked_by,
        options=(selectinload(JournalEntry.lines),),
    )


def list_entries(
    session: Session, *, after: int | None = None, limit: int = 100
) -> list[JournalEntry]:
    return [entry for _, entry in entry_feed(session, after=after, limit=limit)]
