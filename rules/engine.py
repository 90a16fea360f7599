"""Rules as data: compiled `rule-engine` expressions over typed records, and their results.

A rule, as written in a pack (see `rules/loader.py` for the file format):

    - id: invoice.totals_add_up          # `<doc type>.<name>`, unique
      description: Subtotal plus VAT equals the total.
      severity: error                    # error | warning | info
      when: subtotal != null and vat_amount != null and total != null   # optional
      check: $abs(subtotal + vat_amount - total) <= $params.tolerance
      message:                           # per language; a plain string is English
        en: "{subtotal} + VAT {vat_amount} = {subtotal + vat_amount}, but total is {total}"
        vi: "{subtotal} + thuế {vat_amount} = {subtotal + vat_amount}, nhưng tổng là {total}"
      params: {tolerance: 1}             # optional; numbers, strings, booleans, lists of text
      values: {age_days: "$days_between(issue_date, $today())"}   # optional, stored with it
      flag: urgent                       # optional: urgent | legal_review, when it fails
      examples: [...]                    # at least one record it passes, one it fails

What expressions see:
- The record's fields under their SCHEMA.md names, typed from the pydantic models of
  `extractors.record`: money and quantities as exact `decimal.Decimal` (rule-engine FLOAT), ISO
  dates as datetimes at midnight in Vietnam (DATETIME; `YYYY-MM` months stay strings, which
  compare correctly as text), nested objects as typed objects (`seller.tax_id`), lists as
  arrays (`line_items.length`, `[item.amount for item in line_items]`). Nulls stay null.
- The rule's `params` as `$params.<name>`, typed from their values (YAML numbers become exact
  decimals). `$` keeps them apart from record fields, which a param could otherwise shadow.
- The functions of `rules.functions` as `$name(...)`, beside rule-engine's own (`$abs`, `$sum`,
  `$all`, ...). `$today()` there is the evaluation's date, never the server clock.

A rule whose `when` is false does not apply and is not reported. A passing rule reports its
description; a failing one its message, in which each `{...}` is a rule-engine expression over
the same names (`{{` and `}}` are literal braces). A result's `values` are the rule's declared
values and, when it fails, each value its message names: what a reviewer's screen highlights.
A rule that cannot be evaluated (null arithmetic, say) fails with a message saying so and
naming its null fields; it never stops the other rules.

A message is written per language (`en`, and `vi` for the Vietnamese pages). A result's
`message` is the English one, as the API and the records have always carried it; the values
each language's placeholders name are all kept in its `values`, so the review page writes the
reviewer's language from the same result (`CompiledRule.templates` gives the page the parts).
"""

from __future__ import annotations

import dataclasses
import decimal
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import rule_engine
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
    model_validator,
)
from rule_engine import DataType
from rule_engine.ast import FunctionCallExpression, StringExpression, SymbolExpression
from rule_engine.builtins import Builtins
from rule_engine.suggestions import suggest_symbol

from extractors.errors import BackofficeError
from extractors.record import FIELDS_BY_TYPE, IsoDate, Money, Record, RuleResult
from rules.data import TABLES, MasterData, VatTable
from rules.functions import BUSINESS_TZ, FUNCTIONS, Facts, Scope, scoped

Severity = Literal["error", "warning", "info"]
# What a failing rule does to the document's route besides its severity: `urgent` moves it
# up the review queue, `legal_review` keeps it from being approved without a person.
Flag = Literal["urgent", "legal_review"]
ParamValue = StrictBool | Decimal | StrictStr | list[StrictStr]


class Example(BaseModel):
    """A record a rule must pass, fail or leave alone (`when` false): fields laid over the
    pack's example record."""

    # Validators built when first used (defer_build): a process whose rules come from the
    # cache (rules/cache.py) validates no pack or data file.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    passes: dict[str, Any] | None = None
    fails: dict[str, Any] | None = None
    skips: dict[str, Any] | None = None
    message: str | None = Field(default=None, description="Text the failure message contains.")
    today: date | None = None
    received: date | None = None
    duplicate_of: str | None = None
    probable_duplicate_of: str | None = None
    media_type: str | None = None

    @model_validator(mode="after")
    def _one_outcome(self) -> Example:
        given = [kind for kind in ("passes", "fails", "skips") if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError("an example has one of `passes:`, `fails:` or `skips:`")
        if self.message is not None and self.fails is None:
            raise ValueError("only a failing example names a `message:`")
        return self

    @property
    def expected(self) -> Literal["passes", "fails", "skips"]:
        if self.passes is not None:
            return "passes"
        return "fails" if self.fails is not None else "skips"

    @property
    def fields(self) -> dict[str, Any]:
        return self.passes or self.fails or self.skips or {}


MessageLang = Literal["en", "vi"]


class Messages(BaseModel):
    """A failing rule's message in each language the pages speak; English is required (it is
    the message the API and the records carry), Vietnamese falls back to it when absent."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    en: str = Field(min_length=1)
    vi: str | None = Field(default=None, min_length=1)

    def texts(self) -> dict[MessageLang, str]:
        texts: dict[MessageLang, str] = {"en": self.en}
        if self.vi is not None:
            texts["vi"] = self.vi
        return texts


def _english_if_plain(value: Any) -> Any:
    return {"en": value} if isinstance(value, str) else value


class Rule(BaseModel):
    """One rule as written in a pack."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(pattern=r"^[a-z]+\.[a-z0-9_]+$")
    description: str = Field(min_length=1)
    severity: Severity
    when: str | None = None
    check: str
    # A plain string is the English message (packs written before messages had languages).
    message: Annotated[Messages, BeforeValidator(_english_if_plain)]
    # StrictBool first: a lax bool would swallow `tolerance: 1` as True.
    params: dict[str, ParamValue] = Field(default_factory=dict)
    values: dict[str, str] = Field(default_factory=dict)
    flag: Flag | None = None
    examples: tuple[Example, ...] = ()

    @property
    def doc_type(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def messages(self) -> dict[MessageLang, str]:
        """The message in each language it is written in; English always."""
        return self.message.texts()


class RuleOutcome(BaseModel):
    """A rule's result with what the service keeps beside the record's `rules` entry."""

    model_config = ConfigDict(frozen=True)

    rule: str
    severity: Severity
    passed: bool
    message: str
    values: dict[str, str] = Field(default_factory=dict)
    flag: Flag | None = None

    def as_result(self) -> RuleResult:
        return RuleResult(
            rule=self.rule, severity=self.severity, passed=self.passed, message=self.message
        )


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    line: int  # where it is written, for errors about it
    source: Path
    example_lines: tuple[int, ...] = ()  # where each of its examples is written
    expressions: _Expressions = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "expressions", _Expressions(self.rule))

    def __reduce__(self) -> tuple[Any, ...]:
        # rule-engine's parsed expressions do not pickle; the rule they came from does, and
        # parses to the same expressions again, each when first needed (see rules/cache.py).
        return (_recompiled, (self.rule, self.source, self.line, self.example_lines))

    @property
    def when(self) -> rule_engine.Rule | None:
        return self.expressions.when

    @property
    def check(self) -> rule_engine.Rule:
        return self.expressions.check

    @property
    def message(self) -> _Template:
        """The English message, which results carry as their `message`."""
        return self.expressions.message

    @property
    def translations(self) -> Mapping[str, _Template]:
        """The message in the other languages it is written in."""
        return self.expressions.translations

    @property
    def values(self) -> tuple[tuple[str, rule_engine.Rule], ...]:
        return self.expressions.values

    @property
    def fields(self) -> tuple[str, ...]:
        """The record fields it reads, to name the null ones when it errs."""
        return self.expressions.fields

    def templates(self) -> dict[str, list[str | dict[str, str]]]:
        """Each language's message as the page writes it from a result: literal text, and
        `{"value": <expression>}` for each placeholder, named as in the result's `values`."""
        return {
            lang: template.described()
            for lang, template in {"en": self.message, **self.translations}.items()
        }

    def decide(self, data: Mapping[str, Any]) -> bool | None:
        """Whether the record passes; None when the rule does not apply. Raises whatever the
        expressions raise."""
        if self.when is not None and not self.when.matches(data):
            return None
        return bool(self.check.matches(data))

    def evaluate(self, data: Mapping[str, Any]) -> RuleOutcome | None:
        try:
            passed = self.decide(data)
        # Broad on purpose: whatever one rule makes of one record, the other rules still run
        # and the record still reaches review, carrying this failure.
        except Exception as error:
            return self._outcome(False, self._unchecked(data, error), {})
        if passed is None:
            return None
        values = {name: _show(expression, data) for name, expression in self.values}
        if passed:
            return self._outcome(True, self.rule.description, values)
        message, named = self.message.render(data)
        # The other languages' placeholders too, so a page can write the message in them.
        for translation in self.translations.values():
            named = translation.render(data)[1] | named
        return self._outcome(False, message, named | values)

    def _outcome(self, passed: bool, message: str, values: dict[str, str]) -> RuleOutcome:
        return RuleOutcome(
            rule=self.rule.id,
            severity=self.rule.severity,
            passed=passed,
            message=message,
            values=values,
            flag=self.rule.flag,
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


@dataclass(frozen=True)
class RulePack:
    """The compiled rules for one document type, ready to evaluate its records."""

    doc_type: str
    source: Path
    rules: tuple[CompiledRule, ...]
    # Fields every record of the type must carry; `$missing()` names the absent ones and
    # auto-approval needs each read with enough confidence.
    required: tuple[str, ...] = ()
    examples: ExampleBase | None = None

    def evaluate(self, record: Record, *, scope: Scope) -> list[RuleOutcome]:
        if record.doc_type != self.doc_type:
            raise ValueError(f"{self.source} checks {self.doc_type} records, not {record.doc_type}")
        try:
            data = record_data(record.doc_type, record.fields)
        except ValidationError as error:
            # Extraction validates fields, but a record edited elsewhere may not; report it
            # rather than let one record stop a worker.
            problems = "; ".join(_problem(e) for e in error.errors())
            return [
                RuleOutcome(
                    rule=f"{self.doc_type}.fields_valid",
                    severity="error",
                    passed=False,
                    message=f"fields do not match the record contract, no rule was run: {problems}",
                )
            ]
        with scoped(dataclasses.replace(scope, lines=tuple(data.get("line_items") or ()))):
            results = [rule.evaluate(data) for rule in self.rules]
        return [result for result in results if result is not None]


class ExampleBase(BaseModel):
    """What a pack's examples start from: the record each one changes, the clock and the
    company data they run with."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    today: date
    record: dict[str, Any] = Field(default_factory=dict)
    master_data: MasterData = Field(default_factory=MasterData)


@dataclass(frozen=True)
class RuleSet:
    """Every pack in force, with the data its functions consult. Immutable: a reload builds a
    new one, so an evaluation never sees half of an edit."""

    packs: Mapping[str, RulePack]
    master_data: MasterData
    vat: VatTable
    sources: tuple[Path, ...] = ()  # the files it was read from
    loaded_at: datetime = field(default_factory=lambda: datetime.now(BUSINESS_TZ))

    def evaluate(self, record: Record, *, facts: Facts | None = None) -> list[RuleOutcome]:
        """The outcomes of the rules for the record's type; none for an unknown type."""
        pack = self.packs.get(record.doc_type)
        if pack is None:
            return []
        return pack.evaluate(record, scope=self.scope(record, pack, facts or Facts.now()))

    def scope(self, record: Record, pack: RulePack, facts: Facts) -> Scope:
        return Scope(
            facts=facts,
            master_data=self.master_data,
            vat=self.vat,
            media_type=record.source.media_type,
            fields=record.fields,
            required=pack.required,
        )

    def required(self, doc_type: str) -> tuple[str, ...]:
        pack = self.packs.get(doc_type)
        return pack.required if pack is not None else ()

    def rules(self) -> Iterator[CompiledRule]:
        for pack in self.packs.values():
            yield from pack.rules


# --- messages -----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True)
class _Template:
    parts: tuple[str | tuple[str, rule_engine.Rule], ...]

    def render(self, data: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
        """The message, and each value it names by the expression that names it."""
        text: list[str] = []
        named: dict[str, str] = {}
        for part in self.parts:
            if isinstance(part, str):
                text.append(part)
            else:
                source, expression = part
                named[source] = _show(expression, data)
                text.append(named[source])
        return "".join(text), named

    def described(self) -> list[str | dict[str, str]]:
        return [part if isinstance(part, str) else {"value": part[0]} for part in self.parts]


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


# --- compiling ----------------------------------------------------------------------------


class Invalid(BackofficeError):
    """A problem in one rule; the loader adds file, line and rule id."""

    code = "invalid_rule"
    http_status = 422


class _RuleContext(rule_engine.Context):
    """A context that refuses an unknown `$name` while parsing; rule-engine on its own only
    notices when the expression is evaluated."""

    def resolve_type(self, name: str, scope: str | None = None) -> Any:
        if scope == Builtins.scope_name and name not in self.builtins:
            raise rule_engine.SymbolResolutionError(
                name, symbol_scope=scope, suggestion=suggest_symbol(name, list(self.builtins))
            )
        return super().resolve_type(name, scope=scope)


@cache
def _function_builtins() -> tuple[dict[str, Any], dict[str, Any]]:
    values = {name: function.implementation for name, function in FUNCTIONS.items()}
    value_types = {
        name: DataType.FUNCTION(
            name, return_type=function.returns, argument_types=function.arguments
        )
        for name, function in FUNCTIONS.items()
    }
    return values, value_types


def compile_rule(
    rule: Rule, *, source: Path, line: int, example_lines: tuple[int, ...] = ()
) -> CompiledRule:
    """The rule checked and compiled, or `Invalid` saying what is wrong with it."""
    compiled = CompiledRule(rule=rule, source=source, line=line, example_lines=example_lines)
    compiled.expressions.parse_all()
    return compiled


def _recompiled(
    rule: Rule, source: Path, line: int, example_lines: tuple[int, ...]
) -> CompiledRule:
    # Checked when it was kept: its expressions are parsed as evaluations need them.
    return CompiledRule(rule=rule, source=source, line=line, example_lines=example_lines)


class _Expressions:
    """A rule's expressions, each parsed when first needed. Parsing is most of what a process
    reading checked rules from the cache (rules/cache.py) spends on them, and an evaluation
    needs few: the `when`, the `check` and `values` of a rule that applies, the messages only
    of one that fails. Two threads asking at once may both parse an expression; they get the
    same one, and the symbols both add to the context are the same."""

    def __init__(self, rule: Rule) -> None:
        self._rule = rule

    def parse_all(self) -> None:
        """Every expression parsed, in the order they are written: `Invalid` for the first
        that is wrong."""
        _ = self.fields

    @cached_property
    def context(self) -> _RuleContext:
        rule = self._rule
        context = _RuleContext(
            type_resolver=_schema(rule.doc_type).type.attributes,
            default_timezone=BUSINESS_TZ,
            # Fixed here so results never depend on the decimal context of the evaluating
            # thread.
            decimal_context=decimal.Context(),
            mapping_attribute_lookup=False,
        )
        params = types.SimpleNamespace(
            **{name: tuple(v) if isinstance(v, list) else v for name, v in rule.params.items()}
        )
        functions, function_types = _function_builtins()
        context.builtins = Builtins.from_defaults(
            functions | {"params": params},
            value_types=function_types | {"params": _params_type(params)},
            timezone=BUSINESS_TZ,
        )
        return context

    @cached_property
    def when(self) -> rule_engine.Rule | None:
        text = self._rule.when
        return _condition(text, "when", self.context) if text is not None else None

    @cached_property
    def check(self) -> rule_engine.Rule:
        return _condition(self._rule.check, "check", self.context)

    @cached_property
    def message(self) -> _Template:
        return _template(self._rule.messages["en"], self.context)

    @cached_property
    def translations(self) -> Mapping[str, _Template]:
        texts = self._rule.messages
        return {lang: _template(text, self.context) for lang, text in texts.items() if lang != "en"}

    @cached_property
    def values(self) -> tuple[tuple[str, rule_engine.Rule], ...]:
        return tuple(
            (name, _expression(text, f"values.{name}", self.context))
            for name, text in self._rule.values.items()
        )

    @cached_property
    def fields(self) -> tuple[str, ...]:
        # Known only after parsing every expression: rule-engine collects the symbols each
        # names in the context.
        _ = (self.when, self.check, self.message, self.translations, self.values)
        symbols = self.context.symbols
        return tuple(
            name for name in _schema(self._rule.doc_type).type.attributes if name in symbols
        )


def _params_type(params: types.SimpleNamespace) -> Any:
    attributes = {name: DataType.from_value(value) for name, value in vars(params).items()}
    return DataType.OBJECT("params", attributes=attributes)


def _condition(text: str, key: str, context: rule_engine.Context) -> rule_engine.Rule:
    expression = _expression(text, key, context)
    result = expression.statement.expression.result_type
    if result not in (DataType.BOOLEAN, DataType.UNDEFINED):
        raise Invalid(f"{key}: must be true or false, but {text!r} is a {result.name}")
    return expression


def _expression(text: str, key: str, context: rule_engine.Context) -> rule_engine.Rule:
    try:
        expression = rule_engine.Rule(text, context=context)
    except rule_engine.EngineError as error:
        raise Invalid(f"{key}: {_describe(error, text)}") from error
    for table in _tables_named(expression.statement):
        if table not in TABLES:
            suggestion = suggest_symbol(table, list(TABLES))
            hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
            raise Invalid(
                f"{key}: no master data table {table!r}{hint}; tables: {', '.join(TABLES)}"
            )
    return expression


def _tables_named(node: Any) -> Iterator[str]:
    """The literal table names of `$lookup` and `$keys` calls anywhere in an expression."""
    if isinstance(node, FunctionCallExpression):
        function = node.function
        if (
            isinstance(function, SymbolExpression)
            and function.name in ("lookup", "keys")
            and node.arguments
            and isinstance(node.arguments[0], StringExpression)
        ):
            yield node.arguments[0].value
    # rule-engine's nodes keep their operands in slots on some classes and in the instance
    # dict on others (comparisons), so both are walked.
    kind: type = type(node)
    children = [getattr(node, name, None) for name in _slots(kind)]
    children += (
        [value for name, value in vars(node).items() if name != "context"]
        if hasattr(node, "__dict__")
        else []
    )
    for child in children:
        for item in child if isinstance(child, tuple | list) else (child,):
            if isinstance(item, rule_engine.ast.ASTNodeBase):
                yield from _tables_named(item)


@cache
def _slots(cls: type) -> tuple[str, ...]:
    names: list[str] = []
    for klass in cls.__mro__:
        slots = getattr(klass, "__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    return tuple(name for name in names if name != "context")


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
    parts: list[str | tuple[str, rule_engine.Rule]] = []
    text = text.strip()
    start = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(text[start : match.start()])
        token, inner = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif inner is not None and inner.strip():
            parts.append((" ".join(inner.split()), _expression(inner, "message", context)))
        else:
            raise Invalid("message: a lone or empty brace; write {{ or }} for a literal one")
        start = match.end()
    parts.append(text[start:])
    # YAML keeps the line breaks of an indented message; the text reads as one line.
    return _Template(
        tuple(
            re.sub(r"\s+", " ", part) if isinstance(part, str) else part for part in parts if part
        )
    )


def _problem(error: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


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


def record_data(doc_type: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The record's fields as the typed values expressions see; `ValidationError` when they
    break the record contract."""
    model = FIELDS_BY_TYPE[doc_type]
    data = _schema(doc_type).convert(model.model_validate(fields).model_dump())
    return dict(vars(data))


def field_paths(doc_type: str) -> frozenset[str]:
    """Every dotted path into a record of the type (`seller.tax_id`, `line_items`), for
    checking a pack's `required:` list."""

    def walk(model: type[BaseModel], prefix: str) -> Iterator[str]:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            yield path
            annotation = info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                yield from walk(annotation, f"{path}.")

    return frozenset(walk(FIELDS_BY_TYPE[doc_type], ""))
