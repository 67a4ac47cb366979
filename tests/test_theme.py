"""The default theme's output, read as HTML: metadata, JSON-LD, search index, maps, timelines."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType

import pytest
from reader_site import REPO, SEED_SLUG, build_reader_site, make_reader_site

from site_gen.assemble import assemble_site
from site_gen.config import load_config
from site_gen.content import load_content
from site_gen.deps import SITE, STORIES, STORY_COUNT, TrackedSite
from site_gen.jsonld import script_json
from site_gen.mapsvg import Marker, coordinates, view_box
from site_gen.markup import MarkdownCache
from site_gen.model import Term
from site_gen.render import page_context
from site_gen.timeline import build_timeline

STATIC = REPO / "static"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_reader_site(tmp_path_factory.mktemp("theme") / "site")


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of ``<script>`` elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def meta(tags: Tags, key: str) -> str | None:
    for tag, attrs in tags.tags:
        if tag == "meta" and key in (attrs.get("name"), attrs.get("property")):
            return attrs.get("content")
    return None


def jsonld(out: Path, slug: str) -> dict:
    scripts = parse(read(out, f"stories/{slug}/index.html")).scripts
    found = [text for attrs, text in scripts if attrs.get("type") == "application/ld+json"]
    assert len(found) == 1
    return json.loads(found[0])


def test_story_metadata(out: Path) -> None:
    tags = parse(read(out, "stories/talks-in-damascus/index.html"))
    canonical = [a["href"] for t, a in tags.tags if t == "link" and a.get("rel") == "canonical"]
    assert canonical == ["https://example.org/repo/stories/talks-in-damascus/"]
    assert meta(tags, "og:url") == canonical[0]
    assert meta(tags, "og:type") == "article"
    assert meta(tags, "og:title") == "Envoys meet in Damascus as fighting goes on"
    assert meta(tags, "description") == meta(tags, "og:description")
    assert meta(
        tags,
        "description",
    ).startswith("Envoys met Assad in Damascus")
    assert meta(tags, "article:published_time") == "2019-07-02T00:00:00+00:00"


def test_news_article_json_ld(out: Path) -> None:
    data = jsonld(out, "talks-in-damascus")
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Envoys meet in Damascus as fighting goes on"
    assert data["datePublished"] == "2019-07-02T00:00:00+00:00"
    assert data["author"] == [{"@type": "Person", "name": "A. Reporter"}]
    assert data["dateline"] == "Damascus"
    assert data["sourceOrganization"]["name"] == "Wire"
    assert data["creditText"] == "Editing by B. Editor"
    places = {p["name"]: p for p in data["contentLocation"]}
    assert places["Damascus"]["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 33.51,
        "longitude": 36.29,
    }
    assert places["Syria"]["@type"] == "Country"
    about = {a["name"]: a["@type"] for a in data["about"]}
    assert about == {"Bashar al-Assad": "Person", "United Nations": "Organization"}


def test_seed_story_json_ld_is_undated_and_names_every_actor(out: Path) -> None:
    data = jsonld(out, SEED_SLUG)
    assert "datePublished" not in data
    assert data["author"] == [{"@type": "Person", "name": "Suleiman Al-Khalidi"}]
    assert len(data["about"]) == 13
    assert data["creditText"].startswith("Reporting by Suleiman Al-Khalidi")


def test_json_ld_cannot_close_its_script_element(out: Path) -> None:
    html = read(out, "stories/aid-reaches-idlib/index.html")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["description"].endswith("</script><b>not bold</b>")
    assert data["headline"] == "Aid convoy reaches Idlib <after> long delay & talks"
    assert script_json({"a": "\u2028</script>"}) == '{"a":"\\u2028\\u003c/script\\u003e"}'


def test_story_page_shows_attribution_chips_and_related(out: Path) -> None:
    html = read(out, f"stories/{SEED_SLUG}/index.html")
    for text in (
        "<dt>Agency</dt><dd>Reuters</dd>",
        "<dt>Byline</dt><dd>Suleiman Al-Khalidi</dd>",
        "<dt>Credits</dt><dd>Reporting by Suleiman Al-Khalidi",
        "<code>000_8a7e171b49463129.txt</code>",
        '<p class="caption"><span class="label">Photo caption</span> A Syrian soldier',
    ):
        assert text in html
    chips = re.findall(r'<a class="chip (\w+)" href="([^"]+)">', html.split('class="related"')[0])
    assert len([c for c in chips if c[0] == "actor"]) == 13
    assert ("place", "../../locations/humaymat/") in chips
    assert ("topic", "../../tags/armed-conflict/") in chips
    related = re.findall(r'<h3 class="item-title"><a href="../../stories/([^"/]+)/">', html)
    # Front lines shares NLF, Syrian Army, Russia, Idlib and Hama: the most in common
    assert related[0] == "front-lines-quiet"
    assert SEED_SLUG not in related


def test_source_url_is_a_link(out: Path) -> None:
    html = read(out, "stories/talks-in-damascus/index.html")
    assert '<a href="https://example.org/wire/talks.txt">' in html


def test_home_groups_stories_by_day_with_activity_and_timeline(out: Path) -> None:
    html = read(out, "index.html")
    days = re.findall(r'<h2 class="day-head" id="day-\d+"><time datetime="([\d-]+)">([^<]+)<', html)
    assert days == [
        ("2019-07-03", "Wednesday 3 July 2019"),
        ("2019-07-02", "Tuesday 2 July 2019"),
        ("2019-06-20", "Thursday 20 June 2019"),
    ]
    assert "Most active actors" in html and "20 June 2019 to 3 July 2019" in html
    assert html.count('<svg class="bars"') == 1
    assert 'aria-label="Stories over time: 5 dated stories, per day' in html
    page2 = read(out, "page/2/index.html")
    assert ">Undated</h2>" in page2 and "Most active" not in page2


def test_actor_page(out: Path) -> None:
    html = read(out, "actors/national-liberation-front/index.html")
    assert "<h1>National Liberation Front</h1>" in html
    assert '<span class="kind">group</span>' in html
    assert "Also: NLF" in html
    assert "A coalition of rebel factions backed by Turkey." in html
    assert 'href="../../actors/national-liberation-front/atom.xml">Atom feed for National' in html
    assert (out / "actors/national-liberation-front/atom.xml").exists()
    assert '<h2 id="with-actors">Actors named with National Liberation Front</h2>' in html
    with_actors = html.split('id="with-actors"')[1].split("</ol>")[0]
    assert re.findall(r">([^<]+)</a>", with_actors)[0] == "Syrian Army"  # in all 3 stories
    assert '<svg class="bars"' in html
    assert 'class="map"' not in html


def test_location_page_has_a_small_map(out: Path) -> None:
    html = read(out, "locations/idlib/index.html")
    svg = html.split('<svg class="map"')[1].split("</svg>")[0]
    assert '<image href="../../world.svg"' in svg
    assert svg.count("<circle") == 1 and 'href="../../locations/idlib/"' in svg
    assert "35.93°N, 36.63°E" in html
    assert 'class="map"' not in read(out, "locations/humaymat/index.html")


def test_locations_overview_map_and_list(out: Path) -> None:
    html = read(out, "locations/index.html")
    svg = html.split('<svg class="map"')[1].split("</svg>")[0]
    assert svg.count("<circle") == 5
    assert '<image href="../world.svg"' in svg
    hrefs = re.findall(r'<a href="([^"]+)" tabindex="-1" class="marker">', svg)
    assert sorted(hrefs) == sorted(
        f"../locations/{s}/" for s in ("amman", "damascus", "hama", "idlib", "syria")
    )
    listed = html.split('class="map-list"')[1].split("</ol>")[0]
    assert len(re.findall(r"<li><a href=", listed)) == 5
    assert "1 more place has no coordinates" in html
    assert 'class="map"' not in read(out, "actors/index.html")


def test_search_index_carries_aliases_and_written_names(out: Path) -> None:
    index = json.loads(read(out, "search.json"))
    terms = index["terms"]
    nlf = next(t for t in terms if t["n"] == "National Liberation Front")
    assert nlf["a"] == ["NLF"] and nlf["u"] == "actors/national-liberation-front/"
    seed = next(s for s in index["stories"] if s["u"] == f"stories/{SEED_SLUG}/")
    assert nlf in [terms[k] for k in seed["k"]]
    assert seed["d"] == ""
    shelling = next(s for s in index["stories"] if s["u"] == "stories/shelling-in-hama/")
    assert "w" not in shelling  # written as "NLF", an alias the term entry carries
    quiet = next(s for s in index["stories"] if s["u"] == "stories/front-lines-quiet/")
    assert quiet["w"] == ["Bashar al Assad"]  # the same name, spelt another way
    assert shelling["d"] == "2019-07-03"
    assert [s["d"] for s in index["stories"]][:4] == [
        "2019-07-03",
        "2019-07-02",
        "2019-06-20",
        "2019-06-01",
    ]


def test_search_page_works_without_inline_script(out: Path) -> None:
    html = read(out, "search/index.html")
    tags = parse(html)
    form = next(a for t, a in tags.tags if t == "form" and a.get("id") == "search-form")
    assert form["data-index"] == "../search.json" and form["data-base"] == "../"
    assert "<noscript>" in html and "needs JavaScript" in html
    assert [a.get("src") for a, _ in tags.scripts] == ["../search.js"]


def all_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_no_request_leaves_the_site_and_nothing_needs_unsafe_inline(out: Path) -> None:
    for path in all_pages(out):
        tags = parse(path.read_text(encoding="utf-8"))
        for tag, attrs in tags.tags:
            assert "style" not in attrs, (path, tag)
            assert not any(name.startswith("on") for name in attrs), (path, tag)
            for key in ("src", "href"):
                value = attrs.get(key) or ""
                if tag != "a" and attrs.get("rel") != "canonical" and value:
                    assert "//" not in value, (path, tag, value)
        for attrs, text in tags.scripts:
            assert attrs.get("type") == "application/ld+json" or (attrs.get("src") and not text)


def test_every_page_has_lang_title_description_canonical_and_one_h1(out: Path) -> None:
    for path in all_pages(out):
        html = path.read_text(encoding="utf-8")
        tags = parse(html)
        assert html.startswith('<!doctype html>\n<html lang="en">'), path
        assert meta(tags, "description"), path
        assert meta(tags, "og:title"), path
        assert html.count("<h1") == 1, path
        assert '<a class="skip" href="#main">' in html
        assert any(t == "link" and a.get("rel") == "canonical" for t, a in tags.tags), path


def test_times_carry_datetime(out: Path) -> None:
    html = read(out, "actors/national-liberation-front/index.html")
    assert '<time datetime="2019-07-03T10:00:00+00:00">3 July 2019, 10:00 UTC</time>' in html


def test_world_outline_is_small_and_credited() -> None:
    svg = (STATIC / "world.svg").read_text(encoding="utf-8")
    assert len(svg.encode()) < 150_000
    assert "Natural Earth" in svg and "public domain" in svg
    assert 'viewBox="0 0 3600 1800"' in svg


def test_css_and_js_stay_small() -> None:
    size = sum((STATIC / name).stat().st_size for name in ("style.css", "search.js"))
    assert size < 24_000, size
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    assert "prefers-color-scheme: dark" in css and "@media print" in css
    assert ":focus-visible" in css and "url(" not in css and "@import" not in css


def day(n: int) -> dt.datetime:
    return dt.datetime(2019, 7, 1, tzinfo=dt.UTC) + dt.timedelta(days=n)


def test_timeline_bins_by_day_week_or_month() -> None:
    assert build_timeline([None, None], "x") is None
    daily = build_timeline([day(0), day(0), day(2), None], "x")
    assert daily is not None and daily.unit == "day" and daily.total == 3
    assert len(daily.bins) == 14 and daily.bins[-1].start == dt.date(2019, 7, 3)
    assert [b.count for b in daily.bins[-3:]] == [2, 0, 1]
    assert "busiest: 1 July 2019 (2)" in daily.summary
    weekly = build_timeline([day(0), day(200)], "x")
    assert weekly is not None and weekly.unit == "week"
    assert weekly.bins[0].start.weekday() == 0 and sum(b.count for b in weekly.bins) == 2
    monthly = build_timeline([day(0), day(1000)], "x")
    assert monthly is not None and monthly.unit == "month"
    assert monthly.bins[0].start == dt.date(2019, 7, 1) and len(monthly.bins) == 33
    assert 'role="img"' in str(daily.svg) and "<title>1 July 2019: 2 stories</title>" in str(
        daily.svg
    )


def term(**meta: object) -> Term:
    return Term("locations", "x", "X", ("a",), meta=MappingProxyType(dict(meta)))


def test_coordinates_are_checked() -> None:
    assert coordinates(term(lat=35.9, lon=36.6)) == (35.9, 36.6)
    assert coordinates(term(lat="35.9", lon="36.6")) == (35.9, 36.6)
    assert coordinates(term(lat=95, lon=0)) is None
    assert coordinates(term(lat=True, lon=0)) is None
    assert coordinates(term(lat="north", lon=0)) is None
    assert coordinates(term()) is None


def test_view_box_stays_inside_the_world() -> None:
    x, y, w, h = view_box([Marker("Fiji", "", -17.7, 178.0, 1)])
    assert w == 240 and h == 120 and x + w <= 3600 and y >= 0
    x, y, w, h = view_box([Marker("a", "", 60, -170, 1), Marker("b", "", -40, 170, 1)])
    assert (x, w) == (0, 3600) and h == (84 + 60) * 10


def test_story_and_term_pages_do_not_depend_on_every_story(tmp_path: Path) -> None:
    """Reader features read only what they show, so one edit re-renders few pages."""
    config = load_config(make_reader_site(tmp_path / "site"))
    site = assemble_site(config, load_content(config))
    global_keys = {SITE, STORIES, STORY_COUNT}
    for page in site.pages:
        if page.kind not in ("story", "term"):
            continue
        deps: set[str] = set()
        page_context(page, TrackedSite(site, deps), MarkdownCache())  # type: ignore[arg-type]
        assert not deps & global_keys, (page.url, deps & global_keys)
