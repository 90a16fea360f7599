"""Rules engine and rule packs."""

import sys

from rules import parser_tables

# rule-engine builds its parser on import, from these tables when it finds them under this
# name (ply checks their grammar signature first), instead of computing them in every
# process; see scripts/rule_tables.py.
sys.modules.setdefault("rule_engine.parser.parsetab", parser_tables)
