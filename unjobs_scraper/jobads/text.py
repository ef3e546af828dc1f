"""What the rule modules share: a found value with its source, and text split into clauses."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Generic, NamedTuple, TypeVar

Value = TypeVar("Value")

_CLAUSE_BREAK = re.compile(r"(?<=[.;!?])\s+|\n+|;\s*|\s+[•·▪]\s+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
_COMBINING = re.compile("[\u0300-\u036f]")
cache_per_posting = lru_cache(maxsize=8)
"""The rule families of one posting split the same description: split it once."""
NUMBER_WORDS = {
    # English, French, Spanish: the numbers a posting writes out for years or months
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15, "veinte": 20,
}
NUMBER = r"(?:\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
"""A number of years or months, in digits or in words (``seven``, ``sept``, ``siete``)."""


class Found(NamedTuple, Generic[Value]):
    """A value and the raw text it was read from, so that a user can check it."""

    value: Value
    source: str


def number(token: str) -> int:
    """``7``, ``seven``, ``sept`` or ``siete`` as an int."""
    token = token.lower()
    return int(token) if token.isdigit() else NUMBER_WORDS[token]


@cache_per_posting
def clauses(text: str) -> tuple[str, ...]:
    """Sentences and the parts of a sentence that ``;`` or a bullet separates, trimmed."""
    return tuple(part.strip() for part in _CLAUSE_BREAK.split(text) if part and part.strip())


@cache_per_posting
def sentences(text: str) -> tuple[str, ...]:
    """Sentences and lines, trimmed: a clause's alternatives (``; or 5 with a PhD``) stay with it."""
    return tuple(part.strip() for part in _SENTENCE_BREAK.split(text) if part and part.strip())


@lru_cache(maxsize=4096)
def folded(text: str) -> str:
    """Lower case without accents, for matching words written either way (``experiencia``).
    Cached: every rule family reads the same clauses."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))
