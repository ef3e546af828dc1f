"""Word pools and the description generator behind the replica's postings.

Kept apart from ``site.py`` so the data model stays readable. Every description comes with the
plain-text phrases a correct HTML-to-Markdown step must keep (``markers``) and the strings it must
drop (``forbidden``: script and style bodies, event-handler code, inline style values). Markers
avoid Markdown-special characters (``* _ [ ] # + - | & ` < >``) and never span two elements, so
any faithful converter keeps them verbatim, provided it does not hard-wrap lines.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

ROLES = (
    "Programme Management Officer",
    "Associate Protection Officer",
    "Consultant – Water, Sanitation and Hygiene (WASH)",
    "Spécialiste de programme, Éducation",
    "Chargé(e) de communication",
    "Senior Finance & Budget Assistant",
    'Data Analyst "Humanitarian Insights"',
    "Data Engineer'); DROP TABLE raw_job_data; --",
    "مسؤول برامج - الحماية",
    "项目官员（气候变化）",
    "Climate Finance Specialist 🌍",
    "Head of Sub-Office, Cox's Bazar",
    "Logistics Officer <Fleet & Supply>",
    "Intern – Legal Affairs (6 months)",
    "Procurement Associate, G-6",
    "Field Security Coordination Officer",
    "Monitoring, Evaluation & Learning Specialist",
    "Ingenieur für Straßenbau",
    "Health Officer (Nutrition)",
    "Oficial de Proyectos – Niñez y Adolescencia",
    "Information Management Officer – 'Rapid Response'",
    "Driver",
)
ROLE_SUFFIXES = ("", "", "", " (Temporary Job Opening)", " - Roster", " – Home-based", ", Level 2")

ORGANIZATIONS = (
    "UNOCT - Office of Counter-Terrorism",
    "UNICEF - United Nations Children's Fund",
    "UNHCR - UN High Commissioner for Refugees",
    "WFP - World Food Programme",
    "UNDP - United Nations Development Programme",
    "WHO - World Health Organization",
    "IOM - International Organization for Migration",
    "OIF - Organisation internationale de la Francophonie",
    "IFRC - Fédération internationale des Sociétés de la Croix-Rouge",
    "UN Women - United Nations Entity for Gender Equality",
    "Médecins Sans Frontières",
    "UNESCO - United Nations Educational, Scientific & Cultural Organization",
    "OCHA - Office for the Coordination of Humanitarian Affairs",
    "FAO - Food and Agriculture Organization of the United Nations",
    "UNOPS - United Nations Office for Project Services",
)

NON_UN_ORGANIZATIONS = frozenset(
    {
        "OIF - Organisation internationale de la Francophonie",
        "IFRC - Fédération internationale des Sociétés de la Croix-Rouge",
        "Médecins Sans Frontières",
    }
)
"""Listed under ``/non-un`` as well."""

LOCATIONS = (  # (country, city)
    ("Qatar", "Doha"),
    ("Switzerland", "Genève"),
    ("Colombia", "Bogotá"),
    ("Côte d'Ivoire", "Abidjan"),
    ("Brazil", "São Paulo"),
    ("Kenya", "Nairobi"),
    ("Kenya", "Kakuma"),
    ("Jordan", "Amman"),
    ("China", "Beijing"),
    ("Bangladesh", "Cox's Bazar"),
    ("United States of America", "New York"),
    ("Türkiye", "Gaziantep"),
    ("Democratic Republic of the Congo", "Goma"),
    ("Senegal", "Dakar"),
    ("Thailand", "Bangkok"),
    ("Ukraine", "Kyiv"),
    ("Italy", "Rome"),
    ("Lebanon", "Beirut"),
    ("South Sudan", "Juba"),
    ("Singapore", "Singapore"),
)

GRADES = ("P-2", "P3", "P 4", "P-5", "D-1", "NOB", "G-5", "GS-6", "SB-4", "UNV", "Consultant", "Intern")
"""As the site writes them, spelling variants included."""
CONTRACTS = (
    "Fixed-term", "Temporary appointment", "Consultancy", "Internship", "UN Volunteer",
    "Service contract", "Contrat à durée déterminée",
)
THEMES = (
    "Humanitarian Aid & Coordination", "Climate change", "Education", "Health", "Protection",
    "Gender equality", "Finance", "Information technology", "Logistics", "Droits de l'homme",
)
APPLY_URL_FORMATS = (
    "https://careers.example.org/jobs/{pn}?src=unjobs&lang=en",
    "https://jobs.example.net/apply/{pn}",
    "https://recruitment.example.com/vacancy.aspx?id={pn}&ref=unjobs",
)


@dataclass
class Description:
    """A description's HTML with what its Markdown must and must not contain."""

    html_parts: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)

    @property
    def html(self) -> str:
        return "\n".join(self.html_parts)


def _responsibilities(d: Description, rng: random.Random, pn: str) -> None:
    """Nested unordered lists."""
    d.html_parts.append(
        "<h4>Responsibilities</h4>\n<ul>\n"
        "  <li>Coordinate field missions with partners\n"
        "    <ul><li>Prepare mission reports within two weeks</li><li>Track follow up actions</li></ul>\n"
        "  </li>\n"
        "  <li>Support the annual work plan</li>\n</ul>"
    )
    d.markers += ["Coordinate field missions with partners", "Prepare mission reports within two weeks"]


def _qualifications(d: Description, rng: random.Random, pn: str) -> None:
    """An ordered list holding a nested unordered list (the requirements themselves are the
    profile's, ``profiles.py``: this section says nothing that would contradict them)."""
    skill = rng.choice(("planning and organizing", "teamwork", "communication", "accountability"))
    d.html_parts.append(
        "<h4>Competencies</h4>\n<ol>\n"
        "  <li>Professionalism and integrity in all work</li>\n"
        f"  <li>Demonstrated {skill} skills\n"
        "    <ul><li>Builds trust with colleagues and partners</li></ul>\n  </li>\n</ol>"
    )
    d.markers += ["Professionalism and integrity in all work", f"Demonstrated {skill} skills"]


def _assessment_table(d: Description, rng: random.Random, pn: str) -> None:
    """A table, as some organizations put the selection timeline in one."""
    d.html_parts.append(
        '<table border="1">\n<tr><th>Stage</th><th>Expected timing</th></tr>\n'
        "<tr><td>Written assessment</td><td>Within three weeks of closing</td></tr>\n"
        "<tr><td>Competency based interview</td><td>One month after closing</td></tr>\n</table>"
    )
    d.markers += ["Written assessment", "Competency based interview", "Within three weeks of closing"]


def _links(d: Description, rng: random.Random, pn: str) -> None:
    """Relative and absolute links."""
    d.html_parts.append(
        '<p>Read about the <a href="/organizations/unicef">organization profile</a> and the '
        '<a href="https://www.un.org/en/about-us/un-charter">United Nations Charter</a> before applying.</p>'
    )
    d.markers += ["organization profile", "United Nations Charter"]


def _script(d: Description, rng: random.Random, pn: str) -> None:
    """An inline script whose code must not reach the Markdown."""
    d.html_parts.append(
        f'<script type="text/javascript">window.replicaBeacon = "beacon {pn}"; replicaCount(1);</script>\n'
        "<p>Only shortlisted candidates will be contacted.</p>"
    )
    d.markers.append("Only shortlisted candidates will be contacted.")
    d.forbidden += ["replicaBeacon", "replicaCount("]


def _style(d: Description, rng: random.Random, pn: str) -> None:
    """An inline stylesheet whose rules must not reach the Markdown."""
    d.html_parts.append(
        "<style>.replica-note { font-size: 11px; color: #777777; }</style>\n"
        "<p>This vacancy is open to internal and external candidates.</p>"
    )
    d.markers.append("This vacancy is open to internal and external candidates.")
    d.forbidden += ["replica-note", "font-size: 11px"]


def _onclick(d: Description, rng: random.Random, pn: str) -> None:
    """Event-handler attributes whose code must not reach the Markdown."""
    d.html_parts.append(
        f"""<p><button type="button" onclick="replicaTrack('save {pn}'); return false;">"""
        "Save this job</button> "
        "or share it with a colleague.</p>"
    )
    d.markers.append("Save this job")
    d.forbidden += ["replicaTrack(", "return false;"]


def _styled_span(d: Description, rng: random.Random, pn: str) -> None:
    """Inline ``style=`` attributes: the text stays, the style goes."""
    d.html_parts.append(
        '<p>Applications from <span style="color:#c0392b;font-weight:bold">qualified women candidates</span> '
        "are strongly encouraged.</p>"
    )
    d.markers.append("qualified women candidates")
    d.forbidden.append("color:#c0392b")


def _multilingual(d: Description, rng: random.Random, pn: str) -> None:
    """Accents, Arabic, Chinese and emoji in one paragraph each."""
    phrases = rng.sample(
        (
            "Les candidatures en français sont les bienvenues.",
            "نرحب بالمتقدمين من جميع الجنسيات",
            "欢迎所有国籍的申请人",
            "Join us 🌍 and make a difference 🤝",
            "Nuestro compromiso con la diversidad es firme.",
        ),
        k=2,
    )
    d.html_parts += [f"<p>{escape(phrase)}</p>" for phrase in phrases]
    d.markers += phrases


def _entities(d: Description, rng: random.Random, pn: str) -> None:
    """Escaped characters and line breaks in running text."""
    d.html_parts.append(
        "<p><strong>Remuneration:</strong> Salary &amp; benefits are tax&#8209;free &lt;net&gt;.<br>\n"
        "Benefits include a competitive salary and home leave.</p>"
    )
    d.markers.append("Benefits include a competitive salary and home leave.")


OPTIONAL_SECTIONS: tuple[Callable[[Description, random.Random, str], None], ...] = (
    _responsibilities, _qualifications, _assessment_table, _links, _script, _style, _onclick,
    _styled_span, _multilingual, _entities,
)


def make_description(rng: random.Random, post_number: str, organization: str) -> Description:
    """A description: a fixed opening naming the posting, then 3 to 7 random sections."""
    d = Description()
    reference = f"Vacancy reference number {post_number}"
    d.html_parts.append(
        "<h3>Org. Setting and Reporting</h3>\n"
        f"<p>This position is located in the {escape(organization)} office. {reference}.</p>"
    )
    d.markers += ["Org. Setting and Reporting", reference]
    for section in rng.sample(OPTIONAL_SECTIONS, k=rng.randint(3, 7)):
        section(d, rng, post_number)
    return d
