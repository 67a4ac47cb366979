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
from collections.abc import Mapping
from typing import Any

from site_gen.assemble import story_url, term_url
from site_gen.deps import outline_memo
from site_gen.model import Site, Story, Taxonomy

INDEX = "search.json"
SUMMARY_CHARS = 240


def search_index(site: Site) -> dict[str, Any]:
    """The index as a JSON-ready mapping."""
    return json.loads(render_search_index(site))


def render_search_index(site: Site) -> str:
    """``search.json`` text: compact and deterministic.

    The term list and each story's entry are kept with the site's outline (which fixes the
    terms and their positions), an entry for as long as its story's file is the same.
    """
    memo = outline_memo(site, "search-stories")  # story slug -> (file digest, entry)
    kept = outline_memo(site, "search-terms")
    taxonomies = list(site.taxonomies.values())  # read through the site, for its keys
    if "terms" not in kept:
        kept["terms"] = _terms(site, taxonomies)
    terms_text, position, names = kept["terms"]
    entries: list[str] = []
    stories = site.stories
    slugs = [story.slug for story in stories]
    for story, named in zip(stories, site.story_terms_of(slugs), strict=True):
        hit = memo.get(story.slug)
        if hit is None or hit[0] != story.digest:
            entry = _story_entry(story, named, position, names)
            hit = memo[story.slug] = (story.digest, _json(entry))
        entries.append(hit[1])
    return f'{{"v":1,"terms":{terms_text},"stories":[{",".join(entries)}]}}\n'


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _terms(
    site: Site, taxonomies: list[Taxonomy]
) -> tuple[str, dict[tuple[str, str], int], dict[int, frozenset[str]]]:
    """The terms' JSON list, each term's position in it, and its names (case-folded)."""
    terms: list[dict[str, Any]] = []
    position: dict[tuple[str, str], int] = {}
    names: dict[int, frozenset[str]] = {}
    for tax in taxonomies:
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
    return _json(terms), position, names


def _story_entry(
    story: Story,
    named: Mapping[str, tuple[str, ...]],
    position: dict[tuple[str, str], int],
    names: dict[int, frozenset[str]],
) -> dict[str, Any]:
    keys = [position[(tax, slug)] for tax, slugs in named.items() for slug in slugs]
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
