"""The contract: its type, its duration in months, whether it is renewable.

Types: fixed-term, temporary, continuing, consultancy (individual contractor), service-contract,
personnel-service-agreement, volunteer, internship, other. Read from the site's ``Contract``
category first, then from a header line ("Contract type: FTA", "Type de contrat : CDD", "Tipo de
contrato: Temporal", a bare "Continuing"), then from a sentence about the contract (English,
French, Spanish).
"""

from __future__ import annotations

import re

from unjobs_scraper.jobads.text import NOT_A_LENGTH, NUMBER, Clause, Found, folded, number, read

FIXED_TERM, TEMPORARY, CONTINUING, CONSULTANCY = "fixed-term", "temporary", "continuing", "consultancy"
SERVICE_CONTRACT, PERSONNEL_SERVICE_AGREEMENT = "service-contract", "personnel-service-agreement"
VOLUNTEER, INTERNSHIP, OTHER = "volunteer", "internship", "other"
CONTRACT_TYPES = (
    FIXED_TERM, TEMPORARY, CONTINUING, CONSULTANCY, SERVICE_CONTRACT, PERSONNEL_SERVICE_AGREEMENT, VOLUNTEER,
    INTERNSHIP, OTHER,
)
"""Every ``contract_type`` a job ad can have (the query API's vocabulary)."""
# Most specific first: "temporary fixed-term" is temporary on the UN's scale, a PSA is no service contract.
_TYPES = (
    (PERSONNEL_SERVICE_AGREEMENT, r"\b[ni]?psa\b|person(?:nel|al) services? agreement|accord de services? de personnel|acuerdo de servicios? de personal"),
    (TEMPORARY, r"^temporary\b|\btemporary (?:appointment|assignment|job opening|position|contract)|\bta\b|\btjo\b|short[- ]term|corto plazo|court terme|courte duree"
                r"|temporaire|nombramiento temporal|contrato temporal|\btemporal\b|^temporary$"),
    (FIXED_TERM, r"fixed[- ]term|\bfta\b|\bft\b|duree determinee|duracion determinada|\bcdd\b|plazo fijo|termino fijo|nombramiento de plazo"),
    (CONTINUING, r"continuing|nomination continue|engagement continu\b|contrat continu\b|\bcontinuo\b|^continu[eo]?$|\bpermanent\b"
                 r"|duree indeterminee|\bcdi\b|indefinido"),
    (CONSULTANCY, r"consult|individual contract|\bic\b|\b[li]?ica\b|\bssa\b|special service agreement|contrat individuel"
                  r"|contrato individual|consultor|contratista individual"),
    (SERVICE_CONTRACT, r"service contract|\bsc\b|\bsb\b|contrat de service|contrato de servicios?"),
    (VOLUNTEER, r"\bunv\b|volunteer|volontaire|voluntari"),
    (INTERNSHIP, r"intern(?:ship)?\b|stage\b|stagiaire|pasant"),
)
_TYPE_PATTERNS = [(kind, re.compile(pattern)) for kind, pattern in _TYPES]
_CONTRACT_LABEL = re.compile(
    r"^(?:(?:type|nature|category) of (?:contract|appointment|requisition|position|vacancy)|(?:contract|appointment|engagement|position|employment|vacancy|job opening|opportunity)(?: type| category| modality)?"
    r"|contractual (?:arrangement|status)|volunteer categor\w*|categor\w* (?:de |del )?(?:volontaire|voluntari\w+)|type de (?:poste|demande)|tipo de (?:vacante|puesto|solicitud)"
    r"|type (?:de |d')(?:contrat|engagement|nomination)|nature du contrat|tipo de (?:contrato|nombramiento)|modalidad (?:de )?contrat\w*"
    r"|modalidad|contrat|contrato)$"
)
_CONTRACT_CONTEXT = re.compile(
    r"contract|contrat|contrato|appointment|nomination|nombramiento|assignment|affectation|modalidad|job opening|position is a|poste est"
)
"""In a sentence, only a clause about the contract says its type ("Stage" heads an assessment table)."""
_TITLE_CONTRACT = re.compile(r"temporary job opening|\((?:temporary|fixed[- ]term|tja|tjo)\)|poste temporaire|vacante temporal")
"""What a title says of the contract ("Driver (Temporary Job Opening)")."""
_TITLE_DURATION = re.compile(rf"\(({NUMBER})\s+(months?|mois|meses)\)")
_SPECIFIC = re.compile(
    r"fixed[- ]term|\bfta\b|temporary appointment|continuing appointment|\b[ni]psa\b|person(?:nel|al) services? agreement"
    r"|individual contractor agreement|service contract|duree determinee|duracion determinada|plazo fijo|nombramiento temporal"
    r"|\b(?:this|the) internship\b|\bla pasantia\b|\b(?:ce|le) stage\b|\b(?:unv|volunteer) assignment|\bvolunteer categor"
)
"""Names of a contract that need no sentence about the contract around them ("Duration: Fixed-term: two years")."""
_MONTHS = re.compile(rf"\b({NUMBER})(?:\s*\(\d+\))?[\s-]+(?:calendar |working )?(?:months?|mois|meses)\b")
_YEARS = re.compile(rf"\b({NUMBER})(?:\s*\(\d+\))?[\s-]+(?:years?|ans?|annees?|anos?)\b")
_DAYS = re.compile(rf"\b({NUMBER})(?:\s*\(\d+\))?[\s-]+(?:calendar |working )?(?:days?|jours?|dias?)\b")
_RANGE = re.compile(
    rf"(?:minim\w*|maxim\w*|at least|up to|au moins|jusqu'a|hasta|max\.?|min\.?)\s*(?:of |period of |de |d')?\s*$|{NUMBER}\s*(?:-|–|to|a|y|et|and|or|ou|o)\s*$"
)
"""Before a number of months, what makes it one end of a range ("3 to 6 months", "a minimum of two months")."""
_DURATION_LABEL = re.compile(r"duration|duree|duracion|length|period|periode|periodo|term of|contract length")
_DURATION_CONTEXT = re.compile(
    r"duration|period|contract|appointment|assignment|initial|duree|periode|contrat|duracion|periodo|contrato|nombramiento"
    r"|engagement|internship|stage|pasantia|(?:position|post|job opening|poste|puesto) (?:is )?(?:available )?for"
    r"|fixed[- ]term|temporary|duree determinee|temporaire|plazo fijo|temporal"
)
_NOT_DURATION = re.compile(
    r"experien|probation|periode d'essai|periodo de prueba|project|projet|proyecto|programme|program\b|programa"
    r"|\bage\b|\bold\b|travel|voyage|viaje|notice|preavis|aviso|posting period|eligib"
)
_NOT_RENEWABLE = re.compile(
    r"\b(?:non[- ]?renewable|not (?:be )?renewable|no (?:possibility of )?(?:renewal|extension)|without (?:the )?possibility of (?:renewal|extension)"
    r"|(?:cannot|can not|will not|may not|shall not) be (?:renewed|extended)|non[- ]?extendable"
    r"|non renouvelable|non prolongeable|(?:sans|pas de|aucune) possibilite de (?:renouvellement|prolongation)|ne (?:sera|peut) pas (?:etre )?(?:renouvele|prolonge)"
    r"|no renovable|sin posibilidad de (?:renovacion|extension|prorroga)|no (?:sera|podra ser) (?:renovado|extendido|prorrogado)"
    r"|(?:not|pas|no) (?:\w+ ){0,2}(?:renewable|renouvelable|renovable)"
    r"|(?:renewal|extension|renouvellement|prolongation|renovacion|extension|prorroga)[^.;]{0,40}"
    r"(?:is not (?:possible|foreseen|envisaged)|not be possible|n'est pas (?:possible|prevue?)|ne sera pas possible|no (?:es|sera) posible|no esta prevista))"
)
_RENEWABLE = re.compile(
    r"renewable|renewal|extendable|extensible|possib\w*\s+(?:\w+\s+)?(?:renewal|extension)|may be (?:renewed|extended)|subject to (?:renewal|extension)"
    r"|can be (?:renewed|extended)|could be (?:renewed|extended)"
    r"|renouvelable|prolongeable|possibilite de (?:renouvellement|prolongation)|(?:pourra|peut) etre (?:renouvele|prolonge)"
    r"|renovable|posibilidad de (?:renovacion|extension|prorroga)|prorrogable|(?:podra|puede) (?:ser )?(?:renovad|extendid|prorrogad)"
    r"|(?:podra|puede) (?:renovarse|prorrogarse|extenderse)"
)
_RENEWAL_HINT = re.compile(r"renew|renouvel|renov|extens|extend|prolong|prorrog")
"""Words without which a clause says nothing of renewal (a cheap first look)."""
_NOT_A_CONTRACT = re.compile(
    r"renewable energ|energies? renouvelable|energias? renovable|renewable (?:resource|power|source)"
    r"|(?:any |no )?expectation of (?:renewal|extension)|(?:aucun )?droit (?:a|au) (?:un )?renouvellement|expectativa de (?:renovacion|extension)"
)
"""Renewal words that say nothing of this contract ("renewable energy", "no expectation of renewal")."""


def contract_type(category_value: str | None, description: str, title: str | None = None) -> Found[str] | None:
    """The contract's type: from the ``Contract`` category, the title ("(Temporary Job
    Opening)"), a header line, else a sentence about the contract; an unknown category value is
    ``other``, an unmentioned contract None."""
    if category_value:
        return Found(_type_of(folded(category_value)) or OTHER, category_value.strip())
    if title and (match := _TITLE_CONTRACT.search(folded(title))):
        return Found(_type_of(match[0]), title)
    clauses = read(description)
    for clause in clauses:
        if clause.label and _CONTRACT_LABEL.match(clause.label):
            kind = _type_of(clause.folded.split(":", 1)[1].strip())
            if kind is not None:
                return Found(kind, clause.text)
    for clause in clauses:
        if (_CONTRACT_CONTEXT.search(clause.folded) or _SPECIFIC.search(clause.folded)) and (kind := _type_of(clause.folded)):
            return Found(kind, clause.text)
    return None


def _type_of(text: str) -> str | None:
    return next((kind for kind, pattern in _TYPE_PATTERNS if pattern.search(text)), None)


def duration_months(description: str, title: str | None = None) -> Found[int] | None:
    """The contract's stated length, in months (``12 months``, ``one year``, ``364 days``,
    ``6 mois``, ``un año``), from a header line or a clause about the contract, not about
    experience, a project or a probation, else from the title ("Intern (6 months)"); None for
    a range ("two to six months")."""
    found = _stated_duration(description)
    if found is None and title and (match := _TITLE_DURATION.search(folded(title))):
        return Found(number(match[1]), title)
    return found


def _stated_duration(description: str) -> Found[int] | None:
    for clause in read(description):
        if not _about_duration(clause):
            continue
        text = clause.folded.split(":", 1)[1] if clause.label and _DURATION_LABEL.search(clause.label) else clause.folded
        for pattern, months in ((_MONTHS, lambda n: n), (_YEARS, lambda n: 12 * n), (_DAYS, lambda n: round(n / 30.4))):
            match = next((m for m in pattern.finditer(text) if not NOT_A_LENGTH.search(text[max(0, m.start() - 25): m.start()])), None)
            if match is None or months(number(match[1])) < 1:
                continue
            if _RANGE.search(text[max(0, match.start() - 25): match.start()]):
                return None  # "a minimum of two months, up to six", "3 to 6 months": no one length
            return Found(months(number(match[1])), clause.text)
    return None


def _about_duration(clause: Clause) -> bool:
    for label in (clause.label, clause.section if len(clause.section.split()) <= 4 else ""):
        if label and _DURATION_LABEL.search(label) and not _NOT_DURATION.search(label):
            return True  # "Duration: 6 months", or "6 months" under a "Duración prevista" heading
    return bool(_DURATION_CONTEXT.search(clause.folded)) and not _NOT_DURATION.search(clause.folded)


def renewable(description: str) -> Found[bool] | None:
    """True when the contract may be renewed or extended, False when the posting says it cannot."""
    for clause in read(description):
        if not _RENEWAL_HINT.search(clause.folded):
            continue
        text = _NOT_A_CONTRACT.sub("", clause.folded)
        if _NOT_RENEWABLE.search(text):
            return Found(False, clause.text)
        if _RENEWABLE.search(text):
            return Found(True, clause.text)
    return None
