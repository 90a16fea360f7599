"""Document type and language from keywords, weighted by where they sit.

A word in the first lines (the title zone) counts for more than one in the body: a contract
mentions "invoice" in its payment clause, but no contract is titled "HÓA ĐƠN".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import cast

from extractors.document import ParsedDocument
from extractors.record import DocType, Language
from extractors.text import fold

_CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "invoice": (
        (r"hóa đơn|hoá đơn", 3.0),
        (r"giá trị gia tăng|gtgt", 2.0),
        (r"\binvoice\b", 3.0),
        (r"mã số thuế|\bmst\b|tax (id|code)|\bvat\b", 1.0),
        (r"thành tiền|đơn giá|unit price|\bamount\b", 1.0),
        (r"tổng cộng|tiền thanh toán|total( amount)? (due|payable)|\btotal\b", 1.0),
        (r"ký hiệu|mẫu số|\bserial\b|bill to", 1.0),
        # Invoices from abroad (German, French, Dutch), in their own words: title, the
        # number/date labels, the tax, the totals and the line-item header.
        (r"rechnung\b|\bfactuur\b|\bfacture\b", 3.0),
        (
            r"rechnungs-?(nr|nummer|datum)|factuur\s?(nummer|datum|nr)|"
            r"(numéro|date) de (la )?facture",
            1.0,
        ),
        (r"\bmwst\b|\bust\b|\bbtw\b|\btva\b|umsatzsteuer", 1.0),
        (
            r"gesamtbetrag|rechnungsbetrag|\btotaal\b|\bbedrag\b|montant|total (ttc|ht)\b|"
            r"\bsumme\b",
            1.0,
        ),
        (r"\bmenge\b|einzelpreis|hoeveelheid|\bprijs\b|prix unitaire|quantité", 1.0),
    ),
    "contract": (
        (r"hợp đồng", 3.0),
        (r"\b(contract|agreement)\b", 3.0),
        (r"\bbên a\b|\bbên b\b|\bparty a\b|\bparty b\b|\bparties\b", 2.0),
        (r"\bđiều \d+|\barticle \d+|\bclause\b", 1.0),
        (r"hiệu lực|effective|termination|chấm dứt|governing law", 1.0),
    ),
    "cv": (
        (
            r"curriculum vitae|\bresume\b|\bcv\b|sơ yếu lý lịch|hồ sơ ứng (?:viên|tuyển)|"
            r"đơn (?:xin việc|ứng tuyển)|(?:vị trí|position) ứng tuyển|job application",
            3.0,
        ),
        (
            r"kinh nghiệm làm việc|work experience|\bexperience\b|"
            r"\b(?:career|employment|work|job) (?:history|timeline|record|path)\b",
            2.0,
        ),
        # A job held until now: a period ending in the present, as CVs print them.
        (r"\b(?:19|20)\d{2}\s*[-–—]\s*(?:present|now|current|nay|hiện tại|hiện nay)\b", 1.5),
        (r"học vấn|\beducation\b|trình độ|quá trình (?:đào tạo|công tác)", 1.5),
        (r"kỹ năng|\bskills\b|ngoại ngữ|\blanguages\b", 1.5),
        (r"ngày sinh|date of birth|mục tiêu nghề nghiệp|career objective", 1.0),
    ),
    "dispatch": (
        (r"cộng hòa xã hội chủ nghĩa|cộng hoà xã hội chủ nghĩa", 2.0),
        (r"độc lập\s*-\s*tự do\s*-\s*hạnh phúc", 1.0),
        (r"\bv/v\b", 3.0),
        (r"kính gửi", 2.0),
        (r"nơi nhận", 2.0),
        (r"\bcông văn\b|số:\s*\d+/[a-zđ-]+", 1.5),
        # The title of an administrative document standing alone on its line.
        (
            r"^\s*(công văn|thông báo|quyết định|tờ trình|giấy mời|kế hoạch|báo cáo|chỉ thị|"
            r"công điện|hướng dẫn)\s*$",
            3.0,
        ),
        # English letters and memos: the structure of a letter, not its subject matter.
        # A memo's title opens its line or closes it (`Acme Ltd — INTERNAL MEMO`).
        (
            r"^\s*(inter-?office )?(memorandum|memo)\b|"
            r"\b(internal |inter-?office )?(memorandum|memo)\s*$",
            3.0,
        ),
        # An English notice or circular titled as such, alone on its line like the
        # Vietnamese titles above.
        (
            r"^\s*((public|official|formal) )?(notice|notification|announcement|circular)"
            r"( letter)?\s*$",
            3.0,
        ),
        (r"^\s*(dear\s+\w|to whom it may concern)", 2.0),
        (
            r"\byours (sincerely|faithfully|truly)\b|^\s*sincerely( yours)?,?\s*$|"
            r"^\s*(kind|best|warm) regards\b",
            2.0,
        ),
        # Labels with a colon, or alone on their line as a memo's table cells print them.
        (r"^\s*(subject|re|ref|reference)\s*:|^\s*(subject|re)\s*$", 2.0),
        (r"^\s*(to|from|cc|date)\s*:|^\s*(to|from|cc)\s*$", 1.0),
    ),
}
# Cues match accent-folded text: OCR of bold titles and hand-typed files drop diacritics.
# Letters a font could not map come out as one of these (the page itself may print a box):
# each stands for one letter, most likely an accented one.
_UNMAPPED = re.compile("[\ufffd\u25a0\u25a1\ue000-\uf8ff]")
_HOLE = "\u25a0"


def _cue(pattern: str) -> re.Pattern[str]:
    """The folded cue, where each letter that carries a diacritic may also be a hole (inside
    a character class the folded letter alone: the class already lists its alternatives)."""
    tolerant, in_class, escaped = [], False, False
    for char in unicodedata.normalize("NFC", pattern):
        folded = fold(char)
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char.isalpha() and folded != char and not in_class:
            tolerant.append(f"[{folded}{_HOLE}]")
            continue
        tolerant.append(folded)
    # Matched against text lower-cased by `_CASELESS`: a case-sensitive pattern lets the
    # regex engine skip ahead to where its first letters occur, which IGNORECASE prevents.
    return re.compile("".join(tolerant), re.MULTILINE)


_COMPILED = {
    doc_type: tuple((_cue(pattern), weight) for pattern, weight in cues)
    for doc_type, cues in _CUES.items()
}
# What a letter's subject line names is its topic, not its type: a circular about renewing a
# cleaning contract or chasing an unpaid invoice is still a letter. The label stays (it is a
# letter's cue); the words after it count for no type.
_SUBJECT = re.compile(r"^(\s*(?:(?:subject|re)\s*[:.]|v/v\b:?)).*$", re.IGNORECASE | re.MULTILINE)
# What IGNORECASE matches, as one lower-case character for one: `str.lower` but for the
# letters the regex engine also takes for an ASCII one (a dotted or dotless i, a long s).
_CASELESS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_TITLE_LINES = 12
_TITLE_WORDS = 10
_TITLE_BOOST = 2.0
_MIN_SCORE = 4.0

# Letters that exist in Vietnamese and not in English text.
_VIETNAMESE = re.compile(
    r"[ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]",
    re.IGNORECASE,
)


_WORD = re.compile(r"(?:[^\W\d_]|[\ufffd\u25a0\u25a1\ue000-\uf8ff])+")


@dataclass(frozen=True)
class Classification:
    doc_type: DocType
    score: float
    confidence: float


def detect_language(text: str) -> Language:
    """Vietnamese when a good share of words carry Vietnamese letters. Nearly every
    Vietnamese sentence does (over 60% of words here); an English document quoting
    Vietnamese names and addresses stays well under half."""
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    if not words:
        return "vi"
    # A word with a letter the font could not map lost an accented letter: Vietnamese.
    marked = sum(1 for word in words if _VIETNAMESE.search(word) or _UNMAPPED.search(word))
    return "vi" if marked / len(words) > 0.4 else "en"


def classify(document: ParsedDocument) -> Classification:
    lines = [_SUBJECT.sub(r"\1", _UNMAPPED.sub(_HOLE, fold(line.text))) for line in document.lines]
    # A title, heading or salutation is a short line; a sentence of the body that happens
    # to sit near the top (a notice listing what an application must hold) is not one.
    title = "\n".join(line for line in lines[:_TITLE_LINES] if len(line.split()) <= _TITLE_WORDS)
    body = "\n".join(lines)
    title, body = title.translate(_CASELESS).lower(), body.translate(_CASELESS).lower()
    scores: dict[str, float] = {}
    for doc_type, cues in _COMPILED.items():
        score = 0.0
        for pattern, weight in cues:
            if pattern.search(body):
                score += weight
                if pattern.search(title):
                    score += weight * (_TITLE_BOOST - 1)
        scores[doc_type] = score
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, best_score), (_, runner_up) = ranked[0], ranked[1]
    if best_score < _MIN_SCORE:
        return Classification("unknown", best_score, 0.0)
    margin = (best_score - runner_up) / best_score
    return Classification(cast(DocType, best), best_score, round(min(1.0, 0.5 + margin), 2))
