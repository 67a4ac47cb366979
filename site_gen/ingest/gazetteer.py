"""Offline gazetteer: countries, provinces, regions and cities with coordinates.

The table (``site_gen/data/places.tsv.gz``) is derived from GeoNames (CC BY 4.0) and
ISO 3166 by ``tools/make_gazetteer.py``; the curated ``demonyms.yaml`` is read here.
Every key is ``site_gen.names.normalize`` of a name or alias, so lookups compare
names exactly as the entity guideline does.
"""

from __future__ import annotations

import functools
import gzip
import itertools
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from importlib import resources

import yaml

from site_gen.names import normalize

KINDS = ("country", "region", "province", "city", "town", "site")
MAJOR_POPULATION = 250_000
"""A place this big keeps a name that is also a common English word ("Nice", "Buffalo")."""
_INDEX_MARK = "#index"
_ALIAS_WEIGHT = 10
"""A place found by its display name outranks one found by an alias unless 10 times bigger."""
_DEMONYM_SUFFIXES = (
    "backed",
    "led",
    "based",
    "born",
    "made",
    "owned",
    "run",
    "funded",
    "sponsored",
    "allied",
    "supported",
    "controlled",
    "held",
    "brokered",
    "linked",
    "trained",
)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry. ``name`` is the English display name."""

    name: str
    kind: str
    country: str
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int
    code: str = ""


@dataclass(frozen=True)
class _Entry:
    place: Place
    capital: bool
    curated: bool

    def rank(self, key: str) -> tuple[int, int, str, int]:
        """Sort key for a lookup of ``key``.

        Countries first, then capitals of at least ``MAJOR_POPULATION`` people, then
        provinces and regions called ``key`` (curated or with known towns); then the
        rest by population, a place found by its display name counting
        ``_ALIAS_WEIGHT`` times.
        """
        place = self.place
        exact = normalize(place.name) == key
        if place.kind == "country":
            group = 0
        elif self.capital and place.population >= MAJOR_POPULATION:
            group = 1
        elif place.kind in ("province", "region") and exact and (self.curated or place.population):
            group = 2
        else:
            group = 3
        weight = place.population * (_ALIAS_WEIGHT if exact else 1)
        return (group, -weight, place.name, place.geonames_id or 0)


class Gazetteer:
    """Name lookups over the shipped place table; build one with ``Gazetteer.load()``."""

    def __init__(
        self,
        rows: list[str],
        index: dict[str, str],
        common_words: frozenset[str],
        demonyms: dict[str, str],
    ) -> None:
        self._rows = rows
        self._index = index
        self._common = common_words
        self._demonyms = demonyms
        self._entry = functools.lru_cache(maxsize=16384)(self._parse)
        self._ranked = functools.lru_cache(maxsize=16384)(self._lookup)

    @classmethod
    def load(cls) -> Gazetteer:
        """The gazetteer of the shipped package data, read once per process."""
        return _load_default()

    @classmethod
    def from_text(cls, table: str, common_words: str = "", demonyms: str = "{}") -> Gazetteer:
        """Build a gazetteer from the table's text and the side files' text.

        The table is the format ``tools/make_gazetteer.py`` writes: a header, one
        place a row, then ``#index`` and one ``key<TAB>row,row`` line per name.
        """
        lines = table.splitlines()
        mark = lines.index(_INDEX_MARK) if _INDEX_MARK in lines else len(lines)
        keys = dict(map(str.split, lines[mark + 1 :], itertools.repeat("\t"), itertools.repeat(1)))
        del lines[mark:]
        del lines[0]
        return cls(lines, keys, _word_set(common_words), _demonym_map(demonyms))

    def __len__(self) -> int:
        return len(self._rows)

    def lookup(self, name: str) -> list[Place]:
        """Places whose name or alias equals ``name`` after normalisation, best first.

        Countries come first, then big national capitals, then provinces and
        regions of that name, then the rest by population. A name that is also
        a common English word ("Police", "March") only finds countries, curated
        places of that name, and places of at least ``MAJOR_POPULATION`` people;
        a short all-capitals word ("NATO", "QZX") only finds those and curated
        aliases.
        """
        return list(self._ranked(normalize(name), _is_acronym(name)))

    def _lookup(self, key: str, acronym: bool) -> tuple[Place, ...]:
        entries = self._entries(key)
        if key in self._common:
            entries = [e for e in entries if _keeps_common_word(e, key)]
        elif acronym:
            entries = [e for e in entries if e.curated or _keeps_common_word(e, key)]
        return tuple(e.place for e in sorted(entries, key=lambda e: e.rank(key)))

    def is_ambiguous_word(self, name: str) -> bool:
        """True when ``name`` is an everyday English word that is also a place name."""
        return normalize(name) in self._common

    def country(self, code_or_name: str) -> Place | None:
        """A country by ISO 3166-1 alpha-2 code ("SY") or by name or alias ("Syria", "U.S.").

        Two letters are read as a code first, so "IS" is Iceland: callers passing
        text from a story should not pass two-letter acronyms that are no country.
        """
        text = code_or_name.strip()
        if len(text) == 2 and text.isalpha():
            for entry in self._entries(normalize(text)):
                if entry.place.kind == "country" and entry.place.code == text.upper():
                    return entry.place
            found = self._country_by_code(text.upper())
            if found is not None:
                return found
        for entry in self._entries(normalize(text)):
            if entry.place.kind == "country":
                return entry.place
        return None

    def demonym(self, word: str) -> Place | None:
        """The country a demonym or adjective names: "Syrian", "Syrians", "Iranian-backed"."""
        key = normalize(word)
        for candidate in _demonym_candidates(key):
            code = self._demonyms.get(candidate)
            if code:
                return self.country(code)
        return None

    def capital_country(self, name: str) -> Place | None:
        """The country whose capital is called ``name``: "Moscow" gives Russia.

        Only when the capital is the biggest town of that name: "Hamilton" is a
        bigger city in Canada than Bermuda's capital, so it names no government.
        """
        key = normalize(name)
        towns = [e for e in self._entries(key) if e.place.kind in ("city", "town")]
        if key in self._common:
            towns = [e for e in towns if _keeps_common_word(e, key)]
        if not towns:
            return None
        biggest = max(towns, key=lambda e: e.place.population)
        return self.country(biggest.place.country) if biggest.capital else None

    def best(
        self, name: str, countries: Collection[str] = (), *, kinds: Collection[str] = ()
    ) -> Place | None:
        """The likeliest place for ``name``, preferring the story's ``countries`` (ISO2).

        A place in those countries wins unless the overall best is a country, a
        capital or a big city and the local one is a small namesake of it: Moscow
        stays Russia's capital in a story set in the United States. ``kinds``
        restricts the candidates (e.g. ``("city", "town")`` for a dateline).
        """
        places = [p for p in self.lookup(name) if not kinds or p.kind in kinds]
        if not places:
            return None
        top = places[0]
        wanted = {c.upper() for c in countries}
        local = next((p for p in places if p.country in wanted), None)
        if local is None or local is top:
            return top
        if local.kind in ("country", "province", "region") or not self._is_major(top):
            return local
        return local if local.population * 20 >= top.population else top

    def _is_major(self, place: Place) -> bool:
        if place.kind == "country" or place.population >= MAJOR_POPULATION:
            return True
        return any(e.capital and e.place == place for e in self._entries(normalize(place.name)))

    def _entries(self, key: str) -> list[_Entry]:
        ids = self._index.get(key)
        return [self._entry(int(i)) for i in ids.split(",")] if ids else []

    def _country_by_code(self, code: str) -> Place | None:
        for i, row in enumerate(self._rows):
            if not row.startswith("country\t"):
                break
            if row.split("\t", 4)[3] == code:
                return self._entry(i).place
        return None

    def _parse(self, i: int) -> _Entry:
        kind, name, country, code, lat, lon, gid, pop, flags = self._rows[i].split("\t")
        place = Place(
            name=name,
            kind=kind,
            country=country,
            lat=float(lat) if lat else None,
            lon=float(lon) if lon else None,
            geonames_id=int(gid) if gid else None,
            population=int(pop or 0),
            code=code,
        )
        return _Entry(place, capital="C" in flags, curated="K" in flags)


def _keeps_common_word(entry: _Entry, key: str) -> bool:
    place = entry.place
    if place.kind == "country" or place.population >= MAJOR_POPULATION:
        return True
    return entry.curated and normalize(place.name) == key


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "").strip()
    return 2 <= len(letters) <= 4 and letters.isalpha() and letters.isupper()


def _word_set(text: str) -> frozenset[str]:
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _demonym_map(text: str) -> dict[str, str]:
    """Map normalised demonyms to ISO2 codes; a word listed for two countries maps to ""."""
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    out: dict[str, str] = {}
    for code, words in data.items():
        for word in words or []:
            key = normalize(word)
            out[key] = code if out.get(key, code) == code else ""
    return out


def _demonym_candidates(key: str) -> Iterator[str]:
    yield key
    words = key.split()
    while len(words) > 1 and words[-1] in _DEMONYM_SUFFIXES:
        words = words[:-1]
        yield " ".join(words)
    last = " ".join(words)
    if last.endswith("s"):
        yield last[:-1]
    if last.endswith("men"):
        yield last[:-3] + "man"


def _read(name: str) -> bytes:
    return resources.files("site_gen").joinpath("data", name).read_bytes()


@functools.cache
def _load_default() -> Gazetteer:
    table = gzip.decompress(_read("places.tsv.gz")).decode("utf-8")
    common = _read("common_words.txt").decode("utf-8")
    demonyms = _read("demonyms.yaml").decode("utf-8")
    return Gazetteer.from_text(table, common, demonyms)
