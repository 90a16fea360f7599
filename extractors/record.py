"""The record contract of SCHEMA.md as pydantic models.

Field names and value formats are a promise to accounting systems and reviewers: they are
kept exactly as SCHEMA.md gives them. Money and quantities are decimal strings, dates ISO
strings, so that the JSON form never loses precision or changes shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

DocType = Literal["invoice", "contract", "cv", "dispatch", "unknown"]
Language = Literal["vi", "en"]
ErrorCode = Literal[
    "encrypted_pdf",
    "corrupt_file",
    "unsupported_type",
    "empty_file",
    "too_large",
    "unreadable",
    "internal_error",
    "timeout",
    "ocr_failed",
]

IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
YearMonth = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]
Money = Annotated[str, StringConstraints(pattern=r"^-?\d+(\.\d+)?$")]


class _Fields(BaseModel):
    # Built when first used: a process reading invoices never validates a CV's fields.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Party(_Fields):
    name: str | None = None
    tax_id: str | None = None
    address: str | None = None
    bank_account: str | None = None


class LineItem(_Fields):
    description: str | None = None
    unit: str | None = None
    quantity: Money | None = None
    unit_price: Money | None = None
    amount: Money | None = None
    vat_rate: str | None = None


PaymentMethod = Literal["cash", "transfer", "cash_or_transfer", "card", "offset"]


class InvoiceFields(_Fields):
    invoice_number: str | None = None
    invoice_series: str | None = None
    invoice_form: str | None = None
    issue_date: IsoDate | None = None
    due_date: IsoDate | None = None
    currency: str | None = None
    seller: Party = Field(default_factory=Party)
    buyer: Party = Field(default_factory=Party)
    po_number: str | None = None
    line_items: list[LineItem] = Field(default_factory=list)
    subtotal: Money | None = None
    vat_amount: Money | None = None
    total: Money | None = None
    vat_rate: str | None = None
    amount_in_words: str | None = None
    # Added to SCHEMA.md: the tax authority's code (`MCCQT`) of a coded e-invoice, known
    # only from its XML.
    tax_authority_code: str | None = None
    # Added to SCHEMA.md: how the invoice is paid (`Hình thức thanh toán`, XML `HTTToan`):
    # input VAT on a purchase of 5,000,000 VND or more paid in cash is not deductible.
    payment_method: PaymentMethod | None = None
    # Added to SCHEMA.md: VND per unit of a foreign-currency invoice (`Tỷ giá`, XML `TGia`),
    # which its journal entry is converted at; null on VND invoices.
    exchange_rate: Money | None = None


# The standard clauses SCHEMA.md names for `clauses`, in its order.
CONTRACT_CLAUSES = (
    "payment",
    "confidentiality",
    "termination",
    "dispute_resolution",
    "force_majeure",
    "liability",
    "warranty",
    "penalty",
    "governing_law",
)


class ContractParty(_Fields):
    role: str
    name: str | None = None
    tax_id: str | None = None
    representative: str | None = None
    address: str | None = None


class ContractFields(_Fields):
    contract_number: str | None = None
    title: str | None = None
    signing_date: IsoDate | None = None
    effective_date: IsoDate | None = None
    expiry_date: IsoDate | None = None
    parties: list[ContractParty] = Field(default_factory=list)
    total_value: Money | None = None
    currency: str | None = None
    governing_law: str | None = None
    clauses: list[str] = Field(default_factory=list)
    auto_renewal: bool = False


class Education(_Fields):
    institution: str | None = None
    degree: str | None = None
    end_year: int | None = None


class Experience(_Fields):
    employer: str | None = None
    title: str | None = None
    start: YearMonth | None = None
    end: YearMonth | None = None


SensitiveData = Literal[
    "ethnicity", "religion", "health", "political", "criminal_record", "sex_life"
]


class CvFields(_Fields):
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    date_of_birth: IsoDate | None = None
    national_id_present: bool = False
    # Added to SCHEMA.md: the kinds of sensitive personal data the CV states (Decree
    # 13/2023/ND-CP art. 2(4)): `ethnicity`, `religion`, `health`, `political`,
    # `criminal_record`, `sex_life`. Kinds only: the values are never stored.
    sensitive_data: list[SensitiveData] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    education: list[Education] = Field(default_factory=list)
    experience: list[Experience] = Field(default_factory=list)
    years_of_experience: float | None = None


class DispatchFields(_Fields):
    dispatch_number: str | None = None
    issuer: str | None = None
    issue_place: str | None = None
    issue_date: IsoDate | None = None
    subject: str | None = None
    recipients: list[str] = Field(default_factory=list)
    signer_name: str | None = None
    signer_title: str | None = None
    cc: list[str] = Field(default_factory=list)
    urgency: Literal["khẩn", "thượng khẩn", "hỏa tốc"] | None = None
    reply_deadline: IsoDate | None = None


FIELDS_BY_TYPE: dict[str, type[_Fields]] = {
    "invoice": InvoiceFields,
    "contract": ContractFields,
    "cv": CvFields,
    "dispatch": DispatchFields,
}


class SourcePart(BaseModel):
    """Which document of a file holding several (a stack scanned into one PDF) a record is:
    the `index`-th of `count`, on the file's pages `pages`."""

    index: int = Field(ge=1)
    count: int = Field(ge=1)
    pages: list[int]


class Source(BaseModel):
    filename: str
    sha256: str
    media_type: str
    # The file's page count, a part's record included.
    pages: int | None = None
    # Added to SCHEMA.md: set when the file holds several documents; null when it is one.
    part: SourcePart | None = None


class Provenance(BaseModel):
    page: int = Field(ge=1)
    bbox: tuple[float, float, float, float] | None = None
    # Added to SCHEMA.md: the layout memory (`extractors.memory`) a value was read by, i.e.
    # which reviewer's correction taught where this sender prints it. Absent otherwise.
    learned_from: int | None = Field(default=None, exclude_if=lambda value: value is None)


class RuleResult(BaseModel):
    rule: str
    severity: Literal["error", "warning", "info"]
    passed: bool
    message: str


class RecordError(BaseModel):
    code: ErrorCode
    message: str


class Record(BaseModel):
    """One processed document: the envelope of SCHEMA.md."""

    source: Source
    doc_type: DocType = "unknown"
    language: Language = "vi"
    fields: dict[str, Any] = Field(default_factory=dict)
    confidence: dict[str, float] = Field(default_factory=dict)
    provenance: dict[str, Provenance] = Field(default_factory=dict)
    rules: list[RuleResult] = Field(default_factory=list)
    error: RecordError | None = None
    # Added to the SCHEMA.md envelope: what kept the record from being whole (a page whose
    # OCR timed out, say), so a partial result is never mistaken for a complete one.
    warnings: list[str] = Field(default_factory=list)


def merge_fields(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`changes` laid over record fields `base`: nested objects merge (`{"seller": {"tax_id":
    …}}` changes one key of the seller), anything else, lists included, replaces."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_fields(merged[key], value)
        else:
            merged[key] = value
    return merged
