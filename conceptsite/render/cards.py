"""Putting edited pages' cards into views and listings made before the edit (for the engine's card edits, incremental/rerender.py).

A page shows other pages only as views.Card values (its related pages, backlinks, neighbours, the
lists of an index or tag page). When an edit changed only what cards and the page's own view show
(cache.CARD_ONLY), the graph is the same, so every other view and listing is the same but for
those cards: swapping them in gives what a build from scratch would have made."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace

from conceptsite.render.views import Card


@dataclass(frozen=True, slots=True)  # a site's listings hold tens of thousands
class CardRef:
    """A card in a kept listing context, by its page's URL (the cards themselves are kept once)."""

    url: str
    reason: str = ""


def freeze(value):
    """A template context with every Card replaced by a CardRef; plain data otherwise unchanged."""
    return _walk(value, lambda card: CardRef(card.url, card.reason))


def thaw(value, cards: dict):
    """freeze() undone, with each CardRef's card taken from cards (url -> Card)."""
    return _walk(value, lambda ref: cards[ref.url] if not ref.reason else replace(cards[ref.url], reason=ref.reason), CardRef)


def holders(contexts: dict) -> dict:
    """url -> the keys of the frozen contexts holding its card."""
    found: dict = {}
    for key, context in contexts.items():
        for url in _refs(context):
            found.setdefault(url, {})[key] = None
    return {url: tuple(keys) for url, keys in found.items()}


def _refs(value):
    """The URL of each CardRef in a frozen context."""
    if isinstance(value, CardRef):
        yield value.url
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _refs(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _refs(item)


def swap(value, cards: dict):
    """A view or context with the cards of some pages (url -> Card) replaced by theirs, reasons kept."""
    return _walk(value, lambda card: replace(cards[card.url], reason=card.reason) if card.url in cards else card)


def _walk(value, change, kind=Card):
    """value rebuilt with change() applied to each `kind` inside tuples, lists, dicts and dataclasses."""
    if isinstance(value, kind):
        return change(value)
    if isinstance(value, (tuple, list)):
        return type(value)(_walk(v, change, kind) for v in value)
    if isinstance(value, dict):
        return {k: _walk(v, change, kind) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _walk(getattr(value, f.name), change, kind) for f in dataclasses.fields(value)})
    return value
