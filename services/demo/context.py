"""What every part of the generator shares: the plan, the random source, ids, the clock."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from services.demo.plan import DAY, HOUR, DemoPlan
from services.demo.sink import PG_EPOCH_MICROS, CopySink

T = TypeVar("T")

#: progress(stage, done, total): the CLI draws a bar from it, the app a status line
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The progress callback that reports nothing."""


class Context:
    """Shared state of one generation run.

    Times inside the generator are whole seconds since ``plan.start`` (the store's local
    midnight a year ago), so day ``d`` starts at ``d * DAY`` and 09:00 in the shop is
    ``d * DAY + 9 * HOUR``. ``at()`` turns them into timestamps for the rows.
    """

    def __init__(
        self,
        plan: DemoPlan,
        sink: CopySink,
        last_ids: dict[str, int],
        staff: dict[str, int],
        progress: Progress,
    ) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.sink = sink
        #: the last id handed out per table (the generator's hot loops bump these directly)
        self.ids = dict(last_ids)
        self.staff = staff
        self.progress = progress
        self.end = plan.span
        self.t0 = round(plan.start.timestamp() * 1_000_000) - PG_EPOCH_MICROS

    def new_id(self, table: str) -> int:
        """The next id of ``table`` (after whatever the table held before the demo)."""
        self.ids[table] += 1
        return self.ids[table]

    def peek_id(self, table: str) -> int:
        """The last id handed out for ``table``."""
        return self.ids[table]

    def at(self, seconds: float) -> int:
        """A row's timestamp for ``seconds`` into the year (see ``sink.MicrosecondsDumper``)."""
        return self.t0 + int(seconds) * 1_000_000

    def day_time(self, day: int, hour: float) -> int:
        """Seconds for ``hour`` o'clock (store time) on day ``day`` of the year."""
        return day * DAY + int(hour * HOUR)


class Weighted(Generic[T]):
    """Draws from ``values`` by ``weights``; ``random.choices`` without its per-call setup."""

    def __init__(self, values: Sequence[T], weights: Sequence[float]) -> None:
        self.values = tuple(values)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]


def one(rng: random.Random, items: Sequence[T]) -> T:
    """``rng.choice`` for the hot loops: one multiplication instead of rejection sampling."""
    return items[int(rng.random() * len(items))]


def whole(rng: random.Random, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` inclusive (``rng.randint``, cheaper)."""
    return low + int(rng.random() * (high - low + 1))
