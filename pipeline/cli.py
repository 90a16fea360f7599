"""The `backoffice` command's entry point (the console script, and `python -m pipeline.cli`).

Building the command groups (pipeline/commands.py) means loading typer and declaring every
command: on a one-page file that costs more than the reading, so `backoffice extract` written
in its plain form runs straight from pipeline/extract_command.py, and every other command line
(help, errors, other commands) goes through the groups."""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

# A configuration mistake, as click exits on a mistaken command line.
CONFIGURATION_ERROR_EXIT = 2


def main() -> None:
    try:
        plain = _plain_extract(sys.argv[1:])
        if plain is not None:
            sys.exit(_extract(*plain))
        from pipeline.commands import app

        app()
    except Exception as error:
        # Settings are loaded by then if this is one of theirs.
        from pipeline.store.settings import ConfigurationError

        if not isinstance(error, ConfigurationError):
            raise
        # One line naming the setting, not a traceback through the code that first read it.
        print(f"configuration error: {error}", file=sys.stderr)
        sys.exit(CONFIGURATION_ERROR_EXIT)


def _plain_extract(arguments: list[str]) -> tuple[list[Path], date | None] | None:
    """The files and day of `extract` written plainly (see `plain_arguments`), when no shell
    is asking the command line to complete a word (the command groups answer that)."""
    if arguments[:1] != ["extract"]:
        return None
    if any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ):
        return None
    from pipeline.extract_command import plain_arguments

    return plain_arguments(arguments[1:])


def _extract(files: list[Path], today: date | None) -> int:
    """`extract`'s exit status, ended as the command groups end a command: Ctrl-C exits 130,
    and a reader that stops reading (`| head`) ends it with 1 and no traceback."""
    from pipeline.extract_command import extract_files

    try:
        status = extract_files(files, today)
        # The process ends with the command: its objects need no last cycle collection to be
        # freed, which for one page costs a sixth of the command's time (atexit handlers and
        # weakref finalizers still run; extract leaves no file open).
        gc.freeze()
        return status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Nothing more can reach the reader: what is still buffered goes nowhere, not into a
        # second error when the interpreter flushes it at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    main()
