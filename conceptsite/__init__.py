"""conceptsite: a static site generator for concept pages.

Packages, lowest first; each imports only from those before it (tests/test_package_layout.py holds this):
diagnostics and urls (root modules), source, markdown, graph, render, incremental, build, serve; cli.py on top."""
