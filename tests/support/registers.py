"""Documents for the registers (contracts, CVs, letters) as review leaves them, and their
approval by the register's reviewer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger.posting import approve
from pipeline.store.db import transaction
from pipeline.store.models import Document
from tests.support.documents import add_document

REVIEWER = "van-thu@example.vn"


CONTRACT = {
    "contract_number": "15/2026/HĐMB",
    "title": "HỢP ĐỒNG MUA BÁN HÀNG HÓA",
    "signing_date": "2026-03-01",
    "effective_date": "2026-03-05",
    "expiry_date": "2027-03-04",
    "parties": [
        {"role": "party_a", "name": "Công ty CP An Bình", "tax_id": "0312345678"},
        {"role": "party_b", "name": "Công ty TNHH Minh Phát", "tax_id": "0101243150"},
    ],
    "total_value": "250000000",
    "currency": "VND",
    "auto_renewal": True,
}


CV = {
    "full_name": "Nguyễn Thị Lan",
    "email": "lan.nguyen@example.vn",
    "phone": "+84912345678",
    "location": "Hà Nội",
    "date_of_birth": "1994-07-12",
    "national_id_present": True,
    "skills": ["Python", "SQL"],
    "languages": ["Tiếng Việt", "English"],
    "experience": [
        {"employer": "FPT Software", "title": "Kỹ sư", "start": "2016-07", "end": "2020-12"},
        {"employer": "VNG", "title": "Trưởng nhóm", "start": "2021-01", "end": None},
    ],
    "years_of_experience": 9.5,
}


def letter(number: int) -> dict[str, object]:
    return {
        "dispatch_number": f"{number}/CV-TCKT",
        "issuer": "Cục Thuế TP Hà Nội",
        "issue_date": "2026-02-10",
        "subject": "Hướng dẫn quyết toán thuế TNCN năm 2025",
        "urgency": "khẩn",
        "reply_deadline": "2026-03-15",
    }


def add(
    sessions: sessionmaker[Session],
    name: str,
    doc_type: str,
    fields: dict[str, object],
    *,
    received_at: datetime | None = None,
) -> int:
    document_id = add_document(sessions, name=name, doc_type=doc_type, fields=fields)
    if received_at is not None:
        with transaction(sessions) as session:
            session.get_one(Document, document_id).received_at = received_at
    return document_id


def approve_one(sessions: sessionmaker[Session], document_id: int) -> None:
    with transaction(sessions) as session:
        approve(session, document_id=document_id, actor=REVIEWER)
