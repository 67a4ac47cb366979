"""A memoising view of the gazetteer for one ingest run (names repeat across stories)."""

from __future__ import annotations

from collections.abc import Collection

from site_gen.ingest.gazetteer import Gazetteer, Place


class PlaceLookup:
    """The gazetteer questions extraction asks, each answer remembered by its arguments."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._memo: dict[tuple[str, str, tuple[str, ...]], Place | None] = {}

    def _ask(self, method: str, name: str, extra: tuple[str, ...] = ()) -> Place | None:
        key = (method, name, extra)
        if key not in self._memo:
            if method == "best":
                self._memo[key] = self.gazetteer.best(name, extra)
            else:
                self._memo[key] = getattr(self.gazetteer, method)(name)
        return self._memo[key]

    def country(self, code_or_name: str) -> Place | None:
        return self._ask("country", code_or_name)

    def demonym(self, word: str) -> Place | None:
        return self._ask("demonym", word)

    def capital_country(self, name: str) -> Place | None:
        return self._ask("capital_country", name)

    def best(self, name: str, countries: Collection[str] = ()) -> Place | None:
        return self._ask("best", name, tuple(sorted(countries)))
