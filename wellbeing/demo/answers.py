"""Who answers a demo wave, in which PHQ-9 band, and the answers that put them there.

The leaders' reports protect every count from 1 to k-1 (k = 10 by default) so strictly that
randomly scattered results leave a station of fifty with nothing to show. So each group of
officers (a station's own officers, or a team) answers with a fixed share per band: just over
half minimal, and the rest — mild, moderate, moderately severe, severe, in falling numbers —
together at least ten where the group is large enough, which leaves the minimal count of every
station something the report can show. Within a group, officers are ranked by their own level of
distress, which drifts a little from wave to wave, so the same people tend to stay in the same
bands and a person's history reads as one person's.

Every draw comes from a generator seeded by the wave and the person (not by time), so the results
are the same whatever day the demo is built.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from wellbeing.instruments import Definition

PHQ9_BANDS = ("minimal", "mild", "moderate", "moderately_severe", "severe")
TAIL_SHARE = 0.45  # of a group: mild or worse
SEED = "wellbeing-demo-2026"


def rng_for(*parts: object) -> random.Random:
    """A generator of its own for one wave, group or person (string seeds are stable)."""
    return random.Random(":".join([SEED, *map(str, parts)]))  # noqa: S311 - demo data


def band_quota(size: int) -> list[str]:
    """The PHQ-9 bands of a group of `size` respondents, most distressed last."""
    tail = max(round(size * TAIL_SHARE), min(10, size - 10))
    mild = min(9, round(tail * 0.55))
    moderate = round(tail * 0.25)
    rest = tail - mild - moderate
    severe = rest // 3
    counts = (size - tail, mild, moderate, rest - severe, severe)
    return [band for band, count in zip(PHQ9_BANDS, counts, strict=True) for _ in range(count)]


def level(username: str, wave: int) -> float:
    """An officer's distress in a wave: their own level plus a small drift per wave."""
    own = rng_for("level", username).random()
    return own + rng_for("drift", username, wave).gauss(0, 0.12)


def answers_in_band(
    definition: Definition, band_id: str, rng: random.Random, critical: int = 0
) -> dict[str, int]:
    """Answers whose total lies in the band (instruments scored as the sum of their items, as
    PHQ-9 and GAD-7 are); `critical` is the value of the critical items (PHQ-9 item 9)."""
    band = next(b for b in definition.bands if b.id == band_id)
    assert band.range is not None  # noqa: S101 - the demo's instruments band by total
    low, high = band.range
    critical_ids = _critical_items(definition)
    items = [item for item in definition.items if not item.optional]
    answers = {item.id: (critical if item.id in critical_ids else 0) for item in items}
    open_items = [item for item in items if item.id not in critical_ids]
    top = max(max(item.values) for item in open_items)
    target = min(rng.randint(low, high), top * len(open_items) + sum(answers.values()))
    while sum(answers.values()) < target:
        item = rng.choice([i for i in open_items if answers[i.id] < max(i.values)])
        answers[item.id] += 1
    return answers


def nearby_band(bands: Sequence[str], index: int, rng: random.Random) -> str:
    """A band of another instrument near the PHQ-9 band at `index` (GAD-7 follows mood)."""
    drift = rng.choice((-1, 0, 0, 1))
    return bands[min(max(index + drift, 0), len(bands) - 1)]


def _critical_items(definition: Definition) -> set[str]:
    found: set[str] = set()
    for flag in definition.flags:
        if flag.critical:
            found |= _items_of(flag.when)
    return found


def _items_of(condition: object) -> set[str]:
    """Item ids a flag's condition reads (walks the condition's dataclass fields)."""
    found = set()
    item = getattr(condition, "item", None)
    if isinstance(item, str):
        found.add(item)
    for part in getattr(condition, "parts", ()) or ():
        found |= _items_of(part)
    return found
