"""The calendar: how many orders each day brings, and the store's routines around them."""

from __future__ import annotations

from datetime import timedelta

from services.demo import vocabulary as words
from services.demo.catalog import MAIN, OVERFLOW, SHOP
from services.demo.context import Context, Weighted
from services.demo.orders import (
    AVERAGE_LINES,
    CHANNEL_WEIGHTS,
    CHANNELS,
    ONLINE_HOURS,
    SCRIPTS,
    OrderDesk,
    Script,
    sale_windows,
)
from services.demo.plan import DAY, HOUR
from services.demo.world import World

WEEKDAY_FACTOR = (1.0, 0.95, 0.95, 1.0, 1.1, 1.25, 1.15)
MONTH_FACTOR = (0.8, 0.8, 0.9, 0.95, 1.0, 0.95, 0.9, 0.95, 1.0, 1.1, 1.4, 1.6)
#: the shop counts two aisles about two months before the end of the year
COUNT_DAYS_BEFORE_END = 60


def orders_per_day(ctx: Context) -> list[float]:
    """Expected orders on each day: weekends, the holidays and a year of growth."""
    plan = ctx.plan
    offset = timedelta(hours=words.STORE_UTC_OFFSET_HOURS)
    first = (plan.start + offset).date()
    friday, monday = sale_windows(ctx)["black_friday"]
    weights = []
    for d in range(plan.days):
        day = first + timedelta(days=d)
        w = WEEKDAY_FACTOR[day.weekday()] * MONTH_FACTOR[day.month - 1]
        w *= 0.85 + 0.3 * d / plan.days
        if friday <= d * DAY < monday:
            w *= 2.5
        covered = min(DAY, ctx.end - d * DAY) / DAY
        weights.append(w * covered)
    total = plan.order_lines / AVERAGE_LINES
    scale = total / sum(weights)
    return [w * scale for w in weights]


def run_year(ctx: Context, world: World, desk: OrderDesk) -> None:
    """Play the year day by day; afterwards the world holds the final stock figures."""
    rng, end = ctx.rng, ctx.end
    expected = orders_per_day(ctx)
    days = len(expected)
    scripts: dict[int, list[tuple[int, Script]]] = {}
    for script in SCRIPTS:
        placed = end - script.before_end
        scripts.setdefault(placed // DAY, []).append((placed, script))
    channels = Weighted(CHANNELS, CHANNEL_WEIGHTS)
    hours = Weighted(range(24), ONLINE_HOURS)

    world.set_reorder_levels()
    world.at(0, world.open_stock)
    if desk.cat.preorder_variants:
        world.at(end - 20 * DAY + HOUR, world.preorder_purchase)
    # The last day's loose ends: a restock still on the road, papers not yet sent, a count
    # scanned in the warehouse and not yet posted.
    world.at(end - 6 * HOUR, _restock_in_transit, world)
    world.at(end - 4 * HOUR, world.draft_purchase)
    world.at(end - 2 * DAY, world.rush_purchase)
    world.at(end - 3 * HOUR, world.count, MAIN, "A-01-1", "A-02-9", False)
    world.at(end - 2 * HOUR, _draft_transfer, world)
    count_day = max(1, days - COUNT_DAYS_BEFORE_END)

    ctx.progress("orders", 0, days)
    for day in range(days):
        start = day * DAY
        n = int(expected[day])
        if rng.random() < expected[day] - n:
            n += 1
        for _ in range(n):
            channel = channels.pick(rng)
            if channel == "pos":
                t = start + 10 * HOUR + int(rng.random() * 9 * HOUR)
            else:
                t = start + hours.pick(rng) * HOUR + int(rng.random() * HOUR)
            world.at(t, desk.place, channel)
        for placed, script in scripts.get(day, ()):
            world.at(placed, desk.place, script.channel, script)
        for run in world.runs_by_day.get(day, ()):
            world.at(run.placed, world.purchase_run, run)
        if day % 7 == 2:
            world.at(start + 10 * HOUR, world.restock_shop)
        if day % 28 == 10:
            world.at(start + 13 * HOUR, world.empty_overflow)
        for _ in range((rng.random() < 0.7) + (rng.random() < 0.3)):
            world.at(start + rng.randint(int(9.5 * HOUR), 18 * HOUR), world.adjust)
        if day == count_day:
            world.at(start + 7 * HOUR, world.count, SHOP, "A-01-1", "B-99-9", True)
        world.run_until(min(end, start + DAY - 1))
        ctx.progress("orders", day + 1, days)
    world.run_until(end)
    world.recheck_open_counts(end)


def _restock_in_transit(t: int, world: World) -> None:
    """The shop's best sellers topped up for the weekend; they arrive after the end."""
    cat = world.cat
    best = sorted(cat.stocked[SHOP], key=lambda vi: -cat.v_popularity[vi])[:24]
    wanted = sorted(world.shop_needs | set(best))
    world.shop_needs.clear()
    world.transfer(
        t, MAIN, SHOP, wanted, arrive_after=26 * HOUR, note="Extra restock before the weekend"
    )


def _draft_transfer(t: int, world: World) -> None:
    cat = world.cat
    candidates = [vi for vi in cat.stocked[OVERFLOW] if cat.bin_of[SHOP][vi]][:8]
    world.transfer(
        t, OVERFLOW, SHOP, candidates, draft=True, note="Winter knitwear for the shop window"
    )
