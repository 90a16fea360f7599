"""Every page on a phone and for assistive technology, in a real Chromium on each database,
in Vietnamese and in English: sign-in, the queue, a document of each type, upload, the
overview and the audit trail fit a 390 px wide screen without scrolling sideways, and
axe-core (tests/axe, from the npm registry) finds no serious or critical violation on them.

The overview and the audit trail are also used as people use them: opened from the menu,
the audit trail filtered by event and paged.

Screenshots of each page go to `$BACKOFFICE_SCREENSHOTS` (see test_browser.py).
Outside CI the test skips without Chromium, Playwright or axe-core; under CI=true it fails
instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from pipeline.access import audit
from pipeline.jobs.processing import rule_book
from pipeline.jobs.worker import Worker
from pipeline.ledger import portal
from pipeline.review import checking, documents
from pipeline.store.db import transaction
from pipeline.store.settings import Settings
from rules.functions import business_today
from tests import docgen
from tests.docgen.portal import PortalInvoice, portal_xlsx
from tests.support.documents import add_checked, ingest_inbox
from tests.support.machine import CHROMIUM, IN_CI, ROOT
from tests.support.signin import PASSWORD, add_user

pytestmark = pytest.mark.slow

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}
AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8") if AXE.exists() else ""
SIDEWAYS = """() => Array.from(document.querySelectorAll("body *"))
  .filter((e) => !["INPUT", "SELECT", "TEXTAREA"].includes(e.tagName))
  .filter((e) => e.scrollWidth > e.clientWidth + 1
    && ["auto", "scroll"].includes(getComputedStyle(e).overflowX))
  .map((e) => e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}.${e.className}`)"""
LOCALES = {"vi": "vi-VN", "en": "en-GB"}
SIGN_IN = {"vi": ("Tên đăng nhập", "Mật khẩu"), "en": ("User name", "Password")}

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

if not AXE.exists():
    if IN_CI:
        pytest.fail(f"axe-core is required under CI and missing at {AXE}", pytrace=False)
    pytest.skip("no axe-core: run scripts/setup.sh test", allow_module_level=True)


def one_of_each_type(settings: Settings, sessions: sessionmaker[Session]) -> dict[str, int]:
    """An invoice, a contract, a CV and an official letter generated and read by the real
    worker, a reviewer's correction on the invoice (the overview and audit trail have
    something to show), and one more invoice left as the classifier leaves a document it
    cannot place."""
    generated = {
        "invoice": docgen.invoice(0),
        "contract": docgen.contract(0),
        "cv": docgen.cv(0),
        "dispatch": docgen.dispatch(0),
        "unknown": docgen.invoice(1),
    }
    for name, document in generated.items():
        docgen.write(document, settings.inbox / f"{name}.pdf")
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == len(generated)
    finally:
        worker.close()
    ids: dict[str, int] = {}
    with transaction(sessions) as session:
        for document in documents.list_documents(session, limit=10):
            ids[document.filename.removesuffix(".pdf")] = document.id
            if document.filename == "unknown.pdf":
                document.doc_type = "unknown"
                document.record = (document.record or {}) | {"doc_type": "unknown", "fields": {}}
            if document.filename == "invoice.pdf":
                checking.correct_fields(
                    session,
                    document=document,
                    version=document.version,
                    changes={"po_number": "PO-7"},
                    rules=rule_book(settings).current(),
                    actor="rita",
                )
    return ids


def serious(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands, one line each."""
    # Evaluated by the browser's debugger protocol, not added as a <script>: the pages'
    # Content-Security-Policy stays in force (and refuses inline scripts) while axe looks.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    results: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def check(page: Page, name: str, width: int, shot: Path) -> list[str]:
    """What is wrong with the page as shown: sideways scrolling and axe's findings."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=shot, full_page=True)
    print(f"\nscreenshot: {shot}")
    wide = page.evaluate("document.documentElement.scrollWidth")
    problems = [f"{name}: {wide} px wide on a {width} px screen"] if wide > width else []
    # Nor a part of it cut off inside a box that scrolls sideways (a table in its own
    # scrolling box hides its columns as surely as the page would).
    problems += [f"{name}: {box} scrolls sideways" for box in page.evaluate(SIDEWAYS)]
    return problems + [f"{name}: {finding}" for finding in serious(page)]


def portal_list(sessions: sessionmaker[Session]) -> None:
    """The tax portal's list of last month, the reconciliation page's default period: an
    invoice not received, with the longest names the portal gives."""
    last_month = business_today().replace(day=1) - timedelta(days=1)
    listed = PortalInvoice(
        seller_tax_id="0101243150-001",
        seller_name="Chi nhánh Công ty Trách nhiệm Hữu hạn Thương mại và Dịch vụ Minh Phát",
        series="C26TAA",
        number="1234567",
        issued=last_month,
        subtotal=Decimal("123456789"),
        vat_amount=Decimal("12345678"),
        status="adjustment",
    )
    with transaction(sessions) as session:
        content = portal_xlsx([listed], start=last_month, end=last_month)
        portal.import_list(session, content=content, actor="test")


@pytest.mark.parametrize("lang", list(LOCALES))
def test_every_page_fits_a_phone_and_has_no_serious_accessibility_violation(
    lang: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    server: str,
    screenshots: Path,
) -> None:
    """On a phone, and on the office screen the pages were first laid out for."""
    ids = one_of_each_type(settings, sessions)
    add_user(sessions, "ada", "admin")
    portal_list(sessions)
    database = settings.resolved_database_url.split(":", 1)[0].split("+")[0]
    pages = {
        "queue": "/review",
        **{f"document-{kind}": f"/review/{id_}" for kind, id_ in sorted(ids.items())},
        "upload": "/upload",
        "overview": "/overview",
        "audit": "/audit",
        "reconciliation": "/reconciliation",
    }
    problems: list[str] = []
    script_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            for screen, viewport in SCREENS.items():
                context = browser.new_context(
                    viewport=viewport,
                    locale=LOCALES[lang],
                    is_mobile=screen == "phone",
                    has_touch=screen == "phone",
                )
                page = context.new_page()
                page.on("pageerror", lambda error: script_errors.append(str(error)))

                def shot(name: str, screen: str = screen) -> Path:
                    return screenshots / f"{screen}-{name}-{lang}-{database}.png"

                page.goto(f"{server}/login?lang={lang}")
                expect(page.locator("html")).to_have_attribute("lang", lang)
                problems += check(page, f"{screen} login", viewport["width"], shot("login"))
                username, password = SIGN_IN[lang]
                page.get_by_label(username).fill("ada")
                page.get_by_label(password).fill(PASSWORD)
                page.keyboard.press("Enter")
                expect(page).to_have_url(f"{server}/review")
                for name, path in pages.items():
                    page.goto(f"{server}{path}?lang={lang}")
                    expect(page.locator("html")).to_have_attribute("lang", lang)
                    problems += check(page, f"{screen} {name}", viewport["width"], shot(name))
                context.close()
        finally:
            browser.close()
    assert script_errors == []
    assert problems == [], "\n".join(problems)


WORDS = {
    "vi": {
        "overview": "Tổng quan",
        "audit": "Nhật ký kiểm toán",
        "over_7": "Trên 7 ngày",
        "event": "Sự kiện",
        "corrected": "Đã sửa",
        "filter": "Lọc",
        "next": "Trang sau",
    },
    "en": {
        "overview": "Overview",
        "audit": "Audit trail",
        "over_7": "Over 7 days",
        "event": "Event",
        "corrected": "Corrected",
        "filter": "Filter",
        "next": "Next page",
    },
}


@pytest.mark.parametrize("lang", list(LOCALES))
def test_an_admin_reads_the_overview_and_filters_the_audit_trail(
    lang: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    server: str,
    screenshots: Path,
) -> None:
    words = WORDS[lang]
    add_checked(sessions, settings, "old.pdf", received_at=datetime.now(UTC) - timedelta(days=9))
    add_checked(sessions, settings, "new.pdf")
    with transaction(sessions) as session:
        for number in range(55):
            audit.record(session, actor="rita", kind="corrected", data={"n": number})
    add_user(sessions, "ada", "admin")
    database = settings.resolved_database_url.split(":", 1)[0].split("+")[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_context(viewport=SCREENS["desktop"], locale=LOCALES[lang]).new_page()
            page.goto(f"{server}/login?lang={lang}")
            username, password = SIGN_IN[lang]
            page.get_by_label(username).fill("ada")
            page.get_by_label(password).fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review")

            menu = page.get_by_role("navigation")
            menu.get_by_role("link", name=words["overview"]).click()
            expect(page).to_have_url(f"{server}/overview")
            expect(page.locator("#waiting-total")).to_have_text("2")
            invoices = page.locator('#waiting tr[data-type="invoice"]')
            expect(invoices.locator('td[data-band="gt_7d"]')).to_have_text("1")
            expect(invoices.locator('td[data-band="lt_1d"]')).to_have_text("1")
            expect(page.get_by_role("columnheader", name=words["over_7"])).to_be_visible()
            page.screenshot(path=screenshots / f"overview-{lang}-{database}.png", full_page=True)

            menu.get_by_role("link", name=words["audit"]).click()
            expect(page).to_have_url(f"{server}/audit")
            page.get_by_label(words["event"]).select_option(label=words["corrected"])
            page.get_by_role("button", name=words["filter"]).click()
            rows = page.locator("#audit tbody tr")
            expect(rows).to_have_count(50)
            expect(page.locator('#audit td[data-kind]:not([data-kind="corrected"])')).to_have_count(
                0
            )
            page.screenshot(path=screenshots / f"audit-{lang}-{database}.png", full_page=True)
            page.get_by_role("link", name=words["next"]).click()
            expect(rows).to_have_count(5)
            expect(page.get_by_label(words["event"])).to_have_value("corrected")
        finally:
            browser.close()
