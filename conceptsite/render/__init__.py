"""Rendering: the theme, views and cards, pages, listings, maps, data files and the search index.

May import: the root modules, source, markdown, graph."""
