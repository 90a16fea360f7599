"""Rule packs: the built-in controls give the verdicts reviewers rely on, money is compared
exactly, a bad record never stops the rules, every rule's own examples hold, and a broken pack,
overlay or data file never loads (a running service keeps its last good rules)."""

from __future__ import annotations

import dataclasses
import shutil
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractors.record import Record, Source
from rules.book import RuleBook
from rules.data import MasterData, load_master_data
from rules.engine import RuleOutcome, RuleSet
from rules.errors import RulePackError
from rules.functions import (
    BUSINESS_TZ,
    Facts,
    days_between,
    valid_tax_code,
    vat_percent,
    words_to_amount,
)
from rules.loader import PACK_DIR, check_examples, load_pack, load_rules

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
    "seller": {
        "name": "Công ty TNHH Minh Phát",
        "tax_id": "0101243150",
        "bank_account": "0011 0023 45678",
    },
    "buyer": {"name": "Công ty CP An Bình", "tax_id": "0100109106"},
    "line_items": LINES,
    "subtotal": "1000000",
    "vat_amount": "80000",
    "total": "1080000",
    "vat_rate": "8",
    "amount_in_words": "Một triệu không trăm tám mươi nghìn đồng",
}
TODAY = Facts(today=date(2026, 3, 20), received=date(2026, 3, 20))
COMPANY = MasterData.model_validate(
    {
        "own_tax_codes": {"0100109106": "Công ty CP An Bình"},
        "suppliers": {
            "0101243150": {"name": "Công ty TNHH Minh Phát", "bank_accounts": ["001100234567 8"]}
        },
    }
)


@pytest.fixture(scope="module")
def builtin() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def company(builtin: RuleSet) -> RuleSet:
    return dataclasses.replace(builtin, master_data=COMPANY)


def record(doc_type: str, fields: dict[str, Any], media_type: str = "application/pdf") -> Record:
    source = Source(filename="doc.pdf", sha256="0" * 64, media_type=media_type)
    return Record(source=source, doc_type=doc_type, fields=fields)  # type: ignore[arg-type]


def invoice(**changes: Any) -> Record:
    return record("invoice", CONSISTENT | changes)


def failures(outcomes: list[RuleOutcome]) -> dict[str, str]:
    return {outcome.rule: outcome.message for outcome in outcomes if not outcome.passed}


def by_rule(outcomes: list[RuleOutcome]) -> dict[str, RuleOutcome]:
    return {outcome.rule: outcome for outcome in outcomes}


def check(rules: RuleSet, subject: Record, facts: Facts = TODAY) -> list[RuleOutcome]:
    return rules.evaluate(subject, facts=facts)


# --- every rule's own examples ------------------------------------------------------------


@pytest.mark.parametrize("doc_type", ["invoice", "contract", "cv", "dispatch"])
def test_every_builtin_rule_has_a_passing_and_a_failing_example_and_both_hold(
    doc_type: str,
) -> None:
    runs = check_examples(PACK_DIR / f"{doc_type}.yaml")
    assert runs and all(run.ok for run in runs), [run for run in runs if not run.ok]
    pack = load_pack(PACK_DIR / f"{doc_type}.yaml")
    for rule in pack.rules:
        kinds = {run.expected for run in runs if run.rule == rule.rule.id}
        assert {"passes", "fails"} <= kinds, rule.rule.id


# --- built-in invoice rules ---------------------------------------------------------------


def test_a_consistent_invoice_passes_every_rule(company: RuleSet) -> None:
    outcomes = check(company, invoice())
    assert failures(outcomes) == {}
    assert {
        "invoice.required_fields",
        "invoice.seller_tax_code_valid",
        "invoice.buyer_is_own_company",
        "invoice.line_amounts",
        "invoice.lines_sum_to_subtotal",
        "invoice.totals_add_up",
        "invoice.amount_in_words_matches",
        "invoice.vat_rate_allowed",
        "invoice.issue_date_not_future",
        "invoice.not_duplicate",
        "invoice.supplier_bank_account_known",
        "invoice.symbol_valid",
    } <= set(by_rule(outcomes))


def test_a_total_off_by_1000_fails_naming_the_figures(company: RuleSet) -> None:
    failed = failures(check(company, invoice(total="1081000")))
    assert "invoice.totals_add_up" in failed
    message = failed["invoice.totals_add_up"]
    assert "1000000" in message and "80000" in message and "1081000" in message
    # the words still say 1,080,000: both values are kept and the disagreement is reported
    assert "invoice.amount_in_words_matches" in failed
    assert set(failed) == {"invoice.totals_add_up", "invoice.amount_in_words_matches"}


def test_a_failing_result_carries_the_values_its_message_names(company: RuleSet) -> None:
    outcome = by_rule(check(company, invoice(total="1081000")))["invoice.totals_add_up"]
    assert outcome.severity == "error" and not outcome.passed
    assert "1081000" in outcome.values.values()


def test_words_that_disagree_with_the_total_fail(company: RuleSet) -> None:
    failed = failures(
        check(company, invoice(amount_in_words="Một triệu không trăm tám mươi lăm nghìn đồng"))
    )
    assert set(failed) == {"invoice.amount_in_words_matches"}
    assert "1080000" in failed["invoice.amount_in_words_matches"]


def test_an_invalid_seller_tax_code_fails_naming_it(company: RuleSet) -> None:
    seller = CONSISTENT["seller"] | {"tax_id": "0101243151"}
    failed = failures(check(company, invoice(seller=seller)))
    assert "invoice.seller_tax_code_valid" in failed
    assert "0101243151" in failed["invoice.seller_tax_code_valid"]


@pytest.mark.parametrize("misread", ["01O1243150", "0101S43150", "0101243I50"])
def test_a_tax_code_with_a_digit_read_as_a_letter_is_still_checked(
    company: RuleSet, misread: str
) -> None:
    # Not a foreign id with letters (those skip the MST check digit): an MST OCR misread.
    seller = CONSISTENT["seller"] | {"tax_id": misread}
    failed = failures(check(company, invoice(seller=seller)))
    assert misread in failed["invoice.seller_tax_code_valid"]


def test_a_foreign_registration_number_with_a_check_letter_skips_the_mst_check(
    company: RuleSet,
) -> None:
    seller = CONSISTENT["seller"] | {"tax_id": "201074458K"}
    assert "invoice.seller_tax_code_valid" not in failures(check(company, invoice(seller=seller)))


def test_an_invoice_made_out_to_another_company_fails(company: RuleSet) -> None:
    failed = failures(check(company, invoice(buyer={"name": "X", "tax_id": "0101243150"})))
    assert set(failed) == {"invoice.buyer_is_own_company"}


def test_a_new_bank_account_for_a_known_supplier_warns(company: RuleSet) -> None:
    seller = CONSISTENT["seller"] | {"bank_account": "9999 8888 7777"}
    outcome = by_rule(check(company, invoice(seller=seller)))["invoice.supplier_bank_account_known"]
    assert not outcome.passed and outcome.severity == "warning"
    assert "9999" in outcome.message


def test_a_future_issue_date_fails(company: RuleSet) -> None:
    failed = failures(check(company, invoice(issue_date="2026-03-21", due_date=None)))
    assert set(failed) == {"invoice.issue_date_not_future"}


def test_eight_percent_is_allowed_only_inside_the_reduction_window(company: RuleSet) -> None:
    later = Facts(today=date(2027, 1, 10), received=date(2027, 1, 10))
    outcomes = check(company, invoice(issue_date="2027-01-05", due_date=None), later)
    failed = failures(outcomes)
    assert (
        "invoice.vat_rate_allowed" in failed and "2027-01-05" in failed["invoice.vat_rate_allowed"]
    )
    assert "invoice.vat_rate_allowed" not in failures(check(company, invoice()))


def test_a_duplicate_is_reported_with_its_original(company: RuleSet) -> None:
    facts = TODAY.model_copy(update={"duplicate_of": "document 7 (hd.pdf, review)"})
    failed = failures(check(company, invoice(), facts))
    assert failed == {
        "invoice.not_duplicate": "the same invoice (seller, series and number) is already "
        "document 7 (hd.pdf, review)"
    }


def test_a_symbol_of_the_wrong_year_fails(company: RuleSet) -> None:
    assert "invoice.symbol_valid" in failures(check(company, invoice(invoice_series="C25TAA")))


def test_an_empty_invoice_fails_required_fields_and_is_never_raised(company: RuleSet) -> None:
    failed = failures(check(company, record("invoice", {})))
    assert "invoice.required_fields" in failed
    assert "invoice_number" in failed["invoice.required_fields"]


def test_fields_that_break_the_contract_are_reported_not_raised(company: RuleSet) -> None:
    (outcome,) = check(company, invoice(total="1.080.000"))
    assert outcome.rule == "invoice.fields_valid" and not outcome.passed
    assert "total" in outcome.message


def test_an_unknown_document_type_has_no_rules(company: RuleSet) -> None:
    assert check(company, record("unknown", {})) == []


# --- the other built-in packs -------------------------------------------------------------


def test_contract_rules(builtin: RuleSet) -> None:
    parties = [{"role": "party_a", "name": "A"}, {"role": "party_b", "name": "B"}]
    good = {
        "title": "HỢP ĐỒNG MUA BÁN",
        "parties": parties,
        "signing_date": "2026-01-01",
        "effective_date": "2026-01-01",
        "expiry_date": "2027-12-31",
        "governing_law": "Việt Nam",
        "clauses": ["payment", "termination", "dispute_resolution", "governing_law"],
    }
    assert failures(check(builtin, record("contract", good))) == {}
    bad = good | {"parties": parties[:1], "effective_date": "2028-01-01"}
    failed = failures(check(builtin, record("contract", bad)))
    assert {"contract.two_named_parties", "contract.effective_before_expiry"} <= set(failed)
    big = by_rule(check(builtin, record("contract", good | {"total_value": "5000000000"})))
    assert big["contract.legal_review"].flag == "legal_review"


def test_cv_rules_and_the_retention_date(builtin: RuleSet) -> None:
    name = {"full_name": "Lê Thị Hoa"}
    assert "cv.contact_present" not in failures(
        check(builtin, record("cv", name | {"phone": "+84912345678"}))
    )
    assert "cv.contact_present" in failures(check(builtin, record("cv", name)))
    flagged = by_rule(check(builtin, record("cv", name | {"national_id_present": True})))
    assert not flagged["cv.national_id_present"].passed
    retention = flagged["cv.retention"]
    assert retention.passed and retention.values["delete_after"] == "2026-09-16"


def test_dispatch_urgency_moves_it_up_and_missing_components_fail(builtin: RuleSet) -> None:
    failed = failures(check(builtin, record("dispatch", {})))
    assert "dispatch.components_present" in failed
    urgent = {"urgency": "hỏa tốc", "dispatch_number": "125/CV-TCKT"}
    flags = {o.flag for o in check(builtin, record("dispatch", urgent)) if not o.passed}
    assert "urgent" in flags


# --- money, nulls -------------------------------------------------------------------------

EXACT = """\
rules:
  - id: invoice.exact_total
    description: No tolerance at all.
    severity: error
    check: subtotal + vat_amount == total
    message: "{subtotal} + {vat_amount} is {subtotal + vat_amount}, not {total}"
    examples: [{passes: {}}, {fails: {total: "0.31"}}]
"""
EXAMPLES = """\
examples:
  today: 2026-03-20
  record: {subtotal: "0.1", vat_amount: "0.2", total: "0.3"}
"""


def write_pack(directory: Path, text: str, name: str = "invoice.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def evaluate_pack(path: Path, subject: Record) -> list[RuleOutcome]:
    rules = load_rules(pack_dir=path.parent)
    return rules.evaluate(subject, facts=TODAY)


def test_money_is_compared_as_exact_decimals(tmp_path: Path) -> None:
    path = write_pack(tmp_path, EXAMPLES + EXACT)
    exact = {"subtotal": "0.1", "vat_amount": "0.2", "total": "0.3"}  # 0.1 + 0.2 != 0.3 in floats
    assert failures(evaluate_pack(path, record("invoice", exact))) == {}
    off = record("invoice", exact | {"total": "0.31"})
    assert failures(evaluate_pack(path, off)) == {
        "invoice.exact_total": "0.1 + 0.2 is 0.3, not 0.31"
    }


def test_null_arithmetic_fails_that_rule_only_naming_the_null_field(tmp_path: Path) -> None:
    path = write_pack(tmp_path, EXAMPLES + EXACT)
    (outcome,) = evaluate_pack(path, record("invoice", {"vat_amount": "1", "total": "1"}))
    assert not outcome.passed
    assert "could not be checked" in outcome.message and "subtotal" in outcome.message


# --- functions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tax_id", "valid"),
    [
        ("0101243150", True),
        ("0100109106", True),
        ("0101243150-001", True),  # a branch
        ("001085012345", True),  # a 12-digit personal ID (format only)
        ("0101243151", False),  # wrong check digit
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


def test_days_between_counts_calendar_days_either_way() -> None:
    first = datetime(2026, 3, 5, tzinfo=BUSINESS_TZ)
    second = datetime(2026, 4, 4, tzinfo=BUSINESS_TZ)
    assert days_between(first, second) == 30
    assert days_between(second, first) == -30


def test_vat_percent_and_words_functions() -> None:
    rates = ("8", "KCT", "KHAC:5.26", "x", None)
    assert [vat_percent(r) for r in rates] == [8, 0, Decimal("5.26"), None, None]
    assert words_to_amount("Hai nghìn không trăm hai mươi tư đồng") == 2024
    assert words_to_amount(None) is None


# --- packs that must not load -------------------------------------------------------------

GOOD_RULE = """\
  - id: invoice.fine
    description: Fine.
    severity: error
    check: total != null
    message: "missing"
    examples: [{passes: {}}, {fails: {total: null}}]
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
        ("check: $lookup('suppliers', total.to_str) != null", "no master data table 'suppliers'"),
        ("check: total != null\n    chek: total == null", "chek"),
        ("check: total != null\n    check: total == null", "check given more than once"),
        ("when: totl != null\n    check: total != null", "when: unknown field 'totl'"),
        ("check: total != null\n    examples: [{passes: {}}]", "failing example"),
        ("check: total == null\n    examples: [{passes: {}}, {fails: {}}]", "should pass"),
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
    if "examples" not in broken:
        bad += "    examples: [{passes: {}}, {fails: {total: null}}]\n"
    path = write_pack(tmp_path, EXAMPLES + "rules:\n" + GOOD_RULE + bad)
    with pytest.raises(RulePackError) as error:
        load_pack(path)
    text = str(error.value)
    assert f"{path}:" in text and "rule invoice.broken:" in text, text
    line = int(text.split(f"{path}:", 1)[1].split(":", 1)[0])
    assert 11 <= line <= 16  # the rule's own lines, not the pack's start
    assert complaint in text


def test_a_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    path = write_pack(tmp_path, EXAMPLES + "rules:\n" + GOOD_RULE + GOOD_RULE)
    with pytest.raises(RulePackError, match=r"invoice.yaml:11: rule invoice.fine: .*line 5"):
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


# --- the company overlay and master data --------------------------------------------------


def test_an_overlay_changes_params_switches_rules_off_and_adds_its_own(tmp_path: Path) -> None:
    overlay = tmp_path / "company.yaml"
    overlay.write_text(
        """\
overrides:
  invoice.issue_date_recent: {params: {max_age_days: 10}}
  invoice.due_after_issue: {enabled: false}
rules:
  - id: invoice.po_required
    description: Purchases carry our PO number.
    severity: warning
    check: po_number != null
    message: "no PO number"
    examples: [{passes: {po_number: PO-1}}, {fails: {}}]
""",
        encoding="utf-8",
    )
    rules = load_rules(overlay=overlay)
    outcomes = by_rule(check(rules, invoice(due_date="2026-03-01")))
    assert "invoice.due_after_issue" not in outcomes
    assert not outcomes["invoice.issue_date_recent"].passed  # 15 days > 10
    assert not outcomes["invoice.po_required"].passed


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (
            "overrides:\n  invoice.nope: {enabled: false}\nrules: []\n",
            "company.yaml:2: rule invoice.nope",
        ),
        (
            "overrides:\n  invoice.issue_date_recent: {params: {max_age: 3}}\nrules: []\n",
            "no param max_age",
        ),
        ("rules:\n  - id: receipt.x\n", "company.yaml:2"),
    ],
)
def test_a_broken_overlay_is_refused(tmp_path: Path, text: str, complaint: str) -> None:
    overlay = tmp_path / "company.yaml"
    overlay.write_text(text, encoding="utf-8")
    with pytest.raises(RulePackError, match=complaint):
        load_rules(overlay=overlay)


# --- messages in each language -------------------------------------------------------------


def _placeholders(parts: list[str | dict[str, str]]) -> set[str]:
    return {part["value"] for part in parts if isinstance(part, dict)}


def test_every_built_in_rule_has_a_vietnamese_message_naming_the_same_values(
    builtin: RuleSet,
) -> None:
    for rule in builtin.rules():
        templates = rule.templates()
        assert set(templates) == {"en", "vi"}, rule.rule.id
        assert _placeholders(templates["vi"]) == _placeholders(templates["en"]), rule.rule.id
        english = "".join(part for part in templates["en"] if isinstance(part, str))
        vietnamese = "".join(part for part in templates["vi"] if isinstance(part, str))
        assert vietnamese != english, rule.rule.id


def test_a_failing_rule_keeps_the_values_of_its_vietnamese_message_and_says_it_in_english(
    builtin: RuleSet,
) -> None:
    outcome = by_rule(check(builtin, invoice(total="1081000")))["invoice.totals_add_up"]
    # The API's message stays English; the page writes the Vietnamese one from the values.
    assert outcome.message == "subtotal 1000000 + VAT 80000 = 1080000, but total is 1081000"
    (rule,) = [r for r in builtin.rules() if r.rule.id == "invoice.totals_add_up"]
    vietnamese = "".join(
        part if isinstance(part, str) else outcome.values[part["value"]]
        for part in rule.templates()["vi"]
    )
    assert vietnamese == (
        "cộng tiền hàng 1000000 + thuế GTGT 80000 = 1080000, nhưng tổng cộng thanh toán là 1081000"
    )


def test_an_overlay_rule_has_its_message_in_both_languages_or_in_english_alone(
    tmp_path: Path,
) -> None:
    overlay = tmp_path / "company.yaml"
    overlay.write_text(
        """\
rules:
  - id: invoice.po_required
    description: Purchases carry our PO number.
    severity: warning
    check: po_number != null
    message:
      en: "no PO number on the invoice of {seller.name}"
      vi: "hóa đơn của MST {seller.tax_id} không có số đơn đặt hàng"
    examples: [{passes: {po_number: PO-1}}, {fails: {}, message: "no PO number"}]
  - id: invoice.terms_required
    description: Purchases name their due date.
    severity: info
    check: due_date != null
    message: "no due date"
    examples: [{passes: {}}, {fails: {due_date: null}}]
""",
        encoding="utf-8",
    )
    rules = load_rules(overlay=overlay)
    outcomes = by_rule(check(rules, invoice(due_date=None)))
    po = outcomes["invoice.po_required"]
    assert po.message == "no PO number on the invoice of Công ty TNHH Minh Phát"
    # Both languages' values are kept, the Vietnamese one's included.
    assert po.values["seller.tax_id"] == "0101243150"
    assert outcomes["invoice.terms_required"].message == "no due date"
    templates = {rule.rule.id: rule.templates() for rule in rules.rules()}
    assert templates["invoice.terms_required"] == {"en": ["no due date"]}
    assert templates["invoice.po_required"]["vi"] == [
        "hóa đơn của MST ",
        {"value": "seller.tax_id"},
        " không có số đơn đặt hàng",
    ]


@pytest.mark.parametrize(
    ("message", "complaint"),
    [
        ('{vi: "thiếu số đơn đặt hàng"}', "en"),
        ('{en: "no PO", fr: "pas de bon de commande"}', "fr"),
        ('{en: "no PO", vi: "thiếu {po_numbr}"}', "po_numbr"),
    ],
)
def test_a_message_without_english_or_in_an_unknown_language_or_field_is_refused(
    tmp_path: Path, message: str, complaint: str
) -> None:
    overlay = tmp_path / "company.yaml"
    overlay.write_text(
        "rules:\n  - id: invoice.po_required\n    description: PO.\n    severity: warning\n"
        f"    check: po_number != null\n    message: {message}\n"
        "    examples: [{passes: {po_number: PO-1}}, {fails: {}}]\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match=complaint):
        load_rules(overlay=overlay)


def test_master_data_reads_from_csv_and_refuses_unknown_tables(tmp_path: Path) -> None:
    good = tmp_path / "company.csv"
    good.write_text(
        "table,key,value\nown_tax_codes,0100109106,An Bình\n"
        "supplier_bank_accounts,0101243150,0011 0023 45678\nthresholds,legal,1000000000\n",
        encoding="utf-8",
    )
    data = load_master_data(good)
    assert data.lookup("supplier_bank_accounts", "0101243150") == ("00110023" + "45678",)
    assert data.keys("own_tax_codes") == ("0100109106",)
    bad = tmp_path / "bad.csv"
    bad.write_text("table,key,value\nsuppliers,1,2\n", encoding="utf-8")
    with pytest.raises(RulePackError, match=r"bad.csv:2: no table 'suppliers'"):
        load_master_data(bad)


# --- a running service keeps its last good rules ------------------------------------------


def test_a_rule_book_reloads_edits_and_keeps_the_last_good_rules(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(PACK_DIR, packs)
    book = RuleBook(lambda: load_rules(pack_dir=packs), watch=lambda: [packs], check_seconds=0)
    before = book.current()
    target = packs / "invoice.yaml"
    text = target.read_text(encoding="utf-8")
    time.sleep(0.01)
    target.write_text(
        text.replace(
            "check: $valid_tax_code(seller.tax_id)", "check: $valid_tax_cod(seller.tax_id)"
        ),
        encoding="utf-8",
    )
    kept = book.current()
    assert kept is before
    assert book.last_error is not None
    assert "invoice.yaml:" in book.last_error and "invoice.seller_tax_code_valid" in book.last_error
    assert failures(check(kept, invoice(seller={"name": "X", "tax_id": "0101243151"})))
    edited = "The due date is on or after the issue date."
    target.write_text(
        text.replace("The due date is not before the issue date.", edited), encoding="utf-8"
    )
    reloaded = book.current()
    assert reloaded is not before and book.last_error is None
    assert by_rule(check(reloaded, invoice()))["invoice.due_after_issue"].message == edited


def test_a_book_refuses_to_start_without_rules(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "invoice.yaml").write_text("rules: {}\n", encoding="utf-8")
    with pytest.raises(RulePackError):
        RuleBook(lambda: load_rules(pack_dir=packs), watch=lambda: [packs])
