"""Safe on an office network (issue 17), over the real app on each database: browser
security headers on every page, originals that can never run in our origin, control
characters refused, forwarded headers believed from trusted proxies only, login throttling
that cannot lock the owner out, the password policy, the account and token commands, and
the API documents behind sign-in with their assets served here."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from api.app import create_app
from api.deps import CSRF_HEADER, SESSION_COOKIE
from api.routers import docs, web
from api.schemas import RequestBody
from pipeline import commands as cli
from pipeline.access import auth
from pipeline.store.db import transaction
from pipeline.store.models import ApiToken, AuditEvent, User
from pipeline.store.settings import Settings
from tests.support.documents import add_document, drop
from tests.support.signin import PASSWORD, add_token, add_user, api, sign_in

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
PROXY = ("127.0.0.1", 40000)  # the reverse proxy's connection, when trusted
LAN = "office.lan"


def _client(settings: Settings, *, peer: tuple[str, int] = PROXY, https: bool = True) -> TestClient:
    scheme = "https" if https else "http"
    return TestClient(create_app(settings), base_url=f"{scheme}://{LAN}", client=peer)


def behind_proxy(settings: Settings) -> Settings:
    return settings.model_copy(update={"trusted_proxies": ["127.0.0.1"]})


def forwarded(address: str, proto: str = "https") -> dict[str, str]:
    return {"X-Forwarded-For": address, "X-Forwarded-Proto": proto}


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def audit_addresses(sessions: sessionmaker[Session], kind: str) -> list[str | None]:
    with sessions() as session:
        query = select(AuditEvent.client_ip).where(AuditEvent.kind == kind).order_by(AuditEvent.id)
        return list(session.scalars(query))


# --- browser security headers on every page -------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")


def page_routes() -> set[str]:
    """Every route answering with a page: the web pages and the API documents' viewers."""
    return {
        route.path
        for router in (web.router, docs.router)
        for route in router.routes
        if isinstance(route, APIRoute) and "GET" in route.methods and route.path != "/openapi.json"
    }


def test_every_page_carries_the_browser_security_headers(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd-headers")
    pages = {
        "/login": "/login",
        "/": "/",
        "/review": "/review",
        "/review/{document_id}": f"/review/{document_id}",
        "/upload": "/upload",
        "/docs": "/docs",
        "/redoc": "/redoc",
    }
    assert set(pages) == page_routes(), "a page route this test does not open"
    with api(settings) as client:
        answers = {"/login": client.get("/login")}
        sign_in(client, sessions, "admin", "admin")
        answers |= {route: client.get(url) for route, url in pages.items() if route != "/login"}
        answers["forbidden"] = sign_in(client, sessions, "books", "accountant").get("/review")
    with _client(settings, peer=("10.0.0.9", 5000), https=False) as plain:
        answers["https needed"] = plain.get("/login")
    for name, answer in answers.items():
        if answer.status_code == 303:  # `/` sends each role to its page
            continue
        assert answer.headers["content-type"].startswith("text/html"), name
        csp = answer.headers["content-security-policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["frame-ancestors"] == "'none'", name
        assert directives["script-src"] == "'self'", name  # no inline script, no eval
        assert directives["object-src"] == "'none'", name
        assert answer.headers["x-content-type-options"] == "nosniff", name
        assert answer.headers["referrer-policy"] == "same-origin", name
        assert answer.headers["x-frame-options"] == "DENY", name
        if name != "https needed":
            assert answer.headers["strict-transport-security"].startswith("max-age="), name
        # The pages keep to it: no inline script (JSON data blocks are not run).
        assert INLINE_SCRIPT.search(answer.text) is None, name
    assert "strict-transport-security" not in answers["https needed"].headers
    assert answers["forbidden"].status_code == 403


def test_api_answers_are_sandboxed_and_not_sniffed(settings: Settings) -> None:
    with api(settings) as client:
        answer = client.get("/healthz")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in answer.headers["content-security-policy"]


# --- originals never run in our origin ------------------------------------------------------


def test_an_svg_original_is_downloaded_sandboxed_never_shown_inline(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    svg_id = drop(settings, sessions, "logo.svg", SVG)
    xhtml = b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'
    xhtml_id = drop(settings, sessions, "page.xhtml", xhtml)
    png_id = drop(settings, sessions, "scan.svg", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    with api(settings) as client:
        sign_in(client, sessions, "rita", "reviewer")
        for document_id, content in ((svg_id, SVG), (xhtml_id, xhtml)):
            answer = client.get(f"/api/v1/documents/{document_id}/file")
            assert answer.content == content
            # Our sniffing says "some XML": bytes to download, whatever the name says.
            assert answer.headers["content-type"] == "application/octet-stream"
            assert answer.headers["content-disposition"].startswith("attachment;")
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert "sandbox" in answer.headers["content-security-policy"]
            assert "default-src 'none'" in answer.headers["content-security-policy"]
            assert client.get(f"/api/v1/documents/{document_id}/pages/1.png").status_code == 404
        # A PNG named .svg is a PNG: inline, as image/png, still sandboxed.
        image = client.get(f"/api/v1/documents/{png_id}/file")
        assert image.headers["content-type"] == "image/png"
        assert image.headers["content-disposition"].startswith("inline;")
        assert "sandbox" in image.headers["content-security-policy"]


# --- control characters ---------------------------------------------------------------------


def test_nul_and_control_characters_are_refused_with_422_everywhere(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd-nul")
    with api(settings) as client:
        # The sign-in form: a NUL in the name once gave a 500 on PostgreSQL.
        for name in ("ri\x00ta", "rita\x1b[31m", "ri\x7fta"):
            answer = client.post("/login", data={"username": name, "password": PASSWORD})
            assert answer.status_code == 422, (name, answer.text)
            assert answer.json()["detail"][0]["loc"] == ["body", "username"]
        sign_in(client, sessions, "admin", "admin")
        refused = [
            client.get("/api/v1/audit", params={"actor": "a\x00b"}),
            client.get("/api/v1/audit", params={"kind": "\x01"}),
            client.get("/api/v1/review-queue", params={"supplier": "Cty\x00"}),
            client.post(f"/api/v1/documents/{document_id}/reject", json={"reason": "no\x00"}),
            client.patch(
                f"/api/v1/documents/{document_id}",
                json={"version": 1, "fields": {"seller": {"name": "A\x00B"}}},
            ),
            client.patch(
                f"/api/v1/documents/{document_id}", json={"version": 1, "fields": {"x\x08": 1}}
            ),
            # Written by hand: httpx would percent-encode the control character.
            client.post(
                "/api/v1/documents",
                content=b'--b\r\nContent-Disposition: form-data; name="file"; '
                b'filename="hd\x01.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
                b"%PDF-1.4 x\r\n--b--\r\n",
                headers={"Content-Type": "multipart/form-data; boundary=b"},
            ),
        ]
        assert [answer.status_code for answer in refused] == [422] * len(refused)
        assert refused[3].json()["detail"][0]["loc"] == ["body", "reason"]
        # A correction names the exact value, as the service's other refusals of one do.
        assert refused[4].json()["detail"][0]["loc"] == ["body", "fields", "seller", "name"]
        # What the service does not read is not checked, nor kept: an unknown field.
        ignored = client.post(
            f"/api/v1/documents/{document_id}/reject", json={"reason": "ok", "note\x00": "\x01"}
        )
        assert ignored.status_code == 200, ignored.text
        # Line breaks and tabs are text: a reason over two lines is taken.
        other_id = add_document(sessions, name="hd-nul-2")
        taken = client.post(
            f"/api/v1/documents/{other_id}/reject", json={"reason": "wrong\n\tseller"}
        )
        assert taken.status_code == 200, taken.text
    with sessions() as session:
        kinds = [event.kind for event in session.scalars(select(AuditEvent))]
        actors = [event.actor for event in session.scalars(select(AuditEvent))]
    assert "\x00" not in "".join(actors)
    assert kinds.count("rejected") == 2


def test_a_document_cursor_past_the_id_range_lists_from_the_newest(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    # Found by schemathesis on PostgreSQL: `?cursor=3000000000` was a 500 there.
    document_id = add_document(sessions, name="hd-cursor")
    with api(settings) as client:
        sign_in(client, sessions, "rita", "reviewer")
        answer = client.get("/api/v1/documents", params={"cursor": "3000000000"})
    assert answer.status_code == 200
    assert [item["id"] for item in answer.json()["items"]] == [document_id]


def test_the_openapi_document_says_text_takes_no_control_characters(settings: Settings) -> None:
    document = create_app(settings).openapi()
    login = document["components"]["schemas"]["Body_login_login_post"]["properties"]
    assert re.fullmatch(login["username"]["pattern"], "rita")
    assert not re.fullmatch(login["username"]["pattern"], "ri\x00ta")
    audit = document["paths"]["/api/v1/audit"]["get"]["parameters"]
    actor = next(parameter for parameter in audit if parameter["name"] == "actor")
    assert not re.fullmatch(actor["schema"]["anyOf"][0]["pattern"], "\x1b")


def _subclasses(model: type[RequestBody]) -> set[str]:
    return {model.__name__}.union(*(_subclasses(sub) for sub in model.__subclasses__()))


def test_every_json_request_body_is_held_to_the_rule(settings: Settings) -> None:
    # The middleware checks paths and queries; a JSON body is checked by its model, so a
    # new body model that forgot to be a RequestBody would let control characters through.
    document = create_app(settings).openapi()
    bodies = {
        name
        for path_item in document["paths"].values()
        for operation in path_item.values()
        for media, content in operation.get("requestBody", {}).get("content", {}).items()
        if media == "application/json"
        for name in re.findall(r"#/components/schemas/(\w+)", str(content["schema"]))
    }
    assert len(bodies) >= 8
    assert bodies <= _subclasses(RequestBody)


# --- forwarded headers and the client address -----------------------------------------------


@pytest.mark.slow
def test_a_spoofed_x_forwarded_for_from_an_untrusted_address_is_ignored(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    add_user(sessions, "rita", "reviewer")
    # No trusted proxy: 25 failures from one computer, each claiming another address.
    with _client(settings, peer=("10.0.0.66", 5000)) as client:
        answers = [
            client.post(
                "/login",
                data={"username": f"guess{n}", "password": "x" * 12},
                headers=forwarded(f"192.0.2.{n}"),
            ).status_code
            for n in range(25)
        ]
    limit = settings.login_max_failures_per_ip
    assert answers == [401] * limit + [429] * (25 - limit)
    assert set(audit_addresses(sessions, "login_failed")) == {"10.0.0.66"}
    assert set(audit_addresses(sessions, "login_blocked")) == {"10.0.0.66"}


@pytest.mark.slow
def test_x_forwarded_for_from_a_trusted_proxy_is_the_client_address(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    add_user(sessions, "rita", "reviewer")
    with _client(behind_proxy(settings)) as client:
        for n in range(settings.login_max_failures_per_ip):
            wrong = {"username": f"guess{n}", "password": "x" * 12}
            # What the client wrote itself precedes what the proxy appended: not believed.
            answer = client.post("/login", data=wrong, headers=forwarded("1.2.3.4, 10.0.0.66"))
            assert answer.status_code == 401
        blocked = client.post(
            "/login",
            data={"username": "rita", "password": PASSWORD},
            headers=forwarded("10.0.0.66"),
        )
        assert blocked.status_code == 429
        # Another computer behind the same proxy is not blocked by it.
        fine = client.post(
            "/login", data={"username": "rita", "password": PASSWORD}, headers=forwarded("10.0.0.7")
        )
        assert fine.status_code == 200
        # The proxy said https: the cookie is Secure and HSTS is sent.
        assert "secure" in fine.headers["set-cookie"].lower()
        assert "strict-transport-security" in fine.headers
    assert set(audit_addresses(sessions, "login_failed")) == {"10.0.0.66"}
    assert audit_addresses(sessions, "login") == ["10.0.0.7"]


def test_https_is_believed_only_from_a_trusted_proxy(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    add_user(sessions, "rita", "reviewer")
    login = {"username": "rita", "password": PASSWORD}
    # A LAN computer over plain HTTP claiming https: not believed, sign-in refused.
    with _client(behind_proxy(settings), peer=("10.0.0.7", 5000), https=False) as direct:
        page = direct.get("/login", headers=forwarded("10.0.0.7"))
        assert "HTTPS" in page.text and 'id="login"' not in page.text
        refused = direct.post("/login", data=login, headers=forwarded("10.0.0.7"))
        assert refused.status_code == 403
        assert "HTTPS" in refused.json()["detail"]
    # Through the proxy over plain HTTP: the explanation too.
    with _client(behind_proxy(settings), https=False) as proxied:
        page = proxied.get("/login?lang=en", headers=forwarded("10.0.0.7", "http"))
        assert "Signing in needs HTTPS" in page.text
        assert (
            proxied.post("/login", data=login, headers=forwarded("10.0.0.7", "http")).status_code
            == 403
        )
    # On the machine itself, plain HTTP is fine (nothing crosses a network); the cookie
    # is then not Secure, which a plain-HTTP client would not send back.
    with TestClient(create_app(settings), base_url="http://localhost", client=PROXY) as local:
        signed = local.post("/login", data=login)
        assert signed.status_code == 200
        assert "secure" not in signed.headers["set-cookie"].lower()
        assert "strict-transport-security" not in signed.headers
        local.headers[CSRF_HEADER] = signed.json()["csrf_token"]
        assert local.get("/api/v1/review-queue").status_code == 200


@pytest.mark.parametrize(
    ("written", "networks"),
    [
        ("127.0.0.1", ["127.0.0.1/32"]),
        ("127.0.0.1, 10.1.0.0/24", ["127.0.0.1/32", "10.1.0.0/24"]),
        ('["::1"]', ["::1/128"]),
        ("", []),
    ],
)
def test_trusted_proxies_are_written_as_an_administrator_would(
    monkeypatch: pytest.MonkeyPatch, written: str, networks: list[str]
) -> None:
    monkeypatch.setenv("BACKOFFICE_TRUSTED_PROXIES", written)
    assert [str(network) for network in Settings().trusted_proxies] == networks


# --- login throttling that cannot be turned against a user ----------------------------------


def test_a_user_under_attack_from_one_address_still_signs_in_from_another(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    add_user(sessions, "rita", "reviewer")
    wrong = {"username": "rita", "password": "not her password"}
    right = {"username": "rita", "password": PASSWORD}
    with _client(behind_proxy(settings)) as client:
        attack = [
            client.post("/login", data=wrong, headers=forwarded("10.0.0.66")).status_code
            for _ in range(25)
        ]
        limit = settings.login_max_failures
        assert attack == [401] * limit + [429] * (25 - limit)
        # Even the right password is refused from the attacker's computer...
        assert client.post("/login", data=right, headers=forwarded("10.0.0.66")).status_code == 429
        # ...but rita, at her own, signs in at once.
        assert client.post("/login", data=right, headers=forwarded("10.0.0.7")).status_code == 200


@pytest.mark.slow
def test_guessing_spread_over_addresses_slows_down_but_the_owner_gets_in(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    add_user(sessions, "rita", "reviewer")
    quick = behind_proxy(settings).model_copy(update={"login_backoff_max_seconds": 2.0})
    wrong = {"username": "rita", "password": "not her password"}
    with _client(quick) as client:
        # Past the per-name limit over every address, each guess waits longer than the last.
        answers = []
        for n in range(10):
            answers.append(client.post("/login", data=wrong, headers=forwarded(f"10.0.1.{n}")))
        codes = [answer.status_code for answer in answers]
        assert codes[: settings.login_max_failures + 1] == [401] * (settings.login_max_failures + 1)
        assert 429 in codes
        backoff = next(answer for answer in answers if answer.status_code == 429)
        assert 1 <= int(backoff.headers["Retry-After"]) <= 3  # seconds, not the 15 min window
        # The owner from yet another computer waits at most the back-off, then gets in.
        # Waited from the last guess: on a slow machine a guess may come after its
        # predecessor's back-off ran out, fail as a guess and start the back-off again.
        right = {"username": "rita", "password": PASSWORD}
        time.sleep(quick.login_backoff_max_seconds + 1)
        assert client.post("/login", data=right, headers=forwarded("10.0.0.7")).status_code == 200


# --- accounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("a", "at least 12"),
        ("short pass1", "at least 12"),
        ("password1234", "common"),
        ("Matkhau123456", "common"),
        ("Qwerty123456", "common"),
        ("111111111111", "common"),
        ("xx-rita-2026-xx", "user name"),
        ("tab\x00password!", "control"),
    ],
)
def test_the_password_policy_refuses_weak_passwords(
    sessions: sessionmaker[Session], password: str, why: str
) -> None:
    with pytest.raises(auth.WeakPassword, match=why), transaction(sessions) as session:
        auth.create_user(session, name="rita", roles=["reviewer"], password=password, actor="t")
    with sessions() as session:
        assert session.scalar(select(User).where(User.name == "rita")) is None


def test_the_common_password_list_ships_with_the_package() -> None:
    common = auth.common_passwords()
    assert len(common) > 10_000
    assert {"password1234", "anhyeuem1234", "1q2w3e4r5t6y"} <= common
    assert PASSWORD not in common


def test_passwords_are_reset_users_enabled_and_roles_changed_from_the_cli_and_audited(
    settings: Settings,
    sessions: sessionmaker[Session],
    run_cli: CliRunner,  # noqa: F811
) -> None:
    added = run_cli.invoke(
        cli.app, ["users", "add", "minh", "--role", "clerk", "--password-stdin"], input="a\n"
    )
    assert added.exit_code == 1 and "12 characters" in added.output
    add_user(sessions, "minh", "clerk")
    with api(settings) as client:
        sign_in_as = {"username": "minh", "password": PASSWORD}
        assert client.post("/login", data=sign_in_as).status_code == 200
        assert client.get("/api/v1/review-queue").status_code == 403

        weak = run_cli.invoke(
            cli.app, ["users", "reset-password", "minh", "--password-stdin"], input="password1234\n"
        )
        assert weak.exit_code == 1 and "common" in weak.output
        new_password = "a new long passphrase"
        reset = run_cli.invoke(
            cli.app,
            ["users", "reset-password", "minh", "--password-stdin"],
            input=f"{new_password}\n",
        )
        assert reset.exit_code == 0, reset.output
        # The session opened with the old password ended; the old password no longer works.
        assert client.get("/api/v1/documents").status_code == 401
        assert client.post("/login", data=sign_in_as).status_code == 401
        signed = client.post("/login", data={"username": "minh", "password": new_password})
        assert signed.status_code == 200
        client.headers[CSRF_HEADER] = signed.json()["csrf_token"]

        roles = run_cli.invoke(
            cli.app, ["users", "roles", "minh", "--role", "reviewer", "--role", "approver"]
        )
        assert roles.exit_code == 0, roles.output
        assert client.get("/api/v1/review-queue").status_code == 200  # at the next request
        assert run_cli.invoke(cli.app, ["users", "roles", "minh", "--role", "boss"]).exit_code == 1

        assert run_cli.invoke(cli.app, ["users", "disable", "minh"]).exit_code == 0
        login = {"username": "minh", "password": new_password}
        assert client.post("/login", data=login).status_code == 401
        enabled = run_cli.invoke(cli.app, ["users", "enable", "minh"])
        assert enabled.exit_code == 0, enabled.output
        assert client.post("/login", data=login).status_code == 200
    listed = run_cli.invoke(cli.app, ["users", "list"]).stdout
    assert listed == "minh\tapprover,reviewer\tactive\n"
    with sessions() as session:
        events = {
            event.kind: event
            for event in session.scalars(select(AuditEvent).where(AuditEvent.actor == "cli"))
        }
    assert events["password_reset"].data == {"user": "minh"}  # never the password
    assert events["user_roles_changed"].data["roles"] == {
        "old": ["clerk"],
        "new": ["approver", "reviewer"],
    }
    assert events["user_enabled"].data["user"] == "minh"
    assert new_password not in str([event.data for event in events.values()])


def test_a_token_expires_and_tokens_list_shows_when(
    settings: Settings,
    sessions: sessionmaker[Session],
    run_cli: CliRunner,  # noqa: F811
) -> None:
    bad = run_cli.invoke(
        cli.app, ["tokens", "create", "--name", "x", "--role", "accountant", "--expires-in", "soon"]
    )
    assert bad.exit_code == 2
    created = run_cli.invoke(
        cli.app,
        ["tokens", "create", "--name", "erp", "--role", "accountant", "--expires-in", "90d"],
    )
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    forever = add_token(sessions, "forever", "accountant")
    listed = run_cli.invoke(cli.app, ["tokens", "list"]).stdout.splitlines()
    erp = next(line for line in listed if "\terp\t" in line).split("\t")
    assert erp[4] == "active" and erp[5].startswith("expires 20")
    assert next(line for line in listed if "\tforever\t" in line).endswith("\tno expiry")
    with sessions() as session:
        token = session.scalars(select(ApiToken).where(ApiToken.name == "erp")).one()
        assert token.expires_at is not None
        lifetime = aware(token.expires_at) - aware(token.created_at)
        assert timedelta(days=89) < lifetime <= timedelta(days=90)
        created_event = session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "token_created")
        ).first()
        assert created_event is not None and created_event.data["expires_at"] is not None
    with api(settings) as client:
        bearer = {"Authorization": f"Bearer {secret}"}
        assert client.get("/api/v1/entries", headers=bearer).status_code == 200
        with transaction(sessions) as session:
            past = auth.utcnow() - timedelta(seconds=1)
            session.execute(update(ApiToken).where(ApiToken.name == "erp").values(expires_at=past))
        assert client.get("/api/v1/entries", headers=bearer).status_code == 401
        other = {"Authorization": f"Bearer {forever}"}
        assert client.get("/api/v1/entries", headers=other).status_code == 200
    listed = run_cli.invoke(cli.app, ["tokens", "list"]).stdout
    assert "\terp\taccountant\t" in listed and "\texpired\texpires " in listed


# --- the API documents ----------------------------------------------------------------------


def assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/[^"]+)"', html)


@pytest.fixture
def anonymous(settings: Settings) -> Iterator[TestClient]:
    with api(settings) as client:
        yield client


def test_the_api_documents_need_a_caller_unless_published(
    settings: Settings, sessions: sessionmaker[Session], anonymous: TestClient
) -> None:
    assert anonymous.get("/openapi.json").status_code == 401
    for page in ("/docs", "/redoc"):
        sent = anonymous.get(page, follow_redirects=False)
        assert sent.status_code == 303
        assert sent.headers["location"] == f"/login?next=%2F{page[1:]}"
    token = add_token(sessions, "erp", "accountant")
    bearer = {"Authorization": f"Bearer {token}"}
    assert anonymous.get("/openapi.json", headers=bearer).json()["info"]["title"]
    published = settings.model_copy(update={"publish_api_docs": True})
    with api(published) as client:
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/docs").status_code == 200


def test_the_api_pages_load_their_assets_from_the_application(
    sessions: sessionmaker[Session], anonymous: TestClient
) -> None:
    sign_in(anonymous, sessions, "admin", "admin")
    loaded: dict[str, Any] = {}
    for page in ("/docs", "/redoc"):
        html = anonymous.get(page).text
        assert "http://" not in html and "https://" not in html  # no CDN
        for url in assets(html):
            answer = anonymous.get(url)
            assert answer.status_code == 200, url
            loaded[url] = len(answer.content)
    assert loaded["/static/docs/swagger-ui-bundle.js"] > 100_000
    assert loaded["/static/docs/redoc.standalone.js"] > 100_000
    assert SESSION_COOKIE in anonymous.cookies
