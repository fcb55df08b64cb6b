"""The data files other tools read: `concepts.json` (every concept with its definition, summary, tags
and typed edges, for previews and other tools) and `graph.json` (every page and edge).

Both hold one item per line, each encoded by the C encoder: an indented whole-document encode
runs in pure Python (~1.5 s at 10,000 concepts), and a line per item lets the CLI's fast lane
replace one page's line (patch_line) instead of encoding the file again."""
from __future__ import annotations

import json
from itertools import repeat

from conceptsite.graph.model import EDGE_KINDS, Graph

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def concepts_json(graph: Graph) -> bytes:
    """The export, concepts A-Z; URLs are site-relative ('concepts/relu/') so the site can live under any path."""
    head = '{"version":1,"edge_kinds":' + _ENCODE(list(EDGE_KINDS)) + ',"concepts":['
    return (head + _lines(map(_concept, graph.concepts, repeat(graph))) + "]}\n").encode("utf-8")


def _concept(url: str, graph: Graph) -> dict:
    page = graph.pages[url]
    edges = {kind: list(graph.targets(url, kind)) for kind in EDGE_KINDS if graph.targets(url, kind)}
    return {"url": url, "title": page.title, "definition": page.definition, "summary": page.summary,
            "tags": list(page.tags), "aliases": [f"concepts/{ref.target}/" for ref in page.aliases],
            "edges": edges, "read_first": list(graph.learning_path(url))}


def graph_json(graph: Graph) -> bytes:
    """Nodes and typed edges of the whole site, for other tools."""
    # Generators, not lists: one small dict at a time (the watch server remakes these beside a whole site)
    nodes = ({"id": url, "url": "/" + url, "title": p.title, "summary": p.summary,
              "tags": list(p.tags), "kind": p.kind} for url, p in graph.pages.items())
    # Edges are most of the lines; made from their three encoded strings, the same text as _ENCODE
    # of the dict, without a dict and an encoder call each (tests/test_export.py compares them).
    edges = "\n" + ",\n".join(_EDGE % (_STRING(e.source), _STRING(e.target), _STRING(e.kind)) for e in graph.edges) + "\n"
    return ('{"nodes":[' + _lines(nodes) + '],"edges":[' + (edges if graph.edges else "") + "]}\n").encode("utf-8")


_STRING = json.encoder.encode_basestring  # a JSON string as the encoder writes it with ensure_ascii=False
_EDGE = '{"source":%s,"target":%s,"kind":%s}'


def _lines(items) -> str:
    text = ",\n".join(map(_ENCODE, items))
    return "\n" + text + "\n" if text else ""


def patch_line(data: bytes, key: str, value: str, fields: dict) -> bytes | None:
    """One of these files with some fields of the item whose `key` (its first) is `value` replaced;
    None when there is no such line (the caller then makes the file the usual way)."""
    start = ("\n{" + _ENCODE({key: value})[1:-1] + ",").encode("utf-8")
    at = data.find(start)
    if at < 0:
        return None
    end = data.index(b"\n", at + 1)
    line = data[at + 1:end].decode("utf-8")
    comma = "," if line.endswith(",") else ""
    new = _ENCODE({**json.loads(line.removesuffix(",")), **fields}) + comma
    return data[:at + 1] + new.encode("utf-8") + data[end:]
