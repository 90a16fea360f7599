"""Contracts: title, number, parties, dates, term, value, governing law, standard clauses,
auto-renewal.

The contract is read as one flow of text (extractors/fields/contract_text.py), so phrases
wrapped over lines still match, and every value keeps the words it was read from. Each field
is found by its cue (`Số:`, `có hiệu lực kể từ`, `Tổng giá trị hợp đồng`, `governed by the
laws of`) in the zone where contracts print it, then checked for the right shape; confidence
is high only when cue, place and shape agree.

Conventions (shared with tests/docgen/contract.py):
- the effective date is the date the text says the contract takes effect; "from signing"
  makes it the signing date; nothing said, null;
- the expiry date is an end date printed as such, else the start of a stated term plus the
  term (`add_months`: the corresponding day, Civil Code 2015 art. 147-148); the term counts
  from signing, from the effective date or from a printed date, as its sentence says, and
  from the effective date (else signing) when it does not say;
- the total value is the contract's total price, never a monthly rent or fee; the currency
  is the total value's;
- the `governing_law` clause is present exactly when a governing law is stated.
"""

from __future__ import annotations

import re
from functools import cache

from extractors.document import ParsedDocument
from extractors.fields import confidence as level
from extractors.fields.base import Extraction
from extractors.fields.contract_parties import read_parties
from extractors.fields.contract_text import (
    TERM,
    Flow,
    add_months,
    date_in,
    flow_of,
    sentence_at,
    spaced,
    term_months,
)
from extractors.fields.layout import Found
from extractors.fields.phrases import PhraseMatcher
from extractors.normalize import clean_text, find_currency, parse_money
from extractors.record import CONTRACT_CLAUSES
from extractors.text import fold


class ContractExtractor:
    doc_type = "contract"

    def extract(self, document: ParsedDocument) -> Extraction:
        out = Extraction(fields={})
        flow = flow_of(document)
        if not flow.lines:
            out.fields.update({"parties": [], "clauses": [], "auto_renewal": False})
            return out
        parties, where = read_parties(flow)
        header_end = _header_end(flow)
        title = _title(flow, header_end)
        out.put("title", title.value if title else None, title)
        number = _number(flow, header_end)
        out.put("contract_number", number.value if number else None, number)

        signing = _signing(flow)
        out.put("signing_date", signing.value if signing else None, signing)
        effective = _effective(flow, signing)
        out.put("effective_date", effective.value if effective else None, effective)
        expiry = _expiry(flow, signing, effective)
        out.put("expiry_date", expiry.value if expiry else None, expiry)

        out.fields["parties"] = parties
        for path, found in where.items():
            out.note(path, found)

        value = _total_value(flow, document.language)
        out.put("total_value", value[0].value if value else None, value[0] if value else None)
        out.put(
            "currency", value[1].value if value and value[1] else None, value[1] if value else None
        )

        law = _governing_law(flow)
        out.put("governing_law", law.value if law else None, law)
        clauses = _clauses(flow)
        if law is not None and "governing_law" not in clauses:
            clauses["governing_law"] = law
        names = [name for name in CONTRACT_CLAUSES if name in clauses]
        out.fields["clauses"] = names
        for number_, name in enumerate(names):
            out.note(f"clauses[{number_}]", clauses[name])

        renewal = _auto_renewal(flow)
        out.fields["auto_renewal"] = renewal.value == "true" if renewal else False
        if renewal is not None:
            out.note("auto_renewal", renewal)
        else:
            # Nothing says the contract renews itself: false, as sure as the reading is whole.
            ocr = any(word.source == "ocr" for word in flow.lines[0].words)
            out.confidence["auto_renewal"] = level.INFERRED if ocr else level.LABELLED
        _drop_placeholders(out)
        return out


# A template's blanks: `{{HO_TEN}}`, `[Company name]`, `<address>`, dotted or underlined
# space. What is left once they are gone is a value only if it still says something.
_BLANK = re.compile(r"\{\{[^{}]*\}\}|\{[A-Z0-9_ ]+\}|\[[^\[\]]*\]|<[^<>]*>|[.…_·]{3,}|…")
_LABEL_ONLY = re.compile(r"^[^:]{0,40}:?$")


def _blank(value: str) -> bool:
    """Whether a value read from a template is only its blanks, or a label left without
    its value (`Ông/Bà: ……`)."""
    if not _BLANK.search(value):
        return False
    rest = _BLANK.sub(" ", value).strip(" ,;:-–()")
    letters = re.sub(r"[\W\d_]", "", rest)
    return len(letters) < 2 or (rest.endswith(":") and bool(_LABEL_ONLY.match(rest)))


def _drop_placeholders(out: Extraction) -> None:
    """Blanks are not values: a template's fields read null, with no confidence or place."""
    paths = [key for key in ("title", "contract_number", "governing_law") if key in out.fields]
    for key in paths:
        value = out.fields[key]
        if isinstance(value, str) and _blank(value):
            out.fields[key] = None
            out.confidence.pop(key, None)
            out.provenance.pop(key, None)
    parties = out.fields.get("parties")
    if not isinstance(parties, list):
        return
    for number, party in enumerate(parties):
        for key, value in list(party.items()):
            if key != "role" and isinstance(value, str) and _blank(value):
                party[key] = None
                out.confidence.pop(f"parties[{number}].{key}", None)
                out.provenance.pop(f"parties[{number}].{key}", None)


# --- zones ------------------------------------------------------------------------------------

_PARTIES_START = re.compile(
    r"^\s*(?:\(?\d[.)]\s*)?(?:ben\s+[a-e]\b|ben\s+(?:ban|mua|cho thue|thue|cung cap|su dung)"
    r"|party\s+[a-e]\b|the\s+(?:seller|buyer)|between\b|this\s+\w+(?:\s+\w+){0,4}\s+(?:is|was)\s"
    r"|hom nay|chung toi gom|the undersigned|parties\b)",
    re.IGNORECASE,
)


def _header_end(flow: Flow) -> int:
    """The first line of the parties' introduction: title and number come before it."""
    for index, line in enumerate(flow.lines[:60]):
        if _PARTIES_START.match(fold(line.text)):
            return index
    return min(len(flow.lines), 25)


# --- title and number -------------------------------------------------------------------------

_TITLE_CUE = re.compile(
    r"hop dong|thoa thuan|\bagreement\b|\bcontract\b|memorandum of understanding|\blease\b",
    re.IGNORECASE,
)
# A line under an English title that qualifies it rather than continuing it: `SERVICE
# AGREEMENT` / `UNDER RATE SCHEDULE …`.
_SUBTITLE = re.compile(r"^\s*(?:under|pursuant|between|among|dated|by and|relating)\b", re.I)
_NOT_TITLE = re.compile(
    r"^\s*(?:so\b|no\b|ref|can cu|hom nay|this\b|today|pursuant|\(|-|date\b|between\b)",
    re.IGNORECASE,
)


def _title(flow: Flow, header_end: int) -> Found | None:
    lines = flow.lines
    limit = max(header_end, 1)
    candidates = [
        index
        for index in range(min(limit, 30))
        if lines[index].page == 1
        and _TITLE_CUE.search(fold(lines[index].text))
        and not _NOT_TITLE.match(fold(lines[index].text))
        and len(lines[index].text.split()) <= 16
        and not lines[index].text.rstrip().endswith((".", ",", ";", ":"))
    ]
    if not candidates:
        return None
    height = {index: lines[index].bbox[3] - lines[index].bbox[1] for index in candidates}
    best = max(candidates, key=lambda index: (height[index], lines[index].text.isupper(), -index))
    line = lines[best]
    words = list(line.words)
    tallest = max((other.bbox[3] - other.bbox[1] for other in lines[:limit]), default=0.0)
    previous = line
    upper = line.text.isupper()
    for index in range(best + 1, min(best + 3, len(lines))):
        nxt = lines[index]
        nxt_height = nxt.bbox[3] - nxt.bbox[1]
        centre, nxt_centre = (
            (previous.bbox[0] + previous.bbox[2]) / 2,
            (nxt.bbox[0] + nxt.bbox[2]) / 2,
        )
        if (
            nxt.page != line.page
            or abs(nxt_height - height[best]) > 0.2 * height[best]
            or nxt.bbox[1] - previous.bbox[3] > 1.2 * height[best]
            or abs(centre - nxt_centre) > 0.25 * max(previous.bbox[2] - previous.bbox[0], 1.0)
            or nxt.text.isupper() != upper
            or _NOT_TITLE.match(fold(nxt.text))
            or _SUBTITLE.match(fold(nxt.text))
            or any(char.isdigit() for char in nxt.text)
        ):
            break
        words += nxt.words
        previous = nxt
    text = clean_text(" ".join(word.text for word in words))
    sure = level.PRINTED if height[best] >= tallest - 0.5 and upper else level.INFERRED
    from extractors.document import Line

    return Found(text, Line(tuple(words), line.page), sure)


_NUMBER = re.compile(
    r"(?<![\w])(?:so hop dong|so hd|hop dong so|contract (?:no\.?|number)"
    r"|agreement (?:no\.?|number)|ma hop dong|(?P<bare>so|no\.?|ref(?:erence)?(?: no\.?)?\.?))"
    r"\s*(?P<colon>:)?\s*(?P<value>[^\s,;)(]+)",
    re.IGNORECASE,
)
_NUMBER_SHAPE = re.compile(r"^(?=.*\d)[\w][\w./\-]*$")
_CITATION = re.compile(r"^\W*(?:can cu|pursuant|theo)\b", re.IGNORECASE)


def _number(flow: Flow, header_end: int) -> Found | None:
    """The contract's own number, near its title: `Số: 01/2026/HĐMB`, `Contract No.: …`. A
    bare `Số`/`No.` starts its line (`Số 12 Lê Lợi` is an address, `Luật … số 36/2005/QH11`
    a citation)."""
    for index in range(min(max(header_end, 1), 30)):
        line = flow.lines[index]
        folded = fold(line.text)
        if _CITATION.match(folded):
            continue
        for match in _NUMBER.finditer(folded):
            value = line.text[match.start("value") : match.end("value")].rstrip(".")
            if not _NUMBER_SHAPE.match(value) or date_in(value, day_first=True):
                continue
            if match.group("bare") and folded[: match.start()].strip(" (-"):
                continue
            shaped = bool(re.search(r"[/\-]", value))
            if match.group("colon") is None and not shaped:
                continue
            start = match.start("value")
            sure = (
                level.PRINTED
                if match.group("colon") and (shaped or not value.isdigit())
                else level.INFERRED
            )
            return Found(value, line.span(start, start + len(value)), sure)
    return None


# --- dates ------------------------------------------------------------------------------------

_SIGNING = re.compile(
    spaced(
        r"hom nay,?|today,?|(?:duoc )?(?:lap|ky)(?: ket)?(?: va ky(?: ket)?)?(?: vao)?(?=\s+ngay)"
        r"|ngay ky(?: hop dong| ket)?\s*:|(?:is |was )?(?:made|entered into|executed|signed"
        r"|concluded)"
        r"(?: and entered into)?(?:\s+(?:on|as of|this|at))?|\bdated(?: as of)?|^\s*date\s*:"
        r"|^[^\W\d][^\n,]{1,30},\s*(?=ngay\s*\d)"
    ),
    re.IGNORECASE | re.MULTILINE,
)


def _signing(flow: Flow) -> Found | None:
    """The date the contract was made, from the cue introducing it before the terms."""
    folded = flow.folded
    limit = (
        len(folded)
        if len(flow.lines) < 3
        else flow.starts[min(len(flow.lines) - 1, _terms_start(flow))]
    )
    for match in _SIGNING.finditer(folded, 0, max(limit, 1)):
        # `Hôm nay` / `Today` is the day the parties meet to sign this contract.
        today = re.match(r"hom nay|today", match.group(0), re.IGNORECASE)
        if not today and _cites_other(flow, match.start()):
            continue
        window = flow.text[match.end() : match.end() + 40]
        found = date_in(window, day_first=True)
        if found is None or found[1] > 12:
            continue
        start = match.end() + found[1]
        return _found_value(flow, found[0], start, match.end() + found[2], level.PHRASED)
    return None


# Instruments a contract cites: a law or decree is never the contract itself; an agreement or
# contract is, when it is `this`/`the` one (`this Agreement`, `THIS LEASE AGREEMENT`; a
# bare `Hợp đồng` is this one), and is another one when introduced as such (`a Master
# Agreement dated …`, `that certain agreement effective as of …`).
_LAW_CITED = re.compile(
    spaced(
        r"\b(?:bo luat|luat|nghi dinh|thong tu|quyet dinh|nghi quyet|phap lenh|van ban|code"
        r"|law|act|decree|circular|ordinance|regulation|resolution|statute)\b"
    ),
    re.IGNORECASE,
)
_INSTRUMENT = re.compile(
    spaced(r"\b(?:agreement|contract|lease|amendment|license|licence)\b"),
    re.IGNORECASE,
)
_OWN = re.compile(
    r"(?:\b(?:this|the|present|hereby)\s+[\"“”']?$)|(?:\bthis\s+(?:[\w-]+\s+){0,4}$)",
    re.IGNORECASE,
)
_CITATION_LINE = re.compile(spaced(r"^\W*(?:can cu|pursuant to|based on|theo)\b"), re.IGNORECASE)


_LABEL_START = re.compile(r"^[^:]{1,25}:")


def _cites_other(flow: Flow, cue: int) -> bool:
    """Whether the date a cue at `cue` introduces is another instrument's: the cue is in a
    `Căn cứ`/`Pursuant to` recital, or follows, in its sentence, a cited law, or an
    agreement other than this one (`… Civil Code … dated`, `a Master Agreement dated`)."""
    folded = flow.folded
    line = flow.index_at(cue)
    if _CITATION_LINE.match(folded[flow.starts[line] :]):
        return True
    if not folded[flow.starts[line] : cue].strip() and _LABEL_START.match(flow.lines[line].text):
        return False  # a label opening its line (`Date: …`) is a statement of its own
    left, _ = sentence_at(flow, cue, cue)
    # The sentence before the cue, back over lines it wraps from, but not into a title, a
    # `Label:` line or a line that ends a clause (`SUPPLY CONTRACT` / `Date: …`).
    start = flow.starts[line]
    for previous in range(line - 1, max(line - 3, -1), -1):
        text = flow.lines[previous].text.strip()
        if not text or text.isupper() or _LABEL_START.match(text) or text.endswith((".", ";", ":")):
            break
        start = flow.starts[previous]
    before = folded[max(left, start, cue - 90) : cue]
    nouns = list(_LAW_CITED.finditer(before)) + list(_INSTRUMENT.finditer(before))
    if not nouns:
        return False
    last = max(nouns, key=lambda match: match.start())
    if last.re is _LAW_CITED:
        return True
    after = before[last.end() :]
    if re.match(r"\s*(?:nay|hereof|\(this\b)", after, re.IGNORECASE):
        return False
    if re.search(r"\(\s*(?:the\s+|this\s+)?[\"“”']$", before[: last.start()]):
        return False  # the defined name a contract gives itself: `THIS AGREEMENT ("Agreement")`
    return not _OWN.search(before[: last.start()])


_TERMS_START = re.compile(
    spaced(
        r"^\s*(?:dieu|article|clause)\s+(?:1|i|01)\b|agree(?:d)?\s+as\s+follows|now,?\s+therefore"
        r"|^\s*agreed terms|cac dieu khoan (?:va dieu kien )?sau|^\s*1\.\s+[A-Z]"
    ),
    re.IGNORECASE | re.MULTILINE,
)


def _terms_start(flow: Flow) -> int:
    match = _TERMS_START.search(flow.folded)
    return flow.index_at(match.start()) if match else len(flow.lines) // 2


def _found_value(flow: Flow, value: str, start: int, end: int, confidence: float) -> Found:
    found = flow.found(start, end, confidence)
    return Found(value, found.line, confidence)


_EFFECTIVE = re.compile(
    spaced(
        r"(?:co )?hieu luc(?: thi hanh)?(?: ke)? tu(?: ngay)?|ngay (?:co )?hieu luc\s*:?"
        r"|effective (?:as of|from|on)\b|effective date\s*:|commencing on|(?:come|comes|enter"
        r"|enters) into (?:force|effect)"
        r"(?: on| from| as of)?|takes? effect(?: on| from| as of)?|(?:shall )?commences? on"
        r"|(?P<defined>\(\s*(?:the\s+)?[\"“”]?effective date[\"“”]?\s*\))"
    ),
    re.IGNORECASE,
)
_FROM_SIGNING = re.compile(
    spaced(
        r"^\W*(?:ke tu |tu )?(?:ngay|the)?\s*(?:hai ben |cac ben )?(?:ky|ky ket|date of (?:signing|"
        r"signature|execution)|date hereof|date first (?:written|set forth|above)|signing"
        r"|date of this (?:agreement|contract|deed)"
        r"|execution)\b"
        r"|^\W*ngay hop dong duoc ky"
    ),
    re.IGNORECASE,
)


def _effective(flow: Flow, signing: Found | None) -> Found | None:
    folded = flow.folded
    for match in _EFFECTIVE.finditer(folded):
        if _cites_other(flow, match.start()):
            continue
        if match.group("defined"):
            before = flow.text[max(0, match.start() - 60) : match.start()]
            dates = [(iso, start, end) for iso, start, end in _dates(before)]
            if dates:
                iso, start, end = dates[-1]
                base = match.start() - len(before)
                return _found_value(flow, iso, base + start, base + end, level.PHRASED)
            continue
        _, sentence_end = sentence_at(flow, match.start(), match.end())
        after = folded[match.end() : min(sentence_end, match.end() + 50)]
        if _FROM_SIGNING.match(after):
            if signing is None:
                return None
            return Found(
                signing.value,
                flow.found(match.start(), match.end(), level.LABELLED).line,
                level.LABELLED,
            )
        if re.match(r"^\W*(?:the )?effective date", after, re.IGNORECASE):
            continue
        found = date_in(flow.text[match.end() : match.end() + len(after)], day_first=True)
        if found is not None and found[1] <= 12:
            return _found_value(
                flow, found[0], match.end() + found[1], match.end() + found[2], level.PHRASED
            )
    return None


def _dates(text: str) -> list[tuple[str, int, int]]:
    found, offset = [], 0
    while (hit := date_in(text[offset:], day_first=True)) is not None:
        found.append((hit[0], offset + hit[1], offset + hit[2]))
        offset += hit[2]
    return found


_EXPLICIT_END = re.compile(
    spaced(
        r"(?:(?<![\w])den|toi)\s+(?:het\s+)?(?:ngay\s+)?|ket thuc\s+(?:vao\s+)?(?:ngay\s+)?"
        r"|ngay (?:ket thuc|het han)\s*:?\s*|het han\s+(?:vao\s+)?(?:ngay\s+)?|\buntil\s+|\btill\s+"
        r"|expires?\s+on\s+|expiry date\s*:?\s*|expiration date\s*:?\s*|ending on\s+|ends on\s+"
        r"|\bthrough\s+|(?<=\d)\s+to\s+|\b(?:terminates?|end|expire)\s+on\s+"
    ),
    re.IGNORECASE,
)
_TERM_CONTEXT = re.compile(
    spaced(
        r"hieu luc|thoi han|thoi gian thue|\bterm\b|in force|in effect|effective|expire|expiry"
        r"|remain|duration|lease"
    ),
    re.IGNORECASE,
)
_NOT_TERM = re.compile(
    spaced(
        r"bao hanh|warrant|bao mat|confidential|surviv|dat coc|deposit|thanh toan|payment|\bpay\b"
        r"|gia han|renew|extend|lai suat|interest|thong bao|notice|aggregate|preceding|liabil"
        r"|delay|giao hang|deliver|shipment|invoice|hoa don|uy quyen|cccd|cap ngay|tien thue"
        r"|tuong duong"
    ),
    re.IGNORECASE,
)


def _expiry(flow: Flow, signing: Found | None, effective: Found | None) -> Found | None:
    """An end date printed as such, else the start of a stated term plus the term."""
    folded = flow.folded
    for match in _EXPLICIT_END.finditer(folded):
        found = date_in(flow.text[match.end() : match.end() + 40], day_first=True)
        if found is None or found[1] > 3:
            continue
        left, right = sentence_at(flow, match.start(), match.end())
        sentence = folded[left:right]
        # What rules an end date out is said before it: `… and shall terminate on 31 December
        # 2034 (… as may be extended …)` is the term's end, extensions aside.
        stated = folded[left : match.end() + found[2]]
        if not _TERM_CONTEXT.search(sentence) or _NOT_TERM.search(stated):
            continue
        return _found_value(
            flow, found[0], match.end() + found[1], match.end() + found[2], level.PHRASED
        )
    for match in TERM.finditer(folded):
        if re.match(r"\s*\d", folded[match.end() : match.end() + 3]) or re.search(
            r"ngay\s*$|thang\s*$", folded[max(0, match.start() - 8) : match.start()]
        ):
            continue  # `ngày 05 tháng 03 năm 2026` is a date, not a term
        left, right = sentence_at(flow, match.start(), match.end())
        sentence = folded[left:right]
        # A sentence may state the term and then its renewals, or a notice period: what
        # rules a term out is said in its own clause.
        clause_start = max(folded.rfind(mark, left, match.start()) for mark in ",;:")
        clause_ends = [e for mark in ",;:" if (e := folded.find(mark, match.end(), right)) >= 0]
        clause = folded[max(left, clause_start) : min(clause_ends, default=right)]
        if not _TERM_CONTEXT.search(sentence) or _NOT_TERM.search(clause):
            continue
        if _DEFINITION.search(sentence):
            continue  # `"Volume Commitment" means … of the fifteen (15) year term`
        line_start = folded.rfind("\n", 0, match.start()) + 1
        if folded.rfind("[", line_start, match.start()) > folded.rfind(
            "]", line_start, match.start()
        ):
            continue  # a form's options to choose from (`[Priority (5, 10, 15 Year)]`)
        months = term_months(match)
        if months is None:
            continue
        start = _term_start(flow, left, right, match.end(), signing, effective)
        if start is None:
            continue
        end = add_months(start, months)
        return Found(
            end, flow.found(match.start(), match.end(), level.IN_PROSE).line, level.IN_PROSE
        )
    return None


_DEFINITION = re.compile(r"[\"”]\s*(?:shall\s+)?means?\b|[\"”]\s*(?:la|co nghia la)\b")
# What a term is counted from, in its sentence.
_RUNS_FROM = re.compile(
    spaced(
        r"(?:ke )?tu (?:ngay|thoi diem)\b|\bke tu\b|\btinh tu\b|\bfrom\b|\bafter\b"
        r"|\bcommenc(?:ing|es?)\b(?: on| from)?|\bstart(?:ing|s)?\b(?: on| from)?"
        r"|\bbegin(?:ning|s)?\b(?: on| from)?"
    ),
    re.IGNORECASE,
)
_FROM_EFFECTIVE = re.compile(
    spaced(r"^\W*(?:ngay )?(?:hop dong )?co hieu luc|^\W*(?:the )?effective date"),
    re.IGNORECASE,
)
# Between a term and what it runs from: words of its own clause, or a comma right before.
_ATTACHED = re.compile(r"[^,;:.]*?(?:,\s*)?")
# The contract's own term, as opposed to a warranty's, a notice's or a form's option.
_OWN_TERM = re.compile(
    spaced(r"hop dong|agreement|contract|\blease\b|thoa thuan|this deed"), re.IGNORECASE
)


def _term_start(
    flow: Flow, left: int, right: int, term_end: int, signing: Found | None, effective: Found | None
) -> str | None:
    """Where the contract's term starts, as its sentence says: signing, the effective date or
    a printed date. A term counted from anything else (delivery, acceptance, an in-service
    date) ends on a day nobody printed, and a term that is not the contract's own ends
    nothing: both give None rather than a computed date."""
    folded = flow.folded[left:right]
    cues = list(_RUNS_FROM.finditer(folded))
    # The start said right after the term (`12 months from …`, `36 tháng, kể từ ngày …`;
    # not `12 months, after which it renews`), else the one before it.
    after_term = term_end - left
    cue = next(
        (
            c
            for c in cues
            if c.start() >= after_term
            and _ATTACHED.fullmatch(folded[after_term : c.start()])
            and not folded.startswith(" which", c.end())
        ),
        next((c for c in reversed(cues) if c.start() < after_term), None),
    )
    if cue is None:
        if not _OWN_TERM.search(folded):
            return None
        return effective.value if effective else signing.value if signing else None
    after = folded[cue.end() :]
    if _FROM_SIGNING.match(after):
        return signing.value if signing else None
    if _FROM_EFFECTIVE.match(after):
        return effective.value if effective else None
    printed = date_in(flow.text[left + cue.end() : right], day_first=True)
    if printed is not None and printed[1] <= 12:
        return printed[0]
    return None


# --- value ------------------------------------------------------------------------------------

_VALUE_LABEL = re.compile(
    spaced(
        r"(?<![\w])(?:(?P<total>tong gia tri(?: cua)?(?: hop dong)?|tong (?:so tien|thu lao"
        r"|chi phi|gia)"
        r"|total (?:contract )?(?:value|price|amount|fees?|charges|consideration|rent)"
        r"|a total fee of|(?:a |the )?(?:fixed|lump[- ]sum|total) (?:fee|price|sum) of"
        r"|aggregate (?:contract )?(?:value|price))"
        r"|(?P<plain>gia tri(?: cua)? hop dong|gia hop dong|contract (?:value|price|sum|amount)"
        r"|agreement value)"
        r"|(?P<weak>tong cong|total))(?![\w])"
    ),
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?<![\w.,/])\d{1,3}(?:(?:[.,]|\s(?=\d{3}\b))\d{3})+(?:[.,]\d{1,2})?(?![\w%/])"
    r"|(?<![\w.,/])\d{3,}(?:[.,]\d{1,2})?(?![\w%/])"
)
_PER_PERIOD = re.compile(
    spaced(
        r"^\s*(?:[^\W\d]{1,6}\s*)?(?:/\s*(?:thang|nam|month|year|m2|m²|kg|gio|hour)|per\s+(?:month|annum|"
        r"year|hour)|moi thang|hang thang|a month|monthly)"
    ),
    re.IGNORECASE,
)
_BEFORE_TAX = re.compile(
    spaced(r"truoc thue|chua (?:bao )?gom|before (?:tax|vat)|excluding|exclusive of|net of"),
    re.IGNORECASE,
)
_CURRENCY_WORDS = (
    (re.compile(r"do la my|us dollars?|united states dollars?|\bdollars?\b", re.IGNORECASE), "USD"),
    (re.compile(r"\beuros?\b", re.IGNORECASE), "EUR"),
    (re.compile(r"pounds? sterling|\bpounds?\b", re.IGNORECASE), "GBP"),
    (re.compile(r"singapore dollars?", re.IGNORECASE), "SGD"),
)


def _total_value(flow: Flow, language: str) -> tuple[Found, Found | None] | None:
    """The contract's total price and its currency, from the strongest label with an amount
    in its sentence."""
    folded = flow.folded
    best: tuple[float, int, Found, Found | None] | None = None
    for match in _VALUE_LABEL.finditer(folded):
        _, right = sentence_at(flow, match.start(), match.end())
        window_end = min(right, match.end() + 160)
        for amount in _AMOUNT.finditer(flow.text, match.end(), window_end):
            before = folded[max(match.end(), amount.start() - 14) : amount.start()]
            if re.search(
                r"(?:ngay|thang|nam|phu luc|dieu|article|clause|section|no\.|so)\s*$", before
            ):
                continue
            value = parse_money(amount.group(0), language=language)
            if value is None:
                continue
            if _PER_PERIOD.match(folded[amount.end() : amount.end() + 30]):
                break
            score = 2.0 if match.group("total") else 1.0 if match.group("plain") else 0.3
            if _BEFORE_TAX.search(folded[match.start() : amount.start()]):
                score -= 1.5
            currency = _currency_near(flow, amount.start(), amount.end())
            sure = level.PHRASED if currency is not None and score >= 1 else level.BY_CONTEXT
            found = _found_value(flow, value, amount.start(), amount.end(), sure)
            if best is None or score > best[0]:
                best = (score, amount.start(), found, currency)
            break
    if best is None:
        return None
    return best[2], best[3]


def _currency_near(flow: Flow, start: int, end: int) -> Found | None:
    """The currency printed next to an amount: `USD 12,000`, `12.000.000 đồng`, `$1,200`."""
    for left, right in ((end, end + 14), (max(0, start - 6), start), (end, end + 70)):
        text = flow.text[left:right]
        code = find_currency(text)
        span = text
        if code is None:
            folded = fold(text)
            for pattern, name in _CURRENCY_WORDS:
                if pattern.search(folded):
                    code = name
                    break
        if code is not None:
            found = flow.found(left, right, level.LABELLED)
            return Found(
                code,
                found.line if span else flow.found(start, end, level.LABELLED).line,
                level.LABELLED,
            )
    return None


# --- governing law ----------------------------------------------------------------------------

_LAW = re.compile(
    spaced(
        r"(?:governed(?:\s+in\s+all\s+respects|\s+exclusively|\s+solely)?\s+by|construed in "
        r"accordance with|subject to|interpreted (?:in accordance with|under))\s+(?:and construed"
        r" in accordance with\s+)?(?:the\s+)?(?:(?:internal|substantive|domestic)\s+)?laws?\s+of\s+"
        r"(?:the\s+)?"
        r"(?P<place>[^.,;()]{2,60}?)(?=\s*(?:[.,;(]|\s+and\s+(?:the\s+)?(?:parties|any|each|shall)"
        r"|\s+without|\s+excluding|\s+as\s|$))"
        r"|(?:the\s+)?laws?\s+of\s+(?:the\s+)?(?P<place2>[^.,;()\n]{2,40}?)\s+(?:shall\s+)?govern"
        r"|(?:governed by|subject to)\s+(?P<adjective>english|vietnamese|singapore|singaporean"
        r"|new york|hong kong)\s+law"
        r"|(?:phap luat|luat phap|luat)\s+(?:cua\s+)?(?:nuoc\s+)?(?:cong hoa xa hoi chu nghia\s+)?"
        r"(?P<vietnam>viet\s?nam)"
    ),
    re.IGNORECASE,
)
_LAW_EXCLUDED = re.compile(
    spaced(
        r"(?:thanh lap|hoat dong|dang ky|established|organi[sz]ed|incorporated|formed|existing|"
        r"registered)\s[^.;]{0,25}$|^\s*(?:can cu|pursuant to)"
    ),
    re.IGNORECASE,
)
_ADJECTIVES = {
    "english": "England",
    "vietnamese": "Vietnam",
    "singapore": "Singapore",
    "singaporean": "Singapore",
    "new york": "New York",
    "hong kong": "Hong Kong",
}


def _governing_law(flow: Flow) -> Found | None:
    folded = flow.folded
    for match in _LAW.finditer(folded):
        line_start = flow.starts[flow.index_at(match.start())]
        context = folded[max(line_start - 200, 0) : match.start()]
        sentence_left, _ = sentence_at(flow, match.start(), match.end())
        if _LAW_EXCLUDED.search(
            folded[max(sentence_left, match.start() - 60) : match.start()]
        ) or _LAW_EXCLUDED.search(folded[sentence_left : match.start()][:12]):
            continue
        del context
        if match.group("vietnam"):
            place, span = "Vietnam", (match.start("vietnam"), match.end("vietnam"))
        elif match.group("adjective"):
            key = match.group("adjective").lower()
            place, span = _ADJECTIVES[key], (match.start("adjective"), match.end("adjective"))
        else:
            group = "place" if match.group("place") else "place2"
            span = (match.start(group), match.end(group))
            written = _place(flow.text[span[0] : span[1]])
            if written is None:
                continue
            place = written
        return _found_value(flow, place, span[0], span[1], level.PHRASED)
    return None


def _place(text: str) -> str | None:
    text = clean_text(text.replace("\n", " "))
    text = re.sub(
        r"^(?:the\s+)?(?:state|commonwealth|republic|socialist republic|kingdom|"
        r"province|federal republic|people's republic)\s+of\s+(?:the\s+)?",
        "",
        text,
        flags=re.IGNORECASE,
    )
    if re.fullmatch(r"viet\s?nam|việt nam", text, re.IGNORECASE):
        return "Vietnam"
    if not text or not text[0].isupper() or len(text.split()) > 6:
        return None
    return text


# --- clauses ----------------------------------------------------------------------------------

# Per clause: cues that name it in an article heading, and phrases that only a provision of
# that kind contains, anywhere in the text. Folded, lower case.
_CLAUSE_CUES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "payment": (
        (
            "thanh toan",
            "payment",
            "payments",
            "fees and payment",
            "payment terms",
            "compensation",
            "fees",
            "consideration",
            "contract price",
        ),
        (
            "phuong thuc thanh toan",
            "hinh thuc chuyen khoan",
            "thanh toan cho ben",
            "thanh toan bang",
            "shall pay each",
            "shall pay consultant",
            "shall pay the contractor",
            "payable within",
            "payable in",
            "payment shall be made",
            "undisputed invoice",
        ),
    ),
    "confidentiality": (
        ("bao mat", "confidentiality", "confidential", "non-disclosure", "khong tiet lo"),
        (
            "giu bi mat",
            "bao mat thong tin",
            "thong tin mat",
            "keep confidential",
            "shall not disclose",
            "khong tiet lo",
            "confidential information",
        ),
    ),
    "termination": (
        ("cham dut", "termination", "terminate"),
        (
            "don phuong cham dut",
            "quyen cham dut",
            "cham dut hop dong truoc thoi han",
            "may terminate",
            "right to terminate",
            "terminate this agreement",
            "terminate the agreement",
        ),
    ),
    "dispute_resolution": (
        ("tranh chap", "dispute", "disputes", "arbitration", "trong tai", "jurisdiction"),
        # A governing-law sentence names `any dispute or claim` too: the provision is how
        # disputes are settled, and by whom.
        (
            "tranh chap",
            "trong tai",
            "arbitration",
            "mediation",
            "exclusive jurisdiction",
            "submit to the jurisdiction",
            "dispute resolution",
        ),
    ),
    "force_majeure": (
        ("bat kha khang", "force majeure"),
        ("bat kha khang", "force majeure"),
    ),
    "liability": (
        ("boi thuong", "liability", "indemnity", "indemnification", "gioi han trach nhiem"),
        (
            "trach nhiem boi thuong",
            "boi thuong thiet hai",
            "boi thuong toan bo",
            "gioi han trach nhiem",
            "aggregate liability",
            "limitation of liability",
            "total liability",
            "indemnify",
            "muc boi thuong",
        ),
    ),
    "warranty": (
        ("bao hanh", "warranty", "warranties"),
        ("bao hanh", "warrants that", "warranty period", "warranty"),
    ),
    "penalty": (
        ("phat vi pham", "phat hop dong", "penalty", "penalties", "liquidated damages"),
        (
            "phat vi pham",
            "tien phat",
            "phat hop dong",
            "a penalty",
            "penalty of",
            "liquidated damages",
        ),
    ),
    "governing_law": (
        ("luat ap dung", "luat dieu chinh", "governing law", "applicable law"),
        (
            "governed by",
            "dieu chinh boi phap luat",
            "dieu chinh va giai thich theo phap luat",
            "luat ap dung",
        ),
    ),
}
_HEADING_LINE = re.compile(
    r"^\s*(?:(?:dieu|article|clause|section|muc|chuong)\s+[\divx]+\b|\d{1,2}\s*[.):]\s*"
    r"(?=[^\d\s])|[ivx]{1,4}\.\s)",
    re.IGNORECASE,
)


@cache
def _matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    """The heading cues and the provision phrases, built once."""
    headings = PhraseMatcher({name: cues for name, (cues, _) in _CLAUSE_CUES.items()})
    provisions = PhraseMatcher({name: cues for name, (_, cues) in _CLAUSE_CUES.items()})
    return headings, provisions


def _clauses(flow: Flow) -> dict[str, Found]:
    """The standard clauses present: named by an article heading, or made by a sentence."""
    headings, provisions = _matchers()
    found: dict[str, Found] = {}
    heading_lines = {index for index, line in enumerate(flow.lines) if _is_heading(line.text)}
    for name, start, end in headings.find(flow.folded):
        if flow.index_at(start) not in heading_lines:
            continue
        if name not in found:
            found[name] = flow.found(start, end, level.PRINTED)
    for name, start, end in provisions.find(flow.folded):
        if name not in found:
            found[name] = flow.found(start, end, level.IN_PROSE)
    if "dispute_resolution" not in found:
        for match in _DISPUTE.finditer(flow.folded):
            left, right = sentence_at(flow, match.start(), match.end())
            if _SETTLED.search(flow.folded[left:right]):
                found["dispute_resolution"] = flow.found(match.start(), match.end(), level.IN_PROSE)
                break
    return found


# A sentence about disputes makes a dispute-resolution provision when it says how they are
# settled; `This agreement and any dispute … shall be governed by …` is the governing law.
_DISPUTE = re.compile(r"\bdisputes?\b", re.IGNORECASE)
_SETTLED = re.compile(
    r"\b(?:settle[ds]?|resolved?|referred|submitted|amicabl[ey]|negotiations?|mediation"
    r"|arbitra\w*|tribunal|courts?)\b",
    re.IGNORECASE,
)


def _is_heading(text: str) -> bool:
    folded = fold(text)
    match = _HEADING_LINE.match(folded)
    if match is None:
        words = text.split()
        return text.isupper() and 1 <= len(words) <= 8
    rest = text[match.end() :].strip()
    return bool(rest) and len(rest.split()) <= 10 and not rest.endswith((".", ";", ","))


# --- auto-renewal -----------------------------------------------------------------------------

_RENEWAL = re.compile(
    spaced(
        r"tu dong (?:duoc )?(?:gia han|keo dai)|duoc gia han tu dong|gia han tu dong"
        r"|automatic(?:ally)?\s+(?:be\s+)?(?:renew|extend)\w*|renew(?:ed|s)?\s+automatically"
        r"|extended\s+automatically|auto-?renew\w*|automatic renewal|tacitly renewed"
        r"|renew(?:ed|s)? for (?:successive|further|additional)"
    ),
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:khong|chua|not|no|never|without|neither|nor)\b", re.IGNORECASE)
_NEGATED_AFTER = re.compile(
    spaced(
        r"^[^.;]{0,20}\b(?:khong ap dung|shall not apply|does not apply|"
        r"will not apply)"
    ),
    re.IGNORECASE,
)


def _auto_renewal(flow: Flow) -> Found | None:
    """Whether the contract renews itself: a renewal cue not negated just before it (`không
    tự động gia hạn`, `shall not automatically renew`, `no automatic renewal`)."""
    folded = flow.folded
    verdict: Found | None = None
    for match in _RENEWAL.finditer(folded):
        left, _ = sentence_at(flow, match.start(), match.end())
        before = folded[max(left, match.start() - 30) : match.start()]
        words = before.split()[-4:]
        negated = any(_NEGATION.fullmatch(word.strip(",;:")) for word in words) or bool(
            _NEGATED_AFTER.match(folded[match.end() :])
        )
        found = flow.found(match.start(), match.end(), level.STATED)
        verdict = Found("false" if negated else "true", found.line, level.STATED)
        if not negated:
            return verdict
    return verdict
