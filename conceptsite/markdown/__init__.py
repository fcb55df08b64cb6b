"""Markdown to HTML: the converter, our extensions, and speedups/, the only place that touches
library internals.

May import: conceptsite.diagnostics, conceptsite.urls, conceptsite.source."""
