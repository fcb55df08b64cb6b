import json

from conceptsite import pipeline
from conceptsite.search import plain_words


def test_plain_words_skip_markup_code_math_and_stopwords():
    html = '<p>The <a href="x">Gradient</a> flows.</p><pre><code>secret_code()</code></pre><math><mi>zz</mi></math>'
    assert plain_words(html) == ["gradient", "flows"]


def test_index_lists_pages_and_distinctive_body_terms(scratch_project):
    scratch_project.concept("alpha", "title: Alpha\nsummary: First.\ntags: [t]", "Saturation saturation everywhere.")
    scratch_project.concept("beta", "title: Beta", "Momentum helps.")
    site = pipeline.gather(pipeline.Options(content=scratch_project.content))
    index = json.loads(site.files["search.json"])
    assert index["pages"][0] == {"t": "Alpha", "u": "concepts/alpha/", "s": "First.", "g": ["t"], "k": "concept"}
    assert index["terms"]["saturation"] == [0] and index["terms"]["momentum"] == [1]
