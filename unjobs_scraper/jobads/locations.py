"""Where the job is: home-based or not, and the duty station's country as ISO 3166-1 alpha-3.

Countries come from the names the site uses (the ``Country`` category: "United States of
America", "Côte d'Ivoire", "Türkiye", "Bolivia (Plurinational State of)"), through pycountry.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

from unjobs_scraper.jobads.text import Found, clauses, folded

# UN names pycountry does not know under that spelling.
_UN_NAMES = {
    "democratic republic of the congo": "COD",
    "republic of korea": "KOR",
    "democratic people's republic of korea": "PRK",
    "state of palestine": "PSE",
    "occupied palestinian territory": "PSE",
    "kosovo": "XKX",
    "netherlands (kingdom of the)": "NLD",
    "united states": "USA",
    "turkey": "TUR",
}
_NOT_A_COUNTRY = re.compile(r"home[- ]based|remote|multiple|various|global|worldwide|regional", re.IGNORECASE)
_NOT_HOME_BASED = re.compile(
    r"not (?:a )?home[- ]based|not remote|no remote|on[- ]site|in[- ]person|physically present|in the office"
    r"|pas (?:en |de )?teletravail|sans teletravail|sur place|presentiel|pas a domicile"
    r"|sin teletrabajo|no (?:se permite|hay) teletrabajo|no es (?:a )?distancia|no es remot|presencial|en la oficina"
)
_HOME_BASED = re.compile(
    r"home[- ]based|remote(?:ly)?\b|telecommut|work(?:ing)? from home|teletravail|a domicile|a distance"
    r"|desde casa|desde el hogar|teletrabajo|a distancia|remoto"
)


@cache
def country_code(name: str | None) -> Found[str] | None:
    """ISO 3166-1 alpha-3 of a country as the site names it; None for "Home-based" and the like."""
    if not name or _NOT_A_COUNTRY.search(name):
        return None
    key = " ".join(name.split()).lower()
    if key in _UN_NAMES:
        return Found(_UN_NAMES[key], name)
    for candidate in (name, re.sub(r"\s*\((.+)\)$", r", \1", name), re.sub(r"\s*\(.+\)$", "", name)):
        try:
            return Found(pycountry.countries.lookup(candidate.strip()).alpha_3, name)
        except LookupError:
            continue
    return None


def home_based(city: str | None, title: str | None, description: str) -> Found[bool] | None:
    """True when the job can be done from home (its city, title or description says so), False
    when the posting says it cannot, else None."""
    for named in (city, title):
        if named and _HOME_BASED.search(folded(named)):
            return Found(True, named)
    verdict: Found[bool] | None = None
    for clause in clauses(description):
        text = folded(clause)
        if _NOT_HOME_BASED.search(text):
            return Found(False, clause)
        if verdict is None and _HOME_BASED.search(text):
            verdict = Found(True, clause)
    return verdict
