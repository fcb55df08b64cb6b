"""Did-you-mean over many names (graph/closest_names.Suggester): the answer of difflib.get_close_matches,
from an index."""

import difflib
import random

from hypothesis import example, given
from hypothesis import strategies as st

from conceptsite.diagnostics import did_you_mean
from conceptsite.graph.closest_names import Suggester, _matched


def _difflib(name: str, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


# Small alphabets make near misses and ties common; the rest of unicode (astral, combining, NUL) comes too.
_TEXT = st.one_of(st.text(st.sampled_from("ab-"), max_size=8), st.text(st.sampled_from("abcé😀 \x00-"), max_size=14),
                  st.text(max_size=10))


@given(st.lists(_TEXT, max_size=25), st.lists(_TEXT, min_size=1, max_size=6), st.data())
@example([], [""], None)
@example([""], ["", "a"], None)
@example(["ab", "ba", "ab", "aab"], ["ab", "abb", "b"], None)  # duplicates, and a tie broken by the greater name
@example(["abcdefXXXX", "abcdefghi" + "Y" * 11], ["abcdefghij"], None)  # both 0.6: the greater, found second, wins
def test_suggester_answers_as_difflib_does(candidates, names, data):
    suggester = Suggester(candidates)
    if data is not None and candidates:  # names one edit away from a candidate, so there is something to find
        names = names + [data.draw(st.sampled_from(candidates)) + suffix for suffix in ("", "x", "ab")]
    for name in names:
        assert suggester.closest(name) == _difflib(name, candidates), (name, candidates)
        assert suggester.hint(name) == did_you_mean(name, candidates)


def test_suggester_on_long_names_where_difflib_junks_popular_characters():
    """At 200 characters difflib's autojunk ignores frequent characters of the word: the same answer still."""
    rng = random.Random(5)
    base = "".join(rng.choice("abcde-") for _ in range(220))
    def mutate(text):
        chars = list(text)
        for _ in range(rng.randint(0, 90)):
            chars[rng.randrange(len(chars))] = rng.choice("abcdefg-")
        return "".join(chars)
    candidates = [mutate(base) for _ in range(40)] + [base[:150], base[60:]]
    suggester = Suggester(candidates)
    for name in [mutate(base) for _ in range(30)] + [base, base[:199], base[:200]]:
        assert suggester.closest(name) == _difflib(name, candidates)


def _scale_names(rng: random.Random) -> list[str]:
    def word():
        return "".join(rng.choice("bcdfghklmnprstvw") + rng.choice("aeiou") for _ in range(rng.randint(1, 4)))
    names: set[str] = set()
    while len(names) < 14_000:
        names.add("-".join(word() for _ in range(rng.randint(1, 3))))
    return sorted(names)


def test_suggester_at_scale_gives_difflibs_answers():
    """14,000 names and 50,000 different misses (typos, new names, dates), as in issue 23; a sample is checked
    against difflib, which takes a tenth of a second per miss there. Speed is measured, not asserted here."""
    rng = random.Random(23)
    names = _scale_names(rng)
    known = set(names)
    def typo(text):
        i = rng.randrange(len(text))
        return rng.choice([text[:i] + text[i + 1:], text[:i] + rng.choice("aeiouxyz-") + text[i:],
                           text[:i] + text[i + 1:i + 2] + text[i:i + 1] + text[i + 2:]])
    makers = [lambda: typo(rng.choice(names)), lambda: typo(typo(rng.choice(names))),
              lambda: rng.choice(names) + "-" + rng.choice(names)[:4],
              lambda: f"{rng.randint(1990, 2030)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"]
    misses: dict[str, None] = {}
    while len(misses) < 50_000:
        miss = rng.choice(makers)()
        if miss not in known:
            misses[miss] = None
    suggester = Suggester(names)
    found = {miss: suggester.closest(miss) for miss in misses}
    assert all(answer is None or answer in known for answer in found.values())
    assert sum(answer is not None for answer in found.values()) > 25_000
    for miss in rng.sample(list(misses), 40):
        assert found[miss] == _difflib(miss, names), miss
    assert suggester.closest(next(iter(misses))) == found[next(iter(misses))]  # asked again: from the memo


def test_a_swap_leaves_names_two_longer_in_reach_and_one_holding_the_word_wins():
    """A swapped pair scores 2(n-1)/2n with its typo, below a name 2 longer holding all of the word (2n/(2n+2)):
    such names are looked for, and passed over quickly when none holds each of the word's letters."""
    word = "acbdefgh"  # 'abcdefgh' with b and c swapped
    for names, answer in ((["abcdefgh", "hgfedcbaxy", "acbdefghxy"], "acbdefghxy"),  # one holds the word: it wins
                          (["abcdefgh", "hgfedcbaxy"], "abcdefgh"),  # the word's letters, not in its order
                          (["abcdefgh", "acbdefgxyz", "zzzzzzzzzz"], "abcdefgh")):  # none holds an 'h'
        assert Suggester(names).closest(word) == _difflib(word, names) == answer, names


_RUNS = st.one_of(st.text(st.sampled_from("ab"), max_size=30), st.text(st.sampled_from("abc-"), max_size=60),
                  st.text(st.sampled_from("aé😀\x00 "), max_size=12), st.text(max_size=20))


@given(_RUNS, _RUNS)
@example("xabYabab", "xababab")  # the longest run of a is matched early in b, so one letter short of the LCS
@example("", "a")
@example("aaaa", "aa")
def test_matched_counts_what_difflibs_matching_blocks_hold(a, b):
    matcher = difflib.SequenceMatcher(None, a, b)
    assert _matched(a, b) == sum(block.size for block in matcher.get_matching_blocks())


def test_matched_agrees_with_difflib_up_to_its_autojunk_length():
    rng = random.Random(8)
    for _ in range(300):
        b = "".join(rng.choice("abcd- ") for _ in range(rng.randint(150, 199)))
        a = "".join(rng.choice(("", c, c + c)) for c in b)  # b with letters dropped and doubled
        assert _matched(a, b) == sum(block.size for block in difflib.SequenceMatcher(None, a, b).get_matching_blocks())
