"""Topic tags from weighted keyword rules (`site_gen/data/topics.yaml`), and the summary."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources

import yaml

from site_gen.frontmatter import LOADER

MIN_TAGS = 2
MAX_TAGS = 5
USUAL_TAGS = 3
THIRD_TAG_SHARE = 0.1
SUMMARY_CHARS = 300
_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
_Rule = tuple[str, tuple[str, ...], float, int]
"""(topic, following word stems, weight, whole-word length or 0)."""


@dataclass(frozen=True)
class TopicRules:
    """Keyword rules indexed by the stem of their first word: stem -> (topic, rest, weight).

    A keyword ending in `=` (`war=`) matches that whole word only, not `warning`.
    """

    by_stem: dict[str, tuple[_Rule, ...]]
    longest: int
    _matches: dict[str, tuple[_Rule, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls) -> TopicRules:
        """The rules shipped with the package."""
        return _default_rules()

    @classmethod
    def from_mapping(cls, data: dict[str, dict[str, float]]) -> TopicRules:
        index: dict[str, list[_Rule]] = {}
        for topic, keywords in data.items():
            for keyword, weight in (keywords or {}).items():
                words = tuple(str(keyword).lower().split())
                first = words[0].rstrip("=")
                exact = len(first) if words[0].endswith("=") else 0
                index.setdefault(first, []).append((str(topic), words[1:], float(weight), exact))
        longest = max((len(k) for k in index), default=0)
        return cls({k: tuple(v) for k, v in index.items()}, longest)

    def scores(self, words: list[str]) -> dict[str, float]:
        """Summed weights per topic of every keyword match in `words`."""
        out: dict[str, float] = {}
        known = self._matches
        for word in set(words).difference(known):
            self._rules_for(word)
        found = list(map(known.__getitem__, words))
        for i in itertools.compress(itertools.count(), found):  # most words have no rules
            word = words[i]
            for topic, rest, weight, exact in found[i]:
                if (exact and len(word) != exact) or (rest and not _follows(words, i + 1, rest)):
                    continue
                out[topic] = out.get(topic, 0.0) + weight
        return out

    def _rules_for(self, word: str) -> tuple[_Rule, ...]:
        """The rules whose first stem `word` starts with (remembered per word)."""
        found = self._matches.get(word)
        if found is None:
            found = tuple(
                rule
                for size in range(1, min(len(word), self.longest) + 1)
                for rule in self.by_stem.get(word[:size], ())
            )
            self._matches[word] = found
        return found


def _follows(words: list[str], i: int, rest: tuple[str, ...]) -> bool:
    if i + len(rest) > len(words):
        return False
    return all(map(str.startswith, words[i : i + len(rest)], rest))


@functools.cache
def _default_rules() -> TopicRules:
    text = resources.files("site_gen.data").joinpath("topics.yaml").read_text(encoding="utf-8")
    return TopicRules.from_mapping(yaml.load(text, Loader=LOADER) or {})


def choose_tags(
    headline: str, paragraphs: Sequence[str], vocabulary: Sequence[str], rules: TopicRules
) -> tuple[str, ...]:
    """Two to five topics of `vocabulary`, the best-scoring first."""
    words = _words(" ".join(paragraphs))
    body = rules.scores(words)
    head = rules.scores(_words(headline))
    wanted = {t.casefold(): t for t in vocabulary}
    scores: dict[str, float] = {}
    for topic in body.keys() | head.keys():
        name = wanted.get(topic.casefold())
        if name is not None:
            total = body.get(topic, 0.0) + 2 * head.get(topic, 0.0)
            scores[name] = total / (1 + len(words) / 400)
    ranked = sorted(scores, key=lambda t: (-scores[t], t))
    if not ranked:
        return ()
    top = scores[ranked[0]]
    chosen = [t for t in ranked[:MAX_TAGS] if scores[t] >= max(top * 0.45, 4.0)]
    if len(chosen) < MIN_TAGS:
        chosen = ranked[:MIN_TAGS]
    if len(chosen) < USUAL_TAGS <= len(ranked) and scores[ranked[2]] >= top * THIRD_TAG_SHARE:
        chosen = ranked[:USUAL_TAGS]  # most stories touch three topics: keep a clear third
    return tuple(chosen)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def make_summary(lead: str, limit: int = SUMMARY_CHARS) -> str:
    """The lead's first sentence or two, at most `limit` characters, cut at a boundary."""
    text = " ".join(lead.split())
    sentences = _sentences(text)
    summary = sentences[0] if sentences else text
    if len(summary) < 120 and len(sentences) > 1 and len(summary) + len(sentences[1]) < limit:
        summary = f"{summary} {sentences[1]}"
    if len(summary) <= limit:
        return summary
    cut = summary[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"


_ABBREV_END = re.compile(
    r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Spc|Cmdr|Adm|Gov|Sen|Rep|St|No|Jan|Feb|"
    r"Mar|Apr|Aug|Sept?|Oct|Nov|Dec|Inc|Co|Corp|Jr|Sr|Va|U\.S|U\.N|U\.K)\.$"
)


def _sentences(text: str) -> list[str]:
    out, start = [], 0
    for match in re.finditer(r"[.!?][\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])", text):
        piece = text[start : match.start() + 1]
        if _ABBREV_END.search(piece):
            continue
        out.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out
