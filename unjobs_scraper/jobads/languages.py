"""The languages a posting asks for, each ``required`` or ``desirable``, and the language the
description itself is written in.

The six UN languages plus Portuguese and German, named in English, French or Spanish, as ISO
639-1 codes. Each language named in a clause takes the word that governs it: the first
qualifier after it ("English is required", "French would be an asset"), else the one before it
("Se valorará el conocimiento del inglés", "Desired: Spanish"); a clause under a "Desirable"
heading or label is desirable throughout. Alternatives ("English or French", "another official
UN language (Arabic, Chinese, ...)") are desirable, never required; a note naming the official
or working languages asks for nothing.
"""

from __future__ import annotations

import re
from collections import Counter

from unjobs_scraper.jobads.text import DESIRABLE_WORDS, ESSENTIAL_WORDS, Clause, Found, read

REQUIRED, DESIRABLE = "required", "desirable"
LANGUAGES = ("ar", "de", "en", "es", "fr", "pt", "ru", "zh")
"""The languages read: the six UN languages, Portuguese and German (ISO 639-1)."""
_NAMES = {
    "en": r"english|anglais|ingles",
    "fr": r"french|francais|frances",
    "es": r"spanish|espagnol|espanol|castellano",
    "ar": r"arabic|arabe",
    "zh": r"chinese|mandarin|chinois|chino",
    "ru": r"russian|russe|ruso",
    "pt": r"portuguese|portugais|portugues",
    "de": r"german|allemand|aleman",
}
_LANGUAGE = re.compile(
    r"\b(?:" + "|".join(f"(?P<{code}>{names})" for code, names in _NAMES.items()) + r")\b"
    r"(?![- ]?(?:speaking|speaker|based|red cross|government|cooperation|embassy|republic|guiana|polynesia|committee))"
)
_ASK = r"fluen|proficien|expert knowledge|excellent (?:knowledge|command)|command of|mastery|native|bilingual|maitrise|courant|dominio|fluidez|bilingue"
"""Words that ask for a language as a requirement unless a qualifier says otherwise."""
_MARKER = re.compile(rf"(?P<desirable>{DESIRABLE_WORDS})|(?P<required>{ESSENTIAL_WORDS}|{_ASK})")
_ASKED = re.compile(
    rf"{_ASK}|knowledge|skills?|working|written|spoken|oral|speak|write|read|connaissance|parl|ecrit|conocimiento|habl|escrit|nivel"
    r"|\b[abc][12]\b|intermediate|intermedi|advanced|avance|basic|basico|notions"
)
_LANGUAGE_CONTEXT = re.compile(r"langu|idioma|lengua")
"""A heading or label about languages: under it, a language named alone is asked for."""
_SEGMENT = re.compile(
    r"(?:,|;|\band\b|\bet\b|\by\b|\bwhile\b|\bbut\b|\bmais\b|\bpero\b|\bwhereas\b|\bmientras\b|\btandis\b)\s+"
    r"(?=(?:[\w']+\s+){0,3}?(?:knowledge|fluency|proficiency|command|connaissance|maitrise|conocimiento|dominio|notions?|nociones))"
)
"""Where a clause turns to another language ("... and knowledge of French would be an asset")."""
_COMMA_LANGUAGE = re.compile(r",\s+(?=(?:l'|le |la |el |the )?(?:" + "|".join(_NAMES.values()) + r")\b)")
_LIST_SEPARATOR = re.compile(r"^(?:\s|,|/|\band\b|\bor\b|\bet\b|\bou\b|\by\b|\bo\b|\bl'|\bde\b|\bdu\b|\bdel\b|\bel\b|\ble\b|\bla\b|\bthe\b|\bin\b)*$")
_OR = re.compile(r"\bor\b|\bou\b|\bo\b|/")
_ANOTHER = re.compile(r"\b(?:another|other|any|either|one of|autre|l'une des|une des|otr[oa]s?|uno de|alguno de|cualquier)\b")
_THE_OTHER = re.compile(r"(?:\b(?:of|in) the other|\bde l'autre|\bdel otro|\bde la otra)(?=\s*(?:[.;,)]|$))")
_LISTED = re.compile(r"[^.;:()]{0,60}?\(([^)]*)\)")
"""The parenthesised list that follows "another official UN language" or "one of the languages"."""
_NOTE = re.compile(
    r"(?:official|working) languages?|langues? (?:officielles?|de travail)|idiomas? (?:oficiales?|de trabajo)|lenguas? oficiales?"
)
""""English and French are the working languages of the Secretariat": a note, not a requirement."""
_REQUIREMENT_WORDS = re.compile(rf"{_ASK}|knowledge|connaissance|conocimiento|{ESSENTIAL_WORDS}|{DESIRABLE_WORDS}")
_NEAR = 60
"""How far before a language "another ... language" makes it one of several alternatives."""


def languages(description: str) -> Found[dict[str, str]] | None:
    """``{code: required|desirable}`` for every language the posting asks for; a language both
    required and desirable (two clauses) is required."""
    found: dict[str, str] = {}
    sources: list[str] = []
    for clause in read(description):
        levels = _clause_levels(clause)
        for code, level in levels.items():
            if found.get(code) != REQUIRED:
                found[code] = level
        if levels:
            sources.append(clause.text)
    return Found(found, " | ".join(sources)) if found else None


def _clause_levels(clause: Clause) -> dict[str, str]:
    text = clause.folded
    named = list(_LANGUAGE.finditer(text))
    if not named:
        return {}
    if _NOTE.search(text) and not _REQUIREMENT_WORDS.search(text):
        return {}
    if not (clause.desirable or _ASKED.search(text) or _MARKER.search(text) or _LANGUAGE_CONTEXT.search(clause.section + " " + clause.label)):
        return {}
    alternatives = _alternatives(text, named)
    markers = list(_MARKER.finditer(text))
    segments = _segments(text, markers)
    levels: dict[str, str] = {}
    for index, match in enumerate(named):
        if clause.desirable or index in alternatives:
            level = DESIRABLE
        else:
            start = max(edge for edge in segments if edge <= match.start())
            end = min(edge for edge in segments if edge > match.start())
            level = _governing(text, markers, match, start, end)
        code = match.lastgroup
        if levels.get(code) != REQUIRED:
            levels[code] = level
    return levels


def _segments(text: str, markers: list[re.Match]) -> list[int]:
    """Where a clause turns to another language: before a new "knowledge of ...", or at a comma
    before a language when each side has its own qualifier ("Excellent maîtrise du français,
    l'anglais est un plus"; not "English, French and Spanish are desirable")."""
    edges = [0] + [match.end() for match in _SEGMENT.finditer(text)] + [len(text)]
    for match in _COMMA_LANGUAGE.finditer(text):
        before, after = max(e for e in edges if e <= match.start()), min(e for e in edges if e > match.end())
        if any(before <= m.start() < match.start() for m in markers) and any(match.end() <= m.start() < after for m in markers):
            edges.append(match.end())
    return sorted(edges)


def _governing(text: str, markers: list[re.Match], language: re.Match, start: int, end: int) -> str:
    """The level the nearest qualifier gives a language: the first after it in its segment
    (a label such as "Desired:" only governs what follows it), else the last before it."""
    after = next(
        (marker for marker in markers if language.end() <= marker.start() < end and not _is_label(text, marker)), None
    )
    before = next((marker for marker in reversed(markers) if start <= marker.end() <= language.start()), None)
    label_before = before if before is not None and _is_label(text, before) else None
    if after is not None and (label_before is None or after.start() - language.end() < language.start() - label_before.end()):
        chosen = after
    else:
        chosen = before
    return DESIRABLE if chosen is not None and chosen.lastgroup == "desirable" else REQUIRED


def _is_label(text: str, marker: re.Match) -> bool:
    """A qualifier that heads a list ("Desired: English", "Required languages: ...")."""
    return bool(re.match(r"[\w\s()]{0,25}:", text[marker.end():]))


def _alternatives(text: str, named: list[re.Match]) -> set[int]:
    """Indexes of the languages named as alternatives: a list joined by "or", or named soon
    after "another" / "one of" ("another official UN language (Arabic, Chinese, ...)")."""
    chosen: set[int] = set()
    if _THE_OTHER.search(text):  # "English or French, and good knowledge of the other": both
        return chosen
    group = [0]
    for index in range(1, len(named) + 1):
        between = text[named[index - 1].end(): named[index].start()] if index < len(named) else None
        if between is not None and _LIST_SEPARATOR.match(between):
            group.append(index)
            continue
        separators = [text[named[i - 1].end(): named[i].start()] for i in group[1:]]
        if any(_OR.search(separator) for separator in separators):
            chosen.update(group)
        group = [index]
    for index, match in enumerate(named):
        another = None
        for another in _ANOTHER.finditer(text, max(0, match.start() - _NEAR), match.start()):
            pass
        if another is not None and not re.search(r"[.;:]", text[another.end(): match.start()]):
            chosen.add(index)
    for another in _ANOTHER.finditer(text):  # "one of the six official languages (Arabic, ..., Spanish)"
        listed = _LISTED.match(text, another.end())
        if listed is not None:
            chosen.update(i for i, match in enumerate(named) if listed.start(1) <= match.start() < listed.end(1))
    return chosen


# Words that tell the language of a description, three of the commonest in each.
_STOPWORDS = {
    "en": {"the", "and", "of", "with", "for", "is", "to", "in", "will", "be"},
    "fr": {"le", "la", "les", "et", "des", "du", "pour", "avec", "est", "une", "dans", "sera"},
    "es": {"el", "la", "los", "las", "y", "del", "para", "con", "es", "una", "en", "será"},
}
_WORD = re.compile(r"[a-záéíóúñçèêàâùûôîïü]+")


def description_language(description: str) -> Found[str] | None:
    """``en``, ``fr`` or ``es``: the one whose commonest words the description uses most."""
    words = _WORD.findall(description.lower())
    frequency = Counter(words)
    counts = {code: sum(frequency[word] for word in stop) for code, stop in _STOPWORDS.items()}
    code = max(counts, key=counts.get)
    if counts[code] < 3:
        return None
    return Found(code, " ".join(words[:12]))
