import datetime as dt
import os
import pickle
from pathlib import Path

import pytest

from site_gen import content
from site_gen.config import load_config
from site_gen.content import (
    load_content,
    parse_page,
    parse_story,
    parse_term_file,
    story_body,
)
from site_gen.errors import BuildErrors, SourceError
from site_gen.forked import ForkedCall, ForkedMap
from site_gen.frontmatter import body_of, split_front_matter

P = Path("content/stories/x.md")


@pytest.fixture
def config(tmp_path):
    (tmp_path / "sitegen.yaml").write_text("timezone: Europe/London\n")
    return load_config(tmp_path)


def errors_of(exc: pytest.ExceptionInfo) -> list[str]:
    value = exc.value
    return [str(e) for e in getattr(value, "errors", [value])]


class TestFrontMatter:
    def test_splits_and_records_key_lines(self):
        fm = split_front_matter("---\ntitle: A\n\nsummary: B\n---\nBody\n", P)
        assert fm.data == {"title": "A", "summary": "B"}
        assert fm.lines == {"title": 2, "summary": 4}
        assert fm.body == "Body\n"

    def test_bom_and_crlf(self):
        fm = split_front_matter("\ufeff---\r\ntitle: A\r\n---\r\nBody", P)
        assert fm.data == {"title": "A"} and fm.body == "Body"

    def test_missing_front_matter(self):
        with pytest.raises(SourceError) as info:
            split_front_matter("title: A\n", P)
        assert str(info.value) == f"{P}:1: no front matter: the file must start with a '---' line"

    def test_unclosed(self):
        with pytest.raises(SourceError, match="front matter is not closed"):
            split_front_matter("---\ntitle: A\n", P)

    def test_yaml_error_line_is_the_file_line(self):
        text = "---\ntitle: A\nsummary: B\ntags: [a, b\nactors: []\n---\n"
        with pytest.raises(SourceError) as info:
            split_front_matter(text, P)
        assert info.value.line == 5
        assert str(info.value).startswith(f"{P}:5: front matter: invalid YAML:")

    def test_unquoted_colon_in_a_title_is_an_error_not_silence(self):
        with pytest.raises(SourceError) as info:
            split_front_matter("---\ntitle: Syria: rebels say: more\n---\n", P)
        assert info.value.line == 2

    def test_yaml_is_loaded_safely(self):
        text = "---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n"
        with pytest.raises(SourceError, match="invalid YAML"):
            split_front_matter(text, P)


class TestParseStory:
    def test_full_story(self, config):
        text = (
            "---\ntitle: Talks\ndate: 2024-05-03T09:30:00+03:00\nbyline: [A, B]\n"
            "dateline: {place: Amman, agency: Reuters}\ntags: [diplomacy]\n"
            "actors: [Assad, Assad]\ncredits: Reporting by X\n---\nBody text.\n"
        )
        story = parse_story(text, P, config)
        assert story.slug == "talks"
        assert story.date == dt.datetime(2024, 5, 3, 6, 30, tzinfo=dt.UTC)
        assert story.date.isoformat() == "2024-05-03T07:30:00+01:00"
        assert story.date.tzinfo == config.tzinfo and story.has_time
        assert story.byline == ("A", "B")
        assert story.dateline.place == "Amman" and story.dateline.agency == "Reuters"
        assert story.terms == {"tags": ("diplomacy",), "locations": (), "actors": ("Assad",)}
        assert story.extra == {"credits": "Reporting by X"}
        assert story.body == "Body text.\n"
        assert len(story.digest) == 64

    def test_date_only_is_midnight_in_site_zone(self, config):
        story = parse_story("---\ntitle: T\ndate: 2019-07-04\n---\n", P, config)
        assert story.date.isoformat() == "2019-07-04T00:00:00+01:00" and not story.has_time

    def test_quoted_date_and_null_date(self, config):
        assert parse_story("---\ntitle: T\ndate: '2019-07-04'\n---\n", P, config).date
        story = parse_story("---\ntitle: T\ndate: null\n---\n", P, config)
        assert story.date is None

    def test_every_error_with_its_line(self, config):
        text = (
            "---\nslug: ../../x\ndate: 19 July\nsummary: fine\ntags: armed conflict\n"
            "byline: [ok]\ndraft: maybe\ndateline: Amman\n---\nBody\n"
        )
        with pytest.raises(BuildErrors) as info:
            parse_story(text, P, config)
        assert errors_of(info) == [
            f"{P}:1: front matter: 'title' is required",
            f"{P}:2: front matter: 'slug' must be lower-case letters, digits and hyphens, "
            "got '../../x'",
            f"{P}:3: front matter: 'date' must be an ISO date (2019-07-04) or a datetime with "
            "offset (2019-07-04T09:30:00+03:00), got '19 July'",
            f"{P}:5: front matter: 'tags' must be a list, got text 'armed conflict'",
            f"{P}:8: front matter: 'dateline' must be a mapping with 'place' and 'agency'",
            f"{P}:7: front matter: 'draft' must be true or false, got text 'maybe'",
        ]

    def test_list_of_mappings_is_an_error(self, config):
        with pytest.raises(SourceError) as info:
            parse_story("---\ntitle: T\nactors:\n  - {name: X}\n---\n", P, config)
        assert str(info.value) == (
            f"{P}:3: front matter: 'actors' must be a list of names, got a mapping in it"
        )

    def test_title_must_be_text(self, config):
        with pytest.raises(SourceError, match="'title' must be text, got a list"):
            parse_story("---\ntitle: [a]\n---\n", P, config)


def test_term_file_without_front_matter(tmp_path):
    term = parse_term_file("Just a description.\n", Path("content/actors/x.md"), "actors")
    assert term.slug == "x" and term.name is None and term.description == "Just a description."


def test_term_file_name_must_be_a_slug():
    with pytest.raises(SourceError, match="term file name must be a slug such as 'bad-name.md'"):
        parse_term_file("---\nname: X\n---\n", Path("content/actors/Bad Name.md"), "actors")


def test_page_slug_defaults_to_file_name():
    page = parse_page("---\ntitle: About us\n---\nHi\n", Path("content/pages/About.md"))
    assert page.slug == "about" and page.title == "About us"


def test_load_content_collects_errors_from_every_file(fixture_site):
    stories = fixture_site / "content" / "stories"
    (stories / "bad1.md").write_text("---\ntitle: A\ndate: nope\n---\n")
    (stories / "bad2.md").write_text("no front matter\n")
    (fixture_site / "content" / "actors" / "bad3.md").write_text("---\naliases: Assad\n---\n")
    with pytest.raises(BuildErrors) as info:
        load_content(load_config(fixture_site))
    messages = errors_of(info)
    assert len(messages) == 3
    assert messages[0].endswith(
        "bad1.md:3: front matter: 'date' must be an ISO date (2019-07-04) "
        "or a datetime with offset (2019-07-04T09:30:00+03:00), got 'nope'"
    )
    assert messages[1].endswith("bad2.md:1: no front matter: the file must start with a '---' line")
    assert messages[2].endswith(
        "bad3.md:2: front matter: 'aliases' must be a list, got text 'Assad'"
    )


def test_non_utf8_story_is_an_error(fixture_site):
    (fixture_site / "content" / "stories" / "latin1.md").write_bytes(b"---\ntitle: Caf\xe9\n---\n")
    with pytest.raises(SourceError, match=r"latin1.md:2: not valid UTF-8 text"):
        load_content(load_config(fixture_site))


def test_loaded_stories_read_their_bodies_again_from_the_file(tmp_path, config):
    """Stories loaded from disk keep only their first paragraph in memory; the body is read
    again (checked against the parsed file's digest) when a page needs it."""
    stories = tmp_path / "content" / "stories"
    stories.mkdir(parents=True)
    path = stories / "a.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nFirst \\*para.\r\n\r\nSecond.\r\n")
    (story,) = load_content(config).stories
    assert story.body is None and story.opening == "First *para."
    assert story_body(story) == "First \\*para.\n\nSecond.\n"
    path.write_text("---\ntitle: A\n---\nEdited since.\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"a.md: changed during the build: build again"):
        story_body(story)


def test_body_of_matches_split_front_matter():
    for text in (
        "---\ntitle: A\n---\nBody\n",
        "No fence\nat all\n",
        "\ufeff---\r\nx: 1\r\n...\r\nB",
    ):
        assert body_of(text) == split_front_matter(text, P, required=False).body


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked parsing needs os.fork")
def test_a_forked_helper_parses_half_the_stories_to_the_same_content(fixture_site, monkeypatch):
    monkeypatch.setattr(content, "PARALLEL_PARSE", 2)
    config = load_config(fixture_site)
    serial = load_content(config, jobs=1)
    parallel = load_content(config, jobs=2)
    assert len(serial.stories) >= 4
    assert parallel == serial


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked parsing needs os.fork")
def test_errors_in_the_helpers_half_are_reported_as_in_a_serial_parse(fixture_site, monkeypatch):
    monkeypatch.setattr(content, "PARALLEL_PARSE", 2)
    stories = fixture_site / "content" / "stories"
    (stories / "zz-bad.md").write_text("---\ntitle: A\ndate: nope\n---\n")  # last: the helper's
    with pytest.raises(SourceError) as serial:
        load_content(load_config(fixture_site), jobs=1)
    with pytest.raises(SourceError) as parallel:
        load_content(load_config(fixture_site), jobs=2)
    assert str(parallel.value) == str(serial.value)
    assert "zz-bad.md:3: front matter: 'date' must be an ISO date" in str(parallel.value)


def test_forked_map_leaves_out_what_failed_and_never_waits_for_other_items():
    def half(n: int) -> float:
        if n == 3:
            raise ValueError("three")
        return n / 2

    with ForkedMap(half, [2, 3, 4]) as helper:
        assert helper.get(9, "mine") == "mine"  # not the helper's: answered at once
        assert helper.get(2) == 1.0
        assert helper.get(3, "again") == "again"  # failed there: the caller does it itself
        assert helper.get(4) == 2.0


def test_a_parsed_story_pickles_with_its_path_and_cached_outline(tmp_path, config):
    stories = tmp_path / "content" / "stories"
    stories.mkdir(parents=True)
    (stories / "a.md").write_text("---\ntitle: A\ntags: [x]\n---\nBody.\n", encoding="utf-8")
    (story,) = load_content(config).stories
    outline = story.outline
    loaded = pickle.loads(pickle.dumps(story))
    assert loaded == story and isinstance(loaded.path, Path)
    assert loaded.__dict__["outline"] == outline  # not worked out again


def test_a_forked_call_returns_the_value_or_raises_the_exception_of_its_process():
    with ForkedCall(divmod, 7, 2) as call:
        assert call.result() == (3, 1)
    with ForkedCall(divmod, 7, 0) as call, pytest.raises(ZeroDivisionError):
        call.result()


@pytest.mark.parametrize(
    "block",
    [
        "title: Talks\ntags: [a, b]\nextra: {k: [1, {x: y}]}",
        "date: 2019-07-04\nat: 2019-07-04T10:00:00+03:00\nok: yes\nnone: ~\nn: 1.5\ns: '1'",
        "a: &x [1, *x]",  # a list that contains itself
        "a: &r {b: *r}",
        "<<: {a: 1}\nb: 2",  # a merge key
        "1: one\n2: two",  # keys that are not text
        "a: !!set {x, y}",
        "dup: 1\ndup: 2",
        "a: &s text\nb: *s",
        "a: &l [1, 2]\nb: *l",  # one list, named twice
        "tags: !!seq war, peace",  # a list tag on text: an error
        "extra: !!map a",
        "n: !!int '7'\nf: !!float '1.5'\ns: !!str 7\nb: !!binary aGk=",
    ],
)
def test_front_matter_values_are_what_the_yaml_constructor_gives(block: str) -> None:
    """Front matter is built by a short path for plain text, lists and mappings, and by
    PyYAML's constructor for anything else; both give the same values."""
    import yaml

    from site_gen.frontmatter import split_front_matter

    try:
        want = yaml.load(block, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        with pytest.raises(SourceError, match="invalid YAML"):
            split_front_matter(f"---\n{block}\n---\nBody", Path("s.md"))
        return
    got = split_front_matter(f"---\n{block}\n---\nBody", Path("s.md")).data
    assert repr(got) == repr({str(k): v for k, v in want.items()})
    if block.startswith("a: &l"):  # an alias shares the value, as PyYAML does
        assert got["a"] is got["b"]


def test_front_matter_aliases_do_not_multiply() -> None:
    """Nested aliases are shared, as PyYAML shares them, not copied (a few lines must not
    expand into billions of values)."""
    from site_gen.frontmatter import split_front_matter

    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 7)]
    data = split_front_matter("---\n" + "\n".join(lines) + "\n---\n", Path("s.md")).data
    assert data["a6"][0] is data["a5"] and data["a1"][0] is data["a0"]
