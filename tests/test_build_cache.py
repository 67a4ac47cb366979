"""The build cache: what a warm build skips, and that it never serves stale or broken output."""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
from array import array
from pathlib import Path

import pytest
from markupsafe import Markup

from site_gen.build import CACHE_DIR, build_site
from site_gen.cache import (
    SCAN_LIMIT,
    BuildState,
    OutputRecord,
    PackedDeps,
    _pack,
    _savable,
    _unpack,
    outputs_reading,
    source_stamps,
)
from site_gen.content import story_body
from site_gen.deps import (
    KeyNames,
    TrackedSite,
    model_digests,
    story_head_key,
    story_key,
    story_terms_key,
    term_key,
)
from site_gen.errors import SiteGenError
from site_gen.model import first_paragraph

STORY = "content/stories/talks-in-damascus.md"
STORY_PAGE = "stories/talks-in-damascus-envoys-meet-assad/index.html"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def age(root: Path) -> None:
    """Date every source an hour back, so stamps are trusted (see cache.RACY_NS)."""
    old = 1_600_000_000
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))


@pytest.fixture
def built(fixture_site: Path) -> Path:
    age(fixture_site)
    build_site(fixture_site)
    return fixture_site


def test_no_op_build_renders_and_writes_nothing(built: Path) -> None:
    stamps = {p: p.stat().st_mtime_ns for p in (built / "public").rglob("*")}
    result = build_site(built)
    assert (result.rendered, result.written, result.removed) == (0, (), ())
    assert {p: p.stat().st_mtime_ns for p in (built / "public").rglob("*")} == stamps


def test_cache_folder_is_git_ignored_and_safe_to_delete(built: Path) -> None:
    cache = built / CACHE_DIR
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    before = tree(built / "public")
    shutil.rmtree(cache)
    result = build_site(built)
    assert result.written == ()  # every page rendered again, to the same bytes
    assert tree(built / "public") == before


def test_corrupt_cache_files_are_ignored(built: Path) -> None:
    before = tree(built / "public")
    for path in (built / CACHE_DIR).rglob("*"):
        if path.is_file() and path.name != ".gitignore":
            path.write_bytes(b"not a cache")
    build_site(built)
    assert tree(built / "public") == before


def test_clean_rewrites_every_file(built: Path) -> None:
    result = build_site(built, clean=True)
    assert result.rendered > 0
    assert len(result.written) == len(tree(built / "public"))


def test_a_deleted_or_altered_output_is_restored(built: Path) -> None:
    page = built / "public" / STORY_PAGE
    good = page.read_bytes()
    page.write_bytes(b"vandalised")
    (built / "public" / "atom.xml").unlink()
    result = build_site(built)
    assert set(result.written) == {STORY_PAGE, "atom.xml"}
    assert page.read_bytes() == good


def test_files_not_built_are_removed_on_a_first_build(fixture_site: Path) -> None:
    stray = fixture_site / "public" / "old" / "index.html"
    stray.parent.mkdir(parents=True)
    stray.write_text("old")
    result = build_site(fixture_site)
    assert "old/index.html" in result.removed
    assert not stray.parent.exists()


def test_failed_render_writes_nothing_and_keeps_the_cache_usable(built: Path) -> None:
    before = tree(built / "public")
    (built / STORY).write_text((built / STORY).read_text() + "\nMore.\n")
    template = built / "templates" / "story.html"
    template.parent.mkdir(exist_ok=True)
    template.write_text("{{ no_such_variable }}")
    with pytest.raises(SiteGenError, match="no_such_variable"):
        build_site(built)
    assert tree(built / "public") == before
    assert not (built / "public" / ".sitegen-staging").exists()
    template.unlink()
    result = build_site(built)
    assert STORY_PAGE in result.written
    assert b"More." in (built / "public" / STORY_PAGE).read_bytes()


def test_same_size_edit_within_the_clock_tick_is_seen(fixture_site: Path) -> None:
    build_site(fixture_site)
    path = fixture_site / STORY
    stat = path.stat()
    path.write_text(path.read_text().replace("Envoys met", "Envoys saw"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    build_site(fixture_site)
    assert b"Envoys saw" in (fixture_site / "public" / STORY_PAGE).read_bytes()


def test_state_kept_in_memory_skips_the_disk_cache(built: Path, tmp_path: Path) -> None:
    state = BuildState()
    out = tmp_path / "serve"
    first = build_site(built, out_dir=out, state=state)
    assert first.rendered > 0 and state.outputs
    (built / STORY).write_text((built / STORY).read_text() + "\nLater.\n")
    second = build_site(built, out_dir=out, state=state)
    assert STORY_PAGE in second.written and second.rendered < first.rendered
    assert build_site(built, out_dir=out, state=state).written == ()


def test_private_output_folder_is_trusted_until_it_is_replaced(built: Path, tmp_path: Path) -> None:
    """Serve's state skips the stat of every output, but not a deleted or replaced folder."""
    state = BuildState(private_output=True)
    out = tmp_path / "serve"
    first = build_site(built, out_dir=out, state=state)
    assert build_site(built, out_dir=out, state=state).rendered == 0
    shutil.rmtree(out)
    again = build_site(built, out_dir=out, state=state)
    assert again.rendered == first.rendered and (out / STORY_PAGE).is_file()
    build_site(built, out_dir=tmp_path / "clean", clean=True)
    assert tree(out) == tree(tmp_path / "clean")


def test_tracked_site_records_each_read(built: Path) -> None:
    from site_gen.assemble import assemble_site
    from site_gen.config import load_config
    from site_gen.content import load_content

    config = load_config(built)
    site = assemble_site(config, load_content(config))
    deps: set[str] = set()
    tracked = TrackedSite(site, deps)
    story = tracked.story("talks-in-damascus-envoys-meet-assad")
    terms = tracked.story_terms[story.slug]
    tracked.term("actors", terms["actors"][0])
    assert len(tracked.stories) == len(site.stories)
    assert deps == {
        story_key(story.slug),
        story_terms_key(story.slug),
        term_key("actors", terms["actors"][0]),
        "story-count",
    }
    assert deps <= set(model_digests(site))
    list(tracked.stories)
    assert "stories" in deps
    head = tracked.story_head(story.slug)
    assert story_head_key(story.slug) in deps <= set(model_digests(site))
    assert (head.body, head.digest, head.title, head.terms) == ("", "", story.title, story.terms)
    assert head.opening == first_paragraph(story_body(story))


def test_a_story_head_digest_covers_every_field_but_the_body(tmp_path: Path) -> None:
    from site_gen.config import load_config
    from site_gen.content import parse_story

    config = load_config(tmp_path)
    text = "---\ntitle: A\nsummary: S\nactors: [X]\n---\n\nFirst one.\n\nSecond.\n"
    path = tmp_path / "a.md"

    def head_digest(source: str) -> str:
        return parse_story(source, path, config, keep_body=False).head_digest

    same = head_digest(text)
    assert head_digest(text.replace("Second.", "Second, edited.")) == same
    for old, new in [("First one", "First, edited"), ("S\n", "T\n"), ("[X]", "[Y]"), ("A", "B")]:
        assert head_digest(text.replace(old, new, 1)) != same, (old, new)
    story = parse_story(text, path, config)  # body kept: the same head
    assert story.head_digest == same and story.head.opening == "First one."
    assert "head" not in pickle.loads(pickle.dumps(story)).__dict__


def test_unchanged_sources_and_outputs_skip_the_whole_build(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_gen import build, cache

    monkeypatch.setattr(cache, "RACY_NS", 0)
    build_site(built)  # records the sources' stamps

    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("content was loaded")

    monkeypatch.setattr(build, "load_content", no_loading)
    result = build_site(built)
    assert (result.written, result.rendered) == ((), 0) and result.pages > 0
    (built / "public" / "atom.xml").unlink()  # a missing output needs the real build
    with pytest.raises(AssertionError, match="content was loaded"):
        build_site(built)


def test_outputs_reading_finds_exactly_the_outputs_that_read_a_key() -> None:
    """The buffer search agrees with testing each output, including ids whose bytes could
    be found straddling two neighbouring ids."""
    rng = random.Random(7)
    records = {
        f"out{n}": OutputRecord(
            None, array("I", rng.sample(range(1000, 3000), rng.randint(0, 30))), b"", 0, 0
        )
        for n in range(1500)
    }
    records["edge"] = OutputRecord(None, array("I", [0x01000000, 0x00000002]), b"", 0, 0)
    for _ in range(100):
        ids = set(rng.sample(range(1000, 3000), rng.randint(0, SCAN_LIMIT + 20)))
        expected = {out for out, r in records.items() if not ids.isdisjoint(r.deps)}
        assert outputs_reading(records, ids) == expected
    assert outputs_reading(records, {0x00000201}) == set()  # only across the two edge ids
    assert outputs_reading(records, {2}) == {"edge"}


def test_packed_records_load_as_saved_and_are_searched_in_place() -> None:
    """Records saved as columns load equal to what was saved; searching the loaded buffer
    agrees with testing each output, also after records were replaced, added or removed."""
    rng = random.Random(11)
    saved = {
        f"out{n}": OutputRecord(
            rng.randbytes(16),
            array("I", rng.sample(range(1000, 3000), rng.randint(0, 30))),
            rng.randbytes(32),
            rng.randint(0, 10**6),
            rng.randint(0, 2**62),
        )
        for n in range(800)
    }
    records, packed = _unpack(pickle.loads(pickle.dumps(_pack(saved))))
    assert records == saved and list(records) == list(saved)
    assert all(list(records[k].deps) == list(saved[k].deps) for k in saved)
    assert isinstance(packed, PackedDeps) and not packed.replaced
    changed = {"out3": array("I", [1500, 2500]), "out9": array("I"), "new": array("I", [1200])}
    for out, deps in changed.items():
        records[out] = OutputRecord(b"", deps, b"", 0, 0)
    del records["out5"]
    packed.replaced.update([*changed, "out5"])
    for _ in range(60):
        ids = set(rng.sample(range(1000, 3000), rng.randint(0, SCAN_LIMIT + 20)))
        expected = {out for out, r in records.items() if not ids.isdisjoint(r.deps)}
        assert outputs_reading(records, ids, packed) == expected
    assert outputs_reading(records, {1200}, packed) >= {"new"}
    loaded = next(iter(saved))  # a record as loaded (ids viewed in the buffer) still saves
    assert pickle.loads(pickle.dumps(_savable(records[loaded]))) == tuple(saved[loaded])


def test_story_slugs_never_collide_with_kept_search_data(built: Path) -> None:
    """A story whose slug is ``terms`` gets its own search entry, build after build."""
    story = built / "content" / "stories" / "terms.md"
    story.write_text("---\ntitle: Terms\ndate: 2019-07-01\nslug: terms\n---\nFirst.\n")
    build_site(built)
    story.write_text(story.read_text() + "\nSecond.\n")
    build_site(built)
    index = json.loads((built / "public" / "search.json").read_text(encoding="utf-8"))
    assert [s["t"] for s in index["stories"]].count("Terms") == 1
    assert index["terms"] and all("n" in t for t in index["terms"])


def test_replayed_reads_as_ids_match_the_keys_read(built: Path) -> None:
    """A build keeps the reads that cards and feed entries replay as key ids; every page
    gets exactly the ids of the keys it reads when nothing is replayed as ids."""
    from site_gen.assemble import assemble_site
    from site_gen.config import load_config
    from site_gen.content import load_content
    from site_gen.markup import MarkdownCache
    from site_gen.render import make_env, render_page

    config = load_config(built)
    env = make_env(built)
    by_keys = assemble_site(config, load_content(config))
    by_ids = assemble_site(config, load_content(config))
    key_ids = {key: n for n, key in enumerate(sorted(model_digests(by_keys)))}
    replayed = 0
    for page, same in zip(by_keys.pages, by_ids.pages, strict=True):
        keys: set[str] = set()
        render_page(env, page, TrackedSite(by_keys, keys), MarkdownCache())
        tracked = TrackedSite(by_ids, set(), KeyNames.of(key_ids))
        render_page(env, same, tracked, MarkdownCache())
        replayed += len(tracked._replayed)
        ids = tracked.read_ids()
        assert len(ids) == len(set(ids))
        assert set(ids) == {key_ids[key] for key in keys}, page.url
    assert replayed > 0  # story cards were replayed as ids


def test_escape_and_markup_agree_with_markupsafe() -> None:
    import markupsafe

    from site_gen.render import escape, markup

    class Html:
        def __html__(self) -> str:
            return "<b>x</b>"

    values = ['a < b & "c"', "plain", "", Markup("<i>kept</i>"), 7, -3, True, None, 2.5, Html()]
    for value in values:
        got = escape(value)
        assert type(got) is Markup and got == markupsafe.escape(value), value
        made = markup(value)
        assert type(made) is Markup and made == Markup(value), value


def test_markdown_store_finds_saved_entries_whether_or_not_it_started_empty(
    tmp_path: Path,
) -> None:
    from site_gen.cache import MarkdownStore

    path = tmp_path / "markdown.sqlite"
    first = MarkdownStore(path, "salt")
    with pytest.raises(KeyError):
        first["a"]  # opened empty: nothing to find
    first["a"] = "<p>a</p>"
    first.save()
    assert first["a"] == "<p>a</p>"  # saved since: looked up again
    second = MarkdownStore(path, "salt")
    assert second["a"] == "<p>a</p>"
    with pytest.raises(KeyError):
        second["b"]
    assert MarkdownStore(path, "other salt").get("a") is None  # a new salt starts afresh


def test_source_stamps_cover_the_files_os_walk_finds(tmp_path: Path) -> None:
    """Every file, nested or linked, with its stamp; links to folders are not followed and
    missing folders have no files."""
    content = tmp_path / "content"
    (content / "stories" / "deep").mkdir(parents=True)
    (content / "stories" / "a.md").write_text("a")
    (content / "stories" / "deep" / "b.md").write_text("bb")
    (content / "link.md").symlink_to(content / "stories" / "a.md")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "c.md").write_text("c")
    (content / "linked-folder").symlink_to(elsewhere, target_is_directory=True)
    expected = {}
    for base, _dirs, files in os.walk(content):
        for name in files:
            st = os.stat(os.path.join(base, name))
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
            expected[os.path.join(base, name)] = stamp
    stamps = source_stamps([content, tmp_path / "missing"])
    assert stamps == expected
    assert set(stamps) == {
        str(content / "stories" / "a.md"),
        str(content / "stories" / "deep" / "b.md"),
        str(content / "link.md"),
    }
