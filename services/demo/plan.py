"""How big the demo store is, and when its year ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.demo.vocabulary import STORE_UTC_OFFSET_HOURS

#: the default demo: a few hundred products, a few thousand variants, customers and orders
DEFAULT_VARIANTS = 3_000
DEFAULT_ORDER_LINES = 10_000
#: below this the store cannot show every state it is meant to show
MIN_SCALE = 100
DEFAULT_SEED = 20_241_129
DAY = 86_400
HOUR = 3_600


@dataclass(frozen=True)
class DemoPlan:
    """The size and time span of a demo store.

    ``variants`` and ``order_lines`` are targets the generator lands close to (products come
    with whole sets of variants; a sold-out item loses its line). ``start`` is the store's
    local midnight about a year before ``end``; every timestamp lies between the two.
    """

    variants: int
    order_lines: int
    customers: int
    seed: int
    end: datetime
    start: datetime

    @property
    def span(self) -> int:
        """Seconds from ``start`` to ``end``."""
        return int((self.end - self.start).total_seconds())

    @property
    def days(self) -> int:
        return -(-self.span // DAY)


def plan_for(
    scale: int | None = None, *, seed: int = DEFAULT_SEED, end: datetime | None = None
) -> DemoPlan:
    """The plan for ``scale`` (about that many variants and order lines; None: the default).

    ``end`` defaults to the current hour, so the newest orders are minutes to hours old; the
    same seed and ``end`` always give the same store. Raises ValueError below ``MIN_SCALE``.
    """
    if scale is not None and scale < MIN_SCALE:
        raise ValueError(f"the demo needs a scale of at least {MIN_SCALE}")
    end = end or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    if end.tzinfo is None:
        raise ValueError("end must be timezone-aware")
    end = end.astimezone(UTC)
    variants = scale or DEFAULT_VARIANTS
    order_lines = scale or DEFAULT_ORDER_LINES
    # One customer for every three or so order lines, as in a shop with loyal regulars.
    customers = max(40, round(order_lines * 0.3))
    offset = timedelta(hours=STORE_UTC_OFFSET_HOURS)
    local = end - timedelta(days=365) + offset
    start = local.replace(hour=0, minute=0, second=0, microsecond=0) - offset
    return DemoPlan(variants, order_lines, customers, seed, end, start)
