"""Load and validate ``sitegen.yaml``: all keys optional; unknown keys and bad types are errors."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from site_gen.errors import ConfigError

CONFIG_NAME = "sitegen.yaml"
FALLBACK_BASE_URL = "http://localhost:8000/"
TOPICS = (
    "armed conflict", "terrorism", "diplomacy", "elections", "politics", "protests",
    "refugees and displacement", "humanitarian aid", "human rights", "crime and justice",
    "economy", "trade", "energy", "business", "technology", "science", "health",
    "environment", "natural disaster", "accidents", "sport", "culture", "religion",
    "education", "migration", "military", "nuclear", "cyber", "transport", "agriculture",
)  # fmt: skip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaxonomyConfig:
    """One taxonomy: its key in front matter, its title and its URL segment."""

    name: str
    title: str
    path: str
    singular: str


DEFAULT_TAXONOMIES = (
    TaxonomyConfig("tags", "Topics", "tags", "Topic"),
    TaxonomyConfig("locations", "Locations", "locations", "Location"),
    TaxonomyConfig("actors", "Actors", "actors", "Actor"),
)


@dataclass(frozen=True)
class SiteConfig:
    """The validated site configuration; ``root`` is the folder holding ``sitegen.yaml``."""

    root: Path
    title: str = "Briefing"
    description: str = "News briefing"
    base_url: str | None = None
    language: str = "en"
    timezone: str = "UTC"
    per_page: int = 10
    taxonomies: tuple[TaxonomyConfig, ...] = DEFAULT_TAXONOMIES
    output_dir: str = "public"
    topics: tuple[str, ...] = TOPICS
    cname: str | None = None
    deploy_remote: str = "origin"
    deploy_branch: str = "gh-pages"
    feed_limit: int = 50
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir

    @property
    def content_path(self) -> Path:
        return self.root / "content"

    @property
    def absolute_base(self) -> str:
        """Base URL for absolute links (feeds, sitemap, canonical), always ending in ``/``."""
        return self.base_url or FALLBACK_BASE_URL

    @property
    def base_path(self) -> str:
        """Path part of the base URL: ``/`` or ``/repo/``."""
        path = urlsplit(self.absolute_base).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def taxonomy(self, name: str) -> TaxonomyConfig:
        for tax in self.taxonomies:
            if tax.name == name:
                return tax
        raise KeyError(f"no taxonomy named {name!r}")


_SCALARS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "description": str,
    "base_url": (str, type(None)),
    "language": str,
    "timezone": str,
    "per_page": int,
    "output_dir": str,
    "cname": (str, type(None)),
    "deploy_remote": str,
    "deploy_branch": str,
    "feed_limit": int,
}
_KNOWN = set(_SCALARS) | {"taxonomies", "topics", "extra"}
_TYPE_NAMES = {str: "a string", int: "an integer", type(None): "null"}


def load_config(root: Path, *, base_url: str | None = None) -> SiteConfig:
    """Read ``root/sitegen.yaml`` (absent: all defaults); ``base_url`` overrides the file."""
    path = root / CONFIG_NAME
    raw: Any = {}
    if path.exists():
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else 0
            raise ConfigError(path, [f"line {line}: invalid YAML: {exc.problem}"]) from None
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(path, [f"cannot read: {exc}"]) from None
    if not isinstance(raw, dict):
        raise ConfigError(path, ["the file must be a mapping of keys to values"])
    if base_url is not None:
        raw = {**raw, "base_url": base_url}
    return parse_config(raw, root.resolve(), path)


def parse_config(raw: dict[str, Any], root: Path, path: Path) -> SiteConfig:
    """Validate a loaded mapping; raise one ConfigError listing every problem."""
    problems: list[str] = []
    values: dict[str, Any] = {"root": root}
    for key in sorted(set(raw) - _KNOWN):
        problems.append(f"unknown key '{key}'")
    for key, kind in _SCALARS.items():
        if key in raw:
            _check_type(key, raw[key], kind, problems)
            values[key] = raw[key]
    _check_values(values, problems)
    if "taxonomies" in raw:
        values["taxonomies"] = _parse_taxonomies(raw["taxonomies"], problems)
    if "topics" in raw:
        values["topics"] = _parse_topics(raw["topics"], problems)
    if "extra" in raw:
        if isinstance(raw["extra"], dict):
            values["extra"] = raw["extra"]
        else:
            problems.append("'extra' must be a mapping")
    if problems:
        raise ConfigError(path, problems)
    if values.get("base_url"):
        values["base_url"] = _with_slash(values["base_url"])
    return SiteConfig(**values)


def _check_type(key: str, value: Any, kind: type | tuple[type, ...], problems: list[str]) -> None:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) or not isinstance(value, kinds):
        wanted = " or ".join(_TYPE_NAMES[k] for k in kinds)
        problems.append(f"'{key}' must be {wanted}, got {type(value).__name__} {value!r}")


def _check_values(values: dict[str, Any], problems: list[str]) -> None:
    """Checks beyond types: ranges, URL shape, time zone name, safe output folder."""
    if isinstance(values.get("per_page"), int) and values["per_page"] < 1:
        problems.append("'per_page' must be at least 1")
    if isinstance(values.get("feed_limit"), int) and values["feed_limit"] < 1:
        problems.append("'feed_limit' must be at least 1")
    url = values.get("base_url")
    if isinstance(url, str) and urlsplit(url).scheme not in ("http", "https"):
        problems.append(f"'base_url' must start with http:// or https://, got {url!r}")
    tz = values.get("timezone")
    if isinstance(tz, str):
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"'timezone' is not a known time zone: {tz!r}")
    out = values.get("output_dir")
    bad_out = isinstance(out, str) and (not out.strip() or Path(out).is_absolute())
    if bad_out or (isinstance(out, str) and ".." in Path(out).parts):
        problems.append(f"'output_dir' must be a folder inside the site, got {out!r}")
    if isinstance(out, str) and Path(out).parts[:1] in (("content",), ("templates",), ("static",)):
        problems.append(f"'output_dir' must not be a source folder, got {out!r}")


def _parse_taxonomies(value: Any, problems: list[str]) -> tuple[TaxonomyConfig, ...]:
    """Accept a mapping ``name: {title, path, singular}``; unknown sub-keys are errors."""
    if not isinstance(value, dict) or not value:
        problems.append("'taxonomies' must be a mapping of taxonomy names to settings")
        return DEFAULT_TAXONOMIES
    defaults = {t.name: t for t in DEFAULT_TAXONOMIES}
    result = []
    for name, settings in value.items():
        settings = settings or {}
        if not isinstance(settings, dict):
            problems.append(f"'taxonomies.{name}' must be a mapping (title, path, singular)")
            continue
        for sub in sorted(set(settings) - {"title", "path", "singular"}):
            problems.append(f"unknown key 'taxonomies.{name}.{sub}'")
        base = defaults.get(name) or TaxonomyConfig(name, name.title(), name, name.title())
        fields = {f: settings.get(f, getattr(base, f)) for f in ("title", "path", "singular")}
        for sub, val in fields.items():
            if not isinstance(val, str) or not val.strip():
                problems.append(f"'taxonomies.{name}.{sub}' must be a non-empty string")
        if isinstance(fields["path"], str) and fields["path"] != _safe_segment(fields["path"]):
            problems.append(f"'taxonomies.{name}.path' must be one URL segment (a-z, 0-9, -)")
        result.append(dataclasses.replace(base, name=str(name), **fields))
    return tuple(result)


def _parse_topics(value: Any, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        problems.append("'topics' must be a list of topic names")
        return TOPICS
    return tuple(value)


def _safe_segment(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isascii() and (ch.isalnum() or ch == "-"))


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
