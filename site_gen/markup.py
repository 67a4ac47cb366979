"""Markdown to safe HTML: Python-Markdown, then the nh3 sanitiser (story text is untrusted)."""

from __future__ import annotations

import hashlib

import markdown
import nh3

EXTENSIONS = ("extra", "sane_lists")
URL_SCHEMES = {"http", "https", "mailto"}
ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "*": {"id", "title", "lang", "dir"}}


def markdown_to_html(text: str) -> str:
    """Convert Markdown to HTML and remove scripts, event handlers and unsafe URLs."""
    html = markdown.markdown(text, extensions=list(EXTENSIONS), output_format="html")
    return sanitize(html)


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
