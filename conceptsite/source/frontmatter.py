"""Split a page into YAML front-matter and body, and load the YAML safely with positions."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

try:  # libyaml is ~10x faster; positions and checks work the same with either.
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

MAX_DEPTH = 20
MAX_DIGITS = 100  # Python refuses to read integers of more than 4300 digits; no front-matter number needs 100
_TOO_DEEP = f"front-matter is nested more than {MAX_DEPTH} levels deep; flatten it"
_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")


class FrontMatterError(Exception):
    """A front-matter problem at a 1-based line and column of the file."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


@dataclass(frozen=True)
class FrontMatter:
    """Front-matter values, where each key's value sits in the file, and the body."""

    data: dict
    positions: dict = field(default_factory=dict)  # key -> (line, col) of its value
    items: dict = field(default_factory=dict)  # key -> ((line, col), ...) of list items
    body: str = ""
    body_line: int = 1  # file line on which the body starts

    def where(self, key: str, index: int | None = None) -> tuple[int, int]:
        """The (line, col) of a key's value, or of one item of a list value."""
        if index is not None and key in self.items and index < len(self.items[key]):
            return self.items[key][index]
        return self.positions.get(key, (1, 1))


class _Loader(_BaseLoader):
    """SafeLoader without implicit dates: dates are checked by the page reader instead."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split(text: str) -> FrontMatter:
    """Separate the front-matter block from the body and parse it."""
    end = text.find("\n")
    if not _FENCE.match(text if end < 0 else text[:end]):
        return FrontMatter(data={}, body=text, body_line=1)
    first = start = end + 1  # the lines are found one by one: the body is never split into lines
    number = 2
    while end >= 0:
        end = text.find("\n", start)
        if _CLOSE.match(text[start:] if end < 0 else text[start:end]):
            data, positions, items = load_yaml(text[first:max(first, start - 1)], first_line=2)
            return FrontMatter(data, positions, items, "" if end < 0 else text[end + 1:], number + 1)
        start, number = end + 1, number + 1
    raise FrontMatterError(1, 1, "front-matter starts with '---' but is never closed; add a '---' line after it")


def load_yaml(text: str, first_line: int = 1) -> tuple[dict, dict, dict]:
    """Load a YAML mapping; return it with positions of each key's value and list items."""
    if not text.strip():
        return {}, {}, {}
    return _quick(text, first_line) or _load(text, first_line)


# Most front-matter is a 'key: value' per line, each value a run of words or a flow list of them.
# Such text is read here directly, ~10x quicker than libyaml composing nodes and PyYAML building
# values from them in Python; anything else (quotes, nesting, comments, anchors, tags, other
# numbers, odd spacing or characters) goes to the YAML loader. Tests hold the two to the same answers.
_QUICK_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): (.*)")
_QUICK_INT = re.compile(r"0|[1-9][0-9]{0,17}")
_NOT_FIRST = frozenset(" -?:,[]{}#&*!|>'\"%@`")  # YAML's indicators, and a space
_NOT_IN_ITEMS = frozenset(":#,[]{}")  # none of these inside a list item (they would end or break it)
_DECLINE = object()


def _quick(text: str, first_line: int) -> tuple[dict, dict, dict] | None:
    """load_yaml's answer for text in the common shape above, or None for the YAML loader to give it."""
    data, positions, items = {}, {}, {}
    for number, line in enumerate(text.split("\n"), first_line):
        match = _QUICK_LINE.fullmatch(line)
        if match is None:
            return None
        key, raw = match.groups()
        if key in data or _plain(key, False) is not key:
            return None
        col = len(key) + 3
        if raw[:1] == "[" and raw[-1:] == "]":
            value, found = _quick_list(raw, number, col)
            if found is None:
                return None
            items[key] = found
        else:
            value = _plain(raw, False)
            if value is _DECLINE:
                return None
        data[key], positions[key] = value, (number, col)
    return data, positions, items


def _quick_list(raw: str, line: int, col: int) -> tuple[list, tuple | None]:
    """A flow list of plain items '[a, b c]' and each item's position; None when it is another shape."""
    if not raw[1:-1].strip(" "):
        return [], ()
    values, places, at = [], [], col + 1
    for part in raw[1:-1].split(","):
        item = part.strip(" ")
        value = _plain(item, True)
        if value is _DECLINE:
            return [], None
        values.append(value)
        places.append((line, at + len(part) - len(part.lstrip(" "))))
        at += len(part) + 1
    return values, tuple(places)


def _plain(text: str, in_list: bool):
    """The value of a plain scalar as YAML resolves it (str, bool, or a small decimal int), or
    _DECLINE when the text is not a plain scalar on its own or resolves to anything else."""
    if (not text or text[0] in _NOT_FIRST or text[-1] == " " or not text.isprintable() or " #" in text
            or (": " in text or text[-1] == ":" if not in_list else not _NOT_IN_ITEMS.isdisjoint(text))):
        return _DECLINE
    for tag, pattern in _Loader.yaml_implicit_resolvers.get(text[0], ()):
        if pattern.match(text):
            if tag == "tag:yaml.org,2002:bool":
                return yaml.constructor.SafeConstructor.bool_values[text.lower()]
            if tag == "tag:yaml.org,2002:int" and _QUICK_INT.fullmatch(text):
                return int(text)
            return _DECLINE
    return text


def _load(text: str, first_line: int) -> tuple[dict, dict, dict]:
    """load_yaml through the YAML loader, with every check."""
    where = _Where(text, first_line)
    node = _compose(text, where)
    if node is None:
        return {}, {}, {}
    if not isinstance(node, yaml.MappingNode):
        line, col = where(node.start_mark)
        raise FrontMatterError(line, col, "front-matter must be a mapping of keys to values")
    _check_tree(node, where)
    try:
        data = _Loader(text).construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _from_yaml_error(exc, where) from None
    except (ValueError, OverflowError) as exc:  # a value _check_tree let through but Python cannot hold
        raise FrontMatterError(first_line, 1, f"invalid YAML value: {exc}") from None
    positions, items = _positions(node, where)
    return data, positions, items


def _compose(text: str, where: _Where):
    loader = _Loader(text)
    first_line = where.first_line
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _from_yaml_error(exc, where) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        at = max(text.find(char), 0)  # libyaml counts bytes, PyYAML characters: find it ourselves
        before = text[:at]
        line, col = first_line + before.count("\n"), at - (before.rfind("\n") + 1) + 1
        raise FrontMatterError(line, col, f"invalid YAML: character U+{ord(char):04X} is not allowed; remove it") from None
    except RecursionError:
        raise FrontMatterError(first_line, 1, _TOO_DEEP) from None
    finally:
        loader.dispose()


def _check_tree(root, where: _Where) -> None:
    """Reject aliases, unknown tags, duplicate keys and deep nesting before building values."""
    seen = {id(root)}
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        line, col = where(node.start_mark)
        if depth > MAX_DEPTH:
            raise FrontMatterError(line, col, _TOO_DEEP)
        _check_tag(node, line, col)
        if node.tag in _NUMBERS and len(node.value) > MAX_DIGITS:
            raise FrontMatterError(line, col, f"number is too long ({len(node.value)} characters); quote it if it is text")
        children = []
        if isinstance(node, yaml.MappingNode):
            _check_duplicates(node, where)
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        for child in children:
            if id(child) in seen:  # the composer shares one node object for every alias
                raise FrontMatterError(*where(child.start_mark), "YAML aliases are not allowed in front-matter")
            seen.add(id(child))
            stack.append((child, depth + 1))


def _check_tag(node, line: int, col: int) -> None:
    tag = node.tag or ""
    if tag.startswith("tag:yaml.org,2002:") and tag.rsplit(":", 1)[1] in _SAFE_TAGS:
        return
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    raise FrontMatterError(line, col, f"unsupported YAML tag '{shown}'; front-matter takes plain values only")


_SAFE_TAGS = {"str", "int", "float", "bool", "null", "seq", "map", "merge"}


def _check_duplicates(node, where: _Where) -> None:
    seen: set = set()
    for key_node, _ in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
        if key in seen:
            line, col = where(key_node.start_mark)
            raise FrontMatterError(line, col, f"duplicate key '{key}'")
        seen.add(key)


def _positions(node, where: _Where) -> tuple[dict, dict]:
    positions, items = {}, {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        positions[key] = where(value_node.start_mark)
        if isinstance(value_node, yaml.SequenceNode):
            items[key] = tuple(where(n.start_mark) for n in value_node.value)
    return positions, items


class _Where:
    """Turns a YAML mark into (line, column) of the file: YAML also breaks lines at CR, U+0085, U+2028
    and U+2029, which are no line breaks to an editor (or to this tool's own line count)."""

    def __init__(self, text: str, first_line: int):
        self.text, self.first_line = text, first_line
        self.plain = not any(c in text for c in _OTHER_BREAKS)
        self.starts: list | None = None  # offset where each YAML line starts, made when first needed

    def __call__(self, mark) -> tuple[int, int]:
        if self.plain:
            return mark.line + self.first_line, mark.column + 1
        if self.starts is None:
            self.starts = [0] + [m.end() for m in _YAML_BREAK.finditer(self.text)]
        offset = self.starts[min(mark.line, len(self.starts) - 1)] + mark.column
        before = self.text[:offset]
        return self.first_line + before.count("\n"), offset - (before.rfind("\n") + 1) + 1


_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
_YAML_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _from_yaml_error(exc: yaml.MarkedYAMLError, where: _Where) -> FrontMatterError:
    first_line = where.first_line
    mark = exc.problem_mark or exc.context_mark
    line, col = where(mark) if mark else (first_line, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    if "maximum nesting depth" in problem:  # libyaml's own limit, far above ours
        return FrontMatterError(line, col, _TOO_DEEP)
    return FrontMatterError(line, col, f"invalid YAML: {problem}")


def decode(raw: bytes) -> str:
    """Bytes to text with LF endings and no BOM; raises UnicodeDecodeError."""
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (both from 1, the column in bytes) of a byte offset."""
    before = raw[:offset]
    return before.count(b"\n") + 1, offset - (before.rfind(b"\n") + 1) + 1
