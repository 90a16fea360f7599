"""Working faster in a real browser (Chromium through Playwright), in Vietnamese and English,
on each database: approving a selection from the queue, with one refused by a rule and one
by segregation of duties and the page saying why; zooming and moving a page with the field's
box staying on its words; a Word original shown as its pages, an e-invoice XML as its
invoice, and the original downloaded as it was dropped.

Screenshots go where tests/api/test_browser.py puts its own (`$BACKOFFICE_SCREENSHOTS`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.web_labels import LABELS, Lang, number
from pipeline.jobs.worker import Worker
from pipeline.ledger import posting
from pipeline.review.approval import ApprovalPolicy
from pipeline.store.db import transaction
from pipeline.store.models import DocumentStatus
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import FIELDS, add_checked, drop, settle, stored
from tests.support.machine import CHROMIUM, IN_CI
from tests.support.serving import serve
from tests.support.signin import PASSWORD, add_user

pytestmark = pytest.mark.slow  # a real Chromium per test, on the app served over HTTP

VIEWPORT = {"width": 1366, "height": 768}
LOCALES: dict[str, Lang] = {"vi-VN": "vi", "en-GB": "en"}
DUAL = Decimal(1_000_000)  # FIELDS is an invoice of 1.100.000 VND: two approvals each

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    if IN_CI:
        raise
    pytest.skip("Playwright is not installed", allow_module_level=True)

if not CHROMIUM.exists():
    if IN_CI:
        pytest.fail(f"Chromium is required under CI and missing at {CHROMIUM}", pytrace=False)
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


def signed_in(browser: Browser, url: str, locale: str, name: str, target: str) -> Page:
    t = LABELS[LOCALES[locale]]
    page = browser.new_context(viewport=VIEWPORT, locale=locale, accept_downloads=True).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{url}/login?next={target}")
    page.get_by_label(t["username"]).fill(name)
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.keyboard.press("Enter")
    # Password hashing is slow on purpose, slower still on a machine busy with other tests.
    expect(page).to_have_url(f"{url}{target}", timeout=30_000)
    page.script_errors = errors  # type: ignore[attr-defined]
    return page


def database(settings: Settings) -> str:
    return settings.resolved_database_url.split(":", 1)[0].split("+")[0]


def process(settings: Settings, count: int) -> None:
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == count
    finally:
        worker.close()


@pytest.mark.parametrize("locale", list(LOCALES))
def test_approving_a_selection_says_which_were_refused_and_why(
    locale: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    chromium: Browser,
    screenshots: Path,
) -> None:
    t = LABELS[LOCALES[locale]]
    dual = settings.model_copy(update={"dual_approval_above": DUAL})
    first = add_checked(sessions, dual, "hd_1.pdf", fields=FIELDS | {"invoice_number": "11"})
    second = add_checked(sessions, dual, "hd_2.pdf", fields=FIELDS | {"invoice_number": "12"})
    wrong = settle(sessions, dual, "hd_sai.pdf", FIELDS | {"invoice_number": "13", "total": "1"})
    mine = add_checked(sessions, dual, "hd_cua_toi.pdf", fields=FIELDS | {"invoice_number": "14"})
    with transaction(sessions) as session:
        # victor approved it once: he may not give it its second approval too
        posting.approve(session, document_id=mine, actor="victor", policy=ApprovalPolicy(DUAL))
    add_user(sessions, "victor", "reviewer", "approver")

    with serve(dual) as url:
        page = signed_in(chromium, url, locale, "victor", "/review")
        page.locator("#queue").get_by_label(t["select_all"], exact=True).check()
        page.locator("#awaiting").get_by_label(f"{t['select_row']} hd_cua_toi.pdf").check()
        expect(page.locator("#bulk-count")).to_have_text("(4)")
        page.get_by_role("button", name=t["approve_selected"]).click()

        summary = page.locator("#bulk-summary")
        expect(summary).to_contain_text(t["bulk_summary"].format(approved=2, refused=2))
        for approved in (first, second):
            item = summary.locator(f'li[data-id="{approved}"]')
            expect(item).to_have_class("approved")
            expect(item).to_contain_text(f"{t['bulk_approved']} ({t['bulk_status_approved']})")
            expect(page.locator(f'#queue tr[data-id="{approved}"] input.pick')).to_be_disabled()
        refused = summary.locator(f'li[data-id="{wrong}"]')
        expect(refused).to_have_class("refused")
        expect(refused).to_contain_text("hd_sai.pdf")
        expect(refused).to_contain_text(f"{t['bulk_code_rules_failed']}: ")
        expect(refused).to_contain_text("invoice.totals_add_up")
        duties = summary.locator(f'li[data-id="{mine}"]')
        expect(duties).to_have_class("refused")
        expect(duties).to_contain_text(t["bulk_code_second_approval_refused"])
        page.screenshot(path=screenshots / f"bulk-{locale}-{database(settings)}.png")
        assert page.script_errors == []  # type: ignore[attr-defined]

    assert [stored(sessions, d).status for d in (first, second, wrong, mine)] == [
        DocumentStatus.APPROVED,
        DocumentStatus.APPROVED,
        DocumentStatus.REVIEW,
        DocumentStatus.APPROVED,
    ]


def wait_for_image(page: Page, seconds: float = 120) -> None:
    """Until the page image has loaded (the page's CSP forbids the evaluated predicates
    `wait_for_function` polls with)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(
            "() => { const i = document.getElementById('page-image');"
            " return i.complete && i.naturalWidth > 0; }"
        ):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page image did not load")


def box_on_image(page: Page) -> dict[str, float]:
    """Where the field's box is on the page image, as fractions of the image."""
    measured: dict[str, float] = page.evaluate(
        """() => {
          const image = document.getElementById("page-image").getBoundingClientRect();
          const box = document.getElementById("box").getBoundingClientRect();
          return {left: (box.left - image.left) / image.width,
                  top: (box.top - image.top) / image.height,
                  right: (box.right - image.left) / image.width,
                  bottom: (box.bottom - image.top) / image.height,
                  width: image.width};
        }"""
    )
    return measured


@pytest.mark.parametrize("locale", list(LOCALES))
def test_zooming_and_moving_the_page_keeps_the_fields_box_on_its_words(
    locale: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    chromium: Browser,
    screenshots: Path,
) -> None:
    t = LABELS[LOCALES[locale]]
    document_id = drop(settings, sessions, "hd_0001.pdf", docgen.invoice(0).content)
    process(settings, 1)
    add_user(sessions, "rita", "reviewer")
    with serve(settings) as url:
        page = signed_in(chromium, url, locale, "rita", f"/review/{document_id}")
        page.locator('input[data-path="total"]').focus()
        box = page.locator("#box")
        expect(box).to_be_visible()
        expect(box).to_have_attribute("data-path", "total")
        before = box_on_image(page)
        first_image = page.locator("#page-image").get_attribute("src")

        page.evaluate("document.activeElement.blur()")  # keys typed go to the page, not a field
        page.keyboard.type("+")
        page.get_by_role("button", name=t["zoom_in"]).click()
        level = page.locator("#zoom-level")
        expect(level).to_have_text("156%")
        zoomed = box_on_image(page)
        assert zoomed["width"] == pytest.approx(before["width"] * 1.5625, abs=2)
        for side in ("left", "top", "right", "bottom"):
            assert zoomed[side] == pytest.approx(before[side], abs=0.004), side
        # The sharper image, asked for at the new size, leaves the box where it was.
        expect(page.locator("#page-image")).not_to_have_attribute("src", first_image or "")
        wait_for_image(page)
        assert box_on_image(page)["left"] == pytest.approx(before["left"], abs=0.004)

        # Dragging moves the page under the pointer.
        pane = page.locator(".pages")
        start = pane.evaluate("p => [p.scrollLeft, p.scrollTop]")
        page.mouse.move(400, 400)
        page.mouse.down()
        page.mouse.move(300, 330, steps=5)
        page.mouse.up()
        moved = pane.evaluate("p => [p.scrollLeft, p.scrollTop]")
        assert moved[0] == pytest.approx(start[0] + 100, abs=3)
        assert moved[1] == pytest.approx(start[1] + 70, abs=3)
        # A drag is no click on the page: the box is still the total's.
        expect(box).to_have_attribute("data-path", "total")
        assert box_on_image(page)["left"] == pytest.approx(before["left"], abs=0.004)

        # Ctrl+wheel zooms out again around the pointer; 0 fits the width.
        page.mouse.move(300, 300)
        page.keyboard.down("Control")
        page.mouse.wheel(0, 100)
        page.keyboard.up("Control")
        expect(level).to_have_text("125%")
        page.keyboard.press("0")
        expect(level).to_have_text("100%")
        fitted = box_on_image(page)
        assert fitted["width"] == pytest.approx(before["width"], abs=1)
        assert fitted["left"] == pytest.approx(before["left"], abs=0.004)
        page.get_by_role("button", name=t["zoom_in"]).click()
        page.screenshot(path=screenshots / f"zoom-{locale}-{database(settings)}.png")
        assert page.script_errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("locale", list(LOCALES))
def test_word_and_einvoice_originals_are_shown_and_downloaded_as_dropped(
    locale: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    chromium: Browser,
    screenshots: Path,
) -> None:
    lang = LOCALES[locale]
    t = LABELS[lang]
    word = docgen.as_docx(docgen.contract(95))
    contract = drop(settings, sessions, "hợp đồng.docx", word.content)
    einvoice = docgen.einvoice_xml(7)
    xml = drop(settings, sessions, "hd_dien_tu.xml", einvoice.content)
    process(settings, 2)
    add_user(sessions, "rita", "reviewer")
    fields: dict[str, Any] = einvoice.fields
    with serve(settings) as url:
        # The Word file: its pages as LibreOffice lays them out, turned with ] and [.
        page = signed_in(chromium, url, locale, "rita", f"/review/{contract}")
        image = page.locator("#page-image")
        expect(image).to_be_visible()
        wait_for_image(page)
        expect(page.locator("#pager")).to_be_visible()
        expect(page.locator("#page-number")).to_have_text("1")
        page.get_by_role("button", name=t["zoom_in"]).click()
        page.keyboard.press("]")
        expect(page.locator("#page-number")).to_have_text("2")
        expect(image).to_have_attribute("src", re.compile(rf"/documents/{contract}/pages/2\.png"))
        page.keyboard.press("[")
        expect(page.locator("#page-number")).to_have_text("1")
        page.screenshot(path=screenshots / f"docx-{locale}-{database(settings)}.png")
        with page.expect_download() as download:
            page.get_by_role("link", name=t["download"]).click()
        assert Path(download.value.path()).read_bytes() == word.content
        assert download.value.suggested_filename == "hợp đồng.docx"
        assert page.script_errors == []  # type: ignore[attr-defined]

        # The e-invoice XML: the invoice it states, seller and total as this office writes.
        page = signed_in(chromium, url, locale, "rita", f"/review/{xml}")
        expect(page.locator("#no-pages")).to_be_hidden()
        frame = page.frame_locator("#einvoice")
        expect(frame.locator("#seller .name")).to_have_text(fields["seller"]["name"])
        expect(frame.locator("#buyer .name")).to_have_text(fields["buyer"]["name"])
        expect(frame.locator("#total")).to_contain_text(number(fields["total"], lang))
        expect(frame.locator("h1")).to_have_text(t["einvoice_view"])
        page.screenshot(path=screenshots / f"einvoice-{locale}-{database(settings)}.png")
        with page.expect_download() as download:
            page.get_by_role("link", name=t["download"]).click()
        assert Path(download.value.path()).read_bytes() == einvoice.content
        assert page.script_errors == []  # type: ignore[attr-defined]
