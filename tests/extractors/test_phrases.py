"""Clause cues and job titles are found as spaCy's PhraseMatcher finds them, without loading
spaCy for the text a contract or CV prints (loading it cost a batch over a second)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from extractors.document import ParsedDocument
from extractors.fields import contract, cv_lexicon
from extractors.fields.phrases import Match, PhraseMatcher
from extractors.limits import ReadLimits
from extractors.readers import reader_for
from extractors.text import fold
from tests import docgen
from tests.support.machine import ROOT

GAZETTEERS: dict[str, dict[str, tuple[str, ...]]] = {
    "headings": {name: cues for name, (cues, _) in contract._CLAUSE_CUES.items()},
    "provisions": {name: cues for name, (_, cues) in contract._CLAUSE_CUES.items()},
    "jobs": {"JOB_TITLE": cv_lexicon.JOB_TITLES},
}

# Boundaries printed text puts around a phrase, the ones decided without spaCy and the ones
# left to it.
SHAPES = [
    "ĐIỀU 9. CHẤM DỨT HỢP ĐỒNG\nBên A có quyền chấm dứt hợp đồng trước thời hạn.",
    "Article 12 - TERMINATION.\nEither party may terminate this Agreement (termination).",
    "12. Force Majeure; Limitation of Liability: aggregate liability shall not exceed",
    "6. PERFORMANCE WARRANTY/DISCLAIMER OF WARRANTIES",
    "Co-Founder & CTO, Senior Software Engineer/Team Lead, Consultant's invoice, Owner’s",
    "So: 738/BHXH-VP\nGiám đốc, Phó Giám đốc, kế toán trưởng; trưởng phòng.",
    "The determination of undisputed invoices; terminations; pre-termination; co-founders",
    "Non-Disclosure, non - disclosure, non -disclosure, NON-DISCLOSURE.",
    "Governing LaW. a.penalty A. penalty 5-architect engineer-5 engineer.– “engineer”",
    "force  majeure, force\nmajeure, (force majeure), «Confidentiality», ‘warranty period’",
    "Disputes shall be referred to arbitration—the Tribunal's award; payable in:",
]


def _spacy_matches(phrases: Mapping[str, Iterable[str]], text: str) -> list[Match]:
    spacy = pytest.importorskip("spacy")
    from spacy.matcher import PhraseMatcher as SpacyMatcher

    nlp = spacy.blank("xx")
    matcher = SpacyMatcher(nlp.vocab, attr="LOWER")
    for label, cues in phrases.items():
        matcher.add(label, [nlp.make_doc(cue) for cue in cues])
    doc = nlp.make_doc(text)
    return [
        (nlp.vocab.strings[match_id], doc[start].idx, doc[end - 1].idx + len(doc[end - 1]))
        for match_id, start, end in matcher(doc)
    ]


def _folded(document: ParsedDocument) -> str:
    return fold("\n".join(line.text for line in document.lines))


def _texts(tmp_path: Path) -> list[str]:
    texts = [fold(shape) for shape in SHAPES]
    texts += [text.lower() for text in texts]
    for index, generated in enumerate(
        [docgen.contract(seed) for seed in range(6)] + [docgen.cv(seed) for seed in range(6)]
    ):
        path = docgen.write(generated, tmp_path / f"{index}.pdf")
        with reader_for("application/pdf", path) as reader:
            texts.append(_folded(reader.read(path, limits=ReadLimits())))
    return texts


@pytest.mark.parametrize("gazetteer", sorted(GAZETTEERS))
def test_phrases_are_found_where_spacy_finds_them(gazetteer: str, tmp_path: Path) -> None:
    phrases = GAZETTEERS[gazetteer]
    matcher = PhraseMatcher(phrases)
    for text in _texts(tmp_path):
        assert matcher.find(text) == _spacy_matches(phrases, text), text[:200]


def test_a_phrase_is_a_run_of_whole_tokens() -> None:
    matcher = PhraseMatcher(GAZETTEERS["provisions"])
    text = fold("The determination of fees. Either party may terminate the agreement.")
    found = [text[start:end] for _, start, end in matcher.find(text)]
    assert found == ["may terminate", "terminate the agreement"]
    jobs = PhraseMatcher(GAZETTEERS["jobs"])
    assert [(start, end) for _, start, end in jobs.find("co-founder")] == [(0, 10), (3, 10)]
    assert jobs.find("engineering") == []


def test_contracts_and_cvs_are_read_without_loading_spacy(tmp_path: Path) -> None:
    files = [
        docgen.write(docgen.contract(3), tmp_path / "contract.pdf"),
        docgen.write(docgen.contract(4), tmp_path / "hop-dong.pdf"),
        docgen.write(docgen.cv(3), tmp_path / "cv.pdf"),
    ]
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from extractors.limits import ReadLimits\n"
        "from extractors.service import extract_file\n"
        "records = [extract_file(Path(name), limits=ReadLimits()) for name in sys.argv[1:]]\n"
        "print(sorted(record.doc_type for record in records), 'spacy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.split("]")[-1].strip() == "False"
    assert result.stdout.startswith("['contract', 'contract', 'cv']")
