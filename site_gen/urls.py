"""Site URLs: every internal link is relative to the page it sits on."""

from __future__ import annotations


def relative_url(target: str, from_url: str) -> str:
    """Link from the page at ``from_url`` to ``target`` (both site-relative, no leading /).

    ``relative_url("tags/syria/", "stories/x/") == "../../tags/syria/"``.
    """
    depth = from_url.count("/")
    return "../" * depth + target or "./"


def absolute_url(target: str, base: str) -> str:
    """Absolute URL of a site-relative path under ``base`` (which ends with ``/``)."""
    return base + target


def output_path(url: str) -> str:
    """File written for a URL: directories get ``index.html``."""
    return url + "index.html" if url == "" or url.endswith("/") else url
