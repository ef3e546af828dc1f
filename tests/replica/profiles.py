"""What each replica posting asks of a candidate (its *profile*), and the description text that
says it, in English, French or Spanish, the way the posting's organization writes its ads
(``templates.py``), hard cases included.

The profile is the truth that extraction is scored against (``GET /__replica__/profiles``). It is
built from the posting's categories and title where those say it (a grade; a contract, and a
"(Temporary Job Opening)" title is a temporary one; "Home-based"; an intern's "(6 months)"), and
the description states the rest: it never says anything the profile does not, nor the opposite
of what the categories or the title say (a consultant's grade under a temporary job opening's
title is a temporary contract, and the description says nothing more of it). A separate random
stream per posting keeps the rest of the site as it was.

What the truth counts, where the text has alternatives or asides:

- ``min_years_experience`` and ``education_level`` are the fewest years and the lowest degree
  accepted ("7 years with a Bachelor's, or 5 with a Master's": 5 and bachelor; "3-5 years": 3); a
  sub-requirement inside a minimum ("of which at least 2 years at the international level") and
  a desirable degree or number of years change nothing; an internship open to students in the
  final year of a first degree is bachelor, and "not required to have professional work
  experience" is 0 years;
- ``experience_in_lieu`` is True only where the text says a first degree with more experience
  may be accepted in place of the advanced one (the years each degree needs are no such
  statement), else None;
- ``languages``: a language asked for is ``required``; one called desirable, an asset, named
  under a "Desired languages" or "DESIRABLE QUALIFICATIONS" heading, or named in an "another
  official UN language (...)" list is ``desirable``, and so is each of the alternatives of
  "Working knowledge of English, French or Spanish" (none of them required); a note naming the
  working or official languages asks for nothing;
- a grade named in passing for another post ("reports to the Chief of Section, P-5") is not the
  posting's; a grade such as NPSA-8, IICA-2 or "Consultant" that names its contract has that
  contract stated too, and a "Volunteer category" line states the grade UNV and the volunteer
  contract.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from tests.replica.templates import (
    FIELDS,
    LANGUAGE_NAMES,
    LEVELS,
    OFFICIAL_LANGUAGES,
    Facts,
    family_of,
    render,
)

# The site's category values and titles as the truth reads them (the replica's own table, not the
# crawler's rules).
GRADE_VALUES = {
    "P-2": ("P-2", "professional"), "P3": ("P-3", "professional"), "P 4": ("P-4", "professional"),
    "P-5": ("P-5", "professional"), "D-1": ("D-1", "director"), "NOB": ("NO-B", "national-officer"),
    "G-5": ("G-5", "general-service"), "GS-6": ("G-6", "general-service"), "SB-4": ("SB-4", "service-contract"),
    "UNV": ("UNV", "volunteer"), "Consultant": ("consultant", "consultancy"), "Intern": ("intern", "internship"),
}
TITLE_GRADES = {
    "Procurement Associate, G-6": ("G-6", "general-service"),
    "Consultant – Water, Sanitation and Hygiene (WASH)": ("consultant", "consultancy"),
    "Intern – Legal Affairs (6 months)": ("intern", "internship"),
}
CONTRACT_VALUES = {
    "Fixed-term": "fixed-term", "Temporary appointment": "temporary", "Consultancy": "consultancy",
    "Internship": "internship", "UN Volunteer": "volunteer", "Service contract": "service-contract",
    "Contrat à durée déterminée": "fixed-term",
}
COUNTRY_CODES = {
    "Qatar": "QAT", "Switzerland": "CHE", "Colombia": "COL", "Côte d'Ivoire": "CIV", "Brazil": "BRA",
    "Kenya": "KEN", "Jordan": "JOR", "China": "CHN", "Bangladesh": "BGD", "United States of America": "USA",
    "Türkiye": "TUR", "Democratic Republic of the Congo": "COD", "Senegal": "SEN", "Thailand": "THA",
    "Ukraine": "UKR", "Italy": "ITA", "Lebanon": "LBN", "South Sudan": "SSD", "Singapore": "SGP",
}
MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"),
}
TEXT_GRADES = {  # grades a description may state, canonical, and their category
    "P-2": "professional", "P-3": "professional", "P-4": "professional", "P-5": "professional", "D-1": "director",
    "G-5": "general-service", "G-6": "general-service", "NO-B": "national-officer", "NO-C": "national-officer",
    "SB-4": "service-contract", "NPSA-8": "service-contract", "NPSA-10": "service-contract",
    "IICA-1": "consultancy", "IICA-2": "consultancy", "IICA-3": "consultancy", "IICA-4": "consultancy",
    "LICA-4": "consultancy", "LICA-6": "consultancy", "LICA-8": "consultancy", "LICA-9": "consultancy",
    "LICA-11": "consultancy",
}
SPELLINGS = {"P": ("{p}-{n}", "{p}{n}"), "D": ("{p}-{n}", "{p}{n}"), "G": ("{p}-{n}", "{p}{n}", "GS-{n}"),
             "NO": ("{p}-{n}", "{p}{n}"), "SB": ("{p}-{n}", "{p}{n}"), "NPSA": ("{p}-{n}",),
             "IICA": ("{p}-{n}", "{p}-{n}", "{p}{n}"), "LICA": ("{p}-{n}", "{p}-{n}", "{p}{n}")}
FAMILY_GRADES = {  # what each organization family's ads state, when the site shows no grade
    "secretariat": ("P-2", "P-3", "P-4", "P-5", "D-1", "G-5", "G-6"),
    "undp": ("P-3", "P-4", "NO-B", "NO-C", "NPSA-8", "NPSA-10", "SB-4", "G-6"),
    "unicef": ("P-2", "P-3", "P-4", "NO-B", "NO-C", "G-6"),
    "unhcr": ("P-2", "P-3", "P-4", "NO-B", "G-5"),
    "who": ("P-3", "P-4", "P-5", "NO-C", "G-6"),
    "iom": ("P-2", "P-3", "P-4", "G-6", "NO-B"),
    "wfp": ("P-3", "P-4", "NO-B", "G-6"),
    "unwomen": ("P-3", "P-4", "NO-B", "NPSA-8"),
    "unesco": ("P-2", "P-3", "P-4", "P-5", "NO-B", "G-5"),
    "fao": ("P-2", "P-3", "P-4", "P-5", "D-1", "G-5", "G-6", "NO-B", "NO-C"),
    "unops": ("IICA-1", "IICA-2", "IICA-2", "IICA-3", "IICA-4", "LICA-4", "LICA-6", "LICA-8", "LICA-9", "LICA-11",
              "P-3", "P-4"),
    "ngo": (),
}
GRADE_STYLES = {  # how each family shows a grade; "bare" ("Grade SB4") only for a grade the site does not show
    "secretariat": ("colon", "bare", "table", "title", "title"), "undp": ("colon", "colon", "bare", "table"),
    "unicef": ("colon", "bare", "table"), "unhcr": ("colon", "bare", "table"), "who": ("colon", "bare", "table"),
    "iom": ("classification", "classification", "colon", "table"), "wfp": ("colon", "bare", "table"),
    "unwomen": ("colon", "table"), "unesco": ("colon", "table", "table", "bare"), "ngo": (),
    "fao": ("colon", "colon", "table"), "unops": ("colon", "colon", "table"),
}
LEVELED = frozenset({"professional", "director", "general-service", "national-officer", "service-contract"})
FAMILY_CONTRACTS = {  # the contracts an ad states when the site shows none
    "secretariat": ("temporary", "fixed-term", "continuing"),
    "undp": ("fixed-term", "temporary", "personnel-service-agreement", "consultancy"),
    "unicef": ("fixed-term", "temporary", "consultancy", "continuing"), "unhcr": ("fixed-term", "temporary"),
    "who": ("fixed-term", "temporary", "continuing"), "iom": ("fixed-term", "temporary"), "wfp": ("fixed-term", "consultancy"),
    "unwomen": ("fixed-term", "temporary", "continuing"), "unesco": ("fixed-term", "temporary"),
    "ngo": ("fixed-term", "consultancy"),
    "fao": ("fixed-term", "temporary", "consultancy", "personnel-service-agreement"),
    "unops": ("fixed-term", "consultancy", "consultancy"),
}
CATEGORY_CONTRACTS = {"consultancy": "consultancy", "internship": "internship", "volunteer": "volunteer"}
"""The contract a consultant's, an intern's or a volunteer's grade names (and its ad then states)."""
TEXT_GRADE_ODDS = {"unops": 0.9}
"""How often an ad states a grade the site does not show (UNOPS's "Contract level" nearly always)."""
NAMES_CONTRACT = frozenset({"service-contract", "consultancy"})
"""The categories of the grades that name their contract (NPSA-8, SB-4, IICA-2, LICA-8)."""
OFFICIAL_LIST_ODDS = {"unicef": 0.8, "wfp": 0.6, "unesco": 0.5, "secretariat": 0.3, "unwomen": 0.3, "undp": 0.25,
                      "iom": 0.2, "who": 0.15, "unhcr": 0.15, "ngo": 0.0, "fao": 0.5, "unops": 0.2,
                      "unv": 0.0, "internship": 0.3}
"""How often a family lists "another official UN language (...)" as an asset."""
NGOS = {"OIF": "oif", "IFRC": "ifrc", "Médecins Sans Frontières": "msf"}


@dataclass(frozen=True)
class Profile:
    """The truth about one posting; None where the posting does not say."""

    grade: str | None
    grade_category: str | None
    contract_type: str | None
    duration_months: int | None
    renewable: bool | None
    min_years_experience: int | None
    education_level: str | None
    experience_in_lieu: bool | None
    languages: dict[str, str] | None
    requirements_language: str
    """The language the requirements are written in (the rest of the description is English)."""
    home_based: bool | None
    country_code: str
    deadline: str

    def as_json(self) -> dict:
        return asdict(self)


def make_profile(seed: int, post_number: str, title: str, grade: str | None, contract: str | None,
                 country: str, closing_date: date, organization: str) -> tuple[Profile, str]:
    """The posting's profile and the HTML that states it in its description, written in the
    template of the posting's organization (``templates.py``)."""
    rng = random.Random(f"profile:{seed}:{post_number}")
    lang = rng.choices(("en", "fr", "es"), weights=(6, 2, 2))[0]
    family = family_of(organization)
    facts = Facts(lang=lang, family=family, ngo=NGOS.get(organization.split(" - ")[0].strip(), ""),
                  title=title, post_number=post_number, subject=rng.choice(FIELDS[lang]))
    _grade(facts, rng, grade, contract, title)
    _contract(facts, rng, contract, title)
    _kind(facts, title)
    _duration(facts, rng, title)
    _requirements(facts, rng)
    _languages(facts, rng)
    home = True if "Home-based" in title else None
    if home is None and rng.random() < 0.4:
        home = rng.random() < 0.5
    facts.home = home
    facts.home_shown = home is not None and (rng.random() < 0.7 or "Home-based" not in title)
    deadline = closing_date.isoformat()
    if rng.random() < 0.4:
        deadline, facts.deadline_sentence = _deadline(lang, rng, closing_date)
    facts.project_distractor = rng.random() < 0.2
    facts.history_distractor = rng.random() < 0.4
    html = render(facts, rng)
    profile = Profile(
        grade=facts.grade, grade_category=facts.grade_category,
        contract_type=facts.contract, duration_months=facts.duration, renewable=facts.renewable,
        min_years_experience=facts.years, education_level=facts.education,
        experience_in_lieu=True if facts.in_lieu else None,
        languages={**{code: "desirable" for code in facts.desirable + facts.official_list + facts.either},
                   **{code: "required" for code in facts.required}},
        requirements_language=lang, home_based=facts.home, country_code=COUNTRY_CODES[country], deadline=deadline,
    )
    return profile, html


def _grade(f: Facts, rng: random.Random, grade: str | None, contract: str | None, title: str) -> None:
    """The site's Grade row, else the title, else (half the time, in the families whose ads say
    it; UNOPS's nearly always) a header line of the description, never in a volunteer's or an
    intern's (``_kind``); another post's grade sometimes named in passing."""
    value = GRADE_VALUES.get(grade) if grade else TITLE_GRADES.get(title.rstrip())
    for role, known in TITLE_GRADES.items():
        if grade is None and title.startswith(role):
            value = known
    title_has_grade = grade is None and value is not None
    styles = GRADE_STYLES[f.family]
    if value is not None:
        f.grade, f.grade_category, f.grade_from_posting = value[0], value[1], True
        if f.grade_category in LEVELED and styles and rng.random() < 0.35:  # restated as the site shows it
            style = rng.choice([s for s in styles if s != "bare" and not (s == "title" and title_has_grade)])
            if style != "classification" or f.grade_category in ("professional", "general-service", "national-officer"):
                f.grade_shown, f.grade_style = f.grade, style
    elif FAMILY_GRADES[f.family] and not _volunteer_or_intern(contract, title) and rng.random() < TEXT_GRADE_ODDS.get(f.family, 0.5):
        # a service contract's or a consultant's grade (NPSA-8, SB-4, IICA-2) names its contract:
        # not under another Contract row (a consultant's under a Consultancy one), nor under a
        # temporary job opening's title
        temporary = "Temporary Job Opening" in title
        free = not contract and not temporary
        consultant = free or contract is not None and CONTRACT_VALUES[contract] == "consultancy" and not temporary
        canonical = rng.choice([g for g in FAMILY_GRADES[f.family] if TEXT_GRADES[g] not in NAMES_CONTRACT
                                or free or TEXT_GRADES[g] == "consultancy" and consultant])
        prefix, level = canonical.split("-")
        f.grade, f.grade_category = canonical, TEXT_GRADES[canonical]
        f.grade_shown = rng.choice(SPELLINGS[prefix]).format(p=prefix, n=level)
        style = rng.choice(styles)
        if style == "classification" and f.grade_category not in ("professional", "general-service", "national-officer"):
            style = "colon"
        f.grade_style = style
    if f.family != "ngo" and rng.random() < 0.25:  # a supervisor's grade, above the posting's
        ladder = ("P-2", "P-3", "P-4", "P-5", "D-1", "D-2")
        above = ladder[ladder.index(f.grade) + 1:] if f.grade in ladder else ladder[2:]
        f.distractor = rng.choice(above[:3])


def _contract(f: Facts, rng: random.Random, contract: str | None, title: str) -> None:
    """The site's Contract row (sometimes restated in a header line); without one, a temporary
    job opening's title, or (half the time) a header line of the description."""
    if contract:
        f.contract = CONTRACT_VALUES[contract]
        f.contract_shown = rng.random() < 0.35
        return
    implied = None  # a consultant's, an intern's, a volunteer's or a service contract's grade names its contract
    if f.grade_category in CATEGORY_CONTRACTS:
        implied = CATEGORY_CONTRACTS[f.grade_category]
    elif f.grade_category == "service-contract":
        implied = "personnel-service-agreement" if (f.grade or "").startswith("NPSA") else "service-contract"
    if "Temporary Job Opening" in title:  # the title says it, whatever the grade
        f.contract, f.contract_shown = "temporary", implied is None and rng.random() < 0.5
        return
    if implied is not None:  # stated, so that the grade alone never has to say it
        f.contract, f.contract_shown = implied, True
    elif not _volunteer_or_intern(contract, title) and rng.random() < 0.5:
        choices = FAMILY_CONTRACTS[f.family]
        if f.family == "unops" and f.grade_category in LEVELED:  # a staff grade: no ICA
            choices = tuple(c for c in choices if c != "consultancy")
        f.contract, f.contract_shown = rng.choice(choices), True


def _volunteer_or_intern(contract: str | None, title: str) -> bool:
    """A UN Volunteer's Contract row or an intern's title: the description is UNV's or an
    internship's (``_kind``), which state no grade or contract of their own beyond those."""
    return contract is not None and CONTRACT_VALUES[contract] == "volunteer" or title.startswith("Intern")


def _kind(f: Facts, title: str) -> None:
    """A volunteer's (grade UNV, or a UN Volunteer contract) or an intern's (grade intern, or a
    title starting "Intern") posting gets a UN Volunteer assignment description or an internship
    description, whatever the organization. The volunteer category line states the grade UNV and the volunteer contract,
    so it is written only where the truth has both (a posting without a grade gets UNV)."""
    if f.grade_category == "volunteer":
        kind = "unv"
    elif f.grade_category == "internship":
        kind = "internship"
    elif f.contract == "volunteer":
        kind = "unv"
    elif title.startswith("Intern"):
        kind = "internship"
    else:
        return
    assert f.grade is None or f.grade_from_posting, "the grade is the site's or the title's"
    f.family = kind
    if kind == "unv" and f.contract == "volunteer" and f.grade in (None, "UNV"):
        f.volunteer_category = True
        f.grade, f.grade_category = "UNV", "volunteer"


def _duration(f: Facts, rng: random.Random, title: str) -> None:
    """A length (a six-month internship's title says it; an internship's three or six months),
    renewable or not; or renewable or not with no length."""
    title_months = 6 if "(6 months)" in title else None
    f.duration = title_months
    draw = rng.random()
    if draw < 0.5:
        f.duration = title_months or rng.choice((3, 6, 6) if f.family == "internship" else (3, 6, 11, 12, 12, 24))
        f.renewable = rng.choice((True, False, None))
        f.duration_shown = True
    elif draw < 0.58:
        f.renewable, f.renewal_only = rng.random() < 0.7, True


def _requirements(f: Facts, rng: random.Random) -> None:
    """Education (a first degree accepted in lieu of an advanced one) and years of experience:
    one minimum, a range, "N+", a minimum with a sub-requirement, or the years each degree needs.
    The truth is always the lowest level and the fewest years accepted. An internship asks for a
    first-level degree's final year (bachelor) and no experience (0) or says nothing of it; a UN
    Volunteer assignment states one minimum ("Required experience: 3 years")."""
    if f.family == "internship":
        f.education = f.stated_education = "bachelor"
        f.years = 0 if rng.random() < 0.6 else None
        return
    education = rng.choice(("secondary", "bachelor", "bachelor", "master", "master", "doctorate"))
    f.education = f.stated_education = education
    if education == "master" and f.family != "unhcr" and rng.random() < 0.4:
        f.education, f.in_lieu = "bachelor", True
    years = rng.randint(1, 8) if rng.random() < 0.9 else None
    f.years = years
    if years is None or f.family == "unv":
        return
    if f.family == "unhcr":  # "Years of Experience / Degree Level": every degree from the lowest up
        if education == "secondary":
            f.alternatives = (("bachelor", years), ("secondary", years + 1))
        else:
            chain = LEVELS[LEVELS.index(education):][::-1]  # doctorate first
            f.alternatives = tuple((level, years + i) for i, level in enumerate(chain))
    elif rng.random() < {"undp": 0.7, "iom": 0.6}.get(f.family, 0.25) and (
        education in ("secondary", "bachelor") and not f.in_lieu or f.in_lieu and f.family == "undp"
    ):
        if f.education == "bachelor":
            f.alternatives = (("master", years), ("bachelor", years + 2))
        else:
            f.alternatives = (("bachelor", years), ("secondary", years + (3 if f.family == "undp" else 2)))
    if f.alternatives:
        f.years_style = "alternatives"
        return
    styles = ["plain", "plain", "plain", "range", "plus"]
    if years >= 3:
        styles += ["sub"] * (4 if f.family in ("unicef", "unesco") else 2)
    f.years_style = rng.choice(styles)
    if f.years_style == "sub":
        f.sub_years = rng.randint(1, years - 1)


def _languages(f: Facts, rng: random.Random) -> None:
    """One or two required languages (mostly the ad's own), desirable ones named on their own, and
    in some families "another official UN language (...)": each language of that list desirable.
    Some FAO ads name alternatives only ("Working knowledge of English, French or Spanish"): each
    desirable, none required."""
    codes = sorted(LANGUAGE_NAMES)
    required = [f.lang] if rng.random() < 0.7 else [rng.choice(codes)]
    if rng.random() < 0.33:
        required.append(rng.choice([code for code in codes if code not in required]))
    desirable = [code for code in rng.sample(codes, k=rng.choice((0, 1, 2))) if code not in required]
    if f.family == "fao" and rng.random() < 0.3:  # "Working knowledge of English, French or Spanish"
        f.either = rng.choice((["en", "fr", "es"], ["en", "fr", "es"], ["en", "fr"], ["en", "es"], ["fr", "es"]))
        f.desirable = [code for code in desirable if code not in f.either]
        return
    if rng.random() < OFFICIAL_LIST_ODDS[f.family] and (f.family != "fao" or set(required) <= set(OFFICIAL_LANGUAGES)):
        f.official_list = [code for code in OFFICIAL_LANGUAGES if code not in required]
        desirable = [code for code in desirable if code not in OFFICIAL_LANGUAGES]
    f.required, f.desirable = required, desirable


def _deadline(lang: str, rng: random.Random, day: date) -> tuple[str, str]:
    month = MONTHS[lang][day.month - 1]
    if lang == "fr":
        moment = datetime.combine(day, time(17, 0), ZoneInfo("Europe/Zurich"))
        return moment.isoformat(timespec="seconds"), (
            f"Date limite de dépôt des candidatures : {day.day} {month} {day.year} à 17h00 (heure de Genève).")
    if lang == "es":
        return day.isoformat(), f"Fecha límite: {day.day} de {month} de {day.year}."
    if rng.random() < 0.5:
        moment = datetime.combine(day, time(23, 59), ZoneInfo("America/New_York"))
        return moment.isoformat(timespec="seconds"), (
            f"Deadline for applications: {day.day} {month} {day.year} (midnight New York time).")
    moment = datetime.combine(day, time(17, 0), timezone(timedelta(hours=1)))
    return moment.isoformat(timespec="seconds"), f"Closing date: {day.day} {month} {day.year} at 17:00 GMT+1."
