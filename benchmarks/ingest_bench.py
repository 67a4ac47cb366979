"""Ingest benchmark: generated ~700-word wire stories into a site whose registry holds 5,000
entities; prints stories per second (one process, one core).

    python benchmarks/ingest_bench.py [--stories 1000] [--entities 5000] [--words 700]

Text, names and organisations are generated from syllables and templates (no real story
text); most people and organisations a story names are already in the registry, as in a
running news stream. Place names are real, so locations resolve through the gazetteer.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from site_gen.ingest.command import run_ingest

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "sen",
    "dor",
    "vel",
    "an",
    "tis",
    "mar",
    "ul",
    "ben",
    "ko",
    "ri",
    "sha",
    "dem",
    "pa",
    "lu",
    "vor",
    "nik",
    "el",
]
ORG_WORDS = [
    "Front",
    "Party",
    "Council",
    "Army",
    "Movement",
    "Brigade",
    "Ministry",
    "Union",
    "Forces",
    "Commission",
]
ADJECTIVES = [
    "National",
    "Popular",
    "United",
    "Democratic",
    "Revolutionary",
    "Northern",
    "Civic",
    "Free",
]
PLACES = [
    "Kabul",
    "Herat",
    "Basra",
    "Mosul",
    "Aleppo",
    "Homs",
    "Idlib",
    "Amman",
    "Beirut",
    "Tripoli",
    "Benghazi",
    "Khartoum",
    "Juba",
    "Mogadishu",
    "Nairobi",
    "Kampala",
    "Kigali",
    "Goma",
    "Bamako",
    "Niamey",
    "Kano",
    "Lagos",
    "Abuja",
    "Dakar",
    "Sanaa",
    "Aden",
    "Tehran",
    "Baghdad",
    "Erbil",
    "Kirkuk",
    "Raqqa",
    "Damascus",
    "Gaza",
    "Hebron",
    "Cairo",
    "Tunis",
    "Algiers",
    "Istanbul",
    "Ankara",
    "Kharkiv",
    "Donetsk",
    "Odesa",
    "Kherson",
    "Tbilisi",
    "Yerevan",
    "Baku",
    "Karachi",
    "Lahore",
    "Peshawar",
    "Quetta",
]
TEMPLATES = [
    "{p1} said on {day} that {org} had sent fighters to {place}, where clashes continued.",
    "Officials in {place} told reporters that {org} was preparing a new offensive.",
    '"We will not accept this," said {title} {p1}, a spokesman for {org}.',
    "{p2} denied the claims and accused {org} of shelling villages near {place}.",
    "The fighting has displaced thousands of civilians, aid agencies said on {day}.",
    "Talks between {org} and the government stalled last week in {place}.",
    "{p1} added that supplies of food and medicine were running low in {place}.",
    "According to {p2}, at least a dozen people were killed in the attack on {place}.",
    "Residents described hearing explosions through the night and said many families had left.",
    "Prices of bread and fuel have risen sharply since the roads were cut last month.",
    "The situation remained tense on the following morning, with shops and schools closed.",
    "It was not possible to verify the reports independently, and casualty figures varied.",
    "Aid workers said hospitals were struggling to cope with the number of wounded people.",
]
"""Templates, some naming no one, so that names are about as dense as in real wire copy."""
TITLES = ["General", "Colonel", "Captain", "Minister", "President"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def word(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()


def person(rng: random.Random) -> str:
    return f"{word(rng)} {word(rng, 3)}"


def organisation(rng: random.Random) -> str:
    return f"{rng.choice(ADJECTIVES)} {word(rng, 3)} {rng.choice(ORG_WORDS)}"


def story_text(rng: random.Random, words: int, known: list[str] | None = None) -> str:
    """A story about two people and an organisation, most of them already in the registry."""
    known = known or []
    people, orgs = known[1::2], known[::2]

    def pick(pool: list[str], make) -> str:  # noqa: ANN001
        return rng.choice(pool) if pool and rng.random() < 0.7 else make(rng)

    p1, p2, org = pick(people, person), pick(people, person), pick(orgs, organisation)
    place = rng.choice(PLACES)
    lines = [f"{org} fighters advance on {place}", "", f"By {person(rng)}", ""]
    paragraphs, count = [], 0
    first = f"{place.upper()} (Reuters) - "
    while count < words:
        sentences = []
        for _ in range(rng.randint(1, 3)):
            sentences.append(
                rng.choice(TEMPLATES).format(
                    p1=p1,
                    p2=p2,
                    org=org,
                    place=rng.choice(PLACES),
                    day=rng.choice(DAYS),
                    title=rng.choice(TITLES),
                )
            )
        paragraph = " ".join(sentences)
        count += len(paragraph.split())
        paragraphs.append(first + paragraph if not paragraphs else paragraph)
    lines.append("\n\n".join(paragraphs))
    lines += ["", f"(Reporting by {person(rng)}; editing by {person(rng)})", ""]
    return "\n".join(lines)


def make_registry(root: Path, rng: random.Random, entities: int) -> list[str]:
    """Term files for `entities` actors; returns their names."""
    actors = root / "content" / "actors"
    actors.mkdir(parents=True)
    names = []
    for i in range(entities):
        name = person(rng) if i % 2 else organisation(rng)
        kind = "person" if i % 2 else "organization"
        text = f"---\nname: {name}\nkind: {kind}\naliases: []\n---\n"
        (actors / f"entity-{i:05d}.md").write_text(text, encoding="utf-8")
        names.append(name)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--entities", type=int, default=5000)
    parser.add_argument("--words", type=int, default=700)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root, raw = Path(tmp) / "site", Path(tmp) / "raw"
        raw.mkdir()
        known = make_registry(root, rng, args.entities)
        for i in range(args.stories):
            text = story_text(rng, args.words, known)
            (raw / f"story-{i:05d}.txt").write_text(text, encoding="utf-8")
        start, cpu = time.perf_counter(), time.process_time()
        status = run_ingest(root, [raw], out=lambda line: None)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    rate = args.stories / elapsed
    print(
        f"ingested {args.stories} stories of ~{args.words} words "
        f"(registry {args.entities} entities) in {elapsed:.2f} s: {rate:.0f} stories/s "
        f"(CPU time {cpu:.2f} s: {args.stories / cpu:.0f} stories/s)"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
