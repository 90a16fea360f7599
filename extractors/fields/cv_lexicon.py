"""Gazetteers for CVs, matched as whole tokens (`extractors.fields.phrases`, as spaCy's
PhraseMatcher on a blank pipeline matches them): job titles, in Vietnamese and English,
accent-folded and lower-cased.

A job's heading prints an employer and a title in either order, and many employers carry
no legal-form word (`Northgate Property Management`, `Summit Peak Software`): the title is
the part naming a job."""

from __future__ import annotations

from functools import cache

from extractors.fields.phrases import PhraseMatcher
from extractors.text import fold

# Words and phrases that name a job, not an organisation. Organisations' words that look
# alike are left out on purpose (`design`, `consulting`, `management`, `engineering`).
JOB_TITLES: tuple[str, ...] = (
    # English
    "engineer",
    "developer",
    "programmer",
    "analyst",
    "manager",
    "lead",
    "leader",
    "team lead",
    "head of",
    "director",
    "specialist",
    "consultant",
    "designer",
    "accountant",
    "auditor",
    "officer",
    "executive",
    "coordinator",
    "assistant",
    "intern",
    "trainee",
    "architect",
    "administrator",
    "technician",
    "representative",
    "supervisor",
    "scientist",
    "researcher",
    "teacher",
    "lecturer",
    "tutor",
    "nurse",
    "pharmacist",
    "editor",
    "writer",
    "copywriter",
    "translator",
    "interpreter",
    "recruiter",
    "cashier",
    "clerk",
    "receptionist",
    "secretary",
    "tester",
    "owner",
    "founder",
    "co-founder",
    "ceo",
    "cto",
    "cfo",
    "coo",
    "vp",
    "vice president",
    "president",
    # Vietnamese, accent-folded
    "chuyen vien",
    "nhan vien",
    "truong phong",
    "pho phong",
    "truong nhom",
    "truong ban",
    "pho ban",
    "truong ca",
    "to truong",
    "ky su",
    "ke toan",
    "ke toan vien",
    "ke toan truong",
    "lap trinh vien",
    "giam doc",
    "pho giam doc",
    "tong giam doc",
    "quan ly",
    "tro ly",
    "thu ky",
    "thuc tap sinh",
    "kiem toan vien",
    "chuyen gia",
    "dieu phoi vien",
    "giao vien",
    "giang vien",
    "bac si",
    "duoc si",
    "dieu duong",
    "tu van vien",
    "bien tap vien",
    "phien dich vien",
    "bien dich vien",
    "thiet ke vien",
    "kiem thu vien",
    "giam sat",
    "dai dien kinh doanh",
    "cong tac vien",
    "le tan",
    "thu ngan",
)


@cache
def _matcher() -> PhraseMatcher:
    return PhraseMatcher({"JOB_TITLE": JOB_TITLES})


def names_a_job(text: str) -> bool:
    """Whether `text` holds a job title from the gazetteer, as whole words."""
    return bool(_matcher().find(fold(text).lower()))
