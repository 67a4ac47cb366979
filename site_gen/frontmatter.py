"""Split a Markdown file into YAML front matter and body, keeping file line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from site_gen.errors import SourceError

FENCE = "---"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # same output as SafeDumper, faster


@dataclass(frozen=True)
class FrontMatter:
    """A file's front matter, the line of each top-level key, and its body."""

    data: dict[str, Any]
    lines: dict[str, int]  # key -> line in the file (1-based)
    body: str
    start: int  # line of the opening fence

    def line(self, key: str) -> int:
        """Line of ``key`` in the file, or of the opening fence when the key is absent."""
        return self.lines.get(key, self.start)


def split_front_matter(text: str, path: Path, *, required: bool = True) -> FrontMatter:
    """Parse ``---``-fenced YAML at the start of ``text``; errors carry the file's line."""
    lines, end = _fenced(text)
    if end == 0:
        if required:
            raise SourceError(path, 1, "no front matter: the file must start with a '---' line")
        return FrontMatter({}, {}, "\n".join(lines), 1)
    if end is None:
        raise SourceError(path, 1, "front matter is not closed: add a '---' line after it")
    block = "\n".join(lines[1:end])
    data, key_lines = _load_yaml(block, path, first_line=2)
    body = "\n".join(lines[end + 1 :])
    return FrontMatter(data, key_lines, body, 1)


def body_of(text: str) -> str:
    """The body of a file's text, as ``split_front_matter`` gives it (without reading YAML)."""
    lines, end = _fenced(text)
    return "\n".join(lines[end + 1 :] if end else lines)


def _fenced(text: str) -> tuple[list[str], int | None]:
    """The text's lines (newlines normalised) and the line of the closing fence: 0 when
    there is no opening fence, None when the front matter is not closed."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return lines, 0
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    return lines, end


def _compose(block: str) -> tuple[Any, Any]:
    """Parse with libyaml when available; on any problem, with the pure-Python loader.

    Both accept the same documents; only the pure-Python one's messages are used, so
    errors read the same whichever loader the machine has.
    """
    if LOADER is not yaml.SafeLoader:
        loader = LOADER(block)
        try:
            node = loader.get_single_node()
            return node, _construct(loader, node) if node is not None else {}
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()
    loader = yaml.SafeLoader(block)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else {}
    finally:
        loader.dispose()


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_SCALARS = frozenset(  # built from the scalar alone, in one step
    f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp")
)


class _Unusual(Exception):
    """A document ``_plain`` leaves to the full constructor."""


def _construct(loader: Any, node: yaml.Node) -> Any:
    """``loader.construct_document(node)``, faster for what front matter holds: mappings with
    text keys, lists, text, numbers, booleans, dates. Any other document (other tags, a
    node used twice through an alias) goes to the constructor itself."""
    try:
        return _plain(loader, node, set())
    except _Unusual:
        return loader.construct_document(node)


def _plain(loader: Any, node: yaml.Node, seen: set[int]) -> Any:
    """The value of a node; ``seen``: the containers met so far (an alias repeats one, which
    the constructor shares rather than copies)."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag == _STR:
            return node.value
        if node.tag in _SCALARS:
            return loader.construct_object(node)
        raise _Unusual  # a container tag on a scalar, binary...: the constructor decides
    if id(node) in seen:
        raise _Unusual
    seen.add(id(node))
    if node.tag == _SEQ and kind is yaml.SequenceNode:
        return [_plain(loader, item, seen) for item in node.value]
    if node.tag == _MAP and kind is yaml.MappingNode:
        data = {}
        for key, value in node.value:
            if key.tag != _STR or type(key) is not yaml.ScalarNode:
                raise _Unusual  # merge keys, non-text keys: the constructor's rules apply
            data[key.value] = _plain(loader, value, seen)
        return data
    raise _Unusual  # other tags (sets, ordered maps...)


def _load_yaml(block: str, path: Path, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    """Load a YAML mapping safely, returning it with each top-level key's file line."""
    try:
        node, data = _compose(block)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        raise SourceError(path, line, f"front matter: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise SourceError(path, first_line, f"front matter: invalid YAML: {exc}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise SourceError(path, first_line, "front matter must be a mapping of keys to values")
    key_lines = {
        str(k.value): first_line + k.start_mark.line
        for k, _ in (node.value if isinstance(node, yaml.MappingNode) else [])
    }
    return {str(k): v for k, v in data.items()}, key_lines
