"""Supplier master data over a real database (both engines): new sellers of approved invoices
are listed for accountants to code; a supplier's default expense account places the lines no
rule places; lists import from CSV or XLSX, all or nothing, with every refused row named."""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from pipeline.commands import app as cli
from pipeline.ledger import suppliers
from pipeline.ledger.posting import approve, current_mapping, list_entries
from pipeline.ledger.suppliers import (
    ImportReport,
    SupplierChanges,
    SupplierConflict,
    SupplierError,
)
from pipeline.store.db import transaction
from pipeline.store.models import AuditEvent, Supplier
from pipeline.store.settings import Settings, get_settings
from tests.support.documents import INVOICE_FIELDS, add_document

ACCOUNTANT = "ke-toan@example.vn"
MINH_PHAT = INVOICE_FIELDS["seller"]["tax_id"]  # 0101243150
AN_BINH = "0312345673"  # a valid MST, used as a second supplier


def post(sessions: sessionmaker[Session], number: str, seller: dict[str, str] | None = None) -> int:
    fields = INVOICE_FIELDS | {"invoice_number": number}
    if seller is not None:
        fields["seller"] = seller
    document_id = add_document(sessions, name=number, fields=fields)
    with transaction(sessions) as session:
        approve(session, document_id=document_id, actor=ACCOUNTANT, posting_rule="approval")
    return document_id


def set_supplier(sessions: sessionmaker[Session], tax_id: str, **changes: object) -> None:
    with transaction(sessions) as session:
        suppliers.update_supplier(
            session,
            tax_id=tax_id,
            changes=SupplierChanges.model_validate(changes),
            actor=ACCOUNTANT,
            mapping=current_mapping(),
        )


def uncoded(sessions: sessionmaker[Session]) -> list[tuple[str, str]]:
    with sessions() as session:
        return [(s.tax_id, s.name) for s in suppliers.list_suppliers(session, uncoded=True)]


def import_file(sessions: sessionmaker[Session], content: bytes, name: str) -> ImportReport:
    with transaction(sessions) as session:
        return suppliers.import_suppliers(
            session, content=content, filename=name, actor=ACCOUNTANT, mapping=current_mapping()
        )


def all_suppliers(
    sessions: sessionmaker[Session],
) -> dict[str, tuple[str | None, str, str | None, int | None]]:
    with sessions() as session:
        return {
            s.tax_id: (s.code, s.name, s.default_account, s.payment_terms_days)
            for s in session.scalars(select(Supplier))
        }


def test_a_new_seller_is_listed_uncoded_once_until_an_accountant_codes_it(
    sessions: sessionmaker[Session],
) -> None:
    post(sessions, "0000001")
    post(sessions, "0000002")
    assert uncoded(sessions) == [(MINH_PHAT, "Công ty TNHH Minh Phát")]

    set_supplier(sessions, MINH_PHAT, code="NCC001", payment_terms_days=30)
    assert uncoded(sessions) == []
    assert all_suppliers(sessions) == {MINH_PHAT: ("NCC001", "Công ty TNHH Minh Phát", None, 30)}
    with sessions() as session:
        (event,) = session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "supplier_updated")
        ).all()
    assert event.actor == ACCOUNTANT
    assert event.data == {
        "tax_id": MINH_PHAT,
        "changes": {"code": [None, "NCC001"], "payment_terms_days": [None, 30]},
    }


def test_a_seller_without_a_valid_tax_code_is_not_made_a_supplier(
    sessions: sessionmaker[Session],
) -> None:
    post(sessions, "0000001", seller={"name": "Cửa hàng Hoa", "tax_id": None})  # type: ignore[dict-item]
    assert all_suppliers(sessions) == {}


def test_the_suppliers_default_account_places_the_lines_no_rule_places(
    sessions: sessionmaker[Session],
) -> None:
    set_supplier(sessions, MINH_PHAT, name="Công ty TNHH Minh Phát", default_account="641")
    post(sessions, "0000001")
    post(sessions, "0000002", seller={"name": "Công ty CP An Bình", "tax_id": AN_BINH})
    minh_phat, an_binh = (
        sorted({line.account for line in entry.lines if line.debit}) for entry in _entries(sessions)
    )
    assert minh_phat == ["1331", "641"]
    assert an_binh == ["1331", "642"]  # no master data: the default category's account


def _entries(sessions: sessionmaker[Session]) -> list:  # type: ignore[type-arg]
    with sessions() as session:
        return list(list_entries(session))


def test_what_an_accountant_sets_is_checked(sessions: sessionmaker[Session]) -> None:
    set_supplier(sessions, MINH_PHAT, name="Minh Phát", code="NCC001")
    with pytest.raises(SupplierError, match="not a tax code"):
        set_supplier(sessions, "0101243151", name="Sai số")  # check digit wrong
    with pytest.raises(SupplierError, match="account 999 is not in the chart"):
        set_supplier(sessions, MINH_PHAT, default_account="999")
    with pytest.raises(SupplierError, match="is new: give its name"):
        set_supplier(sessions, AN_BINH, code="NCC002")
    with pytest.raises(SupplierConflict, match="NCC001 is already supplier 0101243150's"):
        set_supplier(sessions, AN_BINH, name="An Bình", code="NCC001")
    assert all_suppliers(sessions) == {MINH_PHAT: ("NCC001", "Minh Phát", None, None)}


def test_two_approvals_of_a_new_seller_at_once_make_one_supplier(
    sessions: sessionmaker[Session],
) -> None:
    documents = [
        add_document(sessions, name=f"{i}", fields=INVOICE_FIELDS | {"invoice_number": f"{i}"})
        for i in range(4)
    ]
    start = threading.Barrier(len(documents))
    failures: list[BaseException] = []

    def approve_one(document_id: int) -> None:
        try:
            start.wait()
            with transaction(sessions) as session:
                approve(session, document_id=document_id, actor=ACCOUNTANT)
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            failures.append(error)

    threads = [threading.Thread(target=approve_one, args=(d,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Supplier)) == 1
    assert len(_entries(sessions)) == 4


MISA_STYLE_CSV = (
    "DANH SÁCH NHÀ CUNG CẤP\n"
    "Mã nhà cung cấp;Tên nhà cung cấp;Mã số thuế;TK chi phí;Số ngày được nợ\n"
    "NCC001;Công ty TNHH Minh Phát;0101243150;641;30\n"
    ";;;;\n"
    "NCC002;Công ty CP An Bình;0312345673;;45\n"
)


def test_a_supplier_list_exported_from_the_accounting_software_imports_as_it_is(
    sessions: sessionmaker[Session],
) -> None:
    post(sessions, "0000001")  # Minh Phát known already, uncoded
    report = import_file(sessions, MISA_STYLE_CSV.encode("utf-8-sig"), "ncc.csv")
    assert report == ImportReport(created=1, updated=1, unchanged=0, problems=[])
    assert all_suppliers(sessions) == {
        MINH_PHAT: ("NCC001", "Công ty TNHH Minh Phát", "641", 30),
        AN_BINH: ("NCC002", "Công ty CP An Bình", None, 45),
    }
    again = import_file(sessions, MISA_STYLE_CSV.encode("utf-8-sig"), "ncc.csv")
    assert again == ImportReport(created=0, updated=0, unchanged=2, problems=[])


def test_an_xlsx_list_imports_and_codes_may_swap_between_its_suppliers(
    sessions: sessionmaker[Session],
) -> None:
    set_supplier(sessions, MINH_PHAT, name="Minh Phát", code="A")
    set_supplier(sessions, AN_BINH, name="An Bình", code="B")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Tax code", "Supplier code", "Supplier name", "Payment terms (days)"])
    sheet.append([MINH_PHAT, "B", "Minh Phát", 30])  # 30 is a number in the sheet
    sheet.append([int(AN_BINH), "A", "An Bình", None])  # a tax code typed as a number
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_file(sessions, buffer.getvalue(), "ncc.xlsx")
    assert report.problems == []
    assert all_suppliers(sessions) == {
        MINH_PHAT: ("B", "Minh Phát", None, 30),
        AN_BINH: ("A", "An Bình", None, None),
    }


def test_one_bad_row_and_nothing_is_imported_with_every_bad_row_named(
    sessions: sessionmaker[Session],
) -> None:
    set_supplier(sessions, "0100109106", name="Viettel", code="NCC009")
    listed = (
        "Mã số thuế,Mã nhà cung cấp,Tên nhà cung cấp,TK chi phí,Số ngày được nợ\n"
        "0101243150,NCC001,Minh Phát,641,30\n"
        "0101243151,NCC002,Sai,,\n"  # check digit wrong
        "0312345673,NCC009,An Bình,,\n"  # Viettel's code, and Viettel is not in the file
        "0101243150,NCC003,Minh Phát again,,\n"
        "0106026495,NCC004,Mới,999,\n"  # no account 999
        "0105987432,NCC005,,,-1\n"  # new without a name, negative terms
    )
    report = import_file(sessions, listed.encode(), "ncc.csv")
    assert [(p.row, p.problem) for p in report.problems] == [
        (3, "'0101243151' is not a tax code"),
        (4, "code NCC009 is supplier 0100109106's"),
        (5, "0101243150 is listed already, row 2"),
        (6, "account 999 is not in the chart (c99)"),
        (7, "payment_terms_days: Input should be greater than or equal to 0"),
    ]
    assert (report.created, report.updated) == (0, 0)
    assert all_suppliers(sessions) == {"0100109106": ("NCC009", "Viettel", None, None)}


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("Tên;Địa chỉ\nMinh Phát;Hà Nội\n".encode(), "no header row with a tax code column"),
        ("Mã số thuế\n0101243150\n".encode("utf-16"), "not UTF-8"),
        (b"PK\x03\x04 not really a zip", "the XLSX file is damaged"),
    ],
)
def test_a_file_that_is_no_supplier_list_is_refused_in_words(
    sessions: sessionmaker[Session], content: bytes, said: str
) -> None:
    with pytest.raises(SupplierError, match=said):
        import_file(sessions, content, "list")


def test_an_xlsx_unpacking_to_more_than_a_list_holds_is_refused_unread(
    sessions: sessionmaker[Session],
) -> None:
    # A zip bomb: a small file whose sheet unpacks to hundreds of megabytes.
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        chunk = b"<row/>" * (1 << 20)
        for _ in range(40):
            member.write(chunk)
    assert len(buffer.getvalue()) < suppliers.MAX_IMPORT_BYTES
    with pytest.raises(SupplierError, match="unpacks to more than"):
        import_file(sessions, buffer.getvalue(), "bomb.xlsx")


def test_suppliers_are_set_imported_and_listed_from_the_command_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        listed = tmp_path / "ncc.csv"
        listed.write_text(MISA_STYLE_CSV, encoding="utf-8")
        imported = runner.invoke(cli, ["suppliers", "import", str(listed)])
        assert imported.output == "2 added, 0 changed, 0 unchanged\n", imported.output
        changed = runner.invoke(cli, ["suppliers", "set", AN_BINH, "--account", "641"])
        assert changed.exit_code == 0, changed.output
        shown = runner.invoke(cli, ["suppliers", "list"]).output.splitlines()
        assert shown == [
            f"{MINH_PHAT}\tNCC001\t641\t30 d\tCông ty TNHH Minh Phát",
            f"{AN_BINH}\tNCC002\t641\t45 d\tCông ty CP An Bình",
        ]
        bad = tmp_path / "bad.csv"
        bad.write_text("Mã số thuế,Tên nhà cung cấp\n123,Sai\n", encoding="utf-8")
        refused = runner.invoke(cli, ["suppliers", "import", str(bad)])
        assert refused.exit_code == 1
        assert "row 2: '123' is not a tax code" in refused.output
    finally:
        get_settings.cache_clear()


def test_a_code_taken_from_a_supplier_that_keeps_it_is_refused_by_row(
    sessions: sessionmaker[Session],
) -> None:
    set_supplier(sessions, MINH_PHAT, name="Minh Phát", code="A")
    listed = (
        "Mã số thuế,Mã nhà cung cấp,Tên nhà cung cấp\n"
        f"{MINH_PHAT},,Minh Phát\n"  # listed, but keeps its code A
        f"{AN_BINH},A,An Bình\n"
    )
    report = import_file(sessions, listed.encode(), "ncc.csv")
    problems = [(p.row, p.problem) for p in report.problems]
    assert problems == [(3, f"code A is supplier {MINH_PHAT}'s")]
