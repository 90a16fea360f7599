"""`Idempotency-Key` on every POST of the API (see pipeline/access/idempotency.py for the rules).

Middleware rather than a dependency on each route, so that no POST route, today's or a later
one, can be left without it, and because only here is the whole answer (status and body) at
hand to be kept. The principal the key belongs to is found the way `api.deps` authenticates;
a request without valid credentials runs as usual and gets its 401.

What is kept is the answer of a request that ran: 401 and 403 (refused before running) and
5xx (failed unexpectedly, its transaction rolled back) give the key back, so a repeat runs.
The route commits before its answer is kept; a process dying between the two leaves the key
claimed until `ABANDONED_AFTER`, after which a repeat runs again, and the services' own
guards (an invoice is posted once, acknowledging twice changes nothing) hold.

`/login` takes no key: its answer carries a new session's secret, never to be handed again.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from datetime import timedelta
from typing import IO, Any

import anyio
from fastapi import status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import SESSION_COOKIE
from pipeline.access import auth, idempotency
from pipeline.store.settings import Settings

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
EXEMPT_PATHS = frozenset({"/login"})
# Visible ASCII: a UUID, a hash, or a client's own request id.
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_CHUNK = 1 << 16
_IN_MEMORY = 1 << 20
_NOT_KEPT = frozenset({status.HTTP_401_UNAUTHORIZED, status.HTTP_403_FORBIDDEN})
# The answer is kept once it has been sent (only then has the request's own transaction
# ended; on SQLite keeping it sooner would wait on that transaction), so a client repeating
# the request the moment it has the answer can find it still running: a repeat waits this
# long for the first request's answer before it is told to retry later.
_ANSWER_WAIT_SECONDS = 2.0
_ANSWER_POLL_SECONDS = 0.05


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        key = request.headers.get(HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        if _KEY.fullmatch(key) is None:
            refusal = _problem(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                f"{HEADER} must be 1 to 255 visible ASCII characters (a UUID will do)",
            )
            await refusal(scope, receive, send)
            return
        sessions: sessionmaker[Session] = scope["app"].state.session_factory
        settings: Settings = scope["app"].state.settings
        with tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY) as body:
            await _spool(receive, body)
            principal = await run_in_threadpool(_principal, sessions, request)
            if principal is None:
                await self.app(scope, _replaying(body, receive), send)
                return
            fingerprint = _fingerprint(request, body)
            lifetime = timedelta(hours=settings.idempotency_key_hours)
            deadline = anyio.current_time() + _ANSWER_WAIT_SECONDS
            while True:
                try:
                    stored = await run_in_threadpool(
                        _claim, sessions, principal, key, fingerprint, lifetime
                    )
                    break
                except idempotency.KeyReused as exc:
                    await _problem(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc))(
                        scope, receive, send
                    )
                    return
                except idempotency.StillRunning as exc:
                    if anyio.current_time() >= deadline:
                        await _problem(status.HTTP_409_CONFLICT, str(exc))(scope, receive, send)
                        return
                    await anyio.sleep(_ANSWER_POLL_SECONDS)
            if stored is not None:
                await _replay(stored, send)
                return
            await self._run_and_keep(
                scope, _replaying(body, receive), send, sessions, principal, key
            )

    async def _run_and_keep(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        sessions: sessionmaker[Session],
        principal: str,
        key: str,
    ) -> None:
        answer: dict[str, Any] = {"body": bytearray(), "complete": False}

        async def capture(message: Message) -> None:
            # Noted before it is sent: an answer the client hung up on is still the answer.
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        answer["media_type"] = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")
                answer["complete"] = not message.get("more_body", False)
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            code = answer.get("status")
            # Shielded: a request cancelled by a disconnect still settles its key.
            with anyio.CancelScope(shield=True):
                if answer["complete"] and code is not None and code < 500 and code not in _NOT_KEPT:
                    kept = idempotency.StoredAnswer(
                        code, answer.get("media_type"), bytes(answer["body"])
                    )
                    await run_in_threadpool(_complete, sessions, principal, key, kept)
                else:
                    await run_in_threadpool(_release, sessions, principal, key)


def documented(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with the header, and the answers it can bring, on every POST."""
    problem = (
        {"$ref": "#/components/schemas/Problem"}
        if "Problem" in schema.get("components", {}).get("schemas", {})
        else {"type": "object", "properties": {"detail": {"type": "string"}}}
    )
    for path, operations in schema.get("paths", {}).items():
        operation = operations.get("post")
        if operation is None or path in EXEMPT_PATHS:
            continue
        operation.setdefault("parameters", []).append(
            {
                "name": HEADER,
                "in": "header",
                "required": False,
                "schema": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 255,
                    "pattern": f"^{_KEY.pattern}$",
                },
                "description": "A key of your choosing, new for each request (a UUID). A "
                "repeat of the request with the same key within "
                "`BACKOFFICE_IDEMPOTENCY_KEY_HOURS` (24 h) is not carried out again: it gets "
                f"the first answer, marked with `{REPLAYED_HEADER}: true`.",
            }
        )
        responses = operation.setdefault("responses", {})
        for code, why in (
            ("409", f"A request with the same `{HEADER}` is still being processed."),
            ("422", f"The `{HEADER}` was used before on a different request."),
        ):
            if code in responses:
                responses[code]["description"] += f" Or: {why[0].lower()}{why[1:]}"
                content = (
                    responses[code].setdefault("content", {}).setdefault("application/json", {})
                )
                # The route's own 422 (a body that fails validation) has its own shape.
                if "schema" in content and content["schema"] != problem:
                    content["schema"] = {"anyOf": [content["schema"], problem]}
                else:
                    content["schema"] = problem
            else:
                responses[code] = {
                    "description": why,
                    "content": {"application/json": {"schema": problem}},
                }
    return schema


def _problem(code: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=code)


async def _spool(receive: Receive, body: IO[bytes]) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        body.write(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body.seek(0)


def _replaying(body: IO[bytes], receive: Receive) -> Receive:
    """The request's body again, read from the spool; then the client's own messages."""
    body.seek(0)
    done = False

    async def replay() -> Message:
        nonlocal done
        if done:
            return await receive()
        chunk = body.read(_CHUNK)
        done = len(chunk) < _CHUNK
        return {"type": "http.request", "body": chunk, "more_body": not done}

    return replay


async def _replay(stored: idempotency.StoredAnswer, send: Send) -> None:
    headers = [
        (b"content-length", str(len(stored.body)).encode()),
        (REPLAYED_HEADER.lower().encode(), b"true"),
    ]
    if stored.media_type is not None:
        headers.append((b"content-type", stored.media_type.encode("latin-1")))
    await send({"type": "http.response.start", "status": stored.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body})


def _fingerprint(request: Request, body: IO[bytes]) -> str:
    """What makes two requests the same: method, path, query and body. A JSON body counts by
    its value (key order and spacing aside), a multipart one without its boundary, which a
    client draws anew for each request it builds."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}?{request.url.query}\n".encode())
    media_type = request.headers.get("content-type", "")
    size = body.seek(0, 2)
    body.seek(0)
    canonical = None
    if media_type.startswith("application/json") and size <= _IN_MEMORY:
        try:
            value = json.loads(body.read())
            canonical = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            body.seek(0)
    if canonical is not None:
        digest.update(canonical)
    else:
        boundary = _boundary(media_type)
        carry = b""
        while chunk := body.read(_IN_MEMORY):
            data = carry + chunk
            if boundary:
                data = data.replace(boundary, b"")
                # The start of a boundary cut by the chunk's end waits for the rest of it.
                cut = max(len(data) - len(boundary) + 1, 0)
                data, carry = data[:cut], data[cut:]
            digest.update(data)
        digest.update(carry)
    body.seek(0)
    return digest.hexdigest()


def _boundary(media_type: str) -> bytes | None:
    if not media_type.startswith("multipart/"):
        return None
    match = re.search(r'boundary="?([^";]+)"?', media_type)
    return match.group(1).encode("latin-1") if match else None


def _principal(sessions: sessionmaker[Session], request: Request) -> str | None:
    """Who is calling, named as `api.deps` names them; None without valid credentials."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    with sessions() as session:
        if scheme.lower() == "bearer" and secret.strip():
            token = auth.live_token(session, secret=secret.strip())
            return auth.token_actor(token) if token is not None else None
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            login_session = auth.resume_session(session, secret=cookie)
            if login_session is not None:
                return login_session.user.name
    return None


def _claim(
    sessions: sessionmaker[Session],
    principal: str,
    key: str,
    fingerprint: str,
    lifetime: timedelta,
) -> idempotency.StoredAnswer | None:
    with sessions() as session, session.begin():
        return idempotency.claim(
            session, principal=principal, key=key, fingerprint=fingerprint, lifetime=lifetime
        )


def _complete(
    sessions: sessionmaker[Session], principal: str, key: str, answer: idempotency.StoredAnswer
) -> None:
    with sessions() as session, session.begin():
        idempotency.complete(session, principal=principal, key=key, answer=answer)


def _release(sessions: sessionmaker[Session], principal: str, key: str) -> None:
    with sessions() as session, session.begin():
        idempotency.release(session, principal=principal, key=key)
