"""What ``sitegen serve`` adds to HTML responses: the reload script and the build-error overlay.

Nothing here touches files on disk: the additions exist only in served responses.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from site_gen.errors import BuildErrors, ConfigError, SiteGenError, SourceError

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
OVERLAY_ID = "sitegen-build-error"


@dataclass(frozen=True)
class Problem:
    """One build error as shown in the browser: file, line and message."""

    path: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


def problems_from(exc: BaseException, root: Path) -> tuple[Problem, ...]:
    """Flatten an exception from a build into problems, paths relative to ``root``."""
    if isinstance(exc, BuildErrors):
        return tuple(p for e in exc.errors for p in problems_from(e, root))
    if isinstance(exc, SourceError):
        return (Problem(_relative(exc.path, root), exc.line, exc.message),)
    if isinstance(exc, ConfigError):
        return tuple(Problem(_relative(exc.path, root), None, p) for p in exc.problems)
    if isinstance(exc, SiteGenError):
        return (Problem(None, None, str(exc)),)
    return (Problem(None, None, f"internal error: {type(exc).__name__}: {exc}"),)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def inject(page: bytes, snippet: bytes) -> bytes:
    """Insert ``snippet`` before the last ``</body>`` (any case), or append it if there is none."""
    ends = [m.start() for m in _BODY_END.finditer(page)]
    if not ends:
        return page + snippet
    return page[: ends[-1]] + snippet + page[ends[-1] :]


def reload_script(port: int) -> bytes:
    """The tag that loads livereload's client from this server (same origin, so CSP-friendly)."""
    return f'<script src="/livereload.js?port={port}"></script>'.encode()


def overlay_html(problems: tuple[Problem, ...]) -> bytes:
    """A fixed panel listing the build errors (escaped), shown over the last good page."""
    count = len(problems)
    head = "Build failed" if count == 1 else f"Build failed: {count} errors"
    items = "".join(
        f'<li style="margin:.4em 0"><code style="font-weight:bold">'
        f"{html.escape(_where(p))}</code>{html.escape(p.message)}</li>"
        for p in problems
    )
    return (
        f'<div id="{OVERLAY_ID}" role="alert" style="position:fixed;z-index:2147483647;'
        "left:0;right:0;top:0;max-height:60vh;overflow:auto;margin:0;padding:1em 1.5em;"
        "background:#fff4f4;color:#5c0000;border-bottom:4px solid #b00020;"
        "font:15px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
        'box-shadow:0 2px 12px rgba(0,0,0,.3);text-align:left">'
        f'<p style="margin:0 0 .4em;font-weight:bold;font-size:17px">{head}</p>'
        f'<ul style="margin:0;padding-left:1.2em">{items}</ul>'
        '<p style="margin:.6em 0 0;color:#333">Showing the last good build. '
        "This page reloads when the error is fixed.</p></div>"
    ).encode()


def _where(problem: Problem) -> str:
    if not problem.path:
        return ""
    return f"{problem.path}:{problem.line}: " if problem.line else f"{problem.path}: "


def error_page(problems: tuple[Problem, ...]) -> bytes:
    """A whole page for when no build has succeeded yet."""
    return (
        b'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        b"<title>Build failed \xc2\xb7 sitegen</title>\n</head>\n<body>\n"
        + overlay_html(problems).replace(
            b"Showing the last good build. ", b"No build has succeeded yet. "
        )
        + b"\n</body>\n</html>\n"
    )
