"""``sitegen deploy``: build with the production URL and publish it as a GitHub Pages branch.

The output folder is committed as the whole tree of the branch with git plumbing and a
temporary index, so the user's working tree, index and current branch are never touched.
Each deploy adds one commit on top of the branch's history and names the source commit.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from site_gen.errors import SiteGenError

NOJEKYLL = ".nojekyll"
CNAME = "CNAME"
CACHE_DIR = ".sitegen-cache"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})
# Inherited variables that would point git at another repository, index or object store.
_GIT_LOCATION_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
)
_MAX_DIRTY_SHOWN = 5


class DeployError(SiteGenError):
    """A deploy cannot go ahead (git problem, dirty tree, missing base URL...)."""


@dataclass(frozen=True)
class Repo:
    """The git repository holding the site."""

    top: Path
    git_dir: Path
    objects: Path


@dataclass(frozen=True)
class Source:
    """The commit the site is built from."""

    commit: str | None
    dirty: bool


@dataclass(frozen=True)
class Staged:
    """The output folder written as a tree object."""

    tree: str
    files: int


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did (or, on a dry run, would do)."""

    branch: str
    remote: str
    files: int
    tree: str
    parent: str | None
    commit: str | None
    changed: bool
    pushed: bool
    dry_run: bool


# --- git helpers -------------------------------------------------------------------------


def _git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_VARS}
    env["LC_ALL"] = "C"
    env["GIT_OPTIONAL_LOCKS"] = "0"  # `git status` must not rewrite the user's index
    env.update(extra or {})
    return env


def _git(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    *,
    stdin: str | None = None,
    strip: bool = True,
) -> str:
    """Run ``git args`` in ``cwd``; return its stdout; raise DeployError in one line."""
    cmd = ["git", "-c", "core.autocrlf=false", "-c", "core.safecrlf=false", *args]
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            env=_git_env(env),
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise DeployError("git is not installed (or not on PATH); deploy needs it") from None
    if proc.returncode != 0:
        problem = _first_problem(proc.stderr, proc.stdout)
        raise DeployError(f"git {_subcommand(args)} failed: {problem}")
    return proc.stdout.strip() if strip else proc.stdout


def _subcommand(args: Sequence[str]) -> str:
    """The git command's name, skipping leading ``--git-dir X`` style options."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in ("--git-dir", "--work-tree", "-c", "-C") else rest[1:]
    return rest[0] if rest else "command"


def _git_maybe(args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> str | None:
    """Like ``_git`` but return None when git exits non-zero (for questions, not actions)."""
    try:
        return _git(args, cwd, env)
    except DeployError as exc:
        if "not installed" in str(exc):
            raise
        return None


def _first_problem(stderr: str, stdout: str = "") -> str:
    """Reduce git's multi-line complaint to its most telling line."""
    lines = [ln.strip() for ln in (stderr + "\n" + stdout).splitlines() if ln.strip()]
    for line in lines:
        if "[rejected]" in line or "[remote rejected]" in line:
            return "rejected: " + line.lstrip("! ").split("]", 1)[-1].strip()
    for prefix in ("fatal:", "error:"):
        for line in lines:
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
    return lines[0] if lines else "no message from git"


# --- repository state --------------------------------------------------------------------


def find_repo(path: Path) -> Repo:
    """The repository containing ``path``, or a one-line error."""
    if not path.is_dir():
        raise DeployError(f"{path}: no such folder")
    out = _git_maybe(["rev-parse", "--show-toplevel", "--absolute-git-dir"], path)
    if out is None or len(out.splitlines()) != 2:
        raise DeployError(
            f"{path} is not inside a git repository; deploy publishes a branch of the site's "
            "repository (run 'git init' and commit first, or use the Actions workflow)"
        )
    top, git_dir = out.splitlines()
    objects = _git(["rev-parse", "--git-path", "objects"], path)
    return Repo(Path(top), Path(git_dir), (path / objects).resolve())


def checked_out_in(repo: Repo, branch: str) -> str | None:
    """The working tree (this one or a linked one) that has ``branch`` checked out."""
    out = _git(["worktree", "list", "--porcelain"], repo.top)
    path = None
    for line in out.splitlines():
        if line.startswith("worktree "):
            path = line.removeprefix("worktree ")
        elif line == f"branch refs/heads/{branch}":
            return path
    return None


def resolve(repo: Repo, rev: str) -> str | None:
    """The commit ``rev`` names, or None."""
    return _git_maybe(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], repo.top)


def dirty_paths(root: Path, exclude: Sequence[str] = ()) -> tuple[str, ...]:
    """Uncommitted changes (untracked files included) under ``root``, minus ``exclude``."""
    specs = ["."] + [f":(exclude){p}" for p in exclude]
    args = ["status", "--porcelain=v1", "-z", "--untracked-files=normal", "--", *specs]
    out = _git(args, root, strip=False)
    entries = [e for e in out.split("\0") if e]
    paths: list[str] = []
    skip_next = False
    for entry in entries:
        if skip_next:  # the old name of a rename
            skip_next = False
            continue
        paths.append(entry[3:])
        skip_next = entry[0] in "RC"
    return tuple(paths)


def source_state(repo: Repo, root: Path, exclude: Sequence[str], allow_dirty: bool) -> Source:
    """The source commit; refuses uncommitted changes unless ``allow_dirty``."""
    dirty = dirty_paths(root, exclude)
    if dirty and not allow_dirty:
        shown = ", ".join(dirty[:_MAX_DIRTY_SHOWN])
        more = f" and {len(dirty) - _MAX_DIRTY_SHOWN} more" if len(dirty) > _MAX_DIRTY_SHOWN else ""
        raise DeployError(
            f"uncommitted changes ({shown}{more}); commit them first so the deploy "
            "records its source, or pass --allow-dirty"
        )
    return Source(resolve(repo, "HEAD"), bool(dirty))


def check_target(repo: Repo, remote: str, branch: str) -> None:
    """The branch name is valid, not checked out anywhere, and the remote exists."""
    if _git_maybe(["check-ref-format", "--branch", branch], repo.top) is None:
        raise DeployError(f"'{branch}' is not a valid branch name")
    if where := checked_out_in(repo, branch):
        raise DeployError(
            f"branch '{branch}' is checked out in {where}; deploy from another branch"
        )
    if _git_maybe(["remote", "get-url", remote], repo.top) is None and not _looks_like_url(remote):
        raise DeployError(
            f"no git remote named '{remote}'; add one (git remote add {remote} URL) "
            "or pass --remote"
        )


def _looks_like_url(remote: str) -> bool:
    return "/" in remote or ":" in remote or remote.endswith(".git")


def remote_tip(repo: Repo, remote: str, branch: str) -> str | None:
    """The commit ``branch`` points at on the remote, or None when it does not exist there."""
    ref = f"refs/heads/{branch}"
    out = _git(["ls-remote", "--", remote, ref], repo.top)
    for line in out.splitlines():
        sha, _, name = line.partition("\t")
        if name == ref:
            return sha
    return None


def fetch_branch(repo: Repo, remote: str, branch: str) -> None:
    """Fetch the remote's copy of ``branch`` so its history is kept."""
    _git(["fetch", "--quiet", "--no-tags", remote, f"refs/heads/{branch}"], repo.top)


def choose_parent(repo: Repo, local: str | None, remote: str | None, branch: str) -> str | None:
    """The commit the new deploy goes on top of: the newer of the local and remote tips."""
    if local is None or remote is None or local == remote:
        return remote or local
    if _is_ancestor(repo, local, remote):
        return remote
    if _is_ancestor(repo, remote, local):
        return local  # earlier deploys that were never pushed
    raise DeployError(
        f"local branch '{branch}' and the remote's have diverged; delete the local one "
        f"(git branch -D {branch}) to deploy on top of the remote"
    )


def _is_ancestor(repo: Repo, old: str, new: str) -> bool:
    return _git_maybe(["merge-base", "--is-ancestor", old, new], repo.top) is not None


# --- writing the tree --------------------------------------------------------------------


def stage_tree(
    repo: Repo, out_dir: Path, extras: Mapping[str, str], env: Mapping[str, str]
) -> Staged:
    """Write ``out_dir`` plus ``extras`` (name -> text) as a tree, via the index in ``env``."""
    git = ["--git-dir", str(repo.git_dir), "--work-tree", str(out_dir)]
    _git([*git, "add", "--all", "--force", "--", "."], out_dir, env)
    for name, text in extras.items():
        blob = _git([*git, "hash-object", "-w", "--stdin"], out_dir, env, stdin=text)
        info = f"100644,{blob},{name}"
        _git([*git, "update-index", "--add", "--cacheinfo", info], out_dir, env)
    files = _git([*git, "ls-files", "-z"], out_dir, env)
    tree = _git([*git, "write-tree"], out_dir, env)
    return Staged(tree, len([f for f in files.split("\0") if f]))


def extra_files(out_dir: Path, cname: str | None) -> dict[str, str]:
    """``.nojekyll`` when the build has none; ``CNAME`` when a custom domain is configured."""
    extras: dict[str, str] = {}
    if not (out_dir / NOJEKYLL).exists():
        extras[NOJEKYLL] = ""
    if cname and cname.strip():
        extras[CNAME] = cname.strip() + "\n"
    return extras


def tree_of(repo: Repo, commit: str | None) -> str | None:
    return _git(["rev-parse", f"{commit}^{{tree}}"], repo.top) if commit else None


def commit_tree(repo: Repo, tree: str, parent: str | None, message: str) -> str:
    """A new commit of ``tree`` (on top of ``parent``) with the user's git identity."""
    if _git_maybe(["var", "GIT_AUTHOR_IDENT"], repo.top) is None:
        raise DeployError(
            "git does not know who you are: set 'git config user.name' and 'user.email'"
        )
    parents = ["-p", parent] if parent else []
    return _git(["commit-tree", tree, *parents], repo.top, stdin=message)


def update_branch(repo: Repo, branch: str, new: str, old: str | None) -> None:
    """Move ``refs/heads/<branch>`` to ``new``, only if it still points at ``old``."""
    expected = old or "0" * len(new)
    _git(["update-ref", "-m", "sitegen deploy", f"refs/heads/{branch}", new, expected], repo.top)


def push(repo: Repo, remote: str, branch: str) -> None:
    ref = f"refs/heads/{branch}"
    _git(["push", "--quiet", remote, f"{ref}:{ref}"], repo.top)


# --- the deploy steps --------------------------------------------------------------------


def publish_tree(
    repo_path: Path,
    out_dir: Path,
    *,
    branch: str = "gh-pages",
    remote: str = "origin",
    message: str = "Deploy site",
    cname: str | None = None,
    dry_run: bool = False,
) -> DeployResult:
    """Commit ``out_dir`` as the whole tree of ``branch`` on top of its history, then push.

    ``out_dir`` itself is never modified; ``.nojekyll`` and ``CNAME`` go straight into the
    tree. A dry run writes its objects to a throwaway store and changes nothing.
    """
    repo = find_repo(repo_path)
    check_target(repo, remote, branch)
    tips = branch_tips(repo, remote, branch, fetch=not dry_run)
    staged = stage_output(repo, out_dir, extra_files(out_dir, cname), dry_run=dry_run)
    changed = staged.tree != tree_of(repo, tips.parent)
    result = DeployResult(
        branch=branch,
        remote=remote,
        files=staged.files,
        tree=staged.tree,
        parent=tips.parent,
        commit=None,
        changed=changed,
        pushed=False,
        dry_run=dry_run,
    )
    if dry_run:
        return result
    commit = commit_tree(repo, staged.tree, tips.parent, message) if changed else None
    tip = commit or tips.parent
    if tip and tip != tips.local:
        update_branch(repo, branch, tip, tips.local)
    pushed = bool(tip) and tip != tips.remote
    if pushed:
        push(repo, remote, branch)
    return dataclasses.replace(result, commit=commit, pushed=pushed)


@dataclass(frozen=True)
class Tips:
    """Where the publishing branch stands locally and on the remote, and what to build on."""

    local: str | None
    remote: str | None
    parent: str | None


def branch_tips(repo: Repo, remote: str, branch: str, *, fetch: bool) -> Tips:
    """Look the branch up on both sides, fetching the remote's history when it is missing here."""
    local = resolve(repo, f"refs/heads/{branch}")
    remote_sha = remote_tip(repo, remote, branch)
    if remote_sha and fetch and not resolve(repo, remote_sha):
        fetch_branch(repo, remote, branch)
    known = remote_sha if remote_sha and resolve(repo, remote_sha) else None
    return Tips(local, remote_sha, choose_parent(repo, local, known, branch))


def stage_output(repo: Repo, out_dir: Path, extras: Mapping[str, str], *, dry_run: bool) -> Staged:
    """Stage through a temporary index; a dry run also keeps new objects out of the repo."""
    with tempfile.TemporaryDirectory(prefix="sitegen-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        if dry_run:
            objects = Path(tmp) / "objects"
            objects.mkdir()
            env["GIT_OBJECT_DIRECTORY"] = str(objects)
            env["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = str(repo.objects)
        return stage_tree(repo, out_dir, extras, env)


def deploy_message(message: str | None, source: Source) -> str:
    """The deploy commit's message; it always names the source commit."""
    if source.commit is None:
        origin = "a repository with no commits yet"
    else:
        origin = source.commit + (" with uncommitted changes" if source.dirty else "")
    subject = message.strip() if message and message.strip() else _default_subject(source)
    return f"{subject}\n\nBuilt by sitegen from {origin}.\n"


def _default_subject(source: Source) -> str:
    if source.commit is None:
        return "Deploy site"
    return f"Deploy site from {source.commit[:12]}" + (" (dirty)" if source.dirty else "")


def production_url(url: str | None) -> str:
    """The site's public address; refuse none or a local one (a deploy needs the real one)."""
    hint = "set base_url in sitegen.yaml or pass --base-url, e.g. https://USER.github.io/REPO/"
    if not url:
        raise DeployError(f"deploy needs the site's public URL: {hint}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeployError(f"base URL {url!r} is not an http(s) address: {hint}")
    if parts.hostname in LOCAL_HOSTS:
        raise DeployError(f"base URL {url!r} is a local address: {hint}")
    return url if url.endswith("/") else url + "/"


def _excluded_paths(output_dir: str) -> tuple[str, ...]:
    """Generated folders that never make a tree dirty for deploy purposes."""
    return tuple(p for p in (output_dir, CACHE_DIR, ".sitegen-serve") if p)


def _report(result: DeployResult, url: str) -> None:
    where = f"branch '{result.branch}' of '{result.remote}'"
    if result.dry_run:
        if result.changed:
            print(f"Dry run: would commit {result.files} files to {where} and push it.")
        else:
            print(f"Dry run: the site ({result.files} files) is identical to the last deploy.")
        print(f"Site: {url} (nothing was changed)")
        return
    if result.commit:
        print(f"Committed {result.files} files as {result.commit[:12]} on '{result.branch}'.")
    else:
        print(f"The site is identical to the last deploy ({(result.parent or '')[:12]}).")
    if result.pushed:
        print(f"Pushed to {where}.")
    else:
        print(f"Nothing to push: {where} is up to date.")
    print(f"Site: {url}")


def _cname_mismatch(url: str, cname: str | None) -> str | None:
    host = urlsplit(url).hostname
    if cname and host and host != cname.strip().lower():
        return f"warning: base_url host '{host}' differs from cname '{cname.strip()}'"
    return None


def run_deploy(
    root: Path,
    *,
    remote: str | None = None,
    branch: str | None = None,
    message: str | None = None,
    allow_dirty: bool = False,
    dry_run: bool = False,
    base_url: str | None = None,
) -> int:
    """Build the site with its production URL and publish it to the Pages branch."""
    from site_gen.build import CACHE_DIR, build_site
    from site_gen.cache import forget_outputs
    from site_gen.config import load_config

    config = load_config(root, base_url=base_url)
    remote = remote or config.deploy_remote
    branch = branch or config.deploy_branch
    repo = find_repo(root)
    excluded = _excluded_paths(config.output_dir)
    source = source_state(repo, root, excluded, allow_dirty)
    url = production_url(config.base_url)
    check_target(repo, remote, branch)
    if warning := _cname_mismatch(url, config.cname):
        print(warning, file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="sitegen-deploy-") as tmp:
        out_dir = Path(tmp) / "site"
        try:
            built = build_site(root, base_url=url, out_dir=out_dir, clean=True)
        finally:  # the folder is temporary: keep no records of it
            forget_outputs(config.root / CACHE_DIR, out_dir.resolve())
        for warning in built.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        result = publish_tree(
            root,
            out_dir,
            branch=branch,
            remote=remote,
            message=deploy_message(message, source),
            cname=config.cname,
            dry_run=dry_run,
        )
    _report(result, url)
    return 0
