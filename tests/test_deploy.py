"""``sitegen deploy``: real git, a bare repository in tmp_path as the remote."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from site_gen.cli import main as cli_main
from site_gen.deploy import (
    DeployError,
    Repo,
    Source,
    deploy_message,
    find_repo,
    production_url,
    publish_tree,
    run_deploy,
    source_state,
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str, stdin: str | None = None) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git config of our own: an identity, main as default branch, no system settings."""
    config = tmp_path / "gitconfig"
    config.write_text(
        "[user]\n\tname = Test Editor\n\temail = editor@example.org\n"
        "[init]\n\tdefaultBranch = main\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    return bare


@pytest.fixture
def site(tmp_path: Path, remote: Path) -> Path:
    """A site repository on branch main with one commit and ``origin`` set."""
    root = tmp_path / "site"
    (root / "content" / "stories").mkdir(parents=True)
    (root / "sitegen.yaml").write_text("title: Test\nbase_url: https://example.github.io/site/\n")
    (root / "content" / "stories" / "a.md").write_text("---\ntitle: A story\n---\nBody.\n")
    (root / ".gitignore").write_text("/public/\n.sitegen-cache/\n")
    git(root, "init", "--quiet")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Initial")
    git(root, "remote", "add", "origin", str(remote))
    return root


def make_output(folder: Path, version: str) -> Path:
    """A hand-made build output: HTML, a stylesheet, an underscore folder, a dotfile."""
    for rel, text in {
        "index.html": f"<h1>Home {version}</h1>",
        "stories/a/index.html": f"<p>Story {version}</p>",
        "static/site.css": "body { margin: 0 }",
        "_assets/app.js": "// underscore folders survive without Jekyll",
        ".well-known/security.txt": "Contact: mailto:editor@example.org",
    }.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def remote_files(remote: Path, ref: str = "gh-pages") -> set[str]:
    return set(git(remote, "ls-tree", "-r", "--name-only", ref).splitlines())


def remote_log(remote: Path, ref: str = "gh-pages") -> list[str]:
    return git(remote, "rev-list", ref).splitlines()


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and mtime."""
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def user_state(root: Path) -> tuple[str, str, str, str, str]:
    return (
        git(root, "symbolic-ref", "HEAD"),
        git(root, "rev-parse", "HEAD"),
        git(root, "status", "--porcelain"),
        git(root, "diff", "--cached"),
        git(root, "diff"),
    )


def test_two_deploys_make_two_commits_with_history(
    site: Path, remote: Path, tmp_path: Path
) -> None:
    out = make_output(tmp_path / "out1", "one")
    first = publish_tree(site, out, message="Deploy one\n")
    assert first.commit and first.pushed and first.changed
    expected = {
        ".nojekyll",
        "index.html",
        "stories/a/index.html",
        "static/site.css",
        "_assets/app.js",
        ".well-known/security.txt",
    }
    assert remote_files(remote) == expected
    assert first.files == len(expected)
    assert git(remote, "show", "gh-pages:index.html") == "<h1>Home one</h1>"

    out2 = make_output(tmp_path / "out2", "two")
    second = publish_tree(site, out2, message="Deploy two\n")
    assert second.parent == first.commit
    log = remote_log(remote)
    assert log == [second.commit, first.commit]
    assert git(remote, "show", "gh-pages:index.html") == "<h1>Home two</h1>"
    assert git(remote, "log", "-1", "--format=%s", "gh-pages") == "Deploy two"
    assert git(site, "rev-parse", "refs/heads/gh-pages") == second.commit


def test_removed_files_disappear_from_the_branch(site: Path, remote: Path, tmp_path: Path) -> None:
    out = make_output(tmp_path / "out", "one")
    publish_tree(site, out)
    (out / "stories" / "a" / "index.html").unlink()
    publish_tree(site, out)
    assert "stories/a/index.html" not in remote_files(remote)
    assert len(remote_log(remote)) == 2


def test_identical_output_makes_no_commit(site: Path, remote: Path, tmp_path: Path) -> None:
    out = make_output(tmp_path / "out", "same")
    first = publish_tree(site, out)
    again = publish_tree(site, out)
    assert not again.changed and again.commit is None and not again.pushed
    assert remote_log(remote) == [first.commit]


def test_cname_written_only_when_configured(site: Path, remote: Path, tmp_path: Path) -> None:
    out = make_output(tmp_path / "out", "one")
    publish_tree(site, out)
    assert "CNAME" not in remote_files(remote)
    publish_tree(site, out, cname="news.example.org")
    assert git(remote, "show", "gh-pages:CNAME") == "news.example.org"
    assert not (out / "CNAME").exists() and not (out / ".nojekyll").exists()


def test_existing_nojekyll_in_output_is_kept(site: Path, remote: Path, tmp_path: Path) -> None:
    out = make_output(tmp_path / "out", "one")
    (out / ".nojekyll").write_text("")
    result = publish_tree(site, out)
    assert ".nojekyll" in remote_files(remote)
    assert result.files == 6


def test_user_checkout_is_untouched(site: Path, remote: Path, tmp_path: Path) -> None:
    (site / "content" / "stories" / "a.md").write_text("---\ntitle: Staged\n---\n")
    git(site, "add", "content/stories/a.md")
    (site / "sitegen.yaml").write_text("title: Unstaged edit\n")
    (site / "notes.txt").write_text("untracked")
    before = user_state(site)
    files_before = snapshot(site / "content")
    staged_diff = git(site, "diff", "--cached")
    assert "Staged" in staged_diff

    publish_tree(site, make_output(tmp_path / "out", "one"))
    publish_tree(site, make_output(tmp_path / "out2", "two"))

    assert user_state(site) == before
    assert snapshot(site / "content") == files_before
    assert not (site / "index.html").exists() and not (site / ".nojekyll").exists()
    assert git(site, "branch", "--show-current") == "main"


def test_dry_run_changes_nothing(site: Path, remote: Path, tmp_path: Path) -> None:
    out = make_output(tmp_path / "out", "one")
    git_before, remote_before, out_before = (
        snapshot(site / ".git"),
        snapshot(remote),
        snapshot(out),
    )
    result = publish_tree(site, out, dry_run=True)
    assert result.dry_run and result.changed and result.commit is None and not result.pushed
    assert result.files == 6
    assert snapshot(site / ".git") == git_before
    assert snapshot(remote) == remote_before
    assert snapshot(out) == out_before


def test_dry_run_sees_when_nothing_changed(site: Path, remote: Path, tmp_path: Path) -> None:
    out = make_output(tmp_path / "out", "one")
    publish_tree(site, out)
    assert not publish_tree(site, out, dry_run=True).changed


def test_history_is_fetched_when_only_the_remote_has_the_branch(
    site: Path, remote: Path, tmp_path: Path
) -> None:
    """A deploy from another clone (or CI) is kept as the parent of the next one."""
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(remote), str(other))
    first = publish_tree(other, make_output(tmp_path / "out1", "one"))
    assert git(site, "branch", "--list", "gh-pages") == ""

    second = publish_tree(site, make_output(tmp_path / "out2", "two"))
    assert second.parent == first.commit
    assert remote_log(remote) == [second.commit, first.commit]


def test_unpushed_deploy_is_pushed_next_time(site: Path, remote: Path, tmp_path: Path) -> None:
    out = make_output(tmp_path / "out", "one")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'deploys are frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    with pytest.raises(DeployError) as info:
        publish_tree(site, out)
    message = str(info.value)
    assert "\n" not in message and "push" in message and "rejected" in message
    hook.unlink()
    result = publish_tree(site, out)
    assert not result.changed and result.pushed
    assert remote_log(remote) == [result.parent]


def test_diverged_branches_are_refused_in_one_line(
    site: Path, remote: Path, tmp_path: Path
) -> None:
    publish_tree(site, make_output(tmp_path / "out1", "one"))
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(remote), str(other))
    publish_tree(other, make_output(tmp_path / "out2", "two"))
    git(site, "update-ref", "refs/heads/gh-pages", git(site, "commit-tree", "-m", "local",
        git(site, "rev-parse", "gh-pages^{tree}")))  # fmt: skip
    with pytest.raises(DeployError) as info:
        publish_tree(site, make_output(tmp_path / "out3", "three"))
    assert "diverged" in str(info.value) and "\n" not in str(info.value)


def test_source_commit_in_message(site: Path) -> None:
    head = git(site, "rev-parse", "HEAD")
    text = deploy_message(None, Source(head, dirty=False))
    assert text.startswith(f"Deploy site from {head[:12]}\n") and head in text
    custom = deploy_message("Morning edition", Source(head, dirty=True))
    assert custom.startswith("Morning edition\n") and head in custom and "uncommitted" in custom


def test_refuses_dirty_tree_unless_allowed(site: Path) -> None:
    repo = find_repo(site)
    (site / "content" / "stories" / "b.md").write_text("---\ntitle: B\n---\n")
    (site / "sitegen.yaml").write_text("title: Edited\n")
    with pytest.raises(DeployError) as info:
        source_state(repo, site, ("public",), allow_dirty=False)
    message = str(info.value)
    assert "\n" not in message
    assert "sitegen.yaml" in message and "content/stories/b.md" in message
    assert "--allow-dirty" in message
    state = source_state(repo, site, ("public",), allow_dirty=True)
    assert state.dirty and state.commit == git(site, "rev-parse", "HEAD")


def test_generated_folders_do_not_count_as_dirty(site: Path) -> None:
    (site / ".gitignore").unlink()
    git(site, "commit", "--quiet", "-am", "No ignore file")
    (site / "public").mkdir()
    (site / "public" / "index.html").write_text("built")
    (site / ".sitegen-cache").mkdir()
    (site / ".sitegen-cache" / "x").write_text("cache")
    state = source_state(find_repo(site), site, ("public", ".sitegen-cache"), allow_dirty=False)
    assert not state.dirty


def test_not_a_repository_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(DeployError) as info:
        publish_tree(folder, make_output(tmp_path / "out", "one"))
    assert "not inside a git repository" in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_remote_is_one_line(site: Path, tmp_path: Path) -> None:
    git(site, "remote", "remove", "origin")
    with pytest.raises(DeployError) as info:
        publish_tree(site, make_output(tmp_path / "out", "one"))
    assert str(info.value).startswith("no git remote named 'origin'")
    assert "\n" not in str(info.value)
    assert git(site, "branch", "--list", "gh-pages") == ""


def test_unreachable_remote_is_one_line(site: Path, tmp_path: Path) -> None:
    git(site, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    with pytest.raises(DeployError) as info:
        publish_tree(site, make_output(tmp_path / "out", "one"))
    assert str(info.value).startswith("git ls-remote failed:")
    assert "\n" not in str(info.value)


def test_refuses_to_overwrite_the_checked_out_branch(site: Path, tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="checked out"):
        publish_tree(site, make_output(tmp_path / "out", "one"), branch="main")
    with pytest.raises(DeployError, match="not a valid branch name"):
        publish_tree(site, make_output(tmp_path / "out", "one"), branch="bad..name")


def test_remote_given_as_a_path(site: Path, remote: Path, tmp_path: Path) -> None:
    git(site, "remote", "remove", "origin")
    result = publish_tree(site, make_output(tmp_path / "out", "one"), remote=str(remote))
    assert result.pushed and remote_log(remote) == [result.commit]


def test_git_missing_is_one_line(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(DeployError, match="git is not installed"):
        find_repo(site)


def test_missing_identity_is_one_line(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "noident"
    config.write_text("[user]\n\tuseConfigOnly = true\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "EMAIL"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(DeployError, match="user.email"):
        publish_tree(site, make_output(tmp_path / "out", "one"))


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (None, "public URL"),
        ("", "public URL"),
        ("http://localhost:8000/", "local address"),
        ("http://127.0.0.1/site/", "local address"),
        ("ftp://example.org/", "not an http"),
    ],
)
def test_production_url_refuses_missing_or_local(url: str | None, problem: str) -> None:
    with pytest.raises(DeployError, match=problem):
        production_url(url)


def test_production_url_adds_trailing_slash() -> None:
    assert production_url("https://user.github.io/repo") == "https://user.github.io/repo/"
    assert production_url("https://news.example.org/") == "https://news.example.org/"


def test_repo_paths(site: Path) -> None:
    repo = find_repo(site / "content")
    assert isinstance(repo, Repo)
    assert repo.top == site.resolve()
    assert repo.objects == (site / ".git" / "objects").resolve()
    assert os.path.isdir(repo.objects)


def test_ignore_rules_never_drop_output_files(
    site: Path, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's excludes file, info/exclude and a .gitignore in the output change nothing."""
    excludes = tmp_path / "excludes"
    excludes.write_text("*.css\n_assets/\n")
    config = tmp_path / "gitconfig"
    config.write_text(config.read_text() + f"[core]\n\texcludesFile = {excludes}\n")
    (site / ".git" / "info" / "exclude").write_text("*.html\n")
    out = make_output(tmp_path / "out", "one")
    (out / ".gitignore").write_text("*\n")
    publish_tree(site, out)
    files = remote_files(remote)
    assert {"static/site.css", "_assets/app.js", "index.html", ".gitignore"} <= files


def test_refuses_a_branch_checked_out_in_a_linked_worktree(site: Path, tmp_path: Path) -> None:
    git(site, "branch", "gh-pages")
    git(site, "worktree", "add", "--quiet", str(tmp_path / "pages-wt"), "gh-pages")
    with pytest.raises(DeployError, match="checked out in .*pages-wt"):
        publish_tree(site, make_output(tmp_path / "out", "one"))


def test_site_in_a_subfolder_of_the_repository(site: Path, remote: Path, tmp_path: Path) -> None:
    result = publish_tree(site / "content", make_output(tmp_path / "out", "one"))
    assert result.pushed and "index.html" in remote_files(remote)


# --- end to end through run_deploy and the command line ------------------------------------


def test_run_deploy_builds_and_publishes(
    site: Path, remote: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = user_state(site)
    assert run_deploy(site) == 0
    files = remote_files(remote)
    assert {".nojekyll", "index.html", "404.html", "sitemap.xml", "atom.xml"} <= files
    assert any(f.startswith("stories/") and f.endswith("/index.html") for f in files)
    assert "CNAME" not in files
    sitemap = git(remote, "show", "gh-pages:sitemap.xml")
    assert "https://example.github.io/site/" in sitemap and "localhost" not in sitemap
    head = git(site, "rev-parse", "HEAD")
    assert head in git(remote, "log", "-1", "--format=%B", "gh-pages")
    assert capsys.readouterr().out.rstrip().endswith("Site: https://example.github.io/site/")
    assert user_state(site) == before
    assert not (site / "public").exists()
    cache = site / ".sitegen-cache"
    assert not list(cache.glob("outputs-*")), "records of the temporary folder stay behind"

    (site / "content" / "stories" / "b.md").write_text("---\ntitle: Second story\n---\nMore.\n")
    git(site, "add", "-A")
    git(site, "commit", "--quiet", "-m", "Second story")
    assert run_deploy(site, message="Evening edition") == 0
    assert len(remote_log(remote)) == 2
    assert git(remote, "log", "-1", "--format=%s", "gh-pages") == "Evening edition"
    assert run_deploy(site) == 0
    assert len(remote_log(remote)) == 2
    assert "identical to the last deploy" in capsys.readouterr().out


def test_run_deploy_writes_cname_and_uses_overrides(site: Path, remote: Path) -> None:
    (site / "sitegen.yaml").write_text(
        "title: Test\nbase_url: https://news.example.org/\ncname: news.example.org\n"
        "deploy_branch: published\n"
    )
    git(site, "commit", "--quiet", "-am", "Custom domain")
    assert run_deploy(site) == 0
    assert git(remote, "show", "published:CNAME") == "news.example.org"
    assert run_deploy(site, branch="preview", base_url="https://preview.example.org/") == 0
    sitemap = git(remote, "show", "preview:sitemap.xml")
    assert "https://preview.example.org/" in sitemap


def test_run_deploy_dry_run_changes_nothing(
    site: Path, remote: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git_before, remote_before = snapshot(site / ".git"), snapshot(remote)
    assert run_deploy(site, dry_run=True) == 0
    out = capsys.readouterr().out
    assert "Dry run: would commit" in out and "'gh-pages' of 'origin'" in out
    assert snapshot(site / ".git") == git_before
    assert snapshot(remote) == remote_before
    assert not (site / "public").exists()


def test_run_deploy_refuses_dirty_tree_and_missing_base_url(site: Path, remote: Path) -> None:
    (site / "sitegen.yaml").write_text("title: No address yet\n")
    with pytest.raises(DeployError, match="uncommitted changes"):
        run_deploy(site)
    with pytest.raises(DeployError, match="public URL"):
        run_deploy(site, allow_dirty=True)
    with pytest.raises(DeployError, match="local address"):
        run_deploy(site, allow_dirty=True, base_url="http://localhost:8000/")
    assert run_deploy(site, allow_dirty=True, base_url="https://example.github.io/site/") == 0
    assert "uncommitted changes" in git(remote, "log", "-1", "--format=%B", "gh-pages")


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda site: shutil.rmtree(site / ".git"), "not inside a git repository"),
        (lambda site: git(site, "remote", "remove", "origin"), "no git remote named 'origin'"),
    ],
)
def test_command_line_errors_are_one_line(
    site: Path, setup: Callable[[Path], object], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    setup(site)
    assert cli_main(["-C", str(site), "deploy"]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    messages = [line.strip() for line in captured.err.splitlines() if line.strip() != "error:"]
    assert len(messages) == 1 and expected in messages[0]
