"""Web-search syntax for SQLite's FTS5, as PostgreSQL's ``websearch_to_tsquery`` reads it.

``q`` is what a person types: words, ``"a phrase"``, ``or`` between alternatives, ``-word`` to
leave out. PostgreSQL parses it itself; for FTS5 it is rewritten here into FTS5's own query
language with every word and phrase quoted, so nothing a person types is taken as an operator,
a column filter or a syntax error.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W_]+")
"""Letters and digits, as FTS5's unicode61 tokenizer reads words."""


def _quoted(text: str) -> str | None:
    """One FTS5 string (a word, or a phrase of several), or None when it holds no word."""
    words = _WORDS.findall(text)
    return '"' + " ".join(words) + '"' if words else None


def fts5_query(q: str) -> str | None:
    """The FTS5 query for ``q``; None when it asks for no word at all (it matches nothing)."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]

    def add(text: str, negated: bool) -> None:
        if (term := _quoted(text)) is not None:
            groups[-1][1 if negated else 0].append(term)

    # A quote opens a phrase wherever it stands, and one left open runs to the end, as PostgreSQL reads it.
    negate_phrase = False
    for index, part in enumerate(q.split('"')):
        if index % 2:
            add(part, negate_phrase)
            continue
        words = part.split()
        negate_phrase = bool(words) and words[-1] == "-" and part.endswith("-")
        for word in words[:-1] if negate_phrase else words:
            if word.lower() == "or":
                groups.append(([], []))
            else:
                add(word.lstrip("-"), word.startswith("-"))
    clauses = []
    for wanted, unwanted in groups:
        if not wanted:  # FTS5 has no "everything but": a group of exclusions alone is dropped
            continue
        clause = " AND ".join(wanted)
        if unwanted:
            clause = f"({clause}) NOT ({' OR '.join(unwanted)})"
        clauses.append(f"({clause})")
    return " OR ".join(clauses) or None
