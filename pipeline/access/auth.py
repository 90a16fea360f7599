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
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from pipeline.access import audit
from pipeline.store.models import ApiToken, AuditEvent, LoginSession, Role, User, utcnow

# Control characters in a password: not typed by a person, and refused in every other input.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
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
    """Failed logins allowed in `window`: per name from one address, per address whatever
    the names; past `max_failures` for a name over every address, attempts on it must wait
    a delay doubling with each failure, up to `backoff_max`."""

    max_failures: int
    max_failures_per_ip: int
    window: timedelta
    backoff_max: timedelta = timedelta(seconds=60)


class WeakPassword(AuthError):
    """A password the policy refuses: too short, a common one, or the user's own name."""


MIN_PASSWORD_LENGTH = 12
_COMMON_PASSWORDS = resources.files("pipeline.access") / "data" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords guessed first (see the file's header), lower-cased."""
    lines = _COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def check_password(password: str, *, name: str, min_length: int = MIN_PASSWORD_LENGTH) -> None:
    """Refuses a password an attacker tries first. Length matters most (NIST SP 800-63B):
    at least `min_length` characters, any characters, no composition rules; and none from
    the common-passwords list or containing the user's name."""
    if len(password) < min_length:
        raise WeakPassword(f"the password needs at least {min_length} characters")
    if CONTROL.search(password):
        raise WeakPassword("the password contains control characters")
    folded = password.lower()
    if folded in common_passwords() or "".join(folded.split()) in common_passwords():
        raise WeakPassword("the password is in the list of common passwords; choose another")
    if name.lower() in folded:
        raise WeakPassword("the password contains the user name")


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
    session: Session,
    *,
    name: str,
    roles: Iterable[str],
    password: str,
    actor: str,
    min_password_length: int = MIN_PASSWORD_LENGTH,
) -> User:
    _check_name(name)
    chosen = _roles(roles)
    if not chosen:
        raise AuthError("a user needs at least one role")
    check_password(password, name=name, min_length=min_password_length)
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


def _user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise AuthError(f"no user {name!r}")
    return user


def _end_sessions(session: Session, user: User) -> None:
    now = utcnow()
    for open_session in session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    ):
        open_session.ended_at = now


def disable_user(session: Session, *, name: str, actor: str) -> User:
    user = _user(session, name)
    if not user.disabled:
        user.disabled = True
        audit.record(
            session,
            actor=actor,
            kind="user_disabled",
            data={"user": name, "disabled": audit.change(False, True)},
        )
    _end_sessions(session, user)
    return user


def enable_user(session: Session, *, name: str, actor: str) -> User:
    """A disabled user may sign in again (with the password they had)."""
    user = _user(session, name)
    if user.disabled:
        user.disabled = False
        audit.record(
            session,
            actor=actor,
            kind="user_enabled",
            data={"user": name, "disabled": audit.change(True, False)},
        )
    return user


def reset_password(
    session: Session,
    *,
    name: str,
    password: str,
    actor: str,
    min_password_length: int = MIN_PASSWORD_LENGTH,
) -> User:
    """A new password, under the same policy as a new user's. The user's open sessions end:
    whoever knew the old password is signed out too. The audit event never holds it."""
    user = _user(session, name)
    check_password(password, name=name, min_length=min_password_length)
    user.password_hash = _hasher.hash(password)
    audit.record(session, actor=actor, kind="password_reset", data={"user": name})
    _end_sessions(session, user)
    return user


def set_roles(session: Session, *, name: str, roles: Iterable[str], actor: str) -> User:
    """Replace a user's roles; their open sessions take the new roles at the next request."""
    user = _user(session, name)
    chosen = _roles(roles)
    if not chosen:
        raise AuthError("a user needs at least one role")
    if chosen != sorted(user.roles):
        audit.record(
            session,
            actor=actor,
            kind="user_roles_changed",
            data={"user": name, "roles": audit.change(sorted(user.roles), chosen)},
        )
        user.roles = chosen
    return user


def anyone_can_sign_in(session: Session) -> bool:
    """Whether an enabled user or a live token exists."""
    user = select(User.id).where(User.disabled.is_(False)).limit(1)
    token = select(ApiToken.id).where(ApiToken.revoked_at.is_(None), _unexpired()).limit(1)
    return session.scalar(user) is not None or session.scalar(token) is not None


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.name)).all()


# --- API tokens -----------------------------------------------------------------------------


def create_token(
    session: Session,
    *,
    name: str,
    role: str,
    actor: str,
    expires_in: timedelta | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its secret, which exists nowhere else: show it once. With
    `expires_in`, requests with it get 401 from then on, as if it were revoked."""
    _check_name(name)
    (chosen,) = _roles([role])
    if expires_in is not None and expires_in <= timedelta(0):
        raise AuthError("a token's lifetime must be positive")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise AuthError(f"token {name!r} exists")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = utcnow() + expires_in if expires_in is not None else None
    token = ApiToken(
        name=name,
        role=chosen,
        token_hash=secret_hash(secret),
        created_by=actor,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        kind="token_created",
        data={
            "token": name,
            "token_id": token.id,
            "role": chosen,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return token, secret


def token_expired(token: ApiToken, *, now: datetime | None = None) -> bool:
    return token.expires_at is not None and _aware(token.expires_at) <= (now or utcnow())


def _unexpired() -> ColumnElement[bool]:
    return or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > utcnow())


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
    """The live token with this secret; None for an unknown, revoked or expired one."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == secret_hash(secret)))
    if token is None or token.revoked_at is not None or token_expired(token):
        return None
    return token


def use_token(session: Session, *, secret: str) -> ApiToken | None:
    """The live token with this secret, its use noted; None for an unknown, revoked or
    expired one."""
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
    when it may be tried now.

    Three limits, none of which lets one client lock another out: an address that failed
    too often (whatever the names) waits out the window; so does an address that failed
    too often on this name, which stops guessing from there but leaves the owner signing in
    from their own computer. Past the per-name limit summed over every address (guessing
    spread over many), each attempt on the name waits a delay doubling per failure, capped
    at `limits.backoff_max`: a crawl for a guesser, seconds for the owner."""
    now = utcnow()
    since = now - limits.window
    failed = select(AuditEvent.at).where(AuditEvent.kind == "login_failed", AuditEvent.at >= since)
    address = AuditEvent.client_ip
    here = address.is_(None) if client_ip is None else address == client_ip
    name_failures = failed.where(AuditEvent.actor == username)
    waits = [
        _wait(session, name_failures.where(here), limits.max_failures, limits.window, now),
        _backoff(session, name_failures, limits, now),
    ]
    if client_ip is not None:
        per_ip = failed.where(here)
        waits.append(_wait(session, per_ip, limits.max_failures_per_ip, limits.window, now))
    return max((wait for wait in waits if wait is not None), default=None)


def _backoff(
    session: Session, failures: Select[datetime], limits: LoginLimits, now: datetime
) -> int | None:
    times = sorted(_aware(at) for at in session.scalars(failures))
    excess = len(times) - limits.max_failures
    if excess <= 0:
        return None
    delay = min(timedelta(seconds=2 ** min(excess - 1, 30)), limits.backoff_max)
    wait = (times[-1] + delay - now).total_seconds()
    return int(wait) + 1 if wait > 0 else None


def _wait(
    session: Session,
    failures: Select[datetime],
    allowed: int,
    window: timedelta,
    now: datetime,
) -> int | None:
    times = sorted(_aware(at) for at in session.scalars(failures))
    if len(times) < allowed:
        return None
    # Open again once enough failures have left the window to go below the limit.
    frees_at = times[len(times) - allowed] + window
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
