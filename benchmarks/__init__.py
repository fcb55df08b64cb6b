"""Benchmarks: a generated corpus and timed builds (python -m benchmarks)."""
