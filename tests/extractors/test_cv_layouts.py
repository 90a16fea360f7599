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


def test_a_sidebar_s_bare_number_and_place_and_jobs_headed_above_their_period() -> None:
    # A contacts sidebar left, the main column right: the phone and the town are printed
    # bare under `Contact`; each job's heading is printed above its period, so the line
    # after a period is the next job's heading, not the previous one's.
    rows = [
        (40, [(200, "Linh Tran")]),
        (80, [(42, "CONTACT"), (200, "EXPERIENCE")]),
        (96, [(42, "0912 345 678"), (200, "Data Engineer — Cobalt River Analytics JSC")]),
        (110, [(42, "linh.tran@example.com"), (200, "Mar 2021 – Present")]),
        (124, [(42, "Can Tho"), (200, "Junior Developer at Blue Lotus Co., Ltd")]),
        (138, [(200, "Jun 2018 – Feb 2021")]),
        (152, [(42, "SKILLS")]),
        (166, [(42, "Airflow")]),
        (180, [(42, "Spark")]),
    ]
    fields = CvExtractor().extract(_document(rows, "en")).fields
    assert fields["phone"] == "+84912345678"
    assert fields["location"] == "Can Tho"
    assert fields["skills"] == ["Airflow", "Spark"]
    assert [(job["employer"], job["title"]) for job in fields["experience"]] == [
        ("Cobalt River Analytics JSC", "Data Engineer"),
        ("Blue Lotus Co., Ltd", "Junior Developer"),
    ]


def test_a_timeline_period_beside_its_heading_and_a_description_sentence() -> None:
    # The period in a left column, `Title tại Employer` beside it, a sentence under it: the
    # sentence is the job's description, never part of the employer's name.
    rows = [
        (40, [(42, "Phạm Minh Châu")]),
        (80, [(42, "QUÁ TRÌNH LÀM VIỆC")]),
        (96, [(42, "05/2020 – nay"), (170, "Kế toán viên tại Công ty TNHH Hoa Sen Xanh")]),
        (110, [(170, "Lập báo cáo thuế hằng tháng và đối chiếu công nợ với khách hàng.")]),
        (130, [(42, "01/2017 – 04/2020"), (170, "Công ty CP Nam Phong | Nhân viên kế toán")]),
        (144, [(170, "Theo dõi chứng từ và hỗ trợ kế toán trưởng khi quyết toán cuối năm.")]),
    ]
    jobs = CvExtractor().extract(_document(rows, "vi")).fields["experience"]
    assert [(job["employer"], job["title"]) for job in jobs] == [
        ("Công ty TNHH Hoa Sen Xanh", "Kế toán viên"),
        ("Công ty CP Nam Phong", "Nhân viên kế toán"),
    ]
