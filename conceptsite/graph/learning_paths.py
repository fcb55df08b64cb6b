"""Learning paths: every page's prerequisites in reading order, and prerequisite cycles as errors."""
from __future__ import annotations

import heapq
from collections import defaultdict

from conceptsite.diagnostics import Report


def learning_paths(outgoing: dict, by_url: dict, positions: dict, report: Report) -> dict:
    """Every page's prerequisites, transitively, in one topological order (ties A-Z); cycles are errors."""
    needs = {u: kinds["prerequisites"] for u, kinds in outgoing.items() if kinds.get("prerequisites")}
    key = lambda url: (by_url[url].title.casefold(), url)  # noqa: E731 - a sort key
    order = _topological(needs, key)
    stuck = set(needs).union(*needs.values()) - set(order)
    if stuck:
        _report_cycles(needs, stuck, by_url, positions, report, key)
    rank = {url: i for i, url in enumerate(order)}
    ancestors: dict = {}
    for url in order:  # prerequisites come first in `order`, so their ancestors are known
        found = set()
        for target in needs.get(url, ()):
            found.add(target)
            found |= ancestors[target]
        ancestors[url] = found
    return {url: tuple(sorted(found, key=rank.__getitem__)) for url, found in ancestors.items() if found}


def _topological(needs: dict, key) -> list:
    """Kahn's algorithm with a heap, so among ready pages the A-Z first is read first; cycles are left out."""
    waiting = {url: len(targets) for url, targets in needs.items()}
    needed_by = defaultdict(list)
    for url, targets in needs.items():
        for target in targets:
            needed_by[target].append(url)
            waiting.setdefault(target, 0)
    ready = [key(url) for url, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        url = heapq.heappop(ready)[1]
        order.append(url)
        for later in needed_by[url]:
            waiting[later] -= 1
            if waiting[later] == 0:
                heapq.heappush(ready, key(later))
    return order


def _report_cycles(needs: dict, stuck: set, by_url: dict, positions: dict, report: Report, key) -> None:
    """One error per cycle, at its first edge, naming every page on it and where each edge is written."""
    for component in sorted((sorted(c, key=key) for c in _components(needs, stuck)), key=lambda c: key(c[0])):
        cycle = _cycle_through(component[0], needs, set(component))
        places = [(by_url[a].source.shown, *positions[(a, b, "prerequisites")]) for a, b in zip(cycle, cycle[1:])]
        names = " → ".join(by_url[url].slug for url in cycle)
        where = ", ".join(f"{path}:{line}:{col}" for path, line, col in places)
        report.error(*places[0], f"prerequisite cycle: {names} (edges at {where})")


def _components(graph: dict, nodes: set) -> list:
    """Strongly connected components of more than one node (Tarjan's algorithm, without recursion)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for root in sorted(nodes):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(graph.get(root, ())))]
        while work:
            node, targets = work[-1]
            for nxt in targets:
                if nxt not in nodes:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while not component or component[-1] != node:
                        component.append(stack.pop())
                        on_stack.discard(component[-1])
                    if len(component) > 1:
                        found.append(component)
    return found


def _cycle_through(start: str, graph: dict, within: set) -> list:
    """The shortest cycle from start back to start inside one component (breadth first)."""
    parent = {start: None}
    queue = [start]
    for node in queue:
        for nxt in graph.get(node, ()):
            if nxt == start:
                path = [node]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if nxt in within and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return [start, start]  # unreachable for a real component
