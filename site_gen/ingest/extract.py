"""Actors and locations of a wire story, by rules over capitalised names and a gazetteer.

Pipeline: capitalised spans per sentence (`_spans`), titles stripped and each span
classified from its words and context (`_classify`), then mentions grouped into
entities with coreference (surnames, acronyms, short forms, typos) and each
entity's role decided (a state acting is an actor; a place where things happen
is a location).
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Container
from dataclasses import dataclass, field

from site_gen.ingest import lexicon as lx
from site_gen.ingest.gazetteer import Gazetteer, Place
from site_gen.ingest.places import PlaceLookup
from site_gen.ingest.tokens import (
    Token,
    ends_in_org,
    is_cap,
    is_ordinal,
    joins,
    tokenize,
)
from site_gen.ingest.wire import WireStory
from site_gen.names import normalize as _normalize

normalize = functools.lru_cache(maxsize=1 << 16)(_normalize)
"""The guideline's comparison key, remembered: extraction asks for the same names often."""
_TEXT = operator.itemgetter(0)
"""A token's text (`Token.text`, read without the field's descriptor)."""
_INITIAL = operator.itemgetter(3)
"""Whether a token opens its sentence (`Token.initial`)."""
_UNIT_WORDS = frozenset(["Battalion", "Company", "Squadron", "Brigade"])
_DIGIT = re.compile(r"\d")
_FORCE_HEADS = frozenset(w.split("-")[0] for w in lx.FORCE_NOUNS) | {"security", "armed"}
_NUMBERED = lx.ORG_SUFFIXES | lx.SITE_SUFFIXES | lx.NUMBERED_SITES
_NUMBERED_PLACES = lx.NUMBERED_SITES - lx.ORG_SUFFIXES
_OF_PLACE = lx.PLACE_NOUNS | lx.words(
    "resident residents outskirts people citizens mayor governor centre center heart"
)
_SENTENCE_STARTERS = lx.words(
    "The A An He She It They We I This That These Those In On At But And Its His Her"
)
_OF_HEADS = (
    lx.ORG_SUFFIXES
    | lx.TITLES
    | lx.REGION_SUFFIXES
    | lx.SITE_SUFFIXES
    | frozenset(("Republic", "Kingdom", "Democratic", "States", "Gulf"))
)
"""Words after which `of`/`for` continues a name (`Organization of Coastal States`)."""


@dataclass(frozen=True)
class Entity:
    """One actor or location of a story: display name, kind, other surface forms."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    place: Place | None = None


@dataclass(frozen=True)
class Entities:
    actors: tuple[Entity, ...]
    locations: tuple[Entity, ...]


@dataclass(slots=True)
class Mention:
    """One occurrence of a name in the text, with what its context says about it."""

    text: str
    full: str
    words: list[str]
    category: str = ""  # person org group state place site single skip acronym
    kind: str = ""
    titled: bool = False
    locative: bool = False
    agent: bool = False
    possessive: bool = False
    place: Place | None = None
    country: str = ""  # ISO2 for states, capitals and demonym forms
    acronym_of: str = ""
    acronym: str = ""
    followed_by_place_noun: bool = False
    prev: str = ""
    next: str = ""
    start: int = 0
    end: int = 0
    first: int = 0
    last: int = 0
    uncorroborated: bool = False
    modifier: bool = False
    with_article: bool = False
    place_after: bool = False
    next2: str = ""
    prev2: str = ""
    alias_of: str = ""


@dataclass
class _Group:
    category: str
    mentions: list[Mention] = field(default_factory=list)
    forms: dict[str, int] = field(default_factory=dict)

    def add(self, mention: Mention, form: str | None = None) -> None:
        self.mentions.append(mention)
        key = form or mention.text
        self.forms[key] = self.forms.get(key, 0) + 1


def extract_entities(
    story: WireStory, gazetteer: Gazetteer | PlaceLookup, known: Container[str] = frozenset()
) -> Entities:
    """The story's actors and locations with canonical names and aliases.

    `known` holds the normalised names of actors already in the registry: a name the
    rules alone would pass over (said once, in passing) counts when the registry has it.
    """
    if isinstance(gazetteer, Gazetteer):
        gazetteer = PlaceLookup(gazetteer)
    excluded = _excluded_names(story)
    sentences = [
        (paragraph, sentence, list(map(_TEXT, sentence)))
        for paragraph in _text_paragraphs(story)
        for sentence in tokenize(paragraph)
    ]
    words = _StoryWords.of(sentences)
    mentions: list[Mention] = []
    for paragraph, sentence, texts in sentences:
        mentions.extend(_sentence_mentions(paragraph, sentence, texts, words, gazetteer))
    mentions = [m for m in mentions if normalize(m.text) not in excluded and m.category != "skip"]
    return _resolve(mentions, story, gazetteer, known)


@dataclass(frozen=True)
class _StoryWords:
    """Words the story writes in lower case, and capitalised words not opening a sentence."""

    lower: frozenset[str]
    capitalised: frozenset[str]

    @classmethod
    def of(cls, sentences: list[tuple[str, list[Token], list[str]]]) -> _StoryWords:
        """The words of sentences given as (paragraph, tokens, token texts)."""
        counts = Counter(itertools.chain.from_iterable(texts for _, _, texts in sentences))
        initial = Counter(
            itertools.chain.from_iterable(
                itertools.compress(texts, map(_INITIAL, sentence))
                for _, sentence, texts in sentences
            )
        )
        lower = frozenset([w for w in counts if w[0].islower()])
        caps = frozenset([w for w in counts if w[0].isupper() and counts[w] > initial[w]])
        return cls(lower, caps)


def _text_paragraphs(story: WireStory) -> list[str]:
    out = []
    for i, para in enumerate(story.paragraphs):
        if "Image:" in para or para.startswith(("Photo:", "Photo by", "Photo By")):
            continue
        out.append(para[story.lead_offset :] if i == 0 else para)
    return out


def _excluded_names(story: WireStory) -> set[str]:
    """Reporters, editors and the agency: never actors."""
    names = set()
    for name in story.byline:
        names.add(normalize(name))
        names.add(normalize(name.split()[-1]))
    if story.dateline_agency:
        names.add(normalize(story.dateline_agency))
    for credit in story.credits:
        for sentence in tokenize(credit):
            texts = list(map(_TEXT, sentence))
            for start, end in _spans(sentence, texts, credit, frozenset()):
                name = _strip_title([t.text for t in sentence[start:end]])[1]
                if len(name) >= 2:  # people; a place in a credit line may be in the story too
                    names.add(normalize(" ".join(name)))
    names.discard("")
    return names


# --------------------------------------------------------------------------
# spans
# --------------------------------------------------------------------------


def _spans(
    sentence: list[Token], texts: list[str], text: str, lower_words: frozenset[str]
) -> list[tuple[int, int]]:
    """Index ranges of capitalised name phrases in a sentence (`texts`: its token texts)."""
    spans: list[tuple[int, int]] = []
    n = len(sentence)
    caps = _caps(texts)
    i = _next_cap(caps, 0)
    while i < n:
        if not _starts_name(sentence, i, lower_words, caps):
            i = _next_cap(caps, i + 1)
            continue
        j = i + 1
        while j < n:
            word = texts[j]
            if caps[j]:
                if texts[j - 1].endswith(".") and word in _SENTENCE_STARTERS:
                    break  # `Regt. The`: the abbreviation ended the sentence
                j += 1
                continue
            if j + 1 < n and caps[j + 1] and _connector(texts, caps, i, j):
                j += 2
                continue
            if (
                word == "of"
                and j + 2 < n
                and texts[j + 1] == "the"
                and caps[j + 2]
                and _connector(texts, caps, i, j)
            ):
                j += 3
                continue
            if word[:1].isdigit() and texts[j - 1] in _NUMBERED:
                j += 1  # `Patrol Squadron 7`, `Task Force 88/3`, `Tower 22`
            break
        spans.append((i, j))
        i = _next_cap(caps, j)
    if "(" in text:
        spans = _acronym_stretches(spans, sentence, caps)
    return _join_units(spans, sentence)


_NEVER, _ALWAYS, _BY_NEXT = 0, 1, 2


class _CapStates(dict[str, int]):
    """Whether a word is part of a name: never, always, or by the word after it (by word)."""

    def __missing__(self, word: str) -> int:
        if len(self) >= 1 << 16:
            self.clear()
        if is_cap(word):
            state = _ALWAYS if word.rstrip(".") not in lx.WEEKDAYS_MONTHS else _BY_NEXT
        else:
            state = _BY_NEXT if is_ordinal(word) else _NEVER
        self[word] = state
        return state


_CAP_STATES = _CapStates()


def _caps(texts: list[str]) -> list[bool]:
    """For each word, whether it can be part of a name (`_cap_pair` with the word after it)."""
    states = list(map(_CAP_STATES.__getitem__, texts))
    caps = list(map(operator.eq, states, itertools.repeat(_ALWAYS)))
    if _BY_NEXT in states:  # `May` in `May 5`, `26th` in `26th Brigade`
        n = len(texts)
        by_next = map(operator.eq, states, itertools.repeat(_BY_NEXT))
        for i in itertools.compress(itertools.count(), by_next):
            caps[i] = _cap_pair(texts[i], texts[i + 1] if i + 1 < n else "")
    return caps


def _next_cap(caps: list[bool], i: int) -> int:
    """The index of the first capitalised word from `i` on, or `len(caps)`."""
    try:
        return caps.index(True, i)
    except ValueError:
        return len(caps)


_STRETCH_JOINERS = frozenset(("of", "for", "the", "and", "on", "in", "&", "de", "des", "du", "'s"))


def _acronym_stretches(
    spans: list[tuple[int, int]], sentence: list[Token], caps: list[bool]
) -> list[tuple[int, int]]:
    """`Office for the Coordination of Humanitarian Affairs (OCHA)`: one name, whole."""
    for p in range(1, len(sentence) - 2):
        if sentence[p].text != "(" or sentence[p + 2].text != ")":
            continue
        acr = sentence[p + 1].text
        if not _acronym_like(acr):
            continue
        k = p
        while k > 0 and (caps[k - 1] or sentence[k - 1].text in _STRETCH_JOINERS):
            k -= 1
        words = [t.text for t in sentence[k:p]]
        start = next((s for s in range(len(words)) if _spelled(acr, words[s:])), None)
        if start is None:
            continue
        s = k + start
        while s > k and caps[s - 1] and sentence[s - 1].text not in _SENTENCE_STARTERS:
            s -= 1  # `United Nations Office for ...`: the capitalised words before it too
        if p - s < 3:
            continue
        spans = [sp for sp in spans if sp[1] <= s or sp[0] >= p] + [(s, p)]
        spans.sort()
    return spans


def _spelled(acr: str, words: list[str]) -> bool:
    """Whether `acr` is made of leading letters of `words` in order (`MOFCOM`, `ECOWAS`)."""
    letters = "".join(c for c in acr.lower() if c.isalnum())
    if not words or not words[0][:1].isupper() or len(words) > 14:
        return False
    return _spell(letters, [w.lower() for w in words], [w[:1].isupper() for w in words])


def _spell(letters: str, words: list[str], caps: list[bool]) -> bool:
    if not letters:
        return all(not c for c in caps)
    if not words:
        return False
    word, rest, rest_caps = words[0], words[1:], caps[1:]
    if not caps[0] and _spell(letters, rest, rest_caps):
        return True
    size = 1
    while size <= min(len(word), len(letters)) and word[size - 1] == letters[size - 1]:
        if _spell(letters[size:], rest, rest_caps):
            return True
        size += 1
    return False


def _starts_name(
    sentence: list[Token], i: int, lower_words: frozenset[str], caps: list[bool]
) -> bool:
    tok = sentence[i]
    if not tok.initial:
        return True
    word = tok.text.lower()
    if word in lx.DIRECTIONS and i + 1 < len(caps) and caps[i + 1]:
        return True
    if word in lower_words and word not in lx.COMMON_WORDS and i + 2 < len(caps):
        nxt = sentence[i + 1].text
        if caps[i + 1] and nxt.lower() in lx.COMMON_WORDS and caps[i + 2]:
            return True  # `Students Against Discrimination`: a title-cased name
    return word not in lx.COMMON_WORDS and word not in lower_words


@functools.lru_cache(maxsize=1 << 16)
def _cap_pair(word: str, nxt: str) -> bool:
    """Whether `word` (followed by `nxt`) can be part of a name."""
    if is_cap(word):
        return word.rstrip(".") not in lx.WEEKDAYS_MONTHS or is_cap(nxt)
    if is_ordinal(word) and nxt:
        return is_cap(nxt) and nxt.rstrip(".") not in lx.WEEKDAYS_MONTHS
    return False


def _connector(texts: list[str], caps: list[bool], start: int, j: int) -> bool:
    """Whether the lower-case word at `j` continues the name begun at `start`."""
    word = texts[j]
    left = texts[start:j]
    if joins(word):
        return True
    if word in ("of", "for"):
        return left[-1].rstrip(".") in _OF_HEADS
    if word == "on":  # `Commission on Human Rights`, `Council on Foreign Relations`
        return left[-1] in lx.ORG_SUFFIXES and len(left) >= 2
    if word == "and":
        return any(w in ("of", "for") for w in left)
    if word in ("'s", "'", "\u2019") and (word == "'s" or left[-1].endswith("s")):
        if word == "'s" and left[-1] not in lx.JOINING_POSSESSORS:
            return False
        k = j + 1
        while k < len(texts) and caps[k]:
            k += 1
        return ends_in_org(texts[j + 1 : k])
    return word == "&"


def _join_units(spans: list[tuple[int, int]], sentence: list[Token]) -> list[tuple[int, int]]:
    """`2nd Battalion, 41st Rifle Regiment`: one unit name across a comma."""
    out: list[tuple[int, int]] = []
    for span in spans:
        if out and out[-1][1] - out[-1][0] == 2 and span[0] == out[-1][1] + 1:
            a, b = out[-1]
            words = [sentence[a].text, sentence[a + 1].text]
            if (
                is_ordinal(words[0])
                and words[1] in _UNIT_WORDS
                and sentence[b].text == ","
                and is_ordinal(sentence[span[0]].text)
            ):
                out[-1] = (a, span[1])
                continue
        out.append(span)
    return out


# --------------------------------------------------------------------------
# mentions
# --------------------------------------------------------------------------


def _sentence_mentions(
    paragraph: str,
    sentence: list[Token],
    texts: list[str],
    words: _StoryWords,
    gazetteer: PlaceLookup,
) -> list[Mention]:
    spans = []
    for start, end in _spans(sentence, texts, paragraph, words.lower):
        found = _span_mentions(sentence, texts, paragraph, start, end)
        for mention in found:
            _context(mention, texts, start, end)
            word = texts[start]
            mention.uncorroborated = (
                sentence[start].initial
                and end - start == 1
                and word not in words.capitalised
                and not (mention.next in _SPEECH_VERBS and not word.endswith("s"))
            )
            mention.modifier = _modifier_follows(texts, end)
        spans.append((start, end, found))
    _list_locatives([m for _, _, found in spans for m in found], sentence)
    out: list[Mention] = []
    skipped_end = -1
    for start, end, found in spans:
        for mention in found:
            _classify(mention, gazetteer)
            if start >= 1 and texts[start - 1] in "([" and skipped_end == start - 1:
                mention.category = "skip"
            out.append(mention)
        if found and found[-1].category == "skip":
            skipped_end = end
        _acronym_after(texts, end, out)
    if len(out) > 1:
        _known_as(out)
        _list_agents(out, sentence)
    _adjectival(texts, gazetteer, out)
    _possessive_orgs(sentence, texts, paragraph, gazetteer, out)
    _lower_bodies(sentence, texts, paragraph, gazetteer, out)
    return out


_ALIASABLE = ("single", "phrase", "person")


def _known_as(mentions: list[Mention]) -> None:
    """`Ana Belmonte, known as La Jefa,`: the second name is the person's alias."""
    for a, b in zip(mentions, mentions[1:], strict=False):
        after = b.prev == "as" and b.prev2 == "known" and 0 < b.first - a.last <= 3
        if a.category == "person" and a.last and after and b.category in _ALIASABLE:
            b.category, b.kind, b.alias_of = "single", "person", normalize(a.text)


def _list_locatives(mentions: list[Mention], sentence: list[Token]) -> None:
    """`in Orvieto and Spoleto`: every name in a list after `in` is in place context."""
    if len(mentions) < 2:
        return
    for a, b in zip(mentions, mentions[1:], strict=False):
        if not a.locative or b.locative or a.with_article:
            continue
        placeish = not _org_words(a.words) and not _person_like(b.words)
        if placeish and _listed_together(a, b, sentence):
            b.locative = not b.possessive
            b.agent = False
    if not any(m.followed_by_place_noun for m in mentions[1:]):
        return
    for a, b in zip(mentions[::-1][1:], mentions[::-1], strict=False):
        plural = b.next.lower().endswith("s") or b.next2.lower().endswith("s")
        if b.followed_by_place_noun and plural and _listed_together(a, b, sentence):
            a.followed_by_place_noun = True  # `the Karzana and Old Mill districts`
            a.agent = False


_FUNCTION_FOLLOWERS = frozenset(
    [
        "of",
        "and",
        "or",
        "in",
        "at",
        "on",
        "from",
        "to",
        "for",
        "with",
        "by",
        "who",
        "whom",
        "whose",
        "which",
        "that",
        "said",
        "says",
        "is",
        "was",
        "were",
        "are",
        "has",
        "had",
        "have",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "must",
        "can",
        "as",
        "after",
        "before",
        "since",
        "during",
        "than",
        "but",
        "nor",
        "near",
        "into",
        "over",
        "under",
        "against",
        "about",
        "also",
        "who've",
    ]
)


def _modifier_follows(texts: list[str], end: int) -> bool:
    """A lower-case noun right after the name: it describes something (`Shiite forces`)."""
    if end >= len(texts):
        return False
    word = texts[end]
    if not word[:1].islower() or word.endswith("ed"):
        return False
    return not (word in _FUNCTION_FOLLOWERS or word in lx.AGENT_VERBS or word in lx.COMMON_VERBS)


def _list_agents(mentions: list[Mention], sentence: list[Token]) -> None:
    """`Chile and Peru have`: states listed together act together."""
    kinds = ("state", "capital", "place", "org")
    listed = [m for m in mentions if m.category in kinds and m.last]
    for a, b in zip(listed, listed[1:], strict=False):
        if not _listed_together(a, b, sentence):
            continue
        if "org" in (a.category, b.category):  # `Chile and the Andean Council urged`
            if a.category == "state" and b.category == "org" and b.agent:
                a.agent = True
            continue
        if a.category != "place" and b.category != "place":
            a.agent = b.agent = a.agent or b.agent
        a.locative = b.locative = a.locative or b.locative


def _listed_together(a: Mention, b: Mention, sentence: list[Token]) -> bool:
    if a.last and b.first >= a.last:
        between = [t.text for t in sentence[a.last : b.first]]
    else:
        between = [t.text for t in sentence if a.end <= t.start < b.start]
    return bool(between) and all(w in (",", "and", "the", "or") for w in between)


def _possessive_orgs(
    sentence: list[Token], texts: list[str], text: str, gazetteer: PlaceLookup, out: list[Mention]
) -> None:
    """`Russia's defense ministry`: a state's body named with lower-case words."""
    if "'s" not in texts:
        return
    for i, tok in enumerate(sentence[:-2]):
        if texts[i + 1] != "'s" or not tok.text[:1].isupper():
            continue
        country = gazetteer.country(tok.text)
        if country is None:
            continue
        end = _body_end(texts, i + 2, _POSSESSED_BODIES)
        if end and not any(texts[k] in ("news", "state-run") for k in range(i + 2, end)):
            phrase = text[tok.start : sentence[end - 1].end]
            out.append(Mention(phrase, phrase, phrase.split(), category="org", kind="organization"))
            out[-1].acronym = _appositive_acronym(texts, end)


def _appositive_acronym(texts: list[str], end: int) -> str:
    """`ZSB` in `the state's spy agency, the ZSB.`: the acronym named beside it, if any."""
    words = texts[end : end + 4]
    if words[:2] != [",", "the"] or len(words) < 3:
        return ""
    acr = words[2]
    closed = len(words) == 3 or words[3] in (".", ",", ";")
    return acr if closed and acr.isupper() and _acronym_like(acr) else ""


_ARTICLES = frozenset(("the", "The"))
_BODY_HEADS = lx.words(
    "ministry office agency department directorate commission service secretariat bureau"
)
_POSSESSED_BODIES = _BODY_HEADS | lx.words("army navy police military")
_BODY_STOP = lx.AGENT_VERBS | lx.COMMON_VERBS | lx.words("the a an and or of to in on for with")


def _body_end(texts: list[str], k: int, heads: frozenset[str]) -> int:
    """End of `foreign ministry`, `military intelligence agency` from `k`, or 0."""
    end = 0
    for j in range(k, min(k + 4, len(texts))):
        word = texts[j]
        if not word[:1].islower() or word in _BODY_STOP:
            break
        if word in heads:
            end = j + 1
    return end


def _lower_bodies(
    sentence: list[Token], texts: list[str], text: str, gazetteer: PlaceLookup, out: list[Mention]
) -> None:
    """`French foreign ministry`, `United Nations human rights office`: a body in lower case."""
    for m in out:
        if m.category == "org" and m.last and m.first < m.last and m.words[-1] != "'s":
            end = _body_end(texts, m.last, _BODY_HEADS)
            if end and texts[m.last][:1].islower():
                m.text = m.full = text[sentence[m.first].start : sentence[end - 1].end]
                m.words = m.text.split()
                m.last = end
    heads = texts[: max(len(texts) - 3, 0)]  # `the` with two words after it
    for i in itertools.compress(itertools.count(1), map(_ARTICLES.__contains__, heads)):
        if not texts[i + 1][:1].islower():
            continue  # `the French foreign ministry`, not `a French relief agency`
        tok = sentence[i]
        if not tok.text[:1].isupper() or tok.text.endswith("s"):
            continue
        if gazetteer.demonym(tok.text) is None:
            continue
        if i >= 3 and texts[i - 2] == "," and texts[i - 3].isupper():
            continue  # `ZAFA, the Chilean relief agency`: a description of the name before it
        end = _body_end(texts, i + 1, _BODY_HEADS)
        if end:
            phrase = text[tok.start : sentence[end - 1].end]
            out.append(Mention(phrase, phrase, phrase.split(), category="org", kind="organization"))


def _span_mentions(
    sentence: list[Token], texts: list[str], text: str, start: int, end: int
) -> list[Mention]:
    """Mentions in one span: titles stripped, an affiliation before a rank split off."""
    words = texts[start:end]
    if "of" in words:
        cut = words.index("of")
        if all(_is_title(w) for w in words[:cut]):
            rest = words[cut + 1 :]
            k = max(i for i, w in enumerate(words) if w == "of") + 1
            if words[k : k + 1] == ["the"]:
                k += 1
            if k < len(words) and rest and not all(_is_title(w) for w in words[k:]):
                return _span_mentions(sentence, texts, text, start + k, end)
            return []
    while (
        len(words) > 1 and words[-1] in lx.TRAILING_TITLES and not all(_is_title(w) for w in words)
    ):
        words, end = words[:-1], end - 1  # `Transport Ministry Spokesperson`
        if len(words) > 1 and words[-1] in _TITLE_OBJECTS:
            words, end = words[:-1], end - 1  # `Harbour Board Press Secretary`
    full = text[sentence[start].start : sentence[end - 1].end]
    head, name = _strip_title(words)
    if not name:
        return []
    if not head:
        return [_mention(full, full, words, sentence, start, end)]
    first = start + len(head)
    name_text = text[sentence[first].start : sentence[end - 1].end]
    mention = _mention(name_text, full, name, sentence, first, end)
    mention.titled = True
    org = _affiliation(head)
    if org:
        org_text = " ".join(org)
        return [_mention(org_text, org_text, org, sentence, start, start + len(org)), mention]
    return [mention]


def _mention(
    text: str, full: str, words: list[str], sentence: list[Token], start: int, end: int
) -> Mention:
    m = Mention(text, full, words)
    m.start, m.end = sentence[start].start, sentence[end - 1].end
    m.first, m.last = start, end
    return m


def _strip_title(words: list[str]) -> tuple[list[str], list[str]]:
    """Split `Navy Lt. Cmdr. Ana Belmonte` into title words and the name."""
    last = -1
    for i, word in enumerate(words):
        if _is_title(word) and (
            word not in lx.TITLE_MODIFIERS or (i + 1 < len(words) and _is_title(words[i + 1]))
        ):
            last = i
    if last == -1 or (len(words) >= 2 and words[-1] in ("Staff", "Command")):
        return [], words
    if any(
        w in ("of", "for") and words[i - 1].rstrip(".") in lx.ORG_SUFFIXES
        for i, w in enumerate(words[1 : last + 1], 1)
    ):
        return [], words  # `General Directorate of State Security`: a body, not a title
    name = words[last + 1 :]
    if name and (ends_in_org(name) or name[0] in ("of", "for", "and")):
        return [], words
    if not name and not all(_is_title(w) or w in lx.SERVICES or w == "of" for w in words):
        return [], words
    return words[: last + 1], name


@functools.lru_cache(maxsize=1 << 16)
def _is_title(word: str) -> bool:
    bare = word.rstrip(".")
    if bare in lx.TITLES:
        return True
    return "-" in bare and all(p in lx.TITLES for p in bare.split("-"))


def _affiliation(head: list[str]) -> list[str]:
    """An organisation before a rank (`U.S. Army` in `U.S. Army Staff Sgt.`), if any."""
    words = list(head)
    while words and (_is_title(words[-1]) or words[-1] == "of" or is_ordinal(words[-1])):
        words.pop()
    if len(words) > 1 and len(words) < len(head) and words[-1] in _TITLE_OBJECTS:
        words.pop()  # `Pentagon Press Secretary`: the press is part of the title
    if len(words) >= 2 and ends_in_org(words) and not all(w in lx.SERVICES for w in words):
        return words
    if len(words) == 1 and _acronym_like(words[0]) and words[0].isupper():
        return words  # `NATO Secretary General Ola Brenner`
    return []


def _context(mention: Mention, texts: list[str], start: int, end: int) -> None:
    """What the words around a mention say: place context, possessive, acting."""
    first, last = (mention.first, mention.last) if mention.last else (start, end)
    before = tuple(texts[max(0, first - 4) : first])
    after = texts[last : last + 4]
    mention.prev = prev = before[-1].lower() if before else ""
    mention.prev2 = before[-2].lower() if len(before) > 1 else ""
    mention.next = nxt = after[0] if after else ""
    mention.next2 = nxt2 = after[1] if len(after) > 1 else ""
    mention.with_article = prev in ("the", "a", "an")
    mention.possessive = possessive = nxt == "'s"
    mention.locative = locative = not possessive and _is_locative(before)
    follow = after[1:] if possessive else after
    mention.followed_by_place_noun = _place_noun(nxt) or (
        nxt[:1].islower() and _place_noun(nxt2)
    )  # `the Karzana informal settlement`
    mention.place_after = possessive and (
        any(w.lower() in lx.PLACE_NOUNS or w.lower() == "seaport" for w in follow[:3])
        or (bool(follow) and follow[0][:1].isupper())
    )
    troops_from = (
        prev == "from"
        and len(before) >= 2
        and (before[-2] in lx.FORCE_NOUNS or before[-2].lower() in _DELEGATES)
    )
    if locative:
        mention.agent = troops_from  # `forces from Chad`: a troop origin takes part
    else:
        mention.agent = troops_from or _acts(mention, texts, before, follow, last)


def _acts(
    mention: Mention, texts: list[str], before: tuple[str, ...], follow: list[str], last: int
) -> bool:
    """Whether the name is a participant: it acts, speaks, owns a government, is acted on."""
    nxt = follow[0].lower() if follow else ""
    if mention.possessive:
        return nxt in lx.GOVERNMENT_NOUNS or nxt in lx.TITLES_LOWER or nxt in _OWNED_BODIES
    if (
        nxt in lx.AGENT_VERBS
        or (nxt.endswith("ed") and nxt[:1].islower() and len(nxt) > 4)
        or nxt in lx.GOVERNMENT_NOUNS
        or mention.prev in ("by", "with")
        or (len(before) >= 2 and mention.prev == "of" and before[-2].lower() in _OF_STATE)
    ):
        return True
    if _acts_after_apposition(texts, last):
        return True
    if mention.prev in ("which", "that") and nxt.endswith(("s", "ed")) and len(nxt) > 3:
        return nxt[:1].islower() and nxt not in _FUNCTION_FOLLOWERS  # `which Peru claims`
    # `thanking Chile`, `accused Peru`: acted upon, so a participant too
    return _object_of_verb(before) and not _modifier_follows(texts, last)


_SPEECH_VERBS = lx.words("said says told added denied announced warned claimed reported")
_OWNED_BODIES = lx.words(
    "military army navy forces defense defence foreign deployment spokesman officials"
)


def _object_of_verb(before: tuple[str, ...]) -> bool:
    words = [w for w in before if w not in ("the", "The")]
    if not words:
        return False
    verb = words[-1]
    if not verb[:1].islower() or verb in _FUNCTION_FOLLOWERS:
        return False
    return (
        verb in lx.AGENT_VERBS
        or verb in lx.COMMON_VERBS
        or (verb.endswith("ing") and len(verb) > 5)
        or (verb.endswith("ed") and len(verb) > 4)
    )


def _acts_after_apposition(texts: list[str], last: int) -> bool:
    """`Moscow, a staunch ally of ..., denied`: the verb after a description in commas."""
    if last + 4 > len(texts) or texts[last] != ",":
        return False
    words = texts[last : last + 16]
    if words[1].lower() not in ("a", "an", "the", "which"):
        return False
    close = next((i for i in range(2, len(words)) if words[i] == ","), None)
    return close is not None and close + 1 < len(words) and words[close + 1] in lx.AGENT_VERBS


@functools.lru_cache(maxsize=1 << 16)
def _place_noun(word: str) -> bool:
    """`district`, `districts`, `villages`: a common noun for a place."""
    word = word.lower()
    return word in lx.PLACE_NOUNS or (word.endswith("s") and word[:-1] in lx.PLACE_NOUNS)


_OF_STATE = lx.words(
    """government leaders leader president presidents ministers officials delegations
    representatives envoys"""
)
_MOTION_VERBS = lx.words(
    "visited visit visits visiting toured tour tours touring reached reaches entered enters"
)
_HOLDINGS = lx.words("shares stake stakes investment investments holdings interest")
_DELEGATES = lx.words(
    """negotiators delegates delegation diplomats envoys officials representatives ministers
    counterparts mediators"""
)
_TO_NOT_PLACE = lx.words(
    "according due next home thanks close similar compared opposed related owing prior"
)


@functools.lru_cache(maxsize=1 << 16)
def _is_locative(before: tuple[str, ...]) -> bool:
    """Whether the words before a name put it in place context (remembered per words)."""
    words = [w.lower() for w in before]
    while words and (words[-1] in lx.DIRECTIONS or words[-1] in ("the", "a")):
        words.pop()
    if not words:
        return False
    if len(words) >= 2 and words[-1] == "of" and (words[-2] in _OF_PLACE or _place_noun(words[-2])):
        return True
    if words[-1] == "to" and len(words) >= 2 and words[-2] in _TO_NOT_PLACE:
        return False
    if words[-1] in _MOTION_VERBS:
        return True  # `the ship visited Peru`: a place, not a party
    if words[-1] == "in" and len(words) >= 2 and words[-2] in _HOLDINGS:
        return False  # `shares in Zyntra`
    if words[-1] == "from" and len(words) >= 2 and words[-2] in _DELEGATES:
        return False  # `negotiators from Chile`: the state taking part
    return words[-1] in lx.LOCATIVE


def _acronym_after(texts: list[str], end: int, out: list[Mention]) -> None:
    """`National Liberation Front (NLF)`: the acronym joins the phrase before it."""
    if end >= len(texts) or texts[end] not in _ACRONYM_OPENERS:
        return  # neither `, known as`, `, the ZSB` nor `(NLF)` follows
    words = texts[end : end + 6]
    if out and words[:3] == [",", "known", "as"]:
        acr = words[4] if words[3:4] == ["the"] and len(words) > 4 else words[3:4]
        acr = acr[0] if isinstance(acr, list) and acr else acr
        if isinstance(acr, str) and _acronym_like(acr) and _initials_match(acr, out[-1].words):
            out[-1].acronym = acr
        return
    if (
        out
        and out[-1].category == "org"
        and words[:2] == [",", "the"]
        and len(words) > 2
        and _acronym_like(words[2])
        and words[2].isupper()
        and (len(words) == 3 or words[3] in (".", ",", ";"))
    ):
        out[-1].acronym = words[2]  # `the state's spy agency, the ZSB.`
        return
    if end + 2 >= len(texts) or texts[end] not in "([":
        return
    acr = texts[end + 1]
    if texts[end + 2] not in ")]" or not _acronym_like(acr):
        return
    if (
        out
        and (_initials_match(acr, out[-1].words) or _spelled(acr, out[-1].words))
        and out[-1].category != "state"
    ):
        out[-1].acronym_of = out[-1].text
        out[-1].acronym = acr
        if out[-1].category not in ("org", "person"):
            out[-1].category, out[-1].kind = "org", "organization"
        return
    phrase = _lower_phrase_before(texts, end, acr)
    if phrase:
        out.append(Mention(phrase, phrase, phrase.split(), category="org", kind="organization"))
        out[-1].acronym_of = phrase
        out[-1].acronym = acr


_ACRONYM_OPENERS = frozenset((",", "(", "["))


def _acronym_like(word: str) -> bool:
    letters = word.replace(".", "")
    return 2 <= len(letters) <= 8 and letters.isalnum() and sum(c.isupper() for c in letters) >= 2


def _initials_match(acr: str, words: list[str]) -> bool:
    letters = [c for c in acr.upper() if c.isalpha()]
    initials = [w[0].upper() for w in words if w[:1].isalpha()]
    initials += [p[0].upper() for w in words for p in w.split("-")[1:] if p[:1].isalpha()]
    if not letters or len(letters) > len(initials) + 1:
        return False
    return sum(1 for c in letters if c in initials) >= max(2, len(letters) - 1)


def _lower_phrase_before(texts: list[str], end: int, acr: str) -> str:
    """`Peruvian border police (PBP)`: a phrase of lower-case words the acronym spells."""
    letters = [c for c in acr.upper() if c.isalpha()]
    words = texts[max(0, end - len(letters)) : end]
    spelled = len(words) == len(letters) and all(
        w[:1].upper() == c for w, c in zip(words, letters, strict=True)
    )
    return " ".join(words) if spelled and words[0][:1].isupper() else ""


def _adjectival(texts: list[str], gazetteer: PlaceLookup, out: list[Mention]) -> None:
    """Nationality + forces noun (`Turkish police`, `U.S. troops`): an organisation."""
    if _ADJECTIVAL_HEADS.isdisjoint(texts):
        return
    heads = [i for i in range(len(texts) - 1) if texts[i + 1] in _ADJECTIVAL_HEADS]
    for i in heads:
        nxt = texts[i + 1]
        if nxt in lx.GOVERNMENT_NOUNS:
            _national_government(texts, i, gazetteer, out)
            continue
        if nxt not in _FORCE_HEADS:
            continue
        word = texts[i]
        noun = nxt
        if nxt == "security" and i + 2 < len(texts):
            noun = "security-" + texts[i + 2].lower()
        if nxt == "armed" and i + 2 < len(texts):
            noun = "armed-" + texts[i + 2].lower()
        if noun not in lx.FORCE_NOUNS or not is_cap(word):
            continue
        if texts[i + 1][:1].isupper():
            continue  # a capitalised name, handled as a span
        country = _demonym_country(word, gazetteer)
        if country is None:
            continue
        size = 3 if "-" in noun else 2
        if _modifier_follows(texts, i + size):
            continue  # `Russian military police`: the noun describes another
        text = f"{word} {noun.replace('-', ' ')}"
        m = Mention(text, text, text.split(), category="forces", kind="organization")
        m.country = country.code
        m.words = [word, noun]
        m.agent = i + size < len(texts) and texts[i + size] in lx.AGENT_VERBS
        if _acronym_at(texts, i + size):
            m.acronym = texts[i + size + 1]
        out.append(m)


_ADJECTIVAL_HEADS = _FORCE_HEADS | lx.GOVERNMENT_NOUNS


def _national_government(
    texts: list[str], i: int, gazetteer: PlaceLookup, out: list[Mention]
) -> None:
    """`The Peruvian government said`: the state itself, under another name."""
    word = texts[i]
    if not is_cap(word) or (i and texts[i - 1][:1].isupper() and i > 1):
        return
    country = _demonym_country(word, gazetteer)
    if country is None:
        return
    text = f"{word} {texts[i + 1]}"
    m = Mention(text, text, text.split(), category="capital", kind="state")
    m.country = country.code
    after = texts[i + 2] if i + 2 < len(texts) else ""
    m.agent = after in lx.AGENT_VERBS or after == "'s" or (after.endswith("ed") and len(after) > 4)
    out.append(m)


def _acronym_at(texts: list[str], i: int) -> bool:
    return (
        i + 2 < len(texts)
        and texts[i] in "(["
        and texts[i + 2] in ")]"
        and _acronym_like(texts[i + 1])
    )


def _demonym_country(word: str, gazetteer: PlaceLookup) -> Place | None:
    if word in ("U.S.", "US", "American", "U.N.", "UN"):
        return gazetteer.country("United States") if word not in ("U.N.", "UN") else None
    return gazetteer.demonym(word) if word[:1].isupper() else None


# --------------------------------------------------------------------------
# classification
# --------------------------------------------------------------------------


def _classify(m: Mention, gazetteer: PlaceLookup) -> None:
    """Set the mention's category and kind: the first rule that recognises it decides."""
    for rule in _RULES:
        if rule(m, gazetteer):
            return
    m.category = "single" if len(m.words) == 1 else "phrase"
    m.kind = "organization"
    if m.uncorroborated:
        m.category = "skip"


def _set(m: Mention, category: str, kind: str = "", place: Place | None = None) -> bool:
    m.category, m.kind = category, kind
    if place is not None:
        m.place = place
    return True


def _rule_skip_or_titled(m: Mention, gazetteer: PlaceLookup) -> bool:
    if _is_skipped(m, gazetteer):
        return _set(m, "skip")
    return _set(m, "person", "person") if m.titled else False


def _rule_country(m: Mention, gazetteer: PlaceLookup) -> bool:
    country = gazetteer.country(m.text) if len(m.words) <= 5 else None
    if country is None or (len(m.text) == 2 and m.text not in ("US", "UK")):
        return False
    m.country = country.code
    return _set(m, "state", "country", country)


def _rule_seat_of_power(m: Mention, gazetteer: PlaceLookup) -> bool:
    """`The Kremlin has denied`, `Addis Ababa was committed`: a government speaking."""
    if len(m.words) > 3 or m.titled or m.locative or m.place_after:
        return False
    code = lx.SEATS_OF_POWER.get(normalize(m.text))
    acting = m.agent or m.possessive or m.next in _STATE_BE
    if code is None and len(m.words) > 1 and acting:
        capital = gazetteer.capital_country(m.text)
        code = capital.code if capital is not None else None
    if code is None or not acting:
        return False
    m.country, m.agent = code, True
    return _set(m, "capital", "state", None)


_PARTY_NOUNS = lx.words("party movement alliance coalition militia")
_TITLE_OBJECTS = lx.words("Press Communications Information Media Public")
_STATE_BE = lx.words("was is were are has had")


def _rule_single_word(m: Mention, gazetteer: PlaceLookup) -> bool:
    """Acronyms, state abbreviations, capitals standing for states, peoples."""
    if len(m.words) != 1:
        return False
    text = m.text
    if _acronym_like(text) and text.isupper():
        return _set(m, "acronym", "organization")
    if text.endswith(".") and text.rstrip(".") in lx.US_STATE_ABBREVIATIONS:
        return _set(m, "place", "province")
    capital = gazetteer.capital_country(text)
    acting = (m.agent or m.possessive) and not m.locative and not m.place_after
    if capital is not None and acting:
        m.country = capital.code
        return _set(m, "capital", "state", gazetteer.best(text, (capital.code,)))
    people = gazetteer.demonym(text)
    if people is None:
        return False
    if not text.endswith("s"):
        return _set(m, "skip")
    m.country = people.code
    return _set(m, "people")


def _rule_name_pattern(m: Mention, gazetteer: PlaceLookup) -> bool:
    """Names whose own words say what they are: `Falcon Forces`, `Norvale Air Base`."""
    words = m.words
    last, first = words[-1].rstrip("."), words[0].rstrip(".")
    if (
        m.next in _PARTY_NOUNS
        and not m.titled
        and not m.possessive
        and (len(words) > 1 or not (_demonym_like(first) or first.endswith("ist")))
    ):
        return _set(m, "org", "organization")  # `the Harbour Folk party`, `Azure Dawn movement`
    if len(words) > 1 and m.modifier and _demonym_like(last):
        return _set(m, "skip")  # `North Macedonian diplomat`, `West African country`
    if len(words) == 2 and last in ("Bank", "Strip") and first.lower() in _BANK_STRIP:
        return _set(m, "place", "region")
    if is_ordinal(first) and len(words) >= 2:
        return _set(m, "org", "organization")
    if len(words) == 2 and words[1][:1].isdigit() and first in _NUMBERED_PLACES:
        return _set(m, "place", "site")  # `Hangar 9`, `Pier 4`
    if len(words) == 1 and "-" in first and first.split("-")[0].lower() in ("al", "el"):
        return _set(m, "single", "group")
    if first.split("-")[0] in lx.GROUP_PREFIXES and (len(words) >= 2 or "-" in first):
        return _set(m, "org", "group")
    if _org_words(words):
        grouped = last in lx.GROUP_SUFFIXES and not _national(words, gazetteer)
        return _set(m, "org", "group" if grouped else "organization")
    if len(words) < 2:
        return False
    if last in lx.SITE_SUFFIXES or first in lx.SITE_PREFIXES:
        return _set(m, "place", "site")
    if last in lx.REGION_SUFFIXES:
        if last not in lx.STRIP_REGION or " ".join(words[:-1]).lower() in lx.DIRECTIONS:
            return _set(m, "place", "region")
        m.text = m.text[: m.text.rfind(" ")].strip()  # `Idlib province` -> `Idlib`
        return _set(m, "place", "province", gazetteer.best(m.text))
    return False


def _rule_place_context(m: Mention, gazetteer: PlaceLookup) -> bool:
    """`Karzana village`, `Pine Hollow, Colo.`, `Cusco, Peru`."""
    appositive = m.next == "," and (
        (m.next2.endswith(".") and m.next2.rstrip(".") in lx.US_STATE_ABBREVIATIONS)
        or (not _person_like(m.words) and gazetteer.country(m.next2) is not None)
    )
    if not (m.followed_by_place_noun or (appositive and len(m.words) <= 3)):
        return False
    place = gazetteer.best(m.text)
    return _set(m, "place", place.kind if place else "site", place)


def _rule_gazetteer(m: Mention, gazetteer: PlaceLookup) -> bool:
    place = gazetteer.best(m.text)
    if place is None or (place.kind != "country" and normalize(m.text) in lx.CONTINENTS):
        return False
    single = len(m.words) == 1
    if not (m.locative or not _person_like(m.words) or single):
        return False
    if single and not m.locative and _surname_context(m):
        return _set(m, "single")
    if single and not m.locative and _minor(place):
        return _set(m, "skip")  # a small namesake somewhere, named without a place's context
    if place.kind == "country":
        m.country = place.code
        return _set(m, "state", "country", place)
    return _set(m, "place", place.kind, place)


def _rule_place_or_person(m: Mention, gazetteer: PlaceLookup) -> bool:
    words = m.words
    person_like = _person_like(words)
    placed = m.locative and (len(words) > 1 or not m.with_article) and not _said_context(m)
    if placed and (not person_like or len(words) <= 3):
        return _set(m, "place", "town")
    if person_like and len(words) >= 2 and not m.modifier:
        return _set(m, "person", "person")
    return False


_RULES = (
    _rule_skip_or_titled,
    _rule_country,
    _rule_seat_of_power,
    _rule_single_word,
    _rule_name_pattern,
    _rule_place_context,
    _rule_gazetteer,
    _rule_place_or_person,
)
_BANK_STRIP = lx.DIRECTIONS | {"gaza"}


def _minor(place: Place) -> bool:
    return place.kind in ("city", "town") and place.population < 50_000


def _org_words(words: list[str]) -> bool:
    """An organisation's name: ends in `Party`, `Forces`..., or `Center for ...`, `USS ...`."""
    return _org_phrase(tuple(words))


@functools.lru_cache(maxsize=1 << 16)
def _org_phrase(words: tuple[str, ...]) -> bool:
    """`_org_words`, remembered by the words."""
    bare = [w.rstrip(".") for w in words]
    if len(bare) >= 2 and (bare[-1] in lx.ORG_SUFFIXES or bare[0] in lx.ORG_PREFIXES):
        return True
    if len(bare) >= 2 and bare[-1][:1].isdigit() and bare[-2] in lx.ORG_SUFFIXES:
        return True
    for i, word in enumerate(bare[1:], 1):
        if word in ("of", "for") and bare[i - 1] in lx.ORG_SUFFIXES:
            return True
    return False


def _demonym_like(word: str) -> bool:
    return word.endswith(("an", "ese", "ish", "i", "ic")) and word[:1].isupper()


def _is_skipped(m: Mention, gazetteer: PlaceLookup) -> bool:
    words = m.words
    decided = _skipped_words(m.text, tuple(words))
    if decided is not None:
        return decided
    if len(words) == 1 and "-" in words[0]:
        parts = words[0].split("-")
        if all(gazetteer.demonym(p) is not None for p in parts):
            return True  # `Russian-Turkish`
    return False


@functools.lru_cache(maxsize=1 << 16)
def _skipped_words(text: str, words: tuple[str, ...]) -> bool | None:
    """The gazetteer-free rules of `_is_skipped`, None when they do not decide (remembered)."""
    key = normalize(text)
    if key in lx.NOT_NAMES or _media(text):
        return True
    if all(w.rstrip(".") in lx.WEEKDAYS_MONTHS for w in words):
        return True
    if words[0].rstrip(".") in _EVENT_FIRST_WORDS or any(w in lx.EVENT_WORDS for w in words[1:]):
        return True
    if all(_is_title(w) or w in lx.SERVICES for w in words):
        return not (len(words) >= 2 and words[-1] in ("Staff", "Command"))  # `General Staff`
    if _DIGIT.search(text) and not (is_ordinal(words[0]) or _org_words(list(words))):
        return len(words) < 2 or words[-2] not in _NUMBERED
    if len(words) == 1 and (words[0].lower() in lx.COMMON_WORDS or words[0] in ("Mr", "Mrs")):
        return True
    if len(words) == 1 and (key in lx.DIRECTIONS or key in lx.CONTINENTS):
        return True
    return None


_EVENT_FIRST_WORDS = lx.words(
    "Operation Operations Exercise Cyclone Hurricane Typhoon Storm Tropical"
)
"""First words of named events (`Operation Sea Shield`, `Cyclone Mira`): neither actor nor place."""


def _media(text: str) -> bool:
    return normalize(text).replace(" ", "-") in lx.MEDIA


def _national(words: list[str], gazetteer: PlaceLookup) -> bool:
    return gazetteer.demonym(words[0]) is not None or words[0] in ("U.S.", "US")


def _person_like(words: list[str]) -> bool:
    return 2 <= len(words) <= 5 and _person_phrase(tuple(words))


@functools.lru_cache(maxsize=1 << 16)
def _person_phrase(words: tuple[str, ...]) -> bool:
    """Whether two to five words can be a person's name (remembered by the words)."""
    for word in words:
        bare = word.rstrip(".")
        if bare in lx.ORG_SUFFIXES or bare in lx.SITE_SUFFIXES or bare in lx.REGION_SUFFIXES:
            return False
        if bare.lower() in lx.DIRECTIONS or bare in lx.WEEKDAYS_MONTHS or bare in lx.TITLES:
            return False
        if not (is_cap(word) or joins(word)):
            return False
        if word.isupper() and len(word) > 2:
            return False
    return True


def _said_context(m: Mention) -> bool:
    return m.prev in ("said", "says", "told") or m.next in ("said", "says")


def _surname_context(m: Mention) -> bool:
    return m.prev in ("said", "says") or m.next in ("said", "says", "told", "added")


# --------------------------------------------------------------------------
# resolution
# --------------------------------------------------------------------------


def _resolve(
    mentions: list[Mention], story: WireStory, gazetteer: PlaceLookup, known: Container[str]
) -> Entities:
    persons: dict[str, _Group] = {}
    orgs: dict[str, _Group] = {}
    states: dict[str, _Group] = {}
    places: dict[str, _Group] = {}
    loose: list[Mention] = []
    people: list[Mention] = []
    for m in mentions:
        key = normalize(m.text)
        if m.category == "person":
            persons.setdefault(key, _Group("person")).add(m)
        elif m.category in ("org", "acronym", "forces"):
            orgs.setdefault(key, _Group("org")).add(m)
        elif m.category in ("state", "capital"):
            states.setdefault(m.country, _Group("state")).add(m)
        elif m.category == "place":
            pkey = f"g{m.place.geonames_id}" if m.place and m.place.geonames_id else key
            places.setdefault(pkey, _Group("place")).add(m)
        elif m.category in ("single", "phrase"):
            loose.append(m)
        elif m.category == "people":
            people.append(m)
    _merge_typos(persons)
    _merge_typos(orgs)
    _merge_typos(places)
    _merge_person_parts(persons)
    _merge_acronyms(orgs)
    _merge_forces(orgs)
    _claim_places(places, persons, orgs)
    _attach_loose(loose, persons, orgs, known)
    _merge_acronyms(orgs)
    _fold_forces_into_states(orgs, states)
    _seats_of_bodies(states, orgs)
    actors: list[Entity] = [_entity(g, "person") for g in persons.values()]
    for group in orgs.values():
        kind = next((m.kind for m in group.mentions if m.kind), "organization")
        actors.append(_entity(group, kind))
    locations: list[Entity] = [_place_entity(g) for g in places.values()]
    settings = [
        e
        for e, g in zip(locations, places.values(), strict=True)
        if not all(_destination(m) for m in g.mentions)
    ]
    actors.extend(_states(states, people, story, gazetteer, locations, settings))
    _dateline_location(story, gazetteer, locations)
    return Entities(tuple(_dedupe(actors)), tuple(_dedupe(locations)))


_BODY_SEATS = {"brussels": ("european union", "eu", "european commission")}
"""Capitals that in the company of an international body stand for it (`Brussels said`)."""


def _seats_of_bodies(states: dict[str, _Group], orgs: dict[str, _Group]) -> None:
    """`Brussels confirmed tariffs` in a story about the EU: the EU speaking, not Belgium."""
    for code, group in list(states.items()):
        seats = {normalize(m.text) for m in group.mentions}
        if len(seats) != 1 or any(m.category != "capital" for m in group.mentions):
            continue
        bodies = _BODY_SEATS.get(seats.pop(), ())
        target = next((orgs[k] for k in bodies if k in orgs), None)
        if target is not None:
            for m in group.mentions:
                target.add(m)
            del states[code]


def _fold_forces_into_states(orgs: dict[str, _Group], states: dict[str, _Group]) -> None:
    """`Russian troops` where Russia itself acts: the people stand for the state."""
    for key in list(orgs):
        group = orgs[key]
        m = group.mentions[0]
        if m.category != "forces" or any(x.acronym for x in group.mentions):
            continue
        state = states.get(m.country)
        if state is None or not any(x.agent for x in state.mentions):
            continue
        if len(m.words) == 2 and m.words[1] in ("forces", "troops"):
            for x in group.mentions:
                state.add(x, x.text)
            del orgs[key]


def _claim_places(
    places: dict[str, _Group], persons: dict[str, _Group], orgs: dict[str, _Group]
) -> None:
    """A place the gazetteer does not know that names a person or group elsewhere is theirs."""
    surnames = {_surname_key(k.split()[-1]): k for k in persons}
    tokens = {w: k for k in persons if len(k.split()) >= 2 for w in k.split()[1:] if len(w) > 2}
    for key in list(places):
        group = places[key]
        name = normalize(group.mentions[0].text)
        if name in tokens and len(name.split()) == 1:
            target = persons[tokens[name]]  # `Lloyd Austin` ... `Austin said`: never the city
        elif any(m.place for m in group.mentions) or any(m.kind == "site" for m in group.mentions):
            continue
        else:
            target = orgs.get(name) or persons.get(name) or _org_starting(name, orgs, persons)
        if target is None and name in surnames:
            target = persons[surnames[name]]
        if target is not None:
            for m in group.mentions:
                target.add(m)
            del places[key]


def _org_starting(name: str, *named: dict[str, _Group]) -> _Group | None:
    """`Zyntra` for `Zyntra Pay`: the one actor whose name begins with the word."""
    found = [g for groups in named for k, g in groups.items() if k.startswith(name + " ")]
    return found[0] if len(found) == 1 and " " not in name else None


def _attach_loose(
    loose: list[Mention],
    persons: dict[str, _Group],
    orgs: dict[str, _Group],
    known: Container[str],
) -> None:
    """Single words and unknown phrases: a surname, a short form, or (if repeated) a group."""
    pending: dict[str, _Group] = {}
    for m in loose:
        if _attach_single(m, persons, orgs):
            continue
        pending.setdefault(normalize(m.text), _Group("org")).add(m)
    for key, group in pending.items():
        particle = group.mentions[0].kind == "group" or any(_named(m) for m in group.mentions)
        repeated = len(group.mentions) >= 2 or key in known
        if repeated or particle or any(m.agent for m in group.mentions):
            orgs.setdefault(key, _Group("org"))
            for m in group.mentions:
                orgs[key].add(m)


_NAMING_WORDS = lx.words("dubbed called named nicknamed codenamed")
_APPOSITION_NOUNS = lx.words(
    "party group militia movement organisation organization company firm unit agency union"
)


def _named(m: Mention) -> bool:
    """`a unit known as Zephyr`, `the farmers' party Harvest`: the text says it is a name."""
    return (
        m.prev in _NAMING_WORDS
        or (m.prev == "as" and m.prev2 == "known")
        or (m.prev in _APPOSITION_NOUNS and m.prev2 not in ("the", "a", "an", "this", "that"))
    )


def _entity(group: _Group, kind: str) -> Entity:
    name = _canonical(group)
    aliases = {m.full for m in group.mentions} | set(group.forms)
    aliases.discard(name)
    return Entity(name, kind, tuple(sorted(aliases)))


def _canonical(group: _Group) -> str:
    forms = list(group.forms)
    full = [m.text for m in group.mentions if m.acronym_of]
    if full:
        return full[0]
    return max(forms, key=lambda f: (len(f.split()), group.forms[f], len(f)))


def _merge_typos(groups: dict[str, _Group]) -> None:
    """`Mandaly` and `Mandalay`, `Corsica Island` and `Corsica`: one entity."""
    keys = [(k, _match_key(g)) for k, g in groups.items()]
    for i, (a, na) in enumerate(keys):
        for b, nb in keys[i + 1 :]:
            if abs(len(na) - len(nb)) > 1 or b not in groups:
                continue
            if a not in groups:
                break  # merged into an earlier group: nothing left to compare
            same = na == nb or (
                len(na) >= 6 and na.count(" ") == nb.count(" ") and _one_edit(na, nb)
            )
            if same:
                keep, drop = (a, b) if _weight(groups[a]) >= _weight(groups[b]) else (b, a)
                for m in groups[drop].mentions:
                    groups[keep].add(m)
                del groups[drop]


def _match_key(group: _Group) -> str:
    key = normalize(group.mentions[0].text).replace("'s ", " ")
    words = key.split()
    if len(words) > 1 and words[-1] in ("island", "islands", "province", "region"):
        key = " ".join(words[:-1])
    return key


def _weight(group: _Group) -> tuple[bool, int]:
    return any(m.place for m in group.mentions), len(group.mentions)


def _one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of exactly one."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    p = _common_prefix(a, b)  # the first difference: any edit can be made there
    if len(a) == len(b):
        swapped = a[p + 1 : p + 2] == b[p : p + 1] and a[p : p + 1] == b[p + 1 : p + 2]
        return a[p + 1 :] == b[p + 1 :] or (swapped and a[p + 2 :] == b[p + 2 :])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return long_[p + 1 :] == short[p:]


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix of `a` and `b`."""
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return size


def _surname_key(word: str) -> str:
    key = normalize(word)
    for particle in ("al ", "el ", "bin ", "ibn "):
        if key.startswith(particle):
            return key[len(particle) :]
    return key


def _merge_person_parts(persons: dict[str, _Group]) -> None:
    """`Ortega` and `President Luis M. Ortega`: a shorter name inside a longer one."""
    keys = sorted(persons, key=lambda k: -len(k.split()))
    for short in list(keys):
        words = short.split()
        targets = [
            k
            for k in keys
            if k != short
            and k in persons
            and len(k.split()) > len(words)
            and (k.endswith(" " + short) or k.split()[-len(words) :] == words)
        ]
        if not targets:
            skey = _surname_key(short)
            targets = [
                k
                for k in keys
                if k != short
                and k in persons
                and len(k.split()) > len(words)
                and _surname_key(k.split()[-1]) == skey
                and len(words) == 1
            ]
        if not targets and len(words) == 1:
            targets = [k for k in keys if k != short and k in persons and k.split()[0] == short]
            targets = targets if len(targets) == 1 else []
        if targets and short in persons:
            target = max(targets, key=lambda k: len(persons[k].mentions))
            for m in persons[short].mentions:
                persons[target].add(m)
            del persons[short]


def _merge_acronyms(orgs: dict[str, _Group]) -> None:
    """`NLF` joins `National Liberation Front`; `Rangers` joins `Harbor Rangers`."""
    full_by_acr: dict[str, str] = {}
    for key, group in orgs.items():
        for m in group.mentions:
            if m.acronym:
                full_by_acr[normalize(m.acronym)] = key
        if len(group.mentions[0].words) > 1:
            full_by_acr.setdefault(_initials(group.mentions[0].words), key)
    for key, group in list(orgs.items()):
        m = group.mentions[0]
        acr = normalize(m.text)
        if not (m.category == "acronym" or _acronym_like(m.words[-1])):
            continue
        target = full_by_acr.get(acr) or full_by_acr.get(normalize(" ".join(m.words)))
        target = None if target == key else target
        if not target and m.category == "acronym" and len(acr) >= 3:
            spelled = [k for k in orgs if k != key and _spells(acr, k.split())]
            target = spelled[0] if len(spelled) == 1 else None
        if target and target != key and target in orgs:
            for mention in group.mentions:
                orgs[target].add(mention)
            del orgs[key]
    keys = sorted(orgs, key=len)
    for short in keys:
        longer = [
            k for k in keys if k != short and k in orgs and short in orgs and _inner(short, k)
        ]
        if len(longer) == 1 and len(short) > 3:
            for m in orgs[short].mentions:
                orgs[longer[0]].add(m)
            del orgs[short]


def _inner(short: str, key: str) -> bool:
    """`red cross` in `kenya red cross society`: a short form, not the name's first words."""
    return key.endswith(" " + short) or (
        f" {short} " in f" {key} " and not key.startswith(short + " ") and len(short.split()) > 1
    )


def _spells(acr: str, words: list[str]) -> bool:
    """`nafor` from `norvale force`: the acronym is prefixes of the last words, in order."""
    words = [w for w in words if w not in ("of", "for", "and", "the")]
    return any(_prefixes(acr, words[i:]) for i in range(len(words) - 1))


def _prefixes(acr: str, words: list[str]) -> bool:
    if not words:
        return not acr
    word = words[0]
    return any(
        acr[:k] == word[:k] and _prefixes(acr[k:], words[1:])
        for k in range(1, min(len(acr), len(word)) + 1)
    )


def _initials(words: list[str]) -> str:
    """`418th Air Support Group` -> `418th asg`; `NR Party` -> `nrp`."""
    prefix = [w for w in words[:1] if is_ordinal(w)]
    letters = ""
    for word in words[len(prefix) :]:
        if word in ("of", "for", "and", "the", "'s"):
            continue
        letters += word if word.isupper() and len(word) <= 4 else word[:1]
    return normalize(" ".join([*prefix, letters]))


def _merge_forces(orgs: dict[str, _Group]) -> None:
    """A state's army, troops and forces are one actor (`Chilean army`, `Chilean Armed Forces`)."""
    by_country: dict[str, list[str]] = defaultdict(list)
    for key, group in orgs.items():
        m = group.mentions[0]
        if m.category == "forces" and len(m.words) == 2 and m.words[1] in lx.ARMY_GROUP:
            by_country[m.country].append(key)
    for keys in by_country.values():
        proper = [k for k, g in orgs.items() if k not in keys and _is_national_army(g, keys)]
        target = proper[0] if proper else None
        if target is None:
            army = [k for k in keys if k.endswith(" army")]
            target = army[0] if army else None
        if target is None and len(keys) > 1:
            target = max(keys, key=lambda k: len(orgs[k].mentions))
        if target is None:
            continue
        for key in keys:
            if key != target and key in orgs:
                for m in orgs[key].mentions:
                    orgs[target].add(m)
                del orgs[key]


def _is_national_army(group: _Group, keys: list[str]) -> bool:
    """`Chilean Armed Forces` beside `Chilean army`: the proper name of the same body."""
    words = normalize(group.mentions[0].text).split()
    demonyms = {k.split()[0] for k in keys}
    return len(words) >= 2 and words[0] in demonyms and words[-2:] == ["armed", "forces"]


def _attach_single(m: Mention, persons: dict[str, _Group], orgs: dict[str, _Group]) -> bool:
    if m.alias_of:
        owner = persons.get(m.alias_of) or next(
            (g for g in persons.values() if m.alias_of in {normalize(x.text) for x in g.mentions}),
            None,
        )
        if owner is not None:
            owner.add(m)
            return True
    key = _surname_key(m.text)
    if len(m.words) == 1:
        for pkey, group in persons.items():
            if _surname_key(pkey.split()[-1]) == key or pkey.split()[0] == key:
                group.add(m)
                return True
    text = normalize(m.text)
    for okey, group in orgs.items():
        words = okey.split()
        if len(words) > len(text.split()) and (
            okey.startswith(text + " ") or okey.endswith(" " + text)
        ):
            group.add(m)
            return True
    if text in orgs:
        orgs[text].add(m)
        return True
    return False


def _states(
    states: dict[str, _Group],
    people: list[Mention],
    story: WireStory,
    gazetteer: PlaceLookup,
    locations: list[Entity],
    settings: list[Entity],
) -> list[Entity]:
    """States that act become actors; countries where things happen become locations.

    A country is also a location when a place in it is where something happens
    (`settings`); a place named only as a destination (`will travel to Lima`) is not.
    """
    actors = []
    region = normalize(story.dateline_region or "")
    contained = {e.place.country for e in settings if e.place and e.place.kind != "country"}
    for code, group in states.items():
        country = gazetteer.country(code)
        forms = [m.text for m in group.mentions if m.category == "state"]
        display = (
            max(forms, key=lambda f: (len(f.split()), group.forms.get(f, 0), len(f)))
            if forms
            else None
        )
        if display is None and country is not None:
            display = country.name
        if not display:
            continue
        acting = any(m.agent for m in group.mentions)
        if acting:
            aliases = set(group.forms) | {m.text for m in people if m.country == code}
            actors.append(Entity(display, "state", tuple(sorted(aliases - {display})), country))
        located = any(
            (m.locative or m.place_after) and m.category == "state" and not _subject(m)
            for m in group.mentions
        )
        located = located or normalize(display) == region or region in map(normalize, forms)
        located = located or (code in contained and bool(forms))
        if located:
            locations.append(Entity(display, "country", (), country))
    return actors


def _destination(m: Mention) -> bool:
    """`plans to travel to Lima`: a place named only as where someone will go."""
    return m.prev in ("to", "towards", "toward")


def _subject(m: Mention) -> bool:
    """`the United States has`: a state doing something, whatever list it stands in."""
    nxt = m.next.lower()
    return m.agent and (nxt in lx.AGENT_VERBS or nxt in lx.COMMON_VERBS) and not m.possessive


def _place_entity(group: _Group) -> Entity:
    place = next((m.place for m in group.mentions if m.place), None)
    name = max(group.forms, key=lambda f: (group.forms[f], len(f)))
    kind = next((m.kind for m in group.mentions if m.kind), "town")
    aliases = {m.full for m in group.mentions} | set(group.forms)
    aliases.discard(name)
    return Entity(name, kind, tuple(sorted(aliases)), place)


def _dateline_location(story: WireStory, gazetteer: PlaceLookup, locations: list[Entity]) -> None:
    """The dateline place is a location, and so is the region or country named with it."""
    if story.dateline_region:
        region = story.dateline_region
        place = gazetteer.best(region)
        if all(normalize(e.name) != normalize(region) for e in locations):
            locations.insert(0, Entity(region, place.kind if place else "region", (), place))
    if story.dateline_place:
        country = (
            gazetteer.best(story.dateline_region).country
            if story.dateline_region and gazetteer.best(story.dateline_region)
            else ""
        )
        place = gazetteer.best(story.dateline_place, (country,) if country else ())
        locations.insert(
            0, Entity(story.dateline_place, place.kind if place else "city", (), place)
        )


def _dedupe(entities: list[Entity]) -> list[Entity]:
    seen: set[str] = set()
    out = []
    for e in entities:
        key = normalize(e.name)
        if key and key not in seen:
            seen.add(key)
            out.append(e)
    return out
