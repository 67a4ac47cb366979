import subprocess
import sys

from site_gen import __version__
from site_gen.cli import main


def test_build_reports_and_exits_zero(fixture_site, capsys):
    assert main(["-C", str(fixture_site), "build"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("built 34 pages into public/ in ")
    assert "written, 0 unchanged, 0 removed" in out


def test_broken_front_matter_exit_1_no_traceback(fixture_site, capsys):
    assert main(["-C", str(fixture_site), "build"]) == 0
    public = fixture_site / "public"
    before = {p: p.read_bytes() for p in public.rglob("*") if p.is_file()}
    bad = fixture_site / "content/stories/bad.md"
    bad.write_text("---\ntitle: Bad\ntags: [a, b\n---\n")
    (fixture_site / "content/stories/bad2.md").write_text("---\nsummary: no title\n---\n")
    capsys.readouterr()
    assert main(["-C", str(fixture_site), "build"]) == 1
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0] == "2 errors:"
    assert lines[1].endswith(
        "content/stories/bad.md:3: front matter: invalid YAML: "
        "expected ',' or ']', but got '<stream end>'"
    )
    assert lines[2].endswith("content/stories/bad2.md:1: front matter: 'title' is required")
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in public.rglob("*") if p.is_file()} == before


def test_debug_shows_traceback(fixture_site, capsys):
    (fixture_site / "content/stories/bad.md").write_text("nothing\n")
    assert main(["-C", str(fixture_site), "--debug", "build"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_config_error_exit_1(fixture_site, capsys):
    (fixture_site / "sitegen.yaml").write_text("per_page: many\ncolour: red\n")
    assert main(["-C", str(fixture_site), "build"]) == 1
    err = capsys.readouterr().err
    assert "unknown key 'colour'" in err and "'per_page' must be an integer" in err


def test_check_command(fixture_site, capsys):
    assert main(["-C", str(fixture_site), "build"]) == 0
    assert main(["-C", str(fixture_site), "check"]) == 0
    assert "0 problem(s)" in capsys.readouterr().out
    (fixture_site / "public/about/index.html").write_text('<a href="../nowhere/">x</a>')
    assert main(["-C", str(fixture_site), "check"]) == 1
    assert "about/index.html: broken link '../nowhere/'" in capsys.readouterr().out


def test_init_creates_a_site_that_builds(tmp_path, capsys):
    assert main(["-C", str(tmp_path), "init", "news"]) == 0
    assert main(["-C", str(tmp_path / "news"), "build"]) == 0
    assert (tmp_path / "news/public/stories/welcome-to-your-briefing/index.html").exists()
    assert main(["-C", str(tmp_path), "init", "news"]) == 1
    assert "folder exists and is not empty" in capsys.readouterr().err


def test_missing_folder(capsys):
    assert main(["-C", "/no/such/folder", "build"]) == 1


def test_python_dash_m_and_version():
    result = subprocess.run(
        [sys.executable, "-m", "site_gen", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"sitegen {__version__}"
