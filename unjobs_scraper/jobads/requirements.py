"""What a posting asks of a candidate: the fewest years of experience it accepts, the lowest
education level it accepts, and whether experience may replace a degree.

"Seven years with a first-level degree, or five with an advanced degree" accepts five years and
a first-level degree: each is the smallest the posting accepts, whatever the combination. "At
least ten years, of which four in the field" asks ten: a sub-requirement inside a minimum, or
a second requirement beside it, never lowers it. What is only desirable asks nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unjobs_scraper.jobads.text import (
    DESIRABLE,
    NOT_A_LENGTH,
    NUMBER,
    Clause,
    Found,
    desirable,
    number,
    read,
)

SECONDARY, BACHELOR, MASTER, DOCTORATE = "secondary", "bachelor", "master", "doctorate"
EDUCATION_LEVELS = (SECONDARY, BACHELOR, MASTER, DOCTORATE)
"""Lowest first."""

_YEARS_WORD = r"(?:years?|yrs|ans?|annees?|anos?)"
# "7 years", "seven (7) years", "3-5 years", "two to four years", "5+ years", "cinq (5) années"
_YEARS = re.compile(
    rf"\b({NUMBER})(?:\s*\(\d{{1,2}}\))?(?:\s*(?:-|–|to|a|à|y|et|and|or|ou|o)\s*{NUMBER}(?:\s*\(\d{{1,2}}\))?)?\s*\+?\s*"
    rf"(?:full[- ]time |additional |de |d')?{_YEARS_WORD}\b(?!\s*(?:of age|old|d'age|de edad))"
)
# The alternative's number, its "years" left out: "or 5 with an advanced degree", "ou 5 avec", "o 5 con"
_ALTERNATIVE_NUMBER = re.compile(rf"\b(?:or|ou|o)\s+({NUMBER})(?:\s*\(\d{{1,2}}\))?\s+(?:with|avec|con)\b")
_ALTERNATIVE_BREAK = re.compile(
    rf"\s+/\s+(?={NUMBER}\b)|[,;]?\s+\b(?:or|ou|o)\b\s+(?=(?:\w+\s+){{0,3}}?{NUMBER}\s*(?:\(\d{{1,2}}\)\s*)?(?:{_YEARS_WORD}|with|avec|con|\()|\d"
    r"|(?:an?|une?|una?|with an?|avec une?|con una?)?\s*(?:ph\.?d|doctora|master|maitrise|maestria|bachelor|licen|first[- ]level|advanced|university|undergraduate|graduate))"
)
"""Where an alternative begins: "..., or 7 years", "; or 5 years", "ou sept ans", "or a PhD and 3+ years"."""
_DECADE = re.compile(r"\b(?:a|one|une|una) (?:decade|decennie|decada)\b")
_BARE_ALTERNATIVE = re.compile(rf"\s*(\d{{1,2}})\b|\s*({NUMBER})(?:\s*\(\d{{1,2}}\))?\s+(?:with|avec|con)\b")
_ADDITIONAL = re.compile(rf"(?:additional|supplementary|further|more|extra)\s+{NUMBER}|{NUMBER}\s*(?:\(\d+\)\s*)?(?:additional|more|further|extra)|supplementaires?|adicionales?")
_ENDS_WITH_OR = re.compile(r"(?:^|\s)(?:or|ou|o)\s*[,:]?$")
_OR_ONLY = re.compile(r"^(?:or|ou|o)\s*[,:]?$")
_FOR_HOLDERS = re.compile(
    r"\b(?:for|pour les|para (?:los )?)\s*(?:candidates|applicants|those|candidats|candidatos|postulantes)\s+(?:holding|with|who hold|titulaires|ayant|con|que)"
    r"|\b(?:with|avec|con) (?:an?|une?|un) (?:\w+ ){0,3}(?:degree|diplome|titulo)"
)
_NO_EXPERIENCE = re.compile(
    r"no (?:prior |previous |professional |work |relevant )*(?:work )?experience (?:is )?(?:required|necessary|needed)"
    r"|(?:work|professional) experience is not (?:required|necessary)|not required to have (?:any )?(?:prior )?(?:professional |work )*experience"
    r"|aucune experience (?:professionnelle )?(?:n'est |prealable )?(?:requise|exigee|necessaire)|(?:l')?experience (?:professionnelle )?n'est pas (?:requise|exigee|necessaire)"
    r"|(?:ne sont|n'est) pas tenu\S* d'avoir (?:une |d'|de l')?experience"
    r"|no se requiere experiencia|sin experiencia (?:previa|laboral)|no (?:es necesaria|se exige) (?:la )?experiencia"
    r"|no (?:estan|esta) obligad\S* a tener experiencia"
)
_MAX_YEARS = 25
"""More years than this is a number about something else ("over 70 years of experience" of an agency)."""
_EDUCATION_CONTEXT = re.compile(
    r"degree|diploma|diplome|titulo|education|educacion|graduate|graduat|diplomado|licenciatura|licence|bachelor|master|maitrise (?:en|universitaire)"
    r"|maestria|doctor|phd|baccalaureat|bachiller|secondary|secondaire|secundaria|high school|enrolled|inscrit|matriculad|formation|estudios|studies|bac ?\+"
)
_LEVELS = (
    (DOCTORATE, re.compile(r"\bph\.?\s?d\b|doctora(?:te|l|t|do)")),
    (MASTER, re.compile(
        r"advanced (?:university |academic )?degree|master'?s?\b|maitrise (?:en|universitaire)|diplome (?:universitaire )?superieur|diplome d'etudes superieures"
        r"|titulo (?:universitario )?(?:avanzado|superior)|maestria|post-?graduate|postgrado|posgrado|(?<!under)graduate (?:degree|school|programme|program|studies)"
        r"|second(?:-level)? university degree|bac ?\+ ?5|\bm\.?sc?\b|\bm\.?a\.?\b(?= in| en|/)|\bmba\b|magister"
    )),
    (BACHELOR, re.compile(
        r"first[- ]level (?:university )?degree|first university degree|bachelor'?s?|(?<!advanced )university degree|licence\b|licenciatura"
        r"|diplome universitaire(?! superieur)|titulo universitario(?! avanzado| superior)|titulo de grado|grado universitario|diplome de premier cycle"
        r"|undergraduate|bac ?\+ ?[34]|\bb\.?a\.?\b(?= in| en|/|,)|\bb\.?sc?\b|premier cycle universitaire|university studies|etudes universitaires|estudios universitarios"
        r"|titulo profesional|profesional universitario"
    )),
    (SECONDARY, re.compile(
        r"high school|secondary (?:school|education|level|diploma)|diplome d'etudes secondaires|etudes secondaires|baccalaureat|educacion secundaria"
        r"|bachillerato|\bbachiller\b|ensenanza secundaria|secundaria completa|(?:etudes|enseignement|niveau|cycle) secondaire"
    )),
)
_PART_BREAK = re.compile(r"[,;(]|\band\b|\bet\b|\by\b|\bwhile\b|\bwhereas\b|\bbut\b|\bmais\b|\bpero\b")
_BOTH = re.compile(r"\band\b|\bet\b|\by\b|\bplus\b|followed by|as well as|ainsi qu")
_EITHER = re.compile(r"\bor\b|\bou\b|\bo\b|in lieu|instead|a defaut|equivalent")
_IN_LIEU = re.compile(
    r"in lieu of|instead of (?:the|an?) |in place of (?:the|an?) |may be accepted (?:as a substitute|in place)|substitut|may replace|can replace|in combination with .*experience"
    r"|combined with .*experience|equivalent combination of (?:education|academic)"
    r"|(?:additional|further|extra) (?:\w+ )?years? of (?:\w+ ){0,3}experience|may be considered if .*experience"
    r"|\b(?:or|ou|o) (?:an? |une |una )?(?:equivalent |equivalente )?(?:combination of |relevant |work |professional |related )*experien\w* (?:\w+ ){0,3}?equivalen"
    r"|\b(?:or|ou|o) (?:an? )?equivalent (?:combination of |relevant |work |professional )*experience"
    r"|en lieu et place|tenir lieu|a la place d|au lieu d|peut remplacer|en combinaison avec .*experience|accompagne d.*experience|assorti d.*experience"
    r"|complete par .*experience|(?:annees|ans) (?:d'experience )?supplementaires"
    r"|en lugar de|en vez de|en sustitucion|sustituir|reemplazar|en combinacion con .*experiencia|junto con .*experiencia|anos adicionales de experiencia"
)


@dataclass
class _Statement:
    """One requirement of years, with the years each of its alternatives accepts."""

    source: str
    years: list[int]
    by_degree: bool
    """Its years come with a degree ("Master's degree with two years"): a statement naming
    another degree next to it is an alternative, not a second requirement."""


def min_years_experience(description: str) -> Found[int] | None:
    """The fewest years of experience the posting accepts: within a statement, the smallest of
    its alternatives; across the statements it requires, the largest. Neighbouring statements
    that each name a degree ("Master's degree with two years; University degree with four
    years"), or that follow an "or", are alternatives of one another."""
    statements: list[_Statement] = []
    adjacent = after_or = False  # the clause before was a statement; it ended with "or"
    for clause in read(description):
        text = clause.folded
        if _OR_ONLY.match(text):
            after_or = adjacent
            continue
        joins = adjacent and (clause.alternative or after_or)  # "or four years with a doctorate"
        if not (joins or _requires_experience(clause)):
            adjacent = after_or = False
            continue
        accepted = [0] if _NO_EXPERIENCE.search(text) else _accepted_years(_required_part(text))
        if not accepted:
            adjacent = after_or = False
            continue
        by_degree = _names_a_degree(text)
        if adjacent and (joins or (by_degree and (statements[-1].by_degree or _FOR_HOLDERS.search(text)))):
            statements[-1].years += accepted
            statements[-1].by_degree = True
        else:
            statements.append(_Statement(clause.text, accepted, by_degree))
        adjacent, after_or = True, bool(_ENDS_WITH_OR.search(text))
    if not statements:
        return None
    required = max(statements, key=lambda statement: min(statement.years))
    return Found(min(required.years), required.source)


def _names_a_degree(text: str) -> bool:
    return any(pattern.search(text) for _, pattern in _LEVELS)


def _requires_experience(clause: Clause) -> bool:
    """A required clause about experience (its own words or its section's), not an in-lieu
    substitution and not only desirable."""
    text = clause.folded
    if clause.desirable or not ("experien" in text or "experien" in clause.section or "experien" in clause.label):
        return False
    if _IN_LIEU.search(text):
        return False
    return True


def _accepted_years(text: str) -> list[int]:
    """The years each alternative of a statement asks: the largest number of one alternative
    (its minimum, beside a sub-requirement), each alternative's own."""
    accepted = []
    for alternative in _ALTERNATIVE_BREAK.split(text):
        found = [
            number(match[1]) for match in _YEARS.finditer(alternative)
            if not _ADDITIONAL.search(alternative[max(0, match.start() - 12): match.end()])
            and not NOT_A_LENGTH.search(alternative[max(0, match.start() - 25): match.start()])
        ]
        found += [number(match[1]) for match in _ALTERNATIVE_NUMBER.finditer(alternative)]
        found += [10 for _ in _DECADE.finditer(alternative)]
        if not found and accepted and (match := _BARE_ALTERNATIVE.match(alternative)):
            found = [number(match[1] or match[2])]  # "5 years (with Master's) or 7 (with Bachelor's)", "ou cinq avec un master"
        found = [years for years in found if years <= _MAX_YEARS]
        if found:
            accepted.append(max(found))
    return accepted


def education_level(description: str) -> Found[str] | None:
    """The lowest education level the posting requires (a first-level degree accepted in place
    of an advanced one makes it ``bachelor``); a degree only desirable does not count, and
    degrees joined by "and" are all required ("a medical degree and a master's in public health")."""
    best: Found[str] | None = None
    for clause in read(description):
        text = clause.folded
        if clause.desirable or not (_EDUCATION_CONTEXT.search(text) or _EDUCATION_CONTEXT.search(clause.section)):
            continue
        level = _required_level(_required_part(text), bool(_IN_LIEU.search(text)))
        if level is not None and (best is None or EDUCATION_LEVELS.index(level) < EDUCATION_LEVELS.index(best.value)):
            best = Found(level, clause.text)
    return best


def _required_part(text: str) -> str:
    """The clause without its only-desirable parts ("BA/BSc in economics, MA/MSc preferred,
    minimum 3 years ..." keeps the BA and the years): each from the break before its desirable
    word to the break after it; a clause desirable throughout is left empty."""
    if not desirable(text) or _IN_LIEU.search(text):
        return text
    kept, start = [], 0
    for marker in DESIRABLE.finditer(text):
        if marker.start() < start:
            continue
        before = [m.end() for m in _PART_BREAK.finditer(text, start, marker.start())]
        after = _PART_BREAK.search(text, marker.end())
        kept.append(text[start: before[-1] if before else start])
        start = after.start() if after else len(text)
    kept.append(text[start:])
    return " ".join(kept)


def _required_level(text: str, in_lieu: bool) -> str | None:
    """The level a clause requires: the lowest of alternatives, the highest of degrees required together."""
    found = sorted(
        (match.start(), match.end(), EDUCATION_LEVELS.index(level)) for level, pattern in _LEVELS for match in pattern.finditer(text)
    )
    if not found:
        return None
    level = found[0][2]
    for (_, end, _), (start, _, following) in zip(found, found[1:]):
        between = text[end:start]
        if not in_lieu and _BOTH.search(between) and not _EITHER.search(between):
            level = max(level, following)
        elif len(between.strip(" ()")) <= 15 and not _EITHER.search(between):
            level = following  # "university degree (Master's)", "diplome universitaire de niveau master"
        else:
            level = min(level, following)
    return EDUCATION_LEVELS[level]


def experience_in_lieu(description: str) -> Found[bool] | None:
    """True when experience may replace (part of) a degree; None when the posting does not say."""
    for clause in read(description):
        text = clause.folded
        if "experien" in text and _EDUCATION_CONTEXT.search(text) and _IN_LIEU.search(text):
            return Found(True, clause.text)
    return None
