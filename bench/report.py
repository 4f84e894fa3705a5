"""Benchmark the release job and the leader's page against a plain SQL GROUP BY over the facts.

Facts are sealed at rest (wellbeing/facts/): only the release job opens them, and a leader's
page reads the stored release alone. This generates ~500 units (a bureau, 20 stations, 24 teams
each), one officer per respondent with assignments for 8 closed waves, and 1,000,000 facts
(PHQ-9 and GAD-7), each sealed with ``Fact.result.seal`` under an in-memory bench keyring made
for the run, then bulk-inserted (COPY on PostgreSQL, executemany on SQLite). Then, per wave,
it times (the median of ``--repeat`` runs each)

* the release job: ``publish_closed_wave`` — opening every fact of the wave, counting per unit
  and band, disclosure control (primary and complementary suppression) over the whole tree for
  each instrument, and storing the releases, their sealed reasons and audit entries (flushed,
  not committed). Each run's transaction is rolled back afterwards, so the next run finds no
  release, except the last run's, which is committed (untimed) for the page below to read;
* ``count_facts`` alone for both instruments: the cost of opening the sealed facts, so the
  release job's time splits into opening facts and the rest (disclosure control, storing);
* the exact audit's share: disclosure control over the same counts with the audit and with the
  heuristic alone in ``--repeat`` alternated rounds, the cyclic collector paused as in the
  release job (the difference of the medians is the audit's seconds; printed with
  their share of the release job, the unsafe cells the heuristic alone leaves, the cells the
  audit hides in addition);
* the leader's page: ``wave_participation`` and ``build_unit_report`` for the bureau, from the
  stored release;
* the baseline: the plain ``SELECT unit_id, instrument_id, count(*) … GROUP BY unit_id,
  instrument_id`` of the wave's facts (what the plain columns alone give), every row fetched.
  Like with like: the bureau's page covers every unit, as the GROUP BY does, over the same wave
  (the page also counts the wave's assignments for participation, which the baseline does not).
  Page and GROUP BY run in ``--page-repeat`` alternated rounds after one untimed run of each.

and prints per wave and medians: the page / GROUP BY ratio, the release job's and count_facts'
seconds, facts opened per second; the most memory one page allocates at once (tracemalloc) and
the process's peak RSS; and last ``RATIO report <GROUP BY time / page time>`` (the median over
the waves; higher is better, the aim of issue 20.5 is >= 0.667, i.e. the page within 1.5x). It
checks that count_facts opened every fact and that the rolled-back runs left nothing: one
release per wave and instrument is stored, with its sealed reasons and one audit entry. Issue
20.5's two cases are ``--waves 8`` (125k facts a wave) and ``--waves 1`` (1M facts in one wave).
Run from the repository root:

    PYTHONPATH=. .venv/bin/python bench/report.py                       # temp SQLite file
    PYTHONPATH=. .venv/bin/python bench/report.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/wb_bench_report

(``--facts 20000 --waves 2 --repeat 1`` makes a quick check.) A PostgreSQL database named in the
URL is created first and dropped afterwards (it must not exist already; the shared ``test``
database is refused).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from wellbeing.audit.models import AuditEntry
from wellbeing.core.db import make_engine, new_id
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.crypto import new_keyring
from wellbeing.facts.models import Fact, ReleaseReasons
from wellbeing.facts.service import count_facts
from wellbeing.instruments import Catalogue, load_catalogue, questionnaire_dirs
from wellbeing.org.models import Unit, User
from wellbeing.releases.publish import publish_closed_wave
from wellbeing.reports.aggregate import load_units
from wellbeing.reports.disclosure import ExactAudit, explain_table
from wellbeing.reports.models import Release
from wellbeing.reports.release import band_ranges
from wellbeing.reports.report import build_unit_report
from wellbeing.reports.waves import WaveInfo
from wellbeing.screening.models import Assignment, Campaign, Wave
from wellbeing.screening.reporting import visible_waves, wave_participation
from wellbeing.sealing.columns import set_active_keyring

INSTRUMENTS = ("phq9", "gad7")
STATIONS, TEAMS = 20, 24
BATCH = 20_000
RESPONSE_RATE = 0.9


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def scratch_engine(url: str | None) -> Iterator[Engine]:
    """A temp SQLite file, or a PostgreSQL database created for the run and dropped after."""
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(url or f"sqlite:///{Path(folder) / 'bench.db'}")
            yield engine
            engine.dispose()
        return
    server, name = url.rsplit("/", 1)
    if name in {"test", "postgres", ""}:
        raise SystemExit(f"refusing to use the database {name!r}; name a scratch database")
    admin = make_engine(f"{server}/postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def add_units(session: Session) -> list[int]:
    """The bureau, its stations and their teams; returns the team ids (where officers work)."""
    bureau = Unit(code="BUR", name_zh="局", name_en="Bureau", path="")
    session.add(bureau)
    session.flush()
    bureau.path = f"/{bureau.id}/"
    teams = []
    for s in range(1, STATIONS + 1):
        station = Unit(code=f"ST{s:02}", name_zh=f"所{s}", name_en=f"Station {s}", path="")
        station.parent_id = bureau.id
        session.add(station)
        session.flush()
        station.path = f"{bureau.path}{station.id}/"
        for t in range(1, TEAMS + 1):
            team = Unit(code=f"ST{s:02}-T{t:02}", name_zh=f"队{t}", name_en=f"Team {t}", path="")
            team.parent_id = station.id
            session.add(team)
            session.flush()
            team.path = f"{station.path}{team.id}/"
            teams.append(team.id)
    return [bureau.id, *teams]


def bulk(engine: Engine, table: Any, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """Insert rows in batches: COPY on PostgreSQL, executemany elsewhere."""
    count = 0
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            count += _flush(engine, table, columns, batch)
            batch = []
    if batch:
        count += _flush(engine, table, columns, batch)
    return count


def _flush(engine: Engine, table: Any, columns: list[str], batch: list[tuple[Any, ...]]) -> int:
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            names = ", ".join(f'"{c}"' for c in columns)
            with cursor.copy(f"COPY {table.__tablename__} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                # write_row adapts each value (bytes as escaped bytea), so sealed values go in as is
                for row in batch:
                    copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
    else:
        with engine.begin() as connection:
            connection.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in batch])
    return len(batch)


def generate(engine: Engine, facts: int, waves: int, seed: int) -> tuple[int, int]:
    """Units, officers, a campaign of closed waves, assignments and facts."""
    rng = random.Random(seed)
    catalogue = load_catalogue(questionnaire_dirs(""))
    bands = {i: [(b.id, b.range) for b in catalogue.get(i).bands] for i in INSTRUMENTS}
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        units = add_units(session)
        campaign = Campaign(
            name="bench",
            unit_id=units[0],
            instruments=list(INSTRUMENTS),
            opens_at=start,
            closes_at=start + timedelta(days=14),
            every_months=1,
        )
        session.add(campaign)
        session.flush()
        for seq in range(1, waves + 1):
            opens = start + timedelta(days=30 * (seq - 1))
            session.add(
                Wave(
                    campaign_id=campaign.id,
                    seq=seq,
                    name=f"wave {seq}",
                    opens_at=opens,
                    closes_at=opens + timedelta(days=14),
                    state="closed",
                )
            )
    respondents = facts // (waves * len(INSTRUMENTS))
    officers = int(respondents / RESPONSE_RATE) + 1
    now = datetime.now(UTC)
    homes = [units[0] if i % 50 == 0 else rng.choice(units[1:]) for i in range(officers)]
    bulk(
        engine,
        User,
        ["username", "display_name", "unit_id", "locale", "active", "created_at"],
        ((f"o{i}", f"o{i}", homes[i], "zh_CN", True, now) for i in range(officers)),
    )
    with engine.connect() as connection:
        officer_ids = list(connection.scalars(select(User.id).order_by(User.id)))
        wave_ids = list(connection.scalars(select(Wave.id).order_by(Wave.seq)))
    made = 0
    for wave_id in wave_ids:
        chosen = set(rng.sample(range(officers), respondents))
        statuses = ["submitted" if i in chosen else "expired" for i in range(officers)]
        bulk(
            engine,
            Assignment,
            [
                "officer_id",
                "unit_id",
                "wave_id",
                "instruments",
                "done",
                "opens_at",
                "closes_at",
                "status",
                "notices_sent",
            ],
            (
                (
                    officer_ids[i],
                    homes[i],
                    wave_id,
                    json.dumps(INSTRUMENTS),
                    "[]",
                    start,
                    start,
                    statuses[i],
                    1,
                )
                for i in range(officers)
            ),
        )
        made += bulk(
            engine,
            Fact,
            ["id", "unit_id", "wave_id", "instrument_id", "result_sealed"],
            (
                _fact(rng, bands, homes[i], wave_id, instrument)
                for i in sorted(chosen)
                for instrument in INSTRUMENTS
            ),
        )
    return officers, made


def _fact(
    rng: random.Random, bands: dict[str, Any], unit: int, wave: int, instrument: str
) -> tuple[Any, ...]:
    options = bands[instrument]
    index = min(int(rng.expovariate(1.1)), len(options) - 1)  # most people in the mild bands
    band, (low, high) = options[index]
    fact_id = new_id()
    result = {"band": band, "total": float(rng.randint(low, high))}
    return (fact_id, unit, wave, instrument, Fact.result.seal(result, record_id=fact_id))


def time_it(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median wall time of ``repeat`` runs, and what the last run returned."""
    times = []
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def plain_group_by(engine: Engine, wave_id: int) -> tuple[int, int]:
    """The plain GROUP BY of one wave's facts, every row fetched: (rows, facts counted)."""
    query = (
        select(Fact.unit_id, Fact.instrument_id, func.count())
        .where(Fact.wave_id == wave_id)
        .group_by(Fact.unit_id, Fact.instrument_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return len(rows), sum(count for _unit, _instrument, count in rows)


def release_job(engine: Engine, catalogue: Catalogue, wave: WaveInfo, k: int, keep: bool) -> float:
    """Seconds of ``publish_closed_wave`` for a wave with no release (flushed, not committed);
    the transaction is then rolled back, or committed (untimed) when ``keep``."""
    with Session(engine) as session:
        session.begin()
        began = time.perf_counter()
        stored = publish_closed_wave(session, catalogue, wave.id, k, None)
        seconds = time.perf_counter() - began
        if len(stored) != len(INSTRUMENTS):
            raise SystemExit(f"wave {wave.seq}: {len(stored)} releases stored, not one each")
        if keep:
            session.commit()
        else:
            session.rollback()
    return seconds


def open_facts(engine: Engine, wave: WaveInfo) -> int:
    """``count_facts`` for each instrument of the wave (opening every fact); facts counted."""
    with Session(engine) as session:
        counted = 0
        for instrument in INSTRUMENTS:
            counts = count_facts(session, wave.id, instrument)
            counted += sum(n for cells in counts.cells.values() for n, _total in cells.values())
        return counted


def page_against_plain(
    engine: Engine, catalogue: Catalogue, wave: WaveInfo, k: int, repeat: int
) -> tuple[float, float, int]:
    """The median seconds of the leader's page and of the plain GROUP BY, in alternated rounds
    (page first in even rounds, GROUP BY first in odd ones) after one untimed run of each, so
    both meet the same cache and the same load; and the page's number of lines."""
    lines = leader_page(engine, catalogue, wave, k)
    plain_group_by(engine, wave.id)
    timed: dict[str, list[float]] = {"page": [], "plain": []}
    runs: dict[str, Callable[[], Any]] = {
        "page": lambda: leader_page(engine, catalogue, wave, k),
        "plain": lambda: plain_group_by(engine, wave.id),
    }
    for round_ in range(repeat):
        for name in ("page", "plain") if round_ % 2 == 0 else ("plain", "page"):
            began = time.perf_counter()
            runs[name]()
            timed[name].append(time.perf_counter() - began)
    return statistics.median(timed["page"]), statistics.median(timed["plain"]), lines


def page_memory(engine: Engine, catalogue: Catalogue, wave: WaveInfo, k: int) -> float:
    """The most memory (MB) one leader's page has allocated at once (tracemalloc; untimed)."""
    tracemalloc.start()
    try:
        leader_page(engine, catalogue, wave, k)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def leader_page(engine: Engine, catalogue: Catalogue, wave: WaveInfo, k: int) -> int:
    """The bureau leader's page of one wave, from the stored release and the participation
    counts; its number of lines."""
    with Session(engine) as session, session.begin():
        participation = wave_participation(session, [wave.id])[wave.id]
        report = build_unit_report(session, catalogue, "BUR", wave, participation, k, None)
        if report.pending:
            raise SystemExit(f"wave {wave.seq}: no stored release to read")
        return len(report.lines)


def audit_cost(
    engine: Engine, catalogue: Catalogue, wave: WaveInfo, k: int, rounds: int
) -> tuple[float, int, int]:
    """The exact audit's seconds within a release of the wave (disclosure control with the audit
    minus the heuristic alone, over the same counts, both instruments; the median of `rounds`
    alternated rounds of each), the unsafe cells the heuristic alone leaves and the cells the
    audit hides in addition."""
    with Session(engine) as session:
        units = load_units(session)
        counts = {i: count_facts(session, wave.id, i) for i in INSTRUMENTS}
    seconds, unsafe, extra = 0.0, 0, 0
    for instrument in INSTRUMENTS:
        definition = catalogue.get(instrument)
        bands = [band.id for band in definition.bands]
        results = counts[instrument].unit_results(units, bands)
        audit = ExactAudit(band_ranges=band_ranges(definition))
        timed: tuple[list[float], list[float]] = ([], [])
        gc.disable()  # as compute_release runs disclosure control, so the share is of like work
        try:
            for _round in range(rounds):
                for side, exact in enumerate((None, audit)):
                    began = time.perf_counter()
                    found = explain_table(
                        results, bands, k, public_n=True, mean_decimals=1, exact=exact
                    )
                    timed[side].append(time.perf_counter() - began)
        finally:
            gc.enable()
        seconds += statistics.median(timed[1]) - statistics.median(timed[0])
        if found.exact is not None:
            unsafe += found.exact.unsafe_before
            extra += found.exact.extra_hidden
    return seconds, unsafe, extra


def check_stored(engine: Engine, waves: int) -> None:
    """Exactly the kept runs are stored: one release per wave and instrument, each with its
    sealed reasons and one audit entry (the timed runs that were rolled back left nothing)."""
    expected = waves * len(INSTRUMENTS)
    with engine.connect() as connection:
        found = [
            connection.scalar(select(func.count()).select_from(Release)),
            connection.scalar(select(func.count()).select_from(ReleaseReasons)),
            connection.scalar(select(func.count()).where(AuditEntry.action == "report.released")),
        ]
    if found != [expected] * 3:
        raise SystemExit(f"stored releases, reasons, audit entries {found}; expected {expected}")


def figure_line(label: str, figures: tuple[float, ...]) -> str:
    """One line of the table: facts, release s, count_facts s, facts/s, page, GROUP BY, ratio."""
    facts, release, count, rate, page, plain, ratio = figures
    return (
        f"  {label:>6}{facts:10,.0f}  {release:10.2f}  {count:13.2f}  {rate:14,.0f}"
        f"  {page * 1000:8.1f}  {plain * 1000:12.1f}  {ratio:13.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--waves", type=int, default=8)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page-repeat", type=int, default=21)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    set_active_keyring(new_keyring())  # a bench keyring: in memory, made for this run, never saved
    with scratch_engine(args.database_url) as engine:
        print(f"database: {engine.dialect.name}")
        upgrade_to_head(engine)
        began = time.perf_counter()
        officers, made = generate(engine, args.facts, args.waves, args.seed)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        print(
            f"generated {made:,} sealed facts, {officers:,} officers x {args.waves} waves, "
            f"{STATIONS * TEAMS + STATIONS + 1} units in {time.perf_counter() - began:.1f} s; "
            f"peak RSS {peak_rss_mb():.0f} MB"
        )
        catalogue = load_catalogue(questionnaire_dirs(""))
        with Session(engine) as session:
            bureau = session.scalars(select(Unit).where(Unit.code == "BUR")).one()
            waves = sorted(visible_waves(session, [bureau]), key=lambda w: w.seq)
        figures = []
        lines = 0
        print(
            f"per wave, the median of {args.repeat} runs ({args.page_repeat} alternated rounds "
            "for the page and GROUP BY):\n"
            "    wave     facts   release s  count_facts s  facts opened/s   page ms  "
            "GROUP BY ms  page/GROUP BY"
        )
        page_peak = 0.0
        for wave in waves:
            _rows, facts = plain_group_by(engine, wave.id)  # warms the page cache too
            count, opened = time_it(lambda w=wave: open_facts(engine, w), args.repeat)
            if opened != facts:
                raise SystemExit(f"wave {wave.seq}: count_facts opened {opened} of {facts} facts")
            runs = [
                release_job(engine, catalogue, wave, args.k, keep=run == args.repeat - 1)
                for run in range(args.repeat)
            ]
            release = statistics.median(runs)
            page, plain, lines = page_against_plain(
                engine, catalogue, wave, args.k, args.page_repeat
            )
            page_peak = max(page_peak, page_memory(engine, catalogue, wave, args.k))
            figures.append((facts, release, count, facts / count, page, plain, page / plain))
            print(figure_line(f"{wave.seq:4}", figures[-1]))
        check_stored(engine, len(waves))
        audited = [audit_cost(engine, catalogue, wave, args.k, args.repeat) for wave in waves]
        audit_seconds = statistics.median(a[0] for a in audited)
        release_seconds = statistics.median(f[1] for f in figures)
        print(
            f"exact audit: {audit_seconds:.2f} s a wave = {audit_seconds / release_seconds:.0%} "
            f"of the release job; unsafe cells the heuristic alone left "
            f"{sum(a[1] for a in audited)}, hidden in addition {sum(a[2] for a in audited)} "
            f"(all {len(waves)} waves, both instruments)"
        )
        median = tuple(statistics.median(column) for column in zip(*figures, strict=True))
        print(figure_line("median", median))
        _facts, release, count, *_rest = median
        print(
            f"release job: {release:.2f} s a wave, of which opening the facts (count_facts alone, "
            f"timed in separate runs) ~{count:.2f} s = {count / release:.0%}; the rest is "
            f"disclosure control and storing. All {len(waves)} waves: "
            f"{sum(f[1] for f in figures):.1f} s"
        )
        print(
            f"page: the bureau and its subtree ({lines} lines x {len(INSTRUMENTS)} instruments) "
            f"from the stored release; baseline: GROUP BY unit, instrument over the wave's facts"
        )
        print(
            f"page memory: at most {page_peak:.1f} MB allocated at once by one page "
            f"(tracemalloc, untimed runs); the process's peak RSS {peak_rss_mb():.0f} MB "
            f"(generating and sealing the facts, the release job)"
        )
        ratios = [plain / page for *_head, page, plain, _ratio in figures]
        print(f"RATIO report {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
