"""One build: read everything, assemble, render what changed, then write.

The whole model (stories, taxonomies, pages) is rebuilt on every build; only pure steps
are cached (``site_gen.cache``): parsing by file stamp, Markdown by content hash, and
each output by the model keys it read while rendering (``site_gen.deps``). An output is
rendered again when any of its keys, its own page object, the templates, the config or the
code changed, so a skipped output is one that would have rendered to the same bytes.

Nothing is written unless every step succeeded: new files wait in a staging folder inside
the output folder and are renamed into place at the end, so a failed build leaves the
previous output exactly as it was.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import itertools
import os
import platform
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import jinja2
import markdown
import nh3
import yaml

from site_gen.assemble import assemble_site
from site_gen.cache import (
    PARSED_SHARDS,
    SCAN_LIMIT,
    BuildState,
    MarkdownStore,
    OutputRecord,
    PackedDeps,
    Snapshot,
    cache_dir,
    file_stamp,
    load_snapshot,
    load_state,
    outputs_reading,
    save_snapshot,
    save_state,
    shard_of,
    snapshot_file,
    source_stamps,
    unchanged_since,
)
from site_gen.config import SiteConfig, load_config
from site_gen.content import load_content
from site_gen.deps import KeyNames, TrackedSite, forget_build_memos, model_digests, outline_memo
from site_gen.errors import SiteGenError, raise_all
from site_gen.feeds import feed_paths, render_feed, render_robots, render_sitemap
from site_gen.forked import ForkedCall
from site_gen.markup import MarkdownCache
from site_gen.model import Site
from site_gen.output import DiskCheck, Staging, output_files, remove_files, static_files
from site_gen.render import BYTECODE_NAMES, ThemeEnvironment, make_env, render_page, theme_dir
from site_gen.search import INDEX, render_search_index

CACHE_DIR = ".sitegen-cache"
KEPT_KINDS = ("search",)  # rendered in this process: they keep results with the outline
PARALLEL_MIN = 300  # render in two processes only when at least this many outputs changed

# Modules that never run during a build (editing them keeps the cache valid).
NOT_BUILD_CODE = frozenset(
    {"ingest", "cli.py", "serve.py", "watch.py", "overlay.py", "deploy.py", "init.py"}
)

P = ParamSpec("P")
R = TypeVar("R")
Unit = tuple[str, str, Any]  # (output path, kind, argument): one output file


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
    rendered: int = 0  # outputs rendered (the others were known unchanged)


def _collector_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with the cyclic garbage collector paused.

    A build allocates millions of objects that live until it ends and makes few reference
    cycles; the collector's repeated passes over them cost more than the memory they free.
    """

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


@_collector_paused
def build_site(
    root: Path,
    *,
    base_url: str | None = None,
    drafts: bool = False,
    out_dir: Path | None = None,
    clean: bool = False,
    strict: bool = False,
    state: BuildState | None = None,
    jobs: int | None = None,
) -> BuildResult:
    """Build the site at ``root`` into its output folder (or ``out_dir``).

    ``strict`` turns warnings into an error raised before anything is written. ``clean``
    ignores every cache and rewrites the output folder. A caller that builds repeatedly
    (``serve``) passes the same ``state`` each time to skip loading the cache from disk;
    it is updated only when a build succeeds. ``jobs`` caps the processes used.
    """
    started = time.perf_counter()
    taken = time.time_ns()
    config = load_config(root, base_url=base_url)
    target = (out_dir or config.output_path).resolve()
    folder = cache_dir(config.root, CACHE_DIR)
    code = code_digest()
    snapshot_path = snapshot_file(folder, target)
    snapshot = None if clean or state is not None else load_snapshot(snapshot_path)
    with DiskCheck(target, snapshot.outputs if snapshot else {}) as disk:
        stamps = source_stamps([config.content_path, config.root / "static", theme_dir("static")])
        salt = _hash(code, repr(config), str(drafts), templates_digest(config.root))
        if (
            snapshot
            and unchanged_since(snapshot, salt, stamps, disk)
            and not (strict and snapshot.warnings)
        ):
            return _nothing_to_do(snapshot, target, started)
        owned = state is None  # a state made here is closed here; a caller's stays open
        if clean or state is None or state.out_dir != target:
            state = _fresh_state(state, folder, target, code, clean)
        try:
            warnings: list[str] = []
            if not config.base_url:
                warnings.append(f"base_url is not set: absolute URLs use {config.absolute_base}")
            memo = state.parse_memo(_hash(code, repr(config)), stamps)
            content = load_content(config, memo=memo, jobs=jobs or os.cpu_count() or 1)
            statics = static_files([config.root / "static", theme_dir("static")])
            site = assemble_site(
                config,
                content,
                drafts=drafts,
                static_files=statics.keys(),
                warnings=warnings,
                previous=state.outline,
                salt=_hash(code, str(drafts)),
            )
            if strict and warnings:
                raise SiteGenError("warnings are errors with --strict:\n" + "\n".join(warnings))
            plan = _Plan.make(site, statics, state, salt, disk)
            if owned and not plan.kept:  # every record is replaced: free them before rendering
                state.reset_outputs()  # (the plan copied what it needs of them)
            env = _environment(state, config.root, folder, salt)
            keys, key_ids = _key_table(state, plan)
            job = _Job(
                site,
                env,
                state.markdown,
                Staging(target),
                plan.previous,
                plan.unrecorded and not clean,
                KeyNames.of(key_ids),
            )
            job.staging.open()
            try:
                results, used = _render_all(job, plan.dirty, jobs or os.cpu_count() or 1)
                state.folder_id = None  # until recorded again: a partial commit gets checked
                written = tuple(sorted(r[0] for r in results if r[4] is not None))
                moved = job.staging.commit(written)
            except BaseException:
                job.staging.discard()
                raise
            removed = remove_files(target, plan.stale)
            _remember(state, folder, memo, site, plan, results, moved, used, (keys, key_ids))
            if state.private_output:  # never checked for a no-op build: drop any old snapshot
                snapshot_path.unlink(missing_ok=True)
            else:
                outputs = {out: (r.size, r.mtime_ns) for out, r in state.outputs.items()}
                snapshot = Snapshot(salt, stamps, taken, outputs, len(site.pages), tuple(warnings))
                save_snapshot(snapshot_path, snapshot)
            return BuildResult(
                out_dir=target,
                pages=len(site.pages),
                written=written,
                unchanged=len(plan.units) - len(written),
                removed=tuple(removed),
                warnings=warnings,
                seconds=time.perf_counter() - started,
                rendered=len(plan.dirty),
            )
        finally:
            if owned and state.markdown is not None:
                state.markdown.close()


def _remember(
    state: BuildState,
    folder: Path,
    memo: Any,
    site: Site,
    plan: _Plan,
    results: list[Result],
    moved: dict[str, os.stat_result],
    used: set[str],
    table: tuple[list[str], dict[str, int]],
) -> None:
    """Update the state after a successful build and save what changed of it."""
    old_parsed = state.parsed
    state.parsed = memo.fresh
    state.outline = site.outline
    _update_state(state, plan, results, moved, table)
    if state.markdown is not None:
        state.markdown.save(keep=used if len(plan.dirty) == len(plan.units) else None)
    reparsed = memo.changed | (old_parsed.keys() - state.parsed.keys())
    shards = range(PARSED_SHARDS) if state.parsed_reset else {shard_of(k) for k in reparsed}
    state.parsed_reset = False
    full = not plan.kept
    save_state(
        state,
        folder,
        parsed_shards=shards,
        changed_outputs=None if full else [r[0] for r in results] + plan.stale,
        changed_digests=None if full else plan.changed_keys,
    )


def _environment(state: BuildState, root: Path, folder: Path, salt: str) -> ThemeEnvironment:
    """The Jinja environment: kept in the state while templates, config and code are the same,
    with compiled templates cached on disk (keyed by each template's source)."""
    if state.env is not None and state.env[0] == salt:
        return state.env[1]
    env = make_env(root)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(
        str(cache_dir(folder, "jinja")), BYTECODE_NAMES
    )
    state.env = (salt, env)
    return env


def _nothing_to_do(snapshot: Snapshot, target: Path, started: float) -> BuildResult:
    """The result of a build whose sources and outputs are exactly as the last one left them."""
    return BuildResult(
        out_dir=target,
        pages=snapshot.pages,
        written=(),
        unchanged=len(snapshot.outputs),
        removed=(),
        warnings=list(snapshot.warnings),
        seconds=time.perf_counter() - started,
        rendered=0,
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
    md = MarkdownCache()
    env = make_env(config.root)
    outputs: dict[str, bytes | Path] = {}
    errors: dict[str, SiteGenError] = {}
    for output, kind, arg in output_units(site, statics):
        if kind == "static":
            outputs[output] = arg
            continue
        try:
            outputs[output] = _produce(site, site, env, md, kind, arg)
        except SiteGenError as exc:
            errors.setdefault(str(exc).split(" (while rendering")[0], exc)
    raise_all(list(errors.values()))
    return site, dict(sorted(outputs.items()))


def output_units(site: Site, statics: dict[str, Path]) -> list[Unit]:
    """Every output file of the site, as what to render it from."""
    units: list[Unit] = [(page.output, "page", n) for n, page in enumerate(site.pages)]
    units += [(path, "feed", term) for path, term in feed_paths(site).items()]
    units += [("sitemap.xml", "sitemap", None), ("robots.txt", "robots", None)]
    units.append((INDEX, "search", None))
    units += [(rel, "static", path) for rel, path in statics.items()]
    return units


def _produce(
    site: Site, model: Any, env: ThemeEnvironment, md: MarkdownCache, kind: str, arg: Any
) -> bytes:
    """The bytes of one non-static output, rendered from ``model`` (the Site or a tracked view)."""
    if kind == "page":
        return render_page(env, site.pages[arg], model, md).encode("utf-8")
    if kind == "feed":
        return render_feed(model, arg).encode("utf-8")
    if kind == "sitemap":
        return render_sitemap(model).encode("utf-8")
    if kind == "robots":
        return render_robots(model).encode("utf-8")
    if kind == "search":
        return render_search_index(model).encode("utf-8")
    raise ValueError(kind)


@dataclass
class _Plan:
    """Which outputs this build renders, and which files it removes."""

    units: list[Unit]
    shapes: dict[str, bytes]
    dirty: list[Unit]
    previous: dict[str, tuple[bytes, int, int]]  # dirty intact output -> sha256, size, mtime
    stale: list[str]
    digests: dict[str, str]
    kept: dict[str, OutputRecord]
    target: Path
    changed_keys: list[str]
    salt: str
    unrecorded: bool  # the output folder may hold files no record describes

    @classmethod
    def make(
        cls, site: Site, statics: dict[str, Path], state: BuildState, salt: str, disk: DiskCheck
    ) -> _Plan:
        digests = model_digests(site)
        records = state.outputs if state.render_salt == salt else {}
        old = state.digests if records else {}
        changed_keys = [k for k, digest in digests.items() if old.get(k) != digest]
        changed_keys += [k for k in old if k not in digests]
        changed = {state.key_ids[k] for k in changed_keys if k in state.key_ids}
        if records and state.packed is None and 0 < len(changed) <= SCAN_LIMIT:
            state.packed = PackedDeps.of(records)  # kept in the state for the builds to come
        affected = outputs_reading(records, changed, state.packed if records else None)
        units, shapes = _units(site, statics)
        dirty: list[Unit] = []
        previous: dict[str, tuple[bytes, int, int]] = {}
        kept: dict[str, OutputRecord] = {}
        target = disk.out_dir
        # A private folder changes only through this state's builds, unless it was replaced.
        check = not state.private_output or state.folder_id != _folder_id(target)
        outputs = state.outputs
        altered = disk.not_intact(outputs) if check else set()
        for unit in units:
            out = unit[0]
            record = outputs.get(out)
            if record is None or out in altered:
                dirty.append(unit)  # never built, or changed on disk since
            elif record.shape == shapes[out] and out in records and out not in affected:
                kept[out] = record
            else:
                dirty.append(unit)
                previous[out] = (record.sha256, record.size, record.mtime_ns)
        stale = [out for out in state.outputs if out not in shapes]
        unrecorded = True  # files the records do not describe may be on disk
        if not state.outputs:  # first build into this folder: clear out whatever is there
            present = output_files(target)
            stale = sorted(rel for rel in present if rel not in shapes)
            unrecorded = bool(present)
        if not kept:  # every record will be replaced, and the key table with them
            state.packed = None
        return cls(
            units,
            shapes,
            dirty,
            previous,
            stale,
            digests,
            kept,
            target,
            changed_keys,
            salt,
            unrecorded,
        )


def _folder_id(folder: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(folder)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _units(site: Site, statics: dict[str, Path]) -> tuple[list[Unit], dict[str, bytes]]:
    """``output_units`` and a digest of each one's shape; those made from the outline are
    kept (and saved) with it."""
    memo = outline_memo(site, "units")
    if "units" not in memo:
        made = output_units(site, {})
        memo["shapes"] = {out: _digest(_shape(site, kind, arg)) for out, kind, arg in made}
        memo["units"] = made
    units = memo["units"] + [(rel, "static", path) for rel, path in statics.items()]
    shapes = dict(memo["shapes"])
    shapes.update((rel, _digest(_shape(site, "static", path))) for rel, path in statics.items())
    return units, shapes


def _digest(shape: Any) -> bytes:
    return hashlib.blake2b(repr(shape).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _shape(site: Site, kind: str, arg: Any) -> Any:
    """What an output is apart from the model keys it reads: its page, or its source file."""
    if kind == "page":
        return site.pages[arg].values()
    if kind == "static":
        return (str(arg), file_stamp(arg))
    return (kind, arg)


@dataclass
class _Job:
    """What rendering needs; forked worker processes inherit it."""

    site: Site
    env: ThemeEnvironment
    markdown: MarkdownStore | None
    staging: Staging
    previous: dict[str, tuple[bytes, int, int]]  # see _Plan
    check_disk: bool  # compare with files on disk that the cache knows nothing about
    names: KeyNames  # what recording a read adds: ids in the key table (see _key_table)


# output, sha256, size, ids of keys read, and the staged file's mtime (None: not staged)
Result = tuple[str, bytes, int, array, int | None]


def _key_table(state: BuildState, plan: _Plan) -> tuple[list[str], dict[str, int]]:
    """The key table the outputs' reads are recorded in: the state's, or a new one when no
    output is kept. Every model key gets its id before rendering, so that forked workers
    record reads as compact id arrays that mean the same in every process."""
    keys, ids = (state.keys, state.key_ids) if plan.kept else ([], {})
    for key in sorted(plan.digests.keys() - ids.keys()):
        ids[key] = len(keys)
        keys.append(key)
    return keys, ids


def _render_chunk(job: _Job, units: Iterable[Unit]) -> tuple[list[Result], list[Unit], dict, set]:
    """Render units, staging each whose bytes differ from the file on disk.

    Units are rendered by folder depth: links are relative, so the story cards and term
    links a page shares with others are made per depth, and those of one depth are dropped
    before the next depth starts (a lower peak, the same work).
    """
    md = MarkdownCache(job.markdown if job.markdown is not None else {})
    results: list[Result] = []
    failed: list[Unit] = []
    depth = -1
    for unit in sorted(units, key=_depth):
        output, kind, arg = unit
        if _depth(unit) != depth:
            forget_build_memos(job.site)
            depth = _depth(unit)
        model = TrackedSite(job.site, set(), job.names)
        try:
            if kind == "static":
                data = arg.read_bytes()
            else:
                data = _produce(job.site, model, job.env, md, kind, arg)
        except SiteGenError:
            failed.append(unit)
            continue
        sha = hashlib.sha256(data).digest()
        on_disk = job.previous.get(output)
        known = on_disk[0] if on_disk else None
        if known is None and job.check_disk:
            known = _disk_digest(job.staging.out_dir / output)
        mtime = job.staging.put(output, data) if known != sha else None
        results.append((output, sha, len(data), model.read_ids(), mtime))
    new = dict(job.markdown.new) if job.markdown is not None else {}
    return results, failed, new, md.used


def _depth(unit: Unit) -> int:
    return unit[0].count("/")


def _disk_digest(path: Path) -> bytes | None:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None


def _worker_chunk(job: _Job, units: list[Unit]) -> tuple[list[Result], list[Unit], dict, set]:
    part = _render_chunk(job, units)
    forget_build_memos(job.site)  # before its results are sent: a lower peak
    return part


def _render_all(job: _Job, units: list[Unit], jobs: int) -> tuple[list[Result], set[str]]:
    """Render in this process and, for large batches, in forked workers; raise all errors."""
    if jobs < 2 or len(units) < PARALLEL_MIN or not hasattr(os, "fork"):
        results, failed, _new, used = _render_chunk(job, units)
    else:
        results, failed, used = _render_parallel(job, units, jobs)
    if failed:  # render the failures again here, for the real exceptions
        errors: dict[str, SiteGenError] = {}
        md = MarkdownCache(job.markdown if job.markdown is not None else {})
        for _out, kind, arg in failed:
            try:
                _produce(job.site, job.site, job.env, md, kind, arg)
            except SiteGenError as exc:
                errors.setdefault(str(exc).split(" (while rendering")[0], exc)
        raise_all(list(errors.values()) or [SiteGenError("rendering failed")])
    return results, used


def _render_parallel(
    job: _Job, units: list[Unit], jobs: int
) -> tuple[list[Result], list[Unit], set[str]]:
    """Split the work: ``jobs - 1`` forked workers and this process take turns by position;
    kinds that keep results with the outline (``KEPT_KINDS``) render here."""
    rest = [u for u in units if u[1] not in KEPT_KINDS]
    shares = [rest[n::jobs] for n in range(jobs)]
    shares[0] += [u for u in units if u[1] in KEPT_KINDS]
    # Workers inherit the model; each copies the memory pages of what it reads (reference
    # counts), so memos are dropped when a process is done, and a worker exits once it
    # has sent its results.
    helpers = [ForkedCall(_worker_chunk, job, share) for share in shares[1:]]
    try:
        parts = [_render_chunk(job, shares[0])]
        forget_build_memos(job.site)  # rendering is over here; the workers' results follow
        parts += [helper.result() for helper in helpers]
    except ChildProcessError:
        raise SiteGenError(
            "a render worker process ended without sending its results (killed, or out of"
            " memory?); nothing was written: build again"
        ) from None
    finally:
        for helper in helpers:
            helper.close()
    results: list[Result] = []
    failed: list[Unit] = []
    used: set[str] = set()
    for part_results, part_failed, new, part_used in parts:
        results += part_results
        failed += part_failed
        used |= part_used
        if job.markdown is not None:
            job.markdown.add(new)
    return results, failed, used


def _update_state(
    state: BuildState,
    plan: _Plan,
    results: list[Result],
    moved: dict[str, os.stat_result],
    table: tuple[list[str], dict[str, int]],
) -> None:
    outputs = dict(plan.kept)
    for output, sha, size, ids, mtime in results:
        if output in moved:  # written, and stat'ed in place
            size, mtime = moved[output].st_size, moved[output].st_mtime_ns
        elif mtime is None:  # unchanged: as recorded, or as on disk
            if output in plan.previous:
                _sha, size, mtime = plan.previous[output]
            else:
                stat = (plan.target / output).stat()
                size, mtime = stat.st_size, stat.st_mtime_ns
        outputs[output] = OutputRecord(plan.shapes[output], ids, sha, size, mtime)
    state.keys, state.key_ids = table  # only now: the records above use the old table
    state.outputs = outputs
    if state.packed is not None:  # the kept records are those the buffer holds
        rendered = (result[0] for result in results)
        if not state.packed.replace(itertools.chain(rendered, plan.stale)):
            state.packed = None
    state.folder_id = _folder_id(plan.target)
    state.digests = plan.digests
    state.render_salt = plan.salt


def _fresh_state(
    previous: BuildState | None, folder: Path, target: Path, code: str, clean: bool
) -> BuildState:
    markup = (Path(__file__).parent / "markup.py").read_bytes()
    md_salt = _hash(hashlib.sha256(markup).hexdigest(), *_versions())
    if clean:
        state = BuildState(
            out_dir=target, markdown=MarkdownStore(folder / "markdown.sqlite", md_salt)
        )
        state.markdown.wipe()  # type: ignore[union-attr]
        return state
    if previous is not None:  # a new output folder for a state kept in memory
        previous.out_dir = target
        previous.reset_outputs()
        return previous
    return load_state(folder, target, md_salt)


def _versions() -> list[str]:
    """Versions of the libraries that shape the output (read without importlib.metadata)."""
    return [f"{m.__name__}={getattr(m, '__version__', '?')}" for m in (jinja2, markdown, nh3, yaml)]


def code_digest() -> str:
    """Digest of sitegen's code that can shape an output, and of the Python that runs it."""
    package = Path(__file__).parent
    parts = [platform.python_version(), *_versions()]
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] in NOT_BUILD_CODE:
            continue
        parts.append(f"{path.relative_to(package)}:{hashlib.sha256(path.read_bytes()).hexdigest()}")
    return _hash(*parts)


def templates_digest(root: Path) -> str:
    """Digest of every file the Jinja loader can find (site templates, then the theme's)."""
    parts = []
    for folder in (root / "templates", theme_dir("templates")):
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                parts.append(f"{folder}:{path.relative_to(folder)}:{digest}")
    return _hash(*parts)


def _hash(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()
