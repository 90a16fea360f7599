"""Request and response examples in the OpenAPI document, for the documents, entries and
registers routes.

Built as instances of the API's own models, so an example that stops fitting its model fails
when this module is imported (and so in every test) instead of misleading a client. They are
laid into the generated document by path and method: a route renamed without its examples
here fails in `documented`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from api.routers.originals import PageOut, PagesOut
from api.routers.registers import (
    CandidateRegisterOut,
    ContractPartyOut,
    ContractRegisterOut,
    CorrespondenceRegisterOut,
    ExpiringContracts,
    HandlingUnit,
)
from api.routers.uploads import UploadOut
from api.schemas import (
    AckOut,
    AckRequest,
    ApprovalOut,
    ApprovalRefused,
    ApprovalStateOut,
    ApproveRequest,
    BulkApproveItem,
    BulkApproveOut,
    BulkApproveRequest,
    BulkApproveResult,
    CorrectionRequest,
    DocumentDetail,
    DocumentSummary,
    EventOut,
    FieldProblem,
    JournalEntryOut,
    JournalLineOut,
    LineItemAdd,
    LineItemEdit,
    NotDuplicateRequest,
    Page,
    PortalDecisionRequest,
    Problem,
    RejectRequest,
    ReopenRequest,
    RuleFailure,
    RuleResultOut,
    TypeRequest,
    ValidationProblem,
    VersionRequest,
)
from extractors.record import InvoiceFields, LineItem, Provenance, Source
from pipeline.store.models import DocumentStatus

_SHA256 = "3f4a9c0e6b1d2a8f7e5c4b3a2918f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6"
_RECEIVED = datetime(2026, 3, 6, 1, 58, 12, tzinfo=UTC)
_LINE = LineItem(
    description="Giấy in A4 Double A 80gsm",
    unit="ram",
    quantity="10",
    unit_price="100000",
    amount="1000000",
    vat_rate="8",
)
_FIELDS = InvoiceFields.model_validate(
    {
        "invoice_number": "0000123",
        "invoice_series": "C26TAA",
        "invoice_form": "1",
        "issue_date": "2026-03-05",
        "currency": "VND",
        "seller": {"name": "Công ty TNHH Minh Phát", "tax_id": "0101243150"},
        "buyer": {"name": "Công ty CP An Bình", "tax_id": "0312345678"},
        "line_items": [_LINE.model_dump(mode="json", exclude_none=True)],
        "subtotal": "1000000",
        "vat_rate": "8",
        "vat_amount": "80000",
        "total": "1080000",
        "payment_method": "transfer",
    }
).model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def _event(kind: str, minute: int, data: dict[str, Any], actor: str = "rita") -> EventOut:
    return EventOut(at=_RECEIVED.replace(minute=minute), actor=actor, kind=kind, data=data)


_RECEIVED_EVENT = _event("received", 58, {"filename": "HD_0000123.pdf"}, actor="ingest")
_POSTED_HISTORY = [
    _RECEIVED_EVENT,
    _event("approved", 59, {"status": {"old": "review", "new": "approved"}}),
    _event(
        "posted",
        59,
        {
            "entry_id": 57,
            "voucher_number": "PN2026/000041",
            "status": {"old": "approved", "new": "posted"},
        },
    ),
]


def _detail(
    status: DocumentStatus, version: int, history: list[EventOut] | None = None
) -> DocumentDetail:
    return DocumentDetail(
        source=Source(
            filename="HD_0000123.pdf", sha256=_SHA256, media_type="application/pdf", pages=1
        ),
        doc_type="invoice",
        language="vi",
        fields=_FIELDS,
        confidence={"invoice_number": 0.99, "issue_date": 0.98, "total": 0.97},
        provenance={"total": Provenance(page=1, bbox=(412.0, 688.5, 541.2, 701.0))},
        rules=[
            RuleResultOut(
                rule="invoice.totals_add_up",
                severity="error",
                passed=True,
                message="subtotal 1000000 + VAT 80000 = 1080000",
                values={"subtotal": "1000000", "vat_amount": "80000", "total": "1080000"},
            )
        ],
        id=123,
        status=status,
        review_priority=0,
        duplicate_of_id=None,
        version=version,
        received_at=_RECEIVED,
        relative_path="2026-03/HD_0000123.pdf",
        history=history or [_RECEIVED_EVENT],
        duplicates=[],
        approval=ApprovalStateOut(
            required=1,
            reasons=[],
            amounts_changed_by=[],
            given=[ApprovalOut(actor="lan.nguyen", at=_RECEIVED, step=1)]
            if status is DocumentStatus.POSTED
            else [],
            awaiting_second=False,
        ),
    )


_SUMMARY = DocumentSummary(
    id=123,
    filename="HD_0000123.pdf",
    relative_path="2026-03/HD_0000123.pdf",
    status=DocumentStatus.REVIEW,
    doc_type="invoice",
    language="vi",
    media_type="application/pdf",
    size=48213,
    sha256=_SHA256,
    received_at=_RECEIVED,
    error=None,
    duplicate_count=0,
    review_priority=2,
    failed_rules=["invoice.totals_add_up"],
    duplicate_of_id=None,
    min_confidence=0.62,
    record_date=date(2026, 3, 5),
)
_MEMO = "Invoice 1/C26TAA/0000123 from Công ty TNHH Minh Phát"
_ENTRY = JournalEntryOut(
    id=57,
    position=41,
    document_id=123,
    voucher_number="PN2026/000041",
    entry_date=date(2026, 3, 5),
    document_date=date(2026, 3, 5),
    posted_at=_RECEIVED.replace(minute=59),
    currency="VND",
    exchange_rate=Decimal(1),
    memo=_MEMO,
    invoice_form="1",
    invoice_series="C26TAA",
    invoice_number="0000123",
    reverses_id=None,
    lines=[
        JournalLineOut(
            account=account,
            debit=Decimal(debit),
            credit=Decimal(credit),
            debit_vnd=Decimal(debit),
            credit_vnd=Decimal(credit),
            description=description,
            counterparty_tax_id=tax_id,
            vat_rate=vat_rate,
        )
        for account, debit, credit, description, tax_id, vat_rate in (
            ("156", 1000000, 0, _MEMO, None, None),
            ("1331", 80000, 0, f"Input VAT 8%, {_MEMO}", None, "8"),
            ("331", 0, 1080000, _MEMO, "0101243150", None),
        )
    ],
)
_STALE = Problem(detail="document 123 changed since version 3 (now 4): reload it")


def _json(model: BaseModel | list[EventOut]) -> Any:
    if isinstance(model, list):
        return [item.model_dump(mode="json") for item in model]
    return model.model_dump(mode="json")


def _requests(**examples: tuple[str, BaseModel]) -> dict[str, dict[str, Any]]:
    return {
        name: {"summary": summary, "value": model.model_dump(mode="json", exclude_unset=True)}
        for name, (summary, model) in examples.items()
    }


_DOCUMENT = "/api/v1/documents/{document_id}"
_LINE_ITEM = f"{_DOCUMENT}/line-items/{{index}}"

_REGISTERED = datetime(2026, 3, 9, 2, 15, tzinfo=UTC)
_CONTRACT_ROW = ContractRegisterOut(
    id=12,
    position=12,
    document_id=140,
    version=1,
    supersedes_id=None,
    registered_at=_REGISTERED,
    registered_by="lan.nguyen",
    registered_on=date(2026, 3, 9),
    contract_number="15/2026/HĐMB",
    title="Hợp đồng mua bán hàng hóa",
    parties=[
        ContractPartyOut(role="party_a", name="Công ty Cổ phần An Bình", tax_id="0312345678"),
        ContractPartyOut(role="party_b", name="Công ty TNHH Minh Phát", tax_id="0101243150"),
    ],
    value=Decimal("250000000"),
    currency="VND",
    signing_date=date(2026, 3, 2),
    effective_date=date(2026, 3, 2),
    expiry_date=date(2027, 3, 4),
    auto_renewal=False,
    reminder_date=date(2027, 2, 2),
)
_LETTER_ROW = CorrespondenceRegisterOut(
    id=31,
    position=31,
    document_id=152,
    version=1,
    supersedes_id=None,
    registered_at=_REGISTERED,
    registered_by="lan.nguyen",
    year=2026,
    arrival_number=31,
    arrival_date=date(2026, 3, 9),
    issuer="Cục Thuế TP Hà Nội",
    dispatch_number="125/CT-TTHT",
    issue_date=date(2026, 3, 5),
    subject="Hướng dẫn quyết toán thuế TNCN năm 2025",
    urgency="khẩn",
    handling_unit=None,
    reply_deadline=date(2026, 3, 20),
)
_REGISTERS = "/api/v1/registers"

# Request bodies, by route: named examples.
REQUESTS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("PATCH", _DOCUMENT): _requests(
        total=(
            "Correct the total and the seller's tax code",
            CorrectionRequest(
                version=3, fields={"total": "1080000", "seller": {"tax_id": "0101243150"}}
            ),
        )
    ),
    ("POST", f"{_DOCUMENT}/line-items"): _requests(
        line=(
            "Add a line first",
            LineItemAdd(
                version=3,
                item=LineItem(description="Phí vận chuyển", amount="50000", vat_rate="8"),
                position=0,
            ),
        )
    ),
    ("PATCH", _LINE_ITEM): _requests(
        quantity=(
            "Change a line's quantity and amount",
            LineItemEdit(version=3, changes=LineItem(quantity="12", amount="1200000")),
        )
    ),
    ("DELETE", _LINE_ITEM): _requests(version=("Remove a line", VersionRequest(version=3))),
    ("POST", f"{_DOCUMENT}/approve"): _requests(
        version=("Approve the version reviewed", ApproveRequest(version=3))
    ),
    ("POST", "/api/v1/approvals"): _requests(
        selection=(
            "Approve the documents selected in the queue, as reviewed",
            BulkApproveRequest(
                documents=[
                    BulkApproveItem(id=123, version=3),
                    BulkApproveItem(id=124, version=2),
                    BulkApproveItem(id=125, version=5),
                ]
            ),
        )
    ),
    ("POST", f"{_DOCUMENT}/second-approval"): _requests(
        version=("Give the second approval to the version reviewed", ApproveRequest(version=4))
    ),
    ("POST", f"{_DOCUMENT}/reject"): _requests(
        reason=(
            "Reject with the reason",
            RejectRequest(reason="Không phải nhà cung cấp của chúng tôi", version=3),
        )
    ),
    ("POST", f"{_DOCUMENT}/reopen"): _requests(
        reason=(
            "Back to review (a posted invoice's entry is reversed)",
            ReopenRequest(version=4, reason="Sai mã số thuế người bán"),
        )
    ),
    ("POST", f"{_DOCUMENT}/not-duplicate"): _requests(
        reason=(
            "Another invoice of the same seller, day and total",
            NotDuplicateRequest(version=3, reason="Hai lần giao hàng trong cùng một ngày"),
        )
    ),
    ("POST", f"{_DOCUMENT}/portal-decision"): _requests(
        reason=(
            "The invoice stands although the tax portal marks it cancelled",
            PortalDecisionRequest(reason="Người bán lập lại hóa đơn cùng số, đã xác nhận"),
        )
    ),
    ("POST", f"{_DOCUMENT}/type"): _requests(
        contract=("Read it again as a contract", TypeRequest(version=3, doc_type="contract"))
    ),
    ("POST", f"{_DOCUMENT}/retry"): _requests(
        version=("Read the failed document again", VersionRequest(version=2))
    ),
    ("PUT", f"{_REGISTERS}/correspondence/{{document_id}}/handling-unit"): _requests(
        unit=("Hand the letter to a unit", HandlingUnit(handling_unit="Phòng Kế toán")),
        back=("Take it back", HandlingUnit(handling_unit=None)),
    ),
    ("POST", f"{_REGISTERS}/{{register}}/ack"): _requests(
        positions=("By position, as pulled", AckRequest(positions=[30, 31])),
    ),
    ("POST", "/api/v1/entries/ack"): _requests(
        positions=("By position, as pulled", AckRequest(positions=[41, 42])),
        ids=("By entry id", AckRequest(ids=[57, 58])),
    ),
}

# Answers, by route and status.
RESPONSES: dict[tuple[str, str], dict[int, Any]] = {
    ("GET", "/api/v1/documents"): {
        200: _json(Page[DocumentSummary](items=[_SUMMARY], next_cursor="123"))
    },
    ("POST", "/api/v1/documents"): {
        201: _json(UploadOut(id=124, duplicate=False)),
        200: _json(UploadOut(id=98, duplicate=True)),
    },
    ("GET", "/api/v1/review-queue"): {
        200: _json(Page[DocumentSummary](items=[_SUMMARY], next_cursor="Mi0xMjM"))
    },
    ("GET", _DOCUMENT): {200: _json(_detail(DocumentStatus.REVIEW, 3))},
    ("GET", f"{_DOCUMENT}/history"): {200: _json(_POSTED_HISTORY)},
    ("GET", f"{_DOCUMENT}/pages"): {
        200: _json(PagesOut(pages=[PageOut(number=1, width_points=595.28, height_points=841.89)]))
    },
    ("PATCH", _DOCUMENT): {
        200: _json(_detail(DocumentStatus.REVIEW, 4)),
        409: _json(_STALE),
        422: _json(
            ValidationProblem(
                detail=[
                    FieldProblem(
                        loc=["body", "fields", "total"],
                        msg="String should match pattern '^-?\\d+(\\.\\d+)?$'",
                        type="string_pattern_mismatch",
                    )
                ]
            )
        ),
    },
    ("POST", f"{_DOCUMENT}/line-items"): {201: _json(_detail(DocumentStatus.REVIEW, 4))},
    ("PATCH", _LINE_ITEM): {200: _json(_detail(DocumentStatus.REVIEW, 4))},
    ("DELETE", _LINE_ITEM): {200: _json(_detail(DocumentStatus.REVIEW, 4))},
    ("POST", "/api/v1/approvals"): {
        200: _json(
            BulkApproveOut(
                approved=1,
                refused=2,
                results=[
                    BulkApproveResult(id=123, approved=True, status=DocumentStatus.POSTED),
                    BulkApproveResult(
                        id=124,
                        approved=False,
                        status=DocumentStatus.REVIEW,
                        code="rules_failed",
                        reason="document 124 fails 1 error rule(s): correct or reject it",
                        failing=[
                            RuleFailure(
                                rule="invoice.totals_add_up",
                                severity="error",
                                message="subtotal + VAT (1080000) does not equal the total "
                                "(1100000)",
                            )
                        ],
                    ),
                    BulkApproveResult(
                        id=125,
                        approved=False,
                        status=DocumentStatus.APPROVED,
                        code="second_approval_refused",
                        reason="victor gave the first approval: the second must come from a "
                        "different approver",
                    ),
                ],
            )
        ),
    },
    ("POST", f"{_DOCUMENT}/approve"): {
        200: _json(_detail(DocumentStatus.POSTED, 4, _POSTED_HISTORY)),
        409: _json(_STALE),
        422: _json(
            ApprovalRefused(
                detail="document 123 fails 1 error rule(s): correct or reject it",
                failing=[
                    RuleFailure(
                        rule="invoice.totals_add_up",
                        severity="error",
                        message="subtotal 1000000 + VAT 80000 = 1080000, but total is 1008000",
                    )
                ],
            )
        ),
    },
    ("POST", f"{_DOCUMENT}/second-approval"): {
        200: _json(_detail(DocumentStatus.POSTED, 5, _POSTED_HISTORY)),
        403: _json(
            Problem(
                detail="lan.nguyen gave the first approval of document 123: the second must "
                "come from another approver"
            )
        ),
    },
    ("POST", f"{_DOCUMENT}/reject"): {200: _json(_detail(DocumentStatus.REJECTED, 4))},
    ("POST", f"{_DOCUMENT}/reopen"): {200: _json(_detail(DocumentStatus.REVIEW, 5))},
    ("POST", f"{_DOCUMENT}/not-duplicate"): {200: _json(_detail(DocumentStatus.REVIEW, 4))},
    ("POST", f"{_DOCUMENT}/portal-decision"): {200: _json(_detail(DocumentStatus.REVIEW, 4))},
    ("POST", f"{_DOCUMENT}/type"): {202: _json(_detail(DocumentStatus.RECEIVED, 4))},
    ("POST", f"{_DOCUMENT}/retry"): {202: _json(_detail(DocumentStatus.RECEIVED, 3))},
    ("GET", "/api/v1/entries"): {
        200: _json(Page[JournalEntryOut](items=[_ENTRY], next_cursor=None))
    },
    ("GET", f"{_REGISTERS}/contracts"): {
        200: _json(Page[ContractRegisterOut](items=[_CONTRACT_ROW], next_cursor=None))
    },
    ("GET", f"{_REGISTERS}/contracts/expiring"): {
        200: _json(ExpiringContracts(today=date(2027, 2, 2), within_days=30, items=[_CONTRACT_ROW]))
    },
    ("GET", f"{_REGISTERS}/candidates"): {
        200: _json(
            Page[CandidateRegisterOut](
                items=[
                    CandidateRegisterOut(
                        id=7,
                        position=7,
                        document_id=147,
                        version=1,
                        supersedes_id=None,
                        registered_at=_REGISTERED,
                        registered_by="lan.nguyen",
                        registered_on=date(2026, 3, 9),
                        full_name="Nguyễn Thị Lan",
                        email="lan.nguyen@example.vn",
                        phone="+84912345678",
                        location="Hà Nội",
                        date_of_birth=None,
                        skills=["Python", "SQL"],
                        languages=["Tiếng Anh"],
                        years_of_experience=5.5,
                        latest_title="Kỹ sư dữ liệu",
                        latest_employer="Công ty Cổ phần An Bình",
                        retain_until=date(2027, 3, 9),
                        anonymised_at=None,
                    )
                ],
                next_cursor=None,
            )
        )
    },
    ("GET", f"{_REGISTERS}/correspondence"): {
        200: _json(Page[CorrespondenceRegisterOut](items=[_LETTER_ROW], next_cursor="31"))
    },
    ("PUT", f"{_REGISTERS}/correspondence/{{document_id}}/handling-unit"): {
        200: _json(
            _LETTER_ROW.model_copy(
                update={
                    "id": 40,
                    "position": 44,
                    "version": 2,
                    "supersedes_id": 31,
                    "handling_unit": "Phòng Kế toán",
                }
            )
        )
    },
    ("POST", f"{_REGISTERS}/{{register}}/ack"): {
        200: _json(AckOut(acknowledged=[30, 31], new=[30, 31], pending=2)),
        422: _json(Problem(detail="not in the correspondence feed: position 99")),
    },
    ("POST", "/api/v1/entries/ack"): {
        200: _json(AckOut(acknowledged=[41, 42], new=[41, 42], pending=0)),
        422: _json(Problem(detail="not in the entries feed: position 99")),
    },
}


def documented(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with the examples laid into their routes."""
    paths = schema["paths"]
    for (method, path), examples in REQUESTS.items():
        body = paths[path][method.lower()]["requestBody"]["content"]["application/json"]
        body["examples"] = examples
    for (method, path), answers in RESPONSES.items():
        responses = paths[path][method.lower()]["responses"]
        for code, value in answers.items():
            content = responses[str(code)].setdefault("content", {})
            content.setdefault("application/json", {})["example"] = value
    return schema
