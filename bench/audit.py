"""Benchmark the exact disclosure audit alone (pure: no database, no sealed facts).

Two runs, each timed against a baseline measured in the same run — the heuristic suppression
alone (``exact=None``), which is what releases did before the audit:

* ``bureau``: a bureau-wide release, ~500 units (a bureau, 20 stations, 24 teams each) x
  ``--instruments`` instruments x 5 bands, as the release job protects it (public group sizes,
  each band's range of totals, means to one decimal). Prints the seconds with and without the
  audit, the audit's share, the unsafe cells the heuristic alone leaves (as the audit judges
  them) and the cells the audit hides in addition.
* ``trees``: ``--trees`` random trees of up to 40 units and 5 bands with small counts (the
  property test's generator, tests/reports/random_trees.py): unsafe cells before (the heuristic
  alone, judged by the exact audit) and after (must be 0), cells hidden in addition, time. With
  ``--corpus PATH``, ``--keep`` trees the heuristic alone left unsafe (of up to ``--corpus-units``
  units, spread over sizes) are added there (the regression corpus read by
  tests/reports/test_exact_audit.py).
* ``split``: the staff-category split (WELLBEING_REPORT_STAFF_SPLIT) of a bureau of
  ``--stations`` x ``--teams`` teams (5 x 14: 76 units, 10 x 14: 151), against the same release
  unsplit and the heuristic alone.

Run from the repository root:

    PYTHONPATH=. .venv/bin/python bench/audit.py bureau
    PYTHONPATH=. .venv/bin/python bench/audit.py trees --trees 1000
    PYTHONPATH=. .venv/bin/python bench/audit.py split --stations 10 --teams 14   # 151 units
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from tests.reports.random_trees import RANGES, random_tree
from wellbeing.reports.disclosure import ExactAudit, Protection, UnitResults, explain_table

BANDS = ["none", "mild", "moderate", "severe", "extreme"]
STATIONS, TEAMS = 20, 24


def bureau(rng: random.Random, team_size: tuple[int, int]) -> list[UnitResults]:
    """A bureau, its stations and teams; team sizes uniform in ``team_size``, bands skewed to
    the mild end (as in bench/report.py); a few people attached to the bureau itself."""
    units = [_people("BUR", None, rng, rng.randint(0, 6))]
    for s in range(1, STATIONS + 1):
        station = f"ST{s:02}"
        units.append(UnitResults(station, "BUR", {}))
        for t in range(1, TEAMS + 1):
            units.append(_people(f"{station}-T{t:02}", station, rng, rng.randint(*team_size)))
    return units


def _people(code: str, parent: str | None, rng: random.Random, size: int) -> UnitResults:
    counts = dict.fromkeys(BANDS, 0)
    total = 0
    for _ in range(size):
        band = BANDS[min(int(rng.expovariate(1.1)), len(BANDS) - 1)]
        counts[band] += 1
        total += rng.randint(*RANGES[band])
    return UnitResults(code, parent, counts, float(total))


def protect(
    units: list[UnitResults], bands: list[str], k: int, *, exact: bool, public_n: bool
) -> tuple[float, Protection]:
    """Seconds and result of one table's protection, with the audit or without."""
    audit = ExactAudit(band_ranges={b: RANGES[b] for b in bands}) if exact else None
    began = time.perf_counter()
    found = explain_table(units, bands, k, public_n=public_n, mean_decimals=1, exact=audit)
    return time.perf_counter() - began, found


def run_bureau(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    tables = [bureau(rng, (args.team_min, args.team_max)) for _ in range(args.instruments)]
    plain = audited = cpu = 0.0
    before = extra = rounds = 0
    for units in tables:
        seconds, _ = protect(units, BANDS, args.k, exact=False, public_n=True)
        plain += seconds
        began = time.process_time()  # this process's CPU: what other work on the machine leaves
        seconds, found = protect(units, BANDS, args.k, exact=True, public_n=True)
        cpu += time.process_time() - began
        audited += seconds
        assert found.exact is not None
        assert found.exact.given_away == ()
        before += found.exact.unsafe_before
        extra += found.exact.extra_hidden
        rounds += found.exact.rounds
    hidden = sum(_hidden(protect(u, BANDS, args.k, exact=False, public_n=True)[1]) for u in tables)
    print(
        f"bureau: {len(tables[0])} units x {args.instruments} instruments x {len(BANDS)} bands, "
        f"teams of {args.team_min}-{args.team_max}, k={args.k}\n"
        f"  heuristic alone (baseline): {plain:.2f} s; with the exact audit: {audited:.2f} s "
        f"= {audited / plain:.1f}x the baseline ({cpu:.2f} s of CPU); the audit's share "
        f"{1 - plain / audited:.0%}\n"
        f"  unsafe cells the heuristic alone left: {before}; hidden by it: {hidden}; hidden in "
        f"addition by the audit: {extra} (+{extra / max(hidden, 1):.0%}); audit rounds {rounds}"
    )


def run_split(args: argparse.Namespace) -> None:
    """A bureau of ``--stations`` stations of ``--teams`` teams each, every person police (60%),
    auxiliary (30%) or of no category; one instrument, 5 bands, sizes public, means shown: the
    release with the staff split, and without it, each with and without the audit."""
    rng = random.Random(args.seed)
    by_category: dict[str, list[UnitResults]] = {"police": [], "auxiliary": [], "none": []}
    links = [("BUR", None)] + [(f"ST{s:02}", "BUR") for s in range(1, args.stations + 1)]
    links += [
        (f"ST{s:02}-T{t:02}", f"ST{s:02}")
        for s in range(1, args.stations + 1)
        for t in range(1, args.teams + 1)
    ]
    for code, parent in links:
        size = rng.randint(*(args.team_min, args.team_max)) if "-T" in code else rng.randint(0, 4)
        people = {"police": 0, "auxiliary": 0, "none": 0}
        for _ in range(size):
            people[rng.choices(list(people), weights=[6, 3, 1])[0]] += 1
        for category, count in people.items():
            by_category[category].append(_people(code, parent, rng, count))
    units = [
        UnitResults(
            code,
            parent,
            {b: sum(by_category[c][i].bands[b] for c in by_category) for b in BANDS},
            sum(by_category[c][i].total_sum for c in by_category),
        )
        for i, (code, parent) in enumerate(links)
    ]
    split = {c: by_category[c] for c in ("police", "auxiliary")}
    audit = ExactAudit(band_ranges={b: RANGES[b] for b in BANDS})
    times = {}
    for name, exact, categories in [
        ("heuristic, unsplit", None, None),
        ("heuristic, split", None, split),
        ("audit, unsplit", audit, None),
        ("audit, split", audit, split),
    ]:
        began = time.perf_counter()
        found = explain_table(
            units, BANDS, args.k, public_n=True, mean_decimals=1, exact=exact, categories=categories
        )
        times[name] = time.perf_counter() - began
        assert exact is None or (found.exact is not None and found.exact.given_away == ())
    base = times["heuristic, unsplit"]
    print(
        f"split: {len(units)} units ({args.stations} stations x {args.teams} teams of "
        f"{args.team_min}-{args.team_max}), 1 instrument x {len(BANDS)} bands, k={args.k}\n  "
        + "; ".join(f"{name} {sec:.2f} s = {sec / base:.0f}x" for name, sec in times.items())
    )


def _hidden(found: Protection) -> int:
    return sum(
        cell.hidden for row in found.table.rows for cell in (row.n, *row.bands.values())
    ) + sum(row.mean.hidden for row in found.table.rows)


def run_trees(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    before = after = extra = unsafe_trees = hidden_plain = 0
    plain = audited = 0.0
    worst: list[float] = []
    failing: list[dict[str, Any]] = []
    for index in range(args.trees):
        units, bands, k = random_tree(rng)
        public_n = rng.random() < 0.5
        seconds, heuristic = protect(units, bands, k, exact=False, public_n=public_n)
        plain += seconds
        hidden_plain += _hidden(heuristic)
        seconds, found = protect(units, bands, k, exact=True, public_n=public_n)
        audited += seconds
        worst.append(seconds)
        assert found.exact is not None
        before += found.exact.unsafe_before
        extra += found.exact.extra_hidden
        after += len(found.exact.given_away)
        if found.exact.unsafe_before:
            unsafe_trees += 1
            if len(units) <= args.corpus_units:
                failing.append(_case(f"random-{args.seed}-{index}", units, bands, k, public_n))
    print(
        f"trees: {args.trees} random trees (seed {args.seed}), up to 40 units and 5 bands\n"
        f"  unsafe cells before (heuristic alone, judged by the exact audit): {before} in "
        f"{unsafe_trees} trees ({unsafe_trees / args.trees:.1%}); after: {after}\n"
        f"  cells hidden by the heuristic: {hidden_plain}; in addition: {extra} "
        f"(+{extra / max(hidden_plain, 1):.0%})\n"
        f"  time: heuristic alone {plain:.1f} s (baseline), with the audit {audited:.1f} s = "
        f"{audited / plain:.0f}x; per tree median {statistics.median(worst) * 1000:.0f} ms, "
        f"max {max(worst):.2f} s"
    )
    if args.corpus:
        failing.sort(key=lambda case: (len(case["units"]), case["name"]))
        step = max(1, len(failing) // max(args.keep, 1))
        failing = failing[::-1][::step]  # spread over sizes, largest first
        path = Path(args.corpus)
        known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"trees": []}
        names = {case["name"] for case in known["trees"]}
        known["trees"] += [c for c in failing[: args.keep] if c["name"] not in names]
        path.write_text(json.dumps(known, indent=1) + "\n", encoding="utf-8")
        print(f"  corpus: {len(known['trees'])} trees in {path}")


def _case(
    name: str, units: list[UnitResults], bands: list[str], k: int, public_n: bool
) -> dict[str, Any]:
    return {
        "name": name,
        "bands": bands,
        "k": k,
        "public_n": public_n,
        "units": [
            {"code": u.code, "parent": u.parent, "bands": dict(u.bands), "total": u.total_sum}
            for u in units
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", choices=["bureau", "trees", "split"])
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--instruments", type=int, default=15)
    parser.add_argument("--team-min", type=int, default=3)
    parser.add_argument("--team-max", type=int, default=40)
    parser.add_argument("--trees", type=int, default=1000)
    parser.add_argument("--stations", type=int, default=5)
    parser.add_argument("--teams", type=int, default=14)
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--keep", type=int, default=12)
    parser.add_argument("--corpus-units", type=int, default=25)
    args = parser.parse_args()
    {"bureau": run_bureau, "trees": run_trees, "split": run_split}[args.run](args)


if __name__ == "__main__":
    main()
