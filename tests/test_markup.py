"""The Markdown stage: the plain-paragraph path must give exactly what the full path gives."""

import random
from pathlib import Path

import pytest

from site_gen.markup import full_markdown_to_html, markdown_to_html, plain_paragraphs

SHARED_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev"

# Pieces that plain text is made of, and pieces that are (or look like) Markdown syntax.
PIECES = [
    "a",
    "Bb",
    " ",
    " ",
    "\n",
    "\n\n",
    "\n\n\n",
    '"',
    "'",
    ".",
    ",",
    ";",
    ":",
    "-",
    "—",
    "(",
    ")",
    "%",
    "$",
    "1",
    "2.",
    "3)",
    "#",
    "=",
    "+",
    ">",
    "<",
    "&",
    "&amp;",
    "*",
    "_",
    "`",
    "[",
    "]",
    "!",
    "|",
    "~",
    "{",
    "}",
    "\\",
    "é",
    "\u00a0",
    "\u2003",
    "\t",
    "  \n",
    "    ",
    "<script>",
    "AT&T",
    "x_y",
    "2009.",
    "- ",
    "* ",
    "> ",
    ": ",
]


def test_plain_paragraphs_give_the_full_path_output_for_random_text():
    rnd = random.Random(7)
    taken = 0
    for _ in range(20000):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 16)))
        plain = plain_paragraphs(text)
        if plain is not None:
            taken += 1
            assert plain == full_markdown_to_html(text), repr(text)
    assert taken > 1000  # the comparison really ran on many texts


@pytest.mark.parametrize(
    "text",
    [
        "# Head",
        "1. item",
        "- item",
        "> quote",
        "Title\n===",
        "line one  \nline two",
        "    code",
        "*em*",
        "a_b_c",
        "[x](https://example.org/)",
        "<script>alert(1)</script>",
        "AT&T",
        "Term\n: definition",
        "| a | b |\n|---|---|",
        "a\u00a0b",
    ],
)
def test_text_that_may_hold_syntax_takes_the_full_path(text):
    assert plain_paragraphs(text) is None
    assert markdown_to_html(text) == full_markdown_to_html(text)


def test_plain_wire_paragraphs():
    text = 'AMMAN (Reuters) - Rebels said on Monday 50% of "the town" fell.\n\nA second one.\n'
    assert plain_paragraphs(text) == (
        '<p>AMMAN (Reuters) - Rebels said on Monday 50% of "the town" fell.</p>\n'
        "<p>A second one.</p>"
    )


@pytest.mark.skipif(not SHARED_DEV.is_dir(), reason="../shared/eval/dev is not beside the repo")
def test_real_story_paragraphs_match_the_full_path():
    for path in sorted(SHARED_DEV.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for body in (text, "\n\n".join(p.strip() for p in text.split("\n\n"))):
            plain = plain_paragraphs(body)
            if plain is not None:
                assert plain == full_markdown_to_html(body), path.name
