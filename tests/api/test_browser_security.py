"""Hostile originals in a real browser (Chromium through Playwright) against a real server on
each database: an SVG and an XHTML file carrying script, one of each dropped into the shared
folder and one uploaded by a clerk through the upload page, opened by a reviewer through
every route that serves originals or pages, directly and framed or embedded from our own
page. No script runs: no dialog, no request made by it, the document not rejected. A
control run serves the same bytes without our headers and sees the script run, so the test
can tell.

Also: Swagger UI and ReDoc render with nothing but the application's own files, under
their CSP. Outside CI the test skips without Chromium or Playwright; under CI=true it
fails instead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.store.models import Document, DocumentStatus
from pipeline.store.settings import Settings
from tests.support.documents import ingest_inbox
from tests.support.machine import CHROMIUM, IN_CI
from tests.support.signin import PASSWORD, add_user

# Slow: a real Chromium per test, on the app served over HTTP.
pytestmark = pytest.mark.slow

try:
    from playwright.sync_api import Browser, Error, Page, Request, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    if IN_CI:
        raise
    pytest.skip("Playwright is not installed", allow_module_level=True)

if not CHROMIUM.exists():
    if IN_CI:
        pytest.fail(f"Chromium is required under CI and missing at {CHROMIUM}", pytrace=False)
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

# What the script tries, as the attacker did: a dialog, requests to us (a beacon, an
# image, a rejection in the reviewer's name).
PAYLOAD = """
alert("xss-{tag}");
fetch("/beacon/fetch-{tag}", {{credentials: "include"}});
new Image().src = "/beacon/image-{tag}";
fetch("/api/v1/documents/{{id}}/reject".replace("{{id}}", "1"), {{method: "POST",
  headers: {{"Content-Type": "application/json"}}, body: '{{"reason": "xss-{tag}"}}'}});
"""


def svg(tag: str) -> bytes:
    script = PAYLOAD.format(tag=tag)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" '
        f'onload="alert(\'onload-{tag}\')"><rect width="100" height="100" fill="red"/>'
        f"<script><![CDATA[{script}]]></script></svg>"
    ).encode()


def xhtml(tag: str) -> bytes:
    script = PAYLOAD.format(tag=tag)
    return (
        f'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
        f'<img src="/beacon/img-tag-{tag}"/><script><![CDATA[{script}]]></script></body></html>'
    ).encode()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield launched
        finally:
            launched.close()


class Watch:
    """What scripts did in a browser context: dialogs opened, requests made by them."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.requests: list[str] = []

    def attach(self, page: Page) -> Page:
        def on_dialog(dialog: object) -> None:
            self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
            dialog.dismiss()  # type: ignore[attr-defined]

        def on_request(request: Request) -> None:
            if "beacon" in request.url or request.url.endswith("/reject"):
                self.requests.append(f"{request.method} {request.url}")

        page.on("dialog", on_dialog)
        page.context.on("request", on_request)
        return page


def sign_in(page: Page, server: str, name: str) -> None:
    page.goto(f"{server}/login?lang=en")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def visit(page: Page, url: str) -> int | None:
    """Open a URL as a person would; a download is not an error. The status, if a page."""
    try:
        response = page.goto(url)
    except Error as error:  # an attachment: Chromium downloads it instead
        assert "Download is starting" in str(error) or "ERR_ABORTED" in str(error), error
        return None
    page.wait_for_timeout(300)  # time for a script to run, were one allowed
    return response.status if response else None


def test_an_svg_or_xhtml_with_script_never_runs_in_our_origin(
    settings: Settings, sessions: sessionmaker[Session], server: str, browser: Browser
) -> None:
    add_user(sessions, "carol", "clerk")
    add_user(sessions, "rita", "reviewer")
    # Dropped into the shared folder, which needs no login.
    (settings.inbox / "logo.svg").write_bytes(svg("dropped-svg"))
    (settings.inbox / "page.xhtml").write_bytes(xhtml("dropped-xhtml"))
    ingest_inbox(settings)

    watch = Watch()
    context = browser.new_context(accept_downloads=True)
    page = watch.attach(context.new_page())
    # Uploaded by a clerk through the upload page.
    sign_in(page, server, "carol")
    for name, content in (("chart.svg", svg("uploaded-svg")), ("note.xhtml", xhtml("up-xhtml"))):
        page.goto(f"{server}/upload?lang=en")
        page.locator('input[type="file"]').set_input_files(
            {"name": name, "mimeType": "image/svg+xml", "buffer": content}
        )
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.locator("#message")).to_contain_text("Received as document")
    with sessions() as session:
        hostile = dict(session.execute(select(Document.filename, Document.id)).all())
    assert set(hostile) == {"logo.svg", "page.xhtml", "chart.svg", "note.xhtml"}

    context.clear_cookies()
    sign_in(page, server, "rita")
    opened: list[str] = []
    for document_id in hostile.values():
        routes = [
            f"/api/v1/documents/{document_id}/file",
            f"/api/v1/documents/{document_id}/pages",
            f"/api/v1/documents/{document_id}/pages/1.png",
            f"/review/{document_id}",
        ]
        for route in routes:
            visit(page, f"{server}{route}")
            opened.append(route)
        # Framed, embedded and shown as an image from one of our own pages, the way an
        # attacker's page element would try (added through the devtools protocol, which
        # our page's CSP would not let a script do).
        page.goto(f"{server}/upload?lang=en")
        page.evaluate(
            """(url) => {
                for (const [tag, attr] of [["iframe", "src"], ["object", "data"],
                                           ["embed", "src"], ["img", "src"]]) {
                    const element = document.createElement(tag);
                    element[attr] = url;
                    if (tag !== "iframe" && tag !== "img") element.type = "image/svg+xml";
                    document.body.append(element);
                }
            }""",
            f"/api/v1/documents/{document_id}/file",
        )
        page.wait_for_timeout(500)
        # The answer's own headers, as the browser received them.
        response = page.request.get(f"{server}/api/v1/documents/{document_id}/file")
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in response.headers["content-security-policy"]
    assert len(opened) == 16
    assert watch.dialogs == []
    assert watch.requests == []
    with sessions() as session:
        assert DocumentStatus.REJECTED not in set(session.scalars(select(Document.status)))
    context.close()


def test_the_control_the_same_svg_served_plainly_does_run(server: str, browser: Browser) -> None:
    """Without our headers the payload runs and is seen: the test above can fail."""
    watch = Watch()
    page = watch.attach(browser.new_page())
    page.route(
        f"{server}/control/evil.svg",
        lambda route: route.fulfill(body=svg("control"), content_type="image/svg+xml"),
    )
    page.goto(f"{server}/control/evil.svg")
    page.wait_for_timeout(500)
    assert "xss-control" in watch.dialogs
    assert any("/beacon/fetch-control" in request for request in watch.requests)
    page.close()


def test_swagger_ui_and_redoc_render_offline_under_their_csp(
    sessions: sessionmaker[Session], server: str, browser: Browser
) -> None:
    add_user(sessions, "admin", "admin")
    context = browser.new_context()
    elsewhere: list[str] = []

    def only_ours(route: object) -> None:
        url: str = route.request.url  # type: ignore[attr-defined]
        if url.startswith(server):
            route.continue_()  # type: ignore[attr-defined]
        else:
            elsewhere.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", only_ours)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    sign_in(page, server, "admin")
    page.goto(f"{server}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Back-office document automation"
    )
    expect(page.locator(".opblock").first).to_be_visible()
    page.goto(f"{server}/redoc")
    # ReDoc renders the whole schema before its first heading: seconds on a loaded machine.
    expect(page.locator("h1").first).to_contain_text(
        "Back-office document automation", timeout=30_000
    )
    # Nothing of ours was blocked; what the CSP stopped was off-site (ReDoc's "by Redocly"
    # logo), and nothing reached another host.
    assert [problem for problem in problems if server in problem or "inline" in problem] == []
    assert all("https://cdn.redoc.ly/" in problem for problem in problems), problems
    assert elsewhere == []
    context.close()
