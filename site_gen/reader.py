"""Context for the reader features of the theme: day groups, timelines, maps, related stories.

``reader_context`` adds keys to a page's template context; like the rest of the context it is
a pure function of the page and the Site. Site-wide lists appear only on the pages that need
them (home page 1, the locations overview), never on every page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from site_gen.assemble import term_url
from site_gen.jsonld import news_article_json
from site_gen.mapsvg import OUTLINE, map_svg, markers
from site_gen.model import Page, Site, Story, Term, View
from site_gen.related import co_occurring, most_active, recent_stories, related_stories
from site_gen.search import INDEX
from site_gen.timeline import Timeline, build_timeline

Link = Callable[[str], str]
StoryView = Callable[[str, Site, Link], dict[str, Any]]  # a story (by slug) as listed
PLACES, ACTORS = "locations", "actors"
OVERVIEW_SPAN = 36.0  # degrees of longitude the locations map shows at least
MAP_LIMIT = 250  # the locations map shows the places with the most stories, up to this many


def reader_context(page: Page, site: Site, link: Link, story_view: StoryView) -> dict[str, Any]:
    """Extra context keys for this page (see ``docs/templates.md``)."""
    if page.kind == "home":
        return _home(page, site, link, story_view)
    if page.kind == "story":
        return _story(page, site, link, story_view)
    if page.kind == "term" and page.number == 1:
        return _term(site.term(page.taxonomy or "", page.term or ""), site, link)
    if page.kind == "taxonomy" and page.taxonomy == PLACES:
        return {"map": _overview_map(site, link)}
    if page.kind == "search":
        return {"search": {"index_url": link(INDEX)}}
    return {}


def term_link(term: Term, site: Site, link: Link, count: int | None = None) -> dict[str, Any]:
    """A term as a link: name, url, and a story count (its own, or the one given)."""
    return View(
        name=term.name,
        slug=term.slug,
        url=link(term_url(site.config, term.taxonomy, term.slug)),
        count=len(term.stories) if count is None else count,
    )


def _home(page: Page, site: Site, link: Link, story_view: StoryView) -> dict[str, Any]:
    stories = [site.story_head(s) for s in page.stories]
    context: dict[str, Any] = {"days": _days(stories, site, link, story_view)}
    if page.number == 1:
        dates = site.story_dates
        recent = recent_stories(dates)
        slugs = [slug for slug, _ in recent]
        context["active"] = {
            tax: [term_link(t, site, link, n) for t, n in most_active(site, slugs, tax)]
            for tax in (ACTORS, PLACES)
            if tax in site.taxonomies
        }
        context["active_period"] = _period([date for _, date in recent])
        context["timeline"] = _timeline([date for _, date in dates], "Stories over time")
    return context


def _days(stories: list[Story], site: Site, link: Link, story_view: StoryView) -> list[dict]:
    """Stories grouped by calendar day (in the site's time zone), in site order."""
    days: list[dict[str, Any]] = []
    for story in stories:
        day = story.date.date() if story.date else None
        if not days or days[-1]["day"] != day:
            days.append(View(day=day, label=_day_heading(day), stories=[]))
        days[-1]["stories"].append(story_view(story.slug, site, link))
    for group in days:
        group["datetime"] = group.pop("day").isoformat() if group["day"] else None
    return days


def _day_heading(day: dt.date | None) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}" if day else "Undated"


def _period(dates: list[dt.datetime | None]) -> str:
    known = [d for d in dates if d]
    if not known:
        return f"the latest {len(dates)} stor{'y' if len(dates) == 1 else 'ies'}"
    first, last = min(known).date(), max(known).date()
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def _timeline(dates: list[dt.datetime | None], label: str) -> dict[str, Any] | None:
    chart: Timeline | None = build_timeline(dates, label)
    if chart is None:
        return None
    return View(
        svg=chart.svg,
        summary=chart.summary,
        unit=chart.unit,
        total=chart.total,
        first=chart.bins[0].label,
        last=chart.bins[-1].label,
    )


def _story(page: Page, site: Site, link: Link, story_view: StoryView) -> dict[str, Any]:
    story = site.story(page.story or "")
    return {
        "related": [story_view(s.slug, site, link) for s in related_stories(site, story.slug)],
        "jsonld": news_article_json(site, story),
    }


def _term(term: Term, site: Site, link: Link) -> dict[str, Any]:
    dates = site.dates_of(term.stories)
    context: dict[str, Any] = {
        "timeline": _timeline(dates, f"Stories about {term.name} over time"),
        "cooccur": {
            tax: [term_link(t, site, link, n) for t, n in ranked]
            for tax, ranked in co_occurring(
                site, term, [t for t in (ACTORS, PLACES) if t in site.taxonomies]
            ).items()
        },
        "map": None,
    }
    if term.taxonomy == PLACES:
        points = markers([term], lambda t: link(term_url(site.config, PLACES, t.slug)))
        if points:
            context["map"] = {
                "svg": map_svg(points, link(OUTLINE)),
                "lat": points[0].lat,
                "lon": points[0].lon,
            }
    return context


def _overview_map(site: Site, link: Link) -> dict[str, Any] | None:
    terms = site.taxonomies[PLACES].terms
    located = markers(terms, lambda t: link(term_url(site.config, PLACES, t.slug)))
    if not located:
        return None
    points = located[:MAP_LIMIT]
    return {
        "left_out": len(located) - len(points),
        "svg": map_svg(points, link(OUTLINE), min_span=OVERVIEW_SPAN),
        "places": [
            {"name": m.name, "url": m.url, "count": m.count, "lat": m.lat, "lon": m.lon}
            for m in points
        ],
        "unplaced": len(terms) - len(located),
    }
