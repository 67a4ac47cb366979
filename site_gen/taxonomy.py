"""Group stories into taxonomy terms: identity by normalised name, aliases from term files."""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from site_gen.config import TaxonomyConfig
from site_gen.model import Story, Taxonomy, Term, TermFile
from site_gen.names import normalize, slugify

log = logging.getLogger(__name__)


@dataclass
class _Group:
    """Mentions gathered for one term identity while building."""

    key: str
    mentions: list[str] = field(default_factory=list)  # spellings, in site order
    stories: list[str] = field(default_factory=list)
    file: TermFile | None = None

    def add(self, spelling: str, story: str) -> None:
        self.mentions.append(spelling)
        if not self.stories or self.stories[-1] != story:  # a story's mentions come together
            self.stories.append(story)

    @functools.cached_property
    def spellings(self) -> Counter[str]:
        """How often each spelling is used; in the order they were first seen."""
        return Counter(self.mentions)

    def display_name(self) -> str:
        """The term file's name, else the most frequent spelling (ties: first seen)."""
        if self.file and self.file.name:
            return self.file.name
        if not self.mentions:
            return self.file.slug if self.file else self.key
        counts = self.spellings
        return max(counts, key=counts.__getitem__)  # max keeps the first of equals


def build_taxonomy(
    config: TaxonomyConfig,
    stories: Sequence[Story],
    term_files: Iterable[TermFile],
    warnings: list[str],
) -> tuple[Taxonomy, dict[str, tuple[str, ...]]]:
    """Build one taxonomy from stories in site order (newest first) and its term files.

    Also return, per story slug, the slugs of its terms in the order the story names them.
    """
    files = [f for f in term_files if f.taxonomy == config.name]
    aliases = _alias_index(files, warnings)
    by_slug = {f.slug: f for f in files}
    groups: dict[str, _Group] = {}
    mentions: dict[str, list[str]] = {}
    seen: dict[str, tuple[str, str, TermFile | None] | None] = {}  # names repeat a lot
    for story in stories:
        named = mentions.setdefault(story.slug, [])
        for spelling in story.terms.get(config.name, ()):
            if spelling not in seen:
                seen[spelling] = _identity(spelling, aliases, by_slug)
            found = seen[spelling]
            if found is None:
                continue
            identity, key, file = found
            group = groups.get(identity)
            if group is None:
                group = groups[identity] = _Group(key, file=file)
            group.add(spelling, story.slug)
            named.append(identity)
    slugs = _assign_slugs(groups, config.name, warnings)
    terms = [_make_term(config.name, slugs[i], g) for i, g in groups.items()]
    story_terms = {
        story: tuple(dict.fromkeys(slugs[i] for i in identities))
        for story, identities in mentions.items()
    }
    return Taxonomy(config, tuple(sorted(terms, key=lambda t: t.slug))), story_terms


def _identity(
    spelling: str, aliases: dict[str, TermFile], by_slug: dict[str, TermFile]
) -> tuple[str, str, TermFile | None] | None:
    """(identity, normalised name, term file) of a spelling; None for an empty name."""
    key = normalize(spelling)
    if not key:
        return None
    file = aliases.get(key) or by_slug.get(slugify(spelling))
    return (f"file:{file.slug}" if file else key), key, file


def _alias_index(files: Sequence[TermFile], warnings: list[str]) -> dict[str, TermFile]:
    """Map every normalised name and alias of the term files to its file."""
    index: dict[str, TermFile] = {}
    for file in files:
        for name in (file.name or "", *file.aliases):
            key = normalize(name)
            if not key:
                continue
            other = index.get(key)
            if other is not None and other is not file:
                warnings.append(
                    f"{file.path}: '{name}' is also a name of {other.path}; {other.path} keeps it"
                )
                continue
            index[key] = file
    return index


def _assign_slugs(groups: dict[str, _Group], taxonomy: str, warnings: list[str]) -> dict[str, str]:
    """Give each identity a slug; identities that share one get -2, -3... and a warning."""
    wanted: dict[str, list[str]] = {}
    for identity, group in sorted(groups.items()):
        slug = group.file.slug if group.file else slugify(group.display_name())
        wanted.setdefault(slug, []).append(identity)
    result: dict[str, str] = {}
    taken = set(wanted)
    for slug, identities in sorted(wanted.items()):
        identities.sort(key=lambda i: (not i.startswith("file:"), i))
        result[identities[0]] = slug
        for n, identity in enumerate(identities[1:], start=2):
            while f"{slug}-{n}" in taken:
                n += 1
            taken.add(f"{slug}-{n}")
            result[identity] = f"{slug}-{n}"
            names = [groups[i].display_name() for i in identities]
            warnings.append(
                f"{taxonomy}: {' and '.join(repr(x) for x in names)} share the slug '{slug}'; "
                f"'{groups[identity].display_name()}' gets '{slug}-{n}'"
            )
    return result


def _make_term(taxonomy: str, slug: str, group: _Group) -> Term:
    file = group.file
    return Term(
        taxonomy=taxonomy,
        slug=slug,
        name=group.display_name(),
        stories=tuple(group.stories),
        aliases=file.aliases if file else (),
        description=file.description if file else "",
        meta=dict(file.meta) if file else {},
    )
