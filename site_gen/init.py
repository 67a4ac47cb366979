"""``sitegen init DIR``: a new site with a config and a sample story that builds at once."""

from __future__ import annotations

from pathlib import Path

from site_gen.errors import SiteGenError

CONFIG = """\
# sitegen site configuration: every key is optional.
title: My Briefing
description: Latest stories by actor, place and topic.
# base_url: https://USER.github.io/REPO/
language: en
timezone: UTC
per_page: 10
"""

STORY = """\
---
title: Welcome to your briefing
date: 2026-01-01
summary: A sample story. Replace it with your own, or run sitegen ingest on wire copy.
byline: [Desk Editor]
dateline: {place: Geneva, agency: null}
tags: [diplomacy]
locations: [Geneva]
actors: [United Nations]
---

This sample story shows the front matter a story carries. Edit it, delete it, or
ingest raw wire stories with `sitegen ingest`.
"""

ABOUT = """\
---
title: About
---

This briefing is built with sitegen.
"""

GITIGNORE = "public/\n.sitegen-cache/\n.sitegen-serve/\n"


def init_site(target: Path) -> None:
    """Create a site skeleton in ``target``, which must be empty or not exist."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SiteGenError(f"{target}: folder exists and is not empty; choose a new folder")
    files = {
        "sitegen.yaml": CONFIG,
        "content/stories/welcome-to-your-briefing.md": STORY,
        "content/pages/about.md": ABOUT,
        ".gitignore": GITIGNORE,
    }
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in ("templates", "static", "content/actors", "content/locations"):
        (target / folder).mkdir(parents=True, exist_ok=True)
