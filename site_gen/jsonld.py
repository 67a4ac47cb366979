"""schema.org ``NewsArticle`` JSON-LD for story pages, escaped for a ``<script>`` element."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from site_gen.assemble import story_url
from site_gen.deps import build_memo, terms_once
from site_gen.mapsvg import coordinates
from site_gen.model import Site, Story, Term

PERSON_KINDS = {"person"}
PLACE_TYPES = {"country": "Country", "city": "City"}


def script_json(data: Any) -> Markup:
    """JSON that is safe inside ``<script>``: ``<``, ``>`` and ``&`` become ``\\u`` escapes."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def _place(term: Term, site: Site) -> dict[str, Any]:
    place: dict[str, Any] = {
        "@type": PLACE_TYPES.get(str(term.meta.get("kind", "")).lower(), "Place"),
        "name": term.name,
        "url": site.config.absolute_base + f"{site.config.taxonomy('locations').path}/{term.slug}/",
    }
    where = coordinates(term)
    if where:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": where[0], "longitude": where[1]}
    if term.meta.get("geonames_id"):
        place["sameAs"] = f"https://sws.geonames.org/{term.meta['geonames_id']}/"
    return place


def _actor(term: Term, site: Site) -> dict[str, Any]:
    kind = str(term.meta.get("kind", "")).lower()
    return {
        "@type": "Person" if kind in PERSON_KINDS else "Organization",
        "name": term.name,
        "url": site.config.absolute_base + f"{site.config.taxonomy('actors').path}/{term.slug}/",
    }


def _objects(
    site: Site, story: Story, taxonomy: str, make: Callable[[Term, Site], dict[str, Any]]
) -> list[dict[str, Any]]:
    """The story's terms of one taxonomy as schema.org objects, each made once per build
    (they depend on the term alone, and are only serialised)."""
    slugs = site.story_terms.get(story.slug, {}).get(taxonomy, ())
    memo = build_memo(site, f"jsonld/{taxonomy}")
    return terms_once(site, memo, taxonomy, slugs, lambda term: make(term, site))


def _terms(site: Site, story: Story, taxonomy: str) -> list[Term]:
    slugs = site.story_terms.get(story.slug, {}).get(taxonomy, ())
    return [site.term(taxonomy, s) for s in slugs]


def news_article(site: Site, story: Story) -> dict[str, Any]:
    """The NewsArticle object of one story, with only the fields the story has."""
    url = site.config.absolute_base + story_url(story.slug)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": site.config.language,
        "publisher": {"@type": "Organization", "name": site.config.title},
    }
    if story.date:
        data["datePublished"] = story.date.isoformat(timespec="seconds")
    if story.summary:
        data["description"] = story.summary
    if story.byline:
        data["author"] = [{"@type": "Person", "name": name} for name in story.byline]
    elif story.dateline.agency:
        data["author"] = {"@type": "Organization", "name": story.dateline.agency}
    if story.dateline.place:
        data["dateline"] = story.dateline.place
        data["locationCreated"] = {"@type": "Place", "name": story.dateline.place}
    if story.dateline.agency:
        data["sourceOrganization"] = {"@type": "Organization", "name": story.dateline.agency}
    if story.credit_lines:
        data["creditText"] = "; ".join(story.credit_lines)
    if "locations" in site.taxonomies and (places := _objects(site, story, "locations", _place)):
        data["contentLocation"] = places
    if "actors" in site.taxonomies and (actors := _objects(site, story, "actors", _actor)):
        data["about"] = actors
    if "tags" in site.taxonomies and (tags := _terms(site, story, "tags")):
        data["keywords"] = [t.name for t in tags]
    return data


def news_article_json(site: Site, story: Story) -> Markup:
    return script_json(news_article(site, story))
