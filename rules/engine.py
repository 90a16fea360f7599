"""Rules as data: YAML packs of expressions evaluated by the `rule-engine` library.

A pack is `rules:` followed by a list of rules:

    - id: invoice.totals_add_up          # unique, `<type>.<name>`
      description: Subtotal plus VAT equals the total.
      severity: error                   # error | warning | info
      when: subtotal != null and vat_amount != null and total != null   # optional
      check: $abs(subtotal + vat_amount - total) <= params['tolerance']
      message: "subtotal {subtotal} + VAT {vat_amount} ≠ total {total}"
      params: {tolerance: 1}

Expressions see the record's fields under their SCHEMA.md names: money as exact decimals,
dates as datetimes, nested objects as mappings (`seller['tax_id']`), lists as arrays (with
`.length`); the rule's `params` as the mapping `params` (`params['tolerance']`); functions
of `rules.functions` as `$name(...)` beside rule-engine's own (`$abs`, `$sum`, …). A rule
whose `when` is false does not apply and is not reported. Messages are `str.format`
templates over the same fields, nested ones flattened with `_` (`{seller_tax_id}`), and
params.

Every expression, field name, function name and message placeholder is checked when the pack
is loaded; a mistake is a `RulePackError` naming the file, line and rule, never a surprise
on the thousandth invoice.
"""

from __future__ import annotations

import re
import string
import types
import typing
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

import rule_engine
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rule_engine import DataType

from extractors.record import FIELDS_BY_TYPE, Record, RuleResult
from rules.functions import FUNCTIONS

PACK_DIR = Path(__file__).parent / "packs"

# Field names whose values are money or quantities (decimal strings) or ISO dates.
_DECIMAL_FIELDS = {"subtotal", "vat_amount", "total", "quantity", "unit_price", "amount",
                   "total_value", "years_of_experience"}
_DATE_FIELDS = {"issue_date", "due_date", "signing_date", "effective_date", "expiry_date",
                "date_of_birth", "reply_deadline"}
_FUNCTION_CALL = re.compile(r"\$(\w+)")
_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


class RulePackError(Exception):
    """A rule pack that cannot be loaded; the message names file, line and rule."""


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z_]+\.[a-z0-9_]+$")
    description: str
    severity: Literal["error", "warning", "info"]
    when: str | None = None
    check: str
    message: str
    params: dict[str, Any] = Field(default_factory=dict)


class _CompiledRule:
    def __init__(self, rule: Rule, doc_type: str) -> None:
        self.rule = rule
        context = rule_engine.Context(
            type_resolver=_type_resolver(doc_type, rule.params),
            default_timezone=UTC,
            mapping_attribute_lookup=False,
        )
        context.builtins = rule_engine.builtins.Builtins.from_defaults(FUNCTIONS, timezone=UTC)
        self.when = rule_engine.Rule(rule.when, context=context) if rule.when else None
        self.check = rule_engine.Rule(rule.check, context=context)
        self.params = {key: _param(value) for key, value in rule.params.items()}

    def evaluate(self, data: dict[str, Any], flat: Mapping[str, Any]) -> RuleResult | None:
        rule = self.rule
        data = data | {"params": self.params}
        try:
            if self.when is not None and not self.when.matches(data):
                return None
            passed = bool(self.check.matches(data))
        except rule_engine.EngineError as exc:
            return RuleResult(
                rule=rule.id,
                severity=rule.severity,
                passed=False,
                message=f"could not be checked: {exc.message}",
            )
        message = "ok" if passed else rule.message.format_map(_Blank(flat | self.params))
        return RuleResult(rule=rule.id, severity=rule.severity, passed=passed, message=message)


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "(none)"


class RulePack:
    def __init__(self, doc_type: str, rules: list[_CompiledRule]) -> None:
        self.doc_type = doc_type
        self.rules = rules

    def evaluate(self, record: Record) -> list[RuleResult]:
        if record.doc_type != self.doc_type:
            return []
        data = _context_data(record)
        flat = _flatten(record.fields)
        results = (rule.evaluate(data, flat) for rule in self.rules)
        return [result for result in results if result is not None]


def load_pack(path: Path) -> RulePack:
    doc_type = path.stem
    if doc_type not in FIELDS_BY_TYPE:
        raise RulePackError(f"{path}: no document type {doc_type!r} (name the file after one)")
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise RulePackError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise RulePackError(f"{path}: expected a mapping with a `rules:` list")
    compiled: list[_CompiledRule] = []
    seen: set[str] = set()
    for raw in document["rules"]:
        line = raw.pop("__line__", "?") if isinstance(raw, dict) else "?"
        rule_id = raw.get("id", "(no id)") if isinstance(raw, dict) else "(not a mapping)"
        where = f"{path}:{line}: rule {rule_id}"
        try:
            rule = Rule.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'rule'}: {e['msg']}" for e in exc.errors()
            )
            raise RulePackError(f"{where}: {problems}") from exc
        if rule.id in seen:
            raise RulePackError(f"{where}: duplicate rule id")
        seen.add(rule.id)
        _check_functions(rule, where)
        _check_placeholders(rule, doc_type, where)
        try:
            compiled.append(_CompiledRule(rule, doc_type))
        except rule_engine.SymbolResolutionError as exc:
            raise RulePackError(f"{where}: unknown field {exc.symbol_name!r}") from exc
        except rule_engine.RuleSyntaxError as exc:
            raise RulePackError(f"{where}: syntax error: {exc.message}") from exc
        except rule_engine.EngineError as exc:
            raise RulePackError(f"{where}: {exc.message}") from exc
    return RulePack(doc_type, compiled)


@cache
def builtin_packs() -> dict[str, RulePack]:
    return {path.stem: load_pack(path) for path in sorted(PACK_DIR.glob("*.yaml"))}


def evaluate(record: Record) -> list[RuleResult]:
    pack = builtin_packs().get(record.doc_type)
    return pack.evaluate(record) if pack is not None else []


# --- loading helpers ----------------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """Safe YAML that remembers the line of each mapping, so errors can point at it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _check_functions(rule: Rule, where: str) -> None:
    builtins = rule_engine.builtins.Builtins.from_defaults(FUNCTIONS)
    for expression in filter(None, (rule.when, rule.check)):
        for name in _FUNCTION_CALL.findall(_STRING_LITERAL.sub("''", expression)):
            if name not in builtins:
                raise RulePackError(f"{where}: unknown function ${name}")


def _check_placeholders(rule: Rule, doc_type: str, where: str) -> None:
    known = set(_flatten(FIELDS_BY_TYPE[doc_type]().model_dump())) | set(rule.params)
    for _, name, _, _ in string.Formatter().parse(rule.message):
        if name and name not in known:
            raise RulePackError(f"{where}: message names unknown field {{{name}}}")


def _param(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return Decimal(str(value))


# --- types and data -----------------------------------------------------------------------


def _data_type(name: str, annotation: Any) -> Any:
    if name in _DECIMAL_FIELDS:
        return DataType.FLOAT
    if name in _DATE_FIELDS:
        return DataType.DATETIME
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _data_type(name, args[0]) if len(args) == 1 else DataType.UNDEFINED
    if origin is typing.Annotated:
        return _data_type(name, typing.get_args(annotation)[0])
    if origin is list:
        (item,) = typing.get_args(annotation)
        return DataType.ARRAY(_data_type(name, item))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return DataType.MAPPING(DataType.STRING)
    if annotation is bool:
        return DataType.BOOLEAN
    if annotation in (int, float):
        return DataType.FLOAT
    if annotation is str:
        return DataType.STRING
    return DataType.UNDEFINED


def _type_resolver(doc_type: str, params: Mapping[str, Any]) -> Any:
    model = FIELDS_BY_TYPE[doc_type]
    types_by_name = {
        name: _data_type(name, info.annotation) for name, info in model.model_fields.items()
    }
    types_by_name["params"] = DataType.MAPPING(DataType.STRING)
    return rule_engine.type_resolver_from_dict(types_by_name)


def _convert(name: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        return {key: _convert(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_convert(name, item) for item in value]
    if name in _DECIMAL_FIELDS and not isinstance(value, bool):
        return Decimal(str(value))
    if name in _DATE_FIELDS and isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value


def _context_data(record: Record) -> dict[str, Any]:
    model = FIELDS_BY_TYPE[record.doc_type]
    fields = model.model_validate(record.fields).model_dump(mode="json")
    return {name: _convert(name, value) for name, value in fields.items()}


def _flatten(fields: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in fields.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= _flatten(value, f"{name}_")
        else:
            flat[name] = value
    return flat
