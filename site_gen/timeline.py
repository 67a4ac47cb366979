"""A stories-over-time bar chart, drawn at build time as a small inline SVG."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup, escape

DAILY_SPAN = 92  # at most this many days: one bar per day; longer: per week, then per month
WEEKLY_SPAN = 2 * 366
MIN_DAYS = 14
BAR = 10  # SVG units per bar
HEIGHT = 40


class Bin(NamedTuple):  # a tuple: charts of thousands of terms make many bins
    """One bar: its first day, its unit ("day", "week", "month") and its number of stories."""

    start: dt.date
    unit: str
    count: int

    @property
    def label(self) -> str:
        return _bin_label(self.start, self.unit)


@dataclass(frozen=True)
class Timeline:
    """A chart's bars, its unit ("day", "week", "month") and a one-sentence summary."""

    bins: tuple[Bin, ...]
    unit: str
    total: int
    summary: str
    svg: Markup


def day_label(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def build_timeline(dates: Iterable[dt.datetime | None], label: str) -> Timeline | None:
    """Bars of the dated stories given, ending at the newest one; None when none is dated."""
    days = sorted(d.date() for d in dates if d is not None)
    if not days:
        return None
    first, last = days[0], days[-1]
    span = (last - first).days + 1
    if span <= DAILY_SPAN:
        unit, starts = "day", _day_starts(last, max(span, MIN_DAYS))
        key = _identity
    elif span <= WEEKLY_SPAN:
        unit, key = "week", _week_start
        starts = _week_starts(_week_start(first), _week_start(last))
    else:
        unit, key = "month", _month_start
        starts = _month_starts(_month_start(first), _month_start(last))
    counts = Counter(days if key is _identity else map(key, days))
    bins = _bins(starts, unit, counts)
    summary = _summary(bins, unit, len(days))
    return Timeline(bins, unit, len(days), summary, _svg(bins, label, summary))


def _bins(starts: tuple[dt.date, ...], unit: str, counts: Counter[dt.date]) -> tuple[Bin, ...]:
    """``Bin(start, unit, count)`` for each start: made in C (charts of thousands of terms
    make hundreds of thousands of bins)."""
    fields = zip(starts, itertools.repeat(unit), map(counts.get, starts, itertools.repeat(0)))
    return tuple(map(tuple.__new__, itertools.repeat(Bin), fields))


def _identity(day: dt.date) -> dt.date:
    return day


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


# The bar starts depend on a chart's first and last day (week, month) only, which many
# charts share.
@functools.lru_cache(maxsize=1 << 12)
def _day_starts(last: dt.date, count: int) -> tuple[dt.date, ...]:
    return tuple(last - dt.timedelta(days=n) for n in range(count - 1, -1, -1))


@functools.lru_cache(maxsize=1 << 12)
def _week_starts(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    start, end = _week_start(first), _week_start(last)
    return tuple(start + dt.timedelta(weeks=n) for n in range((end - start).days // 7 + 1))


@functools.lru_cache(maxsize=1 << 12)
def _month_starts(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    months = (last.year - first.year) * 12 + last.month - first.month
    return tuple(
        dt.date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
        for n in range(months + 1)
    )


@functools.lru_cache(maxsize=1 << 14)  # the same bars recur in many terms' charts
def _bin_label(start: dt.date, unit: str) -> str:
    if unit == "day":
        return day_label(start)
    if unit == "week":
        return f"week of {day_label(start)}"
    return f"{start:%B %Y}"


def _summary(bins: tuple[Bin, ...], unit: str, total: int) -> str:
    busiest = max(bins, key=lambda b: (b.count, b.start))
    noun = "story" if total == 1 else "stories"
    return (
        f"{total} dated {noun}, per {unit}, from {bins[0].label} to {bins[-1].label}; "
        f"busiest: {busiest.label} ({busiest.count})."
    )


def _svg(bins: tuple[Bin, ...], label: str, summary: str) -> Markup:
    """The chart: one ``<rect>`` per bar with a ``<title>``; colours come from the stylesheet."""
    peak = max(b.count for b in bins) or 1
    width = BAR * len(bins)
    rects = []
    for n, b in enumerate(bins):
        if b.count == 0:  # empty bins are the gaps between bars
            continue
        height = max(2.0, HEIGHT * b.count / peak)
        noun = "story" if b.count == 1 else "stories"
        rects.append(
            f'<rect x="{n * BAR + 1}" y="{HEIGHT - height:.1f}" width="{BAR - 2}" '
            f'height="{height:.1f}"><title>{b.label}: {b.count} {noun}</title></rect>'
        )
    return Markup(
        f'<svg class="bars" viewBox="0 0 {width} {HEIGHT + 1}" preserveAspectRatio="none" '
        f'role="img" aria-label="{escape(label)}: {escape(summary)}" focusable="false">'
        f'<line x1="0" y1="{HEIGHT + 0.5}" x2="{width}" y2="{HEIGHT + 0.5}"/>'
        + "".join(rects)
        + "</svg>"
    )
