"""End to end: the fixture site built into tmp_path, checked page by page."""

import filecmp
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_gen.build import build_site
from site_gen.check import check_links, check_xml
from site_gen.errors import SiteGenError

ATOM = "{http://www.w3.org/2005/Atom}"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def built(fixture_site):
    build_site(fixture_site)
    return fixture_site / "public"


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def test_every_internal_link_resolves_and_xml_parses(built):
    assert check_links(built, "/repo/") == []
    assert check_xml(built) == []


def test_story_page_shows_everything(built):
    html = read(built, "stories/government-offensive-presses-into-idlib-province/index.html")
    assert "<h1>Government offensive presses into Idlib province</h1>" in html
    assert '<time datetime="2024-05-02T00:00:00+01:00">2 May 2024</time>' in html
    assert "By Jane Roe" in html and "AMMAN (Reuters)" in html
    assert "Smoke rises over a village." in html
    assert "<p>Forces loyal to President Bashar al-Assad pushed north on Thursday.</p>" in html
    for href in (
        "../../actors/bashar-al-assad/",
        "../../actors/russia/",
        "../../actors/national-liberation-front/",
        "../../locations/idlib/",
        "../../locations/syria/",
        "../../locations/amman/",
        "../../tags/military/",
    ):
        assert f'href="{href}"' in html, href


def test_alias_stories_listed_on_the_canonical_term(built):
    html = read(built, "actors/bashar-al-assad/index.html")
    assert "Talks in Damascus: envoys meet Assad" in html  # named as "Assad"
    assert "Government offensive presses into Idlib province" in html
    assert "President of Syria." in html and "Also: Assad, President Bashar al-Assad" in html
    moscow = read(built, "actors/russia/index.html")
    assert "Talks in Damascus" in moscow  # named as "Moscow"
    assert not (built / "actors/moscow").exists()
    assert read(built, "locations/idlib/index.html").count('class="item"') == 1


def test_spelling_variants_are_one_term_with_unicode_slugs(built):
    assert (built / "actors/al-assad/index.html").exists()
    assert "<h1>al-Assad</h1>" in read(built, "actors/al-assad/index.html")
    assert "Володимир Зеленський" in read(built, "actors/volodimir-zelenskii/index.html")
    assert (built / "locations/sao-tome/index.html").exists()


def test_term_pages_paginate_newest_first_undated_last(built):
    first, second = (
        read(built, "actors/russia/index.html"),
        read(built, "actors/russia/page/2/index.html"),
    )
    assert first.index("Talks in Damascus") < first.index("Government offensive")
    assert "Aid convoy waits at the border" in second and "Undated" in second
    assert '<a rel="prev" href="../../../../actors/russia/">' in second


def test_drafts_excluded_everywhere(built):
    for rel, data in tree(built).items():
        assert b"draft that must not" not in data, rel
        assert b"Secret Actor" not in data, rel


def test_drafts_flag_includes_them(fixture_site):
    build_site(fixture_site, drafts=True)
    assert (fixture_site / "public/stories/a-draft-that-must-not-be-published/index.html").exists()


def test_overviews_sort_by_name_and_by_count(built):
    by_name, by_count = read(built, "actors/index.html"), read(built, "actors/by-count/index.html")
    assert by_name.index("Bashar al-Assad") < by_name.index("Russia")
    assert by_count.index("Russia") < by_count.index("Bashar al-Assad")
    assert '<h2 id="letter-R">R</h2>' in by_name


def test_feeds(built):
    feed = ET.parse(built / "atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Talks in Damascus: envoys meet Assad",
        "Government offensive presses into Idlib province",
        "Strikes reported near Kyiv",
    ]  # the undated story has no place in a feed
    assert entries[0].find(f"{ATOM}id").text == (
        "https://example.github.io/repo/stories/talks-in-damascus-envoys-meet-assad/"
    )
    assert feed.find(f"{ATOM}updated").text == "2024-05-03T07:30:00+01:00"
    term_feed = ET.parse(built / "actors/russia/atom.xml").getroot()
    assert len(term_feed.findall(f"{ATOM}entry")) == 2


def test_sitemap_and_robots(built):
    sitemap = ET.parse(built / "sitemap.xml").getroot()
    locs = [u[0].text for u in sitemap]
    assert "https://example.github.io/repo/" in locs
    assert "https://example.github.io/repo/actors/russia/page/2/" in locs
    assert not any(loc.endswith("404.html") for loc in locs)
    assert "Sitemap: https://example.github.io/repo/sitemap.xml" in read(built, "robots.txt")


def test_static_copied(built):
    assert (built / "style.css").exists()


def test_failing_build_leaves_previous_output_untouched(fixture_site, built):
    before = tree(built)
    stamps = {p: p.stat().st_mtime_ns for p in built.rglob("*") if p.is_file()}
    (fixture_site / "content/stories/talks-in-damascus.md").write_text(
        "---\ntitle: Broken\ndate: 3 May\n---\n"
    )
    (fixture_site / "content/stories/new.md").write_text("---\ntitle: New story\n---\n")
    with pytest.raises(SiteGenError, match="talks-in-damascus.md:3: front matter: 'date'"):
        build_site(fixture_site)
    assert tree(built) == before
    assert {p: p.stat().st_mtime_ns for p in built.rglob("*") if p.is_file()} == stamps


def test_build_is_deterministic(fixture_site, tmp_path):
    build_site(fixture_site, out_dir=tmp_path / "one", clean=True)
    build_site(fixture_site, out_dir=tmp_path / "two", clean=True)
    compare = filecmp.dircmp(tmp_path / "one", tmp_path / "two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert not compare.diff_files


def test_second_build_writes_nothing_and_stale_pages_go(fixture_site, built):
    result = build_site(fixture_site)
    assert result.written == () and result.removed == ()
    (fixture_site / "content/stories/aid-convoy.md").unlink()
    result = build_site(fixture_site)
    assert "actors/united-nations/index.html" in result.removed
    assert not (built / "actors/united-nations").exists()
    assert not (built / "tags/humanitarian-aid").exists()


def test_base_url_override_and_warning(fixture_site, tmp_path):
    result = build_site(fixture_site, base_url="https://user.github.io/", out_dir=tmp_path / "o")
    assert result.warnings == []
    assert 'href="/style.css"' in read(tmp_path / "o", "404.html")
    (fixture_site / "sitegen.yaml").write_text("title: No base\n")
    result = build_site(fixture_site, out_dir=tmp_path / "p")
    assert result.warnings == ["base_url is not set: absolute URLs use http://localhost:8000/"]


def test_strict_fails_on_warnings_before_writing(fixture_site, tmp_path):
    (fixture_site / "sitegen.yaml").write_text("title: No base\n")
    with pytest.raises(SiteGenError, match="warnings are errors with --strict"):
        build_site(fixture_site, strict=True, out_dir=tmp_path / "strict")
    assert not (tmp_path / "strict").exists()


def test_a_render_worker_that_dies_is_a_clear_error_and_writes_nothing(fixture_site, monkeypatch):
    import os

    from site_gen import build

    build_site(fixture_site)
    before = tree(fixture_site / "public")
    (fixture_site / "templates" / "unused.html").write_text("x\n")  # every output is dirty
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)
    monkeypatch.setattr(build, "_worker_chunk", lambda job, units: os._exit(9))
    with pytest.raises(SiteGenError, match="render worker process ended without sending"):
        build_site(fixture_site, jobs=2)
    assert tree(fixture_site / "public") == before
