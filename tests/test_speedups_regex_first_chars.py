import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers import PythonLexer

from conceptsite.markdown.speedups.regex_first_chars import first_tests
from test_speedups_pygments_lexers import SNIPPETS, _lexers


def _starts(pattern: str, flags: int = 0) -> set[str] | None:
    tests = first_tests(re.compile(pattern, flags))
    if tests is None:
        return None
    return {c for c in "abcxyzABCXYZ019 _\t\n#'\"-.\\(" if any(t.match(c) for t in tests)}


@pytest.mark.parametrize("pattern, flags, starts", [
    ("abc", 0, {"a"}),
    ("(?i)abc", 0, {"a", "A"}),
    ("abc", re.IGNORECASE, {"a", "A"}),
    (r"\s*x", 0, {" ", "\t", "\n", "x"}),
    (r"[^\S\n]+", 0, {" ", "\t"}),
    (r"(?<!\.)(foo|bar)\b", 0, {"b"}),  # 'f' is not among the characters tried
    (r"^(\s*)([rRuUbB]{,2})(\"\"\")", re.MULTILINE, {" ", "\t", "\n", "b", "B", '"'}),
    (r"\d+|_", 0, {"0", "1", "9", "_"}),
    (r"[^a-y]", 0, {"z", "A", "B", "C", "X", "Y", "Z", "0", "1", "9", " ", "_", "\t", "\n", "#", "'", '"', "-", ".", "\\", "("}),
    (r".x", 0, {c for c in "abcxyzABCXYZ019 _\t#'\"-.\\("}),  # '.' stops at a newline without DOTALL
    (r"(?:a{0}b)", 0, {"b"}),
    (r"(?>ab|c)", 0, {"a", "c"}),
])
def test_starting_characters(pattern, flags, starts):
    assert _starts(pattern, flags) == starts


@pytest.mark.parametrize("pattern", ["", "a?", r"\b", "(?=x)", "x*|y", r"(a)?\1", "(a)?(?(1)b|c)"])
def test_any_character_when_a_match_can_be_empty_or_is_not_followed(pattern):
    assert first_tests(re.compile(pattern)) is None


TEXTS = [text[:700] for text in SNIPPETS]  # every kind of token, at a fraction of the time


def test_every_pygments_rule_match_starts_with_a_passing_character():
    # The property the lexers rely on, over every rule of every tunable lexer and every position of the snippets.
    checked = 0
    for _, lexer in _lexers():
        for rules in lexer._tokens.values():
            for rexmatch, _, _ in rules:
                tests = first_tests(rexmatch.__self__)
                if tests is None:
                    continue
                for text in TEXTS:
                    for pos in range(len(text)):
                        if rexmatch(text, pos):
                            checked += 1
                            assert any(t.match(text[pos]) for t in tests), (rexmatch.__self__.pattern, text[pos:pos + 20])
    assert checked > 10_000


PIECES = ["a", "b", "A", "\\s", "\\d", "\\w", "[a-c]", "[^a]", ".", "x?", "(?:ab|c)", "(b|)", "y*", "z+", "\\b",
          "(?=a)", "(?<!b)", "(?i:q)", "^", "$", "[\\W]", "é", "-"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map("".join),
       st.text(alphabet="abABcqQxyz é_0-\n", max_size=12), st.booleans())
def test_any_pattern_matches_only_where_a_test_passes(pattern, text, ignore_case):
    compiled = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    tests = first_tests(compiled)
    for pos in range(len(text) + 1):
        if compiled.match(text, pos):
            assert tests is None or (pos < len(text) and any(t.match(text[pos]) for t in tests))


def test_the_python_lexers_identifier_tokens_try_few_rules():
    # If this fails, narrowing by first character no longer applies and lexing is ~3x slower again.
    tests = [first_tests(rexmatch.__self__) for rexmatch, _, _ in PythonLexer()._tokens["root"]]
    candidates = [t for t in tests if t is None or any(x.match("w") for x in t)]
    assert len(candidates) <= len(tests) // 4
