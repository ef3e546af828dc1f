"""``scrapy reparse``: derive every stored posting's job ad again, without a download.

After a change to the rules in ``unjobs_scraper/jobads/``, this brings ``job_ads`` up to date from
what is stored. It streams the postings in post-number order, a batch at a time (memory stays
flat), writes only the rows that changed, one transaction a batch, and records how far it got
after each batch: interrupted, the next ``scrapy reparse`` goes on from there (``--restart``
starts over). It reports, per field, how many values changed and how many kept their value but
were read from other text (their ``*_source``).
"""

from __future__ import annotations

import json
import time
from collections import Counter

from unjobs_scraper.cli import StoreCommand, open_configured_store
from unjobs_scraper.jobads import derive
from unjobs_scraper.storage.columns import JOB_AD_FIELDS

PROGRESS_STATE = "reparse"
"""``crawl_state`` entry: the last post number derived again, while a reparse is under way."""


class Command(StoreCommand):
    def syntax(self) -> str:
        return "[--restart] [--batch N]"

    def short_desc(self) -> str:
        return "Derive every stored posting's structured job ad again (after a rule change), without a download"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--restart", action="store_true", help="start over instead of going on from an interrupted run")
        parser.add_argument("--batch", type=int, default=1000, help="postings read and written per transaction")

    def run(self, args, opts) -> None:
        store = open_configured_store(self.settings)
        try:
            report = reparse(store, opts.batch, opts.restart)
        finally:
            store.close()
        print(report)


def reparse(store, batch: int = 1000, restart: bool = False) -> str:
    """Derive again every posting after the recorded one; the report as text."""
    state = store.state.get(PROGRESS_STATE)
    after = "" if restart or state is None else json.loads(state.value)["after"]
    started = time.monotonic()
    seen, written, values, sources = 0, 0, Counter(), Counter()
    for rows in store.postings.iter_batches(after=after, batch=batch):
        stored = store.job_ads.many([row["post_number"] for row in rows])
        fresh = []
        for row in rows:
            seen += 1
            if not row["post_content"]:
                continue  # never processed: nothing to read
            ad, old = derive(row), stored.get(row["post_number"])
            moved = [name for name in JOB_AD_FIELDS if old is None or _value_differs(old, ad, name)]
            reworded = [name for name in JOB_AD_FIELDS if old is not None and name not in moved and _source_differs(old, ad, name)]
            values.update(moved)
            sources.update(reworded)
            if moved or reworded:
                fresh.append(ad)
        store.job_ads.save(fresh)
        written += len(fresh)
        store.state.set(PROGRESS_STATE, json.dumps({"after": rows[-1]["post_number"]}))
    store.state.delete(PROGRESS_STATE)
    seconds = time.monotonic() - started
    lines = [f"reparsed {seen} postings in {seconds:.1f} s ({seen / seconds if seconds else 0:.0f}/s), {written} job ads written"
             + (f" (went on after {after})" if after else "")]
    lines += [f"  {name:<22} {values[name]} values changed, {sources[name]} sources only" for name in JOB_AD_FIELDS]
    return "\n".join(lines)


def _value_differs(old: dict, new: dict, name: str) -> bool:
    value = old[name]
    if isinstance(new[name], bool) and value is not None:
        value = bool(value)  # SQLite keeps booleans as 0 and 1
    return value != new[name]


def _source_differs(old: dict, new: dict, name: str) -> bool:
    """The same value, read from other text (a rule that now quotes the header line)."""
    return old.get(f"{name}_source") != new.get(f"{name}_source", old.get(f"{name}_source"))
