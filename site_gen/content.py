"""Read ``content/``: stories, term files and standalone pages, with every error collected."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from site_gen.config import SiteConfig
from site_gen.errors import SiteGenError, SourceError, raise_all
from site_gen.forked import ForkedMap
from site_gen.frontmatter import FrontMatter, body_of, split_front_matter
from site_gen.model import Content, Dateline, StandalonePage, Story, TermFile, first_paragraph
from site_gen.names import slugify

STORY_KEYS = {
    *("title", "slug", "date", "summary", "byline", "dateline", "caption", "source", "draft"),
}
T = TypeVar("T")
PARALLEL_PARSE = 1000  # stories to parse: from this many, a forked helper parses half


def parse_story(
    text: str, path: Path, config: SiteConfig, digest: str = "", *, keep_body: bool = True
) -> Story:
    """Turn a story file's text into a Story; raise BuildErrors listing every problem.

    Without ``keep_body`` the Story holds only the body's first paragraph, and the body is
    read again from ``path`` when needed (``story_body``): ``text`` must be that file's.
    """
    fm = split_front_matter(text, path)
    errors: list[SiteGenError] = []
    check = _Checker(fm, path, errors)
    title = check.text("title", required=True)
    slug = check.slug("slug") or slugify(title or path.stem)
    date, has_time = check.date("date", config)
    taxonomy_names = [t.name for t in config.taxonomies]
    terms = {name: check.names(name) for name in taxonomy_names}
    story = Story(
        path=path,
        slug=slug,
        title=title,
        date=date,
        has_time=has_time,
        summary=check.text("summary"),
        byline=check.names("byline"),
        dateline=check.dateline("dateline"),
        caption=check.text("caption"),
        terms=terms,
        source=check.text("source"),
        draft=check.flag("draft"),
        body=fm.body if keep_body else None,
        digest=digest or _sha256(text.encode("utf-8")),
        extra={k: v for k, v in fm.data.items() if k not in STORY_KEYS | set(taxonomy_names)},
        opening=None if keep_body else first_paragraph(fm.body),
    )
    raise_all(errors)
    return story


def story_body(story: Story) -> str:
    """A story's Markdown body: kept in memory, or read again from its file.

    The file must still be the one parsed (same sha256); one changed since is reported as
    an error, and the next build parses it again.
    """
    if story.body is not None:
        return story.body
    text, digest = read_text(story.path)
    if digest != story.digest:
        raise SourceError(story.path, None, "changed during the build: build again")
    return body_of(text)


def parse_term_file(text: str, path: Path, taxonomy: str, digest: str = "") -> TermFile:
    """Turn ``content/<taxonomy>/<slug>.md`` into a TermFile (front matter optional)."""
    fm = split_front_matter(text, path, required=False)
    errors: list[SiteGenError] = []
    check = _Checker(fm, path, errors)
    if slugify(path.stem) != path.stem:
        errors.append(
            SourceError(path, 1, f"term file name must be a slug such as '{slugify(path.stem)}.md'")
        )
    term = TermFile(
        path=path,
        taxonomy=taxonomy,
        slug=path.stem,
        name=check.text("name") or None,
        aliases=check.names("aliases"),
        description=fm.body.strip(),
        digest=digest or _sha256(text.encode("utf-8")),
        meta={k: v for k, v in fm.data.items() if k not in ("name", "aliases")},
    )
    raise_all(errors)
    return term


def parse_page(text: str, path: Path, digest: str = "") -> StandalonePage:
    """Turn ``content/pages/<name>.md`` into a StandalonePage."""
    fm = split_front_matter(text, path)
    errors: list[SiteGenError] = []
    check = _Checker(fm, path, errors)
    title = check.text("title", required=True)
    page = StandalonePage(
        path=path,
        slug=check.slug("slug") or slugify(path.stem),
        title=title,
        body=fm.body,
        draft=check.flag("draft"),
        digest=digest or _sha256(text.encode("utf-8")),
        extra={k: v for k, v in fm.data.items() if k not in ("title", "slug", "draft")},
    )
    raise_all(errors)
    return page


Reader = Callable[[Path], tuple[str, str]]
Memo = Callable[[str, Callable[[str], Any]], Any]


def load_content(
    config: SiteConfig, read: Reader | None = None, memo: Memo | None = None, jobs: int = 1
) -> Content:
    """Read every content file; raise BuildErrors with all problems at once.

    ``read(path) -> (text, digest)`` lets a caller supply cached file reads;
    ``memo(path, parse)`` may return a cached result instead of calling ``parse(path)``
    (paths are strings there: most files are not parsed, so they never need a ``Path``).
    With ``jobs`` above 1 and many stories to parse, a forked helper parses half of them.
    """
    keep_body = read is not None  # stories read from disk are read again for their bodies
    read = read or read_text
    root = config.content_path
    errors: list[SiteGenError] = []

    def parse_raw(
        parser: Callable[[str, Path, str], T], helper: ForkedMap | None = None
    ) -> Callable[[str], T]:
        def parse(name: str) -> T:
            done = helper.get(name) if helper is not None else None
            if done is not None:
                return done
            path = Path(name)
            return parser(*_swap(read(path), path))

        return parse

    def parse_with(
        parser: Callable[[str, Path, str], T], helper: ForkedMap | None = None
    ) -> Callable[[str], T]:
        parse = parse_raw(parser, helper)
        return (lambda path: memo(path, parse)) if memo else parse

    def story_parser(text: str, path: Path, digest: str) -> Story:
        story = parse_story(text, path, config, digest, keep_body=keep_body)
        _ = story.head_digest, story.file_key  # worked out where parsing runs; kept with it
        return story

    story_files = _md_files(root / "stories")
    reuse = getattr(memo, "reuse", None)
    found = reuse(story_files) if reuse is not None else {}
    todo = [path for path in story_files if path not in found]
    if jobs > 1 and len(todo) >= PARALLEL_PARSE and hasattr(os, "fork"):
        with ForkedMap(parse_raw(story_parser), todo[len(todo) // 2 :]) as helper:
            found.update(_parse_each(todo, parse_with(story_parser, helper), errors))
    else:
        found.update(_parse_each(todo, parse_with(story_parser), errors))
    stories = [found[path] for path in story_files if path in found]  # in file order
    term_files: list[TermFile] = []
    for tax in config.taxonomies:
        term_files += _parse_all(
            _md_files(root / tax.name),
            parse_with(
                lambda text, path, digest, name=tax.name: parse_term_file(text, path, name, digest)
            ),
            errors,
        )
    pages = _parse_all(_md_files(root / "pages"), parse_with(parse_page), errors)
    raise_all(_flatten(errors))
    return Content(tuple(stories), tuple(term_files), tuple(pages))


def read_text(path: Path) -> tuple[str, str]:
    """Read a content file as UTF-8; return its text and the sha256 of its bytes."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), _sha256(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(path, line, "not valid UTF-8 text") from None


@functools.lru_cache(maxsize=4096)
def _dateline(place: str | None, agency: str | None) -> Dateline:
    """One (frozen) Dateline for equal values: stories share them, and the parse cache then
    stores and loads each once per file."""
    return Dateline(place, agency)


def _swap(read_result: tuple[str, str], path: Path) -> tuple[str, Path, str]:
    text, digest = read_result
    return text, path, digest


def _parse_all(paths: Iterable[str], parse: Callable[[str], T], errors: list) -> list[T]:
    return list(_parse_each(paths, parse, errors).values())


def _parse_each(paths: Iterable[str], parse: Callable[[str], T], errors: list) -> dict[str, T]:
    """``parse(path)`` of each path, by path; the errors of those that fail go to ``errors``."""
    done: dict[str, T] = {}
    for path in paths:
        try:
            done[path] = parse(path)
        except SiteGenError as exc:
            errors.append(exc)
        except OSError as exc:
            errors.append(SourceError(path, None, f"cannot read: {exc.strerror}"))
    return done


def _flatten(errors: list[SiteGenError]) -> list[SiteGenError]:
    flat: list[SiteGenError] = []
    for err in errors:
        flat.extend(getattr(err, "errors", None) or [err])
    return flat


def _md_files(folder: Path) -> list[str]:
    """The paths of the ``*.md`` files in a folder (not hidden ones), sorted; none if it is
    missing."""
    try:
        with os.scandir(folder) as entries:
            names = [
                e.name
                for e in entries
                if e.name.endswith(".md") and not e.name.startswith(".") and e.is_file()
            ]
    except (FileNotFoundError, NotADirectoryError):
        return []
    base = str(folder)
    return [f"{base}/{name}" for name in sorted(names)]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Checker:
    """Reads typed values from front matter, recording a SourceError for each bad one."""

    def __init__(self, fm: FrontMatter, path: Path, errors: list[SiteGenError]) -> None:
        self.fm, self.path, self.errors = fm, path, errors

    def fail(self, key: str, message: str) -> None:
        self.errors.append(SourceError(self.path, self.fm.line(key), f"front matter: {message}"))

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.fm.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(key, f"'{key}' is required")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, f"'{key}' must be text, got {_describe(value)}")
            return ""
        return str(value).strip()

    def names(self, key: str) -> tuple[str, ...]:
        value = self.fm.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(key, f"'{key}' must be a list, got {_describe(value)}")
            return ()
        bad = [v for v in value if isinstance(v, bool) or not isinstance(v, str | int | float)]
        if bad:
            self.fail(key, f"'{key}' must be a list of names, got {_describe(bad[0])} in it")
            return ()
        # interned: the same names recur across stories, and the parse cache then stores
        # (and loads) each name once per file instead of once per mention
        return tuple(dict.fromkeys(sys.intern(str(v).strip()) for v in value if str(v).strip()))

    def slug(self, key: str) -> str:
        value = self.text(key)
        if value and slugify(value) != value:
            self.fail(key, f"'{key}' must be lower-case letters, digits and hyphens, got {value!r}")
            return ""
        return value

    def flag(self, key: str) -> bool:
        value = self.fm.data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(key, f"'{key}' must be true or false, got {_describe(value)}")
            return False
        return value

    def dateline(self, key: str) -> Dateline:
        value = self.fm.data.get(key)
        if value is None:
            return Dateline()
        if not isinstance(value, dict):
            self.fail(key, f"'{key}' must be a mapping with 'place' and 'agency'")
            return Dateline()
        parts = {}
        for part in ("place", "agency"):
            item = value.get(part)
            if item is not None and not isinstance(item, str):
                self.fail(key, f"'{key}.{part}' must be text, got {_describe(item)}")
                item = None
            parts[part] = sys.intern(item.strip()) if item and item.strip() else None
        return _dateline(parts["place"], parts["agency"])

    def date(self, key: str, config: SiteConfig) -> tuple[dt.datetime | None, bool]:
        value = self.fm.data.get(key)
        try:
            return parse_date(value, config)
        except ValueError:
            self.fail(
                key,
                f"'{key}' must be an ISO date (2019-07-04) or a datetime with offset "
                f"(2019-07-04T09:30:00+03:00), got {value!r}",
            )
            return None, False


def parse_date(value: Any, config: SiteConfig) -> tuple[dt.datetime | None, bool]:
    """Normalise a YAML date value to an aware datetime in the site's zone, and has-time."""
    if value is None or value == "":
        return None, False
    if isinstance(value, str):
        value = value.strip()
        parse = dt.date.fromisoformat if len(value) == 10 else dt.datetime.fromisoformat
        value = parse(value)
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=config.tzinfo)
        return aware.astimezone(config.tzinfo), True
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=config.tzinfo), False
    raise ValueError(value)


def _describe(value: Any) -> str:
    kinds = {dict: "a mapping", list: "a list", bool: "true/false", str: "text"}
    kind = kinds.get(type(value), type(value).__name__)
    return f"{kind} {value!r}" if not isinstance(value, dict | list) else kind
