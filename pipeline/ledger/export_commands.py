"""The `backoffice export` commands. Kept apart from the exports they run so that the command
line lists and parses them without loading spreadsheets, models or the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.ledger.export_options import DateBasis, ExportFormat

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session


# By register name (pipeline.ledger.registers.Register): the command line lists them without
# loading the database models.
REGISTER_DESCRIPTIONS = {
    "contracts": "the contract register (sổ hợp đồng) over a range of days of entry",
    "candidates": "the candidate register (sổ ứng viên) over a range of days of entry",
    "correspondence": "the register of incoming letters (sổ công văn đến) over a range of "
    "arrival days",
}

# Plain help, as the other command groups of pipeline/cli.py write it.
export_app = typer.Typer(
    help="Exports for accounting software.", no_args_is_help=True, rich_markup_mode=None
)

_DAY = ["%Y-%m-%d"]
# The options every export command takes.
FromDay = Annotated[datetime, typer.Option("--from", formats=_DAY, help="First day, YYYY-MM-DD.")]
ToDay = Annotated[datetime, typer.Option("--to", formats=_DAY, help="Last day, YYYY-MM-DD.")]
Format = Annotated[ExportFormat, typer.Option("--format", help="xlsx for people, csv for imports.")]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Default: <what>_<from>_<to>.<format> here."),
]

# The purchase exports' choice of invoices: by when they posted or by their own date.
InvoiceBasis = Annotated[
    DateBasis,
    typer.Option(
        "--by", help="posting: invoices posted in the range; document: invoices dated in it."
    ),
]


def day_range(start: datetime, end: datetime) -> tuple[date, date]:
    """The days of `--from` and `--to`; a range ending before it starts stops the command."""
    first, last = start.date(), end.date()
    if last < first:
        typer.echo(f"--to {last} is before --from {first}", err=True)
        raise typer.Exit(2)
    return first, last


@contextmanager
def database() -> Iterator[Session]:
    """A session on the configured database, for one command."""
    from pipeline.store.db import make_engine, make_session_factory
    from pipeline.store.settings import get_settings

    engine = make_engine(get_settings().resolved_database_url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@export_app.command("entries")
def export_entries(
    start: FromDay,
    end: ToDay,
    export_format: Format = ExportFormat.XLSX,
    output: Output = None,
    basis: Annotated[
        DateBasis,
        typer.Option(
            "--by",
            help="posting: entries posted (accounting date) in the range; document: entries "
            "of invoices dated in the range, whenever they posted.",
        ),
    ] = DateBasis.POSTING,
) -> None:
    """Write the journal entries of a range as a MISA-style voucher sheet."""
    from pipeline.ledger.exports import (
        entries_between,
        plain_decimal,
        to_csv,
        to_xlsx,
        totals,
        voucher_rows,
    )

    first, last = day_range(start, end)
    with database() as session:
        rows = voucher_rows(entries_between(session, start=first, end=last, basis=basis))
    path = output or Path(f"entries_{first}_{last}.{export_format.value}")
    content = to_xlsx(rows) if export_format is ExportFormat.XLSX else to_csv(rows)
    path.write_bytes(content)
    _, in_vnd = totals(rows)
    typer.echo(f"{path}: {len(rows)} rows, total {plain_decimal(in_vnd)} VND")


@export_app.command("purchase-register")
def export_purchase_register(
    start: FromDay,
    end: ToDay,
    export_format: Format = ExportFormat.XLSX,
    output: Output = None,
    basis: InvoiceBasis = DateBasis.POSTING,
) -> None:
    """Write the purchase invoice register (bảng kê hóa đơn mua vào) of a range, by VAT rate."""
    from pipeline.ledger.purchase_register import purchase_register, render

    first, last = day_range(start, end)
    with database() as session:
        register = purchase_register(session, start=first, end=last, basis=basis)
    path = output or Path(f"purchase_register_{first}_{last}.{export_format.value}")
    path.write_bytes(render(register, export_format))
    rows = sum(len(group.rows) for group in register.groups)
    typer.echo(
        f"{path}: {rows} rows in {len(register.groups)} rates, base {register.base} VND, "
        f"VAT {register.vat} VND"
    )


@export_app.command("misa")
def export_misa(
    start: FromDay,
    end: ToDay,
    output: Output = None,
    basis: InvoiceBasis = DateBasis.POSTING,
) -> None:
    """Write the invoices of a range as MISA SME's purchase voucher import file (XLSX)."""
    from pipeline.ledger.exports import ExportError
    from pipeline.ledger.misa import purchase_vouchers, to_xlsx

    first, last = day_range(start, end)
    with database() as session:
        try:
            misa = purchase_vouchers(session, start=first, end=last, basis=basis)
        except ExportError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
    path = output or Path(f"misa_purchases_{first}_{last}.xlsx")
    path.write_bytes(to_xlsx(misa))
    vouchers = len({row["Số phiếu nhập (*)"] for row in misa.rows})
    typer.echo(f"{path}: {vouchers} vouchers, {len(misa.rows)} rows")
    for notice in misa.left_out:
        typer.echo(f"left out: {notice}", err=True)


def register_export(register: str) -> Callable[..., None]:
    """The `backoffice export <register>` command."""

    def command(
        start: FromDay,
        end: ToDay,
        export_format: Format = ExportFormat.XLSX,
        output: Output = None,
    ) -> None:
        from pipeline.ledger.register_exports import to_csv, to_xlsx
        from pipeline.ledger.registers import Register, rows_between

        first, last = day_range(start, end)
        with database() as session:
            rows = rows_between(session, register=Register(register), start=first, end=last)
            content = (
                to_xlsx(register, rows)
                if export_format is ExportFormat.XLSX
                else to_csv(register, rows)
            )
        path = output or Path(f"{register}_{first}_{last}.{export_format.value}")
        path.write_bytes(content)
        typer.echo(f"{path}: {len(rows)} rows")

    command.__doc__ = f"Write {REGISTER_DESCRIPTIONS[register]} as a sheet."
    return command


for _register in REGISTER_DESCRIPTIONS:
    export_app.command(_register)(register_export(_register))
