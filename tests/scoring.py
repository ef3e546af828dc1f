"""Precision and recall of the structured job ads against a truth (the replica's profiles, the
labelled ads of tests/fixtures/job_ads/), and the per-field table the scoring tests print."""

from __future__ import annotations

import json

BOOLEAN_FIELDS = ("renewable", "experience_in_lieu", "home_based")


def comparable(field: str, got):
    """A stored or derived value as the truth writes it (languages as a dict, booleans as bool)."""
    if got is None:
        return None
    if field == "languages" and isinstance(got, str):
        return json.loads(got)
    if field in BOOLEAN_FIELDS:
        return bool(got)
    return got


def scores(truths: dict[str, dict], ads: dict[str, dict], field: str) -> tuple[float, float, int]:
    """(precision, recall, postings that state the field): a prediction counts when it is not null,
    a truth when it is not null; a right prediction is equal to its truth."""
    predicted = right = stated = 0
    for number, truth in truths.items():
        expected, got = truth[field], comparable(field, ads[number][field])
        stated += expected is not None
        predicted += got is not None
        right += got is not None and got == expected
    return (right / predicted if predicted else 1.0), (right / stated if stated else 1.0), stated


def table(truths: dict[str, dict], ads: dict[str, dict], fields) -> dict[str, tuple[float, float, int]]:
    return {field: scores(truths, ads, field) for field in fields}


def format_table(rows: dict[str, tuple[float, float, int]]) -> str:
    lines = ["field                  precision  recall  stated"]
    lines += [f"{field:22} {precision:9.3f} {recall:7.3f} {stated:7d}" for field, (precision, recall, stated) in rows.items()]
    return "\n".join(lines)


def below(rows: dict[str, tuple[float, float, int]], thresholds: dict[str, float]) -> dict[str, tuple[float, float]]:
    """The fields whose precision or recall is under its threshold."""
    return {field: (round(p, 3), round(r, 3)) for field, (p, r, _) in rows.items() if min(p, r) < thresholds[field]}
