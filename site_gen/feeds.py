"""Machine-read outputs: Atom feeds, ``sitemap.xml`` and ``robots.txt`` (absolute URLs)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from site_gen.assemble import FEED, story_url, term_url
from site_gen.deps import build_memo, remember, terms_once
from site_gen.model import Page, Site, Story

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def escape(text: str) -> str:
    """XML character data: ``&``, ``<`` and ``>`` escaped."""
    return text.translate(_TEXT)


def quoteattr(text: str) -> str:
    """An XML attribute value with its quotes: double quotes unless the value holds them."""
    text = text.translate(_ATTRIBUTE)
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


def rfc3339(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")


def render_atom(
    site: Site, title: str, feed_path: str, page_path: str, stories: Iterable[Story]
) -> str:
    """An Atom 1.0 feed of the dated stories given (newest first, at most ``feed_limit``).

    ``stories`` is read only as far as the feed needs, so a lazy one looks up no others.
    """
    base = site.config.absolute_base
    dated = list(itertools.islice((s for s in stories if s.date), site.config.feed_limit))
    updated = max((s.date for s in dated if s.date), default=EPOCH)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(site.config.language)}>',
        f"  <title>{escape(title)}</title>",
        f"  <id>{escape(base + feed_path)}</id>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(base + feed_path)}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(base + page_path)}/>',
        f"  <updated>{rfc3339(updated)}</updated>",
        f"  <author><name>{escape(site.config.title)}</name></author>",
        '  <generator uri="https://pypi.org/project/sitegen/">sitegen</generator>',
    ]
    lines += [_entry(site, story) for story in dated]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _entry(site: Site, story: Story) -> str:
    """One story's entry; the same in every feed, so made once per build."""
    return remember(site, "atom_entry", story.slug, lambda model: _make_entry(model, story))


def _make_entry(site: Site, story: Story) -> str:
    url = site.config.absolute_base + story_url(story.slug)
    stamp = rfc3339(story.date or EPOCH)
    authors = story.byline or ((story.dateline.agency,) if story.dateline.agency else ())
    parts = [
        "  <entry>",
        f"    <title>{escape(story.title)}</title>",
        f"    <id>{escape(url)}</id>",
        f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>',
        f"    <published>{stamp}</published>",
        f"    <updated>{stamp}</updated>",
    ]
    parts += [f"    <author><name>{escape(name)}</name></author>" for name in authors]
    if story.summary:
        parts.append(f'    <summary type="text">{escape(story.summary)}</summary>')
    for name, slugs in site.story_terms[story.slug].items():
        parts += _categories(site, name, slugs)
    parts.append("  </entry>")
    return "\n".join(parts)


def _categories(site: Site, taxonomy: str, slugs: tuple[str, ...]) -> list[str]:
    """The ``<category>`` lines of these terms, each made once per build."""
    memo = build_memo(site, "atom_category").setdefault(taxonomy, {})
    label = quoteattr(taxonomy)
    return terms_once(
        site,
        memo,
        taxonomy,
        slugs,
        lambda t: f"    <category term={quoteattr(t.name)} label={label}/>",
    )


def feed_outputs(site: Site) -> dict[str, str]:
    """The site feed and one feed per term: output path -> XML text."""
    return {path: render_feed(site, term) for path, term in feed_paths(site).items()}


def feed_paths(site: Site) -> dict[str, tuple[str, str] | None]:
    """Every feed's output path -> its term as (taxonomy, slug), or None for the site feed."""
    paths: dict[str, tuple[str, str] | None] = {FEED: None}
    for tax in site.taxonomies.values():
        for term in tax.terms:
            paths[term_url(site.config, tax.name, term.slug) + FEED] = (tax.name, term.slug)
    return paths


def render_feed(site: Site, term_id: tuple[str, str] | None) -> str:
    """The site feed (``term_id`` None) or the feed of one term."""
    if term_id is None:
        return render_atom(site, site.config.title, FEED, "", site.stories)
    term = site.term(*term_id)
    page = term_url(site.config, term.taxonomy, term.slug)
    title = f"{site.config.title}: {term.name}"
    stories = (site.story_head(s) for s in term.stories)
    return render_atom(site, title, page + FEED, page, stories)


def render_sitemap(site: Site) -> str:
    """``sitemap.xml`` listing every page but the 404, with story dates as ``lastmod``."""
    base = site.config.absolute_base
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    dates = dict(site.story_dates)
    for page in site.pages:
        if page.kind != "404":
            lines.append(_sitemap_url(base, page, dates))
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _sitemap_url(base: str, page: Page, dates: dict[str, dt.datetime | None]) -> str:
    lastmod = ""
    if page.kind == "story":
        date = dates[page.story or ""]
        lastmod = f"<lastmod>{date.date().isoformat()}</lastmod>" if date else ""
    return f"  <url><loc>{escape(base + page.url)}</loc>{lastmod}</url>"


def render_robots(site: Site) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.config.absolute_base}sitemap.xml\n"
