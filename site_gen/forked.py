"""A share of independent work done by a forked helper process while this one does the rest.

The helper inherits this process's memory (nothing is pickled on the way in); only its
results come back. Items it fails on are left out, so the caller does them itself and gets
the real error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

_FUNCTION: list[Callable[[Any], Any]] = []  # set in the helper by _start (fork inherits it)


def _start(function: Callable[[Any], Any]) -> None:
    _FUNCTION.append(function)


def _run(items: list[Any]) -> dict[Any, Any]:
    done = {}
    for item in items:
        try:
            done[item] = _FUNCTION[0](item)
        except Exception:  # noqa: BLE001 - the caller does it again, for the real error
            continue
    return done


class ForkedMap:
    """``function(item)`` for each item, computed in a forked process started now.

    ``get(item)`` waits for the helper the first time; use as a context manager so the
    helper is always stopped.
    """

    def __init__(self, function: Callable[[Any], Any], items: Iterable[Any]) -> None:
        import multiprocessing  # only here: most builds parse few files

        context = multiprocessing.get_context("fork")
        self._pool = context.Pool(1, initializer=_start, initargs=(function,), maxtasksperchild=1)
        self.items = set(items)
        self._pending = self._pool.apply_async(_run, (list(self.items),))
        self._done: dict[Any, Any] | None = None
        self._open = True

    def get(self, item: Any, default: Any = None) -> Any:
        """The helper's result for ``item``, or ``default`` if it has none (never waits for
        an item it was not given)."""
        if item not in self.items:
            return default
        if self._done is None:
            try:
                self._done = self._pending.get()
            except Exception:  # noqa: BLE001 - the helper failed: the caller does it all
                self._done = {}
            self.close()
        return self._done.pop(item, default)

    def close(self) -> None:
        if self._open:
            self._open = False
            self._pool.terminate()
            self._pool.join()

    def __enter__(self) -> ForkedMap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
