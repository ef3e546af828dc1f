"""The grade: ``P-1``…``P-7``, ``D-1``, ``D-2``, ``ASG``, ``USG``, ``G-1``…``G-7``, ``NO-A``…``NO-E``,
``FS-1``…``FS-7``, ``SB-1``…``SB-5``, ``LICA-1``…``LICA-11``, ``NPSA-1``…``NPSA-11``,
``IPSA-8``…``IPSA-12``, or a category only (``consultant``, ``intern``, ``UNV``, ``JPO``), and
the grade's category. Spelling variants (``P3``, ``P 3``, ``GS-5``, ``NOB``) map to one value.

Read from the site's ``Grade`` category first, then from the title, then from a labelled line
of the description (``Grade: P-4``, ``Classe : P-3``, ``Nivel: P-2``): a bare ``P-3`` elsewhere
in a description may be another post's.
"""

from __future__ import annotations

import re

from unjobs_scraper.jobads.text import Found

PROFESSIONAL, DIRECTOR, GENERAL_SERVICE, NATIONAL_OFFICER = "professional", "director", "general-service", "national-officer"
FIELD_SERVICE, SERVICE_CONTRACT, CONSULTANCY, VOLUNTEER, INTERNSHIP = (
    "field-service", "service-contract", "consultancy", "volunteer", "internship",
)
# Scale prefix as written → (normalized prefix, lowest level, highest level, category).
_SCALES = {
    "P": ("P", 1, 7, PROFESSIONAL),
    "D": ("D", 1, 2, DIRECTOR),
    "G": ("G", 1, 7, GENERAL_SERVICE),
    "GS": ("G", 1, 7, GENERAL_SERVICE),
    "FS": ("FS", 1, 7, FIELD_SERVICE),
    "SB": ("SB", 1, 5, SERVICE_CONTRACT),
    "LICA": ("LICA", 1, 11, CONSULTANCY),
    "NPSA": ("NPSA", 1, 11, SERVICE_CONTRACT),
    "IPSA": ("IPSA", 8, 12, SERVICE_CONTRACT),
}
_LEVELED = re.compile(r"(?<![A-Za-z0-9])(GS|FS|SB|LICA|NPSA|IPSA|P|D|G)[\s-]?(\d{1,2})(?![\d])")
_NATIONAL_OFFICER = re.compile(r"(?<![A-Za-z])(?:NO|NOP)[\s-]?([A-E])(?![A-Za-z])")
_SENIOR = re.compile(r"(?<![A-Za-z])(ASG|USG)(?![A-Za-z])")
_CATEGORY_ONLY = (
    (re.compile(r"\bjunior professional officer|\bJPO\b", re.IGNORECASE), "JPO", PROFESSIONAL),
    (re.compile(r"\bUNV\b|\bvolunteer|\bvolontaire|\bvoluntari[oa]", re.IGNORECASE), "UNV", VOLUNTEER),
    (re.compile(r"\bintern(ship)?\b|\bstagiaire|\bstage\b|\bpasant[ií]a|\bpasante", re.IGNORECASE), "intern", INTERNSHIP),
    (re.compile(r"\bconsult|\bindividual contractor|\bIC\b|\bconsultor", re.IGNORECASE), "consultant", CONSULTANCY),
)
_LABELLED = re.compile(
    r"(?:grade|level|classe|niveau|grado|nivel|categor[ií]a)(?:\s+level)?\s*[:\-–]\s*([^\n.;,]{1,40})",
    re.IGNORECASE,
)


def normalize(text: str) -> Found[tuple[str, str]] | None:
    """``(grade, category)`` from a grade as written (``P3``, ``GS-5``, ``NOB``, ``Consultant``)."""
    if match := _LEVELED.search(text):
        prefix, low, high, category = _SCALES[match[1]]
        level = int(match[2])
        if low <= level <= high:
            return Found((f"{prefix}-{level}", category), match[0])
    if match := _NATIONAL_OFFICER.search(text):
        return Found((f"NO-{match[1]}", NATIONAL_OFFICER), match[0])
    if match := _SENIOR.search(text):
        return Found((match[1], DIRECTOR), match[0])
    for pattern, grade, category in _CATEGORY_ONLY:
        if match := pattern.search(text):
            return Found((grade, category), match[0])
    return None


def grade(category_value: str | None, title: str | None, description: str) -> Found[tuple[str, str]] | None:
    """The posting's grade and category: from its ``Grade`` category, its title, or a labelled
    line of its description, in that order; None when none of them says."""
    if category_value and (found := normalize(category_value)):
        return Found(found.value, category_value.strip())
    if title and (found := normalize(title)):
        return found
    for match in _LABELLED.finditer(description):
        if (found := normalize(match[1])) is not None:
            return Found(found.value, match[0].strip())
    return None
