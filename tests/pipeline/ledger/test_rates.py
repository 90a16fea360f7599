"""The exchange rate table over a real database (both engines): a foreign invoice that prints
no rate is booked at the table's rate of its date, of the kind the company's rule names, and
its entry records which rate it used; a bank's published table imports as it is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from pipeline.commands import app as cli
from pipeline.jobs.processing import rule_book
from pipeline.ledger import rates
from pipeline.ledger.errors import NotPostable
from pipeline.ledger.posting import approve, list_entries
from pipeline.review import checking
from pipeline.store.db import transaction
from pipeline.store.models import Document, JournalEntry
from pipeline.store.settings import Settings, get_settings
from tests.support.documents import INVOICE_FIELDS, add_document
from tests.support.signin import add_token, api, sign_in

ACCOUNTANT = "ke-toan@example.vn"
IN_DOLLARS = INVOICE_FIELDS | {
    "currency": "USD",
    "subtotal": "100.50",
    "vat_amount": "8.04",
    "total": "108.54",
}
# As Vietcombank's daily table reads once saved as CSV: a title, the day, then the rates with
# thousands grouped by commas, and a dash where it quotes no cash rate.
BANK_TABLE = """TỶ GIÁ NGOẠI TỆ
Ngày 05/03/2026
Mã ngoại tệ,Tên ngoại tệ,Mua tiền mặt,Mua chuyển khoản,Bán
USD,US DOLLAR,"25,150.00","25,180.00","25,400.00"
EUR,EURO,"26,900.50","27,172.22","28,374.10"
KWD,KUWAITI DINAR,-,"81,000.00","84,000.00"
"""


def import_table(sessions: sessionmaker[Session], table: str, day: date) -> rates.RatesReport:
    with transaction(sessions) as session:
        return rates.import_rates(
            session, content=table.encode(), source="VCB", actor=ACCOUNTANT, day=day
        )


def post(sessions: sessionmaker[Session], number: str, **fields: str) -> JournalEntry:
    document_id = add_document(
        sessions, name=number, fields=IN_DOLLARS | {"invoice_number": number} | fields
    )
    with transaction(sessions) as session:
        approve(session, document_id=document_id, actor=ACCOUNTANT)
    with sessions() as session:
        return next(e for e in list_entries(session) if e.document_id == document_id)


def test_a_dollar_invoice_printing_no_rate_posts_at_the_tables_rate_of_its_date(
    sessions: sessionmaker[Session],
) -> None:
    report = import_table(sessions, BANK_TABLE, date(2026, 3, 5))
    assert report == rates.RatesReport(stored=8, unchanged=0, problems=[])
    entry = post(sessions, "0000001")
    # The bank's selling rate, the default rule: what paying the supplier will cost.
    assert (entry.exchange_rate, entry.exchange_rate_source) == (
        Decimal("25400"),
        "table 2026-03-05 sell VCB",
    )
    payable = next(line for line in entry.lines if line.account == "331")
    assert payable.credit_vnd == Decimal("2756916")  # 108.54 × 25,400, to the đồng

    # A printed rate is the invoice's own, and wins over the table.
    printed = post(sessions, "0000002", exchange_rate="25000")
    assert (printed.exchange_rate, printed.exchange_rate_source) == (Decimal("25000"), "invoice")


def test_a_rate_a_reviewer_typed_is_recorded_as_typed_unless_it_is_the_tables(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    """Accepting the review page's proposal types the table's rate into the invoice: the
    entry still names the table, its day, kind and bank; another typed rate is the
    reviewer's, never the invoice's."""
    import_table(sessions, BANK_TABLE, date(2026, 3, 5))
    typed: dict[str, JournalEntry] = {}
    for number, rate in (("0000001", "25400"), ("0000002", "25123")):
        document_id = add_document(
            sessions, name=number, fields=IN_DOLLARS | {"invoice_number": number}
        )
        with transaction(sessions) as session:
            document = session.get(Document, document_id)
            assert document is not None
            checking.correct_fields(
                session,
                document=document,
                version=document.version,
                changes={"exchange_rate": rate},
                rules=rule_book(settings).current(),
                actor="rita",
            )
        with transaction(sessions) as session:
            approve(session, document_id=document_id, actor=ACCOUNTANT)
        with sessions() as session:
            typed[rate] = next(e for e in list_entries(session) if e.document_id == document_id)
    assert typed["25400"].exchange_rate_source == "table 2026-03-05 sell VCB"
    assert (typed["25123"].exchange_rate, typed["25123"].exchange_rate_source) == (
        Decimal("25123"),
        "entered by a reviewer",
    )


def test_a_day_without_rates_takes_the_latest_before_it_within_the_allowed_age(
    sessions: sessionmaker[Session],
) -> None:
    import_table(sessions, BANK_TABLE, date(2026, 3, 6))  # a Friday
    sunday = post(sessions, "0000001", issue_date="2026-03-08")
    assert sunday.exchange_rate_source == "table 2026-03-06 sell VCB"
    with pytest.raises(NotPostable, match="no sell rate of USD for 2026-03-20 or the 7 days"):
        post(sessions, "0000002", issue_date="2026-03-20")
    with pytest.raises(NotPostable, match="no sell rate of EUR"):
        post(sessions, "0000003", issue_date="2026-03-05", currency="EUR")  # before any rate


def test_the_companys_rule_chooses_the_kind_of_rate(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    import_table(sessions, BANK_TABLE, date(2026, 3, 5))
    monkeypatch.setenv("BACKOFFICE_EXCHANGE_RATE_KIND", "transfer")
    get_settings.cache_clear()
    try:
        entry = post(sessions, "0000001")
    finally:
        get_settings.cache_clear()
    assert (entry.exchange_rate, entry.exchange_rate_source) == (
        Decimal("25180"),
        "table 2026-03-05 transfer VCB",
    )


@pytest.mark.parametrize(
    ("printed", "rate"),
    [
        ("25,400.00", Decimal("25400.00")),
        ("25.400,50", Decimal("25400.50")),
        ("25,400", Decimal("25400")),
        ("25.400", Decimal("25400")),
        ("170.52", Decimal("170.52")),
        ("25400", Decimal("25400")),
    ],
)
def test_rates_are_read_as_banks_print_them(
    sessions: sessionmaker[Session], printed: str, rate: Decimal
) -> None:
    import_table(sessions, f'currency,sell\nUSD,"{printed}"\n', date(2026, 3, 5))
    with sessions() as session:
        found = rates.rate_for(session, currency="USD", day=date(2026, 3, 5))
    assert found is not None and found.rate == rate


def test_a_table_with_a_bad_row_imports_nothing_and_names_it(
    sessions: sessionmaker[Session],
) -> None:
    table = "Mã ngoại tệ,Bán\nUSD,25400\nXX1,100\nEUR,lots\n"
    report = import_table(sessions, table, date(2026, 3, 5))
    assert [(p.row, p.problem) for p in report.problems] == [
        (3, "'XX1' is not a currency code"),
        (4, "sell: 'lots' is not a rate"),
    ]
    with sessions() as session:
        assert rates.rate_for(session, currency="USD", day=date(2026, 3, 5)) is None
    with pytest.raises(rates.RateError, match="no date column"), transaction(sessions) as session:
        rates.import_rates(session, content=b"currency;sell\nUSD;25400\n", source="x", actor="a")


def test_the_review_page_gets_the_rate_to_propose_and_accountants_import_tables(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    reviewer = {"Authorization": f"Bearer {add_token(sessions, 'rita', 'reviewer')}"}
    accountant = {"Authorization": f"Bearer {add_token(sessions, 'misa', 'accountant')}"}
    with api(settings) as client:
        assert (
            client.get("/api/v1/exchange-rates/USD/2026-03-05", headers=reviewer).status_code == 404
        )
        imported = client.post(
            "/api/v1/exchange-rates/import",
            params={"day": "2026-03-05", "source": "VCB"},
            files={"file": ("tygia.csv", BANK_TABLE.encode())},
            headers=accountant,
        )
        assert imported.status_code == 200, imported.text
        # A Saturday's invoice: Thursday's rate, the latest before it.
        proposed = client.get("/api/v1/exchange-rates/usd/2026-03-07", headers=reviewer).json()
        assert Decimal(proposed.pop("rate")) == Decimal("25400")
        assert proposed == {
            "currency": "USD",
            "day": "2026-03-05",
            "kind": "sell",
            "source": "VCB",
            "label": "table 2026-03-05 sell VCB",
        }
        refused = client.post(
            "/api/v1/exchange-rates/import",
            params={"day": "2026-03-05"},
            files={"file": ("tygia.csv", b"currency,sell\nUSD,abc\n")},
            headers=accountant,
        )
        assert refused.status_code == 422
        assert refused.json()["detail"]["problems"] == [
            {"row": 2, "problem": "sell: 'abc' is not a rate"}
        ]


def test_rates_are_imported_set_and_shown_from_the_command_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        table = tmp_path / "tygia.csv"
        table.write_text(BANK_TABLE, encoding="utf-8")
        imported = runner.invoke(
            cli, ["rates", "import", str(table), "--day", "2026-03-05", "--source", "VCB"]
        )
        assert imported.output == "8 rates stored, 0 unchanged\n", imported.output
        entered = runner.invoke(cli, ["rates", "set", "USD", "2026-03-06", "25410"])
        assert entered.exit_code == 0, entered.output
        shown = runner.invoke(cli, ["rates", "show", "USD", "2026-03-07"])
        assert shown.output == "25410.000000\ttable 2026-03-06 sell manual\n"
        none = runner.invoke(cli, ["rates", "show", "JPY", "2026-03-07"])
        assert none.exit_code == 1
    finally:
        get_settings.cache_clear()


def test_a_currency_quoted_once_per_note_size_is_refused_rather_than_the_last_row_kept(
    sessions: sessionmaker[Session],
) -> None:
    table = "Mã ngoại tệ,Bán\nUSD (1-2),25300\nUSD (50-100),25400\n"
    report = import_table(sessions, table, date(2026, 3, 5))
    assert [(p.row, p.problem) for p in report.problems] == [
        (
            3,
            "USD of 2026-03-05 is listed already, row 2: keep the row of the rate the company "
            "books at",
        )
    ]


def test_a_dollar_invoice_without_a_rate_is_proposed_the_tables_and_posts_at_it_over_the_api(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    import_table(sessions, BANK_TABLE, date(2026, 3, 5))
    document_id = add_document(sessions, name="usd.pdf", fields=IN_DOLLARS)
    printed = add_document(
        sessions,
        name="printed.pdf",
        fields=IN_DOLLARS | {"invoice_number": "9", "exchange_rate": "25000"},
    )
    reviewer = {"Authorization": f"Bearer {add_token(sessions, 'rita', 'reviewer')}"}
    with api(settings) as client:
        url = f"/api/v1/documents/{document_id}"
        proposal = client.get(url, headers=reviewer).json()["exchange_rate_proposal"]
        assert Decimal(proposal.pop("rate")) == Decimal("25400")
        assert proposal == {
            "currency": "USD",
            "day": "2026-03-05",
            "kind": "sell",
            "source": "VCB",
            "label": "table 2026-03-05 sell VCB",
        }
        # An invoice printing its rate is booked at its own: nothing to propose.
        shown = client.get(f"/api/v1/documents/{printed}", headers=reviewer).json()
        assert shown["exchange_rate_proposal"] is None
        # The review page offers it beside the exchange rate field.
        page = sign_in(client, sessions, "vera", "reviewer").get(f"/review/{document_id}")
        assert 'id="rate-proposal"' in page.text

        approved = client.post(f"{url}/approve", headers=reviewer)
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "posted"
        assert approved.json()["exchange_rate_proposal"] is None
    with sessions() as session:
        entry = next(e for e in list_entries(session) if e.document_id == document_id)
    assert (entry.exchange_rate, entry.exchange_rate_source) == (
        Decimal("25400"),
        "table 2026-03-05 sell VCB",
    )
