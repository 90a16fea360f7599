"""The record contract as published in the repository: docs/record.schema.json, generated
from the pydantic models, served at GET /api/v1/schema, and docs/records.md."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema_rs
import pytest
from sqlalchemy.orm import Session, sessionmaker

from extractors.limits import ReadLimits
from extractors.record import FIELDS_BY_TYPE
from extractors.record_schema import SCHEMA_FILE, render
from extractors.service import extract_file
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.machine import ROOT
from tests.support.signin import add_token, api

DOCS = SCHEMA_FILE.parent / "records.md"


def published() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def test_the_committed_schema_is_what_the_models_generate() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), (
        "the record models changed: python -m extractors.record_schema > docs/record.schema.json"
    )


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Records of each type as the service writes them, and one of a file it cannot read."""
    folder = tmp_path_factory.mktemp("records")
    generated = {
        "invoice": docgen.invoice(5),
        "contract": docgen.contract(5),
        "cv": docgen.cv(5),
        "dispatch": docgen.dispatch(5),
    }
    out = {}
    for doc_type, doc in generated.items():
        path = docgen.write(doc, folder / f"{doc_type}{doc.suffix}")
        record = extract_file(path, limits=ReadLimits())
        assert record.doc_type == doc_type
        out[doc_type] = record.model_dump(mode="json")
    empty = extract_file(docgen.empty_file(folder / "empty.pdf"), limits=ReadLimits())
    out["error"] = empty.model_dump(mode="json")
    return out


def test_every_record_the_service_writes_is_valid(records: dict[str, dict[str, Any]]) -> None:
    validator = jsonschema_rs.Draft202012Validator(published())
    invalid = {name: [e.message for e in validator.iter_errors(r)] for name, r in records.items()}
    assert {name: errors for name, errors in invalid.items() if errors} == {}


@pytest.mark.parametrize(
    ("change", "said"),
    [
        # each type's fields are its own: a field renamed, or another type's, is refused
        (lambda r: r["fields"].update(invoice_no=r["fields"].pop("invoice_number")), "invoice_no"),
        # money is a decimal string without grouping
        (lambda r: r["fields"].update(total="1.234.567,5"), "total"),
        (lambda r: r["fields"].update(issue_date="05/03/2026"), "issue_date"),
        # a key is never omitted: absent values are null
        (lambda r: r["fields"].pop("po_number"), "po_number"),
        (lambda r: r.update(doc_type="letter"), "letter"),
    ],
)
def test_a_record_off_the_contract_is_refused(
    records: dict[str, dict[str, Any]], change: Any, said: str
) -> None:
    record = json.loads(json.dumps(records["invoice"]))
    change(record)
    errors = [
        str(error) for error in jsonschema_rs.Draft202012Validator(published()).iter_errors(record)
    ]
    assert errors and any(said in error for error in errors), errors


def test_the_api_serves_the_published_schema_to_any_signed_in_caller(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    token = add_token(sessions, "schema-reader", "clerk")
    with api(settings) as client:
        assert client.get("/api/v1/schema").status_code == 401
        answer = client.get("/api/v1/schema", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json() == published()


def _documented_fields(section: str) -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    body = re.split(r"^## ", text, flags=re.MULTILINE)
    (part,) = [chunk for chunk in body if chunk.startswith(section)]
    return re.findall(r"^\| ([a-z_]+) \|", part, flags=re.MULTILINE)


@pytest.mark.parametrize("doc_type", sorted(FIELDS_BY_TYPE))
def test_the_documentation_lists_every_field_of_every_type(doc_type: str) -> None:
    documented = [name for name in _documented_fields(doc_type) if name != "field"]
    assert documented == list(FIELDS_BY_TYPE[doc_type].model_fields)


def test_the_readme_points_to_the_published_contract() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/records.md" in readme
    assert "SCHEMA.md" not in readme
