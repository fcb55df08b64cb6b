"""Math as real notes write it (issue 24): `$$` in block quotes and list items, punctuation after a display,
inline formulas that wrap, `\\$`, aligned environments, and what cannot be rendered shown as TeX with a
warning at its place; prose with dollar amounts, code and wikilinks keep their dollars."""
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conceptsite.markdown import math
from conceptsite.markdown.convert import Markup
from fakes import FakeIndex

INLINE = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'
BLOCK = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
X_SQUARED = "<mrow><msup><mi>x</mi><mn>2</mn></msup>"


@pytest.fixture(scope="module")
def markup():
    return Markup(FakeIndex())


def html(markup, text: str) -> str:
    body = markup.convert(text, "x/")
    assert body.problems == ()
    return body.html


def inside(html_text: str, tag: str) -> str:
    """The HTML between the first <tag> and the first closing tag after it."""
    found = re.search(rf"<{tag}>(.*?)</{tag}>", html_text, re.S)
    assert found, html_text
    return found.group(1)


# --- display math inside block quotes and list items ---------------------------------------------------

@pytest.mark.parametrize("text", ["> Quote.\n>\n> $$\n> x^2\n> $$\n", "> $$x^2$$\n", "> > $$\n> > x^2\n> > $$\n",
                                  "> Quote:\n> $$\n> x^2\n> $$\n> After.\n"])
def test_display_math_in_a_block_quote(markup, text):
    quoted = inside(html(markup, text), "blockquote")
    assert BLOCK + X_SQUARED in quoted and "$" not in quoted


@pytest.mark.parametrize("text", ["- Item.\n\n    $$\n    x^2\n    $$\n", "- Item.\n  $$x^2$$\n", "- $$x^2$$\n",
                                  "1. Item.\n\n    $$\n    x^2\n    $$\n\n2. Next.\n", "- Item.\n\n    > $$x^2$$\n"])
def test_display_math_in_a_list_item(markup, text):
    item = inside(html(markup, text), "li")
    assert BLOCK + X_SQUARED in item and "$" not in item


def test_text_around_display_math_in_one_paragraph_stays_around_it(markup):
    out = html(markup, "Before:\n$$x^2$$ where x is small.\n")
    assert out.index("<p>Before:</p>") < out.index(BLOCK) < out.index("<p>where x is small.</p>")


# --- punctuation after a display ---------------------------------------------------------------------

@pytest.mark.parametrize("text, mark", [("Hence\n\n$$x^2$$.\n", "&#x0002E;"), ("$$\nx^2\n$$,\n", "&#x0002C;"),
                                        ("$$\nx^2\n$$ .\n\nNext.", "&#x0002E;")])
def test_punctuation_after_a_display_joins_the_formula(markup, text, mark):
    out = html(markup, text)
    assert BLOCK + X_SQUARED + f"<mo>{mark}</mo></mrow></math>" in out and "$" not in out


# --- inline math that wraps ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["A wrapped $a +\nb$ formula.", "> In a quote $a +\n> b$ too.",
                                  "- In a list $a +\n  b$ too.", "Two $a +\nb$ and $c$ and `$code$` $d +\ne$."])
def test_an_inline_formula_may_wrap_onto_the_next_line(markup, text):
    out = html(markup, text)
    assert f"{INLINE}<mrow><mi>a</mi><mo>&#x0002B;</mo><mi>b</mi></mrow></math>" in out
    assert "$" not in out.replace("<code>$code$</code>", "")


def test_a_backslash_before_a_line_break_in_a_formula_is_a_space(markup):
    assert f"{INLINE}<mrow><mi>a</mi><mtext>&#x000A0;</mtext><mi>b</mi></mrow></math> wraps." in html(
        markup, "A $a \\\nb$ wraps.")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="$a1 \\`\n", max_size=30))
def test_a_line_break_in_a_formula_reads_as_a_space(markup, text):
    """The wrapped formulas found before the inline pass are those its one-line pattern would find if the
    paragraph were one line: the same HTML, line breaks aside."""
    lines = [line.strip() for line in text.split("\n")]  # a paragraph's lines lose their indentation
    assume(all(lines) and not any(line.endswith("\\") for line in lines[:-1]))  # no blank line, no hard break
    assume(not any(re.match(r" {0,3}(\$\$|```)", line) for line in lines))
    wrapped = markup.convert("\n".join(lines), "x/").html.replace("\n", " ")
    assert wrapped == markup.convert(" ".join(lines), "x/").html.replace("\n", " ")


# --- \$ ------------------------------------------------------------------------------------------------

def test_an_escaped_dollar_is_a_dollar_and_never_opens_math(markup):
    assert "<p>It costs $1, or $2 with $x$ tax.</p>" in html(markup, "It costs \\$1, or \\$2 with \\$x\\$ tax.")
    out = html(markup, "Pay $a \\$ b$ now and \\$5$ later.")  # in a formula it closes nothing
    assert f"{INLINE}<mrow><mi>a</mi><mi>&#x00024;</mi><mi>b</mi></mrow></math> now and $5$ later." in out


# --- environments --------------------------------------------------------------------------------------

@pytest.mark.parametrize("env, argument", [("aligned", ""), ("aligned", "[t]"), ("gathered", ""), ("alignedat", "{2}"),
                                           ("cases", ""), ("matrix", ""), ("pmatrix", ""), ("bmatrix", ""),
                                           ("vmatrix", ""), ("array", "{cc}"), ("align*", "")])
def test_environments_become_mathml_tables(markup, env, argument):
    out = html(markup, f"$$\n\\begin{{{env}}}{argument} a &= b \\\\ c &= d \\end{{{env}}}\n$$")
    assert out.count("<mtr>") == 2 and out.count("<mtd") >= 4 and "<mtable" in out
    assert "&amp;" not in out and "<mi>&" not in out and "<mi>t</mi>" not in out and "<mn>2</mn>" not in out


def test_arg_is_a_function_name_as_max_is(markup):
    assert "<mrow><mo>arg</mo><msub><mo>max</mo><mi>x</mi></msub>" in html(markup, "$\\arg\\max_x f(x)$")


def test_the_environments_left_to_latex2mathml_are_the_ones_it_lays_out():
    from latex2mathml import commands

    tables = {name[1:] for name in commands.MATRICES}
    assert math.NATIVE <= tables and set(math.AS_TABLE.values()) <= tables
    assert not (set(math.AS_TABLE) | math.AS_GROUP) & tables


# --- what cannot be rendered ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, message, needle", [
    ("Bad $a + \\foo{x}$ here.", "math command '\\foo' is not supported", "\\foo{x}$ here."),
    ("$$\n\\frac{1}{2\n$$", "math has a '{' that is never closed", "{2"),
    ("Bad $x}$ here.", "math has a '}' that closes no '{'", "}$ here."),
    ("Wrapped $a +\n\\foo b$ here.", "math command '\\foo' is not supported", "\\foo b$ here."),
    ("$$\nx^\n$$", "cannot render math: a ^ or _ with nothing after it", "x^"),
    ("$$\\begin{tikzcd} a \\end{tikzcd}$$", "math environment 'tikzcd' is not supported", "\\begin{tikzcd} a"),
    ("Stray $a & b$.", "math has an '&' outside a table (aligned, cases, matrix, …)", "& b$."),
    ("A $\\href{javascript:alert(1)}{x}$ link.", "math command '\\href' is not supported", "\\href{javascript"),
])
def test_what_cannot_be_rendered_is_a_warning_with_the_tex_shown(markup, text, message, needle):
    body = markup.convert(text, "x/")
    (problem,) = body.problems
    assert problem.severity == "warning" and problem.message.startswith(message)
    assert problem.message.endswith("; the formula is shown as TeX") and problem.needle.startswith(needle)
    shown = re.search(r'<code class="math-error">(.*?)</code>', body.html, re.S).group(1)
    assert shown.replace("&amp;", "&") in text and "<math" not in body.html


def test_the_tex_shown_is_escaped(markup):
    body = markup.convert("$\\foo{<b>&</b>}$", "x/")
    assert '<code class="math-error">\\foo{&lt;b&gt;&amp;&lt;/b&gt;}</code>' in body.html


def test_text_in_a_formula_is_escaped(markup):
    out = html(markup, "$\\text{<img/src=x/onerror=alert(1)>} < 1 \\& 2$")
    assert "<img" not in out and "<mtext>&lt;img/src=x/onerror=alert(1)&gt;</mtext>" in out


def test_a_problem_is_placed_at_its_command_in_the_file(scratch_project, run_cli):
    scratch_project.concept("alpha", body="""\
        Intro with $x$ and $\\sigma$.

        > A quote:
        > $$
        > a + \\oops{b}
        > $$

        - item
          $$\\frac{1}{2$$
        """)
    result = run_cli("check", "--content", scratch_project.content, cwd=scratch_project.root)
    assert result.code == 0
    assert result.err.splitlines() == [
        "content/concepts/alpha.md:8:7: warning: math command '\\oops' is not supported; the formula is shown as TeX",
        "content/concepts/alpha.md:12:13: warning: math has a '{' that is never closed; the formula is shown as TeX"]


# --- what stays as it is -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["It costs $5 and $10.", "It costs 5 $ and then 6 $ more.", "From $5 to\n$10 a day.",
                                  "Now $ x$ and $y $.", "A $x$5 or $$ alone."])
def test_prices_and_loose_dollars_stay_prose(markup, text):
    assert "<math" not in html(markup, text)


def test_code_keeps_its_dollars(markup):
    out = html(markup, "`$x$` and ``$$y$$`` and `$a\nb$`\n\n```\n$$\nz\n$$\n```\n\n~~~\n$$w$$ and $v$\n~~~\n")
    assert "<math" not in out and out.count("$$") == 6 and "<code>$x$</code>" in out


def test_no_math_inside_a_wikilink(markup):
    body = markup.convert("See [[relu|the $\\max$ unit]] and [[$x$]].", "concepts/a/")
    assert '<a class="wikilink" href="../relu/">the $\\max$ unit</a>' in body.html and "<math" not in body.html
    assert body.problems[0].needle == "[[$x$]]"


def test_a_formula_is_converted_once_for_all_its_pages(markup):
    math.render.cache_clear()
    for _ in range(3):
        markup.convert("Twice $x_1$ and $x_1$.", "x/")
    assert math.render.cache_info().misses == 1 and math.render.cache_info().hits == 5
