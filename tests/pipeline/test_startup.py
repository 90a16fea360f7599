"""What the `backoffice` command says when it starts, or why it cannot: through the real
console script, as an operator runs it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import typer
from sqlalchemy.engine import make_url

from pipeline.commands import app
from tests.support.machine import ROOT, free_port

# Slow: the real console script, a new process per case.
pytestmark = pytest.mark.slow

BACKOFFICE = str(Path(sys.executable).parent / "backoffice")

# Arguments that get each command as far as reading its settings. `rules test` runs the
# packs' own examples and reads no settings, so no setting can be wrong for it.
COMMANDS: dict[str, list[str]] = {
    "db upgrade": [],
    "extract": ["a.pdf"],
    "watch": ["--once"],
    "worker": [],
    "webhooks": ["--once"],
    "api": [],
    "run": [],
    "rules list": [],
    "rules check": ["a.pdf"],
    "users add": ["someone", "--role", "clerk", "--password-stdin"],
    "users list": [],
    "users disable": ["someone"],
    "users enable": ["someone"],
    "users roles": ["someone", "--role", "clerk"],
    "users reset-password": ["someone", "--password-stdin"],
    "tokens create": ["--name", "erp", "--role", "accountant"],
    "tokens list": [],
    "tokens revoke": ["1"],
    "export entries": ["--from", "2026-01-01", "--to", "2026-01-31"],
    "export contracts": ["--from", "2026-01-01", "--to", "2026-01-31"],
    "export candidates": ["--from", "2026-01-01", "--to", "2026-01-31"],
    "export correspondence": ["--from", "2026-01-01", "--to", "2026-01-31"],
    "export purchase-register": ["--from", "2026-01-01", "--to", "2026-01-31"],
    "export misa": ["--from", "2026-01-01", "--to", "2026-01-31"],
    "registers purge": [],
    "memories list": [],
    "memories show": ["1"],
    "memories forget": ["1"],
    "memories curve": ["tax:0101243150"],
    "periods list": [],
    "periods close": ["2026-11"],
    "periods reopen": ["2026-11"],
    "suppliers list": [],
    "suppliers set": ["0101243150", "--name", "Minh Phát"],
    "suppliers import": ["suppliers.csv"],
    "rates import": ["rates.csv"],
    "rates set": ["USD", "2026-03-05", "25400"],
    "rates show": ["USD", "2026-03-05"],
    "portal import": ["hoa-don-mua-vao.xlsx"],
    "portal report": ["--from", "2026-03-01", "--to", "2026-03-31"],
}
NEEDS_NO_SETTINGS = {"rules test"}


def _leaf_commands(group: typer.core.TyperGroup, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for name, command in group.commands.items():
        if isinstance(command, typer.core.TyperGroup):
            names |= _leaf_commands(command, f"{prefix}{name} ")
        else:
            names.add(f"{prefix}{name}")
    return names


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BACKOFFICE_")}
    return (
        env
        | {
            "BACKOFFICE_DATA_DIR": str(tmp_path / "data"),
            "BACKOFFICE_INBOX": str(tmp_path / "inbox"),
        }
        | settings
    )


def test_the_command_table_covers_every_command() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    assert _leaf_commands(group) == set(COMMANDS) | NEEDS_NO_SETTINGS


def configuration_errors(
    tmp_path: Path, commands: list[str], setting: str, value: str
) -> dict[str, tuple[int, str, str]]:
    """Each command run with one bad setting: its exit code, standard output and error."""
    env = _environment(tmp_path, **{setting: value})
    # All at once: each is a whole interpreter start, and they are independent.
    started = {
        name: subprocess.Popen(
            [BACKOFFICE, *name.split(), *COMMANDS[name]],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for name in commands
    }
    results = {}
    try:
        for name, process in started.items():
            out, err = process.communicate("a password\n", timeout=120)
            results[name] = (process.returncode, out, err)
        return results
    finally:
        for process in started.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_a_bad_setting_is_one_line_naming_it_and_exit_2_for_every_command(
    tmp_path: Path,
) -> None:
    results = configuration_errors(tmp_path, list(COMMANDS), "BACKOFFICE_WORKERS", "abc")
    expected = (
        "configuration error: BACKOFFICE_WORKERS: Input should be a valid integer, unable to "
        "parse string as an integer (got 'abc')\n"
    )
    assert {name: result for name, result in results.items() if result != (2, "", expected)} == {}


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("postgres//db.internal/backoffice", "not a database URL"),
        # a dialect whose driver is not installed, with a password that must not be printed
        ("mysql://clerk:hunter22@db.internal/bo", "'mysql' needs the driver 'MySQLdb'"),
    ],
)
def test_an_unusable_database_url_is_one_line_naming_it(
    tmp_path: Path, value: str, said: str
) -> None:
    commands = ["db upgrade", "run", "users list"]
    results = configuration_errors(tmp_path, commands, "BACKOFFICE_DATABASE_URL", value)
    for name, (code, out, err) in results.items():
        assert (code, out) == (2, ""), f"{name}: {err}"
        (line,) = err.splitlines()
        assert line.startswith("configuration error: BACKOFFICE_DATABASE_URL: " + said), line
        assert "hunter22" not in line


@contextlib.contextmanager
def started(
    command: list[str], env: dict[str, str], log: Path, *, serving: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    """The command running in its own session; stopped as Ctrl-C stops it, and whatever is
    left of it killed. Once `serving`, it has set up its signal handling and must stop
    cleanly (before that, Ctrl-C interrupts its start as it would any program's)."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [BACKOFFICE, *command],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
        assert code == 0 or not serving, log.read_text()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def migrated(env: dict[str, str]) -> None:
    upgraded = subprocess.run(
        [BACKOFFICE, "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert upgraded.returncode == 0, upgraded.stderr


def wait_for(process: subprocess.Popen[bytes], log: Path, *expected: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        text = log.read_text()
        if all(line in text for line in expected):
            return text
        assert process.poll() is None, f"exited {process.returncode}:\n{text}"
        assert time.monotonic() < deadline, f"never said {expected}:\n{text}"
        time.sleep(0.2)


def serving(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log.read_text()
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        assert time.monotonic() < deadline, "not serving:\n" + log.read_text()
        time.sleep(0.2)


def test_run_says_what_it_watches_its_database_workers_and_where_the_api_listens(
    tmp_path: Path, empty_pg_database: str
) -> None:
    url = make_url(empty_pg_database)
    # The local server trusts its clients, so any password connects; none may be printed.
    password = url.password or "never-printed-7f3a"
    url = url.set(password=password)
    env = _environment(
        tmp_path,
        BACKOFFICE_DATABASE_URL=url.render_as_string(hide_password=False),
        BACKOFFICE_WORKERS="1",
    )
    port = free_port()
    log = tmp_path / "run.log"
    with started(["run", "--port", str(port)], env, log, serving=True) as process:
        text = wait_for(
            process,
            log,
            f"watching inbox: {(tmp_path / 'inbox').resolve()} (file system events",
            f"database: {url.render_as_string(hide_password=True)}",
            "workers: 1 process",
            f"API listening on http://127.0.0.1:{port}",
        )
        serving(f"http://127.0.0.1:{port}", process, log)
    assert password not in log.read_text()
    assert "***" in text


def test_worker_says_its_database_and_how_many_processes(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    migrated(env)
    database = f"sqlite:///{(tmp_path / 'data' / 'backoffice.db').resolve()}"
    log = tmp_path / "worker.log"
    with started(["worker", "--processes", "1"], env, log) as process:
        wait_for(process, log, f"database: {database}", "workers: 1 process\n")


def test_watch_says_which_inbox_and_how(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    env = _environment(tmp_path, BACKOFFICE_POLLING_INTERVAL="2.5")
    log = tmp_path / "watch.log"
    with started(["watch"], env, log) as process:
        wait_for(
            process,
            log,
            f"watching inbox: {(tmp_path / 'inbox').resolve()} (polling every 2.5 s",
            "database: sqlite:///",
        )


def test_api_says_where_it_listens_and_listens_there(tmp_path: Path) -> None:
    port = free_port()
    env = _environment(tmp_path, BACKOFFICE_API_PORT=str(port))
    migrated(env)
    log = tmp_path / "api.log"
    with started(["api"], env, log, serving=True) as process:
        wait_for(process, log, f"API listening on http://127.0.0.1:{port} ")
        serving(f"http://127.0.0.1:{port}", process, log)
