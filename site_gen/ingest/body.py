"""Plain wire text to Markdown that renders back to exactly the same text."""

from __future__ import annotations

import re

# Characters Python-Markdown (with "extra") may interpret anywhere in a line.
_INLINE = re.compile(r"([\\`*_{}\[\]()#+!|])")
_BLOCK_START = re.compile(r"^(\s*)([-+>]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """Escape one paragraph so Markdown and HTML show it literally."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    match = _BLOCK_START.match(text)
    if match:
        lead, mark = match.group(1), match.group(2)
        mark = mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark
        text = lead + mark + text[match.end() :]
    if text.startswith(":"):
        text = "&#58;" + text[1:]
    return text


def paragraphs_to_markdown(paragraphs: tuple[str, ...] | list[str]) -> str:
    """Join escaped paragraphs with blank lines; ends with a newline."""
    return "\n\n".join(escape_markdown(p) for p in paragraphs if p.strip()) + "\n"
