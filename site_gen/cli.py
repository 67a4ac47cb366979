"""Command line: ``sitegen [-C DIR] {init,ingest,build,serve,deploy}``.

Each command module is imported only when its command runs. User errors
(``SiteGenError``) are printed without a traceback and give exit status 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from site_gen import __version__
from site_gen.errors import SiteGenError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    level = logging.DEBUG if args.debug else logging.WARNING
    logging.basicConfig(level=level, format="%(message)s")
    if not args.command:
        parser.print_help()
        return 2
    root = Path(args.directory).resolve()
    if not root.is_dir():
        print(f"error: {args.directory}: no such folder", file=sys.stderr)
        return 1
    try:
        return args.run(root, args)
    except SiteGenError as exc:
        if args.debug:
            traceback.print_exc()
        print(_error_text(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _error_text(exc: SiteGenError) -> str:
    lines = str(exc).splitlines() or [type(exc).__name__]
    count = len(getattr(exc, "errors", ())) or 1
    head = "error" if count == 1 else f"{count} errors"
    return f"{head}:\n" + "\n".join(f"  {line}" for line in lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen", description="Turn wire stories into a static news-briefing site."
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument(
        "-C", dest="directory", default=".", metavar="DIR", help="run in site folder DIR"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_init(sub)
    _add_ingest(sub)
    _add_build(sub)
    _add_serve(sub)
    _add_deploy(sub)
    _add_check(sub)
    return parser


def _add_init(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("init", help="create a new site that builds at once")
    cmd.add_argument("target", metavar="DIR", help="folder to create (must be empty or absent)")
    cmd.set_defaults(run=_run_init)


def _add_ingest(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("ingest", help="turn raw wire stories into content/stories/*.md")
    cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH", help=".txt files or folders")
    cmd.add_argument("--date", help="date for stories whose text states none (YYYY-MM-DD)")
    cmd.add_argument(
        "--force", action="store_true", help="overwrite editors' changes (a backup is kept)"
    )
    cmd.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    cmd.set_defaults(run=_run_ingest)


def _add_build(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("build", help="render content/ into the output folder")
    _add_build_options(cmd)
    cmd.add_argument("--clean", action="store_true", help="ignore the cache; rewrite every file")
    cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    cmd.set_defaults(run=_run_build)


def _add_build_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--drafts", action="store_true", help="include stories marked draft")
    cmd.add_argument(
        "--base-url", metavar="URL", help="override base_url, e.g. https://user.github.io/repo/"
    )


def _add_serve(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("serve", help="preview the site locally with live reload")
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    cmd.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    cmd.add_argument("--drafts", action="store_true", help="include stories marked draft")
    cmd.add_argument("--open", action="store_true", help="open the site in a browser")
    cmd.set_defaults(run=_run_serve)


def _add_deploy(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("deploy", help="publish the site to a GitHub Pages branch")
    cmd.add_argument("--remote", help="git remote to push to (config deploy_remote: origin)")
    cmd.add_argument("--branch", help="branch to publish (config deploy_branch: gh-pages)")
    cmd.add_argument("--message", "-m", help="commit message")
    cmd.add_argument("--base-url", metavar="URL", help="production base URL (config base_url)")
    cmd.add_argument("--allow-dirty", action="store_true", help="deploy with uncommitted changes")
    cmd.add_argument("--dry-run", action="store_true", help="build and report; publish nothing")
    cmd.set_defaults(run=_run_deploy)


def _add_check(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("check", help="check the built site's internal links, feeds and sitemap")
    cmd.set_defaults(run=_run_check)


def _run_check(root: Path, args: argparse.Namespace) -> int:
    from site_gen.check import check_links, check_xml
    from site_gen.config import load_config

    config = load_config(root)
    out = config.output_path
    if not out.is_dir():
        raise SiteGenError(f"{out}: no built site; run sitegen build first")
    problems = [str(b) for b in check_links(out, config.base_path)] + check_xml(out)
    for line in problems:
        print(line)
    pages = sum(1 for _ in out.rglob("*.html"))
    print(f"checked {pages} pages: {len(problems)} problem(s)")
    return 1 if problems else 0


def _run_init(root: Path, args: argparse.Namespace) -> int:
    from site_gen.init import init_site

    target = (root / args.target).resolve()
    init_site(target)
    print(f"created a new site in {target}; run: sitegen -C {args.target} build")
    return 0


def _run_ingest(root: Path, args: argparse.Namespace) -> int:
    from site_gen.ingest.command import run_ingest

    paths = [p if p.is_absolute() else root / p for p in args.paths]
    return run_ingest(root, paths, date=args.date, force=args.force, dry_run=args.dry_run)


def _run_build(root: Path, args: argparse.Namespace) -> int:
    from site_gen.build import build_site

    result = build_site(
        root, base_url=args.base_url, drafts=args.drafts, clean=args.clean, strict=args.strict
    )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"built {result.pages} pages into {_shown(result.out_dir, root)} "
        f"in {result.seconds:.2f} s: "
        f"{len(result.written)} written, {result.unchanged} unchanged, "
        f"{len(result.removed)} removed"
    )
    return 0


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) + "/" if path.is_relative_to(root) else str(path)


def _run_serve(root: Path, args: argparse.Namespace) -> int:
    from site_gen.serve import run_serve

    return run_serve(
        root, host=args.host, port=args.port, drafts=args.drafts, open_browser=args.open
    )


def _run_deploy(root: Path, args: argparse.Namespace) -> int:
    from site_gen.deploy import run_deploy

    return run_deploy(
        root,
        remote=args.remote,
        branch=args.branch,
        message=args.message,
        allow_dirty=args.allow_dirty,
        dry_run=args.dry_run,
        base_url=args.base_url,
    )
