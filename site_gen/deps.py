"""What each output was made from: a Site wrapper that records reads, and digests of the model.

Rendering code receives a ``TrackedSite`` instead of the ``Site``. Every way into the model
(``story()``, ``story_head()``, ``term()``, ``story_terms``, ``taxonomies``, ``stories``,
...) records a key,
and ``model_digests`` gives each key a digest of exactly what that way returns. An output
whose keys all have the digests they had when it was rendered (with the same templates,
config and code) would render to the same bytes, so the build can skip it. A read that has
no key of its own records ``SITE``, which every change of the model invalidates: unknown
reads make pages rebuild more often, never go stale.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from site_gen.model import PageList, Site, Story, Taxonomy, Term

T = TypeVar("T")
SITE = "site"  # anything at all
STORIES = "stories"  # the ordered list of every story
STORY_COUNT = "story-count"  # how many stories there are
PAGES = "pages"  # every page of the site
STANDALONE = "standalone"  # the standalone pages
DATES = "dates"  # every story's slug and date, in site order


@functools.cache  # one string object per key: outputs share them
def story_key(slug: str) -> str:
    return f"s/{slug}"


@functools.cache  # one string object per key: outputs share them
def story_head_key(slug: str) -> str:
    return f"h/{slug}"


@functools.cache  # one string object per key: outputs share them
def story_date_key(slug: str) -> str:
    return f"d/{slug}"


@functools.cache  # one string object per key: outputs share them
def story_terms_key(slug: str) -> str:
    return f"k/{slug}"


@functools.cache  # one string object per key: outputs share them
def term_key(taxonomy: str, slug: str) -> str:
    return f"t/{taxonomy}/{slug}"


@functools.cache  # one string object per key: outputs share them
def taxonomy_key(name: str) -> str:
    return f"x/{name}"


class _Names(dict):  # type: ignore[type-arg]
    """Read (a slug, a taxonomy name, a (taxonomy, slug) pair) -> what recording it adds;
    each worked out on first use."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, read: Any) -> Any:
        value = self[read] = self._make(read)
        return value


@dataclass(frozen=True)
class KeyNames:
    """What a TrackedSite adds to its reads for each way into the model: the key itself, or
    (``ids``) the key's id in a build's key table, a key without an id counting as ``SITE``.
    """

    ids: bool
    story: _Names
    head: _Names
    date: _Names
    terms: _Names
    term: _Names  # by taxonomy, then by slug
    taxonomy: _Names
    site: Any
    stories: Any
    story_count: Any
    pages: Any
    standalone: Any
    dates: Any

    @classmethod
    def of(cls, key_ids: Mapping[str, int] | None = None) -> KeyNames:
        """Keys themselves, or their ids in ``key_ids``."""
        if key_ids is None:

            def name(key: str) -> Any:
                return key

        else:
            unknown = key_ids[SITE]

            def name(key: str) -> Any:
                return key_ids.get(key, unknown)

        return cls(
            key_ids is not None,
            _Names(lambda slug: name(story_key(slug))),
            _Names(lambda slug: name(story_head_key(slug))),
            _Names(lambda slug: name(story_date_key(slug))),
            _Names(lambda slug: name(story_terms_key(slug))),
            _Names(lambda tax: _Names(lambda slug: name(term_key(tax, slug)))),
            _Names(lambda tax: name(taxonomy_key(tax))),
            *(name(key) for key in (SITE, STORIES, STORY_COUNT, PAGES, STANDALONE, DATES)),
        )


_KEYS = KeyNames.of()  # keys themselves: the names of a TrackedSite made without any


class TrackedSite:
    """A read-only view of a Site that adds a key to ``deps`` for every read.

    Given ``names`` made from a build's key table, it adds key ids instead, and keeps the
    reads ``remember`` replays as arrays of ids; ``read_ids`` gives them all. Ids cost far
    less to record, replay and store than keys.
    """

    def __init__(self, site: Site, deps: set[Any], names: KeyNames | None = None) -> None:
        names = names or _KEYS
        self._site = site
        self._deps = deps
        self._names = names
        self._replayed: list[array] = []  # reads replayed by ``remember``, as key ids
        self.config = site.config
        self.story_terms = _TrackedStoryTerms(site.story_terms, deps, names)
        self.taxonomies = _TrackedTaxonomies(site.taxonomies, deps, names)

    def read_ids(self) -> array:
        """The ids of every key read so far, each once (with id ``names`` only)."""
        assert self._names.ids
        ids = self._deps
        for part in self._replayed:
            ids.update(part)
        return array("I", ids)

    def _reads(self) -> array | tuple[str, ...]:
        """What ``remember`` keeps of this view's reads: ids when it has them, else keys."""
        return self.read_ids() if self._names.ids else tuple(self._deps)

    def _replay(self, reads: array | tuple[str, ...]) -> None:
        if self._names.ids:
            self._replayed.append(reads)  # type: ignore[arg-type]
        else:
            self._deps.update(reads)

    @property
    def stories(self) -> Sequence[Story]:
        return _TrackedStories(self._site.stories, self._deps, self._names)

    @property
    def pages(self) -> PageList:
        self._deps.add(self._names.pages)
        return self._site.pages

    @property
    def standalone(self) -> tuple[Any, ...]:
        self._deps.add(self._names.standalone)
        return self._site.standalone

    def story(self, slug: str) -> Story:
        self._deps.add(self._names.story[slug])
        return self._site.story(slug)

    def story_head(self, slug: str) -> Story:
        self._deps.add(self._names.head[slug])
        return self._site.story_head(slug)

    def term(self, taxonomy: str, slug: str) -> Term:
        self._deps.add(self._names.term[taxonomy][slug])
        return self._site.term(taxonomy, slug)

    def terms_read(self, taxonomy: str, slugs: Iterable[str]) -> None:
        """Record reads of terms, for a caller holding what it made of them this build."""
        self._deps.update(map(self._names.term[taxonomy].__getitem__, slugs))

    def story_terms_of(self, slugs: Sequence[str]) -> list[Mapping[str, tuple[str, ...]]]:
        self._deps.update(map(self._names.terms.__getitem__, slugs))
        return self._site.story_terms_of(slugs)

    def story_date(self, slug: str) -> dt.datetime | None:
        self._deps.add(self._names.date[slug])
        return self._site.story_date(slug)

    def dates_of(self, slugs: Sequence[str]) -> list[dt.datetime | None]:
        self._deps.update(map(self._names.date.__getitem__, slugs))
        return self._site.dates_of(slugs)

    @property
    def story_dates(self) -> tuple[tuple[str, dt.datetime | None], ...]:
        self._deps.add(self._names.dates)
        return self._site.story_dates

    def __getattr__(self, name: str) -> Any:
        self._deps.add(self._names.site)
        return getattr(self._site, name)


class _TrackedStories(Sequence[Story]):
    """``site.stories``: its length depends on the count only, anything else on every story."""

    def __init__(self, stories: tuple[Story, ...], deps: set[Any], names: KeyNames) -> None:
        self._stories, self._deps, self._names = stories, deps, names

    def __len__(self) -> int:
        self._deps.add(self._names.story_count)
        return len(self._stories)

    def __getitem__(self, index: Any) -> Any:
        self._deps.add(self._names.stories)
        return self._stories[index]

    def __iter__(self) -> Iterator[Story]:
        self._deps.add(self._names.stories)
        return iter(self._stories)

    def __eq__(self, other: object) -> bool:
        self._deps.add(self._names.stories)
        return self._stories == other

    __hash__ = None  # type: ignore[assignment]


class _TrackedStoryTerms(Mapping[str, Mapping[str, tuple[str, ...]]]):
    """``site.story_terms``: reading one story's entry depends on that entry only."""

    def __init__(
        self, data: Mapping[str, Mapping[str, tuple[str, ...]]], deps: set[Any], names: KeyNames
    ) -> None:
        self._data, self._deps, self._terms, self._names = data, deps, names.terms, names

    def __getitem__(self, slug: str) -> Mapping[str, tuple[str, ...]]:
        self._deps.add(self._terms[slug])
        return self._data[slug]

    def __contains__(self, slug: object) -> bool:
        self._deps.add(self._terms[str(slug)])
        return slug in self._data

    def __iter__(self) -> Iterator[str]:
        self._deps.add(self._names.site)
        return iter(self._data)

    def __len__(self) -> int:
        self._deps.add(self._names.stories)
        return len(self._data)


class _TrackedTaxonomies(Mapping[str, Taxonomy]):
    """``site.taxonomies``: names come from the config; a Taxonomy depends on all its terms."""

    def __init__(self, data: Mapping[str, Taxonomy], deps: set[Any], names: KeyNames) -> None:
        self._data, self._deps, self._names = data, deps, names

    def __getitem__(self, name: str) -> Taxonomy:
        self._deps.add(self._names.taxonomy[name])
        return self._data[name]

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def build_memo(site: Site | TrackedSite, name: str) -> dict[Any, Any]:
    """A cache that lives as long as this build's Site, for values derived from it alone."""
    real = site._site if isinstance(site, TrackedSite) else site
    memos = real.__dict__.get("_memos")
    if memos is None:
        memos = {}
        object.__setattr__(real, "_memos", memos)
    return memos.setdefault(name, {})


def forget_build_memos(site: Site) -> None:
    """Drop every ``build_memo`` of this Site (when no more rendering will use them)."""
    site.__dict__.pop("_memos", None)


def outline_memo(site: Site | TrackedSite, name: str) -> dict[Any, Any]:
    """A cache kept (and saved) with the site's outline, for values derived from the outline
    alone or keyed by what else they read; reading it records nothing."""
    real = site._site if isinstance(site, TrackedSite) else site
    if real.outline is None:
        return build_memo(site, name)
    return real.outline.memos.setdefault(name, {})


def remember(site: Site | TrackedSite, name: str, key: Any, compute: Callable[[Any], T]) -> T:
    """``compute(site)`` once per build for ``key``; later calls replay the reads it made.

    ``compute`` must read the model only through the site it is given.
    """
    if not isinstance(site, TrackedSite):
        memo = build_memo(site, name)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = (compute(site), ())
        return hit[0]
    # Reads are kept as key ids when the view records ids (a build), else as keys.
    memo = build_memo(site, name if site._names.ids else f"{name}/keys")
    hit = memo.get(key)
    if hit is None:
        inner = TrackedSite(site._site, set(), site._names)
        hit = memo[key] = (compute(inner), inner._reads())
    site._replay(hit[1])
    return hit[0]


def terms_once(
    site: Site | TrackedSite,
    memo: dict[str, T],
    taxonomy: str,
    slugs: Sequence[str],
    make: Callable[[Term], T],
) -> list[T]:
    """``make(term)`` for each of these terms of one taxonomy, made once per ``memo`` (terms
    recur across thousands of stories); every term counts as read, as ``site.term`` would
    record it, hit or not."""
    values = list(map(memo.get, slugs))
    for n, value in enumerate(values):
        if value is None:
            values[n] = memo[slugs[n]] = make(site.term(taxonomy, slugs[n]))
    if isinstance(site, TrackedSite):
        site.terms_read(taxonomy, slugs)
    return values  # type: ignore[return-value]


def _hash(*parts: str) -> str:
    """Digest of a sequence of strings (``repr`` keeps the boundaries unambiguous)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def term_digest(term: Term) -> str:
    meta = repr(sorted(term.meta.items(), key=lambda kv: str(kv[0])))
    return _hash(term.name, "\x01".join(term.stories), repr(term.aliases), term.description, meta)


def model_digests(site: Site) -> dict[str, str]:
    """A digest for every key a TrackedSite can record (config and code are digested apart)."""
    outline = site.outline
    shaped = outline.digests if outline is not None else {}
    if not shaped:  # digested once per outline: a build that reuses it reuses these too
        shaped.update(_outline_digests(site))
    digests = dict(shaped)
    slugs = [story.slug for story in site.stories]
    files = [story.file_key for story in site.stories]
    digests.update(zip(map(story_key, slugs), files, strict=True))
    heads = [story.head_digest for story in site.stories]
    digests.update(zip(map(story_head_key, slugs), heads, strict=True))
    digests[STORY_COUNT] = str(len(site.stories))
    digests[STORIES] = _hash(*files)
    digests[STANDALONE] = _hash(*(f"{p.digest}:{p.path}:{p.slug}" for p in site.standalone))
    digests[SITE] = _hash(shaped[SITE], digests[STORIES], digests[STANDALONE])
    return digests


def _outline_digests(site: Site) -> dict[str, str]:
    """Digests of the keys that depend on the site's outline alone; ``SITE`` covers them all."""
    digests: dict[str, str] = {}
    for slug, date in site.story_dates:
        digests[story_date_key(slug)] = repr(date)
    digests[DATES] = _hash(repr(site.story_dates))
    for slug, terms in site.story_terms.items():
        digests[story_terms_key(slug)] = _hash(repr(tuple(terms.items())))
    for name, tax in site.taxonomies.items():
        parts = [repr(tax.config)]
        for term in tax.terms:
            digest = digests[term_key(name, term.slug)] = term_digest(term)
            parts.append(f"{term.slug}={digest}")
        digests[taxonomy_key(name)] = _hash(*parts)
    digests[PAGES] = _hash(repr([p.values() for p in site.pages]))
    digests[SITE] = _hash(*sorted(f"{k}={v}" for k, v in digests.items()))
    return digests
