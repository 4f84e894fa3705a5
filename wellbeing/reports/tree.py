"""The unit tree of a report as indexes in a fixed order (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from wellbeing.reports.cells import Tree


class DisclosureError(ValueError):
    """The input to disclosure control is unusable (bad threshold, bands or tree)."""


def build_tree(links: Sequence[tuple[str, str | None]]) -> Tree:
    """Units in pre-order with children sorted by code, from (code, parent code) pairs.

    Roots are units without a parent; every parent must be one of the units; cycles are refused.
    """
    codes = [code for code, _ in links]
    if len(set(codes)) != len(codes):
        raise DisclosureError("unit codes must be unique")
    known = set(codes)
    children: dict[str | None, list[str]] = {}
    for code, parent in links:
        if parent is not None and parent not in known:
            raise DisclosureError(f"unit {code!r} has an unknown parent {parent!r}")
        children.setdefault(parent, []).append(code)
    order: list[str] = []
    stack = sorted(children.get(None, []), reverse=True)
    while stack:
        code = stack.pop()
        order.append(code)
        stack.extend(sorted(children.get(code, []), reverse=True))
    if len(order) != len(codes):
        raise DisclosureError("the unit tree has a cycle")
    position = {code: index for index, code in enumerate(order)}
    parent_of = dict(links)
    parents = tuple(_position_of(parent_of[code], position) for code in order)
    return Tree(
        codes=tuple(order),
        parents=parents,
        children=tuple(
            tuple(position[child] for child in sorted(children.get(code, []))) for code in order
        ),
    )


def _position_of(code: str | None, position: dict[str, int]) -> int | None:
    return None if code is None else position[code]
