"""`backoffice extract` written plainly runs without the command groups: what it takes from
such a command line is what the groups' `extract` takes from it, and any other command line
is left to them (their help, errors and usage messages)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import typer

from pipeline.commands import app
from pipeline.extract_command import plain_arguments


def as_the_command_groups_read(arguments: list[str]) -> tuple[list[Path], date | None]:
    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    context = command.commands["extract"].make_context("extract", list(arguments))
    today = context.params["today"]
    return list(context.params["files"]), today.date() if today is not None else None


@pytest.mark.parametrize(
    "arguments",
    [
        ["a.pdf"],
        ["a.pdf", "scans/b c.pdf", "/tmp/ä.pdf"],
        ["--today", "2026-03-01", "a.pdf"],
        ["--today=2026-12-31", "a.pdf", "b.pdf"],
        ["a.pdf", "--today", "2024-02-29", "b.pdf"],
        ["a.pdf", "--today=2026-03-01"],
        ["--today", "0001-01-01", "a.pdf"],
        ["--today", "9999-12-31", "a.pdf"],
        ["today", "2026-03-01"],
    ],
)
def test_a_plain_command_line_is_read_as_the_command_groups_read_it(
    arguments: list[str],
) -> None:
    assert plain_arguments(arguments) == as_the_command_groups_read(arguments)


@pytest.mark.parametrize(
    "arguments",
    [
        [],  # the groups print the usage
        ["--help"],
        ["--today", "2026-03-01"],  # no file
        ["a.pdf", "--today"],
        ["--today", "2026-02-30", "a.pdf"],  # no such day: the groups say so
        ["--today", "0000-01-01", "a.pdf"],
        ["--today", "2026-3-1", "a.pdf"],  # not the format as written
        ["--today", " 2026-03-01", "a.pdf"],
        ["--today", "2026-03-01", "--today", "2026-03-02", "a.pdf"],
        ["--", "-a.pdf"],
        ["-", "a.pdf"],
        ["", "a.pdf"],
        ["--bogus", "a.pdf"],
        ["-h"],
    ],
)
def test_any_other_command_line_is_left_to_the_command_groups(arguments: list[str]) -> None:
    assert plain_arguments(arguments) is None
