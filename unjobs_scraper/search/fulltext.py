"""Web-search syntax for SQLite's FTS5, as PostgreSQL's ``websearch_to_tsquery`` reads it.

``q`` is what a person types: words, ``"a phrase"``, ``or`` between alternatives, ``-word`` to
leave out. PostgreSQL parses it itself; for FTS5 it is rewritten here into FTS5's own query
language with every word and phrase quoted, so nothing a person types is taken as an operator,
a column filter or a syntax error.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORDS = re.compile(r"\w+")


def _quoted(text: str) -> str | None:
    """One FTS5 string (a word, or a phrase of several), or None when it holds no word."""
    words = _WORDS.findall(text)
    return '"' + " ".join(words) + '"' if words else None


def fts5_query(q: str) -> str | None:
    """The FTS5 query for ``q``; None when it asks for no word at all (it matches nothing)."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for match in _TOKEN.finditer(q):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.lower() == "or":
            groups.append(([], []))
            continue
        if bare is not None:
            negated, phrase = ("-", bare[1:]) if bare.startswith("-") else ("", bare)
        term = _quoted(phrase)
        if term is not None:
            groups[-1][1 if negated else 0].append(term)
    clauses = []
    for wanted, unwanted in groups:
        if not wanted:  # FTS5 has no "everything but": a group of exclusions alone is dropped
            continue
        clause = " AND ".join(wanted)
        if unwanted:
            clause = f"({clause}) NOT ({' OR '.join(unwanted)})"
        clauses.append(f"({clause})")
    return " OR ".join(clauses) or None
