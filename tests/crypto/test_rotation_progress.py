"""What `keys rotate` shows while it runs (share, count, rate, ETA) and how `--max-rate` paces
it; clocks are given, so nothing here depends on how fast the machine is."""

from __future__ import annotations

import io
import re

from wellbeing.crypto import RotationReport
from wellbeing.sealing.progress import Pacer, ProgressLine


class Clock:
    """A monotonic clock moved by hand; `sleep` moves it too and records the sleep."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _report(rewrapped: int) -> RotationReport:
    return RotationReport("kek-new", total=10_000, already_current=2_000, rewrapped=rewrapped)


def test_on_a_terminal_the_line_is_redrawn_with_rate_and_eta() -> None:
    clock, out = Clock(), Terminal()
    line = ProgressLine(out, clock=clock)
    clock.now += 2
    line.update(_report(2_000))
    assert out.getvalue() == (
        "\rre-wrapping [######                  ]  25.0% 2,000/8,000 1,000/s ETA 0:06"
    )
    clock.now += 6
    line.finish(_report(8_000))
    assert out.getvalue().endswith("100.0% 8,000/8,000 1,000/s ETA 0:00\n")


def test_into_a_pipe_it_prints_a_line_per_interval() -> None:
    clock, out = Clock(), io.StringIO()
    line = ProgressLine(out, interval=5, clock=clock)
    for done in range(500, 8_001, 500):  # one batch a second
        clock.now += 1
        line.update(_report(done))
    line.finish(_report(8_000))
    lines = out.getvalue().splitlines()
    assert [re.search(r"[\d,]+/8,000", entry).group() for entry in lines] == [  # type: ignore[union-attr]
        "2,500/8,000",
        "5,000/8,000",
        "7,500/8,000",
        "8,000/8,000",
    ]
    assert "\r" not in out.getvalue()
    assert lines[0].endswith("500/s ETA 0:11")


def test_a_long_run_shows_hours_and_no_eta_before_anything_is_done() -> None:
    clock, out = Clock(), Terminal()
    line = ProgressLine(out, clock=clock)
    assert line.describe(_report(0), clock.now).endswith("0/s ETA --:--")
    clock.now += 100
    assert line.describe(_report(100), clock.now).endswith("1/s ETA 2:11:40")


def test_max_rate_sleeps_just_enough_between_batches() -> None:
    clock = Clock()
    pace = Pacer(1_000, clock=clock, sleep=clock.sleep)
    clock.now += 0.1  # a batch of 500 took 0.1 s: 0.4 s to wait
    pace.wait(500)
    clock.now += 0.7  # the next one took longer than its share: no wait
    pace.wait(500)
    clock.now += 0.1
    pace.wait(500)  # 1,500 done at 1.3 s: 0.2 s more
    assert clock.slept == [0.4, 0.2]


def test_without_max_rate_it_never_sleeps() -> None:
    clock = Clock()
    pace = Pacer(None, clock=clock, sleep=clock.sleep)
    pace.wait(10_000)
    assert clock.slept == []
