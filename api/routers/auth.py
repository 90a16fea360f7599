"""Browser sign-in: a login form sets the session cookie, logout ends the session."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from api.deps import (
    AUTH_RESPONSES,
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    CurrentPrincipal,
    SessionDep,
    SettingsDep,
    client_of,
    csrf_token,
    over_https,
    sign_in_allowed,
)
from api.schemas import NO_CONTROL, UNREADABLE_BODY, UtcDateTime
from pipeline import audit, auth
from pipeline.models import LoginSession, Role

router = APIRouter(tags=["auth"])
HTTPS_NEEDED = (
    "signing in needs HTTPS: over plain HTTP the password and the session would cross the "
    "network readable by anyone on it; open the service at its https:// address"
)


class LoginOut(BaseModel):
    user: str
    roles: list[Role]
    expires_at: UtcDateTime
    csrf_token: str = Field(
        description=f"Send it as the `{CSRF_HEADER}` header on every state-changing request "
        f"made with the session cookie (it is also in the `{CSRF_COOKIE}` cookie)."
    )


@router.post(
    "/login",
    response_model=LoginOut,
    responses={
        401: {"description": "Wrong name or password, or a disabled user."},
        403: {"description": "Plain HTTP from another computer: signing in needs HTTPS."},
        429: {"description": "Too many failed logins; see Retry-After."},
    }
    | UNREADABLE_BODY,
)
def login(
    request: Request,
    response: Response,
    username: Annotated[str, Form(min_length=1, max_length=120, pattern=NO_CONTROL)],
    password: Annotated[str, Form(min_length=1, max_length=1024, pattern=NO_CONTROL)],
    session: SessionDep,
    settings: SettingsDep,
) -> LoginOut:
    """Sign in with a name and password; sets an HttpOnly session cookie (`Secure` over
    HTTPS). Refused with 403 over plain HTTP from another computer: see the sign-in page."""
    if not sign_in_allowed(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, HTTPS_NEEDED)
    client = client_of(request)
    audit.attach_client(session, client)
    limits = auth.LoginLimits(
        max_failures=settings.login_max_failures,
        max_failures_per_ip=settings.login_max_failures_per_ip,
        window=timedelta(seconds=settings.login_window_seconds),
        backoff_max=timedelta(seconds=settings.login_backoff_max_seconds),
    )
    try:
        user = auth.login(
            session, username=username, password=password, client_ip=client.ip, limits=limits
        )
    except auth.TooManyAttempts as refused:
        session.commit()
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            str(refused),
            headers={"Retry-After": str(refused.retry_after)},
        ) from refused
    except auth.LoginFailed as failed:
        session.commit()  # the failure counts towards the rate limit
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(failed)) from failed
    lifetime = timedelta(hours=settings.session_hours)
    login_session, secret = auth.start_session(session, user=user, lifetime=lifetime, client=client)
    session.commit()
    csrf = csrf_token(request.app.state.secret_key, secret)
    max_age = int(lifetime.total_seconds())
    # Secure whenever the browser came over HTTPS; the only plain-HTTP sign-in allowed is
    # on this machine, where a Secure cookie would be dropped by some clients.
    secure = over_https(request)
    response.set_cookie(
        SESSION_COOKIE, secret, max_age=max_age, secure=secure, httponly=True, samesite="lax"
    )
    # Readable by the page's script, which echoes it in the CSRF header (double submit).
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, secure=secure, samesite="lax")
    return LoginOut(
        user=user.name,
        roles=[Role(role) for role in user.roles],
        expires_at=login_session.expires_at,
        csrf_token=csrf,
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=AUTH_RESPONSES)
def logout(request: Request, principal: CurrentPrincipal, session: SessionDep) -> Response:
    """End the browser session and clear its cookies (an API token is revoked instead)."""
    if principal.login_session_id is not None:
        login_session = session.get(LoginSession, principal.login_session_id)
        if login_session is not None:
            auth.end_session(session, login_session=login_session)
            session.commit()
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    secure = over_https(request)
    response.delete_cookie(SESSION_COOKIE, secure=secure, httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, secure=secure, samesite="lax")
    return response
