"""The structured job ads' rules, one family at a time, on written-out sentences in English, French
and Spanish, the hard cases included: alternatives, ranges, "an asset" / "un atout" /
"deseable", numbers in words, a degree "or equivalent", a time zone named by its city."""

from __future__ import annotations

from datetime import date

import pytest

from tests.databases import posting_status
from unjobs_scraper.jobads import derive
from unjobs_scraper.jobads.contracts import contract_type, duration_months, renewable
from unjobs_scraper.jobads.deadlines import deadline
from unjobs_scraper.jobads.grades import grade, normalize
from unjobs_scraper.jobads.languages import description_language, languages
from unjobs_scraper.jobads.locations import country_code, home_based
from unjobs_scraper.jobads.requirements import (
    education_level,
    experience_in_lieu,
    min_years_experience,
)
from unjobs_scraper.storage.columns import JOB_AD_FIELDS


def value(found):
    return None if found is None else found.value


# -- grades -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("P3", ("P-3", "professional")), ("P-3", ("P-3", "professional")), ("P 3", ("P-3", "professional")),
        ("D1", ("D-1", "director")), ("ASG", ("ASG", "director")), ("USG", ("USG", "director")),
        ("GS-5", ("G-5", "general-service")), ("G5", ("G-5", "general-service")),
        ("NOB", ("NO-B", "national-officer")), ("NO-C", ("NO-C", "national-officer")),
        ("FS-4", ("FS-4", "field-service")), ("SB-3", ("SB-3", "service-contract")),
        ("LICA 9", ("LICA-9", "consultancy")), ("NPSA-8", ("NPSA-8", "service-contract")),
        ("IPSA-10", ("IPSA-10", "service-contract")),
        ("Consultant", ("consultant", "consultancy")), ("Individual Contractor", ("consultant", "consultancy")),
        ("Intern", ("intern", "internship")), ("Stagiaire", ("intern", "internship")),
        ("UN Volunteer (UNV)", ("UNV", "volunteer")), ("Junior Professional Officer", ("JPO", "professional")),
        ("P8", None), ("IPSA-3", None), ("Officer", None),
    ],
)
def test_grades_as_the_site_and_postings_write_them(written, expected):
    assert value(normalize(written)) == expected


def test_the_grade_category_wins_then_the_title_then_a_labelled_line():
    assert grade("P4", "Officer (P-3)", "") == (("P-4", "professional"), "P4")
    assert value(grade(None, "Programme Officer (P-3)", "Grade: P-5")) == ("P-3", "professional")
    assert grade(None, "Programme Officer", "Classe : NO-B\nLieu : Dakar") == (("NO-B", "national-officer"), "Classe : NO-B")
    assert value(grade(None, "Programme Officer", "Nivel: P-2; Lugar: Lima")) == ("P-2", "professional")
    assert grade(None, "Programme Officer", "Reports to the P-5 Chief of Section.") is None  # another post's grade


# -- contracts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "description", "expected"),
    [
        ("Fixed Term", "", "fixed-term"),
        ("Temporary", "", "temporary"),
        ("NPSA", "", "personnel-service-agreement"),
        ("Service Contract", "", "service-contract"),
        ("International Consultant", "", "consultancy"),
        ("Something new", "", "other"),
        (None, "Type of contract: Temporary appointment (TA).", "temporary"),
        (None, "Type de contrat : durée déterminée.", "fixed-term"),
        (None, "Tipo de contrato: contrato individual (IC).", "consultancy"),
        (None, "This is a UN Volunteer assignment.", "volunteer"),
        (None, "Responsible for the budget.", None),
    ],
)
def test_contract_types(category, description, expected):
    assert value(contract_type(category, description)) == expected


@pytest.mark.parametrize(
    ("description", "months", "renews"),
    [
        ("The initial contract will be for one year, renewable subject to performance.", 12, True),
        ("Duration of assignment: 6 months, with possibility of extension.", 6, True),
        ("Durée du contrat : six (6) mois, non renouvelable.", 6, False),
        ("Duración del contrato: 11 meses. El contrato es renovable.", 11, True),
        ("At least 5 years of experience. The contract is non-renewable.", None, False),
        ("Minimum two years of experience in project management.", None, None),
    ],
)
def test_contract_duration_and_renewal(description, months, renews):
    assert (value(duration_months(description)), value(renewable(description))) == (months, renews)


# -- requirements -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "years"),
    [
        ("A minimum of seven (7) years of progressively responsible experience is required.", 7),
        ("At least 5 years of relevant work experience.", 5),
        ("3-5 years of experience in data analysis.", 3),
        ("10+ years of professional experience.", 10),
        ("Seven years of experience with a first-level degree, or 5 with an advanced degree.", 5),
        ("Au moins cinq (5) années d'expérience professionnelle pertinente.", 5),
        ("Un minimum de 2 ans d'expérience est exigé.", 2),
        ("Se requiere un mínimo de tres (3) años de experiencia laboral.", 3),
        ("Experiencia: de 4 a 6 años en gestión de proyectos.", 4),
        ("The project will run for 3 years.", None),  # years, but no experience
    ],
)
def test_fewest_years_of_experience(description, years):
    assert value(min_years_experience(description)) == years


@pytest.mark.parametrize(
    ("description", "level", "in_lieu"),
    [
        ("Advanced university degree (Master's degree or equivalent) in economics.", "master", None),
        (
            "Advanced university degree (Master's or equivalent). A first-level university degree in combination with"
            " two additional years of qualifying experience may be accepted in lieu of the advanced university degree.",
            "bachelor", True,
        ),
        ("Bachelor's degree or equivalent in social sciences.", "bachelor", None),
        ("PhD in epidemiology is required.", "doctorate", None),
        ("High school diploma or equivalent.", "secondary", None),
        ("Diplôme universitaire supérieur (master ou équivalent) en droit.", "master", None),
        ("Licence en gestion ; un diplôme d'études secondaires accompagné de 6 ans d'expérience peut en tenir lieu.", "secondary", True),
        ("Título universitario avanzado (maestría) en ingeniería.", "master", None),
        ("Educación secundaria completa.", "secondary", None),
        ("Licenciatura en economía; un título universitario avanzado es deseable.", "bachelor", None),
        ("Fluency in English is required.", None, None),
    ],
)
def test_lowest_education_accepted_and_experience_in_lieu(description, level, in_lieu):
    assert (value(education_level(description)), value(experience_in_lieu(description))) == (level, in_lieu)


# -- languages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Fluency in English is required; knowledge of French is desirable.", {"en": "required", "fr": "desirable"}),
        (
            "Fluency in English and French is required. Knowledge of Spanish or Arabic would be an asset.",
            {"en": "required", "fr": "required", "es": "desirable", "ar": "desirable"},
        ),
        ("La maîtrise du français est exigée et la connaissance de l'anglais serait un atout.", {"fr": "required", "en": "desirable"}),
        ("Se requiere dominio del español; el conocimiento del inglés es deseable.", {"es": "required", "en": "desirable"}),
        ("Desirable: Portuguese, German.", {"pt": "desirable", "de": "desirable"}),
        ("Working knowledge of Russian or Chinese is an advantage.", {"ru": "desirable", "zh": "desirable"}),
        ("The office works with French-speaking partners.", None),
    ],
)
def test_languages_required_or_desirable(description, expected):
    assert value(languages(description)) == expected


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("The incumbent will be responsible for the coordination of the programme with the partners.", "en"),
        ("Le titulaire du poste sera chargé de la coordination des activités avec les partenaires.", "fr"),
        ("El titular del puesto será responsable de la coordinación de las actividades con los socios.", "es"),
        ("Budget.", None),
    ],
)
def test_the_language_a_description_is_written_in(description, expected):
    assert value(description_language(description)) == expected


# -- where --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United States of America", "USA"), ("Côte d'Ivoire", "CIV"), ("Türkiye", "TUR"),
        ("Bolivia (Plurinational State of)", "BOL"), ("Iran (Islamic Republic of)", "IRN"),
        ("Democratic Republic of the Congo", "COD"), ("United Republic of Tanzania", "TZA"),
        ("Viet Nam", "VNM"), ("State of Palestine", "PSE"), ("Kosovo", "XKX"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"), ("Home-based", None), (None, None),
    ],
)
def test_country_codes_from_the_sites_names(name, code):
    assert value(country_code(name)) == code


@pytest.mark.parametrize(
    ("city", "description", "expected"),
    [
        ("Home-based", "", True),
        (None, "", None),
        (None, "This is a home-based consultancy.", True),
        (None, "The consultant will work remotely.", True),
        (None, "Le poste est basé à Genève ; pas de télétravail.", False),
        (None, "Le consultant travaillera à domicile.", True),
        (None, "El trabajo es presencial en la oficina de Lima.", False),
        (None, "Modalidad: teletrabajo.", True),
        (None, "Duty station: Nairobi.", None),
    ],
)
def test_home_based(city, description, expected):
    assert value(home_based(city, None, description)) == expected


def test_a_title_that_says_home_based_is_enough():
    assert home_based(None, "Consultant – Home-based", "") == (True, "Consultant – Home-based")


# -- deadlines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "language", "expected"),
    [
        ("Deadline for applications: 15 October 2025 (midnight New York time).", "en", "2025-10-15T23:59:00-04:00"),
        ("Closing date: 31 December 2025 at 23:59 GMT+1.", "en", "2025-12-31T23:59:00+01:00"),
        ("Apply by October 5, 2026, 17:00 EAT.", "en", "2026-10-05T17:00:00+03:00"),
        ("Closing date: 20 January 2026, 17:00.", "en", "2026-01-20T17:00"),
        ("Date limite de dépôt des candidatures : 15 novembre 2025 à 17h00 (heure de Genève).", "fr", "2025-11-15T17:00:00+01:00"),
        ("Fecha límite: 30 de noviembre de 2025.", "es", "2025-11-30"),
        ("Closing date: 2026-01-05", "en", "2026-01-05"),
    ],
)
def test_deadlines_with_time_and_zone_when_stated(description, language, expected):
    assert value(deadline(description, language, None)) == expected


def test_without_a_stated_deadline_the_listings_closing_date():
    assert deadline("Apply online.", "en", date(2025, 10, 15)) == ("2025-10-15", "the listing's closing date")
    assert deadline("Apply online.", "en", None) is None


# -- one posting, every field -------------------------------------------------------------------


def test_a_stored_posting_becomes_a_job_ad_with_the_source_of_each_field():
    posting = {
        "post_number": "1758015049233", "post_name": "Programme Management Officer", "grade": "P3",
        "contract": "Fixed Term", "location_country": "Côte d'Ivoire", "location_city": "Abidjan",
        "closing_date": date(2025, 10, 15),
        "post_content": (
            "### Education\n\nAdvanced university degree (Master's or equivalent) in economics. A first-level"
            " university degree in combination with two additional years of qualifying experience may be"
            " accepted in lieu of the advanced university degree.\n\n### Work experience\n\nA minimum of five"
            " (5) years of progressively responsible experience is required.\n\n### Languages\n\nFluency in"
            " English and French is required; knowledge of Spanish is desirable.\n\nThe initial appointment"
            " is for one year and is renewable. Deadline for applications: 15 October 2025."
        ),
    }
    row = derive(posting)
    assert {name: row[name] for name in JOB_AD_FIELDS} == {
        "grade": "P-3", "grade_category": "professional", "contract_type": "fixed-term",
        "duration_months": 12, "renewable": True, "min_years_experience": 5, "education_level": "bachelor",
        "experience_in_lieu": True, "languages": '{"en": "required", "es": "desirable", "fr": "required"}',
        "description_language": "en", "home_based": None, "country_code": "CIV", "deadline": "2025-10-15",
    }
    assert (row["grade_source"], row["country_code_source"]) == ("P3", "Côte d'Ivoire")
    assert row["home_based_source"] is None  # not said: null, never invented


# -- the hard cases of agencies' own templates, in three languages ------------------------------


def ad(*lines: str) -> str:
    """Description Markdown as html_to_markdown writes an agency's sections."""
    return "\n\n".join(lines)


@pytest.mark.parametrize(
    ("description", "years"),
    [
        # the posting's own minimum, not a sub-requirement inside it
        ("A minimum of ten years of progressively responsible experience in finance is required, including four years"
         " in budget management.", 10),
        ("At least five years of relevant experience, of which three years at the international level.", 5),
        ("A minimum of 7 years of experience in programme management, with at least 2 years in humanitarian settings.", 7),
        ("Work experience: minimum 8 years. Of these, at least 3 years should be at the field level.", 8),
        ("Au moins sept ans d'expérience professionnelle, dont au moins trois ans au niveau international.", 7),
        ("Un minimum de dix (10) ans d'expérience, y compris deux ans dans la gestion de projets.", 10),
        ("Mínimo de seis años de experiencia, de los cuales al menos dos en contextos humanitarios.", 6),
        ("Al menos cinco (5) años de experiencia profesional, incluyendo al menos un año en el terreno.", 5),
        # alternatives by degree, in words or digits
        (ad("**Min. years of relevant work experience**", "Minimum 5 years (with Master's degree) or 7 years (with Bachelor's degree)"
            " of relevant experience in economic policy."), 5),
        (ad("**Years of Experience / Degree Level**", "For P4/NOD - 9 years relevant experience with Undergraduate degree; or 8 years"
            " relevant experience with Graduate degree; or 7 years relevant experience with Doctorate degree"), 7),
        ("Two to four years of experience in logistics.", 2),
        ("De deux à quatre ans d'expérience en logistique.", 2),
        ("Cinco (5) años con maestría o siete (7) con licenciatura de experiencia en el sector.", 5),
        ("Sept ans d'expérience avec une licence, ou cinq avec un master.", 5),
        # only desirable, in lieu, and numbers about something else
        (ad("### Experience", "**Essential:** At least 5 years of experience in public health.",
            "**Desirable:** 10 years of experience in WHO or another UN agency."), 5),
        ("At least 3 years of experience. Ten years of experience in the region would be an asset.", 3),
        ("A first-level degree with two additional years of qualifying experience may be accepted in lieu of the"
         " advanced degree. A minimum of four years of experience is required.", 4),
        ("UNICEF has over 75 years of experience working for children. A minimum of 2 years of relevant experience is required.", 2),
        ("Applicants are not required to have professional work experience for participation in the programme.", 0),
        ("Aucune expérience professionnelle n'est requise.", 0),
        ("No se requiere experiencia laboral previa.", 0),
    ],
)
def test_the_postings_own_minimum_of_experience(description, years):
    assert value(min_years_experience(description)) == years


@pytest.mark.parametrize(
    ("description", "level"),
    [
        (ad("### Education", "**Essential:** A first university degree in public health.", "**Desirable:** A PhD in epidemiology."), "bachelor"),
        (ad("**Education**", "**Essential**", "Master's degree in economics.", "**Desirable**", "A first degree in statistics would be an asset."), "master"),
        (ad("**Formation**", "Essentielle : diplôme universitaire supérieur (master) en droit.", "Souhaitable : doctorat en droit international."), "master"),
        (ad("**Educación**", "Esencial: título universitario en ingeniería.", "Deseable: maestría en gestión de riesgos."), "bachelor"),
        ("Be enrolled in the final year of a first-level university degree programme (bachelor's level or equivalent).", "bachelor"),
        ("Be enrolled in a Master's programme in international relations.", "master"),
        ("6 years relevant experience with Undergraduate degree; or 5 years relevant experience with Graduate degree.", "bachelor"),
        ("Graduate degree in law or political science.", "master"),
    ],
)
def test_essential_and_desirable_education(description, level):
    assert value(education_level(description)) == level


@pytest.mark.parametrize(
    "description",
    [
        "A first-level university degree in combination with two additional years of qualifying experience may be accepted in lieu"
        " of the advanced university degree.",
        "A first-level university degree in combination with two additional years of qualifying experience\nmay be accepted in"
        " lieu of the advanced university degree.",
        "Bachelor's degree in combination with an additional 2 years of qualifying experience will be given due consideration in lieu of"
        " Master's degree.",
        "Un diplôme universitaire de premier cycle assorti de deux années d'expérience supplémentaires peut tenir lieu de master.",
        "Un título universitario de primer nivel junto con dos años adicionales de experiencia podrá aceptarse en lugar del título avanzado.",
    ],
)
def test_experience_in_lieu_of_a_degree(description):
    assert value(experience_in_lieu(description)) is True
    assert value(education_level(description)) == "bachelor"


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Fluency in French is required. Fluency in English is an asset.", {"fr": "required", "en": "desirable"}),
        (ad("**Languages Required:** Arabic, French", "**Desired:** English"), {"ar": "required", "fr": "required", "en": "desirable"}),
        ("Languages Required: Arabic, French / Desired: English", {"ar": "required", "fr": "required", "en": "desirable"}),
        ("English and French are the working languages of the United Nations Secretariat. For this position, fluency in English is"
         " required. Knowledge of French is desirable.", {"en": "required", "fr": "desirable"}),
        ("The official languages of the United Nations are Arabic, Chinese, English, French, Russian and Spanish.", None),
        ("Fluency in English is required. Knowledge of another official UN language (Arabic, Chinese, French, Russian or Spanish)"
         " or a local language is an asset.", {"en": "required", "ar": "desirable", "zh": "desirable", "fr": "desirable",
                                                "ru": "desirable", "es": "desirable"}),
        ("Fluency in English and one other UN language (French or Spanish) is required.", {"en": "required", "fr": "desirable", "es": "desirable"}),
        (ad("### Languages", "**Essential:** Expert knowledge of English.", "**Desirable:** Intermediate knowledge of French."),
         {"en": "required", "fr": "desirable"}),
        ("Le français est exigé. La connaissance de l'anglais est un atout.", {"fr": "required", "en": "desirable"}),
        ("Langues requises : français. Langues souhaitées : anglais.", {"fr": "required", "en": "desirable"}),
        ("La connaissance d'une autre langue officielle de l'ONU (anglais, espagnol) serait un atout.", {"en": "desirable", "es": "desirable"}),
        ("Se requiere dominio del español y el conocimiento del inglés es deseable.", {"es": "required", "en": "desirable"}),
        ("Idiomas requeridos: español. Idiomas deseables: inglés, portugués.", {"es": "required", "en": "desirable", "pt": "desirable"}),
        ("Los idiomas oficiales de la organización son el español y el inglés.", None),
        ("Le français et l'anglais sont les langues de travail du Secrétariat.", None),
        ("Se requiere dominio del español. El inglés es deseable.", {"es": "required", "en": "desirable"}),
        ("Se requiere dominio del español; el conocimiento de otro idioma oficial de la ONU (francés o árabe) es deseable.",
         {"es": "required", "fr": "desirable", "ar": "desirable"}),
        ("Fluency in English or French is required.", {"en": "desirable", "fr": "desirable"}),
        ("Languages: English (fluent), French (desirable).", {"en": "required", "fr": "desirable"}),
        ("Experience in French-speaking countries is an asset.", None),
    ],
)
def test_languages_as_agencies_write_them(description, expected):
    assert value(languages(description)) == expected


@pytest.mark.parametrize(
    ("category", "title", "description", "expected"),
    [
        (None, "Programme Officer (P-3)", "Reports to the Chief, P-5.", ("P-3", "professional")),
        (None, "Programme Officer", "Under the supervision of the Chief of Section (P-5).", None),
        (None, "Programme Officer", ad("**Grade SB4**", "Duty Station: Dakar"), ("SB-4", "service-contract")),
        (None, "Programme Officer", "| Grade | P3 |\n| --- | --- |\n| Duty station | Amman |", ("P-3", "professional")),
        (None, "Programme Officer", "Post Level: P4", ("P-4", "professional")),
        (None, "Project Associate", "Contract level: IICA-2 (ICS-11)", ("IICA-2", "consultancy")),
        (None, "Health Officer", "Level: NO-2", ("NO-B", "national-officer")),
        (None, "Chargé de programme", "Niveau/Classe : P-3", ("P-3", "professional")),
        (None, "Oficial de programa", "Nivel del puesto: NO-B", ("NO-B", "national-officer")),
        (None, "Logistics Assistant", "Grade: SC-6", ("SC-6", "service-contract")),
        (None, "Chargé de programme", "Le titulaire travaille sous la supervision du chef de section (P-5).", None),
        (None, "Oficial de programa (P-3)", "Reporta al Jefe de Oficina, P-5.", ("P-3", "professional")),
        (None, "Asistente", "Clasificación: Personal de Servicios Generales, Grado G5", ("G-5", "general-service")),
    ],
)
def test_grades_from_header_lines_and_titles(category, title, description, expected):
    assert value(grade(category, title, description)) == expected


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Contract type: Continuing", "continuing"),
        ("Contract Type: Temporary", "temporary"),
        ("Contract Type: FTA International", "fixed-term"),
        ("Type of Appointment: Fixed Term", "fixed-term"),
        ("Contract type: International ICA", "consultancy"),
        ("Type de contrat : CDD", "fixed-term"),
        ("Tipo de contrato: Temporal", "temporary"),
        ("Tipo de contrato: Contrato de servicios (SC)", "service-contract"),
        ("Tipo de contrato: Acuerdo de Servicios de Personal (NPSA)", "personnel-service-agreement"),
    ],
)
def test_bare_contract_categories_in_header_lines(description, expected):
    assert value(contract_type(None, description)) == expected


@pytest.mark.parametrize(
    ("description", "months", "renews"),
    [
        ("Duration of Initial Contract: 364 days", 12, None),
        ("Duration of Initial Contract: one year", 12, None),
        ("Contract duration: 12 months, renewable", 12, True),
        ("Durée : 6 mois renouvelables", 6, True),
        ("Durée du contrat : un an, sans possibilité de renouvellement.", 12, False),
        ("Duración: 364 días", 12, None),
        ("Duración del contrato: un año renovable.", 12, True),
        ("The three-year project will strengthen renewable energy policies. Duration of assignment: 6 months.", 6, None),
        ("The internship is for a period of three months, which may be extended up to six months.", 3, True),
        ("Duration: 3 to 6 months", None, None),
        ("La pasantía dura un mínimo de dos meses.", None, None),
        ("A temporary appointment does not carry any expectation of renewal.", None, None),
        ("Extension of the appointment beyond this period is not possible.", None, False),
    ],
)
def test_durations_in_days_or_words(description, months, renews):
    assert (value(duration_months(description)), value(renewable(description))) == (months, renews)


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("This is not a home-based assignment.", False),
        ("Home-based: No", False),
        ("Home-based: Yes", True),
        ("Le télétravail n'est pas possible pour ce poste.", False),
        ("No es una modalidad desde casa: el consultor trabajará en la oficina de Quito.", False),
        ("The consultant will work from home and will not be required to travel.", True),
        ("Experience working in remote field locations is required.", None),
        ("Le ou la titulaire effectuera des visites à domicile.", None),
    ],
)
def test_home_based_negations(description, expected):
    assert value(home_based(None, None, description)) == expected


@pytest.mark.parametrize(
    ("country", "listing_title", "city", "description", "expected"),
    [
        (None, "PROGRAMME OFFICER, Dakar, Senegal", "Dakar", "", "SEN"),
        (None, None, "Nairobi", "", "KEN"),
        (None, None, None, "Duty Station: Amman, Jordan", "JOR"),
        (None, "CONSULTANT, Home-based", "Home-based", "", None),
        ("Kenya", "PROGRAMME OFFICER, Dakar, Senegal", None, "", "KEN"),
    ],
)
def test_the_country_without_a_country_row(country, listing_title, city, description, expected):
    from unjobs_scraper.jobads.locations import duty_station_country

    assert value(duty_station_country(country, listing_title, city, description)) == expected


def test_reparse_reports_values_moved_apart_from_sources_reworded(sqlite_url):
    from unjobs_scraper.commands.reparse import reparse
    from unjobs_scraper.config import parse_database_url
    from unjobs_scraper.storage import open_storage

    posting = {
        "post_number": "1758015049233", "source_url": "https://unjobs.org/vacancies/1758015049233", "post_name": "Officer",
        "grade": "P3", "post_content": "At least 5 years of relevant work experience. Fluency in English is required.",
        "post_content_html": "<p></p>",
    }
    store = open_storage(parse_database_url(sqlite_url))
    try:
        posting_status(store).succeed(posting)
        ad = derive(posting)
        store.job_ads.save([{**ad, "min_years_experience": 3, "grade_source": "an older rule's quote"}])
        report = reparse(store).splitlines()
        assert "  min_years_experience   1 values changed, 0 sources only" in report
        assert "  grade                  0 values changed, 1 sources only" in report
        assert reparse(store).splitlines()[0].endswith(", 0 job ads written")
    finally:
        store.close()


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Niveau du contrat : P-4", ("P-4", "professional")),
        ("Nivel del contrato: IICA-2", ("IICA-2", "consultancy")),
    ],
)
def test_grades_from_contract_level_lines_in_french_and_spanish(description, expected):
    assert value(grade(None, "Spécialiste", description)) == expected


def test_fao_requisition_types_and_a_french_internships_no_experience():
    assert value(contract_type(None, "Type de demande : Consultant")) == "consultancy"
    assert value(contract_type(None, "Tipo de solicitud: PSA (Acuerdo de servicios personales)")) == "personnel-service-agreement"
    assert value(min_years_experience(
        "Les candidat(e)s ne sont pas tenu(e)s d'avoir une expérience professionnelle pour participer au programme.")) == 0
