"""``scrapy status``: where the collection stands, for people (default) or scripts (--json)."""

from __future__ import annotations

import json
from dataclasses import asdict

from unjobs_scraper.cli import StoreCommand, configuration, open_configured_store
from unjobs_scraper.sitegate.gate import fleet_summary


def format_coverage(coverage: dict) -> list[str]:
    lifecycles = coverage["lifecycles"]
    listings = coverage["listings"]
    backfill = coverage["last_backfill"]
    lines = [
        "lifecycle: " + ", ".join(f"{name} {count}" for name, count in lifecycles.items()),
        f"listings known: {sum(listings.values())}"
        + (" (" + ", ".join(f"{kind} {n}" for kind, n in listings.items()) + ")" if listings else ""),
    ]
    if backfill:
        lines.append(
            f"last backfill: {backfill['finished_at'][:19].replace('T', ' ')} UTC ({backfill['reason']},"
            f" {'full' if backfill['full'] else 'incremental'}), {backfill['seconds']:g} s,"
            f" {backfill['listings_walked']} listings walked, {backfill['withdrawn']} withdrawn"
            + ("" if backfill["covered"] else "; coverage incomplete")
        )
    else:
        lines.append("last backfill: none")
    capped = coverage["capped_listings"]
    lines.append(f"listings at the site's cap: {len(capped)}")
    lines += [f"  {url}" for url in capped]
    return lines


def format_site(site: dict) -> list[str]:
    """The fleet's pace at the site: its rate now, what waits, its bans."""
    if "rate" not in site:
        return [f"site pace: {site['source']}"]
    line = (
        f"site pace ({site['source']}): {site['rate']:g} req/s of {site['limit']:g} allowed, {site['in_flight']} in flight,"
        f" {site['waiting']} waiting for a turn, {site['bans']} bans ({site['banned_seconds']:g} s banned)"
    )
    if site["banned_for"]:
        line += f"; banned now, for {site['banned_for']:g} s more"
    return [line]


def format_summary(summary: dict) -> str:
    counts = summary["counts"]
    lines = [
        f"postings: {sum(counts.values())}",
        *(f"  {status:<11} {count}" for status, count in counts.items()),
        *format_coverage(summary["coverage"]),
        f"dead-letter queue: {summary['dead_letter']}",
        "job ads, share with a value: "
        + ", ".join(f"{name} {rate:.0%}" for name, rate in summary["job_ad_fill_rates"].items()),
    ]
    oldest = summary["oldest_pending"]
    if oldest:
        lines.append(
            f"oldest pending: {oldest['post_number']} since {oldest['oldest_pending_at']:%Y-%m-%d %H:%M:%S} UTC"
        )
    else:
        lines.append("oldest pending: none")
    lines.append(f"last {len(summary['recent_errors'])} errors:")
    lines += [
        f"  {row['updated_at']:%Y-%m-%d %H:%M:%S} {row['post_number']} [{row['status']},"
        f" {row['processing_attempts']} attempts] {row['processing_error']}"
        for row in summary["recent_errors"]
    ]
    lines += format_site(summary["site"])
    hosts = summary["cloudflare_hosts"]
    lines.append(f"ways past Cloudflare ({len(hosts)} hosts):" if hosts else "ways past Cloudflare: none recorded")
    lines += [
        f"  {row['host']} {row['strategy']} since {row['updated_at']:%Y-%m-%d %H:%M:%S} UTC"
        + (f": {row['reason']}" if row["reason"] else "")
        for row in hosts
    ]
    return "\n".join(lines)


class Command(StoreCommand):
    def short_desc(self) -> str:
        return (
            "Show postings per status and lifecycle, coverage (listings, backfills), the oldest pending"
            " one, the last errors, the dead-letter queue, the job ads' fill rates, the fleet's pace at the site"
            " and the ways past Cloudflare"
        )

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")

    def run(self, args, opts) -> None:
        store = open_configured_store(self.settings)
        try:
            summary = {**store.summary(), "coverage": store.coverage(), "job_ad_fill_rates": store.job_ads.fill_rates()}
            site, source = fleet_summary(configuration(self.settings), store)
            summary["site"] = {**(asdict(site) if site else {}), "source": source}
        finally:
            store.close()
        print(json.dumps(summary, default=str, indent=2) if opts.json else format_summary(summary))
