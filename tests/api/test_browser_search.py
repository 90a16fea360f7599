"""Searching the queue in a real browser (Chromium through Playwright), in Vietnamese and in
English, on each database: a reviewer presses `/`, types `hoa don` without a single accent
and finds the invoice printed `HÓA ĐƠN`, not the document without those words; saves the
search as a view, opens it again from the list, and deletes it.

Screenshots go where tests/api/test_browser.py puts its own (`$BACKOFFICE_SCREENSHOTS`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.worker import Worker
from pipeline.review import views
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import FIELDS, add_checked, ingest_inbox
from tests.support.machine import CHROMIUM, IN_CI
from tests.support.signin import PASSWORD, add_user

pytestmark = pytest.mark.slow

VIEWPORT = {"width": 1366, "height": 768}

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    if IN_CI:
        raise
    pytest.skip("Playwright is not installed", allow_module_level=True)

if not CHROMIUM.exists():
    if IN_CI:
        pytest.fail(f"Chromium is required under CI and missing at {CHROMIUM}", pytrace=False)
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


WORDS = {
    "vi": {
        "username": "Tên đăng nhập",
        "password": "Mật khẩu",
        "search": "Tìm kiếm",
        "view_name": "Tên cho bộ lọc này",
        "save_view": "Lưu bộ lọc",
        "delete_view": "Xóa bộ lọc",
        "deleted": "Đã xóa bộ lọc.",
        "clear": "Bỏ lọc",
        "view": "Hóa đơn chờ",
    },
    "en": {
        "username": "User name",
        "password": "Password",
        "search": "Search",
        "view_name": "Name for these filters",
        "save_view": "Save view",
        "delete_view": "Delete view",
        "deleted": "View deleted.",
        "clear": "Clear filters",
        "view": "Invoices waiting",
    },
}


@pytest.mark.parametrize("lang", list(WORDS))
def test_a_reviewer_finds_hoa_don_typed_without_accents_and_keeps_the_search(
    lang: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    server: str,
    screenshots: Path,
) -> None:
    words = WORDS[lang]
    # An invoice as the worker reads it, printed "HÓA ĐƠN GIÁ TRỊ GIA TĂNG", and a document
    # in review without those words.
    docgen.write(docgen.invoice(0), settings.inbox / "hd_0001.pdf")
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == 1
    finally:
        worker.close()
    other_fields = FIELDS | {"seller": {"name": "Công ty TNHH Minh Phát", "tax_id": "0312345678"}}
    add_checked(sessions, settings, "minh_phat.pdf", fields=other_fields)
    add_user(sessions, "rita", "reviewer")
    database = settings.resolved_database_url.split(":", 1)[0].split("+")[0]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))
            page.goto(f"{server}/login?lang={lang}&next=/review")
            page.get_by_label(words["username"]).fill("rita")
            page.get_by_label(words["password"]).fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review")
            invoice = page.locator("#queue tbody tr", has_text="hd_0001.pdf")
            other = page.locator("#queue tbody tr", has_text="minh_phat.pdf")
            expect(invoice).to_be_visible()
            expect(other).to_be_visible()

            # `/` goes to the search box from anywhere on the queue; Enter searches.
            page.keyboard.press("/")
            box = page.get_by_label(words["search"], exact=True)
            expect(box).to_be_focused()
            page.keyboard.type("hoa don")
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review?q=hoa+don")
            expect(invoice).to_be_visible()
            expect(other).to_have_count(0)
            expect(box).to_have_value("hoa don")
            page.screenshot(path=screenshots / f"search-{lang}-{database}.png")

            # Kept as a view, and picked again from the list after clearing the search.
            page.get_by_label(words["view_name"]).fill(words["view"])
            page.get_by_role("button", name=words["save_view"]).click()
            expect(page).to_have_url(f"{server}/review?q=hoa+don")
            link = page.get_by_role("link", name=words["view"], exact=True)
            expect(link).to_be_visible()
            page.get_by_role("link", name=words["clear"]).click()
            expect(page).to_have_url(f"{server}/review")
            expect(other).to_be_visible()
            link.focus()
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review?q=hoa+don")
            expect(other).to_have_count(0)
            expect(invoice).to_be_visible()

            page.get_by_role("button", name=f"{words['delete_view']} {words['view']}").click()
            expect(page.locator("#message")).to_have_text(words["deleted"])
            expect(link).to_have_count(0)
            assert script_errors == []
        finally:
            browser.close()
    with sessions() as session:
        assert views.list_views(session, owner="rita") == []
