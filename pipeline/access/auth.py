"""Users, API tokens, browser sessions and the login rate limit. Callers own the transaction.

Secrets handed out (API tokens, session cookies) are 256 random bits; the database keeps only
their SHA-256, so a copy of the database lets nobody in. Passwords are hashed with argon2id.
Every change and every login attempt is an audit event.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from pipeline.access import audit
from pipeline.store.models import ApiToken, AuditEvent, LoginSession, Role, User, utcnow

# No colon: `token:<name>` is how a token acts in the audit trail, and no user can be it.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,119}")
TOKEN_PREFIX = "bo_"
TOKEN_ACTOR_PREFIX = "token:"

_hasher = PasswordHasher()
# Checked when the user does not exist, so an unknown name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AuthError(Exception):
    """A request to change users or tokens that cannot be done as asked."""


class LoginFailed(Exception):
    """Wrong name, wrong password or disabled user: one message for all, so a caller cannot
    tell which names exist."""

    def __init__(self) -> None:
        super().__init__("invalid username or password")


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class LoginLimits:
    max_failures: int
    max_failures_per_ip: int
    window: timedelta


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_actor(token: ApiToken) -> str:
    return f"{TOKEN_ACTOR_PREFIX}{token.name}"


def _check_name(name: str) -> str:
    if NAME.fullmatch(name) is None:
        raise AuthError(
            f"invalid name {name!r}: letters, digits and . _ @ - only, at most 120 characters"
        )
    return name


def _roles(roles: Iterable[str]) -> list[str]:
    try:
        return sorted({Role(role).value for role in roles})
    except ValueError as error:
        raise AuthError(f"{error}; roles are {', '.join(r.value for r in Role)}") from error


# --- users ----------------------------------------------------------------------------------


def create_user(
    session: Session, *, name: str, roles: Iterable[str], password: str, actor: str
) -> User:
    _check_name(name)
    chosen = _roles(roles)
    if not chosen:
        raise AuthError("a user needs at least one role")
    if not password:
        raise AuthError("the password is empty")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise AuthError(f"user {name!r} exists")
    user = User(name=name, roles=chosen, password_hash=_hasher.hash(password), disabled=False)
    session.add(user)
    audit.record(
        session,
        actor=actor,
        kind="user_created",
        data={"user": name, "roles": audit.change(None, chosen)},
    )
    return user


def disable_user(session: Session, *, name: str, actor: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise AuthError(f"no user {name!r}")
    if not user.disabled:
        user.disabled = True
        audit.record(
            session,
            actor=actor,
            kind="user_disabled",
            data={"user": name, "disabled": audit.change(False, True)},
        )
    now = utcnow()
    for open_session in session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    ):
        open_session.ended_at = now
    return user


def anyone_can_sign_in(session: Session) -> bool:
    """Whether an enabled user or a live token exists."""
    user = select(User.id).where(User.disabled.is_(False)).limit(1)
    token = select(ApiToken.id).where(ApiToken.revoked_at.is_(None)).limit(1)
    return session.scalar(user) is not None or session.scalar(token) is not None


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.name)).all()


# --- API tokens -----------------------------------------------------------------------------


def create_token(session: Session, *, name: str, role: str, actor: str) -> tuple[ApiToken, str]:
    """A new token and its secret, which exists nowhere else: show it once."""
    _check_name(name)
    (chosen,) = _roles([role])
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise AuthError(f"token {name!r} exists")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, role=chosen, token_hash=secret_hash(secret), created_by=actor)
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        kind="token_created",
        data={"token": name, "token_id": token.id, "role": chosen},
    )
    return token, secret


def revoke_token(session: Session, *, token_id: int, actor: str) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise AuthError(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            actor=actor,
            kind="token_revoked",
            data={"token": token.name, "token_id": token.id},
        )
    return token


def list_tokens(session: Session) -> Sequence[ApiToken]:
    return session.scalars(select(ApiToken).order_by(ApiToken.id)).all()


def live_token(session: Session, *, secret: str) -> ApiToken | None:
    """The live token with this secret; None for an unknown or revoked one."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == secret_hash(secret)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def use_token(session: Session, *, secret: str) -> ApiToken | None:
    """The live token with this secret, its use noted; None for an unknown or revoked one."""
    token = live_token(session, secret=secret)
    if token is not None:
        token.last_used_at = utcnow()
    return token


# --- logins and browser sessions ------------------------------------------------------------


def login(
    session: Session,
    *,
    username: str,
    password: str,
    client_ip: str | None,
    limits: LoginLimits,
) -> User:
    """The user these credentials belong to, or LoginFailed / TooManyAttempts. Every attempt
    is an audit event; failures are what the rate limit counts."""
    retry_after = login_retry_after(session, username=username, client_ip=client_ip, limits=limits)
    if retry_after is not None:
        audit.record(session, actor=username, kind="login_blocked", data={})
        raise TooManyAttempts(retry_after)
    user = session.scalar(select(User).where(User.name == username))
    matches = _verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    if user is None or not matches or user.disabled:
        reason = "unknown user" if user is None else "wrong password" if not matches else "disabled"
        audit.record(session, actor=username, kind="login_failed", data={"reason": reason})
        raise LoginFailed()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, actor=user.name, kind="login", data={})
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def login_retry_after(
    session: Session, *, username: str, client_ip: str | None, limits: LoginLimits
) -> int | None:
    """Seconds until a login for this name from this address may be tried again, or None
    when it may be tried now."""
    now = utcnow()
    since = now - limits.window
    failed = select(AuditEvent.at).where(AuditEvent.kind == "login_failed", AuditEvent.at >= since)
    waits = [_wait(session, failed.where(AuditEvent.actor == username), limits, now)]
    if client_ip is not None:
        per_ip = failed.where(AuditEvent.client_ip == client_ip)
        waits.append(_wait(session, per_ip, limits, now, per_ip=True))
    return max((wait for wait in waits if wait is not None), default=None)


def _wait(
    session: Session,
    failures: Select[tuple[datetime]],
    limits: LoginLimits,
    now: datetime,
    *,
    per_ip: bool = False,
) -> int | None:
    allowed = limits.max_failures_per_ip if per_ip else limits.max_failures
    times = sorted(_aware(at) for at in session.scalars(failures))
    if len(times) < allowed:
        return None
    # Open again once enough failures have left the window to go below the limit.
    frees_at = times[len(times) - allowed] + limits.window
    return max(1, int((frees_at - now).total_seconds()) + 1)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back UTC timestamps without their zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def start_session(
    session: Session,
    *,
    user: User,
    lifetime: timedelta,
    client: audit.Client,
) -> tuple[LoginSession, str]:
    """A new browser session and the secret its cookie carries."""
    secret = secrets.token_urlsafe(32)
    row = LoginSession(
        token_hash=secret_hash(secret),
        user_id=user.id,
        expires_at=utcnow() + lifetime,
        client_ip=client.ip,
        user_agent=client.user_agent[:512] if client.user_agent else None,
    )
    session.add(row)
    return row, secret


def resume_session(session: Session, *, secret: str) -> LoginSession | None:
    """The open, unexpired session of an enabled user with this secret, or None."""
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == secret_hash(secret)))
    if row is None or row.ended_at is not None or _aware(row.expires_at) <= utcnow():
        return None
    if row.user.disabled:
        return None
    return row


def end_session(session: Session, *, login_session: LoginSession) -> None:
    login_session.ended_at = utcnow()
    audit.record(session, actor=login_session.user.name, kind="logout", data={})
