"""The application deadline: the date, with its time and time zone when the posting states them;
the listing's closing date otherwise.

A deadline line is found by its label ("Deadline", "Closing date", "Date limite", "Fecha
límite", ...); the date in it by its shape (``15 October 2025``, ``15 octobre 2025``, ``30 de
noviembre de 2025``, ``October 15, 2025``, ``2025-10-15``), which dateparser reads in any of the
three languages. A time (``23:59``, ``17h00``, ``midnight``) and a zone (``GMT+1``, ``CET``,
``New York time``) close after it are kept; a zone it does not know leaves the time without one.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from unjobs_scraper.jobads.text import Found, folded, read

_LABEL = re.compile(
    r"deadline|closing date|apply by|applications? (?:must be received|close)|date limite|date de cloture"
    r"|au plus tard le|fecha (?:limite|de cierre)|a mas tardar el|plazo de (?:presentacion|postulacion)"
)
_MONTH = r"[a-zéûçñ]{3,10}\.?"
_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:er|st|nd|rd|th|º)?\s+(?:de\s+)?({_MONTH}),?\s+(?:de\s+)?(\d{{4}})\b"  # 15 October 2025
    rf"|\b({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})\b"  # October 15, 2025
    r"|\b(\d{4}-\d{2}-\d{2})\b|\b(\d{1,2}/\d{1,2}/\d{4})\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"\b(\d{1,2})\s*[:h.]\s*(\d{2})\b|\b(midnight|minuit|medianoche)\b", re.IGNORECASE)
_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?|\b(UTC|GMT)\b")
_ZONE_NAMES = {
    "CET": timedelta(hours=1), "CEST": timedelta(hours=2), "EAT": timedelta(hours=3), "WAT": timedelta(hours=1),
    "EST": timedelta(hours=-5), "EDT": timedelta(hours=-4), "IST": timedelta(hours=5, minutes=30),
}
_MONTH_NUMBERS = {
    name: number
    for names in (
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"),
        ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"),
        ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"),
    )
    for number, name in enumerate(names, 1)
}
_CITY_ZONES = {
    "new york": "America/New_York", "geneva": "Europe/Zurich", "geneve": "Europe/Zurich", "ginebra": "Europe/Zurich",
    "nairobi": "Africa/Nairobi", "rome": "Europe/Rome", "roma": "Europe/Rome", "vienna": "Europe/Vienna",
    "vienne": "Europe/Vienna", "viena": "Europe/Vienna", "bangkok": "Asia/Bangkok", "copenhagen": "Europe/Copenhagen",
    "paris": "Europe/Paris", "panama": "America/Panama", "dakar": "Africa/Dakar",
}
_CITY = re.compile(r"\b(" + "|".join(_CITY_ZONES) + r")\b")
_NEAR = 40
"""How far after the date its time and zone may stand (characters)."""


def deadline(description: str, language: str | None, closing_date: date | None) -> Found[str] | None:
    """ISO 8601: ``2025-10-15``, or ``2025-10-15T23:59`` / ``2025-10-15T23:59:00+01:00`` when the
    posting states a time (and a zone); the listing's ``closing_date`` when the description has none."""
    languages = ["en", "fr", "es"]  # a French deadline line in an English description is French
    if language in languages:
        languages.insert(0, languages.pop(languages.index(language)))
    for clause in read(description):
        label = _LABEL.search(clause.folded)
        if label is None:
            continue
        stated = _stated(clause.text[label.end():], languages)
        if stated is not None:
            return Found(stated, clause.text)
    if closing_date is not None:
        return Found(closing_date.isoformat(), "the listing's closing date")
    return None


def _stated(text: str, languages: list[str]) -> str | None:
    match = _DATE.search(text)
    if match is None:
        return None
    day = _common_date(match) or _dateparser().parse(match[0], languages=languages, settings={"DATE_ORDER": "DMY"})
    if day is None:
        return None
    after = text[match.end(): match.end() + _NEAR]
    clock = _TIME.search(after)
    if clock is None:
        return day.date().isoformat()
    hour, minute = (23, 59) if clock[3] else (int(clock[1]), int(clock[2]))
    if hour > 23 or minute > 59:
        return day.date().isoformat()
    moment = datetime.combine(day.date(), time(hour, minute))
    zone = _zone(text[match.end(): match.end() + _NEAR + 20])
    if zone is None:
        return moment.isoformat(timespec="minutes")
    return moment.replace(tzinfo=zone).isoformat(timespec="seconds")


def _common_date(match: re.Match) -> datetime | None:
    """``15 October 2025``, ``15 octobre 2025``, ``15 de octubre de 2025``, ``October 15, 2025``
    and ISO dates read directly (dateparser takes a few milliseconds each); None for the rest."""
    if match[7]:
        return datetime.fromisoformat(match[7])
    day, month, year = (match[1], match[2], match[3]) if match[1] else (match[5], match[4], match[6])
    number = _MONTH_NUMBERS.get(folded(month or "").rstrip("."))
    if number is None or day is None:
        return None
    try:
        return datetime(int(year), number, int(day))
    except ValueError:
        return None


def _dateparser():
    """dateparser, imported on first use: most dates are read without it, and every crawl process
    would pay for its import."""
    import dateparser

    return dateparser


def _zone(text: str):
    if offset := _OFFSET.search(text):
        if offset[4]:
            return UTC
        sign = -1 if offset[1] == "-" else 1
        return timezone(sign * timedelta(hours=int(offset[2]), minutes=int(offset[3] or 0)))
    for name, delta in _ZONE_NAMES.items():
        if re.search(rf"\b{name}\b", text):
            return timezone(delta)
    if city := _CITY.search(folded(text)):
        return ZoneInfo(_CITY_ZONES[city[1]])
    return None
