"""``based_on``: which sources draw on which, without a circle.

Codes:

- `unknown-based-on` (error): an id in a source's `based_on` names no source
  (with a did-you-mean).
- `based-on-cycle` (error): sources that draw on each other in a circle; one
  error per circle, naming it (`a -> b -> a`), at the first source's link.

`based_on` says a source is not independent of another (see `rules.independent`
and docs/store-format.md): a circle would make two sources each other's origin,
which no real publication history can be.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..models import Source
from ..problems import Problem
from ..schema_messages import unknown_reference
from .base import CheckInput


def unknown_based_on(check: CheckInput) -> Iterator[Problem]:
    """Every id in a ``based_on`` names a source."""
    store = check.store
    source_ids = list(store.sources)
    for source in store.sources.values():
        file, loc = check.origins[("source", source.id)]
        for index, target in enumerate(source.based_on):
            if target not in store.sources and ("source", target) not in check.broken:
                message = unknown_reference("source", target, source_ids, "sources").replace(
                    "unknown source", f"source {source.id!r} is based on an unknown source", 1
                )
                yield file.problem(
                    (*loc, "based_on", index), message, code="unknown-based-on", source=source.id
                )


def based_on_cycle(check: CheckInput) -> Iterator[Problem]:
    """No source draws on itself through any chain (``a -> b -> a``): one error per cycle."""
    store = check.store
    for cycle in based_on_cycles(store.sources):
        first = store.sources[cycle[0]]
        file, loc = check.origins[("source", first.id)]
        index = first.based_on.index(cycle[1])
        path = " -> ".join(cycle)
        yield file.problem(
            (*loc, "based_on", index),
            f"based_on cycle: {path}; a source cannot draw on itself, even through others: "
            "remove one of these links",
            code="based-on-cycle",
            source=first.id,
        )


def based_on_cycles(sources: Mapping[str, Source]) -> list[list[str]]:
    """One cycle of ``based_on`` links per strongly connected group of sources
    that draw on each other, as ``[a, b, ..., a]``: it starts at the group's
    first source in store order and takes the shortest way back to it."""
    order = {source_id: i for i, source_id in enumerate(sources)}
    edges = {sid: [t for t in s.based_on if t in sources] for sid, s in sources.items()}
    cycles = []
    for group in _strongly_connected(list(sources), edges):
        start = min(group, key=order.__getitem__)
        if len(group) == 1 and start not in edges[start]:
            continue
        members = set(group)
        # Breadth first from start's successors back to start: the shortest cycle.
        parent: dict[str, str] = {}
        queue = [start]
        found = False
        while queue and not found:
            following = []
            for node in queue:
                for target in edges[node]:
                    if target not in members:
                        continue
                    if target == start:
                        parent[start] = node
                        found = True
                        break
                    if target not in parent:
                        parent[target] = node
                        following.append(target)
                if found:
                    break
            queue = following
        path = [start]
        node = parent[start]
        while node != start:
            path.append(node)
            node = parent[node]
        path.append(start)
        path.reverse()
        cycles.append(path)
    cycles.sort(key=lambda c: order[c[0]])
    return cycles


def _strongly_connected(nodes: list[str], edges: Mapping[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges[node]
            while next_edge < len(targets):
                target = targets[next_edge]
                next_edge += 1
                if target not in index:
                    work.append((node, next_edge))
                    work.append((target, 0))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    groups.append(group)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return groups
