"""A memoising view of the gazetteer for one ingest run (names repeat across stories)."""

from __future__ import annotations

from collections.abc import Callable, Collection

from site_gen.ingest.gazetteer import Gazetteer, Place


class _Answers(dict[str, Place | None]):
    """One gazetteer question's answers by name, each asked the first time it is needed."""

    def __init__(self, ask: Callable[[str], Place | None]) -> None:
        super().__init__()
        self.ask = ask

    def __missing__(self, name: str) -> Place | None:
        place = self[name] = self.ask(name)
        return place


class PlaceLookup:
    """The gazetteer questions extraction asks, each answer remembered by its arguments.

    `country`, `demonym` and `capital_country` take a name, as the gazetteer's methods do;
    they are plain dictionary look-ups once a name has been asked about.
    """

    country: Callable[[str], Place | None]
    demonym: Callable[[str], Place | None]
    capital_country: Callable[[str], Place | None]

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.country = _Answers(gazetteer.country).__getitem__
        self.demonym = _Answers(gazetteer.demonym).__getitem__
        self.capital_country = _Answers(gazetteer.capital_country).__getitem__
        self._anywhere = _Answers(lambda name: gazetteer.best(name, ()))
        self._within: dict[tuple[str, tuple[str, ...]], Place | None] = {}

    def best(self, name: str, countries: Collection[str] = ()) -> Place | None:
        if not countries:
            return self._anywhere[name]
        key = (name, tuple(sorted(countries)))
        if key not in self._within:
            self._within[key] = self.gazetteer.best(*key)
        return self._within[key]
