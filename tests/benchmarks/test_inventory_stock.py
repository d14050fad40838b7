"""Inventory benchmarks, each against a raw-SQL baseline measured in the same run:

- a single adjustment's commit latency (target under 5 ms), against the bare ledger write,
  in alternating blocks;
- 10,000 single-unit reservations of one hot SKU from 16 connections, against a raw
  conditional ``UPDATE ... WHERE available >= 1`` loop on the same row (aim: ratio >= 0.5),
  three rounds of each taken in turn;
- posting a 5,000-line count (target under 2 s), against one raw bulk ledger write.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from collections.abc import Callable

import psycopg
import pytest
from sqlalchemy import text

from models.status import MovementReason
from services.inventory.adjustments import AdjustmentLine, adjust_stock
from services.inventory.counts import post_count, start_count
from services.inventory.ledger import Movement, move_stock
from services.unit_of_work import Store
from tests import factories
from tests.benchmarks.conftest import report

pytestmark = pytest.mark.committed


def _libpq(store: Store) -> str:
    url = store.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def test_a_single_adjustment_commits_in_a_few_milliseconds(
    committed_store, committed_staff
) -> None:
    store, actor = committed_store, committed_staff["warehouse"]
    place = factories.location(store, "BENCH")
    [variant] = factories.product(store, skus=("ADJ-BENCH",))
    line = [AdjustmentLine(variant, place, change=1)]

    def adjust() -> None:
        adjust_stock(store.unit_of_work(), actor, line, reason=MovementReason.CORRECTION)

    with psycopg.connect(_libpq(store)) as conn:

        def raw_adjust() -> None:
            conn.execute(
                "UPDATE inventory_levels SET on_hand = on_hand + 1 "
                "WHERE variant_id = %s AND location_id = %s",
                (variant, place),
            )
            conn.execute(
                "INSERT INTO stock_movements (variant_id, location_id, on_hand_delta, reason) "
                "VALUES (%s, %s, 1, 'correction')",
                (variant, place),
            )
            conn.commit()

        for _ in range(50):  # warm the pool, the prepared statements and the caches
            adjust()
            raw_adjust()
        # in alternating blocks, so a neighbour's burst on this shared machine lands on both
        ours, raw = [], []
        for _ in range(10):
            for action, times in ((adjust, ours), (raw_adjust, raw)):
                for _ in range(50):
                    start = time.perf_counter()
                    action()
                    times.append(time.perf_counter() - start)
    ms = 1000
    report(
        "single adjustment commit (median)",
        statistics.median(ours) * ms,
        statistics.median(raw) * ms,
        unit="ms",
        baseline_name="raw UPDATE + INSERT + COMMIT",
    )
    print(
        f"[bench] single adjustment commit: p95 {_percentile(ours, 0.95) * ms:.2f} ms, "
        f"max {max(ours) * ms:.2f} ms (target: under 5 ms)"
    )


RESERVATIONS = 10_000
CONNECTIONS = 16
ROUNDS = 3


def _in_processes(target: Callable[..., tuple[float, float, int]], args: tuple) -> float:
    """Run ``target`` in CONNECTIONS client processes released together; returns the wall time
    from the first start to the last finish. Processes, not threads: 16 clients of a store are
    16 processes (API workers, workstations), and one interpreter's lock would otherwise stretch
    the time a row lock is held by whichever thread is waiting for it."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(CONNECTIONS)
        with context.Pool(CONNECTIONS) as pool:
            results = pool.starmap(target, [(*args, barrier) for _ in range(CONNECTIONS)])
    return max(r[1] for r in results) - min(r[0] for r in results)


def test_hot_sku_reservations_against_a_raw_conditional_update(
    committed_store, committed_staff
) -> None:
    from tests.benchmarks import inventory_reservation_worker as worker

    store, actor = committed_store, committed_staff["admin"]
    place = factories.location(store, "HOT")
    ours_sku, raw_sku = factories.product(store, skus=("HOT-OURS", "HOT-RAW"))
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            actor,
            [
                Movement(ours_sku, place, on_hand=RESERVATIONS * ROUNDS),
                Movement(raw_sku, place, on_hand=RESERVATIONS * ROUNDS),
            ],
            reason=MovementReason.RECEIVED,
        )
        uow.commit()
    per_process = RESERVATIONS // CONNECTIONS
    url = store.engine.url.render_as_string(hide_password=False)
    # rounds in turn, so a neighbour's burst on this shared machine lands on both
    raw_seconds = ours_seconds = 0.0
    for _ in range(ROUNDS):
        raw_seconds += _in_processes(worker.raw_loop, (_libpq(store), raw_sku, place, per_process))
        ours_seconds += _in_processes(
            worker.reserve_loop, (url, ours_sku, place, per_process, actor.staff_id)
        )
    total = per_process * CONNECTIONS * ROUNDS
    with store.session_factory() as session:
        committed = dict(
            session.execute(
                text("SELECT variant_id, committed FROM inventory_levels WHERE location_id = :l"),
                {"l": place},
            ).all()
        )
    assert committed[ours_sku] == committed[raw_sku] == total
    report(
        f"hot SKU: {ROUNDS} x {total // ROUNDS:,} single-unit reservations from "
        f"{CONNECTIONS} connections",
        total / ours_seconds,
        total / raw_seconds,
        unit="reservations/s",
        baseline_name="raw conditional UPDATE loop",
        higher_is_better=True,
    )


COUNT_LINES = 5_000


def test_posting_a_five_thousand_line_count(committed_store, committed_staff) -> None:
    store, actor = committed_store, committed_staff["warehouse"]
    place = factories.location(store, "COUNT")
    raw_place = factories.location(store, "COUNT-RAW")
    with store.session_factory.begin() as session:
        # setup, not behaviour: 2 x 5,000 variants with stock, straight in SQL
        session.execute(
            text(
                "WITH p AS (INSERT INTO products (handle, title) VALUES ('count-bench', 'Bench') "
                "RETURNING id) INSERT INTO variants (product_id, sku, price, position) "
                "SELECT p.id, 'CB-' || g, 100, g FROM p, generate_series(1, :n) g"
            ),
            {"n": 2 * COUNT_LINES},
        )
    variant_ids = [
        r[0]
        for r in store.session_factory()
        .execute(text("SELECT id FROM variants WHERE sku LIKE 'CB-%' ORDER BY id"))
        .all()
    ]
    ours_ids, raw_ids = variant_ids[:COUNT_LINES], variant_ids[COUNT_LINES:]
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            actor,
            [Movement(v, place, on_hand=10) for v in ours_ids]
            + [Movement(v, raw_place, on_hand=10) for v in raw_ids],
            reason=MovementReason.RECEIVED,
        )
        uow.commit()
    count = start_count(store.unit_of_work(), actor, place)
    with store.session_factory.begin() as session:
        # one scan per line, each counting 9, 10 or 11, as a day of scanning would leave
        session.execute(
            text(
                "INSERT INTO stock_count_scans (count_id, variant_id, quantity, staff_id, "
                "after_movement_id) SELECT :c, v, 9 + (v % 3), :s, "
                "(SELECT max(id) FROM stock_movements) FROM unnest(CAST(:ids AS bigint[])) v"
            ),
            {"c": count.id, "s": actor.staff_id, "ids": ours_ids},
        )
    # another count is left open elsewhere, as on a real day
    start_count(store.unit_of_work(), actor, raw_place)

    start = time.perf_counter()
    posting = post_count(store.unit_of_work(), actor, count.id)
    ours_seconds = time.perf_counter() - start
    assert posting.adjusted_lines == sum(1 for v in ours_ids if v % 3 != 1)

    with psycopg.connect(_libpq(store)) as conn:
        start = time.perf_counter()
        conn.execute(
            "WITH d AS (SELECT v, 9 + (v %% 3) - 10 AS delta FROM unnest(%s::bigint[]) v), "
            "u AS (UPDATE inventory_levels l SET on_hand = l.on_hand + d.delta FROM d "
            "WHERE l.variant_id = d.v AND l.location_id = %s AND d.delta <> 0 "
            "RETURNING l.variant_id, d.delta) "
            "INSERT INTO stock_movements (variant_id, location_id, on_hand_delta, reason) "
            "SELECT variant_id, %s, delta, 'count' FROM u",
            (raw_ids, raw_place, raw_place),
        )
        conn.commit()
        raw_seconds = time.perf_counter() - start
    report(
        f"posting a {COUNT_LINES:,}-line count ({posting.adjusted_lines:,} differences)",
        ours_seconds,
        raw_seconds,
        baseline_name="one raw bulk UPDATE + INSERT",
    )
    print(f"[bench] posting a {COUNT_LINES:,}-line count: {ours_seconds:.3f} s (target: under 2 s)")
