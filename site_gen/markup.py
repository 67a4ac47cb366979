"""Markdown to safe HTML: Python-Markdown, then the nh3 sanitiser (story text is untrusted).

Most wire stories are nothing but plain paragraphs. Those take a direct path
(``plain_paragraphs``) that gives exactly what Python-Markdown and nh3 give for them,
about fifty times faster; any text with a character or line start that Markdown could read
as syntax goes the full way.
"""

from __future__ import annotations

import functools
import hashlib
import re

import markdown
import nh3

EXTENSIONS = ("extra", "sane_lists")
URL_SCHEMES = {"http", "https", "mailto"}
ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "*": {"id", "title", "lang", "dir"}}

# Anything Markdown (with EXTENSIONS) or the sanitiser could treat specially, anywhere in a
# line: escapes, emphasis, code, links, HTML and entities, tables, attribute lists,
# fences, and whitespace or control characters other than a single newline.
_SYNTAX_CHAR = re.compile(
    r"[\\`*_\[\]<>&{}|~\x00-\x09\x0b-\x1f\x7f-\xa0\u2028\u2029\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]"
)
# Line starts that open a block: heading, quote, list, rule, definition, setext underline,
# indented code (lines with edge whitespace, which can also mean a line break, are refused
# as well).
_BLOCK_START = re.compile(r"[#>:=+-]|\d+[.)]")


def markdown_to_html(text: str) -> str:
    """Convert Markdown to HTML and remove scripts, event handlers and unsafe URLs."""
    plain = plain_paragraphs(text)
    return plain if plain is not None else full_markdown_to_html(text)


def full_markdown_to_html(text: str) -> str:
    """The full path: Python-Markdown, then the sanitiser."""
    return sanitize(_converter().reset().convert(text))


def plain_paragraphs(text: str) -> str | None:
    """The HTML of text made only of plain paragraphs, or None when it may hold syntax."""
    if _SYNTAX_CHAR.search(text) or not all(map(_plain_line, text.split("\n"))):
        return None
    blocks = (block.strip("\n") for block in text.split("\n\n"))
    return "\n".join(f"<p>{block}</p>" for block in blocks if block)


def _plain_line(line: str) -> bool:
    return not line or (line == line.strip() and not _BLOCK_START.match(line))


@functools.cache
def _converter() -> markdown.Markdown:
    """One Python-Markdown instance per process, reset before each use."""
    return markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")


def sanitize(html: str) -> str:
    """Keep ordinary document markup only: no script, style, handlers or ``javascript:``."""
    return nh3.clean(
        html,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
    )


class MarkdownCache:
    """Rendered Markdown keyed by the sha256 of its source; kept between builds."""

    def __init__(self, entries: dict[str, str] | None = None) -> None:
        self.entries: dict[str, str] = entries if entries is not None else {}
        self.used: set[str] = set()

    def render(self, text: str) -> str:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.used.add(key)
        html = self.entries.get(key)
        if html is None:
            html = self.entries[key] = markdown_to_html(text)
        return html

    def prune(self) -> None:
        """Drop entries the last build did not use."""
        self.entries = {k: v for k, v in self.entries.items() if k in self.used}
