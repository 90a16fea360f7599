"""The overview in the API and its page, and the audit page's filters and paging, through
the real application on both databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from pipeline.access import audit
from pipeline.store.db import transaction
from pipeline.store.settings import Settings
from tests.support.documents import add_checked
from tests.support.signin import api, sign_in


def test_the_overview_answers_in_the_api_and_on_its_page(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    add_checked(sessions, settings, "old.pdf", received_at=datetime.now(UTC) - timedelta(days=9))
    add_checked(sessions, settings, "new.pdf")
    with api(settings) as client:
        sign_in(client, sessions, "rita", "reviewer")
        body = client.get("/api/v1/overview").json()
        assert body["waiting_total"] == 2
        assert body["waiting"] == [
            {
                "doc_type": "invoice",
                "total": 2,
                "by_age": {"lt_1d": 1, "1_3d": 0, "3_7d": 0, "gt_7d": 1},
            }
        ]
        assert len(body["per_day"]) == 30
        page = client.get("/overview?lang=vi")
        assert page.status_code == 200
        assert "Đang chờ duyệt" in page.text and "Trên 7 ngày" in page.text
        assert 'href="/overview" aria-current="page"' in page.text
        # The audit page is for admins: a reviewer has no link to it and cannot open it.
        assert 'href="/audit"' not in page.text
        assert client.get("/audit").status_code == 403


def _events(sessions: sessionmaker[Session], count: int, **columns: object) -> None:
    with transaction(sessions) as session:
        for _ in range(count):
            event = audit.record(session, actor="rita", kind="corrected", data={"n": 1})
            for name, value in columns.items():
                setattr(event, name, value)


def _ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr data-id="(\d+)"', html)]


def test_the_audit_page_filters_and_pages_the_trail(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    # 23:30 UTC on 5 March is 06:30 on 6 March in Hà Nội: a day of the company's clock.
    late_evening_utc = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    _events(sessions, 60)
    _events(sessions, 2, actor="ravi", at=late_evening_utc)
    document_id = add_checked(sessions, settings, "hd.pdf")
    _events(sessions, 3, actor="worker 1", document_id=document_id)
    with api(settings) as client:
        admin: TestClient = sign_in(client, sessions, "ada", "admin")
        first = admin.get("/audit", params={"actor": "rita", "kind": "corrected"})
        assert first.status_code == 200
        ids = _ids(first.text)
        assert len(ids) == 50 and ids == sorted(ids)
        assert 'id="next-page"' in first.text
        cursor = ids[-1]
        second = admin.get(f"/audit?actor=rita&kind=corrected&cursor={cursor}")
        assert len(_ids(second.text)) == 10 and 'id="next-page"' not in second.text
        assert 'id="first-page"' in second.text

        ravi = admin.get("/audit", params={"from": "2026-03-06", "to": "2026-03-06"})
        assert len(_ids(ravi.text)) == 2 and "ravi" in ravi.text
        assert "2026-03-06 06:30" in admin.get("/audit?actor=ravi&lang=en").text
        utc_day = admin.get("/audit", params={"from": "2026-03-05", "to": "2026-03-05"})
        assert _ids(utc_day.text) == []
        one_document = admin.get("/audit", params={"document": document_id, "lang": "vi"})
        assert len(_ids(one_document.text)) == 3
        assert all(
            f'href="/review/{document_id}"' in row
            for row in one_document.text.split("<tr data-id=")[1:]
        )
        # As the filter form sends it: the fields left empty filter nothing.
        blank = {"actor": "", "kind": "", "document": "", "from": "", "to": ""}
        assert len(_ids(admin.get("/audit", params=blank).text)) == 50
        nothing = admin.get("/audit", params={"actor": "nobody", "lang": "en"})
        assert "No event matches these filters." in nothing.text
        # The other language's link shows the same events.
        assert 'href="?actor=nobody&amp;lang=vi"' in nothing.text
