"""The OpenAPI document shows clients what to send and what comes back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.app import create_app
from pipeline.store.settings import Settings


def test_every_documents_entries_and_registers_route_has_examples(tmp_path: Path) -> None:
    schema = create_app(Settings(data_dir=tmp_path)).openapi()
    checked = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if not {"documents", "entries", "registers"} & set(operation.get("tags", [])):
                continue
            route = f"{method.upper()} {path}"
            checked.append(route)
            body: dict[str, Any] = operation.get("requestBody", {}).get("content", {})
            if "application/json" in body:
                assert body["application/json"].get("examples"), f"{route}: no request example"
            answers = [
                answer["content"]["application/json"]
                for code, answer in operation["responses"].items()
                if code.startswith("2") and "application/json" in answer.get("content", {})
            ]
            for answer in answers:
                assert "example" in answer, f"{route}: an answer without an example"
    assert "POST /api/v1/entries/ack" in checked
    assert "GET /api/v1/registers/correspondence" in checked
    assert "POST /api/v1/documents/{document_id}/approve" in checked
