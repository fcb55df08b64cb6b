"""The concept graph: the model, name resolution and link checks, learning paths, map layout, health,
and the graph cache.

May import: the root modules, source, markdown."""
