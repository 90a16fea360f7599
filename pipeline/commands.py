"""The `backoffice` command's groups and commands: run the service or its parts, extract
files, migrate. `pipeline/cli.py` is the entry point that runs them."""

from __future__ import annotations

import json
import logging
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.ledger.export_commands import export_app

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from extractors.record import Record
    from pipeline.jobs.supervisor import Supervisor
    from pipeline.ledger.periods import Month
    from pipeline.ledger.portal import ReportItem
    from pipeline.store.settings import Settings
    from rules.engine import RuleSet


def _group(description: str) -> typer.Typer:
    # Plain help, as click writes it: rich's formatting costs more than the rest of `--help`.
    return typer.Typer(help=description, no_args_is_help=True, rich_markup_mode=None)


app = _group("Back-office document automation.")
db_app = _group("Database schema.")
app.add_typer(db_app, name="db")
rules_app = _group("Compliance rule packs.")
app.add_typer(rules_app, name="rules")
users_app = _group("People who use the API, and their roles.")
app.add_typer(users_app, name="users")
tokens_app = _group("API tokens for other systems.")
app.add_typer(tokens_app, name="tokens")
app.add_typer(export_app, name="export")
registers_app = _group("The registers kept from approved documents.")
app.add_typer(registers_app, name="registers")
memories_app = _group("Layout memories learned from reviewers' corrections.")
app.add_typer(memories_app, name="memories")
periods_app = _group("Accounting periods: months closed to posting.")
app.add_typer(periods_app, name="periods")
suppliers_app = _group("Supplier master data: codes, default accounts, payment terms.")
app.add_typer(suppliers_app, name="suppliers")
rates_app = _group("The exchange rate table.")
app.add_typer(rates_app, name="rates")
portal_app = _group("Reconciliation with the tax portal's purchase-invoice list.")
app.add_typer(portal_app, name="portal")

SHUTDOWN_GRACE_SECONDS = 30.0

log = logging.getLogger("pipeline.cli")


def get_settings() -> Settings:
    """The settings, read when a command first needs them: a command that needs none (and
    `--help`) starts without loading their validation."""
    from pipeline.store.settings import get_settings as read

    return read()


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(processName)s %(name)s: %(message)s"
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    from pipeline.store.migrate import upgrade

    settings = get_settings()
    upgrade(settings.resolved_database_url)
    typer.echo(f"database at head: {_safe_url(settings)}")


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.resolved_database_url).render_as_string(hide_password=True)


def _announce(
    settings: Settings,
    *,
    inbox: bool = False,
    workers: int | None = None,
    api: tuple[str, int] | None = None,
) -> None:
    """Start-up lines: the first things to check when a dropped file is not picked up or a
    client cannot connect."""
    log.info("database: %s", _safe_url(settings))
    if inbox:
        how = (
            f"polling every {settings.polling_interval:g} s"
            if settings.polling_interval is not None
            else "file system events"
        )
        log.info(
            "watching inbox: %s (%s, rescan every %g s)",
            settings.inbox.resolve(),
            how,
            settings.rescan_interval,
        )
    if workers is not None:
        log.info("workers: %d process%s", workers, "" if workers == 1 else "es")
    if api is not None:
        host, port = api
        shown = f"[{host}]" if ":" in host else host
        log.info("API listening on http://%s:%d (OpenAPI page at /docs)", shown, port)


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Files to read; no database needed.")],
    today: Annotated[
        datetime | None,
        typer.Option(
            "--today",
            formats=["%Y-%m-%d"],
            help="Read as of this date (YYYY-MM-DD) instead of today: what a CV's 'present' "
            "means, and the day the rules check against. For re-reading an old batch, or a "
            "reproducible run.",
        ),
    ] = None,
) -> None:
    """Print one SCHEMA.md record per document as JSON Lines, in input order: one per file,
    or one per part, in page order, for a file holding several documents."""
    from pipeline.extract_command import extract_files

    raise typer.Exit(extract_files(files, today.date() if today is not None else None))


@app.command()
def watch(
    once: Annotated[bool, typer.Option(help="Ingest what is in the inbox now, then exit.")] = False,
) -> None:
    """Watch the inbox and ingest complete files."""
    _logging()
    settings = get_settings()
    _announce(settings, inbox=True)
    if once:
        from pipeline.intake.watcher import scan
        from pipeline.services import build_ingestor

        ingestor = build_ingestor(settings)
        ingestor.reconcile()
        for path in sorted(scan(settings.inbox.resolve())):
            result = ingestor.ingest(path)
            typer.echo(f"{result.outcome.value}\t{path.relative_to(settings.inbox.resolve())}")
        return
    watcher_main(settings)


def watcher_main(settings: Settings) -> None:
    from pipeline.services import build_watcher

    _logging()
    watcher = build_watcher(settings)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        watcher.stop_event.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    watcher.run()


@app.command()
def worker(
    processes: Annotated[
        int | None, typer.Option(help="Worker processes (default BACKOFFICE_WORKERS).")
    ] = None,
) -> None:
    """Run worker processes that process queued documents; one that dies is replaced."""
    from pipeline.jobs.supervisor import Supervisor
    from pipeline.jobs.worker import worker_specs

    _logging()
    settings = get_settings()
    count = processes or settings.workers
    _announce(settings, workers=count)
    supervisor = Supervisor(worker_specs(settings, count))
    supervisor.start()
    _supervise_until_signal(supervisor)
    _stop_children(supervisor)


@app.command()
def webhooks(
    once: Annotated[
        bool, typer.Option(help="Send what is due now (one batch per feed), then exit.")
    ] = False,
) -> None:
    """Notify BACKOFFICE_WEBHOOK_URL of new feed items (`run` does this on its own)."""
    from pipeline.services import build_notifier

    _logging()
    notifier = build_notifier(get_settings())
    if notifier is None:
        typer.echo("BACKOFFICE_WEBHOOK_URL is not set: nothing to notify", err=True)
        raise typer.Exit(1)
    if once:
        for attempt in notifier.deliver_due():
            outcome = "delivered" if attempt.delivered else f"failed: {attempt.error}"
            typer.echo(f"{attempt.stream.value}\t{len(attempt.positions)}\t{outcome}")
        return
    webhooks_main(get_settings())


def webhooks_main(settings: Settings) -> None:
    from pipeline.services import build_notifier

    _logging()
    notifier = build_notifier(settings)
    if notifier is None:
        return
    stop = threading.Event()

    def stop_notifying(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stop_notifying)
    signal.signal(signal.SIGINT, stop_notifying)
    notifier.run(stop)


@app.command()
def api(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Serve the HTTP API."""
    _logging()
    settings = get_settings()
    _announce(settings, api=(host or settings.api_host, port or settings.api_port))
    _serve_api(settings, host=host, port=port)


@app.command()
def run(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Run everything on this machine: watcher, workers, API, and the webhook notifier when
    one is configured. A process that dies is replaced; Ctrl-C stops cleanly."""
    from pipeline.jobs.supervisor import ChildSpec, Supervisor
    from pipeline.jobs.worker import worker_specs
    from pipeline.store.migrate import upgrade
    from pipeline.store.outage import Backoff, wait_out

    _logging()
    settings = get_settings()
    _announce(
        settings,
        inbox=True,
        workers=max(1, settings.workers),
        api=(host or settings.api_host, port or settings.api_port),
    )
    # Started during a database outage (the server rebooting with this machine), the service
    # waits for it as it would if the outage came later, instead of exiting.
    wait_out(
        lambda: upgrade(settings.resolved_database_url),
        what="migrating the database at start-up",
        log=logging.getLogger("backoffice.run"),
        backoff=Backoff(maximum=5.0),
    )
    settings.inbox.mkdir(parents=True, exist_ok=True)
    specs = [ChildSpec("watcher", watcher_main, (settings,))]
    if settings.webhook_url is not None:
        specs.append(ChildSpec("webhooks", webhooks_main, (settings,)))
    specs += worker_specs(settings, max(1, settings.workers))
    supervisor = Supervisor(specs)
    supervisor.start()
    # The API's server owns the main thread (and its signals): supervision runs beside it.
    stop = threading.Event()
    watching = threading.Thread(target=supervisor.watch, args=(stop,), name="supervisor")
    watching.start()
    try:
        _serve_api(settings, host=host, port=port)
    finally:
        stop.set()
        watching.join()
        _stop_children(supervisor)


def _serve_api(settings: Settings, *, host: str | None, port: int | None) -> None:
    import uvicorn

    # uvicorn shuts down gracefully on SIGINT/SIGTERM and then re-raises the signal to the
    # handler that was installed before it. With the default handler that kills this process
    # before `run` can stop its watcher and workers; a recording handler lets it finish.
    stop_requests: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda received, _frame: stop_requests.append(received))
    # Named, not imported: the command line starts the API as a process manager would, and the
    # pipeline never depends on the layer above it. The factory reads the same environment.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        log_level="info",
        # The app believes forwarded headers from BACKOFFICE_TRUSTED_PROXIES only
        # (api.security); uvicorn's own handling would believe any local process's.
        proxy_headers=False,
    )


def _supervise_until_signal(supervisor: Supervisor) -> None:
    """Keep the children running until SIGTERM or SIGINT."""
    stop = threading.Event()

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    supervisor.watch(stop)


def _stop_children(supervisor: Supervisor) -> None:
    """Ask every child to finish its current work, then wait; a job still held after the
    grace period returns to the queue when its lease expires."""
    supervisor.stop(SHUTDOWN_GRACE_SECONDS)


@rules_app.command("list")
def rules_list(
    doc_type: Annotated[str | None, typer.Option("--type", help="Only this type's rules.")] = None,
) -> None:
    """The rules in force (built-in packs with the company overlay) and where they come from."""
    rules = _rules_or_exit(get_settings())
    for pack in rules.packs.values():
        if doc_type is not None and pack.doc_type != doc_type:
            continue
        typer.echo(f"{pack.doc_type} ({len(pack.rules)} rules, {pack.source})")
        for rule in pack.rules:
            flag = rule.rule.flag or ""
            typer.echo(
                f"  {rule.rule.id:<40} {rule.rule.severity:<8} {flag:<13} {rule.rule.description}"
            )


@rules_app.command("check")
def rules_check(
    files: Annotated[list[Path], typer.Argument(help="Files to read and check.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON Lines: the record with every rule's values.")
    ] = False,
    today: Annotated[
        datetime | None,
        typer.Option(
            "--today",
            formats=["%Y-%m-%d"],
            help="Check as of this date (YYYY-MM-DD) instead of today in Vietnam: re-checking "
            "an old batch, or a reproducible run.",
        ),
    ] = None,
) -> None:
    """Extract each file and run the rules on it. A file repeating an earlier one (same bytes,
    or the same invoice) is checked as its duplicate. Exits 1 when a file cannot be read or
    an error rule fails. A file holding several documents is checked part by part."""
    from extractors.service import extract_parts

    settings = get_settings()
    _rules_or_exit(settings)
    seen: dict[str, str] = {}
    bad = False
    for path in files:
        day = today.date() if today is not None else None
        records = extract_parts(path, filename=path.name, limits=settings.read_limits, as_of=day)
        for record in records:
            bad = _check_one(path, record, seen, settings, today, as_json=as_json) or bad
    raise typer.Exit(1 if bad else 0)


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _check_one(
    path: Path,
    record: Record,
    seen: dict[str, str],
    settings: Settings,
    today: datetime | None,
    *,
    as_json: bool,
) -> bool:
    """Run the rules on one record of `path` (the file's, or one part's) and print them;
    whether it is bad (unreadable, or an error rule fails). `seen` maps the keys of the
    records checked so far to where they came from, so a repeat is checked as a duplicate."""
    from pipeline.intake.pairing import invoice_content_key, invoice_key
    from pipeline.jobs.processing import check_record
    from rules.functions import Facts

    part = record.source.part
    where = f"file {path}" if part is None else f"file {path} part {part.index}"
    outcomes = []
    if record.error is None:
        own = "" if part is None else f":part{part.index}"
        keys = [f"bytes:{record.source.sha256}{own}"]
        if (key := invoice_key(record)) is not None:
            keys.append(f"invoice:{key}")
        if (key := invoice_content_key(record)) is not None:
            keys.append(f"invoice-content:{key}")
        earlier = next((seen[k] for k in keys if k in seen), None)
        facts = Facts.now(duplicate_of=earlier)
        if today is not None:
            day = today.date()
            facts = facts.model_copy(update={"today": day, "received": day})
        outcomes = check_record(record, settings=settings, facts=facts)
        seen.update(dict.fromkeys((k for k in keys if k not in seen), where))
    failing = [o for o in outcomes if not o.passed and o.severity == "error"]
    if as_json:
        line = record.model_dump(mode="json")
        line["rules"] = [outcome.model_dump(mode="json") for outcome in outcomes]
        typer.echo(json.dumps(line, ensure_ascii=False))
        return record.error is not None or bool(failing)
    summary = f"{len(outcomes) - sum(not o.passed for o in outcomes)}/{len(outcomes)} passed"
    problem = f"  {record.error.code}: {record.error.message}" if record.error else ""
    pages = "" if part is None else f" (pages {part.pages[0]}-{part.pages[-1]})"
    typer.echo(f"{path}{pages}  {record.doc_type}  {summary}{problem}")
    for outcome in sorted(outcomes, key=lambda o: (o.passed, _SEVERITY_ORDER[o.severity])):
        mark = "pass" if outcome.passed else "FAIL"
        typer.echo(f"  {mark}  {outcome.severity:<8} {outcome.rule:<40} {outcome.message}")
    return record.error is not None or bool(failing)


@rules_app.command("test")
def rules_test(
    packs: Annotated[
        list[str],
        typer.Argument(
            help="Pack files, or document types for the built-in packs, or the overlay."
        ),
    ],
) -> None:
    """Run the examples embedded in packs: each rule must pass its passing examples and fail
    its failing ones. Exits 1 when one does not, or a pack does not load."""
    from rules.errors import RulePackError
    from rules.loader import PACK_DIR, check_examples

    failed = 0
    for name in packs:
        path = PACK_DIR / f"{name}.yaml" if not name.endswith((".yaml", ".yml")) else Path(name)
        try:
            runs = check_examples(path)
        except RulePackError as error:
            typer.echo(f"{path}: does not load: {error}", err=True)
            failed += 1
            continue
        for run in runs:
            mark = "ok  " if run.ok else "FAIL"
            typer.echo(f"{mark}  {path}:{run.line}  {run.rule}  {run.expected} → {run.outcome}")
        bad = sum(not run.ok for run in runs)
        failed += bad
        typer.echo(f"{path}: {len(runs) - bad}/{len(runs)} examples as expected")
    raise typer.Exit(1 if failed else 0)


# Who changed users and tokens from this command line, as the audit trail names it.
CLI_ACTOR = "cli"


@contextmanager
def _account_session() -> Iterator[Session]:
    """A migrated database's session, committed when the command succeeds; a refused change
    ends the command with its reason."""
    from pipeline.access.auth import AuthError
    from pipeline.store.db import make_engine, make_session_factory, transaction
    from pipeline.store.migrate import upgrade

    settings = get_settings()
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    except AuthError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    finally:
        engine.dispose()


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    roles: Annotated[
        list[str],
        typer.Option("--role", help="clerk, reviewer, approver, accountant or admin; repeatable."),
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a user with one or more roles; asks for the password unless --password-stdin.
    At least BACKOFFICE_MIN_PASSWORD_LENGTH (12) characters, not a common password."""
    password = _read_password(password_stdin)
    from pipeline.access import auth

    with _account_session() as session:
        user = auth.create_user(
            session,
            name=name,
            roles=roles,
            password=password,
            actor=CLI_ACTOR,
            min_password_length=get_settings().min_password_length,
        )
    typer.echo(f"added {user.name} ({', '.join(user.roles)})")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("reset-password")
def users_reset_password(
    name: Annotated[str, typer.Argument()],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a user's password (same policy as a new one); their open sessions end."""
    password = _read_password(password_stdin)
    from pipeline.access import auth

    with _account_session() as session:
        auth.reset_password(
            session,
            name=name,
            password=password,
            actor=CLI_ACTOR,
            min_password_length=get_settings().min_password_length,
        )
    typer.echo(f"password of {name} reset; their sessions ended")


@users_app.command("enable")
def users_enable(name: Annotated[str, typer.Argument()]) -> None:
    """Let a disabled user sign in again."""
    from pipeline.access import auth

    with _account_session() as session:
        auth.enable_user(session, name=name, actor=CLI_ACTOR)
    typer.echo(f"enabled {name}")


@users_app.command("roles")
def users_roles(
    name: Annotated[str, typer.Argument()],
    roles: Annotated[
        list[str],
        typer.Option("--role", help="The user's roles from now on (replacing them); repeatable."),
    ],
) -> None:
    """Replace a user's roles."""
    from pipeline.access import auth

    with _account_session() as session:
        user = auth.set_roles(session, name=name, roles=roles, actor=CLI_ACTOR)
    typer.echo(f"{user.name}: {', '.join(user.roles)}")


@users_app.command("list")
def users_list() -> None:
    """Users, their roles and whether they are disabled."""
    from pipeline.access import auth

    with _account_session() as session:
        for user in auth.list_users(session):
            state = "disabled" if user.disabled else "active"
            typer.echo(f"{user.name}\t{','.join(user.roles)}\t{state}")


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument()]) -> None:
    """Disable a user: their sessions end and they can no longer sign in."""
    from pipeline.access import auth

    with _account_session() as session:
        auth.disable_user(session, name=name, actor=CLI_ACTOR)
    typer.echo(f"disabled {name}")


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Option("--name", help="The system that will use it.")],
    role: Annotated[str, typer.Option("--role", help="The one role it acts with.")],
    expires_in: Annotated[
        str | None,
        typer.Option(
            "--expires-in",
            help="Lifetime, e.g. 90d, 12h, 30m or 2w; without it, until revoked.",
        ),
    ] = None,
) -> None:
    """Create an API token and print it. It is shown this once and stored only hashed."""
    from pipeline.access import auth

    lifetime = _duration(expires_in) if expires_in is not None else None
    with _account_session() as session:
        token, secret = auth.create_token(
            session, name=name, role=role, actor=CLI_ACTOR, expires_in=lifetime
        )
    expiry = f", expires {_when(token.expires_at)}" if token.expires_at else ""
    typer.echo(
        f"token {token.id} ({token.name}, {token.role}{expiry}); send it as "
        "'Authorization: Bearer <token>'. It will not be shown again:",
        err=True,
    )
    typer.echo(secret)


@tokens_app.command("list")
def tokens_list() -> None:
    """Tokens with their role, last use, state and expiry; never their secrets."""
    from pipeline.access import auth

    with _account_session() as session:
        for token in auth.list_tokens(session):
            used = token.last_used_at.isoformat() if token.last_used_at else "never used"
            expired = auth.token_expired(token)
            state = "revoked" if token.revoked_at else "expired" if expired else "active"
            expiry = f"expires {_when(token.expires_at)}" if token.expires_at else "no expiry"
            typer.echo(f"{token.id}\t{token.name}\t{token.role}\t{used}\t{state}\t{expiry}")


_DURATION = re.compile(r"(\d+)\s*([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _duration(text: str) -> timedelta:
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None or int(match[1]) == 0:
        raise typer.BadParameter(
            f"{text!r}: a positive number and a unit m, h, d or w (e.g. 90d)",
            param_hint="--expires-in",
        )
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds")


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(help="The id `tokens list` shows.")],
) -> None:
    """Revoke a token: requests with it get 401 from now on."""
    from pipeline.access import auth

    with _account_session() as session:
        token = auth.revoke_token(session, token_id=token_id, actor=CLI_ACTOR)
    typer.echo(f"revoked token {token.id} ({token.name})")


@registers_app.command("purge")
def registers_purge(
    today: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Purge as of this day (default: today)."),
    ] = None,
) -> None:
    """Blank the personal data of candidates kept past their retention period
    (BACKOFFICE_CANDIDATE_RETENTION_DAYS after registration), and audit it. Run it daily."""
    from pipeline.ledger.registers import purge_expired_candidates
    from pipeline.store.db import make_engine, make_session_factory, transaction
    from rules.functions import business_today

    engine = make_engine(get_settings().resolved_database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            day = today.date() if today else business_today()
            purged = purge_expired_candidates(session, today=day)
    finally:
        engine.dispose()
    typer.echo(f"{purged} candidate row(s) past retention anonymised")


@contextmanager
def _transaction() -> Iterator[Session]:
    """The service's database, in one transaction committed when the command succeeds."""
    from pipeline.store.db import make_engine, make_session_factory, transaction

    engine = make_engine(get_settings().resolved_database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


# Ids are 32-bit in the database: a larger number is no id at all, not a database error.
MemoryId = Annotated[int, typer.Argument(min=1, max=2**31 - 1, help="The id `list` shows.")]


def _no_memory(memory_id: int) -> typer.Exit:
    typer.echo(f"no memory {memory_id} (see `backoffice memories list`)", err=True)
    return typer.Exit(1)


@memories_app.command("list")
def memories_list(
    doc_type: Annotated[
        str | None, typer.Option("--type", help="Only this document type (invoice, ...).")
    ] = None,
    sender: Annotated[
        str | None,
        typer.Option(help="Only this sender, as memories key it: tax:<tax code> or name:<name>."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Memories, oldest first: id, type, sender, the field it reads (or the type it gives),
    weight (below 0.5 it is no longer used), where it was learned and by whom."""
    from pipeline.review import memories

    with _transaction() as session:
        rows = memories.list_memories(session, doc_type=doc_type, sender=sender, limit=limit)
    for row in rows:
        if as_json:
            typer.echo(row.model_dump_json())
            continue
        reads = row.path if row.path is not None else f"type -> {row.doc_type_as}"
        state = "live" if row.live else "retired"
        typer.echo(
            f"{row.id}\t{row.doc_type}\t{row.sender}\t{reads}\t{row.weight:.2f} {state}\t"
            f"document {row.learned_from_document_id or '-'} by {row.learned_by}\t"
            f"used {row.times_used}, corrected again {row.times_corrected_again}"
        )


@memories_app.command("show")
def memories_show(memory_id: MemoryId) -> None:
    """One memory in full, as JSON: where its field lies relative to its anchor words."""
    from pipeline.review import memories

    with _transaction() as session:
        row = memories.get_memory(session, memory_id=memory_id)
    if row is None:
        raise _no_memory(memory_id)
    typer.echo(row.model_dump_json(indent=2))


@memories_app.command("forget")
def memories_forget(
    memory_id: MemoryId,
    actor: Annotated[
        str, typer.Option(help="Who forgets it, as the audit trail names them.")
    ] = CLI_ACTOR,
) -> None:
    """Delete a memory (audited): its sender's next documents are read generically again."""
    from pipeline.review import memories

    with _transaction() as session:
        forgotten = memories.forget_memory(session, memory_id=memory_id, actor=actor)
    if not forgotten:
        raise _no_memory(memory_id)
    typer.echo(f"forgot memory {memory_id}")


@memories_app.command("curve")
def memories_curve(
    sender: Annotated[str, typer.Argument(help="tax:<tax code> or name:<name>, as `list` shows.")],
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,
) -> None:
    """The learning curve: how many fields reviewers corrected on each of the sender's
    most recent documents, oldest first; it falls as memories learn the sender's layouts."""
    from pipeline.review import memories

    with _transaction() as session:
        points = memories.learning_curve(session, sender=sender, limit=limit)
    if not points:
        typer.echo(f"no documents from {sender}", err=True)
        raise typer.Exit(1)
    for point in points:
        typer.echo(
            f"document {point.document_id}\t{_when(point.received_at)}\t"
            f"{point.corrected_fields} corrected"
        )
    typer.echo("corrected: " + " · ".join(str(p.corrected_fields) for p in points))


def _rules_or_exit(settings: Settings) -> RuleSet:
    from rules.errors import RulePackError
    from rules.loader import load_rules

    try:
        return load_rules(
            overlay=settings.rules_overlay,
            master_data=settings.master_data,
            cache_dir=settings.resolved_cache_dir,
        )
    except RulePackError as error:
        typer.echo(f"rules do not load: {error}", err=True)
        raise typer.Exit(2) from error


MonthArgument = Annotated[str, typer.Argument(help="The month, YYYY-MM (e.g. 2026-11).")]
PeriodActor = Annotated[
    str, typer.Option("--actor", help="Who does it, as the audit trail names them.")
]


@periods_app.command("list")
def periods_list() -> None:
    """Months posted into, closed or reopened, latest first: month, open/closed, by whom."""
    from pipeline.ledger import periods

    with _transaction() as session:
        rows = periods.list_periods(session)
        for row in rows:
            state = "closed" if row.closed else "open"
            who = f"\t{row.changed_by} {row.changed_at:%Y-%m-%d %H:%M}" if row.changed_at else ""
            typer.echo(f"{row.year:04d}-{row.month:02d}\t{state}{who}")


@periods_app.command("close")
def periods_close(month: MonthArgument, actor: PeriodActor = CLI_ACTOR) -> None:
    """Close a month (audited): nothing posts or reverses into it any more; a reversal of one
    of its entries posts on the day it is made."""
    from pipeline.ledger import periods

    with _transaction() as session:
        periods.close_month(session, month=_month(month), actor=actor)
    typer.echo(f"{month} closed")


@periods_app.command("reopen")
def periods_reopen(month: MonthArgument, actor: PeriodActor = CLI_ACTOR) -> None:
    """Reopen a closed month (audited)."""
    from pipeline.ledger import periods

    with _transaction() as session:
        periods.reopen_month(session, month=_month(month), actor=actor)
    typer.echo(f"{month} open")


def _month(text: str) -> Month:
    from pipeline.ledger.periods import InvalidPeriod, Month

    try:
        return Month.parse(text)
    except InvalidPeriod as exc:
        raise typer.BadParameter(str(exc), param_hint="MONTH") from exc


@suppliers_app.command("list")
def suppliers_list(
    uncoded: Annotated[
        bool, typer.Option("--uncoded", help="Only those waiting for a code, newest first.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Suppliers: tax code, code (- when uncoded), default account, payment terms, name."""
    from pipeline.ledger import suppliers

    with _transaction() as session:
        for row in suppliers.list_suppliers(session, uncoded=uncoded, limit=limit):
            if as_json:
                fields = ("tax_id", "code", "name", "default_account", "payment_terms_days")
                typer.echo(json.dumps({name: getattr(row, name) for name in fields}))
                continue
            terms = f"{row.payment_terms_days} d" if row.payment_terms_days is not None else "-"
            typer.echo(
                f"{row.tax_id}\t{row.code or '-'}\t{row.default_account or '-'}\t{terms}\t"
                f"{row.name}"
            )


@suppliers_app.command("set")
def suppliers_set(
    tax_id: Annotated[str, typer.Argument(help="The supplier's tax code.")],
    code: Annotated[str | None, typer.Option(help="Its code in the accounting software.")] = None,
    name: Annotated[str | None, typer.Option()] = None,
    account: Annotated[
        str | None, typer.Option(help="Default expense account for lines no rule places.")
    ] = None,
    terms: Annotated[int | None, typer.Option(help="Payment terms in days.")] = None,
    actor: Annotated[str, typer.Option(help="Who, as the audit trail names them.")] = CLI_ACTOR,
) -> None:
    """Set a supplier's code, name, default account or terms (audited); adds it when new."""
    from pydantic import ValidationError

    from pipeline.ledger import suppliers
    from pipeline.ledger.posting import current_mapping

    given = {
        "code": code,
        "name": name,
        "default_account": account,
        "payment_terms_days": terms,
    }
    try:
        changes = suppliers.SupplierChanges.model_validate(
            {key: value for key, value in given.items() if value is not None}
        )
    except ValidationError as exc:
        raise typer.BadParameter(exc.errors()[0]["msg"]) from exc
    try:
        with _transaction() as session:
            row = suppliers.update_supplier(
                session, tax_id=tax_id, changes=changes, actor=actor, mapping=current_mapping()
            )
            typer.echo(f"{row.tax_id}\t{row.code or '-'}\t{row.name}")
    except (suppliers.SupplierError, suppliers.SupplierConflict) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc


@suppliers_app.command("import")
def suppliers_import(
    path: Annotated[Path, typer.Argument(help="CSV or XLSX.")],
    actor: Annotated[str, typer.Option(help="Who, as the audit trail names them.")] = CLI_ACTOR,
) -> None:
    """Import a supplier list (headers in Vietnamese or English), all or nothing: a refused
    row is named with why, and nothing is imported (exit 1)."""
    from pipeline.ledger import suppliers
    from pipeline.ledger.posting import current_mapping

    try:
        with _transaction() as session:
            try:
                with path.open("rb") as stream:
                    content = stream.read(suppliers.MAX_IMPORT_BYTES + 1)
            except OSError as exc:
                raise suppliers.SupplierError(f"{path}: {exc.strerror}") from exc
            report = suppliers.import_suppliers(
                session, content=content, filename=path.name, actor=actor, mapping=current_mapping()
            )
    except suppliers.SupplierError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    for problem in report.problems:
        typer.echo(f"row {problem.row}: {problem.problem}", err=True)
    if report.problems:
        typer.echo("nothing imported", err=True)
        raise typer.Exit(1)
    typer.echo(f"{report.created} added, {report.updated} changed, {report.unchanged} unchanged")


_DAY = ["%Y-%m-%d"]
RateSource = Annotated[
    str, typer.Option("--source", help="Whose rates: the bank (VCB, BIDV, …), or manual.")
]


@rates_app.command("import")
def rates_import(
    path: Annotated[Path, typer.Argument(help="The bank's rate table, CSV or XLSX.")],
    day: Annotated[
        datetime | None,
        typer.Option("--day", formats=_DAY, help="The rates' day, when the table has no date."),
    ] = None,
    source: RateSource = "bank",
    actor: Annotated[str, typer.Option(help="Who, as the audit trail names them.")] = CLI_ACTOR,
) -> None:
    """Import a bank's published rates (cash buying, transfer buying, selling), all or
    nothing: a refused row is named with why, and nothing is imported (exit 1)."""
    from pipeline.ledger import rates

    try:
        with _transaction() as session:
            try:
                with path.open("rb") as stream:
                    content = stream.read(rates.MAX_IMPORT_BYTES + 1)
            except OSError as exc:
                raise rates.RateError(f"{path}: {exc.strerror}") from exc
            report = rates.import_rates(
                session,
                content=content,
                source=source,
                actor=actor,
                day=day.date() if day else None,
            )
    except rates.RateError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    for problem in report.problems:
        typer.echo(f"row {problem.row}: {problem.problem}", err=True)
    if report.problems:
        typer.echo("nothing imported", err=True)
        raise typer.Exit(1)
    typer.echo(f"{report.stored} rates stored, {report.unchanged} unchanged")


@rates_app.command("set")
def rates_set(
    currency: Annotated[str, typer.Argument(help="USD, EUR, JPY, …")],
    day: Annotated[datetime, typer.Argument(formats=_DAY, help="YYYY-MM-DD.")],
    rate: Annotated[str, typer.Argument(help="Đồng per unit, e.g. 25400.5")],
    kind: Annotated[str, typer.Option(help="sell, transfer or cash.")] = "sell",
    source: RateSource = "manual",
    actor: Annotated[str, typer.Option(help="Who, as the audit trail names them.")] = CLI_ACTOR,
) -> None:
    """Enter one rate (audited)."""
    from decimal import Decimal, InvalidOperation

    from pipeline.ledger import rates

    if kind not in rates.KINDS:
        raise typer.BadParameter("sell, transfer or cash", param_hint="--kind")
    try:
        value = Decimal(rate)
    except InvalidOperation as exc:
        raise typer.BadParameter(f"{rate!r} is not a number", param_hint="RATE") from exc
    try:
        with _transaction() as session:
            rates.set_rate(
                session,
                currency=currency,
                day=day.date(),
                kind=kind,
                rate=value,
                source=source,
                actor=actor,
            )
    except rates.RateError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{currency.upper()} {day.date()} {kind} {value}")


@rates_app.command("show")
def rates_show(
    currency: Annotated[str, typer.Argument(help="USD, EUR, JPY, …")],
    day: Annotated[datetime, typer.Argument(formats=_DAY, help="YYYY-MM-DD.")],
) -> None:
    """The rate a foreign invoice of that day that prints none would be booked at (the kind
    BACKOFFICE_EXCHANGE_RATE_KIND names); exit 1 when the table has none."""
    from pipeline.ledger import rates

    with _transaction() as session:
        found = rates.rate_for(session, currency=currency, day=day.date())
    if found is None:
        typer.echo(f"no rate of {currency.upper()} for {day.date()}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{found.rate}\t{found.label()}")


@portal_app.command("import")
def portal_import(
    path: Annotated[
        Path,
        typer.Argument(help="The portal's purchase-invoice list, XLSX or CSV."),
    ],
    actor: Annotated[str, typer.Option(help="Who, as the audit trail names them.")] = CLI_ACTOR,
) -> None:
    """Import the purchase-invoice list exported from hoadondientu.gdt.gov.vn, all or
    nothing: a refused row is named with why, and nothing is imported (exit 1). Our invoices
    it marks cancelled, replaced or adjusted are flagged: they post once a reviewer decides."""
    from pipeline.ledger import portal

    try:
        with _transaction() as session:
            try:
                with path.open("rb") as stream:
                    content = stream.read(portal.MAX_IMPORT_BYTES + 1)
            except OSError as exc:
                raise portal.PortalError(f"{path}: {exc.strerror}") from exc
            report = portal.import_list(session, content=content, actor=actor)
    except portal.PortalError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    for problem in report.problems:
        typer.echo(f"row {problem.row}: {problem.problem}", err=True)
    if report.problems:
        typer.echo("nothing imported", err=True)
        raise typer.Exit(1)
    flagged = ", ".join(str(document_id) for document_id in report.flagged) or "none"
    typer.echo(
        f"{report.listed} invoices listed: {report.added} added, {report.updated} updated; "
        f"documents flagged: {flagged}"
    )


@portal_app.command("report")
def portal_report(
    start: Annotated[datetime, typer.Option("--from", formats=_DAY, help="First invoice date.")],
    end: Annotated[datetime, typer.Option("--to", formats=_DAY, help="Last invoice date.")],
    as_json: Annotated[bool, typer.Option("--json", help="The report as JSON.")] = False,
) -> None:
    """The portal's list for the period beside the invoices received dated in it, by class:
    on the portal not received, received not on the portal, amounts that differ, and those
    the portal marks cancelled, replaced or adjusted. Exit 1 when anything is reported."""
    from pipeline.ledger import portal

    try:
        with _transaction() as session:
            report = portal.reconcile(session, start=start.date(), end=end.date())
    except portal.PortalError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        typer.echo(
            f"{report.start} to {report.end}: {report.on_portal} on the portal, "
            f"{report.received} received, {report.matched} matched"
        )
        for title, items in (
            ("on the portal, not received", report.missing),
            ("received, not on the portal", report.not_on_portal),
            ("amounts differ", report.amount_mismatches),
            ("cancelled, replaced or adjusted on the portal", report.portal_status),
        ):
            typer.echo(f"{title}: {len(items)}")
            for item in items:
                typer.echo("  " + _portal_line(item))
    if report.missing or report.not_on_portal or report.amount_mismatches or report.portal_status:
        raise typer.Exit(1)


def _portal_line(item: ReportItem) -> str:
    from pipeline.ledger.portal import FLAGGING

    parts = [
        item.seller_tax_id or "?",
        f"{item.invoice_series or '?'} {item.invoice_number or '?'}",
        str(item.issue_date or "?"),
    ]
    if item.document_id is not None:
        parts.append(f"document {item.document_id}")
    parts.extend(f"{m.amount} portal {m.portal} ours {m.ours}" for m in item.mismatches)
    if item.portal_status in FLAGGING:
        state = "open" if item.flag is None or item.flag.cleared_at is None else "decided"
        parts.append(f"{item.portal_status} (flag {state})")
    return "\t".join(parts)
