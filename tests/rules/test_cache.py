"""Checked rules kept on disk (rules/cache.py): a new process reads them instead of loading
every pack again, and what it reads is exactly what loading gives, for the files as they are
now."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from extractors.record import Record, Source
from rules import engine, loader
from rules.errors import RulePackError
from rules.functions import Facts
from rules.loader import PACK_DIR, load_rules

TODAY = Facts(today=date(2026, 3, 20), received=date(2026, 3, 20))


def invoice(**fields: str) -> Record:
    source = Source(filename="doc.pdf", sha256="0" * 64, media_type="application/pdf")
    base = {"invoice_number": "0000123", "issue_date": "2026-03-05", "currency": "VND"}
    return Record(source=source, doc_type="invoice", fields=base | fields)


def outcomes(rules_dir: Path, cache: Path, subject: Record) -> list[tuple[str, bool, str]]:
    rules = load_rules(pack_dir=rules_dir, cache_dir=cache)
    return [(o.rule, o.passed, o.message) for o in rules.evaluate(subject, facts=TODAY)]


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    shutil.copytree(PACK_DIR, tmp_path / "packs")
    return tmp_path / "packs"


def test_rules_read_from_the_cache_judge_as_loaded_ones(
    packs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    subject = invoice(subtotal="1000000", vat_amount="80000", total="1081000")
    loaded = outcomes(packs, cache, subject)

    def not_again(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a pack was read again")

    monkeypatch.setattr(loader, "_read", not_again)
    assert outcomes(packs, cache, subject) == loaded
    assert ("invoice.totals_add_up", False) in [(rule, passed) for rule, passed, _ in loaded]


def test_from_the_cache_only_the_packs_of_the_types_checked_are_compiled(
    packs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    load_rules(pack_dir=packs, cache_dir=cache)
    checks: list[str] = []
    original = engine._condition

    def counting(text: str, key: str, context: Any) -> Any:
        if key == "check":
            checks.append(text)
        return original(text, key, context)

    monkeypatch.setattr(engine, "_condition", counting)
    rules = load_rules(pack_dir=packs, cache_dir=cache)
    assert rules.evaluate(invoice(total="1"), facts=TODAY)
    parsed = list(checks)
    of_type = {rule.rule.check: rule.rule.doc_type for rule in rules.rules()}
    assert {of_type[check] for check in parsed} == {"invoice"}
    assert set(rules.packs) == {"invoice", "contract", "cv", "dispatch"}
    assert {rule.rule.doc_type for rule in rules.rules()} == set(rules.packs)


def test_from_the_cache_a_message_is_parsed_only_for_a_rule_that_fails(
    packs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    subject = invoice(subtotal="1000000", vat_amount="80000", total="1081000")
    loaded = outcomes(packs, cache, subject)
    messages: list[str] = []
    original = engine._template

    def counting(text: str, context: Any) -> Any:
        messages.append(text)
        return original(text, context)

    monkeypatch.setattr(engine, "_template", counting)
    rules = load_rules(pack_dir=packs, cache_dir=cache)
    assert [(o.rule, o.passed, o.message) for o in rules.evaluate(subject, facts=TODAY)] == loaded
    by_id = {rule.rule.id: rule.rule for rule in rules.rules()}
    failed = {rule for rule, passed, _ in loaded if not passed}
    assert "invoice.totals_add_up" in failed
    assert sorted(messages) == sorted(
        text for rule in failed for text in by_id[rule].messages.values()
    )
    # Asked for, the other rules' messages are still there, as loading gives them.
    invoice_rules = list(rules.packs["invoice"].rules)
    assert all(rule.templates()["en"] for rule in invoice_rules)


def test_an_edited_pack_is_loaded_and_checked_again(packs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_rules(pack_dir=packs, cache_dir=cache)
    pack = packs / "invoice.yaml"
    pack.write_text(pack.read_text(encoding="utf-8") + "  - id: broken\n", encoding="utf-8")
    with pytest.raises(RulePackError, match="invoice.yaml"):
        load_rules(pack_dir=packs, cache_dir=cache)


def test_a_damaged_cache_is_ignored_and_written_again(packs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    subject = invoice(subtotal="1000000", vat_amount="80000", total="1081000")
    loaded = outcomes(packs, cache, subject)
    (kept,) = cache.iterdir()
    kept.write_bytes(kept.read_bytes()[:100])
    assert outcomes(packs, cache, subject) == loaded
    (rewritten,) = cache.iterdir()
    assert rewritten.stat().st_size > 100


def test_the_cache_is_in_the_service_data_dir_unless_set(tmp_path: Path) -> None:
    from pipeline.store.settings import Settings

    # `extract` on a machine with no service creates no data dir to keep a cache in.
    assert Settings(data_dir=tmp_path / "none").resolved_cache_dir is None
    assert Settings(data_dir=tmp_path).resolved_cache_dir == tmp_path / "cache"
    assert Settings(data_dir=tmp_path, cache_dir=tmp_path / "c").resolved_cache_dir == (
        tmp_path / "c"
    )


def test_an_unwritable_cache_folder_costs_speed_not_the_rules(packs: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    rules = load_rules(pack_dir=packs, cache_dir=blocked / "cache")
    assert "invoice" in rules.packs
