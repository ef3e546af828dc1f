"""The ``job_ads`` table: each posting's structured job ad (``unjobs_scraper.jobads.derive``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from unjobs_scraper.storage.columns import JOB_AD_FIELDS
from unjobs_scraper.storage.repository import Repository


class JobAdsRepository(Repository):
    def save(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Job ads in one transaction, replacing what an earlier derivation stored."""
        if not rows:
            return
        columns = list(rows[0])
        quote = self.dialect.quote
        assignments = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns[1:])
        statement = (
            f"INSERT INTO job_ads ({self.quoted(columns)}, derived_at)"
            f" VALUES ({', '.join(f'%({c})s' for c in columns)}, %(now)s)"
            f" ON CONFLICT (post_number) DO UPDATE SET {assignments}, derived_at = excluded.derived_at"
        )
        with self.dialect.transaction():
            self.dialect.executemany(statement, [self.params(row, columns) for row in rows])

    def get(self, post_number: str) -> dict[str, Any] | None:
        return self.many([post_number]).get(post_number)

    def many(self, post_numbers: Sequence[str]) -> dict[str, dict[str, Any]]:
        where, params = self.where_in("post_number", list(post_numbers))
        return {row["post_number"]: row for row in self.dialect.execute(f"SELECT * FROM job_ads WHERE {where}", params)}

    def fill_rates(self) -> dict[str, float]:
        """Per field, the share of job ads that have a value (``scrapy status``)."""
        quote = self.dialect.quote
        counted = ", ".join(f"COUNT({quote(name)}) AS {quote(name)}" for name in JOB_AD_FIELDS)
        row = self.dialect.execute(f"SELECT COUNT(*) AS total, {counted} FROM job_ads")[0]
        total = row.pop("total")
        return {name: (row[name] / total if total else 0.0) for name in JOB_AD_FIELDS}
