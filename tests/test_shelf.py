"""The view shelf: views by key in a pack file that grows by appending and is compacted when mostly dead."""
from __future__ import annotations

from dataclasses import dataclass

from conceptsite.cache import Store
from conceptsite.shelf import Shelf, shelve


@dataclass(frozen=True)
class View:
    title: str
    html: str = ""
    toc: str = ""


def _shelf(tmp_path) -> Shelf:
    return Shelf(Store(tmp_path, "v1"), "out")


def _packs(tmp_path) -> list:
    return sorted(p.name for p in tmp_path.glob("out-shelf-*.pack"))


def test_views_come_back_without_their_body(tmp_path):
    _shelf(tmp_path).update({"a", "b"}, {"a": shelve("a", View("A", "<p>body</p>", "toc")), "b": shelve("b", View("B"))})
    shelf = _shelf(tmp_path)
    assert shelf.get("a") == View("A") and shelf.get("b") == View("B")
    assert shelf.get("c") is None


def test_new_views_are_appended_and_a_mostly_dead_pack_is_compacted(tmp_path):
    _shelf(tmp_path).update({"a", "b"}, {"a": shelve("a", View("A")), "b": shelve("b", View("B"))})
    first = _packs(tmp_path)
    _shelf(tmp_path).update({"a", "b", "c"}, {"c": shelve("c", View("C"))})
    assert _packs(tmp_path) == first  # appended to the same pack
    _shelf(tmp_path).update({"c"}, {})  # a and b are dead: two thirds of the pack
    assert _packs(tmp_path) != first and len(_packs(tmp_path)) == 1
    shelf = _shelf(tmp_path)
    assert shelf.get("c") == View("C") and shelf.get("a") is None


def test_a_damaged_pack_is_a_miss_and_is_replaced(tmp_path):
    _shelf(tmp_path).update({"a"}, {"a": shelve("a", View("A"))})
    (tmp_path / _packs(tmp_path)[0]).write_bytes(b"damaged")
    shelf = _shelf(tmp_path)
    assert shelf.get("a") is None
    shelf.update({"a", "b"}, {"b": shelve("b", View("B"))})
    assert len(_packs(tmp_path)) == 1  # the damaged pack is gone
    assert _shelf(tmp_path).get("b") == View("B") and _shelf(tmp_path).get("a") is None


def test_a_blob_under_the_wrong_key_is_a_miss(tmp_path):
    _shelf(tmp_path).update({"a"}, {"a": shelve("other", View("A"))})
    assert _shelf(tmp_path).get("a") is None


def test_a_disabled_store_shelves_nothing(tmp_path):
    shelf = Shelf(Store(None, "v1"), "out")
    shelf.update({"a"}, {"a": shelve("a", View("A"))})
    assert shelf.get("a") is None and not list(tmp_path.iterdir())
