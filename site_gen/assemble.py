"""Turn loaded content into a Site: order stories, build taxonomies, one Page per HTML file."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence

from site_gen.config import SiteConfig
from site_gen.errors import SiteGenError, SourceError, raise_all
from site_gen.model import (
    Content,
    Page,
    PageList,
    Site,
    SiteOutline,
    StandalonePage,
    Story,
    Taxonomy,
    TermFile,
)
from site_gen.taxonomy import build_taxonomy

ARCHIVE_PER_PAGE = 100
FEED = "atom.xml"
EXTRA_OUTPUTS = ("sitemap.xml", "robots.txt", FEED, "search.json")


def assemble_site(
    config: SiteConfig,
    content: Content,
    *,
    drafts: bool = False,
    static_files: Iterable[str] = (),
    warnings: list[str] | None = None,
    previous: SiteOutline | None = None,
    salt: str = "",
) -> Site:
    """Assemble the site; raise one error listing duplicate slugs or URL collisions.

    ``previous`` is the outline of an earlier build: it is reused when its key (the stories'
    outlines, term files, standalone pages, static names, config and ``salt``) still holds.
    """
    warnings = warnings if warnings is not None else []
    listed = [s for s in content.stories if drafts or not s.draft]  # in file order
    standalone = tuple(p for p in content.pages if drafts or not p.draft)
    statics = sorted(static_files)
    key = _outline_key(config, listed, content.term_files, standalone, statics, salt)
    if previous is None or previous.key != key:
        stories = sort_stories(listed)
        raise_all(_duplicate_slugs(stories))
        previous = _outline(key, config, stories, content.term_files, standalone, statics)
    else:  # the same key: the same slugs and dates, so the same order
        by_slug = {story.slug: story for story in listed}
        stories = tuple(map(by_slug.__getitem__, previous.order))
    warnings.extend(previous.warnings)
    return Site(
        config=config,
        stories=stories,
        taxonomies=previous.taxonomies,
        pages=previous.pages,
        standalone=standalone,
        story_terms=previous.story_terms,
        outline=previous,
    )


def _outline_key(
    config: SiteConfig,
    stories: Sequence[Story],
    term_files: Sequence[TermFile],
    standalone: Sequence[StandalonePage],
    statics: list[str],
    salt: str,
) -> str:
    """A digest of everything ``_outline`` reads."""
    parts = [salt, repr(config), *(s.outline for s in stories), "\x00"]
    parts += [f"{f.path}:{f.digest}" for f in term_files]
    parts += ["\x00", *(f"{p.path}:{p.digest}" for p in standalone), "\x00", *statics]
    text = "\x01".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def _outline(
    key: str,
    config: SiteConfig,
    stories: Sequence[Story],
    term_files: Sequence[TermFile],
    standalone: Sequence[StandalonePage],
    statics: list[str],
) -> SiteOutline:
    """Taxonomies, pages and each story's terms, from the stories' outline fields alone."""
    warnings: list[str] = []
    shapes = tuple(s.outline_only() for s in stories)
    taxonomies: dict[str, Taxonomy] = {}
    story_terms: dict[str, dict[str, tuple[str, ...]]] = {s.slug: {} for s in shapes}
    for tax in config.taxonomies:
        taxonomies[tax.name], per_story = build_taxonomy(tax, shapes, term_files, warnings)
        for slug, terms in per_story.items():
            story_terms[slug][tax.name] = terms
    pages = _pages(config, shapes, taxonomies, standalone)
    _check_collisions(config, pages, taxonomies, standalone, statics)
    order = tuple(story.slug for story in stories)
    return SiteOutline(key, taxonomies, pages, story_terms, tuple(warnings), order)


def sort_stories(stories: Iterable[Story]) -> tuple[Story, ...]:
    """Newest first; undated stories last; ties broken by slug so output is stable."""
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    dated = sorted((s for s in stories), key=lambda s: s.slug)
    dated.sort(key=lambda s: s.date or oldest, reverse=True)
    return tuple(s for s in dated if s.date) + tuple(s for s in dated if not s.date)


def term_url(config: SiteConfig, taxonomy: str, slug: str) -> str:
    return f"{config.taxonomy(taxonomy).path}/{slug}/"


def story_url(slug: str) -> str:
    return f"stories/{slug}/"


def _duplicate_slugs(stories: Sequence[Story]) -> list[SiteGenError]:
    seen: dict[str, Story] = {}
    errors: list[SiteGenError] = []
    for story in sorted(stories, key=lambda s: str(s.path)):
        other = seen.setdefault(story.slug, story)
        if other is not story:
            errors.append(
                SourceError(story.path, 1, f"slug '{story.slug}' is also used by {other.path}")
            )
    return errors


def _pages(
    config: SiteConfig,
    stories: tuple[Story, ...],
    taxonomies: dict[str, Taxonomy],
    standalone: Sequence,
) -> PageList:
    slugs = tuple(s.slug for s in stories)
    pages = list(_paginate("home", "", config.title, slugs, config.per_page))
    pages += _paginate("archive", "stories/", "All stories", slugs, ARCHIVE_PER_PAGE)
    pages += [Page("story", story_url(s.slug), s.title, story=s.slug) for s in stories]
    pages += [Page("page", f"{p.slug}/", p.title, standalone=p.slug) for p in standalone]
    for tax in taxonomies.values():
        path, title = tax.config.path, tax.config.title
        pages.append(Page("taxonomy", f"{path}/", title, taxonomy=tax.name, order="name"))
        pages.append(Page("taxonomy", f"{path}/by-count/", title, taxonomy=tax.name, order="count"))
        for term in tax.terms:
            base = term_url(config, tax.name, term.slug)
            pages += _paginate(
                "term", base, term.name, term.stories, config.per_page, tax.name, term.slug
            )
    pages.append(Page("search", "search/", "Search"))
    pages.append(Page("404", "404.html", "Page not found"))
    return PageList(pages)


def _paginate(
    kind: str,
    base: str,
    title: str,
    slugs: Sequence[str],
    per_page: int,
    taxonomy: str | None = None,
    term: str | None = None,
) -> list[Page]:
    """Split a story list into ``base``, ``base/page/2/``, ... (always at least one page)."""
    chunks = [tuple(slugs[i : i + per_page]) for i in range(0, len(slugs), per_page)] or [()]
    return [
        Page(
            kind,  # type: ignore[arg-type]
            base if n == 1 else f"{base}page/{n}/",
            title,
            taxonomy=taxonomy,
            term=term,
            stories=chunk,
            number=n,
            count=len(chunks),
        )
        for n, chunk in enumerate(chunks, start=1)
    ]


def _check_collisions(
    config: SiteConfig,
    pages: Sequence[Page],
    taxonomies: dict[str, Taxonomy],
    standalone: Sequence,
    static_files: Iterable[str],
) -> None:
    """Raise one error naming every output path that two sources want."""
    static_files = list(static_files)
    feeds = [
        (term_url(config, tax.name, term.slug) + FEED, tax.name, term)
        for tax in taxonomies.values()
        for term in tax.terms
    ]
    paths = [page.output for page in pages] + list(EXTRA_OUTPUTS) + static_files
    paths += [feed for feed, _taxonomy, _term in feeds]
    if len(set(paths)) == len(paths):  # the usual case: no need to describe every source
        return
    owners: dict[str, list[str]] = {}
    for page in pages:
        owners.setdefault(page.output, []).append(_describe(page, standalone))
    for name in EXTRA_OUTPUTS:
        owners.setdefault(name, []).append(f"the site's {name}")
    for feed, taxonomy, term in feeds:
        owners.setdefault(feed, []).append(f"the feed of {taxonomy} term '{term.name}'")
    for rel in static_files:
        owners.setdefault(rel, []).append(f"static file 'static/{rel}'")
    clashes = {path: who for path, who in owners.items() if len(who) > 1}
    if clashes:
        lines = [f"  {path}: {' and '.join(who)}" for path, who in sorted(clashes.items())]
        raise SiteGenError("two sources want the same output file:\n" + "\n".join(lines))


def _describe(page: Page, standalone: Sequence) -> str:
    if page.kind == "story":
        return f"story '{page.title}'"
    if page.kind == "term":
        return f"{page.taxonomy} term '{page.title}'"
    if page.kind == "page":
        path = next((p.path for p in standalone if p.slug == page.standalone), page.standalone)
        return f"page {path}"
    return f"the {page.kind} page"
