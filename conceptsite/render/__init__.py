"""Rendering: the theme, views, pages, listings, data files and the search index.

May import: diagnostics, urls, source, markdown, graph."""
