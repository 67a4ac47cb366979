"""``sitegen check``: internal links, feeds and sitemap of a built site, with no network."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {
    ("a", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("form", "action"),
}


@dataclass(frozen=True)
class BrokenLink:
    page: str  # output-relative file holding the link
    target: str  # the link as written

    def __str__(self) -> str:
        return f"{self.page}: broken link {self.target!r}"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if (tag, name) in LINK_ATTRS and value is not None:
                self.links.append(value)


def check_links(out_dir: Path, base_path: str = "/") -> list[BrokenLink]:
    """Every internal link of every HTML file must lead to a file (fragments to an id)."""
    out_dir = out_dir.resolve()
    broken = []
    pages = sorted(out_dir.rglob("*.html"))
    parsed = {p: _parse(p) for p in pages}
    for page, links in parsed.items():
        for link in links.links:
            if not _resolves(link, page, out_dir, base_path, parsed):
                broken.append(BrokenLink(page.relative_to(out_dir).as_posix(), link))
    return broken


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _resolves(link: str, page: Path, out_dir: Path, base: str, parsed: dict) -> bool:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
        return True  # external: not checked here
    if not parts.path:
        return not parts.fragment or parts.fragment in parsed[page].ids
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(base):
            return False
        target = out_dir / path[len(base) :]
    else:
        target = page.parent / path
    if target.is_dir() or path.endswith("/"):
        target = target / "index.html"
    target = target.resolve()
    if not target.is_relative_to(out_dir.resolve()) or not target.is_file():
        return False
    if parts.fragment and target in parsed:
        return parts.fragment in parsed[target].ids
    return True


def check_xml(out_dir: Path) -> list[str]:
    """Every ``.xml`` output must parse as XML; return one message per file that does not."""
    problems = []
    for path in sorted(out_dir.rglob("*.xml")):
        try:
            ET.parse(path)
        except ET.ParseError as exc:
            problems.append(f"{path.relative_to(out_dir).as_posix()}: not well-formed XML: {exc}")
    return problems
