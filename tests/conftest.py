"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL tests need the server at BACKOFFICE_TEST_PG_URL (default: the local trust-auth
server). Outside CI they skip when it is unreachable; under CI=true they fail instead, so a
green CI always means both databases were exercised. Each test gets a fresh database: a
copy of a migrated template (PostgreSQL `CREATE DATABASE … TEMPLATE`, SQLite file copy).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from pipeline.access import audit
from pipeline.store.db import make_engine, make_session_factory
from pipeline.store.migrate import upgrade
from pipeline.store.models import AuditEvent
from pipeline.store.settings import Settings, get_settings
from tests.support.machine import BOTH_DATABASES, IN_CI, PG_ADMIN_URL
from tests.support.signin import api, sign_in

RUN_ID = uuid.uuid4().hex[:8]


@event.listens_for(Session, "before_flush")
def _only_known_audit_kinds(session: Session, _context: object, _instances: object) -> None:
    """Every test that records an event checks its kind is listed (and so labelled on the
    audit page): a new kind fails the test that first records it, not a reviewer's eye."""
    for row in session.new:
        if isinstance(row, AuditEvent) and row.kind not in audit.KINDS:
            raise AssertionError(f"audit event kind {row.kind!r} is not in audit.KINDS")


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _create_pg_database(name: str, template: str | None = None) -> None:
    """Create a database, or fail (under CI) / skip (elsewhere) when there is no server."""
    clause = f' TEMPLATE "{template}"' if template else ""
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI and unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    finally:
        admin.dispose()


def _drop_pg_database(name: str) -> None:
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    name = f"bo_tmpl_{RUN_ID}"
    _create_pg_database(name)
    upgrade(_pg_url(name))
    yield name
    _drop_pg_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=BOTH_DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "data" / "backoffice.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("pg_template")
    name = f"bo_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    _create_pg_database(name, template=template_name)
    yield _pg_url(name)
    _drop_pg_database(name)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return Settings(
        data_dir=tmp_path / "data",
        inbox=inbox,
        database_url=database_url,
        stability_delay=0.3,
        lease_seconds=5,
        heartbeat_seconds=1,
        retry_backoff_seconds=0.1,
        poll_seconds=0.1,
        workers=1,
    )


@pytest.fixture
def sessions(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings.resolved_database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def empty_pg_database() -> Iterator[str]:
    """A PostgreSQL database with no tables at all, as a new installation finds it."""
    name = f"bo_empty_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    _create_pg_database(name)
    yield _pg_url(name)
    _drop_pg_database(name)


@pytest.fixture
def client(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    """The API as a reviewer who is also an accountant; modules needing other roles sign in
    their own `client`."""
    with api(settings) as test_client:
        yield sign_in(test_client, sessions, "rita", "reviewer", "accountant")


@pytest.fixture
def run_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The command line in-process, on the test's database and data directory."""
    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
