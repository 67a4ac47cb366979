"""Watch a site's sources by polling, and decide when a burst of changes is over.

Only ``sitegen.yaml``, ``content/**``, ``templates/**`` and ``static/**`` are watched.
Version-control folders, virtualenvs, ``node_modules``, output folders and editor
temporary files (``*.swp``, ``*~``, ``.#*``, vim's ``4913`` probe) are never looked at,
so writing the output can never trigger another build.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

WATCHED_FILES = ("sitegen.yaml",)
WATCHED_DIRS = ("content", "templates", "static")
WATCHED = ("sitegen.yaml", "content/**", "templates/**", "static/**")
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv", ".sitegen-cache"}
)
TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")
TEMP_PREFIXES = (".#", "#")
TEMP_NAMES = frozenset({"4913", ".DS_Store"})

RECENT_NS = 2_000_000_000  # files modified this recently are also checksummed

Stamp = tuple[int, int, int, int]  # (mtime_ns, size, inode, checksum or 0)
Snapshot = dict[str, Stamp]  # site-relative POSIX path -> stamp


def is_temp_file(name: str) -> bool:
    """True for editor and download temporaries, which never trigger a build."""
    return name in TEMP_NAMES or name.endswith(TEMP_SUFFIXES) or name.startswith(TEMP_PREFIXES)


def is_skipped_dir(path: Path, excluded: frozenset[Path] = frozenset()) -> bool:
    """True for folders never watched: VCS, virtualenvs, caches and the ``excluded`` ones."""
    if path.name in SKIPPED_DIRS or (path / "pyvenv.cfg").exists():
        return True
    return bool(excluded) and path.resolve() in excluded


def scan(root: Path, excluded: Iterable[Path] = ()) -> Snapshot:
    """Stamp every watched file under ``root``."""
    skip = frozenset(p.resolve() for p in excluded)
    recent = time.time_ns() - RECENT_NS
    snapshot: Snapshot = {}
    for name in WATCHED_FILES:
        with contextlib.suppress(OSError):
            st = os.stat(root / name)
            if stat.S_ISREG(st.st_mode):
                _add(snapshot, name, str(root / name), st, recent)
    for name in WATCHED_DIRS:
        _scan_dir(root / name, name, skip, snapshot, recent)
    return snapshot


def _scan_dir(
    folder: Path, rel: str, skip: frozenset[Path], snapshot: Snapshot, recent: int
) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:  # absent, or removed while we looked
        return
    for entry in entries:
        child = f"{rel}/{entry.name}"
        try:
            if entry.is_dir(follow_symlinks=False):
                if not is_skipped_dir(Path(entry.path), skip):
                    _scan_dir(Path(entry.path), child, skip, snapshot, recent)
            elif not is_temp_file(entry.name):
                _add(snapshot, child, entry.path, entry.stat(), recent)
        except OSError:
            continue


def _add(snapshot: Snapshot, rel: str, path: str, st: os.stat_result, recent: int) -> None:
    """Stamp one file. A recently modified one also gets a checksum: two saves within one
    tick of the file system's clock can leave the same time and size ("racy git")."""
    checksum = 0
    if st.st_mtime_ns >= recent:
        try:
            with open(path, "rb") as fh:
                checksum = zlib.crc32(fh.read()) | 1 << 32
        except OSError:
            return
    snapshot[rel] = (st.st_mtime_ns, st.st_size, st.st_ino, checksum)


def _same(old: Stamp | None, new: Stamp | None) -> bool:
    if old is None or new is None:
        return old is new
    return old[:3] == new[:3] and (old[3] == new[3] or not (old[3] and new[3]))


def changed_paths(old: Snapshot, new: Snapshot) -> tuple[str, ...]:
    """Paths added, removed or modified between two snapshots, sorted."""
    return tuple(sorted(p for p in old.keys() | new.keys() if not _same(old.get(p), new.get(p))))


@dataclass
class Debouncer:
    """Collects changes; a build is due once no change has arrived for ``quiet`` seconds.

    A burst of changes gives one build. Changes noticed while a build runs are kept
    and make exactly one more build due after it (and after the quiet window).
    """

    quiet: float
    pending: set[str] = field(default_factory=set)
    last_change: float | None = None
    building: bool = False

    def add(self, paths: Iterable[str], now: float) -> None:
        """Record changed paths seen at time ``now``."""
        paths = set(paths)
        if paths:
            self.pending |= paths
            self.last_change = now

    def due(self, now: float) -> bool:
        """True when changes are pending, none is recent and no build is running."""
        if self.building or self.last_change is None:
            return False
        return now - self.last_change >= self.quiet

    def start(self) -> tuple[str, ...]:
        """Begin a build: hand over the pending paths."""
        batch = tuple(sorted(self.pending))
        self.pending.clear()
        self.last_change = None
        self.building = True
        return batch

    def finish(self) -> None:
        """The build is over (whatever its outcome)."""
        self.building = False
