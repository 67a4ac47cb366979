"""Build state kept between builds: parsed files, rendered Markdown, and what each output was.

``BuildState`` lives in memory (``sitegen serve`` keeps one for its whole session) and on
disk in ``.sitegen-cache/`` (safe to delete; git-ignored):

- ``parsed-NN.pickle`` (16 shards, so that an edit rewrites one): content file -> (stamp,
  parsed object); a file whose stamp (mtime_ns, size, inode, ctime_ns) is unchanged is
  neither read nor parsed again;
- ``markdown.sqlite``: sha256 of a Markdown source -> its sanitised HTML, looked up lazily;
- ``outputs-<key>.pickle`` for each output folder: output path -> ``OutputRecord`` (what it
  was rendered from, the digest and stamp of the file written), stored as columns, plus
  the model digests;
  ``outputs-<key>.journal`` holds the changes since, until it grows large;
- ``outline.pickle``: the last build's taxonomies, pages and story terms with their model
  digests (a ``SiteOutline``), reused while no story's outline fields, term file, standalone
  page, static file name, config or code changed.

Anything unreadable or from another version is ignored: the build then works from scratch.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import itertools
import os
import pickle
import sqlite3
import tempfile
import time
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

FORMAT = 13  # bumped whenever what a cache file holds changes shape: older files are ignored
GITIGNORE = "# sitegen's cache: safe to delete\n*\n"

Stamp = tuple[int, int, int, int]  # mtime_ns, size, inode, ctime_ns (no tool can set ctime)
RACY_NS = 2_000_000_000  # file time stamps are only as fine as the kernel's clock tick
ENTRY_INODES = os.name != "nt"  # os.scandir entries carry inode numbers (not on Windows)


class OutputRecord(NamedTuple):
    """One output file as the last build left it."""

    shape: bytes  # digest of the output's own description (its Page, a static file's stamp)
    deps: array | memoryview  # ids (in BuildState.keys) of the model keys read rendering it
    # (a view into the loaded outputs file: no pickling, no hashing; ``_savable`` copies)
    sha256: bytes
    size: int
    mtime_ns: int


@dataclass
class BuildState:
    """Caches carried from one build to the next; a fresh one makes a full build."""

    parsed: dict[str, tuple[Stamp, Any, int]] = field(default_factory=dict)  # + time parsed
    parse_salt: str = ""  # config and code the parsed objects were made with
    render_salt: str = ""  # templates, config and code the outputs were made with
    digests: dict[str, str] = field(default_factory=dict)  # model key -> digest
    keys: list[str] = field(default_factory=list)  # model keys by id (see OutputRecord.deps)
    key_ids: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    out_dir: Path | None = None
    markdown: MarkdownStore | None = None
    loaded_from: Path | None = None
    saved: Saved | None = None  # what the outputs file on disk holds
    parsed_reset: bool = False  # the parse cache was emptied: every shard needs writing
    env: tuple[str, Any] | None = None  # (salt, Jinja environment) kept between builds
    private_output: bool = False  # only builds with this state write to its output folder
    folder_id: tuple[int, int] | None = None  # (device, inode) of that folder when last built
    outline: Any = None  # the SiteOutline of the last build (reused while its key holds)
    outline_saved: Any = None  # what the outline on disk holds (see _outline_mark)
    packed: PackedDeps | None = None  # the outputs' key ids in one buffer (outputs_reading)

    def reset_outputs(self) -> None:
        self.digests, self.outputs, self.render_salt = {}, {}, ""
        self.saved = None
        self.keys, self.key_ids = [], {}
        self.packed = None

    def parse_memo(
        self, salt: str, stamps: Mapping[str, Stamp] | None = None
    ) -> Callable[[str, Callable[[str], Any]], Any]:
        """A ``load_content`` memo: reuse a parsed object while its file's stamp holds.

        A file changed less than ``RACY_NS`` before it was last parsed may have changed
        again within the file system's time stamp granularity, so it is parsed again.
        ``stamps`` are stamps taken earlier in this build (a file changed since then is
        parsed again next time, as its stamp will differ).
        """
        stamps = stamps or {}
        if salt != self.parse_salt:
            self.parsed, self.parse_salt = {}, salt
            self.parsed_reset = True
        fresh: dict[str, tuple[Stamp, Any, int]] = {}
        changed: set[str] = set()  # paths parsed anew
        now = time.time_ns()

        def reusable(key: str, stamp: Stamp) -> Any:
            cached = self.parsed.get(key)
            if cached is not None and cached[0] == stamp and stamp[3] < cached[2] - RACY_NS:
                return cached
            return None

        def memo(key: str, parse: Callable[[str], Any]) -> Any:
            stamp = stamps.get(key) or file_stamp(key)
            cached = reusable(key, stamp)
            if cached is not None:
                fresh[key] = cached
                return cached[1]
            value = parse(key)
            fresh[key] = (stamp, value, now)
            changed.add(key)
            return value

        def reuse(keys: Iterable[str]) -> dict[str, Any]:
            """The parsed objects of these keys that ``memo`` would reuse (as far as the
            stamps taken earlier tell), counted as used, in one pass."""
            found: dict[str, Any] = {}
            for key in keys:
                cached = reusable(key, stamps[key]) if key in stamps else None
                if cached is not None:
                    fresh[key] = cached
                    found[key] = cached[1]
            return found

        memo.fresh = fresh  # type: ignore[attr-defined]
        memo.changed = changed  # type: ignore[attr-defined]
        memo.reuse = reuse  # type: ignore[attr-defined]
        return memo


SCAN_LIMIT = 64  # more changed keys than this: test each output's reads one by one


def outputs_reading(
    records: Mapping[str, OutputRecord], ids: set[int], packed: PackedDeps | None = None
) -> set[str]:
    """The outputs whose recorded reads include any of these key ids.

    For a few ids, every output's ids are joined into one buffer and each id is searched
    for with ``bytes.find`` (in C), instead of testing tens of thousands of outputs.
    ``packed`` is such a buffer as loaded from disk; records it does not hold (replaced
    since, see ``PackedDeps.replaced``) are tested one by one.
    """
    if not ids:
        return set()
    if len(ids) > SCAN_LIMIT:
        return {out for out, record in records.items() if not ids.isdisjoint(record.deps)}
    if packed is None:
        packed = PackedDeps.of(records)
    found = _find_ids(packed.names, packed.ends, packed.buffer, ids) - packed.replaced
    for out in packed.replaced:
        record = records.get(out)
        if record is not None and not ids.isdisjoint(record.deps):
            found.add(out)
    return found


def _find_ids(names: list[str], ends: list[int], buffer: bytes, ids: set[int]) -> set[str]:
    """The names whose stretch of ``buffer`` (ids up to ``ends[n]``) holds any of ``ids``."""
    size = array("I").itemsize
    found: set[str] = set()
    for key_id in ids:
        pattern = array("I", [key_id]).tobytes()
        at = buffer.find(pattern)
        while at >= 0:
            if at % size:  # the bytes straddle two ids
                at = buffer.find(pattern, at + 1)
                continue
            n = bisect.bisect_right(ends, at // size)
            found.add(names[n])
            at = buffer.find(pattern, ends[n] * size)  # on to the next output
    return found


@dataclass
class PackedDeps:
    """Every output's key ids as one buffer, as the outputs file holds them.

    ``names[n]`` read the ids before ``ends[n]`` (and from ``ends[n - 1]``). Outputs in
    ``replaced`` have records (or none) other than the buffer's: a journal changed them.
    """

    names: list[str]
    ends: list[int]
    buffer: bytes
    replaced: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, records: Mapping[str, OutputRecord]) -> PackedDeps:
        names = list(records)
        ends = list(itertools.accumulate(len(record.deps) for record in records.values()))
        return cls(names, ends, b"".join(record.deps for record in records.values()))

    def replace(self, outputs: Iterable[str]) -> bool:
        """Note outputs whose records changed; False once so many did that the buffer is
        better made again."""
        self.replaced.update(outputs)
        return len(self.replaced) * JOURNAL_RATIO < len(self.names)


def file_stamp(path: Path | str) -> Stamp:
    stat = os.stat(path)
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)


class MarkdownStore(MutableMapping[str, str]):
    """Rendered Markdown on disk (SQLite), read lazily; new entries are kept until ``save``.

    Safe to use in forked worker processes: each process opens its own connection.
    """

    def __init__(self, path: Path | None, salt: str) -> None:
        self.path, self.salt = path, salt
        self.new: dict[str, str] = {}
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._empty = False  # nothing was stored when this process opened it, or saved since

    def _db(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._conn is None or self._pid != os.getpid():
            self._pid = os.getpid()
            try:
                self._conn = sqlite3.connect(self.path, timeout=60)
                self._conn.execute(
                    "CREATE TABLE IF NOT EXISTS html (key TEXT PRIMARY KEY, html TEXT NOT NULL)"
                )
                self._conn.execute("CREATE TABLE IF NOT EXISTS meta (salt TEXT NOT NULL)")
                row = self._conn.execute("SELECT salt FROM meta").fetchone()
                if row is None or row[0] != self.salt:
                    with self._conn:
                        self._conn.execute("DELETE FROM html")
                        self._conn.execute("DELETE FROM meta")
                        self._conn.execute("INSERT INTO meta VALUES (?)", (self.salt,))
                query = "SELECT NOT EXISTS (SELECT 1 FROM html)"
                self._empty = bool(self._conn.execute(query).fetchone()[0])
            except sqlite3.Error:
                self.path, self._conn = None, None
        return self._conn

    def __getitem__(self, key: str) -> str:
        if key in self.new:
            return self.new[key]
        db = self._db()
        row = None
        if db is not None and not self._empty:  # a cold build asks for nothing
            try:
                row = db.execute("SELECT html FROM html WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                row = None
        if row is None:
            raise KeyError(key)
        return row[0]

    def __setitem__(self, key: str, html: str) -> None:
        self.new[key] = html
        if len(self.new) >= FLUSH_EVERY:  # entries are pure: storing early is always safe
            self.save()

    def __delitem__(self, key: str) -> None:
        raise NotImplementedError

    def __iter__(self) -> Iterator[str]:
        return iter(self.new)

    def __len__(self) -> int:
        return len(self.new)

    def wipe(self) -> None:
        """Forget every stored entry."""
        db = self._db()
        if db is not None:
            with db:
                db.execute("DELETE FROM html")

    def add(self, entries: dict[str, str]) -> None:
        self.new.update(entries)

    def save(self, keep: set[str] | None = None) -> None:
        """Store new entries; with ``keep``, also drop every entry not in it."""
        db = self._db()
        if db is None:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO html VALUES (?, ?)", list(self.new.items()))
                self._empty = False
                if keep is not None:
                    stored = {k for (k,) in db.execute("SELECT key FROM html")}
                    db.executemany("DELETE FROM html WHERE key = ?", [(k,) for k in stored - keep])
            self.new = {}
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None

    def __getstate__(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "salt": self.salt,
            "new": {},
            "_conn": None,
            "_pid": 0,
            "_empty": False,
        }


def cache_dir(root: Path, name: str) -> Path:
    """The cache folder, created with its ``.gitignore``."""
    folder = root / name
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    return folder


def _outputs_file(folder: Path, out_dir: Path) -> Path:
    key = hashlib.sha1(str(out_dir).encode()).hexdigest()[:12]
    return folder / f"outputs-{key}.pickle"


def forget_outputs(folder: Path, out_dir: Path) -> None:
    """Delete what the cache records about an output folder (one that is going away)."""
    records = _outputs_file(folder, out_dir)
    for path in (records, records.with_suffix(".journal"), records.with_suffix(".snapshot")):
        path.unlink(missing_ok=True)


FLUSH_EVERY = 200  # rendered Markdown kept in memory before it goes to disk
PARSED_SHARDS = 16
OUTLINE_FILE = "outline.pickle"
JOURNAL_RATIO = 4  # rewrite the whole outputs file when the journal reaches 1/4 of it


def shard_of(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % PARSED_SHARDS


def load_state(folder: Path, out_dir: Path, markdown_salt: str) -> BuildState:
    """The state saved by the last build into ``out_dir`` (empty parts where none is)."""
    state = BuildState(out_dir=out_dir, loaded_from=folder)
    shards = [_load(folder / f"parsed-{n:02d}.pickle") for n in range(PARSED_SHARDS)]
    salts = {shard["salt"] if shard else None for shard in shards}
    if len(salts) == 1 and None not in salts:
        state.parse_salt = salts.pop()  # type: ignore[assignment]
        for shard in shards:
            state.parsed.update(shard["parsed"])  # type: ignore[index]
    outputs_file = _outputs_file(folder, out_dir)
    base = _load(outputs_file)
    if base:
        journal = _load(outputs_file.with_suffix(".journal"))
        if not (journal and journal["base"] == base["id"]):
            journal = {"outputs": {}, "digests": {}}
        base_keys = len(base["keys"])
        state.outputs, state.packed = _unpack(base)
        if journal["outputs"] or journal["digests"]:
            _apply(base, state.outputs, journal)
            state.packed.replaced.update(journal["outputs"])
        state.digests = base["digests"]
        state.render_salt = base["salt"]
        state.keys = base["keys"]
        state.key_ids = {key: n for n, key in enumerate(state.keys)}
        state.saved = Saved(
            base["id"], len(state.outputs), base_keys, journal["outputs"], journal["digests"]
        )
    state.markdown = MarkdownStore(folder / "markdown.sqlite", markdown_salt)
    saved_outline = _load(folder / OUTLINE_FILE)
    if saved_outline:
        state.outline = saved_outline["outline"]
        state.outline_saved = _outline_mark(state.outline)
    return state


def _pack(outputs: dict[str, OutputRecord]) -> dict[str, Any]:
    """The records as columns, with every output's key ids in one buffer: far faster to load
    than a tuple and an array per output."""
    records = outputs.values()
    return {
        "names": list(outputs),
        "shapes": [record.shape for record in records],
        "shas": [record.sha256 for record in records],
        "sizes": array("q", [record.size for record in records]),
        "mtimes": array("q", [record.mtime_ns for record in records]),
        "deps": b"".join(record.deps for record in records),
        "counts": array("I", [len(record.deps) for record in records]),
    }


def _unpack(base: dict[str, Any]) -> tuple[dict[str, OutputRecord], PackedDeps]:
    """The records of ``_pack``'s columns, made in C (no Python code runs per record).

    Each record's ids are a view into the one buffer, as ``array("I")`` items: nothing is
    copied, and the buffer also serves ``outputs_reading``.
    """
    names, buffer = base["names"], base["deps"]
    ends = list(itertools.accumulate(base["counts"]))
    view = memoryview(buffer).cast(array("I").typecode)
    deps = map(view.__getitem__, map(slice, itertools.chain((0,), ends), ends))
    columns = zip(base["shapes"], deps, base["shas"], base["sizes"], base["mtimes"], strict=True)
    records = map(tuple.__new__, itertools.repeat(OutputRecord), columns)
    return dict(zip(names, records, strict=True)), PackedDeps(names, ends, buffer)


def _apply(base: dict[str, Any], outputs: dict[str, OutputRecord], journal: dict) -> None:
    for key, record in journal["outputs"].items():
        if record is None:
            outputs.pop(key, None)
        else:
            outputs[key] = OutputRecord(*record)
    for key, digest in journal["digests"].items():
        if digest is None:
            base["digests"].pop(key, None)
        else:
            base["digests"][key] = digest
    base["keys"].extend(journal["keys"])
    base["salt"] = journal["salt"]


@dataclass
class Saved:
    """What the outputs file on disk holds, so that a build can save only its changes."""

    id: str
    records: int
    keys: int
    outputs: dict[str, Any] = field(default_factory=dict)  # changes since: key -> tuple|None
    digests: dict[str, str | None] = field(default_factory=dict)


def save_state(
    state: BuildState,
    folder: Path,
    *,
    parsed_shards: Iterable[int] = range(PARSED_SHARDS),
    changed_outputs: Iterable[str] | None = None,
    changed_digests: Iterable[str] | None = None,
) -> None:
    """Write the state for the next build (each file atomically, only what changed).

    ``changed_outputs`` / ``changed_digests`` None means "anything may have changed".
    """
    if state.out_dir is None:
        return
    shards: dict[int, dict[str, Any]] = {n: {} for n in set(parsed_shards)}
    if shards:
        for key, entry in state.parsed.items():
            n = shard_of(key)
            if n in shards:
                shards[n][key] = entry
        for n, entries in shards.items():
            _dump(folder / f"parsed-{n:02d}.pickle", {"parsed": entries, "salt": state.parse_salt})
    _save_outputs(state, _outputs_file(folder, state.out_dir), changed_outputs, changed_digests)
    mark = _outline_mark(state.outline)
    if mark != state.outline_saved:  # a new outline, or new entries in its memos
        _dump(folder / OUTLINE_FILE, {"outline": state.outline})
        state.outline_saved = mark


def _outline_mark(outline: Any) -> Any:
    if outline is None:
        return None
    return outline.key, len(outline.digests), sum(len(m) for m in outline.memos.values())


def _save_outputs(
    state: BuildState,
    path: Path,
    changed_outputs: Iterable[str] | None,
    changed_digests: Iterable[str] | None,
) -> None:
    saved = state.saved
    if saved is not None and changed_outputs is not None and changed_digests is not None:
        touched = False
        for key in changed_outputs:
            record = state.outputs.get(key)
            saved.outputs[key] = _savable(record) if record is not None else None
            touched = True
        for key in changed_digests:
            saved.digests[key] = state.digests.get(key)
            touched = True
        if not touched:
            return  # nothing changed since the files on disk
        if len(saved.outputs) * JOURNAL_RATIO < saved.records:
            journal = {
                "base": saved.id,
                "outputs": saved.outputs,
                "digests": saved.digests,
                "keys": state.keys[saved.keys :],
                "salt": state.render_salt,
            }
            _dump(path.with_suffix(".journal"), journal)
            return
    token = os.urandom(8).hex()
    base = {
        "id": token,
        **_pack(state.outputs),
        "digests": state.digests,
        "salt": state.render_salt,
        "keys": state.keys,
    }
    _dump(path, base)
    path.with_suffix(".journal").unlink(missing_ok=True)
    state.saved = Saved(token, len(state.outputs), len(state.keys))


def _savable(record: OutputRecord) -> tuple[Any, ...]:
    """A record as a plain tuple that pickles (ids loaded as a view become an array)."""
    deps = record.deps if isinstance(record.deps, array) else array("I", record.deps)
    return (record.shape, deps, *record[2:])


def _load(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
    except Exception:  # a missing, truncated or foreign cache file is simply not used
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return data


def _dump(path: Path, data: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump({**data, "format": FORMAT}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Snapshot:
    """Everything a finished build depended on, by stamp: equal again means nothing to do."""

    salt: str  # code, config, flags and templates
    stamps: dict[str, Stamp]  # every content and static file
    taken_ns: int  # when the stamps were taken
    outputs: dict[str, tuple[int, int]]  # output -> (size, mtime_ns) as written
    pages: int
    warnings: tuple[str, ...]


def source_stamps(folders: Iterable[Path]) -> dict[str, Stamp]:
    """The stamp of every file under these folders (missing folders have none).

    As ``os.walk`` finds them (links to folders are not followed), but with the paths and
    file types ``os.scandir`` gives for free.
    """
    stamps: dict[str, Stamp] = {}
    pending = [os.fspath(folder) for folder in folders]
    while pending:
        try:
            entries = os.scandir(pending.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.is_dir():
                        if not entry.is_symlink():
                            pending.append(entry.path)
                        continue
                    st = entry.stat() if ENTRY_INODES else os.stat(entry.path)
                    stamps[entry.path] = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
    return stamps


def snapshot_file(folder: Path, out_dir: Path) -> Path:
    return _outputs_file(folder, out_dir).with_suffix(".snapshot")


def load_snapshot(path: Path) -> Snapshot | None:
    data = _load(path)
    return data["snapshot"] if data else None


def save_snapshot(path: Path, snapshot: Snapshot) -> None:
    _dump(path, {"snapshot": snapshot})


def unchanged_since(
    snapshot: Snapshot | None, salt: str, stamps: dict[str, Stamp], disk: Any
) -> bool:
    """True when the sources are those of the snapshot and every output is as it was written
    (``disk``: an ``output.DiskCheck`` of the snapshot's outputs)."""
    if snapshot is None or snapshot.salt != salt or snapshot.stamps != stamps:
        return False
    if any(stamp[3] >= snapshot.taken_ns - RACY_NS for stamp in stamps.values()):
        return False
    return not disk.changed()
