"""Write the output folder: only changed files, each atomically; remove what is no longer built."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_gen.errors import SiteGenError

STAGING = ".sitegen-staging"  # new files wait here until the whole build has succeeded
KEEP = {".git", STAGING}  # top-level entries of the output folder that are never removed

Manifest = dict[str, list]  # relative path -> [sha256, size, mtime_ns]


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def safe_join(root: Path, rel: str) -> Path:
    """``root / rel``, refusing any path that would land outside ``root``."""
    path = root.joinpath(*checked_parts(rel))
    if not path.resolve().is_relative_to(root.resolve()):
        raise _outside(rel)
    return path


def _outside(rel: str) -> SiteGenError:
    return SiteGenError(f"refusing to write outside the output folder: {rel!r}")


def checked_parts(rel: str) -> list[str]:
    """The parts of a relative output path; no absolute path, ``..``, ``.`` or empty part."""
    if not rel or rel.startswith(("/", "\\")) or "\\" in rel or "\x00" in rel:
        raise _outside(rel)
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise _outside(rel)
    return parts


class _InsideFolders:
    """Folders under a root, made on demand; refuses one reached through a symbolic link."""

    def __init__(self, root: Path) -> None:
        self.root = os.fspath(root)
        self.known: set[str] = {self.root}

    def make(self, parts: list[str], rel: str) -> str:
        """Make (if needed) and return the folder ``root/parts``, checking each new level."""
        folder = self.root
        for part in parts:
            folder = f"{folder}/{part}"
            if folder in self.known:
                continue
            with contextlib.suppress(FileExistsError):
                os.mkdir(folder)
            if os.path.islink(folder) or not os.path.isdir(folder):
                raise _outside(rel)
            self.known.add(folder)
        return folder


def static_files(folders: list[Path]) -> dict[str, Path]:
    """Files to copy from static folders; an earlier folder wins over a later one."""
    found: dict[str, Path] = {}
    for folder in reversed(folders):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not _is_editor_temp(path.name):
                    found[path.relative_to(folder).as_posix()] = path
    return dict(sorted(found.items()))


def _is_editor_temp(name: str) -> bool:
    return name.endswith(("~", ".swp", ".swx", ".tmp")) or name.startswith((".#", "#"))


def write_outputs(
    outputs: Mapping[str, bytes | Path], out_dir: Path, manifest: Manifest
) -> tuple[WriteReport, Manifest]:
    """Make ``out_dir`` hold exactly ``outputs``, touching only files whose bytes changed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    new_manifest: Manifest = {}
    for rel, source in outputs.items():
        path = safe_join(out_dir, rel)
        data = source.read_bytes() if isinstance(source, Path) else source
        digest = hashlib.sha256(data).hexdigest()
        if not _unchanged(path, digest, manifest.get(rel)):
            _write_atomic(path, data)
            written.append(rel)
        stat = path.stat()
        new_manifest[rel] = [digest, stat.st_size, stat.st_mtime_ns]
    removed = _remove_stale(out_dir, set(outputs))
    report = WriteReport(tuple(written), len(outputs) - len(written), tuple(removed))
    return report, new_manifest


def _unchanged(path: Path, digest: str, entry: list | None) -> bool:
    """True when the file on disk is the one the manifest recorded with this digest."""
    if not entry or entry[0] != digest:
        return False
    try:
        stat = path.stat()
    except OSError:
        return False
    return [stat.st_size, stat.st_mtime_ns] == entry[1:]


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_stale(out_dir: Path, keep: set[str]) -> list[str]:
    """Delete files in ``out_dir`` that this build did not produce, then empty folders."""
    removed = []
    for rel in sorted(_walk(out_dir)):
        if rel not in keep:
            (out_dir / rel).unlink()
            removed.append(rel)
    for folder in sorted(_folders(out_dir), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed


def _folders(out_dir: Path) -> list[Path]:
    return [Path(folder) for folder, _dirs, _files in _os_walk(out_dir)][1:]


def _os_walk(out_dir: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` that never enters the kept top-level entries (such as ``.git``)."""
    for folder, dirs, files in os.walk(out_dir):
        if Path(folder) == out_dir:
            dirs[:] = sorted(d for d in dirs if d not in KEEP)
            files = [f for f in files if f not in KEEP]
        yield folder, dirs, files


def _walk(out_dir: Path) -> Iterator[str]:
    for folder, _dirs, files in _os_walk(out_dir):
        rel_folder = Path(folder).relative_to(out_dir).as_posix()
        for name in files:
            yield name if rel_folder == "." else f"{rel_folder}/{name}"


def load_manifest(path: Path) -> Manifest:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_manifest(path: Path, manifest: Manifest) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, json.dumps(manifest, sort_keys=True).encode("utf-8"))


def _write_new(path: str, data: bytes) -> int:
    """Write a file with bare system calls (half the cost of ``open`` for many small files);
    return its modification time."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        return os.fstat(fd).st_mtime_ns
    finally:
        os.close(fd)


class Staging:
    """Files of a build in progress, written under ``out_dir/.sitegen-staging``.

    The staging folder mirrors the output folder's layout. Worker processes may stage
    files too. Nothing reaches its real place until ``commit``; ``discard`` forgets the
    whole build.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.folder = out_dir / STAGING
        self._made: set[str] = set()

    def open(self) -> None:
        """Start a build: remove what an interrupted build left behind."""
        self.discard()
        self.folder.mkdir(parents=True)
        self._made = {os.fspath(self.folder)}

    def put(self, rel: str, data: bytes) -> int:
        """Stage one file; return its modification time (moving it into place keeps it)."""
        parts = checked_parts(rel)
        folder = os.path.join(self.folder, *parts[:-1])
        if folder not in self._made:
            try:
                os.mkdir(folder)  # usually its parent is there: one system call
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            except FileExistsError:
                pass
            self._made.add(folder)
        return _write_new(os.path.join(folder, parts[-1]), data)

    def commit(self, rels: Iterable[str]) -> dict[str, os.stat_result]:
        """Move staged files into place (each an atomic rename).

        Into an output folder that holds nothing yet, whole staged folders move at once, and
        the files keep the times ``put`` gave; files moved one by one into a folder that
        holds others are stat'ed in place, and their stats returned.
        """
        moved: dict[str, os.stat_result] = {}
        if not set(os.listdir(self.out_dir)) - KEEP:
            for entry in os.listdir(self.folder):
                os.replace(self.folder / entry, self.out_dir / entry)
        else:
            folders = _InsideFolders(self.out_dir)
            for rel in rels:
                parts = checked_parts(rel)
                path = f"{folders.make(parts[:-1], rel)}/{parts[-1]}"
                os.replace(os.path.join(self.folder, *parts), path)
                moved[rel] = os.stat(path)
        self.discard()
        return moved

    def discard(self) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)


def matches(path: Path | str, size: int, mtime_ns: int) -> bool:
    """True when the file is still the one written with this size and time."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return stat.st_size == size and stat.st_mtime_ns == mtime_ns


def changed_files(out_dir: Path | str, written: Mapping[str, tuple[int, int]]) -> list[str]:
    """The outputs that are missing or no longer have the size and time they were written with."""
    base = str(out_dir)
    return [
        rel for rel, (size, mtime) in written.items() if not matches(f"{base}/{rel}", size, mtime)
    ]


FORK_MIN = 2000  # outputs: fewer are checked in this process


class DiskCheck:
    """Which outputs of the last build changed on disk since, checked in a forked process
    while this one loads its state (one stat per output: the slow part of a small build).

    Use as a context manager, so that the helper process is always waited for.
    """

    def __init__(self, out_dir: Path, written: Mapping[str, tuple[int, int]]) -> None:
        self.out_dir, self.written = out_dir, written
        self._changed: set[str] | None = None
        self._pid, self._fd = 0, -1
        if len(written) >= FORK_MIN and hasattr(os, "fork"):
            with contextlib.suppress(OSError):
                self._fork()

    def _fork(self) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the helper: stat, report, exit without any cleanup of the parent's
            status = 1
            try:
                os.close(read)
                report = "\0".join(changed_files(self.out_dir, self.written))
                with os.fdopen(write, "wb") as fh:
                    fh.write(report.encode("utf-8", "surrogateescape"))
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._fd = pid, read

    def changed(self) -> set[str]:
        """The outputs that are missing or differ from the size and time recorded for them."""
        if self._changed is None:
            report = self._collect()
            if report is None:
                report = changed_files(self.out_dir, self.written)
            self._changed = set(report)
        return self._changed

    def not_intact(self, records: Mapping[str, Any]) -> set[str]:
        """The outputs among these records (each with a ``size`` and ``mtime_ns``) that are not
        the file recorded: those the snapshot agrees with unless the helper saw them
        change, the others by a ``stat`` of their own."""
        written = self.written
        failed = set()
        for out, record in records.items():
            if written.get(out) == (record.size, record.mtime_ns):
                if out in self.changed():  # (worked out once)
                    failed.add(out)
            elif not matches(f"{self.out_dir}/{out}", record.size, record.mtime_ns):
                failed.add(out)
        return failed

    def _collect(self) -> list[str] | None:
        """The helper's report (None without a helper, or if it failed)."""
        if not self._pid:
            return None
        try:
            with os.fdopen(self._fd, "rb") as fh:
                data = fh.read()
        finally:
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
        if status != 0:
            return None
        text = data.decode("utf-8", "surrogateescape")
        return text.split("\0") if text else []

    def __enter__(self) -> DiskCheck:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pid:  # never asked: stop reading, so the helper cannot block, and wait
            os.close(self._fd)
            os.waitpid(self._pid, 0)
            self._pid = 0


def remove_files(out_dir: Path, rels: Iterable[str]) -> list[str]:
    """Delete these outputs and any folder they leave empty."""
    removed = []
    folders: set[Path] = set()
    for rel in sorted(rels):
        path = safe_join(out_dir, rel)
        path.unlink(missing_ok=True)
        removed.append(rel)
        folders.update(p for p in path.relative_to(out_dir).parents if p != Path("."))
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        with contextlib.suppress(OSError):
            (out_dir / folder).rmdir()  # only succeeds when empty
    return removed


def output_files(out_dir: Path) -> list[str]:
    """Every file in ``out_dir`` outside the kept entries (none if it is missing)."""
    return list(_walk(out_dir)) if out_dir.is_dir() else []
