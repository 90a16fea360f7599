"""An `unknown` document over the API on each database: approving it is refused
with 422, saying in words to choose its type; choosing one sends it back to be read as that
type."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from pipeline.store.settings import Settings
from tests.support.documents import add_checked
from tests.support.signin import api, sign_in


def test_approving_an_unknown_document_asks_for_its_type_first(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    unknown = add_checked(sessions, settings, "scan.pdf", doc_type="unknown", fields={})
    with api(settings) as client:
        sign_in(client, sessions, "rita", "reviewer")
        url = f"/api/v1/documents/{unknown}"
        version = client.get(url).json()["version"]

        refused = client.post(f"{url}/approve", json={"version": version})
        assert refused.status_code == 422, refused.text
        assert "choose its type" in refused.json()["detail"]
        after = client.get(url).json()
        assert after["status"] == "review"
        assert after["version"] == version
        assert "approved" not in [event["kind"] for event in after["history"]]

        chosen = client.post(f"{url}/type", json={"version": version, "doc_type": "invoice"})
        assert chosen.status_code == 202, chosen.text
        assert chosen.json()["status"] == "received"
        reassigned = chosen.json()["history"][-1]["data"]
        assert (reassigned["old"], reassigned["new"]) == ("unknown", "invoice")
        # Out of review until it is read again: approving now is a status conflict.
        assert client.post(f"{url}/approve").status_code == 409
