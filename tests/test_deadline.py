"""The shared watchdog that stops runaway pure-Python work."""
import multiprocessing
import subprocess
import sys
import threading
import time

import pytest

from conceptsite.deadline import TimeUp, within


def spin(seconds):
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
    return n


def test_work_that_finishes_in_time_returns_its_value():
    assert within(5, lambda x: x * 2, 21) == 42


def test_runaway_work_is_interrupted_near_the_limit():
    start = time.monotonic()
    with pytest.raises(TimeUp):
        spin_forever = lambda _: spin(60)  # noqa: E731
        within(0.3, spin_forever, None)
    assert 0.25 < time.monotonic() - start < 5


def test_an_interrupt_does_not_leak_into_later_work():
    with pytest.raises(TimeUp):
        within(0.2, spin, 30)
    # Many short calls right after, each finishing well inside its limit, none interrupted.
    for _ in range(200):
        assert within(0.5, spin, 0.001) > 0
    assert spin(0.3) > 0  # nor does anything outside a limit get hit


def test_limits_are_per_thread():
    outcome = {}

    def slow():
        try:
            within(0.3, spin, 30)
            outcome["slow"] = "finished"
        except TimeUp:
            outcome["slow"] = "stopped"

    worker = threading.Thread(target=slow)
    worker.start()
    assert within(5, spin, 0.8) > 0  # the main thread, with a long limit, is left alone
    worker.join(10)
    assert outcome == {"slow": "stopped"}


def _child(queue):
    try:
        within(0.2, spin, 30)
        queue.put("finished")
    except TimeUp:
        queue.put("stopped")


def test_a_forked_worker_gets_its_own_watchdog():
    within(5, spin, 0.01)  # start the parent's watchdog thread before forking
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(queue,))
    child.start()
    assert queue.get(timeout=20) == "stopped"
    child.join(10)


def test_runs_under_cprofile_without_hanging():
    # Withdrawing an interrupt that was never sent used to hang forever under cProfile.
    code = ("import cProfile\nfrom conceptsite.deadline import within\n"
            "cProfile.run('for _ in range(50): within(5, sum, range(1000))', sort='tottime')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "function calls" in done.stdout
