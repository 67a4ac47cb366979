"""Links between stories and terms: related stories, co-occurring terms, the most active terms."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

from site_gen.deps import TrackedSite, build_memo
from site_gen.model import Site, Story, Term

LINKING = ("actors", "locations")  # the taxonomies that make two stories related
COMMON = 200  # terms with more stories than this do not gather candidates on their own
POSTINGS = 300  # at most this many story mentions are read to gather candidates
FINALISTS = 20  # candidates scored on every shared term
RECENT_DAYS = 30
RECENT_UNDATED = 50  # with no dated story, "recent" is the first stories in site order
CO_OCCUR_WINDOW = 200  # co-occurrence counts look at a term's newest stories only


def _weight(term: Term) -> float:
    """Rarer terms weigh more: 1 for a term of one story, 0.5 for three, 0.1 for a thousand.

    The weight depends on the term alone (not on the size of the site), so adding a story
    changes only the related stories of the stories that share its terms.
    """
    return 1.0 / math.log2(1 + len(term.stories))


def related_stories(site: Site, slug: str, limit: int = 5) -> list[Story]:
    """Stories sharing the most (rarity-weighted) actors and locations; newer first on ties.

    Candidates come from the story's rarer terms, rarest first, within a fixed budget of
    postings; only the best candidates are then scored on the common terms as well, so the
    cost per story page stays flat as the site grows.
    """
    mine = sorted(
        (
            site.term(tax, term_slug)
            for tax in LINKING
            for term_slug in site.story_terms.get(slug, {}).get(tax, ())
        ),
        key=lambda t: (len(t.stories), t.taxonomy, t.slug),
    )
    if not mine:
        return []
    ranks, slugs = _ranks(site)
    scores: dict[int, float] = {}  # by rank: ints are cheaper keys than slugs, same order
    budget = POSTINGS
    rare = [t for t in mine if len(t.stories) <= COMMON]
    for term in rare:
        if budget <= 0:
            break
        _add(scores, _postings(site, term, ranks)[:budget], _weight(term))
        budget -= len(term.stories)
    if len(scores) <= 1:  # only common terms: the newest stories of the rarest one
        _add(scores, _postings(site, mine[0], ranks)[:FINALISTS], _weight(mine[0]))
    scores.pop(ranks[slug], None)
    finalists = {slugs[rank]: score for score, rank in _highest(scores, FINALISTS)}
    common = [(t.taxonomy, t.slug, _weight(t)) for t in mine[len(rare) :]]
    if common:
        for other in finalists:
            named = site.story_terms[other]
            score = finalists[other]
            for taxonomy, term_slug, weight in common:  # in order: the same float sums
                if term_slug in named.get(taxonomy, ()):
                    score += weight
            finalists[other] = score
    return _best(site, {s: round(v, 9) for s, v in finalists.items()}, limit)


def _highest(scores: dict[int, float], n: int) -> list[tuple[float, int]]:
    """The ``n`` highest (score, rank) pairs, highest first (``heapq.nlargest``'s result).

    Sorting bare scores is fast in C, so only the pairs that can make the cut are sorted.
    """
    if len(scores) > n:
        cut = sorted(scores.values(), reverse=True)[n - 1]
        pairs = [(score, rank) for rank, score in scores.items() if score >= cut]
    else:
        pairs = list(zip(scores.values(), scores.keys(), strict=True))
    return sorted(pairs, reverse=True)[:n]


def _add(scores: dict[int, float], ranks: Sequence[int], weight: float) -> None:
    """Add ``weight`` to the score of each of these (distinct) stories."""
    old = map(scores.get, ranks, itertools.repeat(0.0))
    scores.update(zip(ranks, map(weight.__add__, old), strict=True))


def _ranks(site: Site) -> tuple[dict[str, int], list[str]]:
    """Each story's rank in slug order, and the slugs by rank; once per build.

    Ranks only stand in for slugs inside ``related_stories`` (comparing two ranks compares
    the slugs), so the result, and what it records as read, are those of the slugs.
    """
    memo = build_memo(site, "story_ranks")
    if not memo:
        real = site._site if isinstance(site, TrackedSite) else site
        slugs = sorted(story.slug for story in real.stories)
        memo["ranks"] = ({slug: n for n, slug in enumerate(slugs)}, slugs)
    return memo["ranks"]


def _postings(site: Site, term: Term, ranks: dict[str, int]) -> array:
    """A term's stories (in its order) as ranks; once per build and term."""
    memo = build_memo(site, "postings")
    key = (term.taxonomy, term.slug)
    found = memo.get(key)
    if found is None:
        found = memo[key] = array("I", map(ranks.__getitem__, term.stories))
    return found


def _best(site: Site, scores: dict[str, float], limit: int) -> list[Story]:
    """The ``limit`` highest scores; ties go to the newer story (undated last), then slug.

    Only stories that can make the cut are looked up, so a story page depends on few others.
    """
    if not scores:
        return []
    cut = sorted(scores.values(), reverse=True)[:limit][-1]
    finalists = [site.story_head(s) for s in scores if scores[s] >= cut]
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    finalists.sort(key=lambda s: s.slug)
    finalists.sort(key=lambda s: (scores[s.slug], s.date or oldest), reverse=True)
    return finalists[:limit]


def co_occurring(
    site: Site, term: Term, taxonomies: Sequence[str], limit: int = 8
) -> dict[str, list[tuple[Term, int]]]:
    """Per taxonomy, its terms named most often in this term's (newest) stories."""
    named = [site.story_terms[story] for story in term.stories[:CO_OCCUR_WINDOW]]
    counts = {
        tax: Counter(itertools.chain.from_iterable(n.get(tax, ()) for n in named))
        for tax in taxonomies
    }
    if term.taxonomy in counts:
        counts[term.taxonomy].pop(term.slug, None)
    return {tax: _top(site, tax, tally, limit) for tax, tally in counts.items()}


def _top(site: Site, taxonomy: str, counts: Counter[str], limit: int) -> list[tuple[Term, int]]:
    """The ``limit`` most counted terms, ties by slug (only those that can make the cut are
    sorted on both)."""
    if len(counts) > limit:
        cut = sorted(counts.values(), reverse=True)[limit - 1]
        items = [kv for kv in counts.items() if kv[1] >= cut]
    else:
        items = list(counts.items())
    ranked = sorted(items, key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [(site.term(taxonomy, s), n) for s, n in ranked]


def recent_stories(
    dates: Sequence[tuple[str, dt.datetime | None]], days: int = RECENT_DAYS
) -> list[tuple[str, dt.datetime | None]]:
    """The stories (slug, date) of the ``days`` up to the newest dated one (never relative
    to today), from every story's slug and date in site order."""
    dated = [(slug, date) for slug, date in dates if date]
    if not dated:
        return list(dates[:RECENT_UNDATED])
    since = max(date for _, date in dated) - dt.timedelta(days=days)
    return [(slug, date) for slug, date in dated if date > since]


def most_active(
    site: Site, slugs: Iterable[str], taxonomy: str, limit: int = 8
) -> list[tuple[Term, int]]:
    """The terms of ``taxonomy`` named in the most of these stories."""
    counts: Counter[str] = Counter()
    for slug in slugs:
        counts.update(site.story_terms[slug].get(taxonomy, ()))
    return _top(site, taxonomy, counts, limit)
