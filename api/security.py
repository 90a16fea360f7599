"""What every request and answer goes through before the routes see it, for a service on an
office network: the real client address and scheme (forwarded headers believed only from
trusted proxies), the browser's security headers, and text inputs free of control characters.

Pure ASGI middleware, so a streamed file or a replayed idempotent answer gets the same headers
as a page, and a refused input never reaches a route or the database."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import parse_qsl, unquote

from pydantic import BaseModel
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractors.text import CONTROL

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# The control characters of extractors.text.CONTROL, as an OpenAPI `pattern` on the request
# strings, so clients know it.
NO_CONTROL_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
# A path has no line breaks either.
_CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# Pages: scripts and styles from our own files only (no inline script, no eval), no plugins,
# no framing by anyone, forms post only here.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Anything else (JSON, CSV, files): nothing in it may run or load, even opened directly.
SANDBOX_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
HSTS = "max-age=31536000"
REFERRER_POLICY = "same-origin"


def trusted_networks(addresses: Iterable[Any]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(str(address), strict=False) for address in addresses)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted(host: str | None, networks: Sequence[Network]) -> bool:
    address = _ip(host) if host else None
    return address is not None and any(address in network for network in networks)


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host.lower() == "localhost":
        return True
    address = _ip(host)
    return address is not None and address.is_loopback


class ForwardedMiddleware:
    """The client's address and scheme as a trusted reverse proxy saw them.

    A request from a trusted proxy takes its client from `X-Forwarded-For`: the rightmost
    address not itself a trusted proxy (what precedes it the client wrote, and may have
    forged); and its scheme from `X-Forwarded-Proto`. From anyone else both headers are
    ignored, so a client on the LAN cannot choose the address it is throttled and audited
    under. (uvicorn's own proxy handling is switched off where the service starts it.)"""

    def __init__(self, app: ASGIApp, *, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.trusted:
            client = scope.get("client")
            if client and is_trusted(client[0], self.trusted):
                scope = dict(scope)
                headers = Headers(scope=scope)
                hops = [
                    hop.strip()
                    for value in headers.getlist("x-forwarded-for")
                    for hop in value.split(",")
                    if hop.strip()
                ]
                for hop in reversed(hops):
                    address = _ip(hop)
                    if address is None:
                        break  # garbage: stop believing the chain here
                    scope["client"] = (str(address), 0)
                    if not any(address in network for network in self.trusted):
                        break
                proto = headers.getlist("x-forwarded-proto")
                last = proto[-1].split(",")[-1].strip().lower() if proto else ""
                if last in ("http", "https"):
                    scope["scheme"] = last
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    """Every answer: `nosniff`, a referrer policy and no framing; a page its strict CSP, and
    everything else a sandboxing one (a route may set its own, which is kept); HSTS over
    HTTPS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                html = headers.get("content-type", "").startswith("text/html")
                defaults = {
                    "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": REFERRER_POLICY,
                    "X-Frame-Options": "DENY",
                    "Content-Security-Policy": PAGE_CSP if html else SANDBOX_CSP,
                    "Cross-Origin-Opener-Policy": "same-origin",
                }
                if https:
                    defaults["Strict-Transport-Security"] = HSTS
                for name, value in defaults.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class InputHygieneMiddleware:
    """Refuses with 422 a request carrying a control character in its path or in a query
    parameter (name or value), before any route runs. Request bodies are held to the same
    rule by their models (api.schemas.RequestBody, the sign-in form's fields), which know
    which values are read; a file uploaded as multipart is bytes, its name is checked where
    it is taken."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = _url_problem(scope) if scope["type"] == "http" else None
        if problem is None:
            await self.app(scope, receive, send)
            return
        answer = json.dumps({"detail": [problem]}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 422,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(answer)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})


def _url_problem(scope: Scope) -> dict[str, Any] | None:
    def refused(loc: list[str]) -> dict[str, Any]:
        return {"loc": loc, "msg": "control characters are not allowed", "type": "value_error"}

    raw_path = scope.get("raw_path")
    path = unquote(raw_path.decode("latin-1")) if raw_path else scope.get("path", "")
    if _CONTROL_IN_PATH.search(path):
        return refused(["path"])
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8"):
        if CONTROL.search(name) or CONTROL.search(value):
            return refused(["query", name])
    return None


def control_character_at(value: Any) -> list[str | int] | None:
    """Where in a value (a string, or a JSON-like structure of them, keys included) the
    first control character is: [] for the value itself, a path below it, or None."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, str):
        return [] if CONTROL.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and CONTROL.search(key):
                return [key]
            found = control_character_at(item)
            if found is not None:
                return [key, *found]
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = control_character_at(item)
            if found is not None:
                return [index, *found]
    return None


def document_no_control_characters(openapi: dict[str, Any]) -> dict[str, Any]:
    """Says in the OpenAPI document what the service enforces: free text a request carries
    (a parameter, a form field, a string of a JSON body) takes no control characters.
    Strings with a format, an enumeration or a pattern of their own already say what they
    take, and schemas that answers use too are left alone (an answer may quote a document's
    text as it was read)."""
    components = openapi.get("components", {}).get("schemas", {})

    def refs(schema: Any, found: set[str]) -> set[str]:
        if isinstance(schema, dict):
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found:
                    found.add(name)
                    refs(components.get(name), found)
            for item in schema.values():
                refs(item, found)
        elif isinstance(schema, list):
            for item in schema:
                refs(item, found)
        return found

    operations = [
        operation
        for path_item in openapi.get("paths", {}).values()
        for operation in path_item.values()
        if isinstance(operation, dict)
    ]
    answered = refs([operation.get("responses") for operation in operations], set())
    visited: set[str] = set()

    def walk(schema: Any) -> None:
        if isinstance(schema, list):
            for item in schema:
                walk(item)
            return
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in visited and name not in answered:
                visited.add(name)
                walk(components.get(name))
            return
        if schema.get("type") == "string" and not (
            {"format", "enum", "pattern", "const", "contentMediaType"} & schema.keys()
        ):
            schema["pattern"] = NO_CONTROL_PATTERN
        for key in ("properties", "patternProperties", "$defs"):
            for item in (schema.get(key) or {}).values():
                walk(item)
        for key in ("items", "additionalProperties", "not", "anyOf", "oneOf", "allOf"):
            walk(schema.get(key))

    for operation in operations:
        for parameter in operation.get("parameters", []):
            walk(parameter.get("schema"))
        for media in (operation.get("requestBody") or {}).get("content", {}).values():
            walk(media.get("schema"))
    return openapi
