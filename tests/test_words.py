import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from conceptsite.markdown.words import _STOP, _TAG, from_lines, plain_words, word_counts


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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abc the<p>-'", max_size=30), max_size=4))
def test_counts_written_one_after_another_read_as_the_counts_of_the_texts_together(texts):
    # build/embeds.py writes an embedded text's counts after the body's own, and from_lines adds them up
    written = "".join(word_counts(text) for text in texts)
    each = [word for text in texts for word in plain_words(text)]  # each text counted apart, in order
    assert from_lines(written) == dict(Counter(each))
    assert list(from_lines(written)) == list(dict.fromkeys(each))
