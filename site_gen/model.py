"""The data types passed between stages. No I/O here."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from site_gen.config import SiteConfig, TaxonomyConfig


@dataclass(frozen=True)
class Dateline:
    """Where and through whom a story was filed: ``AMMAN (Reuters)``."""

    place: str | None = None
    agency: str | None = None


@dataclass(frozen=True)
class Story:
    """One story as its Markdown file states it."""

    path: Path
    slug: str
    title: str
    date: dt.datetime | None  # aware, in the site's time zone; None = undated
    has_time: bool
    summary: str
    byline: tuple[str, ...]
    dateline: Dateline
    caption: str
    terms: Mapping[str, tuple[str, ...]]  # taxonomy name -> names as written
    source: str
    draft: bool
    body: str | None  # Markdown; None: still in the file (see content.story_body)
    digest: str  # sha256 of the file's bytes
    extra: Mapping[str, Any] = field(default_factory=dict)
    opening: str | None = None  # the body's first paragraph, when the body is not kept

    @functools.cached_property
    def outline(self) -> str:
        """A digest of the fields that shape the rest of the site (see ``outline_only``)."""
        parts = (str(self.path), self.slug, self.title, self.date, self.draft)
        terms = tuple((name, tuple(names)) for name, names in self.terms.items())
        text = repr((parts, terms)).encode("utf-8", "surrogatepass")
        return hashlib.blake2b(text, digest_size=16).hexdigest()

    @functools.cached_property
    def file_key(self) -> str:
        """The file's digest and path: what ``site.story(slug)`` depends on (see ``deps``);
        parsing works it out, and the parse cache keeps it."""
        return f"{self.digest}:{self.path}"

    @functools.cached_property
    def head(self) -> Story:
        """This story without its body (the first paragraph stays, as ``opening``): what a
        list of stories (a card, a feed entry) may read. Not pickled: made again on use."""
        fields_ = {name: self.__dict__[name] for name in _STORY_FIELDS}
        if self.opening is None:
            fields_["opening"] = first_paragraph(self.body or "")
        fields_.update(body="", digest="")
        head = object.__new__(Story)  # the fields of a valid story: no need to check them
        head.__dict__.update(fields_)
        return head

    @functools.cached_property
    def head_digest(self) -> str:
        """A digest of every field of ``head``; parsing works it out (in parallel), and the
        parse cache keeps it."""
        values = tuple(map(self.head.__dict__.__getitem__, _STORY_FIELDS))
        text = repr(values).encode("utf-8", "surrogatepass")
        return hashlib.blake2b(text, digest_size=16).hexdigest()

    def outline_only(self) -> Story:
        """This story with only the fields ``outline`` covers: what site assembly may read."""
        return Story(
            path=self.path,
            slug=self.slug,
            title=self.title,
            date=self.date,
            has_time=False,
            summary="",
            byline=(),
            dateline=Dateline(),
            caption="",
            terms=self.terms,
            source="",
            draft=self.draft,
            body="",
            digest="",
        )

    def __reduce__(self) -> tuple[Any, tuple[str, dict[str, Any]]]:
        # the path pickled as text: rebuilding a Path from its parts was a third of the
        # time it took to load the parse cache
        state = dict(self.__dict__)
        state.pop("head", None)
        return _story_from, (str(state.pop("path")), state)

    @property
    def credit_lines(self) -> tuple[str, ...]:
        """The ``credits`` front matter (text or a list), without enclosing parentheses."""
        value = self.extra.get("credits")
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        lines = (str(item).strip() for item in items if item is not None)
        return tuple(_unwrap(line) for line in lines if line)


_STORY_FIELDS = tuple(f.name for f in fields(Story))


def first_paragraph(body: str) -> str:
    """The first paragraph of a Markdown body, without backslash escapes."""
    return body.lstrip().split("\n\n", 1)[0].replace("\\", "")


def _story_from(path: str, state: dict[str, Any]) -> Story:
    story = object.__new__(Story)
    story.__dict__.update(state, path=Path(path))
    return story


@dataclass(frozen=True)
class TermFile:
    """``content/<taxonomy>/<slug>.md``: an editor's description and aliases for one term."""

    path: Path
    taxonomy: str
    slug: str
    name: str | None
    aliases: tuple[str, ...]
    description: str  # Markdown
    digest: str
    meta: Mapping[str, Any] = field(default_factory=dict)  # kind, country, lat, lon, ...


@dataclass(frozen=True)
class StandalonePage:
    """``content/pages/<name>.md``: a page outside the story flow, such as About."""

    path: Path
    slug: str
    title: str
    body: str
    draft: bool
    digest: str
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    """Everything read from ``content/``."""

    stories: tuple[Story, ...]
    term_files: tuple[TermFile, ...]
    pages: tuple[StandalonePage, ...]


@dataclass(frozen=True)
class Term:
    """One term of a taxonomy; its slug is its identity."""

    taxonomy: str
    slug: str
    name: str
    stories: tuple[str, ...]  # story slugs, newest first, undated last
    aliases: tuple[str, ...] = ()
    description: str = ""  # Markdown
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Taxonomy:
    """A taxonomy with its terms, sorted by slug."""

    config: TaxonomyConfig
    terms: tuple[Term, ...]

    @property
    def name(self) -> str:
        return self.config.name

    def get(self, slug: str) -> Term | None:
        return next((t for t in self.terms if t.slug == slug), None)


PageKind = Literal["home", "archive", "story", "taxonomy", "term", "page", "search", "404"]


@dataclass(frozen=True, slots=True)  # tens of thousands of them: no per-object dict
class Page:
    """One HTML output file and the model objects it shows (referenced by key)."""

    kind: PageKind
    url: str  # site-relative: "" (home), "stories/x/", "404.html"
    title: str
    story: str | None = None  # story slug
    taxonomy: str | None = None  # taxonomy name
    term: str | None = None  # term slug
    standalone: str | None = None  # standalone page slug
    stories: tuple[str, ...] = ()  # story slugs listed on this page
    number: int = 1  # page number within a paginated list
    count: int = 1  # number of pages in that list
    order: str = ""  # "name" or "count" on taxonomy overviews

    @property
    def output(self) -> str:
        """The file this page is written to, relative to the output folder."""
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url

    def values(self) -> tuple[Any, ...]:
        """Every field's value, in field order."""
        return _page_values(self)

    def __reduce__(self) -> tuple[type[Page], tuple[Any, ...]]:
        # pickled as constructor arguments: far faster to load than the slotted state
        return Page, self.values()


_page_values = operator.attrgetter(*(f.name for f in fields(Page)))


class PageList(Sequence[Page]):
    """The site's pages, in order: pickled as their field values, and each ``Page`` made
    when it is first read (a build that reuses the outline reads few of them)."""

    __slots__ = ("_pages", "_values")

    def __init__(self, pages: Iterable[Page] = ()) -> None:
        self._pages: list[Page | None] = list(pages)
        self._values: tuple[tuple[Any, ...], ...] = ()

    @classmethod
    def _from_values(cls, values: tuple[tuple[Any, ...], ...]) -> PageList:
        made = cls()
        made._pages, made._values = [None] * len(values), values
        return made

    def __len__(self) -> int:
        return len(self._pages)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        page = self._pages[index]
        if page is None:
            page = self._pages[index] = Page(*self._values[index])
        return page

    def __iter__(self) -> Iterator[Page]:
        for n in range(len(self._pages)):
            yield self[n]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        values = tuple(
            page.values() if page is not None else self._values[n]
            for n, page in enumerate(self._pages)
        )
        return PageList._from_values, (values,)


@dataclass(frozen=True, eq=False)
class SiteOutline:
    """What assembly derives from the stories' outlines, the term files, the standalone
    pages, the static file names and the config: reused while ``key`` stays the same."""

    key: str
    taxonomies: Mapping[str, Taxonomy]
    pages: PageList
    story_terms: Mapping[str, Mapping[str, tuple[str, ...]]]
    warnings: tuple[str, ...]
    order: tuple[str, ...]  # the stories' slugs in site order (newest first, undated last)
    digests: dict[str, str] = field(default_factory=dict)  # filled once by deps.model_digests
    memos: dict[str, dict[Any, Any]] = field(default_factory=dict)  # see deps.outline_memo


@dataclass(frozen=True)
class Site:
    """The whole site, assembled: what every page is rendered from."""

    config: SiteConfig
    stories: tuple[Story, ...]  # newest first, undated last
    taxonomies: Mapping[str, Taxonomy]
    pages: PageList
    standalone: tuple[StandalonePage, ...]
    story_terms: Mapping[str, Mapping[str, tuple[str, ...]]]  # story slug -> taxonomy -> slugs
    outline: SiteOutline | None = field(default=None, compare=False, repr=False)

    def story(self, slug: str) -> Story:
        return self._stories_by_slug[slug]

    def story_head(self, slug: str) -> Story:
        """The story's ``head``: all of it but its body."""
        return self._stories_by_slug[slug].head

    @property
    def _stories_by_slug(self) -> dict[str, Story]:
        cached = self.__dict__.get("_by_slug")
        if cached is None:
            cached = {s.slug: s for s in self.stories}
            object.__setattr__(self, "_by_slug", cached)
        return cached

    def term(self, taxonomy: str, slug: str) -> Term:
        return self._terms_by_slug[(taxonomy, slug)]

    def story_date(self, slug: str) -> dt.datetime | None:
        return self._stories_by_slug[slug].date

    def story_terms_of(self, slugs: Sequence[str]) -> list[Mapping[str, tuple[str, ...]]]:
        """``story_terms`` of each of these stories (empty for a story it lacks)."""
        empty: Mapping[str, tuple[str, ...]] = {}
        return [self.story_terms.get(slug, empty) for slug in slugs]

    def dates_of(self, slugs: Iterable[str]) -> list[dt.datetime | None]:
        """``story_date`` of each of these stories."""
        return [story.date for story in map(self._stories_by_slug.__getitem__, slugs)]

    @functools.cached_property
    def story_dates(self) -> tuple[tuple[str, dt.datetime | None], ...]:
        """Every story's slug and date, in site order."""
        return tuple((s.slug, s.date) for s in self.stories)

    @property
    def _terms_by_slug(self) -> dict[tuple[str, str], Term]:
        cached = self.__dict__.get("_term_index")
        if cached is None:
            cached = {(t.taxonomy, t.slug): t for tx in self.taxonomies.values() for t in tx.terms}
            object.__setattr__(self, "_term_index", cached)
        return cached


def _unwrap(text: str) -> str:
    """``(Reporting by X)`` -> ``Reporting by X``."""
    return text[1:-1].strip() if text.startswith("(") and text.endswith(")") else text


class View(dict):
    """A dict whose keys templates read as attributes (``story.title``) without a failed
    attribute lookup first: the same meaning as Jinja's ``getattr``-then-item, faster."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None
