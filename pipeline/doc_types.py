"""What each document type means to the service, in one table: the date the queue filters on,
the party shown as its sender, what approving it does, whether it has line items, and whether
segregation of duties applies. Code asks the spec of a type instead of branching on its name,
so a new type is one row here (and its record model in extractors/record.py)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class OnApproval(enum.StrEnum):
    POST = "post"  # a balanced journal entry, pulled by accounting systems
    REGISTER = "register"  # a row in the type's register (contracts, candidates, letters)


@dataclass(frozen=True)
class DocTypeSpec:
    name: str
    # The record's own date (ISO) the queue's date filter uses; None: the type has none.
    date_field: str | None
    # The party whose name and tax code the queue shows and filters by.
    sender_field: str | None
    on_approval: OnApproval | None
    # The register an approval enters it in (a `Register` value), when it registers.
    register: str | None
    line_items: bool
    # Above BACKOFFICE_DUAL_APPROVAL_ABOVE it needs a second approver before it takes effect.
    dual_approval: bool


SPECS: dict[str, DocTypeSpec] = {
    spec.name: spec
    for spec in (
        DocTypeSpec(
            name="invoice",
            date_field="issue_date",
            sender_field="seller",
            on_approval=OnApproval.POST,
            register=None,
            line_items=True,
            dual_approval=True,
        ),
        DocTypeSpec(
            name="contract",
            date_field="signing_date",
            sender_field=None,
            on_approval=OnApproval.REGISTER,
            register="contracts",
            line_items=False,
            dual_approval=False,
        ),
        DocTypeSpec(
            name="cv",
            date_field=None,
            sender_field=None,
            on_approval=OnApproval.REGISTER,
            register="candidates",
            line_items=False,
            dual_approval=False,
        ),
        DocTypeSpec(
            name="dispatch",
            date_field="issue_date",
            sender_field=None,
            on_approval=OnApproval.REGISTER,
            register="correspondence",
            line_items=False,
            dual_approval=False,
        ),
    )
}
# A document whose type is not known yet: nothing follows from approving it.
UNKNOWN = DocTypeSpec(
    name="unknown",
    date_field=None,
    sender_field=None,
    on_approval=None,
    register=None,
    line_items=False,
    dual_approval=False,
)


def spec_of(doc_type: str | None) -> DocTypeSpec:
    return SPECS.get(doc_type or "", UNKNOWN)


def with_dual_approval() -> tuple[str, ...]:
    return tuple(name for name, spec in SPECS.items() if spec.dual_approval)
