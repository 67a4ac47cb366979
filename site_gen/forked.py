"""Work done by a forked helper process while this one does the rest.

The helper inherits this process's memory (nothing is pickled on the way in); only its
result comes back, through a pipe. Each helper is one plain forked process that exits
when its work is done: no pool, so no process is ever started to replace it (a pool that
replaces finished workers could start one while it was being shut down, and then wait
for it forever).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


class ForkedCall:
    """``function(*args)`` in a forked process started now; ``result()`` waits for it.

    Use as a context manager (or call ``close``), so the helper is always stopped.
    """

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        import multiprocessing  # only here: most builds fork nothing

        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_call, args=(send, function, args), daemon=True)
        self._process.start()
        send.close()

    def result(self) -> Any:
        """The helper's return value; its exception if it raised one."""
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self.close()
            raise ChildProcessError("a forked helper process ended without a result") from None
        except BaseException:
            self.close()
            raise
        self._receive.close()
        self._process.join()  # it exits once its result is sent
        if not ok:
            raise value
        return value

    def close(self) -> None:
        self._receive.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def __enter__(self) -> ForkedCall:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _call(send: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        outcome: tuple[bool, Any] = (True, function(*args))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        outcome = (False, exc)
    try:
        send.send(outcome)
    except Exception as exc:  # noqa: BLE001 - an exception that cannot be pickled
        send.send((False, RuntimeError(f"in a forked helper: {outcome[1]!r} ({exc})")))
    finally:
        send.close()


class ForkedMap:
    """``function(item)`` for each item, computed in a forked process started now.

    ``get(item)`` waits for the helper the first time. Items it fails on are left out, so
    the caller does them itself and gets the real error. Use as a context manager.
    """

    def __init__(self, function: Callable[[Any], Any], items: Iterable[Any]) -> None:
        self.items = set(items)
        self._call = ForkedCall(_each, function, list(self.items))
        self._done: dict[Any, Any] | None = None

    def get(self, item: Any, default: Any = None) -> Any:
        """The helper's result for ``item``, or ``default`` if it has none (never waits for
        an item it was not given)."""
        if item not in self.items:
            return default
        if self._done is None:
            try:
                self._done = self._call.result()
            except Exception:  # noqa: BLE001 - the helper failed: the caller does it all
                self._done = {}
        return self._done.pop(item, default)

    def close(self) -> None:
        self._call.close()

    def __enter__(self) -> ForkedMap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _each(function: Callable[[Any], Any], items: list[Any]) -> dict[Any, Any]:
    done = {}
    for item in items:
        try:
            done[item] = function(item)
        except Exception:  # noqa: BLE001 - the caller does it again, for the real error
            continue
    return done
