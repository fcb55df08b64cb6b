"""The shared watchdog that stops runaway pure-Python work, and Markdown's last-resort use of it.

Nothing here depends on how fast the machine is: the runaway work loops until the interrupt comes
(with a far-off bound, so a broken watchdog fails the test instead of hanging it), and the limits
that must not fire are generous.
"""
import multiprocessing
import subprocess
import sys
import threading
import time

import pytest

from conceptsite.markdown import convert as markup
from conceptsite.markdown.deadline import TimeUp, within
from conceptsite.markdown.convert import Markup

SHORT = 0.05  # a limit for work that loops until interrupted
GENEROUS = 60.0  # a limit that no work here comes near


def until_interrupted(_=None):
    """Pure-Python work that only ends by an interrupt (or, if none ever comes, after a minute)."""
    end, n = time.monotonic() + 60, 0
    while time.monotonic() < end:
        n += 1
    return "never interrupted"


def busy(n: int) -> int:
    """A little pure-Python work, during which a stray interrupt would be raised."""
    total = 0
    for i in range(n):
        total += i
    return total


class Nothing:
    """Resolves no wikilink."""

    def resolve(self, name):
        return None

    def hint(self, name):
        return ""


def test_work_that_finishes_in_time_returns_its_value():
    assert within(GENEROUS, lambda x: x * 2, 21) == 42


def test_runaway_work_is_interrupted():
    with pytest.raises(TimeUp):
        within(SHORT, until_interrupted, None)


def test_an_interrupt_does_not_leak_into_later_work():
    with pytest.raises(TimeUp):
        within(SHORT, until_interrupted, None)
    # Many calls right after, each well inside a generous limit, none interrupted.
    for _ in range(200):
        assert within(GENEROUS, busy, 1000) == 499500
    assert busy(200_000) == 19_999_900_000  # nor does anything outside a limit get hit


def test_limits_are_per_thread():
    outcome, done = {}, threading.Event()

    def runaway():
        try:
            outcome["worker"] = within(SHORT, until_interrupted, None)
        except TimeUp:
            outcome["worker"] = "stopped"
        finally:
            done.set()

    worker = threading.Thread(target=runaway)
    worker.start()
    # The main thread, under its own generous limit, waits through the worker's interrupt untouched.
    assert within(GENEROUS, lambda _: done.wait(GENEROUS), None) is True
    worker.join()
    assert outcome == {"worker": "stopped"}


def _child(queue):
    try:
        queue.put(within(SHORT, until_interrupted, None))
    except TimeUp:
        queue.put("stopped")


def test_a_forked_worker_gets_its_own_watchdog():
    within(GENEROUS, busy, 10)  # start the parent's watchdog thread before forking
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(queue,))
    child.start()
    assert queue.get(timeout=GENEROUS) == "stopped"
    child.join()


def test_runs_under_cprofile_without_hanging():
    # Withdrawing an interrupt that was never sent used to hang forever under cProfile.
    code = ("import cProfile\nfrom conceptsite.markdown.deadline import within\n"
            "cProfile.run('for _ in range(50): within(5, sum, range(1000))', sort='tottime')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "function calls" in done.stdout


def test_the_markdown_limit_is_a_generous_last_resort():
    assert markup.TIME_LIMIT >= 60  # counting refuses runaway pages first; the clock is for the unknown


def test_markdown_that_runs_past_the_limit_fails_the_page_and_the_next_page_renders(monkeypatch):
    monkeypatch.setattr(markup, "TIME_LIMIT", SHORT)
    converter = Markup(Nothing())
    monkeypatch.setattr(converter.md, "convert", until_interrupted)  # Markdown stuck on syntax no check knows

    stuck = converter.convert("Fine text.", "concepts/stuck/")

    assert stuck.html == ""
    [problem] = stuck.problems
    assert problem.severity == "error"
    assert problem.message.startswith(f"Markdown gave up on this page after {SHORT:g} s")
    assert "split the page" in problem.message
    # The stuck converter was replaced: the next page is rendered by a fresh one.
    assert converter.convert("Next *page*.", "concepts/next/").html == "<p>Next <em>page</em>.</p>"
