"""Rule packs: built-in controls give the right verdicts, and a broken pack never loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.record import Record, Source
from rules.engine import RulePackError, evaluate, load_pack
from rules.functions import valid_tax_code

CONSISTENT = {
    "invoice_number": "0000123",
    "invoice_series": "C26TAA",
    "invoice_form": "1",
    "issue_date": "2026-03-05",
    "due_date": "2026-04-04",
    "currency": "VND",
    "seller": {"name": "Công ty TNHH Minh Phát", "tax_id": "0101243150"},
    "buyer": {"name": "Công ty CP An Bình", "tax_id": "0101243150-001"},
    "line_items": [
        {"description": "Giấy A4", "quantity": "10", "unit_price": "50000", "amount": "500000"},
        {"description": "Mực in", "quantity": "5", "unit_price": "100000", "amount": "500000"},
    ],
    "subtotal": "1000000",
    "vat_amount": "80000",
    "total": "1080000",
    "vat_rate": "8",
}


def invoice(**changes: object) -> Record:
    return Record(
        source=Source(filename="hd.pdf", sha256="0" * 64, media_type="application/pdf"),
        doc_type="invoice",
        fields=CONSISTENT | changes,
    )


def failed(record: Record) -> dict[str, str]:
    return {r.rule: r.message for r in evaluate(record) if not r.passed}


def test_a_consistent_invoice_passes_every_rule() -> None:
    results = evaluate(invoice())
    assert failed(invoice()) == {}
    assert {r.rule for r in results} >= {
        "invoice.totals_add_up",
        "invoice.lines_sum_to_subtotal",
        "invoice.seller_tax_code_valid",
        "invoice.vat_matches_rate",
    }


def test_a_total_that_does_not_add_up_fails_naming_the_figures() -> None:
    message = failed(invoice(total="1081000"))["invoice.totals_add_up"]
    assert "1000000" in message and "80000" in message and "1081000" in message


def test_lines_that_do_not_sum_to_the_subtotal_fail() -> None:
    lines = [dict(CONSISTENT["line_items"][0]), dict(CONSISTENT["line_items"][1])]  # type: ignore[index]
    lines[1]["amount"] = "400000"
    assert "invoice.lines_sum_to_subtotal" in failed(invoice(line_items=lines))


def test_money_is_compared_exactly() -> None:
    record = invoice(subtotal="0.1", vat_amount="0.2", total="0.3", line_items=[], vat_rate=None)
    assert "invoice.totals_add_up" not in failed(record)


def test_a_missing_subtotal_skips_the_sum_rules_instead_of_crashing() -> None:
    results = {r.rule: r for r in evaluate(invoice(subtotal=None))}
    assert "invoice.totals_add_up" not in results
    assert "invoice.lines_sum_to_subtotal" not in results


@pytest.mark.parametrize(
    ("tax_id", "valid"),
    [
        ("0101243150", True),
        ("0101243150-001", True),  # branch
        ("001085012345", True),  # 12-digit personal ID (individuals, since 2025-07-01)
        ("0101243151", False),  # check digit wrong
        ("010124315", False),
        ("", False),
    ],
)
def test_tax_code_shapes(tax_id: str, valid: bool) -> None:
    assert valid_tax_code(tax_id) is valid


def test_an_invalid_seller_tax_code_fails() -> None:
    record = invoice(seller={"name": "X", "tax_id": "0101243151"})
    assert "0101243151" in failed(record)["invoice.seller_tax_code_valid"]


GOOD_RULE = """\
  - id: invoice.ok
    description: fine
    severity: error
    check: total != null
    message: "missing"
"""


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        ("check: totl != null", "unknown field 'totl'"),
        ("check: $no_such_function(total)", "unknown function $no_such_function"),
        ("check: total != != null", "syntax error"),
        ("check: total != null\n    severity: fatal", "severity"),
        ('check: total != null\n    message: "{no_such_field}"', "no_such_field"),
    ],
)
def test_a_broken_rule_is_refused_at_load_time_naming_file_line_and_rule(
    tmp_path: Path, broken: str, complaint: str
) -> None:
    bad = f"""\
  - id: invoice.broken
    description: broken
    {broken}
"""
    if "severity" not in broken:
        bad += "    severity: error\n"
    if "message" not in broken:
        bad += '    message: "m"\n'
    pack = tmp_path / "invoice.yaml"
    pack.write_text("rules:\n" + GOOD_RULE + bad, encoding="utf-8")
    with pytest.raises(RulePackError) as error:
        load_pack(pack)
    text = str(error.value)
    assert "invoice.yaml:7" in text
    assert "invoice.broken" in text
    assert complaint in text
