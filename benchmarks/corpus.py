"""A deterministic synthetic news corpus for benchmarks: wire text and Markdown sites.

Every word and name is generated from syllables with a seeded random generator, so the
corpus contains no copied text. Term frequencies follow a Zipf-like law: a few actors and
places appear in many stories, most in one or two.

    python benchmarks/corpus.py SITE_DIR --stories 10000 [--raw RAW_DIR] [--seed 7]
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from site_gen.config import TOPICS

ONSETS = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "r", "s", "t", "v", "z", "sh", "kh", "br")
VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
CODAS = ("", "", "n", "r", "l", "s", "m", "k", "t")
AGENCIES = ("Reuters", "AP", "AFP", "Xinhua", "Anadolu")
TAGS = TOPICS
ACTOR_SUFFIXES = ("", "", "", "Ministry", "Front", "Party", "Council", "Brigade", "Union")


@dataclass(frozen=True)
class Sizes:
    """Vocabulary sizes; the defaults match the 10,000-story reference corpus."""

    locations: int = 1800
    actors: int = 4300
    words: int = 6000


@dataclass(frozen=True)
class GenStory:
    """One generated story, before it is written as wire text or Markdown."""

    slug: str
    title: str
    date: dt.datetime | None
    byline: tuple[str, ...]
    place: str
    agency: str
    summary: str
    tags: tuple[str, ...]
    locations: tuple[str, ...]
    actors: tuple[str, ...]
    paragraphs: tuple[str, ...]


class Zipf:
    """Draw indexes 0..n-1 with probability proportional to 1 / (rank + 2) ** s."""

    def __init__(self, n: int, s: float = 1.0) -> None:
        weights = [1 / (rank + 2) ** s for rank in range(n)]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(
        rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)
    )


def _unique(rng: random.Random, count: int, make: callable) -> list[str]:  # type: ignore[valid-type]
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen.setdefault(make(rng), None)
    return list(seen)


class Vocabulary:
    """Generated words, place names and actor names."""

    def __init__(self, rng: random.Random, sizes: Sizes) -> None:
        self.words = _unique(rng, sizes.words, lambda r: _word(r, r.choice((1, 1, 2, 2, 3))))
        self.places = _unique(rng, sizes.locations, lambda r: _word(r, r.randint(2, 3)).title())
        self.actors = _unique(rng, sizes.actors, self._actor)
        self.people = _unique(rng, 400, lambda r: f"{_word(r, 2).title()} {_word(r, 3).title()}")
        self.word_zipf = Zipf(len(self.words), 1.1)
        self.place_zipf = Zipf(len(self.places))
        self.actor_zipf = Zipf(len(self.actors))
        self.tag_zipf = Zipf(len(TAGS), 0.8)

    @staticmethod
    def _actor(rng: random.Random) -> str:
        suffix = rng.choice(ACTOR_SUFFIXES)
        if suffix:
            return f"{_word(rng, 2).title()} {suffix}"
        first = _word(rng, 2).title()
        particle = rng.choice(("al-", "bin ", "van ", ""))
        return f"{first} {particle}{_word(rng, 3).title()}"


def _distinct(rng: random.Random, zipf: Zipf, names: list[str] | tuple[str, ...], k: int) -> tuple:
    chosen: dict[str, None] = {}
    for _ in range(k * 4):
        chosen.setdefault(names[zipf.draw(rng)], None)
        if len(chosen) == k:
            break
    return tuple(chosen)


def _sentence(rng: random.Random, vocab: Vocabulary, names: tuple[str, ...]) -> str:
    words = [vocab.words[vocab.word_zipf.draw(rng)] for _ in range(rng.randint(8, 22))]
    if names and rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(names))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def generate_story(rng: random.Random, vocab: Vocabulary, index: int) -> GenStory:
    """One story of about 700 words with Zipf-distributed terms."""
    tags = _distinct(rng, vocab.tag_zipf, TAGS, rng.randint(1, 4))
    locations = _distinct(rng, vocab.place_zipf, vocab.places, rng.randint(2, 7))
    actors = _distinct(rng, vocab.actor_zipf, vocab.actors, rng.randint(4, 14))
    names = locations + actors
    paragraphs: list[str] = []
    words = 0
    while words < 700:
        para = " ".join(_sentence(rng, vocab, names) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.15:
            para = f'"{para}" said {rng.choice(actors)}.'
        paragraphs.append(para)
        words += para.count(" ") + 1
    title_words = [vocab.words[vocab.word_zipf.draw(rng)] for _ in range(rng.randint(4, 9))]
    title = f"{actors[0]} {' '.join(title_words)} in {locations[0]}"
    start = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    date = None if rng.random() < 0.03 else start + dt.timedelta(minutes=rng.randrange(5_000_000))
    return GenStory(
        slug=f"{index:05d}-{_word(rng, 2)}-{_word(rng, 2)}",
        title=title,
        date=date,
        byline=tuple(rng.sample(vocab.people, rng.randint(0, 2))),
        place=locations[0],
        agency=rng.choice(AGENCIES),
        summary=paragraphs[0].split(". ")[0].rstrip(".") + ".",
        tags=tags,
        locations=locations,
        actors=actors,
        paragraphs=tuple(paragraphs),
    )


def generate(count: int, seed: int = 7, sizes: Sizes | None = None) -> list[GenStory]:
    """``count`` stories; the same seed always gives the same corpus."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng, sizes or Sizes())
    return [generate_story(rng, vocab, i) for i in range(count)]


def story_markdown(story: GenStory) -> str:
    """The story as a content file: YAML front matter and a Markdown body."""
    meta = {
        "title": story.title,
        "slug": story.slug,
        "date": story.date.isoformat() if story.date else None,
        "summary": story.summary,
        "byline": list(story.byline),
        "dateline": {"place": story.place, "agency": story.agency},
        "tags": list(story.tags),
        "locations": list(story.locations),
        "actors": list(story.actors),
        "source": f"{story.slug}.txt",
    }
    front = yaml.dump(meta, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
    body = "\n\n".join(story.paragraphs)
    return f"---\n{front}---\n{body}\n"


def story_wire(story: GenStory) -> str:
    """The story as raw wire text: headline, byline, dateline, paragraphs."""
    lines = [story.title, ""]
    if story.byline:
        lines += [f"By {' and '.join(story.byline)}", ""]
    when = f", {story.date:%B} {story.date.day}" if story.date else ""
    lines.append(f"{story.place.upper()}{when} ({story.agency}) - {story.paragraphs[0]}")
    for para in story.paragraphs[1:]:
        lines += ["", para]
    return "\n".join(lines) + "\n"


SITE_CONFIG = """\
title: Benchmark Briefing
description: A generated briefing used to measure build speed.
base_url: https://example.org/briefing/
language: en
timezone: UTC
per_page: 10
"""


def write_site(site: Path, stories: list[GenStory], *, progress: bool = False) -> None:
    """Write a buildable site: config, one Markdown file per story, a few term files."""
    folder = site / "content" / "stories"
    folder.mkdir(parents=True, exist_ok=True)
    (site / "sitegen.yaml").write_text(SITE_CONFIG, encoding="utf-8")
    for i, story in enumerate(stories):
        (folder / f"{story.slug}.md").write_text(story_markdown(story), encoding="utf-8")
        if progress and i % 5000 == 4999:
            print(f"  wrote {i + 1} stories", file=sys.stderr)
    _write_term_files(site, stories)


def _write_term_files(site: Path, stories: list[GenStory]) -> None:
    """Descriptions for the most frequent places, as an editor would add them."""
    from site_gen.names import slugify

    folder = site / "content" / "locations"
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for story in stories:
        for place in story.locations:
            counts[place] = counts.get(place, 0) + 1
    top = sorted(counts, key=lambda p: (-counts[p], p))[:50]
    for i, place in enumerate(top):
        meta = {"name": place, "kind": "city", "lat": 30.0 + i / 10, "lon": 35.0 + i / 10}
        front = yaml.safe_dump(meta, sort_keys=False)
        text = f"---\n{front}---\n{place} is a generated place used by the benchmark.\n"
        (folder / f"{slugify(place)}.md").write_text(text, encoding="utf-8")


def write_raw(folder: Path, stories: list[GenStory]) -> None:
    """Write the wire-text form, one ``.txt`` per story."""
    folder.mkdir(parents=True, exist_ok=True)
    for story in stories:
        (folder / f"{story.slug}.txt").write_text(story_wire(story), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--raw", type=Path, help="also write wire text here")
    args = parser.parse_args(argv)
    stories = generate(args.stories, args.seed)
    write_site(args.site, stories, progress=True)
    if args.raw:
        write_raw(args.raw, stories)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
