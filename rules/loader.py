"""Reading rule packs, the company overlay and the rules' data into one checked `RuleSet`.

A pack is one YAML file per document type, named after it (`packs/invoice.yaml`):

    required: [invoice_number, issue_date, total]   # fields every record must carry
    examples:                  # what every rule's examples start from
      today: 2026-03-20        # the clock they run at
      record: {...}            # a record that passes every rule of the pack
      master_data: {...}       # company data they assume (the shape of rules.data.MasterData)
    rules:
      - id: invoice.totals_add_up
        ...                    # see rules/engine.py
        examples:
          - passes: {}                          # the base record as it is
          - fails: {total: "1081000"}           # fields laid over it
            message: "1081000"                  # text the failure message must contain

The company overlay (`BACKOFFICE_RULES_OVERLAY`) is one file for every type: its `rules:` are
added to the packs of their types (examples start from the built-in pack's record), its
`overrides:` change a built-in rule's `params` or `severity` or switch it off (`enabled:
false`), and its optional `examples:` block sets the clock and master data for its own
examples.

Everything is checked when loaded — every expression, field, function, param, placeholder,
master data table, required path and data file — and every rule must pass its passing
examples and fail its failing ones. A problem is a `RulePackError` naming file, line and rule,
so a typo is refused before it reaches the thousandth invoice, and a running service that
reloads keeps the rules it had.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from extractors.record import FIELDS_BY_TYPE, Record, Source, merge_fields
from rules.data import VAT_RATES, VatTable, load_master_data, load_vat_table
from rules.engine import (
    CompiledRule,
    Example,
    ExampleBase,
    Invalid,
    ParamValue,
    Rule,
    RulePack,
    RuleSet,
    Severity,
    compile_rule,
    field_paths,
    record_data,
)
from rules.errors import RulePackError
from rules.functions import Facts, Scope, scoped

if TYPE_CHECKING:
    import yaml

PACK_DIR = Path(__file__).parent / "packs"
DOC_TYPES = tuple(FIELDS_BY_TYPE)


class Override(BaseModel):
    """A company's change to a built-in rule."""

    # Validators built when first used (defer_build): a process whose rules come from the
    # cache (rules/cache.py) validates no pack or data file.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: StrictBool = True
    severity: Severity | None = None
    params: dict[str, ParamValue] = Field(default_factory=dict)


@dataclass(frozen=True)
class ExampleRun:
    """One example of one rule, run."""

    rule: str
    line: int
    expected: str  # "passes" | "fails" | "skips"
    outcome: str  # what happened, in words
    ok: bool


# --- reading YAML with positions ----------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """A YAML value and where it starts (1-based), with the positions of its parts."""

    value: Any
    line: int
    node: yaml.Node

    def part(self, key: str) -> _Node | None:
        import yaml

        if isinstance(self.node, yaml.MappingNode):
            for key_node, value_node in self.node.value:
                if _key(key_node) == key:
                    return _Node(self.value[key], value_node.start_mark.line + 1, value_node)
        return None

    def items(self) -> Iterator[_Node]:
        import yaml

        if isinstance(self.node, yaml.SequenceNode):
            for index, child in enumerate(self.node.value):
                yield _Node(self.value[index], child.start_mark.line + 1, child)

    def entries(self) -> Iterator[tuple[str, _Node]]:
        import yaml

        if isinstance(self.node, yaml.MappingNode):
            for key_node, value_node in self.node.value:
                key = _key(key_node)
                yield key, _Node(self.value.get(key), value_node.start_mark.line + 1, value_node)

    def repeated_keys(self) -> list[str]:
        import yaml

        if not isinstance(self.node, yaml.MappingNode):
            return []
        keys = [_key(key) for key, _ in self.node.value]
        # PyYAML keeps the last of repeated keys silently: a second `check:` would hide the
        # first.
        return sorted({key for key in keys if keys.count(key) > 1})


def _key(node: yaml.Node) -> str:
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) else "?"


def _read(path: Path, allowed: tuple[str, ...]) -> _Node:
    """The file's top-level mapping, refusing keys other than `allowed`."""
    # Imported when a file is read: a process that finds its rules in the cache (rules/cache.py)
    # parses no YAML, and does not load the parser.
    import yaml

    try:
        with path.open(encoding="utf-8") as stream:
            loader = yaml.SafeLoader(stream)
            try:
                root = loader.get_single_node()
                value = loader.construct_document(root) if root is not None else None
            finally:
                loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f":{mark.line + 1}" if mark is not None else ""
        raise RulePackError(f"{path}{at}: not valid YAML: {error}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise RulePackError(f"{path}: cannot be read: {error}") from error
    expected = f"a mapping with the keys {', '.join(allowed)}, holding a `rules:` list"
    if root is None or not isinstance(root, yaml.MappingNode):
        raise RulePackError(f"{path}: {expected}")
    top = _Node(value, root.start_mark.line + 1, root)
    if top.repeated_keys():
        raise RulePackError(f"{path}: {', '.join(top.repeated_keys())} given more than once")
    for key, node in top.entries():
        if key not in allowed:
            raise RulePackError(f"{path}:{node.line - 1 or 1}: unknown key {key!r}; {expected}")
    rules = top.part("rules")
    if rules is None or not isinstance(rules.node, yaml.SequenceNode):
        raise RulePackError(f"{path}:{rules.line if rules else top.line}: {expected}")
    return top


# --- packs --------------------------------------------------------------------------------


def load_pack(
    path: Path, *, vat: VatTable | None = None, runs: list[ExampleRun] | None = None
) -> RulePack:
    """One document type's pack, checked, its examples run (against `vat`, by default the
    built-in VAT table). With `runs`, failing examples are collected there, not refused."""
    doc_type = path.stem
    if doc_type not in DOC_TYPES:
        raise RulePackError(
            f"{path}: a pack is named after the document type it checks: "
            f"{', '.join(sorted(DOC_TYPES))}"
        )
    top = _read(path, ("required", "examples", "rules"))
    required = _required(path, top.part("required"), doc_type)
    base = _example_base(path, top.part("examples"))
    if base is not None:
        _check_base_record(path, top.part("examples"), doc_type, base)
    rules: list[CompiledRule] = []
    seen: dict[str, int] = {}
    for entry in top.part("rules").items():  # type: ignore[union-attr]
        rule = _rule(path, entry, seen)
        if rule.doc_type != doc_type:
            raise RulePackError(
                f"{_where(path, entry)}: id must start with `{doc_type}.` in {path.name}"
            )
        rules.append(_compiled(path, entry, rule))
    pack = RulePack(
        doc_type=doc_type, source=path, rules=tuple(rules), required=required, examples=base
    )
    _require_examples(pack, pack.rules, base, vat=vat or load_vat_table(), runs=runs)
    return pack


def load_packs(pack_dir: Path = PACK_DIR, *, vat: VatTable | None = None) -> dict[str, RulePack]:
    vat = vat or load_vat_table()
    packs = (load_pack(path, vat=vat) for path in sorted(pack_dir.glob("*.yaml")))
    return {pack.doc_type: pack for pack in packs}


def load_rules(
    *,
    pack_dir: Path = PACK_DIR,
    overlay: Path | None = None,
    master_data: Path | None = None,
    vat_rates: Path = VAT_RATES,
    cache_dir: Path | None = None,
) -> RuleSet:
    """Every pack, the company overlay and the data, checked together; with `cache_dir`,
    checked once for the files' contents and kept there (see rules/cache.py)."""
    if cache_dir is not None:
        from rules.cache import cached_rules

        given = (*sorted(pack_dir.glob("*.yaml")), vat_rates, master_data, overlay)
        return cached_rules(
            lambda: load_rules(
                pack_dir=pack_dir, overlay=overlay, master_data=master_data, vat_rates=vat_rates
            ),
            sources=[path for path in given if path is not None],
            folder=cache_dir,
        )
    vat = load_vat_table(vat_rates)
    company = load_master_data(master_data)
    packs = load_packs(pack_dir, vat=vat)
    sources = [*sorted(pack_dir.glob("*.yaml")), vat_rates]
    if master_data is not None:
        sources.append(master_data)
    if overlay is not None:
        packs = _apply_overlay(overlay, packs, vat)
        sources.append(overlay)
    return RuleSet(packs=packs, master_data=company, vat=vat, sources=tuple(sources))


def _apply_overlay(
    path: Path,
    packs: Mapping[str, RulePack],
    vat: VatTable,
    runs: list[ExampleRun] | None = None,
) -> dict[str, RulePack]:
    top = _read(path, ("examples", "overrides", "rules"))
    base = _example_base(path, top.part("examples"))
    by_id = {rule.rule.id: rule for pack in packs.values() for rule in pack.rules}
    replaced: dict[str, CompiledRule | None] = {}
    overrides = top.part("overrides")
    for rule_id, node in overrides.entries() if overrides is not None else ():
        where = f"{path}:{node.line}: rule {rule_id}"
        if rule_id not in by_id:
            raise RulePackError(f"{where}: no built-in rule has this id")
        try:
            change = Override.model_validate(node.value)
        except ValidationError as error:
            raise RulePackError(f"{where}: {_problems(error)}") from error
        replaced[rule_id] = _overridden(where, by_id[rule_id], change, node.line, path)
    added: dict[str, list[CompiledRule]] = {doc_type: [] for doc_type in packs}
    seen = {rule_id: 0 for rule_id in by_id}
    for entry in top.part("rules").items():  # type: ignore[union-attr]
        rule = _rule(path, entry, seen)
        if rule.doc_type not in packs:
            raise RulePackError(
                f"{_where(path, entry)}: id must start with one of "
                f"{', '.join(f'`{doc_type}.`' for doc_type in packs)}"
            )
        compiled = _compiled(path, entry, rule)
        pack = packs[rule.doc_type]
        # The overlay's own clock and company data, on the built-in pack's example record.
        example_base = _merged_base(pack.examples, base)
        _require_examples(pack, (compiled,), example_base, vat=vat, runs=runs)
        added[rule.doc_type].append(compiled)
    result: dict[str, RulePack] = {}
    for doc_type, pack in packs.items():
        kept = [
            replaced.get(rule.rule.id, rule) if rule.rule.id in replaced else rule
            for rule in pack.rules
        ]
        rules = tuple(rule for rule in kept if rule is not None) + tuple(added[doc_type])
        result[doc_type] = RulePack(
            doc_type=doc_type,
            source=pack.source,
            rules=rules,
            required=pack.required,
            examples=pack.examples,
        )
    return result


def _overridden(
    where: str, rule: CompiledRule, change: Override, line: int, path: Path
) -> CompiledRule | None:
    if not change.enabled:
        return None
    unknown = sorted(set(change.params) - set(rule.rule.params))
    if unknown:
        raise RulePackError(
            f"{where}: the rule has no param {', '.join(unknown)}; "
            f"its params: {', '.join(rule.rule.params) or 'none'}"
        )
    updated = rule.rule.model_copy(
        update={
            "severity": change.severity or rule.rule.severity,
            "params": rule.rule.params | change.params,
        }
    )
    try:
        # The built-in examples were written for the built-in params, so they are not rerun.
        return compile_rule(
            updated, source=rule.source, line=rule.line, example_lines=rule.example_lines
        )
    except Invalid as error:
        raise RulePackError(f"{where}: {error}") from error


def _merged_base(pack_base: ExampleBase | None, overlay: ExampleBase | None) -> ExampleBase | None:
    if overlay is None:
        return pack_base
    record = pack_base.record if pack_base is not None else {}
    return overlay.model_copy(update={"record": merge_fields(record, overlay.record)})


def _rule(path: Path, entry: _Node, seen: dict[str, int]) -> Rule:
    where = _where(path, entry)
    if entry.repeated_keys():
        raise RulePackError(f"{where}: {', '.join(entry.repeated_keys())} given more than once")
    try:
        rule = Rule.model_validate(entry.value)
    except ValidationError as error:
        raise RulePackError(f"{where}: {_problems(error)}") from error
    if rule.id in seen:
        first = seen[rule.id]
        other = f"the rule at line {first}" if first else "a built-in rule"
        raise RulePackError(f"{where}: id already used by {other}")
    seen[rule.id] = entry.line
    return rule


def _compiled(path: Path, entry: _Node, rule: Rule) -> CompiledRule:
    examples = entry.part("examples")
    lines = tuple(item.line for item in examples.items()) if examples is not None else ()
    try:
        return compile_rule(rule, source=path, line=entry.line, example_lines=lines)
    except Invalid as error:
        raise RulePackError(f"{_where(path, entry)}: {error}") from error


def _where(path: Path, entry: _Node) -> str:
    rule_id = entry.value.get("id") if isinstance(entry.value, dict) else None
    return f"{path}:{entry.line}: rule {rule_id if isinstance(rule_id, str) else '(no id)'}"


def _required(path: Path, node: _Node | None, doc_type: str) -> tuple[str, ...]:
    if node is None:
        return ()
    if not isinstance(node.value, list) or not all(isinstance(p, str) for p in node.value):
        raise RulePackError(f"{path}:{node.line}: required: a list of field paths")
    known = field_paths(doc_type)
    for item in node.items():
        if item.value not in known:
            raise RulePackError(f"{path}:{item.line}: required: no {doc_type} field {item.value!r}")
    return tuple(node.value)


def _example_base(path: Path, node: _Node | None) -> ExampleBase | None:
    if node is None:
        return None
    try:
        return ExampleBase.model_validate(node.value)
    except ValidationError as error:
        raise RulePackError(f"{path}:{node.line}: examples: {_problems(error)}") from error


def _check_base_record(path: Path, node: _Node | None, doc_type: str, base: ExampleBase) -> None:
    try:
        record_data(doc_type, _as_json(base.record))
    except ValidationError as error:
        line = node.line if node is not None else 1
        raise RulePackError(f"{path}:{line}: examples.record: {_problems(error)}") from error


# --- examples -----------------------------------------------------------------------------


def _require_examples(
    pack: RulePack,
    rules: tuple[CompiledRule, ...],
    base: ExampleBase | None,
    *,
    vat: VatTable,
    runs: list[ExampleRun] | None = None,
) -> None:
    """Refuse a rule without a passing and a failing example, or one its examples disprove;
    or, given `runs`, report every example there."""
    for rule in rules:
        kinds = {example.expected for example in rule.rule.examples}
        problem = None
        if not {"passes", "fails"} <= kinds:
            problem = "needs at least one passing and one failing example"
        elif base is None:
            problem = "its examples need the pack's `examples:` block"
        if problem is not None:
            if runs is None:
                raise RulePackError(f"{rule.source}:{rule.line}: rule {rule.rule.id}: {problem}")
            runs.append(ExampleRun(rule.rule.id, rule.line, "-", problem, False))
            continue
        for run in run_examples(pack, rule, base, vat=vat):  # type: ignore[arg-type]
            if runs is not None:
                runs.append(run)
            elif not run.ok:
                raise RulePackError(
                    f"{rule.source}:{run.line}: rule {rule.rule.id}: "
                    f"an example that should {_VERBS[run.expected]} {run.outcome}"
                )


_VERBS = {"passes": "pass", "fails": "fail", "skips": "not apply"}


def check_examples(
    path: Path, *, pack_dir: Path = PACK_DIR, vat_rates: Path = VAT_RATES
) -> list[ExampleRun]:
    """Run every example of a pack, or of an overlay (over the built-in packs), reporting
    each; problems other than examples still raise `RulePackError`."""
    vat = load_vat_table(vat_rates)
    runs: list[ExampleRun] = []
    if path.stem in DOC_TYPES:
        load_pack(path, vat=vat, runs=runs)
    else:
        _apply_overlay(path, load_packs(pack_dir, vat=vat), vat, runs)
    return runs


def run_examples(
    pack: RulePack, rule: CompiledRule, base: ExampleBase, *, vat: VatTable
) -> Iterator[ExampleRun]:
    for index, example in enumerate(rule.rule.examples):
        line = rule.example_lines[index] if index < len(rule.example_lines) else rule.line
        yield _run_example(pack, rule, base, example, vat, line)


def _run_example(
    pack: RulePack,
    rule: CompiledRule,
    base: ExampleBase,
    example: Example,
    vat: VatTable,
    line: int,
) -> ExampleRun:
    expected = example.expected
    fields = merge_fields(_as_json(base.record), _as_json(example.fields))
    record = Record(
        source=Source(
            filename="example", sha256="", media_type=example.media_type or "application/pdf"
        ),
        doc_type=rule.rule.doc_type,  # type: ignore[arg-type]
        fields=fields,
    )
    try:
        data = record_data(rule.rule.doc_type, fields)
    except ValidationError as error:
        problems = _problems(error)
        return ExampleRun(rule.rule.id, line, expected, f"is not a valid record: {problems}", False)
    today = example.today or base.today
    facts = Facts(
        today=today,
        received=example.received or today,
        duplicate_of=example.duplicate_of,
        probable_duplicate_of=example.probable_duplicate_of,
    )
    scope = Scope(
        facts=facts,
        master_data=base.master_data,
        vat=vat,
        media_type=record.source.media_type,
        fields=fields,
        required=pack.required,
        lines=tuple(data.get("line_items") or ()),
    )
    with scoped(scope):
        try:
            decided = rule.decide(data)
        except Exception as error:  # an example the rule cannot even evaluate disproves it
            return ExampleRun(rule.rule.id, line, expected, f"could not be checked: {error}", False)
        outcome = rule.evaluate(data)
    if decided is None or outcome is None:
        return ExampleRun(
            rule.rule.id, line, expected, "did not apply (`when` is false)", expected == "skips"
        )
    happened = "passed" if decided else f"failed: {outcome.message}"
    if expected != ("passes" if decided else "fails"):
        return ExampleRun(rule.rule.id, line, expected, happened, False)
    if example.message is not None and example.message not in outcome.message:
        return ExampleRun(
            rule.rule.id,
            line,
            expected,
            f"failed with {outcome.message!r}, which does not contain {example.message!r}",
            False,
        )
    return ExampleRun(rule.rule.id, line, expected, happened, True)


def _as_json(value: Any) -> Any:
    """A YAML value as the record's JSON has it: YAML reads `2026-03-05` as a date and
    `1080000` as a number, where the record contract holds strings."""
    if isinstance(value, Mapping):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _problems(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        parts.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    return "; ".join(parts)
