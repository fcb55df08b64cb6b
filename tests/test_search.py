import json
import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from conceptsite.build import pipeline
from conceptsite.render.search import _STOP, _TAG, plain_words, word_counts


def test_plain_words_skip_markup_code_math_and_stopwords():
    html = '<p>The <a href="x">Gradient</a> flows.</p><pre><code>secret_code()</code></pre><math><mi>zz</mi></math>'
    assert plain_words(html) == ["gradient", "flows"]


def _plain_counts(html: str) -> str:
    # The definition, written the slow way: every match lowered, tested and trimmed in turn.
    words = [w.lower() for w in re.findall(r"[^\W\d_][\w'-]{2,}", _TAG.sub(" ", html))]
    return "".join(f"\n{w} {n}" for w, n in Counter(w.strip("'-") for w in words if w not in _STOP).items())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcXYZ the and 09_'-<>/p\nİßKéŉ", max_size=60))
def test_word_counts_follow_the_definition_for_any_text(html):
    assert word_counts(html) == _plain_counts(html)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_word_counts_follow_the_definition_for_any_ascii_text(html):
    # ASCII bodies are split by str.translate, not matched by the regex: every ASCII character counts.
    assert word_counts(html) == _plain_counts(html)


def test_word_counts_keep_first_use_order_and_merge_trimmed_words():
    assert word_counts("<p>Beta alpha-- ALPHA beta' the Beta</p><pre>gamma</pre>") == "\nbeta 3\nalpha 2"
    assert word_counts("İstanbul ıstanbul KELVIN") == _plain_counts("İstanbul ıstanbul KELVIN")


def test_index_lists_pages_and_distinctive_body_terms(scratch_project):
    scratch_project.concept("alpha", "title: Alpha\nsummary: First.\ntags: [t]", "Saturation saturation everywhere.")
    scratch_project.concept("beta", "title: Beta", "Momentum helps.")
    site = pipeline.gather(pipeline.Options(content=scratch_project.content))
    index = json.loads(site.files["search.json"])
    assert index["pages"][0] == {"t": "Alpha", "u": "concepts/alpha/", "s": "First.", "g": ["t"], "k": "concept"}
    assert index["terms"]["saturation"] == [0] and index["terms"]["momentum"] == [1]


def test_new_fields_reuse_the_ranking_and_equal_a_fresh_index(scratch_project, monkeypatch):
    from conceptsite.render.search import SearchTerms

    p = scratch_project
    p.concept("alpha", "title: Alpha\nsummary: First.", "Saturation saturation everywhere, and momentum.")
    p.concept("beta", "title: Beta", "Momentum helps.")
    first = pipeline.gather(pipeline.Options(content=p.content, use_cache=False))
    p.concept("alpha", "title: Alpha renamed\nsummary: Now second.\ntags: [new]", "Saturation saturation everywhere, and momentum.")
    p.concept("beta", "title: Beta", "Momentum helps, and saturation too.")
    again = pipeline.gather(pipeline.Options(content=p.content, use_cache=False))
    ranked = []
    real_init = SearchTerms.__init__
    monkeypatch.setattr(SearchTerms, "__init__", lambda self, *a: ranked.append(1) or real_init(self, *a))
    updated = SearchTerms.of(again.graph.pages, again.bodies, first.search)
    assert not ranked  # the old ranking, with the new rows and beta's new words
    assert updated.to_json() == again.files["search.json"]
    assert json.loads(updated.to_json())["pages"][0]["t"] == "Alpha renamed"
    assert json.loads(first.search.to_json())["pages"][0]["t"] == "Alpha"  # the previous terms are left as they were
