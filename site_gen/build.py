"""One build: read everything, assemble, render every output in memory, then write.

Nothing is written unless every step succeeded, so a failed build leaves the previous
output folder exactly as it was.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from site_gen.assemble import assemble_site
from site_gen.config import SiteConfig, load_config
from site_gen.content import load_content
from site_gen.errors import SiteGenError, raise_all
from site_gen.feeds import feed_outputs, render_robots, render_sitemap
from site_gen.markup import MarkdownCache
from site_gen.model import Site
from site_gen.output import load_manifest, save_manifest, static_files, write_outputs
from site_gen.render import make_env, render_page, theme_dir

CACHE_DIR = ".sitegen-cache"


@dataclass
class BuildResult:
    """What a build did."""

    out_dir: Path
    pages: int
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def build_site(
    root: Path,
    *,
    base_url: str | None = None,
    drafts: bool = False,
    out_dir: Path | None = None,
    clean: bool = False,
    strict: bool = False,
) -> BuildResult:
    """Build the site at ``root`` into its output folder (or ``out_dir``).

    ``strict`` turns warnings into an error raised before anything is written.
    """
    started = time.perf_counter()
    config = load_config(root, base_url=base_url)
    warnings: list[str] = []
    if not config.base_url:
        warnings.append(f"base_url is not set: absolute URLs use {config.absolute_base}")
    site, outputs = render_site(config, drafts=drafts, warnings=warnings)
    if strict and warnings:
        raise SiteGenError("warnings are errors with --strict:\n" + "\n".join(warnings))
    target = (out_dir or config.output_path).resolve()
    manifest_path = _manifest_path(config, target)
    manifest = {} if clean else load_manifest(manifest_path)
    report, manifest = write_outputs(outputs, target, manifest)
    save_manifest(manifest_path, manifest)
    return BuildResult(
        out_dir=target,
        pages=len(site.pages),
        written=report.written,
        unchanged=report.unchanged,
        removed=report.removed,
        warnings=warnings,
        seconds=time.perf_counter() - started,
    )


def render_site(
    config: SiteConfig, *, drafts: bool = False, warnings: list[str] | None = None
) -> tuple[Site, dict[str, bytes | Path]]:
    """Load and render everything in memory: output path -> bytes (or a static file's path)."""
    warnings = warnings if warnings is not None else []
    content = load_content(config)
    statics = static_files([config.root / "static", theme_dir("static")])
    site = assemble_site(
        config, content, drafts=drafts, static_files=statics.keys(), warnings=warnings
    )
    outputs: dict[str, bytes | Path] = {}
    outputs.update(_render_pages(site, config.root))
    outputs.update({path: xml.encode() for path, xml in feed_outputs(site).items()})
    outputs["sitemap.xml"] = render_sitemap(site).encode()
    outputs["robots.txt"] = render_robots(site).encode()
    outputs.update(statics)
    return site, dict(sorted(outputs.items()))


def _render_pages(site: Site, root: Path) -> dict[str, bytes]:
    env = make_env(root)
    md = MarkdownCache()
    rendered: dict[str, bytes] = {}
    errors: dict[str, SiteGenError] = {}
    for page in site.pages:
        try:
            rendered[page.output] = render_page(env, page, site, md).encode("utf-8")
        except SiteGenError as exc:
            errors.setdefault(str(exc).split(" (while rendering")[0], exc)
    raise_all(list(errors.values()))
    return rendered


def _manifest_path(config: SiteConfig, out_dir: Path) -> Path:
    key = hashlib.sha1(str(out_dir).encode()).hexdigest()[:12]
    cache = config.root / CACHE_DIR
    cache.mkdir(exist_ok=True)
    ignore = cache / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# sitegen's cache: safe to delete\n*\n", encoding="utf-8")
    return cache / f"outputs-{key}.json"
