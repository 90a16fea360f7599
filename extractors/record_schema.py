"""The record contract as a JSON Schema, generated from the pydantic models in
`extractors/record.py`.

Published as `docs/record.schema.json` (a test keeps that file equal to what this module
generates) and served at `GET /api/v1/schema`, so a consumer validates records against
exactly what the service produces.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from pydantic_core import core_schema

from extractors.record import FIELDS_BY_TYPE, Record

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "record.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _EveryKeyPresent(GenerateJsonSchema):
    """Records are written with every key, null or `[]` when a value is absent (never
    omitted), so the schema of a written record requires every key; but a key the model
    leaves out when it has nothing to say (`provenance.*.learned_from`)."""

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        return "serialization_exclude_if" not in field


def record_json_schema() -> dict[str, Any]:
    """The record envelope, with the `fields` of each `doc_type` tied to its type."""
    models: list[type[BaseModel]] = [Record, *FIELDS_BY_TYPE.values()]
    refs, schema = models_json_schema(
        [(model, "serialization") for model in models],
        ref_template="#/$defs/{model}",
        schema_generator=_EveryKeyPresent,
    )
    definitions = schema["$defs"]
    envelope = definitions.pop("Record")
    by_type = [
        {
            "if": {"properties": {"doc_type": {"const": doc_type}}, "required": ["doc_type"]},
            "then": {"properties": {"fields": refs[(model, "serialization")]}},
        }
        for doc_type, model in FIELDS_BY_TYPE.items()
    ]
    return {
        "$schema": DIALECT,
        "title": "Record",
        "description": "One processed document, as `backoffice extract` prints it (one per "
        "line) and the API returns it. `fields` holds the fields of the record's `doc_type` "
        "(see docs/records.md); a file that could not be processed has `doc_type` `unknown`, "
        "empty `fields` and an `error`. Every key is always present: a value absent from the "
        "document is null (lists: []).",
        **{key: value for key, value in envelope.items() if key not in ("title", "description")},
        "allOf": by_type,
        "$defs": dict(sorted(definitions.items())),
    }


def render() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(record_json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # python -m extractors.record_schema > docs/record.schema.json
    print(render(), end="")
