"""Rules as data: YAML packs of `rule-engine` expressions, checked when loaded.

One pack per document type, named after it (`packs/invoice.yaml`), holding only a `rules:` list:

    rules:
      - id: invoice.totals_add_up          # `<doc type>.<name>`, unique in the pack
        description: Subtotal plus VAT equals the total.
        severity: error                    # error | warning | info
        when: subtotal != null and vat_amount != null and total != null   # optional
        check: $abs(subtotal + vat_amount - total) <= $params.tolerance
        message: "{subtotal} + VAT {vat_amount} = {subtotal + vat_amount}, but total is {total}"
        params: {tolerance: 1}             # optional; numbers, strings, booleans

What expressions see:
- The record's fields under their SCHEMA.md names, typed from the pydantic models of
  `extractors.record`: money and quantities as exact `decimal.Decimal` (rule-engine FLOAT), ISO
  dates as datetimes at midnight in Vietnam (DATETIME; `YYYY-MM` months stay strings, which
  compare correctly as text), nested objects as typed objects (`seller.tax_id`), lists as
  arrays (`line_items.length`, `[item.amount for item in line_items]`). Nulls stay null.
- The rule's `params` as `$params.<name>`, typed from their values (YAML numbers become exact
  decimals). `$` keeps them apart from record fields, which a param could otherwise shadow.
- The functions of `rules.functions` as `$name(...)`, beside rule-engine's own (`$abs`, `$sum`,
  `$all`, ...). `$today()` there, the date in Vietnam, replaces rule-engine's `$today` value.

A rule whose `when` is false does not apply and is not reported. A passing rule reports its
description; a failing one its message, in which each `{...}` is a rule-engine expression over
the same names (usually a field path; `{{` and `}}` are literal braces). A rule that cannot be
evaluated (null arithmetic, say) fails with a message saying so and naming its null fields;
it never stops the other rules.

Every expression, field, attribute, function, param and placeholder is checked when the pack is
loaded, so a typo (`totl`, `seller.tax_idd`, `$params.tolerence`) is a `RulePackError` naming
file, line and rule, never a surprise on the thousandth invoice.
"""

from __future__ import annotations

import decimal
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

import rule_engine
import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError
from rule_engine import DataType
from rule_engine.builtins import Builtins
from rule_engine.suggestions import suggest_symbol

from extractors.record import FIELDS_BY_TYPE, IsoDate, Money, Record, RuleResult
from rules.functions import BUSINESS_TZ, FUNCTIONS

PACK_DIR = Path(__file__).parent / "packs"

Severity = Literal["error", "warning", "info"]


class RulePackError(Exception):
    """A rule pack that cannot be loaded; the message starts `file:line: rule <id>:`."""


class Rule(BaseModel):
    """One rule as written in a pack."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z]+\.[a-z0-9_]+$")
    description: str = Field(min_length=1)
    severity: Severity
    when: str | None = None
    check: str
    message: str = Field(min_length=1)
    # StrictBool first: a lax bool would swallow `tolerance: 1` as True.
    params: dict[str, StrictBool | Decimal | str] = Field(default_factory=dict)


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    when: rule_engine.Rule | None
    check: rule_engine.Rule
    message: _Template
    fields: tuple[str, ...]  # the record fields it reads, to name the null ones when it errs

    def evaluate(self, data: Mapping[str, Any]) -> RuleResult | None:
        try:
            if self.when is not None and not self.when.matches(data):
                return None
            passed = self.check.matches(data)
        # Broad on purpose: whatever one rule makes of one record, the other rules still run
        # and the record still reaches review, carrying this failure.
        except Exception as error:
            return self._result(False, self._unchecked(data, error))
        return self._result(passed, self.rule.description if passed else self.message.render(data))

    def _result(self, passed: bool, message: str) -> RuleResult:
        return RuleResult(
            rule=self.rule.id, severity=self.rule.severity, passed=passed, message=message
        )

    def _unchecked(self, data: Mapping[str, Any], error: Exception) -> str:
        if isinstance(error, rule_engine.EngineError):
            reason = error.message
            cause = getattr(error, "error", None)  # what a called function raised
            if cause is not None:
                reason += f": {cause}"
        else:
            reason = f"{type(error).__name__}: {error}"
        null = [name for name in self.fields if data[name] is None]
        nulls = f"; null: {', '.join(null)}" if null else ""
        return f"could not be checked ({reason}){nulls}"


class RulePack(BaseModel):
    """The compiled rules of one pack file, ready to evaluate records of its document type."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    doc_type: str
    source: Path
    rules: tuple[CompiledRule, ...]

    def evaluate(self, record: Record) -> list[RuleResult]:
        if record.doc_type != self.doc_type:
            raise ValueError(f"{self.source} checks {self.doc_type} records, not {record.doc_type}")
        try:
            data = _record_data(record)
        except ValidationError as error:
            # Extraction validates fields, but a record edited elsewhere may not; report it
            # rather than let one record stop a worker.
            problems = "; ".join(_problem(e) for e in error.errors())
            return [
                RuleResult(
                    rule=f"{self.doc_type}.fields_valid",
                    severity="error",
                    passed=False,
                    message=f"fields do not match the record contract, no rule was run: {problems}",
                )
            ]
        results = (rule.evaluate(data) for rule in self.rules)
        return [result for result in results if result is not None]


# --- messages -----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True)
class _Template:
    parts: tuple[str | rule_engine.Rule, ...]

    def render(self, data: Mapping[str, Any]) -> str:
        return "".join(part if isinstance(part, str) else _show(part, data) for part in self.parts)


def _show(expression: rule_engine.Rule, data: Mapping[str, Any]) -> str:
    try:
        return _text(expression.evaluate(data))
    except Exception:  # a message must still be written when one of its values cannot be
        return "?"


def _text(value: Any) -> str:
    if value is None:
        return "(missing)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")  # never `1E+6` for a million
    if isinstance(value, datetime):
        return value.astimezone(BUSINESS_TZ).date().isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    return str(value)


# --- loading ------------------------------------------------------------------------------


class _Invalid(Exception):
    """A problem in one rule; the loader adds file, line and rule id."""


def load_pack(path: Path) -> RulePack:
    doc_type = path.stem
    if doc_type not in FIELDS_BY_TYPE:
        raise RulePackError(
            f"{path}: a pack is named after the document type it checks: "
            f"{', '.join(sorted(FIELDS_BY_TYPE))}"
        )
    compiled: list[CompiledRule] = []
    first_line: dict[str, int] = {}
    for entry in _read_rules(path):
        rule_id = entry.value.get("id") if isinstance(entry.value, dict) else None
        where = f"{path}:{entry.line}: rule {rule_id if isinstance(rule_id, str) else '(no id)'}"
        try:
            if entry.repeated_keys:
                raise _Invalid(f"{', '.join(entry.repeated_keys)} given more than once")
            rule = Rule.model_validate(entry.value)
            if not rule.id.startswith(f"{doc_type}."):
                raise _Invalid(f"id must start with `{doc_type}.` in {path.name}")
            if rule.id in first_line:
                raise _Invalid(f"id already used by the rule at line {first_line[rule.id]}")
            compiled.append(_compile(rule, doc_type))
        except ValidationError as error:
            problems = "; ".join(_problem(e) for e in error.errors())
            raise RulePackError(f"{where}: {problems}") from error
        except _Invalid as error:
            raise RulePackError(f"{where}: {error}") from error
        first_line[rule.id] = entry.line
    return RulePack(doc_type=doc_type, source=path, rules=tuple(compiled))


@cache
def builtin_packs() -> dict[str, RulePack]:
    packs = (load_pack(path) for path in sorted(PACK_DIR.glob("*.yaml")))
    return {pack.doc_type: pack for pack in packs}


def evaluate(record: Record) -> list[RuleResult]:
    """The built-in rules for the record's document type; none for an unknown type."""
    pack = builtin_packs().get(record.doc_type)
    return pack.evaluate(record) if pack is not None else []


@dataclass(frozen=True)
class _Entry:
    line: int  # where the rule starts, 1-based
    value: Any
    # PyYAML keeps the last of repeated keys silently: a second `check:` would hide the first.
    repeated_keys: list[str]


def _read_rules(path: Path) -> list[_Entry]:
    """The entries of the `rules:` list. Composing nodes before constructing values keeps their
    positions, which plain `safe_load` throws away."""
    try:
        with path.open(encoding="utf-8") as stream:
            loader = yaml.SafeLoader(stream)
            try:
                nodes = _rule_nodes(loader.get_single_node(), path)
                return [
                    _Entry(
                        node.start_mark.line + 1, loader.construct_document(node), _repeated(node)
                    )
                    for node in nodes
                ]
            finally:
                loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f":{mark.line + 1}" if mark is not None else ""
        raise RulePackError(f"{path}{at}: not valid YAML: {error}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise RulePackError(f"{path}: cannot be read: {error}") from error


def _rule_nodes(root: yaml.Node | None, path: Path) -> list[yaml.Node]:
    expected = "a pack is a mapping with one key, `rules:`, holding a list"
    if not isinstance(root, yaml.MappingNode):
        raise RulePackError(f"{path}: {expected}")
    if len(root.value) != 1 or _key(root.value[0][0]) != "rules":
        raise RulePackError(f"{path}:{root.start_mark.line + 1}: {expected}")
    entries = root.value[0][1]
    if not isinstance(entries, yaml.SequenceNode):
        raise RulePackError(f"{path}:{entries.start_mark.line + 1}: {expected}")
    return list(entries.value)


def _repeated(node: yaml.Node) -> list[str]:
    keys = [_key(key) for key, _ in node.value] if isinstance(node, yaml.MappingNode) else []
    return sorted({key for key in keys if keys.count(key) > 1})


def _key(node: yaml.Node) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else "?"


def _problem(error: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


# --- compiling ----------------------------------------------------------------------------


class _RuleContext(rule_engine.Context):
    """A context that refuses an unknown `$name` while parsing; rule-engine on its own only
    notices when the expression is evaluated."""

    def resolve_type(self, name: str, scope: str | None = None) -> Any:
        if scope == Builtins.scope_name and name not in self.builtins:
            raise rule_engine.SymbolResolutionError(
                name, symbol_scope=scope, suggestion=suggest_symbol(name, list(self.builtins))
            )
        return super().resolve_type(name, scope=scope)


def _compile(rule: Rule, doc_type: str) -> CompiledRule:
    fields = _schema(doc_type).type.attributes
    context = _RuleContext(
        type_resolver=fields,
        default_timezone=BUSINESS_TZ,
        # Fixed here so results never depend on the decimal context of the evaluating thread.
        decimal_context=decimal.Context(),
        mapping_attribute_lookup=False,
    )
    params = types.SimpleNamespace(**rule.params)
    context.builtins = Builtins.from_defaults(
        {name: function.implementation for name, function in FUNCTIONS.items()}
        | {"params": params},
        value_types={
            name: DataType.FUNCTION(
                name, return_type=function.returns, argument_types=function.arguments
            )
            for name, function in FUNCTIONS.items()
        }
        | {"params": _params_type(params)},
        timezone=BUSINESS_TZ,
    )
    when = _condition(rule.when, "when", context) if rule.when is not None else None
    check = _condition(rule.check, "check", context)
    message = _template(rule.message, context)
    # Known only after parsing: rule-engine collects the symbols each expression names.
    read = tuple(name for name in fields if name in context.symbols)
    return CompiledRule(rule=rule, when=when, check=check, message=message, fields=read)


def _params_type(params: types.SimpleNamespace) -> Any:
    attributes = {name: DataType.from_value(value) for name, value in vars(params).items()}
    return DataType.OBJECT("params", attributes=attributes)


def _condition(text: str, key: str, context: rule_engine.Context) -> rule_engine.Rule:
    expression = _expression(text, key, context)
    result = expression.statement.expression.result_type
    if result not in (DataType.BOOLEAN, DataType.UNDEFINED):
        raise _Invalid(f"{key}: must be true or false, but {text!r} is a {result.name}")
    return expression


def _expression(text: str, key: str, context: rule_engine.Context) -> rule_engine.Rule:
    try:
        return rule_engine.Rule(text, context=context)
    except rule_engine.EngineError as error:
        raise _Invalid(f"{key}: {_describe(error, text)}") from error


def _describe(error: rule_engine.EngineError, text: str) -> str:
    suggestion = getattr(error, "suggestion", None)
    if isinstance(error, rule_engine.SymbolResolutionError):
        if error.symbol_scope == Builtins.scope_name:
            problem = f"unknown function ${error.symbol_name}"
            suggestion = suggestion and f"${suggestion}"
        else:
            problem = f"unknown field {error.symbol_name!r}"
    elif isinstance(error, rule_engine.errors.ObjectAttributeError):
        problem = f"unknown field {error.attribute_name!r} of {error.object.name}"
    elif isinstance(error, rule_engine.AttributeResolutionError):
        problem = f"unknown attribute {error.attribute_name!r} in {text!r}"
    elif isinstance(error, rule_engine.RuleSyntaxError):
        problem = f"syntax error in {text!r}"
        token = getattr(error, "token", None)
        if token is not None:
            problem += f" at {token.value!r}"
    else:
        problem = f"{error.message} in {text!r}"
    return f"{problem} (did you mean {suggestion}?)" if suggestion else problem


def _template(text: str, context: rule_engine.Context) -> _Template:
    parts: list[str | rule_engine.Rule] = []
    start = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(text[start : match.start()])
        token, inner = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif inner is not None and inner.strip():
            parts.append(_expression(inner, "message", context))
        else:
            raise _Invalid("message: a lone or empty brace; write {{ or }} for a literal one")
        start = match.end()
    parts.append(text[start:])
    return _Template(tuple(part for part in parts if part != ""))


# --- record fields as typed values --------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """How a field appears to expressions: its rule-engine type, and how its JSON value (as in
    the record) becomes a value of that type. Nulls pass through every conversion."""

    type: Any
    convert: Callable[[Any], Any]


def _nullable(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _date(value: str) -> datetime:
    return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=BUSINESS_TZ)


# Matched with `==`, so the `Annotated` aliases of extractors.record are recognised by what
# they are rather than by field names that a new field could fail to join.
_SCALARS: tuple[tuple[Any, _Shape], ...] = (
    (IsoDate, _Shape(DataType.DATETIME, _nullable(_date))),
    (Money, _Shape(DataType.FLOAT, _nullable(Decimal))),
    (str, _Shape(DataType.STRING, _nullable(str))),
    (bool, _Shape(DataType.BOOLEAN, _nullable(bool))),
    # via str so that a float such as 2.5 years stays 2.5, not its binary expansion
    (int, _Shape(DataType.FLOAT, _nullable(lambda value: Decimal(str(value))))),
    (float, _Shape(DataType.FLOAT, _nullable(lambda value: Decimal(str(value))))),
)


def _shape(annotation: Any) -> _Shape:
    for known, shape in _SCALARS:
        if annotation == known:
            return shape
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        present = [arg for arg in args if arg is not type(None)]
        if len(present) != 1:
            raise TypeError(f"rules cannot type a field that is one of {present}")
        # Null stays allowed at run time instead of typing the field NULLABLE: rule-engine does
        # not carry a `when: x != null` over to the separate `check`, so NULLABLE would force
        # `??` onto every guarded use. Unguarded null arithmetic makes the rule fail instead.
        return _shape(present[0])
    if origin is typing.Annotated:  # constrained text such as YearMonth
        return _shape(args[0])
    if origin is Literal and all(isinstance(arg, str) for arg in args):
        return _shape(str)
    if origin is list:
        item = _shape(args[0])
        return _Shape(
            DataType.ARRAY(item.type), _nullable(lambda values: [item.convert(v) for v in values])
        )
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _object_shape(annotation)
    raise TypeError(f"rules cannot type a field of {annotation!r}")


def _object_shape(model: type[BaseModel]) -> _Shape:
    fields = {name: _shape(info.annotation) for name, info in model.model_fields.items()}
    object_type = DataType.OBJECT(
        model.__name__, attributes={name: shape.type for name, shape in fields.items()}
    )
    # A namespace, not a dict: rule-engine checks a dict's runtime type as a MAPPING, which
    # no OBJECT schema matches; an opaque object is left to the schema checked at parse time.
    return _Shape(
        object_type,
        _nullable(
            lambda value: types.SimpleNamespace(
                **{name: shape.convert(value[name]) for name, shape in fields.items()}
            )
        ),
    )


@cache
def _schema(doc_type: str) -> _Shape:
    return _object_shape(FIELDS_BY_TYPE[doc_type])


def _record_data(record: Record) -> dict[str, Any]:
    model = FIELDS_BY_TYPE[record.doc_type]
    fields = _schema(record.doc_type).convert(model.model_validate(record.fields).model_dump())
    return vars(fields)
