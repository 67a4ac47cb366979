"""Exception types. Every problem with a user's input becomes a SiteGenError."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class SiteGenError(Exception):
    """Base class: an error the user can fix; printed without a traceback."""


class SourceError(SiteGenError):
    """A problem in one input file, located by line: ``path:line: message``."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        path = _shown(self.path)
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.message}"


def _shown(path: Path) -> str:
    """A path relative to the working folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


class ConfigError(SiteGenError):
    """One or more problems in ``sitegen.yaml``, all reported together."""

    def __init__(self, path: Path | str, problems: Iterable[str]) -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.path}: {p}" for p in self.problems)


class BuildErrors(SiteGenError):
    """Every error found in one build pass, reported together."""

    def __init__(self, errors: Iterable[SiteGenError]) -> None:
        self.errors = tuple(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def raise_all(errors: list[SiteGenError]) -> None:
    """Raise the errors together if there are any."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise BuildErrors(errors)
