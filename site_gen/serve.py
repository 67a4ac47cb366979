"""``sitegen serve``: preview the site, rebuilding and reloading the browser on every change.

``livereload`` supplies the LiveReload protocol (the ``/livereload`` WebSocket), its browser
client (``/livereload.js``) and ``/forcereload``; its tornado server runs our WSGI app
(``DevApp``) with ``debug=False``, so Python's autoreload stays off. The rest is ours,
because livereload's own watcher and script injection lose changes (see docs/serve.md):

* a poller stamps the sources every ``POLL_INTERVAL`` seconds (``site_gen.watch``) and a
  ``Debouncer`` turns a burst of changes into one build;
* the site is built into a folder of its own under ``.sitegen-cache/`` (never ``public/``)
  with the local address as base URL, and served under the configured base path;
* a failed build keeps the last good one on show, with an error overlay on every page;
* browsers are told to reload (what ``/forcereload`` does) after every build that changed
  something. Builds and requests share one thread, so a page is never served half-built.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import mimetypes
import os
import signal
import sys
import threading
import time
import traceback
import warnings
import webbrowser
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from site_gen.build import CACHE_DIR, BuildResult, build_site
from site_gen.cache import BuildState
from site_gen.config import load_config
from site_gen.errors import SiteGenError
from site_gen.overlay import Problem, error_page, inject, overlay_html, problems_from
from site_gen.overlay import reload_script as make_reload_script
from site_gen.watch import WATCHED, Debouncer, Snapshot, changed_paths, scan

POLL_INTERVAL = 0.2  # seconds between two looks at the sources
QUIET = 0.15  # a build starts once this long has passed with no new change
SCAN_SHARE = 0.25  # on big sites, poll less often so scanning takes at most this share of time

StartResponse = Callable[..., Any]

_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ico": "image/vnd.microsoft.icon",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
_TEXT_TYPES = ("application/json", "application/xml", "image/svg+xml", "application/manifest+json")


def content_type(name: str) -> str:
    """The Content-Type for a served file name (UTF-8 for text)."""
    suffix = Path(name).suffix.lower()
    kind = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in _TEXT_TYPES:
        return f"{kind}; charset=utf-8"
    return kind


# --- mapping URLs to files ------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a request path leads: a file, a redirect, or nothing."""

    kind: Literal["file", "redirect", "missing"]
    file: Path | None = None
    location: str = ""


def locate(url_path: str, base_path: str, out_dir: Path) -> Target:
    """Map a decoded request path to a file of the build served under ``base_path``."""
    if url_path == "/" and base_path != "/" or url_path == base_path.rstrip("/"):
        return Target("redirect", location=base_path)
    if not url_path.startswith(base_path):
        return Target("missing")
    rel = url_path[len(base_path) :]
    parts = [p for p in rel.split("/") if p]
    if any(p in (".", "..") or "\\" in p or "\x00" in p for p in parts):
        return Target("missing")
    path = out_dir.joinpath(*parts)
    if path.is_dir():
        if rel and not rel.endswith("/"):
            return Target("redirect", location=url_path + "/")
        path = path / "index.html"
    return Target("file", file=path) if path.is_file() else Target("missing")


# --- the WSGI app ---------------------------------------------------------------------


@dataclass
class ServeState:
    """What the server shows: the folder of the last good build, and current build errors."""

    out_dir: Path
    base_path: str = "/"
    built: bool = False
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Response:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class DevApp:
    """WSGI app serving the last good build under its base path, with the reload script
    (and the error overlay, while a build is failing) added to every HTML response."""

    def __init__(self, state: ServeState, script: bytes) -> None:
        self.state = state
        self.script = script

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        try:
            response = self.respond(environ["REQUEST_METHOD"], _path_info(environ))
        except Exception as exc:  # never let a request kill the server
            body = f"sitegen serve: internal error: {exc}\n".encode()
            response = Response("500 Internal Server Error", _headers("text/plain", body), body)
        query = environ.get("QUERY_STRING", "")
        headers = [
            (k, v + "?" + query if k == "Location" and query else v) for k, v in response.headers
        ]
        start_response(response.status, headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [response.body]

    def respond(self, method: str, url_path: str) -> Response:
        """The response to one request (a pure function of the state and the build folder)."""
        if method not in ("GET", "HEAD"):
            body = b"method not allowed\n"
            return Response("405 Method Not Allowed", _headers("text/plain", body), body)
        state = self.state
        if not state.built:
            return self._html("500 Internal Server Error", error_page(state.problems))
        target = locate(url_path, state.base_path, state.out_dir)
        if target.kind == "redirect":
            location = quote(target.location, safe="/")
            return Response(
                "302 Found", (("Location", location), ("Cache-Control", "no-store")), b""
            )
        if target.kind == "file" and target.file:
            body = target.file.read_bytes()
            kind = content_type(target.file.name)
            if kind.startswith("text/html"):
                return self._html("200 OK", body)
            return Response("200 OK", _headers(kind, body), body)
        page = state.out_dir / "404.html"
        body = page.read_bytes() if page.is_file() else b"<!doctype html><p>Page not found</p>\n"
        return self._html("404 Not Found", body)

    def _html(self, status: str, page: bytes) -> Response:
        if self.state.problems and self.state.built:
            page = inject(page, overlay_html(self.state.problems))
        body = inject(page, self.script)
        return Response(status, _headers("text/html; charset=utf-8", body), body)


def _headers(kind: str, body: bytes) -> tuple[tuple[str, str], ...]:
    return (
        ("Content-Type", kind),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
    )


def _path_info(environ: dict[str, Any]) -> str:
    """PATH_INFO as text (WSGI hands it over as Latin-1-decoded bytes)."""
    raw = environ.get("PATH_INFO", "") or "/"
    return raw.encode("latin-1").decode("utf-8", "replace")


# --- building -------------------------------------------------------------------------


@dataclass
class Session:
    """The serve loop's state: what was seen, what is pending, what is shown."""

    root: Path
    state: ServeState
    origin: str  # http://host:port
    drafts: bool
    excluded: tuple[Path, ...]
    notify: Callable[[str], None]
    debouncer: Debouncer = field(default_factory=lambda: Debouncer(QUIET))
    snapshot: Snapshot = field(default_factory=dict)
    interval: float = POLL_INTERVAL
    warnings: tuple[str, ...] = ()
    cache: BuildState = field(  # kept in memory between builds
        default_factory=lambda: BuildState(private_output=True)
    )

    def look(self, now: float) -> tuple[str, ...]:
        """Scan the sources once; record and return what changed since the last look."""
        started = time.perf_counter()
        snapshot = scan(self.root, self.excluded)
        self.interval = max(POLL_INTERVAL, (time.perf_counter() - started) / SCAN_SHARE)
        paths = changed_paths(self.snapshot, snapshot)
        self.snapshot = snapshot
        self.debouncer.add(paths, now)
        return paths

    def tick(self, now: float) -> None:
        """One poll: look for changes, and rebuild when a burst of them is over."""
        self.look(now)
        if self.debouncer.due(now):
            batch = self.debouncer.start()
            try:
                self.rebuild(batch)
            finally:
                self.debouncer.finish()

    def first_build(self) -> None:
        """Build once at start; a failure is shown in the browser, not fatal."""
        self.look(time.monotonic())
        self.debouncer.start()
        self.debouncer.finish()
        result = self.build()
        if result:
            print(
                f"built {result.pages} pages in {result.seconds:.2f} s into "
                f"{_shown(result.out_dir, self.root)}",
                flush=True,
            )
        else:
            print("the first build failed: serving an error page until it is fixed", flush=True)

    def rebuild(self, batch: tuple[str, ...]) -> None:
        """Build after a change; tell browsers to reload when the result changed."""
        before = self.state.problems
        result = self.build()
        what = _describe(batch)
        if result is None:
            shown = "the last good build" if self.state.built else "an error page"
            print(f"rebuild failed [{what}]; still serving {shown}", flush=True)
            self.notify("*")
            return
        age = _age(self.root, batch)
        since = f", {age:.2f} s after the edit" if age is not None else ""
        touched = (*result.written, *result.removed)
        if not touched and not before:
            print(f"rebuilt in {result.seconds:.2f} s{since}: nothing changed [{what}]", flush=True)
            return
        print(
            f"rebuilt in {result.seconds:.2f} s{since}: {len(result.written)} written, "
            f"{len(result.removed)} removed [{what}]",
            flush=True,
        )
        css_only = touched and all(p.endswith(".css") for p in touched) and not before
        self.notify(touched[0] if css_only else "*")

    def build(self) -> BuildResult | None:
        """Build into the serve folder; on error print it, keep the last good build, return None."""
        try:
            config = load_config(self.root)
            if not self.state.built:  # the address to show even if this build fails
                self.state.base_path = config.base_path
            result = build_site(
                self.root,
                base_url=self.origin + config.base_path,
                drafts=self.drafts,
                out_dir=self.state.out_dir,
                state=self.cache,
            )
        except Exception as exc:  # SiteGenError, or a bug in a build step: keep serving
            self._failed(exc)
            return None
        if config.base_path != self.state.base_path:
            print(f"the site is now at {self.origin}{config.base_path}", flush=True)
        self.state.base_path = config.base_path
        self.state.built = True
        self.state.problems = ()
        self._warn(tuple(result.warnings))
        return result

    def _failed(self, exc: Exception) -> None:
        """Record the errors for the overlay and print them as ``path:line: message``."""
        problems = problems_from(exc, self.root)
        self.state.problems = problems
        if not isinstance(exc, SiteGenError):
            print("internal error during the build:", file=sys.stderr)
            traceback.print_exception(exc, file=sys.stderr)
        else:
            count = len(problems)
            print("build error:" if count == 1 else f"{count} build errors:", file=sys.stderr)
            for line in "\n".join(str(p) for p in problems).splitlines():
                print(f"  {line}", file=sys.stderr)
        sys.stderr.flush()

    def _warn(self, found: tuple[str, ...]) -> None:
        """Print warnings when they differ from the previous build's."""
        if found != self.warnings:
            for warning in found:
                print(f"warning: {warning}", file=sys.stderr, flush=True)
        self.warnings = found


def _describe(batch: tuple[str, ...]) -> str:
    if not batch:
        return "no file"
    return batch[0] if len(batch) == 1 else f"{batch[0]} and {len(batch) - 1} more"


def _age(root: Path, batch: tuple[str, ...]) -> float | None:
    """Seconds since the newest change in ``batch`` was written (None if all were deletions)."""
    times = []
    for rel in batch:
        with contextlib.suppress(OSError):
            times.append((root / rel).stat().st_mtime)
    return time.time() - max(times) if times else None


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) + "/" if path.is_relative_to(root) else str(path)


# --- the server -----------------------------------------------------------------------


class _InlineExecutor(Executor):
    """Runs the WSGI app on the event-loop thread, so requests wait for a running build."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def _quiet_library_warnings() -> Iterator[None]:
    """Hide deprecation warnings raised inside livereload and tornado (not our code's)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", category=DeprecationWarning, module=r"(livereload|tornado)(\.|$)"
        )
        yield


def _live_server(app: DevApp) -> Any:
    """livereload's Server around ``app``, with its own ``</head>`` injection turned off."""
    with _quiet_library_warnings():
        from livereload import Server
        from livereload.handlers import LiveReloadHandler
        from tornado import web
        from tornado.wsgi import WSGIContainer

    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # never drop a reload (lepture/python-livereload#161)

    class LiveServer(Server):
        def get_web_handlers(self, script: bytes) -> list:
            # livereload would add its script before every "</head>" of every response;
            # DevApp adds ours before the last </body> of HTML responses only.
            container = WSGIContainer(self.app, executor=_InlineExecutor())
            return [(r".*", web.FallbackHandler, {"fallback": container})]

    return LiveServer(app=app)


def _reload_browsers(path: str) -> None:
    """What GET /forcereload does: tell every connected browser to reload ``path``."""
    from livereload.handlers import LiveReloadHandler

    LiveReloadHandler.reload_waiters(path)


def display_host(host: str) -> str:
    """The host part of the URL to print for a listening address."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def run_serve(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    drafts: bool = False,
    open_browser: bool = False,
) -> int:
    """Serve the site at ``root`` until Ctrl-C; return the exit status."""
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_plain_signals)
    try:
        return asyncio.run(_serve(root, host, port, drafts, open_browser))
    except KeyboardInterrupt:
        print("stopped", flush=True)
        return 0


def _plain_signals() -> None:
    """In a process forked by a build (parallel rendering), undo the server's signal handling:
    otherwise a worker would ignore SIGTERM and wake the server's loop with its signals.
    Ctrl-C is left to the server, which ends the workers itself."""
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)


async def _serve(root: Path, host: str, port: int, drafts: bool, open_browser: bool) -> int:
    out_dir = root / CACHE_DIR / f"serve-{port}"
    state = ServeState(out_dir=out_dir)
    server = _live_server(DevApp(state, make_reload_script(port)))
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # no line per request
    try:
        with _quiet_library_warnings():
            server.application(port, host, debug=False)
    except OSError as exc:
        print(_listen_error(exc, host, port), file=sys.stderr)
        return 1
    session = Session(
        root=root,
        state=state,
        origin=f"http://{display_host(host)}:{port}",
        drafts=drafts,
        excluded=_excluded(root, out_dir),
        notify=_reload_browsers,
    )
    session.first_build()
    url = session.origin + state.base_path
    print(f"serving {url} (Ctrl-C to stop)", flush=True)
    print(f"watching {', '.join(WATCHED)}", flush=True)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    poller = asyncio.create_task(_poll(session))
    try:
        await stop.wait()
    finally:
        poller.cancel()
    print("stopped", flush=True)
    return 0


async def _poll(session: Session) -> None:
    while True:
        await asyncio.sleep(session.interval)
        try:
            session.tick(time.monotonic())
        except Exception:  # keep watching whatever happens
            traceback.print_exc()


def _excluded(root: Path, out_dir: Path) -> tuple[Path, ...]:
    paths: list[Path] = [out_dir, root / "public"]
    with contextlib.suppress(SiteGenError):
        paths.append(load_config(root).output_path)
    return tuple(paths)


def _listen_error(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"error: port {port} is already in use on {host}; choose another with --port"
    reason = exc.strerror or str(exc)
    return f"error: cannot listen on {host}:{port}: {reason}"
