import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from conceptsite.markdown.words import _STOP, _TAG, plain_words, word_counts


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
