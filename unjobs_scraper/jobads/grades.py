"""The grade: ``P-1``…``P-7``, ``D-1``, ``D-2``, ``ASG``, ``USG``, ``G-1``…``G-7``, ``NO-A``…``NO-E``,
``FS-1``…``FS-7``, ``L-1``…``L-7`` (ILO), ``SB-1``…``SB-5``, ``SC-1``…``SC-11``, ``LICA-1``…``LICA-11``, ``IICA-1``…``IICA-4``,
``NPSA-1``…``NPSA-11``, ``IPSA-8``…``IPSA-12``, or a category only (``consultant``, ``intern``,
``UNV``, ``JPO``), and the grade's category. Spelling variants (``P3``, ``P 3``, ``GS-5``, ``NOB``,
UNICEF's ``NO-2``) map to one value.

Read from the site's ``Grade`` category first, then from the title, then from a header line or
table row of the description ("Grade: P-4", "Post Level: P4", "Grade SB4", "| Grade | P3 |",
"Classe : P-3", "Nivel: P-2"): a bare ``P-5`` elsewhere in a description is often another post's
("reports to the Chief, P-5").
"""

from __future__ import annotations

import re

from unjobs_scraper.jobads.text import Found, read

PROFESSIONAL, DIRECTOR, GENERAL_SERVICE, NATIONAL_OFFICER = "professional", "director", "general-service", "national-officer"
FIELD_SERVICE, SERVICE_CONTRACT, CONSULTANCY, VOLUNTEER, INTERNSHIP = (
    "field-service", "service-contract", "consultancy", "volunteer", "internship",
)
GRADE_CATEGORIES = (
    PROFESSIONAL, DIRECTOR, GENERAL_SERVICE, NATIONAL_OFFICER, FIELD_SERVICE, SERVICE_CONTRACT, CONSULTANCY,
    VOLUNTEER, INTERNSHIP,
)
"""Every ``grade_category`` a job ad can have (the query API's vocabulary)."""
# Scale prefix as written → (normalized prefix, lowest level, highest level, category).
_SCALES = {
    "P": ("P", 1, 7, PROFESSIONAL),
    "L": ("L", 1, 7, PROFESSIONAL),  # the ILO's technical cooperation posts
    "D": ("D", 1, 2, DIRECTOR),
    "G": ("G", 1, 7, GENERAL_SERVICE),
    "GS": ("G", 1, 7, GENERAL_SERVICE),
    "FS": ("FS", 1, 7, FIELD_SERVICE),
    "SB": ("SB", 1, 5, SERVICE_CONTRACT),
    "SC": ("SC", 1, 11, SERVICE_CONTRACT),
    "LICA": ("LICA", 1, 11, CONSULTANCY),
    "IICA": ("IICA", 1, 4, CONSULTANCY),
    "NPSA": ("NPSA", 1, 11, SERVICE_CONTRACT),
    "IPSA": ("IPSA", 8, 12, SERVICE_CONTRACT),
}
_LEVELED = re.compile(r"(?<![A-Za-z0-9])(GS|FS|SB|SC|LICA|IICA|NPSA|IPSA|P|D|G|L)(?:[\s-]|\.(?=\d))?(\d{1,2})(?![\d])")
_NATIONAL_OFFICER = re.compile(r"(?<![A-Za-z])(?:NO|NOP)[\s-]?([A-E]|[1-5])(?![A-Za-z0-9])")
_SENIOR = re.compile(r"(?<![A-Za-z])(ASG|USG)(?![A-Za-z])")
_CATEGORY_ONLY = (
    (re.compile(r"\bjunior professional officer|\bJPO\b", re.IGNORECASE), "JPO", PROFESSIONAL),
    (re.compile(r"\bUNV\b|\bvolunteer|\bvolontaire|\bvoluntari[oa]", re.IGNORECASE), "UNV", VOLUNTEER),
    (re.compile(r"\bintern(ship)?\b|\bstagiaire|\bstage\b|\bpasant[ií]a|\bpasante", re.IGNORECASE), "intern", INTERNSHIP),
    (re.compile(r"\bconsult|\bindividual contractor|\bIC\b|\bconsultor", re.IGNORECASE), "consultant", CONSULTANCY),
)
CATEGORY_ONLY_GRADES = frozenset(grade for _, grade, _ in _CATEGORY_ONLY)
_GRADE_LABEL = re.compile(
    r"^(?:post |position |job |contract |functional |personnel )?(?:grade|level|classe|niveau|grado|nivel|categor[ií]a|classification|clasificacion)"
    r"(?:\s*/\s*(?:grade|level|classe|niveau|grado|nivel))?(?: level| du poste| del puesto| de la plaza| du contrat| del contrato)?$"
)
_LEVEL_CARRIERS = re.compile(
    r"^(?:posting|job|position|post|vacancy) title$|^(?:intitule|titre) du poste$|^titulo del (?:puesto|cargo)$"
    r"|^(?:contract|appointment) type$|^type of (?:contract|appointment)$|^type de contrat$|^tipo de contrato$"
)
"""Header lines that may carry the grade with a level: the title repeated ("Posting Title:
PROGRAMME OFFICER, P3"), a contract named by its level ("Contract type: NPSA-8")."""
_HEADER_GRADE = re.compile(r"^(?:post |position )?(?:grade|level|classe|niveau|grado|nivel|categor(?:y|ie|ia|ía))\s+(\S{1,8})$", re.IGNORECASE)
"""A header line without a colon: "Grade SB4", "Level P-3"."""
_VOLUNTEER_LABEL = re.compile(r"^(?:volunteer|volontaire|voluntario) ?categor|^categor(?:ie|ia) (?:de |del )?(?:volontaire|voluntario)")


def normalize(text: str) -> Found[tuple[str, str]] | None:
    """``(grade, category)`` from a grade as written (``P3``, ``GS-5``, ``NOB``, ``Consultant``)."""
    if match := _LEVELED.search(text):
        prefix, low, high, category = _SCALES[match[1]]
        level = int(match[2])
        if low <= level <= high:
            return Found((f"{prefix}-{level}", category), match[0])
    if match := _NATIONAL_OFFICER.search(text):
        level = match[1] if match[1].isalpha() else "ABCDE"[int(match[1]) - 1]
        return Found((f"NO-{level}", NATIONAL_OFFICER), match[0])
    if match := _SENIOR.search(text):
        return Found((match[1], DIRECTOR), match[0])
    for pattern, grade, category in _CATEGORY_ONLY:
        if match := pattern.search(text):
            return Found((grade, category), match[0])
    return None


def grade(category_value: str | None, title: str | None, description: str) -> Found[tuple[str, str]] | None:
    """The posting's grade and category: from its ``Grade`` category, its title, or a header
    line of its description, in that order; None when none of them says."""
    if category_value and (found := normalize(category_value)):
        return Found(found.value, category_value.strip())
    if title and (found := normalize(title)):
        return found
    for clause in read(description):
        if clause.label and _LEVEL_CARRIERS.match(clause.label) and (found := _with_level(clause.text.split(":", 1)[1])):
            return Found(found.value, clause.text)  # "Posting Title: ..., P3", "Contract type: NPSA-8"
        if clause.label and (_GRADE_LABEL.match(clause.label) or _VOLUNTEER_LABEL.match(clause.label)):
            value = clause.text.split(":", 1)[1]
            if (found := normalize(value[:60])) is not None:
                return Found(found.value, clause.text)
        elif (match := _HEADER_GRADE.match(clause.text)) and (found := _with_level(match[1])):
            return Found(found.value, clause.text)
    return None


def _with_level(text: str) -> Found[tuple[str, str]] | None:
    """A grade with a level ("SB4", "P-3", "NOB"), never a category word alone."""
    found = normalize(text)
    return found if found and found.value[0] not in CATEGORY_ONLY_GRADES else None
