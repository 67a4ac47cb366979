"""Sentences and word tokens of story text, with the spans of capitalised names."""

from __future__ import annotations

import functools
import itertools
import operator
import re
from typing import NamedTuple

from site_gen.ingest.lexicon import ABBREVIATIONS, ORG_SUFFIXES

_TOKEN = re.compile(r"\w[\w'\u2019]*(?:(?:[-.&](?=\w)|/(?=\d))[\w'\u2019]*)*\.?|[^\w\s]")
"""A word (`U.S.-led`, `1/2`, `d'Ivoire`, with a trailing full stop) or one mark; runs of word
characters are matched in one step, the joiners `-.&/` only before another word character."""
_SPACED_TOKEN = re.compile(rf"\s*+(?:{_TOKEN.pattern})")
"""A token with the white space before it: the lengths of these give every token's place."""
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$|^\d+-\d+(?:st|nd|rd|th)?$")
_PARTICLES = frozenset(
    [
        "al",
        "el",
        "ad",
        "as",
        "an",
        "ash",
        "at",
        "az",
        "ar",
        "bin",
        "ibn",
        "bint",
        "abu",
        "au",
        "de",
        "du",
        "da",
        "di",
        "del",
        "dos",
        "van",
        "von",
        "der",
        "la",
        "le",
        "y",
    ]
)
_JOINING_PARTICLES = frozenset(
    [
        "al",
        "el",
        "bin",
        "ibn",
        "bint",
        "de",
        "du",
        "da",
        "di",
        "del",
        "dos",
        "van",
        "von",
        "der",
        "la",
        "le",
        "y",
        "wa",
        "ould",
        "ben",
        "das",
    ]
)
_ADJ_SUFFIXES = frozenset(
    [
        "backed",
        "led",
        "based",
        "run",
        "held",
        "born",
        "made",
        "style",
        "era",
        "wide",
        "like",
        "bound",
        "level",
        "area",
        "owned",
        "linked",
        "allied",
        "sponsored",
        "funded",
        "occupied",
        "dominated",
        "controlled",
        "related",
        "friendly",
        "majority",
        "type",
        "class",
        "grade",
        "born",
        "raised",
        "educated",
        "trained",
        "armed",
        "brokered",
        "supported",
    ]
)
_SENTENCE_END = frozenset(".!?")
_NAME_PREFIXES = frozenset(["pro", "anti", "ex", "non", "post", "pre", "self", "mid", "trans"])
_OPEN_QUOTES = frozenset("\"\u201c\u2018'(\u00ab[")


class Token(NamedTuple):
    """A word or punctuation mark; `initial` marks the first word of a sentence or quote."""

    text: str
    start: int
    end: int
    initial: bool


def tokenize(text: str) -> list[list[Token]]:
    """Split a paragraph into sentences of tokens."""
    spaced = _SPACED_TOKEN.findall(text)
    words = list(map(str.lstrip, spaced))
    ends = list(itertools.accumulate(map(len, spaced)))
    starts = list(map(operator.sub, ends, map(len, words)))
    fields = zip(words, starts, ends, itertools.repeat(False), strict=False)
    plain = list(map(_new, itertools.repeat(Token), fields))
    sentences: list[list[Token]] = []
    current: list[Token] = []
    initial, done = True, 0
    for i in itertools.compress(itertools.count(), map(_MARKED.__getitem__, words)):
        initial = _extend(current, plain[done:i], initial)
        done = i + 1
        for word, start, end in _pieces(words[i], starts[i], ends[i]):
            if word[0].isalnum():
                current.append(_new(Token, (word, start, end, initial)))
                initial = False
                continue
            current.append(_new(Token, (word, start, end, False)))
            if word in _SENTENCE_END:
                sentences.append(current)
                current, initial = [], True
            elif word in _OPENS:
                initial = True
    _extend(current, plain[done:], initial)
    if current:
        sentences.append(current)
    return sentences


_new = tuple.__new__  # builds a Token without the Python-level NamedTuple constructor
_OPENS = _OPEN_QUOTES | frozenset(":;")


def _extend(current: list[Token], run: list[Token], initial: bool) -> bool:
    """Add plain words to the sentence, the first opening it if `initial`; the new `initial`."""
    if not run:
        return initial
    if initial:
        text, start, end, _ = run[0]
        run[0] = _new(Token, (text, start, end, True))
    current += run
    return False


class _Marked(dict[str, bool]):
    """Whether a matched token is or ends in a mark (`.`, `'s`, `,`), remembered by token."""

    def __missing__(self, word: str) -> bool:
        if len(self) >= 1 << 16:
            self.clear()
        last = word[-1]
        plain = last.isalnum() and (last != "s" or len(word) < 3 or word[-2] not in "'\u2019")
        self[word] = not plain
        return not plain


_MARKED = _Marked()


def _pieces(word: str, start: int, end: int) -> tuple[tuple[str, int, int], ...]:
    """A matched word with a trailing full stop, `'s` or `'` split off where they are marks."""
    last = word[-1]
    if last == "." and len(word) > 1 and not _keeps_stop(word):
        return (word[:-1], start, end - 1), (".", end - 1, end)
    if last == "s" and len(word) > 2 and word[-2] in "'\u2019":
        return (word[:-2], start, end - 2), ("'s", end - 2, end)
    if last in "'\u2019" and len(word) > 1:
        return (word[:-1], start, end - 1), ("'", end - 1, end)
    return ((word, start, end),)


def _keeps_stop(word: str) -> bool:
    """Whether the full stop ending `word` belongs to it (`U.S.`, `Lt.`, `W.`)."""
    bare = word[:-1]
    if "." in bare:
        return True
    if len(bare) == 1 and bare.isupper():
        return True
    return bare in ABBREVIATIONS


@functools.lru_cache(maxsize=1 << 16)
def is_cap(word: str) -> bool:
    """A word that can be part of a name: capitalised, `al-Assad`, `au-Prince`, `d'Ivoire`."""
    if not word or not word[0].isalpha() or any(ch.isdigit() for ch in word):
        return False
    if word[:2] in ("d'", "d\u2019", "l'", "l\u2019") and word[2:3].isupper():
        return True
    if "'" in word or "\u2019" in word:
        tail = word.replace("\u2019", "'").rsplit("'", 1)[-1]
        if tail in ("re", "ll", "ve", "d", "t", "m"):
            return False
    if "-" in word:
        if word.split("-", 1)[0].lower() in _NAME_PREFIXES:
            return False
        parts = word.split("-")
        if parts[0].lower() in _PARTICLES and any(p[:1].isupper() for p in parts[1:]):
            return True
        if parts[0][:1].isupper() and is_adjectival(word):
            return False
    return word[0].isupper()


@functools.lru_cache(maxsize=1 << 16)
def is_adjectival(word: str) -> bool:
    """`Turkey-backed`, `Russian-led`: a name turned into an adjective."""
    last = word.rsplit("-", 1)[-1]
    if last[:1].isupper() or not last.isalpha():
        return False
    return (
        last in _ADJ_SUFFIXES
        or (last.endswith("ed") and len(last) >= 4)
        or (last.endswith("ing") and len(last) >= 6)
    )


@functools.lru_cache(maxsize=1 << 16)
def is_ordinal(word: str) -> bool:
    """`26th`, `2-502nd`, `1-30`: numbers that open a unit's name."""
    return bool(_ORDINAL.match(word))


def joins(word: str) -> bool:
    """Lower-case particles that stay inside a name between capitalised words."""
    return word in _JOINING_PARTICLES


def ends_in_org(words: list[str]) -> bool:
    return bool(words) and words[-1].rstrip(".") in ORG_SUFFIXES
