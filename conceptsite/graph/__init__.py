"""The concept graph: the model, name resolution and link checks, learning paths, map layout, health.

May import: diagnostics, urls, source, markdown."""
