"""What a posting asks of a candidate: the fewest years of experience it accepts, the lowest
education level it accepts, and whether experience may replace a degree.

"Seven years with a first-level degree, or five with an advanced degree" accepts five years and
a first-level degree: each is the smallest the posting accepts, whatever the combination.
"""

from __future__ import annotations

import re

from unjobs_scraper.jobads.text import NUMBER, Found, clauses, folded, number, sentences

SECONDARY, BACHELOR, MASTER, DOCTORATE = "secondary", "bachelor", "master", "doctorate"
EDUCATION_LEVELS = (SECONDARY, BACHELOR, MASTER, DOCTORATE)
"""Lowest first."""

_YEARS_WORD = r"(?:years?|yrs|ans?|annees?|anos?)"
# "7 years", "seven (7) years", "3-5 years", "5+ years", "cinq (5) années", "cinco (5) años"
_YEARS = re.compile(rf"\b({NUMBER})(?:\s*\(\d{{1,2}}\))?(?:\s*(?:-|–|to|a|à)\s*{NUMBER}(?:\s*\(\d{{1,2}}\))?)?\s*\+?\s*{_YEARS_WORD}\b")
# The alternative's number, its "years" left out: "or 5 with an advanced degree", "ou 5 avec", "o 5 con"
_ALTERNATIVE = re.compile(rf"\b(?:or|ou|o)\s+({NUMBER})(?:\s*\(\d{{1,2}}\))?\s+(?:with|avec|con)\b")
_EXPERIENCE = re.compile(r"experien")
_EDUCATION_CONTEXT = re.compile(
    r"degree|diploma|diplome|titulo|education|educacion|graduate|diplomado|licenciatura|licence|bachelor|master|maitrise (?:en|universitaire)|maestria|doctor|phd|baccalaureat|bachillerato|secondary|secondaire|secundaria|high school"
)
_LEVELS = (
    (DOCTORATE, re.compile(r"\bph\.?\s?d\b|doctora(?:te|l|t|do)")),
    (MASTER, re.compile(r"advanced (?:university )?degree|master'?s?\b|maitrise (?:en|universitaire)|diplome universitaire superieur|titulo (?:universitario )?avanzado|maestria|post-?graduate|postgrado")),
    (BACHELOR, re.compile(r"first[- ]level (?:university )?degree|bachelor'?s?|(?<!advanced )university degree|licence\b|licenciatura|diplome universitaire(?! superieur)|titulo universitario(?! avanzado)|diplome de premier cycle|undergraduate")),
    (SECONDARY, re.compile(r"high school|secondary (?:school|education)|diplome d'etudes secondaires|etudes secondaires|baccalaureat|educacion secundaria|bachillerato|ensenanza secundaria")),
)
_IN_LIEU = re.compile(
    r"in lieu of|instead of (?:the|an?) .*degree|in combination with .*experience|combined with .*experience"
    r"|en lieu et place|a la place d|en combinaison avec .*experience|accompagne d.*experience"
    r"|en lugar de|en sustitucion|en combinacion con .*experiencia|junto con .*experiencia"
)


def min_years_experience(description: str) -> Found[int] | None:
    """The fewest years of experience the posting accepts, from the clauses about experience."""
    best: Found[int] | None = None
    for clause in sentences(description):  # "7 years of experience; or 5 with a PhD" is one
        text = folded(clause)
        if not _EXPERIENCE.search(text) or _IN_LIEU.search(text):  # in lieu: years added to a degree
            continue
        years = [number(m[1]) for m in _YEARS.finditer(text)] + [number(m[1]) for m in _ALTERNATIVE.finditer(text)]
        if years and (best is None or min(years) < best.value):
            best = Found(min(years), clause)
    return best


def education_level(description: str) -> Found[str] | None:
    """The lowest education level the posting accepts (a first-level degree accepted in place of
    an advanced one makes it ``bachelor``)."""
    best: Found[str] | None = None
    for clause in clauses(description):
        text = folded(clause)
        if not _EDUCATION_CONTEXT.search(text):
            continue
        for level, pattern in _LEVELS:
            if pattern.search(text) and (best is None or EDUCATION_LEVELS.index(level) < EDUCATION_LEVELS.index(best.value)):
                best = Found(level, clause)
    return best


def experience_in_lieu(description: str) -> Found[bool] | None:
    """True when experience may replace (part of) a degree; None when the posting does not say."""
    for clause in clauses(description):
        text = folded(clause)
        if _IN_LIEU.search(text) and (_EDUCATION_CONTEXT.search(text) or _EXPERIENCE.search(text)):
            return Found(True, clause)
    return None
