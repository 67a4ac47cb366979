"""Three-way merge of a story file an editor may have changed with a fresh ingest.

Ingest stores, in the story's front matter, a short hash of every field as the
machine wrote it (`ingest_hashes`). On the next ingest a field whose current value
still has that hash was not touched by the editor and takes the new machine value;
a field the editor changed keeps the editor's value, and if the machine value
changed too the field is reported as a conflict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

HASHES_KEY = "ingest_hashes"
BODY = "body"


@dataclass(frozen=True)
class MergeResult:
    """The merged front matter and body, and which fields changed or conflicted."""

    data: dict[str, Any]
    body: str
    updated: tuple[str, ...]
    kept: tuple[str, ...]
    conflicts: tuple[str, ...]


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
"""`json.dumps` with these options, made once (it builds an encoder per call)."""


def field_hash(value: Any) -> str:
    """A short stable hash of a front matter value (or the body)."""
    text = _ENCODER.encode(_plain(value))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return value.strip()
    return value


def machine_hashes(fields: dict[str, Any], body: str) -> dict[str, str]:
    """The hash block for freshly written machine fields."""
    hashes = {key: field_hash(value) for key, value in fields.items()}
    hashes[BODY] = field_hash(body)
    return hashes


def merge_story(
    current: dict[str, Any], current_body: str, fields: dict[str, Any], body: str
) -> MergeResult:
    """Merge new machine `fields` and `body` into the file's `current` front matter and body."""
    base = current.get(HASHES_KEY)
    base = base if isinstance(base, dict) else {}
    data = {k: v for k, v in current.items() if k != HASHES_KEY}
    updated, kept, conflicts = [], [], []
    for key, new in [*fields.items(), (BODY, body)]:
        old = current_body if key == BODY else current.get(key)
        present = key == BODY or key in current
        old_hash = field_hash(old) if present else None
        new_hash = field_hash(new)
        if old_hash == new_hash:
            continue
        editor_changed = base.get(key) is not None and old_hash != base.get(key)
        if editor_changed:
            kept.append(key)
            if new_hash != base.get(key):
                conflicts.append(key)
            continue
        updated.append(key)
        if key == BODY:
            current_body = new
        else:
            data[key] = new
    data = _ordered(data, fields)
    data[HASHES_KEY] = machine_hashes(fields, body)
    return MergeResult(data, current_body, tuple(updated), tuple(kept), tuple(conflicts))


def _ordered(data: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Machine keys in their usual order first, then the editor's own keys."""
    out = {k: data[k] for k in fields if k in data}
    out.update((k, v) for k, v in data.items() if k not in out)
    return out
