"""The README's HTTPS recipe, run: nginx (from Debian) started by the test on 127.0.0.1 with
the README's own server blocks, a certificate from a local CA made here with openssl, and
the service behind it trusting the proxy. A browser (Chromium) signs in over HTTPS under
the name colleagues type, with a Secure cookie and HSTS; the same browser reaching the
service over plain HTTP sees why signing in needs HTTPS. Outside CI the test skips without
nginx, openssl, Chromium or Playwright; under CI=true it fails instead."""

from __future__ import annotations

import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.store.models import AuditEvent
from pipeline.store.settings import Settings
from tests.support.machine import CHROMIUM, IN_CI, ROOT, free_port
from tests.support.serving import serve
from tests.support.signin import PASSWORD, add_user

# Slow: nginx, openssl and a real Chromium started per run.
pytestmark = pytest.mark.slow

README = ROOT / "README.md"
NAME = "backoffice.lan"  # as in the README
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl")

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    if IN_CI:
        raise
    pytest.skip("Playwright is not installed", allow_module_level=True)

for tool, where in (("nginx", Path(NGINX)), ("openssl", Path(OPENSSL or "/nonexistent"))):
    if not where.exists():
        if IN_CI:
            pytest.fail(f"{tool} is required under CI (scripts/setup.sh test)", pytrace=False)
        pytest.skip(f"no {tool}", allow_module_level=True)
if not CHROMIUM.exists():
    if IN_CI:
        pytest.fail(f"Chromium is required under CI and missing at {CHROMIUM}", pytrace=False)
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


def readme_nginx_config() -> str:
    """The nginx server blocks of the README's *HTTPS on the office network*."""
    section = README.read_text(encoding="utf-8").split("## HTTPS on the office network", 1)[1]
    match = re.search(r"```nginx\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the README's HTTPS section has no nginx block"
    return match.group(1)


@dataclass(frozen=True)
class Certificates:
    ca: Path
    certificate: Path
    key: Path


def make_certificates(folder: Path) -> Certificates:
    """A local CA and a certificate for NAME (and 127.0.0.1) signed by it, as the README's
    commands make them."""

    def openssl(*args: str) -> None:
        subprocess.run([str(OPENSSL), *args], cwd=folder, check=True, capture_output=True)

    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign",
        "-keyout", "ca.key", "-out", "ca.crt",
    )  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={NAME}",
        "-keyout", "site.key", "-out", "site.csr",
    )  # fmt: skip
    (folder / "san.ext").write_text(f"subjectAltName=DNS:{NAME},IP:127.0.0.1\n")
    openssl(
        "x509", "-req", "-in", "site.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "site.crt",
    )  # fmt: skip
    return Certificates(folder / "ca.crt", folder / "site.crt", folder / "site.key")


@dataclass(frozen=True)
class Proxy:
    https_port: int
    http_port: int
    app_port: int
    ca: Path


def nginx_config(folder: Path, proxy: Proxy, certificates: Certificates) -> Path:
    """The README's server blocks with this test's ports and certificate, in a main
    configuration that keeps nginx's files in `folder`."""
    servers = (
        readme_nginx_config()
        .replace("listen 443 ssl;", f"listen 127.0.0.1:{proxy.https_port} ssl;")
        .replace("listen 80;", f"listen 127.0.0.1:{proxy.http_port};")
        .replace("/etc/ssl/certs/backoffice.crt", str(certificates.certificate))
        .replace("/etc/ssl/private/backoffice.key", str(certificates.key))
        .replace("http://127.0.0.1:8000", f"http://127.0.0.1:{proxy.app_port}")
    )
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would otherwise run as nobody, who cannot enter the test's
    # temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n    access_log off;\n{temp}{servers}}}\n"
    )
    return config


@pytest.fixture
def proxy(settings: Settings, tmp_path: Path) -> Iterator[Proxy]:
    folder = tmp_path / "nginx"
    folder.mkdir()
    certificates = make_certificates(folder)
    trusting = settings.model_copy(update={"trusted_proxies": ["127.0.0.1"]})
    with serve(trusting) as url:
        app_port = urlsplit(url).port
        assert app_port is not None
        running = Proxy(free_port(), free_port(), app_port, certificates.ca)
        config = nginx_config(folder, running, certificates)
        nginx = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", running.https_port), 0.2).close()
                    break
                except OSError:
                    assert nginx.poll() is None, nginx.stderr.read() if nginx.stderr else ""
                    assert time.monotonic() < deadline, "nginx did not start"
                    time.sleep(0.1)
            yield running
        finally:
            nginx.terminate()
            nginx.wait(timeout=20)


def test_signing_in_through_the_readme_tls_proxy_and_not_over_plain_http(
    sessions: sessionmaker[Session], proxy: Proxy
) -> None:
    add_user(sessions, "rita", "reviewer")
    https_url = f"https://{NAME}:{proxy.https_port}"

    # The chain checks out against the local CA, as on a computer that imported it.
    trusting_ca = ssl.create_default_context(cafile=str(proxy.ca))
    with httpx.Client(verify=trusting_ca) as client:
        health = client.get(f"https://127.0.0.1:{proxy.https_port}/healthz")
        assert health.status_code == 200
        assert health.headers["strict-transport-security"].startswith("max-age=")
        # Port 80 of the recipe sends browsers to HTTPS.
        moved = client.get(f"http://127.0.0.1:{proxy.http_port}/login", headers={"Host": NAME})
        assert moved.status_code == 301
        assert moved.headers["location"] == f"https://{NAME}/login"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            # The office's DNS: the name resolves to this machine.
            args=[f"--host-resolver-rules=MAP {NAME} 127.0.0.1"],
        )
        try:
            # The test's CA is not in Chromium's store; the chain was checked above.
            context = browser.new_context(ignore_https_errors=True, locale="vi-VN")
            page = context.new_page()
            page.goto(f"{https_url}/review")
            expect(page).to_have_url(f"{https_url}/login?next=%2Freview")
            page.get_by_label("Tên đăng nhập").fill("rita")
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            with page.expect_response(f"{https_url}/login") as signed:
                page.keyboard.press("Enter")
            assert signed.value.status == 200
            assert "strict-transport-security" in signed.value.headers
            expect(page).to_have_url(f"{https_url}/review")
            cookies = {cookie["name"]: cookie for cookie in context.cookies()}
            assert cookies["bo_session"]["secure"] is True
            assert cookies["bo_session"]["httpOnly"] is True
            context.close()

            # The same name over plain HTTP straight to the service (bound where the LAN
            # reaches it): no form that would fail silently, but the reason.
            plain = browser.new_context()
            page = plain.new_page()
            page.goto(f"http://{NAME}:{proxy.app_port}/login?lang=en")
            expect(page.locator("h1")).to_have_text("Signing in needs HTTPS")
            expect(page.locator("#https-needed")).to_contain_text("https://")
            assert page.locator("form#login").count() == 0
            # What the form would send, from the page: refused with the reason.
            status, detail = page.evaluate(
                """async ([name, password]) => {
                    const body = new URLSearchParams({username: name, password});
                    const answer = await fetch("/login", {method: "POST", body});
                    return [answer.status, (await answer.json()).detail];
                }""",
                ["rita", PASSWORD],
            )
            assert status == 403
            assert "HTTPS" in detail
            plain.close()
        finally:
            browser.close()
    with sessions() as session:
        logins = session.scalars(select(AuditEvent).where(AuditEvent.kind == "login")).all()
    # The proxy forwarded the browser's address; it is trusted, so that is what counts.
    assert [event.client_ip for event in logins] == ["127.0.0.1"]
