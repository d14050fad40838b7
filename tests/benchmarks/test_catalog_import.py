"""Importing a 100,000-variant Shopify product CSV, end to end, against raw COPY of the same file.

"End to end" is what the merchant waits for: decoding and parsing the file, the dry run's
comparison with the catalog, writing products, options, images, variants, barcodes, stock
through the ledger, audit entries and outbox events, and the commit. The baseline is COPY of
the same bytes into a table of text columns in the same run (no parsing into types, no checks,
no indexes), three times before the import and three times after, the median taken. Target
from the issue: under 10 s where raw COPY takes in about a million rows a second, so a ratio
of at most 100.

The stages printed are what the merchant's progress bar says: reading the file (decoding and
splitting it: Python alone), reading and checking products (parsing, checking and comparing
them a thousand at a time while the server writes the thousands before), then each batch of
writing the server finishes after that, and "Saving" (the commit, with the ledger's checks
against its levels).
"""

from __future__ import annotations

import csv
import io
import statistics
import time
import uuid

import pytest

from app.database import make_engine
from services.actors import system_actor
from services.exports.products import FIELDS, HeaderStyle, headers
from services.imports.products import import_products, plan_product_import
from services.progress import Progress
from services.unit_of_work import Store
from tests.benchmarks.catalog_scale import ADJECTIVES, COLOURS, MATERIALS, NOUNS, ean13

VARIANTS = 100_000
#: the issue's 10 s where raw COPY takes in a million rows a second: 100,000 rows in 0.1 s
TARGET_RATIO = 100
SIZES = ("XS", "S", "M", "L", "XL")


def shopify_csv(variants: int) -> bytes:
    """A classic-header Shopify file: products of 2 colours x 5 sizes with images and stock."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers(HeaderStyle.CLASSIC))
    written = 0
    product = 0
    while written < variants:
        product += 1
        title = (
            f"{ADJECTIVES[product % len(ADJECTIVES)]} {MATERIALS[product % len(MATERIALS)]} "
            f"{NOUNS[product % len(NOUNS)]} {product}"
        )
        handle = title.lower().replace(" ", "-")
        colours = (COLOURS[product % len(COLOURS)], COLOURS[(product + 5) % len(COLOURS)])
        for n, (colour, size) in enumerate((c, s) for c in colours for s in SIZES):
            if written == variants:
                break
            row = dict.fromkeys(FIELDS, "")
            row.update(
                handle=handle,
                option1_value=colour,
                option2_value=size,
                sku=f"BENCH-{product:06d}-{colour[:3].upper()}{n}-{size}",
                grams="250",
                inventory_tracker="shopify",
                inventory_qty=str((product + n) % 40),
                inventory_policy="deny",
                fulfillment_service="manual",
                price=f"{19 + product % 60}.99",
                compare_at_price="" if n % 3 else f"{29 + product % 60}.99",
                requires_shipping="TRUE",
                taxable="TRUE",
                barcode=ean13(300_000_000_000 + written),
                weight_unit="g",
                cost=f"{8 + product % 20}.50",
            )
            if n == 0:
                row.update(
                    title=title,
                    body=f"<p>{title}, made to last.</p>",
                    vendor="Bench Supply Co",
                    type=NOUNS[product % len(NOUNS)],
                    tags="bench, import",
                    published="TRUE",
                    option1_name="Color",
                    option2_name="Size",
                    status="active",
                    image_src=f"https://cdn.example.com/{handle}.jpg",
                    image_position="1",
                    image_alt=title,
                )
            writer.writerow([row[f] for f in FIELDS])
            written += 1
    return out.getvalue().encode()


class _Stages(Progress):
    """Wall time per stage the import reports, to show where an import's time goes."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stage, self._since = "", time.perf_counter()

    def report(self, done: int, total: int | None = None, text: str = "") -> None:
        if text != self._stage:
            self.finish()
            self._stage = text

    def finish(self) -> None:
        now = time.perf_counter()
        if self._stage:
            self.seconds[self._stage] = self.seconds.get(self._stage, 0.0) + now - self._since
        self._since = now


def _raw_copy_seconds(store: Store, data: bytes, *, runs: int = 3) -> list[float]:
    """Seconds to COPY the file's bytes into a table of text columns, per run."""
    seconds = []
    with store.engine.connect() as connection:
        raw = connection.connection.driver_connection
        columns = ", ".join(f"c{i} text" for i in range(len(FIELDS)))
        for _ in range(runs):
            raw.execute(f"CREATE UNLOGGED TABLE raw_rows ({columns})")
            raw.commit()
            started = time.perf_counter()
            with (
                raw.cursor() as cur,
                cur.copy("COPY raw_rows FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            ):
                copy.write(data)
            raw.commit()
            seconds.append(time.perf_counter() - started)
            raw.execute("DROP TABLE raw_rows")
            raw.commit()
    return seconds


@pytest.fixture
def empty_store(pg_server, template_database):
    name = f"mo_bench_import_{uuid.uuid4().hex[:6]}"
    engine = make_engine(pg_server.create_database(name, template_database), pool_size=2)
    yield Store(engine)
    engine.dispose()
    pg_server.drop_database(name)


def test_importing_a_100k_variant_shopify_csv(empty_store: Store) -> None:
    data = shopify_csv(VARIANTS)
    actor = system_actor("Benchmark")

    copies = _raw_copy_seconds(empty_store, data)

    started = time.perf_counter()
    plan = plan_product_import(empty_store.unit_of_work(), data)
    dry_run_seconds = time.perf_counter() - started

    stages = _Stages()
    started = time.perf_counter()
    result = import_products(
        empty_store.unit_of_work(), actor, data, filename="bench.csv", progress=stages
    )
    import_seconds = time.perf_counter() - started
    stages.finish()
    assert result.plan.variants.create == VARIANTS == plan.variants.create

    started = time.perf_counter()
    again = plan_product_import(empty_store.unit_of_work(), data)
    reimport_seconds = time.perf_counter() - started
    assert again.variants.unchanged == VARIANTS

    copy_seconds = statistics.median(copies + _raw_copy_seconds(empty_store, data))
    size = len(data) / 1e6
    ratio = import_seconds / copy_seconds
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(
        f"\n[bench] import of {VARIANTS:,} variants ({size:.1f} MB): {import_seconds:.2f} s vs "
        f"raw COPY of the same file {copy_seconds:.2f} s (median of 6) -> ratio {ratio:.1f} "
        f"({verdict} the target's {TARGET_RATIO}); {VARIANTS / import_seconds:,.0f} "
        f"variants/s against COPY's {VARIANTS / copy_seconds:,.0f} rows/s"
    )
    print(
        f"        dry run alone {dry_run_seconds:.2f} s; dry run of the same file again, "
        f"every row unchanged: {reimport_seconds:.2f} s"
    )
    print("        where the import's time goes (the last stage includes the commit):")
    print("        " + "; ".join(f"{name} {s:.2f} s" for name, s in stages.seconds.items() if s))
