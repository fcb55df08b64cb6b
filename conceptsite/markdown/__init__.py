"""Markdown to HTML: the converter, our extensions, body words, the body cache, and speedups/, the only
place that touches library internals.

May import: the root modules, source."""
