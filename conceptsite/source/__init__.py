"""Source files: discovery, front-matter, pages, site config, the read stage and its page cache, scaffolding.

May import: the root modules (diagnostics, urls, store, parallel)."""
