from pathlib import Path

from site_gen.config import DEFAULT_TAXONOMIES
from site_gen.model import Dateline, Story, TermFile
from site_gen.taxonomy import build_taxonomy

ACTORS = DEFAULT_TAXONOMIES[2]


def story(slug: str, *actors: str) -> Story:
    return Story(
        path=Path(f"{slug}.md"), slug=slug, title=slug, date=None, has_time=False, summary="",
        byline=(), dateline=Dateline(), caption="", terms={"actors": actors}, source="",
        draft=False, body="", digest=slug,
    )  # fmt: skip


def term_file(slug: str, name: str | None = None, *aliases: str) -> TermFile:
    return TermFile(Path(f"content/actors/{slug}.md"), "actors", slug, name, aliases, "", slug)


def build(stories, files=(), warnings=None):
    warnings = [] if warnings is None else warnings
    return build_taxonomy(ACTORS, stories, files, warnings)


def test_spellings_that_normalise_alike_are_one_term():
    tax, per_story = build([story("a", "al-Assad"), story("b", "Al Assad"), story("c", "AL-ASSAD")])
    assert [(t.slug, t.stories) for t in tax.terms] == [("al-assad", ("a", "b", "c"))]
    assert per_story == {"a": ("al-assad",), "b": ("al-assad",), "c": ("al-assad",)}


def test_display_name_is_most_frequent_then_first_seen():
    tax, _ = build([story("a", "Al Assad"), story("b", "al-Assad"), story("c", "al-Assad")])
    assert tax.terms[0].name == "al-Assad"
    tax, _ = build([story("a", "Al Assad"), story("b", "al-Assad")])
    assert tax.terms[0].name == "Al Assad"


def test_leading_the_and_diacritics():
    tax, _ = build([story("a", "The Falcon Brigade"), story("b", "Falcon Brigade", "Sao Tome"),
                    story("c", "São Tomé")])  # fmt: skip
    assert {t.slug: len(t.stories) for t in tax.terms} == {"sao-tome": 2, "falcon-brigade": 2}


def test_aliases_from_term_files_join_the_canonical_term():
    files = [term_file("bashar-al-assad", "Bashar al-Assad", "Assad", "President Bashar al-Assad")]
    tax, per_story = build([story("a", "Assad"), story("b", "President Bashar al-Assad")], files)
    assert [(t.slug, t.name, t.stories) for t in tax.terms] == [
        ("bashar-al-assad", "Bashar al-Assad", ("a", "b"))
    ]
    assert tax.terms[0].aliases == ("Assad", "President Bashar al-Assad")
    assert per_story["a"] == ("bashar-al-assad",)


def test_term_file_found_by_its_slug_without_a_name():
    tax, _ = build([story("a", "Russia")], [term_file("russia", None, "Moscow")])
    assert tax.terms[0].name == "Russia"
    tax, _ = build([story("a", "Moscow")], [term_file("russia", None, "Moscow")])
    assert [(t.slug, t.name) for t in tax.terms] == [("russia", "Moscow")]


def test_term_file_name_overrides_spelling():
    tax, _ = build([story("a", "russia")], [term_file("russia", "Russian Federation")])
    assert tax.terms[0].name == "Russian Federation"


def test_slug_clash_gets_suffix_and_warning():
    warnings: list[str] = []
    tax, per_story = build([story("a", "C++"), story("b", "C")], warnings=warnings)
    assert sorted(t.slug for t in tax.terms) == ["c", "c-2"]
    assert per_story["a"] != per_story["b"]
    assert warnings == ["actors: 'C' and 'C++' share the slug 'c'; 'C++' gets 'c-2'"]


def test_non_latin_names_get_transliterated_slugs():
    tax, _ = build([story("a", "Володимир Зеленський"), story("b", "بشار الأسد")])
    assert all(t.slug and t.slug.isascii() for t in tax.terms)
    assert "volodimir-zelenskii" in {t.slug for t in tax.terms}


def test_alias_claimed_by_two_files_warns():
    warnings: list[str] = []
    files = [term_file("russia", "Russia", "Moscow"), term_file("moscow", "Moscow")]
    build([story("a", "Moscow")], files, warnings)
    assert len(warnings) == 1 and "'Moscow' is also a name of" in warnings[0]


def test_a_story_naming_a_term_twice_is_listed_once():
    tax, per_story = build(
        [story("a", "Assad", "al Assad")], [term_file("assad", "Assad", "al Assad")]
    )
    assert tax.terms[0].stories == ("a",) and per_story["a"] == ("assad",)
