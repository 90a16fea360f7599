"""Writes rules/parser_tables.py, rule-engine's LALR parser tables for the installed version.

rule-engine builds its parser when it is imported, and unless it finds these tables it
computes them again in every process (about half a second, before the first rule is read).
It looks for them as the module `rule_engine.parser.parsetab`, which `rules/__init__.py`
provides from this file. Ply checks the tables' grammar signature before using them, so
tables from another rule-engine version are ignored and rebuilt, never misused; the test
tests/rules/test_parser_tables.py says when they need writing again:

    python scripts/rule_tables.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "rules/parser_tables.py"
HEADER = "# rules/parser_tables.py: made by scripts/rule_tables.py for rule-engine {version}.\n"


def main() -> None:
    from importlib.metadata import version

    from rule_engine._vendor.ply import yacc
    from rule_engine.parser import Parser

    with tempfile.TemporaryDirectory() as tmp:
        # The grammar is the class's; the instance is only what ply reflects on.
        grammar = Parser.__new__(Parser)
        yacc.yacc(module=grammar, debug=False, write_tables=True, outputdir=tmp, tabmodule="tables")
        generated = (Path(tmp) / "tables.py").read_text(encoding="utf-8")
    # ply's first line names the temporary module
    body = generated.replace("# tables.py\n", "", 1).lstrip("\n")
    TARGET.write_text(HEADER.format(version=version("rule-engine")) + body, encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
