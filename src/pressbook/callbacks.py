"""Python callbacks handed to libraries that swallow what they raise (nh3's attribute filter
prints "Exception ignored in: ..." and goes on; WeasyPrint turns a failing URL fetcher into a
logged warning; some of its image code catches even KeyboardInterrupt). A `Guard` remembers the
first exception a guarded callback raised and raises it again once the library call returns, so
a failing callback fails the build instead of silently changing its output, and an interrupt
(Ctrl-C, or SIGTERM, which the CLI turns into one) always stops it.

An interrupt can also arrive while the library itself runs and be raised at a point the guard
does not cover (on entry to the callback, or inside the library's own Python code): the CLI's
signal handlers count interrupts (`interrupt`), and a guard that sees the count change while it
was open raises KeyboardInterrupt too."""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_interrupts = 0
_RAISE = object()  # a guarded callback raises again what it raised


def interrupt(signum: int = 0, frame: object = None) -> None:
    """Signal handler for SIGINT and SIGTERM: counted, then raised as KeyboardInterrupt."""
    global _interrupts
    _interrupts += 1
    raise KeyboardInterrupt


def interrupts() -> int:
    """How many interrupts this process has received through `interrupt`."""
    return _interrupts


class Guard:
    """Collects what guarded callbacks raise; re-raises it when the `with` block ends.

    `expected` are the exceptions a callback raises on purpose for the library to catch (a URL
    fetcher's refusal): those alone are let through to the library and not remembered."""

    def __init__(self, expected: tuple[type[BaseException], ...] = ()) -> None:
        self.expected = expected
        self.raised: BaseException | None = None
        self._start = interrupts()

    def __call__(self, callback: F, *, failed: Any = _RAISE) -> F:
        """`callback`, its exceptions remembered. After a failure the guarded callback raises
        again to the library, or, if the library takes a `failed` value as well (nh3 prints what
        it ignores), returns that; so does every later call."""

        @functools.wraps(callback)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                if self.raised is not None:
                    raise self.raised
                return callback(*args, **kwargs)
            except self.expected:
                raise
            except BaseException as exc:
                if self.raised is None:
                    self.raised = exc
                if failed is _RAISE:
                    raise
                return failed

        return guarded  # type: ignore[return-value]

    def check(self) -> None:
        """Raise what a guarded callback raised, or KeyboardInterrupt if an interrupt arrived."""
        if self.raised is not None:
            raised, self.raised = self.raised, None
            raise raised
        if interrupts() != self._start:
            self._start = interrupts()
            raise KeyboardInterrupt

    def __enter__(self) -> Guard:
        self._start = interrupts()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.raised is not None and exc is not self.raised:
            # What the callback raised explains the library's failure (or its silent success).
            raised, self.raised = self.raised, None
            raise raised
        if exc is None:
            self.check()
