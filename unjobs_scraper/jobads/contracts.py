"""The contract: its type, its duration in months, whether it is renewable.

Types: fixed-term, temporary, continuing, consultancy (individual contractor), service-contract,
personnel-service-agreement, volunteer, internship, other. Read from the site's ``Contract``
category first, then from the description's own words (English, French, Spanish).
"""

from __future__ import annotations

import re

from unjobs_scraper.jobads.text import NUMBER, Found, clauses, folded, number

FIXED_TERM, TEMPORARY, CONTINUING, CONSULTANCY = "fixed-term", "temporary", "continuing", "consultancy"
SERVICE_CONTRACT, PERSONNEL_SERVICE_AGREEMENT = "service-contract", "personnel-service-agreement"
VOLUNTEER, INTERNSHIP, OTHER = "volunteer", "internship", "other"
# Most specific first: "temporary fixed-term" is temporary on the UN's scale, a PSA is no service contract.
_TYPES = (
    (PERSONNEL_SERVICE_AGREEMENT, r"\b[ni]?psa\b|personnel service agreement|accord de services? de personnel|acuerdo de servicios? de personal"),
    (TEMPORARY, r"^temporary\b|\btemporary (?:appointment|assignment|job opening|position)|\bta\b|temporaire|nombramiento temporal|contrato temporal|\btemporal\b"),
    (FIXED_TERM, r"fixed[- ]term|\bfta\b|duree determinee|plazo fijo"),
    (CONTINUING, r"continuing appointment|nomination continue|nombramiento continuo|\bpermanent\b"),
    (CONSULTANCY, r"consult|individual contract|\bic\b|\blica\b|contrat individuel|contrato individual|consultor"),
    (SERVICE_CONTRACT, r"service contract|\bsc\b|contrat de service|contrato de servicios?"),
    (VOLUNTEER, r"\bunv\b|volunteer|volontaire|voluntari"),
    (INTERNSHIP, r"intern(?:ship)?\b|stage\b|stagiaire|pasant"),
)
_TYPE_PATTERNS = [(kind, re.compile(pattern)) for kind, pattern in _TYPES]
_CONTRACT_CONTEXT = re.compile(r"contract|contrat|contrato|appointment|nomination|nombramiento|assignment|affectation|modalidad")
"""In a description, only a clause about the contract says its type ("Stage" heads an assessment table)."""
_MONTHS = re.compile(rf"\b({NUMBER})(?:\s*\(\d+\))?[\s-]+(?:months?|mois|meses)\b")
_YEARS = re.compile(rf"\b({NUMBER})(?:\s*\(\d+\))?[\s-]+(?:years?|ans?|annees?|anos?)\b")
_DURATION_CONTEXT = re.compile(r"duration|period|contract|appointment|assignment|initial|duree|periode|contrat|duracion|periodo|contrato")
_EXPERIENCE_CONTEXT = re.compile(r"experien")
_NOT_RENEWABLE = re.compile(r"non[- ]renewable|not renewable|non renouvelable|no renovable|sin posibilidad de renovacion")
_RENEWABLE = re.compile(r"renewable|renouvelable|renovable|possibility of (?:renewal|extension)|possibilite de (?:renouvellement|prolongation)|posibilidad de (?:renovacion|extension)")


def contract_type(category_value: str | None, description: str) -> Found[str] | None:
    """The contract's type: from the ``Contract`` category, else the description; an unknown
    category value is ``other``, an unmentioned contract None."""
    if category_value:
        return Found(_type_of(folded(category_value)) or OTHER, category_value.strip())
    for clause in clauses(description):
        text = folded(clause)
        if _CONTRACT_CONTEXT.search(text) and (kind := _type_of(text)) is not None:
            return Found(kind, clause)
    return None


def _type_of(text: str) -> str | None:
    return next((kind for kind, pattern in _TYPE_PATTERNS if pattern.search(text)), None)


def duration_months(description: str) -> Found[int] | None:
    """The contract's stated length, in months (``12 months``, ``one year``, ``6 mois``, ``un año``),
    from a clause about the contract, not about experience."""
    for clause in clauses(description):
        text = folded(clause)
        if not _DURATION_CONTEXT.search(text) or _EXPERIENCE_CONTEXT.search(text):
            continue
        if match := _MONTHS.search(text):
            return Found(number(match[1]), clause)
        if match := _YEARS.search(text):
            return Found(12 * number(match[1]), clause)
    return None


def renewable(description: str) -> Found[bool] | None:
    """True when the contract may be renewed or extended, False when the posting says it cannot."""
    for clause in clauses(description):
        text = folded(clause)
        if _NOT_RENEWABLE.search(text):
            return Found(False, clause)
        if _RENEWABLE.search(text):
            return Found(True, clause)
    return None
