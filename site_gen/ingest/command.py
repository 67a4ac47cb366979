"""`sitegen ingest PATH...`: raw wire stories in, story Markdown and registry entries out."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from site_gen.config import load_config
from site_gen.errors import SiteGenError, SourceError
from site_gen.frontmatter import DUMPER, LOADER
from site_gen.ingest.body import paragraphs_to_markdown
from site_gen.ingest.extract import Entities, Entity, extract_entities
from site_gen.ingest.gazetteer import Gazetteer
from site_gen.ingest.merge import HASHES_KEY, machine_hashes, merge_story
from site_gen.ingest.places import PlaceLookup
from site_gen.ingest.registry import Registry, entry_text
from site_gen.ingest.topics import TopicRules, choose_tags, make_summary
from site_gen.ingest.wire import WireStory, parse_wire, read_raw
from site_gen.names import normalize, slugify

STORIES = Path("content") / "stories"
BACKUPS = ".sitegen-backup"


@dataclass(frozen=True)
class Tools:
    """What every story's ingest needs, loaded once."""

    gazetteer: PlaceLookup
    rules: TopicRules
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Existing:
    """A story file already in the site, found by its raw source."""

    path: Path
    slug: str
    source: str
    sha256: str


def run_ingest(
    root: Path,
    paths: list[Path],
    *,
    date: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    out: Callable[[str], None] | None = None,
) -> int:
    """Ingest raw `.txt` stories into `root`; return 0, or 1 if any file failed."""
    say = out or print
    default_date = _check_date(date)
    files, missing = _collect(paths)
    config = load_config(root)
    tools = Tools(PlaceLookup(Gazetteer.load()), TopicRules.load(), tuple(config.topics))
    registry = Registry.load(root)
    run = _Run(root, tools, registry, _existing_stories(root), force, dry_run, say)
    failed = len(missing)
    for problem in missing:
        say(f"error: {problem}")
    with _fewer_collections():
        for path in files:
            try:
                run.ingest(path, default_date)
            except SiteGenError as exc:
                failed += 1
                say(f"error: {exc}")
            except (ValueError, LookupError, TypeError, AttributeError) as exc:
                # A defect, not bad input: report it with the file and carry on with the rest.
                failed += 1
                say(f"error: {path}: could not ingest ({type(exc).__name__}: {exc}); please report")
    run.write_registry()
    if not dry_run:
        registry.save_cache()
    say(run.summary(failed))
    return 1 if failed else 0


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Rarer garbage-collector passes while stories are ingested (a large share of the time).

    The gazetteer and registry loaded before are long-lived: frozen, later passes skip them.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _check_date(date: str | None) -> dt.date | None:
    if date is None:
        return None
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        raise SiteGenError(f"--date must be an ISO date such as 2019-07-04, got {date!r}") from None


def _collect(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """The `.txt` files named or inside the folders named, and the paths not found."""
    files: list[Path] = []
    missing: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not found:
                missing.append(f"{path}: no .txt files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            missing.append(f"{path}: no such file or folder")
    return list(dict.fromkeys(files)), missing


def _existing_stories(root: Path) -> list[Existing]:
    folder = root / STORIES
    out = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.md")):
        data = _front_matter(path)
        if data is None:
            continue
        out.append(
            Existing(
                path,
                str(data.get("slug") or path.stem),
                str(data.get("source") or ""),
                str(data.get("source_sha256") or ""),
            )
        )
    return out


def _front_matter(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    data, _ = _split(text)
    return data


def _split(text: str) -> tuple[dict[str, Any] | None, str]:
    if not text.startswith("---"):
        return None, text
    end = text.find("\n---", 3)
    if end == -1:
        return None, text
    try:
        data = yaml.load(text[3:end], Loader=LOADER)
    except yaml.YAMLError:
        return None, text
    body = text[end + 4 :]
    body = body[1:] if body.startswith("\n") else body
    return (data if isinstance(data, dict) else None), body


class _Run:
    """One ingest run: its counts, the slugs it has taken, and its output lines."""

    def __init__(
        self,
        root: Path,
        tools: Tools,
        registry: Registry,
        existing: list[Existing],
        force: bool,
        dry_run: bool,
        say: Callable[[str], None],
    ) -> None:
        self.root, self.tools, self.registry = root, tools, registry
        self.force, self.dry_run, self.say = force, dry_run, say
        self.by_source = {e.source: e for e in existing if e.source}
        self.by_sha = {e.sha256: e for e in existing if e.sha256}
        self.slugs = {e.slug for e in existing} | {e.path.stem for e in existing}
        self.counts = {"added": 0, "updated": 0, "unchanged": 0, "overwritten": 0}
        self.seen: dict[str, Path] = {}  # raw file name -> the file ingested under it
        self.conflicts = 0
        self.stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

    def ingest(self, path: Path, default_date: dt.date | None) -> None:
        other = self.seen.setdefault(path.name, path)
        if other != path:
            raise SourceError(
                path, None, f"same file name as {other}, ingested in this run; rename one of them"
            )
        text, encoding, sha = read_raw(path)
        story = parse_wire(text, source=path.name, sha256=sha, encoding=encoding)
        if not story.paragraphs:
            raise SourceError(path, None, "no story text after the headline")
        note = f" (decoded as {encoding})" if encoding not in ("utf-8", "utf-16") else ""
        existing = self.by_source.get(story.source) or self.by_sha.get(sha)
        slug = existing.slug if existing else self._new_slug(story.headline)
        fields = story_fields(story, slug, self.tools, self.registry, default_date)
        body = paragraphs_to_markdown(story.paragraphs)
        target = existing.path if existing else self.root / STORIES / f"{slug}.md"
        rel = _rel(target, self.root)
        if existing is None:
            self._write(
                target, render_story({**fields, HASHES_KEY: machine_hashes(fields, body)}, body)
            )
            self.counts["added"] += 1
            self.say(f"{self._verb('added')} {rel}: {_describe(fields)}{note}")
            self.by_source[story.source] = Existing(target, slug, story.source, sha)
            return
        self._update(target, rel, fields, body, note)

    def _update(self, target: Path, rel: str, fields: dict[str, Any], body: str, note: str) -> None:
        old_text = target.read_text(encoding="utf-8-sig")
        current, current_body = _split(old_text)
        if current is None:
            raise SourceError(
                target, 1, "existing story has no readable front matter; fix it or use --force"
            )
        if self.force:
            new_text = render_story({**fields, HASHES_KEY: machine_hashes(fields, body)}, body)
            if new_text == old_text:
                self.counts["unchanged"] += 1
                self.say(f"unchanged {rel}")
                return
            backup = self._backup(target, old_text)
            self._write(target, new_text)
            self.counts["overwritten"] += 1
            verb = self._verb("overwrote")
            self.say(f"{verb} {rel} (--force; previous version saved as {backup}){note}")
            return
        merged = merge_story(current, current_body, fields, body)
        new_text = render_story(merged.data, merged.body)
        if new_text == old_text:
            self.counts["unchanged"] += 1
            self.say(f"unchanged {rel}")
            return
        self._write(target, new_text)
        self.counts["updated"] += 1
        parts = [f"{self._verb('updated')} {rel}"]
        if merged.updated:
            parts.append("machine fields: " + ", ".join(merged.updated))
        if merged.kept:
            parts.append("kept editor's: " + ", ".join(merged.kept))
        if merged.conflicts:
            self.conflicts += len(merged.conflicts)
            parts.append("CONFLICT (editor's version kept): " + ", ".join(merged.conflicts))
        self.say("; ".join(parts) + note)

    def _verb(self, verb: str) -> str:
        if not self.dry_run:
            return verb
        return {"added": "would add", "updated": "would update", "overwrote": "would overwrite"}[
            verb
        ]

    def _new_slug(self, headline: str) -> str:
        base = slugify(headline)
        slug, n = base, 2
        while slug in self.slugs or (self.root / STORIES / f"{slug}.md").exists():
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def _backup(self, target: Path, text: str) -> str:
        backup = self.root / BACKUPS / self.stamp / _rel(target, self.root)
        if not self.dry_run:
            atomic_write(backup, text)
        return _rel(backup, self.root)

    def _write(self, target: Path, text: str) -> None:
        if not self.dry_run:
            atomic_write(target, text)

    def write_registry(self) -> None:
        """Write term files for entities first seen in this run."""
        for entry in self.registry.added:
            path = self.root / "content" / entry.taxonomy / f"{entry.slug}.md"
            if not self.dry_run and not path.exists():
                atomic_write(path, entry_text(entry))

    def summary(self, failed: int) -> str:
        c = self.counts
        done = c["added"] + c["updated"] + c["unchanged"] + c["overwritten"]
        parts = [f"{c['added']} added", f"{c['updated']} updated", f"{c['unchanged']} unchanged"]
        if c["overwritten"]:
            parts.append(f"{c['overwritten']} overwritten")
        parts.append(f"{failed} failed")
        text = f"ingest: {done} stories ({', '.join(parts)}); "
        text += f"{len(self.registry.added)} new registry entries"
        if self.conflicts:
            text += f"; {self.conflicts} conflicting field(s) left as the editor had them"
        if self.dry_run:
            text += " (dry run: nothing written)"
        return text


def story_fields(
    story: WireStory,
    slug: str,
    tools: Tools,
    registry: Registry,
    default_date: dt.date | None = None,
) -> dict[str, Any]:
    """The front matter ingest writes for a story, in order."""
    entities = extract_entities(story, tools.gazetteer, registry.index.get("actors", {}))
    actors, locations = _registered(entities, registry)
    lead = story.paragraphs[0][story.lead_offset :] if story.paragraphs else ""
    date = dt.date.fromisoformat(story.date) if story.date else default_date
    return {
        "title": story.headline,
        "slug": slug,
        "date": date,
        "summary": make_summary(lead) if lead else None,
        "byline": list(story.byline),
        "dateline": {"place": story.dateline_place, "agency": story.dateline_agency},
        "caption": story.caption,
        "tags": list(choose_tags(story.headline, story.paragraphs, tools.topics, tools.rules)),
        "locations": locations,
        "actors": actors,
        "source": story.source,
        "credits": list(story.credits),
        "source_sha256": story.sha256,
    }


def _registered(entities: Entities, registry: Registry) -> tuple[list[str], list[str]]:
    """Display names from the registry (an editor's entry wins); new entities added to it."""
    actors = [_register(e, "actors", registry) for e in entities.actors]
    locations = [_register(e, "locations", registry) for e in entities.locations]
    return _unique(actors), _unique(locations)


def _register(entity: Entity, taxonomy: str, registry: Registry) -> str:
    # A surname alone ("Okafor") may belong to another person in the registry: look up by
    # the full name, and by aliases only where they are names in their own right.
    distinctive = [a for a in entity.aliases if len(a.split()) > 1 or a.isupper()]
    entry = registry.find(taxonomy, (entity.name, *distinctive))
    if entry is not None:
        # An editor's entry gives its name; ingest's own entries keep the story's wording
        # where it is one of the entry's names (the build joins the two through aliases).
        return entry.name if entry.edited or not entry.names(entity.name) else entity.name
    extra: dict[str, Any] = {}
    if taxonomy == "locations" and entity.place is not None:
        place = entity.place
        extra = {
            "country": place.country or None,
            "lat": place.lat,
            "lon": place.lon,
            "geonames_id": place.geonames_id,
        }
    return registry.add(taxonomy, entity.name, entity.kind, entity.aliases, **extra).name


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        key = normalize(name)
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def render_story(data: dict[str, Any], body: str) -> str:
    """Front matter (YAML) and Markdown body as one file's text."""
    front = yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n{body}"


def _describe(fields: dict[str, Any]) -> str:
    return (
        f"{len(fields['actors'])} actors, {len(fields['locations'])} locations, "
        f"tags: {', '.join(fields['tags']) or 'none'}"
    )


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, then rename over the target."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fh = tmp.open("w", encoding="utf-8", newline="\n")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = tmp.open("w", encoding="utf-8", newline="\n")
    try:
        with fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_ingest(Path.cwd(), [Path(a) for a in sys.argv[1:]]))
