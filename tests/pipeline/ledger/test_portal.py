"""Reconciliation with the tax portal's purchase-invoice list over a real database (both
engines): a generated portal export with invoices missing here, extra here, with amounts
that differ and cancelled, each reported in its class; a cancelled one does not post until
a reviewer decides it stands."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from pipeline.commands import app as cli
from pipeline.ledger import portal
from pipeline.ledger.posting import approve, live_entry
from pipeline.store.db import transaction
from pipeline.store.models import (
    AuditEvent,
    Document,
    DocumentStatus,
    PortalFlag,
)
from pipeline.store.models import PortalInvoice as StoredListing
from pipeline.store.settings import Settings, get_settings
from tests.docgen.portal import PortalInvoice, portal_csv, portal_xlsx
from tests.support.documents import FIELDS, TODAY, add_checked
from tests.support.signin import add_token, api, sign_in

ACCOUNTANT = "ke-toan@example.vn"
REVIEWER = "rita"
START = date(TODAY.year, TODAY.month, 1)
END = (START + timedelta(days=32)).replace(day=1) - timedelta(days=1)
SERIES = FIELDS["invoice_series"]
MINH_PHAT = ("0101243150", "Công ty TNHH Minh Phát")
AN_KHANG = ("0100109106", "Công ty CP An Khang")
TAN_PHU = ("0301234567", "Công ty TNHH Tân Phú")


def invoice_fields(
    seller: tuple[str, str], number: str, subtotal: str, vat: str, **more: Any
) -> dict[str, Any]:
    total = str(Decimal(subtotal) + Decimal(vat))
    return (
        FIELDS
        | {
            "seller": {"name": seller[1], "tax_id": seller[0]},
            "invoice_number": number,
            "line_items": [{"description": "Dịch vụ", "amount": subtotal}],
            "subtotal": subtotal,
            "vat_amount": vat,
            "total": total,
            "amount_in_words": None,
        }
        | more
    )


def on_portal(
    seller: tuple[str, str], number: str, subtotal: str, vat: str, **more: Any
) -> PortalInvoice:
    return PortalInvoice(
        seller_tax_id=seller[0],
        seller_name=seller[1],
        series=more.pop("series", SERIES),
        number=number,
        issued=START,
        subtotal=Decimal(subtotal),
        vat_amount=Decimal(vat),
        **more,
    )


# The month's list on the portal, and what reached the service.
LISTED = [
    on_portal(MINH_PHAT, "101", "1000000", "100000"),  # received, the same
    on_portal(MINH_PHAT, "102", "2000000", "200000"),  # received with VAT read as 160,000
    on_portal(AN_KHANG, "7", "500000", "50000", status="cancelled"),  # received, cancelled
    on_portal(TAN_PHU, "55", "3000000", "300000"),  # never received
    on_portal(TAN_PHU, "56", "900000", "90000", status="cancelled"),  # cancelled, never received
]
RECEIVED = {
    "same": invoice_fields(MINH_PHAT, "0000101", "1000000", "100000"),
    "mismatch": invoice_fields(MINH_PHAT, "0000102", "2000000", "160000"),
    "cancelled": invoice_fields(AN_KHANG, "0000007", "500000", "50000"),
    "extra": invoice_fields(MINH_PHAT, "0000103", "4000000", "400000"),
}


def receive(sessions: sessionmaker[Session], settings: Settings) -> dict[str, int]:
    return {
        name: add_checked(sessions, settings, f"{name}.pdf", fields=fields, confidence=0.5)
        for name, fields in RECEIVED.items()
    }


def import_list(sessions: sessionmaker[Session], content: bytes) -> portal.ImportReport:
    with transaction(sessions) as session:
        return portal.import_list(session, content=content, actor=ACCOUNTANT)


def reconcile(sessions: sessionmaker[Session]) -> portal.Reconciliation:
    with sessions() as session:
        return portal.reconcile(session, start=START, end=END)


def keys(items: list[portal.ReportItem]) -> list[str]:
    return [item.key for item in items]


@pytest.mark.parametrize("shape", ["xlsx", "xlsx-en", "csv"])
def test_each_difference_with_the_portal_is_reported_in_its_class(
    sessions: sessionmaker[Session], settings: Settings, shape: str
) -> None:
    ids = receive(sessions, settings)
    content = {
        "xlsx": lambda: portal_xlsx(LISTED, start=START, end=END),
        "xlsx-en": lambda: portal_xlsx(LISTED, start=START, end=END, english=True),
        "csv": lambda: portal_csv(LISTED, start=START, end=END),
    }[shape]()
    imported = import_list(sessions, content)
    assert (imported.listed, imported.added, imported.flagged) == (5, 5, [ids["cancelled"]])

    report = reconcile(sessions)
    assert (report.on_portal, report.received, report.matched) == (5, 4, 3)
    assert keys(report.missing) == [f"0301234567|{SERIES}|55"]
    assert [item.document_id for item in report.not_on_portal] == [ids["extra"]]
    (mismatch,) = report.amount_mismatches
    assert mismatch.document_id == ids["mismatch"]
    assert [(m.amount, m.portal, m.ours) for m in mismatch.mismatches] == [
        ("vat_amount", "200000", "160000"),
        ("total", "2200000", "2160000"),
    ]
    (cancelled,) = report.portal_status
    assert (cancelled.document_id, cancelled.portal_status) == (ids["cancelled"], "cancelled")
    assert cancelled.flag is not None and cancelled.flag.cleared_at is None


def test_a_cancelled_invoice_does_not_post_until_a_reviewer_decides_it_stands(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    ids = receive(sessions, settings)
    import_list(sessions, portal_xlsx(LISTED, start=START, end=END))
    with (
        pytest.raises(portal.PortalFlagged, match="marked cancelled on the tax portal"),
        transaction(sessions) as session,
    ):
        approve(session, document_id=ids["cancelled"], actor=REVIEWER)
    with transaction(sessions) as session:  # the others post as ever
        approve(session, document_id=ids["same"], actor=REVIEWER)

    with pytest.raises(portal.PortalError, match="a reason"), transaction(sessions) as session:
        portal.clear_flag(
            session,
            document=session.get_one(Document, ids["cancelled"]),
            reason=" ",
            actor=REVIEWER,
        )
    with transaction(sessions) as session:
        portal.clear_flag(
            session,
            document=session.get_one(Document, ids["cancelled"]),
            reason="The supplier reissued it under the same number; confirmed by phone",
            actor=REVIEWER,
        )
    with transaction(sessions) as session:
        approve(session, document_id=ids["cancelled"], actor=REVIEWER)
    with sessions() as session:
        assert live_entry(session, document_id=ids["cancelled"]) is not None
        cleared = session.scalars(
            select(AuditEvent).where(
                AuditEvent.document_id == ids["cancelled"], AuditEvent.kind == "portal_flag_cleared"
            )
        ).one()
        assert cleared.actor == REVIEWER and cleared.data["reason"].startswith("The supplier")

    # The same list imported again does not undo the decision; the portal's later word does.
    again = import_list(sessions, portal_xlsx(LISTED, start=START, end=END))
    assert (again.added, again.updated, again.flagged) == (0, 0, [])
    adjusted = [on_portal(MINH_PHAT, "101", "1000000", "100000", status="adjusted")]
    later = import_list(sessions, portal_xlsx(adjusted, start=START, end=END))
    assert (later.updated, later.flagged) == (1, [ids["same"]])


def test_an_invoice_received_after_the_list_is_blocked_as_well(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    import_list(sessions, portal_xlsx(LISTED, start=START, end=END))
    document_id = add_checked(
        sessions, settings, "late.pdf", fields=RECEIVED["cancelled"], confidence=0.5
    )
    with pytest.raises(portal.PortalFlagged), transaction(sessions) as session:
        approve(session, document_id=document_id, actor=REVIEWER)
    with sessions() as session:
        assert session.get_one(Document, document_id).status is DocumentStatus.REVIEW


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        chunk = b"<row/>" * (1 << 20)
        for _ in range(40):
            member.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "the file is empty"),
        (b"  \n", "the file is empty"),
        (_zip_bomb(), "unpacks to more than"),
        (b"PK\x03\x04 not really a zip", "the XLSX file is damaged"),
        (b"%PDF-1.7\n\xff\xfe\x00binary", "not UTF-8"),
        ("Mã ngoại tệ,Bán\nUSD,25400\n".encode(), "no header row naming the invoice columns"),
        (
            "Ký hiệu hóa đơn,Số hóa đơn,Ngày lập\nC26TAA,1,01/03/2026\n".encode(),
            "no column for mst nguoi ban, trang thai hoa don",
        ),
        (
            portal_csv([], start=date(2026, 3, 1), end=date(2026, 3, 31)),
            "the list holds no invoice",
        ),
    ],
)
def test_a_file_that_is_no_portal_list_is_refused_in_words(
    sessions: sessionmaker[Session], content: bytes, said: str
) -> None:
    with pytest.raises(portal.PortalError, match=said):
        import_list(sessions, content)


def test_rows_that_cannot_be_read_are_named_and_nothing_is_imported(
    sessions: sessionmaker[Session],
) -> None:
    good = portal_csv(LISTED[:1], start=START, end=END).decode("utf-8-sig")
    bad = good + "2;1;C26TAA;9;31/02/2026;0101243150;X;1;0;0;0;1;VND;Hóa đơn mới;\n"
    bad += "3;1;C26TAA;10;01/03/2026;0101243150;X;1;0;0;0;1;VND;Đang xử lý;\n"
    bad += f"4;1;C26TAA;11;01/03/2026;{'9' * 200};X;1;0;0;0;1;VND;Hóa đơn mới;\n"
    bad += f"5;1;{'C' * 100};12;01/03/2026;0101243150;X;1;0;0;0;1;VND;Hóa đơn mới;\n"
    bad += "6;1;C26TAA;13;01/03/2026;0101243150;X;1e30;0;0;0;1;VND;Hóa đơn mới;\n"
    bad += "7;1;C26TAA;14;01/03/2026;0101243150;X;NaN;0;0;0;1;VND;Hóa đơn mới;\n"
    bad += f"8;1;C26TAA;{'1' * 40};01/03/2026;0101243150;X;1;0;0;0;1;VND;Hóa đơn mới;\n"
    report = import_list(sessions, bad.encode())
    assert [(p.row, p.problem) for p in report.problems] == [
        (8, "no date: '31/02/2026'"),
        (9, "'Đang xử lý' is not an invoice status the portal gives"),
        (10, f"'{'9' * 200}' is not a tax code"),
        (11, f"'{'C' * 100}' is not an invoice series"),
        (12, "subtotal: '1e30' is not an amount"),
        (13, "subtotal: 'NaN' is not an amount"),
        (14, f"'{'1' * 40}' is not an invoice number"),
    ]
    assert reconcile(sessions).on_portal == 0


def test_the_list_is_imported_and_reported_from_the_command_line(
    settings: Settings,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    ids = receive(sessions, settings)
    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        listed = tmp_path / "hoa-don-mua-vao.xlsx"
        listed.write_bytes(portal_xlsx(LISTED, start=START, end=END))
        imported = runner.invoke(cli, ["portal", "import", str(listed)])
        assert imported.output == (
            f"5 invoices listed: 5 added, 0 updated; documents flagged: {ids['cancelled']}\n"
        ), imported.output
        shown = runner.invoke(cli, ["portal", "report", "--from", str(START), "--to", str(END)])
        assert shown.exit_code == 1
        lines = shown.output.splitlines()
        assert lines[0] == f"{START} to {END}: 5 on the portal, 4 received, 3 matched"
        assert "on the portal, not received: 1" in lines
        assert f"  0301234567\t{SERIES} 55\t{START}" in lines
        assert any("vat_amount portal 200000 ours 160000" in line for line in lines)
        assert any(line.endswith("cancelled (flag open)") for line in lines)
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        refused = runner.invoke(cli, ["portal", "import", str(empty)])
        assert (refused.exit_code, refused.output) == (
            1,
            "the file is empty: export the list from the portal again\n",
        )
    finally:
        get_settings.cache_clear()


def test_accountants_import_reviewers_see_the_report_and_decide_over_the_api(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    ids = receive(sessions, settings)
    reviewer = {"Authorization": f"Bearer {add_token(sessions, REVIEWER, 'reviewer')}"}
    accountant = {"Authorization": f"Bearer {add_token(sessions, 'misa', 'accountant')}"}
    with api(settings) as client:
        forbidden = client.post(
            "/api/v1/portal-invoices/import",
            files={"file": ("list.xlsx", portal_xlsx(LISTED, start=START, end=END))},
            headers=reviewer,
        )
        assert forbidden.status_code == 403
        # The ERP's accountant token reads the books; only a person imports the list.
        by_token = client.post(
            "/api/v1/portal-invoices/import",
            files={"file": ("list.xlsx", portal_xlsx(LISTED, start=START, end=END))},
            headers=accountant,
        )
        assert by_token.status_code == 403
        with api(settings) as browser:
            sign_in(browser, sessions, "ke-toan-lan", "accountant")
            imported = browser.post(
                "/api/v1/portal-invoices/import",
                files={"file": ("list.xlsx", portal_xlsx(LISTED, start=START, end=END))},
            )
        assert imported.status_code == 200, imported.text
        assert imported.json()["flagged"] == [ids["cancelled"]]
        report = client.get(
            "/api/v1/portal-reconciliation",
            params={"start": str(START), "end": str(END)},
            headers=reviewer,
        ).json()
        assert [item["document_id"] for item in report["portal_status"]] == [ids["cancelled"]]
        assert [item["key"] for item in report["missing"]] == [f"0301234567|{SERIES}|55"]
        backwards = client.get(
            "/api/v1/portal-reconciliation",
            params={"start": str(END), "end": str(START)},
            headers=reviewer,
        )
        assert backwards.status_code == 422

        url = f"/api/v1/documents/{ids['cancelled']}"
        flags = client.get(url, headers=reviewer).json()["portal_flags"]
        assert [(f["portal_status"], f["cleared_at"]) for f in flags] == [("cancelled", None)]
        refused = client.post(f"{url}/approve", headers=reviewer)
        assert refused.status_code == 409
        assert refused.json()["detail"].startswith(
            f"invoice {ids['cancelled']} is marked cancelled"
        )
        decided = client.post(
            f"{url}/portal-decision", json={"reason": "Reissued, same number"}, headers=reviewer
        )
        assert decided.status_code == 200, decided.text
        assert decided.json()["portal_flags"][0]["cleared_by"] == f"token:{REVIEWER}"
        again = client.post(
            f"{url}/portal-decision", json={"reason": "Reissued, same number"}, headers=reviewer
        )
        assert again.status_code == 409
        approved = client.post(f"{url}/approve", headers=reviewer)
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "posted"


def test_the_reconciliation_page_lists_the_classes_in_either_language(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    ids = receive(sessions, settings)
    import_list(sessions, portal_xlsx(LISTED, start=START, end=END))
    with api(settings) as client:
        sign_in(client, sessions, "ke-toan", "accountant")
        period = {"from": str(START), "to": str(END)}
        english = client.get("/reconciliation", params=period | {"lang": "en"})
        assert english.status_code == 200
        page = english.text
        assert 'On the portal, not received: <span class="count">1</span>' in page
        assert 'Received, not on the portal: <span class="count">1</span>' in page
        assert f'data-key="0301234567|{SERIES}|55"' in page
        assert f'href="/review/{ids["extra"]}"' in page
        assert "VAT: 200,000 / 160,000" in page
        assert "<b>blocks posting</b>" in page
        vietnamese = client.get("/reconciliation", params=period | {"lang": "vi"}).text
        assert 'Có trên cổng, chưa nhận: <span class="count">1</span>' in vietnamese
        assert "Tiền thuế GTGT: 200.000 / 160.000" in vietnamese
        assert "hóa đơn đã bị hủy" in vietnamese
        # The document's page says so too, with the decision a reviewer may take.
        sign_in(client, sessions, "vera", "reviewer")
        assert 'id="portal-flag"' in client.get(f"/review/{ids['cancelled']}").text


def test_a_period_over_a_year_is_refused_over_the_api_and_cut_on_the_page(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    reviewer = {"Authorization": f"Bearer {add_token(sessions, REVIEWER, 'reviewer')}"}
    with api(settings) as client:
        everything = client.get(
            "/api/v1/portal-reconciliation",
            params={"start": "0001-01-01", "end": "9999-12-31"},
            headers=reviewer,
        )
        assert everything.status_code == 422
        assert "at most 366 days" in everything.json()["detail"]
        leap_year = {"start": "2028-01-01", "end": "2028-12-31"}
        assert (
            client.get("/api/v1/portal-reconciliation", params=leap_year, headers=reviewer).json()[
                "end"
            ]
            == "2028-12-31"
        )
        one_more = {"start": "2027-12-31", "end": "2028-12-31"}
        refused = client.get("/api/v1/portal-reconciliation", params=one_more, headers=reviewer)
        assert refused.status_code == 422
        sign_in(client, sessions, "ke-toan", "accountant")
        page = client.get(
            "/reconciliation", params={"from": "2026-01-01", "to": "9999-12-31", "lang": "en"}
        )
        assert page.status_code == 200
        assert "A period is at most 366 days" in page.text
        assert 'name="to" value="2027-01-01"' in page.text
        vietnamese = client.get(
            "/reconciliation", params={"from": "2026-01-01", "to": "2027-06-30", "lang": "vi"}
        ).text
        assert "tối đa 366 ngày" in vietnamese
        assert (
            "tối đa 366 ngày"
            not in client.get(
                "/reconciliation", params={"from": "2026-01-01", "to": "2026-12-31", "lang": "vi"}
            ).text
        )


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_list_over_postgresqls_parameter_limit_imports_and_imports_again(
    sessions: sessionmaker[Session],
) -> None:
    # PostgreSQL takes 65,535 parameters a statement; the list may hold MAX_IMPORT_ROWS.
    count = 66_000
    invoices = [
        on_portal(TAN_PHU, str(number), "1000000", "100000") for number in range(1, count + 1)
    ]
    content = portal_csv(invoices, start=START, end=END)
    first = import_list(sessions, content)
    assert (first.problems, first.added, first.updated) == ([], count, 0)
    # As autovacuum would between two months' imports: without statistics the planner scans
    # the table for each slice of keys.
    with transaction(sessions) as session:
        session.execute(text("ANALYZE portal_invoices"))
    again = import_list(sessions, content)
    assert (again.problems, again.added, again.updated) == ([], 0, 0)


def test_two_imports_of_one_list_at_once_both_succeed_and_store_it_once(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    # Two accountants import the month's list at the same moment (a double click, or two
    # offices): neither may fail on the other's rows, and the cancelled invoice is flagged once.
    ids = receive(sessions, settings)
    content = portal_csv(LISTED, start=START, end=END)
    start = threading.Barrier(2)
    reports: list[portal.ImportReport] = []
    failures: list[BaseException] = []

    def import_once() -> None:
        try:
            start.wait()
            reports.append(import_list(sessions, content))
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            failures.append(error)

    threads = [threading.Thread(target=import_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted((r.added, r.flagged) for r in reports) == [(0, []), (5, [ids["cancelled"]])]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(StoredListing)) == len(LISTED)
        assert session.scalar(select(func.count()).select_from(PortalFlag)) == 1
