"""Supplier master data: the company's suppliers by tax code, with their code in the accounting
software (what account 331's lines are posted against in an import), name, default expense
account and payment terms.

A seller first met on an approved invoice is added uncoded, so accountants see the new
suppliers to code (`list_suppliers(uncoded=True)`). Accountants edit suppliers one by one or
import their list (CSV or XLSX, the headers in Vietnamese or English: a supplier list exported
from the accounting software works as it is). An import is all or nothing: one bad row and
nothing changes, with every bad row named, so a half-imported list never needs untangling.
Every change is audited (`supplier_updated`, `suppliers_imported`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from extractors.errors import BackofficeError
from pipeline.access import audit
from pipeline.ledger.account_mapping import AccountMapping
from pipeline.ledger.sheets import TableError, cell_text, folded_header, read_rows
from pipeline.store.models import Supplier, utcnow
from rules.functions import foreign_tax_id, valid_tax_code

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000

SupplierCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[\w.\-/]{1,32}$")]
SupplierName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)
]
AccountNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{3,16}$")]


class SupplierError(BackofficeError):
    code = "invalid_supplier"
    http_status = 422


class SupplierConflict(BackofficeError):
    code = "supplier_conflict"
    http_status = 409


class SupplierChanges(BaseModel):
    """What an accountant sets on a supplier; a field left out is left as it is."""

    model_config = ConfigDict(extra="forbid")

    code: SupplierCode | None = Field(
        default=None, description="The supplier's code in the accounting software (`NCC001`)."
    )
    name: SupplierName | None = None
    default_account: AccountNumber | None = Field(
        default=None,
        description="Where its invoice lines go when no mapping rule places them (`6422`).",
    )
    payment_terms_days: int | None = Field(default=None, ge=0, le=3650)


class ImportProblem(BaseModel):
    row: int = Field(description="The row in the file, the header being row 1.")
    problem: str


class ImportReport(BaseModel):
    created: int
    updated: int
    unchanged: int
    problems: list[ImportProblem] = Field(
        description="Why rows were refused; when any is, nothing was imported."
    )


def valid_supplier_tax_id(tax_id: str) -> bool:
    return valid_tax_code(tax_id) or foreign_tax_id(tax_id)


def get_supplier(session: Session, *, tax_id: str) -> Supplier | None:
    return session.get(Supplier, tax_id)


def list_suppliers(
    session: Session, *, uncoded: bool = False, limit: int = 100, offset: int = 0
) -> Sequence[Supplier]:
    """Suppliers by tax code; with `uncoded`, only those still waiting for a code, the newest
    first (the ones an accountant has to code before the next import)."""
    query = select(Supplier)
    if uncoded:
        query = query.where(Supplier.code.is_(None)).order_by(
            Supplier.first_seen_at.desc(), Supplier.tax_id
        )
    else:
        query = query.order_by(Supplier.tax_id)
    return session.scalars(query.limit(limit).offset(offset)).all()


def note_seller(session: Session, *, tax_id: str | None, name: str | None, actor: str) -> None:
    """Add the seller of an approved invoice as an uncoded supplier when it is new. A seller
    with no tax code read cannot be keyed, and waits for a reviewer to correct the invoice."""
    if not tax_id or not valid_supplier_tax_id(tax_id):
        return
    if session.get(Supplier, tax_id) is not None:
        return
    try:
        with session.begin_nested():
            session.add(
                Supplier(tax_id=tax_id, name=(name or tax_id)[:400], updated_by=actor[:255])
            )
    except IntegrityError:
        pass  # another approval of the same seller added it first


def with_default_account(
    session: Session, *, tax_id: str | None, mapping: AccountMapping
) -> AccountMapping:
    """The mapping with the supplier's default expense account for lines no rule places."""
    supplier = session.get(Supplier, tax_id) if tax_id else None
    if supplier is None or supplier.default_account is None:
        return mapping
    if supplier.default_account not in mapping.chart.accounts:
        return mapping  # the chart changed since; the account is checked again when edited
    return mapping.model_copy(update={"fallback_account": supplier.default_account})


def update_supplier(
    session: Session,
    *,
    tax_id: str,
    changes: SupplierChanges,
    actor: str,
    mapping: AccountMapping,
) -> Supplier:
    """Set what `changes` gives on the supplier, adding it when new (a name is then needed).
    Refused: a tax code that is none, an account not in the chart, another supplier's code."""
    supplier, changed = _apply(session, tax_id=tax_id, changes=changes, mapping=mapping)
    if changed:
        audit.record(
            session,
            actor=actor,
            kind="supplier_updated",
            data={"tax_id": tax_id, "changes": changed},
        )
        supplier.updated_by = actor[:255]
    _flush_refusing_taken_code(session)
    return supplier


def _apply(
    session: Session, *, tax_id: str, changes: SupplierChanges, mapping: AccountMapping
) -> tuple[Supplier, dict[str, list[Any]]]:
    if not valid_supplier_tax_id(tax_id):
        raise SupplierError(f"{tax_id!r} is not a tax code (10 digits, or 10-NNN, or 12)")
    given = {name: getattr(changes, name) for name in changes.model_fields_set}
    account = given.get("default_account")
    if account is not None and account not in mapping.chart.accounts:
        raise SupplierError(f"account {account} is not in the chart ({mapping.chart_id})")
    code = given.get("code")
    if code is not None:
        holder = session.scalar(
            select(Supplier.tax_id).where(Supplier.code == code, Supplier.tax_id != tax_id)
        )
        if holder is not None:
            raise SupplierConflict(f"code {code} is already supplier {holder}'s")
    supplier = session.get(Supplier, tax_id)
    if supplier is None:
        if not given.get("name"):
            raise SupplierError(f"supplier {tax_id} is new: give its name")
        supplier = Supplier(tax_id=tax_id, updated_by="", **given)
        session.add(supplier)
        changed = {name: [None, value] for name, value in given.items()}
        return supplier, changed
    changed = {}
    for name, value in given.items():
        if name == "name" and value is None:
            continue  # a supplier always has a name
        if getattr(supplier, name) != value:
            changed[name] = [getattr(supplier, name), value]
            setattr(supplier, name, value)
    if changed:
        supplier.updated_at = utcnow()
    return supplier, changed


def _flush_refusing_taken_code(session: Session) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        # Two accountants giving one code to two suppliers at once: the later is refused.
        raise SupplierConflict("that code was just given to another supplier") from exc


# --- import ------------------------------------------------------------------------------

# Header words, folded (no diacritics, lower case, single spaces), of each column: ours, and
# those of supplier lists that accounting software exports.
_HEADERS: dict[str, tuple[str, ...]] = {
    "tax_id": ("tax_id", "tax code", "tax id", "ma so thue", "mst"),
    "code": (
        "code",
        "supplier code",
        "ma nha cung cap",
        "ma ncc",
        "ma doi tuong",
        "ma khach hang, nha cung cap",
    ),
    "name": (
        "name",
        "supplier name",
        "ten nha cung cap",
        "ten ncc",
        "ten doi tuong",
        "ten khach hang, nha cung cap",
    ),
    "default_account": (
        "default_account",
        "expense account",
        "default account",
        "tk chi phi",
        "tai khoan chi phi",
        "tk chi phi mac dinh",
    ),
    "payment_terms_days": (
        "payment_terms_days",
        "payment terms",
        "payment terms (days)",
        "so ngay duoc no",
        "han thanh toan",
        "han thanh toan (ngay)",
        "dieu khoan thanh toan (ngay)",
    ),
}
_COLUMN_OF = {alias: column for column, aliases in _HEADERS.items() for alias in aliases}


def import_suppliers(
    session: Session, *, content: bytes, filename: str, actor: str, mapping: AccountMapping
) -> ImportReport:
    """Create or update the suppliers a CSV or XLSX file lists, all or nothing."""
    try:
        rows = read_rows(content, max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS)
    except TableError as exc:
        raise SupplierError(str(exc)) from exc
    header_index, columns = _header(rows)
    problems: list[ImportProblem] = []
    wanted: list[tuple[int, str, SupplierChanges]] = []
    seen: dict[str, int] = {}
    codes: dict[str, int] = {}
    for offset, cells in enumerate(rows[header_index + 1 :], start=header_index + 2):
        values = {
            column: cell_text(cells[index]) if index < len(cells) else None
            for column, index in columns.items()
        }
        if all(value is None for value in values.values()):
            continue  # a blank line, or a sheet's empty trailing rows
        values.pop("tax_id")
        tax_id = _tax_id(cells[columns["tax_id"]] if columns["tax_id"] < len(cells) else None)
        if not valid_supplier_tax_id(tax_id):
            problems.append(ImportProblem(row=offset, problem=f"{tax_id!r} is not a tax code"))
            continue
        if tax_id in seen:
            problems.append(
                ImportProblem(row=offset, problem=f"{tax_id} is listed already, row {seen[tax_id]}")
            )
            continue
        seen[tax_id] = offset
        given = {name: value for name, value in values.items() if value is not None}
        try:
            changes = SupplierChanges.model_validate(given)
        except ValidationError as exc:
            words = "; ".join(
                f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
                for error in exc.errors()
            )
            problems.append(ImportProblem(row=offset, problem=words))
            continue
        if changes.code is not None:
            if changes.code in codes:
                problems.append(
                    ImportProblem(
                        row=offset,
                        problem=f"code {changes.code} is given to row {codes[changes.code]} too",
                    )
                )
                continue
            codes[changes.code] = offset
        wanted.append((offset, tax_id, changes))
    # Suppliers whose code the file changes: a code may move from one of them to another.
    recoding = {tax_id: changes.code for _, tax_id, changes in wanted if changes.code is not None}
    for offset, tax_id, changes in wanted:
        problem = _refusal(
            session, tax_id=tax_id, changes=changes, mapping=mapping, recoding=recoding
        )
        if problem is not None:
            problems.append(ImportProblem(row=offset, problem=problem))
    if problems:
        problems.sort(key=lambda problem: problem.row)
        return ImportReport(created=0, updated=0, unchanged=0, problems=problems)

    created = updated = unchanged = 0
    recoded: list[tuple[Supplier, str]] = []
    for _offset, tax_id, changes in wanted:
        existed = session.get(Supplier, tax_id) is not None
        without_code = SupplierChanges.model_validate(
            {name: getattr(changes, name) for name in changes.model_fields_set if name != "code"}
        )
        supplier, changed = _apply(session, tax_id=tax_id, changes=without_code, mapping=mapping)
        if changes.code is not None and supplier.code != changes.code:
            changed["code"] = [supplier.code, changes.code]
            recoded.append((supplier, changes.code))
        if changed:
            supplier.updated_by = actor[:255]
        if not existed:
            created += 1
        elif changed:
            updated += 1
        else:
            unchanged += 1
    # Codes last, and in two steps, so that codes moving between suppliers of the file never
    # collide on the way.
    for supplier, _code in recoded:
        supplier.code = None
    session.flush()
    for supplier, code in recoded:
        supplier.code = code
    _flush_refusing_taken_code(session)
    audit.record(
        session,
        actor=actor,
        kind="suppliers_imported",
        data={"file": filename[:200], "created": created, "updated": updated},
    )
    return ImportReport(created=created, updated=updated, unchanged=unchanged, problems=[])


def _refusal(
    session: Session,
    *,
    tax_id: str,
    changes: SupplierChanges,
    mapping: AccountMapping,
    recoding: dict[str, str],
) -> str | None:
    """Why a row cannot be imported as it stands, checked before anything is written."""
    account = changes.default_account
    if account is not None and account not in mapping.chart.accounts:
        return f"account {account} is not in the chart ({mapping.chart_id})"
    if changes.name is None and session.get(Supplier, tax_id) is None:
        return f"supplier {tax_id} is new: give its name"
    if changes.code is not None:
        holder = session.scalar(
            select(Supplier.tax_id).where(Supplier.code == changes.code, Supplier.tax_id != tax_id)
        )
        # A code moving from a supplier the file gives another code is fine; one held by a
        # supplier that keeps it is not.
        if holder is not None and recoding.get(holder, changes.code) == changes.code:
            return f"code {changes.code} is supplier {holder}'s"
    return None


def _tax_id(value: object) -> str:
    """The tax code a cell holds. A spreadsheet that took `0101243150` for a number shows
    101243150: the lost leading zero is put back (the check digit then confirms it)."""
    text = (cell_text(value) or "").replace(" ", "")
    if isinstance(value, int | float) and len(text) in (9, 11):
        return "0" + text
    return text


def _header(rows: list[list[object]]) -> tuple[int, dict[str, int]]:
    """The header row (among the first ten: an export may open with a title) and where each
    known column is."""
    for index, cells in enumerate(rows[:10]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(cells):
            column = _COLUMN_OF.get(folded_header(cell))
            if column is not None and column not in columns:
                columns[column] = position
        if "tax_id" in columns:
            return index, columns
    raise SupplierError(
        "no header row with a tax code column (`tax_id` or `Mã số thuế`) in the first 10 rows"
    )
