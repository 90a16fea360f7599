"""The review pages in a real browser (Chromium through Playwright) against a real server on
each database: a reviewer signs in through the form, opens the queue and an invoice whose
total was misread, sees the failing rule, corrects the total with the keyboard, sees the rule
pass, approves with Ctrl+Enter, and the accountant finds the posted entry.

Screenshots of the queue and the document go to `$BACKOFFICE_SCREENSHOTS`, by default a
`screenshots` folder under pytest's base temporary directory; their paths are printed.
Outside CI the test skips without Chromium or Playwright; under CI=true it fails instead."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.processing import rule_book
from pipeline.jobs.worker import Worker
from pipeline.review import checking, documents
from pipeline.store.db import transaction
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import add_checked, ingest_inbox
from tests.support.machine import CHROMIUM, IN_CI
from tests.support.memories import REVIEWER, teach
from tests.support.serving import serve
from tests.support.signin import PASSWORD, add_token, add_user

# Slow: a real Chromium per test, on the app served over HTTP.
pytestmark = pytest.mark.slow

VIEWPORT = {"width": 1366, "height": 768}
TOTAL = Decimal(docgen.invoice(0).fields["total"])  # the generated invoice's, as printed

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


def misread_invoice(settings: Settings, sessions: sessionmaker[Session]) -> tuple[int, int]:
    """A generated invoice read by the real worker, whose total is then stored 1.000 VND too
    high, as if misread: `invoice.totals_add_up` fails. Behind it in the queue, another
    invoice that fails a rule too (its printed total is wrong)."""
    docgen.write(docgen.invoice(0), settings.inbox / "hd_0001.pdf")
    ingest_inbox(settings)
    docgen.write(docgen.invoice(1, fault="total"), settings.inbox / "hd_0002.pdf")
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == 2
    finally:
        worker.close()
    with transaction(sessions) as session:
        second, first = documents.list_documents(session, limit=10)
        checking.correct_fields(
            session,
            document=first,
            version=first.version,
            changes={"total": str(TOTAL + 1000)},
            rules=rule_book(settings).current(),
            actor="misreading",
        )
        return first.id, second.id


def someone_else_changes(settings: Settings, sessions: sessionmaker[Session], id_: int) -> None:
    with transaction(sessions) as session:
        document = documents.get_document(session, document_id=id_)
        checking.correct_fields(
            session,
            document=document,
            version=document.version,
            changes={"po_number": "PO-7"},
            rules=rule_book(settings).current(),
            actor="ravi",
        )


def test_a_reviewer_corrects_a_misread_total_and_approves_it_in_the_browser(
    settings: Settings,
    sessions: sessionmaker[Session],
    server: str,
    screenshots: Path,
) -> None:
    document_id, next_id = misread_invoice(settings, sessions)
    add_user(sessions, "rita", "reviewer")
    accountant = add_token(sessions, "books", "accountant")
    database = settings.resolved_database_url.split(":", 1)[0].split("+")[0]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
            page = context.new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))

            # Anonymous: sent to sign in, and back to the queue after.
            page.goto(f"{server}/review")
            expect(page).to_have_url(f"{server}/login?next=%2Freview")
            expect(page.locator("h1")).to_have_text("Đăng nhập")
            page.get_by_label("Tên đăng nhập").fill("rita")
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review")

            row = page.locator(f'#queue tr[data-id="{document_id}"]')
            expect(row).to_contain_text("hd_0001.pdf")
            expect(row).to_contain_text(_vi(TOTAL + 1000))
            expect(row).to_have_class("failing selected")
            queue_shot = screenshots / f"queue-{database}.png"
            page.screenshot(path=queue_shot)
            page.keyboard.press("j")
            expect(page.locator(f'#queue tr[data-id="{next_id}"]')).to_have_class(
                "failing selected"
            )
            page.keyboard.press("k")
            expect(row).to_have_class("failing selected")

            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review/{document_id}")
            failing = page.locator('#rules li[data-rule="invoice.totals_add_up"]')
            expect(failing).to_have_class("failed error")
            expect(page.locator("#rules li").first).to_have_attribute(
                "data-rule", "invoice.totals_add_up"
            )

            total = page.locator('input[data-path="total"]')
            expect(total).to_have_value(_vi(TOTAL + 1000))
            total.click()
            box = page.locator("#box")
            expect(box).to_be_visible()
            expect(box).to_have_attribute("data-path", "total")
            where = box.bounding_box()
            assert where is not None and where["width"] > 10

            # A click inside a field's box on the page focuses that field.
            page.locator('input[data-path="invoice_number"]').focus()
            expect(box).to_have_attribute("data-path", "invoice_number")
            page.mouse.click(where["x"] + where["width"] / 2, where["y"] + where["height"] / 2)
            expect(total).to_be_focused()

            # J and K, outside a field, go to the next and the previous document.
            page.locator("h2").first.click()
            page.keyboard.press("j")
            expect(page).to_have_url(f"{server}/review/{next_id}")
            # Read with less confidence than 0.9: marked.
            expect(page.locator('#fields tr[data-path="invoice_series"]')).to_have_class("low")
            page.keyboard.press("k")
            expect(page).to_have_url(f"{server}/review/{document_id}")

            message = page.locator("#message")
            page.keyboard.press("Control+Enter")
            expect(message).to_contain_text("Không thể duyệt khi còn quy tắc lỗi không đạt:")
            # The rule's message in the reviewer's language, amounts as the office writes them.
            expect(message).to_contain_text(f"nhưng tổng cộng thanh toán là {_vi(TOTAL + 1000)}")
            total.fill("37.47x.000")
            total.press("Enter")
            expect(message).to_have_text(
                "Chưa lưu: giá trị không hợp lệ. Tổng cộng thanh toán: Số tiền phải là một số, "
                "ví dụ 1.234.567 hoặc 1234567,5."
            )
            expect(failing).to_have_class("failed error")

            total.fill(_vi(TOTAL))
            total.press("Enter")
            expect(failing).to_have_class("passed error")
            expect(message).to_have_text("Đã lưu.")
            expect(page.locator("#version")).not_to_have_text("1")
            expect(total).to_have_value(_vi(TOTAL))
            expect(box).to_be_visible()
            # Everything a reviewer needs fits a 1366×768 screen: no scrolling the page.
            assert page.evaluate("document.documentElement.scrollHeight") <= VIEWPORT["height"]
            document_shot = screenshots / f"document-{database}.png"
            page.screenshot(path=document_shot)

            # Another reviewer's change meanwhile: ours is refused, nothing overwritten.
            someone_else_changes(settings, sessions, document_id)
            po_number = page.locator('input[data-path="po_number"]')
            po_number.fill("PO-8")
            po_number.press("Enter")
            expect(message).to_contain_text("người khác sửa")
            page.reload()
            expect(po_number).to_have_value("PO-7")

            page.keyboard.press("Control+Enter")
            expect(page.locator("#message")).to_have_text("Đã duyệt.")
            expect(page.locator("#status")).to_have_text("Đã ghi sổ")
            assert script_errors == []
        finally:
            browser.close()
    print(f"\nscreenshots: {queue_shot} {document_shot}")

    entries = httpx.get(
        f"{server}/api/v1/entries", headers={"Authorization": f"Bearer {accountant}"}
    )
    assert entries.status_code == 200, entries.text
    (entry,) = [e for e in entries.json()["items"] if e["document_id"] == document_id]
    credited = sum(Decimal(line["credit"]) for line in entry["lines"])
    assert credited == TOTAL


def _vi(amount: Decimal) -> str:
    return f"{amount:,f}".replace(",", ".")


def test_a_clerk_uploads_a_file_through_the_form(
    settings: Settings, sessions: sessionmaker[Session], server: str, tmp_path: Path
) -> None:
    add_user(sessions, "carol", "clerk")
    pdf = docgen.write(docgen.invoice(3), tmp_path / "hd_0003.pdf")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT, locale="en-GB").new_page()
            page.goto(f"{server}/")
            page.get_by_label("User name").fill("carol")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            # A clerk's home is the upload form; the queue is not theirs.
            expect(page).to_have_url(f"{server}/upload")
            expect(page.get_by_role("link", name="Review queue")).to_have_count(0)
            page.get_by_label("File to upload").set_input_files(pdf)
            page.get_by_role("button", name="Upload", exact=True).click()
            expect(page.locator("#message")).to_contain_text("Received as document")
            page.get_by_label("File to upload").set_input_files(pdf)
            page.get_by_role("button", name="Upload", exact=True).click()
            expect(page.locator("#message")).to_contain_text("Already received as document")
        finally:
            browser.close()
    with sessions() as session:
        (document,) = documents.list_documents(session)
        assert (document.filename, document.uploaded_by) == ("hd_0003.pdf", "carol")


def test_an_approver_gives_the_second_approval_in_the_browser(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    dual = settings.model_copy(update={"dual_approval_above": Decimal(1_000_000)})
    invoice = add_checked(sessions, dual, "hd_big.pdf")  # 1.100.000 VND
    add_user(sessions, "rita", "reviewer")
    add_user(sessions, "anna", "approver")
    with serve(dual) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            script_errors: list[str] = []
            pages = []
            for name in ("rita", "anna"):
                page = browser.new_context(viewport=VIEWPORT, locale="en-GB").new_page()
                page.on("pageerror", lambda error: script_errors.append(str(error)))
                page.goto(f"{url}/login?next=/review")
                page.get_by_label("User name").fill(name)
                page.get_by_label("Password").fill(PASSWORD)
                page.keyboard.press("Enter")
                expect(page).to_have_url(f"{url}/review")
                pages.append(page)
            reviewer, approver = pages

            reviewer.goto(f"{url}/review/{invoice}")
            expect(reviewer.locator("#approval")).to_contain_text("Needs two approvals:")
            reviewer.keyboard.press("Control+Enter")
            expect(reviewer.locator("#message")).to_have_text(
                "Approved: awaiting a second approval by another approver."
            )
            expect(reviewer.locator("#status")).to_have_text("Approved")
            expect(reviewer.locator("#approval")).to_contain_text("Approved by rita (1)")
            expect(reviewer.locator("#second-approval")).to_be_hidden()

            approver.reload()
            approver.get_by_role("link", name="hd_big.pdf").click()
            expect(approver).to_have_url(f"{url}/review/{invoice}")
            expect(approver.locator("#approval")).to_contain_text("Awaiting second approval")
            approver.get_by_role("button", name="Second approval").click()
            expect(approver.locator("#message")).to_have_text("Second approval given: posted.")
            expect(approver.locator("#status")).to_have_text("Posted")
            expect(approver.locator("#approval")).to_contain_text("rita (1), anna (2)")
            assert script_errors == []
        finally:
            browser.close()


def test_a_reviewer_adds_and_removes_lines_rejects_and_reopens_in_the_browser(
    settings: Settings, sessions: sessionmaker[Session], server: str
) -> None:
    invoice = add_checked(sessions, settings, "hd_lines.pdf")  # one line: Giấy A4
    add_user(sessions, "rita", "reviewer")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT, locale="en-GB").new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))
            answers = iter(["not our order", "misjudged"])
            page.on(
                "dialog",
                lambda dialog: dialog.accept(next(answers) if dialog.type == "prompt" else ""),
            )
            page.goto(f"{server}/login?next=/review/{invoice}")
            page.get_by_label("User name").fill("rita")
            page.get_by_label("Password").fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review/{invoice}")
            message = page.locator("#message")
            rows = page.locator("#lines tbody tr")
            expect(rows).to_have_count(1)

            page.get_by_role("button", name="Add a line").click()
            expect(message).to_have_text("Line added.")
            expect(rows).to_have_count(2)
            amount = page.locator('input[data-path="line_items[1].amount"]')
            amount.fill("5000")
            amount.press("Enter")
            expect(message).to_have_text("Saved.")
            page.get_by_role("button", name="Remove line 1").click()  # confirmed
            expect(message).to_have_text("Line removed.")
            expect(rows).to_have_count(1)
            expect(page.locator('input[data-path="line_items[0].amount"]')).to_have_value("5,000")

            page.get_by_role("button", name="Reject").click()  # the reason is asked for
            expect(message).to_have_text("Rejected.")
            expect(page.locator("#status")).to_have_text("Rejected")
            expect(page.get_by_role("button", name="Add a line")).to_be_hidden()
            page.get_by_role("button", name="Reopen").click()
            expect(message).to_have_text("Back in review.")
            expect(page.locator("#status")).to_have_text("In review")
            assert script_errors == []
        finally:
            browser.close()
    with sessions() as session:
        history = documents.get_document(session, document_id=invoice).events
        decided = {event.kind: event.data for event in history}
    assert decided["rejected"]["reason"] == "not our order"
    assert decided["reopened"]["reason"] == "misjudged"


def test_a_reviewer_sees_which_values_a_memory_read_and_the_senders_learning_curve(
    settings: Settings, sessions: sessionmaker[Session], server: str, screenshots: Path
) -> None:
    taught = teach(settings, sessions)
    add_user(sessions, "rosa", "reviewer")
    database = settings.resolved_database_url.split(":", 1)[0].split("+")[0]
    seller_memory = taught.memory_ids["seller.address"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT, locale="vi-VN").new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))
            page.goto(f"{server}/login?next=/review/{taught.learned_id}")
            page.get_by_label("Tên đăng nhập").fill("rosa")
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review/{taught.learned_id}")

            # Each value a memory read says so in words, names the memory and links to the
            # document whose correction taught it; the field's input points at the badge.
            for path, memory_id in taught.memory_ids.items():
                badge = page.locator(f'#fields tr[data-path="{path}"] .learned')
                expect(badge).to_have_text(f"đã học #{memory_id}")
                expect(badge).to_have_attribute("href", f"/review/{taught.corrected_id}")
                expect(badge).to_have_attribute(
                    "title",
                    f"Đọc theo vị trí học được từ lần sửa của người duyệt: bộ nhớ #{memory_id}, "
                    f"học từ lần sửa chứng từ #{taught.corrected_id} bởi {REVIEWER}",
                )
                field = page.locator(f'#fields input[data-path="{path}"]')
                expect(field).to_have_attribute(
                    "aria-describedby", f"learned-{path.replace('.', '-')}"
                )
            expect(page.locator(".learned")).to_have_count(len(taught.memory_ids))

            # The sender's curve: two fields corrected on the first document, none yet here.
            curve = page.locator("#curve")
            expect(curve).to_contain_text("Đã sửa:")
            counts = page.locator("#curve-values a")
            expect(counts).to_have_text(["2", "0"])
            # This document's count is marked for the eye (bold, boxed) and in words.
            expect(counts.nth(1)).to_have_class("this")
            expect(counts.nth(0)).not_to_have_class("this")
            expect(counts.nth(1)).to_have_attribute("aria-current", "page")
            expect(counts.nth(1)).to_have_attribute(
                "aria-label", f"0 trường đã sửa trên chứng từ #{taught.learned_id} (chứng từ này)"
            )
            page.screenshot(path=screenshots / f"learned-vi-{database}.png")

            # A correction here: the curve counts it at once, and the corrected value is the
            # reviewer's now, no longer the memory's.
            buyer_address = page.locator('#fields input[data-path="buyer.address"]')
            buyer_address.fill("Số 9 đường Khác, Quận 1")
            buyer_address.press("Enter")
            expect(page.locator("#message")).to_have_text("Đã lưu.")
            expect(counts).to_have_text(["2", "1"])
            expect(page.locator('#fields tr[data-path="buyer.address"] .learned')).to_have_count(0)
            expect(page.locator('#fields tr[data-path="seller.address"] .learned')).to_have_count(1)

            page.goto(f"{server}/review/{taught.learned_id}?lang=en")
            badge = page.locator('#fields tr[data-path="seller.address"] .learned')
            expect(badge).to_have_text(f"learned #{seller_memory}")
            expect(badge).to_have_attribute(
                "title",
                f"Read where a reviewer's correction taught: memory #{seller_memory}, learned "
                f"from the correction of document #{taught.corrected_id} by {REVIEWER}",
            )
            expect(curve).to_contain_text("Corrected:")
            expect(counts).to_have_text(["2", "1"])
            expect(counts.nth(0)).to_have_attribute(
                "aria-label", f"2 fields corrected on document #{taught.corrected_id}"
            )
            shot = screenshots / f"learned-en-{database}.png"
            page.screenshot(path=shot)
            assert script_errors == []
        finally:
            browser.close()
    print(f"\nscreenshot: {shot}")


def unclassified_invoice(settings: Settings, sessions: sessionmaker[Session]) -> int:
    """A generated invoice read by the real worker, then left as the classifier leaves a
    document it cannot place: type `unknown`, no fields."""
    docgen.write(docgen.invoice(0), settings.inbox / "scan_0001.pdf")
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == 1
    finally:
        worker.close()
    with transaction(sessions) as session:
        (document,) = documents.list_documents(session, limit=10)
        document.doc_type = "unknown"
        document.record = (document.record or {}) | {"doc_type": "unknown", "fields": {}}
        return document.id


UNKNOWN_WORDS = {
    "vi-VN": {
        "username": "Tên đăng nhập",
        "password": "Mật khẩu",
        "unknown": "Chưa rõ loại",
        "needed": "Chưa thể duyệt: chưa rõ loại của chứng từ này.",
        "type": "Loại",
        "invoice": "Hóa đơn",
        "read_as": "Đọc lại theo loại này",
        "sent": "Đã gửi đọc lại theo loại Hóa đơn.",
        "review": "Chờ duyệt",
        "received": "Đã nhận",
    },
    "en-GB": {
        "username": "User name",
        "password": "Password",
        "unknown": "Unknown type",
        "needed": "Cannot approve yet: this document's type is unknown.",
        "type": "Type",
        "invoice": "Invoice",
        "read_as": "Read again as this type",
        "sent": "Sent to be read again as Invoice.",
        "review": "In review",
        "received": "Received",
    },
}


@pytest.mark.parametrize("locale", list(UNKNOWN_WORDS))
def test_a_reviewer_chooses_the_type_of_an_unknown_document_before_approving_it(
    locale: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    server: str,
    screenshots: Path,
) -> None:
    words = UNKNOWN_WORDS[locale]
    document_id = unclassified_invoice(settings, sessions)
    add_user(sessions, "rita", "reviewer")
    database = settings.resolved_database_url.split(":", 1)[0].split("+")[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT, locale=locale).new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))
            page.goto(f"{server}/login?next=/review/{document_id}")
            page.get_by_label(words["username"]).fill("rita")
            page.get_by_label(words["password"]).fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review/{document_id}")

            # Approve is there but disabled, and the page says why in words.
            expect(page.locator("#doc-type-name")).to_have_text(words["unknown"])
            approve = page.locator("#approve")
            expect(approve).to_be_visible()
            expect(approve).to_be_disabled()
            reason = page.locator("#type-needed")
            expect(reason).to_be_visible()
            expect(reason).to_contain_text(words["needed"])
            expect(approve).to_have_accessible_description(reason.inner_text())
            # Ctrl+Enter does not get round it.
            page.keyboard.press("Control+Enter")
            expect(page.locator("#message")).to_contain_text(words["needed"])
            expect(page.locator("#status")).to_have_text(words["review"])
            page.screenshot(path=screenshots / f"unknown-{locale}-{database}.png")

            read_as = page.get_by_role("button", name=words["read_as"])
            expect(read_as).to_be_disabled()
            page.get_by_label(words["type"], exact=True).select_option(label=words["invoice"])
            read_as.click()
            expect(page.locator("#message")).to_have_text(words["sent"])
            expect(page.locator("#status")).to_have_text(words["received"])
            expect(approve).to_be_hidden()
            expect(reason).to_be_hidden()

            # The worker reads it again as an invoice: back in review, approvable.
            worker = Worker(settings)
            try:
                assert worker.run(exit_when_idle=True) == 1
            finally:
                worker.close()
            page.reload()
            expect(page.locator("#status")).to_have_text(words["review"])
            expect(page.locator("#doc-type-name")).to_have_text(words["invoice"])
            expect(approve).to_be_enabled()
            expect(reason).to_be_hidden()
            # A hidden reason is still read out when referenced: no longer referenced.
            expect(approve).to_have_accessible_description("")
            expect(page.locator('input[data-path="total"]')).not_to_have_value("")
            assert script_errors == []
        finally:
            browser.close()
    with sessions() as session:
        stored_document = documents.get_document(session, document_id=document_id)
        assert stored_document.doc_type == "invoice"
        assert stored_document.status.value == "review"
