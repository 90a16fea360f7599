"""The review page of an invoice in a real browser (Chromium through Playwright) on each
database: the rate table's rate proposed for a dollar invoice printing none, accepted into
its field; and an invoice the tax portal marks cancelled, refused approval until the
reviewer decides, with a reason, that it stands. Outside CI the test skips without Chromium
or Playwright; under CI=true it fails instead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger import portal, rates
from pipeline.store.db import transaction
from pipeline.store.settings import Settings
from tests.docgen.portal import PortalInvoice, portal_xlsx
from tests.support.documents import FIELDS, add_checked, stored
from tests.support.machine import CHROMIUM, IN_CI
from tests.support.signin import PASSWORD, add_user

pytestmark = pytest.mark.slow

VIEWPORT = {"width": 1366, "height": 768}

try:
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    if IN_CI:
        raise
    pytest.skip("Playwright is not installed", allow_module_level=True)

if not CHROMIUM.exists():
    if IN_CI:
        pytest.fail(f"Chromium is required under CI and missing at {CHROMIUM}", pytrace=False)
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


def signed_in(page: Page, server: str, name: str) -> None:
    page.goto(f"{server}/login?next=/review")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server}/review")


def test_a_reviewer_accepts_the_proposed_rate_and_decides_on_a_cancelled_invoice(
    settings: Settings, sessions: sessionmaker[Session], server: str
) -> None:
    issued = date.fromisoformat(FIELDS["issue_date"])
    in_dollars = add_checked(
        sessions,
        settings,
        "usd.pdf",
        fields=FIELDS
        | {
            "invoice_number": "0000501",
            "currency": "USD",
            "line_items": [{"description": "Licence", "amount": "100"}],
            "subtotal": "100",
            "vat_amount": "10",
            "total": "110",
            "amount_in_words": None,
        },
        confidence=0.5,
    )
    cancelled = add_checked(sessions, settings, "huy.pdf", confidence=0.5)
    with transaction(sessions) as session:
        rates.set_rate(
            session,
            currency="USD",
            day=issued,
            kind="sell",
            rate=Decimal("25400"),
            source="VCB",
            actor="test",
        )
        listed = PortalInvoice(
            seller_tax_id=FIELDS["seller"]["tax_id"],
            seller_name=FIELDS["seller"]["name"],
            series=FIELDS["invoice_series"],
            number=FIELDS["invoice_number"],
            issued=issued,
            subtotal=Decimal(FIELDS["subtotal"]),
            vat_amount=Decimal(FIELDS["vat_amount"]),
            status="cancelled",
        )
        content = portal_xlsx([listed], start=listed.issued, end=listed.issued)
        assert portal.import_list(session, content=content, actor="test").flagged == [cancelled]
    add_user(sessions, "rita", "reviewer")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT, locale="en-GB").new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))
            signed_in(page, server, "rita")

            page.goto(f"{server}/review/{in_dollars}")
            proposal = page.locator("#rate-proposal")
            expect(proposal).to_contain_text("The rate table proposes 25,400 (VCB, selling,")
            page.get_by_role("button", name="Use this rate").click()
            expect(page.locator("#message")).to_have_text("Saved.")
            expect(page.locator('input[data-path="exchange_rate"]')).to_have_value("25,400")
            # The invoice now states the rate: nothing left to propose.
            expect(proposal).to_be_hidden()
            assert stored(sessions, in_dollars).record["fields"]["exchange_rate"] == "25400"

            page.goto(f"{server}/review/{cancelled}")
            flag = page.locator("#portal-flag")
            expect(flag).to_contain_text("The tax portal marks this invoice cancelled.")
            page.keyboard.press("Control+Enter")
            expect(page.locator("#message")).to_have_text(
                "It cannot be posted until a reviewer decides that it stands."
            )
            expect(page.locator("#status")).to_have_text("In review")
            page.get_by_label("Why it stands").fill("Reissued under the same number")
            page.get_by_role("button", name="It stands: clear the flag").click()
            expect(page.locator("#message")).to_have_text("Flag cleared.")
            expect(flag).to_contain_text("cancelled: decided by rita (Reissued under the same")
            page.get_by_role("button", name="Approve").click()
            expect(page.locator("#status")).to_have_text("Posted")
            assert script_errors == []
        finally:
            browser.close()
