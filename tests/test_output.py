import os

import pytest

from site_gen.errors import SiteGenError
from site_gen.output import safe_join, static_files, write_outputs


@pytest.mark.parametrize("rel", ["../x", "/etc/passwd", "a/../../b", "a//b", "", "a\\b", "."])
def test_safe_join_refuses_escapes(tmp_path, rel):
    with pytest.raises(SiteGenError, match="refusing to write outside the output folder"):
        safe_join(tmp_path, rel)


def test_safe_join_refuses_symlink_escape(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(tmp_path, out / "link")
    with pytest.raises(SiteGenError):
        safe_join(out, "link/x.html")


def test_writes_only_changed_files_and_removes_stale(tmp_path):
    out = tmp_path / "out"
    report, manifest = write_outputs({"a/index.html": b"A", "b.txt": b"B"}, out, {})
    assert report.written == ("a/index.html", "b.txt") and report.removed == ()
    stamp = (out / "b.txt").stat().st_mtime_ns
    report, manifest = write_outputs({"a/index.html": b"A2", "b.txt": b"B"}, out, manifest)
    assert report.written == ("a/index.html",) and report.unchanged == 1
    assert (out / "b.txt").stat().st_mtime_ns == stamp
    report, _ = write_outputs({"b.txt": b"B"}, out, manifest)
    assert report.removed == ("a/index.html",)
    assert not (out / "a").exists()


def test_a_file_changed_by_hand_is_rewritten(tmp_path):
    out = tmp_path / "out"
    _, manifest = write_outputs({"x.html": b"good"}, out, {})
    (out / "x.html").write_bytes(b"tampered")
    report, _ = write_outputs({"x.html": b"good"}, out, manifest)
    assert report.written == ("x.html",) and (out / "x.html").read_bytes() == b"good"


def test_git_folder_in_output_is_kept(tmp_path):
    out = tmp_path / "out"
    (out / ".git" / "refs" / "tags").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref")
    (out / "old.html").write_text("old")
    report, _ = write_outputs({"new.html": b"new"}, out, {})
    assert report.removed == ("old.html",)
    assert (out / ".git" / "HEAD").exists() and (out / ".git" / "refs" / "tags").is_dir()


def test_static_files_site_overrides_theme(tmp_path):
    site, theme = tmp_path / "static", tmp_path / "theme"
    (site / "img").mkdir(parents=True)
    theme.mkdir()
    (site / "style.css").write_text("site")
    (site / "img" / "a.png").write_bytes(b"png")
    (site / "notes.swp").write_text("editor temp")
    (theme / "style.css").write_text("theme")
    (theme / "app.js").write_text("js")
    files = static_files([site, theme])
    assert sorted(files) == ["app.js", "img/a.png", "style.css"]
    assert files["style.css"].read_text() == "site"


@pytest.mark.parametrize("fork_min", [0, 10**9])  # with the helper process, and without
def test_disk_check_finds_outputs_that_are_not_the_recorded_files(
    tmp_path, monkeypatch, fork_min
) -> None:
    """Missing, rewritten and touched files fail; a record the snapshot disagrees with is
    judged by the file itself."""
    from collections import namedtuple

    from site_gen import output

    monkeypatch.setattr(output, "FORK_MIN", fork_min)
    Record = namedtuple("Record", "size mtime_ns")
    records = {}
    for name in ("same", "gone", "rewritten", "touched", "newer-record", "stale-snapshot"):
        path = tmp_path / name
        path.write_text(name)
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
        records[name] = Record(path.stat().st_size, path.stat().st_mtime_ns)
    written = {name: (r.size, r.mtime_ns) for name, r in records.items()}
    written["newer-record"] = (1, 1)  # the record is right, the snapshot is not
    written["stale-snapshot"] = (1, 1)
    records["stale-snapshot"] = Record(1, 1)  # neither is: the file differs from both
    (tmp_path / "gone").unlink()
    (tmp_path / "rewritten").write_text("other bytes")
    os.utime(tmp_path / "touched", ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    with output.DiskCheck(tmp_path, written) as disk:
        assert disk.not_intact(records) == {"gone", "rewritten", "touched", "stale-snapshot"}
