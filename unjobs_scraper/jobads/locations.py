"""Where the job is: home-based or not, and the duty station's country as ISO 3166-1 alpha-3.

Countries come from the names the site uses (the ``Country`` category: "United States of
America", "Côte d'Ivoire", "Türkiye", "Bolivia (Plurinational State of)"), through pycountry;
without a Country row, from the listing title ("TITLE, City, Country"), a "Duty station" line,
or the city of a common duty station.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

from unjobs_scraper.jobads.text import Found, folded, read

# UN names pycountry does not know under that spelling.
_UN_NAMES = {
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "drc": "COD",
    "republic of korea": "KOR",
    "democratic people's republic of korea": "PRK",
    "state of palestine": "PSE",
    "occupied palestinian territory": "PSE",
    "kosovo": "XKX",
    "netherlands (kingdom of the)": "NLD",
    "united states": "USA",
    "usa": "USA",
    "turkey": "TUR",
    "cote d'ivoire": "CIV",
    "ivory coast": "CIV",
    "laos": "LAO",
    "syria": "SYR",
    "russia": "RUS",
    "tanzania": "TZA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "iran": "IRN",
    "moldova": "MDA",
    "vietnam": "VNM",
    "cape verde": "CPV",
    "swaziland": "SWZ",
    "macedonia": "MKD",
    "czech republic": "CZE",
    "uk": "GBR",
    "suisse": "CHE",
    "senegal": "SEN",
    "cameroun": "CMR",
    "tchad": "TCD",
    "republique centrafricaine": "CAF",
    "republique democratique du congo": "COD",
    "haiti": "HTI",
    "guinee": "GIN",
    "mauritanie": "MRT",
    "madagascar": "MDG",
    "maroc": "MAR",
    "tunisie": "TUN",
    "liban": "LBN",
    "colombie": "COL",
    "perou": "PER",
    "bresil": "BRA",
    "mexique": "MEX",
    "equateur": "ECU",
    "espana": "ESP",
    "mexico": "MEX",
    "peru": "PER",
    "panama": "PAN",
    "brasil": "BRA",
    "republica dominicana": "DOM",
    "guinea ecuatorial": "GNQ",
    "suiza": "CHE",
    "estados unidos": "USA",
}
# Common duty stations, for a page that names only its city (folded names).
_CITIES = {
    "geneva": "CHE", "geneve": "CHE", "ginebra": "CHE", "bern": "CHE", "new york": "USA", "washington": "USA",
    "washington, d.c.": "USA", "nairobi": "KEN", "kakuma": "KEN", "dadaab": "KEN", "rome": "ITA", "roma": "ITA",
    "turin": "ITA", "brindisi": "ITA", "vienna": "AUT", "vienne": "AUT", "viena": "AUT", "bangkok": "THA",
    "copenhagen": "DNK", "paris": "FRA", "lyon": "FRA", "bonn": "DEU", "berlin": "DEU", "hamburg": "DEU",
    "brussels": "BEL", "bruxelles": "BEL", "the hague": "NLD", "la haye": "NLD", "madrid": "ESP", "barcelona": "ESP",
    "valencia": "ESP", "budapest": "HUN", "istanbul": "TUR", "ankara": "TUR", "gaziantep": "TUR", "amman": "JOR",
    "beirut": "LBN", "beyrouth": "LBN", "damascus": "SYR", "baghdad": "IRQ", "erbil": "IRQ", "cairo": "EGY",
    "le caire": "EGY", "tunis": "TUN", "rabat": "MAR", "algiers": "DZA", "alger": "DZA", "tripoli": "LBY",
    "khartoum": "SDN", "port sudan": "SDN", "juba": "SSD", "addis ababa": "ETH", "addis-abeba": "ETH",
    "kampala": "UGA", "kigali": "RWA", "bujumbura": "BDI", "dar es salaam": "TZA", "dodoma": "TZA", "mogadishu": "SOM",
    "hargeisa": "SOM", "djibouti": "DJI", "asmara": "ERI", "sana'a": "YEM", "aden": "YEM", "riyadh": "SAU",
    "doha": "QAT", "dubai": "ARE", "abu dhabi": "ARE", "kuwait city": "KWT", "tehran": "IRN", "kabul": "AFG",
    "islamabad": "PAK", "peshawar": "PAK", "new delhi": "IND", "delhi": "IND", "dhaka": "BGD", "cox's bazar": "BGD",
    "kathmandu": "NPL", "colombo": "LKA", "yangon": "MMR", "phnom penh": "KHM", "vientiane": "LAO",
    "hanoi": "VNM", "ha noi": "VNM", "jakarta": "IDN", "manila": "PHL", "beijing": "CHN", "tokyo": "JPN",
    "seoul": "KOR", "incheon": "KOR", "suva": "FJI", "apia": "WSM", "port moresby": "PNG", "almaty": "KAZ",
    "astana": "KAZ", "tashkent": "UZB", "bishkek": "KGZ", "dushanbe": "TJK", "tbilisi": "GEO", "yerevan": "ARM",
    "baku": "AZE", "kyiv": "UKR", "kiev": "UKR", "lviv": "UKR", "chisinau": "MDA", "belgrade": "SRB",
    "sarajevo": "BIH", "pristina": "XKX", "tirana": "ALB", "skopje": "MKD", "dakar": "SEN", "abidjan": "CIV",
    "bamako": "MLI", "mopti": "MLI", "gao": "MLI", "niamey": "NER", "ouagadougou": "BFA", "n'djamena": "TCD",
    "ndjamena": "TCD", "bangui": "CAF", "kinshasa": "COD", "goma": "COD", "bukavu": "COD", "lubumbashi": "COD",
    "brazzaville": "COG", "libreville": "GAB", "yaounde": "CMR", "douala": "CMR", "maroua": "CMR", "conakry": "GIN",
    "freetown": "SLE", "monrovia": "LBR", "accra": "GHA", "lome": "TGO", "cotonou": "BEN", "abuja": "NGA",
    "lagos": "NGA", "maiduguri": "NGA", "nouakchott": "MRT", "bissau": "GNB", "banjul": "GMB", "praia": "CPV",
    "antananarivo": "MDG", "port-au-prince": "HTI", "port au prince": "HTI", "lusaka": "ZMB", "harare": "ZWE",
    "maputo": "MOZ", "lilongwe": "MWI", "pretoria": "ZAF", "johannesburg": "ZAF", "windhoek": "NAM",
    "gaborone": "BWA", "luanda": "AGO", "bogota": "COL", "medellin": "COL", "cucuta": "COL", "lima": "PER",
    "quito": "ECU", "la paz": "BOL", "santiago": "CHL", "santiago de chile": "CHL", "buenos aires": "ARG",
    "montevideo": "URY", "asuncion": "PRY", "brasilia": "BRA", "sao paulo": "BRA", "rio de janeiro": "BRA",
    "caracas": "VEN", "panama city": "PAN", "ciudad de panama": "PAN", "san jose": "CRI", "managua": "NIC",
    "tegucigalpa": "HND", "san salvador": "SLV", "guatemala city": "GTM", "ciudad de guatemala": "GTM",
    "mexico city": "MEX", "ciudad de mexico": "MEX", "tapachula": "MEX", "santo domingo": "DOM", "havana": "CUB",
    "la habana": "CUB", "kingston": "JAM", "bridgetown": "BRB", "port of spain": "TTO", "montreal": "CAN",
    "ottawa": "CAN", "london": "GBR", "oslo": "NOR", "stockholm": "SWE", "helsinki": "FIN", "lisbon": "PRT",
    "warsaw": "POL", "athens": "GRC", "nicosia": "CYP", "jerusalem": "ISR", "gaza": "PSE", "ramallah": "PSE",
    "singapore": "SGP", "kuala lumpur": "MYS", "canberra": "AUS", "sydney": "AUS", "cox's bazaar": "BGD",
}
_NOT_A_COUNTRY = re.compile(r"home[- ]based|remote|multiple|various|global|worldwide|regional|several|to be determined|tbd", re.IGNORECASE)
_DUTY_STATION_LABEL = re.compile(
    r"^(?:duty station|location|place of assignment|lieu d'affectation|lieu de travail|lieu|lugar de destino|lugar de trabajo|lugar|ubicacion|sede)s?$"
)
_HOME_WORDS = (
    r"home[- ]based|work(?:ing)? (?:remotely|from home)|remote(?:ly)?(?: work| working| basis| position| assignment| consultancy| modality| arrangement)|telecommut|telework"
    r"|from home|online volunteer|teletravail|travail\w* a domicile|(?:poste|base|basee?) (?:est )?a domicile|travail\w* a distance"
    r"|desde casa|desde el hogar|teletrabajo|trabajo (?:remoto|a distancia)|en remoto|modalidad (?:remota|virtual|a distancia)"
)
_HOME_BASED = re.compile(_HOME_WORDS + r"|^remote$|^a distance$|^a distancia$|^remoto$")
_NOT_HOME_BASED = re.compile(
    rf"\b(?:not|non|no|never|nor|pas|sin|cannot|incompatible)\b(?:[\s,'-]+[\w']+){{0,3}}?[\s,'-]+(?:{_HOME_WORDS}|remote\b)"
    rf"|(?:{_HOME_WORDS}|remote work|remote working)[^.;]{{0,25}}?(?:is not|are not|isn't|cannot be|n'est pas|ne sont pas|ne (?:sera|peut) pas"
    r"|non (?:autorise|possible|permis|accepte)|no es|no esta|no se (?:permite|acepta)|no (?:es )?posible)\b"
    r"|on[- ]site (?:presence|assignment|position|only|basis)|in[- ]person (?:presence|position|basis|assignment)|physically present"
    r"|presence physique|presencia fisica|sans teletravail|pas (?:de |en )?teletravail|\bpresentiel"
    r"|sin teletrabajo|no (?:se permite|hay|aplica|incluye) (?:el )?teletrabajo"
    r"|no es (?:una modalidad |un puesto |una consultoria |un trabajo )?(?:desde casa|a distancia|remot)|\bpresencial\b"
)
_HOME_HINT = re.compile(r"home|remot|tele|domicil|distanc|casa|hogar|online|site|person|physi|presen|modalit")
"""Words without which a clause says nothing of where the work is done (a cheap first look)."""
_NOT_APPLICABLE = re.compile(r"(?:not applicable|non applicable|no aplica|ne s'applique pas)\s+(?:for|to|al?|aux?|pour|en)\b")
"""'Hardship level (not applicable for home-based)': a field's note, not the post's modality."""
_OFFICE_BASED = re.compile(r"^(?:on[- ]?site|in[- ]person|office[- ]based|presencial|presentiel|sur site)")
_HOME_LABEL = re.compile(
    r"home|remot|telework|teletravail|teletrabajo|domicile|casa|distanc|modalit"
    r"|^(?:type|type of assignment|assignment type|work arrangement|location|duty station|lieu d'affectation|lugar de destino)$"
)
_HOME_VALUE = re.compile(r"^(?:remote|home[- ]based|teletravail|teletrabajo|a distance|a distancia|remoto|desde casa|a domicile)\b")
"""A header line's value that says home-based ("Location: Remote (with travel)")."""
_YES = re.compile(r"^(?:yes|oui|si|true)\b")
_NO = re.compile(r"^(?:no|non|false)\b")


@cache
def country_code(name: str | None) -> Found[str] | None:
    """ISO 3166-1 alpha-3 of a country as the site names it; None for "Home-based" and the like."""
    if not name or _NOT_A_COUNTRY.search(name):
        return None
    key = folded(" ".join(name.split())).strip(" .")
    if key in _UN_NAMES:
        return Found(_UN_NAMES[key], name)
    for candidate in (name, re.sub(r"\s*\((.+)\)$", r", \1", name), re.sub(r"\s*\(.+\)$", "", name)):
        try:
            return Found(pycountry.countries.lookup(candidate.strip()).alpha_3, name)
        except LookupError:
            continue
    return None


def duty_station_country(country: str | None, listing_title: str | None, city: str | None, description: str) -> Found[str] | None:
    """The duty station's country: the ``Country`` row; without one, the last part of the
    listing title ("TITLE, City, Country"), a "Duty station: City, Country" line, or the city."""
    if country:
        return country_code(country)
    candidates = []
    if listing_title and "," in listing_title:
        candidates.append(listing_title.rsplit(",", 1)[1])
    for clause in read(description):
        if clause.label and _DUTY_STATION_LABEL.match(clause.label):
            value = clause.text.split(":", 1)[1].strip()
            candidates += [value.rsplit(",", 1)[-1], value.split(",", 1)[0]]
            break
    candidates.append(city)
    for candidate in candidates:
        if not candidate or _NOT_A_COUNTRY.search(candidate):
            continue
        if found := country_code(candidate.strip()):
            return found
        if code := _CITIES.get(folded(candidate).strip(" .")):
            return Found(code, candidate.strip())
    return None


def home_based(city: str | None, title: str | None, description: str) -> Found[bool] | None:
    """True when the job can be done from home (its city, title or description says so), False
    when the posting says it cannot, else None."""
    for named in (city, title):
        if named and _HOME_BASED.search(folded(named)) and not _NOT_HOME_BASED.search(folded(named)):
            return Found(True, named)
    verdict: Found[bool] | None = None
    for clause in read(description):
        text = clause.folded
        if not _HOME_HINT.search(text):
            continue
        if clause.label and _HOME_LABEL.search(clause.label):
            value = text.split(":", 1)[1].strip()
            if _NO.match(value) or _OFFICE_BASED.match(value) or _NOT_HOME_BASED.search(value):
                return Found(False, clause.text)
            if _YES.match(value) or _HOME_VALUE.match(value) or _HOME_BASED.search(value):
                return Found(True, clause.text)
        if _NOT_APPLICABLE.search(text):
            continue
        if _NOT_HOME_BASED.search(text):
            return Found(False, clause.text)
        if verdict is None and _HOME_BASED.search(text):
            verdict = Found(True, clause.text)
    return verdict
