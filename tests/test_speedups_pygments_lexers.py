import contextlib
import itertools
import random
import re
import signal
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.extensions import codehilite
from pygments.lexer import RegexLexer, bygroups, default
from pygments.lexers import PythonLexer, find_lexer_class_by_name, get_all_lexers, get_lexer_by_name
from pygments.token import Keyword, Name, Text

from conceptsite.markdown import speedups
from conceptsite.markdown.speedups import pygments_lexers
from conceptsite.markdown.convert import Markup
from fakes import FakeIndex

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = [
    (ROOT / "conceptsite" / "markdown" / "speedups" / "pygments_lexers.py").read_text(encoding="utf-8"),
    (ROOT / "templates" / "base.html").read_text(encoding="utf-8"),
    '#include <stdio.h>\nint main(void) { printf("%d\\n", 1); /* c */ }\n',
    "SELECT a, 'x' FROM t WHERE b = 2 -- note\n",
    '{"a": [1, 2.5e3, null, true], "b": {"c": "\\u00e9"}}\n',
    "a:\n  - b\n  - 'c' # d\nkey: |\n  text\n",
    'fn main() { let x: i32 = 5; println!("{}", x); }\n',
    "f = lambda x: f'{x!r:>10}' + rb'\\x00' \"\"\"doc\nstring\"\"\"\n",
]
NOISE = ["".join(random.Random(seed).choice(string.printable) for _ in range(400)) for seed in range(3)]


def _lexers():
    for name, aliases, _, _ in get_all_lexers():
        try:
            lexer = find_lexer_class_by_name(aliases[0])()
        except Exception:  # lexers needing options or missing dependencies
            continue
        if pygments_lexers.tunable(lexer):
            yield name, lexer


def _outcome(tokens, limit=None):
    try:
        return _listed(tokens, limit)
    except Exception as exc:
        return type(exc)


def _listed(tokens, limit=None):
    """The tokens as a list; with a limit, so a loop that never ends fails instead of hanging.

    One token past the limit (the library's count) is enough to differ; the time limit is for a
    loop that neither yields nor ends, such as a state change that never moves on."""
    if limit is None:
        return list(tokens)
    with _time_limit(60):  # a hang guard only: a real lexer takes at most ~1 s of CPU here
        return list(itertools.islice(tokens, limit + 1))


@contextlib.contextmanager
def _time_limit(seconds):
    # CPU seconds of this process, not wall-clock ones: on a busy machine a lexer's first use (joining
    # and compiling its states, over a second for Julia) took longer than 5 s of wall-clock time.
    def stop(signum, frame):
        raise TimeoutError(f"the lexer loop went on for {seconds} s of CPU time")

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _same_tokens(lexer, text):
    expected = _outcome(RegexLexer.get_tokens_unprocessed(lexer, text))
    limit = len(expected) if isinstance(expected, list) else len(text) + 1
    return _outcome(pygments_lexers.tokens(lexer, text), limit) == expected


def test_every_lexer_gives_the_librarys_tokens():
    checked, differ = 0, []
    for name, lexer in _lexers():
        checked += 1
        for text in SNIPPETS + NOISE:
            if not _same_tokens(lexer, text):
                differ.append((name, text[:30]))
                break
    assert checked > 300 and differ == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("abfr_\"'#\\()[]{}:=.,+-*/@%!0123456789 \n\t") + ["def ", "class ", "import ", "'''", '"""', "f'", "rb'", "lambda "]), max_size=120).map("".join))
def test_python_lexer_on_any_text(text):
    expected = list(RegexLexer.get_tokens_unprocessed(PythonLexer(), text))
    assert _listed(pygments_lexers.tokens(PythonLexer(), text), len(expected)) == expected


def test_python_is_fully_joined():
    lexer = PythonLexer()
    assert all(pygments_lexers.join_state(rules) is not None for rules in lexer._tokens.values())


def _rules(*patterns, flags=re.MULTILINE):
    return [(re.compile(p, flags).match, Text, None) for p in patterns]


def test_join_refuses_what_would_change_meaning():
    assert pygments_lexers.join_state(_rules(r"(['\"]).*?\1", "x")) is None  # numbered back-reference
    assert pygments_lexers.join_state(_rules(r"(a)?(?(1)b|c)", "x")) is None  # conditional
    assert pygments_lexers.join_state(_rules("a # comment", "b", flags=re.VERBOSE)) is None
    assert pygments_lexers.join_state(_rules("(?P<n>a)", "(?P<n>b)")) is None  # one name twice
    assert pygments_lexers.join_state(_rules("(?a)x", "y")) is None  # ASCII cannot be scoped
    assert pygments_lexers.join_state(_rules("a", "b")) is not None


def test_leading_flags_become_scoped():
    rules = _rules("(?i)abc", "ABD", "(?s)a.c")
    joined = pygments_lexers.join_state(rules)
    assert joined is not None
    assert joined.match("ABC").lastindex == 1
    assert joined.match("ABD").lastindex == 2
    assert joined.match("a\nc").lastindex == 3
    assert joined.match("abd") is None  # the second rule stays case-sensitive


class _Toy(RegexLexer):
    """Every kind of state change, a callback rule and a default, on a tiny language."""

    tokens = {
        "root": [
            (r"(def)(\s+)", bygroups(Keyword, Text), "name"),
            (r"\(", Text, "#push"),
            (r"\)", Text, "#pop"),
            (r"\[", Text, ("inner", "inner")),
            (r"\]", Text, "#pop:2"),
            (r"[a-z]+", Name),
            (r" ", Text),
        ],
        "name": [(r"[a-z]+", Name.Function, "#pop"), default("#pop")],
        "inner": [
            (r"\]", Text, "#pop"), (r"[a-z]+", Name), (r"\[", Text, "#push"),
            (r"!", Text, ("#pop", "#push", "name")),  # the tuple form, which may hold #pop and #push
        ],
    }


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["def ", "(", ")", "[", "]", "ab", " ", "\n", "?", "def", "!"]), max_size=60).map("".join))
def test_state_changes_and_callbacks(text):
    expected = list(RegexLexer.get_tokens_unprocessed(_Toy(), text))
    assert _listed(pygments_lexers.tokens(_Toy(), text), len(expected)) == expected


def test_codehilite_uses_the_fast_lexer_and_output_is_unchanged():
    text = "Intro.\n\n```python\ndef f(x):\n    return [x * 2 for _ in 'ab']\n```\n\n```nosuchlang\nplain\n```\n"
    tuned = Markup(FakeIndex()).convert(text, "concepts/a/").html
    assert (codehilite.get_lexer_by_name is pygments_lexers.lexer_by_name) is speedups.enabled()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(speedups.SWITCH, "off")
        plain = Markup(FakeIndex()).convert(text, "concepts/a/").html
        assert codehilite.get_lexer_by_name is get_lexer_by_name  # a converter made with them off puts it back
    assert tuned == plain and '<span class="k">def</span>' in tuned
    lexer = pygments_lexers.lexer_by_name("python", stripnl=False)
    assert lexer.get_tokens_unprocessed.func is pygments_lexers.tokens and lexer.stripnl is False


def test_install_and_uninstall_leave_another_replacement_alone():
    other = lambda alias, **options: None  # noqa: E731
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(codehilite, "get_lexer_by_name", other)
        pygments_lexers.install()
        assert codehilite.get_lexer_by_name is other
        pygments_lexers.uninstall()
        assert codehilite.get_lexer_by_name is other
