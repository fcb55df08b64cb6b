"""The closest name to one that names nothing, for did-you-mean hints: difflib's own answer, from an index
built once rather than a scan of every name for each question."""
from __future__ import annotations

import difflib
from collections import Counter

from conceptsite.diagnostics import hint_text


class Suggester:
    """did_you_mean over many names, from an index built once: the same answer, without scoring every name."""

    # difflib scores a name by ratio = 2*M/(len(a)+len(b)), M the characters of its matching blocks, which
    # form a common subsequence: M <= LCS. The index packs the names of each length side by side in one int,
    # and the bit-parallel LCS (Allison-Dix) runs on all of them at once, a few big-int operations per
    # character of the word; only names whose LCS can reach the cutoff are scored (as difflib scores them:
    # _matched), best bound first.
    # Typos come first: the names one deletion away from the word (on either side, so a swapped, dropped,
    # doubled or changed letter) are looked up in a second index and scored. A name outside them has an LCS of
    # at most the longer length - 2, which bounds its ratio; after a typo's high score most lengths fall below.

    def __init__(self, candidates, cutoff: float = 0.6, shown: dict | None = None):
        if not 0.0 < cutoff <= 1.0:
            raise ValueError(f"cutoff must be in (0.0, 1.0]: {cutoff!r}")
        self.cutoff, self.shown = cutoff, shown or {}  # shown: how the hint writes a candidate, if not as it is
        self.names = set(candidates)  # indexed at the first question: most builds have no unknown name
        self.blocks: list[_Block] | None = None
        self.near: dict[str, list[str]] = {}  # each name, and it with one character deleted -> the names
        self.reach: dict[int, list] = {}
        self.memo: dict[str, str | None] = {}  # one dangling name is often written many times

    def hint(self, name: str) -> str:
        """A ' (did you mean 'x'?)' hint for the closest name, or ''."""
        found = self.closest(name)
        return hint_text(self.shown.get(found, found))

    def closest(self, name: str) -> str | None:
        """What difflib.get_close_matches(name, names, n=1, cutoff) gives, or None."""
        if name not in self.memo:
            # ratio("", "") is 1.0; between "" and any other name it is 0.0
            self.memo[name] = self._closest(name) if name else ("" if "" in self.names else None)
        return self.memo[name]

    def _closest(self, name: str) -> str | None:
        if self.blocks is None:
            self._index()
        score = _scorer(name)
        best, floor = None, self.cutoff  # difflib keeps the max of (ratio, name): below floor nothing can win
        near = self.near
        typos = {other for key in _shortened(name) if key in near for other in near[key]}
        for other in sorted(typos, reverse=True):
            found = (score(other), other)
            if found[0] >= self.cutoff and (best is None or found > best):
                best, floor = found, found[0]
        # Lengths nearest the word's first: they can score highest, and a good match found early raises the
        # floor, so names of farther lengths are skipped whole and the rest need a longer LCS to be scored.
        for reach, block in self._by_reach(len(name)):
            if reach < floor:
                break  # no name of this length or a later one outside the typos scored above can reach it
            total = len(name) + block.length
            need = max(0, int(floor * total / 2) - 1)
            while _ratio(need, total) < floor:  # the fewest matches that reach the floor, in difflib's arithmetic
                need += 1
            for common, others in block.levels(name, need):
                if _ratio(common, total) < floor:
                    break  # ratio <= this bound: no name with this LCS or a shorter one can win
                for other in sorted(others, reverse=True):
                    if best is not None and (_ratio(common, total), other) < best:
                        break  # difflib breaks ties by the greater name
                    found = (score(other), other)
                    if found[0] >= self.cutoff and (best is None or found > best):
                        best, floor = found, found[0]
        return best[1] if best else None

    def _index(self) -> None:
        by_length: dict[int, list[str]] = {}
        for other in sorted(self.names):
            if other:
                by_length.setdefault(len(other), []).append(other)
        self.blocks = [_Block(group) for _, group in sorted(by_length.items())]
        for other in self.names:
            for key in _shortened(other):
                self.near.setdefault(key, []).append(other)

    def _by_reach(self, length: int) -> list:
        """(the highest ratio outside the typos, block) for a word of this length, highest first; kept per length."""
        if length not in self.reach:
            self.reach[length] = sorted(((_beyond_typos(length, b.length), b) for b in self.blocks), key=lambda pair: -pair[0])
        return self.reach[length]


def _scorer(word: str):
    """other -> difflib's ratio of other to word, as get_close_matches scores it."""
    if len(word) >= _AUTOJUNK:
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)  # as get_close_matches sets them: the junk heuristic depends on which is which

        def score(other: str) -> float:
            matcher.set_seq1(other)
            return matcher.ratio()
        return score
    return lambda other: _ratio(_matched(other, word), len(other) + len(word))


_AUTOJUNK = 200  # from this length of b, SequenceMatcher ignores b's most frequent characters


def _matched(a: str, b: str) -> int:
    """How many characters SequenceMatcher(None, a, b).get_matching_blocks() holds, for b shorter than
    _AUTOJUNK (no junk then): the longest common run (the first in a, then in b), then the same on each
    side of it. str.find does difflib's table walk, several times faster."""
    total, parts = 0, [(0, len(a), 0, len(b))]
    while parts:
        alo, ahi, blo, bhi = parts.pop()
        size, start, i = 0, alo, alo
        while i + size < ahi:
            # Only a longer run counts (difflib keeps the first of equal ones), from i at any place in b.
            j = b.find(a[i:i + size + 1], blo, bhi)
            while j >= 0:
                size, start = size + 1, i
                while i + size < ahi and j + size < bhi and a[i + size] == b[j + size]:
                    size += 1
                j = b.find(a[i:i + size + 1], j + 1, bhi) if i + size < ahi else -1
            i += 1
        if size:
            j = b.find(a[start:start + size], blo, bhi)
            total += size
            if alo < start and blo < j:
                parts.append((alo, start, blo, j))
            if start + size < ahi and j + size < bhi:
                parts.append((start + size, ahi, j + size, bhi))
    return total


def _shortened(name: str) -> set[str]:
    """The name, and the name with any one of its characters deleted."""
    return {name, *(name[:i] + name[i + 1:] for i in range(len(name)))}


def _beyond_typos(length: int, other: int) -> float:
    """The highest ratio a word of one length can have with a name of the other that is not one deletion away
    on either side: their LCS is at most the shorter length, and when the lengths differ by one or less, at
    most the longer - 2."""
    return _ratio(max(0, min(length, other, max(length, other) - 2)), length + other)


def _ratio(matches: int, total: int) -> float:
    return 2.0 * matches / total  # difflib's own arithmetic, so that bounds and ratios compare exactly


class _Block:
    """The names of one length packed in lanes of one int: the name's bits, an LCS counter, a guard bit."""

    def __init__(self, names: list[str]):
        self.names, self.length = names, len(names[0])
        self.counter_bits = self.length.bit_length()  # holds any LCS, which is at most the length
        self.width = self.length + self.counter_bits + 1
        self.unit = ((1 << (self.width * len(names))) - 1) // ((1 << self.width) - 1)  # bit 0 of every lane
        self.ones = self.unit * ((1 << self.length) - 1)  # the name bits of every lane
        self.counters = self.unit * ((1 << self.counter_bits) - 1) << self.length
        self.guards = self.unit << (self.width - 1)
        places: dict[str, list[int]] = {}
        for lane, name in enumerate(names):
            for place, char in enumerate(name):
                places.setdefault(char, []).append(lane * self.width + place)
        self.chars = {char: _bits(where) for char, where in places.items()}  # the name bits where names hold it
        self.counts: dict[tuple[str, int], int] | None = None  # made at the first _may_hold

    def levels(self, word: str, need: int):
        """(LCS, its names) for each LCS with word from the longest down to need, among the names reaching it."""
        if need >= len(word) and not self._may_hold(word):
            return  # typos leave this often (a swap leaves the names 2 longer in reach), and it costs far less
        v = self.ones  # Allison-Dix: a name's zero bits count its LCS with the word read so far
        for char in word:
            match = self.chars.get(char)
            if match:
                u = v & match
                # A carry out of a lane's name bits is its LCS growing by one: it adds to the counter above them.
                v = (v + u) | ((v ^ u) & self.ones)
        count, low, top = v & self.counters, self.unit << self.length, 1 << self.counter_bits
        # Adding 2**bits - n to every counter sets the guard bits of exactly the counters that are at least n.
        if not (count + (top - need) * low) & self.guards:
            return
        above = 0
        for common in range(min(len(word), self.length), need - 1, -1):
            passing = (count + (top - common) * low) & self.guards
            if passing != above:
                yield common, [self.names[place // self.width] for place in _ones(passing ^ above)]
                above = passing

    def _may_hold(self, word: str) -> bool:
        """Whether some name holds each character of word at least as often as word does, as a name holding
        all of word (an LCS of its length) must."""
        if self.counts is None:
            self.counts = _count_masks(self.names)
        alive = (1 << len(self.names)) - 1
        for char, times in Counter(word).items():
            alive &= self.counts.get((char, times), 0)
            if not alive:
                return False
        return True


def _count_masks(names: list[str]) -> dict[tuple[str, int], int]:
    """(char, n) -> the names holding char at least n times, as the bits of their places in names."""
    places: dict[tuple[str, int], list[int]] = {}
    for place, name in enumerate(names):
        for char, times in Counter(name).items():
            for n in range(1, times + 1):
                places.setdefault((char, n), []).append(place)
    return {key: _bits(where) for key, where in places.items()}


def _bits(places: list[int]) -> int:
    raw = bytearray(places[-1] // 8 + 1)  # one int from bytes: setting bits one by one copies the int each time
    for place in places:
        raw[place >> 3] |= 1 << (place & 7)
    return int.from_bytes(raw, "little")


def _ones(bits: int):
    """The positions of the set bits, lowest first."""
    text = bin(bits)[:1:-1]  # "0b..." reversed: character i is bit i
    i = text.find("1")
    while i >= 0:
        yield i
        i = text.find("1", i + 1)
