"""Measure sitegen at newsroom scale and print one table.

    python benchmarks/run.py [--sizes 1000,10000] [--with-50k] [--workdir /dev/shm/sitegen-bench]

For each size it generates (once, then reuses) a corpus with ``benchmarks/corpus.py``, then
runs, each as a fresh ``sitegen build`` process: a cold build (no cache, empty output), a
no-op rebuild, a rebuild after editing one story's body, and a rebuild after changing a
template. It also times the edit-to-written path of ``sitegen serve`` (an in-process
``BuildState`` kept between builds) and ingest (``sitegen ingest`` on the wire-text form
of up to ``--ingest-sample`` stories). One-edit rebuilds run three times; the median is
shown. Peak memory is the highest summed PSS of the build process and its workers, sampled
every 50 ms (pages they share count once); the summed peaks of their RSS, which count
shared pages once per process and so overstate the total, are shown beside it.

The work folder defaults to tmpfs (``/dev/shm``) so that disk noise does not enter the
figures; pass ``--workdir`` to measure another file system.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

GENERATOR_VERSION = "1"
RACY_WAIT = 2.2  # seconds: longer than site_gen.cache.RACY_NS
EDITED_TEMPLATE = "404.html"
EDITS = 3  # one-edit rebuilds measured; the median is reported

# Runs one build in a fresh interpreter and prints what it did as JSON.
BUILD_DRIVER = """
import json, resource, sys, time
started = time.perf_counter()
from pathlib import Path
from site_gen.build import build_site
root = Path(sys.argv[1])
result = build_site(root, clean=sys.argv[2] == "clean")
self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "rendered": result.rendered,
    "written": len(result.written),
    "removed": len(result.removed),
    "pages": result.pages,
    "rss_mb": (self_rss + child_rss) / 1024,
}))
"""

# Keeps one BuildState like `sitegen serve`, edits a story, times the rebuild.
SERVE_DRIVER = """
import json, sys, time
from pathlib import Path
from site_gen.build import build_site
from site_gen.cache import BuildState
root, story = Path(sys.argv[1]), Path(sys.argv[2])
out = root / ".serve-bench"
state = BuildState(private_output=True)  # as `sitegen serve` keeps it
build_site(root, out_dir=out, state=state)
build_site(root, out_dir=out, state=state)
times = []
for n in range(3):
    text = story.read_text(encoding="utf-8")
    story.write_text(text + f"\\nA serve edit number {n}.\\n", encoding="utf-8")
    started = time.perf_counter()
    result = build_site(root, out_dir=out, state=state)
    times.append(time.perf_counter() - started)
print(json.dumps({"seconds": sorted(times)[1], "written": len(result.written)}))
"""

INGEST_DRIVER = """
import io, json, sys, time, contextlib
from pathlib import Path
from site_gen.ingest.command import run_ingest
root, raw = Path(sys.argv[1]), Path(sys.argv[2])
paths = sorted(raw.glob("*.txt"))[: int(sys.argv[3])]
started = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    status = run_ingest(root, paths)
print(json.dumps({"seconds": time.perf_counter() - started, "count": len(paths), "status": status}))
"""


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def python() -> str:
    return sys.executable


def prepare(workdir: Path, size: int, seed: int) -> tuple[Path, Path]:
    """The corpus of ``size`` stories (site and wire text), generated on first use."""
    folder = workdir / f"corpus-{size}-{seed}"
    marker = folder / "ready.json"
    site, raw = folder / "site", folder / "raw"
    if marker.exists() and json.loads(marker.read_text()).get("v") == GENERATOR_VERSION:
        return site, raw
    shutil.rmtree(folder, ignore_errors=True)
    say(f"generating {size:,} stories in {folder} ...")
    started = time.perf_counter()
    stories = corpus.generate(size, seed)
    corpus.write_site(site, stories, progress=True)
    corpus.write_raw(raw, stories)
    marker.write_text(json.dumps({"v": GENERATOR_VERSION}))
    say(f"  generated in {time.perf_counter() - started:.1f} s")
    return site, raw


def run_json(code: str, *args: str) -> dict:
    """Run a driver in a fresh interpreter; its last output line is JSON.

    While it runs, the summed PSS of the driver and its worker processes is sampled every
    50 ms (Linux): unlike summed RSS peaks, it counts the pages they share once.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [python(), "-c", code, *args], stdout=out, stderr=err, text=True, env=_environment()
        )
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_pss_kb(proc.pid))
            time.sleep(0.05)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(stderr.strip().splitlines()[-1] if stderr else "failed")
    info = json.loads(stdout.strip().splitlines()[-1])
    info["pss_mb"] = peak / 1024
    return info


def _environment() -> dict[str, str]:
    """This environment, but letting Python keep compiled bytecode, as an installed package
    has it (a development shell may set PYTHONDONTWRITEBYTECODE)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def tree_pss_kb(pid: int) -> int:
    """The PSS of a process and its children, in KiB (0 where /proc cannot tell)."""
    total = 0
    for member in (pid, *_children(pid)):
        try:
            with open(f"/proc/{member}/smaps_rollup", encoding="ascii") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                found += [int(child) for child in fh.read().split()]
    except OSError:
        pass
    return found


def timed_build(site: Path, clean: bool = False) -> dict:
    """One ``build_site`` in a fresh interpreter: wall time includes start-up and imports."""
    started = time.perf_counter()
    info = run_json(BUILD_DRIVER, str(site), "clean" if clean else "warm")
    info["wall"] = time.perf_counter() - started
    return info


def fresh_copy(site: Path, workdir: Path) -> Path:
    """A scratch copy of the site, so that edits never touch the stored corpus.

    The build distrusts the stamps of files changed in the two seconds before it started
    (``site_gen.cache.RACY_NS``) and parses them again; waiting that long after copying
    makes the measured builds those of a site whose files were saved earlier, as usual.
    """
    work = workdir / "scratch"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(site, work, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
    time.sleep(RACY_WAIT)
    return work


def edit_story(site: Path, n: int) -> Path:
    stories = sorted((site / "content" / "stories").glob("*.md"))
    story = stories[len(stories) // 2]
    text = story.read_text(encoding="utf-8")
    story.write_text(text + f"\nAn added paragraph, edit number {n}.\n", encoding="utf-8")
    return story


def edit_template(site: Path) -> None:
    """Override one theme template in the site (an editor's first template change)."""
    from site_gen.render import theme_dir

    folder = site / "templates"
    folder.mkdir(exist_ok=True)
    source = (theme_dir("templates") / EDITED_TEMPLATE).read_text(encoding="utf-8")
    (folder / EDITED_TEMPLATE).write_text(source + "{# edited #}\n", encoding="utf-8")


def measure(size: int, workdir: Path, seed: int, ingest_sample: int) -> dict:
    site, raw = prepare(workdir, size, seed)
    work = fresh_copy(site, workdir)
    row: dict = {"size": size}
    say(f"[{size:,}] cold build ...")
    cold = timed_build(work)
    row.update(pages=cold["pages"], cold=cold["wall"], cold_rss=cold["rss_mb"])
    row["cold_pss"] = cold["pss_mb"]
    say(f"[{size:,}]   {cold['wall']:.2f} s, {cold['pages']:,} pages; no-op rebuild ...")
    noop = timed_build(work)
    row.update(noop=noop["wall"], noop_written=noop["written"], noop_rss=noop["rss_mb"])
    row["noop_pss"] = noop["pss_mb"]
    say(f"[{size:,}]   {noop['wall']:.2f} s; one-edit rebuilds (median of {EDITS}) ...")
    edits = []
    for n in range(EDITS):
        edit_story(work, n + 1)
        edits.append(timed_build(work))
    edit = sorted(edits, key=lambda e: e["wall"])[EDITS // 2]
    row.update(edit=edit["wall"], edit_written=edit["written"], edit_rendered=edit["rendered"])
    row["edit_rss"] = max(e["rss_mb"] for e in edits)
    row["edit_pss"] = max(e["pss_mb"] for e in edits)
    say(f"[{size:,}]   {edit['wall']:.2f} s; template-change rebuild ...")
    edit_template(work)
    tmpl = timed_build(work)
    row.update(template=tmpl["wall"], template_rss=tmpl["rss_mb"], template_pss=tmpl["pss_mb"])
    say(f"[{size:,}]   {tmpl['wall']:.2f} s; serve edit ...")
    story = sorted((work / "content" / "stories").glob("*.md"))[size // 3]
    serve = run_json(SERVE_DRIVER, str(work), str(story))
    row["serve_edit"] = serve["seconds"]
    runs = ("cold", "noop", "edit", "template")
    row["peak_rss"] = max(row[f"{k}_rss"] for k in runs)
    row["peak_pss"] = max(row[f"{k}_pss"] for k in runs)
    row["ingest"] = ingest_rate(raw, workdir, min(size, ingest_sample))
    shutil.rmtree(work, ignore_errors=True)
    return row


def ingest_rate(raw: Path, workdir: Path, count: int) -> str:
    """Stories per second through ``run_ingest``, or n/a when it is not available."""
    try:
        import site_gen.ingest.command  # noqa: F401
    except ImportError:
        return "n/a"
    target = workdir / "ingest-site"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    (target / "sitegen.yaml").write_text(corpus.SITE_CONFIG, encoding="utf-8")
    say(f"  ingest of {count:,} wire stories ...")
    try:
        info = run_json(INGEST_DRIVER, str(target), str(raw), str(count))
    except RuntimeError as exc:
        return f"failed ({exc})"[:40]
    finally:
        shutil.rmtree(target, ignore_errors=True)
    return f"{info['count'] / info['seconds']:.0f}/s"


COLUMNS = (
    ("stories", lambda r: f"{r['size']:,}"),
    ("pages", lambda r: f"{r['pages']:,}"),
    ("ingest", lambda r: r["ingest"]),
    ("cold", lambda r: f"{r['cold']:.2f} s"),
    ("no-op", lambda r: f"{r['noop']:.2f} s ({r['noop_written']} written)"),
    ("one edit", lambda r: f"{r['edit']:.2f} s ({r['edit_rendered']} rendered)"),
    ("template", lambda r: f"{r['template']:.2f} s"),
    ("serve edit", lambda r: f"{r['serve_edit']:.2f} s"),
    ("peak memory (PSS)", lambda r: f"{r['peak_pss']:.0f} MB"),
    ("summed RSS peaks", lambda r: f"{r['peak_rss']:.0f} MB"),
)


def table(rows: list[dict]) -> str:
    cells = [[name for name, _ in COLUMNS]] + [[f(r) for _, f in COLUMNS] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine(workdir: Path) -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    fs = "tmpfs" if str(workdir).startswith("/dev/shm") else "disk"
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, work folder {workdir} ({fs}), "
        f"load average {load:.1f} at the end"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated story counts")
    parser.add_argument("--with-50k", action="store_true", help="also measure 50,000 stories")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/dev/shm/sitegen-bench"),
        help="where corpora and builds go (default: /dev/shm/sitegen-bench, on tmpfs)",
    )
    parser.add_argument("--seed", type=int, default=7, help="corpus generator seed (7)")
    parser.add_argument(
        "--ingest-sample", type=int, default=500, help="wire stories timed for ingest (500)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.with_50k and 50_000 not in sizes:
        sizes.append(50_000)
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = [measure(size, args.workdir, args.seed, args.ingest_sample) for size in sizes]
    print(table(rows))
    print(f"\n{machine(args.workdir)}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
