"""A time limit per example: the search stops at its next step once the limit has passed.

A run must not spend hours on one pathological row (a 99k-character text under a character-edit
recipe ran past 500 s). Two layers:

* **Cooperative.** :meth:`Deadline.check` raises :class:`ExampleTimeout` once the limit has passed.
  The run state calls it before every victim batch and the search context before every proposal,
  constraint and judge step, so a search stops within one step of the limit and the example becomes
  ``failed`` with reason ``timeout``; whatever the search already found is not lost, since a success
  ends a search before it is returned.
* **Pre-emptive, for a call that never returns** (a Python victim stuck in a loop or a sleep):
  :func:`alarm` arms ``SIGALRM`` a grace period after the limit and raises :class:`ExampleTimeout`
  from the signal handler. Python runs the handler between bytecodes, so it interrupts Python code
  and blocking sleeps, not a single long C call (a torch forward pass finishes first). Only on POSIX,
  and only in the main thread (where signals are delivered); elsewhere the cooperative check is all.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator

#: seconds past the limit before the alarm interrupts a call that has not returned
ALARM_GRACE = 5.0


class ExampleTimeout(BaseException):
    """The example's time limit has passed (not an error of the input or the victim).

    A ``BaseException``, like ``KeyboardInterrupt``: raised from the alarm inside a victim or a model,
    it must not be caught by their ``except Exception`` and come out as a victim error."""


class Deadline:
    """``seconds`` from now (``time.monotonic``)."""

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.at = time.monotonic() + self.seconds

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def check(self) -> None:
        if self.passed:
            raise ExampleTimeout(f"the example's time limit of {self.seconds:g} s has passed")


@contextmanager
def alarm(seconds: float | None) -> Iterator[None]:
    """Raise :class:`ExampleTimeout` in this thread after ``seconds`` (None: never), where it can."""
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _ring(signum, frame):
        raise ExampleTimeout(f"a call did not return within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, max(float(seconds), 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
