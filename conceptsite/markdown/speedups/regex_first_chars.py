"""Which characters a regex match can start with, worked out from the parsed pattern.

`first_tests(pattern)` gives one-character tests such that any match of the pattern starts with a
character passing at least one of them, or None when any character may start one (the pattern can
match the empty string, or uses a construct this module does not follow). The tests may pass more
characters than truly start a match (zero-width assertions are passed over), never fewer: a caller
may safely skip the pattern at a character that passes none. Each test is compiled with the flags
in force where its character is read, so case-insensitivity and ASCII classes mean what they mean
in the pattern itself.
"""
from __future__ import annotations

import re

from re import _constants as sre, _parser as sre_parse  # Python 3.11's names (see __init__)

_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
               sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
_ATOMS = {sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY}
_CHAR_FLAGS = re.IGNORECASE | re.ASCII | re.DOTALL | re.UNICODE


class _Unknown(Exception):
    """A construct the analysis does not follow: any character may start a match."""


def first_tests(pattern: re.Pattern) -> list[re.Pattern] | None:
    """One-character tests covering every character a match can start with, or None (any may)."""
    if not isinstance(pattern.pattern, str) or pattern.flags & re.VERBOSE:
        return None
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        found, can_be_empty = _starts(list(parsed), parsed.state.flags)
    except (_Unknown, re.error, RecursionError, TypeError, ValueError):
        return None
    return None if can_be_empty else [re.compile(text, flags & _CHAR_FLAGS) for text, flags in found]


def _starts(items: list, flags: int) -> tuple[list, bool]:
    """(regex text, flags) of one character for each way the sequence can start, and whether it can
    match the empty string (then what follows it can start a match too)."""
    out = []
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # passing over an assertion only widens the set
        if op in _ATOMS:
            out.append((_atom(op, av), flags))
            return out, False
        found, can_be_empty = _compound(op, av, flags)
        out.extend(found)
        if not can_be_empty:
            return out, False
    return out, True


def _compound(op, av, flags: int) -> tuple[list, bool]:
    """_starts of a group, alternation or repeat."""
    if op is sre.SUBPATTERN:
        _, add, remove, body = av
        return _starts(list(body), (flags | add) & ~remove)
    if op is sre.BRANCH:
        out, can_be_empty = [], False
        for branch in av[1]:
            found, empty = _starts(list(branch), flags)
            out.extend(found)
            can_be_empty = can_be_empty or empty
        return out, can_be_empty
    if op in _REPEATS:
        low, high, body = av
        if high == 0:
            return [], True
        found, can_be_empty = _starts(list(body), flags)
        return found, can_be_empty or low == 0
    if op is sre.ATOMIC_GROUP:
        return _starts(list(av), flags)
    raise _Unknown


def _atom(op, av) -> str:
    """Regex text matching exactly the characters one atom matches."""
    if op is sre.LITERAL:
        return re.escape(chr(av))
    if op is sre.NOT_LITERAL:
        return f"[^{re.escape(chr(av))}]"
    if op is sre.ANY:
        return "."
    return "[" + "".join(_set_item(kind, value) for kind, value in av) + "]"


def _set_item(kind, value) -> str:
    if kind is sre.NEGATE:
        return "^"
    if kind is sre.LITERAL:
        return re.escape(chr(value))
    if kind is sre.RANGE:
        return f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}"
    if kind is sre.CATEGORY and value in _CATEGORIES:
        return _CATEGORIES[value]
    raise _Unknown
