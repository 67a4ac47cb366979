"""``search.json``: the client-side search index read by ``static/search.js``.

One JSON document, URLs relative to the site root::

    {"v": 1,
     "terms": [{"n": name, "x": taxonomy title, "u": url, "a": [aliases]}, ...],
     "stories": [{"t": title, "u": url, "d": "2019-07-04" or "", "s": summary,
                  "k": [indexes into terms], "w": [names as written, when they differ]}, ...]}

Stories come newest first; terms carry their term-file aliases, so a search for an alias
("NLF") finds the term and every story that names it.
"""

from __future__ import annotations

import json
from typing import Any

from site_gen.assemble import story_url, term_url
from site_gen.model import Site, Story

INDEX = "search.json"
SUMMARY_CHARS = 240


def search_index(site: Site) -> dict[str, Any]:
    """The index as a JSON-ready mapping."""
    terms: list[dict[str, Any]] = []
    position: dict[tuple[str, str], int] = {}
    names: dict[int, frozenset[str]] = {}  # term position -> its names, case-folded
    for tax in site.taxonomies.values():
        for term in tax.terms:
            names[len(terms)] = frozenset(n.casefold() for n in (term.name, *term.aliases))
            position[(tax.name, term.slug)] = len(terms)
            entry: dict[str, Any] = {
                "n": term.name,
                "x": tax.config.singular,
                "u": term_url(site.config, tax.name, term.slug),
            }
            if term.aliases:
                entry["a"] = list(term.aliases)
            terms.append(entry)
    stories = [_story_entry(site, story, position, names) for story in site.stories]
    return {"v": 1, "terms": terms, "stories": stories}


def _story_entry(
    site: Site,
    story: Story,
    position: dict[tuple[str, str], int],
    names: dict[int, frozenset[str]],
) -> dict[str, Any]:
    keys = [
        position[(tax, slug)]
        for tax, slugs in site.story_terms.get(story.slug, {}).items()
        for slug in slugs
    ]
    entry: dict[str, Any] = {
        "t": story.title,
        "u": story_url(story.slug),
        "d": story.date.date().isoformat() if story.date else "",
        "s": _clip(story.summary),
        "k": keys,
    }
    known = set().union(*(names[k] for k in keys))
    written = [
        name for names in story.terms.values() for name in names if name.casefold() not in known
    ]
    if written:
        entry["w"] = list(dict.fromkeys(written))
    return entry


def _clip(text: str) -> str:
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"


def render_search_index(site: Site) -> str:
    """``search.json`` text: compact and deterministic."""
    return json.dumps(search_index(site), ensure_ascii=False, separators=(",", ":")) + "\n"
