"""What the preview server keeps in the build cache about its folder, so a whole rebuild renders only
what changed (as `build` does into a folder the cache knows) and a restarted server starts from it."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from conceptsite.build import pipeline
from conceptsite.incremental.cards import Contexts
from conceptsite.incremental.manifest import SITE_WIDE, Manifest, record_full_write
from conceptsite.build.output import Staging
from conceptsite.render.search import SearchTerms


class PreviewCache:
    """The preview folder's manifest, page stamps and listing contexts; with no cache, every build is whole."""

    def __init__(self, options: pipeline.Options, root: Path):
        store = pipeline.cache_store(options)
        self.manifest = Manifest(store, root) if store.folder is not None else None
        self.root = root

    def gather(self, options: pipeline.Options, before: dict, staging: Staging) -> pipeline.Site:
        """A whole build through the manifest: the outputs it kept taken as the folder holds them (`before`:
        what the server last wrote, or read_tree()), and what patch() needs of them."""
        site = pipeline.gather(options, manifest=self.manifest, staging=staging)
        kept = {rel: before.get(rel, self.root / rel) for rel in site.kept}
        return self._patchable(replace(site, files={**kept, **site.files}, kept=frozenset()))

    def writing(self) -> None:
        """A whole build's files are about to go in: until remember(), the folder is not as recorded."""
        if self.manifest is not None:
            self.manifest.store.forget(self.manifest.name)

    def remember(self, site: pipeline.Site) -> None:
        """After a whole build: what the folder holds, each page's stamp and the listings' contexts (for
        patches, when the next whole build keeps the listings)."""
        if self.manifest is None or not site.keys:
            return
        record_full_write(self.manifest, site.files, site.copies, site.keys)
        self.manifest.store.save(self.manifest.name + "-views", site.stamps)
        if site.contexts is not None:
            self.manifest.store.save(self.manifest.name + "-serve-contexts",
                                     {"key": site.keys[SITE_WIDE], "contexts": site.contexts.contexts})

    def _patchable(self, site: pipeline.Site) -> pipeline.Site:
        """A site that kept its body outputs or listings, with the search terms (made from the cache's last
        ones) and the listings' contexts that the build which rendered them left."""
        if site.search is None:
            last = self.manifest.store.load("search").get("terms") if self.manifest is not None else None
            site = replace(site, search=SearchTerms.of(site.graph.pages, site.bodies, last))
        if site.contexts is not None or self.manifest is None or SITE_WIDE not in site.keys:
            return site
        saved = self.manifest.store.load(self.manifest.name + "-serve-contexts")
        if saved.get("key") != site.keys[SITE_WIDE]:
            return site  # then a card edit builds the whole site, which renders them
        return replace(site, contexts=Contexts(saved["contexts"]))
