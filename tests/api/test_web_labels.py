"""The label catalogue the review pages speak from: every word in both languages, a name for
every field of every document type, and each status and type a document can have."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel

from api.routers.web import LINE_COLUMNS, _kind
from api.web_labels import FIELD_LABELS, LABELS, LANGS, field_label
from extractors.record import FIELDS_BY_TYPE
from pipeline.access import audit
from pipeline.lifecycle import LIFECYCLE
from pipeline.review.changes import ReassignableType
from pipeline.store.models import DocumentStatus


def _paths(model: type[BaseModel], prefix: str = "") -> typing.Iterator[str]:
    """Every value the form can show for a type, a list of objects by its first item."""
    for name, info in model.model_fields.items():
        kind, inner = _kind(info.annotation)
        if kind == "object":
            yield from _paths(inner, f"{prefix}{name}.")
        elif kind == "objects":
            yield from _paths(inner, f"{prefix}{name}[0].")
        else:
            yield f"{prefix}{name}"


def test_every_label_is_written_in_both_languages() -> None:
    assert set(LABELS["vi"]) == set(LABELS["en"])
    assert set(FIELD_LABELS["vi"]) == set(FIELD_LABELS["en"])
    for lang in LANGS:
        assert all(text.strip() for text in LABELS[lang].values())
        assert all(text.strip() for text in FIELD_LABELS[lang].values())


@pytest.mark.parametrize("doc_type", sorted(FIELDS_BY_TYPE))
def test_every_field_of_every_type_has_a_name_in_both_languages(doc_type: str) -> None:
    paths = list(_paths(FIELDS_BY_TYPE[doc_type]))
    assert paths
    for path in paths:
        english = field_label(path, "en", doc_type)
        vietnamese = field_label(path, "vi", doc_type)
        # A field the catalogue does not know is shown by its path: none may be.
        assert english != path and vietnamese != path, path
        assert vietnamese != english, path


def test_line_item_columns_and_list_items_are_named_and_numbered() -> None:
    for column in LINE_COLUMNS:
        assert field_label(f"line_items.{column}", "vi") != f"line_items.{column}"
    assert field_label("parties[1].name", "vi", "contract") == "Bên 2 · Tên"
    assert field_label("experience[0].employer", "en", "cv") == "Experience 1 · Employer"
    # A dispatch's date is when it was issued; an invoice's when it was made out.
    assert field_label("issue_date", "vi", "dispatch") == "Ngày ban hành"
    assert field_label("issue_date", "vi", "invoice") == "Ngày lập"
    # A company's own field, unknown to the catalogue, keeps its path.
    assert field_label("x_cost_centre", "vi", "invoice") == "x_cost_centre"


def test_every_status_and_type_has_a_name_in_both_languages() -> None:
    keys = [f"status_{status.value}" for status in DocumentStatus]
    keys += [f"type_{name}" for name in typing.get_args(ReassignableType)] + ["type_unknown"]
    keys += [f"severity_{severity}" for severity in ("error", "warning", "info")]
    for lang in LANGS:
        missing = [key for key in keys if key not in LABELS[lang]]
        assert missing == [], lang
    assert LABELS["vi"]["status_review"] == "Chờ duyệt"


def test_date_and_amount_refusals_are_words_with_an_example() -> None:
    assert LABELS["vi"]["bad_date"] == "Ngày phải có dạng dd/mm/yyyy, ví dụ 05/03/2026."
    for lang in LANGS:
        for key in ("bad_date", "bad_month", "bad_number"):
            assert "\\d" not in LABELS[lang][key] and "^" not in LABELS[lang][key]


def test_every_audit_event_kind_has_a_name_in_both_languages() -> None:
    # The audit page names each event and offers each kind as a filter; tests refuse an
    # event of a kind not in audit.KINDS (tests/conftest.py), so this covers every one.
    assert set(LIFECYCLE) <= audit.KINDS
    for lang in LANGS:
        missing = [kind for kind in sorted(audit.KINDS) if f"event_{kind}" not in LABELS[lang]]
        assert missing == [], lang
    assert LABELS["vi"]["event_portal_flagged"] != LABELS["en"]["event_portal_flagged"]
