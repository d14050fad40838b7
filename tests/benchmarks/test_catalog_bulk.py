"""A bulk price change of 100,000 variants, applied and audited, against a bare UPDATE.

The bulk edit locks the products and variants in id order, computes every new price with the
shared rounding rule (raise 10 %, end in .99), updates the variants and writes an audit entry
per variant in one statement, bumps the products' versions, writes the summary entry and one
outbox event per product, and commits. The baseline is a single UPDATE of the same rows' prices
in SQL, without audit or events, committed, in the same run. Target from the issue: under 5 s.
"""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import text

from app.database import make_engine
from services.actors import system_actor
from services.catalog.bulk import BulkEdit, Selection, apply_bulk_edit, revert_bulk_edit
from services.catalog.rules import Adjustment, AmountChange, Rounding
from services.unit_of_work import Store
from tests.benchmarks.catalog_scale import build_catalog

CATALOG = 300_000
CHANGED = 100_000


@pytest.fixture(scope="module")
def catalog(pg_server, template_database):
    name = f"mo_bench_bulk_{uuid.uuid4().hex[:6]}"
    engine = make_engine(pg_server.create_database(name, template_database), pool_size=2)
    built = build_catalog(engine, CATALOG)
    print(f"\nbuilt {built.variants:,} variants in {built.seconds:.0f} s")
    yield Store(engine)
    engine.dispose()
    pg_server.drop_database(name)


def test_a_bulk_price_change_of_100k_variants(catalog: Store) -> None:
    with catalog.engine.connect() as connection:
        ids = list(
            connection.execute(
                text("SELECT id FROM variants ORDER BY id LIMIT :n"), {"n": CHANGED}
            ).scalars()
        )
        baseline_ids = list(
            connection.execute(
                text("SELECT id FROM variants ORDER BY id DESC LIMIT :n"), {"n": CHANGED}
            ).scalars()
        )
        started = time.perf_counter()
        connection.execute(
            text(
                "UPDATE variants SET price = price * 11 / 10 "
                "WHERE id IN (SELECT unnest(CAST(:ids AS bigint[])))"
            ),
            {"ids": baseline_ids},
        )
        connection.commit()
        bare = time.perf_counter() - started

    edit = BulkEdit(price=AmountChange(Adjustment.INCREASE_PERCENT, 1000, Rounding.END_99))
    started = time.perf_counter()
    result = apply_bulk_edit(
        catalog.unit_of_work(), system_actor("Benchmark"), Selection(variant_ids=tuple(ids)), edit
    )
    applied = time.perf_counter() - started
    assert result.variants_changed == CHANGED

    with catalog.engine.connect() as connection:
        audited = connection.execute(
            text("SELECT count(*) FROM audit_log WHERE batch_id = :b"), {"b": result.batch_id}
        ).scalar_one()
    assert audited == CHANGED + 1  # one entry per variant and the summary to revert from

    started = time.perf_counter()
    reverted = revert_bulk_edit(
        catalog.unit_of_work(), system_actor("Benchmark"), result.audit_entry_id
    )
    revert_seconds = time.perf_counter() - started
    assert reverted.restored_variants == CHANGED

    verdict = "within" if applied < 5 else "OVER"
    print(
        f"\n[bench] bulk price change of {CHANGED:,} variants (of {CATALOG:,}), audited: "
        f"{applied:.2f} s vs a bare UPDATE of as many prices {bare:.2f} s -> ratio "
        f"{applied / bare:.1f} ({verdict} the 5 s target); {result.products_changed:,} products "
        f"announced"
    )
    print(f"        revert from the audit entry: {revert_seconds:.2f} s")
