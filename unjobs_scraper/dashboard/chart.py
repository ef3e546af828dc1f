"""The chart of postings processed per hour, laid out for a server-rendered SVG (no script, no CDN)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WIDTH, HEIGHT = 960, 180
LEFT, BOTTOM, TOP = 40, 22, 10
"""Room for the scale on the left, the day labels below and the top label."""
LABEL_WIDTH = 70


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    days: list[Tick]
    peak: int
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM


def first_hour(now: datetime, days: int) -> datetime:
    """The start of the chart: ``days`` × 24 hours, the current hour being the last one."""
    current = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return current - timedelta(hours=days * 24 - 1)


def hourly_chart(counts: dict[str, int], start: datetime, days: int) -> Chart:
    """One bar per hour from ``start``; ``counts`` is keyed ``YYYY-MM-DDTHH`` (UTC)."""
    hours = [start + timedelta(hours=i) for i in range(days * 24)]
    values = [counts.get(hour.strftime("%Y-%m-%dT%H"), 0) for hour in hours]
    peak = max(values, default=0)
    plot_height = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT) / len(hours)
    bars, ticks = [], []
    for i, (hour, value) in enumerate(zip(hours, values, strict=False)):
        x = LEFT + i * step
        if hour.hour == 0 or i == 0:
            ticks.append(Tick(x, hour.strftime("%a %d %b") if x < WIDTH - LABEL_WIDTH else ""))
        if value:
            height = max(1.0, plot_height * value / peak)
            label = f"{hour:%Y-%m-%d %H}:00 UTC: {value} processed"
            bars.append(Bar(round(x, 1), round(HEIGHT - BOTTOM - height, 1), round(max(step - 1, 1), 1), round(height, 1), label))
    return Chart(bars, ticks, peak, sum(values))
