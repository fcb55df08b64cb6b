"""Pygments' regex lexers made faster for fenced code, with the same tokens.

A RegexLexer tries the rules of its current state one by one, each through a Python call, at every
position: the Python lexer makes ~40 such calls per token, and lexing was a fifth of a typical
page's Markdown time. Here each state's rules are joined into one alternation, each rule wrapped in
a group of its own. The regex engine tries alternatives in order and takes the first that matches,
which is the rule the lexer would have taken; the wrapping group that closed last
(`match.lastindex`) says which rule that was. A rule whose action needs its own match object (a
callback such as `bygroups`) is matched again alone at that position, which gives the same match.

The engine still tries the alternatives one by one, and identifiers and spaces come last in most
lexers. So at each token only the rules whose match can start with the character there are joined
and tried (`_Joined.pick`, from `regex_first_chars.first_tests`); the others cannot match there, so
the first match found is the same one. A benchmark corpus's Python code blocks: ~400 µs each with
Pygments' own loop, ~240 joined, ~70 joined and narrowed.

A rule compiled with other flags than the rest (often a leading '(?i)') is given them as a scoped
group. A state is left as it is when joining could change what its rules mean: a rule with a
numbered back-reference or conditional (group numbers shift once joined), verbose flags (a trailing
comment would swallow the joining text), flags that cannot be scoped, or a join the engine refuses
(duplicate group names). Lexers that override `get_tokens_unprocessed` keep
their own. tests/test_speedups_pygments_lexers.py holds the tokens to the library's own on every lexer
(Pygments 2.21.0: see __init__).
"""
from __future__ import annotations

import functools
import re

from markdown.extensions import codehilite
from pygments.lexer import RegexLexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Error, Whitespace, _TokenType

from .regex_first_chars import first_tests

_UNSAFE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")  # back-references and conditionals name groups by number


class _Joined:
    """One state's rules as one pattern: `match`, and each wrapping group's rule.

    `pick(char)` narrows it to the rules that can start with that character (see regex_first_chars), joined
    the same way: the engine then tries a few alternatives at each token instead of all of them."""

    __slots__ = ("match", "rules", "source", "tests", "by_char", "subsets")

    def __init__(self, match, rules: dict, source: list = ()):
        self.match, self.rules, self.source = match, rules, source
        self.tests = None
        self.by_char: dict = {}
        self.subsets: dict = {}

    def pick(self, char: str) -> _Joined:
        """This state's rules that a match starting with char can come from, as one pattern."""
        found = self.by_char.get(char)
        if found is None:
            if self.tests is None:
                self.tests = [first_tests(rexmatch.__self__) for rexmatch, _, _ in self.source]
            keep = tuple(i for i, tests in enumerate(self.tests) if tests is None or any(t.match(char) for t in tests))
            found = self.subsets.get(keep)
            if found is None:
                found = self.subsets[keep] = self._narrowed(keep)
            if len(self.by_char) < _CHARS_LIMIT:
                self.by_char[char] = found
        return found

    def _narrowed(self, keep: tuple) -> _Joined:
        if len(keep) == len(self.source):
            return self
        if not keep:
            return _NOTHING
        return join_state([self.source[i] for i in keep], narrow=False) or self


_CHARS_LIMIT = 4096  # distinct characters remembered per state (a watch server lexes for hours)


def join_state(rules: list, narrow: bool = True) -> _Joined | None:
    """The state's (rexmatch, action, new_state) rules as one alternation, or None when joining is unsafe."""
    patterns = [rexmatch.__self__ for rexmatch, _, _ in rules]
    if not patterns or any(not isinstance(p.pattern, str) or _UNSAFE.search(p.pattern) for p in patterns):
        return None
    base = next((p.flags for p in patterns if p.pattern), patterns[0].flags)
    parts = [_scoped(p, base) for p in patterns]
    if base & re.VERBOSE or None in parts:
        return None
    wrappers, group = {}, 1
    for pattern, rule in zip(patterns, rules):
        wrappers[group] = rule
        group += 1 + pattern.groups
    try:
        joined = re.compile("|".join(f"({part})" for part in parts), base)
    except (re.error, RecursionError, OverflowError):
        return None
    if joined.groups != group - 1:
        return None
    return _Joined(joined.match, wrappers, rules if narrow else ())


_NOTHING = _Joined(lambda text, pos: None, {})  # no rule can start with the character: nothing matches


_LEADING_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_SCOPABLE = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s"}


def _scoped(pattern: re.Pattern, base: int) -> str | None:
    """pattern's text, to mean the same inside a pattern compiled with `base` flags; None if it cannot.

    Rules such as Python's string prefixes open with global flags ('(?i)...'), which a joined
    pattern only allows at its very start: they become a scoped group, '(?i:...)'."""
    text = pattern.pattern
    if not text:
        return text  # the `default` rule: an empty pattern means the same under any flags
    lead = _LEADING_FLAGS.match(text)
    if lead:
        text = text[lead.end():]
    on, off = pattern.flags & ~base, base & ~pattern.flags
    if (on | off) & ~sum(_SCOPABLE) or pattern.flags & re.VERBOSE:
        return None
    if not on and not off:
        return text
    letters = lambda flags: "".join(c for f, c in _SCOPABLE.items() if flags & f)  # noqa: E731
    return f"(?{letters(on)}{'-' + letters(off) if off else ''}:{text})"


@functools.lru_cache(maxsize=None)
def _states(cls: type) -> dict:
    """Joined states of one lexer class, made as each is first entered (None: not joinable)."""
    return {}


def tokens(lexer: RegexLexer, text: str, stack=("root",)):
    """(index, token type, value) for text, exactly as lexer.get_tokens_unprocessed gives them."""
    defs, joined = lexer._tokens, _states(type(lexer))
    states, pos = list(stack), 0
    state = _state(joined, defs, states[-1])
    while True:
        if state is None:
            rule, m, group = _first_rule(defs[states[-1]], text, pos)
        else:
            narrowed = state.pick(text[pos]) if pos < len(text) and state.source else state
            m = narrowed.match(text, pos)
            rule, group = (narrowed.rules[m.lastindex], m.lastindex) if m else (None, 0)
        if rule is None:
            if pos >= len(text):
                return
            if text[pos] == "\n":  # no rule matched at a line end: back to the root state
                states = ["root"]
                state = _state(joined, defs, "root")
                yield pos, Whitespace, "\n"
            else:
                yield pos, Error, text[pos]
            pos += 1
            continue
        rexmatch, action, new_state = rule
        if action is not None:
            if type(action) is _TokenType:
                yield pos, action, m.group(group)
            else:
                if group:  # the callback reads the rule's own groups, not the joined pattern's
                    m = rexmatch(text, pos)
                yield from action(lexer, m)
        pos = m.end()
        if new_state is not None:
            _move(states, new_state)
            state = _state(joined, defs, states[-1])


def _state(joined: dict, defs: dict, name: str) -> _Joined | None:
    try:
        return joined[name]
    except KeyError:
        found = joined[name] = join_state(defs[name])
        return found


def _first_rule(rules: list, text: str, pos: int):
    for rule in rules:
        m = rule[0](text, pos)
        if m:
            return rule, m, 0
    return None, None, 0


def _move(states: list, new_state) -> None:
    """Apply one rule's state change to the stack, as RegexLexer does (never emptying it)."""
    if isinstance(new_state, tuple):
        for name in new_state:
            if name == "#pop":
                if len(states) > 1:
                    states.pop()
            elif name == "#push":
                states.append(states[-1])
            else:
                states.append(name)
    elif isinstance(new_state, int):
        del states[new_state if abs(new_state) < len(states) else 1:]  # '#pop:n', keeping the bottom state
    elif new_state == "#push":
        states.append(states[-1])
    else:
        raise AssertionError(f"wrong state def: {new_state!r}")


def tunable(lexer) -> bool:
    """True when lexer lexes with RegexLexer's own loop, which `tokens` stands in for."""
    return isinstance(lexer, RegexLexer) and type(lexer).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed


def lexer_by_name(alias: str, **options):
    """pygments.lexers.get_lexer_by_name with the fast loop attached."""
    lexer = get_lexer_by_name(alias, **options)
    if tunable(lexer):
        lexer.get_tokens_unprocessed = functools.partial(tokens, lexer)
    return lexer


def install() -> None:
    """Make codehilite look lexers up through lexer_by_name (left alone if someone else replaced it)."""
    if getattr(codehilite, "get_lexer_by_name", None) is get_lexer_by_name:
        codehilite.get_lexer_by_name = lexer_by_name


def uninstall() -> None:
    """Give codehilite Pygments' own look-up back, if install() had replaced it."""
    if getattr(codehilite, "get_lexer_by_name", None) is lexer_by_name:
        codehilite.get_lexer_by_name = get_lexer_by_name
