"""Rule packs: the built-in controls give the verdicts reviewers rely on, money is compared
exactly, a bad record never stops the rules, and a broken pack never loads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from extractors.record import Record, RuleResult, Source
from rules.engine import RulePackError, builtin_packs, evaluate, load_pack
from rules.functions import BUSINESS_TZ, days_between, valid_tax_code

LINES = [
    {"description": "Giấy A4", "quantity": "10", "unit_price": "50000", "amount": "500000"},
    {"description": "Mực in", "quantity": "5", "unit_price": "100000", "amount": "500000"},
]
CONSISTENT = {
    "invoice_number": "0000123",
    "invoice_series": "C26TAA",
    "invoice_form": "1",
    "issue_date": "2026-03-05",
    "due_date": "2026-04-04",
    "currency": "VND",
    "seller": {"name": "Công ty TNHH Minh Phát", "tax_id": "0101243150"},
    "buyer": {"name": "Công ty CP An Bình", "tax_id": "0100109106"},
    "line_items": LINES,
    "subtotal": "1000000",
    "vat_amount": "80000",
    "total": "1080000",
    "vat_rate": "8",
}


def record(doc_type: str, fields: dict[str, Any]) -> Record:
    source = Source(filename="doc.pdf", sha256="0" * 64, media_type="application/pdf")
    return Record(source=source, doc_type=doc_type, fields=fields)  # type: ignore[arg-type]


def invoice(**changes: Any) -> Record:
    return record("invoice", CONSISTENT | changes)


def by_rule(results: list[RuleResult]) -> dict[str, RuleResult]:
    return {result.rule: result for result in results}


def failures(results: list[RuleResult]) -> dict[str, str]:
    return {result.rule: result.message for result in results if not result.passed}


def write_pack(directory: Path, text: str, name: str = "invoice.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# --- built-in invoice rules ---------------------------------------------------------------


def test_a_consistent_invoice_passes_every_rule() -> None:
    results = evaluate(invoice())
    assert failures(results) == {}
    assert set(by_rule(results)) == {
        "invoice.number_present",
        "invoice.issue_date_present",
        "invoice.seller_tax_id_present",
        "invoice.total_present",
        "invoice.seller_tax_code_valid",
        "invoice.buyer_tax_code_valid",
        "invoice.lines_sum_to_subtotal",
        "invoice.totals_add_up",
        "invoice.vat_matches_rate",
        "invoice.due_after_issue",
    }
    assert all(result.message for result in results)


def test_a_total_off_by_1000_fails_naming_the_figures() -> None:
    failed = failures(evaluate(invoice(total="1081000")))
    assert set(failed) == {"invoice.totals_add_up"}
    message = failed["invoice.totals_add_up"]
    assert "1000000" in message and "80000" in message  # subtotal and VAT
    assert "1080000" in message and "1081000" in message  # what they make, what was printed
    assert by_rule(evaluate(invoice(total="1081000")))["invoice.totals_add_up"].severity == "error"


def test_an_invalid_seller_tax_code_fails_naming_it() -> None:
    failed = failures(evaluate(invoice(seller={"name": "X", "tax_id": "0101243151"})))
    assert set(failed) == {"invoice.seller_tax_code_valid"}
    assert "0101243151" in failed["invoice.seller_tax_code_valid"]


def test_a_missing_seller_tax_code_is_reported_as_missing_not_invalid() -> None:
    failed = failures(evaluate(invoice(seller={"name": "X"})))
    assert set(failed) == {"invoice.seller_tax_id_present"}


def test_branch_and_personal_tax_codes_pass() -> None:
    results = evaluate(
        invoice(seller={"tax_id": "0101243150-001"}, buyer={"tax_id": "001085012345"})
    )
    assert failures(results) == {}


def test_an_invalid_buyer_tax_code_is_a_warning() -> None:
    result = by_rule(evaluate(invoice(buyer={"tax_id": "12345"})))["invoice.buyer_tax_code_valid"]
    assert not result.passed and result.severity == "warning" and "12345" in result.message


def test_a_buyer_without_tax_code_is_not_checked() -> None:
    assert "invoice.buyer_tax_code_valid" not in by_rule(evaluate(invoice(buyer={"name": "Anh"})))


@pytest.mark.parametrize(
    ("tax_id", "valid"),
    [
        ("0101243150", True),
        ("0100109106", True),
        ("0101243150-001", True),  # a branch
        ("001085012345", True),  # a 12-digit personal ID
        ("0101243151", False),  # wrong check digit
        ("1010000040", False),  # weighted sum 0 mod 11: no check digit (10) exists
        ("010124315", False),
        ("0101243150-01", False),
        ("0101243150001", False),
        (" 0101243150", False),  # not normalised
        ("٠١٠١٢٤٣١٥٠", False),  # Arabic-Indic digits are digits to Python, not to the GDT
        ("", False),
        (None, False),
    ],
)
def test_tax_code_forms(tax_id: str | None, valid: bool) -> None:
    assert valid_tax_code(tax_id) is valid


def test_lines_that_do_not_sum_to_the_subtotal_fail_naming_both() -> None:
    lines = [LINES[0], LINES[1] | {"amount": "400000"}]
    failed = failures(evaluate(invoice(line_items=lines)))
    assert set(failed) == {"invoice.lines_sum_to_subtotal"}
    assert "900000" in failed["invoice.lines_sum_to_subtotal"]
    assert "1000000" in failed["invoice.lines_sum_to_subtotal"]


def test_vat_that_is_not_the_rate_of_the_subtotal_warns() -> None:
    results = evaluate(invoice(vat_amount="100000", total="1100000"))
    result = by_rule(results)["invoice.vat_matches_rate"]
    assert not result.passed and result.severity == "warning"
    assert "100000" in result.message and "80000" in result.message
    assert set(failures(results)) == {"invoice.vat_matches_rate"}


def test_vat_is_not_compared_with_a_rate_that_is_not_a_number() -> None:
    results = by_rule(evaluate(invoice(vat_rate="KCT")))
    assert "invoice.vat_matches_rate" not in results


def test_a_due_date_before_the_issue_date_warns_naming_both() -> None:
    failed = failures(evaluate(invoice(due_date="2026-03-01")))
    assert set(failed) == {"invoice.due_after_issue"}
    assert "2026-03-01" in failed["invoice.due_after_issue"]
    assert "2026-03-05" in failed["invoice.due_after_issue"]


def test_an_empty_invoice_fails_the_presence_rules_and_skips_the_rest() -> None:
    results = evaluate(record("invoice", {}))
    assert set(failures(results)) == {
        "invoice.number_present",
        "invoice.issue_date_present",
        "invoice.seller_tax_id_present",
        "invoice.total_present",
    }
    assert len(results) == 4


# --- money, nulls and bad records ---------------------------------------------------------

EXACT = """\
rules:
  - id: invoice.exact_total
    description: No tolerance at all.
    severity: error
    check: subtotal + vat_amount == total
    message: "{subtotal} + {vat_amount} is {subtotal + vat_amount}, not {total}"
  - id: invoice.exact_lines
    description: No tolerance at all.
    severity: error
    when: line_items.length > 0
    check: $sum([item.amount for item in line_items]) == subtotal
    message: "lines make {$sum([item.amount for item in line_items])}"
"""


def test_money_is_compared_as_exact_decimals(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path, EXACT))
    # In binary floats 0.1 + 0.2 != 0.3 and 0.1 + 0.1 + 0.1 != 0.3.
    tenths = [{"amount": "0.1"}] * 3
    exact = {"subtotal": "0.1", "vat_amount": "0.2", "total": "0.3"}
    assert failures(pack.evaluate(record("invoice", exact))) == {}
    lines = {"subtotal": "0.3", "vat_amount": "0", "total": "0.3", "line_items": tenths}
    assert failures(pack.evaluate(record("invoice", lines))) == {}
    off = record("invoice", exact | {"total": "0.31"})
    assert failures(pack.evaluate(off)) == {"invoice.exact_total": "0.1 + 0.2 is 0.3, not 0.31"}


def test_a_null_subtotal_skips_the_guarded_rules() -> None:
    results = by_rule(evaluate(invoice(subtotal=None)))
    for rule in (
        "invoice.totals_add_up",
        "invoice.lines_sum_to_subtotal",
        "invoice.vat_matches_rate",
    ):
        assert rule not in results
    assert failures(list(results.values())) == {}


def test_null_arithmetic_in_an_unguarded_rule_fails_that_rule_only(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path, EXACT))
    results = by_rule(pack.evaluate(invoice(subtotal=None)))
    unchecked = results["invoice.exact_total"]
    assert not unchecked.passed
    assert "could not be checked" in unchecked.message and "subtotal" in unchecked.message
    assert set(results) == {"invoice.exact_total", "invoice.exact_lines"}  # the rest still ran


def test_fields_that_break_the_contract_are_reported_not_raised() -> None:
    (result,) = evaluate(invoice(total="1.080.000"))
    assert result.rule == "invoice.fields_valid" and not result.passed
    assert "total" in result.message


def test_an_unknown_document_type_has_no_rules() -> None:
    assert evaluate(record("unknown", {})) == []


# --- the other built-in packs -------------------------------------------------------------


def test_contract_rules() -> None:
    parties = [{"role": "party_a", "name": "A"}, {"role": "party_b", "name": "B"}]
    good = {
        "title": "HỢP ĐỒNG MUA BÁN",
        "parties": parties,
        "effective_date": "2026-01-01",
        "expiry_date": "2026-12-31",
    }
    assert failures(evaluate(record("contract", good))) == {}
    bad = good | {"title": None, "parties": parties[:1], "expiry_date": "2025-12-31"}
    failed = failures(evaluate(record("contract", bad)))
    assert set(failed) == {
        "contract.title_present",
        "contract.two_parties",
        "contract.expiry_after_effective",
    }
    assert "parties found: 1" in failed["contract.two_parties"]
    assert "2025-12-31" in failed["contract.expiry_after_effective"]


def test_cv_rules() -> None:
    name = {"full_name": "Lê Thị Hoa"}
    assert failures(evaluate(record("cv", name | {"phone": "+84912345678"}))) == {}
    assert failures(evaluate(record("cv", name | {"email": "hoa@example.vn"}))) == {}
    assert set(failures(evaluate(record("cv", name)))) == {"cv.contact_present"}
    assert set(failures(evaluate(record("cv", {})))) == {"cv.name_present", "cv.contact_present"}


def test_dispatch_rules() -> None:
    good = {
        "dispatch_number": "125/CV-TCKT",
        "issue_date": "2026-03-05",
        "subject": "Quyết toán thuế",
        "recipients": ["Cục Thuế Hà Nội"],
    }
    assert failures(evaluate(record("dispatch", good))) == {}
    assert set(failures(evaluate(record("dispatch", {})))) == {
        "dispatch.number_present",
        "dispatch.issue_date_present",
        "dispatch.subject_present",
        "dispatch.has_recipient",
    }


def test_every_builtin_pack_loads() -> None:
    assert set(builtin_packs()) == {"invoice", "contract", "cv", "dispatch"}


# --- functions ----------------------------------------------------------------------------


def test_days_between_counts_calendar_days_either_way() -> None:
    first = datetime(2026, 3, 5, tzinfo=BUSINESS_TZ)
    second = datetime(2026, 4, 4, tzinfo=BUSINESS_TZ)
    assert days_between(first, second) == 30
    assert days_between(second, first) == -30


def test_functions_and_params_are_usable_from_a_pack(tmp_path: Path) -> None:
    pack = load_pack(
        write_pack(
            tmp_path,
            """\
rules:
  - id: invoice.pay_within_terms
    description: Payment is due within the agreed terms.
    severity: warning
    when: issue_date != null and due_date != null
    check: $days_between(issue_date, due_date) <= $params.max_days and issue_date <= $today()
    message: "due {$days_between(issue_date, due_date)} days after issue, over {$params.max_days}"
    params: {max_days: 30}
""",
        )
    )
    assert failures(pack.evaluate(invoice())) == {}
    failed = failures(pack.evaluate(invoice(due_date="2026-05-05")))
    assert failed == {"invoice.pay_within_terms": "due 61 days after issue, over 30"}


# --- packs that must not load -------------------------------------------------------------

GOOD_RULE = """\
  - id: invoice.fine
    description: Fine.
    severity: error
    check: total != null
    message: "missing"
"""


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        ("check: totl != null", "unknown field 'totl'"),
        ("check: seller.tax_idd != null", "unknown field 'tax_idd'"),
        ("check: $all([item.amont > 0 for item in line_items])", "unknown field 'amont'"),
        ("check: $no_such_function(total)", "unknown function $no_such_function"),
        ("check: $valid_tax_code(total)", "data type mismatch"),
        ("check: total != != null", "syntax error"),
        ("check: total", "must be true or false"),
        ("check: total != null\n    severity: fatal", "severity"),
        ('check: total != null\n    message: "{totl}"', "unknown field 'totl'"),
        ("check: total > $params.tolerence\n    params: {tolerance: 1}", "'tolerence'"),
        ("check: total != null\n    chek: total == null", "chek"),
        ("check: total != null\n    check: total == null", "check given more than once"),
        ("when: totl != null\n    check: total != null", "when: unknown field 'totl'"),
    ],
)
def test_a_broken_rule_is_refused_at_load_time_naming_file_line_and_rule(
    tmp_path: Path, broken: str, complaint: str
) -> None:
    bad = f"  - id: invoice.broken\n    description: Broken.\n    {broken}\n"
    if "severity" not in broken:
        bad += "    severity: error\n"
    if "message" not in broken:
        bad += '    message: "m"\n'
    path = write_pack(tmp_path, "rules:\n" + GOOD_RULE + bad)
    with pytest.raises(RulePackError) as error:
        load_pack(path)
    text = str(error.value)
    assert f"{path}:7: rule invoice.broken:" in text  # the file, the rule's line, its id
    assert complaint in text


def test_a_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    path = write_pack(tmp_path, "rules:\n" + GOOD_RULE + GOOD_RULE)
    with pytest.raises(RulePackError, match=r"invoice.yaml:7: rule invoice.fine: .*line 2"):
        load_pack(path)


def test_a_rule_for_another_document_type_is_refused(tmp_path: Path) -> None:
    path = write_pack(tmp_path, "rules:\n" + GOOD_RULE.replace("invoice.fine", "contract.fine"))
    with pytest.raises(RulePackError, match=r"invoice.yaml:2: rule contract.fine: id must start"):
        load_pack(path)


def test_yaml_that_does_not_parse_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = write_pack(tmp_path, "rules:\n" + GOOD_RULE + "  - id: [unclosed\n")
    with pytest.raises(RulePackError, match=r"invoice.yaml:\d+: not valid YAML"):
        load_pack(path)


@pytest.mark.parametrize("text", ["", "rule:\n" + GOOD_RULE, "rules: {}\n", "- 1\n"])
def test_a_pack_that_is_not_a_rules_list_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(RulePackError, match="invoice.yaml"):
        load_pack(write_pack(tmp_path, text))


def test_a_pack_must_be_named_after_a_document_type(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="receipt.yaml"):
        load_pack(write_pack(tmp_path, "rules: []\n", name="receipt.yaml"))
