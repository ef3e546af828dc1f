"""How each organization writes the requirements of its ads, in English, French and Spanish.

``profiles.make_profile`` decides what a posting asks (``Facts``: the truth, plus the few
choices that change what the text says, such as an "another official UN language (...)" list);
``render`` writes it the way the posting's organization does: the UN Secretariat's Education /
Work Experience / Languages sections, UNDP's Quantum header lines and "Min. ..." sections,
UNICEF's "To qualify as an advocate for every child", UNHCR's "Years of Experience / Degree
Level", WHO's Essential / Desirable, IOM's, WFP's, UN Women's, UNESCO's, FAO's Minimum
Requirements / Selection Criteria, UNOPS's "Contract type: International ICA" / "Contract level:
IICA-2", and the French- and Spanish-speaking NGOs' "Formation" / "Educación" profiles, each with
its headings translated. A volunteer's posting is written as a UN Volunteer assignment
description and an intern's as an internship, whatever the organization (``profiles._kind``).

Every template states the facts and nothing else: a desirable degree is higher than the one
required, desirable years are more than the fewest accepted, a sub-requirement ("of which at
least 2 years at the international level") is smaller than its minimum, a grade named in passing
("reports to the Chief, P-5") is never the posting's, and a note naming the working languages
asks for nothing. The rest of the description (``content.py``) is English.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

OFFICIAL_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
"""The six official languages of the United Nations."""
LANGUAGE_NAMES = {  # in English, French, Spanish
    "en": ("English", "anglais", "inglés"), "fr": ("French", "français", "francés"),
    "es": ("Spanish", "espagnol", "español"), "ar": ("Arabic", "arabe", "árabe"),
    "zh": ("Chinese", "chinois", "chino"), "ru": ("Russian", "russe", "ruso"),
    "pt": ("Portuguese", "portugais", "portugués"), "de": ("German", "allemand", "alemán"),
}
WRITTEN = {"en": 0, "fr": 1, "es": 2}
_NUMBER_WORDS = {
    "en": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    "fr": ("un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze"),
    "es": ("un", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce"),
}
FIELDS = {
    "en": ("economics", "international relations, political science or a related field", "public health",
           "business administration, finance or a related field"),
    "fr": ("économie", "relations internationales, sciences politiques ou domaine connexe", "santé publique",
           "gestion, finance ou domaine connexe"),
    "es": ("economía", "relaciones internacionales, ciencias políticas o un campo afín", "salud pública",
           "administración de empresas, finanzas o un campo afín"),
}
LEVELS = ("secondary", "bachelor", "master", "doctorate")


@dataclass
class Facts:
    """What one posting's requirements text states (the profile's truth) and how it says it."""

    lang: str
    family: str
    ngo: str
    """For the NGO family: ``oif``, ``ifrc`` or ``msf``; empty otherwise."""
    title: str
    post_number: str
    subject: str = ""
    """The field of study and work (``economics``)."""
    grade: str | None = None
    """The truth grade, canonical (``P-3``); None when the posting does not say."""
    grade_category: str | None = None
    grade_shown: str | None = None
    """The grade as the description writes it (``P3``, ``SB4``), or None when it does not."""
    grade_style: str = "colon"
    """``colon`` ("Grade: P-3"), ``bare`` ("Grade SB4"), ``table`` (a header table row),
    ``title`` (the Secretariat's "Posting Title: ..., P-3"), ``classification`` (IOM's)."""
    grade_from_posting: bool = False
    """The grade is the posting's Grade row or in its title, not only in the description."""
    distractor: str | None = None
    """Another post's grade, named in passing ("reports to the Chief, P-5")."""
    contract: str | None = None
    contract_shown: bool = False
    duration: int | None = None
    duration_shown: bool = False
    renewable: bool | None = None
    renewal_only: bool = False
    """The text says whether the contract is renewable without giving its length."""
    education: str = "bachelor"
    """The lowest level accepted (the truth)."""
    stated_education: str = "bachelor"
    """The level the education section asks for: ``master`` when a first degree is accepted in lieu."""
    in_lieu: bool = False
    alternatives: tuple[tuple[str, int], ...] = ()
    """(level, years) the posting accepts instead of one minimum, highest level (fewest years) first."""
    years: int | None = None
    years_style: str = "plain"
    sub_years: int | None = None
    required: list[str] = field(default_factory=list)
    desirable: list[str] = field(default_factory=list)
    """Desirable languages named on their own (not in an official-language list)."""
    official_list: list[str] = field(default_factory=list)
    """Languages named in an "another official UN language (...)" list: desirable."""
    home: bool | None = None
    home_shown: bool = False
    deadline_sentence: str | None = None
    project_distractor: bool = False
    history_distractor: bool = False
    """The organization's age ("For over 70 years, UNICEF has ..."): no experience asked."""
    either: list[str] = field(default_factory=list)
    """Languages named as alternatives, one of which will do (FAO's "Working knowledge of English,
    French or Spanish"): each desirable, none required."""
    volunteer_category: bool = False
    """A UNV description names the volunteer category ("Volunteer category: International UN
    Volunteer Specialist"): it states the grade UNV and the volunteer contract."""


# ---------------------------------------------------------------------------------------------
# Words and phrases shared by the templates.


def number(lang: str, n: int, rng: random.Random) -> str:
    """``5``, ``five`` or ``five (5)`` (numbers above twelve in digits)."""
    if n > 12:
        return str(n)
    word = _NUMBER_WORDS[lang][n - 1]
    return rng.choice((str(n), str(n), word, f"{word} ({n})"))


def years_of(lang: str, n: int, rng: random.Random, written: str | None = None) -> str:
    """``5 years``, ``cinq (5) ans``, ``un año``."""
    written = written or number(lang, n, rng)
    unit = {"en": ("year", "years"), "fr": ("an", "ans"), "es": ("año", "años")}[lang][n != 1]
    return f"{written} {unit}"


def name(lang: str, code: str) -> str:
    return LANGUAGE_NAMES[code][WRITTEN[lang]]


def names(lang: str, codes: list[str], conj: str = "and") -> str:
    """``English and French``, ``anglais, arabe ou russe``, ``francés e inglés``."""
    words = [name(lang, code) for code in codes]
    if len(words) == 1:
        return words[0]
    joiner = {"and": {"en": "and", "fr": "et", "es": "y"}, "or": {"en": "or", "fr": "ou", "es": "o"}}[conj][lang]
    if lang == "es" and joiner == "y" and words[-1][0] in "ií":
        joiner = "e"
    if lang == "es" and joiner == "o" and words[-1][0] in "oó":
        joiner = "u"
    return f"{', '.join(words[:-1])} {joiner} {words[-1]}"


_FR_OF = {"en": "de l'anglais", "fr": "du français", "es": "de l'espagnol", "ar": "de l'arabe", "zh": "du chinois",
          "ru": "du russe", "pt": "du portugais", "de": "de l'allemand"}


def of(lang: str, codes: list[str]) -> str:
    """The languages after "knowledge of": ``English and French``, ``du français et de l'anglais``,
    ``del inglés y del francés``."""
    if lang == "en":
        return names(lang, codes)
    words = [_FR_OF[code] if lang == "fr" else f"del {name(lang, code)}" for code in codes]
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {'et' if lang == 'fr' else 'y'} {words[-1]}"


def of_either(lang: str, codes: list[str]) -> str:
    """Alternatives after "knowledge of": ``English, French or Spanish``, ``de l'anglais, du
    français ou de l'espagnol``, ``del español, del francés o del inglés``."""
    if lang == "en":
        return names(lang, codes, "or")
    words = [_FR_OF[code] if lang == "fr" else f"del {name(lang, code)}" for code in codes]
    return f"{', '.join(words[:-1])} {'ou' if lang == 'fr' else 'o'} {words[-1]}"


def official_list(lang: str, codes: list[str]) -> str:
    """The languages of an official-language list in the language's alphabetical order."""
    ordered = sorted(codes, key=lambda code: name(lang, code).replace("á", "a").replace("é", "e"))
    return names(lang, ordered, "or")


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def t(lang: str, en: str, fr: str, es: str) -> str:
    return {"en": en, "fr": fr, "es": es}[lang]


_EDUCATION = {
    ("en", "secondary"): ("Completion of secondary education (high school diploma) is required.",
                          "High school diploma or equivalent.", "Secondary education is required."),
    ("en", "bachelor"): ("Bachelor's degree or equivalent in {f}.",
                         "A first-level university degree (Bachelor's degree or equivalent) in {f} is required.",
                         "University degree (Bachelor's) in {f}."),
    ("en", "master"): ("Advanced university degree (Master's degree or equivalent) in {f} is required.",
                       "Master's degree or equivalent in {f}.",
                       "An advanced university degree (Master's or higher) in {f}."),
    ("en", "doctorate"): ("PhD in {f}.", "A doctoral degree (PhD) in {f} is required."),
    ("fr", "secondary"): ("Diplôme d'études secondaires.", "Études secondaires complètes (baccalauréat) exigées."),
    ("fr", "bachelor"): ("Diplôme universitaire de premier cycle (licence) en {f}.",
                         "Licence ou diplôme équivalent en {f}."),
    ("fr", "master"): ("Diplôme universitaire supérieur (master ou équivalent) en {f}.",
                       "Master en {f} ou diplôme équivalent."),
    ("fr", "doctorate"): ("Doctorat en {f}.", "Un doctorat (PhD) en {f} est exigé."),
    ("es", "secondary"): ("Educación secundaria completa.", "Título de bachiller o equivalente."),
    ("es", "bachelor"): ("Título universitario (licenciatura) en {f}.",
                         "Título de grado (licenciatura o equivalente) en {f}."),
    ("es", "master"): ("Título universitario avanzado (maestría o equivalente) en {f}.",
                       "Maestría en {f} o título equivalente."),
    ("es", "doctorate"): ("Doctorado en {f}.", "Se requiere un doctorado (PhD) en {f}."),
}
_DEGREE = {  # a level as a noun: "with a Master's degree", "(with Bachelor's degree)"
    "en": {"secondary": "a high school diploma", "bachelor": "a first-level university degree",
           "master": "an advanced university degree", "doctorate": "a PhD"},
    "fr": {"secondary": "un diplôme d'études secondaires", "bachelor": "une licence", "master": "un master",
           "doctorate": "un doctorat"},
    "es": {"secondary": "título de bachiller", "bachelor": "licenciatura", "master": "maestría", "doctorate": "doctorado"},
}
_DEGREE_SHORT = {
    "en": {"secondary": "Secondary education", "bachelor": "Bachelor's degree", "master": "Master's degree",
           "doctorate": "PhD"},
    "fr": {"secondary": "études secondaires", "bachelor": "licence", "master": "master", "doctorate": "doctorat"},
    "es": {"secondary": "educación secundaria", "bachelor": "licenciatura", "master": "maestría", "doctorate": "doctorado"},
}


def education_sentence(f: Facts, rng: random.Random, level: str | None = None) -> str:
    return rng.choice(_EDUCATION[(f.lang, level or f.stated_education)]).format(f=f.subject)


_IN_LIEU = {
    "en": ("A first-level university degree in combination with two additional years of qualifying experience"
           " may be accepted in lieu of the advanced university degree.",
           "A first-level university degree (Bachelor's degree) in combination with an additional two years of"
           " qualifying experience will be given due consideration in lieu of the advanced university degree.",
           "A Bachelor's degree with two additional years of relevant experience may be considered instead of"
           " a Master's degree.",
           "A first-level university degree (Bachelor's) in combination with 2 additional years of relevant"
           " experience may be taken in lieu of an advanced university degree."),
    "fr": ("Un diplôme universitaire de premier cycle accompagné de deux années supplémentaires d'expérience"
           " peut être accepté à la place du diplôme universitaire supérieur.",
           "À défaut, une licence assortie de deux années supplémentaires d'expérience professionnelle"
           " pertinente pourra être acceptée en lieu et place du master.",
           "Une licence complétée par deux années d'expérience supplémentaires peut tenir lieu de master."),
    "es": ("Un título universitario de primer nivel en combinación con dos años adicionales de experiencia"
           " podrá aceptarse en lugar del título avanzado.",
           "A falta de maestría, se aceptará una licenciatura con dos años adicionales de experiencia pertinente.",
           "Una licenciatura junto con dos años adicionales de experiencia calificada podrá sustituir a la maestría."),
}


def in_lieu_sentence(f: Facts, rng: random.Random) -> str:
    return rng.choice(_IN_LIEU[f.lang])


def education_block(f: Facts, rng: random.Random) -> list[str]:
    """The education requirement as sentences: one level, one level and what may replace it, or
    the levels a posting with alternatives accepts."""
    if f.in_lieu:  # the advanced degree, and what may replace it
        return [education_sentence(f, rng), in_lieu_sentence(f, rng)]
    if f.alternatives:
        levels = [level for level, _ in f.alternatives]
        if len(levels) == 1:
            return [education_sentence(f, rng, levels[0])]
        nouns = [_DEGREE_SHORT[f.lang][level] for level in levels]
        if levels[-1] == "secondary":  # "High school diploma or Bachelor's degree in economics."
            return [t(f.lang, f"High school diploma or Bachelor's degree in {f.subject}.",
                      f"Diplôme d'études secondaires ou licence en {f.subject}.",
                      f"Título de bachiller o licenciatura en {f.subject}.")]
        if f.lang == "en":
            return [f"{' or '.join(nouns)} in {f.subject}."]
        if f.lang == "fr":
            return [f"{' ou '.join(nouns).capitalize()} en {f.subject}."]
        return [f"{' o '.join(nouns).capitalize()} en {f.subject}."]
    return [education_sentence(f, rng)]


def higher_degree(f: Facts, rng: random.Random) -> str | None:
    """A desirable degree above every level the posting accepts, or None."""
    top = f.alternatives[0][0] if f.alternatives else f.stated_education
    above = LEVELS[LEVELS.index(top) + 1:]
    if not above:
        return None
    level = rng.choice(above)
    return {
        ("en", "master"): f"A Master's degree in {f.subject}.", ("en", "doctorate"): f"A PhD in {f.subject}.",
        ("en", "bachelor"): f"A university degree (Bachelor's) in {f.subject}.",
        ("fr", "master"): f"Un master en {f.subject}.", ("fr", "doctorate"): f"Un doctorat en {f.subject}.",
        ("fr", "bachelor"): f"Une licence en {f.subject}.",
        ("es", "master"): f"Una maestría en {f.subject}.", ("es", "doctorate"): f"Un doctorado en {f.subject}.",
        ("es", "bachelor"): f"Una licenciatura en {f.subject}.",
    }[(f.lang, level)]


def experience_sentence(f: Facts, rng: random.Random, where: str = "") -> str:
    """The years of experience, in the posting's style: a minimum, a range, "N+", a minimum with a
    smaller sub-requirement inside it, or the years each degree needs."""
    lang, n, field = f.lang, f.years, f.subject
    assert n is not None
    if f.alternatives:
        return alternatives_sentence(f, rng)
    if f.years_style == "range":
        low, high = n, n + rng.choice((2, 3))
        if lang == "en":
            return rng.choice((f"{low}-{high} years of relevant professional experience in {field}.",
                               f"{low} to {high} years of relevant experience in {field}.",
                               f"Between {number(lang, low, rng)} and {number(lang, high, rng)} years of relevant"
                               " work experience."))
        if lang == "fr":
            return rng.choice((f"De {low} à {high} ans d'expérience professionnelle pertinente en {field}.",
                               f"Entre {number(lang, low, rng)} et {number(lang, high, rng)} ans d'expérience"
                               " professionnelle pertinente."))
        return rng.choice((f"De {low} a {high} años de experiencia profesional en {field}.",
                           f"Entre {number(lang, low, rng)} y {number(lang, high, rng)} años de experiencia"
                           " profesional relevante."))
    if f.years_style == "plus":
        return upper_first(t(lang, f"{n}+ years of relevant professional experience in {field}.",
                 f"{years_of(lang, n, rng)} ou plus d'expérience professionnelle pertinente.",
                 f"{years_of(lang, n, rng)} o más de experiencia profesional relevante."))
    span = years_of(lang, n, rng)
    tail = ""
    if f.years_style == "sub":
        k = f.sub_years
        assert k is not None and k < n
        part = years_of(lang, k, rng)
        tail = rng.choice({
            "en": (f", of which at least {part} at the international level",
                   f", including at least {part} in a field duty station",
                   f", of which at least {part} in humanitarian settings"),
            "fr": (f", dont au moins {part} au niveau international", f", dont au moins {part} sur le terrain"),
            "es": (f", de los cuales al menos {part} a nivel internacional",
                   f", de los cuales al menos {part} en el terreno"),
        }[lang])
    if lang == "en":
        return rng.choice((
            f"A minimum of {span} of progressively responsible experience in {field}{tail}{',' if tail else ''} is required.",
            f"At least {span} of relevant work experience in {field}{tail}.",
            f"Minimum {span} of relevant professional experience{where}{tail}.",
        ))
    if lang == "fr":
        return rng.choice((
            f"Au moins {span} d'expérience professionnelle pertinente en {field}{tail}.",
            f"Un minimum de {span} d'expérience professionnelle à des responsabilités croissantes{tail}{',' if tail else ''} est exigé.",
        ))
    return rng.choice((
        f"Se requiere un mínimo de {span} de experiencia laboral en {field}{tail}.",
        f"Al menos {span} de experiencia profesional relevante{tail}.",
    ))


def alternatives_sentence(f: Facts, rng: random.Random) -> str:
    """The years each accepted degree needs, in words or digits: "7 years of relevant experience
    with a first-level university degree, or 5 with an advanced university degree"."""
    lang = f.lang
    pairs = list(f.alternatives)
    if rng.random() < 0.5:
        pairs.reverse()
    degree = _DEGREE[lang]
    (first_level, first_years), rest = pairs[0], pairs[1:]
    head = {
        "en": f"{years_of(lang, first_years, rng)} of relevant experience with {degree[first_level]}",
        "fr": f"{years_of(lang, first_years, rng)} d'expérience pertinente avec {degree[first_level]}",
        "es": f"{years_of(lang, first_years, rng)} de experiencia relevante con {degree[first_level]}",
    }[lang]
    word = t(lang, "or", "ou", "o")
    joined = [f"{word} {number(lang, years, rng)} {t(lang, 'with', 'avec', 'con')} {degree[level]}"
              for level, years in rest]
    return upper_first(f"{head}, {', '.join(joined)}.")


_REQUIRED = {
    "en": ("Fluency in {L} is required.", "Fluency in {L} (oral and written) is required.",
           "Excellent written and spoken {L} is essential.", "Proficiency in {L} is mandatory."),
    "fr": ("Une excellente maîtrise {L} est exigée.", "La maîtrise {L} (écrit et oral) est indispensable.",
           "Maîtrise parfaite {L}, à l'écrit comme à l'oral, obligatoire."),
    "es": ("Se requiere dominio {L}.", "Es imprescindible el dominio {L} (oral y escrito).",
           "Dominio {L}, hablado y escrito, obligatorio."),
}
_DESIRABLE = {
    "en": ("Knowledge of {L} is desirable.", "Working knowledge of {L} would be an asset.",
           "Knowledge of {L} is an advantage.", "Knowledge of {L} is considered an asset."),
    "fr": ("La connaissance {L} serait un atout.", "La connaissance {L} est souhaitable.",
           "Une connaissance pratique {L} constitue un avantage."),
    "es": ("Se valorará el conocimiento {L}.", "El conocimiento {L} es deseable.",
           "El conocimiento {L} será una ventaja."),
}


def required_sentence(f: Facts, rng: random.Random) -> str:
    return rng.choice(_REQUIRED[f.lang]).format(L=of(f.lang, f.required))


def desirable_sentence(f: Facts, rng: random.Random, codes: list[str]) -> str:
    return rng.choice(_DESIRABLE[f.lang]).format(L=of(f.lang, codes))


def official_list_sentence(f: Facts, rng: random.Random) -> str:
    listed = official_list(f.lang, f.official_list)
    return t(f.lang,
             f"Knowledge of another official UN language ({listed}) or a local language is an asset.",
             f"La connaissance d'une autre langue officielle de l'ONU ({listed}) ou d'une langue locale est un atout.",
             f"El conocimiento de otro idioma oficial de las Naciones Unidas ({listed}) o de un idioma local es una ventaja.")


def language_sentences(f: Facts, rng: random.Random) -> list[str]:
    """The required languages, then the desirable ones: in one sentence, in their own sentences,
    or desirable first ("While knowledge of French is desirable, fluency in English is essential")."""
    lang = f.lang
    out: list[str] = []
    if f.desirable and rng.random() < 0.35:
        r, d = of(lang, f.required), of(lang, f.desirable)
        out.append(rng.choice({
            "en": (f"Fluency in {r} is required; knowledge of {d} is desirable.",
                   f"Fluency in {r} is required, and knowledge of {d} would be an asset.",
                   f"While knowledge of {d} is desirable, fluency in {r} is essential."),
            "fr": (f"Une excellente maîtrise {r} est exigée ; la connaissance {d} serait un atout.",
                   f"Bien que la connaissance {d} soit souhaitable, la maîtrise {r} est indispensable."),
            "es": (f"Se requiere dominio {r}; el conocimiento {d} es deseable.",
                   f"Aunque el conocimiento {d} es deseable, el dominio {r} es imprescindible."),
        }[lang]))
    else:
        out.append(required_sentence(f, rng))
        if f.desirable:
            out.append(desirable_sentence(f, rng, f.desirable))
    if f.official_list:
        out.append(official_list_sentence(f, rng))
    return out


_CONTRACT_WORDS = {  # as a header names it, English / French / Spanish
    "fixed-term": (("Fixed Term", "FTA", "Fixed-Term Appointment (FTA)", "Fixed-term appointment"),
                   ("Durée déterminée", "Engagement de durée déterminée"),
                   ("Plazo fijo", "Nombramiento de plazo fijo")),
    "temporary": (("Temporary", "Temporary appointment", "Temporary Appointment (TA)"),
                  ("Temporaire", "Engagement temporaire"), ("Temporal", "Nombramiento temporal")),
    "continuing": (("Continuing", "Continuing appointment"), ("Engagement continu", "Nomination continue"),
                   ("Nombramiento continuo", "Continuo")),
    "consultancy": (("Consultancy", "Individual Contractor", "Individual consultant"),
                    ("Consultant individuel", "Contrat de consultant"),
                    ("Consultoría individual", "Contrato de consultoría")),
    "personnel-service-agreement": (("National Personnel Service Agreement (NPSA)", "Personnel Service Agreement"),
                                    ("Accord de services de personnel (NPSA)",),
                                    ("Acuerdo de servicios de personal (NPSA)",)),
    "internship": (("Internship",), ("Stage",), ("Pasantía",)),
    "volunteer": (("UN Volunteer",), ("Volontaire des Nations Unies",), ("Voluntariado de las Naciones Unidas",)),
    "service-contract": (("Service Contract",), ("Contrat de service",), ("Contrato de servicios",)),
}
_NGO_CONTRACT_WORDS = {"fixed-term": ("Fixed-term", "Contrat à durée déterminée (CDD)", "Contrato de duración determinada"),
                       "consultancy": ("Consultancy", "Mission de consultance", "Consultoría")}


def contract_words(f: Facts, rng: random.Random) -> str:
    assert f.contract is not None
    if f.family == "ngo" and f.contract in _NGO_CONTRACT_WORDS and rng.random() < 0.7:
        return _NGO_CONTRACT_WORDS[f.contract][WRITTEN[f.lang]]
    return rng.choice(_CONTRACT_WORDS[f.contract][WRITTEN[f.lang]])


def length(lang: str, months: int, rng: random.Random) -> str:
    """A contract's length: ``12 months``, ``one year``, ``364 days``, ``six mois``, ``un año``."""
    choices = {
        "en": {12: ("12 months", "one year", "1 year", "364 days"), 24: ("24 months", "two years", "2 years"),
               6: ("6 months", "six months"), 11: ("11 months", "eleven months"), 3: ("3 months", "three months")},
        "fr": {12: ("12 mois", "un an", "douze mois", "364 jours"), 24: ("24 mois", "deux ans"),
               6: ("6 mois", "six mois"), 11: ("11 mois", "onze mois"), 3: ("3 mois", "trois mois")},
        "es": {12: ("12 meses", "un año", "doce meses", "364 días"), 24: ("24 meses", "dos años"),
               6: ("6 meses", "seis meses"), 11: ("11 meses", "once meses"), 3: ("3 meses", "tres meses")},
    }[lang][months]
    return rng.choice(choices)


def duration_text(f: Facts, rng: random.Random) -> str:
    """The length and, when the posting says, whether it is renewable: "one year, renewable",
    "6 mois renouvelables", "un año, sin posibilidad de renovación"."""
    assert f.duration is not None
    span = length(f.lang, f.duration, rng)
    plural = not span.startswith(("un ", "one ", "1 "))
    if f.renewable is None:
        return span
    if f.lang == "en":
        tail = rng.choice((", renewable", ", with possibility of extension", ", renewable subject to performance and funding")
                          if f.renewable else (", non-renewable", " (not renewable)"))
    elif f.lang == "fr":
        s = "s" if plural else ""
        tail = rng.choice((f" renouvelable{s}", ", avec possibilité de prolongation")
                          if f.renewable else (f", non renouvelable{s}",))
    else:
        s = "s" if plural else ""
        tail = rng.choice((f" renovable{s}", ", con posibilidad de renovación")
                          if f.renewable else (f", no renovable{s}", ", sin posibilidad de renovación"))
    return span + tail


def duration_sentence(f: Facts, rng: random.Random) -> str:
    return t(f.lang, rng.choice((f"The initial appointment is for {duration_text(f, rng)}.",
                                 f"Duration of the contract: {duration_text(f, rng)}.")),
             f"Durée du contrat : {duration_text(f, rng)}.", f"Duración del contrato: {duration_text(f, rng)}.")


def renewal_sentence(f: Facts, rng: random.Random) -> str:
    """Renewable or not, with no length."""
    if f.renewable:
        return t(f.lang, "The appointment may be extended, subject to satisfactory performance and availability of funds.",
                 "Le contrat peut être renouvelé, sous réserve de performance satisfaisante et de fonds disponibles.",
                 "El contrato podrá renovarse, sujeto a un desempeño satisfactorio y a la disponibilidad de fondos.")
    return t(f.lang, "This appointment is not renewable.", "Ce contrat n'est pas renouvelable.",
             "Este contrato no es renovable.")


def home_sentence(f: Facts, rng: random.Random) -> str:
    if f.home:
        return rng.choice({
            "en": ("This is a home-based assignment.", "The incumbent will work remotely (home-based)."),
            "fr": ("Le poste est basé à domicile (télétravail).",
                   "Il s'agit d'une mission en télétravail, depuis le domicile du/de la titulaire."),
            "es": ("Modalidad: teletrabajo desde casa.", "Se trata de un puesto desde casa (teletrabajo)."),
        }[f.lang])
    return rng.choice({
        "en": ("This is not a home-based assignment.",
               "This position is not home-based: the incumbent must be physically present at the duty station."),
        "fr": ("Le télétravail n'est pas possible pour ce poste.",
               "Le poste n'est pas en télétravail : présence requise sur place."),
        "es": ("Este puesto no es una modalidad desde casa: se requiere presencia en la oficina.",
               "El trabajo es presencial en la oficina."),
    }[f.lang])


def yes_no(f: Facts, value: bool) -> str:
    return t(f.lang, "Yes", "Oui", "Sí") if value else t(f.lang, "No", "Non", "No")


def distractor_sentence(f: Facts, rng: random.Random) -> str:
    d = f.distractor
    return rng.choice({
        "en": (f"The incumbent reports to the Chief of Section, {d}.",
               f"Under the direct supervision of the Head of Office ({d}), the incumbent coordinates the team's work.",
               f"The position reports to the Senior Programme Officer ({d})."),
        "fr": (f"Le/la titulaire relève du Chef de section, {d}.",
               f"Sous la supervision directe du Chef de bureau ({d}), le/la titulaire coordonne les travaux de l'équipe."),
        "es": (f"El/la titular reporta al Jefe de Sección, {d}.",
               f"Bajo la supervisión directa del Jefe de Oficina ({d}), el/la titular coordina el trabajo del equipo."),
    }[f.lang])


def project_sentence(f: Facts) -> str:
    return t(f.lang, "The incumbent will support a three-year project funded by the European Union.",
             "Le/la titulaire appuiera un projet de trois ans financé par l'Union européenne.",
             "El/la titular apoyará un proyecto de tres años financiado por la Unión Europea.")


def p(*sentences: str) -> str:
    return "<p>" + " ".join(escape(s) for s in sentences if s) + "</p>"


def ul(items: list[str]) -> str:
    return "<ul>\n" + "\n".join(f"  <li>{escape(item)}</li>" for item in items) + "\n</ul>"


def h(text: str, level: int = 4) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"


def labelled(lang: str, label: str, value: str, bold: bool = False) -> str:
    """``<p><strong>Education:</strong> ...</p>``, with French typography (``Formation :``)."""
    colon = " :" if lang == "fr" else ":"
    shown = f"<strong>{escape(label)}{colon}</strong>" if bold else f"{escape(label)}{colon}"
    return f"<p>{shown} {escape(value)}</p>"


Row = tuple[str, str, bool]
"""A header line: label, value, whether a colon separates them."""


def header(f: Facts, rng: random.Random, rows: list[Row]) -> str:
    """Header lines ("Grade: P-3", "Contract Type: Fixed Term") as lines, bold labels, a list or
    a table (a table when the grade is to be shown in a table row)."""
    if not rows:
        return ""
    style = "table" if f.grade_style == "table" and f.grade_shown else rng.choice(("lines", "bold", "list", "lines"))
    colon = " :" if f.lang == "fr" else ":"
    if style == "table":
        cells = "\n".join(f"<tr><td>{escape(label)}</td><td>{escape(value)}</td></tr>" for label, value, _ in rows)
        return f"<table>\n{cells}\n</table>"

    def line(label: str, value: str, with_colon: bool) -> str:
        if not with_colon:
            return f"{escape(label)} {escape(value)}"
        if style == "bold":
            return f"<strong>{escape(label)}{colon}</strong> {escape(value)}"
        return f"{escape(label)}{colon} {escape(value)}"

    if style == "list":
        return "<ul>\n" + "\n".join(f"  <li>{line(*row)}</li>" for row in rows) + "\n</ul>"
    return "<p>" + "<br>\n".join(line(*row) for row in rows) + "</p>"


def grade_row(f: Facts, label: str) -> list[Row]:
    if not f.grade_shown or f.grade_style in ("title", "classification"):
        return []
    return [(label, f.grade_shown, f.grade_style != "bare")]


def contract_row(f: Facts, rng: random.Random, label: str) -> list[Row]:
    return [(label, contract_words(f, rng), True)] if f.contract_shown else []


def duration_row(f: Facts, rng: random.Random, label: str) -> list[Row]:
    return [(label, duration_text(f, rng), True)] if f.duration_shown else []


def closing(f: Facts, rng: random.Random, home_in_header: bool = False) -> list[str]:
    """What ends every template: a renewal note, home-based or not, the deadline."""
    parts = []
    if f.renewal_only:
        parts.append(p(renewal_sentence(f, rng)))
    if f.home_shown and not home_in_header:
        parts.append(p(home_sentence(f, rng)))
    if f.deadline_sentence:
        parts.append(p(f.deadline_sentence))
    return parts


def intro(f: Facts, rng: random.Random, history: tuple[str, str, str] | None = None) -> list[str]:
    """A distractor or two before the requirements: another post's grade, a three-year project,
    the organization's age."""
    parts = []
    sentences = []
    if history and f.history_distractor:
        sentences.append(t(f.lang, *history))
    if f.distractor:
        sentences.append(distractor_sentence(f, rng))
    if f.project_distractor:
        sentences.append(project_sentence(f))
    if sentences:
        parts.append(p(*sentences))
    return parts


# ---------------------------------------------------------------------------------------------
# The templates, one per organization family.


def _secretariat(f: Facts, rng: random.Random) -> list[str]:
    """The UN Secretariat (UNOCT, OCHA): Education, Work Experience, Languages; the working
    languages note; "For this position, fluency in English is required"."""
    lang = f.lang
    rows: list[Row] = []
    if f.grade_shown and f.grade_style == "title":
        rows.append((t(lang, "Posting Title", "Intitulé du poste", "Título del puesto"),
                     f"{f.title.upper().rstrip()}, {f.grade_shown}", True))
    rows += grade_row(f, t(lang, "Grade", "Classe", "Categoría"))
    rows += contract_row(f, rng, t(lang, "Contract type", "Type de contrat", "Tipo de contrato"))
    parts = [header(f, rng, rows)] if rows else []
    parts += intro(f, rng)
    parts.append(h(t(lang, "Education", "Formation", "Educación")))
    parts.append(p(*education_block(f, rng)))
    parts.append(h(t(lang, "Work Experience", "Expérience professionnelle", "Experiencia laboral")))
    experience = [experience_sentence(f, rng)] if f.years is not None else [
        t(lang, f"Experience in {f.subject} is required.", f"Une expérience en {f.subject} est exigée.",
          f"Se requiere experiencia en {f.subject}.")]
    experience.append(t(lang, "Experience in the United Nations system is desirable.",
                        "Une expérience au sein du système des Nations Unies est souhaitable.",
                        "Es deseable experiencia en el sistema de las Naciones Unidas."))
    parts.append(p(*experience))
    parts.append(h(t(lang, "Languages", "Connaissances linguistiques", "Idiomas")))
    note = t(lang, "English and French are the working languages of the United Nations Secretariat.",
             "L'anglais et le français sont les langues de travail du Secrétariat de l'Organisation des Nations Unies.",
             "El francés y el inglés son los idiomas de trabajo de la Secretaría de las Naciones Unidas.")
    required = t(lang, f"For this position, fluency in {of(lang, f.required)} is required.",
                 f"Pour ce poste, la maîtrise {of(lang, f.required)} est indispensable.",
                 f"Para este puesto, se requiere fluidez en {names(lang, f.required)}.")
    languages = [note, required]
    if f.desirable:
        languages.append(desirable_sentence(f, rng, f.desirable))
    if f.official_list:
        listed = official_list(lang, f.official_list)
        languages.append(t(lang, f"Knowledge of another official United Nations language ({listed}) is an advantage.",
                           f"La connaissance d'une autre langue officielle de l'Organisation ({listed}) est un atout.",
                           f"El conocimiento de otro idioma oficial de las Naciones Unidas ({listed}) es una ventaja."))
    elif rng.random() < 0.3:
        languages.append(t(lang, "Knowledge of another official United Nations language is an advantage.",
                           "La connaissance d'une autre langue officielle de l'Organisation est un atout.",
                           "El conocimiento de otro idioma oficial de las Naciones Unidas es una ventaja."))
    parts.append(p(*languages))
    if f.duration_shown:
        parts.append(h(t(lang, "Special Notice", "Notice spéciale", "Aviso especial")))
        parts.append(p(t(lang, f"The appointment is for an initial period of {duration_text(f, rng)}.",
                         f"Durée initiale de l'engagement : {duration_text(f, rng)}.",
                         f"El nombramiento es por un período inicial de {duration_text(f, rng)}.")))
    return parts + closing(f, rng)


def _undp(f: Facts, rng: random.Random) -> list[str]:
    """UNDP's Quantum ads: header lines (Grade, Contract Type, Duration of Initial Contract,
    Home-based), "Min. Education requirements", "Min. years of relevant work experience" (with the
    years each degree needs), "Required Language(s)", "Desired languages"."""
    lang = f.lang
    rows: list[Row] = [(t(lang, "Job Identification", "Identification du poste", "Identificación del puesto"),
                        f.post_number[-5:], True)]
    rows += grade_row(f, t(lang, "Grade", "Grade", "Grado"))
    rows += contract_row(f, rng, t(lang, "Contract Type", "Type de contrat", "Tipo de contrato"))
    rows += duration_row(f, rng, t(lang, "Duration of Initial Contract", "Durée du contrat initial",
                                   "Duración del contrato inicial"))
    home_in_header = f.home_shown and rng.random() < 0.7
    if home_in_header:
        rows.append((t(lang, "Home-based", "Basé à domicile", "Desde casa"), yes_no(f, bool(f.home)), True))
    if rng.random() < 0.5:
        rows.append((t(lang, "Vacancy Timeline", "Durée de publication", "Plazo de la vacante"),
                     t(lang, "2 Weeks", "2 semaines", "2 semanas"), True))
    parts = [header(f, rng, rows)] + intro(f, rng)
    parts.append(h(t(lang, "Min. Education requirements", "Exigences minimales en matière de formation",
                     "Requisitos mínimos de educación"), 5))
    if f.alternatives and f.alternatives[-1][0] == "secondary":
        parts.append(p(education_sentence(f, rng, "secondary"),
                       t(lang, f"A university degree (Bachelor's degree) in {f.subject} will be given due consideration,"
                               " but it is not a requirement.",
                         f"Un diplôme universitaire (licence) en {f.subject} sera dûment pris en considération,"
                         " mais n'est pas exigé.",
                         f"Un título universitario (licenciatura) en {f.subject} será debidamente considerado,"
                         " pero no es un requisito.")))
    else:
        parts.append(p(*education_block(f, rng)))
    if f.years is not None:
        parts.append(h(t(lang, "Min. years of relevant work experience",
                         "Nombre minimal d'années d'expérience professionnelle pertinente",
                         "Mínimo de años de experiencia laboral relevante"), 5))
        if f.alternatives:
            short = _DEGREE_SHORT[lang]
            with_ = t(lang, "with", "avec", "con")
            pieces = [f"{years_of(lang, years, rng, str(years))} ({with_} {short[level]})" for level, years in f.alternatives]
            line = f" {t(lang, 'or', 'ou', 'o')} ".join(pieces)
            if rng.random() < 0.5:
                line = t(lang, f"Minimum {line} of relevant experience in {f.subject}.",
                         f"Minimum {line} d'expérience pertinente en {f.subject}.",
                         f"Mínimo {line} de experiencia relevante en {f.subject}.")
            parts.append(p(line))
        else:
            parts.append(p(experience_sentence(f, rng)))
    parts.append(h(t(lang, "Required skills", "Compétences requises", "Habilidades requeridas"), 5))
    parts.append(p(t(lang, "Experience in the use of computers and office software packages.",
                     "Expérience de l'utilisation des logiciels de bureautique.",
                     "Experiencia en el uso de computadoras y paquetes de software de oficina.")))
    parts.append(h(t(lang, "Required Language(s)", "Langue(s) requise(s)", "Idioma(s) requerido(s)"), 5))
    bare = rng.random() < 0.6
    parts.append(p(names(lang, f.required) if bare else required_sentence(f, rng)))
    desired = f.desirable + f.official_list
    if desired:
        parts.append(h(t(lang, "Desired languages", "Langues souhaitées", "Idiomas deseados"), 5))
        if f.official_list:
            listed = official_list(lang, f.official_list)
            parts.append(p(t(lang, f"Working knowledge of another UN language ({listed}).",
                             f"Connaissance pratique d'une autre langue de l'ONU ({listed}).",
                             f"Conocimiento práctico de otro idioma de la ONU ({listed})."),
                           desirable_sentence(f, rng, f.desirable) if f.desirable else ""))
        else:
            parts.append(p(names(lang, f.desirable) if bare else desirable_sentence(f, rng, f.desirable)))
    return parts + closing(f, rng, home_in_header)


def _unicef(f: Facts, rng: random.Random) -> list[str]:
    """UNICEF: "To qualify as an advocate for every child you will have…", a minimum "of which at
    least N years at the international level", "another official UN language (...) or a local
    language is an asset"."""
    lang = f.lang
    rows: list[Row] = [(t(lang, "Job no", "Numéro du poste", "N.º de vacante"), f.post_number[-6:], True)]
    rows += contract_row(f, rng, t(lang, "Contract type", "Type de contrat", "Tipo de contrato"))
    rows += grade_row(f, t(lang, "Level", "Niveau", "Nivel"))
    rows += duration_row(f, rng, t(lang, "Duration", "Durée", "Duración"))
    parts = [header(f, rng, rows)]
    parts += intro(f, rng, ("For over 70 years, UNICEF has worked in the world's toughest places to reach the most"
                            " disadvantaged children.",
                            "Depuis plus de 70 ans, l'UNICEF œuvre dans les endroits les plus difficiles du monde"
                            " pour atteindre les enfants les plus défavorisés.",
                            "Desde hace más de 70 años, UNICEF trabaja en los lugares más difíciles del mundo para"
                            " llegar a los niños y niñas más desfavorecidos."))
    parts.append(h(t(lang, "To qualify as an advocate for every child you will have…",
                     "Pour défendre les droits de chaque enfant, vous devez avoir…",
                     "Para ser defensor/a de todos los niños y niñas, usted deberá tener…")))
    items = education_block(f, rng)
    if f.years is not None:
        items.append(experience_sentence(f, rng))
    items.append(t(lang, "Developing country work experience and/or familiarity with emergency is considered an asset.",
                   "Une expérience de travail dans un pays en développement ou en situation d'urgence est un atout.",
                   "Se valorará la experiencia de trabajo en países en desarrollo o en situaciones de emergencia."))
    items.append(" ".join(language_sentences(f, rng)))
    parts.append(ul(items))
    return parts + closing(f, rng)


def _unhcr(f: Facts, rng: random.Random) -> list[str]:
    """UNHCR: "Years of Experience / Degree Level" (the years each degree needs), Field(s) of
    Education, Essential / Desirable experience and languages, "Remote work accepted"."""
    lang = f.lang
    rows: list[Row] = []
    if f.home is not True and rng.random() < 0.4:
        rows.append((t(lang, "Hardship Level (not applicable for home-based)",
                       "Niveau de difficulté (ne s'applique pas au télétravail)",
                       "Nivel de dificultad (no aplica al trabajo desde casa)"), "A", True))
    rows += grade_row(f, t(lang, "Grade", "Grade", "Grado"))
    rows += contract_row(f, rng, t(lang, "Type of Contract", "Type de contrat", "Tipo de contrato"))
    rows += duration_row(f, rng, t(lang, "Duration", "Durée", "Duración"))
    home_in_header = f.home_shown and rng.random() < 0.6
    if home_in_header:
        rows.append((t(lang, "Remote work accepted", "Télétravail accepté", "Se acepta trabajo remoto"),
                     yes_no(f, bool(f.home)), True))
    parts = [header(f, rng, rows)] if rows else []
    parts += intro(f, rng, ("For over 70 years, UNHCR has protected people forced to flee.",
                            "Depuis plus de 70 ans, le HCR protège les personnes contraintes de fuir.",
                            "Desde hace más de 70 años, ACNUR protege a las personas obligadas a huir."))
    parts.append(h(t(lang, "Education & Professional Work Experience", "Formation et expérience professionnelle",
                     "Educación y experiencia profesional")))
    degree = {
        "en": {"secondary": "High School Diploma", "bachelor": "Undergraduate degree", "master": "Graduate degree",
               "doctorate": "Doctorate degree"},
        "fr": {"secondary": "un diplôme d'études secondaires", "bachelor": "un diplôme de premier cycle",
               "master": "un diplôme de deuxième cycle (master)", "doctorate": "un doctorat"},
        "es": {"secondary": "título de bachiller", "bachelor": "título universitario de grado",
               "master": "título de posgrado (maestría)", "doctorate": "doctorado"},
    }[lang]
    if f.alternatives:
        pairs = list(reversed(f.alternatives))  # the lowest degree (most years) first, as UNHCR writes it
        pieces = [t(lang, f"{years_of(lang, years, rng, str(years))} relevant experience with {degree[level]}",
                    f"{years_of(lang, years, rng, str(years))} d'expérience pertinente avec {degree[level]}",
                    f"{years_of(lang, years, rng, str(years))} de experiencia relevante con {degree[level]}")
                  for level, years in pairs]
        if pairs[-1][0] == "bachelor" and pairs[0][0] == "secondary":
            pieces[-1] += t(lang, " or equivalent or higher", " ou équivalent ou supérieur", " o equivalente o superior")
        prefix = _unhcr_grade_prefix(f)
        parts.append(labelled(lang, t(lang, "Years of Experience / Degree Level", "Années d'expérience / Niveau de diplôme",
                                      "Años de experiencia / Nivel de titulación"),
                              prefix + f"; {t(lang, 'or', 'ou', 'o')} ".join(pieces), bold=True))
    else:
        parts.append(labelled(lang, t(lang, "Degree Level", "Niveau de diplôme", "Nivel de titulación"),
                              " ".join(education_block(f, rng)), bold=True))
        if f.years is not None:
            parts.append(p(experience_sentence(f, rng)))
    parts.append(labelled(lang, t(lang, "Field(s) of Education", "Domaine(s) d'études", "Campo(s) de estudio"),
                          f.subject.capitalize(), bold=True))
    parts.append(h(t(lang, "Relevant Job Experience", "Expérience professionnelle pertinente",
                     "Experiencia laboral relevante"), 5))
    essential = t(lang, f"Essential: Experience in {f.subject} in a field setting.",
                  f"Essentiel : Expérience en {f.subject} sur le terrain.",
                  f"Esencial: Experiencia en {f.subject} en el terreno.")
    desired = [t(lang, "Desired: Experience working with refugees and displaced populations.",
                 "Souhaité : Expérience de travail auprès des réfugiés et des personnes déplacées.",
                 "Deseable: Experiencia de trabajo con refugiados y poblaciones desplazadas.")]
    if f.years is not None and rng.random() < 0.5:
        more = years_of(lang, f.years + 3, rng)
        desired.append(upper_first(t(lang, f"{more} or more of experience in emergency operations.",
                                     f"{more} ou plus d'expérience dans les opérations d'urgence.",
                                     f"{more} o más de experiencia en operaciones de emergencia.")))
    parts.append(ul([essential, " ".join(desired)]))
    parts.append(h(t(lang, "Language Requirements", "Connaissances linguistiques", "Requisitos de idiomas"), 5))
    items = [t(lang, f"Essential: Knowledge of {of(lang, f.required)}.",
               f"Essentiel : Connaissance {of(lang, f.required)}.",
               f"Esencial: Conocimiento {of(lang, f.required)}.")]
    desirable = f.desirable + f.official_list
    if desirable:
        items.append(t(lang, f"Desirable: Knowledge of {of(lang, desirable)}.",
                       f"Souhaitable : Connaissance {of(lang, desirable)}.",
                       f"Deseable: Conocimiento {of(lang, desirable)}."))
    parts.append(ul(items))
    return parts + closing(f, rng, home_in_header)


def _unhcr_grade_prefix(f: Facts) -> str:
    """UNHCR names the grades its requirement is for ("For P3/NOC - "), only when the posting's
    grade is stated elsewhere (its Grade row or a header line) and is one of them."""
    pairs = {"P-2": "P2/NOB", "P-3": "P3/NOC", "P-4": "P4/NOD", "G-5": "G5", "G-6": "G6"}
    if f.grade in pairs and (f.grade_shown or f.grade_from_posting):
        return t(f.lang, f"For {pairs[f.grade]} - ", f"Pour {pairs[f.grade]} - ", f"Para {pairs[f.grade]} - ")
    return ""


def _who(f: Facts, rng: random.Random) -> list[str]:
    """WHO: "Education — Essential: ... Desirable: ...", "Experience — Essential / Desirable",
    "Expert knowledge of English", "Intermediate knowledge of French is desirable"."""
    lang = f.lang
    rows = grade_row(f, t(lang, "Grade", "Grade", "Grado"))
    rows += contract_row(f, rng, t(lang, "Contractual Arrangement", "Type d'engagement", "Tipo de contrato"))
    rows += duration_row(f, rng, t(lang, "Contract Duration (Years, Months, Days)", "Durée du contrat (années, mois, jours)",
                                   "Duración del contrato (años, meses, días)"))
    rows.append((t(lang, "Schedule", "Horaire", "Horario"), t(lang, "Full-time", "Temps plein", "Tiempo completo"), True))
    parts = [header(f, rng, rows)] + intro(f, rng)
    essential, desirable = t(lang, "Essential", "Essentiel", "Esencial"), t(lang, "Desirable", "Souhaitable", "Deseable")
    colon = " :" if lang == "fr" else ":"
    parts.append(h(t(lang, "Education", "Formation", "Formación académica")))
    items = [f"{essential}{colon} {' '.join(education_block(f, rng))}"]
    if (higher := higher_degree(f, rng)) is not None:
        items.append(f"{desirable}{colon} {higher}")
    parts.append(ul(items))
    parts.append(h(t(lang, "Experience", "Expérience", "Experiencia")))
    if f.years is not None:
        items = [f"{essential}{colon} {experience_sentence(f, rng)}"]
        more = years_of(lang, f.years + rng.choice((2, 3, 5)), rng)
        items.append(f"{desirable}{colon} " + rng.choice((
            upper_first(t(lang, f"{more} or more of experience at the international level.",
                          f"{more} ou plus d'expérience au niveau international.",
                          f"{more} o más de experiencia a nivel internacional.")),
            t(lang, "Experience working with WHO or other UN agencies.",
              "Expérience de travail à l'OMS ou dans d'autres organismes des Nations Unies.",
              "Experiencia de trabajo en la OMS u otros organismos de las Naciones Unidas."))))
    else:
        items = [f"{essential}{colon} " + t(lang, f"Experience in {f.subject} at national and international levels.",
                                            f"Expérience en {f.subject} aux niveaux national et international.",
                                            f"Experiencia en {f.subject} a nivel nacional e internacional.")]
    parts.append(ul(items))
    parts.append(h(t(lang, "Languages", "Langues", "Idiomas")))
    expert = t(lang, f"Expert knowledge of {of(lang, f.required)}.", f"Connaissance experte {of(lang, f.required)}.",
               f"Conocimiento experto {of(lang, f.required)}.")
    wanted = f.desirable + f.official_list
    if rng.random() < 0.5:
        items = [f"{essential}{colon} {expert}"]
        if wanted:
            items.append(f"{desirable}{colon} " + t(lang, f"Intermediate knowledge of {of(lang, wanted)}.",
                                                    f"Connaissance intermédiaire {of(lang, wanted)}.",
                                                    f"Conocimiento intermedio {of(lang, wanted)}."))
        parts.append(ul(items))
    else:
        sentences = [expert]
        if wanted:
            sentences.append(t(lang, f"Intermediate knowledge of {of(lang, wanted)} is desirable.",
                               f"Une connaissance intermédiaire {of(lang, wanted)} est souhaitable.",
                               f"Se valorará un conocimiento intermedio {of(lang, wanted)}."))
        parts.append(p(*sentences))
    return parts + closing(f, rng)


_IOM_CLASS = {
    "professional": ("Professional Staff", "Administrateur", "Personal profesional"),
    "general-service": ("General Service Staff", "Services généraux", "Servicios generales"),
    "national-officer": ("National Officer", "Administrateur recruté sur le plan national", "Oficial nacional"),
}


def _iom(f: Facts, rng: random.Random) -> list[str]:
    """IOM: "Classification: Professional Staff, Grade P3", "Type of Appointment: Fixed term, one
    year with possibility of extension", education with the years each degree needs, the note on
    IOM's official languages."""
    lang = f.lang
    rows: list[Row] = [(t(lang, "Position Title", "Intitulé du poste", "Título del puesto"), f.title.rstrip(), True)]
    if f.grade_shown and f.grade_style == "classification":
        rows.append((t(lang, "Classification", "Classification", "Clasificación"),
                     f"{_IOM_CLASS[f.grade_category][WRITTEN[lang]]}, {t(lang, 'Grade', 'grade', 'grado')} {f.grade_shown}", True))
    rows += grade_row(f, t(lang, "Grade", "Grade", "Grado"))
    if f.contract_shown:
        value = contract_words(f, rng)
        if f.duration_shown:
            value += ", " + duration_text(f, rng)
        rows.append((t(lang, "Type of Appointment", "Type d'engagement", "Tipo de nombramiento"), value, True))
    else:
        rows += duration_row(f, rng, t(lang, "Duration", "Durée", "Duración"))
    rows.append((t(lang, "Estimated Start Date", "Date d'entrée en fonction prévue", "Fecha estimada de inicio"),
                 t(lang, "As soon as possible", "Dès que possible", "Lo antes posible"), True))
    parts = [header(f, rng, rows)] + intro(f, rng)
    parts.append(h(t(lang, "Required Qualifications and Experience", "Qualifications et expérience requises",
                     "Calificaciones y experiencia requeridas")))
    if f.alternatives and f.years is not None:
        degree = {
            "en": {"secondary": "Completion of secondary education", "bachelor": "University degree",
                   "master": "Master's degree", "doctorate": "PhD"},
            "fr": {"secondary": "Diplôme d'études secondaires", "bachelor": "Diplôme universitaire (licence)",
                   "master": "Master", "doctorate": "Doctorat"},
            "es": {"secondary": "Educación secundaria completa", "bachelor": "Título universitario (licenciatura)",
                   "master": "Maestría", "doctorate": "Doctorado"},
        }[lang]
        pieces = []
        for i, (level, years) in enumerate(f.alternatives):
            span = years_of(lang, years, rng, number(lang, years, rng) if years <= 10 else str(years))
            where = "" if level == "secondary" else t(
                lang, f" in {f.subject}" if i == 0 else " in the above fields",
                f" en {f.subject}" if i == 0 else " dans les domaines susmentionnés",
                f" en {f.subject}" if i == 0 else " en las áreas mencionadas")
            pieces.append(t(lang, f"{degree[level]}{where} with {span} of relevant professional experience",
                            f"{degree[level]}{where} avec {span} d'expérience professionnelle pertinente",
                            f"{degree[level]}{where} con {span} de experiencia profesional relevante"))
        parts.append(labelled(lang, t(lang, "Education", "Formation", "Educación"),
                              f"; {t(lang, 'or', 'ou', 'o')} ".join(pieces) + ".", bold=True))
        parts.append(labelled(lang, t(lang, "Experience", "Expérience", "Experiencia"),
                              t(lang, "Experience working with migrants, refugees or internally displaced persons is an advantage.",
                                "Une expérience de travail auprès des migrants ou des personnes déplacées est un atout.",
                                "Se valorará la experiencia de trabajo con migrantes o personas desplazadas."), bold=True))
    else:
        parts.append(labelled(lang, t(lang, "Education", "Formation", "Educación"), " ".join(education_block(f, rng)), bold=True))
        parts.append(labelled(lang, t(lang, "Experience", "Expérience", "Experiencia"),
                              experience_sentence(f, rng) if f.years is not None else
                              t(lang, f"Experience in {f.subject} is required.", f"Une expérience en {f.subject} est exigée.",
                                f"Se requiere experiencia en {f.subject}."), bold=True))
    parts.append(h(t(lang, "Languages", "Langues", "Idiomas"), 5))
    note = t(lang, "IOM's official languages are English, French, and Spanish.",
             "Les langues officielles de l'OIM sont l'anglais, le français et l'espagnol.",
             "Los idiomas oficiales de la OIM son el español, el francés y el inglés.")
    required = t(lang, f"For this position, fluency in {of(lang, f.required)} is required (oral and written).",
                 f"Pour ce poste, la maîtrise {of(lang, f.required)} est requise (oral et écrit).",
                 f"Para este puesto, se requiere dominio {of(lang, f.required)} (oral y escrito).")
    sentences = [note, required]
    if f.desirable:
        sentences.append(t(lang, f"Working knowledge of {of(lang, f.desirable)} is an advantage.",
                           f"Une connaissance pratique {of(lang, f.desirable)} est un atout.",
                           f"El conocimiento práctico {of(lang, f.desirable)} es una ventaja."))
    if f.official_list:
        sentences.append(official_list_sentence(f, rng))
    parts.append(p(*sentences))
    return parts + closing(f, rng)


def _wfp(f: Facts, rng: random.Random) -> list[str]:
    """WFP: STANDARD MINIMUM QUALIFICATIONS (Education, Experience, Language), the first degree
    "with additional years of related work experience", "a second official UN language (...)"."""
    lang = f.lang
    rows = grade_row(f, t(lang, "Grade", "Grade", "Grado"))
    rows += contract_row(f, rng, t(lang, "Type of contract", "Type de contrat", "Tipo de contrato"))
    rows += duration_row(f, rng, t(lang, "Duration", "Durée", "Duración"))
    parts = [header(f, rng, rows)] if rows else []
    parts += intro(f, rng, ("For over 60 years, WFP has been fighting hunger worldwide.",
                            "Depuis plus de 60 ans, le PAM lutte contre la faim dans le monde.",
                            "Desde hace más de 60 años, el PMA lucha contra el hambre en el mundo."))
    parts.append(h(t(lang, "STANDARD MINIMUM QUALIFICATIONS", "QUALIFICATIONS MINIMALES REQUISES", "REQUISITOS MÍNIMOS")))
    if f.in_lieu and rng.random() < 0.6:
        education = t(lang, f"Advanced University degree in {f.subject} or First University degree with additional years"
                            " of related work experience and/or trainings/courses.",
                      f"Diplôme universitaire supérieur en {f.subject} ou diplôme universitaire de premier cycle complété"
                      " par des années supplémentaires d'expérience professionnelle pertinente et/ou de formations.",
                      f"Título universitario avanzado en {f.subject} o título universitario de primer nivel con años"
                      " adicionales de experiencia laboral relacionada y/o cursos de formación.")
    else:
        education = " ".join(education_block(f, rng))
    parts.append(labelled(lang, t(lang, "Education", "Formation", "Educación"), education, bold=True))
    if f.years is not None:
        parts.append(labelled(lang, t(lang, "Experience", "Expérience", "Experiencia"), experience_sentence(f, rng), bold=True))
    required = t(lang, f"Fluency (level C) in {names(lang, f.required)} language.", f"Maîtrise (niveau C) {of(lang, f.required)}.",
                 f"Dominio (nivel C) {of(lang, f.required)}.")
    sentences = [required]
    listed = [code for code in f.official_list]
    if listed:
        portuguese = "pt" in f.desirable
        names_listed = official_list(lang, listed)
        tail = t(lang, " or Portuguese", " ou du portugais", " o del portugués") if portuguese else ""
        sentences.append(t(lang, f"Intermediate knowledge (level B) of a second official UN language ({names_listed}){tail} is desirable.",
                           f"Une connaissance intermédiaire (niveau B) d'une deuxième langue officielle de l'ONU ({names_listed}){tail} est souhaitable.",
                           f"Es deseable un conocimiento intermedio (nivel B) de un segundo idioma oficial de la ONU ({names_listed}){tail}."))
        others = [code for code in f.desirable if code != "pt"]
        if others:
            sentences.append(desirable_sentence(f, rng, others))
    elif f.desirable:
        sentences.append(desirable_sentence(f, rng, f.desirable))
    parts.append(labelled(lang, t(lang, "Language", "Langues", "Idiomas"), " ".join(sentences), bold=True))
    return parts + closing(f, rng)


def _unwomen(f: Facts, rng: random.Random) -> list[str]:
    """UN Women: "Post Level", "Type of Contract", "Duration of Initial Contract", "Languages
    Required"; Education and Certification, Experience, Languages."""
    lang = f.lang
    rows = grade_row(f, t(lang, "Post Level", "Niveau du poste", "Nivel del puesto"))
    rows += contract_row(f, rng, t(lang, "Type of Contract", "Type de contrat", "Tipo de contrato"))
    rows += duration_row(f, rng, t(lang, "Duration of Initial Contract", "Durée du contrat initial",
                                   "Duración del contrato inicial"))
    if rng.random() < 0.5:
        rows.append((t(lang, "Languages Required", "Langues requises", "Idiomas requeridos"), names(lang, f.required), True))
    parts = [header(f, rng, rows)] if rows else []
    parts += intro(f, rng)
    parts.append(h(t(lang, "Education and Certification", "Formation et certification", "Educación y certificación"), 5))
    parts.append(ul(education_block(f, rng)))
    parts.append(h(t(lang, "Experience", "Expérience", "Experiencia"), 5))
    items = [experience_sentence(f, rng)] if f.years is not None else []
    items.append(t(lang, "Experience in gender equality and women's empowerment is desirable.",
                   "Une expérience en matière d'égalité des sexes est souhaitable.",
                   "Es deseable experiencia en igualdad de género y empoderamiento de las mujeres."))
    parts.append(ul(items))
    parts.append(h(t(lang, "Languages", "Langues", "Idiomas"), 5))
    sentences = language_sentences(f, rng)
    if not f.official_list and rng.random() < 0.4:
        sentences.append(t(lang, "Knowledge of another UN official language is an asset.",
                           "La connaissance d'une autre langue officielle de l'ONU est un atout.",
                           "El conocimiento de otro idioma oficial de la ONU es una ventaja."))
    parts.append(ul(sentences))
    return parts + closing(f, rng)


def _unesco(f: Facts, rng: random.Random) -> list[str]:
    """UNESCO: header (often a table), REQUIRED QUALIFICATIONS and DESIRABLE QUALIFICATIONS,
    "of which preferably N years acquired at international level"."""
    lang = f.lang
    rows: list[Row] = [(t(lang, "Post Number", "Numéro du poste", "Número de puesto"), f"ED {f.post_number[-4:]}", True)]
    rows += grade_row(f, t(lang, "Grade", "Classe", "Grado"))
    rows.append((t(lang, "Parent Sector", "Secteur de rattachement", "Sector"),
                 t(lang, "Education Sector (ED)", "Secteur de l'éducation (ED)", "Sector de Educación (ED)"), True))
    rows += contract_row(f, rng, t(lang, "Type of contract", "Type de contrat", "Tipo de contrato"))
    rows += duration_row(f, rng, t(lang, "Duration of contract", "Durée du contrat", "Duración del contrato"))
    rows.append((t(lang, "Recruitment open to", "Recrutement ouvert à", "Contratación abierta a"),
                 t(lang, "External candidates", "Candidats externes", "Candidatos externos"), True))
    parts = [header(f, rng, rows)] + intro(f, rng)
    parts.append(h(t(lang, "REQUIRED QUALIFICATIONS", "QUALIFICATIONS REQUISES", "CALIFICACIONES REQUERIDAS")))
    parts.append(labelled(lang, t(lang, "Education", "Formation", "Educación"), " ".join(education_block(f, rng)), bold=True))
    if f.years is not None:
        if f.years_style == "sub" and rng.random() < 0.5:
            assert f.sub_years is not None
            span, part = years_of(lang, f.years, rng), years_of(lang, f.sub_years, rng)
            experience = t(lang, f"A minimum of {span} of relevant professional experience in {f.subject}, of which"
                                 f" preferably {part} acquired at international level.",
                           f"Au moins {span} d'expérience professionnelle pertinente en {f.subject}, dont de"
                           f" préférence {part} acquis au niveau international.",
                           f"Un mínimo de {span} de experiencia profesional relevante en {f.subject}, de los cuales"
                           f" preferiblemente {part} adquirido{'s' if f.sub_years > 1 else ''} a nivel internacional.")
        else:
            experience = experience_sentence(f, rng)
        parts.append(labelled(lang, t(lang, "Work Experience", "Expérience professionnelle", "Experiencia laboral"),
                              experience, bold=True))
    parts.append(labelled(lang, t(lang, "Languages", "Langues", "Idiomas"),
                          t(lang, f"Excellent knowledge (written and spoken) of {of(lang, f.required)}.",
                            f"Excellente connaissance (écrite et orale) {of(lang, f.required)}.",
                            f"Excelente conocimiento (escrito y oral) {of(lang, f.required)}.")
                          + (" " + t(lang, "The working languages of UNESCO are English and French.",
                                     "Les langues de travail de l'UNESCO sont l'anglais et le français.",
                                     "Los idiomas de trabajo de la UNESCO son el francés y el inglés.")
                             if rng.random() < 0.4 else ""), bold=True))
    desirable_parts = []
    if (higher := higher_degree(f, rng)) is not None and rng.random() < 0.7:
        desirable_parts.append(labelled(lang, t(lang, "Education", "Formation", "Educación"), higher, bold=True))
    desirable_parts.append(labelled(lang, t(lang, "Work Experience", "Expérience professionnelle", "Experiencia laboral"),
                                    t(lang, "Experience within the United Nations system.",
                                      "Expérience au sein du système des Nations Unies.",
                                      "Experiencia en el sistema de las Naciones Unidas."), bold=True))
    languages = []
    if f.desirable:  # under the DESIRABLE heading, with or without an asset word of their own
        languages.append(rng.choice((t(lang, f"Knowledge of {of(lang, f.desirable)}.", f"Connaissance {of(lang, f.desirable)}.",
                                       f"Conocimiento {of(lang, f.desirable)}."),
                                     desirable_sentence(f, rng, f.desirable))))
    if f.official_list:
        listed = official_list(lang, f.official_list)
        languages.append(t(lang, f"Knowledge of another official language of UNESCO ({listed}).",
                           f"Connaissance d'une autre langue officielle de l'UNESCO ({listed}).",
                           f"Conocimiento de otro idioma oficial de la UNESCO ({listed})."))
    if languages:
        desirable_parts.append(labelled(lang, t(lang, "Languages", "Langues", "Idiomas"), " ".join(languages), bold=True))
    parts.append(h(t(lang, "DESIRABLE QUALIFICATIONS", "QUALIFICATIONS SOUHAITABLES", "CALIFICACIONES DESEABLES")))
    parts += desirable_parts
    return parts + closing(f, rng)


def _ngo(f: Facts, rng: random.Random) -> list[str]:
    """The French- and Spanish-speaking NGOs (OIF, IFRC, MSF): "Type de contrat", "Durée : 6 mois
    renouvelables", "Modalidad", then a profile: Formation / Expérience professionnelle /
    Connaissances linguistiques, Educación / Experiencia / Idiomas."""
    lang = f.lang
    rows = contract_row(f, rng, t(lang, "Type of contract", "Type de contrat", "Tipo de contrato"))
    rows += duration_row(f, rng, t(lang, "Duration", "Durée", "Duración"))
    home_in_header = f.home_shown and rng.random() < 0.6
    if home_in_header:
        value = t(lang, "home-based (remote)", "télétravail depuis le domicile", "teletrabajo desde casa") if f.home else \
            t(lang, "on site, not home-based", "présentiel (le télétravail n'est pas possible)", "presencial")
        rows.append((t(lang, "Work modality", "Modalité de travail", "Modalidad de trabajo"), value, True))
    parts = [header(f, rng, rows)] if rows else []
    history = {
        "ifrc": ("For over 100 years, the IFRC has supported National Societies.",
                 "Depuis plus de 100 ans, la FICR soutient les Sociétés nationales.",
                 "Desde hace más de 100 años, la FICR apoya a las Sociedades Nacionales."),
        "msf": ("For over 50 years, MSF has provided medical humanitarian assistance.",
                "Depuis plus de 50 ans, MSF apporte une assistance médicale humanitaire.",
                "Desde hace más de 50 años, MSF brinda asistencia médica humanitaria."),
        "oif": ("For over 50 years, the OIF has promoted the French language.",
                "Depuis plus de 50 ans, l'OIF promeut la langue française.",
                "Desde hace más de 50 años, la OIF promueve la lengua francesa."),
    }
    parts += intro(f, rng, history.get(f.ngo))
    parts.append(h(t(lang, "Profile", "Profil recherché", "Perfil requerido")))
    education = education_block(f, rng)
    if lang == "fr" and f.stated_education == "master" and not f.alternatives and rng.random() < 0.5:
        education[0] = f"Diplôme de niveau Bac+5 (master) en {f.subject}."
    parts.append(labelled(lang, t(lang, "Education", "Formation", "Educación"), " ".join(education), bold=True))
    if f.years is not None:
        experience = experience_sentence(f, rng)
    else:
        experience = t(lang, "Proven experience with an international NGO.",
                       "Expérience avérée au sein d'une ONG internationale.",
                       "Experiencia comprobada en una ONG internacional.")
    parts.append(labelled(lang, t(lang, "Professional experience", "Expérience professionnelle", "Experiencia"),
                          experience, bold=True))
    parts.append(labelled(lang, t(lang, "Language skills", "Connaissances linguistiques", "Idiomas"),
                          " ".join(language_sentences(f, rng)), bold=True))
    return parts + closing(f, rng, home_in_header)


_FAO_REQUISITION = {  # "Type of Requisition": the contract it names, else the staff category
    "consultancy": ("Consultant", "Consultant", "Consultor"),
    "personnel-service-agreement": ("PSA (Personal Services Agreement)", "PSA (Accord de services personnels)",
                                    "PSA (Acuerdo de servicios personales)"),
    "internship": ("Internship", "Stage", "Pasantía"),
    "professional": ("Professional or Higher", "Administrateur ou rang supérieur", "Profesional o superior"),
    "director": ("Professional or Higher", "Administrateur ou rang supérieur", "Profesional o superior"),
    "general-service": ("General Service", "Services généraux", "Servicios generales"),
    "national-officer": ("National Professional Officer", "Administrateur recruté sur le plan national",
                         "Oficial nacional"),
}
_STAFF_CONTRACTS = ("fixed-term", "temporary", "continuing")
_STAFF_CATEGORIES = ("professional", "director", "general-service", "national-officer")
_NON_STAFF_CONTRACTS = ("consultancy", "personnel-service-agreement", "internship", "volunteer", "service-contract")
_FAO_CONTRACT_IN_DURATION = {  # "Duration: Fixed-term: two years with possibility of extension"
    "fixed-term": (("Fixed-term", "Fixed Term"), ("Durée déterminée",), ("Plazo fijo",)),
    "temporary": (("Temporary appointment",), ("Engagement temporaire",), ("Nombramiento temporal",)),
}


def _fao(f: Facts, rng: random.Random) -> list[str]:
    """FAO: header lines (Job Type, Type of Requisition, Grade Level, "Duration: Fixed-term: two
    years"), Minimum Requirements ("Working knowledge of English and limited knowledge of another
    FAO official language (...)", or "Working knowledge of English, French or Spanish"), Selection
    Criteria."""
    lang = f.lang
    rows: list[Row] = []
    if f.contract in _STAFF_CONTRACTS or f.contract is None and f.grade_category in _STAFF_CATEGORIES:
        rows.append((t(lang, "Job Type", "Type d'emploi", "Tipo de empleo"),
                     t(lang, "Staff position", "Poste de fonctionnaire", "Puesto de plantilla"), True))
    elif f.contract in _NON_STAFF_CONTRACTS:
        rows.append((t(lang, "Job Type", "Type d'emploi", "Tipo de empleo"),
                     t(lang, "Non-staff opportunities", "Possibilités hors personnel", "Oportunidades para no funcionarios"), True))
    said = False  # whether a header line already names the contract
    if f.contract in ("consultancy", "personnel-service-agreement", "internship"):
        requisition, said = _FAO_REQUISITION[f.contract][WRITTEN[lang]], True
    elif f.contract not in _NON_STAFF_CONTRACTS and f.grade_category in _STAFF_CATEGORIES:
        requisition = _FAO_REQUISITION[f.grade_category][WRITTEN[lang]]
    else:
        requisition = None
    if requisition:
        rows.append((t(lang, "Type of Requisition", "Type de demande", "Tipo de solicitud"), requisition, True))
    label = t(lang, "Grade Level", "Classe", "Grado")
    rows += grade_row(f, label)
    if f.grade is None and rng.random() < 0.5:
        rows.append((label, t(lang, "N/A", "Sans objet", "No aplica"), True))
    rows.append((t(lang, "Post Number", "Numéro du poste", "Número de puesto"), f.post_number[-7:], True))
    duration = duration_text(f, rng) if f.duration_shown else None
    if f.contract_shown and not said and f.contract in _FAO_CONTRACT_IN_DURATION and duration and rng.random() < 0.7:
        words = rng.choice(_FAO_CONTRACT_IN_DURATION[f.contract][WRITTEN[lang]])
        duration, said = f"{words}{' :' if lang == 'fr' else ':'} {duration}", True
    if f.contract_shown and not said:
        rows += contract_row(f, rng, t(lang, "Type of Appointment", "Type d'engagement", "Tipo de nombramiento"))
    if duration:
        rows.append((t(lang, "Duration", "Durée", "Duración"), duration, True))
    parts = [header(f, rng, rows)] + intro(f, rng, ("For over 75 years, FAO has worked to defeat hunger.",
                                                    "Depuis plus de 75 ans, la FAO œuvre pour vaincre la faim.",
                                                    "Desde hace más de 75 años, la FAO trabaja para erradicar el hambre."))
    parts.append(h(t(lang, "Minimum Requirements", "Conditions minimales requises", "Requisitos mínimos")))
    items = [" ".join(education_block(f, rng))]
    items.append(experience_sentence(f, rng) if f.years is not None else
                 t(lang, f"Relevant experience in {f.subject}.", f"Expérience pertinente en {f.subject}.",
                   f"Experiencia pertinente en {f.subject}."))
    if f.either:
        ordered = sorted(f.either, key=lambda code: name(lang, code).replace("é", "e"))
        items.append(t(lang, f"Working knowledge of {of_either(lang, ordered)}.",
                       f"Connaissance pratique {of_either(lang, ordered)}.",
                       f"Conocimiento práctico {of_either(lang, ordered)}."))
    else:
        levelled = rng.random() < 0.5
        working = t(lang, f"Working knowledge{' (proficiency - level C)' if levelled else ''} of {of(lang, f.required)}",
                    f"Connaissance pratique{' (niveau C)' if levelled else ''} {of(lang, f.required)}",
                    f"Conocimiento práctico{' (nivel C)' if levelled else ''} {of(lang, f.required)}")
        limited = t(lang, f"limited knowledge{' (intermediate proficiency - level B)' if levelled else ''} of another FAO official language",
                    f"connaissance limitée{' (niveau B)' if levelled else ''} d'une autre langue officielle de la FAO",
                    f"conocimiento limitado{' (nivel B)' if levelled else ''} de otro idioma oficial de la FAO")
        if f.official_list:
            working += t(lang, " and ", " et ", " y ") + f"{limited} ({official_list(lang, f.official_list)})"
        elif rng.random() < 0.3:  # no language named: asks for none in particular
            working += t(lang, " and ", " et ", " y ") + limited
        items.append(working + ".")
    parts.append(ul(items))
    parts.append(h(t(lang, "Selection Criteria", "Critères de sélection", "Criterios de selección")))
    criteria = [t(lang, f"Extent and relevance of experience in {f.subject}.",
                  f"Étendue et pertinence de l'expérience en {f.subject}.",
                  f"Amplitud y pertinencia de la experiencia en {f.subject}.")]
    if (higher := higher_degree(f, rng)) is not None and rng.random() < 0.5:
        criteria.append(t(lang, f"{higher[:-1]} is considered an asset.", f"{higher[:-1]} est considéré comme un atout.",
                          f"{higher[:-1]} se considera una ventaja."))
    if f.desirable:
        criteria.append(desirable_sentence(f, rng, f.desirable))
    parts.append(ul(criteria))
    return parts + closing(f, rng)


def _unops_contract(f: Facts, rng: random.Random) -> str:
    """"International ICA" for an IICA level, "Local ICA" for a LICA one; other contracts as
    others name them."""
    if f.contract != "consultancy":
        return contract_words(f, rng)
    local = (f.grade or "").startswith("LICA") or not (f.grade or "").startswith("IICA") and rng.random() < 0.5
    if local:
        return rng.choice(("Local ICA", t(f.lang, "Local ICA", "ICA local", "ICA local")))
    return rng.choice(("International ICA", t(f.lang, "International ICA", "ICA international", "ICA internacional")))


def _unops(f: Facts, rng: random.Random) -> list[str]:
    """UNOPS: "Contract type: International ICA", "Contract level: IICA-2", "Contract duration:
    12 months, renewable", then Education/Experience/Language requirements."""
    lang = f.lang
    rows: list[Row] = [(t(lang, "Vacancy code", "Code de l'avis de vacance", "Código de la vacante"),
                        f"VA/{f.post_number[-5:]}", True),
                       (t(lang, "Job categories", "Catégories d'emploi", "Categorías de empleo"),
                        t(lang, "Project Management", "Gestion de projets", "Gestión de proyectos"), True)]
    if f.contract_shown:
        rows.append((t(lang, "Contract type", "Type de contrat", "Tipo de contrato"), _unops_contract(f, rng), True))
    rows += grade_row(f, t(lang, "Contract level", "Niveau du contrat", "Nivel del contrato"))
    rows += duration_row(f, rng, t(lang, "Contract duration", "Durée du contrat", "Duración del contrato"))
    parts = [header(f, rng, rows)] + intro(f, rng, (
        "For over 50 years, UNOPS has helped the UN and its partners implement projects.",
        "Depuis plus de 50 ans, l'UNOPS aide l'ONU et ses partenaires à mettre en œuvre leurs projets.",
        "Desde hace más de 50 años, UNOPS ayuda a la ONU y a sus asociados a ejecutar proyectos."))
    parts.append(h(t(lang, "Education/Experience/Language requirements", "Formation/Expérience/Connaissances linguistiques requises",
                     "Requisitos de educación/experiencia/idiomas")))
    experience = [experience_sentence(f, rng)] if f.years is not None else [
        t(lang, f"Relevant experience in {f.subject} is required.", f"Une expérience pertinente en {f.subject} est exigée.",
          f"Se requiere experiencia pertinente en {f.subject}.")]
    experience.append(t(lang, "Experience in the United Nations system is an asset.",
                        "Une expérience au sein du système des Nations Unies est un atout.",
                        "La experiencia en el sistema de las Naciones Unidas es una ventaja."))
    blocks = ((t(lang, "Education", "Formation", "Educación"), education_block(f, rng)),
              (t(lang, "Work Experience", "Expérience professionnelle", "Experiencia laboral"), experience),
              (t(lang, "Languages", "Langues", "Idiomas"), language_sentences(f, rng)))
    headed = rng.random() < 0.5
    for label, sentences in blocks:
        if headed:
            parts += [h(label, 5), p(*sentences)]
        else:
            parts.append(labelled(lang, label, " ".join(sentences), bold=True))
    return parts + closing(f, rng)


_VOLUNTEER_CATEGORIES = (
    ("International UN Volunteer Specialist", "International UN Volunteer Specialist", "National UN Volunteer Specialist",
     "International UN Volunteer Expert"),
    ("Volontaire international(e) spécialiste des Nations Unies", "Volontaire national(e) spécialiste des Nations Unies"),
    ("Voluntario/a internacional especialista de las Naciones Unidas", "Voluntario/a nacional especialista de las Naciones Unidas"),
)


def _unv_duration(f: Facts, rng: random.Random) -> str:
    """"12 months (with possibility of extension)"."""
    assert f.duration is not None
    tail = {True: t(f.lang, " (with possibility of extension)", " (avec possibilité de prolongation)",
                    " (con posibilidad de extensión)"),
            False: t(f.lang, " (without possibility of extension)", " (sans possibilité de prolongation)",
                     " (sin posibilidad de extensión)"),
            None: ""}[f.renewable]
    return length(f.lang, f.duration, rng) + tail


def _unv(f: Facts, rng: random.Random) -> list[str]:
    """A UN Volunteer assignment description, whatever the organization: "Assignment title",
    "Volunteer category", "Duration: 12 months (with possibility of extension)", "Required
    experience", "Required education", the languages as "English, Level: Fluent, Required"."""
    lang = f.lang
    rows: list[Row] = [(t(lang, "Assignment title", "Titre de l'affectation", "Título de la asignación"), f.title.rstrip(), True)]
    if f.volunteer_category:
        rows.append((t(lang, "Volunteer category", "Catégorie de volontaire", "Categoría de voluntario"),
                     rng.choice(_VOLUNTEER_CATEGORIES[WRITTEN[lang]]), True))
    else:
        rows += contract_row(f, rng, t(lang, "Type of contract", "Type de contrat", "Tipo de contrato"))
    if f.duration_shown:
        rows.append((t(lang, "Duration", "Durée", "Duración"), _unv_duration(f, rng), True))
    parts = [header(f, rng, rows)] + intro(f, rng, (
        "For over 50 years, UNV has mobilized volunteers for peace and development.",
        "Depuis plus de 50 ans, le programme VNU mobilise des volontaires pour la paix et le développement.",
        "Desde hace más de 50 años, el programa VNU moviliza voluntarios para la paz y el desarrollo."))
    experience = (upper_first(t(lang, f"{years_of(lang, f.years, rng)} of experience in {f.subject}.",
                                f"{years_of(lang, f.years, rng)} d'expérience en {f.subject}.",
                                f"{years_of(lang, f.years, rng)} de experiencia en {f.subject}."))
                  if f.years is not None else
                  t(lang, f"Relevant experience in {f.subject}.", f"Expérience pertinente en {f.subject}.",
                    f"Experiencia pertinente en {f.subject}."))
    level_word = t(lang, "Level", "niveau", "nivel")
    colon = " :" if lang == "fr" else ":"
    languages = [f"{upper_first(name(lang, code))}, {level_word}{colon} "
                 + t(lang, "Fluent, Required", "courant, requis", "fluido, requerido") for code in f.required]
    languages += [f"{upper_first(name(lang, code))}, {level_word}{colon} "
                  + t(lang, "Working knowledge, Desirable", "connaissance pratique, souhaitable", "conocimiento práctico, deseable")
                  for code in f.desirable]
    heading = t(lang, "Languages", "Langues", "Idiomas") if f.desirable else rng.choice(
        (t(lang, "Required languages", "Langues requises", "Idiomas requeridos"), t(lang, "Languages", "Langues", "Idiomas")))
    blocks = ((t(lang, "Required experience", "Expérience requise", "Experiencia requerida"), [experience]),
              (t(lang, "Required education", "Formation requise", "Educación requerida"), [" ".join(education_block(f, rng))]),
              (heading, languages))
    for label, items in blocks:
        parts += [h(label, 5), ul(items) if len(items) > 1 or rng.random() < 0.5 else p(*items)]
    return parts + closing(f, rng)


_INTERNSHIP_EDUCATION = {
    "en": ("Be enrolled in the final year of a first-level university degree programme (bachelor's level or equivalent),"
           " or enrolled in a Master's programme, or have graduated with a university degree in {f}.",
           "Applicants must, at the time of application, be enrolled in the final academic year of a first university"
           " degree programme (minimum bachelor's level or equivalent) or in a graduate programme (Master's or higher),"
           " or have graduated with a university degree in {f}."),
    "fr": ("Être inscrit(e) en dernière année d'un programme universitaire de premier cycle (licence ou équivalent),"
           " ou en master, ou être titulaire d'un diplôme universitaire en {f}.",),
    "es": ("Estar matriculado/a en el último año de un programa universitario de primer nivel (licenciatura o"
           " equivalente), o en un programa de maestría, o haberse graduado con un título universitario en {f}.",),
}
_NO_EXPERIENCE_NEEDED = {
    "en": ("Applicants are not required to have professional work experience for participation in the programme.",
           "No prior work experience is required."),
    "fr": ("Aucune expérience professionnelle n'est requise pour participer au programme.",
           "Les candidat(e)s ne sont pas tenu(e)s d'avoir une expérience professionnelle pour participer au programme."),
    "es": ("No se requiere experiencia laboral profesional para participar en el programa.",),
}


def _internship(f: Facts, rng: random.Random) -> list[str]:
    """An internship description, whatever the organization: enrolled in the final year of a
    first-level degree, or in a Master's programme, or graduated (a bachelor's level);
    "Applicants are not required to have professional work experience" (no years) or nothing on
    experience; "Duration: 6 months"."""
    lang = f.lang
    rows = duration_row(f, rng, t(lang, "Duration", "Durée", "Duración"))
    rows += contract_row(f, rng, t(lang, "Type of contract", "Type de contrat", "Tipo de contrato"))
    parts = [header(f, rng, rows)] if rows else []
    parts += intro(f, rng)
    parts.append(h(t(lang, "Education", "Formation", "Educación")))
    parts.append(p(rng.choice(_INTERNSHIP_EDUCATION[lang]).format(f=f.subject)))
    if f.years == 0:
        parts.append(h(t(lang, "Work Experience", "Expérience professionnelle", "Experiencia laboral")))
        parts.append(p(rng.choice(_NO_EXPERIENCE_NEEDED[lang])))
    parts.append(h(t(lang, "Languages", "Langues", "Idiomas")))
    parts.append(p(*language_sentences(f, rng)))
    return parts + closing(f, rng)


TEMPLATES: dict[str, Callable[[Facts, random.Random], list[str]]] = {
    "secretariat": _secretariat, "undp": _undp, "unicef": _unicef, "unhcr": _unhcr, "who": _who, "iom": _iom,
    "wfp": _wfp, "unwomen": _unwomen, "unesco": _unesco, "ngo": _ngo, "fao": _fao, "unops": _unops,
    "unv": _unv, "internship": _internship,
}
"""By organization family, and the two descriptions chosen by the posting itself (a volunteer's,
an intern's: ``profiles._kind``)."""
FAMILIES = {
    "UNOCT": "secretariat", "OCHA": "secretariat", "UNDP": "undp", "UNICEF": "unicef", "UNHCR": "unhcr",
    "WHO": "who", "IOM": "iom", "WFP": "wfp", "UN Women": "unwomen", "UNESCO": "unesco",
    "OIF": "ngo", "IFRC": "ngo", "Médecins Sans Frontières": "ngo", "FAO": "fao", "UNOPS": "unops",
}


def family_of(organization: str) -> str:
    """The template an organization writes its ads in (``UNOCT - Office of ...`` -> ``secretariat``)."""
    return FAMILIES.get(organization.split(" - ")[0].strip(), "secretariat")


def render(f: Facts, rng: random.Random) -> str:
    return "\n".join(part for part in TEMPLATES[f.family](f, rng) if part)
