"""A small trend chart as inline SVG markup: no script, no style attribute (CSP-safe).

Every text placed in the markup is escaped; numbers are formatted here, never passed through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 160
LEFT, RIGHT, TOP, BOTTOM = 36, 14, 12, 28


@dataclass(frozen=True)
class Point:
    """One result: a short date label, the score, and the band's label."""

    when: str
    value: float
    band: str


def _x(index: int, count: int) -> float:
    if count == 1:
        return (LEFT + WIDTH - RIGHT) / 2
    return LEFT + index * (WIDTH - LEFT - RIGHT) / (count - 1)


def _y(value: float, low: float, high: float) -> float:
    span = (high - low) or 1
    clipped = min(max(value, low), high)
    return TOP + (high - clipped) / span * (HEIGHT - TOP - BOTTOM)


def _number(value: float) -> str:
    return f"{value:g}"


def trend_svg(points: Sequence[Point], low: float, high: float, title: str) -> Markup:
    """A line of scores over time between `low` and `high`, each point titled with its band."""
    count = len(points)
    coords = [(_x(i, count), _y(p.value, low, high)) for i, p in enumerate(points)]
    base = HEIGHT - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="trend" role="img" data-points="{count}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#9aa7b4" stroke-width="1"/>',
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#9aa7b4" '
        'stroke-width="1"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11" fill="#5b6875">'
        f"{escape(_number(high))}</text>",
        f'<text x="{LEFT - 6}" y="{base}" text-anchor="end" font-size="11" fill="#5b6875">'
        f"{escape(_number(low))}</text>",
    ]
    if count > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#1f4e79" stroke-width="2"/>')
    for point, (x, y) in zip(points, coords, strict=True):
        label = f"{point.when}: {_number(point.value)} {point.band}"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1f4e79">'
            f"<title>{escape(label)}</title></circle>"
        )
    if points:
        for index in sorted({0, count - 1}):
            anchor = "start" if index == 0 and count > 1 else "end" if count > 1 else "middle"
            parts.append(
                f'<text x="{coords[index][0]:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" '
                f'font-size="11" fill="#5b6875">{escape(points[index].when)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every inserted text is escaped above
