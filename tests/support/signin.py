"""Signing in for API tests: users and tokens made through the real services, a browser
session through the real login form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from api.deps import CSRF_HEADER
from pipeline.access import auth
from pipeline.store.db import transaction
from pipeline.store.settings import Settings

PASSWORD = "correct horse battery staple"


@contextmanager
def api(settings: Settings) -> Iterator[TestClient]:
    # https: session cookies are Secure, and a client keeps them only for https.
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        yield client


def add_user(
    sessions: sessionmaker[Session], name: str, *roles: str, password: str = PASSWORD
) -> None:
    with transaction(sessions) as session:
        auth.create_user(session, name=name, roles=roles, password=password, actor="test")


def add_token(sessions: sessionmaker[Session], name: str, role: str) -> str:
    with transaction(sessions) as session:
        _token, secret = auth.create_token(session, name=name, role=role, actor="test")
    return secret


def sign_in(
    client: TestClient, sessions: sessionmaker[Session], name: str, *roles: str
) -> TestClient:
    """A new user with these roles, signed in on `client` like a browser: the session
    cookie, and the CSRF header its page script would send."""
    add_user(sessions, name, *roles)
    response = client.post("/login", data={"username": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers[CSRF_HEADER] = response.json()["csrf_token"]
    return client
