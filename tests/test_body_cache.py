"""markdown/body_cache.py: the wikilink answers a body used, and when a cached body is stale."""
from conceptsite.markdown.body_cache import BodyCache, Recorder
from conceptsite.markdown.convert import Markup
from conceptsite.store import Store


class Names:
    """An index of one note, 'Adam', counting the did-you-mean searches asked of it."""

    def __init__(self, near="Adam"):
        self.near, self.searches = near, 0

    def resolve(self, name):
        return ("concepts/adam/", "Adam") if name.lower() == "adam" else None

    def resolve_file(self, name, folder):
        return None

    def hint(self, name):
        self.searches += 1
        return f" (did you mean '{self.near}'?)"


def test_a_miss_that_warns_of_nothing_asks_for_no_did_you_mean():
    names = Names()
    recorder = Recorder(names)
    body = Markup(recorder).convert("See [[Adam#Update rule]] and [[Adma]].", "concepts/x/", "concepts")
    log = recorder.take()
    assert names.searches == 1  # for 'Adma', which warns; 'Adam#Update rule' was only tried as a whole name
    assert ("Adam#Update rule", None, None) in log and ("Adma", None, " (did you mean 'Adam'?)") in log
    assert [p.message for p in body.problems] == ["no note named 'Adma' (did you mean 'Adam'?)"]


def test_a_cached_body_is_stale_when_the_did_you_mean_it_shows_changes(tmp_path):
    recorder = Recorder(Names())
    body = Markup(recorder).convert("See [[Adam#Update rule]] and [[Adma]].", "concepts/x/", "concepts")
    cache = BodyCache(Store(tmp_path, "v1"))
    cache.put("concepts/x/", "key", recorder.take(), body)
    assert cache.get("concepts/x/", "key", Names()) is body
    assert cache.get("concepts/x/", "key", Names(near="Adamax")) is None
