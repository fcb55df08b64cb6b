"""Planning a whole build: which of the outputs on disk it may keep, from the keys of what each reads."""
from __future__ import annotations

from conceptsite.incremental.keys import output_keys
from conceptsite.incremental.manifest import Manifest, ViewKeys
from conceptsite.incremental.state import State
from conceptsite.incremental.write import SITE_WIDE
from conceptsite.parallel import worker_count
from conceptsite.render.pages import BODY_OUTPUTS
from conceptsite.render.plan import RenderPlan


def plan_render(site: tuple, caches, state: State | None, graph_key: str, workers: int, last,
                **where) -> tuple[ViewKeys | None, RenderPlan]:
    """The renderer's plan: what it may keep, how many processes; `site` is (graph, config, theme)."""
    graph, config, theme = site
    if caches.pages is None:  # no cache: nothing is kept, and no state is left for edits
        return None, RenderPlan(workers=worker_count(workers, len(graph.pages)), **where)
    manifest = Manifest(state) if state is not None else None
    inputs = output_keys(graph, caches.pages, caches.bodies, config, theme, graph_key)
    known = state.load("stamps") if state is not None else {}
    views = ViewKeys(inputs, manifest, known, state.view_pack() if state is not None else None)
    keep_bodies = bool(manifest and all(manifest.intact(p, views.keys[p]) for p in BODY_OUTPUTS))
    stale = sum(1 for url in graph.pages if views.stale(url + "index.html", inputs.stamps.get(url)))
    return views, RenderPlan(views, inputs.stamps, bool(manifest and manifest.site_wide_intact(views.keys[SITE_WIDE])),
                             keep_bodies, None if keep_bodies else last,
                             keep_contexts=True, workers=worker_count(workers, stale), **where)


def last_search(store, state: State | None):
    """The search terms the last good build saved (any output folder's: they are checked before use)."""
    return (state.load("search") if state is not None else store.load("search")).get("terms")


def kept_outputs(views: ViewKeys | None, plan: RenderPlan) -> frozenset:
    """The outputs left as they are on disk: pages whose view is unchanged, and whole groups kept."""
    kept = set(views.kept) if views else set()
    if plan.keep_listings:
        listings = views.keys[SITE_WIDE]
        kept |= {p for p, (key, _) in views.manifest.entries.items() if key == listings and p != SITE_WIDE}
    if plan.keep_bodies:
        kept |= set(BODY_OUTPUTS)
    return frozenset(kept)
