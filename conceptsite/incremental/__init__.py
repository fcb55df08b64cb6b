"""The incremental engine: the build state, what an edit changed, what must be rendered again, and the
one writer of output folders.

May import: the root modules, source, markdown, graph, render."""
