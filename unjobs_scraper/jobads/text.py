"""What the rule modules share: a found value with its source, and a description read as an
agency writes it: Markdown made plain, split into clauses, each knowing its section.

Agencies put requirements under headings ("Education", "Languages") and qualify them as
"Essential" or "Desirable", by a heading, a label ("Desired languages: ...") or in the clause
itself. A ``Clause`` carries that context, so that a rule can leave out what is only desirable.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Generic, NamedTuple, TypeVar

Value = TypeVar("Value")

cache_per_posting = lru_cache(maxsize=8)
"""The rule families of one posting read the same description: read it once."""
NUMBER_WORDS = {
    # English, French, Spanish: the numbers a posting writes out for years or months
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18, "twenty": 20,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "dix-huit": 18, "vingt": 20,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15, "dieciocho": 18, "veinte": 20,
}
NUMBER = r"(?:\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
"""A number of years, months or days, in digits or in words (``seven``, ``sept``, ``siete``)."""

DESIRABLE_WORDS = (
    r"desirable|desired|(?<!take )(?<!taking )\b(?:assets?|advantage(?:ous)?)\b"
    r"(?! management| manager| register| tracking| disposal| verification| inventor| recovery| class| base| freez| allocation| liabilit)"
    r"|preferred|nice to have|(?:an?|added|additional|strong|real|distinct) plus\b|is a plus"
    r"|atouts?\b|souhait|serait un (?:plus|avantage|atout)|un avantage|apprecie|constituer(?:a|ait) un (?:plus|avantage|atout)"
    r"|deseable|se valorar|valorad[oa]|valorable|una ventaja|un plus\b|preferible\b|deseado"
)
"""What makes a requirement only desirable, in the three languages (folded)."""
ESSENTIAL_WORDS = (
    r"essential|required|mandatory|must\b|necessary|requis|exige|obligatoire|indispensable|necessaire"
    r"|esencial|requerid|obligatori|imprescindible|necesari|se requiere|se exige"
)
"""What makes it a requirement, whatever else the clause says (folded)."""
NOT_A_LENGTH = re.compile(
    r"(?:after|within|earlier than|later than|before|past|last|since|apres|avant|dans les|depuis|despues|antes|dentro de|ultimos?|derniers?)\s+(?:the |les |los |las |el |la |l')?$"
)
"""What, just before a number of years or months, makes it no length ("within one year", "after two years")."""
DESIRABLE = re.compile(DESIRABLE_WORDS)
_DESIRABLE_LABEL = re.compile(rf"{DESIRABLE_WORDS}|^(?:assets?|atouts?|plus|optional|opcional|facultati\w+)$")
_ESSENTIAL_LABEL = re.compile(rf"{ESSENTIAL_WORDS}|minim|requirement|requisito|exigence|qualifications? requise")

_TOPIC = re.compile(
    r"langu|idioma|lengua|educ|formation|formacion|experien|degree|diplom|titulo|skill|competen|habilidad|contra|years|annees|anos"
)
"""What a heading is about, beside "Essential" or "Desirable"."""
_COMBINING = re.compile("[\u0300-\u036f]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HEADING = re.compile(r"^#{1,6}\s+")
_BULLET = re.compile(r"^(?:[-*+•·▪–]|\d{1,2}[.)]|\(?[a-z]\))\s+")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")
_CLAUSE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[^a-z0-9\s(])|;\s*|\s+[•·▪]\s+|\s+/\s+(?=[\w ]{1,30}:)")
_ALTERNATIVE_START = re.compile(rf"^(?:or|ou|o)\b[\s,]+(?:\w+\s+){{0,3}}?{NUMBER}\b")
_LABEL = re.compile(r"^([^:.;]{1,60}?)\s*:\s*(.*)$")
_SENTENCE_END = re.compile(r"[.!?:;]$")


class Found(NamedTuple, Generic[Value]):
    """A value and the raw text it was read from, so that a user can check it."""

    value: Value
    source: str


class Clause(NamedTuple):
    """One sentence, or the part of one that ``;`` or a bullet separates, with its context."""

    text: str
    """As written (Markdown made plain), for ``Found.source``."""
    folded: str
    """Lower case without accents: what the rules match."""
    section: str
    """The folded heading the clause stands under ("" before any heading)."""
    label: str
    """The folded label the clause's line starts with ("grade" of "Grade: P-3"), else ""."""
    desirable: bool
    """Under a "Desirable" heading or label: not a requirement."""
    heading: bool
    """A heading-like line of its own (a Markdown heading, a bold line, a short line ending ":")."""
    alternative: bool
    """Starts with "or 5 years ...": an alternative to the clause before it."""


def number(token: str) -> int:
    """``7``, ``seven``, ``sept`` or ``siete`` as an int."""
    token = token.lower()
    return int(token) if token.isdigit() else NUMBER_WORDS[token]


@lru_cache(maxsize=4096)
def folded(text: str) -> str:
    """Lower case without accents, for matching words written either way (``experiencia``).
    Cached: every rule family reads the same clauses."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower())).replace("’", "'")


def desirable(text: str) -> bool:
    """Whether folded text calls something desirable ("an asset", "un atout", "deseable")."""
    return DESIRABLE.search(text) is not None


def plain_lines(text: str) -> list[tuple[str, bool]]:
    """The description's lines without Markdown, each with whether it is heading-like: a
    Markdown heading, a line all in bold, or a short line that ends with a colon. A table row
    becomes ``label: value`` pairs; a line broken inside a sentence is joined again."""
    lines: list[tuple[str, bool]] = []
    for raw in text.splitlines():
        line = raw.strip().rstrip("\\").strip()
        if not line or _TABLE_RULE.match(line):
            continue
        heading = bool(_HEADING.match(line)) or (line.startswith("**") and line.rstrip(":").endswith("**"))
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|") if cell.strip()]
            line = "; ".join(" : ".join(pair) for pair in zip(cells[::2], cells[1::2])) + (
                f"; {cells[-1]}" if len(cells) % 2 else "")
        line = _markdown_removed(line)
        if not line:
            continue
        heading = heading or (line.endswith(":") and len(line.split()) <= 8)
        previous = lines[-1] if lines else None
        if previous and not previous[1] and not heading and not _SENTENCE_END.search(previous[0]) and line[0].islower():
            lines[-1] = (f"{previous[0]} {line}", False)
        else:
            lines.append((line, heading))
    return lines


def _markdown_removed(line: str) -> str:
    """A line without its heading marks, links, emphasis, escapes, entities and bullet (each
    looked for only where its character is there: most lines have none)."""
    if "#" in line:
        line = _HEADING.sub("", line)
    if "](" in line:
        line = _LINK.sub(r"\1", line)
    if "*" in line or "_" in line:
        line = _EMPHASIS.sub("", line)
    if "\\" in line:
        line = _ESCAPE.sub(r"\1", line)
    if "&" in line:
        line = html.unescape(line)
    return _BULLET.sub("", line.strip()).strip()


@cache_per_posting
def read(text: str) -> tuple[Clause, ...]:
    """The description as clauses in order, each with its section, label and whether it is
    only desirable. A heading is a clause too ("**Grade SB4**", "**Fluency in English is required**")."""
    found: list[Clause] = []
    section, section_desirable = "", False
    for line, heading in plain_lines(text):
        line_folded = folded(line)
        line_label = match[1].strip() if (match := _LABEL.match(line_folded)) else ""
        if heading:
            name = line_folded.rstrip(":").strip()
            qualifier = _qualifier(name)
            if qualifier is None or _TOPIC.search(name) or len(name.split()) > 3:  # "Education", "Desired languages"
                section = name
            section_desirable = qualifier == "desirable"
            line_desirable = section_desirable
        else:
            qualifier = _qualifier(line_label) if line_label else None
            line_desirable = section_desirable if qualifier is None else qualifier == "desirable"
        for index, part in enumerate(_CLAUSE_BREAK.split(line)):
            part = part.strip()
            if not part:
                continue
            part_folded = folded(part)
            label, clause_desirable = line_label if index == 0 else "", line_desirable
            if index and (match := _LABEL.match(part_folded)):
                label = match[1].strip()
                if (qualifier := _qualifier(label)) is not None:
                    clause_desirable = qualifier == "desirable"
            found.append(Clause(part, part_folded, section, label, clause_desirable, heading,
                                bool(_ALTERNATIVE_START.match(part_folded))))
    return tuple(found)


def _qualifier(label: str) -> str | None:
    """``desirable``, ``essential`` or None for a heading or label ("Desirable", "Essential
    education", "Langues souhaitées", "Idiomas requeridos", "Min. Education requirements")."""
    if len(label.split()) > 6:
        return None
    if _DESIRABLE_LABEL.search(label):
        return "desirable"
    if _ESSENTIAL_LABEL.search(label):
        return "essential"
    return None
