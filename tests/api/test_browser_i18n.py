"""The review pages in each language, in a real browser (Chromium through Playwright): the
sign-in, queue, upload and a document page of each type show no word of the other language's
label catalogue (rule messages included), and dates and amounts are typed as the office writes
them, saved as the API's ISO dates and decimal strings, and refused in words.

Screenshots of every page go to `$BACKOFFICE_SCREENSHOTS` (by default a `screenshots` folder
under pytest's base temporary directory)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.web_labels import FIELD_LABELS, LABELS, Lang
from pipeline.review import documents
from pipeline.store.settings import Settings
from rules.engine import CompiledRule
from rules.loader import load_rules
from tests import docgen
from tests.support.documents import add_checked
from tests.support.machine import CHROMIUM, IN_CI
from tests.support.signin import PASSWORD, add_token, add_user

pytestmark = pytest.mark.slow

VIEWPORT = {"width": 1366, "height": 768}
LOCALES: dict[str, Lang] = {"vi-VN": "vi", "en-GB": "en"}

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


CONTRACT = docgen.contract(0).fields


def one_of_each_type(settings: Settings, sessions: sessionmaker[Session]) -> dict[str, int]:
    """A generated document of each type as the worker leaves it; the invoice's total misread
    1.000 VND high, so its rule fails and its message shows."""
    invoice: dict[str, Any] = dict(docgen.invoice(0).fields)
    invoice["total"] = str(Decimal(invoice["total"]) + 1000)
    fields = {
        "invoice": invoice,
        "contract": CONTRACT,
        "cv": docgen.cv(0).fields,
        "dispatch": docgen.dispatch(0).fields,
    }
    return {
        doc_type: add_checked(sessions, settings, f"{doc_type}_01.pdf", doc_type=doc_type, fields=f)
        for doc_type, f in fields.items()
    }


def _rule_texts() -> dict[Lang, set[str]]:
    """The literal words of each built-in rule's message, by language."""
    texts: dict[Lang, set[str]] = {"en": set(), "vi": set()}
    rules: list[CompiledRule] = list(load_rules().rules())
    for rule in rules:
        for lang, parts in rule.templates().items():
            texts["vi" if lang == "vi" else "en"] |= {
                part.strip(" :;,.()'") for part in parts if isinstance(part, str)
            }
    return texts


def foreign_words(lang: Lang) -> set[str]:
    """The catalogue's words of the other language that a page in `lang` must not show: each
    label and field name that differs between the languages, and each rule message's words
    (runs of two words or more, so a name or code shared by both is not counted)."""
    other: Lang = "en" if lang == "vi" else "vi"
    words = {
        text.strip(" :.")
        for catalogue in (LABELS, FIELD_LABELS)
        for key, text in catalogue[other].items()
        if text != catalogue[lang][key]
    }
    rules = _rule_texts()
    words |= {text for text in rules[other] - rules[lang] if len(text.split()) >= 2}
    if lang == "en":
        # Vietnamese data (names, addresses) fills an English page: only whole phrases count.
        words = {text for text in words if len(text.split()) >= 2}
    return {text for text in words if text}


# The page's visible text (and what it says to screen readers), without the data it shows:
# file names and parties are marked translate="no", and input values are not text.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest('[translate="no"], script, style')) continue;
    if (!element.checkVisibility()) continue;
    out.push(node.textContent);
  }
  for (const element of document.querySelectorAll("[placeholder], [aria-label]")) {
    if (element.closest('[translate="no"]') || !element.checkVisibility()) continue;
    out.push(element.getAttribute("placeholder") || "", element.getAttribute("aria-label") || "");
  }
  return out.join("\\n");
}"""


def foreign_on(page: Page, lang: Lang) -> list[str]:
    text = page.evaluate(VISIBLE_TEXT)
    return sorted(
        word
        for word in foreign_words(lang)
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None
    )


@pytest.mark.parametrize("locale", list(LOCALES))
def test_every_page_speaks_one_language_only(
    locale: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    server: str,
    screenshots: Path,
) -> None:
    lang = LOCALES[locale]
    ids = one_of_each_type(settings, sessions)
    add_user(sessions, "rita", "reviewer", "clerk")
    database = settings.resolved_database_url.split(":", 1)[0].split("+")[0]
    found: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT, locale=locale).new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))

            def look(name: str) -> None:
                page.screenshot(path=screenshots / f"i18n-{name}-{lang}-{database}.png")
                found[name] = foreign_on(page, lang)

            page.goto(f"{server}/login")
            look("login")
            page.get_by_label(LABELS[lang]["username"]).fill("rita")
            page.get_by_label(LABELS[lang]["password"]).fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review")
            # Each type by its name in the queue.
            for doc_type, document_id in ids.items():
                row = page.locator(f'#queue tr[data-id="{document_id}"] td:not(.pick)').first
                expect(row).to_have_text(LABELS[lang][f"type_{doc_type}"])
            look("queue")

            for doc_type, document_id in ids.items():
                page.goto(f"{server}/review/{document_id}")
                expect(page.locator("#rules li").first).to_be_visible()
                expect(page.locator("#status")).to_have_text(LABELS[lang]["status_review"])
                # Every field is named, none by its SCHEMA.md path.
                rows = page.locator("#fields tbody tr")
                for index in range(rows.count()):
                    row = rows.nth(index)
                    label = row.locator("label").inner_text()
                    assert label != row.get_attribute("data-path"), (doc_type, label)
                look(doc_type)
            invoice_rule = page.locator('#rules li[data-rule="invoice.totals_add_up"]')
            page.goto(f"{server}/review/{ids['invoice']}")
            expect(invoice_rule).to_contain_text(
                "nhưng tổng cộng thanh toán là" if lang == "vi" else "but total is"
            )
            expect(page.locator("#lines thead th").nth(1)).to_have_text(
                FIELD_LABELS[lang]["line_items.description"]
            )

            # A contract's clauses and a party's role by their names, saved back as codes.
            page.goto(f"{server}/review/{ids['contract']}")
            clauses = page.locator('input[data-path="clauses"]')
            names = [FIELD_LABELS[lang][f"clauses={c}"] for c in CONTRACT["clauses"]]
            expect(clauses).to_have_value("; ".join(names))
            expect(page.locator('input[data-path="parties[0].role"]')).to_have_value(
                FIELD_LABELS[lang]["parties.role=party_a"]
            )
            missing = page.locator('#rules li[data-rule="contract.required_clauses"]')
            expect(missing).to_contain_text(FIELD_LABELS[lang]["clauses=payment"])
            clauses.press("Enter")
            expect(page.locator("#message")).to_have_text(LABELS[lang]["saved"])

            page.goto(f"{server}/upload")
            look("upload")
            # A refusal in words too: an empty file.
            chooser = page.get_by_label(LABELS[lang]["choose_file"])
            chooser.set_input_files(
                {"name": "rong.pdf", "mimeType": "application/pdf", "buffer": b""}
            )
            page.get_by_role("button", name=LABELS[lang]["send"], exact=True).click()
            expect(page.locator("#message")).to_have_text(
                f"{LABELS[lang]['error']} {LABELS[lang]['upload_empty']}"
            )
            look("upload-refused")
            assert script_errors == []
        finally:
            browser.close()
    assert found == {name: [] for name in found}
    with sessions() as session:
        stored_contract = documents.get_document(session, document_id=ids["contract"])
        assert (stored_contract.record or {})["fields"]["clauses"] == CONTRACT["clauses"]
    assert set(found) == {"login", "queue", "upload", "upload-refused", *ids}


# What each language's page shows for 2026-03-05 and 1234567, and a date it must refuse.
DATES = {
    "vi": {
        "shown": "05/03/2026",
        "due": "04/04/2026",
        "amount": "1.234.567",
        "amount_1234567": "1.234.567",
        "amount_7654321": "7.654.321",
        "saved": "Đã lưu.",
    },
    "en": {
        "shown": "2026-03-05",
        "due": "2026-04-04",
        "amount": "1,234,567",
        "amount_1234567": "1,234,567",
        "amount_7654321": "7,654,321",
        "saved": "Saved.",
    },
}


@pytest.mark.parametrize("locale", list(LOCALES))
def test_dates_and_amounts_are_typed_as_the_office_writes_them(
    locale: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    server: str,
    screenshots: Path,
) -> None:
    lang = LOCALES[locale]
    words = LABELS[lang]
    shown = DATES[lang]
    ids = one_of_each_type(settings, sessions)
    add_user(sessions, "rita", "reviewer")
    reader = add_token(sessions, "books", "reviewer")
    database = settings.resolved_database_url.split(":", 1)[0].split("+")[0]

    def stored(document_id: int) -> dict[str, Any]:
        answer = httpx.get(
            f"{server}/api/v1/documents/{document_id}",
            headers={"Authorization": f"Bearer {reader}"},
        )
        assert answer.status_code == 200, answer.text
        fields: dict[str, Any] = answer.json()["fields"]
        return fields

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT, locale=locale).new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))
            page.goto(f"{server}/login?next=/review/{ids['invoice']}")
            page.get_by_label(words["username"]).fill("rita")
            page.get_by_label(words["password"]).fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/review/{ids['invoice']}")
            message = page.locator("#message")
            version = page.locator("#version")

            def saved(action: Callable[[], None]) -> None:
                """The action saves: a new version, and the page says so."""
                before = version.inner_text()
                action()
                expect(version).not_to_have_text(before)
                expect(message).to_have_text(shown["saved"])

            # 05/03/2026, day first, in both languages: the API holds 2026-03-05.
            issue_date = page.locator('input[data-path="issue_date"]')
            issue_date.fill("05/03/2026")
            saved(lambda: issue_date.press("Enter"))
            expect(issue_date).to_have_value(shown["shown"])
            assert stored(ids["invoice"])["issue_date"] == "2026-03-05"

            # A day the calendar does not have, refused in words, nothing sent.
            issue_date.fill("31/02/2026")
            issue_date.press("Enter")
            name = FIELD_LABELS[lang]["issue_date"]
            expect(message).to_have_text(f"{words['invalid']} {name}: {words['bad_date']}")
            assert stored(ids["invoice"])["issue_date"] == "2026-03-05"
            page.screenshot(path=screenshots / f"i18n-bad-date-{lang}-{database}.png")

            # The picker beside the field writes the chosen day in the page's form and saves.
            pick = f"{words['pick_date']}: {FIELD_LABELS[lang]['due_date']}"
            expect(page.get_by_role("button", name=pick)).to_be_visible()
            picker = page.locator("input.date-picker").nth(1)
            due_date = page.locator('input[data-path="due_date"]')
            assert picker.get_attribute("data-for") == due_date.get_attribute("id")
            saved(lambda: picker.fill("2026-04-04", force=True))
            expect(due_date).to_have_value(shown["due"])
            assert stored(ids["invoice"])["due_date"] == "2026-04-04"

            # Amounts grouped the office's way, or not grouped at all.
            subtotal = page.locator('input[data-path="subtotal"]')
            for typed, amount in ((shown["amount"], "1234567"), ("7654321", "7654321")):
                subtotal.fill(typed)
                saved(lambda: subtotal.press("Enter"))
                expect(subtotal).to_have_value(shown[f"amount_{amount}"])
                assert stored(ids["invoice"])["subtotal"] == amount

            # A value the server refuses (not one of the payment methods): in words, by the
            # field's name, never pydantic's own text.
            method = page.locator('input[data-path="payment_method"]')
            method.fill("bitcoin")
            method.press("Enter")
            expect(message).to_have_text(
                f"{words['invalid']} {FIELD_LABELS[lang]['payment_method']}: {words['bad_choice']}"
            )

            # A CV's months: mm/yyyy in Vietnamese, and the API keeps 2016-03.
            page.goto(f"{server}/review/{ids['cv']}")
            start = page.locator('input[data-path="experience[0].start"]')
            expect(start).to_have_value("03/2015" if lang == "vi" else "2015-03")
            start.fill("03/2016")
            saved(lambda: start.press("Enter"))
            assert stored(ids["cv"])["experience"][0]["start"] == "2016-03"
            start.fill("13/2016")
            start.press("Enter")
            expect(message).to_contain_text(words["bad_month"])
            assert script_errors == []
        finally:
            browser.close()
