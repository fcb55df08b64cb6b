"""The incremental engine: what a build read, what an edit changed, what must be rendered again, and writing it.

May import: diagnostics, urls, source, markdown, graph, render."""
