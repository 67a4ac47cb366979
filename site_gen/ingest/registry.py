"""The entity registry: the actor and location term files, consulted first by ingest.

An entry is `content/<taxonomy>/<slug>.md` with front matter `name`, `kind`,
`aliases` (locations also `country`, `lat`, `lon`, `geonames_id`). Entries that
exist are the editor's: ingest reads them and never rewrites them; it only adds
files for entities it has not seen before.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from site_gen.frontmatter import DUMPER, LOADER
from site_gen.names import normalize, slugify

TAXONOMIES = ("actors", "locations")
CACHE = Path(".sitegen-cache") / "ingest-registry.json"
HASH_KEY = "ingest_hash"


@dataclass(frozen=True)
class Entry:
    """One registry entity."""

    taxonomy: str
    slug: str
    name: str
    kind: str | None
    aliases: tuple[str, ...]
    extra: tuple[tuple[str, Any], ...] = ()
    edited: bool = True
    """False while the file still holds exactly what ingest wrote (its `ingest_hash`)."""

    def surface_forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def names(self, form: str) -> bool:
        """Whether `form` is this entity's name or one of its aliases."""
        key = normalize(form)
        return any(normalize(f) == key for f in self.surface_forms())


@dataclass
class Registry:
    """Term files by taxonomy, indexed by every normalised name and alias."""

    root: Path
    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)  # taxonomy -> slug -> e
    index: dict[str, dict[str, Entry]] = field(default_factory=dict)  # taxonomy -> key -> e
    added: list[Entry] = field(default_factory=list)
    files: dict[str, set[str]] = field(default_factory=dict)  # taxonomy -> file stems on disk

    stamps: dict[str, list[Any]] = field(default_factory=dict)  # for the cache file

    @classmethod
    def load(cls, root: Path) -> Registry:
        """Read every actor and location term file under `root/content`.

        Parsed entries are kept in `.sitegen-cache/ingest-registry.json`, keyed by each
        file's modification time and size, so unchanged term files are not parsed again.
        """
        registry = cls(root)
        cached = _read_cache(root / CACHE)
        for taxonomy in TAXONOMIES:
            registry.entries[taxonomy] = {}
            registry.index[taxonomy] = {}
            registry.files[taxonomy] = set()
            folder = root / "content" / taxonomy
            if not folder.is_dir():
                continue
            files = sorted(
                (e for e in os.scandir(folder) if e.name.endswith(".md") and e.is_file()),
                key=lambda e: e.name,
            )
            for item in files:
                stem = item.name[:-3]
                registry.files[taxonomy].add(stem)
                stat = item.stat()
                key = f"{taxonomy}/{item.name}"
                hit = cached.get(key)
                if hit and len(hit) == 6 and hit[:2] == [stat.st_mtime_ns, stat.st_size]:
                    entry = Entry(taxonomy, stem, hit[2], hit[3], tuple(hit[4]), edited=hit[5])
                else:
                    entry = _read_entry(item.path, stem, taxonomy)
                if entry is not None:
                    registry.stamps[key] = [
                        stat.st_mtime_ns,
                        stat.st_size,
                        entry.name,
                        entry.kind,
                        list(entry.aliases),
                        entry.edited,
                    ]
                    registry._remember(entry)
        return registry

    def save_cache(self) -> None:
        """Remember parsed term files for the next run (a cache: safe to delete)."""
        path = self.root / CACHE
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps(self.stamps, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass

    def _remember(self, entry: Entry) -> None:
        self.entries[entry.taxonomy][entry.slug] = entry
        index = self.index[entry.taxonomy]
        for form in entry.surface_forms():
            index.setdefault(normalize(form), entry)

    def find(self, taxonomy: str, forms: tuple[str, ...] | list[str]) -> Entry | None:
        """The entry any of these surface forms names (the name first, then aliases)."""
        index = self.index.get(taxonomy, {})
        for form in forms:
            entry = index.get(normalize(form))
            if entry is not None:
                return entry
        return None

    def add(
        self, taxonomy: str, name: str, kind: str | None, aliases: tuple[str, ...], **extra: Any
    ) -> Entry:
        """Record a new entity (written later by `pending_files`); returns its entry."""
        slug = self._free_slug(taxonomy, name)
        key = normalize(name)
        clean = tuple(dict.fromkeys(a for a in aliases if normalize(a) != key))
        entry = Entry(taxonomy, slug, name, kind, clean, tuple(extra.items()), edited=False)
        self._remember(entry)
        self.added.append(entry)
        return entry

    def _free_slug(self, taxonomy: str, name: str) -> str:
        base = slugify(name)
        slug, n = base, 2
        taken, on_disk = self.entries[taxonomy], self.files.get(taxonomy, set())
        while slug in taken or slug in on_disk:
            slug, n = f"{base}-{n}", n + 1
        return slug


def _read_cache(path: Path) -> dict[str, list[Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _read_entry(path: str, stem: str, taxonomy: str) -> Entry | None:
    """An entry from the term file `path`; files without usable front matter use its `stem`."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return None
    data: Any = {}
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            data = _plain_front(text[3:end])
            if data is None:
                try:
                    data = yaml.load(text[3:end], Loader=LOADER) or {}
                except yaml.YAMLError:
                    data = {}
    if not isinstance(data, dict):
        data = {}
    name = str(data.get("name") or stem.replace("-", " ").title())
    aliases = data.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    kind = str(data["kind"]) if data.get("kind") else None
    forms = tuple(str(a) for a in aliases if a)
    stored = data.get(HASH_KEY)  # none in a file an editor wrote: edited, no need to hash
    edited = stored is None or stored != identity_hash(name, kind, forms)
    return Entry(taxonomy, stem, name, kind, forms, edited=edited)


_PLAIN_VALUE = re.compile(r"[A-Za-z][^:#'\"\[\]{}]*")
_YAML_WORDS = frozenset(["null", "true", "false", "yes", "no", "on", "off", "y", "n"])
_HEX_WORD = re.compile(r"[0-9a-f]*[a-f][0-9a-f]*")
_OTHER_VALUE = re.compile(r"[-\w. ]*")
_IDENTITY_KEYS = frozenset(["name", "kind", "aliases", HASH_KEY])


def _plain_front(block: str) -> dict[str, Any] | None:
    """Front matter of plain `key: value` lines and `- alias` items, as ingest writes it.

    Anything else (quotes, flow lists, numbers, YAML words) returns None: read it as YAML.
    """
    data: dict[str, Any] = {}
    key = ""
    for line in block.splitlines():
        if not line.strip():
            continue
        if line.startswith("- ") and isinstance(data.get(key), list):
            value = line[2:].strip()
            if not _plain(value):
                return None
            data[key].append(value)
            continue
        name, sep, value = line.partition(":")
        value = value.strip()
        if not sep or not name.isidentifier():
            return None
        if value in ("", "[]"):
            data[name] = []
        elif (
            _plain(value)
            or (name == HASH_KEY and _HEX_WORD.fullmatch(value))
            or (name not in _IDENTITY_KEYS and _OTHER_VALUE.fullmatch(value))
        ):
            data[name] = value  # other keys (`lat: 12.5`) are not read here
        else:
            return None
        key = name
    return data


def _plain(value: str) -> bool:
    return bool(_PLAIN_VALUE.fullmatch(value)) and value.lower() not in _YAML_WORDS


def identity_hash(name: str, kind: str | None, aliases: tuple[str, ...]) -> str:
    """A short hash of what identifies an entity: an editor's change alters it."""
    text = json.dumps([name, kind, list(aliases)], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def entry_text(entry: Entry) -> str:
    """The term file text for a new entry."""
    data: dict[str, Any] = {"name": entry.name}
    if entry.kind:
        data["kind"] = entry.kind
    data["aliases"] = list(entry.aliases)
    data.update((k, v) for k, v in entry.extra if v is not None)
    data[HASH_KEY] = identity_hash(entry.name, entry.kind, entry.aliases)
    front = yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True)
    return f"---\n{front}---\n"
