"""The languages a posting asks for, each ``required`` or ``desirable``, and the language the
description itself is written in.

The six UN languages plus Portuguese and German, named in English, French or Spanish, as ISO
639-1 codes. A clause that calls a language an asset ("desirable", "un atout", "deseable") makes
the languages it names after that word desirable; the others a clause asks for are required.
"""

from __future__ import annotations

import re

from unjobs_scraper.jobads.text import Found, clauses, folded

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
_LANGUAGE = re.compile(r"\b(?:" + "|".join(f"(?P<{code}>{names})" for code, names in _NAMES.items()) + r")\b")
_DESIRABLE = re.compile(
    r"desirable|an asset|an advantage|a plus|preferred|would be (?:an )?(?:asset|advantage|plus)|is a plus"
    r"|un atout|souhaitable|serait un (?:plus|avantage|atout)|un avantage|appreciee?s?"
    r"|deseable|se valorar|valorad[oa]|una ventaja|sera un plus|preferible"
)
_ASKED = re.compile(
    r"fluen|proficien|knowledge|command|required|essential|mandatory|must|working|written|spoken|skills?"
    r"|maitrise|connaissance|courant|requis|exige|indispensable|obligatoire|parl|ecrit"
    r"|dominio|conocimiento|fluid|requiere|requerid|imprescindible|indispensable|obligatori|habl|escrit|idioma|langue|language"
)
_DEMAND = re.compile(
    r"required|essential|mandatory|must|fluen|exige|requis|indispensable|obligatoire|maitrise"
    r"|requiere|requerid|imprescindible|dominio"
)
_BREAK = re.compile(r",| and | et | y | while | but | mais | pero ")
# Words that tell the language of a description, three of the commonest in each.
_STOPWORDS = {
    "en": {"the", "and", "of", "with", "for", "is", "to", "in", "will", "be"},
    "fr": {"le", "la", "les", "et", "des", "du", "pour", "avec", "est", "une", "dans", "sera"},
    "es": {"el", "la", "los", "las", "y", "del", "para", "con", "es", "una", "en", "será"},
}
_WORD = re.compile(r"[a-záéíóúñçèêàâùûôîïü]+")


def languages(description: str) -> Found[dict[str, str]] | None:
    """``{code: required|desirable}`` for every language the posting asks for; a language both
    required and desirable (two clauses) is required."""
    found: dict[str, str] = {}
    sources: list[str] = []
    for clause in clauses(description):
        text = folded(clause)
        named = list(_LANGUAGE.finditer(text))
        if not named or not (_ASKED.search(text) or _DESIRABLE.search(text)):
            continue
        asset = _DESIRABLE.search(text)
        for match in named:
            code = match.lastgroup
            level = DESIRABLE if asset and match.start() > _asset_start(text, asset) else REQUIRED
            if found.get(code) != REQUIRED:
                found[code] = level
        sources.append(clause)
    return Found(found, " | ".join(sources)) if found else None


def _asset_start(text: str, asset: re.Match) -> int:
    """Where the desirable part of a clause begins. A clause that asks for a language before its
    asset word ("English is required, and French an asset") changes course at the first break
    after that demand; one that asks for nothing before it ("knowledge of Russian and Spanish is
    an advantage") is desirable throughout."""
    demand = None
    for demand in _DEMAND.finditer(text, 0, asset.start()):
        pass
    if demand is None:
        return -1
    breaks = [m.start() for m in _BREAK.finditer(text, demand.end(), asset.start())]
    return breaks[0] if breaks else asset.start()


def description_language(description: str) -> Found[str] | None:
    """``en``, ``fr`` or ``es``: the one whose commonest words the description uses most."""
    words = _WORD.findall(description.lower())
    counts = {code: sum(word in stop for word in words) for code, stop in _STOPWORDS.items()}
    code = max(counts, key=counts.get)
    if counts[code] < 3:
        return None
    return Found(code, " ".join(words[:12]))
