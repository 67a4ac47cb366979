"""``sitegen serve``: the pure parts in-process, then the real server in a subprocess."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from site_gen import build
from site_gen.errors import BuildErrors, ConfigError, SourceError
from site_gen.overlay import OVERLAY_ID, Problem, inject, problems_from, reload_script
from site_gen.serve import DevApp, ServeState, Session, content_type, display_host, locate
from site_gen.watch import Debouncer, changed_paths, is_temp_file, scan

SCRIPT = reload_script(8000)

CONFIG = "title: Test Briefing\nbase_url: https://example.github.io/repo/\n"


def story(slug: str, title: str, body: str = "", tags: str = "[diplomacy]") -> str:
    return (
        f"---\ntitle: {title}\nslug: {slug}\ndate: 2024-03-0{len(slug) % 9 + 1}\n"
        f"summary: Summary of {title}.\ntags: {tags}\nactors: [United Nations]\n---\n"
        f"{body or 'Body of ' + title + '.'}\n"
    )


BROKEN = "---\ntitle: Beta story\nslug: beta\ntags: [unclosed\n---\nBody.\n"
BROKEN_AT = re.compile(rb"content/stories/beta\.md:[3-5]: ")  # the line YAML blames


def make_site(root: Path, *, broken: bool = False) -> Path:
    """A small site under a project base path, three stories."""
    (root / "content" / "stories").mkdir(parents=True)
    (root / "sitegen.yaml").write_text(CONFIG, encoding="utf-8")
    stories = root / "content" / "stories"
    stories.joinpath("alpha.md").write_text(story("alpha", "Alpha story"), encoding="utf-8")
    beta = BROKEN if broken else story("beta", "Beta story")
    stories.joinpath("beta.md").write_text(beta, encoding="utf-8")
    stories.joinpath("gamma.md").write_text(story("gamma", "Gamma story"), encoding="utf-8")
    return root


# --- pure parts -----------------------------------------------------------------------


def test_inject_goes_before_the_last_body_end_in_any_case() -> None:
    page = b"<html><body><pre>&lt;/body&gt;</body></BODY></html>"
    assert inject(page, b"<s>") == b"<html><body><pre>&lt;/body&gt;</body><s></BODY></html>"
    assert inject(b"<p>x</p></Body >", b"<s>") == b"<p>x</p><s></Body >"


def test_inject_appends_when_there_is_no_body_end() -> None:
    assert inject(b"<p>fragment</p>", b"<s>") == b"<p>fragment</p><s>"


def test_content_types() -> None:
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("style.css") == "text/css; charset=utf-8"
    assert content_type("app.js") == "text/javascript; charset=utf-8"
    assert content_type("atom.xml") == "application/xml; charset=utf-8"
    assert content_type("search.json") == "application/json; charset=utf-8"
    assert content_type("world.svg") == "image/svg+xml; charset=utf-8"
    assert content_type("photo.JPG") == "image/jpeg"
    assert content_type("blob.unknownext") == "application/octet-stream"


@pytest.fixture
def built(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    for rel, text in {
        "index.html": "<html><body>home</body></html>",
        "404.html": "<html><body>Page not found</body></html>",
        "stories/index.html": "<html><body>stories</body></html>",
        "style.css": "body::after { content: '</body></head>'; }",
        "atom.xml": "<feed><content>&lt;/body&gt;</content></feed>",
    }.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    return out


def test_locate_maps_paths_under_the_base_path(built: Path) -> None:
    assert locate("/", "/repo/", built).location == "/repo/"
    assert locate("/repo", "/repo/", built).location == "/repo/"
    assert locate("/repo/stories", "/repo/", built).location == "/repo/stories/"
    assert locate("/repo/", "/repo/", built).file == built / "index.html"
    assert locate("/repo/stories/", "/repo/", built).file == built / "stories" / "index.html"
    assert locate("/repo/style.css", "/repo/", built).file == built / "style.css"
    assert locate("/style.css", "/repo/", built).kind == "missing"
    assert locate("/repo/nothing/", "/repo/", built).kind == "missing"
    assert locate("/repo/../out/index.html", "/repo/", built).kind == "missing"
    assert locate("/", "/", built).file == built / "index.html"


def test_app_injects_the_script_into_html_only(built: Path) -> None:
    app = DevApp(ServeState(out_dir=built, base_path="/repo/", built=True), SCRIPT)
    home = app.respond("GET", "/repo/")
    assert home.status == "200 OK"
    assert home.body == b"<html><body>home" + SCRIPT + b"</body></html>"
    css = app.respond("GET", "/repo/style.css")
    assert dict(css.headers)["Content-Type"].startswith("text/css")
    assert css.body == (built / "style.css").read_bytes()
    assert app.respond("GET", "/repo/atom.xml").body == (built / "atom.xml").read_bytes()
    assert SCRIPT not in (built / "index.html").read_bytes()  # never written to disk


def test_app_answers_misses_with_the_404_page(built: Path) -> None:
    app = DevApp(ServeState(out_dir=built, base_path="/repo/", built=True), SCRIPT)
    missing = app.respond("GET", "/repo/no/such/page/")
    assert missing.status.startswith("404")
    assert b"Page not found" in missing.body and SCRIPT in missing.body
    assert app.respond("GET", "/other/").status.startswith("404")
    assert app.respond("POST", "/repo/").status.startswith("405")


def test_app_overlays_errors_on_the_last_good_build(built: Path) -> None:
    problems = (Problem("content/stories/a.md", 3, "bad <thing> & more"),)
    state = ServeState(out_dir=built, base_path="/repo/", built=True, problems=problems)
    body = DevApp(state, SCRIPT).respond("GET", "/repo/").body
    assert b"home" in body and OVERLAY_ID.encode() in body
    assert b"content/stories/a.md:3: " in body and b"bad &lt;thing&gt; &amp; more" in body
    assert body.index(OVERLAY_ID.encode()) < body.index(SCRIPT)
    css = DevApp(state, SCRIPT).respond("GET", "/repo/style.css").body
    assert OVERLAY_ID.encode() not in css


def test_app_shows_an_error_page_before_any_good_build(tmp_path: Path) -> None:
    state = ServeState(out_dir=tmp_path, problems=(Problem("sitegen.yaml", None, "oops"),))
    page = DevApp(state, SCRIPT).respond("GET", "/anything/")
    assert page.status.startswith("500")
    assert b"sitegen.yaml: " in page.body and b"oops" in page.body and SCRIPT in page.body


def test_problems_from_errors_are_relative_to_the_site(tmp_path: Path) -> None:
    errors = BuildErrors(
        [SourceError(tmp_path / "content/stories/a.md", 4, "front matter: bad date"),
         ConfigError(tmp_path / "sitegen.yaml", ["unknown key 'x'"])]
    )  # fmt: skip
    assert problems_from(errors, tmp_path) == (
        Problem("content/stories/a.md", 4, "front matter: bad date"),
        Problem("sitegen.yaml", None, "unknown key 'x'"),
    )
    assert problems_from(ValueError("boom"), tmp_path)[0].message.startswith("internal error")


def test_debouncer_turns_a_burst_into_one_build() -> None:
    bounce = Debouncer(quiet=0.15)
    assert not bounce.due(0.0)
    for i in range(6):
        bounce.add([f"content/stories/{i}.md"], now=1.0 + i * 0.05)
        assert not bounce.due(1.0 + i * 0.05)
    assert bounce.due(1.45)
    assert len(bounce.start()) == 6
    bounce.finish()
    assert not bounce.due(5.0)


def test_debouncer_queues_exactly_one_build_for_changes_during_a_build() -> None:
    bounce = Debouncer(quiet=0.15)
    bounce.add(["a.md"], now=0.0)
    assert bounce.start() == ("a.md",)
    bounce.add(["b.md"], now=0.1)
    bounce.add(["c.md"], now=0.2)
    assert not bounce.due(1.0)  # still building
    bounce.finish()
    assert bounce.due(1.0)
    assert bounce.start() == ("b.md", "c.md")
    bounce.finish()
    assert not bounce.due(2.0)


def test_display_host() -> None:
    assert display_host("0.0.0.0") == "127.0.0.1"
    assert display_host("::1") == "[::1]"
    assert display_host("localhost") == "localhost"


def test_scan_sees_sources_only(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    for rel in [
        "content/stories/.alpha.md.swp", "content/stories/alpha.md~", "content/stories/.#alpha.md",
        "content/stories/4913", "public/index.html", "content/.git/HEAD", "templates/x.html",
        "static/venv/pyvenv.cfg", "static/venv/lib/a.py", "notes.txt", "static/css/site.css",
        ".sitegen-cache/serve-1/index.html",
    ]:  # fmt: skip
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    assert sorted(scan(root)) == [
        "content/stories/alpha.md", "content/stories/beta.md", "content/stories/gamma.md",
        "sitegen.yaml", "static/css/site.css", "templates/x.html",
    ]  # fmt: skip
    assert is_temp_file("4913") and is_temp_file("#story.md#") and not is_temp_file("a.md")


def test_changed_paths_finds_edits_additions_and_deletions(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    before = scan(root)
    (root / "content/stories/alpha.md").write_text(story("alpha", "Alpha edited"), "utf-8")
    (root / "content/stories/gamma.md").unlink()
    (root / "content/stories/delta.md").write_text(story("delta", "Delta"), "utf-8")
    assert changed_paths(before, scan(root)) == (
        "content/stories/alpha.md", "content/stories/delta.md", "content/stories/gamma.md",
    )  # fmt: skip


def test_a_rewrite_with_the_same_time_and_size_is_still_seen(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    path = root / "content" / "stories" / "alpha.md"
    before = scan(root)
    stamp = path.stat()
    with path.open("r+b") as fh:  # same inode, same size, then the same mtime
        fh.write(b"+++")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert changed_paths(before, scan(root)) == ("content/stories/alpha.md",)
    old = os.stat(path).st_mtime_ns - 10**10
    os.utime(path, ns=(old, old))
    aged = scan(root)
    assert aged["content/stories/alpha.md"][3] == 0  # too old to checksum
    assert changed_paths(aged, scan(root)) == ()


@pytest.fixture
def session(tmp_path: Path) -> tuple[Session, list[str]]:
    root = make_site(tmp_path / "site")
    reloads: list[str] = []
    out = root / ".sitegen-cache" / "serve-test"
    state = ServeState(out_dir=out)
    sess = Session(
        root=root,
        state=state,
        origin="http://127.0.0.1:9",
        drafts=False,
        excluded=(out,),
        notify=reloads.append,
    )
    return sess, reloads


def test_session_rebuilds_once_per_burst_and_reloads(
    session: tuple[Session, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    sess, reloads = session
    sess.first_build()
    assert sess.state.built and sess.state.base_path == "/repo/"
    stories = sess.root / "content" / "stories"
    for i in range(6):
        (stories / f"new{i}.md").write_text(story(f"new{i}", f"New story {i}"), "utf-8")
    now = 100.0
    sess.tick(now)  # sees all six
    sess.tick(now + 0.05)  # too soon
    assert reloads == []
    sess.tick(now + 0.3)
    assert reloads == ["*"]
    sess.tick(now + 0.6)
    assert reloads == ["*"]
    out = capsys.readouterr().out
    assert out.count("rebuilt in") == 1 and "[content/stories/new0.md and 5 more]" in out
    assert (sess.state.out_dir / "stories" / "new3" / "index.html").is_file()


def test_session_keeps_the_last_good_build_on_error(
    session: tuple[Session, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    sess, reloads = session
    sess.first_build()
    page = sess.state.out_dir / "stories" / "beta" / "index.html"
    good = page.read_bytes()
    (sess.root / "content/stories/beta.md").write_text(BROKEN, "utf-8")
    sess.tick(10.0)
    sess.tick(10.3)
    assert page.read_bytes() == good
    assert [p.path for p in sess.state.problems] == ["content/stories/beta.md"]
    assert sess.state.problems[0].line in (3, 4, 5)
    assert reloads == ["*"]
    assert re.search(r"beta\.md:[3-5]: front matter", capsys.readouterr().err)
    (sess.root / "content/stories/beta.md").write_text(story("beta", "Beta fixed"), "utf-8")
    sess.tick(20.0)
    sess.tick(20.3)
    assert sess.state.problems == () and b"Beta fixed" in page.read_bytes()
    assert reloads == ["*", "*"]


def test_session_survives_config_errors_and_follows_the_base_path(
    session: tuple[Session, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    sess, reloads = session
    sess.first_build()
    config = sess.root / "sitegen.yaml"
    config.write_text(CONFIG + "colour: blue\n", "utf-8")
    sess.tick(1.0)
    sess.tick(1.3)
    assert sess.state.built and sess.state.base_path == "/repo/"
    assert [str(p) for p in sess.state.problems] == ["sitegen.yaml: unknown key 'colour'"]
    assert "  sitegen.yaml: unknown key 'colour'" in capsys.readouterr().err
    config.write_text(CONFIG.replace("/repo/", "/other/"), "utf-8")
    sess.tick(2.0)
    sess.tick(2.3)
    assert sess.state.problems == () and sess.state.base_path == "/other/"
    assert "the site is now at http://127.0.0.1:9/other/" in capsys.readouterr().out
    assert reloads == ["*", "*"]


def test_session_survives_a_crash_inside_the_build(
    session: tuple[Session, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sess, _ = session
    sess.first_build()

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("site_gen.serve.build_site", crash)
    sess.rebuild(("content/stories/alpha.md",))
    assert sess.state.built
    assert sess.state.problems[0].message == "internal error: RuntimeError: disk on fire"
    assert "internal error during the build" in capsys.readouterr().err


def test_session_swaps_stylesheets_without_a_page_reload(
    session: tuple[Session, list[str]],
) -> None:
    sess, reloads = session
    (sess.root / "static").mkdir()
    (sess.root / "static" / "extra.css").write_text("p { color: red }\n", "utf-8")
    sess.first_build()
    (sess.root / "static" / "extra.css").write_text("p { color: blue }\n", "utf-8")
    sess.tick(1.0)
    sess.tick(1.3)
    assert reloads == ["extra.css"]  # livereload.js reloads just that stylesheet


@pytest.mark.parametrize("drafts", [False, True])
def test_session_builds_drafts_only_when_asked(
    session: tuple[Session, list[str]], drafts: bool
) -> None:
    sess, _ = session
    draft = story("draft", "Draft story").replace("---\n", "---\ndraft: true\n", 1)
    (sess.root / "content/stories/draft.md").write_text(draft, "utf-8")
    sess.drafts = drafts
    sess.first_build()
    assert (sess.state.out_dir / "stories/draft/index.html").is_file() is drafts


def test_session_removes_pages_of_deleted_stories_and_terms(
    session: tuple[Session, list[str]],
) -> None:
    sess, _ = session
    stories = sess.root / "content" / "stories"
    stories.joinpath("gamma.md").write_text(story("gamma", "Gamma", tags="[sport]"), "utf-8")
    sess.first_build()
    out = sess.state.out_dir
    assert (out / "stories/gamma/index.html").is_file() and (out / "tags/sport").is_dir()
    stories.joinpath("gamma.md").unlink()
    sess.tick(1.0)
    sess.tick(1.3)
    assert not (out / "stories/gamma").exists() and not (out / "tags/sport").exists()
    assert b"Gamma" not in (out / "stories/index.html").read_bytes()


# --- the real server ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], object], timeout: float = 15.0, step: float = 0.05) -> object:
    """Poll ``check`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {check}")
        time.sleep(step)


class Served:
    """A running ``sitegen serve`` subprocess with its output collected line by line."""

    def __init__(self, root: Path, port: int, *extra: str) -> None:
        self.root, self.port = root, port
        self.lines: list[str] = []
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-W", "error", "-m", "site_gen", "-C", str(root), "serve",
             "--port", str(port), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def ready(self) -> None:
        def check() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited early:\n{self.output}")
            return any(line.startswith("serving http://") for line in self.lines)

        wait_for(check, timeout=60)

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def page_with(self, path: str, needle: bytes, timeout: float = 15.0) -> bytes:
        """The body at ``path`` once it contains ``needle``."""
        bodies: list[bytes] = []

        def check() -> bool:
            bodies.append(self.get(path)[2])
            return needle in bodies[-1]

        wait_for(check, timeout)
        return bodies[-1]

    def count(self, prefix: str) -> int:
        return sum(line.startswith(prefix) for line in self.lines)

    def stop(self) -> int:
        """Ctrl-C; kill if it does not stop within a few seconds."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._reader.join(timeout=5)
        if self.proc.stdout:
            self.proc.stdout.close()
        return self.proc.returncode


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    servers: list[Served] = []

    def starter(*, broken: bool = False) -> Served:
        root = make_site(tmp_path / f"site{len(servers)}", broken=broken)
        served = Served(root, free_port())
        servers.append(served)
        served.ready()
        return served

    yield starter
    for served in servers:
        code = served.stop()
        assert code == 0, served.output
        assert served.lines[-1] == "stopped", served.output
        assert "Warning" not in served.output and "Traceback" not in served.output, served.output


@pytest.mark.slow
def test_serves_the_site_under_its_base_path(start: Callable[..., Served]) -> None:
    served = start()
    assert f"serving http://127.0.0.1:{served.port}/repo/ (Ctrl-C to stop)" in served.lines
    status, headers, _ = served.get("/")
    assert (status, headers["Location"]) == (302, "/repo/")
    status, headers, _ = served.get("/repo/stories/alpha?x=1")
    assert (status, headers["Location"]) == (302, "/repo/stories/alpha/?x=1")
    status, headers, body = served.get("/repo/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    script = reload_script(served.port)
    assert body.count(script) == 1 and body.index(script) < body.lower().rindex(b"</body>")
    status, _, body = served.get("/repo/stories/alpha/")
    assert status == 200 and b"Alpha story" in body and script in body
    for path, kind in [
        ("/repo/style.css", "text/css"),
        ("/repo/atom.xml", "application/xml"),
        ("/repo/sitemap.xml", "application/xml"),
    ]:
        status, headers, body = served.get(path)
        assert status == 200 and headers["Content-Type"].startswith(kind), path
        assert b"livereload" not in body, path
    status, _, body = served.get("/repo/no/such/page/")
    assert status == 404 and b"Page not found" in body and script in body
    status, _, body = served.get("/livereload.js")
    assert status == 200 and b"LiveReload" in body
    status, headers, body = served.get("/repo/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    public = served.root / "public"
    assert not public.exists(), "serve must never write the production output folder"


@pytest.mark.slow
def test_an_edit_is_served_within_seconds(start: Callable[..., Served]) -> None:
    served = start()
    path = served.root / "content" / "stories" / "alpha.md"
    written = time.monotonic()
    path.write_text(story("alpha", "Alpha story", body="Freshly edited body."), "utf-8")
    wait_for(lambda: b"Freshly edited body." in served.get("/repo/stories/alpha/")[2], 10)
    elapsed = time.monotonic() - written
    assert elapsed < 5, elapsed
    wait_for(lambda: served.count("rebuilt in"), 2)
    assert served.count("rebuilt in") == 1, served.output


@pytest.mark.slow
def test_six_changes_at_once_give_one_rebuild(start: Callable[..., Served]) -> None:
    served = start()
    stories = served.root / "content" / "stories"
    for name in ("alpha", "beta", "gamma"):
        stories.joinpath(f"{name}.md").write_text(story(name, f"{name} v2"), "utf-8")
    for i in range(3):
        stories.joinpath(f"new{i}.md").write_text(story(f"new{i}", f"New {i}"), "utf-8")
    wait_for(lambda: served.get("/repo/stories/new2/")[0] == 200, 15)
    time.sleep(1.5)  # room for any extra rebuild to show up
    assert served.count("rebuilt in") == 1, served.output
    assert "and 5 more" in served.output


@pytest.mark.slow
def test_a_broken_story_shows_an_overlay_over_the_last_good_site(
    start: Callable[..., Served],
) -> None:
    served = start()
    path = served.root / "content" / "stories" / "beta.md"
    path.write_text(BROKEN, "utf-8")
    marker = OVERLAY_ID.encode()
    body = served.page_with("/repo/stories/beta/", marker)
    assert b"Beta story" in body  # the last good page is still there
    assert BROKEN_AT.search(body)
    assert wait_for(lambda: re.search(r"beta\.md:[3-5]: front matter", served.output))
    assert served.get("/repo/style.css")[2].find(marker) == -1
    path.write_text(story("beta", "Beta repaired"), "utf-8")
    body = served.page_with("/repo/stories/beta/", b"repaired")
    assert marker not in body
    assert served.proc.poll() is None


@pytest.mark.slow
def test_a_failing_first_build_serves_an_error_page_until_fixed(
    start: Callable[..., Served],
) -> None:
    served = start(broken=True)
    assert f"serving http://127.0.0.1:{served.port}/repo/ (Ctrl-C to stop)" in served.lines
    status, _, body = served.get("/repo/")
    assert status == 500
    assert BROKEN_AT.search(body) and reload_script(served.port) in body
    served.root.joinpath("content/stories/beta.md").write_text(story("beta", "Beta"), "utf-8")
    wait_for(lambda: served.get("/repo/")[0] == 200)
    assert OVERLAY_ID.encode() not in served.get("/repo/")[2]


@pytest.mark.slow
def test_browsers_get_a_reload_message_after_every_build(start: Callable[..., Served]) -> None:
    served = start()
    stories = served.root / "content" / "stories"
    messages = asyncio.run(_listen_for_reloads(served.port, stories, count=2))
    assert [m["command"] for m in messages] == ["reload", "reload"]


async def _listen_for_reloads(port: int, stories: Path, count: int) -> list[dict]:
    """Speak the LiveReload protocol as livereload.js does; edit twice, quickly."""
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
    await conn.write_message(json.dumps(hello))
    assert json.loads(await conn.read_message())["command"] == "hello"
    await conn.write_message(json.dumps({"command": "info", "url": "http://x/repo/"}))
    await asyncio.sleep(0.2)
    got = []
    for i in range(count):  # the second save comes well within livereload's 3 s throttle
        stories.joinpath("alpha.md").write_text(story("alpha", f"Alpha {i}"), "utf-8")
        got.append(json.loads(await asyncio.wait_for(conn.read_message(), 15)))
    conn.close()
    return got


@pytest.mark.slow
def test_a_rebuild_rendered_in_parallel_leaves_the_server_working(
    start: Callable[..., Served],
) -> None:
    """Forked render workers must not inherit the server's signal handling (a worker that
    ignores SIGTERM hangs the build; one that wakes the server's loop stops it)."""
    served = start()
    stories = served.root / "content" / "stories"
    count = max(120, getattr(build, "PARALLEL_MIN", 300) // 3 + 20)
    for i in range(count):
        text = story(f"bulk{i}", f"Bulk {i}", tags=f"[topic{i}]").replace(
            "United Nations", f"Actor {i}"
        )
        stories.joinpath(f"bulk{i}.md").write_text(text, "utf-8")
    wait_for(lambda: served.count("rebuilt in"), 120)
    bulk = settled(served, "rebuilt in")  # a slow machine may see the files in two batches
    (served.root / "templates").mkdir()
    (served.root / "templates" / "note.html").write_text("<p>unused</p>\n", "utf-8")
    wait_for(lambda: served.count("rebuilt in") == bulk + 1, 120)  # every output is dirty
    stories.joinpath("alpha.md").write_text(story("alpha", "Alpha after bulk"), "utf-8")
    served.page_with("/repo/stories/alpha/", b"Alpha after bulk", timeout=120)
    wait_for(lambda: served.count("rebuilt in") == bulk + 2)  # its line may come just after
    assert served.proc.poll() is None


def settled(served: Served, prefix: str, quiet: float = 2.0) -> int:
    """The count of ``prefix`` lines once none has been added for ``quiet`` seconds."""
    count, since = served.count(prefix), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.1)
        if served.count(prefix) != count:
            count, since = served.count(prefix), time.monotonic()
    return count


@pytest.mark.slow
def test_a_taken_port_is_a_one_line_error(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "site_gen", "-C", str(root), "serve", "--port", str(port)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"error: port {port} is already in use on 127.0.0.1; choose another with --port"
    )


# --- a real browser -------------------------------------------------------------------

CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None
)


class DevTools:
    """Just enough of the Chrome DevTools protocol to run JavaScript in one page."""

    def __init__(self, conn: object) -> None:
        self.conn = conn
        self.next_id = 0

    async def evaluate(self, expression: str) -> object:
        self.next_id += 1
        message = {
            "id": self.next_id,
            "method": "Runtime.evaluate",
            "params": {"expression": expression, "returnByValue": True},
        }
        await self.conn.write_message(json.dumps(message))  # type: ignore[attr-defined]
        while True:
            reply = json.loads(await asyncio.wait_for(self.conn.read_message(), 10))  # type: ignore[attr-defined]
            if reply.get("id") == self.next_id:
                return reply.get("result", {}).get("result", {}).get("value")

    async def until(self, expression: str, timeout: float = 15.0) -> float:
        """Seconds until ``expression`` is true in the page."""
        started = time.monotonic()
        while not await self.evaluate(expression):
            if time.monotonic() - started > timeout:
                raise AssertionError(f"gave up after {timeout} s waiting for {expression}")
            await asyncio.sleep(0.03)
        return time.monotonic() - started


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_a_browser_reloads_on_edit_and_shows_build_errors(
    start: Callable[..., Served], tmp_path: Path
) -> None:
    served = start()
    page_url = f"http://127.0.0.1:{served.port}/repo/stories/alpha/"
    debug_port = free_port()
    browser = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--remote-debugging-port={debug_port}", f"--user-data-dir={tmp_path / 'profile'}",
         page_url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        seconds = asyncio.run(_browse(served, debug_port, page_url))
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(browser.pid, signal.SIGKILL)
            browser.wait(timeout=10)
    print(f"edit-to-reload in headless Chromium: {seconds:.2f} s")
    assert seconds < 3


async def _browse(served: Served, debug_port: int, page_url: str) -> float:
    from tornado.websocket import websocket_connect

    def page_socket() -> str | None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", debug_port, timeout=2)
            conn.request("GET", "/json/list")
            pages = json.loads(conn.getresponse().read())
            conn.close()
        except OSError:
            return None
        return next((p["webSocketDebuggerUrl"] for p in pages if p["url"] == page_url), None)

    tools = DevTools(await websocket_connect(wait_for(page_socket, timeout=20)))
    await tools.until("!!(window.LiveReload && LiveReload.connector._isSocketConnected())")
    assert await tools.evaluate("document.body.innerText.includes('Alpha story')")
    await tools.evaluate("window.notReloaded = true")
    story_file = served.root / "content" / "stories" / "alpha.md"
    story_file.write_text(story("alpha", "Alpha story", body="Freshly edited body."), "utf-8")
    seconds = await tools.until(
        "!window.notReloaded && document.body.innerText.includes('Freshly edited body.')"
    )
    overlay = f"document.getElementById('{OVERLAY_ID}')"
    assert not await tools.evaluate(f"!!{overlay}")
    story_file.write_text(BROKEN.replace("beta", "alpha"), "utf-8")
    await tools.until(f"!!{overlay} && /alpha\\.md:[3-5]: /.test({overlay}.innerText)")
    assert await tools.evaluate("document.body.innerText.includes('Freshly edited body.')")
    story_file.write_text(story("alpha", "Alpha story", body="Repaired."), "utf-8")
    await tools.until(f"!{overlay} && document.body.innerText.includes('Repaired.')")
    tools.conn.close()  # type: ignore[attr-defined]
    return seconds
