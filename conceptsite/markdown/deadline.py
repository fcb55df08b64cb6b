"""Time limits for pure-Python work that may run away: the last resort behind Markdown's runaway checks.

Pages with the shapes known to make Python-Markdown run away are refused by counting (runaway.py),
the same on every machine; a limit here only stops what those checks do not know, so it is generous.

One watchdog thread per process serves every limit. An earlier version started a `threading.Timer`
per call, which cost about 143 µs a page, and always withdrew a pending interrupt through
`PyThreadState_SetAsyncExc`, which hangs forever under cProfile; now a withdrawal is made only
when an interrupt was actually sent.
"""
from __future__ import annotations

import ctypes
import os
import threading
import time

_FOREVER = 3600.0


class TimeUp(BaseException):
    """Raised inside work that ran out of time (a BaseException, so no `except Exception` eats it)."""


class _Watchdog:
    """Deadlines by thread, and one daemon thread that interrupts the threads that pass theirs."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.deadlines: dict[int, float] = {}
        self.sent: set[int] = set()
        self.waking_at = float("inf")
        self.running = False

    def arm(self, seconds: float) -> int:
        """Give the calling thread a deadline `seconds` from now; returns its ident for disarm."""
        ident, deadline = threading.get_ident(), time.monotonic() + seconds
        with self.cond:
            if not self.running:
                self.running = True
                threading.Thread(target=self._watch, name="conceptsite-deadline", daemon=True).start()
            self.deadlines[ident] = deadline
            # Deadlines only grow for one thread, so the watchdog is woken only when it sleeps too long.
            if deadline < self.waking_at:
                self.cond.notify()
        return ident

    def disarm(self, ident: int) -> None:
        """Drop the thread's deadline, and withdraw an interrupt sent but not yet raised."""
        with self.cond:
            self.deadlines.pop(ident, None)
            if ident in self.sent:
                self.sent.discard(ident)
                _send(ident, None)

    def _watch(self) -> None:
        with self.cond:
            while True:
                now = time.monotonic()
                for ident, deadline in list(self.deadlines.items()):
                    if deadline <= now:
                        del self.deadlines[ident]
                        self.sent.add(ident)
                        _send(ident, TimeUp)
                self.waking_at = min(self.deadlines.values(), default=now + _FOREVER)
                self.cond.wait(self.waking_at - now)


def _send(ident: int, exception) -> None:
    # None becomes a NULL pointer, which clears a pending exception.
    payload = None if exception is None else ctypes.py_object(exception)
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), payload)


_watchdog = _Watchdog()


def _after_fork() -> None:
    # A forked worker has no watchdog thread, and the lock may have been held at the fork.
    global _watchdog
    _watchdog = _Watchdog()


os.register_at_fork(after_in_child=_after_fork)


def within(seconds: float, fn, arg):
    """fn(arg), interrupted with TimeUp after `seconds`; works in any thread (servers build off the main one).

    The interrupt is an asynchronous exception, seen between Python bytecodes: Python-Markdown's slow
    paths are Python loops."""
    watchdog = _watchdog
    ident = watchdog.arm(seconds)
    try:
        return fn(arg)
    finally:
        watchdog.disarm(ident)
