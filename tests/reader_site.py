"""A small briefing site for the theme and browser tests, and a loopback server for it.

The site holds the repository's seed story, a few short stories written for these tests,
and term files with aliases and coordinates. It is served under the base path ``/repo/``
(as on GitHub Pages), so links that ignore the base path fail.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

from conftest import write_tree

from site_gen.build import build_site

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "content" / "stories"
PREFIX = "/repo/"
SEED_SLUG = "syrian-rebels-say-moscow-deploys-ground-forces-in-idlib-campaign"

SITE = """
-- sitegen.yaml --
title: Test Briefing
description: Wire stories on armed conflict, for the theme tests.
base_url: https://example.org/repo/
per_page: 3

-- content/actors/national-liberation-front.md --
---
name: National Liberation Front
kind: group
aliases: [NLF]
---
A coalition of rebel factions backed by Turkey.

-- content/actors/bashar-al-assad.md --
---
name: Bashar al-Assad
kind: person
aliases: [Assad, President Assad]
---
President of Syria.

-- content/actors/russia.md --
---
name: Russia
kind: state
aliases: [Moscow, Russian Federation]
---

-- content/locations/idlib.md --
---
name: Idlib
kind: province
country: SY
lat: 35.93
lon: 36.63
geonames_id: 169389
aliases: [Idlib province]
---
A province in north-western Syria.

-- content/locations/hama.md --
---
name: Hama
kind: city
country: SY
lat: 35.13
lon: 36.75
---

-- content/locations/amman.md --
---
name: Amman
kind: city
country: JO
lat: 31.95
lon: 35.93
---

-- content/locations/damascus.md --
---
name: Damascus
kind: city
country: SY
lat: 33.51
lon: 36.29
---

-- content/locations/syria.md --
---
name: Syria
kind: country
country: SY
lat: 35.0
lon: 38.5
---

-- content/stories/shelling-in-hama.md --
---
slug: shelling-in-hama
title: Shelling hits villages in northern Hama
date: 2019-07-03T10:00:00+00:00
summary: Government shelling hit villages in northern Hama, a local monitor said.
dateline: {place: Beirut, agency: Wire}
tags: [armed conflict]
locations: [Hama, Syria]
actors: [Syrian Army, NLF]
source: wire-0001.txt
---
Shelling hit several villages in northern Hama on Wednesday.

-- content/stories/talks-in-damascus.md --
---
slug: talks-in-damascus
title: Envoys meet in Damascus as fighting goes on
date: 2019-07-02
summary: Envoys met Assad in Damascus to discuss a ceasefire in the north-west.
byline: [A. Reporter]
dateline: {place: Damascus, agency: Wire}
tags: [diplomacy]
locations: [Damascus, Syria]
actors: [Assad, United Nations]
credits: Editing by B. Editor
source: https://example.org/wire/talks.txt
---
Envoys met President Assad on Tuesday.

-- content/stories/aid-reaches-idlib.md --
---
slug: aid-reaches-idlib
title: "Aid convoy reaches Idlib <after> long delay & talks"
date: 2019-06-20
summary: "A convoy carrying food crossed into Idlib province. </script><b>not bold</b>"
dateline: {place: Amman, agency: Wire}
tags: [humanitarian aid]
locations: [Idlib province]
actors: [United Nations, Turkey]
source: wire-0003.txt
---
A convoy of trucks crossed into Idlib province on Thursday.

-- content/stories/talks-planned.md --
---
slug: talks-planned
title: Russia and Turkey plan talks on Syria
date: 2019-05-15
summary: Moscow and Ankara will meet next week to discuss the north-west of Syria.
dateline: {place: Moscow, agency: Wire}
tags: [diplomacy]
locations: [Syria]
actors: [Russia, Turkey]
source: wire-0005.txt
---
Officials said the talks would take place next week.

-- content/stories/front-lines-quiet.md --
---
slug: front-lines-quiet
title: Front lines quiet in the north-west
date: 2019-06-01
summary: Fighting paused along the front lines in Idlib and Hama.
dateline: {place: Beirut, agency: Wire}
tags: [armed conflict]
locations: [Idlib, Hama]
actors: [National Liberation Front, Syrian Army, Russia, Bashar al Assad]
source: wire-0004.txt
---
Fighting paused on Saturday.
"""


def make_reader_site(root: Path) -> Path:
    """Write the test site (with the seed story) under ``root`` and return ``root``."""
    write_tree(root, SITE)
    for path in SEED.glob("*.md"):
        shutil.copy(path, root / "content" / "stories" / path.name)
    return root


def build_reader_site(root: Path) -> Path:
    """Write and build the test site; return its output folder."""
    make_reader_site(root)
    result = build_site(root)
    return result.out_dir


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve the output folder under ``PREFIX``; anything else is the site's 404 page."""

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(PREFIX):
            return str(Path(self.directory) / "__missing__")
        return super().translate_path("/" + clean[len(PREFIX) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Stay quiet."""


CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@contextlib.contextmanager
def serve(out_dir: Path) -> Iterator[str]:
    """Serve ``out_dir`` at ``http://127.0.0.1:PORT/repo/`` (with a strict CSP) while open."""
    handler = functools.partial(_Handler, directory=str(out_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
