"""Incremental builds equal clean builds, byte for byte, through a sequence of edits.

After every edit the site is built incrementally (with the cache from the previous build,
either from disk as ``sitegen build`` does or kept in memory as ``sitegen serve`` does)
and from scratch (``clean=True``) into another folder; the two folders must be identical.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from site_gen import build, cache
from site_gen.build import build_site
from site_gen.cache import BuildState
from site_gen.render import theme_dir

DATA = Path(__file__).parent / "data" / "site"
PLACES = ("Aleppo", "Homs", "Idlib", "Damascus", "Latakia", "Deir ez-Zor")
ACTORS = ("Syrian Army", "Russia", "Turkey", "United Nations", "Kurdish Forces", "Bashar al-Assad")
TAGS = ("armed conflict", "diplomacy", "humanitarian aid")


class Clock:
    """Gives every write a distinct, old modification time, as edits minutes apart have."""

    def __init__(self, start: int = 1_700_000_000) -> None:
        self.now = start

    def touch(self, path: Path) -> None:
        self.now += 60
        os.utime(path, (self.now, self.now))


def story_text(n: int) -> str:
    """A generated story naming places, actors and tags in rotation."""
    places = [PLACES[(n + k) % len(PLACES)] for k in range(2)]
    actors = [ACTORS[(n * 2 + k) % len(ACTORS)] for k in range(3)]
    return (
        "---\n"
        f"title: Generated report number {n}\n"
        f"date: 2024-04-{n % 27 + 1:02d}\n"
        f"summary: Summary of report {n}.\n"
        f"tags: [{TAGS[n % len(TAGS)]}]\n"
        f"locations: [{', '.join(places)}]\n"
        f"actors: [{', '.join(actors)}]\n"
        "---\n\n"
        f"Paragraph one of report {n} about {actors[0]}.\n\n"
        f"Paragraph two, from {places[0]}.\n"
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(DATA, site)
    for n in range(14):
        (site / "content" / "stories" / f"generated-{n:02d}.md").write_text(
            story_text(n), encoding="utf-8"
        )
    clock = Clock(start=1_600_000_000)
    for path in sorted(site.rglob("*")):
        if path.is_file():
            clock.touch(path)
    return site


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def replace(path: Path, old: str, new: str, clock: Clock) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    clock.touch(path)


def write(path: Path, text: str, clock: Clock) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    clock.touch(path)


Edit = Callable[[Path, Clock], None]
STORIES = "content/stories"


def edit_body(root: Path, clock: Clock) -> None:
    replace(root / STORIES / "talks-in-damascus.md", "in Damascus.", "in Damascus today.", clock)


def edit_last_paragraph(root: Path, clock: Clock) -> None:
    path = root / STORIES / "generated-04.md"
    replace(path, "Paragraph two, from", "Paragraph two, filed late from", clock)


def edit_first_paragraph(root: Path, clock: Clock) -> None:
    path = root / STORIES / "generated-04.md"
    replace(path, "Paragraph one of report 4", "The opening of report 4", clock)


def edit_summary(root: Path, clock: Clock) -> None:
    replace(root / STORIES / "generated-06.md", "summary: Summary of", "summary: Gist of", clock)


def add_tag(root: Path, clock: Clock) -> None:
    old = "tags: [humanitarian aid]"
    replace(root / STORIES / "aid-convoy.md", old, "tags: [humanitarian aid, refugees]", clock)


def remove_tag(root: Path, clock: Clock) -> None:
    replace(root / STORIES / "talks-in-damascus.md", "tags: [diplomacy]", "tags: []", clock)


def rename_actor(root: Path, clock: Clock) -> None:
    replace(root / STORIES / "generated-03.md", "Syrian Army", "Syrian Arab Army", clock)


def add_alias(root: Path, clock: Clock) -> None:
    path = root / "content/actors/russia.md"
    replace(path, "aliases: [Moscow, Russians]", "aliases: [Moscow, Russians, Turkey]", clock)


def edit_term_description(root: Path, clock: Clock) -> None:
    write(root / "content/locations/aleppo.md", "---\nname: Aleppo\n---\nA city.\n", clock)


def change_date(root: Path, clock: Clock) -> None:
    replace(root / STORIES / "generated-05.md", "date: 2024-04-06", "date: 2024-06-30", clock)


def delete_story(root: Path, clock: Clock) -> None:
    (root / STORIES / "generated-07.md").unlink()


def add_story(root: Path, clock: Clock) -> None:
    write(root / STORIES / "late-addition.md", story_text(41).replace("41", "forty-one"), clock)


def make_draft(root: Path, clock: Clock) -> None:
    replace(root / STORIES / "generated-09.md", "---\n\n", "draft: true\n---\n\n", clock)


def change_template(root: Path, clock: Clock) -> None:
    source = (theme_dir("templates") / "story.html").read_text(encoding="utf-8")
    edited = source.replace("</article>", "</article><!-- edited -->")
    write(root / "templates/story.html", edited, clock)


def change_config(root: Path, clock: Clock) -> None:
    replace(root / "sitegen.yaml", "title: Test Briefing", "title: Renamed Briefing", clock)


def change_static(root: Path, clock: Clock) -> None:
    write(root / "static/extra.css", "body { color: black; }\n", clock)


def edit_standalone_page(root: Path, clock: Clock) -> None:
    path = root / "content/pages/about.md"
    write(path, path.read_text(encoding="utf-8") + "\nOne more line.\n", clock)


EDITS: tuple[Edit, ...] = (
    edit_body,
    edit_last_paragraph,
    edit_first_paragraph,
    edit_summary,
    add_tag,
    remove_tag,
    rename_actor,
    add_alias,
    edit_term_description,
    change_date,
    delete_story,
    add_story,
    make_draft,
    edit_standalone_page,
    change_static,
    change_template,
    change_config,
)


@pytest.fixture(autouse=True)
def trust_stamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use cached parses whenever stamps match (every edit here gets its own mtime)."""
    monkeypatch.setattr(cache, "RACY_NS", 0)


@pytest.mark.parametrize("mode", ["disk", "memory"])
def test_incremental_equals_clean_after_every_edit(root: Path, tmp_path: Path, mode: str) -> None:
    clock = Clock()
    out = tmp_path / "incremental"
    state = BuildState() if mode == "memory" else None
    first = build_site(root, out_dir=out, state=state)
    assert first.rendered > 0
    for n, edit in enumerate(EDITS):
        edit(root, clock)
        result = build_site(root, out_dir=out, state=state)
        clean = tmp_path / f"clean-{n}"
        build_site(root, out_dir=clean, clean=True)
        assert tree(out) == tree(clean), f"after {edit.__name__}"
        assert result.rendered <= len(tree(clean))
        if state is not None and state.packed is not None:  # kept up to date between builds
            for key_id in range(len(state.keys)):
                found = cache.outputs_reading(state.outputs, {key_id}, state.packed)
                assert found == cache.outputs_reading(state.outputs, {key_id}), edit.__name__


def test_edit_renders_only_affected_pages(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(root, out_dir=out)
    edit_body(root, Clock())
    result = build_site(root, out_dir=out)
    assert "stories/talks-in-damascus-envoys-meet-assad/index.html" in result.written
    assert 0 < result.rendered < result.pages / 3
    assert build_site(root, out_dir=out).written == ()


def rendered_outputs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The outputs the builds that follow render (small builds render in this process)."""
    seen: list[str] = []
    produce = build._produce

    def recording(site: Any, model: Any, env: Any, md: Any, kind: str, arg: Any) -> bytes:
        seen.append(site.pages[arg].output if kind == "page" else f"{kind}:{arg}")
        return produce(site, model, env, md, kind, arg)

    monkeypatch.setattr(build, "_produce", recording)
    return seen


def test_a_body_edit_leaves_pages_that_list_the_story_alone(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lists of stories (term pages, term feeds, related stories) read a story's head: its
    body past the first paragraph is not part of it, its first paragraph and summary are."""
    out = tmp_path / "out"
    build_site(root, out_dir=out)
    seen = rendered_outputs(monkeypatch)
    clock = Clock()
    edit_last_paragraph(root, clock)
    build_site(root, out_dir=out)
    story_page = "stories/generated-report-number-4/index.html"
    assert story_page in seen
    assert not [out for out in seen if out.startswith(("actors/", "locations/", "tags/"))]
    assert not [out for out in seen if out.startswith("feed:(")]  # no term feed
    for edit in (edit_first_paragraph, edit_summary):
        seen.clear()
        edit(root, clock)
        build_site(root, out_dir=out)
        assert [out for out in seen if out.startswith("actors/")], (edit.__name__, seen)
        assert [out for out in seen if out.startswith("feed:(")], edit.__name__
