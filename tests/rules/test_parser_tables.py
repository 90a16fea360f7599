"""The rule-engine parser tables shipped in rules/parser_tables.py are the installed
rule-engine's: otherwise every process computes them again when it starts."""

from __future__ import annotations

import subprocess
import sys

from rule_engine._vendor.ply import yacc
from rule_engine.parser import Parser

from rules import parser_tables
from tests.support.machine import ROOT


def test_the_shipped_tables_are_the_installed_grammars() -> None:
    grammar = Parser.__new__(Parser)
    reflected = yacc.ParserReflect({name: getattr(grammar, name) for name in dir(grammar)})
    reflected.get_all()
    assert parser_tables._lr_signature == reflected.signature(), (
        "rule-engine's grammar changed: run `python scripts/rule_tables.py`"
    )


def test_rule_engine_reads_the_tables_instead_of_building_them() -> None:
    # A fresh process, in which `rules` is imported first, as the service imports it. Tables
    # ply read hold its compact productions; tables it built hold the grammar's own.
    probe = (
        "import rules.engine, rule_engine\n"
        "print(type(rule_engine.Rule.parser._parser.productions[1]).__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "MiniProduction", result.stderr
