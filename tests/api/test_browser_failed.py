"""The failed view in a real browser (Chromium through Playwright), in Vietnamese and English,
on each database: a reviewer goes from the queue to the documents whose processing failed,
reads why in words beside each file, retries one whose cause was fixed (a page limit
raised: it comes back to review) and rejects a damaged one.

Screenshots go to `$BACKOFFICE_SCREENSHOTS`, by default a `screenshots` folder under
pytest's base temporary directory, as for tests/api/test_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.worker import Worker
from pipeline.store.models import Document, DocumentStatus
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import ingest_inbox
from tests.support.machine import CHROMIUM, IN_CI
from tests.support.signin import PASSWORD, add_user

# Slow: a real Chromium per test, on the app served over HTTP.
pytestmark = pytest.mark.slow

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


def run_worker(settings: Settings) -> int:
    worker = Worker(settings)
    try:
        return worker.run(exit_when_idle=True)
    finally:
        worker.close()


def failed_files(settings: Settings, sessions: sessionmaker[Session]) -> dict[str, int]:
    """A damaged PDF and a two-page contract read by a worker allowed one page: both fail,
    as `corrupt_file` and `too_large`."""
    docgen.truncated_pdf(settings.inbox / "hong.pdf")
    docgen.write(docgen.contract(0), settings.inbox / "hop_dong.pdf")
    ingest_inbox(settings)
    assert run_worker(settings.model_copy(update={"max_pages": 1})) == 2
    with sessions() as session:
        rows = session.scalars(select(Document)).all()
        assert {row.status for row in rows} == {DocumentStatus.FAILED}
        return {row.filename: row.id for row in rows}


FAILED_WORDS = {
    "vi-VN": {
        "username": "Tên đăng nhập",
        "password": "Mật khẩu",
        "link": "Chứng từ xử lý không thành công",
        "title": "Chứng từ xử lý lỗi",
        "corrupt": "Tệp bị hỏng hoặc không đọc được: hãy xuất hoặc quét lại và gửi lại.",
        "too_large": "Tệp quá lớn hoặc quá nhiều trang: hãy tách thành các tệp nhỏ hơn.",
        "retry": "Thử lại",
        "retried": "Đã gửi đọc lại.",
        "reject": "Từ chối",
        "rejected": "Đã từ chối.",
        "empty": "Không có chứng từ nào xử lý lỗi.",
        "failed_reason": "Xử lý không thành công",
    },
    "en-GB": {
        "username": "User name",
        "password": "Password",
        "link": "Documents whose processing failed",
        "title": "Failed documents",
        "corrupt": "The file is damaged or unreadable: please export or scan it again and resend.",
        "too_large": "The file is too large or has too many pages: please split it into "
        "smaller files.",
        "retry": "Retry",
        "retried": "Sent to be read again.",
        "reject": "Reject",
        "rejected": "Rejected.",
        "empty": "No document failed in processing.",
        "failed_reason": "Processing failed",
    },
}


@pytest.mark.parametrize("locale", list(FAILED_WORDS))
def test_a_reviewer_retries_and_rejects_failed_documents_from_the_failed_view(
    locale: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    server: str,
    screenshots: Path,
) -> None:
    words = FAILED_WORDS[locale]
    ids = failed_files(settings, sessions)
    add_user(sessions, "rita", "reviewer")
    database = settings.resolved_database_url.split(":", 1)[0].split("+")[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_context(
                viewport={"width": 1366, "height": 768}, locale=locale
            ).new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))
            page.goto(f"{server}/login?next=/review")
            page.get_by_label(words["username"]).fill("rita")
            page.get_by_label(words["password"]).fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review")

            # From the queue to the failed view: each file with why, in words.
            page.get_by_role("link", name=words["link"]).click()
            expect(page).to_have_url(f"{server}/review/failed")
            expect(page.locator("h1")).to_have_text(words["title"])
            broken = page.locator(f'#failed tr[data-id="{ids["hong.pdf"]}"]')
            contract = page.locator(f'#failed tr[data-id="{ids["hop_dong.pdf"]}"]')
            expect(broken.locator("td").first).to_have_text("hong.pdf")
            expect(broken.locator(".reason .words")).to_have_text(words["corrupt"])
            expect(contract.locator("td").first).to_have_text("hop_dong.pdf")
            expect(contract.locator(".reason .words")).to_have_text(words["too_large"])
            # The technical detail is there, folded away.
            expect(broken.locator(".reason code")).to_contain_text("corrupt_file: ")
            expect(broken.locator(".reason code")).to_be_hidden()
            shot = screenshots / f"failed-{locale}-{database}.png"
            page.screenshot(path=shot, full_page=True)

            # The document's own page says why too.
            broken.get_by_role("link", name="hong.pdf").click()
            expect(page.locator("#failure-reason")).to_contain_text(words["failed_reason"])
            expect(page.locator("#failure-reason")).to_contain_text(words["corrupt"])
            page.screenshot(path=screenshots / f"failed-document-{locale}-{database}.png")
            page.go_back()

            # The page limit raised, the contract is retried: it leaves the list.
            contract.get_by_role("button", name=words["retry"]).click()
            expect(page.locator("#message")).to_have_text(words["retried"])
            expect(contract).to_have_count(0)

            # The damaged file is rejected, with the reason asked for.
            page.once("dialog", lambda dialog: dialog.accept("tệp hỏng, đã xin bản khác"))
            broken.get_by_role("button", name=words["reject"]).click()
            expect(page.locator("#message")).to_have_text(words["rejected"])
            expect(broken).to_have_count(0)
            page.reload()
            expect(page.locator("main")).to_contain_text(words["empty"])
            assert script_errors == []
        finally:
            browser.close()
    print(f"\nscreenshot: {shot}")

    # Read again with the limit raised (default settings): once, and in review.
    assert run_worker(settings) == 1
    with sessions() as session:
        rows = {row.filename: row for row in session.scalars(select(Document)).all()}
    assert rows["hong.pdf"].status is DocumentStatus.REJECTED
    assert (rows["hop_dong.pdf"].status, rows["hop_dong.pdf"].doc_type) == (
        DocumentStatus.REVIEW,
        "contract",
    )
