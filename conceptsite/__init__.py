"""conceptsite: a static site generator for concept pages.

Packages, lowest first; each imports only from itself and those before it (tests/test_package_layout.py
holds this): the root modules diagnostics, urls, store and parallel; source, markdown, graph, render,
incremental, build, serve; cli.py on top. docs/ARCHITECTURE.md maps where each concern lives."""
