"""The `backoffice` command."""

import sys


def main() -> None:
    print("backoffice: under construction", file=sys.stderr)
    sys.exit(2)
