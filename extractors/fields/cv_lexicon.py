"""Gazetteers for CVs, matched with spaCy's PhraseMatcher on a blank pipeline (no model is
downloaded): job titles, in Vietnamese and English, accent-folded and lower-cased.

A job's heading prints an employer and a title in either order, and many employers carry
no legal-form word (`Northgate Property Management`, `Summit Peak Software`): the title is
the part naming a job."""

from __future__ import annotations

from functools import cache
from typing import Any

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
def _matcher() -> tuple[Any, Any]:
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("xx")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("JOB_TITLE", [nlp.make_doc(phrase) for phrase in JOB_TITLES])
    return nlp, matcher


def names_a_job(text: str) -> bool:
    """Whether `text` holds a job title from the gazetteer, as whole words."""
    nlp, matcher = _matcher()
    return bool(matcher(nlp.make_doc(fold(text).lower())))
