"""Benchmark: ``merchant-office demo --scale 1000000`` against raw COPY of the same rows.

Seeds a store of about a million variants and a million order lines (set
``MERCHANT_DEMO_BENCH_SCALE`` for a quicker run), then copies every row it wrote, as stored,
into unlogged scratch tables with no keys, indexes or triggers: the fastest PostgreSQL takes
those rows on this machine, measured in the same run. The figure is the ratio of the two rates.
Nothing here is a timed assertion; the only assertions are about correctness.
"""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import text

from services.demo import seed_demo
from services.demo.tables import TABLES
from services.inventory.ledger import verify_ledger
from services.unit_of_work import Store
from tests.services.demo_support import COMMITTED_MISMATCHES, fresh_store

SCALE = int(os.environ.get("MERCHANT_DEMO_BENCH_SCALE", "1000000"))


class Stages:
    """Prints each stage of the generator as it starts, with the time since the start."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.stage = stage
            print(f"  {time.perf_counter() - self.started:7.1f} s  {stage}", flush=True)


def _raw_copy(store: Store) -> tuple[dict[str, int], dict[str, float]]:
    """Rows per table, and seconds to COPY them (binary, as stored) into bare scratch tables."""
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}
    raw_engine = store.engine
    with raw_engine.connect() as connection:
        conn = connection.connection.driver_connection
        for spec in TABLES:
            columns = ", ".join(spec.columns)
            scratch = f"scratch_{spec.name}"
            conn.execute(  # the same columns and types; no keys, indexes, triggers or WAL
                f"CREATE UNLOGGED TABLE {scratch} AS SELECT {columns} FROM {spec.name} "  # type: ignore[arg-type]
                "WITH NO DATA"
            )
            chunks: list[bytes] = []
            with conn.cursor().copy(
                f"COPY (SELECT {columns} FROM {spec.name}) TO STDOUT (FORMAT BINARY)"  # type: ignore[arg-type]
            ) as copy:
                for chunk in copy:
                    chunks.append(bytes(chunk))
            conn.commit()
            began = time.perf_counter()
            with conn.cursor().copy(
                f"COPY {scratch} ({columns}) FROM STDIN (FORMAT BINARY)"  # type: ignore[arg-type]
            ) as copy:
                for chunk in chunks:
                    copy.write(chunk)
            conn.commit()
            seconds[spec.name] = time.perf_counter() - began
            counts[spec.name] = conn.execute(f"SELECT count(*) FROM {scratch}").fetchone()[0]  # type: ignore[arg-type,index]
            conn.execute(f"DROP TABLE {scratch}")  # type: ignore[arg-type]
            conn.commit()
            del chunks
    return counts, seconds


@pytest.mark.timeout(4 * 3600)
def test_demo_at_scale_against_raw_copy_of_the_same_rows(pg_server, template_database) -> None:
    with fresh_store(pg_server, template_database) as store:
        print(f"\nmerchant-office demo --scale {SCALE:,}")
        summary = seed_demo(store, scale=SCALE, progress=Stages())
        with store.unit_of_work() as uow:
            began = time.perf_counter()
            discrepancies = verify_ledger(uow)
            verify_seconds = time.perf_counter() - began
            committed_mismatches = uow.execute(text(COMMITTED_MISMATCHES)).all()
        raw_counts, raw_seconds = _raw_copy(store)

    copied = {name: summary.counts[name] for name in raw_counts}
    assert raw_counts == copied, "the baseline must copy exactly the rows the demo wrote"
    assert discrepancies == []
    assert committed_mismatches == []

    demo_rows = sum(copied.values())
    demo_rate = demo_rows / summary.seconds
    raw_total = sum(raw_seconds.values())
    raw_rate = demo_rows / raw_total
    pair = ("variants", "order_lines")
    pair_rows = sum(copied[t] for t in pair)
    pair_raw_rate = pair_rows / sum(raw_seconds[t] for t in pair)
    pair_demo_rate = pair_rows / summary.seconds

    print(f"\n{'=' * 78}\nmerchant-office demo --scale {SCALE:,}")
    for line in summary.describe():
        print(f"  {line}")
    print("  where the time went:")
    for stage, seconds in summary.stages.items():
        print(f"    {stage:<28} {seconds:8.1f} s")
    print(
        f"  ledger verified clean in {verify_seconds:.1f} s; "
        "committed stock = what open orders and transfers owe"
    )
    print(
        f"\n  demo:     {demo_rows:>12,} rows in {summary.seconds:8.1f} s = "
        f"{demo_rate:>10,.0f} rows/s  (generated, checked, indexed, one transaction)"
    )
    print(
        f"  raw COPY: {demo_rows:>12,} rows in {raw_total:8.1f} s = "
        f"{raw_rate:>10,.0f} rows/s  (same rows, unlogged scratch tables, no keys)"
    )
    print(f"  ratio demo / raw COPY: {demo_rate / raw_rate:.3f}")
    print(
        f"\n  variants + order lines: {pair_rows:,} rows; demo {pair_demo_rate:,.0f} rows/s of "
        f"them over the whole run, raw COPY {pair_raw_rate:,.0f} rows/s; "
        f"ratio {pair_demo_rate / pair_raw_rate:.3f}"
    )
    slowest = sorted(raw_seconds.items(), key=lambda kv: -kv[1])[:6]
    print("  raw COPY seconds by table: " + ", ".join(f"{t} {s:.1f}" for t, s in slowest))
    print("=" * 78)
