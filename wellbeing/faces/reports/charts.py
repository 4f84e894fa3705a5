"""Report charts as inline SVG: no script, no style attribute (CSP), presentation attributes only.

Stacked bars show each unit's shown band counts as shares of its ``n``; what is hidden is one
grey segment (its size, n minus the shown bands, follows from shown figures anyway). Trend lines
plot each band's share per closed wave, only where both the band and ``n`` are shown. Every text
put in the markup is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#2e7d32", "#9e9d24", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a", "#283593")
HIDDEN_FILL = "#b0bec5"
AXIS = "#9aa7b4"
INK = "#5b6875"
WIDTH = 320
LABEL_W, BAR_H, GAP = 96, 18, 8


def band_colour(index: int) -> str:
    """The colour of the index-th band (also used by the PDF)."""
    return PALETTE[index % len(PALETTE)]


@dataclass(frozen=True)
class Bar:
    """One unit's bar: a label, ``n`` (None when hidden) and shown band counts (None: hidden)."""

    label: str
    n: int | None
    counts: Sequence[int | None]


def stacked_bars(
    bars: Sequence[Bar], band_labels: Sequence[str], title: str, hidden: str
) -> Markup:
    """Horizontal 100 % bars, one per unit, with a legend of bands and the hidden segment."""
    legend_rows = (len(band_labels) + 2) // 2
    height = len(bars) * (BAR_H + GAP) + legend_rows * 16 + 12
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="bars" role="img" data-bars="{len(bars)}">',
        f"<title>{escape(title)}</title>",
    ]
    for row, bar in enumerate(bars):
        parts.extend(_bar(bar, row * (BAR_H + GAP), hidden))
    top = len(bars) * (BAR_H + GAP) + 4
    legend = [*band_labels, hidden]
    for index, label in enumerate(legend):
        x, y = (index % 2) * (WIDTH // 2), top + (index // 2) * 16
        fill = HIDDEN_FILL if index == len(band_labels) else band_colour(index)
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{fill}"/>')
        parts.append(
            f'<text x="{x + 14}" y="{y + 9}" font-size="10" fill="{INK}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every inserted text is escaped above


def _bar(bar: Bar, y: int, hidden: str) -> list[str]:
    span = WIDTH - LABEL_W
    label = (
        f'<text x="{LABEL_W - 4}" y="{y + 13}" text-anchor="end" font-size="11" '
        f'fill="{INK}">{escape(_short(bar.label))}<title>{escape(bar.label)}</title></text>'
    )
    if not bar.n:
        fill = HIDDEN_FILL if bar.n is None else "none"
        return [
            label,
            f'<rect x="{LABEL_W}" y="{y}" width="{span}" height="{BAR_H}" fill="{fill}" '
            f'stroke="{AXIS}" stroke-width="0.5"><title>{escape(hidden)}</title></rect>',
        ]
    shown = [count or 0 for count in bar.counts]
    scale = span / max(bar.n, sum(shown))
    parts, x = [label], float(LABEL_W)
    for index, count in enumerate(shown):
        if count:
            width = count * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_H}" '
                f'fill="{band_colour(index)}"><title>{count}</title></rect>'
            )
            x += width
    if LABEL_W + span - x > 0.05:
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{LABEL_W + span - x:.1f}" height="{BAR_H}" '
            f'fill="{HIDDEN_FILL}"><title>{escape(hidden)}</title></rect>'
        )
    return parts


def _short(label: str, limit: int = 9) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


@dataclass(frozen=True)
class Series:
    """One band's shares (0..1, None where hidden) across waves."""

    label: str
    shares: Sequence[float | None]


def trend_lines(waves: Sequence[str], series: Sequence[Series], title: str) -> Markup:
    """Lines of band shares over waves (0-100 %), a gap wherever a value is hidden."""
    left, right, top, bottom, height = 34, 10, 10, 24, 170
    plot_h = height - top - bottom
    count = len(waves)

    def x_at(index: int) -> float:
        return (
            (left + WIDTH - right) / 2
            if count == 1
            else left + index * (WIDTH - left - right) / (count - 1)
        )

    def y_at(share: float) -> float:
        return top + (1 - share) * plot_h

    base = height - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="trend" role="img" data-waves="{count}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="{AXIS}"/>',
        f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="{AXIS}"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="10" '
        f'fill="{INK}">100%</text>',
        f'<text x="{left - 4}" y="{base}" text-anchor="end" font-size="10" fill="{INK}">0%</text>',
    ]
    for index, line in enumerate(series):
        colour = band_colour(index)
        points = [(x_at(i), y_at(s)) for i, s in enumerate(line.shares) if s is not None]
        if len(points) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for (x, y), share in zip(points, [s for s in line.shares if s is not None], strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(line.label)}: {share:.0%}</title></circle>"
            )
    for index, label in enumerate(waves):
        anchor = "middle" if count == 1 else "start" if index == 0 else "end"
        if count > 2 and 0 < index < count - 1:
            continue
        parts.append(
            f'<text x="{x_at(index):.1f}" y="{height - 8}" text-anchor="{anchor}" '
            f'font-size="10" fill="{INK}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every inserted text is escaped above
