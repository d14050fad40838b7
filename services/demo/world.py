"""The year, replayed in time order: stock and the documents that move it.

Every stock change goes through ``World.move``, which updates the figures kept in memory and
appends the matching ledger row, in the order the changes happen; so movement ids ascend with
time, no figure ever goes below zero on the way (for deny-policy variants), and the final
levels written at the end are exactly the ledger's sums.

Events that happen later (a parcel shipping, a purchase order arriving) wait in a heap and run
when the clock reaches them; whatever is due after the end of the year never happens.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from models.status import MovementReason as R
from services.demo import vocabulary as words
from services.demo.catalog import MAIN, OVERFLOW, SHOP, Catalog, PurchaseRun, purchase_runs
from services.demo.context import Context
from services.demo.plan import DAY, HOUR
from services.demo.sink import jsonb

#: units sold per order line, on average (for sizing opening stock and reorder points)
UNITS_PER_LINE = 1.25
#: the share of units sold online (from the warehouse) and in the shop
ONLINE_SHARE, SHOP_SHARE = 0.9, 0.08
MINUTE = 60

Deltas = tuple[int, int, int, int, int, int, int]


@dataclass(frozen=True)
class OpenCount:
    """A count scanned but not posted: the ledger's last row when it was scanned (what its
    scans compare against) and the (variant, units over or under) its scans found."""

    id: int
    location: int
    watermark: int
    differences: list[tuple[int, int]]


class World:
    """Stock per variant and location, the event clock, and the stock documents."""

    def __init__(self, ctx: Context, cat: Catalog, numbers: dict[str, int]) -> None:
        self.ctx = ctx
        self.cat = cat
        self.rng = ctx.rng
        n = len(cat.v_id)
        places = len(words.LOCATIONS)
        self.n = n
        # on hand, committed, damaged, quality control, safety stock, other, incoming
        self.figures = [[[0] * n for _ in range(7)] for _ in range(places)]
        self.has_level = [bytearray(n) for _ in range(places)]
        self.last_moved = [[0] * n for _ in range(places)]
        self.reorder_point: list[list[int | None]] = [[None] * n for _ in range(places)]
        self.reorder_quantity: list[list[int | None]] = [[None] * n for _ in range(places)]
        self.needs: list[set[int]] = [set() for _ in words.SUPPLIERS]
        self.shop_needs: set[int] = set()
        self.heap: list[tuple[int, int, Callable[..., None], tuple[Any, ...]]] = []
        self._seq = 0
        self.now = 0
        self.runs = purchase_runs(ctx)
        self.runs_by_day: dict[int, list[PurchaseRun]] = {}
        for mine in self.runs:
            for run in mine:
                self.runs_by_day.setdefault(run.placed // DAY, []).append(run)
        #: the last document number used, per kind of document
        self.numbers = dict(numbers)
        self.staff = ctx.staff
        self.loc_id = cat.location_ids
        self.t0 = ctx.t0
        self.variant_ids = cat.v_id
        self.backorder = cat.v_backorder
        self.supplier_of = [cat.p_supplier[p] for p in cat.v_product]
        total_units = ctx.plan.order_lines * UNITS_PER_LINE
        main_weight = cat.cum_weights[MAIN][-1]
        shop_weight = cat.cum_weights[SHOP][-1] if cat.cum_weights[SHOP] else 1.0
        self._main_rate = total_units * ONLINE_SHARE / main_weight
        self._shop_rate = total_units * SHOP_SHARE / shop_weight
        #: counts left open at the end, with the differences their scans found
        self.open_counts: list[OpenCount] = []
        self._plan_special_documents()

    # -- stock ------------------------------------------------------------------------------

    def available(self, li: int, vi: int) -> int:
        f = self.figures[li]
        return f[0][vi] - f[1][vi] - f[2][vi] - f[3][vi] - f[4][vi] - f[5][vi]

    def move(
        self,
        t: int,
        li: int,
        vi: int,
        deltas: Deltas,
        reason: R,
        reference: tuple[str, str] | None,
        note: str | None = None,
        staff: int | None = None,
    ) -> None:
        """Change one level by ``deltas`` at ``t`` and append its ledger row.

        Raises AssertionError if a deny-policy figure would go below zero: the demo's own
        history must be one the store could have lived.
        """
        f = self.figures[li]
        on_hand, committed, damaged, quality, safety, other, incoming = deltas
        # Unrolled: this runs a few million times at the benchmark's scale.
        if on_hand:
            f[0][vi] += on_hand
        if committed:
            f[1][vi] += committed
        if damaged:
            f[2][vi] += damaged
        if quality:
            f[3][vi] += quality
        if safety:
            f[4][vi] += safety
        if other:
            f[5][vi] += other
        if incoming:
            f[6][vi] += incoming
        have = f[0][vi]
        available = have - f[1][vi] - f[2][vi] - f[3][vi] - f[4][vi] - f[5][vi]
        if not self.backorder[vi] and (
            available < 0
            or have < 0
            or f[1][vi] < 0
            or f[2][vi] < 0
            or f[3][vi] < 0
            or f[4][vi] < 0
            or f[6][vi] < 0
        ):
            raise AssertionError(f"demo stock went negative: {reason} {li}/{vi} {deltas}")
        self.has_level[li][vi] = 1
        self.last_moved[li][vi] = t
        ids = self.ctx.ids
        ids["stock_movements"] += 1
        ref_type, ref_id = reference if reference else (None, None)
        self.ctx.sink.rows("stock_movements").append(
            (
                ids["stock_movements"],
                self.t0 + t * 1_000_000,
                self.variant_ids[vi],
                self.loc_id[li],
                on_hand,
                committed,
                damaged,
                quality,
                safety,
                other,
                incoming,
                reason,
                ref_type,
                ref_id,
                note,
                staff,
            )
        )
        if li == OVERFLOW:
            return
        point = self.reorder_point[li][vi]
        if point is not None and available + f[6][vi] <= point:
            if li == MAIN:
                self.needs[self.supplier_of[vi]].add(vi)
            else:
                self.shop_needs.add(vi)

    # -- the clock --------------------------------------------------------------------------

    def at(self, t: int, handler: Callable[..., None], *args: Any) -> None:
        """Run ``handler(t, *args)`` when the clock reaches ``t`` (never if after the end)."""
        if t > self.ctx.end:
            return
        self._seq += 1
        heapq.heappush(self.heap, (max(t, self.now), self._seq, handler, args))

    def run_until(self, t: int) -> None:
        heap = self.heap
        while heap and heap[0][0] <= t:
            when, _, handler, args = heapq.heappop(heap)
            self.now = when
            handler(when, *args)

    # -- opening stock ----------------------------------------------------------------------

    def expected_units(self, li: int, vi: int) -> float:
        """Units of ``vi`` expected to sell at ``li`` in a year."""
        rate = self._main_rate if li == MAIN else self._shop_rate
        return self.cat.v_popularity[vi] * rate

    def set_reorder_levels(self) -> None:
        """Reorder points and quantities, from how fast each variant sells."""
        cat = self.cat
        for vi in cat.stocked[MAIN]:
            if cat.v_backorder[vi] or cat.v_sku[vi] is None:
                continue
            yearly = self.expected_units(MAIN, vi)
            lead = words.SUPPLIERS[cat.p_supplier[cat.v_product[vi]]].lead_days
            point = math.ceil(yearly * (lead + 14) / 365 * 1.3) if yearly >= 2 else 0
            self.reorder_point[MAIN][vi] = point
            self.reorder_quantity[MAIN][vi] = 3 * math.ceil(max(3, yearly * 60 / 365) / 3)
        for vi in cat.stocked[SHOP]:
            yearly = self.expected_units(SHOP, vi)
            self.reorder_point[SHOP][vi] = 1
            self.reorder_quantity[SHOP][vi] = max(2, math.ceil(yearly * 30 / 365))

    def open_stock(self, t: int) -> None:
        """The opening stock, imported from the spreadsheet the shop kept before."""
        rng, cat = self.rng, self.cat
        reference = ("import", "opening-stock")
        admin = self.staff["admin"]
        for li in (MAIN, SHOP, OVERFLOW):
            for vi in cat.stocked[li]:
                if not cat.live_at_start[cat.v_product[vi]]:
                    continue
                if li == MAIN:
                    yearly = self.expected_units(MAIN, vi)
                    qty = math.ceil(yearly * rng.uniform(0.25, 0.45)) + rng.randint(0, 3)
                elif li == SHOP:
                    qty = max(2, math.ceil(self.expected_units(SHOP, vi) * 0.3))
                else:
                    qty = rng.randint(6, 30)
                if cat.v_sku[vi] is None:  # gift cards: a box of printed cards
                    qty = 200 if li == MAIN else 40
                self.move(
                    t, li, vi, (qty, 0, 0, 0, 0, 0, 0), R.IMPORT, reference,
                    "Opening stock from the spreadsheet", admin,
                )  # fmt: skip
        self.at(t + HOUR, self._display_minimum)

    def _display_minimum(self, t: int) -> None:
        """The shop keeps one of each of its best sellers on display: safety stock."""
        cat = self.cat
        best = sorted(cat.stocked[SHOP], key=lambda v: -cat.v_popularity[v])[:20]
        for vi in best:
            if self.available(SHOP, vi) >= 2:
                self.move(
                    t, SHOP, vi, (0, 0, 0, 0, 1, 0, 0), R.STATE_CHANGE, None,
                    "Display minimum", self.staff["manager"],
                )  # fmt: skip

    # -- purchase orders --------------------------------------------------------------------

    def _plan_special_documents(self) -> None:
        """Pick the purchase orders that end cancelled or part-received (every state shows)."""
        middle = [r for r in self.runs[0] if r.placed >= self.ctx.end // 2]
        self.cancelled_run = (0, middle[0].index) if middle else None
        received = [r for r in self.runs[2] if r.received <= self.ctx.end]
        self.partial_run = (2, received[-1].index) if received else None

    def purchase_run(self, t: int, run: PurchaseRun) -> None:
        """A supplier's fortnightly purchase order: new products plus what runs low."""
        cat = self.cat
        lines: dict[int, int] = {}
        for vi in cat.launches.get((run.supplier, run.index), ()):
            yearly = self.expected_units(MAIN, vi)
            lines[vi] = max(2 * (self.reorder_quantity[MAIN][vi] or 3), math.ceil(yearly * 0.3))
        wanted = self.needs[run.supplier]
        for vi in sorted(wanted):
            p = cat.v_product[vi]
            if vi in lines or cat.p_sell_until[p] <= run.received:
                continue
            point = self.reorder_point[MAIN][vi] or 0
            have = self.available(MAIN, vi) + self.figures[MAIN][6][vi]
            if have <= point:
                lines[vi] = (self.reorder_quantity[MAIN][vi] or 3) + point - have
        wanted.clear()
        if not lines:
            return
        key = (run.supplier, run.index)
        if key == self.cancelled_run:
            self._purchase_order(t, run.supplier, lines, cancel_at=t + 2 * DAY)
        elif key == self.partial_run:
            items = sorted(lines)
            first = items[: max(1, len(items) * 3 // 5)]
            part = {vi: lines[vi] for vi in first}
            if len(items) > len(first):
                half = items[len(first)]
                part[half] = max(1, lines[half] // 2)
            self._purchase_order(t, run.supplier, lines, receipts=[(run.received, part)])
        else:
            self._purchase_order(t, run.supplier, lines, receipts=[(run.received, lines)])

    def _purchase_order(
        self,
        t: int,
        supplier: int,
        lines: dict[int, int],
        *,
        receipts: Sequence[tuple[int, dict[int, int]]] = (),
        cancel_at: int | None = None,
        draft: bool = False,
        expected: int | None = None,
        note: str | None = None,
    ) -> None:
        ctx, cat = self.ctx, self.cat
        self.numbers["purchase_orders"] += 1
        number = f"PO-{self.numbers['purchase_orders']}"
        po_id = ctx.new_id("purchase_orders")
        end = ctx.end
        received = dict.fromkeys(lines, 0)
        happened = [t]
        for when, items in receipts:
            if when <= end:
                happened.append(when)
                for vi, q in items.items():
                    received[vi] += q
        if draft:
            status = "draft"
        elif cancel_at is not None and cancel_at <= end:
            status = "cancelled"
            happened.append(cancel_at)
        elif all(received[vi] == q for vi, q in lines.items()):
            status = "received"
        elif any(received.values()):
            status = "partially_received"
        else:
            status = "ordered"
        if expected is None:
            expected = receipts[0][0] if receipts else t + 7 * DAY
        ctx.sink.rows("purchase_orders").append(
            (
                po_id,
                number,
                cat.supplier_ids[supplier],
                self.loc_id[MAIN],
                status,
                ctx.at(expected),
                note,
                self.staff["manager"],
                ctx.at(t),
                ctx.at(max(happened)),
            )
        )
        for vi in sorted(lines):
            ctx.sink.rows("purchase_order_lines").append(
                (
                    ctx.new_id("purchase_order_lines"),
                    po_id,
                    cat.v_id[vi],
                    lines[vi],
                    received[vi],
                    cat.v_cost[vi],
                )
            )
        if draft:
            return
        reference = ("purchase_order", number)
        manager = self.staff["manager"]
        for vi in sorted(lines):
            self.move(
                t,
                MAIN,
                vi,
                (0, 0, 0, 0, 0, 0, lines[vi]),
                R.PURCHASE_ORDERED,
                reference,
                None,
                manager,
            )
        if cancel_at is not None:
            self.at(cancel_at, self._cancel_purchase, number, supplier, lines)
            return
        for when, items in receipts:
            self.at(when, self._receive, number, items)

    def _cancel_purchase(self, t: int, number: str, supplier: int, lines: dict[int, int]) -> None:
        for vi in sorted(lines):
            self.move(
                t,
                MAIN,
                vi,
                (0, 0, 0, 0, 0, 0, -lines[vi]),
                R.PURCHASE_CANCELLED,
                ("purchase_order", number),
                "Supplier could not deliver in time",
                self.staff["manager"],
            )
            self.needs[supplier].add(vi)

    def _receive(self, t: int, number: str, items: dict[int, int]) -> None:
        rng = self.rng
        warehouse = self.staff["warehouse"]
        reference = ("purchase_order", number)
        for vi in sorted(items):
            q = items[vi]
            self.move(t, MAIN, vi, (q, 0, 0, 0, 0, 0, -q), R.RECEIVED, reference, None, warehouse)
            if rng.random() < 0.04:
                self.at(t + 10 * MINUTE, self._hold_for_quality, vi, min(q, 2), reference)

    def _hold_for_quality(self, t: int, vi: int, held: int, reference: tuple[str, str]) -> None:
        if self.available(MAIN, vi) >= held:
            self.move(t, MAIN, vi, (0, 0, 0, held, 0, 0, 0), R.STATE_CHANGE, reference,
                      "Held for a quality check", self.staff["warehouse"])  # fmt: skip
            self.at(t + 2 * DAY, self._quality_checked, vi, held, reference)

    def _quality_checked(self, t: int, vi: int, held: int, reference: tuple[str, str]) -> None:
        if self.rng.random() < 0.2:
            deltas: Deltas = (0, 0, held, -held, 0, 0, 0)
            note = "Failed the quality check"
        else:
            deltas, note = (0, 0, 0, -held, 0, 0, 0), "Passed the quality check"
        self.move(t, MAIN, vi, deltas, R.STATE_CHANGE, reference, note, self.staff["warehouse"])

    def preorder_purchase(self, t: int) -> None:
        """The pre-order parka's stock: ordered, arriving after the year ends."""
        cat = self.cat
        lines = {vi: 6 + 3 * self.rng.randint(1, 4) for vi in cat.preorder_variants}
        if lines:
            supplier = cat.p_supplier[cat.v_product[cat.preorder_variants[0]]]
            arrival = self.ctx.end + 12 * DAY
            self._purchase_order(
                t,
                supplier,
                lines,
                receipts=[(arrival, lines)],
                note="Pre-order stock for the Alpine Down Parka",
            )

    def rush_purchase(self, t: int) -> None:
        """A restock ordered two days before the end, still on its way: incoming stock."""
        cat = self.cat
        supplier = 0
        candidates = [
            vi
            for vi in cat.stocked[MAIN]
            if cat.p_supplier[cat.v_product[vi]] == supplier
            and not cat.v_backorder[vi]
            and cat.p_sell_from[cat.v_product[vi]] <= t < cat.p_sell_until[cat.v_product[vi]]
        ]
        if not candidates:
            return
        best = sorted(candidates, key=lambda v: -cat.v_popularity[v])[:8]
        lines = {vi: self.reorder_quantity[MAIN][vi] or 6 for vi in sorted(best)}
        arrival = t + words.SUPPLIERS[supplier].lead_days * DAY
        self._purchase_order(
            t, supplier, lines, receipts=[(arrival, lines)], note="Rush order for the weekend"
        )

    def draft_purchase(self, t: int) -> None:
        """A purchase order someone started this morning and has not sent yet."""
        supplier = 3
        candidates = [
            vi
            for vi in self.cat.stocked[MAIN]
            if self.cat.p_supplier[self.cat.v_product[vi]] == supplier
        ]
        if not candidates:
            return
        picked = sorted(self.rng.sample(candidates, min(5, len(candidates))))
        lines = {vi: self.reorder_quantity[MAIN][vi] or 6 for vi in picked}
        self._purchase_order(
            t,
            supplier,
            lines,
            draft=True,
            expected=t + 10 * DAY,
            note="Waiting for the spring price list before sending",
        )

    # -- transfers ----------------------------------------------------------------------------

    def transfer(
        self,
        t: int,
        origin: int,
        destination: int,
        candidates: list[int],
        *,
        arrive_after: int = DAY,
        draft: bool = False,
        note: str | None = None,
    ) -> None:
        """Ship stock from ``origin`` to ``destination``; it arrives ``arrive_after`` later."""
        ctx, cat = self.ctx, self.cat
        lines: dict[int, int] = {}
        for vi in candidates:
            if cat.v_backorder[vi]:
                continue
            want = self.reorder_quantity[destination][vi] or 4
            q = min(want, self.available(origin, vi) - (self.reorder_point[origin][vi] or 0))
            if q > 0:
                lines[vi] = q
            if len(lines) >= 60:
                break
        if not lines:
            return
        self.numbers["transfers"] += 1
        number = f"T-{self.numbers['transfers']}"
        transfer_id = ctx.new_id("transfers")
        arrival = t + arrive_after
        if draft:
            status, shipped_at, received_at = "draft", None, None
        elif arrival <= ctx.end:
            status, shipped_at, received_at = "received", t, arrival
        else:
            status, shipped_at, received_at = "shipped", t, None
        ctx.sink.rows("transfers").append(
            (
                transfer_id,
                number,
                self.loc_id[origin],
                self.loc_id[destination],
                status,
                note,
                self.staff["warehouse"],
                None if shipped_at is None else ctx.at(shipped_at),
                None if received_at is None else ctx.at(received_at),
                ctx.at(t),
                ctx.at(received_at or t),
            )
        )
        for vi in sorted(lines):
            ctx.sink.rows("transfer_lines").append(
                (
                    ctx.new_id("transfer_lines"),
                    transfer_id,
                    cat.v_id[vi],
                    lines[vi],
                    lines[vi] if status == "received" else 0,
                )
            )
        if draft:
            return
        reference = ("transfer", number)
        warehouse = self.staff["warehouse"]
        for vi in sorted(lines):
            q = lines[vi]
            # As services.inventory.transfers ships: committed at the origin until it arrives.
            self.move(
                t,
                origin,
                vi,
                (0, q, 0, 0, 0, 0, 0),
                R.TRANSFER_SHIPPED,
                reference,
                None,
                warehouse,
            )
            self.move(
                t,
                destination,
                vi,
                (0, 0, 0, 0, 0, 0, q),
                R.TRANSFER_SHIPPED,
                reference,
                None,
                warehouse,
            )
        self.at(arrival, self._transfer_arrived, origin, destination, number, lines)

    def _transfer_arrived(
        self, t: int, origin: int, destination: int, number: str, lines: dict[int, int]
    ) -> None:
        for vi in sorted(lines):
            q = lines[vi]
            self.move(
                t,
                origin,
                vi,
                (-q, -q, 0, 0, 0, 0, 0),
                R.TRANSFER_RECEIVED,
                ("transfer", number),
                None,
                self.staff["warehouse"],
            )
            self.move(
                t,
                destination,
                vi,
                (q, 0, 0, 0, 0, 0, -q),
                R.TRANSFER_RECEIVED,
                ("transfer", number),
                None,
                self.staff["warehouse"],
            )

    def restock_shop(self, t: int, *, arrive_after: int = DAY, note: str | None = None) -> None:
        wanted = sorted(self.shop_needs)
        self.shop_needs.clear()
        self.transfer(
            t,
            MAIN,
            SHOP,
            wanted,
            arrive_after=arrive_after,
            note=note or "Weekly restock of the shop floor",
        )

    def empty_overflow(self, t: int) -> None:
        """Bring bulk stock from the overflow store to the warehouse where it runs low."""
        cat = self.cat
        low = [
            vi
            for vi in cat.stocked[OVERFLOW]
            if self.available(OVERFLOW, vi) > 0
            and self.available(MAIN, vi) <= (self.reorder_point[MAIN][vi] or 0)
        ]
        self.transfer(t, OVERFLOW, MAIN, low, note="Monthly pull from overflow storage")

    # -- adjustments and counts -------------------------------------------------------------

    def adjust(self, t: int) -> None:
        """Something happens to a unit on a shelf: damage, loss, a miscount, a donation."""
        rng, cat = self.rng, self.cat
        li = MAIN if rng.random() < 0.6 else SHOP
        stocked = cat.stocked[li]
        if not stocked:
            return
        for _ in range(8):
            vi = stocked[rng.randrange(len(stocked))]
            if not cat.v_backorder[vi] and self.available(li, vi) >= 2:
                break
        else:
            return
        self.numbers["adjustments"] += 1
        reference = ("adjustment", f"ADJ-{self.numbers['adjustments']}")
        staff = self.staff["warehouse"] if li == MAIN else self.staff["manager"]
        roll = rng.random()
        if roll < 0.4:
            self.move(
                t,
                li,
                vi,
                (0, 0, 1, 0, 0, 0, 0),
                R.DAMAGED,
                reference,
                rng.choice(words.ADJUSTMENT_NOTES["damaged"]),
                staff,
            )
            if rng.random() < 0.7:
                self.at(t + rng.randint(5, 30) * DAY, self._write_off, li, vi, reference)
        elif roll < 0.6:
            self.move(
                t,
                li,
                vi,
                (-1, 0, 0, 0, 0, 0, 0),
                R.THEFT_OR_LOSS,
                reference,
                rng.choice(words.ADJUSTMENT_NOTES["theft_or_loss"]),
                staff,
            )
        elif roll < 0.9:
            delta = 1 if rng.random() < 0.5 else -1
            self.move(
                t,
                li,
                vi,
                (delta, 0, 0, 0, 0, 0, 0),
                R.CORRECTION,
                reference,
                rng.choice(words.ADJUSTMENT_NOTES["correction"]),
                staff,
            )
        else:
            self.move(
                t,
                li,
                vi,
                (-1, 0, 0, 0, 0, 0, 0),
                R.PROMOTION_OR_DONATION,
                reference,
                rng.choice(words.ADJUSTMENT_NOTES["promotion_or_donation"]),
                staff,
            )

    def _write_off(self, t: int, li: int, vi: int, reference: tuple[str, str]) -> None:
        if self.figures[li][2][vi] >= 1:
            self.move(
                t,
                li,
                vi,
                (-1, 0, -1, 0, 0, 0, 0),
                R.WRITE_OFF,
                reference,
                "Damaged unit thrown away",
                self.staff["warehouse"],
            )

    def count(self, t: int, li: int, first: str, last: str, post: bool) -> None:
        """A cycle count of the bins from ``first`` to ``last``: its scans, and (when posted)
        the differences as movements; unposted, every shelf is scanned and the count waits for
        someone to post it (``recheck_open_counts`` keeps it postable).

        The shop counts before it opens, so no sale lands between the scans and the posting.
        """
        ctx, cat, rng = self.ctx, self.cat, self.rng
        scope_bins = [(bid, code) for bid, code, _ in cat.bins[li] if first <= code <= last]
        if not scope_bins:
            return
        in_scope = {bid for bid, _ in scope_bins}
        counted = [
            vi
            for vi in cat.stocked[li]
            if cat.bin_of[li][vi] in in_scope and self.has_level[li][vi]
        ]
        # walking order, as a counter goes along the shelves
        counted.sort(key=lambda vi: cat.bin_of[li][vi])
        self.numbers["stock_counts"] += 1
        number = f"C-{self.numbers['stock_counts']}"
        count_id = ctx.new_id("stock_counts")
        warehouse = self.staff["warehouse"]
        duration = max(30 * MINUTE, min(2 * HOUR, 20 * len(counted)))
        posted_at = t + duration if post else None
        ctx.sink.rows("stock_counts").append(
            (
                count_id,
                number,
                self.loc_id[li],
                "posted" if post else "open",
                # services.inventory.counts reads a bin scope as its first and last code
                jsonb({"bins": [scope_bins[0][1], scope_bins[-1][1]]}),
                ctx.peek_id("stock_movements"),
                warehouse,
                None if posted_at is None else ctx.at(posted_at),
                ctx.at(t),
                ctx.at(posted_at or t),
            )
        )
        differences = []
        step = duration // max(1, len(counted))
        scans = ctx.sink.rows("stock_count_scans")
        # The ledger's last row when scanning: counts compare scans with the stock then.
        watermark = ctx.peek_id("stock_movements")
        for k, vi in enumerate(counted):
            on_hand = self.figures[li][0][vi]
            roll = rng.random()
            diff = 0
            if roll < 0.06 and self.available(li, vi) >= 1:
                diff = -1
            elif roll < 0.08:
                diff = 1
            when = ctx.at(t + k * step)
            variant_id, bin_id, code = cat.v_id[vi], cat.bin_of[li][vi], cat.v_barcode[vi]
            if k == 0:  # a scan of the wrong item, undone straight away
                scans.append(
                    (ctx.new_id("stock_count_scans"), count_id, variant_id, bin_id, 1, code,
                     when, warehouse, ctx.at(t + k * step + 5), watermark)
                )  # fmt: skip
            if on_hand + diff > 0:  # an empty shelf has nothing to scan
                scans.append(
                    (ctx.new_id("stock_count_scans"), count_id, variant_id, bin_id,
                     on_hand + diff, code, when, warehouse, None, watermark)
                )  # fmt: skip
            if diff:
                differences.append((vi, diff))
        if post and posted_at is not None:
            self.at(posted_at, self._post_count, li, number, differences)
        elif not post:
            self.open_counts.append(OpenCount(count_id, li, watermark, differences))

    def recheck_open_counts(self, t: int) -> None:
        """A unit a count missed that orders have since reserved is found on a second look.

        Otherwise posting the count would take on hand below what the orders committed, and
        the demo's open count would be refused the first time someone posts it.
        """
        ctx, cat = self.ctx, self.cat
        scans = ctx.sink.rows("stock_count_scans")
        for count in self.open_counts:
            li = count.location
            for vi, diff in count.differences:
                if diff < 0 and self.available(li, vi) + diff < 0:
                    scans.append(
                        (ctx.new_id("stock_count_scans"), count.id, cat.v_id[vi],
                         cat.bin_of[li][vi], -diff, cat.v_barcode[vi], ctx.at(t),
                         self.staff["warehouse"], None, count.watermark)
                    )  # fmt: skip

    def _post_count(self, t: int, li: int, number: str, differences: list[tuple[int, int]]) -> None:
        for vi, diff in differences:
            if diff < 0 and self.available(li, vi) < -diff:
                continue  # sold meanwhile: the count no longer says it is missing
            self.move(
                t,
                li,
                vi,
                (diff, 0, 0, 0, 0, 0, 0),
                R.COUNT,
                ("count", number),
                "Cycle count",
                self.staff["warehouse"],
            )

    # -- levels -------------------------------------------------------------------------------

    def write_levels(self) -> None:
        """The final figures of every level that ever moved, with its bin and reorder point."""
        ctx, cat = self.ctx, self.cat
        rows = ctx.sink.rows
        for li in range(len(words.LOCATIONS)):
            f = self.figures[li]
            has = self.has_level[li]
            location_id = self.loc_id[li]
            bins = cat.bin_of[li]
            for vi in range(self.n):
                if not has[vi]:
                    continue
                rows("inventory_levels").append(
                    (
                        cat.v_id[vi],
                        location_id,
                        bins[vi] or None,
                        f[0][vi],
                        f[1][vi],
                        f[2][vi],
                        f[3][vi],
                        f[4][vi],
                        f[5][vi],
                        f[6][vi],
                        self.reorder_point[li][vi],
                        self.reorder_quantity[li][vi],
                        ctx.at(self.last_moved[li][vi]),
                    )
                )
                if vi % 4096 == 0:
                    ctx.sink.maybe_flush()
