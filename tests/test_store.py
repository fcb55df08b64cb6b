"""store.Pack, as the engine keeps views in it (State.view_pack()): views by key in a pack file that grows by appending and is compacted when mostly dead."""
from __future__ import annotations

from dataclasses import dataclass

from pathlib import Path

from conceptsite.incremental.state import State
from conceptsite.store import Store
from conceptsite.incremental.manifest import pack_view


OUT = Path("/nonexistent/site")  # the output folder the pack belongs to (never written here)


@dataclass(frozen=True)
class View:
    title: str
    html: str = ""
    toc: str = ""


def _shelf(tmp_path):
    return State(Store(tmp_path, "v1"), OUT).view_pack()


def _update(tmp_path, live: set, views: dict) -> None:
    shelf = _shelf(tmp_path)
    for key, view in views.items():
        shelf.put(key, pack_view(key, view))
    shelf.update(live)


def _packs(tmp_path) -> list:
    return sorted(p.name for p in tmp_path.glob("out-*-shelf-*.pack"))


def test_views_come_back_without_their_body(tmp_path):
    _update(tmp_path, {"a", "b"}, {"a": View("A", "<p>body</p>", "toc"), "b": View("B")})
    shelf = _shelf(tmp_path)
    assert shelf.get("a") == View("A") and shelf.get("b") == View("B")
    assert shelf.get("c") is None


def test_new_views_are_appended_and_a_mostly_dead_pack_is_compacted(tmp_path):
    _update(tmp_path, {"a", "b"}, {"a": View("A"), "b": View("B")})
    first = _packs(tmp_path)
    _update(tmp_path, {"a", "b", "c"}, {"c": View("C")})
    assert _packs(tmp_path) == first  # appended to the same pack
    _update(tmp_path, {"c"}, {})  # a and b are dead: two thirds of the pack
    assert _packs(tmp_path) != first and len(_packs(tmp_path)) == 1
    shelf = _shelf(tmp_path)
    assert shelf.get("c") == View("C") and shelf.get("a") is None


def test_a_damaged_pack_is_a_miss_and_is_replaced(tmp_path):
    _update(tmp_path, {"a"}, {"a": View("A")})
    (tmp_path / _packs(tmp_path)[0]).write_bytes(b"cut")
    shelf = _shelf(tmp_path)
    assert shelf.get("a") is None
    shelf.put("b", pack_view("b", View("B")))
    shelf.update({"a", "b"})
    assert len(_packs(tmp_path)) == 1  # the damaged pack is gone
    assert _shelf(tmp_path).get("b") == View("B") and _shelf(tmp_path).get("a") is None


def test_a_blob_under_the_wrong_key_is_a_miss(tmp_path):
    shelf = _shelf(tmp_path)
    shelf.put("a", pack_view("other", View("A")))
    shelf.update({"a"})
    assert _shelf(tmp_path).get("a") is None


def test_a_disabled_store_shelves_nothing(tmp_path):
    shelf = State(Store(None, "v1"), OUT).view_pack()
    shelf.put("a", pack_view("a", View("A")))
    shelf.update({"a"})
    assert shelf.get("a") is None and not list(tmp_path.iterdir())


def test_views_put_by_a_build_that_failed_are_dead_bytes(tmp_path):
    _update(tmp_path, {"a"}, {"a": View("A")})
    failed = _shelf(tmp_path)
    failed.put("b", pack_view("b", View("B")))  # and no update(): the build stopped
    shelf = _shelf(tmp_path)
    assert shelf.get("a") == View("A") and shelf.get("b") is None
    shelf.update({"a"})  # now half the pack is dead, not most of it: kept as it is
    assert _shelf(tmp_path).get("a") == View("A")


def test_a_first_build_puts_views_before_the_cache_folder_exists(tmp_path):
    shelf = State(Store(tmp_path / "new" / "cache", "v1"), OUT).view_pack()
    shelf.put("a", pack_view("a", View("A")))
    shelf.update({"a"})
    assert State(Store(tmp_path / "new" / "cache", "v1"), OUT).view_pack().get("a") == View("A")


def test_packs_of_other_versions_are_removed(tmp_path):
    _update(tmp_path, {"a"}, {"a": View("A")})
    shelf = State(Store(tmp_path, "v2"), OUT).view_pack()  # a new conceptsite cannot read v1's index
    shelf.put("a", pack_view("a", View("A2")))
    shelf.update({"a"})
    assert len(_packs(tmp_path)) == 1 and State(Store(tmp_path, "v2"), OUT).view_pack().get("a") == View("A2")


def test_a_write_behind_store_writes_at_flush_with_the_last_names_last(tmp_path, monkeypatch):
    store = Store(tmp_path, "v1", write_behind=True)
    store.save("outputs", {"a": 1})
    store.save("stamps", {"b": 2})
    assert store.load("outputs") == {"a": 1} and store.has("stamps")  # held, and read back as saved
    assert not list(tmp_path.glob("*.pickle"))  # nothing on disk yet
    Store(tmp_path, "v1").save("gone", {"c": 3})
    store.forget("gone")  # forgetting is at once
    assert not (tmp_path / "gone.pickle").exists()
    written = []
    real = Store._write
    monkeypatch.setattr(Store, "_write", lambda self, name, data: written.append(name) or real(self, name, data))
    store.flush(last={"outputs"})
    assert written == ["stamps", "outputs"]
    assert Store(tmp_path, "v1").load("outputs") == {"a": 1} and Store(tmp_path, "v1").load("stamps") == {"b": 2}
    store.flush()
    assert written == ["stamps", "outputs"]  # nothing held any more
