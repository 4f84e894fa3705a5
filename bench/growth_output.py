"""Output of bench/growth.py: markdown tables and log-x PNG plots (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

Row = tuple[float, ...]
HEADER = """# Growth runs

Written by `bench/growth.py` (issue 20.6), one table per series and run, appended. `base/ours` is
the baseline's time over ours in the same run: our throughput as a share of the baseline's
(higher is better; submit: the raw-insert endpoint, report: the plain GROUP BY, rotate: the raw
psycopg floor on PostgreSQL). The plots beside this file show the latest run of each series.
"""


def table(heads: list[str], rows: list[Row]) -> list[str]:
    """A markdown table; the first column as a count, ratios with two decimals."""
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for row in rows:
        cells = [f"{row[0]:,.0f}"]
        cells += [cell(h, v) for h, v in zip(heads[1:], row[1:], strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def cell(head: str, value: float) -> str:
    """A ratio with two decimals, other figures with three significant digits or whole."""
    if head == "base/ours":
        return f"{value:.2f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def plot(name: str, rows: list[Row], heads: list[str], labels: tuple[str, str], path: Path) -> None:
    """Ours and the baseline against the size, log-x (symlog when a size is 0)."""
    figure, axes = plt.subplots(figsize=(6, 4))
    sizes = [row[0] for row in rows]
    for column, style in ((1, "o-"), (3 if name == "submit" else 2, "s--")):
        axes.plot(sizes, [row[column] for row in rows], style, label=heads[column])
    if name == "submit":
        axes.plot(sizes, [row[2] for row in rows], "o:", label="pipeline p99 ms")
        axes.set_xscale("symlog", linthresh=max(min(s for s in sizes if s) / 2, 1))
    else:
        axes.set_xscale("log")
        axes.set_yscale("log")
    axes.set_xlabel(labels[0])
    axes.set_ylabel(labels[1])
    axes.set_title(f"{name}: growth with data size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
