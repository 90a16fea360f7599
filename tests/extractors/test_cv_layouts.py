"""CV layouts built word by word: a job whose title is printed above an employer without a
legal form, and the job-title gazetteer that tells them apart."""

from __future__ import annotations

from datetime import date

from extractors.document import Page, ParsedDocument, Word, group_lines
from extractors.fields.cv import CvExtractor
from extractors.fields.cv_lexicon import names_a_job


def _document(rows: list[tuple[float, list[tuple[float, str]]]], language: str) -> ParsedDocument:
    words = []
    for top, cells in rows:
        for x0, text in cells:
            x = x0
            for token in text.split():
                words.append(Word(token, (x, top, x + 5 * len(token), top + 10), 1))
                x += 5 * len(token) + 3
    page = Page(1, 595, 842, group_lines(words, 1))
    document = ParsedDocument("application/pdf", [page], language=language)  # type: ignore[arg-type]
    document.as_of = date(2026, 11, 30)
    return document


def test_a_title_printed_before_an_employer_without_a_legal_form() -> None:
    rows = [
        (40, [(42, "Hannah Lee")]),
        (54, [(42, "hannah.lee@outlook.com | +44 7700 900199 | London")]),
        (80, [(42, "WORK EXPERIENCE")]),
        (96, [(42, "Analytics Lead")]),
        (110, [(42, "Summit Peak Software")]),
        (124, [(42, "April 2020 – Present")]),
        (138, [(52, "• Built the reporting pipeline for senior stakeholders")]),
        (154, [(42, "Senior Data Analyst")]),
        (168, [(42, "Northgate Property Management")]),
        (182, [(42, "August 2017 – March 2020")]),
        (196, [(52, "• Planned and ran quarterly reviews")]),
    ]
    jobs = CvExtractor().extract(_document(rows, "en")).fields["experience"]
    assert [(job["employer"], job["title"]) for job in jobs] == [
        ("Summit Peak Software", "Analytics Lead"),
        ("Northgate Property Management", "Senior Data Analyst"),
    ]


def test_the_gazetteer_names_jobs_in_both_languages_and_not_organisations() -> None:
    assert names_a_job("Trưởng phòng Hành chính - Nhân sự")
    assert names_a_job("Lập trình viên Backend")
    assert names_a_job("Senior Software Engineer")
    assert not names_a_job("Cascade Print & Design")
    assert not names_a_job("Northgate Property Management")
    assert not names_a_job("Trường Đại học Bách khoa Hà Nội")
