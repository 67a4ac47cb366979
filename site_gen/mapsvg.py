"""Location maps: markers drawn at build time over the shared outline ``static/world.svg``.

``world.svg`` (made by ``tools/make_world_svg.py``) is equirectangular at ``SCALE`` units per
degree; each page's SVG has the same coordinate system, shows the outline as an ``<image>``
and adds only its own markers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from site_gen.model import Term

SCALE = 10  # keep in step with tools/make_world_svg.py
WORLD_W, WORLD_H = 360 * SCALE, 180 * SCALE
OUTLINE = "world.svg"
MIN_SPAN = 24.0  # degrees of longitude shown at least (a map around one place)
TOP, BOTTOM = 84.0, -60.0  # latitudes the overview never goes beyond


@dataclass(frozen=True)
class Marker:
    """One place on a map."""

    name: str
    url: str
    lat: float
    lon: float
    count: int


def coordinates(term: Term) -> tuple[float, float] | None:
    """A term's ``lat``/``lon`` from its term file, when both are valid numbers."""
    lat, lon = term.meta.get("lat"), term.meta.get("lon")
    if isinstance(lat, bool) or isinstance(lon, bool):
        return None
    try:
        lat_f, lon_f = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        return None
    return lat_f, lon_f


def markers(terms: Iterable[Term], link: Callable[[Term], str]) -> list[Marker]:
    """Markers of the terms that have coordinates, most stories first."""
    found = []
    for term in terms:
        where = coordinates(term)
        if where:
            found.append(Marker(term.name, link(term), where[0], where[1], len(term.stories)))
    return sorted(found, key=lambda m: (-m.count, m.name))


def project(lat: float, lon: float) -> tuple[float, float]:
    return (lon + 180) * SCALE, (90 - lat) * SCALE


def view_box(points: list[Marker], min_span: float = MIN_SPAN) -> tuple[float, float, float, float]:
    """A 2:1 box in map units around the markers (with a margin), inside the world."""
    lons = [m.lon for m in points] or [0.0]
    lats = [m.lat for m in points] or [20.0]
    span = max(min_span, (max(lons) - min(lons)) * 1.3, (max(lats) - min(lats)) * 2.6)
    span = min(span, 360.0)
    height = min(span / 2, TOP - BOTTOM if span >= 288 else 180.0)
    mid_lon, mid_lat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    west = min(max(mid_lon - span / 2, -180.0), 180.0 - span)
    north = max(min(mid_lat + height / 2, 90.0), -90.0 + height)
    if span >= 288:  # nearly the whole world: drop the polar seas
        north = TOP
    x, y = project(north, west)
    return round(x, 1), round(y, 1), round(span * SCALE, 1), round(height * SCALE, 1)


def map_svg(points: list[Marker], outline_url: str, *, min_span: float = MIN_SPAN) -> Markup:
    """An inline SVG: the shared outline and one linked circle per marker (largest first).

    The SVG is hidden from assistive technology: pages list the same places as links.
    """
    x, y, w, h = view_box(points, min_span)
    peak = max((m.count for m in points), default=1) or 1
    parts = [
        f'<svg class="map" viewBox="{x} {y} {w} {h}" aria-hidden="true" focusable="false">',
        f'<image href="{escape(outline_url)}" x="0" y="0" width="{WORLD_W}" height="{WORLD_H}"/>',
    ]
    for m in points:
        cx, cy = project(m.lat, m.lon)
        r = w * (0.007 + 0.013 * math.sqrt(m.count / peak))
        noun = "story" if m.count == 1 else "stories"
        parts.append(
            f'<a href="{escape(m.url)}" tabindex="-1" class="marker">'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" '
            f'data-name="{escape(m.name)}"/>'
            f"<title>{escape(m.name)}: {m.count} {noun}</title></a>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
