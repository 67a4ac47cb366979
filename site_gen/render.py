"""Render pages with Jinja: the environment, the one template context, and error locations.

The context every template receives is built by ``page_context`` and documented in
``docs/templates.md``; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import functools
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context, Macro
from markupsafe import Markup
from markupsafe._speedups import _escape_inner

from site_gen.assemble import story_url, term_url
from site_gen.content import story_body
from site_gen.deps import build_memo, remember, terms_once
from site_gen.errors import SiteGenError, SourceError
from site_gen.markup import MarkdownCache
from site_gen.model import Page, Site, Story, Term, View, first_paragraph
from site_gen.reader import reader_context
from site_gen.urls import absolute_url, relative_url

THEME = Path(__file__).parent / "theme"
TEMPLATES = {
    "home": ("home.html",),
    "archive": ("archive.html",),
    "story": ("story.html",),
    "page": ("page.html",),
    "404": ("404.html",),
    "search": ("search.html",),
}


def theme_dir(kind: str) -> Path:
    """The default theme's ``templates`` or ``static`` folder (installed, or in a checkout)."""
    installed = THEME / kind
    return installed if installed.is_dir() else Path(__file__).parent.parent / kind


_DICT_NAMES = frozenset(dir(dict))
_RUNTIME_IMPORT = "from jinja2.runtime import "
BYTECODE_NAMES = "sitegen-3-%s.cache"  # compiled templates on disk: change with _CodeGenerator
_new_str = str.__new__


def escape(value: Any) -> Markup:
    """``markupsafe.escape`` with the same result, made without its slow general paths for the
    values templates print most: text, markup and whole numbers."""
    kind = type(value)
    if kind is str:
        return _new_str(Markup, _escape_inner(value))
    if kind is Markup:
        return value
    if kind is int:
        return _new_str(Markup, str(value))
    return markupsafe.escape(value)


_PLAIN_CALLABLES = frozenset({Macro, types.FunctionType, functools.partial})
_UNDEFINED_BY_STOP = "value was undefined because a callable raised a StopIteration exception"


class _Context(Context):
    """Jinja's template context, calling built-in methods (``dict.get``), macros, plain
    functions and partials directly.

    ``Context.call`` first looks for a ``pass_context``-style marker on the callable, and
    for these kinds that is two failed attribute lookups per call. Built-ins cannot carry
    such a marker, and the others only in their own ``__dict__``; one without it is called
    as ``Context.call`` would call it.
    """

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        kind = type(__obj)
        if kind is not types.BuiltinFunctionType and (
            kind not in _PLAIN_CALLABLES or "jinja_pass_arg" in __obj.__dict__
        ):
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(_UNDEFINED_BY_STOP)


def markup(value: Any = "") -> Markup:
    """``Markup(value)``, made without its slow check for ``__html__`` when given text (what a
    macro's output is)."""
    return _new_str(Markup, value) if type(value) is str else Markup(value)


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with compiled templates printing through ``escape`` above
    and marking text safe with ``markup``."""

    def writeline(self, x: str, node: Any = None, extra: int = 0) -> None:
        super().writeline(x, node, extra)
        if x.startswith(_RUNTIME_IMPORT):
            super().writeline(f"from {__name__} import escape, markup as Markup")


class ThemeEnvironment(jinja2.Environment):
    """Jinja's environment, reading a ``View``'s keys (``story.title``) with one dict lookup,
    and remembering which candidate template each kind of page uses."""

    code_generator_class = _CodeGenerator
    context_class = _Context

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.chosen: dict[tuple[str, ...], jinja2.Template] = {}

    def choose(self, names: tuple[str, ...]) -> jinja2.Template:
        """``select_template``, asking the loader about missing candidates only once."""
        template = self.chosen.get(names)
        if template is None:
            template = self.chosen[names] = self.select_template(names)
        return template

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is View and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def make_env(site_root: Path) -> ThemeEnvironment:
    """A Jinja environment: site templates first, then the default theme; strict and escaping."""
    loader = jinja2.FileSystemLoader([str(site_root / "templates"), str(theme_dir("templates"))])
    env = ThemeEnvironment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build's templates never change under it (serve makes a new env)
    )
    env.filters["date_display"] = date_display
    return env


def template_names(page: Page) -> tuple[str, ...]:
    """Candidate templates for a page, most specific first."""
    if page.kind in ("taxonomy", "term"):
        return (f"{page.taxonomy}/{page.kind}.html", f"{page.kind}.html")
    return TEMPLATES[page.kind]


def render_page(env: ThemeEnvironment, page: Page, site: Site, md: MarkdownCache) -> str:
    """Render one page to HTML; template errors become ``template:line: message``."""
    try:
        template = env.choose(template_names(page))
        return template.render(page_context(page, site, md))
    except jinja2.TemplateSyntaxError as exc:
        raise SourceError(exc.filename or exc.name or "?", exc.lineno, exc.message or "") from None
    except jinja2.TemplateNotFound as exc:
        message = f"no template for {page.kind} page '{page.url}': {exc.message}"
        raise SiteGenError(message) from None
    except SiteGenError:
        raise
    except Exception as exc:  # a runtime error inside a template
        where, line = _template_frame(exc)
        message = f"{type(exc).__name__}: {exc} (while rendering '{page.output}')"
        raise SourceError(where, line, message) from None


def _template_frame(exc: BaseException) -> tuple[str, int | None]:
    """The innermost template file and line in an exception's traceback."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return frame.filename, frame.lineno
    return "templates", None


def page_context(page: Page, site: Site, md: MarkdownCache) -> dict[str, Any]:
    """Build the template context of one page (see ``docs/templates.md``)."""
    link = _linker(page, site)
    context: dict[str, Any] = {
        "site": _site_view(site, link),
        "page": _page_view(page, site, link),
        "url": link,
        "once": functools.partial(once, build_memo(site, "once")),
    }
    if page.kind == "story":
        context["story"] = story_view(site.story(page.story or ""), site, link, md)
    if page.kind in ("home", "archive", "term"):
        context["stories"] = [story_card(s, site, link) for s in page.stories]
    if page.kind in ("taxonomy", "term"):
        context["taxonomy"] = _taxonomy_view(site, page.taxonomy or "", link)
    if page.kind == "taxonomy":
        context["terms"] = _terms_view(site, page, link)
    if page.kind == "term":
        term = site.term(page.taxonomy or "", page.term or "")
        context["term"] = _term_view(term, site, link, md)
    if page.kind == "page":
        standalone = next(p for p in site.standalone if p.slug == page.standalone)
        context["content"] = View(
            title=standalone.title,
            body=Markup(md.render(standalone.body)),
            extra=dict(standalone.extra),
        )
    context.update(reader_context(page, site, link, story_card))
    return context


def once(memo: dict[Any, Any], macro: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``macro(*args, **kwargs)``, called once per build for the same macro and arguments.

    For macros that depend on their arguments alone (imported without context, the
    default), such as a story card listed on many pages. Arguments are the same when they
    are equal plain values or the very same objects (the context's story and term views
    are made once per build and link base).
    """
    key = (macro, *[(type(a), a) if type(a) in _PLAIN else id(a) for a in args])
    if kwargs:
        key += tuple((k, _same(v)) for k, v in sorted(kwargs.items()))
    hit = memo.get(key)
    if hit is None:  # the arguments are kept with the result, so their ids stay unique
        hit = memo[key] = (macro(*args, **kwargs), args, kwargs)
    return hit[0]


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _same(value: Any) -> Any:
    """A key that is equal only for equal plain values or for the same object."""
    return (type(value), value) if type(value) in _PLAIN else id(value)


def _linker(page: Page, site: Site) -> Callable[[str], str]:
    """The ``url()`` function of a page: relative links; base-path links on the 404 page.

    Its ``base`` attribute is a link that is the same for exactly the pages whose links are
    the same (those at the same folder depth): the key of views shared between them.
    """
    if page.kind == "404":
        prefix = site.config.base_path

        def link(target: str) -> str:
            return prefix + target

    else:

        def link(target: str) -> str:
            return relative_url(target, page.url)

    link.base = link("x")  # type: ignore[attr-defined]
    return link


def _base(link: Callable[[str], str]) -> str:
    """``link.base`` (see ``_linker``); worked out for a link function made elsewhere."""
    base = getattr(link, "__dict__", {}).get("base")
    return base if base is not None else link("x")


def _site_view(site: Site, link: Callable[[str], str]) -> dict[str, Any]:
    config = site.config
    return View(
        title=config.title,
        description=config.description,
        language=config.language,
        base_url=config.absolute_base,
        home_url=link(""),
        feed_url=link("atom.xml"),
        taxonomies=[
            View(name=t.name, title=t.title, url=link(f"{t.path}/")) for t in config.taxonomies
        ],
        pages=[View(title=p.title, url=link(f"{p.slug}/")) for p in site.standalone],
        extra=dict(config.extra),
    )


def _page_view(page: Page, site: Site, link: Callable[[str], str]) -> dict[str, Any]:
    base = page.url.split("page/")[0] if page.number > 1 else page.url
    return View(
        kind=page.kind,
        url=page.url,
        title=page.title,
        canonical=absolute_url(page.url, site.config.absolute_base),
        number=page.number,
        count=page.count,
        prev_url=link(_page_n(base, page.number - 1)) if page.number > 1 else None,
        next_url=link(_page_n(base, page.number + 1)) if page.number < page.count else None,
        order=page.order,
    )


def _page_n(base: str, n: int) -> str:
    return base if n == 1 else f"{base}page/{n}/"


def story_card(slug: str, site: Site, link: Callable[[str], str]) -> dict[str, Any]:
    """A story as other pages list it: made once per build and link base, shared (read-only).

    The reads it made are replayed into every page that lists the story, so skipping
    unchanged pages stays exact.
    """
    return remember(
        site, "story_card", (slug, _base(link)), lambda s: story_view(s.story_head(slug), s, link)
    )


def story_view(
    story: Story, site: Site, link: Callable[[str], str], md: MarkdownCache | None = None
) -> dict[str, Any]:
    """A story for templates; the rendered body only when ``md`` is given (story pages)."""
    named = site.story_terms[story.slug]
    terms = {name: _term_links(site, name, named.get(name, ()), link) for name in site.taxonomies}
    return View(
        title=story.title,
        slug=story.slug,
        url=link(story_url(story.slug)),
        date=story.date,
        has_time=story.has_time,
        summary=story.summary,
        byline=list(story.byline),
        dateline=_shared(
            site, "dateline", place=story.dateline.place, agency=story.dateline.agency
        ),
        caption=story.caption,
        source=story.source,
        terms=terms,
        body=Markup(md.render(story_body(story))) if md else None,
        credits=list(story.credit_lines),
        lead=_lead_view(site, story),
        extra=dict(story.extra),
    )


def _shared(site: Site, name: str, **values: Any) -> View:
    """One View per build for equal small values (datelines, lead flags) that many story
    views carry: read-only, like every view shared between pages."""
    memo = build_memo(site, name)
    key = tuple(values.values())
    view = memo.get(key)
    if view is None:
        view = memo[key] = View(values)
    return view


def _lead_view(site: Site, story: Story) -> View:
    """The shared view of ``_lead``, worked out once per story and build."""
    memo = build_memo(site, "lead_of")
    view = memo.get(story.slug)
    if view is None:
        view = memo[story.slug] = _shared(site, "lead", **_lead(story))
    return view


def _lead(story: Story) -> dict[str, bool]:
    """Whether the body's first paragraph already carries the dateline and the summary.

    Ingested wire copy keeps ``AMMAN (Reuters) -`` and the lead sentence in the body, so
    the page then shows neither a separate dateline kicker nor a standfirst.
    """
    first = story.opening if story.opening is not None else first_paragraph(story.body or "")
    place = (story.dateline.place or "").upper()
    return {
        "has_dateline": bool(place) and first.upper().startswith(place),
        "has_summary": bool(story.summary) and story.summary[:120] in " ".join(first.split()),
    }


def _term_links(
    site: Site, taxonomy: str, slugs: tuple[str, ...], link: Callable[[str], str]
) -> list[dict[str, Any]]:
    """``_term_link`` of each of these terms of one taxonomy (each read is recorded, as
    ``site.term`` would)."""
    memo = _term_link_memo(site, taxonomy, _base(link))
    return terms_once(site, memo, taxonomy, slugs, lambda term: _term_link(term, site, link))


def _term_link_memo(site: Site, taxonomy: str, base: str) -> dict[str, dict[str, Any]]:
    """The term links of one taxonomy and link base made so far this build, by slug."""
    memos = build_memo(site, "term_link")
    memo = memos.get((taxonomy, base))
    if memo is None:
        memo = memos[taxonomy, base] = {}
    return memo


def _term_link(term: Term, site: Site, link: Callable[[str], str]) -> dict[str, Any]:
    """A term as a link; made once per build and link base, shared (callers copy to add keys)."""
    memo = _term_link_memo(site, term.taxonomy, _base(link))
    view = memo.get(term.slug)
    if view is None:
        view = memo[term.slug] = View(
            name=term.name,
            slug=term.slug,
            url=link(term_url(site.config, term.taxonomy, term.slug)),
            count=len(term.stories),
        )
    return view


def _taxonomy_view(site: Site, name: str, link: Callable[[str], str]) -> dict[str, Any]:
    tax = site.config.taxonomy(name)
    return View(
        name=tax.name,
        title=tax.title,
        singular=tax.singular,
        url=link(f"{tax.path}/"),
        by_count_url=link(f"{tax.path}/by-count/"),
        count=len(site.taxonomies[name].terms),
    )


def _terms_view(site: Site, page: Page, link: Callable[[str], str]) -> list[dict[str, Any]]:
    """The terms of a taxonomy overview, by name (with A-Z letters) or by story count."""
    terms = [View(_term_link(t, site, link)) for t in site.taxonomies[page.taxonomy or ""].terms]
    for term in terms:
        term["letter"] = _letter(term["slug"])
    if page.order == "count":
        return sorted(terms, key=lambda t: (-t["count"], t["slug"]))
    return sorted(terms, key=lambda t: (t["letter"], t["slug"]))


def _letter(slug: str) -> str:
    first = slug[:1].upper()
    return first if first.isalpha() else "#"


def _term_view(term: Term, site: Site, link: Callable[[str], str], md: MarkdownCache) -> dict:
    view = View(_term_link(term, site, link))
    view.update(
        {
            "aliases": list(term.aliases),
            "description": Markup(md.render(term.description)) if term.description else None,
            "meta": dict(term.meta),
            "feed_url": link(term_url(site.config, term.taxonomy, term.slug) + "atom.xml"),
        }
    )
    return view


@functools.lru_cache(maxsize=1 << 16)  # the same dates are shown on many pages
def date_display(value: dt.datetime | None, with_time: bool = False) -> str:
    """``4 July 2019`` (and ``, 09:30 UTC+03:00`` with time); ``Undated`` for None."""
    if value is None:
        return "Undated"
    text = f"{value.day} {value:%B %Y}"
    if with_time:
        text += f", {value:%H:%M} {value.tzname() or ''}".rstrip()
    return text
