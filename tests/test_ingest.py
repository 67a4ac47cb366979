"""`sitegen ingest`: files written, editors' work kept, bad input reported, registry used."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from site_gen.ingest.command import run_ingest
from site_gen.ingest.registry import _plain_front

STORY = """\
Rebels say Cairo sent troops to the border

By Mary Fenwick

AMMAN (Reuters) - Egypt has sent special forces to fight alongside government troops in \
southern Libya, commanders of the Desert Liberation Front (DLF) said on Monday.

"Our fighters are holding the line," said Colonel Tarek Ismail, spokesman for the DLF.

(Reporting by Mary Fenwick; editing by Ann Lee)
"""


def ingest(root: Path, *paths: Path, **options) -> tuple[int, list[str]]:
    lines: list[str] = []
    status = run_ingest(root, list(paths), out=lines.append, **options)
    return status, lines


def front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    return root


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "egypt.txt").write_text(STORY, encoding="utf-8")
    return folder


def story_file(site: Path) -> Path:
    (path,) = (site / "content" / "stories").glob("*.md")
    return path


def test_ingest_writes_story_and_registry(site: Path, raw: Path) -> None:
    status, lines = ingest(site, raw)
    assert status == 0
    assert lines[0].startswith(
        "added content/stories/rebels-say-cairo-sent-troops-to-the-border.md"
    )
    assert lines[-1].startswith("ingest: 1 stories (1 added")
    data = front(story_file(site))
    assert list(data)[:3] == ["title", "slug", "date"]
    assert data["title"] == "Rebels say Cairo sent troops to the border"
    assert data["slug"] == "rebels-say-cairo-sent-troops-to-the-border"
    assert data["date"] is None
    assert data["byline"] == ["Mary Fenwick"]
    assert data["dateline"] == {"place": "Amman", "agency": "Reuters"}
    assert data["source"] == "egypt.txt" and len(data["source_sha256"]) == 64
    assert data["credits"] == ["(Reporting by Mary Fenwick; editing by Ann Lee)"]
    assert "Tarek Ismail" in data["actors"] and "Mary Fenwick" not in data["actors"]
    assert "Libya" in data["locations"]
    assert 2 <= len(data["tags"]) <= 5
    assert data["summary"].startswith("Egypt has sent special forces")
    body = story_file(site).read_text(encoding="utf-8").split("---\n", 2)[2]
    assert "Reporting by" not in body
    term = site / "content" / "actors" / "desert-liberation-front.md"
    entry = front(term)
    assert entry.pop("ingest_hash")
    assert entry == {"name": "Desert Liberation Front", "kind": "group", "aliases": ["DLF"]}
    libya = front(site / "content" / "locations" / "libya.md")
    assert libya["country"] == "LY" and libya["lat"] and libya["geonames_id"]


def test_date_option_fills_an_undated_story(site: Path, raw: Path) -> None:
    ingest(site, raw, date="2019-07-04")
    assert str(front(story_file(site))["date"]) == "2019-07-04"


def test_unchanged_reingest_changes_nothing(site: Path, raw: Path) -> None:
    ingest(site, raw)
    path = story_file(site)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    status, lines = ingest(site, raw)
    assert status == 0
    assert lines[0] == f"unchanged content/stories/{path.name}"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_editor_changes_survive_a_changed_raw_story(site: Path, raw: Path) -> None:
    ingest(site, raw)
    path = story_file(site)
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "title: Rebels say Cairo sent troops to the border", "title: Egypt sends troops, rebels say"
    )
    text = text.replace("draft", "draft")  # nothing else touched
    text = text.replace("---\n", "---\ndraft: true\n", 1)
    path.write_text(text, encoding="utf-8")
    (raw / "egypt.txt").write_text(STORY.replace("on Monday.", "on Monday.\n\nA new paragraph."))
    status, lines = ingest(site, raw)
    assert status == 0
    assert lines[0].startswith(f"updated content/stories/{path.name}")
    assert "kept editor's: title" in lines[0] and "CONFLICT" not in lines[0]
    data = front(path)
    assert data["title"] == "Egypt sends troops, rebels say"
    assert data["slug"] == "rebels-say-cairo-sent-troops-to-the-border"
    assert data["draft"] is True
    assert "A new paragraph." in path.read_text(encoding="utf-8")


def test_field_changed_on_both_sides_is_a_reported_conflict(site: Path, raw: Path) -> None:
    ingest(site, raw)
    path = story_file(site)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Rebels say", "title: Editors say"), encoding="utf-8")
    (raw / "egypt.txt").write_text(STORY.replace("Rebels say Cairo", "Rebels claim Cairo"))
    status, lines = ingest(site, raw)
    assert status == 0
    assert "CONFLICT (editor's version kept): title" in lines[0]
    assert "conflicting field" in lines[-1]
    assert front(path)["title"] == "Editors say Cairo sent troops to the border"


def test_force_overwrites_after_saving_a_backup(site: Path, raw: Path) -> None:
    ingest(site, raw)
    path = story_file(site)
    edited = path.read_text(encoding="utf-8").replace("title: Rebels say", "title: Editors say")
    path.write_text(edited, encoding="utf-8")
    status, lines = ingest(site, raw, force=True)
    assert status == 0
    assert lines[0].startswith(f"overwrote content/stories/{path.name} (--force; previous")
    backup = site / lines[0].split("saved as ")[1].rstrip(")")
    assert backup.read_text(encoding="utf-8") == edited
    assert front(path)["title"] == "Rebels say Cairo sent troops to the border"


def test_dry_run_writes_nothing(site: Path, raw: Path) -> None:
    status, lines = ingest(site, raw, dry_run=True)
    assert status == 0
    assert lines[0].startswith("would add content/stories/")
    assert lines[-1].endswith("(dry run: nothing written)")
    assert not (site / "content").exists()


def test_same_headline_distinct_slugs_and_stable_after_retitle(site: Path, raw: Path) -> None:
    (raw / "second.txt").write_text(STORY.replace("Egypt has", "Sudan has"), encoding="utf-8")
    ingest(site, raw)
    slugs = sorted(p.stem for p in (site / "content" / "stories").glob("*.md"))
    assert slugs == [
        "rebels-say-cairo-sent-troops-to-the-border",
        "rebels-say-cairo-sent-troops-to-the-border-2",
    ]
    (raw / "second.txt").write_text(STORY.replace("Rebels say", "New headline:"), encoding="utf-8")
    ingest(site, raw)
    slugs_after = sorted(p.stem for p in (site / "content" / "stories").glob("*.md"))
    assert slugs_after == slugs


def test_bad_files_are_reported_and_the_rest_ingested(site: Path, raw: Path) -> None:
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.txt").write_bytes(b"\x00\x01\x02\x03PK\x03\x04" * 100)
    (raw / "latin.txt").write_bytes(
        "Caf\u00e9 owners protest in Lyon\n\nOwners said.\n".encode("cp1252")
    )
    (raw / "nohead.txt").write_text("," * 500 + "\n\nBody text.\n", encoding="utf-8")
    with (raw / "huge.txt").open("wb") as fh:
        fh.truncate(20 * 1024 * 1024)
    status, lines = ingest(site, raw, raw / "missing.txt")
    assert status == 1
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 5
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("binary.txt: binary file" in e for e in errors)
    assert any("nohead.txt:1: no recognisable headline" in e for e in errors)
    assert any("huge.txt: file too large" in e for e in errors)
    assert any("missing.txt: no such file or folder" in e for e in errors)
    assert any("(decoded as cp1252)" in line for line in lines)
    assert len(list((site / "content" / "stories").glob("*.md"))) == 2
    assert not [p for p in site.rglob("*.tmp")]
    assert "5 failed" in lines[-1]


def test_editor_registry_entry_wins(site: Path, raw: Path) -> None:
    actors = site / "content" / "actors"
    actors.mkdir(parents=True)
    (actors / "dlf.md").write_text(
        "---\nname: Desert Front\nkind: group\naliases: [DLF, Desert Liberation Front]\n---\n",
        encoding="utf-8",
    )
    ingest(site, raw)
    data = front(story_file(site))
    assert "Desert Front" in data["actors"]
    assert "Desert Liberation Front" not in data["actors"]
    assert not (actors / "desert-liberation-front.md").exists()
    assert (actors / "dlf.md").read_text(encoding="utf-8").startswith("---\nname: Desert Front")


def test_ingested_site_builds(site: Path, raw: Path) -> None:
    from site_gen.build import build_site

    ingest(site, raw)
    result = build_site(site)
    assert result.written
    out = result.out_dir
    assert (out / "actors" / "desert-liberation-front" / "index.html").exists()


def test_two_raw_files_with_one_name_are_not_merged(site: Path, raw: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "egypt.txt").write_text(STORY.replace("Rebels say", "Others say"), encoding="utf-8")
    status, lines = ingest(site, raw, other)
    assert status == 1
    assert any("same file name as" in line for line in lines)
    assert len(list((site / "content" / "stories").glob("*.md"))) == 1


def test_a_surname_does_not_pull_in_another_person(site: Path, raw: Path) -> None:
    actors = site / "content" / "actors"
    actors.mkdir(parents=True)
    (actors / "omar-ismail.md").write_text(
        "---\nname: Omar Ismail\nkind: person\naliases: [Ismail]\n---\n", encoding="utf-8"
    )
    ingest(site, raw)
    data = front(story_file(site))
    assert "Tarek Ismail" in data["actors"] and "Omar Ismail" not in data["actors"]


def test_editor_renaming_a_term_file_wins_on_the_next_ingest(site: Path, raw: Path) -> None:
    ingest(site, raw)
    term = site / "content" / "actors" / "desert-liberation-front.md"
    term.write_text(
        "---\nname: Desert Liberation Front of Fezzan\nkind: group\n"
        "aliases: [DLF, Desert Liberation Front]\n---\nAn armed group.\n",
        encoding="utf-8",
    )
    status, lines = ingest(site, raw)
    assert status == 0
    assert "machine fields: actors" in lines[0]
    data = front(story_file(site))
    assert "Desert Liberation Front of Fezzan" in data["actors"]
    assert "Desert Liberation Front" not in data["actors"]


def test_a_later_story_keeps_its_own_wording_of_an_ingested_entity(site: Path, raw: Path) -> None:
    ingest(site, raw)
    later = raw / "later.txt"
    later.write_text(
        "Front claims new gains\n\nThe DLF said on Friday it had taken Ghat.\n", encoding="utf-8"
    )
    ingest(site, later)
    (path,) = [p for p in (site / "content" / "stories").glob("front-claims*.md")]
    assert "DLF" in front(path)["actors"]  # one page still: DLF is the entry's alias
    assert not (site / "content" / "actors" / "dlf.md").exists()


PLAIN_FRONTS = [
    "name: Harbour Union\nkind: organization\naliases:\n- HU\n- the Union\n"
    "ingest_hash: 0a1b2c3d4e5f6a7b\n",
    "name: Karzana\nkind: town\naliases: []\ncountry: NO\nlat: 12.5\nlon: -3.25\n",
]
YAML_FRONTS = [
    "name: 'Yes'\nkind: person\n",
    "name: Ana\naliases: [A, B]\n",
    "name: Null\n",
    'name: "Ana: the first"\n',
    "name: Ana\ningest_hash: 0123456789012345\n",
]


@pytest.mark.parametrize("front", PLAIN_FRONTS)
def test_plain_front_matter_reads_as_yaml_does(front: str) -> None:
    fast, full = _plain_front(front), yaml.safe_load(front)
    assert fast is not None
    for key in ("name", "kind", "ingest_hash"):
        assert fast.get(key) == full.get(key)
    assert fast["aliases"] == (full["aliases"] or [])


@pytest.mark.parametrize("front", YAML_FRONTS)
def test_other_front_matter_is_left_to_yaml(front: str) -> None:
    assert _plain_front(front) is None
