"""memory: the C library's calls that give freed memory back, made only where glibc is."""
from __future__ import annotations

import ctypes

from conceptsite.build import memory
class FakeLibc:
    def __init__(self, calls: list):
        self.calls = calls

    def mallopt(self, *args):
        self.calls.append(("mallopt", args))

    def malloc_trim(self, *args):
        self.calls.append(("malloc_trim", args))


def test_the_calls_reach_glibc_with_their_arguments(monkeypatch):
    calls = []
    monkeypatch.setattr(memory.sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc(calls) if name == "libc.so.6" else None)
    memory.return_big_blocks()
    memory.trim()
    assert calls == [("mallopt", (memory.M_MMAP_THRESHOLD, 256 * 1024)), ("malloc_trim", (0,))]


def test_another_system_or_c_library_is_left_alone(monkeypatch):
    calls = []
    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc(calls))
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    memory.return_big_blocks()
    assert calls == []
    monkeypatch.setattr(memory.sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: (_ for _ in ()).throw(OSError("no libc.so.6")))
    memory.trim()  # musl and others have no libc.so.6: nothing happens, nothing is raised
    monkeypatch.setattr(ctypes, "CDLL", lambda name: object())
    memory.return_big_blocks()  # a C library without mallopt: the same

