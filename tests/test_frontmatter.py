import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conceptsite.source import frontmatter
from conceptsite.source.frontmatter import FrontMatter, FrontMatterError, load_yaml, split


def error_of(text: str) -> FrontMatterError:
    with pytest.raises(FrontMatterError) as info:
        split(text)
    return info.value


def test_split_returns_values_positions_and_body_line():
    fm = split("---\ntitle: Hi\ntags: [a, b]\n---\nBody\n")
    assert fm.data == {"title": "Hi", "tags": ["a", "b"]}
    assert fm.where("title") == (2, 8)
    assert fm.where("tags", 1) == (3, 11)
    assert fm.body == "Body\n" and fm.body_line == 5


def test_no_front_matter_is_all_body():
    fm = split("# Title\ntext")
    assert fm.data == {} and fm.body == "# Title\ntext" and fm.body_line == 1


def test_empty_block_is_an_empty_mapping():
    assert split("---\n---\nx").data == {}


def test_dates_stay_strings_for_the_reader_to_check():
    assert split("---\ndate: 2024-02-30\n---\n").data["date"] == "2024-02-30"


@pytest.mark.parametrize("value", ["2024-03-05T23:30:00+02:00", "2024-03-05 23:30", "2024-03-05T23:30:00.5Z",
                                   "2024-03-05 23:30:00 -0500"])
def test_date_times_stay_strings_in_both_readers(value):
    text = f"created: {value}\nlast-modified: {value}"  # a key with '-' goes to the YAML loader
    assert split(f"---\n{text}\n---\n").data == {"created": value, "last-modified": value}
    assert frontmatter._quick(f"created: {value}", 2)[0] == frontmatter._load(f"created: {value}", 2)[0] == {"created": value}


@pytest.mark.parametrize("text, line, col, words", [
    ("---\ntitle: [\n---\n", 3, 1, "invalid YAML"),
    ("---\n- a\n- b\n---\n", 2, 1, "must be a mapping"),
    ("---\njust text\n---\n", 2, 1, "must be a mapping"),
    ("---\ntitle: x\n", 1, 1, "never closed"),
    ("---\na: !!python/object/apply:os.system [ls]\n---\n", 2, 4, "unsupported YAML tag '!!python/object/apply:os.system'"),
    ("---\na: !custom x\n---\n", 2, 4, "unsupported YAML tag '!custom'"),
    ("---\ntitle: a\ntitle: b\n---\n", 3, 1, "duplicate key 'title'"),
    ("---\na: &x [1]\nb: *x\n---\n", 2, 4, "aliases are not allowed"),
])
def test_bad_front_matter_points_at_the_fault(text, line, col, words):
    error = error_of(text)
    assert (error.line, error.col) == (line, col)
    assert words in error.message


def test_billion_laughs_fails_fast():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 30)]
    error = error_of("---\n" + "\n".join(lines) + "\n---\n")
    assert "aliases" in error.message


def test_deep_nesting_fails_without_recursion_error():
    deep = "a: " + "[" * 5000 + "]" * 5000
    error = error_of("---\n" + deep + "\n---\n")
    assert "nest" in error.message


def test_moderate_nesting_limit_is_reported():
    deep = "a: " + "[" * 30 + "]" * 30
    assert "nested more than" in error_of("---\n" + deep + "\n---\n").message


def test_load_yaml_for_config_counts_from_line_one():
    data, positions, _ = load_yaml("title: x\ntimezone: UTC\n")
    assert data["timezone"] == "UTC" and positions["timezone"] == (2, 11)


def test_lines_count_only_newlines_though_yaml_also_breaks_at_u2028_and_nel():
    # YAML counts U+2028, U+2029 and U+0085 as line breaks; an editor, and our line numbers, do not
    with pytest.raises(FrontMatterError) as err:
        split('---\ntitle: "a\u2028b\u2029c"\ntitle: x\n---\nbody')
    assert (err.value.line, err.value.col) == (3, 1)
    with pytest.raises(FrontMatterError) as err:
        split("---\nsummary: \"\u00e9\u0085\u00e9\"\nbad: !!python/name:os.system x\n---\n")
    assert (err.value.line, err.value.col) == (3, 6)
    _, positions, items = load_yaml('a: "x\u2028y"\nb: [1, 2]\n')
    assert positions == {"a": (1, 4), "b": (2, 4)} and items == {"b": ((2, 5), (2, 8))}


# The quick reader (frontmatter._quick) must answer as the YAML loader does whenever it answers.
_KEYS = st.sampled_from(["title", "tags", "a_b", "Title", "x", "yes", "No", "null", "on", "read_time", "_k"])
_CHARS = "ab Zé9 0-1:#,[]{}?'\"&*!|>%@`~.+_=<\t\x85\u2028\u00a0\ufeff"
_WORDS = st.text(alphabet="abZé9 -_.'", max_size=6)
_SCALARS = st.one_of(st.text(alphabet=_CHARS, max_size=12),
                     st.builds(lambda a, c, b: a + c + b, _WORDS, st.sampled_from(_CHARS), _WORDS),
                     st.sampled_from(["yes", "Off", "true", "~", "null", "0", "012", "7", "-3", "1_0", "0x1F", "1.5",
                                      ".inf", "2024-09-17", "12:30", "a: b", "a #b", "a#b", "C#", "...", "---", "<<", "="]))
_NEARLY_PLAIN = st.builds(lambda a, c, b: a + c + b, st.text(alphabet="abZé9 ", min_size=1, max_size=6),
                          st.sampled_from(["", "", *_CHARS]), st.text(alphabet="abZé9 -_.'", max_size=6))
_VALUES = st.one_of(_NEARLY_PLAIN, st.lists(_NEARLY_PLAIN, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"), _SCALARS, st.lists(_SCALARS, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
                    st.lists(_SCALARS, max_size=3).map(lambda xs: "[" + ",".join(xs) + " ]"))


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(_KEYS, _VALUES), min_size=1, max_size=5))
def test_quick_reader_answers_as_the_yaml_loader(pairs):
    text = "\n".join(f"{key}: {value}" for key, value in pairs)
    quick = frontmatter._quick(text, 2)
    try:
        full = frontmatter._load(text, 2)
    except FrontMatterError:
        assert quick is None, text
        return
    assert quick is None or quick == full, text


def test_quick_reader_takes_the_common_shape():
    text = ("title: Vanishing gradient, again\nsummary: It shrinks (a lot) as it flows back; see C# and 50% of cases.\n"
            "tags: [training, deep learning]\ndate: 2025-05-11\nread_time: 4\ndraft: false\nrelated: []\n"
            "link: https://example.org/x?y=1")
    quick = frontmatter._quick(text, 2)
    assert quick is not None and quick == frontmatter._load(text, 2)
    assert quick[0]["tags"] == ["training", "deep learning"] and quick[0]["read_time"] == 4 and quick[0]["draft"] is False


def _split_by_lines(text: str) -> FrontMatter:
    # The definition: every line of the file, the first fence, the first closing line after it.
    lines = text.split("\n")
    if not frontmatter._FENCE.match(lines[0]):
        return FrontMatter(data={}, body=text, body_line=1)
    for i in range(1, len(lines)):
        if frontmatter._CLOSE.match(lines[i]):
            data, positions, items = load_yaml("\n".join(lines[1:i]), first_line=2)
            return FrontMatter(data, positions, items, "\n".join(lines[i + 1:]), i + 2)
    raise FrontMatterError(1, 1, "never closed")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["---", "--- \t", "...", "-- -", "a: 1", "b: [x, y]", "", " ", "text", "# h"]), max_size=8))
def test_split_finds_the_block_as_the_line_by_line_definition(lines):
    text = "\n".join(lines)
    try:
        expected = _split_by_lines(text)
    except FrontMatterError:
        with pytest.raises(FrontMatterError):
            split(text)
        return
    assert split(text) == expected
