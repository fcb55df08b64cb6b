"""Source files: discovery, front-matter, pages, site config and scaffolding.

May import: conceptsite.diagnostics, conceptsite.urls."""
