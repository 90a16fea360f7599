"""Request-scoped dependencies. The request owns the transaction: routers commit.

Who may call what is decided here and nowhere else: `CurrentPrincipal` authenticates (an API
token as `Authorization: Bearer`, or a browser's session cookie plus, on a state-changing
request, its CSRF token), and `require_roles(...)` on each route authorises. Anonymous
requests get 401, authenticated ones without the role 403. `admin` may do everything.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.schemas import Problem
from api.security import is_loopback
from pipeline.access import audit, auth
from pipeline.review import documents
from pipeline.review.approval import ApprovalPolicy
from pipeline.review.documents import DocumentNotFound
from pipeline.store.models import Document, Role
from pipeline.store.settings import Settings
from rules.engine import RuleSet

SESSION_COOKIE = "bo_session"
CSRF_COOKIE = "bo_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        try:
            yield session
        finally:
            session.rollback()


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_rules(request: Request) -> RuleSet:
    """The rules in force now: reloaded when their files change, the last good ones kept
    when an edit broke them."""
    rules: RuleSet = request.app.state.rule_book.current()
    return rules


def get_approval_policy(request: Request) -> ApprovalPolicy:
    """Segregation of duties as the service's settings set it."""
    return ApprovalPolicy.of(request.app.state.settings)


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RulesDep = Annotated[RuleSet, Depends(get_rules)]
PolicyDep = Annotated[ApprovalPolicy, Depends(get_approval_policy)]


class Principal(BaseModel):
    """Who is calling: a user signed in with a browser, or a system with an API token."""

    name: str  # as the audit trail names it: the user's name, or `token:<name>`
    kind: Literal["user", "token"]
    roles: frozenset[Role]
    login_session_id: int | None = None

    def has_role(self, *roles: Role) -> bool:
        return Role.ADMIN in self.roles or not self.roles.isdisjoint(roles)

    @property
    def sees_all_documents(self) -> bool:
        # A clerk and nothing more sees only the documents they uploaded.
        return self.has_role(Role.REVIEWER, Role.APPROVER)


def csrf_token(secret_key: bytes, session_secret: str) -> str:
    """The CSRF token of a browser session: bound to it and keyed with the server's secret,
    so neither a cookie planted by a sibling site nor a guess can produce it."""
    return hmac.new(secret_key, f"csrf:{session_secret}".encode(), hashlib.sha256).hexdigest()


bearer_scheme = HTTPBearer(
    auto_error=False, description="An API token (`backoffice tokens create`)."
)
_session_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description=f"A browser session from `POST /login`; state-changing requests also send "
    f"the `{CSRF_HEADER}` header with the login's `csrf_token`.",
)


def _unauthorized(detail: str = "not authenticated") -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


def over_https(request: Request) -> bool:
    """Whether the browser reached us over HTTPS, directly or through a trusted proxy (whose
    `X-Forwarded-Proto` api.security.ForwardedMiddleware has applied)."""
    return request.url.scheme == "https"


def sign_in_allowed(request: Request) -> bool:
    """Signing in over HTTPS, or over plain HTTP only on this very machine (a browser
    here, `http://localhost:8000`): there the password never crosses a network. From
    another computer over plain HTTP it would, readable by anyone on the LAN."""
    if over_https(request):
        return True
    client = request.client.host if request.client else None
    return is_loopback(request.url.hostname) and is_loopback(client)


def client_of(request: Request) -> audit.Client:
    return audit.Client(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


def get_principal(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(_session_cookie)],
) -> Principal:
    audit.attach_client(session, client_of(request))
    if bearer is not None:
        token = auth.use_token(session, secret=bearer.credentials)
        if token is None:
            raise _unauthorized("invalid or revoked token")
        if request.method not in SAFE_METHODS:
            audit.record(
                session,
                actor=auth.token_actor(token),
                kind="token_used",
                data={"method": request.method, "path": request.url.path},
            )
        # Kept even when the request then fails: an attempted write is worth auditing.
        session.commit()
        return Principal(
            name=auth.token_actor(token), kind="token", roles=frozenset({Role(token.role)})
        )
    if cookie is not None:
        login_session = auth.resume_session(session, secret=cookie)
        if login_session is None:
            raise _unauthorized("session ended or expired")
        if request.method not in SAFE_METHODS:
            expected = csrf_token(request.app.state.secret_key, cookie)
            sent = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent.encode(), expected.encode()):
                raise HTTPException(
                    status.HTTP_403_FORBIDDEN, f"missing or wrong {CSRF_HEADER} header"
                )
        user = login_session.user
        return Principal(
            name=user.name,
            kind="user",
            roles=frozenset(Role(role) for role in user.roles),
            login_session_id=login_session.id,
        )
    raise _unauthorized()


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
# What every route behind `CurrentPrincipal` may answer before it runs; each documents it.
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No token or session, or one no longer valid."},
    403: {
        "model": Problem,
        "description": f"A role that may not do this, or a session's write without its "
        f"`{CSRF_HEADER}` header.",
    },
}


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting callers holding one of these roles (or admin)."""

    def check(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(*roles):
            needed = ", ".join(role.value for role in (*roles, Role.ADMIN))
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"needs one of the roles: {needed}")
        return principal

    return check


def require_person(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting people signed in with one of these roles (or admin), never an
    API token: what an integration's token must not do, whatever its role."""
    by_role = require_roles(*roles)

    def check(principal: CurrentPrincipal) -> Principal:
        by_role(principal)
        if principal.kind == "token":
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                "only a person signed in may do this, not an API token: sign in as a user with "
                f"one of the roles: {', '.join(role.value for role in (*roles, Role.ADMIN))}",
            )
        return principal

    return check


# The rules of who may call what; each route names one.
Uploader = Annotated[Principal, Depends(require_roles(Role.CLERK))]
DocumentReader = Annotated[
    Principal, Depends(require_roles(Role.CLERK, Role.REVIEWER, Role.APPROVER))
]
QueueReader = Annotated[Principal, Depends(require_roles(Role.REVIEWER, Role.APPROVER))]
Reviewer = Annotated[Principal, Depends(require_roles(Role.REVIEWER))]
Approver = Annotated[Principal, Depends(require_roles(Role.APPROVER))]
EntriesReader = Annotated[Principal, Depends(require_roles(Role.ACCOUNTANT))]
RegisterReader = Annotated[Principal, Depends(require_roles(Role.ACCOUNTANT))]
# The portal's list flags invoices and so blocks their posting: an accountant's token is the
# ERP's read token, which must not do that.
PortalImporter = Annotated[Principal, Depends(require_person(Role.ACCOUNTANT))]
Admin = Annotated[Principal, Depends(require_roles())]


def visible_document(session: Session, document_id: int, principal: Principal) -> Document:
    """The document, when the caller may see it (every route reading one document, its
    history, its original or its pages asks here); others' uploads are as absent to a clerk."""
    document = documents.get_document(session, document_id=document_id)
    if not principal.sees_all_documents and document.uploaded_by != principal.name:
        raise DocumentNotFound(document_id)
    return document
