"""What each replica posting asks of a candidate (its *profile*), and the description text that
says it, in English, French or Spanish and in varied phrasing, hard cases included.

The profile is the truth that extraction is scored against (``GET /__replica__/profiles``). It is
built from the posting's categories and title where those say it (a grade, a contract, "Home-based"),
and the description states the rest: it never says anything the profile does not, nor the
opposite of what the title says. A separate random stream per posting keeps the rest of the site
as it was.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from html import escape
from zoneinfo import ZoneInfo

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
EDUCATION = ("secondary", "bachelor", "master", "doctorate")
LANGUAGE_NAMES = {  # in English, French, Spanish
    "en": ("English", "anglais", "inglés"), "fr": ("French", "français", "francés"),
    "es": ("Spanish", "espagnol", "español"), "ar": ("Arabic", "arabe", "árabe"),
    "zh": ("Chinese", "chinois", "chino"), "ru": ("Russian", "russe", "ruso"),
    "pt": ("Portuguese", "portugais", "portugués"), "de": ("German", "allemand", "alemán"),
}
WRITTEN = {"en": 0, "fr": 1, "es": 2}
NUMBER_WORDS = {
    "en": ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    "fr": ("deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"),
    "es": ("dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez"),
}
MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"),
}
FIELDS = {"en": "economics", "fr": "économie", "es": "economía"}


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
                 country: str, closing_date: date) -> tuple[Profile, str]:
    """The posting's profile and the HTML that states it in its description."""
    rng = random.Random(f"profile:{seed}:{post_number}")
    lang = rng.choices(("en", "fr", "es"), weights=(6, 2, 2))[0]
    parts: list[str] = []
    grade_value = GRADE_VALUES.get(grade) if grade else TITLE_GRADES.get(title.rstrip())
    for role, value in TITLE_GRADES.items():
        if grade is None and title.startswith(role):
            grade_value = value
    contract_type = CONTRACT_VALUES.get(contract) if contract else None
    if contract is None and rng.random() < 0.5:
        contract_type = rng.choice(("temporary", "fixed-term", "consultancy"))
        parts.append(_contract_sentence(lang, contract_type))
    duration = renewable = None
    if rng.random() < 0.5:
        duration, renewable = rng.choice((6, 11, 12, 24)), rng.choice((True, False, None))
        parts.append(_duration_sentence(lang, rng, duration, renewable))
    education, in_lieu = rng.choice(("secondary", "bachelor", "bachelor", "master", "master", "doctorate")), None
    if education == "master" and rng.random() < 0.4:
        education, in_lieu = "bachelor", True
        parts.append(_education_sentence(lang, "master") + " " + _in_lieu_sentence(lang))
    else:
        parts.append(_education_sentence(lang, education))
    years = rng.randint(1, 8) if rng.random() < 0.9 else None
    if years is not None:
        parts.append(_years_sentence(lang, rng, years, alternatives=education == "bachelor" and not in_lieu))
    required = rng.sample(sorted(LANGUAGE_NAMES), k=rng.choice((1, 1, 2)))
    desirable = [code for code in rng.sample(sorted(LANGUAGE_NAMES), k=rng.choice((0, 1, 2))) if code not in required]
    parts.append(_languages_sentence(lang, rng, required, desirable))
    home = True if "Home-based" in title else None
    if home is None and rng.random() < 0.4:
        home = rng.random() < 0.5
    if home is not None and (rng.random() < 0.7 or "Home-based" not in title):
        parts.append(_home_sentence(lang, rng, home))
    deadline = closing_date.isoformat()
    if rng.random() < 0.4:
        deadline, sentence = _deadline(lang, rng, closing_date)
        parts.append(sentence)
    profile = Profile(
        grade=grade_value[0] if grade_value else None, grade_category=grade_value[1] if grade_value else None,
        contract_type=contract_type, duration_months=duration, renewable=renewable,
        min_years_experience=years, education_level=education, experience_in_lieu=in_lieu,
        languages={**{code: "desirable" for code in desirable}, **{code: "required" for code in required}},
        requirements_language=lang, home_based=home, country_code=COUNTRY_CODES[country], deadline=deadline,
    )
    heading = {"en": "Requirements", "fr": "Qualifications requises", "es": "Requisitos"}[lang]
    html = f"<h4>{heading}</h4>\n" + "\n".join(f"<p>{escape(part)}</p>" for part in parts)
    return profile, html


def _pick(rng: random.Random, *choices: str) -> str:
    return rng.choice(choices)


def _contract_sentence(lang: str, kind: str) -> str:
    names = {
        "temporary": ("Temporary appointment", "nomination temporaire", "nombramiento temporal"),
        "fixed-term": ("Fixed-term appointment", "contrat à durée déterminée", "contrato de plazo fijo"),
        "consultancy": ("Individual contractor (consultancy)", "contrat individuel de consultant", "contrato individual de consultoría"),
    }[kind][WRITTEN[lang]]
    return {"en": f"Type of contract: {names}.", "fr": f"Type de contrat : {names}.", "es": f"Tipo de contrato: {names}."}[lang]


def _duration_sentence(lang: str, rng: random.Random, months: int, renewable: bool | None) -> str:
    if lang == "en":
        length = "one year" if months == 12 and rng.random() < 0.5 else f"{months} months"
        tail = {True: ", renewable subject to performance", False: ", non-renewable", None: ""}[renewable]
        return _pick(rng, f"The initial appointment is for {length}{tail}.", f"Duration of the contract: {length}{tail}.")
    if lang == "fr":
        tail = {True: ", renouvelable", False: ", non renouvelable", None: ""}[renewable]
        return f"Durée du contrat : {months} mois{tail}."
    tail = {True: ", renovable", False: ", no renovable", None: ""}[renewable]
    return f"Duración del contrato: {months} meses{tail}."


def _education_sentence(lang: str, level: str) -> str:
    field = FIELDS[lang]
    return {
        ("en", "secondary"): "Completion of secondary education (high school diploma) is required.",
        ("en", "bachelor"): f"Bachelor's degree or equivalent in {field}.",
        ("en", "master"): f"Advanced university degree (Master's degree or equivalent) in {field}.",
        ("en", "doctorate"): f"PhD in {field}.",
        ("fr", "secondary"): "Diplôme d'études secondaires.",
        ("fr", "bachelor"): f"Diplôme universitaire de premier cycle (licence) en {field}.",
        ("fr", "master"): f"Diplôme universitaire supérieur (master ou équivalent) en {field}.",
        ("fr", "doctorate"): f"Doctorat en {field}.",
        ("es", "secondary"): "Educación secundaria completa.",
        ("es", "bachelor"): f"Título universitario (licenciatura) en {field}.",
        ("es", "master"): f"Título universitario avanzado (maestría o equivalente) en {field}.",
        ("es", "doctorate"): f"Doctorado en {field}.",
    }[(lang, level)]


def _in_lieu_sentence(lang: str) -> str:
    return {
        "en": "A first-level university degree in combination with two additional years of qualifying experience"
              " may be accepted in lieu of the advanced university degree.",
        "fr": "Un diplôme universitaire de premier cycle accompagné de deux années supplémentaires d'expérience"
              " peut être accepté à la place du diplôme universitaire supérieur.",
        "es": "Un título universitario de primer nivel en combinación con dos años adicionales de experiencia"
              " podrá aceptarse en lugar del título avanzado.",
    }[lang]


def _years_sentence(lang: str, rng: random.Random, years: int, alternatives: bool) -> str:
    words = NUMBER_WORDS[lang][years - 2] if years >= 2 else None
    written = f"{words} ({years})" if words and rng.random() < 0.4 else str(years)
    style = rng.choice(("plain", "plain", "range", "alternatives" if alternatives else "plain"))
    if lang == "en":
        unit = "year" if years == 1 else "years"
        if style == "range":
            return f"{years}-{years + 2} years of relevant professional experience."
        if style == "alternatives":
            return f"{years + 2} years of relevant experience with a first-level degree, or {years} with an advanced degree."
        return _pick(rng, f"A minimum of {written} {unit} of progressively responsible experience is required.",
                     f"At least {written} {unit} of relevant work experience.")
    if lang == "fr":
        unit = "an" if years == 1 else "ans"
        if style == "range":
            return f"De {years} à {years + 2} ans d'expérience professionnelle pertinente."
        if style == "alternatives":
            return f"{years + 2} ans d'expérience avec une licence, ou {years} avec un master."
        return f"Au moins {written} {unit} d'expérience professionnelle pertinente."
    unit = "año" if years == 1 else "años"
    if style == "range":
        return f"De {years} a {years + 2} años de experiencia profesional."
    if style == "alternatives":
        return f"{years + 2} años de experiencia con licenciatura, o {years} con maestría."
    return f"Se requiere un mínimo de {written} {unit} de experiencia laboral."


def _names(lang: str, codes: list[str]) -> str:
    names = [LANGUAGE_NAMES[code][WRITTEN[lang]] for code in codes]
    return f" {dict(en='and', fr='et', es='y')[lang]} ".join(names)


def _languages_sentence(lang: str, rng: random.Random, required: list[str], desirable: list[str]) -> str:
    asked, asset = _names(lang, required), _names(lang, desirable)
    if lang == "en":
        sentence = f"Fluency in {asked} is required"
        if not desirable:
            return sentence + "."
        return _pick(rng, f"{sentence}; knowledge of {asset} is desirable.",
                     f"{sentence}, and knowledge of {asset} would be an asset.",
                     f"{sentence}. Working knowledge of {asset} is an advantage.")
    if lang == "fr":
        sentence = f"Une excellente maîtrise du {asked} est exigée"
        if not desirable:
            return sentence + "."
        return _pick(rng, f"{sentence} ; la connaissance du {asset} serait un atout.",
                     f"{sentence}. La connaissance du {asset} est souhaitable.")
    sentence = f"Se requiere dominio del {asked}"
    if not desirable:
        return sentence + "."
    return _pick(rng, f"{sentence}; el conocimiento del {asset} es deseable.",
                 f"{sentence}. Se valorará el conocimiento del {asset}.")


def _home_sentence(lang: str, rng: random.Random, home: bool) -> str:
    if home:
        return {"en": _pick(rng, "This is a home-based assignment.", "The incumbent will work remotely."),
                "fr": "Le poste est à domicile (télétravail).", "es": "Modalidad: teletrabajo desde casa."}[lang]
    return {"en": "This position is not home-based: the incumbent must be physically present at the duty station.",
            "fr": "Le poste n'est pas en télétravail : présence requise sur place.",
            "es": "El trabajo es presencial en la oficina."}[lang]


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
